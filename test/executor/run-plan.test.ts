import {describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {checkNodes, runPlan, type TaskResult} from '../../source/executor/run-plan.js';
import {UserError} from '../../source/errors.js';
import {FakeTransport, simulatedNode, type FakeNode} from '../helpers/fake-transport.js';
import {counts, step} from '../helpers/events.js';
import {counterClock, runOnFakes} from '../helpers/run-on-fakes.js';

const run = runOnFakes;

/** `type node step service` lines, the order that matters, without timestamps. */
function story(events: readonly ExecutorEvent[]): string[] {
	return events.map(event => {
		switch (event.type) {
			case 'command-started':
			case 'command-output':
			case 'command-timed-out': {
				return `${event.type} ${event.node} ${event.step} ${event.service}`;
			}

			case 'command-exited': {
				return `${event.type} ${event.node} ${event.step} ${event.service} ${event.outcome}${event.reason ? ` (${event.reason})` : ''}`;
			}

			case 'task-skipped': {
				return `${event.type} ${event.node} ${event.step} ${event.service} (${event.reason})`;
			}

			case 'node-connecting':
			case 'node-connected': {
				return `${event.type} ${event.node}`;
			}

			case 'node-unreachable': {
				return `${event.type} ${event.node} ${event.reason}`;
			}

			case 'step-started':
			case 'step-finished': {
				return `${event.type} ${event.step}`;
			}

			case 'run-started':
			case 'run-finished': {
				return event.type;
			}
		}

		return 'unknown';
	});
}

function byOutcome(tasks: readonly TaskResult[], stepIndex: number, service: string): Record<string, string[]> {
	const groups: Record<string, string[]> = {};
	for (const task of tasks) {
		if (task.step === stepIndex && task.service === service) {
			(groups[task.outcome] ??= []).push(task.node);
		}
	}

	return groups;
}

const example2Steps = [
	step(1, 'start', ['cron', 'nginx'], ['node1', 'node2', 'node3']),
	step(2, 'restart', ['cron'], ['node123']),
	step(3, 'restart', ['cron'], ['node1', 'node2', 'node3'], ['nginx']),
	step(4, 'status', ['ssh'], ['node1', 'node2', 'node3']),
];

function example2Cluster(): Record<string, FakeNode> {
	return {
		node1: simulatedNode('systemd', {cron: 'inactive', nginx: 'inactive', ssh: 'active'}),
		node2: simulatedNode('systemd', {cron: 'inactive', ssh: 'active'}),
		node3: simulatedNode('systemd', {cron: 'active', ssh: 'active'}),
		node123: {connectError: {reason: 'dns', message: 'node123: could not resolve host name'}},
	};
}

describe('runPlan on the ancestor example2 cluster', () => {
	it('reports each step as the ancestor did', async () => {
		const {summary, events, transport} = await run(example2Steps, example2Cluster());
		expect(byOutcome(summary.tasks, 1, 'cron')).toEqual({ok: ['node1', 'node2', 'node3']});
		expect(byOutcome(summary.tasks, 1, 'nginx')).toEqual({ok: ['node1'], failed: ['node2', 'node3']});
		expect(summary.tasks.filter(t => t.step === 1 && t.outcome === 'failed').map(t => t.reason)).toEqual(['not installed', 'not installed']);
		expect(byOutcome(summary.tasks, 2, 'cron')).toEqual({unreachable: ['node123']});
		expect(byOutcome(summary.tasks, 3, 'cron')).toEqual({ok: ['node1'], skipped: ['node2', 'node3']});
		expect(byOutcome(summary.tasks, 4, 'ssh')).toEqual({ok: ['node1', 'node2', 'node3']});
		expect(summary.outcome).toBe('failed');
		expect(summary.counts).toEqual(counts({ok: 8, failed: 2, unreachable: 1, skipped: 2}));

		const skipped = events.filter(e => e.type === 'task-skipped');
		expect(skipped.map(e => e.type === 'task-skipped' && `${e.node}: ${e.reason}`)).toEqual([
			'node2: dependency nginx is not installed',
			'node3: dependency nginx is not installed',
		]);
		const unreachable = events.find(e => e.type === 'node-unreachable');
		expect(unreachable).toMatchObject({node: 'node123', reason: 'dns', message: 'could not resolve host name'});

		// The dependency is only ever checked, never started, and never on nodes that skip.
		expect(transport.ranOn('node2')).toEqual([
			expect.stringContaining('/run/systemd/system'),
			'systemctl start -- cron',
			'systemctl start -- nginx',
			'systemctl --no-pager --lines=0 status -- nginx',
			'systemctl --no-pager --lines=0 status -- ssh',
		]);
		expect(transport.ranOn('node1')).toContain('systemctl restart -- cron');
	});

	it('emits a well-ordered lifecycle', async () => {
		const {events} = await run(example2Steps.slice(0, 2), example2Cluster(), {fanout: 1});
		expect(story(events)).toEqual([
			'run-started',
			'step-started 1',
			'node-connecting node1',
			'node-connected node1',
			'command-started node1 1 cron',
			'command-exited node1 1 cron ok',
			'command-started node1 1 nginx',
			'command-exited node1 1 nginx ok',
			'node-connecting node2',
			'node-connected node2',
			'command-started node2 1 cron',
			'command-exited node2 1 cron ok',
			'command-started node2 1 nginx',
			'command-output node2 1 nginx',
			'command-exited node2 1 nginx failed (not installed)',
			'node-connecting node3',
			'node-connected node3',
			'command-started node3 1 cron',
			'command-exited node3 1 cron ok',
			'command-started node3 1 nginx',
			'command-output node3 1 nginx',
			'command-exited node3 1 nginx failed (not installed)',
			// No barrier between steps without rollout options: the freed slot goes to step 2 at once, and
			// step 1 is reported finished right after (before step 2, whatever step 2's nodes do).
			'step-started 2',
			'node-connecting node123',
			'node-unreachable node123 dns',
			'step-finished 1',
			'step-finished 2',
			'run-finished',
		]);
		const finished = events.at(-1);
		expect(finished).toMatchObject({type: 'run-finished', outcome: 'failed', counts: counts({ok: 4, failed: 2, unreachable: 1})});
		const connected = events.find(e => e.type === 'node-connected');
		expect(connected).toMatchObject({node: 'node1', latencyMs: 5, manager: 'systemd'});
		const stepFinished = events.find(e => e.type === 'step-finished');
		expect(stepFinished).toMatchObject({step: 1, counts: counts({ok: 4, failed: 2})});
		// Timestamps come from the injected clock and never go backwards.
		const times = events.map(e => e.at);
		expect(times).toEqual([...times].sort((a, b) => a - b));
	});

	it('passes output lines through as they come', async () => {
		const {events} = await run([step(1, 'status', ['cron'], ['node1'])], {node1: simulatedNode('sysv', {cron: 'active'})});
		expect(events.filter(e => e.type === 'command-output')).toEqual([expect.objectContaining({stream: 'stdout', lines: ['cron is running.']})]);
		expect(events.find(e => e.type === 'command-exited')).toMatchObject({exitCode: 0, outcome: 'ok', state: 'active'});
	});
});

describe('connections', () => {
	it('connects once per node and reuses it for every step, then closes it', async () => {
		const {transport} = await run(example2Steps, example2Cluster());
		expect([...transport.connects].sort()).toEqual(['node1', 'node123', 'node2', 'node3']);
		expect([...transport.closedSessions].sort()).toEqual(['node1', 'node2', 'node3']);
		// The manager is detected once, in the node's first command.
		expect(transport.ranOn('node1').filter(c => c.includes('/run/systemd/system'))).toHaveLength(1);
		expect(transport.commandsOn('node1')[0]).toContain('/run/systemd/system');
	});

	it('closes a node\'s connection after the last step that needs it, not at the end of the run', async () => {
		const steps = [step(1, 'status', ['cron'], ['node1', 'node2']), step(2, 'status', ['cron'], ['node3', 'node4']), step(3, 'status', ['ssh'], ['node1'])];
		const cluster = Object.fromEntries(['node1', 'node2', 'node3', 'node4'].map(node => [node, simulatedNode('systemd', {cron: 'active', ssh: 'active'})]));
		const {transport} = await run(steps, cluster);
		// node2 is done after step 1, so it is closed before step 2 connects node3; node1 stays for step 3.
		expect(transport.closedSessions.indexOf('node2')).toBeLessThan(transport.closedSessions.indexOf('node3'));
		expect(transport.closedSessions.slice(0, 1)).toEqual(['node2']);
		expect(transport.closedSessions.at(-1)).toBe('node1');
		expect([...transport.closedSessions].sort()).toEqual(['node1', 'node2', 'node3', 'node4']);
		expect(transport.connects.filter(node => node === 'node1')).toHaveLength(1);
	});

	it('a node that does not answer the service manager check in time is unreachable (timeout), not "no manager"', async () => {
		const steps = [step(1, 'status', ['cron'], ['node1'])];
		const {events, summary} = await run(steps, {node1: {respond: () => ({hang: true})}}, {commandTimeoutMs: 50});
		expect(events).toContainEqual(expect.objectContaining({type: 'node-unreachable', node: 'node1', reason: 'timeout', message: 'the node did not answer the service manager check within 0.05 s'}));
		expect(summary.tasks.map(task => task.outcome)).toEqual(['unreachable']);
	});

	it('does not retry an unreachable node in later steps', async () => {
		const steps = [step(1, 'start', ['cron'], ['node9']), step(2, 'stop', ['cron', 'ssh'], ['node9'])];
		const {transport, events, summary} = await run(steps, {node9: {connectError: {reason: 'refused', message: 'connection refused'}}});
		expect(transport.connects).toEqual(['node9']);
		expect(events.filter(e => e.type === 'node-unreachable')).toHaveLength(1);
		expect(summary.tasks.map(t => `${t.step} ${t.service} ${t.outcome} ${t.reason}`)).toEqual([
			'1 cron unreachable connection refused',
			'2 cron unreachable connection refused',
			'2 ssh unreachable connection refused',
		]);
	});

	it('skips detection when the manager is forced', async () => {
		const {transport, events} = await run([step(1, 'start', ['cron'], ['n1'])], {n1: simulatedNode('sysv', {cron: 'inactive'})}, {manager: 'sysv'});
		expect(transport.ranOn('n1')).toEqual(['service cron start']);
		expect(events.find(e => e.type === 'node-connected')).toMatchObject({manager: 'sysv'});
	});

	it('skips a node where no service manager is found', async () => {
		const {summary} = await run([step(1, 'start', ['cron'], ['n1'])], {n1: simulatedNode('none', {})});
		expect(summary.tasks).toEqual([expect.objectContaining({outcome: 'skipped', reason: expect.stringContaining('no service manager found')})]);
	});

	it('marks a node unreachable when its connection drops mid-command, and stops using it', async () => {
		const node = simulatedNode('systemd', {cron: 'active', ssh: 'active'}, {override: c => (c === 'systemctl restart -- cron' ? {dropConnection: true} : undefined)});
		const steps = [step(1, 'restart', ['cron', 'ssh'], ['n1']), step(2, 'status', ['ssh'], ['n1'])];
		const {summary, events, transport} = await run(steps, {n1: node});
		expect(summary.tasks.map(t => t.outcome)).toEqual(['unreachable', 'unreachable', 'unreachable']);
		expect(events.filter(e => e.type === 'node-unreachable')).toEqual([expect.objectContaining({reason: 'protocol'})]);
		expect(transport.ranOn('n1')).not.toContain('systemctl restart -- ssh');
	});
});

describe('per-step options', () => {
	it('uses sudo, timeout and manager from the step, over the run-wide ones', async () => {
		const nodes = {n1: simulatedNode('sysv', {cron: 'active'})};
		const steps = [step(1, 'status', ['cron'], ['n1']), step(2, 'status', ['cron'], ['n1'])];
		const {transport} = await run(steps, nodes, {
			commandTimeoutMs: 1000,
			stepOptions: new Map([[2, {sudo: true, timeoutMs: 2000, manager: 'sysv' as const}]]),
		});
		expect(transport.ranOn('n1').slice(1)).toEqual(['service cron status', 'sudo -n service cron status']);
		expect(transport.execs.map(call => call.timeoutMs)).toEqual([1000, 2000]);
		// The step that forces its manager runs sysv's command only, no `case` over the detected one.
		expect(transport.execs[1]?.command).not.toContain('systemctl');
	});
});

describe('fan-out', () => {
	it('never has more nodes in flight than the fanout', async () => {
		const nodes: Record<string, FakeNode> = {};
		const names = Array.from({length: 20}, (_, i) => `n${i + 1}`);
		for (const name of names) {
			nodes[name] = simulatedNode('systemd', {cron: 'active'}, {override: c => (c.startsWith('systemctl') ? {delayMs: 2} : undefined)});
		}

		const {transport, summary} = await run([step(1, 'restart', ['cron'], names)], nodes, {fanout: 4});
		expect(summary.counts.ok).toBe(20);
		expect(transport.maxConcurrentExecs).toBe(4);
	});

	it('runs a node’s services one after another', async () => {
		const node = simulatedNode('systemd', {a: 'active', b: 'active', c: 'active'}, {override: c => (c.startsWith('systemctl') ? {delayMs: 1} : undefined)});
		const {transport} = await run([step(1, 'restart', ['a', 'b', 'c'], ['n1'])], {n1: node});
		expect(transport.maxConcurrentExecs).toBe(1);
		expect(transport.ranOn('n1').slice(1)).toEqual(['systemctl restart -- a', 'systemctl restart -- b', 'systemctl restart -- c']);
	});
});

describe('timeouts and abort', () => {
	it('reports a hung command as timed out and goes on with the next service', async () => {
		const node = simulatedNode('systemd', {cron: 'active', ssh: 'active'}, {override: c => (c === 'systemctl restart -- cron' ? {hang: true} : undefined)});
		const {summary, events} = await run([step(1, 'restart', ['cron', 'ssh'], ['n1'])], {n1: node}, {commandTimeoutMs: 5});
		expect(summary.tasks.map(t => `${t.service} ${t.outcome}`)).toEqual(['cron timed-out', 'ssh ok']);
		expect(events.find(e => e.type === 'command-timed-out')).toMatchObject({node: 'n1', service: 'cron', afterMs: 5});
		expect(summary.counts).toEqual(counts({ok: 1, 'timed-out': 1}));
	});

	it('aborts mid-run: running commands stop, the rest is cancelled, connections close', async () => {
		const controller = new AbortController();
		const hang = (c: string) => (c === 'systemctl restart -- cron' ? {hang: true} : undefined);
		const nodes = {n1: simulatedNode('systemd', {cron: 'active', ssh: 'active'}, {override: hang}), n2: simulatedNode('systemd', {cron: 'active', ssh: 'active'}, {override: hang})};
		const steps = [step(1, 'restart', ['cron', 'ssh'], ['n1', 'n2']), step(2, 'restart', ['ssh'], ['n1', 'n2'])];
		const events: ExecutorEvent[] = [];
		const transport = new FakeTransport(nodes);
		const summary = await runPlan(steps, {
			transport,
			runId: 'r',
			planLabel: 'p',
			signal: controller.signal,
			clock: counterClock(),
			onEvent(event) {
				events.push(event);
				// Abort once both nodes are inside their hung command.
				if (event.type === 'command-started' && events.filter(e => e.type === 'command-started').length === 2) {
					controller.abort();
				}
			},
		});
		expect(summary.outcome).toBe('aborted');
		expect(summary.counts).toEqual(counts({cancelled: 6}));
		expect(transport.ranOn('n1').filter(c => c.includes('ssh'))).toEqual([]);
		expect(transport.ranOn('n2').filter(c => c.includes('ssh'))).toEqual([]);
		expect([...transport.closedSessions].sort()).toEqual(['n1', 'n2']);
		expect(events.at(-1)).toMatchObject({type: 'run-finished', outcome: 'aborted', counts: counts({cancelled: 6})});
		expect(events.filter(e => e.type === 'step-started')).toHaveLength(1);
	});

	it('an already aborted signal runs nothing', async () => {
		const controller = new AbortController();
		controller.abort();
		const {summary, transport} = await run(example2Steps, example2Cluster(), {signal: controller.signal});
		expect(transport.connects).toEqual([]);
		expect(summary.outcome).toBe('aborted');
		expect(summary.counts.cancelled).toBe(summary.tasks.length);
	});
});

describe('unsafe names', () => {
	it.each([
		[[step(1, 'start', ['cron; reboot'], ['n1'])]],
		[[step(1, 'start', ['cron'], ['n1']), step(2, 'start', ['ok'], ['n1'], ['$(id)'])]],
	])('rejects them before connecting or executing anything', async steps => {
		const transport = new FakeTransport({n1: simulatedNode('systemd', {cron: 'active'})});
		const events: ExecutorEvent[] = [];
		await expect(
			runPlan(steps, {transport, runId: 'r', planLabel: 'p', onEvent: e => events.push(e)}),
		).rejects.toBeInstanceOf(UserError);
		expect(transport.connects).toEqual([]);
		expect(transport.execs).toEqual([]);
		expect(events).toEqual([]);
	});
});

describe('checkNodes', () => {
	it('connects, detects the manager and reports latency or the failure per node', async () => {
		const transport = new FakeTransport({
			sd1: simulatedNode('systemd', {}, {connectMs: 12}),
			sv1: simulatedNode('sysv', {}, {connectMs: 30}),
			bad: {connectError: {reason: 'auth', message: 'bad: all authentication methods failed'}},
		});
		const events: ExecutorEvent[] = [];
		const results = await checkNodes(['sd1', 'sv1', 'bad', 'sd1'], {transport, onEvent: e => events.push(e), clock: counterClock(), fanout: 2});
		expect(results).toEqual([
			{node: 'sd1', status: 'connected', latencyMs: 12, manager: 'systemd'},
			{node: 'sv1', status: 'connected', latencyMs: 30, manager: 'sysv'},
			{node: 'bad', status: 'unreachable', reason: 'auth', message: 'bad: all authentication methods failed'},
		]);
		expect(events.filter(e => e.type === 'node-connecting')).toHaveLength(3);
		expect([...transport.closedSessions].sort()).toEqual(['sd1', 'sv1']);
	});

	it('keeps to the fanout, stamps events with the clock, and asks the manager within the command timeout', async () => {
		const nodes = Object.fromEntries(['n1', 'n2', 'n3', 'n4', 'n5'].map(node => [node, {...simulatedNode('sysv', {}), respond: () => ({stdout: 'sysv\n', delayMs: 5})}]));
		const transport = new FakeTransport(nodes);
		const events: ExecutorEvent[] = [];
		const results = await checkNodes(Object.keys(nodes), {transport, onEvent: e => events.push(e), clock: counterClock(), fanout: 2, commandTimeoutMs: 4321});
		expect(results.map(result => result.status)).toEqual(['connected', 'connected', 'connected', 'connected', 'connected']);
		expect(transport.maxConcurrentExecs).toBe(2);
		expect(transport.execs.map(exec => exec.timeoutMs)).toEqual([4321, 4321, 4321, 4321, 4321]);
		expect(events.map(event => event.at)).toEqual(events.map((_, index) => index));
	});

	it('takes a given manager without asking the node; a check aborted before it starts is cancelled, and runs nothing', async () => {
		const transport = new FakeTransport({n1: simulatedNode('sysv', {})});
		expect(await checkNodes(['n1'], {transport, onEvent() {}, manager: 'openrc'})).toEqual([{node: 'n1', status: 'connected', latencyMs: 5, manager: 'openrc'}]);
		expect(transport.execs).toEqual([]);
		const aborted = new AbortController();
		aborted.abort();
		const idle = new FakeTransport({n1: simulatedNode('sysv', {})});
		expect(await checkNodes(['n1'], {transport: idle, onEvent() {}, signal: aborted.signal})).toEqual([{node: 'n1', status: 'cancelled'}]);
		expect(idle.connects).toEqual([]);
	});
});
