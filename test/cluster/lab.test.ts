import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readFileSync, readlinkSync} from 'node:fs';
import {describe, expect, inject, it, vi} from 'vitest';
import {labName, labScript, labSsh, startLab, type LabInfo} from '../helpers/lab.js';
import {skipWhen} from '../helpers/skip.js';

// Without the lab global setup (a config that lacks it) nothing is provided: skip, saying why.
const provision = inject('svctuiLabs') ?? {available: false, reason: 'no lab was provided: add test/helpers/lab-global-setup.ts as globalSetup'};
describe('lab', skipWhen(provision.available ? undefined : provision.reason), () => {
	if (!provision.available) {
		it('brings up systemd and SysV nodes', () => {});
		return;
	}

	const labs: ReadonlyArray<readonly [string, LabInfo, string]> = [
		['systemd lab sd', provision.sd, 'systemd'],
		['SysV lab sv', provision.sv, 'init'],
	];

	describe.each(labs)('%s', (_title, lab, pid1) => {
		it('has node1..node3, each answering OpenSSH with its own hostname', async () => {
			expect(lab.nodes).toEqual(['node1', 'node2', 'node3']);
			const results = await Promise.all(lab.nodes.map(async node => labSsh(lab, node, 'hostname')));
			expect(results.map(result => [result.code, result.stdout.trim()])).toEqual([
				[0, 'node1'],
				[0, 'node2'],
				[0, 'node3'],
			]);
		});

		it(`runs ${pid1} as PID 1 in a pid namespace of each node's own`, async () => {
			const results = await Promise.all(lab.nodes.map(async node => labSsh(lab, node, 'cat /proc/1/comm; readlink /proc/1/ns/pid')));
			const namespaces = new Set<string>();
			for (const result of results) {
				expect(result.code).toBe(0);
				const [comm, ns] = result.stdout.trim().split('\n');
				expect(comm).toBe(pid1);
				namespaces.add(ns ?? '');
			}

			namespaces.add(readlinkSync('/proc/self/ns/pid'));
			expect(namespaces.size).toBe(lab.nodes.length + 1);
		});

		it('runs cron on every node, under the node\'s service manager', async () => {
			const command = lab.kind === 'systemd' ? 'systemctl is-active cron' : 'service cron status';
			const expected = lab.kind === 'systemd' ? 'active' : 'cron is running.';
			const results = await Promise.all(lab.nodes.map(async node => labSsh(lab, node, command)));
			expect(results.map(result => [result.code, result.stdout.trim()])).toEqual(lab.nodes.map(() => [0, expected]));
		});

		it('has nginx installed and running on node1 only (dpkg agrees)', async () => {
			const status = lab.kind === 'systemd' ? 'systemctl status nginx >/dev/null 2>&1; echo $?' : 'service nginx status >/dev/null 2>&1; echo $?';
			const command = `${status}; dpkg -s nginx-common >/dev/null 2>&1; echo $?`;
			const results = await Promise.all(lab.nodes.map(async node => labSsh(lab, node, command)));
			// systemd: 0 running, 4 no such unit; SysV: 0 running, 1 unrecognized service.
			const missing = lab.kind === 'systemd' ? '4' : '1';
			expect(results.map(result => result.stdout.trim().split('\n'))).toEqual([
				['0', '0'],
				[missing, '1'],
				[missing, '1'],
			]);
		});

		it('knows no node123: no config entry, no name resolution', async () => {
			expect(readFileSync(lab.sshConfig, 'utf8')).not.toMatch(/node123/);
			const result = await labSsh(lab, 'node123', 'true');
			expect(result.code).toBe(255);
			expect(result.stderr).toMatch(/Could not resolve hostname node123/);
		});

		it('reports every node up through `lab.sh status`', () => {
			const result = spawnSync('bash', [labScript, 'status', '--name', lab.name, '--dir', lab.dir], {encoding: 'utf8'});
			expect(result.status).toBe(0);
			expect(result.stdout.split('\n').filter(line => line.includes('\tup\t'))).toHaveLength(3);
		});
	});

	it('keeps the two labs apart: different subnets, keys and host keys', () => {
		const address = (lab: LabInfo): string => /HostName (\S+)/.exec(readFileSync(lab.sshConfig, 'utf8'))?.[1] ?? '';
		expect(address(provision.sd).split('.').slice(0, 3)).not.toEqual(address(provision.sv).split('.').slice(0, 3));
		expect(readFileSync(`${provision.sd.identity}.pub`, 'utf8')).not.toBe(readFileSync(`${provision.sv.identity}.pub`, 'utf8'));
		expect(readFileSync(provision.sd.knownHosts, 'utf8')).not.toBe(readFileSync(provision.sv.knownHosts, 'utf8'));
	});

	it('refuses to start a lab whose name is already up', async () => {
		// Should it start after all, take it down again so the failure leaks nothing.
		const outcome = await startLab({name: provision.sd.name, kind: 'systemd', nodes: 1}).then(
			async lab => {
				await lab.down();
				return 'started';
			},
			(error: unknown) => String(error),
		);
		expect(outcome).toMatch(/is up already/);
	});

	it('starts and tears down a further lab, leaving nothing behind', async () => {
		const lab = await startLab({name: labName('smoke'), kind: 'sysv', nodes: 1});
		const result = await labSsh(lab, 'node1', 'hostname');
		expect([result.code, result.stdout.trim()]).toEqual([0, 'node1']);
		await lab.down();
		expect(existsSync(lab.dir)).toBe(false);
		expect(spawnSync('ip', ['link', 'show', `svl-${labName('smoke')}`]).status).not.toBe(0);
		expect(spawnSync('ip', ['netns', 'list'], {encoding: 'utf8'}).stdout).not.toMatch(new RegExp(`svlab-${labName('smoke')}-`));
		await lab.down(); // idempotent
	});

	it('tears a lab down by itself when its owner process is gone', async () => {
		const owner = spawn('sleep', ['600'], {stdio: 'ignore'});
		const lab = await startLab({name: labName('orphan'), kind: 'sysv', nodes: 1, owner: owner.pid ?? 0});
		try {
			expect(existsSync(lab.sshConfig)).toBe(true);
			const exited = new Promise(resolve => owner.once('exit', resolve));
			owner.kill('SIGKILL');
			await exited;
			await vi.waitFor(() => {
				expect(existsSync(lab.dir)).toBe(false);
			}, {timeout: 30_000, interval: 200});
			expect(spawnSync('ip', ['link', 'show', `svl-${labName('orphan')}`]).status).not.toBe(0);
		} finally {
			await lab.down();
		}
	});
});
