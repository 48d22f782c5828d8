/** A fixed-capacity FIFO: pushing past capacity drops the oldest items (k9s keeps log lines this way). */
export class RingBuffer<T> {
	readonly capacity: number;
	readonly #items: Array<T | undefined>;
	#start = 0;
	#size = 0;
	#dropped = 0;

	constructor(capacity: number) {
		if (!Number.isInteger(capacity) || capacity < 1) {
			throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
		}

		this.capacity = capacity;
		// Grown as items come, not allocated up front: a run keeps one buffer per node, and most nodes print
		// a line or two (5,000 buffers of 10,000 slots were 400 MB before a single line arrived).
		this.#items = [];
	}

	get size(): number {
		return this.#size;
	}

	/** How many items were pushed out so far. */
	get dropped(): number {
		return this.#dropped;
	}

	push(...items: readonly T[]): void {
		for (const item of items) {
			const end = (this.#start + this.#size) % this.capacity;
			this.#items[end] = item;
			if (this.#size < this.capacity) {
				this.#size++;
			} else {
				this.#start = (this.#start + 1) % this.capacity;
				this.#dropped++;
			}
		}
	}

	/** Items oldest first; `slice(from, to)` as Array#slice over the kept items. */
	toArray(from = 0, to = this.#size): T[] {
		const result: T[] = [];
		const begin = Math.max(0, from < 0 ? this.#size + from : from);
		const end = Math.min(this.#size, to < 0 ? this.#size + to : to);
		for (let index = begin; index < end; index++) {
			result.push(this.#items[(this.#start + index) % this.capacity] as T);
		}

		return result;
	}
}
