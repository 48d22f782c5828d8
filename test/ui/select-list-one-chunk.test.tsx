import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {SelectList} from '../../source/ui/components/select-list.js';
import {renderUi, waitFor} from '../helpers/ink.js';
import {keys} from '../helpers/keys.js';

const items = [
	{label: 'start', value: 'start'},
	{label: 'stop', value: 'stop'},
	{label: 'restart', value: 'restart'},
	{label: 'reload', value: 'reload'},
	{label: 'status', value: 'status'},
];

afterEach(() => {
	cleanup();
});

describe('SelectList', () => {
	it('draws items with the pointer on the first', async () => {
		const ui = await renderUi(<SelectList items={items} onSelect={() => {}} />);
		expect(ui.text()).toBe(['> start', '  stop', '  restart', '  reload', '  status'].join('\n'));
	});

	it('selects the new item when Down and Enter arrive in one stdin chunk', async () => {
		const onSelect = vi.fn();
		const ui = await renderUi(<SelectList items={items} onSelect={onSelect} />);
		ui.stdin.write(keys.down + keys.enter);
		await waitFor(() => onSelect.mock.calls.length > 0, () => 'onSelect');
		expect(onSelect.mock.calls).toEqual([[{label: 'stop', value: 'stop'}]]);
	});

	it('handles several moves in one chunk, wrapping at the ends', async () => {
		const onSelect = vi.fn();
		const ui = await renderUi(<SelectList items={items} onSelect={onSelect} />);
		ui.stdin.write(keys.up + keys.up + keys.enter);
		await waitFor(() => onSelect.mock.calls.length > 0, () => 'onSelect');
		expect(onSelect.mock.calls).toEqual([[{label: 'reload', value: 'reload'}]]);
		await waitFor(() => ui.text().includes('> reload'), () => 'the pointer on reload');
	});

	it('moves the pointer one key at a time and reports the highlight', async () => {
		const onHighlight = vi.fn();
		const ui = await renderUi(<SelectList items={items} onSelect={() => {}} onHighlight={onHighlight} />);
		await ui.press('j', frame => frame.includes('> stop'));
		await ui.press(keys.down, frame => frame.includes('> restart'));
		await ui.press('k', frame => frame.includes('> stop'));
		expect(onHighlight.mock.calls.map(([item]) => (item as {value: string}).value)).toEqual(['stop', 'restart', 'stop']);
	});

	it('windows a long list to `limit` rows, keeping the highlight in view', async () => {
		const onSelect = vi.fn();
		const ui = await renderUi(<SelectList items={items} limit={3} initialIndex={1} onSelect={onSelect} />);
		expect(ui.text()).toBe(['  start', '> stop', '  restart'].join('\n'));
		await ui.press(keys.down + keys.down, frame => frame.includes('> reload'));
		expect(ui.text()).toBe(['  stop', '  restart', '> reload'].join('\n'));
		ui.stdin.write('1');
		await waitFor(() => onSelect.mock.calls.length > 0, () => 'onSelect');
		expect(onSelect.mock.calls).toEqual([[{label: 'stop', value: 'stop'}]]);
	});

	it('ignores keys when not focused', async () => {
		const onSelect = vi.fn();
		const ui = await renderUi(<SelectList items={items} isFocused={false} onSelect={onSelect} />);
		ui.stdin.write(keys.down + keys.enter);
		const probe = vi.fn();
		// A focused sibling proves the keys were delivered and handled before we look.
		ui.rerender(
			<>
				<SelectList items={items} isFocused={false} onSelect={onSelect} />
				<SelectList items={[{label: 'probe', value: 'probe'}]} onSelect={probe} />
			</>,
		);
		await waitFor(() => ui.text().includes('probe'));
		ui.stdin.write(keys.enter);
		await waitFor(() => probe.mock.calls.length > 0, () => 'the probe list');
		expect(onSelect).not.toHaveBeenCalled();
		expect(ui.text()).toContain('> start');
	});
});
