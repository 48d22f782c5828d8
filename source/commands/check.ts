import process from 'node:process';
import {checkNodes, type NodeCheck} from '../executor/run-plan.js';
import {UserError} from '../errors.js';
import {shownSafely, withControlsShown} from '../display.js';
import {foldNodes, parseNodeSet} from '../nodeset/index.js';
import {ExitCode} from '../report/exit-code.js';
import {createNdjsonWriter} from '../report/ndjson.js';
import type {CommandIO} from './io.js';
import {selectNodes} from './node-selection.js';
import type {RunOptions} from './options.js';
import {executorSettings, groupResolver, preparePlanFile, runAbortController} from './prepare.js';
import {allNodes} from './review.js';
import {openTransport} from './transport.js';

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

/**
 * The health report: answering nodes grouped by service manager with latency min/median/max, then the
 * others grouped by reason, each as a folded node set with one example message.
 */
export function renderHealth(results: readonly NodeCheck[]): string {
	const lines: string[] = [];
	const byManager = new Map<string, Array<{node: string; latencyMs: number}>>();
	const byReason = new Map<string, Array<{node: string; message: string}>>();
	for (const result of results) {
		if (result.status === 'connected') {
			byManager.set(result.manager, [...(byManager.get(result.manager) ?? []), {node: result.node, latencyMs: result.latencyMs}]);
		} else if (result.status === 'unreachable') {
			byReason.set(result.reason, [...(byReason.get(result.reason) ?? []), {node: result.node, message: result.message}]);
		}
	}

	for (const [manager, nodes] of byManager) {
		const latencies = nodes.map(node => node.latencyMs);
		const spread = `${Math.min(...latencies)}/${median(latencies)}/${Math.max(...latencies)} ms`;
		lines.push(`OK           ${withControlsShown(foldNodes(nodes.map(node => node.node)))} (${nodes.length}): ${manager}, latency min/median/max ${spread}`);
	}

	for (const [reason, nodes] of byReason) {
		const example = nodes[0]?.message ?? '';
		lines.push(`UNREACHABLE  ${withControlsShown(foldNodes(nodes.map(node => node.node)))} (${nodes.length}): ${reason}: ${shownSafely(example)}`);
	}

	const answering = results.filter(result => result.status === 'connected').length;
	lines.push(`${answering} of ${results.length} nodes answer`);
	return `${lines.join('\n')}\n`;
}

/** `svctui check NODES` or `svctui check --plan FILE`: who answers, and why the others don't. */
export async function checkCommand(words: readonly string[], options: RunOptions, io: CommandIO): Promise<number> {
	const resolver = groupResolver(options.groupsConf, io.env, io.cwd, options.logDir);
	let nodes: string[];
	if (words.length > 0 && options.planFile !== undefined) {
		throw new UserError('check: give NODES or --plan FILE, not both');
	} else if (words.length > 0) {
		nodes = parseNodeSet(words.join(','), {resolver}).expand();
	} else if (options.planFile === undefined) {
		throw new UserError('check: expected NODES or --plan FILE, e.g. svctui check \'node[1-3]\'');
	} else {
		nodes = allNodes((await preparePlanFile(options.planFile, resolver, io.cwd)).steps);
	}

	if (nodes.length === 0) {
		throw new UserError('check: the node set is empty');
	}

	nodes = selectNodes(nodes, options, resolver);

	const abort = runAbortController();
	const onSignal = () => {
		abort.abort();
	};

	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);
	const transport = openTransport(options, io);
	let results: NodeCheck[];
	try {
		results = await checkNodes(nodes, {
			transport,
			onEvent: options.json ? createNdjsonWriter(text => io.stdout.write(text)) : () => undefined,
			...executorSettings(options),
			signal: abort.signal,
		});
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		process.off('SIGHUP', onSignal);
		await transport.close();
	}

	if (!options.json) {
		io.stdout.write(renderHealth(results));
	}

	if (abort.signal.aborted) {
		return ExitCode.interrupted;
	}

	return results.every(result => result.status === 'connected') ? ExitCode.ok : ExitCode.unreachable;
}
