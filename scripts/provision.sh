#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# provision.sh - install the build's Debian packages and fetch the test bed's
# arm64 kernel, headers and busybox into a git-ignored cache.
#
#   scripts/provision.sh packages   host packages (apt), as root
#   scripts/provision.sh sysroot    arm64 static libraries into $VMM_CACHE
#   scripts/provision.sh kernel     arm64 kernel/headers/busybox, and the
#                                   test bed host's tools (passt, gdb), into $VMM_CACHE
#   scripts/provision.sh env        print the paths the Makefile needs
#   scripts/provision.sh list       the host packages it installs, one a line
#
# The arm64 -dev packages are unpacked into a cache sysroot rather than
# installed through multiarch: libfdt-dev is not co-installable across
# architectures, and the native unit tests need the host's libfdt-dev.
#
# Idempotent: a second run checks what is there and returns in seconds.
# Every failure is one line on stderr: what could not be had, what to do.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${VMM_CACHE:-$top/.cache}

mkdir -p "$cache"

die() { echo "provision: $*" >&2; exit 1; }

# Host packages.  check, libfdt and liburing serve the native unit tests,
# man-db make check-install's rendering of the man pages; on an arm64 host
# the static libraries are native too and there is no sysroot.
host_pkgs="make gcc pkg-config qemu-system-arm cpio device-tree-compiler
	e2fsprogs check libfdt-dev libsubunit-dev zlib1g-dev liburing-dev man-db"
sysroot_pkgs="libfdt-dev liburing-dev libcap-dev zlib1g-dev"
if [ "$(uname -m)" = aarch64 ]; then
	host_pkgs="$host_pkgs libcap-dev"
	sysroot_pkgs=""
else
	host_pkgs="$host_pkgs gcc-aarch64-linux-gnu libc6-dev-arm64-cross
		linux-libc-dev-arm64-cross"
fi

missing_packages() {
	local p
	for p in $host_pkgs; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

# apt-get -qq "$@", quiet unless it fails.  Another apt or dpkg run (an
# unattended upgrade, a second terminal) makes apt-get fail at once with
# "Could not get lock": wait for it, saying so in one line, for at most
# $VMM_APT_LOCK_WAIT seconds (default 600), then fail as apt-get did.
apt_get() {
	local log rc waited=0 limit=${VMM_APT_LOCK_WAIT:-600} holder
	log=$(mktemp)
	while :; do
		rc=0
		LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get -qq "$@" \
			> "$log" 2>&1 || rc=$?
		[ $rc != 0 ] && grep -q 'Could not get lock' "$log" &&
			[ "$waited" -lt "$limit" ] || break
		if [ "$waited" = 0 ]; then
			holder=$(sed -n 's/.*It is held by \([^.]*\).*/\1/p' "$log" | head -n1)
			echo "provision: waiting up to $limit s for another apt/dpkg run to release its lock${holder:+ ($holder)}" >&2
		fi
		sleep 5
		waited=$((waited + 5))
	done
	[ $rc = 0 ] || cat "$log" >&2
	rm -f "$log"
	return $rc
}

do_packages() {
	local need
	need=$(missing_packages | tr '\n' ' ')
	if [ -z "${need// /}" ]; then
		dpkg --print-foreign-architectures | grep -qx arm64 && return 0
		need=""
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "provision: missing packages; as root run:" >&2
		echo "  dpkg --add-architecture arm64 && apt-get update && apt-get install -y $need" >&2
		exit 1
	fi
	echo "provision: installing $need" >&2
	dpkg --print-foreign-architectures | grep -qx arm64 ||
		dpkg --add-architecture arm64
	apt_get update ||
		die "apt-get update failed: check the network and /etc/apt/sources.list"
	[ -z "$need" ] && return 0
	apt_get install -y --no-install-recommends $need ||
		die "apt-get install failed for: $need (run it by hand to see why)"
}

# Download (never install) arm64 packages and unpack them under $1.  One
# apt-get for them all (each run of apt-get reads the package lists: a
# second or two); if that fails, one at a time, to name the package.
fetch_debs() {
	local into=$1 dl p
	shift
	dl=$(mktemp -d "$cache/debs.XXXXXX")
	(cd "$dl" && apt-get download -qq "$@" >/dev/null 2>&1) ||
	for p in "$@"; do
		(cd "$dl" && apt-get download -qq "$p" >/dev/null 2>&1) || {
			rm -rf "$dl"
			die "cannot download $p: run 'apt-get update' as root, then retry"
		}
	done
	for p in "$dl"/*.deb; do
		dpkg-deb -x "$p" "$into" || {
			rm -rf "$dl"
			die "cannot unpack $p: delete $into and retry"
		}
	done
	rm -rf "$dl"
}

do_sysroot() {
	local root=$cache/sysroot-arm64 p pkgs=""
	[ -z "$sysroot_pkgs" ] && return 0
	# the stamp records the package list: a new package refetches
	[ "$(cat "$root/.done" 2>/dev/null)" = "$sysroot_pkgs" ] && return 0
	need_arm64_arch
	for p in $sysroot_pkgs; do pkgs="$pkgs $p:arm64"; done
	mkdir -p "$root"
	echo "provision: fetching arm64 static libraries into $root" >&2
	fetch_debs "$root" $pkgs
	echo "$sysroot_pkgs" > "$root/.done"
}

need_arm64_arch() {
	dpkg --print-foreign-architectures | grep -qx arm64 ||
		die "arm64 is not a dpkg architecture: run 'scripts/provision.sh packages' as root"
}

# The current Debian arm64 kernel ABI, e.g. 6.1.0-41-arm64.  Read from apt at
# run time: it changes with every point release.
kernel_abi() {
	local abi
	need_arm64_arch
	abi=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9][^ :]*-arm64\)\(:arm64\)\?$/\1/p' |
		head -n1)
	if [ -z "$abi" ]; then
		[ "$(id -u)" = 0 ] && apt_get update 2>/dev/null &&
			abi=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
				sed -n 's/^ *Depends: linux-image-\([0-9][^ :]*-arm64\)\(:arm64\)\?$/\1/p' |
				head -n1)
		[ -n "$abi" ] ||
			die "cannot resolve the arm64 kernel ABI from apt: run 'apt-get update' as root"
	fi
	echo "$abi"
}

do_kernel() {
	local abi ver kdir root dl p
	abi=$(kernel_abi)
	ver=${abi%-arm64}			# 6.1.0-NN
	kdir=$cache/$abi
	root=$kdir/root
	[ -f "$kdir/.done" ] && return 0

	mkdir -p "$root"
	echo "provision: fetching arm64 kernel $abi into $kdir" >&2
	fetch_debs "$root" "linux-image-$abi:arm64" "linux-headers-$abi:arm64" \
		"linux-headers-$ver-common" "linux-kbuild-${ver%%.0-*}" \
		"busybox-static:arm64"
	# The arch headers include the -common tree by an absolute /usr/src path;
	# point it at the unpacked copy.
	sed -i "s|^include /usr/src/|include $root/usr/src/|" \
		"$root/usr/src/linux-headers-$abi/Makefile"
	touch "$kdir/.done"
}

# Programs the test bed's arm64 host (L1) runs besides busybox: passt, for
# the vmm's user networking, with the loader and libc it links against;
# gdb (gdb-minimal: no Python), for the vmm's GDB stub, with every library
# it links against.  All are fetched at once, so that one libc serves them.
l1_tools_pkgs="passt libc6 gdb-minimal"

# What the packages in $l1_tools_pkgs depend on, recursively, as arm64
# packages ("name:arm64"): resolved from apt's lists at fetch time, not
# written down here, since a stable point release may add or rename a
# library (gdb-minimal needs about 40 packages, most through
# libdebuginfod's libcurl).  Virtual packages (<...>) and the amd64
# packages the architecture-independent ones pull in are dropped; dpkg and
# tar come along (Pre-Depends of the arch-all packages), unused.
l1_tools_closure() {
	local p
	for p in $l1_tools_pkgs; do
		echo "$p:arm64"
		apt-cache depends --recurse --no-recommends --no-suggests \
			--no-conflicts --no-breaks --no-replaces --no-enhances "$p:arm64"
	done | grep -E '^[a-z0-9][a-z0-9.+-]*:arm64$' | sort -u
}

# l1_needed ROOT FILE...: the shared objects FILE needs (DT_NEEDED,
# recursively), as paths relative to ROOT, the loader excepted; one that
# ROOT lacks fails, naming it.  readelf reads any architecture's ELF.
l1_needed() {
	local root=$1 f n d found queue
	declare -A seen=()
	shift
	queue="$*"
	while [ -n "$queue" ]; do
		set -- $queue
		f=$1
		shift
		queue="$*"
		for n in $(readelf -d "$root/$f" |
				sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			[ -n "${seen[$n]:-}" ] && continue
			seen[$n]=1
			case $n in ld-linux-*) continue ;; esac
			found=
			for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
				[ -e "$root/$d/$n" ] && found=$d/$n && break
			done
			[ -n "$found" ] || die "$f needs $n, which no fetched package holds: delete $root and retry"
			echo "$found"
			queue="$queue $found"
		done
	done
}

do_l1_tools() {
	local root=$cache/l1-tools-arm64 pkgs
	[ "$(cat "$root/.done" 2>/dev/null)" = "$l1_tools_pkgs" ] && return 0
	need_arm64_arch
	pkgs=$(l1_tools_closure) || pkgs=
	[ -n "$pkgs" ] || die "cannot resolve the dependencies of $l1_tools_pkgs for arm64: run 'apt-get update' as root"
	rm -rf "$root" && mkdir -p "$root"
	echo "provision: fetching the test bed host's tools ($l1_tools_pkgs, $(echo "$pkgs" | wc -l) packages) into $root" >&2
	fetch_debs "$root" $pkgs
	echo "$l1_tools_pkgs" > "$root/.done"
}

# gdb-files: what gdb needs in L1, paths relative to the fetched root, for
# the test bed to copy there (no docs, no locales, no dpkg): the shared
# objects it links against, and the iconv modules glibc loads for its wide
# characters (UTF-32; without them gdb warns about every file it reads).
do_l1_gdb_files() {
	local root=$cache/l1-tools-arm64 f gconv=usr/lib/aarch64-linux-gnu/gconv
	[ -f "$root/gdb-files" ] && return 0
	[ -x "$root/usr/bin/gdb" ] || die "no gdb in $root: delete it and retry"
	{
		l1_needed "$root" usr/bin/gdb
		for f in gconv-modules UTF-32.so UTF-16.so UNICODE.so; do
			[ -f "$root/$gconv/$f" ] || die "no $gconv/$f in $root: delete it and retry"
			echo "$gconv/$f"
		done
	} > "$root/gdb-files.tmp"
	mv "$root/gdb-files.tmp" "$root/gdb-files"
}

do_env() {
	local abi root
	abi=$(kernel_abi)
	root=$cache/$abi/root
	[ -f "$cache/$abi/.done" ] || die "kernel $abi not fetched: run 'scripts/provision.sh kernel'"
	echo "ABI=$abi"
	echo "KDIR=$root/usr/src/linux-headers-$abi"
	echo "IMAGE=$root/boot/vmlinuz-$abi"
	echo "MODDIR=$root/lib/modules/$abi"
	echo "BUSYBOX=$root/bin/busybox"
	[ -f "$cache/l1-tools-arm64/.done" ] && [ -f "$cache/l1-tools-arm64/gdb-files" ] ||
		die "the test bed host's tools are not fetched: run 'scripts/provision.sh kernel'"
	echo "L1TOOLS=$cache/l1-tools-arm64"
}

case "${1:-all}" in
packages) do_packages ;;
sysroot) do_sysroot ;;
kernel) do_kernel; do_l1_tools; do_l1_gdb_files ;;
env) do_env ;;
list) printf '%s\n' $host_pkgs ;;
all) do_packages; do_sysroot; do_kernel; do_l1_tools; do_l1_gdb_files ;;
*) die "unknown step '$1': use packages, sysroot, kernel, env, list or all" ;;
esac
