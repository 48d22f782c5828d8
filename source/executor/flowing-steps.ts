import type {StepInfo} from './events.js';
import type {Limiter} from './limiter.js';
import type {StepContext} from './node-step.js';
import {countOutcomes, type TaskResult} from './task-results.js';

export type FlowingStepsOptions = {
	/** Steps in plan order, none of them rolling. */
	readonly steps: readonly StepInfo[];
	readonly limiter: Limiter;
	readonly context: StepContext;
	/** One node's part of one step (and the node's release when it was its last). */
	readonly onNode: (step: StepInfo, node: string) => Promise<TaskResult[]>;
};

/**
 * Steps without rollout options, run with no barrier between them: a node goes on to its next step as soon
 * as it is done with the one before (on a node, steps still run in plan order, so a dependency check sees
 * what an earlier step did there), and the fanout window stays full instead of draining at every step's
 * end. The shared limiter is FIFO, so a step's nodes still start before the next step's.
 *
 * Events stay in plan order: `step-started` comes when a step's first node starts (after every earlier
 * step's), `step-finished` when all its nodes are done and every earlier step has finished. A step none of
 * whose nodes started before an abort has neither.
 */
export async function runFlowingSteps(options: FlowingStepsOptions): Promise<TaskResult[][]> {
	const {steps, limiter, context} = options;
	const {emit, signal} = context;
	const opened = new Set<number>();
	/** Emit `step-started` for every step up to `position` that has not had it. */
	const openThrough = (position: number) => {
		for (const step of steps.slice(0, position + 1)) {
			if (!opened.has(step.index) && !signal.aborted) {
				opened.add(step.index);
				emit({type: 'step-started', step: step.index, nodes: step.nodes});
			}
		}
	};

	const chains = new Map<string, Promise<unknown>>();
	const stepTasks = steps.map((step, position) =>
		Promise.all(
			step.nodes.map(async node => {
				const previous = chains.get(node) ?? Promise.resolve();
				const task = previous.then(async () =>
					limiter.run(async () => {
						openThrough(position);
						return options.onNode(step, node);
					}),
				);
				chains.set(node, task);
				return task;
			}),
		),
	);

	const results: TaskResult[][] = [];
	for (const [position, step] of steps.entries()) {
		// eslint-disable-next-line no-await-in-loop
		const stepResults = (await stepTasks[position]!).flat();
		if (step.nodes.length === 0) {
			openThrough(position);
		}

		if (opened.has(step.index)) {
			emit({type: 'step-finished', step: step.index, counts: countOutcomes(stepResults)});
		}

		results.push(stepResults);
	}

	return results;
}
