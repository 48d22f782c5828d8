import type {StepInfo} from '../executor/events.js';
import {buildServiceCommand, type ServiceManager} from '../executor/service-commands.js';
import {shownSafely, withControlsShown} from '../display.js';
import {foldNodes} from '../nodeset/index.js';
import type {ManagerChoice, StepOptions} from '../plan/types.js';
import type {PreparedRun} from './prepare.js';
import {rolloutReviewLine, verifyDryRunLines} from './rollout-review.js';

function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** One line per step: what a person checks before saying yes. Shared by the y/N prompt and the dry run. */
export function reviewLines(prepared: PreparedRun): string[] {
	// The file name and node names come from input: shown safely, as node output is.
	const lines = [`Plan ${shownSafely(prepared.plan.source)}: ${plural(prepared.steps.length, 'step')}`];
	for (const step of prepared.steps) {
		const depend = step.depend.length > 0 ? `, if ${step.depend.join(',')} running` : '';
		lines.push(`  ${step.index}. ${step.action} ${step.services.join(',')} on ${withControlsShown(foldNodes(step.nodes))} (${plural(step.nodes.length, 'node')})${depend}`);
		lines.push(...[rolloutReviewLine(step, prepared.stepOptions.get(step.index) ?? {})].filter(line => line !== undefined));
	}

	return lines;
}

/** Every node any step touches, once. */
export function allNodes(steps: readonly StepInfo[]): string[] {
	return [...new Set(steps.flatMap(step => step.nodes))];
}

/**
 * `--dry-run`: the exact command each step would run, per node set, for the managers a node could have.
 * Nothing is contacted, so with `--manager auto` every manager's form is shown.
 */
export function dryRunText(prepared: PreparedRun, manager: ManagerChoice, sudo: boolean): string {
	const lines = reviewLines(prepared);
	for (const step of prepared.steps) {
		const options: StepOptions = prepared.stepOptions.get(step.index) ?? {};
		const chosen = options.manager && options.manager !== 'auto' ? options.manager : manager;
		const candidates: readonly ServiceManager[] = chosen === 'auto' ? ['systemd', 'sysv', 'openrc'] : [chosen];
		const useSudo = options.sudo ?? sudo;
		lines.push('', `step ${step.index} on ${withControlsShown(foldNodes(step.nodes))}:`);
		for (const dependency of step.depend) {
			for (const candidate of candidates) {
				lines.push(`  check ${dependency} [${candidate}]: ${buildServiceCommand(candidate, 'status', dependency, {sudo: useSudo})}`);
			}
		}

		for (const service of step.services) {
			for (const candidate of candidates) {
				lines.push(`  ${service} [${candidate}]: ${buildServiceCommand(candidate, step.action, service, {sudo: useSudo})}`);
			}
		}

		lines.push(...verifyDryRunLines(step, options, candidates, useSudo));
	}

	return `${lines.join('\n')}\n(dry run: no node was contacted)\n`;
}
