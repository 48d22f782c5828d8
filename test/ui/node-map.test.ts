import {describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {reduceRun} from '../../source/store/reduce-run.js';
import {initialRunState, type RunState, type ShownStatus} from '../../source/store/run-state.js';
import {
	cellScale,
	drillRows,
	fitNodeSet,
	isFailure,
	layoutNodeMap,
	legendStatuses,
	mapRows,
	nextCellWith,
	nodeDetail,
	nodeOutcomes,
	outcomeGroups,
	outcomeLabel,
	outcomeSeverity,
	outcomeText,
	runOutcomes,
	worse,
} from '../../source/ui/node-map.js';
import {initialNodeMapUi, reduceNodeMap} from '../../source/ui/node-map-ui.js';
import {initialUiState, reduceUi, type UiState} from '../../source/ui/ui-state.js';
import {eventBuilder, step} from '../helpers/events.js';

function build(events: readonly ExecutorEvent[]): RunState {
	return events.reduce(reduceRun, initialRunState);
}

/** n1 ok, n2 failed, n3 timed out, n4 unreachable, n5 still running, n6 pending; two steps. */
function run(): RunState {
	const ev = eventBuilder();
	const nodes = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
	return build([
		ev.runStarted([step(1, 'restart', ['web'], nodes), step(2, 'status', ['db'], ['n1', 'n2'])]),
		ev.stepStarted(1, nodes),
		ev.exited('n1', 1, 'web', 0),
		ev.exited('n2', 1, 'web', 1, {reason: 'unit failed'}),
		ev.timedOut('n3', 1, 'web'),
		ev.unreachable('n4'),
		ev.started('n5', 1, 'web'),
		ev.stepStarted(2, ['n1', 'n2']),
		ev.exited('n1', 2, 'db', 0, {state: 'active'}),
		ev.exited('n2', 2, 'db', 0, {state: 'inactive'}),
	]);
}

const names = (count: number, prefix = 'node'): string[] => Array.from({length: count}, (_, index) => `${prefix}${index + 1}`);

describe('outcomes: each node by its worst task', () => {
	it('ranks failures over the unreachable over the unfinished over a status query\'s states over ok', () => {
		const order: ShownStatus[] = ['failed', 'timed-out', 'unreachable', 'skipped', 'cancelled', 'running', 'connecting', 'pending', 'service-failed', 'service-not-installed', 'service-stopped', 'service-running', 'ok'];
		for (const [index, status] of order.entries()) {
			for (const milder of order.slice(index + 1)) {
				expect(outcomeSeverity[status]).toBeGreaterThan(outcomeSeverity[milder]);
				expect(worse(status, milder)).toBe(status);
				expect(worse(milder, status)).toBe(status);
			}
		}

		expect(worse('ok', 'ok')).toBe('ok');
	});

	it('takes the worst shown status of a node\'s tasks, a status query\'s state included', () => {
		const state = run();
		const outcomes = nodeOutcomes(state);
		expect(Object.fromEntries(state.nodeOrder.map(node => [node, outcomes.get(node)]))).toEqual({n1: 'service-running', n2: 'failed', n3: 'timed-out', n4: 'unreachable', n5: 'running', n6: 'pending'});
		expect(outcomes.get('n7')).toBeUndefined();
	});

	it('leaves out nodes without a task', () => {
		const state = run();
		expect(nodeOutcomes({...state, nodeOrder: [...state.nodeOrder, 'stray']}).get('stray')).toBeUndefined();
		// A node the view filtered out has no outcome either, and the others keep theirs.
		const filtered = nodeOutcomes({...state, nodeOrder: state.nodeOrder.filter(node => node !== 'n2')});
		expect([filtered.get('n2'), filtered.get('n3')]).toEqual([undefined, 'timed-out']);
	});

	it('groups nodes by outcome, worst first, each group in node order', () => {
		const outcomes = new Map<string, ShownStatus>([
			['a3', 'ok'],
			['a1', 'failed'],
			['a2', 'ok'],
			['a4', 'unreachable'],
			['a5', 'failed'],
		]);
		expect(outcomeGroups(['a1', 'a2', 'a3', 'a4', 'a5', 'a6'], outcomes)).toEqual([
			{status: 'failed', nodes: ['a1', 'a5']},
			{status: 'unreachable', nodes: ['a4']},
			{status: 'ok', nodes: ['a2', 'a3']},
		]);
	});
});

describe('runOutcomes: once per run state', () => {
	it('gives a state\'s outcomes and groups, the same objects while the state is the same', () => {
		const state = run();
		const first = runOutcomes(state);
		expect(first.groups.map(group => `${group.status} ${group.nodes.join(',')}`)).toEqual(['failed n2', 'timed-out n3', 'unreachable n4', 'running n5', 'pending n6', 'service-running n1']);
		expect(runOutcomes(state)).toBe(first);
	});

	it('computes them again for the next state', () => {
		const state = run();
		const before = runOutcomes(state);
		const after = runOutcomes(reduceRun(state, eventBuilder().exited('n5', 1, 'web', 1)));
		expect(after).not.toBe(before);
		expect(after.outcomes.get('n5')).toBe('failed');
		expect(before.outcomes.get('n5')).toBe('running');
		expect(after.groups[0]).toEqual({status: 'failed', nodes: ['n2', 'n5']});
	});
});

describe('fitNodeSet: never cut inside a node set', () => {
	const scattered = ['node12', 'node407', 'node408', 'node409', 'node1000', 'node2000'];
	it.each([
		// width → what shows
		[40, 'node[12,407-409,1000,2000]'],
		[26, 'node[12,407-409,1000,2000]'],
		[25, 'node[12,407-409] +2 more'],
		[24, 'node[12,407-409] +2 more'],
		[23, 'node12 +5 more'],
		[14, 'node12 +5 more'],
		[13, '6 nodes'],
		[0, '6 nodes'],
	])('at width %i: %s', (width, text) => {
		expect(fitNodeSet(scattered, width)).toBe(text);
	});

	it('counts width in characters, not UTF-16 units (a name outside the BMP)', () => {
		// `𝔫[1-3]` is 6 characters and 7 UTF-16 units.
		expect(fitNodeSet(['𝔫1', '𝔫2', '𝔫3'], 6)).toBe('𝔫[1-3]');
		expect(fitNodeSet(['𝔫1', '𝔫2', '𝔫3'], 5)).toBe('3 nodes');
	});

	it('tries at most as many ranges as the width holds, and still finds the longest that fits', () => {
		// 3,000 single-node ranges: only the first few can show.
		const nodes = names(6000).filter((_, index) => index % 2 === 0);
		expect(fitNodeSet(nodes, 30)).toBe('node[1,3,5,7,9,11] +2994 more');
	});

	it('is empty for no node, and says "1 node" when even one name does not fit', () => {
		expect(fitNodeSet([], 10)).toBe('');
		expect(fitNodeSet(['a-long-node-name'], 4)).toBe('1 node');
		expect(fitNodeSet(['a', 'b'], 1)).toBe('2 nodes');
	});

	it('keeps whole ranges of 5,000 nodes, in node-set order', () => {
		const nodes = names(5000).filter((_, index) => index % 100 !== 7);
		const text = fitNodeSet(nodes, 40);
		expect(text.length).toBeLessThanOrEqual(40);
		expect(text).toMatch(/^node\[1-7,9-107,109-207(,\d+-\d+)*\] \+\d+ more$/);
		const shown = Number(/\+(\d+) more/.exec(text)?.[1]);
		const ranges = [.../(\d+)-(\d+)/g.exec(text) ?? []];
		expect(ranges.length).toBeGreaterThan(0);
		// What is shown plus what is counted is every node.
		const listed = [...text.matchAll(/(\d+)-(\d+)/g)].reduce((sum, match) => sum + Number(match[2]) - Number(match[1]) + 1, 0);
		expect(listed + shown).toBe(nodes.length);
	});

	it.each([
		['failed', 'FAIL'],
		['unreachable', 'UNREACHABLE'],
		['service-running', 'RUNNING'],
		['pending', 'PENDING'],
		['connecting', 'CONNECTING'],
		['running', 'IN-PROGRESS'],
	] as const)('tags %s as %s: the report\'s words, the unfinished told apart', (status, label) => {
		expect(outcomeLabel(status)).toBe(label);
	});

	it('writes an outcome as the report does, the count always whole', () => {
		expect(outcomeText({status: 'failed', nodes: scattered}, 80)).toBe('FAIL node[12,407-409,1000,2000] (6)');
		expect(outcomeText({status: 'unreachable', nodes: scattered}, 40)).toBe('UNREACHABLE node[12,407-409] +2 more (6)');
		expect(outcomeText({status: 'unreachable', nodes: scattered}, 39)).toBe('UNREACHABLE node12 +5 more (6)');
		expect(outcomeText({status: 'ok', nodes: ['n1']}, 9)).toBe('OK n1 (1)');
	});

	it('fits the same group again to each width it is asked for (the fold is kept per group and width)', () => {
		const group = {status: 'unreachable', nodes: scattered} as const;
		expect(outcomeText(group, 80)).toBe('UNREACHABLE node[12,407-409,1000,2000] (6)');
		expect(outcomeText(group, 39)).toBe('UNREACHABLE node12 +5 more (6)');
		expect(outcomeText(group, 39)).toBe('UNREACHABLE node12 +5 more (6)');
		expect(outcomeText(group, 80)).toBe('UNREACHABLE node[12,407-409,1000,2000] (6)');
	});
});

describe('the map layout', () => {
	const outcomes = (failed: readonly string[], all: readonly string[]) => new Map<string, ShownStatus>(all.map(node => [node, failed.includes(node) ? 'failed' : 'ok']));

	it('gives each node a cell when they fit', () => {
		const nodes = names(10);
		const layout = layoutNodeMap(nodes, outcomes(['node3'], nodes), 4, 3);
		expect(layout).toMatchObject({perCell: 1, columns: 4, rows: 3});
		expect(layout.cells.map(cell => cell.status)).toEqual(['ok', 'ok', 'failed', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
		expect(cellScale(layout)).toBe('1 cell = 1 node');
	});

	it('uses the fewest nodes per cell that put every node on the map; the worst outcome wins', () => {
		const nodes = names(5000);
		const layout = layoutNodeMap(nodes, outcomes(['node12', 'node4999'], nodes), 80, 8);
		expect(layout.perCell).toBe(8);
		expect(layout.cells).toHaveLength(625);
		expect(layout).toMatchObject({columns: 80, rows: 8});
		expect(layout.cells[1]).toEqual({nodes: names(16).slice(8), status: 'failed'});
		expect(layout.cells.at(-1)).toEqual({nodes: ['node4993', 'node4994', 'node4995', 'node4996', 'node4997', 'node4998', 'node4999', 'node5000'], status: 'failed'});
		expect(layout.cells.filter(cell => cell.status === 'failed')).toHaveLength(2);
		expect(cellScale(layout)).toBe('1 cell = 8 nodes');
		// One node more no longer fits 8 per cell.
		expect(layoutNodeMap(names(5121), new Map(), 80, 8).perCell).toBe(9);
		expect(layoutNodeMap(names(5120), new Map(), 80, 8).perCell).toBe(8);
	});

	it('leaves a cell without status while none of its nodes has a task, and takes any that has one', () => {
		const layout = layoutNodeMap(['a', 'b', 'c', 'd'], new Map<string, ShownStatus>([['d', 'pending']]), 1, 2);
		expect(layout.cells.map(cell => cell.status)).toEqual([undefined, 'pending']);
	});

	it('has at least one column and one row of room, and no wider than its cells', () => {
		expect(layoutNodeMap(['a', 'b'], new Map(), 0, 0)).toMatchObject({perCell: 2, columns: 1, rows: 1});
		expect(layoutNodeMap(['a', 'b'], new Map(), 10.7, 1)).toMatchObject({perCell: 1, columns: 2, rows: 1});
		expect(layoutNodeMap([], new Map(), 10, 2)).toMatchObject({cells: [], perCell: 1, columns: 1, rows: 0});
	});

	it('draws rows as runs of alike cells, the cursor\'s cell on its own', () => {
		const nodes = names(7);
		const layout = layoutNodeMap(nodes, outcomes(['node2', 'node3'], nodes), 4, 2);
		expect(mapRows(layout, undefined)).toEqual([
			[
				{status: 'ok', length: 1, cursor: false},
				{status: 'failed', length: 2, cursor: false},
				{status: 'ok', length: 1, cursor: false},
			],
			[{status: 'ok', length: 3, cursor: false}],
		]);
		expect(mapRows(layout, 5)[1]).toEqual([
			{status: 'ok', length: 1, cursor: false},
			{status: 'ok', length: 1, cursor: true},
			{status: 'ok', length: 1, cursor: false},
		]);
		expect(mapRows(layout, 2)[0]).toEqual([
			{status: 'ok', length: 1, cursor: false},
			{status: 'failed', length: 1, cursor: false},
			{status: 'failed', length: 1, cursor: true},
			{status: 'ok', length: 1, cursor: false},
		]);
	});

	it('lists the outcomes on the map worst first for the legend', () => {
		const layout = layoutNodeMap(['a', 'b', 'c', 'd'], new Map<string, ShownStatus>([['a', 'ok'], ['b', 'unreachable'], ['c', 'failed'], ['d', 'ok']]), 4, 1);
		expect(legendStatuses(layout)).toEqual(['failed', 'unreachable', 'ok']);
		expect(legendStatuses(layoutNodeMap(['a'], new Map(), 4, 1))).toEqual([]);
	});

	it('finds the next or previous cell holding an outcome, wrapping round', () => {
		const nodes = names(12);
		const all = new Map<string, ShownStatus>(nodes.map(node => [node, 'ok']));
		all.set('node2', 'failed');
		all.set('node8', 'timed-out');
		all.set('node11', 'unreachable');
		const layout = layoutNodeMap(nodes, all, 3, 2);
		expect(layout.perCell).toBe(2);
		expect(nextCellWith(layout, all, undefined, 1, isFailure)).toBe(0);
		expect(nextCellWith(layout, all, 0, 1, isFailure)).toBe(3);
		expect(nextCellWith(layout, all, 3, 1, isFailure)).toBe(0);
		expect(nextCellWith(layout, all, undefined, -1, isFailure)).toBe(3);
		expect(nextCellWith(layout, all, 0, -1, isFailure)).toBe(3);
		expect(nextCellWith(layout, all, 3, -1, isFailure)).toBe(0);
		expect(nextCellWith(layout, all, undefined, 1, status => status === 'unreachable')).toBe(5);
		expect(nextCellWith(layout, all, undefined, 1, status => status === 'skipped')).toBeUndefined();
		expect(nextCellWith(layoutNodeMap([], all, 3, 2), all, undefined, 1, isFailure)).toBeUndefined();
		// A node without an outcome matches nothing.
		expect(nextCellWith(layoutNodeMap(['x'], new Map(), 1, 1), new Map(), undefined, 1, () => true)).toBeUndefined();
	});

	it('counts failed and timed-out as failures, nothing else', () => {
		expect(Object.keys(outcomeSeverity).filter(status => isFailure(status as ShownStatus))).toEqual(['timed-out', 'failed']);
	});
});

describe('drilled node lists', () => {
	const state = run();
	const outcomes = nodeOutcomes(state);
	it.each([
		['n1', '2 tasks ok', 'ok'],
		['n2', '1 web FAIL exit 1: unit failed', undefined],
		['n3', '1 web TIMEOUT: timed out after 30s', undefined],
		['n4', '1 web UNREACHABLE: n4: could not resolve host name', undefined],
		['n5', '1 web IN-PROGRESS', undefined],
	] as const)('says why %s ended as it did: %s', (node, text, as) => {
		expect(nodeDetail(state, node, as ?? outcomes.get(node))).toBe(text);
	});

	it('names the task that gave a status query\'s state, and a node with one task in the singular', () => {
		expect(nodeDetail(state, 'n1', 'service-running')).toBe('2 db RUNNING exit 0');
		expect(nodeDetail(state, 'n6', 'ok')).toBe('1 task ok');
		expect(nodeDetail(state, 'n6', undefined)).toBe('no task');
		expect(nodeDetail(state, 'n1', 'skipped')).toBe('SKIP');
	});

	it('computes only the rows drawn, names padded to the widest of them', () => {
		const nodes = ['n1', 'n2', 'n10', 'n3'];
		expect(drillRows(state, outcomes, nodes, 1, 2)).toEqual([
			{node: 'n2', status: 'failed', text: 'n2   1 web FAIL exit 1: unit failed'},
			{node: 'n10', status: undefined, text: 'n10  no task'},
		]);
		expect(drillRows(state, outcomes, nodes, 4, 3)).toEqual([]);
	});
});

describe('the node map\'s UI state', () => {
	const at = (patch: Partial<UiState>): UiState => ({...initialUiState, ...patch});
	it('starts on auto with nothing selected, and v switches to the other view, cursor at the top', () => {
		expect(initialUiState.nodeMap).toEqual(initialNodeMapUi);
		expect(initialNodeMapUi).toEqual({view: 'auto', cell: undefined, drill: undefined, healthDrill: undefined});
		const state = at({cursor: {health: 2, run: 3}, gridColumn: 4, nodeMap: {...initialNodeMapUi, cell: 5, drill: {kind: 'outcome', status: 'failed', back: 1}}});
		const toGrid = reduceUi(state, {type: 'node-map', action: {type: 'toggle-view', shown: 'map'}});
		expect(toGrid.nodeMap).toEqual({view: 'grid', cell: undefined, drill: undefined, healthDrill: undefined});
		expect(toGrid.cursor).toEqual({health: 2, run: 0});
		expect(toGrid.gridColumn).toBe(0);
		expect(reduceNodeMap(state, {type: 'toggle-view', shown: 'grid'}).nodeMap.view).toBe('map');
	});

	it('puts the map cursor on a cell and lets the shown node go', () => {
		const state = reduceNodeMap(at({selectedNode: 'n1', follow: false, scroll: 4}), {type: 'set-cell', cell: 7});
		expect(state.nodeMap.cell).toBe(7);
		expect(state).toMatchObject({selectedNode: undefined, follow: true, scroll: 0});
	});

	it('drills into a list from where the cursor is, keeps the cell, and Esc comes back level by level', () => {
		let state = at({cursor: {health: 0, run: 2}, selectedNode: 'n9', nodeMap: {...initialNodeMapUi, cell: 3}});
		state = reduceNodeMap(state, {type: 'drill', drill: {kind: 'cell', nodes: ['a', 'b']}});
		expect(state.nodeMap).toMatchObject({cell: 3, drill: {kind: 'cell', nodes: ['a', 'b'], back: 2}});
		expect(state.cursor.run).toBe(0);
		// A drill from a drill keeps the first way back.
		state = reduceNodeMap({...state, cursor: {health: 0, run: 1}}, {type: 'drill', drill: {kind: 'outcome', status: 'ok'}});
		expect(state.nodeMap.drill).toEqual({kind: 'outcome', status: 'ok', back: 2});
		state = reduceNodeMap(state, {type: 'back', pane: 'run'});
		expect(state.nodeMap).toMatchObject({drill: undefined, cell: 3});
		expect(state.cursor.run).toBe(2);
		expect(state.selectedNode).toBe('n9');
		state = reduceNodeMap(state, {type: 'back', pane: 'run'});
		expect(state.nodeMap.cell).toBeUndefined();
		expect(state.selectedNode).toBe('n9');
		state = reduceNodeMap({...state, follow: false, scroll: 3}, {type: 'back', pane: 'run'});
		expect(state).toMatchObject({selectedNode: undefined, follow: true, scroll: 0});
		expect(reduceNodeMap(state, {type: 'back', pane: 'run'})).toBe(state);
	});

	it('closes the last run\'s list and cell when a new run starts, keeping the view picked', () => {
		const state = at({nodeMap: {view: 'grid', cell: 4, drill: {kind: 'cell', nodes: ['a'], back: 0}, healthDrill: {key: 'dx', back: 1}}});
		expect(reduceNodeMap(state, {type: 'new-run'}).nodeMap).toEqual({view: 'grid', cell: undefined, drill: undefined, healthDrill: {key: 'dx', back: 1}});
	});

	it('drills into a health group and back to the line it came from', () => {
		let state = at({cursor: {health: 4, run: 1}});
		state = reduceNodeMap(state, {type: 'drill-health', key: 'dtimeout', first: 7});
		expect(state.nodeMap.healthDrill).toEqual({key: 'dtimeout', back: 4});
		expect(state.cursor).toEqual({health: 7, run: 1});
		state = reduceNodeMap({...state, cursor: {health: 2, run: 1}}, {type: 'drill-health', key: 'msystemd', first: 6});
		expect(state.nodeMap.healthDrill).toEqual({key: 'msystemd', back: 4});
		state = reduceNodeMap(state, {type: 'back', pane: 'health'});
		expect(state.nodeMap.healthDrill).toBeUndefined();
		expect(state.cursor).toEqual({health: 4, run: 1});
		expect(reduceNodeMap(state, {type: 'back', pane: 'health'})).toBe(state);
	});
});
