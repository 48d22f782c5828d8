import type {ExecutorEvent} from '../executor/events.js';
import {OutputLog, defaultMaxLinesPerNode, type OutputReader} from './output-log.js';
import {reduceRun} from './reduce-run.js';
import {initialRunState, type RunState} from './run-state.js';

/** The timer the store batches with; tests pass a manual one. */
export type FlushTimer = {
	setTimeout(callback: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
};

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
	/** Returns the unsubscribe function (the useSyncExternalStore contract). */
	subscribe(listener: () => void): () => void;
	/** Tell listeners now if anything changed since the last flush. */
	flush(): void;
	/** Per-node output, bounded. */
	readonly output: OutputReader;
};

const globalTimer: FlushTimer = {
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout(handle) {
		clearTimeout(handle as ReturnType<typeof setTimeout>);
	},
};

/**
 * An external store for the run, in the shape of gemini's useConsoleMessages: `apply` reduces at once but
 * listeners are batched, so 500 nodes printing do not cause one React update per line. `run-finished` flushes
 * at once, so the final state is never left waiting on a timer.
 */
export function createRunStore(options: RunStoreOptions = {}): RunStore {
	const flushMs = options.flushMs ?? 40;
	const timer = options.timer ?? globalTimer;
	const output = new OutputLog(options.maxLinesPerNode ?? defaultMaxLinesPerNode);
	const listeners = new Set<() => void>();
	let state = initialRunState;
	let dirty = false;
	let pending: unknown;

	const flush = () => {
		if (pending !== undefined) {
			timer.clearTimeout(pending);
			pending = undefined;
		}

		if (!dirty) {
			return;
		}

		dirty = false;
		for (const listener of [...listeners]) {
			listener();
		}
	};

	return {
		apply(event) {
			if (event.type === 'command-output') {
				output.append(event.node, event.step, event.service, event.stream, event.lines);
			}

			state = reduceRun(state, event);
			dirty = true;
			if (event.type === 'run-finished') {
				flush();
			} else if (pending === undefined) {
				pending = timer.setTimeout(() => {
					pending = undefined;
					flush();
				}, flushMs);
			}
		},
		getSnapshot: () => state,
		subscribe(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		flush,
		output,
	};
}
