import {chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, inject, it} from 'vitest';
import type {LabProvision} from '../helpers/lab.js';
import {spawnInPty, type PtySession} from '../helpers/pty.js';
import {skipWhen} from '../helpers/skip.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(root, 'dist', 'cli.js');
const provision: LabProvision = inject('svctuiLabs') ?? {available: false, reason: 'no lab was provided: add test/helpers/lab-global-setup.ts as globalSetup'};
const reason = !provision.available ? provision.reason : existsSync(cli) ? undefined : 'dist/cli.js is missing: build with npx tsc -p . first';

/**
 * A temp dir with a copy of plans/example1.yaml and an executable EDITOR script whose body is `body`
 * (run by sh with the plan file as $1).
 */
function workspace(body: string): {plan: string; editor: string; dir: string} {
	const dir = mkdtempSync(path.join(tmpdir(), 'svctui-editor-e2e-'));
	const plan = path.join(dir, 'plan.yaml');
	copyFileSync(path.join(root, 'plans', 'example1.yaml'), plan);
	const editor = path.join(dir, 'editor.sh');
	writeFileSync(editor, `#!/bin/sh\n${body}\n`);
	chmodSync(editor, 0o755);
	return {plan, editor, dir};
}

/** Open the app on `plan` with `editor` as $EDITOR, leave the review and focus the plan pane. */
async function openOnPlanPane(plan: string, editor: string, sshConfig: string): Promise<PtySession> {
	// No VISUAL: it would win over EDITOR. A C locale: ASCII glyphs, so the cursor is `>`.
	const env = {PATH: process.env['PATH'], HOME: process.env['HOME'], TERM: 'xterm-256color', LANG: 'C', NO_COLOR: '1', EDITOR: editor};
	const session = spawnInPty(process.execPath, [cli, '--plan', plan, '-F', sshConfig, '--log-dir', path.dirname(plan)], {cwd: root, env});
	await session.waitForScreen(screen => screen.includes('n/Esc back'), 60_000);
	session.write('n');
	await session.waitForScreen(screen => !screen.includes('n/Esc back'));
	session.write('1');
	await session.waitForScreen(screen => screen.includes('>1. start cron on node[1-3] (3)'));
	return session;
}

describe('$EDITOR from the TUI in a real terminal', skipWhen(reason), () => {
	it('hands the terminal to the editor in cooked mode on the normal screen, then takes it back with the plan reloaded', async () => {
		if (!provision.available) {
			return;
		}

		// An editor that talks to the terminal: it records the line discipline, reads a line (which only
		// ends on Enter if the app gave back cooked mode), then appends a step and the line it read.
		const {plan, editor, dir} = workspace([
			'stty -a > "$(dirname "$1")/stty.txt"',
			'printf "EDITOR READY, type a word: "',
			'read answer',
			String.raw`printf -- '- ssh:\n    state: status\n    nodes: node1\n# %s\n' "$answer" >> "$1"`,
		].join('\n'));
		const session = await openOnPlanPane(plan, editor, provision.sd.sshConfig);
		try {
			session.write('e');
			await session.waitForScreen(screen => screen.includes('EDITOR READY, type a word:'));
			// The app left its alternate screen for the editor, and its frame is not drawn over it.
			expect(session.buffer()).toBe('normal');
			expect(session.screen().join('\n')).not.toContain('1 Plan');
			const modes = readFileSync(path.join(dir, 'stty.txt'), 'utf8');
			expect(modes).toMatch(/(^|\s)icanon(\s|$)/);
			expect(modes).toMatch(/(^|\s)echo(\s|$)/);
			expect(modes).toMatch(/(^|\s)icrnl(\s|$)/);

			// Echo is on: the typed word shows before Enter.
			session.write('hello');
			await session.waitForScreen(screen => screen.includes('type a word: hello'));
			session.write('\r');

			// Back on the alternate screen, the plan reloaded with its second step.
			const back = await session.waitForScreen(screen => screen.includes('loaded') && screen.includes('2. status ssh on node1 (1)'));
			expect(session.buffer()).toBe('alternate');
			expect(back).toContain('>1. start cron on node[1-3] (3)');
			expect(back).toContain('2 steps');
			expect(readFileSync(plan, 'utf8')).toContain('# hello');

			// Raw mode is back: one key moves the cursor (no Enter needed) and q quits at once.
			session.write('j');
			await session.waitForScreen(screen => screen.includes('>2. status ssh on node1 (1)'));
			session.write('q');
			expect(await session.exited).toBe(0);
			expect(session.buffer()).toBe('normal');
		} finally {
			session.kill();
		}
	});

	it('leaves Ctrl-C and Ctrl-\\ typed in the editor to the editor: the app comes back with the plan as it was', async () => {
		if (!provision.available) {
			return;
		}

		// In cooked mode these keys signal the whole foreground process group, the app included.
		const {plan, editor} = workspace(['printf "EDITOR READY: "', 'read answer', String.raw`printf -- '- ssh:\n    state: status\n    nodes: node1\n' >> "$1"`].join('\n'));
		const before = readFileSync(plan, 'utf8');
		const session = await openOnPlanPane(plan, editor, provision.sd.sshConfig);
		try {
			for (const [key, status] of [['\u0003', 130], ['\u001C', 131]] as const) {
				session.write('e');
				// eslint-disable-next-line no-await-in-loop
				await session.waitForScreen(screen => screen.includes('EDITOR READY:'));
				session.write(key);
				// eslint-disable-next-line no-await-in-loop
				const back = await session.waitForScreen(screen => screen.includes(`the editor exited with status ${status}`));
				expect(session.buffer()).toBe('alternate');
				expect(back).toContain('>1. start cron on node[1-3] (3)');
				expect(back).not.toContain(' 2. ');
			}

			expect(readFileSync(plan, 'utf8')).toBe(before);
			// Still in raw mode, still alive: q quits at once, and the terminal is restored.
			session.write('q');
			expect(await session.exited).toBe(0);
			expect(session.buffer()).toBe('normal');
		} finally {
			session.kill();
		}
	});

	it('shows an invalid plan written by the editor inline at its step', async () => {
		if (!provision.available) {
			return;
		}

		const {plan, editor} = workspace(String.raw`printf -- '- ssh:\n    state: bogus\n    nodes: node1\n' >> "$1"`);
		const session = await openOnPlanPane(plan, editor, provision.sd.sshConfig);
		try {
			session.write('e');
			const shown = await session.waitForScreen(screen => screen.includes('1 problem'));
			expect(session.buffer()).toBe('alternate');
			const lines = shown.split('\n');
			const step = lines.findIndex(line => line.includes('2. bogus ssh on node1'));
			expect(step).toBeGreaterThan(-1);
			// The error sits right under the step it belongs to, with its file position.
			expect(lines[step + 1]).toMatch(/x line 6:\d+: unknown state "bogus"/);
			expect(shown).toContain(`${plan}: 1 problem; e opens it in $EDITOR`);

			session.write('q');
			expect(await session.exited).toBe(0);
			expect(session.buffer()).toBe('normal');
		} finally {
			session.kill();
		}
	});
});
