import type {Command, CommandIO} from './io.js';
import {
	defaultMaxNodes,
	listGroups,
	loadGroupResolver,
	NodeSetBase,
	NodeSetParseError,
	parseNodeSetBase,
	RangeSet,
	RangeSetBuilder,
	type GroupResolver,
	type ParseOptions,
} from '../nodeset/index.js';

/**
 * `svctui nodeset`: ClusterShell's `nodeset` command, same flags, same output bytes.
 * Options are read up to the first node set (ClusterShell disables interspersed options); after
 * it, `-x`, `-i` and `-X` chain left to right. Without a node set, node sets are read from stdin.
 */
export const nodesetCommand: Command = async (argv, io) => {
	let options: Options;
	try {
		options = parseArgv(argv);
	} catch (error) {
		if (error instanceof UsageError) {
			io.stderr.write(`nodeset: error: ${error.message}\n`);
			return 2;
		}

		throw error;
	}

	if (options.help) {
		io.stdout.write(help);
		return 0;
	}

	if (options.version) {
		io.stdout.write('nodeset 1.9.1 (svctui)\n');
		return 0;
	}

	try {
		const output = await run(options, io);
		io.stdout.write(output);
		return 0;
	} catch (error) {
		if (error instanceof UsageError) {
			io.stderr.write(`nodeset: error: ${error.message}\n`);
			return 2;
		}

		if (error instanceof NodeSetParseError) {
			// nodeset exits 1 on parse and group errors.
			io.stderr.write(`nodeset: ${error.message}\n`);
			return 1;
		}

		throw error;
	}
};

class UsageError extends Error {}

type Autostep = {kind: 'count'; value: number} | {kind: 'auto'} | {kind: 'ratio'; value: number};

type Options = {
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
	args: string[];
};

type Spec = {
	readonly short?: string;
	readonly long: readonly string[];
	readonly takes: boolean;
	readonly set: (options: Options, value: string, flag: string) => void;
};

const unsupported = (flag: string) => (): never => {
	throw new UsageError(`option ${flag} is not supported by svctui nodeset yet`);
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
	{short: 'r', long: ['--regroup'], takes: false, set: unsupported('-r/--regroup')},
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
	{short: 'd', long: ['--debug'], takes: false, set() {
		// Debug logging of group upcalls: nothing to log here.
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
	{short: 'I', long: ['--slice'], takes: true, set: unsupported('-I/--slice')},
	{long: ['--split'], takes: true, set: unsupported('--split')},
	{long: ['--contiguous'], takes: false, set: unsupported('--contiguous')},
	{long: ['--axis'], takes: true, set: unsupported('--axis')},
	{long: ['--pick'], takes: true, set: unsupported('--pick')},
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
function parseArgv(argv: readonly string[]): Options {
	const options: Options = {
		count: false, expand: false, fold: false, list: 0, listAll: 0, groupSources: false, exclude: [], intersection: [], xor: [],
		all: false, autostep: undefined, quiet: false, rangeset: false, groupBase: false, separator: ' ', outputFormat: '%s',
		groupSource: undefined, groupsConf: undefined, help: false, version: false, args: [],
	};
	let i = 0;
	const valueFor = (spec: Spec, flag: string, inline: string | undefined): string => {
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

			spec.set(options, spec.takes ? valueFor(spec, flag, inline) : '', flag);
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
					spec.set(options, valueFor(spec, flag, rest || undefined), flag);
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
function unescapeSeparator(text: string): string {
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
function format(template: string, value: string): string {
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
async function stdinWords(io: CommandIO): Promise<string[]> {
	if (!io.stdin) {
		return [];
	}

	let text = '';
	io.stdin.setEncoding?.('utf8');
	for await (const chunk of io.stdin) {
		text += String(chunk);
	}

	const words: string[] = [];
	const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
	for (const line of lines) {
		const hash = line.indexOf('#');
		const content = (hash === -1 ? line.slice(0, -1) : line.slice(0, hash)).trim();
		words.push(...content.split(/\s+/).filter(Boolean));
	}

	return words;
}

type SetOps<T> = {
	parseLines(lines: readonly string[]): T;
	parseOne(text: string): T;
	sizeOf(value: T): number;
	apply(op: ',' | '!' | '&' | '^', operand: T): void;
	size(): number;
};

async function run(options: Options, io: CommandIO): Promise<string> {
	const commands = Number(options.count) + Number(options.expand) + Number(options.fold) + Number(options.list > 0) + Number(options.listAll > 0) + Number(options.groupSources);
	if (commands === 0) {
		throw new UsageError('No command specified.');
	}

	if (commands > 1) {
		throw new UsageError('Multiple commands not allowed.');
	}

	if (options.all && options.rangeset) {
		throw new UsageError('-a/-r only supported in NodeSet mode');
	}

	if (options.groupSource && !options.quiet && options.rangeset) {
		io.stderr.write(`WARNING: option group source "${options.groupSource}" ignored\n`);
	}

	let resolver: GroupResolver = loadGroupResolver({groupsConf: options.groupsConf, env: io.env});
	if (options.groupSource) {
		resolver = resolver.withDefault(options.groupSource);
	}

	if (options.groupSources) {
		const suffix = options.quiet ? '' : ' (default)';
		return resolver.sources().map((name, i) => `${name}${i === 0 ? suffix : ''}\n`).join('');
	}

	const autostep = options.autostep?.kind === 'count' ? options.autostep.value : undefined;
	const stdin = async (): Promise<string[]> => stdinWords(io);
	let output: string;
	if (options.rangeset) {
		let current = RangeSet.empty;
		const ops: SetOps<RangeSet> = {
			parseLines: lines => rangeSetOf(lines, autostep),
			parseOne: text => rangeSetOf([text], autostep),
			sizeOf: value => value.size,
			apply(op, operand) {
				current = op === ',' ? current.union(operand) : op === '!' ? current.difference(operand) : op === '&' ? current.intersection(operand) : current.symmetricDifference(operand);
			},
			size: () => current.size,
		};
		await compute(ops, options, stdin, io);
		const finalAutostep = finalStep(options.autostep, current.size) ?? autostep;
		const result = current.withAutostep(finalAutostep);
		output = render(options, result.size, () => result.toStrings(), () => result.toString());
	} else {
		// One mutable set, changed in place in nodeset's order: n-D folding depends on that history.
		const xset = new NodeSetBase();
		const parseLines = (lines: readonly string[], parseOptions: ParseOptions = {resolver, maxNodes: defaultMaxNodes}): NodeSetBase => {
			// NodeSet.fromlist: each line its own expression (errors name the line), their union.
			const union = new NodeSetBase();
			for (const line of lines) {
				union.update(parseNodeSetBase(line, parseOptions));
			}

			return union;
		};

		const ops: SetOps<NodeSetBase> = {
			parseLines,
			parseOne: text => parseLines([text]),
			sizeOf: value => value.size,
			apply(op, operand) {
				xset.apply(op, operand);
			},
			size: () => xset.size,
		};
		if (options.all) {
			xset.update(parseNodeSetBase('@*', {resolver}));
		}

		await compute(ops, options, stdin, io);
		if (options.list > 0 || options.listAll > 0) {
			return listCommand(options, resolver, xset, autostep);
		}

		const size = xset.size;
		const finalAutostep = finalStep(options.autostep, size) ?? autostep;
		if (options.fold && options.outputFormat !== '%s') {
			const formatted = xset.expand().map(node => format(options.outputFormat, node));
			const refolded = new NodeSetBase();
			refolded.update(parseLines(formatted, {resolver: undefined, maxNodes: defaultMaxNodes}));
			return `${refolded.fold(finalAutostep)}\n`;
		}

		output = render(options, size, () => xset.expand(), () => xset.fold(finalAutostep));
	}

	return output;
}

function rangeSetOf(lines: readonly string[], autostep: number | undefined): RangeSet {
	const builder = new RangeSetBuilder({maxNodes: defaultMaxNodes, input: lines.join(',')});
	for (const line of lines) {
		builder.addSet(RangeSet.parse(line, {limit: {maxNodes: defaultMaxNodes, input: line}}));
	}

	return builder.build(autostep);
}

function finalStep(autostep: Autostep | undefined, size: number): number | undefined {
	if (autostep?.kind === 'auto') {
		return Math.max(3, size);
	}

	if (autostep?.kind === 'ratio') {
		return Math.ceil(size * autostep.value);
	}

	return undefined;
}

function render(options: Options, size: number, expand: () => string[], fold: () => string): string {
	if (options.expand) {
		const separator = unescapeSeparator(options.separator);
		return `${expand().map(node => format(options.outputFormat, node)).join(separator)}\n`;
	}

	if (options.fold) {
		return `${format(options.outputFormat, fold())}\n`;
	}

	return `${format(options.outputFormat, String(size))}\n`;
}

/** The order nodeset applies things in: option operands by kind, then operands left to right. */
async function compute<T>(ops: SetOps<T>, options: Options, stdin: () => Promise<string[]>, io: CommandIO): Promise<void> {
	const fromStdin = async (op: ',' | '!' | '&' | '^'): Promise<void> => {
		// Each word is its own expression; their union is the operand, applied only when not empty
		// (nodeset's process_stdin).
		const words = await stdin();
		const union = ops.parseLines(words);
		if (ops.sizeOf(union) > 0) {
			ops.apply(op, union);
		}
	};

	if (options.args.length === 0 && !options.all && options.list === 0 && options.listAll === 0) {
		await fromStdin(',');
	}

	if (ops.size() === 0 && (options.intersection.length > 0 || options.exclude.length > 0 || options.xor.length > 0) && !options.quiet) {
		io.stderr.write('WARNING: empty left operand for set operation\n');
	}

	for (const [op, values] of [['&', options.intersection], ['!', options.exclude], ['^', options.xor]] as const) {
		for (const value of values) {
			if (value === '-') {
				await fromStdin(op);
			} else {
				ops.apply(op, ops.parseOne(value));
			}
		}
	}

	const args = [...options.args];
	const operators: Record<string, '&' | '!' | '^'> = {'-i': '&', '--intersection': '&', '-x': '!', '--exclude': '!', '-X': '^', '--xor': '^'};
	while (args.length > 0) {
		const arg = args.shift()!;
		const op = operators[arg];
		if (op) {
			const value = args.shift();
			if (value === undefined) {
				throw new UsageError(`${arg} needs a node set after it`);
			}

			if (value === '-') {
				await fromStdin(op);
			} else {
				ops.apply(op, ops.parseLines(value.split(/\r\n|\r|\n/).filter((line, i, all) => i < all.length - 1 || line !== '')));
			}
		} else if (arg === '-') {
			await fromStdin(',');
		} else {
			ops.apply(',', ops.parseLines(arg.split(/\r\n|\r|\n/).filter((line, i, all) => i < all.length - 1 || line !== '')));
		}
	}
}

function listCommand(options: Options, resolver: GroupResolver, xset: NodeSetBase, autostep: number | undefined): string {
	const level = options.list + options.listAll;
	let sources: Array<string | undefined>;
	if (options.listAll > 0) {
		sources = resolver.sources();
		if (sources.length > 0 && !options.groupSource) {
			sources[0] = undefined;
		}
	} else {
		sources = [options.groupSource];
	}

	const lines: string[] = [];
	const filtered = xset.size > 0 || options.all || options.intersection.length > 0 || options.exclude.length > 0 || options.xor.length > 0;
	for (const source of sources) {
		const scoped = source ? resolver.withDefault(source) : resolver;
		const names = listGroups(scoped, source);
		if (filtered) {
			const groups: Array<[string, NodeSetBase, NodeSetBase]> = [];
			for (const name of names) {
				const groupNodes = parseNodeSetBase(`@${name}`, {resolver: scoped});
				const inside = xset.copy();
				inside.intersectionUpdate(groupNodes);
				if (inside.size > 0) {
					groups.push([source && !options.groupBase ? `@${source}:${name}` : `@${name}`, groupNodes, inside]);
				}
			}

			groups.sort((a, b) => (a[0] < b[0] ? -1 : (a[0] > b[0] ? 1 : 0)));
			for (const [key, groupNodes, inside] of groups) {
				lines.push(level === 1 ? key : (level === 2 ? `${key} ${inside.fold(autostep)}` : `${key} ${inside.fold(autostep)} ${inside.size}/${groupNodes.size}`));
			}
		} else {
			for (const name of names) {
				const key = source && !options.groupBase ? `@${source}:${name}` : `@${name}`;
				if (level === 1) {
					lines.push(key);
					continue;
				}

				const nodes = parseNodeSetBase(key, {resolver: scoped});
				lines.push(level === 2 ? `${key} ${nodes.fold(undefined)}` : `${key} ${nodes.fold(undefined)} ${nodes.size}`);
			}
		}
	}

	return lines.map(line => `${line}\n`).join('');
}

const help = `Usage: nodeset [COMMAND] [OPTIONS] [ns1 [-ixX] ns2|...]

Commands:
  -c, --count           show number of nodes in nodeset(s)
  -e, --expand          expand nodeset(s) to separate nodes
  -f, --fold            fold nodeset(s) (or separate nodes) into one nodeset
  -l, --list            list node groups from one source (see -s GROUPSOURCE)
  -L, --list-all        list node groups from all group sources
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
  -s GROUPSOURCE, --groupsource=GROUPSOURCE
                        optional groups.conf(5) group source to use
  --groupsconf=FILE     use alternate config file for groups.conf(5)
  -a, --all             call external node groups support to display all nodes
  --autostep=AUTOSTEP   enable a-b/step style syntax when folding, value is
                        min node count threshold (eg. '4', '50%' or 'auto')
  -q, --quiet           be quiet, print essential output only
  -R, --rangeset        switch to RangeSet instead of NodeSet
  -G, --groupbase       hide group source prefix (always "@groupname")
  -S SEPARATOR, --separator=SEPARATOR
                        separator string to use when expanding nodesets
  -O FORMAT, --output-format=FORMAT
                        output format (default: '%s')
`;
