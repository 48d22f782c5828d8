import {describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {reduceRun} from '../../source/store/reduce-run.js';
import {initialRunState, type RunState} from '../../source/store/run-state.js';
import {counts, eventBuilder, step} from '../helpers/events.js';

function reduceAll(events: readonly ExecutorEvent[]): RunState {
	return events.reduce(reduceRun, initialRunState);
}

describe('reduceRun with rolling steps', () => {
	const steps = [step(1, 'restart', ['nginx'], ['node1', 'node2', 'node3']), step(2, 'status', ['cron'], ['node1'])];

	it('a verification keeps the task running, then fails it with the reason; a stop cancels what never ran', () => {
		const ev = eventBuilder();
		const at = () => ev.now;
		const state = reduceAll([
			ev.runStarted(steps),
			ev.stepStarted(1, ['node1', 'node2', 'node3']),
			{type: 'batch-started', at: at(), step: 1, batch: 1, batches: 3, nodes: ['node1']},
			ev.started('node1', 1, 'nginx'),
			ev.exited('node1', 1, 'nginx', 0),
			{type: 'verify-started', at: at(), node: 'node1', step: 1, service: 'nginx'},
		]);
		expect(state.tasks.get('1|nginx|node1')?.status).toBe('running');
		const after = [
			{type: 'verify-finished', at: at(), node: 'node1', step: 1, service: 'nginx', outcome: 'failed', reason: 'verify: nginx was active, then failed 2s after the restart', durationMs: 2000},
			{type: 'batch-finished', at: at(), step: 1, batch: 1, batches: 3, counts: counts({failed: 1}), failedNodes: 1, maxFail: 0},
			{type: 'rollout-stopped', at: at(), step: 1, afterBatch: 1, batches: 3, reason: 'max-fail', message: 'after batch 1 of 3 of step 1: 1 node failed (node1), more than max_fail allows (0)', done: ['node1'], notDone: ['node2', 'node3']},
		] satisfies ExecutorEvent[];
		const stopped = after.reduce(reduceRun, state);
		expect(stopped.tasks.get('1|nginx|node1')).toMatchObject({status: 'failed', reason: 'verify: nginx was active, then failed 2s after the restart'});
		for (const key of ['1|nginx|node2', '1|nginx|node3', '2|cron|node1']) {
			expect(stopped.tasks.get(key)).toMatchObject({status: 'cancelled', reason: 'not run: after batch 1 of 3 of step 1: 1 node failed (node1), more than max_fail allows (0)'});
		}
	});
});
