import {describe, expect, it} from 'vitest';
import {appRunsHeadless, parseRunOptions} from '../../source/commands/options.js';

describe('parseRunOptions', () => {
	it('has ClusterShell-like defaults', () => {
		expect(parseRunOptions({}, {})).toMatchObject({fanout: 64, commandTimeoutMs: 300_000, connectTimeoutMs: undefined, manager: 'auto', color: true, readOnly: false});
	});

	it('reads --limit, --pick, --expect and the pick seed from SVCTUI_PICK_SEED', () => {
		expect(parseRunOptions({limit: '@failed', pick: '3', expect: 'stopped'}, {SVCTUI_PICK_SEED: 'canary'})).toMatchObject({limit: '@failed', pick: 3, expect: 'stopped', pickSeed: 'canary'});
		expect(parseRunOptions({}, {SVCTUI_PICK_SEED: ''})).not.toHaveProperty('pickSeed');
	});

	it('reads --reuse-window as a duration: 60s by default, 0 turns reuse off', () => {
		expect(parseRunOptions({}, {}).reuseWindowMs).toBe(60_000);
		expect(parseRunOptions({reuseWindow: '0'}, {}).reuseWindowMs).toBe(0);
		expect(parseRunOptions({reuseWindow: '2m'}, {}).reuseWindowMs).toBe(120_000);
		expect(parseRunOptions({reuseWindow: '1.5'}, {}).reuseWindowMs).toBe(1500);
	});

	it('turns seconds into milliseconds and honours NO_COLOR', () => {
		expect(parseRunOptions({commandTimeout: '2.5', connectTimeout: '3', fanout: '8'}, {NO_COLOR: '1'})).toMatchObject({commandTimeoutMs: 2500, connectTimeoutMs: 3000, fanout: 8, color: false});
		expect(parseRunOptions({commandTimeout: '.5', connectTimeout: '3.'}, {})).toMatchObject({commandTimeoutMs: 500, connectTimeoutMs: 3000});
	});

	it.each([
		[{fanout: '0'}, '--fanout "0": expected a whole number from 1 to 100000'],
		[{fanout: 'abc'}, '--fanout "abc": expected a whole number from 1 to 100000'],
		[{fanout: '6.5'}, '--fanout "6.5": expected a whole number from 1 to 100000'],
		// Plain decimal only: nothing is guessed from hex, exponents, infinities or a negation.
		[{fanout: '0x10'}, '--fanout "0x10": expected a whole number from 1 to 100000'],
		[{fanout: '1e3'}, '--fanout "1e3": expected a whole number from 1 to 100000'],
		[{fanout: '-Infinity'}, '--fanout "-Infinity": expected a whole number from 1 to 100000'],
		[{fanout: false as unknown as string}, '--fanout "false": expected a whole number from 1 to 100000'],
		[{connectTimeout: 'Infinity'}, '--connect-timeout "Infinity": expected a number of seconds above 0, at most 86400 (24 h)'],
		[{connectTimeout: ' 5'}, '--connect-timeout " 5": expected a number of seconds above 0, at most 86400 (24 h)'],
		[{sshConfig: false as unknown as string}, '--ssh-config needs a value; see svctui --help'],
		[{commandTimeout: '-1'}, '--command-timeout "-1": expected a number of seconds above 0, at most 86400 (24 h)'],
		// Past 2^31 ms Node's timers fire at once: a huge timeout must not mean "time out immediately".
		[{commandTimeout: '3000000'}, '--command-timeout "3000000": expected a number of seconds above 0, at most 86400 (24 h)'],
		[{connectTimeout: ''}, '--connect-timeout "": expected a number of seconds above 0, at most 86400 (24 h)'],
		[{manager: 'upstart'}, '--manager "upstart": expected one of auto, systemd, sysv, openrc'],
		[{plan: ''}, '--plan needs a value; see svctui --help'],
		[{logDir: ''}, '--log-dir needs a value; see svctui --help'],
		[{limit: ''}, '--limit needs a value; see svctui --help'],
		[{pick: '0'}, '--pick "0": expected a whole number from 1 to 1000000'],
		[{pick: 'two'}, '--pick "two": expected a whole number from 1 to 1000000'],
		[{expect: 'up'}, '--expect "up": expected one of running, stopped'],
		[{reuseWindow: 'soon'}, '--reuse-window "soon" is not a duration; write a duration such as 30s, 2m or 500ms, or a number of seconds'],
		[{reuseWindow: '2d'}, '--reuse-window "2d" is not a duration'],
		[{reuseWindow: '25h'}, '--reuse-window is longer than a day (24h)'],
	])('refuses %j with one line naming the flag', (flags, message) => {
		expect(() => parseRunOptions(flags, {})).toThrow(message);
	});
});

describe('appRunsHeadless', () => {
	const tty = {stdin: {isTTY: true}, stdout: {isTTY: true}};
	it('is the full-screen app only for a person at a terminal who asked for nothing headless', () => {
		expect(appRunsHeadless(parseRunOptions({}, {}), tty)).toBe(false);
		expect(appRunsHeadless(parseRunOptions({plan: 'p.yaml'}, {}), tty)).toBe(false);
	});

	it.each([
		[{yes: true}, tty],
		[{json: true}, tty],
		[{dryRun: true}, tty],
		[{headless: true}, tty],
		[{}, {stdin: {isTTY: false}, stdout: {isTTY: true}}],
		[{}, {stdin: {isTTY: true}, stdout: {isTTY: false}}],
		[{}, {stdin: undefined, stdout: {isTTY: true}}],
	])('is headless for flags %j at %j', (flags, terminal) => {
		expect(appRunsHeadless(parseRunOptions(flags, {}), terminal)).toBe(true);
	});
});
