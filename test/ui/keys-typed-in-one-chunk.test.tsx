import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {renderUi} from '../helpers/ink.js';
import {keys} from '../helpers/keys.js';
import {harness} from './app-harness.js';

afterEach(() => {
	cleanup();
});

// Over a slow SSH link, key repeat (holding j) or tmux send-keys delivers several keys in one read, and
// Ink hands them over as one string: each must still count.
describe('keys typed faster than they are read', () => {
	it('moves once per j when several arrive in one chunk', async () => {
		const {controller} = harness();
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />);
		expect(ui.text()).toContain('>1. start cron,nginx');
		await ui.press('jj', frame => frame.includes('>3. start cron on'));
		await ui.press('jjjk', frame => frame.includes('>3. start cron on') && !frame.includes('>4.'));
		await ui.press('G', frame => frame.includes('>4. start ssh'));
		await ui.press('gj', frame => frame.includes('>2. start ssh'));
	});

	it('stops at a key that opens a text field: the rest is not taken as commands', async () => {
		const {controller} = harness();
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />);
		await ui.press('3/qq', frame => frame.includes('Filter the grid'));
		// q did not quit: the app still answers, and Esc closes the filter.
		await ui.press(keys.escape, frame => !frame.includes('Filter the grid') && frame.includes(' 3 Run '));
	});
});
