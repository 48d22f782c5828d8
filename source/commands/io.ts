import {EventEmitter} from 'node:events';

/**
 * What a command may touch of the outside world. `cli.ts` passes the real process streams; tests pass
 * buffers. Commands return their exit code; only `cli.ts` sets `process.exitCode`.
 */
export type CommandIO = {
	readonly stdout: {write(text: string): unknown; readonly isTTY?: boolean};
	readonly stderr: {write(text: string): unknown; readonly isTTY?: boolean};
	readonly stdin?: NodeJS.ReadableStream & {readonly isTTY?: boolean};
	readonly env: NodeJS.ProcessEnv;
	readonly cwd: string;
};

/** A subcommand: parses its own argv (everything after the command word) and returns an exit code. */
export type Command = (argv: readonly string[], io: CommandIO) => Promise<number>;

/** An output stream that outlives its reader; see `guardOutput`. */
export type GuardedOutput = {
	write(text: string): void;
	readonly isTTY?: boolean;
	/** The error code that closed it (`EPIPE`, `EIO` …), or undefined while it is open. */
	readonly closedBy: string | undefined;
};

/**
 * Writes to `stream` until the first write error, then drops them. Its reader going away (`| head -1`
 * has exited: EPIPE; the terminal hung up: EIO) must not end a run half-way with an unhandled 'error'
 * event: the run goes on, its report goes on in the log, and `onClosed` is told once.
 */
export function guardOutput(stream: CommandIO['stdout'], onClosed: (code: string) => void = () => undefined): GuardedOutput {
	let closedBy: string | undefined;
	const close = (error: unknown): void => {
		if (closedBy === undefined) {
			closedBy = (error as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
			onClosed(closedBy);
		}
	};

	// A stream reports a failed write as an 'error' event a tick later; the listener stays for good, as a
	// late event with no listener would still end the process.
	if (stream instanceof EventEmitter) {
		stream.on('error', close);
	}

	return {
		write(text) {
			if (closedBy !== undefined) {
				return;
			}

			try {
				stream.write(text);
			} catch (error: unknown) {
				close(error);
			}
		},
		get isTTY() {
			return stream.isTTY;
		},
		get closedBy() {
			return closedBy;
		},
	};
}
