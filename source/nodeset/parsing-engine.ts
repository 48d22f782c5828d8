import {NodeSetParseError} from './errors.js';
import type {GroupResolver} from './groups.js';
import {NodeSetBase} from './nodeset-base.js';
import type {SizeLimit} from './rangeset.js';
import {indexesOf, scan, scanSingle, strip, type Scanned} from './scanner.js';

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
export class ParsingEngine {
	private allNodesCache: Set<string> | undefined;
	private wildcardsEnabled = true;

	constructor(private readonly resolver: GroupResolver | undefined, private readonly limit: SizeLimit) {}

	parse(expression: string, namespace?: string): NodeSetBase {
		const result = new NodeSetBase();
		const escaped = strip(expression).replaceAll('%', '%%');
		for (const term of scan(escaped, this.limit)) {
			let operand: NodeSetBase;
			if (term.pattern.startsWith('@')) {
				operand = this.groupOperand(term, namespace);
			} else if (this.resolver && this.wildcardsEnabled && /[*?]/.test(term.pattern)) {
				operand = this.wildcardOperand(term, namespace);
			} else {
				operand = new NodeSetBase();
				operand.add(term.pattern, term.indexes, false);
			}

			result.apply(term.op, operand);
			this.checkLimit(result);
		}

		return result;
	}

	/** Group names of a source, expanded (`@@source`, `nodeset -l`). */
	groupNames(namespace?: string): string[] {
		const names = new NodeSetBase();
		for (const raw of this.requireResolver('@').groupList(namespace)) {
			for (const term of scan(strip(raw).replaceAll('%', '%%'), this.limit)) {
				const operand = new NodeSetBase();
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

	private checkLimit(result: NodeSetBase): void {
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

	private groupOperand(term: Scanned, namespace: string | undefined): NodeSetBase {
		const resolver = this.requireResolver(term.pattern.replaceAll('%s', '…'));
		const operand = new NodeSetBase();
		const names = new NodeSetBase();
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

	private wildcardOperand(term: Scanned, namespace: string | undefined): NodeSetBase {
		const masks = new NodeSetBase();
		masks.add(term.pattern, term.indexes, false);
		if (!this.allNodesCache) {
			this.wildcardsEnabled = false;
			try {
				const all = new NodeSetBase();
				for (const word of this.allNodes(namespace)) {
					all.update(this.parse(word, namespace));
				}

				this.allNodesCache = new Set(all.expand());
			} finally {
				this.wildcardsEnabled = true;
			}
		}

		const candidates = new Set(this.allNodesCache);
		const operand = new NodeSetBase();
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

