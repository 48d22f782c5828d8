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

/** The young-generation flags an admin may give; any of them and svctui leaves the young generation to V8. */
export function youngGenerationGiven(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
	const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
	return given.some(flag => /^--(?:max|min)[-_]semi[-_]space[-_]size\b|^--semi[-_]space[-_]growth[-_]factor\b|^--optimize[-_]for[-_]size\b/.test(flag));
}

/** Whether the young generation's size is svctui's to set: not when the admin gave a flag for it. */
const youngGenerationOurs = !youngGenerationGiven(process.execArgv, process.env['NODE_OPTIONS']);

/** V8's own growth factor for the young generation (`node --v8-options`). */
const v8GrowthFactor = 2;

if (youngGenerationOurs) {
	// Held at its first size (1 MiB semi-spaces) until the command says what it runs (`youngGenerationFor`):
	// start-up work such as checking a 5,000-host ssh_config would otherwise grow it to V8's maximum before a
	// headless run could ask for less, and it never shrinks back.
	v8.setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * Size the young generation for what this process runs. `interactive` (the full-screen app, and short commands)
 * gives it back to V8, which grows each of its two semi-spaces up to 16 MiB while survivors are many: smaller ones
 * promote more objects, and the full collections that follow are what delays a key. `headless` keeps it at the
 * size start-up left it (2 MiB semi-spaces, measured): a run streaming from 5,000 nodes otherwise grows it to the
 * maximum, 34 MB of a headless run's peak RSS. Measured on the scale pool, 5,000 chatty nodes, back to back:
 * peak RSS 130 MB instead of 162, client CPU 4 % more, wall time the same (README, Performance).
 *
 * Why held rather than capped at a size: `--max-semi-space-size` is read only when the heap is set up, so it
 * cannot be set from here, and the growth factor that can be is read at every growth, which happens at a
 * scavenge. A check after each collection (a PerformanceObserver) runs too late: the first connect's parse of a
 * 5,000-host ssh_config doubled the space three times in one task, from 2 to 16 MiB semi-spaces.
 * Nothing is done when the admin gave a young-generation flag.
 */
export function youngGenerationFor(mode: 'interactive' | 'headless'): void {
	if (!youngGenerationOurs || mode === 'headless') return;
	v8.setFlagsFromString(`--semi-space-growth-factor=${v8GrowthFactor}`);
}
