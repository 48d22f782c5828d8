import {checkNodes, type NodeCheck} from '../executor/run-plan.js';
import {UserError} from '../errors.js';
import {parseNodeSet} from '../nodeset/index.js';
import {nodeNameProblem} from '../plan/node-names.js';
import {ExitCode} from '../report/exit-code.js';
import {renderHealth} from '../report/health.js';
import {createNdjsonWriter} from '../report/ndjson.js';
import type {CommandIO} from './io.js';
import {selectNodes} from './node-selection.js';
import type {RunOptions} from './options.js';
import {preparePlanFile} from '../plan/prepare.js';
import {runAbortController} from '../executor/settings.js';
import {executorSettings, groupResolver} from './prepare.js';
import {allNodes} from '../report/review.js';
import {onStopSignals} from './signals.js';
import {openTransport} from './transport.js';

/** `svctui check NODES` or `svctui check --plan FILE`: who answers, and why the others don't. */
export async function checkCommand(words: readonly string[], options: RunOptions, io: CommandIO): Promise<number> {
	const resolver = groupResolver(options.groupsConf, io.env, io.cwd, options.logDir);
	let nodes: string[];
	if (words.length > 0 && options.planFile !== undefined) {
		throw new UserError('check: give NODES or --plan FILE, not both');
	} else if (words.length > 0) {
		nodes = parseNodeSet(words.join(','), {resolver}).expand();
		const problem = nodeNameProblem(words.join(','), nodes);
		if (problem) {
			throw new UserError(`check: ${problem}`);
		}
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
	const stopSignals = onStopSignals(() => {
		abort.abort();
	});
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
		stopSignals();
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
