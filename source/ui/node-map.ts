import {contiguousNodes, NodeSetBase, singleNodes} from '../nodeset/index.js';
import {statusLabel} from '../report/text.js';
import {outcomeSeverity, shownStatus, worse, type RunState, type ShownStatus} from '../store/run-state.js';

/**
 * The node map (issue 11): the whole cluster in the run pane at once. Each node's outcome is the worst
 * status of its tasks; the map draws one cell per node where they fit and one cell per run of
 * neighbouring nodes where they do not (the worst outcome among them wins), and the outcomes are
 * listed with their node sets folded as the headless report folds them (`FAIL node[12,407-409] (4)`).
 * Pure: the pane draws what these functions return, and key dispatch moves by the same numbers.
 */

export {outcomeSeverity, worse} from '../store/run-state.js';

/** Each node's outcome, by name: the store's table (RunState.nodeOutcomes), or a filtered view of it. */
export type NodeOutcomes = {get(node: string): ShownStatus | undefined};

/**
 * Each node's outcome: the worst shown status of its tasks, which the store keeps as they change. Nodes with
 * no task have none, and so do nodes a filter left out of `state.nodeOrder`.
 */
export function nodeOutcomes(state: RunState): NodeOutcomes {
	const table = state.nodeOutcomes;
	if (state.nodeOrder.length === table.size) {
		return table;
	}

	const shown = new Set(state.nodeOrder);
	return {
		get: node => (shown.has(node) ? table.get(node) : undefined),
	};
}

/**
 * `nodeOutcomes` and `outcomeGroups` of a run state, computed once per state. The store makes a new state
 * per flush; a key press (help, cursor, drill) draws the same state again, and at 5,000 nodes these two were
 * most of the run pane's own work in every frame.
 */
export function runOutcomes(state: RunState): {readonly outcomes: NodeOutcomes; readonly groups: readonly OutcomeGroup[]} {
	let known = outcomesByState.get(state);
	if (known === undefined) {
		const outcomes = nodeOutcomes(state);
		known = {outcomes, groups: outcomeGroups(state.nodeOrder, outcomes)};
		outcomesByState.set(state, known);
	}

	return known;
}

const outcomesByState = new WeakMap<RunState, {readonly outcomes: NodeOutcomes; readonly groups: readonly OutcomeGroup[]}>();

/** The nodes that share an outcome, in the run's node order. */
export type OutcomeGroup = {readonly status: ShownStatus; readonly nodes: readonly string[]};

/** The outcomes present, worst first (what needs action on top). */
export function outcomeGroups(nodes: readonly string[], outcomes: NodeOutcomes): OutcomeGroup[] {
	const byStatus = new Map<ShownStatus, string[]>();
	for (const node of nodes) {
		const status = outcomes.get(node);
		if (status !== undefined) {
			const group = byStatus.get(status);
			if (group === undefined) {
				byStatus.set(status, [node]);
			} else {
				group.push(node);
			}
		}
	}

	return [...byStatus]
		.map(([status, members]) => ({status, nodes: members}))
		.sort((a, b) => outcomeSeverity[b.status] - outcomeSeverity[a.status]);
}

/** Code points in `text` (what `[...text].length` says, without an array per call: the search below calls it often). */
function textWidth(text: string): number {
	let width = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		// A high surrogate followed by a low one is one code point.
		if (code >= 0xd8_00 && code <= 0xdb_ff && index + 1 < text.length) {
			const next = text.charCodeAt(index + 1);
			if (next >= 0xdc_00 && next <= 0xdf_ff) index++;
		}

		width++;
	}

	return width;
}

/**
 * `nodes` folded into a node set of at most `width` characters, never cut inside it: the whole set
 * (`node[1-3,7]`); else as many whole ranges as fit, in node-set order, and how many nodes are left
 * (`node[1-3] +1 more`); else only the count (`4 nodes`).
 */
export function fitNodeSet(nodes: readonly string[], width: number): string {
	if (nodes.length === 0) {
		return '';
	}

	const set = singleNodes(nodes);
	// Each part takes at least a character and a separator, so no more than `width` of them can fit: the
	// rest are not built (a group of 2,500 scattered nodes would be 2,500 parts, on every frame).
	const parts = contiguousNodes(set, undefined, Math.max(1, Math.floor(width)) + 1);
	// Nor can the whole set when its parts alone need more room: then it is not folded (2,500 scattered
	// nodes fold to a string of 20,000 characters, for nothing, on every frame of a streaming run).
	if (2 * parts.length - 1 <= width) {
		const whole = set.fold(undefined);
		if (textWidth(whole) <= width) {
			return whole;
		}
	}

	const prefix = (count: number): {text: string; size: number} => {
		const union = new NodeSetBase();
		for (const part of parts.slice(0, count)) {
			union.update(part);
		}

		return {text: union.fold(undefined), size: union.size};
	};

	const shortened = (count: number): string => {
		const {text, size} = prefix(count);
		return `${text} +${set.size - size} more`;
	};

	// The folded prefix only grows with more ranges: search for the longest one that fits.
	let low = 0;
	let high = parts.length - 1;
	while (low < high) {
		const middle = Math.ceil((low + high) / 2);
		if (textWidth(shortened(middle)) <= width) {
			low = middle;
		} else {
			high = middle - 1;
		}
	}

	if (low > 0) {
		return shortened(low);
	}

	return `${set.size} node${set.size === 1 ? '' : 's'}`;
}

/**
 * An outcome's tag: the headless report's (`FAIL`, `UNREACHABLE`, `OK`), except for the unfinished, which
 * the report (written at the end) folds into one `PENDING` and a live map tells apart.
 */
export function outcomeLabel(status: ShownStatus): string {
	return status === 'running' ? 'IN-PROGRESS' : status === 'connecting' ? 'CONNECTING' : statusLabel(status).text;
}

/**
 * An outcome's line as the headless report writes it, fitted to `width` without cutting its node set:
 * `FAIL node[12,407-409] (4)`, or `FAIL node[12,407] +2 more (4)`.
 */
export function outcomeText(group: OutcomeGroup, width: number): string {
	// Folding thousands of names is most of a frame's own work; a key press draws the same groups again.
	const known = outcomeTexts.get(group);
	if (known?.width === width) {
		return known.text;
	}

	const text = foldOutcome(group, width);
	outcomeTexts.set(group, {width, text});
	return text;
}

const outcomeTexts = new WeakMap<OutcomeGroup, {readonly width: number; readonly text: string}>();

function foldOutcome(group: OutcomeGroup, width: number): string {
	const label = outcomeLabel(group.status);
	const count = ` (${group.nodes.length})`;
	return `${label} ${fitNodeSet(group.nodes, width - textWidth(label) - 1 - count.length)}${count}`;
}

/** One map cell: a node, or a run of neighbouring nodes, and its (worst) outcome; undefined while none of them has a task. */
export type MapCell = {readonly nodes: readonly string[]; readonly status: ShownStatus | undefined};

export type NodeMapLayout = {
	readonly cells: readonly MapCell[];
	/** Nodes each cell stands for (the last one may hold fewer). */
	readonly perCell: number;
	/** Cells across, and rows of cells. */
	readonly columns: number;
	readonly rows: number;
};

/**
 * Lay `nodes` out in at most `width` × `rows` cells, one per node when they fit, else `perCell`
 * neighbouring nodes per cell: the fewest per cell with which every node is on the map.
 */
export function layoutNodeMap(nodes: readonly string[], outcomes: NodeOutcomes, width: number, rows: number): NodeMapLayout {
	const room = Math.max(1, Math.floor(width)) * Math.max(1, Math.floor(rows));
	const perCell = Math.max(1, Math.ceil(nodes.length / room));
	const cells: MapCell[] = [];
	for (let start = 0; start < nodes.length; start += perCell) {
		const members = nodes.slice(start, start + perCell);
		let status: ShownStatus | undefined;
		for (const node of members) {
			const outcome = outcomes.get(node);
			if (outcome !== undefined) {
				status = status === undefined ? outcome : worse(status, outcome);
			}
		}

		cells.push({nodes: members, status});
	}

	const columns = Math.max(1, Math.min(Math.floor(width), cells.length));
	return {cells, perCell, columns, rows: Math.ceil(cells.length / columns)};
}

/** A run of neighbouring cells of one row that draw alike; `cursor` marks the cell under the map cursor. */
export type MapSegment = {readonly status: ShownStatus | undefined; readonly length: number; readonly cursor: boolean};

/** The map's rows as segments of alike cells (a 5,000-cell map draws as a few dozen `<Text>`s). */
export function mapRows(layout: NodeMapLayout, cursor: number | undefined): MapSegment[][] {
	const rows: MapSegment[][] = [];
	for (let row = 0; row < layout.rows; row++) {
		const segments: MapSegment[] = [];
		const end = Math.min(layout.cells.length, (row + 1) * layout.columns);
		for (let index = row * layout.columns; index < end; index++) {
			const status = layout.cells[index]?.status;
			const isCursor = index === cursor;
			const last = segments.at(-1);
			if (last !== undefined && last.status === status && !last.cursor && !isCursor) {
				segments[segments.length - 1] = {...last, length: last.length + 1};
			} else {
				segments.push({status, length: 1, cursor: isCursor});
			}
		}

		rows.push(segments);
	}

	return rows;
}

/** The outcomes in the map, worst first, for its legend. */
export function legendStatuses(layout: NodeMapLayout): ShownStatus[] {
	const present = new Set<ShownStatus>();
	for (const cell of layout.cells) {
		if (cell.status !== undefined) {
			present.add(cell.status);
		}
	}

	return [...present].sort((a, b) => outcomeSeverity[b] - outcomeSeverity[a]);
}

/** What the legend says a cell stands for. */
export function cellScale(layout: NodeMapLayout): string {
	return layout.perCell === 1 ? '1 cell = 1 node' : `1 cell = ${layout.perCell} nodes`;
}

/**
 * The next cell after `from` (wrapping; from the start when undefined), in direction `delta`, holding
 * a node whose outcome is `status`; undefined when none does.
 */
export function nextCellWith(layout: NodeMapLayout, outcomes: NodeOutcomes, from: number | undefined, delta: 1 | -1, matches: (status: ShownStatus) => boolean): number | undefined {
	const count = layout.cells.length;
	const start = from ?? (delta === 1 ? -1 : count);
	for (let step = 1; step <= count; step++) {
		const index = (((start + delta * step) % count) + count) % count;
		const cell = layout.cells[index];
		if (cell?.nodes.some(node => {
			const outcome = outcomes.get(node);
			return outcome !== undefined && matches(outcome);
		})) {
			return index;
		}
	}

	return undefined;
}

/** A failed or timed-out outcome: what `n` walks to. */
export const isFailure = (status: ShownStatus): boolean => status === 'failed' || status === 'timed-out';

/** A line of a drilled-into node list: the node, its outcome, and the task that gave it. */
export type DrillRow = {readonly node: string; readonly status: ShownStatus | undefined; readonly text: string};

/**
 * Why a node has its outcome: the first task (in task order) that ended so, as `step service status
 * exit N: reason`, or `N tasks ok` for a node that did everything.
 */
export function nodeDetail(state: RunState, node: string, outcome: ShownStatus | undefined): string {
	if (outcome === undefined) {
		return 'no task';
	}

	const actions = new Map(state.steps.map(step => [step.index, step.action]));
	const keys = state.taskKeysByNode.get(node) ?? [];
	if (outcome === 'ok') {
		return `${keys.length} task${keys.length === 1 ? '' : 's'} ok`;
	}

	for (const key of keys) {
		const task = state.tasks.get(key);
		const action = task === undefined ? undefined : actions.get(task.step);
		if (task !== undefined && action !== undefined && shownStatus(task, action) === outcome) {
			const exit = task.exitCode === undefined || task.exitCode === null ? '' : ` exit ${task.exitCode}`;
			return `${task.step} ${task.service} ${outcomeLabel(outcome)}${exit}${task.reason ? `: ${task.reason}` : ''}`;
		}
	}

	return outcomeLabel(outcome);
}

/** Rows `first` to `first + count` of a node list, with each node's detail (only the rows drawn are computed). */
export function drillRows(state: RunState, outcomes: NodeOutcomes, nodes: readonly string[], first: number, count: number): DrillRow[] {
	const shown = nodes.slice(first, first + count);
	const nameWidth = Math.max(0, ...shown.map(node => textWidth(node)));
	return shown.map(node => {
		const status = outcomes.get(node);
		return {node, status, text: `${node.padEnd(nameWidth)}  ${nodeDetail(state, node, status)}`};
	});
}
