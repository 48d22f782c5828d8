import {asciiDigits, pyLength} from './digits.js';
import {RangeSetParseError} from './errors.js';
import {addIndex, indexOfDigits, negate, type Index} from './rangeset-intervals.js';

/** Where parsed ranges go (a RangeSetBuilder). */
export type RangeSink = {
	/** Add `range(start, stop, step)` written with zero padding `pad`. */
	addRange(start: Index, stop: Index, step: Index, pad: number): void;
};

/**
 * Python `int()` of an index as ranges hold it: decimal digits of any script (`１` is 1), `_` between
 * digits, one `+`, surrounding blanks; any length (exact past 2^53).
 */
export function parseIntStrict(text: string, part: string): Index {
	// Node indexes here never carry a sign (the caller splits on '-'), so we accept digits only, which
	// is what ranges contain.
	const trimmed = asciiDigits(text.trim());
	if (!/^\+?\d+(?:_\d+)*$/.test(trimmed)) {
		throw new RangeSetParseError(part, part.length === 0 ? 'empty range' : 'cannot convert string to integer', 'syntax');
	}

	return indexOfDigits(trimmed.replaceAll('_', '').replace('+', '').replace(/^0+(?=\d)/, ''));
}

/** Port of `RangeSet._parse`: same accepted syntax, same error reasons. */
export function parseRanges(sink: RangeSink, pattern: string): void {
	for (const raw of pattern.split(',')) {
		const subrange = raw.trim();
		let baserange: string;
		let stepText: string;
		const slash = subrange.indexOf('/');
		if (slash < 0) {
			baserange = subrange;
			stepText = '1';
		} else {
			baserange = subrange.slice(0, slash);
			stepText = subrange.slice(slash + 1);
		}

		const stepDigits = asciiDigits(stepText.trim());
		if (!/^[+-]?\d+(?:_\d+)*$/.test(stepDigits)) {
			throw new RangeSetParseError(subrange, 'cannot convert string to integer', 'syntax');
		}

		const stepValue = indexOfDigits(stepDigits.replaceAll('_', '').replace(/^[+-]/, '').replace(/^0+(?=\d)/, ''));
		const step = stepDigits.startsWith('-') ? negate(stepValue) : stepValue;
		let beginSign = 1;
		let endSign = 1;
		let begin: string;
		let end: string;
		if (!baserange.includes('-')) {
			if (step !== 1) {
				throw new RangeSetParseError(subrange, 'invalid step usage', 'step');
			}

			begin = baserange;
			end = baserange;
		} else {
			const parts = baserange.split('-').map(part => part.trim());
			if (parts.length === 2) {
				begin = parts[0]!;
				end = parts[1]!;
				if (!begin) {
					// A single negative number: "-5".
					begin = end;
					beginSign = -1;
					endSign = -1;
				}
			} else if (parts.length === 3) {
				// "-0-3"
				begin = parts[1]!;
				end = parts[2]!;
				beginSign = -1;
			} else if (parts.length === 4) {
				// "-8--4"
				begin = parts[1]!;
				end = parts[3]!;
				beginSign = -1;
				endSign = -1;
			} else {
				throw new RangeSetParseError(subrange, 'cannot convert string to integer', 'syntax');
			}
		}

		const convert = (text: string): Index => parseIntStrict(text, subrange);
		// Lengths are Python's (code points) and only ASCII zeros pad (`lstrip("0")`): `０１` is 1, unpadded.
		const beginLength = pyLength(begin);
		const endLength = pyLength(end);
		let pad = 0;
		let endpad = 0;
		let start: Index;
		if (convert(begin) === 0) {
			if (beginLength > 1) {
				pad = beginLength;
			}

			start = 0;
		} else {
			const stripped = begin.replace(/^0+/, '');
			if (begin.length - stripped.length > 0) {
				pad = beginLength;
			}

			start = convert(stripped);
		}

		const endStripped = convert(end) === 0 ? end : end.replace(/^0+/, '');
		if (end.length - endStripped.length > 0) {
			endpad = endLength;
		}

		if ((pad > 0 || endpad > 0) && beginLength !== endLength) {
			throw new RangeSetParseError(subrange, 'padding length mismatch', 'padding');
		}

		const stop = convert(endStripped);
		if (pad > 0 && beginSign < 0) {
			throw new RangeSetParseError(subrange, 'padding not supported in negative ranges', 'padding');
		}

		const low = beginSign < 0 ? negate(start) : start;
		const high = endSign < 0 ? negate(stop) : stop;
		// ClusterShell's own bound: `stop > 1e100` (Python compares int and float exactly, as JS does).
		if (stop > 1e100 || low > high || step < 1) {
			throw new RangeSetParseError(subrange, 'invalid values in range', 'order');
		}

		sink.addRange(low, addIndex(high, 1), step, pad);
	}
}
