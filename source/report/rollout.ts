/**
 * What the headless report says about rolling steps: a line per batch as it ends, the canary's wait, where
 * and why a rollout stopped, and one RECAP line per rolling or verified step. Reads only events; pure.
 */
import {assertNever} from '../errors.js';
import type {ExecutorEvent, OutcomeCounts, RolloutStop} from '../executor/events.js';
import {shownSafely, withControlsShown} from '../display.js';
import {foldNodes} from '../nodeset/index.js';

type StepRollout = {
	readonly step: number;
	batches: number;
	batchesDone: number;
	readonly done: string[];
	verifiedOk: number;
	verifiedFailed: number;
	stop?: {readonly reason: RolloutStop; readonly message: string; readonly notDone: readonly string[]};
};

export type RolloutLog = {
	readonly steps: ReadonlyMap<number, StepRollout>;
	/** The step a rollout stopped at, once it has. */
	readonly stoppedAt?: number;
	/** Steps announced by the run, in order, to name those a stop left out. */
	readonly planned: readonly number[];
};

export const emptyRolloutLog: RolloutLog = {steps: new Map(), planned: []};

function countsText(counts: OutcomeCounts): string {
	const shown = Object.entries(counts).filter(([outcome, count]) => count > 0 || outcome === 'ok' || outcome === 'failed');
	return shown.map(([outcome, count]) => `${outcome}=${count}`).join(' ');
}

/** The log after one event, and the report line it gives (if any). Mutates only the entries it copies. */
export function foldRollout(log: RolloutLog, event: ExecutorEvent): {log: RolloutLog; line?: string} {
	const entry = (step: number): [Map<number, StepRollout>, StepRollout] => {
		const steps = new Map(log.steps);
		const old = steps.get(step);
		const copy: StepRollout = old === undefined ? {step, batches: 0, batchesDone: 0, done: [], verifiedOk: 0, verifiedFailed: 0} : {...old, done: [...old.done]};
		steps.set(step, copy);
		return [steps, copy];
	};

	switch (event.type) {
		case 'run-started': {
			return {log: {...emptyRolloutLog, planned: event.steps.map(step => step.index)}};
		}

		case 'batch-started': {
			const [steps, rollout] = entry(event.step);
			rollout.batches = event.batches;
			return {log: {...log, steps}};
		}

		case 'batch-finished': {
			const [steps, rollout] = entry(event.step);
			rollout.batchesDone = event.batch;
			const limit = event.maxFail === undefined ? '' : `; failed nodes so far ${event.failedNodes}, max_fail ${event.maxFail}`;
			return {log: {...log, steps}, line: `step ${event.step} batch ${event.batch}/${event.batches}: ${countsText(event.counts)}${limit}\n`};
		}

		case 'rollout-paused': {
			if (event.reason === 'held') {
				return {log, line: `step ${event.step}: paused by the admin ${event.afterBatch === 0 ? 'before the step' : 'before the next batch'}; waiting to be resumed\n`};
			}

			return event.reason === 'canary'
				? {log, line: `step ${event.step}: canary batch done; waiting for the go-ahead\n`}
				: {log, line: `step ${event.step}: pausing ${event.ms === undefined ? '' : `${event.ms / 1000}s `}before the next batch\n`};
		}

		case 'canary-decided': {
			return {log, line: `step ${event.step}: canary ${event.decision === 'continue' ? 'passed: the rollout continues' : 'rejected: the rollout stops'}\n`};
		}

		case 'verify-finished': {
			const [steps, rollout] = entry(event.step);
			if (event.outcome === 'ok') {
				rollout.verifiedOk++;
			} else {
				rollout.verifiedFailed++;
			}

			return {log: {...log, steps}};
		}

		case 'rollout-stopped': {
			const [steps, rollout] = entry(event.step);
			rollout.stop = {reason: event.reason, message: event.message, notDone: event.notDone};
			rollout.done.push(...event.done);
			const notDone = event.notDone.length > 0 ? `; not done: ${withControlsShown(foldNodes(event.notDone))}` : '';
			const done = event.done.length > 0 ? `; done: ${withControlsShown(foldNodes(event.done))}` : '';
			return {log: {...log, steps, stoppedAt: event.step}, line: `ROLLOUT STOPPED at step ${event.step} (${event.reason}): ${shownSafely(event.message)}${done}${notDone}\n`};
		}

		case 'node-connecting':
		case 'node-connected':
		case 'node-unreachable':
		case 'step-started':
		case 'task-skipped':
		case 'command-started':
		case 'command-output':
		case 'command-exited':
		case 'command-timed-out':
		case 'verify-started':
		case 'step-finished':
		case 'run-finished': {
			return {log};
		}

		default: {
			return assertNever(event);
		}
	}
}

/** One line per rolling or verified step for the RECAP; none when no step rolled or verified. */
export function rolloutRecapLines(log: RolloutLog): string[] {
	const lines: string[] = [];
	for (const step of log.planned) {
		const rollout = log.steps.get(step);
		if (rollout === undefined) {
			if (log.stoppedAt !== undefined && step > log.stoppedAt) {
				lines.push(`${step} rollout: not run (the rollout stopped at step ${log.stoppedAt})`);
			}

			continue;
		}

		const parts: string[] = [];
		if (rollout.batches > 0) {
			parts.push(`${rollout.batchesDone} of ${rollout.batches} batches`);
		}

		if (rollout.verifiedOk + rollout.verifiedFailed > 0) {
			parts.push(`verified ok=${rollout.verifiedOk} failed=${rollout.verifiedFailed}`);
		}

		parts.push(rollout.stop === undefined ? 'complete' : `STOPPED (${rollout.stop.reason}): ${shownSafely(rollout.stop.message)}`);
		lines.push(`${step} rollout: ${parts.join(', ')}`);
	}

	return lines;
}
