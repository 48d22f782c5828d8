import path from 'node:path';
import type {Reporter, TestModule, Vitest} from 'vitest/node';
import type {SkipReason} from './skip.js';

/** One line per reason: how many tests, in which files, and the command that would run them. */
export type SkipGroup = {readonly reason: SkipReason; readonly tests: number; readonly files: readonly string[]};

const noReason: SkipReason = {
	why: 'skipped without a reason (give the describe or it skipWhen(reason) from test/helpers/skip.ts)',
	enable: 'see the files',
};

/** Group skipped tests by reason, largest group first. */
export function groupSkips(skips: ReadonlyArray<{readonly reason: SkipReason | undefined; readonly file: string}>): SkipGroup[] {
	const groups = new Map<string, {reason: SkipReason; tests: number; files: Set<string>}>();
	for (const skip of skips) {
		const reason = skip.reason ?? noReason;
		const key = `${reason.why}\n${reason.enable}`;
		const group = groups.get(key) ?? {reason, tests: 0, files: new Set<string>()};
		group.tests++;
		group.files.add(skip.file);
		groups.set(key, group);
	}

	return [...groups.values()].map(group => ({reason: group.reason, tests: group.tests, files: [...group.files].sort()})).sort((a, b) => b.tests - a.tests);
}

/** The closing list, or '' when nothing was skipped. */
export function formatSkips(groups: readonly SkipGroup[]): string {
	const total = groups.reduce((sum, group) => sum + group.tests, 0);
	if (total === 0) {
		return '';
	}

	const lines = [`skipped: ${total} ${total === 1 ? 'test' : 'tests'}, and why`];
	for (const group of groups) {
		lines.push(`  ${group.tests} in ${group.files.join(', ')}`, `    why: ${group.reason.why}`, `    run them with: ${group.reason.enable}`);
	}

	return `${lines.join('\n')}\n`;
}

/**
 * Ends a run that skipped tests with a short list grouped by reason, each with the command that would
 * run them. The reason comes from the test's meta (`skipWhen`) or a runtime `context.skip(note)`.
 */
export default class SkipReporter implements Reporter {
	/** With `-t PATTERN` the tests it leaves out are skipped too: only those with a reason are listed then. */
	private filtered = false;

	onInit(vitest: Vitest): void {
		this.filtered = vitest.config.testNamePattern !== undefined;
	}

	onTestRunEnd(testModules: readonly TestModule[]): void {
		const skips: Array<{reason: SkipReason | undefined; file: string}> = [];
		for (const module of testModules) {
			const file = path.relative(process.cwd(), module.moduleId);
			for (const test of module.children.allTests()) {
				const result = test.result();
				if (result.state !== 'skipped' || test.options.mode === 'todo') {
					continue;
				}

				const note = result.note === undefined ? undefined : {why: result.note, enable: 'see the reason'};
				const reason = test.meta().skipReason ?? note;
				if (reason !== undefined || !this.filtered) {
					skips.push({reason, file});
				}
			}
		}

		process.stdout.write(formatSkips(groupSkips(skips)));
	}
}
