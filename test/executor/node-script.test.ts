import {spawn} from 'node:child_process';
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {buildNodeScript, markerPrefix, ScriptReader, scriptCommands, tailLines, type ItemEnd, type NodeScriptPlan} from '../../source/executor/node-script.js';
import {detectManagerAssignment, detectManagerCommand} from '../../source/executor/service-commands.js';
import {UserError} from '../../source/errors.js';
import {wrapRemoteCommand} from '../../source/ssh/remote-command.js';

const nonce = '0123abcd';
const marker = markerPrefix(nonce);

function plan(extra: Partial<NodeScriptPlan> = {}): NodeScriptPlan {
	return {detect: false, manager: 'systemd', action: 'restart', depend: [], services: ['cron'], sudo: false, nonce, ...extra};
}

/** Everything a reader reports, as readable lines. */
function record() {
	const log: string[] = [];
	const ends: Array<{item: number; end: ItemEnd; tail: readonly string[]}> = [];
	const reader = new ScriptReader(nonce, {
		onManager: manager => log.push(`manager ${manager}`),
		onBegin: item => log.push(`begin ${item}`),
		onOutput: (item, stream, lines) => log.push(`${item} ${stream} ${lines.join('|')}`),
		onEnd(item, end, tail) {
			ends.push({item, end, tail});
			log.push(`end ${item} ${end.kind === 'exited' ? `${end.exitCode} ${end.signal}` : 'timed-out'}`);
		},
	});
	return {reader, log, ends};
}

describe('buildNodeScript', () => {
	it('frames each item with markers on both streams and reads its status', () => {
		expect(buildNodeScript(plan())).toBe(
			`m() { echo "${marker}$1"; echo "${marker}$1" >&2; }; x=; trap 'x=1' TERM; [ -z "$x" ] || exit 143; m "b 0"; systemctl restart -- cron; s=$?; [ -z "$x" ] || exit 143; m "e 0 $s"`,
		);
	});

	it('checks dependencies first; one that is not running ends the script before any service', () => {
		const script = buildNodeScript(plan({depend: ['ssh'], services: ['a', 'b'], sudo: true, manager: 'sysv'}));
		expect(script).toContain('m "b 0"; sudo -n service ssh status; s=$?; [ -z "$x" ] || exit 143; m "e 0 $s"; [ $s = 0 ] || exit 0; [ -z "$x" ] || exit 143; m "b 1"; sudo -n service a restart; s=$?; [ -z "$x" ] || exit 143; m "e 1 $s"; [ -z "$x" ] || exit 143; m "b 2"; sudo -n service b restart');
		expect(script.match(/exit 0/g)).toHaveLength(1);
	});

	it('folds the detection in and picks the commands by the detected manager', () => {
		const script = buildNodeScript(plan({detect: true, manager: undefined, action: 'status'}));
		expect(script).toContain(`${detectManagerAssignment}; m "manager $M"; case $M in systemd) [ -z "$x" ] || exit 143; m "b 0"; systemctl --no-pager --lines=0 status -- cron;`);
		expect(script).toContain('sysv) [ -z "$x" ] || exit 143; m "b 0"; service cron status;');
		expect(script).toContain('openrc) [ -z "$x" ] || exit 143; m "b 0"; rc-service cron status;');
		expect(script.endsWith(';; esac')).toBe(true);
		// A forced manager with the detection still owed: the detection reports, the forced commands run.
		const forced = buildNodeScript(plan({detect: true, manager: 'openrc'}));
		expect(forced).toContain('m "manager $M"; [ -z "$x" ] || exit 143; m "b 0"; rc-service cron restart');
		expect(forced).not.toContain('case');
	});

	it('adds a watchdog per item only when an item timeout is asked for', () => {
		expect(buildNodeScript(plan())).not.toContain('w()');
		const script = buildNodeScript(plan({itemTimeoutMs: 1500, services: ['a', 'b']}));
		expect(script).toContain('sleep 1.5 >/dev/null 2>&1 & z=$! ;');
		expect(script).toContain('m "b 0"; w 0; systemctl restart -- a; s=$?; kill -USR1 $d 2>/dev/null; [ -z "$x" ] || exit 143; m "e 0 $s"');
		expect(script).toContain('m "b 1"; w 1; systemctl restart -- b;');
		// csh parses the outer command line too: every `!` is followed by a blank, and it is one line.
		expect(script).not.toMatch(/![^ ]/);
		expect(script).not.toContain('\n');
		expect(buildNodeScript(plan({itemTimeoutMs: 2000, services: ['a', 'b']}))).toContain('sleep 2 >');
	});

	it('asks the status before a start or stop, output dropped, its exit status in a p marker; never before other items', () => {
		expect(buildNodeScript(plan({action: 'start'}))).toContain('m "b 0"; systemctl --no-pager --lines=0 status -- cron >/dev/null 2>&1; m "p 0 $?"; systemctl start -- cron; s=$?');
		const stop = buildNodeScript(plan({action: 'stop', manager: 'sysv', sudo: true, depend: ['ssh'], services: ['a'], itemTimeoutMs: 1000}));
		// Inside the item, after its watchdog; the dependency check asks nothing before.
		expect(stop).toContain('m "b 1"; w 1; sudo -n service a status >/dev/null 2>&1; m "p 1 $?"; sudo -n service a stop; s=$?');
		expect(stop.match(/m "p /g)).toHaveLength(1);
		for (const action of ['restart', 'reload', 'status'] as const) {
			expect(buildNodeScript(plan({action}))).not.toContain('m "p');
		}

		expect(() => buildNodeScript(plan({action: 'start', services: ['a b']}))).toThrow(UserError);
	});

	it('refuses an unsafe name or nonce instead of building a command', () => {
		expect(() => buildNodeScript(plan({services: ['cron; reboot']}))).toThrow(UserError);
		expect(() => buildNodeScript(plan({depend: ['$(id)']}))).toThrow(UserError);
		expect(() => buildNodeScript(plan({nonce: 'x"; reboot'}))).toThrow(RangeError);
		expect(() => buildNodeScript(plan({nonce: ''}))).toThrow(RangeError);
	});

	it('lists the commands in item order, dependency checks first', () => {
		expect(scriptCommands({action: 'stop', depend: ['ssh'], services: ['a'], sudo: false}, 'openrc')).toEqual(['rc-service ssh status', 'rc-service a stop']);
	});

	it('keeps the detection the separate check uses in step with the folded one', () => {
		expect(detectManagerCommand).toBe('if [ -d /run/systemd/system ]; then echo systemd; elif [ -d /run/openrc ]; then echo openrc; elif command -v service >/dev/null 2>&1 || [ -x /usr/sbin/service ] || [ -x /sbin/service ]; then echo sysv; elif command -v rc-service >/dev/null 2>&1 || [ -x /sbin/rc-service ]; then echo openrc; else echo none; fi');
		expect(detectManagerAssignment).toBe(detectManagerCommand.replaceAll('echo ', 'M='));
	});
});

describe('ScriptReader', () => {
	it('gives each line to its item, per stream, and ends an item once both streams passed its end', () => {
		const {reader, log, ends} = record();
		reader.push('stdout', [`${marker}manager sysv`, `${marker}b 0`, 'a out', `${marker}e 0 3`, `${marker}b 1`, 'b out']);
		expect(log).toEqual(['manager sysv', 'begin 0', '0 stdout a out', 'begin 1', '1 stdout b out']);
		reader.push('stderr', [`${marker}manager sysv`, `${marker}b 0`, 'a err', `${marker}e 0 3`, `${marker}b 1`, 'b err', `${marker}e 1 0`]);
		expect(log.slice(5)).toEqual(['0 stderr a err', 'end 0 3 null', '1 stderr b err']);
		reader.push('stdout', [`${marker}e 1 0`]);
		expect(log.at(-1)).toBe('end 1 0 null');
		expect(ends.map(end => end.tail)).toEqual([['a out', 'a err'], ['b out', 'b err']]);
		expect(reader.manager).toBe('sysv');
		expect(reader.finish()).toBeUndefined();
		expect(reader.endOf(1)).toEqual({kind: 'exited', exitCode: 0, signal: null});
		expect(reader.begun(1)).toBe(true);
		expect(reader.begun(2)).toBe(false);
	});

	it('reads the status before an item from its p marker, the first stream that carries it', () => {
		const {reader, log} = record();
		reader.push('stdout', [`${marker}b 0`, `${marker}p 0 0`, `${marker}e 0 0`, `${marker}b 1`, `${marker}p 1 3`, `${marker}e 1 0`]);
		reader.push('stderr', [`${marker}b 0`, `${marker}p 0 3`, `${marker}e 0 0`]);
		expect(reader.runningBefore(0)).toBe(true);
		expect(reader.runningBefore(1)).toBe(false);
		expect(reader.runningBefore(2)).toBeUndefined();
		// Not output.
		expect(log.filter(line => line.includes('p '))).toEqual([]);
	});

	it('takes a marker glued to output without a final newline apart', () => {
		const {reader, log} = record();
		reader.push('stdout', [`${marker}b 0`, `no newline${marker}e 0 0`]);
		reader.push('stderr', [`${marker}b 0`, `${marker}e 0 0`]);
		expect(log).toEqual(['begin 0', '0 stdout no newline', 'end 0 0 null']);
	});

	it('reads a status of 129..192 as the signal that killed the item', () => {
		const {reader, ends} = record();
		reader.push('stdout', [`${marker}b 0`, `${marker}e 0 143`, `${marker}b 1`, `${marker}e 1 137`, `${marker}b 2`, `${marker}e 2 128`, `${marker}b 3`, `${marker}e 3 255`]);
		reader.push('stderr', [`${marker}e 0 143`, `${marker}e 1 137`, `${marker}e 2 128`, `${marker}e 3 255`]);
		expect(ends.map(end => end.end)).toEqual([
			{kind: 'exited', exitCode: null, signal: 'SIGTERM'},
			{kind: 'exited', exitCode: null, signal: 'SIGKILL'},
			{kind: 'exited', exitCode: 128, signal: null},
			{kind: 'exited', exitCode: 255, signal: null},
		]);
	});

	it('at the end, reports items whose status came on one stream only, and names the one cut short', () => {
		const {reader, log} = record();
		reader.push('stdout', [`${marker}b 0`, `${marker}e 0 0`, `${marker}b 1`, 'half']);
		expect(log).toEqual(['begin 0', 'begin 1', '1 stdout half']);
		expect(reader.endOf(0)).toBeUndefined();
		expect(reader.finish()).toBe(1);
		expect(log.at(-1)).toBe('end 0 0 null');
		expect(reader.tailOf(1)).toEqual(['half']);
	});

	it('reports a watchdog timeout as the item timing out', () => {
		const {reader, log} = record();
		reader.push('stdout', [`${marker}b 0`, `${marker}t 0`]);
		expect(reader.timedOut).toBe(0);
		expect(reader.finish()).toBeUndefined();
		expect(log).toEqual(['begin 0', 'end 0 timed-out']);
	});

	it('passes a line with another nonce, or an unknown marker word, through as output', () => {
		const {reader, log} = record();
		reader.push('stdout', ['::svctui:ffff:e 0 0', `${marker}zz 1`]);
		expect(log).toEqual(['0 stdout ::svctui:ffff:e 0 0', `0 stdout ${marker}zz 1`]);
		expect(reader.manager).toBeUndefined();
	});

	it('counts an unknown manager word as none, and the first manager marker only', () => {
		const {reader, log} = record();
		reader.push('stdout', [`${marker}manager launchd`]);
		reader.push('stderr', [`${marker}manager systemd`]);
		expect(log).toEqual(['manager none']);
	});

	it('keeps the last lines of each item only', () => {
		const {reader} = record();
		reader.push('stdout', [`${marker}b 0`, ...Array.from({length: tailLines + 5}, (_, index) => `line ${index}`)]);
		expect(reader.tailOf(0)).toHaveLength(tailLines);
		expect(reader.tailOf(0).at(-1)).toBe(`line ${tailLines + 4}`);
		expect(reader.tailOf(7)).toEqual([]);
	});
});

// The script through the real wrapper and a real /bin/sh, with stand-in managers on the PATH: what a node runs.
describe('a node script on a real shell', () => {
	const bin = mkdtempSync(path.join(tmpdir(), 'svctui-node-script-'));
	afterAll(() => {
		rmSync(bin, {recursive: true, force: true});
	});

	writeFileSync(path.join(bin, 'systemctl'), [
		'#!/bin/sh',
		'# systemctl ACTION -- NAME, or systemctl --no-pager --lines=0 status -- NAME',
		'eval "name=\\${$#}"',
		'case "$name" in',
		'  ok) echo "ok out"; echo "ok err" >&2; exit 0;;',
		'  stopped) echo "Active: inactive (dead)"; exit 3;;',
		'  missing) echo "Unit missing.service could not be found." >&2; exit 4;;',
		'  hang) trap "" TERM; sleep 30;;',
		'  slow) sleep 30;;',
		'  partial) printf "no newline"; exit 0;;',
		'  down) case "$*" in *status*) echo "down status"; exit 3;; *) echo "down started"; exit 0;; esac;;',
		'esac',
	].join('\n'));
	chmodSync(path.join(bin, 'systemctl'), 0o755);

	/** As sshd runs it: stdin stays open (its EOF would stop the command), both streams read separately. */
	async function runScript(scriptPlan: NodeScriptPlan) {
		const child = spawn('/bin/sh', ['-c', wrapRemoteCommand(buildNodeScript(scriptPlan))], {env: {PATH: `${bin}:/usr/bin:/bin`}});
		const result = {stdout: '', stderr: '', status: null as number | null, signal: null as string | null};
		child.stdout.on('data', (data: Buffer) => {
			result.stdout += data.toString();
		});
		child.stderr.on('data', (data: Buffer) => {
			result.stderr += data.toString();
		});
		[result.status, result.signal] = await new Promise<[number | null, string | null]>(resolve => {
			child.on('close', (code, signal) => resolve([code, signal]));
		});
		const {reader, log, ends} = record();
		reader.push('stdout', result.stdout.split('\n').filter(line => line !== ''));
		reader.push('stderr', result.stderr.split('\n').filter(line => line !== ''));
		const cut = reader.finish();
		return {result, log, ends, cut, reader};
	}

	it('reports each item with its own output and status', async () => {
		const {log, result} = await runScript(plan({services: ['ok', 'stopped', 'partial'], action: 'status'}));
		expect(result.status).toBe(0);
		expect(log).toEqual([
			'begin 0',
			'0 stdout ok out',
			'begin 1',
			'1 stdout Active: inactive (dead)',
			'begin 2',
			'2 stdout no newline',
			'0 stderr ok err',
			'end 0 0 null',
			'end 1 3 null',
			'end 2 0 null',
		]);
	});

	it('before a start, tells a running service from a stopped one, without the status output', async () => {
		const {log, reader} = await runScript(plan({action: 'start', services: ['ok', 'down']}));
		expect(reader.runningBefore(0)).toBe(true);
		expect(reader.runningBefore(1)).toBe(false);
		expect(log).toEqual(['begin 0', '0 stdout ok out', 'begin 1', '1 stdout down started', '0 stderr ok err', 'end 0 0 null', 'end 1 0 null']);
		const restart = await runScript(plan({action: 'restart', services: ['down']}));
		expect(restart.reader.runningBefore(0)).toBeUndefined();
	});

	it('detects the manager on the node and stops at a dependency that is not running', async () => {
		const {log, reader} = await runScript(plan({detect: true, manager: 'systemd', depend: ['missing'], services: ['ok']}));
		expect(reader.manager).toMatch(/^(systemd|sysv|openrc|none)$/);
		expect(log).toContain('end 0 4 null');
		expect(log).not.toContain('begin 1');
	});

	it('ends as soon as its last item does, however quickly the items end: no watchdog outlives its item', async () => {
		// An item that ends at once stops its watchdog before the watchdog's own trap is set: the script must
		// still end at once (the channel closes), with no timeout reported afterwards.
		for (let round = 0; round < 5; round++) {
			const started = Date.now();
			// eslint-disable-next-line no-await-in-loop
			const {log, result} = await runScript(plan({services: ['ok', 'ok', 'ok', 'ok', 'ok', 'ok'], action: 'status', itemTimeoutMs: 20_000}));
			expect(Date.now() - started).toBeLessThan(15_000);
			expect(result.status).toBe(0);
			expect(log.filter(line => line.startsWith('end'))).toEqual(['end 0 0 null', 'end 1 0 null', 'end 2 0 null', 'end 3 0 null', 'end 4 0 null', 'end 5 0 null']);
		}
	});

	it('a watchdog stops an item that runs too long, TERM first, KILL after the grace', async () => {
		const started = Date.now();
		const {result, log, reader} = await runScript(plan({services: ['slow', 'ok'], itemTimeoutMs: 300}));
		expect(reader.timedOut).toBe(0);
		// The shell says what it saw (`Terminated`), as the item's own output.
		expect(log[0]).toBe('begin 0');
		expect(log.at(-1)).toBe('end 0 timed-out');
		expect(log.filter(line => line.startsWith('begin'))).toHaveLength(1);
		expect(result.signal).toBe('SIGTERM');
		expect(Date.now() - started).toBeLessThan(3000);
		// One that ignores TERM dies of the wrapper's KILL, about killGraceSeconds later.
		const stubborn = await runScript(plan({services: ['hang', 'ok'], itemTimeoutMs: 300}));
		expect(stubborn.reader.timedOut).toBe(0);
		expect(stubborn.log).not.toContain('begin 1');
		expect(stubborn.result.signal).toBe('SIGKILL');
	}, 20_000);
});
