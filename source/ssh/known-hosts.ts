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

/** A host field turned into a test once, so that looking a name up never builds a RegExp or decodes base64. */
type HostMatcher = (name: string) => boolean;

function compileHostField(field: string): HostMatcher {
	if (field.startsWith('|1|')) {
		const [, , salt, hash] = field.split('|');
		if (salt === undefined || hash === undefined) return () => false;
		const saltBytes = Buffer.from(salt, 'base64');
		const expected = Buffer.from(hash, 'base64');
		return name => {
			const actual = createHmac('sha1', saltBytes).update(name).digest();
			return expected.length === actual.length && timingSafeEqual(expected, actual);
		};
	}

	// OpenSSH match_hostname: a matching negated pattern vetoes the line; otherwise any positive match wins.
	const patterns = field.split(',').map(pattern => {
		const negated = pattern.startsWith('!');
		return {negated, re: wildcardToRegExp(negated ? pattern.slice(1) : pattern)};
	});
	return name => {
		let matched = false;
		for (const {negated, re} of patterns) {
			if (re.test(name)) {
				if (negated) return false;
				matched = true;
			}
		}

		return matched;
	};
}

/** Whether the host field of a known_hosts line (plain pattern list or `|1|` hash) matches `name`. */
export function hostFieldMatches(field: string, name: string): boolean {
	return compileHostField(field)(name);
}

function wildcardToRegExp(pattern: string): RegExp {
	const body = [...pattern.toLowerCase()]
		.map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
		.join('');
	return new RegExp(`^${body}$`, 'i');
}

/** A host field that is a plain list of names (no wildcard, no negation, not hashed): found by exact lookup. */
function plainNames(field: string): string[] | undefined {
	if (field.startsWith('|') || /[*?!]/.test(field)) return undefined;
	return field.toLowerCase().split(',');
}

/**
 * One known_hosts file parsed once: plain names in a map, hashed and wildcard lines compiled once. A site's
 * known_hosts lists every node, and every connection looks its node up: scanning and compiling every line per
 * connection made a run quadratic in the cluster's size.
 */
export type KnownHostsIndex = {
	readonly path: string;
	/** The file's entries for `name`, in file order (OpenSSH reports the first of each kind). */
	lookup(name: string): readonly Entry[];
};

export function indexKnownHosts(file: KnownHostsFile): KnownHostsIndex {
	const byName = new Map<string, Entry[]>();
	const compiled: {entry: Entry; matches: HostMatcher}[] = [];
	for (const entry of entries(file)) {
		if (entry.marker === 'cert-authority') continue;
		const names = plainNames(entry.hosts);
		if (names === undefined) {
			compiled.push({entry, matches: compileHostField(entry.hosts)});
			continue;
		}

		for (const name of new Set(names)) {
			const list = byName.get(name);
			if (list === undefined) byName.set(name, [entry]);
			else list.push(entry);
		}
	}

	return {
		path: file.path,
		lookup(name) {
			const exact = byName.get(name.toLowerCase()) ?? [];
			const others = compiled.filter(({matches}) => matches(name)).map(({entry}) => entry);
			if (others.length === 0) return exact;
			return [...exact, ...others].sort((a, b) => a.line - b.line);
		},
	};
}

/**
 * known_hosts files indexed once per version: every connection looks again (accept-new may have appended to
 * the file, another process may have edited it), but through `version` (size, times and inode, from one stat)
 * when it is given: reading the text again for each of 5,000 connections read a 500 KB file 5,000 times, a
 * third of the app's CPU at that size. Without `version` (or when it cannot tell), the text is read and an
 * unchanged text keeps its index.
 */
export function knownHostsCache(
	readFile: (path: string) => string | undefined,
	version?: (path: string) => string | undefined,
): {read(path: string): KnownHostsIndex | undefined} {
	const indexes = new Map<string, {text: string; version: string | undefined; index: KnownHostsIndex}>();
	return {
		read(path) {
			const seen = version?.(path);
			const cached = indexes.get(path);
			if (seen !== undefined && cached?.version === seen) return cached.index;
			const text = readFile(path);
			if (text === undefined) {
				indexes.delete(path);
				return undefined;
			}

			if (cached?.text === text) {
				indexes.set(path, {...cached, version: seen});
				return cached.index;
			}

			const index = indexKnownHosts({path, text});
			indexes.set(path, {text, version: seen, index});
			return index;
		},
	};
}

/** Index each file (a convenience for one-off checks; a transport keeps its indexes across connections). */
function indexAll(files: readonly (KnownHostsFile | KnownHostsIndex)[]): readonly KnownHostsIndex[] {
	return files.map(file => ('lookup' in file ? file : indexKnownHosts(file)));
}

/**
 * Check `key` for `name` (from `lookupName`) against the files in order (user files, then global).
 * A revoked key wins over everything; then a match; then a changed key (same type, other key); else unknown.
 */
export function checkHostKey(files: readonly (KnownHostsFile | KnownHostsIndex)[], name: string, key: HostKey): HostKeyCheck {
	const blob = key.blob.toString('base64');
	let match: HostKeyCheck | undefined;
	let changed: HostKeyCheck | undefined;
	const otherTypes: (KnownHostsLocation & {type: string})[] = [];
	for (const index of indexAll(files)) {
		for (const entry of index.lookup(name)) {
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
export function knownKeyTypes(files: readonly (KnownHostsFile | KnownHostsIndex)[], name: string): string[] {
	const types = new Set<string>();
	for (const index of indexAll(files)) {
		for (const entry of index.lookup(name)) {
			if (entry.marker === undefined) types.add(entry.type);
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
