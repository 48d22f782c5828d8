import type {ExecutorEvent} from '../executor/events.js';
import {reduceRun} from '../store/reduce-run.js';
import {initialRunState, type RunState} from '../store/run-state.js';
import {selectStepProgress} from '../store/selectors.js';

export type ProgressOptions = {
	readonly write: (text: string) => unknown;
	/** Only a terminal gets the line; in a pipe this renderer writes nothing at all. */
	readonly isTTY: boolean;
	/** Terminal width; the line is cut to fit so `\r` can rewrite it. @default 80 */
	readonly columns?: number;
	/** @default Date.now */
	readonly clock?: () => number;
	/** Redraw at most this often. @default 100 */
	readonly minIntervalMs?: number;
};

export type ProgressLine = {
	onEvent(event: ExecutorEvent): void;
	/** Erase the line (before other output goes to the same terminal, and at the end). */
	clear(): void;
};

const eraseLine = '\r\u001B[2K';

function seconds(ms: number): string {
	return `${Math.round(ms / 1000)}s`;
}

/** The text of the progress line for the current step, e.g. `step 2/4 restart cron: 12/30 done, 1 failed, 3 running, 4s, ETA 6s`. */
export function formatProgress(state: RunState, now: number): string {
	const step = state.currentStep;
	const info = state.steps.find(candidate => candidate.index === step);
	if (step === undefined || !info) {
		return state.phase === 'running' ? 'connecting…' : '';
	}

	const progress = selectStepProgress(state, step, now);
	const parts = [`${progress.done}/${progress.total} done`];
	if (progress.failed > 0) {
		parts.push(`${progress.failed} failed`);
	}

	if (progress.skipped > 0) {
		parts.push(`${progress.skipped} skipped`);
	}

	if (progress.unreachable > 0) {
		parts.push(`${progress.unreachable} unreachable`);
	}

	if (progress.running > 0) {
		parts.push(`${progress.running} running`);
	}

	parts.push(seconds(progress.elapsedMs));
	if (progress.etaMs !== undefined) {
		parts.push(`ETA ${seconds(progress.etaMs)}`);
	}

	return `step ${state.steps.indexOf(info) + 1}/${state.steps.length} ${info.action} ${info.services.join(',')}: ${parts.join(', ')}`;
}

/**
 * A one-line progress display for stderr when it is a terminal: rewritten in place with `\r`, throttled, no
 * spinner. It erases itself when a step finishes (so the report printed then starts on a clean line) and
 * at the end of the run. Put it before the text reporter when fanning events out.
 */
export function createProgressLine(options: ProgressOptions): ProgressLine {
	const clock = options.clock ?? Date.now;
	const columns = Math.max(10, options.columns ?? 80);
	const minIntervalMs = options.minIntervalMs ?? 100;
	let state = initialRunState;
	let shown = false;
	let lastDraw = Number.NEGATIVE_INFINITY;

	const clear = () => {
		if (shown) {
			options.write(eraseLine);
			shown = false;
		}
	};

	return {
		onEvent(event) {
			state = reduceRun(state, event);
			if (!options.isTTY) {
				return;
			}

			if (event.type === 'step-finished' || event.type === 'run-finished') {
				clear();
				lastDraw = Number.NEGATIVE_INFINITY;
				return;
			}

			const now = clock();
			if (now - lastDraw < minIntervalMs) {
				return;
			}

			lastDraw = now;
			const text = formatProgress(state, now);
			options.write(`${eraseLine}${text.length > columns - 1 ? `${text.slice(0, columns - 2)}…` : text}`);
			shown = true;
		},
		clear,
	};
}
