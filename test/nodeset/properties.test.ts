import {fc, test} from '@fast-check/vitest';
import {describe, expect} from 'vitest';
import {UserError} from '../../source/errors.js';
import {foldNodes, parseNodeSet} from '../../source/nodeset/index.js';
import {askClusterShell, clustershellAvailable} from './oracle.js';

// Property-based tests of the node-set parser and its operators (issue 7): algebraic laws on generated
// expressions everywhere, and ClusterShell's own answer where it is installed. Never an uncaught exception,
// never more than a second per input.

/** A zero-padded or plain index range such as `1-3`, `07`, `2-9/3`. */
const range = fc.tuple(fc.integer({min: 0, max: 40}), fc.integer({min: 0, max: 12}), fc.constantFrom(0, 0, 0, 2, 3), fc.boolean()).map(([start, length, step, padded]) => {
	const width = padded ? 2 : 0;
	const pad = (value: number) => String(value).padStart(width, '0');
	if (length === 0) return pad(start);
	return `${pad(start)}-${pad(start + length)}${step > 0 ? `/${step}` : ''}`;
});

/** One term: a prefix, an optional bracket of ranges, optional second dimension. */
const term = fc.tuple(fc.constantFrom('n', 'node', 'web', 'rack', 'a-b', 'x_'), fc.array(range, {minLength: 1, maxLength: 3}), fc.option(fc.tuple(fc.constantFrom('-c', 'p'), fc.array(range, {minLength: 1, maxLength: 2})), {nil: undefined}))
	.map(([prefix, ranges, second]) => `${prefix}[${ranges.join(',')}]${second === undefined ? '' : `${second[0]}[${second[1].join(',')}]`}`);

const plain = fc.tuple(fc.constantFrom('login', 'db', 'gw'), fc.option(fc.integer({min: 0, max: 99}), {nil: undefined})).map(([name, index]) => `${name}${index ?? ''}`);

/** A node set without operators: terms joined by commas. */
const simple = fc.array(fc.oneof(term, plain), {minLength: 1, maxLength: 4}).map(parts => parts.join(','));

/** An expression with ClusterShell's operators, applied left to right. */
const expression = fc.tuple(simple, fc.array(fc.tuple(fc.constantFrom(',', '!', '&', '^'), simple), {maxLength: 3}))
	.map(([first, rest]) => first + rest.map(([op, operand]) => op + operand).join(''));

const sorted = (names: readonly string[]) => [...names].sort();
const timed = <T>(work: () => T): T => {
	const started = performance.now();
	const result = work();
	expect(performance.now() - started).toBeLessThan(1000);
	return result;
};

describe('node-set laws on generated expressions', () => {
	test.prop([expression])('fold∘expand: folding the expansion gives the same nodes; count is the expansion\'s length', text => {
		const set = timed(() => parseNodeSet(text));
		const nodes = set.expand();
		expect(set.size).toBe(nodes.length);
		expect(new Set(nodes).size).toBe(nodes.length);
		expect(sorted(parseNodeSet(set.fold()).expand())).toEqual(sorted(nodes));
		expect(sorted(parseNodeSet(foldNodes(nodes)).expand())).toEqual(sorted(nodes));
	});

	test.prop([simple, term])('a!a is empty, a&a and a,a are a (operators as methods; as text for one term, since they apply left to right)', (a, single) => {
		const set = parseNodeSet(a);
		const nodes = sorted(set.expand());
		expect(set.difference(set).size).toBe(0);
		expect(sorted(set.intersection(set).expand())).toEqual(nodes);
		expect(sorted(set.union(set).expand())).toEqual(nodes);
		expect(parseNodeSet(`${single}!${single}`).size).toBe(0);
		expect(parseNodeSet(`${single}^${single}`).size).toBe(0);
		expect(sorted(parseNodeSet(`${single},${single}`).expand())).toEqual(sorted(parseNodeSet(single).expand()));
	});

	test.prop([simple, simple, term, term])(', and & commute; ^ is (a!b),(b!a); counts add up', (a, b, x, y) => {
		const left = parseNodeSet(a);
		const right = parseNodeSet(b);
		const union = left.union(right);
		expect(sorted(union.expand())).toEqual(sorted(right.union(left).expand()));
		expect(sorted(left.intersection(right).expand())).toEqual(sorted(right.intersection(left).expand()));
		expect(sorted(left.symmetricDifference(right).expand())).toEqual(sorted(left.difference(right).union(right.difference(left)).expand()));
		expect(union.size).toBe(left.size + right.size - left.intersection(right).size);
		// The same laws written as expressions, for single terms.
		expect(sorted(parseNodeSet(`${x},${y}`).expand())).toEqual(sorted(parseNodeSet(`${y},${x}`).expand()));
		expect(sorted(parseNodeSet(`${x}&${y}`).expand())).toEqual(sorted(parseNodeSet(`${y}&${x}`).expand()));
		expect(sorted(parseNodeSet(`${a},${b}`).expand())).toEqual(sorted(union.expand()));
	});

	test.prop([fc.string({maxLength: 60}), fc.string({unit: fc.constantFrom('n', '[', ']', '-', ',', '!', '&', '^', '1', '0', '/', '@', ' ', '9', '\u001B'), maxLength: 40})])(
		'any text is a node set or one UserError line, never an uncaught exception or a hang',
		(anything, bracketSoup) => {
			for (const text of [anything, bracketSoup]) {
				try {
					timed(() => parseNodeSet(text).size);
				} catch (error) {
					expect(error).toBeInstanceOf(UserError);
					expect((error as Error).message).not.toContain('\n');
				}
			}
		},
	);
});

describe.skipIf(!clustershellAvailable)('node sets against ClusterShell', () => {
	test.prop([fc.array(expression, {minLength: 30, maxLength: 30})], {numRuns: 5})('fold, expand and count agree with ClusterShell\'s NodeSet', async texts => {
		const replies = await askClusterShell(texts.map(expr => ({expr})));
		for (const [index, text] of texts.entries()) {
			const reply = replies[index];
			if (reply === undefined || 'error' in reply) {
				expect(() => parseNodeSet(text), text).toThrow(UserError);
				continue;
			}

			const ours = parseNodeSet(text);
			expect({fold: ours.fold(), expand: ours.expand(), count: ours.size}, text).toEqual(reply);
		}
	}, 60_000);
});
