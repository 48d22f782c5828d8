import {describe, expect, it} from 'vitest';
import {loadGroupResolver, NodeSetParseError, parseNodeSet} from '../../source/nodeset/index.js';
import {askClusterShell, clustershellAvailable, writeGroupsFixture} from './oracle.js';
import {generator, ourView, type Ours} from './generated.js';
import {skipWhen} from '../helpers/skip.js';
import {mulberry32} from '../helpers/prng.js';

const seed = Number(process.env.NODESET_SEED ?? Date.now() % 1_000_000);
const cases = Number(process.env.NODESET_CASES ?? 3000);

describe('differential: svctui node sets vs ClusterShell 1.9', skipWhen(clustershellAvailable ? undefined : 'ClusterShell is not installed (its Python module is the oracle)'), () => {
	it(`agrees on ${cases} generated expressions (seed ${seed}; rerun with NODESET_SEED=${seed})`, async () => {
		console.log(`nodeset differential seed: ${seed}`);
		const groupsConf = writeGroupsFixture();
		const resolver = loadGroupResolver({groupsConf, env: {}});
		const next = generator(mulberry32(seed));
		const requests = Array.from({length: cases}, next);
		const replies = await askClusterShell(requests, groupsConf);
		expect(replies).toHaveLength(requests.length);
		const mismatches: string[] = [];
		for (const [i, request] of requests.entries()) {
			let ours: Ours;
			try {
				const set = parseNodeSet(request.expr, {resolver, autostep: request.autostep});
				ours = {fold: set.fold(), expand: set.expand(), count: set.size};
				if (request.view) {
					ours.view = ourView(request.expr, request.autostep, request.view, resolver);
				}
			} catch (error) {
				if (!(error instanceof NodeSetParseError)) {
					throw error;
				}

				ours = {error: error.message};
			}

			const theirs = replies[i]!;
			const agree = 'error' in theirs
				? 'error' in ours
				: !('error' in ours) && ours.fold === theirs.fold && ours.count === theirs.count && ours.expand.join(' ') === theirs.expand.join(' ')
					&& JSON.stringify(ours.view) === JSON.stringify(theirs.view);
			if (!agree) {
				// When only the view differs, show the views.
				const shown = (reply: Ours): string => JSON.stringify('view' in reply && !('error' in theirs) && !('error' in ours) && ours.fold === theirs.fold ? reply.view : reply).slice(0, 300);
				mismatches.push(`${JSON.stringify(request)}\n  clustershell: ${shown(theirs)}\n  svctui:       ${shown(ours)}`);
			}
		}

		expect(mismatches.slice(0, 10).join('\n'), `${mismatches.length} mismatches (seed ${seed})`).toBe('');
	}, 60_000);
});
