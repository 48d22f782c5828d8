#!/usr/bin/env bash
# Runs as PID 1 of a fresh pid+mount+uts+ipc namespace (inside the node's network namespace),
# started by lab.sh through `unshare`. It assembles the node's root (overlay on the cached SysV
# image, private /proc, /run, /dev, read-only /sys and /proc/sys), pivots into it and execs the
# image's real /sbin/init, so rcS and runlevel 2 start ssh, cron (and nginx) as on a real box, and
# init reaps stopped daemons (otherwise `service x status` would still see their zombies).
#
# Usage: sysv-node.sh ROOT LOWERDIRS UPPER WORK HOSTNAME PIDFILE [INIT]
# INIT (default /sbin/init) lets the scale pool (scale.sh) run its own PID 1 in the same root.
set -euo pipefail
root=$1 lower=$2 upper=$3 work=$4 name=$5 pidfile=$6 init=${7:-/sbin/init}

# /proc is still the host's here, so /proc/self/stat names this process by its host PID: lab.sh
# needs it to send telinit/SIGKILL at teardown. `read` is a builtin, so no subshell is involved.
read -r host_pid _ </proc/self/stat
printf '%s\n' "$host_pid" >"$pidfile"

mount -t overlay overlay -o "lowerdir=$lower,upperdir=$upper,workdir=$work" "$root"

mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
# Kernel knobs are global: the procps rcS script would otherwise write the host's sysctls.
# Only the node's own network namespace settings (/proc/sys/net) stay writable.
mount --bind "$root/proc/sys" "$root/proc/sys"
mount -o remount,bind,ro "$root/proc/sys"
mount --bind "$root/proc/sys/net" "$root/proc/sys/net"
# This kernel may have no magic SysRq; protect the trigger only where it exists.
if [[ -e $root/proc/sysrq-trigger ]]; then
	mount --bind "$root/proc/sysrq-trigger" "$root/proc/sysrq-trigger"
	mount -o remount,bind,ro "$root/proc/sysrq-trigger"
fi
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"

mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$root/run"

mount -t tmpfs -o mode=755,nosuid,size=1m tmpfs "$root/dev"
mknod -m 666 "$root/dev/null" c 1 3
mknod -m 666 "$root/dev/zero" c 1 5
mknod -m 666 "$root/dev/full" c 1 7
mknod -m 666 "$root/dev/random" c 1 8
mknod -m 666 "$root/dev/urandom" c 1 9
mknod -m 666 "$root/dev/tty" c 5 0
# The host console must not receive the node's boot messages: point /dev/console at /dev/null
# (init's own stdout already goes to the node's console.log).
: >"$root/dev/console"
mount --bind "$root/dev/null" "$root/dev/console"
mkdir -m 755 "$root/dev/pts"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mkdir -m 1777 "$root/dev/shm"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"

hostname "$name"

# pivot_root, not chroot: the host's file systems must not stay reachable from the node.
cd "$root"
mkdir -p .oldroot
pivot_root . .oldroot
cd /
umount -l /.oldroot
rmdir /.oldroot

exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$init"
