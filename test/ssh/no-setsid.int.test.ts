import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createSsh2Transport} from '../../source/ssh/ssh2/transport.js';
import type {ExecChunk, Session, Transport} from '../../source/ssh/transport.js';
import {skipWhen} from '../helpers/skip.js';
import {loopbackSkipReason, startLoopbackSshd, type LoopbackSshd} from '../helpers/loopback-sshd.js';

/**
 * A node without `setsid` (BSDs, macOS, some minimal images): sshd's PATH is a directory of links to everything in
 * /usr/bin except setsid. The wrapper (remote-command.ts) must then still stop the command and everything it
 * started when it times out or is aborted. The sshd runs on this machine, so leftovers are checked with pgrep here.
 */

const skip = loopbackSkipReason();

type Collected = {stdout: string[]; end: ExecChunk | undefined};

async function collect(iterable: AsyncIterable<ExecChunk>, onChunk?: (chunk: ExecChunk) => void): Promise<Collected> {
	const result: Collected = {stdout: [], end: undefined};
	for await (const chunk of iterable) {
		onChunk?.(chunk);
		if (chunk.kind === 'output') {
			if (chunk.stream === 'stdout') result.stdout.push(...chunk.lines);
		} else {
			result.end = chunk;
		}
	}

	return result;
}

/** PIDs of processes on this machine whose command line matches `pattern` (pgrep -f). */
function processes(pattern: string): number[] {
	try {
		return execFileSync('pgrep', ['-f', pattern], {encoding: 'utf8'}).trim().split('\n').map(Number);
	} catch {
		return [];
	}
}

/**
 * The processes still matching `pattern` once they have had a moment to act on signals already sent (a killed
 * process may not have run yet to die). Polls up to a deadline; returns at once when none are left.
 */
async function survivors(pattern: string): Promise<number[]> {
	const deadline = Date.now() + 5000;
	for (;;) {
		const left = processes(pattern);
		if (left.length === 0 || Date.now() > deadline) return left;
		await new Promise(resolve => setTimeout(resolve, 50));
	}
}

describe('remote command wrapper on a node without setsid', {timeout: 20_000, ...skipWhen(skip)}, () => {
	let sshd: LoopbackSshd;
	let t: Transport;
	let session: Session;
	let shim: string | undefined;
	/** Patterns of the test's remote processes: any left over at the end are killed by PID. */
	const patterns: string[] = [];

	beforeAll(async () => {
		shim = mkdtempSync(join(tmpdir(), 'svctui-nosetsid-'));
		const bin = join(shim, 'bin');
		mkdirSync(bin);
		for (const name of readdirSync('/usr/bin')) {
			if (name !== 'setsid') symlinkSync(join('/usr/bin', name), join(bin, name));
		}

		sshd = await startLoopbackSshd({setEnv: {PATH: bin}});
		const knownHosts = join(sshd.dir, 'known_hosts');
		writeFileSync(knownHosts, sshd.knownHostsLine());
		const configFile = sshd.writeSshConfig({plain: [`UserKnownHostsFile ${knownHosts}`, 'StrictHostKeyChecking yes']});
		t = createSsh2Transport({configFile, home: sshd.dir, env: {}, killGraceMs: 300});
		session = await t.connect('plain');
	}, 60_000);

	afterAll(async () => {
		await t?.close();
		for (const pattern of patterns) for (const pid of processes(pattern)) process.kill(pid, 'SIGKILL');
		await sshd?.stop();
		if (shim !== undefined) rmSync(shim, {recursive: true, force: true});
	});

	it('runs commands where setsid is not on the PATH (the simulation holds)', async () => {
		const result = await collect(session.exec('command -v setsid || echo no setsid; for t in ps awk sleep; do command -v $t; done | wc -l'));
		expect(result.stdout).toEqual(['no setsid', '3']);
		expect(result.end).toEqual({kind: 'exit', exitCode: 0, signal: null});
	});

	it('keeps exit codes and signal exits', async () => {
		expect((await collect(session.exec('exit 3'))).end).toEqual({kind: 'exit', exitCode: 3, signal: null});
		expect((await collect(session.exec('kill -TERM $$'))).end).toEqual({kind: 'exit', exitCode: null, signal: 'SIGTERM'});
	});

	it('leaves no process behind after a timeout: the command, its children and grandchildren', async () => {
		patterns.push('sleep 302[0-2]');
		const result = await collect(session.exec('sh -c "sleep 3020 & wait" & sleep 3021 & sleep 3022; echo never', {timeoutMs: 500}));
		expect(result.end?.kind).toBe('timed-out');
		expect(result.stdout).toEqual([]);
		expect(await survivors('sleep 302[0-2]')).toEqual([]);
	});

	it('leaves no process behind when aborted', async () => {
		patterns.push('sleep 302[34]');
		const controller = new AbortController();
		const result = await collect(session.exec('echo started; sleep 3023 & sleep 3024', {signal: controller.signal}), chunk => {
			if (chunk.kind === 'output') controller.abort();
		});
		expect(result.stdout).toEqual(['started']);
		expect(result.end).toEqual({kind: 'exit', exitCode: null, signal: 'SIGTERM'});
		expect(await survivors('sleep 302[34]')).toEqual([]);
	});
});
