/**
 * The words and lines of rollout steering: the run pane's header line (batches done / current / waiting,
 * failures against max_fail, pause and stop), the canary's question with its output and verdict, and the
 * prompts for the next batches' fanout and size. Pure.
 */
import type {OutputReader} from '../store/output-log.js';
import type {RunState} from '../store/run-state.js';
import {selectGathered} from '../store/selectors.js';
import type {CanaryView, RolloutView} from '../tui/contract.js';
import type {FieldCheck} from './components/text-field.js';

/** Batches drawn one mark each up to this many; more are told as counts only. */
const mostMarks = 40;

/** `##>...`: done, running, waiting. */
export function batchMarks(view: Pick<RolloutView, 'done' | 'running' | 'batches'>): string {
	if (view.batches > mostMarks || view.batches === 0) {
		return '';
	}

	const running = view.running === undefined ? 0 : 1;
	return `[${'#'.repeat(view.done)}${'>'.repeat(running)}${'.'.repeat(Math.max(0, view.batches - view.done - running))}]`;
}

/** Whether the rollout has anything to show: batches, a wait, or something the admin asked for. */
export function rolloutShown(view: RolloutView | undefined): view is RolloutView {
	if (view === undefined) {
		return false;
	}

	const {settings} = view;
	return view.batches > 0 || view.waiting !== undefined || view.stopped !== undefined || settings.hold || settings.stop || settings.fanout !== undefined || settings.batchSize !== undefined;
}

/** What the rollout is doing about its next batch, in a few words. */
export function rolloutState(view: RolloutView): string | undefined {
	if (view.stopped !== undefined) {
		return `STOPPED (${view.stopped})`;
	}

	if (view.settings.stop) {
		return 'STOPPING: no new batch starts';
	}

	if (view.waiting === 'canary') {
		return 'waiting for the canary answer';
	}

	if (view.waiting === 'held' || (view.settings.hold && view.settings.waiting)) {
		return 'PAUSED: c resumes';
	}

	if (view.settings.hold) {
		return 'pausing after this batch: c resumes';
	}

	return view.waiting === 'pause' ? 'pausing before the next batch' : undefined;
}

/**
 * The header line: `rollout step 2: batch 3/5 [##>..] | PAUSED: c resumes | failed nodes 1, max_fail 2 | fanout 4`.
 * The state comes second: a narrow pane cuts the line's end, and whether it is paused matters most.
 */
export function rolloutHeaderText(view: RolloutView, separator = '|'): string {
	const parts: string[] = [];
	const where = view.step === undefined ? 'rollout' : `rollout step ${view.step}`;
	const marks = batchMarks(view);
	const batch = view.running === undefined ? `${view.done}/${view.batches} batches done` : `batch ${view.running}/${view.batches}`;
	parts.push(view.batches > 0 ? `${where}: ${batch}${marks === '' ? '' : ` ${marks}`}` : where);
	const state = rolloutState(view);
	if (state !== undefined) {
		parts.push(state);
	}

	if (view.batches > 0) {
		parts.push(`failed nodes ${view.failedNodes}${view.maxFail === undefined ? '' : `, max_fail ${view.maxFail}`}`);
	}

	if (view.settings.fanout !== undefined) {
		parts.push(`fanout ${view.settings.fanout}`);
	}

	if (view.settings.batchSize !== undefined) {
		parts.push(`batches of ${view.settings.batchSize}`);
	}

	return parts.join(` ${separator} `);
}

export type CanaryLine = {readonly key: string; readonly text: string; readonly kind: 'title' | 'verdict' | 'failed' | 'ok' | 'output' | 'hint'};

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * The canary's question: its verdict (tasks ok and failed), then its gathered output per service, the
 * failed nodes' blocks first, each with its lines.
 */
export function canaryLines(canary: CanaryView, state: RunState, output: OutputReader | undefined): readonly CanaryLine[] {
	const failed = canary.counts.failed + canary.counts['timed-out'] + canary.counts.unreachable;
	const lines: CanaryLine[] = [
		{key: 'verdict', text: `${failed === 0 ? 'ok' : 'FAILED'}: ${plural(canary.counts.ok, 'task')} ok, ${failed} failed${canary.counts.skipped > 0 ? `, ${canary.counts.skipped} skipped` : ''} on ${plural(canary.nodes.length, 'canary node')}; ${plural(canary.remaining, 'node')} wait`, kind: failed === 0 ? 'verdict' : 'failed'},
	];
	const step = state.steps.find(candidate => candidate.index === canary.step);
	const canaryNodes = new Set(canary.nodes);
	for (const service of step?.services ?? []) {
		const blocks = output === undefined ? [] : selectGathered(state, output, canary.step, service).filter(block => block.nodes.some(node => canaryNodes.has(node)));
		// The failed nodes' output first: that is what the admin decides on.
		const ordered = [...blocks.filter(block => block.status !== 'ok'), ...blocks.filter(block => block.status === 'ok')];
		for (const [index, block] of ordered.entries()) {
			const exit = block.exitCode === undefined || block.exitCode === null ? '' : ` exit ${block.exitCode}`;
			lines.push({key: `${service}-${index}`, text: `${service} on ${block.nodeSet} (${block.nodes.length}): ${block.status}${exit}`, kind: block.status === 'ok' ? 'ok' : 'failed'});
			for (const [position, line] of block.lines.entries()) {
				lines.push({key: `${service}-${index}-${position}`, text: `  ${line}`, kind: 'output'});
			}
		}
	}

	if (lines.length === 1) {
		lines.push({key: 'none', text: 'no output from the canary', kind: 'hint'});
	}

	return lines;
}

/** The one-line prompt for the next batches' fanout or size: its words and its check. */
export function steeringPrompt(purpose: 'fanout' | 'batch-size', view: RolloutView | undefined): {readonly title: string; readonly label: string; readonly initial: string; readonly validate: (value: string) => FieldCheck} {
	const fanout = purpose === 'fanout';
	const current = fanout ? view?.settings.fanout : view?.settings.batchSize;
	return {
		title: fanout ? 'Fanout for the next batches: most nodes worked on at once' : 'Nodes per batch for the next batches (the canary and done batches stay)',
		label: fanout ? 'Fanout' : 'Batch size',
		initial: current === undefined ? '' : String(current),
		validate(value) {
			const count = steeringCount(value);
			return count === undefined ? {ok: false, message: 'a whole number from 1 to 100000'} : {ok: true, hint: fanout ? `${count} at once` : `batches of ${count}`};
		},
	};
}

/** A typed fanout or batch size: a whole number from 1 to 100000, else undefined. */
export function steeringCount(value: string): number | undefined {
	const text = value.trim();
	if (!/^\d{1,6}$/.test(text)) {
		return undefined;
	}

	const count = Number(text);
	return count >= 1 && count <= 100_000 ? count : undefined;
}
