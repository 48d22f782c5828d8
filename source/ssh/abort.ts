import {ConnectError} from './transport.js';

// Waiting on an AbortSignal: the run-wide signal is shared by every connect and command, so many waiters share
// one listener. No ssh2 here: the transport and its tests use it alike.

/** Callbacks waiting on one signal, behind the one listener that serves them all. */
type AbortWatch = {readonly callbacks: Set<() => void>; readonly fire: () => void};
const abortWatches = new WeakMap<AbortSignal, AbortWatch>();

/**
 * Call `callback` once when `signal` aborts; the returned function cancels that. However many connects and commands
 * wait on one run-wide signal at once, it carries a single listener (a listener each would pass Node's limit of 10
 * and print MaxListenersExceededWarning on any run over 10 nodes), and the listener goes once nobody waits.
 * Like `addEventListener`, it does not call back for a signal that is already aborted: callers check `aborted` first.
 */
export function watchAbort(signal: AbortSignal | undefined, callback: () => void): () => void {
	if (signal === undefined || signal.aborted) return () => {};
	let watch = abortWatches.get(signal);
	if (watch === undefined) {
		const callbacks = new Set<() => void>();
		const fire = (): void => {
			abortWatches.delete(signal);
			for (const waiting of [...callbacks]) waiting();
			callbacks.clear();
		};

		watch = {callbacks, fire};
		abortWatches.set(signal, watch);
		signal.addEventListener('abort', fire, {once: true});
	}

	const current = watch;
	// A Set keeps one entry per function: wrap, so the same callback registered twice is two registrations.
	const entry = (): void => callback();
	current.callbacks.add(entry);
	return () => {
		if (!current.callbacks.delete(entry) || current.callbacks.size > 0) return;
		signal.removeEventListener('abort', current.fire);
		if (abortWatches.get(signal) === current) abortWatches.delete(signal);
	};
}

export async function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, label: string): Promise<T> {
	if (signal === undefined) return promise;
	if (signal.aborted) throw new ConnectError(label, 'timeout', `${label}: connecting was cancelled`);
	return new Promise<T>((resolvePromise, reject) => {
		const unwatch = watchAbort(signal, () => reject(new ConnectError(label, 'timeout', `${label}: connecting was cancelled`)));
		promise.then(
			value => {
				unwatch();
				resolvePromise(value);
			},
			(error: unknown) => {
				unwatch();
				reject(error);
			},
		);
	});
}
