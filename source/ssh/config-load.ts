import {UserError} from '../errors.js';
import type {ConfigSources} from './config.js';
import {checkConfigLines, checkConfigParses, configWalk, type ConfigWalk, type IgnoreUnknownLists} from './config-syntax.js';

// Loading: the text OpenSSH would read, Includes expanded in place (globs, ~, relative to ~/.ssh or /etc/ssh).

/** OpenSSH's limit on nested `Include` (READCONF_MAX_DEPTH). */
const maxIncludeDepth = 16;

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

		return expandIncludes(text, sources.configFile, 'user', sources, 0, configWalk());
	}

	const parts: string[] = [];
	// OpenSSH reads all files into one set of options: IgnoreUnknown in ~/.ssh/config covers /etc/ssh/ssh_config too.
	const ignoreUnknown: IgnoreUnknownLists = {lists: [], settled: false};
	const userFile = `${sources.home}/.ssh/config`;
	const user = sources.readFile(userFile);
	if (user !== undefined) parts.push(expandIncludes(user, userFile, 'user', sources, 0, configWalk(ignoreUnknown)));
	const systemFile = '/etc/ssh/ssh_config';
	const system = sources.readFile(systemFile);
	if (system !== undefined) parts.push(expandIncludes(system, systemFile, 'system', sources, 0, configWalk(ignoreUnknown)));
	// `Host *` between files: top-level lines of the next file must not land in the previous file's last block.
	return parts.join('\nHost *\n');
}

const keywordPattern = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*?)\s*$/;

function expandIncludes(text: string, file: string, kind: 'user' | 'system', sources: ConfigSources, depth: number, walk: ConfigWalk): string {
	if (depth > maxIncludeDepth) {
		throw new UserError(`${file}: Include nested more than ${maxIncludeDepth} deep; check for an Include loop`);
	}

	const out: string[] = [];
	// The Host/Match line currently in force. After an included file (which may open blocks of its own), it is
	// repeated so the lines that follow stay in the block they were written in, as OpenSSH scopes Include.
	let section = 'Host *';
	const lines = text.split(/\r?\n/);
	// OpenSSH refuses a file with a line it does not understand; so does svctui, before any node is contacted. It
	// reads an included file at its Include line, so the lines are checked in that order: up to each Include, the
	// included files, then on (the first IgnoreUnknown that applies is the one OpenSSH keeps).
	let checkedTo = 0;
	const checkThrough = (end: number) => {
		checkConfigLines(lines.slice(checkedTo, end).join('\n'), file, walk, checkedTo + 1);
		checkedTo = end;
	};

	for (const [index, line] of lines.entries()) {
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

		checkThrough(index + 1);
		// Each included file starts in the block of its Include line, as OpenSSH reads it: under a block for some
		// hosts, nothing in it applies to every host.
		const scoped = !walk.everyHost;
		for (const pattern of splitArgs(match[2] ?? '')) {
			let path = expandTilde(pattern, sources.home);
			if (!path.startsWith('/')) path = kind === 'user' ? `${sources.home}/.ssh/${path}` : `/etc/ssh/${path}`;
			for (const included of globPath(path, sources)) {
				const content = sources.readFile(included);
				if (content === undefined) continue;
				out.push(expandIncludes(content, included, kind, sources, depth + 1, configWalk(walk.ignoreUnknown, scoped)), section);
			}
		}
	}

	checkThrough(lines.length);
	checkConfigParses(text, file);
	return out.join('\n');
}

/** Split a directive's arguments on whitespace, honouring double quotes. */
export function splitArgs(value: string): string[] {
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

export function expandTilde(path: string, home: string): string {
	if (path === '~') return home;
	if (path.startsWith('~/')) return `${home}${path.slice(1)}`;
	return path;
}
