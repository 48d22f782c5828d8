import {commandTable} from './commands.js';
import type {KeyPress} from './key-press.js';
import type {PaneId} from './layout.js';

/**
 * Everything a key can ask the app to do. Dotted names (`run.start`), distinct from UI actions
 * (imperative, `focus-next`) and executor events (past tense, `command-exited`).
 */
export const commands = [
	'app.quit',
	'app.help',
	'app.show-log',
	'pane.next',
	'pane.prev',
	'pane.focus-plan',
	'pane.focus-health',
	'pane.focus-run',
	'list.up',
	'list.down',
	'list.top',
	'list.bottom',
	'list.page-up',
	'list.page-down',
	'nodes.select',
	'nodes.filter',
	'nodes.next-failed',
	'nodes.back',
	'nodes.toggle-map',
	'grid.left',
	'grid.right',
	'output.toggle-follow',
	'output.toggle-gather',
	'run.start',
	'run.abort',
	'run.retry-failed',
	'rollout.pause',
	'rollout.resume',
	'rollout.stop',
	'rollout.fanout',
	'rollout.batch-size',
	'canary.continue',
	'canary.stop',
	'review.run',
	'plan.add-step',
	'plan.edit-step',
	'plan.delete-step',
	'plan.move-up',
	'plan.move-down',
	'plan.toggle-step',
	'plan.open-file',
	'plan.save',
	'plan.overwrite',
	'plan.reload',
	'plan.edit-external',
	'health.recheck',
	'health.set-nodes',
	'health.exclude-down',
	'overlay.close',
	'confirm.yes',
	'confirm.no',
	'confirm.type-count',
	'filter.apply',
	'form.next-field',
	'form.prev-field',
	'form.submit',
] as const;
export type Command = (typeof commands)[number];

/**
 * Overlays, top of the stack first in the scope list. `review`, `confirm`, `count`, `filter`, `form` and
 * `prompt` are modal. `count` is the confirmation that takes a typed node count (the blast-radius gate):
 * it takes other keys than y/n, so it has its own scope and footer.
 */
export const overlayScopes = ['help', 'log', 'review', 'canary', 'confirm', 'count', 'filter', 'form', 'prompt'] as const;
export type OverlayScope = (typeof overlayScopes)[number];
export type Scope = 'global' | PaneId | OverlayScope;

/**
 * Modal scopes take every key: only their own bindings and `ctrl+c` get through (lazygit's popup
 * stack). The other overlays (help, log) are modal for the panes too: past their own keys only quit,
 * help and scrolling pass (`overlayPassCommands`).
 */
export const exclusiveScopes: ReadonlySet<Scope> = new Set<Scope>(['review', 'canary', 'confirm', 'count', 'filter', 'form', 'prompt']);

/** The facts about the app a binding's enablement depends on. Built by the app from its state. */
export type KeymapView = {
	/** A run is in progress (started, not yet finished). */
	readonly runActive: boolean;
	/** `--read-only`: dangerous bindings are off. */
	readonly readOnly: boolean;
	/** Nodes that failed or timed out in the last run. */
	readonly failedNodes: number;
	/** Steps in the plan. */
	readonly steps: number;
	/** Nodes the health check found down. */
	readonly downNodes: number;
	/** The plan has edits not yet saved. */
	readonly planDirty: boolean;
	/** The plan came from a file (a one-shot command has none to open, save or edit). */
	readonly hasPlanFile: boolean;
	/** The question `s` asks when the plan file changed on disk since it was opened is open. @default false */
	readonly overwriteAsked?: boolean;
	/** The admin paused the rollout (it holds after the current batch). @default false */
	readonly rolloutHeld?: boolean;
	/** The admin stopped the rollout: no new batch starts. @default false */
	readonly rolloutStopping?: boolean;
};

/** A view where nothing is running and everything is possible; handy for tests and docs. */
export const idleView: KeymapView = {
	runActive: false,
	readOnly: false,
	failedNodes: 0,
	steps: 1,
	downNodes: 0,
	planDirty: false,
	hasPlanFile: true,
};

export type Binding = {
	/** Canonical key names (see `KeyPress.name`): `tab`, `shift+tab`, `j`, `J`, `down`, `ctrl+c`, `enter`. */
	readonly keys: readonly string[];
	readonly command: Command;
	readonly scope: Scope;
	/** Short text for the footer and the help (lazygit's ShortDescription). */
	readonly label: string;
	/** How the keys are written for people when listing each would be noise (`0-9`). @default each key */
	readonly keyHint?: string;
	/** Shown in the footer (lazygit's DisplayOnScreen). @default false */
	readonly footer?: boolean;
	/** Run a different command in some views (ctrl+c aborts a run, and quits when idle). */
	readonly commandIn?: (view: KeymapView) => Command;
};

export type Resolution =
	| {readonly kind: 'run'; readonly command: Command; readonly binding: Binding}
	| {readonly kind: 'confirm'; readonly command: Command; readonly binding: Binding}
	| {readonly kind: 'disabled'; readonly reason: string; readonly binding: Binding}
	| {readonly kind: 'unhandled'};

/** The one key table. The footer, the help overlay and the README's key table are generated from it. */
export const bindings: readonly Binding[] = [
	// Global
	{scope: 'global', keys: ['q'], command: 'app.quit', label: 'quit', footer: true},
	{
		scope: 'global',
		keys: ['ctrl+c'],
		command: 'app.quit',
		label: 'abort the run, or quit when idle',
		commandIn: view => (view.runActive ? 'run.abort' : 'app.quit'),
	},
	{scope: 'global', keys: ['?'], command: 'app.help', label: 'help', footer: true},
	{scope: 'global', keys: ['tab'], command: 'pane.next', label: 'next pane', footer: true},
	{scope: 'global', keys: ['shift+tab'], command: 'pane.prev', label: 'previous pane'},
	{scope: 'global', keys: ['1'], command: 'pane.focus-plan', label: 'plan pane'},
	{scope: 'global', keys: ['2'], command: 'pane.focus-health', label: 'health pane'},
	{scope: 'global', keys: ['3'], command: 'pane.focus-run', label: 'run pane'},
	{scope: 'global', keys: ['k', 'up'], command: 'list.up', label: 'up'},
	{scope: 'global', keys: ['j', 'down'], command: 'list.down', label: 'down'},
	{scope: 'global', keys: ['g', 'home'], command: 'list.top', label: 'top'},
	{scope: 'global', keys: ['G', 'end'], command: 'list.bottom', label: 'bottom'},
	{scope: 'global', keys: ['pageup'], command: 'list.page-up', label: 'page up'},
	{scope: 'global', keys: ['pagedown'], command: 'list.page-down', label: 'page down'},
	{scope: 'global', keys: ['r'], command: 'run.start', label: 'run (review first)', footer: true},
	{scope: 'global', keys: ['x'], command: 'run.abort', label: 'abort run', footer: true},
	{scope: 'global', keys: ['R'], command: 'run.retry-failed', label: 'retry failed nodes', footer: true},
	{scope: 'global', keys: ['l'], command: 'app.show-log', label: 'show log'},

	// Plan pane: edits structure through small forms; raw text is one key away in $EDITOR.
	{scope: 'plan', keys: ['a'], command: 'plan.add-step', label: 'add step', footer: true},
	{scope: 'plan', keys: ['enter', 'E'], command: 'plan.edit-step', label: 'edit step', footer: true},
	{scope: 'plan', keys: ['d'], command: 'plan.delete-step', label: 'delete step', footer: true},
	{scope: 'plan', keys: ['K', 'shift+up'], command: 'plan.move-up', label: 'move step up'},
	{scope: 'plan', keys: ['J', 'shift+down'], command: 'plan.move-down', label: 'move step down'},
	{scope: 'plan', keys: ['space'], command: 'plan.toggle-step', label: 'enable/disable step', footer: true},
	{scope: 'plan', keys: ['o'], command: 'plan.open-file', label: 'open plan file'},
	{scope: 'plan', keys: ['s'], command: 'plan.save', label: 'save plan', footer: true},
	{scope: 'plan', keys: ['e'], command: 'plan.edit-external', label: 'edit in $EDITOR', footer: true},

	// Health pane
	{scope: 'health', keys: ['c'], command: 'health.recheck', label: 're-check nodes', footer: true},
	{scope: 'health', keys: ['n'], command: 'health.set-nodes', label: 'check other nodes', footer: true},
	{scope: 'health', keys: ['X'], command: 'health.exclude-down', label: 'exclude down nodes from the plan', footer: true},
	{scope: 'health', keys: ['enter'], command: 'nodes.select', label: 'list a group\'s nodes, or show node output'},
	{scope: 'health', keys: ['escape'], command: 'nodes.back', label: 'back to all nodes'},

	// Run pane: progress, grid and output
	{scope: 'run', keys: ['enter'], command: 'nodes.select', label: 'select node', footer: true},
	{scope: 'run', keys: ['left'], command: 'grid.left', label: 'previous node'},
	{scope: 'run', keys: ['right'], command: 'grid.right', label: 'next node'},
	{scope: 'run', keys: ['n'], command: 'nodes.next-failed', label: 'next failed node'},
	{scope: 'run', keys: ['escape'], command: 'nodes.back', label: 'back (node list, map, output)'},
	{scope: 'run', keys: ['v'], command: 'nodes.toggle-map', label: 'node map / grid'},
	{scope: 'run', keys: ['f'], command: 'output.toggle-follow', label: 'follow', footer: true},
	{scope: 'run', keys: ['b'], command: 'output.toggle-gather', label: 'gathered view', footer: true},
	{scope: 'run', keys: ['/'], command: 'nodes.filter', label: 'filter nodes', footer: true},
	// Run pane: steering the rollout between batches (executor/rollout-control.ts)
	{scope: 'run', keys: ['p'], command: 'rollout.pause', label: 'pause', footer: true},
	{scope: 'run', keys: ['c'], command: 'rollout.resume', label: 'resume', footer: true},
	{scope: 'run', keys: ['S'], command: 'rollout.stop', label: 'stop the rollout after this batch'},
	{scope: 'run', keys: ['F'], command: 'rollout.fanout', label: 'fanout of the next batches'},
	{scope: 'run', keys: ['B'], command: 'rollout.batch-size', label: 'size of the next batches'},

	// Overlays
	{scope: 'help', keys: ['escape', '?'], command: 'overlay.close', label: 'close help', footer: true},
	{scope: 'log', keys: ['escape', 'l'], command: 'overlay.close', label: 'close log', footer: true},
	{scope: 'log', keys: ['j', 'down'], command: 'list.down', label: 'scroll down', footer: true},
	{scope: 'log', keys: ['k', 'up'], command: 'list.up', label: 'scroll up', footer: true},
	{scope: 'log', keys: ['pagedown'], command: 'list.page-down', label: 'page down'},
	{scope: 'log', keys: ['pageup'], command: 'list.page-up', label: 'page up'},
	{scope: 'log', keys: ['g', 'home'], command: 'list.top', label: 'first line'},
	{scope: 'log', keys: ['G', 'end'], command: 'list.bottom', label: 'newest line'},
	{scope: 'review', keys: ['y'], command: 'review.run', label: 'run it', footer: true},
	{scope: 'review', keys: ['n', 'escape'], command: 'confirm.no', label: 'back', footer: true},
	{scope: 'review', keys: ['j', 'down'], command: 'list.down', label: 'scroll down'},
	{scope: 'review', keys: ['k', 'up'], command: 'list.up', label: 'scroll up'},
	{scope: 'canary', keys: ['y', 'c'], command: 'canary.continue', label: 'go on with the rollout', footer: true},
	{scope: 'canary', keys: ['s', 'n'], command: 'canary.stop', label: 'stop the rollout', footer: true},
	{scope: 'confirm', keys: ['y', 'enter'], command: 'confirm.yes', label: 'yes', footer: true},
	{scope: 'confirm', keys: ['n', 'escape'], command: 'confirm.no', label: 'no', footer: true},
	{
		scope: 'confirm',
		keys: ['r'],
		command: 'plan.reload',
		label: 'reload the plan file (drops your edits)',
		footer: true,
	},
	// The count dialog's text field takes these keys itself (edit mode); the bindings say what it takes.
	{
		scope: 'count',
		keys: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'backspace'],
		keyHint: '0-9',
		command: 'confirm.type-count',
		label: 'type the node count',
		footer: true,
	},
	{scope: 'count', keys: ['enter'], command: 'form.submit', label: 'go ahead (count typed)', footer: true},
	{scope: 'count', keys: ['escape'], command: 'overlay.close', label: 'cancel', footer: true},
	{scope: 'filter', keys: ['enter'], command: 'filter.apply', label: 'apply filter', footer: true},
	{scope: 'filter', keys: ['escape'], command: 'overlay.close', label: 'cancel', footer: true},
	{scope: 'form', keys: ['tab'], command: 'form.next-field', label: 'next field', footer: true},
	{scope: 'form', keys: ['shift+tab'], command: 'form.prev-field', label: 'previous field'},
	{scope: 'form', keys: ['enter'], command: 'form.submit', label: 'save step', footer: true},
	{scope: 'form', keys: ['escape'], command: 'overlay.close', label: 'cancel', footer: true},
	{scope: 'prompt', keys: ['enter'], command: 'form.submit', label: 'ok', footer: true},
	{scope: 'prompt', keys: ['escape'], command: 'overlay.close', label: 'cancel', footer: true},
];

export {toKeyPress, type KeyFlags, type KeyPress} from './key-press.js';

/**
 * Global commands that reach past a help or log overlay: quit (q, ctrl+c), help (`?`), and the list
 * moves, which the dispatcher applies to the overlay's own scroll. Every other global key (Tab, 1-3, r,
 * R, x, l) would change a pane hidden behind the overlay or stack a dialog over it, so it stops there.
 */
export const overlayPassCommands: ReadonlySet<Command> = new Set<Command>(['app.quit', 'app.help', 'list.up', 'list.down', 'list.top', 'list.bottom', 'list.page-up', 'list.page-down']);

/** A scope a key may reach, and which of its bindings it reaches there (all when `only` is absent). */
type Reach = {readonly scope: Scope; readonly only?: (binding: Binding) => boolean; readonly inFooter?: boolean};

/** The key that always gets through, even past a modal dialog (with `?`, the help: it never changes anything). */
const interruptKey = 'ctrl+c';

/**
 * Which scopes a key may reach, in order, given the scope stack. A modal scope ends the list (only
 * `ctrl+c` then reaches `global`); below a help or log overlay, the panes and the overlays beneath are
 * out of reach and `global` passes only `overlayPassCommands`.
 */
function reachableScopes(scopes: readonly Scope[]): readonly Reach[] {
	const reachable: Reach[] = [];
	let overlaySeen = false;
	for (const scope of scopes) {
		if (overlaySeen && scope !== 'global') {
			// Only the top overlay's keys: `l` under the help must not close the log beneath it.
			continue;
		}

		if (exclusiveScopes.has(scope)) {
			// The footer keeps to the dialog's own keys: what it asks is the point there.
			reachable.push({scope}, {scope: 'global', only: binding => binding.keys.includes(interruptKey) || binding.command === 'app.help', inFooter: false});
			return reachable;
		}

		if ((overlayScopes as readonly string[]).includes(scope)) {
			overlaySeen = true;
			reachable.push({scope});
		} else if (scope === 'global') {
			reachable.push(overlaySeen ? {scope, only: binding => overlayPassCommands.has(binding.command)} : {scope});
		} else if (!overlaySeen) {
			reachable.push({scope});
		}
	}

	return reachable;
}

function findBinding(name: string, scopes: readonly Scope[], table: readonly Binding[]): Binding | undefined {
	for (const {scope, only} of reachableScopes(scopes)) {
		const found = table.find(binding => binding.scope === scope && binding.keys.includes(name));
		if (found) {
			// A key filtered out here is not looked up further down: it stops at the overlay.
			return only === undefined || only(found) ? found : undefined;
		}
	}

	return undefined;
}

/** Why a binding is off in this view: read-only first, then its own reason. */
export function disabledReasonOf(binding: Binding, view: KeymapView): string | undefined {
	const spec = commandTable[binding.command];
	if (spec.dangerous && view.readOnly) {
		return 'read-only mode (--read-only)';
	}

	return spec.disabledReason?.(view);
}

/** The command is dangerous (changes nodes: asks first, off with --read-only). */
export function isDangerous(binding: Binding): boolean {
	return commandTable[binding.command].dangerous === true;
}

/**
 * What a key does. `scopes` is the stack, top first, e.g. `[...overlays.map(o => o.kind).reverse(), focus,
 * 'global']` (see `scopesOf` in `ui-state.ts`). The first binding found wins; modal overlays pass only
 * their own keys and ctrl+c.
 */
export function resolveKey(key: KeyPress, scopes: readonly Scope[], view: KeymapView, table: readonly Binding[] = bindings): Resolution {
	const binding = findBinding(key.name, scopes, table);
	if (!binding) {
		return {kind: 'unhandled'};
	}

	const reason = disabledReasonOf(binding, view);
	if (reason !== undefined) {
		return {kind: 'disabled', reason, binding};
	}

	const command = binding.commandIn?.(view) ?? binding.command;
	const spec = commandTable[command];
	const confirm = spec.dangerous === true || (spec.confirm !== undefined && (spec.confirm.when?.(view) ?? true));
	return {kind: confirm ? 'confirm' : 'run', command, binding};
}

/**
 * The footer's bindings: those marked `footer` in the reachable scopes, top scope first, leaving out
 * any whose keys a higher scope already took and any disabled in this view (lazygit's options map).
 */
export function footerBindings(scopes: readonly Scope[], view: KeymapView, table: readonly Binding[] = bindings): readonly Binding[] {
	const taken = new Set<string>();
	const shown: Binding[] = [];
	for (const {scope, only, inFooter = true} of reachableScopes(scopes)) {
		for (const binding of table.filter(candidate => candidate.scope === scope && inFooter)) {
			const shadowed = binding.keys.some(key => taken.has(key));
			if (binding.footer && !shadowed && (only === undefined || only(binding)) && disabledReasonOf(binding, view) === undefined) {
				shown.push(binding);
			}
		}

		for (const binding of table.filter(candidate => candidate.scope === scope)) {
			for (const key of binding.keys) {
				taken.add(key);
			}
		}
	}

	return shown;
}
