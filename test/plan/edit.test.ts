import {describe, expect, it} from 'vitest';
import {parseNodeSet} from '../../source/nodeset/index.js';
import {deleteStep, draftOf, excludeNodes, moveStep, putStep, toggleStep} from '../../source/plan/edit.js';
import {parsePlan} from '../../source/plan/load.js';
import type {Plan} from '../../source/plan/types.js';

// The app's step edits (edit.ts): pure functions from a plan to a plan, numbered 1..n afterwards.

const text = [
	'- cron:',
	'    state: start',
	'    nodes: node[1-3]',
	'    sudo: true',
	'- nginx,php-fpm:',
	'    state: reload',
	'    nodes: web[1-2]',
	'    depend: ssh,dbus',
	'    enabled: false',
	'- ssh:',
	'    state: status',
	'    nodes: node4',
	'',
].join('\n');

const plan = (): Plan => parsePlan(text, 'p.yaml');
const expand = (expression: string): readonly string[] => parseNodeSet(expression).expand();
const summary = (edited: Plan) => edited.steps.map(step => `${step.index}:${step.services.join(',')}:${step.action}:${step.nodes}:${step.enabled ? 'on' : 'off'}`);

describe('draftOf: a step as the form shows it', () => {
	it('joins the comma lists back into text', () => {
		expect(draftOf(plan().steps[1])).toEqual({services: 'nginx,php-fpm', action: 'reload', nodes: 'web[1-2]', depend: 'ssh,dbus'});
	});

	it('a new step starts empty, as a restart', () => {
		expect(draftOf(undefined)).toEqual({services: '', action: 'restart', nodes: '', depend: ''});
	});
});

describe('putStep', () => {
	it('replaces a step, keeping its enabled flag, options and place in the file', () => {
		const before = plan();
		const edited = putStep(before, 0, {services: ['crond'], action: 'restart', nodes: '  node[1-2] ', depend: ['ssh']});
		expect(edited.steps[0]).toEqual({
			index: 1, services: ['crond'], action: 'restart', nodes: 'node[1-2]', depend: ['ssh'], enabled: true, options: {sudo: true}, location: before.steps[0]!.location,
		});
		expect(edited.steps.slice(1)).toEqual(before.steps.slice(1));
		expect(before.steps[0]!.services).toEqual(['cron']);
	});

	it('keeps a disabled step disabled', () => {
		const edited = putStep(plan(), 1, {services: ['nginx'], action: 'restart', nodes: 'web1', depend: []});
		expect(edited.steps[1]).toMatchObject({index: 2, enabled: false, depend: []});
	});

	it('appends a new enabled step without options or location, numbered last', () => {
		const edited = putStep(plan(), undefined, {services: ['ntp'], action: 'stop', nodes: 'node9', depend: []});
		expect(edited.steps).toHaveLength(4);
		expect(edited.steps[3]).toEqual({index: 4, services: ['ntp'], action: 'stop', nodes: 'node9', depend: [], enabled: true, options: {}});
	});

	it('appends when the step to replace is not there', () => {
		const edited = putStep(plan(), 7, {services: ['ntp'], action: 'stop', nodes: 'node9', depend: []});
		expect(summary(edited)).toEqual(['1:cron:start:node[1-3]:on', '2:nginx,php-fpm:reload:web[1-2]:off', '3:ssh:status:node4:on', '4:ntp:stop:node9:on']);
	});

	it('copies the lists it is given', () => {
		const services = ['ntp'];
		const depend = ['ssh'];
		const edited = putStep(plan(), undefined, {services, action: 'stop', nodes: 'node9', depend});
		services.push('x');
		depend.push('y');
		expect(edited.steps[3]).toMatchObject({services: ['ntp'], depend: ['ssh']});
	});
});

describe('deleteStep, moveStep, toggleStep', () => {
	it('deletes a step and numbers the rest 1..n', () => {
		expect(summary(deleteStep(plan(), 1))).toEqual(['1:cron:start:node[1-3]:on', '2:ssh:status:node4:on']);
		expect(summary(deleteStep(plan(), 0))).toEqual(['1:nginx,php-fpm:reload:web[1-2]:off', '2:ssh:status:node4:on']);
	});

	it('moves a step down and up, renumbering', () => {
		expect(summary(moveStep(plan(), 0, 1))).toEqual(['1:nginx,php-fpm:reload:web[1-2]:off', '2:cron:start:node[1-3]:on', '3:ssh:status:node4:on']);
		expect(summary(moveStep(plan(), 2, -2))).toEqual(['1:ssh:status:node4:on', '2:cron:start:node[1-3]:on', '3:nginx,php-fpm:reload:web[1-2]:off']);
		expect(summary(moveStep(plan(), 0, 2))).toEqual(['1:nginx,php-fpm:reload:web[1-2]:off', '2:ssh:status:node4:on', '3:cron:start:node[1-3]:on']);
	});

	it('leaves the plan as it is at either end, or for a step that is not there', () => {
		const before = plan();
		expect(moveStep(before, 0, -1)).toBe(before);
		expect(moveStep(before, 2, 1)).toBe(before);
		expect(moveStep(before, 5, -1)).toBe(before);
		expect(moveStep(before, 1, -2)).toBe(before);
		expect(moveStep(before, 1, 2)).toBe(before);
	});

	it('toggles one step only', () => {
		expect(summary(toggleStep(plan(), 1))).toEqual(['1:cron:start:node[1-3]:on', '2:nginx,php-fpm:reload:web[1-2]:on', '3:ssh:status:node4:on']);
		expect(summary(toggleStep(plan(), 0))).toEqual(['1:cron:start:node[1-3]:off', '2:nginx,php-fpm:reload:web[1-2]:off', '3:ssh:status:node4:on']);
	});
});

describe('excludeNodes: down nodes out of every step', () => {
	it('subtracts the down nodes in node-set syntax and says which steps changed', () => {
		const result = excludeNodes(plan(), new Set(['node2', 'web9']), expand);
		expect(summary(result.plan)).toEqual(['1:cron:start:node[1-3]!node2:on', '2:nginx,php-fpm:reload:web[1-2]:off', '3:ssh:status:node4:on']);
		expect(result.changed).toEqual([1]);
		expect(result.disabled).toEqual([]);
	});

	it('folds several down nodes into one subtraction', () => {
		const result = excludeNodes(plan(), new Set(['node1', 'node3']), expand);
		expect(result.plan.steps[0]!.nodes).toBe('node[1-3]!node[1,3]');
	});

	it('disables a step left with no node instead of giving it an empty set', () => {
		const result = excludeNodes(plan(), new Set(['node4', 'node1']), expand);
		expect(summary(result.plan)).toEqual(['1:cron:start:node[1-3]!node1:on', '2:nginx,php-fpm:reload:web[1-2]:off', '3:ssh:status:node4:off']);
		expect(result.changed).toEqual([1]);
		expect(result.disabled).toEqual([3]);
	});

	it('writes the folded remainder when the subtraction would be longer than 120 characters', () => {
		const names = Array.from({length: 40}, (_, index) => `host${index * 7}`);
		const long = parsePlan(`- cron:\n    state: start\n    nodes: ${names.join(',')}\n`, 'p.yaml');
		const down = new Set(names.filter((_, index) => index % 2 === 1));
		const result = excludeNodes(long, down, expand);
		expect(result.plan.steps[0]!.nodes).toBe(parseNodeSet(names.filter((_, index) => index % 2 === 0).join(',')).toString());
		expect(result.changed).toEqual([1]);
	});

	it('keeps the subtraction at exactly 120 characters', () => {
		const head = 'n'.repeat(120 - '!x'.length - ',x'.length);
		const exact = parsePlan(`- cron:\n    state: start\n    nodes: ${head},x\n`, 'p.yaml');
		const result = excludeNodes(exact, new Set(['x']), expand);
		expect(result.plan.steps[0]!.nodes).toBe(`${head},x!x`);
		expect(result.plan.steps[0]!.nodes).toHaveLength(120);
		const over = parsePlan(`- cron:\n    state: start\n    nodes: ${head}n,x\n`, 'p.yaml');
		expect(excludeNodes(over, new Set(['x']), expand).plan.steps[0]!.nodes).toBe(`${head}n`);
	});

	it('returns the same steps when no node is down', () => {
		const before = plan();
		const result = excludeNodes(before, new Set(), expand);
		expect(result.plan.steps.every((step, index) => step === before.steps[index])).toBe(true);
		expect(result).toMatchObject({changed: [], disabled: []});
	});
});
