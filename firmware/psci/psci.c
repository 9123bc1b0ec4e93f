// SPDX-License-Identifier: GPL-2.0
/*
 * psci.c - PSCI through the hypervisor: VERSION, FEATURES, CPU_ON of every
 * vCPU with a context id, AFFINITY_INFO, CPU_OFF, and PSCI's error codes
 * for bad CPU_ON arguments.  SYSTEM_OFF ends the payload (fw_finish).
 * Run with 2 or more vCPUs.
 */
#include "fw.h"

const char fw_name[] = "psci";

#define CONTEXT_MAGIC	0x5053434900000000ULL	/* "PSCI" */
#define AFF_ON		0
#define AFF_OFF		1

extern u64 cpu_context_seen[FW_MAX_CPUS];
static volatile u32 cpu_ran[FW_MAX_CPUS];

static void secondary(void *arg __unused)
{
	__atomic_store_n(&cpu_ran[this_cpu()], 1, __ATOMIC_RELEASE);
	/* returning calls PSCI CPU_OFF */
}

static s64 affinity(unsigned int cpu)
{
	return hvc_call(PSCI_AFFINITY_INFO, cpu_mpidr(cpu), 0, 0);
}

/* AFFINITY_INFO until @cpu reports @state, bounded by 1 s of counter. */
static bool wait_affinity(unsigned int cpu, s64 state)
{
	return spin_until(affinity(cpu) == state, 1000);
}

static void test_cpu(unsigned int cpu)
{
	u64 ctx = CONTEXT_MAGIC | cpu;
	s64 ret;

	check_eq(affinity(cpu), AFF_OFF, "AFFINITY_INFO of a CPU not yet started");
	/* raw CPU_ON: the context id must arrive in x0 untouched */
	cpu_set_work(cpu, secondary, NULL);
	ret = hvc_call(PSCI_CPU_ON, cpu_mpidr(cpu), (u64)secondary_entry, ctx);
	check_eq(ret, PSCI_SUCCESS, "CPU_ON");
	check(spin_until(__atomic_load_n(&cpu_ran[cpu], __ATOMIC_ACQUIRE), 2000),
	      "cpu %u ran its entry", cpu);
	check_eq(cpu_context_seen[cpu], ctx, "CPU_ON context id in x0");
	check(wait_affinity(cpu, AFF_OFF), "cpu %u is OFF after its CPU_OFF (AFFINITY_INFO)", cpu);
}

/*
 * The Spectre workarounds a guest discovers through SMCCC_ARCH_FEATURES:
 * -1 vulnerable (no call), 0 the call mitigates, 1 not needed.  The
 * answers are printed for the test script, which holds them against the
 * host kernel's own view of its CPUs; a workaround offered must be
 * callable (it returns 0).
 */
#define SMCCC_ARCH_FEATURES	0x80000001
#define SMCCC_WORKAROUND_1	0x80008000
#define SMCCC_WORKAROUND_3	0x80003fff

static void test_spectre_workarounds(void)
{
	s64 wa1 = hvc_call(SMCCC_ARCH_FEATURES, SMCCC_WORKAROUND_1, 0, 0);
	s64 wa3 = hvc_call(SMCCC_ARCH_FEATURES, SMCCC_WORKAROUND_3, 0, 0);

	printf("# psci: SMCCC_ARCH_FEATURES WORKAROUND_1 %lld WORKAROUND_3 %lld\n",
	       (long long)wa1, (long long)wa3);
	check(wa1 >= -1 && wa1 <= 1, "ARCH_FEATURES(WORKAROUND_1) is -1, 0 or 1");
	check(wa3 >= -1 && wa3 <= 1, "ARCH_FEATURES(WORKAROUND_3) is -1, 0 or 1");
	if (!wa1)
		check_eq(hvc_call(SMCCC_WORKAROUND_1, 0, 0, 0), 0, "a WORKAROUND_1 call");
	if (!wa3)
		check_eq(hvc_call(SMCCC_WORKAROUND_3, 0, 0, 0), 0, "a WORKAROUND_3 call");
}

void fw_main(void)
{
	unsigned int cpu, n = nr_cpus();
	s64 ret;

	ret = hvc_call(PSCI_VERSION, 0, 0, 0);
	check(ret >= 0x10000, "PSCI_VERSION 0x%llx is 1.0 or later", (unsigned long long)ret);
	check_eq(hvc_call(PSCI_FEATURES, PSCI_CPU_ON, 0, 0), PSCI_SUCCESS,
		 "FEATURES(CPU_ON)");
	check_eq(hvc_call(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0), PSCI_SUCCESS,
		 "FEATURES(SYSTEM_OFF)");
	check_eq(hvc_call(PSCI_FEATURES, 0x8400ffff, 0, 0), (u64)PSCI_NOT_SUPPORTED,
		 "FEATURES(an unknown function)");
	check(hvc_call(SMCCC_VERSION, 0, 0, 0) >= 0x10000, "SMCCC_VERSION is 1.0 or later");
	test_spectre_workarounds();
	check_eq(affinity(0), AFF_ON, "AFFINITY_INFO of the boot CPU");
	check(n >= 2, "the device tree lists %u CPUs (run with 2 or more)", n);

	for (cpu = 1; cpu < n; cpu++)
		test_cpu(cpu);

	/* bad arguments get PSCI's error codes */
	check_eq(hvc_call(PSCI_CPU_ON, 0, (u64)secondary_entry, 0),
		 (u64)PSCI_ALREADY_ON, "CPU_ON of the running boot CPU");
	check_eq(hvc_call(PSCI_CPU_ON, 0xff00, (u64)secondary_entry, 0),
		 (u64)PSCI_INVALID_PARAMS, "CPU_ON of an MPIDR with no CPU");
	check_eq(hvc_call(PSCI_AFFINITY_INFO, 0xff00, 0, 0), (u64)PSCI_INVALID_PARAMS,
		 "AFFINITY_INFO of an MPIDR with no CPU");
	if (n >= 2) {
		/* a restart of a CPU that is off works again */
		check_eq(cpu_start(1, secondary, NULL), PSCI_SUCCESS, "CPU_ON of cpu 1 again");
		check(wait_affinity(1, AFF_OFF), "cpu 1 is OFF again");
	}
}
