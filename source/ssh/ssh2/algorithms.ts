import type {Algorithms} from 'ssh2';
// A static import (not createRequire at run time), so the one-file bundle carries it too.
import supportedLists from 'ssh2/lib/protocol/constants.js';
import type {AlgorithmKey} from '../connect-failure.js';
import {ConnectError} from '../transport.js';

const constantNames: Record<AlgorithmKey, string> = {kex: 'SUPPORTED_KEX', cipher: 'SUPPORTED_CIPHER', hmac: 'SUPPORTED_MAC', serverHostKey: 'SUPPORTED_SERVER_HOST_KEY'};

export function supportedAlgorithms(key: AlgorithmKey): string[] {
	return (supportedLists[constantNames[key]] ?? []) as string[];
}

/** Turn an OpenSSH algorithm list (`a,b`, `+a`, `-a`, `^a`) into ssh2's form, keeping only what ssh2 supports. */
export function setAlgorithms(algorithms: Algorithms, key: AlgorithmKey, value: string | undefined, label: string): void {
	if (value === undefined) return;
	const prefix = /^[+\-^]/.test(value) ? value[0] : '';
	const names = value.slice(prefix === '' ? 0 : 1).split(',').filter(name => name !== '');
	const supported = supportedAlgorithms(key);
	const usable = names.filter(name => supported.includes(name));
	const target = algorithms as Record<string, unknown>;
	switch (prefix) {
		case '+':
			if (usable.length > 0) target[key] = {append: usable};
			return;
		case '^':
			if (usable.length > 0) target[key] = {prepend: usable};
			return;
		case '-':
			target[key] = {remove: names.filter(name => supported.includes(name))};
			return;
		default:
			if (usable.length === 0) {
				throw new ConnectError(label, 'protocol', `${label}: none of the configured ${key} algorithms (${value}) is supported by svctui's SSH library; use one of ${supported.slice(0, 6).join(', ')}`);
			}

			target[key] = usable;
	}
}
