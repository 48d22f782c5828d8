import {execFileSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import {load} from 'js-yaml';
import {NodeSetParseError} from './errors.js';
import {GroupResolver, groupWords, staticGroupSource, type GroupSource} from './groups.js';

/** Where to read groups.conf(5) from. */
export type LoadGroupResolverOptions = {
	/** An explicit groups.conf (`--groupsconf FILE`); when set, no other file is read. */
	readonly groupsConf?: string | undefined;
	/** Environment for `XDG_CONFIG_HOME`, `HOME` and `CLUSTERSHELL_CFGDIR`. */
	readonly env: NodeJS.ProcessEnv;
	/** Told every upcall command and its answer (`nodeset -d`), in ClusterShell's debug wording. */
	readonly debug?: ((line: string) => void) | undefined;
};

type Ini = Map<string, Map<string, string>>;

/**
 * Candidate groups.conf files: svctui's own first (used alone when present), then ClusterShell's
 * lookup, all of which ClusterShell reads and merges (later files override earlier ones).
 */
export function groupsConfCandidates(env: NodeJS.ProcessEnv): {own: string; clustershell: string[]} {
	const home = env.HOME ?? homedir();
	const xdg = env.XDG_CONFIG_HOME ?? path.join(home, '.config');
	const clustershell = [
		'/etc/clustershell/groups.conf',
		path.join(home, '.local/etc/clustershell/groups.conf'),
		'/usr/etc/clustershell/groups.conf',
		path.join(xdg, 'clustershell', 'groups.conf'),
	];
	if (env.CLUSTERSHELL_CFGDIR) {
		clustershell.push(path.join(env.CLUSTERSHELL_CFGDIR, 'groups.conf'));
	}

	return {own: path.join(xdg, 'svctui', 'groups.conf'), clustershell};
}

/**
 * Build a GroupResolver from groups.conf(5): `[Main] default`, `confdir` (more upcall `.conf`
 * files), `autodir` (YAML files, one static source per top-level key) and upcall sections
 * (`map`, `all`, `list` shell commands with `$GROUP`, `$CFGDIR`, `$SOURCE`).
 * A site configured for ClusterShell works unchanged. Nothing is read until a group is first needed.
 * @throws NodeSetParseError (kind `group`), on first use, for unreadable or invalid configuration.
 */
export function loadGroupResolver(options: LoadGroupResolverOptions): GroupResolver {
	return GroupResolver.deferred(() => readGroupResolver(options));
}

function readGroupResolver(options: LoadGroupResolverOptions): GroupResolver {
	let files: string[];
	if (options.groupsConf === undefined) {
		const {own, clustershell} = groupsConfCandidates(options.env);
		files = existsSync(own) ? [own] : clustershell;
	} else {
		files = [options.groupsConf];
	}

	const config: Ini = new Map();
	let lastRead: string | undefined;
	for (const file of files) {
		let text: string;
		try {
			text = readFileSync(file, 'utf8');
		} catch (error: unknown) {
			// ConfigParser.read() skips files it cannot open, and so do we — except the one the user named.
			if (options.groupsConf !== undefined) {
				throw configError(file, `cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the --groupsconf path`);
			}

			continue;
		}

		mergeIni(config, parseIni(text, file));
		lastRead = file;
	}

	if (lastRead === undefined) {
		return new GroupResolver([]);
	}

	const cfgdir = path.dirname(lastRead);
	const sources: GroupSource[] = [];
	const main = config.get('Main');
	const confdirs = main?.get('groupsdir') ?? main?.get('confdir');
	for (const dir of directories(confdirs, cfgdir, 'confdir')) {
		for (const file of readdirSync(dir).filter(name => name.endsWith('.conf')).sort()) {
			let text: string;
			try {
				text = readFileSync(path.join(dir, file), 'utf8');
			} catch {
				continue;
			}

			sources.push(...upcallSources(parseIni(text, path.join(dir, file)), dir, options.debug));
		}
	}

	for (const dir of directories(main?.get('autodir'), cfgdir, 'autodir')) {
		for (const file of readdirSync(dir).filter(name => name.endsWith('.yaml')).sort()) {
			sources.push(...yamlSources(path.join(dir, file)));
		}
	}

	sources.push(...upcallSources(config, cfgdir, options.debug));
	const wanted = main?.get('default');
	if (wanted && !sources.some(source => source.name === wanted)) {
		throw configError(lastRead, `default group source not found: "${wanted}"`);
	}

	try {
		return new GroupResolver(sources, wanted || sources[0]?.name);
	} catch (error) {
		if (error instanceof NodeSetParseError) {
			throw configError(lastRead, error.reason);
		}

		throw error;
	}
}

function configError(file: string, reason: string): NodeSetParseError {
	return new NodeSetParseError({input: file, part: file, reason, kind: 'group'});
}

/** Python shlex.split for the simple space-separated, optionally quoted lists groups.conf holds. */
function splitWords(text: string): string[] {
	const words: string[] = [];
	for (const match of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
		words.push(match[1] ?? match[2] ?? match[3] ?? '');
	}

	return words;
}

/** `string.Template.safe_substitute`: `$NAME` / `${NAME}` replaced when known, `$$` → `$`, rest kept. */
function substitute(template: string, values: Readonly<Record<string, string>>): string {
	return template.replaceAll(/\$(?:(\$)|([A-Za-z_]\w*)|\{([A-Za-z_]\w*)\})/g, (whole, dollar: string | undefined, name?: string, braced?: string) => {
		if (dollar) {
			return '$';
		}

		const key = name ?? braced ?? '';
		return Object.hasOwn(values, key) ? values[key]! : whole;
	});
}

function * directories(list: string | undefined, cfgdir: string, option: string): Generator<string> {
	if (!list) {
		return;
	}

	const seen = new Set<string>();
	for (const word of splitWords(list)) {
		const dir = path.normalize(substitute(word, {CFGDIR: cfgdir}));
		if (seen.has(dir)) {
			continue;
		}

		seen.add(dir);
		if (!existsSync(dir)) {
			continue;
		}

		if (!statSync(dir).isDirectory()) {
			throw configError(dir, `defined ${option} ${dir} is not a directory`);
		}

		yield dir;
	}
}

/** A ConfigParser subset: sections, `key = value` / `key: value`, `#`/`;` comments, indented continuation lines. */
function parseIni(text: string, file: string): Ini {
	const ini: Ini = new Map();
	let section: Map<string, string> | undefined;
	let lastKey: string | undefined;
	const lines = text.split(/\r?\n/);
	for (const [index, line] of lines.entries()) {
		if (/^\s*[#;]/.test(line) || line.trim() === '') {
			lastKey = undefined;
			continue;
		}

		if (/^\s/.test(line) && section && lastKey !== undefined) {
			section.set(lastKey, `${section.get(lastKey)!}\n${line.trim()}`);
			continue;
		}

		const header = /^\[([^\]]+)\]/.exec(line);
		if (header) {
			const name = header[1]!;
			section = ini.get(name) ?? new Map<string, string>();
			ini.set(name, section);
			lastKey = undefined;
			continue;
		}

		const option = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
		if (!option || !section) {
			throw configError(`${file}:${index + 1}:1`, section ? `cannot parse line "${line.trim()}"` : 'option outside a [section]');
		}

		lastKey = option[1]!.trim().toLowerCase();
		section.set(lastKey, option[2]!.trim());
	}

	return ini;
}

function mergeIni(into: Ini, from: Ini): void {
	for (const [name, options] of from) {
		const target = into.get(name) ?? new Map<string, string>();
		for (const [key, value] of options) {
			target.set(key, value);
		}

		into.set(name, target);
	}
}

function upcallSources(ini: Ini, cfgdir: string, debug: ((line: string) => void) | undefined): GroupSource[] {
	const sources: GroupSource[] = [];
	for (const [section, options] of ini) {
		for (const name of section.split(',')) {
			if (name === 'Main') {
				continue;
			}

			const map = options.get('map');
			if (map === undefined) {
				throw configError(section, `group source [${section}] has no map command`);
			}

			const cacheTime = options.get('cache_time');
			// ConfigParser float(): blanks, a sign, digits, a point, an exponent.
			if (cacheTime !== undefined && !/^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$/i.test(cacheTime)) {
				throw configError(section, `could not convert string to float: '${cacheTime}'`);
			}

			sources.push(upcallSource(name, cfgdir, {
				map,
				all: options.get('all'),
				list: options.get('list'),
				reverse: options.get('reverse'),
				cacheSeconds: cacheTime === undefined ? defaultCacheSeconds : Number(cacheTime),
			}, debug));
		}
	}

	return sources;
}

/** Group names (and node names, for `reverse`) that may be put into an upcall's shell command unquoted. */
const safeGroupName = /^[\w.+-]*$/;

/** An upcall that hangs must not hang svctui. */
const upcallTimeoutMs = 10_000;

/** ClusterShell's default `cache_time`: an upcall's answer is reused for an hour. */
const defaultCacheSeconds = 3600;

type UpcallCommands = {map: string; all: string | undefined; list: string | undefined; reverse: string | undefined; cacheSeconds: number};

/**
 * A source whose groups come from shell commands (ClusterShell upcalls). Each answer is reused for
 * `cache_time` seconds (default 3600), which matters in the app, where one resolver lives for hours.
 */
function upcallSource(name: string, cfgdir: string, commands: UpcallCommands, debug?: (line: string) => void, now: () => number = Date.now): GroupSource {
	const cache = new Map<string, {words: string[]; expires: number}>();
	const run = (template: string, values: Record<string, string>): string[] => {
		const command = substitute(template, {...values, CFGDIR: cfgdir, SOURCE: name});
		const cached = cache.get(command);
		if (cached && cached.expires >= now()) {
			return cached.words;
		}

		const log = (what: string, text: string): void => debug?.(`DEBUG:ClusterShell.NodeUtils:${what} '${text}'`);
		log('EXEC', command);
		let output: string;
		try {
			output = execFileSync('/bin/sh', ['-c', command], {cwd: cfgdir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: upcallTimeoutMs});
			log('READ', output.trim());
		} catch (error: unknown) {
			const failed = error as {stdout?: unknown; status?: unknown};
			if (typeof failed.status === 'number') {
				log('READ', String(failed.stdout ?? '').trim());
				debug?.(`DEBUG:ClusterShell.NodeUtils:ERROR '${command}' returned ${failed.status}`);
			}

			const timedOut = (error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
			const reason = timedOut ? `group source "${name}" command did not finish in ${upcallTimeoutMs / 1000} s` : `group source "${name}" command failed`;
			throw new NodeSetParseError({input: name, part: command, reason, kind: 'group'});
		}

		const words = output.trim().split(/\r?\n/);
		cache.set(command, {words, expires: now() + (commands.cacheSeconds * 1000)});
		return words;
	};

	return {
		name,
		map(group) {
			// The name goes into a shell command line (ClusterShell's $GROUP): only plain names may, or a plan
			// file could run commands here through a group name like @x';touch /tmp/y;'.
			if (!safeGroupName.test(group)) {
				throw new NodeSetParseError({input: group, part: group, reason: `group name "${group}" has characters a group source command cannot take; group names use letters, digits and . _ + -`, kind: 'group'});
			}

			return groupWords(run(commands.map, {GROUP: group}).join('\n'));
		},
		all: () => (commands.all === undefined ? undefined : groupWords(run(commands.all, {}).join('\n'))),
		list: () => (commands.list === undefined ? undefined : run(commands.list, {})),
		reverse: commands.reverse === undefined ? undefined : (node: string): string[] => {
			if (!safeGroupName.test(node)) {
				throw new NodeSetParseError({input: node, part: node, reason: `node name "${node}" has characters a group source command cannot take`, kind: 'group'});
			}

			return run(commands.reverse!, {NODE: node});
		},
	};
}

function yamlSources(file: string): GroupSource[] {
	let content: unknown;
	try {
		content = load(readFileSync(file, 'utf8'));
	} catch (error) {
		const reason = error instanceof Error ? error.message.split('\n')[0] ?? 'invalid YAML' : 'invalid YAML';
		throw configError(file, reason);
	}

	if (typeof content !== 'object' || content === null || Array.isArray(content)) {
		throw configError(file, 'invalid content (base is not a dict)');
	}

	return Object.entries(content as Record<string, unknown>).map(([name, groups]) => {
		if (typeof groups !== 'object' || groups === null || Array.isArray(groups)) {
			throw configError(file, `invalid content (group source '${name}' is not a dict)`);
		}

		return staticGroupSource(name, groups as Record<string, unknown>);
	});
}
