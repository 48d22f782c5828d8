import {heapFlags, youngGenerationGiven} from '../../source/runtime-settings.js';
import {execFileSync, spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';

// The built CLI loads React's production build unless told otherwise: the development build kept a
// performance mark per render and an owner stack per element, hundreds of MB on the 5,000-node app bench.
// `captureOwnerStack` is exported by React's development build only.
const probe = `await import(${JSON.stringify(path.resolve('dist/runtime-settings.js'))});
const {createRequire} = await import('node:module');
const react = createRequire(${JSON.stringify(path.resolve('package.json'))})('react');
console.log(process.env.NODE_ENV, typeof react.captureOwnerStack);`;

function reactBuild(nodeEnv: string | undefined): string {
	const {NODE_ENV: _, ...env} = process.env;
	return execFileSync(process.execPath, ['--input-type=module', '-e', probe], {env: nodeEnv === undefined ? env : {...env, NODE_ENV: nodeEnv}, encoding: 'utf8'}).trim();
}

describe('React build', () => {
	it('is production when NODE_ENV is unset', () => {
		expect(reactBuild(undefined)).toBe('production undefined');
	});

	it('is what NODE_ENV asks for when it is set', () => {
		expect(reactBuild('development')).toBe('development function');
	});

	it('is chosen by the first module the CLI loads, before anything can load React', () => {
		const firstImport = /^import\s+(?:[^'"]*from\s+)?'([^']+)'/m.exec(readFileSync('source/cli.ts', 'utf8'))?.[1];
		expect(firstImport).toBe('./runtime-settings.js');
	});
});

describe('heapFlags', () => {
	it.each([
		[[], undefined, '--heap-growing-percent=20'],
		[['--max-old-space-size=512'], '', '--heap-growing-percent=20'],
		[['--heap-growing-percent=50'], undefined, undefined],
		[['--heap_growing_percent=50'], undefined, undefined],
		[[], '--optimize-for-size', undefined],
		[[], '--inspect --heap-growing-percent=10', undefined],
	])('execArgv %j and NODE_OPTIONS %j: %s', (execArgv, nodeOptions, flags) => {
		expect(heapFlags(execArgv, nodeOptions)).toBe(flags);
	});
});

describe('youngGenerationGiven', () => {
	it.each([
		[[], undefined, false],
		[['--max-old-space-size=512'], '--heap-growing-percent=0', false],
		[['--max-semi-space-size=8'], undefined, true],
		[['--max_semi_space_size=8'], undefined, true],
		[[], '--min-semi-space-size=2', true],
		[[], '--inspect --semi-space-growth-factor=2', true],
		[['--optimize-for-size'], undefined, true],
	])('execArgv %j and NODE_OPTIONS %j: %s', (execArgv, nodeOptions, given) => {
		expect(youngGenerationGiven(execArgv, nodeOptions)).toBe(given);
	});
});

// Allocates objects that survive a few scavenges (what a run does), then has `young`, the young generation's
// size in bytes: V8 grows it while survivors are many, unless it is held.
const allocateSurvivors = `const v8 = await import('node:v8');
const kept = [];
for (let round = 0; round < 40; round++) {
	await new Promise(resolve => setTimeout(resolve, 1));
	for (let index = 0; index < 50000; index++) {
		kept.push({index, text: 'x' + index});
		if (kept.length > 200000) kept.splice(0, 100000);
	}
}
const young = v8.getHeapSpaceStatistics().find(space => space.space_name === 'new_space');`;

const youngProbe = (call: string): string => `const settings = await import(${JSON.stringify(path.resolve('dist/runtime-settings.js'))});
${call}
${allocateSurvivors}
console.log(Math.round(young.space_size / 2 ** 20));`;

function youngMiB(call: string, nodeOptions?: string): number {
	const {NODE_OPTIONS: _, ...env} = process.env;
	const output = execFileSync(process.execPath, ['--input-type=module', '-e', youngProbe(call)], {env: nodeOptions === undefined ? env : {...env, NODE_OPTIONS: nodeOptions}, encoding: 'utf8'});
	return Number(output.trim());
}

describe('the young generation (both semi-spaces, MiB)', () => {
	it('is held at its start-up size for a headless run', () => {
		expect(youngMiB("settings.youngGenerationFor('headless');")).toBeLessThanOrEqual(4);
	});

	it('is held until the command says what it runs', () => {
		expect(youngMiB('')).toBeLessThanOrEqual(4);
	});

	it("is V8's to grow for the full-screen app", () => {
		expect(youngMiB("settings.youngGenerationFor('interactive');")).toBeGreaterThanOrEqual(16);
	});

	it("is V8's to grow when the admin gave a young-generation flag, whatever runs", () => {
		expect(youngMiB("settings.youngGenerationFor('headless');", '--max-semi-space-size=16')).toBeGreaterThanOrEqual(16);
	});
});

// After the CLI's own work, allocate survivors as a run does and print the young generation's size (MiB):
// what the command line chose for the command (cli.ts) shows in how far it grows.
const afterCli = `process.once('beforeExit', async () => {
${allocateSurvivors}
process.stderr.write('young ' + Math.round(young.space_size / 2 ** 20) + '\\n');
});`;

function youngAfterCli(args: readonly string[]): number {
	const {NODE_OPTIONS: _, ...env} = process.env;
	const result = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(afterCli)}`, path.resolve('dist/cli.js'), ...args], {env, encoding: 'utf8'});
	const young = /young (\d+)/.exec(result.stderr)?.[1];
	if (young === undefined) throw new Error(`no size printed: ${result.stderr}`);
	return Number(young);
}

describe('the young generation the command line chooses', () => {
	it('is held for a headless plan run (here a dry run, without a terminal)', () => {
		expect(youngAfterCli(['--plan', path.resolve('plans/example.yaml'), '--dry-run'])).toBeLessThanOrEqual(4);
	});

	it("is V8's for a command that parses its own arguments", () => {
		expect(youngAfterCli(['nodeset', '-c', 'node[1-3]'])).toBeGreaterThanOrEqual(16);
	});
});
