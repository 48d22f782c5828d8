/**
 * Reading the steps: each one a mapping of services to settings (state, nodes, depend, enabled and the
 * StepOptions). Problems go to the caller's list. Pure.
 */
import {checkNameList} from './service-names.js';
import {suggest} from './suggest.js';
import {actions, type Action, type Step} from './types.js';
import {readBoolean, readOption, readText, type OptionsDraft} from './validate-options.js';
import {at, describeNode, exampleStep, isEmpty, keyName, quote, reportListIssues, unknownKeyMessage, type Problems, type StepContext} from './validate-problems.js';
import type {YamlNode} from './yaml-tree.js';

/** What a caller plugs into validation. */
export type PlanCheckOptions = {
	/**
	 * Checks a node-set expression and returns an error message for an invalid one. The CLI wires in the
	 * node-set parser; this module stays independent of it. Without it, any non-empty string passes.
	 */
	readonly checkNodes?: (expression: string) => string | undefined;
};

/** The keys a step's settings may hold. */
export const stepKeys = ['state', 'nodes', 'depend', 'sudo', 'timeout', 'manager', 'fanout', 'serial', 'max_fail', 'pause', 'canary', 'verify', 'enabled'] as const;

export function readSteps(list: Extract<YamlNode, {kind: 'sequence'}>, prefix: string, problems: Problems, options: PlanCheckOptions): Step[] | undefined {
	// An explicit empty list (`[]`, `steps: []`) is an empty plan: what the app saves when every step
	// was deleted, so it must open again. Running it is refused (prepare.ts), not loading it.
	const steps: Step[] = [];
	let complete = true;
	for (const [position, item] of list.items.entries()) {
		const step = readStep(item, position + 1, `${prefix}[${position}]`, problems, options);
		if (step === undefined) {
			complete = false;
		} else {
			steps.push(step);
		}
	}

	return complete ? steps : undefined;
}

type StepSettings = {
	state?: Action;
	nodes?: string;
	depend?: string[];
	enabled?: boolean;
	options: OptionsDraft;
};

function readStep(item: YamlNode, number: number, path: string, problems: Problems, options: PlanCheckOptions): Step | undefined {
	const bare: StepContext = {step: number, path};
	if (item.kind !== 'mapping') {
		const hint = item.kind === 'scalar' && typeof item.value === 'string'
			? `; write "- ${item.text}:" with state and nodes indented under it`
			: `; write a step such as ${exampleStep}`;
		problems.add(item.offset, `a step must be a mapping of services to settings, not ${describeNode(item)}${hint}`, bare);
		return undefined;
	}

	const [first, second] = item.pairs;
	if (first === undefined) {
		problems.add(item.offset, `empty step; write a step such as ${exampleStep}`, bare);
		return undefined;
	}

	const servicesText = first.key.kind === 'scalar' ? first.key.text : '';
	const labelServices = servicesText.split(',').map(name => name.trim()).filter(name => name !== '');
	const stepPath = `${path}.${servicesText}`;
	const context: StepContext = {step: number, services: labelServices, path: stepPath};

	if (second !== undefined) {
		const names = item.pairs.map(pair => (pair.key.kind === 'scalar' ? pair.key.text : '?'));
		const misplaced = item.pairs.slice(1).find(pair => pair.key.kind === 'scalar' && (stepKeys as readonly string[]).includes(pair.key.text));
		const message = misplaced !== undefined && isEmpty(first.value)
			? `${quote(keyName(misplaced.key) ?? '')} belongs under ${quote(`${servicesText}:`)}; indent the step's settings further than its services`
			: `a step has one key, its services, but this one has ${item.pairs.length}: ${names.map(name => quote(name)).join(', ')}; start each step with "- "`;
		problems.add((misplaced ?? second).key.offset, message, context);
		return undefined;
	}

	const before = problems.list.length;
	const services = readServices(first.key, item.offset, problems, context);
	const settings = readSettings(first.value, first.key, problems, context, options);
	if (services === undefined || settings?.state === undefined || settings.nodes === undefined || problems.list.length > before) {
		return undefined;
	}

	const location = first.key.offset === undefined ? undefined : problems.locate(first.key.offset);
	return {
		index: number,
		services,
		action: settings.state,
		nodes: settings.nodes,
		depend: settings.depend ?? [],
		enabled: settings.enabled ?? true,
		options: settings.options,
		...(location === undefined ? {} : {location}),
	};
}

function readServices(key: YamlNode, itemOffset: number, problems: Problems, context: StepContext): string[] | undefined {
	if (key.kind !== 'scalar') {
		problems.add(key.offset, `a step's key must be a comma list of services such as "cron,nginx", not ${describeNode(key)}`, context);
		return undefined;
	}

	if (key.value === null || key.text.trim() === '') {
		problems.add(key.offset ?? itemOffset, 'empty service list; name the services before the colon, e.g. "cron,nginx:"', context);
		return undefined;
	}

	// `5:` as a key resolves to a number, but the service name is what was written: use the text.
	const {names, issues} = checkNameList(key.text, 'service');
	reportListIssues(key, itemOffset, issues, problems, context);
	return issues.length > 0 ? undefined : names.map(entry => entry.name);
}


function readSettings(value: YamlNode, key: YamlNode, problems: Problems, context: StepContext, options: PlanCheckOptions): StepSettings | undefined {
	const keyOffset = key.offset;
	if (isEmpty(value)) {
		problems.add(keyOffset, 'step has no settings; add "state:" and "nodes:" indented under it', context);
		return undefined;
	}

	if (value.kind !== 'mapping') {
		problems.add(at(value, keyOffset), `a step's settings must be a mapping with "state:" and "nodes:", not ${describeNode(value)}`, context);
		return undefined;
	}

	const settings: StepSettings = {options: {}};
	// A misspelt key already says "did you mean state?"; a second "missing state" line adds nothing.
	const suggested = new Set<string>();
	for (const pair of value.pairs) {
		const name = keyName(pair.key);
		const path = `${context.path}.${name ?? '?'}`;
		const here: StepContext = {...context, path};
		if (name === undefined) {
			problems.add(pair.key.offset ?? value.offset, `setting names must be plain words such as "state", not ${describeNode(pair.key)}`, here);
			continue;
		}

		switch (name) {
			case 'state': {
				settings.state = readAction(pair.value, pair.key, problems, here);
				break;
			}

			case 'nodes': {
				settings.nodes = readNodes(pair.value, pair.key, problems, here, options);
				break;
			}

			case 'depend': {
				settings.depend = readDepend(pair.value, pair.key, problems, here);
				break;
			}

			case 'enabled': {
				settings.enabled = readBoolean('enabled', pair.value, pair.key, problems, here);
				break;
			}

			case 'sudo':
			case 'timeout':
			case 'manager':
			case 'fanout':
			case 'serial':
			case 'max_fail':
			case 'pause':
			case 'canary':
			case 'verify': {
				readOption(name, pair.value, pair.key, problems, here, settings.options);
				break;
			}

			default: {
				const guess = suggest(name, stepKeys);
				if (guess !== undefined) {
					suggested.add(guess);
				}

				const hint = name === 'disabled' ? 'unknown key "disabled"; write "enabled: false" to skip a step' : unknownKeyMessage(name, stepKeys, '');
				problems.add(pair.key.offset, hint, here);
			}
		}
	}

	const verifyPair = value.pairs.find(pair => keyName(pair.key) === 'verify');
	if (verifyPair !== undefined && settings.options.verify && (settings.state === 'stop' || settings.state === 'status')) {
		// Set in `defaults` it simply does not apply to such a step; written on the step it is a slip.
		problems.add(verifyPair.key.offset, `"verify" checks a service runs after start, restart or reload; a ${settings.state} step has nothing to verify (remove it, or write "verify: false")`, {...context, path: `${context.path}.verify`});
	}

	const has = (wanted: string): boolean => value.pairs.some(pair => keyName(pair.key) === wanted);
	if (!has('state') && !suggested.has('state')) {
		problems.add(keyOffset, `missing "state"; add "state:" with one of ${actions.join(', ')}`, context);
	}

	if (!has('nodes') && !suggested.has('nodes')) {
		problems.add(keyOffset, 'missing "nodes"; add "nodes:" with the node set to act on, e.g. node[1-3]', context);
	}

	return settings;
}

function readAction(node: YamlNode, key: YamlNode, problems: Problems, context: StepContext): Action | undefined {
	const text = readText('state', node, key, problems, context, 'start');
	if (text === undefined) {
		return undefined;
	}

	if ((actions as readonly string[]).includes(text)) {
		return text as Action;
	}

	const guess = suggest(text, actions);
	const hint = guess === undefined ? '' : `; did you mean ${quote(guess)}?`;
	problems.add(at(node, key.offset), `unknown state ${quote(text)}; use one of ${actions.join(', ')}${hint}`, context);
	return undefined;
}

function readNodes(node: YamlNode, key: YamlNode, problems: Problems, context: StepContext, options: PlanCheckOptions): string | undefined {
	if (node.kind === 'scalar' && typeof node.value === 'number') {
		// `nodes: 5` is almost surely a slip (a count, or a half-typed node5): a node set is names.
		problems.add(at(node, key.offset), `"nodes" must be a node set such as node[1-3], not the number ${node.text}; quote it ("${node.text}") if that really is a host name`, context);
		return undefined;
	}

	if (node.kind === 'sequence') {
		problems.add(node.offset, '"nodes" must be one node-set string, not a list; join the names with commas, e.g. "nodes: node1,node3"', context);
		return undefined;
	}

	const expression = readText('nodes', node, key, problems, context, 'node[1-3]');
	if (expression === undefined || options.checkNodes === undefined) {
		return expression;
	}

	let error: string | undefined;
	try {
		error = options.checkNodes(expression);
	} catch (thrown) {
		error = thrown instanceof Error ? thrown.message : String(thrown);
	}

	if (error !== undefined) {
		problems.add(at(node, key.offset), `"nodes": ${error}`, context);
		return undefined;
	}

	return expression;
}

function readDepend(node: YamlNode, key: YamlNode, problems: Problems, context: StepContext): string[] | undefined {
	if (isEmpty(node)) {
		return [];
	}

	if (node.kind === 'sequence') {
		problems.add(node.offset, '"depend" is a comma list, not a YAML list; write e.g. "depend: ssh,nginx"', context);
		return undefined;
	}

	if (node.kind !== 'scalar' || typeof node.value !== 'string') {
		problems.add(at(node, key.offset), `"depend" must be a comma list of services such as ssh,nginx, not ${describeNode(node)}`, context);
		return undefined;
	}

	const {names, issues} = checkNameList(node.value, 'dependency');
	reportListIssues(node, key.offset, issues, problems, context);
	return issues.length > 0 ? undefined : names.map(entry => entry.name);
}
