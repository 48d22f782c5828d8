import type {Options} from './nodeset-options.js';
import {listGroups, NodeSetBase, parseNodeSetBase, type GroupResolver} from '../nodeset/index.js';

/** `nodeset -l/-ll/-lll/-L…`: groups of one or every source, with their nodes inside `xset` when given. */
export function listCommand(options: Options, resolver: GroupResolver, xset: NodeSetBase, autostep: number | undefined): string {
	const level = options.list + options.listAll;
	let sources: Array<string | undefined>;
	if (options.listAll > 0) {
		sources = resolver.sources();
		if (sources.length > 0 && !options.groupSource) {
			sources[0] = undefined;
		}
	} else {
		sources = [options.groupSource];
	}

	const lines: string[] = [];
	const filtered = xset.size > 0 || options.all || options.intersection.length > 0 || options.exclude.length > 0 || options.xor.length > 0;
	for (const source of sources) {
		const scoped = source ? resolver.withDefault(source) : resolver;
		const names = listGroups(scoped, source);
		if (filtered) {
			const groups: Array<[string, NodeSetBase, NodeSetBase]> = [];
			for (const name of names) {
				const groupNodes = parseNodeSetBase(`@${name}`, {resolver: scoped});
				const inside = xset.copy();
				inside.intersectionUpdate(groupNodes);
				if (inside.size > 0) {
					groups.push([source && !options.groupBase ? `@${source}:${name}` : `@${name}`, groupNodes, inside]);
				}
			}

			groups.sort((a, b) => (a[0] < b[0] ? -1 : (a[0] > b[0] ? 1 : 0)));
			for (const [key, groupNodes, inside] of groups) {
				lines.push(level === 1 ? key : (level === 2 ? `${key} ${inside.fold(autostep)}` : `${key} ${inside.fold(autostep)} ${inside.size}/${groupNodes.size}`));
			}
		} else {
			for (const name of names) {
				const key = source && !options.groupBase ? `@${source}:${name}` : `@${name}`;
				if (level === 1) {
					lines.push(key);
					continue;
				}

				const nodes = parseNodeSetBase(key, {resolver: scoped});
				lines.push(level === 2 ? `${key} ${nodes.fold(undefined)}` : `${key} ${nodes.fold(undefined)} ${nodes.size}`);
			}
		}
	}

	return lines.map(line => `${line}\n`).join('');
}
