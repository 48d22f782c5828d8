import {UserError} from '../errors.js';
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
	help: {type: 'boolean', shortFlag: 'h'},
	version: {type: 'boolean', shortFlag: 'v'},
} as const;

/** Flag names as a user types them, for "unknown flag" checks (meow camel-cases `--dry-run` to `dryRun`). */
export const knownFlagNames: ReadonlySet<string> = new Set(
	Object.entries(sharedFlags).flatMap(([name, spec]) => {
		const kebab = name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
		const short = 'shortFlag' in spec ? [spec.shortFlag] : [];
		return [name, kebab, ...short, ...(name === 'color' ? ['no-color', 'noColor'] : [])];
	}),
);

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
};

/** Timers longer than this overflow Node's setTimeout (2^31 ms) and fire at once; plans cap timeouts at 24 h too. */
const maxSeconds = 24 * 60 * 60;

function positiveNumber(flag: string, value: string | undefined, integer: boolean, max: number): number | undefined {
	if (value === undefined) {
		return undefined;
	}

	const number = Number(value);
	if (value.trim() === '' || !Number.isFinite(number) || number <= 0 || number > max || (integer && !Number.isInteger(number))) {
		const kind = integer ? `a whole number from 1 to ${max}` : `a number of seconds above 0, at most ${max} (24 h)`;
		throw new UserError(`--${flag} ${JSON.stringify(value)}: expected ${kind}`);
	}

	return number;
}

/** Turn raw flags into `RunOptions`, with one-line errors naming the flag. */
export function parseRunOptions(flags: RawFlags, env: NodeJS.ProcessEnv): RunOptions {
	// meow hands a flag given without its value over as '': say which flag needs one.
	for (const [flag, value] of [['plan', flags.plan], ['ssh-config', flags.sshConfig], ['log-dir', flags.logDir], ['groupsconf', flags.groupsconf], ['manager', flags.manager], ['kind', flags.kind]] as const) {
		if (value === '') {
			throw new UserError(`--${flag} needs a value; see svctui --help`);
		}
	}

	const manager = flags.manager ?? 'auto';
	if (!(managers as readonly string[]).includes(manager)) {
		throw new UserError(`--manager ${JSON.stringify(manager)}: expected one of ${managers.join(', ')}`);
	}

	const connectTimeout = positiveNumber('connect-timeout', flags.connectTimeout, false, maxSeconds);
	const commandTimeout = positiveNumber('command-timeout', flags.commandTimeout, false, maxSeconds);
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
	};
}
