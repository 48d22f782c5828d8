import xterm from '@xterm/headless';

// Plain JavaScript, so that bench/tty.mjs can replay a 1,000-node session's frames with the same check.
const {Terminal} = xterm;

/** Feed `data` to the emulator and wait until it is parsed. */
export async function writeTo(terminal, data) {
	await new Promise(resolve => {
		terminal.write(data, resolve);
	});
}

/**
 * The emulator's screen, cell by cell: each row as text, and beside it the cells whose style is not the
 * default (colour, bold, inverse …), so two screens compare equal only when they look the same.
 */
export function emulatorScreen(terminal) {
	const buffer = terminal.buffer.active;
	const rows = [];
	const cell = buffer.getNullCell();
	for (let y = 0; y < terminal.rows; y++) {
		const line = buffer.getLine(buffer.viewportY + y);
		if (line === undefined) {
			rows.push('');
			continue;
		}

		const styles = [];
		for (let x = 0; x < terminal.cols; x++) {
			line.getCell(x, cell);
			// A blank cell's foreground, weight and slant show nothing: only what paints the cell counts.
			const blank = (cell.getChars() === '' || cell.getChars() === ' ') && !cell.isInverse() && cell.getBgColorMode() === 0 && !cell.isUnderline() && !cell.isStrikethrough();
			if (blank) continue;
			const style = [
				cell.getFgColorMode() === 0 ? '' : `fg${cell.getFgColorMode()}:${cell.getFgColor()}`,
				cell.getBgColorMode() === 0 ? '' : `bg${cell.getBgColorMode()}:${cell.getBgColor()}`,
				cell.isBold() ? 'b' : '',
				cell.isInverse() ? 'i' : '',
				cell.isDim() ? 'd' : '',
				cell.isUnderline() ? 'u' : '',
				cell.isStrikethrough() ? 's' : '',
				cell.isItalic() ? 't' : '',
			].join('');
			if (style !== '') styles.push(`${x}=${style}`);
		}

		rows.push(`${line.translateToString(true).trimEnd()}${styles.length === 0 ? '' : ` {${styles.join(' ')}}`}`);
	}

	return rows;
}

/** What a fresh terminal shows after a full redraw of `lines`: the reference every frame is held to. */
export async function fullRedrawScreen(lines, columns, rows) {
	const terminal = new Terminal({cols: columns, rows, allowProposedApi: true});
	// Every row at its place, autowrap off: a row wider than the terminal is clipped, never pushed down.
	const rowsText = lines.slice(0, rows).map((line, row) => `\u001B[${row + 1};1H${line}\u001B[0m`).join('');
	await writeTo(terminal, `\u001B[?7l\u001B[H\u001B[2J${rowsText}`);
	const screen = emulatorScreen(terminal);
	terminal.dispose();
	return screen;
}

/**
 * Replay a frame log (the app's SVCTUI_FRAME_LOG: one JSON record per write) through one emulator, as the
 * terminal received it, and after every write compare its screen with a fresh full redraw of that frame.
 * Returns the frames that differ (none when every frame looked as a full redraw would).
 */
export async function replayFrames(records) {
	const first = records[0];
	if (first === undefined) return [];
	const terminal = new Terminal({cols: first.columns, rows: first.rows, allowProposedApi: true});
	const mismatches = [];
	for (const [index, record] of records.entries()) {
		if (record.columns !== terminal.cols || record.rows !== terminal.rows) terminal.resize(record.columns, record.rows);
		await writeTo(terminal, record.written);
		const shown = emulatorScreen(terminal);
		const expected = await fullRedrawScreen(record.lines, record.columns, record.rows);
		if (JSON.stringify(shown) !== JSON.stringify(expected)) {
			const row = shown.findIndex((line, at) => line !== expected[at]);
			mismatches.push({frame: index, row, shown: shown[row], expected: expected[row]});
		}
	}

	terminal.dispose();
	return mismatches;
}
