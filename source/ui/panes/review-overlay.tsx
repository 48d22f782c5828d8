import {Box, Text} from 'ink';
import {assertNever} from '../../errors.js';
import {foldNodes} from '../../nodeset/index.js';
import type {PlanView, PreflightView} from '../controller.js';
import type {Verdict} from '../../executor/predict.js';
import {blastRadius, blastRadiusThreshold} from '../../executor/predict.js';
import {wrapText} from '../text-wrap.js';
import {paint, useTheme, type ColorName, type Theme} from '../theme.js';

export type ReviewOverlayProps = {
	readonly plan: PlanView;
	readonly preflight: PreflightView;
	/** The lines from the app's layout pass (wrapped to `width` less the box); built here when drawn alone. */
	readonly lines?: readonly ReviewLine[];
	readonly scroll: number;
	readonly width: number;
	readonly height: number;
};

export type ReviewLine = {readonly key: string; readonly text: string; readonly tone?: Verdict | 'title' | 'error'};

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * The review's lines: each step (action, services, node count, folded set, dependencies) and its
 * pre-flight verdicts. A line longer than `width` goes on under its own text column rather than being
 * cut: the end of a verdict (why a node is unreachable) is what the admin needs to read.
 */
export function reviewLines(preflight: PreflightView, width = Number.POSITIVE_INFINITY): ReviewLine[] {
	const lines: ReviewLine[] = [];
	for (const line of unwrappedReviewLines(preflight)) {
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

/** A review line with the column its wrapped continuation lines start at. */
type IndentedLine = ReviewLine & {readonly indent: number};

function unwrappedReviewLines(preflight: PreflightView): IndentedLine[] {
	const lines: IndentedLine[] = [];
	const prepared = preflight.prepared;
	if (prepared === undefined) {
		lines.push({key: 'error', text: preflight.error ?? 'preparing the plan…', tone: 'error', indent: 0});
		return lines;
	}

	const nodes = new Set(prepared.steps.flatMap(step => step.nodes)).size;
	lines.push({key: 'head', text: `${prepared.source}: ${plural(prepared.steps.length, 'step')} on ${plural(nodes, 'node')}`, tone: 'title', indent: 0});
	const status =
		preflight.status === 'running'
			? `pre-flight: asking the nodes how things stand… ${preflight.contacted}/${preflight.total}`
			: preflight.status === 'failed'
				? `pre-flight failed: ${preflight.error ?? 'unknown error'}`
				: `pre-flight: ${preflight.contacted}/${preflight.total} nodes contacted; what each step will really do:`;
	lines.push({key: 'status', text: status, tone: preflight.status === 'failed' ? 'error' : undefined, indent: 0});
	for (const step of prepared.steps) {
		const depend = step.depend.length > 0 ? `, if ${step.depend.join(',')} running` : '';
		lines.push({
			key: `s${step.index}`,
			text: `${step.index}. ${step.action} ${step.services.join(',')} on ${foldNodes(step.nodes)} (${plural(step.nodes.length, 'node')})${depend}`,
			tone: 'title',
			indent: `${step.index}. `.length,
		});
		const predicted = preflight.steps.find(entry => entry.step === step.index);
		if (predicted === undefined) {
			continue;
		}

		const entries = [...predicted.depends.map(entry => ({...entry, label: `needs ${entry.service}`})), ...predicted.services.map(entry => ({...entry, label: entry.service}))];
		const labelWidth = Math.max(...entries.map(entry => [...entry.label].length));
		const setWidth = Math.min(24, Math.max(0, ...entries.flatMap(entry => entry.groups.map(group => [...group.nodeSet].length))));
		for (const entry of entries) {
			for (const [position, group] of entry.groups.entries()) {
				const label = position === 0 ? entry.label : '';
				const lead = `   ${label.padEnd(labelWidth)}  ${group.nodeSet.padEnd(setWidth)}  `;
				lines.push({key: `s${step.index}${entry.label}${position}`, text: lead + group.text, tone: group.verdict, indent: [...lead].length});
			}
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
export function ReviewOverlay({preflight, lines: given, scroll, width, height}: ReviewOverlayProps) {
	const theme = useTheme();
	const lines = given ?? reviewLines(preflight, width - reviewInsetColumns);
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
