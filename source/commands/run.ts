import path from 'node:path';
import {createInterface} from 'node:readline';
import process from 'node:process';
import type {ExecutorEvent} from '../executor/events.js';
import type {CanaryDecision} from '../executor/events.js';
import {runPlan, type CanaryPause, type RunSummary} from '../executor/run-plan.js';
import {withControlsShown} from '../display.js';
import {foldNodes} from '../nodeset/index.js';
import {UserError} from '../errors.js';
import {changingActions} from '../plan/types.js';
import {ExitCode, exitCodeFor} from '../report/exit-code.js';
import {openRunLog, type LogProblem, type RunLog} from '../report/log-writer.js';
import {createNdjsonWriter} from '../report/ndjson.js';
import {createProgressLine, type ProgressLine} from '../report/progress.js';
import {createTextReporter} from '../report/text.js';
import {guardOutput, type CommandIO} from './io.js';
import {narrowRun} from './node-selection.js';
import type {RunOptions} from './options.js';
import {oneShotPlan, preparePlanFile, type PreparedRun} from '../plan/prepare.js';
import {runAbortController} from '../executor/settings.js';
import {groupResolver, planRunSettings} from './prepare.js';
import {dryRunText, reviewLines} from '../report/review.js';
import {hangUp, onStopSignals, quitNow, signalExitCode, type StopSignal} from './signals.js';
import {openTransport} from './transport.js';

/**
 * The run's log, opened before anything runs: a run that cannot be logged at all (the folder cannot be
 * made, or its file system has not one free block) does not start. Write errors later in the run are
 * `onProblem`'s: told once, and the run goes on.
 */
function openLog(dir: string | undefined, onProblem: (problem: LogProblem) => void): RunLog {
	try {
		return openRunLog({dir, refuseWhenFull: true, onProblem});
	} catch (error: unknown) {
		const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
		const where = dir === undefined ? 'the log directory' : `--log-dir ${dir}`;
		if (code === 'ENOSPC') {
			throw new UserError(`${where}: the file system is full (ENOSPC), so the run could not be logged and nothing was run; free some space or choose another directory with --log-dir`);
		}

		throw new UserError(`${where}: cannot create the run log (${code}); choose a writable directory with --log-dir`);
	}
}

type Answer = 'yes' | 'no' | 'interrupted';

/** Ask `question` on the terminal: yes only for y or yes; Ctrl-C is an interruption, not a no. */
async function askYesNo(question: string, io: CommandIO): Promise<Answer> {
	const stdin = io.stdin ?? process.stdin;
	const prompt = createInterface({input: stdin, output: io.stderr as NodeJS.WritableStream, terminal: true});
	try {
		return await new Promise<Answer>(resolve => {
			prompt.question(question, answer => {
				resolve(/^y(es)?$/i.test(answer.trim()) ? 'yes' : 'no');
			});
			prompt.once('SIGINT', () => {
				io.stderr.write('\n');
				resolve('interrupted');
			});
			prompt.once('close', () => {
				resolve('no');
			});
		});
	} finally {
		prompt.close();
	}
}

/** True when there is a person at a terminal to ask. */
export function canAsk(io: CommandIO): boolean {
	return Boolean(io.stdin?.isTTY && io.stderr.isTTY);
}

/**
 * Confirmation: `--yes`, or a y/N answer on a terminal, for anything that changes state. `status`-only
 * runs need none. Without a terminal and without `--yes`, nothing runs (exit 2).
 */
async function confirmed(prepared: PreparedRun, options: RunOptions, io: CommandIO): Promise<Answer> {
	const changing = prepared.steps.find(step => changingActions.has(step.action));
	if (changing && options.readOnly) {
		throw new UserError(`--read-only: step ${changing.index} would ${changing.action} ${changing.services.join(',')}; only status runs in read-only mode`);
	}

	if (!changing || options.yes) {
		return 'yes';
	}

	if (!canAsk(io)) {
		throw new UserError('refusing to change services without confirmation: add --yes (there is no terminal to ask on)');
	}

	io.stderr.write(`${reviewLines(prepared).join('\n')}\n`);
	return askYesNo('Proceed? [y/N] ', io);
}

/**
 * After a canary batch: `--yes` goes on; a person at a terminal is asked (Ctrl-C there stops the run as a
 * signal would); a run with no one to ask and no `--yes` only gets here when it changes nothing.
 */
function canaryAsker(options: RunOptions, io: CommandIO, progress: ProgressLine, interrupt: () => void): (canary: CanaryPause) => Promise<CanaryDecision> {
	return async canary => {
		if (options.yes || !canAsk(io)) {
			return 'continue';
		}

		progress.clear();
		const outcome = Object.entries(canary.counts).filter(([, count]) => count > 0).map(([name, count]) => `${name}=${count}`).join(' ');
		const nodes = withControlsShown(foldNodes(canary.nodes));
		const answer = await askYesNo(`Step ${canary.step}: canary on ${nodes} done (${outcome}). Continue the rollout on ${canary.remaining} more node${canary.remaining === 1 ? '' : 's'}? [y/N] `, io);
		if (answer === 'interrupted') {
			interrupt();
		}

		return answer === 'yes' ? 'continue' : 'stop';
	};
}

/**
 * Run a prepared plan headless: text report (or JSON lines) on stdout, progress on stderr when it is a
 * terminal, and the run log written as the run goes. Ctrl-C, SIGTERM or SIGHUP aborts: no new work
 * starts, running commands are stopped, the results so far are reported and logged, and the exit code is
 * 128 + the signal (130 for Ctrl-C). A second one quits at once, the report and the log ended with what
 * is known. Neither a closed stdout nor a log that cannot be written stops the run: each is told once on
 * stderr, and an incomplete log makes the exit code 4.
 */
export async function executeHeadless(prepared: PreparedRun, options: RunOptions, io: CommandIO): Promise<number> {
	const stderr = guardOutput(io.stderr);
	let log: RunLog | undefined;
	let progress: ProgressLine | undefined;
	const stdout = guardOutput(io.stdout, code => {
		// `| head -1` has what it wanted; the rest of the report still goes to the log.
		if (log !== undefined) {
			progress?.clear();
			stderr.write(`svctui: stdout closed (${code}); the run goes on, its report is in ${path.join(log.path, 'report.txt')}\n`);
		}
	});
	if (options.dryRun) {
		stdout.write(dryRunText(prepared, options.manager, options.sudo));
		return ExitCode.ok;
	}

	// The prompt needs the real terminal streams (readline); it only runs when there is a terminal.
	const answer = await confirmed(prepared, options, io);
	if (answer !== 'yes') {
		stderr.write('Nothing was run.\n');
		return answer === 'interrupted' ? ExitCode.interrupted : ExitCode.usage;
	}

	log = openLog(options.logDir, problem => {
		progress?.clear();
		stderr.write(`svctui: the run log stopped at ${problem.file}: ${problem.message}; the run goes on and its report on stdout is complete, the log is not (exit ${ExitCode.logIncomplete})\n`);
	});
	const runLog = log;
	const columns = (io.stderr as {columns?: number}).columns;
	const progressLine = createProgressLine({write: text => stderr.write(text), isTTY: Boolean(io.stderr.isTTY) && !options.json, columns});
	progress = progressLine;
	const stdoutSink = options.json
		? createNdjsonWriter(text => stdout.write(text))
		: createTextReporter({write: text => stdout.write(text), color: options.color && Boolean(io.stdout.isTTY)}).onEvent;
	const onEvent = (event: ExecutorEvent) => {
		runLog.onEvent(event);
		progressLine.clear();
		stdoutSink(event);
		progressLine.onEvent(event);
	};

	const abort = runAbortController();
	let interruptedBy: StopSignal | undefined;
	let signals = 0;
	// Ctrl-C at the canary's question counts as the first signal too.
	const onSignal = (signal: StopSignal): void => {
		signals++;
		progressLine.clear();
		if (signals === 1) {
			interruptedBy = signal;
			stderr.write(`\n${signal}: stopping — no new work starts, running commands are stopped (again to quit at once)\n`);
			abort.abort();
			return;
		}

		// Quit at once, but end the report and the log as the run would have: with a RECAP and a
		// run-finished record, tasks still running counted as cancelled.
		const end = runLog.endRecord(Date.now());
		if (end !== undefined) {
			onEvent(end);
		}

		runLog.close();
		stderr.write(`svctui: ${signal} again: quitting now; the log so far is in ${runLog.path}\n`);
		if (signal === 'SIGHUP') {
			hangUp();
		}

		quitNow(signalExitCode(signal));
	};
	const stopSignals = onStopSignals(onSignal);
	let summary: RunSummary;
	try {
		const transport = openTransport(options, io);
		try {
			summary = await runPlan(prepared.steps, {
				...planRunSettings(prepared, options),
				transport,
				onEvent,
				signal: abort.signal,
				onCanary: canaryAsker(options, io, progressLine, () => {
					onSignal('SIGINT');
				}),
			});
		} finally {
			progressLine.clear();
			await transport.close();
		}
	} finally {
		// After a signal the process is on its way out: a second one still quits at once with its own code
		// instead of the default death. Signal listeners keep no process alive.
		if (interruptedBy === undefined) {
			stopSignals();
		}

		runLog.close();
	}

	const problem = runLog.problem;
	stderr.write(problem === undefined ? `log: ${runLog.path}\n` : `log (incomplete, ${problem.code}): ${runLog.path}\n`);
	if (interruptedBy === 'SIGHUP') {
		// Most likely the terminal hung up (any of stdin, stdout, stderr may be on it): the log is closed,
		// end by the signal itself (see hangUp); a shell still reports 129.
		hangUp();
	}

	if (summary.outcome === 'aborted' && interruptedBy !== undefined) {
		return signalExitCode(interruptedBy);
	}

	return exitCodeFor(summary, {logComplete: problem === undefined});
}

/** `svctui --plan FILE` without the app: review, confirm, run. */
export async function planCommand(options: RunOptions, io: CommandIO): Promise<number> {
	if (options.planFile === undefined) {
		throw new UserError('no plan: give --plan FILE');
	}

	const resolver = groupResolver(options.groupsConf, io.env, io.cwd, options.logDir);
	return executeHeadless(narrowRun(await preparePlanFile(options.planFile, resolver, io.cwd), options, resolver), options, io);
}

/** `svctui run NODES SERVICE ACTION [SERVICE ACTION ...]`, the ancestor's first script. */
export async function oneShotCommand(words: readonly string[], options: RunOptions, io: CommandIO): Promise<number> {
	const resolver = groupResolver(options.groupsConf, io.env, io.cwd, options.logDir);
	return executeHeadless(narrowRun(oneShotPlan(words, resolver), options, resolver), options, io);
}
