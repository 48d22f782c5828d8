/**
 * A persistent table of values over a fixed, ordered set of keys: `set` returns a new table and leaves the
 * old one as it was, copying only the chunk that holds the key and the short list of chunks. The run's task
 * and node tables are copied on every executor event; as plain records that copy grew with the cluster (a
 * 1,000-node run spent a third of its CPU copying them), as chunks it is a few hundred pointers whatever the
 * size.
 */
export type Table<V> = {
	readonly size: number;
	/** The keys, in the order they were given. */
	readonly keys: readonly string[];
	get(key: string): V | undefined;
	has(key: string): boolean;
	/** A table with `key` set to `value`; the same table when the key is not one of its keys. */
	set(key: string, value: V): Table<V>;
	/** The values in key order. */
	values(): V[];
};

const chunkSize = 128;

class ChunkedTable<V> implements Table<V> {
	constructor(
		readonly keys: readonly string[],
		private readonly index: ReadonlyMap<string, number>,
		private readonly chunks: readonly (readonly V[])[],
	) {}

	get size(): number {
		return this.keys.length;
	}

	get(key: string): V | undefined {
		const at = this.index.get(key);
		return at === undefined ? undefined : this.chunks[Math.floor(at / chunkSize)]?.[at % chunkSize];
	}

	has(key: string): boolean {
		return this.index.has(key);
	}

	set(key: string, value: V): Table<V> {
		const at = this.index.get(key);
		if (at === undefined) return this;
		const chunkAt = Math.floor(at / chunkSize);
		const chunk = [...(this.chunks[chunkAt] ?? [])];
		chunk[at % chunkSize] = value;
		const chunks = [...this.chunks];
		chunks[chunkAt] = chunk;
		return new ChunkedTable(this.keys, this.index, chunks);
	}

	values(): V[] {
		return this.chunks.flat() as V[];
	}
}

/** A table over `keys` (duplicates keep their first place), each value made by `make`. */
export function createTable<V>(keys: readonly string[], make: (key: string) => V): Table<V> {
	const unique = [...new Set(keys)];
	const index = new Map(unique.map((key, at) => [key, at]));
	const chunks: V[][] = [];
	for (let at = 0; at < unique.length; at += chunkSize) {
		chunks.push(unique.slice(at, at + chunkSize).map(key => make(key)));
	}

	return new ChunkedTable(unique, index, chunks);
}
