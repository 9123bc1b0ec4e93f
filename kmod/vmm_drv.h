/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmm_drv.h - vmm.ko's internal interfaces: the device, VMs, vCPUs.
 *
 * Locking: a VM's mutex serialises its memslot and vCPU-creation ioctls; a
 * vCPU's ioctls are serialised by its own mutex (KVM's model: one thread
 * runs a vCPU).  VMs and vCPUs are reference counted through their files:
 * a vCPU file holds a reference on its VM.
 */
#ifndef VMM_DRV_H
#define VMM_DRV_H

#include <linux/kref.h>
#include <linux/kvm.h>
#include <linux/mutex.h>
#include <linux/types.h>

#define VMM_MAX_VCPUS		512
#define VMM_MAX_MEMSLOTS	32
#define VMM_DEFAULT_IPA_BITS	40

/* live objects, read through /sys/module/vmm/parameters/ by the leak test */
extern atomic_t vmm_nr_vms;
extern atomic_t vmm_nr_vcpus;

/* ---- ownership of EL2 (owner.c) ---------------------------------------- */

/* True when the kernel's own KVM initialised and so owns EL2 and VMIDs. */
bool vmm_kernel_kvm_active(void);

/* ---- VMs (vm.c) ---------------------------------------------------------- */

struct vmm_memslot {
	u64	gpa;
	u64	size;		/* 0: slot unused */
	u64	hva;
	u32	flags;
};

struct vmm_vcpu;

struct vmm_vm {
	struct kref		ref;
	struct mutex		lock;
	unsigned int		ipa_bits;
	struct vmm_memslot	slots[VMM_MAX_MEMSLOTS];
	struct vmm_vcpu		*vcpus[VMM_MAX_VCPUS];
	unsigned int		nr_vcpus;
};

/* Create a VM of @type (KVM_VM_TYPE_ARM_IPA_SIZE); returns its fd. */
int vmm_vm_create(unsigned long type);
void vmm_vm_put(struct vmm_vm *vm);

/* ---- vCPUs (vcpu.c) ------------------------------------------------------ */

struct vmm_vcpu {
	struct vmm_vm		*vm;
	struct mutex		lock;
	unsigned int		id;
	struct kvm_run		*run;		/* one zeroed page, mmap'ed */
	bool			initialised;	/* KVM_ARM_VCPU_INIT done */
	bool			power_off;
	u32			features;
	struct kvm_regs		regs;		/* the core registers */
	u64			mpidr;
};

/* Create vCPU @id of @vm (VM lock held); returns its fd. */
int vmm_vcpu_create(struct vmm_vm *vm, unsigned int id);

/* The kvm_run mapping size: one page. */
#define VMM_RUN_SIZE		PAGE_SIZE

/* The system-wide KVM_CHECK_EXTENSION answer for @cap (vm may be NULL). */
long vmm_check_extension(struct vmm_vm *vm, long cap);

#endif
