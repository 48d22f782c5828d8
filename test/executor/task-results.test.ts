import {describe, expect, it} from 'vitest';
import {checkNodes} from '../../source/executor/check-nodes.js';
import {buildNodeScript, scriptCommands} from '../../source/executor/node-script.js';
import {countOutcomes, emptyCounts, failing, formatMs, plural, settleWithoutRunning, timerSleep} from '../../source/executor/task-results.js';
import {FakeTransport, simulatedNode} from '../helpers/fake-transport.js';
import {step} from '../helpers/events.js';

describe('task results', () => {
	it('formats durations as a person reads them', () => {
		expect([999, 1000, 1500, 59_999, 60_000, 90_000, 120_000].map(formatMs)).toEqual(['999ms', '1s', '1.5s', '60s', '1m', '90s', '2m']);
	});

	it('says one node, two nodes', () => {
		expect([plural(1, 'node'), plural(2, 'node'), plural(0, 'node')]).toEqual(['1 node', '2 nodes', '0 nodes']);
	});

	it('counts outcomes; failures for max_fail are failed, timed out and unreachable only', () => {
		expect(emptyCounts()).toEqual({ok: 0, failed: 0, 'timed-out': 0, skipped: 0, unreachable: 0, cancelled: 0});
		const tasks = (['ok', 'failed', 'failed', 'timed-out'] as const).map(outcome => ({step: 1, service: 's', node: 'n', outcome}));
		expect(countOutcomes(tasks)).toEqual({...emptyCounts(), ok: 1, failed: 2, 'timed-out': 1});
		expect([...failing].sort()).toEqual(['failed', 'timed-out', 'unreachable']);
	});

	it('settles tasks that never ran: unreachable with the reason the node gave, else cancelled with the given reason', () => {
		const info = step(2, 'start', ['a', 'b'], ['n1']);
		expect(settleWithoutRunning({kind: 'unreachable', reason: 'dns', message: 'no such host'}, info, 'n1')).toEqual([
			{step: 2, service: 'a', node: 'n1', outcome: 'unreachable', reason: 'no such host'},
			{step: 2, service: 'b', node: 'n1', outcome: 'unreachable', reason: 'no such host'},
		]);
		expect(settleWithoutRunning(undefined, info, 'n1', ['b'], 'not run: stopped')).toEqual([{step: 2, service: 'b', node: 'n1', outcome: 'cancelled', reason: 'not run: stopped'}]);
		expect(settleWithoutRunning({kind: 'cancelled'}, info, 'n1', ['a'])).toEqual([{step: 2, service: 'a', node: 'n1', outcome: 'cancelled'}]);
	});

	it('sleeps for the time asked, ends early on an abort, and leaves no listener behind', async () => {
		const controller = new AbortController();
		let started = Date.now();
		await timerSleep(40, controller.signal);
		expect(Date.now() - started).toBeGreaterThanOrEqual(35);
		started = Date.now();
		await timerSleep(0, controller.signal);
		await timerSleep(-5, controller.signal);
		expect(Date.now() - started).toBeLessThan(30);
		const listening: string[] = [];
		const signal = controller.signal;
		const add = signal.addEventListener.bind(signal);
		const remove = signal.removeEventListener.bind(signal);
		signal.addEventListener = ((type: string, listener: () => void, options?: AddEventListenerOptions) => {
			listening.push(`add ${type} ${String(options?.once)}`);
			add(type, listener, options);
		}) as typeof signal.addEventListener;
		signal.removeEventListener = ((type: string, listener: () => void) => {
			listening.push(`remove ${type}`);
			remove(type, listener);
		}) as typeof signal.removeEventListener;
		started = Date.now();
		const waiting = timerSleep(10_000, signal);
		controller.abort();
		await waiting;
		expect(Date.now() - started).toBeLessThan(1000);
		expect(listening).toEqual(['add abort true', 'remove abort']);
		started = Date.now();
		await timerSleep(10_000, signal);
		expect(Date.now() - started).toBeLessThan(30);
	});
});

describe('node script details', () => {
	it('takes a nonce of hex digits only, whole', () => {
		const plan = {detect: false, manager: 'systemd' as const, action: 'status' as const, depend: [], services: ['a'], sudo: false};
		expect(() => buildNodeScript({...plan, nonce: 'zz00'})).toThrow('a node script nonce is hex');
		expect(() => buildNodeScript({...plan, nonce: '00zz'})).toThrow('a node script nonce is hex');
		expect(buildNodeScript({...plan, nonce: 'ab12'})).toContain('::svctui:ab12:');
	});

	it('lists the sudo commands when the step runs through sudo', () => {
		expect(scriptCommands({action: 'start', depend: ['d'], services: ['a'], sudo: true}, 'systemd')).toEqual(['sudo -n systemctl --no-pager --lines=0 status -- d', 'sudo -n systemctl start -- a']);
	});
});

describe('checkNodes', () => {
	it('an aborted check is cancelled per node; the fanout defaults to 64 at once', async () => {
		const controller = new AbortController();
		controller.abort();
		const transport = new FakeTransport({n1: simulatedNode('sysv', {})});
		const results = await checkNodes(['n1'], {transport, onEvent() {}, signal: controller.signal});
		expect(results).toEqual([{node: 'n1', status: 'cancelled'}]);
		const names = Array.from({length: 70}, (_, index) => `n${index}`);
		const many = new FakeTransport(Object.fromEntries(names.map(name => [name, simulatedNode('systemd', {}, {override: () => ({delayMs: 20, stdout: 'systemd'})})])));
		const events: string[] = [];
		const checked = await checkNodes(names, {transport: many, onEvent: event => events.push(event.type)});
		expect(checked.every(check => check.status === 'connected' && check.manager === 'systemd')).toBe(true);
		expect(many.maxConcurrentExecs).toBe(64);
	});
});
