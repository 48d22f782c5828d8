import {createHash} from 'node:crypto';
import SSHConfig from 'ssh-config';
import {UserError} from '../errors.js';

/**
 * Resolve a node name through OpenSSH client configuration (`ssh_config(5)`), the way `ssh -G` would, for
 * the keys svctui acts on. Pure over file contents: all file access goes through `ConfigSources`, so the
 * whole thing is unit-tested with an in-memory file system.
 *
 * ssh-config 5.3 does first-match-wins; we add what it lacks (STACK.md gotcha 11): `Include` (globs,
 * relative to ~/.ssh or /etc/ssh), `~`, `%` tokens, `${ENV}`, numbers, and the OpenSSH file order.
 */

/** How configuration files are read. `readFile` returns undefined for a missing file. */
export type ConfigSources = {
	/** The local user's home (`~`, `%d`). */
	readonly home: string;
	readonly env: Readonly<Record<string, string | undefined>>;
	/** `-F FILE`: read only this file, like OpenSSH (no ~/.ssh/config, no /etc/ssh/ssh_config). */
	readonly configFile?: string | undefined;
	/** `%u`, and the default `User`. */
	readonly localUser: string;
	/** `%l` (`%L` is its first label). @default 'localhost' */
	readonly localHostName?: string;
	/** `%i`. @default 0 */
	readonly localUid?: number;
	readonly readFile: (path: string) => string | undefined;
	/** Entry names of a directory, or undefined when it does not exist (for `Include` globs). */
	readonly listDir: (path: string) => readonly string[] | undefined;
};

/** One hop of `ProxyJump`: fields given in the jump spec override the jump host's own configuration. */
export type JumpSpec = {readonly host: string; readonly user?: string; readonly port?: number};

/** `StrictHostKeyChecking`, with `off` folded into `no`. `ask` never prompts here: it refuses like `yes`. */
export type StrictHostKeyChecking = 'yes' | 'ask' | 'accept-new' | 'no';

/** What svctui needs to connect to one host, resolved from the configuration. */
export type ResolvedHost = {
	/** The name as given (lower-cased, as OpenSSH does). */
	readonly alias: string;
	/** `HostName` (`%h` expanded), or the alias. */
	readonly hostName: string;
	/** @default the local user */
	readonly user: string;
	/** @default 22 */
	readonly port: number;
	/** `IdentityFile`s, expanded; the OpenSSH defaults when none is configured. */
	readonly identityFiles: readonly string[];
	/** True when `identityFiles` came from the configuration rather than the defaults. */
	readonly identityFilesConfigured: boolean;
	readonly identitiesOnly: boolean;
	/** `IdentityAgent` (expanded), `none`, or undefined for `SSH_AUTH_SOCK`. */
	readonly identityAgent: string | undefined;
	/** `ProxyJump` hops, first hop first. Empty for none. */
	readonly proxyJump: readonly JumpSpec[];
	/** `ProxyCommand`, which svctui does not run (reported as an error by the transport). */
	readonly proxyCommand: string | undefined;
	/** @default 'ask' */
	readonly strictHostKeyChecking: StrictHostKeyChecking;
	/** @default ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'] expanded */
	readonly userKnownHostsFiles: readonly string[];
	/** @default ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'] */
	readonly globalKnownHostsFiles: readonly string[];
	/** `HostKeyAlias`: the name looked up in known_hosts instead of `hostName`. */
	readonly hostKeyAlias: string | undefined;
	/** @default false */
	readonly hashKnownHosts: boolean;
	/** `ConnectTimeout` in ms, undefined when not configured. */
	readonly connectTimeoutMs: number | undefined;
	/** `ServerAliveInterval` in ms, undefined when not configured (0 = off). */
	readonly serverAliveIntervalMs: number | undefined;
	/** @default 3 */
	readonly serverAliveCountMax: number;
	/** Never prompts anyway; kept so callers can see it. @default false */
	readonly batchMode: boolean;
	/** Raw algorithm lists (`+`, `-`, `^` prefixes kept), undefined when not configured. */
	readonly kexAlgorithms: string | undefined;
	readonly hostKeyAlgorithms: string | undefined;
	readonly ciphers: string | undefined;
	readonly macs: string | undefined;
};

/** OpenSSH's limit on nested `Include` (READCONF_MAX_DEPTH). */
const maxIncludeDepth = 16;

/** Default identities tried when no `IdentityFile` is configured, in OpenSSH's order of preference here. */
export const defaultIdentityFiles = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'] as const;

/**
 * Read the configuration text OpenSSH would read, with every `Include` expanded in place.
 * With `-F` only that file; otherwise `~/.ssh/config` then `/etc/ssh/ssh_config`.
 * Throws `UserError` when the `-F` file is missing or an `Include` nests too deep.
 */
export function loadConfigText(sources: ConfigSources): string {
	if (sources.configFile !== undefined) {
		const text = sources.readFile(sources.configFile);
		if (text === undefined) {
			throw new UserError(`${sources.configFile}: ssh config file not found; check the -F / --ssh-config path`);
		}

		return expandIncludes(text, sources.configFile, 'user', sources, 0, []);
	}

	const parts: string[] = [];
	// OpenSSH reads all files into one set of options: IgnoreUnknown in ~/.ssh/config covers /etc/ssh/ssh_config too.
	const ignoreUnknown: string[] = [];
	const userFile = `${sources.home}/.ssh/config`;
	const user = sources.readFile(userFile);
	if (user !== undefined) parts.push(expandIncludes(user, userFile, 'user', sources, 0, ignoreUnknown));
	const systemFile = '/etc/ssh/ssh_config';
	const system = sources.readFile(systemFile);
	if (system !== undefined) parts.push(expandIncludes(system, systemFile, 'system', sources, 0, ignoreUnknown));
	// `Host *` between files: top-level lines of the next file must not land in the previous file's last block.
	return parts.join('\nHost *\n');
}

/**
 * Every keyword OpenSSH's client accepts (ssh_config(5) of 9.2, the aliases and deprecated names readconf.c
 * still knows, and the keywords of later releases, so a newer user's file is not refused), lower-cased.
 */
const knownKeywords: ReadonlySet<string> = new Set([
	'addkeystoagent', 'addressfamily', 'batchmode', 'bindaddress', 'bindinterface', 'canonicaldomains', 'canonicalizefallbacklocal',
	'canonicalizehostname', 'canonicalizemaxdots', 'canonicalizepermittedcnames', 'casignaturealgorithms', 'certificatefile',
	'checkhostip', 'ciphers', 'clearallforwardings', 'compression', 'connecttimeout', 'connectionattempts', 'controlmaster',
	'controlpath', 'controlpersist', 'dynamicforward', 'enableescapecommandline', 'enablesshkeysign', 'escapechar',
	'exitonforwardfailure', 'fingerprinthash', 'forkafterauthentication', 'forwardagent', 'forwardx11', 'forwardx11timeout',
	'forwardx11trusted', 'gatewayports', 'globalknownhostsfile', 'gssapiauthentication', 'gssapiclientidentity',
	'gssapidelegatecredentials', 'gssapikexalgorithms', 'gssapikeyexchange', 'gssapirenewalforcesrekey', 'gssapiserveridentity',
	'gssapitrustdns', 'hashknownhosts', 'host', 'hostbasedacceptedalgorithms', 'hostbasedauthentication', 'hostkeyalgorithms',
	'hostkeyalias', 'hostname', 'identitiesonly', 'identityagent', 'identityfile', 'ignoreunknown', 'include', 'ipqos',
	'kbdinteractiveauthentication', 'kbdinteractivedevices', 'kexalgorithms', 'knownhostscommand', 'localcommand', 'localforward',
	'loglevel', 'logverbose', 'macs', 'match', 'nohostauthenticationforlocalhost', 'numberofpasswordprompts', 'pkcs11provider',
	'passwordauthentication', 'permitlocalcommand', 'permitremoteopen', 'port', 'preferredauthentications', 'proxycommand',
	'proxyjump', 'proxyusefdpass', 'pubkeyacceptedalgorithms', 'pubkeyauthentication', 'rekeylimit', 'remotecommand',
	'remoteforward', 'requesttty', 'requiredrsasize', 'revokedhostkeys', 'securitykeyprovider', 'sendenv', 'serveralivecountmax',
	'serveraliveinterval', 'sessiontype', 'setenv', 'stdinnull', 'streamlocalbindmask', 'streamlocalbindunlink',
	'stricthostkeychecking', 'syslogfacility', 'tcpkeepalive', 'tunnel', 'tunneldevice', 'updatehostkeys', 'user',
	'userknownhostsfile', 'verifyhostkeydns', 'visualhostkey', 'xauthlocation',
	// Aliases, deprecated and unsupported names OpenSSH still accepts (it warns at most).
	'afstokenpassing', 'challengeresponseauthentication', 'cipher', 'compressionlevel', 'dsaauthentication', 'fallbacktorsh',
	'globalknownhostsfile2', 'hostbasedkeytypes', 'identityfile2', 'keepalive', 'kerberosauthentication', 'kerberostgtpassing',
	'protocol', 'protocolkeepalives', 'pubkeyacceptedkeytypes', 'rhostsauthentication', 'rhostsrsaauthentication',
	'rsaauthentication', 'setuptimeout', 'skeyauthentication', 'smartcarddevice', 'tisauthentication', 'useblacklistedkeys',
	'useprivilegedport', 'userknownhostsfile2', 'useroaming', 'usersh',
	// Later releases (9.3 and on).
	'channeltimeout', 'obscurekeystroketiming', 'tag', 'refuseconnection', 'versionaddendum', 'warnweakcrypto',
]);

/** `Match` criteria: those that stand alone, and those that take an argument. */
const matchAlone: ReadonlySet<string> = new Set(['all', 'canonical', 'final']);
const matchWithArgument: ReadonlySet<string> = new Set(['exec', 'host', 'originalhost', 'user', 'localuser', 'localnetwork', 'tagged', 'command', 'version', 'sessiontype']);

/** One line of an ssh_config that OpenSSH refuses. */
export type ConfigProblem = {readonly line: number; readonly message: string};

const separators = ' \t\r\n';

/** OpenSSH's strdelim(): the next word, split at whitespace, one `=`, or a quoted word; undefined for an open quote. */
function strdelim(text: string, from: number): {word: string; next: number} | undefined {
	let end = from;
	while (end < text.length && !separators.includes(text[end]!) && text[end] !== '"' && text[end] !== '=') end++;
	if (end >= text.length) return {word: text.slice(from), next: text.length};
	if (text[end] === '"') {
		const close = text.indexOf('"', end + 1);
		if (close === -1) return undefined;
		// The quote is dropped and the word runs to the closing quote (OpenSSH moves the rest of the line down).
		const word = text.slice(from, end) + text.slice(end + 1, close);
		let next = close + 1;
		while (next < text.length && separators.includes(text[next]!)) next++;
		return {word, next};
	}

	const equals = text[end] === '=';
	let next = end + 1;
	while (next < text.length && separators.includes(text[next]!)) next++;
	if (!equals && text[next] === '=') {
		next++;
		while (next < text.length && separators.includes(text[next]!)) next++;
	}

	return {word: text.slice(from, end), next};
}

/** OpenSSH's argv_split() (comments end the line at a word's start): the arguments, or undefined for unbalanced quotes. */
function argvSplit(text: string): string[] | undefined {
	const args: string[] = [];
	let i = 0;
	while (i < text.length) {
		const c = text[i]!;
		if (c === ' ' || c === '\t') {
			i++;
			continue;
		}

		if (c === '#') break;
		let arg = '';
		let quote = '';
		for (; i < text.length; i++) {
			const d = text[i]!;
			const after = text[i + 1];
			if (d === '\\' && after !== undefined && (after === '\'' || after === '"' || after === '\\' || (quote === '' && after === ' '))) {
				arg += after;
				i++;
			} else if (quote === '' && (d === ' ' || d === '\t')) {
				break;
			} else if (quote === '' && (d === '"' || d === '\'')) {
				quote = d;
			} else if (quote !== '' && d === quote) {
				quote = '';
			} else {
				arg += d;
			}
		}

		if (quote !== '') return undefined;
		args.push(arg);
	}

	return args;
}

/** `IgnoreUnknown` patterns: comma lists of `*`/`?` globs, `!` negating. */
function ignoredByPatterns(keyword: string, patterns: readonly string[]): boolean {
	return patterns.some(list => {
		let matched = false;
		for (const raw of list.split(',')) {
			const negated = raw.startsWith('!');
			const pattern = negated ? raw.slice(1) : raw;
			const re = new RegExp(`^${pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`);
			if (re.test(keyword)) {
				if (negated) return false;
				matched = true;
			}
		}

		return matched;
	});
}

/**
 * The lines of one ssh_config file that OpenSSH's client refuses ("terminating, N bad configuration
 * options"): unknown keywords (unless an earlier `IgnoreUnknown` covers them), a keyword with no argument,
 * unbalanced quotes, and `Match` criteria it does not know or that lack their argument. Values are not
 * checked here (resolveHostConfig checks the ones svctui uses). `ignoreUnknown` carries `IgnoreUnknown`
 * patterns across files (an Include sees its parent's); it is extended in place.
 */
export function configProblems(text: string, ignoreUnknown: string[] = []): ConfigProblem[] {
	const problems: ConfigProblem[] = [];
	const lines = text.split('\n');
	for (const [index, raw] of lines.entries()) {
		const line = index + 1;
		const stripped = raw.replace(/[ \t\r\n\f]+$/, '');
		let first = strdelim(stripped, 0);
		if (first?.word === '') first = strdelim(stripped, first.next);
		if (first === undefined || first.word === '' || first.word.startsWith('#')) continue;
		const keyword = first.word.toLowerCase();
		const rest = stripped.slice(first.next).replace(/^[ \t\r\n]+/, '');
		const shown = JSON.stringify(keyword);
		if (rest === '') {
			problems.push({line, message: `no argument after keyword ${shown}`});
			continue;
		}

		const args = argvSplit(rest);
		const known = knownKeywords.has(keyword);
		if (!known && !ignoredByPatterns(keyword, ignoreUnknown)) {
			problems.push({line, message: `bad configuration option ${shown}`});
			continue;
		}

		if (args === undefined) {
			problems.push({line, message: 'invalid quotes'});
			continue;
		}

		if (keyword === 'ignoreunknown' && args[0] !== undefined) {
			ignoreUnknown.push(args[0]);
		} else if (keyword === 'match') {
			if (args.length === 0) {
				problems.push({line, message: 'Match needs at least one criterion (all, host, user, exec …)'});
			}

			for (let at = 0; at < args.length; at++) {
				const criterion = (args[at] ?? '').replace(/^!/, '').toLowerCase();
				if (matchAlone.has(criterion)) continue;
				if (!matchWithArgument.has(criterion)) {
					problems.push({line, message: `unsupported Match criterion ${JSON.stringify(criterion)}`});
					break;
				}

				if (args[at + 1] === undefined) {
					problems.push({line, message: `Match ${criterion} needs an argument`});
					break;
				}

				at++;
			}
		}
	}

	return problems;
}

/** Refuse a file with any line OpenSSH refuses: one line naming the file and line. */
function checkConfigFile(text: string, file: string, ignoreUnknown: string[]): void {
	const [problem] = configProblems(text, ignoreUnknown);
	if (problem !== undefined) {
		throw new UserError(`${file}:${problem.line}: ${problem.message}; fix or remove the line (OpenSSH refuses this file too)`);
	}

	// A few lines OpenSSH ignores (an unterminated quote before any keyword) make the ssh-config parser throw:
	// say which line, once, instead of a stack trace per node.
	try {
		SSHConfig.parse(text);
	} catch (error) {
		const lines = text.split('\n');
		const bad = lines.findIndex(line => {
			try {
				SSHConfig.parse(line);
				return false;
			} catch {
				return true;
			}
		});
		const where = bad === -1 ? file : `${file}:${bad + 1}`;
		throw new UserError(`${where}: svctui cannot read this line (${error instanceof Error ? error.message : String(error)}); remove it`);
	}
}

const keywordPattern = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*?)\s*$/;

function expandIncludes(text: string, file: string, kind: 'user' | 'system', sources: ConfigSources, depth: number, ignoreUnknown: string[]): string {
	if (depth > maxIncludeDepth) {
		throw new UserError(`${file}: Include nested more than ${maxIncludeDepth} deep; check for an Include loop`);
	}

	// OpenSSH refuses a file with a line it does not understand; so does svctui, before any node is contacted.
	checkConfigFile(text, file, ignoreUnknown);

	const out: string[] = [];
	// The Host/Match line currently in force. After an included file (which may open blocks of its own), it is
	// repeated so the lines that follow stay in the block they were written in, as OpenSSH scopes Include.
	let section = 'Host *';
	const lines = text.split(/\r?\n/);
	for (const line of lines) {
		const match = keywordPattern.exec(line);
		const keyword = match?.[1]?.toLowerCase();
		if (keyword === 'host' || keyword === 'match') {
			section = line.trim();
			out.push(line);
			continue;
		}

		if (keyword !== 'include' || match === null) {
			out.push(line);
			continue;
		}

		for (const pattern of splitArgs(match[2] ?? '')) {
			let path = expandTilde(pattern, sources.home);
			if (!path.startsWith('/')) path = kind === 'user' ? `${sources.home}/.ssh/${path}` : `/etc/ssh/${path}`;
			for (const included of globPath(path, sources)) {
				const content = sources.readFile(included);
				if (content === undefined) continue;
				out.push(expandIncludes(content, included, kind, sources, depth + 1, ignoreUnknown), section);
			}
		}

	}

	return out.join('\n');
}

/** Split a directive's arguments on whitespace, honouring double quotes. */
function splitArgs(value: string): string[] {
	const args: string[] = [];
	for (const m of value.matchAll(/"([^"]*)"|(\S+)/g)) args.push(m[1] ?? m[2] ?? '');
	return args;
}

/** Expand `*`, `?` and `[...]` in each path component, sorted like glob(3). */
function globPath(path: string, sources: ConfigSources): string[] {
	const parts = path.split('/').filter(part => part !== '');
	let candidates = [''];
	for (const part of parts) {
		const next: string[] = [];
		if (!/[*?[]/.test(part)) {
			for (const base of candidates) next.push(`${base}/${part}`);
		} else {
			const re = globToRegExp(part);
			for (const base of candidates) {
				const entries = sources.listDir(base === '' ? '/' : base) ?? [];
				for (const entry of [...entries].sort()) {
					// Like glob(3), a wildcard does not match a leading dot.
					if (entry.startsWith('.') && !part.startsWith('.')) continue;
					if (re.test(entry)) next.push(`${base}/${entry}`);
				}
			}
		}

		candidates = next;
	}

	return candidates;
}

function globToRegExp(pattern: string): RegExp {
	let re = '';
	for (let i = 0; i < pattern.length; i++) {
		const c = pattern[i] ?? '';
		if (c === '*') re += '.*';
		else if (c === '?') re += '.';
		else if (c === '[') {
			const end = pattern.indexOf(']', i + 1);
			if (end === -1) {
				re += '\\[';
			} else {
				re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replaceAll('\\', '\\\\')}]`;
				i = end;
			}
		} else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
	}

	return new RegExp(`^${re}$`);
}

function expandTilde(path: string, home: string): string {
	if (path === '~') return home;
	if (path.startsWith('~/')) return `${home}${path.slice(1)}`;
	return path;
}

/**
 * Resolve `alias` through the configuration text from `loadConfigText`, like `ssh -G alias`.
 * `Match exec` is never run (it would execute arbitrary commands while merely resolving names): such blocks
 * do not apply. `CanonicalizeHostName` is ignored (ssh-config would run nslookup for it).
 * Throws `UserError` for values that are not valid (a non-numeric Port, an unknown `%` token, ...).
 */
export function resolveHostConfig(alias: string, config: string | ParsedConfig, sources: ConfigSources): ResolvedHost {
	const name = alias.toLowerCase();
	const parsed = typeof config === 'string' ? parseConfig(config) : config;
	const computed = parsed.linesFor(name).compute(name, {ignoreCase: true, matchExec: false});
	const first = (key: string): string | undefined => {
		const value = computed[key];
		const v = Array.isArray(value) ? value[0] : value;
		return v === undefined ? undefined : v;
	};

	const list = (key: string): string[] | undefined => {
		const value = computed[key];
		if (value === undefined) return undefined;
		// Multi-value directives come back already split (quotes removed); single strings are split here.
		return Array.isArray(value) ? value : splitArgs(value);
	};

	const where = `ssh config for ${name}`;
	const hostNameRaw = first('hostname');
	const hostName = hostNameRaw === undefined ? name : expandTokens(hostNameRaw, {h: name}, where, 'HostName').toLowerCase();
	const port = parseNumber(first('port'), 'Port', where, 1, 65_535) ?? 22;
	const user = first('user') ?? sources.localUser;
	const hostKeyAlias = first('hostkeyalias');
	const localHost = sources.localHostName ?? 'localhost';
	const tokens: Record<string, string> = {
		h: hostName,
		p: String(port),
		r: user,
		u: sources.localUser,
		n: name,
		d: sources.home,
		l: localHost,
		L: localHost.split('.')[0] ?? localHost,
		i: String(sources.localUid ?? 0),
		k: hostKeyAlias ?? hostName,
		C: createHash('sha1').update(`${localHost}${hostName}${port}${user}`).digest('hex'),
	};
	const path = (value: string, key: string): string =>
		expandTilde(expandTokens(expandEnv(value, sources.env, where, key), tokens, where, key), sources.home);

	const identityValue = computed['identityfile'];
	// IdentityFile takes one (possibly quoted, space-containing) path per line: never split it.
	const configuredIdentities = (identityValue === undefined ? [] : Array.isArray(identityValue) ? identityValue : [identityValue]).filter(file => file.toLowerCase() !== 'none');
	const identityFiles = (configuredIdentities.length > 0 ? configuredIdentities : [...defaultIdentityFiles]).map(file => path(file, 'IdentityFile'));
	const agent = first('identityagent');
	const userKnownHosts = list('userknownhostsfile') ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
	const globalKnownHosts = list('globalknownhostsfile') ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
	const connectTimeout = parseNumber(first('connecttimeout'), 'ConnectTimeout', where, 0, 86_400);
	const aliveInterval = parseNumber(first('serveraliveinterval'), 'ServerAliveInterval', where, 0, 86_400);
	const proxyCommand = first('proxycommand');

	return {
		alias: name,
		hostName,
		user,
		port,
		identityFiles,
		identityFilesConfigured: configuredIdentities.length > 0,
		identitiesOnly: parseYesNo(first('identitiesonly'), 'IdentitiesOnly', where) ?? false,
		identityAgent: agent === undefined ? undefined : agent.toLowerCase() === 'none' ? 'none' : agent === 'SSH_AUTH_SOCK' ? undefined : path(agent, 'IdentityAgent'),
		proxyJump: parseProxyJump(first('proxyjump'), where),
		proxyCommand: proxyCommand === undefined || proxyCommand.toLowerCase() === 'none' ? undefined : proxyCommand,
		strictHostKeyChecking: parseStrict(first('stricthostkeychecking'), where),
		userKnownHostsFiles: userKnownHosts.filter(f => f.toLowerCase() !== 'none').map(f => path(f, 'UserKnownHostsFile')),
		globalKnownHostsFiles: globalKnownHosts.filter(f => f.toLowerCase() !== 'none').map(f => path(f, 'GlobalKnownHostsFile')),
		hostKeyAlias,
		hashKnownHosts: parseYesNo(first('hashknownhosts'), 'HashKnownHosts', where) ?? false,
		// OpenSSH treats ConnectTimeout 0 as "no timeout set".
		connectTimeoutMs: connectTimeout === undefined || connectTimeout === 0 ? undefined : connectTimeout * 1000,
		serverAliveIntervalMs: aliveInterval === undefined ? undefined : aliveInterval * 1000,
		serverAliveCountMax: parseNumber(first('serveralivecountmax'), 'ServerAliveCountMax', where, 0, 1_000_000) ?? 3,
		batchMode: parseYesNo(first('batchmode'), 'BatchMode', where) ?? false,
		kexAlgorithms: first('kexalgorithms'),
		hostKeyAlgorithms: first('hostkeyalgorithms'),
		ciphers: first('ciphers'),
		macs: first('macs'),
	};
}

/**
 * The configuration parsed once, with each `Host` line's patterns compiled once. A site's ssh_config often
 * has a Host block per node: parsing the text and matching every block's patterns (ssh-config builds a RegExp
 * per pattern per test) for every node made resolving N nodes cost N × blocks.
 */
export type ParsedConfig = {
	/** The configuration without the Host blocks that cannot match `alias` (Match blocks and order kept). */
	linesFor(alias: string): SSHConfig;
};

export function parseConfig(configText: string): ParsedConfig {
	let parsed: SSHConfig;
	try {
		parsed = SSHConfig.parse(configText);
	} catch (error) {
		throw new UserError(`ssh config: svctui cannot read it (${error instanceof Error ? error.message : String(error)}); check the file`);
	}

	dropDirective(parsed, 'canonicalizehostname');
	const hostTests = new Map<SSHConfig[number], (alias: string) => boolean>();
	for (const line of parsed) {
		if (line.type === SSHConfig.DIRECTIVE && /^host$/i.test(line.param)) {
			const value = line.value as string | readonly {val: string}[];
			hostTests.set(line, compileHostPatterns(typeof value === 'string' ? value.split(',') : value.map(({val}) => val)));
		}
	}

	return {
		linesFor(alias) {
			return parsed.filter(line => hostTests.get(line)?.(alias) ?? true) as SSHConfig;
		},
	};
}

/**
 * A Host line's pattern list as one test, with ssh-config's own semantics (so the computed result is what
 * `compute` alone gives): a matching negated pattern vetoes the line, `*` is any run, `?` at most one character.
 */
function compileHostPatterns(patterns: readonly string[]): (alias: string) => boolean {
	const compiled = patterns.map(pattern => {
		const negated = pattern.startsWith('!');
		const body = (negated ? pattern.slice(1) : pattern)
			.replace(/[\\()[\]{}.+^$|]/g, '\\$&')
			.replace(/\*/g, '.*')
			.replace(/\?/g, '.?');
		return {negated, re: new RegExp(`^(?:${body})$`)};
	});
	return alias => {
		let matched = false;
		for (const {negated, re} of compiled) {
			if (re.test(alias)) {
				if (negated) return false;
				matched = true;
			}
		}

		return matched;
	};
}

function dropDirective(config: SSHConfig, lowerName: string): void {
	for (let i = config.length - 1; i >= 0; i--) {
		const line = config[i];
		if (line === undefined || line.type !== SSHConfig.DIRECTIVE) continue;
		if (line.param.toLowerCase() === lowerName) config.splice(i, 1);
		else if ('config' in line) dropDirective(line.config, lowerName);
	}
}

function expandTokens(value: string, tokens: Readonly<Record<string, string>>, where: string, key: string): string {
	return value.replace(/%(.)?/g, (whole, token: string | undefined) => {
		if (token === '%') return '%';
		const replacement = token === undefined ? undefined : tokens[token];
		if (replacement === undefined) {
			throw new UserError(`${where}: ${key} "${value}" uses unknown token "${whole}"; use %h %p %r %u %n %d %l %L %i %k %C or %%`);
		}

		return replacement;
	});
}

function expandEnv(value: string, env: Readonly<Record<string, string | undefined>>, where: string, key: string): string {
	return value.replace(/\$\{([A-Za-z_]\w*)\}/g, (_whole, variable: string) => {
		const replacement = env[variable];
		if (replacement === undefined) throw new UserError(`${where}: ${key} "${value}" uses \${${variable}}, which is not set in the environment`);
		return replacement;
	});
}

function parseNumber(value: string | undefined, key: string, where: string, min: number, max: number): number | undefined {
	if (value === undefined) return undefined;
	const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
	if (!Number.isInteger(n) || n < min || n > max) {
		throw new UserError(`${where}: ${key} "${value}" is not a whole number from ${min} to ${max}; fix it in the ssh config`);
	}

	return n;
}

function parseYesNo(value: string | undefined, key: string, where: string): boolean | undefined {
	if (value === undefined) return undefined;
	const v = value.toLowerCase();
	if (v === 'yes' || v === 'true') return true;
	if (v === 'no' || v === 'false') return false;
	throw new UserError(`${where}: ${key} "${value}" must be yes or no`);
}

function parseStrict(value: string | undefined, where: string): StrictHostKeyChecking {
	if (value === undefined) return 'ask';
	const v = value.toLowerCase();
	switch (v) {
		case 'yes':
		case 'true':
			return 'yes';
		case 'ask':
			return 'ask';
		case 'accept-new':
			return 'accept-new';
		case 'no':
		case 'off':
		case 'false':
			return 'no';
		default:
			throw new UserError(`${where}: StrictHostKeyChecking "${value}" must be yes, ask, accept-new, no or off`);
	}
}

/**
 * Parse a `ProxyJump` value: `none`, or comma-separated `[user@]host[:port]` / `ssh://[user@]host[:port]`
 * hops (IPv6 addresses in brackets). Exported for tests.
 */
export function parseProxyJump(value: string | undefined, where: string): JumpSpec[] {
	if (value === undefined || value.toLowerCase() === 'none') return [];
	return value.split(',').map(raw => {
		const hop = raw.trim().replace(/^ssh:\/\//, '');
		const m = /^(?:([^@\s]+)@)?(?:\[([^\]\s]+)\]|([^:@/\s]+))(?::(\d+))?$/.exec(hop);
		const host = m?.[2] ?? m?.[3];
		if (m === null || host === undefined) {
			throw new UserError(`${where}: ProxyJump hop "${raw}" is not [user@]host[:port]; fix it in the ssh config`);
		}

		const port = parseNumber(m[4], 'ProxyJump port', where, 1, 65_535);
		return {host: host.toLowerCase(), ...(m[1] === undefined ? {} : {user: m[1]}), ...(port === undefined ? {} : {port})};
	});
}
