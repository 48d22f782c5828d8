import type {SourceLocation} from './types.js';

/**
 * Maps character offsets to 1-based line and column. YAML counts `\r\n`, `\r` and `\n` as line
 * breaks, and so does this, so lines agree with js-yaml's marks.
 */
export class LineIndex {
	readonly #starts: number[] = [0];

	constructor(text: string) {
		for (let index = 0; index < text.length; index++) {
			const code = text.charCodeAt(index);
			if (code === 10 || (code === 13 && text.charCodeAt(index + 1) !== 10)) {
				this.#starts.push(index + 1);
			}
		}
	}

	/** The 1-based line and column of a 0-based offset. */
	locate(offset: number): SourceLocation {
		let low = 0;
		let high = this.#starts.length - 1;
		while (low < high) {
			const middle = (low + high + 1) >> 1;
			if ((this.#starts[middle] ?? 0) <= offset) {
				low = middle;
			} else {
				high = middle - 1;
			}
		}

		return {line: low + 1, column: offset - (this.#starts[low] ?? 0) + 1};
	}
}
