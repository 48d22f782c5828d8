import {describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {emptyRolloutLog, foldRollout, rolloutRecapLines, type RolloutLog} from '../../source/report/rollout.js';
import {formatNdjson, createNdjsonWriter} from '../../source/report/ndjson.js';
import {counts, eventBuilder, step} from '../helpers/events.js';

/** Fold events one by one; the lines they give, and the log at the end. */
function folded(events: readonly ExecutorEvent[], start: RolloutLog = emptyRolloutLog): {log: RolloutLog; lines: string[]} {
	let log = start;
	const lines: string[] = [];
	for (const event of events) {
		const next = foldRollout(log, event);
		log = next.log;
		if (next.line !== undefined) {
			lines.push(next.line);
		}
	}

	return {log, lines};
}

const at = 1000;
const steps = [step(1, 'restart', ['nginx'], ['n1', 'n2', 'n3', 'n4']), step(2, 'restart', ['cron'], ['n1']), step(3, 'start', ['db'], ['n1'])];

describe('the rollout part of the headless report', () => {
	it('says each batch with the counts that matter, and the failure threshold when there is one', () => {
		const {lines} = folded([
			eventBuilder().runStarted(steps),
			{type: 'batch-started', at, step: 1, batch: 1, batches: 3, nodes: ['n1']},
			{type: 'batch-finished', at, step: 1, batch: 1, batches: 3, counts: counts({ok: 1}), failedNodes: 0},
			{type: 'batch-finished', at, step: 1, batch: 2, batches: 3, counts: counts({failed: 1, 'timed-out': 2, unreachable: 1, cancelled: 3}), failedNodes: 4, maxFail: 5},
		] as ExecutorEvent[]);
		expect(lines).toEqual([
			'step 1 batch 1/3: ok=1 failed=0\n',
			'step 1 batch 2/3: ok=0 failed=1 timed-out=2 unreachable=1 cancelled=3; failed nodes so far 4, max_fail 5\n',
		]);
	});

	it('says pauses (with their length when known), the canary\'s wait and its decision', () => {
		const {lines, log} = folded([
			{type: 'rollout-paused', at, step: 2, afterBatch: 1, reason: 'canary'},
			{type: 'rollout-paused', at, step: 2, afterBatch: 1, reason: 'pause', ms: 1500},
			{type: 'rollout-paused', at, step: 2, afterBatch: 1, reason: 'pause'},
			{type: 'canary-decided', at, step: 2, decision: 'continue'},
			{type: 'canary-decided', at, step: 2, decision: 'stop'},
		] as ExecutorEvent[]);
		expect(lines).toEqual([
			'step 2: canary batch done; waiting for the go-ahead\n',
			'step 2: pausing 1.5s before the next batch\n',
			'step 2: pausing before the next batch\n',
			'step 2: canary passed: the rollout continues\n',
			'step 2: canary rejected: the rollout stops\n',
		]);
		expect(log).toBe(emptyRolloutLog);
	});

	it('says where and why a rollout stopped, what was done and what not, input shown safely', () => {
		const stop = (done: string[], notDone: string[]): ExecutorEvent => ({type: 'rollout-stopped', at, step: 1, afterBatch: 2, batches: 3, reason: 'max-fail', message: 'too many\u001B[2J', done, notDone});
		expect(folded([stop(['n1', 'n2'], ['n3', 'n4'])]).lines).toEqual([String.raw`ROLLOUT STOPPED at step 1 (max-fail): too many\x1b[2J; done: n[1-2]; not done: n[3-4]` + '\n']);
		expect(folded([stop([], [])]).lines).toEqual([String.raw`ROLLOUT STOPPED at step 1 (max-fail): too many\x1b[2J` + '\n']);
		expect(folded([stop(['bad\u0007'], [])]).lines).toEqual([String.raw`ROLLOUT STOPPED at step 1 (max-fail): too many\x1b[2J; done: bad\x07` + '\n']);
	});

	it('sums up each rolling or verified step in the RECAP, and the steps a stop left out', () => {
		const {log} = folded([
			eventBuilder().runStarted(steps),
			{type: 'batch-started', at, step: 1, batch: 1, batches: 3, nodes: ['n1']},
			{type: 'batch-finished', at, step: 1, batch: 1, batches: 3, counts: counts({ok: 1}), failedNodes: 0},
			{type: 'verify-finished', at, node: 'n1', step: 1, service: 'nginx', outcome: 'ok', durationMs: 5},
			{type: 'verify-finished', at, node: 'n2', step: 1, service: 'nginx', outcome: 'failed', reason: 'x', durationMs: 5},
			{type: 'verify-finished', at, node: 'n3', step: 1, service: 'nginx', outcome: 'ok', durationMs: 5},
			{type: 'batch-finished', at, step: 1, batch: 2, batches: 3, counts: counts({ok: 1}), failedNodes: 1},
			{type: 'rollout-stopped', at, step: 1, afterBatch: 2, batches: 3, reason: 'max-fail', message: 'more than max_fail', done: ['n1', 'n2'], notDone: ['n3', 'n4']},
		] as ExecutorEvent[]);
		expect(log.stoppedAt).toBe(1);
		expect(log.steps.get(1)?.done).toEqual(['n1', 'n2']);
		expect(rolloutRecapLines(log)).toEqual([
			'1 rollout: 2 of 3 batches, verified ok=2 failed=1, STOPPED (max-fail): more than max_fail',
			'2 rollout: not run (the rollout stopped at step 1)',
			'3 rollout: not run (the rollout stopped at step 1)',
		]);
	});

	it('says complete for a rollout that ran to its end, and nothing for steps that did not roll', () => {
		const {log} = folded([
			eventBuilder().runStarted(steps),
			{type: 'batch-started', at, step: 2, batch: 1, batches: 1, nodes: ['n1']},
			{type: 'batch-finished', at, step: 2, batch: 1, batches: 1, counts: counts({ok: 1}), failedNodes: 0},
			{type: 'verify-finished', at, node: 'n1', step: 3, service: 'db', outcome: 'ok', durationMs: 5},
		] as ExecutorEvent[]);
		expect(rolloutRecapLines(log)).toEqual(['2 rollout: 1 of 1 batches, complete', '3 rollout: verified ok=1 failed=0, complete']);
		expect(rolloutRecapLines(emptyRolloutLog)).toEqual([]);
	});

	it('never changes the log it was given', () => {
		const {log} = folded([eventBuilder().runStarted(steps), {type: 'batch-started', at, step: 1, batch: 1, batches: 3, nodes: ['n1']} as ExecutorEvent]);
		const before = structuredClone([...log.steps]);
		folded([
			{type: 'batch-finished', at, step: 1, batch: 1, batches: 3, counts: counts({ok: 1}), failedNodes: 0},
			{type: 'verify-finished', at, node: 'n1', step: 1, service: 'nginx', outcome: 'ok', durationMs: 5},
			{type: 'rollout-stopped', at, step: 1, afterBatch: 1, batches: 3, reason: 'canary-stopped', message: 'm', done: ['n1'], notDone: []},
		] as ExecutorEvent[], log);
		expect([...log.steps]).toEqual(before);
		expect(log.stoppedAt).toBeUndefined();
	});

	it('names as not run only the steps after the one that stopped, and keeps what was done through later events', () => {
		const {log} = folded([
			eventBuilder().runStarted(steps),
			{type: 'rollout-stopped', at, step: 2, afterBatch: 1, batches: 2, reason: 'canary-stopped', message: 'rejected', done: ['n1'], notDone: []},
			{type: 'verify-finished', at, node: 'n1', step: 2, service: 'cron', outcome: 'ok', durationMs: 5},
		] as ExecutorEvent[]);
		expect(log.steps.get(2)?.done).toEqual(['n1']);
		expect(rolloutRecapLines(log)).toEqual([
			'2 rollout: verified ok=1 failed=0, STOPPED (canary-stopped): rejected',
			'3 rollout: not run (the rollout stopped at step 2)',
		]);
	});

	it('starts empty, and refuses an event it does not know', () => {
		expect(emptyRolloutLog).toEqual({steps: new Map(), planned: []});
		expect(() => foldRollout(emptyRolloutLog, {type: 'no-such-event', at} as unknown as ExecutorEvent)).toThrow();
	});

	it('a new run starts from an empty log', () => {
		const {log} = folded([
			eventBuilder().runStarted(steps),
			{type: 'rollout-stopped', at, step: 1, afterBatch: 1, batches: 3, reason: 'canary-stopped', message: 'm', done: [], notDone: []},
			eventBuilder().runStarted([step(4, 'start', ['x'], ['n1'])]),
		] as ExecutorEvent[]);
		expect(log).toEqual({steps: new Map(), planned: [4]});
	});
});

describe('ndjson', () => {
	it('writes each event as one JSON line, as it comes', () => {
		const event = eventBuilder().connected('n1');
		expect(formatNdjson(event)).toBe(`${JSON.stringify(event)}\n`);
		const written: string[] = [];
		const sink = createNdjsonWriter(text => written.push(text));
		sink(event);
		sink(event);
		expect(written).toEqual([`${JSON.stringify(event)}\n`, `${JSON.stringify(event)}\n`]);
	});
});
