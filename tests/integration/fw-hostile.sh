# SPDX-License-Identifier: GPL-2.0
# fw-hostile.sh - the hostile payload: what a hostile or broken guest does
# reaches the guest as the architecture says, on the kernel's KVM and on
# vmm.ko alike; the vmm survives and the host stays healthy.
# modes: vhe nvhe vhe-none nvhe-none
# timeout: 120
. /tests/lib.sh

args="-c 1 -m 64"
use_vmm_ko
run_payload hostile 23 $args
if on_vmm_ko; then
	expect_no_vm_left 5	# the VM is gone with the vmm
	kmod_unload
fi
