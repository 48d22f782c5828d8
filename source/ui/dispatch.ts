import {assertNever} from '../errors.js';
import type {TuiController, TuiState} from '../tui/contract.js';
import type {Frame} from './frame.js';
import type {KeymapView} from './keymap.js';
import {moveOnMap} from './node-map-keys.js';
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

/**
 * What the commands of `commands.ts` share: the context they act in and the moves and scrolls several of
 * them make.
 */

/** Errors of the controller's async work end in the footer, never as an unhandled rejection. */
export function background(context: DispatchContext, work: Promise<unknown>): void {
	work.catch((error: unknown) => {
		context.dispatch({type: 'notify', text: `error: ${error instanceof Error ? error.message : String(error)}`});
	});
}

/** The kinds of pane list the cursor keys move in. */
export function listLength(context: DispatchContext): number {
	const {ui, tui} = context;
	switch (ui.focus) {
		case 'plan': {
			return tui.plan.rows.length;
		}

		case 'health': {
			return context.frame.health.lines.length;
		}

		case 'run': {
			return tui.run.store ? context.frame.run.listLength : 0;
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
		case 'canary':
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

export function move(context: DispatchContext, delta: number): void {
	const list = overlayList(context);
	if (list === undefined && moveOnMap(context, delta)) {
		return;
	}

	if (list === undefined) {
		context.dispatch({type: 'move-cursor', delta, length: listLength(context)});
	} else {
		context.dispatch(list.scroll(delta, list.total, list.visible));
	}
}

/** g/G: the top or the end of the overlay on top, else of the focused pane's list. */
export function moveToEnd(context: DispatchContext, end: 'top' | 'bottom'): void {
	if (overlayList(context) !== undefined) {
		move(context, end === 'top' ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER);
	} else if (end === 'top') {
		context.dispatch({type: 'cursor-top'});
	} else {
		context.dispatch({type: 'cursor-bottom', length: listLength(context)});
	}
}

export function scrollOutput(context: DispatchContext, pages: number): void {
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
export function planBroken(context: DispatchContext): boolean {
	const {plan} = context.tui;
	if (plan.plan === undefined && plan.problems.length > 0) {
		context.dispatch({type: 'notify', text: 'the plan file has errors: press e to fix it in $EDITOR, or o to open another'});
		return true;
	}

	return false;
}

/** The facts the keymap's enablement reads, from the app's state. */
export function keymapViewOf(tui: TuiState, readOnly: boolean, ui?: UiState): KeymapView {
	const top = ui?.overlays.at(-1);
	return {
		overwriteAsked: tui.plan.changedOnDisk === true && top?.kind === 'confirm' && top.command === 'plan.overwrite',
		runActive: tui.run.active,
		readOnly,
		failedNodes: tui.run.active ? 0 : tui.run.failedTasks,
		steps: tui.plan.rows.length,
		downNodes: tui.health.down.reduce((sum, group) => sum + group.nodes.length, 0),
		planDirty: tui.plan.dirty,
		hasPlanFile: tui.plan.file !== undefined,
		rolloutHeld: tui.run.active && tui.run.rollout?.settings.hold === true,
		rolloutStopping: tui.run.active && tui.run.rollout?.settings.stop === true,
	};
}

/** Start the run the review shows, and watch it. */
export function startRun(context: DispatchContext): void {
	context.dispatch({type: 'focus-pane', pane: 'run'});
	context.dispatch({type: 'set-grid-cursor', row: 0, column: 0});
	context.dispatch({type: 'select-node', node: undefined});
	context.dispatch({type: 'node-map', action: {type: 'new-run'}});
	background(context, context.controller.startRun());
}
