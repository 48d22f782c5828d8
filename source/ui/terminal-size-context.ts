import {createContext, useContext} from 'react';
import type {Size} from './layout.js';

/** Used when nothing provides a size: the classic terminal. */
export const defaultTerminalSize: Size = {columns: 80, rows: 24};

/**
 * The terminal size, provided once at the root. In production it comes from `useTerminalSize()`;
 * tests provide a fixed value. Components read it here and never from `process.stdout`
 * (ink-testing-library's stdout has no `rows`, and Ink would fall back to the real terminal's).
 */
export const TerminalSizeContext = createContext<Size>(defaultTerminalSize);

/** The terminal size from the nearest provider. */
export function useTerminalSizeContext(): Size {
	return useContext(TerminalSizeContext);
}
