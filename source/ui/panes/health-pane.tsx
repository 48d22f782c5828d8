import {Text} from 'ink';
import {PaneFrame} from '../components/pane-frame.js';
import type {HealthView} from '../controller.js';
import {windowStart} from '../list-window.js';
import {paint, statusStyle, useTheme} from '../theme.js';

export type HealthPaneProps = {
	readonly health: HealthView;
	readonly cursor: number;
	readonly focused: boolean;
	readonly width: number;
	readonly height: number;
};

/** A line of the health list: down groups first (they need action), then each answering node. */
export type HealthLine = {readonly key: string; readonly node?: string; readonly text: string; readonly kind: 'down' | 'detail' | 'up' | 'hint'};

export function healthLines(health: HealthView, glyphs: {readonly ok: string; readonly unreachable: string}): HealthLine[] {
	const lines: HealthLine[] = [];
	if (health.status === 'idle') {
		lines.push({key: 'idle', text: 'Not checked yet: c checks the plan\'s nodes, n a node set you type.', kind: 'hint'});
		return lines;
	}

	for (const group of health.down) {
		lines.push({key: `d${group.reason}`, node: group.nodes[0], text: `${glyphs.unreachable} ${group.nodeSet} (${group.nodes.length}) ${group.reason}`, kind: 'down'});
		lines.push({key: `d${group.reason}m`, node: group.nodes[0], text: `    ${group.detail}`, kind: 'detail'});
	}

	const nameWidth = Math.max(0, ...health.answered.map(entry => [...entry.node].length));
	for (const entry of health.answered) {
		lines.push({key: `u${entry.node}`, node: entry.node, text: `${glyphs.ok} ${entry.node.padEnd(nameWidth)} ${String(entry.latencyMs).padStart(5)} ms  ${entry.manager}`, kind: 'up'});
	}

	return lines;
}

/** Which nodes answer (latency, service manager) and which do not, grouped by reason as node sets. */
export function HealthPane({health, cursor, focused, width, height}: HealthPaneProps) {
	const theme = useTheme();
	const lines = healthLines(health, {ok: statusStyle(theme, 'ok').glyph, unreachable: statusStyle(theme, 'unreachable').glyph});
	const header =
		health.status === 'running'
			? `checking ${health.target === 'plan' ? 'the plan\'s nodes' : health.target}: ${health.contacted}/${health.total}`
			: health.status === 'done'
				? `${health.answered.length} of ${health.total} answer (${health.target === 'plan' ? 'plan nodes' : health.target})`
				: '';
	const visible = Math.max(0, height - 1 - (health.error ? 1 : 0));
	const first = windowStart(cursor, visible, lines.length);
	return (
		<PaneFrame title="2 Health" detail={header} focused={focused} width={width} height={height}>
			{health.error ? (
				<Text wrap="truncate" color={paint(theme, 'red')}>
					{theme.glyphs.status.failed} {health.error}
				</Text>
			) : null}
			{lines.slice(first, first + visible).map((line, offset) => {
				const isSelected = focused && first + offset === cursor && line.kind !== 'hint';
				const color = line.kind === 'down' ? paint(theme, 'red') : line.kind === 'up' ? paint(theme, 'green') : paint(theme, 'gray');
				return (
					<Text key={line.key} wrap="truncate" color={color} inverse={isSelected}>
						{line.text}
					</Text>
				);
			})}
		</PaneFrame>
	);
}
