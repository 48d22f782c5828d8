export {NodeSetParseError, RangeSetParseError, type NodeSetErrorKind} from './errors.js';
export {RangeSet, RangeSetBuilder, formatIndex, type RangeSlice} from './rangeset.js';
export {RangeSetND} from './rangeset-nd.js';
export {GroupResolver, staticGroupSource, groupWords, illegalGroupChars, type GroupSource} from './groups.js';
export {NodeSetBase, type Indexes, type Operator} from './nodeset-base.js';
export {
	NodeSet,
	parseNodeSet,
	parseNodeSetBase,
	expandNodeSet,
	foldNodes,
	listGroups,
	defaultMaxNodes,
	type ParseOptions,
} from './nodeset.js';
export {loadGroupResolver, groupsConfCandidates, type LoadGroupResolverOptions} from './group-config.js';
