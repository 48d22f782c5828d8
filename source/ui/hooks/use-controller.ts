import {createContext, useContext, useSyncExternalStore} from 'react';
import type {TuiController, TuiState} from '../../tui/contract.js';

/** The side-effect controller, provided once by the app's root. */
export const ControllerContext = createContext<TuiController | undefined>(undefined);

/** The controller from the nearest provider. */
export function useController(): TuiController {
	const controller = useContext(ControllerContext);
	if (controller === undefined) {
		throw new Error('useController: no ControllerContext.Provider above this component');
	}

	return controller;
}

/** The controller's state (plan, pre-flight, run, health), re-rendering when it changes. */
export function useTui(): TuiState {
	const controller = useController();
	return useSyncExternalStore(controller.subscribe, controller.getPublished);
}
