/** Key presses as the keymap names them, from Ink's `useInput` arguments. Pure, and free of Ink. */

/**
 * One key press, normalized. `name` is the canonical name the table uses: the printed character for
 * printable keys (`j`, `J`, `?`, `/`), else a named key with modifiers in the order ctrl, meta, shift
 * (`enter`, `escape`, `space`, `tab`, `shift+tab`, `shift+up`, `ctrl+c`, `pagedown`).
 */
export type KeyPress = {
	readonly name: string;
	/** The text the key typed, as Ink gave it ('' for named keys). */
	readonly input: string;
};

/**
 * The flags of Ink's `Key` that matter here. Declared locally so this module stays free of Ink (it is
 * pure and tested without rendering); Ink's `Key` is assignable to it.
 */
export type KeyFlags = Readonly<
	Partial<
		Record<
			'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab' | 'backspace' | 'delete' | 'ctrl' | 'shift' | 'meta',
			boolean
		>
	>
>;

/** Build a `KeyPress` from Ink's `useInput` arguments. */
export function toKeyPress(input: string, key: KeyFlags): KeyPress {
	const named = namedKey(key);
	if (named === undefined) {
		if (input === ' ') {
			return {name: 'space', input};
		}

		if (key.ctrl && input.length === 1) {
			return {name: `ctrl+${input.toLowerCase()}`, input};
		}

		// Uppercase letters arrive with `shift` set by Ink; the letter itself already says it.
		return {name: key.meta && input.length === 1 ? `meta+${input}` : input, input};
	}

	// Ink reports Escape with `meta` set, for compatibility; it is not a modifier here.
	if (named === 'escape') {
		return {name: named, input};
	}

	const modifiers = [key.ctrl ? 'ctrl+' : '', key.meta ? 'meta+' : '', key.shift ? 'shift+' : ''].join('');
	return {name: modifiers + named, input};
}

function namedKey(key: KeyFlags): string | undefined {
	const names: ReadonlyArray<[boolean | undefined, string]> = [
		[key.return, 'enter'],
		[key.escape, 'escape'],
		[key.tab, 'tab'],
		[key.upArrow, 'up'],
		[key.downArrow, 'down'],
		[key.leftArrow, 'left'],
		[key.rightArrow, 'right'],
		[key.pageUp, 'pageup'],
		[key.pageDown, 'pagedown'],
		[key.home, 'home'],
		[key.end, 'end'],
		[key.backspace, 'backspace'],
		[key.delete, 'delete'],
	];
	return names.find(([on]) => on === true)?.[1];
}

/** Several printable characters with no modifier or named key: keys typed faster than they were read. */
export function isTypedText(input: string, key: KeyFlags): boolean {
	const flags: ReadonlyArray<keyof KeyFlags> = ['ctrl', 'meta', 'return', 'escape', 'tab', 'backspace', 'delete', 'upArrow', 'downArrow', 'leftArrow', 'rightArrow', 'pageUp', 'pageDown', 'home', 'end'];
	return [...input].length > 1 && !flags.some(flag => key[flag] === true) && /^[\x20-\x7E\t\r]+$/.test(input);
}
