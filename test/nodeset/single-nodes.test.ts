import {describe, expect, it} from 'vitest';
import {NodeSetBase, singleNodes} from '../../source/nodeset/index.js';
import {indexesOf, scanSingle, strip} from '../../source/nodeset/scanner.js';
import {mulberry32 as prng} from '../helpers/prng.js';

/** singleNodes without its fast path: every name through the scanner, as ClusterShell's `_fromlist1`. */
function scanned(names: readonly string[]): NodeSetBase {
	const set = new NodeSetBase();
	for (const name of names) {
		const single = scanSingle(strip(name).replaceAll('%', '%%'), {maxNodes: 1_000_000, input: name});
		set.add(single.pattern, indexesOf(single.sets));
	}

	return set;
}

const prefixes = ['node', 'cn', 'n', '', 'rack1-n', 'a,b', 'x%y', ' node', 'nœud', 'web-', 'gpu_', '@x', 'n.'];
const numbers = ['1', '2', '07', '007', '0', '00', '10', '99', '100', '123456789012345', '1234567890123456', '98765432109876543210', '٣', '5 '];

describe('singleNodes', () => {
	it.each([1, 2, 3, 4, 5, 6, 7, 8])('takes simple names apart as the scanner does (seed %i)', seed => {
		const random = prng(seed);
		const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
		const names = Array.from({length: 300}, () => {
			const roll = random();
			if (roll < 0.05) return pick(prefixes).trim() || 'login';
			// Mostly one prefix and numbers in order, as a cluster's node list is.
			return roll < 0.7 ? `node${Math.floor(random() * 40)}` : `${pick(prefixes)}${pick(numbers)}`;
		});
		const fast = singleNodes(names);
		const slow = scanned(names);
		expect(fast.fold(undefined)).toBe(slow.fold(undefined));
		expect(fast.expand()).toEqual(slow.expand());
		expect(fast.size).toBe(slow.size);
	});

	it('keeps padding apart from plain numbers and a zero alone unpadded', () => {
		expect(singleNodes(['n01', 'n1', 'n0', 'n00', 'n2', 'n02']).fold(undefined)).toBe(scanned(['n01', 'n1', 'n0', 'n00', 'n2', 'n02']).fold(undefined));
		expect(singleNodes(['n0', 'n1']).fold(undefined)).toBe('n[0-1]');
		expect(singleNodes(['n007', 'n008', 'n9']).fold(undefined)).toBe('n[9,007-008]');
	});

	it('adds to what a pattern already has, in either order', () => {
		const set = singleNodes(['node3', 'node1']);
		set.update(singleNodes(['node2', 'web1']));
		expect(set.fold(undefined)).toBe('node[1-3],web1');
		const other = new NodeSetBase();
		other.update(scanned(['node5']));
		other.addIndex('node%s', 4, 0);
		expect(other.fold(undefined)).toBe('node[4-5]');
	});
});
