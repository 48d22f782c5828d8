#!/usr/bin/env bash
# Build (once) the Debian bookworm root file systems the lab nodes boot from, and print the
# directory that holds them. Images are cached outside the repository clone, keyed by a hash of
# this script (which holds the package lists) and the mirror, so a second run is instant and an
# edited script rebuilds. A lock serialises concurrent builders (two labs starting together);
# each build goes to a temporary directory and is renamed into place only when complete.
#
# Layout of the printed directory:
#   systemd/          debootstrap minbase + systemd as init
#   sysv/             debootstrap minbase + sysvinit-core as init
#   systemd-nonginx/  overlay upper layer over systemd/ with nginx purged by dpkg
#   sysv-nonginx/     the same over sysv/
# A node without nginx mounts lowerdir=<kind>-nonginx:<kind>, so dpkg, /etc/init.d and the unit
# files all agree that nginx is not installed.
set -euo pipefail

cache_root=${SVCTUI_LAB_CACHE:-/var/cache/svctui-lab}
suite=bookworm
common_packages=openssh-server,cron,iproute2,procps,nginx-light
systemd_packages=systemd,systemd-sysv,dbus,libpam-systemd
sysv_packages=sysvinit-core,sysv-rc,initscripts
nginx_packages='nginx-light nginx libnginx-mod-http-echo nginx-common'

log() { printf 'build-images: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || die 'must run as root (debootstrap, chroot and overlay mounts need it)'
command -v debootstrap >/dev/null || die 'debootstrap is not installed (apt-get install debootstrap)'

# The mirror the host already uses, so the build works wherever apt works.
mirror() {
	local uri
	uri=$(awk '/^URIs:/ && $2 ~ /debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
	if [[ -z $uri ]]; then
		uri=$(awk '$1 == "deb" && $2 !~ /^\[/ && $2 ~ /debian\/?$/ {print $2; exit} $1 == "deb" && $2 ~ /^\[/ && $3 ~ /debian\/?$/ {print $3; exit}' /etc/apt/sources.list 2>/dev/null || true)
	fi
	printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

mirror_url=$(mirror)
key=$( { cat "${BASH_SOURCE[0]}"; printf '%s\n' "$mirror_url"; } | sha256sum | cut -c1-16)
final=$cache_root/images-$key

if [[ -d $final ]]; then
	printf '%s\n' "$final"
	exit 0
fi

mkdir -p "$cache_root"
exec 9>"$cache_root/build.lock"
log "waiting for the build lock $cache_root/build.lock"
flock 9
if [[ -d $final ]]; then # another builder finished while we waited
	printf '%s\n' "$final"
	exit 0
fi

work=$(mktemp -d "$cache_root/tmp-$key.XXXXXX")
cleanup() {
	local status=$?
	# Unmount anything a failed build left mounted below the temporary tree before deleting it.
	awk -v w="$work" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" || true; done
	rm -rf --one-file-system "$work"
	exit "$status"
}
trap cleanup EXIT

# Steps applied inside a freshly bootstrapped tree; they keep remote commands fast and nodes quiet.
customise() {
	local root=$1 kind=$2
	# Services must not start inside the build chroot.
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"

	# Every node gets its own host key at start-up; the image carries none.
	rm -f "$root"/etc/ssh/ssh_host_*
	cat >"$root/etc/ssh/sshd_config.d/svctui-lab.conf" <<'CONF'
# svctui lab node: fast non-interactive logins, many concurrent sessions (see TESTBED.md).
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
PrintMotd no
PrintLastLog no
MaxStartups 1024
MaxSessions 64
LogLevel ERROR
CONF
	: >"$root/etc/motd"

	# bash reads ~/.bashrc even for `ssh host cmd`: keep root's rc files minimal and identical.
	printf '# svctui lab: intentionally minimal, remote commands must stay fast\n' >"$root/root/.bashrc"
	printf '# svctui lab: intentionally minimal\n[ -n "$BASH_VERSION" ] && [ -f ~/.bashrc ] && . ~/.bashrc\n' >"$root/root/.profile"
	install -d -m 700 "$root/root/.ssh"

	case $kind in
		systemd)
			# No consoles to log in on; gettys would only fail or waste memory.
			chroot "$root" systemctl mask console-getty.service getty@tty1.service serial-getty@.service >/dev/null 2>&1 || true
			# Linger keeps user@0.service running, so each ssh login does not start and stop it.
			install -d "$root/var/lib/systemd/linger"
			: >"$root/var/lib/systemd/linger/root"
			# An empty machine-id makes systemd generate a fresh one per boot, so nodes differ.
			: >"$root/etc/machine-id"
			rm -f "$root/var/lib/dbus/machine-id"
			;;
		sysv)
			# No ttys in a container: respawning gettys would only spam.
			sed -i -E 's/^([0-9]+:[0-9]+:respawn:\/sbin\/getty)/#\1/' "$root/etc/inittab"
			;;
		*) die "unknown kind $kind" ;;
	esac

	rm -rf "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
		"$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/*
	rm -f "$root/usr/sbin/policy-rc.d"
}

bootstrap() {
	local kind=$1 extra
	case $kind in
		systemd) extra=$systemd_packages ;;
		sysv) extra=$sysv_packages ;;
		*) die "unknown kind $kind" ;;
	esac
	local root=$work/$kind
	log "debootstrap $kind from $mirror_url"
	debootstrap --variant=minbase --include="$common_packages,$extra" "$suite" "$root" "$mirror_url" \
		>"$work/$kind.log" 2>&1 || { tail -n 30 "$work/$kind.log" >&2; die "debootstrap $kind failed (log above)"; }
	customise "$root" "$kind"
	log "$kind image done"
}

# Purge nginx in an overlay layer on top of the image; the upper dir is the layer.
without_nginx() {
	local kind=$1
	local layer=$work/$kind-nonginx merged=$work/.merged-$kind overlay_work=$work/.work-$kind
	mkdir -p "$layer" "$merged" "$overlay_work"
	mount -t overlay overlay -o "lowerdir=$work/$kind,upperdir=$layer,workdir=$overlay_work" "$merged"
	printf '#!/bin/sh\nexit 101\n' >"$merged/usr/sbin/policy-rc.d"
	chmod 755 "$merged/usr/sbin/policy-rc.d"
	# shellcheck disable=SC2086 # word splitting of the package list is intended
	chroot "$merged" dpkg --purge $nginx_packages >"$work/$kind-nonginx.log" 2>&1 \
		|| { cat "$work/$kind-nonginx.log" >&2; die "dpkg --purge nginx failed in $kind"; }
	rm -f "$merged/usr/sbin/policy-rc.d"
	umount "$merged"
	rm -rf "$merged" "$overlay_work"
	log "$kind-nonginx layer done"
}

build_kind() {
	bootstrap "$1"
	without_nginx "$1"
}

started=$SECONDS
build_kind systemd &
systemd_pid=$!
build_kind sysv &
sysv_pid=$!
status=0
wait "$systemd_pid" || status=1
wait "$sysv_pid" || status=1
[[ $status -eq 0 ]] || die 'image build failed'

rm -f "$work"/*.log
mv -T "$work" "$final"
trap - EXIT
log "images built in $((SECONDS - started)) s: $final"
# Older builds (another script version) are not removed automatically: another checkout may use them.
printf '%s\n' "$final"
