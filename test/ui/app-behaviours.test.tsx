import {Profiler} from 'react';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {createRunStore} from '../../source/store/run-store.js';
import {App} from '../../source/ui/app.js';
import type {RunView} from '../../source/tui/contract.js';
import {unicodeGlyphs} from '../../source/ui/glyphs.js';
import {RunPane} from '../../source/ui/panes/run-pane.js';
import {initialUiState} from '../../source/ui/ui-state.js';
import {renderUi, tick, waitFor} from '../helpers/ink.js';
import {keys} from '../helpers/keys.js';
import {simulatedNode} from '../helpers/fake-transport.js';
import {harness} from './app-harness.js';
import {manualTimer} from '../helpers/manual-timer.js';

afterEach(() => {
	cleanup();
});

describe('streaming output stays cheap', () => {
	it('renders the run pane a bounded number of times for 10,000 output events from 2,000 nodes', async () => {
		const timer = manualTimer();
		const store = createRunStore({timer, flushMs: 40});
		const nodes = Array.from({length: 2000}, (_, index) => `node${index + 1}`);
		const at = 1;
		store.apply({type: 'run-started', at, runId: 'r', plan: 'p', nodes, steps: [{index: 1, services: ['web'], action: 'restart', nodes, depend: []}]});
		store.apply({type: 'step-started', at, step: 1, nodes});
		store.flush();
		let renders = 0;
		const run: RunView = {store, active: true, kind: 'run', logLines: [], failedTasks: 0};
		const ui = await renderUi(
			<Profiler
				id="run"
				onRender={() => {
					renders++;
				}}
			>
				<RunPane run={run} ui={{...initialUiState, selectedNode: 'node7'}} focused width={80} height={23} />
			</Profiler>,
		);
		const before = renders;
		for (let round = 0; round < 5; round++) {
			for (const node of nodes) {
				const event: ExecutorEvent = {type: 'command-output', at, node, step: 1, service: 'web', stream: 'stdout', lines: [`line ${round} from ${node}`]};
				store.apply(event);
			}
		}

		// 10,000 events, one pending flush: the pane has not rendered once yet.
		expect(timer.pending()).toBe(1);
		await tick();
		expect(renders).toBe(before);
		timer.fire();
		await waitFor(() => ui.text().includes('[1 web] line 4 from node7'));
		expect(renders - before).toBeLessThanOrEqual(2);
	});
});

describe('app behaviours', () => {
	it('says the terminal is too small below 60×15', async () => {
		const {controller} = harness();
		const ui = await renderUi(<App controller={controller} />, {size: {columns: 50, rows: 12}});
		expect(ui.text()).toBe(['Terminal too small (50x12)', 'svctui needs 60x15: 10 more columns and 3 more', 'rows.', 'Enlarge the window, or run headless with --yes.'].join('\n'));
	});

	it('makes the user type the node count before a restart on more than 10 nodes', async () => {
		const nodes = Object.fromEntries(Array.from({length: 12}, (_, index) => [`web${index + 1}`, simulatedNode('systemd', {nginx: 'active'})]));
		const {controller, transports} = harness(nodes, '- nginx:\n    state: restart\n    nodes: web[1-12]\n');
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />);
		await ui.press('r', frame => frame.includes('pre-flight: 12/12'));
		expect(ui.text()).toContain('y then type 12 (stop/restart on 12 nodes) | n/Esc back');
		await ui.press('y', frame => frame.includes('Type the number of nodes (12)'));
		// The footer says what this dialog takes: not y/n, but the count, Enter and Esc.
		expect(ui.text().split('\n').at(-1)).toBe('0-9 type the node count | Enter go ahead (count typed) | Esc cancel');
		await ui.press('11', frame => frame.includes('11 is not 12'));
		await ui.press(keys.enter, frame => frame.includes('11 is not 12'));
		expect(transports).toHaveLength(1);
		await ui.press(keys.backspace, frame => / 1 is not 12/.test(frame));
		await ui.press('2', frame => frame.includes('Enter: go ahead on 12 nodes'));
		await ui.press(keys.enter, frame => frame.includes('actions done 12/12'));
		expect(transports[1]?.execs.filter(call => call.command.includes('restart'))).toHaveLength(12);
	});

	it('asks before deleting a step, and n keeps it', async () => {
		const {controller} = harness();
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />);
		await ui.press('j', frame => frame.includes('>2. start ssh'));
		await ui.press('d', frame => frame.includes('Delete step 2 (start ssh)?'));
		await ui.press('n', frame => frame.includes('>2. start ssh'));
		await ui.press('d', frame => frame.includes('Delete step 2 (start ssh)?'));
		await ui.press('y', frame => frame.includes('(modified)'));
		expect(controller.getSnapshot().plan.rows.map(row => `${row.index} ${row.services} ${row.nodes}`)).toEqual(['1 cron,nginx node[1-3]', '2 cron node[1-3]', '3 ssh node[1-3]']);
	});

	it('excludes the nodes the health check found down from the plan with X', async () => {
		const {controller} = harness();
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />);
		await ui.press('2', frame => frame.includes('Not checked yet'));
		await ui.press('n', frame => frame.includes('Check which nodes?'));
		await ui.press('node[1-4', frame => frame.includes('unclosed bracket'));
		await ui.press(']', frame => frame.includes('4 nodes: node[1-4]'));
		await ui.press(keys.enter, frame => frame.includes('3 of 4 answer (node[1-4])'));
		expect(ui.text()).toContain('? node4 (1) dns');
		await ui.press('c', frame => frame.includes('3 of 4 answer'));
		await ui.press('1', frame => frame.includes('1 Plan '));
		await ui.press('2', frame => frame.includes('2 Health '));
		await ui.press('X', frame => frame.includes('no step uses the down nodes'));
	});

	it('draws UTF-8 glyphs when the locale allows them', async () => {
		const {controller} = harness();
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />, {theme: {color: false, glyphs: unicodeGlyphs}});
		await ui.press('r', frame => frame.includes('pre-flight: 4/4'));
		await ui.press('y', frame => frame.includes('run finished'));
		expect(ui.text()).toContain('1 nginx  ✓ ok  ✗ FAIL ✗ FAIL');
		expect(ui.text()).toContain('step 1 [███');
	});
});

describe('the help over every overlay, and quitting with unsaved edits', () => {
	it('opens ? over the review, a confirmation, the step form and a prompt, and comes back to each as it was', async () => {
		const {controller} = harness();
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />, {size: {columns: 80, rows: 24}});
		await ui.press('r', frame => frame.includes('pre-flight: 4/4'));
		await ui.press('?', frame => frame.includes('Everywhere'));
		await ui.press(keys.escape, frame => frame.includes('pre-flight: 4/4') && frame.includes('y run'));
		await ui.press('n', frame => frame.includes('1 Plan'));

		await ui.press('d', frame => frame.includes('Delete step 1'));
		await ui.press('?', frame => frame.includes('Everywhere'));
		await ui.press(keys.escape, frame => frame.includes('Delete step 1'));
		await ui.press('n', frame => !frame.includes('Delete step 1'));

		// The form keeps what was typed under the help; the `?` itself is not typed.
		await ui.press('a', frame => frame.includes('Add a step'));
		await ui.press('web', frame => frame.includes('Services: web'));
		await ui.press('?', frame => frame.includes('Everywhere'));
		expect(ui.text()).not.toContain('Add a step');
		await ui.press(keys.escape, frame => frame.includes('Add a step'));
		expect(ui.text()).toMatch(/Services: web +\|/);
		await ui.press('x', frame => frame.includes('Services: webx'));
		await ui.press(keys.escape, frame => !frame.includes('Add a step'));

		await ui.press('o', frame => frame.includes('Open a plan file'));
		await ui.press('?', frame => frame.includes('Everywhere'));
		await ui.press(keys.escape, frame => frame.includes('Open a plan file'));
	});

	it('asks before q throws unsaved plan edits away; n keeps the app, y quits', async () => {
		const {controller} = harness();
		await controller.loadPlan('plan.yaml');
		// Quitting aborts whatever runs first: the one side effect of app.quit the controller sees.
		const quit = vi.spyOn(controller, 'abortRun');
		const ui = await renderUi(<App controller={controller} />, {size: {columns: 80, rows: 24}});
		await ui.press(' ', frame => frame.includes('(modified)'));
		await ui.press('q', frame => frame.includes('Quit with unsaved plan changes?'));
		expect(ui.text()).toContain('The changes to plan.yaml are lost');
		await ui.press('n', frame => !frame.includes('Quit with unsaved'));
		expect(quit).not.toHaveBeenCalled();
		await ui.press('q', frame => frame.includes('Quit with unsaved plan changes?'));
		ui.stdin.write('y');
		await waitFor(() => quit.mock.calls.length === 1, () => 'app.quit');
	});
});

describe('the commands table', () => {
	it('a second Ctrl-C on its own question means yes, instead of stacking another dialog', async () => {
		const {controller} = harness();
		await controller.loadPlan('plan.yaml');
		const quit = vi.spyOn(controller, 'abortRun');
		const ui = await renderUi(<App controller={controller} />, {size: {columns: 80, rows: 24}});
		await ui.press(' ', frame => frame.includes('(modified)'));
		await ui.press(keys.ctrlC, frame => frame.includes('Quit with unsaved plan changes?'));
		expect(quit).not.toHaveBeenCalled();
		ui.stdin.write(keys.ctrlC);
		await waitFor(() => quit.mock.calls.length === 1, () => 'app.quit');
	});
});
