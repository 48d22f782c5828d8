import {Box, Text} from 'ink';
import type {CellStatus} from '../glyphs.js';
import {fitNodeSet} from '../node-map.js';
import {paint, statusStyle, useTheme, type Theme} from '../theme.js';

/** A grid column: one node, or a folded range of nodes (`web[01-40]`) with how many it holds. */
export type GridColumn = {
	readonly key: string;
	readonly label: string;
	/** The column's nodes, when it folds several: a header too wide for the grid is shortened from them. */
	readonly nodes?: readonly string[];
	/** Nodes in a folded column; shown as `label (count)` when above 1. */
	readonly count?: number;
};

/** One cell: a status and, for a folded column, how many of its nodes have it. */
export type GridCell = {readonly status: CellStatus; readonly count?: number};

/** A grid row: one step × service (`2 restart nginx`). `cells[i]` belongs to `columns[i]`; undefined = not targeted. */
export type GridRow = {
	readonly key: string;
	readonly label: string;
	readonly cells: readonly (GridCell | undefined)[];
};

/**
 * What the grid draws, already computed: the store's `selectGrid` is adapted to this shape, so the
 * grid does no folding or counting itself.
 */
export type GridView = {readonly columns: readonly GridColumn[]; readonly rows: readonly GridRow[]};

export type StatusGridProps = {
	readonly grid: GridView;
	/** Columns to fill, from the layout. */
	readonly width: number;
	/** Lines available, header included. */
	readonly height: number;
	/** Highlighted row (step × service); kept in view. */
	readonly selectedRow?: number;
	/** Highlighted column (node); kept in view. */
	readonly selectedColumn?: number;
};

/** Longest a row label or a column gets before it is cut with an ellipsis. */
const maxLabelWidth = 24;
const maxColumnWidth = 16;

const textWidth = (text: string): number => [...text].length;

/** Cut `text` to `width` characters, ending with the ellipsis when cut. */
export function fit(text: string, width: number, ellipsis: string): string {
	if (width <= 0) {
		return '';
	}

	const chars = [...text];
	if (chars.length <= width) {
		return text;
	}

	return width <= ellipsis.length ? chars.slice(0, width).join('') : chars.slice(0, width - ellipsis.length).join('') + ellipsis;
}

const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - textWidth(text)));

/** A cell's text: glyph, count if any, and the status word (`✓ ok`, `✗ 3 FAIL`), so it reads without colour. */
export function cellText(theme: Theme, cell: GridCell | undefined): string {
	if (cell === undefined) {
		return '';
	}

	const style = statusStyle(theme, cell.status);
	return cell.count === undefined ? `${style.glyph} ${style.short}` : `${style.glyph} ${cell.count} ${style.short}`;
}

const columnTitle = (column: GridColumn): string => (column.count !== undefined && column.count > 1 ? `${column.label} (${column.count})` : column.label);

/**
 * A header that fits in `width`: whole, or for a folded column its whole ranges and `+N more` with the
 * count (`node[1-40,61] +19 more (60)`). A header is never cut inside its node set (issue 11).
 */
export function headerText(column: GridColumn, width: number): string {
	const title = columnTitle(column);
	if (textWidth(title) <= width || column.nodes === undefined || column.nodes.length < 2) {
		return title;
	}

	const count = ` (${column.nodes.length})`;
	return `${fitNodeSet(column.nodes, width - count.length)}${count}`;
}

/** The first index of a window of `visible` items that keeps `selected` in view. */
function windowStart(selected: number | undefined, visible: number, total: number): number {
	if (selected === undefined || visible <= 0) {
		return 0;
	}

	return Math.min(Math.max(0, selected - visible + 1), Math.max(0, total - visible));
}

/**
 * Steps × services down, nodes (or folded node ranges) across. Fits the columns that fit the width and
 * says how many more there are; scrolls to keep the selection in view.
 */
export function StatusGrid({grid, width, height, selectedRow, selectedColumn}: StatusGridProps) {
	const theme = useTheme();
	const {ellipsis} = theme.glyphs;
	if (grid.rows.length === 0 || grid.columns.length === 0) {
		return (
			<Box width={width} height={Math.max(1, height)}>
				<Text color={paint(theme, 'gray')}>No tasks yet: press r to review and run the plan.</Text>
			</Box>
		);
	}

	// The label, a space, and the column that holds the pointer before a selected first cell (so it never
	// touches the label).
	const labelTextWidth = Math.min(maxLabelWidth, Math.floor(width / 3), Math.max(...grid.rows.map(row => textWidth(row.label))));
	const labelWidth = labelTextWidth + 2;
	// A header takes the room it needs (up to the grid's width): cut, it would name other nodes.
	const headers = grid.columns.map(column => headerText(column, width - labelWidth - 1));
	const columnWidths = grid.columns.map((_column, index) => {
		const cells = grid.rows.map(row => textWidth(cellText(theme, row.cells[index])));
		return Math.max(textWidth(headers[index] ?? ''), Math.min(maxColumnWidth, Math.max(...cells))) + 1;
	});

	// Columns from the first one needed to show the selection, as many as fit; room for "+N" if cut.
	const moreWidth = ` +${grid.columns.length}`.length;
	const fitFrom = (first: number): number[] => {
		const shown: number[] = [];
		let used = labelWidth;
		for (let index = first; index < grid.columns.length; index++) {
			const columnWidth = columnWidths[index] ?? 0;
			const reserve = index < grid.columns.length - 1 ? moreWidth : 0;
			if (used + columnWidth + reserve > width && shown.length > 0) {
				break;
			}

			shown.push(index);
			used += columnWidth;
		}

		return shown;
	};

	let firstColumn = 0;
	let shownColumns = fitFrom(firstColumn);
	while (selectedColumn !== undefined && !shownColumns.includes(selectedColumn) && firstColumn < selectedColumn) {
		firstColumn++;
		shownColumns = fitFrom(firstColumn);
	}

	const hiddenColumns = grid.columns.length - shownColumns.length;
	const bodyRows = Math.max(0, height - 1);
	const needsMoreLine = grid.rows.length > bodyRows;
	const visibleRows = needsMoreLine ? Math.max(0, bodyRows - 1) : bodyRows;
	const firstRow = windowStart(selectedRow, visibleRows, grid.rows.length);
	const rows = grid.rows.slice(firstRow, firstRow + visibleRows);

	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Box>
				<Text wrap="truncate">
					<Text>{' '.repeat(labelWidth)}</Text>
					{shownColumns.map(index => {
						const column = grid.columns[index];
						const columnWidth = columnWidths[index] ?? 1;
						return (
							<Text key={column?.key ?? index} bold inverse={index === selectedColumn}>
								{pad(headers[index] ?? '', columnWidth - 1)}
								<Text inverse={false}> </Text>
							</Text>
						);
					})}
					{hiddenColumns > 0 ? <Text color={paint(theme, 'gray')}>+{hiddenColumns}</Text> : null}
				</Text>
			</Box>
			{rows.map((row, offset) => {
				const rowIndex = firstRow + offset;
				// The blank column before the selected cell (the label's padding or the previous cell's gap)
				// holds the pointer, so the selection reads without colour or reverse video.
				const gapBefore = (position: number): string => (rowIndex === selectedRow && selectedColumn !== undefined && shownColumns[position] === selectedColumn ? theme.glyphs.pointer : ' ');
				return (
					<Box key={row.key}>
						<Text wrap="truncate">
							<Text bold={rowIndex === selectedRow}>{pad(fit(row.label, labelTextWidth, ellipsis), labelWidth - 1)}</Text>
							{gapBefore(0)}
							{shownColumns.map((index, position) => {
								const cell = row.cells[index];
								const columnWidth = columnWidths[index] ?? 1;
								const selected = rowIndex === selectedRow && index === selectedColumn;
								return (
									<Text key={grid.columns[index]?.key ?? index}>
										<Text color={cell ? statusStyle(theme, cell.status).color : undefined} inverse={selected}>
											{pad(fit(cellText(theme, cell), columnWidth - 1, ellipsis), columnWidth - 1)}
										</Text>
										{gapBefore(position + 1)}
									</Text>
								);
							})}
						</Text>
					</Box>
				);
			})}
			{needsMoreLine ? (
				<Text color={paint(theme, 'gray')}>
					{ellipsis} rows {firstRow + 1}-{firstRow + rows.length} of {grid.rows.length}
				</Text>
			) : null}
		</Box>
	);
}
