import {RangeSet, RangeSetBuilder} from './rangeset.js';
import {RangeSetND} from './rangeset-nd.js';
import {scanSingle} from './scanner.js';

/** A set operation of the expression syntax: union, difference, intersection, symmetric difference. */
export type Operator = ',' | '!' | '&' | '^';

/** The indexes of one pattern: none (`login`), one dimension or several. */
export type Indexes = RangeSet | RangeSetND | undefined;

/**
 * Node names grouped by pattern: `node%s` → RangeSet, `rack%s-node%s` → RangeSetND, `login` → undefined.
 * Patterns are Python format strings (`%s` placeholders, `%%` for a literal `%`) so they sort exactly
 * as ClusterShell sorts them. Port of ClusterShell's `NodeSetBase`: the set arithmetic, no parsing.
 *
 * Mutable: operations change the set in place, in ClusterShell's order, which keeps n-D folding
 * byte-identical with `nodeset` (the folded shape of an n-D set depends on its history). Operands are
 * read, not copied: do not change an operand while it is in use.
 */
export class NodeSetBase {
	private readonly map = new Map<string, Indexes>();
	/** 1-D unions waiting to be built in one pass: adding 100,000 single nodes stays linear. */
	private readonly pending = new Map<string, RangeSetBuilder>();

	/** Patterns and their indexes, with pending unions applied. */
	get patterns(): Map<string, Indexes> {
		if (this.pending.size > 0) {
			for (const [pattern, builder] of this.pending) {
				this.map.set(pattern, builder.build());
			}

			this.pending.clear();
		}

		return this.map;
	}

	copy(): NodeSetBase {
		const copy = new NodeSetBase();
		for (const [pattern, indexes] of this.patterns) {
			copy.patterns.set(pattern, indexes instanceof RangeSetND ? indexes.copy() : indexes);
		}

		return copy;
	}

	get size(): number {
		let n = 0;
		for (const indexes of this.patterns.values()) {
			n += indexes === undefined ? 1 : indexes.size;
		}

		return n;
	}

	/** Size that never changes n-D folding history (see RangeSetND). */
	sizeWithoutFolding(): number {
		let n = 0;
		for (const indexes of this.patterns.values()) {
			if (indexes === undefined) {
				n++;
			} else if (indexes instanceof RangeSet) {
				n += indexes.size;
			} else {
				n += indexes.sizeBound();
			}
		}

		return n;
	}

	exactSizeWithoutFolding(): number {
		let n = 0;
		for (const indexes of this.patterns.values()) {
			n += indexes === undefined ? 1 : (indexes instanceof RangeSet ? indexes.size : indexes.sizeWithoutFolding());
		}

		return n;
	}

	/** `_add`: union one pattern in. */
	add(pattern: string, indexes: Indexes, copy = true): void {
		const waiting = this.pending.get(pattern);
		if (waiting && indexes instanceof RangeSet) {
			waiting.addSet(indexes);
			return;
		}

		const existing = this.map.get(pattern);
		if (this.map.has(pattern)) {
			if (existing instanceof RangeSet && indexes instanceof RangeSet) {
				const builder = new RangeSetBuilder();
				builder.addSet(existing);
				builder.addSet(indexes);
				this.pending.set(pattern, builder);
			} else if (existing instanceof RangeSetND && indexes instanceof RangeSetND) {
				existing.update(indexes);
			}

			return;
		}

		this.map.set(pattern, copy && indexes instanceof RangeSetND ? indexes.copy() : indexes);
	}

	/**
	 * Union in one element of a 1-D pattern (`node%s`): `value` written with zero padding `pad`. What
	 * `add(pattern, RangeSet of one element)` does, without a RangeSet per node (singleNodes' fast path).
	 */
	addIndex(pattern: string, value: number, pad: number): void {
		let builder = this.pending.get(pattern);
		if (builder === undefined) {
			const existing = this.map.get(pattern);
			builder = new RangeSetBuilder();
			if (existing instanceof RangeSet) {
				builder.addSet(existing);
			} else if (this.map.has(pattern)) {
				// Not 1-D after all (cannot happen for a pattern with one `%s`): the general path.
				builder.add(value, pad);
				this.add(pattern, builder.build());
				return;
			} else {
				// Keep the pattern's place in insertion order, as `add` does; the built set replaces this.
				this.map.set(pattern, RangeSet.empty);
			}

			this.pending.set(pattern, builder);
		}

		builder.add(value, pad);
	}

	update(other: NodeSetBase): void {
		for (const [pattern, indexes] of other.patterns) {
			this.add(pattern, indexes);
		}
	}

	intersectionUpdate(other: NodeSetBase): void {
		if (other === this) {
			return;
		}

		const kept = new NodeSetBase();
		for (const [pattern, otherIndexes] of other.patterns) {
			const indexes = this.patterns.get(pattern);
			if (indexes instanceof RangeSet && otherIndexes instanceof RangeSet) {
				const common = indexes.intersection(otherIndexes);
				if (common.size > 0) {
					kept.add(pattern, common, false);
				}
			} else if (indexes instanceof RangeSetND && otherIndexes instanceof RangeSetND) {
				const common = indexes.copy();
				common.intersectionUpdate(otherIndexes);
				if (common.size > 0) {
					kept.add(pattern, common, false);
				}
			} else if (otherIndexes === undefined && this.patterns.has(pattern) && indexes === undefined) {
				kept.add(pattern, undefined);
			}
		}

		this.patterns.clear();
		for (const [pattern, indexes] of kept.patterns) {
			this.patterns.set(pattern, indexes);
		}
	}

	differenceUpdate(other: NodeSetBase): void {
		const purge: string[] = [];
		for (const [pattern, otherIndexes] of other.patterns) {
			const indexes = this.patterns.get(pattern);
			if (indexes instanceof RangeSet && otherIndexes instanceof RangeSet && indexes.size > 0) {
				const rest = indexes.difference(otherIndexes);
				this.patterns.set(pattern, rest);
				if (rest.size === 0) {
					purge.push(pattern);
				}
			} else if (indexes instanceof RangeSetND && otherIndexes instanceof RangeSetND && !indexes.isEmpty()) {
				indexes.differenceUpdate(otherIndexes);
				if (indexes.size === 0) {
					purge.push(pattern);
				}
			} else if (this.patterns.has(pattern)) {
				purge.push(pattern);
			}
		}

		for (const pattern of purge) {
			this.patterns.delete(pattern);
		}
	}

	symmetricDifferenceUpdate(other: NodeSetBase): void {
		const purge: string[] = [];
		for (const [pattern, indexes] of this.patterns) {
			const otherIndexes = other.patterns.get(pattern);
			if (otherIndexes instanceof RangeSet && indexes instanceof RangeSet && otherIndexes.size > 0) {
				this.patterns.set(pattern, indexes.symmetricDifference(otherIndexes));
			} else if (otherIndexes instanceof RangeSetND && indexes instanceof RangeSetND && !otherIndexes.isEmpty()) {
				indexes.symmetricDifferenceUpdate(otherIndexes);
			} else if (other.patterns.has(pattern)) {
				purge.push(pattern);
			}
		}

		for (const [pattern, otherIndexes] of other.patterns) {
			if (!this.patterns.has(pattern)) {
				this.add(pattern, otherIndexes);
			}
		}

		for (const [pattern, indexes] of this.patterns) {
			if (indexes !== undefined && indexes.size === 0) {
				purge.push(pattern);
			}
		}

		for (const pattern of purge) {
			this.patterns.delete(pattern);
		}
	}

	apply(op: Operator, other: NodeSetBase): void {
		switch (op) {
			case ',': {
				this.update(other);
				break;
			}

			case '!': {
				this.differenceUpdate(other);
				break;
			}

			case '&': {
				this.intersectionUpdate(other);
				break;
			}

			case '^': {
				this.symmetricDifferenceUpdate(other);
				break;
			}
		}
	}

	sortedPatterns(): Array<[string, Indexes]> {
		return [...this.patterns].sort((a, b) => (a[0] < b[0] ? -1 : (a[0] > b[0] ? 1 : 0)));
	}

	expand(): string[] {
		const out: string[] = [];
		for (const [pattern, indexes] of this.sortedPatterns()) {
			const pieces = patternPieces(pattern);
			if (indexes === undefined) {
				out.push(pieces[0]!);
			} else if (indexes instanceof RangeSet) {
				const [before, after] = pieces as [string, string];
				for (const element of indexes.strings()) {
					out.push(before + element + after);
				}
			} else {
				for (const tuple of indexes.tuples()) {
					out.push(interleave(pieces, tuple));
				}
			}
		}

		return out;
	}

	/**
	 * Folded text (`__str__`). `foldAxis` (0-based, negative from the end; ClusterShell's `fold_axis`)
	 * folds n-D sets along those axes only and writes the others out, node by node.
	 */
	fold(autostep: number | undefined, foldAxis?: readonly number[]): string {
		const results: string[] = [];
		const bracket = (rs: RangeSet): string => (rs.size > 1 ? `[${rs.toString(autostep)}]` : rs.toString(autostep));
		for (const [pattern, indexes] of this.sortedPatterns()) {
			const pieces = patternPieces(pattern);
			if (indexes === undefined) {
				results.push(pieces[0]!);
			} else if (indexes instanceof RangeSet) {
				if (foldAxis === undefined || foldAxis.some(axis => axis >= -1 && axis < 1)) {
					results.push(interleave(pieces, [bracket(indexes)]));
				} else {
					results.push(...indexes.toStrings().map(element => interleave(pieces, [element])));
				}
			} else {
				const dim = indexes.dim();
				const axes = foldAxis?.filter(axis => axis >= -dim && axis < dim).map(axis => ((axis % dim) + dim) % dim);
				for (const vector of indexes.vectors) {
					// ClusterShell's _iter_nd_pat: the first axis varies fastest when axes are written out.
					let combos: string[][] = [[]];
					for (const [axis, rs] of vector.entries()) {
						const texts = rs.size > 1 && axes !== undefined && !axes.includes(axis) ? rs.toStrings() : [bracket(rs)];
						combos = texts.flatMap(text => combos.map(combo => [...combo, text]));
					}

					results.push(...combos.map(combo => interleave(pieces, combo)));
				}
			}
		}

		return results.join(',');
	}

	has(name: string): boolean {
		let scanned: {pattern: string; sets: RangeSet[]};
		try {
			scanned = scanSingle(name.trim().replaceAll('%', '%%'), undefined);
		} catch {
			return false;
		}

		if (!this.patterns.has(scanned.pattern)) {
			return false;
		}

		const indexes = this.patterns.get(scanned.pattern);
		const elements = scanned.sets.map(rs => rs.first()!);
		if (indexes === undefined) {
			return elements.length === 0;
		}

		if (indexes instanceof RangeSet) {
			return elements.length === 1 && indexes.has(elements[0]!);
		}

		return indexes.has(elements);
	}
}

const piecesCache = new Map<string, string[]>();

/** Split a `%s` pattern into literal pieces (`%%` → `%`); n placeholders give n+1 pieces. */
function patternPieces(pattern: string): string[] {
	let pieces = piecesCache.get(pattern);
	if (!pieces) {
		pieces = [''];
		for (let i = 0; i < pattern.length; i++) {
			const ch = pattern[i]!;
			if (ch === '%' && pattern[i + 1] === 's') {
				pieces.push('');
				i++;
			} else if (ch === '%' && pattern[i + 1] === '%') {
				pieces[pieces.length - 1] += '%';
				i++;
			} else {
				pieces[pieces.length - 1] += ch;
			}
		}

		if (piecesCache.size > 10_000) {
			piecesCache.clear();
		}

		piecesCache.set(pattern, pieces);
	}

	return pieces;
}

function interleave(pieces: readonly string[], values: readonly string[]): string {
	let out = pieces[0]!;
	for (let i = 0; i < values.length; i++) {
		out += values[i]! + (pieces[i + 1] ?? '');
	}

	return out;
}

