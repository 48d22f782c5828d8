import {describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {decisionText, initialRolloutView, reduceRollout, type RolloutView} from '../../source/tui/rollout-view.js';
import {counts} from '../helpers/events.js';

const at = {at: 1};
const fold = (events: ReadonlyArray<Record<string, unknown>>, from: RolloutView = initialRolloutView): RolloutView => events.reduce<RolloutView>((view, event) => reduceRollout(view, {...at, ...event} as ExecutorEvent), from);

describe('reduceRollout: the run pane\'s rollout header from the executor\'s events', () => {
	it('follows batches: running, done, waiting; failures against max_fail', () => {
		const started = fold([{type: 'step-started', step: 2, nodes: ['a', 'b', 'c']}]);
		expect(started).toEqual({...initialRolloutView, step: 2});
		const running = fold([{type: 'batch-started', step: 2, batch: 1, batches: 3, nodes: ['a']}], started);
		expect(running).toEqual({...initialRolloutView, step: 2, running: 1, batches: 3, done: 0});
		const done = fold([{type: 'batch-finished', step: 2, batch: 1, batches: 3, counts: counts({failed: 1}), failedNodes: 1, maxFail: 1}], running);
		expect(done).toEqual({...initialRolloutView, step: 2, batches: 3, done: 1, failedNodes: 1, maxFail: 1});
		const paused = fold([{type: 'rollout-paused', step: 2, afterBatch: 1, reason: 'canary'}], done);
		expect(paused.waiting).toBe('canary');
		expect(fold([{type: 'canary-decided', step: 2, decision: 'continue'}], paused)).toEqual(done);
		const next = fold([{type: 'batch-started', step: 2, batch: 2, batches: 2, nodes: ['b', 'c']}], paused);
		expect(next).toEqual({...done, running: 2, batches: 2, done: 1});
		const noLimit = fold([{type: 'batch-finished', step: 2, batch: 2, batches: 2, counts: counts(), failedNodes: 1}], next);
		expect(noLimit).toEqual({...done, batches: 2, done: 2});
	});

	it('a new step starts from zero, keeping the admin\'s settings; a new run too', () => {
		const settings = {hold: true, stop: false, waiting: false, fanout: 3};
		const busy: RolloutView = {step: 1, done: 2, running: 3, batches: 4, failedNodes: 2, maxFail: 3, waiting: 'pause', stopped: 'x', settings};
		expect(fold([{type: 'step-started', step: 2, nodes: []}], busy)).toEqual({step: 2, done: 0, batches: 0, failedNodes: 0, settings});
		expect(fold([{type: 'run-started', runId: 'r', plan: 'p', nodes: [], steps: []}], busy)).toEqual({...initialRolloutView, settings});
	});

	it('says why it stopped, and stops waiting', () => {
		const waiting: RolloutView = {...initialRolloutView, waiting: 'held'};
		expect(fold([{type: 'rollout-stopped', step: 1, afterBatch: 1, batches: 3, reason: 'admin-stopped', message: 'stopped by the admin', done: [], notDone: []}], waiting)).toEqual({
			...initialRolloutView,
			stopped: 'admin-stopped: stopped by the admin',
		});
	});

	it('leaves the view as it is for other events', () => {
		const view: RolloutView = {...initialRolloutView, waiting: 'pause'};
		for (const event of [{type: 'node-connecting', node: 'a'}, {type: 'step-finished', step: 1, counts: counts()}, {type: 'run-finished', outcome: 'ok', counts: counts(), durationMs: 1}]) {
			expect(reduceRollout(view, {...at, ...event} as ExecutorEvent)).toBe(view);
		}
	});

	it('words the canary decision', () => {
		expect(decisionText('continue')).toBe('canary accepted: the rollout goes on');
		expect(decisionText('stop')).toBe('canary rejected: the rollout stops; the later batches do not run');
	});
});
