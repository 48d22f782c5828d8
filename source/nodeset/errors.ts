import {UserError} from '../errors.js';

/** What kind of mistake a node set expression holds; picks the hint printed after the message. */
export type NodeSetErrorKind = 'syntax' | 'bracket' | 'operand' | 'padding' | 'step' | 'order' | 'limit' | 'group';

const hints: Record<NodeSetErrorKind, string> = {
	syntax: 'write node sets as node[1-3,7],web5',
	bracket: 'write ranges as node[1-3,7]',
	operand: 'put a node set on both sides of , ! & ^',
	padding: 'give both bounds the same width, as in node[01-10]',
	step: 'write steps as node[1-9/2]',
	order: 'write ranges low to high, as in node[1-3]',
	limit: 'narrow the node set (the limit guards against typos such as node[1-99999999])',
	group: 'check the group name and groups.conf (nodeset -l lists groups)',
};

/**
 * A node set expression that cannot be parsed or resolved. `part` is the faulty fragment (ClusterShell's
 * `NodeSetParseError.part`), `reason` ClusterShell's wording of the problem.
 *
 * Message: `node set "node[1-": unclosed bracket in "node[1-"; write ranges as node[1-3,7]`.
 */
export class NodeSetParseError extends UserError {
	/** The whole expression as given. */
	readonly input: string;
	/** The faulty fragment; may equal `input`, or be empty when the error concerns the whole expression. */
	readonly part: string;
	/** What is wrong, without location or hint (e.g. `unclosed bracket`). */
	readonly reason: string;
	readonly kind: NodeSetErrorKind;

	constructor(options: {input: string; part: string; reason: string; kind: NodeSetErrorKind; cause?: unknown}) {
		const where = options.part ? ` in "${options.part}"` : '';
		super(`node set "${options.input}": ${options.reason}${where}; ${hints[options.kind]}`, {cause: options.cause});
		this.input = options.input;
		this.part = options.part;
		this.reason = options.reason;
		this.kind = options.kind;
	}

	/** The same error, reported against a larger expression. */
	within(input: string): NodeSetParseError {
		if (input === this.input) {
			return this;
		}

		return new NodeSetParseError({input, part: this.part, reason: this.reason, kind: this.kind, cause: this.cause});
	}
}

/** A bad range inside brackets (`node[3-1]`) or given to `RangeSet.parse`. */
export class RangeSetParseError extends NodeSetParseError {
	constructor(part: string, reason: string, kind: NodeSetErrorKind, input = part) {
		super({input, part, reason, kind});
	}
}
