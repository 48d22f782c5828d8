import {assertNever} from '../errors.js';
import type {ServiceState, StepInfo} from './events.js';
import {foldNodes} from '../nodeset/index.js';
import type {Action} from '../plan/types.js';

/** What a status pass over the nodes found: who could not be reached, and each (node, service) state. */
export type Observed = {
	/** Unreachable nodes and why (`timeout: …`). */
	readonly unreachable: ReadonlyMap<string, string>;
	/** State by `stateKey(node, service)`. Missing = not asked or no answer. */
	readonly states: ReadonlyMap<string, ServiceState>;
};

/** Key of `Observed.states`. `|` is in neither a host name nor a service name. */
export function stateKey(node: string, service: string): string {
	return `${node}|${service}`;
}

/** How a task is expected to go; drives the colour of a review line. */
export type Verdict = 'change' | 'no-change' | 'fail' | 'skip' | 'unreachable' | 'unknown';

/** Nodes that will see the same thing happen. */
export type VerdictGroup = {
	readonly verdict: Verdict;
	/** `starts`, `already running`, `FAILS: not installed`, `skips: dependency nginx not running`. */
	readonly text: string;
	readonly nodes: readonly string[];
	readonly nodeSet: string;
};

export type PreflightService = {readonly service: string; readonly groups: readonly VerdictGroup[]};

/** One step's pre-flight: each dependency's state and each service's predicted outcome, by node set. */
export type PreflightStep = {
	readonly step: number;
	readonly action: Action;
	readonly depends: readonly PreflightService[];
	readonly services: readonly PreflightService[];
};

const stateWords: Readonly<Record<ServiceState, string>> = {
	active: 'running',
	inactive: 'stopped',
	failed: 'failed',
	'not-installed': 'not installed',
	unknown: 'state unknown',
};

type Outcome = {readonly verdict: Verdict; readonly text: string; readonly after?: ServiceState};

/** What `action` does to a service in `state`: what the managers really do (restart starts a stopped service). */
export function predictAction(action: Action, state: ServiceState | undefined): Outcome {
	if (state === undefined || state === 'unknown') {
		return {verdict: 'unknown', text: 'state unknown, outcome unknown'};
	}

	if (state === 'not-installed') {
		return action === 'status' ? {verdict: 'no-change', text: 'reports: not installed'} : {verdict: 'fail', text: 'FAILS: not installed'};
	}

	const running = state === 'active';
	switch (action) {
		case 'start': {
			return running ? {verdict: 'no-change', text: 'already running'} : {verdict: 'change', text: `starts (now ${stateWords[state]})`, after: 'active'};
		}

		case 'stop': {
			return running ? {verdict: 'change', text: 'stops', after: 'inactive'} : {verdict: 'no-change', text: `already ${stateWords[state]}`, after: 'inactive'};
		}

		case 'restart': {
			return running ? {verdict: 'change', text: 'restarts', after: 'active'} : {verdict: 'change', text: `starts (restart of a ${stateWords[state]} service)`, after: 'active'};
		}

		case 'reload': {
			return running ? {verdict: 'change', text: 'reloads'} : {verdict: 'fail', text: `FAILS: reload of a ${stateWords[state]} service`};
		}

		case 'status': {
			return {verdict: 'no-change', text: `reports: ${stateWords[state]}`};
		}

		default: {
			return assertNever(action);
		}
	}
}

function group(entries: ReadonlyArray<{node: string; verdict: Verdict; text: string}>): VerdictGroup[] {
	const byText = new Map<string, {verdict: Verdict; text: string; nodes: string[]}>();
	for (const entry of entries) {
		const found = byText.get(entry.text);
		if (found) {
			found.nodes.push(entry.node);
		} else {
			byText.set(entry.text, {verdict: entry.verdict, text: entry.text, nodes: [entry.node]});
		}
	}

	return [...byText.values()].map(value => ({...value, nodeSet: foldNodes(value.nodes)}));
}

/**
 * Walk the steps in order over what the status pass found, as the run will: an unreachable node does
 * nothing; a dependency that is missing or not running skips the node; otherwise each service gets the
 * action's real effect on its state. States carry over, so a later step's dependency sees what an
 * earlier step will have started (step 1 starts nginx, step 3 needs it running).
 */
export function predictPlan(steps: readonly StepInfo[], observed: Observed): PreflightStep[] {
	const states = new Map(observed.states);
	const result: PreflightStep[] = [];
	for (const step of steps) {
		const dependEntries = new Map<string, Array<{node: string; verdict: Verdict; text: string}>>();
		const serviceEntries = new Map<string, Array<{node: string; verdict: Verdict; text: string}>>();
		const push = (map: typeof dependEntries, service: string, entry: {node: string; verdict: Verdict; text: string}) => {
			map.set(service, [...(map.get(service) ?? []), entry]);
		};

		for (const node of step.nodes) {
			const down = observed.unreachable.get(node);
			if (down !== undefined) {
				for (const service of [...step.depend, ...step.services]) {
					push(step.depend.includes(service) ? dependEntries : serviceEntries, service, {node, verdict: 'unreachable', text: `UNREACHABLE: ${down}`});
				}

				continue;
			}

			let skip: string | undefined;
			for (const dependency of step.depend) {
				const state = states.get(stateKey(node, dependency));
				const ok = state === 'active';
				push(dependEntries, dependency, {node, verdict: ok ? 'no-change' : 'skip', text: stateWords[state ?? 'unknown']});
				if (!ok && skip === undefined) {
					skip = `skips: dependency ${dependency} ${state === 'not-installed' ? 'not installed' : 'not running'}`;
				}
			}

			for (const service of step.services) {
				if (skip !== undefined) {
					push(serviceEntries, service, {node, verdict: 'skip', text: skip});
					continue;
				}

				const outcome = predictAction(step.action, states.get(stateKey(node, service)));
				push(serviceEntries, service, {node, verdict: outcome.verdict, text: outcome.text});
				if (outcome.after !== undefined) {
					states.set(stateKey(node, service), outcome.after);
				}
			}
		}

		result.push({
			step: step.index,
			action: step.action,
			depends: step.depend.map(service => ({service, groups: group(dependEntries.get(service) ?? [])})),
			services: step.services.map(service => ({service, groups: group(serviceEntries.get(service) ?? [])})),
		});
	}

	return result;
}

/** Actions that take services down: above `blastRadiusThreshold` nodes they need the count typed. */
export const disruptiveActions: ReadonlySet<Action> = new Set(['stop', 'restart']);

/** More nodes than this under a stop or restart: the review asks for the node count to be typed. */
export const blastRadiusThreshold = 10;

/** Distinct nodes that stop or restart steps touch. */
export function blastRadius(steps: readonly StepInfo[]): number {
	return new Set(steps.filter(step => disruptiveActions.has(step.action)).flatMap(step => step.nodes)).size;
}
