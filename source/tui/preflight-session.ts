import {randomUUID} from 'node:crypto';
import type {HoldEnd} from '../executor/connection-hold.js';
import type {ServiceState, StepInfo} from '../executor/events.js';
import {predictPlan, stateKey} from '../executor/predict.js';
import {runPlan} from '../executor/run-plan.js';
import {runAbortController} from '../executor/settings.js';
import {effectiveOptions} from '../plan/options.js';
import type {PreparedRun} from '../plan/prepare.js';
import type {Action, StepOptions} from '../plan/types.js';
import type {HeldConnections, SessionContext} from './session.js';

/** The pre-flight session: asks the nodes how things stand and predicts what each step will do. */
export type PreflightSession = {
	/** Review `prepared` (undefined: the plan cannot run, the review says why). Resolves when the review is complete. */
	review(prepared: PreparedRun | undefined): Promise<void>;
	abort(): void;
};

/** One status step per service, on the nodes where some step acts on it or depends on it. */
function statusSteps(prepared: PreparedRun): StepInfo[] {
	const wanted = new Map<string, Set<string>>();
	for (const step of prepared.steps) {
		for (const service of [...step.depend, ...step.services]) {
			const nodes = wanted.get(service) ?? new Set<string>();
			for (const node of step.nodes) {
				nodes.add(node);
			}

			wanted.set(service, nodes);
		}
	}

	return [...wanted].map(([service, nodes], position) => ({index: position + 1, services: [service], action: 'status' as Action, nodes: [...nodes], depend: []}));
}

export function createPreflightSession(context: SessionContext): PreflightSession {
	const {store} = context;
	let running: AbortController | undefined;
	return {
		async review(prepared) {
			if (prepared === undefined) {
				store.set(current => ({...current, preflight: {status: 'failed', contacted: 0, total: 0, steps: [], ...(current.notice === undefined ? {} : {error: current.notice})}}));
				return;
			}

			running?.abort();
			const abort = runAbortController();
			running = abort;
			const steps = statusSteps(prepared);
			const total = new Set(prepared.steps.flatMap(step => step.nodes)).size;
			const contacted = new Set<string>();
			store.set(current => ({...current, preflight: {status: 'running', prepared, contacted: 0, total, steps: []}}));
			const stepOptions = new Map<number, StepOptions>();
			for (const step of steps) {
				// Same sudo and manager as the run will use, so the check sees what the run will see.
				const owner = prepared.plan.steps.find(candidate => candidate.services.includes(step.services[0] ?? '') || candidate.depend.includes(step.services[0] ?? ''));
				stepOptions.set(step.index, owner ? effectiveOptions(prepared.plan, owner) : {});
			}

			// The connections stay open for the run the review leads to (every pre-flight node is one of the run's).
			const onHeld = {
				held(held: HeldConnections) {
					store.set(current => (current.preflight.prepared === prepared ? {...current, preflight: {...current.preflight, reuse: held}} : current));
				},
				ended(how: HoldEnd) {
					store.set(current =>
						current.preflight.prepared === prepared && current.preflight.reuse !== undefined && how !== 'taken'
							? {...current, preflight: {...current.preflight, reuse: {...current.preflight.reuse, closed: how}}}
							: current,
					);
				},
			};
			const summary = await context
				.track(
					context.withConnections(prepared.steps.flatMap(step => step.nodes), () => true, async (transport, connections) =>
						runPlan(steps, {
							transport,
							connections,
							onEvent(event) {
								if (event.type === 'node-connected' || event.type === 'node-unreachable') {
									contacted.add(event.node);
									store.set(current => (current.preflight.prepared === prepared ? {...current, preflight: {...current.preflight, contacted: contacted.size}} : current), 'later');
								}
							},
							...context.settings.executor,
							signal: abort.signal,
							runId: randomUUID(),
							planLabel: `${prepared.plan.source} (pre-flight)`,
							stepOptions,
						}),
					onHeld),
				)
				.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
			if (running !== abort || abort.signal.aborted) {
				return;
			}

			running = undefined;
			if (summary instanceof Error) {
				store.set(current => ({...current, preflight: {status: 'failed', prepared, contacted: contacted.size, total, steps: [], error: summary.message}}));
				return;
			}

			const unreachable = new Map<string, string>();
			const states = new Map<string, ServiceState>();
			for (const task of summary.tasks) {
				if (task.outcome === 'unreachable') {
					unreachable.set(task.node, task.reason ?? 'unreachable');
				} else if (task.state !== undefined) {
					states.set(stateKey(task.node, task.service), task.state);
				}
			}

			store.set(current => ({
				...current,
				preflight: {status: 'done', prepared, contacted: contacted.size, total, steps: predictPlan(prepared.steps, {unreachable, states}), ...(current.preflight.reuse === undefined ? {} : {reuse: current.preflight.reuse})},
			}));
		},

		abort() {
			running?.abort();
		},
	};
}
