import {constants} from 'node:os';
import process from 'node:process';

/**
 * The one place svctui listens for signals. The headless run, `svctui check` and the app all stop on
 * the same three, the same way: the first asks the work to stop (results kept, log complete), the exit
 * status says which signal it was.
 */

/** What stops svctui: Ctrl-C at a shell (or `kill -INT`), a service manager's TERM, a terminal that went away. */
export const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof stopSignals)[number];

/** The shell's exit status for a process ended by `signal`: 128 + its number (130 for SIGINT). */
export function signalExitCode(signal: NodeJS.Signals): number {
	return 128 + (constants.signals[signal] ?? 0);
}

/** Call `handler` with each stop signal and how many have come so far, until the returned function is called. */
export function onStopSignals(handler: (signal: StopSignal, count: number) => void): () => void {
	let count = 0;
	const listener = (signal: NodeJS.Signals): void => {
		count++;
		handler(signal as StopSignal, count);
	};

	for (const signal of stopSignals) {
		process.on(signal, listener);
	}

	return () => {
		for (const signal of stopSignals) {
			process.off(signal, listener);
		}
	};
}

/** Ignore `signal` until the returned function is called (SIGQUIT while $EDITOR has the terminal). */
export function ignoreSignal(signal: NodeJS.Signals): () => void {
	const ignore = (): void => undefined;
	process.on(signal, ignore);
	return () => {
		process.off(signal, ignore);
	};
}

/**
 * End the process at once, as `signal`'s default action does (the status a shell sees is 128 + N), for a
 * second Ctrl-C: `stop` removes svctui's own handler first so the default action happens. No exit
 * call: nothing but cli.ts ends the process on purpose.
 */
export function dieOf(signal: StopSignal, stop: () => void): void {
	stop();
	process.kill(process.pid, signal);
}
