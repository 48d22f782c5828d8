import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {checkHostKey, fingerprint, formatKnownHostsLine, hostFieldMatches, keyTypeOf, lookupName} from '../../source/ssh/known-hosts.js';

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

	it('names key types and prints OpenSSH-style fingerprints', () => {
		expect(keyTypeOf(key.blob)).toBe('ssh-ed25519');
		expect(fingerprint(key.blob)).toMatch(/^SHA256:[\w+/]{43}$/);
		expect(formatKnownHostsLine('node1', key, false)).toBe(`node1 ssh-ed25519 ${b64(key)}\n`);
	});
});
