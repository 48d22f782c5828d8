import {Box, Text} from 'ink';
import type {RunView} from '../controller.js';
import {paint, useTheme} from '../theme.js';

export type LogOverlayProps = {readonly run: RunView; readonly width: number; readonly height: number};

/** The run log's path and the newest lines of its text report (report.txt). */
export function LogOverlay({run, width, height}: LogOverlayProps) {
	const theme = useTheme();
	const visible = Math.max(1, height - 4);
	const lines = run.logLines.length > 0 ? run.logLines.slice(-visible) : ['(nothing logged yet: the report grows as each step ends)'];
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle={theme.glyphs.unicode ? 'round' : 'classic'} paddingX={1} overflow="hidden">
			<Text wrap="truncate" bold>
				Run log: {run.logPath ?? 'no run yet'}
			</Text>
			{lines.map((line, index) => (
				// eslint-disable-next-line react/no-array-index-key
				<Text key={index} wrap="truncate">
					{line}
				</Text>
			))}
			<Box flexGrow={1} />
			<Text wrap="truncate" color={paint(theme, 'gray')}>
				events.jsonl and report.txt are in that folder {theme.glyphs.separator} Esc close
			</Text>
		</Box>
	);
}
