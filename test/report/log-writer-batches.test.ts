import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {abandonOpenRunLogs, openRunLog, type LogFiles, type LogProblem} from '../../source/report/log-writer.js';
import type {FlushTimer} from '../../source/store/run-store.js';
import {counts, eventBuilder, step} from '../helpers/events.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'svctui-log-'));
});
afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

const when = new Date(2024, 2, 5, 7, 8, 9);

/** Files in memory: what each holds, every call made, and hooks to fail one operation. */
function memoryFiles(fail: Partial<Record<'write' | 'sync' | 'truncate' | 'close', (name: string) => unknown>> = {}) {
	const names: string[] = [];
	const content = new Map<string, string>();
	const calls: string[] = [];
	const nameOf = (fd: number) => names[fd - 10]!;
	const files: LogFiles = {
		open(file) {
			names.push(path.basename(file));
			content.set(path.basename(file), '');
			return 9 + names.length;
		},
		write(fd, data, offset) {
			calls.push(`write ${nameOf(fd)}`);
			const result = fail.write?.(nameOf(fd));
			if (typeof result === 'number') {
				return result;
			}

			content.set(nameOf(fd), content.get(nameOf(fd))! + Buffer.from(data.subarray(offset)).toString());
			return data.length - offset;
		},
		sync(fd) {
			calls.push(`sync ${nameOf(fd)}`);
			fail.sync?.(nameOf(fd));
		},
		truncate(fd, length) {
			calls.push(`truncate ${nameOf(fd)} ${length}`);
			fail.truncate?.(nameOf(fd));
			content.set(nameOf(fd), content.get(nameOf(fd))!.slice(0, length));
		},
		linked: () => true,
		close(fd) {
			calls.push(`close ${nameOf(fd)}`);
			fail.close?.(nameOf(fd));
		},
	};
	return {files, content, calls};
}

/** A timer that records the delays asked for and fires by hand. */
function recordingTimer(): FlushTimer & {delays: number[]; cleared: number; fire(): void} {
	let due: Array<() => void> = [];
	const timer = {
		delays: [] as number[],
		cleared: 0,
		setTimeout(callback: () => void, ms: number) {
			timer.delays.push(ms);
			due.push(callback);
			return due.length;
		},
		clearTimeout() {
			timer.cleared++;
			due = [];
		},
		fire() {
			const now = due;
			due = [];
			for (const callback of now) {
				callback();
			}
		},
	};
	return timer;
}

const ioError = (code?: string) => Object.assign(new Error(`${code ?? 'odd'}: failed`), code ? {code} : {});

describe('run log batches', () => {
	it('schedules one flush per batch, 50 ms after its first line unless told otherwise', () => {
		const timer = recordingTimer();
		const memory = memoryFiles();
		const log = openRunLog({dir, now: () => when, timer, files: memory.files});
		const ev = eventBuilder();
		log.onEvent(ev.runStarted([step(1, 'start', ['cron'], ['n1'])]));
		log.onEvent(ev.started('n1', 1, 'cron'));
		expect(timer.delays).toEqual([50]);
		timer.fire();
		expect(memory.calls).toEqual(['write events.jsonl']);
		log.onEvent(ev.exited('n1', 1, 'cron', 0));
		expect(timer.delays).toEqual([50, 50]);
		log.flush();
		expect(timer.cleared).toBe(1);
		expect(memory.content.get('events.jsonl')!.split('\n')).toHaveLength(4);
		log.close();
		const custom = recordingTimer();
		const other = openRunLog({dir, now: () => when, timer: custom, files: memoryFiles().files, flushMs: 7});
		other.onEvent(ev.started('n1', 1, 'cron'));
		expect(custom.delays).toEqual([7]);
		other.close();
	});

	it('writes at once when the buffer reaches flushBytes, not a byte before', () => {
		const ev = eventBuilder();
		const event = ev.connecting('n1');
		const size = JSON.stringify(event).length + 1;
		const memory = memoryFiles();
		const timer = recordingTimer();
		const log = openRunLog({dir, now: () => when, timer, files: memory.files, flushBytes: size * 2});
		log.onEvent(event);
		expect(memory.calls).toEqual([]);
		log.onEvent(event);
		expect(memory.calls).toEqual(['write events.jsonl']);
		expect(timer.cleared).toBe(1);
		log.close();
	});

	it('syncs both files at a step\'s end and at the run\'s end, then writes results.json', () => {
		const memory = memoryFiles();
		const log = openRunLog({dir, now: () => when, timer: recordingTimer(), files: memory.files});
		const ev = eventBuilder();
		log.onEvent(ev.runStarted([step(1, 'start', ['cron'], ['n1'])]));
		log.onEvent(ev.stepFinished(1, {ok: 1}));
		expect(memory.calls).toEqual(['write events.jsonl', 'write report.txt', 'sync events.jsonl', 'sync report.txt']);
		memory.calls.length = 0;
		log.onEvent(ev.runFinished('ok', {ok: 1}));
		expect(memory.calls).toEqual(['write events.jsonl', 'write report.txt', 'sync events.jsonl', 'sync report.txt']);
		expect(JSON.parse(readFileSync(path.join(log.path, 'results.json'), 'utf8'))).toMatchObject({version: 1, run: 'log_20240305_070809', outcome: 'ok'});
		memory.calls.length = 0;
		log.close();
		expect(memory.calls).toEqual(['sync events.jsonl', 'sync report.txt', 'close events.jsonl', 'close report.txt']);
		expect(log.problem).toBeUndefined();
	});

	it('cuts a half-written batch back to its last whole line even when the write throws no code, and goes on when the cut fails', () => {
		let calls = 0;
		const memory = memoryFiles({write(name) {
			if (name !== 'events.jsonl') {
				return undefined;
			}

			calls++;
			if (calls === 2) {
				return 5;
			}

			if (calls === 3) {
				throw 'disk on fire';
			}

			return undefined;
		}});
		const problems: LogProblem[] = [];
		const log = openRunLog({dir, now: () => when, timer: recordingTimer(), files: memory.files, onProblem: problem => problems.push(problem)});
		const ev = eventBuilder();
		log.onEvent(ev.runStarted([step(1, 'start', ['cron'], ['n1'])]));
		log.flush();
		const firstBatch = memory.content.get('events.jsonl')!;
		log.onEvent(ev.started('n1', 1, 'cron'));
		log.flush();
		expect(problems).toEqual([{file: 'events.jsonl', code: 'EIO', message: 'disk on fire'}]);
		expect(memory.calls).toContain(`truncate events.jsonl ${Buffer.byteLength(firstBatch)}`);
		expect(memory.content.get('events.jsonl')).toBe(firstBatch);
		// Stopped: nothing more is written, not even to the other file.
		memory.calls.length = 0;
		log.onEvent(ev.stepFinished(1, {ok: 1}));
		log.flush();
		log.close();
		expect(memory.calls).toEqual(['close events.jsonl', 'close report.txt']);
		expect(log.problem).toEqual(problems[0]);

		const failingCut = memoryFiles({write: () => {
			throw ioError('ENOSPC');
		}, truncate() {
			throw ioError('EIO');
		}});
		const told: LogProblem[] = [];
		const other = openRunLog({dir, now: () => when, timer: recordingTimer(), files: failingCut.files, onProblem: problem => told.push(problem)});
		other.onEvent(ev.connecting('n1'));
		other.flush();
		// Nothing was written, so there is nothing to cut.
		expect(failingCut.calls.filter(call => call.startsWith('truncate'))).toEqual([]);
		expect(told).toEqual([{file: 'events.jsonl', code: 'ENOSPC', message: 'ENOSPC: failed'}]);
		other.close();
	});

	it('a write that goes backwards is an I/O error, and a failed cut is no second problem', () => {
		let calls = 0;
		const memory = memoryFiles({write() {
			calls++;
			return calls === 1 ? 3 : -1;
		}, truncate() {
			throw ioError('EROFS');
		}});
		const problems: LogProblem[] = [];
		const log = openRunLog({dir, now: () => when, timer: recordingTimer(), files: memory.files, onProblem: problem => problems.push(problem)});
		log.onEvent(eventBuilder().connecting('n1'));
		log.flush();
		expect(problems).toEqual([{file: 'events.jsonl', code: 'EIO', message: 'write made no progress'}]);
		expect(memory.calls).toEqual(['write events.jsonl', 'write events.jsonl', 'truncate events.jsonl 0']);
		log.close();
	});

	it('tells a failed sync of the report with the report\'s name, and a failed close changes nothing', () => {
		const memory = memoryFiles({sync(name) {
			if (name === 'report.txt') {
				throw ioError('EIO');
			}
		}, close() {
			throw ioError('EBADF');
		}});
		const problems: LogProblem[] = [];
		const log = openRunLog({dir, now: () => when, timer: recordingTimer(), files: memory.files, onProblem: problem => problems.push(problem)});
		const ev = eventBuilder();
		log.onEvent(ev.runStarted([step(1, 'start', ['cron'], ['n1'])]));
		log.onEvent(ev.stepFinished(1, {ok: 1}));
		expect(problems).toEqual([{file: 'report.txt', code: 'EIO', message: 'EIO: failed'}]);
		expect(() => {
			log.close();
		}).not.toThrow();
		expect(memory.calls.filter(call => call.startsWith('close'))).toEqual(['close events.jsonl', 'close report.txt']);
	});

	it('tells when results.json cannot be written, and writes no results after a problem', () => {
		const memory = memoryFiles();
		const problems: LogProblem[] = [];
		const log = openRunLog({dir, now: () => when, timer: recordingTimer(), files: memory.files, onProblem: problem => problems.push(problem)});
		// A folder where the temporary file would go: open(2) fails with EISDIR.
		mkdirSync(path.join(log.path, 'results.json.tmp'));
		const ev = eventBuilder();
		log.onEvent(ev.runStarted([step(1, 'start', ['cron'], ['n1'])]));
		log.onEvent(ev.runFinished('ok'));
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatchObject({file: 'results.json', code: 'EISDIR'});
		log.close();

		const broken = memoryFiles({sync() {
			throw ioError('EIO');
		}});
		const stopped = openRunLog({dir, now: () => when, timer: recordingTimer(), files: broken.files, onProblem() {}});
		stopped.onEvent(ev.runStarted([step(1, 'start', ['cron'], ['n1'])]));
		stopped.onEvent(ev.runFinished('ok'));
		stopped.close();
		expect(stopped.problem?.file).toBe('events.jsonl');
		expect(() => readFileSync(path.join(stopped.path, 'results.json'))).toThrow(/ENOENT/);
	});

	it('ends a cut-short run with every unfinished task cancelled and never a negative duration', () => {
		const log = openRunLog({dir, now: () => when, timer: recordingTimer(), files: memoryFiles().files});
		expect(log.endRecord(5)).toEqual({type: 'run-finished', outcome: 'aborted', counts: counts(), durationMs: 0, at: 5});
		const ev = eventBuilder(1000);
		log.onEvent(ev.runStarted([step(1, 'start', ['a', 'b', 'c', 'd', 'e', 'f'], ['n1'])]));
		log.onEvent(ev.stepStarted(1, ['n1']));
		log.onEvent(ev.exited('n1', 1, 'a', 0));
		log.onEvent(ev.exited('n1', 1, 'b', 1));
		log.onEvent(ev.timedOut('n1', 1, 'c'));
		log.onEvent(ev.skipped('n1', 1, 'd', 'x'));
		log.onEvent(ev.started('n1', 1, 'e'));
		expect(log.endRecord(900)).toEqual({type: 'run-finished', outcome: 'aborted', counts: counts({ok: 1, failed: 1, 'timed-out': 1, skipped: 1, cancelled: 2}), durationMs: 0, at: 900});
		expect(log.endRecord(1500)?.durationMs).toBe(500);
		log.close();
	});

	it('counts unreachable nodes\' tasks as unreachable in the end record', () => {
		const log = openRunLog({dir, now: () => when, timer: recordingTimer(), files: memoryFiles().files});
		const ev = eventBuilder(1000);
		log.onEvent(ev.runStarted([step(1, 'start', ['a'], ['n1', 'n2'])]));
		log.onEvent(ev.unreachable('n2'));
		expect(log.endRecord(2000)?.counts).toEqual(counts({unreachable: 1, cancelled: 1}));
		log.close();
	});

	it('opens its folder under a parent it creates, and opens on a disk with room when asked to refuse a full one', () => {
		const parent = path.join(dir, 'a', 'b');
		const log = openRunLog({dir: parent, now: () => when, timer: recordingTimer(), files: memoryFiles().files});
		expect(log.path).toBe(path.join(parent, 'log_20240305_070809'));
		log.close();
		const roomy = openRunLog({dir: parent, now: () => when, refuseWhenFull: true, timer: recordingTimer(), files: memoryFiles().files});
		expect(roomy.path).toBe(path.join(parent, 'log_20240305_070809_2'));
		roomy.close();
	});
});

describe('a run log on the real file system and timers', () => {
	it('flushes on its own timer, and closes every file it opened', async () => {
		const fds = () => readdirSync('/proc/self/fd').length;
		const before = fds();
		const log = openRunLog({dir, now: () => when});
		log.onEvent(eventBuilder().connecting('n1'));
		expect(readFileSync(path.join(log.path, 'events.jsonl'), 'utf8')).toBe('');
		for (let waited = 0; waited < 5000 && readFileSync(path.join(log.path, 'events.jsonl'), 'utf8') === ''; waited += 20) {
			await new Promise(resolve => {
				setTimeout(resolve, 20);
			});
		}

		expect(readFileSync(path.join(log.path, 'events.jsonl'), 'utf8')).toMatch(/^\{"type":"node-connecting".*\}\n$/);
		log.close();
		expect(fds()).toBe(before);
	});

	it('ends only the logs whose run has not finished when abandoned', () => {
		const log = openRunLog({dir, now: () => when, timer: recordingTimer()});
		const ev = eventBuilder();
		log.onEvent(ev.runStarted([step(1, 'start', ['cron'], ['n1'])]));
		log.onEvent(ev.runFinished('ok'));
		const lines = readFileSync(path.join(log.path, 'events.jsonl'), 'utf8');
		expect(() => {
			abandonOpenRunLogs(ev.now);
		}).not.toThrow();
		expect(readFileSync(path.join(log.path, 'events.jsonl'), 'utf8')).toBe(lines);
	});
});

describe('a failing write without a listener', () => {
	it('is kept as the problem, with EIO and the thrown value as message when it is no error', () => {
		const memory = memoryFiles({write() {
			// eslint-disable-next-line @typescript-eslint/only-throw-error -- what a broken fs binding might throw
			throw undefined;
		}});
		const log = openRunLog({dir, now: () => when, timer: recordingTimer(), files: memory.files});
		log.onEvent(eventBuilder().connecting('n1'));
		expect(() => {
			log.flush();
		}).not.toThrow();
		expect(log.problem).toEqual({file: 'events.jsonl', code: 'EIO', message: 'undefined'});
		log.close();
	});
});

describe('a run log given events after close', () => {
	it('ignores them and flush does nothing', () => {
		const memory = memoryFiles();
		const log = openRunLog({dir, now: () => when, timer: recordingTimer(), files: memory.files});
		log.close();
		memory.calls.length = 0;
		log.onEvent(eventBuilder().connecting('n1') as ExecutorEvent);
		log.flush();
		log.close();
		expect(memory.calls).toEqual([]);
	});
});
