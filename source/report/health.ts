import type {ManagerName} from '../executor/events.js';
import type {NodeCheck} from '../executor/run-plan.js';
import {shownSafely, withControlsShown} from '../display.js';
import {foldNodes} from '../nodeset/index.js';

/**
 * Health results summarized once, for `svctui check`'s report and the app's health pane alike: nodes that
 * answer grouped by service manager with their latency spread, the others grouped by reason.
 */

/** The lower median: the middle value, or the lower of the two middle ones. */
export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

export type AnsweringNode = {readonly node: string; readonly latencyMs: number; readonly manager: ManagerName};

export type ManagerGroup = {
	readonly manager: ManagerName;
	/** In the order they answered (or were given). */
	readonly nodes: readonly AnsweringNode[];
	readonly nodeSet: string;
	readonly latency: {readonly min: number; readonly median: number; readonly max: number};
};

/** Nodes that do not answer for one reason, with the first node's message as the example. */
export type DownGroup = {readonly reason: string; readonly nodes: readonly string[]; readonly nodeSet: string; readonly detail: string};

/** Answering nodes by service manager, in first-seen order. */
export function groupByManager(answering: readonly AnsweringNode[]): ManagerGroup[] {
	const byManager = new Map<ManagerName, AnsweringNode[]>();
	for (const entry of answering) {
		// Appended in place: copying the group for each node made 5,000 nodes take over half a second (issue 11).
		const group = byManager.get(entry.manager);
		if (group === undefined) {
			byManager.set(entry.manager, [entry]);
		} else {
			group.push(entry);
		}
	}

	return [...byManager].map(([manager, nodes]) => {
		const latencies = nodes.map(entry => entry.latencyMs);
		return {manager, nodes, nodeSet: foldNodes(nodes.map(entry => entry.node)), latency: {min: Math.min(...latencies), median: median(latencies), max: Math.max(...latencies)}};
	});
}

/** Unreachable nodes by reason, in first-seen order. */
export function groupByReason(results: readonly NodeCheck[]): DownGroup[] {
	const byReason = new Map<string, {nodes: string[]; detail: string}>();
	for (const result of results) {
		if (result.status === 'unreachable') {
			const entry = byReason.get(result.reason) ?? {nodes: [], detail: result.message};
			entry.nodes.push(result.node);
			byReason.set(result.reason, entry);
		}
	}

	return [...byReason].map(([reason, entry]) => ({reason, nodes: entry.nodes, nodeSet: foldNodes(entry.nodes), detail: entry.detail}));
}

/** The answering nodes of a check. */
export function answeringNodes(results: readonly NodeCheck[]): AnsweringNode[] {
	return results.flatMap(result => (result.status === 'connected' ? [{node: result.node, latencyMs: result.latencyMs, manager: result.manager}] : []));
}

/** `svctui check`'s report: OK lines by manager, UNREACHABLE lines by reason, then the count. */
export function renderHealth(results: readonly NodeCheck[]): string {
	const lines: string[] = [];
	for (const group of groupByManager(answeringNodes(results))) {
		const {min, median: middle, max} = group.latency;
		lines.push(`OK           ${withControlsShown(group.nodeSet)} (${group.nodes.length}): ${group.manager}, latency min/median/max ${min}/${middle}/${max} ms`);
	}

	for (const group of groupByReason(results)) {
		lines.push(`UNREACHABLE  ${withControlsShown(group.nodeSet)} (${group.nodes.length}): ${group.reason}: ${shownSafely(group.detail)}`);
	}

	const answering = results.filter(result => result.status === 'connected').length;
	lines.push(`${answering} of ${results.length} nodes answer`);
	return `${lines.join('\n')}\n`;
}
