import {describe, expect, it} from 'vitest';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {runPlan} from '../../source/executor/run-plan.js';
import {foldNodes} from '../../source/nodeset/index.js';
import {exitCodeFor} from '../../source/report/exit-code.js';
import {createNdjsonWriter} from '../../source/report/ndjson.js';
import {createTextReporter} from '../../source/report/text.js';
import {FakeTransport, simulatedNode} from '../helpers/fake-transport.js';
import {counts, eventBuilder, step} from '../helpers/events.js';

async function example2(): Promise<{events: ExecutorEvent[]; exitCode: number}> {
	const transport = new FakeTransport({
		node1: simulatedNode('systemd', {cron: 'inactive', nginx: 'inactive', ssh: 'active'}),
		node2: simulatedNode('systemd', {cron: 'inactive', ssh: 'active'}),
		node3: simulatedNode('systemd', {cron: 'active', ssh: 'active'}),
		node123: {connectError: {reason: 'dns', message: 'node123: could not resolve host name'}},
	});
	const events: ExecutorEvent[] = [];
	let now = 0;
	const summary = await runPlan(
		[
			step(1, 'start', ['cron', 'nginx'], ['node1', 'node2', 'node3']),
			step(2, 'restart', ['cron'], ['node123']),
			step(3, 'restart', ['cron'], ['node1', 'node2', 'node3'], ['nginx']),
			step(4, 'status', ['ssh'], ['node1', 'node2', 'node3']),
		],
		{transport, runId: 'r', planLabel: 'example2.yaml', clock: () => now++, onEvent: e => events.push(e)},
	);
	return {events, exitCode: exitCodeFor(summary)};
}

function report(events: readonly ExecutorEvent[], color = false): string {
	let text = '';
	const reporter = createTextReporter({color, write: chunk => (text += chunk)});
	for (const event of events) {
		reporter.onEvent(event);
	}

	return text;
}

describe('text report', () => {
	it('shows each state a status query tells with its own word, and a status-only run that answered exits 0', async () => {
		const transport = new FakeTransport({
			node1: simulatedNode('systemd', {nginx: 'active'}),
			node2: simulatedNode('systemd', {nginx: 'inactive'}),
			node3: simulatedNode('openrc', {nginx: 'failed'}),
			node4: simulatedNode('sysv', {}),
		});
		const events: ExecutorEvent[] = [];
		const summary = await runPlan([step(1, 'status', ['nginx'], ['node1', 'node2', 'node3', 'node4'])], {
			transport,
			runId: 'r',
			planLabel: '<run>',
			onEvent: e => events.push(e),
		});
		const text = report(events);
		expect(text).toContain('  nginx  RUNNING node1\n  nginx  STOPPED node2\n  nginx  FAILED-STATE node3\n  nginx  NOT-INSTALLED node4\n');
		expect(text).toContain('1 status nginx  :  running=1  stopped=1  failed-state=1  not-installed=1  failed=0  skipped=0  unreachable=0  running: node1  stopped: node2  failed-state: node3  not-installed: node4');
		expect(exitCodeFor(summary)).toBe(0);
	});

	it('with --expect running, the other states fail with the state they are in', async () => {
		const transport = new FakeTransport({node1: simulatedNode('systemd', {nginx: 'active'}), node2: simulatedNode('systemd', {nginx: 'inactive'})});
		const events: ExecutorEvent[] = [];
		const summary = await runPlan([step(1, 'status', ['nginx'], ['node1', 'node2'])], {transport, runId: 'r', planLabel: '<run>', expect: 'running', onEvent: e => events.push(e)});
		expect(report(events)).toContain('  nginx  RUNNING node1\n  nginx  FAIL node2: stopped, expected running\n');
		expect(exitCodeFor(summary)).toBe(1);
	});

	it('prints the ancestor example2 run step by step, gathered, then the recap; exit 1', async () => {
		const {events, exitCode} = await example2();
		expect(report(events)).toBe(
			[
				'STEP 1 start cron, nginx',
				'  cron   OK node[1-3]',
				'  nginx  OK node1',
				'  nginx  FAIL node[2-3]: not installed',
				'---------------',
				'node[2-3] (2)',
				'---------------',
				'Failed to start nginx.service: Unit nginx.service not found.',
				'',
				'STEP 2 restart cron',
				'  cron  UNREACHABLE node123: could not resolve host name',
				'',
				'STEP 3 restart cron (depends on nginx)',
				'  cron  OK node1',
				'  cron  SKIP node[2-3]: dependency nginx is not installed',
				'',
				'STEP 4 status ssh',
				'  ssh  RUNNING node[1-3]',
				'---------------',
				'node[1-3] (3)',
				'---------------',
				'● ssh.service - ssh daemon',
				'     Active: active (running)',
				'',
				'RECAP',
				'1 start cron    :  ok=3       failed=0  skipped=0  unreachable=0  ok: node[1-3]',
				'1 start nginx   :  ok=1       failed=2  skipped=0  unreachable=0  ok: node1  failed: node[2-3]',
				'2 restart cron  :  ok=0       failed=0  skipped=0  unreachable=1  unreachable: node123',
				'3 restart cron  :  ok=1       failed=0  skipped=2  unreachable=0  ok: node1  skipped: node[2-3]',
				'4 status ssh    :  running=3  failed=0  skipped=0  unreachable=0  running: node[1-3]',
				'',
			].join('\n'),
		);
		expect(exitCode).toBe(1);
	});

	it('says when a block was cut: a node that printed more than the report keeps gets a notice with the count', () => {
		const ev = eventBuilder();
		let text = '';
		const reporter = createTextReporter({color: false, write: chunk => (text += chunk), maxLinesPerNode: 3});
		for (const event of [
			ev.runStarted([step(1, 'status', ['cron'], ['web1', 'web2'])]),
			ev.stepStarted(1, ['web1', 'web2']),
			ev.started('web1', 1, 'cron'),
			ev.output('web1', 1, 'cron', ['1', '2', '3', '4', '5']),
			ev.exited('web1', 1, 'cron', 0),
			ev.started('web2', 1, 'cron'),
			ev.output('web2', 1, 'cron', ['4', '5']),
			ev.exited('web2', 1, 'cron', 0),
			ev.stepFinished(1, {ok: 2}),
		]) {
			reporter.onEvent(event);
		}

		// web2 printed only the last two lines web1 kept: same lines, but not the same output, so not one block.
		expect(text).toContain(
			['---------------', 'web1 (1)', '---------------', '[svctui: 2 earlier lines of this output not kept here; events.jsonl in the run log has every line received]', '3', '4', '5', '---------------', 'web2 (1)'].join('\n'),
		);
	});

	it('separates differing outputs into their own blocks and shows timeouts and cancellations', () => {
		const ev = eventBuilder();
		const nodes = ['web1', 'web2', 'web3'];
		const text = report([
			ev.runStarted([step(1, 'status', ['nginx'], nodes)]),
			ev.stepStarted(1, nodes),
			ev.started('web1', 1, 'nginx'),
			ev.output('web1', 1, 'nginx', ['nginx is running.']),
			ev.exited('web1', 1, 'nginx', 0),
			ev.started('web2', 1, 'nginx'),
			ev.output('web2', 1, 'nginx', ['nginx is not running ... failed!']),
			ev.exited('web2', 1, 'nginx', 3, {reason: 'not running (inactive)'}),
			ev.started('web3', 1, 'nginx'),
			ev.timedOut('web3', 1, 'nginx', 30_000),
			ev.stepFinished(1, {ok: 1, failed: 1, 'timed-out': 1}),
			ev.runFinished('aborted', {ok: 1, failed: 1, 'timed-out': 1}),
		]);
		expect(text).toBe(
			[
				'STEP 1 status nginx',
				'  nginx  OK web1',
				'  nginx  FAIL web2: not running (inactive)',
				'  nginx  TIMEOUT web3: timed out after 30s',
				'---------------',
				'web1 (1)',
				'---------------',
				'nginx is running.',
				'---------------',
				'web2 (1)',
				'---------------',
				'nginx is not running ... failed!',
				'',
				'RECAP (aborted)',
				'1 status nginx  :  ok=1  failed=1  timed-out=1  skipped=0  unreachable=0  ok: web1  failed: web2  timed-out: web3',
				'',
			].join('\n'),
		);
	});

	it('colours only when asked, and never writes escape codes otherwise', async () => {
		const {events} = await example2();
		const plain = report(events, false);
		const coloured = report(events, true);
		expect(plain).not.toMatch(/\u001B\[/);
		expect(coloured).toContain('\u001B[32mOK\u001B[0m node[1-3]');
		expect(coloured).toContain('\u001B[31mFAIL\u001B[0m node[2-3]');
		expect(coloured.replaceAll(/\u001B\[\d+m/g, '')).toBe(plain);
	});
});

describe('ndjson', () => {
	it('writes one parseable event per line', async () => {
		const {events} = await example2();
		let text = '';
		const write = createNdjsonWriter(chunk => (text += chunk));
		for (const event of events) {
			write(event);
		}

		const lines = text.trimEnd().split('\n');
		expect(lines).toHaveLength(events.length);
		expect(lines.map(line => JSON.parse(line) as unknown)).toEqual(events);
	});

	it('shows node names and reasons from input safely: ESC c or BEL in a plan\'s node name never reaches the terminal raw', () => {
		const ev = eventBuilder();
		const hostile = 'n1\u001Bc\u0007';
		const events: ExecutorEvent[] = [
			ev.runStarted([step(1, 'status', ['cron'], [hostile])]),
			{type: 'node-unreachable', at: 1, node: hostile, reason: 'dns', message: `name ${hostile} does not resolve`},
			{type: 'step-finished', at: 2, step: 1, counts: counts({unreachable: 1})},
			{type: 'run-finished', at: 3, outcome: 'failed', counts: counts({unreachable: 1}), durationMs: 3},
		];
		const text = report(events);
		expect(text).not.toMatch(/[\u0000-\u0009\u000B-\u001F]/);
		expect(text).toContain('UNREACHABLE n1\\x1bc\\x07: name n1\\x1bc\\x07 does not resolve');
		expect(text).toContain('unreachable: n1\\x1bc\\x07');
	});

	it('never shortens a long node set: a report of many scattered nodes keeps every one', () => {
		const ev = eventBuilder();
		const nodes = Array.from({length: 600}, (_, index) => `n${index * 2}`);
		const events: ExecutorEvent[] = [
			ev.runStarted([step(1, 'status', ['cron'], nodes)]),
			...nodes.map((node): ExecutorEvent => ({type: 'node-unreachable', at: 1, node, reason: 'dns', message: `name ${node} does not resolve`})),
			{type: 'step-finished', at: 2, step: 1, counts: counts({unreachable: nodes.length})},
			{type: 'run-finished', at: 3, outcome: 'failed', counts: counts({unreachable: nodes.length}), durationMs: 3},
		];
		const text = report(events);
		expect(text).toContain(foldNodes(nodes));
		expect(text).not.toContain('more characters');
	});
});
