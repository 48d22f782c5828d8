import {homedir} from 'node:os';
import {resolve} from 'node:path';
import {createSsh2Transport} from '../ssh/ssh2-transport.js';
import type {Transport} from '../ssh/transport.js';
import type {CommandIO} from './io.js';
import type {RunOptions} from './options.js';

/** The real SSH transport, configured from the command line the way ssh(1) would be. */
export function openTransport(options: RunOptions, io: CommandIO): Transport {
	return createSsh2Transport({
		configFile: options.sshConfig === undefined ? undefined : resolve(io.cwd, options.sshConfig),
		home: io.env['HOME'] ?? homedir(),
		env: io.env,
		acceptNew: options.acceptNew,
		connectTimeoutMs: options.connectTimeoutMs,
	});
}
