import {closeSync, mkdirSync, openSync, writeSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import type {ExecutorEvent} from '../executor/events.js';
import {formatNdjson} from './ndjson.js';
import {createTextReporter} from './text.js';

/** `$XDG_STATE_HOME/svctui/logs`, else `~/.local/state/svctui/logs` (the XDG base directory spec's default). */
export function defaultLogDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
	const state = env.XDG_STATE_HOME;
	// The spec says a relative XDG_STATE_HOME is invalid and must be ignored.
	const base = state && path.isAbsolute(state) ? state : path.join(home, '.local', 'state');
	return path.join(base, 'svctui', 'logs');
}

function pad(value: number): string {
	return String(value).padStart(2, '0');
}

/** `log_YYYYmmdd_HHMMSS` in local time, as the ancestor named its log folders. */
export function logFolderName(date: Date): string {
	return `log_${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}_${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

export type RunLogOptions = {
	/** Parent folder. @default defaultLogDir() */
	readonly dir?: string;
	/** @default () => new Date() */
	readonly now?: () => Date;
};

export type RunLog = {
	/** The run's own folder. */
	readonly path: string;
	onEvent(event: ExecutorEvent): void;
	/** Close the files. Idempotent. */
	close(): void;
};

/**
 * Create `<dir>/log_YYYYmmdd_HHMMSS` (with `_2`, `_3`… when it exists) holding `events.jsonl` (every event)
 * and `report.txt` (the text report, uncoloured). Both are appended synchronously as the run goes, so a run
 * killed half way leaves a log complete up to its last event.
 */
export function openRunLog(options: RunLogOptions = {}): RunLog {
	const parent = options.dir ?? defaultLogDir();
	mkdirSync(parent, {recursive: true});
	const base = path.join(parent, logFolderName((options.now ?? (() => new Date()))()));
	let folder = base;
	for (let attempt = 2; ; attempt++) {
		try {
			// Without `recursive`, mkdir fails on an existing folder: that is how two runs in one second stay apart.
			mkdirSync(folder);
			break;
		} catch (error: unknown) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
				throw error;
			}

			folder = `${base}_${attempt}`;
		}
	}

	const events = openSync(path.join(folder, 'events.jsonl'), 'a');
	const report = openSync(path.join(folder, 'report.txt'), 'a');
	let open = true;
	const reporter = createTextReporter({
		color: false,
		write(text) {
			writeSync(report, text);
		},
	});
	return {
		path: folder,
		onEvent(event) {
			if (!open) {
				return;
			}

			writeSync(events, formatNdjson(event));
			reporter.onEvent(event);
		},
		close() {
			if (open) {
				open = false;
				closeSync(events);
				closeSync(report);
			}
		},
	};
}
