import {readFileSync, readdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, inject, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {cleanEnv, finished, runCli, spawnCli, untilStdout} from '../helpers/cli.js';
import {labSsh, type LabInfo} from '../helpers/lab.js';
import {skipWhen} from '../helpers/skip.js';

const labs = inject('svctuiLabs');
const skipReason = labs.available ? undefined : labs.reason;

function logFolder(env: NodeJS.ProcessEnv): string {
	const logs = path.join(env['XDG_STATE_HOME'] ?? '', 'svctui', 'logs');
	const [only] = readdirSync(logs);
	expect(only).toMatch(/^log_\d{8}_\d{6}$/);
	return path.join(logs, only ?? '');
}

function events(text: string): ExecutorEvent[] {
	return text
		.trim()
		.split('\n')
		.map(line => JSON.parse(line) as ExecutorEvent);
}

/** A copy of the lab's ssh_config with extra text appended (later Host blocks only add to earlier ones). */
function configWith(lab: LabInfo, dir: string, replace: (text: string) => string): string {
	const file = path.join(dir, 'ssh_config');
	writeFileSync(file, replace(readFileSync(lab.sshConfig, 'utf8')));
	return file;
}

describe('headless runs on the local cluster', skipWhen(skipReason), () => {
	if (!labs.available) {
		// Its tests need the lab's files to be declared: one stands for them in the skip list.
		it('runs plans on the local cluster', () => undefined);
		return;
	}

	describe.each([
		['systemd', labs.sd, 'systemctl start -- nginx'],
		['SysV', labs.sv, 'service nginx start'],
		['OpenRC', labs.or, 'rc-service nginx start'],
	] as const)('the ancestor scenario on %s nodes', (_kind, lab, startNginx) => {
		it('runs example2.yaml: OK, FAIL (not installed), unreachable, skipped by dependency; RECAP; exit 1; log written', async () => {
			const env = cleanEnv();
			const result = await runCli(['--plan', 'plans/example2.yaml', '--yes', '-F', lab.sshConfig], env);
			const report = result.stdout;
			// Each step's lines, in order; gathered output blocks (clubak style) may follow each service.
			const section = (step: number) => report.slice(report.indexOf(`STEP ${step} `), report.indexOf(`STEP ${step + 1} `) === -1 ? report.indexOf('RECAP') : report.indexOf(`STEP ${step + 1} `));
			expect(section(1)).toMatch(/^STEP 1 start cron, nginx \(depends on ssh\)\n {2}cron {3}OK node\[1-3\]\n/);
			expect(section(1)).toMatch(/^ {2}nginx {2}OK node1\n {2}nginx {2}FAIL node\[2-3\]: not installed$/m);
			expect(section(2)).toMatch(/^STEP 2 start ssh\n {2}ssh {2}UNREACHABLE node123: name node123 does not resolve; check the node name or add a Host block to ssh_config\n/);
			expect(section(3)).toMatch(/^STEP 3 start cron \(depends on nginx\)\n {2}cron {2}OK node1\n {2}cron {2}SKIP node\[2-3\]: dependency nginx is not installed\n/);
			expect(section(4)).toMatch(/^STEP 4 start ssh\n {2}ssh {2}OK node\[1-3\]\n/);
			expect(report).toMatch(/RECAP\n1 start cron +: +ok=3 +failed=0 +skipped=0 +unreachable=0/);
			expect(report).toMatch(/1 start nginx +: +ok=1 +failed=2 +skipped=0 +unreachable=0 +ok: node1 +failed: node\[2-3\]/);
			expect(report).toMatch(/2 start ssh +: +ok=0 +failed=0 +skipped=0 +unreachable=1 +unreachable: node123/);
			expect(report).toMatch(/3 start cron +: +ok=1 +failed=0 +skipped=2 +unreachable=0/);
			expect(result.code).toBe(1);
			// Progress never goes into a pipe; stderr ends with the log's path.
			expect(result.stderr).not.toContain('\u001B');
			const folder = logFolder(env);
			expect(result.stderr).toContain(`log: ${folder}`);
			expect(readFileSync(path.join(folder, 'report.txt'), 'utf8')).toBe(report);
			const logged = events(readFileSync(path.join(folder, 'events.jsonl'), 'utf8'));
			expect(logged.at(-1)).toMatchObject({type: 'run-finished', outcome: 'failed'});
		});

		it('--json writes every event as one JSON line, and unreachable is never an exit code', async () => {
			const result = await runCli(['--plan', 'plans/example2.yaml', '--yes', '--json', '-F', lab.sshConfig]);
			expect(result.code).toBe(1);
			const stream = events(result.stdout);
			expect(stream[0]).toMatchObject({type: 'run-started', nodes: ['node1', 'node2', 'node3', 'node123']});
			const connected = stream.filter(event => event.type === 'node-connected');
			expect(connected).toHaveLength(3);
			// Detected, not assumed: an OpenRC node also has `service`, which would give the same outcome.
			expect(new Set(connected.map(event => event.manager))).toEqual(new Set([lab.kind]));
			expect(stream).toContainEqual(expect.objectContaining({type: 'command-started', node: 'node2', step: 1, service: 'nginx', command: startNginx}));
			expect(stream).toContainEqual(expect.objectContaining({type: 'node-unreachable', node: 'node123', reason: 'dns'}));
			expect(stream).toContainEqual(expect.objectContaining({type: 'command-exited', node: 'node1', step: 1, service: 'nginx', outcome: 'ok', exitCode: 0}));
			expect(stream).toContainEqual(expect.objectContaining({type: 'command-exited', node: 'node2', step: 1, service: 'nginx', outcome: 'failed', state: 'not-installed'}));
			expect(stream).toContainEqual(expect.objectContaining({type: 'task-skipped', node: 'node3', step: 3, service: 'cron'}));
			expect(stream.some(event => event.type === 'command-started' && event.node === 'node123')).toBe(false);
		});
	});

	it('status on OpenRC nodes tells running, stopped, killed (pid file left) and not installed apart: each a state, exit 0', async () => {
		const lab = labs.or;
		// node2: cron stopped cleanly; node3: cron SIGKILLed, so its pid file stays behind (LSB status 1).
		await labSsh(lab, 'node2', 'rc-service cron stop');
		await labSsh(lab, 'node3', 'pkill -KILL -x cron; while pgrep -x cron >/dev/null; do sleep 0.1; done; test -e /run/crond.pid');
		try {
			const result = await runCli(['run', 'node[1-3]', 'cron', 'status', 'nginx', 'status', '-F', lab.sshConfig]);
			expect(result.stdout).toMatch(/^ {2}cron {2}RUNNING node1\n {2}cron {2}STOPPED node2\n {2}cron {2}FAILED-STATE node3$/m);
			expect(result.stdout).toMatch(/^ {2}nginx {2}RUNNING node1\n {2}nginx {2}NOT-INSTALLED node\[2-3\]$/m);
			expect(result.code).toBe(0);
		} finally {
			const restarted = await Promise.all(['node2', 'node3'].map(async node => labSsh(lab, node, 'rc-service cron restart')));
			expect(restarted.map(result => result.code)).toEqual([0, 0]);
		}
	});

	const lab = labs.sd;

	// plans/ holds examples that run: the ancestor's three as their scenario implies, the others cleanly.
	it.each([
		['example.yaml', 1],
		['example1.yaml', 0],
		['example2.yaml', 1],
		['maintenance-window.yaml', 0],
		['restart-web.yaml', 0],
		['rolling-reload.yaml', 0],
		// Rollouts (test/e2e/rollout.test.ts checks what they say): nginx is on node1 only, so the web one stops.
		['batched-reload.yaml', 0],
		['rolling-web-restart.yaml', 1],
	] as const)('plans/%s runs on the cluster with exit %i', async (file, code) => {
		const result = await runCli(['--plan', `plans/${file}`, '--yes', '-F', lab.sshConfig]);
		expect(result.stderr).toMatch(/^log: /m);
		expect(result.code, result.stdout).toBe(code);
	});

	it('every file in plans/ is covered by the test above', () => {
		expect(readdirSync('plans').sort()).toEqual(['batched-reload.yaml', 'example.yaml', 'example1.yaml', 'example2.yaml', 'maintenance-window.yaml', 'restart-web.yaml', 'rolling-reload.yaml', 'rolling-web-restart.yaml']);
	});

	it('status one-shot needs no confirmation and reports states; exit 0', async () => {
		const result = await runCli(['run', 'node[1-3]', 'cron', 'status', '-F', lab.sshConfig]);
		expect(result.stdout).toContain('STEP 1 status cron\n  cron  RUNNING node[1-3]\n');
		expect(result.code).toBe(0);
	});

	it('refuses to change anything without --yes when there is no terminal (exit 2, nothing contacted)', async () => {
		const env = cleanEnv();
		const result = await runCli(['node[1-3]', 'cron', 'restart', '-F', lab.sshConfig], env);
		expect(result.code).toBe(2);
		expect(result.stderr).toBe('svctui: refusing to change services without confirmation: add --yes (there is no terminal to ask on)\n');
	});

	it('a log directory that cannot be created is one clear line, and nothing runs (exit 2)', async () => {
		const result = await runCli(['run', 'node1', 'cron', 'restart', '--yes', '--log-dir', '/etc/passwd/logs', '-F', lab.sshConfig]);
		expect(result.stderr).toBe('svctui: --log-dir /etc/passwd/logs: cannot create the run log (ENOTDIR); choose a writable directory with --log-dir\n');
		expect(result.code).toBe(2);
	});

	it('--dry-run prints the commands per node set and contacts nobody', async () => {
		const result = await runCli(['--plan', 'plans/example2.yaml', '--dry-run', '-F', '/nonexistent/ssh_config']);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('  1. start cron,nginx on node[1-3] (3 nodes), if ssh running');
		expect(result.stdout).toContain('  nginx [systemd]: systemctl start -- nginx');
		expect(result.stdout).toContain('  nginx [sysv]: service nginx start');
		expect(result.stdout).toContain('(dry run: no node was contacted)');
	});

	it('svctui demo brings up the demo cluster (or reuses it) and runs example2.yaml on it', async () => {
		const {spawnSync} = await import('node:child_process');
		const {labScript} = await import('../helpers/lab.js');
		const wasUp = spawnSync('bash', [labScript, 'status', '--name', 'demo'], {stdio: 'ignore'}).status === 0;
		try {
			// OpenRC: the quickest kind to boot (the labs above cover the others).
			const result = await runCli(['demo', '--kind', 'openrc', '--yes']);
			expect(result.stderr).toMatch(wasUp ? /Using the demo cluster/ : /Bringing up the demo cluster \(openrc/);
			expect(result.stdout).toContain('  nginx  FAIL node[2-3]: not installed');
			expect(result.code).toBe(1);
		} finally {
			if (!wasUp) {
				spawnSync('bash', [labScript, 'down', '--name', 'demo'], {stdio: 'ignore'});
			}
		}
	});

	describe('host keys, as OpenSSH checks them', () => {
		it('refuses an unknown host key, records it with --accept-new, then connects strictly', async () => {
			const env = cleanEnv();
			const home = env['HOME'] ?? '';
			const knownHosts = path.join(home, 'known_hosts');
			writeFileSync(knownHosts, '');
			const config = configWith(lab, home, text => text.replaceAll(lab.knownHosts, knownHosts));
			const refused = await runCli(['run', 'node1', 'cron', 'status', '-F', config], env);
			expect(refused.code).toBe(3);
			expect(refused.stdout).toMatch(/UNREACHABLE node1: .*host key.*--accept-new/);
			expect(readFileSync(knownHosts, 'utf8')).toBe('');

			const accepted = await runCli(['run', 'node1', 'cron', 'status', '-F', config, '--accept-new'], env);
			expect(accepted.code).toBe(0);
			const recorded = readFileSync(knownHosts, 'utf8');
			expect(recorded).toMatch(/ssh-ed25519 AAAA/);

			const strict = await runCli(['run', 'node1', 'cron', 'status', '-F', config], env);
			expect(strict.code).toBe(0);
		});

		it('always refuses a changed host key, even with --accept-new', async () => {
			const env = cleanEnv();
			const home = env['HOME'] ?? '';
			const knownHosts = path.join(home, 'known_hosts');
			const lines = readFileSync(lab.knownHosts, 'utf8').split('\n');
			const node2Key = lines.find(line => line.includes('node2'))?.split(' ').slice(1).join(' ') ?? '';
			// node1's entry now carries node2's key: exactly what a man in the middle looks like.
			writeFileSync(knownHosts, lines.map(line => (line.includes('node1') ? `${line.split(' ')[0]} ${node2Key}` : line)).join('\n'));
			const config = configWith(lab, home, text => text.replaceAll(lab.knownHosts, knownHosts));
			const result = await runCli(['run', 'node1', 'cron', 'status', '-F', config, '--accept-new'], env);
			expect(result.code).toBe(3);
			expect(result.stdout).toMatch(/UNREACHABLE node1: .*host key.*changed/i);
		});
	});

	it('ProxyJump through node1 reaches node2 (and depends on the jump host really being used)', async () => {
		const env = cleanEnv();
		const home = env['HOME'] ?? '';
		const jump = configWith(lab, home, text => text.replace(/^Host node2\n/m, 'Host node2\n\tProxyJump node1\n'));
		const through = await runCli(['run', 'node2', 'cron', 'status', '-F', jump], env);
		expect(through.stdout).toContain('cron  RUNNING node2');
		expect(through.code).toBe(0);

		// The same, with a jump host that does not exist: node2 is now unreachable, so the jump was taken.
		const broken = configWith(lab, home, text => text.replace(/^Host node2\n/m, 'Host node2\n\tProxyJump nosuchjumphost\n'));
		const failed = await runCli(['run', 'node2', 'cron', 'status', '-F', broken], env);
		expect(failed.code).toBe(3);
		expect(failed.stdout).toMatch(/UNREACHABLE node2: .*nosuchjumphost/);
	});

	it('service names that try to inject shell never execute anything', async () => {
		const marker = '/tmp/svctui-injected';
		await labSsh(lab, 'node1', `rm -f ${marker}`);
		for (const name of [`cron;touch ${marker}`, `cron$(touch ${marker})`, `cron\`touch ${marker}\``, `cron && touch ${marker}`, 'cron nginx', '../cron']) {
			const result = await runCli(['run', 'node1', name, 'status', '-F', lab.sshConfig]);
			expect(result.code, name).toBe(2);
			expect(result.stderr, name).toMatch(/^svctui: run: argument 2 .*\n$/);
		}

		const plan = path.join(cleanEnv()['HOME'] ?? '', 'evil.yaml');
		writeFileSync(plan, `- "cron;touch ${marker}":\n    state: status\n    nodes: node1\n    depend: "ssh|touch ${marker}"\n`);
		const fromPlan = await runCli(['--plan', plan, '--yes', '-F', lab.sshConfig]);
		expect(fromPlan.code).toBe(2);
		expect(fromPlan.stderr).toMatch(/evil\.yaml:1:3: /);
		expect((await labSsh(lab, 'node1', `test -e ${marker}`)).code).toBe(1);
	});

	describe('timeouts and interruption (SysV: the init script is the command)', () => {
		const sv = labs.sv;
		const hangScript = '#!/bin/sh\ncase "$1" in start) exec sleep 4242 ;; status) exit 3 ;; *) exit 0 ;; esac\n';

		async function installHang(): Promise<void> {
			const installed = await labSsh(sv, 'node1', `printf '%s' '${hangScript}' > /etc/init.d/svhang && chmod +x /etc/init.d/svhang`);
			expect(installed.code).toBe(0);
		}

		async function sleepersLeft(): Promise<string> {
			// The bracket keeps grep from matching its own command line.
			// Polls for up to 5 s: the kill reaches the node a moment after the client has its answer.
			return (await labSsh(sv, 'node1', 'for i in $(seq 50); do ps -eo args | grep -q "[s]leep 4242" || exit 0; sleep 0.1; done; ps -eo args | grep "[s]leep 4242"')).stdout;
		}

		it('a command that runs past --command-timeout is reported TIMEOUT and killed on the node', async () => {
			await installHang();
			const result = await runCli(['run', 'node1', 'svhang', 'start', '--yes', '--command-timeout', '2', '-F', sv.sshConfig]);
			expect(result.stdout).toMatch(/svhang {2}TIMEOUT node1/);
			expect(result.code).toBe(1);
			expect(await sleepersLeft()).toBe('');
		});

		it('Ctrl-C mid-run stops the remote command, keeps the results, writes a complete log, exits 130', async () => {
			await installHang();
			const env = cleanEnv();
			const child = spawnCli(['run', 'node1', 'cron', 'status', 'svhang', 'start', '--yes', '--json', '-F', sv.sshConfig], env);
			child.stdin.end();
			const done = finished(child);
			await untilStdout(child, seen => seen.includes('"service":"svhang"') && seen.includes('"command-started"'));
			child.kill('SIGINT');
			const result = await done;
			expect(result.code).toBe(130);
			const logged = events(readFileSync(path.join(logFolder(env), 'events.jsonl'), 'utf8'));
			expect(logged).toContainEqual(expect.objectContaining({type: 'command-exited', step: 1, service: 'cron', outcome: 'ok'}));
			expect(logged.at(-1)).toMatchObject({type: 'run-finished', outcome: 'aborted'});
			expect(await sleepersLeft()).toBe('');
		});
	});

	describe('svctui check', () => {
		it('answers with latency and manager; a missing name is dns', async () => {
			const result = await runCli(['check', 'node[1-3],node123', '-F', lab.sshConfig]);
			expect(result.stdout).toMatch(/^OK +node\[1-3\] \(3\): systemd, latency min\/median\/max \d+\/\d+\/\d+ ms$/m);
			expect(result.stdout).toMatch(/^UNREACHABLE +node123 \(1\): dns: /m);
			expect(result.stdout).toContain('3 of 4 nodes answer');
			expect(result.code).toBe(3);
		});

		it('reports a node whose sshd is stopped as refused', async () => {
			const sv = labs.sv;
			const state = readFileSync(path.join(sv.dir, 'state'), 'utf8');
			const init = /^pid-sysv node3 (\d+) /m.exec(state)?.[1];
			expect(init).toBeDefined();
			const {spawnSync} = await import('node:child_process');
			const inNode3 = (action: string) => spawnSync('nsenter', ['-t', init ?? '', '-a', 'service', 'ssh', action], {encoding: 'utf8'});
			expect(inNode3('stop').status).toBe(0);
			try {
				const result = await runCli(['check', 'node[1-3]', '-F', sv.sshConfig]);
				expect(result.stdout).toMatch(/^OK +node\[1-2\] \(2\): sysv/m);
				expect(result.stdout).toMatch(/^UNREACHABLE +node3 \(1\): refused: /m);
				expect(result.code).toBe(3);
			} finally {
				expect(inNode3('start').status).toBe(0);
			}
		});
	});
});
