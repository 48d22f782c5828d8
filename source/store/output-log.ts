import type {Stream} from '../executor/events.js';
import {RingBuffer} from './ring-buffer.js';

/** One output line, tagged with the task it came from. */
export type OutputLine = {
	readonly step: number;
	readonly service: string;
	readonly stream: Stream;
	readonly text: string;
};

/** Read access to per-node output, for selectors and views. */
export type OutputReader = {
	/** The node's kept lines, oldest first. */
	lines(node: string): readonly OutputLine[];
	/** Lines pushed out of the node's buffer so far (the view can say "… N earlier lines"). */
	dropped(node: string): number;
	/** Lines one task (node, step, service) has printed in all, kept or not (a report says how many it cut). */
	received?(node: string, step: number, service: string): number;
};

/** Default lines kept per node (k9s keeps a bounded log the same way). */
export const defaultMaxLinesPerNode = 2000;

/** Per-node bounded output. Lives beside the state, not in it: RunState holds only a counter, `outputRev`. */
export class OutputLog implements OutputReader {
	readonly #buffers = new Map<string, RingBuffer<OutputLine>>();
	readonly #received = new Map<string, number>();
	readonly #capacity: number;

	constructor(maxLinesPerNode = defaultMaxLinesPerNode) {
		this.#capacity = maxLinesPerNode;
	}

	append(node: string, step: number, service: string, stream: Stream, lines: readonly string[]): void {
		let buffer = this.#buffers.get(node);
		if (!buffer) {
			buffer = new RingBuffer(this.#capacity);
			this.#buffers.set(node, buffer);
		}

		buffer.push(...lines.map(text => ({step, service, stream, text})));
		const key = taskKey(node, step, service);
		this.#received.set(key, (this.#received.get(key) ?? 0) + lines.length);
	}

	received(node: string, step: number, service: string): number {
		return this.#received.get(taskKey(node, step, service)) ?? 0;
	}

	lines(node: string): readonly OutputLine[] {
		return this.#buffers.get(node)?.toArray() ?? [];
	}

	dropped(node: string): number {
		return this.#buffers.get(node)?.dropped ?? 0;
	}
}

function taskKey(node: string, step: number, service: string): string {
	return JSON.stringify([node, step, service]);
}
