/**
 * The storage of a RangeSet. ClusterShell 1.9 keeps RangeSet elements as *strings*, so `1`, `01` and
 * `001` are three different elements. We keep that identity without storing strings: an element is a
 * (bucket, value) pair where the bucket is the string length (`len("01") = 2`), negated for negative
 * numbers. Inside a bucket the string order equals the numeric order, so each bucket is a sorted list
 * of closed integer intervals and 100,000 consecutive nodes cost one interval.
 *
 * Bucket order reproduces ClusterShell's sort key `(len, str)` for non-negative and `(-len, int)` for
 * negative elements: negatives first (longest first), then non-negatives by length.
 */
export type Bucket = {
	/** String length of the elements; negative for negative numbers (`-12` → -3). */
	readonly key: number;
	/** Flat sorted closed intervals `[lo0, hi0, lo1, hi1, …]`, disjoint and never adjacent. */
	readonly iv: readonly number[];
};

function digits(value: number): number {
	return String(Math.abs(value)).length;
}

/** Bucket key of `value` written with zero padding `pad` (`"%0*d" % (pad, value)`). */
export function keyOf(value: number, pad: number): number {
	if (value < 0) {
		return -(digits(value) + 1);
	}

	return Math.max(pad, digits(value));
}

/** Whether the element `value` of bucket `key` is written with leading zeros. */
export function isPadded(key: number, value: number): boolean {
	return key > 1 && value < 10 ** (key - 1);
}

/** `"%0*d" % (pad, value)` */
export function formatIndex(value: number, pad: number): string {
	if (value < 0) {
		return String(value);
	}

	return String(value).padStart(pad, '0');
}

/** The element string of `value` in bucket `key`. */
export function elementString(key: number, value: number): string {
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
