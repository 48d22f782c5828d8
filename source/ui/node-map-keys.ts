import type {DispatchContext} from './dispatch.js';
import {isFailure, nextCellWith} from './node-map.js';
import type {NodeMapAction} from './node-map-ui.js';
import {nextFailed, nodeAt} from './run-view.js';

/**
 * What the run pane's keys do in the node map and the health groups (issue 11), reading the frame on
 * screen: Enter drills from an outcome to its nodes and from a node (or a range cell) to its output,
 * the arrows walk the map, Esc goes back a level. In the grid view the keys do what they always did.
 */

const mapAction = (context: DispatchContext, action: NodeMapAction): void => {
	context.dispatch({type: 'node-map', action});
};

/** Enter in the run pane. */
export function selectInRun(context: DispatchContext): void {
	const {ui, dispatch, frame} = context;
	const {map} = frame.run;
	if (map === undefined) {
		dispatch({type: 'select-node', node: nodeAt(frame.run.filtered, frame.run.grid, ui.cursor.run, ui.gridColumn)});
	} else if (map.drill !== undefined) {
		const node = map.drill.nodes[ui.cursor.run];
		if (node !== undefined) {
			dispatch({type: 'select-node', node});
		}
	} else if (map.cell === undefined) {
		const group = frame.run.outcomeLines.groups[ui.cursor.run];
		if (group !== undefined) {
			mapAction(context, {type: 'drill', drill: {kind: 'outcome', status: group.status}});
		}
	} else {
		const nodes = map.layout.cells[map.cell]?.nodes ?? [];
		if (nodes.length === 1) {
			dispatch({type: 'select-node', node: nodes[0]});
		} else if (nodes.length > 1) {
			mapAction(context, {type: 'drill', drill: {kind: 'cell', nodes}});
		}
	}
}

/**
 * ←/→: the grid's previous/next column; on the map the previous/next cell. From the outcome lines the
 * cursor enters the map at the first (→) or last (←) cell holding a node of the outcome under it.
 */
export function moveSideways(context: DispatchContext, delta: 1 | -1): void {
	const {frame, ui} = context;
	const {map} = frame.run;
	if (map === undefined) {
		context.dispatch({type: 'move-column', delta, length: context.tui.run.store ? frame.run.grid.columns.length : 0});
		return;
	}

	const count = map.layout.cells.length;
	if (map.drill !== undefined || count === 0) {
		return;
	}

	if (map.cell === undefined) {
		const status = frame.run.outcomeLines.groups[ui.cursor.run]?.status;
		const found = status === undefined ? undefined : nextCellWith(map.layout, map.outcomes, undefined, delta, outcome => outcome === status);
		mapAction(context, {type: 'set-cell', cell: found ?? (delta === 1 ? 0 : count - 1)});
		return;
	}

	mapAction(context, {type: 'set-cell', cell: Math.min(count - 1, Math.max(0, map.cell + delta))});
}

/** j/k (and the pages) while the cursor is on the map: a row of cells up or down. False when not on the map. */
export function moveOnMap(context: DispatchContext, delta: number): boolean {
	const {map} = context.frame.run;
	if (context.ui.focus !== 'run' || map?.cell === undefined || map.drill !== undefined) {
		return false;
	}

	const {columns, cells} = map.layout;
	const to = map.cell + delta * columns;
	// Past the last row's end the cursor stops on the last cell; past the top it stays in its column.
	mapAction(context, {type: 'set-cell', cell: to < 0 ? map.cell % columns : Math.min(cells.length - 1, to)});
	return true;
}

/** `n`: the next failed or timed-out node, shown with its output; on the map, the next cell holding one. */
export function nextFailedInRun(context: DispatchContext): void {
	const {ui, dispatch, frame} = context;
	const {map} = frame.run;
	if (map === undefined) {
		const found = nextFailed(frame.run.filtered, frame.run.grid, ui.cursor.run, ui.gridColumn);
		if (found) {
			dispatch({type: 'set-grid-cursor', row: found.row, column: found.column});
			dispatch({type: 'select-node', node: found.node});
		} else {
			dispatch({type: 'notify', text: 'no failed node'});
		}

		return;
	}

	if (map.drill !== undefined) {
		const {nodes} = map.drill;
		for (let step = 1; step <= nodes.length; step++) {
			const index = (ui.cursor.run + step) % nodes.length;
			const outcome = map.outcomes.get(nodes[index] ?? '');
			if (outcome !== undefined && isFailure(outcome)) {
				dispatch({type: 'move-cursor', delta: index - ui.cursor.run, length: nodes.length});
				dispatch({type: 'select-node', node: nodes[index]});
				return;
			}
		}

		dispatch({type: 'notify', text: 'no failed node in this list'});
		return;
	}

	const cell = nextCellWith(map.layout, map.outcomes, map.cell, 1, isFailure);
	const node = cell === undefined ? undefined : map.layout.cells[cell]?.nodes.find(name => isFailure(map.outcomes.get(name) ?? 'ok'));
	if (cell === undefined || node === undefined) {
		dispatch({type: 'notify', text: 'no failed node'});
		return;
	}

	mapAction(context, {type: 'set-cell', cell});
	dispatch({type: 'select-node', node});
}

/** Enter in the health pane: a group drills into its nodes; a node shows its output in the run pane. */
export function selectInHealth(context: DispatchContext): void {
	const {ui, dispatch, frame} = context;
	const line = frame.health.lines[ui.cursor.health];
	if (line?.group !== undefined && line.section === 'summary') {
		mapAction(context, {type: 'drill-health', key: line.group, first: frame.health.lines.filter(candidate => candidate.section === 'summary').length});
	} else if (line?.node !== undefined) {
		dispatch({type: 'focus-pane', pane: 'run'});
		dispatch({type: 'select-node', node: line.node});
	}
}

/** Esc: back one level in the focused pane. */
export function goBack(context: DispatchContext): void {
	mapAction(context, {type: 'back', pane: context.ui.focus === 'health' ? 'health' : 'run'});
}

/** `v`: the map or the grid. */
export function toggleMapView(context: DispatchContext): void {
	mapAction(context, {type: 'toggle-view', shown: context.frame.run.view});
}
