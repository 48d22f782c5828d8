/**
 * YAML → a small tree whose nodes remember where they stand in the text, so plan validation can point
 * at the offending key or value. js-yaml 5's event API (`parseEvents`) gives source offsets; values
 * come from js-yaml's own constructor, so tags, numbers and booleans resolve exactly as `load` would.
 */
import {
	constructFromEvents,
	EVENT_ID,
	getScalarValue,
	parseEvents,
	SCALAR_STYLE,
	YAMLException,
	type DocumentEvent,
	type Event,
	type ScalarEvent,
} from 'js-yaml';
import {assertNever} from '../errors.js';

/** A located YAML node. Offsets are 0-based character offsets into the parsed text. */
export type YamlNode =
	| {
		readonly kind: 'scalar';
		/** Where the value starts (at the quote for quoted scalars); undefined for an empty value (`nodes:`). */
		readonly offset: number | undefined;
		/** The resolved value: string, number, boolean or null. */
		readonly value: unknown;
		/** The scalar's text before type resolution (`5` for the number 5). */
		readonly text: string;
		/** Whether `text` appears verbatim in the source at `offset` (plain, single-line), so columns inside it are exact. */
		readonly verbatim: boolean;
	}
	| {readonly kind: 'sequence'; readonly offset: number; readonly items: readonly YamlNode[]}
	| {readonly kind: 'mapping'; readonly offset: number; readonly pairs: ReadonlyArray<{readonly key: YamlNode; readonly value: YamlNode}>};

/** A YAML error at a 0-based offset, already phrased for users. */
export type YamlFailure = {readonly offset: number | undefined; readonly message: string};

/** Limits for hostile input. Plans are shallow and small; these bound the work on anything else. */
export type YamlLimits = {
	/** @default 32 */
	readonly maxDepth?: number;
	/** @default 1000 */
	readonly maxAliases?: number;
};

type MutableSequence = {kind: 'sequence'; offset: number; items: YamlNode[]};
type MutableMapping = {kind: 'mapping'; offset: number; pairs: Array<{key: YamlNode; value: YamlNode}>};
type Frame =
	| {kind: 'document'; event: DocumentEvent; root: YamlNode | undefined}
	| {kind: 'sequence'; node: MutableSequence}
	| {kind: 'mapping'; node: MutableMapping; pendingKey: YamlNode | undefined};

/**
 * Parse `text` into one located tree per YAML document. Throws nothing: any error, including a bug
 * surfacing inside js-yaml, comes back as a `YamlFailure`.
 */
export function parseYamlTree(text: string, limits: YamlLimits = {}): {documents: YamlNode[]; documentOffsets: number[]} | {failure: YamlFailure} {
	const maxDepth = limits.maxDepth ?? 32;
	const maxAliases = limits.maxAliases ?? 1000;
	let events: Event[] = [];
	try {
		events = parseEvents(text, {maxDepth});
		// Build the values once the way `load` does: this is where duplicate keys, unknown tags and
		// alias limits are caught, with js-yaml's own marks.
		constructFromEvents(events, {source: text, maxAliases});
	} catch (error) {
		return {failure: describeYamlError(error, text, events, {maxDepth, maxAliases})};
	}

	try {
		return buildTree(events, text);
	} catch (error) {
		return {failure: describeYamlError(error, text, events, {maxDepth, maxAliases})};
	}
}

function buildTree(events: readonly Event[], text: string): {documents: YamlNode[]; documentOffsets: number[]} {
	const documents: YamlNode[] = [];
	const documentOffsets: number[] = [];
	const anchors = new Map<string, YamlNode>();
	const plainValues = new Map<string, unknown>();
	const stack: Frame[] = [];
	let currentDocument: DocumentEvent | undefined;

	const attach = (node: YamlNode): void => {
		const top = stack.at(-1);
		if (top === undefined) {
			throw new Error('YAML event stream: node outside a document');
		}

		switch (top.kind) {
			case 'document': {
				top.root = node;
				break;
			}

			case 'sequence': {
				top.node.items.push(node);
				break;
			}

			case 'mapping': {
				if (top.pendingKey === undefined) {
					top.pendingKey = node;
				} else {
					top.node.pairs.push({key: top.pendingKey, value: node});
					top.pendingKey = undefined;
				}

				break;
			}

			default: {
				assertNever(top);
			}
		}
	};

	const remember = (event: {anchorStart: number; anchorEnd: number}, node: YamlNode): void => {
		if (event.anchorStart >= 0) {
			anchors.set(text.slice(event.anchorStart, event.anchorEnd), node);
		}
	};

	for (const event of events) {
		switch (event.type) {
			case EVENT_ID.DOCUMENT: {
				currentDocument = event;
				anchors.clear();
				stack.push({kind: 'document', event, root: undefined});
				break;
			}

			case EVENT_ID.SEQUENCE: {
				const node: MutableSequence = {kind: 'sequence', offset: event.start, items: []};
				// Register before the children, as js-yaml does, so a self-reference (`&a [*a]`) resolves.
				remember(event, node);
				attach(node);
				stack.push({kind: 'sequence', node});
				break;
			}

			case EVENT_ID.MAPPING: {
				const node: MutableMapping = {kind: 'mapping', offset: event.start, pairs: []};
				remember(event, node);
				attach(node);
				stack.push({kind: 'mapping', node, pendingKey: undefined});
				break;
			}

			case EVENT_ID.SCALAR: {
				const node = scalarNode(event, text, currentDocument, plainValues);
				remember(event, node);
				attach(node);
				break;
			}

			case EVENT_ID.ALIAS: {
				const name = text.slice(event.anchorStart, event.anchorEnd);
				const target = anchors.get(name);
				if (target === undefined) {
					throw new YAMLException(`unidentified alias "${name}"`);
				}

				// A shallow copy located at the alias: children stay shared, so an alias bomb costs
				// O(1) here, and problems point at the use site rather than at the anchor.
				attach({...target, offset: Math.max(0, event.anchorStart - 1)} as YamlNode);
				break;
			}

			case EVENT_ID.POP: {
				const frame = stack.pop();
				if (frame?.kind === 'document') {
					documents.push(frame.root ?? {kind: 'scalar', offset: undefined, value: null, text: '', verbatim: false});
					documentOffsets.push(firstOffset(frame.root) ?? -1);
				}

				break;
			}

			default: {
				assertNever(event);
			}
		}
	}

	return {documents, documentOffsets};
}

function firstOffset(node: YamlNode | undefined): number | undefined {
	return node?.offset;
}

function scalarNode(event: ScalarEvent, text: string, document: DocumentEvent | undefined, cache: Map<string, unknown>): YamlNode {
	const value = resolveScalar(event, text, document, cache);
	const scalarText = getScalarValue(text, event);
	if (event.valueStart < 0) {
		return {kind: 'scalar', offset: undefined, value, text: scalarText, verbatim: false};
	}

	const quoted = event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED;
	const offset = quoted ? event.valueStart - 1 : event.valueStart;
	const verbatim = event.style === SCALAR_STYLE.PLAIN && text.slice(event.valueStart, event.valueEnd) === scalarText;
	return {kind: 'scalar', offset, value, text: scalarText, verbatim};
}

/**
 * Resolve one scalar exactly as `load` would. Quoted and block scalars without a tag are always
 * strings; plain untagged ones resolve by their text alone, so each distinct text is resolved once
 * (plans repeat `start`, `true`, node sets). Only tagged scalars need a one-scalar document each.
 */
function resolveScalar(event: ScalarEvent, text: string, document: DocumentEvent | undefined, cache: Map<string, unknown>): unknown {
	const untagged = event.tagStart < 0;
	if (untagged && event.style !== SCALAR_STYLE.PLAIN) {
		return getScalarValue(text, event);
	}

	const key = untagged ? getScalarValue(text, event) : undefined;
	if (key !== undefined && cache.has(key)) {
		return cache.get(key);
	}

	const header: DocumentEvent = document ?? {type: EVENT_ID.DOCUMENT, explicitStart: false, explicitEnd: false, directives: []};
	const [value] = constructFromEvents([header, event, {type: EVENT_ID.POP}], {source: text});
	if (key !== undefined) {
		cache.set(key, value);
	}

	return value;
}

/** Turn whatever js-yaml threw into one user-facing line at an offset. */
function describeYamlError(error: unknown, text: string, events: readonly Event[], limits: Required<YamlLimits>): YamlFailure {
	if (!(error instanceof YAMLException)) {
		const message = error instanceof Error ? error.message : String(error);
		return {offset: undefined, message: `YAML: ${message}`};
	}

	const offset = error.mark?.position;
	const reason = error.reason;
	if (reason === 'duplicated mapping key') {
		const key = offset === undefined ? undefined : keyAt(events, text, offset);
		const name = key === undefined ? 'key' : `key ${JSON.stringify(key)}`;
		return {offset, message: `duplicate ${name}; each key may appear only once in a mapping`};
	}

	if (/^unknown (?:scalar|sequence|mapping) tag|explicit tag/.test(reason)) {
		const tag = offset === undefined ? undefined : /^!\S*/.exec(text.slice(offset, offset + 200))?.[0];
		const shown = tag ?? /!<[^>]*>/.exec(reason)?.[0] ?? 'tag';
		return /explicit tag/.test(reason)
			? {offset, message: `value does not match its tag ${shown}; remove the tag`}
			: {offset, message: `tag ${shown} is not allowed; plans hold plain text, numbers and booleans (remove the tag)`};
	}

	if (reason.startsWith('aliases exceeded maxAliases')) {
		return {offset, message: `more than ${limits.maxAliases} aliases; a plan never needs that many`};
	}

	if (reason.startsWith('nesting exceeded maxDepth')) {
		return {offset, message: `nesting deeper than ${limits.maxDepth} levels; a plan is only a few levels deep`};
	}

	if (reason === 'null byte is not allowed in input') {
		return {offset, message: 'binary data (NUL byte); a plan is a YAML text file'};
	}

	if (reason.includes('complex keys')) {
		return {offset, message: 'a key must be a plain name, not a list or mapping'};
	}

	if (offset !== undefined && /^[ ]*\t/.test(lineAt(text, offset))) {
		return {offset, message: `YAML syntax: ${reason}; this line is indented with a tab, and YAML allows only spaces`};
	}

	return {offset, message: `YAML syntax: ${reason}; check the indentation and that every bracket and quote is closed`};
}

function lineAt(text: string, offset: number): string {
	const start = Math.max(text.lastIndexOf('\n', offset - 1) + 1, 0);
	const end = text.indexOf('\n', offset);
	return text.slice(start, end === -1 ? undefined : end);
}

/** The text of the mapping key that starts at `offset`, for duplicate-key messages. */
function keyAt(events: readonly Event[], text: string, offset: number): string | undefined {
	for (const event of events) {
		if (event.type === EVENT_ID.SCALAR && (event.valueStart === offset || event.valueStart === offset + 1)) {
			return getScalarValue(text, event);
		}
	}

	return undefined;
}
