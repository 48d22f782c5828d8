/**
 * A persistent table of values over a fixed, ordered set of keys: `set` returns a new table and leaves the
 * old one as it was. The run's task and node tables change on every executor event; as plain records that
 * copy grew with the cluster (a 1,000-node run spent a third of its CPU copying them). The values sit in a
 * tree of 32-slot arrays (a vector trie, as Clojure's and Immutable.js's vectors): `set` copies one array per
 * level, at most 4 levels up to a million keys, so an event costs about a hundred pointers whatever the size.
 */
export type Table<V> = {
	readonly size: number;
	/** The keys, in the order they were given. */
	readonly keys: readonly string[];
	get(key: string): V | undefined;
	has(key: string): boolean;
	/** The key's place in `keys`, undefined when it is not one: views keep per-key values in arrays by it. */
	indexOf(key: string): number | undefined;
	/** A table with `key` set to `value`; the same table when the key is not one of its keys. */
	set(key: string, value: V): Table<V>;
	/** The values in key order. */
	values(): V[];
};

/** log2 of the slots per array. */
const bits = 5;
const width = 1 << bits;
const mask = width - 1;

/** A level of the trie: values at the bottom (shift 0), arrays of the level below above it. */
type Branch = readonly unknown[];

class TrieTable<V> implements Table<V> {
	constructor(
		readonly keys: readonly string[],
		private readonly index: ReadonlyMap<string, number>,
		/** Bits the root's slot is taken from: 0 when the root holds the values. */
		private readonly shift: number,
		private readonly root: Branch,
	) {}

	get size(): number {
		return this.keys.length;
	}

	get(key: string): V | undefined {
		const at = this.index.get(key);
		if (at === undefined) return undefined;
		let branch = this.root;
		for (let level = this.shift; level > 0; level -= bits) {
			branch = branch[(at >>> level) & mask] as Branch;
		}

		return branch[at & mask] as V;
	}

	has(key: string): boolean {
		return this.index.has(key);
	}

	indexOf(key: string): number | undefined {
		return this.index.get(key);
	}

	set(key: string, value: V): Table<V> {
		const at = this.index.get(key);
		if (at === undefined) return this;
		return new TrieTable<V>(this.keys, this.index, this.shift, setIn(this.root, this.shift, at, value));
	}

	values(): V[] {
		const result: V[] = [];
		collect(this.root, this.shift, result);
		return result;
	}
}

/** A copy of `branch` with the value at `at` replaced: one array copied per level. */
function setIn(branch: Branch, shift: number, at: number, value: unknown): Branch {
	const copy = [...branch];
	const slot = (at >>> shift) & mask;
	copy[slot] = shift === 0 ? value : setIn(branch[slot] as Branch, shift - bits, at, value);
	return copy;
}

function collect<V>(branch: Branch, shift: number, into: V[]): void {
	if (shift === 0) {
		for (const value of branch) into.push(value as V);
		return;
	}

	for (const child of branch) collect(child as Branch, shift - bits, into);
}

/** A table over `keys` (duplicates keep their first place), each value made by `make`. */
export function createTable<V>(keys: readonly string[], make: (key: string) => V): Table<V> {
	const unique = [...new Set(keys)];
	const index = new Map(unique.map((key, at) => [key, at]));
	let level: Branch[] = [];
	for (let at = 0; at < unique.length; at += width) {
		level.push(unique.slice(at, at + width).map(key => make(key)));
	}

	// Group arrays of 32 into their parents until one root is left.
	let shift = 0;
	while (level.length > 1) {
		const parents: Branch[] = [];
		for (let at = 0; at < level.length; at += width) {
			parents.push(level.slice(at, at + width));
		}

		level = parents;
		shift += bits;
	}

	return new TrieTable<V>(unique, index, shift, level[0] ?? []);
}
