import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, inject, it} from 'vitest';
import type {LabInfo, LabProvision} from '../helpers/lab.js';
import {spawnInPty} from '../helpers/pty.js';
import {skipWhen} from '../helpers/skip.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(root, 'dist', 'cli.js');
const provision: LabProvision = inject('svctuiLabs') ?? {available: false, reason: 'no lab was provided: add test/helpers/lab-global-setup.ts as globalSetup'};
const reason = !provision.available ? provision.reason : existsSync(cli) ? undefined : 'dist/cli.js is missing: build with npx tsc -p . first';

const plan = '- cron:\n    state: status\n    nodes: node[1-3]\n- ssh:\n    state: status\n    nodes: node[1-3]\n';
const nodes = ['node1', 'node2', 'node3'];

/**
 * SSH connections each node's sshd has taken so far, from its own journal: PAM opens one session per
 * connection (channels multiplexed over it add none), so this counts connections, not commands.
 */
function sshdSessions(lab: LabInfo, node: string): number {
	const journal = path.join(lab.dir, 'machines', node, 'upper', 'var', 'log', 'journal');
	const result = spawnSync('journalctl', ['-D', ...readdirSync(journal).map(entry => path.join(journal, entry)), '--no-pager', '-o', 'cat', '_COMM=sshd'], {encoding: 'utf8'});
	return result.stdout.split('\n').filter(line => line.includes('session opened for user root')).length;
}

function allSessions(lab: LabInfo): number[] {
	return nodes.map(node => sshdSessions(lab, node));
}

/** journald writes within a moment: wait until the counts reach `expected`, or give the last ones after `ms`. */
async function settledSessions(lab: LabInfo, expected: readonly number[], ms = 5000): Promise<number[]> {
	const deadline = Date.now() + ms;
	for (;;) {
		const counts = allSessions(lab);
		if (counts.every((count, index) => count >= (expected[index] ?? 0)) || Date.now() > deadline) {
			return counts;
		}

		// eslint-disable-next-line no-await-in-loop
		await new Promise(resolve => setTimeout(resolve, 100));
	}
}

/** SIGKILL the node's per-connection sshd processes (`sshd: root…`), as a node that drops its connections. */
function killSshdSessions(lab: LabInfo, node: string): number {
	const pids = spawnSync('ip', ['netns', 'pids', `svlab-${lab.name}-${node}`], {encoding: 'utf8'}).stdout.split('\n').filter(Boolean);
	let killed = 0;
	for (const pid of pids) {
		try {
			if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sshd: root')) {
				process.kill(Number(pid), 'SIGKILL');
				killed++;
			}
		} catch {
			// Gone meanwhile.
		}
	}

	return killed;
}

/** This host's TCP sockets to the node (any state but TIME-WAIT): the app's connection while it holds one. */
function clientSockets(lab: LabInfo, node: string): number {
	const config = readFileSync(lab.sshConfig, 'utf8');
	const address = new RegExp(`Host ${node}\\s+HostName\\s+(\\S+)`, 'm').exec(config.replaceAll(/\n\s+/g, ' '))?.[1];
	expect(address).toBeDefined();
	return spawnSync('ss', ['-Htn', 'exclude', 'time-wait', 'dst', address!], {encoding: 'utf8'}).stdout.split('\n').filter(Boolean).length;
}

async function waitUntil(condition: () => boolean, ms = 10_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!condition()) {
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${ms} ms waiting for ${condition.toString()}`);
		}

		// eslint-disable-next-line no-await-in-loop
		await new Promise(resolve => setTimeout(resolve, 50));
	}
}

type LoggedEvent = {readonly type: string; readonly node?: string; readonly reused?: boolean};

function runEvents(logDir: string): LoggedEvent[] {
	const runs = readdirSync(logDir).filter(entry => existsSync(path.join(logDir, entry, 'events.jsonl')));
	expect(runs).toHaveLength(1);
	return readFileSync(path.join(logDir, runs[0]!, 'events.jsonl'), 'utf8')
		.split('\n')
		.filter(line => line !== '')
		.map(line => JSON.parse(line) as LoggedEvent);
}

function startApp(lab: LabInfo, extra: readonly string[]) {
	const dir = mkdtempSync(path.join(tmpdir(), 'svctui-reuse-e2e-'));
	writeFileSync(path.join(dir, 'status.yaml'), plan);
	const logDir = path.join(dir, 'logs');
	const env = {PATH: process.env['PATH'], HOME: process.env['HOME'], TERM: 'xterm-256color', LANG: 'C', NO_COLOR: '1'};
	const session = spawnInPty(process.execPath, [cli, '--plan', 'status.yaml', '-F', lab.sshConfig, '--log-dir', logDir, ...extra], {cwd: dir, env, columns: 120});
	return {session, logDir};
}

describe('the review\'s pre-flight connections carry into the run (systemd lab, the app in a pty)', skipWhen(reason), () => {
	it('y within the window: the run opens no connection (sshd logs, run events); the review said it would reuse them', async () => {
		if (!provision.available) {
			return;
		}

		const lab = provision.sd;
		const before = allSessions(lab);
		const {session, logDir} = startApp(lab, []);
		try {
			const review = await session.waitForScreen(screen => screen.includes('pre-flight: 3/3 nodes contacted') && screen.includes('connections:'), 60_000);
			expect(review).toMatch(/connections: the run reuses these 3 until \d\d:\d\d:\d\d and opens none/);
			const afterReview = await settledSessions(lab, before.map(count => count + 1));
			expect(afterReview).toEqual(before.map(count => count + 1));

			session.write('y');
			await session.waitForScreen(screen => screen.includes('run finished'), 60_000);
			// Give journald the time it would need to show a connection the run might have opened.
			await new Promise(resolve => setTimeout(resolve, 1500));
			expect(allSessions(lab)).toEqual(afterReview);
			const events = runEvents(logDir);
			expect(events.filter(event => event.type === 'node-connecting')).toEqual([]);
			expect(events.filter(event => event.type === 'node-connected').map(event => `${event.node} ${event.reused}`).sort()).toEqual(['node1 true', 'node2 true', 'node3 true']);
			expect(events.filter(event => event.type === 'command-exited')).toHaveLength(6);
			session.write('q');
			expect(await session.exited).toBe(0);
		} finally {
			session.kill();
		}
	});

	it('a held connection the node dropped meanwhile is connected again; the others are reused', async () => {
		if (!provision.available) {
			return;
		}

		const lab = provision.sd;
		const before = allSessions(lab);
		const {session, logDir} = startApp(lab, []);
		try {
			await session.waitForScreen(screen => screen.includes('connections: the run reuses these 3 until'), 60_000);
			// Held: the app keeps exactly one connection to the node while the review is shown.
			expect(clientSockets(lab, 'node2')).toBe(1);
			// The node's side ends the idle connection: its sshd session processes die (the listener stays).
			expect(killSshdSessions(lab, 'node2')).toBeGreaterThan(0);
			// The app sees the connection end (its socket to node2 goes) before y.
			await waitUntil(() => clientSockets(lab, 'node2') === 0);
			session.write('y');
			await session.waitForScreen(screen => screen.includes('run finished'), 60_000);
			const expected = [before[0]! + 1, before[1]! + 2, before[2]! + 1];
			expect(await settledSessions(lab, expected)).toEqual(expected);
			const events = runEvents(logDir);
			expect(events.filter(event => event.type === 'node-connecting').map(event => event.node)).toEqual(['node2']);
			expect(events.filter(event => event.type === 'node-connected').map(event => `${event.node} ${event.reused ?? 'new'}`).sort()).toEqual(['node1 true', 'node2 new', 'node3 true']);
			expect(events.filter(event => event.type === 'command-exited')).toHaveLength(6);
			expect(events.some(event => event.type === 'node-unreachable')).toBe(false);
			session.write('q');
			expect(await session.exited).toBe(0);
		} finally {
			session.kill();
		}
	});

	it('past the window (--reuse-window 2s) the review says they closed, and the run connects to every node again', async () => {
		if (!provision.available) {
			return;
		}

		const lab = provision.sd;
		const before = allSessions(lab);
		const {session, logDir} = startApp(lab, ['--reuse-window', '2s']);
		try {
			await session.waitForScreen(screen => screen.includes('pre-flight: 3/3 nodes contacted') && screen.includes('connections: the run reuses these 3 until'), 60_000);
			await session.waitForScreen(screen => /connections: closed at \d\d:\d\d:\d\d \(--reuse-window\); the run connects again/.test(screen), 10_000);
			session.write('y');
			await session.waitForScreen(screen => screen.includes('run finished'), 60_000);
			expect(await settledSessions(lab, before.map(count => count + 2))).toEqual(before.map(count => count + 2));
			const events = runEvents(logDir);
			expect(events.filter(event => event.type === 'node-connecting').map(event => event.node).sort()).toEqual(nodes);
			expect(events.some(event => event.reused === true)).toBe(false);
			session.write('q');
			expect(await session.exited).toBe(0);
		} finally {
			session.kill();
		}
	});
});
