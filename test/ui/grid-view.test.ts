import {describe, expect, it} from 'vitest';
import {toGridView} from '../../source/ui/components/grid-view.js';
import type {Grid} from '../../source/store/selectors.js';

describe('toGridView', () => {
	it('labels rows step × service and counts the worst status in folded columns', () => {
		const grid: Grid = {
			columns: [
				{label: 'web01', nodes: ['web01']},
				{label: 'db[1-3] (3)', nodes: ['db1', 'db2', 'db3']},
			],
			rows: [
				{step: 1, service: 'nginx', cells: [{status: 'failed', counts: {failed: 1}}, undefined]},
				{step: 2, service: 'postgresql', cells: [undefined, {status: 'failed', counts: {ok: 1, failed: 2}}]},
			],
		};
		expect(toGridView(grid)).toEqual({
			columns: [
				{key: 'web01', label: 'web01'},
				{key: 'db1,db2,db3', label: 'db[1-3] (3)', nodes: ['db1', 'db2', 'db3']},
			],
			rows: [
				{key: '1/nginx', label: '1 nginx', cells: [{status: 'failed'}, undefined]},
				{key: '2/postgresql', label: '2 postgresql', cells: [undefined, {status: 'failed', count: 2}]},
			],
		});
	});
});
