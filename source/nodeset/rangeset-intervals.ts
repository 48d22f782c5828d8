/**
 * The storage of a RangeSet. ClusterShell 1.9 keeps RangeSet elements as *strings*, so `1`, `01` and
 * `001` are three different elements. We keep that identity without storing strings: an element is a
 * (bucket, value) pair where the bucket is the string length (`len("01") = 2`), negated for negative
 * numbers. Inside a bucket the string order equals the numeric order, so each bucket is a sorted list
 * of closed integer intervals and 100,000 consecutive nodes cost one interval.
 *
 * Bucket order reproduces ClusterShell's sort key `(len, str)` for non-negative and `(-len, int)` for
 * negative elements: negatives first (longest first), then non-negatives by length.
 *
 * ClusterShell takes indexes of any length (serial numbers past 2^53 exist in the field). Buckets of
 * 16 digits or more hold bigints; the others, where every cluster we know lives, plain numbers, so
 * the common case pays nothing for exactness.
 */
export type Bucket =
	| {
		/** String length of the elements; negative for negative numbers (`-12` → -3). */
		readonly key: number;
		readonly big: false;
		/** Flat sorted closed intervals `[lo0, hi0, lo1, hi1, …]`, disjoint and never adjacent. */
		readonly iv: readonly number[];
	}
	| {readonly key: number; readonly big: true; readonly iv: readonly bigint[]};

/** A node index: a number while it is a safe integer, a bigint beyond, so equal indexes are `===`. */
export type Index = number | bigint;

/** Whether bucket `key` holds bigints (16 digits or more: past 2^53 is possible there). */
export function isBigKey(key: number): boolean {
	return key >= 16 || key <= -17;
}

/** The Index of an exact integer. */
export function toIndex(value: bigint): Index {
	return value >= -9_007_199_254_740_991n && value <= 9_007_199_254_740_991n ? Number(value) : value;
}

/** The Index written by ASCII digits `text` (no sign, no blanks). */
export function indexOfDigits(text: string): Index {
	return text.length <= 15 ? Number(text) : toIndex(BigInt(text));
}

/** Exact `value + delta`. */
export function addIndex(value: Index, delta: Index): Index {
	if (typeof value === 'number' && typeof delta === 'number') {
		const sum = value + delta;
		if (Number.isSafeInteger(sum)) {
			return sum;
		}
	}

	return toIndex(BigInt(value) + BigInt(delta));
}

/** Exact `-value`. */
export function negate(value: Index): Index {
	return typeof value === 'number' ? -value : toIndex(-value);
}

function digits(value: Index): number {
	const text = String(value);
	return text.startsWith('-') ? text.length - 1 : text.length;
}

/** Bucket key of `value` written with zero padding `pad` (`"%0*d" % (pad, value)`). */
export function keyOf(value: Index, pad: number): number {
	if (value < 0) {
		return -(digits(value) + 1);
	}

	return Math.max(pad, digits(value));
}

/** Whether the element `value` of bucket `key` is written with leading zeros. */
export function isPadded(key: number, value: Index): boolean {
	return key > 1 && (typeof value === 'number' ? value < 10 ** (key - 1) : digits(value) < key);
}

/** `"%0*d" % (pad, value)` */
export function formatIndex(value: Index, pad: number): string {
	if (value < 0) {
		return String(value);
	}

	return String(value).padStart(pad, '0');
}

/** The element string of `value` in bucket `key`. */
export function elementString(key: number, value: Index): string {
	return key > 0 ? String(value).padStart(key, '0') : String(value);
}

/** Sweep two interval lists and keep the coordinates where `op(inA, inB)` holds. */
export function combine(a: readonly number[], b: readonly number[], op: (inA: boolean, inB: boolean) => boolean): number[] {
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
export function normalize(pairs: number[]): number[] {
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

/** Number of integers in an interval list. */
export function countOf(iv: readonly number[]): number {
	let n = 0;
	for (let i = 0; i < iv.length; i += 2) {
		n += iv[i + 1]! - iv[i]! + 1;
	}

	return n;
}

/** combine() for bigint buckets. */
export function combineBig(a: readonly bigint[], b: readonly bigint[], op: (inA: boolean, inB: boolean) => boolean): bigint[] {
	const out: bigint[] = [];
	let i = 0;
	let j = 0;
	let inA = false;
	let inB = false;
	let current = false;
	let start = 0n;
	while (i < a.length || j < b.length) {
		const xa = i < a.length ? (i % 2 === 0 ? a[i]! : a[i]! + 1n) : undefined;
		const xb = j < b.length ? (j % 2 === 0 ? b[j]! : b[j]! + 1n) : undefined;
		const x = xa === undefined ? xb! : (xb === undefined || xa < xb ? xa : xb);
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
				out.push(start, x - 1n);
			}

			current = next;
		}
	}

	return out;
}

/** normalize() for bigint buckets. */
export function normalizeBig(pairs: bigint[]): bigint[] {
	const order: Array<[bigint, bigint]> = [];
	for (let i = 0; i < pairs.length; i += 2) {
		order.push([pairs[i]!, pairs[i + 1]!]);
	}

	order.sort((x, y) => (x[0] < y[0] ? -1 : (x[0] > y[0] ? 1 : 0)));
	const out: bigint[] = [];
	for (const [lo, hi] of order) {
		const last = out.length - 1;
		if (last > 0 && lo <= out[last]! + 1n) {
			if (hi > out[last]!) {
				out[last] = hi;
			}
		} else {
			out.push(lo, hi);
		}
	}

	return out;
}

/** Number of elements in a bucket. */
export function bucketSize(bucket: Bucket): number {
	if (!bucket.big) {
		return countOf(bucket.iv);
	}

	let n = 0n;
	for (let i = 0; i < bucket.iv.length; i += 2) {
		n += bucket.iv[i + 1]! - bucket.iv[i]! + 1n;
	}

	return Number(n);
}

/**
 * `range(start, stop, step)` written with zero padding `pad`, cut into per-bucket runs:
 * `emit(key, lo, hi)` per run (every element when `step` is not 1). `stop > start`.
 */
export function splitRange(start: Index, stop: Index, step: Index, pad: number, emit: (key: number, lo: Index, hi: Index) => void): void {
	if (typeof start === 'number' && typeof stop === 'number' && typeof step === 'number' && stop < 1e15 && start > -1e15 && pad < 16) {
		if (step !== 1) {
			for (let v = start; v < stop; v += step) {
				emit(keyOf(v, pad), v, v);
			}

			return;
		}

		let lo = start;
		while (lo < stop) {
			const key = keyOf(lo, pad);
			const bucketEnd = lo < 0 ? (key === -2 ? -1 : -(10 ** (-key - 2))) : 10 ** key - 1;
			const hi = Math.min(bucketEnd, stop - 1);
			emit(key, lo, hi);
			lo = hi + 1;
		}

		return;
	}

	const end = BigInt(stop);
	const by = BigInt(step);
	if (by !== 1n) {
		for (let v = BigInt(start); v < end; v += by) {
			emit(keyOf(v, pad), toIndex(v), toIndex(v));
		}

		return;
	}

	let lo = BigInt(start);
	while (lo < end) {
		const key = keyOf(lo, pad);
		const bucketEnd = lo < 0n ? (key === -2 ? -1n : -(10n ** BigInt(-key - 2))) : 10n ** BigInt(key) - 1n;
		const hi = bucketEnd < end - 1n ? bucketEnd : end - 1n;
		emit(key, toIndex(lo), toIndex(hi));
		lo = hi + 1n;
	}
}

/** How many elements `range(start, stop, step)` has. */
export function rangeCount(start: Index, stop: Index, step: Index): number {
	if (typeof start === 'number' && typeof stop === 'number' && typeof step === 'number') {
		return Math.ceil((stop - start) / step);
	}

	const by = BigInt(step);
	return Number((BigInt(stop) - BigInt(start) + by - 1n) / by);
}
