import {existsSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, inject, it} from 'vitest';
import type {LabProvision} from '../helpers/lab.js';
import {spawnInPty} from '../helpers/pty.js';
import {skipWhen} from '../helpers/skip.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(root, 'dist', 'cli.js');
const provision: LabProvision = inject('svctuiLabs') ?? {available: false, reason: 'no lab was provided: add test/helpers/lab-global-setup.ts as globalSetup'};
const reason = !provision.available ? provision.reason : existsSync(cli) ? undefined : 'dist/cli.js is missing: build with npx tsc -p . first';

describe('the TUI on the systemd lab', skipWhen(reason), () => {
	it('reviews example2, runs it, shows a failed node, retries the failed tasks, quits and restores the terminal', async () => {
		if (!provision.available) {
			return;
		}

		const logDir = mkdtempSync(path.join(tmpdir(), 'svctui-tui-e2e-'));
		// A C locale: the app draws ASCII glyphs, as it would over a bare serial or SSH session.
		const env = {PATH: process.env['PATH'], HOME: process.env['HOME'], TERM: 'xterm-256color', LANG: 'C', NO_COLOR: '1'};
		const session = spawnInPty(process.execPath, [cli, '--plan', 'plans/example2.yaml', '-F', provision.sd.sshConfig, '--log-dir', logDir], {cwd: root, env});
		try {
			// `--plan` opens on the review, its pre-flight asking every node (node123 does not resolve).
			const review = await session.waitForScreen(screen => screen.includes('pre-flight: 4/4 nodes contacted'), 60_000);
			expect(session.buffer()).toBe('alternate');
			expect(review).toContain('1. start cron,nginx on node[1-3] (3 nodes), if ssh running');
			expect(review).toMatch(/node\[2-3\] +FAILS: not installed/);
			expect(review).toMatch(/ssh +node123 +UNREACHABLE/);

			session.write('y');
			// `>` marks the grid's selected cell (it reads without colour), hence the `>?` before cells.
			const run = await session.waitForScreen(screen => screen.includes('actions done 13/13') && screen.includes('run finished'), 90_000);
			expect(run).toMatch(/1 cron +>?\+ ok +>?\+ ok +>?\+ ok/);
			expect(run).toMatch(/1 nginx +>?\+ ok +>?x FAIL +>?x FAIL/);
			expect(run).toMatch(/2 ssh +>?\? DOWN/);
			expect(run).toMatch(/3 cron +>?\+ ok +>?- skip +>?- skip/);
			expect(run).toMatch(/4 ssh +>?\+ ok +>?\+ ok +>?\+ ok/);
			expect(run).toContain(`log: ${logDir}`);
			// Finished steps say how long they took, not an empty ETA.
			expect(run).toMatch(/step 1 \[#+\] 6\/6 \+ 4 x 2 took \d\d:\d\d/);
			expect(run).not.toContain('ETA --:--');

			// The log overlay opens on the report's end, says which lines it shows, and scrolls to the top.
			session.write('l');
			await session.waitForScreen(screen => screen.includes('Run log:') && /lines \d+-(\d+) of \1 \(end\)/.test(screen));
			session.write('g');
			await session.waitForScreen(screen => /lines 1-\d+ of \d+/.test(screen) && screen.includes('STEP 1 start cron, nginx (depends on ssh)'));
			session.write('\u001B');
			await session.waitForScreen(screen => !screen.includes('Run log:'));

			// The health pane folds the answering nodes by service manager, with latency min/median/max.
			session.write('2');
			await session.waitForScreen(screen => screen.includes('Not checked yet'));
			session.write('c');
			// Waits for the whole pane: a screen read back mid-frame may hold the new header over old rows.
			const healthShown = [/3 of 4 answer/, /\+ node\[1-3\] \(3\) systemd/, /latency min\/med\/max \d+\/\d+\/\d+/, /\? node123 \(1\) dns/];
			await session.waitForScreen(screen => healthShown.every(pattern => pattern.test(screen)), 60_000);
			session.write('3');
			await session.waitForScreen(screen => screen.includes('output'));

			// n jumps to the next failed node and shows its output.
			session.write('n');
			const output = await session.waitForScreen(screen => screen.includes('output: node2'));
			expect(output).toMatch(/\[1 nginx\] .*nginx/);

			session.write('R');
			const ask = await session.waitForScreen(screen => screen.includes('Retry 2 failed tasks?'));
			// The dialog wraps its sentence rather than cutting it.
			expect(ask).toContain('they failed.');
			session.write('y');
			const retry = await session.waitForScreen(screen => screen.includes('retry finished'), 60_000);
			expect(retry).toMatch(/1 nginx +>?x FAIL +>?x FAIL/);
			expect(retry).not.toMatch(/1 cron/);

			session.write('q');
			expect(await session.exited).toBe(1);
			expect(session.buffer()).toBe('normal');
		} finally {
			session.kill();
		}
	});

	it('restores the terminal and exits 130 on a SIGINT from outside (kill -INT), where raw mode makes Ctrl-C a key', async () => {
		if (!provision.available) {
			return;
		}

		const env = {PATH: process.env['PATH'], HOME: process.env['HOME'], TERM: 'xterm-256color', LANG: 'C', NO_COLOR: '1'};
		const session = spawnInPty(process.execPath, [cli, '--plan', 'plans/example1.yaml', '-F', provision.sd.sshConfig, '--log-dir', mkdtempSync(path.join(tmpdir(), 'svctui-tui-e2e-'))], {cwd: root, env});
		try {
			await session.waitForScreen(screen => screen.includes('n/Esc back'), 60_000);
			expect(session.buffer()).toBe('alternate');
			process.kill(session.pid, 'SIGINT');
			expect(await session.exited).toBe(130);
			expect(session.buffer()).toBe('normal');
		} finally {
			session.kill();
		}
	});
});
