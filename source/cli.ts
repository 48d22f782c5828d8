#!/usr/bin/env node
import process from 'node:process';
import meow from 'meow';
import {UserError} from './errors.js';
import type {Command, CommandIO} from './commands/io.js';
import {helpText} from './commands/usage.js';
import {knownFlagNames, parseRunOptions, sharedFlags} from './commands/options.js';

/**
 * Name and version, injected by the one-file build (scripts/bundle.mjs): there meow would read whatever
 * package.json lies above the file (STACK.md gotcha 10). From dist/, meow reads ours.
 */
declare const SVCTUI_PACKAGE: {readonly name: string; readonly version: string} | undefined;
const bundledPackage = typeof SVCTUI_PACKAGE === 'undefined' ? undefined : SVCTUI_PACKAGE;

/** Subcommands that parse their own argv (their flags differ from the shared ones). */
const ownArgvCommands: Readonly<Record<string, () => Promise<Command>>> = {
	nodeset: async () => (await import('./commands/nodeset.js')).nodesetCommand,
	validate: async () => (await import('./commands/validate.js')).validateCommand,
};

async function main(argv: readonly string[], io: CommandIO): Promise<number> {
	const [first, ...rest] = argv;
	const ownCommand = first === undefined ? undefined : ownArgvCommands[first];
	if (ownCommand) {
		return (await ownCommand())(rest, io);
	}

	const cli = meow(helpText, {
		importMeta: import.meta,
		...(bundledPackage === undefined ? {} : {pkg: {...bundledPackage}}),
		description: false,
		argv: [...argv],
		flags: sharedFlags,
		allowUnknownFlags: true,
		booleanDefault: undefined,
	});
	for (const name of Object.keys(cli.unnormalizedFlags)) {
		if (!knownFlagNames.has(name)) {
			const written = name.length === 1 ? `-${name}` : `--${name}`;
			throw new UserError(`unknown flag ${written}; see svctui --help`);
		}
	}

	const options = parseRunOptions(cli.flags, io.env);
	const [word, ...words] = cli.input;
	switch (word) {
		case undefined: {
			const {appCommand} = await import('./commands/app.js');
			return appCommand(options, io);
		}

		case 'run': {
			const {oneShotCommand} = await import('./commands/run.js');
			return oneShotCommand(words, options, io);
		}

		case 'check': {
			const {checkCommand} = await import('./commands/check.js');
			return checkCommand(words, options, io);
		}

		case 'demo': {
			const {demoCommand} = await import('./commands/demo.js');
			return demoCommand(words, options, cli.flags.kind, io);
		}

		default: {
			// The ancestor's one-shot form, without the word `run`: NODES SERVICE ACTION [SERVICE ACTION...].
			if (cli.input.length >= 3) {
				const {oneShotCommand} = await import('./commands/run.js');
				return oneShotCommand(cli.input, options, io);
			}

			throw new UserError(`unknown command ${JSON.stringify(word)}; commands are run, check, validate, nodeset, demo (see svctui --help)`);
		}
	}
}

const io: CommandIO = {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd()};
try {
	process.exitCode = await main(process.argv.slice(2), io);
} catch (error: unknown) {
	if (error instanceof UserError) {
		process.stderr.write(`svctui: ${error.message}\n`);
		process.exitCode = error.exitCode;
	} else {
		process.stderr.write(`svctui: internal error (please report it):\n${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
		process.exitCode = 1;
	}
}
