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
