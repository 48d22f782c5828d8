import {describe, expect, it} from 'vitest';
import {createLimiter} from '../../source/executor/limiter.js';
import {NodePool} from '../../source/executor/node-pool.js';
import {needsBarrier, runRollingStep, type CanaryPause} from '../../source/executor/rolling-step.js';
import type {TaskResult} from '../../source/executor/task-results.js';
import type {CanaryDecision} from '../../source/executor/events.js';
import type {StepOptions} from '../../source/plan/types.js';
import {step} from '../helpers/events.js';
import {eventLog, manualClock, transportOf} from '../helpers/scripted-session.js';

// runRollingStep on its own (issue 8's rollouts, issue 9 item 6): which steps run in batches, what each stop
// says, and the pause and canary between batches. rollout.test.ts runs the same through runPlan on fakes.

type Options = {
	readonly own: StepOptions;
	readonly nodes?: readonly string[];
	/** Nodes whose task fails. */
	readonly failing?: readonly string[];
	readonly onCanary?: (canary: CanaryPause) => Promise<CanaryDecision>;
	/** Abort when this node starts. */
	readonly abortAt?: string;
	readonly abort?: AbortController;
};

async function roll({own, nodes = ['n1', 'n2', 'n3'], failing = [], onCanary, abortAt, abort = new AbortController()}: Options) {
	const time = manualClock();
	const {events, emit} = eventLog();
	const pool = new NodePool({transport: transportOf({}), emit, signal: abort.signal, manager: 'auto'});
	const ran: string[] = [];
	const outcome = await runRollingStep({
		step: step(1, 'restart', ['a'], nodes),
		own,
		limiter: createLimiter(8),
		context: {pool, emit, clock: time.clock, signal: abort.signal, sleep: time.sleep},
		async onNode(node): Promise<TaskResult[]> {
			ran.push(node);
			if (node === abortAt) abort.abort();
			return [{step: 1, service: 'a', node, outcome: failing.includes(node) ? 'failed' : 'ok'}];
		},
		...(onCanary === undefined ? {} : {onCanary}),
	});
	return {outcome, events, ran, slept: time.slept};
}

const types = (events: ReadonlyArray<{type: string}>) => events.map(event => event.type);

describe('needsBarrier: the steps that run alone', () => {
	it.each<[string, boolean, StepOptions]>([
		['serial', true, {serial: [{count: 1}]}],
		['canary', true, {canary: 1}],
		['max_fail', true, {maxFail: {count: 0}}],
		['its own fanout', true, {fanout: 2}],
		['verify', true, {verify: {timeoutMs: 1000, settleMs: 0}}],
		['verify: false', false, {verify: false}],
		['sudo and a timeout only', false, {sudo: true, timeoutMs: 1000, pauseMs: 10}],
	])('%s: runs alone: %s', (_, expected, own) => {
		expect(needsBarrier(own)).toBe(expected);
	});
});

describe('runRollingStep', () => {
	it('max_fail alone makes the whole step one batch, reported as one', async () => {
		const {events, outcome} = await roll({own: {maxFail: {count: 1}}});
		expect(types(events)).toEqual(['step-started', 'batch-started', 'batch-finished', 'step-finished']);
		expect(events[1]).toStrictEqual({type: 'batch-started', step: 1, batch: 1, batches: 1, nodes: ['n1', 'n2', 'n3']});
		expect(events[2]).toMatchObject({type: 'batch-finished', batch: 1, batches: 1, failedNodes: 0, maxFail: 1});
		expect(Object.keys(outcome)).toEqual(['results']);
	});

	it('a step with only its own fanout is no rollout: no batch events', async () => {
		const {events} = await roll({own: {fanout: 1}});
		expect(types(events)).toEqual(['step-started', 'step-finished']);
	});

	it('batch-finished says no max_fail when the step has none', async () => {
		const {events} = await roll({own: {serial: [{count: 2}]}});
		expect(events.filter(event => event.type === 'batch-finished').map(event => 'maxFail' in event)).toEqual([false, false]);
	});

	it('too many failures in the only batch: the stop says "after step N", naming the failed nodes', async () => {
		const {outcome} = await roll({own: {maxFail: {count: 0}}, failing: ['n2']});
		expect(outcome.stopped).toEqual({step: 1, reason: 'max-fail', message: 'after step 1: 1 node failed (n2), more than max_fail allows (0)'});
	});

	it('too many failures after a batch of several: "after batch i of n", and the rest are not run, saying why', async () => {
		const {outcome, ran} = await roll({own: {serial: [{count: 1}], maxFail: {count: 0}}, failing: ['n1']});
		const message = 'after batch 1 of 3 of step 1: 1 node failed (n1), more than max_fail allows (0)';
		expect(outcome.stopped).toEqual({step: 1, reason: 'max-fail', message});
		expect(ran).toEqual(['n1']);
		expect(outcome.results.map(result => `${result.node} ${result.outcome} ${result.reason ?? ''}`)).toEqual(['n1 failed ', `n2 cancelled not run: ${message}`, `n3 cancelled not run: ${message}`]);
	});

	it('an interrupt during a batch stops after it: "interrupted after batch i of n of step N"', async () => {
		const {outcome, ran} = await roll({own: {serial: [{count: 1}]}, abortAt: 'n1'});
		expect(outcome.stopped).toEqual({step: 1, reason: 'interrupted', message: 'interrupted after batch 1 of 3 of step 1'});
		expect(ran).toEqual(['n1']);
	});

	it('pauses between batches for pause_ms, not after the last; a pause of 0 is none', async () => {
		const paused = await roll({own: {serial: [{count: 1}], pauseMs: 500}});
		expect(paused.slept).toEqual([500, 500]);
		expect(paused.events.filter(event => event.type === 'rollout-paused')).toEqual([
			{type: 'rollout-paused', step: 1, afterBatch: 1, reason: 'pause', ms: 500},
			{type: 'rollout-paused', step: 1, afterBatch: 2, reason: 'pause', ms: 500},
		]);
		const none = await roll({own: {serial: [{count: 1}], pauseMs: 0}});
		expect(none.slept).toEqual([]);
		expect(types(none.events)).not.toContain('rollout-paused');
	});

	it('an interrupt during the pause stops with "interrupted after batch i of n"', async () => {
		const abort = new AbortController();
		const time = manualClock();
		const {emit} = eventLog();
		const outcome = await runRollingStep({
			step: step(1, 'restart', ['a'], ['n1', 'n2']),
			own: {serial: [{count: 1}], pauseMs: 500},
			limiter: createLimiter(1),
			context: {pool: new NodePool({transport: transportOf({}), emit, signal: abort.signal, manager: 'auto'}), emit, clock: time.clock, signal: abort.signal, async sleep() {
				abort.abort();
			}},
			async onNode(node) {
				return [{step: 1, service: 'a', node, outcome: 'ok'}];
			},
		});
		expect(outcome.stopped).toEqual({step: 1, reason: 'interrupted', message: 'interrupted after batch 1 of 2 of step 1'});
	});

	it('a canary the admin stops: the message names the canary\'s nodes; without anyone to ask, it goes on', async () => {
		const stopped = await roll({own: {canary: 1}, onCanary: async () => 'stop'});
		expect(stopped.outcome.stopped).toEqual({step: 1, reason: 'canary-stopped', message: 'stopped by the admin after the canary batch (n1) of step 1'});
		const unasked = await roll({own: {canary: 1}});
		expect(unasked.outcome.stopped).toBeUndefined();
		expect(unasked.events.filter(event => event.type === 'canary-decided')).toEqual([{type: 'canary-decided', step: 1, decision: 'continue'}]);
		expect(unasked.ran).toEqual(['n1', 'n2', 'n3']);
	});

	it('an interrupt while the canary waits for its answer stops the rollout as interrupted, not as the canary\'s stop', async () => {
		const abort = new AbortController();
		const {outcome, events} = await roll({
			own: {canary: 1},
			abort,
			async onCanary() {
				abort.abort();
				return new Promise<CanaryDecision>(() => {
					// Never answered: the abort decides.
				});
			},
		});
		expect(events.filter(event => event.type === 'canary-decided')).toEqual([{type: 'canary-decided', step: 1, decision: 'stop'}]);
		expect(outcome.stopped).toEqual({step: 1, reason: 'interrupted', message: 'interrupted after batch 1 of 2 of step 1'});
	});
});
