/**
 * `svctui nodeset` options: optparse's rules (no interspersed options, abbreviations of long
 * options, clustered short ones) and nodeset's option table and help.
 */
/** A usage mistake: nodeset prints `nodeset: error: …` and exits 2 (optparse's `parser.error`). */
export class UsageError extends Error {}

export type Autostep = {kind: 'count'; value: number} | {kind: 'auto'} | {kind: 'ratio'; value: number};

export type Options = {
	count: boolean;
	expand: boolean;
	fold: boolean;
	list: number;
	listAll: number;
	groupSources: boolean;
	exclude: string[];
	intersection: string[];
	xor: string[];
	all: boolean;
	autostep: Autostep | undefined;
	quiet: boolean;
	rangeset: boolean;
	groupBase: boolean;
	separator: string;
	outputFormat: string;
	groupSource: string | undefined;
	groupsConf: string | undefined;
	help: boolean;
	version: boolean;
	/** `-r`: fold into group names. */
	regroup: boolean;
	/** `-I`: a RangeSet of positions to keep. */
	slice: string | undefined;
	/** `--split`: how many subsets to print. */
	split: number | undefined;
	contiguous: boolean;
	/** `--axis`: a RangeSet of 1-based axes, or one negative axis. */
	axis: string | undefined;
	/** `--pick`: how many nodes to keep at random. */
	pick: number | undefined;
	/** `-d`: log group upcalls on stderr. */
	debug: boolean;
	args: string[];
};

type Spec = {
	readonly short?: string;
	readonly long: readonly string[];
	readonly takes: boolean;
	readonly set: (options: Options, value: string, flag: string) => void;
};

const specs: readonly Spec[] = [
	{short: 'c', long: ['--count'], takes: false, set(o) {
		o.count = true;
	}},
	{short: 'e', long: ['--expand'], takes: false, set(o) {
		o.expand = true;
	}},
	{short: 'f', long: ['--fold'], takes: false, set(o) {
		o.fold = true;
	}},
	{short: 'l', long: ['--list'], takes: false, set(o) {
		o.list++;
	}},
	{short: 'L', long: ['--list-all'], takes: false, set(o) {
		o.listAll++;
	}},
	{short: 'r', long: ['--regroup'], takes: false, set(o) {
		o.regroup = true;
	}},
	{long: ['--list-sources', '--groupsources'], takes: false, set(o) {
		o.groupSources = true;
	}},
	{short: 'x', long: ['--exclude'], takes: true, set(o, value) {
		o.exclude.push(value);
	}},
	{short: 'i', long: ['--intersection'], takes: true, set(o, value) {
		o.intersection.push(value);
	}},
	{short: 'X', long: ['--xor'], takes: true, set(o, value) {
		o.xor.push(value);
	}},
	{short: 'a', long: ['--all'], takes: false, set(o) {
		o.all = true;
	}},
	{long: ['--autostep'], takes: true, set(o, value, flag) {
		o.autostep = parseAutostep(value, flag);
	}},
	{short: 'd', long: ['--debug'], takes: false, set(o) {
		o.debug = true;
	}},
	{short: 'q', long: ['--quiet'], takes: false, set(o) {
		o.quiet = true;
	}},
	{short: 'R', long: ['--rangeset'], takes: false, set(o) {
		o.rangeset = true;
	}},
	{short: 'G', long: ['--groupbase'], takes: false, set(o) {
		o.groupBase = true;
	}},
	{short: 'S', long: ['--separator'], takes: true, set(o, value) {
		o.separator = value;
	}},
	{short: 'O', long: ['--output-format'], takes: true, set(o, value) {
		o.outputFormat = value;
	}},
	{short: 'I', long: ['--slice'], takes: true, set(o, value) {
		o.slice = value;
	}},
	{long: ['--split'], takes: true, set(o, value, flag) {
		o.split = optparseInt(value, flag);
	}},
	{long: ['--contiguous'], takes: false, set(o) {
		o.contiguous = true;
	}},
	{long: ['--axis'], takes: true, set(o, value) {
		o.axis = value;
	}},
	{long: ['--pick'], takes: true, set(o, value, flag) {
		o.pick = optparseInt(value, flag);
	}},
	{short: 's', long: ['--groupsource'], takes: true, set(o, value, flag) {
		if (!value || value.startsWith('-')) {
			throw new UsageError(`option ${flag}: invalid value: '${value}'`);
		}

		o.groupSource = value;
	}},
	{long: ['--groupsconf'], takes: true, set(o, value) {
		o.groupsConf = value;
	}},
	{short: 'h', long: ['--help'], takes: false, set(o) {
		o.help = true;
	}},
	{long: ['--version'], takes: false, set(o) {
		o.version = true;
	}},
];

/** optparse's `int` option type: `0x`, `0b` and a leading `0` (octal) pick the base. */
function optparseInt(value: string, flag: string): number {
	const text = value.trim().toLowerCase();
	const sign = text.startsWith('-') ? -1 : 1;
	const unsigned = text.replace(/^[+-]/, '');
	const [digits, radix] = unsigned.startsWith('0x') ? [unsigned.slice(2), 16] : (unsigned.startsWith('0b') ? [unsigned.slice(2), 2] : (unsigned.startsWith('0') && unsigned.length > 1 ? [unsigned.slice(1), 8] : [unsigned, 10]));
	const valid = {16: /^[\da-f]+(?:_[\da-f]+)*$/, 2: /^[01]+(?:_[01]+)*$/, 8: /^_?[0-7]+(?:_[0-7]+)*$/, 10: /^\d+(?:_\d+)*$/}[radix]!;
	if (!valid.test(digits)) {
		throw new UsageError(`option ${flag}: invalid integer value: '${value}'`);
	}

	return sign * Number.parseInt(digits.replaceAll('_', ''), radix);
}

function parseAutostep(value: string, flag: string): Autostep {
	if (value.includes('%') && /^\s*[+-]?(?:\d+\.?\d*|\.\d+)%$/.test(value)) {
		return {kind: 'ratio', value: Number.parseFloat(value.slice(0, -1)) / 100};
	}

	if (/^\s*[+-]?\d+\s*$/.test(value)) {
		return {kind: 'count', value: Number(value)};
	}

	if (value === 'auto') {
		return {kind: 'auto'};
	}

	throw new UsageError(`option ${flag}: invalid value: '${value}', should be node count, node percentage or 'auto'`);
}

/** optparse with interspersed arguments disabled: options stop at the first operand. */
export function parseArgv(argv: readonly string[]): Options {
	const options: Options = {
		count: false, expand: false, fold: false, list: 0, listAll: 0, groupSources: false, exclude: [], intersection: [], xor: [],
		all: false, autostep: undefined, quiet: false, rangeset: false, groupBase: false, separator: ' ', outputFormat: '%s',
		groupSource: undefined, groupsConf: undefined, help: false, version: false, regroup: false, slice: undefined, split: undefined,
		contiguous: false, axis: undefined, pick: undefined, debug: false, args: [],
	};
	let i = 0;
	const valueFor = (flag: string, inline: string | undefined): string => {
		if (inline !== undefined) {
			return inline;
		}

		const value = argv[++i];
		if (value === undefined) {
			throw new UsageError(`${flag} option requires 1 argument`);
		}

		return value;
	};

	for (; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--') {
			i++;
			break;
		}

		if (arg.startsWith('--')) {
			const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
			const exact = specs.find(spec => spec.long.includes(name));
			const matches = exact ? [exact] : specs.filter(spec => spec.long.some(long => long.startsWith(name)));
			if (matches.length !== 1) {
				throw new UsageError(matches.length === 0 ? `no such option: ${name}` : `ambiguous option: ${name}`);
			}

			const spec = matches[0]!;
			const flag = exact ? name : spec.long.find(long => long.startsWith(name))!;
			if (!spec.takes && inline !== undefined) {
				throw new UsageError(`${flag} option does not take a value`);
			}

			spec.set(options, spec.takes ? valueFor(flag, inline) : '', flag);
			continue;
		}

		if (arg.startsWith('-') && arg.length > 1) {
			for (let k = 1; k < arg.length; k++) {
				const flag = `-${arg[k]!}`;
				const spec = specs.find(candidate => candidate.short === arg[k]);
				if (!spec) {
					throw new UsageError(`no such option: ${flag}`);
				}

				if (spec.takes) {
					const rest = arg.slice(k + 1);
					spec.set(options, valueFor(flag, rest || undefined), flag);
					break;
				}

				spec.set(options, '', flag);
			}

			continue;
		}

		break;
	}

	options.args = argv.slice(i);
	return options;
}

/** Python's `'''%s''' % separator` evaluation: the usual backslash escapes. */
export function unescapeSeparator(text: string): string {
	const simple: Record<string, string> = {n: '\n', t: '\t', r: '\r', a: '\u0007', b: '\b', f: '\f', v: '\v', '\\': '\\', '\'': '\'', '"': '"', '\n': ''};
	if (text.includes('\'\'\'') || text.endsWith('\\') && !text.endsWith('\\\\')) {
		throw new UsageError('invalid separator');
	}

	return text.replaceAll(/\\(x[\da-fA-F]{2}|u[\da-fA-F]{4}|[0-7]{1,3}|.)/gs, (whole, escape: string) => {
		if (escape.startsWith('x') && escape.length === 3) {
			return String.fromCodePoint(Number.parseInt(escape.slice(1), 16));
		}

		if (escape.startsWith('u') && escape.length === 5) {
			return String.fromCodePoint(Number.parseInt(escape.slice(1), 16));
		}

		if (/^[0-7]+$/.test(escape)) {
			return String.fromCodePoint(Number.parseInt(escape, 8));
		}

		return simple[escape] ?? whole;
	});
}

/** `fmt % value` for the `%s` formats nodeset users write (`-O 'ssh %s'`). */
export function format(template: string, value: string): string {
	let used = false;
	const out = template.replaceAll(/%(%|s)/g, (_whole, what: string) => {
		if (what === '%') {
			return '%';
		}

		used = true;
		return value;
	});
	if (!used) {
		throw new UsageError('output format needs one %s');
	}

	return out;
}

/** Lines of stdin as nodeset reads them, quirks included (`line[0:line.find('#')]` drops the last character when there is no `#`). */

export const help = `Usage: nodeset [COMMAND] [OPTIONS] [ns1 [-ixX] ns2|...]

Options:
  --version             show program's version number and exit
  -h, --help            show this help message and exit
  -s GROUPSOURCE, --groupsource=GROUPSOURCE
                        optional groups.conf(5) group source to use
  --groupsconf=FILE     use alternate config file for groups.conf(5)

  Commands:
    -c, --count         show number of nodes in nodeset(s)
    -e, --expand        expand nodeset(s) to separate nodes
    -f, --fold          fold nodeset(s) (or separate nodes) into one nodeset
    -l, --list          list node groups from one source (see -s GROUPSOURCE)
    -L, --list-all      list node groups from all group sources
    -r, --regroup       fold nodes using node groups (see -s GROUPSOURCE)
    --list-sources, --groupsources
                        list all active group sources (see groups.conf(5))

  Operations:
    -x SUB_NODES, --exclude=SUB_NODES
                        exclude specified nodeset
    -i AND_NODES, --intersection=AND_NODES
                        calculate nodesets intersection
    -X XOR_NODES, --xor=XOR_NODES
                        calculate symmetric difference between nodesets

  Options:
    -a, --all           call external node groups support to display all nodes
    --autostep=AUTOSTEP
                        enable a-b/step style syntax when folding, value is
                        min node count threshold (eg. '4', '50%' or 'auto')
    -d, --debug         output more messages for debugging purpose
    -q, --quiet         be quiet, print essential output only
    -R, --rangeset      switch to RangeSet instead of NodeSet. Useful when
                        working on numerical cluster ranges, eg. 1,5,18-31
    -G, --groupbase     hide group source prefix (always "@groupname")
    -S SEPARATOR, --separator=SEPARATOR
                        separator string to use when expanding nodesets
                        (default: ' ')
    -O FORMAT, --output-format=FORMAT
                        output format (default: '%s')
    -I SLICE_RANGESET, --slice=SLICE_RANGESET
                        return sliced off result
    --split=MAXSPLIT    split result into a number of subsets
    --contiguous        split result into contiguous subsets
    --axis=RANGESET     fold along these axis only (axis 1..n for nD nodeset)
    --pick=N            pick N node(s) at random in nodeset
`;
