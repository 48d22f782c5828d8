import {StringDecoder} from 'node:string_decoder';
import type {ExecChunk, Stream} from './transport.js';

/** A line longer than this is cut (and the rest continues as the next line), so one runaway line cannot grow without bound. */
export const maxLineChars = 64 * 1024;

/** C0 controls except TAB, DEL, and the C1 controls U+0080–U+009F. */
const controlPattern = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/**
 * Make node output safe to show and to pipe: every C0 control character except TAB, DEL and every C1 control
 * becomes a visible `\xNN` (its code point, as in a JavaScript string), so an ESC sequence from an init script or a
 * hostile node cannot retitle the admin's terminal, write the clipboard (OSC 52) or move the cursor to fake a
 * report. A backslash is left alone (so `\x1b` in the output is ambiguous with a real ESC: showing text is the
 * point, not a reversible encoding). Everything else, non-ASCII text included, is kept as it is.
 */
export function neutralizeControls(text: string): string {
	return text.replace(controlPattern, char => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A whole line as received: drop the CR of a CRLF ending, then neutralize what is left. */
function finishLine(line: string): string {
	return neutralizeControls(line.endsWith('\r') ? line.slice(0, -1) : line);
}

/**
 * Splits one output stream into whole lines: UTF-8 decoded across chunk boundaries, `\n` or `\r\n` ends a line,
 * a partial line is carried to the next chunk and flushed by `end()`. Control characters in the lines it returns
 * are neutralized (`neutralizeControls`): node output never reaches a terminal raw.
 */
export class LineSplitter {
	readonly #decoder = new StringDecoder('utf8');
	#partial = '';

	/** Feed a chunk; returns the lines it completed. */
	push(chunk: Buffer | string): string[] {
		const text = this.#partial + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
		const parts = text.split('\n');
		this.#partial = parts.pop() ?? '';
		const lines = parts.map(finishLine);
		while (this.#partial.length > maxLineChars) {
			// Never cut between the halves of a surrogate pair (that would leave two invalid characters).
			const high = this.#partial.charCodeAt(maxLineChars - 1);
			const at = high >= 0xd800 && high <= 0xdbff ? maxLineChars - 1 : maxLineChars;
			// A CR here is followed by more of the line, so it is not a line ending: it is shown, not dropped.
			lines.push(neutralizeControls(this.#partial.slice(0, at)));
			this.#partial = this.#partial.slice(at);
		}

		return lines;
	}

	/** The last partial line (if any), once the stream has ended. */
	end(): string[] {
		const rest = this.#partial + this.#decoder.end();
		this.#partial = '';
		return rest === '' ? [] : [finishLine(rest)];
	}
}

/** Output lines an exec keeps for a slow reader before dropping the oldest. */
export const maxPendingLines = 10_000;

/**
 * The buffer between ssh2's push-style stream events and an async iterator. It never pauses the channel
 * (a stalled reader must not stall the remote command), so it is bounded instead: past `maxPending` lines the
 * oldest output is dropped and the reader gets one stderr line saying how many lines were lost.
 */
export class ChunkQueue {
	readonly #items: ExecChunk[] = [];
	#pendingLines = 0;
	#dropped = 0;
	#done = false;
	#error: unknown;
	#wake: (() => void) | undefined;

	constructor(readonly maxPending: number = maxPendingLines) {}

	/** Queue output lines (ignored when empty or after `end`). */
	output(stream: Stream, lines: readonly string[]): void {
		if (lines.length === 0 || this.#done) return;
		this.#items.push({kind: 'output', stream, lines});
		this.#pendingLines += lines.length;
		while (this.#pendingLines > this.maxPending) {
			const index = this.#items.findIndex(item => item.kind === 'output');
			const oldest = this.#items[index];
			if (oldest?.kind !== 'output') break;
			const excess = this.#pendingLines - this.maxPending;
			if (oldest.lines.length <= excess) {
				this.#items.splice(index, 1);
				this.#dropped += oldest.lines.length;
				this.#pendingLines -= oldest.lines.length;
			} else {
				this.#items[index] = {...oldest, lines: oldest.lines.slice(excess)};
				this.#dropped += excess;
				this.#pendingLines -= excess;
			}
		}

		this.#notify();
	}

	/** Queue the final chunk and end the iteration after it. */
	finish(last?: ExecChunk): void {
		if (this.#done) return;
		if (last !== undefined) this.#items.push(last);
		this.#done = true;
		this.#notify();
	}

	/** End the iteration with an error, after what is already queued. */
	fail(error: unknown): void {
		if (this.#done) return;
		this.#error = error;
		this.#done = true;
		this.#notify();
	}

	get done(): boolean {
		return this.#done;
	}

	async *drain(): AsyncGenerator<ExecChunk> {
		for (;;) {
			if (this.#dropped > 0) {
				const dropped = this.#dropped;
				this.#dropped = 0;
				yield {kind: 'output', stream: 'stderr', lines: [`[svctui: ${dropped} lines of output dropped: the reader fell behind]`]};
			}

			const item = this.#items.shift();
			if (item !== undefined) {
				if (item.kind === 'output') this.#pendingLines -= item.lines.length;
				yield item;
				continue;
			}

			if (this.#done) {
				if (this.#error !== undefined) throw this.#error;
				return;
			}

			await new Promise<void>(resolve => {
				this.#wake = resolve;
			});
		}
	}

	#notify(): void {
		const wake = this.#wake;
		this.#wake = undefined;
		wake?.();
	}
}
