// SPDX-License-Identifier: GPL-2.0
/*
 * inject.c - exceptions into the guest: a synchronous exception taken to
 * its EL1 as the CPU would take it (an UNDEF, an external abort), and a
 * virtual SError made pending (HCR_EL2.VSE), as Linux's inject_fault.c.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <asm/esr.h>
#include <asm/kvm_arm.h>
#include <asm/ptrace.h>

#include "emulate.h"

/*
 * Take a synchronous exception with syndrome @esr to the guest's EL1, as
 * the CPU would (DDI 0487 D1.10): ESR/ELR/SPSR_EL1, then EL1h with DAIF
 * masked at the vector.  The guest's EL1 registers are live in the CPU
 * (between load and put).
 */
static int take_exception(struct vmm_vcpu *vcpu, u64 esr)
{
	u64 pstate = vcpu->ctxt.gp.pstate, offset;

	if (pstate & PSR_MODE32_BIT)
		offset = 0x600;		/* lower EL using AArch32 */
	else switch (pstate & PSR_MODE_MASK) {
	case PSR_MODE_EL1h:
		offset = 0x200;
		break;
	case PSR_MODE_EL1t:
		offset = 0x000;
		break;
	default:			/* EL0, AArch64 */
		offset = 0x400;
	}
	vmm_vcpu_write_sys_reg(vcpu, esr, ESR_EL1);
	vmm_vcpu_write_sys_reg(vcpu, vcpu->ctxt.gp.pc, ELR_EL1);
	vmm_vcpu_write_sys_reg(vcpu, pstate, SPSR_EL1);
	vcpu->ctxt.gp.pc = vmm_vcpu_read_sys_reg(vcpu, VBAR_EL1) + offset;
	vcpu->ctxt.gp.pstate = PSR_MODE_EL1h | PSR_A_BIT | PSR_I_BIT |
			       PSR_F_BIT | PSR_D_BIT;
	return VMM_RESUME;
}

int vmm_inject_undef(struct vmm_vcpu *vcpu)
{
	return take_exception(vcpu, ESR_ELx_IL |
			      ((u64)ESR_ELx_EC_UNKNOWN << ESR_ELx_EC_SHIFT));
}

/*
 * An access the guest made outside every memslot that cannot be MMIO (an
 * instruction fetch, a stage-1 table walk): a synchronous external abort
 * at the faulting VA, instruction or data, from the current or a lower
 * EL, as KVM's inject_abt64() gives it.  The guest's problem, never the
 * vmm's: KVM_RUN does not fail.
 */
int vmm_inject_abort(struct vmm_vcpu *vcpu, bool iabt)
{
	bool lower = vcpu_at_el0(vcpu);
	u64 ec;

	if (iabt)
		ec = lower ? ESR_ELx_EC_IABT_LOW : ESR_ELx_EC_IABT_CUR;
	else
		ec = lower ? ESR_ELx_EC_DABT_LOW : ESR_ELx_EC_DABT_CUR;
	vmm_vcpu_write_sys_reg(vcpu, vcpu->fault.far, FAR_EL1);
	return take_exception(vcpu, (ec << ESR_ELx_EC_SHIFT) |
			      (vcpu->fault.esr & ESR_ELx_IL) | ESR_ELx_FSC_EXTABT);
}

void vmm_vcpu_inject_serror(struct vmm_vcpu *vcpu, u64 esr)
{
	vcpu->inject.vsesr = esr & ESR_ELx_ISS_MASK;
	vcpu->hcr_dyn |= HCR_VSE;	/* taken when the guest unmasks SErrors */
}
