import {describe, expect, it} from 'vitest';
import type {StrictHostKeyChecking} from '../../source/ssh/config.js';
import {acceptsNewHostKeys, judgeHostKey, preferredHostKeyAlgorithms, recordFailure, type HostKeyDecision, type HostKeyQuestion} from '../../source/ssh/host-key-policy.js';
import type {HostKeyCheck} from '../../source/ssh/known-hosts.js';

const print = 'ssh-ed25519 SHA256:abc';
const ask: HostKeyQuestion = {label: 'node4', name: '[node4]:2222', print, acceptNew: false, recordTo: '/home/u/.ssh/known_hosts'};
const unknown: HostKeyCheck = {result: 'unknown', otherTypes: []};

describe('host-key policy (OpenSSH StrictHostKeyChecking semantics)', () => {
	it.each<[string, HostKeyCheck, Partial<HostKeyQuestion>, HostKeyDecision]>([
		['a known key is accepted', {result: 'match', file: 'kh', line: 3}, {}, {kind: 'accept'}],
		['a known key is accepted without recording, even with accept-new', {result: 'match', file: 'kh', line: 3}, {acceptNew: true}, {kind: 'accept'}],
		['a revoked key is refused', {result: 'revoked', file: '/etc/ssh/ssh_known_hosts', line: 7}, {}, {kind: 'refuse', message: `node4: host key ${print} is marked @revoked in /etc/ssh/ssh_known_hosts:7; refusing to connect`}],
		['a revoked key is refused with accept-new too', {result: 'revoked', file: 'kh', line: 1}, {acceptNew: true}, {kind: 'refuse', message: `node4: host key ${print} is marked @revoked in kh:1; refusing to connect`}],
		[
			'a changed key is refused with accept-new too, naming the line to remove',
			{result: 'changed', file: 'kh', line: 2},
			{acceptNew: true},
			{kind: 'refuse', message: `node4: HOST KEY CHANGED: [node4]:2222 now offers ${print}, which differs from kh:2; if the change is expected, remove that line (ssh-keygen -R) and reconnect`},
		],
		['an unknown key is refused without accept-new', unknown, {}, {kind: 'refuse', message: `node4: host key for [node4]:2222 is not known (${print}); verify it and run with --accept-new, or add it with ssh-keyscan`}],
		[
			'an unknown key type says which other type is known, and where',
			{result: 'unknown', otherTypes: [{type: 'ssh-rsa', file: 'kh', line: 5}, {type: 'ecdsa-sha2-nistp256', file: 'kh', line: 6}]},
			{},
			{kind: 'refuse', message: `node4: host key for [node4]:2222 is not known (${print}) (a ssh-rsa key is known at kh:5); verify it and run with --accept-new, or add it with ssh-keyscan`},
		],
		['an unknown key is recorded with accept-new, in the first UserKnownHostsFile', unknown, {acceptNew: true}, {kind: 'record', file: '/home/u/.ssh/known_hosts', note: `node4: recorded new host key ${print} for [node4]:2222 in /home/u/.ssh/known_hosts`}],
		['an unknown key cannot be recorded when UserKnownHostsFile is none', unknown, {acceptNew: true, recordTo: undefined}, {kind: 'refuse', message: 'node4: host key for [node4]:2222 is not known and UserKnownHostsFile is none, so it cannot be recorded'}],
	])('%s', (_name, check, question, decision) => {
		expect(judgeHostKey(check, {...ask, ...question})).toEqual(decision);
	});

	it('says where recording failed and why', () => {
		expect(recordFailure('node4', '/ro/known_hosts', 'EROFS: read-only file system')).toBe('node4: could not record the host key in /ro/known_hosts: EROFS: read-only file system');
	});

	it.each<[boolean, StrictHostKeyChecking, boolean]>([
		[false, 'yes', false],
		[false, 'ask', false],
		[false, 'accept-new', true],
		[false, 'no', true],
		[true, 'yes', true],
		[true, 'ask', true],
	])('--accept-new %s with StrictHostKeyChecking %s records unknown keys: %s', (option, strict, accepts) => {
		expect(acceptsNewHostKeys(option, strict)).toBe(accepts);
	});

	it.each<[string, string[], string[], string[]]>([
		['nothing known: no preference', [], ['ssh-ed25519', 'ssh-rsa'], []],
		['known types first, in known_hosts order', ['ecdsa-sha2-nistp256', 'ssh-ed25519'], ['ssh-ed25519', 'ecdsa-sha2-nistp256'], ['ecdsa-sha2-nistp256', 'ssh-ed25519']],
		['a known ssh-rsa key asks for SHA-2 signatures first', ['ssh-rsa'], ['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'], ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']],
		['only what the library supports', ['ssh-rsa', 'sk-ssh-ed25519@openssh.com'], ['rsa-sha2-256', 'ssh-rsa'], ['rsa-sha2-256', 'ssh-rsa']],
	])('host key algorithm preference: %s', (_name, known, supported, preferred) => {
		expect(preferredHostKeyAlgorithms(known, supported)).toEqual(preferred);
	});
});
