import {describe, expect, inject, it} from 'vitest';
import {cleanEnv, cliPath, repoRoot} from '../helpers/cli.js';
import {spawnInPty} from '../helpers/pty.js';
import {skipWhen} from '../helpers/skip.js';

const labs = inject('svctuiLabs');
const skipReason = labs.available ? undefined : labs.reason;

// What a person at a terminal sees: the headless path's y/N prompt, and the app giving the terminal back
// when it is told to stop by a signal rather than by a key.
describe('at a real terminal', skipWhen(skipReason), () => {
	if (!labs.available) {
		// Its tests need the lab's files to be declared: one stands for them in the skip list.
		it('prompts and gives the terminal back', () => undefined);
		return;
	}

	const lab = labs.sv;
	const env = () => ({...cleanEnv(), TERM: 'xterm-256color'});

	it('--headless on a terminal shows the review and asks Proceed? [y/N]; "n" runs nothing (exit 2)', async () => {
		const session = spawnInPty(process.execPath, [cliPath, 'run', 'node[1-3]', 'cron', 'restart', '--headless', '-F', lab.sshConfig], {cwd: repoRoot, env: env(), columns: 100, rows: 20});
		const prompt = await session.waitForScreen(screen => screen.includes('Proceed? [y/N]'));
		expect(prompt).toContain('Plan <run>: 1 step');
		expect(prompt).toContain('  1. restart cron on node[1-3] (3 nodes)');
		session.write('n\r');
		expect(await session.exited).toBe(2);
		await session.waitForScreen(screen => screen.includes('Nothing was run.'));
	});

	it('Ctrl-C at the prompt runs nothing and exits 130', async () => {
		const session = spawnInPty(process.execPath, [cliPath, 'run', 'node[1-3]', 'cron', 'restart', '--headless', '-F', lab.sshConfig], {cwd: repoRoot, env: env(), columns: 100, rows: 20});
		await session.waitForScreen(screen => screen.includes('Proceed? [y/N]'));
		session.write('\u0003');
		expect(await session.exited).toBe(130);
	});

	it('"y" runs it: the report replaces the progress line, exit 0', async () => {
		const session = spawnInPty(process.execPath, [cliPath, 'run', 'node[1-3]', 'cron', 'restart', '--headless', '-F', lab.sshConfig], {cwd: repoRoot, env: env(), columns: 100, rows: 20});
		await session.waitForScreen(screen => screen.includes('Proceed? [y/N]'));
		session.write('y\r');
		expect(await session.exited).toBe(0);
		const screen = await session.waitForScreen(text => text.includes('RECAP'));
		expect(screen).toContain('  cron  OK node[1-3]');
		expect(screen).toMatch(/1 restart cron +: +ok=3 +failed=0/);
		// The progress line was erased before the report: no stale "done" text is left on screen.
		expect(screen).not.toMatch(/\d+\/\d+ done/);
	});

	it.each([
		['SIGTERM', 143],
		['SIGHUP', 129],
	] as const)('the app leaves the alternate screen and restores the terminal on %s', async (signal, code) => {
		const session = spawnInPty(process.execPath, [cliPath, '-F', lab.sshConfig], {cwd: repoRoot, env: env(), columns: 80, rows: 24});
		await session.waitForScreen(screen => screen.includes('Plan'));
		expect(session.buffer()).toBe('alternate');
		process.kill(session.pid, signal);
		expect(await session.exited).toBe(code);
		expect(session.buffer()).toBe('normal');
	});
});
