import SSHConfig from 'ssh-config';
import {UserError} from '../errors.js';

// Matching: the parsed configuration, and which of its Host blocks can apply to a name.

/**
 * The configuration parsed once, with each `Host` line's patterns compiled once. A site's ssh_config often
 * has a Host block per node: parsing the text and matching every block's patterns (ssh-config builds a RegExp
 * per pattern per test) for every node made resolving N nodes cost N × blocks.
 */
export type ParsedConfig = {
	/** The configuration without the Host blocks that cannot match `alias` (Match blocks and order kept). */
	linesFor(alias: string): SSHConfig;
};

export function parseConfig(configText: string): ParsedConfig {
	let parsed: SSHConfig;
	try {
		parsed = SSHConfig.parse(configText);
	} catch (error) {
		throw new UserError(`ssh config: svctui cannot read it (${error instanceof Error ? error.message : String(error)}); check the file`);
	}

	dropDirective(parsed, 'canonicalizehostname');
	// Lines that may apply to any name (global directives, Match blocks, Host lines with a wildcard or a
	// negation) are tested for each alias; a Host line of plain names is found through its names. Testing
	// every block for every node was N × blocks: 14 s of the app's CPU at 5,000 nodes with a block per node.
	const everyAlias: {position: number; test?: (alias: string) => boolean}[] = [];
	const byName = new Map<string, number[]>();
	parsed.forEach((line, position) => {
		if (line.type !== SSHConfig.DIRECTIVE || !/^host$/i.test(line.param)) {
			everyAlias.push({position});
			return;
		}

		const value = line.value as string | readonly {val: string}[];
		const patterns = typeof value === 'string' ? value.split(',') : value.map(({val}) => val);
		if (patterns.some(pattern => /[*?!]/.test(pattern))) {
			everyAlias.push({position, test: compileHostPatterns(patterns)});
			return;
		}

		// ssh-config compares a plain pattern with the (lowered) alias exactly, case included; a line naming
		// the same host twice is still one line.
		for (const name of new Set(patterns)) {
			const positions = byName.get(name);
			if (positions === undefined) byName.set(name, [position]);
			else positions.push(position);
		}
	});

	return {
		linesFor(alias) {
			const named = byName.get(alias) ?? [];
			const positions = everyAlias.filter(({test}) => test?.(alias) ?? true).map(({position}) => position);
			const lines = new SSHConfig();
			for (const position of named.length === 0 ? positions : [...positions, ...named].sort((a, b) => a - b)) {
				lines.push(parsed[position] as SSHConfig[number]);
			}

			return lines;
		},
	};
}

/**
 * A Host line's pattern list as one test, with ssh-config's own semantics (so the computed result is what
 * `compute` alone gives): a matching negated pattern vetoes the line, `*` is any run, `?` at most one character.
 */
function compileHostPatterns(patterns: readonly string[]): (alias: string) => boolean {
	const compiled = patterns.map(pattern => {
		const negated = pattern.startsWith('!');
		const body = (negated ? pattern.slice(1) : pattern)
			.replace(/[\\()[\]{}.+^$|]/g, '\\$&')
			.replace(/\*/g, '.*')
			.replace(/\?/g, '.?');
		return {negated, re: new RegExp(`^(?:${body})$`)};
	});
	return alias => {
		let matched = false;
		for (const {negated, re} of compiled) {
			if (re.test(alias)) {
				if (negated) return false;
				matched = true;
			}
		}

		return matched;
	};
}

function dropDirective(config: SSHConfig, lowerName: string): void {
	for (let i = config.length - 1; i >= 0; i--) {
		const line = config[i];
		if (line === undefined || line.type !== SSHConfig.DIRECTIVE) continue;
		if (line.param.toLowerCase() === lowerName) config.splice(i, 1);
		else if ('config' in line) dropDirective(line.config, lowerName);
	}
}
