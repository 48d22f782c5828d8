import {describe, expect, it} from 'vitest';
import {formatProblem, PlanError} from '../../source/plan/errors.js';
import {editDistance, suggest} from '../../source/plan/suggest.js';
import {LineIndex} from '../../source/plan/text-position.js';

// How a problem is worded and placed: "did you mean" (suggest.ts), the one-line form (errors.ts) and
// offsets as lines and columns (text-position.ts).

describe('editDistance', () => {
	it.each([
		['', '', 0],
		['', 'abc', 3],
		['abc', '', 3],
		['state', 'state', 0],
		['stat', 'state', 1],
		['sttae', 'state', 1],
		['tsate', 'state', 1],
		['staet', 'state', 1],
		['stxte', 'state', 1],
		['xstate', 'state', 1],
		['ab', 'ba', 1],
		['abc', 'cba', 2],
		['nodes', 'state', 5],
		['kitten', 'sitting', 3],
	])('%j → %j is %i', (a, b, distance) => {
		expect(editDistance(a, b)).toBe(distance);
		expect(editDistance(b, a)).toBe(distance);
	});
});

describe('suggest', () => {
	const keys = ['state', 'nodes', 'depend', 'sudo', 'timeout', 'enabled'];
	it.each([
		['stat', 'state'],
		['STATE', 'state'],
		['Nodes', 'nodes'],
		['sttae', 'state'],
		['timout', 'timeout'],
		['tiemout', 'timeout'],
		['tmout', 'timeout'],
		['sud', 'sudo'],
		['hosts', 'nodes'],
		['Hosts', 'nodes'],
		['action', 'state'],
		['requires', 'depend'],
		['become', 'sudo'],
		['enable', 'enabled'],
		['nde', undefined],
		['xyz', undefined],
		['stxxx', undefined],
		['stxtx', 'state'],
		['plan', undefined],
		['timeoutxx', 'timeout'],
		['timeoutxxx', undefined],
	])('%j → %j', (word, expected) => {
		expect(suggest(word, keys)).toBe(expected);
	});

	it('a synonym counts only when its key is a candidate', () => {
		expect(suggest('hosts', ['state', 'sudo'])).toBeUndefined();
		expect(suggest('plan', ['defaults', 'steps'])).toBe('steps');
		expect(suggest('default', ['defaults', 'steps'])).toBe('defaults');
	});

	it('the first of equally near candidates wins', () => {
		expect(suggest('ab', ['ax', 'ay'])).toBe('ax');
		expect(suggest('ab', ['ay', 'ax'])).toBe('ay');
	});

	it('words over 40 characters are near nothing', () => {
		const word = 'a'.repeat(41);
		expect(suggest(word, [word])).toBeUndefined();
		expect(suggest('a'.repeat(40), ['a'.repeat(40)])).toBe('a'.repeat(40));
	});
});

describe('formatProblem and PlanError', () => {
	it.each([
		[{file: 'p.yaml', message: 'm'}, 'p.yaml: m'],
		[{file: 'p.yaml', line: 3, message: 'm'}, 'p.yaml:3: m'],
		[{file: 'p.yaml', line: 3, column: 7, message: 'm'}, 'p.yaml:3:7: m'],
		[{file: 'p.yaml', column: 7, message: 'm'}, 'p.yaml: m'],
		[{file: 'p.yaml', line: 1, column: 1, step: 2, message: 'm'}, 'p.yaml:1:1: step 2: m'],
		[{file: 'p.yaml', line: 1, column: 1, step: 2, services: [], message: 'm'}, 'p.yaml:1:1: step 2: m'],
		[{file: 'p.yaml', line: 1, column: 1, step: 2, services: ['cron', 'ssh'], message: 'm'}, 'p.yaml:1:1: step 2 (cron,ssh): m'],
		[{file: 'p.yaml', services: ['cron'], message: 'm'}, 'p.yaml: m'],
		[{file: 'p.yaml', step: 1, services: ['x'.repeat(60)], message: 'm'}, `p.yaml: step 1 (${'x'.repeat(60)}): m`],
		[{file: 'p.yaml', step: 1, services: ['x'.repeat(61)], message: 'm'}, `p.yaml: step 1 (${'x'.repeat(59)}…): m`],
	])('%j', (problem, line) => {
		expect(formatProblem(problem)).toBe(line);
	});

	it('PlanError is the first problem, exit code 2, with every problem kept', () => {
		const cause = new Error('inner');
		const error = new PlanError([
			{file: 'a.yaml', line: 2, column: 3, path: '[0].cron', step: 1, services: ['cron'], message: 'first'},
			{file: 'a.yaml', line: 5, column: 1, message: 'second'},
		], {cause});
		expect(error.message).toBe('a.yaml:2:3: step 1 (cron): first');
		expect(error.exitCode).toBe(2);
		expect(error.cause).toBe(cause);
		expect([error.file, error.line, error.column, error.path]).toEqual(['a.yaml', 2, 3, '[0].cron']);
		expect(error.lines()).toEqual(['a.yaml:2:3: step 1 (cron): first', 'a.yaml:5:1: second']);
		expect(error.problems).toHaveLength(2);
	});
});

describe('LineIndex', () => {
	it('counts \\n, \\r\\n and a lone \\r as one line break each', () => {
		const lines = new LineIndex('ab\ncd\r\nef\rgh\n\nij');
		expect([0, 1, 2, 3, 5, 6, 7, 9, 10, 12, 13, 14].map(offset => lines.locate(offset))).toEqual([
			{line: 1, column: 1}, {line: 1, column: 2}, {line: 1, column: 3},
			{line: 2, column: 1}, {line: 2, column: 3}, {line: 2, column: 4},
			{line: 3, column: 1}, {line: 3, column: 3},
			{line: 4, column: 1}, {line: 4, column: 3},
			{line: 5, column: 1},
			{line: 6, column: 1},
		]);
	});

	it('finds the line in a long text by halving, first and last lines included', () => {
		const text = Array.from({length: 1000}, (_, index) => `line${index}`).join('\n');
		const lines = new LineIndex(text);
		for (const line of [1, 2, 3, 499, 500, 501, 999, 1000]) {
			const offset = text.indexOf(`line${line - 1}`);
			expect(lines.locate(offset)).toEqual({line, column: 1});
			expect(lines.locate(offset + 2)).toEqual({line, column: 3});
		}
	});

	it('an empty text is one line', () => {
		expect(new LineIndex('').locate(0)).toEqual({line: 1, column: 1});
	});
});
