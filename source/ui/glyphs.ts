/**
 * Every status the TUI draws: the store's node statuses plus `cancelled` (a task cut short by an abort).
 * Each one has a glyph, a colour and a word (see `theme.ts`), so a cell still reads without colour.
 */
export const cellStatuses = [
	'pending',
	'connecting',
	'running',
	'ok',
	'failed',
	'timed-out',
	'unreachable',
	'skipped',
	'cancelled',
	// What a status query found (issue 10): a state, not a failure.
	'service-running',
	'service-stopped',
	'service-failed',
	'service-not-installed',
] as const;
export type CellStatus = (typeof cellStatuses)[number];

/** The characters the UI draws with. Two sets: UTF-8 terminals get symbols, everything else plain ASCII. */
export type Glyphs = {
	readonly unicode: boolean;
	readonly status: Readonly<Record<CellStatus, string>>;
	/** Filled and empty cells of a progress bar. */
	readonly barFull: string;
	readonly barEmpty: string;
	/** Marks cut text and lists that go on past the edge. */
	readonly ellipsis: string;
	/** Points at the highlighted row of a list. */
	readonly pointer: string;
	/** Between footer entries and other inline items. */
	readonly separator: string;
};

export const unicodeGlyphs: Glyphs = {
	unicode: true,
	status: {
		pending: '·',
		connecting: '⇄',
		running: '…',
		ok: '✓',
		failed: '✗',
		'timed-out': '⏱',
		unreachable: '?',
		skipped: '⊘',
		cancelled: '⊘',
		'service-running': '●',
		'service-stopped': '○',
		'service-failed': '⊗',
		'service-not-installed': '∅',
	},
	barFull: '█',
	barEmpty: '░',
	ellipsis: '…',
	pointer: '▸',
	separator: '·',
};

export const asciiGlyphs: Glyphs = {
	unicode: false,
	status: {
		pending: '.',
		connecting: '~',
		running: '*',
		ok: '+',
		failed: 'x',
		'timed-out': 'T',
		unreachable: '?',
		skipped: '-',
		cancelled: '-',
		'service-running': 'R',
		'service-stopped': 'S',
		'service-failed': '!',
		'service-not-installed': '_',
	},
	barFull: '#',
	barEmpty: '-',
	ellipsis: '...',
	pointer: '>',
	separator: '|',
};

/**
 * Whether the terminal's character set is UTF-8, decided as the C library decides `LC_CTYPE`: the first
 * non-empty of `LC_ALL`, `LC_CTYPE`, `LANG`. Unset (the `C`/`POSIX` locale) means ASCII, which is what a
 * serial console or a bare `env -i` session can show.
 */
export function supportsUnicode(env: Readonly<Record<string, string | undefined>>): boolean {
	const locale = [env['LC_ALL'], env['LC_CTYPE'], env['LANG']].find(value => value !== undefined && value !== '');
	return locale !== undefined && /utf-?8/i.test(locale);
}

/** The glyph set for this environment. */
export function glyphsFor(env: Readonly<Record<string, string | undefined>>): Glyphs {
	return supportsUnicode(env) ? unicodeGlyphs : asciiGlyphs;
}
