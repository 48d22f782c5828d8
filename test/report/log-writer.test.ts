import {mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {defaultLogDir, logFolderName, openRunLog} from '../../source/report/log-writer.js';
import {eventBuilder, step} from '../helpers/events.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'svctui-log-'));
});
afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

const when = new Date(2024, 2, 5, 7, 8, 9);

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

	it('writes events and the report as the run goes, so an interrupted run leaves a usable log', () => {
		const log = openRunLog({dir, now: () => when});
		const ev = eventBuilder();
		const events = [ev.runStarted([step(1, 'start', ['cron'], ['n1', 'n2'])]), ev.stepStarted(1, ['n1', 'n2']), ev.started('n1', 1, 'cron'), ev.exited('n1', 1, 'cron', 0)];
		for (const event of events) {
			log.onEvent(event);
		}

		// Not closed yet: everything so far is already on disk.
		const jsonl = readFileSync(path.join(log.path, 'events.jsonl'), 'utf8');
		expect(jsonl.trimEnd().split('\n').map(line => JSON.parse(line) as unknown)).toEqual(events);
		expect(readFileSync(path.join(log.path, 'report.txt'), 'utf8')).toBe('');

		log.onEvent(ev.exited('n2', 1, 'cron', 1, {reason: 'boom'}));
		log.onEvent(ev.stepFinished(1, {ok: 1, failed: 1}));
		expect(readFileSync(path.join(log.path, 'report.txt'), 'utf8')).toBe('STEP 1 start cron\n  cron  OK n1\n  cron  FAIL n2: boom\n\n');
		log.close();
		log.close();
		log.onEvent(ev.runFinished('failed'));
		expect(readdirSync(log.path).sort()).toEqual(['events.jsonl', 'report.txt']);
		expect(readFileSync(path.join(log.path, 'events.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(6);
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
