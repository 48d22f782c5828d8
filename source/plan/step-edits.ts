/**
 * The text of one step, for rewrite.ts: the edits that turn a step's settings as written into the edited
 * step's (each value replaced where it stands, in its old quoting), and a new step written in its
 * neighbours' layout. Pure.
 */
import {dump} from 'js-yaml';
import {assertNever} from '../errors.js';
import {formatTimeout} from './duration.js';
import type {PairSpan, ScalarSpan, StepSpan} from './plan-spans.js';
import type {Step} from './types.js';

/** The settings a step writes, in the ancestor's key order (as serializePlan writes them). */
const settingOrder = ['state', 'nodes', 'depend', 'sudo', 'timeout', 'manager', 'enabled'] as const;
type SettingName = (typeof settingOrder)[number];

/** A setting's value as the file should hold it; undefined when the key should not be there. */
function settingValue(step: Step, name: SettingName): string | boolean | undefined {
	switch (name) {
		case 'state': {
			return step.action;
		}

		case 'nodes': {
			return step.nodes;
		}

		case 'depend': {
			return step.depend.length === 0 ? undefined : step.depend.join(',');
		}

		case 'sudo': {
			return step.options.sudo;
		}

		case 'timeout': {
			return step.options.timeoutMs === undefined ? undefined : formatTimeout(step.options.timeoutMs);
		}

		case 'manager': {
			return step.options.manager;
		}

		case 'enabled': {
			return step.enabled ? undefined : false;
		}

		default: {
			return assertNever(name);
		}
	}
}

/** Whether the setting differs between two steps (by meaning: `timeout: 60s` and `1m` are the same). */
function settingChanged(before: Step, after: Step, name: SettingName): boolean {
	switch (name) {
		case 'timeout': {
			return before.options.timeoutMs !== after.options.timeoutMs;
		}

		case 'depend': {
			return before.depend.join(',') !== after.depend.join(',');
		}

		default: {
			return settingValue(before, name) !== settingValue(after, name);
		}
	}
}

/**
 * A value in the style the old one used: the same quotes when it was quoted, else plain when YAML allows
 * (inside `{...}` a plain value may not hold `,[]{}`).
 */
function render(value: string | boolean, style: ScalarSpan['style'] = 'plain', flow = false): string {
	if (typeof value === 'boolean') {
		return String(value);
	}

	if (style === 'double' || (flow && style === 'plain' && /[,[\]{}]/.test(value))) {
		return JSON.stringify(value);
	}

	if (style === 'single') {
		return `'${value.replaceAll('\'', '\'\'')}'`;
	}

	// js-yaml quotes whatever would not read back as the same string (`@web`, `5`, `yes`).
	return dump(value, {lineWidth: -1}).replace(/\n$/, '');
}

/** A new step, in the layout of its neighbours: a line per setting, or one `{...}` line when they use that. */
export function writeStep(step: Step, layout: {dashColumn: number; settingsColumn: number; flow: boolean}, eol: string): string {
	const pad = ' '.repeat(layout.dashColumn);
	const settings = settingOrder.flatMap(name => {
		const value = settingValue(step, name);
		return value === undefined ? [] : [`${name}: ${render(value, 'plain', layout.flow)}`];
	});
	if (layout.flow) {
		return `${pad}- {${render(step.services.join(','), 'plain', true)}: {${settings.join(', ')}}}${eol}`;
	}

	const inner = ' '.repeat(layout.settingsColumn);
	return [`${pad}- ${render(step.services.join(','))}:`, ...settings.map(setting => inner + setting)].map(line => line + eol).join('');
}

export type Edit = {readonly start: number; readonly end: number; readonly text: string};

export function nextLine(text: string, offset: number): number {
	const newline = text.indexOf('\n', offset);
	return newline === -1 ? text.length : newline + 1;
}

export function lineStart(text: string, offset: number): number {
	return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Where a pair's text ends (its value, or its key when the value is empty). */
function pairEnd(pair: PairSpan): number {
	return pair.value.kind === 'scalar' && !pair.value.present ? pair.key.end : pair.value.end;
}

/** The edits that turn one step's settings in the text into `after`'s. */
export function settingEdits(body: string, span: StepSpan, before: Step, after: Step, eol: string): Edit[] | undefined {
	const pairs = span.settings;
	if (pairs === undefined || span.services === undefined || span.settingsColumn === undefined) {
		return undefined;
	}

	const edits: Edit[] = [];
	if (before.services.join(',') !== after.services.join(',')) {
		edits.push({start: span.services.start, end: span.services.end, text: render(after.services.join(','), span.services.style, span.flow)});
	}

	if (span.flow) {
		return [...edits, ...flowSettingEdits(pairs, before, after)];
	}

	for (const [order, name] of settingOrder.entries()) {
		if (!settingChanged(before, after, name)) {
			continue;
		}

		const value = settingValue(after, name);
		const pair = pairs.find(candidate => candidate.name === name);
		if (pair === undefined) {
			if (value === undefined) {
				continue;
			}

			// After the nearest setting that comes before it in the usual order, else before the first.
			const earlier = settingOrder.slice(0, order).reverse().map(other => pairs.find(candidate => candidate.name === other)).find(found => found !== undefined);
			const at = earlier === undefined ? lineStart(body, pairs[0]!.key.start) : nextLine(body, pairEnd(earlier) - 1);
			const line = `${' '.repeat(span.settingsColumn)}${name}: ${render(value)}`;
			const needsBreak = at > 0 && body[at - 1] !== '\n';
			edits.push({start: at, end: at, text: needsBreak ? eol + line : line + eol});
			continue;
		}

		const lineEnd = nextLine(body, pairEnd(pair) - 1);
		const hasComment = /#/.test(body.slice(pairEnd(pair), lineEnd));
		if (value === undefined && !(name === 'enabled' && hasComment)) {
			// The key goes with its line (a comment on it was about the value that is gone).
			edits.push({start: lineStart(body, pair.key.start), end: lineEnd, text: ''});
			continue;
		}

		const text = render(value ?? true, pair.value.kind === 'scalar' ? pair.value.style : 'plain');
		if (pair.value.kind === 'scalar' && !pair.value.present) {
			const colon = body.indexOf(':', pair.key.end);
			edits.push({start: colon + 1, end: colon + 1, text: ` ${text}`});
		} else {
			edits.push({start: pair.value.start, end: pair.value.end, text});
		}
	}

	return edits;
}

/** The same for settings written `{state: start, nodes: node1}`: pairs go in and out with their comma. */
function flowSettingEdits(pairs: readonly PairSpan[], before: Step, after: Step): Edit[] {
	const edits: Edit[] = [];
	for (const [order, name] of settingOrder.entries()) {
		if (!settingChanged(before, after, name)) {
			continue;
		}

		const value = settingValue(after, name);
		const index = pairs.findIndex(candidate => candidate.name === name);
		const pair = pairs[index];
		if (pair === undefined) {
			if (value !== undefined) {
				const earlier = settingOrder.slice(0, order).reverse().map(other => pairs.find(candidate => candidate.name === other)).find(found => found !== undefined);
				const text = `${name}: ${render(value, 'plain', true)}`;
				edits.push(earlier === undefined ? {start: pairs[0]!.key.start, end: pairs[0]!.key.start, text: `${text}, `} : {start: pairEnd(earlier), end: pairEnd(earlier), text: `, ${text}`});
			}

			continue;
		}

		if (value === undefined) {
			const previous = pairs[index - 1];
			const next = pairs[index + 1];
			edits.push(previous === undefined ? {start: pair.key.start, end: next?.key.start ?? pairEnd(pair), text: ''} : {start: pairEnd(previous), end: pairEnd(pair), text: ''});
			continue;
		}

		const text = render(value, pair.value.kind === 'scalar' ? pair.value.style : 'plain', true);
		edits.push(pair.value.kind === 'scalar' && !pair.value.present
			? {start: pair.key.end + 1, end: pair.key.end + 1, text: ` ${text}`}
			: {start: pair.value.start, end: pair.value.end, text});
	}

	return edits;
}

export function applyEdits(text: string, offset: number, edits: readonly Edit[]): string {
	let result = text;
	for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
		result = result.slice(0, edit.start - offset) + edit.text + result.slice(edit.end - offset);
	}

	return result;
}
