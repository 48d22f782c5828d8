import xterm from '@xterm/headless';
import pty from 'node-pty';

// @xterm/headless is CommonJS: its named export does not resolve from ESM (STACK.md §3.6).
const {Terminal} = xterm;

export type PtySession = {
	/** The visible screen, one string per row, right-trimmed. */
	screen(): string[];
	/** Which buffer the terminal shows: the app's alternate screen, or the normal one. */
	buffer(): 'normal' | 'alternate';
	/** Type text (keys as a terminal sends them). */
	write(data: string): void;
	/** Resize the terminal, as a person dragging the window does (the app gets SIGWINCH). */
	resize(columns: number, rows: number): void;
	/** Wait until the screen satisfies `predicate`; fails with the last screen after `timeoutMs`. */
	waitForScreen(predicate: (screen: string) => boolean, timeoutMs?: number): Promise<string>;
	/** Resolves with the exit code once the process ends. */
	readonly exited: Promise<number>;
	/** The process's PID, to signal it as a terminal or a service manager would. */
	readonly pid: number;
	kill(): void;
	/** Resize the terminal, as a window manager or tmux would: the pty (SIGWINCH to the app) and the screen. */
	resize(columns: number, rows: number): void;
};

/**
 * Run a command in a real pseudo-terminal, its output fed to a headless xterm, so a test reads the
 * screen a person would see (node-pty + @xterm/headless, STACK.md §4).
 */
export function spawnInPty(command: string, args: readonly string[], options: {cwd: string; env: NodeJS.ProcessEnv; columns?: number; rows?: number}): PtySession {
	const columns = options.columns ?? 100;
	let rows = options.rows ?? 30;
	const terminal = new Terminal({cols: columns, rows, allowProposedApi: true});
	const child = pty.spawn(command, [...args], {name: 'xterm-256color', cols: columns, rows, cwd: options.cwd, env: options.env as Record<string, string>});
	let pendingWrites = 0;
	child.onData(data => {
		pendingWrites++;
		terminal.write(data, () => {
			pendingWrites--;
		});
	});
	const exited = new Promise<number>(resolve => {
		child.onExit(({exitCode}) => {
			resolve(exitCode);
		});
	});
	const screen = (): string[] => {
		const active = terminal.buffer.active;
		return Array.from({length: rows}, (_, row) => active.getLine(active.viewportY + row)?.translateToString(true) ?? '');
	};

	return {
		screen,
		buffer: () => terminal.buffer.active.type,
		write(data) {
			child.write(data);
		},
		resize(newColumns, newRows) {
			rows = newRows;
			terminal.resize(newColumns, newRows);
			child.resize(newColumns, newRows);
		},
		async waitForScreen(predicate, timeoutMs = 30_000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const text = screen().join('\n');
				if (pendingWrites === 0 && predicate(text)) {
					return text;
				}

				if (Date.now() > deadline) {
					throw new Error(`timed out after ${timeoutMs} ms waiting for ${predicate.toString()}; screen:\n${text}`);
				}

				// eslint-disable-next-line no-await-in-loop
				await new Promise<void>(resolve => {
					setTimeout(resolve, 20);
				});
			}
		},
		exited,
		pid: child.pid,
		kill() {
			child.kill();
		},
		resize(newColumns, newRows) {
			rows = newRows;
			terminal.resize(newColumns, newRows);
			child.resize(newColumns, newRows);
		},
	};
}
