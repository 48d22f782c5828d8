import {spawn, spawnSync, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, inject, it, type TestContext} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {cleanEnv, cliPath, finished, repoRoot, type CliResult} from '../helpers/cli.js';
import {shellQuote} from '../../source/ssh/remote-command.js';
import {hasStackTrace, recordFault} from '../helpers/faults.js';
import {labSsh, type LabInfo} from '../helpers/lab.js';
import {blackHole, cutNetwork, freezeNode, installHangService, killSshd, sshdService, stopHangService, throttleNode, waitForSsh} from '../helpers/node-faults.js';

/**
 * Faults on the nodes and between svctui and them, each on the local cluster with the built CLI, each with the
 * outcome it must end in, a time bound, and a check that the run's log is complete. Every scenario records its
 * verdict (hung, lost, stack trace) before asserting, so the suite's closing line counts it even when it fails.
 * A scenario undoes its fault in `finally`, and later tests find the node as it was.
 */

const labs = inject('svctuiLabs');
const skipReason = labs.available ? undefined : labs.reason;

/** The frozen and the slow node need the cgroup v1 freezer and cpu controllers (this host's hybrid layout). */
const noFreezer = !existsSync('/sys/fs/cgroup/freezer/cgroup.procs');
const noCpuController = !existsSync('/sys/fs/cgroup/cpu/cgroup.procs');

/** Folders the scenarios made for configs, keys and known_hosts: removed when the file is done. */
const tempDirs: string[] = [];
afterAll(() => {
	for (const dir of tempDirs) rmSync(dir, {recursive: true, force: true});
});

function tempDir(prefix: string): string {
	const dir = mkdtempSync(path.join(tmpdir(), prefix));
	tempDirs.push(dir);
	return dir;
}

/** The node every scenario breaks: the last one, so node1 (nginx, the jump host) stays as the other tests know it. */
const victim = 'node3';

type Child = ChildProcessWithoutNullStreams;

type Run = CliResult & {
	readonly elapsedMs: number;
	/** Did not end within the bound (it was then killed by PID). */
	readonly hung: boolean;
	readonly events: readonly ExecutorEvent[];
	readonly report: string;
	/** Why the log is incomplete, or undefined when it is complete. */
	readonly lost: string | undefined;
	/** Peak resident memory of the svctui process, in kB (its own `process.resourceUsage().maxRSS` at exit). */
	readonly maxRssKb: number | undefined;
};

type RunOptions = {
	readonly args: readonly string[];
	/** Milliseconds the run must end within. */
	readonly boundMs: number;
	/** Called with each event as svctui prints it (`--json`), e.g. to do the fault mid-command. */
	readonly onEvent?: (event: ExecutorEvent, child: Child) => void;
	/** `--json` on stdout (default); false keeps the text report there, for runs too large to hold as JSON. */
	readonly json?: boolean;
	readonly env?: NodeJS.ProcessEnv;
};

/** Preloaded into the CLI: writes its peak RSS to $SVCTUI_TEST_MAXRSS_FILE as it exits. */
const maxRssPreload = path.join(repoRoot, 'test', 'helpers', 'max-rss.cjs');

/** Run the CLI with a fresh `--log-dir`; kill it (by its PID) if it outlives the bound. */
async function runFault({args, boundMs, onEvent, json = true, env = cleanEnv()}: RunOptions): Promise<Run> {
	const logDir = mkdtempSync(path.join(tmpdir(), 'svctui-faultlog-'));
	const rssFile = path.join(logDir, 'maxrss');
	const started = Date.now();
	const child = spawn(process.execPath, ['--require', maxRssPreload, cliPath, ...args, ...(json ? ['--json'] : []), '--log-dir', logDir], {
		cwd: repoRoot,
		env: {...env, SVCTUI_TEST_MAXRSS_FILE: rssFile},
		stdio: 'pipe',
	});
	child.stdin.end();
	let buffered = '';
	if (json) {
		child.stdout.on('data', (chunk: Buffer) => {
			buffered += chunk.toString();
			const lines = buffered.split('\n');
			buffered = lines.pop() ?? '';
			for (const line of lines) {
				try {
					onEvent?.(JSON.parse(line) as ExecutorEvent, child);
				} catch {}
			}
		});
	}

	let hung = false;
	const timer = setTimeout(() => {
		hung = true;
		child.kill('SIGKILL');
	}, boundMs);
	const result = await finished(child);
	clearTimeout(timer);
	const elapsedMs = Date.now() - started;
	const {events, report, lost} = readLog(logDir);
	let maxRssKb: number | undefined;
	try {
		maxRssKb = Number(readFileSync(rssFile, 'utf8'));
	} catch {}

	rmSync(logDir, {recursive: true, force: true});
	return {...result, elapsedMs, hung, events, report, lost, maxRssKb};
}

/**
 * The run's log folder: every line of events.jsonl parses, the last one is `run-finished`, its counts cover every
 * task of the plan, every node that was not cancelled has an outcome event, and report.txt ends with the recap.
 */
function readLog(logDir: string): {events: ExecutorEvent[]; report: string; lost: string | undefined} {
	const [folder] = readdirSync(logDir);
	if (folder === undefined) return {events: [], report: '', lost: 'no log folder'};
	const text = readFileSync(path.join(logDir, folder, 'events.jsonl'), 'utf8');
	const report = readFileSync(path.join(logDir, folder, 'report.txt'), 'utf8');
	const events: ExecutorEvent[] = [];
	for (const [index, line] of text.split('\n').entries()) {
		if (line === '') continue;
		try {
			const event = JSON.parse(line) as ExecutorEvent;
			// Output is checked for parsing only: a 100 MB run's lines are not kept in the test's memory.
			if (event.type !== 'command-output') events.push(event);
		} catch {
			return {events, report, lost: `events.jsonl line ${index + 1} does not parse`};
		}
	}

	const first = events[0];
	const last = events.at(-1);
	if (first?.type !== 'run-started') return {events, report, lost: 'no run-started record'};
	if (last?.type !== 'run-finished') return {events, report, lost: 'no run-finished record'};
	const tasks = first.steps.reduce((sum, step) => sum + step.nodes.length * step.services.length, 0);
	const counted = Object.values(last.counts).reduce((sum, count) => sum + count, 0);
	if (counted !== tasks) return {events, report, lost: `run-finished counts ${counted} tasks of ${tasks}`};
	const ended = new Set(
		events.flatMap(event =>
			event.type === 'node-unreachable' || event.type === 'command-exited' || event.type === 'command-timed-out' || event.type === 'task-skipped' ? [event.node] : [],
		),
	);
	const silent = first.nodes.filter(node => !ended.has(node));
	if (silent.length > 0 && last.outcome !== 'aborted') return {events, report, lost: `no outcome for ${silent.join(', ')}`};
	if (!/^RECAP( \(aborted\))?$/m.test(report)) return {events, report, lost: 'report.txt has no RECAP'};
	return {events, report, lost: undefined};
}

/** Record the verdict on the test, then assert the three promises. */
function judge(context: TestContext, run: Run): void {
	const stackTrace = hasStackTrace(run.stdout + run.stderr);
	recordFault(context, {hung: run.hung, lost: run.lost !== undefined, stackTrace});
	const story = `${run.stderr}\n${run.events.map(event => `${event.at} ${event.type} ${'node' in event ? event.node : ''}`).join('\n')}`;
	expect(run.hung, `did not end within its bound (${run.elapsedMs} ms)\n${story}`).toBe(false);
	expect(run.lost, 'the log is incomplete').toBeUndefined();
	expect(stackTrace, run.stderr).toBe(false);
}

/** A copy of the lab's ssh_config, changed by `edit`, in a fresh folder. */
function configWith(lab: LabInfo, edit: (text: string) => string): string {
	const file = path.join(tempDir('svctui-faultcfg-'), 'ssh_config');
	writeFileSync(file, edit(readFileSync(lab.sshConfig, 'utf8')));
	return file;
}

/** `text` with `edit` applied to the Host block of `host` only (lab.sh writes blocks separated by a blank line). */
function withinHost(text: string, host: string, edit: (block: string) => string): string {
	return text
		.split('\n\n')
		.map(block => (block.startsWith(`Host ${host}\n`) ? edit(block) : block))
		.join('\n\n');
}

/** A fresh ed25519 key that no node has in its authorized_keys. */
function strangerKey(): string {
	const file = path.join(tempDir('svctui-faultkey-'), 'id_ed25519');
	const made = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], {encoding: 'utf8'});
	if (made.status !== 0) throw new Error(`ssh-keygen: ${made.stderr}`);
	return file;
}

describe.skipIf(skipReason !== undefined)('faults on the nodes and the network', () => {
	if (!labs.available) {
		it.skip(`lab unavailable: ${skipReason}`, () => undefined);
		return;
	}

	describe.each([
		['systemd', labs.sd],
		['SysV', labs.sv],
	] as const)('%s nodes', (_kind, lab) => {
		it.skipIf(noFreezer)('fault: a frozen node (every process stopped, TCP still open) ends TIMEOUT at --command-timeout, not at the keepalive; its next step is UNREACHABLE', async context => {
			await installHangService(lab, victim);
			let thaw: (() => void) | undefined;
			try {
				const run = await runFault({
					args: ['run', `node1,${victim}`, 'svhang', 'start', 'cron', 'status', '--yes', '--command-timeout', '2', '-F', lab.sshConfig],
					boundMs: 30_000,
					onEvent(event) {
						// A second in, the command's channel is open and the command runs: freeze it mid-command.
						if (event.type === 'command-started' && event.node === victim) {
							setTimeout(() => {
								thaw ??= freezeNode(lab, victim);
							}, 1000);
						}
					},
				});
				// From the command's start: the timeout, the node's grace to stop it (3 s), 2 s more to hear of it, slack.
				const started = run.events.find(event => event.type === 'command-started' && event.node === victim)?.at ?? 0;
				const timedOut = run.events.find(event => event.type === 'command-timed-out' && event.node === victim)?.at ?? Number.POSITIVE_INFINITY;
				judge(context, {...run, hung: run.hung || timedOut - started > 2000 + 5000 + 3000});
				expect(run.report).toMatch(new RegExp(`svhang {2}TIMEOUT (node\\[1,3\\]|${victim}): timed out after 2s`));
				// The connection it dropped is not used again: the node's later work is unreachable, the others' runs.
				expect(run.report).toMatch(/STEP 2 status cron\n {2}cron {2}RUNNING node1\n/);
				expect(run.report).toMatch(new RegExp(`cron {2}UNREACHABLE ${victim}: the node stopped answering`));
				expect(run.code).toBe(1);
			} finally {
				thaw?.();
				await waitForSsh(lab, victim);
				expect(await stopHangService(lab, victim)).toBe('');
				await stopHangService(lab, 'node1');
			}
		});

		it.skipIf(noFreezer)('fault: Ctrl-C with a frozen node exits 130 within two seconds, log complete', async context => {
			await installHangService(lab, victim);
			let thaw: (() => void) | undefined;
			let interruptedAt = 0;
			try {
				const run = await runFault({
					args: ['run', victim, 'svhang', 'start', '--yes', '-F', lab.sshConfig],
					boundMs: 30_000,
					onEvent(event, child) {
						if (event.type === 'command-started' && event.node === victim && thaw === undefined) {
							thaw = freezeNode(lab, victim);
							interruptedAt = Date.now();
							child.kill('SIGINT');
						}
					},
				});
				const afterInterrupt = Date.now() - interruptedAt;
				judge(context, {...run, hung: run.hung || afterInterrupt > 2500});
				expect(run.code).toBe(130);
				expect(run.events.at(-1)).toMatchObject({type: 'run-finished', outcome: 'aborted'});
			} finally {
				thaw?.();
				await waitForSsh(lab, victim);
				expect(await stopHangService(lab, victim)).toBe('');
			}
		});

		it('fault: a node down before the run (its link cut) is UNREACHABLE within --connect-timeout; the others run', async context => {
			const restore = cutNetwork(lab, victim);
			try {
				const run = await runFault({args: ['run', `node1,${victim}`, 'cron', 'status', '--connect-timeout', '2', '-F', lab.sshConfig], boundMs: 15_000});
				judge(context, run);
				expect(run.report).toMatch(/cron {2}RUNNING node1\n/);
				expect(run.report).toMatch(new RegExp(`cron {2}UNREACHABLE ${victim}: .*(within 2 s \\(--connect-timeout\\)|unreachable|timed out)`));
				expect(run.code).toBe(3);
			} finally {
				restore();
				await waitForSsh(lab, victim);
			}
		});

		it('fault: sshd killed mid-command makes the node UNREACHABLE (connection lost) at once; the others are reported', async context => {
			await installHangService(lab, victim);
			try {
				const run = await runFault({
					args: ['run', `node1,${victim}`, 'svhang', 'start', '--yes', '-F', lab.sshConfig],
					boundMs: 15_000,
					onEvent(event) {
						if (event.type === 'command-started' && event.node === victim) killSshd(lab, victim);
					},
				});
				judge(context, run);
				expect(run.report).toMatch(new RegExp(`svhang {2}UNREACHABLE ${victim}: .*connection lost`));
				expect(run.report).toMatch(/svhang {2}FAIL node1: not installed/);
				expect(run.code).toBe(1);
			} finally {
				// systemd restarts ssh.service by itself (Restart=on-failure); start is then a no-op.
				sshdService(lab, victim, 'start');
				await waitForSsh(lab, victim);
				expect(await stopHangService(lab, victim)).toBe('');
			}
		});

		it('fault: the network cut mid-command is noticed by the keepalive (ServerAliveInterval 1): UNREACHABLE in seconds', async context => {
			await installHangService(lab, victim);
			const config = configWith(lab, text => `Host *\n\tServerAliveInterval 1\n\tServerAliveCountMax 2\n\n${text}`);
			let restore: (() => void) | undefined;
			try {
				const run = await runFault({
					args: ['run', victim, 'svhang', 'start', '--yes', '-F', config],
					boundMs: 15_000,
					onEvent(event) {
						if (event.type === 'command-started' && event.node === victim) restore ??= cutNetwork(lab, victim);
					},
				});
				judge(context, run);
				expect(run.report).toMatch(new RegExp(`svhang {2}UNREACHABLE ${victim}: connection lost \\(Keepalive timeout\\)`));
				expect(run.code).toBe(3);
			} finally {
				restore?.();
				await waitForSsh(lab, victim);
				expect(await stopHangService(lab, victim)).toBe('');
			}
		});

		it.skipIf(noCpuController)('fault: a node 10x slower than the others (5 % of a CPU) still ends OK, and the fast ones do not wait for it', async context => {
			const restore = throttleNode(lab, victim, 5);
			try {
				// A connect timeout the slow handshake fits in: this scenario is about a slow node, not a lost one
				// (at the lab's 5 s ConnectTimeout the handshake alone sometimes did not fit, and it read as unreachable).
				const run = await runFault({args: ['run', 'node[1-3]', 'cron', 'status', '--connect-timeout', '30', '-F', lab.sshConfig], boundMs: 60_000});
				judge(context, run);
				expect(run.report).toMatch(/cron {2}RUNNING node\[1-3\]\n/);
				expect(run.code).toBe(0);
				const doneAt = (node: string) => run.events.find(event => event.type === 'command-exited' && event.node === node)?.at ?? 0;
				const startedAt = run.events[0]?.at ?? 0;
				const fast = Math.max(doneAt('node1'), doneAt('node2')) - startedAt;
				const slow = doneAt(victim) - startedAt;
				context.annotate(`fast nodes done after ${fast} ms, the throttled one after ${slow} ms`);
				expect(slow).toBeGreaterThan(3 * fast);
			} finally {
				restore();
			}
		});

		it('fault: a node printing 100 MB keeps svctui\'s memory bounded and the report says it cut the output', async context => {
			// The node's login shell (root's .bashrc, read for every ssh command) prints 100 MB before `cron status`.
			const hook = `case "$BASH_EXECUTION_STRING" in *cron*status*|*status*cron*) head -c 100000000 /dev/zero | tr '\\0' x | fold -w 99 ;; esac`;
			const installed = await labSsh(lab, victim, `cp /root/.bashrc /root/.bashrc.svctui-fault && printf '%s\\n' ${shellQuote(hook)} >> /root/.bashrc`);
			expect(installed.code, installed.stderr).toBe(0);
			try {
				const run = await runFault({args: ['run', victim, 'cron', 'status', '-F', lab.sshConfig], boundMs: 90_000, json: false});
				judge(context, run);
				expect(run.report).toMatch(new RegExp(`cron {2}RUNNING ${victim}\\n`));
				expect(run.report).toMatch(/\[svctui: \d+ earlier lines of this output not kept here; events.jsonl in the run log has every line received\]/);
				expect(run.stdout).toBe(run.report);
				context.annotate(`svctui peak RSS ${Math.round((run.maxRssKb ?? 0) / 1024)} MB for 100 MB of node output, in ${run.elapsedMs} ms`);
				expect(run.maxRssKb).toBeDefined();
				expect(run.maxRssKb).toBeLessThan(200 * 1024);
				expect(run.code).toBe(0);
			} finally {
				await labSsh(lab, victim, 'mv /root/.bashrc.svctui-fault /root/.bashrc');
			}
		});

		it('fault: authentication refused (a key the node does not know) is UNREACHABLE auth, at once', async context => {
			const config = configWith(lab, text => withinHost(text, victim, block => block.replace(`IdentityFile ${lab.identity}`, `IdentityFile ${strangerKey()}`)));
			const run = await runFault({args: ['run', `node1,${victim}`, 'cron', 'status', '-F', config], boundMs: 15_000});
			judge(context, run);
			expect(run.report).toMatch(new RegExp(`cron {2}UNREACHABLE ${victim}: authentication as root failed`));
			expect(run.report).toMatch(/cron {2}RUNNING node1\n/);
			expect(run.code).toBe(3);
		});

		it('fault: a changed host key is refused (UNREACHABLE host-key), never connected to', async context => {
			const lines = readFileSync(lab.knownHosts, 'utf8').split('\n');
			const otherKey = lines.find(line => line.startsWith('node1,'))?.split(' ').slice(1).join(' ') ?? '';
			const knownHosts = path.join(tempDir('svctui-faultkh-'), 'known_hosts');
			writeFileSync(knownHosts, lines.map(line => (line.startsWith(`${victim},`) ? `${line.split(' ')[0]} ${otherKey}` : line)).join('\n'));
			const config = configWith(lab, text => text.replaceAll(lab.knownHosts, knownHosts));
			const run = await runFault({args: ['run', `node1,${victim}`, 'cron', 'status', '--accept-new', '-F', config], boundMs: 15_000});
			judge(context, run);
			expect(run.report).toMatch(new RegExp(`cron {2}UNREACHABLE ${victim}: HOST KEY CHANGED`));
			expect(run.code).toBe(3);
		});

		it('fault: the ProxyJump host down makes the nodes behind it UNREACHABLE within --connect-timeout; direct nodes run', async context => {
			const config = configWith(lab, text => text.replace(/^Host node2\n/m, `Host node2\n\tProxyJump ${victim}\n`));
			const restore = cutNetwork(lab, victim);
			try {
				const run = await runFault({args: ['run', 'node[1-2]', 'cron', 'status', '--connect-timeout', '2', '-F', config], boundMs: 15_000});
				judge(context, run);
				expect(run.report).toMatch(new RegExp(`cron {2}UNREACHABLE node2: node2 \\(via jump host ${victim}\\)`));
				expect(run.report).toMatch(/cron {2}RUNNING node1\n/);
				expect(run.code).toBe(3);
			} finally {
				restore();
				await waitForSsh(lab, victim);
			}
		});
	});

	it('fault: a black hole (TCP accepted, not a word said) is UNREACHABLE timeout at --connect-timeout', async context => {
		const hole = await blackHole();
		try {
			const config = configWith(labs.sd, text => `Host hole\n\tHostName 127.0.0.1\n\tPort ${hole.port}\n\n${text}`);
			const run = await runFault({args: ['run', 'node1,hole', 'cron', 'status', '--connect-timeout', '2', '-F', config], boundMs: 15_000});
			judge(context, run);
			expect(run.report).toMatch(/cron {2}UNREACHABLE hole: 127\.0\.0\.1:\d+ did not complete the SSH handshake within 2 s \(--connect-timeout\)/);
			expect(run.report).toMatch(/cron {2}RUNNING node1\n/);
			expect(run.code).toBe(3);
			const started = run.events.find(event => event.type === 'node-connecting' && event.node === 'hole')?.at ?? 0;
			const unreachable = run.events.find(event => event.type === 'node-unreachable' && event.node === 'hole')?.at ?? 0;
			expect(unreachable - started).toBeLessThan(4000);
		} finally {
			await hole.stop();
		}
	});

	it('fault: Ctrl-C while connecting to a black hole exits 130 within two seconds, not at the connect timeout', async context => {
		const hole = await blackHole();
		let interruptedAt = 0;
		try {
			const config = configWith(labs.sd, text => `Host hole\n\tHostName 127.0.0.1\n\tPort ${hole.port}\n\n${text}`);
			const run = await runFault({
				args: ['run', 'hole', 'cron', 'status', '--connect-timeout', '20', '-F', config],
				boundMs: 30_000,
				onEvent(event, child) {
					if (event.type === 'node-connecting' && interruptedAt === 0) {
						interruptedAt = Date.now();
						setTimeout(() => child.kill('SIGINT'), 300);
					}
				},
			});
			const afterInterrupt = Date.now() - interruptedAt - 300;
			judge(context, {...run, hung: run.hung || afterInterrupt > 2500});
			expect(run.code).toBe(130);
			expect(run.events.at(-1)).toMatchObject({type: 'run-finished', outcome: 'aborted'});
		} finally {
			await hole.stop();
		}
	});
});
