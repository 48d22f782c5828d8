/**
 * The remote side of "kill the command on the node, not just the channel".
 *
 * sshd runs an exec request as `$SHELL -c STRING` and, without a pty, does nothing to the command's
 * processes when the channel or the connection goes away; a `signal` channel request (sshd >= 7.9) reaches
 * only the session's direct child. So the transport never sends a command bare: it sends
 * `exec /bin/sh -c WRAPPER svctui COMMAND`, where the small POSIX wrapper
 * - runs COMMAND (verbatim, as `$1`) with `/bin/sh -c` in a session and process group of its own
 *   (`setsid`, when the node has it), stdin from /dev/null;
 * - on TERM, HUP or INT (a `signal` request, or sshd going away) sends TERM to that whole group, and on USR1
 *   (the transport's escalation after a grace period) KILL;
 * - watches the channel's stdin: EOF (the client aborting, or the connection dropping) also kills the group;
 * - exits with the command's status; when the command died of signal N (status 128+N, N <= 64) it re-raises
 *   N on itself so the client sees a signal exit as with a bare command. A command that *exits* 129..192
 *   on purpose is therefore reported as that signal: the same ambiguity as any shell's `$?`.
 *
 * The login shell still starts the wrapper, so its profile/rc environment applies once; the command itself runs
 * under `/bin/sh` (a second login-shell start would source bash's rc files again under sshd).
 */

/** The wrapper script: `$1` is the command. Kept on one logical line group with no `!` so csh-family login shells parse the outer `exec`. */
export const wrapperScript = [
	'c=; t=0',
	'trap "t=1; [ -n \\"\\$c\\" ] && kill -TERM -\\$c 2>/dev/null" TERM HUP INT',
	'trap "t=1; [ -n \\"\\$c\\" ] && kill -KILL -\\$c 2>/dev/null" USR1',
	'exec 3<&0',
	'if command -v setsid >/dev/null 2>&1; then setsid /bin/sh -c "$1" </dev/null 3<&- & else /bin/sh -c "$1" </dev/null 3<&- & fi',
	'c=$!',
	'{ while read -r _; do :; done; kill -TERM -$c; } <&3 >/dev/null 2>&1 &',
	'w=$!',
	'exec 3<&-',
	'while :; do t=0; wait $c 2>/dev/null; s=$?; [ $t = 1 ] && [ $s -gt 128 ] || break; done',
	'kill $w 2>/dev/null',
	'if [ $s -gt 128 ] && [ $s -le 192 ] && n=$(kill -l $s 2>/dev/null); then trap - $n; kill -$n $$; fi',
	'exit $s',
].join('\n');

/** POSIX single-quoting: the value reaches the remote program byte for byte. */
export function shellQuote(value: string): string {
	return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The exec request string for `command`: the wrapper above with the command as its only argument, unchanged. */
export function wrapRemoteCommand(command: string): string {
	return `exec /bin/sh -c ${shellQuote(wrapperScript)} svctui ${shellQuote(command)}`;
}
