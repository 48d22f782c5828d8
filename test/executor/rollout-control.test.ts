import {describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {createLimiter} from '../../source/executor/limiter.js';
import {createRolloutControl, steerBatches, steerStep, type RolloutControl} from '../../source/executor/rollout-control.js';
import {runPlan, type RunPlanOptions} from '../../source/executor/run-plan.js';
import type {StepOptions} from '../../source/plan/types.js';
import {exitCodeFor} from '../../source/report/exit-code.js';
import {step} from '../helpers/events.js';
import {FakeTransport, simulatedNode, type FakeNode} from '../helpers/fake-transport.js';

const slowRestart = (): FakeNode => simulatedNode('systemd', {nginx: 'active', cron: 'active'}, {override: command => (command === 'systemctl restart -- nginx' ? {delayMs: 15} : undefined)});

function nodes(count: number): Record<string, FakeNode> {
	return Object.fromEntries(Array.from({length: count}, (_, index) => [`n${index + 1}`, slowRestart()]));
}

/** Runs `steps` with a control; `onEvent` may steer it as events arrive (the admin's keys). */
async function steer(steps: Parameters<typeof runPlan>[0], count: number, stepOptions: Record<number, StepOptions>, react: (event: ExecutorEvent, control: RolloutControl, transport: FakeTransport) => void, extra: Partial<RunPlanOptions> = {}) {
	const transport = new FakeTransport(nodes(count));
	const control = createRolloutControl();
	const events: ExecutorEvent[] = [];
	const summary = await runPlan(steps, {
		transport,
		onEvent(event) {
			events.push(event);
			react(event, control, transport);
		},
		sleep: async () => undefined,
		runId: 'r1',
		planLabel: 'steer.yaml',
		stepOptions: new Map(Object.entries(stepOptions).map(([index, options]) => [Number(index), options])),
		control,
		...extra,
	});
	return {events, summary, transport, control};
}

function story(events: readonly ExecutorEvent[]): string[] {
	return events.flatMap(event => {
		switch (event.type) {
			case 'batch-started': {
				return [`batch ${event.step}.${event.batch}/${event.batches} ${event.nodes.join(',')}${event.fanout === undefined ? '' : ` fanout ${event.fanout}`}`];
			}

			case 'rollout-paused': {
				return [`paused ${event.step} after ${event.afterBatch} ${event.reason}`];
			}

			case 'rollout-stopped': {
				return [`stopped ${event.step} after ${event.afterBatch} ${event.reason} done=${event.done.join(',')} notDone=${event.notDone.join(',')}: ${event.message}`];
			}

			case 'step-started': {
				return [`step ${event.step}`];
			}

			default: {
				return [];
			}
		}
	});
}

const restartOn = (count: number) => step(1, 'restart', ['nginx'], Array.from({length: count}, (_, index) => `n${index + 1}`));

describe('the rollout control: pause, resume, stop, fanout and batch size between batches', () => {
	it('a pause asked during a batch holds the run after it, until resumed', async () => {
		const {events, summary} = await steer([restartOn(3)], 3, {1: {serial: [{count: 1}]}}, (event, control) => {
			if (event.type === 'batch-started' && event.batch === 1) {
				control.pause();
			}

			if (event.type === 'rollout-paused') {
				expect(control.settings().hold).toBe(true);
				// The admin resumes once the run is seen waiting.
				const unsubscribe = control.subscribe(() => {
					if (control.settings().waiting) {
						unsubscribe();
						control.resume();
					}
				});
			}
		});
		expect(story(events)).toEqual(['step 1', 'batch 1.1/3 n1', 'paused 1 after 1 held', 'batch 1.2/3 n2', 'batch 1.3/3 n3']);
		expect(summary.outcome).toBe('ok');
	});

	it('stop: the running batch finishes, no new batch starts, later steps do not run', async () => {
		const {events, summary, transport} = await steer([restartOn(3), step(2, 'status', ['cron'], ['n1', 'n2', 'n3'])], 3, {1: {serial: [{count: 1}]}}, (event, control) => {
			if (event.type === 'command-started' && event.node === 'n1') {
				control.stop();
			}
		});
		expect(story(events)).toEqual(['step 1', 'batch 1.1/3 n1', 'stopped 1 after 1 admin-stopped done=n1 notDone=n2,n3: stopped by the admin after batch 1 of 3 of step 1']);
		// The batch in flight was not cut short: n1's restart ran to its end.
		expect(summary.tasks.find(task => task.node === 'n1')?.outcome).toBe('ok');
		expect(transport.execs.filter(call => call.command.includes('restart')).map(call => call.node)).toEqual(['n1']);
		expect(summary.stopped?.reason).toBe('admin-stopped');
		expect(summary.tasks.filter(task => task.step === 2).map(task => task.outcome)).toEqual(['cancelled', 'cancelled', 'cancelled']);
		expect(exitCodeFor(summary)).toBe(1);
	});

	it('a stop while held ends the wait as a stop', async () => {
		const {events} = await steer([restartOn(2)], 2, {1: {serial: [{count: 1}]}}, (event, control) => {
			if (event.type === 'batch-started') {
				control.pause();
			}

			if (event.type === 'rollout-paused') {
				const unsubscribe = control.subscribe(() => {
					if (control.settings().waiting) {
						unsubscribe();
						control.stop();
					}
				});
			}
		});
		expect(story(events)).toEqual(['step 1', 'batch 1.1/2 n1', 'paused 1 after 1 held', 'stopped 1 after 1 admin-stopped done=n1 notDone=n2: stopped by the admin after batch 1 of 2 of step 1']);
	});

	it('an abort while held ends the run as interrupted', async () => {
		const abort = new AbortController();
		const {events, summary} = await steer([restartOn(2)], 2, {1: {serial: [{count: 1}]}}, (event, control) => {
			if (event.type === 'batch-started') {
				control.pause();
			}

			if (event.type === 'rollout-paused') {
				setTimeout(() => {
					abort.abort();
				}, 5);
			}
		}, {signal: abort.signal});
		expect(story(events).at(-1)).toBe('stopped 1 after 1 interrupted done=n1 notDone=n2: interrupted after batch 1 of 2 of step 1');
		expect(summary.outcome).toBe('aborted');
	});

	it('between steps: a pause holds before the next step, a stop skips the later steps', async () => {
		const twoSteps = [step(1, 'status', ['cron'], ['n1', 'n2']), step(2, 'status', ['cron'], ['n1', 'n2']), step(3, 'status', ['cron'], ['n1'])];
		const held = await steer(twoSteps, 2, {}, (event, control) => {
			if (event.type === 'step-started' && event.step === 1) {
				control.pause();
			}

			if (event.type === 'rollout-paused') {
				const unsubscribe = control.subscribe(() => {
					if (control.settings().waiting) {
						unsubscribe();
						control.resume();
					}
				});
			}
		});
		expect(story(held.events)).toEqual(['step 1', 'paused 2 after 0 held', 'step 2', 'step 3']);

		const stopped = await steer(twoSteps, 2, {}, (event, control) => {
			if (event.type === 'step-started' && event.step === 2) {
				control.stop();
			}
		});
		expect(story(stopped.events)).toEqual(['step 1', 'step 2', 'stopped 3 after 0 admin-stopped done= notDone=n1: stopped by the admin before step 3']);
		expect(stopped.summary.stopped).toEqual({step: 3, reason: 'admin-stopped', message: 'stopped by the admin before step 3'});
	});

	it('a new batch size cuts the batches not yet started; the canary and done batches stay', async () => {
		const {events} = await steer([restartOn(6)], 6, {1: {canary: 1, serial: [{count: 1}]}}, (event, control) => {
			if (event.type === 'batch-finished' && event.batch === 2) {
				control.setBatchSize(3);
			}
		});
		expect(story(events)).toEqual(['step 1', 'batch 1.1/6 n1', 'paused 1 after 1 canary', 'batch 1.2/6 n2', 'batch 1.3/4 n3,n4,n5', 'batch 1.4/4 n6']);
	});

	it('a batch size set before a step makes it roll in batches of that size', async () => {
		const {events} = await steer([step(1, 'status', ['cron'], ['n1']), step(2, 'restart', ['nginx'], ['n1', 'n2', 'n3'])], 3, {}, (event, control) => {
			if (event.type === 'command-started' && event.step === 1) {
				control.setBatchSize(2);
			}
		});
		expect(story(events)).toEqual(['step 1', 'step 2', 'batch 2.1/2 n1,n2', 'batch 2.2/2 n3']);
	});

	it('a new fanout applies from the next batch: fewer nodes at once, and the batch says so', async () => {
		const {events, transport} = await steer([restartOn(6)], 6, {1: {serial: [{count: 3}]}}, (event, control, fake) => {
			if (event.type === 'batch-finished' && event.batch === 1) {
				expect(fake.maxConcurrentExecs).toBe(3);
				fake.maxConcurrentExecs = 0;
				control.setFanout(1);
			}
		});
		expect(story(events)).toEqual(['step 1', 'batch 1.1/2 n1,n2,n3', 'batch 1.2/2 n4,n5,n6 fanout 1']);
		expect(transport.maxConcurrentExecs).toBe(1);
	});
});

describe('the control on its own', () => {
	it('tells listeners each change, and only changes', () => {
		const control = createRolloutControl();
		const seen: string[] = [];
		const unsubscribe = control.subscribe(() => {
			const now = control.settings();
			seen.push(`hold=${now.hold} stop=${now.stop} fanout=${now.fanout ?? '-'} batch=${now.batchSize ?? '-'}`);
		});
		control.resume();
		control.pause();
		control.pause();
		control.resume();
		control.setFanout(4);
		control.setBatchSize(2);
		control.pause();
		control.stop();
		control.stop();
		control.pause();
		control.resume();
		unsubscribe();
		control.setFanout(5);
		expect(seen).toEqual([
			'hold=true stop=false fanout=- batch=-',
			'hold=false stop=false fanout=- batch=-',
			'hold=false stop=false fanout=4 batch=-',
			'hold=false stop=false fanout=4 batch=2',
			'hold=true stop=false fanout=4 batch=2',
			'hold=false stop=true fanout=4 batch=2',
		]);
		expect(control.settings()).toEqual({hold: false, stop: true, waiting: false, fanout: 5, batchSize: 2});
	});

	it('refuses a fanout or batch size that is not a whole number from 1 to 100000', () => {
		const control = createRolloutControl();
		for (const bad of [0, -1, 1.5, 100_001, Number.NaN]) {
			expect(() => control.setFanout(bad)).toThrow(`fanout must be a whole number from 1 to 100000, got ${bad}`);
			expect(() => control.setBatchSize(bad)).toThrow(`batch size must be a whole number from 1 to 100000, got ${bad}`);
		}

		control.setFanout(100_000);
		control.setBatchSize(1);
		expect(control.settings()).toMatchObject({fanout: 100_000, batchSize: 1});
	});

	it('a boundary goes on at once unless held, and stops once stopped or aborted', async () => {
		const emitted: unknown[] = [];
		const emit = (event: unknown) => emitted.push(event);
		const control = createRolloutControl();
		const signal = new AbortController().signal;
		await expect(control.atBoundary({step: 1, afterBatch: 1}, signal, emit)).resolves.toBe('go');
		const aborted = new AbortController();
		aborted.abort();
		control.pause();
		await expect(control.atBoundary({step: 1, afterBatch: 1}, aborted.signal, emit)).resolves.toBe('stop');
		expect(emitted).toEqual([]);
		control.stop();
		await expect(control.atBoundary({step: 1, afterBatch: 2}, signal, emit)).resolves.toBe('stop');
		expect(emitted).toEqual([]);
	});

	it('steerStep puts the admin\'s fanout and batch size over the plan\'s, and keeps the rest', () => {
		const own: StepOptions = {serial: [{percent: 50}], fanout: 8, canary: 1};
		expect(steerStep(own, undefined)).toBe(own);
		const control = createRolloutControl();
		expect(steerStep(own, control)).toEqual(own);
		control.setFanout(2);
		expect(steerStep(own, control)).toEqual({serial: [{percent: 50}], fanout: 2, canary: 1});
		control.setBatchSize(5);
		expect(steerStep(own, control)).toEqual({serial: [{count: 5}], fanout: 2, canary: 1});
	});

	it('steerBatches keeps the started batches and the limiter unless told otherwise', () => {
		const limiter = createLimiter(3);
		const batches = [['a'], ['b', 'c'], ['d', 'e', 'f']];
		expect(steerBatches(undefined, batches, 1, limiter)).toBe(limiter);
		const control = createRolloutControl();
		expect(steerBatches(control, batches, 1, limiter)).toBe(limiter);
		expect(batches).toEqual([['a'], ['b', 'c'], ['d', 'e', 'f']]);
		control.setBatchSize(2);
		expect(steerBatches(control, batches, 1, limiter)).toBe(limiter);
		expect(batches).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f']]);
		control.setBatchSize(4);
		steerBatches(control, batches, 3, limiter);
		expect(batches).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f']]);
		control.setFanout(7);
		const next = steerBatches(control, batches, 4, limiter);
		expect(next).not.toBe(limiter);
		expect(batches).toHaveLength(4);
	});
});
