import {useSyncExternalStore} from 'react';
import type {RunStore} from '../../store/run-store.js';
import {initialRunState, type RunState} from '../../store/run-state.js';

const noStore = {
	subscribe: () => () => undefined,
	getPublished: () => initialRunState,
};

/**
 * The run's state through `useSyncExternalStore`. The store tells listeners at most once per flush
 * (40 ms), so thousands of output lines cost a handful of renders. Derive with `useMemo` on the
 * snapshot: it only changes when the store flushed something new (the published state, not the live one).
 */
export function useRunState(store: RunStore | undefined): RunState {
	const source = store ?? noStore;
	return useSyncExternalStore(source.subscribe, source.getPublished);
}
