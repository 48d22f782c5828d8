import {NodeSetParseError} from './errors.js';

/** Characters a group name may not hold (ClusterShell's `ILLEGAL_GROUP_CHARS`). */
export const illegalGroupChars = '@,!&^*';

/**
 * One namespace of node groups (ClusterShell's group source). Values are raw words as the source
 * gives them: each word is itself a node set expression (`web[01-04]`, `@db`).
 */
export type GroupSource = {
	readonly name: string;
	/** Words of the group's node list; `[]` for an unknown group (ClusterShell's static sources do the same). */
	map(group: string): string[];
	/** Words of the special `all` list, or `undefined` when the source has none (then all = union of every group). */
	all(): string[] | undefined;
	/** Raw group names (each may itself be a node set such as `rack[1-4]`), or `undefined` when not listable. */
	list(): string[] | undefined;
	/** Raw group names `node` belongs to (an upcall's `reverse`), when the source can tell. */
	readonly reverse?: ((node: string) => string[]) | undefined;
};

/** Split raw group content like ClusterShell's `_list_nodes`: list items joined by `,`, then whitespace-separated words. */
export function groupWords(raw: unknown): string[] {
	if (raw === undefined || raw === null) {
		return [];
	}

	const text = Array.isArray(raw) ? raw.map(String).join(',') : String(raw);
	return text.split(/[\s\u001C-\u001F\u0085]+/).filter(word => word.length > 0);
}

/** A source backed by a plain object, as read from a YAML group file (`{rack1: 'node[1-4]', all: '...'}`). */
export function staticGroupSource(name: string, groups: Readonly<Record<string, unknown>>): GroupSource {
	return {
		name,
		map: group => Object.hasOwn(groups, group) ? groupWords(groups[group]) : [],
		all: () => Object.hasOwn(groups, 'all') && groups.all !== null ? groupWords(groups.all) : undefined,
		list: () => Object.keys(groups),
	};
}

/**
 * Resolves `@group`, `@source:group`, `@*` and `@source:*` (ClusterShell's `GroupResolver`). The
 * default source is the one used by a bare `@group`.
 */
export class GroupResolver {
	/**
	 * A resolver whose sources are made by `load` when first needed, as ClusterShell reads groups.conf
	 * only when a group is used: a broken configuration fails `@group`, not `node[1-3]`.
	 */
	static deferred(load: () => GroupResolver): GroupResolver {
		const resolver = new GroupResolver();
		resolver.loader = load;
		return resolver;
	}

	private byNameLoaded = new Map<string, GroupSource>();
	private defaultLoaded: string | undefined;
	private loader: (() => GroupResolver) | undefined;

	/**
	 * @param sources group sources in configuration order
	 * @param defaultSource name of the default source; @default the first source
	 */
	constructor(sources: readonly GroupSource[] = [], defaultSource: string | undefined = sources[0]?.name) {
		for (const source of sources) {
			if (this.byNameLoaded.has(source.name)) {
				throw new NodeSetParseError({input: source.name, part: source.name, reason: `group source "${source.name}" is defined twice`, kind: 'group'});
			}

			this.byNameLoaded.set(source.name, source);
		}

		if (defaultSource !== undefined && !this.byNameLoaded.has(defaultSource)) {
			throw new NodeSetParseError({input: defaultSource, part: defaultSource, reason: `default group source "${defaultSource}" is not defined`, kind: 'group'});
		}

		this.defaultLoaded = defaultSource;
	}

	/** Name of the source a bare `@group` uses. */
	get defaultSource(): string | undefined {
		this.load();
		return this.defaultLoaded;
	}

	private get byName(): Map<string, GroupSource> {
		this.load();
		return this.byNameLoaded;
	}

	private load(): void {
		if (this.loader) {
			const loaded = this.loader();
			this.loader = undefined;
			this.byNameLoaded = loaded.byName;
			this.defaultLoaded = loaded.defaultSource;
		}
	}

	/** Source names, the default first (as `nodeset --groupsources` lists them). */
	sources(): string[] {
		const names = [...this.byName.keys()];
		if (this.defaultSource !== undefined && names[0] !== this.defaultSource) {
			return [this.defaultSource, ...names.filter(name => name !== this.defaultSource)];
		}

		return names;
	}

	/** The same sources with another default (`nodeset -s SOURCE`). */
	withDefault(name: string): GroupResolver {
		if (!this.byName.has(name)) {
			throw new NodeSetParseError({input: name, part: name, reason: `unknown group source "${name}"`, kind: 'group'});
		}

		return new GroupResolver([...this.byName.values()], name);
	}

	/** The named source, or the default one. */
	source(name?: string): GroupSource {
		const wanted = name ? name : this.defaultSource;
		const source = wanted === undefined ? undefined : this.byName.get(wanted);
		if (!source) {
			const label = name ? name : '<default>';
			throw new NodeSetParseError({input: label, part: label, reason: name ? `unknown group source "${name}"` : 'no group source is configured', kind: 'group'});
		}

		return source;
	}

	/** Node words of `group` in `namespace`. */
	groupNodes(group: string, namespace?: string): string[] {
		return this.source(namespace).map(group);
	}

	/** Whether `namespace` can tell a node's groups itself (ClusterShell's `has_node_groups`). */
	hasNodeGroups(namespace?: string): boolean {
		return this.byName.get(namespace ? namespace : this.defaultSource ?? '')?.reverse !== undefined;
	}

	/** Groups `node` belongs to, from the source's `reverse` upcall, checked for illegal characters. */
	nodeGroups(node: string, namespace?: string): string[] {
		const source = this.source(namespace);
		if (!source.reverse) {
			throw new NodeSetParseError({input: source.name, part: source.name, reason: `group source "${source.name}" has no reverse upcall`, kind: 'group'});
		}

		return checkedNames(source.reverse(node));
	}

	/** Group names of `namespace`, checked for illegal characters. */
	groupList(namespace?: string): string[] {
		const source = this.source(namespace);
		const raw = source.list();
		if (raw === undefined) {
			throw new NodeSetParseError({input: source.name, part: source.name, reason: `group source "${source.name}" cannot list its groups`, kind: 'group'});
		}

		return checkedNames(raw);
	}
}

/** `_list_groups`: words of the lines, none with an illegal group character. */
function checkedNames(raw: readonly string[]): string[] {
	const names = raw.flatMap(line => line.trim().split(/\s+/).filter(Boolean));
	for (const name of names) {
		const bad = [...new Set(name)].filter(ch => illegalGroupChars.includes(ch));
		if (bad.length > 0) {
			throw new NodeSetParseError({input: name, part: name, reason: `illegal group character ${bad.join(' ')}`, kind: 'group'});
		}
	}

	return names;
}
