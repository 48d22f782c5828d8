import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, inject, it, type TestContext} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {cleanEnv, finished, spawnCli, type CliResult} from '../helpers/cli.js';
import {hasStackTrace, recordFault} from '../helpers/faults.js';
import type {LabInfo} from '../helpers/lab.js';
import {freezeNode, installHangService, stopHangService, waitForSsh} from '../helpers/node-faults.js';

/**
 * Faults on the nodes and between svctui and them, each on the local cluster with the built CLI, each with the
 * outcome it must end in, a time bound, and a check that the run's log is complete. Every scenario records its
 * verdict (hung, lost, stack trace) before asserting, so the suite's closing line counts it even when it fails.
 * A scenario undoes its fault in `finally`, and later tests find the node as it was.
 */

const labs = inject('svctuiLabs');
const skipReason = labs.available ? undefined : labs.reason;

/** The node every scenario breaks: the last one, so node1 (nginx, the jump host) stays as the other tests know it. */
const victim = 'node3';

type Run = CliResult & {
	readonly elapsedMs: number;
	/** Did not end within the bound (it was then killed by PID). */
	readonly hung: boolean;
	readonly events: readonly ExecutorEvent[];
	readonly report: string;
	/** Why the log is incomplete, or undefined when it is complete. */
	readonly lost: string | undefined;
};

type RunOptions = {
	readonly args: readonly string[];
	/** Milliseconds the run must end within. */
	readonly boundMs: number;
	/** Called with each event as svctui prints it (`--json`), e.g. to do the fault mid-command. */
	readonly onEvent?: (event: ExecutorEvent, child: ReturnType<typeof spawnCli>) => void;
	readonly env?: NodeJS.ProcessEnv;
};

/** Run the CLI with `--json` and a fresh `--log-dir`; kill it (by its PID) if it outlives the bound. */
async function runFault({args, boundMs, onEvent, env = cleanEnv()}: RunOptions): Promise<Run> {
	const logDir = mkdtempSync(path.join(tmpdir(), 'svctui-faultlog-'));
	const started = Date.now();
	const child = spawnCli([...args, '--json', '--log-dir', logDir], env);
	child.stdin.end();
	let buffered = '';
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
	let hung = false;
	const timer = setTimeout(() => {
		hung = true;
		child.kill('SIGKILL');
	}, boundMs);
	const result = await finished(child);
	clearTimeout(timer);
	const elapsedMs = Date.now() - started;
	const {events, report, lost} = readLog(logDir);
	return {...result, elapsedMs, hung, events, report, lost};
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
			events.push(JSON.parse(line) as ExecutorEvent);
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
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'svctui-faultcfg-')), 'ssh_config');
	writeFileSync(file, edit(readFileSync(lab.sshConfig, 'utf8')));
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
		it('fault: a frozen node (every process stopped, TCP still open) ends TIMEOUT at --command-timeout, not at the keepalive', async context => {
			await installHangService(lab, victim);
			let thaw: (() => void) | undefined;
			try {
				const run = await runFault({
					args: ['run', `node1,${victim}`, 'svhang', 'start', '--yes', '--command-timeout', '2', '-F', lab.sshConfig],
										boundMs: 30_000,
					onEvent(event) {
						if (event.type === 'command-started' && event.node === victim) thaw ??= freezeNode(lab, victim);
					},
				});
				thaw?.();
				thaw = undefined;
				// From the command's start: the timeout, the node's grace to stop it (3 s), 2 s more to hear of it, slack.
				const started = run.events.find(event => event.type === 'command-started' && event.node === victim)?.at ?? 0;
				const ended = run.events.at(-1)?.at ?? Number.POSITIVE_INFINITY;
				judge(context, {...run, hung: run.hung || ended - started > 2000 + 5000 + 3000});
				expect(run.report).toMatch(new RegExp(`svhang  TIMEOUT node\\[1,3\\]|svhang  TIMEOUT ${victim}`));
				expect(run.code).toBe(1);
			} finally {
				thaw?.();
				await waitForSsh(lab, victim);
				expect(await stopHangService(lab, victim)).toBe('');
				await stopHangService(lab, 'node1');
			}
		});

		it('fault: Ctrl-C with a frozen node exits 130 within two seconds, log complete', async context => {
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
				thaw?.();
				thaw = undefined;
				judge(context, {...run, hung: run.hung || afterInterrupt > 2500});
				expect(run.code).toBe(130);
				expect(run.events.at(-1)).toMatchObject({type: 'run-finished', outcome: 'aborted'});
			} finally {
				thaw?.();
				await waitForSsh(lab, victim);
				expect(await stopHangService(lab, victim)).toBe('');
			}
		});
	});
});
