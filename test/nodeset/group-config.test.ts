import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {groupsConfCandidates, listGroups, loadGroupResolver, NodeSetParseError, parseNodeSet, type GroupResolver} from '../../source/nodeset/index.js';

// groups.conf(5) as svctui reads it: files, sections, confdir/autodir, upcalls. These spawn shells, so they
// stay apart from the pure group tests (groups.test.ts), which mutation testing runs on every node-set mutant.

/** A folder holding the given files (paths relative to it); returns its path. */
function folder(files: Readonly<Record<string, string>>): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'svctui-groups-'));
	for (const [name, text] of Object.entries(files)) {
		mkdirSync(path.dirname(path.join(dir, name)), {recursive: true});
		writeFileSync(path.join(dir, name), text);
	}

	return dir;
}

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

describe('groups.conf', () => {
	it('is looked for in svctui\'s own place, then ClusterShell\'s', () => {
		expect(groupsConfCandidates({HOME: '/h'})).toEqual({
			own: '/h/.config/svctui/groups.conf',
			clustershell: ['/etc/clustershell/groups.conf', '/h/.local/etc/clustershell/groups.conf', '/usr/etc/clustershell/groups.conf', '/h/.config/clustershell/groups.conf'],
		});
		expect(groupsConfCandidates({HOME: '/h', XDG_CONFIG_HOME: '/x', CLUSTERSHELL_CFGDIR: '/c'})).toEqual({
			own: '/x/svctui/groups.conf',
			clustershell: ['/etc/clustershell/groups.conf', '/h/.local/etc/clustershell/groups.conf', '/usr/etc/clustershell/groups.conf', '/x/clustershell/groups.conf', '/c/groups.conf'],
		});
	});

	it('merges ClusterShell\'s files, later ones overriding earlier options', () => {
		const xdg = folder({'clustershell/groups.conf': '[Main]\ndefault: a\n[a]\nmap: echo x1\n[b]\nmap: echo y1\n'});
		const cfg = folder({'groups.conf': '[a]\nmap: echo x2\n'});
		const resolver = loadGroupResolver({env: {HOME: '/nonexistent', XDG_CONFIG_HOME: xdg, CLUSTERSHELL_CFGDIR: cfg}});
		// /etc/clustershell/groups.conf may add its own sources; the merged default comes first.
		expect(resolver.sources()[0]).toBe('a');
		expect(resolver.sources()).toContain('b');
		expect(fold('@g', resolver)).toBe('x2');
		expect(fold('@b:g', resolver)).toBe('y1');
	});

	it('uses svctui\'s own file alone when it is there', () => {
		const xdg = folder({'svctui/groups.conf': '[mine]\nmap: echo m1\n', 'clustershell/groups.conf': '[theirs]\nmap: echo t1\n'});
		expect(loadGroupResolver({env: {HOME: '/nonexistent', XDG_CONFIG_HOME: xdg}}).sources()).toEqual(['mine']);
	});

	it('reads comments, `=` and `:`, indented continuation lines, case-blind option names and several names per section', () => {
		const dir = folder({'groups.conf': [
			'# a comment',
			'; another',
			'[Main]',
			'DEFAULT = two',
			'',
			'[one,two]',
			'Map: echo "$SOURCE-$GROUP"',
			'  echo more-$GROUP',
			'list = echo g',
			'',
		].join('\n')});
		const resolver = loadGroupResolver({groupsConf: path.join(dir, 'groups.conf'), env: {}});
		expect(resolver.sources()).toEqual(['two', 'one']);
		expect(fold('@web', resolver)).toBe('more-web,two-web');
		expect(fold('@one:web', resolver)).toBe('more-web,one-web');
		expect(listGroups(resolver, 'one')).toEqual(['g']);
	});

	it('refuses, with file:line:col, an option outside a section and a line it cannot read', () => {
		const dir = folder({'outside.conf': '# x\nmap: echo\n', 'garbage.conf': '[a]\nmap: echo\nnonsense\n'});
		const outside = caught(() => loadGroupResolver({groupsConf: path.join(dir, 'outside.conf'), env: {}}).sources());
		expect([outside.part, outside.reason, outside.kind]).toEqual([`${path.join(dir, 'outside.conf')}:2:1`, 'option outside a [section]', 'group']);
		const garbage = caught(() => loadGroupResolver({groupsConf: path.join(dir, 'garbage.conf'), env: {}}).sources());
		expect([garbage.part, garbage.reason]).toEqual([`${path.join(dir, 'garbage.conf')}:3:1`, 'cannot parse line "nonsense"']);
	});

	it('refuses a source without map, a cache_time that is no float, a missing default and a source defined twice', () => {
		const dir = folder({
			'nomap.conf': '[a]\nlist: echo x\n',
			'cache.conf': '[a]\nmap: echo x\ncache_time: 1.5e2\n[b]\nmap: echo y\ncache_time: +.5\n[c]\nmap: echo z\ncache_time: 1e\n',
			'default.conf': '[Main]\ndefault: zz\n[a]\nmap: echo x\n',
			'twice.conf': '[Main]\nautodir: $CFGDIR/d\n[a]\nmap: echo x\n',
			'd/a.yaml': 'a:\n  g: y1\n',
		});
		const load = (name: string) => () => loadGroupResolver({groupsConf: path.join(dir, name), env: {}}).sources();
		expect(caught(load('nomap.conf')).reason).toBe('group source [a] has no map command');
		const cache = caught(load('cache.conf'));
		expect([cache.reason, cache.part]).toEqual(['could not convert string to float: \'1e\'', 'c']);
		const missing = caught(load('default.conf'));
		expect([missing.reason, missing.part]).toEqual(['default group source not found: "zz"', path.join(dir, 'default.conf')]);
		const twice = caught(load('twice.conf'));
		expect([twice.reason, twice.part]).toEqual(['group source "a" is defined twice', path.join(dir, 'twice.conf')]);
	});

	it('reads confdir upcall files and autodir YAML files, in name order, with $CFGDIR, quotes and repeats', () => {
		const dir = folder({
			'groups.conf': '[Main]\nconfdir: "$CFGDIR/conf.d" $CFGDIR/conf.d /nonexistent\nautodir: \'${CFGDIR}/yaml.d\'\n',
			'conf.d/b.conf': '[cb]\nmap: echo b-$GROUP\n',
			'conf.d/a.conf': '[ca]\nmap: echo a-$GROUP\n',
			'conf.d/skip.txt': '[no]\nmap: echo\n',
			'yaml.d/z.yaml': 'yz:\n  g: z1\n',
			'yaml.d/m.yaml': 'ym:\n  g: [m1, m2]\n',
			'yaml.d/skip.yml': 'yn:\n  g: n1\n',
		});
		const resolver = loadGroupResolver({groupsConf: path.join(dir, 'groups.conf'), env: {}});
		expect(resolver.sources()).toEqual(['ca', 'cb', 'ym', 'yz']);
		expect(fold('@ca:x,@cb:x,@ym:g,@yz:g', resolver)).toBe('a-x,b-x,m[1-2],z1');
		// groupsdir is confdir's other name.
		const other = folder({'groups.conf': '[Main]\ngroupsdir: $CFGDIR/c\n', 'c/x.conf': '[x]\nmap: echo x1\n'});
		expect(loadGroupResolver({groupsConf: path.join(other, 'groups.conf'), env: {}}).sources()).toEqual(['x']);
	});

	it('refuses a confdir that is a file and YAML that is not groups, naming the file', () => {
		const dir = folder({
			'file.conf': '[Main]\nautodir: $CFGDIR/plain\n',
			plain: 'x',
			'bad.conf': '[Main]\nautodir: $CFGDIR/bad\n',
			'bad/a.yaml': 'a: [1\n',
			'list.conf': '[Main]\nautodir: $CFGDIR/list\n',
			'list/a.yaml': '- a\n',
			'src.conf': '[Main]\nautodir: $CFGDIR/src\n',
			'src/a.yaml': 'a: [x]\n',
		});
		const load = (name: string) => () => loadGroupResolver({groupsConf: path.join(dir, name), env: {}}).sources();
		const file = caught(load('file.conf'));
		expect([file.reason, file.part]).toEqual([`defined autodir ${path.join(dir, 'plain')} is not a directory`, path.join(dir, 'plain')]);
		const bad = caught(load('bad.conf'));
		expect(bad.part).toBe(path.join(dir, 'bad', 'a.yaml'));
		// js-yaml's first line, with where in the file.
		expect(bad.reason).toMatch(/ \(\d+:\d+\)$/);
		expect(caught(load('list.conf')).reason).toBe('invalid content (base is not a dict)');
		expect(caught(load('src.conf')).reason).toBe('invalid content (group source \'a\' is not a dict)');
	});

	it('runs upcalls in the config folder with $GROUP, ${NODE}, $SOURCE and $$, and reports each to -d', () => {
		const dir = folder({'groups.conf': [
			'[u]',
			"map: echo \"$GROUP-${SOURCE}\" '$$HOME' '$NOSUCH' | tr -d '$'",
			'all: echo all1 all2',
			'list: printf "a b\\nc\\n"',
			'reverse: echo rev-$NODE',
			'[fails]',
			'map: echo partial; exit 3',
			'',
		].join('\n')});
		const lines: string[] = [];
		const resolver = loadGroupResolver({groupsConf: path.join(dir, 'groups.conf'), env: {}, debug: line => lines.push(line)});
		expect(fold('@web', resolver)).toBe('HOME,NOSUCH,web-u');
		expect(lines).toEqual([
			'DEBUG:ClusterShell.NodeUtils:EXEC \'echo "web-u" \'$HOME\' \'$NOSUCH\' | tr -d \'$\'\'',
			'DEBUG:ClusterShell.NodeUtils:READ \'web-u HOME NOSUCH\'',
		]);
		expect(fold('@*', resolver)).toBe('all[1-2]');
		expect(listGroups(resolver)).toEqual(['a', 'b', 'c']);
		expect(resolver.nodeGroups('n1')).toEqual(['rev-n1']);
		expect(caught(() => resolver.nodeGroups('n1;x')).reason).toBe('node name "n1;x" has characters a group source command cannot take');
		lines.length = 0;
		const failed = caught(() => parseNodeSet('@fails:x', {resolver}));
		expect([failed.reason, failed.part]).toEqual(['group source "fails" command failed', '@fails:x']);
		expect(lines).toEqual([
			'DEBUG:ClusterShell.NodeUtils:EXEC \'echo partial; exit 3\'',
			'DEBUG:ClusterShell.NodeUtils:READ \'partial\'',
			'DEBUG:ClusterShell.NodeUtils:ERROR \'echo partial; exit 3\' returned 3',
		]);
	});

	it('without all or list upcalls: @* and @@ say the source cannot list', () => {
		const dir = folder({'groups.conf': '[u]\nmap: echo x1\n'});
		const resolver = loadGroupResolver({groupsConf: path.join(dir, 'groups.conf'), env: {}});
		expect(resolver.source().all()).toBeUndefined();
		expect(resolver.source().list()).toBeUndefined();
		expect(resolver.source().reverse).toBeUndefined();
		expect(caught(() => parseNodeSet('@*', {resolver})).reason).toBe('group source "u" cannot list its groups');
	});

	it('reuses an answer within cache_time, per command', () => {
		const dir = folder({'groups.conf': '[c]\nmap: echo $GROUP >> $CFGDIR/runs; echo n1\ncache_time: 100\n'});
		const resolver = loadGroupResolver({groupsConf: path.join(dir, 'groups.conf'), env: {}});
		for (const group of ['a', 'b', 'a', 'b', 'a']) {
			expect(fold(`@${group}`, resolver)).toBe('n1');
		}

		expect(readFileSync(path.join(dir, 'runs'), 'utf8')).toBe('a\nb\n');
	});
});

