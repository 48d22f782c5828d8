import {describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {reduceRun} from '../../source/store/reduce-run.js';
import {initialRunState, shownStatus, taskKey, worse, type RunState, type ShownStatus} from '../../source/store/run-state.js';
import {createRunStore} from '../../source/store/run-store.js';
import {RingBuffer} from '../../source/store/ring-buffer.js';
import {eventBuilder, step} from '../helpers/events.js';
import {manualTimer} from '../helpers/manual-timer.js';

function reduceAll(events: readonly ExecutorEvent[], state: RunState = initialRunState): RunState {
	return events.reduce(reduceRun, state);
}

/** Numbers in [0, 1) from a seed, the same every run (a linear congruential generator). */
function seeded(seed: number): () => number {
	let value = seed;
	return () => {
		value = (value * 1_103_515_245 + 12_345) % 2_147_483_648;
		return value / 2_147_483_648;
	};
}

const steps = [step(1, 'start', ['cron', 'nginx'], ['node1', 'node2']), step(2, 'restart', ['cron'], ['node1', 'node2'])];

describe('reduceRun', () => {
	it('keeps the run and per-step status counts equal to a count over every task, event after event', () => {
		const nodes = Array.from({length: 40}, (_, index) => `node${index + 1}`);
		const plan = [step(1, 'start', ['cron', 'nginx'], nodes), step(2, 'restart', ['cron'], nodes.slice(0, 30))];
		const ev = eventBuilder();
		const next = seeded(7);

		let state = reduceAll([ev.runStarted(plan), ev.stepStarted(1, nodes)]);
		for (let index = 0; index < 400; index++) {
			const node = nodes[Math.floor(next() * nodes.length)] ?? 'node1';
			const service = next() < 0.5 ? 'cron' : 'nginx';
			const stepIndex = next() < 0.7 ? 1 : 2;
			const pick = next();
			const event =
				pick < 0.15 ? ev.connecting(node)
				: pick < 0.3 ? ev.connected(node)
				: pick < 0.35 ? ev.unreachable(node)
				: pick < 0.55 ? ev.started(node, stepIndex, service)
				: pick < 0.8 ? ev.exited(node, stepIndex, service, next() < 0.7 ? 0 : 3)
				: pick < 0.9 ? ev.skipped(node, stepIndex, service, 'dependency ssh is not running')
				: pick < 0.97 ? ev.timedOut(node, stepIndex, service)
				: ev.stepStarted(2, nodes.slice(0, 30));
			state = reduceRun(state, event);
			const recount = (where: (status: string, stepOf: number) => boolean) => {
				const counts: Record<string, number> = {};
				for (const task of state.tasks.values()) if (where(task.status, task.step)) counts[task.status] = (counts[task.status] ?? 0) + 1;
				return counts;
			};

			const nonZero = (counts: Readonly<Record<string, number>>) => Object.fromEntries(Object.entries(counts).filter(([, count]) => count !== 0));
			expect(nonZero(state.statusCounts), `after event ${index}`).toEqual(recount(() => true));
			expect(nonZero(state.stepStatusCounts[1] ?? {})).toEqual(recount((_, stepOf) => stepOf === 1));
			expect(nonZero(state.stepStatusCounts[2] ?? {})).toEqual(recount((_, stepOf) => stepOf === 2));
		}

		state = reduceRun(state, ev.runFinished('aborted'));
		expect(state.statusCounts.pending + state.statusCounts.running + state.statusCounts.connecting).toBe(0);
		expect(state.statusCounts.cancelled).toBe(state.tasks.values().filter(task => task.status === 'cancelled').length);
	});

	it('keeps each node\'s outcome equal to the worst shown status of its tasks, event after event', () => {
		const nodes = Array.from({length: 30}, (_, index) => `node${index + 1}`);
		// Step 1 a status query (its states show in place of ok), step 2 on some nodes; node31 has no task.
		const plan = [step(1, 'status', ['cron', 'nginx'], nodes), step(2, 'restart', ['cron'], nodes.slice(0, 20))];
		const ev = eventBuilder();
		const next = seeded(11);

		const actions = new Map(plan.map(entry => [entry.index, entry.action]));
		const worstOf = (state: RunState, node: string): ShownStatus | undefined => {
			let outcome: ShownStatus | undefined;
			for (const task of state.tasks.values()) {
				if (task.node === node) {
					const status = shownStatus(task, actions.get(task.step) ?? 'status');
					outcome = outcome === undefined ? status : worse(outcome, status);
				}
			}

			return outcome;
		};

		const runStart = ev.runStarted(plan);
		let state = reduceAll([{...runStart, nodes: [...nodes, 'node31']} as ExecutorEvent, ev.stepStarted(1, nodes)]);
		expect(state.nodeOutcomes.get('node1')).toBe('pending');
		expect(state.nodeOutcomes.get('node31')).toBeUndefined();
		const states = ['active', 'inactive', 'failed', 'not-installed'] as const;
		for (let index = 0; index < 500; index++) {
			const node = nodes[Math.floor(next() * nodes.length)] ?? 'node1';
			const service = next() < 0.5 ? 'cron' : 'nginx';
			const stepIndex = next() < 0.7 ? 1 : 2;
			const pick = next();
			const event =
				pick < 0.1 ? ev.connecting(node)
				: pick < 0.15 ? ev.unreachable(node)
				: pick < 0.35 ? ev.started(node, stepIndex, service)
				: pick < 0.8 ? ev.exited(node, stepIndex, service, next() < 0.8 ? 0 : 3, {state: states[Math.floor(next() * states.length)] ?? 'active'})
				: pick < 0.9 ? ev.skipped(node, stepIndex, service, 'dependency ssh is not running')
				: ev.timedOut(node, stepIndex, service);
			state = reduceRun(state, event);
			for (const name of [...nodes, 'node31']) {
				expect(state.nodeOutcomes.get(name), `${name} after event ${index}`).toBe(worstOf(state, name));
			}
		}

		state = reduceRun(state, ev.runFinished('aborted'));
		expect(nodes.map(name => state.nodeOutcomes.get(name))).toEqual(nodes.map(name => worstOf(state, name)));
	});

	it('creates every task pending on run-started', () => {
		const ev = eventBuilder();
		const state = reduceAll([ev.runStarted(steps)]);
		expect(state.phase).toBe('running');
		expect(state.taskOrder).toEqual(['1|cron|node1', '1|cron|node2', '1|nginx|node1', '1|nginx|node2', '2|cron|node1', '2|cron|node2']);
		expect(state.tasks.values().map(t => t.status)).toEqual(Array.from({length: 6}, () => 'pending'));
		expect(state.nodes.get('node1')).toEqual({name: 'node1', connection: 'idle'});
	});

	it('follows a task through its lifecycle', () => {
		const ev = eventBuilder();
		const states = [ev.runStarted(steps), ev.stepStarted(1, ['node1', 'node2']), ev.connecting('node1')].reduce<RunState[]>(
			(all, event) => [...all, reduceRun(all.at(-1) ?? initialRunState, event)],
			[],
		);
		const connecting = states.at(-1)!;
		expect(connecting.tasks.get(taskKey(1, 'cron', 'node1'))?.status).toBe('connecting');
		expect(connecting.tasks.get(taskKey(2, 'cron', 'node1'))?.status).toBe('pending');
		expect(connecting.nodes.get('node1')?.connection).toBe('connecting');

		const after = reduceAll(
			[ev.connected('node1', 7, 'sysv'), ev.started('node1', 1, 'cron'), ev.output('node1', 1, 'cron', ['a', 'b']), ev.exited('node1', 1, 'cron', 0, {state: 'active', durationMs: 30})],
			connecting,
		);
		expect(after.nodes.get('node1')).toEqual({name: 'node1', connection: 'connected', latencyMs: 7, manager: 'sysv'});
		expect(after.outputRev).toBe(connecting.outputRev + 1);
		expect(after.tasks.get(taskKey(1, 'cron', 'node1'))).toMatchObject({status: 'ok', exitCode: 0, state: 'active', durationMs: 30, command: 'systemctl start -- cron'});
		expect(after.tasks.get(taskKey(1, 'nginx', 'node1'))?.status).toBe('pending');
	});

	it('keeps whether a start or stop changed the state, and leaves it out when the event does not say', () => {
		const ev = eventBuilder();
		const state = reduceAll([
			ev.runStarted(steps),
			ev.stepStarted(1, ['node1', 'node2']),
			ev.exited('node1', 1, 'cron', 0, {changed: false}),
			ev.exited('node2', 1, 'cron', 0, {changed: true}),
			ev.exited('node1', 1, 'nginx', 0),
		]);
		expect(state.tasks.get(taskKey(1, 'cron', 'node1'))?.changed).toBe(false);
		expect(state.tasks.get(taskKey(1, 'cron', 'node2'))?.changed).toBe(true);
		expect(state.tasks.get(taskKey(1, 'nginx', 'node1'))).not.toHaveProperty('changed');
	});

	it('is pure: the input state is not modified', () => {
		const ev = eventBuilder();
		const started = reduceAll([ev.runStarted(steps), ev.stepStarted(1, ['node1', 'node2'])]);
		const copy = structuredClone(started);
		reduceRun(started, ev.exited('node1', 1, 'cron', 1, {reason: 'boom'}));
		expect(started).toEqual(copy);
	});

	it('marks all unfinished tasks of an unreachable node, in later steps too, keeping the reason', () => {
		const ev = eventBuilder();
		const state = reduceAll([
			ev.runStarted(steps),
			ev.stepStarted(1, ['node1', 'node2']),
			ev.connecting('node2'),
			ev.unreachable('node2', 'refused', 'node2: connection refused'),
		]);
		const node2 = state.taskOrder.map(key => state.tasks.get(key)!).filter(t => t.node === 'node2');
		expect(node2.map(t => [t.status, t.reason])).toEqual(Array.from({length: 3}, () => ['unreachable', 'node2: connection refused']));
		expect(state.nodes.get('node2')).toMatchObject({connection: 'unreachable', unreachableReason: 'refused', message: 'node2: connection refused'});
		expect(state.tasks.get(taskKey(1, 'cron', 'node1'))?.status).toBe('pending');
	});

	it('records skips, timeouts and step timings', () => {
		const ev = eventBuilder();
		const state = reduceAll([
			ev.runStarted(steps),
			ev.stepStarted(1, ['node1', 'node2']),
			ev.skipped('node2', 1, 'cron', 'dependency nginx is not installed'),
			ev.started('node1', 1, 'cron'),
			ev.timedOut('node1', 1, 'cron', 1500),
			ev.stepFinished(1, {'timed-out': 1, skipped: 1}),
		]);
		expect(state.tasks.get(taskKey(1, 'cron', 'node2'))).toMatchObject({status: 'skipped', reason: 'dependency nginx is not installed'});
		expect(state.tasks.get(taskKey(1, 'cron', 'node1'))).toMatchObject({status: 'timed-out', reason: 'timed out after 1.5s'});
		expect(state.stepTimes[1]).toMatchObject({startedAt: 1_000_010, finishedAt: 1_000_050});
	});

	it('cancels whatever had not finished when the run was aborted', () => {
		const ev = eventBuilder();
		const state = reduceAll([ev.runStarted(steps), ev.stepStarted(1, ['node1', 'node2']), ev.started('node1', 1, 'cron'), ev.exited('node2', 1, 'cron', 0), ev.runFinished('aborted')]);
		expect(state.taskOrder.map(key => state.tasks.get(key)?.status)).toEqual(['cancelled', 'ok', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
		expect(state.phase).toBe('finished');
		expect(state.outcome).toBe('aborted');
	});

	it('ignores events for tasks the run never announced', () => {
		const ev = eventBuilder();
		const before = reduceAll([ev.runStarted(steps)]);
		const after = reduceRun(before, ev.exited('ghost', 9, 'x', 0));
		expect(after.tasks).toBe(before.tasks);
	});
});

/** A timer the test fires by hand. */

describe('createRunStore', () => {
	it('reduces at once but notifies at most once per flush', () => {
		const timer = manualTimer();
		const store = createRunStore({timer, maxLinesPerNode: 3});
		let notified = 0;
		store.subscribe(() => notified++);
		const ev = eventBuilder();
		store.apply(ev.runStarted(steps));
		for (let index = 0; index < 100; index++) {
			store.apply(ev.output('node1', 1, 'cron', [`line ${index}`]));
		}

		expect(store.getSnapshot().outputRev).toBe(100);
		expect(notified).toBe(0);
		expect(timer.scheduled).toBe(1);
		timer.fire();
		expect(notified).toBe(1);
		timer.fire();
		expect(notified).toBe(1);
		expect(store.output.lines('node1').map(line => line.text)).toEqual(['line 97', 'line 98', 'line 99']);
		expect(store.output.dropped('node1')).toBe(97);
	});

	it('flushes at once on run-finished, and unsubscribes', () => {
		const timer = manualTimer();
		const store = createRunStore({timer});
		let notified = 0;
		const unsubscribe = store.subscribe(() => notified++);
		const ev = eventBuilder();
		store.apply(ev.runStarted(steps));
		store.apply(ev.runFinished('ok'));
		expect(notified).toBe(1);
		unsubscribe();
		store.apply(ev.runStarted(steps));
		timer.fire();
		expect(notified).toBe(1);
	});
});

describe('RingBuffer', () => {
	it('keeps the newest items in order and counts what it dropped', () => {
		const buffer = new RingBuffer<number>(3);
		buffer.push(1, 2);
		expect(buffer.toArray()).toEqual([1, 2]);
		buffer.push(3, 4, 5);
		expect(buffer.toArray()).toEqual([3, 4, 5]);
		expect(buffer.toArray(-2)).toEqual([4, 5]);
		expect(buffer.toArray(0, 1)).toEqual([3]);
		expect(buffer.dropped).toBe(2);
		expect(buffer.size).toBe(3);
		expect(() => new RingBuffer(0)).toThrow(RangeError);
	});
});
