// SPDX-License-Identifier: GPL-2.0
/*
 * psci.c - the firmware interface a guest calls by HVC or SMC: PSCI 1.0
 * (CPU_ON/OFF, AFFINITY_INFO, SYSTEM_OFF/RESET, FEATURES) and SMCCC 1.1's
 * version and feature queries, as Linux's psci.c and hypercalls.c.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/arm-smccc.h>
#include <linux/kvm.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include <asm/esr.h>

#include "emulate.h"

#define PSCI_0_2_FN_BASE	0x84000000
#define PSCI_0_2_FN64_BASE	0xc4000000
#define PSCI_VERSION_1_0	0x10000
#define SMCCC_VERSION_1_1	0x10001
#define PSCI_RET_SUCCESS	0
#define PSCI_RET_NOT_SUPPORTED	-1
#define PSCI_RET_INVALID_PARAMS	-2
#define PSCI_RET_ALREADY_ON	-4

/* A PSCI target: a vCPU with that affinity, past KVM_ARM_VCPU_INIT. */
static struct vmm_vcpu *vcpu_by_mpidr(struct vmm_vm *vm, u64 mpidr)
{
	struct vmm_vcpu *v = vmm_vcpu_by_mpidr(vm, mpidr);

	return v && v->initialised ? v : NULL;
}

static s64 psci_cpu_on(struct vmm_vcpu *vcpu, u64 mpidr, u64 pc, u64 ctx)
{
	struct vmm_vcpu *target = vcpu_by_mpidr(vcpu->vm, mpidr);
	s64 ret = PSCI_RET_SUCCESS;

	if (!target)
		return PSCI_RET_INVALID_PARAMS;
	spin_lock(&vcpu->vm->power_lock);
	if (!target->psci.power_off || target->psci.start_pending) {
		ret = PSCI_RET_ALREADY_ON;
	} else {
		target->psci.start_pc = pc;
		target->psci.start_ctx = ctx;
		target->psci.start_pending = true;
		target->psci.power_off = false;
	}
	spin_unlock(&vcpu->vm->power_lock);
	if (!ret)
		wake_up(&target->wq);
	return ret;
}

/*
 * SMCCC_ARCH_FEATURES for the Spectre workarounds, as KVM's
 * kvm_hvc_call_handler() answers: WORKAROUND_1 (Spectre-v2) and _3 (BHB)
 * by what the CPUs' exits do (spectre.c): -1 vulnerable, 0 mitigated (the
 * guest may call it, at the cost of an exit), 1 not needed.  WORKAROUND_2
 * (SSBD) is not offered: the guest's speculative store bypass state is
 * not switched.
 */
static s64 wa_answer(int state)
{
	switch (state) {
	case VMM_SPECTRE_UNAFFECTED:
		return SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED;
	case VMM_SPECTRE_MITIGATED:
		return PSCI_RET_SUCCESS;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

static s64 smccc_arch_features(u32 fn)
{
	switch (fn) {
	case 0x80000001:			/* itself */
		return PSCI_RET_SUCCESS;
	case ARM_SMCCC_ARCH_WORKAROUND_1:
		return wa_answer(vmm_spectre_state(false));
	case ARM_SMCCC_ARCH_WORKAROUND_3:
		return wa_answer(vmm_spectre_state(true));
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

static int system_event(struct vmm_vcpu *vcpu, u32 type)
{
	vcpu->run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	memset(&vcpu->run->system_event, 0, sizeof(vcpu->run->system_event));
	vcpu->run->system_event.type = type;
	return VMM_TO_USER;
}

int vmm_handle_hvc(struct vmm_vcpu *vcpu)
{
	u64 *x = vcpu->ctxt.gp.x, fn = x[0] & 0xffffffff;
	struct vmm_vcpu *target;
	s64 ret;

	if (vcpu->fault.esr & ESR_ELx_xVC_IMM_MASK) {	/* only HVC #0 */
		x[0] = (u64)PSCI_RET_NOT_SUPPORTED;
		return VMM_RESUME;
	}
	switch (fn) {
	case 0x80000000:				/* SMCCC_VERSION */
		ret = SMCCC_VERSION_1_1;
		break;
	case 0x80000001:				/* SMCCC_ARCH_FEATURES */
		ret = smccc_arch_features(x[1] & 0xffffffff);
		break;
	case ARM_SMCCC_ARCH_WORKAROUND_1:
	case ARM_SMCCC_ARCH_WORKAROUND_2:
	case ARM_SMCCC_ARCH_WORKAROUND_3:
		/* the exit that brought the call here ran the mitigation */
		ret = PSCI_RET_SUCCESS;
		break;
	case PSCI_0_2_FN_BASE + 6:			/* MIGRATE_INFO_TYPE */
		ret = 2;	/* no Trusted OS: nothing to migrate */
		break;
	case PSCI_0_2_FN_BASE + 0:			/* PSCI_VERSION */
		ret = PSCI_VERSION_1_0;
		break;
	case PSCI_0_2_FN_BASE + 2:			/* CPU_OFF */
		spin_lock(&vcpu->vm->power_lock);
		vcpu->psci.power_off = true;
		spin_unlock(&vcpu->vm->power_lock);
		return VMM_RESUME;			/* the run loop parks it */
	case PSCI_0_2_FN_BASE + 3:			/* CPU_ON */
	case PSCI_0_2_FN64_BASE + 3:
		ret = psci_cpu_on(vcpu, x[1], x[2], x[3]);
		break;
	case PSCI_0_2_FN_BASE + 4:			/* AFFINITY_INFO */
	case PSCI_0_2_FN64_BASE + 4:
		target = x[2] ? NULL : vcpu_by_mpidr(vcpu->vm, x[1]);
		ret = !target ? PSCI_RET_INVALID_PARAMS :
		      READ_ONCE(target->psci.power_off) ? 1 : 0;
		break;
	case PSCI_0_2_FN_BASE + 8:			/* SYSTEM_OFF */
		return system_event(vcpu, KVM_SYSTEM_EVENT_SHUTDOWN);
	case PSCI_0_2_FN_BASE + 9:			/* SYSTEM_RESET */
		return system_event(vcpu, KVM_SYSTEM_EVENT_RESET);
	case PSCI_0_2_FN_BASE + 0xa:			/* PSCI_FEATURES */
		switch (x[1] & 0xffffffff) {
		case PSCI_0_2_FN_BASE + 0: case PSCI_0_2_FN_BASE + 2:
		case PSCI_0_2_FN_BASE + 3: case PSCI_0_2_FN64_BASE + 3:
		case PSCI_0_2_FN_BASE + 4: case PSCI_0_2_FN64_BASE + 4:
		case PSCI_0_2_FN_BASE + 6:
		case PSCI_0_2_FN_BASE + 8: case PSCI_0_2_FN_BASE + 9:
		case PSCI_0_2_FN_BASE + 0xa: case 0x80000000: case 0x80000001:
			ret = PSCI_RET_SUCCESS;
			break;
		default:
			ret = PSCI_RET_NOT_SUPPORTED;
		}
		break;
	default:
		ret = PSCI_RET_NOT_SUPPORTED;
	}
	x[0] = (u64)ret;
	return VMM_RESUME;
}

/*
 * SMC is trapped (HCR_EL2.TSC) with ELR at the SMC itself.  SMC #0 is a
 * conduit for the same calls as HVC (SMCCC 1.1: both conduits, one
 * service), as KVM serves it since Linux 6.4; a non-zero immediate is
 * reserved (DEN0028E 2.9) and answers NOT_SUPPORTED.  Stepped past either
 * way.  (KVM 6.1, the test bed's, answers every SMC NOT_SUPPORTED.)
 */
int vmm_handle_smc(struct vmm_vcpu *vcpu)
{
	int ret = VMM_RESUME;

	if (vcpu->fault.esr & ESR_ELx_xVC_IMM_MASK)
		vcpu->ctxt.gp.x[0] = (u64)(s64)PSCI_RET_NOT_SUPPORTED;
	else
		ret = vmm_handle_hvc(vcpu);
	vcpu_skip_instr(vcpu);
	return ret;
}
