import {beforeAll, describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {reduceRun} from '../../source/store/reduce-run.js';
import {initialRunState, type RunState} from '../../source/store/run-state.js';
import {createRunStore} from '../../source/store/run-store.js';
import {selectGrid} from '../../source/store/selectors.js';
import {initialNodeMapUi, type NodeMapUi} from '../../source/ui/node-map-ui.js';
import {
	columnNodes,
	filterRun,
	fittingColumns,
	gatheredRows,
	gridColumnsFor,
	nextFailed,
	nodeAt,
	nodeOutputRows,
	outputRowsFor,
	runFrame,
	runGrid,
	type RunPaneUi,
} from '../../source/ui/run-view.js';
import {initialUiState} from '../../source/ui/ui-state.js';
import {eventBuilder, step} from '../helpers/events.js';

function build(events: readonly ExecutorEvent[]): RunState {
	return events.reduce(reduceRun, initialRunState);
}

const nodes = ['n1', 'n2', 'n3', 'n4'];

/** n1 ok, n2 failed, n3 timed out, n4 unreachable, on one row. */
function run(): RunState {
	const ev = eventBuilder();
	return build([
		ev.runStarted([step(1, 'restart', ['web'], nodes)]),
		ev.stepStarted(1, nodes),
		ev.exited('n1', 1, 'web', 0),
		ev.exited('n2', 1, 'web', 1),
		ev.timedOut('n3', 1, 'web'),
		ev.unreachable('n4'),
	]);
}

describe('nextFailed: n walks the failed and timed-out cells', () => {
	const state = run();
	const grid = selectGrid(state, 10);
	it.each([
		// from (row, column) → the next cell whose task failed or timed out, wrapping round
		[0, 0, 'n2', 1],
		[0, 1, 'n3', 2],
		[0, 2, 'n2', 1],
		[0, 3, 'n2', 1],
	])('from column %i,%i goes to %s', (row, column, node, toColumn) => {
		expect(nextFailed(state, grid, row, column)).toEqual({row: 0, column: toColumn, node});
	});

	it('finds nothing when nothing failed', () => {
		const ev = eventBuilder();
		const ok = build([ev.runStarted([step(1, 'start', ['web'], ['n1'])]), ev.exited('n1', 1, 'web', 0)]);
		expect(nextFailed(ok, selectGrid(ok, 10), 0, 0)).toBeUndefined();
	});
});

describe('nodeAt', () => {
	it('in a folded column, picks the first node whose task went wrong', () => {
		const state = run();
		const grid = selectGrid(state, 1);
		expect(nodeAt(state, grid, 0, 0)).toBe('n2');
	});
});

const names = (count: number): string[] => Array.from({length: count}, (_, index) => `node${index + 1}`);

const built = new Map<string, ReturnType<typeof buildRun>>();

/** A finished run on `count` nodes, `steps` steps: every 50th node (from node3) failed, node[40-44] unreachable, output from node[1-50]. Built once per test file. */
function bigRun(count: number, steps = 1): ReturnType<typeof buildRun> {
	const key = `${count}/${steps}`;
	const run = built.get(key) ?? buildRun(count, steps);
	built.set(key, run);
	return run;
}

function buildRun(count: number, steps: number) {
	const ev = eventBuilder();
	const nodes = names(count);
	const store = createRunStore({flushMs: 0});
	const infos = Array.from({length: steps}, (_, index) => step(index + 1, 'restart', ['web'], nodes));
	store.apply(ev.runStarted(infos));
	for (const info of infos) {
		store.apply(ev.stepStarted(info.index, nodes));
		for (const [index, node] of nodes.entries()) {
			if (index >= 39 && index < 44) {
				store.apply(ev.unreachable(node, 'refused', `${node}: refused`));
			} else {
				store.apply(ev.started(node, info.index, 'web'));
				// Output from the first nodes only: the tests read those, and 5,000 nodes build faster without.
				if (index < 50) {
					store.apply(ev.output(node, info.index, 'web', [`hello from ${node}`]));
				}

				store.apply(ev.exited(node, info.index, 'web', index % 50 === 2 ? 1 : 0));
			}
		}
	}

	store.flush();
	return {state: store.getSnapshot(), output: store.output};
}

const ui = (patch: Partial<RunPaneUi> = {}, map: Partial<NodeMapUi> = {}): RunPaneUi => ({...initialUiState, ...patch, nodeMap: {...initialNodeMapUi, ...map}});

describe('the run frame', () => {
	// 5,000 nodes take a while to build on a loaded machine: once, outside the tests' own time limit.
	beforeAll(() => {
		bigRun(5000);
	}, 120_000);

	it('shows the grid while every node has a column, the map beyond', () => {
		const small = bigRun(6);
		expect(runFrame(small.state, small.output, ui(), {width: 80, height: 23, ruleLeft: false}).view).toBe('grid');
		const big = bigRun(300);
		const frame = runFrame(big.state, big.output, ui(), {width: 80, height: 21, ruleLeft: false});
		expect(frame.view).toBe('map');
		expect(frame.grid).toEqual({columns: [], rows: []});
		// v picks either view whatever the count.
		expect(runFrame(big.state, big.output, ui({}, {view: 'grid'}), {width: 80, height: 21, ruleLeft: false}).view).toBe('grid');
		expect(runFrame(small.state, small.output, ui({}, {view: 'map'}), {width: 80, height: 23, ruleLeft: false}).view).toBe('map');
	});

	it('at 80×24 (21 rows, stacked) shares the rows: bar, counter, outcome lines, legend and map, output', () => {
		const {state, output} = bigRun(5000);
		const frame = runFrame(state, output, ui(), {width: 80, height: 21, ruleLeft: false});
		expect(frame.inner).toBe(80);
		expect(frame.sizes).toEqual({header: 0, bars: 1, outcomes: 3, grid: 10, output: 4});
		expect(1 + frame.sizes.bars + 1 + frame.sizes.outcomes + frame.sizes.grid + 1 + frame.sizes.output).toBe(21);
		const map = frame.map!;
		expect(map.labelWidth).toBe(9);
		expect(map.layout).toMatchObject({perCell: 8, columns: 71, rows: 9});
		expect(map.layout.cells.length * map.layout.perCell).toBeGreaterThanOrEqual(5000);
		expect(map.labels).toEqual(['node1', 'node569', 'node1137', 'node1705', 'node2273', 'node2841', 'node3409', 'node3977', 'node4545']);
		expect(map.legend).toEqual({statuses: ['failed', 'unreachable', 'ok'], scale: '1 cell = 8 nodes'});
		expect(frame.outcomeLines.shown.map(line => line.text)).toEqual([
			'FAIL node[3,53,103,153,203,253,303,353,403,453,503,553,603] +87 more (100)',
			'UNREACHABLE node[40-44] (5)',
			'OK node[1-2,4-39,45-52,54-102,104-152,154-202,204-252] +4653 more (4895)',
		]);
		expect(frame.outcomeLines.shown.map(line => line.index)).toEqual([0, 1, 2]);
		expect(frame.listLength).toBe(3);
		expect(frame.output.title).toBe('output');
		expect(frame.output.shown.map(row => row.text)).toEqual(['Enter: nodes of the outcome | arrows: map | n: next failed | v: grid']);
	});

	it('keeps rows at the top for a rollout header', () => {
		const {state, output} = bigRun(5000);
		const without = runFrame(state, output, ui(), {width: 80, height: 21, ruleLeft: false});
		const frame = runFrame(state, output, ui(), {width: 80, height: 21, ruleLeft: false, headerRows: 2});
		expect(frame.sizes.header).toBe(2);
		expect(frame.sizes.bars + frame.sizes.outcomes + frame.sizes.grid + frame.sizes.output).toBe(without.sizes.bars + without.sizes.outcomes + without.sizes.grid + without.sizes.output - 2);
		expect(runFrame(state, output, ui(), {width: 80, height: 21, ruleLeft: false, headerRows: -3}).sizes).toEqual(without.sizes);
	});

	it('at 120×40 (the split layout\'s run pane, ruled) gives the map its width less the rule', () => {
		const {state, output} = bigRun(5000);
		const frame = runFrame(state, output, ui(), {width: 72, height: 39, ruleLeft: true});
		expect(frame.inner).toBe(71);
		expect(frame.sizes).toEqual({header: 0, bars: 1, outcomes: 3, grid: 22, output: 10});
		expect(frame.map!.layout).toMatchObject({perCell: 4, columns: 62, rows: 21});
	});

	it('leaves the row labels out when they would take more than a fifth of the width', () => {
		const {state, output} = bigRun(500);
		const frame = runFrame(state, output, ui(), {width: 34, height: 21, ruleLeft: false});
		expect(frame.map).toMatchObject({labelWidth: 0, labels: []});
		expect(frame.map!.layout.columns).toBe(34);
		expect(runFrame(state, output, ui(), {width: 39, height: 21, ruleLeft: false}).map!.labelWidth).toBe(0);
		expect(runFrame(state, output, ui(), {width: 40, height: 21, ruleLeft: false}).map!.labelWidth).toBe(8);
	});

	it('scrolls the outcome lines with the cursor when they do not all fit', () => {
		const {state, output} = bigRun(5000);
		const frame = runFrame(state, output, ui({cursor: {health: 0, run: 2}}), {width: 80, height: 12, ruleLeft: false});
		expect(frame.sizes.outcomes).toBe(2);
		expect(frame.outcomeLines.first).toBe(1);
		expect(frame.outcomeLines.shown.map(line => line.status)).toEqual(['unreachable', 'ok']);
		// The cursor on the map or in a list leaves the outcome window at the top.
		expect(runFrame(state, output, ui({cursor: {health: 0, run: 2}}, {cell: 0}), {width: 80, height: 12, ruleLeft: false}).outcomeLines.first).toBe(0);
	});

	it('names the cell under the map cursor, kept within the map', () => {
		const {state, output} = bigRun(5000);
		const frame = runFrame(state, output, ui({}, {cell: 100_000}), {width: 80, height: 21, ruleLeft: false});
		const last = frame.map!.layout.cells.length - 1;
		expect(frame.map!.cell).toBe(last);
		expect(frame.output.title).toBe('node[4993-5000] (8) worst OK');
		expect(frame.output.shown.map(row => row.text)).toEqual(['Enter: list these nodes | arrows: move | Esc: back']);
		const first = runFrame(state, output, ui({}, {cell: 0}), {width: 80, height: 21, ruleLeft: false});
		expect(first.output.title).toBe('node[1-8] (8) worst FAIL');
		expect(first.map!.rows[0]![0]).toEqual({status: 'failed', length: 1, cursor: true});
		expect(first.map!.rows[0]![1]).toEqual({status: 'ok', length: 3, cursor: false});
		const single = bigRun(6);
		const one = runFrame(single.state, single.output, ui({}, {view: 'map', cell: 2}), {width: 80, height: 21, ruleLeft: false});
		expect(one.output.title).toBe('node3 FAIL');
		expect(one.output.shown.map(row => row.text)).toEqual(['Enter: its output | arrows: move | Esc: back']);
	});

	it('lists an outcome\'s nodes in place of the map, windowed on the cursor', () => {
		const {state, output} = bigRun(5000);
		const frame = runFrame(state, output, ui({cursor: {health: 0, run: 40}}, {drill: {kind: 'outcome', status: 'failed', back: 0}}), {width: 80, height: 21, ruleLeft: false});
		const drill = frame.map!.drill!;
		expect(drill.title).toBe('FAIL node[3,53,103,153,203,253,303] +93 more (100) | Enter: output | Esc: back');
		expect(drill.nodes).toHaveLength(100);
		expect(frame.listLength).toBe(100);
		expect(drill.first).toBe(36);
		expect(drill.rows.map(row => row.text)).toEqual(['node1803  1 web FAIL exit 1', 'node1853  1 web FAIL exit 1', 'node1903  1 web FAIL exit 1', 'node1953  1 web FAIL exit 1', 'node2003  1 web FAIL exit 1', 'node2053  1 web FAIL exit 1', 'node2103  1 web FAIL exit 1', 'node2153  1 web FAIL exit 1', 'node2203  1 web FAIL exit 1']);
		expect(frame.map!.rows).toEqual([]);
		expect(frame.sizes.grid).toBe(10);
		expect(frame.output).toMatchObject({title: 'output', shown: [{text: 'Enter: the node\'s output | n: next failed | Esc: back'}]});
		// Drilled from a range cell, the output says what the list does, not what the cell is.
		const fromCell = runFrame(state, output, ui({}, {cell: 0, drill: {kind: 'cell', nodes: ['node1'], back: 0}}), {width: 80, height: 21, ruleLeft: false});
		expect(fromCell.output.title).toBe('output');
	});

	it('lists a range cell\'s nodes', () => {
		const {state, output} = bigRun(5000);
		const frame = runFrame(state, output, ui({}, {drill: {kind: 'cell', nodes: ['node1', 'node2', 'node3'], back: 0}}), {width: 80, height: 21, ruleLeft: false});
		expect(frame.map!.drill!.title).toBe('node[1-3] (3) | Enter: output | Esc: back');
		expect(frame.map!.drill!.rows.map(row => row.text)).toEqual(['node1  1 task ok', 'node2  1 task ok', 'node3  1 web FAIL exit 1']);
	});

	it('shows the selected node\'s output, followed or scrolled, over the map', () => {
		const {state, output} = bigRun(50, 2);
		const frame = runFrame(state, output, ui({selectedNode: 'node3'}, {cell: 0}), {width: 80, height: 21, ruleLeft: false});
		expect(frame.output.title).toBe('output: node3 (follow)');
		expect(frame.output.rows.map(row => row.text)).toEqual(['[1 web] hello from node3', '[2 web] hello from node3', '[1 web] failed exit 1', '[2 web] failed exit 1']);
		expect(frame.output.visible).toBe(11);
		const scrolled = runFrame(state, output, ui({selectedNode: 'node3', follow: false, scroll: 1}), {width: 80, height: 15, ruleLeft: false});
		expect(scrolled.output.title).toBe('output: node3 (scrolled 1)');
		expect(scrolled.output.visible).toBe(7);
		expect(scrolled.output.shown.map(row => row.text)).toEqual(['[1 web] hello from node3', '[2 web] hello from node3', '[1 web] failed exit 1']);
	});

	it('in the grid view, pages the output by the rows the grid leaves and shows the gathered output', () => {
		const {state, output} = bigRun(4);
		const frame = runFrame(state, output, ui({gathered: true}), {width: 80, height: 23, ruleLeft: false});
		expect(frame.view).toBe('grid');
		expect(frame.sizes).toEqual({header: 0, bars: 1, outcomes: 0, grid: 2, output: 17});
		expect(frame.listLength).toBe(1);
		expect(frame.output.title).toBe('gathered: step 1 web');
		expect(frame.output.shown.map(row => row.text)).toEqual(['node1 (1) ok exit 0', '  hello from node1', 'node2 (1) ok exit 0', '  hello from node2', 'node3 (1) failed exit 1', '  hello from node3', 'node4 (1) ok exit 0', '  hello from node4']);
		const idle = runFrame(state, undefined, ui(), {width: 80, height: 23, ruleLeft: false});
		expect(idle.output).toMatchObject({title: 'output', shown: [{text: ''}]});
		const hint = runFrame(state, output, ui(), {width: 80, height: 23, ruleLeft: false});
		expect(hint.output.shown.map(row => row.text)).toEqual(['Enter: node under cursor | n: next failed | b: gathered output']);
	});
});

describe('grid columns and their headers', () => {
	it('asks for as many columns as 11 characters each fit beside the labels', () => {
		expect(gridColumnsFor(80, 8)).toBe(6);
		expect(gridColumnsFor(85, 8)).toBe(7);
		expect(gridColumnsFor(5, 8)).toBe(1);
	});

	it('folds fewer, wider columns until every header fits whole', () => {
		const nodes = names(300);
		// 6 columns of 50 nodes: headers like `node[251-300] (50)` (18 + 1) do not fit 6 across 80 columns.
		const columns = fittingColumns(nodes, 80, 8);
		expect(columns).toBe(3);
		const {grid} = runGrid(bigRun(300).state, '', 80);
		// With the run's own label column (`1 web`, 6 wide) four columns of 75 fit.
		expect(grid.columns.map(column => column.label)).toEqual(['node[1-75] (75)', 'node[76-150] (75)', 'node[151-225] (75)', 'node[226-300] (75)']);
		expect(fittingColumns(names(4), 80, 8)).toBe(4);
		expect(fittingColumns([], 80, 8)).toBe(1);
		expect(fittingColumns(names(3), 20, 8)).toBe(1);
		expect(fittingColumns(['a', 'bb'], 13, 8)).toBe(1);
		expect(fittingColumns(['a', 'b'], 13, 8)).toBe(1);
		expect(fittingColumns(['a', 'b'], 30, 8)).toBe(2);
	});

	it('reads a folded column\'s nodes, the last column past the end', () => {
		const grid = selectGrid(run(), 2);
		expect(columnNodes(grid, 0)).toEqual(['n1', 'n2']);
		expect(columnNodes(grid, 5)).toEqual(['n3', 'n4']);
		expect(columnNodes({columns: [], rows: []}, 0)).toEqual([]);
	});

	it('shares rows between bars, grid and output', () => {
		expect(outputRowsFor(23, 4, 8)).toEqual({bars: 4, grid: 8, output: 8});
		expect(outputRowsFor(40, 2, 3)).toEqual({bars: 2, grid: 4, output: 31});
		expect(outputRowsFor(10, 4, 8)).toEqual({bars: 2, grid: 3, output: 2});
		expect(outputRowsFor(0, 1, 1)).toEqual({bars: 1, grid: 2, output: 0});
	});
});

describe('filterRun', () => {
	it.each([
		['', ['n1', 'n2', 'n3', 'n4']],
		['n[2-3]', ['n2', 'n3']],
		['n4', ['n4']],
		['2', ['n2']],
		['n[', []],
	])('narrows by %j', (filter, nodes) => {
		expect(filterRun(run(), filter).nodeOrder).toEqual(nodes);
	});

	it('leaves the run as it is without a filter', () => {
		const state = run();
		expect(filterRun(state, '')).toBe(state);
	});

	it('gives the same narrowed state for the same state and filter (what is cached on it is found again), else a new one', () => {
		const state = run();
		const narrowed = filterRun(state, 'n[2-3]');
		expect(filterRun(state, 'n[2-3]')).toBe(narrowed);
		const other = filterRun(state, 'n4');
		expect(other.nodeOrder).toEqual(['n4']);
		expect(filterRun(state, 'n[2-3]')).not.toBe(narrowed);
		expect(filterRun(state, 'n[2-3]').nodeOrder).toEqual(['n2', 'n3']);
		const next = {...state};
		expect(filterRun(next, 'n[2-3]')).not.toBe(filterRun(state, 'n[2-3]'));
	});
});

describe('node output rows', () => {
	it('tags each line with its task, then says how the tasks that went wrong ended', () => {
		const {state, output} = bigRun(50);
		expect(nodeOutputRows(state, output, 'node3')).toEqual([
			{key: 'l0', text: '[1 web] hello from node3', kind: 'stdout'},
			{key: 't1|web|node3', text: '[1 web] failed exit 1', kind: 'title'},
		]);
		expect(nodeOutputRows(state, output, 'node40')).toEqual([{key: 't1|web|node40', text: '[1 web] unreachable: node40: refused', kind: 'title'}]);
		expect(nodeOutputRows(state, output, 'nowhere')).toEqual([{key: 'none', text: 'no output yet', kind: 'hint'}]);
	});

	it('says how many earlier lines the buffer dropped', () => {
		const ev = eventBuilder();
		const store = createRunStore({flushMs: 0, maxLinesPerNode: 2});
		store.apply(ev.runStarted([step(1, 'restart', ['web'], ['a'])]));
		store.apply(ev.output('a', 1, 'web', ['1', '2', '3'], 'stderr'));
		expect(nodeOutputRows(store.getSnapshot(), store.output, 'a')).toEqual([
			{key: 'dropped', text: '(1 earlier lines dropped)', kind: 'hint'},
			{key: 'l0', text: '[1 web] 2', kind: 'stderr'},
			{key: 'l1', text: '[1 web] 3', kind: 'stderr'},
		]);
	});

	it('gathers nothing for a step without finished commands', () => {
		const {state, output} = bigRun(3);
		expect(gatheredRows(state, output, 9, 'web')).toEqual([{key: 'none', text: 'step 9 web: no finished command yet', kind: 'hint'}]);
	});
});
