import {Box, Text} from 'ink';
import {useState} from 'react';
import {useTerminalSizeContext} from '../terminal-size-context.js';
import {paint, useTheme} from '../theme.js';
import {TextField, type FieldCheck} from './text-field.js';

/**
 * - `yes-no`: y/Enter or n/Esc, routed by the app's keymap (`confirm` scope); the dialog only draws.
 * - `type-count`: the blast-radius gate; the user types the number of nodes the command will touch.
 *   The dialog's text field takes the keys (edit mode) and calls `onConfirm` / `onCancel`.
 */
export type ConfirmVariant = {readonly kind: 'yes-no'} | {readonly kind: 'type-count'; readonly count: number; readonly noun?: string};

export type ConfirmDialogProps = {
	/** The question (`Restart nginx on 240 nodes?`). */
	readonly title: string;
	/** What will happen, one line each (the review of the plan). */
	readonly lines?: readonly string[];
	/** @default the terminal's width less 4, at most 72 */
	readonly width?: number;
	readonly variant: ConfirmVariant;
	/** `type-count` only: the right number was typed and Enter pressed. */
	readonly onConfirm?: () => void;
	/** `type-count` only: Esc. */
	readonly onCancel?: () => void;
	/** @default true */
	readonly isFocused?: boolean;
};

/** The check the typed confirmation runs: the exact count, nothing else. */
export function countCheck(count: number, noun: string): (value: string) => FieldCheck {
	return value => {
		const typed = value.trim();
		if (typed === String(count)) {
			return {ok: true, hint: `Enter: go ahead on ${count} ${noun}`};
		}

		return {ok: false, message: typed === '' ? `type ${count}` : `${typed} is not ${count}`};
	};
}

/** A bordered question over the panes. */
export function ConfirmDialog({title, lines = [], width: widthProp, variant, onConfirm, onCancel, isFocused = true}: ConfirmDialogProps) {
	const theme = useTheme();
	const terminal = useTerminalSizeContext();
	const width = widthProp ?? Math.min(72, terminal.columns - 4);
	const [typed, setTyped] = useState('');
	return (
		<Box flexDirection="column" width={width} borderStyle={theme.glyphs.unicode ? 'round' : 'classic'} borderColor={paint(theme, 'yellow')} paddingX={1}>
			<Text bold wrap="wrap">
				{title}
			</Text>
			{lines.map((line, index) => (
				// eslint-disable-next-line react/no-array-index-key
				// Wrapped, never cut: the line says what the command will do, and a cut sentence hides it.
				<Text key={index} wrap="wrap">
					{line}
				</Text>
			))}
			<Text> </Text>
			{variant.kind === 'yes-no' ? (
				<Text>
					<Text bold color={paint(theme, 'green')}>
						y
					</Text>{' '}
					yes {theme.glyphs.separator}{' '}
					<Text bold color={paint(theme, 'red')}>
						n
					</Text>{' '}
					no
				</Text>
			) : (
				<Box flexDirection="column">
					<Text wrap="wrap">
						Type the number of {variant.noun ?? 'nodes'} ({variant.count}), then Enter; Esc cancels.
					</Text>
					<TextField
						label="Count"
						value={typed}
						validate={countCheck(variant.count, variant.noun ?? 'nodes')}
						isFocused={isFocused}
						width={Math.max(1, width - 4)}
						onChange={setTyped}
						onSubmit={() => onConfirm?.()}
						onCancel={() => onCancel?.()}
					/>
				</Box>
			)}
		</Box>
	);
}
