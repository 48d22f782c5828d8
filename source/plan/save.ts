/**
 * Plans back to YAML, in the form the file used: a list plan stays a list in the ancestor's style
 * (`- cron,nginx:\n    state: start\n    nodes: node[1-3]`), a mapping plan keeps its `defaults:`.
 */
import {dump} from 'js-yaml';
import {formatTimeout} from './duration.js';
import {formatNodeCount} from './rollout.js';
import type {NodeCount, Plan, Step, StepOptions} from './types.js';

export {parseDependList, parseServiceList, isValidServiceName} from './service-names.js';

type YamlValue = string | number | boolean | YamlValue[] | {[key: string]: YamlValue};
type YamlMap = Record<string, YamlValue>;

function optionsToYaml(options: StepOptions): YamlMap {
	const out: YamlMap = {};
	if (options.sudo !== undefined) {
		out['sudo'] = options.sudo;
	}

	if (options.timeoutMs !== undefined) {
		out['timeout'] = formatTimeout(options.timeoutMs);
	}

	if (options.manager !== undefined) {
		out['manager'] = options.manager;
	}

	Object.assign(out, rolloutToYaml(options));
	return out;
}

/** A count stays a number; a percentage is text (`25%`). */
function nodeCountToYaml(size: NodeCount): string | number {
	return 'count' in size ? size.count : formatNodeCount(size);
}

function rolloutToYaml(options: StepOptions): YamlMap {
	const out: YamlMap = {};
	if (options.fanout !== undefined) {
		out['fanout'] = options.fanout;
	}

	if (options.serial !== undefined) {
		const sizes = options.serial.map(size => nodeCountToYaml(size));
		out['serial'] = sizes.length === 1 ? sizes[0]! : sizes;
	}

	if (options.maxFail !== undefined) {
		out['max_fail'] = nodeCountToYaml(options.maxFail);
	}

	if (options.pauseMs !== undefined) {
		out['pause'] = formatTimeout(options.pauseMs);
	}

	if (options.canary !== undefined) {
		out['canary'] = options.canary;
	}

	if (options.verify !== undefined) {
		const {verify} = options;
		out['verify'] = verify === false
			? false
			: {timeout: formatTimeout(verify.timeoutMs), settle: formatTimeout(verify.settleMs), ...(verify.command === undefined ? {} : {command: verify.command})};
	}

	return out;
}

function stepToYaml(step: Step): Record<string, YamlMap> {
	// Key order follows the ancestor's files: state, nodes, depend, then the options.
	const settings: YamlMap = {state: step.action, nodes: step.nodes};
	if (step.depend.length > 0) {
		settings['depend'] = step.depend.join(',');
	}

	Object.assign(settings, optionsToYaml(step.options));
	if (!step.enabled) {
		settings['enabled'] = false;
	}

	return {[step.services.join(',')]: settings};
}

function hasOptions(options: StepOptions): boolean {
	return Object.values(options).some(value => value !== undefined);
}

/**
 * YAML text that `parsePlan` turns back into the same plan (apart from `source` and step `location`).
 * A list plan whose `defaults` were set in memory is written in mapping form, since a list has no place
 * for them; the data wins over the form.
 */
export function serializePlan(plan: Plan): string {
	const steps = plan.steps.map(step => stepToYaml(step));
	const document = plan.format === 'list' && !hasOptions(plan.defaults)
		? steps
		: {...(hasOptions(plan.defaults) ? {defaults: optionsToYaml(plan.defaults)} : {}), steps};
	// js-yaml quotes whatever would not read back as the same string (`@web`, `'5'`, `'yes'`), and
	// lineWidth -1 keeps long node sets on one line. The default indent of 2 gives the ancestor's layout.
	return dump(document, {lineWidth: -1, noRefs: true});
}
