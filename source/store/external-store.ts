/** The timer a store batches with; tests pass a manual one. */
export type FlushTimer = {
	setTimeout(callback: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
};

export const globalTimer: FlushTimer = {
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout(handle) {
		clearTimeout(handle as ReturnType<typeof setTimeout>);
	},
};

/**
 * A value React reads through `useSyncExternalStore`, with batched listeners: `set(change, 'later')`
 * changes it at once but tells listeners at most once per `flushMs` (progress from hundreds of nodes),
 * `set(change)` tells them now (what a key press did). The one store helper of the app: the run's
 * RunStore and the TUI sessions' state are both built on it.
 */
export type ExternalStore<T> = {
	get(): T;
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
		if (!dirty) {
			return;
		}

		dirty = false;
		for (const listener of [...listeners]) {
			listener();
		}
	};

	return {
		get: () => value,
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
