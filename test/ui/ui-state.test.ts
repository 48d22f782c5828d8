import {describe, expect, it} from 'vitest';
import {initialUiState, reduceUi, scopesOf, type UiAction, type UiState} from '../../source/ui/ui-state.js';

const run = (actions: readonly UiAction[], from: UiState = initialUiState): UiState => actions.reduce(reduceUi, from);

describe('reduceUi', () => {
	it('cycles focus both ways and jumps to a pane', () => {
		expect(run([{type: 'focus-next'}]).focus).toBe('health');
		expect(run([{type: 'focus-next'}, {type: 'focus-next'}, {type: 'focus-next'}]).focus).toBe('plan');
		expect(run([{type: 'focus-prev'}]).focus).toBe('run');
		expect(run([{type: 'focus-pane', pane: 'run'}]).focus).toBe('run');
	});

	it('stacks overlays, enters edit mode for text overlays, and leaves it when they close', () => {
		const withHelp = run([{type: 'push-overlay', overlay: {kind: 'help'}}]);
		expect(withHelp).toMatchObject({overlays: [{kind: 'help'}], mode: 'normal'});
		expect(reduceUi(withHelp, {type: 'push-overlay', overlay: {kind: 'help'}})).toBe(withHelp);
		const filtering = reduceUi(withHelp, {type: 'push-overlay', overlay: {kind: 'filter'}});
		expect(filtering.mode).toBe('edit');
		expect(scopesOf(filtering)).toEqual(['filter', 'help', 'plan', 'global']);
		const closed = reduceUi(filtering, {type: 'pop-overlay'});
		expect(closed).toMatchObject({overlays: [{kind: 'help'}], mode: 'normal'});
		expect(run([{type: 'push-overlay', overlay: {kind: 'confirm', command: 'run.start', typeCount: 240}}]).mode).toBe('edit');
		expect(run([{type: 'push-overlay', overlay: {kind: 'confirm', command: 'run.start'}}]).mode).toBe('normal');
		expect(run([{type: 'pop-overlay'}])).toEqual(initialUiState);
	});

	it('moves the focused pane cursor within the list', () => {
		expect(run([{type: 'move-cursor', delta: 1, length: 3}, {type: 'move-cursor', delta: 5, length: 3}]).selectedStep).toBe(2);
		expect(run([{type: 'move-cursor', delta: -1, length: 3}]).selectedStep).toBe(0);
		expect(run([{type: 'move-cursor', delta: 1, length: 0}]).selectedStep).toBe(0);
		const onRun = run([{type: 'focus-pane', pane: 'run'}, {type: 'cursor-bottom', length: 10}]);
		expect(onRun.cursor).toEqual({health: 0, run: 9});
		expect(onRun.selectedStep).toBe(0);
		expect(reduceUi(onRun, {type: 'cursor-top'}).cursor.run).toBe(0);
		expect(run([{type: 'focus-pane', pane: 'health'}, {type: 'move-cursor', delta: 2, length: 5}]).cursor).toEqual({health: 2, run: 0});
	});

	it('turns follow off when scrolling up and on again at the end', () => {
		const up = run([{type: 'scroll-output', delta: 10, total: 100, visible: 20}]);
		expect(up).toMatchObject({scroll: 10, follow: false});
		expect(reduceUi(up, {type: 'scroll-output', delta: 500, total: 100, visible: 20}).scroll).toBe(80);
		expect(reduceUi(up, {type: 'scroll-output', delta: -10, total: 100, visible: 20})).toMatchObject({scroll: 0, follow: true});
		expect(run([{type: 'scroll-output', delta: 5, total: 10, visible: 20}])).toMatchObject({scroll: 0, follow: true});
		expect(reduceUi(up, {type: 'toggle-follow'})).toMatchObject({follow: true, scroll: 0});
		expect(run([{type: 'toggle-follow'}])).toMatchObject({follow: false});
	});

	it('shows a selected node’s own output, following it', () => {
		const gathered = run([{type: 'toggle-gathered'}, {type: 'scroll-output', delta: 3, total: 50, visible: 10}]);
		expect(gathered).toMatchObject({gathered: true, follow: false, scroll: 3});
		expect(reduceUi(gathered, {type: 'select-node', node: 'web07'})).toMatchObject({selectedNode: 'web07', gathered: false, follow: true, scroll: 0});
	});

	it('sets the filter and resets list cursors', () => {
		const moved = run([{type: 'focus-pane', pane: 'run'}, {type: 'move-cursor', delta: 4, length: 9}]);
		expect(reduceUi(moved, {type: 'set-filter', filter: ' web[01-03] '})).toMatchObject({filter: 'web[01-03]', cursor: {run: 0, health: 0}});
	});

	it('scrolls help within its lines', () => {
		expect(run([{type: 'scroll-help', delta: 100, total: 60, visible: 20}]).helpScroll).toBe(40);
		expect(run([{type: 'scroll-help', delta: -1, total: 60, visible: 20}]).helpScroll).toBe(0);
	});

	it('scrolls the log up from its newest line, within its lines, and opens it at the end', () => {
		expect(run([{type: 'scroll-log', delta: -5, total: 30, visible: 19}]).logScroll).toBe(5);
		expect(run([{type: 'scroll-log', delta: -100, total: 30, visible: 19}]).logScroll).toBe(11);
		expect(run([{type: 'scroll-log', delta: -5, total: 30, visible: 19}, {type: 'scroll-log', delta: 100, total: 30, visible: 19}]).logScroll).toBe(0);
		expect(run([{type: 'scroll-log', delta: -5, total: 30, visible: 19}, {type: 'push-overlay', overlay: {kind: 'log'}}]).logScroll).toBe(0);
	});

	it('switches edit mode explicitly', () => {
		expect(run([{type: 'enter-edit'}]).mode).toBe('edit');
		expect(run([{type: 'enter-edit'}, {type: 'leave-edit'}]).mode).toBe('normal');
	});
});

describe('scopesOf', () => {
	it('puts the newest overlay first, then the focused pane, then global', () => {
		expect(scopesOf(initialUiState)).toEqual(['plan', 'global']);
		expect(scopesOf(run([{type: 'focus-pane', pane: 'run'}, {type: 'push-overlay', overlay: {kind: 'log'}}, {type: 'push-overlay', overlay: {kind: 'help'}}]))).toEqual([
			'help',
			'log',
			'run',
			'global',
		]);
	});
});

describe('notices', () => {
	it('are transient UI state: notify sets the footer line, notify undefined clears it', () => {
		const said = reduceUi(initialUiState, {type: 'notify', text: 'x: no run is active'});
		expect(said.notice).toBe('x: no run is active');
		expect(reduceUi(said, {type: 'notify', text: undefined})).toEqual(initialUiState);
		expect(reduceUi(initialUiState, {type: 'notify', text: undefined})).toBe(initialUiState);
	});
});

describe('the canary question follows the run', () => {
	it('comes up on top when the run waits for it, and goes once it does not', () => {
		const withHelp = run([{type: 'push-overlay', overlay: {kind: 'help'}}]);
		const asked = reduceUi(withHelp, {type: 'sync-canary', waiting: true});
		expect(asked).toMatchObject({overlays: [{kind: 'help'}, {kind: 'canary'}], mode: 'normal'});
		expect(scopesOf(asked)).toEqual(['canary', 'help', 'plan', 'global']);
		expect(reduceUi(asked, {type: 'sync-canary', waiting: true})).toBe(asked);
		expect(reduceUi(withHelp, {type: 'sync-canary', waiting: false})).toBe(withHelp);
		const filtering = reduceUi(asked, {type: 'push-overlay', overlay: {kind: 'filter'}});
		// Answered while a text field is over it: the question goes, the field stays (and keeps the keys).
		expect(reduceUi(filtering, {type: 'sync-canary', waiting: false})).toMatchObject({overlays: [{kind: 'help'}, {kind: 'filter'}], mode: 'edit'});
		expect(reduceUi(asked, {type: 'sync-canary', waiting: false})).toMatchObject({overlays: [{kind: 'help'}], mode: 'normal'});
	});
});
