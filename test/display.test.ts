import {describe, expect, it} from 'vitest';
import {maxMessageChars, shownSafely} from '../source/display.js';

describe('shownSafely: input echoed in messages and reports', () => {
	it('shows control characters as \\xNN, as node output is shown', () => {
		expect(shownSafely('node1\u001Bc\u0007')).toBe('node1\\x1bc\\x07');
		expect(shownSafely('a\u009B31mb\r\nc')).toBe('a\\x9b31mb\\x0d\\x0ac');
		expect(shownSafely('tab\tand ünïcode stay')).toBe('tab\tand ünïcode stay');
	});

	it('cuts a long quote in the middle, saying how long it was', () => {
		const shown = shownSafely(`unknown state "${'x'.repeat(900_000)}"; use one of start, stop`);
		expect(shown).toBe(`unknown state "${'x'.repeat(55)}…${'x'.repeat(20)}" (900000 characters); use one of start, stop`);
	});

	it('keeps short quotes and short messages as they are', () => {
		const message = 'run: argument 1: node set "node[1-": unclosed bracket in "node[1-"; write ranges as node[1-3,7]';
		expect(shownSafely(message)).toBe(message);
	});

	it('caps a long message without quotes, and never splits a surrogate pair', () => {
		const shown = shownSafely('😀'.repeat(5000));
		expect(shown.length).toBeLessThan(maxMessageChars + 40);
		expect(shown).toMatch(/^(😀)+… \(\d+ more characters\)$/u);
	});

	it('escapes controls inside a cut quote too', () => {
		const shown = shownSafely(`"\u001B]52;c;${'A'.repeat(200)}\u0007"`);
		expect(shown).not.toMatch(/[\u0000-\u001F]/);
		expect(shown.startsWith('"\\x1b]52;c;')).toBe(true);
	});
});
