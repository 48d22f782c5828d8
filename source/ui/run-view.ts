import {foldNodes, parseNodeSet} from '../nodeset/index.js';
import type {OutputReader} from '../store/output-log.js';
import {finalStatuses, taskKey, type RunState, type ShownStatus} from '../store/run-state.js';
import {selectGathered, selectGrid, type Grid} from '../store/selectors.js';
import {windowStart} from './list-window.js';
import {
	cellScale,
	drillRows,
	fitNodeSet,
	layoutNodeMap,
	legendStatuses,
	mapRows,
	runOutcomes,
	outcomeLabel,
	outcomeText,
	type DrillRow,
	type MapSegment,
	type NodeMapLayout,
	type NodeOutcomes,
	type OutcomeGroup,
} from './node-map.js';
import type {RunDrill} from './node-map-ui.js';
import type {UiState} from './ui-state.js';

/**
 * The run with its node list narrowed by the `/` filter: a node set (`node[2-3]`) when it parses, else
 * a substring of the name. The grid and the counts then only see those nodes.
 */
export function filterRun(state: RunState, filter: string): RunState {
	if (filter === '') {
		return state;
	}

	// A key press draws the same run again: the same filtered state, so the outcomes cached on it are found.
	if (lastFilter?.state === state && lastFilter.filter === filter) {
		return lastFilter.filtered;
	}

	const filtered = filterNodes(state, filter);
	lastFilter = {state, filter, filtered};
	return filtered;
}

/** The last run state filtered, and the result. */
let lastFilter: {readonly state: RunState; readonly filter: string; readonly filtered: RunState} | undefined;

function filterNodes(state: RunState, filter: string): RunState {
	let matches: (node: string) => boolean;
	try {
		const set = parseNodeSet(filter);
		matches = node => set.has(node) || node.includes(filter);
	} catch {
		matches = node => node.includes(filter);
	}

	return {...state, nodeOrder: state.nodeOrder.filter(node => matches(node))};
}

/** Room a grid column needs: `node123 ` or `✗ 12 FAIL `. */
const columnWidth = 11;

/** How many node columns to ask `selectGrid` for in `width` columns; beyond it, nodes fold into ranges. */
export function gridColumnsFor(width: number, labelWidth: number): number {
	return Math.max(1, Math.floor((width - labelWidth) / columnWidth));
}

/** Nodes of the grid column under the cursor. */
export function columnNodes(grid: Grid, column: number): readonly string[] {
	return grid.columns[Math.min(column, grid.columns.length - 1)]?.nodes ?? [];
}

const problem = new Set(['failed', 'timed-out', 'unreachable', 'skipped']);

/**
 * The node a cell stands for when Enter is pressed: the node itself, or in a folded column the first
 * node whose task there went wrong (that is the output worth reading), else the first node.
 */
export function nodeAt(state: RunState, grid: Grid, row: number, column: number): string | undefined {
	const nodes = columnNodes(grid, column);
	const gridRow = grid.rows[row];
	if (gridRow) {
		const bad = nodes.find(node => problem.has(state.tasks.get(taskKey(gridRow.step, gridRow.service, node))?.status ?? ''));
		if (bad !== undefined) {
			return bad;
		}
	}

	return nodes[0];
}

/** The next cell after (row, column), reading row by row and wrapping, whose task failed or timed out. */
export function nextFailed(state: RunState, grid: Grid, row: number, column: number): {row: number; column: number; node: string} | undefined {
	const width = grid.columns.length;
	const cells = grid.rows.length * width;
	for (let step = 1; step <= cells; step++) {
		const position = (row * width + column + step) % cells;
		const r = Math.floor(position / width);
		const c = position % width;
		const gridRow = grid.rows[r];
		if (!gridRow) {
			continue;
		}

		const node = columnNodes(grid, c).find(name => {
			const status = state.tasks.get(taskKey(gridRow.step, gridRow.service, name))?.status;
			return status === 'failed' || status === 'timed-out';
		});
		if (node !== undefined) {
			return {row: r, column: c, node};
		}
	}

	return undefined;
}

/** A line of the output area. */
export type OutputRow = {readonly key: string; readonly text: string; readonly kind: 'title' | 'stdout' | 'stderr' | 'hint'};

/** One node's output, every task of it, each line tagged `[step service]`; then what its tasks ended as. */
export function nodeOutputRows(state: RunState, output: OutputReader, node: string): OutputRow[] {
	const rows: OutputRow[] = [];
	const dropped = output.dropped(node);
	if (dropped > 0) {
		rows.push({key: 'dropped', text: `(${dropped} earlier lines dropped)`, kind: 'hint'});
	}

	for (const [position, line] of output.lines(node).entries()) {
		rows.push({key: `l${position}`, text: `[${line.step} ${line.service}] ${line.text}`, kind: line.stream});
	}

	for (const key of state.taskOrder) {
		const task = state.tasks.get(key);
		if (task?.node === node && finalStatuses.has(task.status) && task.status !== 'ok') {
			const exit = task.exitCode === undefined || task.exitCode === null ? '' : ` exit ${task.exitCode}`;
			rows.push({key: `t${key}`, text: `[${task.step} ${task.service}] ${task.status}${exit}${task.reason ? `: ${task.reason}` : ''}`, kind: 'title'});
		}
	}

	if (rows.length === 0) {
		rows.push({key: 'none', text: 'no output yet', kind: 'hint'});
	}

	return rows;
}

/** The gathered output (clubak -b) of one step and service: a title per node set, then its lines. */
export function gatheredRows(state: RunState, output: OutputReader, step: number, service: string): OutputRow[] {
	const rows: OutputRow[] = [];
	for (const [index, block] of selectGathered(state, output, step, service).entries()) {
		const exit = block.exitCode === undefined || block.exitCode === null ? '' : ` exit ${block.exitCode}`;
		rows.push({key: `b${index}`, text: `${block.nodeSet} (${block.nodes.length}) ${block.status}${exit}`, kind: 'title'});
		for (const [position, line] of block.lines.entries()) {
			rows.push({key: `b${index}l${position}`, text: `  ${line}`, kind: 'stdout'});
		}
	}

	if (rows.length === 0) {
		rows.push({key: 'none', text: `step ${step} ${service}: no finished command yet`, kind: 'hint'});
	}

	return rows;
}

/** The label column's width for the grid: the longest `step service`, at most 24 and a third of the width, and a space. */
function gridLabelWidth(state: RunState, width: number): number {
	return Math.min(24, Math.floor(width / 3), Math.max(0, ...state.steps.flatMap(step => step.services.map(service => `${step.index} ${service}`.length)))) + 1;
}

/**
 * How many grid columns fit in `width` with every header whole: from what `gridColumnsFor` allows,
 * fewer while the folded headers (`node[61-120] (60)`) do not fit side by side. A header is never cut
 * inside its node set (issue 11).
 */
export function fittingColumns(nodes: readonly string[], width: number, labelWidth: number): number {
	let columns = Math.min(Math.max(1, nodes.length), gridColumnsFor(width, labelWidth));
	while (columns > 1) {
		const perColumn = Math.ceil(nodes.length / columns);
		let used = labelWidth + 1;
		for (let start = 0; start < nodes.length && used <= width; start += perColumn) {
			const chunk = nodes.slice(start, start + perColumn);
			used += (chunk.length === 1 ? [...(chunk[0] ?? '')].length : [...`${foldNodes(chunk)} (${chunk.length})`].length) + 1;
		}

		if (used <= width) {
			break;
		}

		columns = Math.min(columns - 1, Math.ceil(nodes.length / (perColumn + 1)));
	}

	return columns;
}

/**
 * The grid for the run pane at `width`: the run narrowed by the filter, the label column sized to the
 * longest `step service`, and as many node columns as fit with whole headers.
 */
export function runGrid(state: RunState, filter: string, width: number): {readonly grid: Grid; readonly filtered: RunState} {
	const filtered = filterRun(state, filter);
	return {grid: selectGrid(filtered, fittingColumns(filtered.nodeOrder, width, gridLabelWidth(filtered, width))), filtered};
}

/** Rows the output area gets: what is left after bars, counter and grid, at least 3. */
export function outputRowsFor(height: number, stepCount: number, gridRows: number): {bars: number; grid: number; output: number} {
	const body = Math.max(0, height - 1);
	const bars = Math.min(stepCount, Math.max(1, Math.floor(body / 4)));
	const rest = Math.max(0, body - bars - 1);
	const grid = Math.min(gridRows + 1, Math.max(2, Math.floor(rest / 2)));
	return {bars, grid, output: Math.max(0, rest - grid - 1)};
}

/** The parts of UiState the run pane reads. */
export type RunPaneUi = Pick<UiState, 'cursor' | 'gridColumn' | 'selectedNode' | 'follow' | 'scroll' | 'gathered' | 'filter' | 'nodeMap'>;

/** The outcome lines: every outcome's nodes, and the window of them shown. */
export type OutcomeLines = {
	readonly groups: readonly OutcomeGroup[];
	/** `FAIL node[12,407-409] (4)` for the groups shown (from `first`), fitted to the width after the glyph. */
	readonly shown: ReadonlyArray<{readonly status: ShownStatus; readonly text: string; readonly index: number}>;
	readonly first: number;
};

/** The node map part of the run frame (map view). */
export type RunMapFrame = {
	readonly outcomes: NodeOutcomes;
	readonly layout: NodeMapLayout;
	readonly rows: readonly (readonly MapSegment[])[];
	/** Each map row's first node, drawn left of it so a cell can be found by name; empty when too narrow. */
	readonly labels: readonly string[];
	/** Columns of the row labels, their space included (0 without labels). */
	readonly labelWidth: number;
	readonly legend: {readonly statuses: readonly ShownStatus[]; readonly scale: string};
	/** The map cursor's cell, kept within the map; undefined while the cursor is on the outcome lines. */
	readonly cell: number | undefined;
	/** A node list shown in place of the map. */
	readonly drill?: {readonly title: string; readonly nodes: readonly string[]; readonly rows: readonly DrillRow[]; readonly first: number};
};

/**
 * Everything the run pane shows at its size, computed once per render: the grid or the node map, the
 * outcome lines, how its rows are shared out, and the output lines with the window on them. The pane
 * draws it; the key handler moves and pages by the same numbers.
 */
export type RunFrame = {
	/** Width inside the pane's left rule. */
	readonly inner: number;
	/** `map` when nodes do not all get a grid column of their own (or `v` asked for it). */
	readonly view: 'map' | 'grid';
	/** The grid (grid view only; empty in the map view, which does not need it). */
	readonly grid: Grid;
	readonly filtered: RunState;
	/**
	 * Rows of each part. `header` is left at the top for a rollout header (steer); `outcomes` the outcome
	 * lines; `grid` the grid or, in the map view, the legend (or the node list's title) and the map.
	 */
	readonly sizes: {readonly header: number; readonly bars: number; readonly outcomes: number; readonly grid: number; readonly output: number};
	readonly outcomeLines: OutcomeLines;
	readonly map?: RunMapFrame;
	/** Rows j/k move over: the grid's rows, the outcome lines, or the drilled node list. */
	readonly listLength: number;
	readonly output: {readonly title: string; readonly rows: readonly OutputRow[]; readonly visible: number; readonly shown: readonly OutputRow[]};
};

/** Columns an outcome line or a list row starts with: the cursor's pointer (or a space), the glyph, a space. */
export const glyphColumns = 3;

/** The run pane's rectangle, and rows kept free at its top for a header another part draws (steer's rollout header). */
export type RunRect = {readonly width: number; readonly height: number; readonly ruleLeft: boolean; readonly headerRows?: number};

export function runFrame(state: RunState, output: OutputReader | undefined, ui: RunPaneUi, rect: RunRect): RunFrame {
	const inner = rect.width - (rect.ruleLeft ? 1 : 0);
	const header = Math.max(0, rect.headerRows ?? 0);
	const filtered = filterRun(state, ui.filter);
	const labelWidth = gridLabelWidth(filtered, inner);
	const fitsGrid = filtered.nodeOrder.length <= gridColumnsFor(inner, labelWidth);
	const view = ui.nodeMap.view === 'auto' ? (fitsGrid ? 'grid' : 'map') : ui.nodeMap.view;
	const {outcomes, groups} = runOutcomes(filtered);
	const stepCount = new Set(state.steps.map(step => step.index)).size;
	const body = Math.max(0, rect.height - 1 - header);
	// The grid already shows each node's status: the outcome lines come with the map, which folds them.
	const outcomeRows = view === 'map' ? Math.min(groups.length, Math.max(1, Math.floor(body / 5))) : 0;
	const outcomeCursor = view === 'map' && ui.nodeMap.drill === undefined && ui.nodeMap.cell === undefined ? ui.cursor.run : undefined;
	const outcomeFirst = windowStart(outcomeCursor ?? 0, outcomeRows, groups.length);
	const outcomeLines: OutcomeLines = {
		groups,
		first: outcomeFirst,
		shown: groups.slice(outcomeFirst, outcomeFirst + outcomeRows).map((group, offset) => ({status: group.status, text: outcomeText(group, inner - glyphColumns), index: outcomeFirst + offset})),
	};

	let grid: Grid = {columns: [], rows: []};
	let sizes: RunFrame['sizes'];
	let map: RunMapFrame | undefined;
	let listLength: number;
	if (view === 'grid') {
		grid = selectGrid(filtered, fittingColumns(filtered.nodeOrder, inner, labelWidth));
		const shared = outputRowsFor(rect.height - header - outcomeRows, stepCount, grid.rows.length);
		sizes = {header, ...shared, outcomes: outcomeRows};
		listLength = grid.rows.length;
	} else {
		const bars = Math.min(stepCount, Math.max(1, Math.floor(body / 10)));
		const rest = Math.max(0, body - bars - 1 - outcomeRows);
		const outputBlock = Math.min(rest, Math.max(4, Math.floor(rest / 3)));
		const mapArea = Math.max(0, rest - outputBlock);
		// Each row starts with its first node's name, when that leaves most of the width to the cells.
		const longest = filtered.nodeOrder.reduce((most, node) => Math.max(most, node.length), 0);
		const labelWidth = longest + 1 <= Math.floor(inner / 5) ? longest + 1 : 0;
		const layout = layoutNodeMap(filtered.nodeOrder, outcomes, inner - labelWidth, Math.max(1, mapArea - 1));
		const cell = ui.nodeMap.cell === undefined || layout.cells.length === 0 ? undefined : Math.min(ui.nodeMap.cell, layout.cells.length - 1);
		const drill = ui.nodeMap.drill === undefined ? undefined : drillFrame(filtered, outcomes, ui.nodeMap.drill, ui.cursor.run, inner, Math.max(0, mapArea - 1));
		const grid = drill === undefined ? Math.min(mapArea, layout.rows + 1) : mapArea;
		sizes = {header, bars, outcomes: outcomeRows, grid, output: Math.max(0, rest - grid - 1)};
		const rows = drill === undefined ? mapRows(layout, cell) : [];
		const labels = labelWidth === 0 ? [] : rows.map((_, row) => layout.cells[row * layout.columns]?.nodes[0] ?? '');
		map = {outcomes, layout, rows, labels, labelWidth, legend: {statuses: legendStatuses(layout), scale: cellScale(layout)}, cell, ...(drill === undefined ? {} : {drill})};
		listLength = drill === undefined ? groups.length : drill.nodes.length;
	}

	const gridRow = grid.rows[ui.cursor.run];
	let rows: OutputRow[];
	let title: string;
	if (ui.gathered && gridRow && output) {
		rows = gatheredRows(state, output, gridRow.step, gridRow.service);
		title = `gathered: step ${gridRow.step} ${gridRow.service}`;
	} else if (ui.selectedNode !== undefined && output) {
		rows = nodeOutputRows(state, output, ui.selectedNode);
		title = `output: ${ui.selectedNode}${ui.follow ? ' (follow)' : ` (scrolled ${ui.scroll})`}`;
	} else if (map?.cell !== undefined && map.drill === undefined) {
		const cell = map.layout.cells[map.cell];
		const nodes = cell?.nodes ?? [];
		const worst = cell?.status === undefined ? 'no task yet' : outcomeLabel(cell.status);
		title = nodes.length === 1 ? `${nodes[0] ?? ''} ${worst}` : `${fitNodeSet(nodes, Math.max(8, inner - 40))} (${nodes.length}) worst ${worst}`;
		rows = [{key: 'hint', text: nodes.length === 1 ? 'Enter: its output | arrows: move | Esc: back' : 'Enter: list these nodes | arrows: move | Esc: back', kind: 'hint'}];
	} else {
		const hint =
			view === 'grid'
				? 'Enter: node under cursor | n: next failed | b: gathered output'
				: map?.drill === undefined
					? 'Enter: nodes of the outcome | arrows: map | n: next failed | v: grid'
					: 'Enter: the node\'s output | n: next failed | Esc: back';
		rows = [{key: 'hint', text: output ? hint : '', kind: 'hint'}];
		title = 'output';
	}

	const visible = Math.max(0, sizes.output);
	const end = Math.max(0, rows.length - (ui.follow ? 0 : ui.scroll));
	return {inner, view, grid, filtered, sizes, outcomeLines, ...(map === undefined ? {} : {map}), listLength, output: {title, rows, visible, shown: rows.slice(Math.max(0, end - visible), end)}};
}

/** The node list drilled into, windowed on the run cursor: its title and the rows drawn. */
function drillFrame(state: RunState, outcomes: NodeOutcomes, drill: RunDrill, cursor: number, width: number, visible: number): NonNullable<RunMapFrame['drill']> {
	const nodes = drill.kind === 'outcome' ? state.nodeOrder.filter(node => outcomes.get(node) === drill.status) : drill.nodes;
	const first = windowStart(cursor, visible, nodes.length);
	const back = ' | Enter: output | Esc: back';
	const title =
		drill.kind === 'outcome'
			? outcomeText({status: drill.status, nodes}, width - back.length) + back
			: `${fitNodeSet(nodes, width - back.length - ` (${nodes.length})`.length)} (${nodes.length})${back}`;
	return {title, nodes, rows: drillRows(state, outcomes, nodes, first, visible), first};
}
