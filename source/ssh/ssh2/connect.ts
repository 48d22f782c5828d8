import type {Readable} from 'node:stream';
import ssh2 from 'ssh2';
import type {Algorithms, ConnectConfig} from 'ssh2';
import {watchAbort} from '../abort.js';
import type {ResolvedHost} from '../config.js';
import {classify, connectTimeoutFor} from '../connect-failure.js';
import {acceptsNewHostKeys, preferredHostKeyAlgorithms} from '../host-key-policy.js';
import {hostKeyVerifier, type KnownHostsReader} from '../host-keys.js';
import {ConnectError} from '../transport.js';
import {setAlgorithms, supportedAlgorithms} from './algorithms.js';
import {authMethods, type KeyParser} from './auth.js';
import {endClient, unpoolRemoteIdent, type Ssh2Client, type Ssh2Error} from './client.js';
import type {Ssh2TransportOptions} from './options.js';

const {Client} = ssh2;

/** What every connect of one transport shares. */
export type ConnectContext = {
	readonly options: Ssh2TransportOptions;
	readonly readFile: (path: string) => string | undefined;
	readonly knownHosts: KnownHostsReader;
	/** Parses each distinct identity file text once for every connection of the transport. */
	readonly parseKey: KeyParser;
	/** Every open client, so closing the transport ends them all. */
	readonly clients: Set<Ssh2Client>;
};

/** Connect to one host (over `sock` when it is reached through a jump host): host key checked, authenticated. */
export async function connectClient(label: string, host: ResolvedHost, sock: Readable | undefined, signal: AbortSignal | undefined, {options, readFile, knownHosts, clients, parseKey}: ConnectContext): Promise<Ssh2Client> {
	const verifier = hostKeyVerifier(label, host, acceptsNewHostKeys(options.acceptNew === true, host.strictHostKeyChecking), knownHosts, options.logger);
	const {methods, notes} = authMethods(host, readFile, options.env, parseKey);
	const algorithms: Algorithms = {};
	setAlgorithms(algorithms, 'kex', host.kexAlgorithms, label);
	setAlgorithms(algorithms, 'cipher', host.ciphers, label);
	setAlgorithms(algorithms, 'hmac', host.macs, label);
	setAlgorithms(algorithms, 'serverHostKey', host.hostKeyAlgorithms, label);
	if (host.hostKeyAlgorithms === undefined) {
		// Like OpenSSH: ask for a key type we already know for this host first (host-key-policy.ts says why).
		const preferred = preferredHostKeyAlgorithms(verifier.knownTypes(), supportedAlgorithms('serverHostKey'));
		if (preferred.length > 0) algorithms.serverHostKey = {prepend: preferred} as unknown as Algorithms['serverHostKey'];
	}

	const keepalive = host.serverAliveIntervalMs ?? options.keepaliveIntervalMs ?? 15_000;
	const timeout = connectTimeoutFor(options.connectTimeoutMs, host);
	const config: ConnectConfig = {
		host: host.hostName,
		port: host.port,
		username: host.user,
		readyTimeout: timeout.ms,
		keepaliveInterval: keepalive,
		keepaliveCountMax: host.serverAliveCountMax,
		hostVerifier: verifier.verify,
		authHandler: methods,
		algorithms,
		...(sock === undefined ? {} : {sock}),
	};

	const client = new Client();
	clients.add(client);
	client.on('close', () => clients.delete(client));
	return new Promise<Ssh2Client>((resolveClient, reject) => {
		let settled = false;
		let unwatch = (): void => {};
		const fail = (error: ConnectError): void => {
			if (settled) return;
			settled = true;
			unwatch();
			endClient(client);
			reject(error);
		};

		const onAbort = (): void => fail(new ConnectError(label, 'timeout', `${label}: connecting was cancelled`));
		if (signal?.aborted) {
			onAbort();
			return;
		}

		unwatch = watchAbort(signal, onAbort);
		// ssh2 can emit 'error' twice (STACK.md gotcha 8): `.on`, and only the first one counts.
		client.on('error', (error: Ssh2Error) => {
			fail(classify(label, host, error, {
				hostKeyFailure: verifier.failure(),
				notes,
				tried: {agent: methods.some(method => method.type === 'agent'), keyFiles: methods.filter(method => method.type === 'publickey').length},
				timeout,
				offered: supportedAlgorithms,
			}));
		});
		client.on('close', () => fail(new ConnectError(label, 'protocol', `${label}: connection closed during the SSH handshake`)));
		client.on('ready', () => {
			if (settled) return;
			settled = true;
			unwatch();
			unpoolRemoteIdent(client);
			resolveClient(client);
		});
		try {
			client.connect(config);
		} catch (error) {
			fail(new ConnectError(label, 'protocol', `${label}: ${(error as Error).message}`));
		}
	});
}
