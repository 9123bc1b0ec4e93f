// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - world-switch micro-benchmarks, each timed with the virtual
 * counter in BATCHES batches and reported as nanoseconds per operation of
 * the fastest batch (a host timer tick landing in one batch does not
 * count).  Under QEMU with -icount shift=0 one nanosecond is one
 * instruction, so `make bench` reads them as instructions per operation.
 * Run with -c 2 --testdev.  Without a GICv3 (a hypervisor with no vGIC)
 * only hvc and mmio_user run.
 *
 *   hvc          HVC to the hypervisor and back (SMCCC_VERSION)
 *   mmio_user    MMIO read completed by the vmm in userspace (test device)
 *   mmio_kernel  MMIO read completed in the kernel (GICD_IIDR)
 *   ipi          sending a virtual IPI (SGI) to another vCPU: the trapped
 *                ICC_SGI1R_EL1 write.  Delivery latency is left out: in the
 *                test bed it measures the emulator's CPU scheduling.
 *   eoi          a virtual EOI (ICC_EOIR1_EL1), timed inside the handler
 *   timer        timer interrupt latency: deadline to handler entry
 */
#include "fw.h"

const char fw_name[] = "bench";

#define GICD_IIDR	0x0008
#define SGI_PING	1	/* never enabled on cpu 1: it only pends */
#define SGI_EOI		3
#define BATCHES		10

static u64 freq;
static volatile u32 eois, ticks_fired;
static volatile u64 eoi_ticks, timer_cval, timer_lat_ticks;
static volatile u32 ready1;

static void report(const char *name, u64 ticks, u64 ops)
{
	/* ns = ticks * 1e9 / freq, in tenths per op */
	u64 tenths = ticks * 10000000000ULL / freq / ops;

	printf("bench: %s %llu.%llu ns/op (best of %u batches of %llu)\n", name,
	       (unsigned long long)(tenths / 10), (unsigned long long)(tenths % 10),
	       BATCHES, (unsigned long long)ops);
	check(ops > 0 && ticks > 0, "%s measured", name);
}

static void irq(struct exc_frame *f __unused)
{
	u32 intid = gic_ack();
	u64 t0, t1;

	switch (intid) {
	case SGI_EOI:
		t0 = counter();
		gic_eoi(intid);
		t1 = counter();
		eoi_ticks += t1 - t0;
		eois++;
		return;
	case INTID_VTIMER:
		timer_lat_ticks += counter() - timer_cval;
		write_sysreg(0, cntv_ctl_el0);
		isb();
		ticks_fired++;
		break;
	case INTID_SPURIOUS:
		return;
	}
	gic_eoi(intid);
}

static void secondary(void *arg __unused)
{
	gic_cpu_init();
	ready1 = 1;
	for (;;)
		wfi();
}

/* The fastest of BATCHES batches of @ops runs of @body, in ticks. */
#define BEST_OF(ops, body)						\
	({								\
		u64 __best = ~0ULL, __t0, __dt;				\
		unsigned int __b, __i;					\
		for (__b = 0; __b <= BATCHES; __b++) {	/* 0: warm-up */ \
			__t0 = counter();				\
			for (__i = 0; __i < (ops); __i++)		\
				body;					\
			__dt = counter() - __t0;			\
			if (__b && __dt < __best)			\
				__best = __dt;				\
		}							\
		__best;							\
	})

/* The same where @body adds its own measurement to @acc. */
#define BEST_ACC(ops, acc, body)					\
	({								\
		u64 __best = ~0ULL;					\
		unsigned int __b, __i;					\
		for (__b = 0; __b <= BATCHES; __b++) {			\
			acc = 0;					\
			for (__i = 0; __i < (ops); __i++)		\
				body;					\
			if (__b && acc < __best)			\
				__best = acc;				\
		}							\
		__best;							\
	})

static void eoi_once(void)
{
	u32 want = eois + 1;

	gic_send_sgi(0, SGI_EOI);
	while (eois < want)
		;
}

static void timer_once(void)
{
	u32 want = ticks_fired + 1;

	timer_cval = counter() + freq / 2000;	/* 0.5 ms */
	write_sysreg(timer_cval, cntv_cval_el0);
	write_sysreg(1, cntv_ctl_el0);
	isb();
	while (ticks_fired < want)
		;
}

void fw_main(void)
{
	u64 testdev, size, dist;

	freq = read_sysreg(cntfrq_el0);
	if (!check(dt_reg("vmm,testdev", 0, &testdev, &size), "the test device (--testdev)") ||
	    !check(nr_cpus() >= 2, "2 vCPUs"))
		return;

	report("hvc", BEST_OF(200, hvc_call(SMCCC_VERSION, 0, 0, 0)), 200);
	report("mmio_user", BEST_OF(50, (void)mmio_read32(testdev)), 50);

	/* the rest needs an interrupt controller in the hypervisor */
	if (!dt_reg("arm,gic-v3", 0, &dist, &size)) {
		printf("bench: mmio_kernel ipi eoi timer: n/a, no GICv3 in the device tree\n");
		return;
	}
	if (!check(gic_init(), "the GICv3 answers"))
		return;
	dist = gic_dist_base();
	set_irq_handler(irq);
	report("mmio_kernel", BEST_OF(200, (void)mmio_read32(dist + GICD_IIDR)), 200);

	cpu_start(1, secondary, NULL);
	if (check(spin_until(ready1, 5000), "cpu 1 is up"))
		report("ipi", BEST_OF(200, gic_send_sgi(1, SGI_PING)), 200);

	local_irq_enable();
	gic_enable_irq(SGI_EOI, 0xa0);
	report("eoi", BEST_ACC(100, eoi_ticks, eoi_once()), 100);
	gic_enable_irq(INTID_VTIMER, 0xa0);
	report("timer", BEST_ACC(5, timer_lat_ticks, timer_once()), 5);
	local_irq_disable();
}
