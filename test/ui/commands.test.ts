import {describe, expect, it} from 'vitest';
import type {PreparedRun} from '../../source/plan/prepare.js';
import {createRunStore, type RunStore} from '../../source/store/run-store.js';
import type {TuiController, TuiState} from '../../source/tui/contract.js';
import {carryOut, commandTable, confirmQuestion} from '../../source/ui/commands.js';
import type {DispatchContext} from '../../source/ui/dispatch.js';
import type {Frame} from '../../source/ui/frame.js';
import {bindings, idleView, type Command, type KeymapView} from '../../source/ui/keymap.js';
import {runGrid} from '../../source/ui/run-view.js';
import {initialUiState, reduceUi, type UiAction, type UiState} from '../../source/ui/ui-state.js';
import {eventBuilder, step} from '../helpers/events.js';

const idleTui: TuiState = {
	plan: {plan: undefined, rows: [], file: 'plan.yaml', problems: [], dirty: false},
	preflight: {status: 'idle', contacted: 0, total: 0, steps: []},
	run: {store: undefined, active: false, kind: 'run', logLines: [], failedTasks: 0},
	health: {status: 'idle', target: 'plan', total: 0, contacted: 0, answered: [], down: []},
};

const row = {line: 1, action: 'restart', services: 'cron', nodes: 'n[1-2]', enabled: true} as unknown as TuiState['plan']['rows'][number];

/** A run with n1 ok and n2 failed, so the grid has a failed cell. */
function finishedRun(): RunStore {
	const ev = eventBuilder();
	const store = createRunStore({flushMs: 0});
	for (const event of [ev.runStarted([step(1, 'restart', ['cron'], ['n1', 'n2'])]), ev.stepStarted(1, ['n1', 'n2']), ev.started('n1', 1, 'cron'), ev.exited('n1', 1, 'cron', 0), ev.started('n2', 1, 'cron'), ev.exited('n2', 1, 'cron', 1)]) {
		store.apply(event);
	}

	return store;
}

type Setup = {readonly ui?: Partial<UiState>; readonly tui?: Partial<TuiState>; readonly view?: Partial<KeymapView>; readonly saved?: string};

/** A context whose dispatches reduce a real UI state and whose controller records each call. */
function harness(setup: Setup = {}) {
	const calls: string[] = [];
	const actions: UiAction[] = [];
	const tui: TuiState = {...idleTui, ...setup.tui};
	let ui: UiState = {...initialUiState, ...setup.ui};
	const controller = new Proxy({} as TuiController, {
		get(_target, name) {
			return (...args: unknown[]) => {
				calls.push(`${String(name)}(${args.map(argument => JSON.stringify(argument)).join(', ')})`);
				return name === 'savePlan' ? Promise.resolve(setup.saved ?? 'saved') : Promise.resolve();
			};
		},
	});
	const run = tui.run.store?.getSnapshot();
	const grid = run === undefined ? undefined : runGrid(run, '', 80);
	const frame = {
		health: {lines: [{key: 'a', text: 'down', kind: 'down', section: 'summary'}, {key: 'b', node: 'n7', text: 'n7', kind: 'node-down', section: 'nodes'}]},
		run: grid ?? {grid: {columns: [], rows: []}, filtered: undefined},
	} as unknown as Frame;
	const context = (): DispatchContext => ({
		ui,
		dispatch(action) {
			actions.push(action);
			ui = reduceUi(ui, action);
		},
		controller,
		tui,
		view: {...idleView, ...setup.view},
		frame,
		exit() {
			calls.push('exit');
		},
	});
	return {
		calls,
		actions,
		get ui() {
			return ui;
		},
		run(command: Command) {
			commandTable[command].run(context());
		},
		context,
	};
}

const off = (command: Command, view: Partial<KeymapView>): string | undefined => commandTable[command].disabledReason?.({...idleView, ...view});
const tick = async () => new Promise(resolve => {
	setTimeout(resolve, 0);
});

describe('the rollout steering commands', () => {
	it('pause, resume and stop ask the controller; fanout and batch size open their prompt', () => {
		const h = harness();
		h.run('rollout.pause');
		h.run('rollout.resume');
		h.run('rollout.stop');
		h.run('canary.continue');
		h.run('canary.stop');
		expect(h.calls).toEqual(['pauseRollout()', 'resumeRollout()', 'stopRollout()', 'answerCanary("continue")', 'answerCanary("stop")']);
		h.run('rollout.fanout');
		expect(h.ui.overlays).toEqual([{kind: 'prompt', purpose: 'fanout'}]);
		h.run('rollout.batch-size');
		expect(h.ui.overlays.at(-1)).toEqual({kind: 'prompt', purpose: 'batch-size'});
	});

	it('are off without a run, once stopping, and pause and resume each only in their state', () => {
		const steering = ['rollout.pause', 'rollout.stop', 'rollout.fanout', 'rollout.batch-size'] as const;
		for (const command of [...steering, 'rollout.resume'] as const) {
			expect(off(command, {runActive: false})).toBe('no run is active');
			expect(off(command, {runActive: true, rolloutStopping: true, rolloutHeld: true})).toBe('the rollout is stopping');
		}

		for (const command of steering) {
			expect(off(command, {runActive: true, rolloutHeld: false})).toBeUndefined();
		}

		expect(off('rollout.pause', {runActive: true, rolloutHeld: true})).toBe('the rollout is paused already: c resumes');
		expect(off('rollout.resume', {runActive: true})).toBe('the rollout is not paused');
		expect(off('rollout.resume', {runActive: true, rolloutHeld: true})).toBeUndefined();
		expect(off('canary.continue', {})).toBeUndefined();
	});

	it('stop asks first; pause does not', () => {
		expect(confirmQuestion('rollout.stop', idleTui, initialUiState)).toEqual({title: 'Stop the rollout?', lines: ['The running batch finishes; no new batch starts and later steps do not run.']});
		const h = harness({ui: {focus: 'run'}, view: {runActive: true}});
		const binding = (key: string) => bindings.find(candidate => candidate.scope === 'run' && candidate.keys.includes(key))!;
		carryOut({kind: 'confirm', command: 'rollout.stop', binding: binding('S')}, h.context());
		expect(h.ui.overlays).toEqual([{kind: 'confirm', command: 'rollout.stop'}]);
		expect(h.calls).toEqual([]);
		commandTable['confirm.yes'].run(h.context());
		expect(h.calls).toEqual(['stopRollout()']);
		expect(h.ui.overlays).toEqual([]);
	});
});

describe('the other commands', () => {
	it('quit aborts a run and exits, asking while a run is active or edits are unsaved', () => {
		const h = harness();
		h.run('app.quit');
		expect(h.calls).toEqual(['abortRun()', 'exit']);
		const ask = commandTable['app.quit'].confirm?.when;
		expect([ask?.(idleView), ask?.({...idleView, runActive: true}), ask?.({...idleView, planDirty: true})]).toEqual([false, true, true]);
		expect(confirmQuestion('app.quit', {...idleTui, run: {...idleTui.run, active: true}}, initialUiState).title).toBe('Quit while a run is active?');
		expect(confirmQuestion('app.quit', idleTui, initialUiState)).toEqual({title: 'Quit with unsaved plan changes?', lines: ['The changes to plan.yaml are lost; n goes back, and s saves them.']});
		expect(confirmQuestion('app.quit', {...idleTui, plan: {...idleTui.plan, file: undefined}}, initialUiState).lines[0]).toContain('the new plan');
	});

	it('opens overlays and moves focus', () => {
		const h = harness();
		h.run('app.help');
		h.run('app.show-log');
		h.run('nodes.filter');
		expect(h.ui.overlays.map(overlay => overlay.kind)).toEqual(['help', 'log', 'filter']);
		h.run('overlay.close');
		h.run('confirm.no');
		expect(h.ui.overlays.map(overlay => overlay.kind)).toEqual(['help']);
		const panes = harness();
		panes.run('pane.next');
		expect(panes.ui.focus).toBe('health');
		panes.run('pane.prev');
		expect(panes.ui.focus).toBe('plan');
		for (const [command, pane] of [['pane.focus-run', 'run'], ['pane.focus-health', 'health'], ['pane.focus-plan', 'plan']] as const) {
			panes.run(command);
			expect(panes.ui.focus).toBe(pane);
		}

		panes.run('output.toggle-follow');
		panes.run('output.toggle-gather');
		expect(panes.ui).toMatchObject({follow: false, gathered: true});
	});

	it('moves in the focused list: up, down, top, bottom, pages', () => {
		const h = harness({tui: {plan: {...idleTui.plan, rows: [row, row, row, row]}}});
		h.run('list.down');
		h.run('list.down');
		expect(h.ui.selectedStep).toBe(2);
		h.run('list.up');
		expect(h.ui.selectedStep).toBe(1);
		h.run('list.bottom');
		expect(h.ui.selectedStep).toBe(3);
		h.run('list.top');
		expect(h.ui.selectedStep).toBe(0);
		h.run('list.page-down');
		expect(h.ui.selectedStep).toBe(3);
		h.run('list.page-up');
		expect(h.ui.selectedStep).toBe(0);
	});

	it('selects a node from the health list or the run grid, and finds the next failed one', () => {
		const health = harness({ui: {focus: 'health', cursor: {health: 1, run: 0}}});
		health.run('nodes.select');
		expect(health.ui).toMatchObject({focus: 'run', selectedNode: 'n7'});
		const summary = harness({ui: {focus: 'health'}});
		summary.run('nodes.select');
		expect(summary.actions).toEqual([]);

		const noRun = harness({ui: {focus: 'run'}});
		noRun.run('nodes.select');
		noRun.run('nodes.next-failed');
		noRun.run('grid.right');
		expect(noRun.actions).toEqual([{type: 'move-column', delta: 1, length: 0}]);

		const store = finishedRun();
		const h = harness({ui: {focus: 'run'}, tui: {run: {...idleTui.run, store}}});
		h.run('nodes.select');
		expect(h.ui.selectedNode).toBe('n1');
		h.run('nodes.next-failed');
		expect(h.actions.slice(-2)).toEqual([{type: 'set-grid-cursor', row: 0, column: 1}, {type: 'select-node', node: 'n2'}]);
		h.run('grid.left');
		expect(h.ui.gridColumn).toBe(0);
		h.run('grid.right');
		h.run('grid.right');
		expect(h.ui.gridColumn).toBe(1);

		const ev = eventBuilder();
		const allOk = createRunStore({flushMs: 0});
		for (const event of [ev.runStarted([step(1, 'restart', ['cron'], ['n1'])]), ev.stepStarted(1, ['n1']), ev.started('n1', 1, 'cron'), ev.exited('n1', 1, 'cron', 0)]) {
			allOk.apply(event);
		}

		const none = harness({ui: {focus: 'run'}, tui: {run: {...idleTui.run, store: allOk}}});
		none.run('nodes.next-failed');
		expect(none.ui.notice).toBe('no failed node');
	});

	it('r opens the review and starts the pre-flight; y runs, asking for a typed count past 10 stop/restart nodes', async () => {
		const h = harness();
		h.run('run.start');
		expect(h.ui.overlays).toEqual([{kind: 'review'}]);
		expect(h.calls).toEqual(['preflight()']);
		expect(commandTable['run.start'].dangerous).toBe(true);
		expect([off('run.start', {runActive: true}), off('run.start', {steps: 0}), off('run.start', {})]).toEqual(['a run is already active', 'the plan has no steps', undefined]);

		const none = harness({ui: {overlays: [{kind: 'review'}]}});
		none.run('review.run');
		expect(none.ui.overlays).toEqual([]);
		expect(none.calls).toEqual([]);

		const prepared = (count: number) => ({steps: [step(1, 'restart', ['cron'], Array.from({length: count}, (_, index) => `n${index}`))]}) as unknown as PreparedRun;
		const small = harness({ui: {overlays: [{kind: 'review'}], selectedNode: 'n1', cursor: {health: 0, run: 3}}, tui: {preflight: {...idleTui.preflight, prepared: prepared(10)}}});
		small.run('review.run');
		expect(small.ui).toMatchObject({overlays: [], focus: 'run', selectedNode: undefined, cursor: {health: 0, run: 0}, gridColumn: 0});
		expect(small.calls).toEqual(['startRun()']);
		const big = harness({ui: {overlays: [{kind: 'review'}]}, tui: {preflight: {...idleTui.preflight, prepared: prepared(11)}}});
		big.run('review.run');
		expect(big.ui.overlays).toEqual([{kind: 'confirm', command: 'review.run', typeCount: 11}]);
		expect(big.calls).toEqual([]);
		await tick();
	});

	it('abort and retry ask first, and say when they are off', () => {
		const h = harness({ui: {selectedNode: 'n2', cursor: {health: 0, run: 2}}});
		h.run('run.abort');
		h.run('run.retry-failed');
		expect(h.calls).toEqual(['abortRun()', 'retryFailed()']);
		expect(h.ui).toMatchObject({focus: 'run', selectedNode: undefined, cursor: {health: 0, run: 0}});
		expect(confirmQuestion('run.abort', idleTui, initialUiState).title).toBe('Abort the run?');
		expect(confirmQuestion('run.retry-failed', {...idleTui, run: {...idleTui.run, failedTasks: 1}}, initialUiState).title).toBe('Retry 1 failed task?');
		expect(confirmQuestion('run.retry-failed', {...idleTui, run: {...idleTui.run, failedTasks: 3}}, initialUiState)).toEqual({title: 'Retry 3 failed tasks?', lines: ['Only the failed services run again, only on the nodes where they failed.']});
		expect([off('run.abort', {}), off('run.abort', {runActive: true})]).toEqual(['no run is active', undefined]);
		expect([off('run.retry-failed', {runActive: true, failedNodes: 2}), off('run.retry-failed', {}), off('run.retry-failed', {failedNodes: 1})]).toEqual(['wait for the run to finish', 'no failed nodes', undefined]);
	});

	it('edits the plan: forms, delete, moves, toggle, open; not while a run is active or the file is broken', () => {
		const rows = [row, row, row];
		const h = harness({ui: {selectedStep: 2}, tui: {plan: {...idleTui.plan, rows, plan: {} as TuiState['plan']['plan']}}});
		h.run('plan.add-step');
		expect(h.ui.overlays.at(-1)).toEqual({kind: 'form', form: 'add-step'});
		h.run('plan.edit-step');
		expect(h.ui.overlays.at(-1)).toEqual({kind: 'form', form: 'edit-step', step: 2});
		h.run('plan.open-file');
		expect(h.ui.overlays.at(-1)).toEqual({kind: 'prompt', purpose: 'open-file'});
		h.run('plan.toggle-step');
		h.run('plan.move-down');
		h.run('plan.move-up');
		h.run('plan.move-up');
		h.run('plan.delete-step');
		expect(h.calls).toEqual(['toggleStep(2)', 'moveStep(2, -1)', 'moveStep(1, -1)', 'deleteStep(0)']);
		expect(h.ui.selectedStep).toBe(0);
		const last = harness({ui: {selectedStep: 2}, tui: {plan: {...idleTui.plan, rows}}});
		last.run('plan.delete-step');
		expect(last.ui.selectedStep).toBe(1);
		expect(confirmQuestion('plan.delete-step', {...idleTui, plan: {...idleTui.plan, rows}}, {...initialUiState, selectedStep: 1})).toEqual({title: 'Delete step 2 (restart cron)?', lines: ['The file changes only when you save (s).']});
		expect(confirmQuestion('plan.delete-step', idleTui, initialUiState).title).toBe('Delete step 1?');

		const broken = harness({tui: {plan: {...idleTui.plan, problems: [{message: 'bad'} as TuiState['plan']['problems'][number]]}}});
		broken.run('plan.add-step');
		broken.run('plan.edit-step');
		expect(broken.ui.overlays).toEqual([]);
		expect(broken.ui.notice).toBe('the plan file has errors: press e to fix it in $EDITOR, or o to open another');

		expect([off('plan.add-step', {runActive: true}), off('plan.add-step', {})]).toEqual(['the plan is locked while a run is active', undefined]);
		expect([off('plan.edit-step', {steps: 0}), off('plan.delete-step', {runActive: true}), off('plan.toggle-step', {})]).toEqual(['the plan has no steps', 'the plan is locked while a run is active', undefined]);
		expect([off('plan.open-file', {runActive: true}), off('plan.edit-external', {hasPlanFile: false}), off('plan.edit-external', {runActive: true, hasPlanFile: false})]).toEqual([
			'the plan is locked while a run is active',
			'this run has no plan file',
			'the plan is locked while a run is active',
		]);
	});

	it('saves, asks to overwrite a file changed on disk, reloads it', async () => {
		const h = harness();
		h.run('plan.save');
		await tick();
		expect(h.calls).toEqual(['savePlan()']);
		expect(h.ui.overlays).toEqual([]);
		const changed = harness({saved: 'changed-on-disk'});
		changed.run('plan.save');
		await tick();
		expect(changed.ui.overlays).toEqual([{kind: 'confirm', command: 'plan.overwrite'}]);
		changed.run('plan.overwrite');
		expect(changed.calls.at(-1)).toBe('savePlan({"overwrite":true})');
		changed.run('plan.reload');
		expect(changed.ui.overlays).toEqual([]);
		expect(changed.calls.at(-1)).toBe('loadPlan("plan.yaml")');
		const noFile = harness({tui: {plan: {...idleTui.plan, file: undefined}}});
		noFile.run('plan.reload');
		expect(noFile.calls).toEqual([]);
		noFile.run('plan.edit-external');
		expect(noFile.calls).toEqual(['editExternal()']);
		expect(commandTable['plan.overwrite'].confirm?.when?.(idleView)).toBe(false);
		expect(confirmQuestion('plan.overwrite', idleTui, initialUiState).title).toBe('plan.yaml changed on disk since it was opened');
		expect(confirmQuestion('plan.overwrite', noFile.context().tui, initialUiState).title).toBe('The plan file changed on disk since it was opened');
		expect([off('plan.save', {hasPlanFile: false, planDirty: true}), off('plan.save', {}), off('plan.save', {planDirty: true})]).toEqual(['this run has no plan file', 'no unsaved changes', undefined]);
		expect([off('plan.reload', {}), off('plan.reload', {overwriteAsked: true})]).toEqual(['only when the plan file changed on disk', undefined]);
	});

	it('checks health: again on its target, other nodes, and excludes the down ones', () => {
		const h = harness();
		h.run('health.recheck');
		h.run('health.exclude-down');
		const typed = harness({tui: {health: {...idleTui.health, target: 'web[1-2]'}}});
		typed.run('health.recheck');
		typed.run('health.set-nodes');
		expect([...h.calls, ...typed.calls]).toEqual(['checkHealth()', 'excludeDownNodes()', 'checkHealth("web[1-2]")']);
		expect(typed.ui.overlays).toEqual([{kind: 'prompt', purpose: 'health-nodes'}]);
		expect([off('health.exclude-down', {runActive: true, downNodes: 2}), off('health.exclude-down', {}), off('health.exclude-down', {downNodes: 1})]).toEqual(['the plan is locked while a run is active', 'no nodes are down', undefined]);
	});

	it('y on a question runs what it asked about; the field keys do nothing themselves', () => {
		const h = harness({ui: {overlays: [{kind: 'help'}, {kind: 'confirm', command: 'run.abort'}]}});
		h.run('confirm.yes');
		expect(h.calls).toEqual(['abortRun()']);
		expect(h.ui.overlays).toEqual([{kind: 'help'}]);
		h.run('confirm.yes');
		expect(h.calls).toEqual(['abortRun()']);
		expect(h.ui.overlays).toEqual([]);
		for (const command of ['confirm.type-count', 'filter.apply', 'form.next-field', 'form.prev-field', 'form.submit'] as const) {
			h.run(command);
		}

		expect(h.actions).toHaveLength(2);
		expect(confirmQuestion('nodes.filter', idleTui, initialUiState)).toEqual({title: 'nodes.filter?', lines: []});
	});
});

describe('carryOut', () => {
	const binding = bindings.find(candidate => candidate.command === 'run.abort')!;

	it('does nothing for an unhandled key, and says why a disabled one is off', () => {
		const h = harness();
		carryOut({kind: 'unhandled'}, h.context());
		expect(h.actions).toEqual([]);
		carryOut({kind: 'disabled', reason: 'no run is active', binding}, h.context());
		expect(h.ui.notice).toBe('abort run: no run is active');
	});

	it('asks first, and the same key again on its own question means yes', () => {
		const h = harness();
		carryOut({kind: 'confirm', command: 'run.abort', binding}, h.context());
		expect(h.ui.overlays).toEqual([{kind: 'confirm', command: 'run.abort'}]);
		expect(h.calls).toEqual([]);
		carryOut({kind: 'confirm', command: 'run.abort', binding}, h.context());
		expect(h.ui.overlays).toEqual([]);
		expect(h.calls).toEqual(['abortRun()']);
	});

	it('a typed-count question is not answered by its key again; a command without a question runs at once', () => {
		const h = harness({ui: {overlays: [{kind: 'confirm', command: 'run.abort', typeCount: 12}]}});
		carryOut({kind: 'confirm', command: 'run.abort', binding}, h.context());
		expect(h.ui.overlays).toHaveLength(2);
		const start = harness();
		carryOut({kind: 'confirm', command: 'run.start', binding}, start.context());
		expect(start.ui.overlays).toEqual([{kind: 'review'}]);
		carryOut({kind: 'run', command: 'app.help', binding}, start.context());
		expect(start.ui.overlays.at(-1)).toEqual({kind: 'help'});
	});

	it('background work that fails ends in the footer', async () => {
		const h = harness();
		const failing = {...h.context(), controller: {...h.context().controller, preflight: async () => Promise.reject(new Error('no nodes'))}} as DispatchContext;
		commandTable['run.start'].run(failing);
		await tick();
		expect(h.actions.at(-1)).toEqual({type: 'notify', text: 'error: no nodes'});
	});
});
