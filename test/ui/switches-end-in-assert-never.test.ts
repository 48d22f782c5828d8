import {readdirSync} from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import {describe, expect, it} from 'vitest';

// STYLE.md: every switch on a union ends in `assertNever`, so a new pane, overlay, command or status
// is a compile error at each switch that must handle it, not a silent fall-through. Held here with the
// type checker for the TUI's files: a switch whose subject is a union of literals must end in
// `default: { return assertNever(subject); }` (or call it without return).

const root = path.resolve('source');

function files(dir: string): string[] {
	return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? files(full) : /\.tsx?$/.test(entry.name) ? [full] : [];
	});
}

const tuiFiles = [
	...files(path.join(root, 'ui')),
	...files(path.join(root, 'tui')),
	path.join(root, 'commands', 'tui.tsx'),
	path.join(root, 'executor', 'predict.ts'),
	path.join(root, 'plan', 'edit.ts'),
];

/** A type made only of literals (string, number, boolean, undefined): what a switch can exhaust. */
function isLiteralUnion(type: ts.Type): boolean {
	const parts = type.isUnion() ? type.types : [type];
	const literal = ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral | ts.TypeFlags.BooleanLiteral | ts.TypeFlags.Undefined | ts.TypeFlags.EnumLiteral;
	return parts.length > 1 && parts.every(part => (part.flags & literal) !== 0);
}

function endsInAssertNever(node: ts.SwitchStatement): boolean {
	const last = node.caseBlock.clauses.at(-1);
	if (last === undefined || !ts.isDefaultClause(last)) {
		return false;
	}

	let found = false;
	const visit = (child: ts.Node): void => {
		if (ts.isCallExpression(child) && ts.isIdentifier(child.expression) && child.expression.text === 'assertNever') {
			found = true;
		}

		ts.forEachChild(child, visit);
	};

	for (const statement of last.statements) {
		visit(statement);
	}

	return found;
}

/** `file:line switch (subject)` for each switch on a literal union that does not end in assertNever. */
function offenders(): {checked: number; offending: string[]} {
	const program = ts.createProgram(tuiFiles, {
		target: ts.ScriptTarget.ES2022,
		module: ts.ModuleKind.NodeNext,
		moduleResolution: ts.ModuleResolutionKind.NodeNext,
		jsx: ts.JsxEmit.ReactJSX,
		strict: true,
		skipLibCheck: true,
		noEmit: true,
	});
	const checker = program.getTypeChecker();
	const offending: string[] = [];
	let checked = 0;
	for (const file of tuiFiles) {
		const source = program.getSourceFile(file);
		if (source === undefined) {
			throw new Error(`not in the program: ${file}`);
		}

		const visit = (node: ts.Node): void => {
			if (ts.isSwitchStatement(node) && isLiteralUnion(checker.getTypeAtLocation(node.expression))) {
				checked++;
				if (!endsInAssertNever(node)) {
					const {line} = source.getLineAndCharacterOfPosition(node.getStart(source));
					offending.push(`${path.relative(root, file)}:${line + 1} switch (${node.expression.getText(source)})`);
				}
			}

			ts.forEachChild(node, visit);
		};

		visit(source);
	}

	return {checked, offending};
}

describe('switches in the TUI', () => {
	it('end in assertNever when they switch on a union', () => {
		const {checked, offending} = offenders();
		// The check sees the switches it is about (app.tsx alone has four): it did not pass by finding none.
		expect(checked).toBeGreaterThan(10);
		expect(offending).toEqual([]);
		// A whole type-check of the TUI: seconds on a loaded machine.
	}, 60_000);
});
