/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emulate.h - what the exit handlers share: the vCPU's general registers
 * and PC as an exit left them, what a handler asks the run loop to do
 * next, and the handlers each file provides (as Linux's kvm_emulate.h).
 *
 * A handler returns VMM_RESUME (re-enter the guest), VMM_TO_USER
 * (kvm_run is filled for userspace), or one of the things the atomic
 * inner loop cannot do: VMM_MAP_PAGE (a stage-2 fault: pinning the page
 * sleeps), VMM_BLOCK (a WFI: sleep until a wake-up event), VMM_YIELD
 * (give the CPU away), VMM_FLUSH_CACHES (clean the VM's memory to the
 * point of coherency); or a negative errno.  Handlers run with
 * preemption off and the guest's state loaded.
 */
#ifndef VMM_EMULATE_H
#define VMM_EMULATE_H

#include <asm/esr.h>
#include <asm/ptrace.h>

#include "vmm_drv.h"

enum {
	VMM_TO_USER = 0, VMM_RESUME, VMM_MAP_PAGE, VMM_BLOCK, VMM_YIELD,
	VMM_FLUSH_CACHES,
};

static inline void vcpu_skip_instr(struct vmm_vcpu *vcpu)
{
	vcpu->ctxt.gp.pc += (vcpu->fault.esr & ESR_ELx_IL) ? 4 : 2;
}

static inline void vcpu_set_reg(struct vmm_vcpu *vcpu, unsigned int rt, u64 val)
{
	if (rt != 31)			/* XZR */
		vcpu->ctxt.gp.x[rt] = val;
}

static inline u64 vcpu_get_reg(struct vmm_vcpu *vcpu, unsigned int rt)
{
	return rt == 31 ? 0 : vcpu->ctxt.gp.x[rt];
}

/* The guest runs at EL0 (AArch64 or AArch32): an exception comes from a lower EL. */
static inline bool vcpu_at_el0(const struct vmm_vcpu *vcpu)
{
	u64 pstate = vcpu->ctxt.gp.pstate;

	return (pstate & PSR_MODE32_BIT) ||
	       (pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;
}

/* the guest's timers, as CNTV_CTL_EL0 and CNTP_CTL_EL0 hold them; WFI's "no timer" */
#define CNTV_CTL_ENABLE		BIT(0)
#define CNTV_CTL_IMASK		BIT(1)
#define WFI_NO_DEADLINE		U64_MAX

/* handle_exit.c: one exit, by its vector and ESR_EL2.EC */
int vmm_handle_exit(struct vmm_vcpu *vcpu, u64 code);

/* inject.c: exceptions into the guest's EL1 */
int vmm_inject_undef(struct vmm_vcpu *vcpu);
int vmm_inject_abort(struct vmm_vcpu *vcpu, bool iabt);

/* psci.c: PSCI 1.0 and SMCCC 1.1 over HVC and SMC */
int vmm_handle_hvc(struct vmm_vcpu *vcpu);
int vmm_handle_smc(struct vmm_vcpu *vcpu);

/* mmio.c: data and instruction aborts, RAM or MMIO */
u64 vmm_fault_ipa(struct vmm_vcpu *vcpu);
int vmm_handle_abort(struct vmm_vcpu *vcpu);
void vmm_complete_mmio(struct vmm_vcpu *vcpu);

/* sys_regs.c: trapped system register accesses */
int vmm_handle_sysreg(struct vmm_vcpu *vcpu);

#endif
