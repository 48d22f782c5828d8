#!/usr/bin/env bash
# Build (once) the OpenRC lab image as two overlay layers over the SysV image of build-images.sh,
# and print the directory that holds them:
#   openrc/          over sysv/: Debian's `openrc` package installed with apt, as an admin would
#                    (it replaces sysv-rc, takes over /etc/init.d/rc and rcS that sysvinit's inittab
#                    runs, and moves every enabled init script into /etc/runlevels)
#   openrc-nonginx/  over openrc/: nginx purged by dpkg, as in sysv-nonginx/
# A node mounts lowerdir=openrc:<images>/sysv (node1) or openrc-nonginx:openrc:<images>/sysv.
#
# Usage: build-openrc-layers.sh IMAGES_DIR (the directory build-images.sh printed)
#
# A script of its own, keyed by its own hash and the base images' key, so adding OpenRC did not
# change build-images.sh (whose hash keys the systemd and SysV images) and editing this one rebuilds
# only these layers (a few seconds: apt-get update and one package).
set -euo pipefail

images=${1:?usage: build-openrc-layers.sh IMAGES_DIR}
cache_root=${SVCTUI_LAB_CACHE:-/var/cache/svctui-lab}
nginx_packages='nginx-light nginx libnginx-mod-http-echo nginx-common'

log() { printf 'build-openrc-layers: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || die 'must run as root (chroot and overlay mounts need it)'
[[ -d $images/sysv ]] || die "$images/sysv is missing: pass the directory build-images.sh printed"

key=$( { cat "${BASH_SOURCE[0]}"; basename "$images"; } | sha256sum | cut -c1-16)
final=$cache_root/openrc-$key

if [[ -d $final ]]; then
	printf '%s\n' "$final"
	exit 0
fi

exec 9>"$cache_root/openrc-build.lock"
log "waiting for the build lock $cache_root/openrc-build.lock"
flock 9
if [[ -d $final ]]; then # another builder finished while we waited
	printf '%s\n' "$final"
	exit 0
fi

work=$(mktemp -d "$cache_root/tmp-openrc-$key.XXXXXX")
cleanup() {
	local status=$?
	awk -v w="$work" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" || true; done
	rm -rf --one-file-system "$work"
	exit "$status"
}
trap cleanup EXIT

# Mount LAYER as the upper dir over LOWERDIRS at $work/.merged, run the rest of the arguments, unmount.
# Services must not start inside the chroot (policy-rc.d), and nothing of the build may stay in the
# layer: apt's lists and archives (150 MB), the /run/openrc that rc-update creates while installing.
in_layer() {
	local layer=$1 lower=$2
	shift 2
	local merged=$work/.merged overlay_work=$work/.work
	mkdir -p "$layer" "$merged" "$overlay_work"
	mount -t overlay overlay -o "lowerdir=$lower,upperdir=$layer,workdir=$overlay_work" "$merged"
	printf '#!/bin/sh\nexit 101\n' >"$merged/usr/sbin/policy-rc.d"
	chmod 755 "$merged/usr/sbin/policy-rc.d"
	"$@" "$merged"
	rm -rf "$merged"/var/cache/apt/*.bin "$merged"/var/cache/apt/archives/*.deb "$merged"/var/lib/apt/lists/* "$merged/run/openrc"
	rm -f "$merged/usr/sbin/policy-rc.d"
	umount "$merged"
	rm -rf "$merged" "$overlay_work"
}

install_openrc() {
	local root=$1 status=0
	# The host's name servers of today, not the ones debootstrap copied into the image; a bind mount
	# leaves nothing in the layer.
	mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
	{
		chroot "$root" apt-get update -qq &&
			chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openrc
	} >"$work/openrc.log" 2>&1 || status=$?
	umount "$root/etc/resolv.conf"
	[[ $status -eq 0 ]] || { tail -n 30 "$work/openrc.log" >&2; die 'apt-get install openrc failed (log above)'; }
	[[ -x $root/sbin/rc-service && -L $root/etc/runlevels/default/ssh && -L $root/etc/runlevels/default/cron ]] \
		|| die 'openrc is installed but ssh and cron are not in its default runlevel'
	# No ttys in a container (the SysV image already commented out the gettys in inittab).
	rm -f "$root/etc/runlevels/"*/agetty*
	# The package puts `cgroups` in sysinit. Cgroup hierarchies are the host kernel's (the nodes have
	# no cgroup namespace): booted with it, a node created a v1 hierarchy name=openrc with a
	# release_agent, bound net_cls, net_prio, perf_event and hugetlb to new v1 hierarchies (taking
	# hugetlb from the host's cgroup2) and made one cgroup per service at the root of the host's
	# cgroup2. Without it nothing is mounted on the node's /sys/fs/cgroup, and openrc-run then
	# leaves cgroups alone.
	chroot "$root" rc-update del cgroups sysinit >/dev/null
	[[ ! -e $root/etc/runlevels/sysinit/cgroups ]] || die 'cgroups is still in the sysinit runlevel'
}

purge_nginx() {
	local root=$1
	# shellcheck disable=SC2086 # word splitting of the package list is intended
	chroot "$root" dpkg --purge $nginx_packages >"$work/openrc-nonginx.log" 2>&1 \
		|| { cat "$work/openrc-nonginx.log" >&2; die 'dpkg --purge nginx failed in the openrc layer'; }
	# update-rc.d removes the runlevel link through rc-update; make sure, so OpenRC agrees with dpkg.
	[[ ! -e $root/etc/runlevels/default/nginx && ! -e $root/etc/init.d/nginx ]] || die 'nginx is still known to OpenRC after the purge'
}

started=$SECONDS
log "installing openrc over $images/sysv"
in_layer "$work/openrc" "$images/sysv" install_openrc
in_layer "$work/openrc-nonginx" "$work/openrc:$images/sysv" purge_nginx
rm -f "$work"/*.log
mv -T "$work" "$final"
trap - EXIT
log "openrc layers built in $((SECONDS - started)) s: $final"
printf '%s\n' "$final"
