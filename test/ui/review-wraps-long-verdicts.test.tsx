import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {renderUi} from '../helpers/ink.js';
import {exampleCluster, harness} from './app-harness.js';

afterEach(() => {
	cleanup();
});

describe('the review', () => {
	it('wraps a long verdict under its own text column at 80×24 instead of cutting why a node is down', async () => {
		const message = 'node123: name node123 does not resolve; check the node name or add a Host block to ssh_config';
		const {controller} = harness({...exampleCluster(), node123: {connectError: {reason: 'dns', message}}});
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />);
		await ui.press('r', frame => frame.includes('pre-flight: 4/4'));
		const rows = ui.text().split('\n');
		const at = rows.findIndex(row => row.includes('UNREACHABLE'));
		expect(rows.slice(at, at + 2)).toEqual([
			'|    ssh  node123  UNREACHABLE: node123: name node123 does not resolve; check  |',
			'|                  the node name or add a Host block to ssh_config             |',
		]);
		expect(rows[at]).toHaveLength(80);
		expect(ui.text()).not.toContain('…');
	});
});
