import {describe, expect, it} from 'vitest';
import {asciiDigits, isNonAscii, pyLength} from '../../source/nodeset/digits.js';
import {
	contiguousNodes,
	formatIndex,
	NodeSet,
	NodeSetParseError,
	parseNodeSet,
	parseNodeSetBase,
	pickSlices,
	RangeSet,
	RangeSetND,
	RangeSetParseError,
	singleNodes,
	sliceNodes,
	splitNodes,
} from '../../source/nodeset/index.js';

/** The RangeSetND of `rack[..]-node[..]` style patterns: one vector of two axes. */
const nd = (a: string, b: string): RangeSetND => new RangeSetND([[RangeSet.parse(a), RangeSet.parse(b)]]);

describe('RangeSet as a value', () => {
	it('builds from element strings, keeping each one\'s padding, signs and blanks as int() reads them', () => {
		expect(RangeSet.fromStrings(['01', '7', '-3', ' 5 ', '+9', '0', '00']).toStrings()).toEqual(['-3', '0', '5', '7', '9', '00', '01']);
		expect(RangeSet.fromStrings(['1', '3', '5'], 2).toString()).toBe('1-5/2');
		expect(RangeSet.fromStrings(['1', '3', '5']).toString()).toBe('1,3,5');
		expect(() => RangeSet.fromStrings(['x'])).toThrow('cannot convert string to integer');
	});

	it('makes a one-element set of a canonical element, small or huge', () => {
		expect(RangeSet.ofElement('007').toStrings()).toEqual(['007']);
		expect(RangeSet.ofElement('-12').toStrings()).toEqual(['-12']);
		expect(RangeSet.ofElement('12345678901234567890').toStrings()).toEqual(['12345678901234567890']);
		expect(RangeSet.ofElement('12345678901234567890').size).toBe(1);
		expect(RangeSet.ofElement('-1234567890123456789').toStrings()).toEqual(['-1234567890123456789']);
	});

	it('answers first, last, membership, subset, overlap and equality', () => {
		const set = RangeSet.parse('-2,3-5,01,12345678901234567');
		expect(set.first()).toBe('-2');
		expect(set.last()).toBe('12345678901234567');
		expect(RangeSet.empty.first()).toBeUndefined();
		expect(RangeSet.empty.last()).toBeUndefined();
		expect(RangeSet.empty.size).toBe(0);
		expect(['-2', '3', '4', '5', '01', '12345678901234567'].map(element => set.has(element))).toEqual([true, true, true, true, true, true]);
		expect(['-1', '2', '6', '1', '001', '05', 'x', '', '4.0', '12345678901234568'].map(element => set.has(element))).toEqual(Array.from({length: 10}, () => false));
		expect(RangeSet.parse('3-4').isSubsetOf(set)).toBe(true);
		expect(RangeSet.parse('3-6').isSubsetOf(set)).toBe(false);
		expect(set.isSubsetOf(RangeSet.parse('3-4'))).toBe(false);
		expect(RangeSet.parse('5-9').intersects(set)).toBe(true);
		expect(RangeSet.parse('6-9').intersects(set)).toBe(false);
		expect(RangeSet.parse('1-3').equals(RangeSet.parse('1,2,3'))).toBe(true);
		expect(RangeSet.parse('1-3').equals(RangeSet.parse('1-4'))).toBe(false);
		expect(RangeSet.parse('1,3').equals(RangeSet.parse('1,4'))).toBe(false);
		expect(RangeSet.parse('1,3').equals(RangeSet.parse('01,3'))).toBe(false);
		expect(RangeSet.parse('1-2,4').equals(RangeSet.parse('1,3-4'))).toBe(false);
		expect(RangeSet.parse('1,3').equals(RangeSet.parse('1-2'))).toBe(false);
	});

	it('iterates the same elements as it lists them, huge indexes included', () => {
		const set = RangeSet.parse('-3--1,8-11,010,99999999999999998-100000000000000001');
		expect([...set.strings()]).toEqual(set.toStrings());
		expect(set.toStrings()).toEqual(['-3', '-2', '-1', '8', '9', '10', '11', '010', '99999999999999998', '99999999999999999', '100000000000000000', '100000000000000001']);
		expect(set.size).toBe(12);
	});

	it('keeps its autostep through operations, and withAutostep changes only that', () => {
		const set = RangeSet.parse('1,3,5,7', {autostep: 3});
		expect(set.toString()).toBe('1-7/2');
		expect(set.union(RangeSet.parse('9')).toString()).toBe('1-9/2');
		expect(set.withAutostep(3)).toBe(set);
		expect(set.withAutostep(undefined).toString()).toBe('1,3,5,7');
		expect(set.toString(undefined)).toBe('1-7/2');
		expect(set.withAutostep(5).toString()).toBe('1,3,5,7');
		expect(set.slices(2).map(slice => [slice.start, slice.last, slice.step])).toEqual([[1, 7, 2]]);
	});

	it('slices by position across buckets and intervals', () => {
		const set = RangeSet.parse('1-3,7-9,01-02');
		expect(set.slice(0, 2).toString()).toBe('1-2');
		expect(set.slice(2, 5).toString()).toBe('3,7-8');
		expect(set.slice(5, 100).toString()).toBe('9,01-02');
		expect(set.slice(7, 8).toString()).toBe('02');
		expect(set.slice(3, 3).size).toBe(0);
		expect(RangeSet.parse('1,3,5', {autostep: 2}).slice(0, 3).toString()).toBe('1-5/2');
		expect(RangeSet.parse('99999999999999998-100000000000000001').slice(1, 3).toStrings()).toEqual(['99999999999999999', '100000000000000000']);
	});

	it('cuts into contiguous runs, each its own set', () => {
		expect(RangeSet.parse('1-3,5,7-8,01-02').contiguous().map(String)).toEqual(['1-3', '5', '7-8', '01-02']);
		expect(RangeSet.parse('1,3,5,7', {autostep: 3}).contiguous().map(String)).toEqual(['1,3,5,7']);
		expect(() => RangeSet.parse('-3--1').contiguous()).toThrow('invalid range upper limit (0)');
	});

	it('formats an index with its padding, never padding a negative one', () => {
		expect(formatIndex(7, 3)).toBe('007');
		expect(formatIndex(-7, 3)).toBe('-7');
		expect(formatIndex(123, 2)).toBe('123');
		expect(formatIndex(0, 0)).toBe('0');
	});

	it('parses steps, signs, underscores and blanks as ClusterShell\'s int() does', () => {
		expect(RangeSet.parse('1-10/+3').toString()).toBe('1,4,7,10');
		expect(RangeSet.parse('1_0-1_2').toString()).toBe('10-12');
		expect(RangeSet.parse(' 2 - 4 / 1 ').toString()).toBe('2-4');
		expect(RangeSet.parse('0-3/0_2').toString()).toBe('0,2');
		expect(RangeSet.parse('-8--4').toString()).toBe('-8--4');
		expect(RangeSet.parse('-0-3').toString()).toBe('0-3');
		expect(RangeSet.parse('00-02').toString()).toBe('00-02');
		expect(RangeSet.parse('0').toString()).toBe('0');
		expect(RangeSet.parse('000').toString()).toBe('000');
		expect(RangeSet.parse('08-10').toString()).toBe('08-10');
		expect(() => RangeSet.parse('1-3/-1')).toThrow('invalid values in range');
		expect(() => RangeSet.parse('1-3/x')).toThrow('cannot convert string to integer');
		expect(() => RangeSet.parse('1-2-3-4-5')).toThrow('cannot convert string to integer');
		expect(() => RangeSet.parse('1__0')).toThrow('cannot convert string to integer');
		expect(() => RangeSet.parse('00-5')).toThrow('padding length mismatch');
		expect(() => RangeSet.parse('5-010')).toThrow('padding length mismatch');
		expect(() => RangeSet.parse('-01')).toThrow('padding not supported in negative ranges');
	});

	it('reports a bad range with its part and kind', () => {
		let caught: unknown;
		try {
			RangeSet.parse('1,5-3');
		} catch (error) {
			caught = error;
		}

		expect(caught).toBeInstanceOf(RangeSetParseError);
		expect(caught).toMatchObject({input: '5-3', part: '5-3', reason: 'invalid values in range', kind: 'order'});
		expect((caught as Error).message).toBe('node set "5-3": invalid values in range in "5-3"; write ranges low to high, as in node[1-3]');
	});

	it('refuses a limit, naming the limit\'s input', () => {
		expect(() => RangeSet.parse('1-11', {limit: {maxNodes: 10, input: 'n[1-11]'}})).toThrow('node set "n[1-11]": expands to more than 10 nodes');
		expect(RangeSet.parse('1-10', {limit: {maxNodes: 10, input: 'n[1-10]'}}).size).toBe(10);
	});
});

describe('NodeSetParseError', () => {
	it('puts the hint of its kind after the reason, and the part only when there is one', () => {
		const hints = {
			syntax: 'write node sets as node[1-3,7],web5',
			bracket: 'write ranges as node[1-3,7]',
			operand: 'put a node set on both sides of , ! & ^',
			padding: 'give both bounds the same width, as in node[01-10]',
			step: 'write steps as node[1-9/2]',
			order: 'write ranges low to high, as in node[1-3]',
			limit: 'narrow the node set (the limit guards against typos such as node[1-99999999])',
			group: 'check the group name and groups.conf (nodeset -l lists groups)',
		} as const;
		for (const [kind, hint] of Object.entries(hints)) {
			expect(new NodeSetParseError({input: 'in', part: 'p', reason: 'r', kind: kind as keyof typeof hints}).message).toBe(`node set "in": r in "p"; ${hint}`);
		}

		expect(new NodeSetParseError({input: 'in', part: '', reason: 'r', kind: 'syntax'}).message).toBe('node set "in": r; write node sets as node[1-3,7],web5');
	});

	it('is the same error within its own input, and a new one naming a larger input', () => {
		const cause = new Error('low');
		const error = new NodeSetParseError({input: 'a[', part: 'a[', reason: 'unclosed bracket', kind: 'bracket', cause});
		expect(error.within('a[')).toBe(error);
		const outer = error.within('x,a[');
		expect(outer).toMatchObject({input: 'x,a[', part: 'a[', reason: 'unclosed bracket', kind: 'bracket', cause});
		expect(outer.message).toBe('node set "x,a[": unclosed bracket in "a["; write ranges as node[1-3,7]');
	});
});

describe('Python digits', () => {
	it('reads every script\'s decimal digits as ASCII, and counts code points', () => {
		expect(asciiDigits('n١٢-３')).toBe('n12-3');
		expect(asciiDigits('𝟘𝟡۹߉')).toBe('0999');
		expect(asciiDigits('plain 42')).toBe('plain 42');
		expect(asciiDigits('é½')).toBe('é½');
		expect(isNonAscii('abc')).toBe(false);
		expect(isNonAscii('a\u007F')).toBe(false);
		expect(isNonAscii('a\u0080')).toBe(true);
		expect(pyLength('n𝟘')).toBe(2);
		expect(pyLength('n0')).toBe(2);
	});
});

describe('NodeSet as a value', () => {
	it('answers membership for names of every shape', () => {
		const set = parseNodeSet('login,node[1-3],rack[1-2]-node[01-02],a%b[1-2]');
		expect(['login', 'node2', ' node3 ', 'rack2-node01', 'a%b2'].map(name => set.has(name))).toEqual([true, true, true, true, true]);
		expect(['login1', 'node4', 'node02', 'rack3-node01', 'rack1-node1', 'node', 'node[1-2]', 'a%b3', 'x['].map(name => set.has(name))).toEqual(Array.from({length: 9}, () => false));
		expect(parseNodeSet('node1').has('login')).toBe(false);
		expect(parseNodeSet('rack1-node1').has('rack1')).toBe(false);
	});

	it('keeps its autostep in derived sets and gives mutable copies', () => {
		const set = parseNodeSet('n[1,3,5]', {autostep: 2});
		expect(set.autostep).toBe(2);
		expect(set.fold()).toBe('n[1-5/2]');
		expect(set.union(parseNodeSet('n7')).fold()).toBe('n[1-7/2]');
		expect(set.withAutostep(undefined).fold()).toBe('n[1,3,5]');
		expect(String(set)).toBe('n[1-5/2]');
		const base = set.toBase();
		base.differenceUpdate(parseNodeSetBase('n1'));
		expect(base.fold(undefined)).toBe('n[3,5]');
		expect(set.fold()).toBe('n[1-5/2]');
	});

	it('combines n-D sets without changing its operands', () => {
		const a = parseNodeSet('rack[1-2]-node[1-3]');
		const b = parseNodeSet('rack2-node[2-5],login');
		expect(a.union(b).fold()).toBe('login,rack2-node[1-5],rack1-node[1-3]');
		expect(a.intersection(b).fold()).toBe('rack2-node[2-3]');
		expect(a.difference(b).fold()).toBe('rack1-node[1-3],rack2-node1');
		expect(a.symmetricDifference(b).fold()).toBe('login,rack1-node[1-3],rack2-node[1,4-5]');
		expect(a.fold()).toBe('rack[1-2]-node[1-3]');
		expect(b.fold()).toBe('login,rack2-node[2-5]');
		expect(a.intersection(a).fold()).toBe('rack[1-2]-node[1-3]');
	});

	it('builds from names within a limit', () => {
		expect(NodeSet.fromNodes(['b2', 'b1', 'a'], {autostep: 2}).fold()).toBe('a,b[1-2]');
		expect(() => NodeSet.fromNodes(['n[1-11]'], {maxNodes: 10})).toThrow('expands to more than 10 nodes');
		expect(singleNodes(['a,b', '@x', ' n1 ', 'p%d']).expand()).toEqual(['@x', 'a,b', 'n1', 'p%d']);
	});
});

describe('slices of a node set', () => {
	// Built in each test, not here: code run while tests are collected would count as static to mutation testing.
	const set = () => parseNodeSetBase('a,n[1-5],rack[1-2]-node[1-2]');

	it('take positions in expansion order, negative ones from the end', () => {
		expect(sliceNodes(set(), 0, 3).fold(undefined)).toBe('a,n[1-2]');
		expect(sliceNodes(set(), 1).fold(undefined)).toBe('n[1-5],rack[1-2]-node[1-2]');
		expect(sliceNodes(set(), -2).fold(undefined)).toBe('rack2-node[1-2]');
		expect(sliceNodes(set(), 0, -8).fold(undefined)).toBe('a,n1');
		expect(sliceNodes(set(), -100, 1).fold(undefined)).toBe('a');
		expect(sliceNodes(set(), 5, 7).fold(undefined)).toBe('n5,rack1-node1');
		expect(sliceNodes(set(), 3, 3).size).toBe(0);
		expect(sliceNodes(set(), 20).size).toBe(0);
		expect(pickSlices(set(), RangeSet.parse('0,6-7')).fold(undefined)).toBe('a,rack1-node[1-2]');
	});

	it('split into at most n parts, the first ones larger', () => {
		expect(splitNodes(set(), 3).map(part => part.fold(undefined))).toEqual(['a,n[1-3]', 'n[4-5],rack1-node1', 'rack2-node[1-2],rack1-node2']);
		expect(splitNodes(parseNodeSetBase('n[1-2]'), 5).map(part => part.fold(undefined))).toEqual(['n1', 'n2']);
	});

	it('cut into contiguous parts per pattern', () => {
		expect(contiguousNodes(parseNodeSetBase('a,n[1-2,4],r[1-2]-x[1,3]')).map(part => part.fold(undefined))).toEqual(['a', 'n[1-2]', 'n4', 'r[1-2]-x1', 'r[1-2]-x3']);
		expect(contiguousNodes(parseNodeSetBase('n[1,3,5,7]'), 3).map(part => part.fold(undefined))).toEqual(['n[1,3,5,7]']);
	});

	it('of an n-D set keep one vector per tuple', () => {
		const rs = nd('1-2', '1-3');
		expect([...rs.slice(1, 4).tuples()]).toEqual([['1', '2'], ['1', '3'], ['2', '1']]);
		expect(rs.has(['2', '3'])).toBe(true);
		expect(rs.has(['2', '4'])).toBe(false);
		expect(rs.has(['2'])).toBe(false);
		expect(rs.dim()).toBe(2);
		expect(new RangeSetND().dim()).toBe(0);
		expect(new RangeSetND().isEmpty()).toBe(true);
		expect(new RangeSetND([[]]).isEmpty()).toBe(true);
		expect(rs.isEmpty()).toBe(false);
		expect(rs.size).toBe(6);
	});
});
