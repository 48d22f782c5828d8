import type {CanaryDecision, ExecutorEvent} from '../executor/events.js';
import {createRolloutControl, type RolloutControl} from '../executor/rollout-control.js';
import type {CanaryPause, RunPlanOptions} from '../executor/run-plan.js';
import {decisionText, initialRolloutView, reduceRollout, type RolloutView} from './rollout-view.js';
import type {SessionContext} from './session.js';

/** One run's steering: what runPlan takes, the events to fold into the view, and the end. */
export type Steering = {
	readonly options: Required<Pick<RunPlanOptions, 'control' | 'onCanary'>>;
	onEvent(event: ExecutorEvent): void;
	/** The run ended: a canary question still up has no one left to answer. */
	finish(): void;
};

/**
 * The rollout session: the admin steers the running rollout from the app (pause after the current batch,
 * resume, stop, fanout and batch size for the next batches) and answers the canary. One control per run.
 */
export type RolloutSession = {
	begin(): Steering;
	pause(): void;
	resume(): void;
	stop(): void;
	setFanout(fanout: number): void;
	setBatchSize(size: number): void;
	answerCanary(decision: CanaryDecision): void;
};

export function createRolloutSession(context: SessionContext): RolloutSession {
	const {store} = context;
	let control: RolloutControl | undefined;
	let answer: ((decision: CanaryDecision) => void) | undefined;
	const setView = (change: (view: RolloutView) => RolloutView): void => {
		store.set(current => {
			const before = current.run.rollout ?? initialRolloutView;
			const after = change(before);
			return after === before ? current : {...current, run: {...current.run, rollout: after}};
		});
	};

	const clearCanary = (): void => {
		answer = undefined;
		store.set(current => {
			if (current.run.canary === undefined) {
				return current;
			}

			const {canary: _canary, ...run} = current.run;
			return {...current, run};
		});
	};

	const answerCanary = (decision: CanaryDecision): void => {
		const settle = answer;
		if (settle === undefined) {
			context.notice('no canary waits for an answer');
			return;
		}

		clearCanary();
		context.notice(decisionText(decision));
		settle(decision);
	};

	/** Only while a run is steered; a key with no run says so. */
	const steer = (what: string, act: (steered: RolloutControl) => void): void => {
		if (control === undefined) {
			context.notice(`${what}: no run is active`);
			return;
		}

		act(control);
	};

	return {
		begin() {
			const steered = createRolloutControl();
			control = steered;
			const unsubscribe = steered.subscribe(() => {
				setView(view => ({...view, settings: steered.settings()}));
			});
			setView(() => ({...initialRolloutView, settings: steered.settings()}));
			return {
				options: {
					control: steered,
					async onCanary(canary: CanaryPause) {
						return new Promise<CanaryDecision>(resolve => {
							answer = resolve;
							store.set(current => ({...current, run: {...current.run, canary}}));
						});
					},
				},
				onEvent(event) {
					setView(view => reduceRollout(view, event));
				},
				finish() {
					unsubscribe();
					if (control === steered) {
						control = undefined;
					}

					clearCanary();
				},
			};
		},
		pause() {
			steer('pause', steered => {
				steered.pause();
				context.notice(steered.settings().stop ? 'the rollout is stopping already' : 'pausing after the current batch: c resumes');
			});
		},
		resume() {
			steer('resume', steered => {
				steered.resume();
				context.notice('resumed: the next batch starts');
			});
		},
		stop() {
			if (answer !== undefined) {
				answerCanary('stop');
				return;
			}

			steer('stop', steered => {
				steered.stop();
				context.notice('stopping: the running batch finishes, no new batch starts');
			});
		},
		setFanout(fanout) {
			steer('fanout', steered => {
				steered.setFanout(fanout);
				context.notice(`fanout ${fanout} from the next batch on`);
			});
		},
		setBatchSize(size) {
			steer('batch size', steered => {
				steered.setBatchSize(size);
				context.notice(`batches of ${size} node${size === 1 ? '' : 's'} from the next batch on`);
			});
		},
		answerCanary,
	};
}
