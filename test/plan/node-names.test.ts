import {mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {checkCommand} from '../../source/commands/check.js';
import type {CommandIO} from '../../source/commands/io.js';
import {nodesetCommand} from '../../source/commands/nodeset.js';
import {validateCommand} from '../../source/commands/validate.js';
import {nodeSetChecker} from '../../source/plan/node-sets.js';
import {oneShotPlan} from '../../source/plan/prepare.js';
import {GroupResolver, staticGroupSource} from '../../source/nodeset/index.js';
import {nodeNameProblem} from '../../source/plan/node-names.js';

function io(): CommandIO & {out: () => string; err: () => string} {
	let stdout = '';
	let stderr = '';
	return {
		stdout: {write(text: string) {
			stdout += text;
		}},
		stderr: {write(text: string) {
			stderr += text;
		}},
		env: {HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent'},
		cwd: '/',
		out: () => stdout,
		err: () => stderr,
	};
}

describe('node names that can never be hosts', () => {
	it.each([
		['node1 node2;reboot', 'node name "node1 node2;reboot" has a space and ";", which no host name has; did you mean node1,node2?'],
		['node1,node2 node3', 'node name "node2 node3" has a space, which no host name has; did you mean node2,node3?'],
		['web$(id)', 'node name "web$(id)" has "$" and "(" and ")", which no host name has; did you mean web?'],
		['`x`', 'node name "`x`" has "`", which no host name has; node names use letters, digits and . - _'],
	])('%j is refused', (expression, problem) => {
		expect(nodeSetChecker(undefined)(expression)).toBe(`node set ${JSON.stringify(expression)}: ${problem}`);
	});

	it.each(['node[1-3]', 'web-01.example.com', 'rack1-node_2', 'n[18446744073709551615-18446744073709551617]'])('%j is fine', expression => {
		expect(nodeSetChecker(undefined)(expression)).toBeUndefined();
	});

	it('checks the names a group expands to', () => {
		const resolver = new GroupResolver([staticGroupSource('site', {bad: 'node1;reboot node2'})]);
		expect(nodeSetChecker(resolver)('@bad')).toBe('node set "@bad": node name "node1;reboot" has ";", which no host name has; did you mean node1?');
		expect(nodeNameProblem('@bad', ['node1', 'node2'])).toBeUndefined();
	});

	it('validate refuses it in a plan with file:line:col and the hint', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'svctui-names-'));
		await writeFile(join(dir, 'plan.yaml'), '- nginx:\n    state: restart\n    nodes: node1 node2;reboot\n');
		const out = io();
		expect(await validateCommand([join(dir, 'plan.yaml')], out)).toBe(2);
		expect(out.err()).toBe(`${join(dir, 'plan.yaml')}:3:12: step 1 (nginx): "nodes": node set "node1 node2;reboot": node name "node1 node2;reboot" has a space and ";", which no host name has; did you mean node1,node2?\n`);
	});

	it('the one-shot command line refuses it', () => {
		expect(() => oneShotPlan(['node1 node2', 'nginx', 'status'], new GroupResolver())).toThrow('run: argument 1: node set "node1 node2": node name "node1 node2" has a space, which no host name has; did you mean node1,node2?');
	});

	it('svctui check refuses it before contacting anyone', async () => {
		const options = {yes: false, dryRun: false, json: false, headless: true, readOnly: false, acceptNew: false, fanout: 64, commandTimeoutMs: 300_000, sudo: false, manager: 'auto', color: false} as const;
		await expect(checkCommand(['node1 node2;reboot'], options, io())).rejects.toThrow('check: node set "node1 node2;reboot": node name "node1 node2;reboot" has a space and ";", which no host name has; did you mean node1,node2?');
	});

	it('svctui nodeset keeps ClusterShell\'s reading: one name', async () => {
		const out = io();
		expect(await nodesetCommand(['-e', 'node1 node2;reboot'], out)).toBe(0);
		expect(out.out()).toBe('node1 node2;reboot\n');
	});
});
