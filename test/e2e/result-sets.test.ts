import {readFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, inject, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {cleanEnv, runCli} from '../helpers/cli.js';
import {labSsh} from '../helpers/lab.js';
import {skipWhen} from '../helpers/skip.js';

// Issue 10, items 2–4, on the real local cluster: status states, result sets as node sets, --limit, --pick.

const labs = inject('svctuiLabs');
const skipReason = labs.available ? undefined : labs.reason;

function events(text: string): ExecutorEvent[] {
	return text
		.trim()
		.split('\n')
		.map(line => JSON.parse(line) as ExecutorEvent);
}

/** The nodes a `--json` run was started on. */
function runNodes(stdout: string): readonly string[] {
	const started = events(stdout).find(event => event.type === 'run-started');
	return started?.type === 'run-started' ? started.nodes : [];
}

function logRuns(env: NodeJS.ProcessEnv): string[] {
	return readdirSync(path.join(env['XDG_STATE_HOME'] ?? '', 'svctui', 'logs')).sort();
}

describe('issue 10 on the local cluster', skipWhen(skipReason), () => {
	if (!labs.available) {
		it('runs result sets on the local cluster', () => undefined);
		return;
	}

	describe.each([
		['systemd', labs.sd],
		['SysV', labs.sv],
	] as const)('status reports states on %s nodes', (_kind, lab) => {
		it('running, stopped and not installed are results: exit 0; --expect running makes the others failures', async () => {
			const stop = lab.kind === 'systemd' ? 'systemctl stop cron' : 'service cron stop';
			const start = lab.kind === 'systemd' ? 'systemctl start cron' : 'service cron start';
			expect((await labSsh(lab, 'node2', stop)).code).toBe(0);
			try {
				const result = await runCli(['run', 'node[1-3]', 'cron', 'status', 'nginx', 'status', '-F', lab.sshConfig]);
				expect(result.stdout).toMatch(/^ {2}cron {2}RUNNING node\[1,3\]\n {2}cron {2}STOPPED node2$/m);
				expect(result.stdout).toMatch(/^ {2}nginx {2}RUNNING node1\n {2}nginx {2}NOT-INSTALLED node\[2-3\]$/m);
				expect(result.stdout).toMatch(/^1 status cron +: +running=2 +stopped=1 +failed=0 +skipped=0 +unreachable=0 +running: node\[1,3\] +stopped: node2$/m);
				expect(result.stdout).toMatch(/^2 status nginx +: +running=1 +not-installed=2 +failed=0/m);
				expect(result.code, result.stdout).toBe(0);

				const expecting = await runCli(['run', 'node[1-3]', 'cron', 'status', '--expect', 'running', '-F', lab.sshConfig]);
				expect(expecting.stdout).toMatch(/^ {2}cron {2}RUNNING node\[1,3\]\n {2}cron {2}FAIL node2: stopped, expected running$/m);
				expect(expecting.code).toBe(1);
			} finally {
				expect((await labSsh(lab, 'node2', start)).code).toBe(0);
			}
		});
	});

	describe.each([
		['systemd', labs.sd],
		['SysV', labs.sv],
	] as const)('@changed on %s nodes', (_kind, lab) => {
		/** The result sets of the newest run logged under `env`. */
		function lastSets(env: NodeJS.ProcessEnv): Record<string, unknown> {
			const last = logRuns(env).at(-1) ?? '';
			return (JSON.parse(readFileSync(path.join(env['XDG_STATE_HOME'] ?? '', 'svctui', 'logs', last, 'results.json'), 'utf8')) as {sets: Record<string, unknown>}).sets;
		}

		it('holds the nodes whose service a start or stop changed, none where it was already so; a restart changes all', async () => {
			const stop = lab.kind === 'systemd' ? 'systemctl stop cron' : 'service cron stop';
			const start = lab.kind === 'systemd' ? 'systemctl start cron' : 'service cron start';
			const env = cleanEnv();
			const run = async (action: string) => {
				const result = await runCli(['run', 'node[1-3]', 'cron', action, '--yes', '-F', lab.sshConfig], env);
				expect(result.code, result.stdout + result.stderr).toBe(0);
				return lastSets(env);
			};

			expect((await labSsh(lab, 'node2', stop)).code).toBe(0);
			try {
				// cron runs on node1 and node3 already: only node2's start changed anything.
				expect(await run('start')).toMatchObject({ok: ['node1', 'node2', 'node3'], changed: ['node2']});
				expect(await run('start')).toMatchObject({ok: ['node1', 'node2', 'node3'], changed: []});
				expect(await run('restart')).toMatchObject({changed: ['node1', 'node2', 'node3']});
				expect((await labSsh(lab, 'node3', stop)).code).toBe(0);
				expect(await run('stop')).toMatchObject({ok: ['node1', 'node2', 'node3'], changed: ['node1', 'node2']});
				expect(await run('stop')).toMatchObject({changed: []});
			} finally {
				for (const node of ['node1', 'node2', 'node3']) {
					// eslint-disable-next-line no-await-in-loop
					expect((await labSsh(lab, node, start)).code).toBe(0);
				}
			}
		});
	});

	const lab = labs.sd;

	it('example2 records @ok @failed @unreachable @changed; check @unreachable and run @failed act on exactly those nodes', async () => {
		const env = cleanEnv();
		const plan = await runCli(['--plan', 'plans/example2.yaml', '--yes', '-F', lab.sshConfig], env);
		expect(plan.code).toBe(1);
		const [first] = logRuns(env);
		const results = JSON.parse(readFileSync(path.join(env['XDG_STATE_HOME'] ?? '', 'svctui', 'logs', first ?? '', 'results.json'), 'utf8')) as unknown;
		// nginx is installed on node1 only; node123 does not resolve; node2 and node3 failed before their skips.
		// Every start there is of a running service (cron, ssh, node1's nginx), or failed: nothing changed.
		expect(results).toMatchObject({version: 1, run: first, sets: {ok: ['node1'], failed: ['node2', 'node3'], unreachable: ['node123'], skipped: [], changed: []}});

		const check = await runCli(['check', '@unreachable', '-F', lab.sshConfig], env);
		expect(check.stdout).toMatch(/^UNREACHABLE +node123 \(1\)/m);
		expect(check.code).toBe(3);

		const again = await runCli(['run', '@failed', 'cron', 'status', '--json', '-F', lab.sshConfig], env);
		expect(runNodes(again.stdout)).toEqual(['node2', 'node3']);
		expect(again.code).toBe(0);

		// That run is now the last one (nothing failed in it); the first is still there by its name.
		const empty = await runCli(['run', '@failed', 'cron', 'status', '-F', lab.sshConfig], env);
		expect(empty.stderr).toBe('svctui: run: argument 1: node set "@failed" matches no nodes; check the names and groups.conf\n');
		expect(empty.code).toBe(2);
		const byName = await runCli(['run', `@failed:${first}!node3`, 'cron', 'status', '--json', '-F', lab.sshConfig], env);
		expect(runNodes(byName.stdout)).toEqual(['node2']);
		const limited = await runCli(['run', 'node[1-3]', 'cron', 'status', '--limit', `@ok:${first},node3`, '--json', '-F', lab.sshConfig], env);
		expect(runNodes(limited.stdout)).toEqual(['node1', 'node3']);
	});

	it('without an earlier run, or with an unknown one, @failed is one line and exit 2', async () => {
		const env = cleanEnv();
		const none = await runCli(['run', '@failed', 'cron', 'status', '-F', lab.sshConfig], env);
		expect(none.stderr).toMatch(/^svctui: run: argument 1: no earlier run has results in \S+\/svctui\/logs: @ok, @failed, @unreachable, @skipped, @changed name the nodes of a finished run; run something first, or give its --log-dir\n$/);
		expect(none.code).toBe(2);
		const unknown = await runCli(['check', '@failed:log_20200101_000000', '-F', lab.sshConfig], env);
		expect(unknown.stderr).toMatch(/^svctui: run log_20200101_000000: no results in \S+; check the name/);
		expect(unknown.stderr.split('\n')).toHaveLength(2);
		expect(unknown.code).toBe(2);
	});

	it('--pick N acts on N of the target, the same N with the same SVCTUI_PICK_SEED; --limit then --pick', async () => {
		const picked = await runCli(['run', 'node[1-3]', 'cron', 'status', '--pick', '2', '--json', '-F', lab.sshConfig]);
		expect(picked.code).toBe(0);
		const nodes = runNodes(picked.stdout);
		expect(nodes).toHaveLength(2);
		expect(nodes.every(node => ['node1', 'node2', 'node3'].includes(node))).toBe(true);

		const seeded = async () => runNodes((await runCli(['run', 'node[1-3]', 'cron', 'status', '--limit', 'node[2-3]', '--pick', '1', '--json', '-F', lab.sshConfig], cleanEnv({SVCTUI_PICK_SEED: 'canary'}))).stdout);
		const once = await seeded();
		expect(once).toHaveLength(1);
		expect(['node2', 'node3']).toContain(once[0]);
		expect(await seeded()).toEqual(once);
	});
});
