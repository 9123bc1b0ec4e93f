// SPDX-License-Identifier: GPL-2.0
/*
 * mmio.c - a guest's data and instruction aborts at stage 2: a page of a
 * memslot to map, an access for userspace to emulate (KVM_EXIT_MMIO, the
 * syndrome decoded) for the kernel's own devices (io_bus.c) or else for
 * userspace, or an abort for the guest itself (an external abort where
 * there is nothing to emulate), as Linux's mmu.c and mmio.c.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kvm.h>
#include <linux/printk.h>
#include <linux/string.h>

#include <asm/esr.h>
#include <asm/kvm_arm.h>

#include "emulate.h"

u64 vmm_fault_ipa(struct vmm_vcpu *vcpu)
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

/*
 * An MMIO read's @val (len bytes) into its register, extended as the load
 * would have, then on past the load.
 */
static void finish_read(struct vmm_vcpu *vcpu, u64 val)
{
	unsigned int len = vcpu->mmio.len;

	if (vcpu->mmio.sign_extend && len < 8) {
		u64 sign = 1ULL << (len * 8 - 1);

		val = (val ^ sign) - sign;
	}
	if (!vcpu->mmio.sixty_four)
		val &= 0xffffffff;
	vcpu_set_reg(vcpu, vcpu->mmio.rt, val);
	vcpu_skip_instr(vcpu);
}

int vmm_handle_abort(struct vmm_vcpu *vcpu)
{
	u64 esr = vcpu->fault.esr, ipa = vmm_fault_ipa(vcpu);
	struct kvm_run *run = vcpu->run;
	unsigned int rt, len;

	if (abort_is_sea(esr)) {
		vmm_vcpu_inject_serror(vcpu, ESR_ELx_ISV);
		return VMM_RESUME;
	}

	/* a permission fault is a write to a read-only slot: userspace's */
	if ((esr & ESR_ELx_FSC_TYPE) != ESR_ELx_FSC_PERM &&
	    vmm_stage2_is_ram(vcpu->vm, ipa))
		return VMM_MAP_PAGE;		/* map the page, then retry */
	/* nothing to emulate: no instruction to decode, or a table walk */
	if (ESR_ELx_EC(esr) == ESR_ELx_EC_IABT_LOW || (esr & ESR_ELx_S1PTW))
		return vmm_inject_abort(vcpu, ESR_ELx_EC(esr) == ESR_ELx_EC_IABT_LOW);
	if (!(esr & ESR_ELx_ISV)) {
		/* no syndrome: a load/store pair, writeback... (api.rst: ENOSYS) */
		pr_warn_ratelimited("vcpu %u: MMIO access at 0x%llx without a valid syndrome\n",
				    vcpu->id, ipa);
		return -ENOSYS;
	}
	rt = (esr & ESR_ELx_SRT_MASK) >> ESR_ELx_SRT_SHIFT;
	len = 1U << ((esr & ESR_ELx_SAS) >> ESR_ELx_SAS_SHIFT);
	vcpu->mmio.rt = rt;
	vcpu->mmio.len = len;
	vcpu->mmio.sign_extend = !!(esr & ESR_ELx_SSE);
	vcpu->mmio.sixty_four = !!(esr & ESR_ELx_SF);

	/* the kernel's own devices first (io_bus.c), then the vmm's */
	if (esr & ESR_ELx_WNR) {
		u64 val = vcpu_get_reg(vcpu, rt);

		if (len < 8)
			val &= BIT_ULL(len * 8) - 1;
		if (!vmm_io_bus_write(vcpu, ipa, len, &val)) {
			vcpu_skip_instr(vcpu);
			return VMM_RESUME;
		}
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		memcpy(run->mmio.data, &val, len);	/* little endian */
		vcpu_skip_instr(vcpu);		/* done, as far as the guest sees */
		vcpu->mmio.pending = false;
	} else {
		u64 val = 0;

		if (!vmm_io_bus_read(vcpu, ipa, len, &val)) {
			finish_read(vcpu, val);
			return VMM_RESUME;
		}
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		vcpu->mmio.pending = true;
	}
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = ipa;
	run->mmio.len = len;
	run->mmio.is_write = !!(esr & ESR_ELx_WNR);
	return VMM_TO_USER;
}

/* Finish an MMIO read with the data userspace put in kvm_run. */
void vmm_complete_mmio(struct vmm_vcpu *vcpu)
{
	u64 val = 0;

	if (!vcpu->mmio.pending)
		return;
	vcpu->mmio.pending = false;
	memcpy(&val, vcpu->run->mmio.data, vcpu->mmio.len);
	finish_read(vcpu, val);
}
