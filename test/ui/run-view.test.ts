import {describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {reduceRun} from '../../source/store/reduce-run.js';
import {initialRunState, type RunState} from '../../source/store/run-state.js';
import {selectGrid} from '../../source/store/selectors.js';
import {nextFailed, nodeAt} from '../../source/ui/run-view.js';
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
