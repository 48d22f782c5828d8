import {createElement} from 'react';
import {afterAll, describe, expect, it} from 'vitest';

// chalk decides its colour level when first imported, and a test's stdout is not a TTY, so every
// other UI test renders without colour. This file forces colour on before loading Ink, to check that
// the theme (not the terminal) decides whether colour codes are written.
const previous = process.env['FORCE_COLOR'];
process.env['FORCE_COLOR'] = '1';
afterAll(() => {
	if (previous === undefined) {
		delete process.env['FORCE_COLOR'];
	} else {
		process.env['FORCE_COLOR'] = previous;
	}
});

const red = '\u001B[31m';
const green = '\u001B[32m';

async function frameOf(env: Record<string, string>): Promise<string> {
	const [{renderUi}, {StatusGrid}, {themeFromEnv}] = await Promise.all([
		import('../helpers/ink.js'),
		import('../../source/ui/components/status-grid.js'),
		import('../../source/ui/theme.js'),
	]);
	const grid = {
		columns: [
			{key: 'a', label: 'web01'},
			{key: 'b', label: 'web02'},
		],
		rows: [{key: 'r', label: '1 restart nginx', cells: [{status: 'ok' as const}, {status: 'failed' as const}]}],
	};
	const ui = await renderUi(createElement(StatusGrid, {grid, width: 60, height: 2}), {theme: themeFromEnv(env)});
	const frame = ui.lastFrame() ?? '';
	ui.unmount();
	return frame;
}

describe('colour in frames', () => {
	it('paints statuses when colour is on', async () => {
		const frame = await frameOf({LANG: 'C.UTF-8'});
		expect(frame).toContain(`${green}✓ ok`);
		expect(frame).toContain(`${red}✗ FAIL`);
	});

	it('writes no colour codes under NO_COLOR, and keeps glyph and word', async () => {
		const frame = await frameOf({LANG: 'C.UTF-8', NO_COLOR: '1'});
		expect(frame).not.toMatch(/\u001B\[3[0-9]m/);
		expect(frame).toContain('✓ ok');
		expect(frame).toContain('✗ FAIL');
	});
});
