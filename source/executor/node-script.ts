import {constants} from 'node:os';
import type {Action} from '../plan/types.js';
import type {ManagerName, Stream} from './events.js';
import {buildServiceCommand, detectManagerAssignment, type ServiceManager} from './service-commands.js';

/**
 * One step's work on one node as ONE remote command: the service manager detection (when the node's is not
 * known yet), the step's dependency checks, then its services in order. Each item is framed by marker lines
 * on both streams, so the reader below can give every output line to its own service and read each item's
 * exit status, as if the items had been separate execs. What used to cost a round trip per item costs one.
 *
 * Only validated names reach the script (`buildServiceCommand` checks every one); the nonce is hex and the
 * item numbers are integers, so nothing from outside is spliced in. The script is one line, and every `!`
 * (only in `$!`) is followed by a blank, for the same csh reasons as the transport's wrapper.
 */

/** Every service manager, in the order the script's `case` lists them. */
const managers: readonly ServiceManager[] = ['systemd', 'sysv', 'openrc'];

export type NodeScriptPlan = {
	/** Print the detected manager first (the node's first command). */
	readonly detect: boolean;
	/** Commands for this manager; undefined: for whichever the detection finds (a `case`). */
	readonly manager: ServiceManager | undefined;
	readonly action: Action;
	/** Dependencies to check (a status each) before any service; the first that is not running ends the script. */
	readonly depend: readonly string[];
	readonly services: readonly string[];
	readonly sudo: boolean;
	/**
	 * Kill the script when one item runs longer than this: a watchdog per item TERMs the transport's wrapper,
	 * which stops the whole process group (and KILLs it after its grace). Unset: the exec's own timeout is enough.
	 */
	readonly itemTimeoutMs?: number;
	/** Random hex, so a service's own output cannot pass for a marker. */
	readonly nonce: string;
};

/** What the marker lines of a script start with. */
export function markerPrefix(nonce: string): string {
	return `::svctui:${nonce}:`;
}

/** `1.5` or `2`: seconds for `sleep` (GNU and BusyBox take fractions). */
function seconds(ms: number): string {
	return String(Math.max(0.001, Math.round(ms) / 1000));
}

/** The item lines for one manager: dependencies first (each may end the script), then the services. */
/**
 * The script notes a TERM (the wrapper stopping it) instead of dying of it, and exits 143 before the next item
 * starts and before a stopped item's end is reported (a stopped item is cut short, not ended). Dying at once would
 * end the wrapper's wait, and with it the wrapper's KILL after the grace: an item that ignores TERM would outlive it.
 */
const stopIfAsked = '[ -z "$x" ] || exit 143';

/**
 * Actions that change the state only when it is not already the one they aim at: their items ask the
 * service's status first (a `p` marker with its exit status), so `@changed` can tell a start of a stopped
 * service from a start of a running one, in the same command. Restart and reload act on the daemon either way.
 */
export const statusBeforeActions: ReadonlySet<Action> = new Set<Action>(['start', 'stop']);

function items(plan: NodeScriptPlan, manager: ServiceManager): string[] {
	const watch = plan.itemTimeoutMs !== undefined;
	const lines: string[] = [];
	const before = statusBeforeActions.has(plan.action);
	const commands = [
		...plan.depend.map(name => ({command: buildServiceCommand(manager, 'status', name, {sudo: plan.sudo}), gate: true, status: undefined})),
		...plan.services.map(name => ({
			command: buildServiceCommand(manager, plan.action, name, {sudo: plan.sudo}),
			gate: false,
			status: before ? buildServiceCommand(manager, 'status', name, {sudo: plan.sudo}) : undefined,
		})),
	];
	for (const [index, {command, gate, status}] of commands.entries()) {
		lines.push(stopIfAsked, `m "b ${index}"`);
		if (watch) {
			lines.push(`w ${index}`);
		}

		if (status !== undefined) {
			// Inside the item, so its watchdog covers it; its output is not the action's and is dropped.
			lines.push(`${status} >/dev/null 2>&1`, `m "p ${index} $?"`);
		}

		lines.push(command, 's=$?');
		if (watch) {
			lines.push('kill -USR1 $d 2>/dev/null');
		}

		lines.push(stopIfAsked, `m "e ${index} $s"`);
		if (gate) {
			lines.push('[ $s = 0 ] || exit 0');
		}
	}

	return lines;
}

/** The remote command for `plan`. Throws (a UserError) on an unsafe service name, before anything runs. */
export function buildNodeScript(plan: NodeScriptPlan): string {
	if (!/^[\da-f]+$/.test(plan.nonce)) {
		throw new RangeError('a node script nonce is hex');
	}

	const marker = markerPrefix(plan.nonce);
	const parts = [`m() { echo "${marker}$1"; echo "${marker}$1" >&2; }`, "x=; trap 'x=1' TERM"];
	if (plan.itemTimeoutMs !== undefined) {
		// The watchdog: its sleep holds no end of the channel's pipes (a leftover sleep would keep the channel open).
		// $PPID is the wrapper (the script is its child), whose TERM trap stops everything the script started.
		// It is stopped with USR1, not TERM: until the subshell runs its own `trap`, it still has the script's
		// TERM trap (`x=1`), so a TERM sent right after an item that ended at once was swallowed there, and the
		// watchdog slept on with the channel's pipes open, then reported a timeout. The script leaves USR1 alone,
		// so one that comes before the subshell's trap kills it, before its sleep starts.
		parts.push(`w() { ( trap 'kill $z 2>/dev/null; exit 0' TERM USR1; sleep ${seconds(plan.itemTimeoutMs)} >/dev/null 2>&1 & z=$! ; wait $z; m "t $1"; kill -TERM $PPID ) & d=$! ; }`);
	}

	if (plan.detect) {
		parts.push(detectManagerAssignment, 'm "manager $M"');
	}

	if (plan.manager === undefined) {
		const branches = managers.map(manager => `${manager}) ${items(plan, manager).join('; ')};;`);
		parts.push(`case $M in ${branches.join(' ')} esac`);
	} else {
		parts.push(...items(plan, plan.manager));
	}

	return parts.join('; ');
}

/** The service commands a script runs for `manager`, in item order (dependency checks first). */
export function scriptCommands(plan: Pick<NodeScriptPlan, 'action' | 'depend' | 'services' | 'sudo'>, manager: ServiceManager): string[] {
	return [
		...plan.depend.map(name => buildServiceCommand(manager, 'status', name, {sudo: plan.sudo})),
		...plan.services.map(name => buildServiceCommand(manager, plan.action, name, {sudo: plan.sudo})),
	];
}

/** How one item of a script ended, as far as its markers tell. */
export type ItemEnd =
	| {readonly kind: 'exited'; readonly exitCode: number | null; readonly signal: string | null}
	/** Its watchdog fired. */
	| {readonly kind: 'timed-out'};

export type ScriptListener = {
	readonly onManager?: (manager: ManagerName) => void;
	readonly onBegin?: (item: number) => void;
	readonly onOutput?: (item: number, stream: Stream, lines: readonly string[]) => void;
	/** Once both streams are done with the item (so its tail is whole), with the last output lines of both. */
	readonly onEnd?: (item: number, end: ItemEnd, tail: readonly string[]) => void;
};

/** Output lines kept per item to explain a failure (the classifier reads only the end). */
export const tailLines = 20;

/** Signal names by number, as this machine numbers them (Linux nodes number them the same). */
const signalNames = new Map<number, string>(Object.entries(constants.signals).map(([name, number]) => [number, name]));

/** A shell status of 128+N, N a signal, is a command killed by that signal (as the wrapper reports its own). */
function statusEnd(status: number): ItemEnd {
	const name = status > 128 ? signalNames.get(status - 128) : undefined;
	return name === undefined ? {kind: 'exited', exitCode: status, signal: null} : {kind: 'exited', exitCode: null, signal: name};
}

type ItemState = {
	begun: boolean;
	tail: string[];
	/** Streams that passed the item's end marker. */
	ended: Set<Stream>;
	end?: ItemEnd;
	/** From the item's `p` marker: the status before the action exited 0. */
	runningBefore?: boolean;
	reported: boolean;
};

/**
 * Reads a script's output as it comes: markers are taken out, every other line goes to the item its stream is
 * in (a line before an item's begin goes to that item; so does a line a marker was glued to, when the command
 * printed no final newline). An item is reported ended once both its streams passed its end marker.
 */
export class ScriptReader {
	readonly #marker: string;
	readonly #listener: ScriptListener;
	readonly #items = new Map<number, ItemState>();
	/** Per stream: the item its lines belong to now. */
	readonly #current: Record<Stream, number> = {stdout: 0, stderr: 0};
	#manager: ManagerName | undefined;
	#timedOut: number | undefined;

	constructor(nonce: string, listener: ScriptListener) {
		this.#marker = markerPrefix(nonce);
		this.#listener = listener;
	}

	/** The manager the script reported, if it detected one. */
	get manager(): ManagerName | undefined {
		return this.#manager;
	}

	/** The item whose watchdog fired, if one did. */
	get timedOut(): number | undefined {
		return this.#timedOut;
	}

	/** Whether the item started (its begin marker came). */
	begun(item: number): boolean {
		return this.#items.get(item)?.begun ?? false;
	}

	/** How the item ended, once reported. */
	endOf(item: number): ItemEnd | undefined {
		const state = this.#items.get(item);
		return state?.reported ? state.end : undefined;
	}

	/**
	 * Whether the service ran before the item's action (its status exited 0), for items that asked
	 * (`statusBeforeActions`); undefined when it did not ask or the marker never came.
	 */
	runningBefore(item: number): boolean | undefined {
		return this.#items.get(item)?.runningBefore;
	}

	/** The item's last output lines. */
	tailOf(item: number): readonly string[] {
		return this.#items.get(item)?.tail ?? [];
	}

	push(stream: Stream, lines: readonly string[]): void {
		let pending: string[] = [];
		const flush = () => {
			if (pending.length > 0) {
				this.#output(this.#current[stream], stream, pending);
				pending = [];
			}
		};

		for (const line of lines) {
			const at = line.indexOf(this.#marker);
			if (at === -1) {
				pending.push(line);
				continue;
			}

			if (at > 0) {
				pending.push(line.slice(0, at));
			}

			flush();
			this.#marked(stream, line.slice(at + this.#marker.length).split(' '));
		}

		flush();
	}

	/**
	 * The exec ended: an item that began but did not reach its end marker on both streams ends now as
	 * `end` says (its status came on stdout, or the script was cut short). Returns the item that was cut short.
	 */
	finish(): number | undefined {
		let cut: number | undefined;
		for (const [item, state] of [...this.#items].sort(([a], [b]) => a - b)) {
			if (state.reported || !state.begun) {
				continue;
			}

			if (state.end === undefined) {
				cut ??= item;
				continue;
			}

			this.#report(item, state);
		}

		return cut;
	}

	#state(item: number): ItemState {
		let state = this.#items.get(item);
		if (state === undefined) {
			state = {begun: false, tail: [], ended: new Set(), reported: false};
			this.#items.set(item, state);
		}

		return state;
	}

	#output(item: number, stream: Stream, lines: readonly string[]): void {
		const state = this.#state(item);
		state.tail.push(...lines);
		state.tail.splice(0, Math.max(0, state.tail.length - tailLines));
		this.#listener.onOutput?.(item, stream, lines);
	}

	#marked(stream: Stream, [word, first, second]: readonly string[]): void {
		const item = Number(first);
		switch (word) {
			case 'manager': {
				// Both streams carry it; the first one counts.
				if (this.#manager === undefined) {
					this.#manager = parseManager(first);
					this.#listener.onManager?.(this.#manager);
				}

				break;
			}

			case 'b': {
				this.#current[stream] = item;
				const state = this.#state(item);
				if (!state.begun) {
					state.begun = true;
					this.#listener.onBegin?.(item);
				}

				break;
			}

			case 'e': {
				const state = this.#state(item);
				state.end ??= statusEnd(Number(second));
				state.ended.add(stream);
				this.#current[stream] = item + 1;
				if (state.ended.size === 2) {
					this.#report(item, state);
				}

				break;
			}

			case 'p': {
				// Both streams carry it; the first one counts.
				this.#state(item).runningBefore ??= second === '0';
				break;
			}

			case 't': {
				this.#timedOut ??= item;
				this.#state(item).end ??= {kind: 'timed-out'};
				break;
			}

			default: {
				// Not ours after all (the nonce matched by chance): output.
				this.#output(this.#current[stream], stream, [`${this.#marker}${[word, first, second].filter(Boolean).join(' ')}`]);
			}
		}
	}

	#report(item: number, state: ItemState): void {
		if (state.reported || state.end === undefined) {
			return;
		}

		state.reported = true;
		this.#listener.onEnd?.(item, state.end, state.tail);
	}
}

function parseManager(word: string | undefined): ManagerName {
	return word === 'systemd' || word === 'sysv' || word === 'openrc' ? word : 'none';
}
