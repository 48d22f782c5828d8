import {Text} from 'ink';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {createRunStore, type RunStore} from '../../source/store/run-store.js';
import {useRunState} from '../../source/ui/hooks/use-run.js';
import {eventBuilder, step} from '../helpers/events.js';

afterEach(() => {
	cleanup();
});

/** Shows how many tasks have finished, and notes each render. */
function Finished({store, renders, label}: {readonly store: RunStore; readonly renders: number[]; readonly label: string}) {
	const state = useRunState(store);
	const finished = state.tasks.values().filter(task => task.exitCode !== undefined).length;
	renders.push(finished);
	return (
		<Text>
			{label} {finished}
		</Text>
	);
}

const settle = async (ms = 30): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

describe('useRunState: what the store last told, one render per flush', () => {
	it('renders the told state, even when something else renders between flushes; the next flush brings the rest', async () => {
		const ev = eventBuilder();
		const nodes = ['n1', 'n2', 'n3'];
		// A timer that never fires: flushes happen by hand, as the shared clock would.
		const store = createRunStore({timer: {setTimeout: () => 0, clearTimeout() {}}});
		store.apply(ev.runStarted([step(1, 'status', ['cron'], nodes)]));
		store.apply(ev.stepStarted(1, nodes));
		store.flush();
		const renders: number[] = [];
		const {lastFrame, rerender} = render(<Finished store={store} renders={renders} label="finished" />);
		await settle();
		expect(renders).toEqual([0]);

		store.apply(ev.exited('n1', 1, 'cron', 0));
		store.flush();
		await settle();
		expect(renders).toEqual([0, 1]);

		// The run goes on between flushes; a render for another reason (a key) shows the frame's state, and
		// React, reading the snapshot again after that commit, finds nothing moved: no render of its own.
		store.apply(ev.exited('n2', 1, 'cron', 0));
		rerender(<Finished store={store} renders={renders} label="done" />);
		await settle();
		expect(renders).toEqual([0, 1, 1]);
		expect(lastFrame()).toBe('done 1');

		store.flush();
		await settle();
		expect(renders).toEqual([0, 1, 1, 2]);
		expect(lastFrame()).toBe('done 2');
	});
});
