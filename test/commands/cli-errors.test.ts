import {describe, expect, it} from 'vitest';
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {cleanEnv, finished, runCli, spawnCli, type CliResult} from '../helpers/cli.js';

/** Run the CLI, killing it after `ms` (a hang must fail the test, not hang the suite). */
async function runBounded(args: readonly string[], ms: number): Promise<CliResult> {
	const child = spawnCli(args, cleanEnv());
	child.stdin.end();
	const timer = setTimeout(() => child.kill('SIGKILL'), ms);
	const result = await finished(child);
	clearTimeout(timer);
	return result;
}

// The built CLI, as a user runs it: every bad command line of issue 7 (items 3 and 4) is one line on
// stderr and exit 2, never "internal error" and a stack trace, and nothing runs.
describe('bad command lines end in one line and exit 2', () => {
	it.each([
		[['-f', '1', '-f', '2', 'run', 'n1', 'cron', 'status'], '--fanout (-f) given twice'],
		[['--plan', 'a', '--plan', 'b'], '--plan (-p) given twice'],
		[['-F', 'a', '-F', 'b', 'check', 'n1'], '--ssh-config (-F) given twice'],
		[['--log-dir', 'a', '--log-dir', 'b'], '--log-dir given twice'],
		[['--manager', 'auto', '--manager', 'auto'], '--manager given twice'],
		[['--connect-timeout', '1', '--connect-timeout', '2'], '--connect-timeout given twice'],
		[['--groupsconf', 'a', '--groupsconf', 'b'], '--groupsconf given twice'],
		[['demo', '--kind', 'a', '--kind', 'b'], '--kind given twice'],
		[['--fanout', '-Infinity', 'run', 'n1', 'cron', 'status'], '--fanout "-Infinity"'],
		[['--no-fanout'], '--no-fanout'],
		[['--no-connect-timeout'], '--no-connect-timeout'],
		[['--no-command-timeout'], '--no-command-timeout'],
		[['--no-ssh-config'], '--no-ssh-config'],
		[['--no-groupsconf'], '--no-groupsconf'],
		[['---plan', 'plans/example.yaml'], '---plan'],
		[['--PLAN=plans/example.yaml'], '--PLAN'],
		[['--Fanout=2', 'n1', 'cron', 'status'], '--Fanout'],
		[['--json=1'], '--json takes no value'],
		[['--yes=maybe'], '--yes takes no value'],
		[['--sudo=x', 'n1', 'cron', 'status'], '--sudo takes no value'],
		[['--help=x', 'run', 'n1', 'cron', 'status'], '--help takes no value'],
		[['--Yes'], '--Yes'],
		[['--Dry-Run'], '--Dry-Run'],
		[['--plan', 'plans/example.yaml', 'run', 'n1', 'cron', 'status'], '--plan does not go with run'],
		[['check', 'n1', '--kind', 'x'], '--kind does not apply to check'],
		[['-F', 'cfg', 'validate', 'plans/example.yaml'], '-F does not apply to validate'],
	])('%j says %s', async (argv, says) => {
		const result = await runCli(argv);
		expect(result.stderr).not.toContain('internal error');
		expect(result.stderr).toMatch(/^svctui: [^\n]+\n$/);
		expect(result.stderr).toContain(says);
		expect(result.stdout).toBe('');
		expect(result.code).toBe(2);
	});

	it('--help anywhere prints the help and runs nothing', async () => {
		const result = await runCli(['run', 'n1', 'cron', 'restart', '--help']);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('Usage');
		expect(result.stderr).toBe('');
	});

	it('--groupsconf before validate is validate\'s --groupsconf', async () => {
		// Groups are read on the first @ (as ClusterShell does), so the plan names one.
		const dir = mkdtempSync(path.join(tmpdir(), 'svctui-groupsconf-'));
		const plan = path.join(dir, 'plan.yaml');
		writeFileSync(plan, '- cron:\n    state: status\n    nodes: "@web"\n');
		const result = await runCli(['--groupsconf', '/nonexistent/groups.conf', 'validate', plan]);
		expect(result.code).toBe(2);
		expect(result.stdout + result.stderr).toMatch(/cannot read it \(ENOENT\); check the --groupsconf path/);
	});

	it('--log-dir /proc/nope is one line at once, where it spun at 100 % CPU forever (item 7)', async () => {
		const result = await runBounded(['--log-dir', '/proc/nope', 'run', 'n1', 'cron', 'status'], 4000);
		expect(result.signal).toBeNull();
		expect(result.stderr).toBe('svctui: --log-dir /proc/nope: cannot create the run log (ENOENT); choose a writable directory with --log-dir\n');
		expect(result.code).toBe(2);
	});

	it('--plan FIFO with no writer ends with one line instead of blocking forever (item 7)', async () => {
		const fifo = path.join(mkdtempSync(path.join(tmpdir(), 'svctui-fifo-')), 'plan.fifo');
		execFileSync('mkfifo', [fifo]);
		const result = await runBounded(['--plan', fifo, '--dry-run'], 20_000);
		expect(result.signal).toBeNull();
		expect(result.stderr).toBe(`svctui: ${fifo}: a FIFO that gave no complete plan within 10 s; start the program that writes it first, or pass a file\n`);
		expect(result.code).toBe(2);
	}, 25_000);

	describe('a missing or broken -F file is a usage error before any node is contacted (item 5)', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'svctui-sshcfg-'));
		const garbage = path.join(dir, 'garbage.conf');
		writeFileSync(garbage, 'Host *\n  Port 22\nthis is garbage\n');
		mkdirSync(path.join(dir, 'a-directory'));
		const fifo = path.join(dir, 'cfg.fifo');
		execFileSync('mkfifo', [fifo]);
		it.each([
			[path.join(dir, 'missing.conf'), `svctui: -F ${path.join(dir, 'missing.conf')}: no such file; check the -F / --ssh-config path\n`],
			[path.join(dir, 'a-directory'), `svctui: -F ${path.join(dir, 'a-directory')}: is a directory; pass an ssh_config file, as ssh -F takes\n`],
			[garbage, `svctui: ${garbage}:3: bad configuration option "this"; fix or remove the line (OpenSSH refuses this file too)\n`],
			[fifo, `svctui: -F ${fifo}: not a regular file; pass an ssh_config file, as ssh -F takes\n`],
		])('-F %s', async (file, message) => {
			for (const argv of [['-F', file, 'run', 'localhost', 'cron', 'status'], ['check', 'localhost', '-F', file]]) {
				// eslint-disable-next-line no-await-in-loop
				const result = await runBounded(argv, 4000);
				expect(result).toMatchObject({code: 2, stdout: '', stderr: message});
			}
		});

		it('a garbage line in ~/.ssh/config is refused the same way', async () => {
			const env = cleanEnv();
			mkdirSync(path.join(env['HOME']!, '.ssh'));
			writeFileSync(path.join(env['HOME']!, '.ssh', 'config'), 'UseKeychain yes\n');
			const result = await runCli(['localhost', 'cron', 'status'], env);
			expect(result).toMatchObject({code: 2, stdout: '', stderr: `svctui: ${env['HOME']!}/.ssh/config:1: bad configuration option "usekeychain"; fix or remove the line (OpenSSH refuses this file too)\n`});
		});
	});
});
