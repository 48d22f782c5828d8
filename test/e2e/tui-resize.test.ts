import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, inject, it} from 'vitest';
import type {LabProvision} from '../helpers/lab.js';
import {spawnInPty, type PtySession} from '../helpers/pty.js';

// The layout of the run pane in a real pseudo-terminal: a session resized 120x40 -> 80x24 -> 120x40 ->
// 60x15 must show, at each size, exactly what a session started at that size shows; and PgUp/PgDn on a
// long node output move by the rows the output area really has.

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(root, 'dist', 'cli.js');
const provision: LabProvision = inject('svctuiLabs') ?? {available: false, reason: 'no lab was provided: add test/helpers/lab-global-setup.ts as globalSetup'};
const reason = !provision.available ? provision.reason : undefined;
const title = reason === undefined ? 'the TUI layout in a real terminal' : `the TUI layout in a real terminal (skipped: ${reason})`;

type Size = readonly [columns: number, rows: number];

/** Six status checks on three nodes: a run that takes a few seconds and leaves ~60 output lines on node1. */
const plan = '- cron,ssh,nginx,dbus,systemd-journald,systemd-logind:\n    state: status\n    nodes: node[1-3]\n';

/** What differs between two runs of the same plan: the log's folder and how long a step took. */
function normalized(screen: string): string {
	return screen.replaceAll(/log:? \S+/g, 'log LOG').replaceAll(/took \d\d:\d\d/g, 'took MM:SS');
}

/** The screen once the app has stopped drawing (the same for 600 ms). */
async function settled(session: PtySession): Promise<string> {
	let last = '';
	let same = 0;
	for (;;) {
		// eslint-disable-next-line no-await-in-loop
		const now = await session.waitForScreen(() => true);
		same = now === last ? same + 1 : 0;
		last = now;
		if (same >= 6) {
			return normalized(now);
		}

		// eslint-disable-next-line no-await-in-loop
		await new Promise(resolve => {
			setTimeout(resolve, 100);
		});
	}
}

describe.skipIf(reason !== undefined)(title, () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'svctui-layout-e2e-'));
	const planFile = path.join(dir, 'status.yaml');
	writeFileSync(planFile, plan);
	const env = {PATH: process.env['PATH'], HOME: process.env['HOME'], TERM: 'xterm-256color', LANG: 'C', NO_COLOR: '1'};

	/** A session at `size` that has reviewed and run the plan and sits on the finished run pane. */
	async function ranAt([columns, rows]: Size): Promise<PtySession> {
		if (!provision.available) {
			throw new Error('no lab');
		}

		const session = spawnInPty(process.execPath, [cli, '--plan', planFile, '-F', provision.sd.sshConfig, '--log-dir', dir], {cwd: root, env, columns, rows});
		await session.waitForScreen(screen => screen.includes('pre-flight: 3/3 nodes contacted'), 60_000);
		session.write('y');
		await session.waitForScreen(screen => screen.includes('actions done 18/18') && screen.includes('finished'), 60_000);
		return session;
	}

	it('draws each size after a resize as a fresh start at that size does (120x40 -> 80x24 -> 120x40 -> 60x15)', async () => {
		const sizes: readonly Size[] = [[80, 24], [120, 40], [60, 15]];
		const resized = await ranAt([120, 40]);
		const afterResize: string[] = [];
		try {
			for (const [columns, rows] of sizes) {
				resized.resize(columns, rows);
				// eslint-disable-next-line no-await-in-loop
				afterResize.push(await settled(resized));
			}
		} finally {
			resized.kill();
		}

		const fresh = await Promise.all(
			sizes.map(async size => {
				const session = await ranAt(size);
				try {
					return await settled(session);
				} finally {
					session.kill();
				}
			}),
		);
		for (const [index, [columns, rows]] of sizes.entries()) {
			expect(afterResize[index], `${columns}x${rows}`).toBe(fresh[index]);
		}

		// What the resized screens must not show: a run-pane line wrapped (one column too wide) or a
		// right pane whose first row is blank.
		expect(afterResize[0]).toMatch(/^ 3 Run +finished/m);
		expect(afterResize[0]).toMatch(/^step 1 \[#+\] 18\/18 \+ 18 x 0 took MM:SS$/m);
		expect(afterResize[1]?.split('\n')[0]).toMatch(/^ 1 Plan .*\| 3 Run +finished/);
	}, 240_000);

	it('pages a long node output by the rows the output area shows (PgUp, PgDn) at 120x40', async () => {
		const session = await ranAt([120, 40]);
		try {
			session.write('\r');
			await session.waitForScreen(screen => screen.includes('output: node1 (follow)'));
			const outputRows = (screen: string): string[] => {
				const lines = screen.split('\n');
				const start = lines.findIndex(line => line.includes('output: node1'));
				// The output area runs from under its title to the footer (the last line).
				return lines.slice(start + 1).filter(line => !line.startsWith('Enter select node')).slice(0, -1).map(line => line.slice(line.indexOf('|') + 1));
			};

			const following = outputRows(await settled(session));
			const page = following.length;
			expect(page).toBeGreaterThan(10);
			expect(following.every(line => line.trim() !== '')).toBe(true);

			session.write('\u001B[5~');
			const up = await settled(session);
			// One page up: scrolled by exactly the rows shown, and every one of them holds a line.
			expect(up).toContain(`output: node1 (scrolled ${page})`);
			expect(outputRows(up)).toHaveLength(page);
			expect(outputRows(up).every(line => line.trim() !== '')).toBe(true);
			expect(outputRows(up).at(-1)).not.toBe(following.at(-1));

			session.write('\u001B[5~');
			const top = await settled(session);
			expect(outputRows(top).every(line => line.trim() !== '')).toBe(true);

			session.write('\u001B[6~');
			session.write('\u001B[6~');
			const back = await settled(session);
			expect(back).toContain('output: node1 (follow)');
			expect(outputRows(back)).toEqual(following);
		} finally {
			session.kill();
		}
	}, 180_000);
});
