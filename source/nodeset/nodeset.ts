import type {GroupResolver} from './groups.js';
import {NodeSetBase} from './nodeset-base.js';
import {ParsingEngine} from './parsing-engine.js';
import {indexesOf, scanSingle, strip} from './scanner.js';

/** Default cap on how many nodes one expression may expand to. */
export const defaultMaxNodes = 1_000_000;

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
 * Parse an expression into a mutable NodeSetBase (ClusterShell's `ParsingEngine.parse_string`), for
 * callers that apply further operations in place as ClusterShell's CLI does (see NodeSetBase).
 * @throws NodeSetParseError with `input` and the faulty `part`.
 */
export function parseNodeSetBase(expression: string, options: ParseOptions = {}): NodeSetBase {
	return new ParsingEngine(options.resolver, {maxNodes: options.maxNodes ?? defaultMaxNodes, input: expression}).parse(expression);
}

/**
 * An immutable set of node names with ClusterShell 1.9 semantics: `fold()` and `expand()` produce
 * byte-identical output to `nodeset -f` / `nodeset -e`. Operations return new sets; the NodeSetBase
 * inside never leaves the object.
 */
export class NodeSet {
	/**
	 * Parse an expression: ranges (`node[1-3,7]`, `node[01-10]`, `node[1-9/2]`), several dimensions
	 * (`rack[1-2]-node[1-3]`), operators `,` `!` `&` `^` applied left to right, groups (`@web`,
	 * `@site:web`, `@*`, `@site:*`, `@@site`) and `*`/`?` wildcards matched against all nodes.
	 * @throws NodeSetParseError with `input` and the faulty `part`.
	 */
	static parse(expression: string, options: ParseOptions = {}): NodeSet {
		return new NodeSet(parseNodeSetBase(expression, options), options.autostep);
	}

	/** Build from single node names (no expression syntax needed, but brackets are accepted). */
	static fromNodes(names: Iterable<string>, options: ParseOptions = {}): NodeSet {
		const engine = new ParsingEngine(undefined, {maxNodes: options.maxNodes ?? defaultMaxNodes, input: ''});
		const set = new NodeSetBase();
		for (const name of names) {
			set.update(engine.parse(name));
		}

		return new NodeSet(set, options.autostep);
	}

	private constructor(private readonly set: NodeSetBase, readonly autostep?: number) {}

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
		return this.derive(set => {
			set.update(other.set);
		});
	}

	difference(other: NodeSet): NodeSet {
		return this.derive(set => {
			set.differenceUpdate(other.set);
		});
	}

	intersection(other: NodeSet): NodeSet {
		return this.derive(set => {
			set.intersectionUpdate(other.set);
		});
	}

	symmetricDifference(other: NodeSet): NodeSet {
		return this.derive(set => {
			set.symmetricDifferenceUpdate(other.set.copy());
		});
	}

	/** Same nodes, another autostep threshold (`undefined` disables a-b/step output). */
	withAutostep(autostep: number | undefined): NodeSet {
		return new NodeSet(this.set.copy(), autostep);
	}

	/** A mutable copy, for callers that go on with in-place operations. */
	toBase(): NodeSetBase {
		return this.set.copy();
	}

	private derive(change: (set: NodeSetBase) => void): NodeSet {
		const copy = this.set.copy();
		change(copy);
		return new NodeSet(copy, this.autostep);
	}
}

/** Parse a node set expression (see NodeSet.parse). */
export function parseNodeSet(expression: string, options: ParseOptions = {}): NodeSet {
	return NodeSet.parse(expression, options);
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
	return new ParsingEngine(resolver, {maxNodes, input: namespace ?? ''}).groupNames(namespace);
}

/**
 * Single node names without expression syntax (ClusterShell's `NodeSet._fromlist1`): `a,b` is one
 * name, `@x` a name, not a group.
 */
export function singleNodes(names: Iterable<string>, maxNodes = defaultMaxNodes): NodeSetBase {
	const set = new NodeSetBase();
	// Nearly every name is a prefix and one number (`node17`, `cn017`), and neighbours share the prefix:
	// such a name is taken apart here, without the scanner's RangeSet per digit run and without a string
	// or array per name (the app folds 5,000 names for each frame of its node map). Everything else
	// (spaces to strip, `%`, several numbers, no number, non-ASCII, numbers past 15 digits) is scanned.
	let prefix = '';
	let pattern = '%s';
	for (const name of names) {
		const digitsAt = trailingNumberAt(name);
		if (digitsAt === undefined) {
			const single = scanSingle(strip(name).replaceAll('%', '%%'), {maxNodes, input: name});
			set.add(single.pattern, indexesOf(single.sets));
			continue;
		}

		if (digitsAt !== prefix.length || !name.startsWith(prefix)) {
			prefix = name.slice(0, digitsAt);
			pattern = `${prefix}%s`;
		}

		let value = 0;
		for (let index = digitsAt; index < name.length; index++) value = value * 10 + name.charCodeAt(index) - 0x30;
		const length = name.length - digitsAt;
		// Padding as the scanner reads it: a leading zero pads to the number's length (`0` alone does not).
		const pad = (value === 0 ? length > 1 : name.charCodeAt(digitsAt) === 0x30) ? length : 0;
		set.addIndex(pattern, value, pad);
	}

	return set;
}

/**
 * Where the number of a simple name starts: printable ASCII without `%`, ending in one run of at most 15
 * digits, with no other digit before it. Undefined for any other name.
 */
function trailingNumberAt(name: string): number | undefined {
	let index = name.length;
	while (index > 0 && isDigit(name.charCodeAt(index - 1))) index--;
	if (index === name.length || name.length - index > 15) return undefined;
	for (let before = 0; before < index; before++) {
		const code = name.charCodeAt(before);
		// Printable ASCII (no space), not `%`, not a digit.
		if (code < 0x21 || code > 0x7e || code === 0x25 || isDigit(code)) return undefined;
	}

	return index;
}

const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;
