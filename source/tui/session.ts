import type {ExecutorSettings} from '../executor/settings.js';
import type {GroupResolver} from '../nodeset/index.js';
import type {PreparedRun} from '../plan/prepare.js';
import {parseNodeSet} from '../nodeset/index.js';
import type {RunLog} from '../report/log-writer.js';
import type {Transport} from '../ssh/transport.js';
import type {ExternalStore} from '../store/external-store.js';
import type {TuiState} from './contract.js';

/** What the sessions take from the command line (commands/prepare.ts `tuiSettings` builds it). */
export type TuiSettings = {
	readonly cwd: string;
	readonly env: NodeJS.ProcessEnv;
	/** @default openRunLog's default folder */
	readonly logDir: string | undefined;
	readonly executor: ExecutorSettings;
	/**
	 * `--limit` / `--pick`: the reviewed and run plan keeps only the selected nodes. `text` says how it was
	 * narrowed (the review shows it); `apply` throws a UserError when no node is left.
	 */
	readonly narrow?: {readonly text: string; readonly apply: (prepared: PreparedRun) => PreparedRun};
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
	/** Run `work` over a fresh transport, closed afterwards. */
	withTransport<T>(work: (transport: Transport) => Promise<T>): Promise<T>;
	/** The node count of an expression, or undefined when it does not parse. */
	countOf(expression: string): number | undefined;
	/** The nodes of an expression; none when it does not parse. */
	expand(expression: string): string[];
};

export function createSessionContext(store: ExternalStore<TuiState>, settings: TuiSettings, deps: TuiDeps): SessionContext & {readonly inFlight: ReadonlySet<Promise<unknown>>} {
	const inFlight = new Set<Promise<unknown>>();
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
		async withTransport(work) {
			const transport = deps.transportFactory();
			try {
				return await work(transport);
			} finally {
				await transport.close();
			}
		},
		countOf,
		expand: expression => (countOf(expression) === undefined ? [] : parseNodeSet(expression, {resolver: deps.resolver}).expand()),
	};
}
