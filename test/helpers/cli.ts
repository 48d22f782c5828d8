import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/** The built CLI, as a user runs it. Tests that use it need `npm run build` (npm test does it). */
export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export type CliResult = {readonly code: number | null; readonly signal: string | null; readonly stdout: string; readonly stderr: string};

/**
 * A clean environment: a fresh HOME (so the developer's ~/.ssh never leaks into a test) and a fresh
 * XDG_STATE_HOME (so each test finds its own run logs).
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const home = mkdtempSync(path.join(tmpdir(), 'svctui-home-'));
	return {
		PATH: process.env['PATH'],
		HOME: home,
		XDG_STATE_HOME: path.join(home, 'state'),
		XDG_CONFIG_HOME: path.join(home, 'config'),
		LANG: 'C.UTF-8',
		...extra,
	};
}

/** Start the CLI without waiting; stdin is a pipe (not a terminal). */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
	return spawn(process.execPath, [cliPath, ...args], {cwd: repoRoot, env, stdio: 'pipe'});
}

/** Collect a spawned CLI's output until it exits. */
export async function finished(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (text: string) => {
		stdout += text;
	});
	child.stderr.setEncoding('utf8').on('data', (text: string) => {
		stderr += text;
	});
	return new Promise(resolve => {
		child.on('close', (code, signal) => {
			resolve({code, signal, stdout, stderr});
		});
	});
}

/** Run the CLI to the end with stdin closed. */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<CliResult> {
	const child = spawnCli(args, env);
	child.stdin.end();
	return finished(child);
}

/** Resolves once the child's stdout so far satisfies `predicate`; fails if the child ends first (no silent hang). */
export async function untilStdout(child: ChildProcessWithoutNullStreams, predicate: (stdout: string) => boolean): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		let seen = '';
		child.stdout.on('data', (chunk: Buffer) => {
			seen += chunk.toString();
			if (predicate(seen)) {
				resolve();
			}
		});
		child.once('close', () => {
			reject(new Error(`the command ended before its output showed what was awaited; stdout:\n${seen.slice(-2000)}`));
		});
	});
}
