import {readFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';

// The dependency rule of STYLE.md §1, held by a test rather than by review alone: the pure core never
// reaches for a terminal, a process or the network, and only one file knows ssh2.

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

	it('only ssh/ssh2-transport.ts imports ssh2', () => {
		expect(offenders(file => file !== path.join('ssh', 'ssh2-transport.ts'), module => module === 'ssh2')).toEqual([]);
	});

	it('the pure core (nodeset, plan, executor, store, report) never imports react, ink, ssh2 or child processes', () => {
		const core = /^(nodeset|plan|executor|store|report)\//;
		// groups.conf upcall sources are shell commands by definition (ClusterShell runs them the same way).
		const allowed = new Set([path.join('nodeset', 'group-config.ts')]);
		expect(offenders(file => core.test(file) && !allowed.has(file), module => /^(react|ink|ink-.*|ssh2|node:child_process|child_process)$/.test(module))).toEqual([]);
	});

	it('the executor depends on the transport seam, not on its ssh2 implementation', () => {
		expect(offenders(file => file.startsWith('executor/'), module => module.includes('ssh2-transport'))).toEqual([]);
	});

	it('the store knows events and node sets, never the executor\'s machinery or the UI', () => {
		expect(offenders(file => file.startsWith('store/'), module => /executor\/(run-plan|node-pool|limiter)|\/ui\/|\/commands\//.test(module))).toEqual([]);
	});

	it('UI components and panes render only: no files, processes, SSH or executor runs', () => {
		const rendering = /^ui\/(components|panes)\//;
		expect(offenders(file => rendering.test(file), module => /^node:(fs|child_process|net)|\/ssh\/|executor\/run-plan|\/commands\//.test(module))).toEqual([]);
	});

	it('only cli.ts sets the exit code, and nothing prints with console', () => {
		const setters = sourceFiles().filter(file => /process\.exitCode\s*=/.test(readFileSync(file, 'utf8')));
		expect(setters.map(file => path.relative(sourceRoot, file))).toEqual(['cli.ts']);
		const consoles = sourceFiles().filter(file => /\bconsole\.(log|error|warn|info)\(/.test(readFileSync(file, 'utf8')));
		expect(consoles).toEqual([]);
	});
});
