import {homedir} from 'node:os';
import {describe, expect, inject, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {runPlan} from '../../source/executor/run-plan.js';
import {createSsh2Transport} from '../../source/ssh/ssh2-transport.js';
import type {Session, Transport} from '../../source/ssh/transport.js';
import {step} from '../helpers/events.js';
import {skipWhen} from '../helpers/skip.js';

// Issue 11, item 2 on the real local cluster: one remote command per node per step, the manager detection
// riding on the first; every service still gets its own output, exit status and outcome.

const labs = inject('svctuiLabs');
const skipReason = labs.available ? undefined : labs.reason;

/** The real ssh2 transport, counting the execs it is asked for per node. */
function countingTransport(inner: Transport): {transport: Transport; execs: Map<string, string[]>} {
	const execs = new Map<string, string[]>();
	const transport: Transport = {
		async connect(node, options) {
			const session = await inner.connect(node, options);
			const counted: Session = {
				node: session.node,
				connectMs: session.connectMs,
				exec(command, execOptions) {
					execs.set(node, [...(execs.get(node) ?? []), command]);
					return session.exec(command, execOptions);
				},
				close: () => {
					session.close();
				},
			};
			return counted;
		},
		close: async () => inner.close(),
	};
	return {transport, execs};
}

describe('one exec per node per step on the local cluster', skipWhen(skipReason), () => {
	if (!labs.available) {
		it('runs one command per node per step', () => undefined);
		return;
	}

	describe.each([
		['systemd', labs.sd],
		['SysV', labs.sv],
		['OpenRC', labs.or],
	] as const)('%s nodes', (kind, lab) => {
		it('a three-step plan costs three execs per node; each service keeps its own result', async () => {
			const inner = createSsh2Transport({configFile: lab.sshConfig, home: homedir(), env: {}});
			const {transport, execs} = countingTransport(inner);
			const events: ExecutorEvent[] = [];
			const nodes = lab.nodes;
			const steps = [
				step(1, 'status', ['cron', 'ssh', 'nosuchservice'], nodes, ['ssh']),
				step(2, 'restart', ['cron'], nodes, ['cron']),
				step(3, 'status', ['cron'], nodes),
			];
			try {
				const summary = await runPlan(steps, {transport, runId: 'r', planLabel: 'p', commandTimeoutMs: 30_000, onEvent: event => events.push(event)});
				for (const node of nodes) {
					expect(execs.get(node), node).toHaveLength(3);
					// The manager is detected in the node's first command, and only there.
					expect(execs.get(node)?.filter(command => command.includes('/run/systemd/system'))).toHaveLength(1);
					expect(execs.get(node)?.[0]).toContain('/run/systemd/system');
				}

				expect(events.filter(event => event.type === 'node-connected').map(event => event.type === 'node-connected' && event.manager)).toEqual(nodes.map(() => (kind === 'systemd' ? 'systemd' : kind === 'SysV' ? 'sysv' : 'openrc')));
				const outcome = (stepIndex: number, service: string) => summary.tasks.filter(task => task.step === stepIndex && task.service === service).map(task => `${task.outcome} ${task.state ?? ''}`);
				expect(outcome(1, 'cron')).toEqual(nodes.map(() => 'ok active'));
				expect(outcome(1, 'ssh')).toEqual(nodes.map(() => 'ok active'));
				expect(outcome(1, 'nosuchservice')).toEqual(nodes.map(() => 'ok not-installed'));
				expect(outcome(2, 'cron')).toEqual(nodes.map(() => 'ok active'));
				expect(outcome(3, 'cron')).toEqual(nodes.map(() => 'ok active'));
				// Output reaches the service it belongs to: the missing one's complaint is its own, not cron's.
				const node = nodes[0]!;
				const linesOf = (service: string) => events.flatMap(event => (event.type === 'command-output' && event.node === node && event.step === 1 && event.service === service ? event.lines : []));
				expect(linesOf('nosuchservice').join('\n')).toMatch(/nosuchservice/);
				expect(linesOf('cron').join('\n')).not.toMatch(/nosuchservice/);
				expect(linesOf('cron').join('\n')).not.toContain('::svctui:');
				expect(events.filter(event => event.type === 'command-exited' && event.node === node && event.step === 1).map(event => event.type === 'command-exited' && event.service)).toEqual(['cron', 'ssh', 'nosuchservice']);
			} finally {
				await transport.close();
			}
		});
	});
});
