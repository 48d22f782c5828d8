import {existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors.js';
import {
	expandNodeSet,
	foldNodes,
	GroupResolver,
	loadGroupResolver,
	NodeSet,
	NodeSetParseError,
	parseNodeSet,
	parseNodeSetBase,
	RangeSet,
	regroup,
	staticGroupSource,
} from '../../source/nodeset/index.js';

// Expected values below were produced by ClusterShell 1.9.1 (NodeSet(expr); str(); len(); list()).
describe('parse, fold and expand like ClusterShell', () => {
	it.each([
		['node[1-3,7]', 'node[1-3,7]', 4, ['node1', 'node2', 'node3', 'node7']],
		['node[01-10]', 'node[01-10]', 10, ['node01', 'node02', 'node03', 'node04', 'node05', 'node06']],
		['node[1-9/2]', 'node[1,3,5,7,9]', 5, ['node1', 'node3', 'node5', 'node7', 'node9']],
		['node[0-10/2]', 'node[0,2,4,6,8,10]', 6, ['node0', 'node2', 'node4', 'node6', 'node8', 'node10']],
		['node[00-10/2]', 'node[00,02,04,06,08,10]', 6, ['node00', 'node02', 'node04', 'node06', 'node08', 'node10']],
		['node[9-11]', 'node[9-11]', 3, ['node9', 'node10', 'node11']],
		['node[09-11]', 'node[09-11]', 3, ['node09', 'node10', 'node11']],
		['node[1,01,001]', 'node[1,01,001]', 3, ['node1', 'node01', 'node001']],
		['node[1-2],node[01-02]', 'node[1-2,01-02]', 4, ['node1', 'node2', 'node01', 'node02']],
		['node[98-101]', 'node[98-101]', 4, ['node98', 'node99', 'node100', 'node101']],
		['node[098-101]', 'node[098-101]', 4, ['node098', 'node099', 'node100', 'node101']],
		['node[08-11],node9,node7', 'node[7,9,08-11]', 6, ['node7', 'node9', 'node08', 'node09', 'node10', 'node11']],
		['rack[1-2]-node[1-3]', 'rack[1-2]-node[1-3]', 6, ['rack1-node1', 'rack1-node2', 'rack1-node3', 'rack2-node1', 'rack2-node2', 'rack2-node3']],
		['rack[1-2]-node[1-3],rack3-node1', 'rack[1-2]-node[1-3],rack3-node1', 7, ['rack1-node1', 'rack1-node2', 'rack1-node3', 'rack2-node1', 'rack2-node2', 'rack2-node3']],
		['rack[1-2]-node[1-3]!rack1-node2', 'rack2-node[1-3],rack1-node[1,3]', 5, ['rack2-node1', 'rack2-node2', 'rack2-node3', 'rack1-node1', 'rack1-node3']],
		['rack1-node[1-2],rack2-node[1-2]', 'rack[1-2]-node[1-2]', 4, ['rack1-node1', 'rack1-node2', 'rack2-node1', 'rack2-node2']],
		['x[1-3]y[4-5]z', 'x[1-3]y[4-5]z', 6, ['x1y4z', 'x1y5z', 'x2y4z', 'x2y5z', 'x3y4z', 'x3y5z']],
		['n1[2-3]', 'n[12-13]', 2, ['n12', 'n13']],
		['n0[1-2]', 'n[01-02]', 2, ['n01', 'n02']],
		['n[1-2]0', 'n[10,20]', 2, ['n10', 'n20']],
		['n[1-2]0-ib', 'n[10,20]-ib', 2, ['n10-ib', 'n20-ib']],
		['node[1-10]!node[3-5]', 'node[1-2,6-10]', 7, ['node1', 'node2', 'node6', 'node7', 'node8', 'node9']],
		['node[1-10]&node[5-15]', 'node[5-10]', 6, ['node5', 'node6', 'node7', 'node8', 'node9', 'node10']],
		['node[1-10]^node[5-15]', 'node[1-4,11-15]', 9, ['node1', 'node2', 'node3', 'node4', 'node11', 'node12']],
		['node[1-10],node[5-15]!node7', 'node[1-6,8-15]', 14, ['node1', 'node2', 'node3', 'node4', 'node5', 'node6']],
		['node[1-5] , node[8-9]', 'node[1-5,8-9]', 7, ['node1', 'node2', 'node3', 'node4', 'node5', 'node8']],
		['  node1 ,node2  ', 'node[1-2]', 2, ['node1', 'node2']],
		['a,b,c1,c2', 'a,b,c[1-2]', 4, ['a', 'b', 'c1', 'c2']],
		['login', 'login', 1, ['login']],
		['node[-2-2]', 'node[-2-2]', 5, ['node-2', 'node-1', 'node0', 'node1', 'node2']],
		['node-1,node-2', 'node-[1-2]', 2, ['node-1', 'node-2']],
		['n%d[1-2]', 'n%d[1-2]', 2, ['n%d1', 'n%d2']],
		['node[1-3]-ipmi,node[2-4]-ib', 'node[2-4]-ib,node[1-3]-ipmi', 6, ['node2-ib', 'node3-ib', 'node4-ib', 'node1-ipmi', 'node2-ipmi', 'node3-ipmi']],
	] as const)('%j folds to %j', (expression, folded, size, firstNodes) => {
		const set = parseNodeSet(expression);
		expect(set.fold()).toBe(folded);
		expect(String(set)).toBe(folded);
		expect(set.size).toBe(size);
		expect(set.expand().slice(0, 6)).toEqual(firstNodes);
		// Round trip: the folded form parses back to the same nodes (not for negative indexes:
		// `node-2` reads back as prefix `node-` and index 2, in ClusterShell too).
		expect(expandNodeSet(folded)).toEqual(set.expand());
		if (!folded.includes('[-')) {
			expect(foldNodes(set.expand())).toBe(folded);
		}
	});

	it.each([
		['n[1,3,5,7,9,10]', 3, 'n[1-9/2,10]'],
		['n[1,3,5,7,9,10]', 6, 'n[1,3,5,7,9-10]'],
		['n[1-2,4-6,8,10,12]', 3, 'n[1-2,4-6,8-12/2]'],
	] as const)('%j with autostep %d folds to %j', (expression, autostep, folded) => {
		expect(parseNodeSet(expression, {autostep}).fold()).toBe(folded);
	});
});

// ClusterShell 1.9.1 again: indexes of any length, exact past 2^53, and Python's Unicode digits.
describe('long serial numbers and Unicode digits', () => {
	it.each([
		['n[18446744073709551615-18446744073709551617]', 'n[18446744073709551615-18446744073709551617]', ['n18446744073709551615', 'n18446744073709551616', 'n18446744073709551617']],
		['n9999999999999999999999', 'n9999999999999999999999', ['n9999999999999999999999']],
		['n[9007199254740991-9007199254740993]', 'n[9007199254740991-9007199254740993]', ['n9007199254740991', 'n9007199254740992', 'n9007199254740993']],
		['n[999999999999999-1000000000000001]', 'n[999999999999999-1000000000000001]', ['n999999999999999', 'n1000000000000000', 'n1000000000000001']],
		['n00000000000000000001,n1', 'n[1,00000000000000000001]', ['n1', 'n00000000000000000001']],
		['sn123456789012345678901234,sn123456789012345678901235!sn123456789012345678901234', 'sn123456789012345678901235', ['sn123456789012345678901235']],
		['node１', 'node1', ['node1']],
		['node[１-３]', 'node[1-3]', ['node1', 'node2', 'node3']],
		['n０１', 'n1', ['n1']],
		['n0１', 'n01', ['n01']],
		['n[1-2]１', 'n[1-2]1', ['n11', 'n21']],
		['٣node', '3node', ['3node']],
		['n𝟘𝟙', 'n1', ['n1']],
		['n𝟘', 'n0', ['n0']],
		['n[01-１0]', 'n[01-10]', ['n01', 'n02', 'n03', 'n04', 'n05', 'n06', 'n07', 'n08', 'n09', 'n10']],
	] as const)('%j folds to %j', (expression, folded, nodes) => {
		const set = parseNodeSet(expression);
		expect(set.fold()).toBe(folded);
		expect(set.expand()).toEqual(nodes);
		expect(set.size).toBe(nodes.length);
	});

	it('folds huge indexes with autostep exactly', () => {
		expect(parseNodeSet('n[100000000000000000000,100000000000000000002,100000000000000000004]', {autostep: 3}).fold()).toBe('n[100000000000000000000-100000000000000000004/2]');
		expect(RangeSet.parse('18446744073709551615-18446744073709551617').has('18446744073709551616')).toBe(true);
		expect(RangeSet.parse('18446744073709551615-18446744073709551617').has('18446744073709551618')).toBe(false);
	});

	it('refuses what ClusterShell refuses: indexes above 1e100, ranges of 1e9', () => {
		expect(parseNodeSet(`n1${'0'.repeat(100)}`).size).toBe(1);
		expect(() => parseNodeSet(`n1${'0'.repeat(101)}`)).toThrow('invalid rangeset index');
		expect(() => parseNodeSet(`n[1-1${'0'.repeat(101)}]`)).toThrow('invalid values in range');
		expect(() => parseNodeSet('n[1-10000000000/100000]')).toThrow('range too large');
	});
});

describe('errors carry the faulty part', () => {
	it.each([
		['node[1-', 'node[1-', 'unclosed bracket'],
		['node]1', 'node]1', 'illegal closing bracket'],
		['node[1-3]]', ']', 'illegal closing bracket'],
		['a[1-2][3]', '[3]', 'illegal reopening bracket'],
		['node[3-1]', '3-1', 'invalid values in range'],
		['n1,', 'n1', 'missing nodeset operand with \',\' operator'],
		[',n1', 'n1', 'missing nodeset operand with \',\' operator'],
		['x[a-b]', 'a-b', 'cannot convert string to integer'],
		['n[1-3/2]0', '0', 'illegal trailing digits after range with steps'],
		['node[01-5]', '01-5', 'padding length mismatch'],
		['node[1,,2]', '', 'empty range'],
		['node[1-99999999999]', 'node[1-99999999999]', 'expands to more than 1000000 nodes'],
		['rack[1-2000]-node[1-1000]', 'rack[1-2000]-node[1-1000]', 'expands to more than 1000000 nodes'],
		['@web', '@web', 'node groups need a group source, and none is configured'],
	] as const)('%j fails at %j', (expression, part, reason) => {
		let caught: unknown;
		try {
			parseNodeSet(expression);
		} catch (error) {
			caught = error;
		}

		expect(caught).toBeInstanceOf(NodeSetParseError);
		expect(caught).toBeInstanceOf(UserError);
		const error = caught as NodeSetParseError;
		expect(error.input).toBe(expression);
		expect(error.part).toBe(part);
		expect(error.reason).toBe(reason);
		expect(error.message.split('\n')).toHaveLength(1);
	});

	it('formats the message as where: what; what to do', () => {
		expect(() => parseNodeSet('node[1-')).toThrow('node set "node[1-": unclosed bracket in "node[1-"; write ranges as node[1-3,7]');
	});

	it('honours a smaller maxNodes', () => {
		expect(parseNodeSet('n[1-10]', {maxNodes: 10}).size).toBe(10);
		expect(() => parseNodeSet('n[1-10],m1', {maxNodes: 10})).toThrow('expands to more than 10 nodes');
	});
});

describe('RangeSet', () => {
	it.each([
		['1-5,7', undefined, '1-5,7', 6],
		['01-10', undefined, '01-10', 10],
		['0-10/2', undefined, '0,2,4,6,8,10', 6],
		['1,3,5,7,9', 3, '1-9/2', 5],
		['1,3,5,7,9', undefined, '1,3,5,7,9', 5],
		['5,01,1-3', undefined, '1-3,5,01', 5],
		['8-12,010', undefined, '8-12,010', 6],
		['-3-2', undefined, '-3-2', 6],
		['1-2,4-6,8,10,12', 3, '1-2,4-6,8-12/2', 8],
		['001-003,5-6', undefined, '5-6,001-003', 5],
		['09-11,9', undefined, '9,09-11', 4],
	] as const)('%j (autostep %s) folds to %j', (pattern, autostep, folded, size) => {
		const set = RangeSet.parse(pattern, {autostep});
		expect(set.toString()).toBe(folded);
		expect(set.size).toBe(size);
		expect(RangeSet.parse(folded).equals(set)).toBe(true);
	});

	it.each([
		['3-1', 'invalid values in range'],
		['01-5', 'padding length mismatch'],
		['1-', 'cannot convert string to integer'],
		['a', 'cannot convert string to integer'],
		['', 'empty range'],
		['1-3/0', 'invalid values in range'],
		['5/2', 'invalid step usage'],
		['-03-05', 'padding not supported in negative ranges'],
	])('rejects %j: %s', (pattern, reason) => {
		expect(() => RangeSet.parse(pattern)).toThrow(reason);
	});

	it('does set algebra on intervals, keeping padding identity', () => {
		const a = RangeSet.parse('1-10,01-03');
		const b = RangeSet.parse('5-15,02');
		// Padded 01-03 sort between 9 and 10, as in ClusterShell.
		expect(a.union(b).toString()).toBe('1-9,01-03,10-15');
		expect(a.intersection(b).toString()).toBe('5-9,02,10');
		expect(a.difference(b).toString()).toBe('1-4,01,03');
		expect(a.symmetricDifference(b).toString()).toBe('1-4,01,03,11-15');
		expect(a.has('01')).toBe(true);
		expect(a.has('001')).toBe(false);
	});

	it('folds and expands 100,000 indexes without building them one by one', () => {
		const set = RangeSet.parse('1-100000');
		expect(set.buckets.length).toBe(6);
		expect(set.toString()).toBe('1-100000');
		expect(set.toStrings()).toHaveLength(100_000);
	});
});

describe('NodeSet API', () => {
	it('combines sets immutably', () => {
		const a = parseNodeSet('node[1-5]');
		const b = parseNodeSet('node[4-8]');
		expect(a.union(b).fold()).toBe('node[1-8]');
		expect(a.difference(b).fold()).toBe('node[1-3]');
		expect(a.intersection(b).fold()).toBe('node[4-5]');
		expect(a.symmetricDifference(b).fold()).toBe('node[1-3,6-8]');
		expect(a.fold()).toBe('node[1-5]');
		expect(a.has('node3')).toBe(true);
		expect(a.has('node03')).toBe(false);
		expect(a.has('node9')).toBe(false);
	});

	it('builds from node names', () => {
		expect(NodeSet.fromNodes(['web03', 'web01', 'web02', 'db1']).fold()).toBe('db1,web[01-03]');
		expect(foldNodes([])).toBe('');
	});
});

describe('groups', () => {
	// Made in each test, not while tests are collected (mutation testing would take that code for static).
	let resolver: GroupResolver;
	beforeEach(() => {
		resolver = new GroupResolver([
			staticGroupSource('site', {web: 'web[01-04]', db: ['db1', 'db2'], nested: '@web!web01', all: 'web[01-04],db[1-2],login'}),
			staticGroupSource('lab', {gpu: 'gpu[1-2]', cpu: 'cpu1 cpu2'}),
		]);
	});

	it.each([
		['@web', 'web[01-04]'],
		['@db,@web!web02', 'db[1-2],web[01,03-04]'],
		['@site:web&web[02-09]', 'web[02-04]'],
		['@lab:gpu', 'gpu[1-2]'],
		['@lab:*', 'cpu[1-2],gpu[1-2]'],
		['@*', 'db[1-2],login,web[01-04]'],
		['@nested', 'web[02-04]'],
		['@nosuch', ''],
		['@@lab', 'cpu,gpu'],
		['web0*', 'web[01-04]'],
		['?b?', 'db[1-2]'],
	])('%j resolves to %j', (expression, folded) => {
		expect(parseNodeSet(expression, {resolver}).fold()).toBe(folded);
	});

	it('reports an unknown source with the group as part', () => {
		expect(() => parseNodeSet('node1,@x:web', {resolver})).toThrow(expect.objectContaining({part: '@x:web', kind: 'group'}) as Error);
	});

	it('reads groups.conf with autodir YAML files and a default source', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'svctui-groups-'));
		mkdirSync(path.join(dir, 'groups.d'));
		writeFileSync(path.join(dir, 'groups.conf'), '[Main]\ndefault: two\nautodir: $CFGDIR/groups.d\n');
		writeFileSync(path.join(dir, 'groups.d', 'a.yaml'), 'one:\n  g: "a[1-2]"\ntwo:\n  g: "b[1-2]"\n');
		const loaded = loadGroupResolver({groupsConf: path.join(dir, 'groups.conf'), env: {}});
		expect(loaded.sources()).toEqual(['two', 'one']);
		expect(parseNodeSet('@g', {resolver: loaded}).fold()).toBe('b[1-2]');
		expect(parseNodeSet('@one:g', {resolver: loaded}).fold()).toBe('a[1-2]');
	});

	it('prefers $XDG_CONFIG_HOME/svctui/groups.conf and supports upcall sources', () => {
		const xdg = mkdtempSync(path.join(tmpdir(), 'svctui-xdg-'));
		mkdirSync(path.join(xdg, 'svctui'));
		writeFileSync(path.join(xdg, 'svctui', 'groups.conf'), '[shell]\nmap: echo "n[1-3]-$GROUP"\nlist: echo x y\n');
		const loaded = loadGroupResolver({env: {XDG_CONFIG_HOME: xdg, HOME: '/nonexistent'}});
		expect(parseNodeSet('@x', {resolver: loaded}).fold()).toBe('n[1-3]-x');
		expect(parseNodeSet('@*', {resolver: loaded}).fold()).toBe('n[1-3]-x,n[1-3]-y');
	});

	it('never puts a group name with shell characters into an upcall command', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'svctui-upcall-'));
		const marker = path.join(dir, 'pwned');
		writeFileSync(path.join(dir, 'groups.conf'), "[Main]\ndefault: local\n[local]\nmap: echo n1 '$GROUP' >/dev/null; echo n1\n");
		const loaded = loadGroupResolver({groupsConf: path.join(dir, 'groups.conf'), env: {}});
		expect(parseNodeSet('@web.1+a-b_c', {resolver: loaded}).fold()).toBe('n1');
		for (const name of [`x';touch ${marker};'`, `x$(touch ${marker})`, `x\`touch ${marker}\``, 'x y']) {
			expect(() => parseNodeSet(`@${name}`, {resolver: loaded}), name).toThrow(/group names use letters, digits/);
		}

		expect(existsSync(marker)).toBe(false);
	});

	it.each([
		['', 1],
		['cache_time: -1\n', 2],
	])('reuses an upcall answer for cache_time seconds (%j)', (cacheTime, runs) => {
		const dir = mkdtempSync(path.join(tmpdir(), 'svctui-cache-'));
		writeFileSync(path.join(dir, 'groups.conf'), `[Main]\ndefault: c\n[c]\nmap: echo x >> $CFGDIR/runs; echo n1\n${cacheTime}`);
		const loaded = loadGroupResolver({groupsConf: path.join(dir, 'groups.conf'), env: {}});
		expect(parseNodeSet('@g', {resolver: loaded}).fold()).toBe('n1');
		expect(parseNodeSet('@g', {resolver: loaded}).fold()).toBe('n1');
		expect(readFileSync(path.join(dir, 'runs'), 'utf8').split('\n').filter(Boolean)).toHaveLength(runs);
	});

	it('refuses a cache_time that is not a number', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'svctui-cache-'));
		writeFileSync(path.join(dir, 'groups.conf'), '[c]\nmap: echo n1\ncache_time: soon\n');
		expect(() => parseNodeSet('@g', {resolver: loadGroupResolver({groupsConf: path.join(dir, 'groups.conf'), env: {}})})).toThrow(/could not convert string to float: 'soon'/);
	});

	it('asks a reverse upcall which groups a node is in (regroup)', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'svctui-reverse-'));
		writeFileSync(path.join(dir, 'groups.conf'), '[r]\nmap: case $GROUP in web) echo web[1-2];; esac\nreverse: case $NODE in web*) echo web;; esac\n');
		const loaded = loadGroupResolver({groupsConf: path.join(dir, 'groups.conf'), env: {}});
		expect(loaded.hasNodeGroups()).toBe(true);
		expect(loaded.nodeGroups('web1')).toEqual(['web']);
		expect(regroup(parseNodeSetBase('web[1-2],db1', {resolver: loaded}), loaded, undefined, false, undefined)).toBe('@web,db1');
		expect(regroup(parseNodeSetBase('web[1-2]', {resolver: loaded}), loaded, 'r', false, undefined)).toBe('@r:web');
	});

	it('refuses a --groupsconf file it cannot read instead of ignoring it, when a group is used', () => {
		const resolver = loadGroupResolver({groupsConf: '/nonexistent/groups.conf', env: {}});
		expect(parseNodeSet('node[1-2]', {resolver}).fold()).toBe('node[1-2]');
		expect(() => parseNodeSet('node1,@web', {resolver})).toThrow(/cannot read it \(ENOENT\)/);
	});

	it('reads groups.conf on the first @, as ClusterShell: a broken file fails groups only', () => {
		const xdg = mkdtempSync(path.join(tmpdir(), 'svctui-broken-'));
		mkdirSync(path.join(xdg, 'clustershell'));
		writeFileSync(path.join(xdg, 'clustershell', 'groups.conf'), '[Main]\ndefault: nosuch\n');
		const resolver = loadGroupResolver({env: {XDG_CONFIG_HOME: xdg, HOME: '/nonexistent'}});
		expect(parseNodeSet('node[1-3]!node2', {resolver}).fold()).toBe('node[1,3]');
		expect(() => parseNodeSet('@web', {resolver})).toThrow(/default group source not found: "nosuch"/);
		expect(() => parseNodeSet('node*', {resolver})).toThrow(/default group source not found/);
	});
});
