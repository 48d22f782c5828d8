// The app at cluster scale, in a pseudo-terminal (node-pty): a two-step plan on N scale-pool endpoints
// (test/cluster/scale.sh) whose first step streams output (`service chatty status` prints five lines per node
// in three writes 0.3 s apart), review with pre-flight, `y`, the run to its end, `q`. While the run streams, `?` opens and
// closes the help overlay every --key-every ms. Not a test: it prints tables. Needs root and a build.
//
//   node bench/tty.mjs [--nodes 5000] [--services chatty,cron] [--size 120x40] [--fps 10] [--fanout 64]
//                      [--key-every 700] [--headless 1000,5000] [--no-check] [--pool ttybench] [--port 2360]
//                      [--node-flags "--max-semi-space-size=2"] [--app-args "--reuse-window 0"] [--pool-shares 2]
//
// Measured: what the app wrote to its terminal (bytes, frames, the most bytes in any one-second window, the
// most frames in any one-second window, which --fps caps); the app's peak RSS (VmHWM of the node process, read
// from /proc while it runs); key press → frame latency: from writing `?` to the pty until the frame showing the
// help overlay's footer ("close help") arrives, and from the second `?` until the frame with the run's footer
// ("next pane") does. Then headless (`--yes`, no terminal) on the same pool: peak RSS and wall time at each
// --headless size (the first N nodes of the same plan). Unless --no-check, every write of the session is also
// replayed through a terminal emulator (test/helpers/frame-check.mjs) and compared with a full redraw.
// Also how much of the run the app spent on a CPU and waiting for one: the pool's sshd and shells run on the
// same cores here (on a cluster they run on the nodes); --pool-shares gives them a small CPU weight.
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import pty from 'node-pty';
import {poolPids} from './pool-cpu.mjs';
import {replayFrames} from '../test/helpers/frame-check.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const option = (name, fallback) => {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : process.argv[index + 1];
};

const nodes = Number(option('nodes', 5000));
const services = String(option('services', 'chatty,cron')).split(',');
const [columns, rows] = String(option('size', '120x40')).split('x').map(Number);
const fps = String(option('fps', 10));
const fanout = String(option('fanout', 64));
const keyEvery = Number(option('key-every', 700));
const headless = String(option('headless', nodes >= 5000 ? '1000,5000' : String(nodes)))
	.split(',')
	.filter(Boolean)
	.map(Number);
const check = !process.argv.includes('--no-check');
/** Flags for the app's node (`--node-flags "--max-semi-space-size=2"`), to try V8 settings. */
const nodeFlags = String(option('node-flags', '')).split(' ').filter(Boolean);
/** More flags for the app itself (`--app-args "--reuse-window 0"`), to compare its settings. */
const appArgs = String(option('app-args', '')).split(' ').filter(Boolean);
const pool = String(option('pool', 'ttybench'));
/**
 * `--pool-shares 2`: put the endpoint pool (sshd, the remote shells) in a CPU cgroup of that weight (cgroup v1
 * `cpu.shares`, 1024 normal; on cgroup v2 the matching `cpu.weight`). Here the nodes' work shares the app's two
 * cores, and sshd starts a session per connection, so the kernel's autogroup scheduling gives each of hundreds of
 * remote sessions the app's share: the app waited on the run queue 60-70 % of the time while 5,000 nodes streamed
 * (its /proc schedstat). Nice levels do not reach across autogroups; a cgroup does. On a cluster that work runs
 * on the nodes, so with a low weight the key latency measured is the app's own.
 */
const poolSharesGiven = option('pool-shares', undefined);
const poolShares = poolSharesGiven === undefined ? undefined : Number(poolSharesGiven);
const port = String(option('port', 2360));
const scale = path.join(root, 'test', 'cluster', 'scale.sh');
const cli = path.join(root, 'dist', 'cli.js');
const sshConfig = `/run/svctui-scale/${pool}/ssh_config`;

if (process.getuid?.() !== 0) {
	console.error('bench: needs root (the SSH endpoint pool runs in its own namespaces)');
	process.exit(2);
}

if (!Number.isInteger(nodes) || nodes < 1 || nodes > 5000 || headless.some(size => !Number.isInteger(size) || size < 1 || size > nodes)) {
	console.error('bench: --nodes must be 1..5000, and each --headless size at most --nodes');
	process.exit(2);
}

const work = mkdtempSync(path.join(tmpdir(), 'svctui-tty-'));
const planFor = size => {
	const file = path.join(work, `plan-${size}.yaml`);
	writeFileSync(file, services.map(service => `- ${service}:\n    state: status\n    nodes: node[1-${size}]\n`).join(''));
	return file;
};

/** Every exit path takes the pool down and the work folder away: a normal end, an error, Ctrl-C, a kill. */
let cleaned = false;
let app;
/** The CPU cgroup `--pool-shares` made, removed at the end. */
let poolCgroup;
const cleanUp = () => {
	if (cleaned) return;
	cleaned = true;
	try {
		app?.kill('SIGKILL');
	} catch {}

	spawnSync('bash', [scale, 'down', '--name', pool], {stdio: 'ignore'});
	// The pool's processes are gone with it; an empty cgroup can be removed.
	if (poolCgroup !== undefined) spawnSync('rmdir', [poolCgroup], {stdio: 'ignore'});
	rmSync(work, {recursive: true, force: true});
};

process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(signal, () => {
		console.error(`bench: ${signal}, taking the pool down`);
		cleanUp();
		process.exit(130);
	});
}

/**
 * The app's main thread as the scheduler saw it (/proc/PID/schedstat): ns on a CPU and ns runnable but waiting
 * for one. Waiting is the machine's doing, not the app's; it is in every key→frame sample, so it is printed.
 */
const schedOf = pid => {
	try {
		const [onCpu, waiting] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
		return {onCpu, waiting, at: performance.now()};
	} catch {
		return undefined;
	}
};

/** Peak RSS (VmHWM) of a live process in KB, or undefined once it is gone. */
const peakKb = pid => {
	try {
		// A process that has exited but not been reaped has no Vm lines: no number then, not NaN.
		const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match === null ? undefined : Number(match[1]);
	} catch {
		return undefined;
	}
};

const percentile = (values, p) => {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const loads = [load()];

const up = spawnSync('bash', [scale, 'up', '--name', pool, '--port', port, '--nodes', String(nodes)], {stdio: ['ignore', 'ignore', 'inherit']});
if (up.status !== 0) process.exit(1);
if (poolShares !== undefined) poolCgroup = weighPool(poolShares);

/** Move every process of the pool into a new CPU cgroup; what they start stays in it. */
function weighPool(shares) {
	const v1 = existsSync('/sys/fs/cgroup/cpu/cpu.shares');
	const group = v1 ? `/sys/fs/cgroup/cpu/svctui-bench-${pool}` : `/sys/fs/cgroup/svctui-bench-${pool}`;
	if (!v1 && !readFileSync('/sys/fs/cgroup/cgroup.subtree_control', 'utf8').includes('cpu')) {
		throw new Error('--pool-shares: no cgroup v1 cpu controller and cgroup v2 has cpu off in /sys/fs/cgroup/cgroup.subtree_control');
	}

	mkdirSync(group, {recursive: true});
	writeFileSync(v1 ? `${group}/cpu.shares` : `${group}/cpu.weight`, String(v1 ? shares : Math.max(1, Math.round((shares * 100) / 1024))));
	const pids = poolPids(path.dirname(sshConfig));
	for (const pid of pids) {
		try {
			writeFileSync(`${group}/cgroup.procs`, pid);
		} catch (error) {
			if (error.code !== 'ESRCH') throw error; // ended since it was listed
		}
	}

	console.error(`bench: pool '${pool}' (${pids.length} processes) in ${group}, ${v1 ? 'cpu.shares' : 'cpu.weight from'} ${shares}`);
	return group;
}

/** Bytes written, with the time each chunk arrived. */
const chunks = [];
let screenText = '';
const started = Date.now();
const latencies = {open: [], close: []};
let appPeakKb = 0;
const marks = {};
let plan = planFor(nodes);
app = pty.spawn(process.execPath, [...nodeFlags, cli, '--plan', plan, '-F', sshConfig, '--log-dir', path.join(work, 'logs'), '--fps', fps, '-f', fanout, ...appArgs], {
	name: 'xterm-256color',
	cols: columns,
	rows,
	cwd: root,
	env: {PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color', LANG: 'C.UTF-8', ...(check ? {SVCTUI_FRAME_LOG: path.join(work, 'frames.jsonl')} : {})},
});
const rssTimer = setInterval(() => {
	appPeakKb = Math.max(appPeakKb, peakKb(app.pid) ?? 0);
}, 200);
let phase = 'review';
/** The key being timed: what was pressed, when, and what the frame it causes shows. */
let pressed;
let keyTimer;
const pressNext = () => {
	if (phase !== 'run' || pressed !== undefined) return;
	const opening = latencies.open.length === latencies.close.length;
	pressed = {kind: opening ? 'open' : 'close', marker: opening ? 'close help' : 'next pane', at: performance.now(), seen: ''};
	app.write('?');
};

// This process's own delay: how late a 20 ms timer fires while the run streams. On a busy machine it is in
// every key→frame sample too, so it is printed beside them.
const lags = [];
let tick = performance.now();
const lagTimer = setInterval(() => {
	const now = performance.now();
	if (phase === 'run') lags.push(Math.max(0, now - tick - 20));
	tick = now;
}, 20);
const done = new Promise(resolve => app.onExit(resolve));
// A line every 30 s on stderr: a run at 5,000 nodes on a busy machine takes minutes.
const progress = setInterval(() => {
	console.error(`bench: ${((Date.now() - started) / 1000).toFixed(0)} s, ${phase}, ${chunks.length} writes, app peak RSS ${(appPeakKb / 1024).toFixed(0)} MB`);
}, 30_000);
app.onData(data => {
	const now = performance.now();
	chunks.push({at: Date.now() - started, bytes: Buffer.byteLength(data), data});
	const plain = data.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');
	screenText = (screenText + plain).slice(-20_000);
	if (pressed !== undefined) {
		pressed.seen = (pressed.seen + plain).slice(-4000);
		if (pressed.seen.includes(pressed.marker)) {
			latencies[pressed.kind].push(now - pressed.at);
			pressed = undefined;
		}
	}

	if (phase === 'review' && screenText.includes(`${nodes}/${nodes} nodes contacted`)) {
		phase = 'run';
		console.error('bench: review done, running');
		marks.review = {at: Date.now() - started, index: chunks.length, sched: schedOf(app.pid)};
		setTimeout(() => app.write('y'), 200);
		keyTimer = setInterval(pressNext, keyEvery);
	} else if (phase === 'run' && /Run +finished/.test(screenText)) {
		if (pressed?.kind === 'open' || latencies.open.length > latencies.close.length) {
			return; // close the help first, so the app ends on its run screen
		}

		phase = 'quit';
		clearInterval(keyTimer);
		console.error('bench: run finished, quitting');
		marks.run = {at: Date.now() - started, index: chunks.length, sched: schedOf(app.pid)};
		appPeakKb = Math.max(appPeakKb, peakKb(app.pid) ?? 0);
		setTimeout(() => app.write('q'), 500);
	}
});
const timeout = setTimeout(() => app.kill(), 30 * 60_000);
await done;
clearTimeout(timeout);
clearInterval(rssTimer);
clearInterval(progress);
clearInterval(lagTimer);
clearInterval(keyTimer);
loads.push(load());

const summary = (from, to, label) => {
	const slice = chunks.slice(from, to);
	const bytes = slice.reduce((sum, chunk) => sum + chunk.bytes, 0);
	const frameTimes = slice.flatMap(chunk => Array.from({length: chunk.data.match(/\u001B\[\?2026h/g)?.length ?? 0}, () => chunk.at));
	const frames = frameTimes.length;
	const seconds = slice.length === 0 ? 0 : (slice.at(-1).at - slice[0].at) / 1000;
	let peak = 0;
	for (let i = 0, j = 0, window = 0; i < slice.length; i++) {
		window += slice[i].bytes;
		while (slice[i].at - slice[j].at >= 1000) window -= slice[j++].bytes;
		peak = Math.max(peak, window);
	}

	let peakFrames = 0;
	for (let i = 0, j = 0; i < frameTimes.length; i++) {
		while (frameTimes[i] - frameTimes[j] >= 1000) j++;
		peakFrames = Math.max(peakFrames, i - j + 1);
	}

	return (
		`${label.padEnd(22)}${seconds.toFixed(1).padStart(8)}${(bytes / 1024).toFixed(1).padStart(10)}${String(frames).padStart(8)}${(frames === 0 ? 0 : bytes / frames).toFixed(0).padStart(12)}` +
		`${(seconds === 0 ? 0 : bytes / seconds / 1024).toFixed(2).padStart(10)}${(peak / 1024).toFixed(2).padStart(12)}${(seconds === 0 ? 0 : frames / seconds).toFixed(1).padStart(8)}${String(peakFrames).padStart(10)}`
	);
};

console.log(`the app at ${columns}x${rows}, ${services.map(service => `${service} status`).join(' then ')} on ${nodes} endpoints, --fps ${fps}, fanout ${fanout}`);
console.log(`${'phase'.padEnd(22)}${'s'.padStart(8)}${'KB'.padStart(10)}${'frames'.padStart(8)}${'bytes/frame'.padStart(12)}${'KB/s'.padStart(10)}${'peak KB/s'.padStart(12)}${'fps'.padStart(8)}${'peak fps'.padStart(10)}`);
console.log(summary(0, marks.review?.index, 'review (pre-flight)'));
console.log(summary(marks.review?.index ?? 0, marks.run?.index, 'run'));
console.log(summary(0, chunks.length, 'whole session'));
const keys = [...latencies.open, ...latencies.close];
console.log('');
console.log(`${'mode'.padEnd(22)}${'nodes'.padStart(8)}${'peak RSS MB'.padStart(13)}${'target'.padStart(10)}${'wall s'.padStart(9)}${'keys'.padStart(7)}${'key→frame p50 ms'.padStart(18)}${'p95 ms'.padStart(9)}${'target'.padStart(9)}`);
console.log(
	`${'TUI (streaming)'.padEnd(22)}${String(nodes).padStart(8)}${(appPeakKb / 1024).toFixed(0).padStart(13)}${'< 300'.padStart(10)}${((marks.run?.at ?? 0) / 1000).toFixed(1).padStart(9)}` +
		`${String(keys.length).padStart(7)}${percentile(keys, 50).toFixed(1).padStart(18)}${percentile(keys, 95).toFixed(1).padStart(9)}${'< 50'.padStart(9)}`,
);
const [runFrom, runTo] = [marks.review?.sched, marks.run?.sched];
if (runFrom !== undefined && runTo !== undefined) {
	const ms = (runTo.at - runFrom.at) * 1e6;
	console.log(
		`the app during the run: on a CPU ${((100 * (runTo.onCpu - runFrom.onCpu)) / ms).toFixed(0)} % of the time, waiting for one ${((100 * (runTo.waiting - runFrom.waiting)) / ms).toFixed(0)} %` +
			(poolShares === undefined ? ' (the pool shares the cores: --pool-shares 2 gives it less)' : ` (pool at cpu.shares ${poolShares})`),
	);
}

if (marks.run === undefined) {
	console.log('(the run did not finish: the app ended or timed out first); its last screen text:');
	console.log(screenText.slice(-1500));
	process.exitCode = 1;
}

for (const size of headless) {
	plan = planFor(size);
	const began = performance.now();
	const child = spawn(process.execPath, [...nodeFlags, cli, '--plan', plan, '--yes', '-F', sshConfig, '--log-dir', path.join(work, 'logs'), '-f', fanout], {stdio: ['ignore', 'ignore', 'pipe']});
	let stderr = '';
	child.stderr.on('data', chunk => {
		stderr += chunk;
	});
	let peak = 0;
	const timer = setInterval(() => {
		peak = Math.max(peak, peakKb(child.pid) ?? 0);
	}, 100);
	const status = await new Promise(resolve => child.on('exit', resolve));
	clearInterval(timer);
	const wall = (performance.now() - began) / 1000;
	console.log(`${'headless (--yes)'.padEnd(22)}${String(size).padStart(8)}${(peak / 1024).toFixed(0).padStart(13)}${'< 150'.padStart(10)}${wall.toFixed(1).padStart(9)}`);
	if (status !== 0) {
		console.log(`(headless run at ${size} exited ${status}: ${stderr.trim().split('\n').at(-1)})`);
		process.exitCode = 1;
	}
}

loads.push(load());
console.log(`\nload average (1, 5, 15 min) at the start, after the TUI run, at the end: ${loads.join(' | ')} (${spawnSync('nproc', {encoding: 'utf8'}).stdout.trim()} cores)`);
console.log(`key→frame is timed in this process: its own timer lag while the run streamed (p50/p95 ${percentile(lags, 50).toFixed(1)}/${percentile(lags, 95).toFixed(1)} ms) is in those numbers.`);
if (check) {
	const records = readFileSync(path.join(work, 'frames.jsonl'), 'utf8').trim().split('\n').map(line => JSON.parse(line));
	const mismatches = await replayFrames(records);
	console.log(`\nframe check: ${records.length} writes replayed through a terminal emulator, ${mismatches.length} differ from a full redraw`);
	for (const mismatch of mismatches.slice(0, 5)) console.log(JSON.stringify(mismatch));
	if (mismatches.length > 0) process.exitCode = 1;
}

cleanUp();
