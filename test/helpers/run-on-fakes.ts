import type {ExecutorEvent} from '../../source/executor/events.js';
import {runPlan, type RunPlanOptions} from '../../source/executor/run-plan.js';
import {FakeTransport, type FakeNode} from './fake-transport.js';

/** A clock that ticks once per reading, so event order shows in the timestamps. */
export function counterClock(): () => number {
	let now = 0;
	return () => now++;
}

/** Run `steps` on fake nodes, keeping every event: run `r1` of plan `example2.yaml` unless `extra` says otherwise. */
export async function runOnFakes(steps: Parameters<typeof runPlan>[0], nodes: Record<string, FakeNode>, extra: Partial<RunPlanOptions> = {}) {
	const transport = new FakeTransport(nodes);
	const events: ExecutorEvent[] = [];
	const summary = await runPlan(steps, {
		transport,
		onEvent(event) {
			events.push(event);
		},
		clock: counterClock(),
		runId: 'r1',
		planLabel: 'example2.yaml',
		...extra,
	});
	return {transport, events, summary};
}
