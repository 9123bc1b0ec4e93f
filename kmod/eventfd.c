// SPDX-License-Identifier: GPL-2.0
/*
 * eventfd.c - KVM_IOEVENTFD: a guest's MMIO write to an address (of a
 * length, with a value, as asked) signals an eventfd in the kernel and
 * the guest runs on, with no exit to the vmm; the vmm's device thread
 * waits on the eventfd (a virtqueue notification).  KVM's rules, from
 * virt/kvm/eventfd.c: length 0, 1, 2, 4 or 8 (0: any write to the address,
 * and no datamatch then); no wrap-around; EEXIST for an ioeventfd that
 * would answer the same writes as another; deassign finds the one with
 * the same eventfd, address, length, bus and match, or ENOENT.  PIO and
 * virtio-ccw ioeventfds are accepted, as KVM does on arm64, and never
 * fire: nothing here does port I/O or channel I/O.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/eventfd.h>
#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vmm_drv.h"

struct vmm_ioeventfd {
	struct list_head	list;		/* vm->ioeventfds, under vm->lock */
	struct vmm_io_dev	dev;
	struct eventfd_ctx	*eventfd;
	enum vmm_bus		bus;
	u64			addr;
	unsigned int		len;
	bool			wildcard;	/* no datamatch */
	u64			datamatch;
};

#define VALID_FLAGS	(KVM_IOEVENTFD_FLAG_DATAMATCH | KVM_IOEVENTFD_FLAG_PIO | \
			 KVM_IOEVENTFD_FLAG_DEASSIGN | KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY)

static int ioeventfd_write(struct vmm_io_dev *dev, struct vmm_vcpu *vcpu,
			   u64 addr, unsigned int len, const void *val)
{
	struct vmm_ioeventfd *p = container_of(dev, struct vmm_ioeventfd, dev);
	u64 data = 0;

	if (addr != p->addr || (p->len && len != p->len))
		return -EOPNOTSUPP;
	if (p->len && !p->wildcard) {
		memcpy(&data, val, len);	/* little endian */
		if (data != p->datamatch)
			return -EOPNOTSUPP;
	}
	eventfd_signal(p->eventfd, 1);
	return 0;
}

static const struct vmm_io_ops ioeventfd_ops = {
	.write	= ioeventfd_write,
};

static enum vmm_bus bus_of(u32 flags)
{
	if (flags & KVM_IOEVENTFD_FLAG_PIO)
		return VMM_PIO_BUS;
	if (flags & KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY)
		return VMM_CCW_BUS;
	return VMM_MMIO_BUS;
}

/* Would @a and @b answer the same write?  (KVM's ioeventfd_check_collision) */
static bool collide(const struct vmm_ioeventfd *a, const struct vmm_ioeventfd *b)
{
	return a->bus == b->bus && a->addr == b->addr &&
	       (!a->len || !b->len || a->len == b->len) &&
	       (a->wildcard || b->wildcard || a->datamatch == b->datamatch);
}

static int assign(struct vmm_vm *vm, const struct kvm_ioeventfd *args)
{
	struct vmm_ioeventfd *p, *o;
	int ret;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return -ENOMEM;
	p->eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(p->eventfd)) {
		ret = PTR_ERR(p->eventfd);
		kfree(p);
		return ret;
	}
	p->dev.ops = &ioeventfd_ops;
	p->bus = bus_of(args->flags);
	p->addr = args->addr;
	p->len = args->len;
	p->wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	p->datamatch = p->wildcard ? 0 : args->datamatch;

	list_for_each_entry(o, &vm->ioeventfds, list) {
		if (collide(p, o)) {
			ret = -EEXIST;
			goto fail;
		}
	}
	ret = vmm_io_bus_register(vm, p->bus, p->addr, p->len, &p->dev);
	if (ret)
		goto fail;
	list_add_tail(&p->list, &vm->ioeventfds);
	return 0;
fail:
	eventfd_ctx_put(p->eventfd);
	kfree(p);
	return ret;
}

static void release(struct vmm_vm *vm, struct vmm_ioeventfd *p)
{
	vmm_io_bus_unregister(vm, p->bus, &p->dev);	/* waits for vCPUs */
	list_del(&p->list);
	eventfd_ctx_put(p->eventfd);
	kfree(p);
}

static int deassign(struct vmm_vm *vm, const struct kvm_ioeventfd *args)
{
	bool wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	struct eventfd_ctx *eventfd;
	struct vmm_ioeventfd *p;
	int ret = -ENOENT;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	list_for_each_entry(p, &vm->ioeventfds, list) {
		if (p->eventfd != eventfd || p->bus != bus_of(args->flags) ||
		    p->addr != args->addr || p->len != args->len ||
		    p->wildcard != wildcard ||
		    (!wildcard && p->datamatch != args->datamatch))
			continue;
		release(vm, p);
		ret = 0;
		break;
	}
	eventfd_ctx_put(eventfd);
	return ret;
}

/* KVM_IOEVENTFD on the VM's file; under vm->lock. */
int vmm_ioeventfd(struct vmm_vm *vm, const struct kvm_ioeventfd *args)
{
	if (args->flags & ~VALID_FLAGS)
		return -EINVAL;
	switch (args->len) {
	case 0: case 1: case 2: case 4: case 8:
		break;
	default:
		return -EINVAL;
	}
	if (args->addr + args->len < args->addr)
		return -EINVAL;
	if (!args->len && (args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH))
		return -EINVAL;
	if (args->flags & KVM_IOEVENTFD_FLAG_DEASSIGN)
		return deassign(vm, args);
	return assign(vm, args);
}

/* The VM is dying: no vCPU runs, every ioeventfd goes. */
void vmm_ioeventfd_release_all(struct vmm_vm *vm)
{
	struct vmm_ioeventfd *p, *n;

	list_for_each_entry_safe(p, n, &vm->ioeventfds, list) {
		list_del(&p->list);
		eventfd_ctx_put(p->eventfd);
		kfree(p);
	}
}
