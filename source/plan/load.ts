/**
 * Load plan files: read (with caps against hostile input), decode, validate. Every problem in a file is
 * reported at once through `PlanError.problems`.
 */
import {open, stat} from 'node:fs/promises';
import {PlanError, type PlanProblem} from './errors.js';
import type {Plan} from './types.js';
import {analysePlan, type PlanCheckOptions} from './validate.js';

export {PlanError, formatProblem, type PlanProblem} from './errors.js';
export {isValidServiceName} from './service-names.js';
export type {PlanCheckOptions} from './validate.js';

/** Options for `loadPlanFile` and `parsePlan`. */
export type LoadPlanOptions = PlanCheckOptions & {
	/** The name used in messages and stored as `plan.source`. @default the path as given */
	readonly source?: string;
};

/** Largest plan file read, in bytes. Plans are a few hundred bytes; this bounds memory and time on anything else. */
export const maxPlanBytes = 1024 * 1024;

/**
 * Validate plan text and build the plan. Throws `PlanError` listing every problem, each located at the
 * offending key or value (`file:line:col`).
 */
export function parsePlan(text: string, source: string, options: PlanCheckOptions = {}): Plan {
	const result = analysePlan(text, source, options);
	if ('plan' in result) {
		return result.plan;
	}

	const [first, ...rest] = result.problems;
	throw new PlanError(first === undefined ? [{file: source, message: 'invalid plan'}] : [first, ...rest]);
}

/**
 * Read and validate a plan file. Missing, unreadable, oversized, binary and non-UTF-8 files throw a
 * `PlanError` with one clear line, as do plans with problems.
 */
export async function loadPlanFile(path: string, options: LoadPlanOptions = {}): Promise<Plan> {
	return (await loadPlanText(path, options)).plan;
}

/** `loadPlanFile`, with the text the plan was read from: saving edits that text (rewrite.ts). */
export async function loadPlanText(path: string, options: LoadPlanOptions = {}): Promise<{plan: Plan; text: string}> {
	const source = options.source ?? path;
	const bytes = await readPlanBytes(path, source);
	const text = decodePlan(bytes, source);
	// TextDecoder drops a byte-order mark; the text saving edits (and compares with the disk) keeps it.
	const bom = bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF ? '\uFEFF' : '';
	return {plan: parsePlan(text, source, options), text: bom + text};
}

function fail(problem: PlanProblem): never {
	throw new PlanError([problem]);
}

function describeFsError(error: unknown): string {
	const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
	switch (code) {
		case 'ENOENT': {
			return 'no such file; check the path';
		}

		case 'EACCES':
		case 'EPERM': {
			return 'permission denied; check the file\'s permissions';
		}

		case 'EISDIR': {
			return 'is a directory; pass a plan file such as plans/example.yaml';
		}

		case 'ENOTDIR': {
			return 'a part of the path is not a directory; check the path';
		}

		case 'ELOOP': {
			return 'too many symbolic links; check the path';
		}

		default: {
			return `cannot read plan: ${error instanceof Error ? error.message : String(error)}`;
		}
	}
}

async function readPlanBytes(path: string, source: string): Promise<Uint8Array> {
	let info;
	try {
		info = await stat(path);
	} catch (error) {
		fail({file: source, message: describeFsError(error)});
	}

	if (info.isDirectory()) {
		fail({file: source, message: describeFsError({code: 'EISDIR'})});
	}

	// Devices and sockets are never plans (/dev/zero would never end). FIFOs stay allowed so
	// `svctui validate <(generate-plan)` works; the byte cap below still bounds them.
	if (!info.isFile() && !info.isFIFO()) {
		fail({file: source, message: 'not a regular file; pass a plan file such as plans/example.yaml'});
	}

	if (info.isFile() && info.size > maxPlanBytes) {
		fail({file: source, message: `file is ${info.size} bytes; a plan may be at most ${maxPlanBytes} bytes (1 MiB)`});
	}

	let handle;
	try {
		handle = await open(path, 'r');
	} catch (error) {
		fail({file: source, message: describeFsError(error)});
	}

	try {
		const chunks: Uint8Array[] = [];
		let total = 0;
		for (;;) {
			const chunk = new Uint8Array(64 * 1024);
			const {bytesRead} = await handle.read(chunk, 0, chunk.length, null);
			if (bytesRead === 0) {
				break;
			}

			total += bytesRead;
			if (total > maxPlanBytes) {
				fail({file: source, message: `file is larger than ${maxPlanBytes} bytes (1 MiB); a plan is a short list of steps`});
			}

			chunks.push(chunk.subarray(0, bytesRead));
		}

		return Buffer.concat(chunks, total);
	} catch (error) {
		if (error instanceof PlanError) {
			throw error;
		}

		fail({file: source, message: describeFsError(error)});
	} finally {
		await handle.close();
	}
}

/** Line (1-based) and byte column (1-based) of a byte offset. */
function byteLocation(bytes: Uint8Array, offset: number): {line: number; column: number} {
	let line = 1;
	let lineStart = 0;
	for (let index = 0; index < offset; index++) {
		if (bytes[index] === 0x0A) {
			line++;
			lineStart = index + 1;
		}
	}

	return {line, column: offset - lineStart + 1};
}

/** Byte offset of the first byte that is not well-formed UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
export function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
	let index = 0;
	while (index < bytes.length) {
		const lead = bytes[index] ?? 0;
		if (lead < 0x80) {
			index++;
			continue;
		}

		let need: number;
		let minimum: number;
		let codePoint: number;
		if (lead >= 0xC2 && lead <= 0xDF) {
			[need, minimum, codePoint] = [1, 0x80, lead & 0x1F];
		} else if (lead >= 0xE0 && lead <= 0xEF) {
			[need, minimum, codePoint] = [2, 0x800, lead & 0x0F];
		} else if (lead >= 0xF0 && lead <= 0xF4) {
			[need, minimum, codePoint] = [3, 0x1_00_00, lead & 0x07];
		} else {
			return index;
		}

		for (let next = 1; next <= need; next++) {
			const byte = bytes[index + next];
			if (byte === undefined || (byte & 0xC0) !== 0x80) {
				return index;
			}

			codePoint = (codePoint << 6) | (byte & 0x3F);
		}

		if (codePoint < minimum || (codePoint >= 0xD8_00 && codePoint <= 0xDF_FF) || codePoint > 0x10_FF_FF) {
			return index;
		}

		index += need + 1;
	}

	return undefined;
}

function decodePlan(bytes: Uint8Array, source: string): string {
	// A NUL byte means a binary file; say so before UTF-8 (binary is usually invalid UTF-8 too, which
	// would be a less helpful message).
	if ((bytes[0] === 0xFF && bytes[1] === 0xFE) || (bytes[0] === 0xFE && bytes[1] === 0xFF)) {
		fail({file: source, line: 1, column: 1, message: 'file is UTF-16 (byte-order mark); save the plan as UTF-8'});
	}

	const nul = bytes.indexOf(0);
	if (nul !== -1) {
		fail({file: source, ...byteLocation(bytes, nul), message: `binary data (NUL byte at byte offset ${nul}); a plan is a YAML text file`});
	}

	try {
		return new TextDecoder('utf-8', {fatal: true}).decode(bytes);
	} catch {
		const offset = firstInvalidUtf8(bytes);
		if (offset === undefined) {
			fail({file: source, message: 'file is not valid UTF-8; save the plan as UTF-8'});
		}

		const hex = (bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, '0');
		fail({file: source, ...byteLocation(bytes, offset), message: `not valid UTF-8 (byte 0x${hex} at byte offset ${offset}); save the plan as UTF-8 (column counted in bytes)`});
	}
}
