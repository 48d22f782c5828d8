import type {ExecutorEvent, StepInfo} from '../executor/events.js';
import {runPlan, type RunSummary} from '../executor/run-plan.js';
import {planRunSettings, runAbortController} from '../executor/settings.js';
import type {PreparedRun} from '../plan/prepare.js';
import {ExitCode, exitCodeFor} from '../report/exit-code.js';
import {openRunLog} from '../report/log-writer.js';
import {createTextReporter} from '../report/text.js';
import {createRunStore} from '../store/run-store.js';
import type {RunView} from './contract.js';
import {clockTime} from '../report/reuse.js';
import {plural} from '../report/review.js';
import type {HeldConnections, SessionContext} from './session.js';
import type {RolloutSession} from './rollout-session.js';

/** The run session: runs a prepared plan into a new RunStore and the run log; retries failed tasks; aborts. */
export type RunSession = {
	start(prepared: PreparedRun, kind?: RunView['kind']): Promise<void>;
	/** Run again only the failed services, only on the nodes where they failed. */
	retryFailed(): Promise<void>;
	abort(): void;
	/** The last run's exit code (exit-code.ts); 0 when nothing ran. */
	exitCode(): number;
};

/** Per step, the failed services grouped by the exact nodes they failed on: only those run again. */
export function failedSteps(prepared: PreparedRun, summary: RunSummary): StepInfo[] {
	const failed = summary.tasks.filter(task => task.outcome === 'failed' || task.outcome === 'timed-out');
	const steps: StepInfo[] = [];
	for (const step of prepared.steps) {
		const byNodes = new Map<string, {services: string[]; nodes: string[]}>();
		for (const service of step.services) {
			const nodes = failed.filter(task => task.step === step.index && task.service === service).map(task => task.node);
			if (nodes.length === 0) {
				continue;
			}

			const key = nodes.join(',');
			const entry = byNodes.get(key) ?? {services: [], nodes};
			entry.services.push(service);
			byNodes.set(key, entry);
		}

		for (const entry of byNodes.values()) {
			steps.push({...step, services: entry.services, nodes: entry.nodes});
		}
	}

	return steps;
}

export function createRunSession(context: SessionContext, rollout?: RolloutSession): RunSession {
	const {store, deps, settings} = context;
	let last: {prepared: PreparedRun; summary: RunSummary | undefined} | undefined;
	let running: AbortController | undefined;

	const start = async (prepared: PreparedRun, kind: RunView['kind'] = 'run'): Promise<void> => {
		if (store.get().run.active) {
			return;
		}

		const abort = runAbortController();
		running = abort;
		const runStore = createRunStore({...(deps.flushMs === undefined ? {} : {flushMs: deps.flushMs}), ...(deps.flushTimer === undefined ? {} : {timer: deps.flushTimer})});
		const log = (deps.openLog ?? (() => openRunLog({dir: settings.logDir})))();
		const logLines: string[] = [];
		let partial = '';
		const reporter = createTextReporter({
			color: false,
			write(text) {
				const parts = (partial + text).split('\n');
				partial = parts.pop() ?? '';
				logLines.push(...parts);
			},
		});
		store.set(current => ({...current, run: {store: runStore, active: true, kind, logPath: log.path, logLines, failedTasks: 0}, notice: `log: ${log.path}`}));
		// The admin steers the rollout from the app: pause, stop, fanout, batch size, the canary's answer.
		const steering = rollout?.begin();
		const onEvent = (event: ExecutorEvent): void => {
			log.onEvent(event);
			reporter.onEvent(event);
			runStore.apply(event);
			steering?.onEvent(event);
			if (event.type === 'step-finished' || event.type === 'run-finished') {
				store.set(current => ({...current, run: {...current.run, logLines: [...logLines]}}), 'later');
			}
		};

		// A node with a failed task is one `R` runs again: its connection stays open for the retry.
		const failedNodes = new Set<string>();
		const noteFailure = (event: ExecutorEvent): void => {
			if ((event.type === 'command-exited' || event.type === 'verify-finished') && event.outcome === 'failed') {
				failedNodes.add(event.node);
			} else if (event.type === 'command-timed-out') {
				failedNodes.add(event.node);
			}
		};

		let held: HeldConnections | undefined;
		let summary: RunSummary | undefined;
		try {
			summary = await context.track(
				context.withConnections(
					prepared.steps.flatMap(step => step.nodes),
					node => failedNodes.has(node),
					async (transport, connections) =>
						runPlan(prepared.steps, {
							...planRunSettings(prepared, settings.executor),
							...steering?.options,
							transport,
							connections,
							onEvent(event) {
								noteFailure(event);
								onEvent(event);
							},
							signal: abort.signal,
						}),
					{
						held(connections) {
							held = connections;
						},
					},
				),
			);
		} catch (error: unknown) {
			context.notice(`run failed: ${error instanceof Error ? error.message : String(error)}`);
		} finally {
			steering?.finish();
			log.close();
			runStore.flush();
			running = undefined;
		}

		last = {prepared, summary: summary ?? last?.summary};
		const failedTasks = summary ? summary.tasks.filter(task => task.outcome === 'failed' || task.outcome === 'timed-out').length : 0;
		const exitCode = summary ? exitCodeFor(summary) : ExitCode.nodesFailed;
		store.set(current => ({
			...current,
			run: {...current.run, active: false, logLines: [...logLines], exitCode, failedTasks},
			notice: `${summary?.outcome === 'aborted' ? 'run aborted' : 'run finished'} (exit ${exitCode}); log: ${log.path}${held === undefined ? '' : `; R reuses ${plural(held.connections, 'open connection')} until ${clockTime(held.until)}`}`,
		}));
	};

	return {
		start,

		async retryFailed() {
			if (last?.summary === undefined) {
				context.notice('no run to retry');
				return;
			}

			const steps = failedSteps(last.prepared, last.summary);
			if (steps.length === 0) {
				context.notice('no failed tasks to retry');
				return;
			}

			await start({...last.prepared, steps}, 'retry');
		},

		abort() {
			if (running) {
				running.abort();
				context.notice('aborting: no new work starts, running commands are stopped; results are kept');
			}
		},

		exitCode: () => (last?.summary === undefined ? ExitCode.ok : exitCodeFor(last.summary)),
	};
}
