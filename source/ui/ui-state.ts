import {assertNever} from '../errors.js';
import type {Command, OverlayScope, Scope} from './keymap.js';
import {panes, type PaneId} from './layout.js';
import {initialNodeMapUi, reduceNodeMap, type NodeMapAction, type NodeMapUi} from './node-map-ui.js';

/**
 * Something drawn over the panes. `kind` doubles as the keymap scope it opens.
 * - `confirm`: asks before `command`; with `typeCount`, the user must type that number (the blast-radius
 *   gate for runs on many nodes) instead of pressing y.
 * - `form`: add or edit a plan step (`step` is the 0-based index edited).
 */
export type Overlay =
	| {readonly kind: 'help'}
	| {readonly kind: 'log'}
	| {readonly kind: 'filter'}
	| {readonly kind: 'confirm'; readonly command: Command; readonly typeCount?: number}
	| {readonly kind: 'form'; readonly form: 'add-step' | 'edit-step'; readonly step?: number}
	/** The review before a run: each step, its blast radius and the pre-flight verdicts; `y` runs. */
	| {readonly kind: 'review'}
	/** After a canary batch: its output and verdict, and the question to go on or stop (follows `run.canary`). */
	| {readonly kind: 'canary'}
	/** One line of text: a plan file to open, the node set the health pane checks, or the next batches' fanout or size. */
	| {readonly kind: 'prompt'; readonly purpose: PromptPurpose};

export type PromptPurpose = 'open-file' | 'health-nodes' | 'fanout' | 'batch-size';

/** State of the UI itself (not of the run: that is the store's). */
export type UiState = {
	readonly focus: PaneId;
	/** Bottom first; the last one is on top and gets the keys. */
	readonly overlays: readonly Overlay[];
	/** `edit` while a text field has the keyboard: the app's own key handler is then inactive. */
	readonly mode: 'normal' | 'edit';
	/** 0-based index of the highlighted step in the plan pane. */
	readonly selectedStep: number;
	/** Highlighted row of the health list and of the run grid (0-based). */
	readonly cursor: Readonly<Record<'health' | 'run', number>>;
	/** Highlighted column (node) of the run grid (0-based). */
	readonly gridColumn: number;
	/** The node whose output the run pane shows; undefined shows the gathered or latest output. */
	readonly selectedNode: string | undefined;
	/** The output sticks to its newest line. Scrolling up turns it off; reaching the end turns it on. */
	readonly follow: boolean;
	/** Output lines scrolled up from the newest line (0 = at the end). */
	readonly scroll: number;
	/** Node filter for the grid and lists, as typed (a node set or a substring). */
	readonly filter: string;
	/** Show gathered output (identical outputs folded, clush -b) instead of one node's lines. */
	readonly gathered: boolean;
	/** Rows scrolled down in the help overlay. */
	readonly helpScroll: number;
	/** Rows scrolled down in the review overlay. */
	readonly reviewScroll: number;
	/** Lines of the log overlay scrolled up from its newest line (0 = at the end, following new lines). */
	readonly logScroll: number;
	/** The footer's one line about what a key just did or why it did nothing; the next key clears it. */
	readonly notice?: string;
	/** The run pane's node map and the health groups: view, map cursor, node lists drilled into (node-map-ui.ts). */
	readonly nodeMap: NodeMapUi;
};

export const initialUiState: UiState = {
	focus: 'plan',
	overlays: [],
	mode: 'normal',
	selectedStep: 0,
	cursor: {health: 0, run: 0},
	gridColumn: 0,
	selectedNode: undefined,
	follow: true,
	scroll: 0,
	filter: '',
	gathered: false,
	helpScroll: 0,
	reviewScroll: 0,
	logScroll: 0,
	nodeMap: initialNodeMapUi,
};

/** Things the UI can be told to do. Imperative names; lengths come from the caller, which knows the lists. */
export type UiAction =
	| {readonly type: 'focus-next'}
	| {readonly type: 'focus-prev'}
	| {readonly type: 'focus-pane'; readonly pane: PaneId}
	| {readonly type: 'push-overlay'; readonly overlay: Overlay}
	| {readonly type: 'pop-overlay'}
	/** Move the focused pane's cursor by `delta` rows within a list of `length` rows. */
	| {readonly type: 'move-cursor'; readonly delta: number; readonly length: number}
	/** Move the run grid's column cursor by `delta` within `length` columns. */
	| {readonly type: 'move-column'; readonly delta: number; readonly length: number}
	/** Put the run grid's cursor on a cell (next failed node). */
	| {readonly type: 'set-grid-cursor'; readonly row: number; readonly column: number}
	| {readonly type: 'scroll-review'; readonly delta: number; readonly total: number; readonly visible: number}
	| {readonly type: 'cursor-top'}
	| {readonly type: 'cursor-bottom'; readonly length: number}
	| {readonly type: 'select-step'; readonly index: number}
	| {readonly type: 'select-node'; readonly node: string | undefined}
	| {readonly type: 'toggle-follow'}
	| {readonly type: 'toggle-gathered'}
	/** Scroll the output by `delta` lines (positive = towards older lines) of `total` lines shown `visible` at a time. */
	| {readonly type: 'scroll-output'; readonly delta: number; readonly total: number; readonly visible: number}
	| {readonly type: 'scroll-help'; readonly delta: number; readonly total: number; readonly visible: number}
	/** Scroll the log overlay `delta` lines down (positive = towards newer lines) of `total` shown `visible` at a time. */
	| {readonly type: 'scroll-log'; readonly delta: number; readonly total: number; readonly visible: number}
	| {readonly type: 'set-filter'; readonly filter: string}
	/** Say something in the footer until the next key (undefined clears it). */
	| {readonly type: 'notify'; readonly text: string | undefined}
	/** Show the canary's question while the run waits for it, and take it away once it does not. */
	| {readonly type: 'sync-canary'; readonly waiting: boolean}
	| {readonly type: 'enter-edit'}
	| {readonly type: 'leave-edit'}
	| {readonly type: 'node-map'; readonly action: NodeMapAction};

const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), Math.max(low, high));

/** Overlays whose content is a text field: opening one puts the UI in edit mode. */
const editingOverlays: ReadonlySet<Overlay['kind']> = new Set(['filter', 'form', 'prompt']);

function modeFor(overlays: readonly Overlay[]): UiState['mode'] {
	const top = overlays.at(-1);
	if (top === undefined) {
		return 'normal';
	}

	return editingOverlays.has(top.kind) || (top.kind === 'confirm' && top.typeCount !== undefined) ? 'edit' : 'normal';
}

function moveCursor(state: UiState, to: (current: number) => number): UiState {
	switch (state.focus) {
		case 'plan': {
			return {...state, selectedStep: to(state.selectedStep)};
		}

		case 'health':
		case 'run': {
			return {...state, cursor: {...state.cursor, [state.focus]: to(state.cursor[state.focus])}};
		}

		default: {
			return assertNever(state.focus);
		}
	}
}

/** The UI reducer. Pure; run through `useReducer` in `app.tsx`. */
export function reduceUi(state: UiState, action: UiAction): UiState {
	switch (action.type) {
		case 'focus-next':
		case 'focus-prev': {
			const step = action.type === 'focus-next' ? 1 : panes.length - 1;
			const next = panes[(panes.indexOf(state.focus) + step) % panes.length] ?? state.focus;
			return {...state, focus: next};
		}

		case 'focus-pane': {
			return {...state, focus: action.pane};
		}

		case 'push-overlay': {
			// Opening the same non-modal overlay twice (`?` in help) would stack copies: replace instead.
			const top = state.overlays.at(-1);
			if (top?.kind === action.overlay.kind && (top.kind === 'help' || top.kind === 'log')) {
				return state;
			}

			const overlays = [...state.overlays, action.overlay];
			return {
				...state,
				overlays,
				mode: modeFor(overlays),
				helpScroll: action.overlay.kind === 'help' ? 0 : state.helpScroll,
				reviewScroll: action.overlay.kind === 'review' ? 0 : state.reviewScroll,
				logScroll: action.overlay.kind === 'log' ? 0 : state.logScroll,
			};
		}

		case 'pop-overlay': {
			const overlays = state.overlays.slice(0, -1);
			return {...state, overlays, mode: modeFor(overlays)};
		}

		case 'move-cursor': {
			return moveCursor(state, current => clamp(current + action.delta, 0, action.length - 1));
		}

		case 'move-column': {
			return {...state, gridColumn: clamp(state.gridColumn + action.delta, 0, action.length - 1)};
		}

		case 'set-grid-cursor': {
			return {...state, cursor: {...state.cursor, run: Math.max(0, action.row)}, gridColumn: Math.max(0, action.column)};
		}

		case 'scroll-review': {
			return {...state, reviewScroll: clamp(state.reviewScroll + action.delta, 0, action.total - action.visible)};
		}

		case 'cursor-top': {
			return moveCursor(state, () => 0);
		}

		case 'cursor-bottom': {
			return moveCursor(state, () => Math.max(0, action.length - 1));
		}

		case 'select-step': {
			return {...state, selectedStep: Math.max(0, action.index)};
		}

		case 'select-node': {
			// Picking a node shows its newest lines: follow it from the end.
			return {...state, selectedNode: action.node, gathered: action.node === undefined ? state.gathered : false, follow: true, scroll: 0};
		}

		case 'toggle-follow': {
			return state.follow ? {...state, follow: false} : {...state, follow: true, scroll: 0};
		}

		case 'toggle-gathered': {
			return {...state, gathered: !state.gathered, scroll: 0};
		}

		case 'scroll-output': {
			const scroll = clamp(state.scroll + action.delta, 0, action.total - action.visible);
			return {...state, scroll, follow: scroll === 0};
		}

		case 'scroll-help': {
			return {...state, helpScroll: clamp(state.helpScroll + action.delta, 0, action.total - action.visible)};
		}

		case 'scroll-log': {
			return {...state, logScroll: clamp(state.logScroll - action.delta, 0, action.total - action.visible)};
		}

		case 'set-filter': {
			return {...state, filter: action.filter.trim(), cursor: {...state.cursor, run: 0, health: 0}, gridColumn: 0};
		}

		case 'notify': {
			if (state.notice === action.text) {
				return state;
			}

			const {notice: _old, ...rest} = state;
			return action.text === undefined ? rest : {...rest, notice: action.text};
		}

		case 'sync-canary': {
			const shown = state.overlays.some(overlay => overlay.kind === 'canary');
			if (shown === action.waiting) {
				return state;
			}

			const overlays: readonly Overlay[] = action.waiting ? [...state.overlays, {kind: 'canary'}] : state.overlays.filter(overlay => overlay.kind !== 'canary');
			return {...state, overlays, mode: modeFor(overlays)};
		}

		case 'enter-edit': {
			return {...state, mode: 'edit'};
		}

		case 'leave-edit': {
			return {...state, mode: 'normal'};
		}

		case 'node-map': {
			return reduceNodeMap(state, action.action);
		}

		default: {
			return assertNever(action);
		}
	}
}

/** The keymap scope an overlay opens: its kind, except the confirmation that takes a typed count. */
export function scopeOfOverlay(overlay: Overlay): OverlayScope {
	return overlay.kind === 'confirm' && overlay.typeCount !== undefined ? 'count' : overlay.kind;
}

/** The keymap scope stack for this state: overlays top first, then the focused pane, then global. */
export function scopesOf(state: UiState): readonly Scope[] {
	return [...state.overlays.map(overlay => scopeOfOverlay(overlay)).reverse(), state.focus, 'global'];
}
