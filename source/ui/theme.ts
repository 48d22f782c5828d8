import {createContext, useContext} from 'react';
import {assertNever} from '../errors.js';
import {asciiGlyphs, glyphsFor, type CellStatus, type Glyphs} from './glyphs.js';

/** A colour name Ink's `<Text color>` accepts. */
export type ColorName = 'green' | 'red' | 'yellow' | 'cyan' | 'magenta' | 'blue' | 'gray';

/** How to draw things in this terminal. Components read it from `ThemeContext`, never from `process.env`. */
export type Theme = {
	/** False under `NO_COLOR` (no-color.org) or `TERM=dumb`: components then pass no colour at all. */
	readonly color: boolean;
	readonly glyphs: Glyphs;
};

/** What a status looks like: the glyph, the colour (absent when colour is off) and a word for it. */
export type StatusStyle = {
	readonly glyph: string;
	readonly color: ColorName | undefined;
	/** At most 4 characters, for grid cells (`ok`, `FAIL`, `DOWN`). */
	readonly short: string;
	/** The full word, for lists and the help (`timed out`). */
	readonly label: string;
};

/**
 * The theme for an environment. `NO_COLOR` counts when set to anything but the empty string, as
 * no-color.org says; `TERM=dumb` turns colour off too. Glyphs follow the locale (see `glyphs.ts`).
 */
export function themeFromEnv(env: Readonly<Record<string, string | undefined>>): Theme {
	const noColor = (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') || env['TERM'] === 'dumb';
	return {color: !noColor, glyphs: glyphsFor(env)};
}

/** Colour, ASCII: what tests and contexts without a provider get. */
export const defaultTheme: Theme = {color: true, glyphs: asciiGlyphs};

export const ThemeContext = createContext<Theme>(defaultTheme);

/** The current theme. */
export function useTheme(): Theme {
	return useContext(ThemeContext);
}

function baseStyle(status: CellStatus): {color: ColorName; short: string; label: string} {
	switch (status) {
		case 'pending': {
			return {color: 'gray', short: 'wait', label: 'pending'};
		}

		case 'connecting': {
			return {color: 'cyan', short: 'conn', label: 'connecting'};
		}

		case 'running': {
			return {color: 'yellow', short: 'run', label: 'running'};
		}

		case 'ok': {
			return {color: 'green', short: 'ok', label: 'ok'};
		}

		case 'failed': {
			return {color: 'red', short: 'FAIL', label: 'failed'};
		}

		case 'timed-out': {
			return {color: 'magenta', short: 'TIME', label: 'timed out'};
		}

		case 'unreachable': {
			return {color: 'red', short: 'DOWN', label: 'unreachable'};
		}

		case 'skipped': {
			return {color: 'gray', short: 'skip', label: 'skipped'};
		}

		case 'cancelled': {
			return {color: 'gray', short: 'cncl', label: 'cancelled'};
		}

		case 'service-running': {
			return {color: 'green', short: 'up', label: 'running'};
		}

		case 'service-stopped': {
			return {color: 'yellow', short: 'stop', label: 'stopped'};
		}

		case 'service-failed': {
			return {color: 'red', short: 'dead', label: 'failed state'};
		}

		case 'service-not-installed': {
			return {color: 'gray', short: 'none', label: 'not installed'};
		}

		default: {
			return assertNever(status);
		}
	}
}

/** Glyph, colour and word for a status under a theme. */
export function statusStyle(theme: Theme, status: CellStatus): StatusStyle {
	const base = baseStyle(status);
	return {glyph: theme.glyphs.status[status], color: theme.color ? base.color : undefined, short: base.short, label: base.label};
}

/** A colour if the theme has colour on, else undefined (so `<Text color={paint(theme, 'red')}>` stays plain). */
export function paint(theme: Theme, color: ColorName): ColorName | undefined {
	return theme.color ? color : undefined;
}
