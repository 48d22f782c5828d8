/** The three panes. `run` holds the progress bar, the status grid and the output. */
export const panes = ['plan', 'health', 'run'] as const;
export type PaneId = (typeof panes)[number];

export type Size = {readonly columns: number; readonly rows: number};
export type Rect = {readonly width: number; readonly height: number};

/** Smallest terminal the panes are drawn in; below it the app shows `TooSmall` instead. */
export const minimumSize: Size = {columns: 60, rows: 15};
/** From this width on the panes sit side by side; below it they stack. */
export const splitColumns = 100;
/** The footer (key hints) is always one line at the bottom. */
export const footerRows = 1;

/**
 * Where each pane goes.
 * - `too-small`: below 60×15. `need` is the size to grow to (each side at least its minimum and never
 *   less than it is now), so the message can say exactly that.
 * - `stacked`: under 100 columns. The focused pane gets all rows but one per collapsed pane; the others
 *   collapse to a one-line title, in `panes` order.
 * - `split`: plan above health on the left, run on the right at full height.
 */
export type Layout =
	| {readonly kind: 'too-small'; readonly size: Size; readonly need: Size}
	| {readonly kind: 'stacked'; readonly focused: PaneId; readonly main: Rect; readonly collapsed: readonly PaneId[]; readonly footer: Rect}
	| {readonly kind: 'split'; readonly plan: Rect; readonly health: Rect; readonly run: Rect; readonly footer: Rect};

/** Lay the panes out in `size` (the area drawn in) of a `terminal`. Pure: the sizes come from `TerminalSizeContext`. */
export function computeLayout(size: Size, focus: PaneId, terminal: Size = size): Layout {
	const columns = Math.floor(size.columns);
	const rows = Math.floor(size.rows);
	// The minimum is the terminal's: `size` may be a row short of it (tui.tsx leaves the last row empty).
	const real = {columns: Math.floor(terminal.columns), rows: Math.floor(terminal.rows)};
	if (real.columns < minimumSize.columns || real.rows < minimumSize.rows) {
		return {
			kind: 'too-small',
			size: real,
			need: {columns: Math.max(minimumSize.columns, real.columns), rows: Math.max(minimumSize.rows, real.rows)},
		};
	}

	const footer: Rect = {width: columns, height: footerRows};
	const body = rows - footerRows;
	if (columns < splitColumns) {
		const collapsed = panes.filter(pane => pane !== focus);
		return {kind: 'stacked', focused: focus, main: {width: columns, height: body - collapsed.length}, collapsed, footer};
	}

	// The left column holds the plan's step list and the node health list; 40 % of the width reads
	// well from 100 to 250 columns, and 38 columns is what a step line with its node set needs.
	const left = Math.max(38, Math.floor(columns * 0.4));
	const planHeight = Math.ceil(body / 2);
	return {
		kind: 'split',
		plan: {width: left, height: planHeight},
		health: {width: left, height: body - planHeight},
		run: {width: columns - left, height: body},
		footer,
	};
}
