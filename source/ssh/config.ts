import {createHash} from 'node:crypto';
import {UserError} from '../errors.js';
import {expandTilde, splitArgs} from './config-load.js';
import {parseConfig, type ParsedConfig} from './config-match.js';

// Parsing (config-syntax.ts), loading with Includes (config-load.ts) and matching (config-match.ts) live beside
// this file, which resolves one name; importers keep this one address.
export {configProblems, type ConfigProblem} from './config-syntax.js';
export {loadConfigText} from './config-load.js';
export {parseConfig, type ParsedConfig} from './config-match.js';

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

/** Default identities tried when no `IdentityFile` is configured, in OpenSSH's order of preference here. */
export const defaultIdentityFiles = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'] as const;

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