import {assertNever} from '../errors.js';
import type {ShownStatus} from '../store/run-state.js';
import type {UiState} from './ui-state.js';

/**
 * Where the user is in the node map and the health groups (issue 11): which view the run pane shows,
 * the map cell under the cursor, and the node list drilled into, with the cursor to go back to. Pure;
 * `reduceUi` hands its `node-map` actions here.
 */

/** A node list the run pane shows in place of the map: an outcome's nodes, or the nodes of a range cell. */
export type RunDrill =
	| {readonly kind: 'outcome'; readonly status: ShownStatus; readonly back: number}
	| {readonly kind: 'cell'; readonly nodes: readonly string[]; readonly back: number};

/** A health group drilled into: only its nodes are listed under the summary. `key` is the group line's. */
export type HealthDrill = {readonly key: string; readonly back: number};

export type NodeMapUi = {
	/** `auto`: the grid while every node has a column of its own, else the map; `v` picks one. */
	readonly view: 'auto' | 'map' | 'grid';
	/** The map cell under the cursor; undefined while the cursor is on the outcome lines. */
	readonly cell: number | undefined;
	readonly drill: RunDrill | undefined;
	readonly healthDrill: HealthDrill | undefined;
};

export const initialNodeMapUi: NodeMapUi = {view: 'auto', cell: undefined, drill: undefined, healthDrill: undefined};

export type NodeMapAction =
	/** `v`: show the other of map and grid (`shown` is what is on screen now). */
	| {readonly type: 'toggle-view'; readonly shown: 'map' | 'grid'}
	/** Put the map cursor on a cell, or take it off the map (undefined); the node shown is let go. */
	| {readonly type: 'set-cell'; readonly cell: number | undefined}
	/** Show a node list in place of the map; the run cursor goes to its first node. */
	| {readonly type: 'drill'; readonly drill: {readonly kind: 'outcome'; readonly status: ShownStatus} | {readonly kind: 'cell'; readonly nodes: readonly string[]}}
	/** List only one health group's nodes; the health cursor goes to `first`, its first node line. */
	| {readonly type: 'drill-health'; readonly key: string; readonly first: number}
	/** Esc: one level back (node list → map, map cell → outcome lines, a node's output → none). */
	| {readonly type: 'back'; readonly pane: 'run' | 'health'}
	/** A new run (or a retry) starts: no list or cell of the last one stays open; the view stays as picked. */
	| {readonly type: 'new-run'};

/** The node-map part of the UI reducer. */
export function reduceNodeMap(state: UiState, action: NodeMapAction): UiState {
	const map = state.nodeMap;
	switch (action.type) {
		case 'toggle-view': {
			return {...state, nodeMap: {...map, view: action.shown === 'map' ? 'grid' : 'map', cell: undefined, drill: undefined}, cursor: {...state.cursor, run: 0}, gridColumn: 0};
		}

		case 'set-cell': {
			// The output title then names the cell under the cursor; Enter shows a node's output again.
			return {...state, nodeMap: {...map, cell: action.cell}, selectedNode: undefined, follow: true, scroll: 0};
		}

		case 'drill': {
			// The map cursor stays where it was: Esc comes back to the same cell.
			const back = map.drill?.back ?? state.cursor.run;
			return {...state, nodeMap: {...map, drill: {...action.drill, back}}, cursor: {...state.cursor, run: 0}};
		}

		case 'drill-health': {
			const back = map.healthDrill?.back ?? state.cursor.health;
			return {...state, nodeMap: {...map, healthDrill: {key: action.key, back}}, cursor: {...state.cursor, health: action.first}};
		}

		case 'back': {
			return action.pane === 'health' ? healthBack(state) : runBack(state);
		}

		case 'new-run': {
			return {...state, nodeMap: {...map, cell: undefined, drill: undefined}};
		}

		default: {
			return assertNever(action);
		}
	}
}

function runBack(state: UiState): UiState {
	const map = state.nodeMap;
	if (map.drill !== undefined) {
		return {...state, nodeMap: {...map, drill: undefined}, cursor: {...state.cursor, run: map.drill.back}};
	}

	if (map.cell !== undefined) {
		return {...state, nodeMap: {...map, cell: undefined}};
	}

	return state.selectedNode === undefined ? state : {...state, selectedNode: undefined, follow: true, scroll: 0};
}

function healthBack(state: UiState): UiState {
	const drill = state.nodeMap.healthDrill;
	return drill === undefined ? state : {...state, nodeMap: {...state.nodeMap, healthDrill: undefined}, cursor: {...state.cursor, health: drill.back}};
}
