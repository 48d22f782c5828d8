import {NodeSetBase} from './nodeset-base.js';
import {RangeSet} from './rangeset.js';

/**
 * ClusterShell's `_extractslice` for a slice without step: Python's `nodes[start:stop]` bounds, negative
 * values counted from the end, `stop` undefined meaning the end.
 */
function sliceBounds(length: number, start: number, stop: number | undefined): [number, number] {
	const from = start < 0 ? Math.max(0, length + start) : start;
	const to = stop === undefined ? Number.POSITIVE_INFINITY : (stop < 0 ? Math.max(0, length + stop) : stop);
	return [from, to];
}

/**
 * Nodes `start` to `stop - 1` in expansion order, as a new set (ClusterShell's `NodeSetBase[start:stop]`):
 * patterns in sorted order, each cut with its RangeSet or RangeSetND slice.
 */
export function sliceNodes(set: NodeSetBase, start: number, stop?: number): NodeSetBase {
	const out = new NodeSetBase();
	const [from, to] = sliceBounds(set.size, start, stop);
	let next = from;
	let length = 0;
	if (to <= next) {
		return out;
	}

	for (const [pattern, indexes] of set.sortedPatterns()) {
		let count: number;
		let taken: number;
		if (indexes === undefined) {
			count = 1;
			taken = 1;
			if (next > length) {
				length += count;
				continue;
			}

			out.add(pattern, undefined);
		} else {
			count = indexes.size;
			const offset = next - length;
			if (offset >= count) {
				length += count;
				continue;
			}

			taken = Math.min(to - next, count - offset);
			out.add(pattern, indexes.slice(offset, offset + taken));
		}

		next += taken;
		if (next >= to) {
			break;
		}

		length += count;
	}

	return out;
}

/** At most `parts` sets of equal size, the first ones one node larger (ClusterShell's `split()`). */
export function splitNodes(set: NodeSetBase, parts: number): NodeSetBase[] {
	const size = set.size;
	const each = Math.floor(size / parts);
	const left = size % parts;
	const out: NodeSetBase[] = [];
	let begin = 0;
	for (let i = 0; i < Math.min(parts, size); i++) {
		const length = each + (i < left ? 1 : 0);
		out.push(sliceNodes(set, begin, begin + length));
		begin += length;
	}

	return out;
}

/**
 * Sets of one pattern with contiguous indexes, such as `node[1-100]` (ClusterShell's `contiguous()`).
 * `autostep` is the set's (see RangeSet.contiguous); the parts have none: fold them without. `limit`: at
 * most that many parts, the first ones (a caller that can show only a few need not build thousands).
 */
export function contiguousNodes(set: NodeSetBase, autostep?: number, limit = Number.POSITIVE_INFINITY): NodeSetBase[] {
	const out: NodeSetBase[] = [];
	for (const [pattern, indexes] of set.sortedPatterns()) {
		const parts = indexes === undefined ? [undefined] : (indexes instanceof RangeSet ? indexes.withAutostep(autostep).contiguous(limit - out.length) : indexes.contiguous(autostep));
		for (const part of parts) {
			if (out.length >= limit) return out;
			const one = new NodeSetBase();
			one.add(pattern, part, false);
			out.push(one);
		}
	}

	return out;
}

/** Nodes at the slices of a RangeSet of positions, e.g. `0-2,5` (nodeset `-I/--slice`). */
export function pickSlices(set: NodeSetBase, positions: RangeSet): NodeSetBase {
	const out = new NodeSetBase();
	for (const slice of positions.slices(undefined)) {
		out.update(sliceNodes(set, Number(slice.start), Number(slice.last) + 1));
	}

	return out;
}
