import {Text} from 'ink';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {useTerminalSize} from '../../source/ui/hooks/use-terminal-size.js';
import {TerminalSizeContext, useTerminalSizeContext} from '../../source/ui/terminal-size-context.js';
import {plain, waitForFrame} from '../helpers/ink.js';

afterEach(() => {
	cleanup();
});

function ShowLive() {
	const size = useTerminalSize();
	return (
		<Text>
			{size.columns}x{size.rows}
		</Text>
	);
}

function ShowContext() {
	const size = useTerminalSizeContext();
	return (
		<Text>
			{size.columns}x{size.rows}
		</Text>
	);
}

describe('useTerminalSize', () => {
	it('falls back to 24 rows when stdout has none, and follows resize events', async () => {
		const ui = render(<ShowLive />);
		// ink-testing-library: 100 columns, no rows.
		await waitForFrame(ui, frame => frame === '100x24');
		Object.defineProperty(ui.stdout, 'columns', {value: 120, configurable: true});
		Object.defineProperty(ui.stdout, 'rows', {value: 40, configurable: true});
		ui.stdout.emit('resize');
		expect(await waitForFrame(ui, frame => frame === '120x40')).toBe('120x40');
	});
});

describe('TerminalSizeContext', () => {
	it('gives components the provided size, not the real terminal’s', () => {
		const ui = render(
			<TerminalSizeContext.Provider value={{columns: 59, rows: 15}}>
				<ShowContext />
			</TerminalSizeContext.Provider>,
		);
		expect(plain(ui.lastFrame())).toBe('59x15');
		const bare = render(<ShowContext />);
		expect(plain(bare.lastFrame())).toBe('80x24');
	});
});
