import {describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {simulatedNode} from '../helpers/fake-transport.js';
import {counts, step} from '../helpers/events.js';
import {runOnFakes} from '../helpers/run-on-fakes.js';

const run = runOnFakes;

const slowly = (ms: number) => (command: string) => (/^systemctl (restart|start|stop)/.test(command) ? {delayMs: ms} : undefined);

describe('one remote command per node per step', () => {
	it('runs detection, dependency checks and every service of a step in one exec per node, and reports each service apart', async () => {
		const nodes = Object.fromEntries(['n1', 'n2', 'n3'].map(node => [node, simulatedNode('systemd', {ssh: 'active', a: 'inactive', b: 'active'})]));
		const steps = [step(1, 'restart', ['a', 'b', 'c'], ['n1', 'n2', 'n3'], ['ssh']), step(2, 'status', ['a', 'b'], ['n1', 'n2', 'n3'])];
		const {transport, events, summary} = await run(steps, nodes, {commandTimeoutMs: 10_000});
		for (const node of ['n1', 'n2', 'n3']) {
			expect(transport.commandsOn(node)).toHaveLength(2);
			// Detection rides on the first command only.
			expect(transport.commandsOn(node)[0]).toContain('/run/systemd/system');
			expect(transport.commandsOn(node)[1]).not.toContain('/run/systemd/system');
			expect(transport.ranOn(node)).toEqual([
				expect.stringContaining('/run/systemd/system'),
				'systemctl --no-pager --lines=0 status -- ssh',
				'systemctl restart -- a',
				'systemctl restart -- b',
				'systemctl restart -- c',
				'systemctl --no-pager --lines=0 status -- a',
				'systemctl --no-pager --lines=0 status -- b',
			]);
		}

		expect(summary.counts).toEqual(counts({ok: 12, failed: 3}));
		expect(summary.tasks.filter(task => task.node === 'n2').map(task => `${task.step} ${task.service} ${task.outcome} ${task.state ?? ''}`)).toEqual([
			'1 a ok active',
			'1 b ok active',
			'1 c failed not-installed',
			'2 a ok active',
			'2 b ok active',
		]);
		// Each service's own output and exit reach its own task; the dependency check's output is nobody's.
		const outputOf = (service: string, step: number) => events.flatMap(event => (event.type === 'command-output' && event.node === 'n1' && event.service === service && event.step === step ? event.lines : []));
		expect(outputOf('c', 1)).toEqual(['Failed to restart c.service: Unit c.service not found.']);
		expect(outputOf('a', 2)).toEqual(['● a.service - a daemon', '     Active: active (running)']);
		expect(outputOf('a', 1)).toEqual([]);
		expect(events.filter(event => event.type === 'command-started' && event.node === 'n1').map(event => event.type === 'command-started' && event.command)).toEqual([
			'systemctl restart -- a',
			'systemctl restart -- b',
			'systemctl restart -- c',
			'systemctl --no-pager --lines=0 status -- a',
			'systemctl --no-pager --lines=0 status -- b',
		]);
		expect(events.filter(event => event.type === 'command-exited' && event.node === 'n1').map(event => event.type === 'command-exited' && event.exitCode)).toEqual([0, 0, 5, 0, 0]);
		// node-connected comes once, with the manager the first command found, before that node's first task.
		const connected = events.findIndex(event => event.type === 'node-connected' && event.node === 'n1');
		expect(events[connected]).toMatchObject({manager: 'systemd'});
		expect(events.findIndex(event => event.type === 'command-started' && event.node === 'n1')).toBeGreaterThan(connected);
		expect(events.filter(event => event.type === 'node-connected')).toHaveLength(3);
	});

	it('a dependency that is not running skips the step there, in the same one exec', async () => {
		const {transport, summary, events} = await run([step(1, 'start', ['a', 'b'], ['n1'], ['db', 'ssh'])], {n1: simulatedNode('sysv', {db: 'inactive', ssh: 'active', a: 'inactive', b: 'inactive'})});
		expect(transport.execs).toHaveLength(1);
		expect(transport.ranOn('n1')).toEqual([expect.stringContaining('/run/systemd/system'), 'service db status']);
		expect(summary.tasks.map(task => `${task.service} ${task.outcome} ${task.reason}`)).toEqual(['a skipped dependency db is not running (inactive)', 'b skipped dependency db is not running (inactive)']);
		expect(events.filter(event => event.type === 'command-started')).toEqual([]);
	});

	it('a node without a service manager costs one exec and skips the step', async () => {
		const {transport, summary, events} = await run([step(1, 'start', ['a'], ['n1']), step(2, 'stop', ['a'], ['n1'])], {n1: simulatedNode('none', {})});
		expect(transport.execs).toHaveLength(1);
		expect(summary.tasks.map(task => task.outcome)).toEqual(['skipped', 'skipped']);
		expect(events.find(event => event.type === 'node-connected')).toMatchObject({manager: 'none'});
	});

	it('a node whose first command fails before the detection answers is taken as having no manager', async () => {
		const {summary, events} = await run([step(1, 'start', ['a'], ['n1'])], {n1: {respond: () => ({code: 1})}});
		expect(events.find(event => event.type === 'node-connected')).toMatchObject({manager: 'none'});
		expect(summary.tasks[0]).toMatchObject({outcome: 'skipped', reason: expect.stringContaining('no service manager found') as unknown});
	});

	it('a timed-out service ends the command; the services after it run in a second one', async () => {
		const node = simulatedNode('systemd', {a: 'active', b: 'active', c: 'active'}, {override: command => (command === 'systemctl restart -- b' ? {hang: true} : undefined)});
		const {transport, summary, events} = await run([step(1, 'restart', ['a', 'b', 'c'], ['n1'])], {n1: node}, {commandTimeoutMs: 20});
		expect(summary.tasks.map(task => `${task.service} ${task.outcome}`)).toEqual(['a ok', 'b timed-out', 'c ok']);
		expect(transport.execs).toHaveLength(2);
		expect(transport.execs[1]?.command).toContain('systemctl restart -- c');
		expect(transport.execs[1]?.command).not.toContain('-- a;');
		// Each item keeps the step's own timeout (the watchdog); the whole command gets room for all of them.
		expect(transport.execs[0]?.command).toContain('sleep 0.02 >');
		expect(transport.execs[0]?.timeoutMs).toBe(3 * (20 + 5000));
		expect(events.find(event => event.type === 'command-timed-out')).toMatchObject({service: 'b', afterMs: 20});
	});

	it('a single item keeps the plain exec timeout (no watchdog)', async () => {
		const {transport, summary} = await run([step(1, 'restart', ['a'], ['n1'])], {n1: simulatedNode('systemd', {a: 'active'}, {override: () => ({hang: true})})}, {commandTimeoutMs: 30, manager: 'systemd'});
		expect(transport.execs[0]?.timeoutMs).toBe(30);
		expect(transport.execs[0]?.command).not.toContain('sleep');
		expect(summary.tasks[0]).toMatchObject({outcome: 'timed-out', reason: 'timed out after 30ms'});
	});

	it('a dependency check that times out, or cannot tell, skips the step with the reason', async () => {
		const hung = simulatedNode('systemd', {ssh: 'active', a: 'active'}, {override: command => (command.includes('status -- ssh') ? {hang: true} : undefined)});
		const timedOut = await run([step(1, 'restart', ['a'], ['n1'], ['ssh'])], {n1: hung}, {commandTimeoutMs: 20});
		expect(timedOut.summary.tasks.map(task => `${task.outcome} ${task.reason}`)).toEqual(['skipped dependency ssh: status check timed out after 20ms']);
		expect(timedOut.transport.ranOn('n1')).not.toContain('systemctl restart -- a');
		const refused = simulatedNode('systemd', {ssh: 'active', a: 'active'}, {override: command => (command.startsWith('sudo') && command.includes('ssh') ? {stderr: 'sudo: a password is required', code: 1} : undefined)});
		const unknown = await run([step(1, 'restart', ['a'], ['n1'], ['ssh'])], {n1: refused}, {sudo: true});
		expect(unknown.summary.tasks.map(task => `${task.outcome} ${task.reason}`)).toEqual(['skipped dependency ssh could not be checked: sudo needs a password; allow NOPASSWD for this command or log in as root']);
		const failed = await run([step(1, 'restart', ['a'], ['n1'], ['ssh'])], {n1: simulatedNode('openrc', {ssh: 'failed', a: 'active'})});
		expect(failed.summary.tasks.map(task => `${task.outcome} ${task.reason}`)).toEqual(['skipped dependency ssh is not running (failed)']);
		const missing = await run([step(1, 'restart', ['a'], ['n1'], ['ssh'])], {n1: simulatedNode('sysv', {a: 'active'})});
		expect(missing.summary.tasks.map(task => `${task.outcome} ${task.reason}`)).toEqual(['skipped dependency ssh is not installed']);
	});

	it('a dependency checked in the first command is not checked again when a timeout splits the step', async () => {
		const node = simulatedNode('systemd', {ssh: 'active', a: 'active', b: 'active'}, {override: command => (command === 'systemctl restart -- a' ? {hang: true} : undefined)});
		const {transport, summary} = await run([step(1, 'restart', ['a', 'b'], ['n1'], ['ssh'])], {n1: node}, {commandTimeoutMs: 20});
		expect(summary.tasks.map(task => `${task.service} ${task.outcome}`)).toEqual(['a timed-out', 'b ok']);
		expect(transport.ranOn('n1').filter(command => command.includes('status -- ssh'))).toHaveLength(1);
		expect(transport.execs).toHaveLength(2);
	});

	it('a step whose exec times out as a whole: the item running then timed out, the rest runs again', async () => {
		const node = simulatedNode('systemd', {a: 'active', b: 'active'}, {override: command => (command === 'systemctl restart -- a' ? {delayMs: 60} : undefined)});
		// No per-item watchdog in the fake's reach: the whole command's own timeout (30 ms) ends it.
		const {summary, events} = await run([step(1, 'restart', ['a'], ['n1']), step(2, 'restart', ['b'], ['n1'])], {n1: node}, {commandTimeoutMs: 30});
		expect(summary.tasks.map(task => `${task.service} ${task.outcome} ${task.reason}`)).toEqual(['a timed-out timed out after 30ms', 'b ok undefined']);
		expect(events.find(event => event.type === 'command-timed-out')).toMatchObject({service: 'a', afterMs: 30});
	});

	it('with verify, each service is verified before the next one starts', async () => {
		const node = simulatedNode('systemd', {a: 'inactive', b: 'inactive'});
		const steps = [step(1, 'start', ['a', 'b'], ['n1'])];
		const {transport, summary} = await run(steps, {n1: node}, {stepOptions: new Map([[1, {verify: {timeoutMs: 5000, settleMs: 0}}]]), sleep: async () => {}});
		expect(summary.outcome).toBe('ok');
		expect(transport.ranOn('n1').slice(1)).toEqual([
			'systemctl start -- a',
			'systemctl --no-pager --lines=0 status -- a',
			'systemctl start -- b',
			'systemctl --no-pager --lines=0 status -- b',
		]);
	});

	it('a connection lost mid-command: the service running is unreachable, the rest never runs', async () => {
		const node = simulatedNode('systemd', {a: 'active', b: 'active'}, {override: command => (command === 'systemctl restart -- a' ? {dropConnection: true} : undefined)});
		const {summary, transport} = await run([step(1, 'restart', ['a', 'b'], ['n1'])], {n1: node});
		expect(summary.tasks.map(task => `${task.service} ${task.outcome}`)).toEqual(['a unreachable', 'b unreachable']);
		expect(transport.execs).toHaveLength(1);
	});
});

describe('the fanout window across steps', () => {
	it('a node goes on to the next step while another node is still busy with the step before', async () => {
		const nodes = {
			slow: simulatedNode('systemd', {a: 'active'}, {override: slowly(400)}),
			fast: simulatedNode('systemd', {a: 'active'}),
			other: simulatedNode('systemd', {a: 'active'}),
		};
		const steps = [step(1, 'restart', ['a'], ['slow', 'fast']), step(2, 'status', ['a'], ['fast', 'other']), step(3, 'status', ['a'], ['slow'])];
		const {events, summary} = await run(steps, nodes, {fanout: 2, clock: Date.now});
		expect(summary.outcome).toBe('ok');
		const at = (type: string, node: string, stepIndex: number) => events.findIndex(event => event.type === type && 'node' in event && event.node === node && 'step' in event && event.step === stepIndex);
		// Step 2 ran on both its nodes before the slow node finished step 1: no barrier between them.
		expect(at('command-exited', 'other', 2)).toBeLessThan(at('command-exited', 'slow', 1));
		expect(at('command-exited', 'fast', 2)).toBeLessThan(at('command-exited', 'slow', 1));
		// On a node, the steps stay in order.
		expect(at('command-started', 'slow', 3)).toBeGreaterThan(at('command-exited', 'slow', 1));
		// The step events stay in plan order, each step finished only once all its nodes are.
		const stepEvents = events.filter(event => event.type === 'step-started' || event.type === 'step-finished').map(event => `${event.type} ${'step' in event ? event.step : ''}`);
		// (Step 3 starts on the slow node as soon as it is done with step 1, which is also what finishes step 1.)
		expect(stepEvents).toEqual(['step-started 1', 'step-started 2', 'step-started 3', 'step-finished 1', 'step-finished 2', 'step-finished 3']);
		expect(events.findIndex(event => event.type === 'step-finished' && event.step === 1)).toBeGreaterThan(at('command-exited', 'slow', 1));
		expect(summary.tasks.map(task => `${task.step} ${task.node}`)).toEqual(['1 slow', '1 fast', '2 fast', '2 other', '3 slow']);
	});

	it('a step with rollout options waits for every earlier step, and the later steps wait for it', async () => {
		const nodes = {
			slow: simulatedNode('systemd', {a: 'active'}, {override: slowly(40)}),
			fast: simulatedNode('systemd', {a: 'active'}),
		};
		const steps = [step(1, 'restart', ['a'], ['slow']), step(2, 'status', ['a'], ['fast']), step(3, 'status', ['a'], ['fast'])];
		const {events} = await run(steps, nodes, {stepOptions: new Map([[2, {serial: [{count: 1}]}]]), clock: Date.now});
		const index = (predicate: (event: ExecutorEvent) => boolean) => events.findIndex(predicate);
		expect(index(event => event.type === 'command-started' && event.step === 2)).toBeGreaterThan(index(event => event.type === 'step-finished' && event.step === 1));
		expect(index(event => event.type === 'command-started' && event.step === 3)).toBeGreaterThan(index(event => event.type === 'step-finished' && event.step === 2));
	});

	it('keeps the window full: with fanout 2, the second step starts as soon as a slot is free', async () => {
		const names = ['n1', 'n2', 'n3', 'n4'];
		const nodes = Object.fromEntries(names.map((node, index) => [node, simulatedNode('systemd', {a: 'active'}, {override: slowly(index === 0 ? 600 : 1)})]));
		const steps = [step(1, 'restart', ['a'], names), step(2, 'restart', ['a'], ['n2', 'n3', 'n4'])];
		const {transport, events} = await run(steps, nodes, {fanout: 2});
		expect(transport.maxConcurrentExecs).toBe(2);
		const started = events.findIndex(event => event.type === 'command-started' && event.step === 2);
		const slowDone = events.findIndex(event => event.type === 'command-exited' && event.node === 'n1');
		expect(started).toBeLessThan(slowDone);
	});

	it('a step without nodes still has its step events, in order', async () => {
		const {events, summary} = await run([step(1, 'status', ['a'], ['n1']), step(2, 'status', ['a'], []), step(3, 'status', ['a'], ['n1'])], {n1: simulatedNode('sysv', {a: 'active'})});
		expect(summary.outcome).toBe('ok');
		const stepEvents = events.filter(event => event.type === 'step-started' || event.type === 'step-finished').map(event => `${event.type} ${'step' in event ? event.step : ''}`);
		expect(stepEvents).toEqual(['step-started 1', 'step-started 2', 'step-started 3', 'step-finished 1', 'step-finished 2', 'step-finished 3']);
		expect(events.find(event => event.type === 'step-finished' && event.step === 2)).toMatchObject({counts: counts({})});
	});

	it('an abort before a later step starts: it has no step events, its tasks are cancelled', async () => {
		const controller = new AbortController();
		const nodes = {n1: simulatedNode('systemd', {a: 'active'}, {override: slowly(30)})};
		const steps = [step(1, 'restart', ['a'], ['n1']), step(2, 'restart', ['a'], ['n1'])];
		const events: ExecutorEvent[] = [];
		const {summary} = await run(steps, nodes, {
			signal: controller.signal,
			onEvent(event) {
				events.push(event);
				if (event.type === 'command-started') {
					controller.abort();
				}
			},
		});
		expect(summary.outcome).toBe('aborted');
		expect(summary.counts).toEqual(counts({cancelled: 2}));
		expect(events.filter(event => event.type === 'step-started').map(event => event.type === 'step-started' && event.step)).toEqual([1]);
		expect(events.filter(event => event.type === 'step-finished').map(event => event.type === 'step-finished' && event.step)).toEqual([1]);
	});
});
