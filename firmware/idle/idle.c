// SPDX-License-Identifier: GPL-2.0
/*
 * idle.c - WFI sleeps.  With the virtual timer armed, WFI returns once the
 * deadline passes, and the hypervisor must sleep until then, not return at
 * once for the guest to spin.  PSTATE.I masks the interrupt: it only wakes
 * WFI.  With a GIC the timer's PPI must be enabled there to do so; with no
 * interrupt controller at all the hypervisor wakes WFI on the timer
 * condition itself (so does KVM without an in-kernel irqchip).  With
 * "idle=forever" on the command line the payload then waits in WFI with
 * nothing armed, never finishing: the test checks that the vCPU uses no
 * CPU meanwhile and that the vmm still stops on a signal.
 */
#include "fw.h"

const char fw_name[] = "idle";

#define CNTV_CTL_ENABLE		(1U << 0)
#define CNTV_CTL_ISTATUS	(1U << 2)
#define MAX_WAKES		20

static void test_timer_wakes_wfi(u64 freq)
{
	u64 deadline = counter() + freq / 10, wakes = 0;	/* 100 ms */

	write_sysreg(deadline, cntv_cval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
	/* a spinning WFI would return thousands of times in 100 ms */
	while (!(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS) && wakes < 1000000) {
		wfi();
		wakes++;
	}
	check(counter() >= deadline, "WFI returns once the virtual timer's deadline passed");
	check(wakes <= MAX_WAKES, "WFI sleeps until then: %llu wake-ups in 100 ms (at most %u)",
	      (unsigned long long)wakes, MAX_WAKES);
	write_sysreg(0, cntv_ctl_el0);
	isb();
}

void fw_main(void)
{
	u64 freq = read_sysreg(cntfrq_el0);

	check(freq != 0, "CNTFRQ_EL0 is set (%llu Hz)", (unsigned long long)freq);
	if (gic_init()) {
		gic_enable_irq(INTID_VTIMER, 0xa0);
		printf("# idle: the timer's PPI is enabled in the GICv3\n");
	} else {
		printf("# idle: no GICv3: the timer alone wakes WFI\n");
	}
	test_timer_wakes_wfi(freq);
	if (bootarg("idle=forever")) {
		printf("# idle: waiting in WFI with nothing armed\n");
		for (;;)
			wfi();
	}
}
