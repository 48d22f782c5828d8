import {describe, expect, it} from 'vitest';
import {formatFirstKey, formatKey, helpSections, keyTableMarkdown, scopeOrder} from '../../source/ui/key-docs.js';
import {
	bindings,
	commands,
	footerBindings,
	idleView,
	isDangerous,
	resolveKey,
	toKeyPress,
	type KeymapView,
	type Scope,
} from '../../source/ui/keymap.js';

const press = (name: string) => ({name, input: name.length === 1 ? name : ''});
const running: KeymapView = {...idleView, runActive: true};
const labels = (scopes: readonly Scope[], view: KeymapView) => footerBindings(scopes, view).map(binding => `${binding.keys[0]} ${binding.label}`);

describe('key table', () => {
	it('binds no key twice in one scope', () => {
		for (const scope of scopeOrder) {
			const keys = bindings.filter(binding => binding.scope === scope).flatMap(binding => binding.keys);
			const duplicates = keys.filter((key, index) => keys.indexOf(key) !== index);
			expect({scope, duplicates}).toEqual({scope, duplicates: []});
		}
	});

	it('uses only known commands and every binding has a label', () => {
		for (const binding of bindings) {
			expect(commands).toContain(binding.command);
			expect(binding.label.length).toBeGreaterThan(0);
			expect(binding.keys.length).toBeGreaterThan(0);
		}
	});

	it('marks r, x and R dangerous', () => {
		const dangerous = bindings.filter(binding => isDangerous(binding)).flatMap(binding => binding.keys);
		expect(dangerous.sort()).toEqual(['R', 'r', 'x']);
	});
});

describe('toKeyPress', () => {
	const none = {};
	it.each([
		['j', none, 'j'],
		['J', {shift: true}, 'J'],
		['?', none, '?'],
		[' ', none, 'space'],
		['', {return: true}, 'enter'],
		['', {escape: true, meta: true}, 'escape'],
		['', {tab: true}, 'tab'],
		['', {tab: true, shift: true}, 'shift+tab'],
		['', {upArrow: true, shift: true}, 'shift+up'],
		['', {downArrow: true}, 'down'],
		['', {pageDown: true}, 'pagedown'],
		['c', {ctrl: true}, 'ctrl+c'],
		['x', {meta: true}, 'meta+x'],
	])('%j %j → %s', (input, key, name) => {
		expect(toKeyPress(input, key).name).toBe(name);
	});
});

describe('resolveKey', () => {
	it('finds the focused pane before global', () => {
		expect(resolveKey(press('enter'), ['plan', 'global'], idleView)).toMatchObject({kind: 'run', command: 'plan.edit-step'});
		expect(resolveKey(press('enter'), ['run', 'global'], idleView)).toMatchObject({kind: 'run', command: 'nodes.select'});
		expect(resolveKey(press('j'), ['run', 'global'], idleView)).toMatchObject({kind: 'run', command: 'list.down'});
	});

	it('does not reach other panes', () => {
		expect(resolveKey(press('a'), ['run', 'global'], idleView)).toEqual({kind: 'unhandled'});
		expect(resolveKey(press('f'), ['plan', 'global'], idleView)).toEqual({kind: 'unhandled'});
	});

	it('asks before dangerous commands and before quitting a run', () => {
		expect(resolveKey(press('r'), ['plan', 'global'], idleView)).toMatchObject({kind: 'confirm', command: 'run.start'});
		expect(resolveKey(press('q'), ['plan', 'global'], idleView)).toMatchObject({kind: 'run', command: 'app.quit'});
		expect(resolveKey(press('q'), ['plan', 'global'], running)).toMatchObject({kind: 'confirm', command: 'app.quit'});
		// Unsaved plan edits would be lost: q asks, as vim and lazygit do.
		expect(resolveKey(press('q'), ['plan', 'global'], {...idleView, planDirty: true})).toMatchObject({kind: 'confirm', command: 'app.quit'});
		expect(resolveKey(press('d'), ['plan', 'global'], idleView)).toMatchObject({kind: 'confirm', command: 'plan.delete-step'});
	});

	it('makes ctrl+c abort a run and quit when idle', () => {
		expect(resolveKey(press('ctrl+c'), ['run', 'global'], running)).toMatchObject({kind: 'confirm', command: 'run.abort'});
		expect(resolveKey(press('ctrl+c'), ['run', 'global'], idleView)).toMatchObject({kind: 'run', command: 'app.quit'});
		expect(resolveKey(press('ctrl+c'), ['run', 'global'], {...idleView, planDirty: true})).toMatchObject({kind: 'confirm', command: 'app.quit'});
	});

	it('gives the reason a key is off', () => {
		expect(resolveKey(press('x'), ['run', 'global'], idleView)).toMatchObject({kind: 'disabled', reason: 'no run is active'});
		expect(resolveKey(press('R'), ['run', 'global'], idleView)).toMatchObject({kind: 'disabled', reason: 'no failed nodes'});
		expect(resolveKey(press('a'), ['plan', 'global'], running)).toMatchObject({kind: 'disabled', reason: 'the plan is locked while a run is active'});
		expect(resolveKey(press('r'), ['plan', 'global'], {...idleView, readOnly: true})).toMatchObject({kind: 'disabled', reason: 'read-only mode (--read-only)'});
		expect(resolveKey(press('s'), ['plan', 'global'], idleView)).toMatchObject({kind: 'disabled', reason: 'no unsaved changes'});
		expect(resolveKey(press('X'), ['health', 'global'], idleView)).toMatchObject({kind: 'disabled', reason: 'no nodes are down'});
	});

	it('lets only its own keys and ctrl+c through a modal overlay', () => {
		const scopes: Scope[] = ['confirm', 'plan', 'global'];
		expect(resolveKey(press('y'), scopes, idleView)).toMatchObject({kind: 'run', command: 'confirm.yes'});
		expect(resolveKey(press('escape'), scopes, idleView)).toMatchObject({kind: 'run', command: 'confirm.no'});
		expect(resolveKey(press('q'), scopes, idleView)).toEqual({kind: 'unhandled'});
		expect(resolveKey(press('a'), scopes, idleView)).toEqual({kind: 'unhandled'});
		expect(resolveKey(press('tab'), scopes, idleView)).toEqual({kind: 'unhandled'});
		expect(resolveKey(press('ctrl+c'), scopes, running)).toMatchObject({kind: 'confirm', command: 'run.abort'});
		expect(resolveKey(press('tab'), ['form', 'plan', 'global'], idleView)).toMatchObject({kind: 'run', command: 'form.next-field'});
		expect(resolveKey(press('j'), ['filter', 'run', 'global'], idleView)).toEqual({kind: 'unhandled'});
	});

	it.each(['review', 'confirm', 'count', 'filter', 'form', 'prompt'] as const)('lets ? open the help over the modal %s', scope => {
		expect(resolveKey(press('?'), [scope, 'plan', 'global'], idleView)).toMatchObject({kind: 'run', command: 'app.help'});
	});

	it('hides pane keys under help but lets global ones through', () => {
		const scopes: Scope[] = ['help', 'plan', 'global'];
		expect(resolveKey(press('?'), scopes, idleView)).toMatchObject({kind: 'run', command: 'overlay.close'});
		expect(resolveKey(press('a'), scopes, idleView)).toEqual({kind: 'unhandled'});
		expect(resolveKey(press('q'), scopes, idleView)).toMatchObject({kind: 'run', command: 'app.quit'});
		expect(resolveKey(press('j'), scopes, idleView)).toMatchObject({kind: 'run', command: 'list.down'});
	});

	// Keys that would switch the pane hidden behind the overlay, or open a dialog over it, stop at it.
	it.each([
		['help', 'tab'],
		['help', 'shift+tab'],
		['help', '1'],
		['help', '3'],
		['help', 'r'],
		['help', 'R'],
		['help', 'l'],
		['log', 'tab'],
		['log', '2'],
		['log', 'r'],
		['log', 'R'],
		['log', 'x'],
		['log', 'enter'],
	] as const)('under the %s overlay, %s does nothing', (overlay, key) => {
		const view = {...idleView, failedNodes: 2, runActive: key === 'x'};
		expect(resolveKey(press(key), [overlay, 'run', 'global'], view)).toEqual({kind: 'unhandled'});
	});

	it.each([
		['log', 'q', 'app.quit'],
		['log', 'ctrl+c', 'app.quit'],
		['log', '?', 'app.help'],
		['log', 'l', 'overlay.close'],
		['log', 'j', 'list.down'],
		['help', 'ctrl+c', 'app.quit'],
		['help', 'G', 'list.bottom'],
		['help', 'pagedown', 'list.page-down'],
	] as const)('under the %s overlay, %s still reaches %s', (overlay, key, command) => {
		expect(resolveKey(press(key), [overlay, 'plan', 'global'], idleView)).toMatchObject({command});
	});

	it('under the help over the log, only the help\'s keys and the passing global ones reach', () => {
		const scopes: Scope[] = ['help', 'log', 'run', 'global'];
		expect(resolveKey(press('l'), scopes, idleView)).toEqual({kind: 'unhandled'});
		expect(resolveKey(press('?'), scopes, idleView)).toMatchObject({command: 'overlay.close'});
		expect(resolveKey(press('j'), scopes, idleView)).toMatchObject({command: 'list.down'});
	});

	it('accepts another table', () => {
		const table = [{scope: 'global', keys: ['z'], command: 'app.help', label: 'zzz'}] as const;
		expect(resolveKey(press('z'), ['global'], idleView, table)).toMatchObject({kind: 'run', command: 'app.help'});
		expect(resolveKey(press('q'), ['global'], idleView, table)).toEqual({kind: 'unhandled'});
	});
});

describe('footerBindings', () => {
	it('lists the plan pane, then global keys, minus disabled ones', () => {
		expect(labels(['plan', 'global'], idleView)).toEqual([
			'a add step',
			'enter edit step',
			'd delete step',
			'space enable/disable step',
			'e edit in $EDITOR',
			'q quit',
			'? help',
			'tab next pane',
			'r run (review first)',
		]);
	});

	it('changes with the view', () => {
		expect(labels(['plan', 'global'], {...running, failedNodes: 2, planDirty: true})).toEqual(['s save plan', 'q quit', '? help', 'tab next pane', 'x abort run']);
		expect(labels(['run', 'global'], {...idleView, failedNodes: 3})).toEqual([
			'enter select node',
			'f follow',
			'b gathered view',
			'/ filter nodes',
			'q quit',
			'? help',
			'tab next pane',
			'r run (review first)',
			'R retry failed nodes',
		]);
		expect(labels(['health', 'global'], {...idleView, downNodes: 2})).toEqual(['c re-check nodes', 'n check other nodes', 'X exclude down nodes from the plan', 'q quit', '? help', 'tab next pane', 'r run (review first)']);
	});

	it('shows only the dialog keys under a modal overlay', () => {
		expect(labels(['confirm', 'run', 'global'], running)).toEqual(['y yes', 'n no']);
		expect(labels(['filter', 'run', 'global'], idleView)).toEqual(['enter apply filter', 'escape cancel']);
	});

	it('leaves out global keys a scope shadows', () => {
		expect(labels(['help', 'run', 'global'], idleView)).toEqual(['escape close help', 'q quit']);
		expect(labels(['log', 'run', 'global'], {...idleView, failedNodes: 2})).toEqual(['escape close log', 'j scroll down', 'k scroll up', 'q quit', '? help']);
	});
});

describe('generated docs', () => {
	it('has a help section per scope in order', () => {
		expect(helpSections().map(section => section.title)).toEqual(['Everywhere', 'Plan pane', 'Health pane', 'Run pane', 'Help', 'Log', 'Review', 'Canary question', 'Confirmation', 'Typed node count', 'Node filter', 'Step form', 'Prompt']);
	});

	it('names the typed-count dialog\'s keys as a range, in the footer and the key table', () => {
		expect(footerBindings(['count', 'run', 'global'], idleView).map(binding => `${formatFirstKey(binding)} ${binding.label}`)).toEqual(['0-9 type the node count', 'Enter go ahead (count typed)', 'Esc cancel']);
		expect(keyTableMarkdown()).toContain('| Typed node count | `0-9` | type the node count |');
	});

	it('writes keys for people', () => {
		expect(['shift+tab', 'ctrl+c', 'enter', 'pagedown', 'shift+up', 'J', '/'].map(key => formatKey(key))).toEqual([
			'Shift-Tab',
			'Ctrl-C',
			'Enter',
			'PgDn',
			'Shift-Up',
			'J',
			'/',
		]);
	});

	it('renders the README key table with one row per binding', () => {
		const table = keyTableMarkdown();
		const lines = table.trimEnd().split('\n');
		expect(lines.slice(0, 4)).toEqual([
			'| Where | Keys | What |',
			'| --- | --- | --- |',
			'| Everywhere | `q` | quit (may ask first) |',
			'| Everywhere | `Ctrl-C` | abort the run, or quit when idle (may ask first) |',
		]);
		expect(lines).toContain('| Everywhere | `r` | run (review first) (asks first; off with `--read-only`) |');
		expect(lines).toContain('| Plan pane | `K` `Shift-Up` | move step up |');
		expect(lines).toHaveLength(bindings.length + 2);
	});
});
