// SPDX-License-Identifier: GPL-2.0
/*
 * gic.c - a minimal GICv3 driver for payloads: Group 1 non-secure
 * interrupts, affinity routing, the system-register CPU interface, and
 * LPIs in the redistributors (IHI 0069, the GICv3 architecture
 * specification).
 */
#include "fw.h"

#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		(1U << 31)
#define GICD_CTLR_ARE_NS	(1U << 4)
#define GICD_CTLR_ENABLE_G1A	(1U << 1)
#define GICD_TYPER		0x0004
#define GICD_TYPER_LPIS		(1U << 17)
#define GICD_TYPER_IDBITS(t)	((((t) >> 19) & 0x1f) + 1)
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ISACTIVER		0x0300
#define GICD_IPRIORITYR		0x0400
#define GICD_IROUTER		0x6000

#define GICR_FRAME		0x20000		/* RD_base + SGI_base */
#define GICR_CTLR		0x0000
#define GICR_CTLR_ENABLE_LPIS	(1U << 0)
#define GICR_TYPER		0x0008
#define GICR_TYPER_PLPIS	(1U << 0)
#define GICR_TYPER_LAST		(1U << 4)
#define GICR_TYPER_PROC_NUM(t)	(((t) >> 8) & 0xffff)
#define GICR_PROPBASER		0x0070
#define GICR_PENDBASER		0x0078
/* both: Normal inner write-back read/write-allocate, inner shareable */
#define GICR_BASER_CACHE_SHARE	(7ULL << 7 | 1ULL << 10)
#define GICR_PROPBASER_IDBITS	0x1fULL
#define GICR_PROPBASER_PA	0x000ffffffffff000ULL	/* [51:12] */
#define GICR_PENDBASER_PA	0x000fffffffff0000ULL	/* [51:16] */
#define GICR_WAKER		0x0014
#define GICR_WAKER_SLEEP	(1U << 1)
#define GICR_WAKER_ASLEEP	(1U << 2)
#define GICR_SGI		0x10000
#define GICR_IGROUPR0		(GICR_SGI + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI + 0x0100)
#define GICR_ICENABLER0		(GICR_SGI + 0x0180)
#define GICR_ISPENDR0		(GICR_SGI + 0x0200)
#define GICR_ISACTIVER0		(GICR_SGI + 0x0300)
#define GICR_IPRIORITYR		(GICR_SGI + 0x0400)

static u64 dist, redist_base, redist_size;
static u64 redist[FW_MAX_CPUS];

static void mmio_write8(u64 addr, u8 v)
{
	*(volatile u8 *)addr = v;
}

static void wait_rwp(void)
{
	while (mmio_read32(dist + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

u64 gic_dist_base(void)
{
	return dist;
}

/* This CPU's redistributor: the frame whose GICR_TYPER affinity is ours. */
static u64 find_redist(void)
{
	u64 mpidr = read_sysreg(mpidr_el1), aff, f, typer;

	aff = (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24;
	for (f = redist_base; f < redist_base + redist_size; f += GICR_FRAME) {
		typer = mmio_read64(f + GICR_TYPER);
		if ((typer >> 32) == aff)
			return f;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

bool gic_cpu_init(void)
{
	unsigned int cpu = this_cpu();
	u64 rd = find_redist();

	if (!rd || cpu >= FW_MAX_CPUS)
		return false;
	redist[cpu] = rd;
	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	while (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
	mmio_write32(rd + GICR_IGROUPR0, ~0U);		/* SGIs and PPIs: Group 1 */
	mmio_write32(rd + GICR_ICENABLER0, ~0U);

	write_sysreg(read_sysreg(icc_sre_el1) | 1, icc_sre_el1);
	isb();
	write_sysreg(0xff, icc_pmr_el1);
	write_sysreg(0, icc_bpr1_el1);
	write_sysreg(0, icc_ctlr_el1);			/* EOImode 0: EOI deactivates */
	write_sysreg(1, icc_igrpen1_el1);
	isb();
	return true;
}

bool gic_init(void)
{
	u64 size;

	if (!dt_reg("arm,gic-v3", 0, &dist, &size) ||
	    !dt_reg("arm,gic-v3", 1, &redist_base, &redist_size))
		return false;
	mmio_write32(dist + GICD_CTLR, 0);
	wait_rwp();
	mmio_write32(dist + GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A);
	wait_rwp();
	return gic_cpu_init();
}

/* The register bank and bit of @intid: the redistributor's below 32. */
static u64 bank(u32 intid, u32 dist_reg, u32 redist_reg)
{
	if (intid < 32)
		return redist[this_cpu()] + redist_reg;
	return dist + dist_reg + (intid / 32) * 4;
}

void gic_enable_irq(u32 intid, u8 prio)
{
	u64 prio_reg = intid < 32 ? redist[this_cpu()] + GICR_IPRIORITYR
				  : dist + GICD_IPRIORITYR;
	u64 mpidr = read_sysreg(mpidr_el1);

	mmio_write8(prio_reg + intid, prio);
	if (intid >= 32) {
		u64 grp = dist + GICD_IGROUPR + (intid / 32) * 4;

		mmio_write32(grp, mmio_read32(grp) | 1U << (intid % 32));
		/* route to this CPU: Aff3.Aff2.Aff1.Aff0 in IROUTER layout */
		*(volatile u64 *)(dist + GICD_IROUTER + intid * 8) =
			(mpidr & 0xffffff) | (mpidr & 0xff00000000ULL);
	}
	mmio_write32(bank(intid, GICD_ISENABLER, GICR_ISENABLER0), 1U << (intid % 32));
	if (intid >= 32)
		wait_rwp();
}

void gic_disable_irq(u32 intid)
{
	mmio_write32(bank(intid, GICD_ICENABLER, GICR_ICENABLER0), 1U << (intid % 32));
	if (intid >= 32)
		wait_rwp();
}

bool gic_is_pending(u32 intid)
{
	return mmio_read32(bank(intid, GICD_ISPENDR, GICR_ISPENDR0)) & 1U << (intid % 32);
}

bool gic_is_active(u32 intid)
{
	return mmio_read32(bank(intid, GICD_ISACTIVER, GICR_ISACTIVER0)) & 1U << (intid % 32);
}

u32 gic_ack(void)
{
	u32 intid = read_sysreg(icc_iar1_el1) & 0xffffff;

	dsb(sy);
	return intid;
}

void gic_eoi(u32 intid)
{
	write_sysreg(intid, icc_eoir1_el1);
	isb();
}

void gic_set_pmr(u8 pmr)
{
	write_sysreg(pmr, icc_pmr_el1);
	isb();
}

void gic_send_sgi(unsigned int cpu, u32 intid)
{
	u64 mpidr = cpu_mpidr(cpu);
	u64 v = (mpidr >> 8 & 0xff) << 16 |		/* Aff1 */
		(mpidr >> 16 & 0xff) << 32 |		/* Aff2 */
		(mpidr >> 32 & 0xff) << 48 |		/* Aff3 */
		(u64)(intid & 0xf) << 24 |
		1ULL << (mpidr & 0xf);			/* TargetList: Aff0 */

	dsb(ishst);
	write_sysreg(v, icc_sgi1r_el1);
	isb();
}

/* ---- LPIs ---------------------------------------------------------------- */

bool gic_has_lpis(void)
{
	u64 rd = redist[this_cpu()];

	return rd && (mmio_read32(dist + GICD_TYPER) & GICD_TYPER_LPIS) &&
	       (mmio_read64(rd + GICR_TYPER) & GICR_TYPER_PLPIS);
}

u64 gic_its_target(bool pta)
{
	u64 rd = redist[this_cpu()];

	return pta ? rd : GICR_TYPER_PROC_NUM(mmio_read64(rd + GICR_TYPER));
}

bool gic_lpi_enable(void *prop, unsigned int idbits, void *pend)
{
	u64 rd = redist[this_cpu()], propbaser, pendbaser;

	if (!gic_has_lpis() || idbits < 14 ||
	    idbits > GICD_TYPER_IDBITS(mmio_read32(dist + GICD_TYPER)) ||
	    ((u64)prop & 0xfff) || ((u64)pend & 0xffff))
		return false;
	/* IHI 0069, GICR_PROPBASER/PENDBASER: writing them with LPIs on is UNPREDICTABLE */
	if (mmio_read32(rd + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS)
		return false;
	memset(pend, 0, (1UL << idbits) / 8);

	propbaser = (u64)prop | GICR_BASER_CACHE_SHARE | (idbits - 1);
	pendbaser = (u64)pend | GICR_BASER_CACHE_SHARE;
	mmio_write64(rd + GICR_PROPBASER, propbaser);
	mmio_write64(rd + GICR_PENDBASER, pendbaser);
	if ((mmio_read64(rd + GICR_PROPBASER) & GICR_PROPBASER_PA) != (u64)prop ||
	    (mmio_read64(rd + GICR_PROPBASER) & GICR_PROPBASER_IDBITS) < idbits - 1 ||
	    (mmio_read64(rd + GICR_PENDBASER) & GICR_PENDBASER_PA) != (u64)pend)
		return false;
	/* the zeroed pending table and the caller's properties, before the GIC looks */
	dsb(sy);
	mmio_write32(rd + GICR_CTLR, mmio_read32(rd + GICR_CTLR) | GICR_CTLR_ENABLE_LPIS);
	return mmio_read32(rd + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS;
}
