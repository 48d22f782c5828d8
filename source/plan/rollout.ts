/**
 * Rolling changes: the values `serial`, `max_fail` and `canary` take, and how a step's nodes split into
 * batches. Pure; validate.ts reads the values, the executor and the review use the batches.
 */
import {describeValue} from './duration.js';
import type {NodeCount, StepOptions} from './types.js';

const countPattern = /^(\d+)$/;
const percentPattern = /^(\d+(?:\.\d+)?)\s*%$/;

const serialHint = 'write a count such as 10, a percentage such as 25%, or a list of growing batches such as [1, 10%, 50%]';
const maxFailHint = 'write a count of nodes such as 0 or 2, or a percentage of the step\'s nodes such as 10%';

/** `10`, `"10"` or `"25%"`; `least` is the smallest count allowed (1 for a batch, 0 for max_fail). */
export function parseNodeCount(value: unknown, label: string, least: 0 | 1, hint: string): {value: NodeCount} | {error: string} {
	const shown = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
	if (shown === undefined) {
		return {error: `${label} must be a count or a percentage, not ${describeValue(value)}; ${hint}`};
	}

	const text = shown.trim();
	const percent = percentPattern.exec(text);
	if (percent !== null) {
		const share = Number(percent[1]);
		if (share > 100) {
			return {error: `${label} ${text} is over 100%; ${hint}`};
		}

		if (least === 1 && share === 0) {
			return {error: `${label} 0% is no nodes at all; ${hint}`};
		}

		return {value: {percent: share}};
	}

	const count = countPattern.exec(text);
	if (count === null || !Number.isSafeInteger(Number(count[1]))) {
		const negative = /^-\d/.test(text) ? ' (it cannot be negative)' : '';
		return {error: `${label} ${JSON.stringify(shown)} is not a whole count or a percentage${negative}; ${hint}`};
	}

	const number = Number(count[1]);
	if (number < least) {
		return {error: `${label} must be at least ${least}, not ${number}; ${hint}`};
	}

	return {value: {count: number}};
}

/** One `serial` entry. */
export function parseBatchSize(value: unknown, label = 'serial'): {value: NodeCount} | {error: string} {
	return parseNodeCount(value, label, 1, serialHint);
}

export function parseMaxFail(value: unknown, label = 'max_fail'): {value: NodeCount} | {error: string} {
	return parseNodeCount(value, label, 0, maxFailHint);
}

/** A whole number of at least 1 (`canary`, `fanout`). */
export function parsePositiveCount(value: unknown, label: string, example: string, most = 100_000): {value: number} | {error: string} {
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		return {error: `${label} must be a whole number such as ${example}, not ${describeValue(value)}`};
	}

	if (value < 1) {
		return {error: `${label} must be at least 1, not ${value}; write a whole number such as ${example}`};
	}

	if (value > most) {
		return {error: `${label} must be at most ${most}, not ${value}`};
	}

	return {value};
}

export const serialExample = serialHint;

/** `10` or `25%`, as the plan writes it. */
export function formatNodeCount(size: NodeCount): string {
	return 'count' in size ? String(size.count) : `${size.percent}%`;
}

/** A share of `total` nodes, rounded down, but never below `least`. */
function resolve(size: NodeCount, total: number, least: number): number {
	return 'count' in size ? size.count : Math.max(least, Math.floor((size.percent * total) / 100));
}

/**
 * Batch sizes for a step of `total` nodes: the canary first (when set), then the `serial` sizes in
 * turn, the last repeating; without `serial` the rest is one batch. Sizes add up to `total`.
 */
export function batchSizes(total: number, options: Pick<StepOptions, 'serial' | 'canary'>): number[] {
	const sizes: number[] = [];
	let left = total;
	if (options.canary !== undefined && left > 0) {
		const canary = Math.min(options.canary, left);
		sizes.push(canary);
		left -= canary;
	}

	const serial = options.serial ?? [];
	for (let index = 0; left > 0; index++) {
		const size = serial.length === 0 ? left : resolve(serial[Math.min(index, serial.length - 1)]!, total, 1);
		const taken = Math.min(size, left);
		sizes.push(taken);
		left -= taken;
	}

	return sizes;
}

/** Split `nodes` (in node-set order) into batches. */
export function splitBatches<T>(nodes: readonly T[], options: Pick<StepOptions, 'serial' | 'canary'>): T[][] {
	const batches: T[][] = [];
	let start = 0;
	for (const size of batchSizes(nodes.length, options)) {
		batches.push(nodes.slice(start, start + size));
		start += size;
	}

	return batches;
}

/** Most failed nodes a step may have before the rollout stops; undefined for no limit. */
export function failureAllowance(total: number, maxFail: NodeCount | undefined): number | undefined {
	return maxFail === undefined ? undefined : resolve(maxFail, total, 0);
}
