import {closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, statfsSync, writeSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import type {ExecutorEvent, OutcomeCounts} from '../executor/events.js';
import type {RunState} from '../store/run-state.js';
import type {FlushTimer} from '../store/run-store.js';
import {formatNdjson} from './ndjson.js';
import {writeResultSets} from './result-sets.js';
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

/** Why a run log stopped being written. From then on it holds whole lines up to the last good batch. */
export type LogProblem = {
	/** The file that could not be written: `events.jsonl`, `report.txt` or `results.json`. */
	readonly file: string;
	/** The errno code (`ENOSPC`, `EIO` …); `ENOENT` when the log was removed during the run. */
	readonly code: string;
	/** What happened, in a few words (the system's message). */
	readonly message: string;
};

/**
 * The file operations a run log needs, so tests can fail them (EIO, short writes) without a broken disk.
 * @default node:fs
 */
export type LogFiles = {
	/** Create the file for appending. */
	open(file: string): number;
	/** One write(2): returns how many bytes were written, possibly fewer than asked. */
	write(fd: number, data: Uint8Array, offset: number): number;
	sync(fd: number): void;
	truncate(fd: number, length: number): void;
	/** False once the file has been removed (its folder deleted under the running log). */
	linked(fd: number): boolean;
	close(fd: number): void;
};

const nodeFiles: LogFiles = {
	open: file => openSync(file, 'a'),
	write: (fd, data, offset) => writeSync(fd, data, offset),
	sync: fd => {
		fsyncSync(fd);
	},
	truncate: (fd, length) => {
		ftruncateSync(fd, length);
	},
	linked: fd => fstatSync(fd).nlink > 0,
	close: fd => {
		closeSync(fd);
	},
};

const globalTimer: FlushTimer = {
	setTimeout(callback, ms) {
		// The flush timer never keeps the process alive: close() writes what is left.
		return setTimeout(callback, ms).unref();
	},
	clearTimeout(handle) {
		clearTimeout(handle as ReturnType<typeof setTimeout>);
	},
};

export type RunLogOptions = {
	/** Parent folder. @default defaultLogDir() */
	readonly dir?: string;
	/** @default () => new Date() */
	readonly now?: () => Date;
	/**
	 * Refuse to open (throw an ENOSPC error) when the file system has no free block at all: not one event
	 * could be written, so the caller can decline to start a run that would leave no record.
	 * @default false
	 */
	readonly refuseWhenFull?: boolean;
	/** Buffered lines are written at most this many ms after they come (and at every step's end). @default 50 */
	readonly flushMs?: number;
	/** Buffered text past this many bytes is written at once. @default 65536 */
	readonly flushBytes?: number;
	/** @default real timers, unref'd */
	readonly timer?: FlushTimer;
	/** @default node:fs */
	readonly files?: LogFiles;
	/** Told once, at the first write that fails; after it nothing more is written to the log. */
	readonly onProblem?: (problem: LogProblem) => void;
};

export type RunLog = {
	/** The run's own folder. */
	readonly path: string;
	/** Buffer the event (and the report text it completes); never throws. */
	onEvent(event: ExecutorEvent): void;
	/** Write what is buffered now. */
	flush(): void;
	/** The first write error, or undefined while the log is complete so far. */
	readonly problem: LogProblem | undefined;
	/**
	 * The `run-finished` record a run cut short (a second Ctrl-C: the executor will never emit its own)
	 * ends with: outcome aborted, every task not yet ended counted as cancelled. Undefined once a
	 * `run-finished` was logged.
	 */
	endRecord(at: number): ExecutorEvent | undefined;
	/** Write what is buffered, sync to disk and close the files. Idempotent; never throws. */
	close(): void;
};

/** Logs opened and not yet closed, so a signal path with no handle on its run can still end them. */
const openLogs = new Set<RunLog>();

/**
 * End every open run log at once, for a process about to exit with runs in flight (the app's second
 * signal): each gets its `endRecord` and is closed, so its events.jsonl still ends with run-finished.
 */
export function abandonOpenRunLogs(at: number = Date.now()): void {
	for (const log of [...openLogs]) {
		const end = log.endRecord(at);
		if (end !== undefined) {
			log.onEvent(end);
		}

		log.close();
	}
}

function errnoCode(error: unknown): string {
	return (error as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
}

function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** Counts for a run ended from outside: whatever had not ended never will (as reduce-run marks it). */
function countsSoFar(state: RunState): OutcomeCounts {
	const counts = {ok: 0, failed: 0, 'timed-out': 0, skipped: 0, unreachable: 0, cancelled: 0};
	for (const key of state.taskOrder) {
		const status = state.tasks.get(key)?.status;
		switch (status) {
			case 'ok':
			case 'failed':
			case 'timed-out':
			case 'skipped':
			case 'unreachable':
			case 'cancelled': {
				counts[status]++;
				break;
			}

			default: {
				counts.cancelled++;
			}
		}
	}

	return counts;
}

/** One file of the log: text waits in `pending` and goes out in whole-line batches. */
type LogFile = {
	readonly name: string;
	readonly fd: number;
	pending: string[];
	pendingBytes: number;
	/** Bytes known to be on the file: a failed batch is cut back to here, so the file ends in a whole line. */
	committed: number;
};

/**
 * Create `<dir>/log_YYYYmmdd_HHMMSS` (with `_2`, `_3`… when it exists) holding `events.jsonl` (every event,
 * one JSON line each), `report.txt` (the text report, uncoloured) and, once the run has ended,
 * `results.json` (its result sets, see result-sets.ts).
 *
 * Durability: events are buffered and written in batches of whole lines, at most `flushMs` after they
 * come, at once past `flushBytes`, and at every step's end and the run's end, where both files are also
 * synced to disk. A batch that fails half-way is cut back, so the files always end in a whole line, and
 * a kill -9 loses at most the last `flushMs` of events, never the shape of the file. The first write error
 * (ENOSPC, EIO, the folder removed) is reported once through `onProblem` and stops the log; `onEvent` never
 * throws, so the run goes on.
 */
export function openRunLog(options: RunLogOptions = {}): RunLog {
	const files = options.files ?? nodeFiles;
	const timer = options.timer ?? globalTimer;
	const flushMs = options.flushMs ?? 50;
	const flushBytes = options.flushBytes ?? 65_536;
	const parent = options.dir ?? defaultLogDir();
	mkdirSync(parent, {recursive: true});
	if (options.refuseWhenFull && statfsSync(parent).bavail === 0) {
		throw Object.assign(new Error(`ENOSPC: no space left on device, ${parent}`), {code: 'ENOSPC'});
	}

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

	const logFile = (name: string): LogFile => ({name, fd: files.open(path.join(folder, name)), pending: [], pendingBytes: 0, committed: 0});
	const events = logFile('events.jsonl');
	const report = logFile('report.txt');
	let open = true;
	let problem: LogProblem | undefined;
	let finished = false;
	let scheduled: unknown;

	const fail = (file: {readonly name: string}, error: unknown, code = errnoCode(error)): void => {
		if (problem !== undefined) {
			return;
		}

		problem = {file: file.name, code, message: errorMessage(error)};
		for (const each of [events, report]) {
			each.pending = [];
			each.pendingBytes = 0;
		}

		options.onProblem?.(problem);
	};

	const writeOut = (file: LogFile): void => {
		if (problem !== undefined || file.pending.length === 0) {
			return;
		}

		const data = Buffer.from(file.pending.join(''));
		file.pending = [];
		file.pendingBytes = 0;
		let offset = 0;
		try {
			// write(2) may write part of a batch (a disk filling up): go on from where it stopped.
			while (offset < data.length) {
				const written = files.write(file.fd, data, offset);
				if (written <= 0) {
					throw Object.assign(new Error('write made no progress'), {code: 'EIO'});
				}

				offset += written;
			}

			file.committed += data.length;
		} catch (error: unknown) {
			if (offset > 0) {
				try {
					// Cut the half-written batch off: a reader must never find half a JSON line.
					files.truncate(file.fd, file.committed);
				} catch {
					// The file stays as it is; the problem below is reported all the same.
				}
			}

			fail(file, error);
		}
	};

	const flush = (): void => {
		if (scheduled !== undefined) {
			timer.clearTimeout(scheduled);
			scheduled = undefined;
		}

		writeOut(events);
		writeOut(report);
	};

	/** A step boundary: everything so far on disk, and a check that the files are still there to write to. */
	const sync = (): void => {
		flush();
		for (const file of [events, report]) {
			if (problem !== undefined) {
				return;
			}

			try {
				files.sync(file.fd);
				if (!files.linked(file.fd)) {
					fail(file, new Error(`${file.name} was removed during the run`), 'ENOENT');
				}
			} catch (error: unknown) {
				fail(file, error);
			}
		}
	};

	const append = (file: LogFile, text: string): void => {
		if (problem !== undefined) {
			return;
		}

		file.pending.push(text);
		file.pendingBytes += text.length;
		if (file.pendingBytes >= flushBytes) {
			flush();
		} else {
			scheduled ??= timer.setTimeout(() => {
				scheduled = undefined;
				flush();
			}, flushMs);
		}
	};

	const reporter = createTextReporter({
		color: false,
		write(text) {
			append(report, text);
		},
	});

	const log: RunLog = {
		path: folder,
		onEvent(event) {
			if (!open) {
				return;
			}

			append(events, formatNdjson(event));
			// The reporter keeps its state after a problem too: endRecord counts from it.
			reporter.onEvent(event);
			if (event.type === 'run-finished') {
				finished = true;
			}

			if (event.type === 'step-finished' || event.type === 'run-finished') {
				sync();
			}

			// The run's result sets (@failed …), once its end is on disk: a later run reads them from here.
			if (event.type === 'run-finished' && problem === undefined) {
				try {
					writeResultSets(folder, reporter.state);
				} catch (error: unknown) {
					fail({name: 'results.json'}, error);
				}
			}
		},
		flush() {
			if (open) {
				flush();
			}
		},
		get problem() {
			return problem;
		},
		endRecord(at) {
			if (finished) {
				return undefined;
			}

			const {state} = reporter;
			return {type: 'run-finished', outcome: 'aborted', counts: countsSoFar(state), durationMs: Math.max(0, at - (state.startedAt ?? at)), at};
		},
		close() {
			if (!open) {
				return;
			}

			sync();
			open = false;
			openLogs.delete(log);
			for (const file of [events, report]) {
				try {
					files.close(file.fd);
				} catch {
					// Nothing more can be lost by a failed close: every batch was written and synced above.
				}
			}
		},
	};
	openLogs.add(log);
	return log;
}
