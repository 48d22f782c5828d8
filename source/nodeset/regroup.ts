import {NodeSetParseError} from './errors.js';
import type {GroupResolver} from './groups.js';
import {NodeSetBase} from './nodeset-base.js';
import {listGroups, parseNodeSetBase, singleNodes} from './nodeset.js';

/** Whether every node of `part` is in `whole` (`part in whole`). */
function contains(whole: NodeSetBase, part: NodeSetBase): boolean {
	const rest = part.copy();
	rest.differenceUpdate(whole);
	return rest.size === 0;
}

/**
 * For each group holding nodes of `set`: how many of them, and the group's nodes (ClusterShell's
 * `NodeSet._groups2`). A source's `reverse` upcall answers per node when it has one and there are at
 * least as many groups as nodes (or no group list); else every listed group is expanded once.
 */
export function nodeGroups(set: NodeSetBase, resolver: GroupResolver, source?: string): Map<string, {count: number; nodes: NodeSetBase}> {
	resolver.source(source); // an unknown source is an error, not an empty answer
	let names: string[] | undefined;
	try {
		names = listGroups(resolver, source);
	} catch (error) {
		// No list upcall, or it failed: a reverse upcall may still do.
		if (!(error instanceof NodeSetParseError)) {
			throw error;
		}
	}

	const parse = (words: readonly string[]): NodeSetBase => parseNodeSetBase(words.join(','), {resolver});
	const useReverse = resolver.hasNodeGroups(source) && (!names || names.length === 0 || names.length >= set.size);
	const members = new Map<string, NodeSetBase>();
	const info = new Map<string, {count: number; nodes: NodeSetBase}>();
	if (!useReverse) {
		if (!names || names.length === 0) {
			return info;
		}

		for (const name of names) {
			members.set(name, parse(resolver.groupNodes(name, source)));
		}
	}

	for (const node of set.expand()) {
		const single = singleNodes([node]);
		const groups = useReverse ? resolver.nodeGroups(node, source) : [...members].filter(([, nodes]) => contains(nodes, single)).map(([name]) => name);
		for (const group of groups) {
			const known = info.get(group);
			if (known) {
				known.count++;
			} else {
				info.set(group, {count: 1, nodes: parse(resolver.groupNodes(group, source))});
			}
		}
	}

	return info;
}

/**
 * Fold `set` into group names where whole groups are in it, largest groups first, the rest as nodes
 * (`nodeset -r`, ClusterShell's `NodeSet.regroup`): `@web,db1`. `source` prefixes names as `@source:`
 * unless `noPrefix` (`-G`).
 */
export function regroup(set: NodeSetBase, resolver: GroupResolver, source: string | undefined, noPrefix: boolean, autostep: number | undefined): string {
	const groups = nodeGroups(set, resolver, source);
	if (groups.size === 0) {
		return set.fold(autostep);
	}

	const fulls = [...groups].filter(([, group]) => group.count === group.nodes.size)
		.sort(([nameA, a], [nameB, b]) => b.count - a.count || (nameA < nameB ? -1 : (nameA > nameB ? 1 : 0)));
	const rest = set.copy();
	const names: string[] = [];
	for (const [name, group] of fulls) {
		if (!contains(rest, group.nodes)) {
			continue;
		}

		names.push(source && !noPrefix ? `@${source}:${name}` : `@${name}`);
		rest.differenceUpdate(group.nodes);
		if (rest.size === 0) {
			return singleNodes(names).fold(undefined);
		}
	}

	return names.length > 0 ? `${singleNodes(names).fold(undefined)},${rest.fold(autostep)}` : rest.fold(autostep);
}
