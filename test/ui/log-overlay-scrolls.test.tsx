import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {renderUi} from '../helpers/ink.js';
import {keys} from '../helpers/keys.js';
import {harness} from './app-harness.js';

afterEach(() => {
	cleanup();
});

/** The overlay's key line (last row inside the border) and its first log line. */
function view(frame: string): {where: string; first: string} {
	const rows = frame.split('\n');
	return {where: rows.at(-3)?.slice(2) ?? '', first: rows[2]?.slice(2, -1).trimEnd() ?? ''};
}

describe('the log overlay', () => {
	it('scrolls the run report with j/k, PgUp/PgDn and g/G and says which lines it shows, at 80×24', async () => {
		const {controller} = harness();
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />);
		await ui.press('r', frame => frame.includes('pre-flight: 4/4'));
		await ui.press('y', frame => frame.includes('run finished'));
		const total = controller.getSnapshot().run.logLines.length;
		expect(total).toBeGreaterThan(19);
		const shown = (first: number, end: number) => `lines ${first}-${end} of ${total}${end === total ? ' (end)' : ''}`;

		await ui.press('l', frame => frame.includes('Run log: logs/run'));
		expect(view(ui.text()).where).toMatch(new RegExp(`^${shown(total - 18, total).replaceAll(/[()]/g, '\\$&')} \\| j/k PgUp/PgDn g/G scroll \\| Esc close`));
		expect(view(ui.text()).first).toBe(controller.getSnapshot().run.logLines[total - 19]);

		await ui.press('k', frame => frame.includes(shown(total - 19, total - 1)));
		await ui.press('g', frame => frame.includes(shown(1, 19)));
		expect(view(ui.text()).first).toBe('STEP 1 start cron, nginx (depends on ssh)');
		await ui.press('j', frame => frame.includes(shown(2, 20)));
		await ui.press(keys.pageDown, frame => frame.includes(shown(total - 18, total)));
		await ui.press(keys.pageUp, frame => frame.includes(shown(1, 19)));
		await ui.press('G', frame => frame.includes(shown(total - 18, total)));
		// The footer names the log's keys, and Esc still closes it.
		expect(ui.text().split('\n').at(-1)).toMatch(/^Esc close log \| j scroll down \| k scroll up/);
		await ui.press(keys.escape, frame => !frame.includes('Run log:'));
	});

	it('keeps the report\'s blank lines, so the overlay shows as many rows as the file', async () => {
		const {controller} = harness();
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />, {size: {columns: 120, rows: 40}});
		await ui.press('r', frame => frame.includes('pre-flight: 4/4'));
		await ui.press('y', frame => frame.includes('run finished'));
		await ui.press('l', frame => frame.includes('Run log: logs/run'));
		const lines = controller.getSnapshot().run.logLines;
		const rows = ui.text().split('\n').slice(2, 2 + lines.length).map(row => row.slice(2, -1).trimEnd());
		expect(rows).toEqual(lines.map(line => line.trimEnd().slice(0, 116)));
		expect(view(ui.text()).where).toMatch(new RegExp(`^all ${lines.length} lines`));
	});
});
