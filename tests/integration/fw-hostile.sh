# SPDX-License-Identifier: GPL-2.0
# fw-hostile.sh - the hostile payload: what a hostile or broken guest does
# reaches the guest as the architecture says, on the kernel's KVM and on
# vmm.ko alike; the vmm survives and the host stays healthy.
# modes: vhe nvhe vhe-none
# timeout: 120
. /tests/lib.sh

args="-c 1 -m 64"
if [ "$TB_MODE" = vhe-none ]; then
	kmod_load
	args="$args --kvm-dev /dev/vmm --irqchip none"
fi
run_payload hostile 4 $args
! dmesg | grep -E 'Oops|BUG:|Call trace' || fail "the host logged a kernel error"
if [ "$TB_MODE" = vhe-none ]; then
	# the VM is gone with the vmm: nothing of it stays in the module
	for c in live_vms live_vcpus pinned_pages; do
		wait_until 5 [ "$(cat /sys/module/vmm/parameters/$c)" = 0 ] ||
			fail "$c is $(cat /sys/module/vmm/parameters/$c) after the run"
	done
	kmod_unload
fi
