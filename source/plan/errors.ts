import {shownSafely} from '../display.js';
import {UserError} from '../errors.js';

/**
 * One thing wrong with a plan file. Validation collects every problem it finds, so a user fixes a file
 * in one pass instead of one error per run.
 */
export type PlanProblem = {
	/** The plan's source as the user named it (a path, or a label such as `<tui>`). */
	readonly file: string;
	/**
	 * 1-based line of the offending key or value. Absent only when the file itself could not be read
	 * (missing, a directory, too big), where no position exists.
	 */
	readonly line?: number;
	/** 1-based column, counted in characters (in bytes for undecodable input, which has no characters). */
	readonly column?: number;
	/** Where in the document, for tests and tools: `[1].cron,ssh.state`, `defaults.timeout`, `steps[0]`. Indices are 0-based. */
	readonly path?: string;
	/** 1-based number of the step the problem belongs to. */
	readonly step?: number;
	/** The step's services as written, to name the step in the message. */
	readonly services?: readonly string[];
	/** What is wrong and, after `; `, what to do (`unknown key "stat"; did you mean "state"?`). */
	readonly message: string;
};

/** The one-line form: `file:line:col: step 2 (cron,ssh): message`, shown safely (`shownSafely`): it quotes the file and its values. */
export function formatProblem(problem: PlanProblem): string {
	let where = problem.file;
	if (problem.line !== undefined) {
		where += `:${problem.line}`;
		if (problem.column !== undefined) {
			where += `:${problem.column}`;
		}
	}

	let step = '';
	if (problem.step !== undefined) {
		const services = problem.services?.join(',') ?? '';
		// A pathological key (thousands of characters) must not swamp the line that names it.
		const label = services.length > 60 ? `${services.slice(0, 59)}…` : services;
		step = label === '' ? `step ${problem.step}: ` : `step ${problem.step} (${label}): `;
	}

	return shownSafely(`${where}: ${step}${problem.message}`);
}

/**
 * A plan that cannot be used. `message` is the first problem's one-line form; `problems` holds all of
 * them, in file order, for commands that print every one (`svctui validate`).
 */
export class PlanError extends UserError {
	readonly problems: readonly PlanProblem[];
	/** The first problem's file, line and column, for callers that show one location. */
	readonly file: string;
	readonly line: number | undefined;
	readonly column: number | undefined;
	readonly path: string | undefined;

	constructor(problems: readonly [PlanProblem, ...PlanProblem[]], options: {cause?: unknown} = {}) {
		const [first] = problems;
		super(formatProblem(first), {exitCode: 2, cause: options.cause});
		this.problems = problems;
		this.file = first.file;
		this.line = first.line;
		this.column = first.column;
		this.path = first.path;
	}

	/** Every problem, one line each, in file order. */
	lines(): string[] {
		return this.problems.map(problem => formatProblem(problem));
	}
}
