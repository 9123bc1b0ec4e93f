// SPDX-License-Identifier: GPL-2.0
/* memslot.c - guest memory slots beyond RAM: devices map host memory in. */
#include <errno.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "vmm.h"

int vm__set_memslot(struct vm *vm, u32 slot, u64 gpa, u64 size, void *hva,
		    bool readonly)
{
	struct kvm_userspace_memory_region region = {
		.slot			= slot,
		.flags			= readonly ? KVM_MEM_READONLY : 0,
		.guest_phys_addr	= gpa,
		.memory_size		= size,
		.userspace_addr		= (u64)(unsigned long)hva,
	};

	/*
	 * api.rst: KVM_MEM_READONLY "if KVM_CAP_READONLY_MEM"; asked on the
	 * VM (KVM_CAP_CHECK_EXTENSION_VM), as the answer may be per VM.  A
	 * deletion (size 0) needs no capability.
	 */
	if (size && readonly &&
	    ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) <= 0)
		return -EOPNOTSUPP;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region))
		return -errno;
	return 0;
}
