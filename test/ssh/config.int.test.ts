import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createSsh2Transport} from '../../source/ssh/ssh2/transport.js';
import {ConnectError, type ExecChunk, type Transport} from '../../source/ssh/transport.js';
import {skipWhen} from '../helpers/skip.js';
import {loopbackSkipReason, startLoopbackSshd, type LoopbackSshd} from '../helpers/loopback-sshd.js';
import {connectError} from '../helpers/connect-error.js';

/**
 * ssh_config end to end against a real sshd: KexAlgorithms reaches the handshake (the server here offers only
 * curve25519-sha256), and a user's ~/.ssh/config with Include, Host patterns and % tokens resolves and connects.
 */

const skip = loopbackSkipReason();

async function run(transport: Transport, node: string, command: string): Promise<{stdout: string[]; end: ExecChunk | undefined}> {
	const session = await transport.connect(node);
	const stdout: string[] = [];
	let end: ExecChunk | undefined;
	for await (const chunk of session.exec(command)) {
		if (chunk.kind === 'output') {
			if (chunk.stream === 'stdout') stdout.push(...chunk.lines);
		} else {
			end = chunk;
		}
	}

	return {stdout, end};
}

describe('ssh_config against a loopback sshd', skipWhen(skip), () => {
	let sshd: LoopbackSshd;
	let knownHosts: string;
	let scratch: string;
	const transports: Transport[] = [];

	beforeAll(async () => {
		sshd = await startLoopbackSshd({extraConfig: ['KexAlgorithms curve25519-sha256']});
		knownHosts = join(sshd.dir, 'known_hosts');
		writeFileSync(knownHosts, sshd.knownHostsLine());
		scratch = mkdtempSync(join(tmpdir(), 'svctui-config-'));
	}, 30_000);

	afterAll(async () => {
		for (const t of transports) await t.close();
		await sshd?.stop();
		if (scratch !== undefined) rmSync(scratch, {recursive: true, force: true});
	});

	function kexTransport(node: string, kex: string): Transport {
		const configFile = sshd.writeSshConfig({[node]: [`KexAlgorithms ${kex}`, `UserKnownHostsFile ${knownHosts}`, 'StrictHostKeyChecking yes']}, `${node}_config`);
		const t = createSsh2Transport({configFile, home: sshd.dir, env: {}});
		transports.push(t);
		return t;
	}

	it('connects with KexAlgorithms curve25519-sha256, the one the server offers', async () => {
		expect(await run(kexTransport('kex1', 'curve25519-sha256'), 'kex1', 'echo kex ok')).toEqual({stdout: ['kex ok'], end: {kind: 'exit', exitCode: 0, signal: null}});
	});

	it('uses only the configured KexAlgorithms: one the server lacks fails the handshake as protocol', async () => {
		// ssh2 would pick curve25519-sha256 on its own; failing here shows the configured list was sent instead.
		const error = await connectError(kexTransport('kex2', 'ecdh-sha2-nistp256').connect('kex2'));
		expect(error.reason).toBe('protocol');
		expect(error.message).toMatch(
			/^kex2: 127\.0\.0\.1:\d+ and svctui have no key exchange algorithm in common \(KexAlgorithms ecdh-sha2-nistp256 in the ssh config\); change KexAlgorithms in the ssh config/,
		);
	});

	it('reports KexAlgorithms that svctui cannot do at all as protocol, naming what it can', async () => {
		const error = await connectError(kexTransport('kex3', 'sntrup761x25519-sha512@openssh.com').connect('kex3'));
		expect(error.reason).toBe('protocol');
		expect(error.message).toMatch(/^kex3: none of the configured kex algorithms \(sntrup761x25519-sha512@openssh\.com\) is supported by svctui's SSH library; use one of .*curve25519-sha256/);
	});

	it('resolves and connects through ~/.ssh/config with Include, a *.lab pattern and % tokens', async () => {
		const home = mkdtempSync(join(scratch, 'home-'));
		const ssh = join(home, '.ssh');
		mkdirSync(join(ssh, 'lab.d'), {recursive: true, mode: 0o700});
		mkdirSync(join(ssh, 'keys'));
		mkdirSync(join(ssh, 'known_hosts.d'));
		// The key is found only if %n (the name as given) expands; the host key only if %h (HostName) and %p do.
		copyFileSync(sshd.clientKeyPath, join(ssh, 'keys', 'web1.lab'));
		copyFileSync(`${sshd.clientKeyPath}.pub`, join(ssh, 'keys', 'web1.lab.pub'));
		writeFileSync(join(ssh, 'known_hosts.d', `127.0.0.1-${sshd.port}`), sshd.knownHostsLine());
		writeFileSync(
			join(ssh, 'config'),
			['Include lab.d/*.conf', '', 'Host *', '  User root', '  IdentitiesOnly yes', '  StrictHostKeyChecking yes', ''].join('\n'),
		);
		writeFileSync(
			join(ssh, 'lab.d', 'cluster.conf'),
			[
				'Host *.dead.lab',
				'  HostName %h.invalid',
				'Host *.lab',
				'  HostName 127.0.0.1',
				`  Port ${sshd.port}`,
				'  IdentityFile ~/.ssh/keys/%n',
				'  UserKnownHostsFile ~/.ssh/known_hosts.d/%h-%p',
				'',
			].join('\n'),
		);
		const t = createSsh2Transport({home, env: {}});
		transports.push(t);
		const result = await run(t, 'web1.lab', 'echo "$SSH_CONNECTION"');
		expect(result.end).toEqual({kind: 'exit', exitCode: 0, signal: null});
		expect(result.stdout[0]).toMatch(new RegExp(`^127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${sshd.port}$`));

		// HostName %h: the earlier, more specific pattern in the included file rewrites the name itself.
		const dead = await connectError(t.connect('ghost.dead.lab'));
		expect(dead.reason).toBe('dns');
		expect(dead.message).toContain('name ghost.dead.lab.invalid does not resolve');
	});
});
