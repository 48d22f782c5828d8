/** Options for `createSsh2Transport`, mirroring the ssh(1) command line. */
export type Ssh2TransportOptions = {
	/** `-F FILE`: read only this ssh_config. */
	readonly configFile?: string | undefined;
	/** The local user's home (`~`). */
	readonly home: string;
	/** Environment: `SSH_AUTH_SOCK`, `${VAR}` in the config. */
	readonly env: Readonly<Record<string, string | undefined>>;
	/** Record unknown host keys (like `StrictHostKeyChecking accept-new`). A changed key is refused regardless. @default false */
	readonly acceptNew?: boolean | undefined;
	/** Time allowed for TCP connect + handshake + auth (`--connect-timeout`); it wins over `ConnectTimeout` in the config, as `ssh -o` does. @default 10_000 */
	readonly connectTimeoutMs?: number | undefined;
	/** SSH keepalive interval; `ServerAliveInterval` in the config wins; 0 turns it off. @default 15_000 */
	readonly keepaliveIntervalMs?: number | undefined;
	/** Exec channels opened at once on one connection before queueing (stock sshd MaxSessions is 10). @default 10 */
	readonly maxChannels?: number | undefined;
	/** After TERM on timeout/abort, how long before KILL, and again before the channel is dropped. @default 3_000 */
	readonly killGraceMs?: number | undefined;
	/** Notes for the user (skipped keys, recorded host keys). One line each. */
	readonly logger?: ((line: string) => void) | undefined;
	/** The local user name (`%u`, default `User`). @default os.userInfo().username */
	readonly localUser?: string | undefined;
};

