import xterm from '@xterm/headless';

const {Terminal} = xterm;
type Terminal = InstanceType<typeof Terminal>;

/** Feed `data` to the emulator and wait until it is parsed. */
export async function writeTo(terminal: Terminal, data: string): Promise<void> {
	await new Promise<void>(resolve => {
		terminal.write(data, resolve);
	});
}

/**
 * The emulator's screen, cell by cell: each row as text, and beside it the cells whose style is not the
 * default (colour, bold, inverse …), so two screens compare equal only when they look the same.
 */
export function emulatorScreen(terminal: Terminal): string[] {
	const buffer = terminal.buffer.active;
	const rows: string[] = [];
	const cell = buffer.getNullCell();
	for (let y = 0; y < terminal.rows; y++) {
		const line = buffer.getLine(buffer.viewportY + y);
		if (line === undefined) {
			rows.push('');
			continue;
		}

		const styles: string[] = [];
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
export async function fullRedrawScreen(lines: readonly string[], columns: number, rows: number): Promise<string[]> {
	const terminal = new Terminal({cols: columns, rows, allowProposedApi: true});
	await writeTo(terminal, `\u001B[H\u001B[2J${lines.slice(0, rows).join('\u001B[0m\r\n')}\u001B[0m`);
	const screen = emulatorScreen(terminal);
	terminal.dispose();
	return screen;
}
