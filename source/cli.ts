#!/usr/bin/env node
// First: NODE_ENV and the heap's growth, before anything loads React or allocates much (runtime-settings.ts);
// the young generation's size is set below, once the command is known.
import {youngGenerationFor} from './runtime-settings.js';
import process from 'node:process';
import {homedir} from 'node:os';
import {resolve} from 'node:path';
import meow from 'meow';
import {makeDirectories} from './bounded-fs.js';
import {shownSafely} from './display.js';
import {assertNever, UserError} from './errors.js';
import type {Command, CommandIO} from './commands/io.js';
import {helpText} from './commands/usage.js';
import {appRunsHeadless, parseCommandLine, parseRunOptions, sharedFlags, type RunOptions} from './commands/options.js';
import {defaultLogDir} from './report/log-writer.js';

/**
 * Name and version, injected by the one-file build (scripts/bundle.mjs): there meow would read whatever
 * package.json lies above the file (STACK.md gotcha 10). From dist/, meow reads ours.
 */
declare const SVCTUI_PACKAGE: {readonly name: string; readonly version: string} | undefined;
const bundledPackage = typeof SVCTUI_PACKAGE === 'undefined' ? undefined : SVCTUI_PACKAGE;

/** Subcommands that parse their own argv (their flags differ from the shared ones). */
const ownArgvCommands: Readonly<Record<'validate' | 'nodeset', () => Promise<Command>>> = {
	nodeset: async () => (await import('./commands/nodeset.js')).nodesetCommand,
	validate: async () => (await import('./commands/validate.js')).validateCommand,
};

/**
 * The run log's directory, made before anything runs, one path component at a time: Node's own recursive
 * mkdir spins forever on paths such as /proc/nope (issue 7). The log itself is opened where the run starts.
 */
function makeLogDirectory(options: RunOptions, io: CommandIO): void {
	const directory = options.logDir === undefined ? defaultLogDir(io.env, io.env['HOME'] ?? homedir()) : resolve(io.cwd, options.logDir);
	try {
		makeDirectories(directory);
	} catch (error: unknown) {
		const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
		const which = options.logDir === undefined ? `the log directory ${directory}` : `--log-dir ${options.logDir}`;
		throw new UserError(`${which}: cannot create the run log (${code}); choose a writable directory with --log-dir`);
	}
}

async function main(argv: readonly string[], io: CommandIO): Promise<number> {
	// Our own strict reading first (unknown, case-variant, repeated and misplaced flags are one-line errors);
	// meow then parses the one canonical spelling it hands back, so meow never meets input it would throw on.
	const line = parseCommandLine(argv);
	if (line.kind === 'own') {
		youngGenerationFor('interactive');
		return (await ownArgvCommands[line.command]())(line.argv, io);
	}

	const cli = meow(helpText, {
		importMeta: import.meta,
		...(bundledPackage === undefined ? {} : {pkg: {...bundledPackage}}),
		description: false,
		argv: line.kind === 'shared' ? [...line.normalizedArgv] : [],
		flags: sharedFlags,
		allowUnknownFlags: true,
		booleanDefault: undefined,
		autoHelp: false,
		autoVersion: false,
	});
	if (line.kind === 'help') {
		io.stdout.write(`${cli.help}\n`);
		return 0;
	}

	if (line.kind === 'version') {
		io.stdout.write(`${cli.pkg.version ?? 'unknown'}\n`);
		return 0;
	}

	const options = parseRunOptions(cli.flags, io.env);
	if (line.command !== 'check' && !options.dryRun) {
		makeLogDirectory(options, io);
	}

	// The demo brings its own ssh_config, written when its cluster comes up; a dry run reads none.
	if (!options.dryRun && (line.command !== 'demo' || options.sshConfig !== undefined)) {
		const {checkSshConfig} = await import('./commands/transport.js');
		checkSshConfig(options, io);
	}

	// After the start-up work above, so that it cannot grow a headless run's young generation past its size.
	// The demo opens the app on its own cluster, so it runs headless as the app would.
	const interactive = (line.command === 'app' || line.command === 'demo') && !appRunsHeadless(options, io);
	youngGenerationFor(interactive ? 'interactive' : 'headless');

	const words = line.words;
	switch (line.command) {
		case 'app': {
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
			return assertNever(line);
		}
	}
}

const io: CommandIO = {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd()};
try {
	process.exitCode = await main(process.argv.slice(2), io);
} catch (error: unknown) {
	if (error instanceof UserError) {
		// Messages quote input (arguments, node names, plan values): show it safely, never raw.
		process.stderr.write(`svctui: ${shownSafely(error.message)}\n`);
		process.exitCode = error.exitCode;
	} else {
		process.stderr.write(`svctui: internal error (please report it):\n${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
		process.exitCode = 1;
	}
}
