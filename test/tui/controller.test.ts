import {mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {tuiSettings} from '../../source/commands/prepare.js';
import type {TuiController} from '../../source/tui/contract.js';
import {createTuiController} from '../../source/tui/controller.js';
import type {CommandIO} from '../../source/commands/io.js';
import {parseRunOptions} from '../../source/commands/options.js';
import {GroupResolver} from '../../source/nodeset/index.js';
import {selectTaskGroups} from '../../source/store/selectors.js';
import {FakeTransport, simulatedNode, type FakeNode} from '../helpers/fake-transport.js';
import {example2, exampleCluster} from '../ui/app-harness.js';
import {waitFor} from '../helpers/ink.js';

function setup(nodes: () => Record<string, FakeNode> = exampleCluster, extra: {editor?: (file: string) => number} = {}) {
	const dir = mkdtempSync(path.join(tmpdir(), 'svctui-tui-'));
	const io: CommandIO = {stdout: {write: () => true}, stderr: {write: () => true}, env: {}, cwd: dir};
	const transports: FakeTransport[] = [];
	// One cluster for the whole test, so what a run starts stays started (as on real nodes).
	const cluster = nodes();
	const controller = createTuiController(tuiSettings(parseRunOptions({logDir: path.join(dir, 'logs')}, {}), io), {
		resolver: new GroupResolver(),
		transportFactory() {
			const transport = new FakeTransport(cluster);
			transports.push(transport);
			return transport;
		},
		flushMs: 1,
		...(extra.editor ? {runEditor: extra.editor} : {}),
	});
	return {dir, io, controller, transports};
}

function writePlan(dir: string, name: string, text: string): string {
	writeFileSync(path.join(dir, name), text);
	return name;
}


function groupsText(controller: TuiController): string[] {
	return controller.getSnapshot().preflight.steps.flatMap(step => [
		...step.depends.map(entry => `${step.step} needs ${entry.service}: ${entry.groups.map(group => `${group.text} ${group.nodeSet}`).join('; ')}`),
		...step.services.map(entry => `${step.step} ${step.action} ${entry.service}: ${entry.groups.map(group => `${group.text} ${group.nodeSet}`).join('; ')}`),
	]);
}

describe('TUI controller on a fake cluster', () => {
	it('loads a plan, predicts from live state, runs, logs and retries only the failed tasks', async () => {
		const {dir, controller, transports} = setup();
		await controller.loadPlan(writePlan(dir, 'example2.yaml', example2));
		const {plan} = controller.getSnapshot();
		expect(plan.problems).toEqual([]);
		expect(plan.rows.map(row => `${row.index} ${row.action} ${row.services} ${row.nodes} (${row.count}) ${row.depend}`)).toEqual([
			'1 start cron,nginx node[1-3] (3) ssh',
			'2 start ssh node123 (1) ',
			'3 start cron node[1-3] (3) nginx',
			'4 start ssh node[1-3] (3) ',
		]);

		await controller.preflight();
		expect(controller.getSnapshot().preflight.status).toBe('done');
		expect(groupsText(controller)).toEqual([
			'1 needs ssh: running node[1-3]',
			'1 start cron: already running node[1-2]; starts (now stopped) node3',
			'1 start nginx: starts (now stopped) node1; FAILS: not installed node[2-3]',
			'2 start ssh: UNREACHABLE: node123: could not resolve host name node123',
			// Step 1 will have started nginx on node1: the dependency is predicted running there.
			'3 needs nginx: running node1; not installed node[2-3]',
			'3 start cron: already running node1; skips: dependency nginx not installed node[2-3]',
			'4 start ssh: already running node[1-3]',
		]);
		// The pre-flight only asked: it changed nothing.
		expect(transports[0]?.ran.map(call => call.command).filter(command => !command.includes('status') && !command.includes('/run/systemd/system'))).toEqual([]);

		await controller.startRun();
		const {run} = controller.getSnapshot();
		expect(run.active).toBe(false);
		expect(run.exitCode).toBe(1);
		expect(run.logPath && existsSync(path.join(run.logPath, 'events.jsonl'))).toBe(true);
		expect(run.logLines.join('\n')).toContain('nginx');
		const groups = selectTaskGroups(run.store!.getSnapshot()).map(entry => `${entry.step} ${entry.service}: ${entry.groups.map(group => `${group.status} ${group.nodeSet}`).join(', ')}`);
		expect(groups).toEqual([
			'1 cron: ok node[1-3]',
			'1 nginx: ok node1, failed node[2-3]',
			'2 ssh: unreachable node123',
			'3 cron: ok node1, skipped node[2-3]',
			'4 ssh: ok node[1-3]',
		]);
		// The run went on over the pre-flight's connections (connection-reuse.test.ts): only the node that did not
		// answer was tried again, over the same transport.
		expect(transports).toHaveLength(1);
		expect(transports[0]?.connects.sort()).toEqual(['node1', 'node123', 'node123', 'node2', 'node3']);
		expect(run.failedTasks).toBe(2);

		const ranBeforeRetry = transports[0]!.ran.length;
		await controller.retryFailed();
		const retry = controller.getSnapshot().run;
		expect(retry.kind).toBe('retry');
		// The retry too: the failed nodes' connections were kept for it.
		const retried = transports[0]!;
		expect(retried.connects.sort()).toEqual(['node1', 'node123', 'node123', 'node2', 'node3']);
		expect(retried.ran.slice(ranBeforeRetry).map(call => call.command).filter(command => command.includes('start'))).toEqual([
			'systemctl start -- nginx',
			'systemctl start -- nginx',
		]);
		expect(retry.store!.getSnapshot().steps.map(step => `${step.index} ${step.services.join(',')} ${step.nodes.join(',')}`)).toEqual(['1 nginx node2,node3']);
		expect(controller.exitCode()).toBe(1);
		await controller.dispose();
	});

	it('aborts a run: no new work, the results so far are kept', async () => {
		const {dir, controller} = setup(() => ({
			// No barrier between these steps: node1 goes on to its stop at once, which hangs until the abort.
			node1: simulatedNode('systemd', {web: 'active'}, {override: command => (command.includes('stop') ? {hang: true} : undefined)}),
			node2: simulatedNode('systemd', {web: 'active'}, {override: command => (command.includes('restart') ? {hang: true} : undefined)}),
		}));
		await controller.loadPlan(writePlan(dir, 'p.yaml', '- web:\n    state: restart\n    nodes: node[1-2]\n- web:\n    state: stop\n    nodes: node1\n'));
		const running = controller.startRun();
		await waitFor(() => controller.getSnapshot().run.store?.getSnapshot().tasks.get('1|web|node1')?.status === 'ok');
		controller.abortRun();
		await running;
		const snapshot = controller.getSnapshot().run.store!.getSnapshot();
		expect(snapshot.outcome).toBe('aborted');
		expect(snapshot.tasks.get('1|web|node1')?.status).toBe('ok');
		expect(snapshot.tasks.get('1|web|node2')?.status).toBe('cancelled');
		expect(snapshot.tasks.get('2|web|node1')?.status).toBe('cancelled');
		expect(controller.exitCode()).toBe(130);
	});

	it('checks health, groups the down nodes by reason, and excludes them from the plan', async () => {
		const {dir, controller} = setup(() => ({
			...exampleCluster(),
			node4: {connectError: {reason: 'refused', message: 'node4: connection refused'}},
			node5: {connectError: {reason: 'refused', message: 'node5: connection refused'}},
		}));
		await controller.loadPlan(writePlan(dir, 'p.yaml', '- cron:\n    state: restart\n    nodes: node[1-5]\n- ssh:\n    state: reload\n    nodes: node[4-5]\n'));
		await controller.checkHealth('node[1-6]');
		const {health} = controller.getSnapshot();
		expect(health.answered.map(entry => `${entry.node} ${entry.manager}`)).toEqual(['node1 systemd', 'node2 systemd', 'node3 systemd']);
		expect(health.down.map(group => `${group.reason} ${group.nodeSet}: ${group.detail}`)).toEqual([
			'refused node[4-5]: node4: connection refused',
			'dns node6: node6: could not resolve host name',
		]);
		controller.excludeDownNodes();
		const {plan, notice} = controller.getSnapshot();
		expect(plan.rows.map(row => `${row.nodes} ${row.enabled} ${row.count}`)).toEqual(['node[1-5]!node[4-5] true 3', 'node[4-5] false 2']);
		expect(plan.dirty).toBe(true);
		expect(notice).toBe('excluded node[4-6] from step 1; disabled step 2 (no node left); s saves');

		await controller.checkHealth('node[1-');
		expect(controller.getSnapshot().health.error).toMatch(/node\[1-/);
		await controller.checkHealth('');
		expect(controller.getSnapshot().health.target).toBe('plan');
		expect(controller.getSnapshot().health.total).toBe(3);
	});

	it('edits steps through checked drafts and saves YAML that loads back', async () => {
		const {dir, controller} = setup();
		await controller.loadPlan(writePlan(dir, 'p.yaml', '- cron:\n    state: start\n    nodes: node[1-3]\n'));
		expect(controller.putStep(undefined, {services: 'nginx', action: 'reload', nodes: 'node[1-', depend: ''})).toBe(false);
		expect(controller.getSnapshot().notice).toMatch(/^nodes: /);
		expect(controller.checkDraft({services: 'a b', action: 'start', nodes: 'n1', depend: ''})?.field).toBe('services');
		expect(controller.validateNodeSet('node[1-3]!node2')).toEqual({ok: true, count: 2, folded: 'node[1,3]'});
		expect(controller.putStep(undefined, {services: 'nginx, ssh', action: 'reload', nodes: 'node[1-2]', depend: 'cron'})).toBe(true);
		controller.moveStep(1, -1);
		controller.toggleStep(1);
		expect(controller.getSnapshot().plan.rows.map(row => `${row.index} ${row.services} ${row.enabled}`)).toEqual(['1 nginx,ssh true', '2 cron false']);
		await controller.savePlan();
		expect(controller.getSnapshot().plan.dirty).toBe(false);
		expect(readFileSync(path.join(dir, 'p.yaml'), 'utf8')).toBe(
			'- nginx,ssh:\n    state: reload\n    nodes: node[1-2]\n    depend: cron\n- cron:\n    state: start\n    nodes: node[1-3]\n    enabled: false\n',
		);
		controller.deleteStep(0);
		expect(controller.getSnapshot().plan.rows.map(row => row.services)).toEqual(['cron']);
	});

	it('saves a plan emptied in the app, which then opens again', async () => {
		const {dir, controller} = setup();
		await controller.loadPlan(writePlan(dir, 'p.yaml', '# kept\n- cron:\n    state: start\n    nodes: node[1-3]\n'));
		controller.deleteStep(0);
		expect(await controller.savePlan()).toBe('saved');
		expect(readFileSync(path.join(dir, 'p.yaml'), 'utf8')).toBe('# kept\n[]\n');
		await controller.loadPlan('p.yaml');
		expect(controller.getSnapshot().plan).toMatchObject({problems: [], rows: [], dirty: false});
		expect(controller.getSnapshot().notice).toBe('loaded p.yaml: 0 steps');
	});

	it('keeps a byte-order mark and CRLF line ends, and does not take them for a change on disk', async () => {
		const {dir, controller} = setup();
		await controller.loadPlan(writePlan(dir, 'p.yaml', '\uFEFF- cron:\r\n    state: start\r\n    nodes: node1\r\n'));
		controller.toggleStep(0);
		expect(await controller.savePlan()).toBe('saved');
		expect(readFileSync(path.join(dir, 'p.yaml'), 'utf8')).toBe('\uFEFF- cron:\r\n    state: start\r\n    nodes: node1\r\n    enabled: false\r\n');
	});

	it('never saves over a file changed on disk unless told to', async () => {
		const {dir, controller} = setup();
		const file = path.join(dir, 'p.yaml');
		await controller.loadPlan(writePlan(dir, 'p.yaml', '- cron:  # first\n    state: start\n    nodes: node[1-3]\n'));
		controller.toggleStep(0);
		writeFileSync(file, '- ssh:\n    state: start\n    nodes: node1\n');
		expect(await controller.savePlan()).toBe('changed-on-disk');
		expect(controller.getSnapshot().plan.changedOnDisk).toBe(true);
		expect(controller.getSnapshot().plan.dirty).toBe(true);
		expect(readFileSync(file, 'utf8')).toBe('- ssh:\n    state: start\n    nodes: node1\n');
		expect(await controller.savePlan({overwrite: true})).toBe('saved');
		expect(readFileSync(file, 'utf8')).toBe('- cron:  # first\n    state: start\n    nodes: node[1-3]\n    enabled: false\n');
		// Saved: what is on disk is what the app holds, so the next save goes through without asking.
		controller.toggleStep(0);
		expect(await controller.savePlan()).toBe('saved');
		expect(readFileSync(file, 'utf8')).toBe('- cron:  # first\n    state: start\n    nodes: node[1-3]\n');
		// A file deleted meanwhile counts as changed too.
		controller.toggleStep(0);
		rmSync(file);
		expect(await controller.savePlan()).toBe('changed-on-disk');
	});

	it('shows a bad file\'s problems at their steps, and reloads after $EDITOR', async () => {
		let edited = '';
		const {dir, controller} = setup(exampleCluster, {
			editor(file) {
				edited = file;
				writeFileSync(file, '- cron:\n    state: start\n    nodes: node[1-3]\n');
				return 0;
			},
		});
		await controller.loadPlan(writePlan(dir, 'bad.yaml', '- cron:\n    state: start\n    nodes: node[1-3]\n- ssh:\n    state: strat\n    nodes: node1\n'));
		const {plan} = controller.getSnapshot();
		expect(plan.plan).toBeUndefined();
		expect(plan.rows.map(row => `${row.index} ${row.services} ${row.action}`)).toEqual(['1 cron start', '2 ssh strat']);
		expect(plan.problems.map(problem => `${problem.step} ${problem.line}`)).toEqual(['2 5']);
		expect(controller.putStep(undefined, {services: 'x', action: 'start', nodes: 'n1', depend: ''})).toBe(false);
		await controller.preflight();
		expect(controller.getSnapshot().preflight.status).toBe('failed');
		await controller.editExternal();
		expect(edited).toBe(path.join(dir, 'bad.yaml'));
		expect(controller.getSnapshot().plan.problems).toEqual([]);
		expect(controller.getSnapshot().plan.rows).toHaveLength(1);
	});
});
