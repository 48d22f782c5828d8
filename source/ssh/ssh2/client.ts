import ssh2 from 'ssh2';
import type {ClientChannel} from 'ssh2';

const {Client} = ssh2;
export type Ssh2Client = InstanceType<typeof Client>;

/** ssh2 error fields this transport reads. */
export type Ssh2Error = Error & {code?: string; level?: string};

/** How long a connection being closed may wait for the node's side of the close before the socket is destroyed. */
const closeWaitMs = 1000;

/**
 * End a connection politely (DISCONNECT, then FIN), and destroy its socket if the node has not closed its side
 * within `closeWaitMs`: a frozen node never does, and the half-open socket would keep svctui from exiting.
 */
export function endClient(client: Ssh2Client): void {
	client.end();
	const timer = setTimeout(() => destroyClient(client), closeWaitMs);
	timer.unref();
	client.once('close', () => clearTimeout(timer));
}

/**
 * Drop the connection now. ssh2's own `destroy()` does nothing once `end()` has been called (it checks that the
 * socket is still writable), which is exactly the case of a frozen node that never answers the FIN: so destroy
 * the socket itself (ssh2 keeps it in `_sock`, the TCP socket or the jump host's channel).
 */
export function destroyClient(client: Ssh2Client): void {
	const sock = (client as unknown as {_sock?: {destroy(): void; destroyed?: boolean}})._sock;
	if (sock !== undefined && sock.destroyed !== true) sock.destroy();
}

/**
 * Give the server's identification line (`SSH-2.0-OpenSSH_9.2p1 …`, about 40 bytes) its own memory. ssh2 keeps it
 * for the connection's lifetime (a rekey hashes it again) as a `Buffer.from` of a short string, which is a slice
 * of Node's shared 8 KiB allocation pool: each held connection kept a whole pool slab alive, about 4 KiB a
 * connection, 20 MB for 5,000 held connections (heap snapshot, `_remoteIdentRaw` the only retainer). Call once
 * the handshake is over; nothing else reads the old buffer then.
 */
export function unpoolRemoteIdent(client: Ssh2Client): void {
	const protocol = (client as unknown as {_protocol?: {_remoteIdentRaw?: unknown}})._protocol;
	const raw = protocol?._remoteIdentRaw;
	if (protocol === undefined || !Buffer.isBuffer(raw) || raw.buffer.byteLength === raw.length) return;
	const own = Buffer.allocUnsafeSlow(raw.length);
	raw.copy(own);
	protocol._remoteIdentRaw = own;
}

export function trySignal(stream: ClientChannel, name: string): void {
	try {
		stream.signal(name);
	} catch {
		// The channel may already be closing; stdin EOF and the channel close still reach the wrapper.
	}
}
