// SPDX-License-Identifier: GPL-2.0
/*
 * its.c - the virtual GICv3 ITS (run with --irqchip gicv3-its -c 2): found
 * in the device tree; the redistributors' LPI tables, the ITS's device and
 * collection tables and its command queue set up in RAM; a device's events
 * mapped to LPIs (MAPD, MAPC, MAPTI, SYNC) and raised with INT, each LPI
 * arriving at the CPU interface with its own INTID.  Then what the property
 * table says (enable, priority) with INV, CLEAR, DISCARD, and MOVI to a
 * collection on the other vCPU.
 *
 * Facts from IHI 0069 (the GICv3 and GICv4 architecture specification):
 * chapter 5 (LPIs, the ITS and its commands) and the GITS_* register
 * descriptions.  KVM's ITS does not take the guest's own writes to
 * GITS_TRANSLATER as MSIs, so INT stands in for a device's write.
 */
#include "fw.h"

const char fw_name[] = "its";

/* ITS control frame (ITS_base) */
#define GITS_CTLR		0x0000
#define GITS_CTLR_ENABLED	(1U << 0)
#define GITS_TYPER		0x0008
#define GITS_TYPER_PHYSICAL	(1ULL << 0)
#define GITS_TYPER_ITT_ESZ(t)	((((t) >> 4) & 0xf) + 1)
#define GITS_TYPER_DEVBITS(t)	((((t) >> 13) & 0x1f) + 1)
#define GITS_TYPER_PTA		(1ULL << 19)
#define GITS_CBASER		0x0080
#define GITS_CWRITER		0x0088
#define GITS_CREADR		0x0090
#define GITS_CREADR_STALLED	(1ULL << 0)
#define GITS_CREADR_OFFSET	0xfffe0ULL		/* [19:5] */
#define GITS_BASER(n)		(0x0100 + 8 * (n))
#define GITS_PIDR2		0xffe8
#define GITS_PIDR2_ARCH(p)	(((p) >> 4) & 0xf)	/* 3: GICv3, 4: GICv4 */

/* GITS_BASER<n> and GITS_CBASER fields */
#define BASER_VALID		(1ULL << 63)
#define BASER_INDIRECT		(1ULL << 62)
#define BASER_TYPE(b)		(((b) >> 56) & 7)
#define BASER_TYPE_DEVICE	1
#define BASER_TYPE_COLLECTION	4
#define BASER_ESZ(b)		((((b) >> 48) & 0x1f) + 1)
#define BASER_RO		(0x7ULL << 56 | 0x1fULL << 48)	/* type, entry size */
#define BASER_PAGE_64K		(2ULL << 8)
#define BASER_PAGE_MASK		(3ULL << 8)
#define BASER_PA_64K		0x0000ffffffff0000ULL	/* [47:16] with 64K pages */
#define CBASER_PA		0x000ffffffffff000ULL	/* [51:12] */
/* Normal inner write-back read/write-allocate, inner shareable */
#define BASER_CACHE_SHARE	(7ULL << 59 | 1ULL << 10)

/* ITS commands: 32 bytes, the command number in DW0[7:0] */
#define CMD_MOVI		0x01
#define CMD_INT			0x03
#define CMD_CLEAR		0x04
#define CMD_SYNC		0x05
#define CMD_MAPD		0x08
#define CMD_MAPC		0x09
#define CMD_MAPTI		0x0a
#define CMD_INV			0x0c
#define CMD_DISCARD		0x0f

/*
 * The tables, in this image's BSS (RAM).  LPIs 8192..16383 (14 ID bits);
 * the pending tables need 64K alignment for 2 KiB; the device and
 * collection tables are flat, one 64K page each.  The command queue is
 * 64K as Linux's, and 64K aligned: the architecture asks for 4K, but
 * KVM's GITS_CBASER drops address bits [15:12].
 */
#define IDBITS			14
#define TABLE_SIZE		0x10000
#define CMDQ_SIZE		0x10000
#define DEVICE			5	/* the DeviceID of our pretend device */
#define EVENT_BITS		5	/* its EventIDs 0..31 */
#define MAX_ITT_ESZ		16
#define PRIO			0xa0

static u8 prop[(1U << IDBITS) - GIC_LPI_BASE] __attribute__((aligned(0x1000)));
static u8 pend[2][TABLE_SIZE] __attribute__((aligned(0x10000)));
static u8 tables[2][TABLE_SIZE] __attribute__((aligned(0x10000)));
static u8 itt[(1U << EVENT_BITS) * MAX_ITT_ESZ] __attribute__((aligned(256)));
static u64 cmdq[CMDQ_SIZE / 8] __attribute__((aligned(0x10000)));

static u64 its;
static u64 cwriter;
static bool pta;			/* collections target addresses, not numbers */
static volatile u64 target[2];		/* each CPU's RDbase, in the form PTA asks */
static volatile u32 lpis_on1, lpis_on1_done;

#define NR_LPIS			64
static volatile u32 count[FW_MAX_CPUS][NR_LPIS];
static volatile u32 first_intid = ~0U;
static volatile u32 stray;

static void irq(struct exc_frame *f __unused)
{
	unsigned int cpu = this_cpu();
	u32 intid = gic_ack();

	if (intid == INTID_SPURIOUS)
		return;
	if (first_intid == ~0U)
		first_intid = intid;
	if (intid >= GIC_LPI_BASE && intid < GIC_LPI_BASE + NR_LPIS)
		count[cpu][intid - GIC_LPI_BASE]++;
	else
		stray = intid;
	gic_eoi(intid);
}

static bool wait_lpi(unsigned int cpu, u32 lpi, u32 want)
{
	return spin_until(count[cpu][lpi - GIC_LPI_BASE] >= want, 5000);
}

/* ---- the command queue ---------------------------------------------------- */

/*
 * Queue one command and wait until the ITS has read it: GITS_CREADR
 * reaching GITS_CWRITER (IHI 0069 5.3: the queue is empty when they are
 * equal).  The command is in RAM before the write that hands it over.
 */
static bool its_cmd(u64 dw0, u64 dw1, u64 dw2, u64 dw3)
{
	u64 *c = &cmdq[cwriter / 8], creadr;

	c[0] = dw0;
	c[1] = dw1;
	c[2] = dw2;
	c[3] = dw3;
	dsb(sy);
	cwriter = (cwriter + 32) % CMDQ_SIZE;
	mmio_write64(its + GITS_CWRITER, cwriter);
	spin_until((mmio_read64(its + GITS_CREADR) & GITS_CREADR_OFFSET) == cwriter ||
		   (mmio_read64(its + GITS_CREADR) & GITS_CREADR_STALLED), 1000);
	creadr = mmio_read64(its + GITS_CREADR);
	return (creadr & GITS_CREADR_OFFSET) == cwriter && !(creadr & GITS_CREADR_STALLED);
}

#define DEV(cmd, dev)		((u64)(dev) << 32 | (cmd))

static bool cmd_mapd(u32 dev, unsigned int event_bits, void *itt_base)
{
	return its_cmd(DEV(CMD_MAPD, dev), event_bits - 1,
		       1ULL << 63 | ((u64)itt_base & 0x000fffffffffff00ULL), 0);
}

/* RDbase in DW2[51:16]: a 64K-aligned RD_base (PTA), else a processor number */
static u64 rdbase(u64 rd)
{
	return pta ? rd : rd << 16;
}

static bool cmd_mapc(u32 icid, u64 rd)
{
	return its_cmd(CMD_MAPC, 0, 1ULL << 63 | rdbase(rd) | icid, 0);
}

static bool cmd_sync(u64 rd)
{
	return its_cmd(CMD_SYNC, 0, rdbase(rd), 0);
}

static bool cmd_mapti(u32 dev, u32 event, u32 lpi, u32 icid)
{
	return its_cmd(DEV(CMD_MAPTI, dev), (u64)lpi << 32 | event, icid, 0);
}

static bool cmd_event(u64 cmd, u32 dev, u32 event)
{
	return its_cmd(DEV(cmd, dev), event, 0, 0);
}

static bool cmd_movi(u32 dev, u32 event, u32 icid)
{
	return its_cmd(DEV(CMD_MOVI, dev), event, icid, 0);
}

/* ---- set-up --------------------------------------------------------------- */

static void set_prop(u32 lpi, u8 val)
{
	prop[lpi - GIC_LPI_BASE] = val;
	dsb(sy);
}

/*
 * Give the ITS table @type: the GITS_BASER<n> that reads as that type, one
 * flat 64K page of @mem.  Returns the entry size, 0 on failure.
 */
static u32 setup_table(unsigned int type, void *mem, const char *what)
{
	unsigned int n;
	u64 b, want;

	for (n = 0; n < 8; n++) {
		b = mmio_read64(its + GITS_BASER(n));
		if (BASER_TYPE(b) == type)
			break;
	}
	if (!check(n < 8, "a GITS_BASER<n> has the %s table type (%u)", what, type))
		return 0;
	want = BASER_VALID | BASER_CACHE_SHARE | (b & BASER_RO) | BASER_PAGE_64K |
	       (u64)mem;	/* Size 0: one page */
	mmio_write64(its + GITS_BASER(n), want);
	b = mmio_read64(its + GITS_BASER(n));
	if (!check((b & BASER_VALID) && !(b & BASER_INDIRECT) &&
		   (b & BASER_PAGE_MASK) == BASER_PAGE_64K &&
		   (b & BASER_PA_64K) == (u64)mem,
		   "GITS_BASER%u takes the %s table (flat, 64K page): 0x%llx", n,
		   what, (unsigned long long)b))
		return 0;
	return BASER_ESZ(b);
}

static void secondary(void *arg __unused)
{
	if (gic_cpu_init() && gic_lpi_enable(prop, IDBITS, pend[1])) {
		target[1] = gic_its_target(pta);
		lpis_on1 = 1;
	}
	lpis_on1_done = 1;
	local_irq_enable();
	for (;;)
		wfi();
}

static bool setup_its(void)
{
	u64 size, typer, cbaser;
	u32 msi_cells, dte, cte;

	if (!check(dt_reg("arm,gic-v3-its", 0, &its, &size),
		   "an arm,gic-v3-its node is in the device tree (run with --irqchip gicv3-its)"))
		return false;
	check_eq(size, 0x20000, "the ITS region's size (control and translation frames)");
	check(dt_u32("arm,gic-v3-its", "#msi-cells", 0, &msi_cells) && msi_cells == 1,
	      "the ITS node has #msi-cells = 1");
	check(GITS_PIDR2_ARCH(mmio_read32(its + GITS_PIDR2)) == 3 ||
	      GITS_PIDR2_ARCH(mmio_read32(its + GITS_PIDR2)) == 4,
	      "GITS_PIDR2.ArchRev at the ITS's address is 3 or 4 (0x%x)",
	      mmio_read32(its + GITS_PIDR2));

	typer = mmio_read64(its + GITS_TYPER);
	if (!check(typer & GITS_TYPER_PHYSICAL, "GITS_TYPER.Physical: physical LPIs"))
		return false;
	pta = typer & GITS_TYPER_PTA;
	target[0] = gic_its_target(pta);
	check(GITS_TYPER_DEVBITS(typer) > 3 && GITS_TYPER_ITT_ESZ(typer) <= MAX_ITT_ESZ,
	      "GITS_TYPER: %u DeviceID bits, ITT entries of %u bytes",
	      (unsigned int)GITS_TYPER_DEVBITS(typer), (unsigned int)GITS_TYPER_ITT_ESZ(typer));
	if (!check(!(mmio_read32(its + GITS_CTLR) & GITS_CTLR_ENABLED),
		   "the ITS starts disabled"))
		return false;

	dte = setup_table(BASER_TYPE_DEVICE, tables[0], "device");
	cte = setup_table(BASER_TYPE_COLLECTION, tables[1], "collection");
	if (!dte || !cte || !check(dte * (DEVICE + 1) <= TABLE_SIZE && cte * 2 <= TABLE_SIZE,
				   "a 64K page holds DeviceID %u and 2 collections", DEVICE))
		return false;

	cbaser = BASER_VALID | BASER_CACHE_SHARE | (u64)cmdq | (CMDQ_SIZE / 0x1000 - 1);
	mmio_write64(its + GITS_CBASER, cbaser);
	mmio_write64(its + GITS_CWRITER, 0);
	cwriter = 0;
	if (!check((mmio_read64(its + GITS_CBASER) & (BASER_VALID | CBASER_PA)) ==
		   (BASER_VALID | (u64)cmdq), "GITS_CBASER takes the command queue: 0x%llx",
		   (unsigned long long)mmio_read64(its + GITS_CBASER)) ||
	    !check_eq(mmio_read64(its + GITS_CREADR), 0, "GITS_CREADR starts at 0"))
		return false;

	mmio_write32(its + GITS_CTLR, GITS_CTLR_ENABLED);
	return check(mmio_read32(its + GITS_CTLR) & GITS_CTLR_ENABLED,
		     "GITS_CTLR.Enabled: the ITS is on");
}

/* ---- the checks ------------------------------------------------------------- */

#define LPI(n)		(GIC_LPI_BASE + (n))

static void test_first_lpi(void)
{
	set_prop(LPI(0), LPI_PROP(PRIO, true));
	set_prop(LPI(1), LPI_PROP(PRIO, true));
	check(cmd_mapd(DEVICE, EVENT_BITS, itt) && cmd_mapc(0, target[0]) &&
	      cmd_mapti(DEVICE, 0, LPI(0), 0) && cmd_mapti(DEVICE, 1, LPI(1), 0) &&
	      cmd_sync(target[0]),
	      "MAPD, MAPC, MAPTI x2 and SYNC are consumed (GITS_CREADR = GITS_CWRITER, not stalled)");

	check(cmd_event(CMD_INT, DEVICE, 0), "INT is consumed");
	check(wait_lpi(0, LPI(0), 1), "event 0 arrives as LPI %u", LPI(0));
	check(first_intid >= GIC_LPI_BASE,
	      "ICC_IAR1_EL1 gave the LPI's INTID, %u (>= 8192)", first_intid);

	cmd_event(CMD_INT, DEVICE, 1);
	check(wait_lpi(0, LPI(1), 1), "event 1 arrives as a second LPI, %u", LPI(1));
	check_eq(count[0][0], 1, "LPI 8192 arrived once, not again for event 1");
}

/* The property table's enable bit holds an LPI back until INV rereads it. */
static void test_disabled(void)
{
	set_prop(LPI(2), LPI_PROP(PRIO, false));
	cmd_mapti(DEVICE, 2, LPI(2), 0);
	cmd_event(CMD_INT, DEVICE, 2);
	spin_until(false, 20);
	check_eq(count[0][2], 0, "an LPI disabled in the property table is not delivered");
	set_prop(LPI(2), LPI_PROP(PRIO, true));
	check(cmd_event(CMD_INV, DEVICE, 2) && cmd_sync(target[0]), "INV and SYNC are consumed");
	check(wait_lpi(0, LPI(2), 1), "enabled, and INV issued, the pending LPI %u arrives", LPI(2));
}

/* The property table's priority: PMR 0x80 lets only priorities below it in. */
static void test_priority(void)
{
	gic_set_pmr(0x80);
	cmd_event(CMD_INT, DEVICE, 0);
	spin_until(false, 20);
	check_eq(count[0][0], 1, "PMR 0x80 holds back an LPI of priority 0xa0");
	gic_set_pmr(0xff);
	check(wait_lpi(0, LPI(0), 2), "lowering the mask delivers it");
}

/* CLEAR takes back a pending LPI the CPU has not taken. */
static void test_clear(void)
{
	u32 hppir;

	local_irq_disable();
	cmd_event(CMD_INT, DEVICE, 1);
	spin_until((read_sysreg(icc_hppir1_el1) & 0xffffff) == LPI(1), 100);
	hppir = read_sysreg(icc_hppir1_el1) & 0xffffff;
	check_eq(hppir, LPI(1), "with IRQs masked, ICC_HPPIR1_EL1 shows the pending LPI");
	check(cmd_event(CMD_CLEAR, DEVICE, 1), "CLEAR is consumed");
	hppir = read_sysreg(icc_hppir1_el1) & 0xffffff;
	check_eq(hppir, INTID_SPURIOUS, "after CLEAR, nothing is pending (ICC_HPPIR1_EL1)");
	local_irq_enable();
	spin_until(false, 20);
	check_eq(count[0][1], 1, "the cleared LPI is never delivered");
}

/* DISCARD unmaps an event: INT then raises nothing; it can be mapped anew. */
static void test_discard(void)
{
	check(cmd_event(CMD_DISCARD, DEVICE, 1) && cmd_sync(target[0]),
	      "DISCARD and SYNC are consumed");
	cmd_event(CMD_INT, DEVICE, 1);
	spin_until(false, 20);
	check_eq(count[0][1], 1, "INT of a discarded event raises nothing");
	set_prop(LPI(5), LPI_PROP(PRIO, true));
	cmd_mapti(DEVICE, 1, LPI(5), 0);
	cmd_event(CMD_INT, DEVICE, 1);
	check(wait_lpi(0, LPI(5), 1), "event 1, mapped anew, arrives as LPI %u", LPI(5));
	check_eq(count[0][1], 1, "and no longer as LPI 8193");
}

/* A second collection on cpu 1: MAPTI to it, and MOVI of event 0 there. */
static void test_other_cpu(void)
{
	if (!check(nr_cpus() >= 2, "%u vCPUs (run with 2 or more)", nr_cpus()))
		return;
	check_eq(cpu_start(1, secondary, NULL), PSCI_SUCCESS, "CPU_ON of cpu 1");
	if (!check(spin_until(lpis_on1_done, 5000) && lpis_on1,
		   "cpu 1 enabled LPIs in its redistributor"))
		return;
	set_prop(LPI(3), LPI_PROP(PRIO, true));
	check(cmd_mapc(1, target[1]) && cmd_mapti(DEVICE, 3, LPI(3), 1) &&
	      cmd_sync(target[1]), "MAPC of collection 1 to cpu 1, MAPTI to it");
	cmd_event(CMD_INT, DEVICE, 3);
	check(wait_lpi(1, LPI(3), 1), "event 3 arrives as LPI %u on cpu 1", LPI(3));
	check_eq(count[0][3], 0, "and not on cpu 0");

	check(cmd_movi(DEVICE, 0, 1) && cmd_sync(target[0]), "MOVI of event 0 to collection 1");
	cmd_event(CMD_INT, DEVICE, 0);
	check(wait_lpi(1, LPI(0), 1), "event 0 now arrives on cpu 1");
	check_eq(count[0][0], 2, "and no longer on cpu 0");
}

void fw_main(void)
{
	if (!check(gic_init(), "a GICv3 is in the device tree and answers"))
		return;
	if (!check(gic_has_lpis(), "GICD_TYPER.LPIS and GICR_TYPER.PLPIS: the GIC has LPIs") ||
	    !check(gic_lpi_enable(prop, IDBITS, pend[0]),
		   "GICR_PROPBASER and GICR_PENDBASER take the tables; GICR_CTLR.EnableLPIs reads 1"))
		return;
	if (!setup_its())
		return;
	set_irq_handler(irq);
	local_irq_enable();
	test_first_lpi();
	test_disabled();
	test_priority();
	test_clear();
	test_discard();
	test_other_cpu();
	local_irq_disable();
	check_eq(stray, 0, "no interrupt other than the LPIs arrived");
}
