import {assertNever} from '../errors.js';
import type {ResolvedHost} from './config.js';
import {ConnectError} from './transport.js';

// Why a connect failed, in the words the user reads: the reason (dns, refused, timeout, auth, host-key, protocol)
// and one line saying what to do. Pure: ssh2's error is read through its code, level and message only, so every
// text is held by a table test (test/ssh/connect-failure.test.ts) without a server.

/** The algorithm lists of the SSH handshake, under ssh2's names. */
export type AlgorithmKey = 'kex' | 'cipher' | 'hmac' | 'serverHostKey';

/** What a failed connect's error says: a socket error's `code`, ssh2's `level`, the message. */
export type ConnectErrorFields = {readonly message: string; readonly code?: string | undefined; readonly level?: string | undefined};

/** As with `ssh -o ConnectTimeout=…`, the command line wins over the config file. */
export function connectTimeoutFor(optionMs: number | undefined, host: ResolvedHost): ConnectTimeout {
	if (optionMs !== undefined) return {ms: optionMs, source: 'option'};
	if (host.connectTimeoutMs !== undefined) return {ms: host.connectTimeoutMs, source: 'config'};
	return {ms: 10_000, source: 'default'};
}

/** The time allowed to connect, and where it came from (so a timeout message points at the setting that applies). */
export type ConnectTimeout = {readonly ms: number; readonly source: 'config' | 'option' | 'default'};

/** What the connect attempt knew when it failed. */
export type FailureContext = {
	readonly hostKeyFailure: string | undefined;
	readonly notes: readonly string[];
	/** What authentication offered: the agent, and how many key files. */
	readonly tried: {readonly agent: boolean; readonly keyFiles: number};
	readonly timeout: ConnectTimeout;
	/** The algorithms svctui offers for a list the ssh config leaves alone (ssh2's supported list). */
	readonly offered: (key: AlgorithmKey) => readonly string[];
};

/** "within 1 s (ConnectTimeout in the ssh config); raise it there or with --connect-timeout": say where the limit came from. */
export function timeoutText(timeout: ConnectTimeout): string {
	const within = `within ${timeout.ms / 1000} s`;
	switch (timeout.source) {
		case 'config':
			return `${within} (ConnectTimeout in the ssh config); raise ConnectTimeout there, or override it with --connect-timeout`;
		case 'option':
			return `${within} (--connect-timeout); raise --connect-timeout`;
		case 'default':
			return `${within} (the default); raise --connect-timeout or set ConnectTimeout in the ssh config`;
		default:
			return assertNever(timeout.source);
	}
}

/** Map an ssh2/socket error to the reason the user sees. */
export function classify(label: string, host: ResolvedHost, error: ConnectErrorFields, {hostKeyFailure, notes, tried, timeout, offered}: FailureContext): ConnectError {
	if (hostKeyFailure !== undefined) return new ConnectError(label, 'host-key', hostKeyFailure);
	const where = `${host.hostName}:${host.port}`;
	switch (error.code) {
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
		case 'EAI_NONAME':
			return new ConnectError(label, 'dns', `${label}: name ${host.hostName} does not resolve; check the node name or add a Host block to ssh_config`);
		case 'ECONNREFUSED':
			return new ConnectError(label, 'refused', `${label}: connection refused by ${where}; is sshd running and listening on port ${host.port}?`);
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return new ConnectError(label, 'refused', `${label}: ${where} is unreachable (${error.code === 'EHOSTUNREACH' ? 'no route to host' : 'network unreachable'})`);
		case 'ETIMEDOUT':
			return new ConnectError(label, 'timeout', `${label}: connecting to ${where} timed out`);
		default:
			break;
	}

	if (error.level === 'client-timeout') {
		return new ConnectError(label, 'timeout', `${label}: ${where} did not complete the SSH handshake ${timeoutText(timeout)}`);
	}

	if (error.level === 'client-authentication') {
		const triedText = !tried.agent && tried.keyFiles === 0 ? 'no usable key' : `${tried.agent ? 'ssh-agent, ' : ''}${tried.keyFiles} key file(s)`;
		const extra = notes.length === 0 ? '' : `; ${notes.join('; ')}`;
		return new ConnectError(label, 'auth', `${label}: authentication as ${host.user} failed (tried ${triedText})${extra}; check IdentityFile, ssh-agent and the node's authorized_keys`);
	}

	const mismatch = algorithmMismatch(error.message);
	if (mismatch !== undefined) {
		const {key, setting, what, query} = mismatch;
		const configured = {kex: host.kexAlgorithms, serverHostKey: host.hostKeyAlgorithms, cipher: host.ciphers, hmac: host.macs}[key];
		const detail =
			configured === undefined
				? `svctui offered its defaults: ${offered(key).join(',')}); the server accepts only ${what}s svctui's SSH library does not implement`
				: `${setting} ${configured} in the ssh config); change ${setting} in the ssh config to include one the server accepts (ssh -Q ${query} lists names)`;
		return new ConnectError(label, 'protocol', `${label}: ${where} and svctui have no ${what} in common (${detail}`);
	}

	return new ConnectError(label, 'protocol', `${label}: ${error.message}`);
}

/** ssh2's "Handshake failed: no matching ..." → which algorithm list, its ssh_config keyword, its name in prose, its `ssh -Q` name. */
export function algorithmMismatch(message: string): {key: AlgorithmKey; setting: string; what: string; query: string} | undefined {
	if (!message.startsWith('Handshake failed: no matching ')) return undefined;
	if (message.includes('key exchange')) return {key: 'kex', setting: 'KexAlgorithms', what: 'key exchange algorithm', query: 'kex'};
	if (message.includes('host key')) return {key: 'serverHostKey', setting: 'HostKeyAlgorithms', what: 'host key algorithm', query: 'key'};
	if (message.includes('cipher')) return {key: 'cipher', setting: 'Ciphers', what: 'cipher', query: 'cipher'};
	if (message.includes('MAC')) return {key: 'hmac', setting: 'MACs', what: 'MAC', query: 'mac'};
	return undefined;
}
