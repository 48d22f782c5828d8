import {checkNodes, type NodeCheck} from '../executor/run-plan.js';
import {runAbortController} from '../executor/settings.js';
import {parseNodeSet} from '../nodeset/index.js';
import {answeringNodes, groupByReason} from '../report/health.js';
import type {NodeSetCheck} from './contract.js';
import {clockTime} from '../report/reuse.js';
import {plural} from '../report/review.js';
import type {HeldConnections, SessionContext} from './session.js';

/** The health session: which nodes answer (latency, service manager) and which do not, grouped by reason. */
export type HealthSession = {
	/** Check the typed node set, or `planNodes` when the expression is undefined or empty. */
	check(expression: string | undefined, planNodes: () => string[], validate: (expression: string) => NodeSetCheck): Promise<void>;
	/** Nodes the last check found down. */
	downNodes(): ReadonlySet<string>;
	abort(): void;
};

export function createHealthSession(context: SessionContext): HealthSession {
	const {store, deps} = context;
	let running: AbortController | undefined;
	return {
		async check(expression, planNodes, validate) {
			let nodes: string[];
			let target = expression?.trim() ?? '';
			if (target === '') {
				target = 'plan';
				nodes = planNodes();
			} else {
				const checked = validate(target);
				if (!checked.ok) {
					store.set(current => ({...current, health: {...current.health, error: checked.message}, notice: checked.message}));
					return;
				}

				nodes = parseNodeSet(target, {resolver: deps.resolver}).expand();
			}

			if (nodes.length === 0) {
				context.notice('no nodes to check: the plan has none; press n to type a node set');
				return;
			}

			running?.abort();
			const abort = runAbortController();
			running = abort;
			let contacted = 0;
			store.set(current => ({...current, health: {status: 'running', target, total: nodes.length, contacted: 0, answered: [], down: []}}));
			// Connections to the plan's nodes stay open for a run that follows; never more than the plan has.
			const planNodeSet = new Set(planNodes());
			let held: HeldConnections | undefined;
			const results: NodeCheck[] = await context.track(
				context.withConnections(nodes, node => planNodeSet.has(node), async (transport, connections) =>
					checkNodes(nodes, {
						transport,
						connections,
						onEvent(event) {
							if (event.type === 'node-connected' || event.type === 'node-unreachable') {
								contacted++;
								store.set(current => (running === abort ? {...current, health: {...current.health, contacted}} : current), 'later');
							}
						},
						...context.settings.executor,
						signal: abort.signal,
					}),
				{
					held(connections) {
						held = connections;
					},
				}),
			);
			if (running !== abort) {
				return;
			}

			running = undefined;
			const answered = answeringNodes(results);
			store.set(current => ({
				...current,
				health: {status: 'done', target, total: nodes.length, contacted: results.length, answered, down: groupByReason(results)},
				notice: `${answered.length} of ${nodes.length} nodes answer${held === undefined ? '' : `; a run reuses ${plural(held.connections, 'open connection')} until ${clockTime(held.until)}`}`,
			}));
		},

		downNodes: () => new Set(store.get().health.down.flatMap(group => group.nodes)),

		abort() {
			running?.abort();
		},
	};
}
