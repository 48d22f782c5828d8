/**
 * Save an edited plan by rewriting only what changed in the text it was loaded from: comments, blank
 * lines, key order, quoting and indentation of untouched steps stay byte for byte. A changed value is
 * replaced where it stands (the comment after it stays), a deleted step takes its own lines with it, a
 * moved step carries them along, and a new step is written in its neighbours' style. Pure.
 *
 * Why spans and not a comment-keeping YAML library: the loader already reads js-yaml's event stream with
 * offsets, a plan's shape is fixed and shallow (a list of one-key mappings of scalars), and every result
 * is checked by loading it again, so a few hundred lines cover it without a second YAML parser whose
 * reading could differ from the loader's. The text of a single step is edited in step-edits.ts.
 */
import {locatePlan, onlyBlankLines, type PlanSpans} from './plan-spans.js';
import {serializePlan} from './save.js';
import {alignSteps, stepDistance} from './step-align.js';
import {applyEdits, lineStart, nextLine, settingEdits, writeStep} from './step-edits.js';
import type {Plan, StepOptions} from './types.js';
import {analysePlan} from './validate.js';

export type RewriteResult = {
	readonly text: string;
	/**
	 * True when the text was edited in place. False when the file's shape (flow style, several
	 * documents, anchors an edit would break) made a fresh write necessary: the plan is right, but
	 * the file's comments and layout are gone.
	 */
	readonly inPlace: boolean;
};

function mostCommon(values: readonly string[]): string | undefined {
	const counts = new Map<string, number>();
	for (const value of values) {
		counts.set(value, (counts.get(value) ?? 0) + 1);
	}

	return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function sameOptions(a: StepOptions, b: StepOptions): boolean {
	// Rolling options (serial, verify, …) are nested values: compare them by content, key order aside.
	const keys = new Set([...Object.keys(a), ...Object.keys(b)] as Array<keyof StepOptions>);
	return [...keys].every(key => JSON.stringify(a[key]) === JSON.stringify(b[key]));
}

/** Whether two plans hold the same steps and defaults in the same form (source and locations aside). */
export function samePlan(a: Plan, b: Plan): boolean {
	return a.format === b.format
		&& sameOptions(a.defaults, b.defaults)
		&& a.steps.length === b.steps.length
		&& a.steps.every((step, index) => stepDistance(step, b.steps[index]!) === 0);
}

/** The steps' lines for a list with steps in the text. */
function rewriteSteps(body: string, spans: PlanSpans, original: Plan, edited: Plan): string | undefined {
	const first = spans.steps[0]!;
	const last = spans.steps.at(-1)!;
	const prelude = body.slice(0, first.chunkStart);
	const after = body.slice(last.chunkEnd);
	if (edited.steps.length === 0) {
		if (spans.format === 'list') {
			return `${prelude}[]${spans.eol}${after}`;
		}

		const key = spans.stepsKey;
		const colon = key === undefined ? -1 : prelude.indexOf(':', key.end);
		return colon === -1 ? undefined : `${prelude.slice(0, colon + 1)} []${prelude.slice(colon + 1)}${after}`;
	}

	const separators = spans.steps.map((span, index) => (index === 0 ? '' : body.slice(spans.steps[index - 1]!.chunkEnd, span.chunkStart)));
	const fallbackSeparator = mostCommon(separators.slice(1).filter(separator => onlyBlankLines(separator))) ?? '';
	const block = spans.steps.find(span => !span.flow && span.settingsColumn !== undefined);
	const layout = {dashColumn: spans.dashColumn, settingsColumn: block?.settingsColumn ?? spans.dashColumn + 4, flow: block === undefined && spans.steps.every(span => span.flow)};
	const origin = alignSteps(original.steps, edited.steps);
	// A deleted step's separator is dropped with it, unless it holds comments (blank-separated from the
	// step, so not its own): those stay, before the next step of the file that is kept, or at the end.
	const kept = new Set(origin.filter(from => from !== undefined));
	const carried = new Map<number | 'end', string>();
	for (let from = 1; from < spans.steps.length; from++) {
		if (!kept.has(from) && !onlyBlankLines(separators[from]!)) {
			let next = from + 1;
			while (next < spans.steps.length && !kept.has(next)) {
				next++;
			}

			const target = next < spans.steps.length ? next : 'end';
			carried.set(target, (carried.get(target) ?? '') + separators[from]!);
		}
	}

	const parts: string[] = [];
	for (const [index, step] of edited.steps.entries()) {
		const from = origin[index];
		const span = from === undefined ? undefined : spans.steps[from];
		let chunk: string;
		if (span === undefined || from === undefined) {
			chunk = writeStep(step, layout, spans.eol);
		} else {
			const before = original.steps[from]!;
			const text = body.slice(span.chunkStart, span.chunkEnd);
			const edits = stepDistance(before, step) === 0 ? [] : settingEdits(body, span, before, step, spans.eol);
			chunk = edits === undefined
				// A step the edit cannot reach inside (flow style): its comments above stay, its body is new.
				? body.slice(span.chunkStart, span.lineStart) + writeStep(step, layout, spans.eol)
				: applyEdits(text, span.chunkStart, edits);
		}

		if (!chunk.endsWith('\n')) {
			chunk += spans.eol;
		}

		const separator = index === 0 ? '' : (from !== undefined && from > 0 ? separators[from]! : fallbackSeparator);
		parts.push((from === undefined ? '' : carried.get(from) ?? '') + separator, chunk);
	}

	let steps = parts.join('') + (carried.get('end') ?? '');
	// A file that ended without a line break after its last step still does.
	if (after === '' && !body.endsWith('\n')) {
		steps = steps.replace(/\r?\n$/, '');
	}

	return prelude + steps + after;
}

/** Steps written into a list that is empty in the text (`[]`, `steps: []`). */
function fillEmptyList(body: string, spans: PlanSpans, edited: Plan): string | undefined {
	const open = spans.list.start;
	const match = /^\[\s*\]/.exec(body.slice(open));
	if (match === null) {
		return undefined;
	}

	const close = open + match[0].length;
	const lineBegin = lineStart(body, open);
	let dashColumn = 0;
	let removeFrom = open;
	if (spans.format === 'mapping') {
		const key = spans.stepsKey;
		if (key === undefined) {
			return undefined;
		}

		dashColumn = key.start - lineStart(body, key.start) + 2;
		// `steps: []` → `steps:`, keeping a comment after it.
		while (removeFrom > lineBegin && body[removeFrom - 1] === ' ') {
			removeFrom--;
		}
	} else if (body.slice(lineBegin, open).trim() !== '') {
		return undefined;
	}

	const rest = body.slice(close);
	const lineEnd = nextLine(body, close);
	const items = edited.steps.map(step => writeStep(step, {dashColumn, settingsColumn: dashColumn + 4, flow: false}, spans.eol)).join('');
	const head = body.slice(0, removeFrom) + body.slice(close, lineEnd);
	const emptyLine = spans.format === 'list' && head.slice(lineBegin).trim() === '';
	const before = emptyLine ? body.slice(0, lineBegin) : (head.endsWith('\n') ? head : head + spans.eol);
	return before + items + (emptyLine ? rest.replace(/^[^\n]*\n?/, '') : body.slice(lineEnd));
}

/**
 * The text that saves `edited` over `base`, the text it was loaded from. Whatever cannot be edited in
 * place is written afresh (`inPlace: false`); either way, loading the result gives `edited`.
 */
export function rewritePlan(base: string, edited: Plan): RewriteResult {
	const fresh: RewriteResult = {text: serializePlan(edited), inPlace: false};
	const bom = base.startsWith('\uFEFF') ? '\uFEFF' : '';
	const body = base.slice(bom.length);
	const loaded = analysePlan(body, 'base');
	if (!('plan' in loaded)) {
		return fresh;
	}

	const original = loaded.plan;
	if (samePlan(original, edited)) {
		return {text: base, inPlace: true};
	}

	const spans = locatePlan(body);
	if (spans === undefined || original.format !== edited.format || !sameOptions(original.defaults, edited.defaults)) {
		return fresh;
	}

	let text: string | undefined;
	if (spans.steps.length === original.steps.length && spans.steps.length > 0) {
		text = rewriteSteps(body, spans, original, edited);
	} else if (original.steps.length === 0 && spans.list.flow) {
		text = fillEmptyList(body, spans, edited);
	}

	if (text === undefined) {
		return fresh;
	}

	// The proof: the new text loads as the edited plan. Anything else (an anchor an edit broke, a
	// shape missed above) is written afresh rather than saved wrong.
	const check = analysePlan(text, 'saved');
	return 'plan' in check && samePlan(check.plan, edited) ? {text: bom + text, inPlace: true} : fresh;
}
