#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# guest-init.sh - /init of the L2 guest initramfs (busybox + virtio modules).
#
# The kernel passes unknown key=value parameters to init as environment
# variables; `vmmtest=<action>` picks what the guest does:
#   (unset)   an interactive shell; the guest powers off when it exits
#   info      print what tests check (CPUs online, memory, the ITS), then power off
#   poweroff  power off at once      reboot   reset at once
#   boottime  print /proc/uptime as /init starts, then power off
#   clock     print /proc/uptime, sleep 5 s, print it again, power off
#   busy      keep every CPU busy for 10 s of uptime, say how much each did
#   dmesg     print the kernel's log (timestamps show where a boot went)
#   panic     crash the kernel (sysrq c)
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
[ "${vmmtest:-}" != boottime ] ||
	echo "guest-uptime-at-init: $(cut -d' ' -f1 /proc/uptime)"

# Modules in dependency order, as the test bed listed them.
while read -r m; do
	insmod "/lib/modules/$m" 2>/dev/null || echo "guest-init: insmod $m failed"
done < /etc/modules

case "${vmmtest:-}" in
info)
	echo "guest-cpus-online: $(cat /sys/devices/system/cpu/online)"
	echo "guest-nproc: $(grep -c ^processor /proc/cpuinfo)"
	echo "guest-memtotal: $(sed -n 's/^MemTotal: *//p' /proc/meminfo)"
	echo "guest-cmdline: $(cat /proc/cmdline)"
	echo "guest-pmu: $(ls /sys/bus/event_source/devices/ | grep -c armv8_pmuv3)"
	# the GICv3 ITS driver's lines (info level: quiet keeps them off the console)
	dmesg | sed -n 's/^\(\[[ 0-9.]*\] \)\{0,1\}\(ITS.*\)/guest-its: \2/p'
	poweroff -f ;;
dmesg)
	dmesg
	poweroff -f ;;
poweroff|boottime)
	echo "guest-init: powering off"
	poweroff -f ;;
clock)
	echo "guest-clock-start: $(cut -d' ' -f1 /proc/uptime)"
	sleep 5
	echo "guest-clock-end: $(cut -d' ' -f1 /proc/uptime)"
	poweroff -f ;;
busy)
	echo "guest-busy-start: $(nproc) CPUs"
	end=$(($(cut -d. -f1 /proc/uptime) + 10))
	for c in $(seq "$(nproc)"); do
		(n=0
		 while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do n=$((n + 1)); done
		 echo "guest-busy-loop: $n rounds") &
	done
	wait
	echo "guest-busy-end"
	poweroff -f ;;
reboot)
	echo "guest-init: rebooting"
	reboot -f ;;
panic)
	echo "guest-init: crashing the kernel"
	echo c > /proc/sysrq-trigger ;;
*)
	echo "guest-init: busybox shell; 'poweroff -f' or exit to stop"
	setsid cttyhack sh -l
	poweroff -f ;;
esac
sleep 5
echo "guest-init: still running after '$vmmtest'"
poweroff -f
