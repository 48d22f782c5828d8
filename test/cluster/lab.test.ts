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
		['OpenRC lab or', provision.or, 'init'],
	];

	// How each kind asks its service manager about a service (exit 0 running; Debian's OpenRC runs the
	// packages' LSB scripts, so its `rc-service` prints what `service` prints).
	const statusCommand = {sysv: 'service', openrc: 'rc-service'} as const;

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
			const command = lab.kind === 'systemd' ? 'systemctl is-active cron' : `${statusCommand[lab.kind]} cron status`;
			const expected = lab.kind === 'systemd' ? 'active' : 'cron is running.';
			const results = await Promise.all(lab.nodes.map(async node => labSsh(lab, node, command)));
			expect(results.map(result => [result.code, result.stdout.trim()])).toEqual(lab.nodes.map(() => [0, expected]));
		});

		it('has nginx installed and running on node1 only (dpkg agrees)', async () => {
			const status = lab.kind === 'systemd' ? 'systemctl status nginx' : `${statusCommand[lab.kind]} nginx status`;
			const command = `${status} >/dev/null 2>&1; echo $?; dpkg -s nginx-common >/dev/null 2>&1; echo $?`;
			const results = await Promise.all(lab.nodes.map(async node => labSsh(lab, node, command)));
			// systemd: 0 running, 4 no such unit; SysV: 0 running, 1 unrecognized service; OpenRC: 0
			// running, 1 "service `nginx' does not exist".
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

	it('boots OpenRC on the OpenRC lab: sysvinit runs it from inittab, it started ssh and cron, svctui will see /run/openrc, host cgroups untouched', async () => {
		const results = await Promise.all(provision.or.nodes.map(async node => labSsh(provision.or, node, 'test -d /run/openrc && rc-status --nocolor default')));
		for (const result of results) {
			expect(result.code).toBe(0);
			expect(result.stdout).toMatch(/^ ssh +\[ +started +\]$/m);
			expect(result.stdout).toMatch(/^ cron +\[ +started +\]$/m);
		}

		// nginx is in OpenRC's default runlevel on node1 only, as dpkg says.
		expect(results.map(result => /^ nginx /m.test(result.stdout))).toEqual([true, false, false]);
		// Nodes have no cgroup namespace: OpenRC's cgroups service would change the host's hierarchies.
		const mounts = await Promise.all(provision.or.nodes.map(async node => labSsh(provision.or, node, 'grep -c cgroup /proc/mounts')));
		expect(mounts.map(result => result.stdout.trim())).toEqual(['0', '0', '0']);
		// sysv-rc is gone (openrc replaced it), so this is not a SysV node in disguise.
		const sysvRc = await labSsh(provision.or, 'node1', 'dpkg-query -W -f \'${Package}=${db:Status-Status} \' sysv-rc openrc');
		expect(sysvRc.stdout.trim().split(' ').sort()).toEqual(['openrc=installed', 'sysv-rc=config-files']);
	});

	it('keeps the labs apart: different subnets, keys and host keys', () => {
		const address = (lab: LabInfo): string => /HostName (\S+)/.exec(readFileSync(lab.sshConfig, 'utf8'))?.[1] ?? '';
		for (const [one, other] of [
			[provision.sd, provision.sv],
			[provision.sd, provision.or],
			[provision.sv, provision.or],
		] as const) {
			expect(address(one).split('.').slice(0, 3)).not.toEqual(address(other).split('.').slice(0, 3));
			expect(readFileSync(`${one.identity}.pub`, 'utf8')).not.toBe(readFileSync(`${other.identity}.pub`, 'utf8'));
			expect(readFileSync(one.knownHosts, 'utf8')).not.toBe(readFileSync(other.knownHosts, 'utf8'));
		}
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
