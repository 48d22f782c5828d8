import {Box, Text} from 'ink';
import {assertNever} from '../../errors.js';
import {foldNodes} from '../../nodeset/index.js';
import type {PlanView, PreflightView} from '../controller.js';
import type {Verdict} from '../preflight.js';
import {blastRadius, blastRadiusThreshold} from '../preflight.js';
import {paint, useTheme, type ColorName, type Theme} from '../theme.js';

export type ReviewOverlayProps = {
	readonly plan: PlanView;
	readonly preflight: PreflightView;
	readonly scroll: number;
	readonly width: number;
	readonly height: number;
};

export type ReviewLine = {readonly key: string; readonly text: string; readonly tone?: Verdict | 'title' | 'error'};

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** The review's lines: each step (action, services, node count, folded set, dependencies) and its pre-flight verdicts. */
export function reviewLines(preflight: PreflightView): ReviewLine[] {
	const lines: ReviewLine[] = [];
	const prepared = preflight.prepared;
	if (prepared === undefined) {
		lines.push({key: 'error', text: preflight.error ?? 'preparing the plan…', tone: 'error'});
		return lines;
	}

	const nodes = new Set(prepared.steps.flatMap(step => step.nodes)).size;
	lines.push({key: 'head', text: `${prepared.source}: ${plural(prepared.steps.length, 'step')} on ${plural(nodes, 'node')}`, tone: 'title'});
	const status =
		preflight.status === 'running'
			? `pre-flight: asking the nodes how things stand… ${preflight.contacted}/${preflight.total}`
			: preflight.status === 'failed'
				? `pre-flight failed: ${preflight.error ?? 'unknown error'}`
				: `pre-flight: ${preflight.contacted}/${preflight.total} nodes contacted; what each step will really do:`;
	lines.push({key: 'status', text: status, tone: preflight.status === 'failed' ? 'error' : undefined});
	for (const step of prepared.steps) {
		const depend = step.depend.length > 0 ? `, if ${step.depend.join(',')} running` : '';
		lines.push({
			key: `s${step.index}`,
			text: `${step.index}. ${step.action} ${step.services.join(',')} on ${foldNodes(step.nodes)} (${plural(step.nodes.length, 'node')})${depend}`,
			tone: 'title',
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
				lines.push({key: `s${step.index}${entry.label}${position}`, text: `   ${label.padEnd(labelWidth)}  ${group.nodeSet.padEnd(setWidth)}  ${group.text}`, tone: group.verdict});
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

/** Rows the review box spends on its frame: border (2), the closing hint line. */
export const reviewChromeRows = 3;

/** The review before a run: y runs (typing the node count first when a stop or restart reaches many nodes), n/Esc goes back. */
export function ReviewOverlay({preflight, scroll, width, height}: ReviewOverlayProps) {
	const theme = useTheme();
	const lines = reviewLines(preflight);
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
