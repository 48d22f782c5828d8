import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {paint, useTheme} from '../theme.js';

export type PaneFrameProps = {
	/** `1 Plan`: the number is the key that focuses the pane. */
	readonly title: string;
	/** Right of the title, dim: the file, a count. */
	readonly detail?: string;
	readonly focused: boolean;
	readonly width: number;
	readonly height: number;
	/** A one-column rule on the left (the right-hand pane of the split layout). */
	readonly ruleLeft?: boolean;
	readonly children?: ReactNode;
};

/** A pane: a title line (inverse when focused, so it reads without colour) over exactly `height - 1` rows. */
export function PaneFrame({title, detail, focused, width, height, ruleLeft = false, children}: PaneFrameProps) {
	const theme = useTheme();
	return (
		<Box
			// A new box when the rule comes or goes (a resize between the split and stacked layouts): Ink
			// applies only the changed border props to the box it has, and then leaves stale border widths
			// behind: a blank left column (every line one column too wide at 80x24) or a blank top row
			// (the right pane's first row after growing back to 120x40).
			key={ruleLeft ? 'ruled' : 'plain'}
			flexDirection="column"
			width={width}
			height={height}
			overflow="hidden"
			borderStyle={ruleLeft ? (theme.glyphs.unicode ? 'single' : 'classic') : undefined}
			borderTop={false}
			borderBottom={false}
			borderRight={false}
			borderLeft={ruleLeft}
			borderColor={paint(theme, 'gray')}
		>
			<Text wrap="truncate" bold>
				<Text inverse={focused} color={focused ? paint(theme, 'cyan') : undefined}>
					{` ${title} `}
				</Text>
				{detail ? <Text color={paint(theme, 'gray')}> {detail}</Text> : null}
			</Text>
			<Box flexDirection="column" height={Math.max(0, height - 1)} overflow="hidden">
				{children}
			</Box>
		</Box>
	);
}
