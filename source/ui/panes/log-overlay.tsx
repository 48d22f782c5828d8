import {Box, Text} from 'ink';
import type {RunView} from '../../tui/contract.js';
import {paint, useTheme} from '../theme.js';

export type LogOverlayProps = {
	readonly run: RunView;
	/** The lines from the app's layout pass; `logLines(run)` when drawn alone. */
	readonly lines?: readonly string[];
	readonly width: number;
	readonly height: number;
	/** Lines scrolled up from the newest (`UiState.logScroll`); 0 shows the end and follows new lines. @default 0 */
	readonly scroll?: number;
};

/** Rows the overlay spends around the log's lines: two borders, the path line and the key line. */
export const logChromeRows = 4;

/** The lines the overlay scrolls through: the run's text report, or a line saying there is none yet. */
export function logLines(run: RunView): readonly string[] {
	return run.logLines.length > 0 ? run.logLines : ['(nothing logged yet: the report grows as each step ends)'];
}

/** The run log's path and a window on its text report (report.txt), scrolled with j/k, PgUp/PgDn, g/G. */
export function LogOverlay({run, lines, width, height, scroll = 0}: LogOverlayProps) {
	const theme = useTheme();
	const visible = Math.max(1, height - logChromeRows);
	const all = lines ?? logLines(run);
	const end = Math.max(0, all.length - Math.min(scroll, Math.max(0, all.length - visible)));
	const first = Math.max(0, end - visible);
	const where = all.length <= visible ? `all ${all.length} lines` : `lines ${first + 1}-${end} of ${all.length}${end === all.length ? ' (end)' : ''}`;
	const separator = theme.glyphs.separator;
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle={theme.glyphs.unicode ? 'round' : 'classic'} paddingX={1} overflow="hidden">
			<Text wrap="truncate" bold>
				Run log: {run.logPath ?? 'no run yet'}
			</Text>
			{all.slice(first, end).map((line, index) => (
				// A blank line still takes its row (an empty Text would take none), as in the file.
				// eslint-disable-next-line react/no-array-index-key
				<Text key={first + index} wrap="truncate">
					{line === '' ? ' ' : line}
				</Text>
			))}
			<Box flexGrow={1} />
			<Text wrap="truncate" color={paint(theme, 'gray')}>
				{where} {separator} j/k PgUp/PgDn g/G scroll {separator} Esc close {separator} events.jsonl and report.txt are in that folder
			</Text>
		</Box>
	);
}
