import {Box, Text, useInput} from 'ink';
import TextInput from 'ink-text-input';
import {useRef, useState} from 'react';
import {useHelpKey} from '../help-key.js';
import {paint, useTheme} from '../theme.js';

/** A validator's verdict on what is typed so far: a hint when good (`3 nodes`), a message when not. */
export type FieldCheck = {readonly ok: true; readonly hint?: string} | {readonly ok: false; readonly message: string};

export type TextFieldProps = {
	/** Shown before the input (`Nodes`). */
	readonly label: string;
	readonly value: string;
	readonly onChange: (value: string) => void;
	/** Enter, only when `validate` accepts the value. */
	readonly onSubmit?: (value: string) => void;
	/** Esc. */
	readonly onCancel?: () => void;
	/** Checked on every render, so the message follows typing (a node set counted as you type). */
	readonly validate?: (value: string) => FieldCheck;
	readonly placeholder?: string;
	/** Only a focused field takes keys. @default true */
	readonly isFocused?: boolean;
	/** Width of the whole field; the message line is cut to it. */
	readonly width?: number;
};

/**
 * ink-text-input with its label and, under it, the validator's hint or error. While focused it takes
 * every key, Esc and Enter included (the app's own handler is off in edit mode).
 */
export function TextField({label, value, onChange, onSubmit, onCancel, validate, placeholder, isFocused = true, width}: TextFieldProps) {
	const theme = useTheme();
	const help = useHelpKey();
	const [generation, setGeneration] = useState(0);
	// ink-text-input hands `onSubmit` the value of its last render, so "web\r" arriving in one chunk
	// would submit '' (STACK.md §3.2). Keep the newest value here, updated as each change is made.
	const latest = useRef(value);
	latest.current = value;
	const submit = (): void => {
		const current = latest.current;
		if (validate === undefined || validate(current).ok) {
			onSubmit?.(current);
		}
	};

	const change = (next: string): void => {
		// Text and Enter in one chunk (a paste, tmux send-keys "web01" Enter) reach ink-text-input as
		// one input with the CR inside: keep the text, and treat the line end as Enter.
		const lineEnd = /[\r\n]/.test(next);
		// `?` is the help key here too (see help-key.ts): it opens the help and types nothing.
		const clean = next.replaceAll(/[\r\n]/g, '').replaceAll(help === undefined ? /$^/g : /\?/g, '');
		if (clean.length < next.replaceAll(/[\r\n]/g, '').length) {
			// ink-text-input moved its cursor past the `?` it did not get to type: a fresh one starts at the end.
			setGeneration(current => current + 1);
		}

		latest.current = clean;
		onChange(clean);
		if (lineEnd) {
			submit();
		}
	};

	useInput(
		(input, key) => {
			if (key.escape) {
				onCancel?.();
			} else if (input.includes('?')) {
				help?.();
			}
		},
		{isActive: isFocused},
	);
	const check = validate?.(value);
	return (
		<Box flexDirection="column" width={width}>
			<Box>
				<Text bold>{label}: </Text>
				<TextInput key={generation} value={value} placeholder={placeholder} focus={isFocused} onChange={change} onSubmit={submit} />
			</Box>
			{check === undefined ? null : check.ok ? (
				<Text wrap="truncate" color={paint(theme, 'green')}>
					{' '.repeat([...label].length + 2)}
					{check.hint ?? ''}
				</Text>
			) : (
				<Text wrap="truncate" color={paint(theme, 'red')}>
					{' '.repeat([...label].length + 2)}
					{theme.glyphs.status.failed} {check.message}
				</Text>
			)}
		</Box>
	);
}
