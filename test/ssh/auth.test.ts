import ssh2 from 'ssh2';
import {describe, expect, it} from 'vitest';
import {authMethods, sharedKeyParser} from '../../source/ssh/ssh2/auth.js';
import type {ResolvedHost} from '../../source/ssh/config.js';

const {utils} = ssh2;

/** A fresh unencrypted ed25519 private key in OpenSSH's format, and its public line. */
function keyPair(): {privateText: string; publicText: string} {
	const pair = utils.generateKeyPairSync('ed25519');
	return {privateText: pair.private, publicText: pair.public};
}

/** The part of a resolved host that `authMethods` reads, for one identity file and no agent. */
function hostWith(identityFile: string): ResolvedHost {
	return {user: 'root', identityFiles: [identityFile], identityFilesConfigured: true, identitiesOnly: false} as unknown as ResolvedHost;
}

describe('sharedKeyParser', () => {
	it('parses one key text once: every later call gets the same key object', () => {
		const parse = sharedKeyParser();
		const {privateText, publicText} = keyPair();
		const first = parse(privateText);
		expect(first).not.toBeInstanceOf(Error);
		expect(parse(privateText)).toBe(first);
		// Another text is another key; the first one stays kept.
		const pub = parse(publicText);
		expect(pub).not.toBe(first);
		expect(parse(privateText)).toBe(first);
	});

	it('gives what ssh2 gives: the same public blob, and the same error for a text that is not a key', () => {
		const parse = sharedKeyParser();
		const {privateText} = keyPair();
		const key = parse(privateText);
		const direct = utils.parseKey(privateText);
		if (key instanceof Error || direct instanceof Error) throw new Error('the test key did not parse');
		expect(key.getPublicSSH().equals(direct.getPublicSSH())).toBe(true);
		const bad = parse('not a key');
		expect(bad).toBeInstanceOf(Error);
		expect((bad as Error).message).toBe((utils.parseKey('not a key') as Error).message);
	});

	it('keeps at most 64 texts: the 65th distinct one starts over, so a changed key file is parsed again', () => {
		const parse = sharedKeyParser();
		const {privateText} = keyPair();
		const first = parse(privateText);
		for (let index = 1; index < 64; index++) parse(`not a key ${index}`);
		expect(parse(privateText)).toBe(first);
		parse('not a key 64');
		expect(parse(privateText)).not.toBe(first);
	});
});

describe('authMethods with a shared parser', () => {
	it('hands every connection the same key object for the same identity file', () => {
		const {privateText} = keyPair();
		const files: Record<string, string> = {'/keys/id': privateText};
		const readFile = (path: string): string | undefined => files[path];
		const parse = sharedKeyParser();
		const first = authMethods(hostWith('/keys/id'), readFile, {}, parse).methods;
		const second = authMethods(hostWith('/keys/id'), readFile, {}, parse).methods;
		expect(first).toHaveLength(1);
		expect(first[0]).toMatchObject({type: 'publickey', username: 'root'});
		expect((second[0] as {key: unknown}).key).toBe((first[0] as {key: unknown}).key);
	});

	it('parses again for each call without one (the default is ssh2 itself)', () => {
		const {privateText} = keyPair();
		const readFile = (path: string): string | undefined => (path === '/keys/id' ? privateText : undefined);
		const first = authMethods(hostWith('/keys/id'), readFile, {}).methods;
		const second = authMethods(hostWith('/keys/id'), readFile, {}).methods;
		expect((second[0] as {key: unknown}).key).not.toBe((first[0] as {key: unknown}).key);
	});
});
