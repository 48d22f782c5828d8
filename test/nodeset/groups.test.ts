import {beforeEach, describe, expect, it} from 'vitest';
import {
	GroupResolver,
	groupWords,
	NodeSetParseError,
	nodeGroups,
	parseNodeSet,
	parseNodeSetBase,
	regroup,
	staticGroupSource,
	type GroupSource,
} from '../../source/nodeset/index.js';

/** The NodeSetParseError `work` throws (fails the test when it throws nothing or something else). */
function caught(work: () => unknown): NodeSetParseError {
	try {
		work();
	} catch (error) {
		expect(error).toBeInstanceOf(NodeSetParseError);
		return error as NodeSetParseError;
	}

	throw new Error('expected a NodeSetParseError, nothing was thrown');
}

const fold = (expression: string, resolver: GroupResolver): string => parseNodeSet(expression, {resolver}).fold();

describe('group words and static sources', () => {
	it('split list items by commas and words by blanks and separators, as ClusterShell\'s _list_nodes', () => {
		expect(groupWords(undefined)).toEqual([]);
		expect(groupWords(null)).toEqual([]);
		expect(groupWords('  a[1-2]  b\tc\nd\u001Ce\u0085f ')).toEqual(['a[1-2]', 'b', 'c', 'd', 'e', 'f']);
		expect(groupWords(['x1', 'y[1-2] z', 7])).toEqual(['x1,y[1-2]', 'z,7']);
		expect(groupWords(5)).toEqual(['5']);
		expect(groupWords('')).toEqual([]);
	});

	it('map known groups only, list every name, and have an all list only when given one', () => {
		const source = staticGroupSource('s', {web: 'w[1-2]', all: 'a1 a2', toString: 'x'});
		expect(source.name).toBe('s');
		expect(source.map('web')).toEqual(['w[1-2]']);
		expect(source.map('nosuch')).toEqual([]);
		// Own keys only: Object's inherited members are not groups.
		expect(source.map('hasOwnProperty')).toEqual([]);
		expect(source.all()).toEqual(['a1', 'a2']);
		expect(source.list()).toEqual(['web', 'all', 'toString']);
		expect(staticGroupSource('s', {web: 'w1'}).all()).toBeUndefined();
		expect(staticGroupSource('s', {all: null}).all()).toBeUndefined();
	});
});

describe('GroupResolver', () => {
	// Made in each test, not while tests are collected (mutation testing would take that code for static).
	let site: GroupSource;
	let lab: GroupSource;
	beforeEach(() => {
		site = staticGroupSource('site', {web: 'web[1-2]'});
		lab = staticGroupSource('lab', {gpu: 'gpu[1-2]'});
	});

	it('takes the first source as default, or the one named; lists the default first', () => {
		expect(new GroupResolver([site, lab]).defaultSource).toBe('site');
		expect(new GroupResolver([site, lab], 'lab').defaultSource).toBe('lab');
		expect(new GroupResolver([site, lab], 'lab').sources()).toEqual(['lab', 'site']);
		expect(new GroupResolver([site, lab]).sources()).toEqual(['site', 'lab']);
		expect(new GroupResolver().sources()).toEqual([]);
		expect(new GroupResolver().defaultSource).toBeUndefined();
		expect(new GroupResolver([site, lab]).withDefault('lab').sources()).toEqual(['lab', 'site']);
		expect(fold('@gpu', new GroupResolver([site, lab]).withDefault('lab'))).toBe('gpu[1-2]');
	});

	it('refuses a source defined twice, an undefined default and unknown sources, naming them', () => {
		expect(caught(() => new GroupResolver([site, site])).reason).toBe('group source "site" is defined twice');
		const noDefault = caught(() => new GroupResolver([site], 'nosuch'));
		expect([noDefault.reason, noDefault.part, noDefault.kind]).toEqual(['default group source "nosuch" is not defined', 'nosuch', 'group']);
		expect(caught(() => new GroupResolver([site]).withDefault('x')).reason).toBe('unknown group source "x"');
		expect(caught(() => new GroupResolver([site]).source('x')).part).toBe('x');
		const none = caught(() => new GroupResolver().source());
		expect([none.reason, none.part]).toEqual(['no group source is configured', '<default>']);
		expect(new GroupResolver([site, lab]).source().name).toBe('site');
		expect(new GroupResolver([site, lab]).source('lab').name).toBe('lab');
		expect(new GroupResolver([site, lab]).groupNodes('gpu', 'lab')).toEqual(['gpu[1-2]']);
	});

	it('asks a reverse answer only of a source that has one, and checks the names it gives', () => {
		const reverse: GroupSource = {...staticGroupSource('r', {}), reverse: node => (node === 'bad' ? ['ok x@y'] : [' a  b ', 'c'])};
		const resolver = new GroupResolver([site, reverse]);
		expect(resolver.hasNodeGroups()).toBe(false);
		expect(resolver.hasNodeGroups('r')).toBe(true);
		expect(resolver.hasNodeGroups('nosuch')).toBe(false);
		expect(new GroupResolver([reverse, site]).hasNodeGroups()).toBe(true);
		expect(new GroupResolver().hasNodeGroups()).toBe(false);
		expect(resolver.nodeGroups('n1', 'r')).toEqual(['a', 'b', 'c']);
		expect(caught(() => resolver.nodeGroups('bad', 'r')).reason).toBe('illegal group character @');
		expect(caught(() => resolver.nodeGroups('n1')).reason).toBe('group source "site" has no reverse upcall');
	});

	it('lists group names split into words, and refuses illegal characters or a source that cannot list', () => {
		const listing = (names: string[] | undefined): GroupResolver => new GroupResolver([{name: 'l', map: () => [], all: () => undefined, list: () => names}]);
		expect(listing(['a b', ' c ']).groupList()).toEqual(['a', 'b', 'c']);
		expect(caught(() => listing(['a,b!c,']).groupList()).reason).toBe('illegal group character , !');
		expect(caught(() => listing(['x*&^']).groupList()).reason).toBe('illegal group character * & ^');
		const unlisted = caught(() => listing(undefined).groupList());
		expect([unlisted.reason, unlisted.part]).toEqual(['group source "l" cannot list its groups', 'l']);
	});

	it('loads a deferred resolver once, on first use', () => {
		let loads = 0;
		const resolver = GroupResolver.deferred(() => {
			loads++;
			return new GroupResolver([site, lab], 'lab');
		});
		expect(loads).toBe(0);
		expect(resolver.sources()).toEqual(['lab', 'site']);
		expect(resolver.defaultSource).toBe('lab');
		expect(fold('@site:web', resolver)).toBe('web[1-2]');
		expect(loads).toBe(1);
	});
});

describe('regroup', () => {
	let resolver: GroupResolver;
	beforeEach(() => {
		resolver = new GroupResolver([
			staticGroupSource('site', {web: 'web[1-4]', half: 'web[1-2]', db: 'db[1-2]', other: 'x1', big: 'web[1-4],db[1-2]', two: 'db[1-2]'}),
			staticGroupSource('empty', {}),
		]);
	});
	const base = (expression: string) => parseNodeSetBase(expression, {resolver});

	it('counts, per group, the nodes of the set it holds', () => {
		const groups = nodeGroups(base('web[1-2],db1'), resolver);
		// By node in expansion order (db1 first), each node's groups in the source's sorted list order.
		expect([...groups].map(([name, group]) => [name, group.count, group.nodes.fold(undefined)])).toEqual([
			['big', 3, 'db[1-2],web[1-4]'],
			['db', 1, 'db[1-2]'],
			['two', 1, 'db[1-2]'],
			['half', 2, 'web[1-2]'],
			['web', 2, 'web[1-4]'],
		]);
		expect(nodeGroups(base('web1'), resolver, 'empty').size).toBe(0);
		expect(caught(() => nodeGroups(base('web1'), resolver, 'nosuch')).reason).toBe('unknown group source "nosuch"');
	});

	it('folds whole groups into names, the largest first, ties by name, the rest as nodes', () => {
		expect(regroup(base('web[1-4],db[1-2]'), resolver, undefined, false, undefined)).toBe('@big');
		expect(regroup(base('web[1-4],db[1-2],z9'), resolver, undefined, false, undefined)).toBe('@big,z9');
		expect(regroup(base('web[1-2],db[1-2]'), resolver, undefined, false, undefined)).toBe('@db,@half');
		expect(regroup(base('web[1-3]'), resolver, undefined, false, undefined)).toBe('@half,web3');
		expect(regroup(base('web[1-2],db[1-2]'), resolver, 'site', false, undefined)).toBe('@site:db,@site:half');
		expect(regroup(base('web[1-2],db[1-2]'), resolver, 'site', true, undefined)).toBe('@db,@half');
		expect(regroup(base('web[1,3,5]'), resolver, undefined, false, 2)).toBe('web[1-5/2]');
		expect(regroup(base('web1,q[1,3,5]'), resolver, undefined, false, 2)).toBe('q[1-5/2],web1');
		expect(regroup(base('n1'), resolver, 'empty', false, undefined)).toBe('n1');
	});
});
