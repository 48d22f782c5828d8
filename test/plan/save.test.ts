import {readdir, readFile} from 'node:fs/promises';
import {describe, expect, it} from 'vitest';
import {formatTimeout, parseTimeout} from '../../source/plan/duration.js';
import {loadPlanFile, parsePlan} from '../../source/plan/load.js';
import {effectiveOptions} from '../../source/plan/options.js';
import {isValidServiceName, parseDependList, parseServiceList, serializePlan} from '../../source/plan/save.js';
import {editDistance, suggest} from '../../source/plan/suggest.js';
import type {Plan} from '../../source/plan/types.js';

/** What must survive a save and load: everything but `source` and step locations. */
function shape(plan: Plan): unknown {
	return {...plan, source: undefined, steps: plan.steps.map(({location: _location, ...step}) => step)};
}

async function planFiles(): Promise<string[]> {
	const shipped = (await readdir('plans')).map(file => `plans/${file}`);
	const valid = (await readdir('test/fixtures/plans/valid')).map(file => `test/fixtures/plans/valid/${file}`);
	return [...shipped, ...valid];
}

describe('serializePlan', () => {
	it('round-trips every shipped plan and valid fixture to the same plan and the same form', async () => {
		const files = await planFiles();
		expect(files.length).toBeGreaterThan(15);
		for (const file of files) {
			// eslint-disable-next-line no-await-in-loop
			const plan = await loadPlanFile(file);
			const text = serializePlan(plan);
			const again = parsePlan(text, 'saved.yaml');
			expect(shape(again), file).toEqual(shape(plan));
			expect(again.format, file).toBe(plan.format);
			// Saving is stable: a second save gives the same text.
			expect(serializePlan(again), file).toBe(text);
		}
	});

	it('writes a list plan in the ancestor\'s style (example2.yaml comes back byte for byte)', async () => {
		const original = await readFile('plans/example2.yaml', 'utf8');
		expect(serializePlan(await loadPlanFile('plans/example2.yaml'))).toBe(original);
	});

	it('writes a mapping plan with its defaults, options and disabled steps', async () => {
		const plan = await loadPlanFile('plans/rolling-reload.yaml');
		expect(serializePlan(plan)).toBe([
			'defaults:',
			'  timeout: 30s',
			'steps:',
			'  - nginx:',
			'      state: reload',
			'      nodes: node1',
			'      depend: ssh',
			'  - ssh:',
			'      state: reload',
			'      nodes: node1',
			'  - ssh:',
			'      state: reload',
			'      nodes: node2',
			'  - ssh:',
			'      state: reload',
			'      nodes: node3',
			'  - nginx:',
			'      state: reload',
			'      nodes: node2',
			'      enabled: false',
			'',
		].join('\n'));
	});

	it('quotes values YAML would otherwise read differently', () => {
		const plan: Plan = {source: '<tui>', format: 'list', defaults: {}, steps: [
			{index: 1, services: ['cron'], action: 'start', nodes: '@web', depend: [], enabled: true, options: {}},
			{index: 2, services: ['ssh'], action: 'stop', nodes: '5', depend: [], enabled: true, options: {}},
			{index: 3, services: ['ssh'], action: 'stop', nodes: 'yes', depend: [], enabled: true, options: {}},
			{index: 4, services: ['ssh'], action: 'stop', nodes: '!node1,*', depend: [], enabled: true, options: {timeoutMs: 1500}},
		]};
		const text = serializePlan(plan);
		expect(text).toContain('nodes: \'@web\'');
		expect(text).toContain('nodes: \'5\'');
		expect(shape(parsePlan(text, 'x'))).toEqual(shape(plan));
	});

	it('switches a list plan to mapping form when it gained defaults, rather than losing them', () => {
		const plan: Plan = {source: '<tui>', format: 'list', defaults: {sudo: true}, steps: [
			{index: 1, services: ['cron'], action: 'start', nodes: 'node1', depend: [], enabled: true, options: {}},
		]};
		const again = parsePlan(serializePlan(plan), 'x');
		expect(again.format).toBe('mapping');
		expect(again.defaults).toEqual({sudo: true});
	});

	it('a mapping plan without defaults stays a mapping plan', () => {
		const text = serializePlan(parsePlan('steps:\n  - cron:\n      state: start\n      nodes: node1\n', 'x'));
		expect(text).toBe('steps:\n  - cron:\n      state: start\n      nodes: node1\n');
	});
});

describe('step-form helpers', () => {
	it.each([
		['cron', {services: ['cron']}],
		['cron,nginx', {services: ['cron', 'nginx']}],
		[' cron , nginx ', {services: ['cron', 'nginx']}],
		['getty@tty1.service', {services: ['getty@tty1.service']}],
		['', {error: 'enter at least one service, e.g. nginx or cron,ssh'}],
		['cron,,ssh', {error: 'empty service name in "cron,,ssh"; separate names with single commas'}],
		['cron,', {error: 'empty service name in "cron,"; separate names with single commas'}],
		['cron,cron', {error: 'service "cron" is listed twice; list each once'}],
		['cron;reboot', {error: '"cron;reboot" is not a valid service name: ";" is not allowed; use letters, digits and : - _ . @ (systemd unit names, without \\ escapes)'}],
	])('parseServiceList(%j)', (text, expected) => {
		expect(parseServiceList(text)).toEqual(expected);
	});

	it.each([
		['', {depend: []}],
		['  ', {depend: []}],
		['ssh,nginx', {depend: ['ssh', 'nginx']}],
		['ssh,ssh', {error: 'dependency "ssh" is listed twice; list each once'}],
		['ssh nginx', {error: '"ssh nginx" is not a valid service name: " " is not allowed; use letters, digits and : - _ . @ (systemd unit names, without \\ escapes)'}],
	])('parseDependList(%j)', (text, expected) => {
		expect(parseDependList(text)).toEqual(expected);
	});
});

describe('isValidServiceName', () => {
	it.each([
		'nginx', 'nginx.service', 'getty@tty1', 'getty@tty1.service', 'systemd-journald', 'dbus-org.freedesktop.login1',
		'foo_bar', 'a:b', '9p', 'user@1000.service',
	])('accepts %j', name => {
		expect(isValidServiceName(name)).toBe(true);
	});

	it.each([
		'', ' ', 'x\\x2dy', ':a', 'ng inx', '-nginx', '.hidden', '..', '@x', 'a@b@c', 'a/b', '../../bin/sh', 'a;b', 'a|b', 'a&b', '$(id)', '`id`',
		'a\nb', 'a\tb', 'a"b', 'a\'b', 'a>b', 'a<b', 'a*b', 'a?b', 'a~b', 'a#b', 'a!b', 'a(b)', 'a{b}', 'a[b]', 'café', 'x'.repeat(256),
	])('rejects %j', name => {
		expect(isValidServiceName(name)).toBe(false);
	});

	it('accepts a name of exactly 255 characters', () => {
		expect(isValidServiceName('x'.repeat(255))).toBe(true);
	});
});

describe('timeouts', () => {
	it.each([
		['30s', 30_000], ['2m', 120_000], ['500ms', 500], ['1h', 3_600_000], ['1.5s', 1500], ['90', 90_000], [90, 90_000], [0.25, 250], [' 10 s ', 10_000],
	])('parseTimeout(%j) = %d ms', (value, expected) => {
		expect(parseTimeout(value)).toEqual({timeoutMs: expected});
	});

	it.each([
		['soon'], [0], [-1], ['-3s'], ['0s'], ['25h'], [Number.NaN], [true], [null], ['0.1ms'], ['30 seconds'],
	])('rejects %j', value => {
		expect(parseTimeout(value)).toHaveProperty('error');
	});

	it.each([[30_000, '30s'], [120_000, '2m'], [500, '500ms'], [1500, '1500ms'], [3_600_000, '1h'], [5_400_000, '90m']])('formatTimeout(%d) = %s', (ms, text) => {
		expect(formatTimeout(ms)).toBe(text);
		expect(parseTimeout(text)).toEqual({timeoutMs: ms});
	});
});

describe('suggestions', () => {
	it.each([
		['stat', 'state'], ['sttae', 'state'], ['State', 'state'], ['node', 'nodes'], ['depends', 'depend'], ['hosts', 'nodes'],
		['sud', 'sudo'], ['timout', 'timeout'], ['enable', 'enabled'],
	])('%s → %s', (word, expected) => {
		expect(suggest(word, ['state', 'nodes', 'depend', 'sudo', 'timeout', 'manager', 'enabled'])).toBe(expected);
	});

	it('suggests nothing for far-off words', () => {
		expect(suggest('colour', ['state', 'nodes'])).toBeUndefined();
		expect(suggest('x'.repeat(100), ['state'])).toBeUndefined();
	});

	it('counts a transposition as one edit', () => {
		expect(editDistance('sttae', 'state')).toBe(1);
		expect(editDistance('', 'abc')).toBe(3);
	});
});

describe('effectiveOptions', () => {
	it('lets a step override the plan defaults', () => {
		expect(effectiveOptions({defaults: {sudo: true, timeoutMs: 30_000}}, {options: {timeoutMs: 5000}})).toEqual({sudo: true, timeoutMs: 5000});
	});
});
