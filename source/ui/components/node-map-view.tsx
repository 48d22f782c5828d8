import {Box, Text} from 'ink';
import type {ShownStatus} from '../../store/run-state.js';
import type {RunMapFrame} from '../run-view.js';
import {paint, statusStyle, useTheme, type Theme} from '../theme.js';

export type NodeMapViewProps = {
	/** The map (or the node list drilled into) from the run frame. */
	readonly map: RunMapFrame;
	readonly width: number;
	/** Rows: the legend (or the list's title) and the cells (or the list). */
	readonly height: number;
	/** The run cursor, on a row of the drilled list. */
	readonly cursor: number;
	readonly focused: boolean;
};

/** A legend entry: the glyph and the status's short word (`✗ FAIL`), so the map reads without colour. */
function legendEntry(theme: Theme, status: ShownStatus): string {
	const style = statusStyle(theme, status);
	return `${style.glyph} ${style.short}`;
}

/**
 * The legend in `width` columns: as many whole entries as fit, worst first, and the cell scale
 * (`1 cell = 8 nodes`) always; an entry is dropped whole, never cut.
 */
export function legendText(theme: Theme, statuses: readonly ShownStatus[], scale: string, width: number): string {
	const separator = ` ${theme.glyphs.separator} `;
	const entries = statuses.map(status => legendEntry(theme, status));
	while (entries.length > 0 && [...`${entries.join('  ')}${separator}${scale}`].length > width) {
		entries.pop();
	}

	return entries.length === 0 ? scale : `${entries.join('  ')}${separator}${scale}`;
}

/**
 * The whole cluster, one cell per node or per run of neighbouring nodes (the worst outcome shows), with
 * a legend; or, drilled into an outcome or a range cell, the list of its nodes and why each ended so.
 * The map cursor's cell is drawn in reverse video; the output title names it in words.
 */
export function NodeMapView({map, width, height, cursor, focused}: NodeMapViewProps) {
	const theme = useTheme();
	const {drill} = map;
	if (drill !== undefined) {
		return (
			<Box flexDirection="column" width={width} height={height} overflow="hidden">
				<Text wrap="truncate" bold color={paint(theme, 'cyan')}>
					{drill.title}
				</Text>
				{drill.rows.map((row, offset) => {
					const selected = drill.first + offset === cursor;
					const style = row.status === undefined ? undefined : statusStyle(theme, row.status);
					return (
						<Text key={row.node} wrap="truncate">
							{selected && focused ? theme.glyphs.pointer : ' '}
							<Text color={style?.color}>{style?.glyph ?? ' '}</Text>{' '}
							<Text inverse={selected && focused}>{row.text}</Text>
						</Text>
					);
				})}
			</Box>
		);
	}

	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text wrap="truncate" color={paint(theme, 'gray')}>
				{legendText(theme, map.legend.statuses, map.legend.scale, width)}
			</Text>
			{map.rows.map((segments, row) => (
				// eslint-disable-next-line react/no-array-index-key
				<Text key={row} wrap="truncate">
					{map.labelWidth > 0 ? <Text color={paint(theme, 'gray')}>{(map.labels[row] ?? '').padEnd(map.labelWidth)}</Text> : null}
					{segments.map((segment, index) => {
						const style = segment.status === undefined ? undefined : statusStyle(theme, segment.status);
						return (
							// eslint-disable-next-line react/no-array-index-key
							<Text key={index} color={style?.color} inverse={segment.cursor}>
								{(style?.glyph ?? ' ').repeat(segment.length)}
							</Text>
						);
					})}
				</Text>
			))}
		</Box>
	);
}
