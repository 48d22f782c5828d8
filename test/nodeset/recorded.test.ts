import {createHash} from 'node:crypto';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {loadGroupResolver, NodeSetParseError, parseNodeSet, type GroupResolver} from '../../source/nodeset/index.js';
import {mulberry32} from '../helpers/prng.js';
import {generator, ourView} from './generated.js';
import {askClusterShell, writeGroupsFixture, type OracleReply, type OracleView} from './oracle.js';

/**
 * ClusterShell 1.9.1's answers to generated expressions, recorded once in a fixture, so the comparison
 * runs without Python: quick enough to run on every mutant (`npm run mutation`), and on machines where
 * ClusterShell is not installed. The live differential test asks ClusterShell itself on new random seeds.
 * Record again (ClusterShell needed): NODESET_RECORD=1 npx vitest run test/nodeset/recorded.test.ts
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, '../fixtures/nodeset/clustershell-answers.json');
const seed = 20_261_201;
const cases = 1500;

type Request = {expr: string; autostep: number | undefined; view: OracleView | undefined};
/** A reply with long expansions kept as their count and digest, so the fixture stays small. */
type Recorded = {fold: string; expand: string[] | {sha256: string}; count: number; view?: string[]} | {error: string};
type Fixture = {clustershell: string; seed: number; cases: Array<{request: Request; reply: Recorded}>};

const digest = (names: readonly string[]): string => createHash('sha256').update(names.join('\n')).digest('hex');
const keptExpansion = (names: readonly string[]): string[] | {sha256: string} => (names.length <= 40 ? [...names] : {sha256: digest(names)});

function recorded(reply: OracleReply): Recorded {
	return 'error' in reply ? reply : {...reply, expand: keptExpansion(reply.expand)};
}

/**
 * The reason and faulty part ClusterShell's message gives, as ours holds them: `NodeSetParseError: illegal
 * closing bracket: "node]1"`, `NodeSetParseRangeError: bad range: "padding length mismatch : "01-5""`.
 * Undefined where the two word it differently (the node limit comes first here, ClusterShell's assertion later);
 * no part where ClusterShell names none.
 */
function clustershellReason(message: string): {reason: string; part?: string} | undefined {
	const range = /^NodeSetParseRangeError: bad range: "(.*?)(?: : "(.*)")?"$/su.exec(message);
	if (range) {
		return {reason: range[1]!, part: range[2] ?? ''};
	}

	const parse = /^NodeSetParseError: (.*?)(?:: "(.*)")?$/su.exec(message);
	if (parse) {
		return {reason: parse[1] === 'missing bracket' ? 'unclosed bracket' : parse[1]!, part: parse[2] ?? ''};
	}

	return message === 'ValueError: Invalid range upper limit (0)' ? {reason: 'invalid range upper limit (0)'} : undefined;
}

if (process.env.NODESET_RECORD) {
	const requests = Array.from({length: cases}, generator(mulberry32(seed)));
	const replies = await askClusterShell(requests, writeGroupsFixture());
	const data: Fixture = {clustershell: '1.9.1', seed, cases: requests.map((request, i) => ({request, reply: recorded(replies[i]!)}))};
	writeFileSync(fixture, `${JSON.stringify(data)}\n`);
}

const data = JSON.parse(readFileSync(fixture, 'utf8')) as Fixture;

describe(`recorded answers of ClusterShell ${data.clustershell} (seed ${data.seed})`, () => {
	// One resolver for every case, made in the first test that needs it (not while tests are collected).
	const groupsConf = writeGroupsFixture();
	let resolver: GroupResolver | undefined;

	it('the fixture is what the generator draws from its seed (a changed generator means: record again)', () => {
		const requests = Array.from({length: data.cases.length}, generator(mulberry32(data.seed)));
		expect(JSON.parse(JSON.stringify(requests))).toEqual(data.cases.map(entry => entry.request));
	});

	// One test per case: mutation testing runs only the cases that reach a mutant, and a failure names its case.
	it.each(data.cases.map((entry, i) => [i, entry.request.expr.slice(0, 60), entry] as const))('case %i: %s', (_i, _expr, {request, reply}) => {
		resolver ??= loadGroupResolver({groupsConf, env: {}});
		let ours: Recorded;
		let caught: NodeSetParseError | undefined;
		try {
			const set = parseNodeSet(request.expr, {resolver, autostep: request.autostep ?? undefined});
			ours = {fold: set.fold(), expand: keptExpansion(set.expand()), count: set.size};
			if (request.view) {
				ours.view = ourView(request.expr, request.autostep ?? undefined, request.view, resolver);
			}
		} catch (error) {
			if (!(error instanceof NodeSetParseError)) {
				throw error;
			}

			caught = error;
			ours = {error: error.message};
		}

		if ('error' in reply && 'error' in ours) {
			// Both refuse: with ClusterShell's reason, about the same part (our message adds what to do).
			const theirs = clustershellReason(reply.error);
			if (theirs !== undefined && caught !== undefined) {
				expect({reason: caught.reason, part: theirs.part === undefined ? undefined : caught.part}, JSON.stringify(request)).toEqual(theirs);
			}
		} else {
			expect(ours, JSON.stringify(request)).toEqual(reply);
		}
	});
});
