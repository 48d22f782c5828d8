import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {afterAll, describe, expect, inject, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {cliPath, repoRoot} from '../helpers/cli.js';
import type {LabInfo} from '../helpers/lab.js';
import {spawnInPty, type PtySession} from '../helpers/pty.js';
import {skipWhen} from '../helpers/skip.js';

// The app steers a rollout on the real nodes, driven through a pseudo-terminal as a person would: the
// canary's question with its output, pause and resume between batches, the next batches' fanout and
// size, and stop. What ran is read back from the run's events.jsonl.

const labs = inject('svctuiLabs');
const skipReason = !labs.available ? labs.reason : existsSync(cliPath) ? undefined : 'dist/cli.js is missing: build with npx tsc -p . first';

/** Generous: two cores are shared by the whole team, and a restart waits for the service manager. */
const wait = 120_000;

function runEvents(logDir: string): ExecutorEvent[] {
	const folder = readdirSync(logDir).find(name => name.startsWith('log_'));
	expect(folder, `no run folder in ${logDir}`).toBeDefined();
	return readFileSync(path.join(logDir, folder ?? '', 'events.jsonl'), 'utf8').trim().split('\n').map(line => JSON.parse(line) as ExecutorEvent);
}

/** `batch 1.2/3 node2 [fanout 1]`, `paused 1 canary`, `stopped 1 canary-stopped` … in the order they happened. */
function story(events: readonly ExecutorEvent[]): string[] {
	return events.flatMap(event => {
		switch (event.type) {
			case 'batch-started': {
				return [`batch ${event.step}.${event.batch}/${event.batches} ${event.nodes.join(',')}${event.fanout === undefined ? '' : ` fanout ${event.fanout}`}`];
			}

			case 'rollout-paused': {
				return [`paused ${event.step} ${event.reason}`];
			}

			case 'canary-decided': {
				return [`canary ${event.decision}`];
			}

			case 'rollout-stopped': {
				return [`stopped ${event.step} ${event.reason} notDone=${event.notDone.join(',')}`];
			}

			default: {
				return [];
			}
		}
	});
}

/** Nodes a command of `step` started on. */
/** The nodes a step started a command on, sorted: the nodes of one batch start in any order. */
function ranOn(events: readonly ExecutorEvent[], step: number): string[] {
	return [...new Set(events.flatMap(event => (event.type === 'command-started' && event.step === step ? [event.node] : [])))].sort();
}

describe('the app steers a rollout on the local cluster', skipWhen(skipReason), () => {
	if (!labs.available) {
		it('steers rollouts on the local cluster', () => undefined);
		return;
	}

	const dir = mkdtempSync(path.join(tmpdir(), 'svctui-tui-rollout-'));
	afterAll(() => {
		rmSync(dir, {recursive: true, force: true});
	});

	/** The app on `plan` against `lab`, its review up; resolves once the pre-flight asked every node. */
	async function openApp(lab: LabInfo, name: string, text: string): Promise<{session: PtySession; logDir: string}> {
		const file = path.join(dir, `${name}-${lab.kind}.yaml`);
		writeFileSync(file, text);
		const logDir = mkdtempSync(path.join(dir, `${name}-${lab.kind}-log-`));
		const env = {PATH: process.env['PATH'], HOME: dir, TERM: 'xterm-256color', LANG: 'C', NO_COLOR: '1', XDG_STATE_HOME: dir};
		const session = spawnInPty(process.execPath, [cliPath, '--plan', file, '-F', lab.sshConfig, '--log-dir', logDir], {cwd: repoRoot, env, columns: 200, rows: 40});
		await session.waitForScreen(screen => screen.includes('pre-flight: 3/3 nodes contacted'), wait);
		return {session, logDir};
	}

	async function quit(session: PtySession): Promise<number> {
		await session.waitForScreen(screen => screen.includes('run finished'), wait);
		session.write('q');
		return session.exited;
	}

	describe.each([
		['systemd', labs.sd],
		['SysV', labs.sv],
	] as const)('%s nodes', (_kind, lab) => {
		it('the canary pauses the run and shows its output; y goes on; p holds after the batch, F sets the fanout, c resumes', async () => {
			const {session, logDir} = await openApp(lab, 'canary-go', '- cron:\n    state: restart\n    nodes: node[1-3]\n    canary: 1\n    serial: 1\n    pause: 10s\n');
			try {
				session.write('y');
				const question = await session.waitForScreen(screen => screen.includes('go on with the rollout?'), wait);
				expect(question).toContain('Canary batch of step 1 done (node1): go on with the rollout?');
				expect(question).toContain('ok: 1 task ok, 0 failed on 1 canary node; 2 nodes wait');
				expect(question).toContain('cron on node1 (1): ok exit 0');
				expect(question).toContain('y/c go on with the rollout (2 nodes left)');
				// The run waits: nothing happened on node2 and node3 while the question is up.
				expect(ranOn(runEvents(logDir), 1)).toEqual(['node1']);

				session.write('y');
				// The timed pause after the canary: p now holds the rollout once it is over.
				await session.waitForScreen(screen => screen.includes('pausing before the next batch'), wait);
				session.write('p');
				await session.waitForScreen(screen => screen.includes('PAUSED: c resumes'), wait);
				session.write('F');
				await session.waitForScreen(screen => screen.includes('Fanout for the next batches'), wait);
				session.write('1');
				await session.waitForScreen(screen => screen.includes('1 at once'), wait);
				session.write('\r');
				const held = await session.waitForScreen(screen => screen.includes('fanout 1 from the next batch on') && screen.includes('PAUSED: c resumes'), wait);
				expect(held).toMatch(/rollout step 1: 1\/3 batches done \[#\.\.\] \| PAUSED: c resumes \| failed nodes 0 \| fanout 1/);
				// Held well past the plan's own pause: the next batch does not start by itself.
				await new Promise(resolve => {
					setTimeout(resolve, 8000);
				});
				expect(ranOn(runEvents(logDir), 1)).toEqual(['node1']);

				session.write('c');
				expect(await quit(session)).toBe(0);
				const events = runEvents(logDir);
				expect(story(events)).toEqual([
					'batch 1.1/3 node1',
					'paused 1 canary',
					'canary continue',
					'paused 1 pause',
					'paused 1 held',
					'batch 1.2/3 node2 fanout 1',
					'paused 1 pause',
					'batch 1.3/3 node3 fanout 1',
				]);
				expect(ranOn(events, 1)).toEqual(['node1', 'node2', 'node3']);
			} finally {
				session.kill();
			}
		}, 600_000);

		it('s at a failed canary stops the rollout: its output is shown, the later batches never run', async () => {
			const {session, logDir} = await openApp(lab, 'canary-stop', '- svnope,cron:\n    state: restart\n    nodes: node[1-3]\n    canary: 1\n');
			try {
				session.write('y');
				const question = await session.waitForScreen(screen => screen.includes('go on with the rollout?'), wait);
				expect(question).toContain('FAILED: 1 task ok, 1 failed on 1 canary node; 2 nodes wait');
				// The failed node's output comes first, with what the service manager said.
				const lines = question.split('\n');
				const failedAt = lines.findIndex(line => /svnope on node1 \(1\): failed exit \d+/.test(line));
				expect(failedAt, question).toBeGreaterThan(0);
				expect(lines[failedAt + 1]).toMatch(/^\| {3}.*svnope/);
				expect(question).toContain('cron on node1 (1): ok exit 0');

				session.write('s');
				const stopped = await session.waitForScreen(screen => screen.includes('run finished'), wait);
				expect(stopped).toContain('STOPPED (canary-stopped');
				session.write('q');
				expect(await session.exited).toBe(1);
				const events = runEvents(logDir);
				expect(story(events)).toEqual(['batch 1.1/2 node1', 'paused 1 canary', 'canary stop', 'stopped 1 canary-stopped notDone=node2,node3']);
				expect(ranOn(events, 1)).toEqual(['node1']);
			} finally {
				session.kill();
			}
		}, 600_000);

		it('B sets the size of the next batches, and S stops the rollout: the running batch ends, the later ones never start', async () => {
			const {session, logDir} = await openApp(
				lab,
				'size-stop',
				'- cron:\n    state: restart\n    nodes: node[1-3]\n    serial: 1\n    pause: 10s\n- cron:\n    state: status\n    nodes: node[1-3]\n    serial: 1\n    pause: 10s\n',
			);
			try {
				session.write('y');
				await session.waitForScreen(screen => screen.includes('pausing before the next batch'), wait);
				session.write('B');
				await session.waitForScreen(screen => screen.includes('Nodes per batch for the next batches'), wait);
				session.write('2');
				await session.waitForScreen(screen => screen.includes('batches of 2'), wait);
				session.write('\r');
				// Step 2 rolls in batches of 2 too; S during its pause stops before its last batch.
				await session.waitForScreen(screen => /rollout step 2: 1\/2 batches done \[#\.\] \| pausing before the next batch/.test(screen), wait);
				session.write('S');
				await session.waitForScreen(screen => screen.includes('Stop the rollout?'), wait);
				session.write('y');
				const stopped = await session.waitForScreen(screen => screen.includes('run finished'), wait);
				expect(stopped).toContain('STOPPED (admin-stopped: stopped by the admin after batch 1 of 2 of step 2)');
				session.write('q');
				expect(await session.exited).toBe(1);
				const events = runEvents(logDir);
				expect(story(events)).toEqual([
					'batch 1.1/3 node1',
					'paused 1 pause',
					'batch 1.2/2 node2,node3',
					'batch 2.1/2 node1,node2',
					'paused 2 pause',
					'stopped 2 admin-stopped notDone=node3',
				]);
				expect(ranOn(events, 2)).toEqual(['node1', 'node2']);
			} finally {
				session.kill();
			}
		}, 600_000);
	});
});
