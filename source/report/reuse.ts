import {assertNever} from '../errors.js';

/** The pre-flight's connections held for the run: how many, until when; `closed` once closed unused. */
export type HeldForRun = {readonly connections: number; readonly until: number; readonly closed?: 'expired' | 'closed'};

function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `17:32:10`, local time: when something held ends. */
export function clockTime(ms: number): string {
	return new Date(ms).toTimeString().slice(0, 8);
}

/** Whether the run will open connections again or reuse the pre-flight's, on one line. */
export function reuseLine(reuse: HeldForRun): string {
	const count = plural(reuse.connections, 'connection');
	const these = reuse.connections === 1 ? 'this' : 'these';
	switch (reuse.closed) {
		case undefined: {
			return `connections: the run reuses ${these} ${plural(reuse.connections, 'open connection')} until ${clockTime(reuse.until)}; it opens none`;
		}

		case 'expired': {
			return `connections: ${these} ${count} closed at ${clockTime(reuse.until)} (--reuse-window); the run connects again`;
		}

		case 'closed': {
			return `connections: ${these} ${count} closed; the run connects again`;
		}

		default: {
			return assertNever(reuse.closed);
		}
	}
}
