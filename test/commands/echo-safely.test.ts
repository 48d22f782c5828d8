import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';

/** C0 controls except TAB and LF, DEL and C1: what must never reach a terminal from input. */
const rawControl = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

// Issue 7 item 8: whatever is echoed from input (node names, plan file names, arguments) is shown as
// \xNN, the way node output already is.
describe('input echoed by the CLI is shown safely', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'svctui-echo-'));
	const plan = path.join(dir, 'plan\u001B]0;pwned\u0007.yaml');
	writeFileSync(plan, '- cron:\n    state: status\n    nodes: n1\n');
	// A node name with ESC c and BEL can never be a host: the plan is refused, and the refusal echoes it safely.
	const hostile = path.join(dir, 'hostile.yaml');
	writeFileSync(hostile, '- cron:\n    state: status\n    nodes: "n1\\ec\\a"\n');

	it('--dry-run shows a plan file name with ESC and BEL as \\xNN', async () => {
		const result = await runCli(['--plan', plan, '--dry-run']);
		expect(result.code).toBe(0);
		expect(result.stdout).not.toMatch(rawControl);
		expect(result.stdout).toContain('plan\\x1b]0;pwned\\x07.yaml: 1 step');
	});

	it('a node name with ESC c and BEL is refused, and the error shows them as \\xNN', async () => {
		for (const argv of [['--plan', hostile, '--dry-run'], ['validate', hostile]]) {
			const result = await runCli(argv);
			expect(result.code).toBe(2);
			expect(result.stdout + result.stderr).not.toMatch(rawControl);
			expect(result.stdout + result.stderr).toMatch(/n1\\(x1b|u001b)c\\(x07|u0007)/);
		}
	});

	it('validate shows the plan file name safely', async () => {
		const result = await runCli(['validate', plan]);
		expect(result.code).toBe(0);
		expect(result.stdout).toBe(`${dir}/plan\\x1b]0;pwned\\x07.yaml: OK (1 step)\n`);
	});

	it('a node-set error echoes the argument with its controls shown', async () => {
		const result = await runCli(['run', 'n[1-\u001Bc', 'cron', 'status']);
		expect(result.code).toBe(2);
		expect(result.stderr).toBe('svctui: run: argument 1: node set "n[1-\\x1bc": unclosed bracket in "n[1-\\x1bc"; write ranges as node[1-3,7]\n');
		const nodeset = await runCli(['nodeset', '-f', 'n[1-\u0007']);
		expect(nodeset.stderr).not.toMatch(rawControl);
	});

	it('an unknown command is echoed safely, and a huge one is cut', async () => {
		const result = await runCli(['\u001B[2J']);
		// JSON quoting already escapes it.
		expect(result.stderr).toBe('svctui: unknown command "\\u001b[2J"; commands are run, check, validate, nodeset, demo (see svctui --help)\n');
		const huge = await runCli([`n[${'1'.repeat(100_000)}`, 'cron', 'status']);
		expect(huge.code).toBe(2);
		expect(huge.stderr.length).toBeLessThan(400);
	});
});
