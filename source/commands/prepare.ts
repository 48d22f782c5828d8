import {randomUUID} from 'node:crypto';
import {setMaxListeners} from 'node:events';
import {resolve} from 'node:path';
import type {RunPlanOptions} from '../executor/run-plan.js';
import {loadGroupResolver, type GroupResolver} from '../nodeset/index.js';
import type {PreparedRun} from '../plan/prepare.js';
import type {RunOptions} from './options.js';

/** The groups.conf resolver for `@group` names, from `--groupsconf` or the default lookup. */
export function groupResolver(groupsConf: string | undefined, env: NodeJS.ProcessEnv, cwd: string): GroupResolver {
	return loadGroupResolver({groupsConf: groupsConf === undefined ? undefined : resolve(cwd, groupsConf), env});
}

/** The run-wide executor settings the command line gives; the same for headless runs, the app and checks. */
export function executorSettings(options: RunOptions): Pick<RunPlanOptions, 'fanout' | 'commandTimeoutMs' | 'sudo' | 'manager'> {
	return {fanout: options.fanout, commandTimeoutMs: options.commandTimeoutMs, sudo: options.sudo, manager: options.manager};
}

/** Everything `runPlan` needs for a prepared plan except where its events go, how it is stopped and over what. */
export function planRunSettings(prepared: PreparedRun, options: RunOptions): Omit<RunPlanOptions, 'transport' | 'onEvent' | 'signal'> {
	return {...executorSettings(options), runId: randomUUID(), planLabel: prepared.plan.source, stepOptions: prepared.stepOptions};
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
