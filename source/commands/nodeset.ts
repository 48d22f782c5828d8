import {shownSafely} from '../display.js';
import type {Command, CommandIO} from './io.js';
import {listCommand} from './nodeset-list.js';
import {defaultLogDir} from '../report/log-writer.js';
import {withResultSets} from '../report/result-sets.js';
import {format, help, parseArgv, unescapeSeparator, UsageError, type Autostep, type Options} from './nodeset-options.js';
import {
	defaultMaxNodes,
	loadGroupResolver,
	contiguousNodes,
	NodeSetBase,
	NodeSetParseError,
	parseNodeSetBase,
	pickSlices,
	RangeSet,
	regroup,
	singleNodes,
	splitNodes,
	RangeSetBuilder,
	type GroupResolver,
	type ParseOptions,
} from '../nodeset/index.js';

/**
 * `svctui nodeset`: ClusterShell's `nodeset` command, same flags, same output bytes.
 * Options are read up to the first node set (ClusterShell disables interspersed options); after
 * it, `-x`, `-i` and `-X` chain left to right. Without a node set, node sets are read from stdin.
 */
/** A failure nodeset reports as `ERROR: …` with exit 1 (its ValueError/IndexError handler). */
class RuntimeFailure extends Error {}

export const nodesetCommand: Command = async (argv, io) => {
	let options: Options;
	try {
		options = parseArgv(argv);
	} catch (error) {
		if (error instanceof UsageError) {
			io.stderr.write(`nodeset: error: ${shownSafely(error.message)}\n`);
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
			io.stderr.write(`nodeset: error: ${shownSafely(error.message)}\n`);
			return 2;
		}

		if (error instanceof NodeSetParseError) {
			// nodeset exits 1 on parse and group errors.
			io.stderr.write(`nodeset: ${shownSafely(error.message)}\n`);
			return 1;
		}

		if (error instanceof RuntimeFailure) {
			io.stderr.write(`nodeset: ERROR: ${error.message}\n`);
			return 1;
		}

		throw error;
	}
};

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
	const commands = Number(options.count) + Number(options.expand) + Number(options.fold) + Number(options.list > 0) + Number(options.listAll > 0) + Number(options.regroup) + Number(options.groupSources);
	if (commands === 0) {
		throw new UsageError('No command specified.');
	}

	if (commands > 1) {
		throw new UsageError('Multiple commands not allowed.');
	}

	if ((options.all || options.regroup) && options.rangeset) {
		throw new UsageError('-a/-r only supported in NodeSet mode');
	}

	if (options.split !== undefined && options.contiguous) {
		throw new UsageError('incompatible splitting options (split, contiguous)');
	}

	if (options.axis !== undefined && (!options.fold || options.rangeset)) {
		throw new UsageError('--axis option is only supported when folding nodeset');
	}

	if (options.groupSource && !options.quiet && options.rangeset) {
		io.stderr.write(`WARNING: option group source "${options.groupSource}" ignored\n`);
	}

	let resolver: GroupResolver = loadGroupResolver({
		groupsConf: options.groupsConf,
		env: io.env,
		debug: options.debug ? line => io.stderr.write(`${line}\n`) : undefined,
	});
	if (options.groupSource) {
		resolver = resolver.withDefault(options.groupSource);
	}

	if (options.groupSources) {
		const suffix = options.quiet ? '' : ' (default)';
		return resolver.sources().map((name, i) => `${name}${i === 0 ? suffix : ''}\n`).join('');
	}

	const autostep = options.autostep?.kind === 'count' ? options.autostep.value : undefined;
	const stdin = async (): Promise<string[]> => stdinWords(io);
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
		let result = current.withAutostep(autostep);
		if (options.slice !== undefined) {
			// nodeset slices into a fresh RangeSet(): the count autostep does not survive (ClusterShell's quirk).
			const positions = RangeSet.parse(options.slice);
			result = rangeSetOf([], undefined);
			for (const slice of positions.slices(undefined)) {
				result = result.union(current.slice(Number(slice.start), Number(slice.last) + 1));
			}
		}

		result = result.withAutostep(finalStep(options.autostep, result.size) ?? result.autostep);
		const picked = pick(options.pick, result.toStrings());
		if (picked) {
			result = result.intersection(rangeSetOf([picked.join(',')], undefined));
		}

		const parts = result.size === 0 || (options.split ?? 1) <= 1 && !options.contiguous
			? [result]
			: (options.contiguous ? result.contiguous() : splitRangeSet(result, options.split!));
		return parts.map(part => render(options, part.size, () => part.toStrings(), () => part.toString())).join('');
	}

	// One mutable set, changed in place in nodeset's order: n-D folding depends on that history.
	const xset = new NodeSetBase();
	// svctui's result sets (@failed, @ok:log_…) expand like any group; listing and regrouping keep to groups.conf.
	const withResults = withResultSets(resolver, defaultLogDir(io.env));
	const parseLines = (lines: readonly string[], parseOptions: ParseOptions = {resolver: withResults, maxNodes: defaultMaxNodes}): NodeSetBase => {
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

	let result = options.slice === undefined ? xset : pickSlices(xset, RangeSet.parse(options.slice));
	const finalAutostep = finalStep(options.autostep, result.size) ?? autostep;
	const foldAxis = axisOption(options.axis);
	const picked = pick(options.pick, result.expand());
	if (picked) {
		result.intersectionUpdate(parseNodeSetBase(picked.join(','), {resolver}));
	}

	if (options.fold && options.outputFormat !== '%s') {
		// nodeset formats every node, then folds the names again (single names: _fromlist1), without --axis.
		result = singleNodes(result.expand().map(node => format(options.outputFormat, node)));
	}

	const whole = result.size === 0 || (options.split ?? 1) <= 1 && !options.contiguous;
	// Contiguous parts are new sets without autostep (ClusterShell's contiguous() builds them so).
	const partAutostep = !whole && options.contiguous ? undefined : finalAutostep;
	const view = (set: NodeSetBase): string => {
		if (options.regroup) {
			return `${format(options.outputFormat, regroup(set, resolver, options.groupSource, options.groupBase, partAutostep))}\n`;
		}

		if (options.fold) {
			return options.outputFormat === '%s' ? `${set.fold(partAutostep, foldAxis)}\n` : `${set.fold(partAutostep)}\n`;
		}

		return render(options, set.size, () => set.expand(), () => '');
	};

	const parts = whole ? [result] : (options.contiguous ? contiguousNodes(result, finalAutostep) : splitNodes(result, options.split!));
	return parts.map(part => view(part)).join('');
}

/** `--axis`: 1-based axes as a RangeSet (0 ignored), or one negative axis; 0-based for NodeSetBase.fold. */
function axisOption(axis: string | undefined): number[] | undefined {
	if (axis === undefined) {
		return undefined;
	}

	if (!axis.startsWith('-')) {
		return RangeSet.parse(axis).toStrings().map(Number).filter(x => x > 0).map(x => x - 1);
	}

	if (!/^\s*-\d+\s*$/.test(axis)) {
		throw new RuntimeFailure(`invalid literal for int() with base 10: '${axis}'`);
	}

	return [Number(axis)];
}

/** `--pick N`: N names at random when fewer than all (random.sample). */
function pick(count: number | undefined, names: readonly string[]): string[] | undefined {
	if (!count || count >= names.length) {
		return undefined;
	}

	if (count < 0) {
		throw new RuntimeFailure('Sample larger than population or is negative');
	}

	const pool = [...names];
	for (let i = 0; i < count; i++) {
		const j = i + Math.floor(Math.random() * (pool.length - i));
		[pool[i], pool[j]] = [pool[j]!, pool[i]!];
	}

	return pool.slice(0, count);
}

function splitRangeSet(set: RangeSet, parts: number): RangeSet[] {
	const each = Math.floor(set.size / parts);
	const left = set.size % parts;
	const out: RangeSet[] = [];
	let begin = 0;
	for (let i = 0; i < Math.min(parts, set.size); i++) {
		const length = each + (i < left ? 1 : 0);
		out.push(set.slice(begin, begin + length));
		begin += length;
	}

	return out;
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


