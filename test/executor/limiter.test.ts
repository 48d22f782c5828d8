import {describe, expect, it} from 'vitest';
import {createLimiter} from '../../source/executor/limiter.js';

// The fanout window (issue 9 item 6): a counting semaphore as ClusterShell's fanout.

/** A task the test ends by hand. */
function gate<T = void>(): {readonly promise: Promise<T>; readonly open: (value: T) => void; readonly fail: (error: Error) => void} {
	let open!: (value: T) => void;
	let fail!: (error: Error) => void;
	const promise = new Promise<T>((resolve, reject) => {
		open = resolve;
		fail = reject;
	});
	return {promise, open, fail};
}

const settle = async () => new Promise(resolve => {
	setImmediate(resolve);
});

describe('createLimiter', () => {
	it.each([0, -1, 1.5, Number.NaN])('refuses a fanout of %s, saying what it got', limit => {
		expect(() => createLimiter(limit)).toThrow(new RangeError(`fanout must be a positive integer, got ${limit}`));
	});

	it('runs at most `limit` tasks at once; the rest start in the order they came, each as a slot frees', async () => {
		const limiter = createLimiter(2);
		const gates = [gate(), gate(), gate(), gate()];
		const started: number[] = [];
		const runs = gates.map(async (each, index) => limiter.run(async () => {
			started.push(index);
			await each.promise;
			return index * 10;
		}));
		await settle();
		expect(started).toEqual([0, 1]);
		expect([limiter.active, limiter.pending]).toEqual([2, 2]);

		gates[1]!.open();
		await settle();
		expect(started).toEqual([0, 1, 2]);
		expect([limiter.active, limiter.pending]).toEqual([2, 1]);

		gates[0]!.open();
		gates[2]!.open();
		gates[3]!.open();
		expect(await Promise.all(runs)).toEqual([0, 10, 20, 30]);
		expect(started).toEqual([0, 1, 2, 3]);
		expect([limiter.active, limiter.pending]).toEqual([0, 0]);
	});

	it('gives the slot back when a task rejects, and passes the rejection on', async () => {
		const limiter = createLimiter(1);
		const failing = gate();
		const first = limiter.run(async () => failing.promise);
		const second = limiter.run(async () => 'second');
		await settle();
		expect([limiter.active, limiter.pending]).toEqual([1, 1]);
		failing.fail(new Error('boom'));
		await expect(first).rejects.toThrow('boom');
		expect(await second).toBe('second');
		expect(limiter.active).toBe(0);
	});
});
