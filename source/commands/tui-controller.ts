/**
 * The TUI's side effects, in one object the components dispatch to (STYLE §4): plan files, $EDITOR,
 * SSH (pre-flight, runs, health checks) and the run log. Components never do any of this themselves.
 * Its own state (plan, pre-flight, run, health) is an external store like the RunStore: `subscribe` +
 * `getSnapshot`, notified at most once per `flushMs`.
 */
import {spawnSync} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {readFile, writeFile} from 'node:fs/promises';
import {constants} from 'node:os';
import {resolve} from 'node:path';
import {load} from 'js-yaml';
import type {ExecutorEvent, ServiceState, StepInfo} from '../executor/events.js';
import {checkNodes, runPlan, type NodeCheck, type RunSummary} from '../executor/run-plan.js';
import {UserError} from '../errors.js';
import {foldNodes, parseNodeSet, type GroupResolver} from '../nodeset/index.js';
import {formatProblem, loadPlanFile, PlanError, type PlanProblem} from '../plan/load.js';

export type {DownGroup, HealthView, NodeSetCheck, PlanView, PreflightView, RunView, StepRow, TuiController, TuiState} from '../ui/controller.js';
import {effectiveOptions} from '../plan/options.js';
import {parseDependList, parseServiceList, serializePlan} from '../plan/save.js';
import type {Action, Plan, StepOptions} from '../plan/types.js';
import {analysePlan} from '../plan/validate.js';
import {ExitCode, exitCodeFor} from '../report/exit-code.js';
import {openRunLog, type RunLog} from '../report/log-writer.js';
import {createTextReporter} from '../report/text.js';
import type {Transport} from '../ssh/transport.js';
import {createRunStore} from '../store/run-store.js';
import {deleteStep, excludeNodes, moveStep, putStep, toggleStep, type StepDraft} from '../plan/edit.js';
import {predictPlan, stateKey} from '../executor/predict.js';
import type {HealthView, PlanView, RunView, StepRow, TuiController, TuiState} from '../ui/controller.js';
import type {CommandIO} from './io.js';
import type {RunOptions} from './options.js';
import {prepareRun, type PreparedRun} from '../plan/prepare.js';
import {executorSettings, planRunSettings, runAbortController} from './prepare.js';
import {nodeSetChecker} from '../plan/node-sets.js';

export type TuiDeps = {
	readonly transportFactory: (options: RunOptions, io: CommandIO) => Transport;
	/** Resolves `@group` names in node sets (groups.conf). */
	readonly resolver: GroupResolver;
	/** Leave the screen to the editor and take it back (unmount raw mode, alt screen). */
	readonly suspend?: () => void;
	readonly resume?: () => void;
	/** Runs the editor on a file with the terminal; returns its exit status. @default $VISUAL, $EDITOR, else vi, through sh */
	readonly runEditor?: (file: string) => number;
	/** @default openRunLog in `options.logDir` */
	readonly openLog?: () => RunLog;
	/** @default 40 */
	readonly flushMs?: number;
};

const emptyPlanView: PlanView = {plan: undefined, rows: [], file: undefined, problems: [], dirty: false};

function planFromScratch(): Plan {
	return {source: '<new plan>', format: 'list', defaults: {}, steps: []};
}

/**
 * Best-effort rows for a plan file with errors, so each problem can stand at its step: list items or
 * `steps:` items, each `{services: {state, nodes, depend}}`. Whatever is not there stays empty.
 */
function sketchRows(text: string): StepRow[] {
	let document: unknown;
	try {
		document = load(text);
	} catch {
		return [];
	}

	const items = Array.isArray(document)
		? document
		: typeof document === 'object' && document !== null && Array.isArray((document as {steps?: unknown}).steps)
			? ((document as {steps: unknown[]}).steps)
			: [];
	const text_ = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
	return items.map((item, position) => {
		const [key, settings] = typeof item === 'object' && item !== null ? (Object.entries(item)[0] ?? ['', {}]) : [text_(item), {}];
		const fields = typeof settings === 'object' && settings !== null ? (settings as Record<string, unknown>) : {};
		return {
			index: position + 1,
			services: key,
			action: text_(fields['state']),
			nodes: text_(fields['nodes']),
			depend: text_(fields['depend']),
			enabled: fields['enabled'] !== false,
		};
	});
}

/** The controller the app dispatches to. */
export function createTuiController(options: RunOptions, io: CommandIO, deps: TuiDeps): TuiController {
	const flushMs = deps.flushMs ?? 40;
	const checker = nodeSetChecker(deps.resolver);
	const listeners = new Set<() => void>();
	let state: TuiState = {
		plan: emptyPlanView,
		preflight: {status: 'idle', contacted: 0, total: 0, steps: []},
		run: {store: undefined, active: false, kind: 'run', logLines: [], failedTasks: 0},
		health: {status: 'idle', target: 'plan', total: 0, contacted: 0, answered: [], down: []},
	};
	let pending: ReturnType<typeof setTimeout> | undefined;
	let lastSummary: RunSummary | undefined;
	let lastPrepared: PreparedRun | undefined;
	/** The prepared run of the review on screen (the view holds only what it shows). */
	let reviewed: PreparedRun | undefined;
	const view = (prepared: PreparedRun) => ({source: prepared.plan.source, steps: prepared.steps});
	let runAbort: AbortController | undefined;
	let preflightAbort: AbortController | undefined;
	let healthAbort: AbortController | undefined;
	const inFlight = new Set<Promise<unknown>>();

	const notify = (): void => {
		pending = undefined;
		for (const listener of [...listeners]) {
			listener();
		}
	};

	/** Change the state; `now` tells listeners at once (user actions), else at the next flush (progress). */
	const update = (change: (current: TuiState) => TuiState, now = true): void => {
		state = change(state);
		if (now) {
			if (pending !== undefined) {
				clearTimeout(pending);
			}

			notify();
		} else {
			pending ??= setTimeout(notify, flushMs);
		}
	};

	const track = async <T>(work: Promise<T>): Promise<T> => {
		inFlight.add(work);
		try {
			return await work;
		} finally {
			inFlight.delete(work);
		}
	};

	const countOf = (expression: string): number | undefined => {
		try {
			return parseNodeSet(expression, {resolver: deps.resolver}).size;
		} catch {
			return undefined;
		}
	};

	const rowsOf = (plan: Plan): StepRow[] =>
		plan.steps.map(step => {
			const count = countOf(step.nodes);
			return {
				index: step.index,
				services: step.services.join(','),
				action: step.action,
				nodes: step.nodes,
				depend: step.depend.join(','),
				enabled: step.enabled,
				...(count === undefined ? {} : {count}),
			};
		});

	/** Re-validate an edited plan the way a file is validated (node sets and @groups included). */
	const problemsOf = (plan: Plan): PlanProblem[] => {
		if (plan.steps.length === 0) {
			return [];
		}

		const result = analysePlan(serializePlan(plan), plan.source, {checkNodes: checker});
		return 'problems' in result ? result.problems : [];
	};

	const setPlan = (plan: Plan, dirty: boolean, file: string | undefined): void => {
		update(current => ({...current, plan: {plan, rows: rowsOf(plan), file, problems: problemsOf(plan), dirty}, preflight: {status: 'idle', contacted: 0, total: 0, steps: []}}));
	};

	const editable = (): Plan | undefined => {
		const {plan} = state.plan;
		if (state.run.active) {
			update(current => ({...current, notice: 'the plan is locked while a run is active'}));
			return undefined;
		}

		if (plan === undefined && state.plan.problems.length > 0) {
			update(current => ({...current, notice: 'the plan file has errors: press e to fix it in $EDITOR, or o to open another'}));
			return undefined;
		}

		return plan ?? planFromScratch();
	};

	const edit = (change: (plan: Plan) => Plan): void => {
		const plan = editable();
		if (plan !== undefined) {
			setPlan(change(plan), true, state.plan.file);
		}
	};

	const loadPlan = async (file: string): Promise<void> => {
		const path = resolve(io.cwd, file);
		try {
			const plan = await loadPlanFile(path, {source: file, checkNodes: checker});
			setPlan(plan, false, file);
			update(current => ({...current, notice: `loaded ${file}: ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}`}));
		} catch (error: unknown) {
			if (!(error instanceof PlanError)) {
				throw error;
			}

			let rows: StepRow[] = [];
			try {
				rows = sketchRows(await readFile(path, 'utf8'));
			} catch {
				// Unreadable: the problem already says so.
			}

			update(current => ({
				...current,
				plan: {plan: undefined, rows, file, problems: error.problems, dirty: false},
				preflight: {status: 'idle', contacted: 0, total: 0, steps: []},
				notice: `${file}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}; e opens it in $EDITOR`,
			}));
		}
	};

	const runEditor =
		deps.runEditor ??
		((file: string): number => {
			const editor = io.env['VISUAL'] || io.env['EDITOR'] || 'vi';
			// Through sh, so an EDITOR with arguments (`code -w`, `emacs -nw`) works as it does for git.
			const result = spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', file], {stdio: 'inherit', cwd: io.cwd, env: io.env});
			// Killed by a signal (Ctrl-C in the editor): the shell's convention, 128 + the signal number.
			const signal = result.signal === null ? undefined : constants.signals[result.signal];
			return result.status ?? (signal === undefined ? 1 : 128 + signal);
		});

	const transportRun = async <T>(work: (transport: Transport) => Promise<T>): Promise<T> => {
		const transport = deps.transportFactory(options, io);
		try {
			return await work(transport);
		} finally {
			await transport.close();
		}
	};

	const prepareCurrent = (): PreparedRun | undefined => {
		const {plan, problems} = state.plan;
		if (plan === undefined || problems.length > 0) {
			const first = problems[0];
			update(current => ({...current, notice: first ? `fix the plan first: ${formatProblem(first)}` : 'no plan: add a step (a) or open a file (o)'}));
			return undefined;
		}

		try {
			return prepareRun(plan, deps.resolver);
		} catch (error: unknown) {
			if (error instanceof UserError) {
				update(current => ({...current, notice: error.message}));
				return undefined;
			}

			throw error;
		}
	};

	const runSteps = async (prepared: PreparedRun, kind: RunView['kind']): Promise<void> => {
		if (state.run.active) {
			return;
		}

		preflightAbort?.abort();
		const abort = runAbortController();
		runAbort = abort;
		lastPrepared = prepared;
		const store = createRunStore({flushMs});
		const log = (deps.openLog ?? (() => openRunLog({dir: options.logDir})))();
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
		update(current => ({...current, run: {store, active: true, kind, logPath: log.path, logLines, failedTasks: 0}, notice: `log: ${log.path}`}));
		const onEvent = (event: ExecutorEvent): void => {
			log.onEvent(event);
			reporter.onEvent(event);
			store.apply(event);
			if (event.type === 'step-finished' || event.type === 'run-finished') {
				update(current => ({...current, run: {...current.run, logLines: [...logLines]}}), false);
			}
		};

		let summary: RunSummary | undefined;
		try {
			summary = await track(
				transportRun(async transport =>
					runPlan(prepared.steps, {
						...planRunSettings(prepared, options),
						transport,
						onEvent,
						signal: abort.signal,
					}),
				),
			);
		} catch (error: unknown) {
			update(current => ({...current, notice: `run failed: ${error instanceof Error ? error.message : String(error)}`}));
		} finally {
			log.close();
			store.flush();
			runAbort = undefined;
		}

		lastSummary = summary ?? lastSummary;
		const failedTasks = summary ? summary.tasks.filter(task => task.outcome === 'failed' || task.outcome === 'timed-out').length : 0;
		const exitCode = summary ? exitCodeFor(summary) : ExitCode.nodesFailed;
		update(current => ({
			...current,
			run: {...current.run, active: false, logLines: [...logLines], exitCode, failedTasks},
			notice: `${summary?.outcome === 'aborted' ? 'run aborted' : 'run finished'} (exit ${exitCode}); log: ${log.path}`,
		}));
	};

	const controller: TuiController = {
		subscribe(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		getSnapshot: () => state,
		loadPlan: async file => track(loadPlan(file)),

		async savePlan() {
			const {plan, file} = state.plan;
			if (plan === undefined || file === undefined) {
				update(current => ({...current, notice: plan === undefined ? 'nothing to save' : 'no file to save to: open one with o'}));
				return;
			}

			const text = serializePlan(plan);
			try {
				await writeFile(resolve(io.cwd, file), text);
			} catch (error: unknown) {
				update(current => ({...current, notice: `${file}: cannot save: ${(error as Error).message}`}));
				return;
			}

			update(current => ({...current, plan: {...current.plan, dirty: false}, notice: `saved ${file}`}));
		},

		async editExternal() {
			const {file, dirty} = state.plan;
			if (file === undefined) {
				update(current => ({...current, notice: 'no plan file to edit: open one with o'}));
				return;
			}

			if (dirty) {
				update(current => ({...current, notice: 'unsaved changes: save them (s) before editing the file'}));
				return;
			}

			deps.suspend?.();
			let status: number;
			try {
				status = runEditor(resolve(io.cwd, file));
			} finally {
				deps.resume?.();
			}

			await track(loadPlan(file));
			if (status !== 0) {
				update(current => ({...current, notice: `the editor exited with status ${status}; reloaded ${file}`}));
			}
		},

		validateNodeSet(expression) {
			const problem = checker(expression);
			if (problem !== undefined) {
				return {ok: false, message: problem};
			}

			const set = parseNodeSet(expression, {resolver: deps.resolver});
			return {ok: true, count: set.size, folded: set.fold()};
		},

		checkDraft(draft) {
			const services = parseServiceList(draft.services);
			if ('error' in services) {
				return {field: 'services', message: services.error};
			}

			if (draft.nodes.trim() === '') {
				return {field: 'nodes', message: 'enter a node set, e.g. node[1-3]'};
			}

			const nodes = controller.validateNodeSet(draft.nodes);
			if (!nodes.ok) {
				return {field: 'nodes', message: nodes.message};
			}

			const depend = parseDependList(draft.depend);
			return 'error' in depend ? {field: 'depend', message: depend.error} : undefined;
		},

		putStep(at, draft) {
			const problem = controller.checkDraft(draft);
			if (problem !== undefined) {
				update(current => ({...current, notice: `${problem.field}: ${problem.message}`}));
				return false;
			}

			const services = parseServiceList(draft.services);
			const depend = parseDependList(draft.depend);
			if ('error' in services || 'error' in depend) {
				return false;
			}

			const before = state.plan.plan;
			edit(plan => putStep(plan, at, {services: services.services, action: draft.action, nodes: draft.nodes, depend: depend.depend}));
			return state.plan.plan !== before;
		},

		deleteStep(at) {
			edit(plan => deleteStep(plan, at));
		},
		moveStep(at, delta) {
			edit(plan => moveStep(plan, at, delta));
		},
		toggleStep(at) {
			edit(plan => toggleStep(plan, at));
		},

		async preflight() {
			const prepared = prepareCurrent();
			if (prepared === undefined) {
				update(current => ({...current, preflight: {status: 'failed', contacted: 0, total: 0, steps: [], error: current.notice}}));
				return;
			}

			preflightAbort?.abort();
			const abort = runAbortController();
			preflightAbort = abort;
			// One status step per service, on the nodes where some step acts on it or depends on it.
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

			const statusSteps: StepInfo[] = [...wanted].map(([service, nodes], position) => ({index: position + 1, services: [service], action: 'status' as Action, nodes: [...nodes], depend: []}));
			const total = new Set(prepared.steps.flatMap(step => step.nodes)).size;
			const contacted = new Set<string>();
			reviewed = prepared;
			update(current => ({...current, preflight: {status: 'running', prepared: view(prepared), contacted: 0, total, steps: []}}));
			const stepOptions = new Map<number, StepOptions>();
			for (const step of statusSteps) {
				// Same sudo and manager as the run will use, so the check sees what the run will see.
				const owner = prepared.plan.steps.find(candidate => candidate.services.includes(step.services[0] ?? '') || candidate.depend.includes(step.services[0] ?? ''));
				stepOptions.set(step.index, owner ? effectiveOptions(prepared.plan, owner) : {});
			}

			const summary = await track(
				transportRun(async transport =>
					runPlan(statusSteps, {
						transport,
						onEvent(event) {
							if (event.type === 'node-connected' || event.type === 'node-unreachable') {
								contacted.add(event.node);
								update(current => (reviewed === prepared ? {...current, preflight: {...current.preflight, contacted: contacted.size}} : current), false);
							}
						},
						...executorSettings(options),
						signal: abort.signal,
						runId: randomUUID(),
						planLabel: `${prepared.plan.source} (pre-flight)`,
						stepOptions,
					}),
				),
			).catch((error: unknown) => error instanceof Error ? error : new Error(String(error)));
			if (preflightAbort !== abort || abort.signal.aborted) {
				return;
			}

			preflightAbort = undefined;
			if (summary instanceof Error) {
				update(current => ({...current, preflight: {status: 'failed', prepared: view(prepared), contacted: contacted.size, total, steps: [], error: summary.message}}));
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

			const steps = predictPlan(prepared.steps, {unreachable, states});
			update(current => ({...current, preflight: {status: 'done', prepared: view(prepared), contacted: contacted.size, total, steps}}));
		},

		async startRun() {
			const chosen = (state.preflight.prepared === undefined ? undefined : reviewed) ?? prepareCurrent();
			if (chosen !== undefined) {
				await runSteps(chosen, 'run');
			}
		},

		abortRun() {
			runAbort?.abort();
			if (runAbort) {
				update(current => ({...current, notice: 'aborting: no new work starts, running commands are stopped; results are kept'}));
			}
		},

		async retryFailed() {
			if (lastSummary === undefined || lastPrepared === undefined) {
				update(current => ({...current, notice: 'no run to retry'}));
				return;
			}

			const prepared = lastPrepared;
			// Per step, the failed services grouped by the exact nodes they failed on: only those run again.
			const failed = lastSummary.tasks.filter(task => task.outcome === 'failed' || task.outcome === 'timed-out');
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

			if (steps.length === 0) {
				update(current => ({...current, notice: 'no failed tasks to retry'}));
				return;
			}

			await runSteps({...prepared, steps}, 'retry');
		},

		async checkHealth(expression) {
			let nodes: string[];
			let target = expression?.trim() ?? '';
			if (target === '') {
				target = 'plan';
				const {plan} = state.plan;
				nodes = plan === undefined ? [] : [...new Set(plan.steps.filter(step => step.enabled).flatMap(step => (countOf(step.nodes) === undefined ? [] : parseNodeSet(step.nodes, {resolver: deps.resolver}).expand())))];
			} else {
				const check = controller.validateNodeSet(target);
				if (!check.ok) {
					update(current => ({...current, health: {...current.health, error: check.message}, notice: check.message}));
					return;
				}

				nodes = parseNodeSet(target, {resolver: deps.resolver}).expand();
			}

			if (nodes.length === 0) {
				update(current => ({...current, notice: 'no nodes to check: the plan has none; press n to type a node set'}));
				return;
			}

			healthAbort?.abort();
			const abort = runAbortController();
			healthAbort = abort;
			let contacted = 0;
			update(current => ({...current, health: {status: 'running', target, total: nodes.length, contacted: 0, answered: [], down: []}}));
			const results: NodeCheck[] = await track(
				transportRun(async transport =>
					checkNodes(nodes, {
						transport,
						onEvent(event) {
							if (event.type === 'node-connected' || event.type === 'node-unreachable') {
								contacted++;
								update(current => (healthAbort === abort ? {...current, health: {...current.health, contacted}} : current), false);
							}
						},
						...executorSettings(options),
						signal: abort.signal,
					}),
				),
			);
			if (healthAbort !== abort) {
				return;
			}

			healthAbort = undefined;
			const answered = results.flatMap(result => (result.status === 'connected' ? [{node: result.node, latencyMs: result.latencyMs, manager: result.manager}] : []));
			const byReason = new Map<string, {nodes: string[]; detail: string}>();
			for (const result of results) {
				if (result.status === 'unreachable') {
					const entry = byReason.get(result.reason) ?? {nodes: [], detail: result.message};
					entry.nodes.push(result.node);
					byReason.set(result.reason, entry);
				}
			}

			const down = [...byReason].map(([reason, entry]) => ({reason, nodes: entry.nodes, nodeSet: foldNodes(entry.nodes), detail: entry.detail}));
			update(current => ({
				...current,
				health: {status: 'done', target, total: nodes.length, contacted: results.length, answered, down},
				notice: `${answered.length} of ${nodes.length} nodes answer`,
			}));
		},

		excludeDownNodes() {
			const down = new Set(state.health.down.flatMap(group => group.nodes));
			if (down.size === 0) {
				update(current => ({...current, notice: 'no nodes are down'}));
				return;
			}

			const plan = editable();
			if (plan === undefined) {
				return;
			}

			const result = excludeNodes(plan, down, expression => (countOf(expression) === undefined ? [] : parseNodeSet(expression, {resolver: deps.resolver}).expand()));
			setPlan(result.plan, result.changed.length + result.disabled.length > 0 || state.plan.dirty, state.plan.file);
			const parts = [
				result.changed.length > 0 ? `excluded ${foldNodes(down)} from step${result.changed.length === 1 ? '' : 's'} ${result.changed.join(', ')}` : '',
				result.disabled.length > 0 ? `disabled step${result.disabled.length === 1 ? '' : 's'} ${result.disabled.join(', ')} (no node left)` : '',
			].filter(Boolean);
			update(current => ({...current, notice: parts.length > 0 ? `${parts.join('; ')}; s saves` : 'no step uses the down nodes'}));
		},

		setNotice(notice) {
			if (state.notice !== notice) {
				update(current => ({...current, notice}));
			}
		},

		exitCode() {
			return lastSummary === undefined ? ExitCode.ok : exitCodeFor(lastSummary);
		},

		async dispose() {
			runAbort?.abort();
			preflightAbort?.abort();
			healthAbort?.abort();
			await Promise.allSettled([...inFlight]);
			if (pending !== undefined) {
				clearTimeout(pending);
				pending = undefined;
			}
		},
	};
	return controller;
}
