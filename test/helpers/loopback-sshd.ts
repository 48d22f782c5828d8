import {spawn, execFileSync, type ChildProcess} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

/**
 * A real OpenSSH sshd on 127.0.0.1, started per test file: `/usr/sbin/sshd -D -e -f <temp config>` as root,
 * with a temp ed25519 host key and a temp client key in a temp authorized_keys.
 *
 * Remote shell cost: sshd runs root's login shell (bash), and Debian bash sources ~/.bashrc for sshd
 * commands when SHLVL < 2; root's .bashrc here starts pyenv (2-4 s per command, STACK.md gotcha 9).
 * `SetEnv SHLVL=1` makes bash skip it without touching the host (a dedicated user would need useradd).
 */
export type LoopbackSshd = {
	readonly port: number;
	/** The host public key line (`ssh-ed25519 AAAA...`). */
	readonly hostKeyPub: string;
	/** The raw host key blob, as ssh2's hostVerifier sees it. */
	readonly hostKeyBlob: Buffer;
	/** A private key that is in authorized_keys. */
	readonly clientKeyPath: string;
	/** A scratch directory removed by `stop()`. */
	readonly dir: string;
	/** sshd's log so far (LogLevel INFO). */
	log(): string;
	/** `[127.0.0.1]:port ssh-ed25519 AAAA...`, or with another host field. */
	knownHostsLine(hostField?: string): string;
	/** Write an ssh_config with one Host block per entry: the `extra` lines first (first value wins), then HostName 127.0.0.1, this port, the client key. */
	writeSshConfig(hosts: Readonly<Record<string, readonly string[]>>, fileName?: string): string;
	stop(): Promise<void>;
};

/** Why the loopback sshd cannot run here, or undefined when it can. */
export function loopbackSkipReason(): string | undefined {
	if (process.getuid?.() !== 0) return 'loopback sshd needs root (sshd must run as root to log users in)';
	if (!existsSync('/usr/sbin/sshd')) return '/usr/sbin/sshd is missing (install openssh-server)';
	if (!existsSync('/usr/bin/ssh-keygen')) return '/usr/bin/ssh-keygen is missing (install openssh-client)';
	return undefined;
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address !== null ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** Generate an ed25519 key pair at `path` (no passphrase unless given). */
export function generateKey(path: string, passphrase = ''): string {
	execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'svctui-test', '-f', path]);
	return readFileSync(`${path}.pub`, 'utf8').trim();
}

/** Options for `startLoopbackSshd`. */
export type LoopbackSshdOptions = {
	readonly maxSessions?: number;
	/** Use this existing key pair (`path` and `path.pub`) as the authorized client key instead of a new one. */
	readonly clientKeyPath?: string;
	/** More sshd_config lines (e.g. `KexAlgorithms curve25519-sha256`), appended after the defaults. */
	readonly extraConfig?: readonly string[];
	/**
	 * More variables for sshd's `SetEnv` (e.g. a `PATH` that simulates a node without some tool). sshd uses only its
	 * first `SetEnv` line, so these join `SHLVL=1` on that line; values must not contain spaces.
	 */
	readonly setEnv?: Readonly<Record<string, string>>;
};

export async function startLoopbackSshd(options: LoopbackSshdOptions = {}): Promise<LoopbackSshd> {
	const dir = mkdtempSync(join(tmpdir(), 'svctui-sshd-'));
	const hostKey = join(dir, 'host_ed25519');
	const hostKeyPub = generateKey(hostKey);
	const clientKeyPath = options.clientKeyPath ?? join(dir, 'client_ed25519');
	const clientPub = options.clientKeyPath === undefined ? generateKey(clientKeyPath) : readFileSync(`${clientKeyPath}.pub`, 'utf8').trim();
	writeFileSync(join(dir, 'authorized_keys'), `${clientPub}\n`, {mode: 0o600});
	// sshd refuses to start without its privilege separation directory (normally made by the service unit).
	mkdirSync('/run/sshd', {recursive: true, mode: 0o755});

	let child: ChildProcess | undefined;
	let port = 0;
	for (let attempt = 0; attempt < 5 && child === undefined; attempt++) {
		port = await freePort();
		const configPath = join(dir, 'sshd_config');
		writeFileSync(
			configPath,
			[
				`ListenAddress 127.0.0.1:${port}`,
				`HostKey ${hostKey}`,
				'PidFile none',
				`AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
				'StrictModes no',
				'UsePAM no',
				'PermitRootLogin prohibit-password',
				'PasswordAuthentication no',
				'KbdInteractiveAuthentication no',
				`MaxSessions ${options.maxSessions ?? 20}`,
				'MaxStartups 100:30:100',
				['SetEnv SHLVL=1', ...Object.entries(options.setEnv ?? {}).map(([name, value]) => `${name}=${value}`)].join(' '),
				'UseDNS no',
				'PrintMotd no',
				'PrintLastLog no',
				'AllowTcpForwarding yes',
				'LogLevel INFO',
				...(options.extraConfig ?? []),
				'',
			].join('\n'),
		);
		const started = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', configPath], {stdio: ['ignore', 'ignore', 'pipe']});
		const ok = await new Promise<boolean>(resolve => {
			let log = '';
			const onData = (data: Buffer): void => {
				log += data.toString();
				if (log.includes('Server listening on')) resolve(true);
				if (/Address already in use|Cannot bind/i.test(log)) resolve(false);
			};

			started.stderr?.on('data', onData);
			started.once('exit', () => resolve(false));
		});
		if (ok) child = started;
		else started.kill('SIGTERM');
	}

	if (child === undefined) {
		rmSync(dir, {recursive: true, force: true});
		throw new Error('loopback sshd did not start (5 attempts)');
	}

	// Keep draining sshd's log so a full pipe never blocks it.
	let log = '';
	child.stderr?.on('data', (data: Buffer) => {
		log += data.toString();
	});
	const running = child;
	const hostKeyBlob = Buffer.from(hostKeyPub.split(' ')[1] ?? '', 'base64');
	return {
		port,
		hostKeyPub,
		hostKeyBlob,
		clientKeyPath,
		dir,
		log: () => log,
		knownHostsLine(hostField = `[127.0.0.1]:${port}`) {
			const [type, blob] = hostKeyPub.split(' ');
			return `${hostField} ${type} ${blob}\n`;
		},
		writeSshConfig(hosts, fileName = 'ssh_config') {
			const path = join(dir, fileName);
			const blocks = Object.entries(hosts).map(([name, extra]) =>
				[`Host ${name}`, ...extra.map(line => `  ${line}`), '  HostName 127.0.0.1', `  Port ${port}`, '  User root', `  IdentityFile ${clientKeyPath}`, '  IdentitiesOnly yes'].join('\n'),
			);
			writeFileSync(path, `${blocks.join('\n\n')}\n`);
			return path;
		},
		async stop() {
			if (running.exitCode === null && running.signalCode === null) {
				const exited = new Promise<void>(resolve => running.once('exit', () => resolve()));
				// Only the listener we started, by its PID; per-connection children exit as their clients go.
				process.kill(running.pid ?? 0, 'SIGTERM');
				await exited;
			}

			rmSync(dir, {recursive: true, force: true});
		},
	};
}

/** A running `ssh-agent -D` on a socket of its own, holding the keys added with `add`. */
export type SshAgent = {
	/** The agent's socket, for `SSH_AUTH_SOCK`. */
	readonly socket: string;
	/** `ssh-add` a private key (no passphrase) to this agent. */
	add(keyPath: string): void;
	stop(): Promise<void>;
};

/**
 * Start a real ssh-agent in the foreground (`-D`) on a socket in `dir`, so it is stopped by its own PID and never
 * touches the user's agent. Resolves once the agent has announced its socket (it binds before printing).
 */
export async function startSshAgent(dir: string): Promise<SshAgent> {
	const socket = join(dir, `agent-${process.pid}-${Date.now()}.sock`);
	const child = spawn('/usr/bin/ssh-agent', ['-a', socket, '-D'], {stdio: ['ignore', 'pipe', 'pipe']});
	await new Promise<void>((resolve, reject) => {
		let out = '';
		child.stdout?.on('data', (data: Buffer) => {
			out += data.toString();
			if (out.includes('SSH_AUTH_SOCK=')) resolve();
		});
		child.once('error', reject);
		child.once('exit', code => reject(new Error(`ssh-agent exited (${code}) before listening`)));
	});
	// Keep draining so the agent never blocks on a full pipe.
	child.stdout?.resume();
	child.stderr?.resume();
	return {
		socket,
		add(keyPath) {
			execFileSync('/usr/bin/ssh-add', ['-q', keyPath], {env: {...process.env, SSH_AUTH_SOCK: socket}, stdio: 'ignore'});
		},
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
			process.kill(child.pid ?? 0, 'SIGTERM');
			await exited;
		},
	};
}
