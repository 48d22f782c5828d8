import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, describe, expect, inject, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {cleanEnv, cliPath, finished, repoRoot, spawnCli, type CliResult} from '../helpers/cli.js';
import {hasStackTrace, recordFault} from '../helpers/faults.js';
import {labSsh, type LabInfo} from '../helpers/lab.js';
import pty from 'node-pty';
import {spawnInPty} from '../helpers/pty.js';

// The README's Reliability promises for logs, pipes and signals, each a `fault: ` scenario on the real
// local cluster (both node kinds): svctui ends within a bound, loses no result (the report has its RECAP,
// events.jsonl parses line by line and ends with run-finished) and never shows a stack trace.

const labs = inject('svctuiLabs');
const skipReason = labs.available ? undefined : labs.reason;

/** What a run's log holds: its parsed lines, or the first line that does not parse. */
type LogContents = {readonly events: readonly ExecutorEvent[]; readonly badLine?: string; readonly folder?: string};

function logFolders(logDir: string): string[] {
	return existsSync(logDir) ? readdirSync(logDir).filter(name => name.startsWith('log_')).map(name => path.join(logDir, name)) : [];
}

function readLog(logDir: string): LogContents {
	const [folder] = logFolders(logDir);
	if (folder === undefined) {
		return {events: [], badLine: '(no log folder)'};
	}

	const file = path.join(folder, 'events.jsonl');
	// The folder is made a moment before its files.
	const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
	const events: ExecutorEvent[] = [];
	if (text !== '' && !text.endsWith('\n')) {
		return {events, badLine: text.slice(text.lastIndexOf('\n') + 1), folder};
	}

	for (const line of text.split('\n').slice(0, -1)) {
		try {
			events.push(JSON.parse(line) as ExecutorEvent);
		} catch {
			return {events, badLine: line, folder};
		}
	}

	return {events, folder};
}

/** Every line parses and the last one is the run's end. */
function logComplete(log: LogContents): boolean {
	return log.badLine === undefined && log.events.at(-1)?.type === 'run-finished';
}

async function sleep(ms: number): Promise<void> {
	return new Promise(resolve => {
		setTimeout(resolve, ms);
	});
}

/** Resolves once `predicate` holds for the run's log (polled), or rejects after `timeoutMs`. */
async function waitForLog(logDir: string, predicate: (events: readonly ExecutorEvent[]) => boolean, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!predicate(readLog(logDir).events)) {
		if (Date.now() > deadline) {
			throw new Error(`the log in ${logDir} never showed what was awaited`);
		}

		// eslint-disable-next-line no-await-in-loop
		await sleep(50);
	}
}

type Bounded<T> = {readonly hung: boolean; readonly value?: T};

/** `work` within `ms`, else hung (and `onHung` cleans up, e.g. kills the process). */
async function within<T>(ms: number, work: Promise<T>, onHung: () => void): Promise<Bounded<T>> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<'hung'>(resolve => {
		timer = setTimeout(() => {
			resolve('hung');
		}, ms);
	});
	const outcome = await Promise.race([work, timeout]);
	clearTimeout(timer);
	if (outcome === 'hung') {
		onHung();
		return {hung: true};
	}

	return {hung: false, value: outcome};
}

const noResult: CliResult = {code: null, signal: null, stdout: '', stderr: ''};

/** Run a shell pipeline (`svctui … | head -1`), resolving with svctui's own exit code (PIPESTATUS[0]). */
async function pipeline(args: readonly string[], tail: string, env: NodeJS.ProcessEnv, boundMs: number): Promise<Bounded<CliResult>> {
	const quoted = [process.execPath, cliPath, ...args].map(word => `'${word.replaceAll("'", String.raw`'\''`)}'`).join(' ');
	const child = spawn('bash', ['-c', `${quoted} | ${tail}; exit "\${PIPESTATUS[0]}"`], {cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true});
	return within(boundMs, finished(child as Parameters<typeof finished>[0]), () => {
		process.kill(-child.pid!, 'SIGKILL');
	});
}

/** A tmpfs of `sizeKiB` under a fresh temp dir with `freeKiB` left free (the rest taken by a filler file). */
function smallDisk(sizeKiB: number, freeKiB: number): {readonly dir: string; dispose(): void} {
	const dir = mkdtempSync(path.join(tmpdir(), 'svctui-fulldisk-'));
	const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir], {encoding: 'utf8'});
	if (mounted.status !== 0) {
		throw new Error(`mount tmpfs failed: ${mounted.stderr}`);
	}

	const filler = sizeKiB - freeKiB;
	if (filler > 0) {
		writeFileSync(path.join(dir, 'filler'), Buffer.alloc(filler * 1024));
	}

	return {
		dir,
		dispose() {
			spawnSync('umount', [dir]);
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

/**
 * The CLI in a pseudo-terminal through node-pty itself: the shared helper cannot close the master side,
 * which is what a dropped ssh session does to a terminal (SIGHUP, then EIO on every write).
 */
function rawPty(args: readonly string[], env: NodeJS.ProcessEnv): {child: pty.IPty & {destroy(): void}; exited: Promise<{exitCode: number; signal?: number}>; waitFor(text: string): Promise<void>} {
	const child = pty.spawn(process.execPath, [...args], {name: 'xterm-256color', cols: 100, rows: 30, cwd: repoRoot, env: env as Record<string, string>}) as pty.IPty & {destroy(): void};
	let screen = '';
	child.onData(data => {
		screen += data;
	});
	const exited = new Promise<{exitCode: number; signal?: number}>(resolve => {
		child.onExit(resolve);
	});
	return {
		child,
		exited,
		async waitFor(text) {
			const deadline = Date.now() + 60_000;
			while (!screen.includes(text)) {
				if (Date.now() > deadline) {
					throw new Error(`never saw ${JSON.stringify(text)}`);
				}

				// eslint-disable-next-line no-await-in-loop
				await sleep(50);
			}
		},
	};
}

describe.skipIf(skipReason !== undefined)(`fault scenarios: logs, pipes, signals${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
	if (!labs.available) {
		return;
	}

	const plansDir = mkdtempSync(path.join(tmpdir(), 'svctui-fault-plans-'));
	/** Six status steps on every node: a log of about 10 KiB, harmless on any node. */
	const statusPlan = path.join(plansDir, 'status.yaml');
	writeFileSync(statusPlan, ['cron', 'ssh', 'cron', 'ssh', 'cron', 'ssh'].map(service => `- ${service}:\n    state: status\n    nodes: node[1-3]\n`).join(''));
	/** A step that ends, one that hangs on node1 until stopped, one that never starts when stopped. */
	const hangPlan = path.join(plansDir, 'hang.yaml');
	writeFileSync(hangPlan, '- cron:\n    state: status\n    nodes: node[1-3]\n- svhang:\n    state: start\n    nodes: node1\n- ssh:\n    state: status\n    nodes: node[1-3]\n');
	/** A step that takes two seconds on node1 and ends well, between two quick ones. */
	const slowPlan = path.join(plansDir, 'slow.yaml');
	writeFileSync(slowPlan, '- cron:\n    state: status\n    nodes: node[1-3]\n- svslow:\n    state: start\n    nodes: node1\n- ssh:\n    state: status\n    nodes: node[1-3]\n');
	afterAll(() => {
		rmSync(plansDir, {recursive: true, force: true});
	});

	/** `svslow start` sleeps two seconds and succeeds (an init script, or a systemd oneshot unit). */
	async function installSlow(lab: LabInfo): Promise<void> {
		const command =
			lab.kind === 'sysv'
				? `printf '%s' '#!/bin/sh\ncase "$1" in start) sleep 2 ;; *) exit 0 ;; esac\n' > /etc/init.d/svslow && chmod +x /etc/init.d/svslow`
				: "printf '[Service]\\nType=oneshot\\nExecStart=/bin/sleep 2\\n' > /etc/systemd/system/svslow.service && systemctl daemon-reload";
		expect((await labSsh(lab, 'node1', command)).code).toBe(0);
	}

	/**
	 * `svhang start` never ends by itself: a SysV init script that sleeps, or a systemd oneshot unit that
	 * sleeps (systemctl start waits for it). With `ignoreTerm` the command ignores SIGTERM (the init
	 * script itself; on systemd nodes a `systemctl` in /usr/local/sbin that execs the real one with TERM
	 * ignored), so stopping it takes the wrapper's escalation to KILL (3 s): time for a second signal to land.
	 */
	async function installHang(lab: LabInfo, ignoreTerm = false): Promise<void> {
		const trap = ignoreTerm ? 'trap "" TERM; ' : '';
		const shim = String.raw`printf '#!/bin/sh
trap "" TERM
exec /bin/systemctl "$@"
' > /usr/local/sbin/systemctl && chmod +x /usr/local/sbin/systemctl`;
		const command =
			lab.kind === 'sysv'
				? `printf '%s' '#!/bin/sh
case "$1" in start) ${trap}exec sleep 4242 ;; status) exit 3 ;; *) exit 0 ;; esac
' > /etc/init.d/svhang && chmod +x /etc/init.d/svhang`
				: `printf '[Service]\nType=oneshot\nExecStart=/bin/sleep 4242\n' > /etc/systemd/system/svhang.service && systemctl daemon-reload${ignoreTerm ? ` && ${shim}` : ''}`;
		expect((await labSsh(lab, 'node1', command)).code).toBe(0);
	}

	/**
	 * Wait until svhang's `sleep 4242` runs on node1. The log's command-started comes when svctui sends the
	 * command, before the node's shell has run `trap "" TERM`: a signal sent at once could still end the command
	 * on TERM (seen once in CI: the first Ctrl-C finished the stop before the second arrived).
	 */
	async function waitForHangRunning(lab: LabInfo): Promise<void> {
		// The bracket keeps grep from matching its own command line.
		const running = await labSsh(lab, 'node1', 'for i in $(seq 100); do ps -eo args | grep -q "[s]leep 4242" && exit 0; sleep 0.1; done; exit 1');
		expect(running.code).toBe(0);
	}

	/** Stop svhang and take it off the node: later files count on node1 not having it (it must be "not installed" there). */
	async function stopHang(lab: LabInfo): Promise<void> {
		await labSsh(
			lab,
			'node1',
			lab.kind === 'sysv'
				? 'pkill -KILL -x sleep; rm -f /etc/init.d/svhang; true'
				: 'rm -f /usr/local/sbin/systemctl; systemctl stop svhang; rm -f /etc/systemd/system/svhang.service; systemctl daemon-reload; true',
		);
	}

	describe.each([
		['systemd', labs.sd],
		['SysV', labs.sv],
	] as const)('%s nodes', (_kind, lab) => {
		afterEach(async () => {
			await stopHang(lab);
		});

		it('fault: log disk fills up during the run: told once, the run goes to its RECAP, every log line parses, exit 4', async context => {
			// 16 KiB with 8 KiB free: the first page takes events.jsonl, the second report.txt; one of them fills up
			// mid-run (which one depends on when each file asks for its next page: CI has seen both). The log stops whole.
			const disk = smallDisk(16, 8);
			try {
				const logDir = path.join(disk.dir, 'logs');
				const child = spawnCli(['--plan', statusPlan, '--yes', '-F', lab.sshConfig, '--log-dir', logDir], cleanEnv());
				child.stdin.end();
				const run = await within(60_000, finished(child), () => child.kill('SIGKILL'));
				const result = run.value ?? noResult;
				const log = readLog(logDir);
				const recap = /^RECAP\n(?:\d+ status (?:cron|ssh) +: +running=3 .*\n){6}$/m.test(result.stdout);
				recordFault(context, {hung: run.hung, lost: !recap || log.badLine !== undefined, stackTrace: hasStackTrace(result.stdout + result.stderr)});
				expect(result.code).toBe(4);
				expect(result.stdout).toContain('STEP 6 status ssh\n');
				expect(recap).toBe(true);
				// One line about the log, then the log's path marked incomplete; nothing else.
				expect(result.stderr).toMatch(/^svctui: the run log stopped at (?:events\.jsonl|report\.txt): ENOSPC: no space left on device, write; the run goes on and its report on stdout is complete, the log is not \(exit 4\)\nlog \(incomplete, ENOSPC\): \S+\n$/);
				expect(log.badLine).toBeUndefined();
				expect(log.events.length).toBeGreaterThan(5);
				expect(log.events.some(event => event.type === 'run-finished')).toBe(false);
			} finally {
				disk.dispose();
			}
		});

		it('fault: log folder removed mid-run: told once at the next step\'s end, the run goes to its RECAP, exit 4', async context => {
			await installSlow(lab);
			const env = cleanEnv();
			const logDir = path.join(env['XDG_STATE_HOME'] ?? '', 'svctui', 'logs');
			const child = spawnCli(['--plan', slowPlan, '--yes', '-F', lab.sshConfig], env);
			child.stdin.end();
			const done = finished(child);
			await waitForLog(logDir, events => events.some(event => event.type === 'command-started' && event.service === 'svslow'));
			rmSync(logDir, {recursive: true});
			const run = await within(30_000, done, () => child.kill('SIGKILL'));
			const result = run.value ?? noResult;
			const recap = /^RECAP\n1 status cron +: +running=3 .*\n2 start svslow +: +ok=1 .*\n3 status ssh +: +running=3 /m.test(result.stdout);
			// The log is gone by the test's own hand; what must not be lost is the report, and the exit code must say so.
			recordFault(context, {hung: run.hung, lost: !recap, stackTrace: hasStackTrace(result.stdout + result.stderr)});
			expect(result.code).toBe(4);
			expect(recap).toBe(true);
			expect(result.stderr).toMatch(/^svctui: the run log stopped at events\.jsonl: events\.jsonl was removed during the run; the run goes on and its report on stdout is complete, the log is not \(exit 4\)\nlog \(incomplete, ENOENT\): \S+\n$/);
		});

		it('fault: stdout closed (| head -1): the run goes on to the end, log complete, exit as the run went', async context => {
			const env = cleanEnv();
			const logDir = path.join(env['XDG_STATE_HOME'] ?? '', 'svctui', 'logs');
			const run = await pipeline(['--plan', statusPlan, '--yes', '-F', lab.sshConfig], 'head -1', env, 60_000);
			const result = run.value ?? noResult;
			const log = readLog(logDir);
			const report = log.folder === undefined ? '' : readFileSync(path.join(log.folder, 'report.txt'), 'utf8');
			recordFault(context, {hung: run.hung, lost: !logComplete(log) || !report.includes('RECAP\n'), stackTrace: hasStackTrace(result.stdout + result.stderr)});
			expect(result.stdout).toBe('STEP 1 status cron\n');
			expect(result.code).toBe(0);
			expect(result.stderr).toMatch(/^svctui: stdout closed \(EPIPE\); the run goes on, its report is in \S+\/report\.txt\nlog: \S+\n$/);
			expect(log.events.at(-1)).toMatchObject({type: 'run-finished', outcome: 'ok', counts: {ok: 18}});
			expect(report).toMatch(/^STEP 6 status ssh$/m);
		});

		it('fault: stdout closed (--json | head -c 10): the run goes on to the end, log complete', async context => {
			const env = cleanEnv();
			const logDir = path.join(env['XDG_STATE_HOME'] ?? '', 'svctui', 'logs');
			const run = await pipeline(['--plan', statusPlan, '--yes', '--json', '-F', lab.sshConfig], 'head -c 10', env, 60_000);
			const result = run.value ?? noResult;
			const log = readLog(logDir);
			recordFault(context, {hung: run.hung, lost: !logComplete(log), stackTrace: hasStackTrace(result.stdout + result.stderr)});
			expect(result.stdout).toBe('{"type":"r');
			expect(result.code).toBe(0);
			expect(result.stderr).toMatch(/^svctui: stdout closed \(EPIPE\); the run goes on/);
			expect(log.events.at(-1)).toMatchObject({type: 'run-finished', outcome: 'ok', counts: {ok: 18}});
		});

		it.for([
			['SIGINT', 130],
			['SIGTERM', 143],
			['SIGHUP', 129],
		] as const)('fault: %s mid-run, headless: running command stopped, RECAP (aborted), log ends with run-finished, exit %i', async ([signal, code], context) => {
			await installHang(lab);
			const env = cleanEnv();
			const logDir = path.join(env['XDG_STATE_HOME'] ?? '', 'svctui', 'logs');
			const child = spawnCli(['--plan', hangPlan, '--yes', '-F', lab.sshConfig], env);
			child.stdin.end();
			const done = finished(child);
			await waitForLog(logDir, events => events.some(event => event.type === 'command-started' && event.service === 'svhang'));
			child.kill(signal);
			const run = await within(20_000, done, () => child.kill('SIGKILL'));
			const result = run.value ?? noResult;
			const log = readLog(logDir);
			recordFault(context, {hung: run.hung, lost: !logComplete(log) || !result.stdout.includes('RECAP (aborted)\n'), stackTrace: hasStackTrace(result.stdout + result.stderr)});
			// After a SIGHUP the run ends by SIGHUP itself (a terminal that hung up cannot be restored); a shell shows 129 all the same.
			expect(signal === 'SIGHUP' ? 128 + (result.signal === 'SIGHUP' ? 1 : 0) : result.code).toBe(code);
			expect(result.stdout).toMatch(/^1 status cron +: +running=3 /m);
			expect(result.stdout).toMatch(/^2 start svhang +: .*cancelled=1/m);
			expect(log.events.at(-1)).toMatchObject({type: 'run-finished', outcome: 'aborted'});
		});

		it('fault: a second Ctrl-C, headless: quits at once, report and log still end with the RECAP and run-finished, exit 130', async context => {
			await installHang(lab, true);
			const env = cleanEnv();
			const logDir = path.join(env['XDG_STATE_HOME'] ?? '', 'svctui', 'logs');
			const child = spawnCli(['--plan', hangPlan, '--yes', '-F', lab.sshConfig], env);
			child.stdin.end();
			const done = finished(child);
			await waitForLog(logDir, events => events.some(event => event.type === 'command-started' && event.service === 'svhang'));
			await waitForHangRunning(lab);
			child.kill('SIGINT');
			await sleep(300);
			child.kill('SIGINT');
			const run = await within(10_000, done, () => child.kill('SIGKILL'));
			const result = run.value ?? noResult;
			const log = readLog(logDir);
			recordFault(context, {hung: run.hung, lost: !logComplete(log) || !result.stdout.includes('RECAP (aborted)\n'), stackTrace: hasStackTrace(result.stdout + result.stderr)});
			expect(result.code).toBe(130);
			// The command ignores TERM: the first Ctrl-C is still stopping it when the second lands.
			expect(result.stderr).toMatch(/SIGINT again: quitting now; the log so far is in \S+\n$/);

			expect(result.stdout).toMatch(/^2 start svhang +: .*cancelled=1/m);
			expect(log.events.at(-1)).toMatchObject({type: 'run-finished', outcome: 'aborted'});
		});

		it('fault: the terminal of a headless run hangs up mid-run: run stopped, log ends with run-finished, ends by SIGHUP', async context => {
			await installHang(lab);
			const env = {...cleanEnv(), TERM: 'xterm-256color'};
			const logDir = path.join(env['XDG_STATE_HOME'] ?? '', 'svctui', 'logs');
			const terminal = rawPty([cliPath, '--plan', hangPlan, '--yes', '-F', lab.sshConfig], env);
			try {
				await waitForLog(logDir, events => events.some(event => event.type === 'command-started' && event.service === 'svhang'));
				terminal.child.destroy();
				const run = await within(20_000, terminal.exited, () => undefined);
				const log = readLog(logDir);
				recordFault(context, {hung: run.hung, lost: !logComplete(log), stackTrace: run.value?.signal === 6});
				expect(run.value).toEqual({exitCode: 0, signal: 1});
				expect(log.events.at(-1)).toMatchObject({type: 'run-finished', outcome: 'aborted'});
			} finally {
				terminal.child.kill('SIGKILL');
			}
		});

		it('fault: kill -9 mid-run leaves an events.jsonl whose every line parses', async context => {
			await installHang(lab);
			const env = cleanEnv();
			const logDir = path.join(env['XDG_STATE_HOME'] ?? '', 'svctui', 'logs');
			const child = spawnCli(['--plan', hangPlan, '--yes', '--json', '-F', lab.sshConfig], env);
			child.stdin.end();
			const done = finished(child);
			// Steps without rollout options do not wait for each other: node1 may start svhang before node2 and
			// node3 are done with cron, so wait for both.
			await waitForLog(logDir, events => events.some(event => event.type === 'command-started' && event.service === 'svhang') && events.filter(event => event.type === 'command-exited' && event.service === 'cron').length === 3);
			child.kill('SIGKILL');
			const run = await within(10_000, done, () => undefined);
			const log = readLog(logDir);
			// Killed: no run-finished can be expected, but nothing that was on disk may be torn.
			recordFault(context, {hung: run.hung, lost: log.badLine !== undefined, stackTrace: false});
			expect(run.value?.signal).toBe('SIGKILL');
			expect(log.badLine).toBeUndefined();
			expect(log.events.filter(event => event.type === 'command-exited' && event.service === 'cron')).toHaveLength(3);
		});

		describe('in the app (a real terminal)', () => {
			const appEnv = (): NodeJS.ProcessEnv => ({...cleanEnv(), TERM: 'xterm-256color', NO_COLOR: '1'});

			/** The app on the hang plan, run started with y, svhang running on node1. */
			async function appMidRun(ignoreTerm = false): Promise<{session: ReturnType<typeof spawnInPty>; logDir: string}> {
				await installHang(lab, ignoreTerm);
				const env = appEnv();
				const logDir = path.join(env['XDG_STATE_HOME'] ?? '', 'svctui', 'logs');
				const session = spawnInPty(process.execPath, [cliPath, '--plan', hangPlan, '-F', lab.sshConfig], {cwd: repoRoot, env, columns: 100, rows: 30});
				await session.waitForScreen(screen => screen.includes('y run'), 60_000);
				session.write('y');
				await waitForLog(logDir, events => events.some(event => event.type === 'command-started' && event.service === 'svhang'));
				return {session, logDir};
			}

			it.for([
				['SIGINT', 130],
				['SIGTERM', 143],
				['SIGHUP', 129],
			] as const)('fault: %s mid-run in the app: terminal restored, run stopped, log ends with run-finished, exit %i', async ([signal, code], context) => {
				const {session, logDir} = await appMidRun();
				try {
					process.kill(session.pid, signal);
					const run = await within(20_000, session.exited, () => session.kill());
					const screen = session.screen().join('\n');
					const log = readLog(logDir);
					recordFault(context, {hung: run.hung, lost: !logComplete(log), stackTrace: hasStackTrace(screen)});
					expect(run.value).toBe(code);
					expect(session.buffer()).toBe('normal');
					expect(log.events.at(-1)).toMatchObject({type: 'run-finished', outcome: 'aborted'});
				} finally {
					session.kill();
				}
			});

			it('fault: the terminal hangs up mid-run (pty master closed: SIGHUP, then EIO on every write): run stopped, log ends with run-finished, ends by SIGHUP', async context => {
				await installHang(lab);
				const env = appEnv();
				const logDir = path.join(env['XDG_STATE_HOME'] ?? '', 'svctui', 'logs');
				const terminal = rawPty([cliPath, '--plan', hangPlan, '-F', lab.sshConfig], env);
				try {
					await terminal.waitFor('y run');
					terminal.child.write('y');
					await waitForLog(logDir, events => events.some(event => event.type === 'command-started' && event.service === 'svhang'));
					terminal.child.destroy();
					const run = await within(20_000, terminal.exited, () => undefined);
					const log = readLog(logDir);
					// SIGABRT would be Node aborting with a native stack trace on the dead terminal.
					recordFault(context, {hung: run.hung, lost: !logComplete(log), stackTrace: run.value?.signal === 6});
					expect(run.value).toEqual({exitCode: 0, signal: 1});
					expect(log.events.at(-1)).toMatchObject({type: 'run-finished', outcome: 'aborted'});
				} finally {
					terminal.child.kill('SIGKILL');
				}
			});

			it.for(['SIGINT', 'SIGTERM'] as const)('fault: a second %s while the app stops its run: quits at once, terminal restored, log ends with run-finished', async (signal, context) => {
				const {session, logDir} = await appMidRun(true);
				try {
					process.kill(session.pid, signal);
					await sleep(300);
					process.kill(session.pid, signal);
					const run = await within(10_000, session.exited, () => session.kill());
					const screen = session.screen().join('\n');
					const log = readLog(logDir);
					recordFault(context, {hung: run.hung, lost: !logComplete(log), stackTrace: hasStackTrace(screen)});
					expect(run.value).toBe(signal === 'SIGINT' ? 130 : 143);
					expect(session.buffer()).toBe('normal');
					expect(log.events.at(-1)).toMatchObject({type: 'run-finished', outcome: 'aborted'});
				} finally {
					session.kill();
				}
			});

			// A second Ctrl-C on its own question means yes (it used to stack a second dialog, which then
			// swallowed q and kept the app from quitting).
			it('fault: Ctrl-C twice in the app mid-run (raw mode: keys, not signals): one abort question, the second Ctrl-C answers it, q quits, terminal restored', async context => {
				const {session, logDir} = await appMidRun();
				try {
					session.write('\u0003');
					await session.waitForScreen(screen => screen.includes('Abort the run?'));
					session.write('\u0003');
					const stopped = await within(20_000, waitForLog(logDir, events => events.at(-1)?.type === 'run-finished', 20_000), () => undefined);
					session.write('q');
					const run = await within(10_000, session.exited, () => session.kill());
					const screen = session.screen().join('\n');
					const log = readLog(logDir);
					recordFault(context, {hung: stopped.hung || run.hung, lost: !logComplete(log), stackTrace: hasStackTrace(screen)});
					expect(run.value).toBe(130);
					expect(session.buffer()).toBe('normal');
					expect(log.events.at(-1)).toMatchObject({type: 'run-finished', outcome: 'aborted'});
				} finally {
					session.kill();
				}
			});
		});
	});

	it('fault: log disk full before the run: one line, nothing runs, no node contacted, exit 2', async context => {
		const lab = labs.sv;
		const disk = smallDisk(4, 0);
		try {
			const before = (await labSsh(lab, 'node1', 'pidof cron')).stdout;
			const logDir = path.join(disk.dir, 'logs');
			const child = spawnCli(['run', 'node[1-3]', 'cron', 'restart', '--yes', '-F', lab.sshConfig, '--log-dir', logDir], cleanEnv());
			child.stdin.end();
			const run = await within(30_000, finished(child), () => child.kill('SIGKILL'));
			const result = run.value ?? noResult;
			// Nothing ran, so nothing can be lost: what counts is that no log folder pretends otherwise.
			recordFault(context, {hung: run.hung, lost: logFolders(logDir).length > 0, stackTrace: hasStackTrace(result.stdout + result.stderr)});
			expect(result.code).toBe(2);
			expect(result.stdout).toBe('');
			expect(result.stderr).toBe(`svctui: --log-dir ${logDir}: the file system is full (ENOSPC), so the run could not be logged and nothing was run; free some space or choose another directory with --log-dir\n`);
			expect((await labSsh(lab, 'node1', 'pidof cron')).stdout).toBe(before);
		} finally {
			disk.dispose();
		}
	});

});
