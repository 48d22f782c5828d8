import xterm from '@xterm/headless';
import {describe, expect, it} from 'vitest';
import {createFrameWriter, diffFrame, skipBlanks, storeFlushMs, type FrameClock, type FrameRecord} from '../../source/terminal/frame-writer.js';
import {emulatorScreen, fullRedrawScreen, writeTo} from '../helpers/frame-check.mjs';
import {mulberry32} from '../helpers/prng.js';

const {Terminal} = xterm;

/** A clock the test steps by hand. */
function manualClock(): FrameClock & {advance(ms: number): void} {
	let now = 0;
	let timers: {at: number; callback: () => void; id: number}[] = [];
	let nextId = 1;
	return {
		now: () => now,
		setTimeout(callback, ms) {
			const id = nextId++;
			timers.push({at: now + ms, callback, id});
			return id;
		},
		clearTimeout(handle) {
			timers = timers.filter(timer => timer.id !== handle);
		},
		advance(ms) {
			now += ms;
			const due = timers.filter(timer => timer.at <= now);
			timers = timers.filter(timer => timer.at > now);
			for (const timer of due) timer.callback();
		},
	};
}

const pieces = ['a', 'b', 'node12', ' ', '  ', '      ', '│', '─', '✓ ok', '✗ FAIL', '▸', '█', '░', '漢', '字', '[1-3]'];
const styles = [['\u001B[31m', '\u001B[39m'], ['\u001B[1m', '\u001B[22m'], ['\u001B[7m', '\u001B[27m'], ['\u001B[42m', '\u001B[49m'], ['\u001B[38;5;208m', '\u001B[39m']] as const;

/** A row as Ink renders one: styled runs, no wider than the terminal (wide characters count twice). */
function randomLine(next: () => number, columns: number): string {
	const target = Math.floor(next() * (columns + 1));
	let width = 0;
	let line = '';
	while (width < target) {
		const piece = pieces[Math.floor(next() * pieces.length)] ?? 'a';
		const pieceWidth = [...piece].reduce((sum, char) => sum + (/[\u4E00-\u9FFF]/.test(char) ? 2 : 1), 0);
		if (width + pieceWidth > columns) break;
		const style = next() < 0.3 ? styles[Math.floor(next() * styles.length)] : undefined;
		line += style === undefined ? piece : `${style[0]}${piece}${style[1]}`;
		width += pieceWidth;
	}

	return line;
}

describe('diffFrame', () => {
	it('writes only the rows that changed, each from a reset style and an erased row', () => {
		const before = ['title', 'step 1 [███░░] 3/5', 'output'];
		const after = ['title', 'step 1 [████░] 4/5', 'output'];
		expect(diffFrame(before, after, 3)).toBe('\u001B[2;1H\u001B[0m\u001B[2Kstep 1 [████░] 4/5\u001B[0m');
		expect(diffFrame(after, after, 3)).toBe('');
	});

	it('clears the screen first when what is on it is not known, and skips empty rows', () => {
		expect(diffFrame(undefined, ['a', '', 'c'], 3)).toBe('\u001B[0m\u001B[H\u001B[2J\u001B[1;1H\u001B[0m\u001B[2Ka\u001B[3;1H\u001B[0m\u001B[2Kc\u001B[0m');
	});

	it('erases rows the new frame no longer has', () => {
		expect(diffFrame(['a', 'b'], ['a'], 2)).toBe('\u001B[2;1H\u001B[0m\u001B[2K\u001B[0m');
	});
});

describe('skipBlanks', () => {
	it.each([
		['│      │', '│\u001B[6C│'],
		['ab   cd      ', 'ab   cd'],
		['\u001B[7m      \u001B[27m      x', '\u001B[7m      \u001B[27m\u001B[6Cx'],
		['\u001B[42m      \u001B[49m', '\u001B[42m      \u001B[49m'],
		['\u001B[48;5;22m      \u001B[0m      x', '\u001B[48;5;22m      \u001B[0m\u001B[6Cx'],
		['\u001B[38;5;42m      \u001B[39mx', '\u001B[38;5;42m\u001B[6C\u001B[39mx'],
		['\u001B[38;2;1;2;3m      x', '\u001B[38;2;1;2;3m\u001B[6Cx'],
		['\u001B[4m      \u001B[24m', '\u001B[4m      \u001B[24m'],
		['\u001B[1m     \u001B[22m', '\u001B[1m\u001B[5C\u001B[22m'],
	])('%j → %j', (line, expected) => {
		expect(skipBlanks(line)).toBe(expected);
	});
});

describe('the frame writer against a terminal emulator', () => {
	it('leaves the screen exactly as a full redraw would, frame after frame (random frames, styles, wide characters, resizes)', async () => {
		for (const seed of [1, 2, 3, 4, 5, 6]) {
			const next = mulberry32(seed);
			let columns = 40 + Math.floor(next() * 81);
			let rows = 10 + Math.floor(next() * 31);
			const terminal = new Terminal({cols: columns, rows, allowProposedApi: true});
			const writes: string[] = [];
			const clock = manualClock();
			const writer = createFrameWriter({sink: {write: data => writes.push(data)}, size: () => ({columns, rows}), fps: 1000, clock});
			let lines = Array.from({length: rows}, () => randomLine(next, columns));
			for (let frame = 0; frame < 60; frame++) {
				const roll = next();
				if (roll < 0.08) {
					// A resize: the terminal reflows, the writer must not trust what it wrote before.
					columns = 40 + Math.floor(next() * 81);
					rows = 10 + Math.floor(next() * 31);
					terminal.resize(columns, rows);
					lines = Array.from({length: rows}, () => randomLine(next, columns));
				} else if (roll < 0.2) {
					lines = lines.slice(0, Math.floor(next() * rows)); // a shorter frame
				} else {
					lines = Array.from({length: rows}, (_, row) => (next() < 0.2 ? randomLine(next, columns) : lines[row] ?? ''));
				}

				writer.frame(`${lines.join('\n')}\n`);
				clock.advance(1);
				for (const data of writes.splice(0)) await writeTo(terminal, data);
				expect(emulatorScreen(terminal), `seed ${seed}, frame ${frame}`).toEqual(await fullRedrawScreen(lines, columns, rows));
			}
		}
	}, 120_000);
});

describe('the frame budget', () => {
	it('writes at most fps frames a second while frames stream, and the last frame is never lost', () => {
		const clock = manualClock();
		const records: FrameRecord[] = [];
		const writer = createFrameWriter({sink: {write: () => true}, size: () => ({columns: 20, rows: 3}), fps: 10, clock, onWrite: record => records.push(record)});
		for (let frame = 0; frame < 100; frame++) {
			writer.frame(`tick ${frame}`);
			clock.advance(10); // a frame every 10 ms for one second
		}

		clock.advance(200);
		expect(records.length).toBeLessThanOrEqual(11);
		expect(records.length).toBeGreaterThanOrEqual(9);
		expect(records.at(-1)?.lines).toEqual(['tick 99']);
	});

	it('writes nothing when nothing visible changed', () => {
		const clock = manualClock();
		const writes: string[] = [];
		const writer = createFrameWriter({sink: {write: data => writes.push(data)}, size: () => ({columns: 20, rows: 3}), fps: 10, clock});
		writer.frame('same\nframe\n');
		clock.advance(500);
		writer.frame('same\nframe\n');
		clock.advance(500);
		writer.frame('same\nframe\n');
		clock.advance(500);
		expect(writes.length).toBe(1);
	});

	it('does not hold back the frames a key press causes', () => {
		const clock = manualClock();
		const writes: string[] = [];
		const writer = createFrameWriter({sink: {write: data => writes.push(data)}, size: () => ({columns: 20, rows: 3}), fps: 10, clock});
		writer.frame('a');
		clock.advance(5);
		writer.input();
		writer.frame('b');
		clock.advance(5);
		writer.frame('c');
		expect(writes.length).toBe(3);
		clock.advance(400); // the input window is over: the budget holds again
		writer.frame('d');
		writer.frame('e');
		expect(writes.length).toBe(4);
		clock.advance(100);
		expect(writes.length).toBe(5);
	});

	it('flush writes the pending frame at once; invalidate makes the next frame a full redraw', () => {
		const clock = manualClock();
		const records: FrameRecord[] = [];
		const writer = createFrameWriter({sink: {write: () => true}, size: () => ({columns: 20, rows: 3}), fps: 10, clock, onWrite: record => records.push(record)});
		writer.frame('a');
		writer.frame('b');
		writer.flush();
		expect(records.map(record => [record.lines[0], record.full])).toEqual([['a', true], ['b', false]]);
		writer.invalidate();
		clock.advance(200);
		writer.frame('b');
		expect(records.at(-1)?.full).toBe(true);
	});
});

describe('storeFlushMs', () => {
	it.each([
		[10, 100],
		[4, 250],
		[1, 1000],
		[25, 40],
		[60, 40],
	])('wakes the app at most %i times a second: every %i ms', (fps, ms) => {
		expect(storeFlushMs(fps)).toBe(ms);
	});
});
