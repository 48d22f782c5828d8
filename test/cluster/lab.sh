#!/usr/bin/env bash
# svctui's local test cluster: N real sshd nodes with a real service manager each, on this host.
#
#   lab.sh up     [--kind systemd|sysv|openrc] [--name NAME] [--nodes N] [--dir DIR] [--timeout S]
#   lab.sh down   [--name NAME] [--dir DIR]
#   lab.sh status [--name NAME] [--dir DIR]
#
# `up --owner PID` ties the lab to a process (the test runner): a detached watcher tears the lab
# down when that process is gone, even if it was SIGKILLed and never ran its own teardown.
#
# systemd nodes are `systemd-nspawn --boot` containers; SysV nodes run the image's real
# sysvinit as PID 1 of their own pid/mount/uts/ipc namespaces; OpenRC nodes are SysV nodes whose
# image has Debian's openrc package instead of sysv-rc (sysvinit's inittab then runs OpenRC). Every
# node has its own network namespace on a host bridge in a private /24 that only this lab uses
# (derived from NAME), its own overlay upper dir on the cached image (build-images.sh, plus
# build-openrc-layers.sh for OpenRC), hostname node1..nodeN, host key and the lab's client key. nginx is installed on node1 only. See /work/shared/TESTBED.md.
#
# Generated into DIR (default /run/svctui-lab/NAME): id_ed25519(.pub), known_hosts, ssh_config,
# nodes, env (sourceable), state (what `down` removes) and machines/<node>/ (overlay dirs, console logs).
# Must run as root. `up` returns once `ssh -F DIR/ssh_config nodeK true` works for every node.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

log() { printf 'lab: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
	cat >&2 <<'USAGE'
usage: lab.sh up|down|status [--kind systemd|sysv|openrc] [--name NAME] [--nodes N] [--dir DIR] [--timeout SECONDS]
  --kind     service manager of the nodes (default systemd)
  --name     lab name, [a-z][a-z0-9]{0,7} (default demo); distinct names can be up at once
  --nodes    number of nodes node1..nodeN (default 3, at most 200)
  --dir      where generated files go (default /run/svctui-lab/NAME)
  --timeout  seconds `up` waits for every node to answer ssh (default 180)
  --owner    PID whose exit tears the lab down (default: none, the lab stays until `down`)
USAGE
	exit 2
}

command=${1:-}
[[ -n $command ]] || usage
shift
kind=systemd name=demo node_count=3 dir='' timeout=180 owner=
extra_args=()
while [[ $# -gt 0 ]]; do
	option=$1 value=''
	case $option in
		--*=*) value=${option#*=}; option=${option%%=*}; shift ;;
		--kind | --name | --nodes | --dir | --timeout | --owner)
			[[ $# -ge 2 ]] || { log "option $option needs a value"; usage; }
			value=$2; shift 2 ;;
		-h | --help) usage ;;
		[0-9]*) extra_args+=("$option"); shift; continue ;;
		*) log "unknown option $option"; usage ;;
	esac
	case $option in
		--kind) kind=$value ;;
		--name) name=$value ;;
		--nodes) node_count=$value ;;
		--dir) dir=$value ;;
		--timeout) timeout=$value ;;
		--owner) owner=$value ;;
		*) log "unknown option $option"; usage ;;
	esac
done

case $kind in systemd | sysv | openrc) ;; *) log "--kind must be systemd, sysv or openrc, not '$kind'"; usage ;; esac
# The name ends up in interface names, which the kernel limits to 15 characters.
[[ $name =~ ^[a-z][a-z0-9]{0,7}$ ]] || { log "--name must match [a-z][a-z0-9]{0,7}, not '$name'"; usage; }
[[ $node_count =~ ^[1-9][0-9]{0,2}$ && $node_count -le 200 ]] || { log "--nodes must be 1..200, not '$node_count'"; usage; }
[[ $timeout =~ ^[1-9][0-9]*$ ]] || { log "--timeout must be a positive number of seconds, not '$timeout'"; usage; }
[[ -z $owner || $owner =~ ^[1-9][0-9]*$ ]] || { log "--owner must be a PID, not '$owner'"; usage; }
dir=${dir:-/run/svctui-lab/$name}
[[ $dir == /* ]] || dir=$PWD/$dir

# Everything host-visible is derived from the name, so `down` can clean up even when DIR is gone.
octet=$(($(printf '%s' "$name" | cksum | cut -d' ' -f1) % 250 + 1))
prefix=10.254.$octet
subnet=$prefix.0/24
bridge=svl-$name
guard_metric=4242
cgroup_rel=svctui-lab/$name
# The cgroup hierarchies to place nodes in: the named systemd (v1) and unified ones on a hybrid
# host like this one, or just the root on a pure cgroup2 host.
cgroup_hierarchies() {
	if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
		printf '%s\n' /sys/fs/cgroup
	else
		local h
		for h in systemd unified; do [[ -d /sys/fs/cgroup/$h ]] && printf '%s\n' "/sys/fs/cgroup/$h"; done
	fi
	return 0
}
ns_of() { printf 'svlab-%s-node%s' "$name" "$1"; }
veth_of() { printf 'svl%s-%s' "$name" "$1"; }
address_of() { printf '%s.%s' "$prefix" "$((10 + $1))"; }

ssh_config=$dir/ssh_config
state=$dir/state

# Start time of a process (field 22 of /proc/PID/stat): guards against signalling a recycled PID.
start_time_of() { awk '{sub(/^.*\) /, ""); print $20}' "/proc/$1/stat" 2>/dev/null || true; }
alive() { [[ -n $1 && -e /proc/$1 && $(start_time_of "$1") == "$2" ]]; }
wait_gone() { # PID START SECONDS
	local deadline=$((SECONDS + $3))
	while alive "$1" "$2" && ((SECONDS < deadline)); do sleep 0.1; done
	! alive "$1" "$2"
}

record() { printf '%s\n' "$*" >>"$state"; }

preflight() {
	[[ $(id -u) -eq 0 ]] || die 'must run as root (namespaces, bridges and mounts need it)'
	local tool
	for tool in ip unshare nsenter ssh ssh-keygen setsid flock mount awk; do
		command -v "$tool" >/dev/null || die "missing tool: $tool"
	done
	[[ $kind != systemd ]] || command -v systemd-nspawn >/dev/null || die 'missing tool: systemd-nspawn (apt-get install systemd-container)'
	grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || die 'kernel has no overlay file system'
	[[ -e /proc/self/ns/net && -e /proc/self/ns/pid ]] || die 'kernel has no network or pid namespaces'
}

# Refuse to start over anything that is already there: another lab, or leftovers of this one.
check_free() {
	if [[ -e $state ]]; then
		# Left behind by a crashed run (no recorded node is alive): clean it up instead of refusing.
		if awk '$1 ~ /^pid-/ {print $3, $4}' "$state" | while read -r pid start; do alive "$pid" "$start" && exit 1; done; then
			log "lab '$name' left over from an earlier run with no live nodes: tearing it down first"
			teardown
		else
			die "lab '$name' is up already ($state): run 'lab.sh down --name $name' first, or pick another --name"
		fi
	fi
	! ip link show "$bridge" >/dev/null 2>&1 || die "bridge $bridge exists: lab '$name' is up or was not torn down (lab.sh down --name $name)"
	local taken
	taken=$(ip netns list | awk -v p="svlab-$name-" 'index($1, p) == 1 {print $1}')
	[[ -z $taken ]] || die "network namespace(s) $taken exist: lab '$name' is up or was not torn down (lab.sh down --name $name)"
	# Any route inside the /24, or covering it (other than the default route), means it is in use.
	taken=$( { ip -4 route show root "$subnet"; ip -4 route show match "$subnet"; } | grep -v '^default' || true)
	[[ -z $taken ]] || die "subnet $subnet (derived from lab name '$name') is in use: $(head -n 1 <<<"$taken"); pick another --name"
	taken=$(ip -4 -o addr show | awk -v p="$prefix." '{split($4, a, "/"); if (index(a[1], p) == 1) print $2}')
	[[ -z $taken ]] || die "subnet $subnet (derived from lab name '$name') has addresses on $taken; pick another --name"
}

setup_network() {
	record bridge "$bridge"
	ip link add "$bridge" type bridge
	ip addr add "$prefix.1/24" dev "$bridge"
	ip link set "$bridge" up
	# While the lab exists, nothing for its range may leave through the default route.
	record guard "$subnet"
	ip route add unreachable "$subnet" metric "$guard_metric"
}

setup_node_network() {
	local i=$1 ns veth
	ns=$(ns_of "$i") veth=$(veth_of "$i")
	record netns "$ns"
	ip netns add "$ns"
	record veth "$veth"
	ip link add "$veth" type veth peer name eth0 netns "$ns"
	ip link set "$veth" master "$bridge" up
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "$(address_of "$i")/24" dev eth0
	ip -n "$ns" link set eth0 up
}

# Per-node overlay upper dir: hostname, hosts, a fresh host key, the lab's client key.
prepare_node_files() {
	local i=$1 node=node$1 nodedir=$dir/machines/node$1
	local upper=$nodedir/upper
	mkdir -p "$nodedir/root" "$nodedir/work"
	install -d -m 755 "$upper" "$upper/etc" "$upper/etc/ssh"
	install -d -m 700 "$upper/root" "$upper/root/.ssh"
	printf '%s\n' "$node" >"$upper/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$node" >"$upper/etc/hosts"
	ssh-keygen -q -t ed25519 -N '' -C "$node" -f "$upper/etc/ssh/ssh_host_ed25519_key"
	install -m 600 "$dir/id_ed25519.pub" "$upper/root/.ssh/authorized_keys"
}

lowerdirs_of() { # node index -> overlay lowerdir list: nginx only on node1
	if [[ $kind == openrc ]]; then # two layers over the SysV image (build-openrc-layers.sh)
		if [[ $1 -eq 1 ]]; then printf '%s:%s' "$openrc_layers/openrc" "$images/sysv"; else printf '%s:%s:%s' "$openrc_layers/openrc-nonginx" "$openrc_layers/openrc" "$images/sysv"; fi
	elif [[ $1 -eq 1 ]]; then printf '%s' "$images/$kind"; else printf '%s:%s' "$images/$kind-nonginx" "$images/$kind"; fi
}

start_systemd_node() {
	local i=$1 node=node$1 nodedir=$dir/machines/node$1 ns machine h
	ns=$(ns_of "$i") machine=svlab-$name-node$i
	record cgroup "$cgroup_rel/$node"
	record nspawn-machine "$machine"
	(
		# nspawn --keep-unit places the container in <own cgroup>/payload: give every node a
		# cgroup of its own first, or all containers would share one (TESTBED §1).
		for h in $(cgroup_hierarchies); do
			mkdir -p "$h/$cgroup_rel/$node"
			printf '%s\n' "$BASHPID" >"$h/$cgroup_rel/$node/cgroup.procs"
		done
		# A private mount namespace holds the overlay, so nothing stays mounted on the host if
		# the node is killed. $$ of the inner bash is the PID systemd-nspawn will have.
		exec setsid unshare --mount --propagation private -- bash -c '
			set -eu
			printf "%s\n" "$$" >"$1/pid"
			mount -t overlay overlay -o "lowerdir=$2,upperdir=$1/upper,workdir=$1/work" "$1/root"
			stat -c "%d:%i" "$1/root" >"$1/nspawn-lock-inode"
			exec systemd-nspawn --quiet --boot --register=no --keep-unit \
				--machine="$3" --hostname="$4" --directory="$1/root" \
				--network-namespace-path="/run/netns/$5" \
				--link-journal=no --resolv-conf=off --timezone=off --console=read-only
		' lab-node "$nodedir" "$(lowerdirs_of "$i")" "$machine" "$node" "$ns"
	) </dev/null >"$nodedir/console.log" 2>&1 8>&- &
}

start_sysv_node() {
	local i=$1 node=node$1 nodedir=$dir/machines/node$1 ns
	ns=$(ns_of "$i")
	# --kill-child: if unshare dies, the node's init dies with it. unshare itself ignores SIGTERM,
	# so teardown signals the node's PID 1 (recorded by sysv-node.sh) instead.
	setsid ip netns exec "$ns" unshare --pid --mount --uts --ipc --fork --kill-child --propagation private -- \
		bash "$here/sysv-node.sh" "$nodedir/root" "$(lowerdirs_of "$i")" "$nodedir/upper" "$nodedir/work" "$node" "$nodedir/pid" \
		</dev/null >"$nodedir/console.log" 2>&1 8>&- &
	printf '%s\n' "$!" >"$nodedir/unshare-pid"
}

# The same launcher: sysvinit is PID 1 and runs OpenRC from its inittab (Debian's openrc package).
start_openrc_node() { start_sysv_node "$@"; }

write_client_files() {
	local i node address
	: >"$dir/known_hosts"
	: >"$ssh_config"
	: >"$dir/nodes.tmp"
	for ((i = 1; i <= node_count; i++)); do
		node=node$i address=$(address_of "$i")
		# Port 22 inside each namespace, so the plain (unbracketed) known_hosts form is right.
		printf '%s,%s %s\n' "$node" "$address" "$(cut -d' ' -f1,2 "$dir/machines/$node/upper/etc/ssh/ssh_host_ed25519_key.pub")" >>"$dir/known_hosts"
		cat >>"$ssh_config" <<CONF
Host $node
	HostName $address
	Port 22
	User root
	IdentityFile $dir/id_ed25519
	IdentitiesOnly yes
	UserKnownHostsFile $dir/known_hosts
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	BatchMode yes
	ConnectTimeout 5
	LogLevel ERROR

CONF
		printf '%s\n' "$node" >>"$dir/nodes.tmp"
	done
	mv "$dir/nodes.tmp" "$dir/nodes"
	cat >"$dir/env" <<ENV
# Generated by test/cluster/lab.sh: source it to use lab '$name'.
export SVCTUI_LAB_NAME='$name'
export SVCTUI_LAB_KIND='$kind'
export SVCTUI_LAB_DIR='$dir'
export SVCTUI_LAB_SSH_CONFIG='$ssh_config'
export SVCTUI_LAB_KNOWN_HOSTS='$dir/known_hosts'
export SVCTUI_LAB_IDENTITY='$dir/id_ed25519'
export SVCTUI_LAB_NODES='$(tr '\n' ' ' <"$dir/nodes" | sed 's/ $//')'
export SVCTUI_LAB_SUBNET='$subnet'
ENV
}

# Record each node's launcher PID (and start time) once its launcher has written it.
record_node_pids() {
	local i nodedir pid deadline=$((SECONDS + 30))
	for ((i = 1; i <= node_count; i++)); do
		nodedir=$dir/machines/node$i
		while [[ ! -s $nodedir/pid ]]; do
			((SECONDS < deadline)) || die "node$i did not start: $(tail -n 5 "$nodedir/console.log" | tr '\n' ' ')"
			sleep 0.05
		done
		pid=$(<"$nodedir/pid")
		record "pid-$kind" "node$i" "$pid" "$(start_time_of "$pid")"
		if [[ $kind != systemd ]]; then
			pid=$(<"$nodedir/unshare-pid")
			record pid-unshare "node$i" "$pid" "$(start_time_of "$pid")"
		fi
	done
}

ssh_ok() { ssh -F "$ssh_config" -n -o ConnectTimeout=3 "$1" true >/dev/null 2>&1; }

wait_for_nodes() {
	local deadline=$((SECONDS + timeout)) pending=() still=() node i
	for ((i = 1; i <= node_count; i++)); do pending+=("node$i"); done
	while [[ ${#pending[@]} -gt 0 ]]; do
		if ((SECONDS >= deadline)); then
			for node in "${pending[@]}"; do
				log "$node did not answer ssh within ${timeout}s; last console lines:"
				tail -n 15 "$dir/machines/$node/console.log" >&2 || true
			done
			die "nodes not answering: ${pending[*]}"
		fi
		still=()
		declare -A probe=()
		for node in "${pending[@]}"; do
			ssh_ok "$node" &
			probe[$node]=$!
		done
		for node in "${pending[@]}"; do
			wait "${probe[$node]}" || still+=("$node")
		done
		unset probe
		pending=("${still[@]+"${still[@]}"}")
		[[ ${#pending[@]} -eq 0 ]] || sleep 0.5
		# A node whose launcher has died will never answer: fail now, not at the deadline.
		while read -r tag node pid start; do
			[[ $tag == "pid-$kind" ]] || continue
			alive "$pid" "$start" || { tail -n 20 "$dir/machines/$node/console.log" >&2 || true; die "$node exited during boot (log above)"; }
		done <"$state"
	done
}

# One `up` or `down` of a given lab at a time (runner teardown and a signal handler may overlap).
lock_lab() {
	# Node launchers close fd 8 (8>&-): running nodes must not hold the lock forever.
	exec 8>"/run/lock/svctui-lab-$name.lock"
	flock 8
}

up() {
	preflight
	lock_lab
	check_free
	local started=$SECONDS
	images=$(bash "$here/build-images.sh")
	if [[ $kind == openrc ]]; then
		openrc_layers=$(bash "$here/build-openrc-layers.sh" "$images")
		[[ -d $openrc_layers/openrc && -d $openrc_layers/openrc-nonginx ]] || die "image directory $openrc_layers is incomplete"
	else
		[[ -d $images/$kind && -d $images/$kind-nonginx ]] || die "image directory $images is incomplete"
	fi
	mkdir -p "$dir"
	chmod 700 "$dir"
	: >"$state"
	trap 'status=$?; if [[ $status -ne 0 ]]; then log "up failed: tearing down"; teardown || true; fi' EXIT
	# Killed while booting (test runner interrupted): the EXIT trap above still tears down.
	trap 'exit 143' TERM HUP
	trap 'exit 130' INT
	record lab "$name" "$kind" "$node_count"
	[[ -z $owner ]] || start_watcher
	ssh-keygen -q -t ed25519 -N '' -C "svctui-lab-$name" -f "$dir/id_ed25519"
	setup_network
	local i
	for ((i = 1; i <= node_count; i++)); do
		setup_node_network "$i"
		prepare_node_files "$i"
	done
	write_client_files
	for ((i = 1; i <= node_count; i++)); do
		"start_${kind}_node" "$i"
	done
	record_node_pids
	wait_for_nodes
	trap - EXIT
	log "lab '$name' ($kind, $node_count nodes, $subnet) up in $((SECONDS - started)) s; source $dir/env or use ssh -F $ssh_config node1"
}

# Detached, so it outlives the owner; it only polls (no lock held), then runs an ordinary `down`.
start_watcher() {
	local owner_start
	owner_start=$(start_time_of "$owner")
	[[ -n $owner_start ]] || die "--owner $owner is not a running process"
	setsid bash "$here/lab.sh" watch --name "$name" --dir "$dir" --owner "$owner" "$owner_start" </dev/null >/dev/null 2>&1 8>&- &
	record pid-watch watcher "$!" "$(start_time_of "$!")"
}

watch() {
	local owner_start=$1
	while alive "$owner" "$owner_start"; do sleep 1; done
	[[ -e $state ]] || exit 0
	log "owner $owner of lab '$name' is gone: tearing the lab down"
	down
}

kill_tree_of_cgroup() { # kill whatever is left in our cgroup (all of it is ours)
	local base=$1 file pid
	[[ -d $base ]] || return 0
	while read -r file; do
		while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$file"
	done < <(find "$base" -name cgroup.procs)
}

teardown() {
	local tag a b c pids=()
	# 1. Stop nodes, by recorded PID only, all of them at once.
	if [[ -f $state ]]; then
		while read -r tag a b c; do
			case $tag in
				pid-sysv | pid-openrc)
					alive "$b" "$c" || continue
					# telinit inside the node: rc0 stops services (OpenRC: `openrc off`), then halt
					# ends the pid namespace.
					nsenter -t "$b" -m -p -u -i -n -r -w /sbin/telinit 0 >/dev/null 2>&1 || true
					pids+=("sysv $b $c") ;;
				pid-watch)
					# The watcher itself ends up here when it runs `down`: never signal ourselves.
					[[ $b != "$$" ]] && alive "$b" "$c" && kill -TERM "$b" 2>/dev/null || true ;;
				pid-systemd)
					alive "$b" "$c" || continue
					kill -TERM "$b" 2>/dev/null || true # nspawn powers the container off cleanly
					pids+=("systemd $b $c") ;;
			esac
		done <"$state"
	fi
	local entry k pid start grace
	for entry in "${pids[@]+"${pids[@]}"}"; do
		read -r k pid start <<<"$entry"
		if [[ $k == sysv ]]; then grace=10; else grace=20; fi
		wait_gone "$pid" "$start" "$grace" || { log "pid $pid did not stop within ${grace}s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; }
	done
	if [[ -f $state ]]; then
		while read -r tag a b c; do
			[[ $tag == pid-unshare ]] || continue
			alive "$b" "$c" && ! wait_gone "$b" "$c" 5 && kill -KILL "$b" 2>/dev/null || true
		done <"$state"
	fi
	# 2. Anything left in our cgroups (a SIGKILLed nspawn leaves its container behind).
	local h base
	for h in $(cgroup_hierarchies); do
		kill_tree_of_cgroup "$h/$cgroup_rel"
	done
	for h in $(cgroup_hierarchies); do
		base=$h/$cgroup_rel
		[[ -d $base ]] || continue
		local tries=0
		until find "$base" -depth -type d -exec rmdir {} + 2>/dev/null; [[ ! -d $base ]]; do
			((++tries < 50)) || { log "could not remove cgroup $base"; break; }
			sleep 0.1
		done
		rmdir "$h/svctui-lab" 2>/dev/null || true # only if no other lab uses it
	done
	# 3. nspawn leftovers of our machines (its lock and propagation dirs outlive a killed nspawn).
	local nodedir
	for nodedir in "$dir"/machines/node*; do
		[[ -s $nodedir/nspawn-lock-inode ]] && rm -f "/run/systemd/nspawn/locks/inode-$(<"$nodedir/nspawn-lock-inode")"
	done
	rm -rf /run/systemd/nspawn/propagate/"svlab-$name-node"*
	# 4. Network: namespaces (their veth ends go with them), host veths, bridge, guard route.
	local ns
	for ns in $(ip netns list | awk -v p="svlab-$name-" 'index($1, p) == 1 {print $1}'); do
		ip netns del "$ns" 2>/dev/null || true
	done
	for veth in $(ip -o link show | awk -F': ' -v p="svl$name-" '{sub(/@.*/, "", $2); if (index($2, p) == 1) print $2}'); do
		ip link del "$veth" 2>/dev/null || true
	done
	ip link del "$bridge" 2>/dev/null || true
	ip route del unreachable "$subnet" metric "$guard_metric" 2>/dev/null || true
	# 5. Generated files: nothing may keep pointing at dead addresses. Overlays were mounted in
	# the nodes' private mount namespaces, so nothing is mounted here any more.
	if [[ -d $dir ]]; then
		if awk -v d="$dir/" 'index($2, d) == 1 {found = 1} END {exit !found}' /proc/mounts; then
			die "something is still mounted below $dir; not deleting it"
		fi
		rm -rf --one-file-system "$dir"
	fi
	rmdir /run/svctui-lab 2>/dev/null || true
}

down() {
	[[ $(id -u) -eq 0 ]] || die 'must run as root'
	local started=$SECONDS
	lock_lab
	teardown
	log "lab '$name' down in $((SECONDS - started)) s"
}

status() {
	if [[ ! -f $dir/nodes ]]; then
		log "lab '$name' is not up (no $dir/nodes)"
		exit 3
	fi
	local node down_count=0
	declare -A probe=()
	while read -r node; do ssh_ok "$node" & probe[$node]=$!; done <"$dir/nodes"
	while read -r node; do
		if wait "${probe[$node]}"; then
			printf '%s\tup\t%s\n' "$node" "$(awk -v h="$node" '$1 == "Host" {cur = $2} cur == h && $1 == "HostName" {print $2}' "$ssh_config")"
		else
			printf '%s\tdown\n' "$node"
			down_count=$((down_count + 1))
		fi
	done <"$dir/nodes"
	[[ $down_count -eq 0 ]]
}

case $command in
	up) up ;;
	down) down ;;
	status) status ;;
	watch) [[ -n $owner ]] || usage; watch "${extra_args[0]:-}" ;;
	*) log "unknown command '$command'"; usage ;;
esac
