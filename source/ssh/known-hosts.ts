import {createHash, createHmac, randomBytes, timingSafeEqual} from 'node:crypto';

/**
 * OpenSSH `known_hosts` semantics (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"), as pure functions over file
 * contents: plain and hashed (`|1|salt|hash`) host fields, `[host]:port` for ports other than 22, comma
 * lists, `!` negation, `*`/`?` wildcards, `@revoked` (refuses the key) and `@cert-authority` (ignored: we do
 * not do host certificates, so such a line never matches).
 */

/** One known_hosts file, already read. */
export type KnownHostsFile = {readonly path: string; readonly text: string};

/** A host key as the server presented it. */
export type HostKey = {readonly type: string; readonly blob: Buffer};

/** Where an entry was found (1-based line). */
export type KnownHostsLocation = {readonly file: string; readonly line: number};

export type HostKeyCheck =
	| ({readonly result: 'match'} & KnownHostsLocation)
	/** No entry for this host with this key type. `otherTypes` lists entries of other key types for the host. */
	| {readonly result: 'unknown'; readonly otherTypes: readonly (KnownHostsLocation & {readonly type: string})[]}
	/** The host has an entry of the same key type with a different key: the first such entry. */
	| ({readonly result: 'changed'} & KnownHostsLocation)
	/** The key is listed under `@revoked`. */
	| ({readonly result: 'revoked'} & KnownHostsLocation);

type Entry = KnownHostsLocation & {
	readonly marker: 'revoked' | 'cert-authority' | undefined;
	readonly hosts: string;
	readonly type: string;
	readonly key: string;
};

/** The name OpenSSH looks up: `host`, or `[host]:port` when the port is not 22. */
export function lookupName(host: string, port: number): string {
	return port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
}

function* entries(file: KnownHostsFile): Generator<Entry> {
	const lines = file.text.split('\n');
	for (const [index, raw] of lines.entries()) {
		const line = raw.trim();
		if (line === '' || line.startsWith('#')) continue;
		const fields = line.split(/\s+/);
		let marker: Entry['marker'];
		if (fields[0]?.startsWith('@')) {
			const m = fields.shift();
			if (m === '@revoked') marker = 'revoked';
			else if (m === '@cert-authority') marker = 'cert-authority';
			else continue; // Unknown marker: OpenSSH skips the line.
		}

		const [hosts, type, key] = fields;
		if (hosts === undefined || type === undefined || key === undefined) continue;
		yield {file: file.path, line: index + 1, marker, hosts, type, key};
	}
}

/** Whether the host field of a known_hosts line (plain pattern list or `|1|` hash) matches `name`. */
export function hostFieldMatches(field: string, name: string): boolean {
	if (field.startsWith('|1|')) {
		const [, , salt, hash] = field.split('|');
		if (salt === undefined || hash === undefined) return false;
		const expected = Buffer.from(hash, 'base64');
		const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
		return expected.length === actual.length && timingSafeEqual(expected, actual);
	}

	// OpenSSH match_hostname: a matching negated pattern vetoes the line; otherwise any positive match wins.
	let matched = false;
	for (const pattern of field.split(',')) {
		const negated = pattern.startsWith('!');
		const re = wildcardToRegExp(negated ? pattern.slice(1) : pattern);
		if (re.test(name)) {
			if (negated) return false;
			matched = true;
		}
	}

	return matched;
}

function wildcardToRegExp(pattern: string): RegExp {
	const body = [...pattern.toLowerCase()]
		.map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
		.join('');
	return new RegExp(`^${body}$`, 'i');
}

/**
 * Check `key` for `name` (from `lookupName`) against the files in order (user files, then global).
 * A revoked key wins over everything; then a match; then a changed key (same type, other key); else unknown.
 */
export function checkHostKey(files: readonly KnownHostsFile[], name: string, key: HostKey): HostKeyCheck {
	const blob = key.blob.toString('base64');
	let match: HostKeyCheck | undefined;
	let changed: HostKeyCheck | undefined;
	const otherTypes: (KnownHostsLocation & {type: string})[] = [];
	for (const file of files) {
		for (const entry of entries(file)) {
			if (entry.marker === 'cert-authority') continue;
			if (!hostFieldMatches(entry.hosts, name)) continue;
			const same = entry.type === key.type && entry.key === blob;
			if (entry.marker === 'revoked') {
				if (same) return {result: 'revoked', file: entry.file, line: entry.line};
				continue;
			}

			if (same) match ??= {result: 'match', file: entry.file, line: entry.line};
			else if (entry.type === key.type) changed ??= {result: 'changed', file: entry.file, line: entry.line};
			else otherTypes.push({file: entry.file, line: entry.line, type: entry.type});
		}
	}

	return match ?? changed ?? {result: 'unknown', otherTypes};
}

/** Key types the files list for `name` (so the client can ask the server for a known type first, as OpenSSH does). */
export function knownKeyTypes(files: readonly KnownHostsFile[], name: string): string[] {
	const types = new Set<string>();
	for (const file of files) {
		for (const entry of entries(file)) {
			if (entry.marker === undefined && hostFieldMatches(entry.hosts, name)) types.add(entry.type);
		}
	}

	return [...types];
}

/** A known_hosts line for `name`, hashed like `ssh-keygen -H` when asked. Ends with a newline. */
export function formatKnownHostsLine(name: string, key: HostKey, hashed: boolean, salt: Buffer = randomBytes(20)): string {
	const host = hashed ? `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}` : name;
	return `${host} ${key.type} ${key.blob.toString('base64')}\n`;
}

/** The key type named inside an SSH public key blob (its first string). */
export function keyTypeOf(blob: Buffer): string {
	if (blob.length < 4) return 'unknown';
	const length = blob.readUInt32BE(0);
	return blob.subarray(4, 4 + length).toString('latin1');
}

/** OpenSSH's default fingerprint: `SHA256:` + unpadded base64 of the blob's SHA-256. */
export function fingerprint(blob: Buffer): string {
	return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
