import type {ManagerName} from '../executor/events.js';
import type {PreflightStep} from '../executor/predict.js';
import type {StepDraft} from '../plan/edit.js';
import type {PlanProblem} from '../plan/errors.js';
import type {PreparedRun} from '../plan/prepare.js';
import type {Plan} from '../plan/types.js';
import type {DownGroup} from '../report/health.js';
import type {RunStore} from '../store/run-store.js';
import type {SketchedRow} from '../plan/sketch.js';
import type {CanaryView, RolloutView} from './rollout-view.js';

export type {DownGroup} from '../report/health.js';
export type {CanaryView, RolloutView} from './rollout-view.js';

/**
 * What the app shows and what it can ask for: the contract between the UI (source/ui, which renders
 * and dispatches) and the TUI sessions (source/tui, which do the side effects). ui/ imports only these
 * types from tui/; tui/ never imports ui/.
 */

/** A step as the plan pane lists it; for a file with errors, as far as it could be read. */
export type StepRow = SketchedRow & {
	/** Nodes the set expands to; undefined when it does not parse. */
	readonly count?: number;
};

export type PlanView = {
	/** The plan being edited; undefined while the file has errors (then `rows` is a best-effort read). */
	readonly plan: Plan | undefined;
	readonly rows: readonly StepRow[];
	/** The file the plan saves to. */
	readonly file: string | undefined;
	/** Every problem; those with `step` are shown at their step, the others above the list. */
	readonly problems: readonly PlanProblem[];
	readonly dirty: boolean;
	/** `s` found the file changed on disk since it was opened: the app asks to overwrite or reload. */
	readonly changedOnDisk?: boolean;
};

/** What `s` did: saved, found the file changed on disk (nothing written; ask), or could not save (the notice says why). */
export type SaveOutcome = 'saved' | 'changed-on-disk' | 'not-saved';

/**
 * Connections a pre-flight (or health check, or run) left open for the run that follows: how many, until when
 * (ms since the epoch); `closed` once they were closed unused, at the window's end or before.
 */
export type HeldConnectionsView = {
	readonly connections: number;
	readonly until: number;
	readonly windowMs: number;
	readonly closed?: 'expired' | 'closed';
};

export type PreflightView = {
	readonly status: 'idle' | 'running' | 'done' | 'failed';
	/** The run the review is about (the plan's enabled steps, node sets expanded): `y` runs exactly this. */
	readonly prepared?: PreparedRun;
	/** Nodes answered so far (connected or not), of `total`. */
	readonly contacted: number;
	readonly total: number;
	readonly steps: readonly PreflightStep[];
	readonly error?: string;
	/** The pre-flight's connections, held for the run when `y` comes within the reuse window. */
	readonly reuse?: HeldConnectionsView;
};

export type RunView = {
	/** The store of the current (or last) run; a new one per run. */
	readonly store: RunStore | undefined;
	readonly active: boolean;
	readonly kind: 'run' | 'retry';
	readonly logPath?: string;
	/** The run's text report so far (what the log's report.txt holds). */
	readonly logLines: readonly string[];
	readonly exitCode?: number;
	/** Failed or timed-out tasks of the last finished run. */
	readonly failedTasks: number;
	/** The run's batches, failures against max_fail, pause and stop (rollout-view.ts). */
	readonly rollout?: RolloutView;
	/** Set while the run waits for the admin's answer after a canary batch. */
	readonly canary?: CanaryView;
};

export type HealthView = {
	readonly status: 'idle' | 'running' | 'done';
	/** The node set checked, as typed, or `plan` for the plan's nodes. */
	readonly target: string;
	readonly total: number;
	readonly contacted: number;
	readonly answered: ReadonlyArray<{readonly node: string; readonly latencyMs: number; readonly manager: ManagerName}>;
	readonly down: readonly DownGroup[];
	readonly error?: string;
};

export type TuiState = {
	readonly plan: PlanView;
	readonly preflight: PreflightView;
	readonly run: RunView;
	readonly health: HealthView;
	/** One line for the footer: what just happened or why something did not. */
	readonly notice?: string;
	/** How `--limit` / `--pick` narrow every review and run (`--limit web[1-4] --pick 2`). */
	readonly narrowedBy?: string;
};

export type NodeSetCheck = {readonly ok: true; readonly count: number; readonly folded: string} | {readonly ok: false; readonly message: string};

export type TuiController = {
	subscribe(listener: () => void): () => void;
	/** The state now. */
	getSnapshot(): TuiState;
	/** The state subscribers were last told about: what the app renders (ExternalStore.published). */
	getPublished(): TuiState;
	/** Read, validate and show a plan file; errors are shown at their steps, never thrown. */
	loadPlan(file: string): Promise<void>;
	/**
	 * Save the edits into the file, rewriting only what changed in it. When the file changed on disk since
	 * it was opened, nothing is written unless `overwrite`.
	 */
	savePlan(options?: {readonly overwrite?: boolean}): Promise<SaveOutcome>;
	/** `e`: suspend the app, edit the file in $EDITOR, then reload and re-validate it. */
	editExternal(): Promise<void>;
	validateNodeSet(expression: string): NodeSetCheck;
	/** Check a form's fields; undefined when they are good. */
	checkDraft(draft: StepDraft): {readonly field: 'services' | 'nodes' | 'depend'; readonly message: string} | undefined;
	/** Save the form into step `at` (0-based), or a new step; false (and a notice) when the draft is bad. */
	putStep(at: number | undefined, draft: StepDraft): boolean;
	deleteStep(at: number): void;
	moveStep(at: number, delta: number): void;
	toggleStep(at: number): void;
	/** Prepare the plan and ask the nodes how things stand; resolves when the review is complete. */
	preflight(): Promise<void>;
	/** Run the reviewed plan (or the current one), feeding a new RunStore and the run log. */
	startRun(): Promise<void>;
	/** The review was answered `n` (or Esc): close the connections held for the run now. */
	dismissReview(): Promise<void>;
	abortRun(): void;
	/** Pause the rollout after the current batch (or step); `resumeRollout` goes on. */
	pauseRollout(): void;
	resumeRollout(): void;
	/** No new batch starts and later steps do not run; what runs finishes. Answers a waiting canary with stop. */
	stopRollout(): void;
	/** Fanout and batch size for the batches still to come (whole numbers from 1). */
	setRolloutFanout(fanout: number): void;
	setRolloutBatchSize(size: number): void;
	/** The go-ahead (or not) after a canary batch. */
	answerCanary(decision: 'continue' | 'stop'): void;
	retryFailed(): Promise<void>;
	/** Check the typed node set, or the plan's nodes when undefined or empty. */
	checkHealth(expression?: string): Promise<void>;
	excludeDownNodes(): void;
	setNotice(notice: string | undefined): void;
	/** The run's exit code semantics (exit-code.ts) for the last run; 0 when nothing ran. */
	exitCode(): number;
	/** Abort whatever runs, wait for it, close everything. */
	dispose(): Promise<void>;
};

