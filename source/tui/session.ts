import {ConnectionHold, type HoldEnd} from '../executor/connection-hold.js';
import type {ConnectionReuse, HeldLink} from '../executor/node-pool.js';
import type {ExecutorSettings} from '../executor/settings.js';
import type {GroupResolver} from '../nodeset/index.js';
import type {PreparedRun} from '../plan/prepare.js';
import {parseNodeSet} from '../nodeset/index.js';
import type {RunLog} from '../report/log-writer.js';
import type {Transport} from '../ssh/transport.js';
import type {ExternalStore, FlushTimer} from '../store/external-store.js';
import type {HeldConnectionsView, TuiState} from './contract.js';

/** What the sessions take from the command line (commands/prepare.ts `tuiSettings` builds it). */
export type TuiSettings = {
	readonly cwd: string;
	readonly env: NodeJS.ProcessEnv;
	/** @default openRunLog's default folder */
	readonly logDir: string | undefined;
	readonly executor: ExecutorSettings;
	/**
	 * How long the connections a pre-flight, health check or run left open wait for the run or retry that
	 * follows (`--reuse-window`); 0 closes them at once. @default 60_000
	 */
	readonly reuseWindowMs?: number;
	/**
	 * `--limit` / `--pick`: the reviewed and run plan keeps only the selected nodes. `text` says how it was
	 * narrowed (the review shows it); `apply` throws a UserError when no node is left.
	 */
	readonly narrow?: {readonly text: string; readonly apply: (prepared: PreparedRun) => PreparedRun};
};

/** The connections held for the next piece of work: how many, until when. */
export type HeldConnections = Omit<HeldConnectionsView, 'closed'>;

/** What a piece of work run through `withConnections` is told about the connections it leaves open. */
export type HoldListener = {
	/** Its connections are held now. */
	readonly held?: (held: HeldConnections) => void;
	/** The hold ended: taken by the next work, closed at expiry, or closed before. */
	readonly ended?: (how: HoldEnd) => void;
};

export type TuiDeps = {
	/** A new transport for one piece of work (a pre-flight, a run, a check); closed after it. */
	readonly transportFactory: () => Transport;
	/** Resolves `@group` names in node sets (groups.conf). */
	readonly resolver: GroupResolver;
	/** Leave the screen to the editor and take it back (unmount raw mode, alt screen). */
	readonly suspend?: () => void;
	readonly resume?: () => void;
	/** Runs the editor on a file with the terminal; returns its exit status. @default $VISUAL, $EDITOR, else vi, through sh */
	readonly runEditor?: (file: string) => number;
	/** @default openRunLog in `settings.logDir` */
	readonly openLog?: () => RunLog;
	/** @default 40 */
	readonly flushMs?: number;
	/** The clock the TUI's stores flush on; the controller makes one that they share. */
	readonly flushTimer?: FlushTimer;
};

/** What every session shares: the one state store, the settings, and helpers for async work. */
export type SessionContext = {
	readonly store: ExternalStore<TuiState>;
	readonly settings: TuiSettings;
	readonly deps: TuiDeps;
	/** The footer's one line: what just happened or why something did not. */
	notice(text: string | undefined): void;
	/** Work to wait for on dispose. */
	track<T>(work: Promise<T>): Promise<T>;
	/**
	 * Run `work` over the connections the last piece of work left open (those of `nodes`; the others close) and
	 * their transport, else over a fresh transport. Afterwards the connections of the nodes `keep` names stay
	 * open for the next work, for the reuse window; everything else closes.
	 */
	withConnections<T>(nodes: Iterable<string>, keep: (node: string) => boolean, work: (transport: Transport, connections: ConnectionReuse) => Promise<T>, listener?: HoldListener): Promise<T>;
	/** Close the held connections now (`n` or Esc in the review, quitting). */
	dropHeld(): Promise<void>;
	/** The node count of an expression, or undefined when it does not parse. */
	countOf(expression: string): number | undefined;
	/** The nodes of an expression; none when it does not parse. */
	expand(expression: string): string[];
};

export function createSessionContext(
	store: ExternalStore<TuiState>,
	settings: TuiSettings,
	deps: TuiDeps,
): SessionContext & {readonly inFlight: ReadonlySet<Promise<unknown>>; /** Nothing is held from now on. */ dispose(): void} {
	const inFlight = new Set<Promise<unknown>>();
	const reuseWindowMs = settings.reuseWindowMs ?? 60_000;
	let hold: ConnectionHold | undefined;
	let disposed = false;
	const countOf = (expression: string): number | undefined => {
		try {
			return parseNodeSet(expression, {resolver: deps.resolver}).size;
		} catch {
			return undefined;
		}
	};

	return {
		store,
		settings,
		deps,
		inFlight,
		notice(text) {
			store.set(current => (current.notice === text ? current : {...current, notice: text}));
		},
		async track(work) {
			inFlight.add(work);
			try {
				return await work;
			} finally {
				inFlight.delete(work);
			}
		},
		async withConnections(nodes, keep, work, listener) {
			const taken = hold?.take(nodes);
			hold = undefined;
			const transport = taken?.transport ?? deps.transportFactory();
			let handed: ReadonlyMap<string, HeldLink> | undefined;
			const connections: ConnectionReuse = {
				...(taken === undefined ? {} : {held: taken.held}),
				...(reuseWindowMs > 0 ? {keep} : {}),
				onHandOver(links) {
					handed = links;
				},
			};
			try {
				return await work(transport, connections);
			} finally {
				if (handed === undefined || disposed) {
					await transport.close();
				} else {
					// Newer work's connections win: an older hold (work that ran alongside) closes.
					const older = hold as ConnectionHold | undefined;
					const next = new ConnectionHold({
						transport,
						links: handed,
						windowMs: reuseWindowMs,
						onEnd(how) {
							if (hold === next) {
								hold = undefined;
							}

							listener?.ended?.(how);
						},
					});
					hold = next;
					listener?.held?.({connections: handed.size, until: next.expiresAt, windowMs: reuseWindowMs});
					await older?.close();
				}
			}
		},
		async dropHeld() {
			const dropped = hold;
			hold = undefined;
			await dropped?.close();
		},
		dispose() {
			disposed = true;
		},
		countOf,
		expand: expression => (countOf(expression) === undefined ? [] : parseNodeSet(expression, {resolver: deps.resolver}).expand()),
	};
}
