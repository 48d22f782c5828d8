import {describe, expect, it} from 'vitest';
import {clockTime, reuseLine} from '../../source/report/reuse.js';

describe('the review line about the connections held for the run', () => {
	// Local time, as the admin's clock shows it: built from the same Date, so the test holds in any zone.
	const until = new Date(2026, 11, 1, 17, 32, 10).getTime();

	it('writes the time as HH:MM:SS, local', () => {
		expect(clockTime(until)).toBe('17:32:10');
		expect(clockTime(new Date(2026, 0, 2, 3, 4, 5).getTime())).toBe('03:04:05');
	});

	it.each([
		[{connections: 1000, until}, 'connections: the run reuses these 1000 open connections until 17:32:10; it opens none'],
		[{connections: 1, until}, 'connections: the run reuses this 1 open connection until 17:32:10; it opens none'],
		[{connections: 3, until, closed: 'expired' as const}, 'connections: these 3 connections closed at 17:32:10 (--reuse-window); the run connects again'],
		[{connections: 1, until, closed: 'expired' as const}, 'connections: this 1 connection closed at 17:32:10 (--reuse-window); the run connects again'],
		[{connections: 2, until, closed: 'closed' as const}, 'connections: these 2 connections closed; the run connects again'],
	])('%j', (reuse, line) => {
		expect(reuseLine(reuse)).toBe(line);
	});
});
