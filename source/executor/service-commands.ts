import type {Action} from '../plan/types.js';
import {UserError, assertNever} from '../errors.js';
import type {ManagerName, ServiceState} from './events.js';

/** A service manager svctui can drive (a detected `none` has no commands). */
export type ServiceManager = Exclude<ManagerName, 'none'>;

/**
 * What a service name may look like by the time it reaches a remote shell. Stricter than systemd's own
 * rule on purpose: no backslash escapes, no leading `-` (an option to `service`), nothing the shell reads
 * specially. Every character here is inert unquoted in POSIX sh.
 */
const serviceNamePattern = /^[A-Za-z0-9_][A-Za-z0-9_.@:-]{0,254}$/;

/** Whether `name` is safe to put in a remote command line unquoted. */
export function isValidServiceName(name: string): boolean {
	return serviceNamePattern.test(name);
}

/**
 * Defence in depth: the plan validator already checks names, but nothing reaches a shell from here unless it
 * passes this check too. Throws a `UserError` (exit 2: nothing ran) instead of building a command.
 */
export function assertValidServiceName(name: string): string {
	if (!isValidServiceName(name)) {
		throw new UserError(
			`service ${JSON.stringify(name)}: not a valid service name; use letters, digits and _ . @ : - (at most 255, not starting with - or .)`,
		);
	}

	return name;
}

/** How to build one command. */
export type CommandOptions = {
	/** Prefix with `sudo -n` (never prompts: a password request fails fast instead of hanging). @default false */
	readonly sudo?: boolean;
};

/** The remote command line that applies `action` to `service` with `manager`. Throws on an unsafe name. */
export function buildServiceCommand(manager: ServiceManager, action: Action, service: string, options: CommandOptions = {}): string {
	const name = assertValidServiceName(service);
	let command: string;
	switch (manager) {
		case 'systemd': {
			// `--no-pager` so a remote pty never blocks; `--lines=0` drops journal lines, which carry timestamps
			// and would keep identical nodes from gathering into one block.
			command = action === 'status' ? `systemctl --no-pager --lines=0 status -- ${name}` : `systemctl ${action} -- ${name}`;
			break;
		}

		case 'sysv': {
			command = `service ${name} ${action}`;
			break;
		}

		case 'openrc': {
			command = `rc-service ${name} ${action}`;
			break;
		}

		default: {
			return assertNever(manager);
		}
	}

	return options.sudo ? `sudo -n ${command}` : command;
}

/**
 * Prints one of `systemd`, `openrc`, `sysv`, `none`. systemd first (a booted systemd always has
 * /run/systemd/system, even where `service` exists as a redirect). OpenRC is recognised by /run/openrc before
 * `service` is tried, because some OpenRC systems also ship a `service` wrapper. /usr/sbin and /sbin are
 * probed directly since a non-root login's PATH often lacks them.
 */
const detectionTests: ReadonlyArray<readonly [test: string, manager: ServiceManager]> = [
	['[ -d /run/systemd/system ]', 'systemd'],
	['[ -d /run/openrc ]', 'openrc'],
	['command -v service >/dev/null 2>&1 || [ -x /usr/sbin/service ] || [ -x /sbin/service ]', 'sysv'],
	['command -v rc-service >/dev/null 2>&1 || [ -x /sbin/rc-service ]', 'openrc'],
];

/** The detection as one `if … fi`, `say` turning the manager's name into the shell that reports it. */
function detection(say: (manager: ManagerName) => string): string {
	const branches = detectionTests.map(([test, manager], index) => `${index === 0 ? 'if' : 'elif'} ${test}; then ${say(manager)}`);
	return [...branches, `else ${say('none')}; fi`].join('; ');
}

export const detectManagerCommand = detection(manager => `echo ${manager}`);

/** The same detection, setting the shell variable `M` instead of printing (a node script folds it in). */
export const detectManagerAssignment = detection(manager => `M=${manager}`);

/** Reads the output of `detectManagerCommand`. Anything unexpected counts as `none`. */
export function parseDetectedManager(stdout: readonly string[]): ManagerName {
	const word = stdout.map(line => line.trim()).find(line => line !== '');
	switch (word) {
		case 'systemd':
		case 'sysv':
		case 'openrc': {
			return word;
		}

		default: {
			return 'none';
		}
	}
}

/** How a service command ended, in svctui's terms. */
export type CommandResult = {
	readonly outcome: 'ok' | 'failed';
	readonly state?: ServiceState;
	/** One line for a failure: `not installed`, a known cause, or the command's last output line. */
	readonly reason?: string;
};

const maxReasonLength = 200;

/** The last non-empty line, trimmed and shortened to one readable line. */
function lastLine(tail: readonly string[]): string | undefined {
	for (let index = tail.length - 1; index >= 0; index--) {
		const line = tail[index]?.trim();
		if (line) {
			return line.length > maxReasonLength ? `${line.slice(0, maxReasonLength - 1)}…` : line;
		}
	}

	return undefined;
}

function matches(tail: readonly string[], pattern: RegExp): boolean {
	return tail.some(line => pattern.test(line));
}

/** Output that says the service does not exist, per manager (systemd 252, Debian `service`, OpenRC). */
const notInstalledPatterns: Record<ServiceManager, RegExp> = {
	systemd: /Unit \S+ (?:could not be found|not found)|No such file or directory.*\.service/,
	sysv: /unrecognized service/,
	openrc: /does not exist/,
};

function stateAfter(action: Exclude<Action, 'status'>): ServiceState {
	return action === 'stop' ? 'inactive' : 'active';
}

/**
 * Turn a finished service command into an outcome, from the exit codes the managers really return
 * (TESTBED.md): systemd `status` 0 active / 3 inactive or failed / 4 no such unit, `start` 5 no such unit,
 * `reload` 3 "Job type reload is not applicable"; SysV `status` 0 running / 3 stopped / 1 "unrecognized
 * service"; OpenRC `status` 0 started / 3 stopped / 32 crashed, and on Debian (whose OpenRC runs the packages'
 * LSB scripts) also LSB's 1 "dead but pid file exists", as `rc-service cron status` after a SIGKILL gives.
 *
 * A `status` that answered is a result, not a failure: running (`active`), stopped (`inactive`), the
 * unit's own `failed` state and `not-installed` are all `ok` with their state, unless `expect` names the
 * state wanted (`--expect running`), which turns the others into failures. Only a status that could not
 * tell (state `unknown`: sudo refused, no such command, an exit code the manager does not define) fails.
 *
 * @param tail the command's last output lines, stdout and stderr interleaved as they came.
 */
export function classifyResult(
	manager: ServiceManager,
	action: Action,
	exitCode: number | null,
	tail: readonly string[],
	signal: string | null = null,
	expect?: ExpectedState,
): CommandResult {
	const result = classifyCommand(manager, action, exitCode, tail, signal);
	return action === 'status' ? statusAsResult(result, expect) : result;
}

/** The state `--expect` asks a status for. */
export type ExpectedState = 'running' | 'stopped';
export const expectedStates: readonly ExpectedState[] = ['running', 'stopped'];

/** The word a report uses for a service state (`inactive` is `stopped` to a person). */
export function stateWord(state: ServiceState): string {
	switch (state) {
		case 'active': {
			return 'running';
		}

		case 'inactive': {
			return 'stopped';
		}

		case 'failed': {
			return 'failed state';
		}

		case 'not-installed': {
			return 'not installed';
		}

		case 'unknown': {
			return 'unknown';
		}

		default: {
			return assertNever(state);
		}
	}
}

/** A status that told a state is `ok`; with `expect`, only the expected state is. */
function statusAsResult(result: CommandResult, expect: ExpectedState | undefined): CommandResult {
	const {state} = result;
	if (state === undefined || state === 'unknown') {
		return result;
	}

	const wanted: ServiceState | undefined = expect === undefined ? undefined : expect === 'running' ? 'active' : 'inactive';
	if (wanted === undefined || state === wanted) {
		return {outcome: 'ok', state};
	}

	return {outcome: 'failed', state, reason: `${stateWord(state)}, expected ${expect}`};
}

function classifyCommand(
	manager: ServiceManager,
	action: Action,
	exitCode: number | null,
	tail: readonly string[],
	signal: string | null,
): CommandResult {
	if (exitCode === null) {
		return {outcome: 'failed', state: 'unknown', reason: signal ? `killed by ${signal}` : 'ended without an exit status'};
	}

	if (exitCode !== 0) {
		if (matches(tail, /sudo: .*password is required|sudo: a terminal is required/)) {
			return {outcome: 'failed', state: 'unknown', reason: 'sudo needs a password; allow NOPASSWD for this command or log in as root'};
		}

		if (exitCode === 127) {
			return {outcome: 'failed', state: 'unknown', reason: lastLine(tail) ?? 'command not found (exit 127)'};
		}

		const notInstalledByCode =
			manager === 'systemd' && ((action === 'status' && exitCode === 4) || (action !== 'status' && exitCode === 5));
		if (notInstalledByCode || matches(tail, notInstalledPatterns[manager])) {
			return {outcome: 'failed', state: 'not-installed', reason: 'not installed'};
		}
	}

	if (action === 'status') {
		// A state is the answer (statusAsResult weighs it against --expect); no state, and the status itself failed.
		const state = statusState(manager, exitCode, tail);
		return state === undefined ? {outcome: 'failed', state: 'unknown', reason: lastLine(tail) ?? `status exit code ${exitCode}`} : {outcome: 'ok', state};
	}

	if (exitCode === 0) {
		return {outcome: 'ok', state: stateAfter(action)};
	}

	if (manager === 'systemd' && action === 'reload' && matches(tail, /Job type reload is not applicable/)) {
		return {outcome: 'failed', reason: 'reload is not supported by this unit (no ExecReload); use restart'};
	}

	return {outcome: 'failed', reason: lastLine(tail) ?? `exit code ${exitCode}`};
}

/** The state a status exit code tells, per manager; undefined when the manager does not define that code. */
function statusState(manager: ServiceManager, exitCode: number, tail: readonly string[]): ServiceState | undefined {
	if (exitCode === 0) {
		return 'active';
	}

	switch (manager) {
		case 'systemd': {
			// Exit 3 covers both stopped and failed units; the status text tells them apart.
			return exitCode === 3 ? (matches(tail, /Active: failed/) ? 'failed' : 'inactive') : undefined;
		}

		case 'sysv': {
			// LSB: 1 and 2 mean "dead but pid/lock file exists", 3 "not running".
			return exitCode === 3 ? 'inactive' : exitCode === 1 || exitCode === 2 ? 'failed' : undefined;
		}

		case 'openrc': {
			// 32 is OpenRC's "crashed"; an LSB script's own status (Debian) says 1 or 2 for dead but pid or lock file exists.
			return exitCode === 3 ? 'inactive' : exitCode === 32 || exitCode === 1 || exitCode === 2 ? 'failed' : undefined;
		}

		default: {
			return assertNever(manager);
		}
	}
}
