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
		[{connections: 10_000, until}, 'connections: the run reuses these 10000 until 17:32:10 and opens none'],
		[{connections: 1, until}, 'connections: the run reuses this one until 17:32:10 and opens none'],
		[{connections: 3, until, closed: 'expired' as const}, 'connections: closed at 17:32:10 (--reuse-window); the run connects again'],
		[{connections: 2, until, closed: 'closed' as const}, 'connections: closed; the run connects again'],
	])('%j', (reuse, line) => {
		expect(reuseLine(reuse)).toBe(line);
		// It fits the review's text column at 80×24 (76 columns inside the border).
		expect(line.length).toBeLessThanOrEqual(76);
	});
});
