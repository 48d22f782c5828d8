import type {Transport} from '../ssh/transport.js';
import type {HeldLink} from './node-pool.js';

/** Timers the hold uses; tests pass a manual clock. */
export type HoldTimers = {
	readonly now: () => number;
	readonly setTimer: (callback: () => void, ms: number) => () => void;
};

const realTimers: HoldTimers = {
	now: Date.now,
	setTimer(callback, ms) {
		const timer = setTimeout(callback, ms);
		// An idle hold must not keep the process alive on its own.
		timer.unref();
		return () => {
			clearTimeout(timer);
		};
	},
};

export type ConnectionHoldOptions = {
	/** The transport that opened the links: the hold owns it, and whoever takes the links owns it next. */
	readonly transport: Transport;
	readonly links: ReadonlyMap<string, HeldLink>;
	/** How long the links stay open for someone to take them. */
	readonly windowMs: number;
	/** Called once when the hold ends: taken, closed at expiry, or closed before (dropped or replaced). */
	readonly onEnd?: (how: HoldEnd) => void;
	readonly timers?: HoldTimers;
};

/** How a hold ended. */
export type HoldEnd = 'taken' | 'expired' | 'closed';

/** What `take` hands over: the transport and the open links of the nodes asked for. */
export type TakenConnections = {readonly transport: Transport; readonly held: ReadonlyMap<string, HeldLink>};

/**
 * Connections one piece of work (a pre-flight, a health check, a run before a retry) left open for the next,
 * for a bounded time: taken within the window, they are used instead of connecting again; past it, or when
 * dropped, they are closed with their transport. Only the nodes the taker names are handed over, so what is
 * held is never more than the next work's nodes.
 */
export class ConnectionHold {
	/** When the links are closed unless taken (ms since the epoch). */
	readonly expiresAt: number;
	readonly #transport: Transport;
	readonly #links: Map<string, HeldLink>;
	readonly #timers: HoldTimers;
	readonly #cancelTimer: () => void;
	readonly #onEnd: ((how: HoldEnd) => void) | undefined;
	#state: 'held' | 'taken' | 'closed' = 'held';

	constructor(options: ConnectionHoldOptions) {
		this.#transport = options.transport;
		this.#links = new Map(options.links);
		this.#timers = options.timers ?? realTimers;
		this.#onEnd = options.onEnd;
		this.expiresAt = this.#timers.now() + options.windowMs;
		this.#cancelTimer = this.#timers.setTimer(() => {
			void this.#close('expired');
		}, options.windowMs);
	}

	/** Links held now (some may have dropped since; `take` checks); none once taken or closed. */
	get size(): number {
		return this.#links.size;
	}

	get state(): 'held' | 'taken' | 'closed' {
		return this.#state;
	}

	/**
	 * Hand over the transport and the still open links of `nodes`; every other link is closed. Undefined when
	 * the window has passed or the hold was taken or closed already (then the taker connects as usual).
	 */
	take(nodes: Iterable<string>): TakenConnections | undefined {
		if (this.#state !== 'held') {
			return undefined;
		}

		if (this.#timers.now() >= this.expiresAt) {
			void this.#close('expired');
			return undefined;
		}

		this.#state = 'taken';
		this.#cancelTimer();
		const wanted = new Set(nodes);
		const held = new Map<string, HeldLink>();
		for (const [node, link] of this.#links) {
			if (wanted.has(node) && link.session.open) {
				held.set(node, link);
			} else {
				link.session.close();
			}
		}

		this.#links.clear();
		this.#onEnd?.('taken');
		return {transport: this.#transport, held};
	}

	/** Close every link and the transport now (`n` or Esc in the review, a new hold, quitting). */
	async close(): Promise<void> {
		await this.#close('closed');
	}

	async #close(how: 'expired' | 'closed'): Promise<void> {
		if (this.#state !== 'held') {
			return;
		}

		this.#state = 'closed';
		this.#cancelTimer();
		for (const link of this.#links.values()) {
			link.session.close();
		}

		this.#links.clear();
		this.#onEnd?.(how);
		await this.#transport.close();
	}
}
