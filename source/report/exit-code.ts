import {constants} from 'node:os';
import type {RunSummary} from '../executor/run-plan.js';

/**
 * Process exit codes of svctui. `usage` (nothing ran) is raised as a UserError before any run.
 * `logIncomplete`: the run went to its end but its log could not be written in full (disk full, I/O
 * error, log folder removed); the report on stdout is complete. `interrupted` is Ctrl-C's; other
 * signals give 128 + their number (`signalExitCode`), as a shell reports them.
 */
export const ExitCode = {ok: 0, nodesFailed: 1, usage: 2, unreachable: 3, logIncomplete: 4, interrupted: 130} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export type RunEnding = {
	/** Every event reached the run log. @default true */
	readonly logComplete?: boolean;
};

/**
 * The exit code for a finished run. Precedence: interrupted > log incomplete > any failed, timed-out or
 * skipped task > any unreachable node > a rollout stopped early (canary answered stop) > ok. A skip counts as a failure: the step did not do what was
 * asked there. An incomplete log outranks the nodes' results: the log is the record of what changed,
 * and a script must not take a run without one for done; the results themselves are in the report.
 */
export function exitCodeFor(summary: Pick<RunSummary, 'outcome' | 'counts' | 'stopped'>, ending: RunEnding = {}): ExitCodeValue {
	if (summary.outcome === 'aborted') {
		return ExitCode.interrupted;
	}

	if (ending.logComplete === false) {
		return ExitCode.logIncomplete;
	}

	const {counts} = summary;
	if (counts.failed > 0 || counts['timed-out'] > 0 || counts.skipped > 0) {
		return ExitCode.nodesFailed;
	}

	if (counts.unreachable > 0) {
		return ExitCode.unreachable;
	}

	// A rollout stopped after its canary did not do what the plan asked, though no node failed.
	if (summary.stopped !== undefined) {
		return ExitCode.nodesFailed;
	}

	// Cancelled tasks without an abort or a stopped rollout cannot happen; if they ever do, the run did not complete.
	return counts.cancelled > 0 ? ExitCode.interrupted : ExitCode.ok;
}

/** 128 + the signal's number (SIGINT 130, SIGTERM 143, SIGHUP 129): how a shell reports a process a signal stopped. */
export function signalExitCode(signal: NodeJS.Signals): number {
	return 128 + constants.signals[signal];
}

