import {assertNever} from '../errors.js';
import {foldNodes} from '../nodeset/index.js';
import {failureAllowance, splitBatches} from '../plan/rollout.js';
import type {ManagerChoice, StepOptions, VerifyOptions} from '../plan/types.js';
import {ConnectError, type Transport} from '../ssh/transport.js';
import type {CanaryDecision, ExecutorEvent, ManagerName, OutcomeCounts, RolloutStop, ServiceState, StepInfo, TaskOutcome} from './events.js';
import {createLimiter} from './limiter.js';
import {steerBatches, steerStep, type RolloutControl} from './rollout-control.js';
import {NodePool, asConnectError, type ConnectionReuse, type EventBody, type NodeLink} from './node-pool.js';
import {assertValidServiceName, buildServiceCommand, classifyResult, type ExpectedState, type ServiceManager} from './service-commands.js';

/** ClusterShell's default fanout. */
export const defaultFanout = 64;

/** Output lines kept per task to explain a failure (the classifier reads only the end). */
const tailLines = 20;

export type RunPlanOptions = {
	readonly transport: Transport;
	/** Receives every event, synchronously, in order. */
	readonly onEvent: (event: ExecutorEvent) => void;
	/** Most nodes worked on at once. @default 64 */
	readonly fanout?: number;
	/** Aborting starts no new work, stops running commands and ends the run as `aborted`. */
	readonly signal?: AbortSignal;
	/** Timestamps for events. @default Date.now */
	readonly clock?: () => number;
	/** Per-command timeout unless a step sets its own. */
	readonly commandTimeoutMs?: number;
	/** Run service commands through `sudo -n` unless a step says otherwise. @default false */
	readonly sudo?: boolean;
	/** Force a manager for every node. @default 'auto' */
	readonly manager?: ManagerChoice;
	readonly runId: string;
	/** What `run-started` names as the plan (its path, or `<run>`). */
	readonly planLabel: string;
	/** Options from the plan, by step index; they win over the run-wide ones above. */
	readonly stepOptions?: ReadonlyMap<number, StepOptions>;
	/** `--expect`: a status in another state fails. Without it, every state a status tells is a result. */
	readonly expect?: ExpectedState;
	/**
	 * Asked after a step's canary batch: go on with the rollout, or stop it. The run waits for the answer
	 * (an abort ends the wait as a stop). @default continue
	 */
	readonly onCanary?: (canary: CanaryPause) => Promise<CanaryDecision>;
	/** Waits `ms`, or less when `signal` aborts (pauses between batches, verify polling). @default a timer */
	readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
	/** Connections earlier work left open to use, and which of this run's to hand on (node-pool.ts). @default none */
	readonly connections?: ConnectionReuse;
	/** The admin's pause, stop, fanout and batch size, read at batch boundaries (rollout-control.ts). */
	readonly control?: RolloutControl;
};

/** What the admin sees before deciding on a canary. */
export type CanaryPause = {
	readonly step: number;
	readonly nodes: readonly string[];
	readonly counts: OutcomeCounts;
	/** Nodes not started yet. */
	readonly remaining: number;
};

/** Seconds between status checks while verifying a service. */
export const verifyPollMs = 1000;

async function timerSleep(ms: number, signal: AbortSignal): Promise<void> {
	if (signal.aborted || ms <= 0) {
		return;
	}

	await new Promise<void>(resolve => {
		const done = () => {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		};

		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, {once: true});
	});
}

/** How one (step, service, node) task ended. */
export type TaskResult = {
	readonly step: number;
	readonly service: string;
	readonly node: string;
	readonly outcome: TaskOutcome;
	readonly exitCode?: number | null;
	readonly state?: ServiceState;
	readonly reason?: string;
	readonly durationMs?: number;
};

export type RunSummary = {
	readonly outcome: 'ok' | 'failed' | 'aborted';
	readonly counts: OutcomeCounts;
	/** Every task of the run, in step, node, service order. */
	readonly tasks: readonly TaskResult[];
	readonly durationMs: number;
	/** Set when a rollout stopped early: no new batch started and later steps did not run. */
	readonly stopped?: {readonly step: number; readonly reason: RolloutStop; readonly message: string};
};

/** Outcomes that count against `max_fail`. A skip is not one: the step chose not to act there. */
const failing: ReadonlySet<TaskOutcome> = new Set(['failed', 'timed-out', 'unreachable']);

function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** All-zero counts. */
export function emptyCounts(): Record<TaskOutcome, number> {
	return {ok: 0, failed: 0, 'timed-out': 0, skipped: 0, unreachable: 0, cancelled: 0};
}

function countOutcomes(results: Iterable<TaskResult>): OutcomeCounts {
	const counts = emptyCounts();
	for (const result of results) {
		counts[result.outcome]++;
	}

	return counts;
}

function neverAborted(): AbortSignal {
	return new AbortController().signal;
}

/**
 * Run a plan's steps against their nodes. Steps run one after another; within a step its nodes run in
 * parallel up to `fanout`, and on each node the step's services run in order. Node-level failures
 * (unreachable, command failed, timed out) are events and results, never exceptions. It throws only for
 * an unsafe service name, before connecting anywhere.
 */
export async function runPlan(steps: readonly StepInfo[], options: RunPlanOptions): Promise<RunSummary> {
	// Defence in depth: every name is checked before the first connection, so a bad plan runs nothing at all.
	for (const step of steps) {
		for (const name of [...step.services, ...step.depend]) {
			assertValidServiceName(name);
		}
	}

	const clock = options.clock ?? Date.now;
	const signal = options.signal ?? neverAborted();
	const emit = (body: EventBody) => {
		options.onEvent({...body, at: clock()} as ExecutorEvent);
	};

	const startedAt = clock();
	const allNodes = [...new Set(steps.flatMap(step => step.nodes))];
	emit({type: 'run-started', runId: options.runId, plan: options.planLabel, nodes: allNodes, steps});

	const pool = new NodePool({
		transport: options.transport,
		emit,
		signal,
		manager: options.manager ?? 'auto',
		detectTimeoutMs: options.commandTimeoutMs,
		...options.connections,
	});
	const limiter = createLimiter(options.fanout ?? defaultFanout);
	const sleep = options.sleep ?? timerSleep;
	const results: TaskResult[] = [];
	// The last step that needs each node: its connection closes when that step is done with it.
	const lastStepOf = new Map<string, number>();
	for (const step of steps) {
		for (const node of step.nodes) {
			lastStepOf.set(node, step.index);
		}
	}

	let stopped: RunSummary['stopped'];
	try {
		for (const step of steps) {
			// Between steps is a boundary too: a pause or a stop asked for during the last step applies here.
			if (options.control !== undefined && step !== steps[0] && !signal.aborted && stopped === undefined && (await options.control.atBoundary({step: step.index, afterBatch: 0}, signal, emit)) === 'stop' && !signal.aborted) {
				stopped = {step: step.index, reason: 'admin-stopped', message: `stopped by the admin before step ${step.index}`};
				emit({type: 'rollout-stopped', step: step.index, afterBatch: 0, batches: 0, reason: 'admin-stopped', message: stopped.message, done: [], notDone: step.nodes});
			}

			if (signal.aborted || stopped !== undefined) {
				const reason = stopped === undefined ? undefined : `not run: ${stopped.message}`;
				results.push(...step.nodes.flatMap(node => settleWithoutRunning(pool.known(node), step, node, step.services, reason)));
				continue;
			}

			emit({type: 'step-started', step: step.index, nodes: step.nodes});
			const own = steerStep(options.stepOptions?.get(step.index) ?? {}, options.control);
			const runner = new StepRunner(step, options, pool, emit, clock, signal, sleep);
			let stepLimiter = own.fanout === undefined ? limiter : createLimiter(own.fanout);
			const rolling = own.serial !== undefined || own.canary !== undefined || own.maxFail !== undefined;
			const batches = rolling ? splitBatches(step.nodes, own) : [step.nodes];
			const allowance = failureAllowance(step.nodes.length, own.maxFail);
			const failedNodes: string[] = [];
			const stepResults: TaskResult[] = [];
			for (const [position, batch] of batches.entries()) {
				const number = position + 1;
				if (rolling) {
					const steeredFanout = options.control?.settings().fanout;
					emit({type: 'batch-started', step: step.index, batch: number, batches: batches.length, nodes: batch, ...(steeredFanout === undefined ? {} : {fanout: steeredFanout})});
				}

				const batchResults = (
					await Promise.all(
						batch.map(async node =>
							stepLimiter.run(async () => {
								const nodeResults = await runner.onNode(node);
								if (lastStepOf.get(node) === step.index) {
									pool.release(node);
								}

								return nodeResults;
							}),
						),
					)
				).flat();
				stepResults.push(...batchResults);
				for (const node of new Set(batchResults.filter(result => failing.has(result.outcome)).map(result => result.node))) {
					failedNodes.push(node);
				}

				const counts = countOutcomes(batchResults);
				if (rolling) {
					emit({type: 'batch-finished', step: step.index, batch: number, batches: batches.length, counts, failedNodes: failedNodes.length, ...(allowance === undefined ? {} : {maxFail: allowance})});
				}

				const remaining = batches.slice(position + 1).flat();
				const stop = await afterBatch(number, batches.length, remaining, counts, batch);
				if (stop !== undefined) {
					stopped = {step: step.index, reason: stop.reason, message: stop.message};
					// Done: the nodes whose part of the step ended; a node an interrupt cut short is not done.
					const cutShort = new Set(stepResults.filter(result => result.outcome === 'cancelled').map(result => result.node));
					const done = batches.slice(0, number).flat().filter(node => !cutShort.has(node));
					emit({type: 'rollout-stopped', step: step.index, afterBatch: number, batches: batches.length, reason: stop.reason, message: stop.message, done, notDone: step.nodes.filter(node => !done.includes(node))});
					stepResults.push(...remaining.flatMap(node => settleWithoutRunning(pool.known(node), step, node, step.services, `not run: ${stop.message}`)));
					break;
				}

				stepLimiter = steerBatches(options.control, batches, number, stepLimiter);
			}

			emit({type: 'step-finished', step: step.index, counts: countOutcomes(stepResults)});
			results.push(...stepResults);

			/** After a batch: whether the rollout stops here (too many failures, the canary's answer, a signal), after any pause. */
			async function afterBatch(number: number, total: number, remaining: readonly string[], counts: OutcomeCounts, batch: readonly string[]): Promise<{reason: RolloutStop; message: string} | undefined> {
				const where = total > 1 ? `after batch ${number} of ${total} of step ${step.index}` : `after step ${step.index}`;
				if (allowance !== undefined && failedNodes.length > allowance) {
					return {reason: 'max-fail', message: `${where}: ${plural(failedNodes.length, 'node')} failed (${foldNodes(failedNodes)}), more than max_fail allows (${allowance})`};
				}

				if (remaining.length === 0) {
					return undefined;
				}

				if (signal.aborted) {
					return {reason: 'interrupted', message: `interrupted ${where}`};
				}

				if (number === 1 && own.canary !== undefined) {
					emit({type: 'rollout-paused', step: step.index, afterBatch: number, reason: 'canary'});
					const decision = await decide(options.onCanary, {step: step.index, nodes: batch, counts, remaining: remaining.length}, signal);
					emit({type: 'canary-decided', step: step.index, decision});
					if (signal.aborted) {
						return {reason: 'interrupted', message: `interrupted ${where}`};
					}

					if (decision === 'stop') {
						return {reason: 'canary-stopped', message: `stopped by the admin after the canary batch (${foldNodes(batch)}) of step ${step.index}`};
					}
				}

				if (own.pauseMs !== undefined && own.pauseMs > 0) {
					emit({type: 'rollout-paused', step: step.index, afterBatch: number, reason: 'pause', ms: own.pauseMs});
					await sleep(own.pauseMs, signal);
					if (signal.aborted) {
						return {reason: 'interrupted', message: `interrupted ${where}`};
					}
				}

				if (options.control !== undefined && (await options.control.atBoundary({step: step.index, afterBatch: number}, signal, emit)) === 'stop') {
					return signal.aborted ? {reason: 'interrupted', message: `interrupted ${where}`} : {reason: 'admin-stopped', message: `stopped by the admin ${where}`};
				}

				return undefined;
			}
		}
	} finally {
		await pool.closeAll();
	}

	const counts = countOutcomes(results);
	const outcome = signal.aborted ? 'aborted' : stopped === undefined && results.every(result => result.outcome === 'ok') ? 'ok' : 'failed';
	const durationMs = clock() - startedAt;
	emit({type: 'run-finished', outcome, counts, durationMs});
	return {outcome, counts, tasks: results, durationMs, ...(stopped === undefined ? {} : {stopped})};
}

/** The canary's answer; an abort while waiting is a stop. */
async function decide(ask: RunPlanOptions['onCanary'], canary: CanaryPause, signal: AbortSignal): Promise<CanaryDecision> {
	if (ask === undefined) {
		return 'continue';
	}

	if (signal.aborted) {
		return 'stop';
	}

	let onAbort: (() => void) | undefined;
	const aborted = new Promise<CanaryDecision>(resolve => {
		onAbort = () => {
			resolve('stop');
		};

		signal.addEventListener('abort', onAbort, {once: true});
	});
	try {
		return await Promise.race([ask(canary), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort!);
	}
}

/** Tasks that never ran: unreachable if the node is known to be (as the store marks them), else cancelled. */
function settleWithoutRunning(link: NodeLink | undefined, step: StepInfo, node: string, services = step.services, reason?: string): TaskResult[] {
	if (link?.kind === 'unreachable') {
		return services.map(service => ({step: step.index, service, node, outcome: 'unreachable', reason: link.message}));
	}

	return services.map(service => ({step: step.index, service, node, outcome: 'cancelled', ...(reason === undefined ? {} : {reason})}));
}

type Execution =
	| {readonly kind: 'exited'; readonly exitCode: number | null; readonly signal: string | null; readonly tail: readonly string[]}
	| {readonly kind: 'timed-out'; readonly afterMs: number}
	| {readonly kind: 'lost'; readonly error: ConnectError}
	| {readonly kind: 'aborted'};

/** Actions after which a service should be running, so `verify` applies. */
const verifiedActions: ReadonlySet<string> = new Set(['start', 'restart', 'reload']);

/** One step's work on each of its nodes. */
class StepRunner {
	readonly #sudo: boolean;
	readonly #timeoutMs: number | undefined;
	readonly #manager: ManagerChoice;
	readonly #expect: ExpectedState | undefined;
	private readonly step: StepInfo;
	private readonly pool: NodePool;
	private readonly emit: (event: EventBody) => void;
	private readonly clock: () => number;
	private readonly signal: AbortSignal;
	private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
	/** Set when this step's action should be verified (start, restart, reload with `verify`). */
	readonly #verify: VerifyOptions | undefined;

	// Plain fields, not parameter properties: those are not erasable syntax (STYLE §9).
	constructor(step: StepInfo, options: RunPlanOptions, pool: NodePool, emit: (event: EventBody) => void, clock: () => number, signal: AbortSignal, sleep: (ms: number, signal: AbortSignal) => Promise<void>) {
		this.step = step;
		this.pool = pool;
		this.emit = emit;
		this.clock = clock;
		this.signal = signal;
		this.sleep = sleep;
		const own = options.stepOptions?.get(step.index) ?? {};
		this.#verify = own.verify && verifiedActions.has(step.action) ? own.verify : undefined;
		this.#sudo = own.sudo ?? options.sudo ?? false;
		this.#timeoutMs = own.timeoutMs ?? options.commandTimeoutMs;
		this.#manager = own.manager && own.manager !== 'auto' ? own.manager : 'auto';
		this.#expect = options.expect;
	}

	async onNode(node: string): Promise<TaskResult[]> {
		const {step} = this;
		// `get` memoises the first connect; a node lost since then is only visible through `known`.
		const link = this.pool.known(node)?.kind === 'unreachable' ? this.pool.known(node) : await this.pool.get(node);
		if (link?.kind !== 'connected' || this.signal.aborted) {
			return settleWithoutRunning(link, step, node);
		}

		const manager = this.#managerFor(link.manager);
		if (!manager) {
			return step.services.map(service => {
				const reason = 'no service manager found (systemd, service or rc-service); set manager in the plan';
				this.emit({type: 'task-skipped', node, step: step.index, service, reason});
				return {step: step.index, service, node, outcome: 'skipped', reason};
			});
		}

		const skipReason = await this.#checkDependencies(node, link, manager);
		if (skipReason.kind === 'stopped') {
			return settleWithoutRunning(this.pool.known(node), step, node);
		}

		if (skipReason.kind === 'skip') {
			return step.services.map(service => {
				this.emit({type: 'task-skipped', node, step: step.index, service, reason: skipReason.reason});
				return {step: step.index, service, node, outcome: 'skipped', reason: skipReason.reason};
			});
		}

		const results: TaskResult[] = [];
		for (const [position, service] of step.services.entries()) {
			if (this.signal.aborted || this.pool.known(node)?.kind !== 'connected') {
				results.push(...settleWithoutRunning(this.pool.known(node), step, node, step.services.slice(position)));
				break;
			}

			results.push(await this.#runService(node, link, manager, service));
		}

		return results;
	}

	#managerFor(detected: ManagerName): ServiceManager | undefined {
		if (this.#manager !== 'auto') {
			return this.#manager;
		}

		return detected === 'none' ? undefined : detected;
	}

	/** Status only, never a start: a step must not change services it merely depends on. */
	async #checkDependencies(
		node: string,
		link: Extract<NodeLink, {kind: 'connected'}>,
		manager: ServiceManager,
	): Promise<{kind: 'go'} | {kind: 'skip'; reason: string} | {kind: 'stopped'}> {
		for (const dependency of this.step.depend) {
			const command = buildServiceCommand(manager, 'status', dependency, {sudo: this.#sudo});
			const execution = await this.#execute(node, link, command);
			switch (execution.kind) {
				case 'aborted':
				case 'lost': {
					return {kind: 'stopped'};
				}

				case 'timed-out': {
					return {kind: 'skip', reason: `dependency ${dependency}: status check timed out after ${formatMs(execution.afterMs)}`};
				}

				case 'exited': {
					const result = classifyResult(manager, 'status', execution.exitCode, execution.tail, execution.signal);
					if (result.state === 'not-installed') {
						return {kind: 'skip', reason: `dependency ${dependency} is not installed`};
					}

					if (result.state === undefined || result.state === 'unknown') {
						// The check itself failed (sudo refused, no such command…): say why, not "not running".
						return {kind: 'skip', reason: `dependency ${dependency} could not be checked: ${result.reason ?? `exit ${execution.exitCode ?? execution.signal}`}`};
					}

					if (result.state !== 'active') {
						return {kind: 'skip', reason: `dependency ${dependency} is not running (${result.state})`};
					}

					break;
				}

				default: {
					return assertNever(execution);
				}
			}
		}

		return {kind: 'go'};
	}

	async #runService(node: string, link: Extract<NodeLink, {kind: 'connected'}>, manager: ServiceManager, service: string): Promise<TaskResult> {
		const {step} = this;
		const command = buildServiceCommand(manager, step.action, service, {sudo: this.#sudo});
		const base = {step: step.index, service, node};
		const started = this.clock();
		this.emit({type: 'command-started', node, step: step.index, service, command});
		const execution = await this.#execute(node, link, command, lines => {
			this.emit({type: 'command-output', node, step: step.index, service, stream: lines.stream, lines: lines.lines});
		});
		switch (execution.kind) {
			case 'exited': {
				const durationMs = this.clock() - started;
				const result = classifyResult(manager, step.action, execution.exitCode, execution.tail, execution.signal, this.#expect);
				this.emit({
					type: 'command-exited',
					node,
					step: step.index,
					service,
					exitCode: execution.exitCode,
					signal: execution.signal,
					durationMs,
					outcome: result.outcome,
					...(result.state ? {state: result.state} : {}),
					...(result.reason ? {reason: result.reason} : {}),
				});
				if (result.outcome === 'ok' && this.#verify !== undefined) {
					const verified = await this.#verifyService(node, link, manager, service, this.#verify);
					if (verified !== undefined) {
						return {...base, ...verified, exitCode: execution.exitCode, durationMs: this.clock() - started};
					}
				}

				return {...base, outcome: result.outcome, exitCode: execution.exitCode, state: result.state, reason: result.reason, durationMs};
			}

			case 'timed-out': {
				this.emit({type: 'command-timed-out', node, step: step.index, service, afterMs: execution.afterMs});
				return {...base, outcome: 'timed-out', reason: `timed out after ${formatMs(execution.afterMs)}`, durationMs: this.clock() - started};
			}

			case 'lost': {
				return {...base, outcome: 'unreachable', reason: execution.error.message};
			}

			case 'aborted': {
				return {...base, outcome: 'cancelled'};
			}

			default: {
				return assertNever(execution);
			}
		}
	}

	/**
	 * Whether a service the step just started really runs: poll its status every second until it is active
	 * and has stayed active for `settle`, within `timeout`; then the plan's health command, if any, must
	 * exit 0. Returns undefined when it passed, else the task's end (failed, or how the run stopped it).
	 */
	async #verifyService(
		node: string,
		link: Extract<NodeLink, {kind: 'connected'}>,
		manager: ServiceManager,
		service: string,
		verify: VerifyOptions,
	): Promise<Pick<TaskResult, 'outcome' | 'reason' | 'state'> | undefined> {
		const {step} = this;
		const started = this.clock();
		const deadline = started + verify.timeoutMs;
		this.emit({type: 'verify-started', node, step: step.index, service, ...(verify.command === undefined ? {} : {command: verify.command})});
		const finish = (outcome: 'ok' | 'failed', reason?: string) => {
			this.emit({type: 'verify-finished', node, step: step.index, service, outcome, ...(reason === undefined ? {} : {reason}), durationMs: this.clock() - started});
		};

		const status = buildServiceCommand(manager, 'status', service, {sudo: this.#sudo});
		let activeSince: number | undefined;
		let lastState: ServiceState | undefined;
		for (;;) {
			// eslint-disable-next-line no-await-in-loop
			const execution = await this.#execute(node, link, status);
			if (execution.kind === 'aborted' || execution.kind === 'lost') {
				return execution.kind === 'aborted' ? {outcome: 'cancelled'} : {outcome: 'unreachable', reason: execution.error.message};
			}

			const now = this.clock();
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
			await this.sleep(Math.min(verifyPollMs, Math.max(0, deadline - now)), this.signal);
			if (this.signal.aborted) {
				return {outcome: 'cancelled'};
			}
		}

		if (verify.command !== undefined) {
			// The admin's own command from the plan, run as it was written (nothing is spliced into it).
			const execution = await this.#execute(node, link, verify.command, undefined, verify.timeoutMs);
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

	/** Run one command to its end. A dropped connection marks the node unreachable (one event). */
	async #execute(
		node: string,
		link: Extract<NodeLink, {kind: 'connected'}>,
		command: string,
		onOutput?: (chunk: {stream: 'stdout' | 'stderr'; lines: readonly string[]}) => void,
		timeoutMs = this.#timeoutMs,
	): Promise<Execution> {
		const tail: string[] = [];
		try {
			for await (const chunk of link.session.exec(command, {signal: this.signal, timeoutMs})) {
				switch (chunk.kind) {
					case 'output': {
						if (chunk.lines.length > 0) {
							onOutput?.(chunk);
							tail.push(...chunk.lines);
							tail.splice(0, Math.max(0, tail.length - tailLines));
						}

						break;
					}

					case 'exit': {
						// Killed because the user aborted: that task was cancelled, not failed.
						if (this.signal.aborted && chunk.exitCode === null) {
							return {kind: 'aborted'};
						}

						return {kind: 'exited', exitCode: chunk.exitCode, signal: chunk.signal, tail};
					}

					case 'timed-out': {
						return {kind: 'timed-out', afterMs: chunk.afterMs};
					}

					default: {
						return assertNever(chunk);
					}
				}
			}
		} catch (error: unknown) {
			if (this.signal.aborted) {
				return {kind: 'aborted'};
			}

			const lost = asConnectError(node, error);
			this.pool.markLost(node, lost);
			return {kind: 'lost', error: lost};
		}

		// The channel closed without an exit status: treat as a lost connection, the only way that happens.
		if (this.signal.aborted) {
			return {kind: 'aborted'};
		}

		const lost = new ConnectError(node, 'protocol', 'the command ended without an exit status (connection closed)');
		this.pool.markLost(node, lost);
		return {kind: 'lost', error: lost};
	}
}

/** `1.5s`, `250ms`, `2m`. */
export function formatMs(ms: number): string {
	if (ms < 1000) {
		return `${ms}ms`;
	}

	if (ms < 60_000 || ms % 60_000 !== 0) {
		return `${Number((ms / 1000).toFixed(1))}s`;
	}

	return `${ms / 60_000}m`;
}

/** What `svctui check` learns about one node. */
export type NodeCheck =
	| {readonly node: string; readonly status: 'connected'; readonly latencyMs: number; readonly manager: ManagerName}
	| {readonly node: string; readonly status: 'unreachable'; readonly reason: ConnectError['reason']; readonly message: string}
	| {readonly node: string; readonly status: 'cancelled'};

export type CheckNodesOptions = Pick<RunPlanOptions, 'transport' | 'onEvent' | 'fanout' | 'signal' | 'manager' | 'clock' | 'commandTimeoutMs' | 'connections'>;

/**
 * Connect to each node (up to `fanout` at once), detect its service manager, note the latency, and close
 * again. Emits node-connecting / node-connected / node-unreachable; never throws for a node.
 */
export async function checkNodes(nodes: readonly string[], options: CheckNodesOptions): Promise<NodeCheck[]> {
	const clock = options.clock ?? Date.now;
	const signal = options.signal ?? neverAborted();
	const pool = new NodePool({
		transport: options.transport,
		emit(body) {
			options.onEvent({...body, at: clock()} as ExecutorEvent);
		},
		signal,
		manager: options.manager ?? 'auto',
		detectTimeoutMs: options.commandTimeoutMs,
		...options.connections,
	});
	const limiter = createLimiter(options.fanout ?? defaultFanout);
	try {
		return await Promise.all(
			[...new Set(nodes)].map(async node =>
				limiter.run(async (): Promise<NodeCheck> => {
					const link = await pool.get(node);
					switch (link.kind) {
						case 'connected': {
							return {node, status: 'connected', latencyMs: link.latencyMs, manager: link.manager};
						}

						case 'unreachable': {
							return {node, status: 'unreachable', reason: link.reason, message: link.message};
						}

						case 'cancelled': {
							return {node, status: 'cancelled'};
						}

						default: {
							return assertNever(link);
						}
					}
				}),
			),
		);
	} finally {
		await pool.closeAll();
	}
}
