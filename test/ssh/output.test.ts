import {describe, expect, it} from 'vitest';
import {LineSplitter, maxLineChars, neutralizeControls} from '../../source/ssh/output.js';

function split(...chunks: (string | Buffer)[]): string[] {
	const splitter = new LineSplitter();
	return [...chunks.flatMap(chunk => splitter.push(chunk)), ...splitter.end()];
}

describe('neutralizeControls', () => {
	it('shows C0 controls (except TAB), DEL and C1 controls as \\xNN escapes', () => {
		expect(neutralizeControls('\u001b]0;pwned\u0007ok')).toBe('\\x1b]0;pwned\\x07ok');
		expect(neutralizeControls('\u0000\u0001\u0008\u000b\u000c\u000d\u001f\u007f')).toBe('\\x00\\x01\\x08\\x0b\\x0c\\x0d\\x1f\\x7f');
		expect(neutralizeControls('a\u0080b\u009bc\u009d')).toBe('a\\x80b\\x9bc\\x9d');
	});

	it('keeps TAB, backslashes and printable text, non-ASCII included, unchanged', () => {
		const text = 'a\tb \\x1b C:\\path ü é ß 日本語 😀 \u00a0\u00ff\u2028 é';
		expect(neutralizeControls(text)).toBe(text);
	});

	it('returns the same string when there is nothing to replace', () => {
		const text = 'plain line';
		expect(neutralizeControls(text)).toBe(text);
	});
});

describe('LineSplitter', () => {
	it('splits on LF and CRLF, carrying a partial line to the next chunk and flushing it at the end', () => {
		expect(split('one\r\ntw', 'o\nthr', 'ee')).toEqual(['one', 'two', 'three']);
		expect(split('last\r')).toEqual(['last']);
	});

	it('neutralizes terminal escape sequences in every line it returns (title, OSC 52, cursor moves)', () => {
		const lines = split('\u001b]0;pwned\u0007ok\n', '\u001b]52;c;ZXZpbA==\u001b\\\n', '\u001b[2A\u001b[2Kfake OK\r\n', 'tail\u001b[0m');
		expect(lines).toEqual(['\\x1b]0;pwned\\x07ok', '\\x1b]52;c;ZXZpbA==\\x1b\\', '\\x1b[2A\\x1b[2Kfake OK', 'tail\\x1b[0m']);
		for (const line of lines) expect(line).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/);
	});

	it('shows a CR that is not part of a CRLF ending (progress bars, overwriting) instead of passing it on', () => {
		expect(split('10%\r50%\r100%\n')).toEqual(['10%\\x0d50%\\x0d100%']);
		expect(split('x\r\r\n')).toEqual(['x\\x0d']);
	});

	it('neutralizes C1 controls that arrive as UTF-8 (U+009B is a one-character CSI)', () => {
		expect(split(Buffer.from('a\u009b31mred\n', 'utf8'))).toEqual(['a\\x9b31mred']);
	});

	it('keeps multi-byte UTF-8 intact across chunk boundaries', () => {
		const bytes = Buffer.from('grüße 日本 😀\n', 'utf8');
		const chunks = Array.from(bytes, byte => Buffer.from([byte]));
		expect(split(...chunks)).toEqual(['grüße 日本 😀']);
	});

	it('cuts a runaway line at maxLineChars without splitting a surrogate pair', () => {
		const splitter = new LineSplitter();
		const lines = [...splitter.push(`${'a'.repeat(maxLineChars - 1)}😀rest`), ...splitter.push('\n'), ...splitter.end()];
		expect(lines).toEqual(['a'.repeat(maxLineChars - 1), '😀rest']);
	});

	it('shows a CR at the point where a runaway line is cut (it is not a line ending there)', () => {
		const splitter = new LineSplitter();
		const lines = [...splitter.push(`${'b'.repeat(maxLineChars - 1)}\rmore`), ...splitter.end()];
		expect(lines).toEqual([`${'b'.repeat(maxLineChars - 1)}\\x0d`, 'more']);
	});
});
