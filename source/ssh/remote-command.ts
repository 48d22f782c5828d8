/**
 * The remote side of "kill the command on the node, not just the channel".
 *
 * sshd runs an exec request as `$SHELL -c STRING` and, without a pty, does nothing to the command's
 * processes when the channel or the connection goes away; a `signal` channel request (sshd >= 7.9) reaches
 * only the session's direct child. So the transport never sends a command bare: it sends
 * `exec /bin/sh -c WRAPPER svctui COMMAND`, where the small POSIX wrapper
 * - runs COMMAND (verbatim, as `$1`) with `/bin/sh -c`, stdin from /dev/null; where the node has `setsid` (util-linux,
 *   BusyBox), in a session and process group of its own, so one `kill -SIG -PGID` reaches everything it started;
 * - without `setsid` (the BSDs, macOS, some minimal images) the command stays in the wrapper's process group, which
 *   the wrapper cannot signal without hitting itself, and `set -m` is no way out (dash turns job control off without
 *   a tty). So it walks the tree instead: `ps -A -o pid= -o ppid=` (POSIX) and awk give the command's descendants;
 *   it STOPs them, re-reads the tree until no new process appears (one forked meanwhile is caught on the next pass),
 *   then sends the signal to all and CONTs them (a stopped process acts on TERM only once continued). A process that
 *   has already left the tree (a daemon that double-forked) is not touched, exactly as with the process group;
 * - on TERM, HUP or INT (a `signal` request, or sshd going away) sends TERM that way, and on USR1 KILL; USR1 comes
 *   from the transport's escalation, or from the wrapper's own timer `killGraceSeconds` after the first TERM, so a
 *   command that ignores TERM dies even where sshd refuses `signal` requests;
 * - watches the channel's stdin: EOF (the client aborting, or the connection dropping) also sends TERM (through the
 *   wrapper's own TERM trap, so only one kill runs at a time);
 * - exits with the command's status; when the command died of signal N (status 128+N, N <= 64) it re-raises
 *   N on itself so the client sees a signal exit as with a bare command. A command that *exits* 129..192
 *   on purpose is therefore reported as that signal: the same ambiguity as any shell's `$?`.
 *
 * The login shell still starts the wrapper, so its profile/rc environment applies once; the command itself runs
 * under `/bin/sh` (a second login-shell start would source bash's rc files again under sshd).
 */

/**
 * The wrapper script: `$1` is the command. One line (`;`-separated), and every `!` (only in `$!`) is followed by a
 * blank, because csh and tcsh, as login shells, parse the outer `exec ... 'WRAPPER' ...` too: a newline inside
 * single quotes is an "Unmatched '." error there, and `!` followed by a non-blank can start a history substitution
 * even inside single quotes. Reasoned from csh's quoting rules, not tested against a real csh. The command itself is
 * passed as given, so under a csh-family login shell a command containing a newline or such a `!` may still fail to
 * parse; sh-family login shells take anything.
 */
/** Seconds between TERM and KILL when the wrapper stops a command on the node. */
export const killGraceSeconds = 3;

export const wrapperScript = [
	'c=; t=0; g=0; e=',
	// The command's descendants and itself, parents before children as ps lists them; awk reaches the fixpoint.
	`d() { { ps -A -o pid= -o ppid= || ps -o pid= -o ppid=; } 2>/dev/null | awk -v r="$c" '{p[NR]=$1; q[NR]=$2} END {s[r]=1; do {m=0; for (i=1; i<=NR; i++) if ((q[i] in s) && (p[i] in s)==0) {s[p[i]]=1; m=1}} while (m); for (i=1; i<=NR; i++) if (p[i] in s) print p[i]}'; }`,
	// k SIG: signal the command and everything under it (see above). With setsid, the group kill fails when the signal
	// comes before the child has called setsid() (an abort right after the start): the tree walk catches that case.
	'k() { [ -n "$c" ] || return 0; if [ $g = 1 ] && kill -$1 -$c; then :; else a=; b=$(d); while [ -n "$b" ]; do [ "$b" = "$a" ] && break; kill -STOP $b; a=$b; b=$(d); done; kill -$1 ${b:-$c}; kill -CONT ${b:-$c}; fi; } 2>/dev/null',
	// The first TERM also starts a timer (e) that escalates to KILL after the grace period, here on the node: the
	// transport's own USR1 is a `signal` request, which some sshd builds refuse, and a command that ignores TERM
	// would otherwise outlive the channel (sshd keeps a channel open while its process lives).
	`trap 't=1; k TERM; if [ -z "$e" ]; then { sleep ${killGraceSeconds}; kill -USR1 $$; } >/dev/null 2>&1 & e=$! ; fi' TERM HUP INT`,
	`trap 't=1; k KILL' USR1`,
	'exec 3<&0',
	'if command -v setsid >/dev/null 2>&1; then g=1; setsid /bin/sh -c "$1" </dev/null 3<&- & else /bin/sh -c "$1" </dev/null 3<&- & fi',
	'c=$! ',
	// On EOF the watcher signals the wrapper ($$ is the wrapper's PID in a subshell too) rather than calling k
	// itself: two k at once could STOP the tree after the other one's CONT, and the wrapper then exits leaving it
	// stopped. Traps run one at a time in the wrapper.
	'{ while read -r _; do :; done; kill -TERM $$; } <&3 >/dev/null 2>&1 &',
	'w=$! ',
	'exec 3<&-',
	'while :; do t=0; wait $c 2>/dev/null; s=$?; [ $t = 1 ] && [ $s -gt 128 ] || break; done',
	'kill $w 2>/dev/null',
	'[ -z "$e" ] || kill $e 2>/dev/null',
	'if [ $s -gt 128 ] && [ $s -le 192 ] && n=$(kill -l $s 2>/dev/null); then trap - $n; kill -$n $$; fi',
	'exit $s',
]
	// `;` after a line that ends in `&` would be a syntax error: `&` already ends that command.
	.map((line, index, all) => (index === all.length - 1 || line.endsWith('&') ? line : `${line};`))
	.join(' ');

/** POSIX single-quoting: the value reaches the remote program byte for byte. */
export function shellQuote(value: string): string {
	return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The exec request string for `command`: the wrapper above with the command as its only argument, unchanged. */
export function wrapRemoteCommand(command: string): string {
	return `exec /bin/sh -c ${shellQuote(wrapperScript)} svctui ${shellQuote(command)}`;
}
