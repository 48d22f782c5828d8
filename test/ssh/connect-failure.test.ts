import {describe, expect, it} from 'vitest';
import {resolveHostConfig, type ConfigSources, type ResolvedHost} from '../../source/ssh/config.js';
import {algorithmMismatch, classify, connectTimeoutFor, timeoutText, type ConnectErrorFields, type ConnectTimeout, type FailureContext} from '../../source/ssh/connect-failure.js';
import type {ConnectFailure} from '../../source/ssh/transport.js';

const sources: ConfigSources = {home: '/home/ann', env: {}, localUser: 'ann', readFile: () => undefined, listDir: () => undefined};

/** A host resolved through a real ssh_config text, as the transport resolves it. */
function host(config = ''): ResolvedHost {
	return resolveHostConfig('node4', `Host node4\n  HostName 10.0.0.4\n  Port 2222\n  User admin\n${config}`, sources);
}

const context: FailureContext = {
	hostKeyFailure: undefined,
	notes: [],
	tried: {agent: true, keyFiles: 2},
	timeout: {ms: 10_000, source: 'default'},
	offered: key => [`${key}-a`, `${key}-b`],
};

function failure(error: ConnectErrorFields, extra: Partial<FailureContext> = {}, config = ''): {reason: ConnectFailure; message: string; node: string} {
	const {reason, message, node} = classify('node4', host(config), error, {...context, ...extra});
	return {reason, message, node};
}

describe('connect failure classification', () => {
	it.each<[string, ConnectErrorFields, ConnectFailure, string]>([
		['ENOTFOUND', {message: 'getaddrinfo ENOTFOUND', code: 'ENOTFOUND'}, 'dns', 'node4: name 10.0.0.4 does not resolve; check the node name or add a Host block to ssh_config'],
		['EAI_AGAIN', {message: 'x', code: 'EAI_AGAIN'}, 'dns', 'node4: name 10.0.0.4 does not resolve; check the node name or add a Host block to ssh_config'],
		['EAI_NONAME', {message: 'x', code: 'EAI_NONAME'}, 'dns', 'node4: name 10.0.0.4 does not resolve; check the node name or add a Host block to ssh_config'],
		['ECONNREFUSED', {message: 'x', code: 'ECONNREFUSED'}, 'refused', 'node4: connection refused by 10.0.0.4:2222; is sshd running and listening on port 2222?'],
		['EHOSTUNREACH', {message: 'x', code: 'EHOSTUNREACH'}, 'refused', 'node4: 10.0.0.4:2222 is unreachable (no route to host)'],
		['ENETUNREACH', {message: 'x', code: 'ENETUNREACH'}, 'refused', 'node4: 10.0.0.4:2222 is unreachable (network unreachable)'],
		['ETIMEDOUT', {message: 'x', code: 'ETIMEDOUT'}, 'timeout', 'node4: connecting to 10.0.0.4:2222 timed out'],
		['a handshake timeout', {message: 'Timed out while waiting for handshake', level: 'client-timeout'}, 'timeout', 'node4: 10.0.0.4:2222 did not complete the SSH handshake within 10 s (the default); raise --connect-timeout or set ConnectTimeout in the ssh config'],
		['an auth failure', {message: 'All configured authentication methods failed', level: 'client-authentication'}, 'auth', "node4: authentication as admin failed (tried ssh-agent, 2 key file(s)); check IdentityFile, ssh-agent and the node's authorized_keys"],
		['anything else, in its own words', {message: 'Protocol error: bad packet length'}, 'protocol', 'node4: Protocol error: bad packet length'],
		['an unknown socket code, in its own words', {message: 'read ECONNRESET', code: 'ECONNRESET'}, 'protocol', 'node4: read ECONNRESET'],
	])('%s', (_name, error, reason, message) => {
		expect(failure(error)).toEqual({node: 'node4', reason, message});
	});

	it('a refused host key wins over whatever error ended the handshake', () => {
		expect(failure({message: 'x', code: 'ECONNREFUSED', level: 'client-authentication'}, {hostKeyFailure: 'node4: HOST KEY CHANGED …'})).toEqual({node: 'node4', reason: 'host-key', message: 'node4: HOST KEY CHANGED …'});
	});

	it.each<[string, FailureContext['tried'], string[], string]>([
		['nothing to try', {agent: false, keyFiles: 0}, [], 'tried no usable key'],
		['files only', {agent: false, keyFiles: 1}, [], 'tried 1 key file(s)'],
		['the agent only', {agent: true, keyFiles: 0}, [], 'tried ssh-agent, 0 key file(s)'],
		['notes on skipped keys follow', {agent: false, keyFiles: 0}, ['/k1 is encrypted and svctui never prompts: load it into ssh-agent', '/k2 not found'], 'tried no usable key); /k1 is encrypted and svctui never prompts: load it into ssh-agent; /k2 not found;'],
	])('an auth failure says what was tried: %s', (_name, tried, notes, text) => {
		const {reason, message} = failure({message: 'x', level: 'client-authentication'}, {tried, notes});
		expect(reason).toBe('auth');
		expect(message).toContain(text);
		expect(message).toMatch(/^node4: authentication as admin failed \(tried /);
	});

	it.each<[string, string, string]>([
		['key exchange', 'Handshake failed: no matching key exchange algorithm', "node4: 10.0.0.4:2222 and svctui have no key exchange algorithm in common (svctui offered its defaults: kex-a,kex-b); the server accepts only key exchange algorithms svctui's SSH library does not implement"],
		['host key', 'Handshake failed: no matching host key format', "node4: 10.0.0.4:2222 and svctui have no host key algorithm in common (svctui offered its defaults: serverHostKey-a,serverHostKey-b); the server accepts only host key algorithms svctui's SSH library does not implement"],
		['cipher', 'Handshake failed: no matching cipher', "node4: 10.0.0.4:2222 and svctui have no cipher in common (svctui offered its defaults: cipher-a,cipher-b); the server accepts only ciphers svctui's SSH library does not implement"],
		['MAC', 'Handshake failed: no matching MAC', "node4: 10.0.0.4:2222 and svctui have no MAC in common (svctui offered its defaults: hmac-a,hmac-b); the server accepts only MACs svctui's SSH library does not implement"],
	])('no %s in common, with svctui\'s defaults offered', (_name, text, message) => {
		expect(failure({message: text})).toEqual({node: 'node4', reason: 'protocol', message});
	});

	it.each<[string, string, string]>([
		['KexAlgorithms', 'Handshake failed: no matching key exchange algorithm', 'key exchange algorithm in common (KexAlgorithms +diffie-hellman-group1-sha1 in the ssh config); change KexAlgorithms in the ssh config to include one the server accepts (ssh -Q kex lists names)'],
		['HostKeyAlgorithms', 'Handshake failed: no matching host key format', 'host key algorithm in common (HostKeyAlgorithms +diffie-hellman-group1-sha1 in the ssh config); change HostKeyAlgorithms in the ssh config to include one the server accepts (ssh -Q key lists names)'],
		['Ciphers', 'Handshake failed: no matching cipher', 'cipher in common (Ciphers +diffie-hellman-group1-sha1 in the ssh config); change Ciphers in the ssh config to include one the server accepts (ssh -Q cipher lists names)'],
		['MACs', 'Handshake failed: no matching MAC', 'MAC in common (MACs +diffie-hellman-group1-sha1 in the ssh config); change MACs in the ssh config to include one the server accepts (ssh -Q mac lists names)'],
	])('no algorithm in common with the configured %s: say which setting to change', (setting, text, tail) => {
		const {reason, message} = failure({message: text}, {}, `  ${setting} +diffie-hellman-group1-sha1\n`);
		expect(reason).toBe('protocol');
		expect(message).toBe(`node4: 10.0.0.4:2222 and svctui have no ${tail}`);
	});

	it.each([
		['Handshake failed: no matching compression', undefined],
		['no matching key exchange algorithm', undefined],
		['Handshake failed: no matching key exchange algorithm', 'kex'],
	])('algorithmMismatch(%j) → %s', (message, key) => {
		expect(algorithmMismatch(message)?.key).toBe(key);
	});

	it.each<[ConnectTimeout, string]>([
		[{ms: 1000, source: 'config'}, 'within 1 s (ConnectTimeout in the ssh config); raise ConnectTimeout there, or override it with --connect-timeout'],
		[{ms: 300, source: 'option'}, 'within 0.3 s (--connect-timeout); raise --connect-timeout'],
		[{ms: 10_000, source: 'default'}, 'within 10 s (the default); raise --connect-timeout or set ConnectTimeout in the ssh config'],
	])('timeoutText(%j) says where the limit came from', (timeout, text) => {
		expect(timeoutText(timeout)).toBe(text);
	});

	it.each<[number | undefined, string, ConnectTimeout]>([
		[undefined, '', {ms: 10_000, source: 'default'}],
		[undefined, '  ConnectTimeout 3\n', {ms: 3000, source: 'config'}],
		[500, '  ConnectTimeout 3\n', {ms: 500, source: 'option'}],
		[500, '', {ms: 500, source: 'option'}],
	])('--connect-timeout %s over %j: %j (the command line wins, as ssh -o does)', (option, config, timeout) => {
		expect(connectTimeoutFor(option, host(config))).toEqual(timeout);
	});
});
