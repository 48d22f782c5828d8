import type {ExecutorEvent} from '../executor/events.js';
import {OutputLog, defaultMaxLinesPerNode, type OutputReader} from './output-log.js';
import {reduceRun} from './reduce-run.js';
import {initialRunState, type RunState} from './run-state.js';
import {createExternalStore, type FlushTimer} from './external-store.js';

export type {FlushTimer} from './external-store.js';

export type RunStoreOptions = {
	/** Listeners hear about changes at most once per this many ms (Ink renders at about 30 fps). @default 40 */
	readonly flushMs?: number;
	/** @default 2000 */
	readonly maxLinesPerNode?: number;
	/** @default the global setTimeout/clearTimeout */
	readonly timer?: FlushTimer;
};

export type RunStore = {
	/** Reduce the event now; tell listeners at the next flush. */
	apply(event: ExecutorEvent): void;
	getSnapshot(): RunState;
	/** The state listeners were last told about: what the app renders (ExternalStore.published). */
	getPublished(): RunState;
	/** Returns the unsubscribe function (the useSyncExternalStore contract). */
	subscribe(listener: () => void): () => void;
	/** Tell listeners now if anything changed since the last flush. */
	flush(): void;
	/** Per-node output, bounded. */
	readonly output: OutputReader;
};

/**
 * An external store for the run, in the shape of gemini's useConsoleMessages: `apply` reduces at once but
 * listeners are batched, so 500 nodes printing do not cause one React update per line. `run-finished` flushes
 * at once, so the final state is never left waiting on a timer.
 */
export function createRunStore(options: RunStoreOptions = {}): RunStore {
	const output = new OutputLog(options.maxLinesPerNode ?? defaultMaxLinesPerNode);
	const store = createExternalStore(initialRunState, options);
	return {
		apply(event) {
			if (event.type === 'command-output') {
				output.append(event.node, event.step, event.service, event.stream, event.lines);
			}

			// The snapshot changes with every event (output bumps the node's revision); listeners hear once per flush.
			store.set(state => reduceRun(state, event), event.type === 'run-finished' ? 'now' : 'later');
		},
		getSnapshot: store.get,
		getPublished: store.published,
		subscribe: store.subscribe,
		flush: store.flush,
		output,
	};
}
