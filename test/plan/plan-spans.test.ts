import {describe, expect, it} from 'vitest';
import {locatePlan, onlyBlankLines, type PlanSpans, type StepSpan} from '../../source/plan/plan-spans.js';

// Where saving finds each step in the text (plan-spans.ts): offsets are asserted as the text they cover,
// so each case reads as "this step owns these lines" and "this value is written so".

function spansOf(text: string): PlanSpans {
	const spans = locatePlan(text);
	expect(spans, 'the text has a steps list').toBeDefined();
	return spans!;
}

/** A step's own lines (its comments above included), and its lines from its dash on. */
function ownLines(text: string, span: StepSpan): {own: string; fromDash: string} {
	return {own: text.slice(span.chunkStart, span.chunkEnd), fromDash: text.slice(span.lineStart, span.chunkEnd)};
}

/** Each setting as `name`, the text of its value, and for a scalar whether it is written and its style. */
function settingsOf(text: string, span: StepSpan): Array<{name: string; value: string; kind: string; present?: boolean; style?: string}> | undefined {
	return span.settings?.map(pair => ({
		name: pair.name,
		value: text.slice(pair.value.start, pair.value.end),
		kind: pair.value.kind,
		...(pair.value.kind === 'scalar' ? {present: pair.value.present, style: pair.value.style} : {}),
	}));
}

describe('locatePlan: which texts it takes apart', () => {
	it.each([
		['a YAML syntax error', '- a: [\n'],
		['several documents', '- a: {}\n---\n- b: {}\n'],
		['a bare scalar', 'just text\n'],
		['a mapping without steps', 'defaults:\n  sudo: true\n'],
		['steps that are not a list', 'steps: cron\n'],
		['an anchored steps list: its dashes are not at the column the list starts', 'steps: &s\n  - a: {state: x}\n'],
		['nesting deeper than 32 levels', `- a: ${'['.repeat(40)}${']'.repeat(40)}\n`],
	])('not %s (written afresh instead)', (_name, text) => {
		expect(locatePlan(text)).toBeUndefined();
	});

	it('a list plan: its dashes, its end, and no steps key', () => {
		const text = '# head\n- a:\n    state: start\n';
		expect(locatePlan(text)).toStrictEqual({
			format: 'list',
			list: {start: 7, flow: false},
			dashColumn: 0,
			steps: [{
				chunkStart: 7,
				lineStart: 7,
				chunkEnd: text.length,
				services: {kind: 'scalar', start: 9, end: 10, present: true, style: 'plain'},
				settings: [{
					name: 'state',
					key: {kind: 'scalar', start: 16, end: 21, present: true, style: 'plain'},
					value: {kind: 'scalar', start: 23, end: 28, present: true, style: 'plain'},
				}],
				settingsColumn: 4,
				flow: false,
			}],
			listEnd: text.length,
			stepsKey: undefined,
			eol: '\n',
		});
	});

	it('a flow list `[...]` has no step spans', () => {
		const text = '[{a: {state: start, nodes: n1}}]\n';
		expect(locatePlan(text)).toStrictEqual({
			format: 'list', list: {start: 0, flow: true}, dashColumn: 0, steps: [], listEnd: text.length, stepsKey: undefined, eol: '\n',
		});
	});

	it('a mapping plan: its steps key, and the steps end where the next top-level key\'s line starts', () => {
		const text = 'steps:\n  - a: {}\nafter: 1\nmore: 2\n';
		const spans = spansOf(text);
		expect(spans.format).toBe('mapping');
		expect(spans.stepsKey).toStrictEqual({kind: 'scalar', start: 0, end: 5, present: true, style: 'plain'});
		expect(spans.dashColumn).toBe(2);
		expect(text.slice(spans.listEnd)).toBe('after: 1\nmore: 2\n');
		expect(ownLines(text, spans.steps[0]!)).toEqual({own: '  - a: {}\n', fromDash: '  - a: {}\n'});
	});

	it('a complex key before `steps` is passed over', () => {
		const text = '? [a]\n: 1\nsteps:\n  - a: {state: x}\n';
		const spans = spansOf(text);
		expect(text.slice(spans.stepsKey!.start, spans.stepsKey!.end)).toBe('steps');
		expect(ownLines(text, spans.steps[0]!).own).toBe('  - a: {state: x}\n');
	});

	it.each([
		['\n', '- a: {}\n'],
		['\r\n', '- a: {}\r\n- b: {}\r\n'],
	])('the line break is %j', (eol, text) => {
		expect(spansOf(text).eol).toBe(eol);
	});
});

describe('locatePlan: the lines each step owns', () => {
	it.each([
		['a comment directly above a step is its own', '- a: {}\n# about b\n- b: {}\n', [
			{own: '- a: {}\n', fromDash: '- a: {}\n'},
			{own: '# about b\n- b: {}\n', fromDash: '- b: {}\n'},
		]],
		['a comment deeper than the dash after a step is the step\'s; one at the dash is the next step\'s', 'steps:\n  - a: {}\n    # more about a\n  # about b\n  - b: {}\n', [
			{own: '  - a: {}\n    # more about a\n', fromDash: '  - a: {}\n    # more about a\n'},
			{own: '  # about b\n  - b: {}\n', fromDash: '  - b: {}\n'},
		]],
		['a deeper comment after a blank line belongs to neither', '- a: {}\n\n    # loose\n- b: {}\n', [
			{own: '- a: {}\n', fromDash: '- a: {}\n'},
			{own: '- b: {}\n', fromDash: '- b: {}\n'},
		]],
		['a line with a comment after a key is not a comment line', 'steps:  # the steps\n  - a: {}\n', [
			{own: '  - a: {}\n', fromDash: '  - a: {}\n'},
		]],
		['the last line, a comment without a line break, still counts', '- a: {}\n  #', [
			{own: '- a: {}\n  #', fromDash: '- a: {}\n  #'},
		]],
		['a step reaches to its last value, over several lines', '- a:\n    state: start\n    nodes: n1\n- b: {}\n', [
			{own: '- a:\n    state: start\n    nodes: n1\n', fromDash: '- a:\n    state: start\n    nodes: n1\n'},
			{own: '- b: {}\n', fromDash: '- b: {}\n'},
		]],
	])('%s', (_name, text, expected) => {
		expect(spansOf(text).steps.map(span => ownLines(text, span))).toEqual(expected);
	});

	it.each([
		['comments at the top of a list plan are its header', '# header\n# more\n- a: {}\n', '- a: {}\n'],
		['so are they after `---`', '---\n# header\n- a: {}\n', '- a: {}\n'],
		['and after `--- ` with a trailing space', '--- \n# header\n- a: {}\n', '- a: {}\n'],
		['and after a directive', '%YAML 1.2\n---\n# header\n- a: {}\n', '- a: {}\n'],
		['after a deeper comment, the comments at the dash are the first step\'s', '  # loose\n# about a\n- a: {}\n', '# about a\n- a: {}\n'],
		['in a mapping plan, comments under `steps:` are the first step\'s', 'steps:\n  # about a\n  - a: {}\n', '  # about a\n  - a: {}\n'],
	])('%s', (_name, text, own) => {
		expect(ownLines(text, spansOf(text).steps[0]!).own).toBe(own);
	});
});

describe('locatePlan: each step\'s settings', () => {
	it.each([
		['plain values, a line each', '- a:\n    state: start\n    nodes: n1\n', [
			{name: 'state', value: 'start', kind: 'scalar', present: true, style: 'plain'},
			{name: 'nodes', value: 'n1', kind: 'scalar', present: true, style: 'plain'},
		]],
		['quotes and tags belong to the value', '- a:\n    state: !!str start\n    nodes: !<tag:yaml.org,2002:str> node1\n    depend: \'x\'\n    manager: "sysv"\n', [
			{name: 'state', value: '!!str start', kind: 'scalar', present: true, style: 'plain'},
			{name: 'nodes', value: '!<tag:yaml.org,2002:str> node1', kind: 'scalar', present: true, style: 'plain'},
			{name: 'depend', value: '\'x\'', kind: 'scalar', present: true, style: 'single'},
			{name: 'manager', value: '"sysv"', kind: 'scalar', present: true, style: 'double'},
		]],
		['an empty value is not written; a tag alone is', '- a:\n    depend: !!null\n    manager:\n', [
			{name: 'depend', value: '!!null', kind: 'scalar', present: true, style: 'plain'},
			{name: 'manager', value: '', kind: 'scalar', present: false, style: 'plain'},
		]],
		['lists and aliases are other values, located from their first character', '- a:\n    nodes:\n      - x\n      - y\n    depend: *n\n', [
			{name: 'nodes', value: '- x\n      - y', kind: 'other'},
			{name: 'depend', value: '*n', kind: 'other'},
		]],
		['flow settings', '- a: {state: start, nodes: n1}\n', [
			{name: 'state', value: 'start', kind: 'scalar', present: true, style: 'plain'},
			{name: 'nodes', value: 'n1', kind: 'scalar', present: true, style: 'plain'},
		]],
	])('%s', (_name, text, expected) => {
		expect(settingsOf(text, spansOf(text).steps[0]!)).toEqual(expected);
	});

	it.each([
		['|', '- a:\n    nodes: |\n      node1\n'],
		['>-', '- a:\n    nodes: >-\n      node1\n'],
	])('a %s value is a block scalar', (_indicator, text) => {
		expect(spansOf(text).steps[0]!.settings![0]!.value).toMatchObject({kind: 'scalar', present: true, style: 'block'});
	});

	it('an empty value is located where its key ends', () => {
		const text = '- a:\n    state: start\n    depend:\n';
		const depend = spansOf(text).steps[0]!.settings![1]!;
		expect(depend.value).toStrictEqual({kind: 'scalar', start: text.indexOf('depend:') + 6, end: text.indexOf('depend:') + 6, present: false, style: 'plain'});
	});

	it('an empty list reaches past its bracket', () => {
		const text = '- a:\n    depend: []\n';
		expect(spansOf(text).steps[0]!.settings![0]!.value).toStrictEqual({kind: 'other', start: text.indexOf('['), end: text.indexOf('[') + 1});
	});

	it.each([
		['block settings', '- cron:\n      state: start\n', 6, false],
		['flow settings', '- cron: {state: start}\n', 9, true],
	])('%s: the services key, the settings\' column, their style', (_name, text, column, flow) => {
		const span = spansOf(text).steps[0]!;
		expect(span.services).toStrictEqual({kind: 'scalar', start: 2, end: 6, present: true, style: 'plain'});
		expect([span.settingsColumn, span.flow]).toEqual([column, flow]);
	});

	it.each([
		['a bare service name', '- cron\n'],
		['a scalar value', '- a: x\n'],
		['an empty value', '- a:\n'],
		['a list value', '- a: [x, y]\n'],
		['an empty mapping', '- a: {}\n'],
		['two keys in one step', '- e: {state: x}\n  f: {state: y}\n'],
		['a list as the services key', '- [a]: {state: start}\n'],
		['a quoted setting key', '- a: {"state": start}\n'],
		['a list as a setting key', '- a: {[s]: start}\n'],
	])('no settings to edit in place: %s', (_name, text) => {
		const [span] = spansOf(text).steps;
		expect(span).toStrictEqual({chunkStart: 0, lineStart: 0, chunkEnd: text.length, services: undefined, settings: undefined, settingsColumn: undefined, flow: false});
	});
});

describe('onlyBlankLines', () => {
	it.each([
		['', true],
		['\n\n', true],
		['  \n\t\r\n', true],
		['\n# note\n', false],
		['x', false],
	])('%j → %s', (text, expected) => {
		expect(onlyBlankLines(text)).toBe(expected);
	});
});
