import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';

// scripts/debian-packages.sh: the one list of Debian packages that npm test (pretest), npm start (svctui
// demo) and .ci/run install from. SVCTUI_PROBE_ROOT points it at an empty tree, where every package is
// missing; SVCTUI_NO_INSTALL keeps it from installing anything.
const root = fileURLToPath(new URL('../..', import.meta.url));
const script = 'scripts/debian-packages.sh';

function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): {code: number | null; stdout: string; stderr: string} {
	const empty = mkdtempSync(path.join(tmpdir(), 'svctui-probe-'));
	const result = spawnSync('bash', [script, ...args], {cwd: root, encoding: 'utf8', env: {...process.env, SVCTUI_PROBE_ROOT: empty, SVCTUI_NO_INSTALL: '1', ...env}});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

const testPackages = ['clustershell', 'openssh-server', 'openssh-client', 'debootstrap', 'systemd-container', 'iproute2', 'util-linux', 'tmux'];
const demoPackages = ['openssh-client', 'debootstrap', 'systemd-container', 'iproute2', 'util-linux'];

describe('scripts/debian-packages.sh', () => {
	it('lists what the tests need, and the smaller set the demo needs', () => {
		expect(run(['missing', 'test'])).toMatchObject({code: 0, stdout: `${testPackages.join('\n')}\n`});
		expect(run(['missing', 'demo'])).toMatchObject({code: 0, stdout: `${demoPackages.join('\n')}\n`});
	});

	it('without installing, says what is missing, why each is needed and the command; npm test goes on (--optional), the demo stops (exit 3)', () => {
		const tests = run(['install', 'test', '--optional']);
		expect(tests.code).toBe(0);
		expect(tests.stderr).toMatch(/^the full test suite needs these packages, not installed \((?:SVCTUI_NO_INSTALL is set|not root)\):\n/);
		expect(tests.stderr).toContain('  openssh-server: a real sshd on 127.0.0.1 for the SSH integration tests\n');
		expect(tests.stderr).toContain(`install them with: sudo bash ${script} install test   (or: sudo apt-get install ${testPackages.join(' ')})\n`);
		expect(tests.stderr).toMatch(/the tests that need them will skip; the run ends with the list\n$/);

		const demo = run(['install', 'demo']);
		expect(demo.code).toBe(3);
		expect(demo.stderr).toContain('the demo cluster needs these packages');
		expect(demo.stderr).not.toContain('clustershell');
	});

	it('is quiet when nothing is missing', () => {
		// A tree holding every file the table probes for.
		const full = mkdtempSync(path.join(tmpdir(), 'svctui-probe-'));
		const probes = [...readFileSync(path.join(root, script), 'utf8').matchAll(/^\t'[a-z0-9-]+ +(\/\S+) /gm)].map(match => match[1] ?? '');
		expect(probes).toHaveLength(testPackages.length);
		for (const probe of probes) {
			mkdirSync(path.dirname(path.join(full, probe)), {recursive: true});
			writeFileSync(path.join(full, probe), '');
		}

		expect(run(['install', 'test'], {SVCTUI_PROBE_ROOT: full})).toEqual({code: 0, stdout: '', stderr: ''});
		expect(run(['missing', 'test'], {SVCTUI_PROBE_ROOT: full})).toEqual({code: 0, stdout: '', stderr: ''});
	});

	it('refuses a wrong use with its usage (exit 2)', () => {
		expect(run(['install', 'everything'])).toMatchObject({code: 2, stderr: expect.stringContaining('usage: scripts/debian-packages.sh') as unknown});
	});

	it('is the list npm test, .ci/run and svctui demo use', () => {
		const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {scripts: Record<string, string>}).scripts;
		expect(scripts['pretest']).toBe(`bash ${script} install test --optional`);
		expect(readFileSync(path.join(root, '.ci', 'run'), 'utf8')).toContain(`bash ${script} install test\n`);
		expect(readFileSync(path.join(root, 'source', 'commands', 'demo.ts'), 'utf8')).toContain("path.join(root, 'scripts', 'debian-packages.sh')");
	});
});
