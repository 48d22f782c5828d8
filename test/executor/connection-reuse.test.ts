import {describe, expect, it} from 'vitest';
import {ConnectionHold, type HoldEnd, type HoldTimers} from '../../source/executor/connection-hold.js';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {NodePool, type HeldLink} from '../../source/executor/node-pool.js';
import {checkNodes, runPlan} from '../../source/executor/run-plan.js';
import {FakeTransport, simulatedNode, type FakeNode} from '../helpers/fake-transport.js';

function cluster(count: number, extra: Partial<FakeNode> = {}): Record<string, FakeNode> {
	return Object.fromEntries(Array.from({length: count}, (_, index) => [`node${index + 1}`, {...simulatedNode('systemd', {web: 'active'}), ...extra}]));
}

const nodesOf = (count: number) => Array.from({length: count}, (_, index) => `node${index + 1}`);

function statusStep(index: number, nodes: readonly string[]) {
	return {index, services: ['web'], action: 'status' as const, nodes, depend: []};
}

/** A clock and one timer the test moves by hand. */
function handTimers(): HoldTimers & {advance(ms: number): void; readonly armed: number} {
	let now = 1_000_000;
	let timer: {at: number; callback: () => void} | undefined;
	return {
		now: () => now,
		setTimer(callback, ms) {
			const armed = {at: now + ms, callback};
			timer = armed;
			return () => {
				if (timer === armed) {
					timer = undefined;
				}
			};
		},
		advance(ms) {
			now += ms;
			if (timer !== undefined && timer.at <= now) {
				const due = timer;
				timer = undefined;
				due.callback();
			}
		},
		get armed() {
			return timer === undefined ? 0 : 1;
		},
	};
}

/** Run the status step on `nodes` keeping every connection; returns what was handed over. */
async function checkAndKeep(transport: FakeTransport, nodes: readonly string[], fanout = 64): Promise<ReadonlyMap<string, HeldLink>> {
	let handed: ReadonlyMap<string, HeldLink> = new Map();
	await runPlan([statusStep(1, nodes)], {
		transport,
		onEvent() {},
		fanout,
		runId: 'pre',
		planLabel: 'pre-flight',
		connections: {
			keep: () => true,
			onHandOver(links) {
				handed = links;
			},
		},
	});
	return handed;
}

describe('connections handed from one piece of work to the next', () => {
	it('a run over held connections opens none, asks no service manager again and says each was reused', async () => {
		const transport = new FakeTransport(cluster(3));
		const held = await checkAndKeep(transport, nodesOf(3));
		expect([...held.keys()].sort()).toEqual(['node1', 'node2', 'node3']);
		expect(transport.closedSessions).toEqual([]);
		const connectsBefore = transport.connects.length;
		const execsBefore = transport.execs.length;
		const events: ExecutorEvent[] = [];
		const summary = await runPlan([statusStep(1, nodesOf(3)), statusStep(2, nodesOf(3))], {
			transport,
			onEvent: event => events.push(event),
			runId: 'run',
			planLabel: 'run',
			connections: {held},
		});
		expect(summary.outcome).toBe('ok');
		expect(transport.connects.length).toBe(connectsBefore);
		expect(events.filter(event => event.type === 'node-connecting')).toEqual([]);
		expect(events.filter(event => event.type === 'node-connected').map(event => event.type === 'node-connected' && `${event.node} ${event.manager} ${event.reused}`)).toEqual([
			'node1 systemd true',
			'node2 systemd true',
			'node3 systemd true',
		]);
		// Two status steps on three nodes, and no detection command: the pre-flight's answer is used.
		expect(transport.execs.slice(execsBefore).map(call => call.command)).toHaveLength(6);
		expect(transport.execs.slice(execsBefore).some(call => call.command.includes('/run/systemd/system'))).toBe(false);
		// Nothing was kept this time: all three close after their last step.
		expect(transport.closedSessions.sort()).toEqual(['node1', 'node2', 'node3']);
	});

	it('a held connection that dropped meanwhile is closed and the node connected again, as without reuse', async () => {
		const transport = new FakeTransport(cluster(3));
		const held = await checkAndKeep(transport, nodesOf(3));
		transport.dropConnections('node2');
		const events: ExecutorEvent[] = [];
		const summary = await runPlan([statusStep(1, nodesOf(3))], {transport, onEvent: event => events.push(event), runId: 'run', planLabel: 'run', connections: {held}});
		expect(summary.outcome).toBe('ok');
		expect(transport.connects.filter(node => node === 'node2')).toHaveLength(2);
		expect(transport.connects.filter(node => node === 'node1')).toHaveLength(1);
		expect(events.filter(event => event.type === 'node-connecting').map(event => event.type === 'node-connecting' && event.node)).toEqual(['node2']);
		const connected = events.find(event => event.type === 'node-connected' && event.node === 'node2');
		expect(connected && 'reused' in connected).toBe(false);
	});

	it('keeps only the nodes `keep` names, closes the rest, and hands nothing over after an abort', async () => {
		const transport = new FakeTransport(cluster(4));
		let handed: ReadonlyMap<string, HeldLink> | undefined;
		await runPlan([statusStep(1, nodesOf(4))], {
			transport,
			onEvent() {},
			runId: 'run',
			planLabel: 'run',
			connections: {
				keep: node => node === 'node2' || node === 'node4',
				onHandOver(links) {
					handed = links;
				},
			},
		});
		expect([...(handed?.keys() ?? [])].sort()).toEqual(['node2', 'node4']);
		expect(transport.closedSessions.sort()).toEqual(['node1', 'node3']);

		const aborted = new AbortController();
		const second = new FakeTransport(cluster(2, {respond: () => ({hang: true})}));
		let handedAfterAbort: ReadonlyMap<string, HeldLink> | undefined;
		const run = runPlan([statusStep(1, nodesOf(2))], {
			transport: second,
			onEvent() {},
			signal: aborted.signal,
			manager: 'systemd',
			runId: 'run',
			planLabel: 'run',
			connections: {
				keep: () => true,
				onHandOver(links) {
					handedAfterAbort = links;
				},
			},
		});
		await new Promise(resolve => setTimeout(resolve, 10));
		aborted.abort();
		await run;
		expect(handedAfterAbort).toBeUndefined();
		expect(second.closedSessions.sort()).toEqual(['node1', 'node2']);
	});

	it('held connections the work never needed go on when kept, and are closed when not', async () => {
		const transport = new FakeTransport(cluster(3));
		const held = await checkAndKeep(transport, nodesOf(3));
		let handed: ReadonlyMap<string, HeldLink> | undefined;
		await runPlan([statusStep(1, ['node1'])], {
			transport,
			onEvent() {},
			runId: 'run',
			planLabel: 'run',
			connections: {
				held,
				keep: node => node !== 'node3',
				onHandOver(links) {
					handed = links;
				},
			},
		});
		expect([...(handed?.keys() ?? [])].sort()).toEqual(['node1', 'node2']);
		expect(transport.closedSessions).toEqual(['node3']);
		expect(transport.connects).toHaveLength(3);
	});

	it('a node worked on over a held connection still takes a fanout slot, and the pool never holds more than the nodes', async () => {
		const transport = new FakeTransport(cluster(10, {respond: command => (command.includes('/run/systemd/system') ? {stdout: 'systemd\n'} : {stdout: 'web is running', delayMs: 5})}));
		const held = await checkAndKeep(transport, nodesOf(10));
		expect(held.size).toBe(10);
		transport.maxConcurrentExecs = 0;
		const pool = new NodePool({transport, emit() {}, signal: new AbortController().signal, manager: 'auto', held});
		expect(pool.openSessions).toBe(10);
		const summary = await runPlan([statusStep(1, nodesOf(10))], {
			transport,
			fanout: 3,
			onEvent() {},
			runId: 'run',
			planLabel: 'run',
			connections: {held},
		});
		expect(summary.counts.ok).toBe(10);
		expect(transport.maxConcurrentExecs).toBe(3);
		expect(transport.connects).toHaveLength(10);
	});

	it('a kept connection that dropped before the work ended is closed, not handed on', async () => {
		const transport = new FakeTransport(cluster(3));
		let handed: ReadonlyMap<string, HeldLink> | undefined;
		await checkNodes(nodesOf(3), {
			transport,
			onEvent(event) {
				if (event.type === 'node-connected' && event.node === 'node2') {
					transport.dropConnections('node2');
				}
			},
			connections: {
				keep: () => true,
				onHandOver(links) {
					handed = links;
				},
			},
		});
		expect([...(handed?.keys() ?? [])].sort()).toEqual(['node1', 'node3']);
		expect(transport.closedSessions).toEqual(['node2']);
	});

	it('checkNodes holds what it found for a run on the same nodes, and only the nodes asked for', async () => {
		const transport = new FakeTransport(cluster(4));
		let handed: ReadonlyMap<string, HeldLink> | undefined;
		const results = await checkNodes(nodesOf(4), {
			transport,
			onEvent() {},
			connections: {
				keep: node => node !== 'node4',
				onHandOver(links) {
					handed = links;
				},
			},
		});
		expect(results.map(result => result.status)).toEqual(['connected', 'connected', 'connected', 'connected']);
		expect([...(handed?.keys() ?? [])].sort()).toEqual(['node1', 'node2', 'node3']);
		expect(transport.closedSessions).toEqual(['node4']);
	});
});

describe('ConnectionHold', () => {
	async function held(count: number) {
		const transport = new FakeTransport(cluster(count));
		let closedTransport = 0;
		const close = transport.close.bind(transport);
		transport.close = async () => {
			closedTransport++;
			await close();
		};

		const links = await checkAndKeep(transport, nodesOf(count));
		return {transport, links, closedTransport: () => closedTransport};
	}

	it('hands over the transport and the open links of the nodes asked for within the window; the rest close', async () => {
		const {transport, links, closedTransport} = await held(4);
		const timers = handTimers();
		const ends: HoldEnd[] = [];
		const hold = new ConnectionHold({transport, links, windowMs: 60_000, timers, onEnd: how => ends.push(how)});
		expect(hold.expiresAt).toBe(1_000_000 + 60_000);
		expect(hold.size).toBe(4);
		transport.dropConnections('node2');
		timers.advance(59_999);
		const taken = hold.take(['node1', 'node2', 'node3']);
		expect(taken?.transport).toBe(transport);
		expect([...(taken?.held.keys() ?? [])].sort()).toEqual(['node1', 'node3']);
		expect(transport.closedSessions.sort()).toEqual(['node2', 'node4']);
		expect(ends).toEqual(['taken']);
		expect(hold.state).toBe('taken');
		// Taken once: a second taker, still within the window, connects for itself.
		expect(hold.take(['node1'])).toBeUndefined();
		expect(ends).toEqual(['taken']);
		expect(hold.size).toBe(0);
		// The taker owns the transport now: the hold neither closes it nor expires later.
		expect(timers.armed).toBe(0);
		timers.advance(10_000);
		await hold.close();
		expect(closedTransport()).toBe(0);
		expect(hold.take(['node1'])).toBeUndefined();
	});

	it('closes everything, transport included, when the window passes, and cannot be taken after', async () => {
		const {transport, links, closedTransport} = await held(3);
		const timers = handTimers();
		const ends: HoldEnd[] = [];
		const hold = new ConnectionHold({transport, links, windowMs: 5000, timers, onEnd: how => ends.push(how)});
		timers.advance(4999);
		expect(transport.closedSessions).toEqual([]);
		timers.advance(1);
		await Promise.resolve();
		expect(transport.closedSessions.sort()).toEqual(['node1', 'node2', 'node3']);
		expect(closedTransport()).toBe(1);
		expect(ends).toEqual(['expired']);
		expect(hold.take(['node1'])).toBeUndefined();
		expect(hold.state).toBe('closed');
	});

	it('a take at the very end of the window, before its timer ran, finds nothing and closes', async () => {
		const {transport, links, closedTransport} = await held(2);
		let now = 0;
		const ends: HoldEnd[] = [];
		const hold = new ConnectionHold({transport, links, windowMs: 100, timers: {now: () => now, setTimer: () => () => undefined}, onEnd: how => ends.push(how)});
		now = 100;
		expect(hold.take(['node1', 'node2'])).toBeUndefined();
		await Promise.resolve();
		expect(transport.closedSessions.sort()).toEqual(['node1', 'node2']);
		expect(closedTransport()).toBe(1);
		expect(ends).toEqual(['expired']);
	});

	it('works without anyone listening for its end', async () => {
		const {transport, links} = await held(2);
		const timers = handTimers();
		expect(new ConnectionHold({transport, links, windowMs: 100, timers}).take(['node1'])?.held.size).toBe(1);
		const other = await held(1);
		const expiring = new ConnectionHold({transport: other.transport, links: other.links, windowMs: 100, timers});
		timers.advance(100);
		await Promise.resolve();
		expect(expiring.state).toBe('closed');
		expect(other.closedTransport()).toBe(1);
	});

	it('close (n or Esc) ends it at once, once', async () => {
		const {transport, links, closedTransport} = await held(2);
		const timers = handTimers();
		const ends: HoldEnd[] = [];
		const hold = new ConnectionHold({transport, links, windowMs: 60_000, timers, onEnd: how => ends.push(how)});
		await hold.close();
		await hold.close();
		timers.advance(60_000);
		expect(ends).toEqual(['closed']);
		expect(closedTransport()).toBe(1);
		expect(transport.closedSessions.sort()).toEqual(['node1', 'node2']);
		expect(timers.armed).toBe(0);
	});
});
