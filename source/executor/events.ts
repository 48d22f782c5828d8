import type {Action} from '../plan/types.js';

/** Which output stream a line came on. */
export type Stream = 'stdout' | 'stderr';

/** Why a node could not be reached. Kept distinct from a remote command failing (an exit 255 is not this). */
export const connectFailures = ['dns', 'refused', 'timeout', 'auth', 'host-key', 'protocol'] as const;
export type ConnectFailure = (typeof connectFailures)[number];

/** Which service manager answered on a node. `none` means none of them was found. */
export type ManagerName = 'systemd' | 'sysv' | 'openrc' | 'none';

/** A service's state as a status check reports it. */
export type ServiceState = 'active' | 'inactive' | 'failed' | 'not-installed' | 'unknown';

/** How one (node, step, service) task ended. */
export type TaskOutcome = 'ok' | 'failed' | 'timed-out' | 'skipped' | 'unreachable' | 'cancelled';

/** A step as the run announces it: its nodes already expanded. */
export type StepInfo = {
	readonly index: number;
	readonly services: readonly string[];
	readonly action: Action;
	readonly nodes: readonly string[];
	readonly depend: readonly string[];
};

type Base = {
	/** Milliseconds since the epoch, from the executor's injected clock. */
	readonly at: number;
};

/**
 * Everything the executor does, as facts in the past tense. Every consumer (text report, JSON lines, log,
 * the TUI's store) reads only these. JSON-serializable. Modelled on ClusterShell's ev_* lifecycle.
 */
export type ExecutorEvent = Base &
	(
		| {readonly type: 'run-started'; readonly runId: string; readonly plan: string; readonly nodes: readonly string[]; readonly steps: readonly StepInfo[]}
		| {readonly type: 'node-connecting'; readonly node: string}
		/** `reused`: the connection an earlier check (pre-flight, health check, run) left open; nothing new was opened. */
		| {readonly type: 'node-connected'; readonly node: string; readonly latencyMs: number; readonly manager: ManagerName; readonly reused?: true}
		| {readonly type: 'node-unreachable'; readonly node: string; readonly reason: ConnectFailure; readonly message: string}
		| {readonly type: 'step-started'; readonly step: number; readonly nodes: readonly string[]}
		/** A task did not run: a dependency is missing or stopped on that node, or the node is unreachable. */
		| {readonly type: 'task-skipped'; readonly node: string; readonly step: number; readonly service: string; readonly reason: string}
		| {readonly type: 'command-started'; readonly node: string; readonly step: number; readonly service: string; readonly command: string}
		| {readonly type: 'command-output'; readonly node: string; readonly step: number; readonly service: string; readonly stream: Stream; readonly lines: readonly string[]}
		| {
				readonly type: 'command-exited';
				readonly node: string;
				readonly step: number;
				readonly service: string;
				readonly exitCode: number | null;
				readonly signal: string | null;
				readonly durationMs: number;
				readonly outcome: 'ok' | 'failed';
				/** The service's state after the action, where the exit code tells it (always for `status`). */
				readonly state?: ServiceState;
				/** One line explaining a failure (`not installed`, the last stderr line, …). */
				readonly reason?: string;
				/**
				 * A start or stop: whether it changed the state (ended ok, and the service was stopped before a
				 * start, running before a stop), from the status asked in the same command. Absent for other
				 * actions and in events written before svctui asked.
				 */
				readonly changed?: boolean;
		  }
		| {readonly type: 'command-timed-out'; readonly node: string; readonly step: number; readonly service: string; readonly afterMs: number}
		/** A rolling step (serial, canary or max_fail set) starts one batch of its nodes. */
		/** `fanout`: set when the admin changed it for this batch (rollout-control.ts). */
		| {readonly type: 'batch-started'; readonly step: number; readonly batch: number; readonly batches: number; readonly nodes: readonly string[]; readonly fanout?: number}
		/** `failedNodes`: nodes of the step failed, timed out or unreachable so far; `maxFail`: how many it may have. */
		| {readonly type: 'batch-finished'; readonly step: number; readonly batch: number; readonly batches: number; readonly counts: OutcomeCounts; readonly failedNodes: number; readonly maxFail?: number}
		/**
		 * The rollout waits before the next batch: `pause` for `ms`, for a go-ahead after the canary, or
		 * `held` by the admin until resumed (`afterBatch` 0: before the step).
		 */
		| {readonly type: 'rollout-paused'; readonly step: number; readonly afterBatch: number; readonly reason: 'pause' | 'canary' | 'held'; readonly ms?: number}
		| {readonly type: 'canary-decided'; readonly step: number; readonly decision: CanaryDecision}
		/** After a start, restart or reload: polling until the service is active and settled, then the health command. */
		| {readonly type: 'verify-started'; readonly node: string; readonly step: number; readonly service: string; readonly command?: string}
		| {readonly type: 'verify-finished'; readonly node: string; readonly step: number; readonly service: string; readonly outcome: 'ok' | 'failed'; readonly reason?: string; readonly durationMs: number}
		/**
		 * No new batch starts and later steps do not run. `done`: the step's nodes whose part ended (ok or
		 * not); `notDone`: the rest, never started or cut short by an interrupt.
		 */
		| {readonly type: 'rollout-stopped'; readonly step: number; readonly afterBatch: number; readonly batches: number; readonly reason: RolloutStop; readonly message: string; readonly done: readonly string[]; readonly notDone: readonly string[]}
		| {readonly type: 'step-finished'; readonly step: number; readonly counts: OutcomeCounts}
		| {readonly type: 'run-finished'; readonly outcome: 'ok' | 'failed' | 'aborted'; readonly counts: OutcomeCounts; readonly durationMs: number}
	);

/** What the admin answered after a canary batch. */
export type CanaryDecision = 'continue' | 'stop';

/** Why a rollout stopped early: too many failures, the admin said stop after the canary or between batches, or a signal. */
export type RolloutStop = 'max-fail' | 'canary-stopped' | 'admin-stopped' | 'interrupted';

export type OutcomeCounts = Readonly<Record<TaskOutcome, number>>;

export type ExecutorEventType = ExecutorEvent['type'];
