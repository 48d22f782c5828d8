import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import {UserError} from '../errors.js';
import {appCommand} from './app.js';
import type {CommandIO} from './io.js';
import type {RunOptions} from './options.js';

/** The repository root, from dist/commands/demo.js. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * On a fresh Debian machine the demo's tools are missing: scripts/debian-packages.sh (the one list the
 * tests and CI use too) installs them with apt-get, saying so first; elsewhere it says what to install.
 */
function installLabTools(): void {
	const script = path.join(root, 'scripts', 'debian-packages.sh');
	const result = spawnSync('bash', [script, 'install', 'demo'], {stdio: ['ignore', 'inherit', 'inherit']});
	if (result.status === 3) {
		throw new UserError('demo: the demo cluster needs the packages named above; install them and try again');
	}

	if (result.status !== 0) {
		throw new UserError(`demo: could not install the demo cluster's packages (${script} exit ${result.status ?? result.signal}); see the messages above`, {exitCode: 1});
	}
}

/**
 * `svctui demo [--kind systemd|sysv|openrc]`: bring up the local demo cluster (node1..node3, nginx on node1
 * only; needs root) and open `plans/example2.yaml` on it — in the app on a terminal, headless otherwise. The
 * cluster stays up for more experiments; `npm run cluster -- down` stops it.
 */
export async function demoCommand(words: readonly string[], options: RunOptions, kind: string | undefined, io: CommandIO): Promise<number> {
	if (words.length > 0) {
		throw new UserError(`demo: unexpected argument ${JSON.stringify(words[0])}; usage: svctui demo [--kind systemd|sysv|openrc] [--plan FILE]`);
	}

	const chosen = kind ?? 'systemd';
	if (chosen !== 'systemd' && chosen !== 'sysv' && chosen !== 'openrc') {
		throw new UserError(`--kind ${JSON.stringify(chosen)}: expected systemd, sysv or openrc`);
	}

	if (process.getuid?.() !== 0) {
		throw new UserError('demo: the local cluster needs root (network namespaces, systemd-nspawn); run it with sudo');
	}

	const lab = path.join(root, 'test', 'cluster', 'lab.sh');
	if (!existsSync(lab)) {
		throw new UserError(`demo: ${lab} is missing; the demo runs from a clone of the svctui repository`);
	}

	installLabTools();
	const dir = path.join('/run/svctui-lab', 'demo');
	// A demo cluster that is up already (every node answering) is reused as it is, whatever its kind.
	const status = spawnSync('bash', [lab, 'status', '--name', 'demo', '--dir', dir], {stdio: 'ignore'});
	if (status.status === 0) {
		io.stderr.write(`Using the demo cluster that is up in ${dir}.\n`);
	} else {
		io.stderr.write(`Bringing up the demo cluster (${chosen}, node1..node3) in ${dir} …\n`);
		const up = spawnSync('bash', [lab, 'up', '--name', 'demo', '--kind', chosen, '--dir', dir], {stdio: ['ignore', 'inherit', 'inherit']});
		if (up.status !== 0) {
			throw new UserError(`demo: the cluster did not come up (lab.sh exit ${up.status ?? up.signal}); see the messages above`, {exitCode: 1});
		}
	}

	io.stderr.write('The demo cluster stays up for more experiments; stop it with: npm run cluster -- down --name demo\n');
	return appCommand(
		{
			...options,
			planFile: options.planFile ?? path.join(root, 'plans', 'example2.yaml'),
			sshConfig: options.sshConfig ?? path.join(dir, 'ssh_config'),
		},
		io,
	);
}
