import {Box, Text} from 'ink';
import type {Size} from '../layout.js';
import {paint, useTheme} from '../theme.js';

export type TooSmallProps = {
	/** The terminal's size now. */
	readonly size: Size;
	/** The size to grow to (`Layout['need']` of a `too-small` layout). */
	readonly need: Size;
};

const plural = (count: number, word: string): string => `${count} more ${word}${count === 1 ? '' : 's'}`;

/** Shown instead of the panes below the minimum size: says how big the window must get. */
export function TooSmall({size, need}: TooSmallProps) {
	const theme = useTheme();
	const times = theme.glyphs.unicode ? '×' : 'x';
	const missing = [
		need.columns > size.columns ? plural(need.columns - size.columns, 'column') : '',
		need.rows > size.rows ? plural(need.rows - size.rows, 'row') : '',
	]
		.filter(Boolean)
		.join(' and ');
	return (
		<Box flexDirection="column">
			<Text color={paint(theme, 'yellow')} bold>
				Terminal too small ({size.columns}
				{times}
				{size.rows})
			</Text>
			<Text>
				svctui needs {need.columns}
				{times}
				{need.rows}: {missing}.
			</Text>
			<Text color={paint(theme, 'gray')}>Enlarge the window, or run headless with --yes.</Text>
		</Box>
	);
}
