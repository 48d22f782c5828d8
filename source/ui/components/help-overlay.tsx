import {Box, Text} from 'ink';
import {formatKeys, helpSections} from '../key-docs.js';
import {bindings as defaultBindings, disabledReasonOf, type Binding, type KeymapView} from '../keymap.js';
import {useTerminalSizeContext} from '../terminal-size-context.js';
import {paint, useTheme} from '../theme.js';

/** One line of the help: a section title or a binding. */
export type HelpLine =
	| {readonly kind: 'title'; readonly text: string}
	| {readonly kind: 'binding'; readonly keys: string; readonly label: string; readonly disabled: string | undefined};

/** The help's lines, generated from the key table; the app clamps `scroll` against their count. */
export function helpLines(view: KeymapView, table: readonly Binding[] = defaultBindings): readonly HelpLine[] {
	const lines: HelpLine[] = [];
	for (const section of helpSections(table)) {
		lines.push({kind: 'title', text: section.title});
		for (const binding of section.bindings) {
			lines.push({kind: 'binding', keys: formatKeys(binding), label: binding.label, disabled: disabledReasonOf(binding, view)});
		}
	}

	return lines;
}

export type HelpOverlayProps = {
	/** @default the terminal's width (`TerminalSizeContext`) */
	readonly width?: number;
	/** @default the terminal's height less the footer line */
	readonly height?: number;
	/** Lines scrolled down (`UiState.helpScroll`). */
	readonly scroll: number;
	/** Disabled bindings are shown dim with their reason. */
	readonly view: KeymapView;
	/** @default the app's key table */
	readonly table?: readonly Binding[];
	/** The lines from the app's layout pass; `helpLines(view, table)` when drawn alone. */
	readonly lines?: readonly HelpLine[];
};

/** Lines of the help box that are not content: border (2), title, blank line under it, hint line. */
export const helpChromeRows = 5;

/** Every key, by scope, in a bordered box; scrolls with j/k. Generated from the same table as the footer. */
export function HelpOverlay({width: widthProp, height: heightProp, scroll, view, table = defaultBindings, lines: given}: HelpOverlayProps) {
	const theme = useTheme();
	const terminal = useTerminalSizeContext();
	const width = widthProp ?? terminal.columns;
	const height = heightProp ?? terminal.rows - 1;
	const lines = given ?? helpLines(view, table);
	const visible = Math.max(1, height - helpChromeRows);
	const first = Math.min(Math.max(0, scroll), Math.max(0, lines.length - visible));
	const keysWidth = Math.max(...lines.map(line => (line.kind === 'binding' ? [...line.keys].length : 0))) + 2;
	const pad = (text: string): string => text + ' '.repeat(Math.max(0, keysWidth - [...text].length));
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle={theme.glyphs.unicode ? 'round' : 'classic'} paddingX={1} overflow="hidden">
			<Text bold>Keys</Text>
			<Text> </Text>
			{lines.slice(first, first + visible).map((line, index) =>
				line.kind === 'title' ? (
					// eslint-disable-next-line react/no-array-index-key
					<Text key={`${first + index}`} bold color={paint(theme, 'cyan')}>
						{line.text}
					</Text>
				) : (
					// eslint-disable-next-line react/no-array-index-key
					<Text key={`${first + index}`} wrap="truncate" dimColor={line.disabled !== undefined}>
						{pad(line.keys)}
						{line.label}
						{line.disabled === undefined ? '' : ` (${line.disabled})`}
					</Text>
				),
			)}
			<Box flexGrow={1} />
			<Text color={paint(theme, 'gray')} wrap="truncate">
				Esc close {theme.glyphs.separator} j/k scroll {theme.glyphs.separator} {first + 1}-{Math.min(lines.length, first + visible)} of {lines.length}
			</Text>
		</Box>
	);
}
