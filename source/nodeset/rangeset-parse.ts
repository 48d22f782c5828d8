import {RangeSetParseError} from './errors.js';

const maxIndex = Number.MAX_SAFE_INTEGER;

/** Where parsed ranges go (a RangeSetBuilder). */
export type RangeSink = {
	/** Add `range(start, stop, step)` written with zero padding `pad`. */
	addRange(start: number, stop: number, step: number, pad: number): void;
};

/** Python `int()` of an index as ranges hold it: digits, `_` between digits, one `+`, surrounding blanks. */
export function parseIntStrict(text: string, part: string): number {
	// Node indexes here never carry a sign (the caller splits on '-'), so we accept digits only, which
	// is what ranges contain.
	const trimmed = text.trim();
	if (!/^\+?\d+(?:_\d+)*$/.test(trimmed)) {
		throw new RangeSetParseError(part, part.length === 0 ? 'empty range' : 'cannot convert string to integer', 'syntax');
	}

	const value = Number(trimmed.replaceAll('_', '').replace('+', ''));
	if (value > maxIndex) {
		throw new RangeSetParseError(part, `index above ${maxIndex} is not supported`, 'limit');
	}

	return value;
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

		if (!/^\s*[+-]?\d+(?:_\d+)*\s*$/.test(stepText)) {
			throw new RangeSetParseError(subrange, 'cannot convert string to integer', 'syntax');
		}

		const step = Number(stepText.trim().replaceAll('_', ''));
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

		const convert = (text: string): number => parseIntStrict(text, subrange);
		let pad = 0;
		let endpad = 0;
		let start: number;
		if (convert(begin) === 0) {
			if (begin.length > 1) {
				pad = begin.length;
			}

			start = 0;
		} else {
			const stripped = begin.replace(/^0+/, '');
			if (begin.length - stripped.length > 0) {
				pad = begin.length;
			}

			start = convert(stripped);
		}

		const endStripped = convert(end) === 0 ? end : end.replace(/^0+/, '');
		if (end.length - endStripped.length > 0) {
			endpad = end.length;
		}

		if ((pad > 0 || endpad > 0) && begin.length !== end.length) {
			throw new RangeSetParseError(subrange, 'padding length mismatch', 'padding');
		}

		const stop = convert(endStripped);
		if (pad > 0 && beginSign < 0) {
			throw new RangeSetParseError(subrange, 'padding not supported in negative ranges', 'padding');
		}

		if (start * beginSign > stop * endSign || step < 1) {
			throw new RangeSetParseError(subrange, 'invalid values in range', 'order');
		}

		sink.addRange(start * beginSign, stop * endSign + 1, step, pad);
	}
}
