/** Timeouts as plan files write them: `500ms`, `30s`, `2m`, `1h`, or a bare number of seconds. */

/** A day: longer than any service action should take, and it keeps typos like `3000m` visible. */
const maxTimeoutMs = 24 * 60 * 60 * 1000;

const unitMs = {ms: 1, s: 1000, m: 60_000, h: 3_600_000} as const;

const durationPattern = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;

/**
 * Turn a YAML timeout value into milliseconds. Numbers (and unit-less strings) are seconds.
 * The error says what was wrong and what to write instead.
 */
export function parseTimeout(value: unknown): {timeoutMs: number} | {error: string} {
	const result = parseDuration(value, 'timeout');
	return 'error' in result ? result : {timeoutMs: result.ms};
}

/**
 * A duration named `label` in messages (`timeout`, `pause`, `verify.settle`). `allowZero` lets `0` mean
 * "none" where that makes sense (a pause).
 */
export function parseDuration(value: unknown, label: string, allowZero = false): {ms: number} | {error: string} {
	const hint = 'write a duration such as 30s, 2m or 500ms, or a number of seconds';
	let milliseconds: number;
	if (typeof value === 'number') {
		milliseconds = value * 1000;
	} else if (typeof value === 'string') {
		const match = durationPattern.exec(value.trim());
		if (match === null) {
			return {error: `${label} ${JSON.stringify(value)} is not a duration; ${hint}`};
		}

		const unit = (match[2] ?? 's') as keyof typeof unitMs;
		milliseconds = Number(match[1]) * unitMs[unit];
	} else {
		return {error: `${label} must be a duration, not ${describeValue(value)}; ${hint}`};
	}

	if (allowZero && milliseconds === 0) {
		return {ms: 0};
	}

	if (!Number.isFinite(milliseconds) || milliseconds <= 0) {
		return {error: `${label} must be above zero; ${hint}`};
	}

	const rounded = Math.round(milliseconds);
	if (rounded < 1) {
		return {error: `${label} is shorter than 1ms; ${hint}`};
	}

	if (rounded > maxTimeoutMs) {
		return {error: `${label} is longer than a day (24h); ${hint}`};
	}

	return {ms: rounded};
}

/** The shortest exact spelling of a timeout: `2m`, `30s`, `1500ms`. `parseTimeout(formatTimeout(x))` gives x back. */
export function formatTimeout(milliseconds: number): string {
	if (milliseconds === 0) {
		return '0s';
	}

	if (milliseconds % unitMs.h === 0) {
		return `${milliseconds / unitMs.h}h`;
	}

	if (milliseconds % unitMs.m === 0) {
		return `${milliseconds / unitMs.m}m`;
	}

	if (milliseconds % unitMs.s === 0) {
		return `${milliseconds / unitMs.s}s`;
	}

	return `${milliseconds}ms`;
}

/** A short description of a YAML value's type for error messages: `the number 5`, `a list`. */
export function describeValue(value: unknown): string {
	if (value === null || value === undefined) {
		return 'empty';
	}

	if (Array.isArray(value)) {
		return 'a list';
	}

	switch (typeof value) {
		case 'number': {
			return `the number ${value}`;
		}

		case 'boolean': {
			return `the boolean ${value}`;
		}

		case 'string': {
			return `the text ${JSON.stringify(value)}`;
		}

		default: {
			return 'a mapping';
		}
	}
}
