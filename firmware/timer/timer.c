// SPDX-License-Identifier: GPL-2.0
/*
 * timer.c - the virtual timer: its interrupt (PPI 27) arrives through the
 * GIC no earlier than the deadline, WFI wakes on it with interrupts masked,
 * TVAL counts down, and each vCPU has its own timer.  And the EL1 physical
 * timer's interrupt (PPI 30), against the physical count.  Needs a GICv3.
 */
#include "fw.h"

const char fw_name[] = "timer";

#define CNTV_CTL_ENABLE		(1U << 0)
#define CNTV_CTL_IMASK		(1U << 1)
#define CNTV_CTL_ISTATUS	(1U << 2)

#define INTID_PTIMER		(GIC_PPI_BASE + 14)	/* 30 */

static volatile u64 fired_at[FW_MAX_CPUS], pfired_at;
static volatile u32 fired[FW_MAX_CPUS], pfired;
static volatile u32 wrong_irq;

static void timer_irq(struct exc_frame *f __unused)
{
	u32 intid = gic_ack();
	unsigned int cpu = this_cpu();

	if (intid == INTID_SPURIOUS)
		return;
	if (intid == INTID_VTIMER) {
		fired_at[cpu] = counter();
		write_sysreg(0, cntv_ctl_el0);	/* the level drops */
		isb();
		fired[cpu]++;
	} else if (intid == INTID_PTIMER) {
		pfired_at = read_sysreg(cntpct_el0);
		write_sysreg(0, cntp_ctl_el0);	/* the level drops */
		isb();
		pfired++;
	} else {
		wrong_irq = intid;
	}
	gic_eoi(intid);
}

static void arm_timer(u64 deadline)
{
	write_sysreg(deadline, cntv_cval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
}

/* Spin (interrupts on) until this CPU's timer fired, for up to @ms. */
static bool wait_fired(u32 before, u64 ms)
{
	unsigned int cpu = this_cpu();

	return spin_until(fired[cpu] != before, ms);
}

static void test_interrupt(u64 freq)
{
	u64 deadline = counter() + freq / 100;	/* 10 ms */

	arm_timer(deadline);
	local_irq_enable();
	check(wait_fired(0, 5000), "the virtual timer interrupt (INTID 27) arrives");
	local_irq_disable();
	check(fired_at[0] >= deadline, "it arrives at or after the deadline (%lld ticks late)",
	      (long long)(fired_at[0] - deadline));
	check(fired_at[0] - deadline < freq, "it arrives within 1 s of the deadline");
	check_eq(wrong_irq, 0, "no other interrupt arrived");
}

static void test_wfi(u64 freq)
{
	u64 deadline = counter() + freq / 200, wakes = 0;

	/* WFI wakes on a pending interrupt even while PSTATE.I masks it */
	arm_timer(deadline);
	while (!(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS) && wakes < 1000000) {
		wfi();
		wakes++;
	}
	check(counter() >= deadline, "WFI with IRQs masked returns once the timer expires (%llu wakes)",
	      (unsigned long long)wakes);
	check(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS, "CNTV_CTL_EL0.ISTATUS is set");
	check(gic_is_pending(INTID_VTIMER), "the GIC holds INTID 27 pending");
	local_irq_enable();
	check(wait_fired(1, 1000), "unmasking takes the pending interrupt");
	local_irq_disable();
}

static void test_tval(u64 freq)
{
	s64 tval;

	write_sysreg(CNTV_CTL_IMASK | CNTV_CTL_ENABLE, cntv_ctl_el0);
	write_sysreg(freq, cntv_tval_el0);		/* 1 s ahead */
	isb();
	tval = (int32_t)read_sysreg(cntv_tval_el0);
	check(tval > 0 && tval <= (s64)freq, "CNTV_TVAL_EL0 counts down from what was written (%lld of %llu)",
	      (long long)tval, (unsigned long long)freq);
	write_sysreg(0, cntv_ctl_el0);
	isb();
}

static void test_ptimer(u64 freq)
{
	u64 deadline;

	gic_enable_irq(INTID_PTIMER, 0xa0);
	deadline = read_sysreg(cntpct_el0) + freq / 100;	/* 10 ms */
	write_sysreg(deadline, cntp_cval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntp_ctl_el0);
	isb();
	local_irq_enable();
	check(spin_until(pfired, 5000), "the physical timer interrupt (INTID 30) arrives");
	local_irq_disable();
	check(pfired_at >= deadline, "it arrives at or after its deadline on the physical count");
	check(pfired_at - deadline < freq, "it arrives within 1 s of the deadline");
	check_eq(wrong_irq, 0, "no other interrupt arrived");
}

static volatile u32 secondary_ok;

static void secondary(void *arg)
{
	u64 freq = (u64)arg;

	if (!gic_cpu_init())
		return;
	gic_enable_irq(INTID_VTIMER, 0xa0);
	arm_timer(counter() + freq / 100);
	local_irq_enable();
	secondary_ok = wait_fired(0, 5000) ? 1 : 2;
	local_irq_disable();
}

void fw_main(void)
{
	u64 freq = read_sysreg(cntfrq_el0);

	if (!check(gic_init(), "a GICv3 is in the device tree and answers"))
		return;
	set_irq_handler(timer_irq);
	gic_enable_irq(INTID_VTIMER, 0xa0);
	test_interrupt(freq);
	test_wfi(freq);
	test_tval(freq);
	test_ptimer(freq);
	if (nr_cpus() >= 2) {
		check_eq(cpu_start(1, secondary, (void *)freq), PSCI_SUCCESS, "CPU_ON of cpu 1");
		spin_until(secondary_ok, 10000);
		check(secondary_ok == 1, "cpu 1 takes its own timer interrupt");
	}
}
