import {describe, expect, it} from 'vitest';
import {createProgressLine} from '../../source/report/progress.js';
import {eventBuilder, step} from '../helpers/events.js';

const nodes = ['n1', 'n2', 'n3', 'n4'];

function events() {
	const ev = eventBuilder(0);
	return [
		ev.runStarted([step(1, 'restart', ['cron'], nodes), step(2, 'status', ['ssh'], nodes)]),
		ev.stepStarted(1, nodes),
		ev.started('n1', 1, 'cron'),
		ev.exited('n1', 1, 'cron', 0),
		ev.started('n2', 1, 'cron'),
		ev.exited('n2', 1, 'cron', 1, {reason: 'boom'}),
		ev.stepFinished(1, {ok: 1, failed: 1}),
		ev.runFinished('failed', {ok: 1, failed: 1}),
	];
}

describe('progress line', () => {
	it('rewrites one line in a terminal and erases it when a step finishes', () => {
		let out = '';
		let now = 0;
		const progress = createProgressLine({isTTY: true, write: text => (out += text), clock: () => (now += 1000), minIntervalMs: 0});
		for (const event of events()) {
			progress.onEvent(event);
		}

		const frames = out.split('\r\u001B[2K').filter(Boolean);
		expect(frames).toEqual([
			'connecting…',
			// The clock advances 1 s per draw; the step started at t=10 ms. ETA = elapsed / done × remaining.
			'step 1/2 restart cron: 0/4 done, 2s',
			'step 1/2 restart cron: 0/4 done, 1 running, 3s',
			'step 1/2 restart cron: 1/4 done, 4s, ETA 12s',
			'step 1/2 restart cron: 1/4 done, 1 running, 5s, ETA 15s',
			'step 1/2 restart cron: 2/4 done, 1 failed, 6s, ETA 6s',
		]);
		expect(out.endsWith('\r\u001B[2K')).toBe(true);
	});

	it('throttles redraws', () => {
		let writes = 0;
		const progress = createProgressLine({isTTY: true, write: () => writes++, clock: () => 5, minIntervalMs: 100});
		for (const event of events().slice(0, 6)) {
			progress.onEvent(event);
		}

		expect(writes).toBe(1);
	});

	it('writes nothing at all to a pipe', () => {
		let out = '';
		const progress = createProgressLine({isTTY: false, write: text => (out += text)});
		for (const event of events()) {
			progress.onEvent(event);
		}

		progress.clear();
		expect(out).toBe('');
	});
});
