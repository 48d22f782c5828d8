import {randomUUID} from 'node:crypto';
import {setMaxListeners} from 'node:events';
import {resolve} from 'node:path';
import type {StepInfo} from '../executor/events.js';
import type {RunPlanOptions} from '../executor/run-plan.js';
import {UserError} from '../errors.js';
import {loadGroupResolver, parseNodeSet, type GroupResolver} from '../nodeset/index.js';
import {loadPlanFile} from '../plan/load.js';
import {effectiveOptions} from '../plan/options.js';
import {checkNameList} from '../plan/service-names.js';
import {suggest} from '../plan/suggest.js';
import {actions, type Action, type Plan, type Step, type StepOptions} from '../plan/types.js';
import {defaultLogDir} from '../report/log-writer.js';
import {withResultSets} from '../report/result-sets.js';
import type {RunOptions} from './options.js';
import {nodeSetChecker} from './validate.js';

/** A plan made ready to run: its enabled steps with node sets expanded, and each step's own options. */
export type PreparedRun = {
	readonly plan: Plan;
	readonly steps: readonly StepInfo[];
	readonly stepOptions: ReadonlyMap<number, StepOptions>;
};

/**
 * The resolver for `@group` names: groups.conf from `--groupsconf` or the default lookup, plus the result
 * sets of earlier runs (`@failed`, `@ok:log_…`) read from the log directory (`--log-dir` or the default).
 */
export function groupResolver(groupsConf: string | undefined, env: NodeJS.ProcessEnv, cwd: string, logDir?: string): GroupResolver {
	const groups = loadGroupResolver({groupsConf: groupsConf === undefined ? undefined : resolve(cwd, groupsConf), env});
	return withResultSets(groups, resolve(cwd, logDir ?? defaultLogDir(env)));
}

/** Expand every enabled step's node set. Disabled steps are left out: they are in the file, not in the run. */
export function prepareRun(plan: Plan, resolver: GroupResolver): PreparedRun {
	const steps: StepInfo[] = [];
	const stepOptions = new Map<number, StepOptions>();
	for (const step of plan.steps) {
		if (!step.enabled) {
			continue;
		}

		steps.push({
			index: step.index,
			services: step.services,
			action: step.action,
			nodes: parseNodeSet(step.nodes, {resolver}).expand(),
			depend: step.depend,
		});
		stepOptions.set(step.index, effectiveOptions(plan, step));
	}

	if (plan.steps.length === 0) {
		throw new UserError(`${plan.source}: the plan has no steps; add one (a in the app, or a "- service:" item in the file) to run it`);
	}

	if (steps.length === 0) {
		throw new UserError(`${plan.source}: every step is disabled; enable one (enabled: true) to run the plan`);
	}

	return {plan, steps, stepOptions};
}

/** Load and validate a plan file (node sets and @groups included), then prepare it. */
export async function preparePlanFile(file: string, resolver: GroupResolver, cwd: string): Promise<PreparedRun> {
	const plan = await loadPlanFile(resolve(cwd, file), {source: file, checkNodes: nodeSetChecker(resolver)});
	return prepareRun(plan, resolver);
}

/**
 * The ancestor's one-shot form: `NODES SERVICE ACTION [SERVICE ACTION ...]`. Each pair becomes a step,
 * run in the order written; `SERVICE` may be a comma list (`cron,nginx restart`).
 */
export function oneShotPlan(words: readonly string[], resolver: GroupResolver): PreparedRun {
	const [nodes, ...pairs] = words;
	if (nodes === undefined || pairs.length === 0 || pairs.length % 2 !== 0) {
		throw new UserError('run: expected NODES SERVICE ACTION [SERVICE ACTION ...], e.g. svctui run \'node[1-3]\' nginx restart');
	}

	const problem = nodeSetChecker(resolver)(nodes);
	if (problem) {
		throw new UserError(`run: argument 1: ${problem}`);
	}

	const steps: Step[] = [];
	for (let index = 0; index < pairs.length; index += 2) {
		const servicesText = pairs[index] ?? '';
		const actionText = pairs[index + 1] ?? '';
		const position = index + 2;
		const {names, issues} = checkNameList(servicesText, 'service');
		const [issue] = issues;
		if (issue) {
			throw new UserError(`run: argument ${position} ${JSON.stringify(servicesText)}: ${issue.message}`);
		}

		if (!(actions as readonly string[]).includes(actionText)) {
			const guess = suggest(actionText, actions);
			const hint = guess ? `did you mean "${guess}"? ` : '';
			throw new UserError(`run: argument ${position + 1} ${JSON.stringify(actionText)}: not an action; ${hint}actions are ${actions.join(', ')}`);
		}

		steps.push({
			index: steps.length + 1,
			services: names.map(name => name.name),
			action: actionText as Action,
			nodes,
			depend: [],
			enabled: true,
			options: {},
		});
	}

	return prepareRun({source: '<run>', format: 'list', defaults: {}, steps}, resolver);
}

/** The run-wide executor settings the command line gives; the same for headless runs, the app and checks. */
export function executorSettings(options: RunOptions): Pick<RunPlanOptions, 'fanout' | 'commandTimeoutMs' | 'sudo' | 'manager'> {
	return {fanout: options.fanout, commandTimeoutMs: options.commandTimeoutMs, sudo: options.sudo, manager: options.manager};
}

/** Everything `runPlan` needs for a prepared plan except where its events go, how it is stopped and over what. */
export function planRunSettings(prepared: PreparedRun, options: RunOptions): Omit<RunPlanOptions, 'transport' | 'onEvent' | 'signal'> {
	return {
		...executorSettings(options),
		runId: randomUUID(),
		planLabel: prepared.plan.source,
		stepOptions: prepared.stepOptions,
		...(options.expect === undefined ? {} : {expect: options.expect}),
	};
}

/**
 * The abort controller of a run. Its one signal reaches every running command and connection at once, so
 * hundreds of listeners on it are expected, not a leak: without this Node warns past ten.
 */
export function runAbortController(): AbortController {
	const controller = new AbortController();
	setMaxListeners(0, controller.signal);
	return controller;
}
