#!/usr/bin/env node
// `npm run sea`: svctui as one standalone executable (Node's single-executable application), for a
// management node without Node.js. Recipe measured in shared STACK.md §5: SEA on Node 20 only runs a CJS
// main, so the main below loads the ESM bundle (scripts/bundle.mjs --sea), carried as an SEA asset,
// through vm with the main context's default loader. The binary is this machine's node (stripped) with
// the blob injected by postject: same CPU architecture and glibc >= 2.28 on the target.
//
//   node scripts/sea.mjs [--out FILE]
import {execFileSync} from 'node:child_process';
import {chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import postject from 'postject';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const {values} = parseArgs({options: {out: {type: 'string', default: path.join(root, 'bundle', 'svctui')}}});
const out = path.resolve(values.out);

// The CJS main: the ESM bundle as a data: URL, imported in the main context. The vm constant is still
// marked experimental on Node 20: that one warning is dropped so the app's stderr stays the app's.
const main = String.raw`'use strict';
const {getAsset} = require('node:sea');
const vm = require('node:vm');
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
	const text = String(warning && warning.message !== undefined ? warning.message : warning);
	if (/USE_MAIN_CONTEXT_DEFAULT_LOADER/.test(text)) return;
	return emitWarning.call(process, warning, ...rest);
};
const source = getAsset('svctui.mjs', 'utf8');
const url = 'data:text/javascript;base64,' + Buffer.from(source).toString('base64');
vm.runInThisContext('import(' + JSON.stringify(url) + ')', {importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER}).catch(error => {
	process.stderr.write('svctui: internal error (please report it):\n' + (error && error.stack || String(error)) + '\n');
	process.exitCode = 1;
});
`;

const work = mkdtempSync(path.join(tmpdir(), 'svctui-sea-'));
try {
	const bundle = path.join(work, 'svctui.mjs');
	execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle.mjs'), '--sea', '--out', bundle], {stdio: 'inherit'});
	writeFileSync(path.join(work, 'main.cjs'), main);
	const blob = path.join(work, 'sea.blob');
	writeFileSync(
		path.join(work, 'sea-config.json'),
		JSON.stringify({main: path.join(work, 'main.cjs'), output: blob, disableExperimentalSEAWarning: true, useCodeCache: false, assets: {'svctui.mjs': bundle}}),
	);
	execFileSync(process.execPath, ['--experimental-sea-config', path.join(work, 'sea-config.json')], {stdio: ['ignore', 'ignore', 'inherit']});

	// Built beside the target and renamed at the end, so a half-written binary never has the final name.
	mkdirSync(path.dirname(out), {recursive: true});
	const partial = `${out}.partial`;
	copyFileSync(process.execPath, partial);
	chmodSync(partial, 0o755);
	try {
		execFileSync('strip', [partial], {stdio: 'ignore'});
	} catch {
		// No binutils: the binary is about 12 MB larger, and works the same.
	}

	// postject prints a harmless warning about the ELF ".note.100" section; keep its stdout quiet.
	await postject.inject(partial, 'NODE_SEA_BLOB', readFileSync(blob), {sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'});
	execFileSync('mv', ['-f', partial, out]);
	process.stderr.write(`${path.relative(process.cwd(), out)}: ${(statSync(out).size / 1e6).toFixed(1)} MB\n`);
} finally {
	rmSync(work, {recursive: true, force: true});
}
