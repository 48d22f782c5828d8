import type {ManagerChoice} from '../plan/types.js';
import {ConnectError, type Session, type Transport} from '../ssh/transport.js';
import type {ExecutorEvent, ManagerName} from './events.js';
import {detectManagerCommand, parseDetectedManager} from './service-commands.js';

/** An event before the executor stamps it with the clock. */
export type EventBody = ExecutorEvent extends infer E ? (E extends ExecutorEvent ? Omit<E, 'at'> : never) : never;

/** Where a node stands once the pool has tried it. */
export type NodeLink =
	/** `manager` undefined: not detected yet (`foldDetection`), the node's first command reports it. */
	| {readonly kind: 'connected'; readonly session: Session; readonly manager: ManagerName | undefined; readonly latencyMs: number}
	| {readonly kind: 'unreachable'; readonly reason: ConnectError['reason']; readonly message: string}
	/** The run was aborted before or while connecting. */
	| {readonly kind: 'cancelled'};

/** A connection left open after its work, with what was learnt on it, for the next piece of work on the node. */
export type HeldLink = {readonly session: Session; readonly manager: ManagerName; readonly latencyMs: number};

/**
 * Connections carried from one piece of work to the next (a pre-flight's to the run it reviewed): `held` are
 * used instead of connecting, and the connections of nodes `keep` names are handed to `onHandOver` at the end
 * instead of being closed. Everything else closes as before.
 */
export type ConnectionReuse = {
	/** Open connections from earlier work, by node. One that dropped meanwhile is closed and the node connected again. */
	readonly held?: ReadonlyMap<string, HeldLink>;
	/** Whether the node's connection stays open after this work (asked when the node is done). @default none */
	readonly keep?: (node: string) => boolean;
	/** Receives the kept connections that are still open, once, when the work ends (not after an abort). */
	readonly onHandOver?: (links: ReadonlyMap<string, HeldLink>) => void;
};

export type NodePoolOptions = ConnectionReuse & {
	readonly transport: Transport;
	readonly emit: (event: EventBody) => void;
	readonly signal: AbortSignal;
	/** `auto` runs the detection command once per node; anything else is taken as given. */
	readonly manager: ManagerChoice;
	readonly detectTimeoutMs?: number;
	/**
	 * With `auto`: do not detect on connect; the node's first command detects as it goes and reports through
	 * `detected`, which emits `node-connected` (a round trip saved per node). @default false
	 */
	readonly foldDetection?: boolean;
};

/** Turn anything a transport threw into a ConnectError, so a transport bug is still a node-level event. */
/** Event messages sit next to their node's name already: drop the `node: ` a ConnectError message starts with. */
function withoutNodePrefix(node: string, message: string): string {
	return message.startsWith(`${node}: `) ? message.slice(node.length + 2) : message;
}

export function asConnectError(node: string, error: unknown): ConnectError {
	if (error instanceof ConnectError) {
		return error;
	}

	const message = error instanceof Error ? error.message : String(error);
	return new ConnectError(node, 'protocol', message.split('\n')[0] ?? 'connection failed');
}

/** What a released node's link holds instead of its closed session. */
function closedSession(node: string, connectMs: number): Session {
	return {
		node,
		connectMs,
		open: false,
		// eslint-disable-next-line require-yield
		async *exec() {
			throw new ConnectError(node, 'protocol', `${node}: the connection was closed (the node had no more work in this run)`);
		},
		close() {
			// Closed already.
		},
	};
}

/**
 * One connection per node, opened the first time a step needs the node and shared by every later step
 * (ClusterShell keeps one worker per node the same way). Connecting is memoised, so a node's
 * `node-connecting` / `node-connected` / `node-unreachable` events happen once per run.
 */
export class NodePool {
	readonly #options: NodePoolOptions;
	readonly #links = new Map<string, Promise<NodeLink>>();
	readonly #settled = new Map<string, NodeLink>();
	readonly #released = new Set<string>();
	/** Held connections not taken by this work yet. */
	readonly #held: Map<string, HeldLink>;
	/** Connections kept open past their release, for `onHandOver`. */
	readonly #kept = new Map<string, HeldLink>();

	constructor(options: NodePoolOptions) {
		this.#options = options;
		this.#held = new Map(options.held);
	}

	/** Connect (once) and detect the service manager. Never rejects. */
	async get(node: string): Promise<NodeLink> {
		let link = this.#links.get(node);
		if (!link) {
			link = this.#connect(node).then(result => {
				// A node lost mid-run may already have been marked unreachable; keep that.
				if (!this.#settled.has(node)) {
					this.#settled.set(node, result);
				}

				return this.#settled.get(node) ?? result;
			});
			this.#links.set(node, link);
		}

		return link;
	}

	/** The node's link if connecting has finished. */
	known(node: string): NodeLink | undefined {
		return this.#settled.get(node);
	}

	/** The connection dropped during a command: report the node unreachable once and stop using it. */
	markLost(node: string, error: ConnectError): void {
		const current = this.#settled.get(node);
		if (current?.kind === 'unreachable') {
			return;
		}

		if (current?.kind === 'connected') {
			current.session.close();
		}

		this.#settled.set(node, {kind: 'unreachable', reason: error.reason, message: withoutNodePrefix(node, error.message)});
		this.#options.emit({type: 'node-unreachable', node, reason: error.reason, message: withoutNodePrefix(node, error.message)});
	}

	/** The node's first command detected its manager: note it and say the node is connected (once). */
	detected(node: string, manager: ManagerName): void {
		const link = this.#settled.get(node);
		if (link?.kind !== 'connected' || link.manager !== undefined) {
			return;
		}

		this.#settled.set(node, {...link, manager});
		this.#options.emit({type: 'node-connected', node, latencyMs: link.latencyMs, manager});
	}

	/**
	 * The node has no more work in this run: close its session now rather than at the end, so a plan whose
	 * steps touch different nodes never holds more connections open than it needs.
	 */
	release(node: string): void {
		const link = this.#settled.get(node);
		if (link?.kind === 'connected' && !this.#released.has(node)) {
			this.#released.add(node);
			// A node whose first command never reported its manager (foldDetection) has nothing to hand on.
			const {manager} = link;
			if (manager !== undefined && this.#keeps(node)) {
				this.#kept.set(node, {session: link.session, manager, latencyMs: link.latencyMs});
			} else {
				link.session.close();
			}

			// Keep what the run still reads (manager, latency), not the connection: ssh2's objects for one node
			// are about 20 KB, and a 5,000-node run held every one of them to its end. A kept one lives on in
			// #kept for the next job.
			const settled: NodeLink = {...link, session: closedSession(node, link.session.connectMs)};
			this.#settled.set(node, settled);
			this.#links.set(node, Promise.resolve(settled));
		}
	}

	/** How many sessions are open now: connected and not yet released, kept for hand-over, or held and not taken yet. */
	get openSessions(): number {
		let open = this.#kept.size + this.#held.size;
		for (const [node, link] of this.#settled) {
			if (link.kind === 'connected' && !this.#released.has(node)) {
				open++;
			}
		}

		return open;
	}

	/**
	 * Close every session, including ones whose connect finishes after an abort; the kept ones that are still
	 * open (held ones this work never needed included) go to `onHandOver` instead, unless the work was aborted.
	 */
	async closeAll(): Promise<void> {
		await Promise.all(this.#links.values());
		for (const node of this.#settled.keys()) {
			this.release(node);
		}

		for (const [node, link] of this.#held) {
			if (this.#keeps(node)) {
				this.#kept.set(node, link);
			} else {
				link.session.close();
			}
		}

		this.#held.clear();
		const handed = new Map<string, HeldLink>();
		for (const [node, link] of this.#kept) {
			if (link.session.open && !this.#options.signal.aborted && this.#options.onHandOver !== undefined) {
				handed.set(node, link);
			} else {
				link.session.close();
			}
		}

		this.#kept.clear();
		if (handed.size > 0) {
			this.#options.onHandOver?.(handed);
		}
	}

	#keeps(node: string): boolean {
		return !this.#options.signal.aborted && (this.#options.keep?.(node) ?? false);
	}

	async #connect(node: string): Promise<NodeLink> {
		const {transport, emit, signal} = this.#options;
		if (signal.aborted) {
			return {kind: 'cancelled'};
		}

		const held = this.#held.get(node);
		if (held !== undefined) {
			this.#held.delete(node);
			if (held.session.open) {
				// Connected and detected by the earlier work: nothing to open, nothing to ask again.
				const manager = this.#options.manager === 'auto' ? held.manager : this.#options.manager;
				emit({type: 'node-connected', node, latencyMs: held.latencyMs, manager, reused: true});
				return {kind: 'connected', session: held.session, manager, latencyMs: held.latencyMs};
			}

			// It dropped while idle (the keepalive noticed, or the node closed it): connect again, as without reuse.
			held.session.close();
		}

		emit({type: 'node-connecting', node});
		let session: Session;
		try {
			session = await transport.connect(node, {signal});
		} catch (error: unknown) {
			if (signal.aborted) {
				return {kind: 'cancelled'};
			}

			const connectError = asConnectError(node, error);
			emit({type: 'node-unreachable', node, reason: connectError.reason, message: withoutNodePrefix(node, connectError.message)});
			return {kind: 'unreachable', reason: connectError.reason, message: connectError.message};
		}

		if (this.#options.manager === 'auto' && this.#options.foldDetection === true) {
			return {kind: 'connected', session, manager: undefined, latencyMs: session.connectMs};
		}

		let manager: ManagerName;
		try {
			manager = this.#options.manager === 'auto' ? await this.#detect(session) : this.#options.manager;
		} catch (error: unknown) {
			session.close();
			if (signal.aborted) {
				return {kind: 'cancelled'};
			}

			const connectError = asConnectError(node, error);
			emit({type: 'node-unreachable', node, reason: connectError.reason, message: withoutNodePrefix(node, connectError.message)});
			return {kind: 'unreachable', reason: connectError.reason, message: connectError.message};
		}

		if (signal.aborted) {
			session.close();
			return {kind: 'cancelled'};
		}

		emit({type: 'node-connected', node, latencyMs: session.connectMs, manager});
		return {kind: 'connected', session, manager, latencyMs: session.connectMs};
	}

	async #detect(session: Session): Promise<ManagerName> {
		const stdout: string[] = [];
		let exitCode: number | null = null;
		for await (const chunk of session.exec(detectManagerCommand, {signal: this.#options.signal, timeoutMs: this.#options.detectTimeoutMs})) {
			if (chunk.kind === 'output' && chunk.stream === 'stdout') {
				stdout.push(...chunk.lines);
			} else if (chunk.kind === 'exit') {
				exitCode = chunk.exitCode;
			} else if (chunk.kind === 'timed-out') {
				// A node that cannot answer a three-line shell test in time is not usable, and saying "no
				// service manager" would send the admin looking in the wrong place.
				throw new ConnectError(session.node, 'timeout', `${session.node}: the node did not answer the service manager check within ${chunk.afterMs / 1000} s`);
			}
		}

		return exitCode === 0 ? parseDetectedManager(stdout) : 'none';
	}
}
