import {spawnSync} from 'node:child_process';
import {readFile, writeFile} from 'node:fs/promises';
import {constants} from 'node:os';
import {resolve} from 'node:path';
import {UserError} from '../errors.js';
import {foldNodes, parseNodeSet} from '../nodeset/index.js';
import {deleteStep, excludeNodes, moveStep, putStep, toggleStep, type StepDraft} from '../plan/edit.js';
import {formatProblem, loadPlanText, parsePlan, PlanError, type PlanProblem} from '../plan/load.js';
import {nodeSetChecker} from '../plan/node-sets.js';
import {prepareRun, type PreparedRun} from '../plan/prepare.js';
import {rewritePlan} from '../plan/rewrite.js';
import {parseDependList, parseServiceList, serializePlan} from '../plan/save.js';
import {sketchRows} from '../plan/sketch.js';
import type {Plan} from '../plan/types.js';
import {analysePlan} from '../plan/validate.js';
import type {SaveOutcome, StepRow, TuiController} from './contract.js';
import type {SessionContext} from './session.js';

/** The plan session: the plan being edited, its file, its problems; load, edit, save, $EDITOR. */
export type PlanSession = Pick<TuiController, 'loadPlan' | 'savePlan' | 'editExternal' | 'validateNodeSet' | 'checkDraft' | 'putStep' | 'deleteStep' | 'moveStep' | 'toggleStep'> & {
	/** The plan made ready to run, or undefined with a notice saying why not. */
	prepare(): PreparedRun | undefined;
	/** Every node of the plan's enabled steps. */
	nodes(): string[];
	/** Take these nodes out of every step (the health pane's X). */
	exclude(down: ReadonlySet<string>): void;
};

function planFromScratch(): Plan {
	return {source: '<new plan>', format: 'list', defaults: {}, steps: []};
}

const idlePreflight = {status: 'idle', contacted: 0, total: 0, steps: []} as const;

/** The plan file's text as opened or last saved: saving edits it, and other text on disk means someone else changed the file. */
export type OpenedText = {current: string | undefined};

/**
 * Write the plan back to its file. One function on its own, so how a plan is saved changes here only:
 * the edited spans of the text it was opened from are rewritten (comments, blank lines, quoting and key
 * order of what was not edited stay byte for byte: plan/rewrite.ts), and a file that changed on disk since
 * it was opened is never written over without `overwrite` (the app asks first).
 */
export async function savePlanFile(context: SessionContext, opened: OpenedText, rowsOf: (plan: Plan) => StepRow[], options: {readonly overwrite?: boolean} = {}): Promise<SaveOutcome> {
	const {plan, file} = context.store.get().plan;
	if (plan === undefined || file === undefined) {
		context.notice(plan === undefined ? 'nothing to save' : 'no file to save to: open one with o');
		return 'not-saved';
	}

	const path = resolve(context.settings.cwd, file);
	const onDisk = await readFile(path, 'utf8').catch(() => undefined);
	if (onDisk !== opened.current && options.overwrite !== true) {
		context.store.set(current => ({...current, plan: {...current.plan, changedOnDisk: true}, notice: `${file} changed on disk since it was opened: nothing saved`}));
		return 'changed-on-disk';
	}

	const {text, inPlace} = opened.current === undefined ? {text: serializePlan(plan), inPlace: false} : rewritePlan(opened.current, plan);
	try {
		await writeFile(path, text);
	} catch (error: unknown) {
		context.notice(`${file}: cannot save: ${(error as Error).message}`);
		return 'not-saved';
	}

	opened.current = text;
	// Read back what was written, so step locations name the new text (the next save edits it).
	let saved: Plan = {...plan, steps: plan.steps.map(({location: _location, ...step}) => step)};
	try {
		saved = {...parsePlan(text, file), source: plan.source};
	} catch {
		// Cannot happen for a plan that passed the form's checks; without locations the next save aligns by content.
	}

	// The plan's content is what it was, so the review on screen stays valid (no setPlan).
	context.store.set(current => ({
		...current,
		plan: {plan: saved, rows: rowsOf(saved), file, problems: current.plan.problems, dirty: false},
		notice: inPlace ? `saved ${file}` : `saved ${file} (written afresh: its layout could not be kept)`,
	}));
	return 'saved';
}

export function createPlanSession(context: SessionContext): PlanSession {
	const {store, settings, deps} = context;
	const checker = nodeSetChecker(deps.resolver);
	const opened: OpenedText = {current: undefined};

	const rowsOf = (plan: Plan): StepRow[] =>
		plan.steps.map(step => {
			const count = context.countOf(step.nodes);
			return {
				index: step.index,
				services: step.services.join(','),
				action: step.action,
				nodes: step.nodes,
				depend: step.depend.join(','),
				enabled: step.enabled,
				...(count === undefined ? {} : {count}),
			};
		});

	/** Re-validate an edited plan the way a file is validated (node sets and @groups included). */
	const problemsOf = (plan: Plan): PlanProblem[] => {
		if (plan.steps.length === 0) {
			return [];
		}

		const result = analysePlan(serializePlan(plan), plan.source, {checkNodes: checker});
		return 'problems' in result ? result.problems : [];
	};

	const setPlan = (plan: Plan, dirty: boolean, file: string | undefined): void => {
		store.set(current => ({...current, plan: {plan, rows: rowsOf(plan), file, problems: problemsOf(plan), dirty}, preflight: idlePreflight}));
	};

	const editable = (): Plan | undefined => {
		const {plan, problems} = store.get().plan;
		if (store.get().run.active) {
			context.notice('the plan is locked while a run is active');
			return undefined;
		}

		if (plan === undefined && problems.length > 0) {
			context.notice('the plan file has errors: press e to fix it in $EDITOR, or o to open another');
			return undefined;
		}

		return plan ?? planFromScratch();
	};

	const edit = (change: (plan: Plan) => Plan): void => {
		const plan = editable();
		if (plan !== undefined) {
			setPlan(change(plan), true, store.get().plan.file);
		}
	};

	const load = async (file: string): Promise<void> => {
		const path = resolve(settings.cwd, file);
		try {
			const {plan, text} = await loadPlanText(path, {source: file, checkNodes: checker});
			opened.current = text;
			setPlan(plan, false, file);
			context.notice(`loaded ${file}: ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}`);
		} catch (error: unknown) {
			if (!(error instanceof PlanError)) {
				throw error;
			}

			opened.current = undefined;
			let rows: StepRow[] = [];
			try {
				rows = sketchRows(await readFile(path, 'utf8'));
			} catch {
				// Unreadable: the problem already says so.
			}

			store.set(current => ({
				...current,
				plan: {plan: undefined, rows, file, problems: error.problems, dirty: false},
				preflight: idlePreflight,
				notice: `${file}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}; e opens it in $EDITOR`,
			}));
		}
	};

	const runEditor =
		deps.runEditor ??
		((file: string): number => {
			const editor = settings.env['VISUAL'] || settings.env['EDITOR'] || 'vi';
			// Through sh, so an EDITOR with arguments (`code -w`, `emacs -nw`) works as it does for git.
			const result = spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', file], {stdio: 'inherit', cwd: settings.cwd, env: settings.env});
			// Killed by a signal (Ctrl-C in the editor): the shell's convention, 128 + the signal number.
			const signal = result.signal === null ? undefined : constants.signals[result.signal];
			return result.status ?? (signal === undefined ? 1 : 128 + signal);
		});

	const session: PlanSession = {
		loadPlan: async file => context.track(load(file)),
		savePlan: async options => savePlanFile(context, opened, rowsOf, options),

		async editExternal() {
			const {file, dirty} = store.get().plan;
			if (file === undefined) {
				context.notice('no plan file to edit: open one with o');
				return;
			}

			if (dirty) {
				context.notice('unsaved changes: save them (s) before editing the file');
				return;
			}

			deps.suspend?.();
			let status: number;
			try {
				status = runEditor(resolve(settings.cwd, file));
			} finally {
				deps.resume?.();
			}

			await context.track(load(file));
			if (status !== 0) {
				context.notice(`the editor exited with status ${status}; reloaded ${file}`);
			}
		},

		validateNodeSet(expression) {
			const problem = checker(expression);
			if (problem !== undefined) {
				return {ok: false, message: problem};
			}

			const set = parseNodeSet(expression, {resolver: deps.resolver});
			return {ok: true, count: set.size, folded: set.fold()};
		},

		checkDraft(draft: StepDraft) {
			const services = parseServiceList(draft.services);
			if ('error' in services) {
				return {field: 'services', message: services.error};
			}

			if (draft.nodes.trim() === '') {
				return {field: 'nodes', message: 'enter a node set, e.g. node[1-3]'};
			}

			const nodes = session.validateNodeSet(draft.nodes);
			if (!nodes.ok) {
				return {field: 'nodes', message: nodes.message};
			}

			const depend = parseDependList(draft.depend);
			return 'error' in depend ? {field: 'depend', message: depend.error} : undefined;
		},

		putStep(at, draft) {
			const problem = session.checkDraft(draft);
			if (problem !== undefined) {
				context.notice(`${problem.field}: ${problem.message}`);
				return false;
			}

			const services = parseServiceList(draft.services);
			const depend = parseDependList(draft.depend);
			if ('error' in services || 'error' in depend) {
				return false;
			}

			const before = store.get().plan.plan;
			edit(plan => putStep(plan, at, {services: services.services, action: draft.action, nodes: draft.nodes, depend: depend.depend}));
			return store.get().plan.plan !== before;
		},

		deleteStep(at) {
			edit(plan => deleteStep(plan, at));
		},
		moveStep(at, delta) {
			edit(plan => moveStep(plan, at, delta));
		},
		toggleStep(at) {
			edit(plan => toggleStep(plan, at));
		},

		prepare() {
			const {plan, problems} = store.get().plan;
			if (plan === undefined || problems.length > 0) {
				const first = problems[0];
				context.notice(first ? `fix the plan first: ${formatProblem(first)}` : 'no plan: add a step (a) or open a file (o)');
				return undefined;
			}

			try {
				return prepareRun(plan, deps.resolver);
			} catch (error: unknown) {
				if (error instanceof UserError) {
					context.notice(error.message);
					return undefined;
				}

				throw error;
			}
		},

		nodes() {
			const {plan} = store.get().plan;
			return plan === undefined ? [] : [...new Set(plan.steps.filter(step => step.enabled).flatMap(step => context.expand(step.nodes)))];
		},

		exclude(down) {
			const plan = editable();
			if (plan === undefined) {
				return;
			}

			const result = excludeNodes(plan, down, context.expand);
			setPlan(result.plan, result.changed.length + result.disabled.length > 0 || store.get().plan.dirty, store.get().plan.file);
			const parts = [
				result.changed.length > 0 ? `excluded ${foldNodes(down)} from step${result.changed.length === 1 ? '' : 's'} ${result.changed.join(', ')}` : '',
				result.disabled.length > 0 ? `disabled step${result.disabled.length === 1 ? '' : 's'} ${result.disabled.join(', ')} (no node left)` : '',
			].filter(Boolean);
			context.notice(parts.length > 0 ? `${parts.join('; ')}; s saves` : 'no step uses the down nodes');
		},
	};
	return session;
}
