import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {copyFileSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {beforeAll, describe, expect, inject, it} from 'vitest';
import {bundleFile, packedInstall, seaBinary} from '../helpers/artifacts.js';
import {cleanEnv, finished, repoRoot, type CliResult} from '../helpers/cli.js';
import {spawnInPty} from '../helpers/pty.js';
import {skipWhen} from '../helpers/skip.js';

// The one-file bundle, the standalone binary and the npm package, each as an admin would use it: away
// from the clone and its node_modules, running a plan headless on the local cluster and opening and
// quitting the app in a real terminal. Each is built once per state of the sources (test/helpers/artifacts.ts).

const labs = inject('svctuiLabs');
const labSkip = labs.available ? undefined : labs.reason;
const {version} = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string};
const wasmProbe = path.join(repoRoot, 'test', 'fixtures', 'distribution', 'wasm-probe.mjs');

/** sha256 of yoga's WebAssembly (Ink's layout engine), as the probe logs it when Ink is imported. */
function yogaWasmHash(): string {
	const loader = readFileSync(path.join(repoRoot, 'node_modules', 'yoga-layout', 'dist', 'binaries', 'yoga-wasm-base64-esm.js'), 'utf8');
	const base64 = /"data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/.exec(loader)?.[1];
	expect(base64, 'yoga-layout embeds its wasm as base64').toBeDefined();
	return createHash('sha256').update(Buffer.from(base64 ?? '', 'base64')).digest('hex');
}

/** How to start one form of svctui: the command and the arguments before svctui's own. */
type Launcher = {readonly command: string; readonly prefix: readonly string[]; readonly env?: NodeJS.ProcessEnv};

async function run(launcher: Launcher, args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv(), cwd = env['HOME'] ?? tmpdir()): Promise<CliResult> {
	const child = spawn(launcher.command, [...launcher.prefix, ...args], {cwd, env: {...env, ...launcher.env}, stdio: 'pipe'});
	child.stdin.end();
	return finished(child);
}

/** A plan in a scratch directory (nothing of the clone is in reach). */
function planCopy(name: string): string {
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'svctui-plan-')), name);
	copyFileSync(path.join(repoRoot, 'plans', name), file);
	return file;
}

/** The lab's ssh_config, or, without the lab, one where every node refuses at once (the app opens all the same). */
function sshConfig(): string {
	if (labs.available) {
		return labs.sd.sshConfig;
	}

	const file = path.join(mkdtempSync(path.join(tmpdir(), 'svctui-refused-')), 'ssh_config');
	writeFileSync(file, 'Host *\n\tHostName 127.0.0.1\n\tPort 9\n');
	return file;
}

async function runsExample2OnTheLab(launcher: Launcher): Promise<void> {
	if (!labs.available) {
		return;
	}

	const result = await run(launcher, ['--plan', planCopy('example2.yaml'), '--yes', '-F', labs.sd.sshConfig]);
	expect(result.stdout).toMatch(/^ {2}cron {3}OK node\[1-3\]$/m);
	expect(result.stdout).toContain('  nginx  FAIL node[2-3]: not installed');
	expect(result.stdout).toMatch(/1 start nginx +: +ok=1 +failed=2 +skipped=0 +unreachable=0/);
	expect(result.stderr).toMatch(/^log: /m);
	expect(result.code).toBe(1);
}

async function opensAndQuitsTheApp(launcher: Launcher, env: NodeJS.ProcessEnv = {}): Promise<void> {
	const home = cleanEnv();
	const session = spawnInPty(launcher.command, [...launcher.prefix, '--plan', planCopy('example1.yaml'), '-F', sshConfig()], {
		cwd: home['HOME'] ?? tmpdir(),
		env: {...home, TERM: 'xterm-256color', LANG: 'C', NO_COLOR: '1', ...launcher.env, ...env},
	});
	try {
		// `--plan` opens on the review, after a pre-flight that asks every node.
		const review = await session.waitForScreen(screen => screen.includes('n/Esc back') && screen.includes('pre-flight'), 60_000);
		expect(session.buffer()).toBe('alternate');
		expect(review).toContain('1. start cron on node[1-3] (3 nodes)');
		session.write('n');
		await session.waitForScreen(screen => !screen.includes('n/Esc back'));
		session.write('q');
		expect(await session.exited).toBe(0);
		expect(session.buffer()).toBe('normal');
	} finally {
		session.kill();
	}
}

describe('the one-file bundle (npm run bundle)', () => {
	let launcher: Launcher;
	let probe: string;

	beforeAll(() => {
		// Dropped alone in an empty directory, as on a management node: no node_modules beside or above it.
		const file = path.join(mkdtempSync(path.join(tmpdir(), 'svctui-bundle-')), 'svctui.mjs');
		copyFileSync(bundleFile(), file);
		probe = path.join(path.dirname(file), 'wasm.log');
		writeFileSync(probe, '');
		launcher = {command: process.execPath, prefix: ['--import', wasmProbe, file], env: {SVCTUI_WASM_PROBE: probe}};
	});

	it('reports the package version and validates a plan, without loading Ink', async () => {
		const result = await run(launcher, ['--version']);
		expect(result).toMatchObject({code: 0, stdout: `${version}\n`, stderr: ''});
		const validated = await run(launcher, ['validate', planCopy('example2.yaml')]);
		expect(validated.stdout).toMatch(/example2\.yaml: OK \(4 steps\)/);
		expect(readFileSync(probe, 'utf8')).not.toContain(yogaWasmHash());
	});

	it('runs example2.yaml headless on the local cluster over real SSH, and never loads Ink on that path', skipWhen(labSkip), async () => {
		await runsExample2OnTheLab(launcher);
		expect(readFileSync(probe, 'utf8')).not.toContain(yogaWasmHash());
	});

	it('opens the app in a real terminal and quits (Ink is loaded there: the probe sees it)', async () => {
		await opensAndQuitsTheApp(launcher);
		expect(readFileSync(probe, 'utf8')).toContain(yogaWasmHash());
	});
});

describe('the standalone binary (npm run sea)', () => {
	let launcher: Launcher;

	beforeAll(() => {
		launcher = {command: seaBinary(), prefix: []};
	});

	it('reports the package version', async () => {
		const result = await run(launcher, ['--version']);
		expect(result).toMatchObject({code: 0, stdout: `${version}\n`, stderr: ''});
	});

	it('runs example2.yaml headless on the local cluster over real SSH', skipWhen(labSkip), async () => {
		await runsExample2OnTheLab(launcher);
	});

	it('opens the app in a real terminal and quits', async () => {
		await opensAndQuitsTheApp(launcher);
	});
});

describe('the npm package (npm pack, then npm install -g in a scratch prefix)', () => {
	let launcher: Launcher;

	beforeAll(() => {
		const bin = packedInstall();
		// `svctui` as the shell finds it: on the PATH, from the prefix's bin/.
		launcher = {command: 'svctui', prefix: [], env: {PATH: `${path.dirname(bin)}:${process.env['PATH'] ?? ''}`}};
	});

	it('puts svctui on the PATH, and it reports the package version', async () => {
		const result = await run(launcher, ['--version']);
		expect(result).toMatchObject({code: 0, stdout: `${version}\n`, stderr: ''});
	});

	it('runs example2.yaml headless on the local cluster over real SSH', skipWhen(labSkip), async () => {
		await runsExample2OnTheLab(launcher);
	});
});
