# SPDX-License-Identifier: GPL-2.0
# lib.sh - helpers for integration tests, sourced inside the test bed's L1.
# A test prints what it saw, and "FAIL: <reason>" before exiting non-zero.

GUEST_KERNEL=/guest/Image
GUEST_INITRD=/guest/initrd.cpio
# passt, off PATH in L1: a test that wants user networking adds it
PASST_DIR=/opt/passt/bin

fail() {
	# a newline first: guest output may have left a line unfinished
	printf '\nFAIL: %s\n' "$*"
	exit 1
}

# vmm_run ARGS...: run vmm with stdin closed; its output in $out (a file,
# echoed to the log, the guest tty's CRLF line ends made LF) and its exit
# status in $status.
vmm_run() {
	out=/tmp/vmm.$$.out
	echo "+ vmm $*"
	vmm "$@" < /dev/null > "$out.raw" 2>&1
	status=$?
	tr -d '\r' < "$out.raw" > "$out"
	cat "$out"
	echo "+ exit status $status"
}

expect_status() {
	[ "$status" = "$1" ] || fail "${2:-vmm} exited with status $status, expected $1"
}

# expect_output REGEX [WHAT]: the last vmm output has a line matching REGEX.
expect_output() {
	grep -qE "$1" "$out" || fail "${2:-output} lacks /$1/"
}

# expect_error REGEX: vmm failed with a one-line error matching REGEX.
expect_error() {
	[ "$status" != 0 ] || fail "vmm succeeded, expected an error /$1/"
	[ "$(wc -l < "$out")" = 1 ] || fail "expected a one-line error, got $(wc -l < "$out") lines"
	expect_output "^vmm: .*$1" "the error"
}

# run_payload NAME MIN_CHECKS VMM-ARGS...: boot /firmware/NAME.img (or the
# file VMM-ARGS give with -k or -f); it must power off (status 0) after at
# least MIN_CHECKS checks, none failed.
run_payload() {
	name=$1 min=$2
	shift 2
	case " $* " in
	*" -k "*|*" -f "*) ;;
	*) set -- -k /firmware/$name.img "$@" ;;
	esac
	vmm_run run "$@"
	# "# TODO" checks report a known limit of the stack, not a failure
	! grep '^not ok' "$out" | grep -vq '# TODO ' ||
		fail "$(grep '^not ok' "$out" | grep -v '# TODO ' | head -n1)"
	expect_output "^# $name: [0-9]+ passed, 0 failed$" "the $name summary"
	passed=$(sed -n "s/^# $name: \([0-9]*\) passed.*/\1/p" "$out")
	[ "$passed" -ge "$min" ] || fail "$name ran $passed checks, expected at least $min"
	expect_status 0 "vmm after the $name payload"
}

# on_vmm_ko: the mode's hypervisor is vmm.ko (vhe-none, nvhe-none, a72-none)
on_vmm_ko() {
	case $TB_MODE in vhe-none|nvhe-none|a72-none) return 0 ;; esac
	return 1
}

# kmod_load [PARAM=VALUE...]: load vmm.ko afresh (the modes on_vmm_ko names).
kmod_load() {
	[ ! -e /sys/module/vmm ] || rmmod vmm || fail "vmm.ko is loaded and busy"
	insmod /vmm.ko "$@" || fail "insmod vmm.ko $*: $(dmesg | tail -n 1)"
	[ -c /dev/vmm ] || fail "/dev/vmm is not a character device"
}

# use_vmm_ko: where on_vmm_ko, load vmm.ko afresh and add its device to $args.
use_vmm_ko() {
	on_vmm_ko || return 0
	kmod_load
	args="$args --kvm-dev /dev/vmm"
}

# expect_no_vm_left [SECONDS]: vmm.ko keeps no VM, vCPU, pinned page or
# page charged to locked_vm (within SECONDS, default at once).
expect_no_vm_left() {
	for c in live_vms live_vcpus pinned_pages locked_pages; do
		wait_until "${1:-0}" [ "$(cat /sys/module/vmm/parameters/$c)" = 0 ] ||
			fail "$c is $(cat /sys/module/vmm/parameters/$c) after every VM ended"
	done
}

kmod_unload() {
	rmmod vmm || fail "rmmod vmm failed"
	[ ! -e /dev/vmm ] || fail "/dev/vmm outlived the module"
}

# wait_until SECONDS CMD...: run CMD every 0.1 s until it succeeds, for at
# most SECONDS; returns CMD's last status.
wait_until() {
	tries=$(($1 * 10))
	shift
	until "$@"; do
		[ $tries -gt 0 ] || return 1
		sleep 0.1
		tries=$((tries - 1))
	done
}

# wait_for_output REGEX FILE SECONDS: until FILE has a line matching REGEX.
wait_for_output() {
	# the file may not be there yet: the background job makes it
	wait_until "$3" grep -qE "$1" "$2" 2> /dev/null ||
		fail "no /$1/ in $2 after $3 s: $(tail -n 3 "$2")"
}

# cpu_ticks PID: the user and system time of process PID, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' /proc/$1/stat
}

# expect_spectre_answers: the psci payload's SMCCC_ARCH_FEATURES answers
# for WORKAROUND_1 (Spectre-v2) and _3 (BHB), in $out, are what the host
# kernel's own state of its CPUs says a hypervisor must answer (KVM's
# rule): -1 vulnerable, 0 mitigated, 1 not affected.  The state is read
# back from the sysfs text cpu_show_spectre_v2() prints.
expect_spectre_answers() {
	local v2 got want1 want3
	v2=$(cat /sys/devices/system/cpu/vulnerabilities/spectre_v2)
	case $v2 in
	"Not affected")				want1=1 want3=1 ;;
	"Mitigation: CSV2, but not BHB")	want1=1 want3=-1 ;;
	"Mitigation: CSV2, BHB")		want1=1 want3=0 ;;
	"Mitigation: "*", but not BHB")		want1=0 want3=-1 ;;
	"Mitigation: "*", BHB")			want1=0 want3=0 ;;
	"Mitigation: "*)			want1=0 want3=1 ;;
	"Vulnerable")				want1=-1 want3='*' ;;
	*)					want1='*' want3='*' ;;
	esac
	got=$(sed -n 's/^# psci: SMCCC_ARCH_FEATURES WORKAROUND_1 \(-*[0-9]*\) WORKAROUND_3 \(-*[0-9]*\).*/\1 \2/p' "$out")
	echo "spectre_v2 '$v2': WORKAROUND_1/3 answered $got, expected $want1 $want3"
	case "$got" in
	$want1" "$want3) ;;
	*) fail "SMCCC_ARCH_FEATURES answered '$got' for WORKAROUND_1/3; the host's spectre_v2 '$v2' says '$want1 $want3'" ;;
	esac
}

# load_host_modules: L1's extra modules (loop, ext4, dm-log-writes and what
# they need), in the order the test bed listed them; loaded ones are kept.
load_host_modules() {
	while read -r m; do
		grep -q "^${m%.ko} " /proc/modules 2>/dev/null ||
			grep -q "^$(echo "${m%.ko}" | tr - _) " /proc/modules ||
			insmod "/lib/modules/$m" || fail "insmod $m: $(dmesg | tail -n 1)"
	done < /etc/modules
}
