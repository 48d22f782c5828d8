import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {ProgressBar} from '../components/progress-bar.js';
import {PaneFrame} from '../components/pane-frame.js';
import {RolloutHeader} from '../components/rollout-header.js';
import {rolloutShown} from '../rollout-lines.js';
import {NodeMapView} from '../components/node-map-view.js';
import {StatusGrid} from '../components/status-grid.js';
import {toGridView} from '../components/grid-view.js';
import type {RunView} from '../../tui/contract.js';
import {useRunState} from '../hooks/use-run.js';
import {runFrame, type RunFrame, type RunPaneUi} from '../run-view.js';
import {selectCounts, selectStepProgress} from '../../store/selectors.js';
import {finalStatuses} from '../../store/run-state.js';
import {paint, statusStyle, useTheme} from '../theme.js';

export type RunPaneProps = {
	readonly run: RunView;
	readonly ui: RunPaneUi;
	readonly focused: boolean;
	readonly width: number;
	readonly height: number;
	readonly ruleLeft?: boolean;
	/** What to draw, from the app's one layout pass (`frame.ts`); computed here only when drawn alone. */
	readonly frame?: RunFrame;
};

/**
 * The live run: a progress bar per step, the action counter, the outcomes with their node sets, the
 * node map (or the OK/FAIL grid while every node has a column) and one node's (or the gathered) output.
 */
export function RunPane({run, ui, focused, width, height, ruleLeft = false, frame: given}: RunPaneProps) {
	const theme = useTheme();
	const state = useRunState(run.store);
	const frame = given ?? runFrame(state, run.store?.output, ui, {width, height, ruleLeft, headerRows: rolloutShown(run.rollout) ? 1 : 0});
	const {inner, grid, filtered, sizes} = frame;
	const view = useMemo(() => toGridView(grid), [grid]);
	const counts = selectCounts(state);
	const stepIndexes = [...new Set(state.steps.map(step => step.index))];
	const total = state.taskOrder.length;
	const done = [...finalStatuses].reduce((sum, status) => sum + counts[status], 0);
	const phase = state.phase === 'finished' ? (state.outcome === 'aborted' ? 'aborted' : 'finished') : state.phase === 'running' ? 'running' : 'idle';
	const detail = run.store === undefined ? 'no run yet' : `${run.kind === 'retry' ? 'retry ' : ''}${phase}${run.logPath ? ` log ${run.logPath}` : ''}`;
	// Bars for the current step and those around it when there is not room for all.
	const current = Math.max(0, stepIndexes.indexOf(state.currentStep ?? stepIndexes[0] ?? 0));
	const firstBar = Math.min(Math.max(0, current - sizes.bars + 1), Math.max(0, stepIndexes.length - sizes.bars));
	const row = view.rows[ui.cursor.run];
	const outputTitle = frame.output.title;
	const shown = frame.output.shown;
	const failed = counts.failed + counts['timed-out'];
	const {map, outcomeLines} = frame;
	// The cursor is on the outcome lines in the map view until it moves onto the map or into a list.
	const outcomeCursor = frame.view === 'map' && map?.drill === undefined && map?.cell === undefined ? ui.cursor.run : undefined;
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
					{/* One row when shown: the layout pass (frame.ts) gave runFrame `headerRows` for it. */}
					<RolloutHeader rollout={run.rollout} />
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
					{outcomeLines.shown.map(line => {
						const style = statusStyle(theme, line.status);
						const selected = focused && line.index === outcomeCursor;
						return (
							<Text key={line.status} wrap="truncate">
								{selected ? theme.glyphs.pointer : ' '}
								<Text color={style.color}>{style.glyph}</Text>{' '}
								<Text color={style.color} inverse={selected}>
									{line.text}
								</Text>
							</Text>
						);
					})}
					{map === undefined ? (
						<StatusGrid
							grid={view}
							width={inner}
							height={sizes.grid}
							{...(row === undefined ? {} : {selectedRow: ui.cursor.run})}
							{...(view.columns.length === 0 ? {} : {selectedColumn: Math.min(ui.gridColumn, view.columns.length - 1)})}
						/>
					) : (
						<NodeMapView map={map} width={inner} height={sizes.grid} cursor={ui.cursor.run} focused={focused} />
					)}
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
