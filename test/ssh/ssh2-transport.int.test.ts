import {getEventListeners} from 'node:events';
import {existsSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {createServer, connect as netConnect, type Server, type Socket} from 'node:net';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createSsh2Transport, type Ssh2TransportOptions} from '../../source/ssh/ssh2/transport.js';
import {ConnectError, type ExecChunk, type Session} from '../../source/ssh/transport.js';
import {generateKey, loopbackSkipReason, startLoopbackSshd, type LoopbackSshd} from '../helpers/loopback-sshd.js';
import {connectError} from '../helpers/connect-error.js';
import {skipWhen} from '../helpers/skip.js';

const skip = loopbackSkipReason();

type Collected = {stdout: string[]; stderr: string[]; end: ExecChunk | undefined};

async function collect(iterable: AsyncIterable<ExecChunk>, onChunk?: (chunk: ExecChunk) => void): Promise<Collected> {
	const result: Collected = {stdout: [], stderr: [], end: undefined};
	for await (const chunk of iterable) {
		onChunk?.(chunk);
		if (chunk.kind === 'output') result[chunk.stream].push(...chunk.lines);
		else result.end = chunk;
	}

	return result;
}

/**
 * A remote check that prints `none` once nothing matches `pattern` (within 5 s), else what still runs. The
 * wrapper's own helper processes exit a moment after the command's channel closes, so a single immediate
 * pgrep would race them; the command itself must be gone either way.
 */
function goneOnNode(pattern: string): string {
	return `for i in $(seq 50); do pgrep -f '${pattern}' >/dev/null || { echo none; exit 0; }; sleep 0.1; done; pgrep -a -f '${pattern}'`;
}

describe('ssh2 transport against a loopback OpenSSH sshd', skipWhen(skip), () => {
	let sshd: LoopbackSshd;
	let second: LoopbackSshd;
	let knownHosts: string;

	beforeAll(async () => {
		sshd = await startLoopbackSshd({maxSessions: 3});
		second = await startLoopbackSshd({clientKeyPath: sshd.clientKeyPath});
		knownHosts = join(sshd.dir, 'known_hosts');
		writeFileSync(knownHosts, sshd.knownHostsLine() + second.knownHostsLine());
	}, 60_000);

	afterAll(async () => {
		await second?.stop();
		await sshd?.stop();
	});

	function transport(hosts: Record<string, readonly string[]>, extra: Partial<Ssh2TransportOptions> = {}, file = 'ssh_config') {
		const configFile = sshd.writeSshConfig(hosts, file);
		return createSsh2Transport({configFile, home: sshd.dir, env: {}, killGraceMs: 1000, ...extra});
	}

	const strict = [`UserKnownHostsFile ${'KH'}`, 'StrictHostKeyChecking yes'];
	const strictWith = (file: string): string[] => strict.map(line => line.replace('KH', file));

	describe('with a connected session', () => {
		let session: Session;
		let t: ReturnType<typeof transport>;
		beforeAll(async () => {
			t = transport({node1: strictWith(knownHosts)});
			session = await t.connect('node1');
		});
		afterAll(async () => t.close());

		it('splits stdout and stderr into lines and reports the exit code', async () => {
			const result = await collect(session.exec('echo one; echo two >&2; printf "partial"; exit 3'));
			expect(result).toEqual({stdout: ['one', 'partial'], stderr: ['two'], end: {kind: 'exit', exitCode: 3, signal: null}});
		});

		it('reports a signal exit, and exit 255 as an exit code', async () => {
			expect((await collect(session.exec('kill -TERM $$'))).end).toEqual({kind: 'exit', exitCode: null, signal: 'SIGTERM'});
			expect((await collect(session.exec('exit 255'))).end).toEqual({kind: 'exit', exitCode: 255, signal: null});
		});

		it('passes the command string verbatim to the remote shell', async () => {
			const result = await collect(session.exec(`printf '%s\\n' "a  b" '$HOME' "it's" '\\n'`));
			expect(result.stdout).toEqual(['a  b', '$HOME', "it's", '\\n']);
		});

		it('neutralizes terminal escape sequences in node output, keeping UTF-8 text', async () => {
			const result = await collect(session.exec(`printf '\\033]0;pwned\\007ok\\n'; printf 'grüße\\tx\\r\\n'; printf '\\033[2Aerr\\n' >&2`));
			expect(result.stdout).toEqual(['\\x1b]0;pwned\\x07ok', 'grüße\tx']);
			expect(result.stderr).toEqual(['\\x1b[2Aerr']);
		});

		it('runs more parallel commands than MaxSessions by queueing', async () => {
			const runs = Array.from({length: 8}, async (_, i) => collect(session.exec(`sleep 0.2; echo ${i}`)));
			const results = await Promise.all(runs);
			expect(results.map(r => r.stdout)).toEqual(Array.from({length: 8}, (_, i) => [String(i)]));
		});

		it('leaves no abort listeners behind on a shared signal: 50 concurrent execs, most of them queued', async () => {
			const controller = new AbortController();
			const before = getEventListeners(controller.signal, 'abort').length;
			const other = await t.connect('node1', {signal: controller.signal});
			let peak = 0;
			const sample = (): void => {
				peak = Math.max(peak, getEventListeners(controller.signal, 'abort').length);
			};
			const runs = Array.from({length: 50}, async (_, i) => collect(other.exec(`echo ${i}`, {signal: controller.signal}), sample));
			const results = await Promise.all(runs);
			expect(results.map(r => r.stdout)).toEqual(Array.from({length: 50}, (_, i) => [String(i)]));
			expect(getEventListeners(controller.signal, 'abort')).toHaveLength(before);
			// While they run, all of them share one listener: no MaxListenersExceededWarning however many nodes a run has.
			expect(peak).toBe(before + 1);
			other.close();
		});

		it('ends queued and running commands on abort and then holds no listener on the signal', async () => {
			const controller = new AbortController();
			const runs = Array.from({length: 12}, async () => collect(session.exec('sleep 3006', {signal: controller.signal})));
			setImmediate(() => controller.abort());
			const results = await Promise.all(runs);
			expect(results.map(r => r.end)).toEqual(Array.from({length: 12}, () => ({kind: 'exit', exitCode: null, signal: 'SIGTERM'})));
			expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
			// The slots freed by the aborted commands are usable again.
			expect((await collect(session.exec('echo after'))).stdout).toEqual(['after']);
		});

		it('kills the command on the node when it times out', async () => {
			const result = await collect(session.exec('sleep 3001 & sleep 3002; echo never', {timeoutMs: 500}));
			expect(result.end?.kind).toBe('timed-out');
			expect(result.stdout).toEqual([]);
			const check = await collect(session.exec(goneOnNode('sleep 300[12]')));
			expect(check.stdout).toEqual(['none']);
		});

		it('kills a command that ignores TERM after the grace period, and the exec ends', async () => {
			// `trap '' TERM` is inherited by sleep: only KILL stops it. Without the wrapper's own escalation this
			// exec never ended (sshd keeps the channel open while its process lives).
			const result = await collect(session.exec(`trap '' TERM; sleep 3007; echo never`, {timeoutMs: 300}));
			expect(result.end?.kind).toBe('timed-out');
			const check = await collect(session.exec(goneOnNode('sleep 300[7]')));
			expect(check.stdout).toEqual(['none']);
		});

		it('stops the command on the node when aborted', async () => {
			const controller = new AbortController();
			const result = await collect(session.exec('echo started; sleep 3003 & sleep 3004', {signal: controller.signal}), chunk => {
				if (chunk.kind === 'output') controller.abort();
			});
			expect(result.stdout).toEqual(['started']);
			expect(result.end).toEqual({kind: 'exit', exitCode: null, signal: 'SIGTERM'});
			const check = await collect(session.exec(goneOnNode('sleep 300[34]')));
			expect(check.stdout).toEqual(['none']);
		});
	});

	it('refuses ProxyCommand with a clear message instead of running it', async () => {
		const marker = join(sshd.dir, 'proxycommand-ran');
		const error = await connectError(transport({node7: [`ProxyCommand touch ${marker}`]}, {}, 'proxy_config').connect('node7'));
		expect(error.reason).toBe('protocol');
		expect(error.message).toBe('node7: ProxyCommand is not supported; use ProxyJump in the ssh config');
		expect(existsSync(marker)).toBe(false);
	});

	it('refuses an unknown host key with a clear message', async () => {
		const empty = join(sshd.dir, 'empty_known_hosts');
		writeFileSync(empty, '');
		const error = await connectError(transport({node4: strictWith(empty)}).connect('node4'));
		expect(error.reason).toBe('host-key');
		expect(error.message).toMatch(/^node4: host key for \[127\.0\.0\.1\]:\d+ is not known \(ssh-ed25519 SHA256:[\w+/]+\); verify it and run with --accept-new, or add it with ssh-keyscan$/);
	});

	it('records an unknown key with --accept-new, then connects with strict checking', async () => {
		const file = join(sshd.dir, 'new_known_hosts');
		const first = transport({node5: strictWith(file)}, {acceptNew: true});
		const session = await first.connect('node5');
		await first.close();
		expect(readFileSync(file, 'utf8')).toBe(sshd.knownHostsLine());
		expect(statSync(file).mode & 0o777).toBe(0o600);
		const again = transport({node5: strictWith(file)});
		expect((await collect((await again.connect('node5')).exec('echo ok'))).stdout).toEqual(['ok']);
		await again.close();
		expect(session.node).toBe('node5');
	});

	it('records hashed entries with HashKnownHosts, which ssh-keygen -F and the next strict connect find', async () => {
		const file = join(sshd.dir, 'hashed_known_hosts');
		const first = transport({node6: ['HashKnownHosts yes', 'StrictHostKeyChecking accept-new', ...strictWith(file)]});
		await first.connect('node6');
		await first.close();
		const text = readFileSync(file, 'utf8');
		expect(text).toMatch(/^\|1\|[\w+/=]+\|[\w+/=]+ ssh-ed25519 [\w+/=]+\n$/);
		const {execFileSync} = await import('node:child_process');
		expect(execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', file]).toString()).toContain('ssh-ed25519');
		const again = transport({node6: strictWith(file)});
		await expect(again.connect('node6')).resolves.toMatchObject({node: 'node6'});
		await again.close();
	});

	it('always refuses a changed host key, naming the old entry', async () => {
		const file = join(sshd.dir, 'changed_known_hosts');
		const other = generateKey(join(sshd.dir, 'other_host_key'));
		writeFileSync(file, `# old\n[127.0.0.1]:${sshd.port} ${other}\n`);
		const error = await connectError(transport({node7: strictWith(file)}, {acceptNew: true}).connect('node7'));
		expect(error.reason).toBe('host-key');
		expect(error.message).toContain(`${file}:2`);
		expect(error.message).toContain('HOST KEY CHANGED');
	});

	it('reports a key the server does not accept as auth', async () => {
		const wrong = join(sshd.dir, 'wrong_key');
		generateKey(wrong);
		const configFile = sshd.writeSshConfig({node8: [...strictWith(knownHosts)]}, 'auth_config');
		writeFileSync(configFile, readFileSync(configFile, 'utf8').replace(sshd.clientKeyPath, wrong));
		const error = await connectError(createSsh2Transport({configFile, home: sshd.dir, env: {}}).connect('node8'));
		expect(error.reason).toBe('auth');
		expect(error.message).toMatch(/^node8: authentication as root failed/);
	});

	it('reports a closed port as refused and an unresolvable name as dns', async () => {
		const closed = await new Promise<number>(resolve => {
			const server = createServer().listen(0, '127.0.0.1', () => {
				const address = server.address();
				server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
			});
		});
		const t = transport({closed: [...strictWith(knownHosts), `Port ${closed}`], nxnode: ['HostName no-such-node.invalid']});
		expect((await connectError(t.connect('closed'))).reason).toBe('refused');
		const dns = await connectError(t.connect('nxnode'));
		expect(dns.reason).toBe('dns');
		expect(dns.message).toBe('nxnode: name no-such-node.invalid does not resolve; check the node name or add a Host block to ssh_config');
	});

	it('connects through a ProxyJump host and shares one jump connection', async () => {
		const configFile = join(sshd.dir, 'jump_config');
		const common = ['User root', `IdentityFile ${sshd.clientKeyPath}`, 'IdentitiesOnly yes', `UserKnownHostsFile ${knownHosts}`, 'StrictHostKeyChecking yes'];
		writeFileSync(
			configFile,
			[`Host bastion`, '  HostName 127.0.0.1', `  Port ${sshd.port}`, `Host inner*`, '  HostName 127.0.0.1', `  Port ${second.port}`, '  ProxyJump bastion', 'Host *', ...common.map(line => `  ${line}`), ''].join('\n'),
		);
		const before = (sshd.log().match(/Accepted publickey/g) ?? []).length;
		const t = createSsh2Transport({configFile, home: sshd.dir, env: {}});
		const [a, b] = await Promise.all([t.connect('inner1'), t.connect('inner2')]);
		expect((await collect(a.exec('echo via jump'))).stdout).toEqual(['via jump']);
		expect((await collect(b.exec('echo $SSH_CONNECTION'))).stdout[0]).toMatch(new RegExp(` ${second.port}$`));
		expect((sshd.log().match(/Accepted publickey/g) ?? []).length - before).toBe(1);
		await t.close();
	});

	it('ends a running command with ConnectError when the connection is lost', async () => {
		const sockets = new Set<Socket>();
		const proxy: Server = createServer(client => {
			const upstream = netConnect(sshd.port, '127.0.0.1');
			sockets.add(client).add(upstream);
			client.pipe(upstream).pipe(client);
			client.on('error', () => {});
			upstream.on('error', () => {});
		});
		await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
		const address = proxy.address();
		const proxyPort = typeof address === 'object' && address !== null ? address.port : 0;
		const file = join(sshd.dir, 'proxy_known_hosts');
		writeFileSync(file, sshd.knownHostsLine(`[127.0.0.1]:${proxyPort}`));
		const t = transport({lossy: [...strictWith(file), `Port ${proxyPort}`]}, {}, 'lossy_config');
		const session = await t.connect('lossy');
		const run = collect(session.exec('echo started; sleep 3005'), chunk => {
			if (chunk.kind === 'output') for (const socket of sockets) socket.destroy();
		});
		const error = await connectError(run);
		expect(error.node).toBe('lossy');
		expect(error.message).toMatch(/^lossy: connection lost/);
		proxy.close();
		await t.close();
	});
});
