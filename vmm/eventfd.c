// SPDX-License-Identifier: GPL-2.0
/*
 * eventfd.c - KVM_IOEVENTFD and KVM_IRQFD: guest notifications that reach
 * a device thread, and interrupts it raises, without a trip through a
 * vCPU thread or an ioctl per event.
 */
#include <errno.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include <vmm/layout.h>
#include "vmm.h"

int vm__ioeventfd(struct vm *vm, u64 addr, u32 len, u64 datamatch, int fd,
		  bool assign)
{
	struct kvm_ioeventfd io = {
		.datamatch	= datamatch,
		.addr		= addr,
		.len		= len,
		.fd		= fd,
		.flags		= KVM_IOEVENTFD_FLAG_DATAMATCH |
				  (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};

	return ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) ? -errno : 0;
}

int vm__irqfd(struct vm *vm, unsigned int intid, int fd)
{
	/* arm64's default routing: GSI n is SPI 32 + n (api.rst, KVM_IRQFD) */
	struct kvm_irqfd irqfd = {
		.fd	= fd,
		.gsi	= intid - GIC_SPI_BASE,
	};

	return ioctl(vm->vm_fd, KVM_IRQFD, &irqfd) ? -errno : 0;
}
