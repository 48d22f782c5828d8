/** Runs async work with at most `limit` tasks in flight; the rest wait in FIFO order. */
export type Limiter = {
	run<T>(task: () => Promise<T>): Promise<T>;
	/** Tasks running right now. */
	readonly active: number;
	/** Tasks waiting for a slot. */
	readonly pending: number;
};

/**
 * A counting semaphore, as ClusterShell's fanout: a slot is taken before the task starts and given back when
 * its promise settles, whether it resolved or rejected.
 */
export function createLimiter(limit: number): Limiter {
	if (!Number.isInteger(limit) || limit < 1) {
		throw new RangeError(`fanout must be a positive integer, got ${limit}`);
	}

	let active = 0;
	const waiting: Array<() => void> = [];

	const release = () => {
		active--;
		const next = waiting.shift();
		if (next) {
			active++;
			next();
		}
	};

	return {
		async run<T>(task: () => Promise<T>): Promise<T> {
			if (active < limit) {
				active++;
			} else {
				// The slot is handed over by `release`, which already counted it as active.
				await new Promise<void>(resolve => {
					waiting.push(resolve);
				});
			}

			try {
				return await task();
			} finally {
				release();
			}
		},
		get active() {
			return active;
		},
		get pending() {
			return waiting.length;
		},
	};
}
