import {randomBytes} from 'node:crypto';
import {assertNever} from '../errors.js';
import {ConnectError} from '../ssh/transport.js';
import type {ManagerChoice, VerifyOptions} from '../plan/types.js';
import type {ManagerName, StepInfo} from './events.js';
import {execute, type Execution} from './execute.js';
import {type EventBody, type NodeLink, type NodePool} from './node-pool.js';
import {buildNodeScript, ScriptReader, scriptCommands, type ItemEnd} from './node-script.js';
import {classifyResult, type ExpectedState, type ServiceManager} from './service-commands.js';
import {formatMs, settleWithoutRunning, type TaskResult} from './task-results.js';
import {verifyService} from './verify-service.js';

/** Actions after which a service should be running, so `verify` applies. */
const verifiedActions: ReadonlySet<string> = new Set(['start', 'restart', 'reload']);

/** Extra time per item the whole script gets beyond the items' own timeouts (the wrapper's TERM grace and the answer). */
const scriptGraceMs = 5000;

export const noManagerReason = 'no service manager found (systemd, service or rc-service); set manager in the plan';

/** What a step's work on a node needs from the run. */
export type StepContext = {
	readonly pool: NodePool;
	readonly emit: (event: EventBody) => void;
	readonly clock: () => number;
	readonly signal: AbortSignal;
	readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
};

/** The step's own settings, resolved against the run's. */
export type StepSettings = {
	readonly sudo: boolean;
	readonly timeoutMs: number | undefined;
	readonly manager: ManagerChoice;
	readonly expect: ExpectedState | undefined;
	readonly verify: VerifyOptions | undefined;
};

/** `verify` applies to starts, restarts and reloads only. */
export function verifyFor(step: StepInfo, verify: VerifyOptions | undefined): VerifyOptions | undefined {
	return verify && verifiedActions.has(step.action) ? verify : undefined;
}

/** How one node script went, for the loop that runs the step's services. */
type ScriptOutcome =
	/** The node has no service manager (or nothing to run the step with). */
	| {readonly kind: 'no-manager'}
	/** A dependency is not running: the step's services do not run. */
	| {readonly kind: 'skip'; readonly reason: string}
	/** Results for the services that ran; `rest` did not start (a timed-out item ended the script first). */
	| {readonly kind: 'ran'; readonly results: readonly TaskResult[]; readonly rest: readonly string[]; readonly dependChecked: boolean}
	/** Aborted or lost before every service ended: the rest never runs. */
	| {readonly kind: 'stopped'; readonly results: readonly TaskResult[]};

/**
 * One step's work on each of its nodes: ONE remote command per node (node-script.ts) runs the manager
 * detection if the node still needs it, the dependency checks and the services; markers give each service
 * its own output and exit status. Only a timed-out item (the rest runs in a second command), a step with
 * `verify` (each service is verified before the next one starts) or a lost node change that.
 */
export class StepRunner {
	readonly #step: StepInfo;
	readonly #context: StepContext;
	readonly #settings: StepSettings;

	// Plain fields, not parameter properties: those are not erasable syntax (STYLE §9).
	constructor(step: StepInfo, settings: StepSettings, context: StepContext) {
		this.#step = step;
		this.#settings = settings;
		this.#context = context;
	}

	async onNode(node: string): Promise<TaskResult[]> {
		const step = this.#step;
		const {pool, signal} = this.#context;
		// `get` memoises the first connect; what happened since (lost, manager detected) is in `known`.
		const link = pool.known(node)?.kind === 'unreachable' ? pool.known(node) : (await pool.get(node), pool.known(node));
		if (link?.kind !== 'connected' || signal.aborted) {
			return settleWithoutRunning(link, step, node);
		}

		const results: TaskResult[] = [];
		let pending = [...step.services];
		let dependChecked = step.depend.length === 0;
		while (pending.length > 0) {
			const current = pool.known(node);
			if (signal.aborted || current?.kind !== 'connected') {
				results.push(...settleWithoutRunning(current, step, node, pending));
				break;
			}

			if (this.#managerFor(current.manager) === 'none') {
				results.push(...this.#skip(node, pending, noManagerReason));
				break;
			}

			// With verify, each service is verified before the next one starts: one script per service then.
			const take = this.#settings.verify === undefined ? pending : pending.slice(0, 1);
			// eslint-disable-next-line no-await-in-loop
			const outcome = await this.#runScript(node, current, take, dependChecked ? [] : step.depend);
			switch (outcome.kind) {
				case 'no-manager': {
					results.push(...this.#skip(node, pending, noManagerReason));
					pending = [];
					break;
				}

				case 'skip': {
					results.push(...this.#skip(node, pending, outcome.reason));
					pending = [];
					break;
				}

				case 'stopped': {
					results.push(...outcome.results);
					const done = new Set(outcome.results.map(result => result.service));
					results.push(...settleWithoutRunning(pool.known(node), step, node, pending.filter(service => !done.has(service))));
					pending = [];
					break;
				}

				case 'ran': {
					results.push(...outcome.results);
					dependChecked ||= outcome.dependChecked;
					pending = [...outcome.rest, ...pending.slice(take.length)];
					break;
				}

				default: {
					return assertNever(outcome);
				}
			}
		}

		return results;
	}

	/** The manager the step uses on a node: the step's own, else the detected one (undefined: not detected yet). */
	#managerFor(detected: ManagerName | undefined): ManagerName | undefined {
		return this.#settings.manager === 'auto' ? detected : this.#settings.manager;
	}

	#skip(node: string, services: readonly string[], reason: string): TaskResult[] {
		const step = this.#step;
		return services.map(service => {
			this.#context.emit({type: 'task-skipped', node, step: step.index, service, reason});
			return {step: step.index, service, node, outcome: 'skipped', reason};
		});
	}

	async #runScript(node: string, link: Extract<NodeLink, {kind: 'connected'}>, services: readonly string[], depend: readonly string[]): Promise<ScriptOutcome> {
		const step = this.#step;
		const {pool, emit, clock, signal} = this.#context;
		const {sudo, timeoutMs} = this.#settings;
		const detect = link.manager === undefined;
		const given = this.#managerFor(link.manager);
		const count = depend.length + services.length;
		const watch = timeoutMs !== undefined && count > 1;
		const nonce = randomBytes(8).toString('hex');
		const plan = {detect, manager: given === 'none' ? undefined : given, action: step.action, depend, services, sudo, nonce};
		const script = buildNodeScript({...plan, ...(watch ? {itemTimeoutMs: timeoutMs} : {})});
		let manager: ServiceManager | undefined = plan.manager;
		let commands = manager === undefined ? [] : scriptCommands(plan, manager);
		const started = new Map<number, number>();
		const results = new Map<number, TaskResult>();
		let skipReason: string | undefined;
		const serviceAt = (item: number) => services[item - depend.length];

		/** A service item ended: its events and result. */
		const serviceEnded = (item: number, service: string, end: ItemEnd | {kind: 'timed-out'; afterMs: number}, tail: readonly string[]) => {
			const base = {step: step.index, service, node};
			const durationMs = clock() - (started.get(item) ?? clock());
			if (end.kind === 'timed-out') {
				const afterMs = 'afterMs' in end ? end.afterMs : timeoutMs ?? durationMs;
				emit({type: 'command-timed-out', node, step: step.index, service, afterMs});
				results.set(item, {...base, outcome: 'timed-out', reason: `timed out after ${formatMs(afterMs)}`, durationMs});
				return;
			}

			const result = classifyResult(manager!, step.action, end.exitCode, tail, end.signal, this.#settings.expect);
			const runningBefore = reader.runningBefore(item);
			// A start changes a stopped service, a stop a running one; anything else left the state as it was.
			const changed = runningBefore === undefined ? undefined : result.outcome === 'ok' && runningBefore === (step.action === 'stop');
			emit({
				type: 'command-exited',
				node,
				step: step.index,
				service,
				exitCode: end.exitCode,
				signal: end.signal,
				durationMs,
				outcome: result.outcome,
				...(result.state ? {state: result.state} : {}),
				...(result.reason ? {reason: result.reason} : {}),
				...(changed === undefined ? {} : {changed}),
			});
			results.set(item, {...base, outcome: result.outcome, exitCode: end.exitCode, state: result.state, reason: result.reason, durationMs});
		};

		const reader = new ScriptReader(nonce, {
			onManager(detected) {
				pool.detected(node, detected);
				if (manager === undefined && detected !== 'none') {
					manager = detected;
					commands = scriptCommands(plan, detected);
				}
			},
			onBegin(item) {
				started.set(item, clock());
				const service = serviceAt(item);
				if (item >= depend.length && service !== undefined) {
					emit({type: 'command-started', node, step: step.index, service, command: commands[item] ?? ''});
				}
			},
			onOutput(item, stream, lines) {
				const service = serviceAt(item);
				// Dependency checks show no output (they are not tasks); nor does anything after the last item.
				if (item >= depend.length && service !== undefined && !results.has(item)) {
					emit({type: 'command-output', node, step: step.index, service, stream, lines});
				}
			},
			onEnd(item, end, tail) {
				const service = serviceAt(item);
				if (item < depend.length) {
					skipReason ??= dependencyVerdict(manager!, depend[item]!, end, timeoutMs, tail);
				} else if (service !== undefined) {
					serviceEnded(item, service, end, tail);
				}
			},
		});

		const execution = await execute(node, link.session, script, {
			pool,
			signal,
			timeoutMs: timeoutMs === undefined ? undefined : watch ? count * (timeoutMs + scriptGraceMs) : timeoutMs,
			onOutput(stream, lines) {
				reader.push(stream, lines);
			},
		});
		const begunCut = reader.finish();
		if (detect && reader.manager === undefined) {
			if (execution.kind === 'timed-out') {
				// A node that cannot answer a three-line shell test in time is not usable; "no service manager" would mislead.
				pool.markLost(node, lostByTimeout(node, execution.afterMs));
				return {kind: 'stopped', results: []};
			}

			if (execution.kind === 'exited') {
				pool.detected(node, 'none');
			}
		}

		const ran = () => [...results].sort(([a], [b]) => a - b).map(([, result]) => result);
		if (execution.kind === 'aborted' || execution.kind === 'lost') {
			const item = begunCut === undefined ? undefined : serviceAt(begunCut);
			if (item !== undefined && begunCut! >= depend.length) {
				results.set(begunCut!, execution.kind === 'aborted'
					? {step: step.index, service: item, node, outcome: 'cancelled'}
					: {step: step.index, service: item, node, outcome: 'unreachable', reason: execution.error.message});
			}

			return {kind: 'stopped', results: ran()};
		}

		if (manager === undefined) {
			return {kind: 'no-manager'};
		}

		// A timeout before the first marker (a slow login shell) still belongs to the first item.
		const firstUnended = [...Array.from({length: count}).keys()].find(item => reader.endOf(item) === undefined);
		const cut = begunCut ?? (execution.kind === 'timed-out' ? firstUnended : undefined);
		if (cut !== undefined) {
			const end = cutShort(execution, watch ? clock() - (started.get(cut) ?? clock()) : undefined);
			const service = serviceAt(cut);
			if (cut < depend.length) {
				skipReason ??= dependencyVerdict(manager, depend[cut]!, end, timeoutMs, reader.tailOf(cut));
			} else if (service !== undefined) {
				serviceEnded(cut, service, end, reader.tailOf(cut));
			}
		}

		if (skipReason !== undefined) {
			return {kind: 'skip', reason: skipReason};
		}

		const dependChecked = depend.every((_, item) => reader.endOf(item) !== undefined) || depend.length === 0;
		const verified = await this.#verifyAll(node, link, manager, ran());
		const rest = services.filter((_, index) => !results.has(index + depend.length));
		// A script that ended without a timeout and without running anything would do the same again: stop there.
		if (rest.length > 0 && reader.timedOut === undefined && execution.kind === 'exited' && cut === undefined && results.size === 0) {
			const reason = `the node's command ended before ${rest.join(', ')} ran (exit ${execution.exitCode ?? execution.signal})`;
			return {kind: 'ran', results: [...verified, ...rest.map(service => ({step: step.index, service, node, outcome: 'failed' as const, reason}))], rest: [], dependChecked};
		}

		return {kind: 'ran', results: verified, rest, dependChecked};
	}

	/** Verify the services whose action succeeded, when the step asks for it. */
	async #verifyAll(node: string, link: Extract<NodeLink, {kind: 'connected'}>, manager: ServiceManager, results: readonly TaskResult[]): Promise<TaskResult[]> {
		const {verify} = this.#settings;
		if (verify === undefined) {
			return [...results];
		}

		const verified: TaskResult[] = [];
		for (const result of results) {
			if (result.outcome !== 'ok') {
				verified.push(result);
				continue;
			}

			const started = this.#context.clock() - (result.durationMs ?? 0);
			// eslint-disable-next-line no-await-in-loop
			const outcome = await verifyService({...this.#context, node, session: link.session, manager, step: this.#step, sudo: this.#settings.sudo, timeoutMs: this.#settings.timeoutMs}, result.service, verify);
			verified.push(outcome === undefined ? result : {...result, ...outcome, durationMs: this.#context.clock() - started});
		}

		return verified;
	}
}

/** The end of an item the script did not finish: the exec's own timeout, or how the script itself ended. */
function cutShort(execution: Extract<Execution, {kind: 'exited' | 'timed-out'}>, ranMs: number | undefined): ItemEnd | {kind: 'timed-out'; afterMs: number} {
	return execution.kind === 'timed-out' ? {kind: 'timed-out', afterMs: ranMs ?? execution.afterMs} : {kind: 'exited', exitCode: execution.exitCode, signal: execution.signal};
}

function lostByTimeout(node: string, afterMs: number): ConnectError {
	return new ConnectError(node, 'timeout', `${node}: the node did not answer the service manager check within ${afterMs / 1000} s`);
}

/** Status only, never a start: a step must not change services it merely depends on. Undefined: running. */
function dependencyVerdict(
	manager: ServiceManager,
	dependency: string,
	end: ItemEnd | {kind: 'timed-out'; afterMs: number},
	timeoutMs: number | undefined,
	tail: readonly string[],
): string | undefined {
	if (end.kind === 'timed-out') {
		const afterMs = 'afterMs' in end ? end.afterMs : timeoutMs ?? 0;
		return `dependency ${dependency}: status check timed out after ${formatMs(afterMs)}`;
	}

	const result = classifyResult(manager, 'status', end.exitCode, tail, end.signal);
	if (result.state === 'not-installed') {
		return `dependency ${dependency} is not installed`;
	}

	if (result.state === undefined || result.state === 'unknown') {
		// The check itself failed (sudo refused, no such command…): say why, not "not running".
		return `dependency ${dependency} could not be checked: ${result.reason ?? `exit ${end.exitCode ?? end.signal}`}`;
	}

	if (result.state !== 'active') {
		return `dependency ${dependency} is not running (${result.state})`;
	}

	return undefined;
}
