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

#include <linux/jump_label.h>
#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/rcuwait.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <linux/arm-smccc.h>

#include <asm/arch_timer.h>
#include <asm/kvm_arm.h>
#include <asm/memory.h>
#include <asm/pgtable-hwdef.h>

#include <hyp/context.h>
#include <hyp/nvhe.h>

#include "io_bus.h"
#include "owner.h"
#include "vgic.h"

#define VMM_MAX_VCPUS		512
#define VMM_MAX_MEMSLOTS	32
#define VMM_DEFAULT_IPA_BITS	40

/* live objects, read through /sys/module/vmm/parameters/ by the leak test */
extern atomic_t vmm_nr_vms;
extern atomic_t vmm_nr_vcpus;
extern atomic_t vmm_nr_pinned;		/* guest pages pinned by stage 2 */
extern atomic_t vmm_nr_locked;		/* pages charged to owners' locked_vm */

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
	struct mm_struct	*mm;		/* the creator's: memslot HVAs are in it */
	unsigned int		ipa_bits;
	struct vmm_memslot	slots[VMM_MAX_MEMSLOTS];
	struct vmm_vcpu		*vcpus[VMM_MAX_VCPUS];
	unsigned int		nr_vcpus;

	/* stage 2 (stage2.c) */
	struct mutex		s2_lock;
	u64			*pgd;
	u64			vttbr, vtcr;
	u16			vmid;		/* under stage2.c's vmid_lock */
	u64			vmid_gen;	/* the VMID's generation; 0: none */

	/* PSCI power state of every vCPU (psci.c, run.c) */
	spinlock_t		power_lock;

	/*
	 * The guest's virtual counter is the physical one less this, for
	 * every vCPU (CNTVOFF_EL2): 0 when the VM is created, as KVM's, and
	 * set through KVM_REG_ARM_TIMER_CNT.
	 */
	u64			cntvoff;

	/* what the kernel emulates, by bus (io_bus.c; changed under @lock) */
	struct vmm_io_bus __rcu	*io_bus[VMM_NR_BUSES];
	struct list_head	ioeventfds;	/* eventfd.c, under @lock */

	/* the in-kernel GICv3, once userspace creates it (vgic*.c) */
	struct vmm_vgic		vgic;
	bool			ran_once;	/* a vCPU entered KVM_RUN */

	/* KVM_IRQFD (irqfd.c): the mutex serialises changes, the lock guards the list */
	struct mutex		irqfd_mutex;
	spinlock_t		irqfd_lock;
	struct list_head	irqfds;
	unsigned int		nr_resamplefds;
};

/* KVM_IRQFD (irqfd.c); all of them at VM death; a level SPI completed. */
int vmm_irqfd(struct vmm_vm *vm, const struct kvm_irqfd *args);
int vmm_irqfd_init(void);
void vmm_irqfd_exit(void);
void vmm_irqfd_release_all(struct vmm_vm *vm);
void vmm_irqfd_acked(struct vmm_vm *vm, u32 intid);

/* KVM_IOEVENTFD (eventfd.c), VM lock held; and all of them at VM death. */
int vmm_ioeventfd(struct vmm_vm *vm, const struct kvm_ioeventfd *args);
void vmm_ioeventfd_release_all(struct vmm_vm *vm);

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
	u32			features;
	u64			mpidr;
	struct vmm_cpu_context	ctxt;

	/*
	 * nVHE: the vCPU's address at EL2, which maps it from its creation,
	 * and what EL2 needs of the VM for a run, copied before each (EL2
	 * cannot follow @vm: it is a host address).
	 */
	u64			hyp_va;
	struct {
		u64	vttbr, vtcr;
	} hyp_vm;

	/*
	 * Inside KVM_RUN the guest's EL1 system registers live in the CPU;
	 * the preempt notifier puts them back in @ctxt when the thread is
	 * scheduled out and loads them again, on whatever CPU, when it is
	 * scheduled in (run.c).  @host holds what the load displaced.
	 */
	struct preempt_notifier	pn;
	struct vmm_host_state	host;
	bool			sysregs_loaded;	/* the guest's EL1 state is in the CPU */
	bool			vtimer_loaded;	/* nVHE: its virtual timer is (run.c) */
	bool			fp_loaded;	/* guest FP/SIMD in the CPU (run.c) */
	/*
	 * Self-hosted debug (sys_regs.c, debug-sr.h): the guest's
	 * breakpoint and watchpoint registers (MDSCR_EL1 in @debug too, a
	 * copy of ctxt.sys[MDSCR_EL1] made at each entry that needs it), and
	 * its OS lock.
	 */
	struct {
		struct vmm_debug_regs	regs;
		bool			oslk;
	} debug;

	/* its redistributor and virtual CPU interface (vgic.h) */
	struct vmm_vgic_cpu	vgic;

	/*
	 * The guest's timers' PPIs (arch_timer.c; the same on every vCPU,
	 * KVM_ARM_VCPU_TIMER_CTRL): the virtual timer's and the physical one's.
	 */
	struct {
		u32	irq;
		u32	pirq;
		/* nVHE: the emulated physical timer's deadline (arch_timer.c) */
		struct hrtimer	ptimer;
		raw_spinlock_t	ptimer_lock;
	} timer;

	/*
	 * Where the vCPU is, for whoever makes an interrupt pending for it
	 * (vmm_vcpu_kick(), run.c): in the guest on @cpu (an IPI makes it
	 * exit), or blocked in WFI on @wait (a wake-up), or neither (it will
	 * see the interrupt before it next enters).
	 */
	int			mode;		/* VMM_IN_GUEST, VMM_OUTSIDE_GUEST */
	int			cpu;
	struct rcuwait		wait;

	/* PSCI (psci.c): under vm->power_lock; the vCPU waits on @wq while off */
	struct {
		bool		power_off;
		bool		start_pending;	/* CPU_ON: reset to start_pc */
		u64		start_pc, start_ctx;
	} psci;
	wait_queue_head_t	wq;

	u64			wfi_deadline;	/* the WFI being waited: counter value */

	/*
	 * HCR_EL2 bits that come and go while the vCPU lives, on top of the
	 * fixed guest configuration: TVM after a set/way operation, VSE
	 * while a virtual SError waits for the guest (sys_regs.c, inject.c), with @vsesr
	 * its syndrome (VSESR_EL2, with RAS).
	 */
	u64			hcr_dyn;
	/* exceptions on their way to the guest (inject.c) */
	struct {
		u64		vsesr;		/* the pending vSError's syndrome */
	} inject;

	/* the last exit's syndrome */
	struct {
		u64	esr, far, hpfar;
	} fault;

	/* an MMIO read userspace completes at the next KVM_RUN */
	struct {
		bool	pending, sign_extend, sixty_four;
		u8	rt, len;
	} mmio;
};

/*
 * The vGIC around each entry (vgic.c), interrupts off.  Nothing in flight
 * (the common exit): no call, no lock, no list register, ICH_HCR_EL2
 * stays 0.  An interrupt queued after the flush's look kicks the vCPU out
 * again: vmm_vcpu_kick() reads the mode the run loop set before it.
 */
static inline void vmm_vgic_flush(struct vmm_vcpu *vcpu)
{
	if (!list_empty(&vcpu->vgic.ap_list))
		__vmm_vgic_flush(vcpu);
}

static inline void vmm_vgic_sync(struct vmm_vcpu *vcpu)
{
	if (vcpu->vgic.used_lrs || !list_empty(&vcpu->vgic.ap_list))
		__vmm_vgic_sync(vcpu);
}

/* Create vCPU @id of @vm (VM lock held); returns its fd. */
int vmm_vcpu_create(struct vmm_vm *vm, unsigned int id);
/* The vCPU with @mpidr's affinity, or NULL (no lock needed). */
struct vmm_vcpu *vmm_vcpu_by_mpidr(struct vmm_vm *vm, u64 mpidr);
/* Free a vCPU; only when its VM dies. */
void vmm_vcpu_free(struct vmm_vcpu *vcpu);

/* The kvm_run mapping size: one page. */
#define VMM_RUN_SIZE		PAGE_SIZE

/* Reset the vCPU to the architectural state (EL1h, masked, MMU off). */
void vmm_vcpu_reset(struct vmm_vcpu *vcpu);

/* ---- running (run.c, hyp/vhe/switch.c) ---------------------------------- */

int vmm_vcpu_run(struct vmm_vcpu *vcpu);
enum { VMM_OUTSIDE_GUEST, VMM_IN_GUEST };
/* Make @vcpu notice a new interrupt: an IPI if in the guest, a wake-up if blocked. */
void vmm_vcpu_kick(struct vmm_vcpu *vcpu);
void vmm_vcpu_kick_init(struct vmm_vcpu *vcpu);
void vmm_kick_init(void);
void vmm_kick_exit(void);
/* The vCPU whose state is in this CPU, or NULL (preemption off). */
DECLARE_PER_CPU(struct vmm_vcpu *, vmm_loaded_vcpu);
/* Make a virtual SError pending, with @esr's ISS where the CPU has RAS. */
void vmm_vcpu_inject_serror(struct vmm_vcpu *vcpu, u64 esr);

/*
 * The guest's EL1 system register @reg wherever it is: in the CPU while
 * the vCPU is loaded, in its context otherwise (sys_regs.c).
 */
u64 vmm_vcpu_read_sys_reg(const struct vmm_vcpu *vcpu, enum vmm_sysreg reg);
void vmm_vcpu_write_sys_reg(struct vmm_vcpu *vcpu, u64 val, enum vmm_sysreg reg);
void vmm_vhe_vcpu_load(struct vmm_vcpu *vcpu, struct vmm_host_state *host);
void vmm_vhe_vcpu_put(struct vmm_vcpu *vcpu, struct vmm_host_state *host);
u64 vmm_vhe_run_once(struct vmm_vcpu *vcpu, struct vmm_host_state *host);
/*
 * Right after a guest exit, at EL2 in either switch: the exit's syndrome
 * before anything at EL2 can take another exception, and whether the
 * guest took its pending virtual SError (the CPU clears HCR_EL2.VSE then).
 */
static __always_inline void vmm_save_exit_syndrome(struct vmm_vcpu *vcpu)
{
	vcpu->fault.esr = read_sysreg(esr_el2);
	vcpu->fault.far = read_sysreg(far_el2);
	vcpu->fault.hpfar = read_sysreg(hpfar_el2);
	if (vcpu->hcr_dyn & HCR_VSE)
		vcpu->hcr_dyn &= read_sysreg(hcr_el2) | ~HCR_VSE;
}

/* The loaded vCPU's ICH_VMCR_EL2 (preemption off). */
u64 vmm_vhe_vgic_read_vmcr(void);
/* This CPU's list registers, active priorities and ICH_HCR_EL2 to 0. */
void vmm_vhe_vgic_reset_cpu(unsigned int nr_lrs);

/* Decide this CPU's Spectre-BHB sequence on guest exit (spectre.c). */
void vmm_spectre_bhb_init_cpu(struct vmm_hyp_host *h);
void vmm_spectre_init(void);
/* VMM_SPECTRE_*: the machine's state against Spectre-v2, or -BHB */
int vmm_spectre_state(bool bhb);
DECLARE_PER_CPU(struct vmm_hyp_host, vmm_hyp_host);

/* ---- stage 2 (stage2.c) -------------------------------------------------- */

int vmm_vmid_init(void);
/* At vCPU load and put (preemption off): a VMID of this generation. */
void vmm_vmid_load(struct vmm_vm *vm);
void vmm_vmid_put(void);
u64 vmm_stage2_vtcr(void);
/* Invalidate every VMID's EL1&0 TLB entries on every CPU. */
void vmm_stage2_flush_all(void);
int vmm_stage2_init(struct vmm_vm *vm);
void vmm_stage2_destroy(struct vmm_vm *vm);
/* Map the page holding @ipa from its memslot; -ENOENT if no slot has it. */
int vmm_stage2_map(struct vmm_vm *vm, u64 ipa);
bool vmm_stage2_is_ram(struct vmm_vm *vm, u64 ipa);
/* Clean and invalidate all of the VM's mapped memory to the PoC; sleeps. */
void vmm_stage2_flush_vm(struct vmm_vm *vm);
/* Make @slot @val (size 0: delete) once its old range is unmapped. */
void vmm_stage2_set_slot(struct vmm_vm *vm, struct vmm_memslot *slot,
			 const struct vmm_memslot *val);

/* The guest's view of the virtual counter now. */
static inline u64 vmm_guest_cntvct(const struct vmm_vm *vm)
{
	return __arch_counter_get_cntpct() - READ_ONCE(vm->cntvoff);
}

/* An ID register (op0 3, op1 0, CRn 0) as @vm's guest reads it (sys_regs.c). */
u64 vmm_id_reg_value(const struct vmm_vm *vm, u32 id);

/* The guest's virtual timer (arch_timer.c). */
int vmm_timer_init_global(void);
void vmm_timer_exit_global(void);
void vmm_timer_cpu_up(void);
void vmm_timer_cpu_down(void);
/* KVM_{SET,GET,HAS}_DEVICE_ATTR on a vCPU (KVM_ARM_VCPU_TIMER_CTRL). */
int vmm_timer_attr(struct vmm_vcpu *vcpu, unsigned int cmd, struct kvm_device_attr *attr);
/* At each vCPU load: its timer's interrupt pending, or the host's masked. */
void vmm_timer_load(struct vmm_vcpu *vcpu);
/* The condition of the guest's timer behind host INTID @hwintid holds. */
bool vmm_timer_line(struct vmm_vcpu *vcpu, u32 hwintid);
/* The guest's next timer deadline (virtual count), or WFI_NO_DEADLINE. */
u64 vmm_timer_deadline(struct vmm_vcpu *vcpu);
/* nVHE: the guest's EL1 physical timer, emulated (arch_timer.c). */
void vmm_ptimer_init(struct vmm_vcpu *vcpu);
void vmm_ptimer_destroy(struct vmm_vcpu *vcpu);
/* A trapped CNTP_TVAL/CTL/CVAL_EL0 access (op2 0, 1, 2) to or from @val. */
void vmm_ptimer_access(struct vmm_vcpu *vcpu, u32 op2, u64 *val, bool read);
/* The host's INTID for the EL1 virtual (or physical) timer; 0: none usable. */
u32 vmm_timer_hwintid(bool virt);
/* This CPU's interrupt @hwintid made (in)active (preemption off). */
void vmm_timer_set_phys_active(u32 hwintid, bool active);
/* The guest may have deactivated @hwintid here (a hardware list register). */
void vmm_timer_phys_unknown(u32 hwintid);

/* ---- EL2 on an nVHE host (nvhe.c, hyp_mm.c, hyp/nvhe/) ------------------ */

/*
 * The host's mode, chosen once at load (main.c): a static key, so that
 * VHE's run loop pays a NOP for the choice and nVHE's a branch.
 */
DECLARE_STATIC_KEY_FALSE(vmm_nvhe_key);
static __always_inline bool vmm_is_nvhe(void)
{
	return static_branch_unlikely(&vmm_nvhe_key);
}
/* A call whose work is for every CPU; false if it could not be made. */
bool vmm_nvhe_broadcast(u64 id, u64 a1, u64 a2);
/* One guest run through EL2 (interrupts off); a VMM_EXIT_* code. */
u64 vmm_nvhe_run_once(struct vmm_vcpu *vcpu);
/* The guest's virtual timer in and out of the CPU at vCPU load and put. */
void vmm_nvhe_vtimer_load(struct vmm_vcpu *vcpu);
void vmm_nvhe_vtimer_put(struct vmm_vcpu *vcpu);
/* Map a new vCPU at EL2, and unmap it before it is freed. */
int vmm_nvhe_vcpu_init(struct vmm_vcpu *vcpu);
void vmm_nvhe_vcpu_destroy(struct vmm_vcpu *vcpu);

/* Copy the EL2 image and build its tables; take and give back EL2 per CPU. */
int vmm_nvhe_init(void);
void vmm_nvhe_exit(void);
int vmm_nvhe_cpu_up(void);
void vmm_nvhe_cpu_down(void);
/* The hyp stub's vectors as EL2 held them when first taken; where EL2 is ours. */
u64 vmm_nvhe_stub_vectors(void);
const struct cpumask *vmm_nvhe_cpus(void);
void __noreturn vmm_nvhe_panic(u64 esr, u64 elr, u64 far);

/*
 * A call into the module's EL2 (hyp/include/hyp/nvhe.h has the ABI).  If
 * EL2 took an exception it never expects, the host panics with it here.
 */
static __always_inline struct arm_smccc_res vmm_nvhe_call(u64 id, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 asm("x0") = id;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;

	asm volatile("hvc #0"
		     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		     :
		     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
		       "x13", "x14", "x15", "x16", "x17", "memory");
	if (unlikely(x0 == VMM_HC_PANIC))
		vmm_nvhe_panic(x1, x2, x3);
	return (struct arm_smccc_res){ .a0 = x0, .a1 = x1 };
}

/* EL2's address of kernel linear-map address @kva. */
static inline u64 vmm_hyp_va(const void *kva)
{
	return virt_to_phys(kva) | VMM_HYP_VA_TAG;
}

/* EL2 stage-1 permissions (AP[1] is RES1 in EL2's regime) */
#define VMM_HYP_PAGE	(PTE_TYPE_PAGE | PTE_AF | PTE_SHARED | PTE_USER | \
			 PTE_ATTRINDX(MT_NORMAL))
#define VMM_HYP_RX	(VMM_HYP_PAGE | PTE_RDONLY)
#define VMM_HYP_RO	(VMM_HYP_PAGE | PTE_RDONLY | PTE_UXN)
#define VMM_HYP_RW	(VMM_HYP_PAGE | PTE_UXN)

int vmm_hyp_mm_init(void);
void vmm_hyp_mm_destroy(void);
phys_addr_t vmm_hyp_pgd(void);
int vmm_hyp_map(u64 va, phys_addr_t pa, size_t size, u64 prot);
int vmm_hyp_map_kva(const void *kva, size_t size, u64 prot);
void vmm_hyp_unmap(u64 va, size_t size);

/* Clean and invalidate [@va, @va + @size) to the point of coherency. */
void vmm_dcache_clean_inval_poc(const void *va, size_t size);

/* The system-wide KVM_CHECK_EXTENSION answer for @cap (vm may be NULL). */
long vmm_check_extension(struct vmm_vm *vm, long cap);

#endif
