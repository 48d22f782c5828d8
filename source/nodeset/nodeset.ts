import {NodeSetParseError, RangeSetParseError} from './errors.js';
import type {GroupResolver} from './groups.js';
import {RangeSet, RangeSetBuilder, type SizeLimit} from './rangeset.js';
import {RangeSetND} from './rangeset-nd.js';

/** Default cap on how many nodes one expression may expand to. */
export const defaultMaxNodes = 1_000_000;

type Indexes = RangeSet | RangeSetND | undefined;

/**
 * Node names grouped by pattern: `node%s` → RangeSet, `rack%s-node%s` → RangeSetND, `login` → undefined.
 * Patterns are Python format strings (`%s` placeholders, `%%` for a literal `%`) so they sort exactly
 * as ClusterShell sorts them. Port of `NodeSetBase`; mutable, private to this module.
 */
class PatternSet {
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

	copy(): PatternSet {
		const copy = new PatternSet();
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

	update(other: PatternSet): void {
		for (const [pattern, indexes] of other.patterns) {
			this.add(pattern, indexes);
		}
	}

	intersectionUpdate(other: PatternSet): void {
		if (other === this) {
			return;
		}

		const kept = new PatternSet();
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

	differenceUpdate(other: PatternSet): void {
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

	symmetricDifferenceUpdate(other: PatternSet): void {
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

	apply(op: Operator, other: PatternSet): void {
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

	fold(autostep: number | undefined): string {
		const results: string[] = [];
		for (const [pattern, indexes] of this.sortedPatterns()) {
			const pieces = patternPieces(pattern);
			if (indexes === undefined) {
				results.push(pieces[0]!);
			} else if (indexes instanceof RangeSet) {
				const text = indexes.toString(autostep);
				results.push(interleave(pieces, [indexes.size > 1 ? `[${text}]` : text]));
			} else {
				for (const vector of indexes.vectors) {
					results.push(interleave(pieces, vector.map(rs => (rs.size > 1 ? `[${rs.toString(autostep)}]` : rs.toString(autostep)))));
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

type Operator = ',' | '!' | '&' | '^';
const operatorPattern = /[,!&^]/;

function nextOperator(text: string): {index: number; op: Operator | undefined} {
	const match = operatorPattern.exec(text);
	return match ? {index: match.index, op: match[0] as Operator} : {index: -1, op: undefined};
}

function indexesOf(sets: RangeSet[]): Indexes {
	if (sets.length > 1) {
		return new RangeSetND([sets]);
	}

	return sets[0];
}

function rstripChars(text: string, chars: RegExp): string {
	let end = text.length;
	while (end > 0 && chars.test(text[end - 1]!)) {
		end--;
	}

	return text.slice(0, end);
}

function lstripChars(text: string, chars: RegExp): string {
	let start = 0;
	while (start < text.length && chars.test(text[start]!)) {
		start++;
	}

	return text.slice(start);
}

const digit = /\d/;
// Python's str.strip() with no argument: Unicode whitespace plus the ASCII separators \x1c-\x1f.
const whitespace = /[\s\u001C-\u001F\u0085]/;
const strip = (text: string): string => lstripChars(rstripChars(text, whitespace), whitespace);

/** `_scan_string_single`: one node name, no brackets, into a pattern and one RangeSet per digit run. */
function scanSingle(text: string, limit: SizeLimit | undefined): {pattern: string; sets: RangeSet[]} {
	if (text.length === 0) {
		throw new NodeSetParseError({input: text, part: '', reason: 'parse error', kind: 'syntax'});
	}

	let pattern = '';
	const sets: RangeSet[] = [];
	const tokens = /(\D*)(\d*)/gy;
	let position = 0;
	while (position < text.length) {
		tokens.lastIndex = position;
		const match = tokens.exec(text)!;
		const [whole, prefix = '', index = ''] = match;
		position += whole.length;
		if (index) {
			let pad = 0;
			let value: number;
			if (Number(index) === 0) {
				if (index.length > 1) {
					pad = index.length;
				}

				value = 0;
			} else {
				const stripped = index.replace(/^0+/, '');
				if (index.length - stripped.length > 0) {
					pad = index.length;
				}

				value = Number(stripped);
			}

			if (value > Number.MAX_SAFE_INTEGER) {
				throw new RangeSetParseError(index, `index above ${Number.MAX_SAFE_INTEGER} is not supported`, 'limit', limit?.input);
			}

			pattern += `${prefix}%s`;
			const builder = new RangeSetBuilder();
			builder.add(value, pad);
			sets.push(builder.build());
		} else {
			pattern += prefix;
		}
	}

	return {pattern, sets};
}

/** `_amend_leading_digits`: `node1[2-3]` → `node[12-13]`. */
function amendLeading(outer: string, inner: string): [string, string] {
	const stripped = rstripChars(outer, digit);
	if (stripped.length < outer.length) {
		const outerDigits = outer.slice(stripped.length);
		const parsed = RangeSet.parse(inner);
		if (parsed.slices(undefined).some(slice => slice.last === -1)) {
			// ClusterShell rebuilds each run with a slice object and rejects a run ending at -1 (`stop == 0`).
			throw new RangeSetParseError(inner, 'invalid range upper limit (0)', 'order');
		}

		inner = parsed.contiguous()
			.map(sub => sub.toString(undefined).split('-').map(bound => outerDigits + bound).join('-'))
			.join(',');
	}

	return [stripped, inner];
}

/** `_amend_trailing_digits`: `node[1-2]0` → `node[10-20/10]`. */
function amendTrailing(outer: string, inner: string, input: string): [string, string] {
	const stripped = lstripChars(outer, digit);
	if (stripped.length < outer.length) {
		if (inner.includes('/')) {
			throw new NodeSetParseError({input, part: outer, reason: 'illegal trailing digits after range with steps', kind: 'step'});
		}

		const outerDigits = outer.slice(0, outer.length - stripped.length);
		inner = inner.split(',')
			.map(element => element.split('-').map(bound => bound + outerDigits).join('-'))
			.map(shifted => (shifted.includes('-') ? `${shifted}/1${'0'.repeat(outerDigits.length)}` : shifted))
			.join(',');
	}

	return [stripped, inner];
}

type Scanned = {op: Operator; pattern: string; indexes: Indexes};

/** Wrap RangeSet errors from a bracket with the whole expression. */
function rangeSet(text: string, limit: SizeLimit): RangeSet {
	try {
		return RangeSet.parse(text, {limit});
	} catch (error) {
		if (error instanceof NodeSetParseError) {
			throw error.within(limit.input);
		}

		throw error;
	}
}

/** `_scan_string`: split an expression into (operator, pattern, indexes) terms, left to right. */
function * scan(expression: string, limit: SizeLimit): Generator<Scanned> {
	const input = limit.input;
	const fail = (part: string, reason: string, kind: 'syntax' | 'bracket' | 'operand'): never => {
		throw new NodeSetParseError({input, part, reason, kind});
	};

	let rest: string | undefined = expression;
	let nextOp: Operator | undefined = ',';
	while (rest) {
		rest = lstripChars(rest, whitespace);
		let sets: RangeSet[] = [];
		const op: Operator = nextOp ?? ',';
		let {index: opIndex, op: foundOp} = nextOperator(rest);
		nextOp = foundOp;
		let bracketIndex = rest.indexOf('[');
		let pattern: string;
		if (bracketIndex >= 0 && (opIndex > bracketIndex || opIndex < 0)) {
			pattern = '';
			let suffix: string = rest;
			while (bracketIndex >= 0 && (opIndex > bracketIndex || opIndex < 0)) {
				const open = suffix.indexOf('[');
				let prefix = suffix.slice(0, open);
				suffix = suffix.slice(open + 1);
				const close = suffix.indexOf(']');
				if (close < 0) {
					fail(rest, 'unclosed bracket', 'bracket');
				}

				let range = suffix.slice(0, close);
				suffix = suffix.slice(close + 1);
				if (prefix.includes(']')) {
					fail(prefix, 'illegal closing bracket', 'bracket');
				}

				if (suffix.length > 0) {
					const braEnd = suffix.indexOf(']');
					let braStart = suffix.indexOf('[');
					if (braStart === -1) {
						braStart = braEnd + 1;
					}

					if (braEnd >= 0 && braEnd < braStart) {
						fail(suffix, 'illegal closing bracket', 'bracket');
					}
				}

				const prefixLength = prefix.length;
				try {
					if (suffix.length > 0) {
						[suffix, range] = amendTrailing(suffix, range, input);
					}

					if (prefixLength > 0) {
						[prefix, range] = amendLeading(prefix, range);
						if (prefix) {
							const single = scanSingle(prefix, limit);
							prefix = single.pattern;
							sets = [...sets, ...single.sets];
						}
					}
				} catch (error) {
					if (error instanceof NodeSetParseError) {
						throw error.within(input);
					}

					throw error;
				}

				bracketIndex = suffix.indexOf('[');
				({index: opIndex, op: nextOp} = nextOperator(suffix));
				if (suffix.startsWith('[')) {
					fail(suffix, 'illegal reopening bracket', 'bracket');
				}

				pattern += `${prefix}%s`;
				sets.push(rangeSet(range, limit));
			}

			({index: opIndex, op: nextOp} = nextOperator(suffix));
			if (opIndex < 0) {
				rest = undefined;
			} else {
				rest = suffix.slice(opIndex + 1);
				suffix = suffix.slice(0, opIndex);
				if (!rest) {
					fail('', `missing nodeset operand with '${nextOp!}' operator`, 'operand');
				}
			}

			suffix = rstripChars(suffix, whitespace);
			if (suffix) {
				const single = scanSingle(suffix, limit);
				pattern += single.pattern;
				sets = [...sets, ...single.sets];
			}
		} else {
			let node: string;
			if (opIndex < 0) {
				node = rest;
				rest = undefined;
			} else {
				node = rest.slice(0, opIndex);
				rest = rest.slice(opIndex + 1);
				if (!node || !rest) {
					fail(node || rest, `missing nodeset operand with '${nextOp!}' operator`, 'operand');
				}
			}

			if (node.includes(']')) {
				fail(node, 'illegal closing bracket', 'bracket');
			}

			node = rstripChars(node, whitespace);
			if (!node) {
				fail('', 'parse error', 'syntax');
			}

			const single = scanSingle(node, limit);
			pattern = single.pattern;
			sets = single.sets;
		}

		let total = 1;
		for (const set of sets) {
			total *= set.size;
		}

		if (total > limit.maxNodes) {
			throw new NodeSetParseError({input, part: expression, reason: `expands to more than ${limit.maxNodes} nodes`, kind: 'limit'});
		}

		yield {op, pattern, indexes: indexesOf(sets)};
	}
}

/** Python's fnmatch for `*` and `?` masks (brackets were already parsed as ranges). */
function wildcardRegExp(mask: string): RegExp {
	let source = '';
	for (const ch of mask) {
		if (ch === '*') {
			source += '.*';
		} else if (ch === '?') {
			source += '.';
		} else {
			source += ch.replaceAll(/[.*+?^${}()|[\]\\/]/g, String.raw`\$&`);
		}
	}

	return new RegExp(`^${source}$`, 's');
}

/** Parsing state for one expression: the resolver, the limit and the `all nodes` cache (`ParsingEngine`). */
class Parser {
	private allNodesCache: Set<string> | undefined;
	private wildcardsEnabled = true;

	constructor(private readonly resolver: GroupResolver | undefined, private readonly limit: SizeLimit) {}

	parse(expression: string, namespace?: string): PatternSet {
		const result = new PatternSet();
		const escaped = strip(expression).replaceAll('%', '%%');
		for (const term of scan(escaped, this.limit)) {
			let operand: PatternSet;
			if (term.pattern.startsWith('@')) {
				operand = this.groupOperand(term, namespace);
			} else if (this.resolver && this.wildcardsEnabled && /[*?]/.test(term.pattern)) {
				operand = this.wildcardOperand(term, namespace);
			} else {
				operand = new PatternSet();
				operand.add(term.pattern, term.indexes, false);
			}

			result.apply(term.op, operand);
			this.checkLimit(result);
		}

		return result;
	}

	/** Group names of a source, expanded (`@@source`, `nodeset -l`). */
	groupNames(namespace?: string): string[] {
		const names = new PatternSet();
		for (const raw of this.requireResolver('@').groupList(namespace)) {
			for (const term of scan(strip(raw).replaceAll('%', '%%'), this.limit)) {
				const operand = new PatternSet();
				operand.add(term.pattern, term.indexes, false);
				names.apply(term.op, operand);
			}
		}

		return names.expand();
	}

	/** Words of every node of a source (`@*`). */
	allNodes(namespace?: string): string[] {
		const resolver = this.requireResolver('@*');
		const source = resolver.source(namespace);
		const all = source.all();
		if (all !== undefined) {
			return all;
		}

		return this.groupNames(namespace).flatMap(group => resolver.groupNodes(group, namespace));
	}

	private checkLimit(result: PatternSet): void {
		if (result.sizeWithoutFolding() > this.limit.maxNodes && result.exactSizeWithoutFolding() > this.limit.maxNodes) {
			throw new NodeSetParseError({input: this.limit.input, part: this.limit.input, reason: `expands to more than ${this.limit.maxNodes} nodes`, kind: 'limit'});
		}
	}

	private requireResolver(part: string): GroupResolver {
		if (!this.resolver) {
			throw new NodeSetParseError({input: this.limit.input, part, reason: 'node groups need a group source, and none is configured', kind: 'group'});
		}

		return this.resolver;
	}

	private groupOperand(term: Scanned, namespace: string | undefined): PatternSet {
		const resolver = this.requireResolver(term.pattern.replaceAll('%s', '…'));
		const operand = new PatternSet();
		const names = new PatternSet();
		names.add(term.pattern, term.indexes, false);
		for (const nodegroup of names.expand()) {
			let groupText = nodegroup.slice(1);
			let group = groupText;
			let groupNamespace = namespace;
			const colon = groupText.indexOf(':');
			if (colon >= 0) {
				groupNamespace = groupText.slice(0, colon);
				group = groupText.slice(colon + 1);
			}

			let words: string[];
			try {
				if (group === '*') {
					words = this.allNodes(groupNamespace);
				} else if (group.startsWith('@')) {
					groupText = groupText.slice(1);
					words = this.groupNames(groupText || undefined);
				} else {
					words = resolver.groupNodes(group, groupNamespace);
				}
			} catch (error) {
				if (error instanceof NodeSetParseError && error.kind === 'group') {
					throw new NodeSetParseError({input: this.limit.input, part: nodegroup, reason: error.reason, kind: 'group'});
				}

				throw error;
			}

			const text = words.join(',');
			if (text) {
				operand.update(this.parse(text, groupNamespace));
			}
		}

		return operand;
	}

	private wildcardOperand(term: Scanned, namespace: string | undefined): PatternSet {
		const masks = new PatternSet();
		masks.add(term.pattern, term.indexes, false);
		if (!this.allNodesCache) {
			this.wildcardsEnabled = false;
			try {
				const all = new PatternSet();
				for (const word of this.allNodes(namespace)) {
					all.update(this.parse(word, namespace));
				}

				this.allNodesCache = new Set(all.expand());
			} finally {
				this.wildcardsEnabled = true;
			}
		}

		const candidates = new Set(this.allNodesCache);
		const operand = new PatternSet();
		for (const mask of masks.expand()) {
			const matcher = wildcardRegExp(mask);
			for (const node of candidates) {
				if (matcher.test(node)) {
					candidates.delete(node);
					const single = scanSingle(node.replaceAll('%', '%%'), this.limit);
					operand.add(single.pattern, indexesOf(single.sets));
				}
			}
		}

		return operand;
	}
}

/** Options for parsing a node set expression. */
export type ParseOptions = {
	/** Resolves `@group` and `*` wildcards; without one, `@group` is an error and `*` is literal. */
	readonly resolver?: GroupResolver | undefined;
	/**
	 * Largest number of nodes the expression may expand to; checked on ranges before they are built.
	 * @default 1_000_000
	 */
	readonly maxNodes?: number | undefined;
	/**
	 * Fold ranges with `a-b/step` once this many indexes are equally spaced (ClusterShell `--autostep`).
	 * @default undefined (never)
	 */
	readonly autostep?: number | undefined;
};

/**
 * An immutable set of node names with ClusterShell 1.9 semantics: `fold()` and `expand()` produce
 * byte-identical output to `nodeset -f` / `nodeset -e`.
 */
export class NodeSet {
	/** Build from single node names (no expression syntax needed, but brackets are accepted). */
	static fromNodes(names: Iterable<string>, options: ParseOptions = {}): NodeSet {
		const parser = new Parser(undefined, {maxNodes: options.maxNodes ?? defaultMaxNodes, input: ''});
		const set = new PatternSet();
		for (const name of names) {
			set.update(parser.parse(name));
		}

		return new NodeSet(set, options.autostep);
	}

	/** @internal use parseNodeSet / fromNodes */
	constructor(private readonly set: PatternSet, readonly autostep?: number) {}

	/** @internal the mutable patterns, for NodeSetAccumulator only */
	patternSet(): PatternSet {
		return this.set;
	}

	/** Number of nodes. */
	get size(): number {
		return this.set.size;
	}

	/** Node names in ClusterShell's order (patterns sorted, then indexes by width then value). */
	expand(): string[] {
		return this.set.expand();
	}

	/** Folded form, e.g. `node[01-10],rack[1-2]-node[1-3]`. */
	fold(): string {
		return this.set.fold(this.autostep);
	}

	toString(): string {
		return this.fold();
	}

	/** Whether the single node `name` is in the set. */
	has(name: string): boolean {
		return this.set.has(name);
	}

	union(other: NodeSet): NodeSet {
		return this.derive(set => set.update(other.set));
	}

	difference(other: NodeSet): NodeSet {
		return this.derive(set => set.differenceUpdate(other.set));
	}

	intersection(other: NodeSet): NodeSet {
		return this.derive(set => set.intersectionUpdate(other.set));
	}

	symmetricDifference(other: NodeSet): NodeSet {
		return this.derive(set => set.symmetricDifferenceUpdate(other.set.copy()));
	}

	/** Same nodes, another autostep threshold (`undefined` disables a-b/step output). */
	withAutostep(autostep: number | undefined): NodeSet {
		return new NodeSet(this.set.copy(), autostep);
	}

	private derive(change: (set: PatternSet) => void): NodeSet {
		const copy = this.set.copy();
		change(copy);
		return new NodeSet(copy, this.autostep);
	}
}

/**
 * Parse a node set expression: ranges (`node[1-3,7]`, `node[01-10]`, `node[1-9/2]`), several
 * dimensions (`rack[1-2]-node[1-3]`), operators `,` `!` `&` `^` applied left to right, groups
 * (`@web`, `@site:web`, `@*`, `@site:*`, `@@site`) and `*`/`?` wildcards matched against all nodes.
 * @throws NodeSetParseError with `input` and the faulty `part`.
 */
export function parseNodeSet(expression: string, options: ParseOptions = {}): NodeSet {
	const parser = new Parser(options.resolver, {maxNodes: options.maxNodes ?? defaultMaxNodes, input: expression});
	return new NodeSet(parser.parse(expression), options.autostep);
}

/** Expand an expression to node names in ClusterShell's order. */
export function expandNodeSet(expression: string, options: ParseOptions = {}): string[] {
	return parseNodeSet(expression, options).expand();
}

/** Fold node names into the shortest ClusterShell form (`web01,web02,web03` → `web[01-03]`). */
export function foldNodes(names: Iterable<string>): string {
	return NodeSet.fromNodes(names).fold();
}

/** Group names of a source expanded (for `nodeset -l`). */
export function listGroups(resolver: GroupResolver, namespace?: string, maxNodes = defaultMaxNodes): string[] {
	return new Parser(resolver, {maxNodes, input: namespace ?? ''}).groupNames(namespace);
}

/**
 * Mutable node set for command-line style accumulation (`nodeset a -x b -i c`). It applies each
 * operation in place, exactly as ClusterShell's CLI does, which keeps n-D folding byte-identical
 * (immutable operations copy, and copying folds). Operands are consumed: do not reuse them.
 */
export class NodeSetAccumulator {
	private readonly set = new PatternSet();

	constructor(private readonly options: ParseOptions = {}) {}

	get size(): number {
		return this.set.size;
	}

	/** Parse each line as its own expression and union them (ClusterShell's `NodeSet.fromlist`). */
	parseLines(lines: readonly string[]): NodeSet {
		const set = new PatternSet();
		for (const line of lines) {
			const parser = new Parser(this.options.resolver, {maxNodes: this.options.maxNodes ?? defaultMaxNodes, input: line});
			set.update(parser.parse(line));
		}

		return new NodeSet(set, this.options.autostep);
	}

	apply(op: ',' | '!' | '&' | '^', operand: NodeSet): void {
		this.set.apply(op, operand.patternSet());
	}

	/** The result; the accumulator must not be used afterwards. */
	finish(autostep: number | undefined = this.options.autostep): NodeSet {
		return new NodeSet(this.set, autostep);
	}
}
