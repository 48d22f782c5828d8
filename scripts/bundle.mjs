#!/usr/bin/env node
// `npm run bundle`: svctui as one ESM file (esbuild) that runs on Node.js >= 20 with no node_modules beside
// it: the TUI, headless runs and real SSH. Recipe measured in shared STACK.md §5:
// - ESM only: yoga-layout and ink use top-level await, so CJS output fails.
// - ink's devtools.js is inlined and imports react-devtools-core statically: stub it (it only runs with DEV=true).
// - ssh2 uses require() and __dirname: the banner defines them. Its optional native parts (cpu-features,
//   sshcrypto.node) stay outside; ssh2 falls back to pure JS, which negotiates the same ciphers.
// - meow reads the nearest package.json (gotcha 10): the name and version are injected as SVCTUI_PACKAGE.
// - Dynamic imports stay lazy inside the bundle, so Ink is loaded only on the TUI path.
//
//   node scripts/bundle.mjs [--out FILE] [--sea]
// --sea: the variant the standalone binary embeds (scripts/sea.mjs): it is loaded from memory, so
// import.meta.url is the binary's own path.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {build} from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const {values} = parseArgs({options: {out: {type: 'string', default: path.join(root, 'bundle', 'svctui.mjs')}, sea: {type: 'boolean', default: false}}});
const {name, version} = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

const stubDevtools = {
	name: 'stub-react-devtools-core',
	setup(context) {
		context.onResolve({filter: /^react-devtools-core$/}, () => ({path: 'react-devtools-core', namespace: 'stub'}));
		context.onLoad({filter: /.*/, namespace: 'stub'}, () => ({contents: 'export default {connectToDevTools() {}};', loader: 'js'}));
	},
};

const metaUrl = values.sea ? 'import_meta_url' : 'import.meta.url';
const banner = [
	"import {createRequire as svctuiCreateRequire} from 'node:module';",
	"import {dirname as svctuiDirname} from 'node:path';",
	"import {fileURLToPath as svctuiFileURLToPath, pathToFileURL as svctuiPathToFileURL} from 'node:url';",
	values.sea ? 'const import_meta_url = svctuiPathToFileURL(process.execPath).href;' : '',
	`const require = svctuiCreateRequire(${metaUrl});`,
	`const __filename = svctuiFileURLToPath(${metaUrl});`,
	'const __dirname = svctuiDirname(__filename);',
].filter(Boolean).join('\n');

const result = await build({
	entryPoints: [path.join(root, 'source', 'cli.ts')],
	outfile: values.out,
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'esm',
	minify: true,
	legalComments: 'none',
	jsx: 'automatic',
	define: {
		'process.env.NODE_ENV': '"production"',
		SVCTUI_PACKAGE: JSON.stringify({name, version}),
		...(values.sea ? {'import.meta.url': 'import_meta_url'} : {}),
	},
	external: ['cpu-features', '*.node'],
	plugins: [stubDevtools],
	banner: {js: banner},
	logLevel: 'warning',
	metafile: true,
});

const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
process.stderr.write(`${path.relative(process.cwd(), values.out)}: ${(bytes / 1e6).toFixed(1)} MB\n`);
