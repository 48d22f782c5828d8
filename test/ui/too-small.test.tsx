import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {TooSmall} from '../../source/ui/components/too-small.js';
import {computeLayout} from '../../source/ui/layout.js';
import {themeFromEnv} from '../../source/ui/theme.js';
import {renderUi} from '../helpers/ink.js';

afterEach(() => {
	cleanup();
});

describe('TooSmall', () => {
	it('says how much bigger the window must get', async () => {
		const layout = computeLayout({columns: 59, rows: 15}, 'plan');
		if (layout.kind !== 'too-small') {
			throw new Error('expected too-small');
		}

		const ui = await renderUi(<TooSmall size={layout.size} need={layout.need} />, {size: layout.size});
		expect(ui.text()).toBe(['Terminal too small (59x15)', 'svctui needs 60x15: 1 more column.', 'Enlarge the window, or run headless with --yes.'].join('\n'));
	});

	it('counts rows and columns', async () => {
		const ui = await renderUi(<TooSmall size={{columns: 50, rows: 10}} need={{columns: 60, rows: 15}} />, {theme: themeFromEnv({LANG: 'C.UTF-8'})});
		expect(ui.text().split('\n').slice(0, 2)).toEqual(['Terminal too small (50×10)', 'svctui needs 60×15: 10 more columns and 5 more rows.']);
	});
});
