import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {CommandIO} from '../../source/commands/io.js';
import {parseRunOptions} from '../../source/commands/options.js';
import {tuiSettings} from '../../source/commands/prepare.js';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {GroupResolver} from '../../source/nodeset/index.js';
import {createTuiController} from '../../source/tui/controller.js';
import {waitFor} from '../helpers/ink.js';
import {FakeTransport, simulatedNode, type FakeNode} from '../helpers/fake-transport.js';

const slow = (): FakeNode => simulatedNode('systemd', {cron: 'active'}, {override: command => (command === 'systemctl restart -- cron' ? {delayMs: 20} : undefined)});

function setup(flags: Record<string, unknown> = {}) {
	const dir = mkdtempSync(path.join(tmpdir(), 'svctui-steer-'));
	const io: CommandIO = {stdout: {write: () => true}, stderr: {write: () => true}, env: {}, cwd: dir};
	const cluster = {n1: slow(), n2: slow(), n3: slow(), n4: slow()};
	const resolver = new GroupResolver();
	const controller = createTuiController(tuiSettings(parseRunOptions({logDir: path.join(dir, 'logs'), ...flags}, {}), io, resolver), {
		resolver,
		transportFactory: () => new FakeTransport(cluster),
		flushMs: 1,
	});
	const events = (): ExecutorEvent[] => {
		const logs = path.join(dir, 'logs');
		const folder = readdirSync(logs).find(name => name.startsWith('log_')) ?? '';
		return readFileSync(path.join(logs, folder, 'events.jsonl'), 'utf8').trim().split('\n').map(line => JSON.parse(line) as ExecutorEvent);
	};

	return {dir, controller, events};
}

const batches = (events: readonly ExecutorEvent[]): string[] => events.flatMap(event => (event.type === 'batch-started' ? [`${event.batch}/${event.batches} ${event.nodes.join(',')}${event.fanout === undefined ? '' : ` fanout ${event.fanout}`}`] : []));

describe('the app\'s rollout session', () => {
	it('asks the canary in the state, waits for the answer, and stops on s', async () => {
		const {dir, controller, events} = setup();
		writeFileSync(path.join(dir, 'plan.yaml'), '- cron:\n    state: restart\n    nodes: n[1-3]\n    canary: 1\n');
		await controller.loadPlan('plan.yaml');
		const running = controller.startRun();
		await waitFor(() => controller.getSnapshot().run.canary !== undefined);
		expect(controller.getSnapshot().run.canary).toMatchObject({step: 1, nodes: ['n1'], remaining: 2, counts: {ok: 1, failed: 0}});
		expect(controller.getSnapshot().run.rollout).toMatchObject({step: 1, done: 1, batches: 2, waiting: 'canary'});
		controller.answerCanary('stop');
		expect(controller.getSnapshot().run.canary).toBeUndefined();
		expect(controller.getSnapshot().notice).toBe('canary rejected: the rollout stops; the later batches do not run');
		await running;
		expect(batches(events())).toEqual(['1/2 n1']);
		expect(controller.getSnapshot().run.rollout?.stopped).toMatch(/^canary-stopped: /);
		controller.answerCanary('continue');
		expect(controller.getSnapshot().notice).toBe('no canary waits for an answer');
		await controller.dispose();
	});

	it('S while the canary waits answers it with stop', async () => {
		const {dir, controller, events} = setup();
		writeFileSync(path.join(dir, 'plan.yaml'), '- cron:\n    state: restart\n    nodes: n[1-3]\n    canary: 1\n');
		await controller.loadPlan('plan.yaml');
		const running = controller.startRun();
		await waitFor(() => controller.getSnapshot().run.canary !== undefined);
		controller.stopRollout();
		await running;
		expect(events().find(event => event.type === 'canary-decided')).toMatchObject({decision: 'stop'});
		expect(batches(events())).toEqual(['1/2 n1']);
		await controller.dispose();
	});

	it('pauses after the batch, takes a fanout and a batch size while held, resumes', async () => {
		const {dir, controller, events} = setup();
		writeFileSync(path.join(dir, 'plan.yaml'), '- cron:\n    state: restart\n    nodes: n[1-4]\n    serial: 1\n');
		await controller.loadPlan('plan.yaml');
		controller.pauseRollout();
		expect(controller.getSnapshot().notice).toBe('pause: no run is active');
		const running = controller.startRun();
		await waitFor(() => controller.getSnapshot().run.rollout?.running === 1);
		controller.pauseRollout();
		expect(controller.getSnapshot().notice).toBe('pausing after the current batch: c resumes');
		await waitFor(() => controller.getSnapshot().run.rollout?.waiting === 'held');
		expect(controller.getSnapshot().run.rollout?.settings).toEqual({hold: true, stop: false, waiting: true});
		controller.setRolloutFanout(1);
		expect(controller.getSnapshot().notice).toBe('fanout 1 from the next batch on');
		controller.setRolloutBatchSize(2);
		expect(controller.getSnapshot().notice).toBe('batches of 2 nodes from the next batch on');
		controller.resumeRollout();
		expect(controller.getSnapshot().notice).toBe('resumed: the next batch starts');
		await running;
		expect(batches(events())).toEqual(['1/4 n1', '2/3 n2,n3 fanout 1', '3/3 n4 fanout 1']);
		expect(controller.getSnapshot().run.rollout?.settings).toEqual({hold: false, stop: false, waiting: false, fanout: 1, batchSize: 2});
		controller.stopRollout();
		expect(controller.getSnapshot().notice).toBe('stop: no run is active');
		await controller.dispose();
	});

	it('S stops after the running batch', async () => {
		const {dir, controller, events} = setup();
		writeFileSync(path.join(dir, 'plan.yaml'), '- cron:\n    state: restart\n    nodes: n[1-3]\n    serial: 1\n');
		await controller.loadPlan('plan.yaml');
		const running = controller.startRun();
		await waitFor(() => controller.getSnapshot().run.rollout?.running === 1);
		controller.stopRollout();
		expect(controller.getSnapshot().notice).toBe('stopping: the running batch finishes, no new batch starts');
		controller.pauseRollout();
		expect(controller.getSnapshot().notice).toBe('the rollout is stopping already');
		await running;
		expect(batches(events())).toEqual(['1/3 n1']);
		expect(controller.getSnapshot().run.exitCode).toBe(1);
		await controller.dispose();
	});

	it('--limit and --pick narrow what the app reviews and runs, and the state says how', async () => {
		const {dir, controller} = setup({limit: 'n[2-4]', pick: '2'});
		expect(controller.getSnapshot().narrowedBy).toBe('--limit n[2-4] --pick 2');
		writeFileSync(path.join(dir, 'plan.yaml'), '- cron:\n    state: status\n    nodes: n[1-4]\n');
		await controller.loadPlan('plan.yaml');
		await controller.preflight();
		const nodes = controller.getSnapshot().preflight.prepared?.steps[0]?.nodes ?? [];
		expect(nodes).toHaveLength(2);
		expect(nodes.every(node => ['n2', 'n3', 'n4'].includes(node))).toBe(true);

		const none = setup({limit: 'x1'});
		writeFileSync(path.join(none.dir, 'plan.yaml'), '- cron:\n    state: status\n    nodes: n[1-4]\n');
		await none.controller.loadPlan('plan.yaml');
		await none.controller.preflight();
		expect(none.controller.getSnapshot().preflight.status).toBe('failed');
		expect(none.controller.getSnapshot().notice).toBe('--limit "x1" leaves none of the nodes (n[1-4]); nothing was run');
		await controller.dispose();
		await none.controller.dispose();
	});
});
