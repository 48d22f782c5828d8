// Fan-out: service commands on N real sshd nodes, svctui against clush, pdsh and ansible (raw module), on
// the same nodes in the same run: one command, then a three-step plan (svctui keeps one connection per node
// across steps; the others connect again for every step, as an admin running three commands would). Not a test: prints a table. Needs root (it brings up a SysV lab of N
// nodes with test/cluster/lab.sh, and takes it down again if it started it) and a build (`npm run build`).
//
//   node bench/fanout.mjs [--nodes 50] [--runs 3]
//
// Wall time is the median of the runs; CPU is the client side only (the tool and the ssh processes it
// starts, from /usr/bin/time): sshd and the remote shells run inside the nodes' namespaces and cost every
// tool the same. Remote shell rc files are the image's minimal ones (TESTBED.md: they dominate otherwise).
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argument = (name, fallback) => {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : Number(process.argv[index + 1]);
};

const nodes = argument('nodes', 50);
const runs = argument('runs', 3);
const lab = path.join(root, 'test', 'cluster', 'lab.sh');
const cli = path.join(root, 'dist', 'cli.js');
if (!existsSync(cli)) {
	console.error('bench: dist/cli.js is missing; run npm run build first');
	process.exit(2);
}

for (const tool of ['clush', 'pdsh', 'ansible']) {
	if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
		console.error(`bench: ${tool} is missing; apt-get install clustershell pdsh ansible`);
		process.exit(2);
	}
}

const name = 'bench';
const dir = `/run/svctui-lab/${name}`;
const wasUp = spawnSync('bash', [lab, 'status', '--name', name], {stdio: 'ignore'}).status === 0;
if (!wasUp) {
	console.error(`bench: bringing up ${nodes} SysV nodes …`);
	const up = spawnSync('bash', [lab, 'up', '--name', name, '--kind', 'sysv', '--nodes', String(nodes)], {stdio: ['ignore', 'ignore', 'inherit']});
	if (up.status !== 0) {
		process.exit(1);
	}
}

const config = path.join(dir, 'ssh_config');
const work = mkdtempSync(path.join(tmpdir(), 'svctui-bench-'));
const inventory = path.join(work, 'inventory');
writeFileSync(inventory, `[nodes]\n${Array.from({length: nodes}, (_, index) => `node${index + 1}`).join('\n')}\n`);
const set = `node[1-${nodes}]`;
const command = 'service cron status';
const threeSteps = path.join(work, 'three-steps.yaml');
writeFileSync(threeSteps, ['cron', 'ssh', 'cron'].map(service => `- ${service}:\n    state: status\n    nodes: ${set}\n`).join(''));
const times = (count, argv) => ['sh', '-c', `for i in $(seq ${count}); do "$@" || exit 1; done`, 'sh', ...argv];

/** Each tool as an admin would run it for "status of cron on these nodes", failing on any failed node. */
const oneCommand = [
	{name: 'svctui', argv: ['node', cli, 'run', set, 'cron', 'status', '-F', config, '--log-dir', path.join(work, 'logs')], env: {}},
	{name: 'clush', argv: ['clush', '-S', '-f', '64', '-w', set, '-o', `-F ${config}`, command], env: {}},
	{name: 'pdsh', argv: ['pdsh', '-S', '-f', '64', '-w', set, command], env: {PDSH_RCMD_TYPE: 'ssh', PDSH_SSH_ARGS_APPEND: `-F ${config}`}},
	{
		name: 'ansible',
		argv: ['ansible', 'all', '-i', inventory, '-f', '64', '-m', 'raw', '-a', command],
		// ControlPersist short, so one run does not reuse the previous run's master connections.
		env: {ANSIBLE_SSH_ARGS: `-F ${config} -o ControlMaster=auto -o ControlPersist=2s`, ANSIBLE_HOST_KEY_CHECKING: 'True'},
	},
];

/** The same work as three steps: svctui runs a plan; the others run their command three times. */
const threeStepTools = oneCommand.map(tool =>
	tool.name === 'svctui'
		? {...tool, argv: ['node', cli, '--plan', threeSteps, '--yes', '-F', config, '--log-dir', path.join(work, 'logs')]}
		: {...tool, argv: times(3, tool.argv)},
);

function measure(tool) {
	const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...tool.argv], {env: {...process.env, ...tool.env}, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe']});
	const last = result.stderr.trim().split('\n').at(-1) ?? '';
	const [wall, user, system, maxKb] = last.split(' ').map(Number);
	if (result.status !== 0) {
		throw new Error(`${tool.name} exited ${result.status}: ${result.stderr.slice(-400)}`);
	}

	return {wall, cpu: user + system, rssMb: maxKb / 1024};
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function table(title, tools) {
	const rows = tools.map(tool => {
		measure(tool); // Warm-up: page cache, Python byte code.
		const samples = Array.from({length: runs}, () => measure(tool));
		return {
			name: tool.name,
			wall: median(samples.map(sample => sample.wall)),
			cpu: samples.reduce((sum, sample) => sum + sample.cpu, 0) / runs,
			rssMb: Math.max(...samples.map(sample => sample.rssMb)),
		};
	});
	const base = rows[0];
	const lines = [title, `${'tool'.padEnd(10)}${'wall s'.padStart(8)}${'client CPU s'.padStart(14)}${'max RSS MB'.padStart(12)}${'wall vs svctui'.padStart(16)}${'CPU vs svctui'.padStart(15)}`];
	for (const row of rows) {
		lines.push(`${row.name.padEnd(10)}${row.wall.toFixed(2).padStart(8)}${row.cpu.toFixed(2).padStart(14)}${row.rssMb.toFixed(0).padStart(12)}${`${(row.wall / base.wall).toFixed(1)}x`.padStart(16)}${`${(row.cpu / base.cpu).toFixed(1)}x`.padStart(15)}`);
	}

	return lines.join('\n');
}

try {
	console.log(`${nodes} SysV nodes, fanout 64, median of ${runs} runs; client CPU = the tool + the ssh processes it starts; max RSS = its largest process\n`);
	console.log(table(`"${command}" once`, oneCommand));
	console.log('');
	console.log(table('three steps (status cron, ssh, cron): one svctui plan vs three runs of the others', threeStepTools));
} finally {
	if (!wasUp) {
		spawnSync('bash', [lab, 'down', '--name', name], {stdio: 'ignore'});
	}
}
