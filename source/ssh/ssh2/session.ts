import type {ClientChannel} from 'ssh2';
import {watchAbort} from '../abort.js';
import {ChunkQueue, LineSplitter} from '../output.js';
import {killGraceSeconds, wrapRemoteCommand} from '../remote-command.js';
import {ConnectError, type ConnectFailure, type ExecChunk, type ExecOptions, type Session} from '../transport.js';
import {destroyClient, endClient, trySignal, type Ssh2Client, type Ssh2Error} from './client.js';
import type {Ssh2TransportOptions} from './options.js';

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

/** What opening an exec channel came to: the channel, or svctui stopped waiting for it. */
type OpenedChannel =
	| {readonly kind: 'open'; readonly stream: ClientChannel; readonly startedAt: number}
	| {readonly kind: 'stopped'; readonly why: 'timeout' | 'abort'; readonly afterMs?: number};

/** One connection's session: exec channels up to `maxChannels` at once, each command stopped on its timeout or the abort. */
export function makeSession(node: string, client: Ssh2Client, connectMs: number, release: () => void, options: Pick<Ssh2TransportOptions, 'maxChannels' | 'killGraceMs' | 'logger'>, sessions: Set<Session>): Session {
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
