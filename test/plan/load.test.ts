import {chmod, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {isValidServiceName, loadPlanFile, maxPlanBytes, parsePlan, PlanError} from '../../source/plan/load.js';
import type {Plan, Step} from '../../source/plan/types.js';
import {skipWhen} from '../helpers/skip.js';

const fixtures = 'test/fixtures/plans';

/** Load and expect a PlanError; return it. */
async function loadError(path: string, options: Parameters<typeof loadPlanFile>[1] = {}): Promise<PlanError> {
	try {
		await loadPlanFile(path, options);
	} catch (error) {
		if (error instanceof PlanError) {
			return error;
		}

		throw error;
	}

	throw new Error(`${path} loaded, but it should not`);
}

function parseError(text: string, options: Parameters<typeof parsePlan>[2] = {}): PlanError {
	try {
		parsePlan(text, 'p.yaml', options);
	} catch (error) {
		if (error instanceof PlanError) {
			return error;
		}

		throw error;
	}

	throw new Error('plan parsed, but it should not');
}

/** [line, column, path, step, message fragment]; path/step undefined where the problem has none. */
type Expected = [line: number | undefined, column: number | undefined, path: string | undefined, step: number | undefined, fragment: string];

const invalid: Array<[file: string, problems: Expected[]]> = [
	['unknown-key.yaml', [[5, 5, '[1].cron,ssh.stat', 2, 'unknown key "stat"; did you mean "state"?']]],
	['bad-action.yaml', [[2, 12, '[0].nginx.state', 1, 'unknown state "strat"; use one of start, stop, restart, reload, status; did you mean "start"?']]],
	['action-case.yaml', [[2, 12, '[0].nginx.state', 1, 'did you mean "restart"?']]],
	['action-unrelated.yaml', [[2, 12, '[0].nginx.state', 1, 'unknown state "explode"; use one of start, stop, restart, reload, status']]],
	['missing-nodes.yaml', [[1, 3, '[0].cron', 1, 'missing "nodes"']]],
	['missing-state.yaml', [[1, 3, '[0].cron', 1, 'missing "state"; add "state:" with one of start, stop, restart, reload, status']]],
	['empty-service-list.yaml', [[1, 3, '[0].', 1, 'empty service list']]],
	['null-service-key.yaml', [[1, 3, '[0].~', 1, 'empty service list']]],
	['duplicate-service.yaml', [[1, 12, '[0].cron,ssh,cron', 1, 'service "cron" is listed twice']]],
	['empty-service-entry.yaml', [[1, 8, '[0].cron,,ssh', 1, 'empty service name in "cron,,ssh"']]],
	['nodes-number.yaml', [[3, 12, '[0].cron.nodes', 1, 'not the number 5; quote it ("5") if that really is a host name']]],
	['nodes-list.yaml', [[3, 12, '[0].cron.nodes', 1, 'not a list; join the names with commas']]],
	['nodes-empty.yaml', [[3, 5, '[0].cron.nodes', 1, '"nodes" is empty']]],
	['depend-yaml-list.yaml', [[4, 13, '[0].nginx.depend', 1, '"depend" is a comma list, not a YAML list']]],
	['depend-bad-name.yaml', [[4, 17, '[0].nginx.depend', 1, '"my db" is not a valid service name: " " is not allowed']]],
	['service-injection.yaml', [
		[1, 3, '[0].nginx;reboot', 1, '";" is not allowed'],
		[4, 3, '[1].$(reboot)', 2, '"$" is not allowed'],
		[7, 3, '[2].cron`id`', 3, '"`" is not allowed'],
	]],
	['service-leading-dash.yaml', [[1, 3, '[0].-nginx', 1, 'must not start with "-"']]],
	['service-space.yaml', [[1, 9, '[0].cron, ng inx', 1, '"ng inx" is not a valid service name']]],
	['service-slash.yaml', [[1, 3, '[0].../../bin/sh', 1, '"/" is not allowed']]],
	['quoted-bad-service.yaml', [[1, 3, '[0].cron,ng inx', 1, '"ng inx" is not a valid service name']]],
	['two-keys-in-item.yaml', [[4, 3, '[0].cron', 1, 'a step has one key, its services, but this one has 2: "cron", "ssh"; start each step with "- "']]],
	['misindented.yaml', [[2, 3, '[0].cron', 1, '"state" belongs under "cron:"']]],
	['step-scalar.yaml', [[1, 3, '[0]', 1, 'not the text "cron"; write "- cron:" with state and nodes indented under it']]],
	['step-no-settings.yaml', [[1, 3, '[0].cron', 1, 'step has no settings']]],
	['step-settings-list.yaml', [[2, 5, '[0].cron', 1, 'settings must be a mapping']]],
	['step-empty-mapping.yaml', [[1, 3, '[0]', 1, 'empty step']]],
	['sudo-yes.yaml', [[4, 11, '[0].cron.sudo', 1, 'YAML 1.2 reads yes as text, write true or false']]],
	['enabled-string.yaml', [[4, 14, '[0].cron.enabled', 1, '"enabled" must be true or false, not the text "off"']]],
	['disabled-key.yaml', [[4, 5, '[0].cron.disabled', 1, 'write "enabled: false" to skip a step']]],
	['timeout-bad.yaml', [[4, 14, '[0].cron.timeout', 1, 'timeout "soon" is not a duration; write a duration such as 30s']]],
	['timeout-zero.yaml', [[4, 14, '[0].cron.timeout', 1, 'timeout must be above zero']]],
	['manager-bad.yaml', [[4, 14, '[0].cron.manager', 1, 'unknown manager "sytemd"; use one of auto, systemd, sysv, openrc; did you mean "systemd"?']]],
	['serial-zero.yaml', [[4, 13, '[0].nginx.serial', 1, '"serial" must be at least 1, not 0; write a count such as 10, a percentage such as 25%, or a list of growing batches such as [1, 10%, 50%]']]],
	['serial-over-100.yaml', [[2, 11, 'defaults.serial', undefined, '"serial" 150% is over 100%; write a count such as 10']]],
	['serial-list-entry.yaml', [[4, 22, '[0].nginx.serial', 1, '"serial" "many" is not a whole count or a percentage']]],
	['max-fail-negative.yaml', [[4, 15, '[0].nginx.max_fail', 1, '"max_fail" "-1" is not a whole count or a percentage (it cannot be negative); write a count of nodes such as 0 or 2']]],
	['verify-command-number.yaml', [[4, 23, '[0].nginx.verify.command', 1, '"verify.command" must be text such as "curl -fsS localhost/health", not the number 3']]],
	['verify-unknown-key.yaml', [[5, 7, '[0].nginx.verify.comand', 1, 'unknown key "comand" in "verify"; did you mean "command"?']]],
	['verify-on-stop.yaml', [[4, 5, '[0].nginx.verify', 1, '"verify" checks a service runs after start, restart or reload; a stop step has nothing to verify']]],
	['rollout-unknown-key.yaml', [
		[2, 3, 'defaults.serail', undefined, 'unknown key "serail" in "defaults"; did you mean "serial"?'],
		[7, 15, 'steps[0].nginx.canary', 1, '"canary" must be at least 1, not 0'],
		[8, 14, 'steps[0].nginx.pause', 1, '"pause" "soon" is not a duration'],
	]],
	['top-scalar.yaml', [[1, 1, '', undefined, 'a plan is a YAML list of steps (or a mapping with "steps:"), not the text "restart everything"']]],
	['top-number.yaml', [[1, 1, '', undefined, 'not the number 42']]],
	['empty.yaml', [[1, 1, '', undefined, 'file is empty']]],
	['whitespace-only.yaml', [[1, 1, '', undefined, 'file is empty']]],
	['only-comments.yaml', [[1, 1, '', undefined, 'file has no steps']]],
	['empty-document.yaml', [[1, 1, '', undefined, 'file has no steps']]],
	['duplicate-key.yaml', [[4, 5, '', undefined, 'duplicate key "state"; each key may appear only once']]],
	['custom-tag.yaml', [[2, 12, '', undefined, 'tag !foo is not allowed']]],
	['python-tag.yaml', [[3, 12, '', undefined, 'tag !!python/object/apply:os.system is not allowed']]],
	['binary-tag.yaml', [[3, 12, '', undefined, 'tag !!binary is not allowed']]],
	['syntax-unclosed-flow.yaml', [[4, 1, '', undefined, 'YAML syntax: ']]],
	['syntax-unclosed-quote.yaml', [[3, 5, '', undefined, 'YAML syntax: ']]],
	['bad-indentation.yaml', [[3, 4, '', undefined, 'YAML syntax: bad indentation of a mapping entry']]],
	['tab-indent.yaml', [[2, 2, '', undefined, 'indented with a tab, and YAML allows only spaces']]],
	['multi-document.yaml', [[5, 1, '', undefined, 'more than one YAML document']]],
	['unknown-alias.yaml', [[3, 13, '', undefined, 'unidentified alias "web"']]],
	['top-unknown-key.yaml', [[3, 1, 'step', undefined, 'unknown key "step" at the top level; did you mean "steps"?']]],
	['top-mapping-of-steps.yaml', [[1, 1, 'cron', undefined, '"cron" looks like a step, but steps go in a list; write "- cron:"']]],
	['defaults-step-key.yaml', [[2, 3, 'defaults.state', undefined, '"state" cannot be a default']]],
	['defaults-not-mapping.yaml', [[1, 11, 'defaults', undefined, '"defaults" must be a mapping of sudo, timeout, manager, fanout, serial, max_fail, pause, canary, verify, not the text "sudo"']]],
	['defaults-unknown-key.yaml', [[2, 3, 'defaults.timout', undefined, 'unknown key "timout" in "defaults"; did you mean "timeout"?']]],
	['steps-not-list.yaml', [[2, 3, 'steps', undefined, '"steps" must be a list of steps, not a mapping']]],
	['self-alias.yaml', [[1, 5, '[0]', 1, 'a step must be a mapping of services to settings, not a list']]],
	['collection-key.yaml', [[1, 1, '', undefined, 'a key must be a plain name, not a list or mapping']]],
	['deep-nesting.yaml', [[1, 32, '', undefined, 'nesting deeper than 32 levels']]],
	['crlf-error.yaml', [[5, 5, '[1].ssh.stat', 2, 'did you mean "state"?']]],
	['bom-error.yaml', [[1, 8, '[0].cron,,ssh', 1, 'empty service name']]],
	['many-problems.yaml', [
		[1, 8, '[0].cron,cron', 1, 'service "cron" is listed twice'],
		[2, 12, '[0].cron,cron.state', 1, 'did you mean "start"?'],
		[3, 12, '[0].cron,cron.nodes', 1, 'not the number 5'],
		[4, 11, '[0].cron,cron.sudo', 1, '"sudo" must be true or false'],
		[5, 3, '[1].ssh', 2, 'missing "state"'],
		[7, 14, '[1].ssh.timeout', 2, 'timeout "-3s" is not a duration'],
		[11, 5, '[2].nginx.depends', 3, 'unknown key "depends"; did you mean "depend"?'],
	]],
	// Ten steps whose node sets are levels of a billion-laughs bomb (9^10 leaves if expanded): each is
	// reported once, as a list, without walking it.
	['alias-bomb.yaml', Array.from({length: 10}, (_, index): Expected => [3 + (index * 3), 15, `[${index}].x.nodes`, index + 1, '"nodes" must be one node-set string, not a list'])],
	// Byte-level problems: column counted in bytes, path absent.
	['nul-byte.yaml', [[2, 14, undefined, undefined, 'binary data (NUL byte at byte offset 21); a plan is a YAML text file']]],
	['latin1.yaml', [[1, 6, undefined, undefined, 'not valid UTF-8 (byte 0xE9 at byte offset 5); save the plan as UTF-8']]],
	['utf16.yaml', [[1, 1, undefined, undefined, 'file is UTF-16 (byte-order mark); save the plan as UTF-8']]],
];

/** A stand-in node-set checker (the real parser is wired in by the CLI): rejects an unclosed or reversed range. */
function checkNodes(expression: string): string | undefined {
	if (/\[[^\]]*$/.test(expression)) {
		return 'missing bracket';
	}

	const range = /\[(\d+)-(\d+)\]/.exec(expression);
	return range !== null && Number(range[1]) > Number(range[2]) ? 'range goes down' : undefined;
}

describe('invalid plans: every problem, located', () => {
	it('covers every invalid fixture', async () => {
		const files = (await readdir(`${fixtures}/invalid`)).sort();
		const covered = [...invalid.map(([file]) => file), 'bad-node-set.yaml'].sort();
		expect(files).toEqual(covered);
	});

	it.each(invalid)('%s', async (file, expected) => {
		const error = await loadError(`${fixtures}/invalid/${file}`, {source: file});
		const actual = error.problems.map(problem => [problem.line, problem.column, problem.path, problem.step, problem.message]);
		expect(actual).toHaveLength(expected.length);
		for (const [index, [line, column, path, step, fragment]] of expected.entries()) {
			expect(actual[index]?.slice(0, 4), `problem ${index + 1}`).toEqual([line, column, path, step]);
			expect(actual[index]?.[4]).toContain(fragment);
			expect(error.problems[index]?.file).toBe(file);
		}

		// The message is the first problem's one-line form.
		expect(error.message).not.toContain('\n');
		expect(error.message).toBe(error.lines()[0]);
		expect(error.exitCode).toBe(2);
	});

	it('reports node-set errors from the injected checker at the value, for every step', async () => {
		const error = await loadError(`${fixtures}/invalid/bad-node-set.yaml`, {source: 'bad-node-set.yaml', checkNodes});
		expect(error.lines()).toEqual([
			'bad-node-set.yaml:3:12: step 1 (cron): "nodes": missing bracket',
			'bad-node-set.yaml:6:12: step 2 (ssh): "nodes": range goes down',
		]);
	});

	it('a checker that throws is reported like one that returns a message', () => {
		const error = parseError('- cron:\n    state: start\n    nodes: x\n', {
			checkNodes() {
				throw new Error('boom');
			},
		});
		expect(error.message).toBe('p.yaml:3:12: step 1 (cron): "nodes": boom');
	});

	it('formats the first problem as file:line:col: step N (services): message', async () => {
		const error = await loadError(`${fixtures}/invalid/unknown-key.yaml`, {source: 'plans/x.yaml'});
		expect(error.message).toBe('plans/x.yaml:5:5: step 2 (cron,ssh): unknown key "stat"; did you mean "state"?');
		expect([error.file, error.line, error.column, error.path]).toEqual(['plans/x.yaml', 5, 5, '[1].cron,ssh.stat']);
	});

	it('does not repeat "missing" for a key it already suggested', () => {
		const error = parseError('- cron:\n    stat: start\n    node: x\n');
		expect(error.lines()).toEqual([
			'p.yaml:2:5: step 1 (cron): unknown key "stat"; did you mean "state"?',
			'p.yaml:3:5: step 1 (cron): unknown key "node"; did you mean "nodes"?',
		]);
	});

	it('maps words from other tools to svctui keys', () => {
		expect(parseError('- cron:\n    action: start\n    hosts: x\n').lines()).toEqual([
			'p.yaml:2:5: step 1 (cron): unknown key "action"; did you mean "state"?',
			'p.yaml:3:5: step 1 (cron): unknown key "hosts"; did you mean "nodes"?',
		]);
	});

	it('caps the number of problems and says how many were left out', () => {
		const text = Array.from({length: 150}, () => '- cron:\n    state: nope\n    nodes: x\n').join('');
		const error = parseError(text);
		expect(error.problems).toHaveLength(101);
		expect(error.problems.at(-1)?.message).toBe('50 more problems not shown; fix the ones above first');
	});

	it('rejects a top-level list of aliases to a bomb without expanding it', () => {
		const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
		const names = 'abcdefghij';
		for (let index = 1; index < names.length; index++) {
			levels.push(`${names[index]}: &${names[index]} [${Array.from({length: 9}, () => `*${names[index - 1]}`).join(', ')}]`);
		}

		// The plan is the top level of the bomb: a list of 9 aliases, each 9^9 leaves deep.
		const text = `x:\n${levels.map(line => `  ${line}`).join('\n')}\nsteps: [${Array.from({length: 9}, () => '*j').join(', ')}]\n`;
		const error = parseError(text);
		expect(error.problems.map(problem => problem.message)).toEqual([
			expect.stringContaining('unknown key "x" at the top level'),
			...Array.from({length: 9}, () => expect.stringContaining('a step must be a mapping of services to settings, not a list')),
		]);
	});

	it('shortens a huge service key in the step label and names the length limit', () => {
		const error = parseError(`- "${'x'.repeat(5000)}":\n    state: start\n    nodes: n\n`);
		expect(error.message).toBe(`p.yaml:1:3: step 1 (${'x'.repeat(59)}…): service name is 5000 characters long; the limit is 255`);
	});

	it('caps the number of aliases', () => {
		const text = `- cron:\n    state: start\n    nodes: &n node1\n    depend: ssh\n${Array.from({length: 1001}, () => '- *n').join('\n')}\n`;
		expect(parseError(text).message).toContain('more than 1000 aliases');
	});
});

describe('files that are not plans', () => {
	let directory: string;
	beforeAll(async () => {
		directory = await mkdtemp(join(tmpdir(), 'svctui-plan-'));
	});
	afterAll(async () => {
		await rm(directory, {recursive: true, force: true});
	});

	it('a missing file', async () => {
		const error = await loadError(join(directory, 'nope.yaml'), {source: 'nope.yaml'});
		expect(error.message).toBe('nope.yaml: no such file; check the path');
		expect(error.line).toBeUndefined();
	});

	it('a directory', async () => {
		const error = await loadError(directory, {source: 'plans/'});
		expect(error.message).toBe('plans/: is a directory; pass a plan file such as plans/example.yaml');
	});

	it('a device that never ends', async () => {
		const error = await loadError('/dev/zero');
		expect(error.message).toBe('/dev/zero: not a regular file; pass a plan file such as plans/example.yaml');
	});

	it('a file over the size cap', async () => {
		const path = join(directory, 'huge.yaml');
		await writeFile(path, `# ${'x'.repeat(maxPlanBytes)}\n`);
		const error = await loadError(path, {source: 'huge.yaml'});
		expect(error.message).toMatch(/^huge\.yaml: file is \d+ bytes; a plan may be at most 1048576 bytes \(1 MiB\)$/);
	});

	it('a file just under the cap still loads', async () => {
		const path = join(directory, 'big.yaml');
		const step = '- cron:\n    state: start\n    nodes: node1\n';
		await writeFile(path, `# ${'x'.repeat(maxPlanBytes - step.length - 10)}\n${step}`);
		expect((await loadPlanFile(path)).steps).toHaveLength(1);
	}, 60_000); // A megabyte through the loader: slow when instrumented for mutation testing.

	it('an unreadable file', skipWhen(process.getuid?.() === 0 ? 'root reads any file, so a file it cannot read cannot be made' : undefined, 'npm test as a user other than root'), async () => {
		const path = join(directory, 'secret.yaml');
		await writeFile(path, '- cron:\n    state: start\n    nodes: node1\n');
		await chmod(path, 0o000);
		const error = await loadError(path, {source: 'secret.yaml'});
		expect(error.message).toBe('secret.yaml: permission denied; check the file\'s permissions');
	});

	it('a path through a file', async () => {
		const path = join(directory, 'file.yaml');
		await writeFile(path, 'x');
		const error = await loadError(join(path, 'inner.yaml'), {source: 'file.yaml/inner.yaml'});
		expect(error.message).toBe('file.yaml/inner.yaml: a part of the path is not a directory; check the path');
	});

	it('a binary file', async () => {
		const error = await loadError(process.execPath, {source: 'node'});
		expect(error.message).toMatch(/^node(:\d+:\d+)?: (binary data \(NUL byte|file is \d+ bytes)/);
	});

	it('text with a NUL character passed straight to parsePlan', () => {
		expect(parseError('- cron:\n    state: st\0art\n').message).toBe('p.yaml:2:14: binary data (NUL byte); a plan is a YAML text file');
	});
});

/** A plan without the parts that depend on where it was read: `source` and step locations. */
function shape(plan: Plan): Omit<Plan, 'source' | 'steps'> & {steps: Array<Omit<Step, 'location'>>} {
	const {source: _source, steps, ...rest} = plan;
	return {...rest, steps: steps.map(({location: _location, ...step}) => step)};
}

function step(index: number, services: string[], action: Step['action'], nodes: string, extra: Partial<Omit<Step, 'index' | 'services' | 'action' | 'nodes'>> = {}): Omit<Step, 'location'> {
	return {index, services, action, nodes, depend: [], enabled: true, options: {}, ...extra};
}

const valid: Array<[file: string, plan: ReturnType<typeof shape>]> = [
	['anchors.yaml', {format: 'list', defaults: {}, steps: [step(1, ['cron'], 'status', 'node[1-3]'), step(2, ['ssh'], 'status', 'node[1-3]')]}],
	['flow-style.yaml', {format: 'list', defaults: {}, steps: [step(1, ['cron'], 'start', 'node[1-3]'), step(2, ['nginx'], 'reload', 'node1', {depend: ['ssh']})]}],
	['quoted.yaml', {format: 'list', defaults: {}, steps: [step(1, ['cron'], 'stop', 'node1')]}],
	['spaces-in-lists.yaml', {format: 'list', defaults: {}, steps: [step(1, ['cron', 'ssh'], 'start', 'node[1-3]', {depend: ['ssh', 'nginx']})]}],
	['list-with-options.yaml', {format: 'list', defaults: {}, steps: [
		step(1, ['nginx.service'], 'restart', 'node1', {options: {sudo: true, timeoutMs: 90_000, manager: 'systemd'}}),
		step(2, ['getty@tty1'], 'status', 'node[1-3]', {enabled: false, options: {timeoutMs: 500}}),
	]}],
	['mapping-no-defaults.yaml', {format: 'mapping', defaults: {}, steps: [step(1, ['cron'], 'start', 'node[1-3]')]}],
	['mapping-empty-defaults.yaml', {format: 'mapping', defaults: {}, steps: [step(1, ['cron'], 'stop', 'node2')]}],
	['mapping-full.yaml', {format: 'mapping', defaults: {sudo: false, timeoutMs: 120_000, manager: 'openrc'}, steps: [
		step(1, ['cron'], 'start', 'node[1-3]', {options: {timeoutMs: 10_000}}),
		step(2, ['ssh'], 'status', 'node[1-3]', {options: {sudo: true}}),
	]}],
	['numeric-host-quoted.yaml', {format: 'list', defaults: {}, steps: [step(1, ['cron'], 'start', '5')]}],
	['depend-empty.yaml', {format: 'list', defaults: {}, steps: [step(1, ['cron'], 'start', 'node1')]}],
	['group-nodes.yaml', {format: 'list', defaults: {}, steps: [step(1, ['nginx'], 'reload', '@web'), step(2, ['cron'], 'start', 'node[1-3]!node2')]}],
	['str-tag.yaml', {format: 'list', defaults: {}, steps: [step(1, ['cron'], 'start', 'node1')]}],
	['bom.yaml', {format: 'list', defaults: {}, steps: [step(1, ['cron'], 'start', 'node1')]}],
	['crlf.yaml', {format: 'list', defaults: {}, steps: [step(1, ['cron'], 'start', 'node1'), step(2, ['ssh'], 'stop', 'node2')]}],
	// An explicit empty list is an empty plan (what the app saves when every step was deleted).
	['empty-list.yaml', {format: 'list', defaults: {}, steps: []}],
	['steps-empty.yaml', {format: 'mapping', defaults: {sudo: true}, steps: []}],
	['rollout.yaml', {
		format: 'mapping',
		defaults: {serial: [{count: 1}, {percent: 10}, {percent: 50}], maxFail: {percent: 10}, pauseMs: 5000, verify: {timeoutMs: 30_000, settleMs: 2000}},
		steps: [
			step(1, ['nginx'], 'restart', 'node[1-10]', {options: {canary: 1, fanout: 4, verify: {timeoutMs: 10_000, settleMs: 3000, command: 'curl -fsS localhost/health'}}}),
			step(2, ['nginx'], 'reload', 'node[1-10]', {options: {serial: [{count: 5}], maxFail: {count: 0}, pauseMs: 0, verify: false}}),
		],
	}],
];

describe('valid plans', () => {
	it('covers every valid fixture', async () => {
		expect((await readdir(`${fixtures}/valid`)).sort()).toEqual(valid.map(([file]) => file).sort());
	});

	it.each(valid)('%s', async (file, expected) => {
		const plan = await loadPlanFile(`${fixtures}/valid/${file}`, {checkNodes});
		expect(shape(plan)).toEqual(expected);
		expect(plan.source).toBe(`${fixtures}/valid/${file}`);
	});

	it('records where each step stands, in lines and columns', async () => {
		const plan = await loadPlanFile(`${fixtures}/valid/mapping-full.yaml`);
		expect(plan.steps.map(entry => entry.location)).toEqual([{line: 6, column: 5}, {line: 10, column: 5}]);
		const crlf = await loadPlanFile(`${fixtures}/valid/crlf.yaml`);
		expect(crlf.steps.map(entry => entry.location)).toEqual([{line: 1, column: 3}, {line: 4, column: 3}]);
		const bom = await loadPlanFile(`${fixtures}/valid/bom.yaml`);
		expect(bom.steps[0]?.location).toEqual({line: 1, column: 3});
	});
});

describe('the plans shipped in plans/', () => {
	it('keeps the ancestor\'s three plans byte for byte', async () => {
		expect(await readFile('plans/example1.yaml', 'utf8')).toBe('---\n- cron:\n    state: start\n    nodes: node[1-3]\n');
		expect(await readFile('plans/example2.yaml', 'utf8')).toBe([
			'- cron,nginx:', '    state: start', '    nodes: node[1-3]', '    depend: ssh',
			'- ssh:', '    state: start', '    nodes: node123',
			'- cron:', '    state: start', '    nodes: node[1-3]', '    depend: nginx',
			'- ssh:', '    state: start', '    nodes: node[1-3]', '',
		].join('\n'));
		const example = await readFile('plans/example.yaml', 'utf8');
		expect(example.startsWith('---\n- cron,ssh:\n    state: start\n    nodes: node[1-3]\n    depend: ssh,nginx\n')).toBe(true);
		expect(example.endsWith('- cron,ssh:\n    state: start\n    nodes: node[1-4]\n')).toBe(true);
	});

	it('loads every file in plans/', async () => {
		const files = (await readdir('plans')).filter(file => file.endsWith('.yaml'));
		expect(files.length).toBeGreaterThanOrEqual(5);
		for (const file of files) {
			// eslint-disable-next-line no-await-in-loop
			const plan = await loadPlanFile(`plans/${file}`, {checkNodes});
			expect(plan.steps.length, file).toBeGreaterThan(0);
			for (const entry of plan.steps) {
				expect(entry.services.every(name => isValidServiceName(name)), file).toBe(true);
			}
		}
	});

	it('reads example.yaml as the ancestor meant it', async () => {
		const plan = await loadPlanFile('plans/example.yaml');
		expect(shape(plan)).toEqual({format: 'list', defaults: {}, steps: [
			step(1, ['cron', 'ssh'], 'start', 'node[1-3]', {depend: ['ssh', 'nginx']}),
			step(2, ['ssh'], 'start', 'node123'),
			step(3, ['nginx'], 'start', 'node[1-3]'),
			step(4, ['nginx'], 'start', 'node[1-3]'),
			step(5, ['cron', 'ssh'], 'start', 'node[1-4]'),
		]});
	});

	it('reads rolling-reload.yaml with its defaults and a disabled step', async () => {
		const plan = await loadPlanFile('plans/rolling-reload.yaml');
		expect(plan.format).toBe('mapping');
		expect(plan.defaults).toEqual({timeoutMs: 30_000});
		expect(plan.steps.map(entry => [entry.services.join(','), entry.action, entry.nodes, entry.enabled])).toEqual([
			['nginx', 'reload', 'node1', true],
			['ssh', 'reload', 'node1', true],
			['ssh', 'reload', 'node2', true],
			['ssh', 'reload', 'node3', true],
			['nginx', 'reload', 'node2', false],
		]);
	});
});
