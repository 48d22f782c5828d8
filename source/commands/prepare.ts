import {resolve} from 'node:path';
import type {RunPlanOptions} from '../executor/run-plan.js';
import {planRunSettings as planSettings, type ExecutorSettings} from '../executor/settings.js';
import {loadGroupResolver, type GroupResolver} from '../nodeset/index.js';
import type {PreparedRun} from '../plan/prepare.js';
import type {TuiSettings} from '../tui/session.js';
import type {CommandIO} from './io.js';
import {defaultLogDir} from '../report/log-writer.js';
import {withResultSets} from '../report/result-sets.js';
import {narrowRun} from './node-selection.js';
import type {RunOptions} from './options.js';

/**
 * The resolver for `@group` names: groups.conf from `--groupsconf` or the default lookup, plus the result
 * sets of earlier runs (`@failed`, `@ok:log_…`) read from the log directory (`--log-dir` or the default).
 */
export function groupResolver(groupsConf: string | undefined, env: NodeJS.ProcessEnv, cwd: string, logDir?: string): GroupResolver {
	const groups = loadGroupResolver({groupsConf: groupsConf === undefined ? undefined : resolve(cwd, groupsConf), env});
	return withResultSets(groups, resolve(cwd, logDir ?? defaultLogDir(env)));
}

/** The run-wide executor settings the command line gives; the same for headless runs, the app and checks. */
export function executorSettings(options: RunOptions): ExecutorSettings {
	return {fanout: options.fanout, commandTimeoutMs: options.commandTimeoutMs, sudo: options.sudo, manager: options.manager};
}

/** Everything `runPlan` needs for a prepared plan, from the command line's options. */
export function planRunSettings(prepared: PreparedRun, options: RunOptions): Omit<RunPlanOptions, 'transport' | 'onEvent' | 'signal'> {
	const settings = planSettings(prepared, executorSettings(options));
	return options.expect === undefined ? settings : {...settings, expect: options.expect};
}

/** What the app's sessions take from the command line (tui/ knows no command-line types). */
export function tuiSettings(options: RunOptions, io: CommandIO, resolver?: GroupResolver): TuiSettings {
	const settings: TuiSettings = {cwd: io.cwd, env: io.env, logDir: options.logDir, executor: executorSettings(options), reuseWindowMs: options.reuseWindowMs};
	if (options.limit === undefined && options.pick === undefined) {
		return settings;
	}

	// `--pick` chooses again for each review: the plan may have changed since; the review shows the choice.
	const text = [options.limit === undefined ? '' : `--limit ${options.limit}`, options.pick === undefined ? '' : `--pick ${options.pick}`].filter(part => part !== '').join(' ');
	return {...settings, narrow: {text, apply: prepared => narrowRun(prepared, options, resolver)}};
}
