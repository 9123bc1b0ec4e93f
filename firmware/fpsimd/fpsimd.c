// SPDX-License-Identifier: GPL-2.0
/*
 * fpsimd.c - FP/SIMD state survives exits: every vCPU fills V0-V31, FPCR
 * and FPSR with its own pattern, then makes thousands of exits handled in
 * the hypervisor (HVC) and in the vmm (MMIO, where the host's libc uses
 * SIMD), on vCPU threads the host moves between its CPUs, and checks that
 * nothing changed.  Run with 2 or more vCPUs.
 */
#include "fw.h"

const char fw_name[] = "fpsimd";

#define ITERATIONS	3000
#define FPCR_PATTERN	0x01400000	/* FZ, RMode = round towards +inf */
#define FPSR_PATTERN	0x08000001	/* QC, IOC */

/* The C code is built -mgeneral-regs-only: it never touches V0-V31. */
void fp_fill(u64 seed);
u64 fp_check(u64 seed);		/* mismatching registers, FPCR/FPSR included */

asm(
"	.text\n"
"	.globl	fp_fill\n"
"fp_fill:\n"
"	.irp	n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
"	add	x1, x0, #\\n\n"
"	mvn	x2, x1\n"
"	fmov	d\\n, x1\n"
"	mov	v\\n\\().d[1], x2\n"
"	.endr\n"
"	mov	x1, #0x1400000\n"
"	msr	fpcr, x1\n"
"	mov	x1, #0x8000000\n"
"	orr	x1, x1, #1\n"
"	msr	fpsr, x1\n"
"	ret\n"
"	.globl	fp_check\n"
"fp_check:\n"
"	mov	x3, #0\n"
"	.irp	n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
"	add	x1, x0, #\\n\n"
"	mvn	x2, x1\n"
"	fmov	x4, d\\n\n"
"	cmp	x4, x1\n"
"	cinc	x3, x3, ne\n"
"	mov	x4, v\\n\\().d[1]\n"
"	cmp	x4, x2\n"
"	cinc	x3, x3, ne\n"
"	.endr\n"
"	mrs	x4, fpcr\n"
"	mov	x1, #0x1400000\n"
"	cmp	x4, x1\n"
"	cinc	x3, x3, ne\n"
"	mrs	x4, fpsr\n"
"	mov	x1, #0x8000000\n"
"	orr	x1, x1, #1\n"
"	cmp	x4, x1\n"
"	cinc	x3, x3, ne\n"
"	mov	x0, x3\n"
"	ret\n"
);

static volatile u64 result[FW_MAX_CPUS];
static volatile u32 done[FW_MAX_CPUS];

static void exercise(void *arg __unused)
{
	unsigned int cpu = this_cpu(), i;
	u64 seed = 0x1000000000ULL * (cpu + 1) + 0x5a5a;
	volatile u8 *lsr = (volatile u8 *)(LAYOUT_UART_BASE + 5);

	fp_fill(seed);
	for (i = 0; i < ITERATIONS; i++) {
		hvc_call(PSCI_VERSION, 0, 0, 0);	/* exit to the hypervisor */
		(void)*lsr;				/* exit to the vmm */
	}
	result[cpu] = fp_check(seed);
	__atomic_store_n(&done[cpu], 1, __ATOMIC_RELEASE);
}

void fw_main(void)
{
	unsigned int cpu, n = nr_cpus();

	check(n >= 2, "%u vCPUs (run with 2 or more)", n);
	/* the checker itself: a different pattern must not pass */
	fp_fill(1);
	check_eq(fp_check(2), 64, "the checker sees all 64 halves of V0-V31 differ");
	for (cpu = 1; cpu < n; cpu++)
		check_eq(cpu_start(cpu, exercise, NULL), PSCI_SUCCESS, "CPU_ON");
	exercise(NULL);
	for (cpu = 1; cpu < n; cpu++)
		check(spin_until(__atomic_load_n(&done[cpu], __ATOMIC_ACQUIRE), 60000),
		      "cpu %u finished its exits", cpu);
	for (cpu = 0; cpu < n; cpu++)
		check(result[cpu] == 0, "cpu %u: V0-V31, FPCR and FPSR survived %u HVC and %u MMIO exits (%llu registers changed)",
		      cpu, ITERATIONS, ITERATIONS, (unsigned long long)result[cpu]);
}
