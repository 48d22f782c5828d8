export {NodeSetParseError, RangeSetParseError, type NodeSetErrorKind} from './errors.js';
export {RangeSet, RangeSetBuilder, formatIndex, type RangeSlice} from './rangeset.js';
export {RangeSetND} from './rangeset-nd.js';
export {GroupResolver, staticGroupSource, groupWords, illegalGroupChars, type GroupSource} from './groups.js';
export {NodeSetBase, type Indexes, type Operator} from './nodeset-base.js';
export {
	NodeSet,
	parseNodeSet,
	parseNodeSetBase,
	singleNodes,
	expandNodeSet,
	foldNodes,
	listGroups,
	defaultMaxNodes,
	type ParseOptions,
} from './nodeset.js';
export {contiguousNodes, pickSlices, sliceNodes, splitNodes} from './nodeset-slices.js';
export {nodeGroups, regroup} from './regroup.js';
export {loadGroupResolver, groupsConfCandidates, type LoadGroupResolverOptions} from './group-config.js';
