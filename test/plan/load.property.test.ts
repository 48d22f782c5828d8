import {readFile} from 'node:fs/promises';
import {fc, test} from '@fast-check/vitest';
import {describe, expect, it} from 'vitest';
import {parsePlan, PlanError, type PlanProblem} from '../../source/plan/load.js';
import {serializePlan} from '../../source/plan/save.js';
import {actions} from '../../source/plan/types.js';

// Property-based tests of the plan loader (issue 7): any text is a plan or a PlanError whose lines are one
// line each, readable (no raw control character, quotes cut) and found within a second; a plan that loads
// survives a save and a reload unchanged.

const rawControl = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/;

function loadOrProblems(text: string): {lines: string[]} | {steps: number} {
	const started = performance.now();
	try {
		const plan = parsePlan(text, 'p.yaml');
		return {steps: plan.steps.length};
	} catch (error) {
		expect(error).toBeInstanceOf(PlanError);
		return {lines: (error as PlanError).lines()};
	} finally {
		expect(performance.now() - started).toBeLessThan(1000);
	}
}

/** YAML scalars a user (or a fuzzer) might write: words, numbers, flow syntax, escapes, long runs. */
const scalar = fc.oneof(
	fc.constantFrom('start', 'stop', 'status', 'restart', 'reload', 'strat', 'node[1-3]', 'node[1-', '@web', 'yes', 'true', '30s', '-3s', '5', '~', '[]', '{}', '"\\e[2J"', '"\\a"', '!!python/object x', '*alias', '&anchor x'),
	fc.string({maxLength: 20}),
	fc.integer({min: 1, max: 400}).map(count => 'x'.repeat(count * 50)),
);

const key = fc.constantFrom('state', 'nodes', 'depend', 'sudo', 'timeout', 'manager', 'enabled', 'stat', 'depends', 'hosts', '"\\e]0;t\\a"');

const stepText = fc.tuple(fc.constantFrom('cron', 'nginx', 'cron,ssh', 'a b', 'x'.repeat(300), '"\\ec"'), fc.array(fc.tuple(key, scalar), {maxLength: 5}))
	.map(([services, entries]) => `- ${services}:\n${entries.map(([name, value]) => `    ${name}: ${value}`).join('\n')}\n`);

describe('the plan loader, on any input', () => {
	test.prop([fc.string({maxLength: 400})])('arbitrary text is a plan or one-line problems', text => {
		const result = loadOrProblems(text);
		if ('lines' in result) {
			for (const line of result.lines) {
				expect(line).not.toMatch(rawControl);
			}
		}
	});

	test.prop([fc.array(stepText, {minLength: 1, maxLength: 4})], {numRuns: 100})('plan-shaped text: problems are one readable line each, at most a few hundred characters', steps => {
		const result = loadOrProblems(steps.join(''));
		if ('lines' in result) {
			expect(result.lines.length).toBeGreaterThan(0);
			for (const line of result.lines) {
				expect(line).not.toMatch(rawControl);
				expect(line.length).toBeLessThan(1200);
			}
		}
	});

	const validStep = fc.record({
		services: fc.array(fc.constantFrom('cron', 'nginx', 'ssh', 'php8.2-fpm', 'getty@tty1'), {minLength: 1, maxLength: 3}).map(list => [...new Set(list)]),
		action: fc.constantFrom(...actions),
		nodes: fc.constantFrom('node1', 'node[1-3]', 'web[01-20]!web07', '@web', 'rack[1-2]-n[1-4]'),
		depend: fc.array(fc.constantFrom('ssh', 'dbus'), {maxLength: 2}).map(list => [...new Set(list)]),
	});

	test.prop([fc.array(validStep, {minLength: 1, maxLength: 5})])('a valid plan survives save and reload', steps => {
		const text = steps.map(step => `- ${step.services.join(',')}:\n    state: ${step.action}\n    nodes: "${step.nodes}"\n${step.depend.length > 0 ? `    depend: ${step.depend.join(',')}\n` : ''}`).join('');
		const plan = parsePlan(text, 'p.yaml');
		const again = parsePlan(serializePlan(plan), 'p.yaml');
		const shape = (p: typeof plan) => p.steps.map(({location: _location, ...step}) => step);
		expect(shape(again)).toEqual(shape(plan));
		expect(plan.steps.map(step => step.action)).toEqual(steps.map(step => step.action));
	});
});

describe('hostile input never escapes as anything but a PlanError', () => {
	/** Deterministic PRNG (mulberry32) so a failure reproduces. */
	function random(seed: number): () => number {
		let state = seed;
		return () => {
			state = (state + 0x6D_2B_79_F5) | 0;
			let value = Math.imul(state ^ (state >>> 15), 1 | state);
			value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
			return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
		};
	}

	it('survives 3000 random mutations of the shipped plans', async () => {
		const sources = await Promise.all(['plans/example.yaml', 'plans/rolling-reload.yaml'].map(async file => readFile(file, 'utf8')));
		const next = random(42);
		const alphabet = ['-', ':', ' ', '\n', '\t', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '"', '\'', '#', '?', '%', '@', '`', 'a', '0', '\0', '\u00E9'];
		let rejected = 0;
		for (let round = 0; round < 3000; round++) {
			let text = sources[round % sources.length] ?? '';
			const edits = 1 + Math.floor(next() * 4);
			for (let edit = 0; edit < edits; edit++) {
				const position = Math.floor(next() * (text.length + 1));
				const character = alphabet[Math.floor(next() * alphabet.length)] ?? '';
				const kind = next();
				text = kind < 0.4
					? text.slice(0, position) + character + text.slice(position)
					: kind < 0.7 ? text.slice(0, position) + text.slice(position + 1) : text.slice(0, position) + character + text.slice(position + 1);
			}

			try {
				parsePlan(text, 'fuzz.yaml');
			} catch (error) {
				expect(error, JSON.stringify(text)).toBeInstanceOf(PlanError);
				const problems = (error as PlanError).problems;
				expect(problems.length).toBeGreaterThan(0);
				for (const problem of problems as PlanProblem[]) {
					expect(problem.message).not.toContain('\n');
					expect(problem.line).toBeGreaterThanOrEqual(1);
					expect(problem.column).toBeGreaterThanOrEqual(1);
				}

				rejected++;
			}
		}

		// Most mutations break something; if none did, the mutator itself is broken.
		expect(rejected).toBeGreaterThan(1000);
	});
});
