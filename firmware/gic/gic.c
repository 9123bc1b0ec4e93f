// SPDX-License-Identifier: GPL-2.0
/*
 * gic.c - the virtual GICv3: SGIs between vCPUs both ways, an SPI raised by
 * the vmm's test device (run with --testdev and 2 or more vCPUs), priority
 * masking with PMR, the order of pending interrupts by priority, and EOI
 * deactivating an interrupt.
 */
#include "fw.h"

const char fw_name[] = "gic";

#define SGI_PING	1
#define SGI_PONG	2
#define SGI_LOW		5	/* priority 0xc0 */
#define SGI_HIGH	6	/* priority 0x40 */
#define SGI_EOI		7
#define TESTDEV_IRQ	0x10
#define PINGS		10

static volatile u32 count[FW_MAX_CPUS][1024];
static volatile u32 order[4], nr_order;
static volatile u32 active_before_eoi = 2, active_after_eoi = 2;
static volatile u32 ready1;
static u64 testdev;
static u32 spi;

static void irq(struct exc_frame *f __unused)
{
	unsigned int cpu = this_cpu();
	u32 intid = gic_ack();

	if (intid == INTID_SPURIOUS)
		return;
	if (intid < 1024)
		count[cpu][intid]++;
	if (intid == SGI_PING)
		gic_send_sgi(0, SGI_PONG);	/* answer from cpu 1 */
	if ((intid == SGI_LOW || intid == SGI_HIGH) && nr_order < 4)
		order[nr_order++] = intid;
	if (intid == spi && testdev)
		mmio_write32(testdev + TESTDEV_IRQ, 0);	/* lower the level */
	if (intid == SGI_EOI) {
		active_before_eoi = gic_is_active(SGI_EOI);
		gic_eoi(intid);
		active_after_eoi = gic_is_active(SGI_EOI);
		return;
	}
	gic_eoi(intid);
}

static bool wait_count(unsigned int cpu, u32 intid, u32 want)
{
	return spin_until(count[cpu][intid] >= want, 5000);
}

static void secondary(void *arg __unused)
{
	if (!gic_cpu_init())
		return;
	gic_enable_irq(SGI_PING, 0xa0);
	ready1 = 1;
	local_irq_enable();
	for (;;)
		wfi();
}

static void test_sgis(void)
{
	unsigned int i;

	check_eq(cpu_start(1, secondary, NULL), PSCI_SUCCESS, "CPU_ON of cpu 1");
	if (!check(spin_until(ready1, 5000), "cpu 1 set up its GIC interface"))
		return;
	for (i = 1; i <= PINGS; i++) {
		gic_send_sgi(1, SGI_PING);
		if (!wait_count(0, SGI_PONG, i))
			break;
	}
	check_eq(count[1][SGI_PING], PINGS, "cpu 1 took every SGI cpu 0 sent");
	check_eq(count[0][SGI_PONG], PINGS, "cpu 0 took every SGI cpu 1 sent back");
}

static void test_spi(void)
{
	u32 type, num;
	u64 size;

	if (!check(dt_reg("vmm,testdev", 0, &testdev, &size) &&
		   dt_u32("vmm,testdev", "interrupts", 0, &type) &&
		   dt_u32("vmm,testdev", "interrupts", 1, &num) && type == 0,
		   "the test device and its SPI are in the device tree (run with --testdev)")) {
		testdev = 0;
		return;
	}
	spi = GIC_SPI_BASE + num;
	gic_enable_irq(spi, 0xa0);
	mmio_write32(testdev + TESTDEV_IRQ, 1);
	check(wait_count(0, spi, 1), "the SPI (INTID %u) the vmm raised arrives", spi);

	/* masked by priority: PMR 0x80 lets only priorities below 0x80 in */
	gic_set_pmr(0x80);
	mmio_write32(testdev + TESTDEV_IRQ, 1);
	spin_until(false, 20);			/* 20 ms to arrive, if it would */
	check_eq(count[0][spi], 1, "PMR 0x80 holds back a priority 0xa0 SPI");
	check(gic_is_pending(spi), "the held-back SPI is pending in the distributor");
	gic_set_pmr(0xff);
	check(wait_count(0, spi, 2), "lowering the mask delivers it");
}

static void test_priority_order(void)
{
	gic_enable_irq(SGI_LOW, 0xc0);
	gic_enable_irq(SGI_HIGH, 0x40);
	local_irq_disable();
	gic_send_sgi(0, SGI_LOW);
	gic_send_sgi(0, SGI_HIGH);
	while (!gic_is_pending(SGI_LOW) || !gic_is_pending(SGI_HIGH))
		;
	local_irq_enable();
	wait_count(0, SGI_LOW, 1);
	check(nr_order == 2 && order[0] == SGI_HIGH && order[1] == SGI_LOW,
	      "the higher priority SGI is taken first (order %u, %u)", order[0], order[1]);
}

static void test_eoi(void)
{
	gic_enable_irq(SGI_EOI, 0xa0);
	gic_send_sgi(0, SGI_EOI);
	check(wait_count(0, SGI_EOI, 1), "a self-SGI arrives");
	check_eq(active_before_eoi, 1, "it is active in its handler before EOI");
	check_eq(active_after_eoi, 0, "EOI deactivates it");
}

void fw_main(void)
{
	if (!check(gic_init(), "a GICv3 is in the device tree and answers"))
		return;
	set_irq_handler(irq);
	gic_enable_irq(SGI_PONG, 0xa0);
	local_irq_enable();
	if (check(nr_cpus() >= 2, "%u vCPUs (run with 2 or more)", nr_cpus()))
		test_sgis();
	test_spi();
	test_priority_order();
	test_eoi();
	local_irq_disable();
}
