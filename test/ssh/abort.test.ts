import {getEventListeners} from 'node:events';
import {describe, expect, it} from 'vitest';
import {abortable, watchAbort} from '../../source/ssh/abort.js';
import {ConnectError} from '../../source/ssh/transport.js';

const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

describe('watchAbort', () => {
	it('calls every waiter once when the signal aborts, through one listener however many wait', () => {
		const controller = new AbortController();
		const calls: string[] = [];
		for (let i = 0; i < 50; i++) watchAbort(controller.signal, () => calls.push(`w${i}`));
		expect(listeners(controller.signal)).toBe(1);
		controller.abort();
		expect(calls).toHaveLength(50);
		expect(calls[0]).toBe('w0');
		expect(listeners(controller.signal)).toBe(0);
	});

	it('an unwatched waiter is not called, and the listener goes with the last one', () => {
		const controller = new AbortController();
		const calls: string[] = [];
		const unwatchA = watchAbort(controller.signal, () => calls.push('a'));
		const unwatchB = watchAbort(controller.signal, () => calls.push('b'));
		unwatchA();
		expect(listeners(controller.signal)).toBe(1);
		unwatchA();
		expect(listeners(controller.signal)).toBe(1);
		unwatchB();
		expect(listeners(controller.signal)).toBe(0);
		// A new waiter after everyone left gets a listener again.
		watchAbort(controller.signal, () => calls.push('c'));
		expect(listeners(controller.signal)).toBe(1);
		controller.abort();
		expect(calls).toEqual(['c']);
	});

	it('the same callback registered twice is two registrations', () => {
		const controller = new AbortController();
		let count = 0;
		const callback = (): void => {
			count++;
		};

		const first = watchAbort(controller.signal, callback);
		watchAbort(controller.signal, callback);
		first();
		controller.abort();
		expect(count).toBe(1);
	});

	it('a waiter that unwatches another while the abort fires does not stop it', () => {
		const controller = new AbortController();
		const calls: string[] = [];
		let unwatchB = (): void => {};
		watchAbort(controller.signal, () => {
			calls.push('a');
			unwatchB();
		});
		unwatchB = watchAbort(controller.signal, () => calls.push('b'));
		controller.abort();
		expect(calls).toEqual(['a', 'b']);
	});

	it.each([
		['no signal', undefined],
		['a signal already aborted (callers check aborted first)', AbortSignal.abort()],
	])('never calls back for %s', (_name, signal) => {
		let called = false;
		const unwatch = watchAbort(signal, () => {
			called = true;
		});
		unwatch();
		expect(called).toBe(false);
		if (signal !== undefined) expect(listeners(signal)).toBe(0);
	});
});

describe('abortable', () => {
	it('passes the value through and leaves no listener', async () => {
		const controller = new AbortController();
		await expect(abortable(Promise.resolve(7), controller.signal, 'node4')).resolves.toBe(7);
		expect(listeners(controller.signal)).toBe(0);
	});

	it('passes the error through and leaves no listener', async () => {
		const controller = new AbortController();
		const error = new Error('refused');
		await expect(abortable(Promise.reject(error), controller.signal, 'node4')).rejects.toBe(error);
		expect(listeners(controller.signal)).toBe(0);
	});

	it('without a signal, is the promise itself', async () => {
		const promise = Promise.resolve('x');
		expect(abortable(promise, undefined, 'node4')).toBeInstanceOf(Promise);
		await expect(abortable(promise, undefined, 'node4')).resolves.toBe('x');
	});

	it.each([
		['aborted before', true],
		['aborted while waiting', false],
	])('rejects with a timeout ConnectError when %s', async (_name, before) => {
		const controller = new AbortController();
		if (before) controller.abort();
		const waiting = abortable(new Promise<never>(() => {}), controller.signal, 'node4');
		controller.abort();
		const error = await waiting.catch((error: unknown) => error);
		expect(error).toBeInstanceOf(ConnectError);
		expect(error).toMatchObject({node: 'node4', reason: 'timeout', message: 'node4: connecting was cancelled'});
		expect(listeners(controller.signal)).toBe(0);
	});
});
