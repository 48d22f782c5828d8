import {stripVTControlCharacters} from 'node:util';
import {createElement, type ReactElement} from 'react';
import {render} from 'ink-testing-library';
import type {Size} from '../../source/ui/layout.js';
import {TerminalSizeContext} from '../../source/ui/terminal-size-context.js';
import {defaultTheme, ThemeContext, type Theme} from '../../source/ui/theme.js';

export type Rendered = ReturnType<typeof render> & {
	/** The last frame with ANSI codes removed and trailing spaces trimmed from each line. */
	readonly text: () => string;
	/** Feed keys and wait until the frame satisfies `until`. */
	readonly press: (input: string, until: (frame: string) => boolean) => Promise<string>;
};

/** Remove ANSI codes and the padding Ink leaves at line ends, so exact frames can be asserted. */
export function plain(frame: string | undefined): string {
	return stripVTControlCharacters(frame ?? '')
		.split('\n')
		.map(line => line.trimEnd())
		.join('\n');
}

/** Default deadline for a frame to appear. Generous: the whole suite shares two busy cores. */
const defaultTimeoutMs = 3000;

/** Wait one macrotask: lets React commit and run effects (useInput attaches in an effect). */
export async function tick(): Promise<void> {
	await new Promise<void>(resolve => {
		setImmediate(resolve);
	});
}

/**
 * Poll until `check` returns true, yielding between tries; fails with `describe()` after the deadline.
 * Not a sleep: it returns as soon as the condition holds.
 */
export async function waitFor(check: () => boolean, describe: () => string = () => 'condition', timeoutMs = defaultTimeoutMs): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`);
		}

		// eslint-disable-next-line no-await-in-loop
		await new Promise<void>(resolve => {
			setTimeout(resolve, 2);
		});
	}
}

/** Wait until the (plain) last frame satisfies `predicate`; returns that frame. */
export async function waitForFrame(instance: {lastFrame: () => string | undefined}, predicate: (frame: string) => boolean, timeoutMs = defaultTimeoutMs): Promise<string> {
	await waitFor(
		() => predicate(plain(instance.lastFrame())),
		() => `a frame matching ${predicate.toString()}; last frame was:\n${plain(instance.lastFrame())}`,
		timeoutMs,
	);
	return plain(instance.lastFrame());
}

/** Write keys to stdin, wait for the frame to satisfy `until`, then for the effects after it. */
export async function pressAndWait(
	instance: {stdin: {write: (data: string) => void}; lastFrame: () => string | undefined},
	input: string,
	until: (frame: string) => boolean,
): Promise<string> {
	instance.stdin.write(input);
	const frame = await waitForFrame(instance, until);
	// The frame is committed, but key handlers re-subscribe in effects that run after it; the next
	// key must not reach the previous render's handler (ink-text-input would drop what was typed).
	await tick();
	return frame;
}

export type RenderOptions = {
	/** Terminal size, given through `TerminalSizeContext` and to Ink's fake stdout. @default 80×24 */
	readonly size?: Size;
	readonly theme?: Theme;
};

/**
 * Render inside the app's providers at a fixed size, and wait for the first frame and the effects
 * after it, so the first `stdin.write` is seen.
 */
export async function renderUi(tree: ReactElement, options: RenderOptions = {}): Promise<Rendered> {
	const wrap = (node: ReactElement): ReactElement =>
		createElement(
			TerminalSizeContext.Provider,
			{value: options.size ?? {columns: 80, rows: 24}},
			createElement(ThemeContext.Provider, {value: options.theme ?? defaultTheme}, node),
		);
	const size = options.size ?? {columns: 80, rows: 24};
	const instance = render(wrap(tree));
	// ink-testing-library's stdout is always 100 columns wide with no rows, and Ink lays the root out at
	// that width. Give it the test's size and lay out again, as a real terminal resize would.
	Object.defineProperty(instance.stdout, 'columns', {value: size.columns, configurable: true});
	Object.defineProperty(instance.stdout, 'rows', {value: size.rows, configurable: true});
	instance.stdout.emit('resize');
	instance.rerender(wrap(tree));
	await waitFor(() => instance.lastFrame() !== undefined, () => 'the first frame');
	await tick();
	return {
		...instance,
		rerender: (node: ReactElement) => {
			instance.rerender(wrap(node));
		},
		text: () => plain(instance.lastFrame()),
		press: async (input, until) => pressAndWait(instance, input, until),
	};
}
