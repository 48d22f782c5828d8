/**
 * A node name that can never be a host: whitespace, control characters or shell characters. ClusterShell
 * takes `node1 node2;reboot` as one name (a space written where a comma was meant), and so does
 * `svctui nodeset`; a plan or a command line refuses it, so it fails in `validate`, not at run time.
 */
const unfit = /[\s\u0000-\u001F\u007F;&|<>()$`\\"'*?{}!#~]/;
const unfitAll = new RegExp(unfit.source, 'g');

/** The problem with the first unfit name of an expanded node set, with a hint, or undefined. */
export function nodeNameProblem(expression: string, names: Iterable<string>): string | undefined {
	for (const name of names) {
		if (!unfit.test(name)) {
			continue;
		}

		const found = [...new Set(name.match(unfitAll) ?? [])].map(ch => (/\s/.test(ch) ? 'a space' : JSON.stringify(ch)));
		const guess = name.split(/\s+/).map(word => word.split(unfit)[0] ?? '').filter(Boolean);
		const hint = guess.length > 0 ? `; did you mean ${guess.join(',')}?` : '; node names use letters, digits and . - _';
		return `node set ${JSON.stringify(expression)}: node name ${JSON.stringify(name)} has ${found.join(' and ')}, which no host name has${hint}`;
	}

	return undefined;
}
