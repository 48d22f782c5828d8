import {describe, expect, it} from 'vitest';
import {NodePool, type EventBody} from '../../source/executor/node-pool.js';
import {ConnectError} from '../../source/ssh/transport.js';
import {FakeTransport} from '../helpers/fake-transport.js';

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
