import {appendFileSync} from 'node:fs';
import {createFrameWriter, type FrameRecord, type FrameWriter} from './frame-writer.js';

/** Ink's view of the terminal, and the frame writer behind it. */
export type InkOutput = {
	/** Give this to Ink as its stdout (with `debug: true`, so each render arrives as one whole frame). */
	readonly stdout: NodeJS.WriteStream;
	readonly frames: FrameWriter;
	/** Stop listening to the terminal. */
	close(): void;
};

/**
 * What Ink writes to: the real terminal's size and events, but frames go through the frame writer, which
 * sends only what changed. Resizes make the next frame a full redraw; key presses let frames through at
 * once. `frameLog` (tests: SVCTUI_FRAME_LOG) appends every write as a JSON line for the emulator check.
 */
export function createInkOutput(terminal: NodeJS.WriteStream, keys: NodeJS.ReadStream, options: {readonly fps: number; readonly frameLog?: string}): InkOutput {
	const {frameLog} = options;
	const frames = createFrameWriter({
		sink: terminal,
		size: () => ({columns: terminal.columns || 80, rows: terminal.rows || 24}),
		fps: options.fps,
		onWrite: frameLog === undefined ? undefined : (record: FrameRecord) => appendFileSync(frameLog, `${JSON.stringify(record)}\n`),
	});
	const onResize = (): void => {
		frames.invalidate();
	};

	const onKey = (): void => {
		frames.input();
	};

	terminal.on('resize', onResize);
	keys.on('data', onKey);
	const stdout = {
		get columns() {
			return terminal.columns;
		},
		get rows() {
			return terminal.rows;
		},
		isTTY: true,
		on(event: string, listener: (...args: unknown[]) => void) {
			terminal.on(event, listener);
			return stdout;
		},
		off(event: string, listener: (...args: unknown[]) => void) {
			terminal.off(event, listener);
			return stdout;
		},
		write(data: string) {
			const text = String(data);
			// Control sequences alone (Ink shows the cursor on unmount) are for the terminal, not a frame.
			if (/^(?:\u001B\[[0-9;?<>=]*[A-Za-z])+$/.test(text)) {
				terminal.write(text);
			} else {
				frames.frame(text);
			}

			return true;
		},
	} as unknown as NodeJS.WriteStream;

	return {
		stdout,
		frames,
		close() {
			terminal.off('resize', onResize);
			keys.off('data', onKey);
		},
	};
}
