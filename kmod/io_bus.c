// SPDX-License-Identifier: GPL-2.0
/*
 * io_bus.c - the address ranges of a VM that the kernel emulates, looked
 * up on every MMIO exit before anything goes to userspace (as KVM's
 * kvm_io_bus): ioeventfds now, the vGIC's distributor and redistributors
 * next.  A device answers an access it handles with 0, and -EOPNOTSUPP to
 * pass it on (an ioeventfd whose datamatch differs, a read it cannot
 * serve); what no device takes is the vmm's, as before.
 *
 * vCPUs look ranges up under RCU with preemption off; registration and
 * removal copy the array under the VM's lock and publish the copy, and
 * removal waits for readers before it returns, so the caller may then
 * free the device.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "vmm_drv.h"

/* KVM's NR_IOBUS_DEVS: enough for every virtqueue of every device */
#define VMM_IO_BUS_MAX		1000

struct vmm_io_range {
	u64			addr, len;
	struct vmm_io_dev	*dev;
};

struct vmm_io_bus {
	unsigned int		nr;
	struct vmm_io_range	range[];
};

static struct vmm_io_bus *bus_alloc(unsigned int nr)
{
	return kzalloc(struct_size((struct vmm_io_bus *)NULL, range, nr),
		       GFP_KERNEL_ACCOUNT);
}

/*
 * What a removed device leaves in its ranges when the smaller copy cannot
 * be allocated: it answers nothing, and the next copy leaves it out.
 */
static const struct vmm_io_ops gone_ops;
static struct vmm_io_dev gone = { .ops = &gone_ops };

/* @old's ranges into @new, but @skip's and the stubs': how many. */
static unsigned int copy_ranges(struct vmm_io_bus *new, const struct vmm_io_bus *old,
				const struct vmm_io_dev *skip)
{
	unsigned int i, n = 0;

	for (i = 0; old && i < old->nr; i++)
		if (old->range[i].dev != skip && old->range[i].dev != &gone)
			new->range[n++] = old->range[i];
	return n;
}

int vmm_io_bus_register(struct vmm_vm *vm, enum vmm_bus idx, u64 addr,
			u64 len, struct vmm_io_dev *dev)
{
	struct vmm_io_bus *old, *new;
	unsigned int nr, n;

	lockdep_assert_held(&vm->lock);
	old = rcu_dereference_protected(vm->io_bus[idx], lockdep_is_held(&vm->lock));
	nr = old ? old->nr : 0;
	if (nr >= VMM_IO_BUS_MAX)
		return -ENOSPC;
	new = bus_alloc(nr + 1);
	if (!new)
		return -ENOMEM;
	n = copy_ranges(new, old, NULL);
	new->range[n] = (struct vmm_io_range){ .addr = addr, .len = len, .dev = dev };
	new->nr = n + 1;
	rcu_assign_pointer(vm->io_bus[idx], new);
	synchronize_rcu();
	kfree(old);
	return 0;
}

void vmm_io_bus_unregister(struct vmm_vm *vm, enum vmm_bus idx,
			   struct vmm_io_dev *dev)
{
	struct vmm_io_bus *old, *new;
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	old = rcu_dereference_protected(vm->io_bus[idx], lockdep_is_held(&vm->lock));
	if (WARN_ON(!old))
		return;
	for (i = 0; i < old->nr && old->range[i].dev != dev; i++)
		;
	if (WARN_ON(i == old->nr))
		return;			/* not on this bus */
	new = bus_alloc(old->nr - 1);
	if (!new) {
		/*
		 * Out of memory: the device's ranges stay but lead nowhere.
		 * A reader loads each range's device once, and a pointer
		 * store is single-copy atomic: it sees @dev or the stub.
		 */
		for (i = 0; i < old->nr; i++)
			if (old->range[i].dev == dev)
				WRITE_ONCE(old->range[i].dev, &gone);
		synchronize_rcu();	/* no vCPU reaches @dev any more */
		return;
	}
	new->nr = copy_ranges(new, old, dev);
	rcu_assign_pointer(vm->io_bus[idx], new);
	synchronize_rcu();		/* no vCPU reaches @dev any more */
	kfree(old);
}

/* Offer the access to each device whose range holds it, in turn. */
static int bus_access(struct vmm_vcpu *vcpu, enum vmm_bus idx, u64 addr,
		      unsigned int len, void *val, bool write)
{
	struct vmm_io_bus *bus;
	int ret = -EOPNOTSUPP;
	unsigned int i;

	rcu_read_lock();
	bus = rcu_dereference(vcpu->vm->io_bus[idx]);
	for (i = 0; bus && i < bus->nr && ret; i++) {
		const struct vmm_io_range *r = &bus->range[i];
		struct vmm_io_dev *dev = READ_ONCE(r->dev);

		/* inside the range; a range of length 0 is one address, any size */
		if (addr < r->addr ||
		    (r->len ? addr + len > r->addr + r->len : addr != r->addr))
			continue;
		if (write)
			ret = dev->ops->write ? dev->ops->write(dev, vcpu, addr, len, val) : -EOPNOTSUPP;
		else
			ret = dev->ops->read ? dev->ops->read(dev, vcpu, addr, len, val) : -EOPNOTSUPP;
	}
	rcu_read_unlock();
	return ret;
}

int vmm_io_bus_write(struct vmm_vcpu *vcpu, u64 addr, unsigned int len, const void *val)
{
	return bus_access(vcpu, VMM_MMIO_BUS, addr, len, (void *)val, true);
}

int vmm_io_bus_read(struct vmm_vcpu *vcpu, u64 addr, unsigned int len, void *val)
{
	return bus_access(vcpu, VMM_MMIO_BUS, addr, len, val, false);
}

/* The VM is dying: its devices are gone already, the arrays go now. */
void vmm_io_bus_destroy(struct vmm_vm *vm)
{
	unsigned int i;

	for (i = 0; i < VMM_NR_BUSES; i++)
		kfree(rcu_dereference_protected(vm->io_bus[i], true));
}
