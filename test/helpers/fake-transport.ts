import {constants as osConstants} from 'node:os';
import {detectManagerCommand, parseDetectedManager} from '../../source/executor/service-commands.js';
import {ConnectError, type ConnectFailure, type ExecChunk, type ExecOptions, type Session, type Transport} from '../../source/ssh/transport.js';

/** What one exec on a fake node does. */
export type FakeReply = {
	readonly stdout?: string;
	readonly stderr?: string;
	/** @default 0 */
	readonly code?: number | null;
	readonly signal?: string | null;
	/** Wait this long (real timer, aborted by the signal) before answering. */
	readonly delayMs?: number;
	/** Never end on its own: only the exec's timeout or abort ends it. */
	readonly hang?: boolean;
	/** The connection drops mid-command (exec throws ConnectError). */
	readonly dropConnection?: boolean;
};

export type FakeNode = {
	readonly connectError?: {readonly reason: ConnectFailure; readonly message: string};
	/** Reported as the session's connect latency. @default 5 */
	readonly connectMs?: number;
	/** Answers a command; undefined means `sh: 1: <cmd>: not found`, exit 127. */
	readonly respond?: (command: string) => FakeReply | undefined;
	/**
	 * The exit status of the status a start or stop item asks before its action (node-script.ts `p` marker),
	 * by service; undefined: `respond` answers that status like any other command (not recorded in `ran`).
	 */
	readonly statusBefore?: (service: string) => number;
};

export type ExecCall = {readonly node: string; readonly command: string; readonly timeoutMs?: number};

/** One command a node script ran (its detection included), as a shell running the script would have. */
export type ScriptCommand = {readonly node: string; readonly command: string};

/**
 * A scripted Transport: per-node replies, records every connect and exec, and measures how many execs
 * (all nodes together) and connections were in flight at once.
 */
export class FakeTransport implements Transport {
	readonly connects: string[] = [];
	readonly execs: ExecCall[] = [];
	/** Every command run, a node script's items one by one (plain execs too): what a node saw executed. */
	readonly ran: ScriptCommand[] = [];
	readonly closedSessions: string[] = [];
	maxConcurrentExecs = 0;
	#concurrentExecs = 0;
	readonly #nodes: Readonly<Record<string, FakeNode>>;

	constructor(nodes: Readonly<Record<string, FakeNode>>) {
		this.#nodes = nodes;
	}

	/** The commands a node ran, node scripts unfolded into their items (detection included). */
	ranOn(node: string): string[] {
		return this.ran.filter(call => call.node === node).map(call => call.command);
	}

	/** Execs recorded for one node, commands only. */
	commandsOn(node: string): string[] {
		return this.execs.filter(call => call.node === node).map(call => call.command);
	}

	async connect(node: string, options?: {readonly signal?: AbortSignal}): Promise<Session> {
		this.connects.push(node);
		const script = this.#nodes[node];
		await Promise.resolve();
		if (options?.signal?.aborted) {
			throw new ConnectError(node, 'timeout', 'aborted');
		}

		if (!script) {
			throw new ConnectError(node, 'dns', `${node}: could not resolve host name`);
		}

		if (script.connectError) {
			throw new ConnectError(node, script.connectError.reason, script.connectError.message);
		}

		return this.#session(node, script);
	}

	async close(): Promise<void> {
		// Sessions are closed by their owner; nothing global to release.
	}

	/** Drop the node's open connections as a dead peer or the keepalive would: `open` turns false, execs throw. */
	dropConnections(node: string): void {
		for (const drop of this.#droppers.get(node) ?? []) {
			drop();
		}
	}

	readonly #droppers = new Map<string, Array<() => void>>();

	#session(node: string, script: FakeNode): Session {
		const transport = this;
		let closed = false;
		let lost = false;
		const droppers = this.#droppers.get(node) ?? [];
		droppers.push(() => {
			lost = true;
		});
		this.#droppers.set(node, droppers);
		return {
			node,
			connectMs: script.connectMs ?? 5,
			get open() {
				return !closed && !lost;
			},
			exec(command: string, options: ExecOptions = {}): AsyncIterable<ExecChunk> {
				if (closed) {
					throw new ConnectError(node, 'protocol', 'session already closed');
				}

				if (lost) {
					throw new ConnectError(node, 'protocol', `${node}: connection lost (the server closed it)`);
				}

				transport.execs.push({node, command, ...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs})});
				const parsed = parseNodeScript(command);
				if (parsed !== undefined) {
					return transport.#runScript(node, script, parsed, options);
				}

				transport.ran.push({node, command});
				const reply = script.respond?.(command) ?? {stderr: `sh: 1: ${command.split(' ')[0] ?? ''}: not found`, code: 127};
				return transport.#run(node, reply, options);
			},
			close() {
				if (!closed) {
					closed = true;
					transport.closedSessions.push(node);
				}
			},
		};
	}

	/**
	 * A node script (source/executor/node-script.ts) as /bin/sh would run it: the detection, then each item
	 * answered by the node's `respond`, framed by the script's markers on both streams; a dependency that
	 * fails ends the script; an item past the script's per-item timeout ends it as the watchdog would (its
	 * marker, then a TERM exit). The exec's own timeout and abort hold over the whole script.
	 */
	async *#runScript(node: string, fake: FakeNode, script: ParsedScript, options: ExecOptions): AsyncIterable<ExecChunk> {
		this.#concurrentExecs++;
		this.maxConcurrentExecs = Math.max(this.maxConcurrentExecs, this.#concurrentExecs);
		const started = Date.now();
		const marker = (text: string): ExecChunk[] => [
			{kind: 'output', stream: 'stdout', lines: [`${script.marker}${text}`]},
			{kind: 'output', stream: 'stderr', lines: [`${script.marker}${text}`]},
		];
		const answer = (command: string): FakeReply => {
			this.ran.push({node, command});
			return fake.respond?.(command) ?? {stderr: `sh: 1: ${command.split(' ')[0] ?? ''}: not found`, code: 127};
		};

		/** Wait for a reply's delay within the item's and the exec's time; output when it answered. */
		const run = async function * (reply: FakeReply, itemTimeoutMs: number | undefined, quiet = false): AsyncGenerator<ExecChunk, 'done' | 'item-timeout' | 'end'> {
			const outerLeft = options.timeoutMs === undefined ? undefined : Math.max(0, started + options.timeoutMs - Date.now());
			const limit = [itemTimeoutMs, outerLeft].filter((value): value is number => value !== undefined);
			const timeoutMs = limit.length === 0 ? undefined : Math.min(...limit);
			const waited = await wait(reply.hang ? undefined : (reply.delayMs ?? 0), {...options, ...(timeoutMs === undefined ? {} : {timeoutMs})});
			if (waited === 'aborted') {
				yield {kind: 'exit', exitCode: null, signal: 'SIGTERM'};
				return 'end';
			}

			if (waited === 'timed-out') {
				if (itemTimeoutMs !== undefined && timeoutMs === itemTimeoutMs && (outerLeft === undefined || itemTimeoutMs < outerLeft)) {
					return 'item-timeout';
				}

				yield {kind: 'timed-out', afterMs: options.timeoutMs ?? 0};
				return 'end';
			}

			// The detection sets a variable: its output never reaches the channel.
			if (reply.stdout && !quiet) {
				yield {kind: 'output', stream: 'stdout', lines: reply.stdout.replace(/\n$/, '').split('\n')};
			}

			if (reply.stderr && !quiet) {
				yield {kind: 'output', stream: 'stderr', lines: reply.stderr.replace(/\n$/, '').split('\n')};
			}

			if (reply.dropConnection) {
				throw new ConnectError(node, 'protocol', 'Connection lost before the command finished');
			}

			return 'done';
		};

		try {
			let manager = script.manager;
			if (script.detect) {
				const reply = answer(detectManagerCommand);
				const outcome = yield * run(reply, undefined, true);
				if (outcome !== 'done') {
					return;
				}

				const detected = reply.code === undefined || reply.code === 0 ? parseDetectedManager((reply.stdout ?? '').split('\n')) : 'none';
				yield * marker(`manager ${detected}`);
				manager ??= detected === 'none' ? undefined : detected;
			}

			const items = manager === undefined ? [] : (script.items.get(manager) ?? []);
			for (const [index, item] of items.entries()) {
				yield * marker(`b ${index}`);
				if (item.status !== undefined) {
					const service = item.status.split(' ').at(-1) ?? '';
					const code = fake.statusBefore?.(service) ?? (fake.respond?.(item.status) ?? {code: 127}).code ?? 0;
					yield * marker(`p ${index} ${code}`);
				}

				const reply = answer(item.command);
				const outcome = yield * run(reply, script.itemTimeoutMs);
				if (outcome === 'end') {
					return;
				}

				if (outcome === 'item-timeout') {
					yield * marker(`t ${index}`);
					yield {kind: 'exit', exitCode: null, signal: 'SIGTERM'};
					return;
				}

				const code = reply.code === undefined ? 0 : reply.code === null ? 128 + (osConstants.signals[(reply.signal ?? 'SIGTERM') as keyof typeof osConstants.signals] ?? 15) : reply.code;
				yield * marker(`e ${index} ${code}`);
				if (item.gate && code !== 0) {
					break;
				}
			}

			yield {kind: 'exit', exitCode: 0, signal: null};
		} finally {
			this.#concurrentExecs--;
		}
	}

	async *#run(node: string, reply: FakeReply, options: ExecOptions): AsyncIterable<ExecChunk> {
		this.#concurrentExecs++;
		this.maxConcurrentExecs = Math.max(this.maxConcurrentExecs, this.#concurrentExecs);
		try {
			const waited = await wait(reply.hang ? undefined : (reply.delayMs ?? 0), options);
			if (waited === 'aborted') {
				yield {kind: 'exit', exitCode: null, signal: 'SIGTERM'};
				return;
			}

			if (waited === 'timed-out') {
				yield {kind: 'timed-out', afterMs: options.timeoutMs ?? 0};
				return;
			}

			if (reply.stdout) {
				yield {kind: 'output', stream: 'stdout', lines: reply.stdout.replace(/\n$/, '').split('\n')};
			}

			if (reply.stderr) {
				yield {kind: 'output', stream: 'stderr', lines: reply.stderr.replace(/\n$/, '').split('\n')};
			}

			if (reply.dropConnection) {
				throw new ConnectError(node, 'protocol', 'Connection lost before the command finished');
			}

			yield {kind: 'exit', exitCode: reply.code === undefined ? 0 : reply.code, signal: reply.signal ?? null};
		} finally {
			this.#concurrentExecs--;
		}
	}
}

type ParsedScript = {
	readonly marker: string;
	readonly detect: boolean;
	/** The manager the script was written for; undefined: a `case` over the detected one. */
	readonly manager: SimulatedManager | undefined;
	/** `status`: what a start or stop item asks before its action. */
	readonly items: ReadonlyMap<SimulatedManager, ReadonlyArray<{readonly command: string; readonly gate: boolean; readonly status: string | undefined}>>;
	readonly itemTimeoutMs: number | undefined;
};

/** Read back what a node script runs (the executor writes them in one known shape). */
function parseNodeScript(command: string): ParsedScript | undefined {
	const marker = /^m\(\) \{ echo "(::svctui:[\da-f]+:)/.exec(command)?.[1];
	if (marker === undefined) {
		return undefined;
	}

	const itemsOf = (text: string) =>
		[...text.matchAll(/\[ -z "\$x" \] \|\| exit 143; m "b \d+"; (?:w \d+; )?(?:([^;]+?) >\/dev\/null 2>&1; m "p \d+ \$\?"; )?(.+?); s=\$\?; (?:kill -USR1 \$d 2>\/dev\/null; )?\[ -z "\$x" \] \|\| exit 143; m "e \d+ \$s"(; \[ \$s = 0 \] \|\| exit 0)?/g)].map(match => ({command: match[2]!, gate: match[3] !== undefined, status: match[1]}));
	const items = new Map<SimulatedManager, Array<{command: string; gate: boolean; status: string | undefined}>>();
	const cases = /case \$M in (.*) esac$/.exec(command)?.[1];
	let manager: SimulatedManager | undefined;
	if (cases === undefined) {
		const body = itemsOf(command);
		const tool = body.find(item => !item.gate)?.command.replace(/^sudo -n /, '').split(' ')[0];
		manager = tool === 'systemctl' ? 'systemd' : tool === 'service' ? 'sysv' : 'openrc';
		items.set(manager, body);
	} else {
		for (const branch of cases.split(';; ')) {
			const name = /^(systemd|sysv|openrc)\) /.exec(branch)?.[1] as SimulatedManager | undefined;
			if (name !== undefined) {
				items.set(name, itemsOf(`${branch.replace(/;;$/, '')}`));
			}
		}
	}

	const sleep = /sleep ([\d.]+) >\/dev\/null/.exec(command)?.[1];
	return {marker, detect: command.includes('m "manager $M"'), manager, items, itemTimeoutMs: sleep === undefined ? undefined : Number(sleep) * 1000};
}

/** Resolves after `ms` (or never when undefined), or early on abort or the exec timeout. */
async function wait(ms: number | undefined, options: ExecOptions): Promise<'done' | 'aborted' | 'timed-out'> {
	if (options.signal?.aborted) {
		return 'aborted';
	}

	if (ms === 0) {
		await Promise.resolve();
		return 'done';
	}

	return new Promise(resolve => {
		const timers: Array<ReturnType<typeof setTimeout>> = [];
		const finish = (result: 'done' | 'aborted' | 'timed-out') => {
			for (const timer of timers) {
				clearTimeout(timer);
			}

			options.signal?.removeEventListener('abort', onAbort);
			resolve(result);
		};

		const onAbort = () => {
			finish('aborted');
		};

		options.signal?.addEventListener('abort', onAbort);
		if (ms !== undefined) {
			timers.push(setTimeout(() => {
				finish('done');
			}, ms));
		}

		if (options.timeoutMs !== undefined && (ms === undefined || options.timeoutMs < ms)) {
			timers.push(setTimeout(() => {
				finish('timed-out');
			}, options.timeoutMs));
		}
	});
}

export type SimulatedManager = 'systemd' | 'sysv' | 'openrc';
export type SimulatedService = 'active' | 'inactive' | 'failed';

/**
 * A node that answers service commands the way the real managers do (exit codes and messages measured on
 * the lab's systemd 252 and sysvinit nodes, TESTBED.md). Starting and stopping change its state, so a
 * later step's dependency check sees what an earlier step did.
 */
export function simulatedNode(
	manager: SimulatedManager | 'none',
	services: Record<string, SimulatedService>,
	extra: {connectMs?: number; reloadable?: readonly string[]; override?: (command: string) => FakeReply | undefined} = {},
): FakeNode {
	const state = new Map(Object.entries(services));
	const reloadable = new Set(extra.reloadable ?? Object.keys(services));
	const apply = (action: string, name: string): FakeReply => {
		const current = state.get(name);
		if (current === undefined) {
			return missing(manager, action, name);
		}

		switch (action) {
			case 'status': {
				return status(manager, name, current);
			}

			case 'start':
			case 'restart': {
				state.set(name, 'active');
				return {};
			}

			case 'stop': {
				state.set(name, 'inactive');
				return {};
			}

			case 'reload': {
				if (!reloadable.has(name)) {
					return manager === 'systemd'
						? {stderr: `Failed to reload ${name}.service: Job type reload is not applicable for unit ${name}.service.`, code: 3}
						: {stderr: `Usage: /etc/init.d/${name} {start|stop|restart|status}`, code: 1};
				}

				return current === 'active' ? {} : {stderr: `${name} is not running`, code: 7};
			}

			default: {
				return {stderr: `unknown action ${action}`, code: 2};
			}
		}
	};

	return {
		connectMs: extra.connectMs ?? 5,
		respond(command) {
			const overridden = extra.override?.(command);
			if (overridden) {
				return overridden;
			}

			if (command.includes('/run/systemd/system')) {
				return {stdout: `${manager}\n`};
			}

			const words = command.replace(/^sudo -n /, '').split(' ');
			if (manager === 'systemd' && words[0] === 'systemctl') {
				const name = words.at(-1) ?? '';
				const action = words.find(word => ['start', 'stop', 'restart', 'reload', 'status'].includes(word)) ?? '';
				return apply(action, name);
			}

			if ((manager === 'sysv' && words[0] === 'service') || (manager === 'openrc' && words[0] === 'rc-service')) {
				return apply(words[2] ?? '', words[1] ?? '');
			}

			return undefined;
		},
	};
}

function missing(manager: SimulatedManager | 'none', action: string, name: string): FakeReply {
	switch (manager) {
		case 'systemd': {
			return action === 'status'
				? {stderr: `Unit ${name}.service could not be found.`, code: 4}
				: {stderr: `Failed to ${action} ${name}.service: Unit ${name}.service not found.`, code: 5};
		}

		case 'sysv': {
			return {stderr: `${name}: unrecognized service`, code: 1};
		}

		default: {
			return {stderr: ` * rc-service: service \`${name}' does not exist`, code: 1};
		}
	}
}

function status(manager: SimulatedManager | 'none', name: string, current: SimulatedService): FakeReply {
	if (manager === 'systemd') {
		const active = current === 'active' ? 'active (running)' : current === 'failed' ? 'failed (Result: exit-code)' : 'inactive (dead)';
		return {stdout: `● ${name}.service - ${name} daemon\n     Active: ${active}`, code: current === 'active' ? 0 : 3};
	}

	if (manager === 'openrc') {
		return {stdout: ` * status: ${current === 'active' ? 'started' : current === 'failed' ? 'crashed' : 'stopped'}`, code: current === 'active' ? 0 : current === 'failed' ? 32 : 3};
	}

	return current === 'active' ? {stdout: `${name} is running.`} : {stdout: `${name} is not running ... failed!`, code: 3};
}
