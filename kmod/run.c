// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - KVM_RUN: the run loop, and what the hypervisor does with each
 * exit.  Exits are dispatched through a table indexed by ESR_EL2.EC; a
 * handler returns RESUME (re-enter the guest), TO_USER (kvm_run is filled
 * for userspace), or one of the things the atomic inner loop cannot do:
 * MAP_PAGE (a stage-2 fault: pinning the page sleeps), BLOCK (a WFI: sleep
 * until a wake-up event), YIELD (give the CPU away), FLUSH_CACHES (clean
 * the VM's memory to the point of coherency); or a negative errno.
 *
 * KVM_RUN loads the guest's EL1 system registers into the CPU once and
 * puts them back when it returns; in between, a preempt notifier puts them
 * whenever the thread is scheduled out and loads them when it is scheduled
 * back in, on whichever CPU (the VHE design: the host at EL2 never uses
 * them).  The inner loop runs with preemption off, and keeps the guest's
 * FP/SIMD registers in the CPU once it has used them (the first use traps,
 * and kernel_neon_begin() saves the host task's then: a guest that never
 * touches FP never pays for it).  It leaves for userspace, signals,
 * rescheduling, pending softirqs, stage-2 faults (pinning pages sleeps) and
 * WFI.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/math64.h>
#include <linux/sched/signal.h>
#include <linux/wait.h>

#include <asm/arch_timer.h>
#include <asm/daifflags.h>
#include <asm/esr.h>
#include <asm/exception.h>
#include <asm/fpsimd.h>
#include <asm/kvm_arm.h>
#include <asm/neon.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>
#include <asm/traps.h>

#include <hyp/sysreg-sr.h>
#include "vmm_drv.h"

enum { TO_USER = 0, RESUME, MAP_PAGE, BLOCK, YIELD, FLUSH_CACHES };

#define PSCI_0_2_FN_BASE	0x84000000
#define PSCI_0_2_FN64_BASE	0xc4000000
#define PSCI_VERSION_1_0	0x10000
#define SMCCC_VERSION_1_1	0x10001
#define PSCI_RET_SUCCESS	0
#define PSCI_RET_NOT_SUPPORTED	-1
#define PSCI_RET_INVALID_PARAMS	-2
#define PSCI_RET_ALREADY_ON	-4

static void skip_instr(struct vmm_vcpu *vcpu)
{
	vcpu->ctxt.gp.pc += (vcpu->fault.esr & ESR_ELx_IL) ? 4 : 2;
}

static void set_reg(struct vmm_vcpu *vcpu, unsigned int rt, u64 val)
{
	if (rt != 31)			/* XZR */
		vcpu->ctxt.gp.x[rt] = val;
}

static u64 get_reg(struct vmm_vcpu *vcpu, unsigned int rt)
{
	return rt == 31 ? 0 : vcpu->ctxt.gp.x[rt];
}

/* The guest runs at EL0 (AArch64 or AArch32): an exception comes from a lower EL. */
static bool guest_at_el0(const struct vmm_vcpu *vcpu)
{
	u64 pstate = vcpu->ctxt.gp.pstate;

	return (pstate & PSR_MODE32_BIT) ||
	       (pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;
}

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
	write_sysreg_s(esr, SYS_ESR_EL12);
	write_sysreg_s(vcpu->ctxt.gp.pc, SYS_ELR_EL12);
	write_sysreg_s(pstate, SYS_SPSR_EL12);
	vcpu->ctxt.gp.pc = read_sysreg_s(SYS_VBAR_EL12) + offset;
	vcpu->ctxt.gp.pstate = PSR_MODE_EL1h | PSR_A_BIT | PSR_I_BIT |
			       PSR_F_BIT | PSR_D_BIT;
	return RESUME;
}

static int inject_undef(struct vmm_vcpu *vcpu)
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
static int inject_abort(struct vmm_vcpu *vcpu, bool iabt)
{
	bool lower = guest_at_el0(vcpu);
	u64 ec;

	if (iabt)
		ec = lower ? ESR_ELx_EC_IABT_LOW : ESR_ELx_EC_IABT_CUR;
	else
		ec = lower ? ESR_ELx_EC_DABT_LOW : ESR_ELx_EC_DABT_CUR;
	write_sysreg_s(vcpu->fault.far, SYS_FAR_EL12);
	return take_exception(vcpu, (ec << ESR_ELx_EC_SHIFT) |
			      (vcpu->fault.esr & ESR_ELx_IL) | ESR_ELx_FSC_EXTABT);
}

/* ---- PSCI 1.0 and SMCCC 1.1 over HVC -------------------------------------- */

static struct vmm_vcpu *vcpu_by_mpidr(struct vmm_vm *vm, u64 mpidr)
{
	unsigned int i;

	for (i = 0; i < VMM_MAX_VCPUS; i++) {
		struct vmm_vcpu *v = READ_ONCE(vm->vcpus[i]);

		if (v && v->initialised && (v->mpidr & MPIDR_HWID_BITMASK) ==
					   (mpidr & MPIDR_HWID_BITMASK))
			return v;
	}
	return NULL;
}

static s64 psci_cpu_on(struct vmm_vcpu *vcpu, u64 mpidr, u64 pc, u64 ctx)
{
	struct vmm_vcpu *target = vcpu_by_mpidr(vcpu->vm, mpidr);
	s64 ret = PSCI_RET_SUCCESS;

	if (!target)
		return PSCI_RET_INVALID_PARAMS;
	spin_lock(&vcpu->vm->power_lock);
	if (!target->power_off || target->start_pending) {
		ret = PSCI_RET_ALREADY_ON;
	} else {
		target->start_pc = pc;
		target->start_ctx = ctx;
		target->start_pending = true;
		target->power_off = false;
	}
	spin_unlock(&vcpu->vm->power_lock);
	if (!ret)
		wake_up(&target->wq);
	return ret;
}

static int system_event(struct vmm_vcpu *vcpu, u32 type)
{
	vcpu->run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	memset(&vcpu->run->system_event, 0, sizeof(vcpu->run->system_event));
	vcpu->run->system_event.type = type;
	return TO_USER;
}

static int handle_hvc(struct vmm_vcpu *vcpu)
{
	u64 *x = vcpu->ctxt.gp.x, fn = x[0] & 0xffffffff;
	struct vmm_vcpu *target;
	s64 ret;

	if (vcpu->fault.esr & ESR_ELx_xVC_IMM_MASK) {	/* only HVC #0 */
		x[0] = (u64)PSCI_RET_NOT_SUPPORTED;
		return RESUME;
	}
	switch (fn) {
	case 0x80000000:				/* SMCCC_VERSION */
		ret = SMCCC_VERSION_1_1;
		break;
	case 0x80000001:				/* SMCCC_ARCH_FEATURES */
		/* no workaround services: everything NOT_SUPPORTED but itself */
		ret = (x[1] & 0xffffffff) == 0x80000001 ? PSCI_RET_SUCCESS :
							  PSCI_RET_NOT_SUPPORTED;
		break;
	case PSCI_0_2_FN_BASE + 6:			/* MIGRATE_INFO_TYPE */
		ret = 2;	/* no Trusted OS: nothing to migrate */
		break;
	case PSCI_0_2_FN_BASE + 0:			/* PSCI_VERSION */
		ret = PSCI_VERSION_1_0;
		break;
	case PSCI_0_2_FN_BASE + 2:			/* CPU_OFF */
		spin_lock(&vcpu->vm->power_lock);
		vcpu->power_off = true;
		spin_unlock(&vcpu->vm->power_lock);
		return RESUME;			/* the run loop parks it */
	case PSCI_0_2_FN_BASE + 3:			/* CPU_ON */
	case PSCI_0_2_FN64_BASE + 3:
		ret = psci_cpu_on(vcpu, x[1], x[2], x[3]);
		break;
	case PSCI_0_2_FN_BASE + 4:			/* AFFINITY_INFO */
	case PSCI_0_2_FN64_BASE + 4:
		target = x[2] ? NULL : vcpu_by_mpidr(vcpu->vm, x[1]);
		ret = !target ? PSCI_RET_INVALID_PARAMS :
		      READ_ONCE(target->power_off) ? 1 : 0;
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
	return RESUME;
}

/* ---- data and instruction aborts: RAM or MMIO -------------------------- */

static u64 fault_ipa(struct vmm_vcpu *vcpu)
{
	/* HPFAR_EL2.FIPA holds IPA[47:12] at bits [39:4] (D13.2.50) */
	return ((vcpu->fault.hpfar & GENMASK_ULL(43, 4)) << 8) |
	       (vcpu->fault.far & ~PAGE_MASK);
}

/*
 * A synchronous external abort (or parity/ECC error) on the guest's
 * access, routed here by HCR_EL2.TEA: the memory system reported an error
 * for memory the guest does own.  KVM offers it to the host's firmware-
 * first RAS handling (apei_claim_sea(), not exported to modules) and,
 * unclaimed, as always on a device-tree system, gives the guest a virtual
 * SError; vmm.ko does the latter.  The access is retried once the guest
 * has taken it.  Only a memory error can raise one: not on this bed.
 */
static bool abort_is_sea(u64 esr)
{
	switch (esr & ESR_ELx_FSC) {
	case FSC_SEA:
	case FSC_SEA_TTW0: case FSC_SEA_TTW1: case FSC_SEA_TTW2: case FSC_SEA_TTW3:
	case FSC_SECC:
	case FSC_SECC_TTW0: case FSC_SECC_TTW1: case FSC_SECC_TTW2: case FSC_SECC_TTW3:
		return true;
	default:
		return false;
	}
}

static int handle_abort(struct vmm_vcpu *vcpu)
{
	u64 esr = vcpu->fault.esr, ipa = fault_ipa(vcpu);
	struct kvm_run *run = vcpu->run;
	unsigned int rt, len;

	if (abort_is_sea(esr)) {
		vmm_vcpu_inject_serror(vcpu, ESR_ELx_ISV);
		return RESUME;
	}

	/* a permission fault is a write to a read-only slot: userspace's */
	if ((esr & ESR_ELx_FSC_TYPE) != ESR_ELx_FSC_PERM &&
	    vmm_stage2_is_ram(vcpu->vm, ipa))
		return MAP_PAGE;		/* map the page, then retry */
	/* nothing to emulate: no instruction to decode, or a table walk */
	if (ESR_ELx_EC(esr) == ESR_ELx_EC_IABT_LOW || (esr & ESR_ELx_S1PTW))
		return inject_abort(vcpu, ESR_ELx_EC(esr) == ESR_ELx_EC_IABT_LOW);
	if (!(esr & ESR_ELx_ISV)) {
		/* no syndrome: a load/store pair, writeback... (api.rst: ENOSYS) */
		pr_warn_ratelimited("vcpu %u: MMIO access at 0x%llx without a valid syndrome\n",
				    vcpu->id, ipa);
		return -ENOSYS;
	}
	rt = (esr & ESR_ELx_SRT_MASK) >> ESR_ELx_SRT_SHIFT;
	len = 1U << ((esr & ESR_ELx_SAS) >> ESR_ELx_SAS_SHIFT);

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = ipa;
	run->mmio.len = len;
	run->mmio.is_write = !!(esr & ESR_ELx_WNR);
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (run->mmio.is_write) {
		u64 val = get_reg(vcpu, rt);

		memcpy(run->mmio.data, &val, len);	/* little endian */
		skip_instr(vcpu);
		vcpu->mmio.pending = false;
	} else {
		vcpu->mmio.pending = true;
		vcpu->mmio.rt = rt;
		vcpu->mmio.len = len;
		vcpu->mmio.sign_extend = !!(esr & ESR_ELx_SSE);
		vcpu->mmio.sixty_four = !!(esr & ESR_ELx_SF);
	}
	return TO_USER;
}

/* Finish an MMIO read with the data userspace put in kvm_run. */
static void complete_mmio(struct vmm_vcpu *vcpu)
{
	unsigned int len = vcpu->mmio.len;
	u64 val = 0;

	if (!vcpu->mmio.pending)
		return;
	vcpu->mmio.pending = false;
	memcpy(&val, vcpu->run->mmio.data, len);
	if (vcpu->mmio.sign_extend && len < 8) {
		u64 sign = 1ULL << (len * 8 - 1);

		val = (val ^ sign) - sign;
	}
	if (!vcpu->mmio.sixty_four)
		val &= 0xffffffff;
	set_reg(vcpu, vcpu->mmio.rt, val);
	skip_instr(vcpu);
}

/* ---- system registers: ID, RAS and debug emulated, the rest UNDEF -------- */

#define ID_FIELD(shift)		(0xfULL << (shift))

/*
 * The host's ID register @id with what this hypervisor does not give the
 * guest hidden: SVE, SME, MTE, AMU, MPAM, pointer authentication, the PMU,
 * the GIC system registers (no vGIC yet), WFxT, and EL2.
 */
static u64 id_reg_value(u32 id)
{
	u64 v;

	switch (id) {
	case SYS_ID_AA64PFR0_EL1:
		v = read_sanitised_ftr_reg(id);
		v &= ~(ID_FIELD(0) | ID_FIELD(4) | ID_FIELD(8) | ID_FIELD(24) |
		       ID_FIELD(32) | ID_FIELD(40) | ID_FIELD(44));	/* EL2 GIC SVE MPAM AMU */
		return v | 1 << 0 | 1 << 4;	/* EL0, EL1: AArch64 only */
	case SYS_ID_AA64PFR1_EL1:
		v = read_sanitised_ftr_reg(id);
		return v & ~(ID_FIELD(8) | ID_FIELD(16) | ID_FIELD(24));	/* MTE MPAM SME */
	case SYS_ID_AA64ISAR1_EL1:
		v = read_sanitised_ftr_reg(id);
		return v & ~(ID_FIELD(4) | ID_FIELD(8) | ID_FIELD(24) | ID_FIELD(28));
	case SYS_ID_AA64ISAR2_EL1:
		v = read_sanitised_ftr_reg(id);
		/* WFxT too: WFIT's timeout is not honoured (handle_wfx) */
		return v & ~(ID_FIELD(0) | ID_FIELD(8) | ID_FIELD(12));	/* WFxT GPA3 APA3 */
	case SYS_ID_AA64DFR0_EL1:
		v = read_sanitised_ftr_reg(id);
		return v & ~(ID_FIELD(8) | ID_FIELD(32) | ID_FIELD(44));	/* PMU SPE TRBE */
	case SYS_ID_AA64ISAR0_EL1:
	case SYS_ID_AA64MMFR0_EL1:
	case SYS_ID_AA64MMFR1_EL1:
	case SYS_ID_AA64MMFR2_EL1:
	case SYS_ID_AA64DFR1_EL1:
		return read_sanitised_ftr_reg(id);
	default:
		return 0;	/* AArch32, SVE, SME and unallocated IDs: RAZ */
	}
}

/*
 * The debug registers (op0 2, op1 0; and the EL0 debug comms channel, op1
 * 3), trapped by MDCR_EL2.TDA/TDOSA/TDRA.  No hardware debug reaches the
 * guest yet, but a guest must be able to set up as if it did: Linux's
 * __cpu_setup writes MDSCR_EL1 and clears the OS lock at boot.  MDSCR_EL1
 * keeps the guest's value (never loaded into the CPU: the host would run
 * on it); OSLSR_EL1 says the OS lock is implemented (OSLM 0b10) and clear;
 * the rest read as zero and ignore writes (no breakpoints fire).  As KVM
 * without debug in use, but for the breakpoint registers, which KVM keeps.
 * Returns false for registers not handled here.
 */
#define SYS_OSLSR_VALUE		BIT(3)		/* OSLM 0b10, OSLK 0 */

static bool emulate_debug_reg(struct vmm_vcpu *vcpu, u32 op1, u32 crn,
			      u32 crm, u32 op2, u32 rt, bool read)
{
	u64 val = 0;

	if (op1 != 0 && op1 != 3)
		return false;			/* trace and the rest: UNDEF */
	if (op1 == 0 && crn == 0 && crm == 2 && op2 == 2) {	/* MDSCR_EL1 */
		if (!read)
			vcpu->ctxt.sys[MDSCR_EL1] = get_reg(vcpu, rt);
		val = vcpu->ctxt.sys[MDSCR_EL1];
	} else if (op1 == 0 && crn == 1 && crm == 1 && op2 == 4) {	/* OSLSR_EL1 */
		val = SYS_OSLSR_VALUE;
	}
	if (read)
		set_reg(vcpu, rt, val);
	skip_instr(vcpu);
	return true;
}

/*
 * Set/way cache maintenance (DC ISW, CSW, CISW), trapped by HCR_EL2.TSW.
 * A guest cannot be allowed to clean or invalidate the physical CPU's
 * caches by set and way: the lines are anyone's, and its vCPU may move
 * between CPUs in the middle of its loop over them.  What it means by
 * them, with the MMU and caches off at boot, is "make memory coherent":
 * as KVM's kvm_set_way_flush(), a set/way operation while the VM
 * registers are not trapped cleans and invalidates all of the VM's memory
 * to the point of coherency and starts trapping them (HCR_EL2.TVM); the
 * rest of the loop costs one trap each.  When the guest then turns its
 * caches on or off (SCTLR_EL1, trapped) memory is cleaned again, and once
 * they are on, trapping stops until the next set/way operation
 * (kvm_toggle_cache()).  A vCPU starts with them trapped (vcpu.c).  TCG has no
 * caches, so this bed shows the operations and the trapped writes behave
 * (firmware/hostile); only hardware can show the data made coherent.
 */
static bool caches_on(u64 sctlr)
{
	return (sctlr & (SCTLR_ELx_M | SCTLR_ELx_C)) == (SCTLR_ELx_M | SCTLR_ELx_C);
}

static int set_way_op(struct vmm_vcpu *vcpu, bool read)
{
	if (read)
		return inject_undef(vcpu);	/* no such register to read */
	skip_instr(vcpu);
	if (vcpu->hcr_dyn & HCR_TVM)
		return RESUME;			/* flushed at the loop's start */
	vcpu->hcr_dyn |= HCR_TVM;
	return FLUSH_CACHES;
}

/*
 * A write to a register HCR_EL2.TVM traps (D13.2.46: the stage-1 and
 * fault registers of EL1): made for the guest, then what it changed about
 * its caches.  Returns -1 for registers TVM does not trap.
 */
static int write_vm_reg(struct vmm_vcpu *vcpu, u32 reg, u64 val)
{
	bool was_on = caches_on(read_el1(SCTLR)), now_on;

	switch (reg) {
	case SYS_SCTLR_EL1:	write_el1(val, SCTLR);		break;
	case SYS_TTBR0_EL1:	write_el1(val, TTBR0);		break;
	case SYS_TTBR1_EL1:	write_el1(val, TTBR1);		break;
	case SYS_TCR_EL1:	write_el1(val, TCR);		break;
	case SYS_ESR_EL1:	write_el1(val, ESR);		break;
	case SYS_FAR_EL1:	write_el1(val, FAR);		break;
	case SYS_AFSR0_EL1:	write_el1(val, AFSR0);		break;
	case SYS_AFSR1_EL1:	write_el1(val, AFSR1);		break;
	case SYS_MAIR_EL1:	write_el1(val, MAIR);		break;
	case SYS_AMAIR_EL1:	write_el1(val, AMAIR);		break;
	case SYS_CONTEXTIDR_EL1: write_el1(val, CONTEXTIDR);	break;
	default:
		return -1;
	}
	skip_instr(vcpu);
	now_on = caches_on(read_el1(SCTLR));
	if (now_on)
		vcpu->hcr_dyn &= ~HCR_TVM;	/* until the next set/way op */
	/* on: invalidate what was written around the caches; off: clean */
	return now_on != was_on ? FLUSH_CACHES : RESUME;
}

static int handle_sysreg(struct vmm_vcpu *vcpu)
{
	u64 esr = vcpu->fault.esr;
	u32 op0 = (esr >> 20) & 3, op2 = (esr >> 17) & 7, op1 = (esr >> 14) & 7;
	u32 crn = (esr >> 10) & 0xf, rt = (esr >> 5) & 0x1f, crm = (esr >> 1) & 0xf;
	bool read = esr & 1;

	/* ID group 3: op0 3, op1 0, CRn 0, CRm 1-7 (D13.2.48, HCR_EL2.TID3) */
	if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7 && read) {
		set_reg(vcpu, rt, id_reg_value(sys_reg(op0, op1, crn, crm, op2)));
		skip_instr(vcpu);
		return RESUME;
	}
	/*
	 * The RAS error record registers (ERRIDR, ERRSELR, ERX*: op0 3, op1
	 * 0, CRn 5, CRm 3-5), trapped by HCR_EL2.TERR: the host's records
	 * are not the guest's.  RAZ/WI, as KVM's trap_raz_wi: no records.
	 */
	if (op0 == 3 && op1 == 0 && crn == 5 && crm >= 3 && crm <= 5) {
		if (read)
			set_reg(vcpu, rt, 0);
		skip_instr(vcpu);
		return RESUME;
	}
	if (op0 == 2 && emulate_debug_reg(vcpu, op1, crn, crm, op2, rt, read))
		return RESUME;
	/* DC ISW, DC CSW, DC CISW: op0 1, op1 0, CRn 7, CRm 6/10/14, op2 2 */
	if (op0 == 1 && op1 == 0 && crn == 7 && op2 == 2 &&
	    (crm == 6 || crm == 10 || crm == 14))
		return set_way_op(vcpu, read);
	if (op0 == 3 && !read && (vcpu->hcr_dyn & HCR_TVM)) {
		int ret = write_vm_reg(vcpu, sys_reg(op0, op1, crn, crm, op2),
				       get_reg(vcpu, rt));

		if (ret >= 0)
			return ret;
	}
	return inject_undef(vcpu);
}

/*
 * SMC is trapped (HCR_EL2.TSC) with ELR at the SMC itself: the same calls
 * as over HVC, then step past it (SMCCC: both conduits, one service).
 */
static int handle_smc(struct vmm_vcpu *vcpu)
{
	int ret = handle_hvc(vcpu);

	skip_instr(vcpu);
	return ret;
}

#define CNTV_CTL_ENABLE		BIT(0)
#define CNTV_CTL_IMASK		BIT(1)
#define WFI_NO_DEADLINE		U64_MAX

/*
 * WFI sleeps until a wake-up event: a signal, or the guest's virtual timer
 * condition (enabled and not masked in CNTV_CTL, the counter at or past
 * CVAL), which wakes it even with no interrupt controller to deliver the
 * interrupt, as KVM does without an in-kernel irqchip.  Nothing else can interrupt a guest yet.  WFE
 * only gives the CPU away: its events come from other CPUs, which run on.
 * (WFIT/WFET are hidden from the guest: ID_AA64ISAR2_EL1.WFxT reads 0.)
 */
static int handle_wfx(struct vmm_vcpu *vcpu)
{
	u64 ctl;

	skip_instr(vcpu);
	if (vcpu->fault.esr & ESR_ELx_WFx_ISS_WFE)
		return need_resched() ? YIELD : RESUME;
	ctl = read_sysreg_s(SYS_CNTV_CTL_EL02);
	vcpu->wfi_deadline = WFI_NO_DEADLINE;
	if ((ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) == CNTV_CTL_ENABLE)
		vcpu->wfi_deadline = read_sysreg_s(SYS_CNTV_CVAL_EL02);
	/* the guest's virtual counter is the physical one: CNTVOFF_EL2 is 0 */
	if (vcpu->wfi_deadline <= __arch_counter_get_cntpct())
		return RESUME;
	return BLOCK;
}

/* Sleep for the WFI that handle_wfx() saw; preemptible, state loaded. */
static void vcpu_block(struct vmm_vcpu *vcpu)
{
	u64 now = __arch_counter_get_cntpct();
	u32 freq = arch_timer_get_cntfrq();
	ktime_t timeout;

	set_current_state(TASK_INTERRUPTIBLE);
	if (signal_pending(current)) {
		__set_current_state(TASK_RUNNING);
		return;
	}
	if (vcpu->wfi_deadline == WFI_NO_DEADLINE) {
		schedule();
		return;
	}
	if (vcpu->wfi_deadline <= now) {
		__set_current_state(TASK_RUNNING);
		return;
	}
	/* a wake-up before the deadline is harmless: the guest waits again */
	timeout = vcpu->wfi_deadline - now >= freq * 60ULL ? 60 * NSEC_PER_SEC :
		  mul_u64_u32_div(vcpu->wfi_deadline - now, NSEC_PER_SEC, freq);
	schedule_hrtimeout(&timeout, HRTIMER_MODE_REL);
}

/* The guest's first FP/SIMD instruction: load its registers, retry it. */
static int handle_fp(struct vmm_vcpu *vcpu)
{
	if (vcpu->fp_loaded)
		return inject_undef(vcpu);	/* cannot trap once loaded */
	kernel_neon_begin();			/* saves the host task's FP state */
	__vmm_fpsimd_restore(&vcpu->ctxt.fp);
	vcpu->fp_loaded = true;
	return RESUME;				/* ELR is at the instruction */
}

static int handle_undef(struct vmm_vcpu *vcpu)
{
	pr_warn_ratelimited("vcpu %u: exit with ESR_EL2 0x%llx at 0x%llx: UNDEF to the guest\n",
			    vcpu->id, vcpu->fault.esr, vcpu->ctxt.gp.pc);
	return inject_undef(vcpu);
}

/* ---- SErrors -------------------------------------------------------------- */

void vmm_vcpu_inject_serror(struct vmm_vcpu *vcpu, u64 esr)
{
	vcpu->vsesr = esr & ESR_ELx_ISS_MASK;
	vcpu->hcr_dyn |= HCR_VSE;	/* taken when the guest unmasks SErrors */
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
	[ESR_ELx_EC_HVC64]	= handle_hvc,
	[ESR_ELx_EC_SMC64]	= handle_smc,
	[ESR_ELx_EC_SYS64]	= handle_sysreg,
	[ESR_ELx_EC_DABT_LOW]	= handle_abort,
	[ESR_ELx_EC_IABT_LOW]	= handle_abort,
};

static int handle_exit(struct vmm_vcpu *vcpu, u64 code)
{
	exit_handler_fn fn;

	/*
	 * An SError pending at the exit comes first, and the exit itself is
	 * dropped, as in KVM's handle_exit(): the guest takes the SError or
	 * executes the instruction again.
	 */
	if (code & VMM_EXIT_WITH_SERROR) {
		handle_serror(vcpu, cpus_have_const_cap(ARM64_HAS_RAS_EXTN) ?
				    disr_to_esr(vcpu->ctxt.serror) : vcpu->ctxt.serror);
		return RESUME;
	}
	switch (code) {
	case VMM_EXIT_IRQ:
	case VMM_EXIT_FIQ:
		return RESUME;		/* the host takes it once IRQs are on */
	case VMM_EXIT_SERROR:
		handle_serror(vcpu, vcpu->fault.esr);
		return RESUME;
	}
	fn = exit_handlers[ESR_ELx_EC(vcpu->fault.esr)];
	return fn ? fn(vcpu) : handle_undef(vcpu);
}

/* ---- the run loop --------------------------------------------------------- */

static bool must_leave(void)
{
	return signal_pending(current) || need_resched() || local_softirq_pending();
}

static inline struct vmm_vcpu *pn_to_vcpu(struct preempt_notifier *pn)
{
	return container_of(pn, struct vmm_vcpu, pn);
}

/* The guest's EL1 state and VMID into this CPU, and back; preemption off. */
static void __vcpu_load(struct vmm_vcpu *vcpu)
{
	vmm_vmid_load(vcpu->vm);
	vmm_vhe_vcpu_load(vcpu, &vcpu->host);
}

static void __vcpu_put(struct vmm_vcpu *vcpu)
{
	vmm_vhe_vcpu_put(vcpu, &vcpu->host);
	vmm_vmid_put();
}

static void vcpu_sched_in(struct preempt_notifier *pn, int cpu)
{
	__vcpu_load(pn_to_vcpu(pn));
}

/* the FP/SIMD registers were put before preemption was possible */
static void vcpu_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	__vcpu_put(pn_to_vcpu(pn));
}

static struct preempt_ops vcpu_preempt_ops = {
	.sched_in	= vcpu_sched_in,
	.sched_out	= vcpu_sched_out,
};

static void vcpu_load(struct vmm_vcpu *vcpu)
{
	preempt_disable();
	preempt_notifier_init(&vcpu->pn, &vcpu_preempt_ops);
	preempt_notifier_register(&vcpu->pn);
	__vcpu_load(vcpu);
	preempt_enable();
}

static void vcpu_put(struct vmm_vcpu *vcpu)
{
	preempt_disable();
	__vcpu_put(vcpu);
	preempt_notifier_unregister(&vcpu->pn);
	preempt_enable();
}

/*
 * Park a powered-off vCPU until CPU_ON, then apply the start: the reset
 * reaches the loaded EL1 registers by a put and a load around it.
 */
static int wait_power_on(struct vmm_vcpu *vcpu)
{
	bool start;

	if (wait_event_interruptible(vcpu->wq, !READ_ONCE(vcpu->power_off)))
		return -EINTR;
	spin_lock(&vcpu->vm->power_lock);
	start = vcpu->start_pending;
	vcpu->start_pending = false;
	spin_unlock(&vcpu->vm->power_lock);
	if (start) {
		vcpu_put(vcpu);
		vmm_vcpu_reset(vcpu);
		vcpu->ctxt.gp.pc = vcpu->start_pc;
		vcpu->ctxt.gp.x[0] = vcpu->start_ctx;
		vcpu_load(vcpu);
	}
	return 0;
}

/* Enter the guest until an exit needs more than the inner loop can do. */
static int run_inner(struct vmm_vcpu *vcpu)
{
	int ret;
	u64 code;

	/*
	 * AArch32 at EL0 where the system does not run it (a mismatched
	 * system: the guest dropped there on a core that has it, and its
	 * thread moved): the ERET would be illegal and fault at EL2.  Refuse
	 * the entry, as KVM's vcpu_mode_is_bad_32bit().
	 */
	if ((vcpu->ctxt.gp.pstate & PSR_MODE32_BIT) &&
	    !id_aa64pfr0_32bit_el0(read_sanitised_ftr_reg(SYS_ID_AA64PFR0_EL1))) {
		vcpu->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		vcpu->run->fail_entry.hardware_entry_failure_reason =
			KVM_EXIT_FAIL_ENTRY_CPU_UNSUPPORTED;
		vcpu->run->fail_entry.cpu = raw_smp_processor_id();
		return TO_USER;
	}
	preempt_disable();
	do {
		/*
		 * All of DAIF masked across the switch, as KVM's VHE run does:
		 * VBAR_EL2 points at our vectors meanwhile, whose current-EL
		 * entries must never run, and an SError or a debug exception
		 * would take one.  Then the host's process context without
		 * IRQs (SError and debug unmasked again), then IRQs.  The
		 * local_daif_*() helpers also keep pseudo-NMI's ICC_PMR_EL1
		 * masking right (ARM64_PSEUDO_NMI, off in Debian's kernel).
		 */
		local_daif_mask();
		code = vmm_vhe_run_once(vcpu, &vcpu->host);
		local_daif_restore(DAIF_PROCCTX_NOIRQ);
		local_irq_enable();
		ret = handle_exit(vcpu, code);
	} while (ret == RESUME && !READ_ONCE(vcpu->power_off) && !must_leave());
	if (vcpu->fp_loaded) {
		__vmm_fpsimd_save(&vcpu->ctxt.fp);
		kernel_neon_end();
		vcpu->fp_loaded = false;
	}
	preempt_enable();
	return ret;
}

int vmm_vcpu_run(struct vmm_vcpu *vcpu)
{
	int ret;

	/*
	 * What the last exit asked for is done first, immediate_exit or not:
	 * KVM completes a pending MMIO read before it looks at the flag
	 * (kvm_arch_vcpu_ioctl_run()), so userspace sees the guest's
	 * registers as they will run.
	 */
	complete_mmio(vcpu);
	if (READ_ONCE(vcpu->run->immediate_exit)) {
		vcpu->run->exit_reason = KVM_EXIT_INTR;
		return -EINTR;
	}
	vcpu_load(vcpu);
	if (vcpu->ext_dabt_pending) {		/* KVM_SET_VCPU_EVENTS */
		vcpu->ext_dabt_pending = false;
		preempt_disable();
		inject_abort(vcpu, false);
		preempt_enable();
	}
	for (;;) {
		if (READ_ONCE(vcpu->power_off) && wait_power_on(vcpu)) {
			ret = -EINTR;
			break;
		}
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		ret = run_inner(vcpu);
		if (ret == MAP_PAGE) {
			ret = vmm_stage2_map(vcpu->vm, fault_ipa(vcpu));
			/* -ENOENT: the slot was deleted; the retry exits as MMIO */
			if (ret && ret != -ENOENT)
				break;
		} else if (ret == BLOCK) {
			vcpu_block(vcpu);
		} else if (ret == FLUSH_CACHES) {
			vmm_stage2_flush_vm(vcpu->vm);
		} else if (ret != YIELD && ret != RESUME) {
			break;		/* TO_USER (0) or an error */
		}
		cond_resched();
	}
	vcpu_put(vcpu);
	if (ret == -EINTR)
		vcpu->run->exit_reason = KVM_EXIT_INTR;
	return ret;
}
