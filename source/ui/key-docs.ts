import {commandTable} from './commands.js';
import {bindings, type Binding, type Scope} from './keymap.js';

/** How the key table is written for people: key names, the help's sections and the README's table. */

const keyNames: Readonly<Record<string, string>> = {
	enter: 'Enter',
	escape: 'Esc',
	space: 'Space',
	tab: 'Tab',
	up: 'Up',
	down: 'Down',
	left: 'Left',
	right: 'Right',
	pageup: 'PgUp',
	pagedown: 'PgDn',
	home: 'Home',
	end: 'End',
	backspace: 'Backspace',
	delete: 'Del',
};

/** How a canonical key name is written for people: `shift+tab` → `Shift-Tab`, `ctrl+c` → `Ctrl-C`. */
export function formatKey(name: string): string {
	if (name.length === 1) {
		return name;
	}

	const parts = name.split('+');
	const base = parts.pop() ?? name;
	const modifiers = parts.map(part => part.charAt(0).toUpperCase() + part.slice(1) + '-').join('');
	return modifiers + (keyNames[base] ?? (base.length === 1 ? base.toUpperCase() : base));
}

/** All of a binding's keys for people: `j/Down` (or its `keyHint`). */
export function formatKeys(binding: Binding): string {
	return binding.keyHint ?? binding.keys.map(key => formatKey(key)).join('/');
}

/** The one key the footer names for a binding: its first key (or its `keyHint`). */
export function formatFirstKey(binding: Binding): string {
	return binding.keyHint ?? formatKey(binding.keys[0] ?? '');
}

const scopeTitles: Readonly<Record<Scope, string>> = {
	global: 'Everywhere',
	plan: 'Plan pane',
	health: 'Health pane',
	run: 'Run pane',
	help: 'Help',
	log: 'Log',
	review: 'Review',
	canary: 'Canary question',
	confirm: 'Confirmation',
	count: 'Typed node count',
	filter: 'Node filter',
	form: 'Step form',
	prompt: 'Prompt',
};

/** Order the help and the README list scopes in. */
export const scopeOrder: readonly Scope[] = ['global', 'plan', 'health', 'run', 'help', 'log', 'review', 'canary', 'confirm', 'count', 'filter', 'form', 'prompt'];

export type HelpSection = {readonly scope: Scope; readonly title: string; readonly bindings: readonly Binding[]};

/** Every binding grouped by scope, in `scopeOrder`, for the help overlay. */
export function helpSections(table: readonly Binding[] = bindings): readonly HelpSection[] {
	return scopeOrder
		.map(scope => ({scope, title: scopeTitles[scope], bindings: table.filter(binding => binding.scope === scope)}))
		.filter(section => section.bindings.length > 0);
}

/** The README's key table, as Markdown. Regenerate the README section from this; a test compares them. */
export function keyTableMarkdown(table: readonly Binding[] = bindings): string {
	const lines = ['| Where | Keys | What |', '| --- | --- | --- |'];
	for (const section of helpSections(table)) {
		for (const binding of section.bindings) {
			const keys = binding.keyHint === undefined ? binding.keys.map(key => '`' + (key === '|' ? '\\|' : formatKey(key)) + '`').join(' ') : '`' + binding.keyHint + '`';
			const spec = commandTable[binding.command];
			const notes = [spec.dangerous ? 'asks first; off with `--read-only`' : '', spec.confirm !== undefined && !spec.dangerous ? 'may ask first' : '']
				.filter(Boolean)
				.join('; ');
			lines.push(`| ${section.title} | ${keys} | ${binding.label}${notes ? ` (${notes})` : ''} |`);
		}
	}

	return lines.join('\n') + '\n';
}
