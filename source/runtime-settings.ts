import process from 'node:process';
import v8 from 'node:v8';

// Settings the process needs before anything else loads: cli.ts imports this module first.

// React and Ink pick their builds from NODE_ENV when first loaded, and unset means development: owner stacks
// captured for every element, a performance mark kept for every render, and the checks that go with them.
// Measured on the 5,000-node app bench, that build alone held hundreds of MB and slowed every frame. The one-file
// build (scripts/bundle.mjs) fixes it at build time; this is the same for dist/. NODE_ENV=development still
// gives the development build.
process.env['NODE_ENV'] ??= 'production';

/**
 * The V8 flag that keeps the heap near what it holds: after each full collection V8 lets the old generation
 * grow by a factor it picks from the allocation rate, up to 4x, and a run streaming from 5,000 nodes
 * allocates fast, so the app's 150 MB of live objects sat in a heap of up to 600 MB. 1.2x instead: measured
 * on the 5,000-node app bench on a quiet machine, peak RSS 333 MB instead of 603, at the price of more
 * collections (key to frame p95 294 ms instead of 201; README, Performance): memory is what a management node
 * shared by many admins runs out of. Undefined when the admin gave the flag or another V8 heap flag
 * (`NODE_OPTIONS=--heap-growing-percent=0` is V8's own growth).
 */
export function heapFlags(execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
	const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
	return given.some(flag => /^--(?:heap[-_]growing[-_]percent|optimize[-_]for[-_]size)\b/.test(flag)) ? undefined : '--heap-growing-percent=20';
}

const flags = heapFlags(process.execArgv, process.env['NODE_OPTIONS']);
if (flags !== undefined) {
	// V8 reads this flag at every full collection, so setting it now, before the app allocates, takes effect.
	v8.setFlagsFromString(flags);
}
