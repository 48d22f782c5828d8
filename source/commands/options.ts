import {UserError} from '../errors.js';
import {expectedStates, type ExpectedState} from '../executor/service-commands.js';
import {parseDuration} from '../plan/duration.js';
import {suggest} from '../plan/suggest.js';
import {managers, type ManagerChoice} from '../plan/types.js';

/** The flags shared by the app, plan runs, one-shot runs and checks, as meow declares them. */
export const sharedFlags = {
	plan: {type: 'string', shortFlag: 'p'},
	yes: {type: 'boolean', shortFlag: 'y'},
	dryRun: {type: 'boolean', shortFlag: 'n'},
	json: {type: 'boolean'},
	headless: {type: 'boolean'},
	readOnly: {type: 'boolean'},
	sshConfig: {type: 'string', shortFlag: 'F'},
	acceptNew: {type: 'boolean'},
	fanout: {type: 'string', shortFlag: 'f'},
	connectTimeout: {type: 'string'},
	commandTimeout: {type: 'string'},
	sudo: {type: 'boolean'},
	manager: {type: 'string'},
	logDir: {type: 'string'},
	groupsconf: {type: 'string'},
	kind: {type: 'string'},
	color: {type: 'boolean', default: true},
	fps: {type: 'string'},
	limit: {type: 'string'},
	pick: {type: 'string'},
	expect: {type: 'string'},
	reuseWindow: {type: 'string'},
	help: {type: 'boolean', shortFlag: 'h'},
	version: {type: 'boolean', shortFlag: 'v'},
} as const;

/** A flag of the shared command line, as a user types it. */
type FlagSpec = {
	/** meow's (camel-case) key. */
	readonly key: keyof typeof sharedFlags;
	/** The long form without `--`. */
	readonly long: string;
	readonly short?: string;
	/** True for flags that take a value (`--plan FILE`); false for switches (`--yes`). */
	readonly takesValue: boolean;
};

function kebab(name: string): string {
	return name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
}

const flagSpecs: readonly FlagSpec[] = Object.entries(sharedFlags).map(([key, spec]) => ({
	key: key as keyof typeof sharedFlags,
	long: kebab(key),
	...('shortFlag' in spec ? {short: spec.shortFlag} : {}),
	takesValue: spec.type === 'string',
}));

/** The commands of the shared command line, and the two that parse their own argv. */
export type CommandName = 'app' | 'run' | 'check' | 'demo' | 'validate' | 'nodeset';

/**
 * Which shared flags each command takes. A flag that means nothing to a command is refused rather than
 * silently ignored (`check --kind x`, `-F cfg validate p.yaml`). `help` and `version` apply everywhere.
 */
const flagsFor: Readonly<Record<CommandName, ReadonlySet<FlagSpec['key']>>> = (() => {
	const all = flagSpecs.map(spec => spec.key).filter(key => key !== 'help' && key !== 'version');
	const without = (...keys: ReadonlyArray<FlagSpec['key']>) => new Set(all.filter(key => !keys.includes(key)));
	return {
		app: without('kind'),
		run: without('plan', 'kind', 'reuseWindow'),
		// `--log-dir` for check: where `@failed`, `@unreachable` … are read from.
		check: new Set<FlagSpec['key']>(['plan', 'json', 'sshConfig', 'acceptNew', 'fanout', 'connectTimeout', 'commandTimeout', 'sudo', 'manager', 'groupsconf', 'logDir', 'limit', 'pick', 'color']),
		demo: new Set(all),
		validate: new Set<FlagSpec['key']>(['groupsconf']),
		nodeset: new Set<FlagSpec['key']>(['groupsconf']),
	};
})();

/** What a refused flag is for, to say so in the message. */
function whereFlagApplies(key: FlagSpec['key']): string {
	const commands = (['app', 'run', 'check', 'demo'] as const).filter(command => flagsFor[command].has(key)).map(command => (command === 'app' ? 'the app and plan runs' : command));
	return commands.join(', ');
}

/** Own usage lines of the commands that parse their own argv, for "does not apply" messages. */
const ownUsage: Readonly<Record<'validate' | 'nodeset', string>> = {
	validate: 'svctui validate [--groupsconf FILE] FILE...',
	nodeset: 'svctui nodeset [-f|-e|-c] [-x|-i|-X SET] NODESET... (see svctui nodeset --help)',
};

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

/** Raw flag values as meow hands them over. */
export type RawFlags = {
	readonly plan?: string;
	readonly yes?: boolean;
	readonly dryRun?: boolean;
	readonly json?: boolean;
	readonly headless?: boolean;
	readonly readOnly?: boolean;
	readonly sshConfig?: string;
	readonly acceptNew?: boolean;
	readonly fanout?: string;
	readonly connectTimeout?: string;
	readonly commandTimeout?: string;
	readonly sudo?: boolean;
	readonly manager?: string;
	readonly logDir?: string;
	readonly groupsconf?: string;
	readonly kind?: string;
	readonly color?: boolean;
	readonly fps?: string;
	readonly limit?: string;
	readonly pick?: string;
	readonly expect?: string;
	readonly reuseWindow?: string;
};

/** Validated options every run-like command uses. */
export type RunOptions = {
	readonly planFile?: string;
	readonly yes: boolean;
	readonly dryRun: boolean;
	readonly json: boolean;
	readonly headless: boolean;
	/** Only `status` may run; the app hides the keys that change things (k9s's --readonly). */
	readonly readOnly: boolean;
	readonly sshConfig?: string;
	readonly acceptNew: boolean;
	/** @default 64 (ClusterShell's fanout) */
	readonly fanout: number;
	/** Undefined means: ssh_config's ConnectTimeout, else 10 s. */
	readonly connectTimeoutMs?: number;
	/** @default 300_000 */
	readonly commandTimeoutMs: number;
	readonly sudo: boolean;
	readonly manager: ManagerChoice;
	readonly logDir?: string;
	readonly groupsConf?: string;
	readonly color: boolean;
	/** The app's frame budget: frames a second at most while a run streams. @default 10 */
	readonly fps: number;
	/** `--limit NODESET`: only these of the plan's or command's nodes (Ansible's --limit). */
	readonly limit?: string;
	/** `--pick N`: N of the target's nodes at random (ClusterShell's --pick). */
	readonly pick?: number;
	/** `SVCTUI_PICK_SEED`: makes `--pick` choose the same nodes every time (tests, a repeatable canary). */
	readonly pickSeed?: string;
	/** `--expect running|stopped`: a status in another state fails. */
	readonly expect?: ExpectedState;
	/** `--reuse-window`: how long the app keeps a pre-flight's connections open for the run; 0: not at all. @default 60_000 */
	readonly reuseWindowMs: number;
};

/** Timers longer than this overflow Node's setTimeout (2^31 ms) and fire at once; plans cap timeouts at 24 h too. */
const maxSeconds = 24 * 60 * 60;

function positiveNumber(flag: string, value: unknown, integer: boolean, max: number): number | undefined {
	if (value === undefined) {
		return undefined;
	}

	// Plain decimal only: `0x10`, `1e3`, ` 5` or `Infinity` are not guessed at.
	const text = String(value);
	const number = Number(text);
	if (!(integer ? /^\d+$/ : /^(?:\d+(?:\.\d*)?|\.\d+)$/).test(text) || !Number.isFinite(number) || number <= 0 || number > max || (integer && !Number.isInteger(number))) {
		const kind = integer ? `a whole number from 1 to ${max}` : `a number of seconds above 0, at most ${max} (24 h)`;
		throw new UserError(`--${flag} ${JSON.stringify(text)}: expected ${kind}`);
	}

	return number;
}

/** Turn raw flags into `RunOptions`, with one-line errors naming the flag. */
export function parseRunOptions(flags: RawFlags, env: NodeJS.ProcessEnv): RunOptions {
	// meow hands a flag given without its value over as '': say which flag needs one.
	for (const [flag, value] of [['plan', flags.plan], ['ssh-config', flags.sshConfig], ['log-dir', flags.logDir], ['groupsconf', flags.groupsconf], ['manager', flags.manager], ['kind', flags.kind], ['limit', flags.limit], ['expect', flags.expect]] as const) {
		if (value === '') {
			throw new UserError(`--${flag} needs a value; see svctui --help`);
		}

		// Only a bug could bring anything but text here (parseCommandLine hands meow one spelling); refuse it plainly.
		if (value !== undefined && typeof value !== 'string') {
			throw new UserError(`--${flag} needs a value; see svctui --help`);
		}
	}

	const manager = flags.manager ?? 'auto';
	if (!(managers as readonly string[]).includes(manager)) {
		throw new UserError(`--manager ${JSON.stringify(manager)}: expected one of ${managers.join(', ')}`);
	}

	if (flags.expect !== undefined && !(expectedStates as readonly string[]).includes(flags.expect)) {
		throw new UserError(`--expect ${JSON.stringify(flags.expect)}: expected one of ${expectedStates.join(', ')}`);
	}

	const pickSeed = env['SVCTUI_PICK_SEED'];
	const connectTimeout = positiveNumber('connect-timeout', flags.connectTimeout, false, maxSeconds);
	const commandTimeout = positiveNumber('command-timeout', flags.commandTimeout, false, maxSeconds);
	const reuseWindow = flags.reuseWindow === undefined ? {ms: 60_000} : parseDuration(flags.reuseWindow, '--reuse-window', true);
	if ('error' in reuseWindow) {
		throw new UserError(reuseWindow.error);
	}

	const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
	return {
		planFile: flags.plan,
		yes: flags.yes ?? false,
		dryRun: flags.dryRun ?? false,
		json: flags.json ?? false,
		headless: flags.headless ?? false,
		readOnly: flags.readOnly ?? false,
		sshConfig: flags.sshConfig,
		acceptNew: flags.acceptNew ?? false,
		fanout: positiveNumber('fanout', flags.fanout, true, 100_000) ?? 64,
		connectTimeoutMs: connectTimeout === undefined ? undefined : connectTimeout * 1000,
		commandTimeoutMs: (commandTimeout ?? 300) * 1000,
		sudo: flags.sudo ?? false,
		manager: manager as ManagerChoice,
		logDir: flags.logDir,
		groupsConf: flags.groupsconf,
		color: (flags.color ?? true) && !noColor,
		fps: positiveNumber('fps', flags.fps, true, 60) ?? 10,
		...(flags.limit === undefined ? {} : {limit: flags.limit}),
		...(flags.pick === undefined ? {} : {pick: positiveNumber('pick', flags.pick, true, 1_000_000)}),
		...(pickSeed === undefined || pickSeed === '' ? {} : {pickSeed}),
		...(flags.expect === undefined ? {} : {expect: flags.expect as ExpectedState}),
		reuseWindowMs: reuseWindow.ms,
	};
}
