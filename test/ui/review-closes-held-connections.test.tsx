import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {simulatedNode} from '../helpers/fake-transport.js';
import {renderUi, waitFor} from '../helpers/ink.js';
import {keys} from '../helpers/keys.js';
import {harness} from './app-harness.js';

afterEach(() => {
	cleanup();
});

const cluster = () => Object.fromEntries(Array.from({length: 12}, (_, index) => [`web${index + 1}`, simulatedNode('systemd', {nginx: 'active'})]));
const restart = '- nginx:\n    state: restart\n    nodes: web[1-12]\n';

describe('the review\'s held connections in the app', () => {
	it('shows the line, and n closes the connections at once', async () => {
		const {controller, transports} = harness(cluster(), restart, '60s');
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />, {size: {columns: 100, rows: 30}});
		await ui.press('r', frame => frame.includes('pre-flight: 12/12') && frame.includes('connections: the run reuses these 12 until'));
		expect(transports[0]!.closedSessions).toEqual([]);
		await ui.press('n', frame => !frame.includes('pre-flight: 12/12'));
		await waitFor(() => transports[0]!.closedSessions.length === 12);
	});

	it('Esc on the node count asked after y closes them too', async () => {
		const {controller, transports} = harness(cluster(), restart, '60s');
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />, {size: {columns: 100, rows: 30}});
		await ui.press('r', frame => frame.includes('connections: the run reuses these 12 until'));
		await ui.press('y', frame => frame.includes('Type the number of nodes (12)'));
		expect(transports[0]!.closedSessions).toEqual([]);
		await ui.press(keys.escape, frame => !frame.includes('Type the number of nodes (12)'));
		await waitFor(() => transports[0]!.closedSessions.length === 12);
	});

	it('y and the count typed: the run goes on over them and opens none', async () => {
		const {controller, transports} = harness(cluster(), restart, '60s');
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />, {size: {columns: 100, rows: 30}});
		await ui.press('r', frame => frame.includes('connections: the run reuses these 12 until'));
		await ui.press('y', frame => frame.includes('Type the number of nodes (12)'));
		await ui.press('12', frame => frame.includes('Enter: go ahead on 12 nodes'));
		await ui.press(keys.enter, frame => frame.includes('actions done 12/12'));
		expect(transports).toHaveLength(1);
		expect(transports[0]!.connects).toHaveLength(12);
		expect(transports[0]!.execs.filter(call => call.command.includes('restart'))).toHaveLength(12);
	});
});
