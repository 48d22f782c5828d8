import {copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {spawnInPty} from '../helpers/pty.js';

// Saving from the app in a real terminal. No lab: nothing runs; the pre-flight's nodes are refused at
// once (port 1 on loopback), so this file also runs with SVCTUI_LAB_SKIP=1.
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(root, 'dist', 'cli.js');
const reason = existsSync(cli) ? undefined : 'dist/cli.js is missing: build with npx tsc -p . first';
const title = reason === undefined ? 'saving a commented plan from the TUI in a real terminal' : `saving a commented plan from the TUI (skipped: ${reason})`;

describe.skipIf(reason !== undefined)(title, () => {
	it('Space then s keeps every comment; a change on disk makes s ask, and r reloads it', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'svctui-save-e2e-'));
		const plan = path.join(dir, 'plan.yaml');
		copyFileSync(path.join(root, 'test', 'fixtures', 'plans', 'commented', 'issue-14.yaml'), plan);
		const original = readFileSync(plan, 'utf8');
		writeFileSync(path.join(dir, 'ssh_config'), 'Host *\n  HostName 127.0.0.1\n  Port 1\n');
		// A C locale: ASCII glyphs, so the cursor is `>`.
		const env = {PATH: process.env['PATH'], HOME: dir, TERM: 'xterm-256color', LANG: 'C', NO_COLOR: '1'};
		const session = spawnInPty(process.execPath, [cli, '--plan', 'plan.yaml', '-F', 'ssh_config', '--log-dir', dir], {cwd: dir, env});
		try {
			await session.waitForScreen(screen => screen.includes('n/Esc back'), 60_000);
			session.write('n');
			await session.waitForScreen(screen => !screen.includes('n/Esc back'));
			session.write('1');
			await session.waitForScreen(screen => screen.includes('>1. restart cron on node[1-3] (3)'));
			session.write('j');
			await session.waitForScreen(screen => screen.includes('>2. reload nginx on node1 (1)'));
			session.write(' ');
			await session.waitForScreen(screen => screen.includes('(modified)'));
			session.write('s');
			await session.waitForScreen(screen => screen.includes('saved plan.yaml'));
			expect(readFileSync(plan, 'utf8')).toBe([
				'# Nightly restart of the web tier — owner: ops-web',
				'- cron:          # keep cron first',
				'    state: restart',
				'    nodes: node[1-3]',
				'- nginx:',
				'    state: reload   # reload, never restart, in business hours',
				'    nodes: node1',
				'    enabled: false',
				'',
			].join('\n'));

			// Someone else changes the file; the next s asks instead of writing over it.
			const theirs = original.replace('nodes: node[1-3]', 'nodes: node[1-2]');
			writeFileSync(plan, theirs);
			session.write(' ');
			await session.waitForScreen(screen => screen.includes('(modified)'));
			session.write('s');
			const asked = await session.waitForScreen(screen => screen.includes('r: reload it from disk, dropping your edits'));
			expect(asked).toContain('plan.yaml changed on disk since it was opened');
			expect(readFileSync(plan, 'utf8')).toBe(theirs);
			session.write('r');
			await session.waitForScreen(screen => screen.includes('loaded plan.yaml') && screen.includes('1. restart cron on node[1-2] (2)'));
			expect(readFileSync(plan, 'utf8')).toBe(theirs);

			session.write('q');
			expect(await session.exited).toBe(0);
		} finally {
			session.kill();
		}
	});
});
