/**
 * Where each step of a plan file sits in its text, down to each setting's value, and which lines around
 * a step are its own (the comments directly above it, the more-indented comments after it). Saving uses
 * this to rewrite only what was edited. Pure; reads js-yaml's event stream, which carries offsets.
 */
import {COLLECTION_STYLE, EVENT_ID, parseEvents, SCALAR_STYLE, type Event, type ScalarEvent} from 'js-yaml';
import {assertNever} from '../errors.js';

/** A scalar in the text. `start..end` covers its anchor, tag and quotes. */
export type ScalarSpan = {
	readonly kind: 'scalar';
	readonly start: number;
	readonly end: number;
	/** False for an empty value (`depend:`): it has no text, `start` and `end` sit where it would go. */
	readonly present: boolean;
	readonly style: 'plain' | 'single' | 'double' | 'block';
};

/** Any other value (a collection or an alias): only its extent matters. */
export type OtherSpan = {readonly kind: 'other'; readonly start: number; readonly end: number};

export type PairSpan = {readonly name: string; readonly key: ScalarSpan; readonly value: ScalarSpan | OtherSpan};

export type StepSpan = {
	/** Offset of the line the step's own lines start on: its comments above, else its `-` line. */
	readonly chunkStart: number;
	/** Offset of the start of the step's `-` line. */
	readonly lineStart: number;
	/** Offset just past the step's last own line (its line break included when it has one). */
	readonly chunkEnd: number;
	/** The services key, when the step is a block mapping `- services:` whose settings are a block mapping. */
	readonly services: ScalarSpan | undefined;
	/** The settings' pairs in file order; undefined unless the step and its settings are block mappings. */
	readonly settings: readonly PairSpan[] | undefined;
	/** Column of the settings' keys (`    state:` → 4). */
	readonly settingsColumn: number | undefined;
	/** Whether the settings are written `{state: start, nodes: node1}` (flow) rather than a line each. */
	readonly flow: boolean;
};

export type PlanSpans = {
	readonly format: 'list' | 'mapping';
	/** The steps list: its first offset, and whether it is written `[...]` (flow) rather than with dashes. */
	readonly list: {readonly start: number; readonly flow: boolean};
	/** Column of the steps' dashes. */
	readonly dashColumn: number;
	readonly steps: readonly StepSpan[];
	/** Where the steps' region ends: the start of the next top-level key's line, or the end of the text. */
	readonly listEnd: number;
	/** In mapping form, the `steps` key (for writing `steps: []`). */
	readonly stepsKey: ScalarSpan | undefined;
	/** `\r\n` when the file uses it, else `\n`. */
	readonly eol: string;
};

type Node =
	| {kind: 'scalar'; span: ScalarSpan}
	| {kind: 'alias'; start: number; end: number}
	| {kind: 'sequence' | 'mapping'; start: number; end: number; flow: boolean; children: Node[]};

function decoratedStart(event: {anchorStart: number; tagStart: number}, start: number): number {
	return Math.min(...[start, event.anchorStart, event.tagStart].filter(offset => offset >= 0));
}

function scalarSpan(event: ScalarEvent, fallback: number): ScalarSpan {
	const style = event.style === SCALAR_STYLE.SINGLE_QUOTED ? 'single'
		: event.style === SCALAR_STYLE.DOUBLE_QUOTED ? 'double'
			: event.style === SCALAR_STYLE.PLAIN ? 'plain' : 'block';
	if (event.valueStart < 0) {
		const decorated = Math.max(event.anchorEnd, event.tagEnd);
		const at = decorated >= 0 ? decorated : fallback;
		return {kind: 'scalar', start: decoratedStart(event, at), end: at, present: decorated >= 0, style};
	}

	const quoted = style === 'single' || style === 'double';
	const start = quoted ? event.valueStart - 1 : event.valueStart;
	return {kind: 'scalar', start: decoratedStart(event, start), end: quoted ? event.valueEnd + 1 : event.valueEnd, present: true, style};
}

/** The flat event stream as a tree of offsets (one document). */
function buildNodes(events: readonly Event[]): Node | undefined {
	let position = 0;
	let lastEnd = 0;
	const read = (): Node | undefined => {
		const event = events[position++];
		if (event === undefined) {
			return undefined;
		}

		switch (event.type) {
			case EVENT_ID.SCALAR: {
				const span = scalarSpan(event, lastEnd);
				lastEnd = Math.max(lastEnd, span.end);
				return {kind: 'scalar', span};
			}

			case EVENT_ID.ALIAS: {
				lastEnd = Math.max(lastEnd, event.anchorEnd);
				return {kind: 'alias', start: event.anchorStart - 1, end: event.anchorEnd};
			}

			case EVENT_ID.SEQUENCE:
			case EVENT_ID.MAPPING: {
				const children: Node[] = [];
				while (events[position] !== undefined && events[position]!.type !== EVENT_ID.POP) {
					const child = read();
					if (child === undefined) {
						break;
					}

					children.push(child);
				}

				position++;
				const end = Math.max(event.start + 1, lastEnd, ...children.map(child => nodeEnd(child)));
				return {
					kind: event.type === EVENT_ID.SEQUENCE ? 'sequence' : 'mapping',
					start: decoratedStart(event, event.start),
					end,
					flow: event.style !== COLLECTION_STYLE.BLOCK,
					children,
				};
			}

			case EVENT_ID.DOCUMENT: {
				const root = read();
				position++;
				return root;
			}

			case EVENT_ID.POP: {
				return undefined;
			}

			default: {
				return assertNever(event);
			}
		}
	};

	return read();
}

function nodeEnd(node: Node): number {
	return node.kind === 'scalar' ? node.span.end : node.end;
}

function nodeStart(node: Node): number {
	return node.kind === 'scalar' ? node.span.start : node.start;
}

/** Line helpers over `\n` (a `\r\n` file's `\r` stays at the end of its line). */
function lineStart(text: string, offset: number): number {
	return text.lastIndexOf('\n', offset - 1) + 1;
}

function nextLine(text: string, offset: number): number {
	const newline = text.indexOf('\n', offset);
	return newline === -1 ? text.length : newline + 1;
}

function lineText(text: string, start: number): string {
	const end = text.indexOf('\n', start);
	return text.slice(start, end === -1 ? text.length : end).replace(/\r$/, '');
}

/** Indentation of a comment line, or undefined when the line is not a comment. */
function commentIndent(line: string): number | undefined {
	const match = /^( *)#/.exec(line);
	return match === null ? undefined : match[1]!.length;
}

function isBlank(line: string): boolean {
	return line.trim() === '';
}

/**
 * Locate the steps of a valid plan text. Undefined when the text has a shape saving does not rewrite in
 * place (several documents, no steps list); the caller then writes the whole plan afresh.
 */
export function locatePlan(text: string): PlanSpans | undefined {
	let events: Event[];
	try {
		events = parseEvents(text, {maxDepth: 32});
	} catch {
		return undefined;
	}

	if (events.filter(event => event.type === EVENT_ID.DOCUMENT).length !== 1) {
		return undefined;
	}

	const root = buildNodes(events);
	let list: Node | undefined;
	let listEnd = text.length;
	let stepsKey: ScalarSpan | undefined;
	let format: PlanSpans['format'];
	if (root?.kind === 'sequence') {
		format = 'list';
		list = root;
	} else if (root?.kind === 'mapping') {
		format = 'mapping';
		for (let index = 0; index + 1 < root.children.length; index += 2) {
			const key = root.children[index]!;
			if (key.kind === 'scalar' && text.slice(key.span.start, key.span.end) === 'steps') {
				stepsKey = key.span;
				list = root.children[index + 1];
				const following = root.children[index + 2];
				if (following !== undefined) {
					listEnd = lineStart(text, nodeStart(following));
				}
			}
		}
	} else {
		return undefined;
	}

	if (list?.kind !== 'sequence') {
		return undefined;
	}

	const dashColumn = list.start - lineStart(text, list.start);
	const steps = list.flow ? [] : locateSteps(text, list.children, dashColumn, format, listEnd);
	if (steps === undefined) {
		return undefined;
	}

	return {format, list: {start: list.start, flow: list.flow}, dashColumn, steps, listEnd, stepsKey, eol: text.includes('\r\n') ? '\r\n' : '\n'};
}

function locateSteps(text: string, items: readonly Node[], dashColumn: number, format: PlanSpans['format'], listEnd: number): StepSpan[] | undefined {
	const starts: number[] = [];
	for (const item of items) {
		const start = lineStart(text, nodeStart(item));
		const line = lineText(text, start);
		// Each step must begin its own line with its dash, at the list's column.
		if (!line.startsWith(`${' '.repeat(dashColumn)}-`)) {
			return undefined;
		}

		starts.push(start);
	}

	const spans: StepSpan[] = [];
	let previousEnd = 0;
	for (const [index, item] of items.entries()) {
		const start = starts[index]!;
		// The comments directly above the dash, no deeper than it, are the step's own; the file's first
		// lines are its header rather than the first step's, when they reach the top of a list plan.
		let chunkStart = start;
		while (chunkStart > previousEnd) {
			const above = lineStart(text, chunkStart - 1);
			const indent = commentIndent(lineText(text, above));
			if (indent === undefined || indent > dashColumn) {
				break;
			}

			chunkStart = above;
		}

		if (index === 0 && format === 'list' && /^(?:\uFEFF)?(?:(?:---|%.*)\s*\n)*$/.test(text.slice(0, chunkStart))) {
			chunkStart = start;
		}

		// The step's lines run to its last value, then on through comments indented deeper than its dash.
		const limit = starts[index + 1] ?? listEnd;
		let chunkEnd = nextLine(text, Math.max(nodeEnd(item) - 1, start));
		while (chunkEnd < limit) {
			const indent = commentIndent(lineText(text, chunkEnd));
			if (indent === undefined || indent <= dashColumn) {
				break;
			}

			chunkEnd = nextLine(text, chunkEnd);
		}

		spans.push({chunkStart, lineStart: start, chunkEnd: Math.min(chunkEnd, limit), ...settingsOf(text, item)});
		previousEnd = Math.min(chunkEnd, limit);
	}

	return spans;
}

function settingsOf(text: string, item: Node): Pick<StepSpan, 'services' | 'settings' | 'settingsColumn' | 'flow'> {
	const none = {services: undefined, settings: undefined, settingsColumn: undefined, flow: false};
	if (item.kind !== 'mapping' || item.children.length !== 2) {
		return none;
	}

	const [key, value] = item.children;
	if (key?.kind !== 'scalar' || value?.kind !== 'mapping' || value.children.length === 0) {
		return none;
	}

	const pairs: PairSpan[] = [];
	for (let index = 0; index + 1 < value.children.length; index += 2) {
		const pairKey = value.children[index]!;
		const pairValue = value.children[index + 1]!;
		if (pairKey.kind !== 'scalar' || pairKey.span.style !== 'plain') {
			return none;
		}

		pairs.push({
			name: text.slice(pairKey.span.start, pairKey.span.end),
			key: pairKey.span,
			value: pairValue.kind === 'scalar' ? pairValue.span : {kind: 'other', start: nodeStart(pairValue), end: nodeEnd(pairValue)},
		});
	}

	const first = pairs[0];
	return {services: key.span, settings: pairs, settingsColumn: first === undefined ? undefined : first.key.start - lineStart(text, first.key.start), flow: value.flow};
}

/** Whether `text` is nothing but blank lines. */
export function onlyBlankLines(text: string): boolean {
	return text.split('\n').every(line => isBlank(line));
}
