import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {ConfirmDialog, countCheck} from '../../source/ui/components/confirm-dialog.js';
import {renderUi, tick, waitFor} from '../helpers/ink.js';
import {keys} from '../helpers/keys.js';

afterEach(() => {
	cleanup();
});

describe('ConfirmDialog', () => {
	it('asks a yes/no question at 80×24', async () => {
		const ui = await renderUi(<ConfirmDialog title="Quit while a run is active?" lines={['The run will be aborted on 12 nodes.']} variant={{kind: 'yes-no'}} />);
		expect(ui.text()).toBe(
			[
				'+----------------------------------------------------------------------+',
				'| Quit while a run is active?                                          |',
				'| The run will be aborted on 12 nodes.                                 |',
				'|                                                                      |',
				'| y yes | n no                                                         |',
				'+----------------------------------------------------------------------+',
			].join('\n'),
		);
	});

	it('wraps a long line inside the dialog at 80 columns instead of cutting it', async () => {
		const ui = await renderUi(
			<ConfirmDialog title="Retry 2 failed tasks?" lines={['Only the failed services run again, only on the nodes where they failed.']} variant={{kind: 'yes-no'}} width={64} />,
		);
		expect(ui.text()).toBe(
			[
				'+--------------------------------------------------------------+',
				'| Retry 2 failed tasks?                                        |',
				'| Only the failed services run again, only on the nodes where  |',
				'| they failed.                                                 |',
				'|                                                              |',
				'| y yes | n no                                                 |',
				'+--------------------------------------------------------------+',
			].join('\n'),
		);
	});

	it('takes the width it is given', async () => {
		const ui = await renderUi(<ConfirmDialog title="Delete step 2?" width={30} variant={{kind: 'yes-no'}} />, {size: {columns: 120, rows: 40}});
		expect(ui.text().split('\n')[0]).toBe('+' + '-'.repeat(28) + '+');
	});

	it('makes the user type the node count before a big run', async () => {
		const onConfirm = vi.fn();
		const onCancel = vi.fn();
		const ui = await renderUi(
			<ConfirmDialog
				title="Restart nginx on 240 nodes?"
				lines={['step 1: restart nginx on web[001-240]']}
				variant={{kind: 'type-count', count: 240}}
				onConfirm={onConfirm}
				onCancel={onCancel}
			/>,
			{size: {columns: 120, rows: 40}},
		);
		expect(ui.text()).toBe(
			[
				'+----------------------------------------------------------------------+',
				'| Restart nginx on 240 nodes?                                          |',
				'| step 1: restart nginx on web[001-240]                                |',
				'|                                                                      |',
				'| Type the number of nodes (240), then Enter; Esc cancels.             |',
				'| Count:                                                               |',
				'|        x type 240                                                    |',
				'+----------------------------------------------------------------------+',
			].join('\n'),
		);
		ui.stdin.write(keys.enter);
		await tick();
		await ui.press('24', frame => frame.includes('x 24 is not 240'));
		ui.stdin.write(keys.enter);
		await tick();
		await ui.press('0', frame => frame.includes('Enter: go ahead on 240 nodes'));
		expect(onConfirm).not.toHaveBeenCalled();
		ui.stdin.write(keys.enter);
		await waitFor(() => onConfirm.mock.calls.length > 0, () => 'onConfirm');
		expect(onConfirm).toHaveBeenCalledTimes(1);
		expect(onCancel).not.toHaveBeenCalled();
	});

	it('cancels the typed confirmation on Esc', async () => {
		const onCancel = vi.fn();
		const ui = await renderUi(<ConfirmDialog title="Stop cron on 64 nodes?" variant={{kind: 'type-count', count: 64}} onCancel={onCancel} />);
		ui.stdin.write(keys.escape);
		await waitFor(() => onCancel.mock.calls.length > 0, () => 'onCancel');
		expect(onCancel).toHaveBeenCalledTimes(1);
	});
});

describe('countCheck', () => {
	it('accepts exactly the count', () => {
		const check = countCheck(240, 'nodes');
		expect(check(' 240 ')).toEqual({ok: true, hint: 'Enter: go ahead on 240 nodes'});
		expect(check('')).toEqual({ok: false, message: 'type 240'});
		expect(check('2400')).toEqual({ok: false, message: '2400 is not 240'});
	});
});
