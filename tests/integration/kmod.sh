# SPDX-License-Identifier: GPL-2.0
# kmod.sh - vmm.ko loads only where EL2 is free and the host is VHE, gives
# /dev/vmm with KVM's ioctls, survives 100 VMs of 2 vCPUs with nothing
# left behind, and unloads.
# modes: vhe vhe-none nvhe-none
# timeout: 120
. /tests/lib.sh

params=/sys/module/vmm/parameters
case $TB_MODE in
vhe)
	insmod /vmm.ko 2>/tmp/insmod.err && fail "insmod succeeded with the kernel's KVM active"
	cat /tmp/insmod.err
	dmesg | grep "vmm: the kernel's KVM owns EL2: boot with kvm-arm.mode=none" ||
		fail "no refusal message in dmesg"
	grep -q 'Device or resource busy' /tmp/insmod.err || fail "insmod did not get EBUSY"
	[ ! -e /dev/vmm ] || fail "/dev/vmm exists"
	;;
nvhe-none)
	insmod /vmm.ko 2>/dev/null && fail "insmod succeeded on an nVHE host"
	dmesg | grep "vmm: the kernel runs at EL1" || fail "no refusal message in dmesg"
	;;
vhe-none)
	free_before=$(sed -n 's/^MemFree: *\([0-9]*\).*/\1/p' /proc/meminfo)
	insmod /vmm.ko || fail "insmod failed: $(dmesg | tail -n 1)"
	[ -c /dev/vmm ] || fail "/dev/vmm is not a character device"
	kmod-test /dev/vmm 100 2 | tee /tmp/kt.out
	grep -q '^kmod-test: 100 VMs of 2 vCPUs created and destroyed$' /tmp/kt.out ||
		fail "$(grep FAIL /tmp/kt.out || echo kmod-test did not finish)"
	[ "$(cat $params/live_vms)" = 0 ] || fail "$(cat $params/live_vms) VMs left alive"
	[ "$(cat $params/live_vcpus)" = 0 ] || fail "$(cat $params/live_vcpus) vCPUs left alive"

	# vmm speaks to it; the in-kernel GIC is not there yet: a clear error
	vmm_run run --kvm-dev /dev/vmm -k /firmware/psci.img -c 2 -m 64
	expect_error '/dev/vmm: the hypervisor lacks KVM_CAP_DEVICE_CTRL'

	rmmod vmm || fail "rmmod failed"
	[ ! -e /dev/vmm ] || fail "/dev/vmm outlived the module"
	free_after=$(sed -n 's/^MemFree: *\([0-9]*\).*/\1/p' /proc/meminfo)
	echo "MemFree before ${free_before} kB, after ${free_after} kB"
	# 100 VMs x 2 vCPUs hold 200 kvm_run pages (800 kB) alone
	[ $((free_before - free_after)) -lt 400 ] ||
		fail "MemFree fell by $((free_before - free_after)) kB over 100 VMs"
	;;
esac
