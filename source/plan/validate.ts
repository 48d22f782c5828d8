/**
 * Plan validation: from located YAML to a `Plan`, collecting every problem with its position instead of
 * stopping at the first. Pure: no file access (load.ts reads files). This file reads the document and
 * `defaults:`; the steps are read in validate-step.ts, their options (shared with `defaults:`) in
 * validate-options.ts, and problems are collected and worded in validate-problems.ts.
 */
import {assertNever} from '../errors.js';
import type {PlanProblem} from './errors.js';
import {suggest} from './suggest.js';
import {LineIndex} from './text-position.js';
import type {Plan, Step, StepOptions} from './types.js';
import {isOptionKey, optionKeys, readOption, type OptionsDraft} from './validate-options.js';
import {at, describeNode, exampleStep, isEmpty, keyName, Problems, quote, unknownKeyMessage, type StepContext} from './validate-problems.js';
import {readSteps, stepKeys, type PlanCheckOptions} from './validate-step.js';
import {parseYamlTree, type YamlNode} from './yaml-tree.js';

export type {PlanCheckOptions} from './validate-step.js';

const topKeys = ['defaults', 'steps'] as const;

/** Largest plan text accepted, in characters (load.ts caps the file's bytes the same way). */
export const maxPlanChars = 1024 * 1024;

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
