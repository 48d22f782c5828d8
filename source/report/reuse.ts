import {assertNever} from '../errors.js';

/** The pre-flight's connections held for the run: how many, until when; `closed` once closed unused. */
export type HeldForRun = {readonly connections: number; readonly until: number; readonly closed?: 'expired' | 'closed'};

/** `17:32:10`, local time: when something held ends. */
export function clockTime(ms: number): string {
	return new Date(ms).toTimeString().slice(0, 8);
}

/** Whether the run will open connections again or reuse the pre-flight's, on one line. */
export function reuseLine(reuse: HeldForRun): string {
	switch (reuse.closed) {
		case undefined: {
			// Short enough for an 80-column review with 10,000 nodes.
			return `connections: the run reuses ${reuse.connections === 1 ? 'this one' : `these ${reuse.connections}`} until ${clockTime(reuse.until)} and opens none`;
		}

		case 'expired': {
			return `connections: closed at ${clockTime(reuse.until)} (--reuse-window); the run connects again`;
		}

		case 'closed': {
			return 'connections: closed; the run connects again';
		}

		default: {
			return assertNever(reuse.closed);
		}
	}
}
