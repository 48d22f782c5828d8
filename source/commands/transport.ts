import {readdirSync, readFileSync, statSync} from 'node:fs';
import {homedir, userInfo} from 'node:os';
import {resolve} from 'node:path';
import {UserError} from '../errors.js';
import {loadConfigText, type ConfigSources} from '../ssh/config.js';
import {createSsh2Transport} from '../ssh/ssh2/transport.js';
import type {Transport} from '../ssh/transport.js';
import type {CommandIO} from './io.js';
import type {RunOptions} from './options.js';

/** Largest ssh_config file read. Real ones are a few KiB; this bounds memory and time on anything else. */
const maxSshConfigBytes = 1024 * 1024;

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

function errorCode(error: unknown): string {
	return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : String(error);
}

/**
 * Check the ssh configuration up front, before any node is contacted, as OpenSSH does before it connects:
 * a missing, unreadable or non-regular `-F` file, and any file with a line OpenSSH refuses (in `-F`, or
 * ~/.ssh/config and /etc/ssh/ssh_config, Includes too), is a usage error: one line naming the file and line,
 * exit 2. Without this every node came back "UNREACHABLE (protocol)" with the same message (issue 7).
 * A FIFO is refused for -F: the transport reads the file again, and a FIFO cannot be read twice.
 */
export function checkSshConfig(options: RunOptions, io: CommandIO): void {
	const configFile = options.sshConfig === undefined ? undefined : resolve(io.cwd, options.sshConfig);
	if (configFile !== undefined) {
		const given = `-F ${options.sshConfig ?? ''}`;
		let info;
		try {
			info = statSync(configFile);
		} catch (error) {
			const code = errorCode(error);
			throw new UserError(code === 'ENOENT' ? `${given}: no such file; check the -F / --ssh-config path` : `${given}: cannot read it (${code}); check the -F / --ssh-config path`);
		}

		if (info.isDirectory()) {
			throw new UserError(`${given}: is a directory; pass an ssh_config file, as ssh -F takes`);
		}

		if (!info.isFile()) {
			throw new UserError(`${given}: not a regular file; pass an ssh_config file, as ssh -F takes`);
		}

		if (info.size > maxSshConfigBytes) {
			throw new UserError(`${given}: file is ${info.size} bytes; an ssh_config may be at most ${maxSshConfigBytes} bytes (1 MiB)`);
		}

		try {
			readFileSync(configFile, 'utf8');
		} catch (error) {
			throw new UserError(`${given}: cannot read it (${errorCode(error)}); check the file's permissions`);
		}
	}

	const sources: ConfigSources = {
		home: io.env['HOME'] ?? homedir(),
		env: io.env,
		configFile,
		localUser: io.env['USER'] ?? safeUserName(),
		// Only regular files of sane size are read: an Include of a FIFO or a device would hang or never end.
		readFile(path) {
			try {
				const info = statSync(path);
				return info.isFile() && info.size <= maxSshConfigBytes ? readFileSync(path, 'utf8') : undefined;
			} catch {
				return undefined;
			}
		},
		listDir(path) {
			try {
				return readdirSync(path);
			} catch {
				return undefined;
			}
		},
	};
	loadConfigText(sources);
}

function safeUserName(): string {
	try {
		return userInfo().username;
	} catch {
		return 'root';
	}
}
