import type {RangeSet} from './rangeset.js';

/** One vector of an n-D set: a RangeSet per axis (`rack[1-2]-node[1-3]` is `[1-2, 1-3]`). */
export type Vector = RangeSet[];

/** Merge two vectors when they differ in at most one dimension (ClusterShell's merge rule), else undefined. */
export function mergeVectors(item1: Vector, item2: Vector): Vector | undefined {
	const merged: Vector = [];
	let differences = 0;
	for (let pos = 0; pos < Math.min(item1.length, item2.length); pos++) {
		const rg1 = item1[pos]!;
		const rg2 = item2[pos]!;
		if (rg1.equals(rg2)) {
			merged.push(rg1);
			continue;
		}

		const common = rg1.intersection(rg2);
		if (common.size === 0) {
			differences++;
			if (differences > 1) {
				return undefined;
			}

			merged.push(rg1.union(rg2));
		} else if (common.size === rg2.size || common.size === rg1.size) {
			// One strictly contains the other: keep the larger (Python's max() over sets).
			differences++;
			if (differences > 1) {
				return undefined;
			}

			merged.push(rg2.size > rg1.size ? rg2 : rg1);
		} else {
			return undefined;
		}
	}

	return merged;
}

export function sizeOf(vectors: readonly Vector[]): number {
	let n = 0;
	for (const vector of vectors) {
		n += vector.reduce((product, rs) => product * rs.size, 1);
	}

	return n;
}

export function * product(axes: readonly string[][]): Generator<string[]> {
	if (axes.length === 0 || axes.some(axis => axis.length === 0)) {
		return;
	}

	const indexes = axes.map(() => 0);
	while (true) {
		yield axes.map((axis, i) => axis[indexes[i]!]!);
		let k = axes.length - 1;
		while (k >= 0) {
			indexes[k]!++;
			if (indexes[k]! < axes[k]!.length) {
				break;
			}

			indexes[k] = 0;
			k--;
		}

		if (k < 0) {
			return;
		}
	}
}
