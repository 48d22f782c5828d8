import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {CommandIO} from '../../source/commands/io.js';
import {parseRunOptions} from '../../source/commands/options.js';
import {tuiSettings} from '../../source/commands/prepare.js';
import {GroupResolver} from '../../source/nodeset/index.js';
import {preflightReviewLines} from '../../source/report/review.js';
import {createTuiController} from '../../source/tui/controller.js';
import {FakeTransport, simulatedNode, type FakeNode} from '../helpers/fake-transport.js';
import {waitFor} from '../helpers/ink.js';

const plan = '- web:\n    state: status\n    nodes: node[1-3]\n- web:\n    state: status\n    nodes: node[1-3]\n';

function setup(reuseWindow: string | undefined, nodes: Record<string, FakeNode> = {node1: simulatedNode('systemd', {web: 'active'}), node2: simulatedNode('sysv', {web: 'active'}), node3: simulatedNode('systemd', {web: 'inactive'})}) {
	const dir = mkdtempSync(path.join(tmpdir(), 'svctui-reuse-'));
	const io: CommandIO = {stdout: {write: () => true}, stderr: {write: () => true}, env: {}, cwd: dir};
	const transports: FakeTransport[] = [];
	const controller = createTuiController(tuiSettings(parseRunOptions({logDir: path.join(dir, 'logs'), ...(reuseWindow === undefined ? {} : {reuseWindow})}, {}), io), {
		resolver: new GroupResolver(),
		transportFactory() {
			const transport = new FakeTransport(nodes);
			transports.push(transport);
			return transport;
		},
		flushMs: 1,
	});
	writeFileSync(path.join(dir, 'plan.yaml'), plan);
	return {controller, transports, load: async () => controller.loadPlan('plan.yaml')};
}

/** The run's events from its store: which nodes it connected to, and which it reused. */
function runConnections(controller: ReturnType<typeof setup>['controller']) {
	const snapshot = controller.getSnapshot().run.store!.getSnapshot();
	return [...snapshot.nodes.values()].map(node => `${node.name} ${node.connection} ${node.manager}`);
}

describe('the review\'s connections carry into the run', () => {
	it('y within the window: the run opens no connection and says it reused them; the review said so before', async () => {
		const {controller, transports, load} = setup(undefined);
		await load();
		await controller.preflight();
		const {preflight} = controller.getSnapshot();
		expect(preflight.reuse).toMatchObject({connections: 3, windowMs: 60_000});
		expect(preflight.reuse!.until).toBeGreaterThan(Date.now() + 55_000);
		const line = preflightReviewLines(preflight).find(entry => entry.key === 'reuse')?.text;
		expect(line).toMatch(/^connections: the run reuses these 3 until \d\d:\d\d:\d\d and opens none$/);
		const connects = transports[0]!.connects.length;

		await controller.startRun();
		expect(transports).toHaveLength(1);
		expect(transports[0]!.connects).toHaveLength(connects);
		expect(runConnections(controller)).toEqual(['node1 connected systemd', 'node2 connected sysv', 'node3 connected systemd']);
		const events = readEvents(controller.getSnapshot().run.logPath!);
		expect(events.filter(event => event.type === 'node-connecting')).toEqual([]);
		expect(events.filter(event => event.type === 'node-connected').every(event => event.reused === true)).toBe(true);
		// Used and closed by the run: nothing failed, so nothing is kept for R.
		expect(transports[0]!.closedSessions.sort()).toEqual(['node1', 'node2', 'node3']);
		await controller.dispose();
	});

	it('past the window the connections close, the review says so, and the run connects again', async () => {
		const {controller, transports, load} = setup('0.15');
		await load();
		await controller.preflight();
		expect(controller.getSnapshot().preflight.reuse?.closed).toBeUndefined();
		await waitFor(() => controller.getSnapshot().preflight.reuse?.closed === 'expired');
		expect(transports[0]!.closedSessions.sort()).toEqual(['node1', 'node2', 'node3']);
		expect(preflightReviewLines(controller.getSnapshot().preflight).find(entry => entry.key === 'reuse')?.text).toMatch(
			/^connections: closed at \d\d:\d\d:\d\d \(--reuse-window\); the run connects again$/,
		);
		await controller.startRun();
		expect(transports).toHaveLength(2);
		expect(transports[1]!.connects.sort()).toEqual(['node1', 'node2', 'node3']);
		expect(readEvents(controller.getSnapshot().run.logPath!).filter(event => event.type === 'node-connecting')).toHaveLength(3);
		await controller.dispose();
	});

	it('n (or Esc) closes them at once; the run connects again', async () => {
		const {controller, transports, load} = setup(undefined);
		await load();
		await controller.preflight();
		await controller.dismissReview();
		expect(transports[0]!.closedSessions.sort()).toEqual(['node1', 'node2', 'node3']);
		expect(controller.getSnapshot().preflight.reuse?.closed).toBe('closed');
		await controller.startRun();
		expect(transports[1]!.connects.sort()).toEqual(['node1', 'node2', 'node3']);
		await controller.dispose();
	});

	it('--reuse-window 0 holds nothing and the review says nothing about it', async () => {
		const {controller, transports, load} = setup('0');
		await load();
		await controller.preflight();
		expect(controller.getSnapshot().preflight.reuse).toBeUndefined();
		expect(preflightReviewLines(controller.getSnapshot().preflight).some(entry => entry.key === 'reuse')).toBe(false);
		expect(transports[0]!.closedSessions.sort()).toEqual(['node1', 'node2', 'node3']);
		await controller.startRun();
		expect(transports[1]!.connects.sort()).toEqual(['node1', 'node2', 'node3']);
		await controller.dispose();
	});

	it('c then r then y: the health check\'s connections carry through the pre-flight into the run, only the plan\'s nodes', async () => {
		const {controller, transports, load} = setup(undefined, {
			node1: simulatedNode('systemd', {web: 'active'}),
			node2: simulatedNode('systemd', {web: 'active'}),
			node3: simulatedNode('systemd', {web: 'active'}),
			node4: simulatedNode('systemd', {web: 'active'}),
		});
		await load();
		await controller.checkHealth('node[1-4]');
		expect(controller.getSnapshot().notice).toMatch(/^4 of 4 nodes answer; a run reuses 3 open connections until \d\d:\d\d:\d\d$/);
		// node4 is not in the plan: not kept.
		expect(transports[0]!.closedSessions).toEqual(['node4']);
		await controller.preflight();
		await controller.startRun();
		expect(transports).toHaveLength(1);
		expect(transports[0]!.connects.sort()).toEqual(['node1', 'node2', 'node3', 'node4']);
		await controller.dispose();
	});

	it('R right after a run reuses the failed nodes\' connections, and only theirs are kept', async () => {
		let failing = true;
		const flaky = simulatedNode('systemd', {web: 'active'}, {override: command => (failing && command.includes('restart') ? {stderr: 'Job failed', code: 1} : undefined)});
		const {controller, transports} = setup(undefined, {node1: simulatedNode('systemd', {web: 'active'}), node2: flaky, node3: simulatedNode('systemd', {web: 'active'})});
		await controller.loadPlan(writeTemp('- web:\n    state: restart\n    nodes: node[1-3]\n'));
		await controller.startRun();
		expect(controller.getSnapshot().run.failedTasks).toBe(1);
		expect(controller.getSnapshot().notice).toMatch(/; R reuses 1 open connection until \d\d:\d\d:\d\d$/);
		expect(transports[0]!.closedSessions.sort()).toEqual(['node1', 'node3']);
		failing = false;
		await controller.retryFailed();
		expect(transports).toHaveLength(1);
		expect(transports[0]!.connects.sort()).toEqual(['node1', 'node2', 'node3']);
		expect(controller.exitCode()).toBe(0);
		await controller.dispose();
		expect(transports[0]!.closedSessions.sort()).toEqual(['node1', 'node2', 'node3']);
	});

	it('quitting closes what is held', async () => {
		const {controller, transports, load} = setup(undefined);
		await load();
		await controller.preflight();
		await controller.dispose();
		expect(transports[0]!.closedSessions.sort()).toEqual(['node1', 'node2', 'node3']);
	});
});

function writeTemp(text: string): string {
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'svctui-reuse-plan-')), 'plan.yaml');
	writeFileSync(file, text);
	return file;
}

type LoggedEvent = {readonly type: string; readonly node?: string; readonly reused?: boolean};

function readEvents(logPath: string): LoggedEvent[] {
	const text = readFileSync(path.join(logPath, 'events.jsonl'), 'utf8');
	return text
		.split('\n')
		.filter(line => line !== '')
		.map(line => JSON.parse(line) as LoggedEvent);
}
