import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {formatDuration, ProgressBar} from '../../source/ui/components/progress-bar.js';
import {themeFromEnv} from '../../source/ui/theme.js';
import {renderUi} from '../helpers/ink.js';

afterEach(() => {
	cleanup();
});

const utf = themeFromEnv({LANG: 'en_US.UTF-8'});

describe('ProgressBar', () => {
	it('fills the given width with bar, counts, elapsed time and ETA', async () => {
		const ui = await renderUi(<ProgressBar width={80} done={12} total={40} ok={10} failed={2} elapsedMs={12_000} etaMs={30_000} label="step 2/5" />);
		expect(ui.text()).toBe('step 2/5 [###########---------------------------] 12/40 + 10 x 2 00:12 ETA 00:30');
		expect(ui.text()).toHaveLength(80);
	});

	it('draws with symbols in a UTF-8 locale', async () => {
		const ui = await renderUi(<ProgressBar width={60} done={39} total={40} ok={39} failed={0} elapsedMs={3_723_000} etaMs={95_000} />, {theme: utf});
		expect(ui.text()).toBe('[████████████████████████░] 39/40 ✓ 39 ✗ 0 1:02:03 ETA 01:35');
		expect(ui.text()).toHaveLength(60);
	});

	it('says how long the step took once every task is done, instead of an empty ETA', async () => {
		const ui = await renderUi(<ProgressBar width={80} done={6} total={6} ok={4} failed={2} elapsedMs={83_000} label="step 1" />);
		expect(ui.text()).toBe('step 1 [################################################] 6/6 + 4 x 2 took 01:23');
		expect(ui.text()).toHaveLength(80);
		expect(ui.text()).not.toContain('ETA');
	});

	it('drops the label, then the ETA, when the line is short', async () => {
		const props = {done: 1, total: 4, ok: 1, failed: 0, elapsedMs: 5000, etaMs: 15_000, label: 'step 1/1'};
		const wide = await renderUi(<ProgressBar width={50} {...props} />);
		expect(wide.text()).toBe('step 1/1 [###--------] 1/4 + 1 x 0 00:05 ETA 00:15');
		expect(wide.text()).toHaveLength(50);
		wide.rerender(<ProgressBar width={40} {...props} />);
		expect(wide.text()).toBe('[###-------] 1/4 + 1 x 0 00:05 ETA 00:15');
		wide.rerender(<ProgressBar width={28} {...props} />);
		expect(wide.text()).toBe('[##------] 1/4 + 1 x 0 00:05');
	});

	it('shows an empty bar when there is nothing to do yet', async () => {
		const ui = await renderUi(<ProgressBar width={40} done={0} total={0} ok={0} failed={0} elapsedMs={0} />);
		expect(ui.text()).toBe('[----------] 0/0 + 0 x 0 00:00 ETA --:--');
	});
});

describe('formatDuration', () => {
	it.each([
		[0, '00:00'],
		[59_999, '00:59'],
		[61_000, '01:01'],
		[3_600_000, '1:00:00'],
		[-1, '--:--'],
		[Number.NaN, '--:--'],
		[undefined, '--:--'],
	])('%s ms → %s', (ms, text) => {
		expect(formatDuration(ms)).toBe(text);
	});
});
