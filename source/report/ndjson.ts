import type {ExecutorEvent} from '../executor/events.js';

/** One event as one JSON line (events are JSON-serializable by contract). */
export function formatNdjson(event: ExecutorEvent): string {
	return `${JSON.stringify(event)}\n`;
}

/** A sink for `--json`: writes every event as it comes, one per line. */
export function createNdjsonWriter(write: (text: string) => unknown): (event: ExecutorEvent) => void {
	return event => {
		write(formatNdjson(event));
	};
}
