import type {ExecutorEvent, OutcomeCounts, ServiceState, StepInfo} from '../../source/executor/events.js';
import type {Action} from '../../source/plan/types.js';
import type {ConnectFailure, Stream} from '../../source/ssh/transport.js';

/** A StepInfo for tests: `step(1, 'start', ['cron', 'nginx'], ['node1', 'node2'], ['nginx'])`. */
export function step(index: number, action: Action, services: readonly string[], nodes: readonly string[], depend: readonly string[] = []): StepInfo {
	return {index, action, services, nodes, depend};
}

/** Counts with zeros filled in. */
export function counts(partial: Partial<Record<keyof OutcomeCounts, number>> = {}): OutcomeCounts {
	return {ok: 0, failed: 0, 'timed-out': 0, skipped: 0, unreachable: 0, cancelled: 0, ...partial};
}

/**
 * Event builders with a clock that advances 10 ms per event, so tests read as a story:
 * `const ev = eventBuilder(); [ev.runStarted([...]), ev.connected('node1'), ev.exited('node1', 1, 'cron', 0)]`.
 */
export function eventBuilder(start = 1_000_000) {
	let now = start;
	const at = () => {
		const value = now;
		now += 10;
		return value;
	};

	return {
		/** The timestamp the next event will get. */
		get now() {
			return now;
		},
		runStarted(steps: readonly StepInfo[], plan = 'test.yaml'): ExecutorEvent {
			return {type: 'run-started', at: at(), runId: 'run-1', plan, nodes: [...new Set(steps.flatMap(s => s.nodes))], steps};
		},
		connecting(node: string): ExecutorEvent {
			return {type: 'node-connecting', at: at(), node};
		},
		connected(node: string, latencyMs = 5, manager: 'systemd' | 'sysv' | 'openrc' | 'none' = 'systemd'): ExecutorEvent {
			return {type: 'node-connected', at: at(), node, latencyMs, manager};
		},
		unreachable(node: string, reason: ConnectFailure = 'dns', message = `${node}: could not resolve host name`): ExecutorEvent {
			return {type: 'node-unreachable', at: at(), node, reason, message};
		},
		stepStarted(stepIndex: number, nodes: readonly string[]): ExecutorEvent {
			return {type: 'step-started', at: at(), step: stepIndex, nodes};
		},
		skipped(node: string, stepIndex: number, service: string, reason: string): ExecutorEvent {
			return {type: 'task-skipped', at: at(), node, step: stepIndex, service, reason};
		},
		started(node: string, stepIndex: number, service: string, command = `systemctl start -- ${service}`): ExecutorEvent {
			return {type: 'command-started', at: at(), node, step: stepIndex, service, command};
		},
		output(node: string, stepIndex: number, service: string, lines: readonly string[], stream: Stream = 'stdout'): ExecutorEvent {
			return {type: 'command-output', at: at(), node, step: stepIndex, service, stream, lines};
		},
		exited(
			node: string,
			stepIndex: number,
			service: string,
			exitCode: number | null,
			extra: {outcome?: 'ok' | 'failed'; state?: ServiceState; reason?: string; durationMs?: number; changed?: boolean} = {},
		): ExecutorEvent {
			return {
				type: 'command-exited',
				at: at(),
				node,
				step: stepIndex,
				service,
				exitCode,
				signal: null,
				durationMs: extra.durationMs ?? 10,
				outcome: extra.outcome ?? (exitCode === 0 ? 'ok' : 'failed'),
				...(extra.state ? {state: extra.state} : {}),
				...(extra.reason ? {reason: extra.reason} : {}),
				...(extra.changed === undefined ? {} : {changed: extra.changed}),
			};
		},
		timedOut(node: string, stepIndex: number, service: string, afterMs = 30_000): ExecutorEvent {
			return {type: 'command-timed-out', at: at(), node, step: stepIndex, service, afterMs};
		},
		stepFinished(stepIndex: number, partial: Partial<Record<keyof OutcomeCounts, number>> = {}): ExecutorEvent {
			return {type: 'step-finished', at: at(), step: stepIndex, counts: counts(partial)};
		},
		runFinished(outcome: 'ok' | 'failed' | 'aborted', partial: Partial<Record<keyof OutcomeCounts, number>> = {}, durationMs = 1000): ExecutorEvent {
			return {type: 'run-finished', at: at(), outcome, counts: counts(partial), durationMs};
		},
	};
}

export type EventBuilder = ReturnType<typeof eventBuilder>;
