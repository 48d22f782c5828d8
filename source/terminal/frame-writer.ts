/**
 * What the app sends to its terminal: only the rows that changed since the last frame, at most `fps` frames
 * a second, and nothing at all when nothing visible changed.
 *
 * Ink redraws every line of every frame (log-update erases the previous frame line by line and writes the new
 * one), which over a slow SSH link costs kilobytes per progress-bar tick. Ink is therefore run in its debug
 * mode, where each render hands this writer the whole frame as plain text; the writer keeps the screen it last
 * wrote and sends, per changed row, a cursor move, an erase of the row and the row's new text. The result must
 * look exactly like a full redraw: test/terminal/frame-writer.test.ts replays random and recorded frame
 * sequences through a terminal emulator and compares every frame with a fresh full redraw.
 */

/** Where frames go: the terminal, or anything with a write() (a test's emulator). */
export type FrameSink = {write(data: string): unknown};

/** A timer seam, so tests can step time. */
export type FrameClock = {
	now(): number;
	setTimeout(callback: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
};

export type FrameWriterOptions = {
	readonly sink: FrameSink;
	/** The terminal's size now (rows beyond it are never written). */
	readonly size: () => {readonly columns: number; readonly rows: number};
	/** Frames a second at most while the app streams on its own. @default 10 */
	readonly fps?: number;
	/** How long after a key press frames go out at once, outside the budget. @default 250 */
	readonly inputWindowMs?: number;
	readonly clock?: FrameClock;
	/** Called after each write with what was written and the frame it stands for (the tests' frame log). */
	readonly onWrite?: (record: FrameRecord) => void;
};

/** One write to the terminal, as the frame log keeps it. */
export type FrameRecord = {
	readonly columns: number;
	readonly rows: number;
	/** The frame's rows as the app rendered them. */
	readonly lines: readonly string[];
	/** The bytes sent for it. */
	readonly written: string;
	/** Whether the whole screen was redrawn (first frame, after a resize or an outside write). */
	readonly full: boolean;
};

export type FrameWriter = {
	/** A new frame from the renderer (Ink's debug output: the whole screen, rows joined with `\n`). */
	frame(text: string): void;
	/** A key arrived: the frames it causes are not held back by the budget. */
	input(): void;
	/** The terminal changed under us (a resize, the editor, another write): redraw everything next time. */
	invalidate(): void;
	/** Write the pending frame now (before leaving the screen, so the last state is not lost). */
	flush(): void;
	/** Stop timers; pending frames are dropped. */
	dispose(): void;
};

const esc = '\u001B[';
const resetStyle = `${esc}0m`;
const eraseLine = `${esc}2K`;
const clearScreen = `${esc}H${esc}2J`;
// Synchronized output (DEC mode 2026): terminals that know it show the frame at once, others ignore it.
const beginSync = `${esc}?2026h`;
const endSync = `${esc}?2026l`;
// Autowrap off while a frame is written: a row wider than the terminal (a layout that has not caught up
// with a resize yet) is clipped at the margin instead of wrapping into, and scrolling, the rows below.
const wrapOff = `${esc}?7l`;
const wrapOn = `${esc}?7h`;

const moveTo = (row: number): string => `${esc}${row + 1};1H`;

const systemClock: FrameClock = {
	now: () => Date.now(),
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout: handle => {
		clearTimeout(handle as NodeJS.Timeout);
	},
};

/**
 * The escapes that take a screen showing `previous` (undefined: unknown) to one showing `next`, rows
 * 0..rows-1. Each written row starts from a reset style and an erased row, so no colour or character of the
 * old row survives; erasing before writing (rather than after, with EL 0) is right even when the new row fills
 * the last column, where a terminal's pending wrap would make a trailing erase take the last character.
 */
export function diffFrame(previous: readonly string[] | undefined, next: readonly string[], rows: number): string {
	let out = previous === undefined ? resetStyle + clearScreen : '';
	for (let row = 0; row < rows; row++) {
		const line = next[row] ?? '';
		if (previous === undefined ? line === '' : line === (previous[row] ?? '')) {
			continue;
		}

		out += `${moveTo(row)}${resetStyle}${eraseLine}${skipBlanks(line)}`;
	}

	return out === '' ? '' : `${out}${resetStyle}`;
}

const sgrPattern = /\u001B\[([0-9;]*)m/y;

/**
 * The row with its runs of blank cells replaced by cursor moves (CUF): the row was just erased, so a space
 * that shows nothing need not be sent. Boxes and padded columns are mostly such spaces; a 120-column border
 * row shrinks from about 125 bytes to a dozen. Spaces that show something (a background colour, reverse
 * video, underline, strike-through) are kept, and trailing blanks are dropped.
 */
export function skipBlanks(line: string): string {
	let out = '';
	let blanks = 0;
	let background = false;
	let reverse = false;
	let underline = false;
	let strike = false;
	for (let index = 0; index < line.length; ) {
		sgrPattern.lastIndex = index;
		const sgr = sgrPattern.exec(line);
		if (sgr !== null) {
			// Blanks before a style change are judged, and sent, under the style they were written in.
			out += blanks === 0 ? '' : blanks <= 3 ? ' '.repeat(blanks) : `${esc}${blanks}C`;
			blanks = 0;
			const codes = (sgr[1] ?? '').split(';').map(code => (code === '' ? 0 : Number(code)));
			for (let at = 0; at < codes.length; at++) {
				const code = codes[at] ?? 0;
				if (code === 0) [background, reverse, underline, strike] = [false, false, false, false];
				else if (code === 4) underline = true;
				else if (code === 7) reverse = true;
				else if (code === 9) strike = true;
				else if (code === 24) underline = false;
				else if (code === 27) reverse = false;
				else if (code === 29) strike = false;
				else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) background = true;
				else if (code === 49) background = false;
				if (code === 38 || code === 48) {
					if (code === 48) background = true;
					// Extended colours carry their parameters: 5;N or 2;R;G;B.
					at += codes[at + 1] === 5 ? 2 : codes[at + 1] === 2 ? 4 : 0;
				}
			}

			out += sgr[0];
			index = sgrPattern.lastIndex;
			continue;
		}

		const char = line[index] ?? '';
		index++;
		if (char === ' ' && !background && !reverse && !underline && !strike) {
			blanks++;
			continue;
		}

		if (blanks > 0) {
			out += blanks <= 3 ? ' '.repeat(blanks) : `${esc}${blanks}C`;
			blanks = 0;
		}

		out += char;
	}

	return out;
}

/**
 * How often the app's stores may wake React while a run streams: no more often than frames may be written.
 * Every wake-up renders the whole screen in Ink (about 7 MB of short-lived objects at 120×40 with a 5,000-node
 * map), so waking at the stores' 40 ms for a writer that sends 10 frames a second rendered 60 % of frames
 * for nothing. Keys render at once whatever this is.
 */
export function storeFlushMs(fps: number): number {
	return Math.max(40, Math.round(1000 / Math.max(1, fps)));
}

export function createFrameWriter(options: FrameWriterOptions): FrameWriter {
	const clock = options.clock ?? systemClock;
	const interval = 1000 / Math.max(1, options.fps ?? 10);
	const inputWindowMs = options.inputWindowMs ?? 250;
	/** The rows on screen as last written; undefined when the screen is not known. */
	let screen: string[] | undefined;
	let screenSize = '';
	let pending: string | undefined;
	let timer: unknown;
	let lastWriteAt = Number.NEGATIVE_INFINITY;
	let lastInputAt = Number.NEGATIVE_INFINITY;

	const write = (): void => {
		if (timer !== undefined) {
			clock.clearTimeout(timer);
			timer = undefined;
		}

		if (pending === undefined) return;
		const text = pending;
		pending = undefined;
		const {columns, rows} = options.size();
		const size = `${columns}x${rows}`;
		if (size !== screenSize) {
			screen = undefined;
			screenSize = size;
		}

		// Ink's debug output ends each frame with the newline it would leave the cursor on.
		const lines = text.replace(/\n$/, '').split('\n').slice(0, rows);
		const full = screen === undefined;
		const changes = diffFrame(screen, lines, rows);
		screen = lines;
		if (changes === '') return;
		const written = beginSync + wrapOff + changes + wrapOn + endSync;
		lastWriteAt = clock.now();
		options.sink.write(written);
		options.onWrite?.({columns, rows, lines, written, full});
	};

	return {
		frame(text) {
			pending = text;
			const now = clock.now();
			const due = lastWriteAt + interval;
			if (now >= due || now - lastInputAt <= inputWindowMs) {
				write();
			} else {
				timer ??= clock.setTimeout(write, due - now);
			}
		},
		input() {
			lastInputAt = clock.now();
		},
		invalidate() {
			screen = undefined;
		},
		flush: write,
		dispose() {
			if (timer !== undefined) clock.clearTimeout(timer);
			timer = undefined;
			pending = undefined;
		},
	};
}
