import {describe, expect, it} from 'vitest';
import {cellStatuses, glyphsFor, supportsUnicode} from '../../source/ui/glyphs.js';
import {statusStyle, themeFromEnv} from '../../source/ui/theme.js';

describe('glyphs', () => {
	it.each([
		[{LANG: 'en_US.UTF-8'}, true],
		[{LANG: 'C.utf8'}, true],
		[{LC_ALL: 'C', LANG: 'en_US.UTF-8'}, false],
		[{LC_CTYPE: 'de_DE.UTF-8', LANG: 'C'}, true],
		[{LC_ALL: '', LC_CTYPE: 'en_GB.UTF-8'}, true],
		[{LC_ALL: 'en_US.UTF-8', LC_CTYPE: 'C'}, true],
		[{LANG: 'en_US.ISO-8859-1'}, false],
		[{}, false],
	])('%j → unicode %s', (env, unicode) => {
		expect(supportsUnicode(env)).toBe(unicode);
	});

	it('has both sets of status glyphs', () => {
		const utf = glyphsFor({LANG: 'en_US.UTF-8'}).status;
		const ascii = glyphsFor({}).status;
		expect([utf.ok, utf.failed, utf.skipped, utf.unreachable, utf['timed-out']]).toEqual(['✓', '✗', '⊘', '?', '⏱']);
		expect([ascii.ok, ascii.failed, ascii.skipped, ascii.unreachable, ascii['timed-out']]).toEqual(['+', 'x', '-', '?', 'T']);
		for (const status of cellStatuses) {
			expect([...ascii[status]].every(char => char.charCodeAt(0) < 128)).toBe(true);
		}
	});
});

describe('theme', () => {
	it('turns colour off under NO_COLOR (non-empty) and TERM=dumb', () => {
		expect(themeFromEnv({NO_COLOR: '1'}).color).toBe(false);
		expect(themeFromEnv({NO_COLOR: ''}).color).toBe(true);
		expect(themeFromEnv({TERM: 'dumb'}).color).toBe(false);
		expect(themeFromEnv({TERM: 'xterm-256color'}).color).toBe(true);
	});

	it('gives every status a glyph, a colour and a word', () => {
		const theme = themeFromEnv({LANG: 'en_US.UTF-8'});
		const plain = themeFromEnv({NO_COLOR: '1'});
		for (const status of cellStatuses) {
			const style = statusStyle(theme, status);
			expect(style.glyph.length).toBeGreaterThan(0);
			expect(style.color).toBeDefined();
			expect(style.short.length).toBeGreaterThan(0);
			expect(style.short.length).toBeLessThanOrEqual(4);
			expect(style.label.length).toBeGreaterThan(0);
			expect(statusStyle(plain, status).color).toBeUndefined();
		}

		const words = cellStatuses.map(status => statusStyle(theme, status).short);
		expect(new Set(words).size).toBe(words.length);
		expect(statusStyle(theme, 'failed')).toEqual({glyph: '✗', color: 'red', short: 'FAIL', label: 'failed'});
		// What a status found (issue 10): states, each its own glyph and word, none of them FAIL.
		expect(['service-running', 'service-stopped', 'service-failed', 'service-not-installed'].map(status => statusStyle(theme, status as (typeof cellStatuses)[number]))).toEqual([
			{glyph: '●', color: 'green', short: 'up', label: 'running'},
			{glyph: '○', color: 'yellow', short: 'stop', label: 'stopped'},
			{glyph: '⊗', color: 'red', short: 'dead', label: 'failed state'},
			{glyph: '∅', color: 'gray', short: 'none', label: 'not installed'},
		]);
	});
});
