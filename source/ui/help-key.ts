import {createContext, useContext} from 'react';

/**
 * Opens the help over whatever is on screen. The app provides it; text fields and the step form call it
 * on `?` while they have the keyboard (the app's own key handler is off then), so `?` works over every
 * overlay, as the keymap promises. No node set, service name or count contains a `?`.
 */
export const HelpKeyContext = createContext<(() => void) | undefined>(undefined);

export function useHelpKey(): (() => void) | undefined {
	return useContext(HelpKeyContext);
}
