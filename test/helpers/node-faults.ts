import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmdirSync, writeFileSync} from 'node:fs';
import {createServer, type Server, type Socket} from 'node:net';
import path from 'node:path';
import {labSsh, type LabInfo} from './lab.js';

/**
 * Faults done to a lab node from the host, each with its undo. They act on real kernel objects the lab created
 * (the node's pid namespace, its veth on the lab bridge) and on processes found by PID, never by name.
 */

/** Host PID of the node's PID 1: sysvinit (recorded by lab.sh) or systemd (the child of systemd-nspawn). */
export function nodeInitPid(lab: LabInfo, node: string): number {
	const state = readFileSync(path.join(lab.dir, 'state'), 'utf8');
	const recorded = new RegExp(`^pid-${lab.kind} ${node} (\\d+) `, 'm').exec(state)?.[1];
	if (recorded === undefined) throw new Error(`${lab.name}: no PID recorded for ${node}`);
	const pid = Number(recorded);
	if (lab.kind === 'sysv') return pid;
	// systemd-nspawn's own pid namespace is the host's; the container's init is its child in a new one.
	const own = readlinkSync(`/proc/${pid}/ns/pid`);
	const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
	const init = children.find(child => readlinkSync(`/proc/${child}/ns/pid`) !== own);
	if (init === undefined) throw new Error(`${lab.name}: ${node}'s systemd has no PID 1 in a pid namespace of its own`);
	return init;
}

/** Host PIDs of every process in the node's pid namespace (its init included). */
export function nodePids(lab: LabInfo, node: string): number[] {
	const namespace = readlinkSync(`/proc/${nodeInitPid(lab, node)}/ns/pid`);
	return readdirSync('/proc').flatMap(entry => {
		if (!/^\d+$/.test(entry)) return [];
		try {
			return readlinkSync(`/proc/${entry}/ns/pid`) === namespace ? [Number(entry)] : [];
		} catch {
			return []; // gone meanwhile
		}
	});
}

/** Run `argv` inside the node's namespaces (all of them, as `nsenter -a`). */
export function inNode(lab: LabInfo, node: string, argv: readonly string[]): {status: number | null; stdout: string; stderr: string} {
	const result = spawnSync('nsenter', ['-t', String(nodeInitPid(lab, node)), '-a', ...argv], {encoding: 'utf8', timeout: 20_000});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

/**
 * Move every process of the node into a cgroup of our own under the v1 `controller`, after `settings` (file →
 * value) were written to it: a process moved there gets them at once, and one it forks meanwhile is caught on the
 * next pass. Returns the undo: `release` settings first (a thaw), every process back to the root cgroup, ours removed.
 */
function confineNode(lab: LabInfo, node: string, controller: 'freezer' | 'cpu', settings: Record<string, string>, release: Record<string, string>): () => void {
	const root = path.join('/sys/fs/cgroup', controller);
	const cgroup = path.join(root, `svctui-fault-${lab.name}-${node}`);
	if (!existsSync(cgroup)) mkdirSync(cgroup);
	for (const [file, value] of Object.entries(settings)) writeFileSync(path.join(cgroup, file), value);
	const procs = path.join(cgroup, 'cgroup.procs');
	for (let pass = 0; pass < 20; pass++) {
		const inside = new Set(readProcs(procs));
		const outside = nodePids(lab, node).filter(pid => !inside.has(pid));
		if (outside.length === 0) break;
		for (const pid of outside) moveTo(procs, pid);
	}

	return () => {
		for (const [file, value] of Object.entries(release)) writeFileSync(path.join(cgroup, file), value);
		// A thawed sshd may fork (a queued connection) between the read and the move, and an exiting process stays
		// listed until it is reaped: move what is there, and retry the removal for up to 5 s.
		for (let attempt = 0; ; attempt++) {
			for (const pid of readProcs(procs)) moveTo(path.join(root, 'cgroup.procs'), pid);
			try {
				rmdirSync(cgroup);
				return;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EBUSY' || attempt >= 100) throw error;
				Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
			}
		}
	};
}

/**
 * Freeze every process of the node with the cgroup v1 freezer. The kernel still answers TCP for the node's
 * sockets: a hung machine, not a dead one. Returns the undo (thaw).
 */
export function freezeNode(lab: LabInfo, node: string): () => void {
	return confineNode(lab, node, 'freezer', {'freezer.state': 'FROZEN'}, {'freezer.state': 'THAWED'});
}

/** Give the node's processes `percent` of one CPU (CFS quota): an overloaded machine. Returns the undo. */
export function throttleNode(lab: LabInfo, node: string, percent: number): () => void {
	return confineNode(lab, node, 'cpu', {'cpu.cfs_period_us': '100000', 'cpu.cfs_quota_us': String(percent * 1000)}, {'cpu.cfs_quota_us': '-1'});
}

function readProcs(file: string): number[] {
	return readFileSync(file, 'utf8').split('\n').filter(line => line !== '').map(Number);
}

function moveTo(procs: string, pid: number): void {
	try {
		writeFileSync(procs, `${pid}\n`);
	} catch {
		// The process exited meanwhile.
	}
}

/** The host end of the node's veth on the lab bridge (lab.sh names it `svl<lab>-<index>`). */
export function hostVeth(lab: LabInfo, node: string): string {
	return `svl${lab.name}-${node.replace(/^node/, '')}`;
}

/** Take the node's link down: packets to it are dropped silently, as when a cable is pulled. Returns the undo. */
export function cutNetwork(lab: LabInfo, node: string): () => void {
	const veth = hostVeth(lab, node);
	ip(['link', 'set', veth, 'down']);
	return () => ip(['link', 'set', veth, 'up']);
}

function ip(args: readonly string[]): void {
	run('ip', args);
}

function run(command: string, args: readonly string[]): void {
	const result = spawnSync(command, args, {encoding: 'utf8'});
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr.trim()}`);
}

/** Stop or start the node's sshd with its own service manager. */
export function sshdService(lab: LabInfo, node: string, action: 'start' | 'stop'): void {
	const argv = lab.kind === 'systemd' ? ['systemctl', action, 'ssh.service'] : ['service', 'ssh', action];
	const result = inNode(lab, node, argv);
	if (result.status !== 0) throw new Error(`${node}: ${argv.join(' ')}: ${result.stderr.trim()}`);
}

/** SIGKILL every sshd process of the node (listener and sessions), found by PID in its pid namespace. */
export function killSshd(lab: LabInfo, node: string): number[] {
	const killed: number[] = [];
	for (const pid of nodePids(lab, node)) {
		let command = '';
		try {
			command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
		} catch {
			continue;
		}

		if (/^sshd[:\s\0]|^\/usr\/sbin\/sshd\0/.test(command)) {
			try {
				process.kill(pid, 'SIGKILL');
				killed.push(pid);
			} catch {}
		}
	}

	return killed;
}

/** Poll until `ssh node true` works again (after a fault was undone), for at most `ms`. */
export async function waitForSsh(lab: LabInfo, node: string, ms = 20_000): Promise<void> {
	const deadline = Date.now() + ms;
	for (;;) {
		const result = await labSsh(lab, node, 'true');
		if (result.code === 0) return;
		if (Date.now() > deadline) throw new Error(`${node} of ${lab.name} does not answer ssh again: ${result.stderr.trim()}`);
		await new Promise(resolve => setTimeout(resolve, 200));
	}
}

/**
 * A service that hangs on `start` until stopped, on either kind of node: a oneshot unit whose start job runs
 * `sleep` (systemd), or an init script that becomes `sleep` (SysV). `stop` ends it on both.
 */
export async function installHangService(lab: LabInfo, node: string): Promise<void> {
	const command =
		lab.kind === 'systemd'
			? `printf '%s\\n' '[Service]' 'Type=oneshot' 'ExecStart=/bin/sleep 4242' 'TimeoutStartSec=120' > /etc/systemd/system/svhang.service && systemctl daemon-reload`
			: `printf '%s\\n' '#!/bin/sh' 'case "$1" in' 'start) echo $$ > /run/svhang.pid; exec sleep 4242 ;;' 'stop) [ -f /run/svhang.pid ] && kill $(cat /run/svhang.pid) 2>/dev/null; rm -f /run/svhang.pid; exit 0 ;;' 'status) exit 3 ;;' '*) exit 0 ;;' 'esac' > /etc/init.d/svhang && chmod +x /etc/init.d/svhang`;
	const result = await labSsh(lab, node, command);
	if (result.code !== 0) throw new Error(`${node}: could not install svhang: ${result.stderr}`);
}

/** Stop svhang (the start job or the sleeping script) and say whether a `sleep 4242` is still running after it. */
export async function stopHangService(lab: LabInfo, node: string): Promise<string> {
	const stop = lab.kind === 'systemd' ? 'systemctl stop svhang' : 'service svhang stop';
	// The bracket keeps grep from matching its own command line.
	const result = await labSsh(lab, node, `${stop}; for i in $(seq 50); do ps -eo args | grep -q "[s]leep 4242" || exit 0; sleep 0.1; done; ps -eo args | grep "[s]leep 4242"`);
	return result.stdout;
}

/**
 * A TCP listener on loopback that accepts connections, reads what arrives and never says a word, nor closes its side
 * when the client closes its own (allowHalfOpen): as a hung machine whose kernel still holds the socket.
 */
export async function blackHole(): Promise<{port: number; stop(): Promise<void>}> {
	const accepted = new Set<Socket>();
	const server: Server = createServer({allowHalfOpen: true}, socket => {
		accepted.add(socket);
		socket.on('error', () => {});
		socket.resume();
		socket.once('close', () => accepted.delete(socket));
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	return {
		port: typeof address === 'object' && address !== null ? address.port : 0,
		async stop() {
			for (const socket of accepted) socket.destroy();
			await new Promise<void>(resolve => server.close(() => resolve()));
		},
	};
}
