import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {renderUi} from '../helpers/ink.js';
import {keys} from '../helpers/keys.js';
import {harness} from './app-harness.js';

afterEach(() => {
	cleanup();
});

/** At 80 columns the other panes collapse to one `N Name: summary` line; the focused one keeps its title. */
const runFocused = (frame: string): boolean => /^ 3 Run {2}finished/m.test(frame) && /^ 1 Plan: /m.test(frame) && /^ 2 Health: /m.test(frame);

describe('the help and log overlays keep pane keys out', () => {
	it('Tab, 1-3, r, R and x do nothing behind the log; q, ? and its own keys still work, at 80×24', async () => {
		const {controller} = harness();
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />);
		await ui.press('r', frame => frame.includes('pre-flight: 4/4'));
		await ui.press('y', frame => frame.includes('run finished'));
		expect(runFocused(ui.text())).toBe(true);

		await ui.press('l', frame => frame.includes('Run log: logs/run'));
		// Keys are handled in order: once the g or G sent after a key has scrolled the log, that key was
		// handled too (and did nothing).
		let top = false;
		for (const key of [keys.tab, '1', '2', keys.shiftTab, 'r', 'R', 'x', '3', keys.enter]) {
			await ui.press(key, () => true);
			top = !top;
			const frame = await ui.press(top ? 'g' : 'G', now => (top ? /lines 1-\d+ of/ : /\(end\)/).test(now));
			expect(frame).toContain('Run log: logs/run');
			expect(frame).not.toMatch(/Retry|pre-flight|Abort/);
		}

		expect(ui.text().split('\n').at(-1)).toMatch(/^Esc close log \| j scroll down \| k scroll up \| q quit \| \? help$/);

		// `?` opens the help over the log; Tab and r do nothing there either, and `?` closes it again.
		await ui.press('?', now => now.includes('Everywhere'));
		for (const key of [keys.tab, 'r', 'l']) {
			await ui.press(key, () => true);
			const frame = await ui.press(keys.pageDown, now => !now.includes('Everywhere'));
			await ui.press(keys.pageUp, now => now.includes('Everywhere'));
			expect(frame).toContain('| Esc close | j/k scroll');
		}

		await ui.press('?', now => !now.includes('Esc close | j/k scroll') && now.includes('Run log:'));
		await ui.press(keys.escape, now => !now.includes('Run log:'));
		expect(runFocused(ui.text())).toBe(true);
	});
});

describe('keys that arrive in one read', () => {
	it('take Tab inside a burst as Tab: "1\\t" focuses the plan pane, then moves on to the health pane', async () => {
		const {controller} = harness();
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />);
		await ui.press('3', frame => /^ 3 Run /m.test(frame));
		// One write, as a paste or `tmux send-keys 1 Tab` delivers it.
		await ui.press('1\t', frame => /^ 2 Health$/m.test(frame) && /^ 1 Plan: /m.test(frame));
	});
});

