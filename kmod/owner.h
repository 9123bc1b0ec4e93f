/* SPDX-License-Identifier: GPL-2.0 */
/*
 * owner.h - who owns EL2.  Apart from vmm_drv.h: owner.c needs
 * <linux/kvm_host.h>, whose names collide with the world switch's.
 */
#ifndef VMM_OWNER_H
#define VMM_OWNER_H

#include <linux/types.h>

/* True when the kernel's own KVM initialised and so owns EL2 and VMIDs. */
bool vmm_kernel_kvm_active(void);

#endif
