import process from 'node:process';
import {signalExitCode} from '../report/exit-code.js';

export {signalExitCode} from '../report/exit-code.js';

/**
 * The one place svctui listens for signals. The headless run, `svctui check` and the app all stop on
 * the same three, the same way: the first asks the work to stop (results kept, log complete), the exit
 * status says which signal it was.
 */

/** What stops svctui: Ctrl-C at a shell (or `kill -INT`), a service manager's TERM, a terminal that went away. */
export const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof stopSignals)[number];

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

/**
 * End the process now with `code`: a second signal while a run is being stopped, once the report and the
 * log have been ended. The one exit call outside cli.ts, kept here beside the signals that cause it.
 */
export function quitNow(code: number): never {
	process.exit(code);
}

/**
 * End the process as a hangup ends a program: by SIGHUP itself, once the run's log is closed. For a
 * terminal that is gone: a normal exit would have Node 20 restore the dead terminal's modes, fail with
 * EIO and abort (SIGABRT with a native stack, nodejs/node#51519, fixed in later Node releases). A
 * shell reports the death by SIGHUP as 129, the same code a plain exit would give.
 */
export function hangUp(): never {
	process.removeAllListeners('SIGHUP');
	process.kill(process.pid, 'SIGHUP');
	// SIGHUP's default action ends the process on the spot; this exit is only a fallback.
	return quitNow(signalExitCode('SIGHUP'));
}
