/**
 * `svctui` at a terminal: the full-screen app. Loaded lazily by app.ts only when stdin and stdout are
 * TTYs (importing Ink is most of the start-up time).
 */
import process from 'node:process';
import {render, type Instance} from 'ink';
import type {Transport} from '../ssh/transport.js';
import {App} from '../ui/app.js';
import {useTerminalSize} from '../ui/hooks/use-terminal-size.js';
import {TerminalSizeContext} from '../ui/terminal-size-context.js';
import {ThemeContext, themeFromEnv, type Theme} from '../ui/theme.js';
import type {UiState} from '../ui/ui-state.js';
import {abandonOpenRunLogs} from '../report/log-writer.js';
import {createInkOutput} from '../terminal/ink-output.js';
import {storeFlushMs} from '../terminal/frame-writer.js';
import type {CommandIO} from './io.js';
import type {RunOptions} from './options.js';
import type {TuiController} from '../tui/contract.js';
import {createTuiController} from '../tui/controller.js';
import {groupResolver, tuiSettings} from './prepare.js';
import {hangUp, ignoreSignal, onStopSignals, quitNow, signalExitCode, type StopSignal} from './signals.js';

export type RunTuiDeps = {
	/** @default the real SSH transport (`openTransport`) */
	readonly transportFactory?: (options: RunOptions, io: CommandIO) => Transport;
};

const enterAltScreen = '\u001B[?1049h';
const leaveAltScreen = '\u001B[?1049l';
const showCursor = '\u001B[?25h';
const hideCursor = '\u001B[?25l';

type RootProps = {
	readonly controller: TuiController;
	readonly theme: Theme;
	readonly startWithReview: boolean;
	readonly readOnly: boolean;
	readonly uiMemory: {current: UiState | undefined};
};

/**
 * The live terminal size; the app leaves its last row empty (`spareRows`): when Ink's output is as tall as the terminal it clears the
 * whole screen on every frame (ink.js `isFullscreen`), which flickers and costs a full repaint over
 * SSH; one spare row keeps its line-by-line updates.
 */
function Root({controller, theme, startWithReview, readOnly, uiMemory}: RootProps) {
	const size = useTerminalSize();
	return (
		<TerminalSizeContext.Provider value={size}>
			<ThemeContext.Provider value={theme}>
				<App controller={controller} readOnly={readOnly} startWithReview={startWithReview} uiMemory={uiMemory} spareRows={1} />
			</ThemeContext.Provider>
		</TerminalSizeContext.Provider>
	);
}

/**
 * Run the app until the user quits. Returns the exit code of the last run (exit-code.ts: 0 ok, 1 a task
 * failed or was skipped, 3 unreachable nodes, 130 aborted), or 0 when nothing ran, so a script that
 * wraps the app learns how the run went. SIGINT, SIGTERM and SIGHUP abort the run and return 128 + the
 * signal (except Ctrl-C typed in $EDITOR, which is the editor's).
 *
 * The alternate screen is entered before the first render and left on every way out: quit, a crash in
 * a component, an uncaught exception, SIGINT, SIGTERM, SIGHUP. Leaving unmounts Ink first, so raw mode is off
 * again before the normal screen comes back, and shows the cursor.
 */
export async function runTui(options: RunOptions, io: CommandIO, deps: RunTuiDeps = {}): Promise<number> {
	const stdout = io.stdout as NodeJS.WriteStream;
	const stdin = (io.stdin ?? process.stdin) as NodeJS.ReadStream;
	const resolver = groupResolver(options.groupsConf, io.env, io.cwd, options.logDir);
	const theme = themeFromEnv(options.color ? io.env : {...io.env, NO_COLOR: '1'});
	const uiMemory: {current: UiState | undefined} = {current: undefined};
	let instance: Instance | undefined;
	/**
	 * Instances unmounted to hand the terminal to $EDITOR. Their `waitUntilExit` settles a tick after
	 * the unmount, by which time the (synchronous) editor has run and the app is mounted again, so a
	 * flag reset on resume would read as "quit"; each instance remembers instead.
	 */
	const parked = new WeakSet<Instance>();
	let onScreen = false;
	let finish: (code: number | Error) => void = () => undefined;
	const finished = new Promise<number | Error>(resolve => {
		finish = resolve;
	});

	// Ink's frames go through the frame writer: only what changed reaches the terminal (a slow link).
	const output = createInkOutput(stdout, stdin, {fps: options.fps, frameLog: io.env['SVCTUI_FRAME_LOG']});
	const {frames} = output;
	/** Idempotent: unmount Ink (raw mode off), then back to the normal screen with the cursor shown. */
	const restore = (): void => {
		const current = instance;
		instance = undefined;
		current?.unmount();
		frames.dispose();
		if (onScreen) {
			onScreen = false;
			stdout.write(leaveAltScreen + showCursor);
		}
	};

	/**
	 * While $EDITOR has the terminal it is in cooked mode, so Ctrl-C and Ctrl-\ in the editor send SIGINT
	 * and SIGQUIT to the whole foreground process group, this process included. They are the editor's,
	 * as git treats them: ignored here (SIGQUIT's default would kill the app with the alternate screen
	 * and raw mode left on after the remount). The signal is only read from libuv's signal pipe in the
	 * poll phase after the (synchronous) editor returns, so the shield stays up for two check phases.
	 */
	let shielded = false;
	let stopIgnoring = (): void => undefined;
	const shield = (): void => {
		shielded = true;
		stopIgnoring();
		stopIgnoring = ignoreSignal('SIGQUIT');
	};

	const unshield = (): void => {
		setImmediate(() => {
			setImmediate(() => {
				shielded = false;
				stopIgnoring();
			});
		});
	};

	// The SSH layer is loaded only when no transport is injected (tests and demos bring their own).
	const transportFactory = deps.transportFactory ?? (await import('./transport.js')).openTransport;
	const controller = createTuiController(tuiSettings(options, io, resolver), {
		transportFactory: () => transportFactory(options, io),
		resolver,
		flushMs: storeFlushMs(options.fps),
		suspend() {
			if (instance !== undefined) {
				parked.add(instance);
			}

			shield();
			restore();
		},
		resume() {
			mount(false);
			unshield();
		},
	});

	const mount = (startWithReview: boolean): void => {
		// Entering the alternate screen clears it: whatever the writer thought was on screen is gone.
		stdout.write(enterAltScreen + hideCursor);
		frames.invalidate();
		onScreen = true;
		const mounted = render(<Root controller={controller} theme={theme} startWithReview={startWithReview} readOnly={options.readOnly} uiMemory={uiMemory} />, {
			stdout: output.stdout,
			stdin,
			// Debug mode: Ink hands each frame over as plain text, unthrottled; the frame writer sends only
			// what changed, within its frame budget (Ink itself would rewrite every line of every frame).
			debug: true,
			stderr: io.stderr as NodeJS.WriteStream,
			exitOnCtrlC: false,
			patchConsole: false,
		});
		instance = mounted;
		mounted.waitUntilExit().then(
			() => {
				// Unmounted for $EDITOR: the app comes back, this is not the end.
				if (!parked.has(mounted)) {
					finish(controller.exitCode());
				}
			},
			(error: unknown) => {
				finish(error instanceof Error ? error : new Error(String(error)));
			},
		);
	};

	let signalled = false;
	const onSignal = (signal: StopSignal): void => {
		if (signal === 'SIGINT' && shielded) {
			return;
		}

		if (signalled) {
			// A second signal while the run is being stopped: quit now, its log ended with what is known.
			abandonOpenRunLogs();
			if (signal === 'SIGHUP') {
				hangUp();
			}

			quitNow(signalExitCode(signal));
		}

		signalled = true;
		restore();
		finish(signalExitCode(signal));
	};

	// A terminal that hangs up fails every later write with EIO: never an unhandled 'error' event
	// (it would end the app before its run's log is closed). The SIGHUP that comes with it ends the app.
	let terminalGone = false;
	const onTerminalGone = (): void => {
		terminalGone = true;
		onScreen = false;
	};

	const onCrash = (error: unknown): void => {
		restore();
		finish(error instanceof Error ? error : new Error(String(error)));
	};

	// SIGINT comes from `kill -INT` (in raw mode Ctrl-C is a key, not a signal) or from Ctrl-C in $EDITOR.
	const stopSignals = onStopSignals(onSignal);
	stdout.on('error', onTerminalGone);
	process.on('uncaughtException', onCrash);
	process.on('unhandledRejection', onCrash);
	try {
		let review = false;
		if (options.planFile !== undefined) {
			await controller.loadPlan(options.planFile);
			const {plan} = controller.getSnapshot();
			// `svctui --plan FILE` opens on the review, its pre-flight already asking the nodes.
			review = plan.plan !== undefined && plan.problems.length === 0;
		}

		mount(review);
		if (review) {
			void controller.preflight().catch((error: unknown) => {
				controller.setNotice(`pre-flight: ${error instanceof Error ? error.message : String(error)}`);
			});
		}

		const result = await finished;
		restore();
		if (result instanceof Error) {
			throw result;
		}

		return result;
	} finally {
		restore();
		stopIgnoring();
		process.off('uncaughtException', onCrash);
		process.off('unhandledRejection', onCrash);
		output.close();
		// Signals stay handled while a run is being stopped: a second one must still quit at once.
		const bySignal = signalled;
		signalled = true;
		await controller.dispose();
		// After a signal the process is on its way out (connections closing): a second one still means
		// "now", with its own exit code, rather than the default death. Signal listeners keep no process alive.
		if (!bySignal) {
			stopSignals();
		}

		if (terminalGone) {
			hangUp();
		}
	}
}
