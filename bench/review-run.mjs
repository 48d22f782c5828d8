// Review then run: what the run's first step costs when the review's pre-flight has just connected to every
// node, with the pre-flight's connections handed to the run (--reuse-window, the default 60 s) and without
// (--reuse-window 0, every node connected again). Not a test: it prints a table. The app's own sessions are
// driven headlessly through the TUI controller over the real ssh2 transport, on the scale pool's N SSH
// endpoints (test/cluster/scale.sh). Needs root and a build (`npm run build`).
//
//   node bench/review-run.mjs [--nodes 1000] [--fanout 64] [--runs 1] [--modes 0,60s] [--name ph] [--port 2350] [--keep]
//
// The plan is two status steps (cron, then ssh) on every node, as in issue 13. Per mode and run: the
// pre-flight's wall time; each step's wall time (from step-started to step-finished, the run's own events);
// how many connections the run opened; client CPU (this process) and server CPU (every process of the
// pool) of the run alone. The modes alternate within one bench run, so both see the same machine load.
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {poolCpu} from './pool-cpu.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const option = (name, fallback) => {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : process.argv[index + 1];
};

const nodes = Number(option('nodes', 1000));
const fanout = String(option('fanout', 64));
const runs = Number(option('runs', 1));
const pool = String(option('name', 'ph'));
const port = String(option('port', 2350));
const keep = process.argv.includes('--keep');
const modes = String(option('modes', '0,60s')).split(',');
const poolDir = `/run/svctui-scale/${pool}`;
const scale = path.join(root, 'test', 'cluster', 'scale.sh');

if (process.getuid?.() !== 0) {
	console.error('bench: needs root (the SSH endpoint pool runs in its own namespaces)');
	process.exit(2);
}

const dist = path.join(root, 'dist');
if (!existsSync(path.join(dist, 'tui', 'controller.js'))) {
	console.error('bench: dist/ is missing; run npm run build first');
	process.exit(2);
}

const load = async file => import(pathToFileURL(path.join(dist, file)).href);
const {createTuiController} = await load('tui/controller.js');
const {parseRunOptions} = await load('commands/options.js');
const {tuiSettings} = await load('commands/prepare.js');
const {openTransport} = await load('commands/transport.js');
const {GroupResolver} = await load('nodeset/index.js');


const clientCpu = () => {
	const usage = process.cpuUsage();
	return (usage.user + usage.system) / 1e6;
};

const poolNodes = existsSync(path.join(poolDir, 'nodes')) ? readFileSync(path.join(poolDir, 'nodes'), 'utf8').split('\n').filter(Boolean).length : 0;
let started = false;
if (poolNodes < nodes) {
	if (poolNodes > 0) spawnSync('bash', [scale, 'down', '--name', pool], {stdio: 'inherit'});
	const up = spawnSync('bash', [scale, 'up', '--nodes', String(nodes), '--name', pool, '--port', port], {stdio: 'inherit'});
	if (up.status !== 0) {
		console.error('bench: could not start the endpoint pool');
		process.exit(1);
	}

	started = true;
}

const dir = mkdtempSync(path.join(tmpdir(), 'svctui-review-run-'));
const planFile = path.join(dir, 'plan.yaml');
writeFileSync(planFile, `- cron:\n    state: status\n    nodes: node[1-${nodes}]\n- ssh:\n    state: status\n    nodes: node[1-${nodes}]\n`);

/** One review then `y`, the way the app does it; returns what was measured. */
async function reviewThenRun(reuseWindow) {
	const io = {stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: dir};
	const options = parseRunOptions({sshConfig: path.join(poolDir, 'ssh_config'), fanout, logDir: path.join(dir, 'logs'), reuseWindow}, process.env);
	let phase = 'review';
	const connects = {review: 0, run: 0};
	const controller = createTuiController(tuiSettings(options, io), {
		resolver: new GroupResolver(),
		transportFactory() {
			const transport = openTransport(options, io);
			return {
				async connect(node, connectOptions) {
					connects[phase]++;
					return transport.connect(node, connectOptions);
				},
				close: async () => transport.close(),
			};
		},
	});
	await controller.loadPlan(planFile);
	const reviewStart = performance.now();
	await controller.preflight();
	const preflightS = (performance.now() - reviewStart) / 1000;
	const {preflight} = controller.getSnapshot();
	if (preflight.status !== 'done' || preflight.contacted !== nodes) throw new Error(`pre-flight: ${preflight.status}, ${preflight.contacted}/${nodes} contacted`);
	phase = 'run';
	const cpu = {client: clientCpu(), server: poolCpu(poolDir)};
	const runStart = performance.now();
	await controller.startRun();
	const runS = (performance.now() - runStart) / 1000;
	const cpuUsed = {client: clientCpu() - cpu.client, server: poolCpu(poolDir) - cpu.server};
	const state = controller.getSnapshot().run.store.getSnapshot();
	const stepS = [1, 2].map(step => (state.stepTimes[step].finishedAt - state.stepTimes[step].startedAt) / 1000);
	const ok = [...state.tasks.values()].filter(task => task.status === 'ok').length;
	await controller.dispose();
	if (ok !== nodes * 2) throw new Error(`run: ${ok} of ${nodes * 2} tasks ok`);
	return {reuse: reuseWindow === '0' ? 'off (0)' : `on (${reuseWindow})`, preflightS, runS, step1S: stepS[0], step2S: stepS[1], held: preflight.reuse?.connections ?? 0, runConnects: connects.run, ...cpuUsed};
}

const rows = [];
try {
	for (let run = 0; run < runs; run++) {
		for (const window of modes) {
			// eslint-disable-next-line no-await-in-loop
			const row = await reviewThenRun(window);
			rows.push(row);
			console.error(`bench: reuse ${row.reuse}: pre-flight ${row.preflightS.toFixed(1)} s, step 1 ${row.step1S.toFixed(1)} s, step 2 ${row.step2S.toFixed(1)} s`);
		}
	}
} finally {
	rmSync(dir, {recursive: true, force: true});
	if (started && !keep) spawnSync('bash', [scale, 'down', '--name', pool], {stdio: 'inherit'});
}

const fixed = (value, digits = 1) => value.toFixed(digits);
console.log(`\nReview then run, ${nodes} nodes, fanout ${fanout}, plan: status cron, then status ssh, on every node`);
console.log('| reuse window | pre-flight s | held | run s | step 1 s | step 2 s | step 1 / step 2 | run connects | run client CPU s | run server CPU s |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) {
	console.log(`| ${row.reuse} | ${fixed(row.preflightS)} | ${row.held} | ${fixed(row.runS)} | ${fixed(row.step1S)} | ${fixed(row.step2S)} | ${fixed(row.step1S / row.step2S, 2)} | ${row.runConnects} | ${fixed(row.client)} | ${fixed(row.server)} |`);
}
