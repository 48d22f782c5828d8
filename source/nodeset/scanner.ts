import {asciiDigits, isNonAscii, pyDigitClass, pyLength} from './digits.js';
import {NodeSetParseError, RangeSetParseError} from './errors.js';
import type {Indexes, Operator} from './nodeset-base.js';
import {indexOfDigits} from './rangeset-intervals.js';
import {RangeSet, RangeSetBuilder, type SizeLimit} from './rangeset.js';
import {RangeSetND} from './rangeset-nd.js';

const operatorPattern = /[,!&^]/;

function nextOperator(text: string): {index: number; op: Operator | undefined} {
	const match = operatorPattern.exec(text);
	return match ? {index: match.index, op: match[0] as Operator} : {index: -1, op: undefined};
}

/** `_rsets4nsb`: one RangeSet per digit run → the indexes of one pattern. */
export function indexesOf(sets: RangeSet[]): Indexes {
	if (sets.length > 1) {
		return new RangeSetND([sets]);
	}

	return sets[0];
}

function rstripChars(text: string, chars: RegExp): string {
	let end = text.length;
	while (end > 0 && chars.test(text[end - 1]!)) {
		end--;
	}

	return text.slice(0, end);
}

function lstripChars(text: string, chars: RegExp): string {
	let start = 0;
	while (start < text.length && chars.test(text[start]!)) {
		start++;
	}

	return text.slice(start);
}

const digit = /\d/;
const asciiTokens = /(\D*)(\d*)/gy;
const unicodeTokens = new RegExp(`([^${pyDigitClass}]*)([${pyDigitClass}]*)`, 'guy');
// Python's str.strip() with no argument: Unicode whitespace plus the ASCII separators \x1c-\x1f.
export const whitespace = /[\s\u001C-\u001F\u0085]/;
export const strip = (text: string): string => lstripChars(rstripChars(text, whitespace), whitespace);

/** `_scan_string_single`: one node name, no brackets, into a pattern and one RangeSet per digit run. */
export function scanSingle(text: string, limit: SizeLimit | undefined): {pattern: string; sets: RangeSet[]} {
	if (text.length === 0) {
		throw new NodeSetParseError({input: text, part: '', reason: 'parse error', kind: 'syntax'});
	}

	let pattern = '';
	const sets: RangeSet[] = [];
	// Python's `\d` is any decimal digit (`node１` is node1); ASCII names, nearly all, take the fast path.
	const unicode = isNonAscii(text);
	const tokens = unicode ? unicodeTokens : asciiTokens;
	let position = 0;
	while (position < text.length) {
		tokens.lastIndex = position;
		const match = tokens.exec(text)!;
		const [whole, prefix = '', index = ''] = match;
		position += whole.length;
		if (index) {
			const digits = unicode ? asciiDigits(index) : index;
			const value = indexOfDigits(digits);
			// Padding as ClusterShell reads it: only ASCII zeros pad (`lstrip("0")`), lengths in code points.
			const length = unicode ? pyLength(index) : index.length;
			let pad = 0;
			if (value === 0 ? length > 1 : index.charCodeAt(0) === 0x30) {
				pad = length;
			}

			if (value > 1e100) {
				throw new RangeSetParseError(index, 'invalid rangeset index', 'limit', limit?.input);
			}

			pattern += `${prefix}%s`;
			const builder = new RangeSetBuilder();
			builder.add(value, pad);
			sets.push(builder.build());
		} else {
			pattern += prefix;
		}
	}

	return {pattern, sets};
}

/** `_amend_leading_digits`: `node1[2-3]` → `node[12-13]`. */
function amendLeading(outer: string, inner: string): [string, string] {
	const stripped = rstripChars(outer, digit);
	if (stripped.length < outer.length) {
		const outerDigits = outer.slice(stripped.length);
		const parsed = RangeSet.parse(inner);
		if (parsed.slices(undefined).some(slice => slice.last === -1)) {
			// ClusterShell rebuilds each run with a slice object and rejects a run ending at -1 (`stop == 0`).
			throw new RangeSetParseError(inner, 'invalid range upper limit (0)', 'order');
		}

		inner = parsed.contiguous()
			.map(sub => sub.toString(undefined).split('-').map(bound => outerDigits + bound).join('-'))
			.join(',');
	}

	return [stripped, inner];
}

/** `_amend_trailing_digits`: `node[1-2]0` → `node[10-20/10]`. */
function amendTrailing(outer: string, inner: string, input: string): [string, string] {
	const stripped = lstripChars(outer, digit);
	if (stripped.length < outer.length) {
		if (inner.includes('/')) {
			throw new NodeSetParseError({input, part: outer, reason: 'illegal trailing digits after range with steps', kind: 'step'});
		}

		const outerDigits = outer.slice(0, outer.length - stripped.length);
		inner = inner.split(',')
			.map(element => element.split('-').map(bound => bound + outerDigits).join('-'))
			.map(shifted => (shifted.includes('-') ? `${shifted}/1${'0'.repeat(outerDigits.length)}` : shifted))
			.join(',');
	}

	return [stripped, inner];
}

export type Scanned = {op: Operator; pattern: string; indexes: Indexes};

/** Wrap RangeSet errors from a bracket with the whole expression. */
function rangeSet(text: string, limit: SizeLimit): RangeSet {
	try {
		return RangeSet.parse(text, {limit});
	} catch (error) {
		if (error instanceof NodeSetParseError) {
			throw error.within(limit.input);
		}

		throw error;
	}
}

/** `_scan_string`: split an expression into (operator, pattern, indexes) terms, left to right. */
export function * scan(expression: string, limit: SizeLimit): Generator<Scanned> {
	const input = limit.input;
	const fail = (part: string, reason: string, kind: 'syntax' | 'bracket' | 'operand'): never => {
		throw new NodeSetParseError({input, part, reason, kind});
	};

	let rest: string | undefined = expression;
	let nextOp: Operator | undefined = ',';
	while (rest) {
		rest = lstripChars(rest, whitespace);
		let sets: RangeSet[] = [];
		const op: Operator = nextOp ?? ',';
		let {index: opIndex, op: foundOp} = nextOperator(rest);
		nextOp = foundOp;
		let bracketIndex = rest.indexOf('[');
		let pattern: string;
		if (bracketIndex >= 0 && (opIndex > bracketIndex || opIndex < 0)) {
			pattern = '';
			let suffix: string = rest;
			while (bracketIndex >= 0 && (opIndex > bracketIndex || opIndex < 0)) {
				const open = suffix.indexOf('[');
				let prefix = suffix.slice(0, open);
				suffix = suffix.slice(open + 1);
				const close = suffix.indexOf(']');
				if (close < 0) {
					fail(rest, 'unclosed bracket', 'bracket');
				}

				let range = suffix.slice(0, close);
				suffix = suffix.slice(close + 1);
				if (prefix.includes(']')) {
					fail(prefix, 'illegal closing bracket', 'bracket');
				}

				if (suffix.length > 0) {
					const braEnd = suffix.indexOf(']');
					let braStart = suffix.indexOf('[');
					if (braStart === -1) {
						braStart = braEnd + 1;
					}

					if (braEnd >= 0 && braEnd < braStart) {
						fail(suffix, 'illegal closing bracket', 'bracket');
					}
				}

				const prefixLength = prefix.length;
				try {
					if (suffix.length > 0) {
						[suffix, range] = amendTrailing(suffix, range, input);
					}

					if (prefixLength > 0) {
						[prefix, range] = amendLeading(prefix, range);
						if (prefix) {
							const single = scanSingle(prefix, limit);
							prefix = single.pattern;
							sets = [...sets, ...single.sets];
						}
					}
				} catch (error) {
					if (error instanceof NodeSetParseError) {
						throw error.within(input);
					}

					throw error;
				}

				bracketIndex = suffix.indexOf('[');
				({index: opIndex, op: nextOp} = nextOperator(suffix));
				if (suffix.startsWith('[')) {
					fail(suffix, 'illegal reopening bracket', 'bracket');
				}

				pattern += `${prefix}%s`;
				sets.push(rangeSet(range, limit));
			}

			({index: opIndex, op: nextOp} = nextOperator(suffix));
			if (opIndex < 0) {
				rest = undefined;
			} else {
				rest = suffix.slice(opIndex + 1);
				suffix = suffix.slice(0, opIndex);
				if (!rest) {
					fail('', `missing nodeset operand with '${nextOp!}' operator`, 'operand');
				}
			}

			suffix = rstripChars(suffix, whitespace);
			if (suffix) {
				const single = scanSingle(suffix, limit);
				pattern += single.pattern;
				sets = [...sets, ...single.sets];
			}
		} else {
			let node: string;
			if (opIndex < 0) {
				node = rest;
				rest = undefined;
			} else {
				node = rest.slice(0, opIndex);
				rest = rest.slice(opIndex + 1);
				if (!node || !rest) {
					fail(node || rest, `missing nodeset operand with '${nextOp!}' operator`, 'operand');
				}
			}

			if (node.includes(']')) {
				fail(node, 'illegal closing bracket', 'bracket');
			}

			node = rstripChars(node, whitespace);
			if (!node) {
				fail('', 'parse error', 'syntax');
			}

			const single = scanSingle(node, limit);
			pattern = single.pattern;
			sets = single.sets;
		}

		let total = 1;
		for (const set of sets) {
			total *= set.size;
		}

		if (total > limit.maxNodes) {
			throw new NodeSetParseError({input, part: expression, reason: `expands to more than ${limit.maxNodes} nodes`, kind: 'limit'});
		}

		yield {op, pattern, indexes: indexesOf(sets)};
	}
}

