import {existsSync, mkdtempSync, readFileSync, writeFileSync, chmodSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, inject, it} from 'vitest';
import {replayFrames} from '../helpers/frame-check.mjs';
import type {LabProvision} from '../helpers/lab.js';
import {spawnInPty} from '../helpers/pty.js';
import {skipWhen} from '../helpers/skip.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(root, 'dist', 'cli.js');
const provision: LabProvision = inject('svctuiLabs') ?? {available: false, reason: 'no lab was provided: add test/helpers/lab-global-setup.ts as globalSetup'};
const reason = !provision.available ? provision.reason : existsSync(cli) ? undefined : 'dist/cli.js is missing: build with npx tsc -p . first';

type FrameRecord = {columns: number; rows: number; lines: string[]; written: string; full: boolean};

const readFrames = (file: string): FrameRecord[] => readFileSync(file, 'utf8').trim().split('\n').map(line => JSON.parse(line) as FrameRecord);

/** The last frame's rows as plain text, clipped to the terminal (what the real terminal must show now). */
function lastFrameText(file: string): string[] {
	const last = readFrames(file).at(-1);
	if (last === undefined) return [];
	const plain = (line: string) => [...line.replaceAll(/\u001B\[[0-9;]*m/g, '')].slice(0, last.columns).join('').trimEnd();
	return Array.from({length: last.rows}, (_, row) => plain(last.lines[row] ?? ''));
}

/** Once the app is idle, the real terminal (everything it was sent, alternate-screen switches included) shows the last frame. */
async function expectScreenShowsLastFrame(session: {screen(): string[]}, file: string): Promise<void> {
	await new Promise(resolve => setTimeout(resolve, 700));
	expect(session.screen().map(line => line.trimEnd())).toEqual(lastFrameText(file));
}

describe('the app writes only what changed, and the screen stays right', skipWhen(reason), () => {
	it('every frame of a session (run at 80x24, overlays, resizes to 120x40 and back, the editor round trip) looks as a full redraw would', async () => {
		if (!provision.available) {
			return;
		}

		const work = mkdtempSync(path.join(tmpdir(), 'svctui-frames-'));
		const frameLog = path.join(work, 'frames.jsonl');
		// An editor that changes nothing and says so by its status: the app hands the terminal over, takes it
		// back, and its notice shows the round trip happened.
		const editor = path.join(work, 'editor.sh');
		writeFileSync(editor, '#!/bin/sh\nexit 3\n');
		chmodSync(editor, 0o755);
		const env = {PATH: process.env['PATH'], HOME: process.env['HOME'], TERM: 'xterm-256color', LANG: 'C.UTF-8', EDITOR: editor, SVCTUI_FRAME_LOG: frameLog};
		const session = spawnInPty(process.execPath, [cli, '--plan', 'plans/example2.yaml', '-F', provision.sd.sshConfig, '--log-dir', work], {cwd: root, env, columns: 80, rows: 24});
		try {
			await session.waitForScreen(screen => screen.includes('pre-flight: 4/4 nodes contacted'), 60_000);
			session.write('y');
			await session.waitForScreen(screen => screen.includes('actions done 13/13'), 90_000);
			session.write('?');
			await session.waitForScreen(screen => /help/i.test(screen) && screen.includes('quit'));
			session.write('\u001B');
			await session.waitForScreen(screen => screen.includes('actions done 13/13'));
			session.write('l');
			await session.waitForScreen(screen => screen.includes('Run log:'));
			session.write('\u001B');
			await session.waitForScreen(screen => !screen.includes('Run log:'));
			session.resize(120, 40);
			await session.waitForScreen(screen => screen.split('\n').some(line => line.length > 80));
			session.write('2');
			await session.waitForScreen(screen => screen.includes('Health'));
			session.resize(80, 24);
			await expectScreenShowsLastFrame(session, frameLog);
			session.write('1');
			await session.waitForScreen(screen => screen.includes('Plan'));
			session.write('e');
			await session.waitForScreen(screen => screen.includes('status 3'), 30_000);
			// Back from the editor on a freshly cleared alternate screen: every row must have been sent again.
			await expectScreenShowsLastFrame(session, frameLog);
			session.write('q');
			await session.exited;
		} finally {
			session.kill();
		}

		const records = readFrames(frameLog);
		// The session did go through what it claims: both sizes, and full redraws only where the screen was unknown.
		expect(new Set(records.map(record => `${record.columns}x${record.rows}`))).toEqual(new Set(['80x24', '120x40']));
		expect(records.filter(record => !record.full).length).toBeGreaterThan(records.filter(record => record.full).length);
		expect(await replayFrames(records)).toEqual([]);
	});
});
