/**
 * `svctui validate [--groupsconf FILE] FILE...`: check plan files without connecting anywhere. Prints
 * `FILE: OK (N steps)` on stdout for each valid file and every problem line on stderr for invalid ones.
 */
import {resolve} from 'node:path';
import {shownSafely} from '../display.js';
import {UserError} from '../errors.js';
import {loadGroupResolver, type GroupResolver} from '../nodeset/index.js';
import {nodeSetChecker} from '../plan/node-sets.js';
import {loadPlanFile, PlanError} from '../plan/load.js';
import type {Command} from './io.js';

const usage = 'usage: svctui validate [--groupsconf FILE] FILE... (check plan files; exit 0 if all are valid, 2 otherwise)';

type Parsed = {files: string[]; groupsConf?: string} | {exit: number; out?: string; err?: string};

/** A usage error: one line, as every other command gives, with the usage after a semicolon. */
function usageError(problem: string): Parsed {
	return {exit: 2, err: `svctui validate: ${shownSafely(problem)}; ${usage}\n`};
}

function parseArguments(argv: readonly string[]): Parsed {
	const files: string[] = [];
	let groupsConf: string | undefined;
	let optionsDone = false;
	for (let index = 0; index < argv.length; index++) {
		const argument = argv[index] ?? '';
		if (optionsDone || !argument.startsWith('-') || argument === '-') {
			files.push(argument);
		} else if (argument === '--') {
			optionsDone = true;
		} else if (argument === '-h' || argument === '--help') {
			return {exit: 0, out: `${usage}\n`};
		} else if (argument === '--groupsconf' || argument.startsWith('--groupsconf=')) {
			const value = argument === '--groupsconf' ? argv[++index] : argument.slice('--groupsconf='.length);
			if (value === undefined || value === '') {
				return usageError('--groupsconf needs a file');
			}

			if (groupsConf !== undefined) {
				return usageError(`--groupsconf given twice (${JSON.stringify(groupsConf)}, then ${JSON.stringify(value)}); give it once`);
			}

			groupsConf = value;
		} else {
			return usageError(`unknown option ${argument}`);
		}
	}

	if (files.length === 0) {
		return usageError('no plan file given');
	}

	return groupsConf === undefined ? {files} : {files, groupsConf};
}

/** Validate each file named on the command line; exit 0 if all are valid, 2 otherwise. */
export const validateCommand: Command = async (argv, io) => {
	const parsed = parseArguments(argv);
	if ('exit' in parsed) {
		io.stdout.write(parsed.out ?? '');
		io.stderr.write(parsed.err ?? '');
		return parsed.exit;
	}

	let resolver: GroupResolver;
	try {
		resolver = loadGroupResolver({groupsConf: parsed.groupsConf === undefined ? undefined : resolve(io.cwd, parsed.groupsConf), env: io.env});
	} catch (error) {
		if (error instanceof UserError) {
			io.stderr.write(`${shownSafely(error.message)}\n`);
			return error.exitCode;
		}

		throw error;
	}

	const checkNodes = nodeSetChecker(resolver);
	let allValid = true;
	for (const file of parsed.files) {
		try {
			// One file at a time, so the output follows the order the files were named.
			// eslint-disable-next-line no-await-in-loop
			const plan = await loadPlanFile(resolve(io.cwd, file), {source: file, checkNodes});
			const count = plan.steps.length;
			io.stdout.write(`${shownSafely(file)}: OK (${count} ${count === 1 ? 'step' : 'steps'})\n`);
		} catch (error) {
			if (!(error instanceof PlanError)) {
				throw error;
			}

			allValid = false;
			io.stderr.write(error.lines().map(line => `${line}\n`).join(''));
		}
	}

	return allValid ? 0 : 2;
};
