import {describe, expect, it} from 'vitest';
import {dryRunText, reviewLines} from '../../source/report/review.js';
import {prepareRun} from '../../source/plan/prepare.js';
import {runPlan} from '../../source/executor/run-plan.js';
import {GroupResolver} from '../../source/nodeset/index.js';
import {parsePlan} from '../../source/plan/load.js';
import {createTextReporter} from '../../source/report/text.js';
import {FakeTransport, simulatedNode} from '../helpers/fake-transport.js';

const planText = `defaults:
  serial: 1
  max_fail: 0
steps:
  - nginx:
      state: restart
      nodes: n[1-3]
      verify: {command: "curl -fsS localhost/health", timeout: 10s}
  - cron:
      state: restart
      nodes: n[1-3]
`;

describe('rolling steps in the review, the dry run and the text report', () => {
	// Prepared in each test, not while tests are collected (mutation testing would take that code for static).
	const prepare = () => prepareRun(parsePlan(planText, 'rolling.yaml'), new GroupResolver());

	it('the review shows batches, thresholds and the health command as written', () => {
		const prepared = prepare();
		expect(reviewLines(prepared)).toEqual([
			'Plan rolling.yaml: 2 steps',
			'  1. restart nginx on n[1-3] (3 nodes)',
			'     3 batches of 1,1,1, serial 1; stop when more than 0 node(s) fail (max_fail 0); verify: active for 2s within 10s, then run: curl -fsS localhost/health',
			'  2. restart cron on n[1-3] (3 nodes)',
			'     3 batches of 1,1,1, serial 1; stop when more than 0 node(s) fail (max_fail 0)',
		]);
		expect(dryRunText(prepared, 'systemd', false)).toContain('  verify nginx [systemd]: systemctl --no-pager --lines=0 status -- nginx (every 1s until active for 2s, within 10s)\n  health check (as the login user, timeout 10s): curl -fsS localhost/health\n');
	});

	it('the report says each batch, where and why the rollout stopped, and one RECAP line per step', async () => {
		const prepared = prepare();
		const healthy = () => simulatedNode('systemd', {nginx: 'active', cron: 'active'}, {override: command => (command.startsWith('curl') ? {stdout: 'ok'} : undefined)});
		const sick = simulatedNode('systemd', {nginx: 'active', cron: 'active'}, {override: command => (command.startsWith('curl') ? {stderr: 'curl: (7) Failed to connect to localhost port 80', code: 7} : undefined)});
		let text = '';
		const reporter = createTextReporter({write: chunk => (text += chunk), color: false});
		let now = 0;
		const summary = await runPlan(prepared.steps, {
			transport: new FakeTransport({n1: healthy(), n2: sick, n3: healthy()}),
			onEvent: reporter.onEvent,
			clock: () => now,
			async sleep(ms) {
				now += ms;
			},
			runId: 'r',
			planLabel: 'rolling.yaml',
			stepOptions: prepared.stepOptions,
		});
		expect(summary.stopped?.reason).toBe('max-fail');
		expect(text).toContain('step 1 batch 1/3: ok=1 failed=0; failed nodes so far 0, max_fail 0\n');
		expect(text).toContain('step 1 batch 2/3: ok=0 failed=1; failed nodes so far 1, max_fail 0\n');
		expect(text).toContain('ROLLOUT STOPPED at step 1 (max-fail): after batch 2 of 3 of step 1: 1 node failed (n2), more than max_fail allows (0); done: n[1-2]; not done: n3\n');
		expect(text).toMatch(/ {2}nginx {2}FAIL n2: verify: health command exited 7: curl: \(7\) Failed to connect to localhost port 80\n/);
		expect(text).toMatch(/ {2}nginx {2}CANCELLED n3: not run: after batch 2 of 3/);
		expect(text).toMatch(/RECAP\n1 restart nginx +: +ok=1 +failed=1 +skipped=0 +unreachable=0 +cancelled=1/);
		expect(text).toContain('1 rollout: 2 of 3 batches, verified ok=1 failed=1, STOPPED (max-fail): after batch 2 of 3 of step 1: 1 node failed (n2), more than max_fail allows (0)\n');
		expect(text).toContain('2 rollout: not run (the rollout stopped at step 1)\n');
	});
});
