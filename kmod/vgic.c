// SPDX-License-Identifier: GPL-2.0
/*
 * vgic.c - the in-kernel GICv3's interrupt state (vgic.h has the model and
 * the locking): injection, the ap lists, what goes into the list registers
 * before an entry and what comes back after an exit, SGIs, and the
 * maintenance interrupt that makes the CPU exit when the guest completes
 * a level-triggered interrupt or runs out of list registers.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqchip/arm-gic-v3.h>
#include <linux/list_sort.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/slab.h>

#include <asm/cpufeature.h>
#include <asm/sysreg.h>

#include "vmm_drv.h"

struct vmm_vgic_global vmm_vgic_global;

/*
 * The maintenance interrupt only has to make the CPU leave the guest (an
 * IRQ exit): what caused it, the list registers, is read at every exit
 * anyway, and ICH_HCR_EL2 is cleared before the host unmasks interrupts,
 * so the line is low by the time this runs (if it runs at all).
 */
static irqreturn_t maint_handler(int irq, void *dev_id)
{
	return IRQ_HANDLED;
}

/*
 * A vGICv3 needs the GICv3 system-register CPU interface with its
 * virtualisation extension (ICH_*_EL2), the maintenance interrupt's
 * number (from the device tree: Linux does not export the GIC driver's
 * record of it to modules), and the virtual timer (arch_timer.c).
 */
int vmm_vgic_init_global(void)
{
	struct device_node *np;
	int irq, ret;

	if (!cpus_have_const_cap(ARM64_HAS_SYSREG_GIC_CPUIF)) {
		pr_info("no GICv3 CPU interface: no in-kernel interrupt controller\n");
		return 0;
	}
	/* nVHE: the EL1 physical timer is the host's (arch_timer.c) */
	if (!vmm_timer_hwintid(true) || (!vmm_is_nvhe() && !vmm_timer_hwintid(false))) {
		pr_info("no EL1 timer interrupts: no in-kernel interrupt controller\n");
		return 0;
	}
	np = of_find_compatible_node(NULL, NULL, "arm,gic-v3");
	irq = np ? irq_of_parse_and_map(np, 0) : 0;
	of_node_put(np);
	if (!irq) {
		pr_info("no GICv3 maintenance interrupt in the device tree: no in-kernel interrupt controller\n");
		return 0;
	}
	ret = request_percpu_irq(irq, maint_handler, "vmm-vgic", &vmm_loaded_vcpu);
	if (ret) {
		pr_warn("cannot take the GIC maintenance interrupt (%d): no in-kernel interrupt controller\n",
			ret);
		return 0;
	}
	vmm_vgic_global.maint_irq = irq;
	/* an EL2 register: nVHE asks its own EL2 */
	vmm_vgic_global.ich_vtr = vmm_is_nvhe() ? vmm_nvhe_call(VMM_HC_ICH_VTR, 0, 0, 0).a1 :
						  read_sysreg_s(SYS_ICH_VTR_EL2);
	vmm_vgic_global.nr_lrs = (vmm_vgic_global.ich_vtr & 0x1f) + 1;
	vmm_vgic_global.nr_lrs = min_t(unsigned int, vmm_vgic_global.nr_lrs, VGIC_MAX_LRS);
	vmm_vgic_global.usable = true;
	return 0;
}

void vmm_vgic_exit_global(void)
{
	if (vmm_vgic_global.maint_irq)
		free_percpu_irq(vmm_vgic_global.maint_irq, &vmm_loaded_vcpu);
	vmm_vgic_global.maint_irq = 0;
	vmm_vgic_global.usable = false;
}

/*
 * The list registers and active priorities reset to UNKNOWN values: a
 * stale valid entry would reach the first guest to run here (one with
 * the HW bit would let it deactivate a host interrupt).  Zeroed on each
 * CPU as it comes up, as KVM's __vgic_v3_init_lrs().
 */
void vmm_vgic_cpu_up(void)
{
	int irq = vmm_vgic_global.maint_irq;

	if (!vmm_vgic_global.usable)
		return;
	if (vmm_is_nvhe())
		vmm_nvhe_call(VMM_HC_VGIC_RESET, vmm_vgic_global.nr_lrs, 0, 0);
	else
		vmm_vhe_vgic_reset_cpu(vmm_vgic_global.nr_lrs);
	if (irq)
		enable_percpu_irq(irq, irq_get_trigger_type(irq));
}

void vmm_vgic_cpu_down(void)
{
	if (vmm_vgic_global.maint_irq)
		disable_percpu_irq(vmm_vgic_global.maint_irq);
}

/* A vCPU's SGIs and PPIs out of reset: SGIs enabled and edge, PPIs level; group 1. */
void vmm_vgic_vcpu_init(struct vmm_vcpu *vcpu)
{
	unsigned int i;

	INIT_LIST_HEAD(&vcpu->vgic.ap_list);
	for (i = 0; i < VGIC_NR_PRIVATE; i++) {
		struct vmm_irq *irq = &vcpu->vgic.private[i];

		INIT_LIST_HEAD(&irq->ap_list);
		irq->intid = i;
		irq->target = vcpu;
		irq->group1 = true;
		irq->edge = i < VGIC_NR_SGIS;
		irq->enabled = i < VGIC_NR_SGIS;
	}
	vcpu->vgic.sleep = true;
}

struct vmm_irq *vmm_vgic_irq(struct vmm_vm *vm, struct vmm_vcpu *vcpu, u32 intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return vcpu ? &vcpu->vgic.private[intid] : NULL;
	if (vm->vgic.spis && intid - VGIC_NR_PRIVATE < vm->vgic.nr_spis)
		return &vm->vgic.spis[intid - VGIC_NR_PRIVATE];
	return NULL;
}

/*
 * KVM_DEV_ARM_VGIC_CTRL_INIT (VM lock held, no vCPU running): the SPIs,
 * edge-triggered until the guest says otherwise (ICFGR's reset value is
 * the implementation's choice; KVM's is edge), group 1, routed to
 * affinity 0.
 */
int vmm_vgic_init(struct vmm_vm *vm)
{
	unsigned int i, nr = vm->vgic.nr_spis ?: VGIC_DEFAULT_IRQS - VGIC_NR_PRIVATE;
	struct vmm_irq *spis;
	unsigned long flags;

	lockdep_assert_held(&vm->lock);
	if (vm->vgic.initialised)
		return 0;
	spis = kcalloc(nr, sizeof(*spis), GFP_KERNEL_ACCOUNT);
	if (!spis)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		INIT_LIST_HEAD(&spis[i].ap_list);
		spis[i].intid = VGIC_NR_PRIVATE + i;
		spis[i].group1 = true;
		spis[i].edge = true;
		spis[i].target = vmm_vcpu_by_mpidr(vm, 0);
	}
	raw_spin_lock_irqsave(&vm->vgic.lock, flags);
	vm->vgic.nr_spis = nr;
	vm->vgic.spis = spis;
	vm->vgic.initialised = true;
	raw_spin_unlock_irqrestore(&vm->vgic.lock, flags);
	return 0;
}

/* Lock held, or before the VM runs. */
void vmm_vgic_map_hw(struct vmm_vcpu *vcpu, u32 intid, u32 hwintid)
{
	struct vmm_irq *irq = &vcpu->vgic.private[intid];

	irq->hw = true;
	irq->hwintid = hwintid;
	irq->edge = false;
}

/*
 * The distributor at one 64K frame, the redistributors one 128K pair per
 * vCPU id from their base: inside the IPA space, not overlapping.  Done
 * at the first KVM_RUN, when both are known, as KVM's map_resources.
 * And on every vCPU the virtual timer's PPI, fixed from now on, comes to
 * stand for the physical one (arch_timer.c), as KVM's kvm_timer_enable().
 */
int vmm_vgic_map(struct vmm_vm *vm)
{
	struct vmm_vgic *vg = &vm->vgic;
	u64 redist_size = 0, top = BIT_ULL(vm->ipa_bits);
	unsigned int i;
	int ret = 0;

	if (!READ_ONCE(vg->created) || smp_load_acquire(&vg->mapped))
		return 0;
	mutex_lock(&vm->lock);
	if (vg->mapped)
		goto out;
	for (i = 0; i < VMM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			redist_size = (u64)(i + 1) * VGIC_REDIST_SIZE;
	ret = -EBUSY;			/* KVM: a GICv3 is initialised explicitly */
	if (!vg->initialised)
		goto out;
	ret = -ENXIO;
	if (vg->dist_base == VGIC_ADDR_UNDEF || vg->redist_base == VGIC_ADDR_UNDEF)
		goto out;
	ret = -EINVAL;
	if (vg->redist_base + redist_size > top ||
	    (vg->dist_base < vg->redist_base + redist_size &&
	     vg->redist_base < vg->dist_base + VGIC_DIST_SIZE))
		goto out;
	vg->dist_io.ops = &vmm_vgic_dist_ops;
	vg->redist_io.ops = &vmm_vgic_redist_ops;
	ret = vmm_io_bus_register(vm, VMM_MMIO_BUS, vg->dist_base, VGIC_DIST_SIZE,
				  &vg->dist_io);
	if (ret)
		goto out;
	ret = vmm_io_bus_register(vm, VMM_MMIO_BUS, vg->redist_base, redist_size,
				  &vg->redist_io);
	if (ret) {
		vmm_io_bus_unregister(vm, VMM_MMIO_BUS, &vg->dist_io);
		goto out;
	}
	raw_spin_lock_irq(&vg->lock);
	for (i = 0; i < VMM_MAX_VCPUS; i++) {
		struct vmm_vcpu *v = vm->vcpus[i];

		if (!v)
			continue;
		vmm_vgic_map_hw(v, v->timer.irq, vmm_timer_hwintid(true));
		if (vmm_timer_hwintid(false))
			vmm_vgic_map_hw(v, v->timer.pirq, vmm_timer_hwintid(false));
	}
	raw_spin_unlock_irq(&vg->lock);
	smp_store_release(&vg->mapped, true);
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/* The VM is dying: no vCPU runs, its io bus goes with it. */
void vmm_vgic_destroy(struct vmm_vm *vm)
{
	kfree(vm->vgic.spis);
}

/* ---- interrupt state ------------------------------------------------------ */

static bool irq_pending(const struct vmm_irq *irq)
{
	return irq->pending_latch || (!irq->edge && irq->line_level);
}

static bool group_enabled(const struct vmm_vm *vm, const struct vmm_irq *irq)
{
	return irq->group1 ? vm->vgic.enabled : vm->vgic.enabled_g0;
}

/*
 * The vCPU that must hold @irq on its ap list now: while active, the one
 * that took it; while pending and enabled, its target; else none.
 */
static struct vmm_vcpu *irq_oracle(const struct vmm_vm *vm, const struct vmm_irq *irq)
{
	if (irq->active)
		return irq->vcpu ?: irq->target;
	if (irq->enabled && irq_pending(irq) && group_enabled(vm, irq))
		return irq->target;
	return NULL;
}

void vmm_vgic_queue(struct vmm_vm *vm, struct vmm_irq *irq)
{
	struct vmm_vcpu *vcpu;

	lockdep_assert_held(&vm->vgic.lock);
	/*
	 * On an ap list already: that vCPU may have it in a list register
	 * right now, so only it may move it (prune(), at its next exit).
	 */
	if (irq->vcpu) {
		vmm_vcpu_kick(irq->vcpu);
		return;
	}
	vcpu = irq_oracle(vm, irq);
	if (!vcpu)
		return;
	list_add_tail(&irq->ap_list, &vcpu->vgic.ap_list);
	irq->vcpu = vcpu;
	vmm_vcpu_kick(vcpu);
}

/*
 * After @vcpu's list registers are folded back: what it no longer holds
 * leaves its ap list, to another vCPU's (kicked) or to none.
 */
static void prune(struct vmm_vm *vm, struct vmm_vcpu *vcpu)
{
	struct vmm_irq *irq, *tmp;

	list_for_each_entry_safe(irq, tmp, &vcpu->vgic.ap_list, ap_list) {
		struct vmm_vcpu *target = irq_oracle(vm, irq);

		if (target == vcpu)
			continue;
		list_del(&irq->ap_list);
		irq->vcpu = NULL;
		if (target) {
			list_add_tail(&irq->ap_list, &target->vgic.ap_list);
			irq->vcpu = target;
			vmm_vcpu_kick(target);
		}
	}
}

int vmm_vgic_inject(struct vmm_vm *vm, struct vmm_vcpu *vcpu, u32 intid, bool level)
{
	struct vmm_irq *irq;
	unsigned long flags;

	if (!smp_load_acquire(&vm->vgic.initialised))
		return -EBUSY;		/* KVM's answer before CTRL_INIT */
	raw_spin_lock_irqsave(&vm->vgic.lock, flags);
	irq = vmm_vgic_irq(vm, vcpu, intid);
	if (!irq) {
		raw_spin_unlock_irqrestore(&vm->vgic.lock, flags);
		return -EINVAL;
	}
	if (irq->edge) {
		if (level) {		/* a rising edge; a falling one is nothing */
			irq->pending_latch = true;
			vmm_vgic_queue(vm, irq);
		}
	} else if (irq->line_level != level) {
		irq->line_level = level;
		if (level)
			vmm_vgic_queue(vm, irq);
	}
	raw_spin_unlock_irqrestore(&vm->vgic.lock, flags);
	return 0;
}

/*
 * KVM_IRQ_LINE with an in-kernel GIC: irq's bits 27:24 the type, 23:16
 * (and 31:28, KVM_CAP_ARM_IRQ_LINE_LAYOUT_2) the vCPU, 15:0 the INTID.
 * A PPI the kernel drives itself (the timer's) is not userspace's to set:
 * ignored, as KVM ignores a line it does not own.
 */
int vmm_vgic_irq_line(struct vmm_vm *vm, const struct kvm_irq_level *l)
{
	u32 type = (l->irq >> KVM_ARM_IRQ_TYPE_SHIFT) & KVM_ARM_IRQ_TYPE_MASK;
	u32 idx = ((l->irq >> KVM_ARM_IRQ_VCPU_SHIFT) & KVM_ARM_IRQ_VCPU_MASK) |
		  ((l->irq >> KVM_ARM_IRQ_VCPU2_SHIFT) & KVM_ARM_IRQ_VCPU2_MASK) << 8;
	u32 num = (l->irq >> KVM_ARM_IRQ_NUM_SHIFT) & KVM_ARM_IRQ_NUM_MASK;
	struct vmm_vcpu *vcpu;

	switch (type) {
	case KVM_ARM_IRQ_TYPE_CPU:
		/* the CPU's own IRQ/FIQ lines: only without an interrupt controller */
		return -ENXIO;
	case KVM_ARM_IRQ_TYPE_PPI:
		if (!READ_ONCE(vm->vgic.created))
			return -ENXIO;
		vcpu = idx < VMM_MAX_VCPUS ? READ_ONCE(vm->vcpus[idx]) : NULL;
		if (!vcpu)
			return -EINVAL;
		if (num < VGIC_NR_SGIS || num >= VGIC_NR_PRIVATE)
			return -EINVAL;
		if (vcpu->vgic.private[num].hw)
			return 0;
		return vmm_vgic_inject(vm, vcpu, num, l->level);
	case KVM_ARM_IRQ_TYPE_SPI:
		if (!READ_ONCE(vm->vgic.created))
			return -ENXIO;
		if (num < VGIC_NR_PRIVATE)
			return -EINVAL;
		return vmm_vgic_inject(vm, NULL, num, l->level);
	default:
		return -EINVAL;
	}
}

/* ---- the list registers ----------------------------------------------- */

/* Candidates first: active ones, then by priority (KVM's vgic_irq_cmp). */
static int irq_cmp(void *priv, const struct list_head *a, const struct list_head *b)
{
	struct vmm_vcpu *vcpu = priv;
	struct vmm_irq *x = container_of(a, struct vmm_irq, ap_list);
	struct vmm_irq *y = container_of(b, struct vmm_irq, ap_list);
	bool xc = irq_oracle(vcpu->vm, x) == vcpu, yc = irq_oracle(vcpu->vm, y) == vcpu;

	if (xc != yc)
		return xc ? -1 : 1;
	if (x->active != y->active)
		return x->active ? -1 : 1;
	return (int)x->priority - (int)y->priority;
}

/*
 * One list register for @irq.  A software level-triggered interrupt asks
 * for a maintenance interrupt at its deactivation (EOI), so that a line
 * still high is seen again; a hardware one (the timer) is deactivated in
 * the physical GIC by the guest's own deactivation, and is only ever
 * pending or active there, never both (KVM's vgic_v3_populate_lr()).
 */
static u64 make_lr(struct vmm_irq *irq)
{
	bool allow_pending = true;
	u64 val = irq->intid;

	if (irq->active)
		val |= ICH_LR_ACTIVE_BIT;
	if (irq->hw) {
		val |= ICH_LR_HW | (u64)irq->hwintid << ICH_LR_PHYS_ID_SHIFT;
		allow_pending = !irq->active;
	} else if (!irq->edge) {
		val |= ICH_LR_EOI;
		allow_pending = !irq->active;
	}
	if (allow_pending && irq_pending(irq)) {
		val |= ICH_LR_PENDING_BIT;
		if (irq->edge)
			irq->pending_latch = false;
		/* a hardware level line is seen by its rising edges only */
		if (irq->hw)
			irq->line_level = false;
	}
	if (irq->group1)
		val |= ICH_LR_GROUP;
	return val | (u64)irq->priority << ICH_LR_PRIORITY_SHIFT;
}

void __vmm_vgic_flush(struct vmm_vcpu *vcpu)
{
	struct vmm_vgic_cpu *v = &vcpu->vgic;
	struct vmm_vm *vm = vcpu->vm;
	unsigned int want = 0, n = 0, nr_lrs = vmm_vgic_global.nr_lrs;
	struct vmm_irq *irq;

	raw_spin_lock(&vm->vgic.lock);
	list_for_each_entry(irq, &v->ap_list, ap_list)
		want += irq_oracle(vm, irq) == vcpu;
	if (want > nr_lrs)
		list_sort(vcpu, &v->ap_list, irq_cmp);
	v->hcr = ICH_HCR_EN;
	list_for_each_entry(irq, &v->ap_list, ap_list) {
		if (irq_oracle(vm, irq) != vcpu)
			continue;
		if (n == nr_lrs) {
			/* more than fit: an exit when the guest has used them up */
			v->hcr |= ICH_HCR_UIE;
			break;
		}
		v->lr[n++] = make_lr(irq);
	}
	v->used_lrs = n;
	raw_spin_unlock(&vm->vgic.lock);
}

void __vmm_vgic_sync(struct vmm_vcpu *vcpu)
{
	struct vmm_vgic_cpu *v = &vcpu->vgic;
	struct vmm_vm *vm = vcpu->vm;
	unsigned int i, nr_acked = 0;
	u32 acked[VGIC_MAX_LRS];

	raw_spin_lock(&vm->vgic.lock);
	for (i = 0; i < v->used_lrs; i++) {
		u64 lr = v->lr[i];
		struct vmm_irq *irq = vmm_vgic_irq(vm, vcpu, lr & ICH_LR_VIRTUAL_ID_MASK);
		bool deactivated;

		if (WARN_ON_ONCE(!irq))
			continue;
		if (lr & ICH_LR_HW)	/* the guest may have ended the physical one */
			vmm_timer_phys_unknown(irq->hwintid);
		deactivated = irq->active && !(lr & ICH_LR_ACTIVE_BIT);
		irq->active = !!(lr & ICH_LR_ACTIVE_BIT);
		if (irq->edge && (lr & ICH_LR_PENDING_BIT))
			irq->pending_latch = true;	/* not taken yet */
		if (!irq->edge && !(lr & ICH_LR_STATE)) {
			irq->pending_latch = false;	/* taken and completed */
			/* an SPI's EOI maintenance exit: its resamplers hear */
			if ((lr & ICH_LR_EOI) && !irq->hw && irq->intid >= VGIC_NR_PRIVATE)
				acked[nr_acked++] = irq->intid;
		}
		/*
		 * The timer's line, still pending in the guest, or completed
		 * while a new edge waited: is it still high?  If the guest
		 * moved its timer meanwhile it is not, and the physical
		 * interrupt, kept active while the virtual one was in flight,
		 * must be made inactive or it never fires again.
		 */
		if (irq->hw && ((lr & ICH_LR_PENDING_BIT) || (deactivated && irq->line_level))) {
			irq->line_level = vmm_timer_line(vcpu, irq->hwintid);
			if (!irq->line_level && !irq->active)
				vmm_timer_set_phys_active(irq->hwintid, false);
		}
	}
	v->used_lrs = 0;
	prune(vm, vcpu);
	raw_spin_unlock(&vm->vgic.lock);
	for (i = 0; i < nr_acked && READ_ONCE(vm->nr_resamplefds); i++)
		vmm_irqfd_acked(vm, acked[i]);
}

/* The vCPU's ICH_VMCR_EL2, wherever it is. */
static u64 vcpu_vmcr(struct vmm_vcpu *vcpu)
{
	u64 vmcr;

	preempt_disable();
	vmcr = vcpu->sysregs_loaded ? vmm_vhe_vgic_read_vmcr() : vcpu->vgic.vmcr;
	preempt_enable();
	return vmcr;
}

/*
 * Would the guest take an interrupt if it unmasked them?  (WFI wakes for
 * one whatever PSTATE says.)  Pending, enabled, not active, its group
 * enabled in the CPU interface and its priority above the mask.  Called
 * between runs (the list registers are folded back), so it prunes first:
 * what another vCPU must take goes there.
 */
bool vmm_vgic_pending(struct vmm_vcpu *vcpu)
{
	struct vmm_vm *vm = vcpu->vm;
	struct vmm_irq *irq;
	unsigned long flags;
	bool ret = false;
	unsigned int pmr;
	u64 vmcr;

	if (!smp_load_acquire(&vm->vgic.initialised) || list_empty(&vcpu->vgic.ap_list))
		return false;
	vmcr = vcpu_vmcr(vcpu);
	pmr = (vmcr & ICH_VMCR_PMR_MASK) >> ICH_VMCR_PMR_SHIFT;
	raw_spin_lock_irqsave(&vm->vgic.lock, flags);
	prune(vm, vcpu);
	list_for_each_entry(irq, &vcpu->vgic.ap_list, ap_list) {
		if (irq->active || !irq_pending(irq) || !irq->enabled ||
		    irq->priority >= pmr)
			continue;
		if (vmcr & (irq->group1 ? ICH_VMCR_ENG1_MASK : ICH_VMCR_ENG0_MASK)) {
			ret = true;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&vm->vgic.lock, flags);
	return ret;
}

/*
 * Set @vcpu's level-triggered PPI @intid's line to @level (a rise makes it
 * pending) and say whether it is now pending or active: one look under
 * the lock, for each vCPU load (arch_timer.c).
 */
bool vmm_vgic_set_line(struct vmm_vcpu *vcpu, u32 intid, bool level)
{
	struct vmm_irq *irq = &vcpu->vgic.private[intid];
	struct vmm_vm *vm = vcpu->vm;
	unsigned long flags;
	bool ret;

	raw_spin_lock_irqsave(&vm->vgic.lock, flags);
	if (irq->line_level != level) {
		irq->line_level = level;
		if (level)
			vmm_vgic_queue(vm, irq);
	}
	ret = irq->active || irq_pending(irq);
	raw_spin_unlock_irqrestore(&vm->vgic.lock, flags);
	return ret;
}

/*
 * ICC_SGI1R_EL1 (and SGI0R, ASGI1R): SGI @reg[27:24] to the vCPUs whose
 * affinity is Aff3.Aff2.Aff1 (@reg[55:48], [39:32], [23:16]) and whose
 * Aff0 is RS * 16 + a set bit of TargetList; or with IRM to every vCPU but
 * the sender.  Only to SGIs of the group the register generates.
 */
void vmm_vgic_send_sgi(struct vmm_vcpu *vcpu, u64 reg, bool group1)
{
	u64 aff = ((reg & ICC_SGI1R_AFFINITY_1_MASK) >> ICC_SGI1R_AFFINITY_1_SHIFT) << 8 |
		  ((reg & ICC_SGI1R_AFFINITY_2_MASK) >> ICC_SGI1R_AFFINITY_2_SHIFT) << 16 |
		  ((reg & ICC_SGI1R_AFFINITY_3_MASK) >> ICC_SGI1R_AFFINITY_3_SHIFT) << 32;
	u32 sgi = (reg & ICC_SGI1R_SGI_ID_MASK) >> ICC_SGI1R_SGI_ID_SHIFT;
	u32 rs = (reg & ICC_SGI1R_RS_MASK) >> ICC_SGI1R_RS_SHIFT;
	bool broadcast = reg & BIT_ULL(ICC_SGI1R_IRQ_ROUTING_MODE_BIT);
	u16 targets = reg & ICC_SGI1R_TARGET_LIST_MASK;
	struct vmm_vm *vm = vcpu->vm;
	unsigned int i, seen = 0, nr = READ_ONCE(vm->nr_vcpus);
	unsigned long flags;

	raw_spin_lock_irqsave(&vm->vgic.lock, flags);
	for (i = 0; i < VMM_MAX_VCPUS && seen < nr; i++) {
		struct vmm_vcpu *c = READ_ONCE(vm->vcpus[i]);
		struct vmm_irq *irq;
		u64 mpidr;

		if (!c)
			continue;
		seen++;
		mpidr = c->mpidr & MPIDR_HWID_BITMASK;
		if (broadcast ? c == vcpu :
		    (mpidr & ~0xffULL) != aff || (mpidr & 0xff) >> 4 != rs ||
		    !(targets & BIT(mpidr & 0xf)))
			continue;
		irq = &c->vgic.private[sgi];
		if (irq->group1 != group1)
			continue;
		irq->pending_latch = true;
		vmm_vgic_queue(vm, irq);
	}
	raw_spin_unlock_irqrestore(&vm->vgic.lock, flags);
}
