import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import type {HealthView} from '../../source/tui/contract.js';
import {HealthPane, healthLines, healthWindow} from '../../source/ui/panes/health-pane.js';
import {wrapText} from '../../source/ui/text-wrap.js';
import {renderUi} from '../helpers/ink.js';
import {simulatedNode, type FakeNode} from '../helpers/fake-transport.js';
import {harness} from './app-harness.js';

afterEach(() => {
	cleanup();
});

/** 2,000 answering nodes (1,500 systemd, 500 SysV) and 3 that time out. */
function bigCluster(): HealthView {
	const answered = Array.from({length: 2000}, (_, index) => ({
		node: `n${String(index + 1).padStart(4, '0')}`,
		latencyMs: 10 + (index % 90),
		manager: index < 1500 ? ('systemd' as const) : ('sysv' as const),
	}));
	return {
		status: 'done',
		target: 'n[0001-2003]',
		total: 2003,
		contacted: 2003,
		answered,
		down: [{reason: 'timeout', nodes: ['n2001', 'n2002', 'n2003'], nodeSet: 'n[2001-2003]', detail: 'n2001: no answer within 5 s; is the node up, and does its firewall let port 22 through?'}],
	};
}

const glyphs = {ok: '+', unreachable: '?'};

describe('the health pane groups nodes', () => {
	it('folds 2,000 answering nodes by service manager with latency min/median/max, down nodes by reason', () => {
		const lines = healthLines(bigCluster(), glyphs, 80);
		expect(lines.filter(line => line.section === 'summary').map(line => line.text)).toEqual([
			'? n[2001-2003] (3) timeout',
			'    n2001: no answer within 5 s; is the node up, and does its firewall let port',
			'    22 through?',
			'+ n[0001-1500] (1500) systemd',
			'    latency min/med/max 10/54/99 ms',
			'+ n[1501-2000] (500) sysv',
			'    latency min/med/max 10/55/99 ms',
		]);
		expect(lines.filter(line => line.section === 'nodes')).toHaveLength(2003);
	});

	it('pins the summary and scrolls the per-node list under it at 80×24', async () => {
		const health = bigCluster();
		const ui = await renderUi(<HealthPane health={health} cursor={0} focused={false} width={80} height={21} />);
		expect(ui.text()).toBe(
			[
				' 2 Health  2000 of 2003 answer (n[0001-2003])',
				' ? n[2001-2003] (3) timeout',
				'     n2001: no answer within 5 s; is the node up, and does its firewall let port',
				'     22 through?',
				' + n[0001-1500] (1500) systemd',
				'     latency min/med/max 10/54/99 ms',
				' + n[1501-2000] (500) sysv',
				'     latency min/med/max 10/55/99 ms',
				' nodes 1-12 of 2003 (j/k, g/G)',
				' ? n2001  down: timeout',
				' ? n2002  down: timeout',
				' ? n2003  down: timeout',
				' + n0001    10 ms  systemd',
				' + n0002    11 ms  systemd',
				' + n0003    12 ms  systemd',
				' + n0004    13 ms  systemd',
				' + n0005    14 ms  systemd',
				' + n0006    15 ms  systemd',
				' + n0007    16 ms  systemd',
				' + n0008    17 ms  systemd',
				' + n0009    18 ms  systemd',
			].join('\n'),
		);
		const before = ui.text().split('\n');
		const last = healthLines(health, glyphs, 80).length - 1;
		ui.rerender(<HealthPane health={health} cursor={last} focused={false} width={80} height={21} />);
		const frame = ui.text().split('\n');
		// The groups stay where they were; only the node list moved.
		expect(frame.slice(1, 8)).toEqual(before.slice(1, 8));
		expect(frame[8]).toBe(' nodes 1992-2003 of 2003 (j/k, g/G)');
		expect(frame.at(-1)).toBe(' + n2000    29 ms  sysv');
	});

	it('lists down nodes, then answering ones, each in natural order whatever order the checks finished in', () => {
		const health: HealthView = {
			status: 'done',
			target: 'plan',
			total: 7,
			contacted: 7,
			answered: [
				{node: 'node10', latencyMs: 7, manager: 'systemd'},
				{node: 'node2', latencyMs: 5, manager: 'sysv'},
				{node: 'node1', latencyMs: 6, manager: 'systemd'},
				{node: 'node9', latencyMs: 8, manager: 'systemd'},
			],
			down: [
				{reason: 'dns', nodes: ['node12', 'node11'], nodeSet: 'node[11-12]', detail: 'no such name'},
				{reason: 'timeout', nodes: ['node3'], nodeSet: 'node3', detail: 'no answer'},
			],
		};
		const lines = healthLines(health, glyphs, 80);
		expect(lines.filter(line => line.section === 'nodes').map(line => line.text)).toEqual([
			'? node3   down: timeout',
			'? node11  down: dns',
			'? node12  down: dns',
			'+ node1      6 ms  systemd',
			'+ node2      5 ms  sysv',
			'+ node9      8 ms  systemd',
			'+ node10     7 ms  systemd',
		]);
		// Enter on a group shows its first node in that order; managers come in the order of their first node.
		expect(lines.filter(line => line.kind === 'down' || line.kind === 'up').map(line => [line.text, line.node])).toEqual([
			['? node[11-12] (2) dns', 'node11'],
			['? node3 (1) timeout', 'node3'],
			['+ node[1,9-10] (3) systemd', 'node1'],
			['+ node2 (1) sysv', 'node2'],
		]);
	});

	it('scrolls everything together when the summary leaves no room for the node list', () => {
		const lines = healthLines(bigCluster(), glyphs, 80);
		expect(healthWindow(lines, 0, 8)).toMatchObject({pinned: [], first: 0});
		expect(healthWindow(lines, 40, 8).scrolled.map(line => line.node)).toContain('n0034');
	});

	it('wraps at spaces, and cuts a word longer than the line', () => {
		expect(wrapText('one two three', 7)).toEqual(['one two', 'three']);
		expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
	});

	it('walks the per-node list with j/k and g/G under the pinned groups in the app', async () => {
		const nodes: Record<string, FakeNode> = Object.fromEntries(
			Array.from({length: 40}, (_, index) => [`web${String(index + 1).padStart(2, '0')}`, simulatedNode(index < 30 ? 'systemd' : 'sysv', {cron: 'active'})]),
		);
		const {controller} = harness(nodes, '- cron:\n    state: start\n    nodes: web[01-40]\n');
		await controller.loadPlan('plan.yaml');
		const ui = await renderUi(<App controller={controller} />);
		await ui.press('2', frame => frame.includes('Not checked yet'));
		await ui.press('c', frame => frame.includes('40 of 40 answer'));
		// The cursor's line starts with the pointer: it reads without colour and reverse video.
		expect(ui.text()).toContain(['>+ web[01-30] (30) systemd', '     latency min/med/max 5/5/5 ms', ' + web[31-40] (10) sysv', '     latency min/med/max 5/5/5 ms', ' nodes 1-15 of 40 (j/k, g/G)', ' + web01'].join('\n'));
		await ui.press('G', frame => frame.includes('nodes 26-40 of 40'));
		expect(ui.text()).toContain(' + web39     5 ms  sysv\n>+ web40     5 ms  sysv\n 3 Run');
		expect(ui.text().match(/^>/gm)).toHaveLength(1);
		await ui.press('g', frame => frame.includes('nodes 1-15 of 40'));
		// 4 summary lines, then node 17 of 40 under the cursor, in the middle of the 15 rows shown.
		for (let cursor = 1; cursor <= 20; cursor++) {
			// The window starts 7 rows above the cursor's node (the cursor's line less the 4 summary lines).
			const first = Math.max(0, cursor - 4 - 7) + 1;
			// eslint-disable-next-line no-await-in-loop
			await ui.press('j', frame => frame.includes(`nodes ${first}-${first + 14} of 40`));
		}

		expect(ui.text()).toContain('nodes 10-24 of 40');
		await ui.press('k', frame => frame.includes('nodes 9-23 of 40'));
	});
});
