import {Box, Text, useApp, useInput} from 'ink';
import {useEffect, useReducer, useRef, useSyncExternalStore} from 'react';
import {assertNever} from '../errors.js';
import {ConfirmDialog} from './components/confirm-dialog.js';
import {Footer} from './components/footer.js';
import {HelpOverlay} from './components/help-overlay.js';
import {TooSmall} from './components/too-small.js';
import type {TuiController} from '../tui/contract.js';
import {carryOut, confirmQuestion} from './commands.js';
import {keymapViewOf, startRun, type DispatchContext} from './dispatch.js';
import {HelpKeyContext} from './help-key.js';
import {ControllerContext} from './hooks/use-controller.js';
import {resolveKey, toKeyPress, type KeyPress} from './keymap.js';
import {isTypedText} from './key-press.js';
import {computeFrame, type Frame} from './frame.js';
import {useRunState} from './hooks/use-run.js';
import type {PaneId, Rect} from './layout.js';
import {HealthPane} from './panes/health-pane.js';
import {LogOverlay} from './panes/log-overlay.js';
import {CanaryOverlay} from './panes/canary-overlay.js';
import {PlanPane} from './panes/plan-pane.js';
import {PromptOverlay} from './panes/prompt-overlay.js';
import {ReviewOverlay} from './panes/review-overlay.js';
import {RunPane} from './panes/run-pane.js';
import {StepForm} from './panes/step-form.js';
import {draftOf} from '../plan/edit.js';
import {steeringCount, steeringPrompt} from './rollout-lines.js';
import {useTerminalSizeContext} from './terminal-size-context.js';
import {paint, statusStyle, useTheme} from './theme.js';
import {initialUiState, reduceUi, scopesOf, type Overlay, type UiAction, type UiState} from './ui-state.js';

export type AppProps = {
	readonly controller: TuiController;
	/** `--read-only`: the dangerous keys are off. @default false */
	readonly readOnly?: boolean;
	/** Open with the review up and the pre-flight started (`svctui --plan FILE`). @default false */
	readonly startWithReview?: boolean;
	/**
	 * Where the UI state survives a remount: the app is unmounted while $EDITOR has the terminal and
	 * mounted again after, and comes back on the same pane. @default a fresh state
	 */
	readonly uiMemory?: {current: UiState | undefined};
	/** Rows left empty under the app (tui.tsx keeps one: a frame as tall as the terminal makes Ink clear the screen on every frame). @default 0 */
	readonly spareRows?: number;
};

/**
 * The full-screen app: providers, the one key handler, and the layout switch. Everything else lives in
 * the panes (drawing), `dispatch.ts` (what commands do), `keymap.ts`, `ui-state.ts` and the controller.
 */
export function App({controller, readOnly = false, startWithReview = false, uiMemory, spareRows = 0}: AppProps) {
	const terminal = useTerminalSizeContext();
	const size = {columns: terminal.columns, rows: Math.max(1, terminal.rows - spareRows)};
	const theme = useTheme();
	const {exit} = useApp();
	const tui = useSyncExternalStore(controller.subscribe, controller.getPublished);
	const [ui, dispatchUi] = useReducer(reduceUi, undefined, () => uiMemory?.current ?? (startWithReview ? reduceUi(initialUiState, {type: 'push-overlay', overlay: {kind: 'review'}}) : initialUiState));
	if (uiMemory) {
		uiMemory.current = ui;
	}

	// Keys that arrive in one chunk (tmux send-keys, a paste) are handled before React re-renders: keep the
	// state they act on current by reducing here too, so `r` then `y` sees the review `r` opened.
	const uiRef = useRef(ui);
	uiRef.current = ui;
	const dispatch = (action: UiAction): void => {
		uiRef.current = reduceUi(uiRef.current, action);
		dispatchUi(action);
	};

	// The canary's question comes up when the run waits for it, and goes once answered (or the run ended).
	const canaryWaiting = tui.run.canary !== undefined;
	useEffect(() => {
		dispatch({type: 'sync-canary', waiting: canaryWaiting});
	}, [canaryWaiting]);

	const openHelp = (): void => {
		dispatch({type: 'push-overlay', overlay: {kind: 'help'}});
	};

	const view = keymapViewOf(tui, readOnly, ui);
	const runState = useRunState(tui.run.store);
	const glyphs = {ok: statusStyle(theme, 'ok').glyph, unreachable: statusStyle(theme, 'unreachable').glyph};
	/** The one layout pass for a UI state: what the panes draw and what the keys move and page by. */
	const frameOf = (current: UiState): Frame => {
		const snapshot = controller.getSnapshot();
		const store = snapshot.run.store;
		return computeFrame({size, terminal, ui: current, tui: snapshot, run: store?.getSnapshot() ?? runState, output: store?.output, view: keymapViewOf(snapshot, readOnly, current), glyphs});
	};

	const frame = computeFrame({size, terminal, ui, tui, run: runState, output: tui.run.store?.output, view, glyphs});
	const {layout} = frame;
	const context = (current: UiState): DispatchContext => ({
		ui: current,
		dispatch,
		controller,
		tui: controller.getSnapshot(),
		view: keymapViewOf(controller.getSnapshot(), readOnly, current),
		// Keys that arrive before the next render act on the state they found: lay that state out. A run
		// that streamed on since the last render does not count: the key acts on the screen the admin saw,
		// and laying out 5,000 nodes again for every key press made keys slower while a run streams.
		frame: current === ui && controller.getPublished() === tui ? frame : frameOf(current),
		exit,
	});

	const handleKey = (press: KeyPress): void => {
		const current = uiRef.current;
		const resolution = resolveKey(press, scopesOf(current), keymapViewOf(controller.getSnapshot(), readOnly, current));
		// Notices are transient: a key dismisses the last one, the UI's and the sessions' alike.
		dispatch({type: 'notify', text: undefined});
		controller.setNotice(undefined);
		carryOut(resolution, context(current));
	};

	useInput(
		(input, key) => {
			// Printable keys that arrive in one chunk (key repeat over a slow SSH link, tmux send-keys, a
			// paste) reach us as one string: take them one by one, as typed. Once one opens a text field the
			// rest was not meant as commands, and is dropped.
			if (isTypedText(input, key)) {
				for (const char of input) {
					if (uiRef.current.mode !== 'normal') {
						return;
					}

					// Tab and Enter inside a burst are keys too (`j<Tab>k` from a paste or tmux send-keys).
					handleKey(char === '\t' ? toKeyPress('', {tab: true}) : char === '\r' ? toKeyPress('\r', {return: true}) : toKeyPress(char, {}));
				}

				return;
			}

			handleKey(toKeyPress(input, key));
		},
		{isActive: ui.mode === 'normal'},
	);

	if (layout.kind === 'too-small') {
		return <TooSmall size={layout.size} need={layout.need} />;
	}

	const bodyHeight = size.rows - layout.footer.height;
	const top = ui.overlays.at(-1);
	const pane = (id: PaneId, rect: Rect, ruleLeft = false) => {
		const focused = ui.focus === id && top === undefined;
		switch (id) {
			case 'plan': {
				return <PlanPane key={id} plan={tui.plan} selected={ui.selectedStep} focused={focused} width={rect.width} height={rect.height} />;
			}

			case 'health': {
				return <HealthPane key={id} health={tui.health} lines={frame.health.lines} cursor={ui.cursor.health} focused={focused} width={rect.width} height={rect.height} {...(ui.nodeMap.healthDrill === undefined ? {} : {drill: ui.nodeMap.healthDrill.key})} />;
			}

			case 'run': {
				return <RunPane key={id} run={tui.run} ui={ui} frame={frame.run} focused={focused} width={rect.width} height={rect.height} ruleLeft={ruleLeft} />;
			}

			default: {
				return assertNever(id);
			}
		}
	};

	const overlay = (shown: Overlay, onTop: boolean) => {
		const width = Math.min(size.columns, Math.max(60, Math.floor(size.columns * 0.8)));
		switch (shown.kind) {
			case 'help': {
				return <HelpOverlay width={size.columns} height={bodyHeight} scroll={ui.helpScroll} view={view} lines={frame.help.lines} />;
			}

			case 'log': {
				return <LogOverlay run={tui.run} lines={frame.log.lines} width={size.columns} height={bodyHeight} scroll={ui.logScroll} />;
			}

			case 'review': {
				return <ReviewOverlay plan={tui.plan} preflight={tui.preflight} lines={frame.review.lines} scroll={ui.reviewScroll} width={size.columns} height={bodyHeight} />;
			}

			case 'confirm': {
				const question = confirmQuestion(shown.command, tui, ui);
				return shown.typeCount === undefined ? (
					<ConfirmDialog title={question.title} lines={question.lines} variant={{kind: 'yes-no'}} width={width} />
				) : (
					<ConfirmDialog
						isFocused={onTop}
						title={`Stop or restart services on ${shown.typeCount} nodes?`}
						lines={['This is more than 10 nodes: type the count to go ahead.']}
						variant={{kind: 'type-count', count: shown.typeCount}}
						width={width}
						onConfirm={() => {
							dispatch({type: 'pop-overlay'});
							startRun(context(uiRef.current));
						}}
						onCancel={() => {
							dispatch({type: 'pop-overlay'});
							void controller.dismissReview().catch(() => undefined); // the held connections close; nothing to tell
						}}
					/>
				);
			}

			case 'filter': {
				return (
					<PromptOverlay
						isActive={onTop}
						title="Filter the grid's nodes: a node set, or part of a name (empty shows all)"
						label="Nodes"
						initial={ui.filter}
						width={width}
						onSubmit={value => {
							dispatch({type: 'pop-overlay'});
							dispatch({type: 'set-filter', filter: value});
						}}
						onCancel={() => {
							dispatch({type: 'pop-overlay'});
						}}
					/>
				);
			}

			case 'canary': {
				return tui.run.canary === undefined ? null : <CanaryOverlay run={tui.run} canary={tui.run.canary} width={size.columns} height={bodyHeight} />;
			}

			case 'prompt': {
				if (shown.purpose === 'fanout' || shown.purpose === 'batch-size') {
					const purpose = shown.purpose;
					return (
						<PromptOverlay
							isActive={onTop}
							{...steeringPrompt(purpose, tui.run.rollout)}
							width={width}
							onSubmit={value => {
								const count = steeringCount(value);
								if (count !== undefined) {
									dispatch({type: 'pop-overlay'});
									if (purpose === 'fanout') {
										controller.setRolloutFanout(count);
									} else {
										controller.setRolloutBatchSize(count);
									}
								}
							}}
							onCancel={() => {
								dispatch({type: 'pop-overlay'});
							}}
						/>
					);
				}

				const open = shown.purpose === 'open-file';
				return (
					<PromptOverlay
						isActive={onTop}
						title={open ? 'Open a plan file' : 'Check which nodes? A node set; empty checks the plan\'s nodes'}
						label={open ? 'File' : 'Nodes'}
						initial={open ? (tui.plan.file ?? '') : tui.health.target === 'plan' ? '' : tui.health.target}
						width={width}
						{...(open
							? {}
							: {
									validate(value: string) {
										if (value.trim() === '') {
											return {ok: true, hint: 'the plan\'s nodes'};
										}

										const check = controller.validateNodeSet(value);
										return check.ok ? {ok: true, hint: `${check.count} node${check.count === 1 ? '' : 's'}: ${check.folded}`} : {ok: false, message: check.message};
									},
								})}
						onSubmit={value => {
							dispatch({type: 'pop-overlay'});
							if (open) {
								void controller.loadPlan(value.trim()).catch((error: unknown) => {
									dispatch({type: 'notify', text: `error: ${String(error)}`});
								});
							} else {
								dispatch({type: 'focus-pane', pane: 'health'});
								void controller.checkHealth(value).catch((error: unknown) => {
									dispatch({type: 'notify', text: `error: ${String(error)}`});
								});
							}
						}}
						onCancel={() => {
							dispatch({type: 'pop-overlay'});
						}}
					/>
				);
			}

			case 'form': {
				const at = shown.form === 'edit-step' ? shown.step : undefined;
				const step = at === undefined ? undefined : tui.plan.plan?.steps[at];
				return (
					<StepForm
						isActive={onTop}
						title={at === undefined ? 'Add a step' : `Edit step ${at + 1}`}
						initial={draftOf(step)}
						width={width}
						validateNodes={expression => controller.validateNodeSet(expression)}
						onSubmit={draft => {
							const saved = controller.putStep(at, draft);
							if (saved) {
								dispatch({type: 'pop-overlay'});
								dispatch({type: 'select-step', index: at ?? controller.getSnapshot().plan.rows.length - 1});
							}

							return saved;
						}}
						onCancel={() => {
							dispatch({type: 'pop-overlay'});
						}}
					/>
				);
			}

			default: {
				return assertNever(shown);
			}
		}
	};

	let body;
	if (top !== undefined) {
		// Only the top overlay shows, but those beneath stay mounted (hidden, taking no keys): a form or a
		// prompt keeps what was typed while the help is over it.
		body = ui.overlays.map((shown, index) => {
			const onTop = index === ui.overlays.length - 1;
			return (
				// eslint-disable-next-line react/no-array-index-key
				<Box key={`${index}${shown.kind}`} display={onTop ? 'flex' : 'none'} flexDirection="column">
					{overlay(shown, onTop)}
				</Box>
			);
		});
	} else if (layout.kind === 'split') {
		body = (
			<Box>
				<Box flexDirection="column">
					{pane('plan', layout.plan)}
					{pane('health', layout.health)}
				</Box>
				{pane('run', layout.run, true)}
			</Box>
		);
	} else {
		body = (
			<Box flexDirection="column">
				{(['plan', 'health', 'run'] as const).map(id =>
					id === layout.focused ? (
						pane(id, layout.main)
					) : (
						<Text key={id} wrap="truncate" color={paint(theme, 'gray')}>
							{collapsedTitle(id, tui)}
						</Text>
					),
				)}
			</Box>
		);
	}

	return (
		<ControllerContext.Provider value={controller}>
			<HelpKeyContext.Provider value={openHelp}>
			<Box flexDirection="column" width={size.columns} height={size.rows}>
				<Box height={bodyHeight} flexDirection="column" overflow="hidden">
					{body}
				</Box>
				<Footer scopes={scopesOf(ui)} view={view} width={size.columns} {...((ui.notice ?? tui.notice) === undefined ? {} : {notice: ui.notice ?? tui.notice})} />
			</Box>
			</HelpKeyContext.Provider>
		</ControllerContext.Provider>
	);
}


/** A collapsed pane's one line in the stacked layout: its key, name and the gist. */
function collapsedTitle(id: PaneId, tui: ReturnType<TuiController['getSnapshot']>): string {
	switch (id) {
		case 'plan': {
			return ` 1 Plan: ${tui.plan.file ?? 'new plan'}, ${tui.plan.rows.length} step${tui.plan.rows.length === 1 ? '' : 's'}${tui.plan.problems.length > 0 ? `, ${tui.plan.problems.length} problem(s)` : ''}${tui.plan.dirty ? ' (modified)' : ''}`;
		}

		case 'health': {
			const {health} = tui;
			return ` 2 Health: ${health.status === 'idle' ? 'not checked' : health.status === 'running' ? `checking ${health.contacted}/${health.total}` : `${health.answered.length} of ${health.total} answer`}`;
		}

		case 'run': {
			const {run} = tui;
			return ` 3 Run: ${run.store === undefined ? 'no run yet' : run.active ? 'running' : `finished (exit ${run.exitCode ?? '?'})`}`;
		}

		default: {
			return assertNever(id);
		}
	}
}
