import {describe, expect, it} from 'vitest';
import {NodePool, type EventBody} from '../../source/executor/node-pool.js';
import {detectManagerCommand} from '../../source/executor/service-commands.js';
import type {ManagerChoice} from '../../source/plan/types.js';
import {ConnectError, type ExecChunk} from '../../source/ssh/transport.js';
import {FakeTransport} from '../helpers/fake-transport.js';
import {eventLog, scriptedSession, transportOf, type ScriptedReply} from '../helpers/scripted-session.js';

const okNode = {respond: () => ({stdout: 'sysv\n'})};

function pool(transport: FakeTransport): {pool: NodePool; events: EventBody[]} {
	const events: EventBody[] = [];
	return {pool: new NodePool({transport, emit: event => events.push(event), signal: new AbortController().signal, manager: 'auto'}), events};
}

describe('NodePool', () => {
	it('a released node keeps its manager and latency but not its closed session (a 5,000-node run held every one to its end)', async () => {
		const transport = new FakeTransport({node1: {...okNode, connectMs: 7}, node2: okNode});
		const {pool: nodes, events} = pool(transport);
		const first = await nodes.get('node1');
		await nodes.get('node2');
		expect(first).toMatchObject({kind: 'connected', manager: 'sysv', latencyMs: 7});
		const session = first.kind === 'connected' ? first.session : undefined;
		expect(nodes.openSessions).toBe(2);

		nodes.release('node1');
		expect(transport.closedSessions).toEqual(['node1']);
		expect(nodes.openSessions).toBe(1);
		for (const link of [nodes.known('node1'), await nodes.get('node1')]) {
			expect(link).toMatchObject({kind: 'connected', manager: 'sysv', latencyMs: 7});
			const kept = link?.kind === 'connected' ? link.session : undefined;
			expect(kept).not.toBe(session);
			expect(kept?.node).toBe('node1');
			expect(kept?.connectMs).toBe(session?.connectMs);
			// Nothing runs on it any more: an exec fails as a lost connection would, never reaching the node.
			const execs = transport.execs.length;
			await expect(async () => {
				for await (const chunk of kept?.exec('true') ?? []) expect(chunk).toBeUndefined();
			}).rejects.toBeInstanceOf(ConnectError);
			expect(transport.execs.length).toBe(execs);
		}

		// Releasing again, or closing everything, closes nothing twice and connects nothing again.
		nodes.release('node1');
		await nodes.closeAll();
		expect(transport.closedSessions).toEqual(['node1', 'node2']);
		expect(transport.connects).toEqual(['node1', 'node2']);
		expect(events.filter(event => event.type === 'node-connected').map(event => event.node)).toEqual(['node1', 'node2']);
		expect(nodes.openSessions).toBe(0);
	});
});

// Connecting, detecting and losing nodes, with sessions scripted chunk by chunk (issue 9 item 6).
describe('NodePool: connect and detect', () => {
	const detected = (lines: string[], exitCode: number | null = 0): ExecChunk[] => [{kind: 'output', stream: 'stdout', lines}, {kind: 'exit', exitCode, signal: null}];

	function scripted(sessions: Parameters<typeof transportOf>[0], options: {manager?: ManagerChoice; foldDetection?: boolean; detectTimeoutMs?: number; abort?: AbortController} = {}) {
		const {events, emit} = eventLog();
		const nodes = new NodePool({
			transport: transportOf(sessions),
			emit,
			signal: (options.abort ?? new AbortController()).signal,
			manager: options.manager ?? 'auto',
			...(options.foldDetection === undefined ? {} : {foldDetection: options.foldDetection}),
			...(options.detectTimeoutMs === undefined ? {} : {detectTimeoutMs: options.detectTimeoutMs}),
		});
		return {nodes, events};
	}

	it('reads the manager from stdout only, under the detection timeout; a failed detection means no manager', async () => {
		const systemd = scriptedSession('n1', () => [{kind: 'output', stream: 'stderr', lines: ['sysv']}, ...detected(['', 'systemd'])]);
		const failed = scriptedSession('n2', () => detected(['systemd'], 1));
		const {nodes, events} = scripted({n1: systemd, n2: failed}, {detectTimeoutMs: 2500});
		expect(await nodes.get('n1')).toMatchObject({kind: 'connected', manager: 'systemd', latencyMs: 5});
		expect(await nodes.get('n2')).toMatchObject({kind: 'connected', manager: 'none'});
		expect(systemd.execs).toEqual([{command: detectManagerCommand, timeoutMs: 2500}]);
		expect(events).toEqual([
			{type: 'node-connecting', node: 'n1'},
			{type: 'node-connected', node: 'n1', latencyMs: 5, manager: 'systemd'},
			{type: 'node-connecting', node: 'n2'},
			{type: 'node-connected', node: 'n2', latencyMs: 5, manager: 'none'},
		]);
	});

	it('a detection that times out makes the node unreachable (timeout), its session closed', async () => {
		const slow = scriptedSession('n1', () => [{kind: 'timed-out', afterMs: 2500}]);
		const {nodes, events} = scripted({n1: slow});
		const message = 'n1: the node did not answer the service manager check within 2.5 s';
		expect(await nodes.get('n1')).toEqual({kind: 'unreachable', reason: 'timeout', message});
		expect(events.at(-1)).toEqual({type: 'node-unreachable', node: 'n1', reason: 'timeout', message: message.slice(4)});
		expect(slow.closes).toBe(1);
	});

	it.each<[string, Error | string, string, string]>([
		['a ConnectError keeps its reason', new ConnectError('n1', 'auth', 'n1: all authentication methods failed'), 'auth', 'n1: all authentication methods failed'],
		['any other Error is a protocol failure, its first line', new Error('boom\n    at somewhere'), 'protocol', 'boom'],
		['a thrown string too', 'plain words', 'protocol', 'plain words'],
	])('a connect that throws: %s', async (_, thrown, reason, message) => {
		const {nodes, events} = scripted({n1: thrown});
		expect(await nodes.get('n1')).toEqual({kind: 'unreachable', reason, message});
		// The event's message sits next to the node's name already: no `n1: ` again.
		expect(events.at(-1)).toEqual({type: 'node-unreachable', node: 'n1', reason, message: message.replace(/^n1: /, '')});
	});

	it('a connection lost during detection: unreachable with that reason, the session closed', async () => {
		const dropping = scriptedSession('n1', () => [new ConnectError('n1', 'protocol', 'n1: connection reset')]);
		const {nodes} = scripted({n1: dropping});
		expect(await nodes.get('n1')).toEqual({kind: 'unreachable', reason: 'protocol', message: 'n1: connection reset'});
		expect(dropping.closes).toBe(1);
	});

	it.each<[string, (abort: AbortController) => ScriptedReply]>([
		['during detection (the connection then drops)', abort => [() => {
			abort.abort();
		}, new ConnectError('n1', 'protocol', 'n1: closed')]],
		['as detection ends', abort => [() => {
			abort.abort();
		}, ...detected(['sysv'])]],
	])('an abort %s: cancelled, the session closed, no event saying the node is down or up', async (_, reply) => {
		const abort = new AbortController();
		const session = scriptedSession('n1', () => reply(abort));
		const {nodes, events} = scripted({n1: session}, {abort});
		expect(await nodes.get('n1')).toEqual({kind: 'cancelled'});
		expect(session.closes).toBe(1);
		expect(events.map(event => event.type)).toEqual(['node-connecting']);
	});

	it('an abort while connecting: cancelled, nothing reported as unreachable', async () => {
		const abort = new AbortController();
		const {nodes, events} = scripted({n1: new ConnectError('n1', 'timeout', 'n1: aborted')}, {abort});
		const link = nodes.get('n1');
		abort.abort();
		expect(await link).toEqual({kind: 'cancelled'});
		expect(events.map(event => event.type)).toEqual(['node-connecting']);
	});

	it('with a manager given, asks nothing; with detection folded, leaves the manager to the first command', async () => {
		const given = scriptedSession('n1', () => []);
		expect(await scripted({n1: given}, {manager: 'openrc'}).nodes.get('n1')).toMatchObject({kind: 'connected', manager: 'openrc'});
		const folded = scriptedSession('n1', () => []);
		const {nodes, events} = scripted({n1: folded}, {foldDetection: true});
		expect(await nodes.get('n1')).toMatchObject({kind: 'connected', manager: undefined});
		expect([given.execs, folded.execs]).toEqual([[], []]);
		expect(events.map(event => event.type)).toEqual(['node-connecting']);

		// The first command reports it: node-connected then, once.
		nodes.detected('n1', 'sysv');
		nodes.detected('n1', 'systemd');
		expect(nodes.known('n1')).toMatchObject({kind: 'connected', manager: 'sysv'});
		expect(events.slice(1)).toEqual([{type: 'node-connected', node: 'n1', latencyMs: 5, manager: 'sysv'}]);
	});

	it('markLost closes the session and reports the node once; detected() on a lost node does nothing', async () => {
		const session = scriptedSession('n1', () => detected(['sysv']));
		const {nodes, events} = scripted({n1: session}, {foldDetection: true});
		await nodes.get('n1');
		nodes.markLost('n1', new ConnectError('n1', 'protocol', 'n1: connection lost'));
		nodes.markLost('n1', new ConnectError('n1', 'timeout', 'n1: again'));
		nodes.detected('n1', 'sysv');
		expect(session.closes).toBe(1);
		expect(nodes.known('n1')).toEqual({kind: 'unreachable', reason: 'protocol', message: 'connection lost'});
		expect(events.map(event => event.type)).toEqual(['node-connecting', 'node-unreachable']);
		expect(nodes.openSessions).toBe(0);
	});

	it('a node marked lost while it was still connecting stays lost', async () => {
		const session = scriptedSession('n1', () => detected(['sysv']));
		const {nodes} = scripted({n1: session});
		const link = nodes.get('n1');
		nodes.markLost('n1', new ConnectError('n1', 'protocol', 'n1: gone'));
		expect(await link).toEqual({kind: 'unreachable', reason: 'protocol', message: 'gone'});
		expect(await nodes.get('n1')).toEqual({kind: 'unreachable', reason: 'protocol', message: 'gone'});
	});

	it('a released node\'s stand-in session is closed: an exec on it says the node had no more work', async () => {
		const {nodes} = scripted({n1: scriptedSession('n1', () => detected(['sysv']))});
		await nodes.get('n1');
		nodes.release('n1');
		const link = nodes.known('n1');
		const standIn = link?.kind === 'connected' ? link.session : undefined;
		expect(standIn?.open).toBe(false);
		const error = await (async () => {
			try {
				for await (const chunk of standIn?.exec('true') ?? []) expect(chunk).toBeUndefined();
			} catch (error: unknown) {
				return error;
			}

			return undefined;
		})();
		expect(error).toBeInstanceOf(ConnectError);
		expect(error).toMatchObject({reason: 'protocol', message: 'n1: the connection was closed (the node had no more work in this run)'});
	});

	it('a kept node whose manager was never reported is closed, not handed over', async () => {
		const session = scriptedSession('n1', () => []);
		const handed: string[] = [];
		const nodes = new NodePool({transport: transportOf({n1: session}), emit() {}, signal: new AbortController().signal, manager: 'auto', foldDetection: true, keep: () => true, onHandOver(links) {
			handed.push(...links.keys());
		}});
		await nodes.get('n1');
		nodes.release('n1');
		await nodes.closeAll();
		expect(session.closes).toBe(1);
		expect(handed).toEqual([]);
	});
});
