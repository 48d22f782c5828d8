import type {ManagerChoice, StepOptions} from '../plan/types.js';
import type {Transport} from '../ssh/transport.js';
import {defaultFanout} from './check-nodes.js';
import type {CanaryDecision, ExecutorEvent, StepInfo} from './events.js';
import {runFlowingSteps} from './flowing-steps.js';
import {createLimiter} from './limiter.js';
import {NodePool, type ConnectionReuse, type EventBody} from './node-pool.js';
import {StepRunner, verifyFor, type StepContext} from './node-step.js';
import {needsBarrier, runRollingStep, type CanaryPause} from './rolling-step.js';
import {steerStep, type RolloutControl} from './rollout-control.js';
import {assertValidServiceName, type ExpectedState} from './service-commands.js';
import {countOutcomes, neverAborted, settleWithoutRunning, timerSleep, type RunSummary, type TaskResult} from './task-results.js';

// The executor's public surface stays here, whichever file now holds each part.
export {checkNodes, defaultFanout, type CheckNodesOptions, type NodeCheck} from './check-nodes.js';
export type {CanaryPause} from './rolling-step.js';
export {emptyCounts, formatMs, type RunSummary, type TaskResult} from './task-results.js';
export {verifyPollMs} from './verify-service.js';

export type RunPlanOptions = {
	readonly transport: Transport;
	/** Receives every event, synchronously, in order. */
	readonly onEvent: (event: ExecutorEvent) => void;
	/** Most nodes worked on at once. @default 64 */
	readonly fanout?: number;
	/** Aborting starts no new work, stops running commands and ends the run as `aborted`. */
	readonly signal?: AbortSignal;
	/** Timestamps for events. @default Date.now */
	readonly clock?: () => number;
	/** Per-command timeout unless a step sets its own. */
	readonly commandTimeoutMs?: number;
	/** Run service commands through `sudo -n` unless a step says otherwise. @default false */
	readonly sudo?: boolean;
	/** Force a manager for every node. @default 'auto' */
	readonly manager?: ManagerChoice;
	readonly runId: string;
	/** What `run-started` names as the plan (its path, or `<run>`). */
	readonly planLabel: string;
	/** Options from the plan, by step index; they win over the run-wide ones above. */
	readonly stepOptions?: ReadonlyMap<number, StepOptions>;
	/** `--expect`: a status in another state fails. Without it, every state a status tells is a result. */
	readonly expect?: ExpectedState;
	/**
	 * Asked after a step's canary batch: go on with the rollout, or stop it. The run waits for the answer
	 * (an abort ends the wait as a stop). @default continue
	 */
	readonly onCanary?: (canary: CanaryPause) => Promise<CanaryDecision>;
	/** Waits `ms`, or less when `signal` aborts (pauses between batches, verify polling). @default a timer */
	readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
	/** Connections earlier work left open to use, and which of this run's to hand on (node-pool.ts). @default none */
	readonly connections?: ConnectionReuse;
	/** The admin's pause, stop, fanout and batch size, read at batch boundaries (rollout-control.ts). */
	readonly control?: RolloutControl;
};

/** The plan cut where the run must wait: runs of flowing steps, and each step with rollout options (or steered) alone. */
function segments(steps: readonly StepInfo[], stepOptions: RunPlanOptions['stepOptions'], control: RolloutControl | undefined): Array<{barrier: boolean; steps: StepInfo[]}> {
	const cut: Array<{barrier: boolean; steps: StepInfo[]}> = [];
	for (const step of steps) {
		// An admin steering the run (the app) may pause, stop or resize before any step: each step is a boundary
		// then, and its batches are cut when it starts. Without one, steps flow where the plan allows.
		const barrier = control !== undefined || needsBarrier(stepOptions?.get(step.index) ?? {});
		const last = cut.at(-1);
		if (!barrier && last !== undefined && !last.barrier) {
			last.steps.push(step);
		} else {
			cut.push({barrier, steps: [step]});
		}
	}

	return cut;
}

/**
 * Run a plan's steps against their nodes. On each node the steps run in plan order, and a step's services
 * in the order written, as ONE remote command per node and step (node-script.ts). Up to `fanout` nodes
 * work at once; a step with rollout options (serial, canary, max_fail, its own fanout) waits for every
 * earlier step to end and holds back the later ones, while between other steps a node goes on as soon as
 * it is done (flowing-steps.ts). Node-level failures (unreachable, command failed, timed out) are events
 * and results, never exceptions. It throws only for an unsafe service name, before connecting anywhere.
 */
export async function runPlan(steps: readonly StepInfo[], options: RunPlanOptions): Promise<RunSummary> {
	// Defence in depth: every name is checked before the first connection, so a bad plan runs nothing at all.
	for (const step of steps) {
		for (const name of [...step.services, ...step.depend]) {
			assertValidServiceName(name);
		}
	}

	const clock = options.clock ?? Date.now;
	const signal = options.signal ?? neverAborted();
	const emit = (body: EventBody) => {
		options.onEvent({...body, at: clock()} as ExecutorEvent);
	};

	const startedAt = clock();
	const allNodes = [...new Set(steps.flatMap(step => step.nodes))];
	emit({type: 'run-started', runId: options.runId, plan: options.planLabel, nodes: allNodes, steps});

	// Detection rides on each node's first command (node-script.ts) instead of costing a round trip of its own.
	const pool = new NodePool({
		transport: options.transport,
		emit,
		signal,
		manager: options.manager ?? 'auto',
		detectTimeoutMs: options.commandTimeoutMs,
		foldDetection: true,
		...options.connections,
	});
	const context: StepContext = {pool, emit, clock, signal, sleep: options.sleep ?? timerSleep};
	const limiter = createLimiter(options.fanout ?? defaultFanout);
	const results: TaskResult[] = [];
	// The last step that needs each node: its connection closes when that step is done with it.
	const lastStepOf = new Map<string, number>();
	for (const step of steps) {
		for (const node of step.nodes) {
			lastStepOf.set(node, step.index);
		}
	}

	const runners = new Map(steps.map(step => [step.index, new StepRunner(step, stepSettings(step, options), context)]));
	const onNode = async (step: StepInfo, node: string) => {
		const nodeResults = await runners.get(step.index)!.onNode(node);
		if (lastStepOf.get(node) === step.index) {
			pool.release(node);
		}

		return nodeResults;
	};

	let stopped: RunSummary['stopped'];
	try {
		for (const [position, segment] of segments(steps, options.stepOptions, options.control).entries()) {
			// Between segments is a boundary too: a pause or a stop asked for during the last step applies here.
			const first = segment.steps[0]!;
			// eslint-disable-next-line no-await-in-loop
			if (options.control !== undefined && position > 0 && !signal.aborted && stopped === undefined && (await options.control.atBoundary({step: first.index, afterBatch: 0}, signal, emit)) === 'stop' && !signal.aborted) {
				stopped = {step: first.index, reason: 'admin-stopped', message: `stopped by the admin before step ${first.index}`};
				emit({type: 'rollout-stopped', step: first.index, afterBatch: 0, batches: 0, reason: 'admin-stopped', message: stopped.message, done: [], notDone: first.nodes});
			}

			if (signal.aborted || stopped !== undefined) {
				const reason = stopped === undefined ? undefined : `not run: ${stopped.message}`;
				results.push(...segment.steps.flatMap(step => step.nodes.flatMap(node => settleWithoutRunning(pool.known(node), step, node, step.services, reason))));
				continue;
			}

			if (segment.barrier) {
				const [step] = segment.steps as [StepInfo];
				const own = steerStep(options.stepOptions?.get(step.index) ?? {}, options.control);
				const stepLimiter = own.fanout === undefined ? limiter : createLimiter(own.fanout);
				// eslint-disable-next-line no-await-in-loop
				const ran = await runRollingStep({step, own, limiter: stepLimiter, context, onNode: async node => onNode(step, node), ...(options.onCanary === undefined ? {} : {onCanary: options.onCanary}), ...(options.control === undefined ? {} : {control: options.control})});
				results.push(...ran.results);
				stopped = ran.stopped;
			} else {
				// eslint-disable-next-line no-await-in-loop
				const ran = await runFlowingSteps({steps: segment.steps, limiter, context, onNode});
				results.push(...ran.flat());
			}
		}
	} finally {
		await pool.closeAll();
	}

	const counts = countOutcomes(results);
	const outcome = signal.aborted ? 'aborted' : stopped === undefined && results.every(result => result.outcome === 'ok') ? 'ok' : 'failed';
	const durationMs = clock() - startedAt;
	emit({type: 'run-finished', outcome, counts, durationMs});
	return {outcome, counts, tasks: results, durationMs, ...(stopped === undefined ? {} : {stopped})};
}

/** A step's settings: its own options over the run's. */
function stepSettings(step: StepInfo, options: RunPlanOptions) {
	const own = options.stepOptions?.get(step.index) ?? {};
	return {
		sudo: own.sudo ?? options.sudo ?? false,
		timeoutMs: own.timeoutMs ?? options.commandTimeoutMs,
		manager: own.manager ?? 'auto',
		expect: options.expect,
		verify: verifyFor(step, own.verify || undefined),
	};
}
