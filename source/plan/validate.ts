/**
 * Plan validation: from located YAML to a `Plan`, collecting every problem with its position instead of
 * stopping at the first. Pure: no file access (load.ts reads files).
 */
import {assertNever} from '../errors.js';
import type {PlanProblem} from './errors.js';
import {describeValue, parseDuration, parseTimeout} from './duration.js';
import {parseBatchSize, parseMaxFail, parsePositiveCount, serialExample} from './rollout.js';
import {checkNameList} from './service-names.js';
import {suggest} from './suggest.js';
import {LineIndex} from './text-position.js';
import {actions, defaultVerify, managers, type Action, type ManagerChoice, type NodeCount, type Plan, type Step, type StepOptions, type VerifyOptions} from './types.js';
import {parseYamlTree, type YamlNode} from './yaml-tree.js';

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
/** The keys `defaults:` may hold (the StepOptions). */
export const optionKeys = ['sudo', 'timeout', 'manager', 'fanout', 'serial', 'max_fail', 'pause', 'canary', 'verify'] as const;
/** The keys of `verify:` when it is a mapping. */
export const verifyKeys = ['timeout', 'settle', 'command'] as const;

/** StepOptions being filled in. */
type OptionsDraft = {-readonly [Key in keyof StepOptions]: StepOptions[Key]};
const topKeys = ['defaults', 'steps'] as const;

/** Beyond this, more problems add noise rather than help: fix these first. */
const maxProblems = 100;

/** Largest plan text accepted, in characters (load.ts caps the file's bytes the same way). */
export const maxPlanChars = 1024 * 1024;

type StepContext = {readonly step?: number; readonly services?: readonly string[]; readonly path: string};

class Problems {
	readonly list: PlanProblem[] = [];
	readonly #file: string;
	readonly #lines: LineIndex;
	#dropped = 0;

	constructor(file: string, lines: LineIndex) {
		this.#file = file;
		this.#lines = lines;
	}

	/** 1-based line and column of an offset. */
	locate(offset: number): {line: number; column: number} {
		return this.#lines.locate(offset);
	}

	add(offset: number | undefined, message: string, context: StepContext): void {
		if (this.list.length >= maxProblems) {
			this.#dropped++;
			return;
		}

		const location = offset === undefined ? {line: 1, column: 1} : this.#lines.locate(offset);
		this.list.push({
			file: this.#file,
			line: location.line,
			column: location.column,
			path: context.path,
			...(context.step === undefined ? {} : {step: context.step}),
			...(context.services === undefined ? {} : {services: context.services}),
			message,
		});
	}

	/** Problems in file order, with a last line when some were dropped. */
	finish(): PlanProblem[] {
		const sorted = this.list
			.map((problem, order) => ({problem, order}))
			.sort((a, b) => (a.problem.line ?? 0) - (b.problem.line ?? 0) || (a.problem.column ?? 0) - (b.problem.column ?? 0) || a.order - b.order)
			.map(entry => entry.problem);
		if (this.#dropped > 0) {
			const last = sorted.at(-1);
			sorted.push({file: this.#file, line: last?.line, column: last?.column, message: `${this.#dropped} more problems not shown; fix the ones above first`});
		}

		return sorted;
	}
}

/** Where to report a problem with `node`: at the node, or at `fallback` (its key) when the value is empty. */
function at(node: YamlNode, fallback: number | undefined): number | undefined {
	return node.offset ?? fallback;
}

function isEmpty(node: YamlNode): boolean {
	return node.kind === 'scalar' && node.value === null;
}

/** Describe a YAML node for "must be X, not Y" messages. */
function describeNode(node: YamlNode): string {
	switch (node.kind) {
		case 'scalar': {
			return describeValue(node.value);
		}

		case 'sequence': {
			return 'a list';
		}

		case 'mapping': {
			return 'a mapping';
		}

		default: {
			return assertNever(node);
		}
	}
}

function quote(text: string): string {
	return JSON.stringify(text);
}

function unknownKeyMessage(key: string, candidates: readonly string[], where: string): string {
	const guess = suggest(key, candidates);
	return guess === undefined
		? `unknown key ${quote(key)}${where}; expected one of ${candidates.join(', ')}`
		: `unknown key ${quote(key)}${where}; did you mean ${quote(guess)}?`;
}

const exampleStep = '"- nginx: {state: start, nodes: node[1-3]}"';

/**
 * Validate plan text. Returns the plan, or every problem found (in file order, each with its line and
 * column). Never throws for bad input.
 */
export function analysePlan(text: string, source: string, options: PlanCheckOptions = {}): {plan: Plan} | {problems: PlanProblem[]} {
	// A UTF-8 byte-order mark is not content; dropping it keeps columns on the first line right.
	const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
	const lines = new LineIndex(body);
	const problems = new Problems(source, lines);
	const top: StepContext = {path: ''};

	if (body.length > maxPlanChars) {
		problems.add(undefined, `plan is larger than ${maxPlanChars} characters; a plan file is a short list of steps`, top);
		return {problems: problems.finish()};
	}

	const nul = body.indexOf('\0');
	if (nul !== -1) {
		problems.add(nul, 'binary data (NUL byte); a plan is a YAML text file', top);
		return {problems: problems.finish()};
	}

	if (body.trim() === '') {
		problems.add(undefined, `file is empty; a plan is a YAML list of steps such as ${exampleStep}`, top);
		return {problems: problems.finish()};
	}

	const parsed = parseYamlTree(body);
	if ('failure' in parsed) {
		problems.add(parsed.failure.offset, parsed.failure.message, top);
		return {problems: problems.finish()};
	}

	const {documents, documentOffsets} = parsed;
	if (documents.length > 1) {
		const second = documentOffsets[1] ?? -1;
		const marker = second >= 0 ? undefined : lastDocumentMarker(body);
		problems.add(second >= 0 ? second : marker, 'more than one YAML document; a plan file holds one (remove the extra "---")', top);
		return {problems: problems.finish()};
	}

	const [root] = documents;
	if (root === undefined || isEmpty(root)) {
		problems.add(undefined, `file has no steps (only comments or an empty document); a plan is a YAML list of steps such as ${exampleStep}`, top);
		return {problems: problems.finish()};
	}

	const plan = readPlan(root, source, problems, options);
	const list = problems.finish();
	return plan === undefined || list.length > 0 ? {problems: list} : {plan};
}

function lastDocumentMarker(text: string): number | undefined {
	let found: number | undefined;
	for (const match of text.matchAll(/^---(?=\s|$)/gm)) {
		found = match.index;
	}

	return found;
}

function readPlan(root: YamlNode, source: string, problems: Problems, options: PlanCheckOptions): Plan | undefined {
	const top: StepContext = {path: ''};
	switch (root.kind) {
		case 'sequence': {
			const steps = readSteps(root, '', problems, options);
			return steps === undefined ? undefined : {source, format: 'list', defaults: {}, steps};
		}

		case 'mapping': {
			return readMappingPlan(root, source, problems, options);
		}

		case 'scalar': {
			problems.add(root.offset, `a plan is a YAML list of steps (or a mapping with "steps:"), not ${describeNode(root)}; write steps such as ${exampleStep}`, top);
			return undefined;
		}

		default: {
			return assertNever(root);
		}
	}
}

function readMappingPlan(root: Extract<YamlNode, {kind: 'mapping'}>, source: string, problems: Problems, options: PlanCheckOptions): Plan | undefined {
	let defaults: StepOptions = {};
	let steps: Step[] | undefined;
	let sawSteps = false;
	// Set when another message already told the user where the steps should go.
	let stepsExplained = false;
	for (const {key, value} of root.pairs) {
		const name = keyName(key);
		if (name === undefined) {
			problems.add(key.offset ?? root.offset, `top-level keys must be plain names such as "steps", not ${describeNode(key)}`, {path: ''});
			continue;
		}

		switch (name) {
			case 'defaults': {
				defaults = readDefaults(value, key, problems) ?? {};
				break;
			}

			case 'steps': {
				sawSteps = true;
				if (value.kind !== 'sequence') {
					problems.add(at(value, key.offset), `"steps" must be a list of steps, not ${describeNode(value)}; start each step with "- " as in ${exampleStep}`, {path: 'steps'});
					break;
				}

				steps = readSteps(value, 'steps', problems, options);
				break;
			}

			default: {
				const looksLikeStep = value.kind === 'mapping' && value.pairs.some(pair => pair.key.kind === 'scalar' && (pair.key.text === 'state' || pair.key.text === 'nodes'));
				const message = looksLikeStep
					? `${quote(name)} looks like a step, but steps go in a list; write "- ${name}:" (or put it under "steps:")`
					: unknownKeyMessage(name, topKeys, ' at the top level');
				stepsExplained ||= looksLikeStep || suggest(name, topKeys) === 'steps';
				problems.add(key.offset, message, {path: name});
			}
		}
	}

	if (!sawSteps && !stepsExplained) {
		problems.add(root.offset, 'missing "steps"; a mapping plan needs "steps:" holding the list of steps', {path: ''});
	}

	return steps === undefined ? undefined : {source, format: 'mapping', defaults, steps};
}

/** A mapping key as a name, or undefined for keys that are collections. Scalars use their text (`5:` → "5"). */
function keyName(key: YamlNode): string | undefined {
	return key.kind === 'scalar' ? key.text : undefined;
}

function readDefaults(value: YamlNode, key: YamlNode, problems: Problems): StepOptions | undefined {
	const context: StepContext = {path: 'defaults'};
	if (isEmpty(value)) {
		return {};
	}

	if (value.kind !== 'mapping') {
		problems.add(at(value, key.offset), `"defaults" must be a mapping of ${optionKeys.join(', ')}, not ${describeNode(value)}`, context);
		return undefined;
	}

	const options: OptionsDraft = {};
	for (const pair of value.pairs) {
		const name = keyName(pair.key);
		const here: StepContext = {path: `defaults.${name ?? '?'}`};
		if (name === undefined) {
			problems.add(pair.key.offset ?? value.offset, `keys in "defaults" must be plain names, not ${describeNode(pair.key)}`, here);
			continue;
		}

		if (!isOptionKey(name)) {
			const message = (stepKeys as readonly string[]).includes(name)
				? `${quote(name)} cannot be a default; set it in each step (defaults may set ${optionKeys.join(', ')})`
				: unknownKeyMessage(name, optionKeys, ' in "defaults"');
			problems.add(pair.key.offset, message, here);
			continue;
		}

		readOption(name, pair.value, pair.key, problems, here, options);
	}

	return options;
}

function isOptionKey(name: string): name is (typeof optionKeys)[number] {
	return (optionKeys as readonly string[]).includes(name);
}

function readSteps(list: Extract<YamlNode, {kind: 'sequence'}>, prefix: string, problems: Problems, options: PlanCheckOptions): Step[] | undefined {
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

/** Report each issue of a comma list at its own column when the text is verbatim in the source. */
function reportListIssues(node: YamlNode, fallback: number | undefined, issues: ReadonlyArray<{offset: number; message: string}>, problems: Problems, context: StepContext): void {
	for (const issue of issues) {
		const base = at(node, fallback);
		const exact = node.kind === 'scalar' && node.verbatim && base !== undefined ? base + issue.offset : base;
		problems.add(exact, issue.message, context);
	}
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

/** A non-empty string value, or a problem naming what was there instead. */
function readText(label: string, node: YamlNode, key: YamlNode, problems: Problems, context: StepContext, example: string): string | undefined {
	if (isEmpty(node)) {
		problems.add(at(node, key.offset), `${quote(label)} is empty; write e.g. "${label}: ${example}"`, context);
		return undefined;
	}

	if (node.kind !== 'scalar' || typeof node.value !== 'string') {
		problems.add(at(node, key.offset), `${quote(label)} must be text such as ${example}, not ${describeNode(node)}`, context);
		return undefined;
	}

	if (node.value.trim() === '') {
		problems.add(at(node, key.offset), `${quote(label)} is blank; write e.g. "${label}: ${example}"`, context);
		return undefined;
	}

	return node.value;
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

function readManager(node: YamlNode, key: YamlNode, problems: Problems, context: StepContext): ManagerChoice | undefined {
	const text = readText('manager', node, key, problems, context, 'systemd');
	if (text === undefined) {
		return undefined;
	}

	if ((managers as readonly string[]).includes(text)) {
		return text as ManagerChoice;
	}

	const guess = suggest(text, managers);
	const hint = guess === undefined ? '' : `; did you mean ${quote(guess)}?`;
	problems.add(at(node, key.offset), `unknown manager ${quote(text)}; use one of ${managers.join(', ')}${hint}`, context);
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

const yamlOneOneBooleans = new Set(['yes', 'no', 'on', 'off', 'y', 'n']);

function readBoolean(label: string, node: YamlNode, key: YamlNode, problems: Problems, context: StepContext): boolean | undefined {
	if (node.kind === 'scalar' && typeof node.value === 'boolean') {
		return node.value;
	}

	const shown = describeNode(node);
	const hint = node.kind === 'scalar' && yamlOneOneBooleans.has(node.text.toLowerCase())
		? `; YAML 1.2 reads ${node.text} as text, write true or false`
		: '; write true or false';
	problems.add(at(node, key.offset), `${quote(label)} must be true or false, not ${shown}${hint}`, context);
	return undefined;
}

function readTimeout(node: YamlNode, key: YamlNode, problems: Problems, context: StepContext): number | undefined {
	const value: unknown = node.kind === 'scalar' ? node.value : node.kind === 'sequence' ? [] : {};
	const result = parseTimeout(value);
	if ('error' in result) {
		problems.add(at(node, key.offset), result.error, context);
		return undefined;
	}

	return result.timeoutMs;
}

/** Read one of the StepOptions (shared by steps and `defaults`) into `into`; problems go to `problems`. */
function readOption(name: (typeof optionKeys)[number], node: YamlNode, key: YamlNode, problems: Problems, context: StepContext, into: OptionsDraft): void {
	switch (name) {
		case 'sudo': {
			const sudo = readBoolean('sudo', node, key, problems, context);
			if (sudo !== undefined) {
				into.sudo = sudo;
			}

			return;
		}

		case 'timeout': {
			const timeoutMs = readTimeout(node, key, problems, context);
			if (timeoutMs !== undefined) {
				into.timeoutMs = timeoutMs;
			}

			return;
		}

		case 'manager': {
			const manager = readManager(node, key, problems, context);
			if (manager !== undefined) {
				into.manager = manager;
			}

			return;
		}

		case 'fanout':
		case 'canary': {
			const result = parsePositiveCount(scalarValue(node), quote(name), name === 'fanout' ? '16' : '1');
			if ('error' in result) {
				problems.add(at(node, key.offset), result.error, context);
			} else {
				into[name] = result.value;
			}

			return;
		}

		case 'serial': {
			const serial = readSerial(node, key, problems, context);
			if (serial !== undefined) {
				into.serial = serial;
			}

			return;
		}

		case 'max_fail': {
			const result = parseMaxFail(scalarValue(node), '"max_fail"');
			if ('error' in result) {
				problems.add(at(node, key.offset), result.error, context);
			} else {
				into.maxFail = result.value;
			}

			return;
		}

		case 'pause': {
			const result = parseDuration(scalarValue(node), '"pause"', true);
			if ('error' in result) {
				problems.add(at(node, key.offset), result.error, context);
			} else {
				into.pauseMs = result.ms;
			}

			return;
		}

		case 'verify': {
			const verify = readVerify(node, key, problems, context);
			if (verify !== undefined) {
				into.verify = verify;
			}

			return;
		}

		default: {
			assertNever(name);
		}
	}
}

/** A scalar's value, or a stand-in that describes a collection as one (for "must be X, not a list"). */
function scalarValue(node: YamlNode): unknown {
	return node.kind === 'scalar' ? node.value : node.kind === 'sequence' ? [] : {};
}

function readSerial(node: YamlNode, key: YamlNode, problems: Problems, context: StepContext): NodeCount[] | undefined {
	if (node.kind === 'mapping') {
		problems.add(at(node, key.offset), `"serial" must be a batch size or a list of them, not a mapping; ${serialExample}`, context);
		return undefined;
	}

	const entries = node.kind === 'sequence' ? node.items : [node];
	if (entries.length === 0) {
		problems.add(at(node, key.offset), `"serial" is an empty list; ${serialExample}`, context);
		return undefined;
	}

	const sizes: NodeCount[] = [];
	for (const entry of entries) {
		const result = parseBatchSize(scalarValue(entry), '"serial"');
		if ('error' in result) {
			problems.add(at(entry, key.offset), result.error, context);
			return undefined;
		}

		sizes.push(result.value);
	}

	return sizes;
}

function readVerify(node: YamlNode, key: YamlNode, problems: Problems, context: StepContext): VerifyOptions | false | undefined {
	const hint = 'write "verify: true", or a mapping such as {command: "curl -fsS localhost/health", timeout: 10s}';
	if (node.kind === 'scalar' && typeof node.value === 'boolean') {
		return node.value ? defaultVerify : false;
	}

	if (node.kind !== 'mapping') {
		problems.add(at(node, key.offset), `"verify" must be true, false or a mapping of ${verifyKeys.join(', ')}, not ${describeNode(node)}; ${hint}`, context);
		return undefined;
	}

	let verify: {timeoutMs: number; settleMs: number; command?: string} = {...defaultVerify};
	let complete = true;
	for (const pair of node.pairs) {
		const name = keyName(pair.key);
		const here: StepContext = {...context, path: `${context.path}.${name ?? '?'}`};
		switch (name) {
			case 'timeout':
			case 'settle': {
				const result = parseDuration(scalarValue(pair.value), `"verify.${name}"`, name === 'settle');
				if ('error' in result) {
					problems.add(at(pair.value, pair.key.offset), result.error, here);
					complete = false;
				} else {
					verify = name === 'timeout' ? {...verify, timeoutMs: result.ms} : {...verify, settleMs: result.ms};
				}

				break;
			}

			case 'command': {
				const command = readText('verify.command', pair.value, pair.key, problems, here, '"curl -fsS localhost/health"');
				if (command === undefined) {
					complete = false;
				} else if (/[\0-\u0008\u000A-\u001F\u007F]/.test(command)) {
					// A newline or a control character would hide part of the command in the review.
					problems.add(at(pair.value, pair.key.offset), '"verify.command" holds a line break or control character; write the health command on one line', here);
					complete = false;
				} else {
					verify = {...verify, command};
				}

				break;
			}

			default: {
				problems.add(pair.key.offset ?? node.offset, name === undefined ? `keys in "verify" must be plain names, not ${describeNode(pair.key)}` : unknownKeyMessage(name, verifyKeys, ' in "verify"'), here);
				complete = false;
			}
		}
	}

	if (complete && verify.settleMs >= verify.timeoutMs) {
		problems.add(at(node, key.offset), '"verify.settle" must be shorter than "verify.timeout": the service has to settle within the timeout', context);
		return undefined;
	}

	return complete ? verify : undefined;
}
