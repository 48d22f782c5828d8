import {assertNever} from '../errors.js';
import type {ConnectError} from '../ssh/transport.js';
import type {ExecutorEvent, ManagerName} from './events.js';
import {createLimiter} from './limiter.js';
import {NodePool} from './node-pool.js';
import type {RunPlanOptions} from './run-plan.js';
import {neverAborted} from './task-results.js';

/** ClusterShell's default fanout. */
export const defaultFanout = 64;

/** What `svctui check` learns about one node. */
export type NodeCheck =
	| {readonly node: string; readonly status: 'connected'; readonly latencyMs: number; readonly manager: ManagerName}
	| {readonly node: string; readonly status: 'unreachable'; readonly reason: ConnectError['reason']; readonly message: string}
	| {readonly node: string; readonly status: 'cancelled'};

export type CheckNodesOptions = Pick<RunPlanOptions, 'transport' | 'onEvent' | 'fanout' | 'signal' | 'manager' | 'clock' | 'commandTimeoutMs' | 'connections'>;

/**
 * Connect to each node (up to `fanout` at once), detect its service manager, note the latency, and close
 * again. Emits node-connecting / node-connected / node-unreachable; never throws for a node.
 */
export async function checkNodes(nodes: readonly string[], options: CheckNodesOptions): Promise<NodeCheck[]> {
	const clock = options.clock ?? Date.now;
	const signal = options.signal ?? neverAborted();
	const pool = new NodePool({
		transport: options.transport,
		emit(body) {
			options.onEvent({...body, at: clock()} as ExecutorEvent);
		},
		signal,
		manager: options.manager ?? 'auto',
		detectTimeoutMs: options.commandTimeoutMs,
		...options.connections,
	});
	const limiter = createLimiter(options.fanout ?? defaultFanout);
	try {
		return await Promise.all(
			[...new Set(nodes)].map(async node =>
				limiter.run(async (): Promise<NodeCheck> => {
					const link = await pool.get(node);
					switch (link.kind) {
						case 'connected': {
							// This pool detects on connect, so the manager is known here.
							return {node, status: 'connected', latencyMs: link.latencyMs, manager: link.manager ?? 'none'};
						}

						case 'unreachable': {
							return {node, status: 'unreachable', reason: link.reason, message: link.message};
						}

						case 'cancelled': {
							return {node, status: 'cancelled'};
						}

						default: {
							return assertNever(link);
						}
					}
				}),
			),
		);
	} finally {
		await pool.closeAll();
	}
}
