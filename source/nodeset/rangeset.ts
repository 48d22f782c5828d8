import {RangeSetParseError} from './errors.js';

/**
 * ClusterShell 1.9 keeps RangeSet elements as *strings*, so `1`, `01` and `001` are three different
 * elements. We keep that identity without storing strings: an element is a (bucket, value) pair where
 * the bucket is the string length (`len("01") = 2`), negated for negative numbers. Inside a bucket the
 * string order equals the numeric order, so each bucket is a sorted list of closed integer intervals
 * and 100,000 consecutive nodes cost one interval.
 *
 * Bucket order reproduces ClusterShell's sort key `(len, str)` for non-negative and `(-len, int)` for
 * negative elements: negatives first (longest first), then non-negatives by length.
 */
type Bucket = {
	/** String length of the elements; negative for negative numbers (`-12` → -3). */
	readonly key: number;
	/** Flat sorted closed intervals `[lo0, hi0, lo1, hi1, …]`, disjoint and never adjacent. */
	readonly iv: readonly number[];
};

/** One folded slice, as ClusterShell's `_slices_padding` yields it. */
export type RangeSlice = {readonly start: number; readonly last: number; readonly step: number; readonly pad: number};

/** Thrown (as a parse error) when an expression would expand past the node limit. */
export type SizeLimit = {readonly maxNodes: number; readonly input: string};

const maxIndex = Number.MAX_SAFE_INTEGER;

function digits(value: number): number {
	return String(Math.abs(value)).length;
}

/** Bucket key of `value` written with zero padding `pad` (`"%0*d" % (pad, value)`). */
function keyOf(value: number, pad: number): number {
	if (value < 0) {
		return -(digits(value) + 1);
	}

	return Math.max(pad, digits(value));
}

function isPadded(key: number, value: number): boolean {
	return key > 1 && value < 10 ** (key - 1);
}

/** `"%0*d" % (pad, value)` */
export function formatIndex(value: number, pad: number): string {
	if (value < 0) {
		return String(value);
	}

	return String(value).padStart(pad, '0');
}

function elementString(key: number, value: number): string {
	return key > 0 ? String(value).padStart(key, '0') : String(value);
}

/** Sweep two interval lists and keep the coordinates where `op(inA, inB)` holds. */
function combine(a: readonly number[], b: readonly number[], op: (inA: boolean, inB: boolean) => boolean): number[] {
	const out: number[] = [];
	let i = 0;
	let j = 0;
	let inA = false;
	let inB = false;
	let current = false;
	let start = 0;
	while (i < a.length || j < b.length) {
		const xa = i < a.length ? (i % 2 === 0 ? a[i]! : a[i]! + 1) : Number.POSITIVE_INFINITY;
		const xb = j < b.length ? (j % 2 === 0 ? b[j]! : b[j]! + 1) : Number.POSITIVE_INFINITY;
		const x = Math.min(xa, xb);
		if (xa === x) {
			inA = !inA;
			i++;
		}

		if (xb === x) {
			inB = !inB;
			j++;
		}

		const next = op(inA, inB);
		if (next !== current) {
			if (next) {
				start = x;
			} else {
				out.push(start, x - 1);
			}

			current = next;
		}
	}

	return out;
}

/** Sort and merge raw `[lo, hi]` pairs into a normalized interval list. */
function normalize(pairs: number[]): number[] {
	if (pairs.length <= 2) {
		return pairs;
	}

	const order: Array<[number, number]> = [];
	for (let i = 0; i < pairs.length; i += 2) {
		order.push([pairs[i]!, pairs[i + 1]!]);
	}

	order.sort((x, y) => x[0] - y[0]);
	const out: number[] = [];
	for (const [lo, hi] of order) {
		const last = out.length - 1;
		if (last > 0 && lo <= out[last]! + 1) {
			if (hi > out[last]!) {
				out[last] = hi;
			}
		} else {
			out.push(lo, hi);
		}
	}

	return out;
}

function countOf(iv: readonly number[]): number {
	let n = 0;
	for (let i = 0; i < iv.length; i += 2) {
		n += iv[i + 1]! - iv[i]! + 1;
	}

	return n;
}

/** Collects elements in any order, then builds normalized buckets once (parsing many ranges stays linear). */
export class RangeSetBuilder {
	private readonly pending = new Map<number, number[]>();
	private count = 0;

	constructor(private readonly limit?: SizeLimit) {}

	/** Add one element: `value` written with zero padding `pad`. */
	add(value: number, pad = 0): void {
		this.push(keyOf(value, pad), value, value);
	}

	/** Add `range(start, stop, step)` written with zero padding `pad` (ClusterShell's `add_range`). */
	addRange(start: number, stop: number, step: number, pad: number): void {
		const n = Math.ceil((stop - start) / step);
		this.reserve(n);
		if (step !== 1) {
			for (let v = start; v < stop; v += step) {
				this.push(keyOf(v, pad), v, v);
			}

			return;
		}

		let lo = start;
		while (lo < stop) {
			const key = keyOf(lo, pad);
			let bucketEnd: number;
			if (lo < 0) {
				bucketEnd = key === -2 ? -1 : -(10 ** (-key - 2));
			} else {
				bucketEnd = 10 ** key - 1;
			}

			const hi = Math.min(bucketEnd, stop - 1);
			this.push(key, lo, hi);
			lo = hi + 1;
		}
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
		const keys = [...this.pending.keys()].sort((a, b) => a - b);
		return new RangeSet(keys.map(key => ({key, iv: normalize(this.pending.get(key)!)})), autostep);
	}

	private reserve(n: number): void {
		this.count += n;
		if (this.limit && this.count > this.limit.maxNodes) {
			throw new RangeSetParseError(this.limit.input, `expands to more than ${this.limit.maxNodes} nodes`, 'limit');
		}
	}

	private push(key: number, lo: number, hi: number): void {
		let list = this.pending.get(key);
		if (!list) {
			list = [];
			this.pending.set(key, list);
		}

		list.push(lo, hi);
	}
}

function parseIntStrict(text: string, part: string): number {
	// Python int() accepts surrounding whitespace, one sign and underscores between digits; node indexes here
	// never carry a sign (the caller splits on '-'), so we accept digits only, which is what ranges contain.
	const trimmed = text.trim();
	if (!/^\+?\d+(?:_\d+)*$/.test(trimmed)) {
		throw new RangeSetParseError(part, part.length === 0 ? 'empty range' : 'cannot convert string to integer', 'syntax');
	}

	const value = Number(trimmed.replaceAll('_', '').replace('+', ''));
	if (value > maxIndex) {
		throw new RangeSetParseError(part, `index above ${maxIndex} is not supported`, 'limit');
	}

	return value;
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
		parseInto(builder, pattern);
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
			builder.add(negative ? -value : value, unsigned.length > 1 && unsigned.startsWith('0') ? unsigned.length : 0);
		}

		return builder.build(autostep);
	}

	/** A one-element set from a canonical element string (`"01"`, `"7"`, `"-3"`); no validation. */
	static ofElement(element: string): RangeSet {
		const value = Number(element);
		return new RangeSet([{key: element.startsWith('-') ? -element.length : element.length, iv: [value, value]}]);
	}

	/** Number of elements. */
	readonly size: number;
	/**
	 * Fold threshold as ClusterShell's `autostep` property: `undefined` disables `a-b/step` output.
	 * @default undefined
	 */
	readonly autostep: number | undefined;

	/** @internal sorted buckets; use the public methods. */
	constructor(readonly buckets: readonly Bucket[], autostep?: number) {
		this.autostep = autostep;
		let n = 0;
		for (const bucket of buckets) {
			n += countOf(bucket.iv);
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

		const value = Number(element);
		const key = element.startsWith('-') ? -element.length : element.length;
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
		return this.steppedSlices(autostep === undefined ? Number.POSITIVE_INFINITY : autostep - 1);
	}

	/** Sub-sets of consecutive indexes (ClusterShell's `contiguous()`). */
	contiguous(): RangeSet[] {
		return this.steppedSlices(Number.POSITIVE_INFINITY).map(slice => {
			const builder = new RangeSetBuilder();
			builder.addRange(slice.start, slice.last + 1, 1, slice.pad);
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
			let key: number;
			let ivA: readonly number[] = [];
			let ivB: readonly number[] = [];
			if (a && (!b || a.key <= b.key)) {
				key = a.key;
				ivA = a.iv;
				i++;
				if (b && b.key === key) {
					ivB = b.iv;
					j++;
				}
			} else {
				key = b!.key;
				ivB = b!.iv;
				j++;
			}

			const iv = combine(ivA, ivB, op);
			if (iv.length > 0) {
				out.push({key, iv});
			}
		}

		return new RangeSet(out, this.autostep);
	}

	/**
	 * Port of `_slices_padding`. It walks elements one by one like ClusterShell, but skips through a
	 * run of consecutive indexes in one step when nothing in it can end the current slice, so the
	 * cost is per interval, not per node.
	 */
	private steppedSlices(threshold: number): RangeSlice[] {
		const out: RangeSlice[] = [];
		let curPad = 0;
		let curPadded = false;
		let curStart: number | undefined;
		let curStep: number | undefined;
		let lastIdx = 0;
		const single = (value: number): void => {
			out.push({start: value, last: value, step: 1, pad: curPadded ? curPad : 0});
		};

		for (const bucket of this.buckets) {
			const digitlen = Math.abs(bucket.key);
			for (let i = 0; i < bucket.iv.length; i += 2) {
				const hi = bucket.iv[i + 1]!;
				for (let idx = bucket.iv[i]!; idx <= hi; idx++) {
					if (curStart !== undefined && curStep === 1 && idx === lastIdx + 1 && idx < hi
						&& (curPadded ? digitlen === curPad : !isPadded(bucket.key, idx))) {
						// Every element up to `hi` continues the slice: same step, and (padding only decreasing
						// along an interval) no padding mismatch either.
						lastIdx = hi;
						idx = hi;
						continue;
					}

					const padded = isPadded(bucket.key, idx);
					if (curStart === undefined) {
						curPadded = padded;
						curPad = digitlen;
						curStart = idx;
						curStep = undefined;
						lastIdx = idx;
						continue;
					}

					const paddingMismatch = curPadded ? digitlen !== curPad : padded;
					const stepMismatch = !paddingMismatch && curStep !== undefined && curStep !== idx - lastIdx;
					if (paddingMismatch || stepMismatch) {
						let stepped: boolean;
						let step: number;
						if (curStep === undefined) {
							stepped = true;
							step = 1;
						} else {
							stepped = curStep === 1 || lastIdx - curStart >= threshold * curStep;
							step = curStep;
						}

						if (stepped) {
							out.push({start: curStart, last: lastIdx, step, pad: curPadded ? curPad : 0});
							curStart = idx;
							curPadded = padded;
							curPad = digitlen;
						} else {
							const stop = paddingMismatch ? lastIdx + 1 : lastIdx - step + 1;
							for (let k = curStart; k < stop; k += step) {
								single(k);
							}

							if (paddingMismatch) {
								curStart = idx;
								curPadded = padded;
								curPad = digitlen;
							} else {
								curStart = lastIdx;
							}
						}

						curStep = stepMismatch ? idx - lastIdx : undefined;
						lastIdx = idx;
						continue;
					}

					curStep = idx - lastIdx;
					lastIdx = idx;
				}
			}
		}

		if (curStart !== undefined) {
			const stepped = curStep === undefined ? true : lastIdx - curStart >= threshold * curStep;
			if (stepped || curStep === 1) {
				out.push({start: curStart, last: lastIdx, step: curStep ?? 1, pad: curPadded ? curPad : 0});
			} else {
				for (let k = curStart; k <= lastIdx; k += curStep!) {
					single(k);
				}
			}
		}

		return out;
	}
}

/** Port of `RangeSet._parse`: same accepted syntax, same error reasons. */
function parseInto(builder: RangeSetBuilder, pattern: string): void {
	for (const raw of pattern.split(',')) {
		const subrange = raw.trim();
		let baserange: string;
		let stepText: string;
		const slash = subrange.indexOf('/');
		if (slash < 0) {
			baserange = subrange;
			stepText = '1';
		} else {
			baserange = subrange.slice(0, slash);
			stepText = subrange.slice(slash + 1);
		}

		if (!/^\s*[+-]?\d+(?:_\d+)*\s*$/.test(stepText)) {
			throw new RangeSetParseError(subrange, 'cannot convert string to integer', 'syntax');
		}

		const step = Number(stepText.trim().replaceAll('_', ''));
		let beginSign = 1;
		let endSign = 1;
		let begin: string;
		let end: string;
		if (!baserange.includes('-')) {
			if (step !== 1) {
				throw new RangeSetParseError(subrange, 'invalid step usage', 'step');
			}

			begin = baserange;
			end = baserange;
		} else {
			const parts = baserange.split('-').map(part => part.trim());
			if (parts.length === 2) {
				begin = parts[0]!;
				end = parts[1]!;
				if (!begin) {
					// A single negative number: "-5".
					begin = end;
					beginSign = -1;
					endSign = -1;
				}
			} else if (parts.length === 3) {
				// "-0-3"
				begin = parts[1]!;
				end = parts[2]!;
				beginSign = -1;
			} else if (parts.length === 4) {
				// "-8--4"
				begin = parts[1]!;
				end = parts[3]!;
				beginSign = -1;
				endSign = -1;
			} else {
				throw new RangeSetParseError(subrange, 'cannot convert string to integer', 'syntax');
			}
		}

		const convert = (text: string): number => parseIntStrict(text, subrange);
		let pad = 0;
		let endpad = 0;
		let start: number;
		if (convert(begin) === 0) {
			if (begin.length > 1) {
				pad = begin.length;
			}

			start = 0;
		} else {
			const stripped = begin.replace(/^0+/, '');
			if (begin.length - stripped.length > 0) {
				pad = begin.length;
			}

			start = convert(stripped);
		}

		const endStripped = convert(end) === 0 ? end : end.replace(/^0+/, '');
		if (end.length - endStripped.length > 0) {
			endpad = end.length;
		}

		if ((pad > 0 || endpad > 0) && begin.length !== end.length) {
			throw new RangeSetParseError(subrange, 'padding length mismatch', 'padding');
		}

		const stop = convert(endStripped);
		if (pad > 0 && beginSign < 0) {
			throw new RangeSetParseError(subrange, 'padding not supported in negative ranges', 'padding');
		}

		if (start * beginSign > stop * endSign || step < 1) {
			throw new RangeSetParseError(subrange, 'invalid values in range', 'order');
		}

		builder.addRange(start * beginSign, stop * endSign + 1, step, pad);
	}
}
