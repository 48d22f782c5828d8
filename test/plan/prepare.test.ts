import {mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {GroupResolver, staticGroupSource} from '../../source/nodeset/index.js';
import {parsePlan, PlanError} from '../../source/plan/load.js';
import {oneShotPlan, preparePlanFile, prepareRun} from '../../source/plan/prepare.js';
import {sketchRows} from '../../source/plan/sketch.js';

// Preparing a run (prepare.ts) and the rows sketched from a plan with errors (sketch.ts).

const resolver = new GroupResolver([staticGroupSource('site', {web: 'web[1-2]'})]);

describe('prepareRun', () => {
	it('expands the enabled steps\' node sets, leaves disabled ones out and gives each its effective options', () => {
		const plan = parsePlan([
			'defaults: {sudo: true, timeout: 30s}',
			'steps:',
			'  - cron:',
			'      state: start',
			'      nodes: node[1-2]',
			'      timeout: 5s',
			'  - nginx:',
			'      state: reload',
			'      nodes: "@web"',
			'      enabled: false',
			'  - ssh,dbus:',
			'      state: restart',
			'      nodes: "@web,node3"',
			'      depend: cron',
			'',
		].join('\n'), 'p.yaml');
		const prepared = prepareRun(plan, resolver);
		expect(prepared.plan).toBe(plan);
		expect(prepared.steps).toEqual([
			{index: 1, services: ['cron'], action: 'start', nodes: ['node1', 'node2'], depend: []},
			{index: 3, services: ['ssh', 'dbus'], action: 'restart', nodes: ['node3', 'web1', 'web2'], depend: ['cron']},
		]);
		expect([...prepared.stepOptions]).toEqual([[1, {sudo: true, timeoutMs: 5000}], [3, {sudo: true, timeoutMs: 30_000}]]);
	});

	it('refuses a plan without steps, and one whose steps are all disabled, naming the file', () => {
		expect(() => prepareRun(parsePlan('[]\n', 'empty.yaml'), resolver)).toThrow('empty.yaml: the plan has no steps; add one (a in the app, or a "- service:" item in the file) to run it');
		const off = parsePlan('- cron:\n    state: start\n    nodes: n1\n    enabled: false\n', 'off.yaml');
		expect(() => prepareRun(off, resolver)).toThrow('off.yaml: every step is disabled; enable one (enabled: true) to run the plan');
	});
});

describe('preparePlanFile', () => {
	it('reads the file relative to cwd, names it as given and checks node sets against the groups', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'svctui-prepare-'));
		await writeFile(join(dir, 'good.yaml'), '- cron:\n    state: status\n    nodes: "@web"\n');
		await writeFile(join(dir, 'bad.yaml'), '- cron:\n    state: status\n    nodes: "@nope"\n');
		const prepared = await preparePlanFile('good.yaml', resolver, dir);
		expect(prepared.plan.source).toBe('good.yaml');
		expect(prepared.steps[0]!.nodes).toEqual(['web1', 'web2']);
		const error = await preparePlanFile('bad.yaml', resolver, dir).catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(PlanError);
		expect((error as PlanError).message).toMatch(/^bad\.yaml:3:12: step 1 \(cron\): "nodes": .*nope/);
	});
});

describe('oneShotPlan: NODES SERVICE ACTION [SERVICE ACTION ...]', () => {
	it('makes one step per pair, in order, on the same nodes', () => {
		const prepared = oneShotPlan(['@web', 'cron,ssh', 'restart', 'nginx', 'status'], resolver);
		expect(prepared.plan).toMatchObject({source: '<run>', format: 'list', defaults: {}});
		expect(prepared.plan.steps).toEqual([
			{index: 1, services: ['cron', 'ssh'], action: 'restart', nodes: '@web', depend: [], enabled: true, options: {}},
			{index: 2, services: ['nginx'], action: 'status', nodes: '@web', depend: [], enabled: true, options: {}},
		]);
		expect(prepared.steps.map(step => step.nodes)).toEqual([['web1', 'web2'], ['web1', 'web2']]);
	});

	const usage = 'run: expected NODES SERVICE ACTION [SERVICE ACTION ...], e.g. svctui run \'node[1-3]\' nginx restart';
	it.each([
		[[]],
		[['node1']],
		[['node1', 'nginx']],
		[['node1', 'nginx', 'restart', 'cron']],
	])('%j: the usage line', words => {
		expect(() => oneShotPlan(words, resolver)).toThrow(usage);
	});

	it.each([
		[['node[1-', 'nginx', 'restart'], /^run: argument 1: /],
		[['node1', 'ng inx', 'restart'], /^run: argument 2 "ng inx": "ng inx" is not a valid service name/],
		[['node1', 'nginx', 'restart', 'cron;id', 'stop'], /^run: argument 4 "cron;id": .*";" is not allowed/],
		[['node1', 'nginx', 'strat'], /^run: argument 3 "strat": not an action; did you mean "start"\? actions are start, stop, restart, reload, status$/],
		[['node1', 'nginx', 'restart', 'cron', 'explode'], /^run: argument 5 "explode": not an action; actions are start, stop, restart, reload, status$/],
	])('%j names the argument at fault', (words, message) => {
		expect(() => oneShotPlan(words, resolver)).toThrow(message);
	});
});

describe('sketchRows: rows from a plan that does not validate', () => {
	it('reads a list of steps as written, whatever is wrong in them', () => {
		expect(sketchRows('- cron,ssh:\n    state: strat\n    nodes: 5\n    depend: dbus\n    enabled: false\n- nginx:\n    stat: start\n')).toEqual([
			{index: 1, services: 'cron,ssh', action: 'strat', nodes: '5', depend: 'dbus', enabled: false},
			{index: 2, services: 'nginx', action: '', nodes: '', depend: '', enabled: true},
		]);
	});

	it('reads the steps of a mapping plan', () => {
		expect(sketchRows('defaults: {sudo: true}\nsteps:\n  - cron: {state: start, nodes: [a, b]}\n')).toEqual([
			{index: 1, services: 'cron', action: 'start', nodes: '', depend: '', enabled: true},
		]);
	});

	it('keeps a step written as a bare word or number, and one with no settings', () => {
		expect(sketchRows('- cron\n- 5\n- nginx:\n- {}\n- [x]\n')).toEqual([
			{index: 1, services: 'cron', action: '', nodes: '', depend: '', enabled: true},
			{index: 2, services: '5', action: '', nodes: '', depend: '', enabled: true},
			{index: 3, services: 'nginx', action: '', nodes: '', depend: '', enabled: true},
			{index: 4, services: '', action: '', nodes: '', depend: '', enabled: true},
			{index: 5, services: '0', action: '', nodes: '', depend: '', enabled: true},
		]);
	});

	it('gives no rows for broken YAML or a document that holds no steps', () => {
		expect(sketchRows('- cron: [\n')).toEqual([]);
		expect(sketchRows('just text\n')).toEqual([]);
		expect(sketchRows('steps: 5\n')).toEqual([]);
		expect(sketchRows('')).toEqual([]);
		expect(sketchRows('~\n')).toEqual([]);
	});
});
