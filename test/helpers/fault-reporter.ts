import type {Reporter, TestModule} from 'vitest/node';
import {faultPrefix} from './faults.js';

/**
 * Ends a run that executed fault scenarios with one countable line:
 * `faults: N scenarios run, hung H, lost L, stack traces S`. A scenario that failed without recording
 * a verdict (it timed out in vitest itself) counts as hung.
 */
export default class FaultReporter implements Reporter {
	onTestRunEnd(testModules: readonly TestModule[]): void {
		let run = 0;
		let hung = 0;
		let lost = 0;
		let stackTraces = 0;
		for (const module of testModules) {
			for (const test of module.children.allTests()) {
				if (!test.name.startsWith(faultPrefix)) {
					continue;
				}

				const result = test.result();
				if (result.state !== 'passed' && result.state !== 'failed') {
					continue;
				}

				run++;
				const verdict = test.meta().fault;
				if (verdict === undefined) {
					hung += result.state === 'failed' ? 1 : 0;
					continue;
				}

				hung += verdict.hung ? 1 : 0;
				lost += verdict.lost ? 1 : 0;
				stackTraces += verdict.stackTrace ? 1 : 0;
			}
		}

		if (run > 0) {
			process.stdout.write(`faults: ${run} scenarios run, hung ${hung}, lost ${lost}, stack traces ${stackTraces}\n`);
		}
	}
}
