import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {ProgressBar} from '../components/progress-bar.js';
import {PaneFrame} from '../components/pane-frame.js';
import {StatusGrid} from '../components/status-grid.js';
import {toGridView} from '../components/grid-view.js';
import type {RunView} from '../controller.js';
import {useRunState} from '../hooks/use-run.js';
import {gatheredRows, nodeOutputRows, runGridFor, type OutputRow} from '../run-view.js';
import {selectCounts, selectStepProgress} from '../../store/selectors.js';
import {finalStatuses} from '../../store/run-state.js';
import {paint, statusStyle, useTheme} from '../theme.js';
import type {UiState} from '../ui-state.js';

export type RunPaneProps = {
	readonly run: RunView;
	readonly ui: Pick<UiState, 'cursor' | 'gridColumn' | 'selectedNode' | 'follow' | 'scroll' | 'gathered' | 'filter'>;
	readonly focused: boolean;
	readonly width: number;
	readonly height: number;
	readonly ruleLeft?: boolean;
};

/** Rows the output area gets: what is left after bars, counter and grid, at least 3. */
export function outputRowsFor(height: number, stepCount: number, gridRows: number): {bars: number; grid: number; output: number} {
	const body = Math.max(0, height - 1);
	const bars = Math.min(stepCount, Math.max(1, Math.floor(body / 4)));
	const rest = Math.max(0, body - bars - 1);
	const grid = Math.min(gridRows + 1, Math.max(2, Math.floor(rest / 2)));
	return {bars, grid, output: Math.max(0, rest - grid - 1)};
}

/** The live run: a progress bar per step, the action counter, the OK/FAIL grid and one node's (or the gathered) output. */
export function RunPane({run, ui, focused, width, height, ruleLeft = false}: RunPaneProps) {
	const theme = useTheme();
	const state = useRunState(run.store);
	const inner = width - (ruleLeft ? 1 : 0);
	const {grid, filtered} = useMemo(() => runGridFor(state, ui.filter, inner), [state, ui.filter, inner]);
	const view = useMemo(() => toGridView(grid), [grid]);
	const counts = selectCounts(state);
	const stepIndexes = [...new Set(state.steps.map(step => step.index))];
	const sizes = outputRowsFor(height, stepIndexes.length, view.rows.length);
	const total = state.taskOrder.length;
	const done = [...finalStatuses].reduce((sum, status) => sum + counts[status], 0);
	const phase = state.phase === 'finished' ? (state.outcome === 'aborted' ? 'aborted' : 'finished') : state.phase === 'running' ? 'running' : 'idle';
	const detail = run.store === undefined ? 'no run yet' : `${run.kind === 'retry' ? 'retry ' : ''}${phase}${run.logPath ? ` log ${run.logPath}` : ''}`;
	// Bars for the current step and those around it when there is not room for all.
	const current = Math.max(0, stepIndexes.indexOf(state.currentStep ?? stepIndexes[0] ?? 0));
	const firstBar = Math.min(Math.max(0, current - sizes.bars + 1), Math.max(0, stepIndexes.length - sizes.bars));

	const row = view.rows[ui.cursor.run];
	const gridRow = grid.rows[ui.cursor.run];
	let outputRows: OutputRow[];
	let outputTitle: string;
	if (ui.gathered && gridRow) {
		outputRows = gatheredRows(state, run.store!.output, gridRow.step, gridRow.service);
		outputTitle = `gathered: step ${gridRow.step} ${gridRow.service}`;
	} else if (ui.selectedNode !== undefined && run.store) {
		outputRows = nodeOutputRows(state, run.store.output, ui.selectedNode);
		outputTitle = `output: ${ui.selectedNode}${ui.follow ? ' (follow)' : ` (scrolled ${ui.scroll})`}`;
	} else {
		outputRows = [{key: 'hint', text: run.store ? 'Enter: node under cursor | n: next failed | b: gathered output' : '', kind: 'hint'}];
		outputTitle = 'output';
	}

	const visible = Math.max(0, sizes.output);
	const end = Math.max(0, outputRows.length - (ui.follow ? 0 : ui.scroll));
	const shown = outputRows.slice(Math.max(0, end - visible), end);
	const failed = counts.failed + counts['timed-out'];
	return (
		<PaneFrame title="3 Run" detail={detail} focused={focused} width={width} height={height} ruleLeft={ruleLeft}>
			{run.store === undefined ? (
				<Text color={paint(theme, 'gray')} wrap="truncate">
					No run yet: r reviews the plan and runs it.
				</Text>
			) : (
				<Box flexDirection="column">
					{stepIndexes.slice(firstBar, firstBar + sizes.bars).map(index => {
						const progress = selectStepProgress(state, index);
						return (
							<ProgressBar
								key={index}
								width={inner}
								label={`step ${index}`}
								done={progress.done}
								total={progress.total}
								ok={progress.ok}
								failed={progress.failed}
								elapsedMs={progress.elapsedMs}
								{...(progress.etaMs === undefined ? {} : {etaMs: progress.etaMs})}
							/>
						);
					})}
					<Text wrap="truncate">
						actions done {done}/{total}
						<Text color={statusStyle(theme, 'ok').color}>
							{' '}
							{theme.glyphs.separator} {counts.ok} ok
						</Text>
						<Text color={failed > 0 ? statusStyle(theme, 'failed').color : undefined}>
							{' '}
							{theme.glyphs.separator} {failed} failed
						</Text>
						{counts.unreachable > 0 ? ` ${theme.glyphs.separator} ${counts.unreachable} unreachable` : ''}
						{counts.skipped > 0 ? ` ${theme.glyphs.separator} ${counts.skipped} skipped` : ''}
						{counts.cancelled > 0 ? ` ${theme.glyphs.separator} ${counts.cancelled} cancelled` : ''}
						{ui.filter === '' ? '' : ` ${theme.glyphs.separator} filter ${ui.filter} (${filtered.nodeOrder.length})`}
					</Text>
					<StatusGrid
						grid={view}
						width={inner}
						height={sizes.grid}
						{...(row === undefined ? {} : {selectedRow: ui.cursor.run})}
						{...(view.columns.length === 0 ? {} : {selectedColumn: Math.min(ui.gridColumn, view.columns.length - 1)})}
					/>
					<Text wrap="truncate" bold color={paint(theme, 'cyan')}>
						{outputTitle}
					</Text>
					{shown.map(line => (
						<Text
							key={line.key}
							wrap="truncate"
							color={line.kind === 'stderr' ? paint(theme, 'red') : line.kind === 'hint' ? paint(theme, 'gray') : undefined}
							bold={line.kind === 'title'}
						>
							{line.text}
						</Text>
					))}
				</Box>
			)}
		</PaneFrame>
	);
}
