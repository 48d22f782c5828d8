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

describe('the app writes only what changed, and the screen stays right', skipWhen(reason), () => {
	it('every frame of a session (run at 80x24, overlays, resizes to 120x40 and back, the editor round trip) looks as a full redraw would', async () => {
		if (!provision.available) {
			return;
		}

		const work = mkdtempSync(path.join(tmpdir(), 'svctui-frames-'));
		const frameLog = path.join(work, 'frames.jsonl');
		// An editor that changes nothing: the app hands the terminal over and takes it back.
		const editor = path.join(work, 'editor.sh');
		writeFileSync(editor, '#!/bin/sh\nexit 0\n');
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
			session.write('l');
			await session.waitForScreen(screen => screen.includes('Run log:'));
			session.write('\u001B');
			await session.waitForScreen(screen => !screen.includes('Run log:'));
			session.resize(120, 40);
			await session.waitForScreen(screen => screen.split('\n').some(line => line.length > 80));
			session.write('2');
			await session.waitForScreen(screen => screen.includes('Health'));
			session.resize(80, 24);
			await new Promise(resolve => setTimeout(resolve, 500));
			session.write('1');
			await session.waitForScreen(screen => screen.includes('Plan'));
			session.write('e');
			await session.waitForScreen(screen => screen.includes('Plan'), 30_000);
			await new Promise(resolve => setTimeout(resolve, 500));
			session.write('q');
			await session.exited;
		} finally {
			session.kill();
		}

		const records = readFileSync(frameLog, 'utf8').trim().split('\n').map(line => JSON.parse(line) as FrameRecord);
		// The session did go through what it claims: both sizes, and full redraws only where the screen was unknown.
		expect(new Set(records.map(record => `${record.columns}x${record.rows}`))).toEqual(new Set(['80x24', '120x40']));
		expect(records.filter(record => !record.full).length).toBeGreaterThan(records.filter(record => record.full).length);
		expect(await replayFrames(records)).toEqual([]);
	});
});
