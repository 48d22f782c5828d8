import type {StepInfo} from '../executor/events.js';
import type {PreflightStep, Verdict} from '../executor/predict.js';
import {buildServiceCommand, type ServiceManager} from '../executor/service-commands.js';
import {shownSafely, withControlsShown} from '../display.js';
import {foldNodes} from '../nodeset/index.js';
import type {ManagerChoice, StepOptions} from '../plan/types.js';
import type {PreparedRun} from '../plan/prepare.js';
import {reuseLine, type HeldForRun} from './reuse.js';
import {rolloutReviewLine, verifyDryRunLines} from './rollout-review.js';

/**
 * The review of a plan before it runs, built once: the headless y/N prompt and dry run print it, the
 * app's review overlay draws it with the pre-flight's verdicts.
 */

export function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `1. start cron,nginx on node[1-3] (3 nodes), if ssh running`: what a step will do, on one line. */
export function describeStep(step: StepInfo): string {
	const depend = step.depend.length > 0 ? `, if ${step.depend.join(',')} running` : '';
	return `${step.index}. ${step.action} ${step.services.join(',')} on ${withControlsShown(foldNodes(step.nodes))} (${plural(step.nodes.length, 'node')})${depend}`;
}

/** One line per step: what a person checks before saying yes. Shared by the y/N prompt and the dry run. */
export function reviewLines(prepared: PreparedRun): string[] {
	// The file name and node names come from input: shown safely, as node output is.
	return [
		`Plan ${shownSafely(prepared.plan.source)}: ${plural(prepared.steps.length, 'step')}`,
		...prepared.steps.flatMap(step => [`  ${describeStep(step)}`, ...[rolloutReviewLine(step, prepared.stepOptions.get(step.index) ?? {})].filter(line => line !== undefined)]),
	];
}

/** What the app's review is about: the prepared run, and how far the pre-flight got. */
export type PreflightReview = {
	readonly status: 'idle' | 'running' | 'done' | 'failed';
	readonly prepared?: {readonly plan: {readonly source: string}; readonly steps: readonly StepInfo[]};
	readonly contacted: number;
	readonly total: number;
	readonly steps: readonly PreflightStep[];
	readonly error?: string;
	readonly reuse?: HeldForRun;
};

export type ReviewLine = {readonly key: string; readonly text: string; readonly tone?: Verdict | 'title' | 'error'};

/** A review line with the column its wrapped continuation lines start at. */
export type IndentedLine = ReviewLine & {readonly indent: number};

/** The review with the pre-flight: each step, then its dependencies' states and its services' predicted outcomes, by node set. */
export function preflightReviewLines(preflight: PreflightReview): IndentedLine[] {
	const lines: IndentedLine[] = [];
	const prepared = preflight.prepared;
	if (prepared === undefined) {
		lines.push({key: 'error', text: preflight.error ?? 'preparing the plan…', tone: 'error', indent: 0});
		return lines;
	}

	lines.push({key: 'head', text: `${prepared.plan.source}: ${plural(prepared.steps.length, 'step')} on ${plural(allNodes(prepared.steps).length, 'node')}`, tone: 'title', indent: 0});
	const status =
		preflight.status === 'running'
			? `pre-flight: asking the nodes how things stand… ${preflight.contacted}/${preflight.total}`
			: preflight.status === 'failed'
				? `pre-flight failed: ${preflight.error ?? 'unknown error'}`
				: `pre-flight: ${preflight.contacted}/${preflight.total} nodes contacted; what each step will really do:`;
	lines.push({key: 'status', text: status, tone: preflight.status === 'failed' ? 'error' : undefined, indent: 0});
	if (preflight.reuse !== undefined) lines.push({key: 'reuse', text: reuseLine(preflight.reuse), indent: 'connections: '.length});
	for (const step of prepared.steps) {
		lines.push({key: `s${step.index}`, text: describeStep(step), tone: 'title', indent: `${step.index}. `.length});
		const predicted = preflight.steps.find(entry => entry.step === step.index);
		if (predicted === undefined) {
			continue;
		}

		const entries = [...predicted.depends.map(entry => ({...entry, label: `needs ${entry.service}`})), ...predicted.services.map(entry => ({...entry, label: entry.service}))];
		const labelWidth = Math.max(...entries.map(entry => [...entry.label].length));
		const setWidth = Math.min(24, Math.max(0, ...entries.flatMap(entry => entry.groups.map(group => [...group.nodeSet].length))));
		for (const entry of entries) {
			for (const [position, group] of entry.groups.entries()) {
				const label = position === 0 ? entry.label : '';
				const lead = `   ${label.padEnd(labelWidth)}  ${group.nodeSet.padEnd(setWidth)}  `;
				lines.push({key: `s${step.index}${entry.label}${position}`, text: lead + group.text, tone: group.verdict, indent: [...lead].length});
			}
		}
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
