#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# testbed.sh - the emulated arm64 test bed: an arm64 host (L1) in
# qemu-system-aarch64 with EL2, which runs vmm, which runs guests (L2).
#
#   testbed.sh check [--results FILE] MODE...   integration tests, one L1 boot per mode
#   testbed.sh shell [MODE]                     interactive shell in L1 (default vhe)
#   testbed.sh run                              boot the default guest
#   testbed.sh bench                            micro-benchmarks
#
# Modes: vhe, nvhe (the kernel's KVM active), vhe-none, nvhe-none
# (kvm-arm.mode=none: EL2 left free for vmm.ko), a72-none (the same on a
# Cortex-A72: EL2 without VHE at all), vhe-gicv2 (a GICv2 host).  Tests are
# tests/integration/*.sh; a header line "# modes: ..." picks the modes a test
# runs in (default: vhe nvhe), "# timeout: N" its limit in seconds.  Every
# test of a mode shares one L1 boot.  TESTS="fw-* cli" runs only matching tests.  Full console logs: build/testbed/*.log.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
tb=$build/testbed
tests_dir=$top/tests/integration

die() { echo "testbed: $*" >&2; exit 1; }

env_out=$("$top/scripts/provision.sh" env) || exit 1
eval "$env_out"		# ABI KDIR IMAGE MODDIR BUSYBOX L1TOOLS

# Modules the guest initramfs carries; dependencies are added before them.
GUEST_MODULES="virtio_mmio virtio_pci virtio_blk virtio_net virtio_console
	virtio-rng 9pnet_virtio 9p"
# Modules the guest loads only when a test asks (guest-init's load_extra).
GUEST_EXTRA_MODULES="crc32c_generic ext4 gpio_keys evdev"
# Modules L1 loads only when a test asks (lib.sh's load_host_modules).
HOST_MODULES="loop crc32c_generic ext4 dm-log-writes tun bridge vhost_net"
# The guest kernel's modules the boot without a disk puts in its initramfs
# (vmm/rootfs.c), where a distribution installs them in L1:
# /lib/modules/$ABI/kernel/..., with modules.builtin and no modules.dep (so
# the vmm reads each module's own dependencies).
ROOTFS_MODULES="virtio_mmio virtio_pci 9pnet_virtio 9p"
# Modules L1 loads at boot (host-init.sh): dummy, for the interface with a
# default route that passt takes its addresses from.
HOST_BOOT_MODULES="dummy"

mode_args() {
	case $1 in
	vhe) echo "" ;;
	nvhe) echo "kvm-arm.mode=nvhe" ;;
	vhe-none) echo "kvm-arm.mode=none" ;;
	nvhe-none) echo "id_aa64mmfr1.vh=0 kvm-arm.mode=none" ;;
	a72-none) echo "kvm-arm.mode=none" ;;
	vhe-gicv2) echo "" ;;
	*) die "unknown mode '$1': use vhe, nvhe, vhe-none, nvhe-none, a72-none or vhe-gicv2" ;;
	esac
}

# The emulated host's CPU: QEMU's "max" (ARMv8.x with VHE; pauth-impdef
# makes pointer authentication 3x cheaper to emulate), or a Cortex-A72
# (ARMv8.0: EL2, no VHE) for the mode named after it.
cpu_model() {
	case $1 in
	a72-*) echo cortex-a72 ;;
	*) echo max,pauth-impdef=on ;;
	esac
}

# The emulated host's GIC: v3, but v2 (with virtualization extensions) for
# the mode that tests the vmm's GICv2 fallback.
gic_version() {
	case $1 in
	*-gicv2) echo 2 ;;
	*) echo 3 ;;
	esac
}

# The path under $MODDIR of module $1 (names treat - and _ alike).
module_path() {
	local re=${1//[-_]/[-_]} f
	f=$(grep -m1 "/$re\.ko\$" "$tb/modules.list") ||
		die "module $1 not found in $MODDIR"
	echo "${f#"$MODDIR"/}"
}

# Print module $1's dependencies (recursively) and then itself, once each.
declare -A seen_mod
module_order() {
	local rel deps d
	[ -n "${seen_mod[$1]:-}" ] && return
	seen_mod[$1]=1
	rel=$(module_path "$1")
	deps=$(aarch64-linux-gnu-objcopy -O binary --only-section=.modinfo \
		"$MODDIR/$rel" /dev/stdout 2>/dev/null | tr '\0' '\n' |
		sed -n 's/^depends=//p' | tr ',' ' ')
	for d in $deps; do
		module_order "$d"
	done
	echo "$rel"
}

# The L2 guest initramfs: busybox, /init and the virtio modules.
# copy_modules ROOT LIST MODULE...: each module and what it depends on,
# into ROOT/lib/modules, their order (dependencies first) into ROOT/LIST.
copy_modules() {
	local root=$1 list=$2 m rel
	shift 2
	seen_mod=()
	: > "$root/$list"
	for m in "$@"; do
		module_order "$m"
	done | while read -r rel; do
		cp "$MODDIR/$rel" "$root/lib/modules/"
		basename "$rel" >> "$root/$list"
	done
}

mk_guest_initrd() {
	local root=$tb/guest-root
	rm -rf "$root" && mkdir -p "$root"/{bin,etc,proc,sys,dev,mnt,lib/modules}
	cp "$BUSYBOX" "$root/bin/busybox"
	cp "$top/scripts/guest-init.sh" "$root/init"
	[ -f "$build/tcp-bench" ] && cp "$build/tcp-bench" "$root/bin/tcp-bench"
	[ -f "$build/powerkey" ] && cp "$build/powerkey" "$root/bin/powerkey"
	find "$MODDIR/kernel" -name '*.ko' > "$tb/modules.list"
	# shellcheck disable=SC2086
	copy_modules "$root" etc/modules $GUEST_MODULES
	# shellcheck disable=SC2086
	copy_modules "$root" etc/modules-extra $GUEST_EXTRA_MODULES
	(cd "$root" && find . | cpio -o -H newc --quiet) > "$tb/guest-initrd.cpio"
}

# A small ext4 image for the disk tests, made here: L1 has no mkfs.
mk_disk_image() {
	local dir=$tb/disk-root
	rm -rf "$dir" && mkdir -p "$dir"
	echo "hello from the image's maker" > "$dir/from-host.txt"
	rm -f "$tb/disk.img"
	mkfs.ext4 -q -F -d "$dir" -L vmmtest "$tb/disk.img" 8M > /dev/null ||
		die "mkfs.ext4 failed: is e2fsprogs installed?"
}

mk_host_initrd() {
	local root=$tb/host-root f
	mk_disk_image
	rm -rf "$root" && mkdir -p "$root"/{bin,etc,proc,sys,dev,tmp,mnt,guest,tests,firmware,bench,lib/modules}
	cp "$BUSYBOX" "$root/bin/busybox"
	cp "$top/scripts/host-init.sh" "$root/init"
	cp "$build/vmm" "$root/bin/vmm"
	[ -f "$build/vmm.ko" ] && cp "$build/vmm.ko" "$root/vmm.ko"
	# the test tools L1 runs (the Makefile's TOOLS but powerkey, the guest's)
	for f in kmod-test dm-log dns-stub tcp-bench ctl-raw rsp runas ioctl-fuzz; do
		[ ! -f "$build/$f" ] || cp "$build/$f" "$root/bin/$f"
	done
	# the payloads, and their ELF files (full DWARF) for gdb in L1
	for f in "$build"/firmware/*.img "$build"/firmware/*.bin "$build"/firmware/*.elf; do
		[ -f "$f" ] && cp "$f" "$root/firmware/"
	done
	ln -f "$IMAGE" "$root/guest/Image" 2>/dev/null || cp "$IMAGE" "$root/guest/Image"
	cp "$tb/guest-initrd.cpio" "$root/guest/initrd.cpio"
	cp "$tb/disk.img" "$root/guest/disk.img"
	# shellcheck disable=SC2086
	copy_modules "$root" etc/modules $HOST_MODULES
	# shellcheck disable=SC2086
	copy_modules "$root" etc/modules-boot $HOST_BOOT_MODULES
	seen_mod=()
	# shellcheck disable=SC2086
	for m in $ROOTFS_MODULES; do
		module_order "$m"
	done | while read -r rel; do
		mkdir -p "$root/lib/modules/$ABI/$(dirname "$rel")"
		cp "$MODDIR/$rel" "$root/lib/modules/$ABI/$rel"
	done
	cp "$MODDIR/modules.builtin" "$root/lib/modules/$ABI/"
	# passt and what it links against, off PATH (/opt/passt/bin: only the
	# tests that ask for user networking get the implicit NIC; a passt
	# per VM is L1 time every other test would pay); a user "nobody" for
	# it to drop to, "tester" for tests that run the vmm unprivileged
	mkdir -p "$root/opt/passt/bin" "$root/lib/aarch64-linux-gnu"
	cp "$L1TOOLS/usr/bin/passt" "$root/opt/passt/bin/"
	cp -P "$L1TOOLS/lib/ld-linux-aarch64.so.1" "$root/lib/"
	cp "$L1TOOLS"/lib/aarch64-linux-gnu/{ld-linux-aarch64.so.1,libc.so.6} "$root/lib/aarch64-linux-gnu/"
	# gdb, on PATH, for the tests of the vmm's GDB stub, with the shared
	# objects and iconv modules provision.sh found it needs (gdb-files),
	# where Debian puts them: about 30 MB, uncompressed.  Measured with
	# -icount, L1's boot to its first test takes 10% more instructions
	# with them (0.12 s at one a nanosecond: unpacking, the copy to
	# tmpfs); a compressed archive unpacked on first use would take 1.5
	# (gzip) to 2.7 s (xz) of them in each mode that runs gdb.
	mkdir -p "$root/usr/bin"
	cp "$L1TOOLS/usr/bin/gdb" "$root/usr/bin/gdb"
	while read -r f; do
		mkdir -p "$root/$(dirname "$f")"
		cp -L "$L1TOOLS/$f" "$root/$f"
	done < "$L1TOOLS/gdb-files"
	printf 'root:x:0:0:root:/:/bin/sh\ntester:x:1000:1000:tester:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
	printf 'root:x:0:\ntester:x:1000:\nnogroup:x:65534:\n' > "$root/etc/group"
	cp "$tests_dir"/*.sh "$root/tests/"
	cp "$top"/tests/bench/*.sh "$root/bench/"
	(cd "$root" && find . | cpio -o -H newc --quiet) > "$tb/host-initrd.cpio"
}

# Boot L1 once: qemu_l1 MODE ACTION TIMEOUT [EXTRA KERNEL ARGS]; console on
# stdout.  The console is a plain stdio chardev: no QEMU monitor escape, so
# Ctrl-A reaches vmm inside.  L1's RCU stall and soft-lockup detectors wait
# 60 s rather than 21 and 20: an emulated CPU on a loaded 2-core machine
# can go that long unscheduled, and every test fails on what they print
# (host-init.sh); a real lockup lasts, and still shows.
qemu_l1() {
	local mode=$1 action=$2 limit=$3
	shift 3
	# shellcheck disable=SC2086
	timeout --foreground -k 30 "$limit" qemu-system-aarch64 ${QEMU_EXTRA:-} \
		-M virt,virtualization=on,gic-version="$(gic_version "$mode")" \
		-cpu "$(cpu_model "$mode")" -smp 2 -m 2048 \
		-nodefaults -display none -no-reboot \
		-chardev stdio,id=con,signal=off -serial chardev:con \
		-kernel "$IMAGE" -initrd "$tb/host-initrd.cpio" \
		-append "console=ttyAMA0 panic=-1 quiet rcupdate.rcu_cpu_stall_timeout=60 watchdog_thresh=30 $(mode_args "$mode") tb.action=$action tb.mode=$mode $*"
}

matches_any() {	# matches_any NAME PATTERN...
	local name=$1 p
	shift
	for p in "$@"; do
		# shellcheck disable=SC2254
		case $name in $p) return 0 ;; esac
	done
	return 1
}

test_field() {	# test_field FILE FIELD DEFAULT
	local v
	v=$(sed -n "s/^# $2: *//p" "$1" | head -n1)
	echo "${v:-$3}"
}

check_mode() {
	local mode=$1 results=$2 t f list="" limit=60 log
	local begin pass=0 fail=0 status qstatus rest name reason
	declare -A done_tests=()

	log=$tb/$mode.log

	for f in "$tests_dir"/*.sh; do
		t=$(basename "$f" .sh)
		[ "$t" = lib ] && continue
		# TESTS="fw-* boot-linux": run only the tests matching a pattern
		matches_any "$t" ${TESTS:-'*'} || continue
		case " $(test_field "$f" modes "vhe nvhe") " in
		*" $mode "*) ;;
		*) continue ;;
		esac
		list="$list${list:+,}$t"
		limit=$((limit + $(test_field "$f" timeout 120)))
	done
	[ -n "$list" ] || return 0

	echo "testbed: $mode: booting L1 for ${list//,/ } (log: ${log#"$top"/})"
	begin=$(date +%s)
	set +e
	# line by line, so that a bed that hangs leaves its log up to the hang
	qemu_l1 "$mode" check "$limit" "tb.tests=$list" < /dev/null 2>&1 |
		sed -u 's/\r//g' > "$log"
	qstatus=${PIPESTATUS[0]}
	set -e

	while read -r _ _ _ name status rest; do
		done_tests[$name]=1
		if [ "$status" = PASS ]; then
			echo "PASS integration/$mode/$name" >> "$results"
			echo "  PASS  $mode/$name"
			pass=$((pass + 1))
		else
			echo "FAIL integration/$mode/$name: $rest" >> "$results"
			echo "  FAIL  $mode/$name: $rest"
			# the end of what it printed, so that a CI log read
			# later tells why without the test bed's own log
			sed -n "/^@@@ BEGIN $mode $name\$/,/^@@@ RESULT $mode $name /p" "$log" |
				sed '1d;$d' | tail -n 40 | sed 's/^/        /'
			fail=$((fail + 1))
		fi
	done < <(grep -o "@@@ RESULT $mode .*" "$log")

	for t in ${list//,/ }; do
		[ -n "${done_tests[$t]:-}" ] && continue
		if [ "$qstatus" = 124 ]; then
			reason="no result: L1 timed out after ${limit}s"
		else
			reason="no result: L1 stopped early (qemu status $qstatus)"
		fi
		echo "FAIL integration/$mode/$t: $reason (see ${log#"$top"/})" >> "$results"
		echo "  FAIL  $mode/$t: $reason"
	done
	# every test done, and yet L1 never powered off: it hung on its way
	# down (vmm.ko's reboot notifier, say, in the nVHE modes)
	if [ ${#done_tests[@]} -gt 0 ] && ! grep -q '^\[ *[0-9.]*\] reboot: Power down' "$log"; then
		echo "FAIL integration/$mode/poweroff: L1 did not power off after its tests (see ${log#"$top"/})" >> "$results"
		echo "  FAIL  $mode/poweroff: L1 did not power off after its tests"
		fail=$((fail + 1))
	fi
	echo "testbed: $mode: $pass passed, $fail failed in $(( $(date +%s) - begin ))s"
}

cmd=${1:-}
[ -n "$cmd" ] || die "usage: testbed.sh check|shell|run|bench [...]"
shift
[ -x "$build/vmm" ] || die "$build/vmm is missing: run 'make' first"
mkdir -p "$tb"

case $cmd in
check)
	results=$tb/results.txt
	if [ "${1:-}" = --results ]; then
		results=$2
		shift 2
	fi
	[ $# -gt 0 ] || set -- vhe nvhe
	for m in "$@"; do mode_args "$m" > /dev/null; done
	: > "$results"
	mk_guest_initrd
	mk_host_initrd
	for m in "$@"; do
		check_mode "$m" "$results"
	done
	! grep -q '^FAIL' "$results"
	;;
shell)
	mk_guest_initrd
	mk_host_initrd
	qemu_l1 "${1:-vhe}" shell 86400
	;;
run)
	mk_guest_initrd
	if [ "$(uname -m)" = aarch64 ] && [ -e /dev/kvm ]; then
		exec "$build/vmm" run -k "$IMAGE" -i "$tb/guest-initrd.cpio" -p quiet
	fi
	mk_host_initrd
	qemu_l1 vhe run 86400
	;;
bench)
	# -icount shift=0: one instruction is one nanosecond of guest time, so
	# the payload's ns/op are instructions per operation, the same each run.
	mk_guest_initrd
	mk_host_initrd
	modes=${*:-vhe nvhe vhe-none nvhe-none}
	: > "$tb/bench.txt"
	for m in $modes; do
		echo "testbed: $m: booting L1 with -icount shift=0 for the benchmarks"
		QEMU_EXTRA="-icount shift=0,sleep=off" qemu_l1 "$m" bench 1200 \
			tb.bench="${BENCH:-all}" < /dev/null 2>&1 | tr -d '\r' > "$tb/bench-$m.log"
		grep -o '@@@ BENCH.*' "$tb/bench-$m.log" >> "$tb/bench.txt" || true
		grep -q "@@@ BENCH-STATUS [^ ]* $m 0" "$tb/bench-$m.log" &&
			! grep -q "@@@ BENCH-STATUS [^ ]* $m [1-9]" "$tb/bench-$m.log" ||
			echo "testbed: $m: a benchmark run failed (see ${tb#"$top"/}/bench-$m.log)" >&2
	done
	"$top/scripts/bench-report.sh" "$tb/bench.txt" "$build/bench.json"
	;;
*)
	die "unknown command '$cmd': use check, shell, run or bench"
	;;
esac
