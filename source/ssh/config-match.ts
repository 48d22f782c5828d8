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
	const hostTests = new Map<SSHConfig[number], (alias: string) => boolean>();
	for (const line of parsed) {
		if (line.type === SSHConfig.DIRECTIVE && /^host$/i.test(line.param)) {
			const value = line.value as string | readonly {val: string}[];
			hostTests.set(line, compileHostPatterns(typeof value === 'string' ? value.split(',') : value.map(({val}) => val)));
		}
	}

	return {
		linesFor(alias) {
			return parsed.filter(line => hostTests.get(line)?.(alias) ?? true) as SSHConfig;
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
