import {defineConfig} from 'vitest/config';

// The tests of the pure rooms, for `npm run mutation` (stryker.config.json): quick, no SSH, no terminal.
// Static mutants (module-level tables) are ignored there: each would rerun every test listed here.
export default defineConfig({
	test: {
		// Instrumented code runs several times slower: the megabyte-plan tests outlast vitest's 5 s default.
		testTimeout: 60_000,
		include: [
			'test/executor/predict.test.ts',
			'test/executor/run-plan.test.ts',
			'test/executor/rollout.test.ts',
			'test/executor/service-commands.test.ts',
			'test/executor/node-script.test.ts',
			'test/executor/one-exec.test.ts',
			'test/executor/task-results.test.ts',
			'test/executor/node-pool.test.ts',
			'test/executor/node-step.test.ts',
			'test/executor/verify-service.test.ts',
			'test/executor/limiter.test.ts',
			'test/executor/rolling-step.test.ts',
			'test/ui/run-view.test.ts',
			'test/ui/node-map.test.ts',
			'test/ui/ui-state.test.ts',
			'test/store/*.test.ts',
			'test/report/text.test.ts',
			'test/tui/controller.test.ts',
			'test/ui/health-groups-nodes-by-manager.test.tsx',
			'test/ui/review-wraps-long-verdicts.test.tsx',
			'test/ssh/abort.test.ts',
			'test/ssh/connect-failure.test.ts',
			'test/ssh/host-key-policy.test.ts',
			// The plan room's tests, but not the property and fuzz tests (load.property.test.ts): they would run
			// thousands of parses for every mutant; nor the FIFO tests (load-fifo.test.ts): stryker's worker
			// threads abort when torn down during a pending FIFO read.
			'test/plan/load.test.ts',
			'test/plan/node-names.test.ts',
			'test/plan/rewrite.test.ts',
			'test/plan/save.test.ts',
			'test/plan/service-names-agree.test.ts',
			'test/plan/step-align.test.ts',
			'test/plan/validate-command.test.ts',
			'test/plan/edit.test.ts',
			'test/plan/prepare.test.ts',
			'test/plan/rollout-options.test.ts',
			'test/plan/problem-words.test.ts',
			'test/plan/validate-messages.test.ts',
			'test/plan/load-bytes.test.ts',
			'test/report/*.test.ts',
			'test/nodeset/nodeset.test.ts',
			'test/nodeset/recorded.test.ts',
			'test/nodeset/groups.test.ts',
			'test/nodeset/group-config.test.ts',
			'test/nodeset/api.test.ts',
			'test/nodeset/single-nodes.test.ts',
			'test/executor/connection-reuse.test.ts',
			'test/tui/connection-reuse.test.ts',
			'test/report/reuse.test.ts',
			'test/ui/keymap.test.ts',
			'test/ui/commands.test.ts',
			'test/executor/rollout-control.test.ts',
		],
	},
});
