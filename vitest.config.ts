import {defineConfig} from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `e2e` talks to real sshd nodes that its global setup
// starts (as root) once per run and always tears down.
export default defineConfig({
	test: {
		// After vitest's own report: the fault scenarios' closing line (test/helpers/faults.ts), and the
		// skipped tests grouped by why, each group with the command that would run it.
		reporters: ['default', './test/helpers/fault-reporter.ts', './test/helpers/skip-reporter.ts'],
		projects: [
			{
				test: {
					name: 'unit',
					// Some unit tests are CPU-bound (3,000 generated plans, a TypeScript pass over the UI): on 2
					// shared cores under load, vitest's default 5 s timed them out.
					testTimeout: 30_000,
					include: ['test/**/*.test.{ts,tsx}'],
					exclude: ['test/e2e/**', 'test/cluster/**', 'node_modules/**'],
				},
			},
			{
				test: {
					name: 'e2e',
					include: ['test/e2e/**/*.test.{ts,tsx}', 'test/cluster/**/*.test.{ts,tsx}'],
					testTimeout: 120_000,
					hookTimeout: 900_000,
					globalSetup: ['test/helpers/lab-global-setup.ts'],
					// The labs are shared by every e2e file: run the files one after another.
					fileParallelism: false,
				},
			},
		],
	},
});
