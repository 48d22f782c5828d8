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
 * `svctui demo [--kind systemd|sysv]`: bring up the local demo cluster (node1..node3, nginx on node1 only;
 * needs root) and open `plans/example2.yaml` on it — in the app on a terminal, headless otherwise. The
 * cluster stays up for more experiments; `npm run cluster -- down` stops it.
 */
export async function demoCommand(words: readonly string[], options: RunOptions, kind: string | undefined, io: CommandIO): Promise<number> {
	if (words.length > 0) {
		throw new UserError(`demo: unexpected argument ${JSON.stringify(words[0])}; usage: svctui demo [--kind systemd|sysv] [--plan FILE]`);
	}

	const chosen = kind ?? 'systemd';
	if (chosen !== 'systemd' && chosen !== 'sysv') {
		throw new UserError(`--kind ${JSON.stringify(chosen)}: expected systemd or sysv`);
	}

	if (process.getuid?.() !== 0) {
		throw new UserError('demo: the local cluster needs root (network namespaces, systemd-nspawn); run it with sudo');
	}

	const lab = path.join(root, 'test', 'cluster', 'lab.sh');
	if (!existsSync(lab)) {
		throw new UserError(`demo: ${lab} is missing; the demo runs from a clone of the svctui repository`);
	}

	const dir = path.join('/run/svctui-lab', 'demo');
	io.stderr.write(`Bringing up the demo cluster (${chosen}, node1..node3) in ${dir} …\n`);
	const up = spawnSync('bash', [lab, 'up', '--name', 'demo', '--kind', chosen, '--dir', dir], {stdio: ['ignore', 'inherit', 'inherit']});
	if (up.status !== 0) {
		throw new UserError(`demo: the cluster did not come up (lab.sh exit ${up.status ?? up.signal}); see the messages above`, {exitCode: 1});
	}

	io.stderr.write(`Demo cluster up. Stop it with: npm run cluster -- down --name demo\n`);
	return appCommand(
		{
			...options,
			planFile: options.planFile ?? path.join(root, 'plans', 'example2.yaml'),
			sshConfig: options.sshConfig ?? path.join(dir, 'ssh_config'),
		},
		io,
	);
}
