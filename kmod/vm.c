// SPDX-License-Identifier: GPL-2.0
/*
 * vm.c - VM lifetime and the VM file's ioctls: memslots, vCPUs, devices,
 * interrupt lines, irqfds and ioeventfds.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <asm/arch_timer.h>

#include "vmm_drv.h"

static void vm_release(struct kref *ref)
{
	struct vmm_vm *vm = container_of(ref, struct vmm_vm, ref);

	unsigned int i;

	/* no emulated timer may inject into the vGIC while it goes */
	for (i = 0; i < VMM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			vmm_ptimer_destroy(vm->vcpus[i]);
	vmm_irqfd_release_all(vm);
	vmm_ioeventfd_release_all(vm);
	vmm_io_bus_destroy(vm);
	vmm_vgic_destroy(vm);
	vmm_stage2_destroy(vm);
	for (i = 0; i < VMM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			vmm_vcpu_free(vm->vcpus[i]);
	mmdrop(vm->mm);
	kfree(vm);
	atomic_dec(&vmm_nr_vms);
}

void vmm_vm_put(struct vmm_vm *vm)
{
	kref_put(&vm->ref, vm_release);
}

/*
 * KVM_SET_USER_MEMORY_REGION with KVM's rules (api.rst, and the kernel's
 * __kvm_set_memory_region()): size 0 deletes a live slot; a live slot may
 * move to another guest address but keeps its size, userspace address and
 * read-only flag; no two slots overlap; the slot fits the IPA space.
 * Dirty logging (KVM_MEM_LOG_DIRTY_PAGES) is not supported: -EINVAL.
 */
static int set_memory_region(struct vmm_vm *vm,
			     struct kvm_userspace_memory_region *r)
{
	struct vmm_memslot *s;
	unsigned int i;

	if (r->flags & ~KVM_MEM_READONLY)
		return -EINVAL;
	if (!PAGE_ALIGNED(r->memory_size) || !PAGE_ALIGNED(r->guest_phys_addr) ||
	    !PAGE_ALIGNED(r->userspace_addr) ||
	    !access_ok((void __user *)(unsigned long)r->userspace_addr,
		       r->memory_size))
		return -EINVAL;
	if (r->slot >= VMM_MAX_MEMSLOTS)
		return -EINVAL;
	if (r->guest_phys_addr + r->memory_size < r->guest_phys_addr)
		return -EINVAL;
	s = &vm->slots[r->slot];

	if (!r->memory_size) {
		if (!s->size)
			return -EINVAL;
		vmm_stage2_set_slot(vm, s, &(struct vmm_memslot){ 0 });
		return 0;
	}
	if (s->size) {
		if (r->userspace_addr != s->hva || r->memory_size != s->size ||
		    r->flags != s->flags)
			return -EINVAL;
		if (r->guest_phys_addr == s->gpa)
			return 0;	/* nothing changes */
	}
	for (i = 0; i < VMM_MAX_MEMSLOTS; i++) {
		struct vmm_memslot *o = &vm->slots[i];

		if (i != r->slot && o->size &&
		    r->guest_phys_addr < o->gpa + o->size &&
		    o->gpa < r->guest_phys_addr + r->memory_size)
			return -EEXIST;
	}
	/* arm64 KVM answers EFAULT for a slot beyond the IPA space */
	if (r->guest_phys_addr + r->memory_size > BIT_ULL(vm->ipa_bits))
		return -EFAULT;
	/* a new slot, or a live one moved: its old mappings go first */
	vmm_stage2_set_slot(vm, s, &(struct vmm_memslot){
		.gpa = r->guest_phys_addr, .size = r->memory_size,
		.hva = r->userspace_addr, .flags = r->flags,
	});
	return 0;
}

static long vm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct vmm_vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	if (current->mm != vm->mm)	/* as KVM: the VM's process only */
		return -EIO;
	switch (cmd) {
	case KVM_CHECK_EXTENSION:
		return vmm_check_extension(vm, arg);
	case KVM_SET_USER_MEMORY_REGION: {
		struct kvm_userspace_memory_region r;

		if (copy_from_user(&r, argp, sizeof(r)))
			return -EFAULT;
		mutex_lock(&vm->lock);
		ret = set_memory_region(vm, &r);
		mutex_unlock(&vm->lock);
		return ret;
	}
	case KVM_CREATE_VCPU:
		if (arg >= VMM_MAX_VCPUS)
			return -EINVAL;
		mutex_lock(&vm->lock);
		/* as KVM: none after the GIC is initialised (its redistributors are fixed) */
		ret = vm->vgic.initialised ? -EBUSY : vmm_vcpu_create(vm, arg);
		mutex_unlock(&vm->lock);
		return ret;
	case KVM_CREATE_DEVICE: {
		struct kvm_create_device cd;

		if (copy_from_user(&cd, argp, sizeof(cd)))
			return -EFAULT;
		ret = vmm_create_device(vm, &cd);
		if (ret)
			return ret;
		/* the fd is the caller's now, as KVM leaves it on this failure */
		return copy_to_user(argp, &cd, sizeof(cd)) ? -EFAULT : 0;
	}
	case KVM_IRQFD: {
		struct kvm_irqfd args;

		if (copy_from_user(&args, argp, sizeof(args)))
			return -EFAULT;
		return vmm_irqfd(vm, &args);
	}
	case KVM_IRQ_LINE: {
		struct kvm_irq_level irq;

		if (copy_from_user(&irq, argp, sizeof(irq)))
			return -EFAULT;
		return vmm_vgic_irq_line(vm, &irq);
	}
	case KVM_IOEVENTFD: {
		struct kvm_ioeventfd args;

		if (copy_from_user(&args, argp, sizeof(args)))
			return -EFAULT;
		mutex_lock(&vm->lock);
		ret = vmm_ioeventfd(vm, &args);
		mutex_unlock(&vm->lock);
		return ret;
	}
	case KVM_ARM_PREFERRED_TARGET: {
		struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };

		return copy_to_user(argp, &init, sizeof(init)) ? -EFAULT : 0;
	}
	default:
		return -EINVAL;
	}
}

static int vm_release_file(struct inode *inode, struct file *filp)
{
	vmm_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations vm_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vm_ioctl,
	.release	= vm_release_file,
	.llseek		= noop_llseek,
};

int vmm_vm_create(unsigned long type)
{
	unsigned int ipa_bits = type & KVM_VM_TYPE_ARM_IPA_SIZE_MASK;
	struct vmm_vm *vm;
	int fd, ret;

	if (type & ~KVM_VM_TYPE_ARM_IPA_SIZE_MASK)
		return -EINVAL;
	if (!ipa_bits)
		ipa_bits = VMM_DEFAULT_IPA_BITS;
	/* api.rst: at least 32 bits; stage 2 is built for exactly 40 */
	if (ipa_bits < 32 || ipa_bits > VMM_DEFAULT_IPA_BITS)
		return -EINVAL;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	spin_lock_init(&vm->power_lock);
	raw_spin_lock_init(&vm->vgic.lock);
	vm->vgic.dist_base = VGIC_ADDR_UNDEF;
	vm->vgic.redist_base = VGIC_ADDR_UNDEF;
	INIT_LIST_HEAD(&vm->ioeventfds);
	mutex_init(&vm->irqfd_mutex);
	spin_lock_init(&vm->irqfd_lock);
	INIT_LIST_HEAD(&vm->irqfds);
	vm->mm = current->mm;
	mmgrab(vm->mm);
	vm->ipa_bits = ipa_bits;
	vm->cntvoff = __arch_counter_get_cntpct();	/* the guest's count starts at 0 */
	vm->vtcr = vmm_stage2_vtcr();
	ret = vmm_stage2_init(vm);
	if (ret) {
		mmdrop(vm->mm);
		kfree(vm);
		return ret;
	}
	atomic_inc(&vmm_nr_vms);

	fd = anon_inode_getfd("vmm-vm", &vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		vmm_vm_put(vm);
	return fd;
}
