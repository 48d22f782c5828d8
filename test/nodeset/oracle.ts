import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, mkdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';

/** What ClusterShell said about one expression. */
export type OracleReply = {fold: string; expand: string[]; count: number} | {error: string};

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
export async function askClusterShell(requests: ReadonlyArray<{expr: string; autostep?: number | undefined}>, groupsConf?: string): Promise<OracleReply[]> {
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
	child.stdin.end(requests.map(request => JSON.stringify({expr: request.expr, autostep: request.autostep ?? null})).join('\n') + '\n');
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
