// Fold and expand 100,000 nodes with svctui's node sets and with ClusterShell's `nodeset`.
// Not a test: prints a table. Build first (`npx tsc -p .`), or point SVCTUI_DIST at another build.
import {spawnSync} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.SVCTUI_DIST ?? path.join(here, '../dist');
const {NodeSet, parseNodeSet} = await import(pathToFileURL(path.join(dist, 'nodeset/index.js')).href);

const count = 100_000;
const shapes = [
	{name: '1-D', expr: `node[1-${count}]`, names: () => Array.from({length: count}, (_, i) => `node${i + 1}`)},
	{name: 'padded', expr: `node[000001-${count}]`, names: () => Array.from({length: count}, (_, i) => `node${String(i + 1).padStart(6, '0')}`)},
	{name: '2-D', expr: 'rack[1-100]-node[1-1000]', names: () => Array.from({length: count}, (_, i) => `rack${Math.floor(i / 1000) + 1}-node${(i % 1000) + 1}`)},
	{name: 'sparse 1-D', expr: `node[1-${2 * count}/2]`, names: () => Array.from({length: count}, (_, i) => `node${2 * i + 1}`)},
];

function time(fn) {
	const start = process.hrtime.bigint();
	const result = fn();
	return {ms: Number(process.hrtime.bigint() - start) / 1e6, result};
}

function nodeset(args, input) {
	const run = time(() => spawnSync('nodeset', args, {input, encoding: 'utf8', maxBuffer: 1 << 28}));
	if (run.result.status !== 0) {
		throw new Error(`nodeset ${args.join(' ')} failed: ${run.result.stderr}`);
	}

	return {ms: run.ms, out: run.result.stdout.trimEnd()};
}

const startup = nodeset(['-c', 'x']).ms;
const rows = [];
for (const shape of shapes) {
	const names = shape.names();
	const ours = time(() => NodeSet.fromNodes(names).fold());
	const theirs = nodeset(['-f'], names.join('\n') + '\n');
	if (ours.result !== theirs.out) {
		throw new Error(`fold differs for ${shape.name}: ${ours.result.slice(0, 80)} vs ${theirs.out.slice(0, 80)}`);
	}

	rows.push({op: `fold ${shape.name}`, nodes: names.length, ours: ours.ms, theirs: theirs.ms});
	const expanded = time(() => parseNodeSet(shape.expr).expand().join(' '));
	const theirsExpand = nodeset(['-e', shape.expr]);
	if (expanded.result !== theirsExpand.out) {
		throw new Error(`expand differs for ${shape.name}`);
	}

	rows.push({op: `expand ${shape.name}`, nodes: names.length, ours: expanded.ms, theirs: theirsExpand.ms});
}

const pad = (text, width) => String(text).padStart(width);
console.log(`${'op'.padEnd(20)}${pad('nodes', 8)}${pad('svctui ms', 12)}${pad('nodeset ms', 12)}${pad('ratio', 8)}`);
for (const row of rows) {
	console.log(`${row.op.padEnd(20)}${pad(row.nodes, 8)}${pad(row.ours.toFixed(1), 12)}${pad(row.theirs.toFixed(1), 12)}${pad((row.theirs / row.ours).toFixed(1) + 'x', 8)}`);
}

console.log(`(nodeset times include python start-up, about ${startup.toFixed(0)} ms here; ratio = nodeset / svctui; outputs checked equal)`);

// The app's outcome lines fit a node set to the pane each frame (ui/node-map.ts fitNodeSet): the worst case is
// a run half done in random order, every other node in each outcome.
const {fitNodeSet} = await import(pathToFileURL(path.join(dist, 'ui/node-map.js')).href);
const scattered = Array.from({length: 5000}, (_, i) => `node${i + 1}`).filter((_, i) => i % 2 === 0);
const dense = Array.from({length: 2500}, (_, i) => `node${i + 1}`);
const perCall = names => {
	for (let i = 0; i < 5; i++) fitNodeSet(names, 68);
	return time(() => {
		for (let i = 0; i < 50; i++) fitNodeSet(names, 68);
	}).ms / 50;
};

console.log(`\n${'fitNodeSet, width 68'.padEnd(32)}${pad('nodes', 8)}${pad('ms a call', 12)}`);
console.log(`${'every other node'.padEnd(32)}${pad(scattered.length, 8)}${pad(perCall(scattered).toFixed(2), 12)}`);
console.log(`${'one range'.padEnd(32)}${pad(dense.length, 8)}${pad(perCall(dense).toFixed(2), 12)}`);
