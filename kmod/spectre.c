// SPDX-License-Identifier: GPL-2.0
/*
 * spectre.c - what each CPU needs on a guest exit against Spectre-BHB:
 * a guest trains the branch history, and the host's first indirect
 * branches after the exit must not be steered by it.  The kernel and KVM
 * clear the history on every entry from a lower EL with the sequence
 * arch/arm64/kernel/proton-pack.c picks per CPU, patched into their
 * vectors by alternative callbacks that modules cannot use, and neither
 * that choice nor its loop count is exported.  So vmm.ko makes the same
 * choice itself, by the same rules, once per CPU (at the first vCPU load
 * there), and __vmm_guest_exit (hyp/entry.S) applies it:
 *   - unaffected: CSV2 = 3 (ID_AA64PFR0_EL1), a core on the kernel's
 *     safe list, or ECBHB (ID_AA64MMFR1_EL1: the exception clears it);
 *   - CLRBHB (ID_AA64ISAR2_EL1): clearbhb; isb;
 *   - a core on the kernel's loop lists: k taken branches, k by core;
 *   - else the firmware's SMCCC_ARCH_WORKAROUND_3, if it has one (SMC:
 *     the host is at EL2);
 *   - else nothing can be done, as for the kernel.
 * And, as KVM's hardened vectors, SMCCC_ARCH_WORKAROUND_1 on a CPU that
 * needs the firmware against Spectre-v2 (no CSV2, not on the safe list).
 * Booted with mitigations=off, the kernel mitigates nothing and neither
 * does vmm.ko; "nospectre_bhb" alone is not visible to modules, so vmm.ko
 * mitigates anyway (safe, and slower by the sequence).  QEMU's CPUs are
 * on no list and have no firmware call, so this bed runs the "nothing"
 * case; each CPU's choice is logged once.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/arm-smccc.h>
#include <linux/cpu.h>
#include <linux/percpu.h>
#include <linux/printk.h>

#include <asm/cpufeature.h>
#include <asm/cputype.h>
#include <asm/sysreg.h>

#include "vmm_drv.h"

static const struct midr_range bhb_safe[] = {
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A35),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A53),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A55),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A510),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A520),
	MIDR_ALL_VERSIONS(MIDR_BRAHMA_B53),
	MIDR_ALL_VERSIONS(MIDR_QCOM_KRYO_2XX_SILVER),
	MIDR_ALL_VERSIONS(MIDR_QCOM_KRYO_3XX_SILVER),
	MIDR_ALL_VERSIONS(MIDR_QCOM_KRYO_4XX_SILVER),
	{},
};

static const struct midr_range bhb_k132[] = {
	MIDR_ALL_VERSIONS(MIDR_CORTEX_X3),
	MIDR_ALL_VERSIONS(MIDR_NEOVERSE_V2),
	{},
};

static const struct midr_range bhb_k38[] = {
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A715),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A720),
	{},
};

static const struct midr_range bhb_k32[] = {
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A78),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A78AE),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A78C),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_X1),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_X1C),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A710),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_X2),
	MIDR_ALL_VERSIONS(MIDR_NEOVERSE_N2),
	MIDR_ALL_VERSIONS(MIDR_NEOVERSE_V1),
	MIDR_ALL_VERSIONS(MIDR_HISI_TSV110),
	{},
};

static const struct midr_range bhb_k24[] = {
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A76),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A76AE),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A77),
	MIDR_ALL_VERSIONS(MIDR_NEOVERSE_N1),
	MIDR_ALL_VERSIONS(MIDR_QCOM_KRYO_4XX_GOLD),
	MIDR_ALL_VERSIONS(MIDR_HISI_HIP09),
	{},
};

static const struct midr_range bhb_k11[] = {
	MIDR_ALL_VERSIONS(MIDR_AMPERE1),
	{},
};

static const struct midr_range bhb_k8[] = {
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A72),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A57),
	{},
};

static unsigned int bhb_loop_count(u32 midr)
{
	static const struct {
		const struct midr_range *cores;
		unsigned int k;
	} lists[] = {
		{ bhb_k132, 132 }, { bhb_k38, 38 }, { bhb_k32, 32 },
		{ bhb_k24, 24 }, { bhb_k11, 11 }, { bhb_k8, 8 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lists); i++)
		if (is_midr_in_range_list(midr, lists[i].cores))
			return lists[i].k;
	return 0;
}

/* The firmware implements SMCCC workaround @fn for this CPU (over SMC). */
static bool firmware_has(u32 fn)
{
	struct arm_smccc_res res;

	if (arm_smccc_1_1_get_conduit() != SMCCC_CONDUIT_SMC)
		return false;
	arm_smccc_1_1_invoke(ARM_SMCCC_ARCH_FEATURES_FUNC_ID, fn, &res);
	return (int)res.a0 == SMCCC_RET_SUCCESS;
}

static const struct midr_range v2_safe[] = {
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A35),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A53),
	MIDR_ALL_VERSIONS(MIDR_CORTEX_A55),
	MIDR_ALL_VERSIONS(MIDR_BRAHMA_B53),
	MIDR_ALL_VERSIONS(MIDR_HISI_TSV110),
	MIDR_ALL_VERSIONS(MIDR_QCOM_KRYO_2XX_SILVER),
	MIDR_ALL_VERSIONS(MIDR_QCOM_KRYO_3XX_SILVER),
	MIDR_ALL_VERSIONS(MIDR_QCOM_KRYO_4XX_SILVER),
	{},
};

/* A 4-bit ID register field of this CPU */
#define ID_FIELD(reg, shift)	((read_sysreg_s(SYS_ ## reg) >> (shift)) & 0xf)

/* This CPU's choice into @h; preemption off. */
void vmm_spectre_bhb_init_cpu(struct vmm_hyp_host *h)
{
	u32 midr = read_cpuid_id();
	const char *what;
	char loop[32] = "";

	h->bhb_loop = 0;
	h->bhb_clear_insn = 0;
	h->fw_call = 0;
	h->bhb_state = VMM_SPECTRE_MITIGATED;
	if (ID_FIELD(ID_AA64PFR0_EL1, ID_AA64PFR0_EL1_CSV2_SHIFT) >= 3 ||
	    is_midr_in_range_list(midr, bhb_safe)) {
		h->bhb_state = VMM_SPECTRE_UNAFFECTED;
		what = "not affected";
	} else if (cpu_mitigations_off()) {
		h->bhb_state = VMM_SPECTRE_VULNERABLE;
		what = "affected; mitigations=off";
	} else if (ID_FIELD(ID_AA64MMFR1_EL1, ID_AA64MMFR1_EL1_ECBHB_SHIFT)) {
		what = "cleared by the exception (ECBHB)";
	} else if (ID_FIELD(ID_AA64ISAR2_EL1, ID_AA64ISAR2_EL1_CLRBHB_SHIFT)) {
		h->bhb_clear_insn = 1;
		what = "clearbhb";
	} else if ((h->bhb_loop = bhb_loop_count(midr))) {
		snprintf(loop, sizeof(loop), " of %llu", h->bhb_loop);
		what = "a branch loop";
	} else if (firmware_has(ARM_SMCCC_ARCH_WORKAROUND_3)) {
		h->fw_call = ARM_SMCCC_ARCH_WORKAROUND_3;
		what = "firmware WORKAROUND_3";
	} else {
		h->bhb_state = VMM_SPECTRE_VULNERABLE;
		what = "affected, and no mitigation is known for this CPU";
	}
	/*
	 * Spectre-v2 on a CPU without CSV2 whose only mitigation is the
	 * firmware's: KVM's hardened vectors call WORKAROUND_1 on every
	 * exit (WORKAROUND_3, where chosen above, covers it).
	 */
	if (ID_FIELD(ID_AA64PFR0_EL1, ID_AA64PFR0_EL1_CSV2_SHIFT) ||
	    is_midr_in_range_list(midr, v2_safe)) {
		h->v2_state = VMM_SPECTRE_UNAFFECTED;
	} else if (h->fw_call) {
		h->v2_state = VMM_SPECTRE_MITIGATED;	/* WORKAROUND_3 covers it */
	} else if (!cpu_mitigations_off() &&
		   firmware_has(ARM_SMCCC_ARCH_WORKAROUND_1)) {
		h->fw_call = ARM_SMCCC_ARCH_WORKAROUND_1;
		h->v2_state = VMM_SPECTRE_MITIGATED;
		pr_info("CPU%d: Spectre-v2 on guest exit: firmware WORKAROUND_1\n",
			smp_processor_id());
	} else {
		h->v2_state = VMM_SPECTRE_VULNERABLE;
	}
	pr_info("CPU%d (MIDR %#x): Spectre-BHB on guest exit: %s%s\n",
		smp_processor_id(), midr, what, loop);
	h->bhb_known = 1;
}

static void init_cpu(void *unused)
{
	vmm_spectre_bhb_init_cpu(this_cpu_ptr(&vmm_hyp_host));
}

/* Every online CPU's choice, at module load (a CPU onlined later decides at its first vCPU load). */
void vmm_spectre_init(void)
{
	on_each_cpu(init_cpu, NULL, 1);
}

/*
 * The machine's state against Spectre-v2 or -BHB (@bhb) as a guest's
 * SMCCC_ARCH_FEATURES reports it, as KVM answers from the kernel's
 * arm64_get_spectre_*_state(): vulnerable if any CPU is, else mitigated
 * if any CPU needs the workaround, else unaffected.
 */
int vmm_spectre_state(bool bhb)
{
	int cpu, state = VMM_SPECTRE_UNAFFECTED;

	for_each_online_cpu(cpu) {
		const struct vmm_hyp_host *h = per_cpu_ptr(&vmm_hyp_host, cpu);

		if (!h->bhb_known)
			continue;	/* onlined since the module loaded */
		state = max_t(int, state, bhb ? h->bhb_state : h->v2_state);
	}
	return state;
}
