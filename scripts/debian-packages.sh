#!/usr/bin/env bash
# The Debian packages that svctui's test suite and its demo cluster need, in one list. `npm test` (pretest),
# `npm start` (svctui demo) and .ci/run all come here, so a package is added in one place.
#
#   scripts/debian-packages.sh install test|demo [--optional]
#       As root with apt-get: install what is missing, saying so first (daemons are kept from starting on
#       the host while they install). Otherwise say what is missing and the command that installs it, and
#       exit 3 (0 with --optional: the tests that need it then skip, and the run's end lists them).
#       SVCTUI_NO_INSTALL=1 never installs (as if not root).
#   scripts/debian-packages.sh missing test|demo
#       Print the missing packages, one per line.
#
# A package counts as present when the file its tests use exists (so this works on any distribution, and a
# tool installed by other means is not installed twice). Exit 1 when apt-get fails, 2 on a usage error.
# SVCTUI_PROBE_ROOT (for its tests) looks for those files under another root.
set -euo pipefail

# package            file the tests use           wanted by   why
packages=(
	'clustershell       /usr/bin/nodeset             test        nodeset and its Python module: the oracle of the node-set differential and nodeset command tests'
	'openssh-server     /usr/sbin/sshd               test        a real sshd on 127.0.0.1 for the SSH integration tests'
	'openssh-client     /usr/bin/ssh-keygen          test,demo   ssh-keygen and ssh: keys for the test sshd and the cluster, and the cluster checks its nodes with ssh'
	'debootstrap        /usr/sbin/debootstrap        test,demo   builds the cluster node images once (cached under /var/cache/svctui-lab)'
	'systemd-container  /usr/bin/systemd-nspawn      test,demo   systemd-nspawn runs the systemd nodes'
	'iproute2           /usr/sbin/ip                 test,demo   network namespaces, veth pairs and the bridge of the local cluster'
	'util-linux         /usr/bin/nsenter             test,demo   unshare, nsenter, flock and setsid for the cluster nodes'
	'tmux               /usr/bin/tmux                test        manual smoke checks of the terminal UI (README)'
)

usage() {
	echo "usage: scripts/debian-packages.sh install test|demo [--optional] | missing test|demo" >&2
	exit 2
}

[ $# -ge 2 ] || usage
command=$1 set=$2 optional=
shift 2
case "$command" in install | missing) ;; *) usage ;; esac
case "$set" in test | demo) ;; *) usage ;; esac
for flag in "$@"; do
	case "$flag" in --optional) optional=1 ;; *) usage ;; esac
done

missing=()
reasons=()
for line in "${packages[@]}"; do
	read -r name file wanted why <<<"$line"
	case ",$wanted," in *",$set,"*) ;; *) continue ;; esac
	if [ ! -e "${SVCTUI_PROBE_ROOT:-}$file" ]; then
		missing+=("$name")
		reasons+=("  $name: $why")
	fi
done

if [ "$command" = missing ]; then
	[ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}"
	exit 0
fi

[ ${#missing[@]} -gt 0 ] || exit 0

what=$([ "$set" = test ] && echo 'the full test suite' || echo 'the demo cluster')
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || [ "${SVCTUI_NO_INSTALL:-0}" != 0 ]; then
	why='not root'
	[ "$(id -u)" != 0 ] || why='SVCTUI_NO_INSTALL is set'
	command -v apt-get >/dev/null || why='no apt-get here'
	echo "$what needs these packages, not installed ($why):" >&2
	printf '%s\n' "${reasons[@]}" >&2
	if command -v apt-get >/dev/null; then
		echo "install them with: sudo bash $0 install $set   (or: sudo apt-get install ${missing[*]})" >&2
	else
		echo "install them with your package manager: ${missing[*]}" >&2
	fi
	if [ "$set" = test ] && [ -n "$optional" ]; then
		echo "the tests that need them will skip; the run ends with the list" >&2
		exit 0
	fi
	exit 3
fi

echo "Installing what $what needs: apt-get install ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Keep package post-install scripts from starting daemons on the host (sshd on port 22).
guard=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
fi
status=0
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" || status=$?
[ -z "$guard" ] || rm -f /usr/sbin/policy-rc.d
if [ "$status" != 0 ]; then
	echo "apt-get could not install ${missing[*]} (exit $status); install them by hand, or set SVCTUI_NO_INSTALL=1 to go on without them" >&2
	exit 1
fi
