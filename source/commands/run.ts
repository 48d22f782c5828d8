import {createInterface} from 'node:readline';
import process from 'node:process';
import type {ExecutorEvent} from '../executor/events.js';
import {runPlan, type RunSummary} from '../executor/run-plan.js';
import {UserError} from '../errors.js';
import {changingActions} from '../plan/types.js';
import {ExitCode, exitCodeFor} from '../report/exit-code.js';
import {openRunLog, type RunLog} from '../report/log-writer.js';
import {createNdjsonWriter} from '../report/ndjson.js';
import {createProgressLine} from '../report/progress.js';
import {createTextReporter} from '../report/text.js';
import type {CommandIO} from './io.js';
import type {RunOptions} from './options.js';
import {oneShotPlan, preparePlanFile, type PreparedRun} from '../plan/prepare.js';
import {runAbortController} from '../executor/settings.js';
import {groupResolver, planRunSettings} from './prepare.js';
import {dryRunText, reviewLines} from '../report/review.js';
import {dieOf, onStopSignals} from './signals.js';
import {openTransport} from './transport.js';

/** The run's log, opened before anything runs: a run that cannot be logged does not start. */
function openLog(dir: string | undefined): RunLog {
	try {
		return openRunLog({dir});
	} catch (error: unknown) {
		const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
		throw new UserError(`${dir === undefined ? 'the log directory' : `--log-dir ${dir}`}: cannot create the run log (${code}); choose a writable directory with --log-dir`);
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
 * Run a prepared plan headless: text report (or JSON lines) on stdout, progress on stderr when it is a
 * terminal, and the run log written as the run goes. Ctrl-C or SIGTERM aborts: no new work starts,
 * running commands are stopped, the results so far are reported and logged, and the exit code is 130.
 */
export async function executeHeadless(prepared: PreparedRun, options: RunOptions, io: CommandIO): Promise<number> {
	if (options.dryRun) {
		io.stdout.write(dryRunText(prepared, options.manager, options.sudo));
		return ExitCode.ok;
	}

	const answer = await confirmed(prepared, options, io);
	if (answer !== 'yes') {
		io.stderr.write('Nothing was run.\n');
		return answer === 'interrupted' ? ExitCode.interrupted : ExitCode.usage;
	}

	const log = openLog(options.logDir);
	const columns = (io.stderr as {columns?: number}).columns;
	const progress = createProgressLine({write: text => io.stderr.write(text), isTTY: Boolean(io.stderr.isTTY) && !options.json, columns});
	const stdoutSink = options.json
		? createNdjsonWriter(text => io.stdout.write(text))
		: createTextReporter({write: text => io.stdout.write(text), color: options.color && Boolean(io.stdout.isTTY)}).onEvent;
	const onEvent = (event: ExecutorEvent) => {
		log.onEvent(event);
		progress.clear();
		stdoutSink(event);
		progress.onEvent(event);
	};

	const abort = runAbortController();
	const stopSignals = onStopSignals((signal, count) => {
		if (count === 1) {
			progress.clear();
			io.stderr.write(`\n${signal}: stopping — no new work starts, running commands are stopped (again to quit at once)\n`);
			abort.abort();
		} else {
			log.close();
			io.stderr.write(`svctui: interrupted; the log so far is in ${log.path}\n`);
			dieOf(signal, stopSignals);
		}
	});
	const transport = openTransport(options, io);
	let summary: RunSummary;
	try {
		summary = await runPlan(prepared.steps, {
			...planRunSettings(prepared, options),
			transport,
			onEvent,
			signal: abort.signal,
		});
	} finally {
		progress.clear();
		stopSignals();
		await transport.close();
		log.close();
	}

	io.stderr.write(`log: ${log.path}\n`);
	return exitCodeFor(summary);
}

/** `svctui --plan FILE` without the app: review, confirm, run. */
export async function planCommand(options: RunOptions, io: CommandIO): Promise<number> {
	if (options.planFile === undefined) {
		throw new UserError('no plan: give --plan FILE');
	}

	const resolver = groupResolver(options.groupsConf, io.env, io.cwd);
	return executeHeadless(await preparePlanFile(options.planFile, resolver, io.cwd), options, io);
}

/** `svctui run NODES SERVICE ACTION [SERVICE ACTION ...]`, the ancestor's first script. */
export async function oneShotCommand(words: readonly string[], options: RunOptions, io: CommandIO): Promise<number> {
	const resolver = groupResolver(options.groupsConf, io.env, io.cwd);
	return executeHeadless(oneShotPlan(words, resolver), options, io);
}
