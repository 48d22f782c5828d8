/**
 * Which step of an edited plan came from which step of the file: by the location each loaded step keeps
 * through edits, or, for plans built without locations, by the steps' content, the way `diff` pairs
 * lines. Pure.
 */
import type {Step} from './types.js';

/** How far apart two steps are: 0 when equal, else the number of fields that differ (1..8). */
export function stepDistance(a: Step, b: Step): number {
	const fields: Array<[unknown, unknown]> = [
		[a.services.join(','), b.services.join(',')],
		[a.action, b.action],
		[a.nodes, b.nodes],
		[a.depend.join(','), b.depend.join(',')],
		[a.enabled, b.enabled],
		[a.options.sudo, b.options.sudo],
		[a.options.timeoutMs, b.options.timeoutMs],
		[a.options.manager, b.options.manager],
	];
	return fields.filter(([x, y]) => x !== y).length;
}

// Costs of the alignment, in tenths. An edit (10 + fields changed, at most 18) always costs less than a
// delete plus an insert (20), so a changed step stays the same step and keeps its comments; two steps
// that swapped places cost more as two edits (at least 22) than as a move (20), so they read as a move.
const gapCost = 10;
const editCost = 10;

/** Beyond this many cells the alignment pairs the changed middle by position (a 1 MiB plan edited everywhere). */
const maxCells = 4_000_000;

/**
 * For each edited step, the index of the file's step it derives from (unchanged, changed or moved), or
 * undefined for a new step. A file step no edited step derives from was deleted. Each file step is
 * used at most once.
 */
export function alignSteps(original: readonly Step[], edited: readonly Step[]): Array<number | undefined> {
	return edited.some(step => step.location !== undefined) ? alignByLocation(original, edited) : alignByContent(original, edited);
}

/**
 * Steps loaded from the file keep their `location` through edits (plan-edit.ts), and that names their
 * origin exactly, even among steps that read the same. A step without one was added in the editor.
 */
function alignByLocation(original: readonly Step[], edited: readonly Step[]): Array<number | undefined> {
	const byLocation = new Map<string, number>();
	for (const [index, step] of original.entries()) {
		if (step.location !== undefined) {
			byLocation.set(`${step.location.line}:${step.location.column}`, index);
		}
	}

	return edited.map(step => {
		const key = step.location === undefined ? undefined : `${step.location.line}:${step.location.column}`;
		const from = key === undefined ? undefined : byLocation.get(key);
		if (key !== undefined) {
			// Each file step is the origin of one edited step at most.
			byLocation.delete(key);
		}

		return from;
	});
}

/** Without locations (a plan built in memory), the alignment a line diff would make. */
function alignByContent(original: readonly Step[], edited: readonly Step[]): Array<number | undefined> {
	const origin: Array<number | undefined> = edited.map(() => undefined);
	// The common head and tail cost nothing to align and are most of any real edit.
	let head = 0;
	while (head < original.length && head < edited.length && stepDistance(original[head]!, edited[head]!) === 0) {
		origin[head] = head;
		head++;
	}

	let tail = 0;
	while (
		tail < original.length - head
		&& tail < edited.length - head
		&& stepDistance(original[original.length - 1 - tail]!, edited[edited.length - 1 - tail]!) === 0
	) {
		origin[edited.length - 1 - tail] = original.length - 1 - tail;
		tail++;
	}

	const rows = original.length - head - tail;
	const columns = edited.length - head - tail;
	if (rows === 0 || columns === 0) {
		return origin;
	}

	if ((rows + 1) * (columns + 1) > maxCells) {
		for (let index = 0; index < Math.min(rows, columns); index++) {
			origin[head + index] = head + index;
		}

		return origin;
	}

	// Edit distance over steps: cost[r][c] aligns original[head..head+r) with edited[head..head+c).
	const width = columns + 1;
	const cost = new Int32Array((rows + 1) * width);
	for (let r = 0; r <= rows; r++) {
		for (let c = 0; c <= columns; c++) {
			if (r === 0 || c === 0) {
				cost[r * width + c] = (r + c) * gapCost;
				continue;
			}

			const distance = stepDistance(original[head + r - 1]!, edited[head + c - 1]!);
			const diagonal = cost[(r - 1) * width + c - 1]! + (distance === 0 ? 0 : editCost + distance);
			cost[r * width + c] = Math.min(diagonal, cost[(r - 1) * width + c]! + gapCost, cost[r * width + c - 1]! + gapCost);
		}
	}

	const deleted: number[] = [];
	const inserted: number[] = [];
	let r = rows;
	let c = columns;
	while (r > 0 || c > 0) {
		const here = cost[r * width + c]!;
		if (r > 0 && c > 0) {
			const distance = stepDistance(original[head + r - 1]!, edited[head + c - 1]!);
			if (here === cost[(r - 1) * width + c - 1]! + (distance === 0 ? 0 : editCost + distance)) {
				origin[head + c - 1] = head + r - 1;
				r--;
				c--;
				continue;
			}
		}

		if (r > 0 && here === cost[(r - 1) * width + c]! + gapCost) {
			deleted.push(head + r - 1);
			r--;
		} else {
			inserted.push(head + c - 1);
			c--;
		}
	}

	// A step deleted in one place and inserted unchanged in another was moved: it keeps its text.
	for (const at of inserted.reverse()) {
		const match = deleted.findIndex(from => stepDistance(original[from]!, edited[at]!) === 0);
		if (match !== -1) {
			origin[at] = deleted[match];
			deleted.splice(match, 1);
		}
	}

	return origin;
}
