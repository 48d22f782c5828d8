import {readFileSync, writeFileSync} from 'node:fs';
import {createServer, type Server, type Socket} from 'node:net';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, it} from 'vitest';
import {createSsh2Transport, type Ssh2TransportOptions} from '../../source/ssh/ssh2/transport.js';
import {ConnectError, type Transport} from '../../source/ssh/transport.js';
import {skipWhen} from '../helpers/skip.js';
import {loopbackSkipReason, startLoopbackSshd, type LoopbackSshd} from '../helpers/loopback-sshd.js';
import {connectError} from '../helpers/connect-error.js';

/**
 * Timeouts against real peers: a TCP listener that never speaks SSH (connect timeout), and a real sshd whose
 * session process is frozen with SIGSTOP mid-command (keepalive). Both must end with ConnectError 'timeout'.
 */

const skip = loopbackSkipReason();

describe.concurrent('ssh2 transport timeouts', skipWhen(skip), () => {
	let sshd: LoopbackSshd;
	let knownHosts: string;
	const transports: Transport[] = [];

	beforeAll(async () => {
		sshd = await startLoopbackSshd();
		knownHosts = join(sshd.dir, 'known_hosts');
		writeFileSync(knownHosts, sshd.knownHostsLine());
	}, 30_000);

	afterAll(async () => {
		for (const t of transports) await t.close();
		await sshd?.stop();
	});

	function transport(hosts: Record<string, readonly string[]>, file: string, extra: Partial<Ssh2TransportOptions> = {}): Transport {
		const configFile = sshd.writeSshConfig(hosts, file);
		const t = createSsh2Transport({configFile, home: sshd.dir, env: {}, killGraceMs: 500, ...extra});
		transports.push(t);
		return t;
	}

	describe.concurrent('against a listener that accepts and never speaks SSH', () => {
		it('fails with timeout after ConnectTimeout from the ssh config, naming that setting, and drops the socket', async ({expect}) => {
			const silent = await silentListener();
			try {
				const t = transport({mute1: [`Port ${silent.port}`, 'ConnectTimeout 1']}, 'mute1_config');
				const started = Date.now();
				const error = await connectError(t.connect('mute1'));
				expect(error.reason).toBe('timeout');
				expect(error.message).toMatch(/^mute1: 127\.0\.0\.1:\d+ did not complete the SSH handshake within 1 s \(ConnectTimeout in the ssh config\); raise ConnectTimeout there/);
				// It waited for the configured time rather than failing at once (no upper bound: machines vary).
				expect(Date.now() - started).toBeGreaterThanOrEqual(950);
				// The client hung up rather than leaving the connection open (this resolves only when it closes).
				expect(silent.closes).toHaveLength(1);
				await silent.closes[0];
			} finally {
				await silent.stop();
			}
		});

		it('uses --connect-timeout (connectTimeoutMs) when the ssh config sets no ConnectTimeout', async ({expect}) => {
			const silent = await silentListener();
			try {
				const t = transport({mute2: [`Port ${silent.port}`]}, 'mute2_config', {connectTimeoutMs: 300});
				const error = await connectError(t.connect('mute2'));
				expect(error.reason).toBe('timeout');
				expect(error.message).toMatch(/within 0\.3 s \(--connect-timeout\); raise --connect-timeout$/);
			} finally {
				await silent.stop();
			}
		});

		it('lets --connect-timeout win over ConnectTimeout in the ssh config, as ssh -o does', async ({expect}) => {
			const silent = await silentListener();
			try {
				const t = transport({mute3: [`Port ${silent.port}`, 'ConnectTimeout 30']}, 'mute3_config', {connectTimeoutMs: 300});
				const error = await connectError(t.connect('mute3'));
				expect(error.reason).toBe('timeout');
				expect(error.message).toMatch(/within 0\.3 s \(--connect-timeout\); raise --connect-timeout$/);
			} finally {
				await silent.stop();
			}
		});
	});

	it('ends a running command with ConnectError timeout when the server stops answering keepalives', async ({expect}) => {
		const t = transport({frozen: [...strictLines(knownHosts), 'ServerAliveInterval 1', 'ServerAliveCountMax 1']}, 'frozen_config');
		const session = await t.connect('frozen');
		// The command's parent is the wrapper shell (remote-command.ts), whose parent is the sshd process that
		// serves this connection's channels: freezing it leaves the TCP connection open but silent.
		const command = `awk '{print $4}' /proc/$PPID/stat; exec sleep 3011`;
		let frozenPid: number | undefined;
		try {
			const error = await new Promise<unknown>((resolve, reject) => {
				void (async () => {
					try {
						for await (const chunk of session.exec(command)) {
							if (chunk.kind === 'output' && chunk.stream === 'stdout' && frozenPid === undefined) {
								frozenPid = Number(chunk.lines[0]);
								expect(readFileSync(`/proc/${frozenPid}/cmdline`, 'utf8')).toMatch(/^sshd: root/);
								process.kill(frozenPid, 'SIGSTOP');
							}
						}

						reject(new Error('the command ended without an error'));
					} catch (caught) {
						resolve(caught);
					}
				})();
			});
			expect(error).toBeInstanceOf(ConnectError);
			const lost = error as ConnectError;
			expect(lost.reason).toBe('timeout');
			expect(lost.node).toBe('frozen');
			expect(lost.message).toMatch(/^frozen: connection lost \(Keepalive timeout\)/);
		} finally {
			if (frozenPid !== undefined) process.kill(frozenPid, 'SIGCONT');
		}
	});

	/**
	 * Start `sleep` under a connection whose sshd is then frozen, and return what the exec ended with, how long it
	 * took from the freeze, and the error the next exec on the same session throws. Keepalive is off, so only the
	 * command timeout or the abort can end it.
	 */
	async function execOnFrozenSshd(name: string, options: {timeoutMs?: number; abortAfterFreeze?: boolean}): Promise<{end: unknown; afterFreezeMs: number; next: unknown}> {
		const t = transport({[name]: [...strictLines(knownHosts), 'ServerAliveInterval 0']}, `${name}_config`);
		const session = await t.connect(name);
		const controller = new AbortController();
		let frozenPid: number | undefined;
		let frozenAt = 0;
		let end: unknown;
		try {
			for await (const chunk of session.exec(`awk '{print $4}' /proc/$PPID/stat; exec sleep 3012`, {timeoutMs: options.timeoutMs, signal: controller.signal})) {
				if (chunk.kind === 'output' && frozenPid === undefined) {
					frozenPid = Number(chunk.lines[0]);
					process.kill(frozenPid, 'SIGSTOP');
					frozenAt = Date.now();
					if (options.abortAfterFreeze === true) controller.abort();
				} else if (chunk.kind !== 'output') {
					end = chunk;
				}
			}

			const afterFreezeMs = Date.now() - frozenAt;
			const next = await (async () => {
				try {
					for await (const _ of session.exec('true')) {
						// Drain.
					}

					return undefined;
				} catch (error) {
					return error;
				}
			})();
			return {end, afterFreezeMs, next};
		} finally {
			if (frozenPid !== undefined) process.kill(frozenPid, 'SIGCONT');
		}
	}

	it('ends a command on a frozen server as timed out at its deadline (the wrapper\'s grace plus 2 s), not at the keepalive, and drops the connection', async ({expect}) => {
		const {end, afterFreezeMs, next} = await execOnFrozenSshd('frozentimeout', {timeoutMs: 500});
		expect(end).toEqual({kind: 'timed-out', afterMs: expect.any(Number)});
		// 0.5 s timeout, 3 s for the node-side kill, 2 s to hear of it; the keepalive is off, so only this ends it.
		expect(afterFreezeMs).toBeLessThan(7000);
		expect(next).toBeInstanceOf(ConnectError);
		expect((next as ConnectError).reason).toBe('timeout');
		expect((next as ConnectError).message).toMatch(/^frozentimeout: the node stopped answering/);
	}, 15_000);

	it('ends a command on a frozen server within about a second of the abort', async ({expect}) => {
		const {end, afterFreezeMs} = await execOnFrozenSshd('frozenabort', {abortAfterFreeze: true});
		expect(end).toEqual({kind: 'exit', exitCode: null, signal: 'SIGTERM'});
		expect(afterFreezeMs).toBeLessThan(2000);
	});
});

/** A TCP listener on loopback that accepts connections, reads and discards what arrives, and never answers. */
async function silentListener(): Promise<{port: number; closes: Promise<void>[]; stop(): Promise<void>}> {
	const accepted = new Set<Socket>();
	/** One promise per accepted connection, settled when the peer (our client) has dropped it. */
	const closes: Promise<void>[] = [];
	const server: Server = createServer(socket => {
		accepted.add(socket);
		socket.on('error', () => {});
		// Read (and ignore) the client's version line, so the client hanging up is seen as 'close'.
		socket.resume();
		closes.push(new Promise(resolve => socket.once('close', () => resolve())));
		socket.once('close', () => accepted.delete(socket));
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	return {
		port: typeof address === 'object' && address !== null ? address.port : 0,
		closes,
		async stop() {
			for (const socket of accepted) socket.destroy();
			await new Promise<void>(resolve => server.close(() => resolve()));
		},
	};
}

function strictLines(knownHosts: string): string[] {
	return [`UserKnownHostsFile ${knownHosts}`, 'StrictHostKeyChecking yes'];
}
