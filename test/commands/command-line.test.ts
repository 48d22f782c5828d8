import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors.js';
import {parseCommandLine} from '../../source/commands/options.js';

/** The one-line refusal `parseCommandLine` gives, or undefined when it reads the line. */
function refusal(argv: readonly string[]): string | undefined {
	try {
		parseCommandLine(argv);
		return undefined;
	} catch (error) {
		if (error instanceof UserError) {
			expect(error.exitCode).toBe(2);
			expect(error.message).not.toContain('\n');
			return error.message;
		}

		throw error;
	}
}

describe('parseCommandLine refuses with one line (issue 7, items 3 and 4)', () => {
	it.each([
		// A flag with a value given twice: meow threw "can only be set once" with a stack trace.
		[['-f', '1', '-f', '2', 'run', 'n1', 'cron', 'status'], '--fanout (-f) given twice ("1", then "2"); give it once'],
		[['--plan', 'a', '--plan', 'b'], '--plan (-p) given twice ("a", then "b"); give it once'],
		[['-p', 'a', '--plan=b'], '--plan (-p) given twice ("a", then "b"); give it once'],
		[['-F', 'a', '-F', 'b', 'check', 'n1'], '--ssh-config (-F) given twice ("a", then "b"); give it once'],
		[['--log-dir', 'a', '--log-dir', 'b'], '--log-dir given twice ("a", then "b"); give it once'],
		[['--manager', 'auto', '--manager=systemd'], '--manager given twice ("auto", then "systemd"); give it once'],
		[['--connect-timeout', '1', '--connect-timeout', '2'], '--connect-timeout given twice ("1", then "2"); give it once'],
		[['--command-timeout', '1', '--command-timeout', '2'], '--command-timeout given twice ("1", then "2"); give it once'],
		[['--groupsconf', 'a', '--groupsconf', 'b'], '--groupsconf given twice ("a", then "b"); give it once'],
		[['demo', '--kind', 'a', '--kind', 'b'], '--kind given twice ("a", then "b"); give it once'],
		// Negating a flag that has a value: meow handed over `false` and `.trim()` crashed.
		[['--no-fanout'], 'unknown flag --no-fanout: only --no-color can be negated; leave --fanout out to get its default'],
		[['--no-connect-timeout'], 'unknown flag --no-connect-timeout: only --no-color can be negated; leave --connect-timeout out to get its default'],
		[['--no-command-timeout'], 'unknown flag --no-command-timeout: only --no-color can be negated; leave --command-timeout out to get its default'],
		[['--no-ssh-config'], 'unknown flag --no-ssh-config: only --no-color can be negated; leave --ssh-config out to get its default'],
		[['--no-groupsconf'], 'unknown flag --no-groupsconf: only --no-color can be negated; leave --groupsconf out to get its default'],
		[['--no-yes'], 'unknown flag --no-yes: only --no-color can be negated; leave --yes out to get its default'],
		// Spellings that were silently taken for something else.
		[['---plan', 'p.yaml'], 'unknown flag ---plan; did you mean --plan? flags are case-sensitive (see svctui --help)'],
		[['--PLAN=x'], 'unknown flag --PLAN; did you mean --plan? flags are case-sensitive (see svctui --help)'],
		[['--Fanout=2'], 'unknown flag --Fanout; did you mean --fanout? flags are case-sensitive (see svctui --help)'],
		[['--Yes'], 'unknown flag --Yes; did you mean --yes? flags are case-sensitive (see svctui --help)'],
		[['--Dry-Run'], 'unknown flag --Dry-Run; did you mean --dry-run? flags are case-sensitive (see svctui --help)'],
		[['--dryRun'], 'unknown flag --dryRun; did you mean --dry-run? flags are case-sensitive (see svctui --help)'],
		[['--bogus'], 'unknown flag --bogus; flags are case-sensitive (see svctui --help)'],
		[['-x'], 'unknown flag -x; the short flags are -p -y -n -F -f -h -v (see svctui --help)'],
		[['-yz'], 'unknown flag -z (in -yz); the short flags are -p -y -n -F -f -h -v (see svctui --help)'],
		// A switch given a value.
		[['--json=1'], '--json takes no value; write --json alone, or leave it out'],
		[['--yes=maybe'], '--yes takes no value; write --yes alone, or leave it out'],
		[['--sudo=x'], '--sudo takes no value; write --sudo alone, or leave it out'],
		[['--help=x', 'run', 'n1', 'cron', 'status'], '--help takes no value; write --help alone, or leave it out'],
		[['--no-color=1'], '--no-color takes no value; write --no-color alone'],
		// A value missing.
		[['--plan'], '--plan needs a value; see svctui --help'],
		[['--plan', '--yes'], '--plan needs a value; see svctui --help'],
		[['--plan='], '--plan needs a value; see svctui --help'],
		[['-F'], '-F needs a value; see svctui --help'],
		// A flag the command does not use.
		[['--plan', 'F', 'run', 'n1', 'cron', 'status'], '--plan does not go with run: give NODES SERVICE ACTION for a one-shot, or --plan FILE without them, not both'],
		[['-p', 'F', 'n1', 'cron', 'status'], '-p does not go with run: give NODES SERVICE ACTION for a one-shot, or --plan FILE without them, not both'],
		[['check', 'n1', '--kind', 'x'], '--kind does not apply to check; it is for demo (see svctui --help)'],
		[['--kind', 'sysv'], '--kind does not apply to the app or a plan run; it is for demo (see svctui --help)'],
		[['check', 'n1', '--dry-run'], '--dry-run does not apply to check; it is for the app and plan runs, run, demo (see svctui --help)'],
		[['-F', 'cfg', 'validate', 'p.yaml'], '-F does not apply to validate; usage: svctui validate [--groupsconf FILE] FILE...'],
		[['--fanout', '2', 'nodeset', '-f', 'n1'], '--fanout does not apply to nodeset; usage: svctui nodeset [-f|-e|-c] [-x|-i|-X SET] NODESET... (see svctui nodeset --help)'],
		// Issue 10's flags: a value each, given once, only where they mean something.
		[['--limit', 'a', '--limit', 'b', 'run', 'n1', 'cron', 'status'], '--limit given twice ("a", then "b"); give it once'],
		[['--pick', '1', '--pick=2', 'check', 'n1'], '--pick given twice ("1", then "2"); give it once'],
		[['--expect', 'running', '--expect', 'stopped'], '--expect given twice ("running", then "stopped"); give it once'],
		[['run', 'n1', 'cron', 'status', '--limit'], '--limit needs a value; see svctui --help'],
		[['run', 'n1', 'cron', 'status', '--pick', '--yes'], '--pick needs a value; see svctui --help'],
		[['check', 'n1', '--expect', 'running'], '--expect does not apply to check; it is for the app and plan runs, run, demo (see svctui --help)'],
		[['--limit', 'n1', 'validate', 'p.yaml'], '--limit does not apply to validate; usage: svctui validate [--groupsconf FILE] FILE...'],
		[['frobnicate'], 'unknown command "frobnicate"; commands are run, check, validate, nodeset, demo (see svctui --help)'],
	])('%j → %s', (argv, message) => {
		expect(refusal(argv)).toBe(message);
	});
});

describe('parseCommandLine reads what it accepts into one spelling for meow', () => {
	it.each([
		[['--plan', 'p.yaml', '--yes'], {kind: 'shared', command: 'app', words: [], normalizedArgv: ['--plan=p.yaml', '--yes', '--']}],
		[['run', 'n1', 'cron', 'status', '-yn'], {kind: 'shared', command: 'run', words: ['n1', 'cron', 'status'], normalizedArgv: ['--yes', '--dry-run', '--', 'run', 'n1', 'cron', 'status']}],
		// The ancestor's one-shot form, options anywhere, values glued or separate.
		[['n1', '-f8', 'cron', 'status', '--connect-timeout=2'], {kind: 'shared', command: 'run', words: ['n1', 'cron', 'status'], normalizedArgv: ['--fanout=8', '--connect-timeout=2', '--', 'n1', 'cron', 'status']}],
		// A value that looks like a flag is still the value (getopt); the value check comes later.
		[['--fanout', '-Infinity', 'n1', 'cron', 'status'], {kind: 'shared', command: 'run', words: ['n1', 'cron', 'status'], normalizedArgv: ['--fanout=-Infinity', '--', 'n1', 'cron', 'status']}],
		[['--plan=a=b', '--no-color'], {kind: 'shared', command: 'app', words: [], normalizedArgv: ['--plan=a=b', '--no-color', '--']}],
		[['check', '--', '-n1'], {kind: 'shared', command: 'check', words: ['-n1'], normalizedArgv: ['--', 'check', '-n1']}],
		[['demo', '--kind', 'sysv'], {kind: 'shared', command: 'demo', words: [], normalizedArgv: ['--kind=sysv', '--', 'demo']}],
		[['run', '@failed', 'nginx', 'status', '--limit', '@web', '--pick=2', '--expect', 'running'], {kind: 'shared', command: 'run', words: ['@failed', 'nginx', 'status'], normalizedArgv: ['--limit=@web', '--pick=2', '--expect=running', '--', 'run', '@failed', 'nginx', 'status']}],
		[['check', '@unreachable', '--log-dir', 'logs', '--limit', 'n1'], {kind: 'shared', command: 'check', words: ['@unreachable'], normalizedArgv: ['--log-dir=logs', '--limit=n1', '--', 'check', '@unreachable']}],
		// Switches given twice mean the same thing once.
		[['-y', '--yes', 'check', 'n1'].slice(2), {kind: 'shared', command: 'check', words: ['n1'], normalizedArgv: ['--', 'check', 'n1']}],
	])('%j', (argv, expected) => {
		expect(parseCommandLine(argv)).toMatchObject(expected);
	});

	it('hands validate and nodeset their own argv, with a --groupsconf given before the word', () => {
		expect(parseCommandLine(['validate', '-x'])).toEqual({kind: 'own', command: 'validate', argv: ['-x']});
		expect(parseCommandLine(['--groupsconf', 'g.conf', 'validate', 'p.yaml'])).toEqual({kind: 'own', command: 'validate', argv: ['--groupsconf=g.conf', 'p.yaml']});
		expect(parseCommandLine(['nodeset', '-f', 'n1', 'n2'])).toEqual({kind: 'own', command: 'nodeset', argv: ['-f', 'n1', 'n2']});
		expect(parseCommandLine(['--', 'validate', '-odd.yaml'])).toEqual({kind: 'own', command: 'validate', argv: ['--', '-odd.yaml']});
	});

	it('--help and --version win wherever they are', () => {
		expect(parseCommandLine(['run', '--help'])).toEqual({kind: 'help'});
		expect(parseCommandLine(['-yh', 'n1', 'cron', 'restart'])).toEqual({kind: 'help'});
		expect(parseCommandLine(['check', '-v'])).toEqual({kind: 'version'});
	});
});
