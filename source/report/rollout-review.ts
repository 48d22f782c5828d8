import type {StepInfo} from '../executor/events.js';
import {buildServiceCommand, type ServiceManager} from '../executor/service-commands.js';
import {shownSafely} from '../display.js';
import {formatTimeout} from '../plan/duration.js';
import {batchSizes, failureAllowance, formatNodeCount} from '../plan/rollout.js';
import type {StepOptions} from '../plan/types.js';

/** `1,1,1` or, for many, `1,2,10 … (5 batches)`: the sizes a person checks before saying yes. */
function batchesText(sizes: readonly number[]): string {
	const shown = sizes.length > 8 ? `${sizes.slice(0, 6).join(',')},…` : sizes.join(',');
	return `${sizes.length} batch${sizes.length === 1 ? '' : 'es'} of ${shown}`;
}

/**
 * The review's line under a step that rolls or verifies: its batches, thresholds and verification, the
 * health command shown as written (the admin confirms it). Undefined for a plain step.
 */
export function rolloutReviewLine(step: StepInfo, options: StepOptions): string | undefined {
	const parts: string[] = [];
	if (options.serial !== undefined || options.canary !== undefined) {
		const serial = options.serial === undefined ? '' : `, serial ${options.serial.map(size => formatNodeCount(size)).join(',')}`;
		parts.push(`${batchesText(batchSizes(step.nodes.length, options))}${serial}`);
	}

	if (options.canary !== undefined) {
		parts.push(`canary ${options.canary} then wait for a go-ahead`);
	}

	if (options.maxFail !== undefined) {
		parts.push(`stop when more than ${failureAllowance(step.nodes.length, options.maxFail)} node(s) fail (max_fail ${formatNodeCount(options.maxFail)})`);
	}

	if (options.pauseMs !== undefined && options.pauseMs > 0) {
		parts.push(`pause ${formatTimeout(options.pauseMs)} between batches`);
	}

	if (options.fanout !== undefined) {
		parts.push(`fanout ${options.fanout}`);
	}

	const {verify} = options;
	if (verify && ['start', 'restart', 'reload'].includes(step.action)) {
		const health = verify.command === undefined ? '' : `, then run: ${shownSafely(verify.command)}`;
		parts.push(`verify: active for ${formatTimeout(verify.settleMs)} within ${formatTimeout(verify.timeoutMs)}${health}`);
	}

	return parts.length === 0 ? undefined : `     ${parts.join('; ')}`;
}

/** `--dry-run`: the status check verification repeats and the health command, exactly as they would run. */
export function verifyDryRunLines(step: StepInfo, options: StepOptions, candidates: readonly ServiceManager[], sudo: boolean): string[] {
	const {verify} = options;
	if (!verify || !['start', 'restart', 'reload'].includes(step.action)) {
		return [];
	}

	const lines: string[] = [];
	for (const service of step.services) {
		for (const candidate of candidates) {
			lines.push(`  verify ${service} [${candidate}]: ${buildServiceCommand(candidate, 'status', service, {sudo})} (every 1s until active for ${formatTimeout(verify.settleMs)}, within ${formatTimeout(verify.timeoutMs)})`);
		}
	}

	if (verify.command !== undefined) {
		lines.push(`  health check (as the login user, timeout ${formatTimeout(verify.timeoutMs)}): ${shownSafely(verify.command)}`);
	}

	return lines;
}
