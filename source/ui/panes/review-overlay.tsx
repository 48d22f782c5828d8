import {Box, Text} from 'ink';
import {assertNever} from '../../errors.js';
import type {PlanView, PreflightView} from '../../tui/contract.js';
import {blastRadius, blastRadiusThreshold} from '../../executor/predict.js';
import {preflightReviewLines, type ReviewLine} from '../../report/review.js';
import {wrapText} from '../text-wrap.js';

export type {ReviewLine} from '../../report/review.js';
import {paint, useTheme, type ColorName, type Theme} from '../theme.js';

export type ReviewOverlayProps = {
	readonly plan: PlanView;
	readonly preflight: PreflightView;
	/** The lines from the app's layout pass (wrapped to `width` less the box); built here when drawn alone. */
	readonly lines?: readonly ReviewLine[];
	readonly scroll: number;
	readonly width: number;
	readonly height: number;
	/** `--limit` / `--pick` as given, when they narrow the plan. */
	readonly narrowedBy?: string;
};

/**
 * The review's lines: each step (action, services, node count, folded set, dependencies) and its
 * pre-flight verdicts. A line longer than `width` goes on under its own text column rather than being
 * cut: the end of a verdict (why a node is unreachable) is what the admin needs to read.
 */
export function reviewLines(preflight: PreflightView, width = Number.POSITIVE_INFINITY, narrowedBy?: string): ReviewLine[] {
	const lines: ReviewLine[] = [];
	const all = preflightReviewLines(preflight);
	if (narrowedBy !== undefined && preflight.prepared !== undefined) {
		// Under the head line: the node counts it gives are already the narrowed ones.
		all.splice(1, 0, {key: 'narrowed', text: `narrowed by ${narrowedBy}: only these nodes are reviewed and run`, tone: 'skip', indent: 0});
	}

	for (const line of all) {
		// Under a text column too far right to leave room, continuation lines start near the left edge.
		const indent = width - line.indent >= 20 ? line.indent : Math.min(line.indent, 3);
		const parts = Number.isFinite(width) && [...line.text].length > width ? wrapText(line.text.slice(indent), width - indent) : [line.text.slice(indent)];
		for (const [index, part] of parts.entries()) {
			const lead = index === 0 ? line.text.slice(0, indent) : ' '.repeat(indent);
			lines.push({key: index === 0 ? line.key : `${line.key}+${index}`, text: lead + part, ...(line.tone === undefined ? {} : {tone: line.tone})});
		}
	}

	return lines;
}

function toneColor(theme: Theme, tone: ReviewLine['tone']): ColorName | undefined {
	switch (tone) {
		case 'fail':
		case 'unreachable':
		case 'error': {
			return paint(theme, 'red');
		}

		case 'skip': {
			return paint(theme, 'yellow');
		}

		case 'change': {
			return paint(theme, 'green');
		}

		case 'no-change':
		case 'unknown': {
			return paint(theme, 'gray');
		}

		case 'title':
		case undefined: {
			return undefined;
		}

		default: {
			return assertNever(tone);
		}
	}
}

/** Columns the review box spends around its text: border and padding on each side. */
export const reviewInsetColumns = 4;

/** Rows the review box spends on its frame: border (2), the closing hint line. */
export const reviewChromeRows = 3;

/** The review before a run: y runs (typing the node count first when a stop or restart reaches many nodes), n/Esc goes back. */
export function ReviewOverlay({preflight, lines: given, scroll, width, height, narrowedBy}: ReviewOverlayProps) {
	const theme = useTheme();
	const lines = given ?? reviewLines(preflight, width - reviewInsetColumns, narrowedBy);
	const visible = Math.max(1, height - reviewChromeRows);
	const first = Math.min(Math.max(0, scroll), Math.max(0, lines.length - visible));
	const radius = preflight.prepared ? blastRadius(preflight.prepared.steps) : 0;
	const hint =
		radius > blastRadiusThreshold
			? `y then type ${radius} (stop/restart on ${radius} nodes) ${theme.glyphs.separator} n/Esc back`
			: `y run ${theme.glyphs.separator} n/Esc back${lines.length > visible ? ` ${theme.glyphs.separator} j/k scroll ${first + 1}-${Math.min(lines.length, first + visible)} of ${lines.length}` : ''}`;
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle={theme.glyphs.unicode ? 'round' : 'classic'} borderColor={paint(theme, 'yellow')} paddingX={1} overflow="hidden">
			{lines.slice(first, first + visible).map(line => (
				<Text key={line.key} wrap="truncate" bold={line.tone === 'title'} color={toneColor(theme, line.tone)}>
					{line.text}
				</Text>
			))}
			<Box flexGrow={1} />
			<Text wrap="truncate" bold>
				{hint}
			</Text>
		</Box>
	);
}
