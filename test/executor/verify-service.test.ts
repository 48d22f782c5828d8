import {describe, expect, it} from 'vitest';
import {NodePool} from '../../source/executor/node-pool.js';
import {verifyService, verifyPollMs} from '../../source/executor/verify-service.js';
import type {VerifyOptions} from '../../source/plan/types.js';
import {ConnectError, type ExecChunk} from '../../source/ssh/transport.js';
import {step} from '../helpers/events.js';
import {eventLog, manualClock, scriptedSession, transportOf, type ScriptedReply} from '../helpers/scripted-session.js';

// verifyService on its own (issue 8's `verify`, issue 9 item 6): the status polling, the settle time, the
// health command, and how each way of ending reads. The e2e rollout suite runs it on real nodes; these pin
// its messages and timing exactly, with a clock that only the polling's sleeps move.

const active: ExecChunk[] = [{kind: 'output', stream: 'stdout', lines: ['● a.service - a', '     Active: active (running)']}, {kind: 'exit', exitCode: 0, signal: null}];
const inactive: ExecChunk[] = [{kind: 'output', stream: 'stdout', lines: ['● a.service - a', '     Active: inactive (dead)']}, {kind: 'exit', exitCode: 3, signal: null}];
const statusTimedOut: ExecChunk[] = [{kind: 'timed-out', afterMs: 500}];
const statusCommand = 'systemctl --no-pager --lines=0 status -- a';

/** Verify `a` on n1 (step 1, a start): `statuses` answer the polls in turn (the last one repeats); `health` the command. */
async function verify(options: Partial<VerifyOptions> & {sudo?: boolean; timeoutMs?: number}, statuses: ScriptedReply[], health?: ScriptedReply, abortOnSleep?: number) {
	const time = manualClock();
	const {events, emit} = eventLog();
	const controller = new AbortController();
	let polls = 0;
	const session = scriptedSession('n1', command => {
		if (command === statusCommand || command === `sudo -n ${statusCommand}`) {
			return statuses[Math.min(polls++, statuses.length - 1)]!;
		}

		return health ?? [];
	});
	const pool = new NodePool({transport: transportOf({n1: session}), emit, signal: controller.signal, manager: 'systemd'});
	let sleeps = 0;
	const sleep = async (ms: number, signal: AbortSignal) => {
		if (++sleeps === abortOnSleep) controller.abort();
		await time.sleep(ms, signal);
	};

	const verifyOptions: VerifyOptions = {timeoutMs: options.timeoutMs ?? 10_000, settleMs: options.settleMs ?? 2000, ...(options.command === undefined ? {} : {command: options.command})};
	const result = await verifyService(
		{pool, emit, clock: time.clock, signal: controller.signal, sleep, node: 'n1', session, manager: 'systemd', step: step(1, 'start', ['a'], ['n1']), sudo: options.sudo ?? false, timeoutMs: 700},
		'a',
		verifyOptions,
	);
	return {result, events, execs: session.execs, slept: time.slept, now: time.now};
}

describe('verifyService: polling the status until the service has stayed active for the settle time', () => {
	it('passes once the service has been active for settle: polls every second, the status under the step\'s own timeout', async () => {
		const {result, events, execs, slept} = await verify({settleMs: 2000}, [active]);
		expect(result).toBeUndefined();
		expect(execs).toEqual([0, 1, 2].map(() => ({command: statusCommand, timeoutMs: 700})));
		expect(slept).toEqual([verifyPollMs, verifyPollMs]);
		expect(events).toEqual([
			{type: 'verify-started', node: 'n1', step: 1, service: 'a'},
			{type: 'verify-finished', node: 'n1', step: 1, service: 'a', outcome: 'ok', durationMs: 2000},
		]);
	});

	it('counts the settle time from the first active status, not from the action', async () => {
		const {result, execs, now} = await verify({settleMs: 1000}, [inactive, inactive, active]);
		expect(result).toBeUndefined();
		expect(execs).toHaveLength(4);
		expect(now).toBe(3000);
	});

	it('asks the status through sudo -n when the step runs with sudo', async () => {
		const {execs} = await verify({settleMs: 0, sudo: true}, [active]);
		expect(execs).toEqual([{command: `sudo -n ${statusCommand}`, timeoutMs: 700}]);
	});

	it.each<[string, ScriptedReply[], Partial<VerifyOptions>, {reason: string; state?: string}]>([
		['the service is never active', [inactive], {timeoutMs: 3000}, {reason: 'verify: a not active within 3s (inactive)', state: 'inactive'}],
		['every status check times out', [statusTimedOut], {timeoutMs: 2500}, {reason: 'verify: a not active within 2.5s (status check timed out)'}],
		['the service was active, then stopped', [active, inactive], {}, {reason: 'verify: a was active, then inactive 1s after the start', state: 'inactive'}],
		['the service was active, then a status check timed out', [active, active, statusTimedOut], {settleMs: 5000}, {reason: 'verify: a was active, then its status check timed out 2s after the start'}],
		['the service was active, but not for settle within the timeout', [inactive, active], {timeoutMs: 3000, settleMs: 5000}, {reason: 'verify: a did not stay active for 5s within 3s', state: 'active'}],
	])('fails, and says why, when %s', async (_, statuses, options, expected) => {
		const {result, events} = await verify(options, statuses);
		expect(result).toEqual({outcome: 'failed', ...expected});
		expect(events.at(-1)).toMatchObject({type: 'verify-finished', outcome: 'failed', reason: expected.reason});
	});

	it('waits no longer than the deadline for its last poll', async () => {
		const {slept, execs} = await verify({timeoutMs: 2500}, [inactive]);
		expect(slept).toEqual([1000, 1000, 500]);
		expect(execs).toHaveLength(4);
	});

	it('a connection lost during a status check ends it as unreachable, the node marked lost, no verdict event', async () => {
		const lost = new ConnectError('n1', 'protocol', 'n1: connection lost');
		const {result, events} = await verify({}, [active, [lost]]);
		expect(result).toEqual({outcome: 'unreachable', reason: 'n1: connection lost'});
		expect(events.map(event => event.type)).toEqual(['verify-started', 'node-unreachable']);
	});

	it('an abort while it waits between checks cancels the task', async () => {
		const {result, events, execs} = await verify({}, [inactive], undefined, 2);
		expect(result).toEqual({outcome: 'cancelled'});
		expect(execs).toHaveLength(2);
		expect(events.map(event => event.type)).toEqual(['verify-started']);
	});
});

describe('verifyService: the plan\'s health command, once the service is settled', () => {
	const check = 'curl -fsS localhost/health';

	it('runs the command as written, under the verify timeout, and passes on exit 0', async () => {
		const {result, execs, events} = await verify({command: check, settleMs: 0, timeoutMs: 4000}, [active], [{kind: 'exit', exitCode: 0, signal: null}]);
		expect(result).toBeUndefined();
		expect(execs).toEqual([{command: statusCommand, timeoutMs: 700}, {command: check, timeoutMs: 4000}]);
		expect(events[0]).toEqual({type: 'verify-started', node: 'n1', step: 1, service: 'a', command: check});
		expect(events.at(-1)).toMatchObject({type: 'verify-finished', outcome: 'ok'});
	});

	it('is not run when the service never became active', async () => {
		const {execs} = await verify({command: check, timeoutMs: 1000}, [inactive]);
		expect(execs.map(exec => exec.command)).toEqual([statusCommand, statusCommand]);
	});

	it.each<[string, ScriptedReply, {outcome: string; reason?: string; state?: string}]>([
		['exits 1, quoting its last line', [{kind: 'output', stream: 'stderr', lines: ['curl: (7) failed', 'connection refused']}, {kind: 'exit', exitCode: 1, signal: null}], {outcome: 'failed', reason: 'verify: health command exited 1: connection refused', state: 'active'}],
		['exits 2 silently', [{kind: 'exit', exitCode: 2, signal: null}], {outcome: 'failed', reason: 'verify: health command exited 2', state: 'active'}],
		['is killed by a signal', [{kind: 'exit', exitCode: null, signal: 'KILL'}], {outcome: 'failed', reason: 'verify: health command exited KILL', state: 'active'}],
		['times out', [{kind: 'timed-out', afterMs: 4000}], {outcome: 'failed', reason: 'verify: health command timed out after 4s', state: 'active'}],
		['loses the connection', [new ConnectError('n1', 'protocol', 'n1: gone')], {outcome: 'unreachable', reason: 'n1: gone'}],
	])('a health command that %s', async (_, health, expected) => {
		const {result, events} = await verify({command: check, settleMs: 0, timeoutMs: 4000}, [active], health);
		expect(result).toEqual(expected);
		const verdicts = events.filter(event => event.type === 'verify-finished');
		expect(verdicts).toEqual(expected.outcome === 'failed' ? [{type: 'verify-finished', node: 'n1', step: 1, service: 'a', outcome: 'failed', reason: expected.reason, durationMs: 0}] : []);
	});

	it('a health command cut by an abort cancels the task', async () => {
		const time = manualClock();
		const {emit} = eventLog();
		const controller = new AbortController();
		const session = scriptedSession('n1', command => (command === 'check' ? [() => {
			controller.abort();
		}, {kind: 'exit', exitCode: null, signal: 'TERM'}] : active));
		const pool = new NodePool({transport: transportOf({n1: session}), emit, signal: controller.signal, manager: 'systemd'});
		const result = await verifyService(
			{pool, emit, clock: time.clock, signal: controller.signal, sleep: time.sleep, node: 'n1', session, manager: 'systemd', step: step(1, 'restart', ['a'], ['n1']), sudo: false, timeoutMs: undefined},
			'a',
			{timeoutMs: 1000, settleMs: 0, command: 'check'},
		);
		expect(result).toEqual({outcome: 'cancelled'});
	});
});
