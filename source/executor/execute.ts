import {assertNever} from '../errors.js';
import {ConnectError, type Session} from '../ssh/transport.js';
import type {Stream} from './events.js';
import {asConnectError, type NodePool} from './node-pool.js';
import {tailLines} from './node-script.js';

/** How one exec ended. */
export type Execution =
	| {readonly kind: 'exited'; readonly exitCode: number | null; readonly signal: string | null; readonly tail: readonly string[]}
	| {readonly kind: 'timed-out'; readonly afterMs: number}
	| {readonly kind: 'lost'; readonly error: ConnectError}
	| {readonly kind: 'aborted'};

export type ExecuteOptions = {
	readonly pool: NodePool;
	readonly signal: AbortSignal;
	readonly timeoutMs: number | undefined;
	readonly onOutput?: (stream: Stream, lines: readonly string[]) => void;
};

/** Run one command to its end. A dropped connection marks the node unreachable (one event). */
export async function execute(node: string, session: Session, command: string, options: ExecuteOptions): Promise<Execution> {
	const {pool, signal} = options;
	const tail: string[] = [];
	try {
		for await (const chunk of session.exec(command, {signal, timeoutMs: options.timeoutMs})) {
			switch (chunk.kind) {
				case 'output': {
					if (chunk.lines.length > 0) {
						options.onOutput?.(chunk.stream, chunk.lines);
						tail.push(...chunk.lines);
						tail.splice(0, Math.max(0, tail.length - tailLines));
					}

					break;
				}

				case 'exit': {
					// Killed because the user aborted: that task was cancelled, not failed.
					if (signal.aborted && chunk.exitCode === null) {
						return {kind: 'aborted'};
					}

					return {kind: 'exited', exitCode: chunk.exitCode, signal: chunk.signal, tail};
				}

				case 'timed-out': {
					return {kind: 'timed-out', afterMs: chunk.afterMs};
				}

				default: {
					return assertNever(chunk);
				}
			}
		}
	} catch (error: unknown) {
		if (signal.aborted) {
			return {kind: 'aborted'};
		}

		const lost = asConnectError(node, error);
		pool.markLost(node, lost);
		return {kind: 'lost', error: lost};
	}

	// The channel closed without an exit status: treat as a lost connection, the only way that happens.
	if (signal.aborted) {
		return {kind: 'aborted'};
	}

	const lost = new ConnectError(node, 'protocol', 'the command ended without an exit status (connection closed)');
	pool.markLost(node, lost);
	return {kind: 'lost', error: lost};
}
