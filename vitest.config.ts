import {defineConfig} from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `e2e` talks to real sshd nodes that its global setup
// starts (as root) once per run and always tears down.
export default defineConfig({
	test: {
		// The fault scenarios' closing line (test/helpers/faults.ts) after vitest's own report.
		reporters: ['default', './test/helpers/fault-reporter.ts'],
		projects: [
			{
				test: {
					name: 'unit',
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
