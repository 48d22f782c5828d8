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

/** What the lab runs, by the Debian package that brings it. */
const labTools: ReadonlyArray<{readonly file: string; readonly debianPackage: string}> = [
	{file: '/usr/sbin/debootstrap', debianPackage: 'debootstrap'},
	{file: '/usr/bin/systemd-nspawn', debianPackage: 'systemd-container'},
	{file: '/usr/bin/ssh-keygen', debianPackage: 'openssh-client'},
	{file: '/usr/sbin/ip', debianPackage: 'iproute2'},
];

/**
 * On a fresh Debian machine the demo's tools are missing: install them with apt-get (we are root, and the
 * user asked for the demo), saying so first. Elsewhere, say what to install.
 */
function installLabTools(io: CommandIO): void {
	const missing = labTools.filter(tool => !existsSync(tool.file)).map(tool => tool.debianPackage);
	if (missing.length === 0) {
		return;
	}

	if (!existsSync('/usr/bin/apt-get')) {
		throw new UserError(`demo: missing ${missing.join(', ')}; install them with your package manager and try again`);
	}

	io.stderr.write(`Installing what the demo cluster needs: apt-get install ${missing.join(' ')}\n`);
	const options = {stdio: ['ignore', 'inherit', 'inherit'] as const, env: {...process.env, DEBIAN_FRONTEND: 'noninteractive'}};
	const update = spawnSync('apt-get', ['update', '-qq'], {...options, stdio: [...options.stdio]});
	const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {...options, stdio: [...options.stdio]}) : update;
	if (install.status !== 0) {
		throw new UserError(`demo: apt-get could not install ${missing.join(' ')}; install them by hand and try again`, {exitCode: 1});
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

	installLabTools(io);
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
