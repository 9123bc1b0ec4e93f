// SPDX-License-Identifier: GPL-2.0
/*
 * irqstorm.c - interrupts under load, counted: for 4 s each of 2 vCPUs
 * takes its virtual timer every 2 ms (re-armed from its own deadline up to
 * the run's end, so the count is exact however late each one is taken:
 * 2000) and runs a chain
 * of SGIs with the other vCPU (a ping, answered by a pong, which sends the
 * next ping), both driven from interrupt handlers while the vCPU waits in
 * WFI.  A lost timer interrupt or SGI stops its chain for good: checked
 * as a tick for each of the run's deadlines and a pong for every ping.
 * (A chain that stood still for a second is reported, not judged: on a
 * loaded host a vCPU may wait that long for a CPU.)  For stress tests
 * that run many such VMs at once (kmod-stress.sh).
 */
#include "fw.h"

const char fw_name[] = "irqstorm";

#define RUN_MS		4000
#define PERIOD_MS	2
#define STALL_MS	1000

/* cpu 0's chain: PING0 to cpu 1, PONG0 back; cpu 1's: PING1 to 0, PONG1 back */
#define SGI_PING0	1
#define SGI_PONG0	2
#define SGI_PING1	3
#define SGI_PONG1	4
#define SGI_STOP	5	/* wakes cpu 1 to see the run is over */

#define CNTV_CTL_ENABLE		(1U << 0)
#define CNTV_CTL_ISTATUS	(1U << 2)

static u64 period, run_end;
static volatile bool stop;
static volatile u64 deadline[2], stopped_at[2];
static volatile u32 ticks[2], spurious_ticks[2], pings[2], pongs[2];
static volatile u32 wrong[2], ready[2];

static void irq(struct exc_frame *f __unused)
{
	unsigned int cpu = this_cpu(), other = !cpu;
	u32 intid = gic_ack();

	if (intid == INTID_SPURIOUS)
		return;
	switch (intid) {
	case INTID_VTIMER:
		if (!(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS)) {
			spurious_ticks[cpu]++;	/* not expired: nothing to count */
			break;
		}
		ticks[cpu]++;
		if (deadline[cpu] >= run_end) {		/* the run's last one */
			write_sysreg(0, cntv_ctl_el0);
			stopped_at[cpu] = counter();
		} else {
			deadline[cpu] += period;
			write_sysreg(deadline[cpu], cntv_cval_el0);
		}
		isb();
		break;
	case SGI_PING0:
	case SGI_PING1:
		gic_send_sgi(other, intid + 1);		/* the pong */
		break;
	case SGI_STOP:
		break;
	case SGI_PONG0:
	case SGI_PONG1:
		pongs[cpu]++;
		if (!stop) {
			pings[cpu]++;
			gic_send_sgi(other, cpu ? SGI_PING1 : SGI_PING0);
		}
		break;
	default:
		wrong[cpu] = intid;
	}
	gic_eoi(intid);
}

/* Enable this vCPU's interrupts, arm its timer at @start, start its chain. */
static void run_cpu(u64 start)
{
	unsigned int cpu = this_cpu();

	gic_enable_irq(INTID_VTIMER, 0xa0);
	gic_enable_irq(SGI_PING0, 0xa0);
	gic_enable_irq(SGI_PONG0, 0xa0);
	gic_enable_irq(SGI_PING1, 0xa0);
	gic_enable_irq(SGI_PONG1, 0xa0);
	gic_enable_irq(SGI_STOP, 0xa0);
	deadline[cpu] = start + period;
	write_sysreg(deadline[cpu], cntv_cval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
	ready[cpu] = 1;
	local_irq_enable();
	while (!ready[!cpu])
		;
	pings[cpu] = 1;
	gic_send_sgi(!cpu, cpu ? SGI_PING1 : SGI_PING0);
}

/*
 * The end of the run, on either vCPU: both chains' last pings answered
 * (this vCPU answers the other's) and this vCPU's timer stopped, with
 * interrupts still on, spinning: once the timers stop nothing may come
 * to end a WFI.  2 s at most: a lost interrupt fails a check instead.
 */
static void drain(void)
{
	spin_until(pongs[0] == pings[0] && pongs[1] == pings[1] &&
		   !(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ENABLE), 2000);
}

static void secondary(void *arg)
{
	if (!gic_cpu_init())
		return;
	run_cpu((u64)arg);
	while (!stop)
		wfi();		/* SGI_STOP ends the last one */
	drain();
	local_irq_disable();
	ready[1] = 2;
}

void fw_main(void)
{
	u64 freq = read_sysreg(cntfrq_el0), start, end, last_check, now;
	u32 last[4] = { 0 }, cur[4];
	unsigned int cpu, i, stalled = 0;

	if (!check(gic_init(), "a GICv3 is in the device tree and answers") ||
	    !check(nr_cpus() >= 2, "%u vCPUs (run with 2)", nr_cpus()))
		return;
	period = freq / 1000 * PERIOD_MS;
	set_irq_handler(irq);
	start = counter();
	run_end = start + period * (RUN_MS / PERIOD_MS);
	if (!check_eq(cpu_start(1, secondary, (void *)start), PSCI_SUCCESS, "CPU_ON of cpu 1"))
		return;
	run_cpu(start);

	/* every second: each chain and each timer has moved on */
	end = run_end;
	last_check = start;
	while ((now = counter()) < end) {
		wfi();
		if (now - last_check < freq / 1000 * STALL_MS)
			continue;
		cur[0] = ticks[0], cur[1] = ticks[1], cur[2] = pongs[0], cur[3] = pongs[1];
		for (i = 0; i < 4; i++)
			if (cur[i] == last[i])
				stalled |= 1U << i;
		memcpy(last, cur, sizeof(last));
		last_check = now;
	}
	stop = true;
	gic_send_sgi(1, SGI_STOP);
	drain();
	spin_until(ready[1] == 2, 2000);	/* it may still answer our pings */
	local_irq_disable();

	for (cpu = 0; cpu < 2; cpu++) {
		printf("# irqstorm: cpu %u: %u timer ticks, %u spurious, %u SGI round trips\n",
		       cpu, ticks[cpu], spurious_ticks[cpu], pongs[cpu]);
		/* a lost tick is never re-armed: the count would stop short */
		check(ticks[cpu] == RUN_MS / PERIOD_MS, "cpu %u took one tick per deadline of the run (%u of %u)",
		      cpu, ticks[cpu], RUN_MS / PERIOD_MS);
		check(stopped_at[cpu] >= run_end, "cpu %u took its last tick at or after the run's end", cpu);
		check_eq(pongs[cpu], pings[cpu], "every SGI ping of the cpu's chain was answered");
		check(pongs[cpu] > 0, "cpu %u's SGI chain ran (%u round trips)", cpu, pongs[cpu]);
		check_eq(wrong[cpu], 0, "no unexpected interrupt");
	}
	printf("# irqstorm: chains that stood still for a second: mask 0x%x (ticks 0, 1, pongs 0, 1)\n",
	       stalled);
	check_eq(ready[1], 2, "cpu 1 finished");
}
