import {assertNever} from '../errors.js';
import type {TuiController, TuiState} from '../tui/contract.js';
import type {Frame} from './frame.js';
import type {Command, KeymapView} from './keymap.js';
import {blastRadius, blastRadiusThreshold} from '../executor/predict.js';
import {nodeAt, nextFailed} from './run-view.js';
import type {UiAction, UiState} from './ui-state.js';

/** What a command needs to act: the UI state and its reducer, the controller, and the frame on screen. */
export type DispatchContext = {
	readonly ui: UiState;
	readonly dispatch: (action: UiAction) => void;
	readonly controller: TuiController;
	readonly tui: TuiState;
	readonly view: KeymapView;
	/** The one layout pass of this state: list lengths and page sizes come from what the panes draw. */
	readonly frame: Frame;
	readonly exit: () => void;
};

/** Errors of the controller's async work end in the footer, never as an unhandled rejection. */
function background(context: DispatchContext, work: Promise<unknown>): void {
	work.catch((error: unknown) => {
		context.controller.setNotice(`error: ${error instanceof Error ? error.message : String(error)}`);
	});
}

/** The kinds of pane list the cursor keys move in. */
function listLength(context: DispatchContext): number {
	const {ui, tui} = context;
	switch (ui.focus) {
		case 'plan': {
			return tui.plan.rows.length;
		}

		case 'health': {
			return context.frame.health.lines.length;
		}

		case 'run': {
			return tui.run.store ? context.frame.run.grid.rows.length : 0;
		}

		default: {
			return assertNever(ui.focus);
		}
	}
}

/** The overlay on top's scrolling list, or undefined when no scrolling overlay is on top. */
function overlayList(context: DispatchContext): {readonly total: number; readonly visible: number; readonly scroll: (delta: number, total: number, visible: number) => UiAction} | undefined {
	const {frame} = context;
	const top = context.ui.overlays.at(-1)?.kind;
	switch (top) {
		case 'help': {
			return {total: frame.help.lines.length, visible: frame.help.visible, scroll: (delta, total, visible) => ({type: 'scroll-help', delta, total, visible})};
		}

		case 'review': {
			return {total: frame.review.lines.length, visible: frame.review.visible, scroll: (delta, total, visible) => ({type: 'scroll-review', delta, total, visible})};
		}

		case 'log': {
			return {total: frame.log.lines.length, visible: frame.log.visible, scroll: (delta, total, visible) => ({type: 'scroll-log', delta, total, visible})};
		}

		case 'filter':
		case 'confirm':
		case 'form':
		case 'prompt':
		case undefined: {
			return undefined;
		}

		default: {
			return assertNever(top);
		}
	}
}

function move(context: DispatchContext, delta: number): void {
	const list = overlayList(context);
	if (list === undefined) {
		context.dispatch({type: 'move-cursor', delta, length: listLength(context)});
	} else {
		context.dispatch(list.scroll(delta, list.total, list.visible));
	}
}

/** g/G: the top or the end of the overlay on top, else of the focused pane's list. */
function moveToEnd(context: DispatchContext, end: 'top' | 'bottom'): void {
	if (overlayList(context) !== undefined) {
		move(context, end === 'top' ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER);
	} else if (end === 'top') {
		context.dispatch({type: 'cursor-top'});
	} else {
		context.dispatch({type: 'cursor-bottom', length: listLength(context)});
	}
}

function scrollOutput(context: DispatchContext, pages: number): void {
	const {ui, tui, frame} = context;
	const list = overlayList(context);
	if (list !== undefined) {
		move(context, pages * list.visible);
		return;
	}

	if (ui.focus !== 'run' || !tui.run.store || ui.selectedNode === undefined) {
		move(context, pages * 10);
		return;
	}

	// A page is what the output area shows, from the same frame the pane draws.
	const {visible, rows} = frame.run.output;
	context.dispatch({type: 'scroll-output', delta: -pages * Math.max(1, visible), total: rows.length, visible});
}

/** A file with errors is fixed in $EDITOR, not through the form (the form would lose what it cannot read). */
function planBroken(context: DispatchContext): boolean {
	const {plan} = context.tui;
	if (plan.plan === undefined && plan.problems.length > 0) {
		context.controller.setNotice('the plan file has errors: press e to fix it in $EDITOR, or o to open another');
		return true;
	}

	return false;
}

/** The facts the keymap's enablement reads, from the app's state. */
export function keymapViewOf(tui: TuiState, readOnly: boolean): KeymapView {
	return {
		runActive: tui.run.active,
		readOnly,
		failedNodes: tui.run.active ? 0 : tui.run.failedTasks,
		steps: tui.plan.rows.length,
		downNodes: tui.health.down.reduce((sum, group) => sum + group.nodes.length, 0),
		planDirty: tui.plan.dirty,
		hasPlanFile: tui.plan.file !== undefined,
	};
}

/** The question a yes/no confirmation asks before `command`, and what it will do. */
export function confirmQuestion(command: Command, tui: TuiState, ui: UiState): {title: string; lines: string[]} {
	switch (command) {
		case 'app.quit': {
			return tui.run.active
				? {title: 'Quit while a run is active?', lines: ['The run is aborted first: no new work starts; results so far are in the log.']}
				: {title: 'Quit with unsaved plan changes?', lines: [`The changes to ${tui.plan.file ?? 'the new plan'} are lost; n goes back, and s saves them.`]};
		}

		case 'run.abort': {
			return {title: 'Abort the run?', lines: ['No new work starts and running commands are stopped; the results so far are kept.']};
		}

		case 'run.retry-failed': {
			return {title: `Retry ${tui.run.failedTasks} failed task${tui.run.failedTasks === 1 ? '' : 's'}?`, lines: ['Only the failed services run again, only on the nodes where they failed.']};
		}

		case 'plan.delete-step': {
			const row = tui.plan.rows[ui.selectedStep];
			return {title: `Delete step ${ui.selectedStep + 1}${row ? ` (${row.action} ${row.services})` : ''}?`, lines: ['The file changes only when you save (s).']};
		}

		// No key asks before these (run.start asks through the review and the typed count); should one
		// start to, it gets its own question above rather than this generic one.
		case 'app.help':
		case 'app.show-log':
		case 'pane.next':
		case 'pane.prev':
		case 'pane.focus-plan':
		case 'pane.focus-health':
		case 'pane.focus-run':
		case 'list.up':
		case 'list.down':
		case 'list.top':
		case 'list.bottom':
		case 'list.page-up':
		case 'list.page-down':
		case 'nodes.select':
		case 'nodes.filter':
		case 'nodes.next-failed':
		case 'grid.left':
		case 'grid.right':
		case 'output.toggle-follow':
		case 'output.toggle-gather':
		case 'run.start':
		case 'plan.add-step':
		case 'plan.edit-step':
		case 'plan.move-up':
		case 'plan.move-down':
		case 'plan.toggle-step':
		case 'plan.open-file':
		case 'plan.save':
		case 'plan.edit-external':
		case 'health.recheck':
		case 'health.set-nodes':
		case 'health.exclude-down':
		case 'overlay.close':
		case 'confirm.yes':
		case 'confirm.no':
		case 'confirm.type-count':
		case 'filter.apply':
		case 'form.next-field':
		case 'form.prev-field':
		case 'form.submit': {
			return {title: `${command}?`, lines: []};
		}

		default: {
			return assertNever(command);
		}
	}
}

/** Start the run the review shows, and watch it. */
function startRun(context: DispatchContext): void {
	context.dispatch({type: 'focus-pane', pane: 'run'});
	context.dispatch({type: 'set-grid-cursor', row: 0, column: 0});
	context.dispatch({type: 'select-node', node: undefined});
	background(context, context.controller.startRun());
}

/** Carry out a command the keymap resolved (already confirmed where it needed to be). */
export function runCommand(command: Command, context: DispatchContext): void {
	const {ui, dispatch, controller, tui} = context;
	switch (command) {
		case 'app.quit': {
			controller.abortRun();
			context.exit();
			return;
		}

		case 'app.help': {
			dispatch({type: 'push-overlay', overlay: {kind: 'help'}});
			return;
		}

		case 'app.show-log': {
			dispatch({type: 'push-overlay', overlay: {kind: 'log'}});
			return;
		}

		case 'pane.next': {
			dispatch({type: 'focus-next'});
			return;
		}

		case 'pane.prev': {
			dispatch({type: 'focus-prev'});
			return;
		}

		case 'pane.focus-plan': {
			dispatch({type: 'focus-pane', pane: 'plan'});
			return;
		}

		case 'pane.focus-health': {
			dispatch({type: 'focus-pane', pane: 'health'});
			return;
		}

		case 'pane.focus-run': {
			dispatch({type: 'focus-pane', pane: 'run'});
			return;
		}

		case 'list.up': {
			move(context, -1);
			return;
		}

		case 'list.down': {
			move(context, 1);
			return;
		}

		case 'list.top': {
			moveToEnd(context, 'top');
			return;
		}

		case 'list.bottom': {
			moveToEnd(context, 'bottom');
			return;
		}

		case 'list.page-up': {
			scrollOutput(context, -1);
			return;
		}

		case 'list.page-down': {
			scrollOutput(context, 1);
			return;
		}

		case 'nodes.select': {
			if (ui.focus === 'health') {
				const line = context.frame.health.lines[ui.cursor.health];
				if (line?.node !== undefined) {
					dispatch({type: 'focus-pane', pane: 'run'});
					dispatch({type: 'select-node', node: line.node});
				}

				return;
			}

			if (tui.run.store) {
				const {grid, filtered} = context.frame.run;
				dispatch({type: 'select-node', node: nodeAt(filtered, grid, ui.cursor.run, ui.gridColumn)});
			}

			return;
		}

		case 'nodes.next-failed': {
			if (!tui.run.store) {
				return;
			}

			const {grid, filtered} = context.frame.run;
			const found = nextFailed(filtered, grid, ui.cursor.run, ui.gridColumn);
			if (found) {
				dispatch({type: 'set-grid-cursor', row: found.row, column: found.column});
				dispatch({type: 'select-node', node: found.node});
			} else {
				controller.setNotice('no failed node');
			}

			return;
		}

		case 'grid.left':
		case 'grid.right': {
			const length = tui.run.store ? context.frame.run.grid.columns.length : 0;
			dispatch({type: 'move-column', delta: command === 'grid.left' ? -1 : 1, length});
			return;
		}

		case 'nodes.filter': {
			dispatch({type: 'push-overlay', overlay: {kind: 'filter'}});
			return;
		}

		case 'output.toggle-follow': {
			dispatch({type: 'toggle-follow'});
			return;
		}

		case 'output.toggle-gather': {
			dispatch({type: 'toggle-gathered'});
			return;
		}

		case 'run.start': {
			// The review is this command's confirmation: it shows what will happen and asks for y.
			dispatch({type: 'push-overlay', overlay: {kind: 'review'}});
			background(context, controller.preflight());
			return;
		}

		case 'run.abort': {
			controller.abortRun();
			return;
		}

		case 'run.retry-failed': {
			dispatch({type: 'focus-pane', pane: 'run'});
			dispatch({type: 'select-node', node: undefined});
			dispatch({type: 'set-grid-cursor', row: 0, column: 0});
			background(context, controller.retryFailed());
			return;
		}

		case 'plan.add-step': {
			if (planBroken(context)) {
				return;
			}

			dispatch({type: 'push-overlay', overlay: {kind: 'form', form: 'add-step'}});
			return;
		}

		case 'plan.edit-step': {
			if (planBroken(context)) {
				return;
			}

			dispatch({type: 'push-overlay', overlay: {kind: 'form', form: 'edit-step', step: ui.selectedStep}});
			return;
		}

		case 'plan.delete-step': {
			controller.deleteStep(ui.selectedStep);
			dispatch({type: 'select-step', index: Math.min(ui.selectedStep, Math.max(0, tui.plan.rows.length - 2))});
			return;
		}

		case 'plan.move-up':
		case 'plan.move-down': {
			const delta = command === 'plan.move-up' ? -1 : 1;
			const to = ui.selectedStep + delta;
			if (to >= 0 && to < tui.plan.rows.length) {
				controller.moveStep(ui.selectedStep, delta);
				dispatch({type: 'select-step', index: to});
			}

			return;
		}

		case 'plan.toggle-step': {
			controller.toggleStep(ui.selectedStep);
			return;
		}

		case 'plan.open-file': {
			dispatch({type: 'push-overlay', overlay: {kind: 'prompt', purpose: 'open-file'}});
			return;
		}

		case 'plan.save': {
			background(context, controller.savePlan());
			return;
		}

		case 'plan.edit-external': {
			background(context, controller.editExternal());
			return;
		}

		case 'health.recheck': {
			background(context, controller.checkHealth(tui.health.target === 'plan' ? undefined : tui.health.target));
			return;
		}

		case 'health.set-nodes': {
			dispatch({type: 'push-overlay', overlay: {kind: 'prompt', purpose: 'health-nodes'}});
			return;
		}

		case 'health.exclude-down': {
			controller.excludeDownNodes();
			return;
		}

		case 'overlay.close': {
			dispatch({type: 'pop-overlay'});
			return;
		}

		case 'confirm.yes': {
			const top = ui.overlays.at(-1);
			dispatch({type: 'pop-overlay'});
			if (top?.kind === 'review') {
				const prepared = tui.preflight.prepared;
				if (prepared === undefined) {
					return;
				}

				const radius = blastRadius(prepared.steps);
				if (radius > blastRadiusThreshold) {
					dispatch({type: 'push-overlay', overlay: {kind: 'confirm', command: 'run.start', typeCount: radius}});
					return;
				}

				startRun(context);
			} else if (top?.kind === 'confirm') {
				if (top.command === 'run.start') {
					startRun(context);
				} else {
					runCommand(top.command, context);
				}
			}

			return;
		}

		case 'confirm.no': {
			dispatch({type: 'pop-overlay'});
			return;
		}

		// Handled by the text fields themselves while their overlay is open (edit mode).
		case 'filter.apply':
		case 'confirm.type-count':
		case 'form.next-field':
		case 'form.prev-field':
		case 'form.submit': {
			return;
		}

		default: {
			assertNever(command);
		}
	}
}

/** Start the confirmed run (the type-count dialog calls this). */
export function startConfirmedRun(context: DispatchContext): void {
	startRun(context);
}
