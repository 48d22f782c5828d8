import {load} from 'js-yaml';

/** A step as far as it could be read from a file with errors; every field as written. */
export type SketchedRow = {
	readonly index: number;
	readonly services: string;
	readonly action: string;
	readonly nodes: string;
	readonly depend: string;
	readonly enabled: boolean;
};

/**
 * Best-effort rows for a plan file with errors, so each problem can stand at its step: list items or
 * `steps:` items, each `{services: {state, nodes, depend}}`. Whatever is not there stays empty.
 */
export function sketchRows(text: string): SketchedRow[] {
	let document: unknown;
	try {
		document = load(text);
	} catch {
		return [];
	}

	const items = Array.isArray(document)
		? document
		: typeof document === 'object' && document !== null && Array.isArray((document as {steps?: unknown}).steps)
			? ((document as {steps: unknown[]}).steps)
			: [];
	const text_ = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
	return items.map((item, position) => {
		const [key, settings] = typeof item === 'object' && item !== null ? (Object.entries(item)[0] ?? ['', {}]) : [text_(item), {}];
		const fields = typeof settings === 'object' && settings !== null ? (settings as Record<string, unknown>) : {};
		return {
			index: position + 1,
			services: key,
			action: text_(fields['state']),
			nodes: text_(fields['nodes']),
			depend: text_(fields['depend']),
			enabled: fields['enabled'] !== false,
		};
	});
}
