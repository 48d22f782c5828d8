import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {resolveHostConfig, type ConfigSources} from '../../source/ssh/config.js';
import {knownHostsCache} from '../../source/ssh/known-hosts.js';
import {sharedKeyParser} from '../../source/ssh/ssh2/auth.js';
import {endClient, type Ssh2Client} from '../../source/ssh/ssh2/client.js';
import {connectClient, type ConnectContext} from '../../source/ssh/ssh2/connect.js';
import {loopbackSkipReason, startLoopbackSshd, type LoopbackSshd} from '../helpers/loopback-sshd.js';
import {skipWhen} from '../helpers/skip.js';

/**
 * What one open connection keeps, on real ssh2 clients connected to a real sshd: a run that holds 5,000 of
 * them (the pre-flight's, carried into the run) pays these per connection. They read ssh2's private fields on
 * purpose: if an ssh2 upgrade renames them, the savings silently stop, and these tests say so.
 */

const skip = loopbackSkipReason();

type Ssh2Internals = {
	_protocol: {_remoteIdentRaw: Buffer};
	config: {authHandler: readonly {type: string; key?: unknown}[]};
};

describe('an open ssh2 connection against a loopback sshd', skipWhen(skip), () => {
	let sshd: LoopbackSshd;
	let context: ConnectContext;
	let sources: ConfigSources;
	let configText: string;
	const clients: Ssh2Client[] = [];

	beforeAll(async () => {
		sshd = await startLoopbackSshd();
		const knownHosts = join(sshd.dir, 'known_hosts');
		writeFileSync(knownHosts, sshd.knownHostsLine());
		const configFile = sshd.writeSshConfig({node1: [`UserKnownHostsFile ${knownHosts}`, 'StrictHostKeyChecking yes']});
		configText = readFileSync(configFile, 'utf8');
		const readFile = (path: string): string | undefined => {
			try {
				return readFileSync(path, 'utf8');
			} catch {
				return undefined;
			}
		};

		sources = {home: sshd.dir, env: {}, localUser: 'root', readFile, listDir: () => undefined};
		context = {options: {home: sshd.dir, env: {}}, readFile, knownHosts: knownHostsCache(readFile), clients: new Set(), parseKey: sharedKeyParser()};
	}, 30_000);

	afterAll(async () => {
		for (const client of clients) endClient(client);
		await sshd?.stop();
	});

	async function connect(): Promise<Ssh2Internals> {
		const client = await connectClient('node1', resolveHostConfig('node1', configText, sources), undefined, undefined, context);
		clients.push(client);
		return client as unknown as Ssh2Internals;
	}

	it("keeps the server's identification line in memory of its own, not in a slice of Node's shared 8 KiB pool", async () => {
		const client = await connect();
		const ident = client._protocol._remoteIdentRaw;
		expect(ident.toString('latin1')).toMatch(/^SSH-2\.0-OpenSSH_/);
		// A pooled slice would keep the whole pool slab (8 KiB) alive for the connection's lifetime.
		expect(ident.buffer.byteLength).toBe(ident.length);
	});

	it('shares one parsed identity key between the connections of one transport', async () => {
		const first = await connect();
		const second = await connect();
		const keyOf = (client: Ssh2Internals): unknown => client.config.authHandler.find(method => method.type === 'publickey')?.key;
		expect(keyOf(first)).toBeDefined();
		expect(keyOf(second)).toBe(keyOf(first));
	});
});
