import type {Grid} from '../../store/selectors.js';
import type {GridView} from './status-grid.js';

/**
 * Adapt the store's `selectGrid` result to what `StatusGrid` draws. Row labels read `step service`
 * (`2 nginx`), as the plan pane numbers steps. The store already writes a folded column's count into
 * its label (`web[01-08] (8)`), so the column gets no `count` here; a folded cell counts the nodes
 * that have its (worst) status.
 */
export function toGridView(grid: Grid): GridView {
	return {
		columns: grid.columns.map(column => ({key: column.nodes.join(',') || column.label, label: column.label, ...(column.nodes.length > 1 ? {nodes: column.nodes} : {})})),
		rows: grid.rows.map(row => ({
			key: `${row.step}/${row.service}`,
			label: `${row.step} ${row.service}`,
			cells: row.cells.map((cell, index) => {
				if (cell === undefined) {
					return undefined;
				}

				const folded = (grid.columns[index]?.nodes.length ?? 1) > 1;
				const count = cell.counts[cell.status];
				return folded && count !== undefined ? {status: cell.status, count} : {status: cell.status};
			}),
		})),
	};
}
