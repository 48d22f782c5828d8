/**
 * What the run pane's rollout header shows: the current step's batches (done, current, waiting), its
 * failed nodes against `max_fail`, and whether the rollout is paused or stopping. A pure fold of the
 * executor's events and the admin's settings (executor/rollout-control.ts).
 */
import type {CanaryDecision, ExecutorEvent, OutcomeCounts} from '../executor/events.js';
import type {RolloutSettings} from '../executor/rollout-control.js';

export type RolloutView = {
	/** The step of the current (or last) batch. */
	readonly step?: number;
	/** Batches of that step that ended. */
	readonly done: number;
	/** The batch running now (1-based), if one runs. */
	readonly running?: number;
	/** Batches of that step (can change when the admin sets a batch size). */
	readonly batches: number;
	/** Nodes of the step that failed so far, and the most `max_fail` allows. */
	readonly failedNodes: number;
	readonly maxFail?: number;
	/** Why the run waits before its next batch now, if it does. */
	readonly waiting?: 'pause' | 'canary' | 'held';
	/** Set once the rollout stopped early: why. */
	readonly stopped?: string;
	/** What the admin asked for (pause, stop, fanout, batch size). */
	readonly settings: RolloutSettings;
};

export const initialRolloutView: RolloutView = {done: 0, batches: 0, failedNodes: 0, settings: {hold: false, stop: false, waiting: false}};

/** The canary batch the run waits on: what the admin decides on. */
export type CanaryView = {
	readonly step: number;
	readonly nodes: readonly string[];
	readonly counts: OutcomeCounts;
	/** Nodes not started yet. */
	readonly remaining: number;
};

/** The view after one event. Unchanged (the same object) for events that do not concern it. */
export function reduceRollout(view: RolloutView, event: ExecutorEvent): RolloutView {
	// Only the rollout's events concern it (an if-chain: most event types fall through unchanged).
	const {waiting: _waiting, ...notWaiting} = view;
	if (event.type === 'run-started') {
		return {...initialRolloutView, settings: view.settings};
	}

	if (event.type === 'step-started') {
		const {running: _running, maxFail: _maxFail, stopped: _stopped, ...rest} = notWaiting;
		return {...rest, step: event.step, done: 0, batches: 0, failedNodes: 0};
	}

	if (event.type === 'batch-started') {
		return {...notWaiting, step: event.step, running: event.batch, batches: event.batches, done: event.batch - 1};
	}

	if (event.type === 'batch-finished') {
		const {running: _running, ...rest} = view;
		return {...rest, done: event.batch, batches: event.batches, failedNodes: event.failedNodes, ...(event.maxFail === undefined ? {} : {maxFail: event.maxFail})};
	}

	if (event.type === 'rollout-paused') {
		return {...view, waiting: event.reason};
	}

	if (event.type === 'canary-decided') {
		return notWaiting;
	}

	if (event.type === 'rollout-stopped') {
		return {...notWaiting, stopped: `${event.reason}: ${event.message}`};
	}

	return view;
}

/** What the canary decision does, in words for the notice. */
export function decisionText(decision: CanaryDecision): string {
	return decision === 'continue' ? 'canary accepted: the rollout goes on' : 'canary rejected: the rollout stops; the later batches do not run';
}
