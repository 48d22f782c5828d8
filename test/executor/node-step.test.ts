import {describe, expect, it} from 'vitest';
import type {Action} from '../../source/executor/events.js';
import {NodePool} from '../../source/executor/node-pool.js';
import {noManagerReason, StepRunner, type StepSettings} from '../../source/executor/node-step.js';
import {ConnectError, type ExecChunk} from '../../source/ssh/transport.js';
import {step} from '../helpers/events.js';
import {eventLog, manualClock, scriptedSession, transportOf, type Mark, type ScriptedReply} from '../helpers/scripted-session.js';

// StepRunner on one node, with node scripts answered chunk by chunk (issue 9 item 6): the ways a script can
// end short of its markers — no manager reported, a dependency or a service cut by the exec's timeout, the
// connection lost or the run aborted mid-item, a script that exits before its first item — and what each
// task then says. one-exec.test.ts runs whole scripts on simulated nodes; this pins the edges.

const exit = (exitCode: number | null, signal: string | null = null): ExecChunk => ({kind: 'exit', exitCode, signal});
const out = (...lines: string[]): ExecChunk => ({kind: 'output', stream: 'stdout', lines});

type Case = {
	readonly action?: Action;
	readonly services?: readonly string[];
	readonly depend?: readonly string[];
	readonly settings?: Partial<StepSettings>;
	/** Answers node scripts (`mark` writes their markers) and plain commands (verify's status checks). */
	readonly reply: (command: string, mark: Mark, time: {now: number}) => ScriptedReply;
	readonly abort?: AbortController;
};

async function runStep({action = 'start', services = ['a'], depend = [], settings = {}, reply, abort = new AbortController()}: Case) {
	const time = manualClock();
	const {events, emit} = eventLog();
	const session = scriptedSession('n1', (command, mark) => reply(command, mark, time));
	// A step with its own manager on a pool that knows it: no detection in the script (the pool's own is not folded).
	const manager = settings.manager ?? 'auto';
	const pool = new NodePool({transport: transportOf({n1: session}), emit, signal: abort.signal, manager, foldDetection: manager === 'auto'});
	const runner = new StepRunner(
		step(1, action, services, ['n1'], depend),
		{sudo: false, timeoutMs: undefined, manager: 'auto', expect: undefined, verify: undefined, ...settings},
		{pool, emit, clock: time.clock, signal: abort.signal, sleep: time.sleep},
	);
	const results = await runner.onNode('n1');
	return {results, events, execs: session.execs, pool};
}

const brief = (results: ReadonlyArray<{service: string; outcome: string; reason?: string}>) => results.map(result => `${result.service} ${result.outcome}${result.reason === undefined ? '' : `: ${result.reason}`}`);

describe('StepRunner: a node script that ends short of its markers', () => {
	it.each<[string, ExecChunk, string]>([
		['an exit status', exit(1), 'exit 1'],
		['a signal', exit(null, 'KILL'), 'exit KILL'],
	])('a script that ends with %s before its first item fails every service, naming them, once (no second try)', async (_, end, said) => {
		const {results, execs} = await runStep({services: ['a', 'b'], reply: (_command, mark) => [...mark('manager systemd'), end]});
		expect(brief(results)).toEqual([`a failed: the node's command ended before a, b ran (${said})`, `b failed: the node's command ended before a, b ran (${said})`]);
		expect(execs).toHaveLength(1);
	});

	it('a script that exits without reporting a manager: the node has none (node-connected says so), the step is skipped', async () => {
		const {results, events} = await runStep({reply: () => [exit(0)]});
		expect(brief(results)).toEqual([`a skipped: ${noManagerReason}`]);
		expect(events.filter(event => event.type === 'node-connected')).toEqual([{type: 'node-connected', node: 'n1', latencyMs: 5, manager: 'none'}]);
	});

	it('a script that times out before reporting a manager: the node is lost, not "without a manager"', async () => {
		const {results, events, pool} = await runStep({reply: () => [{kind: 'timed-out', afterMs: 2000}]});
		const message = 'the node did not answer the service manager check within 2 s';
		expect(brief(results)).toEqual([`a unreachable: ${message}`]);
		expect(events.filter(event => event.type === 'node-unreachable')).toEqual([{type: 'node-unreachable', node: 'n1', reason: 'timeout', message}]);
		expect(pool.known('n1')?.kind).toBe('unreachable');
	});

	it('a dependency cut by the exec\'s timeout skips the step, saying how long its check ran', async () => {
		const {results} = await runStep({
			services: ['a'],
			depend: ['db'],
			settings: {timeoutMs: 4000},
			reply: (_command, mark, time) => [...mark('manager systemd'), ...mark('b 0'), () => {
				time.now += 1500;
			}, {kind: 'timed-out', afterMs: 18_000}],
		});
		expect(brief(results)).toEqual(['a skipped: dependency db: status check timed out after 1.5s']);
	});

	it('a service cut by the exec\'s timeout, several items watched: timed out after its own run time; the ones before keep their result', async () => {
		const {results, events} = await runStep({
			services: ['a', 'b'],
			settings: {timeoutMs: 1000},
			reply: (_command, mark, time) => [...mark('manager systemd'), ...mark('b 0'), ...mark('e 0 0'), ...mark('b 1'), () => {
				time.now += 700;
			}, {kind: 'timed-out', afterMs: 12_000}],
		});
		expect(brief(results)).toEqual(['a ok', 'b timed-out: timed out after 700ms']);
		expect(events.filter(event => event.type === 'command-timed-out')).toEqual([{type: 'command-timed-out', node: 'n1', step: 1, service: 'b', afterMs: 700}]);
	});

	it.each<[string, (mark: Mark) => ScriptedReply]>([
		['after its begin marker', mark => [...mark('manager systemd'), ...mark('b 0'), {kind: 'timed-out', afterMs: 3000}]],
		['before any marker (a slow login shell)', () => [{kind: 'timed-out', afterMs: 3000}]],
	])('one service cut by the exec\'s timeout %s: timed out after the exec\'s timeout', async (_, reply) => {
		const {results} = await runStep({action: 'restart', settings: {timeoutMs: 3000, manager: 'systemd'}, reply: (_command, mark) => reply(mark)});
		expect(brief(results)).toEqual(['a timed-out: timed out after 3s']);
	});

	it('gives the exec the step\'s timeout for one item, and room for every item and its grace when the script watches several', async () => {
		const ends = (mark: Mark, count: number) => [...mark('manager systemd'), ...Array.from({length: count}, (_, item) => [...mark(`b ${item}`), ...mark(`e ${item} 0`)]).flat(), exit(0)];
		expect((await runStep({settings: {timeoutMs: 2000}, reply: (_command, mark) => ends(mark, 1)})).execs.map(exec => exec.timeoutMs)).toEqual([2000]);
		expect((await runStep({services: ['a', 'b'], depend: ['db'], settings: {timeoutMs: 2000}, reply: (_command, mark) => ends(mark, 3)})).execs.map(exec => exec.timeoutMs)).toEqual([3 * 7000]);
		expect((await runStep({services: ['a', 'b'], reply: (_command, mark) => ends(mark, 2)})).execs.map(exec => exec.timeoutMs)).toEqual([undefined]);
	});

	it('a connection lost mid-item: that service and the rest are unreachable with the reason, the node marked lost once', async () => {
		const lost = new ConnectError('n1', 'protocol', 'n1: Connection lost before the command finished');
		const {results, events} = await runStep({services: ['a', 'b', 'c'], reply: (_command, mark) => [...mark('manager systemd'), ...mark('b 0'), ...mark('e 0 0'), ...mark('b 1'), lost]});
		const reason = 'Connection lost before the command finished';
		expect(brief(results)).toEqual(['a ok', `b unreachable: n1: ${reason}`, `c unreachable: ${reason}`]);
		expect(events.filter(event => event.type === 'node-unreachable')).toHaveLength(1);
	});

	it('a script whose channel closes without an exit status: the node is lost, saying so', async () => {
		const {results, events} = await runStep({services: ['a', 'b'], reply: (_command, mark) => [...mark('manager systemd'), ...mark('b 0')]});
		const reason = 'the command ended without an exit status (connection closed)';
		expect(brief(results)).toEqual([`a unreachable: ${reason}`, `b unreachable: ${reason}`]);
		expect(events.filter(event => event.type === 'node-unreachable')).toEqual([{type: 'node-unreachable', node: 'n1', reason: 'protocol', message: reason}]);
	});

	it('a connection that drops after an abort is the abort\'s doing: cancelled, the node not marked lost', async () => {
		const abort = new AbortController();
		const {results, events} = await runStep({
			abort,
			reply: (_command, mark) => [...mark('manager systemd'), ...mark('b 0'), () => {
				abort.abort();
			}, new ConnectError('n1', 'protocol', 'n1: closed')],
		});
		expect(brief(results)).toEqual(['a cancelled']);
		expect(events.filter(event => event.type === 'node-unreachable')).toEqual([]);
	});

	it('an abort mid-item cancels that service and the rest', async () => {
		const abort = new AbortController();
		const {results} = await runStep({
			services: ['a', 'b', 'c'],
			abort,
			reply: (_command, mark) => [...mark('manager systemd'), ...mark('b 0'), ...mark('e 0 0'), ...mark('b 1'), () => {
				abort.abort();
			}, exit(null, 'TERM')],
		});
		expect(brief(results)).toEqual(['a ok', 'b cancelled', 'c cancelled']);
	});
});

describe('StepRunner: what each item reports', () => {
	it('command-started carries the service\'s own command; output is a service\'s only between its markers', async () => {
		const {events} = await runStep({
			services: ['a', 'b'],
			depend: ['db'],
			reply: (_command, mark) => [
				...mark('manager systemd'),
				...mark('b 0'), out('db is running'), ...mark('e 0 0'),
				...mark('b 1'), out('starting a'), ...mark('e 1 0'),
				...mark('b 2'), out('starting b'), ...mark('e 2 0'),
				out('trailing noise'), exit(0),
			],
		});
		expect(events.filter(event => event.type === 'command-started').map(event => event.type === 'command-started' && event.command)).toEqual(['systemctl start -- a', 'systemctl start -- b']);
		expect(events.filter(event => event.type === 'command-output').map(event => event.type === 'command-output' && `${event.service}: ${event.lines.join('|')}`)).toEqual(['a: starting a', 'b: starting b']);
	});

	it.each<[Action, string, boolean]>([
		['start', '3', true],
		['start', '0', false],
		['stop', '0', true],
		['stop', '3', false],
	])('%s with the status before it exiting %s: changed %s', async (action, before, changed) => {
		const {events} = await runStep({action, reply: (_command, mark) => [...mark('manager systemd'), ...mark('b 0'), ...mark(`p 0 ${before}`), ...mark('e 0 0'), exit(0)]});
		expect(events.find(event => event.type === 'command-exited')).toMatchObject({service: 'a', outcome: 'ok', changed});
	});

	it('a failed action says nothing changed; an item that did not ask the status before says nothing about change', async () => {
		const failed = await runStep({reply: (_command, mark) => [...mark('manager systemd'), ...mark('b 0'), ...mark('p 0 3'), ...mark('e 0 1'), exit(0)]});
		expect(failed.events.find(event => event.type === 'command-exited')).toMatchObject({outcome: 'failed', changed: false});
		const unasked = await runStep({action: 'restart', reply: (_command, mark) => [...mark('manager systemd'), ...mark('b 0'), ...mark('e 0 0'), exit(0)]});
		expect(unasked.events.find(event => event.type === 'command-exited')).not.toHaveProperty('changed');
	});

	it.each<[string, ExecChunk[], number, string]>([
		['is not installed', [out('Unit db.service could not be found.')], 4, 'dependency db is not installed'],
		['is stopped', [out('     Active: inactive (dead)')], 3, 'dependency db is not running (inactive)'],
	])('a dependency that %s skips the step with that reason', async (_, output, code, reason) => {
		const {results} = await runStep({services: ['a', 'b'], depend: ['db'], reply: (_command, mark) => [...mark('manager systemd'), ...mark('b 0'), ...output, ...mark(`e 0 ${code}`), exit(0)]});
		expect(brief(results)).toEqual([`a skipped: ${reason}`, `b skipped: ${reason}`]);
	});

	it('a dependency check that itself fails (sudo refused) skips the step saying it could not be checked', async () => {
		const {results} = await runStep({
			depend: ['db'],
			settings: {sudo: true},
			reply: (_command, mark) => [...mark('manager systemd'), ...mark('b 0'), {kind: 'output', stream: 'stderr', lines: ['sudo: a password is required']}, ...mark('e 0 1'), exit(0)],
		});
		expect(results).toHaveLength(1);
		expect(results[0]?.reason).toMatch(/^dependency db could not be checked: /);
	});
});

describe('StepRunner: with verify, one script per service', () => {
	const settled = {timeoutMs: 1000, settleMs: 0};
	const statusActive: ExecChunk[] = [out('     Active: active (running)'), exit(0)];

	it('checks the dependencies in the first script only, then verifies each service before the next starts', async () => {
		const scripts: string[] = [];
		const {results, execs} = await runStep({
			services: ['a', 'b'],
			depend: ['db'],
			settings: {verify: settled},
			reply(command, mark) {
				if (!command.startsWith('m()')) return statusActive;
				scripts.push(command);
				const items = scripts.length === 1 ? ['b 0', 'e 0 0', 'b 1', 'e 1 0'] : ['b 0', 'e 0 0'];
				return [...(scripts.length === 1 ? mark('manager systemd') : []), ...items.flatMap(text => mark(text)), exit(0)];
			},
		});
		expect(brief(results)).toEqual(['a ok', 'b ok']);
		expect(scripts).toHaveLength(2);
		expect(scripts[0]).toContain('status -- db');
		expect(scripts[1]).not.toContain('status -- db');
		expect(execs.map(exec => (exec.command.startsWith('m()') ? 'script' : exec.command))).toEqual(['script', 'systemctl --no-pager --lines=0 status -- a', 'script', 'systemctl --no-pager --lines=0 status -- b']);
	});

	it('a service that fails verify keeps its failure with the time from its start to the verdict; a failed action is not verified', async () => {
		let scripts = 0;
		const {results, execs} = await runStep({
			action: 'restart',
			services: ['a', 'b'],
			settings: {verify: {timeoutMs: 0, settleMs: 0}, manager: 'systemd'},
			reply(command, mark, time) {
				if (!command.startsWith('m()')) {
					return [() => {
						time.now += 300;
					}, out('     Active: failed (Result: exit-code)'), exit(3)];
				}

				scripts++;
				return [...mark('b 0'), () => {
					time.now += 200;
				}, ...mark(scripts === 1 ? 'e 0 0' : 'e 0 1'), exit(0)];
			},
		});
		expect(brief(results)).toEqual(['a failed: verify: a not active within 0ms (failed)', 'b failed: exit code 1']);
		expect(results.map(result => result.durationMs)).toEqual([500, 200]);
		expect(execs.filter(exec => !exec.command.startsWith('m()'))).toHaveLength(1);
	});
});
