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

export function trySignal(stream: ClientChannel, name: string): void {
	try {
		stream.signal(name);
	} catch {
		// The channel may already be closing; stdin EOF and the channel close still reach the wrapper.
	}
}
