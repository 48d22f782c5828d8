import {Box, Text} from 'ink';
import {foldNodes} from '../../nodeset/index.js';
import type {CanaryView, RunView} from '../../tui/contract.js';
import {useRunState} from '../hooks/use-run.js';
import {canaryLines} from '../rollout-lines.js';
import {paint, useTheme} from '../theme.js';

export type CanaryOverlayProps = {
	readonly run: RunView;
	readonly canary: CanaryView;
	readonly width: number;
	readonly height: number;
};

/** Rows the overlay spends around its lines: two borders, the title and the question. */
const chromeRows = 4;

/**
 * The run waits after a canary batch: what the canary did (its verdict and gathered output, failed
 * nodes first), and the question to go on with the rollout or stop it.
 */
export function CanaryOverlay({run, canary, width, height}: CanaryOverlayProps) {
	const theme = useTheme();
	const state = useRunState(run.store);
	const lines = canaryLines(canary, state, run.store?.output);
	const visible = Math.max(1, height - chromeRows);
	const shown = lines.length > visible ? [...lines.slice(0, visible - 1), {key: 'more', text: `... ${lines.length - visible + 1} more lines (in the log: l after the answer)`, kind: 'hint' as const}] : lines;
	const color = (kind: (typeof lines)[number]['kind']) => (kind === 'failed' ? paint(theme, 'red') : kind === 'ok' || kind === 'verdict' ? paint(theme, 'green') : kind === 'hint' ? paint(theme, 'gray') : undefined);
	const separator = theme.glyphs.separator;
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle={theme.glyphs.unicode ? 'round' : 'classic'} paddingX={1} overflow="hidden">
			<Text wrap="truncate" bold>
				Canary batch of step {canary.step} done ({foldNodes(canary.nodes)}): go on with the rollout?
			</Text>
			{shown.map(line => (
				<Text key={line.key} wrap="truncate" color={color(line.kind)} bold={line.kind === 'verdict' || line.kind === 'failed'}>
					{line.text === '' ? ' ' : line.text}
				</Text>
			))}
			<Box flexGrow={1} />
			<Text wrap="truncate" bold>
				y/c go on with the rollout ({canary.remaining} node{canary.remaining === 1 ? '' : 's'} left) {separator} s/n stop it here
			</Text>
		</Box>
	);
}
