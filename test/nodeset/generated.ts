import {
	contiguousNodes,
	parseNodeSetBase,
	pickSlices,
	RangeSet,
	regroup,
	splitNodes,
	type GroupResolver,
} from '../../source/nodeset/index.js';
import type {OracleView} from './oracle.js';

/**
 * Node set expressions drawn at random (ranges, padding, steps, several dimensions, groups, wildcards,
 * operators, huge and Unicode indexes, faulty syntax) with what nodeset's flags would print of them.
 * Shared by the live differential test and the recorded ClusterShell answers.
 */
export function generator(random: () => number) {
	const int = (n: number): number => Math.floor(random() * n);
	const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
	const padded = (value: number): string => (random() < 0.3 ? String(value).padStart(pick([2, 3]), '0') : String(value));
	// Serial-number indexes: 16 to 25 digits, past 2^53 (ClusterShell takes any length).
	const huge = (): bigint => {
		let digits = String(1 + int(9));
		for (let length = 15 + int(11); digits.length < length;) {
			digits += String(int(10));
		}

		return BigInt(digits);
	};

	// Decimal digits of other scripts (full-width, Arabic-Indic, Devanagari, mathematical): Python's \d.
	const exotic = (text: string): string => {
		const zero = pick([0xFF_10, 0x6_60, 0x9_66, 0x1_D7_CE, 0x1_D7_F6]);
		return text.replaceAll(/\d/g, digit => (random() < 0.5 ? String.fromCodePoint(zero + Number(digit)) : digit));
	};

	const range = (): string => {
		const a = int(30);
		switch (int(7)) {
			case 6: {
				const start = huge();
				return pick([`${start}`, `${start}-${start + BigInt(int(20))}`, `0${start}-0${start + BigInt(int(5))}`, '9007199254740990-9007199254740994', '999999999999999-1000000000000002']);
			}

			case 0: {
				return padded(a);
			}

			case 1: {
				const width = pick([2, 3]);
				return `${String(a).padStart(width, '0')}-${String(a + int(15)).padStart(width, '0')}`;
			}

			case 2: {
				return `${a}-${a + int(20)}/${1 + int(4)}`;
			}

			case 3: {
				return `${a}-${a + int(120)}`;
			}

			case 4: {
				return pick(['-3--1', '-2-2', `${a + 5}-${a}`, '1-', 'a-b', '', ' 3 - 5 ', '01-5', '1-3/0', '5/2']);
			}

			default: {
				return `${a}-${a + int(4)}`;
			}
		}
	};

	const bracket = (): string => `[${Array.from({length: 1 + int(3)}, range).join(',')}]`;
	const atom = (): string => {
		const prefix = pick(['node', 'n', 'web-', 'rack', 'x_', 'db.', 'c', 'gpu', 'n1', '']);
		switch (int(11)) {
			case 0: {
				return `${prefix || 'h'}${padded(int(40))}`;
			}

			case 9: {
				return pick([`${prefix || 'sn'}${huge()}`, `sn${huge()}-${pick(['a', 'b'])}${int(3)}`, 'n18446744073709551616', `n0${huge()}`, 'n1'.padEnd(102, '0'), 'n1'.padEnd(103, '0')]);
			}

			case 10: {
				return exotic(pick([`${prefix || 'node'}${padded(int(40))}`, `${prefix || 'node'}${bracket()}`, `rack${int(4)}-node${bracket()}`, `n${bracket()}${int(3)}`, `n0${int(9)}`]));
			}

			case 1: {
				return `rack${1 + int(3)}-node${padded(1 + int(6))}${pick(['', '-ib'])}`;
			}

			case 2: {
				return `rack${bracket()}-node${bracket()}`;
			}

			case 3: {
				return `${prefix}${bracket()}${pick(['', '0', '-ipmi', 'p1'])}`;
			}

			case 4: {
				return pick(['@web', '@db', '@rack[1-2]', '@lab:gpu', '@nested', '@*', '@lab:*', '@empty', '@nosuch', 'node1*', 'web0?', '@@lab', 'login1']);
			}

			case 5: {
				return pick(['node[1-', 'node]1', 'a[1-2][3]', 'node[1-3]]', '[1-2]', 'x[a-b]', 'n[1-3/2]0', 'n[1,,2]', 'host', 'a%b[1-2]']);
			}

			case 6: {
				return `c${bracket()}${bracket()}`;
			}

			default: {
				return `${prefix || 'node'}${bracket()}`;
			}
		}
	};

	// What nodeset's -I, --split, --contiguous, --axis and -r print.
	const view = (): OracleView | undefined => {
		switch (int(8)) {
			case 0: {
				return {kind: 'slice', rs: pick([`${int(4)}-${int(4) + int(12)}`, `0,${2 + int(3)}-${5 + int(5)}`, String(int(10)), '-1', '1-30/3'])};
			}

			case 1: {
				return {kind: 'split', n: 1 + int(5)};
			}

			case 2: {
				return {kind: 'contiguous'};
			}

			case 3: {
				return {kind: 'axis', axis: pick([[0], [1], [-1], [0, 2], [2], [1, -1]])};
			}

			case 4: {
				return {kind: 'regroup'};
			}

			default: {
				return undefined;
			}
		}
	};

	return (): {expr: string; autostep: number | undefined; view: OracleView | undefined} => {
		const parts = [atom()];
		const terms = int(4);
		for (let i = 0; i < terms; i++) {
			parts.push(pick([',', ',', '!', '&', '^', ' , ', ',', '!']), atom());
		}

		if (random() < 0.03) {
			parts.push(pick([',', '!', '^ ']));
		}

		const shown = view();
		// Known gap: -I with a count autostep on an n-D pattern cut by several slices. ClusterShell then
		// loses the autostep of vectors refolded across dimensions (RangeSetND.update copies them with the
		// copy's own autostep, None); svctui keeps it. Slices are drawn without autostep.
		const autostep = random() < 0.2 && shown?.kind !== 'slice' ? 2 + int(3) : undefined;
		return {expr: parts.join(''), autostep, view: shown};
	};
}

export type Ours = {fold: string; expand: string[]; count: number; view?: string[]} | {error: string};

/** The same view through svctui's functions (what its nodeset command calls). */
export function ourView(expr: string, autostep: number | undefined, view: OracleView, resolver: GroupResolver): string[] {
	const base = parseNodeSetBase(expr, {resolver});
	switch (view.kind) {
		case 'slice': {
			return [pickSlices(base, RangeSet.parse(view.rs)).fold(autostep)];
		}

		case 'split': {
			return splitNodes(base, view.n).map(part => part.fold(autostep));
		}

		case 'contiguous': {
			return contiguousNodes(base, autostep).map(part => part.fold(undefined));
		}

		case 'axis': {
			return [base.fold(autostep, view.axis)];
		}

		case 'regroup': {
			return [regroup(base, resolver, undefined, false, autostep)];
		}
	}
}

