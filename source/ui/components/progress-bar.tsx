import {Box, Text} from 'ink';
import {paint, statusStyle, useTheme} from '../theme.js';

export type ProgressBarProps = {
	/** Columns to fill, from the layout. */
	readonly width: number;
	/** Tasks finished, whatever their outcome. */
	readonly done: number;
	readonly total: number;
	readonly ok: number;
	readonly failed: number;
	readonly elapsedMs: number;
	/** Estimated time left; undefined while unknown (shown as `--:--`). */
	readonly etaMs?: number;
	/** Text before the bar, e.g. `step 2/5`. Dropped first when the line is short. */
	readonly label?: string;
};

/** `mm:ss`, or `h:mm:ss` from an hour on. Negative or non-finite input reads `--:--`. */
export function formatDuration(ms: number | undefined): string {
	if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
		return '--:--';
	}

	const seconds = Math.floor(ms / 1000);
	const pad = (value: number): string => String(value).padStart(2, '0');
	const hours = Math.floor(seconds / 3600);
	const minutes = Math.floor((seconds % 3600) / 60);
	return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds % 60)}` : `${pad(minutes)}:${pad(seconds % 60)}`;
}

const textWidth = (text: string): number => [...text].length;

/**
 * One line: `label [####----] done/total  + ok  x failed  elapsed ETA eta`, and once all are done
 * `... took elapsed` instead of the ETA. The bar takes the room the
 * text leaves; the label, then the ETA, give way first on a narrow line.
 */
export function ProgressBar({width, done, total, ok, failed, elapsedMs, etaMs, label}: ProgressBarProps) {
	const theme = useTheme();
	const okStyle = statusStyle(theme, 'ok');
	const failStyle = statusStyle(theme, 'failed');
	const counts = ` ${done}/${total}`;
	const okText = ` ${okStyle.glyph} ${ok}`;
	const failText = ` ${failStyle.glyph} ${failed}`;
	// Once every task is done there is nothing left to estimate: the time it took replaces the ETA.
	const finished = total > 0 && done >= total;
	const elapsed = finished ? ` took ${formatDuration(elapsedMs)}` : ` ${formatDuration(elapsedMs)}`;
	const eta = ` ETA ${formatDuration(etaMs)}`;
	const minimumBar = 4;
	const fixed = textWidth(counts + okText + failText + elapsed) + 2;
	let showLabel = label !== undefined && label !== '';
	let showEta = !finished;
	const room = (): number => width - fixed - (showLabel ? textWidth(label ?? '') + 1 : 0) - (showEta ? textWidth(eta) : 0);
	if (room() < minimumBar) {
		showLabel = false;
	}

	if (room() < minimumBar) {
		showEta = false;
	}

	const barWidth = Math.max(0, room());
	const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
	const filled = Math.round(barWidth * fraction);
	return (
		<Box width={width} overflow="hidden">
			<Text wrap="truncate">
				{showLabel ? <Text bold>{label} </Text> : null}
				{barWidth > 0 ? (
					<Text>
						[<Text color={paint(theme, failed > 0 ? 'red' : 'green')}>{theme.glyphs.barFull.repeat(filled)}</Text>
						<Text color={paint(theme, 'gray')}>{theme.glyphs.barEmpty.repeat(barWidth - filled)}</Text>]
					</Text>
				) : null}
				<Text>{counts}</Text>
				<Text color={okStyle.color}>{okText}</Text>
				<Text color={failed > 0 ? failStyle.color : undefined}>{failText}</Text>
				<Text>{elapsed}</Text>
				{showEta ? <Text color={paint(theme, 'gray')}>{eta}</Text> : null}
			</Text>
		</Box>
	);
}
