import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {App} from '../../source/ui/app.js';
import {renderUi} from '../helpers/ink.js';
import {keys} from '../helpers/keys.js';
import {harness} from './app-harness.js';

afterEach(() => {
	cleanup();
});

const commented = readFileSync(new URL('../fixtures/plans/commented/issue-14.yaml', import.meta.url), 'utf8');

describe('saving a commented plan from the app (issue 14)', () => {
	it('Space on step 2 then s: the file keeps every comment and gains one line', async () => {
		const {controller, dir} = harness(undefined, commented);
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />);
		await ui.press('j', frame => frame.includes('>2. reload nginx'));
		await ui.press(keys.space, frame => frame.includes('(modified)'));
		await ui.press('s', frame => frame.includes('saved plan.yaml'));
		expect(readFileSync(path.join(dir, 'plan.yaml'), 'utf8')).toBe(commented.replace('    nodes: node1\n', '    nodes: node1\n    enabled: false\n'));
		expect(controller.getSnapshot().plan.dirty).toBe(false);
	});

	it('the file changed on disk: s asks; n writes nothing; y overwrites with the edits', async () => {
		const {controller, dir} = harness(undefined, commented);
		const file = path.join(dir, 'plan.yaml');
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />);
		await ui.press(keys.space, frame => frame.includes('(modified)'));
		const theirs = commented.replace('node[1-3]', 'node[1-4]');
		writeFileSync(file, theirs);
		await ui.press('s', frame => frame.includes('changed on disk since it was opened'));
		expect(ui.text()).toContain('r: reload it from disk, dropping your edits');
		expect(readFileSync(file, 'utf8')).toBe(theirs);
		await ui.press('n', frame => !frame.includes('since it was opened'));
		expect(readFileSync(file, 'utf8')).toBe(theirs);
		await ui.press('s', frame => frame.includes('since it was opened'));
		await ui.press('y', frame => frame.includes('saved plan.yaml'));
		expect(readFileSync(file, 'utf8')).toBe(commented.replace('- cron:          # keep cron first\n    state: restart\n    nodes: node[1-3]\n', '- cron:          # keep cron first\n    state: restart\n    nodes: node[1-3]\n    enabled: false\n'));
	});

	it('r reloads only from that question, not from a later one', async () => {
		const {controller, dir} = harness(undefined, commented);
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />);
		await ui.press(keys.space, frame => frame.includes('(modified)'));
		writeFileSync(path.join(dir, 'plan.yaml'), commented.replace('node[1-3]', 'node[1-4]'));
		await ui.press('s', frame => frame.includes('r: reload it from disk'));
		await ui.press('n', frame => !frame.includes('r: reload it from disk'));
		await ui.press('d', frame => frame.includes('Delete step 1'));
		await ui.press('r', frame => frame.includes('only when the plan file changed on disk'));
		expect(controller.getSnapshot().plan.rows.map(row => `${row.nodes} ${row.enabled}`)).toEqual(['node[1-3] false', 'node1 true']);
	});

	it('the file changed on disk: r reloads it and drops the edits', async () => {
		const {controller, dir} = harness(undefined, commented);
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />);
		await ui.press(keys.space, frame => frame.includes('(modified)'));
		writeFileSync(path.join(dir, 'plan.yaml'), commented.replace('node[1-3]', 'node[1-4]'));
		await ui.press('s', frame => frame.includes('since it was opened'));
		await ui.press('r', frame => frame.includes('loaded plan.yaml'));
		const {plan} = controller.getSnapshot();
		expect(plan.dirty).toBe(false);
		expect(plan.rows.map(row => `${row.nodes} ${row.enabled}`)).toEqual(['node[1-4] true', 'node1 true']);
	});
});
