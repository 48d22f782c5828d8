import {blastRadius, blastRadiusThreshold} from '../executor/predict.js';
import {assertNever} from '../errors.js';
import type {TuiState} from '../tui/contract.js';
import {background, move, moveToEnd, planBroken, scrollOutput, startRun, type DispatchContext} from './dispatch.js';
import type {Command, KeymapView, Resolution} from './keymap.js';
import {goBack, moveSideways, nextFailedInRun, selectInHealth, selectInRun, toggleMapView} from './node-map-keys.js';
import type {UiState} from './ui-state.js';

export type Question = {readonly title: string; readonly lines: readonly string[]};

/**
 * What a command is, in one place (lazygit keeps binding, handler and reason together): what it does,
 * when it is off and why, and how it is confirmed. The keymap says which keys reach it, where.
 */
export type CommandSpec = {
	/** Carry it out; it has been confirmed where it needed to be. */
	readonly run: (context: DispatchContext) => void;
	/** Why it does nothing right now, or undefined when it is enabled (lazygit's GetDisabledReason). */
	readonly disabledReason?: (view: KeymapView) => string | undefined;
	/** Changes nodes: always confirmed first, and off under `--read-only` (k9s's Dangerous). */
	readonly dangerous?: boolean;
	/**
	 * Asks first: when `when` holds (dangerous commands always). `question` is the yes/no dialog; without
	 * one the command is its own confirmation (r opens the review, which asks for y).
	 */
	readonly confirm?: {readonly when?: (view: KeymapView) => boolean; readonly question?: (tui: TuiState, ui: UiState) => Question};
};

const locked = (view: KeymapView): string | undefined => (view.runActive ? 'the plan is locked while a run is active' : undefined);
const needsStep = (view: KeymapView): string | undefined => locked(view) ?? (view.steps === 0 ? 'the plan has no steps' : undefined);
const steerable = (view: KeymapView): string | undefined => (!view.runActive ? 'no run is active' : view.rolloutStopping === true ? 'the rollout is stopping' : undefined);
const needsFile = (view: KeymapView): string | undefined => (view.hasPlanFile ? undefined : 'this run has no plan file');
/** Handled by a text field while its overlay has the keyboard (edit mode); listed for the footer and help. */
const fieldKey: CommandSpec = {run: () => undefined};

/** Every command. A new key is one binding in keymap.ts and, for a new command, one entry here. */
export const commandTable: {readonly [C in Command]: CommandSpec} = {
	'app.quit': {
		run(context) {
			context.controller.abortRun();
			context.exit();
		},
		// A run is aborted first; plan edits not saved are lost (vim and lazygit ask too).
		confirm: {
			when: view => view.runActive || view.planDirty,
			question: tui =>
				tui.run.active
					? {title: 'Quit while a run is active?', lines: ['The run is aborted first: no new work starts; results so far are in the log.']}
					: {title: 'Quit with unsaved plan changes?', lines: [`The changes to ${tui.plan.file ?? 'the new plan'} are lost; n goes back, and s saves them.`]},
		},
	},
	'app.help': {run: context => context.dispatch({type: 'push-overlay', overlay: {kind: 'help'}})},
	'app.show-log': {run: context => context.dispatch({type: 'push-overlay', overlay: {kind: 'log'}})},
	'pane.next': {run: context => context.dispatch({type: 'focus-next'})},
	'pane.prev': {run: context => context.dispatch({type: 'focus-prev'})},
	'pane.focus-plan': {run: context => context.dispatch({type: 'focus-pane', pane: 'plan'})},
	'pane.focus-health': {run: context => context.dispatch({type: 'focus-pane', pane: 'health'})},
	'pane.focus-run': {run: context => context.dispatch({type: 'focus-pane', pane: 'run'})},
	'list.up': {run: context => move(context, -1)},
	'list.down': {run: context => move(context, 1)},
	'list.top': {run: context => moveToEnd(context, 'top')},
	'list.bottom': {run: context => moveToEnd(context, 'bottom')},
	'list.page-up': {run: context => scrollOutput(context, -1)},
	'list.page-down': {run: context => scrollOutput(context, 1)},
	'nodes.select': {
		run(context) {
			if (context.ui.focus === 'health') {
				selectInHealth(context);
			} else if (context.tui.run.store) {
				selectInRun(context);
			}
		},
	},
	'nodes.filter': {run: context => context.dispatch({type: 'push-overlay', overlay: {kind: 'filter'}})},
	'nodes.next-failed': {
		run(context) {
			if (context.tui.run.store) {
				nextFailedInRun(context);
			}
		},
	},
	'nodes.back': {run: goBack},
	'nodes.toggle-map': {run: toggleMapView},
	'grid.left': {run: context => moveSideways(context, -1)},
	'grid.right': {run: context => moveSideways(context, 1)},
	'output.toggle-follow': {run: context => context.dispatch({type: 'toggle-follow'})},
	'output.toggle-gather': {run: context => context.dispatch({type: 'toggle-gathered'})},
	'run.start': {
		// The review is this command's confirmation: it shows what will happen and asks for y.
		run(context) {
			context.dispatch({type: 'push-overlay', overlay: {kind: 'review'}});
			background(context, context.controller.preflight());
		},
		dangerous: true,
		confirm: {},
		disabledReason: view => (view.runActive ? 'a run is already active' : view.steps === 0 ? 'the plan has no steps' : undefined),
	},
	'run.abort': {
		run: context => context.controller.abortRun(),
		dangerous: true,
		confirm: {question: () => ({title: 'Abort the run?', lines: ['No new work starts and running commands are stopped; the results so far are kept.']})},
		disabledReason: view => (view.runActive ? undefined : 'no run is active'),
	},
	'run.retry-failed': {
		run(context) {
			context.dispatch({type: 'focus-pane', pane: 'run'});
			context.dispatch({type: 'select-node', node: undefined});
			context.dispatch({type: 'set-grid-cursor', row: 0, column: 0});
			context.dispatch({type: 'node-map', action: {type: 'new-run'}});
			background(context, context.controller.retryFailed());
		},
		dangerous: true,
		confirm: {
			question: tui => ({title: `Retry ${tui.run.failedTasks} failed task${tui.run.failedTasks === 1 ? '' : 's'}?`, lines: ['Only the failed services run again, only on the nodes where they failed.']}),
		},
		disabledReason: view => (view.runActive ? 'wait for the run to finish' : view.failedNodes === 0 ? 'no failed nodes' : undefined),
	},
	'rollout.pause': {
		run: context => context.controller.pauseRollout(),
		disabledReason: view => steerable(view) ?? (view.rolloutHeld === true ? 'the rollout is paused already: c resumes' : undefined),
	},
	'rollout.resume': {
		run: context => context.controller.resumeRollout(),
		disabledReason: view => steerable(view) ?? (view.rolloutHeld === true ? undefined : 'the rollout is not paused'),
	},
	'rollout.stop': {
		run: context => context.controller.stopRollout(),
		confirm: {question: () => ({title: 'Stop the rollout?', lines: ['The running batch finishes; no new batch starts and later steps do not run.']})},
		disabledReason: steerable,
	},
	'rollout.fanout': {run: context => context.dispatch({type: 'push-overlay', overlay: {kind: 'prompt', purpose: 'fanout'}}), disabledReason: steerable},
	'rollout.batch-size': {run: context => context.dispatch({type: 'push-overlay', overlay: {kind: 'prompt', purpose: 'batch-size'}}), disabledReason: steerable},
	// The canary's question closes by itself once answered (the app follows `run.canary`).
	'canary.continue': {run: context => context.controller.answerCanary('continue')},
	'canary.stop': {run: context => context.controller.answerCanary('stop')},
	'review.run': {
		// y in the review: a stop or restart on many nodes first asks for the node count to be typed.
		run(context) {
			context.dispatch({type: 'pop-overlay'});
			const prepared = context.tui.preflight.prepared;
			if (prepared === undefined) {
				return;
			}

			const radius = blastRadius(prepared.steps);
			if (radius > blastRadiusThreshold) {
				context.dispatch({type: 'push-overlay', overlay: {kind: 'confirm', command: 'review.run', typeCount: radius}});
			} else {
				startRun(context);
			}
		},
	},
	'plan.add-step': {
		run(context) {
			if (!planBroken(context)) {
				context.dispatch({type: 'push-overlay', overlay: {kind: 'form', form: 'add-step'}});
			}
		},
		disabledReason: locked,
	},
	'plan.edit-step': {
		run(context) {
			if (!planBroken(context)) {
				context.dispatch({type: 'push-overlay', overlay: {kind: 'form', form: 'edit-step', step: context.ui.selectedStep}});
			}
		},
		disabledReason: needsStep,
	},
	'plan.delete-step': {
		run(context) {
			const {ui, tui} = context;
			context.controller.deleteStep(ui.selectedStep);
			context.dispatch({type: 'select-step', index: Math.min(ui.selectedStep, Math.max(0, tui.plan.rows.length - 2))});
		},
		confirm: {
			question(tui, ui) {
				const row = tui.plan.rows[ui.selectedStep];
				return {title: `Delete step ${ui.selectedStep + 1}${row ? ` (${row.action} ${row.services})` : ''}?`, lines: ['The file changes only when you save (s).']};
			},
		},
		disabledReason: needsStep,
	},
	'plan.move-up': {run: context => moveStep(context, -1), disabledReason: needsStep},
	'plan.move-down': {run: context => moveStep(context, 1), disabledReason: needsStep},
	'plan.toggle-step': {run: context => context.controller.toggleStep(context.ui.selectedStep), disabledReason: needsStep},
	'plan.open-file': {run: context => context.dispatch({type: 'push-overlay', overlay: {kind: 'prompt', purpose: 'open-file'}}), disabledReason: locked},
	'plan.save': {
		run(context) {
			// Never over someone else's change without asking: the question offers overwrite or reload.
			background(
				context,
				context.controller.savePlan().then(outcome => {
					if (outcome === 'changed-on-disk') {
						context.dispatch({type: 'push-overlay', overlay: {kind: 'confirm', command: 'plan.overwrite'}});
					}
				}),
			);
		},
		disabledReason: view => needsFile(view) ?? (view.planDirty ? undefined : 'no unsaved changes'),
	},
	'plan.overwrite': {
		run: context => background(context, context.controller.savePlan({overwrite: true})),
		// Asked by s itself when the file changed on disk; no key reaches it otherwise.
		confirm: {
			when: () => false,
			question: tui => ({
				title: `${tui.plan.file ?? 'The plan file'} changed on disk since it was opened`,
				lines: ['y: write your edits over it', 'r: reload it from disk, dropping your edits', 'n: neither for now (nothing is written)'],
			}),
		},
	},
	'plan.reload': {
		run(context) {
			context.dispatch({type: 'pop-overlay'});
			if (context.tui.plan.file !== undefined) {
				background(context, context.controller.loadPlan(context.tui.plan.file));
			}
		},
		disabledReason: view => (view.overwriteAsked === true ? undefined : 'only when the plan file changed on disk'),
	},
	'plan.edit-external': {run: context => background(context, context.controller.editExternal()), disabledReason: view => locked(view) ?? needsFile(view)},
	'health.recheck': {run: context => background(context, context.controller.checkHealth(context.tui.health.target === 'plan' ? undefined : context.tui.health.target))},
	'health.set-nodes': {run: context => context.dispatch({type: 'push-overlay', overlay: {kind: 'prompt', purpose: 'health-nodes'}})},
	'health.exclude-down': {
		run: context => context.controller.excludeDownNodes(),
		disabledReason: view => locked(view) ?? (view.downNodes === 0 ? 'no nodes are down' : undefined),
	},
	'overlay.close': {run: context => context.dispatch({type: 'pop-overlay'})},
	'confirm.yes': {
		run(context) {
			const top = context.ui.overlays.at(-1);
			context.dispatch({type: 'pop-overlay'});
			if (top?.kind === 'confirm') {
				commandTable[top.command].run(context);
			}
		},
	},
	'confirm.no': {
		run(context) {
			// `n` on the review (or on the count asked after it): the connections held for the run close now.
			const top = context.ui.overlays.at(-1);
			if (top?.kind === 'review' || (top?.kind === 'confirm' && top.command === 'review.run')) background(context, context.controller.dismissReview());
			context.dispatch({type: 'pop-overlay'});
		},
	},
	'confirm.type-count': fieldKey,
	'filter.apply': fieldKey,
	'form.next-field': fieldKey,
	'form.prev-field': fieldKey,
	'form.submit': fieldKey,
};

function moveStep(context: DispatchContext, delta: number): void {
	const {ui, tui} = context;
	const to = ui.selectedStep + delta;
	if (to >= 0 && to < tui.plan.rows.length) {
		context.controller.moveStep(ui.selectedStep, delta);
		context.dispatch({type: 'select-step', index: to});
	}
}

/** The yes/no question before `command`. */
export function confirmQuestion(command: Command, tui: TuiState, ui: UiState): Question {
	return commandTable[command].confirm?.question?.(tui, ui) ?? {title: `${command}?`, lines: []};
}

/** What a resolved key does: a notice when disabled, the question first when it asks, else the command. */
export function carryOut(resolution: Resolution, context: DispatchContext): void {
	switch (resolution.kind) {
		case 'unhandled': {
			return;
		}

		case 'disabled': {
			context.dispatch({type: 'notify', text: `${resolution.binding.label}: ${resolution.reason}`});
			return;
		}

		case 'confirm': {
			const spec = commandTable[resolution.command];
			const top = context.ui.overlays.at(-1);
			// The same key again on its own question (a second Ctrl-C) means yes.
			const askedAlready = top?.kind === 'confirm' && top.typeCount === undefined && top.command === resolution.command;
			if (askedAlready) {
				context.dispatch({type: 'pop-overlay'});
			}

			if (askedAlready || spec.confirm?.question === undefined) {
				spec.run(context);
			} else {
				context.dispatch({type: 'push-overlay', overlay: {kind: 'confirm', command: resolution.command}});
			}

			return;
		}

		case 'run': {
			commandTable[resolution.command].run(context);
			return;
		}

		default: {
			assertNever(resolution);
		}
	}
}
