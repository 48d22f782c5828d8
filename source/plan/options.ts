import type {Plan, Step, StepOptions} from './types.js';

/**
 * The options a step runs with: the plan's `defaults`, overridden by what the step sets. Steps keep
 * only their own options so saving does not copy the defaults into every step.
 */
export function effectiveOptions(plan: Pick<Plan, 'defaults'>, step: Pick<Step, 'options'>): StepOptions {
	return {...plan.defaults, ...step.options};
}
