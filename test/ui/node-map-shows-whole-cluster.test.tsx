import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import type {ExecutorEvent} from '../../source/executor/events.js';
import {foldNodes} from '../../source/nodeset/index.js';
import {createRunStore, type RunStore} from '../../source/store/run-store.js';
import type {HealthView, TuiController, TuiState} from '../../source/tui/contract.js';
import {App} from '../../source/ui/app.js';
import {asciiGlyphs} from '../../source/ui/glyphs.js';
import type {Size} from '../../source/ui/layout.js';
import type {Theme} from '../../source/ui/theme.js';
import {renderUi, type Rendered} from '../helpers/ink.js';
import {eventBuilder, step} from '../helpers/events.js';
import {keys} from '../helpers/keys.js';
import {harness} from './app-harness.js';

afterEach(() => {
	cleanup();
});

// Issue 11: 5,000 nodes, 37 failed spread over the cluster, two unreachable ranges, the rest ok.
const nodes = Array.from({length: 5000}, (_, index) => `node${index + 1}`);
const failedIndexes = Array.from({length: 37}, (_, index) => 11 + index * 131);
const failed = new Set(failedIndexes.map(index => nodes[index]));
const unreachable = new Set([...nodes.slice(2000, 2040), ...nodes.slice(4499, 4519)]);

function finishedRun(): RunStore {
	const ev = eventBuilder();
	const events: ExecutorEvent[] = [ev.runStarted([step(1, 'restart', ['web'], nodes)]), ev.stepStarted(1, nodes)];
	for (const node of nodes) {
		if (unreachable.has(node)) {
			events.push(ev.unreachable(node, 'timeout', `${node}: no answer`));
		} else {
			events.push(ev.started(node, 1, 'web'), ev.output(node, 1, 'web', [`web on ${node}`]), ev.exited(node, 1, 'web', failed.has(node) ? 1 : 0));
		}
	}

	events.push(ev.stepFinished(1), ev.runFinished('failed'));
	const store = createRunStore({flushMs: 0});
	for (const event of events) {
		store.apply(event);
	}

	store.flush();
	return store;
}

/** The same 5,000 nodes checked: 37 time out (spread), 60 refuse (two ranges), the rest answer. */
function checkedCluster(): HealthView {
	const down = new Set([...failed, ...unreachable]);
	return {
		status: 'done',
		target: 'plan',
		total: 5000,
		contacted: 5000,
		answered: nodes.filter(node => !down.has(node)).map((node, index) => ({node, latencyMs: 10 + (index % 50), manager: 'systemd' as const})),
		down: [
			{reason: 'timeout', nodes: [...failed].filter(node => node !== undefined), nodeSet: foldNodes([...failed].filter(node => node !== undefined)), detail: 'no answer within 5 s'},
			{reason: 'refused', nodes: [...unreachable], nodeSet: 'node[2001-2040,4500-4519]', detail: 'connection refused'},
		],
	};
}

/** A real controller (fake nodes) whose snapshot holds the finished 5,000-node run and check. */
function controllerWith(store: RunStore, health?: HealthView): TuiController {
	const {controller} = harness();
	const base = controller.getSnapshot();
	const state: TuiState = {...base, ...(health === undefined ? {} : {health}), run: {store, active: false, kind: 'run', logLines: [], failedTasks: 37, exitCode: 1}};
	return {...controller, getSnapshot: () => state, getPublished: () => state, subscribe: () => () => undefined};
}

const sizes: ReadonlyArray<[string, Size]> = [
	['80×24', {columns: 80, rows: 24}],
	['120×40', {columns: 120, rows: 40}],
];

/** The run pane's lines: the whole frame at 80 columns (stacked), the right of the rule at 120. */
function runLines(frame: string, size: Size): string[] {
	// The split layout's left column is 40 % of the width, then the run pane's one-column rule.
	const left = size.columns >= 100 ? Math.max(38, Math.floor(size.columns * 0.4)) + 1 : 0;
	return frame.split('\n').map(line => line.slice(left));
}

/** No line holds a node set cut open: every `[` closed on its line, and nothing cut with an ellipsis inside one. */
function expectNoCutSets(frame: string): void {
	for (const line of frame.split('\n')) {
		expect([...line.matchAll(/\[/g)].length, line).toBe([...line.matchAll(/\]/g)].length);
		expect(line, line).not.toMatch(/\[[^\]]*(…|\.\.\.)$/);
	}
}

/** The map: its legend's scale and its rows of cells (each after a row label `nodeN `). */
function mapOf(frame: string, size: Size): {perCell: number; legend: string; rows: string[]} {
	const lines = runLines(frame, size);
	const legendAt = lines.findIndex(line => /1 cell = \d+ node/.test(line));
	const legend = lines[legendAt] ?? '';
	const perCell = Number(/1 cell = (\d+) node/.exec(legend)?.[1]);
	const rows: string[] = [];
	for (const line of lines.slice(legendAt + 1)) {
		const match = /^node\d+ +([+x?]+)$/.exec(line.trimEnd());
		if (!match) {
			break;
		}

		rows.push(match[1] ?? '');
	}

	return {perCell, legend, rows};
}

async function openRun(size: Size, theme?: Theme): Promise<Rendered> {
	const ui = await renderUi(<App controller={controllerWith(finishedRun())} />, {size, ...(theme === undefined ? {} : {theme})});
	await ui.press('3', frame => frame.includes('1 cell ='));
	return ui;
}

describe.each(sizes)('the node map at %s with 5,000 nodes', (_name, size) => {
	it('shows every node on one screen, failures where they are, with a legend and the outcomes folded', async () => {
		const ui = await openRun(size);
		const frame = ui.text();
		expect(frame.split('\n')).toHaveLength(size.rows);
		const map = mapOf(frame, size);
		const cells = map.rows.join('');
		// The whole cluster: the cells stand for every node, and no cell is spare.
		expect(cells.length * map.perCell).toBeGreaterThanOrEqual(5000);
		expect((cells.length - 1) * map.perCell).toBeLessThan(5000);
		// Worst wins: a cell shows x exactly when it holds a failed node, ? when it holds an unreachable one and no failure.
		const expected = [...cells].map((_cell, index) => {
			const members = nodes.slice(index * map.perCell, (index + 1) * map.perCell);
			return members.some(node => failed.has(node)) ? 'x' : members.some(node => unreachable.has(node)) ? '?' : '+';
		});
		expect(cells).toBe(expected.join(''));
		expect(map.legend).toMatch(/x FAIL +\? DOWN +\+ ok \| 1 cell = \d+ nodes/);
		// Each row is labelled with its first node.
		expect(runLines(frame, size).some(line => line.startsWith(`node${map.perCell * map.rows[0]!.length + 1} `))).toBe(true);
		// The outcomes, worst first, folded as the headless report folds them; the long ones shortened to whole ranges.
		expect(frame).toMatch(/>x FAIL node\[12,143,274,[\d,]+\] \+\d+ more \(37\)/);
		expect(frame).toContain(' ? UNREACHABLE node[2001-2040,4500-4519] (60)');
		expect(frame).toMatch(/ \+ OK node\[1-11,13-142,[\d,-]+\] \+\d+ more \(4903\)/);
		expect(frame).toContain('actions done 5000/5000 | 4903 ok | 37 failed | 60 unreachable');
		expectNoCutSets(frame);
	});

	it('reads without colour: no colour codes, and each outcome has its own glyph', async () => {
		const ui = await openRun(size, {color: false, glyphs: asciiGlyphs});
		const raw = ui.lastFrame() ?? '';
		// Reverse video marks the cursor; no foreground or background colour anywhere.
		expect(raw).not.toMatch(/\u001B\[(3[0-79]|9\d|4[0-79]|10\d)m/);
		const {legend} = mapOf(ui.text(), size);
		const glyphs = [...legend.matchAll(/(\S) (FAIL|DOWN|ok)/g)].map(match => match[1]);
		expect(glyphs).toEqual(['x', '?', '+']);
	});

	it('drills from an outcome to its nodes and from a node to its output, and Esc goes back', async () => {
		const ui = await openRun(size);
		let frame = await ui.press(keys.enter, text => text.includes('| Enter: output | Esc: back'));
		expect(frame).toMatch(/FAIL node\[12,143,[\d,]+\] \+\d+ more \(37\) \| Enter: output \| Esc: back/);
		expect(frame).toMatch(/>x node12 +1 web FAIL exit 1/);
		expect(frame).toMatch(/ x node143 +1 web FAIL exit 1/);
		expectNoCutSets(frame);
		await ui.press('j', text => />x node143 /.test(text));
		frame = await ui.press(keys.enter, text => text.includes('output: node143'));
		expect(frame).toContain('[1 web] web on node143');
		expect(frame).toContain('[1 web] failed exit 1');
		frame = await ui.press(keys.escape, text => text.includes('1 cell ='));
		// Back on the outcome lines, where the cursor was.
		expect(frame).toMatch(/>x FAIL node\[12/);
		await ui.press('j', text => />\? UNREACHABLE/.test(text));
		frame = await ui.press(keys.enter, text => text.includes('UNREACHABLE node[2001-2040,4500-4519] (60) | Enter'));
		expect(frame).toMatch(/>\? node2001 +1 web UNREACHABLE: node2001: no answer/);
	});

	it('walks the map from an outcome to a range cell, lists its nodes, shows one\'s output, and goes back', async () => {
		const ui = await openRun(size);
		const {perCell} = mapOf(ui.text(), size);
		// → enters the map at the first cell holding a node of the outcome under the cursor (FAIL: node12).
		const first = Math.floor(11 / perCell);
		const members = nodes.slice(first * perCell, (first + 1) * perCell);
		const set = `node[${first * perCell + 1}-${(first + 1) * perCell}] (${perCell}) worst FAIL`;
		let frame = await ui.press(keys.right, text => text.includes(set));
		frame = await ui.press(keys.enter, text => text.includes(`node[${first * perCell + 1}-${(first + 1) * perCell}] (${perCell}) | Enter: output`));
		for (const node of members) {
			expect(frame).toMatch(new RegExp(` ${node} +${failed.has(node) ? '1 web FAIL exit 1' : '1 task ok'}`));
		}

		expectNoCutSets(frame);
		const below = members.indexOf('node12');
		for (let step = 0; step < below; step++) {
			// eslint-disable-next-line no-await-in-loop
			await ui.press('j', text => new RegExp(`>. ${members[step + 1]} `).test(text));
		}

		frame = await ui.press(keys.enter, text => text.includes('output: node12'));
		expect(frame).toContain('[1 web] web on node12');
		frame = await ui.press(keys.escape, text => text.includes('1 cell ='));
		// Back on the map, on the same cell, the node's output still shown; → moves one cell on, ↓ a row down.
		expect(frame).toContain('output: node12');
		frame = await ui.press(keys.right, text => text.includes(`node[${(first + 1) * perCell + 1}-${(first + 2) * perCell}] (${perCell})`));
		const columns = mapOf(frame, size).rows[0]!.length;
		await ui.press(keys.down, text => text.includes(`node[${(first + 1 + columns) * perCell + 1}-`));
		// Esc leaves the map for the outcome lines.
		frame = await ui.press(keys.escape, text => /output\n/.test(text) && text.includes('Enter: nodes of the outcome'));
		expect(frame).toMatch(/>x FAIL/);
	});

	it('n walks to the next cell holding a failed node and shows that node\'s output', async () => {
		const ui = await openRun(size);
		let frame = await ui.press('n', text => text.includes('output: node12'));
		expect(frame).toContain('[1 web] web on node12');
		frame = await ui.press('n', text => text.includes('output: node143'));
		expect(frame).toContain('[1 web] failed exit 1');
	});

	it('v shows the grid, whose folded headers are whole node sets', async () => {
		const ui = await openRun(size);
		const frame = await ui.press('v', text => text.includes('1 web') && !text.includes('1 cell ='));
		expect(frame).toMatch(/node\[1-\d+\] \(\d+\)/);
		expectNoCutSets(frame);
		await ui.press('v', text => text.includes('1 cell ='));
	});

	it('the health pane: 5,000 nodes checked, down nodes grouped by reason and folded whole; Enter lists a group, Esc goes back', async () => {
		const ui = await renderUi(<App controller={controllerWith(finishedRun(), checkedCluster())} />, {size});
		let frame = await ui.press('2', text => / 2 Health +4903 of 5000 answer \(/.test(text));
		expect(frame).toContain('4903 of 5000 answer');
		expect(frame).toMatch(/\? node\[12,143[\d,]*\] \+\d+ more \(37\) timeout/);
		expect(frame).toContain('? node[2001-2040,4500-4519] (60) refused');
		expect(frame).toMatch(/\+ node\[1-11,13-142[\d,-]*\] \+\d+ more \(4903\) systemd/);
		expect(frame).toMatch(/nodes 1-\d+ of 5000/);
		expectNoCutSets(frame);
		frame = await ui.press(keys.enter, text => text.includes('timeout nodes'));
		expect(frame).toMatch(/timeout nodes (1-\d+ of 37|\(37\)) \| Esc: all nodes/);
		expect(frame).toMatch(/>\? node12 +down: timeout/);
		expect(frame).not.toContain('down: refused');
		expect(frame).not.toMatch(/\+ node1 /);
		frame = await ui.press(keys.escape, text => /nodes 1-\d+ of 5000/.test(text));
		// Back on the group line, with every node listed again.
		expect(frame).toMatch(/>\? node\[12,143/);
		expect(frame).not.toContain('Esc: all nodes');
	});
});
