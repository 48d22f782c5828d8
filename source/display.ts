import {neutralizeControls} from './ssh/output.js';

/** A quoted piece of input longer than this is cut in the middle: a message must stay readable on one line. */
export const maxQuotedChars = 80;

/** A whole message longer than this (after quotes are cut) is cut at the end. */
export const maxMessageChars = 1000;

/** A JSON-style quote, as messages quote input (`node set "node[1-"`, `unknown state "strat"`). */
const quotePattern = /"(?:[^"\\\n]|\\.)*"/g;

/** Cut `text` to at most `keep` UTF-16 units without splitting a surrogate pair. */
function cut(text: string, keep: number): string {
	const code = text.charCodeAt(keep - 1);
	return text.slice(0, code >= 0xd8_00 && code <= 0xdb_ff ? keep - 1 : keep);
}

function shortenQuote(quote: string): string {
	if (quote.length <= maxQuotedChars) {
		return quote;
	}

	const inner = quote.slice(1, -1);
	const head = cut(inner, maxQuotedChars - 25);
	const tailStart = inner.length - 20;
	const tail = inner.slice(tailStart + (/[\udc00-\udfff]/.test(inner[tailStart] ?? '') ? 1 : 0));
	return `"${head}…${tail}" (${inner.length} characters)`;
}

/**
 * Node names and node sets from input, made safe to echo but never shortened: control characters shown as
 * `\xNN` (`neutralizeControls`). A folded node set of thousands of nodes is long on purpose; a report keeps it whole.
 */
export function withControlsShown(text: string): string {
	return neutralizeControls(text);
}

/**
 * Text that came from input (a file name, a node name, a message quoting a plan value or an argument), made
 * safe and readable to echo: every control character is shown as `\xNN` exactly as node output is
 * (`neutralizeControls`), so an ESC or BEL in a node name or file name cannot drive the terminal; quotes
 * longer than `maxQuotedChars` keep their head and tail around an ellipsis, and the whole is capped at
 * `maxMessageChars`, so a megabyte of input never becomes a megabyte error line.
 */
export function shownSafely(text: string): string {
	let shown = text.length > maxQuotedChars ? text.replace(quotePattern, shortenQuote) : text;
	if (shown.length > maxMessageChars) {
		shown = `${cut(shown, maxMessageChars)}… (${shown.length - maxMessageChars} more characters)`;
	}

	return neutralizeControls(shown);
}
