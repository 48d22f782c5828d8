import {describe, expect, it} from 'vitest';
import {describeValue, formatTimeout, parseDuration, parseTimeout} from '../../source/plan/duration.js';
import {parsePlan, PlanError} from '../../source/plan/load.js';
import {batchSizes, failureAllowance, formatNodeCount, parseBatchSize, parseMaxFail, parseNodeCount, parsePositiveCount, splitBatches} from '../../source/plan/rollout.js';

// The rolling options' values (rollout.ts, duration.ts), each as a function and as a plan states it:
// the exact message, at the value's line and column.

const serialHint = 'write a count such as 10, a percentage such as 25%, or a list of growing batches such as [1, 10%, 50%]';
const maxFailHint = 'write a count of nodes such as 0 or 2, or a percentage of the step\'s nodes such as 10%';
const durationHint = 'write a duration such as 30s, 2m or 500ms, or a number of seconds';

/** The plan's problems as `line:column path: message` lines, or the step's options when it loads. */
function optionsOf(settings: string): unknown {
	try {
		return parsePlan(`- nginx:\n    state: restart\n    nodes: node[1-4]\n${settings}`, 'p.yaml').steps[0]!.options;
	} catch (error) {
		if (!(error instanceof PlanError)) {
			throw error;
		}

		return error.problems.map(problem => `${problem.line}:${problem.column} ${problem.path}: ${problem.message}`);
	}
}

describe('node counts: serial and max_fail', () => {
	it.each([
		[10, {count: 10}],
		['10', {count: 10}],
		[' 7 ', {count: 7}],
		['25%', {percent: 25}],
		['12.5 %', {percent: 12.5}],
		['100%', {percent: 100}],
	])('%j is %j', (value, expected) => {
		expect(parseBatchSize(value)).toEqual({value: expected});
		expect(parseMaxFail(value)).toEqual({value: expected});
	});

	it.each([
		[0, 'serial must be at least 1, not 0; '],
		['0', 'serial must be at least 1, not 0; '],
		['0%', 'serial 0% is no nodes at all; '],
		['100.5%', 'serial 100.5% is over 100%; '],
		['-2', 'serial "-2" is not a whole count or a percentage (it cannot be negative); '],
		[-2, 'serial "-2" is not a whole count or a percentage (it cannot be negative); '],
		['1.5', 'serial "1.5" is not a whole count or a percentage; '],
		['ten', 'serial "ten" is not a whole count or a percentage; '],
		['99999999999999999', 'serial "99999999999999999" is not a whole count or a percentage; '],
		[true, 'serial must be a count or a percentage, not the boolean true; '],
		[null, 'serial must be a count or a percentage, not empty; '],
		[[], 'serial must be a count or a percentage, not a list; '],
	])('serial %j: %s', (value, message) => {
		expect(parseBatchSize(value)).toEqual({error: message + serialHint});
	});

	it('max_fail may be zero nodes, but not below', () => {
		expect(parseMaxFail(0)).toEqual({value: {count: 0}});
		expect(parseMaxFail('0%')).toEqual({value: {percent: 0}});
		expect(parseMaxFail('-1')).toEqual({error: `max_fail "-1" is not a whole count or a percentage (it cannot be negative); ${maxFailHint}`});
		expect(parseMaxFail('101%', '"max_fail"')).toEqual({error: `"max_fail" 101% is over 100%; ${maxFailHint}`});
	});

	it('a count only, anchored at both ends', () => {
		expect(parseNodeCount('x5', 'n', 1, 'h')).toEqual({error: 'n "x5" is not a whole count or a percentage; h'});
		expect(parseNodeCount('5x', 'n', 1, 'h')).toEqual({error: 'n "5x" is not a whole count or a percentage; h'});
		expect(parseNodeCount('x5%', 'n', 1, 'h')).toEqual({error: 'n "x5%" is not a whole count or a percentage; h'});
		expect(parseNodeCount('5%%', 'n', 1, 'h')).toEqual({error: 'n "5%%" is not a whole count or a percentage; h'});
		expect(parseNodeCount('1.%', 'n', 1, 'h')).toEqual({error: 'n "1.%" is not a whole count or a percentage; h'});
		expect(parseNodeCount('a-1', 'n', 1, 'h')).toEqual({error: 'n "a-1" is not a whole count or a percentage; h'});
	});

	it('written back as the plan writes it', () => {
		expect(formatNodeCount({count: 3})).toBe('3');
		expect(formatNodeCount({percent: 12.5})).toBe('12.5%');
	});
});

describe('whole counts: fanout and canary', () => {
	it.each([
		[1, {value: 1}],
		[100_000, {value: 100_000}],
		[0, {error: '"canary" must be at least 1, not 0; write a whole number such as 1'}],
		[-3, {error: '"canary" must be at least 1, not -3; write a whole number such as 1'}],
		[100_001, {error: '"canary" must be at most 100000, not 100001'}],
		[1.5, {error: '"canary" must be a whole number such as 1, not the number 1.5'}],
		['2', {error: '"canary" must be a whole number such as 1, not the text "2"'}],
	])('%j', (value, expected) => {
		expect(parsePositiveCount(value, '"canary"', '1')).toEqual(expected);
	});

	it('takes its own ceiling', () => {
		expect(parsePositiveCount(5, 'x', '2', 5)).toEqual({value: 5});
		expect(parsePositiveCount(6, 'x', '2', 5)).toEqual({error: 'x must be at most 5, not 6'});
	});
});

describe('batches', () => {
	it.each([
		[10, {}, [10]],
		[0, {}, []],
		[0, {canary: 2}, []],
		[10, {canary: 1}, [1, 9]],
		[1, {canary: 3}, [1]],
		[10, {serial: [{count: 3}]}, [3, 3, 3, 1]],
		[10, {serial: [{count: 1}, {percent: 50}]}, [1, 5, 4]],
		[10, {canary: 2, serial: [{percent: 30}]}, [2, 3, 3, 2]],
		[3, {serial: [{percent: 10}]}, [1, 1, 1]],
		[10, {serial: [{count: 20}]}, [10]],
		[7, {serial: [{count: 1}, {count: 2}, {count: 10}]}, [1, 2, 4]],
	])('%i nodes with %j: %j', (total, options, sizes) => {
		expect(batchSizes(total, options)).toEqual(sizes);
	});

	it('splits nodes in their order', () => {
		expect(splitBatches(['a', 'b', 'c', 'd', 'e'], {canary: 1, serial: [{count: 2}]})).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
		expect(splitBatches([], {serial: [{count: 2}]})).toEqual([]);
	});

	it('allows failures by count or by share, rounded down, and none when unset', () => {
		expect(failureAllowance(10, undefined)).toBeUndefined();
		expect(failureAllowance(10, {count: 2})).toBe(2);
		expect(failureAllowance(10, {percent: 25})).toBe(2);
		expect(failureAllowance(3, {percent: 10})).toBe(0);
		expect(failureAllowance(10, {percent: 0})).toBe(0);
	});
});

describe('durations', () => {
	it.each([
		[30, 30_000],
		[0.5, 500],
		['30', 30_000],
		['500ms', 500],
		['1.5s', 1500],
		['2m', 120_000],
		[' 1h ', 3_600_000],
		['1 m', 60_000],
		['24h', 86_400_000],
		['0.0015s', 2],
	])('%j is %i ms', (value, ms) => {
		expect(parseDuration(value, 'timeout')).toEqual({ms});
		expect(parseTimeout(value)).toEqual({timeoutMs: ms});
	});

	it.each([
		['soon', 'timeout "soon" is not a duration; '],
		['5 s s', 'timeout "5 s s" is not a duration; '],
		['x5s', 'timeout "x5s" is not a duration; '],
		['5sx', 'timeout "5sx" is not a duration; '],
		['-3s', 'timeout "-3s" is not a duration; '],
		[0, 'timeout must be above zero; '],
		['0s', 'timeout must be above zero; '],
		[-1, 'timeout must be above zero; '],
		[Number.POSITIVE_INFINITY, 'timeout must be above zero; '],
		['0.0001s', 'timeout is shorter than 1ms; '],
		[0.0004, 'timeout is shorter than 1ms; '],
		['24.001h', 'timeout is longer than a day (24h); '],
		[86_401, 'timeout is longer than a day (24h); '],
		[true, 'timeout must be a duration, not the boolean true; '],
		[null, 'timeout must be a duration, not empty; '],
		[{}, 'timeout must be a duration, not a mapping; '],
	])('%j: %s', (value, message) => {
		expect(parseDuration(value, 'timeout')).toEqual({error: message + durationHint});
		expect(parseTimeout(value)).toEqual({error: message + durationHint});
	});

	it('zero is "none" only where allowed (a pause)', () => {
		expect(parseDuration(0, '"pause"', true)).toEqual({ms: 0});
		expect(parseDuration('0s', '"pause"', true)).toEqual({ms: 0});
		expect(parseDuration(-1, '"pause"', true)).toEqual({error: `"pause" must be above zero; ${durationHint}`});
	});

	it.each([
		[0, '0s'],
		[3_600_000, '1h'],
		[7_200_000, '2h'],
		[120_000, '2m'],
		[90_000, '90s'],
		[30_000, '30s'],
		[1500, '1500ms'],
		[1, '1ms'],
		[5_400_000, '90m'],
	])('%i ms is written %s and reads back the same', (ms, text) => {
		expect(formatTimeout(ms)).toBe(text);
		if (ms > 0) {
			expect(parseTimeout(text)).toEqual({timeoutMs: ms});
		}
	});

	it.each([
		[null, 'empty'],
		[undefined, 'empty'],
		[[1], 'a list'],
		[5, 'the number 5'],
		[false, 'the boolean false'],
		['x"y', 'the text "x\\"y"'],
		[{a: 1}, 'a mapping'],
	])('%j is described as %s', (value, text) => {
		expect(describeValue(value)).toBe(text);
	});
});

describe('rolling options in a plan: values, messages and where they stand', () => {
	it('reads every rolling option of a step', () => {
		expect(optionsOf('    fanout: 4\n    canary: 1\n    serial: [1, "10%", 50%]\n    max_fail: 10%\n    pause: 5s\n    verify: {command: "curl -fsS localhost", timeout: 20s, settle: 1s}\n')).toEqual({
			fanout: 4, canary: 1, serial: [{count: 1}, {percent: 10}, {percent: 50}], maxFail: {percent: 10}, pauseMs: 5000,
			verify: {timeoutMs: 20_000, settleMs: 1000, command: 'curl -fsS localhost'},
		});
	});

	it('reads a single batch size, no pause, and verify as true or false', () => {
		expect(optionsOf('    serial: 2\n    pause: 0\n    verify: true\n    max_fail: 0\n')).toEqual({serial: [{count: 2}], pauseMs: 0, verify: {timeoutMs: 30_000, settleMs: 2000}, maxFail: {count: 0}});
		expect(optionsOf('    verify: false\n')).toEqual({verify: false});
		expect(optionsOf('    verify: {}\n')).toEqual({verify: {timeoutMs: 30_000, settleMs: 2000}});
		expect(optionsOf('    verify: {settle: 0}\n')).toEqual({verify: {timeoutMs: 30_000, settleMs: 0}});
	});

	it.each([
		['fanout: 0', ['4:13 [0].nginx.fanout: "fanout" must be at least 1, not 0; write a whole number such as 16']],
		['fanout: two', ['4:13 [0].nginx.fanout: "fanout" must be a whole number such as 16, not the text "two"']],
		['fanout: [1]', ['4:13 [0].nginx.fanout: "fanout" must be a whole number such as 16, not a list']],
		['fanout: {a: 1}', ['4:13 [0].nginx.fanout: "fanout" must be a whole number such as 16, not a mapping']],
		['fanout:', ['4:5 [0].nginx.fanout: "fanout" must be a whole number such as 16, not empty']],
		['canary: 1.5', ['4:13 [0].nginx.canary: "canary" must be a whole number such as 1, not the number 1.5']],
		['canary: 100001', ['4:13 [0].nginx.canary: "canary" must be at most 100000, not 100001']],
		['serial: {a: 1}', [`4:13 [0].nginx.serial: "serial" must be a batch size or a list of them, not a mapping; ${serialHint}`]],
		['serial: []', [`4:13 [0].nginx.serial: "serial" is an empty list; ${serialHint}`]],
		['serial: [1, 0%, x]', [`4:17 [0].nginx.serial: "serial" 0% is no nodes at all; ${serialHint}`]],
		['serial:', [`4:5 [0].nginx.serial: "serial" must be a count or a percentage, not empty; ${serialHint}`]],
		['serial: [[1]]', [`4:14 [0].nginx.serial: "serial" must be a count or a percentage, not a list; ${serialHint}`]],
		['serial: [{a: 1}]', [`4:14 [0].nginx.serial: "serial" must be a count or a percentage, not a mapping; ${serialHint}`]],
		['max_fail: 101%', [`4:15 [0].nginx.max_fail: "max_fail" 101% is over 100%; ${maxFailHint}`]],
		['max_fail: [1]', [`4:15 [0].nginx.max_fail: "max_fail" must be a count or a percentage, not a list; ${maxFailHint}`]],
		['max_fail:', [`4:5 [0].nginx.max_fail: "max_fail" must be a count or a percentage, not empty; ${maxFailHint}`]],
		['pause: -1', [`4:12 [0].nginx.pause: "pause" must be above zero; ${durationHint}`]],
		['pause: [1]', [`4:12 [0].nginx.pause: "pause" must be a duration, not a list; ${durationHint}`]],
		['pause: {a: 1}', [`4:12 [0].nginx.pause: "pause" must be a duration, not a mapping; ${durationHint}`]],
		['timeout: [1]', [`4:14 [0].nginx.timeout: timeout must be a duration, not a list; ${durationHint}`]],
		['timeout: {a: 1}', [`4:14 [0].nginx.timeout: timeout must be a duration, not a mapping; ${durationHint}`]],
		['timeout:', [`4:5 [0].nginx.timeout: timeout must be a duration, not empty; ${durationHint}`]],
	])('%s', (setting, problems) => {
		expect(optionsOf(`    ${setting}\n`)).toEqual(problems);
	});
});
