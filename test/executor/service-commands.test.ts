import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors.js';
import {
	assertValidServiceName,
	buildServiceCommand,
	classifyResult,
	isValidServiceName,
	parseDetectedManager,
	stateWord,
	type CommandResult,
	type ServiceManager,
} from '../../source/executor/service-commands.js';
import type {ServiceState} from '../../source/executor/events.js';
import type {Action} from '../../source/plan/types.js';

describe('service names', () => {
	it.each(['cron', 'nginx', 'ssh', 'getty@tty1', 'systemd-journald', 'php8.2-fpm', 'dbus.service', 'user@0', 'a:b', '_x'])('accepts %j', name => {
		expect(isValidServiceName(name)).toBe(true);
	});

	it.each([
		'',
		'-h',
		'.hidden',
		'cron; rm -rf /',
		'cron && reboot',
		'$(reboot)',
		'`id`',
		'a b',
		'a|b',
		'a>b',
		'nginx\n',
		'x\\x2d',
		"it's",
		'a"b',
		'a*',
		'a?',
		'~root',
		'a'.repeat(256),
	])('rejects %j', name => {
		expect(isValidServiceName(name)).toBe(false);
		expect(() => assertValidServiceName(name)).toThrow(UserError);
	});

	it('refuses to build a command from an unsafe name', () => {
		expect(() => buildServiceCommand('sysv', 'start', 'cron;reboot')).toThrow(/service "cron;reboot": not a valid service name/);
	});
});

describe('buildServiceCommand', () => {
	it.each<[ServiceManager, Action, boolean, string]>([
		['systemd', 'start', false, 'systemctl start -- cron'],
		['systemd', 'stop', false, 'systemctl stop -- cron'],
		['systemd', 'restart', true, 'sudo -n systemctl restart -- cron'],
		['systemd', 'reload', false, 'systemctl reload -- cron'],
		['systemd', 'status', false, 'systemctl --no-pager --lines=0 status -- cron'],
		['sysv', 'start', false, 'service cron start'],
		['sysv', 'status', true, 'sudo -n service cron status'],
		['openrc', 'reload', false, 'rc-service cron reload'],
		['openrc', 'stop', true, 'sudo -n rc-service cron stop'],
	])('%s %s (sudo %s) → %s', (manager, action, sudo, expected) => {
		expect(buildServiceCommand(manager, action, 'cron', {sudo})).toBe(expected);
	});
});

describe('parseDetectedManager', () => {
	it.each([
		[['systemd'], 'systemd'],
		[['', 'sysv '], 'sysv'],
		[['openrc'], 'openrc'],
		[['none'], 'none'],
		[['Welcome to node1', 'systemd'], 'none'],
		[[], 'none'],
	] as const)('%j → %s', (lines, expected) => {
		expect(parseDetectedManager(lines)).toBe(expected);
	});
});

describe('classifyResult', () => {
	it.each<[ServiceManager, Action, number | null, string[], CommandResult]>([
		// Systemd, exit codes measured on systemd 252 (TESTBED.md).
		['systemd', 'status', 0, ['     Active: active (running)'], {outcome: 'ok', state: 'active'}],
		['systemd', 'status', 3, ['     Active: inactive (dead)'], {outcome: 'ok', state: 'inactive'}],
		['systemd', 'status', 3, ['     Active: failed (Result: exit-code)'], {outcome: 'ok', state: 'failed'}],
		['systemd', 'status', 4, ['Unit nginx.service could not be found.'], {outcome: 'ok', state: 'not-installed'}],
		['systemd', 'start', 0, [], {outcome: 'ok', state: 'active'}],
		['systemd', 'stop', 0, [], {outcome: 'ok', state: 'inactive'}],
		['systemd', 'start', 5, ['Failed to start nginx.service: Unit nginx.service not found.'], {outcome: 'failed', state: 'not-installed', reason: 'not installed'}],
		['systemd', 'restart', 5, [], {outcome: 'failed', state: 'not-installed', reason: 'not installed'}],
		[
			'systemd',
			'reload',
			3,
			['Failed to reload cron.service: Job type reload is not applicable for unit cron.service.'],
			{outcome: 'failed', reason: 'reload is not supported by this unit (no ExecReload); use restart'},
		],
		[
			'systemd',
			'start',
			1,
			['Job for nginx.service failed because the control process exited with error code.', ''],
			{outcome: 'failed', reason: 'Job for nginx.service failed because the control process exited with error code.'},
		],
		['systemd', 'start', 1, ['sudo: a password is required'], {outcome: 'failed', state: 'unknown', reason: 'sudo needs a password; allow NOPASSWD for this command or log in as root'}],
		['systemd', 'start', 127, ['bash: line 1: systemctl: command not found'], {outcome: 'failed', state: 'unknown', reason: 'bash: line 1: systemctl: command not found'}],
		['systemd', 'start', null, [], {outcome: 'failed', state: 'unknown', reason: 'ended without an exit status'}],
		['systemd', 'stop', 2, [], {outcome: 'failed', reason: 'exit code 2'}],
		// SysV (Debian `service`, sysvinit-core).
		['sysv', 'status', 0, ['cron is running.'], {outcome: 'ok', state: 'active'}],
		['sysv', 'status', 3, ['cron is not running ... failed!'], {outcome: 'ok', state: 'inactive'}],
		['sysv', 'status', 1, ['nginx: unrecognized service'], {outcome: 'ok', state: 'not-installed'}],
		['sysv', 'status', 1, ['nginx is dead'], {outcome: 'ok', state: 'failed'}],
		['sysv', 'start', 1, ['nginx: unrecognized service'], {outcome: 'failed', state: 'not-installed', reason: 'not installed'}],
		['sysv', 'restart', 0, ['Restarting nginx: nginx.'], {outcome: 'ok', state: 'active'}],
		['sysv', 'status', 4, ['cannot tell'], {outcome: 'failed', state: 'unknown', reason: 'cannot tell'}],
		// OpenRC.
		['openrc', 'status', 0, [' * status: started'], {outcome: 'ok', state: 'active'}],
		['openrc', 'status', 3, [' * status: stopped'], {outcome: 'ok', state: 'inactive'}],
		['openrc', 'status', 32, [' * status: crashed'], {outcome: 'ok', state: 'failed'}],
		['openrc', 'start', 1, [" * rc-service: service `nginx' does not exist"], {outcome: 'failed', state: 'not-installed', reason: 'not installed'}],
		// Debian's OpenRC runs the packages' LSB scripts: measured on the lab's OpenRC nodes (0.45.2).
		['openrc', 'status', 0, ['cron is running.'], {outcome: 'ok', state: 'active'}],
		['openrc', 'status', 3, ['cron is not running ... failed!'], {outcome: 'ok', state: 'inactive'}],
		['openrc', 'status', 1, ['cron is not running ... failed!'], {outcome: 'ok', state: 'failed'}],
		['openrc', 'status', 1, [" * rc-service: service `nginx' does not exist"], {outcome: 'ok', state: 'not-installed'}],
		['openrc', 'reload', 1, [" * rc-service: service `nginx' does not exist"], {outcome: 'failed', state: 'not-installed', reason: 'not installed'}],
		['openrc', 'start', 0, ['Starting periodic command scheduler: cron.'], {outcome: 'ok', state: 'active'}],
		// Exit codes on their own, without the text that usually comes with them.
		['systemd', 'status', 4, [], {outcome: 'ok', state: 'not-installed'}],
		['systemd', 'stop', 5, [], {outcome: 'failed', state: 'not-installed', reason: 'not installed'}],
		['systemd', 'start', 4, ['no such thing'], {outcome: 'failed', reason: 'no such thing'}],
		['systemd', 'status', 5, [], {outcome: 'failed', state: 'unknown', reason: 'status exit code 5'}],
		['systemd', 'status', 1, ['  odd answer  ', '   ', ''], {outcome: 'failed', state: 'unknown', reason: 'odd answer'}],
		['systemd', 'status', 3, [], {outcome: 'ok', state: 'inactive'}],
		['systemd', 'reload', 0, [], {outcome: 'ok', state: 'active'}],
		['systemd', 'start', 1, ['Failed to start x: No such file or directory /etc/x.service'], {outcome: 'failed', state: 'not-installed', reason: 'not installed'}],
		['systemd', 'start', 1, ['sudo: a terminal is required to read the password'], {outcome: 'failed', state: 'unknown', reason: 'sudo needs a password; allow NOPASSWD for this command or log in as root'}],
		// What a failure says counts only when the command failed.
		['systemd', 'start', 0, ['sudo: a password is required', 'Unit x.service not found.'], {outcome: 'ok', state: 'active'}],
		['systemd', 'start', 127, [], {outcome: 'failed', state: 'unknown', reason: 'command not found (exit 127)'}],
		['sysv', 'status', 2, [], {outcome: 'ok', state: 'failed'}],
		['sysv', 'status', 5, [], {outcome: 'failed', state: 'unknown', reason: 'status exit code 5'}],
		['sysv', 'stop', 5, [], {outcome: 'failed', reason: 'exit code 5'}],
		// "Job type reload is not applicable" is systemd's reload answer; from anything else it is just output.
		['sysv', 'reload', 3, ['Job type reload is not applicable'], {outcome: 'failed', reason: 'Job type reload is not applicable'}],
		['systemd', 'restart', 3, ['Job type reload is not applicable'], {outcome: 'failed', reason: 'Job type reload is not applicable'}],
		['openrc', 'status', 2, [], {outcome: 'ok', state: 'failed'}],
		['openrc', 'status', 4, [], {outcome: 'failed', state: 'unknown', reason: 'status exit code 4'}],
		['openrc', 'status', 1, [], {outcome: 'ok', state: 'failed'}],
	])('%s %s exit %s %j', (manager, action, code, tail, expected) => {
		expect(classifyResult(manager, action, code, tail)).toEqual(expected);
	});

	it.each<[ServiceManager, number, string[], 'running' | 'stopped', CommandResult]>([
		['systemd', 0, ['     Active: active (running)'], 'running', {outcome: 'ok', state: 'active'}],
		['systemd', 3, ['     Active: inactive (dead)'], 'running', {outcome: 'failed', state: 'inactive', reason: 'stopped, expected running'}],
		['systemd', 3, ['     Active: failed (Result: exit-code)'], 'stopped', {outcome: 'failed', state: 'failed', reason: 'failed state, expected stopped'}],
		['sysv', 3, ['cron is not running ... failed!'], 'stopped', {outcome: 'ok', state: 'inactive'}],
		['sysv', 1, ['nginx: unrecognized service'], 'running', {outcome: 'failed', state: 'not-installed', reason: 'not installed, expected running'}],
		['openrc', 0, [' * status: started'], 'stopped', {outcome: 'failed', state: 'active', reason: 'running, expected stopped'}],
		['sysv', 4, ['cannot tell'], 'running', {outcome: 'failed', state: 'unknown', reason: 'cannot tell'}],
	])('%s status exit %s %j with --expect %s', (manager, code, tail, expected, result) => {
		expect(classifyResult(manager, 'status', code, tail, null, expected)).toEqual(result);
	});

	it('names the signal that killed a command', () => {
		expect(classifyResult('sysv', 'stop', null, [], 'SIGKILL')).toEqual({outcome: 'failed', state: 'unknown', reason: 'killed by SIGKILL'});
	});

	it('keeps a last line of exactly 200 characters whole', () => {
		expect(classifyResult('sysv', 'start', 1, ['y'.repeat(200)]).reason).toBe('y'.repeat(200));
		expect(classifyResult('sysv', 'start', 1, ['y'.repeat(201)]).reason).toBe(`${'y'.repeat(199)}…`);
	});

	it('shortens a very long last line', () => {
		const result = classifyResult('sysv', 'start', 1, ['x'.repeat(500)]);
		expect(result.reason).toHaveLength(200);
		expect(result.reason?.endsWith('…')).toBe(true);
	});
});

describe('stateWord', () => {
	it.each<[ServiceState, string]>([
		['active', 'running'],
		['inactive', 'stopped'],
		['failed', 'failed state'],
		['not-installed', 'not installed'],
		['unknown', 'unknown'],
	])('%s reads %j', (state, word) => {
		expect(stateWord(state)).toBe(word);
	});
});
