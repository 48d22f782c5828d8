import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors.js';
import SSHConfig from 'ssh-config';
import {configProblems, loadConfigText, parseConfig, parseProxyJump, resolveHostConfig, type ConfigSources} from '../../source/ssh/config.js';

function sources(files: Record<string, string>, extra: Partial<ConfigSources> = {}): ConfigSources {
	return {
		home: '/home/ann',
		env: {KEYS: '/keys'},
		localUser: 'ann',
		localHostName: 'desk.example.org',
		readFile: path => files[path],
		listDir: dir => {
			const prefix = dir.endsWith('/') ? dir : `${dir}/`;
			const names = Object.keys(files).filter(path => path.startsWith(prefix)).map(path => path.slice(prefix.length).split('/')[0] ?? '');
			return names.length === 0 ? undefined : [...new Set(names)];
		},
		...extra,
	};
}

function resolve(alias: string, files: Record<string, string>, extra: Partial<ConfigSources> = {}) {
	const s = sources(files, extra);
	return resolveHostConfig(alias, loadConfigText(s), s);
}

describe('parseConfig', () => {
	// Host blocks per node (as a site's generated config has), negation, `?`, several patterns per line,
	// Match blocks and top-level lines between blocks: the filtered view must compute what the whole file does.
	const text = [
		'User top',
		...Array.from({length: 50}, (_, index) => `Host node${index + 1}\n  HostName 10.0.0.${index + 1}`),
		'Host node* !node7',
		'  Port 2222',
		'Match host node3',
		'  User matched',
		'Host web? db*,cache1',
		'  IdentityFile /k/%h',
		'Host *',
		'  User everyone',
		'  ProxyJump bastion',
	].join('\n');
	const parsed = parseConfig(text);

	it.each(['node1', 'node3', 'node7', 'node50', 'node51', 'web', 'web1', 'web12', 'db9', 'cache1', 'cache12', 'other'])('%s computes as over the whole file', alias => {
		const whole = SSHConfig.parse(text).compute(alias, {ignoreCase: true, matchExec: false});
		expect(parsed.linesFor(alias).compute(alias, {ignoreCase: true, matchExec: false})).toEqual(whole);
	});

	it('keeps only the Host blocks that can match, and every Match block', () => {
		const lines = parsed.linesFor('node3');
		const text = (value: unknown): string => (Array.isArray(value) ? value.map(({val}: {val: string}) => val).join(' ') : String(value));
		const hosts = lines.flatMap(line => ('param' in line && /^(host|match)$/i.test(line.param) ? [`${line.param} ${text((line as {value: unknown}).value)}`] : []));
		expect(hosts).toEqual(['Host node3', 'Host node* !node7', 'Match host node3', 'Host *']);
	});
});

describe('resolveHostConfig', () => {
	it('applies first-match-wins over Host patterns, with negation', () => {
		const config = ['Host web* !web9', '  HostName %h.lan', '  Port 2222', 'Host *', '  User admin', '  Port 22', ''].join('\n');
		const web1 = resolve('WEB1', {'/home/ann/.ssh/config': config});
		expect(web1).toMatchObject({alias: 'web1', hostName: 'web1.lan', port: 2222, user: 'admin'});
		expect(resolve('web9', {'/home/ann/.ssh/config': config})).toMatchObject({hostName: 'web9', port: 22});
	});

	it('uses defaults when nothing is configured', () => {
		expect(resolve('n1', {})).toMatchObject({
			hostName: 'n1',
			port: 22,
			user: 'ann',
			identityFiles: ['/home/ann/.ssh/id_ed25519', '/home/ann/.ssh/id_ecdsa', '/home/ann/.ssh/id_rsa'],
			identityFilesConfigured: false,
			strictHostKeyChecking: 'ask',
			userKnownHostsFiles: ['/home/ann/.ssh/known_hosts', '/home/ann/.ssh/known_hosts2'],
			proxyJump: [],
			serverAliveCountMax: 3,
		});
	});

	it('expands tokens, ~ and ${ENV} in IdentityFile and UserKnownHostsFile, keeping several', () => {
		const config = ['Host n*', '  HostName 10.0.0.%%1', '  User ops', '  IdentityFile ~/.ssh/%r@%h_%p', '  IdentityFile ${KEYS}/%n-%u-%L', '  UserKnownHostsFile ~/kh/%k /etc/kh "~/with space"', ''].join('\n');
		const host = resolve('n2', {'/home/ann/.ssh/config': config});
		expect(host.hostName).toBe('10.0.0.%1');
		expect(host.identityFiles).toEqual(['/home/ann/.ssh/ops@10.0.0.%1_22', '/keys/n2-ann-desk']);
		expect(host.identityFilesConfigured).toBe(true);
		expect(host.userKnownHostsFiles).toEqual(['/home/ann/kh/10.0.0.%1', '/etc/kh', '/home/ann/with space']);
	});

	it('follows Include globs relative to ~/.ssh, scoped to the block they appear in', () => {
		const files = {
			'/home/ann/.ssh/config': ['Host a', '  Include conf.d/*.conf', '  User fromouter', 'Host *', '  Port 2200', ''].join('\n'),
			'/home/ann/.ssh/conf.d/1.conf': 'HostName one.example\n',
			'/home/ann/.ssh/conf.d/2.conf': 'Host other\n  HostName other.example\n',
			'/home/ann/.ssh/conf.d/skip.txt': 'HostName wrong\n',
		};
		expect(resolve('a', files)).toMatchObject({hostName: 'one.example', user: 'fromouter', port: 2200});
		expect(resolve('other', files)).toMatchObject({hostName: 'other.example', user: 'ann', port: 2200});
	});

	it('reads only the -F file when given, else ~/.ssh/config then /etc/ssh/ssh_config', () => {
		const files = {'/home/ann/.ssh/config': 'Host x\n  Port 1\n', '/etc/ssh/ssh_config': 'Host *\n  Port 3\n  HashKnownHosts yes\n', '/tmp/f': 'Port 2\n'};
		expect(resolve('x', files)).toMatchObject({port: 1, hashKnownHosts: true});
		expect(resolve('y', files).port).toBe(3);
		expect(resolve('x', files, {configFile: '/tmp/f'})).toMatchObject({port: 2, hashKnownHosts: false});
		expect(() => resolve('x', files, {configFile: '/tmp/missing'})).toThrow('/tmp/missing: ssh config file not found');
	});

	it('never runs Match exec', () => {
		const config = 'Match exec "touch /tmp/svctui-must-not-exist"\n  Port 9\n';
		expect(resolve('z', {'/home/ann/.ssh/config': config}).port).toBe(22);
	});

	it('parses numbers, yes/no and StrictHostKeyChecking values, and rejects bad ones', () => {
		const config = ['Host t', '  ConnectTimeout 7', '  ServerAliveInterval 5', '  ServerAliveCountMax 2', '  StrictHostKeyChecking off', '  BatchMode yes', '  IdentitiesOnly yes', '  KexAlgorithms +curve25519-sha256', 'Host bad', '  Port abc', 'Host bad2', '  StrictHostKeyChecking maybe', ''].join('\n');
		const files = {'/home/ann/.ssh/config': config};
		expect(resolve('t', files)).toMatchObject({connectTimeoutMs: 7000, serverAliveIntervalMs: 5000, serverAliveCountMax: 2, strictHostKeyChecking: 'no', batchMode: true, identitiesOnly: true, kexAlgorithms: '+curve25519-sha256'});
		expect(() => resolve('bad', files)).toThrow(UserError);
		expect(() => resolve('bad', files)).toThrow('ssh config for bad: Port "abc" is not a whole number from 1 to 65535');
		expect(() => resolve('bad2', files)).toThrow('StrictHostKeyChecking "maybe"');
	});

	it('resolves ProxyJump chains and none', () => {
		const config = 'Host n\n  ProxyJump ops@bastion:2222,ssh://inner,[fe80::1]:22\nHost m\n  ProxyJump none\n';
		expect(resolve('n', {'/home/ann/.ssh/config': config}).proxyJump).toEqual([{host: 'bastion', user: 'ops', port: 2222}, {host: 'inner'}, {host: 'fe80::1', port: 22}]);
		expect(resolve('m', {'/home/ann/.ssh/config': config}).proxyJump).toEqual([]);
		expect(() => parseProxyJump('a b', 'here')).toThrow('here: ProxyJump hop "a b" is not [user@]host[:port]');
	});
});

// Issue 7 item 5: OpenSSH refuses a file with garbage lines ("terminating, N bad configuration options");
// svctui silently ignored them. The messages follow `ssh -F FILE -G host` (compared in config-oracle.test.ts).
describe('configProblems: the lines OpenSSH refuses', () => {
	it.each([
		['this is garbage', [{line: 1, message: 'bad configuration option "this"'}]],
		['Host a\n  foo=bar', [{line: 2, message: 'bad configuration option "foo"'}]],
		['Host', [{line: 1, message: 'no argument after keyword "host"'}]],
		['Port=', [{line: 1, message: 'no argument after keyword "port"'}]],
		['User "abc', [{line: 1, message: 'invalid quotes'}]],
		["User 'abc", [{line: 1, message: 'invalid quotes'}]],
		['Match bogus x', [{line: 1, message: 'unsupported Match criterion "bogus"'}]],
		['Match host', [{line: 1, message: 'Match host needs an argument'}]],
		['Match # nothing', [{line: 1, message: 'Match needs at least one criterion (all, host, user, exec …)'}]],
		['\u0001', [{line: 1, message: 'no argument after keyword "\\u0001"'}]],
		// IgnoreUnknown covers the lines after it, not before.
		['UseKeychain yes\nIgnoreUnknown UseKeychain\nUseKeychain yes', [{line: 1, message: 'bad configuration option "usekeychain"'}]],
		// OpenSSH keeps the first IgnoreUnknown (ssh -G: line 3 refused), and refuses a second argument.
		['IgnoreUnknown a b\nIgnoreUnknown Bogus\nBogus x', [
			{line: 1, message: 'IgnoreUnknown takes one comma-separated list; extra arguments at end of line'},
			{line: 3, message: 'bad configuration option "bogus"'},
		]],
		// Under `Host a` it applies to host a only: OpenSSH refuses the file for any other host.
		['Host a\nIgnoreUnknown Bogus\nBogus x', [{line: 3, message: 'bad configuration option "bogus"'}]],
		['Match host a\nIgnoreUnknown Bogus\nBogus x', [{line: 3, message: 'bad configuration option "bogus"'}]],
		// A Match line OpenSSH refuses does not end the block before it.
		['Match host\nIgnoreUnknown use*\nUseKeychain x', [{line: 1, message: 'Match host needs an argument'}]],
		// Host a keeps Foo, the first IgnoreUnknown that applies to it, and refuses Bar (ssh -G a).
		['Host a\nIgnoreUnknown Foo\nHost *\nIgnoreUnknown Bar\nBar x', [{line: 5, message: 'bad configuration option "bar"'}]],
		['IgnoreUnknown ""\nIgnoreUnknown Bogus\nBogus x', [{line: 1, message: 'IgnoreUnknown needs a comma-separated list of keywords'}]],
	])('%j', (text, problems) => {
		expect(configProblems(text)).toEqual(problems);
	});

	it.each([
		'',
		'# a comment\n\n   \t\n',
		'Host *\n\tUser "a b"\n  Port = 22\n  =Port 22\nPort 22 # trailing comment',
		'Match host a,b !user c exec "test -f /x" all\nMatch canonical final host x',
		'IgnoreUnknown UseKeychain,AddKeys*\nUseKeychain yes\nAddKeysToAgentX yes',
		'Host a\nPort 1\nHost *\nIgnoreUnknown Bogus\nMatch all\nBogus x',
		'Match all\nIgnoreUnknown Bogus\nHost b\nBogus x',
		'Host a\nIgnoreUnknown Foo,Bar\nHost *\nIgnoreUnknown Bar\nBar x',
		'KeepAlive yes\nCipher blowfish\nProtocol 2\nRSAAuthentication no',
		'Include ~/.ssh/config.d/*\nSendEnv LANG LC_*\nHashKnownHosts yes\nGSSAPIAuthentication yes',
	])('accepts %j', text => {
		expect(configProblems(text)).toEqual([]);
	});

	it('a line OpenSSH ignores but the ssh-config parser chokes on is one UserError naming the line, not a stack trace', () => {
		expect(configProblems('="unterminated')).toEqual([]);
		expect(() => loadConfigText(sources({'/cfg': 'Port 22\n="unterminated\n'}, {configFile: '/cfg'}))).toThrow(UserError);
		expect(() => loadConfigText(sources({'/cfg': 'Port 22\n="unterminated\n'}, {configFile: '/cfg'}))).toThrow(/^\/cfg:2: svctui cannot read this line/);
		expect(() => resolveHostConfig('n1', '="unterminated', sources({}))).toThrow(UserError);
	});

	it('refuses a file at its first bad line, naming file and line; an Include inherits IgnoreUnknown', () => {
		expect(() => loadConfigText(sources({'/cfg': 'Host a\n  Port 22\nthis is garbage\n'}, {configFile: '/cfg'}))).toThrow(
			new UserError('/cfg:3: bad configuration option "this"; fix or remove the line (OpenSSH refuses this file too)'),
		);
		expect(() => loadConfigText(sources({'/home/ann/.ssh/config': 'Include extra\n', '/home/ann/.ssh/extra': 'Port 22\nBogus 1\n'}))).toThrow(
			'/home/ann/.ssh/extra:2: bad configuration option "bogus"',
		);
		expect(loadConfigText(sources({'/home/ann/.ssh/config': 'IgnoreUnknown Bogus\nInclude extra\n', '/home/ann/.ssh/extra': 'Bogus 1\n'}))).toContain('Bogus 1');
	});

	// Each case as `ssh -F config -G zz` (OpenSSH 9.2) answers it, with the files under /tmp instead of ~/.ssh.
	it('reads an included file at its Include line: an IgnoreUnknown there comes before the parent\'s later one', () => {
		const home = '/home/ann/.ssh';
		// OpenSSH keeps the included Foo, so the system file's Bar is refused.
		expect(() => loadConfigText(sources({[`${home}/config`]: 'Include extra\nIgnoreUnknown Bar\n', [`${home}/extra`]: 'IgnoreUnknown Foo\n', '/etc/ssh/ssh_config': 'Bar yes\n'}))).toThrow(
			'/etc/ssh/ssh_config:1: bad configuration option "bar"',
		);
		expect(loadConfigText(sources({[`${home}/config`]: 'Include extra\nIgnoreUnknown Bar\n', [`${home}/extra`]: 'IgnoreUnknown Foo\nFoo 1\n'}))).toContain('Foo 1');
		// Line numbers go on counting after an Include.
		expect(() => loadConfigText(sources({[`${home}/config`]: 'Port 1\nInclude extra\nPort 2\nBogus 3\n', [`${home}/extra`]: 'Port 4\n'}))).toThrow(`${home}/config:4: bad configuration option "bogus"`);
	});

	it.each([
		['IgnoreUnknown Bogus\nBogus 1\n', 2],
		['Host *\nIgnoreUnknown Bogus\nBogus 1\n', 3],
	])('an IgnoreUnknown in a file included under `Host foo` covers host foo only (included: %j)', (extra, line) => {
		expect(() => loadConfigText(sources({'/home/ann/.ssh/config': 'Host foo\nInclude extra\n', '/home/ann/.ssh/extra': extra}))).toThrow(
			`/home/ann/.ssh/extra:${line}: bad configuration option "bogus"`,
		);
	});

	it('each file of an Include glob starts in the Include line\'s block, not where the file before it ended', () => {
		const files = {'/home/ann/.ssh/config': 'Include conf.d/*\n', '/home/ann/.ssh/conf.d/a': 'Port 1\nHost x\n', '/home/ann/.ssh/conf.d/b': 'IgnoreUnknown Bogus\nBogus 1\n'};
		expect(loadConfigText(sources(files))).toContain('Bogus 1');
	});

	it('an IgnoreUnknown in a file included at the top level covers every host', () => {
		expect(loadConfigText(sources({'/home/ann/.ssh/config': 'Include extra\nBogus 2\n', '/home/ann/.ssh/extra': 'IgnoreUnknown Bogus\n'}))).toContain('Bogus 2');
	});
});
