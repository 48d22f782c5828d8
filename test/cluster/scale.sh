#!/usr/bin/env bash
# svctui's scale pool: N SSH endpoints node1..nodeN on this host, for benchmarks at cluster scale
# (hundreds to thousands of nodes), where a real node per endpoint (lab.sh) would cost too much.
#
#   scale.sh up     [--nodes N] [--name NAME] [--dir DIR] [--port P]
#   scale.sh down   [--name NAME] [--dir DIR]
#   scale.sh status [--name NAME] [--dir DIR]
#
# One container (its own pid, mount, uts and ipc namespaces; the host's network namespace) runs a
# clean Debian userland — an overlay on the lab's cached SysV image — with a few dozen sshd listeners,
# 16 loopback addresses each (sshd's limit), on port 2222 (--port): node K is 127.0.X.Y, X = 1 + (K-1)/250,
# Y = 1 + (K-1)%250. A cron daemon runs in the container, so `service cron status` answers "running"
# on every endpoint, and `service chatty status` prints five lines in three writes 0.3 s apart (benchmarks of streaming
# output: bench/tty.mjs). Remote commands run the image's minimal shell rc files, not the host's
# (TESTBED.md: the account's rc files dominate fan-out costs otherwise).
#
# Generated into DIR (default /run/svctui-scale/NAME): ssh_config (a Host block per node plus one
# `Host node*` block), known_hosts (`[nodeK]:2222,[127.0.X.Y]:2222`), id_ed25519, nodes, pid.
# Must run as root. `up` returns once node1 and nodeN answer ssh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { printf 'scale: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
	cat >&2 <<'USAGE'
usage: scale.sh up|down|status [--nodes N] [--name NAME] [--dir DIR]
  --nodes  endpoints node1..nodeN (default 1000, at most 5000)
  --name   pool name, [a-z][a-z0-9]{0,7} (default scale)
  --dir    where generated files go (default /run/svctui-scale/NAME)
  --port   the listeners' port (default 2222); pools on different ports can be up at once
USAGE
	exit 2
}

command=${1:-}
[[ -n $command ]] || usage
shift
node_count=1000 name=scale dir='' port=2222
while [[ $# -gt 0 ]]; do
	[[ $# -ge 2 ]] || { log "option $1 needs a value"; usage; }
	case $1 in
		--nodes) node_count=$2 ;;
		--name) name=$2 ;;
		--dir) dir=$2 ;;
		--port) port=$2 ;;
		*) log "unknown option $1"; usage ;;
	esac
	shift 2
done
[[ $name =~ ^[a-z][a-z0-9]{0,7}$ ]] || { log "--name must match [a-z][a-z0-9]{0,7}, not '$name'"; usage; }
[[ $node_count =~ ^[1-9][0-9]{0,3}$ && $node_count -le 5000 ]] || { log "--nodes must be 1..5000, not '$node_count'"; usage; }
dir=${dir:-/run/svctui-scale/$name}
[[ $dir == /* ]] || dir=$PWD/$dir
[[ $port =~ ^[1-9][0-9]{0,4}$ && $port -le 65535 ]] || { log "--port must be 1..65535, not '$port'"; usage; }
per_listener=16

start_time_of() { awk '{sub(/^.*\) /, ""); print $20}' "/proc/$1/stat" 2>/dev/null || true; }
alive() { [[ -n $1 && -e /proc/$1 && $(start_time_of "$1") == "$2" ]]; }

# The pool's PID 1 (host PID and start time), as the container wrote them.
read_pid() {
	[[ -r $dir/pid ]] || return 1
	read -r pid start <"$dir/pid" || return 1
	alive "$pid" "$start"
}

down() {
	local pid start
	if read_pid; then
		# PID 1 of a pid namespace: SIGKILL takes every process of the namespace with it, and
		# the private mount namespace (the overlay) goes with the last of them.
		kill -KILL "$pid" 2>/dev/null || true
		local deadline=$((SECONDS + 20))
		while alive "$pid" "$start" && ((SECONDS < deadline)); do sleep 0.1; done
		alive "$pid" "$start" && die "pool '$name' (PID $pid) did not stop"
	fi
	rm -rf "$dir"
}

status() {
	local pid start
	read_pid || { log "pool '$name' is not up"; exit 1; }
	log "pool '$name' up: PID $pid, $(wc -l <"$dir/nodes") endpoints, ssh -F $dir/ssh_config node1"
}

address_of() { # node index (1-based) -> loopback address
	printf '127.0.%s.%s' "$((1 + ($1 - 1) / 250))" "$((1 + ($1 - 1) % 250))"
}

up() {
	[[ $(id -u) -eq 0 ]] || die 'must run as root (namespaces and overlay mounts need it)'
	local tool
	for tool in unshare ssh ssh-keygen setsid awk ss; do command -v "$tool" >/dev/null || die "missing tool: $tool"; done
	local pid start
	if read_pid; then die "pool '$name' is up already ($dir): run 'scale.sh down --name $name' first"; fi
	rm -rf "$dir"
	# Every pool listens on the same addresses: a second one on the same port would lose the race.
	if ss -Hltn "sport = :$port" 2>/dev/null | grep -q "127\\.0\\.1\\.1:$port"; then
		die "127.0.1.1:$port is taken (another scale pool is up?): scale.sh down --name <its name>, or --port"
	fi
	local images
	images=$(bash "$here/build-images.sh")
	[[ -d $images/sysv ]] || die "image directory $images has no sysv image"

	local started=$SECONDS
	mkdir -p "$dir/root" "$dir/upper" "$dir/work"
	local upper=$dir/upper conf=$dir/upper/etc/svctui-scale
	mkdir -p "$conf" "$upper/root/.ssh" "$upper/etc/ssh"
	chmod 700 "$upper/root/.ssh"
	ssh-keygen -q -t ed25519 -N '' -C "svctui-scale-$name" -f "$dir/id_ed25519"
	ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$conf/host_ed25519"
	install -m 600 "$dir/id_ed25519.pub" "$upper/root/.ssh/authorized_keys"

	# All generated files in one awk pass: forking per node made 1,000 nodes take minutes.
	local hostkey
	hostkey=$(cut -d' ' -f1,2 "$conf/host_ed25519.pub")
	awk -v n="$node_count" -v per="$per_listener" -v port="$port" -v dir="$dir" -v conf="$conf" -v key="$hostkey" '
		function address(k) { return "127.0." (1 + int((k - 1) / 250)) "." (1 + (k - 1) % 250) }
		BEGIN {
			for (k = 1; k <= n; k++) {
				a = address(k)
				print "node" k > (dir "/nodes")
				printf "[node%d]:%d,[%s]:%d %s\n", k, port, a, port, key > (dir "/known_hosts")
				printf "Host node%d\n\tHostName %s\n", k, a > (dir "/ssh_config")
				l = int((k - 1) / per)
				file = conf "/sshd-" l ".conf"
				if ((k - 1) % per == 0) {
					printf "Port %d\nHostKey /etc/svctui-scale/host_ed25519\nPidFile /run/sshd%s.pid\n", port, (l == 0 ? "" : "-" l) > file
					printf "MaxStartups 1024\nMaxSessions 64\nUsePAM yes\nPrintMotd no\nUseDNS no\nLogLevel ERROR\n" > file
					printf "PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n" > file
					printf "AuthorizedKeysFile /root/.ssh/authorized_keys\nSubsystem sftp /usr/lib/openssh/sftp-server\n" > file
				}
				printf "ListenAddress %s\n", a > file
			}
			printf "Host node*\n\tPort %d\n\tUser root\n\tIdentityFile %s/id_ed25519\n\tIdentitiesOnly yes\n", port, dir > (dir "/ssh_config")
			printf "\tUserKnownHostsFile %s/known_hosts\n\tGlobalKnownHostsFile /dev/null\n\tStrictHostKeyChecking yes\n\tBatchMode yes\n", dir > (dir "/ssh_config")
		}'

	# PID 1 of the pool: start the listeners and cron, then reap (bash as PID 1 reaps adopted
	# orphans; it only gets signals it traps, and teardown uses SIGKILL anyway).
	cat >"$conf/init" <<'INIT'
#!/bin/bash
mkdir -p /run/sshd
for config in /etc/svctui-scale/sshd-*.conf; do
	/usr/sbin/sshd -f "$config" -E /var/log/sshd.log || echo "sshd $config failed" >&2
done
/usr/sbin/cron
echo ready >/run/svctui-scale-ready
while :; do sleep 3600 & wait $!; done
INIT
	chmod 755 "$conf/init"
	# A service whose status streams output: several lines per node, a little apart, as a real status does.
	mkdir -p "$upper/etc/init.d"
	cat >"$upper/etc/init.d/chatty" <<'CHATTY'
#!/bin/sh
case $1 in
	# Three writes 0.3 s apart, two forks: the pool's CPU goes to sshd, not to this script.
	status) echo 'chatty: status line 1 of 5'; echo 'chatty: status line 2 of 5'; sleep 0.3
		echo 'chatty: status line 3 of 5'; echo 'chatty: status line 4 of 5'; sleep 0.3
		echo 'chatty: status line 5 of 5' ;;
	*) echo "usage: $0 status" >&2; exit 3 ;;
esac
CHATTY
	chmod 755 "$upper/etc/init.d/chatty"

	# The container: sysv-node.sh assembles the root (overlay, private /proc /dev /run) and execs
	# the given init instead of the image's sysvinit, which would start services meant for a node.
	setsid unshare --pid --mount --uts --ipc --fork --kill-child --propagation private -- \
		bash "$here/sysv-node.sh" "$dir/root" "$images/sysv" "$dir/upper" "$dir/work" "$name" "$dir/pid.tmp" /etc/svctui-scale/init \
		</dev/null >"$dir/console.log" 2>&1 &
	local deadline=$((SECONDS + 60))
	until [[ -s $dir/pid.tmp ]]; do
		((SECONDS < deadline)) || die "the pool did not start: $(tail -n 5 "$dir/console.log")"
		sleep 0.1
	done
	pid=$(cat "$dir/pid.tmp")
	printf '%s %s\n' "$pid" "$(start_time_of "$pid")" >"$dir/pid"
	rm -f "$dir/pid.tmp"

	local k
	for k in 1 "$node_count"; do
		until ssh -F "$dir/ssh_config" -o ConnectTimeout=2 "node$k" true 2>/dev/null; do
			if ((SECONDS >= deadline)); then
				local console
				console=$(tail -n 5 "$dir/console.log" "$dir/upper/var/log/sshd.log" 2>/dev/null || true)
				down
				die "node$k does not answer ssh: $console"
			fi
			sleep 0.2
		done
	done
	log "pool '$name' up in $((SECONDS - started)) s: $node_count endpoints on $(( (node_count + per_listener - 1) / per_listener )) sshd listeners; ssh -F $dir/ssh_config node1"
}

case $command in
	up) up ;;
	down) down ;;
	status) status ;;
	*) usage ;;
esac
