import {UserError} from '../errors.js';
import type {PreparedRun} from '../plan/prepare.js';
import {createExternalStore, sharedFlushTimer} from '../store/external-store.js';
import type {TuiController, TuiState} from './contract.js';
import {createHealthSession} from './health-session.js';
import {createPlanSession} from './plan-session.js';
import {createPreflightSession} from './preflight-session.js';
import {createRolloutSession} from './rollout-session.js';
import {createRunSession} from './run-session.js';
import {createSessionContext, type TuiDeps, type TuiSettings} from './session.js';

export type {TuiDeps, TuiSettings} from './session.js';

const initialState: TuiState = {
	plan: {plan: undefined, rows: [], file: undefined, problems: [], dirty: false},
	preflight: {status: 'idle', contacted: 0, total: 0, steps: []},
	run: {store: undefined, active: false, kind: 'run', logLines: [], failedTasks: 0},
	health: {status: 'idle', target: 'plan', total: 0, contacted: 0, answered: [], down: []},
};

/**
 * The controller the app dispatches to (STYLE §4): four small sessions — plan, pre-flight, run, health —
 * over one external store (the helper RunStore is built on), combined here. Components never do I/O.
 */
export function createTuiController(settings: TuiSettings, given: TuiDeps): TuiController {
	// The state store and each run's store flush together: one render per tick (sharedFlushTimer).
	const deps: TuiDeps = {...given, flushTimer: given.flushTimer ?? sharedFlushTimer()};
	const store = createExternalStore(settings.narrow === undefined ? initialState : {...initialState, narrowedBy: settings.narrow.text}, {
		...(deps.flushMs === undefined ? {} : {flushMs: deps.flushMs}),
		timer: deps.flushTimer,
	});
	const context = createSessionContext(store, settings, deps);
	const plan = createPlanSession(context);
	const preflight = createPreflightSession(context);
	const rollout = createRolloutSession(context);
	const run = createRunSession(context, rollout);
	const health = createHealthSession(context);
	/** The plan as it would run: `--limit` and `--pick` applied; undefined (and a notice) when it cannot. */
	const prepare = (): PreparedRun | undefined => {
		const prepared = plan.prepare();
		if (prepared === undefined || settings.narrow === undefined) {
			return prepared;
		}

		try {
			return settings.narrow.apply(prepared);
		} catch (error: unknown) {
			if (error instanceof UserError) {
				context.notice(error.message);
				return undefined;
			}

			throw error;
		}
	};
	return {
		subscribe: store.subscribe,
		getSnapshot: store.get,
		getPublished: store.published,
		...plan,
		preflight: async () => preflight.review(prepare()),
		async startRun() {
			// Exactly what the review showed, else the plan as it is now.
			const chosen = store.get().preflight.prepared ?? prepare();
			if (chosen !== undefined) {
				preflight.abort();
				await run.start(chosen);
			}
		},
		async dismissReview() {
			preflight.abort();
			await context.dropHeld();
		},
		abortRun: run.abort,
		pauseRollout: rollout.pause,
		resumeRollout: rollout.resume,
		stopRollout: rollout.stop,
		setRolloutFanout: rollout.setFanout,
		setRolloutBatchSize: rollout.setBatchSize,
		answerCanary: rollout.answerCanary,
		retryFailed: run.retryFailed,
		checkHealth: async expression => health.check(expression, plan.nodes, plan.validateNodeSet),
		excludeDownNodes() {
			const down = health.downNodes();
			if (down.size === 0) {
				context.notice('no nodes are down');
				return;
			}

			plan.exclude(down);
		},
		setNotice: context.notice,
		exitCode: run.exitCode,
		async dispose() {
			context.dispose();
			run.abort();
			preflight.abort();
			health.abort();
			await Promise.allSettled([...context.inFlight]);
			await context.dropHeld();
			store.dispose();
		},
	};
}
