import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import type {} from 'vitest';

/**
 * Why a group of tests does not run here, and the one command that would run it. Carried in the tests'
 * meta, so the skip reporter (test/helpers/skip-reporter.ts) ends the run with a list grouped by it:
 * a skip is never silent.
 */
export type SkipReason = {readonly why: string; readonly enable: string};

declare module 'vitest' {
	interface TaskMeta {
		skipReason?: SkipReason;
	}
}

const packagesScript = fileURLToPath(new URL('../../scripts/debian-packages.sh', import.meta.url));

let cachedEnable: string | undefined;

/**
 * The command that removes the usual reasons: not root, or (as root) Debian packages that are missing
 * because npm test ran with SVCTUI_NO_INSTALL or on a machine without apt-get.
 */
function enableCommand(): string {
	if (cachedEnable === undefined) {
		const missing = spawnSync('bash', [packagesScript, 'missing', 'test'], {encoding: 'utf8'}).stdout?.trim().split('\n').filter(Boolean) ?? [];
		if (process.getuid?.() !== 0) {
			cachedEnable = 'sudo npm test (as root it also installs the Debian packages the tests need)';
		} else if (missing.length > 0) {
			cachedEnable = `bash scripts/debian-packages.sh install test (installs ${missing.join(', ')})`;
		} else {
			cachedEnable = 'see the reason';
		}
	}

	return cachedEnable;
}

/**
 * Options for `describe(title, skipWhen(why), () => …)` and `it`: skip when `why` is set, carrying it
 * (and the command that would enable the group) to the reporter. `enable` overrides that command.
 */
export function skipWhen(why: string | undefined, enable?: string): {skip: boolean; meta?: {skipReason: SkipReason}} {
	if (why === undefined) {
		return {skip: false};
	}

	return {skip: true, meta: {skipReason: {why, enable: enable ?? enableCommand()}}};
}
