import {parseNodeSet} from '../nodeset/index.js';
import type {OutputReader} from '../store/output-log.js';
import {finalStatuses, taskKey, type RunState} from '../store/run-state.js';
import {selectGathered, selectGrid, type Grid} from '../store/selectors.js';
import type {UiState} from './ui-state.js';

/**
 * The run with its node list narrowed by the `/` filter: a node set (`node[2-3]`) when it parses, else
 * a substring of the name. The grid and the counts then only see those nodes.
 */
export function filterRun(state: RunState, filter: string): RunState {
	if (filter === '') {
		return state;
	}

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

/**
 * The grid for the run pane at `width`: the run narrowed by the filter, the label column sized to the
 * longest `step service`, and as many node columns as fit.
 */
export function runGrid(state: RunState, filter: string, width: number): {readonly grid: Grid; readonly filtered: RunState} {
	const filtered = filterRun(state, filter);
	const labelWidth = Math.min(24, Math.floor(width / 3), Math.max(0, ...filtered.steps.flatMap(step => step.services.map(service => `${step.index} ${service}`.length)))) + 1;
	return {grid: selectGrid(filtered, gridColumnsFor(width, labelWidth)), filtered};
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
export type RunPaneUi = Pick<UiState, 'cursor' | 'gridColumn' | 'selectedNode' | 'follow' | 'scroll' | 'gathered' | 'filter'>;

/**
 * Everything the run pane shows at its size, computed once per render: the grid, how its rows are
 * shared out, and the output lines with the window on them. The pane draws it; the key handler pages
 * the output by the same `output.visible` rows the pane shows.
 */
export type RunFrame = {
	/** Width inside the pane's left rule. */
	readonly inner: number;
	readonly grid: Grid;
	readonly filtered: RunState;
	readonly sizes: {readonly bars: number; readonly grid: number; readonly output: number};
	readonly output: {readonly title: string; readonly rows: readonly OutputRow[]; readonly visible: number; readonly shown: readonly OutputRow[]};
};

export function runFrame(state: RunState, output: OutputReader | undefined, ui: RunPaneUi, rect: {readonly width: number; readonly height: number; readonly ruleLeft: boolean}): RunFrame {
	const inner = rect.width - (rect.ruleLeft ? 1 : 0);
	const {grid, filtered} = runGrid(state, ui.filter, inner);
	const stepCount = new Set(state.steps.map(step => step.index)).size;
	const sizes = outputRowsFor(rect.height, stepCount, grid.rows.length);
	const gridRow = grid.rows[ui.cursor.run];
	let rows: OutputRow[];
	let title: string;
	if (ui.gathered && gridRow && output) {
		rows = gatheredRows(state, output, gridRow.step, gridRow.service);
		title = `gathered: step ${gridRow.step} ${gridRow.service}`;
	} else if (ui.selectedNode !== undefined && output) {
		rows = nodeOutputRows(state, output, ui.selectedNode);
		title = `output: ${ui.selectedNode}${ui.follow ? ' (follow)' : ` (scrolled ${ui.scroll})`}`;
	} else {
		rows = [{key: 'hint', text: output ? 'Enter: node under cursor | n: next failed | b: gathered output' : '', kind: 'hint'}];
		title = 'output';
	}

	const visible = Math.max(0, sizes.output);
	const end = Math.max(0, rows.length - (ui.follow ? 0 : ui.scroll));
	return {inner, grid, filtered, sizes, output: {title, rows, visible, shown: rows.slice(Math.max(0, end - visible), end)}};
}
