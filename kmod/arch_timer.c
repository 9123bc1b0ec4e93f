// SPDX-License-Identifier: GPL-2.0
/*
 * arch_timer.c - the guest's virtual timer and its interrupt.
 *
 * The guest's EL1 virtual timer (CNTV_*) is the CPU's own while its vCPU
 * is loaded (its registers switch with the other EL1 state, CNTVOFF_EL2
 * is the VM's), so when it fires the physical PPI reaches the host, at
 * EL2, and the handler here makes the vCPU's virtual timer PPI pending in
 * the vGIC.  That virtual interrupt stands for the physical one (a
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
 * inactive otherwise, so that the next expiry fires.  (On VHE the host's
 * own timer is the EL2 one; the EL1 virtual timer and its PPI are free.)
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/of.h>
#include <linux/of_irq.h>

#include "emulate.h"

static int vtimer_irq;		/* Linux's number for the EL1 virtual timer PPI */
static u32 vtimer_hwintid;	/* and the GIC's */

bool vmm_timer_asserted(struct vmm_vcpu *vcpu)
{
	u64 ctl = vmm_vcpu_read_sys_reg(vcpu, CNTV_CTL_EL0);

	if ((ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) != CNTV_CTL_ENABLE)
		return false;
	return vmm_vcpu_read_sys_reg(vcpu, CNTV_CVAL_EL0) <= vmm_guest_cntvct(vcpu->vm);
}

u32 vmm_timer_hwintid(void)
{
	return vtimer_hwintid;
}

void vmm_timer_set_phys_active(bool active)
{
	WARN_ON_ONCE(irq_set_irqchip_state(vtimer_irq, IRQCHIP_STATE_ACTIVE, active));
}

/* The guest's timer fired while its vCPU was loaded here. */
static irqreturn_t vtimer_handler(int irq, void *dev_id)
{
	struct vmm_vcpu *vcpu = *(struct vmm_vcpu **)dev_id;

	if (vcpu && vmm_timer_asserted(vcpu))
		vmm_vgic_inject(vcpu->vm, vcpu, vcpu->timer.irq, true);
	return IRQ_HANDLED;
}

void vmm_timer_load(struct vmm_vcpu *vcpu)
{
	bool active = true;

	if (!vtimer_irq)
		return;
	if (smp_load_acquire(&vcpu->vm->vgic.initialised)) {
		active = vmm_vgic_in_flight(vcpu, vcpu->timer.irq);
		/* it expired while the vCPU was out: pending now, no exit needed */
		if (!active && vmm_timer_asserted(vcpu)) {
			vmm_vgic_inject(vcpu->vm, vcpu, vcpu->timer.irq, true);
			active = true;
		}
	}
	vmm_timer_set_phys_active(active);
}

void vmm_timer_cpu_up(void)
{
	if (vtimer_irq)
		enable_percpu_irq(vtimer_irq, irq_get_trigger_type(vtimer_irq));
}

void vmm_timer_cpu_down(void)
{
	if (vtimer_irq)
		disable_percpu_irq(vtimer_irq);
}

/*
 * The EL1 virtual timer's PPI is the third interrupt of the architected
 * timer's device-tree node (secure, non-secure physical, virtual, hyp):
 * Linux does not export the timer driver's record of it to modules.
 */
int vmm_timer_init_global(void)
{
	struct device_node *np;
	int irq, ret;

	np = of_find_compatible_node(NULL, NULL, "arm,armv8-timer");
	irq = np ? irq_of_parse_and_map(np, 2) : 0;
	of_node_put(np);
	if (!irq) {
		pr_info("no virtual timer interrupt in the device tree\n");
		return 0;
	}
	ret = request_percpu_irq(irq, vtimer_handler, "vmm-vtimer", &vmm_loaded_vcpu);
	if (ret) {
		pr_warn("cannot take the virtual timer interrupt: %d\n", ret);
		return 0;
	}
	/* forwarded: the host's EOI leaves it active for the guest to deactivate */
	ret = irq_set_vcpu_affinity(irq, &vmm_loaded_vcpu);
	if (ret) {
		pr_warn("cannot forward the virtual timer interrupt: %d\n", ret);
		free_percpu_irq(irq, &vmm_loaded_vcpu);
		return 0;
	}
	vtimer_irq = irq;
	vtimer_hwintid = irqd_to_hwirq(irq_get_irq_data(irq));
	return 0;
}

void vmm_timer_exit_global(void)
{
	if (!vtimer_irq)
		return;
	irq_set_vcpu_affinity(vtimer_irq, NULL);
	free_percpu_irq(vtimer_irq, &vmm_loaded_vcpu);
	vtimer_irq = 0;
	vtimer_hwintid = 0;
}
