import {describe, expect, it} from 'vitest';
import {analysePlan} from '../../source/plan/validate.js';

// Validation (validate*.ts) on plan text: each problem's exact message, line, column, path, step and
// services, and what a valid plan reads as. The fixture table in load.test.ts checks files; these pin the
// branches a fixture would be one file each for.

/** `line:column path step(services): message` per problem, or the plan. */
function check(text: string, checkNodes?: (expression: string) => string | undefined): unknown {
	const result = analysePlan(text, 'p.yaml', checkNodes === undefined ? {} : {checkNodes});
	if ('plan' in result) {
		return result.plan;
	}

	return result.problems.map(problem => `${problem.line}:${problem.column} ${problem.path ?? '-'} ${problem.step ?? '-'}(${problem.services?.join(',') ?? '-'}): ${problem.message}`);
}

const step = (settings: string) => `- nginx:\n    state: restart\n    nodes: node1\n${settings}`;

describe('the document', () => {
	it.each([
		['', ['1:1  -(-): file is empty; a plan is a YAML list of steps such as "- nginx: {state: start, nodes: node[1-3]}"']],
		['\uFEFF', ['1:1  -(-): file is empty; a plan is a YAML list of steps such as "- nginx: {state: start, nodes: node[1-3]}"']],
		[' \n\t\n', ['1:1  -(-): file is empty; a plan is a YAML list of steps such as "- nginx: {state: start, nodes: node[1-3]}"']],
		['# only\n', ['1:1  -(-): file has no steps (only comments or an empty document); a plan is a YAML list of steps such as "- nginx: {state: start, nodes: node[1-3]}"']],
		['- a\0b\n', ['1:4  -(-): binary data (NUL byte); a plan is a YAML text file']],
		['\uFEFF- a\0b\n', ['1:4  -(-): binary data (NUL byte); a plan is a YAML text file']],
		['- cron:\n    state: start\n    nodes: n1\n---\n- ssh:\n    state: start\n    nodes: n1\n', ['5:1  -(-): more than one YAML document; a plan file holds one (remove the extra "---")']],
		['---\n- cron:\n    state: start\n    nodes: n1\n--- # again\n', ['5:1  -(-): more than one YAML document; a plan file holds one (remove the extra "---")']],
		['42\n', ['1:1  -(-): a plan is a YAML list of steps (or a mapping with "steps:"), not the number 42; write steps such as "- nginx: {state: start, nodes: node[1-3]}"']],
	])('%j', (text, expected) => {
		expect(check(text)).toEqual(expected);
	});

	it('refuses text over a megabyte before parsing it', () => {
		expect(check(`# ${'x'.repeat(1024 * 1024)}\n`)).toEqual(['1:1  -(-): plan is larger than 1048576 characters; a plan file is a short list of steps']);
		expect(check(`\uFEFF${'#'.repeat(1024 * 1024)}`)).toEqual(['1:1  -(-): file has no steps (only comments or an empty document); a plan is a YAML list of steps such as "- nginx: {state: start, nodes: node[1-3]}"']);
	});

	it('an empty list is an empty plan, in either form', () => {
		expect(check('[]\n')).toEqual({source: 'p.yaml', format: 'list', defaults: {}, steps: []});
		expect(check('steps: []\n')).toEqual({source: 'p.yaml', format: 'mapping', defaults: {}, steps: []});
		expect(check('defaults:\nsteps: []\n')).toEqual({source: 'p.yaml', format: 'mapping', defaults: {}, steps: []});
	});

	it('reads a valid step with its location, defaults to enabled and no dependencies', () => {
		expect(check('\n  - nginx, php-fpm:\n      state: reload\n      nodes: web[1-2]\n')).toEqual({
			source: 'p.yaml', format: 'list', defaults: {}, steps: [
				{index: 1, services: ['nginx', 'php-fpm'], action: 'reload', nodes: 'web[1-2]', depend: [], enabled: true, options: {}, location: {line: 2, column: 5}},
			],
		});
	});
});

describe('a mapping plan', () => {
	it.each([
		['defaults: {}\n', ['1:1  -(-): missing "steps"; a mapping plan needs "steps:" holding the list of steps']],
		['steps: nginx\n', ['1:8 steps -(-): "steps" must be a list of steps, not the text "nginx"; start each step with "- " as in "- nginx: {state: start, nodes: node[1-3]}"']],
		['steps:\n', ['1:1 steps -(-): "steps" must be a list of steps, not empty; start each step with "- " as in "- nginx: {state: start, nodes: node[1-3]}"']],
		['stepz: []\n', ['1:1 stepz -(-): unknown key "stepz" at the top level; did you mean "steps"?']],
		['other: 1\n', [
			'1:1 other -(-): unknown key "other" at the top level; expected one of defaults, steps',
			'1:1  -(-): missing "steps"; a mapping plan needs "steps:" holding the list of steps',
		]],
		['cron:\n  nodes: n1\n', ['1:1 cron -(-): "cron" looks like a step, but steps go in a list; write "- cron:" (or put it under "steps:")']],
		['cron:\n  state: start\n', ['1:1 cron -(-): "cron" looks like a step, but steps go in a list; write "- cron:" (or put it under "steps:")']],
		['cron:\n  other: 1\nsteps: []\n', ['1:1 cron -(-): unknown key "cron" at the top level; expected one of defaults, steps']],
		['cron: [state]\nsteps: []\n', ['1:1 cron -(-): unknown key "cron" at the top level; expected one of defaults, steps']],
		['5: 1\nsteps: []\n', ['1:1 5 -(-): unknown key "5" at the top level; expected one of defaults, steps']],
	])('%j', (text, expected) => {
		expect(check(text)).toEqual(expected);
	});

	it('a problem in defaults keeps the steps from loading, but both are reported', () => {
		expect(check('defaults: {sudo: maybe}\nsteps:\n  - cron: {state: strat, nodes: n1}\n')).toEqual([
			'1:18 defaults.sudo -(-): "sudo" must be true or false, not the text "maybe"; write true or false',
			'3:19 steps[0].cron.state 1(cron): unknown state "strat"; use one of start, stop, restart, reload, status; did you mean "start"?',
		]);
	});
});

describe('defaults', () => {
	it.each([
		['defaults: [sudo]\nsteps: []\n', ['1:11 defaults -(-): "defaults" must be a mapping of sudo, timeout, manager, fanout, serial, max_fail, pause, canary, verify, not a list']],
		['defaults:\n  nodes: n1\nsteps: []\n', ['2:3 defaults.nodes -(-): "nodes" cannot be a default; set it in each step (defaults may set sudo, timeout, manager, fanout, serial, max_fail, pause, canary, verify)']],
		['defaults:\n  zzz: 1\nsteps: []\n', ['2:3 defaults.zzz -(-): unknown key "zzz" in "defaults"; expected one of sudo, timeout, manager, fanout, serial, max_fail, pause, canary, verify']],
		['defaults:\n  manager: sysv\n  pause: 1m\nsteps: []\n', {source: 'p.yaml', format: 'mapping', defaults: {manager: 'sysv', pauseMs: 60_000}, steps: []}],
		['defaults:\n  verify: true\nsteps:\n  - cron: {state: stop, nodes: n1}\n', {source: 'p.yaml', format: 'mapping', defaults: {verify: {timeoutMs: 30_000, settleMs: 2000}}, steps: [
			{index: 1, services: ['cron'], action: 'stop', nodes: 'n1', depend: [], enabled: true, options: {}, location: {line: 4, column: 5}},
		]}],
	])('%j', (text, expected) => {
		expect(check(text)).toEqual(expected);
	});
});

describe('a step', () => {
	it.each([
		['- [cron]\n', ['1:3 [0] 1(-): a step must be a mapping of services to settings, not a list; write a step such as "- nginx: {state: start, nodes: node[1-3]}"']],
		['- 5\n', ['1:3 [0] 1(-): a step must be a mapping of services to settings, not the number 5; write a step such as "- nginx: {state: start, nodes: node[1-3]}"']],
		['- {}\n', ['1:3 [0] 1(-): empty step; write a step such as "- nginx: {state: start, nodes: node[1-3]}"']],
		['- cron: {state: start, nodes: n1}\n  ssh: {state: start, nodes: n1}\n', ['2:3 [0].cron 1(cron): a step has one key, its services, but this one has 2: "cron", "ssh"; start each step with "- "']],
		['- cron:\n  nodes: n1\n', ['2:3 [0].cron 1(cron): "nodes" belongs under "cron:"; indent the step\'s settings further than its services']],
		['- cron: {state: start}\n  nodes: n1\n', ['2:3 [0].cron 1(cron): a step has one key, its services, but this one has 2: "cron", "nodes"; start each step with "- "']],
		['- " ":\n    state: start\n    nodes: n1\n', ['1:3 [0].  1(): empty service list; name the services before the colon, e.g. "cron,nginx:"']],
		['- cron:\n', ['1:3 [0].cron 1(cron): step has no settings; add "state:" and "nodes:" indented under it']],
		['- cron: start\n', ['1:9 [0].cron 1(cron): a step\'s settings must be a mapping with "state:" and "nodes:", not the text "start"']],
		['- cron: {}\n', [
			'1:3 [0].cron 1(cron): missing "state"; add "state:" with one of start, stop, restart, reload, status',
			'1:3 [0].cron 1(cron): missing "nodes"; add "nodes:" with the node set to act on, e.g. node[1-3]',
		]],
		['- cron: {hosts: n1, action: start}\n', [
			'1:10 [0].cron.hosts 1(cron): unknown key "hosts"; did you mean "nodes"?',
			'1:21 [0].cron.action 1(cron): unknown key "action"; did you mean "state"?',
		]],
		['- cron: {zzz: 1, state: start, nodes: n1}\n', ['1:10 [0].cron.zzz 1(cron): unknown key "zzz"; expected one of state, nodes, depend, sudo, timeout, manager, fanout, serial, max_fail, pause, canary, verify, enabled']],
		['- cron: {state: start, nodes: n1, disabled: true}\n', ['1:35 [0].cron.disabled 1(cron): unknown key "disabled"; write "enabled: false" to skip a step']],
		['- 5:\n    state: start\n    nodes: n1\n', {source: 'p.yaml', format: 'list', defaults: {}, steps: [
			{index: 1, services: ['5'], action: 'start', nodes: 'n1', depend: [], enabled: true, options: {}, location: {line: 1, column: 3}},
		]}],
	])('%j', (text, expected) => {
		expect(check(text)).toEqual(expected);
	});

	it('a step with a problem is reported with its number, the others still checked', () => {
		expect(check('- cron: {state: start, nodes: n1}\n- ssh: {state: go, nodes: n1}\n- ntp: {state: stop}\n')).toEqual([
			'2:16 [1].ssh.state 2(ssh): unknown state "go"; use one of start, stop, restart, reload, status',
			'3:3 [2].ntp 3(ntp): missing "nodes"; add "nodes:" with the node set to act on, e.g. node[1-3]',
		]);
	});
});

describe('state, nodes, depend, enabled', () => {
	it.each([
		['- cron: {state: , nodes: n1}\n', ['1:10 [0].cron.state 1(cron): "state" is empty; write e.g. "state: start"']],
		['- cron: {state: "  ", nodes: n1}\n', ['1:17 [0].cron.state 1(cron): "state" is blank; write e.g. "state: start"']],
		['- cron: {state: 5, nodes: n1}\n', ['1:17 [0].cron.state 1(cron): "state" must be text such as start, not the number 5']],
		['- cron: {state: [start], nodes: n1}\n', ['1:17 [0].cron.state 1(cron): "state" must be text such as start, not a list']],
		['- cron: {state: Stop, nodes: n1}\n', ['1:17 [0].cron.state 1(cron): unknown state "Stop"; use one of start, stop, restart, reload, status; did you mean "stop"?']],
		['- cron: {state: start, nodes: 5}\n', ['1:31 [0].cron.nodes 1(cron): "nodes" must be a node set such as node[1-3], not the number 5; quote it ("5") if that really is a host name']],
		['- cron: {state: start, nodes: 1.5}\n', ['1:31 [0].cron.nodes 1(cron): "nodes" must be a node set such as node[1-3], not the number 1.5; quote it ("1.5") if that really is a host name']],
		['- cron: {state: start, nodes: [n1]}\n', ['1:31 [0].cron.nodes 1(cron): "nodes" must be one node-set string, not a list; join the names with commas, e.g. "nodes: node1,node3"']],
		['- cron: {state: start, nodes: {a: 1}}\n', ['1:31 [0].cron.nodes 1(cron): "nodes" must be text such as node[1-3], not a mapping']],
		['- cron: {state: start, nodes: n1, depend: [ssh]}\n', ['1:43 [0].cron.depend 1(cron): "depend" is a comma list, not a YAML list; write e.g. "depend: ssh,nginx"']],
		['- cron: {state: start, nodes: n1, depend: 5}\n', ['1:43 [0].cron.depend 1(cron): "depend" must be a comma list of services such as ssh,nginx, not the number 5']],
		// Quoted, the text is not verbatim in the file: the problem stands at the value.
		['- cron: {state: start, nodes: n1, depend: "ssh, ssh"}\n', ['1:43 [0].cron.depend 1(cron): dependency "ssh" is listed twice; list each once']],
		// Plain, it is: the problem stands at the entry.
		['- cron:\n    state: start\n    nodes: n1\n    depend: ssh, ssh\n', ['4:18 [0].cron.depend 1(cron): dependency "ssh" is listed twice; list each once']],
		['- cron:\n    state: start\n    nodes: n1\n    depend: ssh,,x\n', ['4:17 [0].cron.depend 1(cron): empty dependency name in "ssh,,x"; separate names with single commas']],
		['- cron: {state: start, nodes: n1, enabled: yes}\n', ['1:44 [0].cron.enabled 1(cron): "enabled" must be true or false, not the text "yes"; YAML 1.2 reads yes as text, write true or false']],
		['- cron: {state: start, nodes: n1, enabled: OFF}\n', ['1:44 [0].cron.enabled 1(cron): "enabled" must be true or false, not the text "OFF"; YAML 1.2 reads OFF as text, write true or false']],
		['- cron: {state: start, nodes: n1, enabled: 1}\n', ['1:44 [0].cron.enabled 1(cron): "enabled" must be true or false, not the number 1; write true or false']],
		['- cron: {state: start, nodes: n1, enabled: [1]}\n', ['1:44 [0].cron.enabled 1(cron): "enabled" must be true or false, not a list; write true or false']],
		['- "cron, ssh,ntp ,,x":\n    state: start\n    nodes: n1\n', ['1:3 [0].cron, ssh,ntp ,,x 1(cron,ssh,ntp,x): empty service name in "cron, ssh,ntp ,,x"; separate names with single commas']],
		['- cron, ssh,ntp ,,x:\n    state: start\n    nodes: n1\n', ['1:18 [0].cron, ssh,ntp ,,x 1(cron,ssh,ntp,x): empty service name in "cron, ssh,ntp ,,x"; separate names with single commas']],
	])('%j', (text, expected) => {
		expect(check(text)).toEqual(expected);
	});

	it('reads depend and enabled', () => {
		const plan = check('- cron: {state: start, nodes: n1, depend: "ssh, dbus", enabled: false}\n- ntp: {state: stop, nodes: n1, depend: , enabled: true}\n') as {steps: Array<{depend: string[]; enabled: boolean}>};
		expect(plan.steps.map(({depend, enabled}) => ({depend, enabled}))).toEqual([{depend: ['ssh', 'dbus'], enabled: false}, {depend: [], enabled: true}]);
	});

	it('checks node sets with the injected checker, a thrown error like a returned one', () => {
		const seen: string[] = [];
		const checker = (expression: string): string | undefined => {
			seen.push(expression);
			if (expression === 'bad') {
				return 'no such node';
			}

			if (expression === 'boom') {
				throw new Error('exploded');
			}

			if (expression === 'odd') {
				// eslint-disable-next-line @typescript-eslint/only-throw-error
				throw 'a string';
			}

			return undefined;
		};

		expect(check('- a: {state: start, nodes: bad}\n- b: {state: start, nodes: boom}\n- c: {state: start, nodes: odd}\n- d: {state: start, nodes: good}\n', checker)).toEqual([
			'1:28 [0].a.nodes 1(a): "nodes": no such node',
			'2:28 [1].b.nodes 2(b): "nodes": exploded',
			'3:28 [2].c.nodes 3(c): "nodes": a string',
		]);
		expect(seen).toEqual(['bad', 'boom', 'odd', 'good']);
		expect(check('- d: {state: start, nodes: good}\n', checker)).toMatchObject({steps: [{nodes: 'good'}]});
	});
});

describe('options on a step', () => {
	it.each([
		['    sudo: true\n    timeout: 1m\n    manager: openrc\n', {sudo: true, timeoutMs: 60_000, manager: 'openrc'}],
		['    sudo: false\n', {sudo: false}],
	])('%j', (settings, options) => {
		expect(check(step(settings))).toMatchObject({steps: [{options}]});
	});

	it.each([
		['    sudo: 1\n', ['4:11 [0].nginx.sudo 1(nginx): "sudo" must be true or false, not the number 1; write true or false']],
		['    timeout: soon\n', ['4:14 [0].nginx.timeout 1(nginx): timeout "soon" is not a duration; write a duration such as 30s, 2m or 500ms, or a number of seconds']],
		['    manager:\n', ['4:5 [0].nginx.manager 1(nginx): "manager" is empty; write e.g. "manager: systemd"']],
		['    manager: launchd\n', ['4:14 [0].nginx.manager 1(nginx): unknown manager "launchd"; use one of auto, systemd, sysv, openrc']],
		['    manager: SysV\n', ['4:14 [0].nginx.manager 1(nginx): unknown manager "SysV"; use one of auto, systemd, sysv, openrc; did you mean "sysv"?']],
	])('%j', (settings, expected) => {
		expect(check(step(settings))).toEqual(expected);
	});
});

describe('verify', () => {
	const hint = 'write "verify: true", or a mapping such as {command: "curl -fsS localhost/health", timeout: 10s}';
	it.each([
		['    verify: {timeout: 5s, settle: 1s, command: "pgrep nginx"}\n', {timeoutMs: 5000, settleMs: 1000, command: 'pgrep nginx'}],
		['    verify: {timeout: 40}\n', {timeoutMs: 40_000, settleMs: 2000}],
		['    verify: {command: "a\tb"}\n', {timeoutMs: 30_000, settleMs: 2000, command: 'a\tb'}],
	])('%j', (settings, verify) => {
		expect(check(step(settings))).toMatchObject({steps: [{options: {verify}}]});
	});

	it.each([
		['    verify: yes\n', [`4:13 [0].nginx.verify 1(nginx): "verify" must be true, false or a mapping of timeout, settle, command, not the text "yes"; ${hint}`]],
		['    verify: [1]\n', [`4:13 [0].nginx.verify 1(nginx): "verify" must be true, false or a mapping of timeout, settle, command, not a list; ${hint}`]],
		['    verify:\n', [`4:5 [0].nginx.verify 1(nginx): "verify" must be true, false or a mapping of timeout, settle, command, not empty; ${hint}`]],
		['    verify: {timeout: 0}\n', ['4:23 [0].nginx.verify.timeout 1(nginx): "verify.timeout" must be above zero; write a duration such as 30s, 2m or 500ms, or a number of seconds']],
		['    verify: {timeout: 2s}\n', ['4:13 [0].nginx.verify 1(nginx): "verify.settle" must be shorter than "verify.timeout": the service has to settle within the timeout']],
		['    verify: {timeout: 2s, settle: 2s}\n', ['4:13 [0].nginx.verify 1(nginx): "verify.settle" must be shorter than "verify.timeout": the service has to settle within the timeout']],
		['    verify: {settle: -1}\n', ['4:22 [0].nginx.verify.settle 1(nginx): "verify.settle" must be above zero; write a duration such as 30s, 2m or 500ms, or a number of seconds']],
		['    verify: {settle: -1, command: ""}\n', [
			'4:22 [0].nginx.verify.settle 1(nginx): "verify.settle" must be above zero; write a duration such as 30s, 2m or 500ms, or a number of seconds',
			'4:35 [0].nginx.verify.command 1(nginx): "verify.command" is blank; write e.g. "verify.command: "curl -fsS localhost/health""',
		]],
		['    verify: {command: "a\\nb"}\n', ['4:23 [0].nginx.verify.command 1(nginx): "verify.command" holds a line break or control character; write the health command on one line']],
		['    verify: {command: "a\\u007fb"}\n', ['4:23 [0].nginx.verify.command 1(nginx): "verify.command" holds a line break or control character; write the health command on one line']],
		['    verify: {command: "a\\u0000b"}\n', ['4:23 [0].nginx.verify.command 1(nginx): "verify.command" holds a line break or control character; write the health command on one line']],
		['    verify: {command: "a\\u001fb"}\n', ['4:23 [0].nginx.verify.command 1(nginx): "verify.command" holds a line break or control character; write the health command on one line']],
		['    verify: {timeout: 1s, zzz: 1}\n', ['4:27 [0].nginx.verify.zzz 1(nginx): unknown key "zzz" in "verify"; expected one of timeout, settle, command']],
	])('%j', (settings, expected) => {
		expect(check(step(settings))).toEqual(expected);
	});

	it.each(['stop', 'status'])('written on a %s step it is a slip; false, or set in defaults, is fine', state => {
		expect(check(`- nginx:\n    state: ${state}\n    nodes: n1\n    verify: true\n`)).toEqual([
			`4:5 [0].nginx.verify 1(nginx): "verify" checks a service runs after start, restart or reload; a ${state} step has nothing to verify (remove it, or write "verify: false")`,
		]);
		expect(check(`- nginx:\n    state: ${state}\n    nodes: n1\n    verify: false\n`)).toMatchObject({steps: [{options: {verify: false}}]});
	});

	it.each(['start', 'restart', 'reload'])('on a %s step it is kept', state => {
		expect(check(`- nginx:\n    state: ${state}\n    nodes: n1\n    verify: true\n`)).toMatchObject({steps: [{options: {verify: {timeoutMs: 30_000, settleMs: 2000}}}]});
	});
});

describe('the problem list', () => {
	it('is in file order, problems at the same place in the order found', () => {
		expect(check('- b: {state: x, nodes: [n]}\n- a: {nodes: n1}\n')).toEqual([
			'1:14 [0].b.state 1(b): unknown state "x"; use one of start, stop, restart, reload, status',
			'1:24 [0].b.nodes 1(b): "nodes" must be one node-set string, not a list; join the names with commas, e.g. "nodes: node1,node3"',
			'2:3 [1].a 2(a): missing "state"; add "state:" with one of start, stop, restart, reload, status',
		]);
	});

	it('stops at 100 problems and says how many more there were, at the last one shown', () => {
		const text = Array.from({length: 103}, (_, index) => `- s${index}: {state: x, nodes: n1}\n`).join('');
		const problems = check(text) as string[];
		expect(problems).toHaveLength(101);
		expect(problems[99]).toMatch(/^100:\d+ \[99\]\.s99\.state 100\(s99\): unknown state "x"/);
		expect(problems[100]).toBe(`${problems[99]!.split(' ')[0]} - -(-): 3 more problems not shown; fix the ones above first`);
		const exactly = Array.from({length: 100}, (_, index) => `- s${index}: {state: x, nodes: n1}\n`).join('');
		expect(check(exactly)).toHaveLength(100);
	});
});
