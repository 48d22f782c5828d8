import {appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync} from 'node:fs';
import {dirname} from 'node:path';
import type {ResolvedHost} from '../config.js';
import {checkHostKey, fingerprint, formatKnownHostsLine, keyTypeOf, knownKeyTypes, lookupName, type knownHostsCache, type KnownHostsIndex} from '../known-hosts.js';

/** The known_hosts files, read through a cache that rereads a file only when its text changed. */
export type KnownHostsReader = ReturnType<typeof knownHostsCache>;

/** ssh2's `hostVerifier` for one connect, and what it learned. */
export type HostKeyVerifier = {
	readonly verify: (blob: Buffer) => boolean;
	/** Why the offered key was refused (one line), undefined unless it was. */
	readonly failure: () => string | undefined;
	/** The key types known for this host, in known_hosts order. */
	readonly knownTypes: () => string[];
};

/**
 * Check the key a host offers against its known_hosts files, as OpenSSH does, and record an unknown one when
 * `accept` (`--accept-new`, `StrictHostKeyChecking accept-new` or `no`). A changed or revoked key is refused regardless.
 */
export function hostKeyVerifier(label: string, host: ResolvedHost, accept: boolean, knownHosts: KnownHostsReader, logger: ((line: string) => void) | undefined): HostKeyVerifier {
	const name = lookupName(host.hostKeyAlias ?? host.hostName, host.hostKeyAlias === undefined ? host.port : 22);
	let hostKeyFailure: string | undefined;
	const readKnownHosts = (): KnownHostsIndex[] =>
		[...host.userKnownHostsFiles, ...host.globalKnownHostsFiles].flatMap(path => {
			const index = knownHosts.read(path);
			return index === undefined ? [] : [index];
		});

	const hostVerifier = (blob: Buffer): boolean => {
		const key = {type: keyTypeOf(blob), blob};
		const check = checkHostKey(readKnownHosts(), name, key);
		const print = `${key.type} ${fingerprint(blob)}`;
		switch (check.result) {
			case 'match':
				return true;
			case 'revoked':
				hostKeyFailure = `${label}: host key ${print} is marked @revoked in ${check.file}:${check.line}; refusing to connect`;
				return false;
			case 'changed':
				hostKeyFailure = `${label}: HOST KEY CHANGED: ${name} now offers ${print}, which differs from ${check.file}:${check.line}; if the change is expected, remove that line (ssh-keygen -R) and reconnect`;
				return false;
			case 'unknown': {
				if (!accept) {
					const other = check.otherTypes[0];
					const hint = other === undefined ? '' : ` (a ${other.type} key is known at ${other.file}:${other.line})`;
					hostKeyFailure = `${label}: host key for ${name} is not known (${print})${hint}; verify it and run with --accept-new, or add it with ssh-keyscan`;
					return false;
				}

				const file = host.userKnownHostsFiles[0];
				if (file === undefined) {
					hostKeyFailure = `${label}: host key for ${name} is not known and UserKnownHostsFile is none, so it cannot be recorded`;
					return false;
				}

				try {
					recordHostKey(file, formatKnownHostsLine(name, key, host.hashKnownHosts));
				} catch (error) {
					hostKeyFailure = `${label}: could not record the host key in ${file}: ${(error as Error).message}`;
					return false;
				}

				logger?.(`${label}: recorded new host key ${print} for ${name} in ${file}`);
				return true;
			}
		}
	};

	return {verify: hostVerifier, failure: () => hostKeyFailure, knownTypes: () => knownKeyTypes(readKnownHosts(), name)};
}

export function recordHostKey(file: string, line: string): void {
	const dir = dirname(file);
	if (!existsSync(dir)) mkdirSync(dir, {recursive: true, mode: 0o700});
	const created = !existsSync(file);
	let prefix = '';
	if (!created) {
		const text = readFileSync(file, 'utf8');
		// Several nodes connecting at once may all record the same plain entry: keep one.
		if (text.split('\n').includes(line.trimEnd())) return;
		if (text.length > 0 && !text.endsWith('\n')) prefix = '\n';
	}

	appendFileSync(file, prefix + line, {mode: 0o600});
	if (created) chmodSync(file, 0o600);
}
