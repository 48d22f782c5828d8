/** Key escape codes as a terminal sends them (xterm), for `stdin.write` in tests. */
export const keys = {
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	shiftUp: '\u001B[1;2A',
	shiftDown: '\u001B[1;2B',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
	enter: '\r',
	/** A lone ESC: Ink holds it for 20 ms in case a sequence follows, so wait for its effect. */
	escape: '\u001B',
	tab: '\t',
	shiftTab: '\u001B[Z',
	backspace: '\u007F',
	delete: '\u001B[3~',
	space: ' ',
	ctrlC: '\u0003',
} as const;
