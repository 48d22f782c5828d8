/**
 * File system access on paths a user names, bounded so that it can never hang or spin (issue 7, item 7).
 *
 * Reading a file (a plan, an ssh_config) without ever hanging or swallowing memory: a size cap
 * for every kind of file, devices refused, and a deadline for FIFOs. A FIFO is read through the event loop
 * (opened non-blocking, then as a pipe), because a plain open() of a FIFO with no writer blocks a libuv
 * thread forever and the process with it (issue 7: `--plan fifo` and `validate fifo` hung).
 */
import {constants, mkdirSync, openSync, statSync} from 'node:fs';
import path from 'node:path';
import {open, stat} from 'node:fs/promises';
import {Socket} from 'node:net';

/** How long a FIFO may take to deliver its whole content. @default 10 s */
export const defaultFifoTimeoutMs = 10_000;

/** Why a file could not be read. `fs` carries the errno code (`ENOENT`, `EACCES`, `EISDIR`…). */
export type ReadFailure =
	| {readonly kind: 'fs'; readonly code: string; readonly message: string}
	| {readonly kind: 'not-regular'}
	| {readonly kind: 'too-large'; readonly maxBytes: number; readonly size: number | undefined}
	| {readonly kind: 'fifo-timeout'; readonly timeoutMs: number};

export class ReadFailureError extends Error {
	readonly failure: ReadFailure;

	constructor(failure: ReadFailure) {
		super(failure.kind);
		this.name = 'ReadFailureError';
		this.failure = failure;
	}
}

export type BoundedReadOptions = {
	readonly maxBytes: number;
	/** @default defaultFifoTimeoutMs */
	readonly fifoTimeoutMs?: number;
};

function fsFailure(error: unknown): ReadFailureError {
	const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
	return new ReadFailureError({kind: 'fs', code, message: error instanceof Error ? error.message : String(error)});
}

/**
 * The bytes of a regular file or a FIFO (`<(generate-plan)`), at most `maxBytes` of them. Directories fail
 * as `fs` `EISDIR`, devices and sockets as `not-regular`, a FIFO that has not finished within the deadline as
 * `fifo-timeout`. Throws only `ReadFailureError`.
 */
export async function readBounded(path: string, options: BoundedReadOptions): Promise<Buffer> {
	let info;
	try {
		info = await stat(path);
	} catch (error) {
		throw fsFailure(error);
	}

	if (info.isDirectory()) {
		throw new ReadFailureError({kind: 'fs', code: 'EISDIR', message: 'is a directory'});
	}

	if (info.isFIFO()) {
		return readFifo(path, options.maxBytes, options.fifoTimeoutMs ?? defaultFifoTimeoutMs);
	}

	// Devices and sockets are never configuration (/dev/zero would never end, a tty would wait for a person).
	if (!info.isFile()) {
		throw new ReadFailureError({kind: 'not-regular'});
	}

	if (info.size > options.maxBytes) {
		throw new ReadFailureError({kind: 'too-large', maxBytes: options.maxBytes, size: info.size});
	}

	let handle;
	try {
		handle = await open(path, 'r');
	} catch (error) {
		throw fsFailure(error);
	}

	try {
		const chunks: Buffer[] = [];
		let total = 0;
		for (;;) {
			const chunk = Buffer.alloc(64 * 1024);
			// eslint-disable-next-line no-await-in-loop
			const {bytesRead} = await handle.read(chunk, 0, chunk.length, null);
			if (bytesRead === 0) {
				return Buffer.concat(chunks, total);
			}

			total += bytesRead;
			// The file may grow after stat: the cap holds on what is read, not on what stat said.
			if (total > options.maxBytes) {
				throw new ReadFailureError({kind: 'too-large', maxBytes: options.maxBytes, size: undefined});
			}

			chunks.push(chunk.subarray(0, bytesRead));
		}
	} catch (error) {
		throw error instanceof ReadFailureError ? error : fsFailure(error);
	} finally {
		await handle.close();
	}
}

async function readFifo(path: string, maxBytes: number, timeoutMs: number): Promise<Buffer> {
	let fd: number;
	try {
		// O_NONBLOCK: opening a FIFO for reading returns at once even with no writer yet.
		fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (error) {
		throw fsFailure(error);
	}

	// The socket owns the descriptor from here on and closes it when destroyed.
	const pipe = new Socket({fd, readable: true, writable: false});
	return new Promise<Buffer>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let total = 0;
		let settled = false;
		const finish = (error: ReadFailureError | undefined) => {
			if (settled) {
				return;
			}

			settled = true;
			clearTimeout(timer);
			pipe.destroy();
			if (error === undefined) {
				resolve(Buffer.concat(chunks, total));
			} else {
				reject(error);
			}
		};

		const timer = setTimeout(() => {
			finish(new ReadFailureError({kind: 'fifo-timeout', timeoutMs}));
		}, timeoutMs);
		pipe.on('data', (chunk: Buffer) => {
			total += chunk.length;
			if (total > maxBytes) {
				finish(new ReadFailureError({kind: 'too-large', maxBytes, size: undefined}));
			} else {
				chunks.push(chunk);
			}
		});
		pipe.on('end', () => {
			finish(undefined);
		});
		pipe.on('error', error => {
			finish(fsFailure(error));
		});
	});
}

/**
 * `mkdir -p` one component at a time. Node's recursive mkdir loops forever where a parent exists but refuses
 * children with ENOENT (`/proc/nope`: 100 % CPU, never returns); here each component is tried once, so the
 * work is bounded by the path's length. Throws the errno error of the first component that fails, with
 * `path` set to that component.
 */
export function makeDirectories(directory: string): void {
	const absolute = path.resolve(directory);
	const parts = absolute.split(path.sep).filter(part => part !== '');
	let current = path.parse(absolute).root;
	for (const part of parts) {
		current = path.join(current, part);
		try {
			mkdirSync(current);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code !== 'EEXIST') {
				throw error;
			}

			if (!statSync(current).isDirectory()) {
				throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${current}'`), {code: 'ENOTDIR', path: current});
			}
		}
	}
}
