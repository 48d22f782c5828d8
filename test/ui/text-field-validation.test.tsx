import {useState} from 'react';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {TextField, type FieldCheck} from '../../source/ui/components/text-field.js';
import {renderUi, tick, waitFor} from '../helpers/ink.js';
import {keys} from '../helpers/keys.js';

afterEach(() => {
	cleanup();
});

/** A stand-in for the node-set parser: comma-separated names, no spaces. */
function countNodes(value: string): FieldCheck {
	if (value.trim() === '') {
		return {ok: false, message: 'type a node set'};
	}

	if (/\s/.test(value)) {
		return {ok: false, message: `no spaces in a node set (at ${value.search(/\s/) + 1})`};
	}

	const count = value.split(',').filter(Boolean).length;
	return {ok: true, hint: `${count} node${count === 1 ? '' : 's'}`};
}

type HarnessProps = {readonly onSubmit: (value: string) => void; readonly onCancel?: () => void; readonly initial?: string};

function Harness({onSubmit, onCancel, initial = ''}: HarnessProps) {
	const [value, setValue] = useState(initial);
	return <TextField label="Nodes" value={value} validate={countNodes} onChange={setValue} onSubmit={onSubmit} onCancel={onCancel} />;
}

describe('TextField', () => {
	it('validates as you type, under the input', async () => {
		const ui = await renderUi(<Harness onSubmit={() => {}} />);
		expect(ui.text()).toBe(['Nodes:', '       x type a node set'].join('\n'));
		await ui.press('web1', frame => frame.includes('1 node'));
		expect(ui.text()).toBe(['Nodes: web1', '       1 node'].join('\n'));
		await ui.press(',', frame => frame.startsWith('Nodes: web1,'));
		await ui.press('web2', frame => frame.includes('2 nodes'));
		await ui.press(' ', frame => frame.includes('no spaces'));
		expect(ui.text()).toBe(['Nodes: web1,web2', '       x no spaces in a node set (at 10)'].join('\n'));
	});

	it('submits only a valid value', async () => {
		const onSubmit = vi.fn();
		const ui = await renderUi(<Harness initial="web1 " onSubmit={onSubmit} />);
		ui.stdin.write(keys.enter);
		await tick();
		await ui.press(keys.backspace, frame => frame.includes('1 node'));
		ui.stdin.write(keys.enter);
		await waitFor(() => onSubmit.mock.calls.length > 0, () => 'onSubmit');
		expect(onSubmit.mock.calls).toEqual([['web1']]);
	});

	it('submits what was typed when text and Enter arrive in one chunk', async () => {
		const onSubmit = vi.fn();
		const ui = await renderUi(<Harness onSubmit={onSubmit} />);
		ui.stdin.write('web1,web2' + keys.enter);
		await waitFor(() => onSubmit.mock.calls.length > 0, () => 'onSubmit');
		expect(onSubmit.mock.calls).toEqual([['web1,web2']]);
	});

	it('cancels on Esc', async () => {
		const onCancel = vi.fn();
		const ui = await renderUi(<Harness onSubmit={() => {}} onCancel={onCancel} />);
		// Ink holds a lone ESC for 20 ms in case a sequence follows: wait for the call, not a fixed time.
		ui.stdin.write(keys.escape);
		await waitFor(() => onCancel.mock.calls.length > 0, () => 'onCancel');
		expect(ui.text()).toBe(['Nodes:', '       x type a node set'].join('\n'));
	});
});
