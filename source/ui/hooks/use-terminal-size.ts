import {useStdout} from 'ink';
import {useEffect, useState} from 'react';
import type {Size} from '../layout.js';
import {defaultTerminalSize} from '../terminal-size-context.js';

type SizedStream = {readonly columns?: number; readonly rows?: number};

function read(stream: SizedStream, fallback: Size): Size {
	// A piped or fake stdout has no `rows` (ink-testing-library gives columns=100 and no rows).
	return {columns: stream.columns ?? fallback.columns, rows: stream.rows ?? fallback.rows};
}

/**
 * The live size of Ink's stdout, following `resize` events. Only the root calls this, to fill
 * `TerminalSizeContext`; Ink 6.8 has no `useWindowSize()` of its own.
 */
export function useTerminalSize(fallback: Size = defaultTerminalSize): Size {
	const {stdout} = useStdout();
	const [size, setSize] = useState<Size>(() => read(stdout, fallback));
	useEffect(() => {
		const update = (): void => {
			setSize(previous => {
				const next = read(stdout, fallback);
				return next.columns === previous.columns && next.rows === previous.rows ? previous : next;
			});
		};

		update();
		stdout.on('resize', update);
		return () => {
			stdout.off('resize', update);
		};
	}, [stdout, fallback.columns, fallback.rows]);
	return size;
}
