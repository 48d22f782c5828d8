import {describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {OutputLog} from '../../source/store/output-log.js';
import {reduceRun} from '../../source/store/reduce-run.js';
import {initialRunState, type RunState} from '../../source/store/run-state.js';
import {selectCounts, selectGathered, selectGrid, selectStepProgress, selectTaskGroups} from '../../source/store/selectors.js';
import {eventBuilder, step} from '../helpers/events.js';

function build(events: readonly ExecutorEvent[]): {state: RunState; output: OutputLog} {
	const output = new OutputLog();
	let state = initialRunState;
	for (const event of events) {
		if (event.type === 'command-output') {
			output.append(event.node, event.step, event.service, event.stream, event.lines);
		}

		state = reduceRun(state, event);
	}

	return {state, output};
}

const nodes = ['node1', 'node2', 'node3', 'node4'];

function scenario() {
	const ev = eventBuilder();
	return build([
		ev.runStarted([step(1, 'status', ['nginx'], nodes), step(2, 'restart', ['cron'], nodes)]),
		ev.stepStarted(1, nodes),
		ev.started('node1', 1, 'nginx'),
		ev.output('node1', 1, 'nginx', ['Active: active (running)']),
		ev.exited('node1', 1, 'nginx', 0),
		ev.started('node2', 1, 'nginx'),
		ev.output('node2', 1, 'nginx', ['Unit nginx.service could not be found.'], 'stderr'),
		ev.exited('node2', 1, 'nginx', 4, {reason: 'not installed'}),
		ev.started('node3', 1, 'nginx'),
		ev.output('node3', 1, 'nginx', ['Active: active (running)']),
		ev.exited('node3', 1, 'nginx', 0),
		ev.started('node4', 1, 'nginx'),
		ev.output('node4', 1, 'nginx', ['Unit nginx.service could not be found.'], 'stderr'),
		ev.exited('node4', 1, 'nginx', 4, {reason: 'not installed'}),
		ev.stepFinished(1, {ok: 2, failed: 2}),
		ev.stepStarted(2, nodes),
		ev.started('node1', 2, 'cron'),
		ev.exited('node1', 2, 'cron', 0),
		ev.skipped('node2', 2, 'cron', 'dependency nginx is not installed'),
		ev.started('node3', 2, 'cron'),
	]);
}

describe('selectors', () => {
	it('counts tasks per status, memoized while tasks are unchanged', () => {
		const {state} = scenario();
		expect(selectCounts(state)).toMatchObject({ok: 3, failed: 2, skipped: 1, running: 1, pending: 1});
		const outputOnly = reduceRun(state, eventBuilder().output('node3', 2, 'cron', ['x']));
		expect(selectCounts(outputOnly)).toBe(selectCounts(state));
	});

	it('reports step progress with elapsed time and a linear ETA', () => {
		const {state} = scenario();
		expect(selectStepProgress(state, 1)).toEqual({
			step: 1,
			total: 4,
			done: 4,
			ok: 2,
			failed: 2,
			skipped: 0,
			unreachable: 0,
			cancelled: 0,
			running: 0,
			elapsedMs: 130,
		});
		// Step 2 started at 1_000_150; 2 of 4 done by 1_000_190 → ETA equals the elapsed time.
		expect(selectStepProgress(state, 2, 1_000_190)).toMatchObject({done: 2, running: 1, elapsedMs: 40, etaMs: 40});
	});

	it('groups nodes per step and service by status and reason, folded', () => {
		const {state} = scenario();
		expect(selectTaskGroups(state)).toEqual([
			{
				step: 1,
				action: 'status',
				service: 'nginx',
				groups: [
					{status: 'ok', nodes: ['node1', 'node3'], nodeSet: 'node[1,3]'},
					{status: 'failed', reason: 'not installed', nodes: ['node2', 'node4'], nodeSet: 'node[2,4]'},
				],
			},
			{
				step: 2,
				action: 'restart',
				service: 'cron',
				groups: [
					{status: 'ok', nodes: ['node1'], nodeSet: 'node1'},
					{status: 'skipped', reason: 'dependency nginx is not installed', nodes: ['node2'], nodeSet: 'node2'},
					{status: 'running', nodes: ['node3'], nodeSet: 'node3'},
					{status: 'pending', nodes: ['node4'], nodeSet: 'node4'},
				],
			},
		]);
	});

	it('groups unreachable nodes by kind of failure, not by their per-address messages', () => {
		const ev = eventBuilder();
		const {state} = build([
			ev.runStarted([step(1, 'status', ['cron'], nodes)]),
			ev.stepStarted(1, nodes),
			ev.unreachable('node1', 'refused', 'connection refused by 10.0.0.1:22'),
			ev.unreachable('node2', 'refused', 'connection refused by 10.0.0.2:22'),
			ev.unreachable('node3', 'dns', 'name node3 does not resolve'),
			ev.unreachable('node4', 'refused', 'connection refused by 10.0.0.4:22'),
		]);
		expect(selectTaskGroups(state)[0]?.groups).toEqual([
			{status: 'unreachable', reason: 'refused, e.g. connection refused by 10.0.0.1:22', nodes: ['node1', 'node2', 'node4'], nodeSet: 'node[1-2,4]'},
			{status: 'unreachable', reason: 'name node3 does not resolve', nodes: ['node3'], nodeSet: 'node3'},
		]);
	});

	it('gathers identical output and exit code into one block, like clubak -b', () => {
		const {state, output} = scenario();
		expect(selectGathered(state, output, 1, 'nginx')).toEqual([
			{nodes: ['node1', 'node3'], nodeSet: 'node[1,3]', status: 'ok', exitCode: 0, lines: ['Active: active (running)'], cut: 0},
			{nodes: ['node2', 'node4'], nodeSet: 'node[2,4]', status: 'failed', exitCode: 4, lines: ['Unit nginx.service could not be found.'], cut: 0},
		]);
		// A skipped task ran nothing, a running one has not finished: neither is gathered.
		expect(selectGathered(state, output, 2, 'cron')).toEqual([{nodes: ['node1'], nodeSet: 'node1', status: 'ok', exitCode: 0, lines: [], cut: 0}]);
		expect(selectGathered(state, output, 9, 'nginx')).toEqual([]);
	});

	it('lays out a grid with one column per node when they fit', () => {
		const {state} = scenario();
		const grid = selectGrid(state, 10);
		expect(grid.columns.map(c => c.label)).toEqual(nodes);
		expect(grid.rows.map(row => `${row.step} ${row.service}: ${row.cells.map(cell => cell?.status).join(' ')}`)).toEqual([
			'1 nginx: ok failed ok failed',
			'2 cron: ok skipped running pending',
		]);
	});

	it('folds columns into node ranges with counts when they do not fit, showing the worst status', () => {
		const {state} = scenario();
		const grid = selectGrid(state, 2);
		expect(grid.columns.map(c => c.label)).toEqual(['node[1-2] (2)', 'node[3-4] (2)']);
		expect(grid.rows[0]?.cells).toEqual([
			{status: 'failed', counts: {ok: 1, failed: 1}},
			{status: 'failed', counts: {ok: 1, failed: 1}},
		]);
		expect(grid.rows[1]?.cells).toEqual([
			{status: 'skipped', counts: {ok: 1, skipped: 1}},
			{status: 'running', counts: {running: 1, pending: 1}},
		]);
	});

	it('shows what a status found as its state in groups and grid cells; a folded cell shows the worst state', () => {
		const ev = eventBuilder();
		const three = ['node1', 'node2', 'node3'];
		const {state} = build([
			ev.runStarted([step(1, 'status', ['nginx'], three), step(2, 'start', ['nginx'], ['node1'])]),
			ev.exited('node1', 1, 'nginx', 0, {state: 'active'}),
			ev.exited('node2', 1, 'nginx', 3, {outcome: 'ok', state: 'inactive'}),
			ev.exited('node3', 1, 'nginx', 4, {outcome: 'ok', state: 'not-installed'}),
			// A start that worked also knows the state after it, but its result is the plain ok of an action.
			ev.exited('node1', 2, 'nginx', 0, {state: 'active'}),
		]);
		expect(selectTaskGroups(state).map(row => row.groups.map(group => `${group.status} ${group.nodeSet}`))).toEqual([
			['service-running node1', 'service-stopped node2', 'service-not-installed node3'],
			['ok node1'],
		]);
		expect(selectGrid(state, 10).rows[0]?.cells.map(cell => cell?.status)).toEqual(['service-running', 'service-stopped', 'service-not-installed']);
		expect(selectGrid(state, 1).rows[0]?.cells).toEqual([{status: 'service-not-installed', counts: {'service-running': 1, 'service-stopped': 1, 'service-not-installed': 1}}]);
	});

	it('leaves a cell empty where the step does not touch the column’s nodes', () => {
		const ev = eventBuilder();
		const {state} = build([ev.runStarted([step(1, 'start', ['a'], ['n1']), step(2, 'start', ['b'], ['n2'])])]);
		expect(selectGrid(state, 5).rows.map(row => row.cells.map(cell => cell?.status ?? '-'))).toEqual([
			['pending', '-'],
			['-', 'pending'],
		]);
	});
});
