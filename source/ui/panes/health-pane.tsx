import {Text} from 'ink';
import {groupByManager} from '../../report/health.js';
import {PaneFrame} from '../components/pane-frame.js';
import type {HealthView} from '../../tui/contract.js';
import {windowStart} from '../list-window.js';
import {compareNatural} from '../natural-order.js';
import {fitNodeSet} from '../node-map.js';
import {wrapText} from '../text-wrap.js';
import {paint, statusStyle, useTheme} from '../theme.js';

export type HealthPaneProps = {
	readonly health: HealthView;
	/** The list from the app's layout pass (`frame.ts`); built here only when drawn alone. */
	readonly lines?: readonly HealthLine[];
	readonly cursor: number;
	readonly focused: boolean;
	readonly width: number;
	readonly height: number;
	/** The group drilled into (its line's key): only its nodes are listed. */
	readonly drill?: string;
};

/**
 * A line of the health list. The `summary` section folds nodes into node sets: down nodes grouped by
 * reason with the error detail (`down`, `detail`), then answering nodes grouped by service manager with
 * their latency spread (`up`). The `nodes` section then lists every node on its own line (`node-down`,
 * `node-up`), to scroll through with j/k. `node` is what Enter shows the output of.
 */
export type HealthLine = {
	readonly key: string;
	readonly node?: string;
	/** The group a summary line belongs to (its first line's key): Enter lists only that group's nodes. */
	readonly group?: string;
	readonly text: string;
	readonly kind: 'down' | 'detail' | 'up' | 'node-down' | 'node-up' | 'hint';
	readonly section: 'summary' | 'nodes';
};

/** At most this many lines of a down group's error detail; the rest is in `svctui check`'s output. */
const detailLines = 3;
const detailIndent = '    ';

/**
 * Columns each drawn line starts with: the pointer on the cursor's line, a space on the others, so the
 * cursor reads without colour or reverse video (NO_COLOR, a terminal that drops attributes).
 */
const markerColumns = 1;

/**
 * A group's line, `? node[3,17-19] (4) timeout`, fitted to `width` without cutting its node set (whole
 * ranges and `+N more` when the set is too long).
 */
function groupText(glyph: string, nodes: readonly string[], nodeSet: string, label: string, width: number): string {
	const count = ` (${nodes.length}) ${label}`;
	const room = width - [...glyph].length - 1 - [...count].length;
	return `${glyph} ${[...nodeSet].length <= room ? nodeSet : fitNodeSet(nodes, room)}${count}`;
}

/**
 * The health list for a pane `width` columns wide (error details wrap to what is left after the
 * cursor's marker column). Summary first (down groups,
 * they need action, then answering nodes by manager), then one line per node: the down ones, then the
 * answering ones, each in natural order (node2 before node10). With `drill` (a group's key), the node
 * lines are that group's only.
 */
export function healthLines(health: HealthView, glyphs: {readonly ok: string; readonly unreachable: string}, width = 80, drill?: string): HealthLine[] {
	const lines: HealthLine[] = [];
	if (health.status === 'idle') {
		lines.push({key: 'idle', text: 'Not checked yet: c checks the plan\'s nodes, n a node set you type.', kind: 'hint', section: 'summary'});
		return lines;
	}

	// Nodes in natural order (node2 before node10), whatever order the checks finished in.
	const downGroups = health.down.map(group => ({...group, nodes: [...group.nodes].sort(compareNatural)}));
	const answered = [...health.answered].sort((a, b) => compareNatural(a.node, b.node));
	for (const group of downGroups) {
		const key = `d${group.reason}`;
		lines.push({key, node: group.nodes[0], group: key, text: groupText(glyphs.unreachable, group.nodes, group.nodeSet, group.reason, width - markerColumns), kind: 'down', section: 'summary'});
		const wrapped = wrapText(group.detail, width - markerColumns - detailIndent.length);
		const shown = wrapped.length > detailLines ? [...wrapped.slice(0, detailLines - 1), `${wrapped[detailLines - 1] ?? ''}...`] : wrapped;
		for (const [index, text] of shown.entries()) {
			lines.push({key: `d${group.reason}m${index}`, node: group.nodes[0], group: key, text: detailIndent + text, kind: 'detail', section: 'summary'});
		}
	}

	const managerGroups = groupByManager(answered);
	for (const group of managerGroups) {
		const node = group.nodes[0]?.node;
		const {min, median, max} = group.latency;
		const key = `m${group.manager}`;
		const names = group.nodes.map(entry => entry.node);
		lines.push({key, node, group: key, text: groupText(glyphs.ok, names, group.nodeSet, group.manager, width - markerColumns), kind: 'up', section: 'summary'});
		lines.push({key: `m${group.manager}l`, node, group: key, text: `${detailIndent}latency min/med/max ${min}/${median}/${max} ms`, kind: 'detail', section: 'summary'});
	}

	const nameWidth = Math.max(0, ...answered.map(entry => [...entry.node].length), ...downGroups.flatMap(group => group.nodes.map(node => [...node].length)));
	const downNodes = downGroups
		.filter(group => drill === undefined || drill === `d${group.reason}`)
		.flatMap(group => group.nodes.map(node => ({node, reason: group.reason})))
		.sort((a, b) => compareNatural(a.node, b.node));
	for (const {node, reason} of downNodes) {
		lines.push({key: `n${node}`, node, text: `${glyphs.unreachable} ${node.padEnd(nameWidth)}  down: ${reason}`, kind: 'node-down', section: 'nodes'});
	}

	for (const entry of answered.filter(candidate => drill === undefined || drill === `m${candidate.manager}`)) {
		lines.push({
			key: `n${entry.node}`,
			node: entry.node,
			text: `${glyphs.ok} ${entry.node.padEnd(nameWidth)} ${String(entry.latencyMs).padStart(5)} ms  ${entry.manager}`,
			kind: 'node-up',
			section: 'nodes',
		});
	}

	return lines;
}

/** Rows the per-node list keeps at least, below the pinned summary; with fewer, everything scrolls together. */
const minimumNodeRows = 3;

/**
 * Which lines the pane shows in `visible` rows with the cursor on line `cursor`. The summary stays put
 * above a scrolling per-node list with a heading (`nodes 1-18 of 2000`), so folded sets stay in sight
 * while j/k walk the nodes. When the summary leaves too little room, the whole list scrolls as one.
 */
export function healthWindow(lines: readonly HealthLine[], cursor: number, visible: number, drill?: string): {pinned: readonly HealthLine[]; heading?: string; scrolled: readonly HealthLine[]; first: number} {
	const summary = lines.filter(line => line.section === 'summary');
	const nodes = lines.filter(line => line.section === 'nodes');
	if (nodes.length > 0 && summary.length + 1 + Math.min(nodes.length, minimumNodeRows) <= visible) {
		const rows = visible - summary.length - 1;
		const first = windowStart(Math.max(0, cursor - summary.length), rows, nodes.length);
		const scrolled = nodes.slice(first, first + rows);
		const range = nodes.length <= rows ? `nodes (${nodes.length})` : `nodes ${first + 1}-${first + scrolled.length} of ${nodes.length} (j/k, g/G)`;
		// Drilled into a group (its key: `d` + reason or `m` + manager), the heading names it and the way back.
		const span = nodes.length <= rows ? `(${nodes.length})` : `${first + 1}-${first + scrolled.length} of ${nodes.length}`;
		const heading = drill === undefined ? range : `${drill.slice(1)} nodes ${span} | Esc: all nodes`;
		return {pinned: summary, heading, scrolled, first: summary.length + first};
	}

	const first = windowStart(cursor, visible, lines.length);
	return {pinned: [], scrolled: lines.slice(first, first + visible), first};
}

/** Which nodes answer (grouped by service manager, with latency) and which do not (grouped by reason), then each node. */
export function HealthPane({health, lines: given, cursor, focused, width, height, drill}: HealthPaneProps) {
	const theme = useTheme();
	const lines = given ?? healthLines(health, {ok: statusStyle(theme, 'ok').glyph, unreachable: statusStyle(theme, 'unreachable').glyph}, width, drill);
	const header =
		health.status === 'running'
			? `checking ${health.target === 'plan' ? 'the plan\'s nodes' : health.target}: ${health.contacted}/${health.total}`
			: health.status === 'done'
				? `${health.answered.length} of ${health.total} answer (${health.target === 'plan' ? 'plan nodes' : health.target})`
				: '';
	const visible = Math.max(0, height - 1 - (health.error ? 1 : 0));
	const shown = healthWindow(lines, cursor, visible, drill);
	const draw = (line: HealthLine, index: number) => {
		const isSelected = focused && index === cursor && line.kind !== 'hint';
		const color = line.kind === 'down' || line.kind === 'node-down' ? paint(theme, 'red') : line.kind === 'up' || line.kind === 'node-up' ? paint(theme, 'green') : paint(theme, 'gray');
		return (
			<Text key={line.key} wrap="truncate">
				{isSelected ? theme.glyphs.pointer : ' '.repeat(markerColumns)}
				<Text color={color} inverse={isSelected}>
					{line.text}
				</Text>
			</Text>
		);
	};

	return (
		<PaneFrame title="2 Health" detail={header} focused={focused} width={width} height={height}>
			{health.error ? (
				<Text wrap="truncate" color={paint(theme, 'red')}>
					{theme.glyphs.status.failed} {health.error}
				</Text>
			) : null}
			{shown.pinned.map((line, index) => draw(line, index))}
			{shown.heading === undefined ? null : (
				<Text wrap="truncate" bold color={paint(theme, 'cyan')}>
					{' '.repeat(markerColumns)}
					{shown.heading}
				</Text>
			)}
			{shown.scrolled.map((line, offset) => draw(line, shown.first + offset))}
		</PaneFrame>
	);
}
