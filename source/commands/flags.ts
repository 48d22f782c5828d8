// The shared flags and which command takes which: the tables the strict reader (command-line.ts) checks against.
// A new flag is one line in sharedFlags (its value type in RawFlags/RunOptions, options.ts); app, run and demo take
// it at once, check, validate and nodeset only when it is added to their list in flagsFor.

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
export type FlagSpec = {
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

export const flagSpecs: readonly FlagSpec[] = Object.entries(sharedFlags).map(([key, spec]) => ({
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
export const flagsFor: Readonly<Record<CommandName, ReadonlySet<FlagSpec['key']>>> = (() => {
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
export function whereFlagApplies(key: FlagSpec['key']): string {
	const commands = (['app', 'run', 'check', 'demo'] as const).filter(command => flagsFor[command].has(key)).map(command => (command === 'app' ? 'the app and plan runs' : command));
	return commands.join(', ');
}

/** Own usage lines of the commands that parse their own argv, for "does not apply" messages. */
export const ownUsage: Readonly<Record<'validate' | 'nodeset', string>> = {
	validate: 'svctui validate [--groupsconf FILE] FILE...',
	nodeset: 'svctui nodeset [-f|-e|-c] [-x|-i|-X SET] NODESET... (see svctui nodeset --help)',
};

