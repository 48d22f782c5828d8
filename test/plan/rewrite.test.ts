import {readdir, readFile} from 'node:fs/promises';
import {describe, expect, it} from 'vitest';
import {parsePlan} from '../../source/plan/load.js';
import {locatePlan} from '../../source/plan/plan-spans.js';
import {rewritePlan, samePlan} from '../../source/plan/rewrite.js';
import {serializePlan} from '../../source/plan/save.js';
import type {Plan, Step} from '../../source/plan/types.js';
import {deleteStep, moveStep, putStep, toggleStep} from '../../source/plan/edit.js';
import {mulberry32} from '../helpers/prng.js';

async function planFiles(): Promise<string[]> {
	const folders = ['plans', 'test/fixtures/plans/valid', 'test/fixtures/plans/commented'];
	const lists = await Promise.all(folders.map(async folder => (await readdir(folder)).sort().map(file => `${folder}/${file}`)));
	return lists.flat();
}

const files = await planFiles();
const texts = new Map(await Promise.all(files.map(async file => [file, await readFile(file, 'utf8')] as const)));
const textOf = (file: string): string => texts.get(file)!;

/** Lines removed from `before` and added in `after`, by a longest-common-subsequence line diff. */
function lineDiff(before: string, after: string): {removed: string[]; added: string[]} {
	const a = before.split('\n');
	const b = after.split('\n');
	const table = Array.from({length: a.length + 1}, () => new Array<number>(b.length + 1).fill(0));
	for (let i = a.length - 1; i >= 0; i--) {
		for (let j = b.length - 1; j >= 0; j--) {
			table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
		}
	}

	const removed: string[] = [];
	const added: string[] = [];
	let i = 0;
	let j = 0;
	while (i < a.length || j < b.length) {
		if (i < a.length && j < b.length && a[i] === b[j]) {
			i++;
			j++;
		} else if (j < b.length && (i === a.length || table[i]![j + 1]! >= table[i + 1]![j]!)) {
			added.push(b[j++]!);
		} else {
			removed.push(a[i++]!);
		}
	}

	return {removed, added};
}

/** Save `edit(plan)` over the file's text; the result must load as the edited plan and be written in place. */
function save(file: string, edit: (plan: Plan) => Plan): {text: string; plan: Plan; edited: Plan; inPlace: boolean} {
	const plan = parsePlan(textOf(file), file);
	const edited = edit(plan);
	const result = rewritePlan(textOf(file), edited);
	expect(samePlan(parsePlan(result.text, file), edited), `${file}: the saved text loads as the edited plan`).toBe(true);
	return {text: result.text, plan, edited, inPlace: result.inPlace};
}

const fields = (step: Step) => ({services: step.services, action: step.action, nodes: step.nodes, depend: step.depend});

describe('rewritePlan without edits', () => {
	it.each(files)('%s comes back byte for byte', file => {
		const text = textOf(file);
		expect(rewritePlan(text, parsePlan(text, file))).toEqual({text, inPlace: true});
	});

	it('covers the ancestor\'s three plans and every shipped plan', () => {
		for (const name of ['example.yaml', 'example1.yaml', 'example2.yaml', 'restart-web.yaml', 'rolling-reload.yaml', 'maintenance-window.yaml']) {
			expect(files).toContain(`plans/${name}`);
		}
	});
});

describe('the plan from issue 14', () => {
	const file = 'test/fixtures/plans/commented/issue-14.yaml';

	it('disabling step 2 adds one line and keeps every comment', () => {
		const {text} = save(file, plan => toggleStep(plan, 1));
		expect(text).toBe([
			'# Nightly restart of the web tier — owner: ops-web',
			'- cron:          # keep cron first',
			'    state: restart',
			'    nodes: node[1-3]',
			'- nginx:',
			'    state: reload   # reload, never restart, in business hours',
			'    nodes: node1',
			'    enabled: false',
			'',
		].join('\n'));
	});

	it('a changed value keeps the comment on its line', () => {
		const {text} = save(file, plan => putStep(plan, 1, {...fields(plan.steps[1]!), action: 'restart'}));
		expect(lineDiff(textOf(file), text)).toEqual({
			removed: ['    state: reload   # reload, never restart, in business hours'],
			added: ['    state: restart   # reload, never restart, in business hours'],
		});
	});

	it('a renamed step keeps the comment after its key', () => {
		const {text} = save(file, plan => putStep(plan, 0, {...fields(plan.steps[0]!), services: ['cron', 'atd']}));
		expect(lineDiff(textOf(file), text)).toEqual({removed: ['- cron:          # keep cron first'], added: ['- cron,atd:          # keep cron first']});
	});

	it('a moved step carries its comments; the file header stays on top', () => {
		const {text} = save(file, plan => moveStep(plan, 1, -1));
		expect(text).toBe([
			'# Nightly restart of the web tier — owner: ops-web',
			'- nginx:',
			'    state: reload   # reload, never restart, in business hours',
			'    nodes: node1',
			'- cron:          # keep cron first',
			'    state: restart',
			'    nodes: node[1-3]',
			'',
		].join('\n'));
	});

	it('a new step is written like its neighbours, at the end', () => {
		const {text} = save(file, plan => putStep(plan, undefined, {services: ['ssh'], action: 'status', nodes: '@web', depend: ['cron']}));
		expect(lineDiff(textOf(file), text)).toEqual({removed: [], added: ['- ssh:', '    state: status', '    nodes: \'@web\'', '    depend: cron']});
	});

	it('a deleted step takes its own comments with it', () => {
		const {text} = save(file, plan => deleteStep(plan, 1));
		expect(lineDiff(textOf(file), text)).toEqual({removed: ['- nginx:', '    state: reload   # reload, never restart, in business hours', '    nodes: node1'], added: []});
	});

	it('every step deleted: an empty plan, which opens again and takes new steps', () => {
		const emptied = save(file, plan => deleteStep(deleteStep(plan, 0), 0));
		expect(emptied.text).toBe('# Nightly restart of the web tier — owner: ops-web\n[]\n');
		const refilled = rewritePlan(emptied.text, putStep(parsePlan(emptied.text, file), undefined, {services: ['cron'], action: 'start', nodes: 'node1', depend: []}));
		expect(refilled).toEqual({text: '# Nightly restart of the web tier — owner: ops-web\n- cron:\n    state: start\n    nodes: node1\n', inPlace: true});
	});
});

describe('a commented mapping plan with blank lines between steps', () => {
	const file = 'test/fixtures/plans/commented/sections.yaml';

	it.each([
		['enable step 3: the value changes, its comment stays', (plan: Plan) => toggleStep(plan, 2), {
			removed: ['      enabled: false  # until INC-2041 is closed'], added: ['      enabled: true  # until INC-2041 is closed'],
		}],
		['quoted node sets stay quoted the same way', (plan: Plan) => putStep(plan, 0, {...fields(plan.steps[0]!), nodes: 'node[1-4]'}), {
			removed: ['      nodes: "node[1-3]"     # all of them'], added: ['      nodes: "node[1-4]"     # all of them'],
		}],
		['an empty depend gets its value after the colon', (plan: Plan) => putStep(plan, 1, {...fields(plan.steps[1]!), depend: ['cron']}), {
			removed: ['      depend:'], added: ['      depend: cron'],
		}],
		['a dropped depend takes its line', (plan: Plan) => putStep(plan, 2, {...fields(plan.steps[2]!), depend: []}), {
			removed: ['      depend: ssh  # needs the tunnel'], added: [],
		}],
		['a deleted middle step takes its comments and one blank line', (plan: Plan) => deleteStep(plan, 1), {
			removed: ['  - ssh:   # never touch sshd itself', '      state: status', '      nodes: \'node1\'', '      depend:', '      # node1 answers first', ''], added: [],
		}],
	])('%s', (_name, edit, expected) => {
		const {text} = save(file, edit);
		expect(lineDiff(textOf(file), text)).toEqual(expected);
	});

	it('a new step goes after the last, a blank line apart like the others, before the closing comment', () => {
		const {text} = save(file, plan => putStep(plan, undefined, {services: ['cron'], action: 'start', nodes: 'node[1-3]', depend: []}));
		expect(text.endsWith('      enabled: false  # until INC-2041 is closed\n\n  - cron:\n      state: start\n      nodes: node[1-3]\n# end of plan\n')).toBe(true);
	});

	it('steps written into `steps: []` go under it, indented like a mapping plan\'s', () => {
		const text = 'defaults:\n  sudo: true\nsteps: []  # none yet\n';
		const plan = putStep(parsePlan(text, 'x'), undefined, {services: ['cron'], action: 'stop', nodes: 'node1', depend: []});
		expect(rewritePlan(text, plan)).toEqual({text: 'defaults:\n  sudo: true\nsteps:  # none yet\n  - cron:\n      state: stop\n      nodes: node1\n', inPlace: true});
	});

	it('every step deleted: `steps: []`, the header, defaults and closing comment kept', () => {
		const {text} = save(file, plan => ({...plan, steps: []}));
		expect(text).toContain('\nsteps: []\n# end of plan\n');
		expect(text.startsWith('# Weekly maintenance')).toBe(true);
		expect(parsePlan(text, file).defaults).toEqual({timeoutMs: 30_000});
	});
});

/** The plan with step `at`'s options changed (the step form edits them through the same Step type). */
function withOptions(plan: Plan, at: number, change: (options: Step['options']) => Step['options']): Plan {
	return {...plan, steps: plan.steps.map((step, index) => (index === at ? {...step, options: change(step.options)} : step))};
}

/** Each kind of single edit, at each step where it applies. */
function singleEdits(plan: Plan): Array<{name: string; at?: number; edit: (plan: Plan) => Plan}> {
	const edits: Array<{name: string; at?: number; edit: (plan: Plan) => Plan}> = [
		{name: 'add', edit: p => putStep(p, undefined, {services: ['atd'], action: 'stop', nodes: 'node[2-3]', depend: []})},
	];
	for (const [at, step] of plan.steps.entries()) {
		edits.push(
			{name: `toggle ${at}`, at, edit: p => toggleStep(p, at)},
			{name: `nodes ${at}`, at, edit: p => putStep(p, at, {...fields(step), nodes: `${step.nodes},node9`})},
			{name: `state ${at}`, at, edit: p => putStep(p, at, {...fields(step), action: step.action === 'restart' ? 'start' : 'restart'})},
			{name: `depend ${at}`, at, edit: p => putStep(p, at, {...fields(step), depend: step.depend.length === 0 ? ['ssh', 'rsyslog'] : []})},
			{name: `timeout ${at}`, at, edit: p => withOptions(p, at, options => ({...options, timeoutMs: options.timeoutMs === 90_000 ? 150_000 : 90_000}))},
			{name: `sudo ${at}`, at, edit: p => withOptions(p, at, options => ({...options, sudo: !(options.sudo ?? false)}))},
			{name: `manager ${at}`, at, edit: p => withOptions(p, at, options => ({...options, manager: options.manager === 'sysv' ? 'systemd' : 'sysv'}))},
			{name: `delete ${at}`, at, edit: p => deleteStep(p, at)},
		);
		if (at > 0) {
			edits.push({name: `move up ${at}`, at, edit: p => moveStep(p, at, -1)});
		}
	}

	return edits;
}

describe('one edit changes only its own lines', () => {
	const cases = files.flatMap(file => singleEdits(parsePlan(textOf(file), file)).map(({name, at, edit}) => [file, name, at, edit] as const));

	it.each(cases)('%s: %s', (file, name, at, edit) => {
		const base = textOf(file).replace(/^\uFEFF/, '');
		const saved = save(file, edit);
		const {plan} = saved;
		const text = saved.text.replace(/^\uFEFF/, '');
		const spans = locatePlan(base);
		if (!saved.inPlace) {
			// Written afresh, by design: an edit to an anchored value would change its aliases too.
			expect(file).toMatch(/anchors\.yaml$/);
			return;
		}

		if (spans === undefined || spans.list.flow) {
			return;
		}

		const chunk = at === undefined ? '' : base.slice(spans.steps[at]!.chunkStart, spans.steps[at]!.chunkEnd);
		const own = chunk.split('\n').filter(line => line !== '');
		const {removed, added} = lineDiff(base, text);
		const nonBlank = (lines: string[]) => lines.filter(line => line.trim() !== '');
		if (name.startsWith('delete')) {
			const emptied = plan.format === 'mapping' ? ['steps: []'] : ['[]'];
			expect(added, 'a delete adds nothing (but the empty list when it was the last step)').toEqual(plan.steps.length === 1 ? emptied : []);
			// Sorted: among steps that read the same, the line diff may pick a neighbour's identical lines.
			expect(nonBlank(removed).filter(line => line !== (plan.format === 'mapping' && plan.steps.length === 1 ? 'steps:' : '')).sort(), 'a delete removes the step\'s own lines').toEqual(own.sort());
		} else if (name.startsWith('move')) {
			expect(nonBlank(removed).sort(), 'a move only moves lines').toEqual(nonBlank(added).sort());
		} else if (name === 'add') {
			expect(removed, 'an add removes nothing').toEqual([]);
			// Three lines like its neighbours, or one `- {atd: {...}}` line among flow-style steps.
			expect(added.filter(line => line.trim() !== '').length).toBe(spans.steps.every(span => span.flow) ? 1 : 3);
		} else {
			// A toggle or a changed value: one line changes, is added, or (enabled: false) goes.
			expect(removed.length, `${name} removes at most one line`).toBeLessThanOrEqual(1);
			expect(added.length, `${name} adds at most one line`).toBeLessThanOrEqual(1);
			expect(removed.length + added.length, `${name} changes something`).toBeGreaterThan(0);
			for (const line of removed) {
				expect(own.map(ownLine => ownLine.replace(/\r$/, '')), 'the changed line is the step\'s own').toContain(line.replace(/\r$/, ''));
			}
		}
	});
});

type Tagged = Step & {readonly tag?: number};

describe('random edit sequences (property)', () => {
	it.each(files)('%s: save then load gives the edited plan; untouched steps keep their bytes', file => {
		const base = textOf(file);
		const body = base.replace(/^\uFEFF/, '');
		const spans = locatePlan(body);
		const original = parsePlan(base, file);
		for (let seed = 1; seed <= 40; seed++) {
			const next = mulberry32(seed * 7919 + file.length);
			const pick = (n: number) => Math.floor(next() * n);
			// Tag each step with where it stood, so the test knows which ones the edits never touched.
			let plan: Plan = {...original, steps: original.steps.map((step, index) => ({...step, tag: index}) as Tagged)};
			for (let count = 1 + pick(5); count > 0; count--) {
				const at = pick(Math.max(plan.steps.length, 1));
				const step = plan.steps[at];
				switch (pick(5)) {
					case 0: {
						plan = toggleStep(plan, at);
						plan = {...plan, steps: plan.steps.map((s, i) => (i === at ? {...s, tag: undefined} as Tagged : s))};
						break;
					}

					case 1: {
						plan = moveStep(plan, at, next() < 0.5 ? -1 : 1);
						break;
					}

					case 2: {
						plan = step === undefined ? plan : putStep(plan, at, {...fields(step), nodes: `node${1 + pick(9)}`});
						break;
					}

					case 3: {
						plan = putStep(plan, undefined, {services: [['cron', 'ssh', 'nginx'][pick(3)]!], action: 'restart', nodes: 'node[1-2]', depend: []});
						break;
					}

					default: {
						plan = step === undefined ? plan : deleteStep(plan, at);
					}
				}
			}

			const result = rewritePlan(base, plan);
			const again = parsePlan(result.text, file);
			expect(samePlan(again, plan), `seed ${seed}`).toBe(true);
			if (!file.endsWith('anchors.yaml')) {
				expect(result.inPlace, `seed ${seed}: edited in place`).toBe(true);
			}

			if (spans === undefined || spans.list.flow || !result.inPlace) {
				continue;
			}

			for (const step of plan.steps as Tagged[]) {
				if (step.tag !== undefined) {
					const span = spans.steps[step.tag]!;
					// Its `-` line and everything after it that is its own (the comments above may differ when it became first).
					expect(result.text, `seed ${seed}: step ${step.tag} untouched`).toContain(body.slice(span.lineStart, span.chunkEnd).replace(/\r?\n$/, ''));
				}
			}
		}
	});
});

/** The plan of `text` (`p.yaml`), changed by `change`, saved over `text`. */
function rewritten(text: string, change: (plan: Plan) => Plan): {text: string; inPlace: boolean} {
	return rewritePlan(text, change(parsePlan(text, 'p.yaml')));
}

/** Step `at` with some fields changed, as the step form would put it. */
const changed = (at: number, change: Partial<Parameters<typeof putStep>[2]>) => (plan: Plan) => putStep(plan, at, {...fields(plan.steps[at]!), ...change});
/** A new step at the end: `atd` stopped on n9 unless `change` says otherwise. */
const added = (change: Partial<Parameters<typeof putStep>[2]> = {}) => (plan: Plan) => putStep(plan, undefined, {services: ['atd'], action: 'stop', nodes: 'n9', depend: [], ...change});

describe('a changed value is written in its old quoting', () => {
	it.each([
		['block, single quotes stay', '- a:\n    state: start\n    nodes: \'n1\'\n', changed(0, {nodes: 'n2'}), '- a:\n    state: start\n    nodes: \'n2\'\n'],
		['block, single quotes stay and double an apostrophe', '- a:\n    state: start\n    nodes: \'n1\'\n', changed(0, {nodes: 'it\'s'}), '- a:\n    state: start\n    nodes: \'it\'\'s\'\n'],
		['block, plain takes quotes where YAML would read it otherwise', '- a:\n    state: start\n    nodes: n1\n', changed(0, {nodes: '@web'}), '- a:\n    state: start\n    nodes: \'@web\'\n'],
		['block, plain with spaces stays plain on one line', '- a:\n    state: start\n    nodes: n1\n', changed(0, {nodes: 'n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, n12, n13, n14, n15, n16, n17, n18, n19'}),
			'- a:\n    state: start\n    nodes: n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, n12, n13, n14, n15, n16, n17, n18, n19\n'],
		['flow, plain stays plain', '- a: {state: start, nodes: n1}\n', changed(0, {action: 'stop'}), '- a: {state: stop, nodes: n1}\n'],
		['flow, plain takes double quotes where `{...}` needs them', '- a: {state: start, nodes: n1}\n', changed(0, {nodes: 'n[1-2]'}), '- a: {state: start, nodes: "n[1-2]"}\n'],
		['flow, single quotes stay, brackets or not', '- a: {state: start, nodes: \'n1\'}\n', changed(0, {nodes: 'n[1-2]'}), '- a: {state: start, nodes: \'n[1-2]\'}\n'],
	])('%s', (_name, text, change, expected) => {
		expect(rewritten(text, change)).toEqual({text: expected, inPlace: true});
	});
});

describe('settings come and go in place', () => {
	it.each([
		['block: a new setting goes after the nearest one before it in the usual order', '- a:\n    state: start\n    nodes: n1\n    enabled: false\n', changed(0, {depend: ['ssh']}),
			'- a:\n    state: start\n    nodes: n1\n    depend: ssh\n    enabled: false\n'],
		['block: at the end of a file without a final line break, it starts its own line', '- a:\n    state: start\n    nodes: n1', changed(0, {depend: ['ssh']}),
			'- a:\n    state: start\n    nodes: n1\n    depend: ssh'],
		['block: an empty value written `depend :` gets its value after the colon', '- a:\n    state: start\n    nodes: n1\n    depend :\n', changed(0, {depend: ['ssh']}),
			'- a:\n    state: start\n    nodes: n1\n    depend : ssh\n'],
		['flow: settings left alone stay, `enabled: true` too', '- a: {state: start, nodes: n1, enabled: true}\n', changed(0, {action: 'stop'}), '- a: {state: stop, nodes: n1, enabled: true}\n'],
		['flow: a new setting goes after the nearest one before it, with its comma', '- a: {state: start, nodes: n1, manager: sysv}\n', changed(0, {depend: ['ssh']}),
			'- a: {state: start, nodes: n1, depend: ssh, manager: sysv}\n'],
		['flow: the last setting goes with the comma before it', '- a: {state: reload, nodes: n1, depend: ssh}\n', changed(0, {depend: []}), '- a: {state: reload, nodes: n1}\n'],
		['flow: a middle setting goes with the comma before it', '- a: {state: start, nodes: n1, depend: ssh, sudo: true}\n', changed(0, {depend: []}), '- a: {state: start, nodes: n1, sudo: true}\n'],
		['block: an alias value is replaced by the new value', '- cron:\n    state: status\n    nodes: &all node[1-3]\n- ssh:\n    state: status\n    nodes: *all\n', changed(1, {nodes: 'node9'}),
			'- cron:\n    state: status\n    nodes: &all node[1-3]\n- ssh:\n    state: status\n    nodes: node9\n'],
		['flow: an alias value is replaced by the new value', '- cron: {state: status, nodes: &all node1}\n- ssh: {state: status, nodes: *all}\n', changed(1, {nodes: 'node9'}),
			'- cron: {state: status, nodes: &all node1}\n- ssh: {state: status, nodes: node9}\n'],
		['flow: a new option goes after the nearest setting written before it, past those missing', '- a: {state: start, nodes: n1}\n', (plan: Plan) => withOptions(plan, 0, options => ({...options, sudo: true})),
			'- a: {state: start, nodes: n1, sudo: true}\n'],
		['flow: an empty value gets its value after the colon', '- a: {state: start, nodes: n1, depend: }\n', changed(0, {depend: ['ssh']}), '- a: {state: start, nodes: n1, depend: ssh }\n'],
	])('%s', (_name, text, change, expected) => {
		expect(rewritten(text, change)).toEqual({text: expected, inPlace: true});
	});
});

describe('a new step is written like its neighbours', () => {
	it.each([
		['block: several services are one key', '- a:\n    state: start\n    nodes: n1\n', added({services: ['b', 'c']}), '- a:\n    state: start\n    nodes: n1\n- b,c:\n    state: stop\n    nodes: n9\n'],
		['flow: several services are one quoted key', '- a: {state: start, nodes: n1}\n', added({services: ['b', 'c']}), '- a: {state: start, nodes: n1}\n- {"b,c": {state: stop, nodes: n9}}\n'],
		['block: at its neighbours\' settings column', '- a:\n      state: start\n      nodes: n1\n', added(), '- a:\n      state: start\n      nodes: n1\n- atd:\n      state: stop\n      nodes: n9\n'],
		['a flow step and an alias: neither is a block step to copy, so four columns in', '- a: &s {state: start, nodes: n1}\n- b: *s\n', added(),
			'- a: &s {state: start, nodes: n1}\n- b: *s\n- atd:\n    state: stop\n    nodes: n9\n'],
		['block, after an alias step: at the block steps\' column', '- a: &s {state: start, nodes: n1}\n- b: *s\n- c:\n      state: stop\n      nodes: n2\n', added(),
			'- a: &s {state: start, nodes: n1}\n- b: *s\n- c:\n      state: stop\n      nodes: n2\n- atd:\n      state: stop\n      nodes: n9\n'],
		['not apart by comments that stand between steps, however often', '- a: {state: start, nodes: n1}\n\n# x\n\n- b: {state: start, nodes: n1}\n\n# x\n\n- c: {state: start, nodes: n1}\n- d: {state: start, nodes: n1}\n', added(),
			'- a: {state: start, nodes: n1}\n\n# x\n\n- b: {state: start, nodes: n1}\n\n# x\n\n- c: {state: start, nodes: n1}\n- d: {state: start, nodes: n1}\n- {atd: {state: stop, nodes: n9}}\n'],
		['apart from the last step by the most common blank separator', '- a: {state: start, nodes: n1}\n- b: {state: start, nodes: n1}\n\n- c: {state: start, nodes: n1}\n\n- d: {state: start, nodes: n1}\n', added(),
			'- a: {state: start, nodes: n1}\n- b: {state: start, nodes: n1}\n\n- c: {state: start, nodes: n1}\n\n- d: {state: start, nodes: n1}\n\n- {atd: {state: stop, nodes: n9}}\n'],
	])('%s', (_name, text, change, expected) => {
		expect(rewritten(text, change)).toEqual({text: expected, inPlace: true});
	});
});

describe('steps whose settings are an alias', () => {
	it('stay byte for byte while another step changes', () => {
		const text = '- cron: &s\n    state: status\n    nodes: n1\n- ssh: *s\n- atd:\n    state: stop\n    nodes: n2\n';
		expect(rewritten(text, changed(2, {action: 'start'}))).toEqual({text: text.replace('state: stop', 'state: start'), inPlace: true});
	});

	it('when changed, get their own settings and keep their comments', () => {
		const text = '- cron: &s\n    state: status\n    nodes: n1\n# about ssh\n- ssh: *s\n';
		expect(rewritten(text, changed(1, {action: 'stop'}))).toEqual({text: '- cron: &s\n    state: status\n    nodes: n1\n# about ssh\n- ssh:\n    state: stop\n    nodes: n1\n', inPlace: true});
	});
});

describe('comments between steps when steps go or move', () => {
	it.each([
		['two deleted steps: the comments that stood before the first stay, before the next kept step',
			'- a: {state: start, nodes: n1}\n\n# about b\n\n- b: {state: start, nodes: n1}\n- c: {state: start, nodes: n1}\n- d: {state: start, nodes: n1}\n',
			(plan: Plan) => deleteStep(deleteStep(plan, 1), 1),
			'- a: {state: start, nodes: n1}\n\n# about b\n\n- d: {state: start, nodes: n1}\n'],
		['the last step deleted: the comments before it stay at the end',
			'- a: {state: start, nodes: n1}\n- b: {state: start, nodes: n1}\n\n# about the last\n\n- c: {state: start, nodes: n1}\n',
			(plan: Plan) => deleteStep(plan, 2),
			'- a: {state: start, nodes: n1}\n- b: {state: start, nodes: n1}\n\n# about the last\n\n'],
		['the first step moved down is set apart like the others',
			'- a: {state: start, nodes: n1}\n\n- b: {state: stop, nodes: n1}\n',
			(plan: Plan) => moveStep(plan, 0, 1),
			'- b: {state: stop, nodes: n1}\n\n- a: {state: start, nodes: n1}\n'],
		['a mapping plan without a final line break keeps its later keys apart',
			'steps:\n  - a: {state: start, nodes: n1}\ndefaults:\n  sudo: true',
			changed(0, {nodes: 'n2'}),
			'steps:\n  - a: {state: start, nodes: n2}\ndefaults:\n  sudo: true'],
		['every step deleted under `steps :`', 'steps :\n  - a: {state: start, nodes: n1}\n', (plan: Plan) => deleteStep(plan, 0), 'steps : []\n'],
	])('%s', (_name, text, change, expected) => {
		expect(rewritten(text, change)).toEqual({text: expected, inPlace: true});
	});
});

describe('steps written into an empty list', () => {
	const atd = (column: number) => ['- atd:', '    state: stop', '    nodes: n9', ''].map(line => (line === '' ? '' : ' '.repeat(column) + line)).join('\n');

	it.each([
		['`[ ]` with a space', 'steps: [ ]\n', `steps:\n${atd(2)}`],
		['`steps: []` without a final line break', 'steps: []', `steps:\n${atd(2)}`],
		['an indented `[]`', '  []\n', atd(0)],
		['`[]` with a comment after it', '[]  # none yet\n', `  # none yet\n${atd(0)}`],
		['`[]` with spaces after it, then a comment line', '[]  \n# end\n', `${atd(0)}# end\n`],
		['`[]` with spaces after it and no line break', '[]  ', atd(0)],
	])('%s', (_name, text, expected) => {
		expect(rewritten(text, added())).toEqual({text: expected, inPlace: true});
	});
});

describe('what is written afresh', () => {
	it.each([
		['a list opened on the `---` line', '--- []\n', added()],
		['an empty list holding a comment', '[ # none\n]\n', added()],
		['steps written `[...]`', '[{a: {state: start, nodes: n1}}]\n', changed(0, {nodes: 'n2'})],
		['an anchored steps list', 'steps: &s\n  - a: {state: start, nodes: n1}\n', changed(0, {nodes: 'n2'})],
		['a list plan saved as a mapping plan', '- a: {state: start, nodes: n1}\n', (plan: Plan) => ({...plan, format: 'mapping' as const})],
		['changed defaults', 'defaults:\n  sudo: true\nsteps:\n  - a: {state: start, nodes: n1}\n', (plan: Plan) => ({...plan, defaults: {sudo: false}})],
		['new defaults', '- a: {state: start, nodes: n1}\n', (plan: Plan) => ({...plan, defaults: {timeoutMs: 5000}})],
	])('%s', (_name, text, change) => {
		const edited = change(parsePlan(text, 'p.yaml'));
		expect(rewritePlan(text, edited)).toEqual({text: serializePlan(edited), inPlace: false});
	});

	it('a base text that is not a plan', () => {
		const edited = parsePlan('- a: {state: start, nodes: n1}\n', 'p.yaml');
		expect(rewritePlan('- a: {state: explode}\n', edited)).toEqual({text: serializePlan(edited), inPlace: false});
	});
});

describe('samePlan', () => {
	const base = parsePlan('defaults:\n  sudo: true\nsteps:\n  - a: {state: start, nodes: n1}\n', 'p.yaml');
	it.each([
		['itself', base, true],
		['the same text loaded again', parsePlan('defaults: {sudo: true}\nsteps: [{a: {state: start, nodes: n1}}]\n', 'q.yaml'), true],
		['another format', {...base, format: 'list' as const}, false],
		['other defaults', {...base, defaults: {sudo: false}}, false],
		['a default more', {...base, defaults: {sudo: true, timeoutMs: 5000}}, false],
		['a step more', {...base, steps: [...base.steps, base.steps[0]!]}, false],
		['a changed step', toggleStep(base, 0), false],
	])('against %s: %s', (_name, other, expected) => {
		expect(samePlan(base, other)).toBe(expected);
	});
});
