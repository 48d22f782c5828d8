/**
 * How validation reports: the problem list (positions, cap, file order) and the wording shared by every
 * reader ("must be X, not Y", "did you mean"). Pure.
 */
import {assertNever} from '../errors.js';
import {describeValue} from './duration.js';
import type {PlanProblem} from './errors.js';
import {suggest} from './suggest.js';
import type {LineIndex} from './text-position.js';
import type {YamlNode} from './yaml-tree.js';

/** Beyond this, more problems add noise rather than help: fix these first. */
const maxProblems = 100;

export type StepContext = {readonly step?: number; readonly services?: readonly string[]; readonly path: string};

export class Problems {
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
export function at(node: YamlNode, fallback: number | undefined): number | undefined {
	return node.offset ?? fallback;
}

export function isEmpty(node: YamlNode): boolean {
	return node.kind === 'scalar' && node.value === null;
}

/** Describe a YAML node for "must be X, not Y" messages. */
export function describeNode(node: YamlNode): string {
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

export function quote(text: string): string {
	return JSON.stringify(text);
}

export function unknownKeyMessage(key: string, candidates: readonly string[], where: string): string {
	const guess = suggest(key, candidates);
	return guess === undefined
		? `unknown key ${quote(key)}${where}; expected one of ${candidates.join(', ')}`
		: `unknown key ${quote(key)}${where}; did you mean ${quote(guess)}?`;
}

export const exampleStep = '"- nginx: {state: start, nodes: node[1-3]}"';

/** A mapping key as a name, or undefined for keys that are collections. Scalars use their text (`5:` → "5"). */
export function keyName(key: YamlNode): string | undefined {
	return key.kind === 'scalar' ? key.text : undefined;
}

/** Report each issue of a comma list at its own column when the text is verbatim in the source. */
export function reportListIssues(node: YamlNode, fallback: number | undefined, issues: ReadonlyArray<{offset: number; message: string}>, problems: Problems, context: StepContext): void {
	for (const issue of issues) {
		const base = at(node, fallback);
		const exact = node.kind === 'scalar' && node.verbatim && base !== undefined ? base + issue.offset : base;
		problems.add(exact, issue.message, context);
	}
}
