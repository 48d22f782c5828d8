import {spawn} from 'node:child_process';
import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {nodesetCommand} from '../../source/commands/nodeset.js';
import {nodesetBinaryAvailable, writeGroupsFixture} from './oracle.js';
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
