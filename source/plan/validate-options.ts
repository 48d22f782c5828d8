/**
 * Reading the StepOptions (sudo, timeout, manager, fanout, serial, max_fail, pause, canary, verify), shared
 * by a step's settings and `defaults:`. Problems go to the caller's list. Pure.
 */
import {assertNever} from '../errors.js';
import {parseDuration, parseTimeout} from './duration.js';
import {parseBatchSize, parseMaxFail, parsePositiveCount, serialExample} from './rollout.js';
import {suggest} from './suggest.js';
import {defaultVerify, managers, type ManagerChoice, type NodeCount, type StepOptions, type VerifyOptions} from './types.js';
import {at, describeNode, isEmpty, keyName, quote, unknownKeyMessage, type Problems, type StepContext} from './validate-problems.js';
import type {YamlNode} from './yaml-tree.js';

/** The keys `defaults:` may hold (the StepOptions). */
export const optionKeys = ['sudo', 'timeout', 'manager', 'fanout', 'serial', 'max_fail', 'pause', 'canary', 'verify'] as const;
/** The keys of `verify:` when it is a mapping. */
export const verifyKeys = ['timeout', 'settle', 'command'] as const;

/** StepOptions being filled in. */
export type OptionsDraft = {-readonly [Key in keyof StepOptions]: StepOptions[Key]};

export function isOptionKey(name: string): name is (typeof optionKeys)[number] {
	return (optionKeys as readonly string[]).includes(name);
}

/** A non-empty string value, or a problem naming what was there instead. */
export function readText(label: string, node: YamlNode, key: YamlNode, problems: Problems, context: StepContext, example: string): string | undefined {
	if (isEmpty(node)) {
		problems.add(at(node, key.offset), `${quote(label)} is empty; write e.g. "${label}: ${example}"`, context);
		return undefined;
	}

	if (node.kind !== 'scalar' || typeof node.value !== 'string') {
		problems.add(at(node, key.offset), `${quote(label)} must be text such as ${example}, not ${describeNode(node)}`, context);
		return undefined;
	}

	if (node.value.trim() === '') {
		problems.add(at(node, key.offset), `${quote(label)} is blank; write e.g. "${label}: ${example}"`, context);
		return undefined;
	}

	return node.value;
}

function readManager(node: YamlNode, key: YamlNode, problems: Problems, context: StepContext): ManagerChoice | undefined {
	const text = readText('manager', node, key, problems, context, 'systemd');
	if (text === undefined) {
		return undefined;
	}

	if ((managers as readonly string[]).includes(text)) {
		return text as ManagerChoice;
	}

	const guess = suggest(text, managers);
	const hint = guess === undefined ? '' : `; did you mean ${quote(guess)}?`;
	problems.add(at(node, key.offset), `unknown manager ${quote(text)}; use one of ${managers.join(', ')}${hint}`, context);
	return undefined;
}

const yamlOneOneBooleans = new Set(['yes', 'no', 'on', 'off', 'y', 'n']);

export function readBoolean(label: string, node: YamlNode, key: YamlNode, problems: Problems, context: StepContext): boolean | undefined {
	if (node.kind === 'scalar' && typeof node.value === 'boolean') {
		return node.value;
	}

	const shown = describeNode(node);
	const hint = node.kind === 'scalar' && yamlOneOneBooleans.has(node.text.toLowerCase())
		? `; YAML 1.2 reads ${node.text} as text, write true or false`
		: '; write true or false';
	problems.add(at(node, key.offset), `${quote(label)} must be true or false, not ${shown}${hint}`, context);
	return undefined;
}

function readTimeout(node: YamlNode, key: YamlNode, problems: Problems, context: StepContext): number | undefined {
	const value: unknown = node.kind === 'scalar' ? node.value : node.kind === 'sequence' ? [] : {};
	const result = parseTimeout(value);
	if ('error' in result) {
		problems.add(at(node, key.offset), result.error, context);
		return undefined;
	}

	return result.timeoutMs;
}

/** Read one of the StepOptions (shared by steps and `defaults`) into `into`; problems go to `problems`. */
export function readOption(name: (typeof optionKeys)[number], node: YamlNode, key: YamlNode, problems: Problems, context: StepContext, into: OptionsDraft): void {
	switch (name) {
		case 'sudo': {
			const sudo = readBoolean('sudo', node, key, problems, context);
			if (sudo !== undefined) {
				into.sudo = sudo;
			}

			return;
		}

		case 'timeout': {
			const timeoutMs = readTimeout(node, key, problems, context);
			if (timeoutMs !== undefined) {
				into.timeoutMs = timeoutMs;
			}

			return;
		}

		case 'manager': {
			const manager = readManager(node, key, problems, context);
			if (manager !== undefined) {
				into.manager = manager;
			}

			return;
		}

		case 'fanout':
		case 'canary': {
			const result = parsePositiveCount(scalarValue(node), quote(name), name === 'fanout' ? '16' : '1');
			if ('error' in result) {
				problems.add(at(node, key.offset), result.error, context);
			} else {
				into[name] = result.value;
			}

			return;
		}

		case 'serial': {
			const serial = readSerial(node, key, problems, context);
			if (serial !== undefined) {
				into.serial = serial;
			}

			return;
		}

		case 'max_fail': {
			const result = parseMaxFail(scalarValue(node), '"max_fail"');
			if ('error' in result) {
				problems.add(at(node, key.offset), result.error, context);
			} else {
				into.maxFail = result.value;
			}

			return;
		}

		case 'pause': {
			const result = parseDuration(scalarValue(node), '"pause"', true);
			if ('error' in result) {
				problems.add(at(node, key.offset), result.error, context);
			} else {
				into.pauseMs = result.ms;
			}

			return;
		}

		case 'verify': {
			const verify = readVerify(node, key, problems, context);
			if (verify !== undefined) {
				into.verify = verify;
			}

			return;
		}

		default: {
			assertNever(name);
		}
	}
}

/** A scalar's value, or a stand-in that describes a collection as one (for "must be X, not a list"). */
function scalarValue(node: YamlNode): unknown {
	return node.kind === 'scalar' ? node.value : node.kind === 'sequence' ? [] : {};
}

function readSerial(node: YamlNode, key: YamlNode, problems: Problems, context: StepContext): NodeCount[] | undefined {
	if (node.kind === 'mapping') {
		problems.add(at(node, key.offset), `"serial" must be a batch size or a list of them, not a mapping; ${serialExample}`, context);
		return undefined;
	}

	const entries = node.kind === 'sequence' ? node.items : [node];
	if (entries.length === 0) {
		problems.add(at(node, key.offset), `"serial" is an empty list; ${serialExample}`, context);
		return undefined;
	}

	const sizes: NodeCount[] = [];
	for (const entry of entries) {
		const result = parseBatchSize(scalarValue(entry), '"serial"');
		if ('error' in result) {
			problems.add(at(entry, key.offset), result.error, context);
			return undefined;
		}

		sizes.push(result.value);
	}

	return sizes;
}

function readVerify(node: YamlNode, key: YamlNode, problems: Problems, context: StepContext): VerifyOptions | false | undefined {
	const hint = 'write "verify: true", or a mapping such as {command: "curl -fsS localhost/health", timeout: 10s}';
	if (node.kind === 'scalar' && typeof node.value === 'boolean') {
		return node.value ? defaultVerify : false;
	}

	if (node.kind !== 'mapping') {
		problems.add(at(node, key.offset), `"verify" must be true, false or a mapping of ${verifyKeys.join(', ')}, not ${describeNode(node)}; ${hint}`, context);
		return undefined;
	}

	let verify: {timeoutMs: number; settleMs: number; command?: string} = {...defaultVerify};
	let complete = true;
	for (const pair of node.pairs) {
		const name = keyName(pair.key);
		const here: StepContext = {...context, path: `${context.path}.${name ?? '?'}`};
		switch (name) {
			case 'timeout':
			case 'settle': {
				const result = parseDuration(scalarValue(pair.value), `"verify.${name}"`, name === 'settle');
				if ('error' in result) {
					problems.add(at(pair.value, pair.key.offset), result.error, here);
					complete = false;
				} else {
					verify = name === 'timeout' ? {...verify, timeoutMs: result.ms} : {...verify, settleMs: result.ms};
				}

				break;
			}

			case 'command': {
				const command = readText('verify.command', pair.value, pair.key, problems, here, '"curl -fsS localhost/health"');
				if (command === undefined) {
					complete = false;
				} else if (/[\0-\u0008\u000A-\u001F\u007F]/.test(command)) {
					// A newline or a control character would hide part of the command in the review.
					problems.add(at(pair.value, pair.key.offset), '"verify.command" holds a line break or control character; write the health command on one line', here);
					complete = false;
				} else {
					verify = {...verify, command};
				}

				break;
			}

			default: {
				problems.add(pair.key.offset ?? node.offset, name === undefined ? `keys in "verify" must be plain names, not ${describeNode(pair.key)}` : unknownKeyMessage(name, verifyKeys, ' in "verify"'), here);
				complete = false;
			}
		}
	}

	if (complete && verify.settleMs >= verify.timeoutMs) {
		problems.add(at(node, key.offset), '"verify.settle" must be shorter than "verify.timeout": the service has to settle within the timeout', context);
		return undefined;
	}

	return complete ? verify : undefined;
}
