import {Box, Text} from 'ink';
import {useState} from 'react';
import {TextField, type FieldCheck} from '../components/text-field.js';
import {useTheme} from '../theme.js';

export type PromptOverlayProps = {
	readonly title: string;
	readonly label: string;
	readonly initial?: string;
	readonly placeholder?: string;
	readonly validate?: (value: string) => FieldCheck;
	readonly width: number;
	readonly onSubmit: (value: string) => void;
	readonly onCancel: () => void;
	/** Takes keys; false while the help is over it. @default true */
	readonly isActive?: boolean;
};

/** One line of text in a box (a plan file, a node set, a filter); the field takes every key while open. */
export function PromptOverlay({title, label, initial = '', placeholder, validate, width, onSubmit, onCancel, isActive = true}: PromptOverlayProps) {
	const theme = useTheme();
	const [value, setValue] = useState(initial);
	return (
		<Box flexDirection="column" width={width} borderStyle={theme.glyphs.unicode ? 'round' : 'classic'} paddingX={1}>
			<Text bold wrap="truncate">
				{title}
			</Text>
			<TextField
				label={label}
				value={value}
				onChange={setValue}
				onSubmit={onSubmit}
				onCancel={onCancel}
				width={width - 4}
				isFocused={isActive}
				{...(validate ? {validate} : {})}
				{...(placeholder ? {placeholder} : {})}
			/>
		</Box>
	);
}
