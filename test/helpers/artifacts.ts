import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/**
 * The three ways svctui ships besides a clone: the one-file bundle (`npm run bundle`), the standalone
 * binary (`npm run sea`) and the npm package (`npm pack`, installed with `npm install -g`). Tests build
 * each at most once per state of the sources: the results are cached outside the clone, keyed by a hash
 * of everything that goes into them, so a second run (or a second test file) reuses them.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Files whose content decides what the builds produce, besides everything under source/. */
const inputs = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/bundle.mjs', 'scripts/sea.mjs'];

function sourceFiles(directory: string): string[] {
	return readdirSync(directory, {withFileTypes: true}).flatMap(entry => {
		const file = path.join(directory, entry.name);
		return entry.isDirectory() ? sourceFiles(file) : [file];
	});
}

/** A hash of the sources, the build scripts, the lockfile and the Node.js that builds (and is copied into the binary). */
export function sourcesHash(): string {
	const hash = createHash('sha256').update(`${process.version} ${process.arch}\n`);
	for (const file of [...inputs.map(name => path.join(root, name)), ...sourceFiles(path.join(root, 'source')).sort()]) {
		hash.update(`${path.relative(root, file)}\n`).update(readFileSync(file)).update('\n');
	}

	return hash.digest('hex').slice(0, 16);
}

function writable(directory: string): boolean {
	try {
		mkdirSync(directory, {recursive: true});
		accessSync(directory, constants.W_OK);
		return true;
	} catch {
		return false;
	}
}

/**
 * Where builds are cached: `SVCTUI_BUILD_CACHE`, else /var/cache/svctui-build as root, else
 * `$XDG_CACHE_HOME/svctui-build` (~/.cache); a temp directory when none of these is writable.
 */
export function buildCacheRoot(): string {
	const home = process.env['HOME'];
	const candidates = [
		process.env['SVCTUI_BUILD_CACHE'],
		process.getuid?.() === 0 ? '/var/cache/svctui-build' : undefined,
		process.env['XDG_CACHE_HOME'] === undefined ? undefined : path.join(process.env['XDG_CACHE_HOME'], 'svctui-build'),
		home === undefined ? undefined : path.join(home, '.cache', 'svctui-build'),
	];
	for (const candidate of candidates) {
		if (candidate !== undefined && candidate !== '' && writable(candidate)) {
			return candidate;
		}
	}

	return path.join(tmpdir(), `svctui-build-${process.getuid?.() ?? 'user'}`);
}

/**
 * Drop states unused for a day, and all but the newest 6 (about 120 MB each): several checkouts may
 * share the cache, so a state another one is using now is never among those dropped.
 */
function prune(cache: string, keep: string): void {
	const entries = readdirSync(cache)
		.filter(name => /^[0-9a-f]{16}$/.test(name) && name !== keep)
		.map(name => ({name, used: statSync(path.join(cache, name)).mtimeMs}))
		.sort((a, b) => b.used - a.used);
	for (const [index, entry] of entries.entries()) {
		if (index >= 5 || Date.now() - entry.used > 86_400_000) {
			rmSync(path.join(cache, entry.name), {recursive: true, force: true});
		}
	}
}

/** `cache/<hash>/<name>`, built by `build(partial)` into a partial path first and renamed, so a half-built artifact never counts. */
function cached(name: string, build: (partial: string) => void): string {
	const cache = buildCacheRoot();
	const hash = sourcesHash();
	const directory = path.join(cache, hash);
	const target = path.join(directory, name);
	if (!existsSync(target)) {
		mkdirSync(directory, {recursive: true});
		const partial = path.join(directory, `${name}.partial-${process.pid}`);
		rmSync(partial, {recursive: true, force: true});
		build(partial);
		try {
			renameSync(partial, target);
		} catch (error) {
			// Another run built the same state meanwhile: theirs is as good as ours.
			rmSync(partial, {recursive: true, force: true});
			if (!existsSync(target)) {
				throw error;
			}
		}

		prune(cache, hash);
	}

	// Marks the state as in use, for prune() (only its owner may; others leave it as it is).
	try {
		const now = new Date();
		utimesSync(directory, now, now);
	} catch {}

	return target;
}

/** Builds run quietly; a failing one throws with its stderr. */
const quiet: {cwd: string; stdio: Array<'ignore' | 'pipe'>} = {cwd: root, stdio: ['ignore', 'ignore', 'pipe']};

/** The one-file ESM bundle (`npm run bundle`). */
export function bundleFile(): string {
	return cached('svctui.mjs', partial => {
		execFileSync(process.execPath, ['scripts/bundle.mjs', '--out', partial], quiet);
	});
}

/** The standalone binary (`npm run sea`): about 90 MB, so worth caching. */
export function seaBinary(): string {
	return cached('svctui', partial => {
		execFileSync(process.execPath, ['scripts/sea.mjs', '--out', partial], quiet);
	});
}

/**
 * `npm pack` of this checkout installed with `npm install -g` into a scratch prefix; returns the
 * `svctui` that npm put in the prefix's bin/. Packs the dist/ that `npm test` has just built
 * (`npm pack` alone runs `prepack`, which builds it).
 */
export function packedInstall(): string {
	const prefix = cached('npm-prefix', partial => {
		const packs = path.join(partial, 'pack');
		mkdirSync(packs, {recursive: true});
		// npm's own cache (filled by npm ci) where the home is writable; a user without one (nobody) gets one here.
		const home = process.env['HOME'];
		const ownCache = home !== undefined && writable(path.join(home, '.npm')) ? {} : {npm_config_cache: path.join(buildCacheRoot(), 'npm-cache')};
		const npm = {...quiet, env: {...process.env, ...ownCache, npm_config_update_notifier: 'false'}};
		execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', packs], npm);
		const [tarball] = readdirSync(packs).filter(name => name.endsWith('.tgz'));
		if (tarball === undefined) {
			throw new Error('npm pack wrote no tarball');
		}

		execFileSync('npm', ['install', '-g', '--prefix', partial, '--no-audit', '--no-fund', '--prefer-offline', path.join(packs, tarball)], npm);
	});
	return path.join(prefix, 'bin', 'svctui');
}
