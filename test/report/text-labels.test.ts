import {describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {reduceRun} from '../../source/store/reduce-run.js';
import {OutputLog} from '../../source/store/output-log.js';
import {initialRunState, type RunState} from '../../source/store/run-state.js';
import {renderRecap, renderStep, statusLabel} from '../../source/report/text.js';
import {eventBuilder, step} from '../helpers/events.js';

const stateOf = (events: readonly ExecutorEvent[]): RunState => events.reduce(reduceRun, initialRunState);

describe('the text report\'s words and colours', () => {
	it.each([
		['ok', 'OK', 'green'],
		['service-running', 'RUNNING', 'green'],
		['service-stopped', 'STOPPED', 'yellow'],
		['service-failed', 'FAILED-STATE', 'red'],
		['service-not-installed', 'NOT-INSTALLED', 'gray'],
		['failed', 'FAIL', 'red'],
		['timed-out', 'TIMEOUT', 'red'],
		['skipped', 'SKIP', 'yellow'],
		['unreachable', 'UNREACHABLE', 'magenta'],
		['cancelled', 'CANCELLED', 'gray'],
		['pending', 'PENDING', 'gray'],
		['connecting', 'PENDING', 'gray'],
		['running', 'PENDING', 'gray'],
	] as const)('%s is %s in %s', (status, text, colour) => {
		expect(statusLabel(status)).toEqual({text, colour});
	});

	it('paints each status of a step and its recap in its colour, the headings bold', () => {
		const ev = eventBuilder();
		const state = stateOf([
			ev.runStarted([step(1, 'restart', ['cron'], ['n1', 'n2', 'n3', 'n4', 'n5'], ['dbus'])]),
			ev.unreachable('n5'),
			ev.stepStarted(1, ['n1', 'n2', 'n3', 'n4', 'n5']),
			ev.exited('n1', 1, 'cron', 0),
			ev.exited('n2', 1, 'cron', 1, {reason: 'boom'}),
			ev.timedOut('n3', 1, 'cron'),
			ev.skipped('n4', 1, 'cron', 'dbus not running'),
			ev.stepFinished(1),
			ev.runFinished('aborted'),
		]);
		const colour = {color: true};
		expect(renderStep(state, new OutputLog(10), 1, colour)).toBe([
			'\u001B[1mSTEP 1 restart cron (depends on dbus)\u001B[0m',
			'  cron  \u001B[32mOK\u001B[0m n1',
			'  cron  \u001B[31mFAIL\u001B[0m n2: boom',
			'  cron  \u001B[31mTIMEOUT\u001B[0m n3: timed out after 30s',
			'  cron  \u001B[33mSKIP\u001B[0m n4: dbus not running',
			'  cron  \u001B[35mUNREACHABLE\u001B[0m n5: n5: could not resolve host name',
			'',
			'',
		].join('\n'));
		expect(renderRecap(state, colour)).toBe([
			'\u001B[1mRECAP (aborted)\u001B[0m',
			'1 restart cron  :  \u001B[32mok=1\u001B[0m  \u001B[31mfailed=1\u001B[0m  \u001B[31mtimed-out=1\u001B[0m  \u001B[33mskipped=1\u001B[0m  \u001B[35munreachable=1\u001B[0m  ok: n1  failed: n2  timed-out: n3  skipped: n4  unreachable: n5',
			'',
		].join('\n'));
		expect(renderRecap(state, {color: false})).toBe('RECAP (aborted)\n1 restart cron  :  ok=1  failed=1  timed-out=1  skipped=1  unreachable=1  ok: n1  failed: n2  timed-out: n3  skipped: n4  unreachable: n5\n');
	});

	it('names every dependency of a step, and paints a status query\'s states in their colours, zero counts plain', () => {
		const ev = eventBuilder();
		const state = stateOf([
			ev.runStarted([step(1, 'status', ['nginx'], ['n1', 'n2', 'n3', 'n4'], ['dbus', 'ssh'])]),
			ev.stepStarted(1, ['n1', 'n2', 'n3', 'n4']),
			ev.exited('n1', 1, 'nginx', 0, {state: 'active'}),
			ev.exited('n2', 1, 'nginx', 3, {outcome: 'ok', state: 'inactive'}),
			ev.exited('n3', 1, 'nginx', 3, {outcome: 'ok', state: 'failed'}),
			ev.exited('n4', 1, 'nginx', 4, {outcome: 'ok', state: 'not-installed'}),
			ev.stepFinished(1),
			ev.runFinished('ok'),
		]);
		expect(renderStep(state, new OutputLog(10), 1, {color: false}).split('\n')[0]).toBe('STEP 1 status nginx (depends on dbus, ssh)');
		expect(renderRecap(state, {color: true}).split('\n')[1]).toBe('1 status nginx  :  \u001B[32mrunning=1\u001B[0m  \u001B[33mstopped=1\u001B[0m  \u001B[31mfailed-state=1\u001B[0m  not-installed=1  failed=0  skipped=0  unreachable=0  running: n1  stopped: n2  failed-state: n3  not-installed: n4');
		const allStopped = stateOf([
			ev.runStarted([step(1, 'status', ['nginx'], ['n1'])]),
			ev.stepStarted(1, ['n1']),
			ev.exited('n1', 1, 'nginx', 3, {outcome: 'ok', state: 'inactive'}),
			ev.stepFinished(1),
			ev.runFinished('ok'),
		]);
		// In a status query, running takes ok's place among the counts always shown.
		expect(renderRecap(allStopped, {color: false})).toBe('RECAP\n1 status nginx  :  running=0  stopped=1  failed=0  skipped=0  unreachable=0  stopped: n1\n');
	});

	it('aligns the recap\'s columns across rows, and prints nothing for a step it does not know', () => {
		const ev = eventBuilder();
		const state = stateOf([
			ev.runStarted([step(1, 'start', ['a', 'longer-name'], ['n1', 'n2']), step(2, 'stop', ['b'], ['n1'])]),
			ev.stepStarted(1, ['n1', 'n2']),
			ev.exited('n1', 1, 'a', 0),
			ev.exited('n2', 1, 'a', 0),
			ev.exited('n1', 1, 'longer-name', 0),
			ev.exited('n2', 1, 'longer-name', 0),
			ev.stepFinished(1),
			ev.stepStarted(2, ['n1']),
			ev.exited('n1', 2, 'b', 1),
			ev.stepFinished(2),
			ev.runFinished('failed'),
		]);
		expect(renderRecap(state, {color: false})).toBe([
			'RECAP',
			'1 start a            :  ok=2  failed=0  skipped=0  unreachable=0  ok: n[1-2]',
			'1 start longer-name  :  ok=2  failed=0  skipped=0  unreachable=0  ok: n[1-2]',
			'2 stop b             :  ok=0  failed=1  skipped=0  unreachable=0  failed: n1',
			'',
		].join('\n'));
		expect(renderStep(state, new OutputLog(10), 9, {color: false})).toBe('');
	});
});
