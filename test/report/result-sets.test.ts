import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {runPlan} from '../../source/executor/run-plan.js';
import {GroupResolver, parseNodeSet, staticGroupSource} from '../../source/nodeset/index.js';
import {openRunLog} from '../../source/report/log-writer.js';
import {readResultSets, resultSetsOf, withResultSets} from '../../source/report/result-sets.js';
import {reduceRun} from '../../source/store/reduce-run.js';
import {initialRunState, type RunState} from '../../source/store/run-state.js';
import {FakeTransport, simulatedNode} from '../helpers/fake-transport.js';
import {step} from '../helpers/events.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'svctui-results-'));
});
afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

/** The ancestor's example2, over the fake transport: nginx on node1 only, node123 does not resolve. */
async function example2Events(): Promise<ExecutorEvent[]> {
	const transport = new FakeTransport({
		node1: simulatedNode('systemd', {cron: 'active', nginx: 'inactive'}),
		node2: simulatedNode('systemd', {cron: 'inactive'}),
		node3: simulatedNode('systemd', {cron: 'active'}),
		node4: simulatedNode('systemd', {cron: 'active'}),
		node123: {connectError: {reason: 'dns', message: 'node123: could not resolve host name'}},
	});
	const events: ExecutorEvent[] = [];
	await runPlan(
		[
			step(1, 'start', ['nginx'], ['node1', 'node2', 'node123']),
			step(2, 'restart', ['cron'], ['node1', 'node2', 'node3'], ['nginx']),
			step(3, 'status', ['cron'], ['node4']),
		],
		{transport, runId: 'r', planLabel: 'p', onEvent: event => events.push(event)},
	);
	return events;
}

function stateOf(events: readonly ExecutorEvent[]): RunState {
	return events.reduce(reduceRun, initialRunState);
}

/** A finished run logged in `dir` at `when`, as a real run leaves it. */
async function loggedRun(when: Date): Promise<string> {
	const log = openRunLog({dir, now: () => when});
	for (const event of await example2Events()) {
		log.onEvent(event);
	}

	log.close();
	return path.basename(log.path);
}

describe('result sets', () => {
	it('puts each node in one of ok, failed, unreachable, skipped by its worst task; changed apart', async () => {
		expect(resultSetsOf(stateOf(await example2Events()))).toEqual({
			// node1: nginx started, cron restarted. node2: nginx not installed (failed), so its cron step skipped.
			// node3: cron's dependency nginx is not installed there: skipped. node4: a status only.
			ok: ['node1', 'node4'],
			failed: ['node2'],
			unreachable: ['node123'],
			skipped: ['node3'],
			changed: ['node1'],
		});
	});

	it('count a start or stop as changed only when it changed the state; a restart or reload always', async () => {
		const transport = new FakeTransport({
			running: simulatedNode('systemd', {cron: 'active'}),
			stopped: simulatedNode('sysv', {cron: 'inactive'}),
			// The status asked before the action is the node's answer, not the simulated state.
			told: {...simulatedNode('systemd', {cron: 'active'}), statusBefore: () => 3},
		});
		const run = async (action: 'start' | 'stop' | 'restart' | 'reload') => {
			const events: ExecutorEvent[] = [];
			await runPlan([step(1, action, ['cron'], ['running', 'stopped', 'told'])], {transport, runId: 'r', planLabel: 'p', onEvent: event => events.push(event)});
			return events;
		};

		// Each run leaves the services as it found them or changes them: start first, then stop, as a rollout would.
		const start = await run('start');
		expect(start.filter(event => event.type === 'command-exited').map(event => [event.node, event.changed])).toEqual(expect.arrayContaining([['running', false], ['stopped', true], ['told', true]]));
		expect(resultSetsOf(stateOf(start)).changed).toEqual(['stopped', 'told']);
		// All running now: a start changes nothing, a stop changes all.
		expect(resultSetsOf(stateOf(await run('start'))).changed).toEqual(['told']);
		expect(resultSetsOf(stateOf(await run('stop'))).changed).toEqual(['running', 'stopped']);
		// All stopped (told's status still says 3: not running before a stop).
		expect(resultSetsOf(stateOf(await run('stop'))).changed).toEqual([]);
		expect(resultSetsOf(stateOf(await run('restart'))).changed).toEqual(['running', 'stopped', 'told']);
		const reload = await run('reload');
		expect(reload.some(event => event.type === 'command-exited' && event.changed !== undefined)).toBe(false);
		expect(resultSetsOf(stateOf(reload)).changed).toEqual(['running', 'stopped', 'told']);
	});

	it('count a start or stop without the changed flag (events of an older svctui) as before: changed when ok', async () => {
		const transport = new FakeTransport({running: simulatedNode('systemd', {cron: 'active'}), missing: simulatedNode('systemd', {})});
		const events: ExecutorEvent[] = [];
		await runPlan([step(1, 'start', ['cron'], ['running', 'missing'])], {transport, runId: 'r', planLabel: 'p', onEvent: event => events.push(event)});
		expect(resultSetsOf(stateOf(events)).changed).toEqual([]);
		const older = events.map(event => {
			if (event.type !== 'command-exited') {
				return event;
			}

			const {changed: _, ...rest} = event;
			return rest;
		});
		expect(resultSetsOf(stateOf(older)).changed).toEqual(['running']);
	});

	it('are written into the run log folder when the run ends, and read back by name or as the newest', async () => {
		const first = await loggedRun(new Date(2026, 11, 1, 10, 15, 0));
		const second = await loggedRun(new Date(2026, 11, 1, 10, 15, 0));
		expect([first, second]).toEqual(['log_20261201_101500', 'log_20261201_101500_2']);
		// A newer folder without results (a run still going, or killed) is passed over.
		mkdirSync(path.join(dir, 'log_20261201_101501'));
		expect(readdirSync(path.join(dir, second)).sort()).toEqual(['events.jsonl', 'report.txt', 'results.json']);
		expect(JSON.parse(readFileSync(path.join(dir, second, 'results.json'), 'utf8'))).toMatchObject({version: 1, run: second, sets: {failed: ['node2']}});
		expect(readResultSets(dir).run).toBe(second);
		expect(readResultSets(dir, first).sets.unreachable).toEqual(['node123']);
	});

	it('refuse, in one line, an unknown run, a name that is not a run, no run at all and a damaged file', async () => {
		expect(() => readResultSets(dir)).toThrow(/^no earlier run has results in .*: @ok, @failed, @unreachable, @skipped, @changed name the nodes of a finished run/);
		expect(() => readResultSets(dir, 'log_20200101_000000')).toThrow(/^run log_20200101_000000: no results in /);
		expect(() => readResultSets(dir, '../etc')).toThrow(/^"\.\.\/etc" is not a run name; runs are named like log_20261201_101500/);
		mkdirSync(path.join(dir, 'log_20261201_101500'));
		writeFileSync(path.join(dir, 'log_20261201_101500', 'results.json'), '{"version":1,"sets":{"ok":"node1"}}');
		expect(() => readResultSets(dir)).toThrow(/results\.json: "ok" is not a list of node names/);
	});

	it('are node groups: @failed (last run), @failed:RUN, in expressions, next to groups.conf groups', async () => {
		const older = await loggedRun(new Date(2026, 11, 1, 9, 0, 0));
		writeFileSync(path.join(dir, older, 'results.json'), JSON.stringify({version: 1, run: older, sets: {ok: [], failed: ['node7', 'node8'], unreachable: [], skipped: [], changed: []}}));
		await loggedRun(new Date(2026, 11, 1, 10, 0, 0));
		const groups = new GroupResolver([staticGroupSource('local', {web: 'node[1-3]', failed: 'site-group'})]);
		const resolver = withResultSets(groups, dir);
		const expand = (text: string) => parseNodeSet(text, {resolver}).expand();
		expect(expand('@failed')).toEqual(['node2']);
		expect(expand('@failed,@unreachable')).toEqual(['node2', 'node123']);
		expect(expand('@web!@ok')).toEqual(['node2', 'node3']);
		expect(expand(`@failed:${older}`)).toEqual(['node7', 'node8']);
		expect(expand(`@failed:${older}!node7`)).toEqual(['node8']);
		// The site's own group of that name stays reachable through its source.
		expect(expand('@local:failed')).toEqual(['site-group']);
		expect(expand('@web')).toEqual(['node1', 'node2', 'node3']);
	});

	it('work without any groups.conf, which still refuses other groups as before', async () => {
		await loggedRun(new Date(2026, 11, 1, 10, 0, 0));
		const resolver = withResultSets(new GroupResolver([]), dir);
		expect(parseNodeSet('@changed', {resolver}).expand()).toEqual(['node1']);
		expect(() => parseNodeSet('@web', {resolver}).expand()).toThrow(/no group source is configured/);
	});

	it('read nothing until one is named', () => {
		const resolver = withResultSets(new GroupResolver([]), path.join(dir, 'missing'));
		expect(parseNodeSet('node[1-2]', {resolver}).expand()).toEqual(['node1', 'node2']);
		expect(() => parseNodeSet('@failed', {resolver}).expand()).toThrow(/^no earlier run has results in/);
	});
});

describe('the last run', () => {
	it('is looked up again each time: a resolver kept by the app follows its new runs', async () => {
		await loggedRun(new Date(2026, 11, 1, 10, 0, 0));
		const resolver = withResultSets(new GroupResolver([]), dir);
		expect(parseNodeSet('@failed', {resolver}).expand()).toEqual(['node2']);
		const newer = path.join(dir, 'log_20261201_110000');
		mkdirSync(newer);
		writeFileSync(path.join(newer, 'results.json'), JSON.stringify({version: 1, run: 'log_20261201_110000', sets: {ok: [], failed: ['node9'], unreachable: [], skipped: [], changed: []}}));
		expect(parseNodeSet('@failed', {resolver}).expand()).toEqual(['node9']);
	});
});

describe('result sets beside a broken groups.conf', () => {
	it('plain node names never read groups.conf; the first @ does, and says what is wrong', () => {
		let reads = 0;
		const broken = GroupResolver.deferred(() => {
			reads++;
			throw new Error('groups.conf: default group source not found: "nope"');
		});
		const resolver = withResultSets(broken, mkdtempSync(path.join(tmpdir(), 'svctui-sets-')));
		expect(parseNodeSet('node[1-3]', {resolver}).size).toBe(3);
		expect(reads).toBe(0);
		expect(() => parseNodeSet('@web', {resolver})).toThrow(/nope/);
	});
});
