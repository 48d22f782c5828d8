import {UserError} from '../errors.js';
import type {CommandIO} from './io.js';
import {appRunsHeadless, type RunOptions} from './options.js';
import {planCommand} from './run.js';

/**
 * `svctui [--plan FILE]`: the full-screen app when a person is at a terminal; otherwise (`--yes`, `--json`,
 * `--dry-run`, `--headless`, or stdin/stdout not a terminal) the headless plan run. Ink is imported only
 * on the app path: it is most of the start-up time and needs a raw-mode terminal.
 */
export async function appCommand(options: RunOptions, io: CommandIO): Promise<number> {
	if (!appRunsHeadless(options, io)) {
		// `--limit` and `--pick` narrow every review and run of the app (commands/prepare.ts tuiSettings).
		const {runTui} = await import('./tui.js');
		return runTui(options, io);
	}

	if (options.planFile === undefined) {
		throw new UserError('nothing to do without a terminal: give --plan FILE, or a command (run, check, validate, nodeset); see svctui --help');
	}

	return planCommand(options, io);
}
