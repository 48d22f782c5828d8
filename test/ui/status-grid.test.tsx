import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {toGridView} from '../../source/ui/components/grid-view.js';
import {cellText, fit, headerText, StatusGrid, type GridView} from '../../source/ui/components/status-grid.js';
import {runGrid} from '../../source/ui/run-view.js';
import {reduceRun} from '../../source/store/reduce-run.js';
import {initialRunState} from '../../source/store/run-state.js';
import {eventBuilder, step} from '../helpers/events.js';
import {defaultTheme, themeFromEnv} from '../../source/ui/theme.js';
import {renderUi} from '../helpers/ink.js';

afterEach(() => {
	cleanup();
});

const utf = themeFromEnv({LANG: 'en_US.UTF-8', NO_COLOR: '1'});

const small: GridView = {
	columns: [
		{key: 'web01', label: 'web01'},
		{key: 'web02', label: 'web02'},
		{key: 'db[1-3]', label: 'db[1-3]', count: 3},
	],
	rows: [
		{key: '1/nginx', label: '1 restart nginx', cells: [{status: 'ok'}, {status: 'failed'}, undefined]},
		{key: '2/postgresql', label: '2 reload postgresql', cells: [undefined, undefined, {status: 'running', count: 2}]},
	],
};

const wide = (nodes: number, rows = 1): GridView => ({
	columns: Array.from({length: nodes}, (_, index) => ({key: `n${index}`, label: `node${String(index + 1).padStart(2, '0')}`})),
	rows: Array.from({length: rows}, (_, row) => ({
		key: `r${row}`,
		label: `${row + 1} restart nginx`,
		cells: Array.from({length: nodes}, () => ({status: 'ok' as const})),
	})),
});

describe('StatusGrid', () => {
	it('draws steps × services down and nodes across, each cell with glyph and word', async () => {
		const ui = await renderUi(<StatusGrid grid={small} width={80} height={3} />);
		expect(ui.text()).toBe(
			[
				'                     web01 web02  db[1-3] (3)',
				'1 restart nginx      + ok  x FAIL',
				'2 reload postgresql               * 2 run',
			].join('\n'),
		);
	});

	it('reads without colour in a UTF-8 terminal', async () => {
		const ui = await renderUi(<StatusGrid grid={small} width={80} height={3} />, {theme: utf});
		expect(ui.text().split('\n').slice(1)).toEqual(['1 restart nginx      ✓ ok  ✗ FAIL', '2 reload postgresql               … 2 run']);
	});

	it('marks the selected cell with a pointer, so it reads without colour or reverse video', async () => {
		const ui = await renderUi(<StatusGrid grid={small} width={80} height={3} selectedRow={0} selectedColumn={1} />, {theme: utf});
		expect(ui.text().split('\n').slice(1)).toEqual(['1 restart nginx      ✓ ok ▸✗ FAIL', '2 reload postgresql               … 2 run']);
		ui.rerender(<StatusGrid grid={small} width={80} height={3} selectedRow={1} selectedColumn={2} />);
		expect(ui.text().split('\n').slice(1)).toEqual(['1 restart nginx      ✓ ok  ✗ FAIL', '2 reload postgresql              ▸… 2 run']);
		ui.rerender(<StatusGrid grid={small} width={80} height={3} selectedRow={0} selectedColumn={0} />);
		expect(ui.text().split('\n')[1]).toBe('1 restart nginx     ▸✓ ok  ✗ FAIL');
	});

	it('keeps the pointer on the selected cell when the grid scrolls across, in ASCII', async () => {
		const ui = await renderUi(<StatusGrid grid={wide(20)} width={80} height={2} selectedRow={0} selectedColumn={15} />);
		expect(ui.text().split('\n')[1]).toBe('1 restart nginx  ' + '+ ok   '.repeat(6) + '+ ok  >+ ok');
	});

	it('shows the columns that fit and counts the rest', async () => {
		const ui = await renderUi(<StatusGrid grid={wide(20)} width={80} height={2} />, {size: {columns: 80, rows: 24}});
		const nodes = (from: number, to: number) => Array.from({length: to - from + 1}, (_, index) => `node${String(from + index).padStart(2, '0')} `).join('');
		expect(ui.text()).toBe([' '.repeat(17) + nodes(1, 8) + '+12', '1 restart nginx  ' + '+ ok   '.repeat(8).trimEnd()].join('\n'));
		ui.rerender(<StatusGrid grid={wide(20)} width={120} height={2} />);
		expect(ui.text().split('\n')[0]).toBe(' '.repeat(17) + nodes(1, 14) + '+6');
	});

	it('scrolls across to keep the selected node in view', async () => {
		const ui = await renderUi(<StatusGrid grid={wide(20)} width={80} height={2} selectedColumn={15} />);
		expect(ui.text().split('\n')[0]).toBe(' '.repeat(17) + 'node09 node10 node11 node12 node13 node14 node15 node16 +12');
	});

	it('windows the rows around the selected one and says which are shown', async () => {
		const ui = await renderUi(<StatusGrid grid={wide(2, 5)} width={80} height={4} selectedRow={3} />);
		expect(ui.text()).toBe(
			['                 node01 node02', '3 restart nginx  + ok   + ok', '4 restart nginx  + ok   + ok', '... rows 3-4 of 5'].join('\n'),
		);
	});

	it('cuts long row labels with an ellipsis, never a node name in a header', async () => {
		const grid: GridView = {
			columns: [{key: 'a', label: 'a-very-long-node-name.example.org'}],
			rows: [{key: 'r', label: '12 restart a-service-with-a-long-name', cells: [{status: 'timed-out'}]}],
		};
		const ui = await renderUi(<StatusGrid grid={grid} width={60} height={2} />);
		expect(ui.text()).toBe(['                      a-very-long-node-name.example.org', '12 restart a-serv...  T TIME'].join('\n'));
	});

	it('never cuts a header inside its node set: 300 nodes fold into columns whose headers all fit (issue 11)', async () => {
		const ev = eventBuilder();
		const nodes = Array.from({length: 300}, (_, index) => `node${index + 1}`);
		const state = [ev.runStarted([step(1, 'restart', ['web'], nodes)]), ...nodes.map(node => ev.exited(node, 1, 'web', 0))].reduce(reduceRun, initialRunState);
		const {grid} = runGrid(state, '', 80);
		const ui = await renderUi(<StatusGrid grid={toGridView(grid)} width={80} height={2} />);
		expect(ui.text().split('\n')[0]).toBe('       node[1-75] (75) node[76-150] (75) node[151-225] (75) node[226-300] (75)');
	});

	it('shortens a header too wide for the grid to whole ranges and a count, never a cut bracket', () => {
		const nodes = Array.from({length: 60}, (_, index) => `node${index * 2 + 1}`);
		const column = {key: 'k', label: `node[${nodes.map(node => node.slice(4)).join(',')}] (60)`, nodes};
		expect(headerText(column, 30)).toBe('node[1,3,5,7,9] +55 more (60)');
		expect(headerText({key: 'a', label: 'a-long-single-node'}, 4)).toBe('a-long-single-node');
		expect(headerText({key: 'k', label: 'node[1-2] (2)', nodes: ['node1', 'node2']}, 40)).toBe('node[1-2] (2)');
	});

	it('says what to do when there is nothing to show', async () => {
		const ui = await renderUi(<StatusGrid grid={{columns: [], rows: []}} width={80} height={5} />);
		expect(ui.text().trimEnd()).toBe('No tasks yet: press r to review and run the plan.');
	});
});

describe('cell text and fit', () => {
	it('writes glyph, count and word', () => {
		expect(cellText(defaultTheme, {status: 'unreachable', count: 12})).toBe('? 12 DOWN');
		expect(cellText(defaultTheme, {status: 'skipped'})).toBe('- skip');
		expect(cellText(defaultTheme, undefined)).toBe('');
	});

	it('cuts to width', () => {
		expect(fit('abcdef', 6, '…')).toBe('abcdef');
		expect(fit('abcdefg', 6, '…')).toBe('abcde…');
		expect(fit('abcdefg', 2, '...')).toBe('ab');
		expect(fit('abc', 0, '…')).toBe('');
	});
});
