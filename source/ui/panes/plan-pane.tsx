import {Text} from 'ink';
import {PaneFrame} from '../components/pane-frame.js';
import type {PlanView} from '../../tui/contract.js';
import {windowStart} from '../list-window.js';
import {paint, useTheme} from '../theme.js';

export type PlanPaneProps = {
	readonly plan: PlanView;
	readonly selected: number;
	readonly focused: boolean;
	readonly width: number;
	readonly height: number;
};

type Line = {readonly key: string; readonly step?: number; readonly text: string; readonly kind: 'step' | 'off' | 'problem' | 'hint'};

/** The plan's lines: problems without a step first, then each step with its own problems under it. */
export function planLines(plan: PlanView, glyph: {readonly failed: string}): Line[] {
	const lines: Line[] = [];
	const where = (line: number | undefined, column: number | undefined): string => (line === undefined ? '' : `line ${line}${column === undefined ? '' : `:${column}`}: `);
	for (const [position, problem] of plan.problems.entries()) {
		if (problem.step === undefined || !plan.rows.some(row => row.index === problem.step)) {
			lines.push({key: `p${position}`, text: `${glyph.failed} ${where(problem.line, problem.column)}${problem.message}`, kind: 'problem'});
		}
	}

	for (const row of plan.rows) {
		const count = row.count === undefined ? '' : ` (${row.count})`;
		const depend = row.depend === '' ? '' : ` if ${row.depend}`;
		lines.push({
			key: `s${row.index}`,
			step: row.index - 1,
			text: `${row.index}. ${row.enabled ? '' : '[off] '}${row.action || '?'} ${row.services || '?'} on ${row.nodes || '?'}${count}${depend}`,
			kind: row.enabled ? 'step' : 'off',
		});
		for (const [position, problem] of plan.problems.entries()) {
			if (problem.step === row.index) {
				lines.push({key: `s${row.index}p${position}`, step: row.index - 1, text: `   ${glyph.failed} ${where(problem.line, problem.column)}${problem.message}`, kind: 'problem'});
			}
		}
	}

	if (plan.rows.length === 0 && plan.problems.length === 0) {
		lines.push({key: 'empty', text: 'No steps yet: a adds one, o opens a plan file.', kind: 'hint'});
	}

	return lines;
}

/** The plan's steps, with each validation problem at the step it belongs to. */
export function PlanPane({plan, selected, focused, width, height}: PlanPaneProps) {
	const theme = useTheme();
	const lines = planLines(plan, {failed: theme.glyphs.status.failed});
	const visible = Math.max(0, height - 1);
	const anchor = Math.max(0, lines.findIndex(line => line.step === selected));
	const first = windowStart(anchor, visible, lines.length);
	const detail = [plan.file ?? 'new plan', plan.dirty ? '(modified)' : '', plan.problems.length > 0 ? `${plan.problems.length} problem${plan.problems.length === 1 ? '' : 's'}` : '']
		.filter(Boolean)
		.join(' ');
	return (
		<PaneFrame title="1 Plan" detail={detail} focused={focused} width={width} height={height}>
			{lines.slice(first, first + visible).map(line => {
				const isSelected = line.kind !== 'problem' && line.step !== undefined && line.step === selected;
				const pointer = isSelected ? theme.glyphs.pointer : ' ';
				const color = line.kind === 'problem' ? paint(theme, 'red') : line.kind === 'hint' ? paint(theme, 'gray') : undefined;
				return (
					<Text key={line.key} wrap="truncate" color={color} dimColor={line.kind === 'off'} bold={isSelected} inverse={isSelected && focused}>
						{line.kind === 'problem' || line.kind === 'hint' ? ' ' : pointer}
						{line.text}
					</Text>
				);
			})}
		</PaneFrame>
	);
}
