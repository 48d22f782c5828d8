import {afterEach, describe, expect, it, vi} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {createExternalStore, globalTimer, sharedFlushTimer, type FlushTimer} from '../../source/store/external-store.js';
import {OutputLog} from '../../source/store/output-log.js';
import {reduceRun} from '../../source/store/reduce-run.js';
import {RingBuffer} from '../../source/store/ring-buffer.js';
import {initialRunState, shownStatus, taskKey, type RunState} from '../../source/store/run-state.js';
import {createRunStore} from '../../source/store/run-store.js';
import {selectGrid, selectStepProgress, selectTaskGroups} from '../../source/store/selectors.js';
import {eventBuilder, step} from '../helpers/events.js';

/** A timer that records what the store asked of it and fires by hand. */
function recordingTimer(): FlushTimer & {delays: number[]; cleared: unknown[]; fire(): void} {
	const due = new Map<number, () => void>();
	let next = 0;
	return {
		delays: [],
		cleared: [],
		setTimeout(callback, ms) {
			this.delays.push(ms);
			due.set(++next, callback);
			return next;
		},
		clearTimeout(handle) {
			this.cleared.push(handle);
			due.delete(handle as number);
		},
		fire() {
			const callbacks = [...due.values()];
			due.clear();
			for (const callback of callbacks) callback();
		},
	};
}

const reduceAll = (events: readonly ExecutorEvent[], state: RunState = initialRunState): RunState => events.reduce(reduceRun, state);

describe('createExternalStore', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it('batches "later" changes behind one 40 ms timer by default, and tells listeners once when it fires', () => {
		const timer = recordingTimer();
		const store = createExternalStore(0, {timer});
		const heard: number[] = [];
		store.subscribe(() => heard.push(store.get()));
		store.set(value => value + 1, 'later');
		store.set(value => value + 1, 'later');
		expect(timer.delays).toEqual([40]);
		expect(store.get()).toBe(2);
		expect(heard).toEqual([]);
		timer.fire();
		expect(heard).toEqual([2]);
		// Nothing changed since: a flush tells no one.
		store.flush();
		expect(heard).toEqual([2]);
	});

	it('tells listeners at once by default, and a "now" change takes a pending timer with it', () => {
		const timer = recordingTimer();
		const store = createExternalStore('a', {timer, flushMs: 5});
		const heard: string[] = [];
		store.subscribe(() => heard.push(store.get()));
		store.set(() => 'b', 'later');
		expect(timer.delays).toEqual([5]);
		store.set(() => 'c');
		expect(heard).toEqual(['c']);
		expect(timer.cleared).toEqual([1]);
		timer.fire();
		expect(heard).toEqual(['c']);
	});

	it('a change that returns the same value tells no one and schedules nothing', () => {
		const timer = recordingTimer();
		const store = createExternalStore({n: 1}, {timer});
		const listener = vi.fn();
		store.subscribe(listener);
		store.set(value => value, 'later');
		store.set(value => value);
		expect(timer.delays).toEqual([]);
		expect(listener).not.toHaveBeenCalled();
	});

	it('a fresh store has nothing to tell; flush and dispose clear a pending timer, and only then', () => {
		const timer = recordingTimer();
		const store = createExternalStore(0, {timer});
		const listener = vi.fn();
		const unsubscribe = store.subscribe(listener);
		store.flush();
		store.dispose();
		expect(listener).not.toHaveBeenCalled();
		expect(timer.cleared).toEqual([]);
		store.set(value => value + 1, 'later');
		store.dispose();
		expect(timer.cleared).toEqual([1]);
		timer.fire();
		expect(listener).not.toHaveBeenCalled();
		store.flush();
		expect(listener).toHaveBeenCalledTimes(1);
		unsubscribe();
		store.set(value => value + 1);
		expect(listener).toHaveBeenCalledTimes(1);
	});

	it('the global timer waits the given time, and a cleared one never fires', () => {
		vi.useFakeTimers();
		const fired: string[] = [];
		globalTimer.setTimeout(() => fired.push('kept'), 30);
		const dropped = globalTimer.setTimeout(() => fired.push('dropped'), 30);
		globalTimer.clearTimeout(dropped);
		vi.advanceTimersByTime(29);
		expect(fired).toEqual([]);
		vi.advanceTimersByTime(1);
		expect(fired).toEqual(['kept']);
	});
});

describe('ExternalStore.published', () => {
	it('is the value listeners were last told about: a "later" change shows in get() at once and in published() at the flush', () => {
		const timer = recordingTimer();
		const store = createExternalStore(1, {timer});
		expect(store.published()).toBe(1);
		store.set(value => value + 1, 'later');
		expect([store.get(), store.published()]).toEqual([2, 1]);
		timer.fire();
		expect(store.published()).toBe(2);
		store.set(value => value + 1);
		expect([store.get(), store.published()]).toEqual([3, 3]);
		store.set(value => value + 1, 'later');
		store.flush();
		expect(store.published()).toBe(4);
	});
});

describe('sharedFlushTimer', () => {
	it('flushes every store that asked before its tick in that one tick, so they wake React once', () => {
		const clock = recordingTimer();
		const shared = sharedFlushTimer(clock);
		const state = createExternalStore('a', {timer: shared, flushMs: 100});
		const run = createExternalStore(0, {timer: shared, flushMs: 100});
		const heard: string[] = [];
		state.subscribe(() => heard.push(`state ${state.get()}`));
		run.subscribe(() => heard.push(`run ${run.get()}`));
		run.set(value => value + 1, 'later');
		state.set(() => 'b', 'later');
		run.set(value => value + 1, 'later');
		// One timer under both stores, asked once.
		expect(clock.delays).toEqual([100]);
		expect(heard).toEqual([]);
		clock.fire();
		expect(heard).toEqual(['run 2', 'state b']);
		// The next change starts the next tick.
		state.set(() => 'c', 'later');
		expect(clock.delays).toEqual([100, 100]);
		clock.fire();
		expect(heard).toEqual(['run 2', 'state b', 'state c']);
	});

	it('a store that tells at once brings the others\' waiting news with it, in the same task (one render)', () => {
		const clock = recordingTimer();
		const shared = sharedFlushTimer(clock);
		const state = createExternalStore('a', {timer: shared});
		const run = createExternalStore(0, {timer: shared});
		const heard: string[] = [];
		state.subscribe(() => heard.push(`state ${state.get()}`));
		run.subscribe(() => heard.push(`run ${run.get()}`));
		state.set(() => 'b', 'later');
		run.set(value => value + 1, 'later');
		// The canary's question (at once) and the canary's output (waiting in the run's store) come together.
		state.set(() => 'c');
		expect(heard).toEqual(['run 1', 'state c']);
		expect(run.published()).toBe(1);
		expect(clock.cleared).toEqual([1]);
		clock.fire();
		expect(heard).toEqual(['run 1', 'state c']);
	});

	it('the clock stops when nobody waits any more', () => {
		const clock = recordingTimer();
		const shared = sharedFlushTimer(clock);
		const state = createExternalStore('a', {timer: shared});
		const run = createExternalStore(0, {timer: shared});
		const heard: string[] = [];
		run.subscribe(() => heard.push(`run ${run.get()}`));
		state.set(() => 'b', 'later');
		run.set(value => value + 1, 'later');
		state.dispose();
		expect(clock.cleared).toEqual([]);
		run.dispose();
		expect(clock.cleared).toEqual([1]);
		clock.fire();
		expect(heard).toEqual([]);
	});
});

describe('reduceRun edges', () => {
	const plan = [step(1, 'start', ['cron'], ['node1', 'node2']), step(2, 'status', ['cron'], ['node1', 'node2'])];

	it('says how long a command ran before it timed out the way the executor does', () => {
		const cases: Array<[number, string]> = [
			[500, '500ms'],
			[999, '999ms'],
			[1000, '1s'],
			[1500, '1.5s'],
			[59_999, '60s'],
			[60_000, '1m'],
			[90_000, '90s'],
			[120_000, '2m'],
		];
		for (const [afterMs, shown] of cases) {
			const ev = eventBuilder();
			const state = reduceAll([ev.runStarted(plan), ev.stepStarted(1, ['node1']), ev.started('node1', 1, 'cron'), ev.timedOut('node1', 1, 'cron', afterMs)]);
			expect(state.tasks.get(taskKey(1, 'cron', 'node1'))?.reason).toBe(`timed out after ${shown}`);
		}
	});

	it('stamps every event\'s time on the state it returns, leaves its input alone, and returns the same state for an event already seen', () => {
		const ev = eventBuilder();
		const started = reduceAll([ev.runStarted(plan)]);
		const batch: ExecutorEvent = {type: 'batch-started', at: 5_000_000, step: 1, batch: 1, batches: 2, nodes: ['node1']};
		const stamped = reduceRun(started, batch);
		expect(stamped.lastEventAt).toBe(5_000_000);
		expect(started.lastEventAt).toBe(1_000_000);
		expect(stamped.tasks).toBe(started.tasks);
		expect(reduceRun(stamped, batch)).toBe(stamped);
		const output = ev.output('node1', 1, 'cron', ['hello']);
		const counted = reduceRun(stamped, output);
		expect([counted.outputRev, counted.lastEventAt, stamped.outputRev, stamped.lastEventAt]).toEqual([1, output.at, 0, 5_000_000]);
	});

	it('rollout pauses and canary decisions change nothing but the time', () => {
		const ev = eventBuilder();
		const state = reduceAll([ev.runStarted(plan), ev.stepStarted(1, ['node1', 'node2'])]);
		for (const event of [
			{type: 'rollout-paused', at: 7, step: 1, afterBatch: 1, reason: 'canary'},
			{type: 'canary-decided', at: 8, step: 1, decision: 'continue'},
			{type: 'batch-finished', at: 9, step: 1, batch: 1, batches: 2, counts: state.counts ?? {ok: 0, failed: 0, 'timed-out': 0, unreachable: 0, skipped: 0, cancelled: 0}, failedNodes: 0},
		] as ExecutorEvent[]) {
			expect(reduceRun(state, event)).toEqual({...state, lastEventAt: event.at});
		}
	});

	it('connecting marks only the current step\'s pending tasks; connected turns back only those; an unknown node changes nothing', () => {
		const ev = eventBuilder();
		let state = reduceAll([ev.runStarted(plan), ev.stepStarted(1, ['node1', 'node2']), ev.started('node2', 1, 'cron')]);
		state = reduceAll([ev.connecting('node1'), ev.connecting('node2')], state);
		expect(state.tasks.get(taskKey(1, 'cron', 'node1'))?.status).toBe('connecting');
		expect(state.tasks.get(taskKey(2, 'cron', 'node1'))?.status).toBe('pending');
		expect(state.tasks.get(taskKey(1, 'cron', 'node2'))?.status).toBe('running');
		state = reduceAll([ev.connected('node1'), ev.connected('node2')], state);
		expect(state.tasks.get(taskKey(1, 'cron', 'node1'))?.status).toBe('pending');
		expect(state.tasks.get(taskKey(1, 'cron', 'node2'))?.status).toBe('running');
		const unknown = reduceRun(state, ev.connecting('node9'));
		expect(unknown.nodes).toBe(state.nodes);
		expect(unknown.tasks).toBe(state.tasks);
	});

	it('a change that keeps a task\'s status keeps the counts as they were', () => {
		const ev = eventBuilder();
		const running = reduceAll([ev.runStarted(plan), ev.stepStarted(1, ['node1']), ev.started('node1', 1, 'cron')]);
		const again = reduceRun(running, ev.started('node1', 1, 'cron', 'service cron start'));
		expect(again.tasks.get(taskKey(1, 'cron', 'node1'))?.command).toBe('service cron start');
		expect(again.statusCounts).toBe(running.statusCounts);
		expect(again.stepStatusCounts).toBe(running.stepStatusCounts);
	});

	it('a verified task keeps no reason key when verify gives none; a run that ends well cancels nothing', () => {
		const ev = eventBuilder();
		let state = reduceAll([ev.runStarted(plan), ev.stepStarted(1, ['node1']), ev.started('node1', 1, 'cron')]);
		state = reduceRun(state, {type: 'verify-started', at: ev.now, node: 'node1', step: 1, service: 'cron'});
		state = reduceRun(state, {type: 'verify-finished', at: ev.now + 1, node: 'node1', step: 1, service: 'cron', outcome: 'ok', durationMs: 3});
		const task = state.tasks.get(taskKey(1, 'cron', 'node1'));
		expect(task?.status).toBe('ok');
		expect(task !== undefined && 'reason' in task).toBe(false);
		const finished = reduceRun(state, ev.runFinished('ok'));
		expect(finished.tasks.get(taskKey(2, 'cron', 'node1'))?.status).toBe('pending');
		expect(finished.statusCounts.cancelled).toBe(0);
	});
});

describe('run state, selectors and buffers at their edges', () => {
	it('starts idle and empty', () => {
		expect(initialRunState.phase).toBe('idle');
		expect([initialRunState.steps, initialRunState.nodeOrder, initialRunState.taskOrder]).toEqual([[], [], []]);
		expect([initialRunState.nodes.size, initialRunState.tasks.size, initialRunState.nodes.values(), initialRunState.tasks.values()]).toEqual([0, 0, [], []]);
	});

	it('shows a service state only for an ok status query that got one', () => {
		expect(shownStatus({status: 'ok', state: 'active'}, 'status')).toBe('service-running');
		expect(shownStatus({status: 'ok'}, 'status')).toBe('ok');
		expect(shownStatus({status: 'ok', state: 'active'}, 'start')).toBe('ok');
		expect(shownStatus({status: 'failed', state: 'failed'}, 'status')).toBe('failed');
	});

	it('step progress: failures include timeouts, running includes connecting, an estimate only while some but not all are done', () => {
		const nodes = ['node1', 'node2', 'node3', 'node4', 'node5'];
		const ev = eventBuilder(0);
		let state = reduceAll([ev.runStarted([step(1, 'start', ['cron'], nodes)]), ev.stepStarted(1, nodes)]);
		expect(selectStepProgress(state, 1)).toEqual({step: 1, total: 5, done: 0, ok: 0, failed: 0, skipped: 0, unreachable: 0, cancelled: 0, running: 0, elapsedMs: 0});
		state = reduceAll([ev.connecting('node1'), ev.started('node2', 1, 'cron'), ev.started('node3', 1, 'cron'), ev.timedOut('node3', 1, 'cron'), ev.started('node4', 1, 'cron'), ev.exited('node4', 1, 'cron', 1)], state);
		const progress = selectStepProgress(state, 1);
		expect(progress).toMatchObject({done: 2, failed: 2, running: 2, elapsedMs: state.lastEventAt! - 10});
		expect(progress.etaMs).toBe(Math.round((progress.elapsedMs / 2) * 3));
		expect(selectStepProgress(state, 1, 1000).elapsedMs).toBe(990);
		expect(selectStepProgress(state, 7)).toMatchObject({total: 0, elapsedMs: 0});
		expect('etaMs' in selectStepProgress(state, 7)).toBe(false);
	});

	it('task groups: worst last by status order, ok nodes fold whatever they said, reasons split other groups', () => {
		const ev = eventBuilder();
		const nodes = ['node1', 'node2', 'node3', 'node4'];
		const state = reduceAll([
			ev.runStarted([step(1, 'start', ['cron'], nodes)]),
			ev.stepStarted(1, nodes),
			ev.exited('node1', 1, 'cron', 1, {reason: 'boom'}),
			ev.exited('node2', 1, 'cron', 0, {reason: 'said something'}),
			ev.exited('node3', 1, 'cron', 0),
			ev.exited('node4', 1, 'cron', 1, {reason: 'bang'}),
		]);
		const [row] = selectTaskGroups(state);
		expect(row?.groups).toEqual([
			{status: 'ok', nodes: ['node2', 'node3'], nodeSet: 'node[2-3]'},
			{status: 'failed', reason: 'boom', nodes: ['node1'], nodeSet: 'node1'},
			{status: 'failed', reason: 'bang', nodes: ['node4'], nodeSet: 'node4'},
		]);
	});

	it('a grid cell of several nodes shows the first of equally bad statuses and counts them all', () => {
		const ev = eventBuilder();
		const nodes = ['node1', 'node2'];
		const state = reduceAll([ev.runStarted([step(1, 'status', ['cron'], nodes)]), ev.stepStarted(1, nodes), ev.exited('node1', 1, 'cron', 0, {state: 'active'}), ev.exited('node2', 1, 'cron', 0)]);
		const grid = selectGrid(state, 1);
		expect(grid.rows[0]?.cells).toEqual([{status: 'service-running', counts: {'service-running': 1, ok: 1}}]);
	});

	it('ring buffer: capacity 1 is fine, 0 says what is wrong; negative ends count from the end', () => {
		const one = new RingBuffer<number>(1);
		one.push(1, 2);
		expect([one.toArray(), one.dropped]).toEqual([[2], 1]);
		expect(() => new RingBuffer(0)).toThrow('ring buffer capacity must be a positive integer, got 0');
		const buffer = new RingBuffer<number>(5);
		buffer.push(1, 2, 3);
		expect(buffer.toArray(0, -1)).toEqual([1, 2]);
		expect(buffer.toArray(-2)).toEqual([2, 3]);
		expect(buffer.toArray(1, 2)).toEqual([2]);
	});

	it('output of a node that printed nothing is empty, with nothing dropped', () => {
		const log = new OutputLog(2);
		expect([log.lines('node1'), log.dropped('node1'), log.received('node1', 1, 'cron')]).toEqual([[], 0, 0]);
	});

	it('the run store tells listeners about the end of the run at once, without waiting for its timer', () => {
		const timer = recordingTimer();
		const store = createRunStore({timer});
		const listener = vi.fn();
		store.subscribe(listener);
		const ev = eventBuilder();
		store.apply(ev.runStarted([step(1, 'start', ['cron'], ['node1'])]));
		expect(listener).not.toHaveBeenCalled();
		store.apply(ev.runFinished('ok'));
		expect(listener).toHaveBeenCalledTimes(1);
		expect(store.getSnapshot().phase).toBe('finished');
	});
});
