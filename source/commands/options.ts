import {UserError} from '../errors.js';
import {expectedStates, type ExpectedState} from '../executor/service-commands.js';
import {parseDuration} from '../plan/duration.js';
import {managers, type ManagerChoice} from '../plan/types.js';

// The strict command-line reader and the flag tables live beside this file; importers keep one address.
export {sharedFlags, type CommandName} from './flags.js';
export {parseCommandLine, type CommandLine} from './command-line.js';

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

/**
 * Whether `svctui [--plan FILE]` runs headless rather than as the full-screen app: asked for (`--yes`, `--json`,
 * `--dry-run`, `--headless`), or no person at a terminal (stdin or stdout not one).
 */
export function appRunsHeadless(options: RunOptions, terminal: {readonly stdin?: {readonly isTTY?: boolean} | undefined; readonly stdout: {readonly isTTY?: boolean}}): boolean {
	const atTerminal = Boolean(terminal.stdin?.isTTY && terminal.stdout.isTTY);
	return options.yes || options.json || options.dryRun || options.headless || !atTerminal;
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