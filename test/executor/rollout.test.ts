import {describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {runPlan, type RunPlanOptions} from '../../source/executor/run-plan.js';
import {batchSizes, failureAllowance} from '../../source/plan/rollout.js';
import type {StepOptions} from '../../source/plan/types.js';
import {exitCodeFor} from '../../source/report/exit-code.js';
import {FakeTransport, simulatedNode, type FakeNode} from '../helpers/fake-transport.js';
import {step} from '../helpers/events.js';

/** A clock that only moves when the run sleeps: pauses and verify polling take no real time. */
function virtualTime() {
	let now = 1_000_000;
	const sleeps: number[] = [];
	return {
		clock: () => now,
		async sleep(ms: number) {
			sleeps.push(ms);
			now += ms;
		},
		sleeps,
		advance(ms: number) {
			now += ms;
		},
	};
}

async function roll(steps: Parameters<typeof runPlan>[0], nodes: Record<string, FakeNode>, stepOptions: Record<number, StepOptions>, extra: Partial<RunPlanOptions> = {}) {
	const transport = new FakeTransport(nodes);
	const events: ExecutorEvent[] = [];
	const time = virtualTime();
	const summary = await runPlan(steps, {
		transport,
		onEvent(event) {
			events.push(event);
		},
		clock: time.clock,
		sleep: time.sleep,
		runId: 'r1',
		planLabel: 'rolling.yaml',
		stepOptions: new Map(Object.entries(stepOptions).map(([index, options]) => [Number(index), options])),
		...extra,
	});
	return {transport, events, summary, time};
}

function healthy(): FakeNode {
	return simulatedNode('systemd', {nginx: 'active', cron: 'active'});
}

/** A service that starts fine but is inactive again `afterMs` later (the daemon that starts and dies). */
function diesAfter(afterMs: number, time: () => number): FakeNode {
	let startedAt: number | undefined;
	return simulatedNode('systemd', {nginx: 'active', cron: 'active'}, {
		override(command) {
			if (command === 'systemctl restart -- nginx' || command === 'systemctl start -- nginx') {
				startedAt = time();
				return {};
			}

			if (command.includes('status -- nginx') && startedAt !== undefined && time() - startedAt >= afterMs) {
				return {stdout: '× nginx.service\n     Active: failed (Result: exit-code)', code: 3};
			}

			return undefined;
		},
	});
}

const broken: FakeNode = simulatedNode('systemd', {nginx: 'active', cron: 'active'}, {
	override: command => (command === 'systemctl restart -- nginx' ? {stderr: 'Job for nginx.service failed because the control process exited with error code.', code: 1} : undefined),
});

function types(events: readonly ExecutorEvent[], wanted: ReadonlyArray<ExecutorEvent['type']>): string[] {
	return events.filter(event => wanted.includes(event.type)).map(event => {
		switch (event.type) {
			case 'batch-started': {
				return `batch ${event.step}.${event.batch}/${event.batches} ${event.nodes.join(',')}`;
			}

			case 'batch-finished': {
				return `batch-done ${event.step}.${event.batch} failed=${event.failedNodes}`;
			}

			case 'rollout-stopped': {
				return `stopped ${event.step} ${event.reason} done=${event.done.join(',')} notDone=${event.notDone.join(',')}`;
			}

			case 'rollout-paused': {
				return `paused ${event.step} ${event.reason}${event.ms === undefined ? '' : ` ${event.ms}`}`;
			}

			case 'command-started': {
				return `run ${event.node} ${event.step}`;
			}

			default: {
				return event.type;
			}
		}
	});
}

describe('batches', () => {
	it('splits counts, percentages and growing lists, the last size repeating; a canary comes first', () => {
		expect(batchSizes(10, {serial: [{count: 3}]})).toEqual([3, 3, 3, 1]);
		expect(batchSizes(10, {serial: [{percent: 25}]})).toEqual([2, 2, 2, 2, 2]);
		expect(batchSizes(20, {serial: [{count: 1}, {percent: 10}, {percent: 50}]})).toEqual([1, 2, 10, 7]);
		expect(batchSizes(3, {serial: [{percent: 10}]})).toEqual([1, 1, 1]);
		expect(batchSizes(10, {canary: 2})).toEqual([2, 8]);
		expect(batchSizes(10, {canary: 1, serial: [{count: 4}]})).toEqual([1, 4, 4, 1]);
		expect(batchSizes(2, {canary: 5})).toEqual([2]);
		expect(batchSizes(4, {})).toEqual([4]);
		expect(failureAllowance(10, {percent: 25})).toBe(2);
		expect(failureAllowance(10, {count: 0})).toBe(0);
		expect(failureAllowance(10, undefined)).toBeUndefined();
	});
});

describe('rolling steps', () => {
	it('serial: 1 acts on one node at a time, in node-set order, with a pause between batches', async () => {
		const {events, summary, time, transport} = await roll(
			[step(1, 'restart', ['nginx'], ['n1', 'n2', 'n3'])],
			{n1: healthy(), n2: healthy(), n3: healthy()},
			{1: {serial: [{count: 1}], pauseMs: 5000}},
		);
		expect(summary.outcome).toBe('ok');
		expect(types(events, ['batch-started', 'command-started', 'batch-finished', 'rollout-paused'])).toEqual([
			'batch 1.1/3 n1', 'run n1 1', 'batch-done 1.1 failed=0', 'paused 1 pause 5000',
			'batch 1.2/3 n2', 'run n2 1', 'batch-done 1.2 failed=0', 'paused 1 pause 5000',
			'batch 1.3/3 n3', 'run n3 1', 'batch-done 1.3 failed=0',
		]);
		expect(time.sleeps).toEqual([5000, 5000]);
		expect(transport.maxConcurrentExecs).toBe(1);
	});

	it('max_fail: 0 stops the rollout at the first failed node; later batches and steps do not run', async () => {
		const {events, summary, transport} = await roll(
			[step(1, 'restart', ['nginx'], ['n1', 'n2', 'n3']), step(2, 'restart', ['cron'], ['n1', 'n2', 'n3'])],
			{n1: healthy(), n2: broken, n3: healthy()},
			{1: {serial: [{count: 1}], maxFail: {count: 0}}},
		);
		expect(types(events, ['batch-finished', 'rollout-stopped', 'step-started', 'step-finished'])).toEqual([
			'step-started', 'batch-done 1.1 failed=0', 'batch-done 1.2 failed=1', 'stopped 1 max-fail done=n1,n2 notDone=n3', 'step-finished',
		]);
		const stop = events.find(event => event.type === 'rollout-stopped');
		expect(stop).toMatchObject({message: 'after batch 2 of 3 of step 1: 1 node failed (n2), more than max_fail allows (0)'});
		expect(transport.commandsOn('n3').filter(command => command.includes('restart'))).toEqual([]);
		expect(transport.execs.some(call => call.command.includes('cron'))).toBe(false);
		expect(summary.stopped).toMatchObject({step: 1, reason: 'max-fail'});
		expect(summary.outcome).toBe('failed');
		const notRun = summary.tasks.filter(task => task.outcome === 'cancelled');
		expect(notRun.map(task => `${task.step} ${task.node}`)).toEqual(['1 n3', '2 n1', '2 n2', '2 n3']);
		expect(notRun[0]?.reason).toMatch(/^not run: after batch 2 of 3/);
		expect(exitCodeFor(summary)).toBe(1);
	});

	it('max_fail as a percentage counts failed nodes over the batches so far', async () => {
		const {summary, events} = await roll(
			[step(1, 'restart', ['nginx'], ['n1', 'n2', 'n3', 'n4'])],
			{n1: broken, n2: healthy(), n3: broken, n4: healthy()},
			{1: {serial: [{count: 1}], maxFail: {percent: 25}}},
		);
		// 25% of 4 is one node: the first failure is allowed, the second stops the rollout.
		expect(types(events, ['rollout-stopped'])).toEqual(['stopped 1 max-fail done=n1,n2,n3 notDone=n4']);
		expect(summary.stopped?.reason).toBe('max-fail');
	});

	it('a canary runs first and asks; "stop" ends the rollout with a reason, "continue" goes on', async () => {
		const asked: string[] = [];
		const stopping = await roll(
			[step(1, 'restart', ['nginx'], ['n1', 'n2', 'n3'])],
			{n1: healthy(), n2: healthy(), n3: healthy()},
			{1: {canary: 1}},
			{
				async onCanary(canary) {
					asked.push(`${canary.step} ${canary.nodes.join(',')} ok=${canary.counts.ok} remaining=${canary.remaining}`);
					return 'stop';
				},
			},
		);
		expect(asked).toEqual(['1 n1 ok=1 remaining=2']);
		expect(types(stopping.events, ['batch-started', 'rollout-paused', 'canary-decided', 'rollout-stopped'])).toEqual([
			'batch 1.1/2 n1', 'paused 1 canary', 'canary-decided', 'stopped 1 canary-stopped done=n1 notDone=n2,n3',
		]);
		expect(exitCodeFor(stopping.summary)).toBe(1);

		const going = await roll([step(1, 'restart', ['nginx'], ['n1', 'n2', 'n3'])], {n1: healthy(), n2: healthy(), n3: healthy()}, {1: {canary: 1}}, {onCanary: async () => 'continue'});
		expect(types(going.events, ['batch-started'])).toEqual(['batch 1.1/2 n1', 'batch 1.2/2 n2,n3']);
		expect(going.summary.outcome).toBe('ok');
	});

	it('an abort while the canary waits stops between batches and says which nodes were done', async () => {
		const controller = new AbortController();
		const {events, summary} = await roll(
			[step(1, 'restart', ['nginx'], ['n1', 'n2', 'n3'])],
			{n1: healthy(), n2: healthy(), n3: healthy()},
			{1: {canary: 1}},
			{
				signal: controller.signal,
				async onCanary() {
					controller.abort();
					return new Promise(() => undefined);
				},
			},
		);
		expect(types(events, ['rollout-stopped'])).toEqual(['stopped 1 interrupted done=n1 notDone=n2,n3']);
		expect(summary.outcome).toBe('aborted');
	});

	it('an abort in the middle of a batch stops the rollout; the node cut short is not done', async () => {
		const controller = new AbortController();
		const slow = simulatedNode('systemd', {nginx: 'active'}, {override: command => (command === 'systemctl restart -- nginx' ? {hang: true} : undefined)});
		const seen: ExecutorEvent[] = [];
		const {summary} = await roll(
			[step(1, 'restart', ['nginx'], ['n1', 'n2', 'n3'])],
			{n1: healthy(), n2: slow, n3: healthy()},
			{1: {serial: [{count: 1}]}},
			{
				signal: controller.signal,
				onEvent(event) {
					seen.push(event);
					if (event.type === 'command-started' && event.node === 'n2') {
						controller.abort();
					}
				},
			},
		);
		expect(types(seen, ['rollout-stopped'])).toEqual(['stopped 1 interrupted done=n1 notDone=n2,n3']);
		expect(summary.outcome).toBe('aborted');
		expect(summary.tasks.map(task => `${task.node} ${task.outcome}`)).toEqual(['n1 ok', 'n2 cancelled', 'n3 cancelled']);
	});

	it('a per-step fanout bounds that step only', async () => {
		const nodes = Object.fromEntries(['n1', 'n2', 'n3', 'n4'].map(name => [name, simulatedNode('systemd', {nginx: 'active'}, {override: command => (command.startsWith('systemctl restart') ? {delayMs: 5} : undefined)})]));
		const {transport} = await roll([step(1, 'restart', ['nginx'], ['n1', 'n2', 'n3', 'n4'])], nodes, {1: {fanout: 2}});
		expect(transport.maxConcurrentExecs).toBe(2);
	});
});

describe('verify', () => {
	const verify = {timeoutMs: 30_000, settleMs: 4000};

	it('passes a service that becomes active and stays so for the settle time, then runs the health command', async () => {
		const node = simulatedNode('systemd', {nginx: 'active'}, {override: command => (command === 'curl -fsS localhost/health' ? {stdout: 'ok'} : undefined)});
		const {events, summary, transport} = await roll([step(1, 'restart', ['nginx'], ['n1'])], {n1: node}, {1: {verify: {...verify, command: 'curl -fsS localhost/health'}}});
		expect(summary.outcome).toBe('ok');
		expect(events.find(event => event.type === 'verify-finished')).toMatchObject({outcome: 'ok', durationMs: 4000});
		const commands = transport.commandsOn('n1');
		expect(commands.filter(command => command.includes('status -- nginx'))).toHaveLength(5);
		expect(commands.at(-1)).toBe('curl -fsS localhost/health');
		expect(transport.execs.at(-1)?.timeoutMs).toBe(30_000);
	});

	it('fails the daemon that starts and dies two seconds later, with the reason', async () => {
		let now = () => 0;
		const dying = diesAfter(2000, () => now());
		const nodes = {n1: dying};
		const transport = new FakeTransport(nodes);
		const time = virtualTime();
		now = time.clock;
		const events: ExecutorEvent[] = [];
		const summary = await runPlan([step(1, 'restart', ['nginx'], ['n1'])], {
			transport,
			onEvent(event) {
				events.push(event);
			},
			clock: time.clock,
			sleep: time.sleep,
			runId: 'r',
			planLabel: 'p',
			stepOptions: new Map([[1, {verify}]]),
		});
		expect(summary.outcome).toBe('failed');
		expect(summary.tasks[0]).toMatchObject({outcome: 'failed', reason: 'verify: nginx was active, then failed 2s after the restart'});
		// The action itself succeeded: the event says so, and verification then fails the task.
		expect(events.find(event => event.type === 'command-exited')).toMatchObject({outcome: 'ok'});
		expect(events.find(event => event.type === 'verify-finished')).toMatchObject({outcome: 'failed', reason: 'verify: nginx was active, then failed 2s after the restart'});
	});

	it('fails a service that never becomes active within the timeout', async () => {
		const node = simulatedNode('systemd', {nginx: 'inactive'}, {override: command => (command === 'systemctl start -- nginx' ? {} : undefined)});
		const {summary, time} = await roll([step(1, 'start', ['nginx'], ['n1'])], {n1: node}, {1: {verify: {timeoutMs: 5000, settleMs: 2000}}});
		expect(summary.tasks[0]).toMatchObject({outcome: 'failed', reason: 'verify: nginx not active within 5s (inactive)'});
		expect(time.sleeps).toEqual([1000, 1000, 1000, 1000, 1000]);
	});

	it('fails on a health command that fails, with its last line; stop and status steps are not verified', async () => {
		const node = simulatedNode('systemd', {nginx: 'active'}, {override: command => (command === 'test -e /healthy' ? {stderr: 'no /healthy', code: 1} : undefined)});
		const {summary, transport} = await roll(
			[step(1, 'reload', ['nginx'], ['n1']), step(2, 'status', ['nginx'], ['n1']), step(3, 'stop', ['nginx'], ['n1'])],
			{n1: node},
			{1: {verify: {...verify, command: 'test -e /healthy'}}, 2: {verify}, 3: {verify}},
		);
		expect(summary.tasks.map(task => `${task.step} ${task.outcome} ${task.reason ?? ''}`)).toEqual(['1 failed verify: health command exited 1: no /healthy', '2 ok ', '3 ok ']);
		expect(transport.commandsOn('n1').filter(command => command === 'test -e /healthy')).toHaveLength(1);
	});

	it('a failed verification counts against max_fail', async () => {
		const node = simulatedNode('systemd', {nginx: 'active'}, {override: command => (command === 'false' ? {code: 1} : undefined)});
		const {summary} = await roll([step(1, 'restart', ['nginx'], ['n1', 'n2'])], {n1: node, n2: healthy()}, {1: {serial: [{count: 1}], maxFail: {count: 0}, verify: {...verify, command: 'false'}}});
		expect(summary.stopped?.reason).toBe('max-fail');
		expect(summary.tasks.map(task => task.outcome)).toEqual(['failed', 'cancelled']);
	});
});
