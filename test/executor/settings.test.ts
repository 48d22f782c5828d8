import process from 'node:process';
import {describe, expect, it, vi} from 'vitest';
import {planRunSettings, runAbortController} from '../../source/executor/settings.js';

describe('executor settings', () => {
	it('a prepared plan\'s run settings: the command line\'s, the plan\'s label and step options, a fresh run id each time', () => {
		const stepOptions = new Map([[1, {sudo: true}]]);
		const prepared = {plan: {source: 'plans/example2.yaml'}, stepOptions};
		const first = planRunSettings(prepared, {fanout: 8, commandTimeoutMs: 5000, sudo: false, manager: 'auto'});
		expect(first).toEqual({fanout: 8, commandTimeoutMs: 5000, sudo: false, manager: 'auto', runId: expect.stringMatching(/^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/) as unknown, planLabel: 'plans/example2.yaml', stepOptions});
		expect(planRunSettings(prepared, {}).runId).not.toBe(first.runId);
	});

	it('a run\'s abort signal takes any number of listeners (one per command and connection), without Node\'s leak warning', () => {
		const warnings = (signal: AbortSignal) => {
			const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
			try {
				for (let index = 0; index < 20; index++) signal.addEventListener('abort', () => undefined);
				return warn.mock.calls.length;
			} finally {
				warn.mockRestore();
			}
		};

		expect(warnings(runAbortController().signal)).toBe(0);
		// The check bites: a plain controller's signal warns past ten.
		expect(warnings(new AbortController().signal)).toBe(1);
	});
});
