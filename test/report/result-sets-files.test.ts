import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {GroupResolver, listGroups, parseNodeSet, staticGroupSource} from '../../source/nodeset/index.js';
import {readResultSets, resultSetsOf, withResultSets, writeResultSets} from '../../source/report/result-sets.js';
import {reduceRun} from '../../source/store/reduce-run.js';
import {initialRunState, type RunState} from '../../source/store/run-state.js';
import {eventBuilder, step} from '../helpers/events.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'svctui-sets-'));
});
afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

const stateOf = (events: readonly ExecutorEvent[]): RunState => events.reduce(reduceRun, initialRunState);
const empty = {ok: [], failed: [], unreachable: [], skipped: [], changed: []};

/** A run folder holding `results.json` with `text` (or sets written as a version-1 file). */
function run(name: string, content: string | Partial<Record<keyof typeof empty, string[]>>): string {
	mkdirSync(path.join(dir, name), {recursive: true});
	writeFileSync(path.join(dir, name, 'results.json'), typeof content === 'string' ? content : JSON.stringify({version: 1, run: name, sets: {...empty, ...content}}));
	return name;
}

describe('result sets of a run', () => {
	it('rank a node by its worst task: unreachable, failed (or timed out), skipped, ok; cancelled and unfinished in none', () => {
		const ev = eventBuilder();
		const state = stateOf([
			ev.runStarted([step(1, 'status', ['a'], ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']), step(2, 'restart', ['a', 'b'], ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'])]),
			ev.unreachable('n7'),
			ev.stepStarted(1, ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']),
			...['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map(node => ev.exited(node, 1, 'a', 0)),
			ev.stepFinished(1),
			ev.stepStarted(2, ['n1', 'n2', 'n3', 'n4', 'n5', 'n6']),
			ev.exited('n1', 2, 'a', 0),
			ev.exited('n1', 2, 'b', 0),
			ev.exited('n2', 2, 'a', 0),
			ev.timedOut('n2', 2, 'b'),
			ev.skipped('n3', 2, 'a', 'x'),
			ev.exited('n3', 2, 'b', 0),
			ev.skipped('n4', 2, 'a', 'x'),
			ev.exited('n4', 2, 'b', 1),
			ev.exited('n5', 2, 'a', 0),
			ev.started('n5', 2, 'b'),
			ev.exited('n6', 2, 'a', 1),
			ev.skipped('n6', 2, 'b', 'x'),
			ev.runFinished('aborted'),
		]);
		expect(resultSetsOf(state)).toEqual({
			ok: ['n1'],
			failed: ['n2', 'n4', 'n6'],
			unreachable: ['n7'],
			skipped: ['n3'],
			// Only a start/stop/restart/reload that ended ok is a change; a status never is.
			changed: ['n1', 'n2', 'n3', 'n5'],
		});
	});

	it('hold no node whose tasks have not started', () => {
		const ev = eventBuilder();
		const state = stateOf([ev.runStarted([step(1, 'start', ['a'], ['n1', 'n2'])]), ev.stepStarted(1, ['n1', 'n2']), ev.started('n1', 1, 'a')]);
		expect(resultSetsOf(state)).toEqual(empty);
	});

	it('are written without leaving a file descriptor open', () => {
		const folder = path.join(dir, 'log_20260101_000000');
		mkdirSync(folder);
		const open = () => readdirSync('/proc/self/fd').length;
		const before = open();
		for (let index = 0; index < 20; index++) {
			writeResultSets(folder, initialRunState);
		}

		expect(open()).toBe(before);
	});

	it('are written with the run\'s id and outcome when known, and read back', () => {
		const ev = eventBuilder();
		const started = stateOf([ev.runStarted([step(1, 'start', ['a'], ['n1'])])]);
		mkdirSync(path.join(dir, 'log_20260101_000000'));
		writeResultSets(path.join(dir, 'log_20260101_000000'), started);
		const file = JSON.parse(readFileSync(path.join(dir, 'log_20260101_000000', 'results.json'), 'utf8')) as Record<string, unknown>;
		expect(file).toEqual({version: 1, run: 'log_20260101_000000', runId: 'run-1', sets: empty});
		writeResultSets(path.join(dir, 'log_20260101_000000'), initialRunState);
		expect(readFileSync(path.join(dir, 'log_20260101_000000', 'results.json'), 'utf8')).toBe(`${JSON.stringify({version: 1, run: 'log_20260101_000000', sets: empty})}\n`);
		const finished = stateOf([ev.runStarted([step(1, 'start', ['a'], ['n1'])]), ev.runFinished('ok')]);
		writeResultSets(path.join(dir, 'log_20260101_000000'), finished);
		expect(JSON.parse(readFileSync(path.join(dir, 'log_20260101_000000', 'results.json'), 'utf8'))).toMatchObject({runId: 'run-1', outcome: 'ok'});
	});
});

describe('the newest run', () => {
	it('is the latest by name, whatever order the file system lists the folders in', () => {
		// Many names, so no listing order (creation order, hash order or their reverse) happens to be the answer.
		const names = Array.from({length: 16}, (_, i) => `log_2026${String((i % 12) + 1).padStart(2, '0')}${String((i * 7 % 28) + 1).padStart(2, '0')}_${String(i * 3).padStart(2, '0')}0000`);
		// Made out of order too: listings often follow creation order.
		for (const index of [5, 12, 0, 9, 15, 3, 7, 1, 14, 10, 2, 8, 13, 4, 11, 6]) {
			run(names[index]!, {ok: [names[index]!]});
		}

		const newestFirst = [...names].sort().reverse();
		for (const newest of newestFirst.slice(0, 4)) {
			expect(readResultSets(dir).run).toBe(newest);
			rmSync(path.join(dir, newest), {recursive: true});
		}
	});

	it('is the latest folder name, and of two runs in one second the higher number', () => {
		run('log_20261201_101500', {ok: ['a']});
		run('log_20261201_101500_2', {ok: ['b']});
		run('log_20261201_101500_10', {ok: ['c']});
		run('log_20261201_101459_9', {ok: ['d']});
		run('log_20261130_235959', {ok: ['e']});
		expect(readResultSets(dir)).toEqual({run: 'log_20261201_101500_10', sets: {...empty, ok: ['c']}});
		rmSync(path.join(dir, 'log_20261201_101500_10'), {recursive: true});
		expect(readResultSets(dir).run).toBe('log_20261201_101500_2');
		rmSync(path.join(dir, 'log_20261201_101500_2'), {recursive: true});
		expect(readResultSets(dir).run).toBe('log_20261201_101500');
		rmSync(path.join(dir, 'log_20261201_101500'), {recursive: true});
		expect(readResultSets(dir).run).toBe('log_20261201_101459_9');
	});

	it('is never a folder not named as runs are', () => {
		run('log_20261201_101500', {ok: ['a']});
		run('log_20991201_101500x', {ok: ['x']});
		run('xlog_20991201_101500', {ok: ['x']});
		run('log_2099120_101500', {ok: ['x']});
		expect(readResultSets(dir).run).toBe('log_20261201_101500');
		expect(() => readResultSets(dir, 'log_20991201_101500x')).toThrow('"log_20991201_101500x" is not a run name');
		expect(() => readResultSets(path.join(dir, 'nosuch'))).toThrow(`no earlier run has results in ${path.join(dir, 'nosuch')}: @ok, @failed, @unreachable, @skipped, @changed name the nodes of a finished run; run something first, or give its --log-dir`);
	});
});

describe('a damaged result file', () => {
	it.each([
		['not JSON', '{', 'not valid JSON; remove it or repair it'],
		['another version', JSON.stringify({version: 2, sets: empty}), 'not a result file this svctui can read (version 1 expected)'],
		['no sets', JSON.stringify({version: 1}), 'not a result file this svctui can read (version 1 expected)'],
		['null sets', JSON.stringify({version: 1, sets: null}), 'not a result file this svctui can read (version 1 expected)'],
		['null', 'null', 'not a result file this svctui can read (version 1 expected)'],
		['a set missing', JSON.stringify({version: 1, sets: {ok: [], failed: [], unreachable: [], skipped: []}}), '"changed" is not a list of node names; remove the file or repair it'],
		['a set of numbers', JSON.stringify({version: 1, sets: {...empty, failed: ['n1', 2]}}), '"failed" is not a list of node names; remove the file or repair it'],
	])('is refused in one line naming the file: %s', (_name, text, reason) => {
		run('log_20261201_101500', text);
		const file = path.join(dir, 'log_20261201_101500', 'results.json');
		expect(() => readResultSets(dir)).toThrow(`${file}: ${reason}`);
		expect(() => readResultSets(dir, 'log_20261201_101500')).toThrow(`${file}: ${reason}`);
	});
});

describe('result sets as node groups', () => {
	it('read a named run once, the last run each time', () => {
		run('log_20261201_100000', {failed: ['n1']});
		const resolver = withResultSets(new GroupResolver([]), dir);
		expect(parseNodeSet('@failed:log_20261201_100000', {resolver}).fold()).toBe('n1');
		run('log_20261201_100000', {failed: ['n2']});
		expect(parseNodeSet('@failed:log_20261201_100000', {resolver}).fold()).toBe('n1');
		expect(parseNodeSet('@failed', {resolver}).fold()).toBe('n2');
	});

	it('come first among the sources; a configured source of the same name is replaced, others kept', () => {
		const resolver = withResultSets(new GroupResolver([staticGroupSource('site', {web: 'w1 w3', all: 'w1 w2'}), staticGroupSource('failed', {x: 'y'}), staticGroupSource('svctui', {z: 'z1'})]), dir);
		expect(resolver.sources()).toEqual(['svctui', 'site', 'ok', 'failed', 'unreachable', 'skipped', 'changed']);
		expect(resolver.defaultSource).toBe('svctui');
		// The default source's other groups, @*, and its list, through the overlay.
		expect(parseNodeSet('@web', {resolver}).fold()).toBe('w[1,3]');
		// The source's own all list, not the union of its groups.
		expect(parseNodeSet('@*', {resolver}).fold()).toBe('w[1-2]');
		expect(listGroups(resolver)).toEqual(['all', 'web']);
		// Per-run sources cannot be listed and have no all list.
		expect(resolver.source('ok').all()).toBeUndefined();
		expect(resolver.source('ok').list()).toBeUndefined();
	});

	it('without a configured default: only result sets, and other groups say there is no source', () => {
		const resolver = withResultSets(new GroupResolver([]), dir);
		expect(resolver.sources()).toEqual(['svctui', 'ok', 'failed', 'unreachable', 'skipped', 'changed']);
		expect(() => parseNodeSet('@web', {resolver})).toThrow(expect.objectContaining({input: '@web', part: '@web', kind: 'group', reason: 'no group source is configured'}));
		expect(() => resolver.source().map('web')).toThrow(expect.objectContaining({input: '<default>', part: '<default>', kind: 'group'}));
		expect(() => parseNodeSet('@*', {resolver})).toThrow('no group source is configured');
		expect(() => listGroups(resolver)).toThrow('no group source is configured');
	});
});
