import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {cleanEnv, cliPath, finished, repoRoot, runCli, spawnCli, untilStdout} from '../helpers/cli.js';
import {labSsh, type LabInfo} from '../helpers/lab.js';
import {spawnInPty} from '../helpers/pty.js';
import {skipWhen} from '../helpers/skip.js';

const labs = inject('svctuiLabs');
const skipReason = labs.available ? undefined : labs.reason;

function events(text: string): ExecutorEvent[] {
	return text.trim().split('\n').map(line => JSON.parse(line) as ExecutorEvent);
}

/**
 * `svroll`, a test service installed at test time on node[1-3]: a daemon (a long sleep) whose start
 * fails when /etc/svroll.broken exists and which exits 1 `N` seconds after starting when
 * /etc/svroll.lifetime holds N. Every start touches /run/svroll.started, so a test sees which nodes the
 * rollout touched. A systemd unit, or a SysV init script with a pid file.
 */
const daemon = '#!/bin/sh\nif [ -e /etc/svroll.lifetime ]; then sleep "$(cat /etc/svroll.lifetime)"; exit 1; fi\nexec sleep 100000\n';
const pre = '#!/bin/sh\nif [ -e /etc/svroll.broken ]; then echo "svroll: broken config" >&2; exit 1; fi\ntouch /run/svroll.started\n';
const initScript = `#!/bin/sh
P=/run/svroll.pid
case "$1" in
start) /usr/local/sbin/svroll-pre || exit 1; /usr/local/sbin/svroll-daemon </dev/null >/dev/null 2>&1 & echo $! > $P ;;
stop) [ -e $P ] && kill "$(cat $P)" 2>/dev/null; rm -f $P; exit 0 ;;
restart|reload) "$0" stop; exec "$0" start ;;
status) if [ -e $P ] && kill -0 "$(cat $P)" 2>/dev/null; then echo "svroll is running"; exit 0; fi; echo "svroll is not running"; exit 3 ;;
*) exit 0 ;;
esac
`;
const unit = '[Service]\nExecStartPre=/usr/local/sbin/svroll-pre\nExecStart=/usr/local/sbin/svroll-daemon\n';

/** Write `text` to `file` on the node: base64 keeps quoting out of the remote shell command. */
function writeCommand(file: string, text: string, mode = '644'): string {
	return `echo ${Buffer.from(text).toString('base64')} | base64 -d > ${file} && chmod ${mode} ${file}`;
}

async function onNodes(lab: LabInfo, command: string, nodes = ['node1', 'node2', 'node3']): Promise<void> {
	const results = await Promise.all(nodes.map(async node => labSsh(lab, node, command)));
	for (const result of results) {
		expect(result.code, result.stderr).toBe(0);
	}
}

async function installSvroll(lab: LabInfo): Promise<void> {
	const service = lab.kind === 'systemd'
		? `${writeCommand('/etc/systemd/system/svroll.service', unit)} && systemctl daemon-reload && systemctl start svroll`
		: `${writeCommand('/etc/init.d/svroll', initScript, '755')} && service svroll start`;
	await onNodes(lab, `rm -f /etc/svroll.broken /etc/svroll.lifetime && ${writeCommand('/usr/local/sbin/svroll-daemon', daemon, '755')} && ${writeCommand('/usr/local/sbin/svroll-pre', pre, '755')} && ${service}`);
}

async function removeSvroll(lab: LabInfo): Promise<void> {
	const service = lab.kind === 'systemd'
		? 'systemctl stop svroll; rm -f /etc/systemd/system/svroll.service; systemctl daemon-reload'
		: 'service svroll stop; rm -f /etc/init.d/svroll';
	await onNodes(lab, `${service}; rm -f /usr/local/sbin/svroll-daemon /usr/local/sbin/svroll-pre /etc/svroll.broken /etc/svroll.lifetime /run/svroll.started /run/svroll.pid; true`);
}

/** Which of node[1-3] started svroll since the markers were cleared. */
async function startedOn(lab: LabInfo): Promise<string[]> {
	const answers = await Promise.all(['node1', 'node2', 'node3'].map(async node => ({node, code: (await labSsh(lab, node, 'test -e /run/svroll.started')).code})));
	return answers.filter(answer => answer.code === 0).map(answer => answer.node);
}

describe('rolling changes on the local cluster', skipWhen(skipReason), () => {
	if (!labs.available) {
		it('rolls out plans on the local cluster', () => undefined);
		return;
	}

	const dir = mkdtempSync(path.join(tmpdir(), 'svctui-rollout-'));
	const plan = (name: string, text: string): string => {
		const file = path.join(dir, name);
		writeFileSync(file, text);
		return file;
	};

	afterAll(() => {
		rmSync(dir, {recursive: true, force: true});
	});

	describe.each([
		['systemd', labs.sd],
		['SysV', labs.sv],
	] as const)('%s nodes', (_kind, lab) => {
		beforeAll(async () => installSvroll(lab), 60_000);
		afterAll(async () => removeSvroll(lab), 60_000);

		it('serial: 1 with max_fail: 0 stops at the broken node; the rest and the later steps do not run', async () => {
			await labSsh(lab, 'node2', 'touch /etc/svroll.broken');
			await onNodes(lab, 'rm -f /run/svroll.started');
			const file = plan(`stop-${lab.kind}.yaml`, 'defaults:\n  serial: 1\n  max_fail: 0\nsteps:\n  - svroll:\n      state: restart\n      nodes: node[1-3]\n  - cron:\n      state: status\n      nodes: node[1-3]\n');
			const env = cleanEnv();
			const result = await runCli(['--plan', file, '--yes', '-F', lab.sshConfig], env);
			await labSsh(lab, 'node2', 'rm -f /etc/svroll.broken');
			// The run log's report is the same text, and its events end with the stop and the run's end.
			const logs = path.join(env['XDG_STATE_HOME'] ?? '', 'svctui', 'logs');
			const folder = path.join(logs, readdirSync(logs)[0] ?? '');
			expect(readFileSync(path.join(folder, 'report.txt'), 'utf8')).toBe(result.stdout);
			const logged = events(readFileSync(path.join(folder, 'events.jsonl'), 'utf8'));
			expect(logged.at(-2)).toMatchObject({type: 'step-finished', step: 1});
			expect(logged.find(event => event.type === 'rollout-stopped')).toMatchObject({reason: 'max-fail', done: ['node1', 'node2'], notDone: ['node3']});
			expect(result.stdout).toContain('step 1 batch 1/3: ok=1 failed=0; failed nodes so far 0, max_fail 0\n');
			expect(result.stdout).toContain('step 1 batch 2/3: ok=0 failed=1; failed nodes so far 1, max_fail 0\n');
			expect(result.stdout).toContain('ROLLOUT STOPPED at step 1 (max-fail): after batch 2 of 3 of step 1: 1 node failed (node2), more than max_fail allows (0); done: node[1-2]; not done: node3\n');
			expect(result.stdout).toMatch(/^ {2}svroll {2}OK node1$/m);
			expect(result.stdout).toMatch(/^ {2}svroll {2}FAIL node2: /m);
			expect(result.stdout).toMatch(/^ {2}svroll {2}CANCELLED node3: not run: after batch 2 of 3/m);
			expect(result.stdout).not.toContain('STEP 2 ');
			expect(result.stdout).toMatch(/^2 status cron +: +running=0 .*cancelled=3/m);
			expect(result.stdout).toContain('1 rollout: 2 of 3 batches, STOPPED (max-fail)');
			expect(result.stdout).toContain('2 rollout: not run (the rollout stopped at step 1)');
			expect(result.code).toBe(1);
			expect(await startedOn(lab)).toEqual(['node1']);
		});

		it('verify catches a daemon that exits two seconds after starting, and a failing health command', async () => {
			await labSsh(lab, 'node1', 'echo 2 > /etc/svroll.lifetime');
			const file = plan(`verify-${lab.kind}.yaml`, [
				'- svroll:', '    state: restart', '    nodes: node1', '    verify: {timeout: 15s, settle: 5s}',
				'- svroll:', '    state: restart', '    nodes: node3', '    verify: {command: "test -e /etc/svroll.healthy || { echo unhealthy >&2; exit 4; }", timeout: 10s, settle: 1s}',
				'- svroll:', '    state: restart', '    nodes: node2', '    verify: {command: "test -x /usr/local/sbin/svroll-daemon", settle: 1s}',
				'',
			].join('\n'));
			const result = await runCli(['--plan', file, '--yes', '--json', '-F', lab.sshConfig]);
			await labSsh(lab, 'node1', 'rm -f /etc/svroll.lifetime; ' + (lab.kind === 'systemd' ? 'systemctl restart svroll' : 'service svroll restart'));
			const stream = events(result.stdout);
			const verified = stream.filter(event => event.type === 'verify-finished');
			expect(verified).toEqual([
				expect.objectContaining({node: 'node1', step: 1, outcome: 'failed', reason: expect.stringMatching(/^verify: svroll was active, then (failed|inactive) [2-4](\.\d)?s after the restart$/) as unknown}),
				expect.objectContaining({node: 'node3', step: 2, outcome: 'failed', reason: 'verify: health command exited 4: unhealthy'}),
				expect.objectContaining({node: 'node2', step: 3, outcome: 'ok'}),
			]);
			// The action itself reported success on node1: only verification saw the daemon die.
			expect(stream).toContainEqual(expect.objectContaining({type: 'command-exited', node: 'node1', step: 1, outcome: 'ok'}));
			expect(result.code).toBe(1);
		});

		it('runs plans/batched-reload.yaml: three batches with pauses, every reload verified, exit 0', async () => {
			const result = await runCli(['--plan', 'plans/batched-reload.yaml', '--yes', '-F', lab.sshConfig]);
			expect(result.stdout).toContain('step 1 batch 3/3: ok=1 failed=0; failed nodes so far 0, max_fail 0\n');
			expect(result.stdout.match(/pausing 1s before the next batch/g)).toHaveLength(2);
			expect(result.stdout).toMatch(/^ {2}ssh {2}OK node\[1-3\]$/m);
			expect(result.stdout).toContain('1 rollout: 3 of 3 batches, verified ok=3 failed=0, complete\n');
			expect(result.code).toBe(0);
		});

		it('runs plans/rolling-web-restart.yaml: the canary passes verification, the rollout stops at node2 (no nginx)', async () => {
			const result = await runCli(['--plan', 'plans/rolling-web-restart.yaml', '--yes', '-F', lab.sshConfig]);
			expect(result.stdout).toContain('step 1: canary passed: the rollout continues\n');
			expect(result.stdout).toMatch(/^ {2}nginx {2}OK node1$/m);
			expect(result.stdout).toMatch(/^ {2}nginx {2}FAIL node2: not installed$/m);
			expect(result.stdout).toContain('ROLLOUT STOPPED at step 1 (max-fail)');
			expect(result.stdout).toContain('1 rollout: 2 of 3 batches, verified ok=1 failed=0, STOPPED (max-fail)');
			expect(result.stdout).not.toContain('STEP 2 ');
			expect(result.code).toBe(1);
		});

		// Ctrl-C on one kind, a hangup on the other: both stop the rollout the same way.
		const signal = lab.kind === 'systemd' ? 'SIGINT' : 'SIGHUP';
		it(`${signal} during a pause stops between batches and says which nodes were done`, async () => {
			const file = plan(`pause-${lab.kind}.yaml`, '- svroll:\n    state: restart\n    nodes: node[1-3]\n    serial: 1\n    pause: 60s\n');
			const env = cleanEnv();
			const child = spawnCli(['--plan', file, '--yes', '--json', '-F', lab.sshConfig], env);
			child.stdin.end();
			const done = finished(child);
			await untilStdout(child, seen => seen.includes('"rollout-paused"'));
			child.kill(signal);
			const result = await done;
			// After a hangup svctui ends by SIGHUP itself (a shell reports 129).
			expect(signal === 'SIGINT' ? result.code : result.signal).toBe(signal === 'SIGINT' ? 130 : 'SIGHUP');
			const stream = events(result.stdout);
			expect(stream).toContainEqual(expect.objectContaining({type: 'rollout-stopped', step: 1, reason: 'interrupted', done: ['node1'], notDone: ['node2', 'node3']}));
			expect(stream.at(-1)).toMatchObject({type: 'run-finished', outcome: 'aborted'});
		});
	});

	describe('OpenRC nodes run the example plans the same way', () => {
		const lab = labs.or;
		it('batched-reload.yaml completes; rolling-web-restart.yaml passes the canary and stops at node2', async () => {
			const reload = await runCli(['--plan', 'plans/batched-reload.yaml', '--yes', '-F', lab.sshConfig]);
			expect(reload.stdout).toContain('1 rollout: 3 of 3 batches, verified ok=3 failed=0, complete\n');
			expect(reload.code).toBe(0);
			const web = await runCli(['--plan', 'plans/rolling-web-restart.yaml', '--yes', '-F', lab.sshConfig]);
			expect(web.stdout).toMatch(/^ {2}nginx {2}OK node1$/m);
			expect(web.stdout).toContain('1 rollout: 2 of 3 batches, verified ok=1 failed=0, STOPPED (max-fail)');
			expect(web.code).toBe(1);
		});
	});

	describe('the canary asks on a terminal', () => {
		const lab = labs.sd;
		beforeAll(async () => installSvroll(lab), 60_000);
		afterAll(async () => removeSvroll(lab), 60_000);

		it('y at the review, n at the canary: the rollout stops after the canary, exit 1', async () => {
			await onNodes(lab, 'rm -f /run/svroll.started');
			const file = plan('canary.yaml', '- svroll:\n    state: restart\n    nodes: node[1-3]\n    canary: 1\n');
			const env = {PATH: process.env['PATH'], HOME: dir, TERM: 'xterm-256color', LANG: 'C', NO_COLOR: '1', XDG_STATE_HOME: dir};
			const session = spawnInPty(process.execPath, [cliPath, '--plan', file, '--headless', '-F', lab.sshConfig], {cwd: repoRoot, env, columns: 200});
			await session.waitForScreen(screen => screen.includes('Proceed? [y/N]'), 20_000);
			expect(session.screen().join('\n')).toContain('canary 1 then wait for a go-ahead');
			session.write('y\r');
			await session.waitForScreen(screen => screen.includes('Step 1: canary on node1 done (ok=1). Continue the rollout on 2 more nodes? [y/N]'), 30_000);
			session.write('n\r');
			const code = await session.exited;
			const screen = session.screen().join('\n');
			expect(screen).toContain('step 1: canary rejected: the rollout stops');
			expect(screen).toContain('ROLLOUT STOPPED at step 1 (canary-stopped)');
			expect(code).toBe(1);
			expect(await startedOn(lab)).toEqual(['node1']);
		});

		it('without a terminal and without --yes a rolling change is refused, nothing runs', async () => {
			const file = plan('canary-refused.yaml', '- svroll:\n    state: restart\n    nodes: node[1-3]\n    canary: 1\n');
			const result = await runCli(['--plan', file, '-F', lab.sshConfig]);
			expect(result.stderr).toContain('refusing to change services without confirmation: add --yes');
			expect(result.code).toBe(2);
		});
	});
});
