import {isPadded, toIndex, type Bucket, type Index} from './rangeset-intervals.js';

/** One folded slice, as ClusterShell's `_slices_padding` yields it. */
export type RangeSlice = {readonly start: Index; readonly last: Index; readonly step: Index; readonly pad: number};

type SmallBucket = Extract<Bucket, {big: false}>;

function allSmall(buckets: readonly Bucket[]): buckets is readonly SmallBucket[] {
	return buckets.every(bucket => !bucket.big);
}

/**
 * Port of RangeSet's `_slices_padding`: runs of consecutive (or, above `threshold` equal steps,
 * equally spaced) indexes that keep the padding class of the element that opened them
 * (ClusterShell's rule, quirks included). It walks elements one by one like ClusterShell, but skips
 * through a run of consecutive indexes in one step when nothing in it can end the current slice, so
 * the cost is per interval, not per node. The last slice is judged by `lastThreshold`: ClusterShell
 * tests it against the set's own autostep, whatever threshold was asked (it shows in `contiguous()`).
 */
export function foldSlices(buckets: readonly Bucket[], threshold: number, lastThreshold = threshold): RangeSlice[] {
	return allSmall(buckets) ? foldSmall(buckets, threshold, lastThreshold) : foldBig(buckets, threshold, lastThreshold);
}

function foldSmall(buckets: readonly SmallBucket[], threshold: number, lastThreshold: number): RangeSlice[] {
	const out: RangeSlice[] = [];
	let curPad = 0;
	let curPadded = false;
	let curStart: number | undefined;
	let curStep: number | undefined;
	let lastIdx = 0;
	const single = (value: number): void => {
		out.push({start: value, last: value, step: 1, pad: curPadded ? curPad : 0});
	};

	for (const bucket of buckets) {
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
		const stepped = curStep === undefined ? true : lastIdx - curStart >= lastThreshold * curStep;
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

/** foldSmall() in bigint arithmetic, for sets with an index of 16 digits or more. */
function foldBig(buckets: readonly Bucket[], threshold: number, lastThreshold: number): RangeSlice[] {
	const reaches = (span: bigint, step: bigint, limit = threshold): boolean => Number.isFinite(limit) && span >= BigInt(limit) * step;
	const out: RangeSlice[] = [];
	let curPad = 0;
	let curPadded = false;
	let curStart: bigint | undefined;
	let curStep: bigint | undefined;
	let lastIdx = 0n;
	const single = (value: bigint): void => {
		out.push({start: toIndex(value), last: toIndex(value), step: 1, pad: curPadded ? curPad : 0});
	};

	for (const bucket of buckets) {
		const digitlen = Math.abs(bucket.key);
		for (let i = 0; i < bucket.iv.length; i += 2) {
			const hi = BigInt(bucket.iv[i + 1]!);
			for (let idx = BigInt(bucket.iv[i]!); idx <= hi; idx++) {
				if (curStart !== undefined && curStep === 1n && idx === lastIdx + 1n && idx < hi
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
					let step: bigint;
					if (curStep === undefined) {
						stepped = true;
						step = 1n;
					} else {
						stepped = curStep === 1n || reaches(lastIdx - curStart, curStep);
						step = curStep;
					}

					if (stepped) {
						out.push({start: toIndex(curStart), last: toIndex(lastIdx), step: toIndex(step), pad: curPadded ? curPad : 0});
						curStart = idx;
						curPadded = padded;
						curPad = digitlen;
					} else {
						const stop = paddingMismatch ? lastIdx + 1n : lastIdx - step + 1n;
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
		const stepped = curStep === undefined ? true : reaches(lastIdx - curStart, curStep, lastThreshold);
		if (stepped || curStep === 1n) {
			out.push({start: toIndex(curStart), last: toIndex(lastIdx), step: toIndex(curStep ?? 1n), pad: curPadded ? curPad : 0});
		} else {
			for (let k = curStart; k <= lastIdx; k += curStep!) {
				single(k);
			}
		}
	}

	return out;
}
