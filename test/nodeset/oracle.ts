import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, mkdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';

/** What ClusterShell said about one expression. */
export type OracleReply = {fold: string; expand: string[]; count: number; view?: string[]} | {error: string};

/** What nodeset's flags print, asked through the library calls nodeset makes (see oracle.py). */
export type OracleView =
	| {kind: 'slice'; rs: string}
	| {kind: 'split'; n: number}
	| {kind: 'contiguous'}
	| {kind: 'axis'; axis: number[]}
	| {kind: 'regroup'};

const here = path.dirname(fileURLToPath(import.meta.url));
export const oracleScript = path.join(here, '../fixtures/nodeset/oracle.py');

/**
 * A python that can import ClusterShell: the distribution's (the one `nodeset` runs with) before
 * whatever `python3` is first on PATH (pyenv shims often lack system packages).
 */
export const python = ['/usr/bin/python3', 'python3'].find(candidate => spawnSync(candidate, ['-c', 'import ClusterShell.NodeSet'], {stdio: 'ignore'}).status === 0);

/** Whether ClusterShell is importable (the differential tests skip otherwise). */
export const clustershellAvailable = python !== undefined;
export const nodesetBinaryAvailable = spawnSync('nodeset', ['--version'], {stdio: 'ignore'}).status === 0;

/** Ask one python3 process about many expressions (python start-up is slow, so never one per case). */
export async function askClusterShell(requests: ReadonlyArray<{expr: string; autostep?: number | undefined; view?: OracleView | undefined}>, groupsConf?: string): Promise<OracleReply[]> {
	const child = spawn(python ?? 'python3', [oracleScript, ...(groupsConf ? [groupsConf] : [])], {stdio: ['pipe', 'pipe', 'inherit']});
	const replies: OracleReply[] = [];
	const lines = createInterface({input: child.stdout});
	const done = new Promise<void>((resolve, reject) => {
		lines.on('line', line => {
			replies.push(JSON.parse(line) as OracleReply);
		});
		child.on('error', reject);
		child.on('close', () => {
			resolve();
		});
	});
	child.stdin.end(requests.map(request => JSON.stringify({expr: request.expr, autostep: request.autostep ?? null, view: request.view ?? null})).join('\n') + '\n');
	await done;
	return replies;
}

/** A groups.conf with two YAML sources, the way sites write them. */
export function writeGroupsFixture(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'svctui-nodeset-'));
	mkdirSync(path.join(dir, 'groups.d'));
	writeFileSync(path.join(dir, 'groups.conf'), '[Main]\ndefault: site\nautodir: $CFGDIR/groups.d\n');
	writeFileSync(path.join(dir, 'groups.d', 'site.yaml'), [
		'site:',
		'  web: "web[01-04]"',
		'  db: db[1-2] db10',
		'  rack1: "node[1-8]"',
		'  rack2: "node[9-16],rack2-mgmt"',
		'  ib: "rack[1-2]-ib[1-3]"',
		'  nested: "@web,@db!db10"',
		'  empty: ""',
		'  all: "web[01-04],db[1-2,10],node[1-16],login1"',
		'lab:',
		'  gpu: [gpu1, gpu2, "gpu[05-06]"]',
		'  cpu: "cpu[1-3]"',
		'',
	].join('\n'));
	return path.join(dir, 'groups.conf');
}

/**
 * A groups.conf with upcall sources, as sites using flat files or a CMDB write them: `up` has map,
 * list, reverse and cache_time; `norev` has no reverse, so `-r` expands every listed group instead.
 */
export function writeUpcallFixture(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'svctui-upcall-'));
	writeFileSync(path.join(dir, 'groups.txt'), 'web: web[01-04]\ndb: db[1-2] db10\nrack1: node[1-8]\nrack2: node[9-16]\nhalf: node[1-4]\nr: rack[1-2]-ib[1-2]\n');
	writeFileSync(path.join(dir, 'reverse.txt'), [
		'web: web01 web02 web03 web04',
		'db: db1 db2 db10',
		'rack1: node1 node2 node3 node4 node5 node6 node7 node8',
		'rack2: node9 node10 node11 node12 node13 node14 node15 node16',
		'half: node1 node2 node3 node4',
		'r: rack1-ib1 rack1-ib2 rack2-ib1 rack2-ib2',
		'',
	].join('\n'));
	const upcalls = [
		String.raw`map: sed -n 's/^$GROUP: \(.*\)/\1/p' $CFGDIR/groups.txt`,
		String.raw`list: sed -n 's/^\([^:]*\):.*/\1/p' $CFGDIR/groups.txt`,
	];
	writeFileSync(path.join(dir, 'groups.conf'), [
		'[Main]', 'default: up', '', '[up]', ...upcalls, 'reverse: grep -w "$NODE" $CFGDIR/reverse.txt | cut -d: -f1', 'cache_time: 10', '',
		'[norev]', ...upcalls, '',
	].join('\n'));
	return path.join(dir, 'groups.conf');
}
