#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# host-init.sh - /init of the emulated arm64 host (L1) in the test bed.
#
# Kernel parameters (read from /proc/cmdline):
#   tb.action=check|shell|run|bench   what to do
#   tb.tests=a,b,c                    tests to run (check)
#   tb.mode=vhe|nvhe|vhe-none|nvhe-none|a72-none|vhe-gicv2
#   tb.bench=all|fw,boot,blk,net,9p   benchmarks to run (bench)
# Each test prints its output, then a result line the host side parses:
#   @@@ RESULT <mode> <test> PASS|FAIL <reason>
# passt (the vmm's user networking) sandboxes itself with pivot_root, which
# the initramfs's own root refuses: first move onto a tmpfs, as an
# initramfs hands over to a real root (switch_root frees the old one).
if [ ! -e /.tb-root ]; then
	/bin/busybox mkdir /newroot &&
		/bin/busybox mount -t tmpfs -o mode=755,size=75% root /newroot &&
		for f in /*; do
			[ "$f" = /newroot ] || /bin/busybox cp -a "$f" /newroot/ || exit 1
		done &&
		/bin/busybox touch /newroot/.tb-root &&
		exec /bin/busybox switch_root /newroot /init
	# not on a tmpfs: the tests run, and passt's will fail saying why
	echo "@@@ L1: could not move the root onto a tmpfs"
	/bin/busybox umount /newroot 2> /dev/null
fi
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /tmp && mount -t tmpfs tmp /tmp
export PATH=/bin:/sbin:/usr/bin TB_ROOT=/

# The network as passt sees a host's: an interface (dummy0) with L1's
# addresses and default routes (IPv4 and IPv6), loopback up (passt maps the gateway's
# address to it), and a resolver on loopback that a test may start.
while read -r m; do
	insmod "/lib/modules/$m"
done < /etc/modules-boot
ip link set lo up
# (loading dummy makes dummy0)
{ ip link show dummy0 > /dev/null 2>&1 || ip link add dummy0 type dummy; } &&
	ip addr add 10.0.2.15/24 dev dummy0 && ip link set dummy0 up &&
	ip route add default via 10.0.2.2 dev dummy0 &&
	ip -6 addr add fd00::15/64 dev dummy0 &&
	ip -6 route add default via fd00::2 dev dummy0 ||
	echo "@@@ L1: no dummy0 with a default route: passt will not start"
echo "nameserver 127.0.0.1" > /etc/resolv.conf
# a system log, as a host has (passt logs there, and complains without one)
mkdir -p /var/log && syslogd -O /var/log/messages

arg() {
	for w in $(cat /proc/cmdline); do
		case $w in tb.$1=*) echo "${w#*=}" ;; esac
	done
}
action=$(arg action)
mode=$(arg mode)
export TB_MODE=$mode

echo "@@@ L1 up: mode $mode, $(grep -c ^processor /proc/cpuinfo) CPUs, kvm: $([ -e /dev/kvm ] && echo yes || echo no)"

# What the kernel logged since line $1 of dmesg that says it went wrong:
# an oops, a BUG, a WARN, a stall.  Each test is charged with what was
# logged while it ran, so a kernel error fails the test that caused it and
# no other.
kernel_errors() {
	dmesg | sed "1,${1}d" |
		grep -E -A 12 'Oops|BUG:|WARNING:|Call trace|Internal error|stall|blocked for more than'
}

# vmm.ko's counters that are not 0 once a test's VMs are gone, as
# "name=value" words; each may take up to 5 s to drain (a killed vmm's
# files are released as it exits).
kmod_left_behind() {
	local c n i
	[ -d /sys/module/vmm/parameters ] || return 0
	for c in live_vms live_vcpus pinned_pages locked_pages; do
		i=0
		while n=$(cat /sys/module/vmm/parameters/$c) && [ "$n" != 0 ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		[ "$n" = 0 ] || echo -n "$c=$n "
	done
}

run_test() {
	local t=$1 to rc reason= vp task lines errs left begin allowed
	to=$(sed -n 's/^# timeout: *\([0-9]*\).*/\1/p' "/tests/$t.sh")
	echo "@@@ BEGIN $mode $t"
	# In vhe-none, nvhe-none and a72-none the hypervisor is vmm.ko: loaded
	# before each test, so a test that names none runs on it (vmm picks
	# /dev/vmm when present).  kmod.sh loads and unloads it itself.
	case $mode in vhe-none|nvhe-none|a72-none) vmm_ko=1 ;; *) vmm_ko= ;; esac
	if [ -n "$vmm_ko" ] && [ "$t" != kmod ] && [ ! -e /sys/module/vmm ]; then
		insmod /vmm.ko || echo "  | insmod /vmm.ko failed: $(dmesg | tail -n 1)"
	fi
	lines=$(dmesg | wc -l)
	begin=$(cut -d. -f1 /proc/uptime)
	timeout "${to:-120}" sh "/tests/$t.sh" > /tmp/out 2>&1
	rc=$?
	# how long it took, for whoever keeps make check fast
	echo "test took $(($(cut -d. -f1 /proc/uptime) - begin)) s" >> /tmp/out
	# awk ends every line, even an unterminated last one from a guest
	awk '{ print "  | " $0 }' /tmp/out
	if [ $rc != 0 ]; then
		reason=$(sed -n 's/^FAIL: //p' /tmp/out | tail -n 1)
		reason=${reason:-exit status $rc}
	fi
	if [ $rc = 124 ] || [ $rc = 143 ]; then
		reason="timed out after ${to:-120}s; $reason"
		# timeout killed the test's shell, not its vmm: say where each
		# vmm was, in user space and in the kernel, then end it, so that
		# the next test starts clean
		for vp in $(pidof vmm); do
			echo "  | vmm $vp left running: $(grep '^State' /proc/$vp/status)"
			for task in /proc/$vp/task/*; do
				echo "  |   thread ${task##*/} $(cat $task/comm): $(cat $task/wchan 2>/dev/null)"
				sed 's/^/  |     /' $task/stack 2>/dev/null
			done
			kill -9 $vp
		done
		dmesg | tail -n 20 | sed 's/^/  | dmesg: /'
	fi
	left=$(kmod_left_behind)
	[ -z "$left" ] || reason="vmm.ko holds ${left% } after the test${reason:+; $reason}"
	errs=$(kernel_errors "$lines")
	# a test's "# host-warnings: REGEX": the kernel's own WARNs it may
	# reach (the KVM reference's bugs), said but not counted, when they
	# are all there is
	allowed=$(sed -n 's/^# host-warnings: //p' "/tests/$t.sh")
	if [ -n "$errs" ] && [ -n "$allowed" ] &&
	   ! echo "$errs" | grep -E 'Oops|BUG:|WARNING:|Internal error|stall|blocked for more than' |
		grep -vqE "WARNING: .*($allowed)"; then
		echo "$errs" | grep -E "WARNING: " | sed 's/^/  | dmesg (the test allows it): /'
		errs=
	fi
	if [ -n "$errs" ]; then
		echo "$errs" | sed 's/^/  | dmesg: /'
		reason="the host logged a kernel error: $(echo "$errs" | head -n 1)${reason:+; $reason}"
	fi
	if [ -z "$reason" ]; then
		echo "@@@ RESULT $mode $t PASS"
	else
		echo "@@@ RESULT $mode $t FAIL $reason"
	fi
}

case "$action" in
check)
	for t in $(arg tests | tr , ' '); do
		run_test "$t"
	done ;;
run)
	setsid cttyhack sh -c 'vmm run -k /guest/Image -i /guest/initrd.cpio -p quiet'
	echo "@@@ vmm exited with status $?" ;;
bench)
	TB_BENCH=$(arg bench) sh /bench/run.sh ;;
*)
	echo "@@@ test bed shell ($mode): vmm, /guest/Image, /guest/initrd.cpio, /firmware, /tests"
	setsid cttyhack sh -l ;;
esac
echo "@@@ L1 done"
poweroff -f
