// SPDX-License-Identifier: GPL-2.0
/*
 * hyp-main.c - the module's EL2 on an nVHE host: the host's calls, the
 * run first (the common one).
 *
 * Built into its own image (hyp/nvhe/Kbuild rules in ../../Kbuild): no
 * kernel function is reachable from here, the build fails if one is
 * named, and nothing is instrumented.
 */
#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/sysreg.h>

#include <hyp/nvhe.h>

struct hc_ret {
	u64	x0, x1;
};

struct vmm_vcpu;
u64 __vmm_nvhe_run(struct vmm_vcpu *vcpu);
void __vmm_nvhe_flush_all(void);
void __vmm_nvhe_flush_hyp(void);
void __vmm_nvhe_vgic_reset(unsigned int nr_lrs);
void __vmm_nvhe_flush_vmid(u64 vtcr, u64 vttbr);

static inline struct vmm_nvhe_cpu *hyp_this_cpu(void)
{
	return (struct vmm_nvhe_cpu *)read_sysreg(tpidr_el2);
}

/* From host_sync (hyp-init.S); x0 and x1 go back to the host. */
struct hc_ret handle_host_call(u64 id, u64 a1, u64 a2, u64 a3)
{
	switch (id) {
	case VMM_HC_RUN:
		return (struct hc_ret){ __vmm_nvhe_run((struct vmm_vcpu *)a1), 0 };
	case VMM_HC_FLUSH_VMID:
		__vmm_nvhe_flush_vmid(a1, a2);
		return (struct hc_ret){ 0, 0 };
	case VMM_HC_SET_CNTVOFF:
		write_sysreg(a1, cntvoff_el2);
		return (struct hc_ret){ 0, 0 };
	case VMM_HC_ICH_VTR:
		return (struct hc_ret){ 0, read_sysreg_s(SYS_ICH_VTR_EL2) };
	case VMM_HC_VGIC_RESET:
		__vmm_nvhe_vgic_reset(a1);
		return (struct hc_ret){ 0, 0 };
	case VMM_HC_FLUSH_HYP:
		__vmm_nvhe_flush_hyp();
		return (struct hc_ret){ 0, 0 };
	case VMM_HC_FLUSH_ALL:
		__vmm_nvhe_flush_all();
		return (struct hc_ret){ 0, 0 };
	case VMM_HC_PING:
		return (struct hc_ret){ 0, hyp_this_cpu()->cpu };
	default:
		return (struct hc_ret){ -1UL, 0 };	/* SMCCC_RET_NOT_SUPPORTED */
	}
}
