import ssh2 from 'ssh2';
import type {AnyAuthMethod, IdentityCallback, ParsedKey} from 'ssh2';
import type {ResolvedHost} from '../config.js';

const {OpenSSHAgent, utils} = ssh2;

/** Turns a key file's text into a key (ssh2's `utils.parseKey`), or the error that says why it cannot. */
export type KeyParser = (text: string) => ParsedKey | Error;

/** Most distinct key texts one transport keeps parsed; a run uses a handful of identity files. */
const parsedKeysKept = 64;

/**
 * `utils.parseKey` once per distinct key text. Each connection still reads its identity files (as ssh does),
 * but a run of 5,000 nodes with one key no longer parses it 5,000 times and holds 5,000 copies of it (the
 * connection keeps its auth methods, key objects and their native halves for its lifetime). A parsed key is
 * only read (signing, the public blob), so connections can share it.
 */
export function sharedKeyParser(): KeyParser {
	const parsed = new Map<string, ParsedKey | Error>();
	return text => {
		let key = parsed.get(text);
		if (key === undefined) {
			if (parsed.size >= parsedKeysKept) parsed.clear();
			key = utils.parseKey(text);
			parsed.set(text, key);
		}

		return key;
	};
}

/**
 * The ways to authenticate to `host`, in OpenSSH's order: the agent (only its keys that match an identity file
 * under IdentitiesOnly), then each identity file that is an unencrypted private key. svctui never prompts: an
 * encrypted or unreadable file becomes a note for the authentication-failed message.
 */
export function authMethods(
	host: ResolvedHost,
	readFile: (path: string) => string | undefined,
	env: Readonly<Record<string, string | undefined>>,
	parseKey: KeyParser = utils.parseKey,
): {methods: AnyAuthMethod[]; notes: string[]} {
	const methods: AnyAuthMethod[] = [];
	const notes: string[] = [];
	const username = host.user;
	const files: {path: string; key: ParsedKey | undefined; pub: Buffer | undefined}[] = [];
	for (const path of host.identityFiles) {
		const data = readFile(path);
		const pubText = readFile(`${path}.pub`);
		let pub: Buffer | undefined;
		if (pubText !== undefined) {
			const parsedPub = parseKey(pubText);
			if (!(parsedPub instanceof Error)) pub = parsedPub.getPublicSSH();
		}

		if (data === undefined) {
			// Like OpenSSH, FILE.pub alone still selects the matching agent key (the private half lives in the agent).
			if (pub !== undefined) files.push({path, key: undefined, pub});
			else if (host.identityFilesConfigured) notes.push(`${path} not found`);
			continue;
		}

		const parsed = parseKey(data);
		if (parsed instanceof Error) {
			notes.push(/encrypted/i.test(parsed.message) ? `${path} is encrypted and svctui never prompts: load it into ssh-agent` : `${path}: ${parsed.message}`);
			files.push({path, key: undefined, pub});
		} else if (!parsed.isPrivateKey()) {
			// IdentityFile naming a public key (`~/.ssh/key.pub`): it only picks the agent key, it cannot sign.
			files.push({path, key: undefined, pub: parsed.getPublicSSH()});
		} else {
			files.push({path, key: parsed, pub: pub ?? parsed.getPublicSSH()});
		}
	}

	const agentPath = host.identityAgent ?? env['SSH_AUTH_SOCK'];
	if (agentPath !== undefined && agentPath !== 'none' && agentPath !== '') {
		if (host.identitiesOnly) {
			// IdentitiesOnly: the agent may still sign, but only for keys that match an identity file (OpenSSH).
			const allowed = files.flatMap(file => (file.pub === undefined ? [] : [file.pub]));
			if (allowed.length > 0) methods.push({type: 'agent', username, agent: new FilteredAgent(agentPath, allowed)});
		} else {
			methods.push({type: 'agent', username, agent: agentPath});
		}
	}

	for (const file of files) {
		if (file.key !== undefined) methods.push({type: 'publickey', username, key: file.key});
	}

	return {methods, notes};
}

/** An agent that offers only the listed public keys (IdentitiesOnly with an agent holding more keys). */
class FilteredAgent extends OpenSSHAgent {
	readonly #allowed: readonly Buffer[];

	constructor(socketPath: string, allowed: readonly Buffer[]) {
		super(socketPath);
		this.#allowed = allowed;
	}

	override getIdentities(cb: IdentityCallback<ParsedKey>): void {
		super.getIdentities((error, keys) => {
			if (error || keys === undefined) {
				cb(error);
				return;
			}

			cb(undefined, keys.filter(entry => {
				const key = 'pubKey' in entry ? entry.pubKey : entry;
				const parsed = 'getPublicSSH' in key ? key : utils.parseKey(key.pubKey);
				return !(parsed instanceof Error) && this.#allowed.some(blob => blob.equals(parsed.getPublicSSH()));
			}));
		});
	}
}
