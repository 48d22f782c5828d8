import {foldNodes} from '../nodeset/index.js';
import {failureAllowance, splitBatches} from '../plan/rollout.js';
import type {StepOptions} from '../plan/types.js';
import type {CanaryDecision, OutcomeCounts, RolloutStop, StepInfo} from './events.js';
import type {Limiter} from './limiter.js';
import {steerBatches, type RolloutControl} from './rollout-control.js';
import type {StepContext} from './node-step.js';
import {countOutcomes, failing, plural, settleWithoutRunning, type RunSummary, type TaskResult} from './task-results.js';

/** What the admin sees before deciding on a canary. */
export type CanaryPause = {
	readonly step: number;
	readonly nodes: readonly string[];
	readonly counts: OutcomeCounts;
	/** Nodes not started yet. */
	readonly remaining: number;
};

export type RollingStepOptions = {
	readonly step: StepInfo;
	readonly own: StepOptions;
	readonly limiter: Limiter;
	readonly context: StepContext;
	/** One node's part of the step (and the node's release when it was its last). */
	readonly onNode: (node: string) => Promise<TaskResult[]>;
	readonly onCanary?: (canary: CanaryPause) => Promise<CanaryDecision>;
	/** The admin's pause, stop, fanout and batch size, read at batch boundaries (rollout-control.ts). */
	readonly control?: RolloutControl;
};

/**
 * Whether a step runs alone, with the steps before it finished everywhere and the ones after waiting for it:
 * rollout options, its own fanout, and `verify` (a verified step is there to hold the plan back until the
 * service really runs).
 */
export function needsBarrier(own: StepOptions): boolean {
	return own.serial !== undefined || own.canary !== undefined || own.maxFail !== undefined || own.fanout !== undefined || Boolean(own.verify);
}

/**
 * A step whose nodes run in batches (serial, canary, max_fail), or with its own fanout: the run waits for
 * it to end everywhere before the next step, so a stop after a batch can keep later steps from running.
 */
export async function runRollingStep(options: RollingStepOptions): Promise<{results: TaskResult[]; stopped?: RunSummary['stopped']}> {
	const {step, own, context} = options;
	let {limiter} = options;
	const {emit, signal, pool} = context;
	emit({type: 'step-started', step: step.index, nodes: step.nodes});
	const rolling = own.serial !== undefined || own.canary !== undefined || own.maxFail !== undefined;
	const batches = rolling ? splitBatches(step.nodes, own) : [step.nodes];
	const allowance = failureAllowance(step.nodes.length, own.maxFail);
	const failedNodes: string[] = [];
	const stepResults: TaskResult[] = [];
	let stopped: RunSummary['stopped'];
	for (const [position, batch] of batches.entries()) {
		const number = position + 1;
		if (rolling) {
			const steeredFanout = options.control?.settings().fanout;
			emit({type: 'batch-started', step: step.index, batch: number, batches: batches.length, nodes: batch, ...(steeredFanout === undefined ? {} : {fanout: steeredFanout})});
		}

		// eslint-disable-next-line no-await-in-loop
		const batchResults = (await Promise.all(batch.map(async node => limiter.run(async () => options.onNode(node))))).flat();
		stepResults.push(...batchResults);
		for (const node of new Set(batchResults.filter(result => failing.has(result.outcome)).map(result => result.node))) {
			failedNodes.push(node);
		}

		const counts = countOutcomes(batchResults);
		if (rolling) {
			emit({type: 'batch-finished', step: step.index, batch: number, batches: batches.length, counts, failedNodes: failedNodes.length, ...(allowance === undefined ? {} : {maxFail: allowance})});
		}

		const remaining = batches.slice(position + 1).flat();
		// eslint-disable-next-line no-await-in-loop
		const stop = await afterBatch(number, batches.length, remaining, counts, batch);
		if (stop !== undefined) {
			stopped = {step: step.index, reason: stop.reason, message: stop.message};
			// Done: the nodes whose part of the step ended; a node an interrupt cut short is not done.
			const cutShort = new Set(stepResults.filter(result => result.outcome === 'cancelled').map(result => result.node));
			const done = batches.slice(0, number).flat().filter(node => !cutShort.has(node));
			emit({type: 'rollout-stopped', step: step.index, afterBatch: number, batches: batches.length, reason: stop.reason, message: stop.message, done, notDone: step.nodes.filter(node => !done.includes(node))});
			stepResults.push(...remaining.flatMap(node => settleWithoutRunning(pool.known(node), step, node, step.services, `not run: ${stop.message}`)));
			break;
		}

		limiter = steerBatches(options.control, batches, number, limiter);
	}

	emit({type: 'step-finished', step: step.index, counts: countOutcomes(stepResults)});
	return {results: stepResults, ...(stopped === undefined ? {} : {stopped})};

	/** After a batch: whether the rollout stops here (too many failures, the canary's answer, a signal), after any pause. */
	async function afterBatch(number: number, total: number, remaining: readonly string[], counts: OutcomeCounts, batch: readonly string[]): Promise<{reason: RolloutStop; message: string} | undefined> {
		const where = total > 1 ? `after batch ${number} of ${total} of step ${step.index}` : `after step ${step.index}`;
		if (allowance !== undefined && failedNodes.length > allowance) {
			return {reason: 'max-fail', message: `${where}: ${plural(failedNodes.length, 'node')} failed (${foldNodes(failedNodes)}), more than max_fail allows (${allowance})`};
		}

		if (remaining.length === 0) {
			return undefined;
		}

		if (signal.aborted) {
			return {reason: 'interrupted', message: `interrupted ${where}`};
		}

		if (number === 1 && own.canary !== undefined) {
			emit({type: 'rollout-paused', step: step.index, afterBatch: number, reason: 'canary'});
			const decision = await decide(options.onCanary, {step: step.index, nodes: batch, counts, remaining: remaining.length}, signal);
			emit({type: 'canary-decided', step: step.index, decision});
			if (signal.aborted) {
				return {reason: 'interrupted', message: `interrupted ${where}`};
			}

			if (decision === 'stop') {
				return {reason: 'canary-stopped', message: `stopped by the admin after the canary batch (${foldNodes(batch)}) of step ${step.index}`};
			}
		}

		if (own.pauseMs !== undefined && own.pauseMs > 0) {
			emit({type: 'rollout-paused', step: step.index, afterBatch: number, reason: 'pause', ms: own.pauseMs});
			await context.sleep(own.pauseMs, signal);
			if (signal.aborted) {
				return {reason: 'interrupted', message: `interrupted ${where}`};
			}
		}

		if (options.control !== undefined && (await options.control.atBoundary({step: step.index, afterBatch: number}, signal, emit)) === 'stop') {
			return signal.aborted ? {reason: 'interrupted', message: `interrupted ${where}`} : {reason: 'admin-stopped', message: `stopped by the admin ${where}`};
		}

		return undefined;
	}
}

/** The canary's answer; an abort while waiting is a stop. */
async function decide(ask: RollingStepOptions['onCanary'], canary: CanaryPause, signal: AbortSignal): Promise<CanaryDecision> {
	if (ask === undefined) {
		return 'continue';
	}

	if (signal.aborted) {
		return 'stop';
	}

	let onAbort: (() => void) | undefined;
	const aborted = new Promise<CanaryDecision>(resolve => {
		onAbort = () => {
			resolve('stop');
		};

		signal.addEventListener('abort', onAbort, {once: true});
	});
	try {
		return await Promise.race([ask(canary), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort!);
	}
}
