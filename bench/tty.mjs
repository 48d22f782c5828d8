// What the app sends to its terminal during a run, as a slow SSH link would carry it: the app in a
// pseudo-terminal (node-pty), a two-step status plan on N scale-pool endpoints (test/cluster/scale.sh),
// review with pre-flight, `y`, the run to its end, `q`. Not a test: it prints a table. Needs root and a build.
//
//   node bench/tty.mjs [--nodes 1000] [--size 120x40] [--fps 10] [--no-check]
//
// Unless --no-check, every write of the session is also replayed through a terminal emulator
// (test/helpers/frame-check.mjs) and compared with a full redraw of its frame.
// Bytes are everything the app wrote to the pty; a frame is one synchronized-output block (the frame writer
// wraps each write in DEC mode 2026); the peak is the most bytes in any one-second window.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import pty from 'node-pty';
import {readFileSync} from 'node:fs';
import {replayFrames} from '../test/helpers/frame-check.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const option = (name, fallback) => {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : process.argv[index + 1];
};

const nodes = Number(option('nodes', 1000));
const [columns, rows] = String(option('size', '120x40')).split('x').map(Number);
const fps = String(option('fps', 10));
const check = !process.argv.includes('--no-check');
const scale = path.join(root, 'test', 'cluster', 'scale.sh');
const pool = 'ttybench';
const work = mkdtempSync(path.join(tmpdir(), 'svctui-tty-'));
const plan = path.join(work, 'two-steps.yaml');
writeFileSync(plan, ['cron', 'ssh'].map(service => `- ${service}:\n    state: status\n    nodes: node[1-${nodes}]\n`).join(''));

const up = spawnSync('bash', [scale, 'up', '--name', pool, '--nodes', String(nodes)], {stdio: ['ignore', 'ignore', 'inherit']});
if (up.status !== 0) process.exit(1);

/** Bytes written, with the time each chunk arrived. */
const chunks = [];
let screenText = '';
const started = Date.now();
try {
	const child = pty.spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), '--plan', plan, '-F', `/run/svctui-scale/${pool}/ssh_config`, '--log-dir', path.join(work, 'logs'), '--fps', fps], {
		name: 'xterm-256color',
		cols: columns,
		rows,
		cwd: root,
		env: {PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color', LANG: 'C.UTF-8', ...(check ? {SVCTUI_FRAME_LOG: path.join(work, 'frames.jsonl')} : {})},
	});
	let phase = 'review';
	const marks = {};
	const done = new Promise(resolve => child.onExit(resolve));
	child.onData(data => {
		chunks.push({at: Date.now() - started, bytes: Buffer.byteLength(data), data});
		screenText = (screenText + data.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '')).slice(-20_000);
		if (phase === 'review' && screenText.includes(`${nodes}/${nodes} nodes contacted`)) {
			phase = 'run';
			console.error('bench: review done, running');
			marks.review = {at: Date.now() - started, index: chunks.length};
			setTimeout(() => child.write('y'), 200);
		} else if (phase === 'run' && /Run +finished/.test(screenText)) {
			phase = 'quit';
			console.error('bench: run finished, quitting');
			marks.run = {at: Date.now() - started, index: chunks.length};
			setTimeout(() => child.write('q'), 500);
		}
	});
	const timeout = setTimeout(() => child.kill(), 15 * 60_000);
	await done;
	clearTimeout(timeout);

	const summary = (from, to, label) => {
		const slice = chunks.slice(from, to);
		const bytes = slice.reduce((sum, chunk) => sum + chunk.bytes, 0);
		const frames = slice.reduce((sum, chunk) => sum + (chunk.data.match(/\u001B\[\?2026h/g)?.length ?? 0), 0);
		const seconds = slice.length === 0 ? 0 : (slice.at(-1).at - slice[0].at) / 1000;
		let peak = 0;
		for (let i = 0, j = 0, window = 0; i < slice.length; i++) {
			window += slice[i].bytes;
			while (slice[i].at - slice[j].at >= 1000) window -= slice[j++].bytes;
			peak = Math.max(peak, window);
		}

		return `${label.padEnd(22)}${seconds.toFixed(1).padStart(8)}${(bytes / 1024).toFixed(1).padStart(10)}${String(frames).padStart(8)}${(frames === 0 ? 0 : bytes / frames).toFixed(0).padStart(12)}${(seconds === 0 ? 0 : bytes / seconds / 1024).toFixed(2).padStart(10)}${(peak / 1024).toFixed(2).padStart(12)}`;
	};

	console.log(`the app at ${columns}x${rows}, a two-step status plan on ${nodes} endpoints, --fps ${fps}`);
	console.log(`${'phase'.padEnd(22)}${'s'.padStart(8)}${'KB'.padStart(10)}${'frames'.padStart(8)}${'bytes/frame'.padStart(12)}${'KB/s'.padStart(10)}${'peak KB/s'.padStart(12)}`);
	console.log(summary(0, marks.review?.index, 'review (pre-flight)'));
	console.log(summary(marks.review?.index ?? 0, marks.run?.index, 'run'));
	console.log(summary(0, chunks.length, 'whole session'));
	if (check) {
		const records = readFileSync(path.join(work, 'frames.jsonl'), 'utf8').trim().split('\n').map(line => JSON.parse(line));
		const mismatches = await replayFrames(records);
		console.log(`\nframe check: ${records.length} writes replayed through a terminal emulator, ${mismatches.length} differ from a full redraw`);
		for (const mismatch of mismatches.slice(0, 5)) console.log(JSON.stringify(mismatch));
		if (mismatches.length > 0) process.exitCode = 1;
	}
} finally {
	spawnSync('bash', [scale, 'down', '--name', pool], {stdio: 'ignore'});
	rmSync(work, {recursive: true, force: true});
}
