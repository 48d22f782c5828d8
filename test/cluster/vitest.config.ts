import {fileURLToPath} from 'node:url';
import {defineConfig} from 'vitest/config';

// Runs only the lab's own smoke test with the lab global setup:
// `npx vitest run -c test/cluster/vitest.config.ts`. The main config's e2e project carries the
// same globalSetup for every e2e test.
export default defineConfig({
	root: fileURLToPath(new URL('../..', import.meta.url)),
	test: {
		include: ['test/cluster/**/*.test.ts'],
		globalSetup: ['test/helpers/lab-global-setup.ts'],
		testTimeout: 120_000,
		hookTimeout: 900_000,
	},
});
