import {readFileSync, writeFileSync} from 'node:fs';
import {expect, it} from 'vitest';
import {keyTableMarkdown} from '../../source/ui/key-docs.js';

// The README's key table is generated from the keymap, like the footer and the help overlay, so the three
// cannot disagree. `UPDATE_README=1` rewrites it.
it('the README key table is the one the keymap generates', () => {
	const readme = readFileSync('README.md', 'utf8');
	const match = /(<!-- keys:start[^\n]*-->\n)([\s\S]*?)(<!-- keys:end -->)/.exec(readme);
	expect(match, 'README.md has no <!-- keys:start --> … <!-- keys:end --> block').not.toBeNull();
	if (process.env['UPDATE_README'] === '1' && match) {
		writeFileSync('README.md', readme.replace(match[0], `${match[1]}${keyTableMarkdown()}${match[3]}`));
		return;
	}

	expect(match?.[2]).toBe(keyTableMarkdown());
});
