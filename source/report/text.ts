import {assertNever} from '../errors.js';
import type {ExecutorEvent} from '../executor/events.js';
import {shownSafely, withControlsShown} from '../display.js';
import {foldNodes} from '../nodeset/index.js';
import {OutputLog, type OutputReader} from '../store/output-log.js';
import {reduceRun} from '../store/reduce-run.js';
import {initialRunState, type RunState, type ShownStatus} from '../store/run-state.js';
import {selectGathered, selectTaskGroups, statusOrder} from '../store/selectors.js';
import {emptyRolloutLog, foldRollout, rolloutRecapLines} from './rollout.js';

export type TextStyle = {
	/** Use ANSI colours. Pass `stream.isTTY && !env.NO_COLOR`; never true for a pipe or a file. */
	readonly color: boolean;
};

const ansi = {green: 32, red: 31, yellow: 33, magenta: 35, gray: 90, bold: 1} as const;
type Colour = keyof typeof ansi;

function paint(text: string, colour: Colour | undefined, style: TextStyle): string {
	return style.color && colour ? `\u001B[${ansi[colour]}m${text}\u001B[0m` : text;
}

/** The tag a report prints for a status, and its colour. */
export function statusLabel(status: ShownStatus): {readonly text: string; readonly colour: Colour} {
	switch (status) {
		case 'ok': {
			return {text: 'OK', colour: 'green'};
		}

		case 'service-running': {
			return {text: 'RUNNING', colour: 'green'};
		}

		case 'service-stopped': {
			return {text: 'STOPPED', colour: 'yellow'};
		}

		case 'service-failed': {
			return {text: 'FAILED-STATE', colour: 'red'};
		}

		case 'service-not-installed': {
			return {text: 'NOT-INSTALLED', colour: 'gray'};
		}

		case 'failed': {
			return {text: 'FAIL', colour: 'red'};
		}

		case 'timed-out': {
			return {text: 'TIMEOUT', colour: 'red'};
		}

		case 'skipped': {
			return {text: 'SKIP', colour: 'yellow'};
		}

		case 'unreachable': {
			return {text: 'UNREACHABLE', colour: 'magenta'};
		}

		case 'cancelled': {
			return {text: 'CANCELLED', colour: 'gray'};
		}

		case 'pending':
		case 'connecting':
		case 'running': {
			return {text: 'PENDING', colour: 'gray'};
		}

		default: {
			return assertNever(status);
		}
	}
}

/** clubak's separator line. */
const rule = '-'.repeat(15);

/**
 * One step's report: per service, one line per status and reason with the folded node set, then the
 * gathered output (nodes with identical output and exit code share one block, as clubak -b prints them).
 */
export function renderStep(state: RunState, output: OutputReader, step: number, style: TextStyle): string {
	const info = state.steps.find(candidate => candidate.index === step);
	if (!info) {
		return '';
	}

	const rows = selectTaskGroups(state).filter(row => row.step === step);
	const width = Math.max(...info.services.map(service => service.length));
	const lines = [paint(`STEP ${step} ${info.action} ${info.services.join(', ')}${info.depend.length > 0 ? ` (depends on ${info.depend.join(', ')})` : ''}`, 'bold', style)];
	for (const row of rows) {
		for (const group of row.groups) {
			const label = statusLabel(group.status);
			// Node names and reasons echo input (a plan's node set): shown safely, as node output is.
			const reason = group.reason ? `: ${shownSafely(group.reason)}` : '';
			lines.push(`  ${row.service.padEnd(width)}  ${paint(label.text, label.colour, style)} ${withControlsShown(group.nodeSet)}${reason}`);
		}

		for (const block of selectGathered(state, output, step, row.service)) {
			if (block.lines.length === 0) {
				continue;
			}

			const cut = block.cut > 0 ? [`[svctui: ${block.cut} earlier lines of this output not kept here; events.jsonl in the run log has every line received]`] : [];
			lines.push(rule, paint(`${withControlsShown(block.nodeSet)} (${block.nodes.length})`, 'bold', style), rule, ...cut, ...block.lines);
		}
	}

	return `${lines.join('\n')}\n\n`;
}

/** Counts always shown in the recap, as Ansible's PLAY RECAP always shows them. */
const recapAlways: readonly ShownStatus[] = ['ok', 'failed', 'skipped', 'unreachable'];
const recapColour: Partial<Record<ShownStatus, Colour>> = {
	ok: 'green',
	'service-running': 'green',
	'service-stopped': 'yellow',
	'service-failed': 'red',
	failed: 'red',
	'timed-out': 'red',
	skipped: 'yellow',
	unreachable: 'magenta',
	cancelled: 'gray',
};

/** The recap's name for a status: a status query's states without their `service-` prefix. */
function recapWord(status: ShownStatus): string {
	return status === 'service-failed' ? 'failed-state' : status.replace(/^service-/, '');
}

/** Pad every column to its widest cell so the recap reads as a table. */
function alignColumns(rows: ReadonlyArray<ReadonlyArray<{plain: string; shown: string}>>): string[] {
	const widths: number[] = [];
	for (const row of rows) {
		for (const [index, cell] of row.entries()) {
			widths[index] = Math.max(widths[index] ?? 0, cell.plain.length);
		}
	}

	return rows.map(row =>
		row
			.map((cell, index) => (index === row.length - 1 ? cell.shown : cell.shown + ' '.repeat((widths[index] ?? 0) - cell.plain.length)))
			.join('  ')
			.trimEnd(),
	);
}

/**
 * A recap like Ansible's PLAY RECAP, but one line per step and service: ok / failed / skipped / unreachable
 * counts (timed-out and cancelled when there are any), then the node set behind each non-zero count.
 */
export function renderRecap(state: RunState, style: TextStyle): string {
	const table = selectTaskGroups(state).map(row => {
		const nodesByStatus = new Map<ShownStatus, string[]>();
		for (const group of row.groups) {
			nodesByStatus.set(group.status, [...(nodesByStatus.get(group.status) ?? []), ...group.nodes]);
		}

		const cells = [{plain: `${row.step} ${row.action} ${row.service}`, shown: `${row.step} ${row.action} ${row.service}`}, {plain: ':', shown: ':'}];
		const sets: string[] = [];
		for (const status of statusOrder) {
			const count = nodesByStatus.get(status)?.length ?? 0;
			// A status row has no plain `ok`: its answers are states, and `running` takes ok's column.
			const plainOk = nodesByStatus.has('ok');
			const always = row.action === 'status' && !plainOk ? status === 'service-running' || (status !== 'ok' && recapAlways.includes(status)) : recapAlways.includes(status);
			if (always || count > 0) {
				const plain = `${recapWord(status)}=${count}`;
				cells.push({plain, shown: count > 0 ? paint(plain, recapColour[status], style) : plain});
			}

			if (count > 0) {
				sets.push(`${recapWord(status)}: ${withControlsShown(foldNodes(nodesByStatus.get(status) ?? []))}`);
			}
		}

		cells.push({plain: sets.join('  '), shown: sets.join('  ')});
		return cells;
	});
	const outcome = state.outcome === 'aborted' ? ' (aborted)' : '';
	return `${paint(`RECAP${outcome}`, 'bold', style)}\n${alignColumns(table).join('\n')}\n`;
}

export type TextReporterOptions = TextStyle & {
	readonly write: (text: string) => unknown;
	/** Output lines kept per node for the gathered blocks. @default 10000 */
	readonly maxLinesPerNode?: number;
};

export type TextReporter = {
	onEvent(event: ExecutorEvent): void;
	/** The state the reporter built, for tests and for the caller's summary line. */
	readonly state: RunState;
};

/** A step that printed nothing. */
const noOutput: OutputReader = {lines: () => [], dropped: () => 0};

/**
 * The headless text report: each step is printed when it finishes, the recap when the run does. Reads only
 * events, through the same reducer and selectors as the TUI.
 */
export function createTextReporter(options: TextReporterOptions): TextReporter {
	// Output is kept per step and dropped once the step is printed: a run's report never needs an earlier
	// step's lines again, and keeping every step's (three times over in the TUI: store, log, log overlay)
	// grew with nodes × steps.
	const outputs = new Map<number, OutputLog>();
	let state = initialRunState;
	let rollout = emptyRolloutLog;
	return {
		onEvent(event) {
			if (event.type === 'command-output') {
				let output = outputs.get(event.step);
				if (output === undefined) {
					output = new OutputLog(options.maxLinesPerNode ?? 10_000);
					outputs.set(event.step, output);
				}

				output.append(event.node, event.step, event.service, event.stream, event.lines);
			}

			state = reduceRun(state, event);
			const folded = foldRollout(rollout, event);
			rollout = folded.log;
			if (folded.line !== undefined) {
				options.write(folded.line);
			}

			if (event.type === 'step-finished') {
				options.write(renderStep(state, outputs.get(event.step) ?? noOutput, event.step, options));
				outputs.delete(event.step);
			} else if (event.type === 'run-finished') {
				const lines = rolloutRecapLines(rollout);
				options.write(renderRecap(state, options) + (lines.length > 0 ? `${lines.join('\n')}\n` : ''));
			}
		},
		get state() {
			return state;
		},
	};
}
