import {defineConfig} from 'vitest/config';

// The tests of the pure rooms, for `npm run mutation` (stryker.config.json): quick, no SSH, no terminal.
export default defineConfig({
	test: {
		include: [
			'test/executor/predict.test.ts',
			'test/ui/run-view.test.ts',
			'test/ui/node-map.test.ts',
			'test/ui/ui-state.test.ts',
			'test/store/*.test.ts',
			'test/report/text.test.ts',
			'test/tui/controller.test.ts',
			'test/ui/health-groups-nodes-by-manager.test.tsx',
			'test/ui/review-wraps-long-verdicts.test.tsx',
		],
	},
});
