import {describe, expect, it} from 'vitest';
import {initialRolloutView, type RolloutView} from '../../source/tui/rollout-view.js';
import {createRunStore} from '../../source/store/run-store.js';
import {batchMarks, canaryLines, rolloutHeaderText, rolloutShown, rolloutState, steeringCount, steeringPrompt} from '../../source/ui/rollout-lines.js';
import {counts, eventBuilder, step} from '../helpers/events.js';

const settings = {hold: false, stop: false, waiting: false};
const view = (partial: Partial<RolloutView>): RolloutView => ({...initialRolloutView, ...partial});

describe('the rollout header', () => {
	it('marks batches done, running and waiting; none past 40 batches or with no batch', () => {
		expect(batchMarks({done: 2, running: 3, batches: 5})).toBe('[##>..]');
		expect(batchMarks({done: 2, batches: 5})).toBe('[##...]');
		expect(batchMarks({done: 5, batches: 5})).toBe('[#####]');
		expect(batchMarks({done: 0, batches: 40})).toBe(`[${'.'.repeat(40)}]`);
		expect(batchMarks({done: 0, batches: 41})).toBe('');
		expect(batchMarks({done: 0, batches: 0})).toBe('');
	});

	it('shows only when there is something to show', () => {
		expect(rolloutShown(undefined)).toBe(false);
		expect(rolloutShown(initialRolloutView)).toBe(false);
		expect(rolloutShown(view({batches: 1}))).toBe(true);
		expect(rolloutShown(view({waiting: 'held'}))).toBe(true);
		expect(rolloutShown(view({stopped: 'x'}))).toBe(true);
		for (const change of [{hold: true}, {stop: true}, {fanout: 2}, {batchSize: 3}]) {
			expect(rolloutShown(view({settings: {...settings, ...change}}))).toBe(true);
		}
	});

	it('says what happens before the next batch, most important first', () => {
		expect(rolloutState(initialRolloutView)).toBeUndefined();
		expect(rolloutState(view({waiting: 'pause'}))).toBe('pausing before the next batch');
		expect(rolloutState(view({settings: {...settings, hold: true}}))).toBe('pausing after this batch: c resumes');
		expect(rolloutState(view({settings: {...settings, hold: true, waiting: true}}))).toBe('PAUSED: c resumes');
		expect(rolloutState(view({waiting: 'held', settings: {...settings, hold: true}}))).toBe('PAUSED: c resumes');
		expect(rolloutState(view({waiting: 'canary', settings: {...settings, hold: true}}))).toBe('waiting for the canary answer');
		expect(rolloutState(view({waiting: 'canary', settings: {...settings, stop: true}}))).toBe('STOPPING: no new batch starts');
		expect(rolloutState(view({stopped: 'max-fail: too many', settings: {...settings, stop: true}}))).toBe('STOPPED (max-fail: too many)');
	});

	it('reads as one line: step, batch, marks, failures against max_fail, state, the admin\'s settings', () => {
		expect(rolloutHeaderText(view({step: 2, running: 3, done: 2, batches: 5, failedNodes: 1, maxFail: 2}))).toBe('rollout step 2: batch 3/5 [##>..] | failed nodes 1, max_fail 2');
		expect(rolloutHeaderText(view({step: 1, done: 1, batches: 3, settings: {...settings, hold: true, waiting: true, fanout: 4, batchSize: 2}}), '·')).toBe(
			'rollout step 1: 1/3 batches done [#..] · PAUSED: c resumes · failed nodes 0 · fanout 4 · batches of 2',
		);
		expect(rolloutHeaderText(view({done: 0, batches: 60, running: 1}))).toBe('rollout: batch 1/60 | failed nodes 0');
		expect(rolloutHeaderText(view({step: 3, waiting: 'held'}))).toBe('rollout step 3 | PAUSED: c resumes');
		expect(rolloutHeaderText(initialRolloutView)).toBe('rollout');
	});
});

describe('the canary question', () => {
	const ev = eventBuilder();
	const store = createRunStore({flushMs: 0});
	for (const event of [
		ev.runStarted([step(1, 'restart', ['svnope', 'cron'], ['n1', 'n2', 'n3', 'n4'])]),
		ev.stepStarted(1, ['n1', 'n2', 'n3', 'n4']),
		ev.started('n1', 1, 'svnope'),
		ev.output('n1', 1, 'svnope', ['Failed to restart svnope.service: Unit svnope.service not found.'], 'stderr'),
		ev.exited('n1', 1, 'svnope', 5),
		ev.started('n2', 1, 'svnope'),
		ev.exited('n2', 1, 'svnope', 0),
		ev.started('n1', 1, 'cron'),
		ev.exited('n1', 1, 'cron', 0),
		ev.started('n2', 1, 'cron'),
		ev.exited('n2', 1, 'cron', 0),
	]) {
		store.apply(event);
	}

	it('gives the verdict, then the failed nodes\' output first, per service', () => {
		const lines = canaryLines({step: 1, nodes: ['n1', 'n2'], counts: counts({ok: 3, failed: 1}), remaining: 2}, store.getSnapshot(), store.output);
		expect(lines.map(line => `${line.kind} ${line.text}`)).toEqual([
			'failed FAILED: 3 tasks ok, 1 failed on 2 canary nodes; 2 nodes wait',
			'failed svnope on n1 (1): failed exit 5',
			'output   Failed to restart svnope.service: Unit svnope.service not found.',
			'ok svnope on n2 (1): ok exit 0',
			'ok cron on n[1-2] (2): ok exit 0',
		]);
	});

	it('counts timed-out and unreachable as failed, says skipped, and says when there is no output', () => {
		const lines = canaryLines({step: 1, nodes: ['n3'], counts: counts({ok: 1, skipped: 2}), remaining: 1}, store.getSnapshot(), undefined);
		expect(lines.map(line => `${line.kind} ${line.text}`)).toEqual(['verdict ok: 1 task ok, 0 failed, 2 skipped on 1 canary node; 1 node wait', 'hint no output from the canary']);
		expect(canaryLines({step: 9, nodes: ['n1'], counts: counts({'timed-out': 1, unreachable: 1}), remaining: 0}, store.getSnapshot(), store.output)[0]?.text).toBe('FAILED: 0 tasks ok, 2 failed on 1 canary node; 0 nodes wait');
	});
});

describe('the prompts for the next batches', () => {
	it('take a whole number from 1 to 100000', () => {
		expect(['1', ' 42 ', '100000'].map(steeringCount)).toEqual([1, 42, 100_000]);
		expect(['', '0', '-1', '1.5', 'x', '100001', '1000000'].map(steeringCount)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
	});

	it('ask for the fanout or the batch size, starting from the one set', () => {
		const fanout = steeringPrompt('fanout', view({settings: {...settings, fanout: 8}}));
		expect(fanout).toMatchObject({title: 'Fanout for the next batches: most nodes worked on at once', label: 'Fanout', initial: '8'});
		expect(fanout.validate('3')).toEqual({ok: true, hint: '3 at once'});
		expect(fanout.validate('0')).toEqual({ok: false, message: 'a whole number from 1 to 100000'});
		const size = steeringPrompt('batch-size', undefined);
		expect(size).toMatchObject({title: 'Nodes per batch for the next batches (the canary and done batches stay)', label: 'Batch size', initial: ''});
		expect(size.validate('2')).toEqual({ok: true, hint: 'batches of 2'});
		expect(steeringPrompt('batch-size', view({settings: {...settings, fanout: 8, batchSize: 5}})).initial).toBe('5');
	});
});
