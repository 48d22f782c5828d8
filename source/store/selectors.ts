import type {Action} from '../plan/types.js';
import {foldNodes} from '../nodeset/index.js';
import type {OutputReader} from './output-log.js';
import {finalStatuses, shownStatus, taskKey, type NodeStatus, type RunState, type ShownStatus} from './run-state.js';

/** Display order of statuses: results first, worst results before milder ones, unfinished last. */
export const statusOrder: readonly ShownStatus[] = ['ok', 'service-running', 'service-stopped', 'service-failed', 'service-not-installed', 'failed', 'timed-out', 'skipped', 'unreachable', 'cancelled', 'running', 'connecting', 'pending'];

/** How bad a status is, for a folded grid cell that must show one: a problem anywhere shows. */
const severity: Readonly<Record<ShownStatus, number>> = {
	ok: 0,
	'service-running': 0,
	'service-stopped': 0.25,
	'service-not-installed': 0.5,
	'service-failed': 0.75,
	pending: 1,
	connecting: 2,
	running: 3,
	cancelled: 4,
	skipped: 5,
	unreachable: 6,
	'timed-out': 7,
	failed: 8,
};

export type StatusCounts = Readonly<Record<NodeStatus, number>>;

function zeroCounts(): Record<NodeStatus, number> {
	return {pending: 0, connecting: 0, running: 0, ok: 0, failed: 0, 'timed-out': 0, unreachable: 0, skipped: 0, cancelled: 0};
}

/** Tasks per status over the whole run (the reducer keeps the counts as tasks change). */
export function selectCounts(state: RunState): StatusCounts {
	return state.statusCounts;
}

export type StepProgress = {
	readonly step: number;
	readonly total: number;
	/** Tasks in a final status. */
	readonly done: number;
	readonly ok: number;
	/** Failed or timed out. */
	readonly failed: number;
	readonly skipped: number;
	readonly unreachable: number;
	readonly cancelled: number;
	readonly running: number;
	readonly elapsedMs: number;
	/** Linear estimate from the pace so far; undefined before the first task ends or once all have. */
	readonly etaMs?: number;
};

/** Progress of one step. `now` defaults to the last event's time, which keeps this pure. */
export function selectStepProgress(state: RunState, step: number, now = state.lastEventAt ?? 0): StepProgress {
	const counts = state.stepStatusCounts[step] ?? zeroCounts();

	const total = Object.values(counts).reduce((sum, value) => sum + value, 0);
	const done = [...finalStatuses].reduce((sum, status) => sum + counts[status], 0);
	const timing = state.stepTimes[step];
	const elapsedMs = timing?.startedAt === undefined ? 0 : Math.max(0, (timing.finishedAt ?? now) - timing.startedAt);
	const etaMs = done > 0 && done < total ? Math.round((elapsedMs / done) * (total - done)) : undefined;
	return {
		step,
		total,
		done,
		ok: counts.ok,
		failed: counts.failed + counts['timed-out'],
		skipped: counts.skipped,
		unreachable: counts.unreachable,
		cancelled: counts.cancelled,
		running: counts.running + counts.connecting,
		elapsedMs,
		...(etaMs === undefined ? {} : {etaMs}),
	};
}

/** Nodes that share a status (and reason) for one step and service. */
export type TaskGroup = {
	readonly status: ShownStatus;
	readonly reason?: string;
	readonly nodes: readonly string[];
	/** `nodes` folded: `node[1-3]`. */
	readonly nodeSet: string;
};

export type ServiceGroups = {
	readonly step: number;
	readonly action: Action;
	readonly service: string;
	readonly groups: readonly TaskGroup[];
};

/** Per step and service, its nodes grouped by status and reason, in `statusOrder`. */
export function selectTaskGroups(state: RunState): ServiceGroups[] {
	const result: ServiceGroups[] = [];
	for (const step of state.steps) {
		for (const service of step.services) {
			const byKey = new Map<string, {status: ShownStatus; reason?: string; nodes: string[]}>();
			for (const node of step.nodes) {
				const task = state.tasks.get(taskKey(step.index, service, node));
				if (!task) {
					continue;
				}

				// Reasons matter only for results that need explaining; `ok` nodes fold together whatever they said.
				// Unreachable nodes group by kind of failure: their messages name each node's own address.
				const reason = task.status === 'ok' ? undefined : task.reason;
				const status = shownStatus(task, step.action);
				const key = `${status}\u0000${task.connectFailure ?? reason ?? ''}`;
				let group = byKey.get(key);
				if (!group) {
					group = {status, ...(reason === undefined ? {} : {reason}), nodes: []};
					byKey.set(key, group);
				} else if (task.connectFailure && group.nodes.length === 1) {
					group.reason = `${task.connectFailure}, e.g. ${group.reason ?? ''}`;
				}

				group.nodes.push(node);
			}

			const groups = [...byKey.values()]
				.sort((a, b) => statusOrder.indexOf(a.status) - statusOrder.indexOf(b.status))
				.map(group => ({...group, nodeSet: foldNodes(group.nodes)}));
			result.push({step: step.index, action: step.action, service, groups});
		}
	}

	return result;
}

/** Nodes whose output and exit code were identical, as clubak -b gathers them. */
export type GatheredBlock = {
	readonly nodes: readonly string[];
	readonly nodeSet: string;
	readonly status: NodeStatus;
	readonly exitCode?: number | null;
	/** stdout and stderr interleaved in arrival order. */
	readonly lines: readonly string[];
	/** Earlier lines of this output that the per-node buffer did not keep (0 when it is whole). */
	readonly cut: number;
};

/**
 * Group the finished tasks of one step and service by (exit code, output). Tasks that never ran a command
 * (skipped, unreachable before connecting) have no output and are left out. Blocks come in the order of
 * their first node.
 */
export function selectGathered(state: RunState, output: OutputReader, step: number, service: string): GatheredBlock[] {
	const info = state.steps.find(candidate => candidate.index === step);
	if (!info) {
		return [];
	}

	const blocks = new Map<string, {nodes: string[]; status: NodeStatus; exitCode?: number | null; lines: string[]; cut: number}>();
	for (const node of info.nodes) {
		const task = state.tasks.get(taskKey(step, service, node));
		if (task?.command === undefined || !finalStatuses.has(task.status)) {
			continue;
		}

		const lines = output
			.lines(node)
			.filter(line => line.step === step && line.service === service)
			.map(line => line.text);
		const cut = Math.max(0, (output.received?.(node, step, service) ?? lines.length) - lines.length);
		const key = JSON.stringify([task.exitCode ?? null, task.status, cut, lines]);
		const block = blocks.get(key);
		if (block) {
			block.nodes.push(node);
		} else {
			blocks.set(key, {nodes: [node], status: task.status, ...(task.exitCode === undefined ? {} : {exitCode: task.exitCode}), lines, cut});
		}
	}

	return [...blocks.values()].map(block => ({...block, nodeSet: foldNodes(block.nodes)}));
}

export type GridColumn = {
	/** A node name, or a folded range of nodes when they do not all fit. */
	readonly label: string;
	readonly nodes: readonly string[];
};

export type GridCell = {
	/** The worst status among the column's nodes. */
	readonly status: ShownStatus;
	/** Nodes per status in this cell (one entry for a single-node column). */
	readonly counts: Partial<Record<ShownStatus, number>>;
};

export type GridRow = {
	readonly step: number;
	readonly service: string;
	/** One per column; undefined where the step does not touch any of the column's nodes. */
	readonly cells: ReadonlyArray<GridCell | undefined>;
};

export type Grid = {readonly columns: readonly GridColumn[]; readonly rows: readonly GridRow[]};

/**
 * Rows are step × service, columns are nodes. With more nodes than `columns`, neighbouring nodes share a
 * column labelled with their folded node set and count (`node[1-8] (8)`), and a cell shows the worst status.
 */
export function selectGrid(state: RunState, columns: number): Grid {
	const nodes = state.nodeOrder;
	const width = Math.max(1, Math.floor(columns));
	const perColumn = Math.ceil(nodes.length / width) || 1;
	const gridColumns: GridColumn[] = [];
	for (let start = 0; start < nodes.length; start += perColumn) {
		const chunk = nodes.slice(start, start + perColumn);
		gridColumns.push({label: chunk.length === 1 ? (chunk[0] ?? '') : `${foldNodes(chunk)} (${chunk.length})`, nodes: chunk});
	}

	const rows: GridRow[] = [];
	for (const step of state.steps) {
		for (const service of step.services) {
			const cells = gridColumns.map(column => {
				const counts: Partial<Record<ShownStatus, number>> = {};
				let worst: ShownStatus | undefined;
				for (const node of column.nodes) {
					const task = state.tasks.get(taskKey(step.index, service, node));
					if (!task) {
						continue;
					}

					const status = shownStatus(task, step.action);
					counts[status] = (counts[status] ?? 0) + 1;
					if (worst === undefined || severity[status] > severity[worst]) {
						worst = status;
					}
				}

				return worst === undefined ? undefined : {status: worst, counts};
			});
			rows.push({step: step.index, service, cells});
		}
	}

	return {columns: gridColumns, rows};
}
