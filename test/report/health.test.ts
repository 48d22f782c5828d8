import {describe, expect, it} from 'vitest';
import type {NodeCheck} from '../../source/executor/run-plan.js';
import {answeringNodes, groupByManager, groupByReason, median, renderHealth} from '../../source/report/health.js';

const up = (node: string, latencyMs: number, manager: 'systemd' | 'sysv' | 'openrc' | 'none' = 'systemd'): NodeCheck => ({node, status: 'connected', latencyMs, manager});
const down = (node: string, reason: 'dns' | 'refused' | 'timeout' | 'auth', message: string): NodeCheck => ({node, status: 'unreachable', reason, message});

describe('the health summary', () => {
	it('takes the lower median, whatever the order, and 0 of nothing', () => {
		expect(median([])).toBe(0);
		expect(median([7])).toBe(7);
		expect(median([9, 1, 5])).toBe(5);
		expect(median([40, 10, 30, 20])).toBe(20);
		expect(median([3, 100])).toBe(3);
		// Numbers, not strings: 10 sorts after 9.
		expect(median([10, 9, 100])).toBe(10);
	});

	it('keeps the answering nodes, with their latency and manager', () => {
		expect(answeringNodes([up('n1', 4), down('n2', 'dns', 'x'), {node: 'n3', status: 'cancelled'}, up('n4', 6, 'sysv')])).toEqual([
			{node: 'n1', latencyMs: 4, manager: 'systemd'},
			{node: 'n4', latencyMs: 6, manager: 'sysv'},
		]);
	});

	it('groups answering nodes by manager in first-seen order, with min, median and max latency', () => {
		const groups = groupByManager(answeringNodes([up('n3', 30, 'sysv'), up('n1', 12), up('n2', 8), up('n4', 50), up('n5', 5, 'sysv')]));
		expect(groups).toEqual([
			{manager: 'sysv', nodes: [{node: 'n3', latencyMs: 30, manager: 'sysv'}, {node: 'n5', latencyMs: 5, manager: 'sysv'}], nodeSet: 'n[3,5]', latency: {min: 5, median: 5, max: 30}},
			{manager: 'systemd', nodes: [{node: 'n1', latencyMs: 12, manager: 'systemd'}, {node: 'n2', latencyMs: 8, manager: 'systemd'}, {node: 'n4', latencyMs: 50, manager: 'systemd'}], nodeSet: 'n[1-2,4]', latency: {min: 8, median: 12, max: 50}},
		]);
		expect(groupByManager([])).toEqual([]);
	});

	it('groups unreachable nodes by reason in first-seen order, the first node\'s message as the example', () => {
		expect(groupByReason([down('n2', 'dns', 'n2: no such host'), up('n1', 1), down('n3', 'refused', 'n3: refused'), down('n4', 'dns', 'n4: no such host'), {node: 'n5', status: 'cancelled'}])).toEqual([
			{reason: 'dns', nodes: ['n2', 'n4'], nodeSet: 'n[2,4]', detail: 'n2: no such host'},
			{reason: 'refused', nodes: ['n3'], nodeSet: 'n3', detail: 'n3: refused'},
		]);
	});

	it('renders OK lines by manager, UNREACHABLE lines by reason, then how many answer', () => {
		expect(renderHealth([up('web1', 12), up('web2', 20), down('db1', 'timeout', 'db1: timed out\u001B[2J'), up('old1', 40, 'sysv'), {node: 'x', status: 'cancelled'}])).toBe([
			'OK           web[1-2] (2): systemd, latency min/median/max 12/12/20 ms',
			'OK           old1 (1): sysv, latency min/median/max 40/40/40 ms',
			String.raw`UNREACHABLE  db1 (1): timeout: db1: timed out\x1b[2J`,
			'3 of 5 nodes answer',
			'',
		].join('\n'));
		expect(renderHealth([])).toBe('0 of 0 nodes answer\n');
		expect(renderHealth([up('a\u0007', 1)])).toBe(String.raw`OK           a\x07 (1): systemd, latency min/median/max 1/1/1 ms` + '\n1 of 1 nodes answer\n');
	});
});
