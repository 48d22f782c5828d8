/**
 * Steering a rollout while it runs (issue 10): the admin pauses it after the current batch, resumes it,
 * stops it (no new batch starts; what runs finishes), and changes the fanout or the batch size of the
 * batches still to come. The app holds one control per run and changes it from keys; `runPlan` reads it at
 * batch boundaries only, so a batch in flight is never changed under its feet.
 */
import type {StepOptions} from '../plan/types.js';
import {createLimiter, type Limiter} from './limiter.js';
import type {EventBody} from './node-pool.js';

/** What the admin asked for, as the app shows it. */
export type RolloutSettings = {
	/** Pause at the next batch boundary (and stay paused until resumed). */
	readonly hold: boolean;
	/** No new batch starts; later steps do not run. */
	readonly stop: boolean;
	/** The run waits at a boundary because of `hold`. */
	readonly waiting: boolean;
	/** Most nodes worked on at once from the next batch on; undefined keeps the plan's. */
	readonly fanout?: number;
	/** Nodes per batch from the next batch on; undefined keeps the plan's `serial`. */
	readonly batchSize?: number;
};

/** Where a rollout stands when it reaches a boundary: after batch `afterBatch` of `step` (0: before the step). */
export type Boundary = {readonly step: number; readonly afterBatch: number};

export type RolloutControl = {
	pause(): void;
	resume(): void;
	stop(): void;
	setFanout(fanout: number): void;
	setBatchSize(size: number): void;
	settings(): RolloutSettings;
	/** Called on every change of the settings. */
	subscribe(listener: () => void): () => void;
	/**
	 * The executor's side, at a batch boundary: resolves `go` at once unless the rollout is held (then when
	 * resumed), and `stop` when stopped or when `signal` aborts. A hold is announced with `rollout-paused`.
	 */
	atBoundary(where: Boundary, signal: AbortSignal, emit: (event: EventBody) => void): Promise<'go' | 'stop'>;
};

/** The most a fanout or a batch size may be set to (the plan's own limit for fanout). */
export const mostPerBatch = 100_000;

function checkCount(value: number, label: string): void {
	if (!Number.isInteger(value) || value < 1 || value > mostPerBatch) {
		throw new RangeError(`${label} must be a whole number from 1 to ${mostPerBatch}, got ${value}`);
	}
}

export function createRolloutControl(): RolloutControl {
	let current: RolloutSettings = {hold: false, stop: false, waiting: false};
	const listeners = new Set<() => void>();
	/** Wakes a boundary that waits (resume, stop); set only while one waits. */
	let wake: (() => void) | undefined;
	const change = (next: Partial<RolloutSettings>): void => {
		current = {...current, ...next};
		for (const listener of listeners) {
			listener();
		}
	};

	return {
		pause() {
			if (!current.hold && !current.stop) {
				change({hold: true});
			}
		},
		resume() {
			if (current.hold) {
				change({hold: false});
				wake?.();
			}
		},
		stop() {
			if (!current.stop) {
				change({stop: true, hold: false});
				wake?.();
			}
		},
		setFanout(fanout) {
			checkCount(fanout, 'fanout');
			change({fanout});
		},
		setBatchSize(size) {
			checkCount(size, 'batch size');
			change({batchSize: size});
		},
		settings: () => current,
		subscribe(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		async atBoundary(where, signal, emit) {
			if (current.hold && !current.stop && !signal.aborted) {
				emit({type: 'rollout-paused', step: where.step, afterBatch: where.afterBatch, reason: 'held'});
				await new Promise<void>(resolve => {
					const done = (): void => {
						wake = undefined;
						signal.removeEventListener('abort', done);
						resolve();
					};

					wake = done;
					signal.addEventListener('abort', done, {once: true});
					change({waiting: true});
					// A listener of the event or of `waiting` may have resumed or stopped it already.
					if (!current.hold) {
						done();
					}
				});
				change({waiting: false});
			}

			return current.stop || signal.aborted ? 'stop' : 'go';
		},
	};
}

/** A step's options with the admin's fanout and batch size over the plan's. */
export function steerStep(own: StepOptions, control: RolloutControl | undefined): StepOptions {
	const settings = control?.settings();
	if (settings === undefined) {
		return own;
	}

	return {
		...own,
		...(settings.fanout === undefined ? {} : {fanout: settings.fanout}),
		...(settings.batchSize === undefined ? {} : {serial: [{count: settings.batchSize}]}),
	};
}

/**
 * Between batches: the batches not yet started cut again to the admin's batch size (in place: the run's
 * loop reads the same array), and the limiter for them at the admin's fanout. `started`: batches begun.
 */
export function steerBatches<T>(control: RolloutControl | undefined, batches: Array<readonly T[]>, started: number, limiter: Limiter): Limiter {
	const settings = control?.settings();
	if (settings === undefined) {
		return limiter;
	}

	if (settings.batchSize !== undefined) {
		const left = batches.slice(started).flat();
		const cut: Array<readonly T[]> = [];
		for (let start = 0; start < left.length; start += settings.batchSize) {
			cut.push(left.slice(start, start + settings.batchSize));
		}

		batches.splice(started, batches.length - started, ...cut);
	}

	return settings.fanout === undefined ? limiter : createLimiter(settings.fanout);
}
