import {describe, expect, it} from 'vitest';
import {ExitCode, exitCodeFor, signalExitCode} from '../../source/report/exit-code.js';
import {counts} from '../helpers/events.js';

describe('exitCodeFor', () => {
	it.each([
		['all ok', 'ok', {ok: 5}, ExitCode.ok],
		['nothing to do', 'ok', {}, ExitCode.ok],
		['a failure', 'failed', {ok: 4, failed: 1}, ExitCode.nodesFailed],
		['a timeout', 'failed', {ok: 4, 'timed-out': 1}, ExitCode.nodesFailed],
		['a skip', 'failed', {ok: 4, skipped: 1}, ExitCode.nodesFailed],
		['unreachable only', 'failed', {ok: 4, unreachable: 1}, ExitCode.unreachable],
		['failed beats unreachable', 'failed', {failed: 1, unreachable: 3}, ExitCode.nodesFailed],
		['skipped beats unreachable (example2)', 'failed', {ok: 8, failed: 2, unreachable: 1, skipped: 2}, ExitCode.nodesFailed],
		['interrupted beats everything', 'aborted', {ok: 1, failed: 1, unreachable: 1, cancelled: 4}, ExitCode.interrupted],
		['interrupted with nothing done', 'aborted', {cancelled: 3}, ExitCode.interrupted],
	] as const)('%s → %i', (_name, outcome, partial, expected) => {
		expect(exitCodeFor({outcome, counts: counts(partial)})).toBe(expected);
	});

	it.each([
		['an incomplete log on an ok run', 'ok', {ok: 5}, ExitCode.logIncomplete],
		['an incomplete log beats a failure', 'failed', {ok: 4, failed: 1}, ExitCode.logIncomplete],
		['an incomplete log beats unreachable', 'failed', {ok: 4, unreachable: 1}, ExitCode.logIncomplete],
		['interrupted beats an incomplete log', 'aborted', {ok: 1, cancelled: 4}, ExitCode.interrupted],
	] as const)('%s → %i', (_name, outcome, partial, expected) => {
		expect(exitCodeFor({outcome, counts: counts(partial)}, {logComplete: false})).toBe(expected);
	});

	it('a rollout its canary stopped fails the run though no node failed; cancelled tasks without an abort are not ok', () => {
		const stopped = {step: 1, reason: 'canary-stopped', message: 'rejected'} as const;
		expect(exitCodeFor({outcome: 'failed', counts: counts({ok: 1, cancelled: 3}), stopped})).toBe(ExitCode.nodesFailed);
		expect(exitCodeFor({outcome: 'failed', counts: counts({ok: 1, unreachable: 1}), stopped})).toBe(ExitCode.unreachable);
		expect(exitCodeFor({outcome: 'ok', counts: counts({ok: 1, cancelled: 1})})).toBe(ExitCode.interrupted);
	});

	it('uses the documented numbers', () => {
		expect(ExitCode).toEqual({ok: 0, nodesFailed: 1, usage: 2, unreachable: 3, logIncomplete: 4, interrupted: 130});
	});
});

describe('signalExitCode', () => {
	it.each([
		['SIGINT', 130],
		['SIGTERM', 143],
		['SIGHUP', 129],
	] as const)('%s → %i', (signal, code) => {
		expect(signalExitCode(signal)).toBe(code);
	});
});
