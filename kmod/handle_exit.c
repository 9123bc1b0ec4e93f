// SPDX-License-Identifier: GPL-2.0
/*
 * handle_exit.c - what the hypervisor does with each exit: an IRQ or FIQ
 * (nothing: the host takes it), an SError (the guest's), or a
 * synchronous exit dispatched through a table indexed by ESR_EL2.EC to
 * the handlers here and in psci.c, mmio.c and sys_regs.c; what no handler
 * takes becomes an UNDEF in the guest, as Linux's handle_exit.c.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kvm.h>
#include <linux/printk.h>
#include <linux/sched.h>

#include <asm/arch_timer.h>
#include <asm/cpufeature.h>
#include <asm/esr.h>
#include <asm/exception.h>
#include <asm/kvm_arm.h>
#include <asm/neon.h>
#include <asm/traps.h>

#include "emulate.h"

/*
 * WFI sleeps until a wake-up event: an interrupt pending for the vCPU in
 * the vGIC, a signal, or one of the guest's timers' condition (enabled and
 * not masked in its CTL, its count at or past its CVAL), which wakes it
 * even with no interrupt controller to deliver the interrupt, as KVM does
 * without an in-kernel irqchip.  WFE only gives the CPU away: its events
 * come from other CPUs, which run on.
 * (WFIT/WFET are hidden from the guest: ID_AA64ISAR2_EL1.WFxT reads 0.)
 */
static int handle_wfx(struct vmm_vcpu *vcpu)
{
	vcpu_skip_instr(vcpu);
	if (vcpu->fault.esr & ESR_ELx_WFx_ISS_WFE)
		return need_resched() ? VMM_YIELD : VMM_RESUME;
	vcpu->wfi_deadline = vmm_timer_deadline(vcpu);
	if (vcpu->wfi_deadline <= vmm_guest_cntvct(vcpu->vm) || vmm_vgic_pending(vcpu))
		return VMM_RESUME;
	return VMM_BLOCK;
}

/* The guest's first FP/SIMD instruction: load its registers, retry it. */
static int handle_fp(struct vmm_vcpu *vcpu)
{
	if (vcpu->fp_loaded)
		return vmm_inject_undef(vcpu);	/* cannot trap once loaded */
	kernel_neon_begin();			/* saves the host task's FP state */
	__vmm_fpsimd_restore(&vcpu->ctxt.fp);
	vcpu->fp_loaded = true;
	return VMM_RESUME;			/* ELR is at the instruction */
}

/*
 * Features the guest is not given, whose instructions trap here: pointer
 * authentication's PAC/AUT instructions (HCR_EL2.API clear; its key
 * registers trap as system registers, HCR_EL2.APK), SVE's and SME's.
 * UNDEF, as on a CPU without them and as KVM does; nothing logged, since
 * any guest can make these at will.
 */
static int handle_hidden_feature(struct vmm_vcpu *vcpu)
{
	return vmm_inject_undef(vcpu);
}

static int handle_undef(struct vmm_vcpu *vcpu)
{
	pr_warn_ratelimited("vcpu %u: exit with ESR_EL2 0x%llx at 0x%llx: UNDEF to the guest\n",
			    vcpu->id, vcpu->fault.esr, vcpu->ctxt.gp.pc);
	return vmm_inject_undef(vcpu);
}

/*
 * An SError raised while the guest ran, with syndrome @esr: a physical
 * one taken to EL2 (HCR_EL2.AMO), or one found pending at an exit.  It is
 * the guest's, never a reason to end it, as in KVM's
 * kvm_handle_guest_serror() with arm64_is_fatal_ras_serror(): a RAS
 * error the CPU can make progress from (corrected, or restartable and not
 * yet consumed) needs nothing from the guest; an uncontainable or
 * uncategorised one has silently propagated and stops the machine, as
 * the kernel's arm64_serror_panic() would; the rest (an IMPLEMENTATION
 * DEFINED SError, an uncorrected error the guest consumed) becomes a
 * virtual SError for the guest.
 * The host's own RAS code reads the error records either way.  Nothing on
 * TCG raises a physical SError: the injection is what this bed can show
 * (kmod-test, through KVM_SET_VCPU_EVENTS).
 */
static void handle_serror(struct vmm_vcpu *vcpu, u64 esr)
{
	if (arm64_is_ras_serror(esr)) {
		switch (arm64_ras_serror_get_severity(esr)) {
		case ESR_ELx_AET_CE:
		case ESR_ELx_AET_UEO:
			return;
		case ESR_ELx_AET_UEU:
		case ESR_ELx_AET_UER:
			break;
		default:		/* UC, or uncategorised */
			panic("vmm: uncontainable SError while vcpu %u of pid %d ran: ESR %#llx\n",
			      vcpu->id, task_pid_nr(current), esr);
		}
	}
	vmm_vcpu_inject_serror(vcpu, ESR_ELx_ISV);	/* as kvm_inject_vabt() */
}

typedef int (*exit_handler_fn)(struct vmm_vcpu *vcpu);

/* Indexed by ESR_EL2.EC; what is not here becomes an UNDEF in the guest. */
static const exit_handler_fn exit_handlers[ESR_ELx_EC_MAX + 1] = {
	[ESR_ELx_EC_WFx]	= handle_wfx,
	[ESR_ELx_EC_FP_ASIMD]	= handle_fp,
	[ESR_ELx_EC_HVC64]	= vmm_handle_hvc,
	[ESR_ELx_EC_SMC64]	= vmm_handle_smc,
	[ESR_ELx_EC_SYS64]	= vmm_handle_sysreg,
	[ESR_ELx_EC_DABT_LOW]	= vmm_handle_abort,
	[ESR_ELx_EC_IABT_LOW]	= vmm_handle_abort,
	[ESR_ELx_EC_PAC]	= handle_hidden_feature,
	[ESR_ELx_EC_SVE]	= handle_hidden_feature,
	[ESR_ELx_EC_SME]	= handle_hidden_feature,
};

int vmm_handle_exit(struct vmm_vcpu *vcpu, u64 code)
{
	exit_handler_fn fn;

	if (unlikely(code & VMM_EXIT_NOT_RUN)) {
		vcpu->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		vcpu->run->fail_entry.hardware_entry_failure_reason = 0;
		vcpu->run->fail_entry.cpu = raw_smp_processor_id();
		return VMM_TO_USER;
	}
	/*
	 * An SError pending at the exit comes first, and the exit itself is
	 * dropped, as in KVM's vmm_handle_exit(): the guest takes the SError or
	 * executes the instruction again.
	 */
	if (code & VMM_EXIT_WITH_SERROR) {
		handle_serror(vcpu, cpus_have_const_cap(ARM64_HAS_RAS_EXTN) ?
				    disr_to_esr(vcpu->ctxt.serror) : vcpu->ctxt.serror);
		return VMM_RESUME;
	}
	switch (code) {
	case VMM_EXIT_IRQ:
	case VMM_EXIT_FIQ:
		return VMM_RESUME;		/* the host takes it once IRQs are on */
	case VMM_EXIT_SERROR:
		handle_serror(vcpu, vcpu->fault.esr);
		return VMM_RESUME;
	}
	fn = exit_handlers[ESR_ELx_EC(vcpu->fault.esr)];
	return fn ? fn(vcpu) : handle_undef(vcpu);
}
