import {describe, expect, it} from 'vitest';
import {narrowRun, pickNodes, selectNodes} from '../../source/commands/node-selection.js';
import {oneShotPlan} from '../../source/plan/prepare.js';
import {GroupResolver, expandNodeSet, staticGroupSource} from '../../source/nodeset/index.js';

const resolver = new GroupResolver([staticGroupSource('local', {web: 'node[1-4]'})]);
const hundred = expandNodeSet('node[1-100]');

describe('--pick', () => {
	it('takes N distinct nodes of the target, in its order', () => {
		for (let round = 0; round < 50; round++) {
			const picked = pickNodes(hundred, 7);
			expect(picked).toHaveLength(7);
			expect(new Set(picked).size).toBe(7);
			expect(picked.every(node => hundred.includes(node))).toBe(true);
			expect(picked).toEqual([...picked].sort((a, b) => hundred.indexOf(a) - hundred.indexOf(b)));
		}
	});

	it('is random without a seed and the same for the same seed', () => {
		const draws = new Set(Array.from({length: 20}, () => pickNodes(hundred, 3).join()));
		expect(draws.size).toBeGreaterThan(1);
		expect(pickNodes(hundred, 5, 'canary')).toEqual(pickNodes(hundred, 5, 'canary'));
		expect(pickNodes(hundred, 5, 'canary')).not.toEqual(pickNodes(hundred, 5, 'other'));
	});

	it('reaches every node: no position is left out by the shuffle', () => {
		const seen = new Set<string>();
		for (let round = 0; round < 400; round++) {
			for (const node of pickNodes(expandNodeSet('n[1-10]'), 1, `seed${round}`)) {
				seen.add(node);
			}
		}

		expect(seen.size).toBe(10);
	});

	it('takes them all when N is not less than their number', () => {
		expect(pickNodes(['a', 'b'], 5)).toEqual(['a', 'b']);
	});
});

describe('--limit and --pick on a run', () => {
	it('--limit keeps only its nodes in each step and drops a step left without any', () => {
		const prepared = oneShotPlan(['node[1-6]', 'cron', 'status', 'nginx', 'restart'], resolver);
		const narrowed = narrowRun({...prepared, steps: [...prepared.steps, {...prepared.steps[0]!, index: 3, nodes: ['node9']}]}, {limit: '@web!node2'}, resolver);
		expect(narrowed.steps.map(step => [step.index, step.nodes])).toEqual([
			[1, ['node1', 'node3', 'node4']],
			[2, ['node1', 'node3', 'node4']],
		]);
	});

	it('--pick takes the same N nodes for every step, after --limit', () => {
		const prepared = oneShotPlan(['node[1-6]', 'cron', 'status', 'nginx', 'restart'], resolver);
		const narrowed = narrowRun(prepared, {limit: '@web', pick: 2}, resolver);
		const [first, second] = narrowed.steps;
		expect(first?.nodes).toHaveLength(2);
		expect(second?.nodes).toEqual(first?.nodes);
		expect(first?.nodes.every(node => ['node1', 'node2', 'node3', 'node4'].includes(node))).toBe(true);
	});

	it('refuses a --limit that leaves nothing, or that does not parse, in one line', () => {
		expect(() => selectNodes(['node1'], {limit: 'web9'}, resolver)).toThrow('--limit "web9" leaves none of the nodes (node1); nothing was run');
		expect(() => selectNodes(['node1'], {limit: 'node[1-'}, resolver)).toThrow(/^--limit: node set "node\[1-": /);
	});
});
