import {Box, Text, useInput} from 'ink';
import {useRef, useState} from 'react';
import {actions, type Action} from '../../plan/types.js';
import {SelectList} from '../components/select-list.js';
import {TextField, type FieldCheck} from '../components/text-field.js';
import type {NodeSetCheck} from '../../tui/contract.js';
import type {StepDraft} from '../../plan/edit.js';
import {useHelpKey} from '../help-key.js';
import {paint, useTheme} from '../theme.js';
import {parseDependList, parseServiceList} from '../../plan/service-names.js';

export type StepFormProps = {
	/** `Add step` or `Edit step 2`. */
	readonly title: string;
	readonly initial: StepDraft;
	readonly width: number;
	/** Counts the node set as it is typed (the controller resolves @groups). */
	readonly validateNodes: (expression: string) => NodeSetCheck;
	/** Save; returns false when the controller refused (the footer then says why). */
	readonly onSubmit: (draft: StepDraft) => boolean;
	readonly onCancel: () => void;
	/** Takes keys; false while the help is over it (it stays mounted, keeping what was typed). @default true */
	readonly isActive?: boolean;
};

const fields = ['services', 'action', 'nodes', 'depend'] as const;
type Field = (typeof fields)[number];

const actionHints: Readonly<Record<Action, string>> = {
	start: 'start (no change where running)',
	stop: 'stop',
	restart: 'restart (starts a stopped service)',
	reload: 'reload configuration (fails where stopped)',
	status: 'status (changes nothing)',
};

function servicesCheck(value: string): FieldCheck {
	const parsed = parseServiceList(value);
	return 'error' in parsed ? {ok: false, message: parsed.error} : {ok: true, hint: `${parsed.services.length} service${parsed.services.length === 1 ? '' : 's'}`};
}

function dependCheck(value: string): FieldCheck {
	const parsed = parseDependList(value);
	return 'error' in parsed ? {ok: false, message: parsed.error} : {ok: true, hint: parsed.depend.length === 0 ? 'no dependency' : `skip nodes where ${parsed.depend.join(', ')} is not running`};
}

/**
 * Add or edit a step: services, action (a select list), node set (validated and counted as it is typed),
 * dependencies. Tab and Shift-Tab move between fields, Enter saves from a text field, Esc cancels. The
 * app's own key handler is off while the form is open (edit mode), so this is the one place keys go.
 */
export function StepForm({title, initial, width, validateNodes, onSubmit, onCancel, isActive = true}: StepFormProps) {
	const theme = useTheme();
	const help = useHelpKey();
	const [draft, setDraft] = useState<StepDraft>(initial);
	const latest = useRef(draft);
	latest.current = draft;
	const [focus, setFocus] = useState<Field>('services');
	const move = (delta: number): void => {
		setFocus(current => fields[(fields.indexOf(current) + delta + fields.length) % fields.length] ?? current);
	};

	const change = (field: Exclude<Field, 'action'>) => (value: string) => {
		latest.current = {...latest.current, [field]: value};
		setDraft(latest.current);
	};

	const submit = (): void => {
		onSubmit(latest.current);
	};

	useInput(
		(input, key) => {
			if (key.escape) {
				onCancel();
			} else if (key.tab) {
				move(key.shift ? -1 : 1);
			} else if (input === '?' && focus === 'action') {
				// The text fields open the help themselves; the action list has no text to type.
				help?.();
			}
		},
		{isActive},
	);

	const nodesCheck = (value: string): FieldCheck => {
		if (value.trim() === '') {
			return {ok: false, message: 'enter a node set, e.g. node[1-3] or @web'};
		}

		const check = validateNodes(value);
		return check.ok ? {ok: true, hint: `${check.count} node${check.count === 1 ? '' : 's'}: ${check.folded}`} : {ok: false, message: check.message};
	};

	const fieldWidth = width - 4;
	return (
		<Box flexDirection="column" width={width} borderStyle={theme.glyphs.unicode ? 'round' : 'classic'} paddingX={1}>
			<Text bold>{title}</Text>
			<TextField label="Services" value={draft.services} placeholder="nginx or cron,ssh" validate={servicesCheck} isFocused={isActive && focus === 'services'} width={fieldWidth} onChange={change('services')} onSubmit={submit} />
			<Text bold color={focus === 'action' ? paint(theme, 'cyan') : undefined}>
				Action: <Text bold={false}>{focus === 'action' ? '' : draft.action}</Text>
			</Text>
			{focus === 'action' ? (
				<SelectList
					items={actions.map(action => ({label: actionHints[action], value: action}))}
					initialIndex={actions.indexOf(draft.action)}
					isFocused={isActive}
					onHighlight={item => {
						latest.current = {...latest.current, action: item.value};
						setDraft(latest.current);
					}}
					onSelect={item => {
						latest.current = {...latest.current, action: item.value};
						setDraft(latest.current);
						move(1);
					}}
				/>
			) : null}
			<TextField label="Nodes" value={draft.nodes} placeholder="node[1-3]" validate={nodesCheck} isFocused={isActive && focus === 'nodes'} width={fieldWidth} onChange={change('nodes')} onSubmit={submit} />
			<TextField label="Depend" value={draft.depend} placeholder="(none)" validate={dependCheck} isFocused={isActive && focus === 'depend'} width={fieldWidth} onChange={change('depend')} onSubmit={submit} />
			<Text color={paint(theme, 'gray')} wrap="truncate">
				Tab next field {theme.glyphs.separator} Enter save {theme.glyphs.separator} Esc cancel
			</Text>
		</Box>
	);
}
