import {UserError} from '../errors.js';
import {suggest} from '../plan/suggest.js';
import {flagSpecs, flagsFor, ownUsage, whereFlagApplies, type CommandName, type FlagSpec} from './flags.js';

/** The shared command line, read: which command, its words, and the flags as meow will see them. */
export type CommandLine =
	| {readonly kind: 'help'}
	| {readonly kind: 'version'}
	/** `validate` and `nodeset`: their own argv (any `--groupsconf` given before the word first). */
	| {readonly kind: 'own'; readonly command: 'validate' | 'nodeset'; readonly argv: readonly string[]}
	| {
		readonly kind: 'shared';
		readonly command: Exclude<CommandName, 'validate' | 'nodeset'>;
		/** The words after the command word (for `run` without the word: every word). */
		readonly words: readonly string[];
		/** The same command line in one canonical spelling (`--long=value`, switches, then `--` and the words), for meow. */
		readonly normalizedArgv: readonly string[];
		/** What was given, under meow's keys: a value, or true/false for a switch (what meow must read back). */
		readonly given: Readonly<Partial<Record<FlagSpec['key'], string | boolean>>>;
	};

const commandWords: ReadonlySet<string> = new Set(['run', 'check', 'demo', 'validate', 'nodeset']);

/**
 * Read the shared command line strictly, before meow sees it: flags are case-sensitive and exact, a switch
 * takes no value (`--json=1`), a flag with a value is given once, only \`--no-color\` negates, and a flag must
 * apply to the command. Every refusal is a \`UserError\` (one line, exit 2). Options may be written before
 * or after the words, as now; \`--\` ends them. For \`validate\` and \`nodeset\`, only flags before the word are
 * read here: what follows is theirs.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
	const values = new Map<FlagSpec['key'], {written: string; value: string}>();
	const switches = new Map<FlagSpec['key'], {written: string; on: boolean}>();
	const words: string[] = [];
	const order: Array<FlagSpec['key']> = [];
	const note = (key: FlagSpec['key']) => {
		if (!order.includes(key)) {
			order.push(key);
		}
	};

	const setValue = (spec: FlagSpec, written: string, value: string) => {
		const earlier = values.get(spec.key);
		if (earlier !== undefined) {
			throw new UserError(`${flagLabel(spec)} given twice (${quote(earlier.value)}, then ${quote(value)}); give it once`);
		}

		if (value === '') {
			throw new UserError(`${written} needs a value; see svctui --help`);
		}

		values.set(spec.key, {written, value});
		note(spec.key);
	};

	let index = 0;
	let own: 'validate' | 'nodeset' | undefined;
	for (; index < argv.length; index++) {
		const argument = argv[index] ?? '';
		if (argument === '--') {
			words.push(...argv.slice(index + 1));
			break;
		}

		if (argument.startsWith('--')) {
			const equals = argument.indexOf('=');
			const name = equals === -1 ? argument.slice(2) : argument.slice(2, equals);
			const inline = equals === -1 ? undefined : argument.slice(equals + 1);
			const written = `--${name}`;
			const negated = name.startsWith('no-') ? flagSpecs.find(spec => spec.long === name.slice(3)) : undefined;
			if (negated?.key === 'color') {
				if (inline !== undefined) {
					throw new UserError(`${written} takes no value; write ${written} alone`);
				}

				switches.set('color', {written, on: false});
				note('color');
				continue;
			}

			const spec = flagSpecs.find(candidate => candidate.long === name);
			if (spec === undefined) {
				throw new UserError(unknownLong(written, negated));
			}

			if (!spec.takesValue) {
				if (inline !== undefined) {
					throw new UserError(`${written} takes no value; write ${written} alone, or leave it out`);
				}

				switches.set(spec.key, {written, on: true});
				note(spec.key);
				continue;
			}

			if (inline !== undefined) {
				setValue(spec, written, inline);
				continue;
			}

			const next = argv[index + 1];
			if (next === undefined || next.startsWith('--')) {
				throw new UserError(`${written} needs a value; see svctui --help`);
			}

			setValue(spec, written, next);
			index++;
			continue;
		}

		if (argument.startsWith('-') && argument.length > 1) {
			// A cluster of short flags, getopt style: -yn, -f8, -yf 8.
			for (let at = 1; at < argument.length; at++) {
				const letter = argument[at] ?? '';
				const written = `-${letter}`;
				const spec = flagSpecs.find(candidate => candidate.short === letter);
				if (spec === undefined) {
					throw new UserError(unknownShort(written, argument));
				}

				if (!spec.takesValue) {
					switches.set(spec.key, {written, on: true});
					note(spec.key);
					continue;
				}

				const rest = argument.slice(at + 1);
				if (rest !== '') {
					setValue(spec, written, rest);
				} else {
					const next = argv[index + 1];
					if (next === undefined || next.startsWith('--')) {
						throw new UserError(`${written} needs a value; see svctui --help`);
					}

					setValue(spec, written, next);
					index++;
				}

				break;
			}

			continue;
		}

		if (words.length === 0 && (argument === 'validate' || argument === 'nodeset')) {
			own = argument;
			index++;
			break;
		}

		words.push(argument);
	}

	if (switches.get('help')?.on) {
		return {kind: 'help'};
	}

	if (switches.get('version')?.on) {
		return {kind: 'version'};
	}

	const [first, ...rest] = words;
	let command: CommandName;
	let commandWordsLeft: string[];
	if (own !== undefined) {
		command = own;
		commandWordsLeft = [];
	} else if (first === undefined) {
		command = 'app';
		commandWordsLeft = [];
	} else if (commandWords.has(first)) {
		command = first as CommandName;
		commandWordsLeft = rest;
	} else if (words.length >= 3) {
		// The ancestor's one-shot form, without the word `run`: NODES SERVICE ACTION [SERVICE ACTION...].
		command = 'run';
		commandWordsLeft = words;
	} else {
		throw new UserError(`unknown command ${quote(first)}; commands are run, check, validate, nodeset, demo (see svctui --help)`);
	}

	for (const key of order) {
		if (!flagsFor[command].has(key)) {
			const spec = flagSpecs.find(candidate => candidate.key === key)!;
			const written = values.get(key)?.written ?? switches.get(key)?.written ?? flagLabel(spec);
			throw new UserError(notApplicable(written, spec, command));
		}
	}

	if (command === 'validate' || command === 'nodeset') {
		const groupsConf = values.get('groupsconf');
		// The word after `--` (`svctui -- validate -odd.yaml`): what follows it is operands, even with a dash.
		const ownArgv = own === undefined ? ['--', ...commandWordsLeft] : argv.slice(index);
		return {kind: 'own', command, argv: groupsConf === undefined ? ownArgv : [`--groupsconf=${groupsConf.value}`, ...ownArgv]};
	}

	const normalizedArgv: string[] = [];
	const given: Partial<Record<FlagSpec['key'], string | boolean>> = {};
	for (const key of order) {
		const spec = flagSpecs.find(candidate => candidate.key === key)!;
		const value = values.get(key);
		if (value !== undefined) {
			normalizedArgv.push(`--${spec.long}=${value.value}`);
			given[key] = value.value;
		} else {
			const on = switches.get(key)?.on !== false;
			normalizedArgv.push(on ? `--${spec.long}` : `--no-${spec.long}`);
			given[key] = on;
		}
	}

	normalizedArgv.push('--', ...words);
	return {kind: 'shared', command, words: commandWordsLeft, normalizedArgv, given};
}

function quote(text: string): string {
	return JSON.stringify(text);
}

function flagLabel(spec: FlagSpec): string {
	return spec.short === undefined ? `--${spec.long}` : `--${spec.long} (-${spec.short})`;
}

function unknownLong(written: string, negated: FlagSpec | undefined): string {
	if (negated !== undefined) {
		return `unknown flag ${written}: only --no-color can be negated; leave --${negated.long} out to get its default`;
	}

	const bare = written.replace(/^-+/, '');
	const guess = suggest(bare, [...flagSpecs.map(spec => spec.long), 'no-color']);
	const hint = guess === undefined ? '' : `did you mean --${guess}? `;
	return `unknown flag ${written}; ${hint}flags are case-sensitive (see svctui --help)`;
}

function unknownShort(written: string, argument: string): string {
	const within = argument === written ? '' : ` (in ${argument})`;
	const shorts = flagSpecs.flatMap(spec => (spec.short === undefined ? [] : [`-${spec.short}`])).join(' ');
	return `unknown flag ${written}${within}; the short flags are ${shorts} (see svctui --help)`;
}

function notApplicable(written: string, spec: FlagSpec, command: CommandName): string {
	if (command === 'run' && spec.key === 'plan') {
		return `${written} does not go with run: give NODES SERVICE ACTION for a one-shot, or --plan FILE without them, not both`;
	}

	if (command === 'validate' || command === 'nodeset') {
		return `${written} does not apply to ${command}; usage: ${ownUsage[command]}`;
	}

	const name = command === 'app' ? 'the app or a plan run' : command;
	return `${written} does not apply to ${name}; it is for ${whereFlagApplies(spec.key)} (see svctui --help)`;
}
