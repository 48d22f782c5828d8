import type {RunSummary} from '../executor/run-plan.js';

/** Process exit codes of svctui. `usage` (nothing ran) is raised as a UserError before any run. */
export const ExitCode = {ok: 0, nodesFailed: 1, usage: 2, unreachable: 3, interrupted: 130} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit code for a finished run. Precedence: interrupted > any failed, timed-out or skipped task >
 * any unreachable node > ok. A skip counts as a failure: the step did not do what was asked there.
 */
export function exitCodeFor(summary: Pick<RunSummary, 'outcome' | 'counts'>): ExitCodeValue {
	if (summary.outcome === 'aborted') {
		return ExitCode.interrupted;
	}

	const {counts} = summary;
	if (counts.failed > 0 || counts['timed-out'] > 0 || counts.skipped > 0) {
		return ExitCode.nodesFailed;
	}

	if (counts.unreachable > 0) {
		return ExitCode.unreachable;
	}

	// Cancelled tasks without an abort cannot happen; if they ever do, the run did not complete.
	return counts.cancelled > 0 ? ExitCode.interrupted : ExitCode.ok;
}
