import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createSsh2Transport} from '../../source/ssh/ssh2/transport.js';
import {ConnectError, type ExecChunk, type Transport} from '../../source/ssh/transport.js';
import {generateKey, loopbackSkipReason, startLoopbackSshd, startSshAgent, type LoopbackSshd, type SshAgent} from '../helpers/loopback-sshd.js';
import {connectError} from '../helpers/connect-error.js';
import {skipWhen} from '../helpers/skip.js';

/**
 * How svctui authenticates against a real sshd: ssh-agent (with and without IdentitiesOnly), an encrypted key
 * it must skip without prompting, and OpenSSH's default identity files under the user's home.
 */

const skip = loopbackSkipReason();

async function stdoutOf(transport: Transport, node: string, command: string): Promise<string[]> {
	const session = await transport.connect(node);
	const lines: string[] = [];
	let end: ExecChunk | undefined;
	for await (const chunk of session.exec(command)) {
		if (chunk.kind === 'output' && chunk.stream === 'stdout') lines.push(...chunk.lines);
		else if (chunk.kind !== 'output') end = chunk;
	}

	expect(end).toEqual({kind: 'exit', exitCode: 0, signal: null});
	return lines;
}

describe('ssh2 transport authentication against a loopback sshd', skipWhen(skip), () => {
	let sshd: LoopbackSshd;
	let agent: SshAgent;
	let scratch: string;
	let knownHosts: string;
	/** A key pair that exists on disk but is not in authorized_keys. */
	let otherKey: string;
	const transports: Transport[] = [];

	beforeAll(async () => {
		sshd = await startLoopbackSshd();
		scratch = mkdtempSync(join(tmpdir(), 'svctui-auth-'));
		knownHosts = join(scratch, 'known_hosts');
		writeFileSync(knownHosts, sshd.knownHostsLine());
		otherKey = join(scratch, 'other_ed25519');
		generateKey(otherKey);
		agent = await startSshAgent(scratch);
		agent.add(sshd.clientKeyPath);
	}, 30_000);

	afterAll(async () => {
		for (const t of transports) await t.close();
		await agent?.stop();
		await sshd?.stop();
		if (scratch !== undefined) rmSync(scratch, {recursive: true, force: true});
	});

	/** A fresh empty home (no ~/.ssh keys) and an ssh_config for `node` with `lines`, but no IdentityFile unless given. */
	function setup(node: string, lines: readonly string[]): {home: string; configFile: string} {
		const home = mkdtempSync(join(scratch, 'home-'));
		const configFile = join(home, 'ssh_config');
		const block = [`Host ${node}`, ...lines, '  HostName 127.0.0.1', `  Port ${sshd.port}`, '  User root', `  UserKnownHostsFile ${knownHosts}`, '  StrictHostKeyChecking yes'];
		writeFileSync(configFile, `${block.join('\n')}\n`);
		return {home, configFile};
	}

	function transport(configFile: string, home: string, env: Record<string, string>, logger?: (line: string) => void): Transport {
		const t = createSsh2Transport({configFile, home, env, logger});
		transports.push(t);
		return t;
	}

	it('authenticates with a key held only by ssh-agent (no IdentityFile, no default keys in HOME)', async () => {
		const {home, configFile} = setup('agent1', []);
		const t = transport(configFile, home, {SSH_AUTH_SOCK: agent.socket});
		expect(await stdoutOf(t, 'agent1', 'echo via agent')).toEqual(['via agent']);
	});

	it('without the agent the same setup has no key and fails with auth', async () => {
		const {home, configFile} = setup('agent2', []);
		const error = await connectError(transport(configFile, home, {}).connect('agent2'));
		expect(error.reason).toBe('auth');
	});

	it('with IdentitiesOnly yes, does not offer agent keys that match no IdentityFile', async () => {
		const {home, configFile} = setup('agent3', ['  IdentitiesOnly yes', `  IdentityFile ${otherKey}`]);
		const before = (sshd.log().match(/Accepted publickey/g) ?? []).length;
		const error = await connectError(transport(configFile, home, {SSH_AUTH_SOCK: agent.socket}).connect('agent3'));
		expect(error.reason).toBe('auth');
		expect(error.message).toMatch(/^agent3: authentication as root failed/);
		expect((sshd.log().match(/Accepted publickey/g) ?? []).length).toBe(before);
	});

	it('with IdentitiesOnly yes, uses the agent for a key whose IdentityFile is only the public half', async () => {
		// The usual agent-only setup: the private key lives in the agent, ssh_config names its .pub (OpenSSH loads the
		// public key from the file itself or from FILE.pub to pick the agent key).
		const {home, configFile} = setup('agent4', ['  IdentitiesOnly yes', `  IdentityFile ${join(scratch, 'agent4.pub')}`]);
		copyFileSync(`${sshd.clientKeyPath}.pub`, join(scratch, 'agent4.pub'));
		const t = transport(configFile, home, {SSH_AUTH_SOCK: agent.socket});
		expect(await stdoutOf(t, 'agent4', 'echo pub file')).toEqual(['pub file']);

		const missingPrivate = join(scratch, 'agent-only');
		copyFileSync(`${sshd.clientKeyPath}.pub`, `${missingPrivate}.pub`);
		const second = setup('agent5', ['  IdentitiesOnly yes', `  IdentityFile ${missingPrivate}`]);
		const t2 = transport(second.configFile, second.home, {SSH_AUTH_SOCK: agent.socket});
		expect(await stdoutOf(t2, 'agent5', 'echo pub beside')).toEqual(['pub beside']);
	});

	it('skips an encrypted IdentityFile without prompting and says so; the passphrase never appears', async () => {
		const passphrase = 'Pf7-unlikely-passphrase-q9';
		const encrypted = join(scratch, 'encrypted_ed25519');
		generateKey(encrypted, passphrase);
		const {home, configFile} = setup('enc1', ['  IdentitiesOnly yes', `  IdentityFile ${encrypted}`]);
		const notes: string[] = [];
		const error = await connectError(transport(configFile, home, {}, line => notes.push(line)).connect('enc1'));
		expect(error.reason).toBe('auth');
		expect(error.message).toContain(`${encrypted} is encrypted and svctui never prompts`);
		expect(error.message).toMatch(/ssh-agent/);
		expect([error.message, ...notes].join('\n')).not.toContain(passphrase);
	});

	it('uses ~/.ssh/id_ed25519 under HOME when no IdentityFile is configured', async () => {
		const {home, configFile} = setup('default1', []);
		mkdirSync(join(home, '.ssh'), {mode: 0o700});
		copyFileSync(sshd.clientKeyPath, join(home, '.ssh', 'id_ed25519'));
		copyFileSync(`${sshd.clientKeyPath}.pub`, join(home, '.ssh', 'id_ed25519.pub'));
		const t = transport(configFile, home, {});
		expect(await stdoutOf(t, 'default1', 'echo default key')).toEqual(['default key']);
	});

	it('does not use default identity files once an IdentityFile is configured', async () => {
		const {home, configFile} = setup('default2', [`  IdentityFile ${otherKey}`]);
		mkdirSync(join(home, '.ssh'), {mode: 0o700});
		copyFileSync(sshd.clientKeyPath, join(home, '.ssh', 'id_ed25519'));
		const error = await connectError(transport(configFile, home, {}).connect('default2'));
		expect(error.reason).toBe('auth');
	});
});
