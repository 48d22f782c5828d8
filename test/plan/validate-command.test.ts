import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {CommandIO} from '../../source/commands/io.js';
import {validateCommand} from '../../source/commands/validate.js';

let home: string;
let groupsConf: string;

beforeAll(async () => {
	// An empty HOME with svctui's own groups.conf, so the machine's /etc/clustershell is not consulted.
	home = await mkdtemp(join(tmpdir(), 'svctui-validate-'));
	await mkdir(join(home, '.config', 'svctui'), {recursive: true});
	await writeFile(join(home, '.config', 'svctui', 'groups.conf'), '[Main]\ndefault: lab\n[lab]\nmap: case $GROUP in web) echo node1;; esac\nlist: echo web\n');
	groupsConf = join(home, 'other-groups.conf');
	await writeFile(groupsConf, '[Main]\ndefault: other\n[other]\nmap: case $GROUP in db) echo node2;; esac\nlist: echo db\n');
	await writeFile(join(home, 'web.yaml'), '- nginx:\n    state: reload\n    nodes: "@web"\n');
	await writeFile(join(home, 'db.yaml'), '- cron:\n    state: status\n    nodes: "@db"\n');
	await writeFile(join(home, 'bad-nodes.yaml'), '- cron:\n    state: start\n    nodes: node[1-\n- ssh:\n    state: start\n    nodes: node[3-1]\n');
});

afterAll(async () => {
	await rm(home, {recursive: true, force: true});
});

async function run(argv: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	let stdout = '';
	let stderr = '';
	const io: CommandIO = {
		stdout: {write(text: string) {
			stdout += text;
		}},
		stderr: {write(text: string) {
			stderr += text;
		}},
		env: {HOME: home, XDG_CONFIG_HOME: join(home, '.config')},
		cwd: process.cwd(),
	};
	const code = await validateCommand(argv, io);
	return {code, stdout, stderr};
}

describe('svctui validate', () => {
	it('prints FILE: OK (N steps) for each valid file and exits 0', async () => {
		const result = await run(['plans/example.yaml', 'plans/example1.yaml', 'plans/rolling-reload.yaml']);
		expect(result).toEqual({
			code: 0,
			stdout: 'plans/example.yaml: OK (5 steps)\nplans/example1.yaml: OK (1 step)\nplans/rolling-reload.yaml: OK (5 steps)\n',
			stderr: '',
		});
	});

	it('prints every problem of an invalid file on stderr and exits 2, still reporting the valid ones', async () => {
		const file = 'test/fixtures/plans/invalid/many-problems.yaml';
		const result = await run([file, 'plans/example2.yaml']);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('plans/example2.yaml: OK (4 steps)\n');
		expect(result.stderr.split('\n')).toEqual([
			`${file}:1:8: step 1 (cron,cron): service "cron" is listed twice; list each once`,
			`${file}:2:12: step 1 (cron,cron): unknown state "strat"; use one of start, stop, restart, reload, status; did you mean "start"?`,
			`${file}:3:12: step 1 (cron,cron): "nodes" must be a node set such as node[1-3], not the number 5; quote it ("5") if that really is a host name`,
			`${file}:4:11: step 1 (cron,cron): "sudo" must be true or false, not the text "yes"; YAML 1.2 reads yes as text, write true or false`,
			`${file}:5:3: step 2 (ssh): missing "state"; add "state:" with one of start, stop, restart, reload, status`,
			`${file}:7:14: step 2 (ssh): timeout "-3s" is not a duration; write a duration such as 30s, 2m or 500ms, or a number of seconds`,
			`${file}:11:5: step 3 (nginx): unknown key "depends"; did you mean "depend"?`,
			'',
		]);
	});

	it('checks node sets with the real node-set parser, at the value', async () => {
		const result = await run([join(home, 'bad-nodes.yaml')]);
		expect(result.code).toBe(2);
		const lines = result.stderr.trimEnd().split('\n');
		expect(lines).toHaveLength(2);
		expect(lines[0]).toMatch(/bad-nodes\.yaml:3:12: step 1 \(cron\): "nodes": node set "node\[1-"/);
		expect(lines[1]).toMatch(/bad-nodes\.yaml:6:12: step 2 \(ssh\): "nodes": node set "node\[3-1\]"/);
	});

	it('resolves @groups through groups.conf, and --groupsconf replaces it', async () => {
		expect(await run([join(home, 'web.yaml')])).toMatchObject({code: 0, stderr: ''});
		const unknown = await run([join(home, 'db.yaml')]);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toMatch(/db\.yaml:3:12: step 1 \(cron\): "nodes": node set "@db" matches no nodes; check the names and groups.conf\n$/);
		expect(await run(['--groupsconf', groupsConf, join(home, 'db.yaml')])).toMatchObject({code: 0, stderr: ''});
		expect((await run([`--groupsconf=${groupsConf}`, join(home, 'web.yaml')])).code).toBe(2);
	});

	it('reports file-level failures as one line', async () => {
		const result = await run(['no/such/plan.yaml', 'plans']);
		expect(result).toEqual({
			code: 2,
			stdout: '',
			stderr: 'no/such/plan.yaml: no such file; check the path\nplans: is a directory; pass a plan file such as plans/example.yaml\n',
		});
	});

	it('needs at least one file and rejects unknown options, each in one line with the usage after it', async () => {
		const usage = 'usage: svctui validate [--groupsconf FILE] FILE... (check plan files; exit 0 if all are valid, 2 otherwise)';
		expect(await run([])).toEqual({code: 2, stdout: '', stderr: `svctui validate: no plan file given; ${usage}\n`});
		expect(await run(['--strict', 'plans/example.yaml'])).toEqual({code: 2, stdout: '', stderr: `svctui validate: unknown option --strict; ${usage}\n`});
		expect(await run(['--groupsconf'])).toEqual({code: 2, stdout: '', stderr: `svctui validate: --groupsconf needs a file; ${usage}\n`});
		expect(await run(['--groupsconf='])).toEqual({code: 2, stdout: '', stderr: `svctui validate: --groupsconf needs a file; ${usage}\n`});
		expect(await run(['--groupsconf', 'a', '--groupsconf=b', 'plans/example.yaml'])).toEqual({code: 2, stdout: '', stderr: `svctui validate: --groupsconf given twice ("a", then "b"); give it once; ${usage}\n`});
		expect((await run(['-\u001B[2J'])).stderr).toBe(`svctui validate: unknown option -\\x1b[2J; ${usage}\n`);
		expect(await run(['--help'])).toMatchObject({code: 0, stderr: ''});
		// After `--`, a name starting with "-" is a file.
		expect((await run(['--', '-odd.yaml'])).stderr).toBe('-odd.yaml: no such file; check the path\n');
	});

	it('shows a file name with escapes safely, on stdout and stderr', async () => {
		const name = join(home, 'x\u001B[31mred\u0007.yaml');
		await writeFile(name, '- cron:\n    state: status\n    nodes: n1\n');
		const ok = await run([name]);
		expect(ok.code).toBe(0);
		expect(ok.stdout).toBe(`${home}/x\\x1b[31mred\\x07.yaml: OK (1 step)\n`);
		const missing = await run([`${name}.missing`]);
		expect(missing.stderr).toBe(`${home}/x\\x1b[31mred\\x07.yaml.missing: no such file; check the path\n`);
	});

	it('a node name holding ESC c or BEL is refused or shown as \\xNN, never raw', async () => {
		const file = join(home, 'hostile-nodes.yaml');
		await writeFile(file, '- cron:\n    state: status\n    nodes: "n[1-\\ec\\a"\n');
		const result = await run([file]);
		expect(result.code).toBe(2);
		expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000B-\u001F]/);
		expect(result.stderr).toContain('n[1-\\x1bc\\x07');
	});

	it('cuts a quoted value of a megabyte to a readable line', async () => {
		const file = join(home, 'huge-state.yaml');
		await writeFile(file, `- cron:\n    state: ${'x'.repeat(900_000)}\n    nodes: n1\n`);
		const result = await run([file]);
		expect(result.code).toBe(2);
		expect(result.stderr.length).toBeLessThan(400);
		expect(result.stderr).toContain('(900000 characters); use one of start, stop, restart, reload, status');
	}, 60_000); // A megabyte through the loader: slow when instrumented for mutation testing.
});
