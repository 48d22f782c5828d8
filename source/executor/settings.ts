import {randomUUID} from 'node:crypto';
import {setMaxListeners} from 'node:events';
import type {StepOptions} from '../plan/types.js';
import type {RunPlanOptions} from './run-plan.js';

/** The run-wide executor settings the command line gives; the same for headless runs, the app and checks. */
export type ExecutorSettings = Pick<RunPlanOptions, 'fanout' | 'commandTimeoutMs' | 'sudo' | 'manager'>;

/** Everything `runPlan` needs for a prepared plan except where its events go, how it is stopped and over what. */
export function planRunSettings(
	prepared: {readonly plan: {readonly source: string}; readonly stepOptions: ReadonlyMap<number, StepOptions>},
	settings: ExecutorSettings,
): Omit<RunPlanOptions, 'transport' | 'onEvent' | 'signal'> {
	return {...settings, runId: randomUUID(), planLabel: prepared.plan.source, stepOptions: prepared.stepOptions};
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
