import type {EventBody} from '../../source/executor/node-pool.js';
import {ConnectError, type ExecChunk, type ExecOptions, type Session, type Transport} from '../../source/ssh/transport.js';

/** What one exec yields, chunk by chunk; a ConnectError entry is thrown there (the connection dropped). */
export type ScriptedReply = ReadonlyArray<ExecChunk | ConnectError | (() => void)>;

/** The marker a node script (node-script.ts) frames its items with, on both streams, as `m "text"` would print. */
export type Mark = (text: string) => ExecChunk[];

export type ExecRecord = {readonly command: string; readonly timeoutMs: number | undefined};

/**
 * A session whose execs answer exactly what a test scripts, chunk by chunk: for node scripts, `reply` gets a
 * `mark` that writes the script's own markers, so a test can end a script anywhere (mid-item, before any
 * marker, without an exit status). A function in a reply runs when the exec reaches it (to move a clock).
 */
export function scriptedSession(node: string, reply: (command: string, mark: Mark) => ScriptedReply): Session & {readonly execs: ExecRecord[]; readonly closes: number} {
	const execs: ExecRecord[] = [];
	let closes = 0;
	return {
		node,
		connectMs: 5,
		get open() {
			return closes === 0;
		},
		get closes() {
			return closes;
		},
		execs,
		exec(command: string, options: ExecOptions = {}): AsyncIterable<ExecChunk> {
			execs.push({command, timeoutMs: options.timeoutMs});
			const marker = /^m\(\) \{ echo "(::svctui:[\da-f]+:)/.exec(command)?.[1] ?? '::none:';
			const mark: Mark = text => [
				{kind: 'output', stream: 'stdout', lines: [`${marker}${text}`]},
				{kind: 'output', stream: 'stderr', lines: [`${marker}${text}`]},
			];
			const chunks = reply(command, mark);
			return (async function * () {
				for (const chunk of chunks) {
					// eslint-disable-next-line no-await-in-loop
					await Promise.resolve();
					if (chunk instanceof ConnectError) {
						throw chunk;
					}

					if (typeof chunk === 'function') {
						chunk();
						continue;
					}

					yield chunk;
				}
			})();
		},
		close() {
			closes++;
		},
	};
}

/** A transport that hands out one given session per node; a node given as an Error (or anything else) throws that. */
export function transportOf(sessions: Readonly<Record<string, Session | Error | string>>): Transport {
	return {
		async connect(node) {
			await Promise.resolve();
			const session = sessions[node];
			if (session instanceof Error || typeof session === 'string') {
				// eslint-disable-next-line @typescript-eslint/only-throw-error
				throw session;
			}

			if (session === undefined) {
				throw new ConnectError(node, 'dns', `${node}: could not resolve host name`);
			}

			return session;
		},
		async close() {
			// Sessions are the test's.
		},
	};
}

/** A clock the test moves by hand, and a sleep that moves it (and ends early on abort). */
export function manualClock(): {now: number; readonly clock: () => number; readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>; readonly slept: number[]} {
	const state = {
		now: 0,
		slept: [] as number[],
		clock: () => state.now,
		async sleep(ms: number, signal: AbortSignal) {
			state.slept.push(ms);
			if (!signal.aborted) state.now += ms;
		},
	};
	return state;
}

/** Events as the executor emits them, without the clock. */
export function eventLog(): {readonly events: EventBody[]; readonly emit: (event: EventBody) => void} {
	const events: EventBody[] = [];
	return {
		events,
		emit(event) {
			events.push(event);
		},
	};
}
