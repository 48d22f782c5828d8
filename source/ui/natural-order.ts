/**
 * Compare node names the way people count: digit runs by value, so `node2` sorts before `node10` and
 * `web9-2` before `web10-1`. Equal values with different padding (`n01`, `n1`) and everything else fall
 * back to plain code-unit order, so the result is total and does not depend on the locale.
 */
export function compareNatural(a: string, b: string): number {
	const left = a.match(/\d+|\D+/g) ?? [];
	const right = b.match(/\d+|\D+/g) ?? [];
	for (let index = 0; index < Math.min(left.length, right.length); index++) {
		const x = left[index] ?? '';
		const y = right[index] ?? '';
		if (x === y) {
			continue;
		}

		const xDigits = /^\d/.test(x);
		const yDigits = /^\d/.test(y);
		if (xDigits && yDigits) {
			// By value without parsing (runs may be longer than a safe integer): strip zeros, then length, then digits.
			const xValue = x.replace(/^0+(?=\d)/, '');
			const yValue = y.replace(/^0+(?=\d)/, '');
			if (xValue.length !== yValue.length) {
				return xValue.length - yValue.length;
			}

			if (xValue !== yValue) {
				return xValue < yValue ? -1 : 1;
			}

			continue;
		}

		return x < y ? -1 : 1;
	}

	if (left.length !== right.length) {
		return left.length - right.length;
	}

	return a < b ? -1 : a > b ? 1 : 0;
}
