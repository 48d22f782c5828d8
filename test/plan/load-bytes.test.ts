import {mkdtemp, rm, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {firstInvalidUtf8, loadPlanFile, loadPlanText, parsePlan, PlanError} from '../../source/plan/load.js';

// Bytes before text (load.ts): UTF-8 checked to RFC 3629, byte-order marks, NUL bytes and their byte
// positions, and the file system's errors as one line each.

describe('firstInvalidUtf8', () => {
	it.each([
		[[], undefined],
		[[0x41, 0x7F], undefined],
		[[0x80], 0],
		[[0x41, 0xBF], 1],
		[[0xC1, 0xBF], 0],
		[[0xC2, 0x80], undefined],
		[[0xDF, 0xBF], undefined],
		[[0xC2], 0],
		[[0xC2, 0x41], 0],
		[[0xC2, 0xC0], 0],
		[[0xE0, 0x9F, 0xBF], 0],
		[[0xE0, 0xA0, 0x80], undefined],
		[[0xE1, 0x80], 0],
		[[0xED, 0x9F, 0xBF], undefined],
		[[0xED, 0xA0, 0x80], 0],
		[[0xED, 0xBF, 0xBF], 0],
		[[0xEE, 0x80, 0x80], undefined],
		[[0xEF, 0xBF, 0xBF], undefined],
		[[0xF0, 0x8F, 0xBF, 0xBF], 0],
		[[0xF0, 0x90, 0x80, 0x80], undefined],
		[[0xF4, 0x8F, 0xBF, 0xBF], undefined],
		[[0xF4, 0x90, 0x80, 0x80], 0],
		[[0xF5, 0x80, 0x80, 0x80], 0],
		[[0xFF], 0],
		[[0xF0, 0x90, 0x80], 0],
		[[0xC3, 0xA9, 0x41, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0x41, 0xE9], 11],
		[[0xC3, 0xA9, 0xC3], 2],
		// Bytes that are no lead byte at all, though they would pass as one with the right continuations.
		[[0xC1, 0x80, 0x80], 0],
		[[0x81, 0x80, 0x80, 0x80], 0],
		[[0xFC, 0x80, 0x80, 0x80], 0],
	])('%j → %j', (bytes, offset) => {
		expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(offset);
	});
});

describe('plan files as bytes', () => {
	let directory: string;
	beforeAll(async () => {
		directory = await mkdtemp(join(tmpdir(), 'svctui-plan-bytes-'));
	});
	afterAll(async () => {
		await rm(directory, {recursive: true, force: true});
	});

	async function write(name: string, bytes: readonly number[] | string): Promise<string> {
		const path = join(directory, name);
		await writeFile(path, typeof bytes === 'string' ? bytes : Uint8Array.from(bytes));
		return path;
	}

	async function failure(path: string): Promise<PlanError> {
		const error = await loadPlanFile(path, {source: 'p.yaml'}).catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(PlanError);
		return error as PlanError;
	}

	const step = '- cron:\n    state: start\n    nodes: n1\n';

	it('keeps a UTF-8 byte-order mark in the text it hands to saving, not in the plan', async () => {
		const path = await write('bom.yaml', `\uFEFF${step}`);
		const {plan, text} = await loadPlanText(path);
		expect(text).toBe(`\uFEFF${step}`);
		expect(plan.source).toBe(path);
		expect(plan.steps[0]!.location).toEqual({line: 1, column: 3});
		expect((await loadPlanText(await write('plain.yaml', step))).text).toBe(step);
	});

	it('takes only the three bytes EF BB BF for a byte-order mark', async () => {
		const path = await write('almost-bom.yaml', [0xEF, 0xBB, 0x41]);
		expect((await failure(path)).message).toBe('p.yaml:1:1: not valid UTF-8 (byte 0xEF at byte offset 0); save the plan as UTF-8 (column counted in bytes)');
	});

	it.each([
		[[0xFF, 0xFE, 0x2D, 0x00], 'p.yaml:1:1: file is UTF-16 (byte-order mark); save the plan as UTF-8'],
		[[0xFE, 0xFF, 0x00, 0x2D], 'p.yaml:1:1: file is UTF-16 (byte-order mark); save the plan as UTF-8'],
		[[0xFF, 0xFF, 0x41], 'p.yaml:1:1: not valid UTF-8 (byte 0xFF at byte offset 0); save the plan as UTF-8 (column counted in bytes)'],
		[[0xFE, 0xFE, 0x41], 'p.yaml:1:1: not valid UTF-8 (byte 0xFE at byte offset 0); save the plan as UTF-8 (column counted in bytes)'],
		[[0x2D, 0x0A, 0x41, 0x42, 0x00], 'p.yaml:2:3: binary data (NUL byte at byte offset 4); a plan is a YAML text file'],
		[[0x0A, 0x0A, 0xC3, 0xA9, 0x80], 'p.yaml:3:3: not valid UTF-8 (byte 0x80 at byte offset 4); save the plan as UTF-8 (column counted in bytes)'],
		[[0x41, 0xC3, 0x0A, 0x42, 0x00], 'p.yaml:2:2: binary data (NUL byte at byte offset 4); a plan is a YAML text file'],
	])('%j: %s', async (bytes, message) => {
		const error = await failure(await write('bytes.yaml', bytes));
		expect(error.message).toBe(message);
		expect(error.exitCode).toBe(2);
	});

	it('keeps no byte-order mark that was not there, whatever the third byte', async () => {
		const text = '#\u00BF\n- cron:\n    state: start\n    nodes: n1\n';
		expect([...new TextEncoder().encode(text).slice(0, 3)]).toEqual([0x23, 0xC2, 0xBF]);
		expect((await loadPlanText(await write('inverted-question.yaml', text))).text).toBe(text);
	});

	it('another file-system error: its own message', async () => {
		const path = join(directory, 'x'.repeat(300));
		// The system call named (stat, open) is the file system's business; the rest is the message as given.
		const {message} = await failure(path);
		expect(message).toMatch(/^p\.yaml: cannot read plan: ENAMETOOLONG: name too long, [a-z]+ '/);
		expect(message.endsWith(` '${path}'`)).toBe(true);
	});

	it('a loop of symbolic links', async () => {
		await symlink(join(directory, 'loop-b'), join(directory, 'loop-a'));
		await symlink(join(directory, 'loop-a'), join(directory, 'loop-b'));
		expect((await failure(join(directory, 'loop-a'))).message).toBe('p.yaml: too many symbolic links; check the path');
	});

	it('names the file as the caller does, or by its path', async () => {
		const missing = join(directory, 'missing.yaml');
		const error = await loadPlanFile(missing).catch((thrown: unknown) => thrown as PlanError);
		expect(error.message).toBe(`${missing}: no such file; check the path`);
		expect([error.file, error.line, error.column]).toEqual([missing, undefined, undefined]);
	});

	it('parsePlan throws every problem, the first as the message', () => {
		const error = (() => {
			try {
				parsePlan('- a: {state: x, nodes: n1}\n- b: {state: y, nodes: n1}\n', 'q.yaml');
			} catch (thrown) {
				return thrown as PlanError;
			}

			throw new Error('parsed');
		})();
		expect(error.lines()).toEqual([
			'q.yaml:1:14: step 1 (a): unknown state "x"; use one of start, stop, restart, reload, status',
			'q.yaml:2:14: step 2 (b): unknown state "y"; use one of start, stop, restart, reload, status',
		]);
		expect(error.message).toBe(error.lines()[0]);
	});
});
