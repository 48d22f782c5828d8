import {describe, expect, it} from 'vitest';
import type {PreflightView} from '../../source/tui/contract.js';
import {reviewLines} from '../../source/ui/panes/review-overlay.js';
import {step} from '../helpers/events.js';

const preflight = {
	status: 'done',
	contacted: 2,
	total: 2,
	steps: [],
	prepared: {plan: {source: 'plan.yaml'}, steps: [step(1, 'restart', ['cron'], ['n2', 'n4'])]},
} as unknown as PreflightView;

describe('the review says how --limit and --pick narrowed the plan', () => {
	it('under its head line, whose counts are the narrowed ones', () => {
		const lines = reviewLines(preflight, Number.POSITIVE_INFINITY, '--limit n[2-4] --pick 2').map(line => line.text);
		expect(lines.slice(0, 2)).toEqual(['plan.yaml: 1 step on 2 nodes', 'narrowed by --limit n[2-4] --pick 2: only these nodes are reviewed and run']);
		expect(reviewLines(preflight).map(line => line.text).join('\n')).not.toContain('narrowed by');
		expect(reviewLines({...preflight, prepared: undefined}, Number.POSITIVE_INFINITY, '--pick 1').map(line => line.text).join('\n')).not.toContain('narrowed by');
	});
});
