import {assertNever} from '../errors.js';
import type {ExecutorEvent} from '../executor/events.js';
import type {Action} from '../plan/types.js';
import {createTable} from './table.js';
import {
	finalStatuses,
	initialRunState,
	shownStatus,
	taskKey,
	worse,
	zeroStatusCounts,
	type NodeState,
	type NodeStatus,
	type RunState,
	type ShownStatus,
	type TaskState,
} from './run-state.js';

function updateTask(state: RunState, key: string, patch: Partial<TaskState>): RunState {
	const task = state.tasks.get(key);
	if (!task) {
		// An event for a task the run never announced: keep the state as it is rather than invent one.
		return state;
	}

	const next = {...task, ...patch};
	const tasks = state.tasks.set(key, next);
	const action = actionOf(state, task.step);
	// The node's outcome moves only when this task's shown status does; then its few tasks are read again.
	const nodeOutcomes =
		action !== undefined && shownStatus(next, action) === shownStatus(task, action) ? state.nodeOutcomes : state.nodeOutcomes.set(task.node, worstOfNode(state, tasks, task.node));
	if (next.status === task.status) {
		return {...state, tasks, nodeOutcomes};
	}

	const stepCounts = state.stepStatusCounts[task.step] ?? zeroStatusCounts();
	return {
		...state,
		tasks,
		nodeOutcomes,
		statusCounts: recount(state.statusCounts, task.status, next.status),
		stepStatusCounts: {...state.stepStatusCounts, [task.step]: recount(stepCounts, task.status, next.status)},
	};
}

const actionOf = (state: RunState, step: number): Action | undefined => state.steps.find(entry => entry.index === step)?.action;

/** The worst shown status of a node's tasks in `tasks`. */
function worstOfNode(state: RunState, tasks: RunState['tasks'], node: string): ShownStatus | undefined {
	let outcome: ShownStatus | undefined;
	for (const key of state.taskKeysByNode.get(node) ?? []) {
		const task = tasks.get(key);
		const action = task === undefined ? undefined : actionOf(state, task.step);
		if (task !== undefined && action !== undefined) {
			const status = shownStatus(task, action);
			outcome = outcome === undefined ? status : worse(outcome, status);
		}
	}

	return outcome;
}

function recount(counts: RunState['statusCounts'], from: NodeStatus, to: NodeStatus): RunState['statusCounts'] {
	return from === to ? counts : {...counts, [from]: counts[from] - 1, [to]: counts[to] + 1};
}

/** Update the tasks among `keys` that match `where`. */
function updateTasks(state: RunState, keys: Iterable<string>, where: (task: TaskState) => boolean, patch: (task: TaskState) => Partial<TaskState>): RunState {
	let next = state;
	for (const key of keys) {
		const task = next.tasks.get(key);
		if (task && where(task)) {
			next = updateTask(next, key, patch(task));
		}
	}

	return next;
}

function updateNode(state: RunState, name: string, patch: Partial<NodeState>): RunState {
	const node = state.nodes.get(name);
	return node === undefined ? state : {...state, nodes: state.nodes.set(name, {...node, ...patch})};
}

const tasksOfNode = (state: RunState, node: string): readonly string[] => state.taskKeysByNode.get(node) ?? [];

const unfinished = (task: TaskState) => !finalStatuses.has(task.status);

/**
 * The run's state after one more event. Pure: the same state and event always give the same result, and
 * neither is modified. Output lines are not kept here (the store's OutputLog has them); only the run's `outputRev`.
 */
export function reduceRun(state: RunState, event: ExecutorEvent): RunState {
	const next = reduceEvent(state, event);
	if (next.lastEventAt === event.at) {
		return next;
	}

	if (next === state) {
		return {...state, lastEventAt: event.at};
	}

	// A state reduceEvent has just made is seen by no one yet: stamp it rather than copy it a second time
	// (every event would otherwise copy the run's state twice).
	(next as {lastEventAt?: number}).lastEventAt = event.at;
	return next;
}

function reduceEvent(state: RunState, event: ExecutorEvent): RunState {
	switch (event.type) {
		case 'run-started': {
			const initial = new Map<string, TaskState>();
			const taskKeysByNode = new Map<string, string[]>();
			for (const step of event.steps) {
				for (const service of step.services) {
					for (const node of step.nodes) {
						const key = taskKey(step.index, service, node);
						initial.set(key, {step: step.index, service, node, status: 'pending'});
						const keys = taskKeysByNode.get(node);
						if (keys === undefined) taskKeysByNode.set(node, [key]);
						else keys.push(key);
					}
				}
			}

			const tasks = createTable([...initial.keys()], key => initial.get(key) as TaskState);
			const nodes = createTable([...new Set([...event.nodes, ...taskKeysByNode.keys()])], name => ({name, connection: 'idle'}) as NodeState);
			const statusCounts = zeroStatusCounts();
			statusCounts.pending = tasks.size;
			const stepStatusCounts: Record<number, Record<NodeStatus, number>> = {};
			for (const step of event.steps) {
				stepStatusCounts[step.index] = {...zeroStatusCounts(), pending: step.services.length * new Set(step.nodes).size};
			}

			return {
				...initialRunState,
				phase: 'running',
				runId: event.runId,
				plan: event.plan,
				steps: event.steps,
				nodeOrder: event.nodes,
				nodes,
				tasks,
				taskOrder: tasks.keys,
				taskKeysByNode,
				// Every task starts pending, so a node with tasks starts pending too.
				nodeOutcomes: createTable(nodes.keys, name => (taskKeysByNode.has(name) ? 'pending' : undefined)),
				statusCounts,
				stepStatusCounts,
				startedAt: event.at,
			};
		}

		case 'node-connecting': {
			const connecting = updateNode(state, event.node, {connection: 'connecting'});
			return updateTasks(
				connecting,
				tasksOfNode(state, event.node),
				task => task.step === state.currentStep && task.status === 'pending',
				() => ({status: 'connecting'}),
			);
		}

		case 'node-connected': {
			const connected = updateNode(state, event.node, {connection: 'connected', latencyMs: event.latencyMs, manager: event.manager});
			return updateTasks(connected, tasksOfNode(state, event.node), task => task.status === 'connecting', () => ({status: 'pending'}));
		}

		case 'node-unreachable': {
			// Every unfinished task on the node, in this step and later ones: the executor will not retry it.
			const marked = updateNode(state, event.node, {connection: 'unreachable', unreachableReason: event.reason, message: event.message});
			return updateTasks(
				marked,
				tasksOfNode(state, event.node),
				unfinished,
				() => ({status: 'unreachable', reason: event.message, connectFailure: event.reason, finishedAt: event.at}),
			);
		}

		case 'step-started': {
			return {...state, currentStep: event.step, stepTimes: {...state.stepTimes, [event.step]: {startedAt: event.at}}};
		}

		case 'task-skipped': {
			return updateTask(state, taskKey(event.step, event.service, event.node), {status: 'skipped', reason: event.reason, finishedAt: event.at});
		}

		case 'command-started': {
			return updateTask(state, taskKey(event.step, event.service, event.node), {status: 'running', command: event.command, startedAt: event.at});
		}

		case 'command-output': {
			return {...state, outputRev: state.outputRev + 1};
		}

		case 'command-exited': {
			return updateTask(state, taskKey(event.step, event.service, event.node), {
				status: event.outcome,
				exitCode: event.exitCode,
				signal: event.signal,
				state: event.state,
				reason: event.reason,
				finishedAt: event.at,
				durationMs: event.durationMs,
				...(event.changed === undefined ? {} : {changed: event.changed}),
			});
		}

		case 'command-timed-out': {
			return updateTask(state, taskKey(event.step, event.service, event.node), {
				status: 'timed-out',
				reason: `timed out after ${formatSeconds(event.afterMs)}`,
				finishedAt: event.at,
				durationMs: event.afterMs,
			});
		}

		case 'batch-started':
		case 'batch-finished':
		case 'rollout-paused':
		case 'canary-decided': {
			// Rollout progress: the reports read these; the TUI's rollout view is for later.
			return state;
		}

		case 'verify-started': {
			// The action ended well, but the task is not done until the service proves it stays up.
			return updateTask(state, taskKey(event.step, event.service, event.node), {status: 'running'});
		}

		case 'verify-finished': {
			return updateTask(state, taskKey(event.step, event.service, event.node), {
				status: event.outcome,
				...(event.reason === undefined ? {} : {reason: event.reason}),
				finishedAt: event.at,
			});
		}

		case 'rollout-stopped': {
			// Batches that never started and later steps: they will not run, and the reason says why.
			const reason = `not run: ${event.message}`;
			return updateTasks(state, state.taskOrder, unfinished, () => ({status: 'cancelled', reason, finishedAt: event.at}));
		}

		case 'step-finished': {
			const timing = state.stepTimes[event.step] ?? {};
			return {...state, stepTimes: {...state.stepTimes, [event.step]: {...timing, finishedAt: event.at, counts: event.counts}}};
		}

		case 'run-finished': {
			const finished: RunState = {...state, phase: 'finished', outcome: event.outcome, counts: event.counts, finishedAt: event.at};
			// After an abort, whatever had not ended never will: running commands were stopped, the rest never began.
			const status: NodeStatus = 'cancelled';
			return event.outcome === 'aborted' ? updateTasks(finished, state.taskOrder, unfinished, () => ({status, finishedAt: event.at})) : finished;
		}

		default: {
			return assertNever(event);
		}
	}
}

/** Same wording as the executor's `formatMs` (the store may not import run-plan: STYLE §1). */
function formatSeconds(ms: number): string {
	if (ms < 1000) {
		return `${ms}ms`;
	}

	return ms < 60_000 || ms % 60_000 !== 0 ? `${Number((ms / 1000).toFixed(1))}s` : `${ms / 60_000}m`;
}
