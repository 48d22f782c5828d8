import {assertNever} from '../errors.js';
import type {VerifyOptions} from '../plan/types.js';
import type {Session} from '../ssh/transport.js';
import type {ServiceState, StepInfo} from './events.js';
import {execute} from './execute.js';
import type {StepContext} from './node-step.js';
import {buildServiceCommand, classifyResult, type ServiceManager} from './service-commands.js';
import {formatMs, type TaskResult} from './task-results.js';

/** Milliseconds between status checks while verifying a service. */
export const verifyPollMs = 1000;

export type VerifyContext = StepContext & {
	readonly node: string;
	readonly session: Session;
	readonly manager: ServiceManager;
	readonly step: StepInfo;
	readonly sudo: boolean;
	readonly timeoutMs: number | undefined;
};

/**
 * Whether a service the step just started really runs: poll its status every second until it is active
 * and has stayed active for `settle`, within `timeout`; then the plan's health command, if any, must
 * exit 0. Returns undefined when it passed, else the task's end (failed, or how the run stopped it).
 */
export async function verifyService(context: VerifyContext, service: string, verify: VerifyOptions): Promise<Pick<TaskResult, 'outcome' | 'reason' | 'state'> | undefined> {
	const {node, step, clock, emit, signal, pool, session, manager} = context;
	const started = clock();
	const deadline = started + verify.timeoutMs;
	emit({type: 'verify-started', node, step: step.index, service, ...(verify.command === undefined ? {} : {command: verify.command})});
	const finish = (outcome: 'ok' | 'failed', reason?: string) => {
		emit({type: 'verify-finished', node, step: step.index, service, outcome, ...(reason === undefined ? {} : {reason}), durationMs: clock() - started});
	};

	const status = buildServiceCommand(manager, 'status', service, {sudo: context.sudo});
	let activeSince: number | undefined;
	let lastState: ServiceState | undefined;
	for (;;) {
		// eslint-disable-next-line no-await-in-loop
		const execution = await execute(node, session, status, {pool, signal, timeoutMs: context.timeoutMs});
		if (execution.kind === 'aborted' || execution.kind === 'lost') {
			return execution.kind === 'aborted' ? {outcome: 'cancelled'} : {outcome: 'unreachable', reason: execution.error.message};
		}

		const now = clock();
		lastState = execution.kind === 'exited' ? classifyResult(manager, 'status', execution.exitCode, execution.tail, execution.signal).state ?? 'unknown' : undefined;

		if (lastState === 'active') {
			activeSince ??= now;
			if (now - activeSince >= verify.settleMs) {
				break;
			}
		} else if (activeSince !== undefined) {
			const reason = `verify: ${service} was active, then ${lastState ?? 'its status check timed out'} ${formatMs(now - started)} after the ${step.action}`;
			finish('failed', reason);
			return {outcome: 'failed', reason, ...(lastState === undefined ? {} : {state: lastState})};
		}

		if (now >= deadline) {
			const reason = activeSince === undefined
				? `verify: ${service} not active within ${formatMs(verify.timeoutMs)} (${lastState ?? 'status check timed out'})`
				: `verify: ${service} did not stay active for ${formatMs(verify.settleMs)} within ${formatMs(verify.timeoutMs)}`;
			finish('failed', reason);
			return {outcome: 'failed', reason, ...(lastState === undefined ? {} : {state: lastState})};
		}

		// eslint-disable-next-line no-await-in-loop
		await context.sleep(Math.min(verifyPollMs, Math.max(0, deadline - now)), signal);
		if (signal.aborted) {
			return {outcome: 'cancelled'};
		}
	}

	if (verify.command !== undefined) {
		// The admin's own command from the plan, run as it was written (nothing is spliced into it).
		const execution = await execute(node, session, verify.command, {pool, signal, timeoutMs: verify.timeoutMs});
		switch (execution.kind) {
			case 'aborted': {
				return {outcome: 'cancelled'};
			}

			case 'lost': {
				return {outcome: 'unreachable', reason: execution.error.message};
			}

			case 'timed-out': {
				const reason = `verify: health command timed out after ${formatMs(execution.afterMs)}`;
				finish('failed', reason);
				return {outcome: 'failed', reason, state: 'active'};
			}

			case 'exited': {
				if (execution.exitCode !== 0) {
					const last = execution.tail.at(-1);
					const reason = `verify: health command exited ${execution.exitCode ?? execution.signal}${last === undefined ? '' : `: ${last}`}`;
					finish('failed', reason);
					return {outcome: 'failed', reason, state: 'active'};
				}

				break;
			}

			default: {
				return assertNever(execution);
			}
		}
	}

	finish('ok');
	return undefined;
}
