import {readdirSync, readFileSync, statSync} from 'node:fs';
import {hostname, userInfo} from 'node:os';
import type {Readable} from 'node:stream';
import {UserError} from '../../errors.js';
import {abortable} from '../abort.js';
import {loadConfigText, parseConfig, resolveHostConfig, type ConfigSources, type JumpSpec, type ParsedConfig, type ResolvedHost} from '../config.js';
import {connectTimeoutFor, timeoutText} from '../connect-failure.js';
import {knownHostsCache} from '../known-hosts.js';
import {ConnectError, type Session, type Transport} from '../transport.js';
import {endClient, type Ssh2Client} from './client.js';
import {sharedKeyParser} from './auth.js';
import {connectClient, type ConnectContext} from './connect.js';
import type {Ssh2TransportOptions} from './options.js';
import {makeSession} from './session.js';

export type {Ssh2TransportOptions} from './options.js';

/**
 * The real transport: one ssh2 connection per node, configured from ssh_config, host keys verified against
 * known_hosts, authenticated with the agent and identity files, never prompting.
 */
export function createSsh2Transport(options: Ssh2TransportOptions): Transport {
	const sources: ConfigSources = {
		home: options.home,
		env: options.env,
		configFile: options.configFile,
		localUser: options.localUser ?? safeUserName(options.env),
		localHostName: hostname(),
		localUid: process.getuid?.() ?? 0,
		readFile: path => {
			try {
				return readFileSync(path, 'utf8');
			} catch {
				return undefined;
			}
		},
		listDir: path => {
			try {
				return readdirSync(path);
			} catch {
				return undefined;
			}
		},
	};
	let config: ParsedConfig | undefined;
	const knownHosts = knownHostsCache(sources.readFile, fileVersion);
	const clients = new Set<Ssh2Client>();
	const jumps = new Map<string, {promise: Promise<Ssh2Client>; users: number}>();
	const sessions = new Set<Session>();
	const context: ConnectContext = {options, readFile: sources.readFile, knownHosts, clients, parseKey: sharedKeyParser()};

	function resolve(node: string): ResolvedHost {
		config ??= parseConfig(loadConfigText(sources));
		return resolveHostConfig(node, config, sources);
	}

	/** Connect one resolved host, through its jump chain (`host.proxyJump`; a jump host's chain is set by jumpClient). */
	async function open(label: string, host: ResolvedHost, signal: AbortSignal | undefined, depth: number): Promise<{client: Ssh2Client; release: () => void}> {
		if (host.proxyCommand !== undefined) {
			throw new ConnectError(label, 'protocol', `${label}: ProxyCommand is not supported; use ProxyJump in the ssh config`);
		}

		if (depth > 8) throw new ConnectError(label, 'protocol', `${label}: ProxyJump chain is longer than 8 hops; check for a loop in the ssh config`);
		let sock: Readable | undefined;
		let release = (): void => {};
		const lastHop = host.proxyJump.at(-1);
		if (lastHop !== undefined) {
			const jump = await jumpClient(label, host.proxyJump, signal, depth);
			release = jump.release;
			try {
				// The connect timeout covers this step too: a jump host that stopped answering never calls back.
				const timeout = connectTimeoutFor(options.connectTimeoutMs, host);
				sock = await abortable(
					new Promise<Readable>((resolveStream, reject) => {
						let late = false;
						const timer = setTimeout(() => {
							late = true;
							reject(new ConnectError(label, 'timeout', `${label}: jump host ${lastHop.host} did not open a connection to ${host.hostName}:${host.port} ${timeoutText(timeout)}`));
						}, timeout.ms);
						jump.client.forwardOut('127.0.0.1', 0, host.hostName, host.port, (error, stream) => {
							clearTimeout(timer);
							if (late) stream?.close();
							else if (error) reject(new ConnectError(label, 'refused', `${label}: jump host ${lastHop.host} could not reach ${host.hostName}:${host.port}: ${error.message}`));
							else resolveStream(stream);
						});
					}),
					signal,
					label,
				);
			} catch (error) {
				release();
				throw error;
			}
		}

		try {
			const client = await connectClient(label, host, sock, signal, context);
			const previous = release;
			return {client, release: previous};
		} catch (error) {
			release();
			throw error;
		}
	}

	/** The shared connection to the last hop of `chain` (hop i is reached through hops 0..i-1). */
	async function jumpClient(label: string, chain: readonly JumpSpec[], signal: AbortSignal | undefined, depth: number): Promise<{client: Ssh2Client; release: () => void}> {
		const key = JSON.stringify(chain);
		let entry = jumps.get(key);
		if (entry === undefined) {
			const hop = chain.at(-1);
			if (hop === undefined) throw new Error('empty jump chain');
			let resolved: ResolvedHost;
			try {
				resolved = resolve(hop.host);
			} catch (error) {
				throw asConfigError(label, error);
			}

			const jumpHost: ResolvedHost = {
				...resolved,
				user: hop.user ?? resolved.user,
				port: hop.port ?? resolved.port,
				// The first hop keeps its own ProxyJump (as `ssh -J` does); later hops go through the earlier ones.
				proxyJump: chain.length > 1 ? chain.slice(0, -1) : resolved.proxyJump,
			};
			// Jump connections live until the transport closes; a failed one is forgotten so the next node retries.
			const promise = open(`${label} (via jump host ${hop.host})`, jumpHost, undefined, depth + 1).then(result => result.client);
			entry = {promise, users: 0};
			jumps.set(key, entry);
			promise.then(
				client => client.on('close', () => jumps.delete(key)),
				() => jumps.delete(key),
			);
		}

		entry.users++;
		const current = entry;
		const client = await abortable(current.promise, signal, label);
		return {
			client,
			release() {
				current.users--;
			},
		};
	}


	return {
		async connect(node, connectOptions = {}) {
			const started = Date.now();
			let host: ResolvedHost;
			try {
				host = resolve(node);
			} catch (error) {
				throw asConfigError(node, error);
			}

			const {client, release} = await open(node, host, connectOptions.signal, 0);
			return makeSession(node, client, Date.now() - started, release, options, sessions);
		},
		async close() {
			for (const session of [...sessions]) session.close();
			for (const client of [...clients]) endClient(client);
			jumps.clear();
		},
	};
}

function safeUserName(env: Readonly<Record<string, string | undefined>>): string {
	try {
		return userInfo().username;
	} catch {
		return env['USER'] ?? env['LOGNAME'] ?? 'root';
	}
}

function asConfigError(node: string, error: unknown): ConnectError {
	if (error instanceof ConnectError) return error;
	if (error instanceof UserError) return new ConnectError(node, 'protocol', error.message);
	throw error;
}

/**
 * What changes when a file's text may have: size, modification and change times (nanoseconds) and the inode
 * (an editor that writes a new file and renames it over the old one). Undefined when the file cannot be stat'ed.
 */
function fileVersion(path: string): string | undefined {
	try {
		const stat = statSync(path, {bigint: true});
		return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
	} catch {
		return undefined;
	}
}
