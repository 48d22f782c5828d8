import {appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync} from 'node:fs';
import {dirname} from 'node:path';
import {assertNever} from '../errors.js';
import type {ResolvedHost} from './config.js';
import {judgeHostKey, recordFailure} from './host-key-policy.js';
import {checkHostKey, fingerprint, formatKnownHostsLine, keyTypeOf, knownKeyTypes, lookupName, type knownHostsCache, type KnownHostsIndex} from './known-hosts.js';

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
 * ssh2's `hostVerifier` (no ssh2 needed to build it): check the key a host offers against its known_hosts files,
 * as OpenSSH does (host-key-policy.ts decides), and record an unknown one when `accept`.
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
		const decision = judgeHostKey(check, {label, name, print: `${key.type} ${fingerprint(blob)}`, acceptNew: accept, recordTo: host.userKnownHostsFiles[0]});
		switch (decision.kind) {
			case 'accept':
				return true;
			case 'refuse':
				hostKeyFailure = decision.message;
				return false;
			case 'record':
				try {
					recordHostKey(decision.file, formatKnownHostsLine(name, key, host.hashKnownHosts));
				} catch (error) {
					hostKeyFailure = recordFailure(label, decision.file, (error as Error).message);
					return false;
				}

				logger?.(decision.note);
				return true;
			default:
				return assertNever(decision);
		}
	};

	return {verify: hostVerifier, failure: () => hostKeyFailure, knownTypes: () => knownKeyTypes(readKnownHosts(), name)};
}

/** Append one known_hosts line, creating the file (0600) and its folder (0700) as ssh does; a line already there is kept once. */
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
