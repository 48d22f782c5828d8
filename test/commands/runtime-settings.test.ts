import {heapFlags} from '../../source/runtime-settings.js';
import {execFileSync} from 'node:child_process';
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
