import type {StrictHostKeyChecking} from './config.js';
import type {HostKeyCheck} from './known-hosts.js';

// What to do with the key a host offers, given what its known_hosts files say: OpenSSH's StrictHostKeyChecking
// semantics and the one-line texts the user reads. Pure: reading and writing known_hosts is the caller's
// (ssh2/host-verifier.ts), so every case is held by a table test (test/ssh/host-key-policy.test.ts).

/** The offered key, and what svctui may do with an unknown one. */
export type HostKeyQuestion = {
	/** The node, as messages name it. */
	readonly label: string;
	/** The host's known_hosts name (`host` or `[host]:port`). */
	readonly name: string;
	/** The offered key, printable: `ssh-ed25519 SHA256:…`. */
	readonly print: string;
	/** Record an unknown key (`--accept-new`, `StrictHostKeyChecking accept-new` or `no`). */
	readonly acceptNew: boolean;
	/** Where a new key is recorded: the first UserKnownHostsFile, undefined when it is `none`. */
	readonly recordTo: string | undefined;
};

export type HostKeyDecision =
	| {readonly kind: 'accept'}
	/** Unknown, and may be recorded: append it to `file`, then tell the user `note`. */
	| {readonly kind: 'record'; readonly file: string; readonly note: string}
	| {readonly kind: 'refuse'; readonly message: string};

/** A changed or revoked key is refused whatever the settings say; an unknown one only with `acceptNew`. */
export function judgeHostKey(check: HostKeyCheck, {label, name, print, acceptNew, recordTo}: HostKeyQuestion): HostKeyDecision {
	switch (check.result) {
		case 'match':
			return {kind: 'accept'};
		case 'revoked':
			return {kind: 'refuse', message: `${label}: host key ${print} is marked @revoked in ${check.file}:${check.line}; refusing to connect`};
		case 'changed':
			return {
				kind: 'refuse',
				message: `${label}: HOST KEY CHANGED: ${name} now offers ${print}, which differs from ${check.file}:${check.line}; if the change is expected, remove that line (ssh-keygen -R) and reconnect`,
			};
		case 'unknown': {
			if (!acceptNew) {
				const other = check.otherTypes[0];
				const hint = other === undefined ? '' : ` (a ${other.type} key is known at ${other.file}:${other.line})`;
				return {kind: 'refuse', message: `${label}: host key for ${name} is not known (${print})${hint}; verify it and run with --accept-new, or add it with ssh-keyscan`};
			}

			if (recordTo === undefined) {
				return {kind: 'refuse', message: `${label}: host key for ${name} is not known and UserKnownHostsFile is none, so it cannot be recorded`};
			}

			return {kind: 'record', file: recordTo, note: `${label}: recorded new host key ${print} for ${name} in ${recordTo}`};
		}
	}
}

/** Recording the key failed (a read-only home, a directory in the way): refuse, saying where and why. */
export function recordFailure(label: string, file: string, reason: string): string {
	return `${label}: could not record the host key in ${file}: ${reason}`;
}

/**
 * Like OpenSSH: ask for a key type already known for this host first, so a host with several key types is not
 * reported as unknown just because the library prefers a different one. A known `ssh-rsa` key is asked for with
 * the SHA-2 signatures first. Only names in `supported` are kept.
 */
export function preferredHostKeyAlgorithms(knownTypes: readonly string[], supported: readonly string[]): string[] {
	const wanted = knownTypes.flatMap(type => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]));
	return wanted.filter(type => supported.includes(type));
}

/** Whether an unknown key may be recorded: `--accept-new`, or `StrictHostKeyChecking accept-new` or `no` in the config. */
export function acceptsNewHostKeys(acceptNewOption: boolean, strict: StrictHostKeyChecking): boolean {
	return acceptNewOption || strict === 'accept-new' || strict === 'no';
}
