import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {nodesetCommand} from '../../source/commands/nodeset.js';

/** A state folder with two runs' result sets, as the log writer leaves them. */
function stateWithRuns(): string {
	const state = mkdtempSync(path.join(tmpdir(), 'svctui-nodeset-results-'));
	const runs = {
		log_20261201_101500: {ok: ['web1', 'web2', 'web4'], failed: ['web3', 'web5'], unreachable: ['web9'], skipped: [], changed: ['web1']},
		log_20261201_111500: {ok: ['db1'], failed: ['db2', 'db3'], unreachable: [], skipped: ['db4'], changed: []},
	};
	for (const [run, sets] of Object.entries(runs)) {
		const folder = path.join(state, 'svctui', 'logs', run);
		mkdirSync(folder, {recursive: true});
		writeFileSync(path.join(folder, 'results.json'), `${JSON.stringify({version: 1, run, sets})}\n`);
	}

	return state;
}

async function nodeset(argv: readonly string[], state: string): Promise<{stdout: string; code: number}> {
	let stdout = '';
	const code = await nodesetCommand(argv, {
		stdout: {write(text: string) {
			stdout += text;
		}},
		stderr: {write() {}},
		stdin: Readable.from(['']),
		env: {HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent', XDG_STATE_HOME: state},
		cwd: '/',
	});
	return {stdout, code};
}

describe('svctui nodeset expands the result sets of earlier runs like any group', () => {
	const state = stateWithRuns();

	it('@failed, @ok, @skipped are the last run\'s', async () => {
		expect(await nodeset(['-f', '@failed'], state)).toEqual({stdout: 'db[2-3]\n', code: 0});
		expect((await nodeset(['-e', '@ok,@skipped'], state)).stdout).toBe('db1 db4\n');
	});

	it('@failed:log_… names an earlier run, and mixes with node sets and operators', async () => {
		expect((await nodeset(['-f', '@failed:log_20261201_101500'], state)).stdout).toBe('web[3,5]\n');
		expect((await nodeset(['-f', '@unreachable:log_20261201_101500,@failed:log_20261201_101500'], state)).stdout).toBe('web[3,5,9]\n');
		expect((await nodeset(['-c', 'web[1-9]', '-x', '@ok:log_20261201_101500'], state)).stdout).toBe('6\n');
		expect((await nodeset(['-f', '@changed:log_20261201_101500'], state)).stdout).toBe('web1\n');
	});

	it('a run that is not there is one clear error', async () => {
		await expect(nodeset(['-f', '@failed:log_20200101_000000'], state)).rejects.toThrow(/run log_20200101_000000: no results in .*log_20200101_000000/);
	});
});
