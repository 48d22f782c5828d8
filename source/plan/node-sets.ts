import {UserError} from '../errors.js';
import {parseNodeSet, type GroupResolver} from '../nodeset/index.js';
import {nodeNameProblem} from './node-names.js';

/**
 * A node-set check for plan validation: the node-set parser's one-line message for a bad expression
 * (or one that matches no nodes), or undefined. `@group` names resolve through `resolver` (groups.conf), so an unknown group is caught too.
 */
export function nodeSetChecker(resolver: GroupResolver | undefined): (expression: string) => string | undefined {
	return expression => {
		try {
			// An empty result is valid syntax but always a mistake in a plan (a group that maps to nothing,
			// or `a!a`): the step would silently do nothing.
			const set = parseNodeSet(expression, {resolver});
			return set.size === 0
				? `node set ${JSON.stringify(expression)} matches no nodes; check the names and groups.conf`
				: nodeNameProblem(expression, set.expand());
		} catch (error) {
			if (error instanceof UserError) {
				return error.message;
			}

			throw error;
		}
	};
}
