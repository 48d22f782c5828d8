import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {guardOutput} from '../../source/commands/io.js';

/** A stream whose reader has gone: every write fails with `code`, reported as an 'error' event a tick later. */
function brokenPipe(code: string): {stream: Writable; attempts: () => number} {
	let attempts = 0;
	const stream = new Writable({
		write(_chunk, _encoding, callback) {
			attempts++;
			callback(Object.assign(new Error(`write ${code}`), {code}));
		},
	});
	return {stream, attempts: () => attempts};
}

describe('guardOutput', () => {
	it('writes through while the stream is open', () => {
		let text = '';
		const output = guardOutput({write: chunk => (text += chunk), isTTY: false});
		output.write('a');
		output.write('b');
		expect(text).toBe('ab');
		expect(output.closedBy).toBeUndefined();
		expect(output.isTTY).toBe(false);
	});

	it.each(['EPIPE', 'EIO'])('a reader gone (%s) is told once, later writes are dropped, and nothing is thrown or left unhandled', async code => {
		const {stream, attempts} = brokenPipe(code);
		const closed: string[] = [];
		const output = guardOutput(stream, closedBy => closed.push(closedBy));
		output.write('STEP 1\n');
		await new Promise(resolve => {
			setImmediate(resolve);
		});
		output.write('STEP 2\n');
		output.write('RECAP\n');
		await new Promise(resolve => {
			setImmediate(resolve);
		});
		expect(closed).toEqual([code]);
		expect(output.closedBy).toBe(code);
		expect(attempts()).toBe(1);
	});

	it('a write that throws closes the output too', () => {
		const closed: string[] = [];
		const output = guardOutput(
			{
				write() {
					throw Object.assign(new Error('write EPIPE'), {code: 'EPIPE'});
				},
			},
			closedBy => closed.push(closedBy),
		);
		expect(() => {
			output.write('x');
			output.write('y');
		}).not.toThrow();
		expect(closed).toEqual(['EPIPE']);
	});
});
