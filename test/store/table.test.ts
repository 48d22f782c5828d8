import {describe, expect, it} from 'vitest';
import {createTable} from '../../source/store/table.js';

describe('table', () => {
	const keys = Array.from({length: 1000}, (_, index) => `node${index + 1}`);

	it('keeps its keys in order and finds every value, across chunks', () => {
		const table = createTable(keys, key => key.length);
		expect(table.size).toBe(1000);
		expect(table.keys).toEqual(keys);
		expect(table.get('node1')).toBe(5);
		expect(table.get('node1000')).toBe(8);
		expect(table.get('node1001')).toBeUndefined();
		expect(table.values()).toEqual(keys.map(key => key.length));
	});

	it('set leaves the old table as it was and changes one value in the new one', () => {
		const before = createTable(keys, () => 0);
		const after = before.set('node700', 7).set('node3', 3);
		expect([before.get('node700'), before.get('node3')]).toEqual([0, 0]);
		expect([after.get('node700'), after.get('node3'), after.get('node701')]).toEqual([7, 3, 0]);
		expect(after.values().filter(value => value !== 0)).toEqual([3, 7]);
	});

	it('a key it does not have changes nothing; duplicate keys keep their first place', () => {
		const table = createTable(['a', 'b', 'a'], key => key);
		expect(table.set('z', 'x')).toBe(table);
		expect(table.has('z')).toBe(false);
		expect(table.keys).toEqual(['a', 'b']);
		expect([table.indexOf('a'), table.indexOf('b'), table.indexOf('z')]).toEqual([0, 1, undefined]);
		expect(table.set('b', 'y').indexOf('b')).toBe(1);
	});

	// Sizes at each edge of the 32-way tree: one leaf, two leaves, one full level, one more level, four levels.
	it.each([0, 1, 31, 32, 33, 1024, 1025, 32_768, 40_000])('%i keys: every key reads back what was set, and nothing else changes', size => {
		const many = Array.from({length: size}, (_, index) => `n${index}`);
		const table = createTable(many, key => Number(key.slice(1)));
		expect(table.size).toBe(size);
		expect(table.values()).toEqual(many.map((_, index) => index));
		const probes = [...new Set([0, 1, 30, 31, 32, 33, 1023, 1024, 1025, 32_767, 32_768, size - 1].filter(at => at >= 0 && at < size))];
		let changed = table;
		for (const at of probes) {
			expect(table.get(`n${at}`)).toBe(at);
			changed = changed.set(`n${at}`, -at - 1);
		}

		for (const at of probes) {
			expect(changed.get(`n${at}`)).toBe(-at - 1);
			expect(table.get(`n${at}`)).toBe(at);
		}

		const expected = many.map((_, index) => (probes.includes(index) ? -index - 1 : index));
		expect(changed.values()).toEqual(expected);
		expect(changed.keys).toBe(table.keys);
		expect(changed.has(`n${size}`)).toBe(false);
		expect(changed.get(`n${size}`)).toBeUndefined();
	});
});
