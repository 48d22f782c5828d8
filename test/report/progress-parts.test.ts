import {describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {createProgressLine, formatProgress} from '../../source/report/progress.js';
import {reduceRun} from '../../source/store/reduce-run.js';
import {initialRunState, type RunState} from '../../source/store/run-state.js';
import {eventBuilder, step} from '../helpers/events.js';

const erase = '\r\u001B[2K';
const nodes = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];

function stateOf(events: readonly ExecutorEvent[]): RunState {
	return events.reduce(reduceRun, initialRunState);
}

/** Step 3 of a plan whose steps are numbered 3 and 5: one node of each outcome, one still running. */
function mixedStep(): ExecutorEvent[] {
	const ev = eventBuilder(0);
	return [
		ev.runStarted([step(3, 'restart', ['cron', 'ssh'], nodes), step(5, 'status', ['ssh'], nodes)]),
		ev.unreachable('n6'),
		ev.stepStarted(3, nodes),
		ev.started('n1', 3, 'cron'),
		ev.exited('n1', 3, 'cron', 0),
		ev.started('n2', 3, 'cron'),
		ev.exited('n2', 3, 'cron', 1),
		ev.started('n3', 3, 'cron'),
		ev.timedOut('n3', 3, 'cron'),
		ev.skipped('n4', 3, 'cron', 'dependency not running'),
		ev.started('n5', 3, 'cron'),
	];
}

describe('the progress line\'s text', () => {
	it('is empty before a run and says connecting while no step has started', () => {
		expect(formatProgress(initialRunState, 0)).toBe('');
		expect(formatProgress(stateOf([eventBuilder(0).runStarted([step(1, 'start', ['a'], ['n1'])])]), 0)).toBe('connecting…');
	});

	it('counts the step by its place in the plan and shows only the outcomes there are', () => {
		const state = stateOf(mixedStep());
		// 12 tasks (6 nodes × 2 services); n6 unreachable for both.
		expect(formatProgress(state, 20_400)).toBe('step 1/2 restart cron,ssh: 6/12 done, 2 failed, 1 skipped, 2 unreachable, 1 running, 20s, ETA 20s');
		expect(formatProgress(state, 20_600)).toBe('step 1/2 restart cron,ssh: 6/12 done, 2 failed, 1 skipped, 2 unreachable, 1 running, 21s, ETA 21s');
	});
});

describe('the progress line on a terminal', () => {
	it('cuts a line too long for the terminal with an ellipsis, leaving the last column free', () => {
		let out = '';
		const progress = createProgressLine({isTTY: true, columns: 30, write: text => (out += text), clock: () => 20_400, minIntervalMs: 0});
		for (const event of mixedStep()) {
			progress.onEvent(event);
		}

		const last = out.split(erase).at(-1)!;
		expect(last).toBe('step 1/2 restart cron,ssh: 6…');
		expect([...last]).toHaveLength(29);
	});

	it('never cuts to less than 10 columns, and keeps a line that fits whole', () => {
		let out = '';
		const narrow = createProgressLine({isTTY: true, columns: 3, write: text => (out += text), clock: () => 0, minIntervalMs: 0});
		narrow.onEvent(mixedStep()[0]!);
		narrow.onEvent(mixedStep()[2]!);
		expect(out.split(erase).filter(Boolean)).toEqual(['connecti…', 'step 1/2…']);
		// A line one column narrower than the terminal is kept whole.
		const whole = formatProgress(stateOf(mixedStep()), 20_400);
		out = '';
		const exact = createProgressLine({isTTY: true, columns: whole.length + 1, write: text => (out += text), clock: () => 20_400, minIntervalMs: 0});
		for (const event of mixedStep()) {
			exact.onEvent(event);
		}

		expect(out.split(erase).at(-1)).toBe(whole);
	});

	it('fits 80 columns unless told otherwise', () => {
		let out = '';
		const progress = createProgressLine({isTTY: true, write: text => (out += text), clock: () => 20_400, minIntervalMs: 0});
		const events = mixedStep();
		events[0] = eventBuilder(0).runStarted([step(3, 'restart', ['cron', 'ssh', 'a-service-with-a-long-name'], nodes)]);
		for (const event of events) {
			progress.onEvent(event);
		}

		const last = out.split(erase).at(-1)!;
		expect(last).toHaveLength(79);
		expect(last.endsWith('…')).toBe(true);
	});

	it('redraws at most every 100 ms by default, and at once after a step ends', () => {
		let writes: string[] = [];
		let now = 0;
		const progress = createProgressLine({isTTY: true, write: text => writes.push(text), clock: () => now});
		const ev = eventBuilder(0);
		progress.onEvent(ev.runStarted([step(1, 'start', ['a'], ['n1', 'n2']), step(2, 'start', ['b'], ['n1'])]));
		now = 99;
		progress.onEvent(ev.stepStarted(1, ['n1', 'n2']));
		expect(writes).toEqual([`${erase}connecting…`]);
		now = 100;
		progress.onEvent(ev.started('n1', 1, 'a'));
		expect(writes).toHaveLength(2);
		writes = [];
		progress.onEvent(ev.stepFinished(1, {ok: 2}));
		expect(writes).toEqual([erase]);
		progress.onEvent(ev.stepStarted(2, ['n1']));
		expect(writes).toHaveLength(2);
		expect(writes[1]).toMatch(/^\r\u001B\[2Kstep 2\/2 start b: 0\/1 done/);
	});

	it('erases only a line it drew, once', () => {
		let out = '';
		const progress = createProgressLine({isTTY: true, write: text => (out += text), clock: () => 0, minIntervalMs: 0});
		progress.clear();
		expect(out).toBe('');
		progress.onEvent(eventBuilder(0).runStarted([step(1, 'start', ['a'], ['n1'])]));
		progress.clear();
		progress.clear();
		expect(out).toBe(`${erase}connecting…${erase}`);
	});
});
