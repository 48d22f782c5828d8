import {Box, Text} from 'ink';
import {formatFirstKey} from '../key-docs.js';
import {bindings as defaultBindings, footerBindings, type Binding, type KeymapView, type Scope} from '../keymap.js';
import {useTerminalSizeContext} from '../terminal-size-context.js';
import {paint, useTheme} from '../theme.js';

export type FooterProps = {
	/** The scope stack, top first (`scopesOf(uiState)`). */
	readonly scopes: readonly Scope[];
	readonly view: KeymapView;
	/** @default the terminal's width (`TerminalSizeContext`) */
	readonly width?: number;
	/** A one-line message shown instead of the hints (why a key did nothing, "saved plan.yaml"). */
	readonly notice?: string;
	/** @default the app's key table */
	readonly table?: readonly Binding[];
};

/** The hints as text: `a add step · Enter edit step · q quit`, cut at a whole entry to fit `width`. */
export function footerText(entries: readonly Binding[], width: number, separator: string, ellipsis: string): string {
	const parts = entries.map(binding => `${formatFirstKey(binding)} ${binding.label}`);
	const joiner = ` ${separator} `;
	let text = '';
	for (const part of parts) {
		const next = text === '' ? part : text + joiner + part;
		if ([...next].length > width) {
			// End with the ellipsis that says some hints did not fit, if it fits.
			const marked = text === '' ? ellipsis : text + ' ' + ellipsis;
			return [...marked].length <= width ? marked : text;
		}

		text = next;
	}

	return text;
}

/** The key hints for where the keyboard is now, generated from the key table. */
export function Footer({scopes, view, width: widthProp, notice, table = defaultBindings}: FooterProps) {
	const theme = useTheme();
	const terminal = useTerminalSizeContext();
	const width = widthProp ?? terminal.columns;
	if (notice !== undefined && notice !== '') {
		return (
			<Box width={width} height={1}>
				<Text wrap="truncate" color={paint(theme, 'yellow')}>
					{notice}
				</Text>
			</Box>
		);
	}

	const text = footerText(footerBindings(scopes, view, table), width, theme.glyphs.separator, theme.glyphs.ellipsis);
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate" color={paint(theme, 'gray')}>
				{text}
			</Text>
		</Box>
	);
}
