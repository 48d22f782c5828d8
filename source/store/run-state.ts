import type {Action} from '../plan/types.js';
import type {ConnectFailure} from '../executor/events.js';
import type {ManagerName, OutcomeCounts, ServiceState, StepInfo} from '../executor/events.js';
import {createTable, type Table} from './table.js';

/** Where one (step, service, node) task stands. The last six are final. */
export type NodeStatus = 'pending' | 'connecting' | 'running' | 'ok' | 'failed' | 'timed-out' | 'unreachable' | 'skipped' | 'cancelled';

export const finalStatuses: ReadonlySet<NodeStatus> = new Set(['ok', 'failed', 'timed-out', 'unreachable', 'skipped', 'cancelled']);

/**
 * What a `status` query found, shown in place of `ok`: a status that answered is a result, and each state
 * has its own word (issue 10). `service-failed` is the unit's own failed state, not a failed command.
 */
export type ServiceStateStatus = 'service-running' | 'service-stopped' | 'service-failed' | 'service-not-installed';

/** A task's status as reports and the grid show it. */
export type ShownStatus = NodeStatus | ServiceStateStatus;

const stateStatus: Readonly<Partial<Record<ServiceState, ServiceStateStatus>>> = {
	active: 'service-running',
	inactive: 'service-stopped',
	failed: 'service-failed',
	'not-installed': 'service-not-installed',
};

/** The shown status of a task of a step doing `action`: a status that answered shows its state. */
export function shownStatus(task: Pick<TaskState, 'status' | 'state'>, action: Action): ShownStatus {
	if (action === 'status' && task.status === 'ok' && task.state !== undefined) {
		return stateStatus[task.state] ?? task.status;
	}

	return task.status;
}

/**
 * How bad an outcome is: a problem anywhere in a range cell shows. Failures first, then nodes never
 * reached, then the unfinished, then a status query's states, then success.
 */
export const outcomeSeverity: Readonly<Record<ShownStatus, number>> = {
	ok: 0,
	'service-running': 1,
	'service-stopped': 2,
	'service-not-installed': 3,
	'service-failed': 4,
	pending: 5,
	connecting: 6,
	running: 7,
	cancelled: 8,
	skipped: 9,
	unreachable: 10,
	'timed-out': 11,
	failed: 12,
};

/** The worse of two outcomes. */
export function worse(a: ShownStatus, b: ShownStatus): ShownStatus {
	return outcomeSeverity[b] > outcomeSeverity[a] ? b : a;
}

export type TaskState = {
	readonly step: number;
	readonly service: string;
	readonly node: string;
	readonly status: NodeStatus;
	readonly command?: string;
	readonly exitCode?: number | null;
	readonly signal?: string | null;
	readonly state?: ServiceState;
	/** Why it failed, was skipped, or could not reach the node. */
	readonly reason?: string;
	/** Why the node could not be reached, for unreachable tasks: reports group nodes by it. */
	readonly connectFailure?: ConnectFailure;
	readonly startedAt?: number;
	readonly finishedAt?: number;
	readonly durationMs?: number;
	/** A start or stop that changed the state (the executor asked the status before it); absent: not known. */
	readonly changed?: boolean;
};

export type NodeConnection = 'idle' | 'connecting' | 'connected' | 'unreachable';

export type NodeState = {
	readonly name: string;
	readonly connection: NodeConnection;
	readonly latencyMs?: number;
	readonly manager?: ManagerName;
	readonly unreachableReason?: ConnectFailure;
	readonly message?: string;
};

export type StepTiming = {readonly startedAt?: number; readonly finishedAt?: number; readonly counts?: OutcomeCounts};

export type RunState = {
	readonly phase: 'idle' | 'running' | 'finished';
	readonly runId?: string;
	readonly plan?: string;
	readonly steps: readonly StepInfo[];
	readonly stepTimes: Readonly<Record<number, StepTiming>>;
	/** The step most recently started. */
	readonly currentStep?: number;
	readonly nodeOrder: readonly string[];
	readonly nodes: Table<NodeState>;
	/** Tasks by `taskKey`, and their keys in step, service, node order. */
	readonly tasks: Table<TaskState>;
	readonly taskOrder: readonly string[];
	/** Each node's task keys, in task order: an event about a node touches its own tasks, not the run's. */
	readonly taskKeysByNode: ReadonlyMap<string, readonly string[]>;
	/**
	 * Each node's outcome, the worst shown status of its tasks (undefined for a node without one), kept as its
	 * tasks change: the node map read every task of 5,000 nodes on every frame to find it.
	 */
	readonly nodeOutcomes: Table<ShownStatus | undefined>;
	/** Tasks per status, kept as tasks change (a count over every task on each frame grew with the cluster). */
	readonly statusCounts: Readonly<Record<NodeStatus, number>>;
	/** The same per step (progress bars). */
	readonly stepStatusCounts: Readonly<Record<number, Readonly<Record<NodeStatus, number>>>>;
	readonly startedAt?: number;
	readonly finishedAt?: number;
	/** Timestamp of the last event seen: selectors use it as "now" so they stay pure. */
	readonly lastEventAt?: number;
	readonly outcome?: 'ok' | 'failed' | 'aborted';
	readonly counts?: OutcomeCounts;
	/**
	 * Bumped on every output chunk; the lines live in the store's OutputLog. One counter for the run, not
	 * one per node: a per-node field would copy the whole node table on every line of output.
	 */
	readonly outputRev: number;
};

/** Key of one task. `|` can be neither in a service name (checked) nor in a host name. */
export function taskKey(step: number, service: string, node: string): string {
	return `${step}|${service}|${node}`;
}

export const initialRunState: RunState = {
	phase: 'idle',
	steps: [],
	stepTimes: {},
	nodeOrder: [],
	nodes: createTable([], () => ({name: '', connection: 'idle'})),
	tasks: createTable([], () => ({step: 0, service: '', node: '', status: 'pending'})),
	taskOrder: [],
	taskKeysByNode: new Map(),
	nodeOutcomes: createTable([], () => undefined),
	statusCounts: zeroStatusCounts(),
	stepStatusCounts: {},
	outputRev: 0,
};

export function zeroStatusCounts(): Record<NodeStatus, number> {
	return {pending: 0, connecting: 0, running: 0, ok: 0, failed: 0, 'timed-out': 0, unreachable: 0, skipped: 0, cancelled: 0};
}
