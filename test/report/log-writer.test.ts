import {closeSync, fstatSync, fsyncSync, ftruncateSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {abandonOpenRunLogs, defaultLogDir, logFolderName, openRunLog, type LogFiles, type LogProblem} from '../../source/report/log-writer.js';
import {counts, eventBuilder, step} from '../helpers/events.js';
import {manualTimer} from '../helpers/manual-timer.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'svctui-log-'));
});
afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

const when = new Date(2024, 2, 5, 7, 8, 9);

/** Every line of a JSON-lines file, parsed: throws on a line that is not whole JSON. */
function parsedLines(file: string): ExecutorEvent[] {
	const text = readFileSync(file, 'utf8');
	return text === '' ? [] : text.replace(/\n$/, '').split('\n').map(line => JSON.parse(line) as ExecutorEvent);
}

/** node:fs as the log uses it, for tests to break one operation of. */
function realFiles(): LogFiles {
	return {
		open: file => openSync(file, 'a'),
		write: (fd, data, offset) => writeSync(fd, data, offset),
		sync: fd => fsyncSync(fd),
		truncate: (fd, length) => ftruncateSync(fd, length),
		linked: fd => fstatSync(fd).nlink > 0,
		close: fd => closeSync(fd),
	};
}

describe('openRunLog', () => {
	it('names folders log_YYYYmmdd_HHMMSS and keeps them unique', () => {
		expect(logFolderName(when)).toBe('log_20240305_070809');
		const first = openRunLog({dir, now: () => when});
		const second = openRunLog({dir, now: () => when});
		const third = openRunLog({dir, now: () => when});
		expect([first.path, second.path, third.path].map(p => path.basename(p))).toEqual(['log_20240305_070809', 'log_20240305_070809_2', 'log_20240305_070809_3']);
		for (const log of [first, second, third]) {
			log.close();
		}
	});

	it('writes events and the report in batches of whole lines: on its timer, at once at a step\'s end, and on close', () => {
		const timer = manualTimer();
		const log = openRunLog({dir, now: () => when, timer});
		const ev = eventBuilder();
		const events = [ev.runStarted([step(1, 'start', ['cron'], ['n1', 'n2'])]), ev.stepStarted(1, ['n1', 'n2']), ev.started('n1', 1, 'cron'), ev.exited('n1', 1, 'cron', 0)];
		for (const event of events) {
			log.onEvent(event);
		}

		// Buffered, with one flush scheduled for the whole batch.
		expect(readFileSync(path.join(log.path, 'events.jsonl'), 'utf8')).toBe('');
		expect(timer.scheduled).toBe(1);
		timer.fire();
		expect(parsedLines(path.join(log.path, 'events.jsonl'))).toEqual(events);
		expect(readFileSync(path.join(log.path, 'report.txt'), 'utf8')).toBe('');

		// A step's end writes (and syncs) at once, without waiting for the timer.
		log.onEvent(ev.exited('n2', 1, 'cron', 1, {reason: 'boom'}));
		log.onEvent(ev.stepFinished(1, {ok: 1, failed: 1}));
		expect(timer.pending()).toBe(0);
		expect(readFileSync(path.join(log.path, 'report.txt'), 'utf8')).toBe('STEP 1 start cron\n  cron  OK n1\n  cron  FAIL n2: boom\n\n');
		expect(parsedLines(path.join(log.path, 'events.jsonl'))).toHaveLength(6);

		log.onEvent(ev.started('n1', 2, 'ssh'));
		log.close();
		expect(parsedLines(path.join(log.path, 'events.jsonl'))).toHaveLength(7);
		log.close();
		log.onEvent(ev.runFinished('failed'));
		expect(readdirSync(log.path).sort()).toEqual(['events.jsonl', 'report.txt']);
		expect(parsedLines(path.join(log.path, 'events.jsonl'))).toHaveLength(7);
		expect(log.problem).toBeUndefined();
	});

	it('writes a large batch at once, without waiting for the timer', () => {
		const timer = manualTimer();
		const log = openRunLog({dir, now: () => when, timer, flushBytes: 1000});
		const ev = eventBuilder();
		log.onEvent(ev.runStarted([step(1, 'status', ['cron'], ['n1'])]));
		for (let index = 0; index < 20; index++) {
			log.onEvent(ev.output('n1', 1, 'cron', [`line ${index} ${'x'.repeat(40)}`]));
		}

		expect(parsedLines(path.join(log.path, 'events.jsonl')).length).toBeGreaterThanOrEqual(10);
		log.close();
		expect(parsedLines(path.join(log.path, 'events.jsonl'))).toHaveLength(21);
	});

	it('a disk that fills up half-way through a batch: the batch is cut back to whole lines, the problem told once, the run not thrown at', () => {
		const timer = manualTimer();
		const problems: LogProblem[] = [];
		// Room for the first batch and 50 bytes more: the second batch is written in part, then ENOSPC.
		let room = Number.POSITIVE_INFINITY;
		const full = {...realFiles(), write(fd: number, data: Uint8Array, offset: number) {
			if (room <= 0) {
				throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'});
			}

			const length = Math.min(data.length - offset, room);
			room -= length;
			return writeSync(fd, data, offset, length);
		}};
		const log = openRunLog({dir, now: () => when, timer, files: full, onProblem: problem => problems.push(problem)});
		const ev = eventBuilder();
		log.onEvent(ev.runStarted([step(1, 'start', ['cron'], ['n1', 'n2'])]));
		log.onEvent(ev.stepStarted(1, ['n1', 'n2']));
		timer.fire();
		room = 50;
		const onEvent = () => {
			log.onEvent(ev.started('n1', 1, 'cron'));
			log.onEvent(ev.exited('n1', 1, 'cron', 0));
			log.onEvent(ev.stepFinished(1, {ok: 1}));
			log.onEvent(ev.runFinished('ok', {ok: 1}));
		};

		expect(onEvent).not.toThrow();
		log.close();
		expect(problems).toEqual([{file: 'events.jsonl', code: 'ENOSPC', message: 'ENOSPC: no space left on device, write'}]);
		expect(log.problem).toEqual(problems[0]);
		const text = readFileSync(path.join(log.path, 'events.jsonl'), 'utf8');
		expect(text.endsWith('\n')).toBe(true);
		expect(parsedLines(path.join(log.path, 'events.jsonl')).map(event => event.type)).toEqual(['run-started', 'step-started']);
	});

	it.each([
		['EIO on fsync at a step\'s end', {sync() {
			throw Object.assign(new Error('EIO: i/o error, fsync'), {code: 'EIO'});
		}}, 'EIO'],
		['a write that makes no progress', {write: () => 0}, 'EIO'],
	] as const)('%s is reported once and stops the log', (_name, broken, code) => {
		const problems: LogProblem[] = [];
		const log = openRunLog({dir, now: () => when, timer: manualTimer(), files: {...realFiles(), ...broken}, onProblem: problem => problems.push(problem)});
		const ev = eventBuilder();
		log.onEvent(ev.runStarted([step(1, 'start', ['cron'], ['n1'])]));
		log.onEvent(ev.stepFinished(1, {ok: 1}));
		log.onEvent(ev.stepFinished(2, {ok: 1}));
		log.close();
		expect(problems.map(problem => problem.code)).toEqual([code]);
	});

	it('notices at a step\'s end that its folder was removed during the run', () => {
		const problems: LogProblem[] = [];
		const log = openRunLog({dir, now: () => when, timer: manualTimer(), onProblem: problem => problems.push(problem)});
		const ev = eventBuilder();
		log.onEvent(ev.runStarted([step(1, 'start', ['cron'], ['n1'])]));
		rmSync(log.path, {recursive: true});
		log.onEvent(ev.stepFinished(1, {ok: 1}));
		log.close();
		expect(problems).toEqual([{file: 'events.jsonl', code: 'ENOENT', message: 'events.jsonl was removed during the run'}]);
	});

	it('endRecord: the run-finished a run cut short ends with (unfinished tasks cancelled); none once the run finished', () => {
		const log = openRunLog({dir, now: () => when, timer: manualTimer()});
		const ev = eventBuilder();
		log.onEvent(ev.runStarted([step(1, 'start', ['cron'], ['n1', 'n2', 'n3'])]));
		log.onEvent(ev.stepStarted(1, ['n1', 'n2', 'n3']));
		log.onEvent(ev.started('n1', 1, 'cron'));
		log.onEvent(ev.exited('n1', 1, 'cron', 1));
		log.onEvent(ev.started('n2', 1, 'cron'));
		expect(log.endRecord(ev.now + 500)).toEqual({type: 'run-finished', outcome: 'aborted', counts: counts({failed: 1, cancelled: 2}), durationMs: 550, at: ev.now + 500});
		log.onEvent(ev.runFinished('aborted'));
		expect(log.endRecord(ev.now)).toBeUndefined();
		log.close();
	});

	it('abandonOpenRunLogs ends every open log with its end record and closes it', () => {
		const log = openRunLog({dir, now: () => when, timer: manualTimer()});
		const ev = eventBuilder();
		log.onEvent(ev.runStarted([step(1, 'start', ['cron'], ['n1'])]));
		log.onEvent(ev.started('n1', 1, 'cron'));
		abandonOpenRunLogs(ev.now);
		const logged = parsedLines(path.join(log.path, 'events.jsonl'));
		expect(logged.at(-1)).toMatchObject({type: 'run-finished', outcome: 'aborted', counts: counts({cancelled: 1})});
		expect(readFileSync(path.join(log.path, 'report.txt'), 'utf8')).toMatch(/^RECAP \(aborted\)\n1 start cron +: +ok=0 .*cancelled=1 +cancelled: n1\n$/);
		// Closed: later events go nowhere, and a second abandon adds nothing.
		log.onEvent(ev.exited('n1', 1, 'cron', 0));
		abandonOpenRunLogs(ev.now);
		expect(parsedLines(path.join(log.path, 'events.jsonl'))).toHaveLength(3);
	});
});

describe('defaultLogDir', () => {
	it.each([
		[{XDG_STATE_HOME: '/var/state'}, '/var/state/svctui/logs'],
		[{}, '/home/u/.local/state/svctui/logs'],
		[{XDG_STATE_HOME: 'relative/ignored'}, '/home/u/.local/state/svctui/logs'],
		[{XDG_STATE_HOME: ''}, '/home/u/.local/state/svctui/logs'],
	])('%j → %s', (env, expected) => {
		expect(defaultLogDir(env, '/home/u')).toBe(expected);
	});
});
