import type {TestContext} from 'vitest';

/**
 * What a fault scenario found, beyond pass or fail: the README's promise is that a fault never hangs
 * svctui, never loses a run's results and never ends in a stack trace. Each `fault: …` test records
 * its verdict here; test/helpers/fault-reporter.ts counts them into the suite's closing line.
 */
export type FaultVerdict = {
	/** svctui did not end within the scenario's time bound. */
	readonly hung: boolean;
	/** The run's log or report is missing results (no end record, a line that does not parse …). */
	readonly lost: boolean;
	/** stdout or stderr holds a stack trace or "internal error". */
	readonly stackTrace: boolean;
};

declare module 'vitest' {
	interface TaskMeta {
		fault?: FaultVerdict;
	}
}

/** Prefix of every fault scenario's test name; the reporter counts tests by it. */
export const faultPrefix = 'fault: ';

/** Record the scenario's verdict on the running test (call it before asserting, so a failure still counts). */
export function recordFault(context: TestContext, verdict: FaultVerdict): void {
	context.task.meta.fault = verdict;
}

/** Lines that mean a stack trace or an unhandled error reached the user. */
export function hasStackTrace(text: string): boolean {
	return /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .+:\d+:\d+$|internal error|Unhandled|node:internal/m.test(text);
}
