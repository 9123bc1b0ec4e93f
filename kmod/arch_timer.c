// SPDX-License-Identifier: GPL-2.0
/*
 * arch_timer.c - the guest's timers and their interrupts.
 *
 * The guest's EL1 virtual timer (CNTV_*) and, with VHE, its EL1 physical
 * timer (CNTP_*: the host's own is the EL2 one) are the CPU's own while
 * its vCPU is loaded (their registers switch with the other EL1 state,
 * CNTVOFF_EL2 is the VM's; the physical count has no offset), so when one
 * fires its physical PPI reaches the host, at EL2, and the handler here
 * makes the vCPU's PPI for that timer pending in the vGIC.  That virtual interrupt stands for the physical one (a
 * hardware list register, KVM's "mapped" interrupt): the host's EOI of the
 * PPI only drops its priority (the interrupt is marked as forwarded to a
 * vCPU, so Linux's GICv3 driver leaves it active), and the guest's own
 * deactivation of the virtual interrupt deactivates the physical one.  So
 * a timer that stays asserted fires once per guest interrupt, never as a
 * storm, and costs no exit at the guest's EOI.
 *
 * At each load the physical interrupt's active state is set to what this
 * vCPU needs: active while its virtual one is pending or active (or while
 * the VM has no vGIC at all: its timer must never interrupt the host),
 * inactive otherwise, so that the next expiry fires.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/math64.h>
#include <linux/irq.h>
#include <linux/of.h>
#include <linux/of_irq.h>

#include "emulate.h"

/* One of the guest's timers, and the host's PPI that stands behind it. */
struct guest_timer {
	const char		*name;
	unsigned int		dt_index;	/* in the timer's device-tree node */
	enum vmm_sysreg		ctl, cval;
	int			irq;		/* Linux's number; 0: not available */
	u32			hwintid;	/* the GIC's */
};

/* the device-tree order: secure, non-secure physical, virtual, hyp */
static struct guest_timer timers[] = {
	{ .name = "virtual", .dt_index = 2, .ctl = CNTV_CTL_EL0, .cval = CNTV_CVAL_EL0 },
	{ .name = "physical", .dt_index = 1, .ctl = CNTP_CTL_EL0, .cval = CNTP_CVAL_EL0 },
};
#define VTIMER	(&timers[0])
#define PTIMER	(&timers[1])

static void ptimer_update(struct vmm_vcpu *vcpu);

/* The guest's PPI for @t. */
static u32 timer_ppi(const struct vmm_vcpu *vcpu, const struct guest_timer *t)
{
	return t == VTIMER ? vcpu->timer.irq : vcpu->timer.pirq;
}

static struct guest_timer *timer_by_hwintid(u32 hwintid)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(timers); i++)
		if (timers[i].irq && timers[i].hwintid == hwintid)
			return &timers[i];
	return NULL;
}

/* @t's condition for the guest: enabled, not masked, its count at CVAL. */
static bool asserted(struct vmm_vcpu *vcpu, const struct guest_timer *t)
{
	u64 ctl = vmm_vcpu_read_sys_reg(vcpu, t->ctl);
	u64 now = t == VTIMER ? vmm_guest_cntvct(vcpu->vm) : __arch_counter_get_cntpct();

	if ((ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) != CNTV_CTL_ENABLE)
		return false;
	return vmm_vcpu_read_sys_reg(vcpu, t->cval) <= now;
}

bool vmm_timer_line(struct vmm_vcpu *vcpu, u32 hwintid)
{
	struct guest_timer *t = timer_by_hwintid(hwintid);

	return t && asserted(vcpu, t);
}

/*
 * The next deadline of the guest's enabled, unmasked timers, as a virtual
 * count; WFI_NO_DEADLINE if none is armed (handle_exit.c).
 */
u64 vmm_timer_deadline(struct vmm_vcpu *vcpu)
{
	u64 deadline = WFI_NO_DEADLINE, cntvoff = READ_ONCE(vcpu->vm->cntvoff);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(timers); i++) {
		const struct guest_timer *t = &timers[i];
		u64 ctl = vmm_vcpu_read_sys_reg(vcpu, t->ctl);
		u64 cval = vmm_vcpu_read_sys_reg(vcpu, t->cval);

		if ((ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) != CNTV_CTL_ENABLE)
			continue;
		if (t == PTIMER)	/* physical count to virtual, modulo 2^64 */
			cval -= cntvoff;
		deadline = min(deadline, cval);
	}
	return deadline;
}

u32 vmm_timer_hwintid(bool virt)
{
	return virt ? VTIMER->hwintid : PTIMER->hwintid;
}

/*
 * What each CPU's GIC holds for each timer's PPI: its active state is
 * changed only by our writes, by the interrupt firing (the handler sees
 * it), and by a guest's deactivation through a hardware list register
 * (vgic.c says so after each run that had one).  So each load can skip
 * the GIC, whose write waits for the redistributor, when the state is
 * known to be right already: most loads (each KVM_RUN) are.
 */
enum { PHYS_UNKNOWN, PHYS_INACTIVE, PHYS_ACTIVE };
static DEFINE_PER_CPU(u8 [2], phys_state);

static void note_phys(const struct guest_timer *t, u8 state)
{
	this_cpu_write(phys_state[t - timers], state);
}

static void set_phys_active(const struct guest_timer *t, bool active)
{
	u8 want = active ? PHYS_ACTIVE : PHYS_INACTIVE;

	if (this_cpu_read(phys_state[t - timers]) == want)
		return;
	WARN_ON_ONCE(irq_set_irqchip_state(t->irq, IRQCHIP_STATE_ACTIVE, active));
	note_phys(t, want);
}

void vmm_timer_phys_unknown(u32 hwintid)
{
	struct guest_timer *t = timer_by_hwintid(hwintid);

	if (t)
		note_phys(t, PHYS_UNKNOWN);
}

void vmm_timer_set_phys_active(u32 hwintid, bool active)
{
	struct guest_timer *t = timer_by_hwintid(hwintid);

	if (t)
		set_phys_active(t, active);
}

/*
 * One of the EL1 timers fired here.  For the loaded vCPU's asserted timer
 * the interrupt goes to the guest, and stays active until the guest ends
 * it.  With a vCPU loaded whose timer is not asserted, the line is low
 * (its state is the CPU's): the interrupt is stale, from a timer that
 * fired as its vCPU was put, and is ended here, or it would hold back this
 * vCPU's timer.  With none loaded, or a VM without a vGIC, it stays
 * active: the line may still be high (whatever the EL1 timer held before
 * the module came), and the next load sets the state it needs.
 */
static irqreturn_t timer_handler(int irq, void *dev_id)
{
	struct vmm_vcpu *vcpu = *(struct vmm_vcpu **)dev_id;
	struct guest_timer *t = irq == VTIMER->irq ? VTIMER : PTIMER;

	note_phys(t, PHYS_ACTIVE);		/* it fired: the host's EOI left it so */
	if (!vcpu || !smp_load_acquire(&vcpu->vm->vgic.initialised))
		return IRQ_HANDLED;
	if (asserted(vcpu, t))
		vmm_vgic_inject(vcpu->vm, vcpu, timer_ppi(vcpu, t), true);
	else
		set_phys_active(t, false);
	return IRQ_HANDLED;
}

void vmm_timer_load(struct vmm_vcpu *vcpu)
{
	bool initialised = smp_load_acquire(&vcpu->vm->vgic.initialised);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(timers); i++) {
		const struct guest_timer *t = &timers[i];
		bool active = true;

		if (!t->irq)
			continue;
		if (initialised) {
			/*
			 * The line as it is now: a deadline that passed while
			 * the vCPU was out makes the interrupt pending with no
			 * exit needed; a timer moved meanwhile retires one
			 * still waiting.
			 */
			active = vmm_vgic_set_line(vcpu, timer_ppi(vcpu, t), asserted(vcpu, t));
		}
		set_phys_active(t, active);
	}
	if (vmm_is_nvhe())
		ptimer_update(vcpu);	/* ONE_REG may have moved it */
}

/*
 * The timers' PPIs, as KVM's kvm_arm_timer_set_attr(): with an in-kernel
 * GIC only, a PPI, distinct, and the same on every vCPU (a write to one
 * sets them all), until the VM first runs.  No PMU, no PV time: -ENXIO.
 */
int vmm_timer_attr(struct vmm_vcpu *vcpu, unsigned int cmd, struct kvm_device_attr *attr)
{
	int __user *uaddr = u64_to_user_ptr(attr->addr);
	bool virt = attr->attr == KVM_ARM_VCPU_TIMER_IRQ_VTIMER;
	struct vmm_vm *vm = vcpu->vm;
	unsigned int i;
	int irq, ret = 0;

	if (attr->group != KVM_ARM_VCPU_TIMER_CTRL ||
	    (!virt && attr->attr != KVM_ARM_VCPU_TIMER_IRQ_PTIMER))
		return -ENXIO;
	if (cmd == KVM_HAS_DEVICE_ATTR)
		return 0;
	if (cmd == KVM_GET_DEVICE_ATTR)
		return put_user(virt ? vcpu->timer.irq : vcpu->timer.pirq, uaddr);
	if (!READ_ONCE(vm->vgic.created))
		return -EINVAL;
	if (get_user(irq, uaddr))
		return -EFAULT;
	if (irq < VGIC_NR_SGIS || irq >= VGIC_NR_PRIVATE)
		return -EINVAL;
	mutex_lock(&vm->lock);
	if (vm->ran_once)
		ret = -EBUSY;
	else if (irq == (virt ? vcpu->timer.pirq : vcpu->timer.irq))
		ret = -EINVAL;		/* KVM refuses the pair at the first run */
	for (i = 0; !ret && i < VMM_MAX_VCPUS; i++) {
		struct vmm_vcpu *v = vm->vcpus[i];

		if (v && virt)
			v->timer.irq = irq;
		else if (v)
			v->timer.pirq = irq;
	}
	mutex_unlock(&vm->lock);
	return ret;
}

void vmm_timer_cpu_up(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(timers); i++) {
		note_phys(&timers[i], PHYS_UNKNOWN);
		if (timers[i].irq)
			enable_percpu_irq(timers[i].irq, irq_get_trigger_type(timers[i].irq));
	}
}

void vmm_timer_cpu_down(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(timers); i++)
		if (timers[i].irq)
			disable_percpu_irq(timers[i].irq);
}

static void timer_free(struct guest_timer *t)
{
	irq_set_vcpu_affinity(t->irq, NULL);
	free_percpu_irq(t->irq, &vmm_loaded_vcpu);
	t->irq = 0;
	t->hwintid = 0;
}

/*
 * Each timer's PPI from the architected timer's device-tree node (Linux
 * does not export the timer driver's record of them to modules), taken
 * and marked as forwarded to a vCPU: the host's EOI leaves it active for
 * the guest to deactivate.  Without both, no in-kernel GIC (vgic.c).
 */
int vmm_timer_init_global(void)
{
	struct device_node *np;
	unsigned int i;
	int ret;

	np = of_find_compatible_node(NULL, NULL, "arm,armv8-timer");
	for (i = 0; i < ARRAY_SIZE(timers); i++) {
		struct guest_timer *t = &timers[i];
		int irq = np ? irq_of_parse_and_map(np, t->dt_index) : 0;

		/*
		 * With nVHE the host kernel at EL1 runs on the EL1 physical
		 * timer: the guest's traps (CNTHCTL_EL2.EL1PCEN) and has no
		 * physical interrupt behind it.
		 */
		if (t == PTIMER && vmm_is_nvhe()) {
			pr_info("nVHE: the EL1 physical timer is the host's\n");
			continue;
		}
		if (!irq) {
			pr_info("no EL1 %s timer interrupt in the device tree\n", t->name);
			continue;
		}
		ret = request_percpu_irq(irq, timer_handler,
					 t == VTIMER ? "vmm-vtimer" : "vmm-ptimer",
					 &vmm_loaded_vcpu);
		if (ret) {
			pr_warn("cannot take the EL1 %s timer interrupt: %d\n", t->name, ret);
			continue;
		}
		t->irq = irq;
		t->hwintid = irqd_to_hwirq(irq_get_irq_data(irq));
		ret = irq_set_vcpu_affinity(irq, &vmm_loaded_vcpu);
		if (ret) {
			pr_warn("cannot forward the EL1 %s timer interrupt: %d\n", t->name, ret);
			timer_free(t);
		}
	}
	of_node_put(np);
	return 0;
}

void vmm_timer_exit_global(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(timers); i++)
		if (timers[i].irq)
			timer_free(&timers[i]);
}

/*
 * nVHE: the guest's EL1 physical timer, emulated.  The host kernel at EL1
 * runs on the real one, so the guest's accesses trap (CNTHCTL_EL2.EL1PCEN
 * clear, hyp/nvhe/switch.c) and come here; its registers live in the
 * vCPU, its interrupt is a software level line, recomputed at each access
 * and each load and raised at the deadline by an hrtimer, which also
 * kicks the vCPU out of the guest or of WFI (as KVM's emulated timers).
 */
static void ptimer_update(struct vmm_vcpu *vcpu)
{
	unsigned long flags;
	u64 ctl, cval, now;
	bool on, level;

	/*
	 * One at a time, the vCPU's access and the hrtimer's expiry: each
	 * reads the registers, sets the line and arms the timer as one,
	 * so a stale read cannot leave the line high behind a newer one.
	 */
	raw_spin_lock_irqsave(&vcpu->timer.ptimer_lock, flags);
	ctl = READ_ONCE(vcpu->ctxt.sys[CNTP_CTL_EL0]);
	cval = READ_ONCE(vcpu->ctxt.sys[CNTP_CVAL_EL0]);
	now = __arch_counter_get_cntpct();
	on = (ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) == CNTV_CTL_ENABLE;
	level = on && cval <= now;
	if (smp_load_acquire(&vcpu->vm->vgic.initialised))
		vmm_vgic_inject(vcpu->vm, vcpu, vcpu->timer.pirq, level);
	/*
	 * At most an hour ahead: a deadline centuries away would overflow
	 * the nanoseconds; the expiry looks again and re-arms.
	 */
	if (on && !level)
		hrtimer_start(&vcpu->timer.ptimer,
			      ns_to_ktime(mul_u64_u32_div(min_t(u64, cval - now,
								3600ULL * arch_timer_get_cntfrq()),
							  NSEC_PER_SEC, arch_timer_get_cntfrq())),
			      HRTIMER_MODE_REL_HARD);
	else
		hrtimer_try_to_cancel(&vcpu->timer.ptimer);
	raw_spin_unlock_irqrestore(&vcpu->timer.ptimer_lock, flags);
}

static enum hrtimer_restart ptimer_expired(struct hrtimer *h)
{
	ptimer_update(container_of(h, struct vmm_vcpu, timer.ptimer));
	return HRTIMER_NORESTART;
}

void vmm_ptimer_init(struct vmm_vcpu *vcpu)
{
	raw_spin_lock_init(&vcpu->timer.ptimer_lock);
	hrtimer_init(&vcpu->timer.ptimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	vcpu->timer.ptimer.function = ptimer_expired;
}

void vmm_ptimer_destroy(struct vmm_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->timer.ptimer);
}

void vmm_ptimer_access(struct vmm_vcpu *vcpu, u32 op2, u64 *val, bool read)
{
	u64 *ctl = &vcpu->ctxt.sys[CNTP_CTL_EL0], *cval = &vcpu->ctxt.sys[CNTP_CVAL_EL0];
	u64 now = __arch_counter_get_cntpct();

	switch (op2) {
	case 0:		/* TVAL: the low 32 bits of CVAL - count, signed on write */
		if (read)
			*val = (u32)(*cval - now);
		else
			WRITE_ONCE(*cval, now + (s64)(s32)*val);
		break;
	case 1:		/* CTL: ENABLE, IMASK; ISTATUS read-only */
		if (read)
			*val = *ctl | ((*ctl & CNTV_CTL_ENABLE) && *cval <= now ?
				       ARCH_TIMER_CTRL_IT_STAT : 0);
		else
			WRITE_ONCE(*ctl, *val & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK));
		break;
	default:	/* CVAL */
		if (read)
			*val = *cval;
		else
			WRITE_ONCE(*cval, *val);
	}
	if (!read)
		ptimer_update(vcpu);
}
