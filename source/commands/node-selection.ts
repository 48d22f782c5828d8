import {createHash, randomInt} from 'node:crypto';
import {UserError} from '../errors.js';
import {foldNodes, parseNodeSet, type GroupResolver} from '../nodeset/index.js';
import type {RunOptions} from './options.js';
import type {PreparedRun} from '../plan/prepare.js';

/** `--limit` and `--pick` as the command line gave them. */
export type NodeSelection = Pick<RunOptions, 'limit' | 'pick' | 'pickSeed'>;

/**
 * A source of whole numbers below `bound`: from `seed` when given (the same seed picks the same nodes, for
 * tests and a repeatable canary), else crypto's.
 */
function numberSource(seed: string | undefined): (bound: number) => number {
	if (seed === undefined) {
		return bound => randomInt(bound);
	}

	// SHA-256 in counter mode: plain, portable, and as even as a pick needs.
	let counter = 0;
	return bound => {
		const digest = createHash('sha256').update(`${seed}:${counter++}`).digest();
		return Number(digest.readBigUInt64BE(0) % BigInt(bound));
	};
}

/** `count` of `nodes` chosen at random (all of them when there are no more), kept in their order. */
export function pickNodes(nodes: readonly string[], count: number, seed?: string): string[] {
	if (count >= nodes.length) {
		return [...nodes];
	}

	// A partial Fisher–Yates shuffle of the positions: each subset of `count` is equally likely.
	const positions = nodes.map((_, index) => index);
	const below = numberSource(seed);
	for (let index = 0; index < count; index++) {
		const swap = index + below(positions.length - index);
		[positions[index], positions[swap]] = [positions[swap]!, positions[index]!];
	}

	const chosen = new Set(positions.slice(0, count));
	return nodes.filter((_, index) => chosen.has(index));
}

/** The target after `--limit` then `--pick`; every node in `nodes` order. Throws when nothing is left. */
export function selectNodes(nodes: readonly string[], selection: NodeSelection, resolver: GroupResolver | undefined): string[] {
	let selected = [...new Set(nodes)];
	if (selection.limit !== undefined) {
		let limit: Set<string>;
		try {
			limit = new Set(parseNodeSet(selection.limit, {resolver}).expand());
		} catch (error: unknown) {
			if (error instanceof UserError) {
				throw new UserError(`--limit: ${error.message}`);
			}

			throw error;
		}

		selected = selected.filter(node => limit.has(node));
		if (selected.length === 0) {
			throw new UserError(`--limit ${JSON.stringify(selection.limit)} leaves none of the nodes (${foldNodes(nodes)}); nothing was run`);
		}
	}

	if (selection.pick !== undefined) {
		selected = pickNodes(selected, selection.pick, selection.pickSeed);
	}

	return selected;
}

/**
 * A prepared plan narrowed to the selected nodes: `--limit` keeps only its nodes, then `--pick N` takes N of
 * what is left, over the whole plan (the same N nodes in every step). A step left without nodes is dropped.
 */
export function narrowRun(prepared: PreparedRun, selection: NodeSelection, resolver: GroupResolver | undefined): PreparedRun {
	if (selection.limit === undefined && selection.pick === undefined) {
		return prepared;
	}

	const kept = new Set(selectNodes(prepared.steps.flatMap(step => step.nodes), selection, resolver));
	const steps = prepared.steps.map(step => ({...step, nodes: step.nodes.filter(node => kept.has(node))})).filter(step => step.nodes.length > 0);
	return {...prepared, steps};
}
