import {describe, expect, it} from 'vitest';
import type {StepInfo} from '../../source/executor/events.js';
import type {PreflightStep} from '../../source/executor/predict.js';
import {buildServiceCommand} from '../../source/executor/service-commands.js';
import type {PreparedRun} from '../../source/plan/prepare.js';
import type {Plan, StepOptions} from '../../source/plan/types.js';
import {allNodes, describeStep, dryRunText, plural, preflightReviewLines, reviewLines, type IndentedLine, type PreflightReview} from '../../source/report/review.js';
import {rolloutReviewLine} from '../../source/report/rollout-review.js';

const restart: StepInfo = {index: 1, services: ['nginx', 'cron'], action: 'restart', nodes: ['n1', 'n2', 'n3'], depend: ['ssh', 'dbus']};
const start: StepInfo = {index: 2, services: ['db'], action: 'start', nodes: ['n4'], depend: []};

function prepared(steps: readonly StepInfo[], options: ReadonlyArray<[number, StepOptions]> = [], source = 'site.yaml'): PreparedRun {
	const plan: Plan = {source, format: 'list', defaults: {}, steps: []};
	return {plan, steps, stepOptions: new Map(options)};
}

/** The review's lines by key, so a line added elsewhere in the review does not change these expectations. */
function byKey(lines: readonly IndentedLine[]): Map<string, IndentedLine> {
	return new Map(lines.map(line => [line.key, line]));
}

describe('the review before a run', () => {
	it('counts in words with the plural only for other than one', () => {
		expect(plural(0, 'node')).toBe('0 nodes');
		expect(plural(1, 'node')).toBe('1 node');
		expect(plural(2, 'step')).toBe('2 steps');
	});

	it('describes a step on one line: action, services, folded nodes and count, dependencies', () => {
		expect(describeStep(restart)).toBe('1. restart nginx,cron on n[1-3] (3 nodes), if ssh,dbus running');
		expect(describeStep(start)).toBe('2. start db on n4 (1 node)');
		// A node name from input with a control character is shown, never sent raw to the terminal.
		expect(describeStep({...start, nodes: ['evil\u001Bc']})).toBe(String.raw`2. start db on evil\x1bc (1 node)`);
	});

	it('lists every node once, in first-seen order', () => {
		expect(allNodes([restart, {...start, nodes: ['n3', 'n4', 'n1']}])).toEqual(['n1', 'n2', 'n3', 'n4']);
		expect(allNodes([])).toEqual([]);
	});

	it('prints the plan, then each step with its rollout line when it rolls', () => {
		expect(reviewLines(prepared([restart, start], [[1, {serial: [{count: 2}], maxFail: {count: 0}}]]))).toEqual([
			'Plan site.yaml: 2 steps',
			'  1. restart nginx,cron on n[1-3] (3 nodes), if ssh,dbus running',
			'     2 batches of 2,1, serial 2; stop when more than 0 node(s) fail (max_fail 0)',
			'  2. start db on n4 (1 node)',
		]);
		expect(reviewLines(prepared([start], [], 'a\u0007.yaml'))).toEqual([String.raw`Plan a\x07.yaml: 1 step`, '  2. start db on n4 (1 node)']);
	});
});

describe('the rollout line under a step', () => {
	const many: StepInfo = {...start, nodes: Array.from({length: 20}, (_, i) => `n${i + 1}`)};

	it('is none for a plain step, or a pause of zero', () => {
		expect(rolloutReviewLine(start, {})).toBeUndefined();
		expect(rolloutReviewLine(start, {pauseMs: 0})).toBeUndefined();
		expect(rolloutReviewLine(start, {sudo: true, timeoutMs: 5000})).toBeUndefined();
	});

	it('says batches (the first six of many), canary, threshold, pause and fanout in that order', () => {
		expect(rolloutReviewLine(many, {serial: [{count: 1}, {count: 2}], canary: 1, maxFail: {percent: 10}, pauseMs: 1500, fanout: 4})).toBe(
			'     11 batches of 1,1,2,2,2,2,…, serial 1,2; canary 1 then wait for a go-ahead; stop when more than 2 node(s) fail (max_fail 10%); pause 1500ms between batches; fanout 4',
		);
		expect(rolloutReviewLine(many, {serial: [{percent: 25}]})).toBe('     4 batches of 5,5,5,5, serial 25%');
		expect(rolloutReviewLine(many, {serial: [{count: 3}]})).toBe('     7 batches of 3,3,3,3,3,3,2, serial 3');
		// Eight batches are all shown; the ninth is where the list is cut.
		expect(rolloutReviewLine({...many, nodes: many.nodes.slice(0, 8)}, {serial: [{count: 1}]})).toBe('     8 batches of 1,1,1,1,1,1,1,1, serial 1');
		expect(rolloutReviewLine({...many, nodes: many.nodes.slice(0, 9)}, {serial: [{count: 1}]})).toBe('     9 batches of 1,1,1,1,1,1,…, serial 1');
	});

	it('with a canary and no serial: the canary batch, then the rest as one', () => {
		expect(rolloutReviewLine(many, {canary: 2})).toBe('     2 batches of 2,18; canary 2 then wait for a go-ahead');
		expect(rolloutReviewLine(start, {canary: 1})).toBe('     1 batch of 1; canary 1 then wait for a go-ahead');
	});

	it('says verification only for actions that leave a service running', () => {
		const verify = {timeoutMs: 60_000, settleMs: 2000, command: 'curl -f localhost'};
		expect(rolloutReviewLine(start, {verify})).toBe('     verify: active for 2s within 1m, then run: curl -f localhost');
		expect(rolloutReviewLine({...start, action: 'reload'}, {verify: {timeoutMs: 30_000, settleMs: 500}})).toBe('     verify: active for 500ms within 30s');
		expect(rolloutReviewLine({...start, action: 'restart'}, {verify: {timeoutMs: 30_000, settleMs: 500}})).toBe('     verify: active for 500ms within 30s');
		expect(rolloutReviewLine({...start, action: 'stop'}, {verify})).toBeUndefined();
		expect(rolloutReviewLine({...start, action: 'status'}, {verify})).toBeUndefined();
		expect(rolloutReviewLine(start, {verify: false})).toBeUndefined();
		expect(rolloutReviewLine(start, {verify: {...verify, command: 'echo \u001B[2J'}})).toBe(String.raw`     verify: active for 2s within 1m, then run: echo \x1b[2J`);
	});
});

describe('the dry run', () => {
	const systemd = (action: 'status' | 'restart' | 'start', service: string, sudo = false) => buildServiceCommand('systemd', action, service, {sudo});

	it('prints the review, then each step\'s exact commands for the chosen manager, and says nothing was contacted', () => {
		expect(dryRunText(prepared([restart, start]), 'systemd', false)).toBe([
			'Plan site.yaml: 2 steps',
			'  1. restart nginx,cron on n[1-3] (3 nodes), if ssh,dbus running',
			'  2. start db on n4 (1 node)',
			'',
			'step 1 on n[1-3]:',
			`  check ssh [systemd]: ${systemd('status', 'ssh')}`,
			`  check dbus [systemd]: ${systemd('status', 'dbus')}`,
			`  nginx [systemd]: ${systemd('restart', 'nginx')}`,
			`  cron [systemd]: ${systemd('restart', 'cron')}`,
			'',
			'step 2 on n4:',
			`  db [systemd]: ${systemd('start', 'db')}`,
			'(dry run: no node was contacted)',
			'',
		].join('\n'));
	});

	it('shows every manager\'s form with --manager auto, in the order systemd, sysv, openrc', () => {
		expect(dryRunText(prepared([restart]), 'auto', true)).toContain(`  check ssh [openrc]: ${buildServiceCommand('openrc', 'status', 'ssh', {sudo: true})}\n`);
		const text = dryRunText(prepared([start]), 'auto', true);
		expect(text).toContain([
			'step 2 on n4:',
			`  db [systemd]: ${systemd('start', 'db', true)}`,
			`  db [sysv]: ${buildServiceCommand('sysv', 'start', 'db', {sudo: true})}`,
			`  db [openrc]: ${buildServiceCommand('openrc', 'start', 'db', {sudo: true})}`,
			'(dry run: no node was contacted)',
		].join('\n'));
	});

	it('takes a step\'s own manager and sudo before the run\'s; a step\'s manager auto leaves the run\'s', () => {
		const text = dryRunText(prepared([restart, start], [[1, {manager: 'openrc', sudo: false}], [2, {manager: 'auto'}]]), 'sysv', true);
		expect(text).toContain(`  check ssh [openrc]: ${buildServiceCommand('openrc', 'status', 'ssh')}\n`);
		expect(text).toContain(`  nginx [openrc]: ${buildServiceCommand('openrc', 'restart', 'nginx')}\n`);
		expect(text).toContain(`  db [sysv]: ${buildServiceCommand('sysv', 'start', 'db', {sudo: true})}\n`);
		expect(text).not.toContain('[systemd]');
	});

	it('adds the verification commands of a verified step', () => {
		const text = dryRunText(prepared([start], [[2, {verify: {timeoutMs: 10_000, settleMs: 2000, command: 'true'}}]]), 'systemd', false);
		expect(text).toContain(`  db [systemd]: ${systemd('start', 'db')}\n  verify db [systemd]: ${systemd('status', 'db')} (every 1s until active for 2s, within 10s)\n  health check (as the login user, timeout 10s): true\n(dry run`);
		const withoutCommand = dryRunText(prepared([start], [[2, {verify: {timeoutMs: 10_000, settleMs: 2000}}]]), 'systemd', true);
		expect(withoutCommand).toContain(`  verify db [systemd]: ${systemd('status', 'db', true)} (every 1s until active for 2s, within 10s)\n(dry run`);
		expect(dryRunText(prepared([{...start, action: 'reload'}], [[2, {verify: {timeoutMs: 10_000, settleMs: 2000}}]]), 'systemd', false)).toContain(`  verify db [systemd]: ${systemd('status', 'db')} (every 1s`);
		expect(dryRunText(prepared([{...start, action: 'stop'}], [[2, {verify: {timeoutMs: 10_000, settleMs: 2000}}]]), 'systemd', false)).not.toContain('verify');
	});
});

describe('the review with the pre-flight', () => {
	const steps = [restart, start];
	const predicted: PreflightStep = {
		step: 1,
		action: 'restart',
		depends: [{service: 'ssh', groups: [{verdict: 'no-change', text: 'running', nodes: ['n1', 'n2', 'n3'], nodeSet: 'n[1-3]'}]}],
		services: [
			{service: 'nginx', groups: [
				{verdict: 'change', text: 'restarts', nodes: ['n1', 'n2'], nodeSet: 'n[1-2]'},
				{verdict: 'unreachable', text: 'UNREACHABLE: no route', nodes: ['n3'], nodeSet: 'n3'},
			]},
			{service: 'cron', groups: [{verdict: 'fail', text: 'FAILS: not installed', nodes: ['n1', 'n2', 'n3'], nodeSet: 'n[1-3]'}]},
		],
	};
	const review = (status: PreflightReview['status'], extra: Partial<PreflightReview> = {}): PreflightReview => ({status, prepared: prepared(steps), contacted: 2, total: 4, steps: [predicted], ...extra});

	it('says the error, or that the plan is being prepared, before there is a plan', () => {
		expect(preflightReviewLines({status: 'idle', contacted: 0, total: 0, steps: []})).toEqual([{key: 'error', text: 'preparing the plan…', tone: 'error', indent: 0}]);
		expect(preflightReviewLines({status: 'failed', contacted: 0, total: 0, steps: [], error: 'site.yaml:3:1: bad'})).toEqual([{key: 'error', text: 'site.yaml:3:1: bad', tone: 'error', indent: 0}]);
	});

	it('heads with the plan, its steps and nodes, then how far the pre-flight got', () => {
		const lines = byKey(preflightReviewLines(review('running')));
		expect(lines.get('head')).toEqual({key: 'head', text: 'site.yaml: 2 steps on 4 nodes', tone: 'title', indent: 0});
		expect(lines.get('status')).toEqual({key: 'status', text: 'pre-flight: asking the nodes how things stand… 2/4', tone: undefined, indent: 0});
		expect(byKey(preflightReviewLines(review('done', {contacted: 4}))).get('status')).toEqual({key: 'status', text: 'pre-flight: 4/4 nodes contacted; what each step will really do:', tone: undefined, indent: 0});
		expect(byKey(preflightReviewLines(review('failed', {error: 'no agent'}))).get('status')).toEqual({key: 'status', text: 'pre-flight failed: no agent', tone: 'error', indent: 0});
		expect(byKey(preflightReviewLines(review('failed'))).get('status')?.text).toBe('pre-flight failed: unknown error');
		expect(byKey(preflightReviewLines({...review('idle'), prepared: {plan: {source: 'one.yaml'}, steps: [start]}})).get('head')?.text).toBe('one.yaml: 1 step on 1 node');
	});

	it('puts each step\'s dependencies and services under it in aligned columns, continuation lines under the text', () => {
		const lines = preflightReviewLines(review('done'));
		const steps = lines.filter(line => line.key !== 'head' && line.key !== 'status');
		expect(steps).toEqual([
			{key: 's1', text: '1. restart nginx,cron on n[1-3] (3 nodes), if ssh,dbus running', tone: 'title', indent: 3},
			{key: 's1needs ssh0', text: '   needs ssh  n[1-3]  running', tone: 'no-change', indent: 22},
			{key: 's1nginx0', text: '   nginx      n[1-2]  restarts', tone: 'change', indent: 22},
			{key: 's1nginx1', text: '              n3      UNREACHABLE: no route', tone: 'unreachable', indent: 22},
			{key: 's1cron0', text: '   cron       n[1-3]  FAILS: not installed', tone: 'fail', indent: 22},
			// No pre-flight answer for step 2 (yet): its title alone.
			{key: 's2', text: '2. start db on n4 (1 node)', tone: 'title', indent: 3},
		]);
	});

	it('caps the node-set column at 24 characters and counts characters, not UTF-16 units', () => {
		const wide = 'n[1,3,5,7,9,11,13,15,17,19,21]';
		const long: PreflightStep = {step: 2, action: 'start', depends: [], services: [{service: 'dé𝟘', groups: [
			{verdict: 'change', text: 'starts', nodes: ['n1'], nodeSet: wide},
			{verdict: 'skip', text: 'skips', nodes: ['n2'], nodeSet: 'n2'},
		]}]};
		const lines = byKey(preflightReviewLines({...review('done'), steps: [long]}));
		expect(lines.get('s2dé𝟘0')).toEqual({key: 's2dé𝟘0', text: `   dé𝟘  ${wide}  starts`, tone: 'change', indent: 3 + 3 + 2 + 24 + 2 + 6});
		expect(lines.get('s2dé𝟘1')).toEqual({key: 's2dé𝟘1', text: `        n2${' '.repeat(22)}  skips`, tone: 'skip', indent: 3 + 3 + 2 + 24 + 2});
		expect(lines.has('s1needs ssh0')).toBe(false);
	});
});
