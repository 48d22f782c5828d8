import {Box, Text, useInput} from 'ink';
import SelectInput from 'ink-select-input';
import {useRef, useState} from 'react';
import {toKeyPress} from '../keymap.js';
import {paint, useTheme} from '../theme.js';

export type SelectListItem<V> = {
	/** React key; defaults to the label. */
	readonly key?: string;
	readonly label: string;
	readonly value: V;
};

export type SelectListProps<V> = {
	readonly items: readonly SelectListItem<V>[];
	/** Enter, or a digit 1-9 for the nth row on screen. */
	readonly onSelect: (item: SelectListItem<V>) => void;
	readonly onHighlight?: (item: SelectListItem<V>) => void;
	/** @default 0 */
	readonly initialIndex?: number;
	/** Rows shown at once; the window keeps the highlight in view. @default all */
	readonly limit?: number;
	/** Only a focused list takes keys. @default true */
	readonly isFocused?: boolean;
};

function ThemedIndicator({isSelected = false}: {readonly isSelected?: boolean}) {
	const theme = useTheme();
	return (
		<Box marginRight={1}>
			<Text color={paint(theme, 'blue')}>{isSelected ? theme.glyphs.pointer : ' '}</Text>
		</Box>
	);
}

function ThemedItem({isSelected = false, label}: {readonly isSelected?: boolean; readonly label: string}) {
	const theme = useTheme();
	return (
		<Text bold={isSelected} color={isSelected ? paint(theme, 'blue') : undefined}>
			{label}
		</Text>
	);
}

/**
 * ink-select-input 6.2, drawn as it draws itself (window, indicator column), with our own key handling.
 * Its handler reads the index from a stale closure, so Down+Enter arriving in one stdin chunk (a paste,
 * tmux send-keys, a fast script) selected the item highlighted *before* the Down (STACK.md §3.2).
 * Here the index lives in a ref that each key updates at once. ink-select-input has no controlled
 * index, only `initialIndex` read on mount, so it is keyed by the index and listens to no keys.
 */
export function SelectList<V>({items, onSelect, onHighlight, initialIndex = 0, limit, isFocused = true}: SelectListProps<V>) {
	const theme = useTheme();
	const clampIndex = (index: number): number => Math.min(Math.max(0, index), Math.max(0, items.length - 1));
	const [index, setIndex] = useState(() => clampIndex(initialIndex));
	const current = useRef(index);
	// The items can shrink under the list (a filter): keep the highlight on a real item.
	current.current = clampIndex(current.current);
	const shown = Math.min(limit ?? items.length, items.length);

	const move = (to: number): void => {
		if (items.length === 0) {
			return;
		}

		// Wrap around at both ends, as ink-select-input does.
		const next = ((to % items.length) + items.length) % items.length;
		current.current = next;
		setIndex(next);
		const item = items[next];
		if (item) {
			onHighlight?.(item);
		}
	};

	useInput(
		(input, key) => {
			const press = toKeyPress(input, key);
			switch (press.name) {
				case 'up':
				case 'k': {
					move(current.current - 1);
					break;
				}

				case 'down':
				case 'j': {
					move(current.current + 1);
					break;
				}

				case 'enter': {
					const item = items[current.current];
					if (item) {
						onSelect(item);
					}

					break;
				}

				default: {
					if (/^[1-9]$/.test(press.name) && Number(press.name) <= shown) {
						// A digit picks among the rows on screen; the window ends at the highlight once it scrolled.
						const first = Math.max(0, current.current - shown + 1);
						const item = items[first + Number(press.name) - 1];
						if (item) {
							onSelect(item);
						}
					}
				}
			}
		},
		{isActive: isFocused},
	);

	const selected = clampIndex(index);
	return (
		<SelectInput
			key={selected}
			items={items.map(item => ({key: item.key ?? item.label, label: item.label, value: item.value}))}
			initialIndex={selected}
			limit={limit}
			isFocused={false}
			indicatorComponent={ThemedIndicator}
			itemComponent={ThemedItem}
		/>
	);
}
