#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# fresh-check.sh - prove the README's set-up as a fresh machine would see it:
# purge the Debian packages that provisioning installs, drop the arm64 dpkg
# architecture, clone this repository's HEAD into a new directory (no build,
# no download cache) and run `make check` there once.
#
#   scripts/fresh-check.sh --yes [DIR]     (as root; DIR default /tmp/vmm-fresh)
#
# It changes this machine: run it on a disposable one (a CI or development
# VM).  A package whose removal would take others with it (pkg-config and
# zlib1g-dev pull python3-dev out on some images) is kept and named; packages
# the purged ones pulled in automatically go too, other orphans stay.
# Exits with make check's status; its last line is the summary.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "fresh-check: $*" >&2; exit 1; }

[ "${1:-}" = --yes ] || die "this purges the project's Debian packages from this machine: run it with --yes"
shift
dir=${1:-/tmp/vmm-fresh}
[ "$(id -u)" = 0 ] || die "run as root: it removes and then reinstalls Debian packages"

orphans() { apt-get -s autoremove 2>/dev/null | sed -n 's/^Remv \([^ ]*\) .*/\1/p' | sort; }

installed=""
# make stays: the README's commands are make commands.
for p in $("$top/scripts/provision.sh" list | grep -vx make); do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' &&
		installed="$installed $p"
done
# Keep a package whose purge would remove one that is not ours, and one
# of Debian's base system (Priority: required, such as e2fsprogs): every
# Debian machine has it.
purge=""
for p in $installed; do
	if [ "$(dpkg-query -W -f='${Priority}' "$p")" = required ]; then
		echo "fresh-check: keeping $p: Debian's base system has it"
		continue
	fi
	extra=$(apt-get -s purge "$p" 2>/dev/null | sed -n 's/^Purg \([^ :]*\).*/\1/p' |
		grep -vxF -f <(printf '%s\n' $installed) || true)
	if [ -n "$extra" ]; then
		echo "fresh-check: keeping $p: purging it would remove $(echo $extra)"
	else
		purge="$purge $p"
	fi
done

before=$(orphans)
if [ -n "$purge" ]; then
	echo "fresh-check: purging$purge"
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $purge > /dev/null
fi
new=$(comm -13 <(echo "$before") <(orphans) | tr '\n' ' ')
if [ -n "${new// /}" ]; then
	echo "fresh-check: purging what they pulled in: $new"
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $new > /dev/null
fi
if dpkg --print-foreign-architectures | grep -qx arm64; then
	dpkg --remove-architecture arm64 ||
		die "cannot drop the arm64 dpkg architecture: arm64 packages are installed"
	echo "fresh-check: dropped the arm64 dpkg architecture"
fi

rm -rf "$dir"
git clone -q "$top" "$dir"
echo "fresh-check: make check in a fresh clone of $(git -C "$top" rev-parse --short HEAD) at $dir"
cd "$dir"
unset VMM_CACHE
exec make check
