import {readFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';

// The dependency rule of STYLE.md §1, held by a test rather than by review alone: the pure core never
// reaches for a terminal, a process or the network, and only one folder (ssh/ssh2/) knows ssh2.

const sourceRoot = path.resolve('source');

function sourceFiles(dir = sourceRoot): string[] {
	return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(entry.name) ? [full] : [];
	});
}

/** Every module a file imports, as written (`ssh2`, `node:fs`, `../store/run-store.js`). */
function importsOf(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	return [...text.matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gm)].map(match => match[1] ?? match[2] ?? '');
}

const files = sourceFiles().map(file => ({file: path.relative(sourceRoot, file), imports: importsOf(file)}));

function offenders(inFolder: (file: string) => boolean, forbidden: (module: string) => boolean): string[] {
	return files.filter(({file}) => inFolder(file)).flatMap(({file, imports}) => imports.filter(forbidden).map(module => `${file} imports ${module}`));
}

describe('architecture', () => {
	it('reads a real tree', () => {
		expect(files.length).toBeGreaterThan(50);
		expect(files.find(entry => entry.file === 'cli.ts')?.imports).toContain('meow');
	});

	it('only files in ssh/ssh2/ import ssh2 (or any part of it)', () => {
		const ssh2Folder = path.join('ssh', 'ssh2') + path.sep;
		expect(offenders(file => !file.startsWith(ssh2Folder), module => module === 'ssh2' || module.startsWith('ssh2/'))).toEqual([]);
		// The folder is real: the rule would pass vacuously if the transport moved out of it.
		expect(files.filter(({file, imports}) => file.startsWith(ssh2Folder) && imports.includes('ssh2')).length).toBeGreaterThan(1);
	});

	it('the pure SSH pieces (abort watching, failure texts, host-key policy) import no ssh2, files or sockets', () => {
		const pure = new Set(['ssh/abort.ts', 'ssh/connect-failure.ts', 'ssh/host-key-policy.ts'].map(file => path.join(...file.split('/'))));
		expect(files.filter(({file}) => pure.has(file))).toHaveLength(pure.size);
		expect(offenders(file => pure.has(file), module => /^(ssh2|node:|ssh-config)|\/ssh2\//.test(module))).toEqual([]);
	});

	it('the pure core (nodeset, plan, executor, store, report) never imports react, ink, ssh2 or child processes', () => {
		const core = /^(nodeset|plan|executor|store|report)\//;
		// groups.conf upcall sources are shell commands by definition (ClusterShell runs them the same way).
		const allowed = new Set([path.join('nodeset', 'group-config.ts')]);
		expect(offenders(file => core.test(file) && !allowed.has(file), module => /^(react|ink|ink-.*|ssh2|node:child_process|child_process)$/.test(module))).toEqual([]);
	});

	it('the executor depends on the transport seam, not on its ssh2 implementation', () => {
		expect(offenders(file => file.startsWith('executor/'), module => /\/ssh\/ssh2\/|ssh2-transport/.test(module))).toEqual([]);
	});

	it('the store knows events and node sets, never the executor\'s machinery or the UI', () => {
		expect(offenders(file => file.startsWith('store/'), module => /executor\/(run-plan|node-pool|limiter)|\/ui\/|\/commands\//.test(module))).toEqual([]);
	});

	it('UI components and panes render only: no files, processes, SSH or executor runs', () => {
		const rendering = /^ui\/(components|panes)\//;
		expect(offenders(file => rendering.test(file), module => /^node:(fs|child_process|net)|\/ssh\/|executor\/run-plan|\/commands\//.test(module))).toEqual([]);
	});

	it('the store reads event types from the executor, never from ssh/', () => {
		expect(offenders(file => file.startsWith('store/'), module => /\/ssh\//.test(module))).toEqual([]);
	});

	it('the TUI sessions (tui/) never import the UI, React or Ink; they are driven through their contract', () => {
		expect(offenders(file => file.startsWith('tui/'), module => /\/ui\/|\/commands\/|^(react|ink|ink-.*)$/.test(module))).toEqual([]);
	});

	it('the UI reaches tui/ only for its contract (types), and never commands/', () => {
		expect(offenders(file => file.startsWith('ui/'), module => /\/commands\//.test(module) || (/\/tui\//.test(module) && !module.endsWith('/tui/contract.js')))).toEqual([]);
		const valueImports = files.filter(({file}) => file.startsWith('ui/')).filter(({file}) => /^import\s+\{[^}]*\}\s+from\s+'[^']*\/tui\/contract\.js'/m.test(readFileSync(path.join(sourceRoot, file), 'utf8')));
		expect(valueImports.map(({file}) => file)).toEqual([]);
	});

	it('commands/ only parses and wires: no UI logic, only tui.tsx mounts the app', () => {
		expect(offenders(file => file.startsWith('commands/') && file !== path.join('commands', 'tui.tsx'), module => /\/ui\/|^(react|ink|ink-.*)$/.test(module))).toEqual([]);
	});

	it('the pure rooms (prediction, plan edits and preparation, review and health summaries) reach no UI, session or command code', () => {
		const rooms = new Set(['executor/predict.ts', 'plan/edit.ts', 'plan/prepare.ts', 'plan/node-sets.ts', 'report/review.ts', 'report/health.ts'].map(file => path.join(...file.split('/'))));
		expect(files.filter(({file}) => rooms.has(file))).toHaveLength(rooms.size);
		expect(offenders(file => rooms.has(file), module => /\/(ui|tui|commands|ssh)\/|^(react|ink|node:fs|node:child_process)/.test(module))).toEqual([]);
	});

	it('one module listens for signals, and it alone ends the process at once (a second signal: quitNow)', () => {
		const listeners = sourceFiles().filter(file => /process\.(on|once)\(\s*(signal|'SIG)/.test(readFileSync(file, 'utf8')));
		expect(listeners.map(file => path.relative(sourceRoot, file))).toEqual([path.join('commands', 'signals.ts')]);
		const exits = sourceFiles().filter(file => /process\.exit\(/.test(readFileSync(file, 'utf8')));
		expect(exits.map(file => path.relative(sourceRoot, file))).toEqual([path.join('commands', 'signals.ts')]);
		expect(readFileSync(path.join(sourceRoot, 'commands', 'signals.ts'), 'utf8').match(/process\.exit\(/g)).toHaveLength(1);
	});

	it('only cli.ts sets the exit code, and nothing prints with console', () => {
		const setters = sourceFiles().filter(file => /process\.exitCode\s*=/.test(readFileSync(file, 'utf8')));
		expect(setters.map(file => path.relative(sourceRoot, file))).toEqual(['cli.ts']);
		const consoles = sourceFiles().filter(file => /\bconsole\.(log|error|warn|info)\(/.test(readFileSync(file, 'utf8')));
		expect(consoles).toEqual([]);
	});
});
