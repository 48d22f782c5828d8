/** What a step does to each of its services. The ancestor's `state` key names it. */
export const actions = ['start', 'stop', 'restart', 'reload', 'status'] as const;
export type Action = (typeof actions)[number];

/** Actions that change what runs on a node: they need confirmation (`--yes` or the prompt). */
export const changingActions: ReadonlySet<Action> = new Set(['start', 'stop', 'restart', 'reload']);

/** Service managers svctui drives. `auto` detects per node. */
export const managers = ['auto', 'systemd', 'sysv', 'openrc'] as const;
export type ManagerChoice = (typeof managers)[number];

/** Where something stands in the plan file (1-based, as editors count). */
export type SourceLocation = {readonly line: number; readonly column: number};

/** A number of nodes, written as a count (`10`) or a share of the step's nodes (`25%`). */
export type NodeCount = {readonly count: number} | {readonly percent: number};

/** How a step proves a started service really runs: it stays active, and an optional health command passes. */
export type VerifyOptions = {
	/** Longest wait for the service to be active (and settled), and the health command's timeout. @default 30000 */
	readonly timeoutMs: number;
	/** How long the service must stay active once it is. @default 2000 */
	readonly settleMs: number;
	/** A shell command the admin wrote, run on the node; exit 0 means healthy. */
	readonly command?: string;
};

export const defaultVerify: VerifyOptions = {timeoutMs: 30_000, settleMs: 2000};

/** Options a step may set, or the plan's `defaults` may set for every step. */
export type StepOptions = {
	/** Run through `sudo -n` (for non-root logins). */
	readonly sudo?: boolean;
	/** Per-command timeout in milliseconds (written in YAML as `30s`, `2m` or a number of seconds). */
	readonly timeoutMs?: number;
	/** Force a service manager instead of detecting it. */
	readonly manager?: ManagerChoice;
	/** Most nodes of this step worked on at once (else the run's --fanout). */
	readonly fanout?: number;
	/** Batch sizes, in node-set order; the last repeats. Absent: the whole step is one batch. */
	readonly serial?: readonly NodeCount[];
	/** Once more of the step's nodes than this have failed, no new batch starts and later steps do not run. */
	readonly maxFail?: NodeCount;
	/** Wait between batches, in milliseconds. */
	readonly pauseMs?: number;
	/** The first batch is this many nodes; the rollout then waits for a go-ahead. */
	readonly canary?: number;
	/** Check services after start, restart or reload; `false` turns off a default. */
	readonly verify?: VerifyOptions | false;
};

/** One step of a plan: act on some services on a node set, after checking dependencies. */
export type Step = {
	/** 1-based position in the plan, as the review and the reports number steps. */
	readonly index: number;
	/** Service names, in the order written (`cron,nginx` → ['cron', 'nginx']). */
	readonly services: readonly string[];
	readonly action: Action;
	/** The node set as written (`node[1-3]`, `@web`); expand it with the node-set module. */
	readonly nodes: string;
	/** Services that must be installed and running on a node before this step acts there. */
	readonly depend: readonly string[];
	/** A disabled step stays in the file but does not run. @default true */
	readonly enabled: boolean;
	readonly options: StepOptions;
	/**
	 * Where the step's key stands in the file it was loaded from; absent for steps built in memory. Edits
	 * keep it (it names the step's origin when saving, see rewrite.ts), so after a move it is where the
	 * step came from, not where it now is.
	 */
	readonly location?: SourceLocation;
};

/** A loaded plan. `format` records which form the file used, so saving keeps the user's form. */
export type Plan = {
	/** Path the plan was read from, or a label such as `<run>` for a one-shot command. */
	readonly source: string;
	readonly format: 'list' | 'mapping';
	readonly defaults: StepOptions;
	readonly steps: readonly Step[];
};
