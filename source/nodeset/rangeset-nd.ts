import {RangeSet, RangeSetBuilder} from './rangeset.js';
import {mergeVectors, product, sizeOf, type Vector} from './vectors.js';

/**
 * A set of n-dimensional indexes, kept as a list of vectors of RangeSets (`rack[1-2]-node[1-3]` is the
 * vector `[1-2, 1-3]`). This is a faithful port of ClusterShell 1.9's `RangeSetND`, including *when*
 * it folds: the folded shape (and so `fold()` output and expansion order) depends on the history of
 * operations, and byte-identical output with `nodeset` needs the same history-dependent folding.
 *
 * Mutable; used inside `NodeSet`, which copies before changing anything.
 */
export class RangeSetND {
	private raw: Vector[];
	private dirty = true;
	private multivarHint = false;

	constructor(vectors: Vector[] = []) {
		this.raw = vectors.filter(vector => vector.length > 0).map(vector => [...vector]);
	}

	/** Folded vectors (folds first when needed, as ClusterShell's `veclist` property). */
	get vectors(): readonly Vector[] {
		if (this.dirty) {
			this.fold();
		}

		return this.raw;
	}

	/** Number of dimensions, 0 when empty. */
	dim(): number {
		return this.raw[0]?.length ?? 0;
	}

	/** `bool(rangesetnd)`: looks at the unfolded list. */
	isEmpty(): boolean {
		return this.raw.length === 0;
	}

	/** Exact element count (folds first, as `len()` does). */
	get size(): number {
		return sizeOf(this.vectors);
	}

	/** Element count if vectors were disjoint: an upper bound that never folds. */
	sizeBound(): number {
		return sizeOf(this.raw);
	}

	/** Exact size without changing this object's folding history. */
	sizeWithoutFolding(): number {
		if (!this.dirty) {
			return sizeOf(this.raw);
		}

		const probe = new RangeSetND();
		probe.raw = this.raw.map(vector => [...vector]);
		probe.multivarHint = this.multivarHint;
		return probe.size;
	}

	copy(): RangeSetND {
		const vectors = this.vectors;
		const copy = new RangeSetND();
		copy.raw = vectors.map(vector => [...vector]);
		copy.dirty = this.dirty;
		return copy;
	}

	/** Whether `elements` (one element string per dimension) is in the set. */
	has(elements: readonly string[]): boolean {
		return this.vectors.some(vector => vector.length === elements.length && vector.every((rs, i) => rs.has(elements[i]!)));
	}

	/** Iterate element tuples in ClusterShell order (vector by vector, last axis fastest). */
	* tuples(): Generator<string[]> {
		for (const vector of this.vectors) {
			yield * product(vector.map(rs => rs.toStrings()));
		}
	}

	/** Element tuples `start` to `stop - 1` (ClusterShell's `rgnd[start:stop]`), one vector each, folded on use. */
	slice(start: number, stop: number): RangeSetND {
		const tuples: string[][] = [];
		let position = 0;
		for (const tuple of this.tuples()) {
			if (position >= stop) {
				break;
			}

			if (position >= start) {
				tuples.push(tuple);
			}

			position++;
		}

		return new RangeSetND(tuples.map(tuple => tuple.map(element => RangeSet.ofElement(element))));
	}

	/** Sub-sets contiguous along every axis (ClusterShell's `contiguous()`; `autostep` as RangeSet's). */
	contiguous(autostep?: number): RangeSetND[] {
		let vectors: Vector[] = [...this.vectors];
		for (let axis = 0; axis < this.dim(); axis++) {
			vectors = vectors.flatMap(vector => vector[axis]!.withAutostep(autostep).contiguous().map(part => vector.map((rs, i) => (i === axis ? part : rs))));
		}

		return vectors.map(vector => new RangeSetND([vector]));
	}

	update(other: RangeSetND | readonly Vector[]): void {
		const vectors = other instanceof RangeSetND ? other.raw : other;
		for (const vector of vectors) {
			this.raw.push([...vector]);
		}

		this.dirty = true;
		if (!this.multivarHint) {
			this.foldUnivariate();
		}
	}

	differenceUpdate(other: RangeSetND): void {
		const result: Vector[] = [];
		for (const vector1 of this.raw) {
			let proc: Vector[] = [vector1];
			let next: Vector[] = [];
			for (const vector2 of other.raw) {
				while (proc.length > 0) {
					const current = proc.shift()!;
					let tmp: Vector[] = [];
					for (let pos = 0; pos < Math.min(current.length, vector2.length); pos++) {
						const rg1 = current[pos]!;
						const rg2 = vector2[pos]!;
						if (rg1.isSubsetOf(rg2)) {
							continue;
						}

						if (rg1.intersects(rg2)) {
							const changed = [...current];
							changed[pos] = rg1.difference(rg2);
							tmp.push(changed);
						} else {
							tmp = [current];
							break;
						}
					}

					next.push(...tmp);
				}

				if (next.length > 0) {
					proc = next;
					next = [];
				}
			}

			result.push(...proc);
		}

		this.raw = result;
		this.dirty = true;
	}

	intersectionUpdate(other: RangeSetND): void {
		if (other === this) {
			return;
		}

		const tmp = new RangeSetND();
		for (const vector of this.raw) {
			for (const otherVector of other.raw) {
				const cut = vector.map((rs, i) => rs.intersection(otherVector[i]!));
				if (cut.every(rs => rs.size > 0)) {
					tmp.update([cut]);
				}
			}
		}

		this.raw = [...tmp.vectors];
		this.dirty = true;
	}

	symmetricDifferenceUpdate(other: RangeSetND): void {
		const otherOnly = other.copy();
		otherOnly.differenceUpdate(this);
		this.differenceUpdate(other);
		this.update(otherOnly);
	}

	private fold(): void {
		if (this.raw.length > 1) {
			if (!this.foldUnivariate()) {
				this.foldMultivariate();
			}
		} else {
			this.dirty = false;
		}
	}

	private foldUnivariate(): boolean {
		const dim = this.dim();
		let vardim = 0;
		let dimdiff = 0;
		if (dim > 1) {
			for (let i = 0; i < dim; i++) {
				const first = this.raw[0]![i]!;
				if (!this.raw.every(vector => vector[i]!.equals(first))) {
					dimdiff++;
					if (dimdiff > 1) {
						break;
					}

					vardim = i;
				}
			}
		}

		const univariate = dim === 1 || dimdiff === 1;
		if (univariate) {
			const builder = new RangeSetBuilder();
			for (const vector of this.raw) {
				builder.addSet(vector[vardim]!);
			}

			const head = this.raw[0]!;
			head[vardim] = builder.build(head[vardim]!.autostep);
			this.raw = [head];
			this.dirty = false;
		}

		this.multivarHint = !univariate;
		return univariate;
	}

	private foldMultivariate(): void {
		// Phase 1: one vector per distinct element tuple.
		const seen = new Set<string>();
		const singles: Vector[] = [];
		for (const vector of this.raw) {
			for (const tuple of product(vector.map(rs => rs.toStrings()))) {
				const id = tuple.join(' ');
				if (!seen.has(id)) {
					seen.add(id);
					singles.push(tuple.map(element => RangeSet.ofElement(element)));
				}
			}
		}

		this.raw = singles;
		// Phase 2: merge vectors that differ in one dimension only; cheap passes first, then full ones.
		let full = false;
		let changed = true;
		while (changed) {
			changed = false;
			this.sortVectors();
			changed = full ? this.fullPass() : this.easyPass();
			if (!changed && !full) {
				changed = true;
				full = true;
			}
		}

		this.dirty = false;
	}

	/** ClusterShell's O(n) pass: each vector absorbs the following ones until one does not merge. */
	private easyPass(): boolean {
		let changed = false;
		const out: Vector[] = [];
		let current = this.raw[0];
		for (let i = 1; i < this.raw.length; i++) {
			const candidate = this.raw[i]!;
			const merged = mergeVectors(current!, candidate);
			if (merged) {
				current = merged;
				changed = true;
			} else {
				out.push(current!);
				current = candidate;
			}
		}

		if (current) {
			out.push(current);
		}

		this.raw = out;
		return changed;
	}

	/** ClusterShell's O(n²) pass: each vector tries every later one. */
	private fullPass(): boolean {
		let changed = false;
		const list: Array<Vector | undefined> = [...this.raw];
		for (let i = 0; i < list.length; i++) {
			let item = list[i];
			if (!item) {
				continue;
			}

			for (let j = i + 1; j < list.length; j++) {
				const other = list[j];
				if (!other) {
					continue;
				}

				const merged = mergeVectors(item, other);
				if (merged) {
					changed = true;
					item = merged;
					list[i] = merged;
					list[j] = undefined;
				}
			}
		}

		this.raw = list.filter((vector): vector is Vector => vector !== undefined);
		return changed;
	}

	private sortVectors(): void {
		const keyed = this.raw.map(vector => ({
			vector,
			size: vector.reduce((n, rs) => n * rs.size, 1),
			parts: vector.map(rs => [rs.size, rs.first() ?? '', rs.last() ?? ''] as const),
		}));
		keyed.sort((a, b) => {
			if (a.size !== b.size) {
				return b.size - a.size;
			}

			for (let i = 0; i < Math.min(a.parts.length, b.parts.length); i++) {
				const [sa, fa, la] = a.parts[i]!;
				const [sb, fb, lb] = b.parts[i]!;
				if (sa !== sb) {
					return sb - sa;
				}

				if (fa !== fb) {
					return fa < fb ? -1 : 1;
				}

				if (la !== lb) {
					return la < lb ? -1 : 1;
				}
			}

			return a.parts.length - b.parts.length;
		});
		this.raw = keyed.map(entry => entry.vector);
	}
}
