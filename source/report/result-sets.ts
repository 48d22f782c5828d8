import {closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, writeSync} from 'node:fs';
import path from 'node:path';
import {UserError} from '../errors.js';
import {GroupResolver, NodeSetParseError, type GroupSource} from '../nodeset/index.js';
import {changingActions} from '../plan/types.js';
import type {RunState} from '../store/run-state.js';

/** The result sets every run records (issue 10), usable as `@ok`, `@failed`, … wherever a node set is. */
export const resultSetNames = ['ok', 'failed', 'unreachable', 'skipped', 'changed'] as const;
export type ResultSetName = (typeof resultSetNames)[number];
export type ResultSets = Readonly<Record<ResultSetName, readonly string[]>>;

/** The file in a run's log folder that holds its result sets. */
export const resultsFileName = 'results.json';

/** What `results.json` holds. `version` lets a later svctui read an older file or refuse a newer one. */
type ResultsFile = {
	readonly version: 1;
	/** The log folder's name (`log_20261201_101500`), which is also how `@failed:NAME` refers to the run. */
	readonly run: string;
	readonly runId?: string;
	readonly outcome?: string;
	readonly sets: ResultSets;
};

/**
 * Each node of a run in at most one of ok / failed / unreachable / skipped, by its worst task: unreachable
 * before failed (a failed or timed-out task) before skipped, and ok only when every task on it ended ok.
 * A node with a cancelled task (an abort) is in none of them. `changed` stands apart (Ansible's `changed`):
 * nodes where the action changed a service's state. A restart or reload that ended ok always does; a start
 * only of a service that was not running before, a stop only of one that was (the executor asks the status in
 * the same command, the task's `changed`). A start or stop without that flag (events written by an older
 * svctui) counts when it ended ok, as it used to.
 */
export function resultSetsOf(state: RunState): ResultSets {
	const worst = new Map<string, 'ok' | 'failed' | 'unreachable' | 'skipped' | 'none'>();
	const rank = {ok: 0, skipped: 1, failed: 2, unreachable: 3, none: 4} as const;
	const changed = new Set<string>();
	const actionOf = new Map(state.steps.map(step => [step.index, step.action]));
	for (const key of state.taskOrder) {
		const task = state.tasks.get(key);
		if (task === undefined) {
			continue;
		}

		let kind: 'ok' | 'failed' | 'unreachable' | 'skipped' | 'none';
		switch (task.status) {
			case 'ok':
			case 'failed':
			case 'unreachable':
			case 'skipped': {
				kind = task.status;
				break;
			}

			case 'timed-out': {
				kind = 'failed';
				break;
			}

			default: {
				// Cancelled, or never finished: the node's result is not known.
				kind = 'none';
			}
		}

		const before = worst.get(task.node);
		if (before === undefined || rank[kind] > rank[before]) {
			worst.set(task.node, kind);
		}

		const action = actionOf.get(task.step);
		if (task.status === 'ok' && action !== undefined && changingActions.has(action) && task.changed !== false) {
			changed.add(task.node);
		}
	}

	const sets: Record<ResultSetName, string[]> = {ok: [], failed: [], unreachable: [], skipped: [], changed: []};
	for (const node of state.nodeOrder) {
		const kind = worst.get(node);
		if (kind !== undefined && kind !== 'none') {
			sets[kind].push(node);
		}

		if (changed.has(node)) {
			sets.changed.push(node);
		}
	}

	return sets;
}

/**
 * Write a run's result sets into its log folder, atomically (a temporary file renamed over the name), so a
 * reader finds the whole file or none. Throws the file system's error.
 */
export function writeResultSets(folder: string, state: RunState): void {
	const file: ResultsFile = {
		version: 1,
		run: path.basename(folder),
		...(state.runId === undefined ? {} : {runId: state.runId}),
		...(state.outcome === undefined ? {} : {outcome: state.outcome}),
		sets: resultSetsOf(state),
	};
	const target = path.join(folder, resultsFileName);
	const temporary = `${target}.tmp`;
	const fd = openSync(temporary, 'w');
	try {
		writeSync(fd, `${JSON.stringify(file)}\n`);
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}

	renameSync(temporary, target);
}

/** A log folder's name as the log writer makes them; nothing else is read as a run (no `..`, no `/`). */
const runNamePattern = /^log_\d{8}_\d{6}(?:_(\d+))?$/;

/** Log folders newest first: by name, and `_2`, `_3`… (two runs in one second) after their base. */
function runsNewestFirst(logDir: string): string[] {
	let names: string[];
	try {
		names = readdirSync(logDir).filter(name => runNamePattern.test(name));
	} catch {
		return [];
	}

	const key = (name: string) => {
		const match = runNamePattern.exec(name);
		return {base: name.slice(0, 19), number: Number(match?.[1] ?? 1)};
	};

	return names.sort((a, b) => {
		const left = key(a);
		const right = key(b);
		return left.base === right.base ? right.number - left.number : left.base < right.base ? 1 : -1;
	});
}

function readResultsFile(file: string): ResultSets | undefined {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch {
		return undefined;
	}

	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new UserError(`${file}: not valid JSON; remove it or repair it`);
	}

	const sets = (parsed as {version?: unknown; sets?: unknown} | null)?.sets;
	if ((parsed as {version?: unknown} | null)?.version !== 1 || typeof sets !== 'object' || sets === null) {
		throw new UserError(`${file}: not a result file this svctui can read (version 1 expected)`);
	}

	const result: Record<ResultSetName, string[]> = {ok: [], failed: [], unreachable: [], skipped: [], changed: []};
	for (const name of resultSetNames) {
		const nodes = (sets as Record<string, unknown>)[name];
		if (!Array.isArray(nodes) || !nodes.every(node => typeof node === 'string')) {
			throw new UserError(`${file}: "${name}" is not a list of node names; remove the file or repair it`);
		}

		result[name] = nodes as string[];
	}

	return result;
}

/**
 * The result sets of one run, read from its log folder: the run named `run` (`log_20261201_101500`), or
 * by default the newest run that has a result file. A missing run is a `UserError` (exit 2) naming where
 * svctui looked.
 */
export function readResultSets(logDir: string, run?: string): {readonly run: string; readonly sets: ResultSets} {
	if (run !== undefined) {
		if (!runNamePattern.test(run)) {
			throw new UserError(`"${run}" is not a run name; runs are named like log_20261201_101500 (the folders in ${logDir})`);
		}

		const sets = readResultsFile(path.join(logDir, run, resultsFileName));
		if (sets === undefined) {
			throw new UserError(`run ${run}: no results in ${path.join(logDir, run)}; check the name (ls ${logDir}) or --log-dir`);
		}

		return {run, sets};
	}

	for (const name of runsNewestFirst(logDir)) {
		const sets = readResultsFile(path.join(logDir, name, resultsFileName));
		if (sets !== undefined) {
			return {run: name, sets};
		}
	}

	throw new UserError(`no earlier run has results in ${logDir}: @${resultSetNames.join(', @')} name the nodes of a finished run; run something first, or give its --log-dir`);
}

function isResultSetName(name: string): name is ResultSetName {
	return (resultSetNames as readonly string[]).includes(name);
}

/**
 * `resolver` with the result sets of earlier runs as node groups: `@failed` (the last run's) through the
 * default source, which becomes `svctui` (result sets, then the configured default's groups), and
 * `@failed:log_20261201_101500` (that run's) through one source per set. Result sets win over groups of
 * the same name in the default source (reach those as `@SOURCE:failed`) and replace a configured source
 * called `svctui`, `ok`, `failed`, …. Nothing is read until a result set is named.
 */
export function withResultSets(resolver: GroupResolver, logDir: string): GroupResolver {
	// Deferred like the resolver it wraps: groups.conf is read on the first @, never for plain node names.
	return GroupResolver.deferred(() => resultSetResolver(resolver, logDir));
}

function resultSetResolver(resolver: GroupResolver, logDir: string): GroupResolver {
	// A named run never changes, so it is read once; "the last run" is looked up each time, since the app
	// keeps one resolver while it makes new runs.
	const named = new Map<string, ResultSets>();
	const runSets = (run?: string): ResultSets => {
		if (run === undefined) {
			return readResultSets(logDir).sets;
		}

		let sets = named.get(run);
		if (sets === undefined) {
			sets = readResultSets(logDir, run).sets;
			named.set(run, sets);
		}

		return sets;
	};

	const noSource = (): never => {
		throw new NodeSetParseError({input: '<default>', part: '<default>', reason: 'no group source is configured', kind: 'group'});
	};

	const base = resolver.defaultSource === undefined ? undefined : resolver.source(resolver.defaultSource);
	const overlay: GroupSource = {
		// A source of its own, not the default one renamed: `@local:failed` still reaches the site's group.
		name: 'svctui',
		map: group => (isResultSetName(group) ? [...runSets()[group]] : base ? base.map(group) : noSource()),
		all: () => (base ? base.all() : noSource()),
		list: () => (base ? base.list() : noSource()),
	};
	const perRun: GroupSource[] = resultSetNames.filter(name => name !== overlay.name).map(name => ({
		name,
		map: run => [...runSets(run)[name]],
		all: () => undefined,
		list: () => undefined,
	}));
	const others = resolver
		.sources()
		.filter(name => name !== overlay.name && !isResultSetName(name))
		.map(name => resolver.source(name));
	return new GroupResolver([overlay, ...others, ...perRun], overlay.name);
}
