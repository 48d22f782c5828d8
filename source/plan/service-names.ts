/**
 * Service names as plan files and the step form write them: comma lists of systemd unit names.
 *
 * The name check is the first line of defence against shell injection: the executor interpolates
 * service names into remote commands unquoted, so only characters that are inert in a POSIX shell get
 * through: systemd.unit(5)'s unit-name characters less `\` (its escapes, `\x2d`, are shell
 * metacharacters too). The executor checks again with the same rule (test/plan/service-names-agree.test.ts).
 */

/** systemd's UNIT_NAME_MAX is 256 including the terminating NUL. */
const maxNameLength = 255;

const allowedCharacter = /^[A-Za-z\d:_.@-]$/;
const firstCharacter = /^[A-Za-z\d_]$/;

/** Why `name` is not a valid service name, or undefined when it is. */
export function serviceNameProblem(name: string): string | undefined {
	if (name === '') {
		return 'empty service name';
	}

	if (name.length > maxNameLength) {
		return `service name is ${name.length} characters long; the limit is ${maxNameLength}`;
	}

	for (const character of name) {
		if (!allowedCharacter.test(character)) {
			const shown = /^[\u0021-\u007E]$/.test(character) ? character : JSON.stringify(character).slice(1, -1) || character;
			return `${JSON.stringify(name)} is not a valid service name: "${shown}" is not allowed; use letters, digits and : - _ . @ (systemd unit names, without \\ escapes)`;
		}
	}

	const first = name[0] ?? '';
	if (!firstCharacter.test(first)) {
		return `${JSON.stringify(name)} is not a valid service name: it must not start with "${first}"`;
	}

	if (name.indexOf('@') !== name.lastIndexOf('@')) {
		return `${JSON.stringify(name)} is not a valid service name: a unit name holds at most one "@"`;
	}

	return undefined;
}

/**
 * Whether `name` is a valid service name (letters, digits and `:-_.@`, at most one `@`, starting with a
 * letter, digit or `_`, at most 255 characters), with or without a `.service` suffix.
 */
export function isValidServiceName(name: string): boolean {
	return serviceNameProblem(name) === undefined;
}

/** One entry of a comma list, with its character offset in the list's text. */
export type ListedName = {readonly name: string; readonly offset: number};

/** A problem inside a comma list, at a character offset in the list's text. */
export type NameListIssue = {readonly offset: number; readonly message: string};

/**
 * Split a comma list (`cron, nginx`) into names, trimming blanks around commas, and check every
 * entry: empty entries, invalid names and repeats are issues, each at its offset in `text`.
 */
export function checkNameList(text: string, noun: 'service' | 'dependency'): {names: ListedName[]; issues: NameListIssue[]} {
	const names: ListedName[] = [];
	const issues: NameListIssue[] = [];
	const seen = new Set<string>();
	let start = 0;
	for (const part of text.split(',')) {
		const leading = part.length - part.trimStart().length;
		const name = part.trim();
		const offset = start + leading;
		start += part.length + 1;
		if (name === '') {
			issues.push({offset, message: `empty ${noun} name in ${JSON.stringify(text)}; separate names with single commas`});
			continue;
		}

		const problem = serviceNameProblem(name);
		if (problem !== undefined) {
			issues.push({offset, message: problem});
			continue;
		}

		if (seen.has(name)) {
			issues.push({offset, message: `${noun} ${JSON.stringify(name)} is listed twice; list each once`});
			continue;
		}

		seen.add(name);
		names.push({name, offset});
	}

	return {names, issues};
}

/**
 * Parse the services field of the step form (`cron,nginx`). At least one valid, distinct name is
 * required; the error is one line saying what to fix.
 */
export function parseServiceList(text: string): {services: string[]} | {error: string} {
	if (text.trim() === '') {
		return {error: 'enter at least one service, e.g. nginx or cron,ssh'};
	}

	const {names, issues} = checkNameList(text, 'service');
	const [issue] = issues;
	return issue === undefined ? {services: names.map(entry => entry.name)} : {error: issue.message};
}

/** Parse the dependencies field of the step form (`ssh,nginx`); empty means no dependencies. */
export function parseDependList(text: string): {depend: string[]} | {error: string} {
	if (text.trim() === '') {
		return {depend: []};
	}

	const {names, issues} = checkNameList(text, 'dependency');
	const [issue] = issues;
	return issue === undefined ? {depend: names.map(entry => entry.name)} : {error: issue.message};
}
