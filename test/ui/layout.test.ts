import {describe, expect, it} from 'vitest';
import {computeLayout} from '../../source/ui/layout.js';

describe('computeLayout', () => {
	it('is too small at 59×15 and says what is needed', () => {
		expect(computeLayout({columns: 59, rows: 15}, 'plan')).toEqual({kind: 'too-small', size: {columns: 59, rows: 15}, need: {columns: 60, rows: 15}});
		expect(computeLayout({columns: 120, rows: 14}, 'plan')).toEqual({kind: 'too-small', size: {columns: 120, rows: 14}, need: {columns: 120, rows: 15}});
		expect(computeLayout({columns: 40, rows: 10}, 'run')).toMatchObject({need: {columns: 60, rows: 15}});
	});

	it('checks the minimum against the terminal, not the area drawn a row short of it (a real terminal keeps its last row empty)', () => {
		expect(computeLayout({columns: 60, rows: 14}, 'plan', {columns: 60, rows: 15})).toMatchObject({kind: 'stacked', main: {width: 60, height: 11}});
		expect(computeLayout({columns: 60, rows: 13}, 'plan', {columns: 60, rows: 14})).toEqual({kind: 'too-small', size: {columns: 60, rows: 14}, need: {columns: 60, rows: 15}});
	});

	it('stacks at 80×24: the focused pane gets the rows, the others one line each', () => {
		expect(computeLayout({columns: 80, rows: 24}, 'health')).toEqual({
			kind: 'stacked',
			focused: 'health',
			main: {width: 80, height: 21},
			collapsed: ['plan', 'run'],
			footer: {width: 80, height: 1},
		});
		expect(computeLayout({columns: 60, rows: 15}, 'run')).toMatchObject({kind: 'stacked', main: {width: 60, height: 12}, collapsed: ['plan', 'health']});
		expect(computeLayout({columns: 99, rows: 40}, 'plan')).toMatchObject({kind: 'stacked'});
	});

	it('splits at 120×40: plan over health on the left, run on the right', () => {
		expect(computeLayout({columns: 120, rows: 40}, 'plan')).toEqual({
			kind: 'split',
			plan: {width: 48, height: 20},
			health: {width: 48, height: 19},
			run: {width: 72, height: 39},
			footer: {width: 120, height: 1},
		});
		expect(computeLayout({columns: 100, rows: 15}, 'run')).toMatchObject({kind: 'split', plan: {width: 40, height: 7}, health: {height: 7}, run: {width: 60, height: 14}});
	});

	it('fills the terminal exactly', () => {
		for (const columns of [60, 80, 99, 100, 137, 250]) {
			for (const rows of [15, 24, 51]) {
				const layout = computeLayout({columns, rows}, 'run');
				if (layout.kind === 'split') {
					expect(layout.plan.width + layout.run.width).toBe(columns);
					expect(layout.plan.height + layout.health.height + layout.footer.height).toBe(rows);
					expect(layout.run.height + layout.footer.height).toBe(rows);
				} else if (layout.kind === 'stacked') {
					expect(layout.main.height + layout.collapsed.length + layout.footer.height).toBe(rows);
				} else {
					throw new Error(`unexpected ${layout.kind} at ${columns}×${rows}`);
				}
			}
		}
	});
});
