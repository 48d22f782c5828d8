import type {Readable} from 'node:stream';
import ssh2 from 'ssh2';
import type {Algorithms, ConnectConfig} from 'ssh2';
import {watchAbort} from '../abort.js';
import type {ResolvedHost} from '../config.js';
import {ConnectError} from '../transport.js';
import {setAlgorithms, supportedAlgorithms} from './algorithms.js';
import {authMethods} from './auth.js';
import {classify, connectTimeoutFor} from './classify.js';
import {endClient, type Ssh2Client, type Ssh2Error} from './client.js';
import {hostKeyVerifier, type KnownHostsReader} from './host-verifier.js';
import type {Ssh2TransportOptions} from './options.js';

const {Client} = ssh2;

/** What every connect of one transport shares. */
export type ConnectContext = {
	readonly options: Ssh2TransportOptions;
	readonly readFile: (path: string) => string | undefined;
	readonly knownHosts: KnownHostsReader;
	/** Every open client, so closing the transport ends them all. */
	readonly clients: Set<Ssh2Client>;
};

/** Connect to one host (over `sock` when it is reached through a jump host): host key checked, authenticated. */
export async function connectClient(label: string, host: ResolvedHost, sock: Readable | undefined, signal: AbortSignal | undefined, {options, readFile, knownHosts, clients}: ConnectContext): Promise<Ssh2Client> {
	const strict = host.strictHostKeyChecking;
	const accept = options.acceptNew === true || strict === 'accept-new' || strict === 'no';
	const verifier = hostKeyVerifier(label, host, accept, knownHosts, options.logger);
	const {methods, notes} = authMethods(host, readFile, options.env);
	const algorithms: Algorithms = {};
	setAlgorithms(algorithms, 'kex', host.kexAlgorithms, label);
	setAlgorithms(algorithms, 'cipher', host.ciphers, label);
	setAlgorithms(algorithms, 'hmac', host.macs, label);
	setAlgorithms(algorithms, 'serverHostKey', host.hostKeyAlgorithms, label);
	if (host.hostKeyAlgorithms === undefined) {
		// Like OpenSSH: ask for a key type we already know for this host first, so a host with several
		// key types is not reported as unknown just because ssh2 prefers a different one.
		const known = verifier.knownTypes().flatMap(type => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]));
		const supported = supportedAlgorithms('serverHostKey');
		const preferred = known.filter(type => supported.includes(type));
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
			fail(classify(label, host, error, {hostKeyFailure: verifier.failure(), notes, methods, timeout}));
		});
		client.on('close', () => fail(new ConnectError(label, 'protocol', `${label}: connection closed during the SSH handshake`)));
		client.on('ready', () => {
			if (settled) return;
			settled = true;
			unwatch();
			resolveClient(client);
		});
		try {
			client.connect(config);
		} catch (error) {
			fail(new ConnectError(label, 'protocol', `${label}: ${(error as Error).message}`));
		}
	});
}
