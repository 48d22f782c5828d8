import {describe, expect, it} from 'vitest';
import {alignSteps, stepDistance} from '../../source/plan/step-align.js';
import type {Step} from '../../source/plan/types.js';

/** A step from a short spec: `cron start node1`, optionally disabled (`-`) or located (`@3`). */
function step(spec: string): Step {
	const [services = '', action = 'start', nodes = 'node1', ...flags] = spec.split(' ');
	const line = flags.find(flag => flag.startsWith('@'));
	return {
		index: 1,
		services: services.split(','),
		action: action as Step['action'],
		nodes,
		depend: [],
		enabled: !flags.includes('-'),
		options: {},
		...(line === undefined ? {} : {location: {line: Number(line.slice(1)), column: 3}}),
	};
}

const steps = (...specs: string[]): Step[] => specs.map(spec => step(spec));

describe('stepDistance', () => {
	it.each([
		['a start n1', 'a start n1', 0],
		['a start n1', 'a start n1 -', 1],
		['a start n1', 'a stop n2', 2],
		['a,b start n1', 'b,a start n1', 1],
	])('%s ↔ %s = %d', (a, b, expected) => {
		expect(stepDistance(step(a), step(b))).toBe(expected);
	});
});

describe('alignSteps by content (plans built without locations)', () => {
	it.each([
		['unchanged', ['a', 'b', 'c'], ['a', 'b', 'c'], [0, 1, 2]],
		['one changed in the middle stays the same step', ['a', 'b', 'c'], ['a', 'b stop', 'c'], [0, 1, 2]],
		['toggled among equal neighbours', ['a', 'n', 'n', 'd'], ['a', 'n start node1 -', 'n', 'd'], [0, 1, 2, 3]],
		['deleted', ['a', 'b', 'c'], ['a', 'c'], [0, 2]],
		['added', ['a', 'b'], ['a', 'x', 'b'], [0, undefined, 1]],
		['swapped: a move, each keeps its text', ['a', 'b', 'c'], ['b', 'a', 'c'], [1, 0, 2]],
		['moved to the end', ['a', 'b', 'c', 'd'], ['b', 'c', 'd', 'a'], [1, 2, 3, 0]],
		['two new for one old: the last takes its place (a tie)', ['a'], ['x', 'y'], [undefined, 0]],
		['all gone', ['a', 'b'], [], []],
	])('%s', (_name, before, after, expected) => {
		expect(alignSteps(steps(...before), steps(...after))).toEqual(expected);
	});
});

describe('alignSteps by location (steps loaded from a file keep it through edits)', () => {
	it.each([
		['equal steps told apart by where they came from', ['n start node1 @1', 'n start node1 @4'], ['n start node1 @4', 'n stop node1 @1'], [1, 0]],
		['a step without a location is new, even when it reads like an old one', ['a start node1 @1', 'b start node1 @2'], ['a start node1', 'b start node1 @2'], [undefined, 1]],
		['a location used twice counts once', ['a start node1 @1'], ['a start node1 @1', 'a start node1 @1'], [0, undefined]],
	])('%s', (_name, before, after, expected) => {
		expect(alignSteps(steps(...before), steps(...after))).toEqual(expected);
	});
});
