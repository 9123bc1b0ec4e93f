// SPDX-License-Identifier: GPL-2.0
/*
 * owner.c - who owns EL2.  vmm.ko runs only where the kernel's KVM does
 * not: two owners of EL2 state and VMIDs would break isolation.  The
 * kernel exports no "KVM is live" predicate (kvm_get_mode() is not
 * exported), but kvm_init() creates kvm_debugfs_dir and never runs under
 * kvm-arm.mode=none, so the directory's existence says which.
 */
#include <linux/kvm_host.h>

#include "owner.h"

bool vmm_kernel_kvm_active(void)
{
	return kvm_debugfs_dir != NULL;
}
