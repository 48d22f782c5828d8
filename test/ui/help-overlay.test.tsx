import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {HelpOverlay, helpLines} from '../../source/ui/components/help-overlay.js';
import {bindings, idleView} from '../../source/ui/keymap.js';
import {renderUi} from '../helpers/ink.js';

afterEach(() => {
	cleanup();
});

describe('HelpOverlay', () => {
	it('lists every key by scope, generated from the table, at 80×24', async () => {
		const ui = await renderUi(<HelpOverlay scroll={0} view={idleView} />, {size: {columns: 80, rows: 24}});
		const lines = ui.text().split('\n');
		expect(lines).toHaveLength(23);
		expect(lines.slice(0, 7)).toEqual([
			'+------------------------------------------------------------------------------+',
			'| Keys                                                                         |',
			'|                                                                              |',
			'| Everywhere                                                                   |',
			'| q             quit                                                           |',
			'| Ctrl-C        abort the run, or quit when idle                               |',
			'| ?             help                                                           |',
		]);
		expect(lines).toContain('| x             abort run (no run is active)                                   |');
		expect(lines.at(-2)).toBe(`| Esc close | j/k scroll | 1-18 of ${helpLines(idleView).length}`.padEnd(79) + '|');
	});

	it('scrolls, and stops at the last line', async () => {
		const total = helpLines(idleView).length;
		const ui = await renderUi(<HelpOverlay scroll={1000} view={idleView} />, {size: {columns: 120, rows: 40}});
		const lines = ui.text().split('\n');
		expect(lines).toHaveLength(39);
		expect(lines.at(-2)).toContain(`| Esc close | j/k scroll | ${total - 33}-${total} of ${total}`);
		expect(lines.at(-3)).toBe('| Esc           cancel'.padEnd(119) + '|');
	});

	it('has one line per binding plus one title per scope', () => {
		const titles = helpLines(idleView).filter(line => line.kind === 'title');
		expect(helpLines(idleView)).toHaveLength(bindings.length + titles.length);
		expect(titles.map(line => (line.kind === 'title' ? line.text : ''))).toContain('Health pane');
	});
});
