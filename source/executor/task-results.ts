import type {OutcomeCounts, RolloutStop, ServiceState, StepInfo, TaskOutcome} from './events.js';
import type {NodeLink} from './node-pool.js';

/** How one (step, service, node) task ended. */
export type TaskResult = {
	readonly step: number;
	readonly service: string;
	readonly node: string;
	readonly outcome: TaskOutcome;
	readonly exitCode?: number | null;
	readonly state?: ServiceState;
	readonly reason?: string;
	readonly durationMs?: number;
};

export type RunSummary = {
	readonly outcome: 'ok' | 'failed' | 'aborted';
	readonly counts: OutcomeCounts;
	/** Every task of the run, in step, node, service order. */
	readonly tasks: readonly TaskResult[];
	readonly durationMs: number;
	/** Set when a rollout stopped early: no new batch started and later steps did not run. */
	readonly stopped?: {readonly step: number; readonly reason: RolloutStop; readonly message: string};
};

/** Outcomes that count against `max_fail`. A skip is not one: the step chose not to act there. */
export const failing: ReadonlySet<TaskOutcome> = new Set(['failed', 'timed-out', 'unreachable']);

export function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** All-zero counts. */
export function emptyCounts(): Record<TaskOutcome, number> {
	return {ok: 0, failed: 0, 'timed-out': 0, skipped: 0, unreachable: 0, cancelled: 0};
}

export function countOutcomes(results: Iterable<TaskResult>): OutcomeCounts {
	const counts = emptyCounts();
	for (const result of results) {
		counts[result.outcome]++;
	}

	return counts;
}

export function neverAborted(): AbortSignal {
	return new AbortController().signal;
}

/** Tasks that never ran: unreachable if the node is known to be (as the store marks them), else cancelled. */
export function settleWithoutRunning(link: NodeLink | undefined, step: StepInfo, node: string, services = step.services, reason?: string): TaskResult[] {
	if (link?.kind === 'unreachable') {
		return services.map(service => ({step: step.index, service, node, outcome: 'unreachable', reason: link.message}));
	}

	return services.map(service => ({step: step.index, service, node, outcome: 'cancelled', ...(reason === undefined ? {} : {reason})}));
}

/** `1.5s`, `250ms`, `2m`. */
export function formatMs(ms: number): string {
	if (ms < 1000) {
		return `${ms}ms`;
	}

	if (ms < 60_000 || ms % 60_000 !== 0) {
		return `${Number((ms / 1000).toFixed(1))}s`;
	}

	return `${ms / 60_000}m`;
}

/** Waits `ms`, or less when `signal` aborts. */
export async function timerSleep(ms: number, signal: AbortSignal): Promise<void> {
	if (signal.aborted || ms <= 0) {
		return;
	}

	await new Promise<void>(resolve => {
		const done = () => {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		};

		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, {once: true});
	});
}
