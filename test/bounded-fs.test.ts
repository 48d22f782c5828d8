import {execFileSync} from 'node:child_process';
import {mkdtempSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {makeDirectories, readBounded, ReadFailureError} from '../source/bounded-fs.js';

async function failure(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(ReadFailureError);
		return (error as ReadFailureError).failure;
	}

	throw new Error('expected a ReadFailureError');
}

describe('makeDirectories: mkdir -p that cannot spin', () => {
	it('makes every missing component and accepts existing ones', () => {
		const base = mkdtempSync(path.join(tmpdir(), 'svctui-mkdir-'));
		makeDirectories(path.join(base, 'a', 'b', 'c'));
		makeDirectories(path.join(base, 'a', 'b', 'c'));
		expect(statSync(path.join(base, 'a', 'b', 'c')).isDirectory()).toBe(true);
	});

	it('fails at once under /proc, where Node\'s recursive mkdir loops forever', () => {
		const started = Date.now();
		expect(() => {
			makeDirectories('/proc/nope/logs');
		}).toThrow(expect.objectContaining({code: 'ENOENT'}));
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('names a component that is a file as ENOTDIR', () => {
		const base = mkdtempSync(path.join(tmpdir(), 'svctui-mkdir-'));
		writeFileSync(path.join(base, 'file'), '');
		expect(() => {
			makeDirectories(path.join(base, 'file', 'logs'));
		}).toThrow(expect.objectContaining({code: 'ENOTDIR'}));
		expect(() => {
			makeDirectories(path.join(base, 'file'));
		}).toThrow(expect.objectContaining({code: 'ENOTDIR'}));
	});
});

describe('readBounded', () => {
	const base = mkdtempSync(path.join(tmpdir(), 'svctui-read-'));

	it('reads a regular file, refuses one over the cap, a directory and a device', async () => {
		writeFileSync(path.join(base, 'small'), 'hello');
		expect((await readBounded(path.join(base, 'small'), {maxBytes: 10})).toString()).toBe('hello');
		expect(await failure(readBounded(path.join(base, 'small'), {maxBytes: 4}))).toEqual({kind: 'too-large', maxBytes: 4, size: 5});
		expect(await failure(readBounded(base, {maxBytes: 4}))).toMatchObject({kind: 'fs', code: 'EISDIR'});
		expect(await failure(readBounded('/dev/zero', {maxBytes: 4}))).toEqual({kind: 'not-regular'});
		expect(await failure(readBounded(path.join(base, 'missing'), {maxBytes: 4}))).toMatchObject({kind: 'fs', code: 'ENOENT'});
	});

	it('a FIFO with no writer fails at its deadline and leaves nothing running', async () => {
		const fifo = path.join(base, 'fifo');
		execFileSync('mkfifo', [fifo]);
		expect(await failure(readBounded(fifo, {maxBytes: 100, fifoTimeoutMs: 200}))).toEqual({kind: 'fifo-timeout', timeoutMs: 200});
	});
});
