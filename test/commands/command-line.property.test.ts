import {fc, test} from '@fast-check/vitest';
import meow from 'meow';
import {describe, expect} from 'vitest';
import {parseCommandLine, parseRunOptions, sharedFlags} from '../../source/commands/options.js';
import {UserError} from '../../source/errors.js';

// Property-based test of the command-line parser (issue 7): whatever argv a user types, the parser answers
// with a reading or one UserError line; what it accepts, meow reads the same way and never throws on.

const token = fc.oneof(
	{weight: 12, arbitrary: fc.constantFrom(
		'--plan', '-p', '--yes', '-y', '--dry-run', '-n', '--json', '--headless', '--read-only', '--ssh-config', '-F', '--accept-new',
		'--fanout', '-f', '--connect-timeout', '--command-timeout', '--sudo', '--manager', '--log-dir', '--groupsconf', '--kind',
		'--no-color', '--color', '--help', '-h', '--version', '-v', '--', '-', '---plan', '--PLAN', '--Yes', '--no-fanout', '--json=1',
		'--plan=', '-yn', '-f8', '-yf', '-Infinity', 'run', 'check', 'demo', 'validate', 'nodeset', 'n1', 'node[1-3]', 'cron', 'status',
		'restart', 'sysv', 'auto', '0', '64', '1e3', '0x10', '=', '--=x', '-\u001B', 'é',
	)},
	{weight: 2, arbitrary: fc.string({maxLength: 12})},
	{weight: 1, arbitrary: fc.tuple(fc.constantFrom('--', '-', '--no-'), fc.string({maxLength: 8}), fc.option(fc.string({maxLength: 6}), {nil: undefined})).map(([dash, name, value]) => `${dash}${name}${value === undefined ? '' : `=${value}`}`)},
);

function meowFlags(argv: readonly string[]) {
	return meow('', {
		importMeta: import.meta,
		description: false,
		argv: [...argv],
		flags: sharedFlags,
		allowUnknownFlags: true,
		booleanDefault: undefined,
		autoHelp: false,
		autoVersion: false,
		pkg: {name: 'svctui', version: '0.0.0'},
	});
}

describe('the command line, on any argv', () => {
	test.prop([fc.array(token, {maxLength: 10})], {numRuns: 1000, examples: [[['--plan', '-yn']], [['--fanout', '-Infinity', 'n1', 'cron', 'status']]]})('is read or refused in one UserError line, never a crash; meow agrees on what it accepts', argv => {
		const started = performance.now();
		let line;
		try {
			line = parseCommandLine(argv);
		} catch (error) {
			expect(error).toBeInstanceOf(UserError);
			expect((error as UserError).exitCode).toBe(2);
			expect((error as Error).message).not.toContain('\n');
			return;
		} finally {
			expect(performance.now() - started).toBeLessThan(1000);
		}

		if (line.kind !== 'shared') {
			return;
		}

		const cli = meowFlags(line.normalizedArgv);
		// meow sees the words after `--` exactly as they were typed, and every flag as the parser read it.
		const separator = line.normalizedArgv.indexOf('--');
		expect(cli.input).toEqual(line.normalizedArgv.slice(separator + 1));
		for (const [key, value] of Object.entries(line.given)) {
			expect((cli.flags as Record<string, unknown>)[key], key).toBe(value);
		}

		try {
			parseRunOptions(cli.flags, {});
		} catch (error) {
			expect(error).toBeInstanceOf(UserError);
			expect((error as Error).message).not.toContain('\n');
		}
	});
});
