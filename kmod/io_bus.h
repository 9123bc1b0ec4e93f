/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io_bus.h - the address ranges of a VM that the kernel emulates (io_bus.c):
 * ioeventfds and the vGIC's distributor and redistributors.
 */
#ifndef VMM_IO_BUS_H
#define VMM_IO_BUS_H

#include <linux/types.h>

struct vmm_vm;
struct vmm_vcpu;

enum vmm_bus { VMM_MMIO_BUS, VMM_PIO_BUS, VMM_CCW_BUS, VMM_NR_BUSES };

struct vmm_io_dev;

/* 0: the access is handled; -EOPNOTSUPP: not this device's, pass it on */
struct vmm_io_ops {
	int (*read)(struct vmm_io_dev *dev, struct vmm_vcpu *vcpu, u64 addr,
		    unsigned int len, void *val);
	int (*write)(struct vmm_io_dev *dev, struct vmm_vcpu *vcpu, u64 addr,
		     unsigned int len, const void *val);
};

/* embedded in each emulated device */
struct vmm_io_dev {
	const struct vmm_io_ops	*ops;
};

struct vmm_io_bus;

/* Add or remove a device's range (VM lock held; removal waits for vCPUs). */
int vmm_io_bus_register(struct vmm_vm *vm, enum vmm_bus idx, u64 addr,
			u64 len, struct vmm_io_dev *dev);
void vmm_io_bus_unregister(struct vmm_vm *vm, enum vmm_bus idx,
			   struct vmm_io_dev *dev);
/* An MMIO access for the kernel's devices: 0 if one took it. */
int vmm_io_bus_write(struct vmm_vcpu *vcpu, u64 addr, unsigned int len, const void *val);
int vmm_io_bus_read(struct vmm_vcpu *vcpu, u64 addr, unsigned int len, void *val);
void vmm_io_bus_destroy(struct vmm_vm *vm);

#endif
