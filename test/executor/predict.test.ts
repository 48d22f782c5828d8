import {describe, expect, it} from 'vitest';
import type {ServiceState} from '../../source/executor/events.js';
import {blastRadius, blastRadiusThreshold, predictAction, predictPlan, stateKey, type Verdict} from '../../source/executor/predict.js';
import {actions, type Action} from '../../source/plan/types.js';
import {step} from '../helpers/events.js';

// What each action does to a service in each state, as the managers really do it: the review shows
// these verdicts before anyone says yes, so each cell is a promise to the admin.
const table: ReadonlyArray<[Action, ServiceState | undefined, Verdict, string]> = [
	['start', 'active', 'no-change', 'already running'],
	['start', 'inactive', 'change', 'starts (now stopped)'],
	['start', 'failed', 'change', 'starts (now failed)'],
	['start', 'not-installed', 'fail', 'FAILS: not installed'],
	['stop', 'active', 'change', 'stops'],
	['stop', 'inactive', 'no-change', 'already stopped'],
	['stop', 'failed', 'no-change', 'already failed'],
	['stop', 'not-installed', 'fail', 'FAILS: not installed'],
	['restart', 'active', 'change', 'restarts'],
	['restart', 'inactive', 'change', 'starts (restart of a stopped service)'],
	['restart', 'failed', 'change', 'starts (restart of a failed service)'],
	['restart', 'not-installed', 'fail', 'FAILS: not installed'],
	['reload', 'active', 'change', 'reloads'],
	['reload', 'inactive', 'fail', 'FAILS: reload of a stopped service'],
	['reload', 'failed', 'fail', 'FAILS: reload of a failed service'],
	['reload', 'not-installed', 'fail', 'FAILS: not installed'],
	['status', 'active', 'no-change', 'reports: running'],
	['status', 'inactive', 'no-change', 'reports: stopped'],
	['status', 'failed', 'no-change', 'reports: failed'],
	['status', 'not-installed', 'no-change', 'reports: not installed'],
	...actions.map((action): [Action, ServiceState | undefined, Verdict, string] => [action, 'unknown', 'unknown', 'state unknown, outcome unknown']),
	...actions.map((action): [Action, ServiceState | undefined, Verdict, string] => [action, undefined, 'unknown', 'state unknown, outcome unknown']),
];

describe('predictAction', () => {
	it.each(table)('%s of a service %s: %s (%s)', (action, state, verdict, text) => {
		expect(predictAction(action, state)).toMatchObject({verdict, text});
	});

	it('covers every action in every state', () => {
		const states: ReadonlyArray<ServiceState | undefined> = ['active', 'inactive', 'failed', 'not-installed', 'unknown', undefined];
		for (const action of actions) {
			for (const state of states) {
				expect(table.some(([a, s]) => a === action && s === state), `${action} ${String(state)}`).toBe(true);
			}
		}
	});
});

describe('predictPlan', () => {
	it('carries states from step to step: a dependency started by step 1 is running for step 2', () => {
		const states = new Map([
			[stateKey('n1', 'nginx'), 'inactive' as const],
			[stateKey('n1', 'cron'), 'inactive' as const],
		]);
		const [first, second] = predictPlan([step(1, 'start', ['nginx'], ['n1']), step(2, 'restart', ['cron'], ['n1'], ['nginx'])], {unreachable: new Map(), states});
		expect(first?.services[0]?.groups[0]).toMatchObject({verdict: 'change', nodeSet: 'n1'});
		expect(second?.depends[0]?.groups[0]).toMatchObject({verdict: 'no-change', text: 'running'});
		expect(second?.services[0]?.groups[0]).toMatchObject({verdict: 'change', text: 'starts (restart of a stopped service)'});
	});

	it('skips a node whose dependency is missing, and marks unreachable nodes', () => {
		const states = new Map([[stateKey('n1', 'ssh'), 'not-installed' as const]]);
		const [only] = predictPlan([step(1, 'start', ['cron'], ['n1', 'n2'], ['ssh'])], {unreachable: new Map([['n2', 'dns']]), states});
		expect(only?.services[0]?.groups).toEqual([
			{verdict: 'skip', text: 'skips: dependency ssh not installed', nodes: ['n1'], nodeSet: 'n1'},
			{verdict: 'unreachable', text: 'UNREACHABLE: dns', nodes: ['n2'], nodeSet: 'n2'},
		]);
	});
});

describe('blastRadius: the actions that take services down need the node count typed', () => {
	const nodes = Array.from({length: blastRadiusThreshold + 1}, (_, index) => `n${index + 1}`);
	it.each([
		['stop', nodes.length],
		['restart', nodes.length],
		['start', 0],
		['reload', 0],
		['status', 0],
	] as const)(`%s on ${blastRadiusThreshold + 1} nodes counts %i`, (action, expected) => {
		expect(blastRadius([step(1, action, ['web'], nodes)])).toBe(expected);
	});

	it('counts distinct nodes over every disruptive step', () => {
		expect(blastRadius([step(1, 'stop', ['a'], ['n1', 'n2']), step(2, 'restart', ['b'], ['n2', 'n3']), step(3, 'start', ['c'], ['n4'])])).toBe(3);
	});
});
