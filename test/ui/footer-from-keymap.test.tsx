import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {Footer, footerText} from '../../source/ui/components/footer.js';
import {idleView, type KeymapView} from '../../source/ui/keymap.js';
import {themeFromEnv} from '../../source/ui/theme.js';
import {renderUi} from '../helpers/ink.js';

afterEach(() => {
	cleanup();
});

const running: KeymapView = {...idleView, runActive: true};

describe('Footer', () => {
	it('fits whole hints into 80 columns and marks the cut', async () => {
		const ui = await renderUi(<Footer scopes={['plan', 'global']} view={idleView} />, {size: {columns: 80, rows: 24}});
		expect(ui.text()).toBe('a add step | Enter edit step | d delete step | Space enable/disable step ...');
	});

	it('shows more at 120 columns', async () => {
		const ui = await renderUi(<Footer scopes={['plan', 'global']} view={idleView} />, {size: {columns: 120, rows: 40}});
		expect(ui.text()).toBe('a add step | Enter edit step | d delete step | Space enable/disable step | e edit in $EDITOR | q quit | ? help ...');
	});

	it('follows the focused pane and the run state', async () => {
		const ui = await renderUi(<Footer scopes={['run', 'global']} view={running} />, {size: {columns: 120, rows: 40}, theme: themeFromEnv({LANG: 'en_US.UTF-8'})});
		expect(ui.text()).toBe('Enter select node · f follow · b gathered view · / filter nodes · p pause · q quit · ? help · Tab next pane …');
	});

	it('shows only the dialog keys while a dialog is open', async () => {
		const ui = await renderUi(<Footer scopes={['confirm', 'run', 'global']} view={running} />);
		expect(ui.text()).toBe('y yes | n no');
	});

	it('shows a notice instead of the hints', async () => {
		const ui = await renderUi(<Footer scopes={['run', 'global']} view={idleView} notice="x: no run is active" />);
		expect(ui.text()).toBe('x: no run is active');
	});
});

describe('footerText', () => {
	it('never exceeds the width', () => {
		const entries = [{keys: ['a'], command: 'plan.add-step', scope: 'plan', label: 'add step'}] as const;
		expect(footerText(entries, 10, '|', '...')).toBe('a add step');
		expect(footerText(entries, 9, '|', '...')).toBe('...');
		expect(footerText(entries, 2, '|', '...')).toBe('');
		expect(footerText([...entries, ...entries], 16, '|', '...')).toBe('a add step ...');
	});
});
