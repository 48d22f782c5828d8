/**
 * Errors a user can act on. The CLI prints `error.message` as one line on stderr, with no stack trace,
 * and exits with `exitCode`. Anything that is not a `UserError` is a bug and gets a stack trace.
 *
 * Messages follow one shape: `where: what went wrong; what to do` — where is `file:line:col`,
 * a node-set fragment, a flag, or a node name.
 */
export class UserError extends Error {
	/** Process exit code when this error ends the program. @default 2 (usage or input error: nothing ran) */
	readonly exitCode: number;

	constructor(message: string, options: {exitCode?: number; cause?: unknown} = {}) {
		super(message, {cause: options.cause});
		this.name = new.target.name;
		this.exitCode = options.exitCode ?? 2;
	}
}

/** Exhaustiveness check for `switch` over a discriminated union: adding a member without handling it fails to compile. */
export function assertNever(value: never): never {
	throw new Error(`unhandled variant: ${JSON.stringify(value)}`);
}
