import {appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync} from 'node:fs';
import {hostname, userInfo} from 'node:os';
import {dirname} from 'node:path';
import type {Readable} from 'node:stream';
import ssh2 from 'ssh2';
// A static import (not createRequire at run time), so the one-file bundle carries it too.
import supportedLists from 'ssh2/lib/protocol/constants.js';
import type {AnyAuthMethod, Algorithms, ClientChannel, ConnectConfig, IdentityCallback, ParsedKey} from 'ssh2';
import {UserError, assertNever} from '../errors.js';
import {loadConfigText, parseConfig, resolveHostConfig, type ConfigSources, type JumpSpec, type ParsedConfig, type ResolvedHost} from './config.js';
import {checkHostKey, fingerprint, formatKnownHostsLine, keyTypeOf, knownHostsCache, knownKeyTypes, lookupName, type KnownHostsIndex} from './known-hosts.js';
import {ChunkQueue, LineSplitter} from './output.js';
import {killGraceSeconds, wrapRemoteCommand} from './remote-command.js';
import {ConnectError, type ConnectFailure, type ExecChunk, type ExecOptions, type Session, type Transport} from './transport.js';

const {Client, OpenSSHAgent, utils} = ssh2;
type Ssh2Client = InstanceType<typeof Client>;

/** Options for `createSsh2Transport`, mirroring the ssh(1) command line. */
export type Ssh2TransportOptions = {
	/** `-F FILE`: read only this ssh_config. */
	readonly configFile?: string | undefined;
	/** The local user's home (`~`). */
	readonly home: string;
	/** Environment: `SSH_AUTH_SOCK`, `${VAR}` in the config. */
	readonly env: Readonly<Record<string, string | undefined>>;
	/** Record unknown host keys (like `StrictHostKeyChecking accept-new`). A changed key is refused regardless. @default false */
	readonly acceptNew?: boolean | undefined;
	/** Time allowed for TCP connect + handshake + auth (`--connect-timeout`); it wins over `ConnectTimeout` in the config, as `ssh -o` does. @default 10_000 */
	readonly connectTimeoutMs?: number | undefined;
	/** SSH keepalive interval; `ServerAliveInterval` in the config wins; 0 turns it off. @default 15_000 */
	readonly keepaliveIntervalMs?: number | undefined;
	/** Exec channels opened at once on one connection before queueing (stock sshd MaxSessions is 10). @default 10 */
	readonly maxChannels?: number | undefined;
	/** After TERM on timeout/abort, how long before KILL, and again before the channel is dropped. @default 3_000 */
	readonly killGraceMs?: number | undefined;
	/** Notes for the user (skipped keys, recorded host keys). One line each. */
	readonly logger?: ((line: string) => void) | undefined;
	/** The local user name (`%u`, default `User`). @default os.userInfo().username */
	readonly localUser?: string | undefined;
};

/** ssh2 error fields this file reads. */
type Ssh2Error = Error & {code?: string; level?: string};

/**
 * How long a command being stopped because the run was aborted may take to report its end before svctui drops
 * the connection (Ctrl-C must end the run within a second or two, whatever the node does).
 */
const abortWaitMs = 1000;

/**
 * After the wrapper's own kill grace (remote-command.ts: KILL that long after TERM, on the node), how long a timed-out
 * command's node may take to report the end before the connection is dropped.
 */
const answerWaitMs = 2000;

/** How long a connection being closed may wait for the node's side of the close before the socket is destroyed. */
const closeWaitMs = 1000;

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
	const knownHosts = knownHostsCache(sources.readFile);
	const clients = new Set<Ssh2Client>();
	const jumps = new Map<string, {promise: Promise<Ssh2Client>; users: number}>();
	const sessions = new Set<Session>();

	/** As with `ssh -o ConnectTimeout=…`, the command line wins over the config file. */
	function connectTimeoutFor(host: ResolvedHost): ConnectTimeout {
		if (options.connectTimeoutMs !== undefined) return {ms: options.connectTimeoutMs, source: 'option'};
		if (host.connectTimeoutMs !== undefined) return {ms: host.connectTimeoutMs, source: 'config'};
		return {ms: 10_000, source: 'default'};
	}

	function resolve(node: string): ResolvedHost {
		config ??= parseConfig(loadConfigText(sources));
		return resolveHostConfig(node, config, sources);
	}

	/** Resolve and connect one host, through its jump chain. `viaChain` overrides the host's own ProxyJump. */
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
				const timeout = connectTimeoutFor(host);
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
			const client = await connectClient(label, host, sock, signal);
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

	async function connectClient(label: string, host: ResolvedHost, sock: Readable | undefined, signal: AbortSignal | undefined): Promise<Ssh2Client> {
		const strict = host.strictHostKeyChecking;
		const accept = options.acceptNew === true || strict === 'accept-new' || strict === 'no';
		const name = lookupName(host.hostKeyAlias ?? host.hostName, host.hostKeyAlias === undefined ? host.port : 22);
		let hostKeyFailure: string | undefined;
		const readKnownHosts = (): KnownHostsIndex[] =>
			[...host.userKnownHostsFiles, ...host.globalKnownHostsFiles].flatMap(path => {
				const index = knownHosts.read(path);
				return index === undefined ? [] : [index];
			});

		const hostVerifier = (blob: Buffer): boolean => {
			const key = {type: keyTypeOf(blob), blob};
			const check = checkHostKey(readKnownHosts(), name, key);
			const print = `${key.type} ${fingerprint(blob)}`;
			switch (check.result) {
				case 'match':
					return true;
				case 'revoked':
					hostKeyFailure = `${label}: host key ${print} is marked @revoked in ${check.file}:${check.line}; refusing to connect`;
					return false;
				case 'changed':
					hostKeyFailure = `${label}: HOST KEY CHANGED: ${name} now offers ${print}, which differs from ${check.file}:${check.line}; if the change is expected, remove that line (ssh-keygen -R) and reconnect`;
					return false;
				case 'unknown': {
					if (!accept) {
						const other = check.otherTypes[0];
						const hint = other === undefined ? '' : ` (a ${other.type} key is known at ${other.file}:${other.line})`;
						hostKeyFailure = `${label}: host key for ${name} is not known (${print})${hint}; verify it and run with --accept-new, or add it with ssh-keyscan`;
						return false;
					}

					const file = host.userKnownHostsFiles[0];
					if (file === undefined) {
						hostKeyFailure = `${label}: host key for ${name} is not known and UserKnownHostsFile is none, so it cannot be recorded`;
						return false;
					}

					try {
						recordHostKey(file, formatKnownHostsLine(name, key, host.hashKnownHosts));
					} catch (error) {
						hostKeyFailure = `${label}: could not record the host key in ${file}: ${(error as Error).message}`;
						return false;
					}

					options.logger?.(`${label}: recorded new host key ${print} for ${name} in ${file}`);
					return true;
				}
			}
		};

		const {methods, notes} = authMethods(host);
		const algorithms: Algorithms = {};
		setAlgorithms(algorithms, 'kex', host.kexAlgorithms, label);
		setAlgorithms(algorithms, 'cipher', host.ciphers, label);
		setAlgorithms(algorithms, 'hmac', host.macs, label);
		setAlgorithms(algorithms, 'serverHostKey', host.hostKeyAlgorithms, label);
		if (host.hostKeyAlgorithms === undefined) {
			// Like OpenSSH: ask for a key type we already know for this host first, so a host with several
			// key types is not reported as unknown just because ssh2 prefers a different one.
			const known = knownKeyTypes(readKnownHosts(), name).flatMap(type => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]));
			const supported = supportedAlgorithms('serverHostKey');
			const preferred = known.filter(type => supported.includes(type));
			if (preferred.length > 0) algorithms.serverHostKey = {prepend: preferred} as unknown as Algorithms['serverHostKey'];
		}

		const keepalive = host.serverAliveIntervalMs ?? options.keepaliveIntervalMs ?? 15_000;
		const timeout = connectTimeoutFor(host);
		const config: ConnectConfig = {
			host: host.hostName,
			port: host.port,
			username: host.user,
			readyTimeout: timeout.ms,
			keepaliveInterval: keepalive,
			keepaliveCountMax: host.serverAliveCountMax,
			hostVerifier,
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
				fail(classify(label, host, error, {hostKeyFailure, notes, methods, timeout}));
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

	function authMethods(host: ResolvedHost): {methods: AnyAuthMethod[]; notes: string[]} {
		const methods: AnyAuthMethod[] = [];
		const notes: string[] = [];
		const username = host.user;
		const files: {path: string; key: ParsedKey | undefined; pub: Buffer | undefined}[] = [];
		for (const path of host.identityFiles) {
			const data = sources.readFile(path);
			const pubText = sources.readFile(`${path}.pub`);
			let pub: Buffer | undefined;
			if (pubText !== undefined) {
				const parsedPub = utils.parseKey(pubText);
				if (!(parsedPub instanceof Error)) pub = parsedPub.getPublicSSH();
			}

			if (data === undefined) {
				// Like OpenSSH, FILE.pub alone still selects the matching agent key (the private half lives in the agent).
				if (pub !== undefined) files.push({path, key: undefined, pub});
				else if (host.identityFilesConfigured) notes.push(`${path} not found`);
				continue;
			}

			const parsed = utils.parseKey(data);
			if (parsed instanceof Error) {
				notes.push(/encrypted/i.test(parsed.message) ? `${path} is encrypted and svctui never prompts: load it into ssh-agent` : `${path}: ${parsed.message}`);
				files.push({path, key: undefined, pub});
			} else if (!parsed.isPrivateKey()) {
				// IdentityFile naming a public key (`~/.ssh/key.pub`): it only picks the agent key, it cannot sign.
				files.push({path, key: undefined, pub: parsed.getPublicSSH()});
			} else {
				files.push({path, key: parsed, pub: pub ?? parsed.getPublicSSH()});
			}
		}

		const agentPath = host.identityAgent ?? options.env['SSH_AUTH_SOCK'];
		if (agentPath !== undefined && agentPath !== 'none' && agentPath !== '') {
			if (host.identitiesOnly) {
				// IdentitiesOnly: the agent may still sign, but only for keys that match an identity file (OpenSSH).
				const allowed = files.flatMap(file => (file.pub === undefined ? [] : [file.pub]));
				if (allowed.length > 0) methods.push({type: 'agent', username, agent: new FilteredAgent(agentPath, allowed)});
			} else {
				methods.push({type: 'agent', username, agent: agentPath});
			}
		}

		for (const file of files) {
			if (file.key !== undefined) methods.push({type: 'publickey', username, key: file.key});
		}

		return {methods, notes};
	}

	function recordHostKey(file: string, line: string): void {
		const dir = dirname(file);
		if (!existsSync(dir)) mkdirSync(dir, {recursive: true, mode: 0o700});
		const created = !existsSync(file);
		let prefix = '';
		if (!created) {
			const text = readFileSync(file, 'utf8');
			// Several nodes connecting at once may all record the same plain entry: keep one.
			if (text.split('\n').includes(line.trimEnd())) return;
			if (text.length > 0 && !text.endsWith('\n')) prefix = '\n';
		}

		appendFileSync(file, prefix + line, {mode: 0o600});
		if (created) chmodSync(file, 0o600);
	}

	function makeSession(node: string, client: Ssh2Client, connectMs: number, release: () => void): Session {
		const limit = {max: options.maxChannels ?? 10, active: 0};
		const waiting: (() => void)[] = [];
		let lost: ConnectError | undefined;
		let lastError: Ssh2Error | undefined;
		let closed = false;
		const grace = options.killGraceMs ?? 3000;

		client.on('error', (error: Ssh2Error) => {
			lastError ??= error;
		});
		client.on('close', () => {
			if (closed) return;
			const reason: ConnectFailure = lastError?.level === 'client-timeout' ? 'timeout' : 'protocol';
			const detail = lastError === undefined ? 'the server closed it' : lastError.message;
			lost ??= new ConnectError(node, reason, `${node}: connection lost (${detail})`);
			for (const wake of waiting.splice(0)) wake();
		});

		/** Wait for a free channel slot and take it; false when the abort came first (no slot taken). */
		const acquire = async (signal: AbortSignal | undefined): Promise<boolean> => {
			while (limit.active >= limit.max) {
				if (lost) throw lost;
				if (signal?.aborted) return false;
				await new Promise<void>(resolveSlot => {
					// Woken by a released slot or by the abort, whichever comes first; either way the other is undone, so
					// an aborted waiter neither keeps a listener on the run-wide signal nor swallows a later release.
					const wake = (): void => {
						unwatch();
						const index = waiting.indexOf(wake);
						if (index !== -1) waiting.splice(index, 1);
						resolveSlot();
					};

					waiting.push(wake);
					const unwatch = watchAbort(signal, wake);
				});
			}

			limit.active++;
			return true;
		};

		const releaseSlot = (): void => {
			limit.active--;
			waiting.shift()?.();
		};

		/**
		 * Open an exec channel for `command`. The command's timeout and the abort hold here too: a node that stopped
		 * answering never confirms the channel, and waiting for it would wait for the keepalive. A channel that opens
		 * after svctui gave up on it is closed at once.
		 */
		const openChannel = async (command: string, signal: AbortSignal | undefined, timeoutMs: number | undefined): Promise<OpenedChannel> => {
			let startedAt: number | undefined;
			for (;;) {
				if (lost) throw lost;
				if (closed) throw new ConnectError(node, 'protocol', `${node}: session is closed`);
				const taken = await acquire(signal);
				if (signal?.aborted) {
					if (taken) releaseSlot();
					return {kind: 'stopped', why: 'abort'};
				}

				startedAt ??= Date.now();
				const remainingMs = timeoutMs === undefined ? undefined : Math.max(0, startedAt + timeoutMs - Date.now());
				let opened: ClientChannel | 'timeout' | 'abort';
				// The slot stays taken until the server has the channel closed again (sshd counts it against MaxSessions).
				let slotHeld = true;
				const freeSlot = (): void => {
					if (!slotHeld) return;
					slotHeld = false;
					releaseSlot();
				};

				try {
					opened = await new Promise<ClientChannel | 'timeout' | 'abort'>((resolveChannel, reject) => {
						let waiting = true;
						const stop = (why: 'timeout' | 'abort'): void => {
							if (!waiting) return;
							waiting = false;
							clearTimeout(timer);
							unwatch();
							resolveChannel(why);
						};

						const timer = remainingMs === undefined ? undefined : setTimeout(() => stop('timeout'), remainingMs);
						const unwatch = watchAbort(signal, () => stop('abort'));
						client.exec(wrapRemoteCommand(command), (error, stream) => {
							if (!waiting) {
								// Too late: EOF and close reach the wrapper, which then stops the command by itself.
								if (error || stream === undefined) {
									freeSlot();
								} else {
									// Read and drop its output: a channel that is never read never gets to 'close'.
									stream.resume();
									stream.stderr.resume();
									stream.on('close', freeSlot);
									stream.end();
									stream.close();
								}

								return;
							}

							waiting = false;
							clearTimeout(timer);
							unwatch();
							if (error) reject(error);
							else resolveChannel(stream);
						});
					});
				} catch (error) {
					freeSlot();
					if (lost) throw lost;
					const message = (error as Error).message;
					// sshd's MaxSessions: lower our limit to what the server took, and wait for a channel to close.
					if (/open failed/i.test(message) && limit.active > 0) {
						limit.max = Math.max(1, limit.active);
						options.logger?.(`${node}: server allows ${limit.max} channels at once; queueing the rest`);
						continue;
					}

					throw new ConnectError(node, 'protocol', `${node}: could not start the command: ${message}`);
				}

				if (typeof opened !== 'string') return {kind: 'open', stream: opened, startedAt};
				if (opened === 'timeout') {
					freeSlot();
					// Not even the channel came back within the command's whole time: the node is not answering.
					lost ??= new ConnectError(node, 'timeout', `${node}: the node stopped answering (a command's channel did not open within its timeout); svctui closed the connection`);
					destroyClient(client);
				}

				return {kind: 'stopped', why: opened, afterMs: Date.now() - startedAt};
			}
		};

		async function* exec(command: string, execOptions: ExecOptions = {}): AsyncGenerator<ExecChunk> {
			const {signal, timeoutMs} = execOptions;
			const opened = await openChannel(command, signal, timeoutMs);
			if (opened.kind === 'stopped') {
				yield opened.why === 'timeout' ? {kind: 'timed-out', afterMs: opened.afterMs ?? 0} : {kind: 'exit', exitCode: null, signal: 'SIGTERM'};
				return;
			}

			const {stream} = opened;
			const started = opened.startedAt;
			const queue = new ChunkQueue();
			const out = new LineSplitter();
			const err = new LineSplitter();
			let exit: {code: number | null; signal: string | null} | undefined;
			let stopping: 'timeout' | 'abort' | undefined;
			let timedOutAfterMs = 0;
			const timers: NodeJS.Timeout[] = [];
			let giveUp: {at: number; timer: NodeJS.Timeout} | undefined;

			/** The final chunk when svctui stopped the command (a timeout is reported as such, whatever ended it). */
			const stoppedChunk = (): ExecChunk =>
				stopping === 'timeout' ? {kind: 'timed-out', afterMs: timedOutAfterMs} : {kind: 'exit', exitCode: null, signal: 'SIGTERM'};

			/**
			 * The node did not confirm the stop in time: a frozen node, or a cut network, answers nothing, and only the
			 * keepalive (a minute by default) would notice. Close the channel and the connection from this side and end
			 * the exec now. The wrapper on a node that is merely slow still kills the command by itself (its own
			 * TERM-then-KILL timer); a node that answers nothing cannot be trusted with the next command either, so the
			 * session is lost.
			 */
			const abandon = (): void => {
				if (queue.done) return;
				for (const timer of timers) clearTimeout(timer);
				lost ??= new ConnectError(node, 'timeout', `${node}: the node stopped answering (no reply to stopping a command); svctui closed the connection`);
				try {
					stream.close();
				} catch {}

				queue.output('stdout', out.end());
				queue.output('stderr', err.end());
				queue.finish(stoppedChunk());
				destroyClient(client);
			};

			/** Give up on the node answering `ms` from now, unless an earlier deadline is already set. */
			const giveUpIn = (ms: number): void => {
				const at = Date.now() + ms;
				if (giveUp !== undefined && giveUp.at <= at) return;
				if (giveUp !== undefined) clearTimeout(giveUp.timer);
				giveUp = {at, timer: setTimeout(abandon, ms)};
			};

			const kill = (why: 'timeout' | 'abort'): void => {
				if (queue.done) return;
				if (stopping === undefined) {
					stopping = why;
					timedOutAfterMs = Date.now() - started;
					// The wrapper (remote-command.ts) kills the command's process group on TERM or on stdin EOF, and escalates
					// to KILL by itself after its grace; USR1 asks for KILL at once where sshd passes signals on.
					trySignal(stream, 'TERM');
					stream.end();
					timers.push(setTimeout(() => trySignal(stream, 'USR1'), grace));
				}

				// A run being aborted waits briefly (Ctrl-C must be quick; the node-side kill goes on without us); a timeout
				// gives the node the wrapper's grace plus time to report the exit.
				giveUpIn(why === 'abort' && signal?.aborted === true ? abortWaitMs : Math.max(grace, killGraceSeconds * 1000) + answerWaitMs);
			};

			stream.on('data', (data: Buffer) => queue.output('stdout', out.push(data)));
			stream.stderr.on('data', (data: Buffer) => queue.output('stderr', err.push(data)));
			// The exit status comes with 'close' (ssh2 passes the channel's recorded exit: `(code)` or
			// `(null, 'SIGTERM')`, undefined when none came). An 'exit' listener would miss it: when several packets
			// arrive in one read (common through a jump host) 'exit' fires before this code has the stream.
			stream.on('close', (code?: number | null, signalName?: string) => {
				if (code !== undefined) exit = {code, signal: code === null ? (signalName ?? null) : null};
				for (const timer of timers) clearTimeout(timer);
				if (giveUp !== undefined) clearTimeout(giveUp.timer);
				if (queue.done) return;
				queue.output('stdout', out.end());
				queue.output('stderr', err.end());
				if (stopping === 'timeout') {
					queue.finish(stoppedChunk());
				} else if (exit !== undefined) {
					queue.finish({kind: 'exit', exitCode: exit.code, signal: exit.signal});
				} else if (lost !== undefined) {
					queue.fail(lost);
				} else if (stopping === 'abort' || closed) {
					queue.finish({kind: 'exit', exitCode: null, signal: 'SIGTERM'});
				} else {
					queue.fail(new ConnectError(node, 'protocol', `${node}: the command's channel closed without an exit status`));
				}
			});

			const onAbort = (): void => kill('abort');
			if (signal?.aborted) onAbort();
			const unwatch = watchAbort(signal, onAbort);
			if (timeoutMs !== undefined) timers.push(setTimeout(() => kill('timeout'), Math.max(0, started + timeoutMs - Date.now())));

			try {
				yield* queue.drain();
			} finally {
				unwatch();
				if (!queue.done) {
					// The reader stopped early: the command must not outlive it.
					kill('abort');
				} else {
					for (const timer of timers) clearTimeout(timer);
					if (giveUp !== undefined) clearTimeout(giveUp.timer);
				}

				releaseSlot();
			}
		}

		const session: Session = {
			node,
			connectMs,
			get open() {
				return !closed && lost === undefined;
			},
			exec,
			close() {
				if (closed) return;
				closed = true;
				sessions.delete(session);
				endClient(client);
				release();
			},
		};
		sessions.add(session);
		return session;
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
			return makeSession(node, client, Date.now() - started, release);
		},
		async close() {
			for (const session of [...sessions]) session.close();
			for (const client of [...clients]) endClient(client);
			jumps.clear();
		},
	};
}

/**
 * End a connection politely (DISCONNECT, then FIN), and destroy its socket if the node has not closed its side
 * within `closeWaitMs`: a frozen node never does, and the half-open socket would keep svctui from exiting.
 */
function endClient(client: Ssh2Client): void {
	client.end();
	const timer = setTimeout(() => destroyClient(client), closeWaitMs);
	timer.unref();
	client.once('close', () => clearTimeout(timer));
}

/**
 * Drop the connection now. ssh2's own `destroy()` does nothing once `end()` has been called (it checks that the
 * socket is still writable), which is exactly the case of a frozen node that never answers the FIN: so destroy
 * the socket itself (ssh2 keeps it in `_sock`, the TCP socket or the jump host's channel).
 */
function destroyClient(client: Ssh2Client): void {
	const sock = (client as unknown as {_sock?: {destroy(): void; destroyed?: boolean}})._sock;
	if (sock !== undefined && sock.destroyed !== true) sock.destroy();
}

function trySignal(stream: ClientChannel, name: string): void {
	try {
		stream.signal(name);
	} catch {
		// The channel may already be closing; stdin EOF and the channel close still reach the wrapper.
	}
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

/** What opening an exec channel came to: the channel, or svctui stopped waiting for it. */
type OpenedChannel =
	| {readonly kind: 'open'; readonly stream: ClientChannel; readonly startedAt: number}
	| {readonly kind: 'stopped'; readonly why: 'timeout' | 'abort'; readonly afterMs?: number};

/** Callbacks waiting on one signal, behind the one listener that serves them all. */
type AbortWatch = {readonly callbacks: Set<() => void>; readonly fire: () => void};
const abortWatches = new WeakMap<AbortSignal, AbortWatch>();

/**
 * Call `callback` once when `signal` aborts; the returned function cancels that. However many connects and commands
 * wait on one run-wide signal at once, it carries a single listener (a listener each would pass Node's limit of 10
 * and print MaxListenersExceededWarning on any run over 10 nodes), and the listener goes once nobody waits.
 * Like `addEventListener`, it does not call back for a signal that is already aborted: callers check `aborted` first.
 */
function watchAbort(signal: AbortSignal | undefined, callback: () => void): () => void {
	if (signal === undefined || signal.aborted) return () => {};
	let watch = abortWatches.get(signal);
	if (watch === undefined) {
		const callbacks = new Set<() => void>();
		const fire = (): void => {
			abortWatches.delete(signal);
			for (const waiting of [...callbacks]) waiting();
			callbacks.clear();
		};

		watch = {callbacks, fire};
		abortWatches.set(signal, watch);
		signal.addEventListener('abort', fire, {once: true});
	}

	const current = watch;
	// A Set keeps one entry per function: wrap, so the same callback registered twice is two registrations.
	const entry = (): void => callback();
	current.callbacks.add(entry);
	return () => {
		if (!current.callbacks.delete(entry) || current.callbacks.size > 0) return;
		signal.removeEventListener('abort', current.fire);
		if (abortWatches.get(signal) === current) abortWatches.delete(signal);
	};
}

async function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, label: string): Promise<T> {
	if (signal === undefined) return promise;
	if (signal.aborted) throw new ConnectError(label, 'timeout', `${label}: connecting was cancelled`);
	return new Promise<T>((resolvePromise, reject) => {
		const unwatch = watchAbort(signal, () => reject(new ConnectError(label, 'timeout', `${label}: connecting was cancelled`)));
		promise.then(
			value => {
				unwatch();
				resolvePromise(value);
			},
			(error: unknown) => {
				unwatch();
				reject(error);
			},
		);
	});
}

/** The time allowed to connect, and where it came from (so a timeout message points at the setting that applies). */
type ConnectTimeout = {readonly ms: number; readonly source: 'config' | 'option' | 'default'};

/** What the connect attempt knew when it failed. */
type FailureContext = {
	readonly hostKeyFailure: string | undefined;
	readonly notes: readonly string[];
	readonly methods: readonly AnyAuthMethod[];
	readonly timeout: ConnectTimeout;
};

/** "within 1 s (ConnectTimeout in the ssh config); raise it there or with --connect-timeout": say where the limit came from. */
function timeoutText(timeout: ConnectTimeout): string {
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
function classify(label: string, host: ResolvedHost, error: Ssh2Error, {hostKeyFailure, notes, methods, timeout}: FailureContext): ConnectError {
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
		const fileCount = methods.filter(method => method.type === 'publickey').length;
		const triedText = methods.length === 0 ? 'no usable key' : `${methods.some(m => m.type === 'agent') ? 'ssh-agent, ' : ''}${fileCount} key file(s)`;
		const extra = notes.length === 0 ? '' : `; ${notes.join('; ')}`;
		return new ConnectError(label, 'auth', `${label}: authentication as ${host.user} failed (tried ${triedText})${extra}; check IdentityFile, ssh-agent and the node's authorized_keys`);
	}

	const mismatch = algorithmMismatch(error.message);
	if (mismatch !== undefined) {
		const {key, setting, what, query} = mismatch;
		const configured = {kex: host.kexAlgorithms, serverHostKey: host.hostKeyAlgorithms, cipher: host.ciphers, hmac: host.macs}[key];
		const detail =
			configured === undefined
				? `svctui offered its defaults: ${supportedAlgorithms(key).join(',')}); the server accepts only ${what}s svctui's SSH library does not implement`
				: `${setting} ${configured} in the ssh config); change ${setting} in the ssh config to include one the server accepts (ssh -Q ${query} lists names)`;
		return new ConnectError(label, 'protocol', `${label}: ${where} and svctui have no ${what} in common (${detail}`);
	}

	return new ConnectError(label, 'protocol', `${label}: ${error.message}`);
}

/** ssh2's "Handshake failed: no matching ..." → which algorithm list, its ssh_config keyword, its name in prose, its `ssh -Q` name. */
function algorithmMismatch(message: string): {key: AlgorithmKey; setting: string; what: string; query: string} | undefined {
	if (!message.startsWith('Handshake failed: no matching ')) return undefined;
	if (message.includes('key exchange')) return {key: 'kex', setting: 'KexAlgorithms', what: 'key exchange algorithm', query: 'kex'};
	if (message.includes('host key')) return {key: 'serverHostKey', setting: 'HostKeyAlgorithms', what: 'host key algorithm', query: 'key'};
	if (message.includes('cipher')) return {key: 'cipher', setting: 'Ciphers', what: 'cipher', query: 'cipher'};
	if (message.includes('MAC')) return {key: 'hmac', setting: 'MACs', what: 'MAC', query: 'mac'};
	return undefined;
}

type AlgorithmKey = 'kex' | 'cipher' | 'hmac' | 'serverHostKey';
const constantNames: Record<AlgorithmKey, string> = {kex: 'SUPPORTED_KEX', cipher: 'SUPPORTED_CIPHER', hmac: 'SUPPORTED_MAC', serverHostKey: 'SUPPORTED_SERVER_HOST_KEY'};

function supportedAlgorithms(key: AlgorithmKey): string[] {
	return (supportedLists[constantNames[key]] ?? []) as string[];
}

/** Turn an OpenSSH algorithm list (`a,b`, `+a`, `-a`, `^a`) into ssh2's form, keeping only what ssh2 supports. */
function setAlgorithms(algorithms: Algorithms, key: AlgorithmKey, value: string | undefined, label: string): void {
	if (value === undefined) return;
	const prefix = /^[+\-^]/.test(value) ? value[0] : '';
	const names = value.slice(prefix === '' ? 0 : 1).split(',').filter(name => name !== '');
	const supported = supportedAlgorithms(key);
	const usable = names.filter(name => supported.includes(name));
	const target = algorithms as Record<string, unknown>;
	switch (prefix) {
		case '+':
			if (usable.length > 0) target[key] = {append: usable};
			return;
		case '^':
			if (usable.length > 0) target[key] = {prepend: usable};
			return;
		case '-':
			target[key] = {remove: names.filter(name => supported.includes(name))};
			return;
		default:
			if (usable.length === 0) {
				throw new ConnectError(label, 'protocol', `${label}: none of the configured ${key} algorithms (${value}) is supported by svctui's SSH library; use one of ${supported.slice(0, 6).join(', ')}`);
			}

			target[key] = usable;
	}
}

/** An agent that offers only the listed public keys (IdentitiesOnly with an agent holding more keys). */
class FilteredAgent extends OpenSSHAgent {
	readonly #allowed: readonly Buffer[];

	constructor(socketPath: string, allowed: readonly Buffer[]) {
		super(socketPath);
		this.#allowed = allowed;
	}

	override getIdentities(cb: IdentityCallback<ParsedKey>): void {
		super.getIdentities((error, keys) => {
			if (error || keys === undefined) {
				cb(error);
				return;
			}

			cb(undefined, keys.filter(entry => {
				const key = 'pubKey' in entry ? entry.pubKey : entry;
				const parsed = 'getPublicSSH' in key ? key : utils.parseKey(key.pubKey);
				return !(parsed instanceof Error) && this.#allowed.some(blob => blob.equals(parsed.getPublicSSH()));
			}));
		});
	}
}
