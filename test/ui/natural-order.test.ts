import {describe, expect, it} from 'vitest';
import {compareNatural} from '../../source/ui/natural-order.js';

describe('compareNatural', () => {
	it.each([
		['node2', 'node10'],
		['node9', 'node10'],
		['n01', 'n2'],
		['web9-2', 'web10-1'],
		['web1-2', 'web1-10'],
		['node', 'node1'],
		['a10', 'b2'],
		['node1', 'node1a'],
		['99999999999999999999', '100000000000000000000'],
		// Same value, other padding: still a strict order, so sorting is deterministic.
		['n01', 'n1'],
	])('%s before %s', (first, second) => {
		expect(compareNatural(first, second)).toBeLessThan(0);
		expect(compareNatural(second, first)).toBeGreaterThan(0);
	});

	it('sorts a list the way people count, and calls equal names equal', () => {
		expect(['node10', 'node2', 'node1', 'db3', 'node100', 'node20'].sort(compareNatural)).toEqual(['db3', 'node1', 'node2', 'node10', 'node20', 'node100']);
		expect(compareNatural('node7', 'node7')).toBe(0);
	});
});
