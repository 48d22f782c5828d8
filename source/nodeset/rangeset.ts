import {RangeSetParseError} from './errors.js';
import {
	bucketSize,
	combine,
	combineBig,
	elementString,
	formatIndex,
	isBigKey,
	keyOf,
	negate,
	normalize,
	normalizeBig,
	rangeCount,
	splitRange,
	addIndex,
	type Bucket,
	type Index,
} from './rangeset-intervals.js';
import {parseIntStrict, parseRanges} from './rangeset-parse.js';
import {foldSlices, type RangeSlice} from './rangeset-slices.js';

export {formatIndex, type Bucket, type Index} from './rangeset-intervals.js';
export type {RangeSlice} from './rangeset-slices.js';

/** Thrown (as a parse error) when an expression would expand past the node limit. */
export type SizeLimit = {readonly maxNodes: number; readonly input: string};

/** Collects elements in any order, then builds normalized buckets once (parsing many ranges stays linear). */
export class RangeSetBuilder {
	private readonly pending = new Map<number, number[]>();
	private readonly pendingBig = new Map<number, bigint[]>();
	private count = 0;
	private readonly emit = (key: number, lo: Index, hi: Index): void => {
		this.push(key, lo, hi);
	};

	constructor(private readonly limit?: SizeLimit) {}

	/** Add one element: `value` written with zero padding `pad`. */
	add(value: Index, pad = 0): void {
		this.push(keyOf(value, pad), value, value);
	}

	/** Add `range(start, stop, step)` written with zero padding `pad` (ClusterShell's `add_range`). */
	addRange(start: Index, stop: Index, step: Index, pad: number): void {
		this.reserve(rangeCount(start, stop, step));
		if (addIndex(stop, negate(start)) >= 1e9) {
			// add_range's `assert stop - start < 1e9` (after our node limit, whose message says more).
			throw new RangeSetParseError(this.limit?.input ?? '', 'range too large', 'limit');
		}

		splitRange(start, stop, step, pad, this.emit);
	}

	/** Add the run `lo..hi` of bucket `key` (both in that bucket). */
	addRun(key: number, lo: Index, hi: Index): void {
		this.push(key, lo, hi);
	}

	/** Add every element of another set. */
	addSet(other: RangeSet): void {
		for (const bucket of other.buckets) {
			for (let i = 0; i < bucket.iv.length; i += 2) {
				this.push(bucket.key, bucket.iv[i]!, bucket.iv[i + 1]!);
			}
		}
	}

	build(autostep: number | undefined = undefined): RangeSet {
		const keys = [...this.pending.keys(), ...this.pendingBig.keys()].sort((a, b) => a - b);
		return new RangeSet(keys.map((key): Bucket => {
			const list = this.pending.get(key);
			return list ? {key, big: false, iv: normalize(list)} : {key, big: true, iv: normalizeBig(this.pendingBig.get(key)!)};
		}), autostep);
	}

	private reserve(n: number): void {
		this.count += n;
		if (this.limit && this.count > this.limit.maxNodes) {
			throw new RangeSetParseError(this.limit.input, `expands to more than ${this.limit.maxNodes} nodes`, 'limit');
		}
	}

	private push(key: number, lo: Index, hi: Index): void {
		if (isBigKey(key)) {
			let list = this.pendingBig.get(key);
			if (!list) {
				list = [];
				this.pendingBig.set(key, list);
			}

			list.push(BigInt(lo), BigInt(hi));
			return;
		}

		let list = this.pending.get(key);
		if (!list) {
			list = [];
			this.pending.set(key, list);
		}

		list.push(Number(lo), Number(hi));
	}
}

/**
 * A set of node indexes with ClusterShell 1.9 semantics: `1-5,10`, `01-10` (zero padding kept per
 * element, mixed widths allowed), `0-10/2` (steps), negative indexes, and folding with optional
 * `autostep`. Instances are immutable; operations return new sets.
 */
export class RangeSet {
	/** An empty set. */
	static readonly empty = new RangeSet([]);

	/**
	 * Parse a comma-separated list of `a`, `a-b` and `a-b/step` ranges.
	 * @throws RangeSetParseError on bad syntax, mismatched padding or when `limit` is exceeded.
	 */
	static parse(pattern: string, options: {autostep?: number | undefined; limit?: SizeLimit | undefined} = {}): RangeSet {
		const builder = new RangeSetBuilder(options.limit);
		parseRanges(builder, pattern);
		return builder.build(options.autostep);
	}

	/** A set from element strings such as `"01"`, `"7"`, `"-3"`. */
	static fromStrings(elements: Iterable<string>, autostep?: number): RangeSet {
		const builder = new RangeSetBuilder();
		for (const element of elements) {
			const text = element.trim();
			const negative = text.startsWith('-');
			const unsigned = text.replace(/^[-+]/, '');
			const value = parseIntStrict(unsigned, element);
			builder.add(negative ? negate(value) : value, unsigned.length > 1 && unsigned.startsWith('0') ? unsigned.length : 0);
		}

		return builder.build(autostep);
	}

	/** A one-element set from a canonical element string (`"01"`, `"7"`, `"-3"`); no validation. */
	static ofElement(element: string): RangeSet {
		const key = element.startsWith('-') ? -element.length : element.length;
		if (isBigKey(key)) {
			return new RangeSet([{key, big: true, iv: [BigInt(element), BigInt(element)]}]);
		}

		const value = Number(element);
		return new RangeSet([{key, big: false, iv: [value, value]}]);
	}

	/** Number of elements. */
	readonly size: number;
	/**
	 * Fold threshold as ClusterShell's `autostep` property: `undefined` disables `a-b/step` output.
	 * @default undefined
	 */
	readonly autostep: number | undefined;

	/**
	 * A set over sorted, normalized buckets (see Bucket); RangeSetBuilder and the set operations build them.
	 * @param buckets sorted by key, each with normalized intervals
	 */
	constructor(readonly buckets: readonly Bucket[], autostep?: number) {
		this.autostep = autostep;
		let n = 0;
		for (const bucket of buckets) {
			n += bucketSize(bucket);
		}

		this.size = n;
	}

	/** Same elements, other autostep threshold. */
	withAutostep(autostep: number | undefined): RangeSet {
		return autostep === this.autostep ? this : new RangeSet(this.buckets, autostep);
	}

	/** Element strings in ClusterShell's sorted order. */
	* strings(): Generator<string> {
		for (const bucket of this.buckets) {
			if (bucket.big) {
				yield * bigStrings(bucket.key, bucket.iv);
				continue;
			}

			for (let i = 0; i < bucket.iv.length; i += 2) {
				for (let v = bucket.iv[i]!; v <= bucket.iv[i + 1]!; v++) {
					yield elementString(bucket.key, v);
				}
			}
		}
	}

	/** Element strings as an array (faster than spreading the generator). */
	toStrings(): string[] {
		const out: string[] = [];
		for (const bucket of this.buckets) {
			if (bucket.big) {
				out.push(...bigStrings(bucket.key, bucket.iv));
				continue;
			}

			for (let i = 0; i < bucket.iv.length; i += 2) {
				for (let v = bucket.iv[i]!; v <= bucket.iv[i + 1]!; v++) {
					out.push(elementString(bucket.key, v));
				}
			}
		}

		return out;
	}

	/** First element string (`rg[0]` in ClusterShell), or undefined when empty. */
	first(): string | undefined {
		const bucket = this.buckets[0];
		return bucket ? elementString(bucket.key, bucket.iv[0]!) : undefined;
	}

	/** Last element string (`rg[-1]`), or undefined when empty. */
	last(): string | undefined {
		const bucket = this.buckets.at(-1);
		return bucket ? elementString(bucket.key, bucket.iv.at(-1)!) : undefined;
	}

	/** Whether the element string (e.g. `"01"`) is in the set. */
	has(element: string): boolean {
		if (!/^-?\d+$/.test(element)) {
			return false;
		}

		const key = element.startsWith('-') ? -element.length : element.length;
		const value = isBigKey(key) ? BigInt(element) : Number(element);
		const bucket = this.buckets.find(b => b.key === key);
		if (!bucket || elementString(key, value) !== element) {
			return false;
		}

		for (let i = 0; i < bucket.iv.length; i += 2) {
			if (value >= bucket.iv[i]! && value <= bucket.iv[i + 1]!) {
				return true;
			}
		}

		return false;
	}

	union(other: RangeSet): RangeSet {
		return this.combineWith(other, (a, b) => a || b);
	}

	intersection(other: RangeSet): RangeSet {
		return this.combineWith(other, (a, b) => a && b);
	}

	difference(other: RangeSet): RangeSet {
		return this.combineWith(other, (a, b) => a && !b);
	}

	symmetricDifference(other: RangeSet): RangeSet {
		return this.combineWith(other, (a, b) => a !== b);
	}

	equals(other: RangeSet): boolean {
		if (this.size !== other.size || this.buckets.length !== other.buckets.length) {
			return false;
		}

		return this.buckets.every((bucket, i) => {
			const o = other.buckets[i]!;
			return o.key === bucket.key && o.iv.length === bucket.iv.length && bucket.iv.every((x, k) => x === o.iv[k]);
		});
	}

	isSubsetOf(other: RangeSet): boolean {
		return this.size <= other.size && this.difference(other).size === 0;
	}

	/** Whether the two sets share at least one element. */
	intersects(other: RangeSet): boolean {
		return this.intersection(other).size > 0;
	}

	/**
	 * Folded slices, ClusterShell's `_slices_padding(autostep)`: runs of consecutive indexes that keep
	 * the padding class of the element that opened them (ClusterShell's rule, quirks included).
	 */
	slices(autostep: number | undefined = this.autostep): RangeSlice[] {
		return foldSlices(this.buckets, autostep === undefined ? Number.POSITIVE_INFINITY : autostep - 1);
	}

	/** Elements `start` to `stop - 1` in sorted order, same autostep (ClusterShell's `rs[start:stop]`). */
	slice(start: number, stop: number): RangeSet {
		const builder = new RangeSetBuilder();
		let position = 0;
		for (const bucket of this.buckets) {
			for (let i = 0; i < bucket.iv.length && position < stop; i += 2) {
				const lo = bucket.iv[i]!;
				const count = Number(addIndex(bucket.iv[i + 1]!, negate(lo))) + 1;
				const from = Math.max(start, position);
				const to = Math.min(stop, position + count);
				if (from < to) {
					builder.addRun(bucket.key, addIndex(lo, from - position), addIndex(lo, to - 1 - position));
				}

				position += count;
			}
		}

		return builder.build(this.autostep);
	}

	/**
	 * Sub-sets of consecutive indexes (ClusterShell's `contiguous()`), quirks included: a last run of
	 * at least `autostep` equally spaced indexes stays one sub-set, and a run ending at -1 is refused.
	 * `limit`: the first that many only.
	 */
	contiguous(limit = Number.POSITIVE_INFINITY): RangeSet[] {
		const last = this.autostep === undefined ? Number.POSITIVE_INFINITY : this.autostep - 1;
		const slices = foldSlices(this.buckets, Number.POSITIVE_INFINITY, last);
		return (limit < slices.length ? slices.slice(0, limit) : slices).map(slice => {
			if (slice.last === -1) {
				// RangeSet.fromone(slice(start, 0)) takes the stop 0 for a missing one.
				throw new RangeSetParseError('', 'invalid range upper limit (0)', 'order');
			}

			const builder = new RangeSetBuilder();
			builder.addRange(slice.start, addIndex(slice.last, 1), slice.step, slice.pad);
			return builder.build();
		});
	}

	/** Folded text such as `1-3,05-07,9-13/2` (the last only with autostep). */
	toString(autostep: number | undefined = this.autostep): string {
		return this.slices(autostep).map(slice => {
			if (slice.start === slice.last) {
				return formatIndex(slice.start, slice.pad);
			}

			const text = `${formatIndex(slice.start, slice.pad)}-${formatIndex(slice.last, slice.pad)}`;
			return slice.step === 1 ? text : `${text}/${slice.step}`;
		}).join(',');
	}

	private combineWith(other: RangeSet, op: (a: boolean, b: boolean) => boolean): RangeSet {
		const out: Bucket[] = [];
		let i = 0;
		let j = 0;
		while (i < this.buckets.length || j < other.buckets.length) {
			const a = this.buckets[i];
			const b = other.buckets[j];
			let left: Bucket | undefined;
			let right: Bucket | undefined;
			if (a && (!b || a.key <= b.key)) {
				left = a;
				i++;
				if (b && b.key === a.key) {
					right = b;
					j++;
				}
			} else {
				right = b;
				j++;
			}

			const bucket = combineBuckets(left, right, op);
			if (bucket.iv.length > 0) {
				out.push(bucket);
			}
		}

		return new RangeSet(out, this.autostep);
	}
}

function * bigStrings(key: number, iv: readonly bigint[]): Generator<string> {
	for (let i = 0; i < iv.length; i += 2) {
		for (let v = iv[i]!; v <= iv[i + 1]!; v++) {
			yield elementString(key, v);
		}
	}
}

/** Sweep two buckets of one key (either may be missing); a key's kind is fixed (isBigKey), so they are alike. */
function combineBuckets(left: Bucket | undefined, right: Bucket | undefined, op: (a: boolean, b: boolean) => boolean): Bucket {
	const like = (left ?? right)!;
	if (like.big) {
		return {key: like.key, big: true, iv: combineBig(left?.big ? left.iv : [], right?.big ? right.iv : [], op)};
	}

	return {key: like.key, big: false, iv: combine(left && !left.big ? left.iv : [], right && !right.big ? right.iv : [], op)};
}
