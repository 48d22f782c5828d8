import {describe, expect, it} from 'vitest';
import {parseYamlTree, type YamlNode} from '../../source/plan/yaml-tree.js';

// The located tree validation reads (yaml-tree.ts): values resolved as js-yaml's `load` would, offsets
// where the value starts, and js-yaml's errors phrased for people who write plans.

function documentsOf(text: string): YamlNode[] {
	const result = parseYamlTree(text);
	if ('failure' in result) {
		throw new Error(`failed: ${result.failure.message}`);
	}

	return result.documents;
}

/** The value of the first pair of the first document (a one-key mapping). */
function firstValue(text: string): YamlNode {
	const [document] = documentsOf(text);
	if (document?.kind !== 'mapping') {
		throw new Error('not a mapping');
	}

	return document.pairs[0]!.value;
}

describe('scalars', () => {
	it.each([
		['a plain scalar at the very start of the text', 'cron', {kind: 'scalar', offset: 0, value: 'cron', text: 'cron', verbatim: true}],
		['an empty value', 'a:\n', {kind: 'scalar', offset: undefined, value: null, text: '', verbatim: false}],
		['a plain scalar over two lines is not verbatim', 'a: b\n  c\n', {kind: 'scalar', offset: 3, value: 'b c', text: 'b c', verbatim: false}],
		['a quoted scalar starts at its quote', 'a: "5"\n', {kind: 'scalar', offset: 3, value: '5', text: '5', verbatim: false}],
		['a tag on a quoted scalar is obeyed', 'a: !!int "5"\n', {kind: 'scalar', offset: 9, value: 5, text: '5', verbatim: false}],
	])('%s', (_name, text, expected) => {
		const [document] = documentsOf(text);
		expect(text.includes(':') ? firstValue(text) : document).toStrictEqual(expected);
	});

	it.each([
		['a tagged scalar does not decide how the same text reads untagged', '[!!str 5, 5]\n', [['5', 5]]],
		['nor in a later document', '!!str 5\n---\n5\n', ['5', 5]],
		['a plain scalar resolves the same every time', '[5, true, 5, true, x]\n', [[5, true, 5, true, 'x']]],
	])('%s', (_name, text, expected) => {
		const values = documentsOf(text).map(document => (document.kind === 'sequence' ? document.items.map(item => (item.kind === 'scalar' ? item.value : item.kind)) : document.kind === 'scalar' ? document.value : document.kind));
		expect(values).toEqual(expected);
	});

	it('each document starts at its first node', () => {
		expect(parseYamlTree('!!str 5\n---\n5\n')).toMatchObject({documentOffsets: [6, 12]});
	});
});

describe('YAML errors, phrased for plans', () => {
	it.each([
		['a duplicate key, named', 'a: 1\na: 2\n', 5, 'duplicate key "a"; each key may appear only once in a mapping'],
		['a duplicate quoted key, named', '"a": 1\n"a": 2\n', 8, 'duplicate key "a"; each key may appear only once in a mapping'],
		['a duplicate tagged key, not named', '!!str a: 1\n!!str a: 2\n', 11, 'duplicate key; each key may appear only once in a mapping'],
		['a value that does not match its tag', 'a: !!int abc\n', 3, 'value does not match its tag !!int; remove the tag'],
		['an unknown tag', 'a: !!foo x\n', 3, 'tag !!foo is not allowed; plans hold plain text, numbers and booleans (remove the tag)'],
		['an unknown verbatim tag', 'a: !<tag:x> x\n', 3, 'tag !<tag:x> is not allowed; plans hold plain text, numbers and booleans (remove the tag)'],
		['a NUL byte', 'a: b\0', 4, 'binary data (NUL byte); a plan is a YAML text file'],
		['an unclosed bracket', 'a: [b\n', 6, 'YAML syntax: deficient indentation; check the indentation and that every bracket and quote is closed'],
		['a tab inside a line is not indentation', 'a: [b,\tc\n', 7, 'YAML syntax: deficient indentation; check the indentation and that every bracket and quote is closed'],
		['a second key on one line', 'a: b: c\n', 4, 'YAML syntax: bad indentation of a mapping entry; check the indentation and that every bracket and quote is closed'],
		['an error at the end of a line: the next line\'s tab is not its concern', 'a: &\n\tz\n', 4, 'YAML syntax: name of an anchor node must contain at least one character; check the indentation and that every bracket and quote is closed'],
		['an error on the last character of a line indented with a tab', 'a: [x,\n\t&\n]\n', 8, 'YAML syntax: deficient indentation; this line is indented with a tab, and YAML allows only spaces'],
		['a line indented with a tab', 'a:\n\tb: 1\n', 3, 'YAML syntax: tab characters must not be used in indentation; this line is indented with a tab, and YAML allows only spaces'],
		['the last line, without a line break, indented with a tab', '"a\n\t', 4, 'YAML syntax: unexpected end of the stream within a double quoted scalar; this line is indented with a tab, and YAML allows only spaces'],
		['a line indented with spaces, then a tab', 'a:\n  b: 1\n \tc: 2\n', 12, 'YAML syntax: bad indentation of a mapping entry; this line is indented with a tab, and YAML allows only spaces'],
	])('%s', (_name, text, offset, message) => {
		expect(parseYamlTree(text)).toStrictEqual({failure: {offset, message}});
	});

	it.each([
		['nesting', `${'['.repeat(5)}${']'.repeat(5)}`, {maxDepth: 3}, 'nesting deeper than 3 levels; a plan is only a few levels deep'],
		['aliases', 'a: &x 1\nb: [*x, *x, *x]\n', {maxAliases: 2}, 'more than 2 aliases; a plan never needs that many'],
	])('limits: %s', (_name, text, limits, message) => {
		expect(parseYamlTree(text, limits)).toMatchObject({failure: {message}});
	});
});
