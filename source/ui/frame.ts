import {assertNever} from '../errors.js';
import type {OutputReader} from '../store/output-log.js';
import type {RunState} from '../store/run-state.js';
import {helpChromeRows, helpLines, type HelpLine} from './components/help-overlay.js';
import type {TuiState} from '../tui/contract.js';
import type {KeymapView} from './keymap.js';
import {computeLayout, type Layout, type PaneId, type Rect, type Size} from './layout.js';
import {healthLines, type HealthLine} from './panes/health-pane.js';
import {logChromeRows, logLines} from './panes/log-overlay.js';
import {reviewChromeRows, reviewInsetColumns, reviewLines, type ReviewLine} from './panes/review-overlay.js';
import {runFrame, type RunFrame} from './run-view.js';
import {rolloutShown} from './rollout-lines.js';
import type {UiState} from './ui-state.js';

/** A list an overlay scrolls through, and how many of its rows show at once. */
export type OverlayList<Line> = {readonly lines: readonly Line[]; readonly visible: number};

/**
 * One layout pass: every size and line list the screen needs for this state, computed once per render
 * and handed both to the panes (which draw it) and to key dispatch (which moves and pages by it), so
 * the two cannot disagree. Pure; nothing is cached between renders. An overlay's lines are computed only
 * while it is open: the review's lines fold every step's nodes, and at 5,000 nodes doing that on every
 * frame of a run that no longer shows the review cost more than the run pane itself.
 */
export type Frame = {
	readonly size: Size;
	readonly layout: Layout;
	/** Rows above the footer: the height of the overlays and of the stacked panes together. */
	readonly bodyRows: number;
	readonly health: {readonly rect: Rect; readonly lines: readonly HealthLine[]};
	readonly run: RunFrame & {readonly rect: Rect; readonly ruleLeft: boolean};
	readonly help: OverlayList<HelpLine>;
	readonly review: OverlayList<ReviewLine> & {readonly width: number};
	readonly log: OverlayList<string>;
};

export type FrameInput = {
	/** The area drawn in: the terminal, or a row less (`AppProps.spareRows`). */
	readonly size: Size;
	/** @default size */
	readonly terminal?: Size;
	readonly ui: UiState;
	readonly tui: TuiState;
	/** The run store's snapshot and output (the store in `tui.run`), read once by the caller. */
	readonly run: RunState;
	readonly output: OutputReader | undefined;
	readonly view: KeymapView;
	readonly glyphs: {readonly ok: string; readonly unreachable: string};
};

/** A pane's rectangle: its own in the split layout, the main area in the stacked one. */
export function paneRect(layout: Layout, pane: PaneId, size: Size): Rect {
	switch (layout.kind) {
		case 'split': {
			return layout[pane];
		}

		case 'stacked': {
			return layout.main;
		}

		case 'too-small': {
			return {width: size.columns, height: size.rows};
		}

		default: {
			return assertNever(layout);
		}
	}
}

export function computeFrame({size, terminal = size, ui, tui, run, output, view, glyphs}: FrameInput): Frame {
	const layout = computeLayout(size, ui.focus, terminal);
	const bodyRows = size.rows - 1;
	const health = paneRect(layout, 'health', size);
	const runRect = paneRect(layout, 'run', size);
	const ruleLeft = layout.kind === 'split';
	const reviewWidth = size.columns - reviewInsetColumns;
	const open = new Set(ui.overlays.map(overlay => overlay.kind));
	return {
		size,
		layout,
		bodyRows,
		health: {rect: health, lines: healthLines(tui.health, glyphs, health.width, ui.nodeMap.healthDrill?.key)},
		run: {...runFrame(run, output, ui, {width: runRect.width, height: runRect.height, ruleLeft, headerRows: rolloutShown(tui.run.rollout) ? 1 : 0}), rect: runRect, ruleLeft},
		help: {lines: open.has('help') ? helpLines(view) : [], visible: Math.max(1, bodyRows - helpChromeRows)},
		review: {lines: open.has('review') ? reviewLines(tui.preflight, reviewWidth, tui.narrowedBy) : [], visible: Math.max(1, bodyRows - reviewChromeRows), width: reviewWidth},
		log: {lines: open.has('log') ? logLines(tui.run) : [], visible: Math.max(1, bodyRows - logChromeRows)},
	};
}
