import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {tuiSettings} from '../../source/commands/prepare.js';
import type {TuiController} from '../../source/tui/contract.js';
import {createTuiController} from '../../source/tui/controller.js';
import type {CommandIO} from '../../source/commands/io.js';
import {parseRunOptions} from '../../source/commands/options.js';
import {GroupResolver} from '../../source/nodeset/index.js';
import {FakeTransport, simulatedNode, type FakeNode} from '../helpers/fake-transport.js';

/** The lab's example2 scenario on fake nodes: nginx on node1 only (stopped), cron stopped on node3, node123 does not resolve. */
export function exampleCluster(): Record<string, FakeNode> {
	return {
		node1: simulatedNode('systemd', {cron: 'active', ssh: 'active', nginx: 'inactive'}),
		node2: simulatedNode('systemd', {cron: 'active', ssh: 'active'}),
		node3: simulatedNode('systemd', {cron: 'inactive', ssh: 'active'}),
	};
}

export const example2 = readFileSync(new URL('../../plans/example2.yaml', import.meta.url), 'utf8');

/** A real controller over a FakeTransport, in a temp dir holding `plan.yaml`; logs go nowhere, under a fixed name. */
export function harness(nodes: Record<string, FakeNode> = exampleCluster(), planText = example2, reuseWindow = '0'): {controller: TuiController; dir: string; transports: FakeTransport[]} {
	const dir = mkdtempSync(path.join(tmpdir(), 'svctui-app-'));
	writeFileSync(path.join(dir, 'plan.yaml'), planText);
	const io: CommandIO = {stdout: {write: () => true}, stderr: {write: () => true}, env: {}, cwd: dir};
	const transports: FakeTransport[] = [];
	// No connection reuse by default: the review's line about it holds a clock time, which exact frames cannot.
	const controller = createTuiController(tuiSettings(parseRunOptions({reuseWindow}, {}), io), {
		resolver: new GroupResolver(),
		transportFactory() {
			const transport = new FakeTransport(nodes);
			transports.push(transport);
			return transport;
		},
		openLog: () => ({path: 'logs/run', onEvent() {}, close() {}}),
		flushMs: 5,
	});
	return {controller, dir, transports};
}
