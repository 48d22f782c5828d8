import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {formatSkips, groupSkips} from './skip-reporter.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the skip reporter', () => {
	it('ends a real vitest run with the skipped tests grouped by why, each with its command; a skip without a reason is listed as such', () => {
		const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/skips/vitest.config.ts'], {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}});
		expect(run.status, run.stderr).toBe(0);
		const file = 'test/fixtures/skips/skips.fixture.ts';
		expect(run.stdout).toBe([
			'skipped: 4 tests, and why',
			`  2 in ${file}`,
			'    why: the thing is not installed',
			'    run them with: apt-get install thing',
			`  1 in ${file}`,
			'    why: not root',
			'    run them with: sudo npm test',
			`  1 in ${file}`,
			'    why: skipped without a reason (give the describe or it skipWhen(reason) from test/helpers/skip.ts)',
			'    run them with: see the files',
			'',
		].join('\n'));
	});

	it('says nothing when nothing was skipped', () => {
		expect(formatSkips(groupSkips([]))).toBe('');
	});

	it('names every file of a group once, sorted', () => {
		const reason = {why: 'w', enable: 'e'};
		expect(groupSkips([{reason, file: 'b'}, {reason, file: 'a'}, {reason, file: 'b'}])).toEqual([{reason, tests: 3, files: ['a', 'b']}]);
	});
});
