import {foldNodes} from '../nodeset/index.js';
import type {Action, Plan, Step} from './types.js';

/** What the step form edits: the step's fields as typed (comma lists as text). */
export type StepDraft = {
	readonly services: string;
	readonly action: Action;
	readonly nodes: string;
	readonly depend: string;
};

/** A step's fields for the form. */
export function draftOf(step: Step | undefined): StepDraft {
	return step === undefined
		? {services: '', action: 'restart', nodes: '', depend: ''}
		: {services: step.services.join(','), action: step.action, nodes: step.nodes, depend: step.depend.join(',')};
}

/**
 * Steps renumbered 1..n, as the review, the grid and the reports count them. Each keeps its `location`:
 * it names the step's origin in the file, so saving rewrites that step's lines and no other's.
 */
function renumber(steps: readonly Step[]): Step[] {
	return steps.map((step, position) => ({...step, index: position + 1}));
}

/** The checked content of a form: lists already split and validated. */
export type StepFields = {
	readonly services: readonly string[];
	readonly action: Action;
	readonly nodes: string;
	readonly depend: readonly string[];
};

/** Replace step `at` (0-based), or append a new enabled step when `at` is undefined. */
export function putStep(plan: Plan, at: number | undefined, fields: StepFields): Plan {
	const existing = at === undefined ? undefined : plan.steps[at];
	const step: Step = {
		index: 0,
		enabled: existing?.enabled ?? true,
		options: existing?.options ?? {},
		services: [...fields.services],
		action: fields.action,
		nodes: fields.nodes.trim(),
		depend: [...fields.depend],
		...(existing?.location === undefined ? {} : {location: existing.location}),
	};
	const steps = at === undefined || existing === undefined ? [...plan.steps, step] : plan.steps.map((old, position) => (position === at ? step : old));
	return {...plan, steps: renumber(steps)};
}

/** Remove step `at`. */
export function deleteStep(plan: Plan, at: number): Plan {
	return {...plan, steps: renumber(plan.steps.filter((_step, position) => position !== at))};
}

/** Move step `at` by `delta` places; returns the plan unchanged at the ends. */
export function moveStep(plan: Plan, at: number, delta: number): Plan {
	const to = at + delta;
	const moving = plan.steps[at];
	if (moving === undefined || to < 0 || to >= plan.steps.length) {
		return plan;
	}

	const steps = plan.steps.filter((_step, position) => position !== at);
	steps.splice(to, 0, moving);
	return {...plan, steps: renumber(steps)};
}

/** Enable a disabled step or disable an enabled one. */
export function toggleStep(plan: Plan, at: number): Plan {
	return {...plan, steps: plan.steps.map((step, position) => (position === at ? {...step, enabled: !step.enabled} : step))};
}

/** Node-set expressions longer than this get the folded remainder instead of `expr!down`. */
const maxExcludeExpression = 120;

export type ExcludeResult = {
	readonly plan: Plan;
	/** 1-based numbers of the steps whose node set changed. */
	readonly changed: readonly number[];
	/** 1-based numbers of the steps left with no node, now disabled. */
	readonly disabled: readonly number[];
};

/**
 * Take `down` nodes out of every step's node set. The user's expression is kept and the down nodes are
 * subtracted in node-set syntax (`node[1-3]!node2`), so the review and the saved file say what was left
 * out and why; very long expressions get the folded remainder instead. A step left with no node at all
 * is disabled rather than given an empty node set, which the plan would reject.
 */
export function excludeNodes(plan: Plan, down: ReadonlySet<string>, expand: (expression: string) => readonly string[]): ExcludeResult {
	const changed: number[] = [];
	const disabled: number[] = [];
	const steps = plan.steps.map(step => {
		const nodes = expand(step.nodes);
		const gone = nodes.filter(node => down.has(node));
		if (gone.length === 0) {
			return step;
		}

		if (gone.length === nodes.length) {
			disabled.push(step.index);
			return {...step, enabled: false};
		}

		changed.push(step.index);
		const subtracted = `${step.nodes}!${foldNodes(gone)}`;
		const remainder = foldNodes(nodes.filter(node => !down.has(node)));
		return {...step, nodes: subtracted.length <= maxExcludeExpression ? subtracted : remainder};
	});
	return {plan: {...plan, steps}, changed, disabled};
}
