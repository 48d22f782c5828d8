/**
 * The seam between the executor and SSH. The executor and everything above it depend on this file only;
 * `ssh2/` is the one folder that imports ssh2. Tests substitute a fake.
 */

// The event vocabulary (output streams, why a node is unreachable) is the executor's: store/ and
// report/ read it from executor/events.ts without knowing SSH.
import type {ConnectFailure, Stream} from '../executor/events.js';

export {connectFailures, type ConnectFailure, type Stream} from '../executor/events.js';

/** A node could not be reached. `message` is one line, says what happened and, where it helps, what to do. */
export class ConnectError extends Error {
	constructor(
		readonly node: string,
		readonly reason: ConnectFailure,
		message: string,
	) {
		super(message);
		this.name = 'ConnectError';
	}
}

/** What an exec yields: whole lines of output (split here, a partial line carried to the next chunk), then one end. */
export type ExecChunk =
	| {readonly kind: 'output'; readonly stream: Stream; readonly lines: readonly string[]}
	| {readonly kind: 'exit'; readonly exitCode: number | null; readonly signal: string | null}
	/** The command ran past `timeoutMs` and was killed on the node. */
	| {readonly kind: 'timed-out'; readonly afterMs: number};

export type ExecOptions = {
	/** Aborting stops the command on the node and ends the iteration with an `exit` chunk (signal set). */
	readonly signal?: AbortSignal;
	/** Kill the command on the node after this long. */
	readonly timeoutMs?: number;
};

/** One open connection to one node. Every step of a run reuses it (several exec channels). */
export type Session = {
	readonly node: string;
	/** Time from starting to connect until authenticated, in ms. */
	readonly connectMs: number;
	/**
	 * False once the connection is gone: closed here, lost, or found dead by the keepalive. A connection kept
	 * idle for a later run is checked here before it is used again.
	 */
	readonly open: boolean;
	/**
	 * Run `command` (already built from validated parts) through the login shell.
	 * Connection loss mid-command throws `ConnectError`.
	 */
	exec(command: string, options?: ExecOptions): AsyncIterable<ExecChunk>;
	close(): void;
};

export type Transport = {
	/** Resolve the node through the SSH configuration, connect, verify the host key, authenticate. Throws `ConnectError`. */
	connect(node: string, options?: {readonly signal?: AbortSignal}): Promise<Session>;
	/** Close every session this transport opened. */
	close(): Promise<void>;
};
