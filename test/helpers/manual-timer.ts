import type {FlushTimer} from '../../source/store/run-store.js';

/** A timer the test fires by hand: the store's flushes happen exactly when the test says. */
export function manualTimer(): FlushTimer & {fire(): void; pending(): number; readonly scheduled: number} {
	let callbacks: Array<() => void> = [];
	let scheduled = 0;
	return {
		setTimeout(callback) {
			scheduled++;
			callbacks.push(callback);
			return callbacks.length;
		},
		clearTimeout() {
			callbacks = [];
		},
		fire() {
			const due = callbacks;
			callbacks = [];
			for (const callback of due) {
				callback();
			}
		},
		pending: () => callbacks.length,
		get scheduled() {
			return scheduled;
		},
	};
}
