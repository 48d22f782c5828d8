/** The timer a store batches with; tests pass a manual one. */
export type FlushTimer = {
	setTimeout(callback: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
	/** Run every flush still waiting now (a clock shared by stores: sharedFlushTimer). */
	flushWaiting?(): void;
};

export const globalTimer: FlushTimer = {
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout(handle) {
		clearTimeout(handle as ReturnType<typeof setTimeout>);
	},
};

/**
 * One clock for several stores: every flush asked for before the clock's next tick runs in that tick, so
 * stores that change together (the TUI's state and its run) wake React once, not each on its own timer; and
 * a store that tells at once brings the others' waiting news with it (`flushWaiting`).
 */
export function sharedFlushTimer(timer: FlushTimer = globalTimer): FlushTimer {
	let waiting: Array<() => void> = [];
	let tick: unknown;
	const runWaiting = (): void => {
		const due = waiting;
		waiting = [];
		for (const run of due) {
			run();
		}
	};

	return {
		setTimeout(callback, ms) {
			waiting.push(callback);
			tick ??= timer.setTimeout(() => {
				tick = undefined;
				runWaiting();
			}, ms);
			return callback;
		},
		clearTimeout(handle) {
			waiting = waiting.filter(callback => callback !== handle);
			if (waiting.length === 0 && tick !== undefined) {
				timer.clearTimeout(tick);
				tick = undefined;
			}
		},
		flushWaiting() {
			if (tick !== undefined) {
				timer.clearTimeout(tick);
				tick = undefined;
			}

			runWaiting();
		},
	};
}

/**
 * A value React reads through `useSyncExternalStore`, with batched listeners: `set(change, 'later')`
 * changes it at once but tells listeners at most once per `flushMs` (progress from hundreds of nodes),
 * `set(change)` tells them now (what a key press did). The one store helper of the app: the run's
 * RunStore and the TUI sessions' state are both built on it.
 */
export type ExternalStore<T> = {
	/** The value now, changes not yet told included. */
	get(): T;
	/**
	 * The value listeners were last told about: what React renders (`useSyncExternalStore`'s snapshot). After a
	 * commit React reads the snapshot again and renders once more if it moved; read live, a store that changes
	 * between flushes (a run streaming from 5,000 nodes) made every flush's render a second one.
	 */
	published(): T;
	set(change: (current: T) => T, when?: 'now' | 'later'): void;
	subscribe(listener: () => void): () => void;
	/** Tell listeners now if anything changed since they last heard. */
	flush(): void;
	/** Drop a pending flush (the owner is done). */
	dispose(): void;
};

export function createExternalStore<T>(initial: T, options: {readonly flushMs?: number; readonly timer?: FlushTimer} = {}): ExternalStore<T> {
	const flushMs = options.flushMs ?? 40;
	const timer = options.timer ?? globalTimer;
	const listeners = new Set<() => void>();
	let value = initial;
	let told = initial;
	let dirty = false;
	let pending: unknown;

	const cancel = (): void => {
		if (pending !== undefined) {
			timer.clearTimeout(pending);
			pending = undefined;
		}
	};

	const flush = (): void => {
		cancel();
		// Stores on one clock tell their news together: what one shows at once, the others show with it (the
		// canary's question comes with the canary's output, which the run's store had not told yet).
		timer.flushWaiting?.();
		if (!dirty) {
			return;
		}

		dirty = false;
		told = value;
		for (const listener of [...listeners]) {
			listener();
		}
	};

	return {
		get: () => value,
		published: () => told,
		set(change, when = 'now') {
			const next = change(value);
			if (next === value) {
				return;
			}

			value = next;
			dirty = true;
			if (when === 'now') {
				flush();
			} else {
				pending ??= timer.setTimeout(() => {
					pending = undefined;
					flush();
				}, flushMs);
			}
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		flush,
		dispose: cancel,
	};
}
