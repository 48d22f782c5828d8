/** "Did you mean" for misspelt keys and values. */

/** Words users bring from other tools, mapped to svctui's key. */
const synonyms: Readonly<Record<string, string>> = {
	action: 'state',
	command: 'state',
	host: 'nodes',
	hosts: 'nodes',
	targets: 'nodes',
	nodeset: 'nodes',
	depends_on: 'depend',
	dependencies: 'depend',
	requires: 'depend',
	after: 'depend',
	become: 'sudo',
	default: 'defaults',
	step: 'steps',
	plan: 'steps',
};

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions (`sttae` → `state` is 1). */
export function editDistance(a: string, b: string): number {
	const rows = a.length + 1;
	const columns = b.length + 1;
	const table: number[][] = Array.from({length: rows}, (_, row) => Array.from({length: columns}, (_, column) => (row === 0 ? column : column === 0 ? row : 0)));
	const at = (row: number, column: number): number => table[row]?.[column] ?? 0;
	for (let row = 1; row < rows; row++) {
		for (let column = 1; column < columns; column++) {
			const cost = a[row - 1] === b[column - 1] ? 0 : 1;
			let best = Math.min(at(row - 1, column) + 1, at(row, column - 1) + 1, at(row - 1, column - 1) + cost);
			if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) {
				best = Math.min(best, at(row - 2, column - 2) + 1);
			}

			table[row]![column] = best;
		}
	}

	return at(a.length, b.length);
}

/**
 * The candidate `word` most likely meant, or undefined. Close spellings (one edit for short words, two
 * for longer ones), case differences and a few words from other tools (`hosts` → `nodes`) count.
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
	// Long inputs cannot be near any short key; skip the quadratic table.
	if (word.length > 40) {
		return undefined;
	}

	const lower = word.toLowerCase();
	const synonym = synonyms[lower];
	if (synonym !== undefined && candidates.includes(synonym)) {
		return synonym;
	}

	let best: string | undefined;
	let bestDistance = Number.POSITIVE_INFINITY;
	for (const candidate of candidates) {
		const distance = editDistance(lower, candidate.toLowerCase());
		if (distance < bestDistance) {
			best = candidate;
			bestDistance = distance;
		}
	}

	const limit = word.length >= 5 ? 2 : 1;
	return bestDistance <= limit ? best : undefined;
}
