// Scale: svctui against clush, pdsh and ansible on N SSH endpoints (test/cluster/scale.sh), the same work
// with the same fanout in the same run. Not a test: it prints tables. Needs root (the endpoint pool runs in
// namespaces) and a build (`npm run build`); installs clustershell, pdsh and ansible when they are missing.
//
//   node bench/scale.mjs [--nodes 100,500,1000] [--runs 1] [--fanout 64] [--tools svctui,clush,pdsh,ansible]
//                        [--pool bench] [--port 2222] [--timeout 1800]
//
// --pool and --port name the endpoint pool, so parallel checkouts can each run the bench (scale.sh --name,
// --port); the pool is taken down on every way out (the end, an error, Ctrl-C, SIGTERM). A tool that fails or
// runs past --timeout seconds gets a row saying so, and the bench goes on.
//
// (a) one status step; (b) five status steps: one svctui plan, against five calls of each tool and against
// one call of each tool running all five commands per node. Measured per row: wall time; client CPU (the
// tool and every process it starts, from wait4 via /usr/bin/time); server CPU (every process of the
// endpoint pool: sshd and the remote shells, from /proc before and after); peak memory of the client's
// whole process tree (RSS summed over the tree, sampled every 100 ms: clush and pdsh spread their memory
// over one ssh process per node, which a single process's max RSS would miss).
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {poolCpu} from './pool-cpu.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const option = (name, fallback) => {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : process.argv[index + 1];
};

const sizes = String(option('nodes', '100,500,1000')).split(',').map(Number);
const runs = Number(option('runs', 1));
const fanout = Number(option('fanout', 64));
const only = new Set(String(option('tools', 'svctui,clush,pdsh,ansible')).split(','));
const pool = String(option('pool', 'bench'));
const port = String(option('port', 2222));
const timeoutMs = Number(option('timeout', 1800)) * 1000;
/** The target each table is read against: svctui's own peak memory, headless (tracker issue 11). */
const svctuiPeakTargetMb = 150;
const scale = path.join(root, 'test', 'cluster', 'scale.sh');
// --cli: another build to measure (a before/after comparison in the same run); --pool/--port: a pool of one's own.
const cli = path.resolve(String(option('cli', path.join(root, 'dist', 'cli.js'))));

if (process.getuid?.() !== 0) {
	console.error('bench: needs root (the SSH endpoint pool runs in its own namespaces)');
	process.exit(2);
}

if (!existsSync(cli)) {
	console.error('bench: dist/cli.js is missing; run npm run build first');
	process.exit(2);
}

const packages = {clush: 'clustershell', pdsh: 'pdsh', ansible: 'ansible'};
const missing = Object.entries(packages).filter(([tool]) => only.has(tool) && spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
if (missing.length > 0) {
	console.error(`bench: installing ${missing.map(([, name]) => name).join(' ')} …`);
	spawnSync('apt-get', ['update', '-qq'], {stdio: 'inherit'});
	const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing.map(([, name]) => name)], {stdio: 'inherit', env: {...process.env, DEBIAN_FRONTEND: 'noninteractive'}});
	if (install.status !== 0) {
		console.error('bench: could not install the tools to compare against');
		process.exit(2);
	}
}

const poolDir = `/run/svctui-scale/${pool}`;


/** RSS in KB summed over `pid` and its descendants. */
function treeRssKb(pid) {
	const children = new Map();
	const rss = new Map();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
			const parent = Number(fields[1]);
			if (!children.has(parent)) children.set(parent, []);
			children.get(parent).push(Number(entry));
			rss.set(Number(entry), Number(fields[21]) * 4); // pages of 4 KB
		} catch {}
	}

	let total = 0;
	const stack = [pid];
	while (stack.length > 0) {
		const next = stack.pop();
		total += rss.get(next) ?? 0;
		stack.push(...(children.get(next) ?? []));
	}

	return total;
}

/** The tool running now, so a signal can stop it before the pool goes down. */
let running;

async function measure(tool) {
	const serverBefore = poolCpu(poolDir);
	const started = process.hrtime.bigint();
	const child = spawn('/usr/bin/time', ['-f', '%U %S', ...tool.argv], {env: {...process.env, ...tool.env}, stdio: ['ignore', 'ignore', 'pipe'], detached: true});
	running = child;
	let stderr = '';
	child.stderr.on('data', chunk => {
		stderr += chunk;
	});
	let peakKb = 0;
	const sampler = setInterval(() => {
		peakKb = Math.max(peakKb, treeRssKb(child.pid));
	}, 100);
	let timedOut = false;
	const killer = setTimeout(() => {
		timedOut = true;
		process.kill(-child.pid, 'SIGKILL');
	}, timeoutMs);
	const status = await new Promise(resolve => child.on('exit', resolve));
	clearInterval(sampler);
	clearTimeout(killer);
	running = undefined;
	const wall = Number(process.hrtime.bigint() - started) / 1e9;
	const last = stderr.trim().split('\n').at(-1) ?? '';
	const [user, system] = last.split(' ').map(Number);
	if (timedOut) {
		throw new Error(`ran past --timeout ${timeoutMs / 1000} s`);
	}

	if (status !== 0) {
		throw new Error(`exited ${status}: ${stderr.trim().split('\n').slice(-2, -1)[0] ?? ''}`.slice(0, 200));
	}

	return {wall, cpu: user + system, server: poolCpu(poolDir) - serverBefore, peakMb: peakKb / 1024};
}

function tools(nodes, config, work) {
	const set = `node[1-${nodes}]`;
	const inventory = path.join(work, 'inventory');
	writeFileSync(inventory, `[nodes]\n${Array.from({length: nodes}, (_, index) => `node${index + 1}`).join('\n')}\n`);
	const commands = ['service cron status', 'service cron status', 'service cron status', 'service cron status', 'service cron status'];
	const fiveSteps = path.join(work, 'five-steps.yaml');
	writeFileSync(fiveSteps, commands.map(() => `- cron:\n    state: status\n    nodes: ${set}\n`).join(''));
	const logs = path.join(work, 'logs');
	const one = command => [
		{name: 'svctui', argv: ['node', cli, 'run', set, 'cron', 'status', '-f', String(fanout), '-F', config, '--log-dir', logs], env: {}},
		{name: 'clush', argv: ['clush', '-S', '-f', String(fanout), '-w', set, '-o', `-F ${config}`, command], env: {}},
		{name: 'pdsh', argv: ['pdsh', '-S', '-f', String(fanout), '-w', set, command], env: {PDSH_RCMD_TYPE: 'ssh', PDSH_SSH_ARGS_APPEND: `-F ${config}`}},
		{
			name: 'ansible',
			argv: ['ansible', 'all', '-i', inventory, '-f', String(fanout), '-m', 'raw', '-a', command],
			// ControlPersist short, so one run does not reuse the previous run's master connections.
			env: {ANSIBLE_SSH_ARGS: `-F ${config} -o ControlMaster=auto -o ControlPersist=2s`, ANSIBLE_HOST_KEY_CHECKING: 'True'},
		},
	];
	const times = argv => ['sh', '-c', `for i in ${commands.map((_, index) => index + 1).join(' ')}; do "$@" || exit 1; done`, 'sh', ...argv];
	const joined = commands.join(' && ');
	return {
		oneStep: one(commands[0]).filter(tool => only.has(tool.name)),
		fiveCalls: one(commands[0])
			.map(tool => (tool.name === 'svctui' ? {...tool, argv: ['node', cli, '--plan', fiveSteps, '--yes', '-f', String(fanout), '-F', config, '--log-dir', logs]} : {...tool, name: `${tool.name} ×5`, argv: times(tool.argv)}))
			.filter(tool => only.has(tool.name.split(' ')[0])),
		oneCall: one(joined)
			.filter(tool => tool.name !== 'svctui' && only.has(tool.name))
			.map(tool => ({...tool, name: `${tool.name} 1×5`})),
	};
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const header = `${'tool'.padEnd(14)}${'wall s'.padStart(8)}${'client CPU s'.padStart(14)}${'server CPU s'.padStart(14)}${'peak MB'.padStart(9)}${'wall/svctui'.padStart(13)}${'CPU/svctui'.padStart(12)}${'server/svctui'.padStart(15)}`;

async function table(title, rows, base) {
	const measured = [];
	for (const tool of rows) {
		const samples = [];
		try {
			for (let run = 0; run < runs; run++) samples.push(await measure(tool));
		} catch (error) {
			measured.push({name: tool.name, error: error.message});
			continue;
		}

		measured.push({
			name: tool.name,
			wall: median(samples.map(sample => sample.wall)),
			cpu: median(samples.map(sample => sample.cpu)),
			server: median(samples.map(sample => sample.server)),
			peakMb: Math.max(...samples.map(sample => sample.peakMb)),
		});
	}

	const ok = measured.filter(row => row.error === undefined);
	const reference = base ?? ok.find(row => row.name === 'svctui') ?? ok[0];
	const lines = [title, header];
	for (const row of measured) {
		if (row.error !== undefined) {
			lines.push(`${row.name.padEnd(14)}failed: ${row.error}`);
			continue;
		}

		const ratio = (value, of) => (of === undefined ? '-' : `${(value / of).toFixed(2)}x`);
		lines.push(
			`${row.name.padEnd(14)}${row.wall.toFixed(2).padStart(8)}${row.cpu.toFixed(2).padStart(14)}${row.server.toFixed(2).padStart(14)}${row.peakMb.toFixed(0).padStart(9)}` +
				`${ratio(row.wall, reference?.wall).padStart(13)}${ratio(row.cpu, reference?.cpu).padStart(12)}${ratio(row.server, reference?.server).padStart(15)}`,
		);
	}

	const svctui = ok.find(row => row.name === 'svctui');
	if (svctui !== undefined) {
		const others = ok.filter(row => row !== svctui);
		const check = passed => (passed ? 'met' : 'NOT met');
		const targets = [`svctui peak RSS < ${svctuiPeakTargetMb} MB: ${svctui.peakMb.toFixed(0)} MB, ${check(svctui.peakMb < svctuiPeakTargetMb)}`];
		if (others.length > 0) {
			targets.push(`wall and client CPU at most every other tool's: ${check(others.every(row => row.wall >= svctui.wall && row.cpu >= svctui.cpu))}`);
		}

		lines.push(`targets: ${targets.join('; ')}`);
	}

	console.log(lines.join('\n'));
	console.log('');
	return reference;
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Take the pool down and the work folder away, whichever way the bench ends. */
let work;
const cleanUp = () => {
	if (running !== undefined) {
		try {
			process.kill(-running.pid, 'SIGKILL');
		} catch {}
	}

	spawnSync('bash', [scale, 'down', '--name', pool], {stdio: 'ignore'});
	if (work !== undefined) rmSync(work, {recursive: true, force: true});
	work = undefined;
};

process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(signal, () => {
		console.error(`bench: ${signal}, taking the pool down`);
		cleanUp();
		process.exit(130);
	});
}

const memoryGb = (Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) / 1024 / 1024).toFixed(1);
console.log(
	`SSH endpoints from test/cluster/scale.sh (pool ${pool}, port ${port}) on this machine: ${spawnSync('nproc', {encoding: 'utf8'}).stdout.trim()} cores, ${memoryGb} GB RAM, ` +
		`load average ${load()} at the start; fanout ${fanout}, median of ${runs} run(s).`,
);
console.log('Ratios are the other tool over svctui: above 1 means svctui is faster or cheaper. Rows in one table ran back to back');
console.log('on the same pool; other work on the machine (its load average is printed) slows every row, so compare ratios.\n');
for (const nodes of sizes) {
	work = mkdtempSync(path.join(tmpdir(), 'svctui-bench-'));
	const up = spawnSync('bash', [scale, 'up', '--name', pool, '--port', port, '--nodes', String(nodes)], {stdio: ['ignore', 'ignore', 'inherit']});
	if (up.status !== 0) process.exit(1);
	try {
		const config = path.join(poolDir, 'ssh_config');
		const rows = tools(nodes, config, work);
		await table(`N = ${nodes}: (a) one status step`, rows.oneStep);
		const svctui = await table(`N = ${nodes}: (b) five status steps: one svctui plan vs five calls of each tool`, rows.fiveCalls);
		if (rows.oneCall.length > 0) await table(`N = ${nodes}: (b) the same five commands in ONE call of each tool (ratios against the svctui plan above)`, rows.oneCall, svctui);
	} finally {
		cleanUp();
	}

	console.log(`(load average after N = ${nodes}: ${load()})\n`);
}
