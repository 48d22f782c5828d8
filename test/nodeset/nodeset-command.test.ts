import {spawn} from 'node:child_process';
import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {nodesetCommand} from '../../source/commands/nodeset.js';
import {nodesetBinaryAvailable, writeGroupsFixture, writeUpcallFixture} from './oracle.js';
import {skipWhen} from '../helpers/skip.js';

type Result = {stdout: string; stderr: string; code: number};

const groupsConf = writeGroupsFixture();
const env = {HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent'};

async function ours(argv: readonly string[], stdin = ''): Promise<Result> {
	let stdout = '';
	let stderr = '';
	const code = await nodesetCommand(argv, {
		stdout: {write(text: string) {
			stdout += text;
		}},
		stderr: {write(text: string) {
			stderr += text;
		}},
		stdin: Readable.from([stdin]),
		env,
		cwd: '/',
	});
	return {stdout, stderr, code};
}

async function theirs(argv: readonly string[], stdin = ''): Promise<Result> {
	return new Promise((resolve, reject) => {
		const child = spawn('nodeset', argv, {env: {...process.env, ...env}});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
		});
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		child.on('error', reject);
		child.on('close', code => {
			resolve({stdout, stderr, code: code ?? -1});
		});
		child.stdin.end(stdin);
	});
}

const g = ['--groupsconf', groupsConf];
const u = ['--groupsconf', writeUpcallFixture()];
const cases: Array<{argv: string[]; stdin?: string}> = [
	{argv: ['-f', 'node[1-3,7]', 'node4']},
	{argv: ['-e', 'node[01-03]', 'web[1-2]']},
	{argv: ['-c', 'node[1-100]', '-x', 'node[50-60]']},
	{argv: ['-f', 'node[1-10]', '-x', 'node3', '-i', 'node[2-8]', '-X', 'node[7-12]']},
	{argv: ['-f', '-x', 'node3', 'node[1-5]']},
	{argv: ['-f', '-i', 'node[2-3]', '-x', 'node2', 'node[1-5]']},
	{argv: ['-fx', 'node1', 'node[1-3]']},
	{argv: ['-e', '-S', ',', 'n[1-4]']},
	{argv: ['-e', '-S', String.raw`\n`, 'n[1-4]']},
	{argv: ['-e', '--separator=:', 'n[1-4]']},
	{argv: ['--autostep=3', '-f', 'n[1,3,5,7,9,10]']},
	{argv: ['--autostep', 'auto', '-f', 'n[1,3,5,7]']},
	{argv: ['--autostep', '50%', '-f', 'n[1,3,5,7,8,9]']},
	{argv: ['-R', '-f', '1,2,3,5']},
	{argv: ['-R', '-e', '01-05/2']},
	{argv: ['-R', '-c', '1-100', '-x', '5-10']},
	{argv: ['-f'], stdin: 'node1 node2\nnode3 # comment\nweb1'},
	{argv: ['-f'], stdin: 'node1\nnode2\n'},
	{argv: ['-e', 'node[1-3]', '-x', '-'], stdin: 'node2\n'},
	{argv: ['-c'], stdin: ''},
	{argv: ['-f', 'rack[1-2]-node[1-3]', 'rack3-node1']},
	{argv: ['-f', 'a\nb\nc1']},
	{argv: [...g, '-f', '@web,@db']},
	{argv: [...g, '-e', '@lab:gpu']},
	{argv: [...g, '-c', '@*']},
	{argv: [...g, '-f', '@lab:*']},
	{argv: [...g, '-s', 'lab', '-f', '@cpu']},
	{argv: [...g, '-l']},
	{argv: [...g, '-ll']},
	{argv: [...g, '-lll']},
	{argv: [...g, '-L']},
	{argv: [...g, '-LL']},
	{argv: [...g, '-l', '-s', 'lab']},
	{argv: [...g, '-ll', 'node[1-10]']},
	{argv: [...g, '--groupsources']},
	{argv: [...g, '-f', 'node*']},
	{argv: [...g, '-O', 'ssh %s', '-e', 'n[1-2]']},
	{argv: ['-f', 'node[1-']},
	{argv: ['-f', 'node[3-1]']},
	{argv: ['-e', 'n1,']},
	{argv: ['node1']},
	{argv: ['-f', '-e', 'node1']},
	{argv: ['-z']},
	{argv: ['-f', 'node[1-99999999999]']},
	// Regroup: reverse upcalls, internal reverse through list + map, static YAML sources, -s and -G.
	{argv: [...u, '-r', 'node[1-16],web[01-04],db1']},
	{argv: [...u, '-r', 'node[1-8],web[01-03]']},
	{argv: [...u, '-r', 'node[1-4],rack[1-2]-ib[1-2]']},
	{argv: [...u, '-s', 'norev', '-r', 'node[1-16],web[01-04],db1']},
	{argv: [...u, '-s', 'norev', '-G', '-r', 'node[1-16],web[01-04],db1']},
	{argv: [...u, '-r', 'x1']},
	{argv: [...u, '-O', '<%s>', '--autostep=2', '-r', 'node[1-8,10,12,14]']},
	{argv: [...g, '-r', 'web[01-04],db[1-2],node[1-16],x']},
	{argv: [...g, '-s', 'lab', '-r', 'gpu[1-2,05-06],cpu[1-3]']},
	{argv: [...u, '-f', '@', 'n1']},
	{argv: [...u, '-f', '@:']},
	{argv: ['-R', '-r', '1-3']},
	{argv: [...u, '-a', '-r']},
	{argv: [...u, '-r', '--split', '2', 'node[1-16]']},
	{argv: [...u, '-r', '--contiguous', 'node[1-4,9-16]']},
	{argv: [...u, '-lll', 'node[1-5],web01']},
	// Slices, splits, axes, picks.
	{argv: ['-f', '--split', '3', 'node[1-10]']},
	{argv: ['-e', '--split=3', 'node[1-10],a,b']},
	{argv: ['-c', '--split', '4', 'node[1-2]']},
	{argv: ['-f', '--split', '010', 'node[1-20]']},
	{argv: ['-f', '--split', 'x', 'node[1-20]']},
	{argv: ['-f', '--contiguous', 'node[1-3,5,7-9],rack[1-2]-n[1-2,4],login']},
	{argv: ['-f', '--contiguous', '--split', '2', 'n1']},
	{argv: ['-f', '-I', '0-2,5', 'node[1-10],a,b']},
	{argv: ['-f', '-I', '10-11', 'node[1-10],a,b']},
	{argv: ['-f', '-I', '-2', 'node[1-10]']},
	{argv: ['-f', '-I0-3', 'rack[1-2]-node[1-3]']},
	{argv: ['-R', '-f', '-I', '0-2', '1-10']},
	{argv: ['-R', '--autostep=3', '-f', '-I', '0-9', '1-20/2']},
	{argv: ['--autostep=3', '-f', '-I', '0-9', 'n[1-20/2]']},
	{argv: ['-R', '-e', '--split', '3', '1-10']},
	{argv: ['-R', '-f', '--contiguous', '1-3,5']},
	{argv: ['--autostep=3', '-f', '--contiguous', 'node[1-2,21-39/2]', 'r[1-2]-n[1,3,5,7]']},
	{argv: ['--autostep=3', '-R', '-f', '--contiguous', '1-2,21-39/2']},
	{argv: ['-f', '--contiguous', 'n[-3--1]']},
	{argv: ['-O', 'x%s', '-f', '--split', '2', 'n[1-4]']},
	{argv: ['-f', '--axis', '1', 'rack[1-2]-node[1-3]']},
	{argv: ['-f', '--axis', '2', 'rack[1-2]-node[1-3]']},
	{argv: ['-f', '--axis', '-1', 'rack[1-2]-node[1-3],login,n[1-2]']},
	{argv: ['-f', '--axis', '1-2', 'a[1-2]b[1-2]c[1-2]']},
	{argv: ['-f', '--axis', '2', 'node[1-3]']},
	{argv: ['-e', '--axis', '1', 'node[1-3]']},
	{argv: ['-f', '--axis', '-1-2', 'node[1-3]']},
	{argv: ['-c', '--pick', '3', 'node[1-10]']},
	{argv: ['-c', '--pick', '30', 'node[1-10]']},
	{argv: ['-c', '--pick', 'x', 'node[1-10]']},
	{argv: ['-c', '--pick', '-1', 'node[1-10]']},
	{argv: ['-d', '-f', 'node[1-10]']},
	{argv: [...u, '-d', '-f', '@web,@db,@web']},
	{argv: [...u, '-d', '-r', 'web[01-04],db1']},
	// Long serial numbers and Unicode digits.
	{argv: ['-f', 'n[18446744073709551615-18446744073709551617]', 'n9999999999999999999999']},
	{argv: ['-e', 'node１', 'node[１-３]', 'n٣']},
	{argv: ['-R', '-f', '18446744073709551615-18446744073709551617,１-３']},
];

describe('nodesetCommand matches ClusterShell nodeset byte for byte', skipWhen(nodesetBinaryAvailable ? undefined : 'ClusterShell\'s nodeset command is not installed'), () => {
	it.each(cases)('nodeset $argv', async ({argv, stdin}) => {
		const [expected, actual] = await Promise.all([theirs(argv, stdin), ours(argv, stdin)]);
		expect(actual.code).toBe(expected.code);
		expect(actual.stdout).toBe(expected.stdout);
		if (expected.code === 0) {
			expect(actual.stderr).toBe(expected.stderr);
		} else {
			// Error wording is ours, but it stays one line.
			expect(actual.stderr.trimEnd().split('\n')).toHaveLength(1);
		}
	}, 20_000);
});
