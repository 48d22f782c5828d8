import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {checkHostKey, fingerprint, formatKnownHostsLine, hostFieldMatches, indexKnownHosts, keyTypeOf, knownHostsCache, knownKeyTypes, lookupName} from '../../source/ssh/known-hosts.js';

function blobOf(type: string, seed: number): Buffer {
	const name = Buffer.from(type);
	const head = Buffer.alloc(4);
	head.writeUInt32BE(name.length);
	return Buffer.concat([head, name, Buffer.alloc(32, seed)]);
}

const key = {type: 'ssh-ed25519', blob: blobOf('ssh-ed25519', 1)};
const other = {type: 'ssh-ed25519', blob: blobOf('ssh-ed25519', 2)};
const b64 = (k: {blob: Buffer}) => k.blob.toString('base64');

describe('known_hosts', () => {
	it('builds OpenSSH lookup names', () => {
		expect(lookupName('Node4', 22)).toBe('node4');
		expect(lookupName('node4', 2222)).toBe('[node4]:2222');
	});

	it.each([
		['node4', 'node4', true],
		['node3,node4', 'node4', true],
		['node*', 'node4', true],
		['node?', 'node44', false],
		['node*,!node4', 'node4', false],
		['[node4]:2222', '[node4]:2222', true],
		['node4', '[node4]:2222', false],
		['NODE4', 'node4', true],
	])('pattern %s vs %s → %s', (field, name, expected) => {
		expect(hostFieldMatches(field, name)).toBe(expected);
	});

	it('classifies match, changed (with file:line), unknown and revoked', () => {
		const files = [{path: '/u', text: `# c\nnode1 ssh-ed25519 ${b64(key)}\nnode2 ssh-ed25519 ${b64(other)}\nnode3 ssh-rsa AAAA\n`}];
		expect(checkHostKey(files, 'node1', key)).toEqual({result: 'match', file: '/u', line: 2});
		expect(checkHostKey(files, 'node2', key)).toEqual({result: 'changed', file: '/u', line: 3});
		expect(checkHostKey(files, 'node3', key)).toEqual({result: 'unknown', otherTypes: [{file: '/u', line: 4, type: 'ssh-rsa'}]});
		expect(checkHostKey(files, 'node9', key)).toEqual({result: 'unknown', otherTypes: []});
		const revoked = [{path: '/g', text: `@revoked * ssh-ed25519 ${b64(key)}\n`}, ...files];
		expect(checkHostKey(revoked, 'node1', key)).toEqual({result: 'revoked', file: '/g', line: 1});
		const ca = [{path: '/c', text: `@cert-authority * ssh-ed25519 ${b64(key)}\n`}];
		expect(checkHostKey(ca, 'node1', key).result).toBe('unknown');
	});

	it('matches entries hashed by ssh-keygen -H, and ssh-keygen finds ours', () => {
		const dir = mkdtempSync(join(tmpdir(), 'svctui-kh-'));
		try {
			const file = join(dir, 'known_hosts');
			writeFileSync(file, `[node4]:2222 ssh-ed25519 ${b64(key)}\n`);
			execFileSync('ssh-keygen', ['-H', '-f', file], {stdio: 'ignore'});
			const text = readFileSync(file, 'utf8');
			expect(text.startsWith('|1|')).toBe(true);
			expect(checkHostKey([{path: file, text}], '[node4]:2222', key).result).toBe('match');
			expect(checkHostKey([{path: file, text}], 'node4', key).result).toBe('unknown');
			const ours = join(dir, 'ours');
			writeFileSync(ours, formatKnownHostsLine('[node5]:2222', key, true));
			expect(execFileSync('ssh-keygen', ['-F', '[node5]:2222', '-f', ours]).toString()).toContain('ssh-ed25519');
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('an index answers as a scan would: exact names, wildcards and hashes in file order, case-insensitive', () => {
		const hashed = formatKnownHostsLine('node7', other, true, Buffer.alloc(20, 7)).trim();
		const text = [
			`web*,!web9 ssh-ed25519 ${b64(other)}`, // line 1: pattern, a different key
			`Node7,node8 ssh-ed25519 ${b64(key)}`, // line 2: plain names (case folded)
			hashed, // line 3: hashed node7, a different key
			`node7 ssh-rsa AAAA`, // line 4
			`node[1-3] ssh-ed25519 ${b64(key)}`, // line 5: not a pattern OpenSSH knows: a literal name
			`@revoked web9 ssh-ed25519 ${b64(key)}`, // line 6
		].join('\n');
		const index = indexKnownHosts({path: '/k', text});
		expect(index.lookup('node7').map(entry => entry.line)).toEqual([2, 3, 4]);
		expect(index.lookup('NODE8').map(entry => entry.line)).toEqual([2]);
		expect(index.lookup('web1').map(entry => entry.line)).toEqual([1]);
		expect(index.lookup('web9').map(entry => entry.line)).toEqual([6]);
		expect(index.lookup('node[1-3]').map(entry => entry.line)).toEqual([5]);
		expect(index.lookup('node1')).toEqual([]);
		expect(checkHostKey([index], 'node7', key)).toEqual({result: 'match', file: '/k', line: 2});
		expect(checkHostKey([index], 'web1', key)).toEqual({result: 'changed', file: '/k', line: 1});
		expect(checkHostKey([index], 'web9', key)).toEqual({result: 'revoked', file: '/k', line: 6});
		expect(knownKeyTypes([index], 'node7')).toEqual(['ssh-ed25519', 'ssh-rsa']);
		// The same answers from the plain file, which is indexed on the fly.
		for (const name of ['node7', 'web1', 'web9', 'node8', 'node1']) {
			expect(checkHostKey([{path: '/k', text}], name, key)).toEqual(checkHostKey([index], name, key));
		}
	});

	it('the cache indexes a file once per content and sees appended lines', () => {
		let text = `node1 ssh-ed25519 ${b64(key)}\n`;
		let reads = 0;
		const cache = knownHostsCache(path => {
			reads++;
			return path === '/k' ? text : undefined;
		});
		const first = cache.read('/k');
		expect(cache.read('/k')).toBe(first);
		expect(reads).toBe(2);
		text += `node2 ssh-ed25519 ${b64(key)}\n`;
		const second = cache.read('/k');
		expect(second).not.toBe(first);
		expect(second?.lookup('node2').length).toBe(1);
		expect(cache.read('/missing')).toBeUndefined();
	});

	it('with a file version, the cache reads a file only when its version changed', () => {
		let text = `node1 ssh-ed25519 ${b64(key)}\n`;
		let version = 'v1';
		let reads = 0;
		const cache = knownHostsCache(
			path => {
				reads++;
				return path === '/k' ? text : undefined;
			},
			path => (path === '/k' ? version : undefined),
		);
		const first = cache.read('/k');
		for (let i = 0; i < 5; i++) expect(cache.read('/k')).toBe(first);
		expect(reads).toBe(1);
		// Touched, same text: read once more, same index.
		version = 'v2';
		expect(cache.read('/k')).toBe(first);
		expect(reads).toBe(2);
		text += `node2 ssh-ed25519 ${b64(key)}\n`;
		version = 'v3';
		const second = cache.read('/k');
		expect(second).not.toBe(first);
		expect(second?.lookup('node2').length).toBe(1);
		expect(reads).toBe(3);
		expect(cache.read('/missing')).toBeUndefined();
	});

	it('names key types and prints OpenSSH-style fingerprints', () => {
		expect(keyTypeOf(key.blob)).toBe('ssh-ed25519');
		expect(fingerprint(key.blob)).toMatch(/^SHA256:[\w+/]{43}$/);
		expect(formatKnownHostsLine('node1', key, false)).toBe(`node1 ssh-ed25519 ${b64(key)}\n`);
	});
});
