// SPDX-License-Identifier: GPL-2.0
/*
 * abuse.c - a guest that abuses everything it finds (issue 17): the
 * hypervisor (hyp.c), the 8250, the test device, the PL061, the GICv3's
 * distributor and redistributor, every virtio-mmio device (virtio.c) and
 * every function behind the PCI host bridge (pci.c), for a bounded number
 * of operations drawn from a seeded PRNG.  What it checks is what must
 * hold whatever the guest did: each device still answers as its
 * specification says, a broken virtqueue makes the device ask for a
 * reset, the guest's own state is untouched, and the vmm neither crashed
 * nor hung (the summary line and the exit status say so).
 *
 * Run with -c 1, RAM below 1 GiB (the fourth gigabyte of the identity map
 * becomes the Normal alias io_read() uses), and devices to abuse:
 * --testdev --rng -d <file> --9p <dir>,<tag> -n mode=tap on either
 * --virtio-transport.  `-p abuse.seed=N` repeats a run.
 */
#include "abuse.h"

const char fw_name[] = "abuse";

u64 ram_base, ram_end;

/* ---- the PRNG: xorshift64*, seeded per phase by splitmix64 --------------- */

static u64 seed, state;

static u64 splitmix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void rnd_phase(u64 phase)
{
	state = splitmix(seed ^ splitmix(phase));
	if (!state)
		state = 1;
}

u64 rnd(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1dULL;
}

u64 rnd_below(u64 n)
{
	return rnd() % n;
}

bool rnd_pct(unsigned int percent)
{
	return rnd_below(100) < percent;
}

u64 rnd_value(void)
{
	switch (rnd_below(8)) {
	case 0:
		return 0;
	case 1:
		return ~0ULL;
	case 2:
		return 1ULL << rnd_below(64);
	case 3:
		return (1ULL << rnd_below(64)) - 1;
	case 4:
		return rnd_below(256);
	case 5:
		return rnd() & 0xffffffff;
	case 6:
		return ~(1ULL << rnd_below(64));
	default:
		return rnd();
	}
}

unsigned int rnd_width(void)
{
	return 1U << rnd_below(4);
}

/* ---- single accesses, through the alias when unaligned ------------------- */

#define GIB		0x40000000ULL
#define ALIAS_VA	(3 * GIB)
/* level-1 block: Normal write-back (AttrIndx 1), inner shareable, AF, EL1 RW, PXN, UXN */
#define BLOCK_NORMAL_XN	(0x705ULL | 1ULL << 53 | 1ULL << 54)

static u64 *l1, l1_saved, alias_gib = ~0ULL;

static void flush_tlb(void)
{
	asm volatile("dsb ishst; tlbi vmalle1; dsb ish; isb" ::: "memory");
}

/* @pa's gigabyte as Normal memory at VA 3 GiB: @pa's address there. */
static u64 alias_va(u64 pa)
{
	u64 gib = pa & ~(GIB - 1);

	if (gib != alias_gib) {
		l1[3] = gib | BLOCK_NORMAL_XN;
		flush_tlb();
		alias_gib = gib;
	}
	return ALIAS_VA + (pa - gib);
}

void io_alias_off(void)
{
	if (alias_gib == ~0ULL)
		return;
	l1[3] = l1_saved;
	flush_tlb();
	alias_gib = ~0ULL;
}

static bool io_va(u64 pa, unsigned int len, u64 *va)
{
	if ((len != 1 && len != 2 && len != 4 && len != 8) || pa >= ALIAS_VA ||
	    (pa & 0xfff) + len > 0x1000)
		return false;
	*va = pa & (len - 1) ? alias_va(pa) : pa;
	return true;
}

/* One LDR or STR each, no writeback: the syndrome a hypervisor emulates from. */
u64 io_read(u64 pa, unsigned int len)
{
	u64 va, v = 0;

	if (!io_va(pa, len, &va))
		return IO_SKIPPED;
	switch (len) {
	case 1:
		asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(va) : "memory");
		break;
	case 2:
		asm volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(va) : "memory");
		break;
	case 4:
		asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(va) : "memory");
		break;
	default:
		asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(va) : "memory");
	}
	return v;
}

void io_write(u64 pa, unsigned int len, u64 v)
{
	u64 va;

	if (!io_va(pa, len, &va))
		return;
	switch (len) {
	case 1:
		asm volatile("strb %w0, [%1]" : : "r"(v), "r"(va) : "memory");
		break;
	case 2:
		asm volatile("strh %w0, [%1]" : : "r"(v), "r"(va) : "memory");
		break;
	case 4:
		asm volatile("str %w0, [%1]" : : "r"(v), "r"(va) : "memory");
		break;
	default:
		asm volatile("str %0, [%1]" : : "r"(v), "r"(va) : "memory");
	}
}

void delay_ms(unsigned int ms)
{
	(void)spin_until(false, ms);
}

const char *virtio_id_name(u32 id)
{
	switch (id) {
	case 1:
		return "net";
	case 2:
		return "blk";
	case 3:
		return "console";
	case 4:
		return "rng";
	case 9:
		return "9p";
	}
	return "unknown";
}

/* ---- checks counted in bulk ---------------------------------------------- */

void tally_ok(struct tally *t, bool ok, const char *fmt, ...)
{
	va_list ap;

	t->n++;
	if (ok || t->bad++)
		return;
	va_start(ap, fmt);
	vsnprintf(t->first, sizeof(t->first), fmt, ap);
	va_end(ap);
}

bool tally_check(struct tally *t, const char *fmt, ...)
{
	char what[120];
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!t->bad)
		ok = check(t->n > 0, "%s: %u right", what, t->n);
	else
		ok = check(false, "%s: %u of %u wrong, first %s", what, t->bad, t->n, t->first);
	*t = (struct tally){ 0 };
	return ok;
}

/* ---- the 8250 ------------------------------------------------------------- */

#define UART_RX		0
#define UART_IER	1
#define UART_IIR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7
#define MCR_LOOP	0x10
#define MCR_OUT2	0x08
#define UART_OPS	300
#define UART_LOOP_BYTES	70	/* more than its 64-byte FIFO holds */

/*
 * The console itself: while it is abused nothing may be printed, and
 * nothing the guest writes may reach the vmm's stdout (random bytes in
 * the test's log), so it runs in loopback, where transmitted bytes come
 * back into the receive FIFO, with MCR's LOOP forced on every write.
 * Then, still silent, what a 16550A must do (the data sheet): the FIFO in
 * loopback and its overflow, IIR for each interrupt and its
 * acknowledgement, the divisor latch, the scratch register, MSR in and
 * out of loopback, accesses past its 8 bytes; then back to how the vmm
 * made it, and the results printed.
 */
static void abuse_uart(void)
{
	struct tally t = { 0 };
	u64 base, size, off, v;
	unsigned int i, len;

	if (!dt_reg("ns16550a", 0, &base, &size)) {
		printf("# abuse: no 8250 in the device tree\n");
		return;
	}
	rnd_phase(0x8250);
	io_write(base + UART_MCR, 1, MCR_LOOP | MCR_OUT2);
	for (i = 0; i < UART_OPS; i++) {
		len = rnd_width();
		off = rnd_below(16);
		if (rnd_pct(50)) {
			io_read(base + off, len);
			continue;
		}
		v = rnd_value();
		if (off == UART_MCR)	/* the register takes the first byte */
			v |= MCR_LOOP;
		io_write(base + off, len, v);
	}

	/* FIFO on and emptied, no interrupts, DLAB off, still in loopback */
	io_write(base + UART_LCR, 1, 0x03);
	io_write(base + UART_IER, 1, 0);
	io_write(base + 2, 1, 0x07);		/* FCR: enable, clear both FIFOs */
	io_write(base + UART_MCR, 1, MCR_LOOP | MCR_OUT2);
	io_read(base + UART_IIR, 1);		/* acknowledges a THR-empty interrupt */
	tally_eq(&t, io_read(base + UART_IIR, 1), 0xc1, "IIR, FIFO on and nothing pending");
	tally_eq(&t, io_read(base + UART_LSR, 1), 0x60, "LSR, empty");

	for (i = 0; i < UART_LOOP_BYTES; i++)
		io_write(base + UART_RX, 1, 'A' + i % 26);
	tally_eq(&t, io_read(base + UART_LSR, 1), 0x61, "LSR with looped-back bytes");
	for (i = 0; i < 64; i++)
		tally_eq(&t, io_read(base + UART_RX, 1), 'A' + i % 26, "looped-back byte %u", i);
	tally_eq(&t, io_read(base + UART_LSR, 1), 0x60, "LSR after the FIFO's 64 bytes");

	io_write(base + UART_IER, 1, 0x01);	/* received data */
	io_write(base + UART_RX, 1, 'x');
	tally_eq(&t, io_read(base + UART_IIR, 1), 0xc4, "IIR, received data");
	io_read(base + UART_RX, 1);
	tally_eq(&t, io_read(base + UART_IIR, 1), 0xc1, "IIR once it is read");
	io_write(base + UART_IER, 1, 0x02);	/* THR empty: raised when enabled */
	tally_eq(&t, io_read(base + UART_IIR, 1), 0xc2, "IIR, THR empty");
	tally_eq(&t, io_read(base + UART_IIR, 1), 0xc1, "IIR, THR empty acknowledged");
	io_write(base + UART_IER, 1, 0);

	io_write(base + UART_LCR, 1, 0x83);	/* DLAB */
	io_write(base + 0, 1, 0x12);
	io_write(base + 1, 1, 0x34);
	tally_eq(&t, io_read(base + 0, 1), 0x12, "DLL");
	tally_eq(&t, io_read(base + 1, 1), 0x34, "DLM");
	io_write(base + UART_LCR, 1, 0x03);
	tally_eq(&t, io_read(base + UART_IER, 1), 0, "IER, DLAB off again");
	io_write(base + UART_SCR, 1, 0x5a);
	tally_eq(&t, io_read(base + UART_SCR, 1), 0x5a, "SCR");

	io_write(base + UART_MCR, 1, 0x1f);	/* loopback: RTS DTR OUT1 OUT2 feed CTS DSR RI DCD */
	tally_eq(&t, io_read(base + UART_MSR, 1), 0xf0, "MSR in loopback");
	io_write(base + UART_MCR, 1, MCR_LOOP);
	tally_eq(&t, io_read(base + UART_MSR, 1), 0, "MSR in loopback, nothing set");

	/* wider reads: the register's byte, then zeros; past its 8 bytes: nothing */
	tally_eq(&t, io_read(base + UART_MCR, 4), MCR_LOOP, "a 4-byte read of MCR");
	tally_eq(&t, io_read(base + UART_LSR, 2), 0x60, "a 2-byte read of LSR");
	tally_eq(&t, io_read(base + 6, 4), 0, "a read across the UART's end");
	tally_eq(&t, io_read(base + 7, 2), 0, "a 2-byte read across its end");
	for (i = 1; i < 4; i++)
		tally_eq(&t, io_read(base + i * 0x1000, 1), 0, "the empty UART slot %u", i);

	/* as the vmm made it (uart8250__new()), the FIFO empty */
	io_write(base + 2, 1, 0x02);
	io_write(base + UART_LCR, 1, 0);
	io_write(base + UART_MCR, 1, MCR_OUT2);
	io_read(base + UART_IIR, 1);
	io_alias_off();
	tally_check(&t, "8250: %u random accesses in loopback, then its registers", UART_OPS);
	check_eq(io_read(base + UART_MSR, 1), 0xb0, "8250: MSR out of loopback (DCD DSR CTS)");
}

/* ---- the test device ------------------------------------------------------ */

#define TD_ID		0x00
#define TD_SCRATCH	0x08
#define TD_IRQ		0x10
#define TD_COUNT	0x18
#define TD_MAGIC	0x544d4d56
#define TD_OPS		200

static u64 mask_of(unsigned int len)
{
	return len == 8 ? ~0ULL : (1ULL << 8 * len) - 1;
}

/*
 * Its scratch register at every offset and width, aligned or not (a
 * store merges into its bytes, a load takes them); accesses that straddle
 * it, the ID at each width, the access counter; random accesses
 * anywhere in its page; its interrupt line up and down.
 */
static void abuse_testdev(void)
{
	struct tally t = { 0 };
	u64 base, size, pat, v, want, c;
	unsigned int off, len, i;

	if (!dt_reg("vmm,testdev", 0, &base, &size)) {
		printf("# abuse: no test device (--testdev)\n");
		return;
	}
	rnd_phase(0x7e57);
	for (off = 0; off < 8; off++) {
		for (len = 1; len <= 8 && off + len <= 8; len *= 2) {
			pat = rnd();
			v = rnd();
			io_write(base + TD_SCRATCH, 8, pat);
			io_write(base + TD_SCRATCH + off, len, v);
			want = (pat & ~(mask_of(len) << 8 * off)) | (v & mask_of(len)) << 8 * off;
			tally_eq(&t, io_read(base + TD_SCRATCH, 8), want,
				 "scratch after a %u-byte store at +%u", len, off);
			tally_eq(&t, io_read(base + TD_SCRATCH + off, len), v & mask_of(len),
				 "a %u-byte load at +%u", len, off);
		}
	}
	tally_eq(&t, io_read(base + 0xc, 8), 0, "an 8-byte load across the scratch's end");
	tally_eq(&t, io_read(base + 0xe, 4), 0, "a 4-byte load across it");
	tally_eq(&t, io_read(base + TD_ID, 4), TD_MAGIC, "ID");
	tally_eq(&t, io_read(base + TD_ID, 2), TD_MAGIC & 0xffff, "ID, 2 bytes");
	tally_eq(&t, io_read(base + TD_ID, 1), TD_MAGIC & 0xff, "ID, 1 byte");
	tally_eq(&t, io_read(base + TD_ID, 8), 0, "ID, 8 bytes (not an ID access)");
	c = io_read(base + TD_COUNT, 8);
	tally_eq(&t, io_read(base + TD_COUNT, 8), c + 1, "COUNT, one access later");
	tally_eq(&t, io_read(base + TD_COUNT, 4), 0, "COUNT, 4 bytes");
	tally_eq(&t, io_read(base + TD_COUNT, 8), c + 3, "COUNT, that one counted");
	for (i = 0; i < 8; i++) {
		off = 0x20 + rnd_below(0xfe0 / 4) * 4;
		tally_eq(&t, io_read(base + off, 4), 0, "+0x%x, no register", off);
	}
	tally_check(&t, "testdev: the scratch register at every offset and width, ID, COUNT");

	for (i = 0; i < TD_OPS; i++) {
		len = rnd_width();
		off = rnd_pct(70) ? rnd_below(0x20) : rnd_below(0x1000);
		if (rnd_pct(50))
			io_read(base + off, len);
		else
			io_write(base + off, len, rnd_value());
	}
	io_write(base + TD_IRQ, 1, 1);
	io_write(base + TD_IRQ, 4, 0);
	io_write(base + TD_SCRATCH, 8, 0x0123456789abcdefULL);
	tally_eq(&t, io_read(base + TD_SCRATCH, 8), 0x0123456789abcdefULL, "scratch");
	tally_eq(&t, io_read(base + TD_ID, 4), TD_MAGIC, "ID");
	io_alias_off();
	tally_check(&t, "testdev: %u random accesses, then scratch and ID", TD_OPS);
}

/* ---- the PL061 (the power button) ---------------------------------------- */

#define PL061_DIR	0x400
#define PL061_IS	0x404
#define PL061_IBE	0x408
#define PL061_IEV	0x40c
#define PL061_IE	0x410
#define PL061_MIS	0x418
#define PL061_IC	0x41c
#define PL061_AFSEL	0x420
#define PL061_ID	0xfe0
#define PL061_OPS	150

/* Its PrimeCell IDs (PL061 TRM, 3.3.11), random accesses, a quiet reset. */
static void abuse_pl061(void)
{
	static const u8 id[8] = { 0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	struct tally t = { 0 };
	u64 base, size, off;
	unsigned int i, len;

	if (!dt_reg("arm,pl061", 0, &base, &size)) {
		printf("# abuse: no PL061 in the device tree\n");
		return;
	}
	rnd_phase(0x061);
	for (i = 0; i < PL061_OPS; i++) {
		len = rnd_width();
		switch (rnd_below(4)) {
		case 0:
		case 1:
			off = PL061_DIR + rnd_below(0x28);
			break;
		case 2:
			off = rnd_below(0x400);
			break;
		default:
			off = rnd_below(0x1000);
		}
		if (rnd_pct(50))
			io_read(base + off, len);
		else
			io_write(base + off, len, rnd_value());
	}
	io_write(base + PL061_IE, 4, 0);
	io_write(base + PL061_IS, 4, 0);
	io_write(base + PL061_IBE, 4, 0);
	io_write(base + PL061_IEV, 4, 0);
	io_write(base + PL061_AFSEL, 4, 0);
	io_write(base + PL061_DIR, 4, 0);
	io_write(base + PL061_IC, 4, 0xff);
	io_write(base + 0x3fc, 4, 0);
	for (i = 0; i < 8; i++)
		tally_eq(&t, io_read(base + PL061_ID + 4 * i, 4), id[i], "ID register %u", i);
	tally_eq(&t, io_read(base + PL061_DIR, 4), 0, "GPIODIR");
	tally_eq(&t, io_read(base + PL061_MIS, 4), 0, "GPIOMIS, its interrupts off");
	io_alias_off();
	tally_check(&t, "pl061: %u random accesses, then its IDs and a quiet state", PL061_OPS);
}

/* ---- the GICv3's distributor and this CPU's redistributor ---------------- */

#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_PIDR2	0xffe8
#define GICR_TYPER	0x0008
#define GICR_SGI	0x10000
#define GIC_OPS		400

/*
 * Random accesses to the distributor (its SPI registers and IROUTER the
 * most), the redistributor's SGI frame and reads of its RD frame (writes
 * there only to what cannot turn on LPIs: GICR_CTLR, PROPBASER and
 * PENDBASER are left alone).  Interrupts stay masked at the CPU, so
 * whatever becomes pending is never taken.  The vGIC's identification
 * registers must read the same after, and GICD_CTLR is put back.
 */
static void abuse_gic(void)
{
	struct tally t = { 0 };
	u64 dist, dsize, rd, rsize, off, frame;
	u32 ctlr, typer, pidr2, rtyper;
	unsigned int i, len;
	bool write;

	if (!dt_reg("arm,gic-v3", 0, &dist, &dsize) || !dt_reg("arm,gic-v3", 1, &rd, &rsize)) {
		printf("# abuse: no GICv3 in the device tree\n");
		return;
	}
	rnd_phase(0x61c);
	ctlr = io_read(dist + GICD_CTLR, 4);
	typer = io_read(dist + GICD_TYPER, 4);
	pidr2 = io_read(dist + GICD_PIDR2, 4);
	rtyper = io_read(rd + GICR_TYPER + 4, 4);
	for (i = 0; i < GIC_OPS; i++) {
		len = rnd_pct(70) ? 4 : rnd_width();
		write = rnd_pct(50);
		switch (rnd_below(10)) {
		case 0: case 1: case 2:
			frame = dist;
			off = rnd_below(0x1000);
			break;
		case 3:
			frame = dist;
			off = 0x6100 + rnd_below(0x1f00);
			break;
		case 4:
			frame = dist;
			off = rnd_below(0x10000);
			break;
		case 5: case 6:
			frame = rd;
			off = rnd_below(0x10000);
			if (off < 0x4 || (off >= 0x70 && off < 0x80))
				write = false;
			break;
		default:
			frame = rd;
			off = GICR_SGI + (rnd_pct(80) ? rnd_below(0x1000) : rnd_below(0x10000));
		}
		if (rnd_pct(95))
			off &= ~(u64)(len - 1);
		if (write)
			io_write(frame + off, len, rnd_value());
		else
			io_read(frame + off, len);
	}
	io_write(dist + GICD_CTLR, 4, ctlr);
	io_alias_off();
	tally_eq(&t, (pidr2 >> 4) & 0xf, 3, "GICD_PIDR2.ArchRev");
	tally_eq(&t, io_read(dist + GICD_PIDR2, 4), pidr2, "GICD_PIDR2 after");
	tally_eq(&t, io_read(dist + GICD_TYPER, 4), typer, "GICD_TYPER after");
	tally_eq(&t, io_read(rd + GICR_TYPER + 4, 4), rtyper, "GICR_TYPER's affinity after");
	tally_eq(&t, rtyper, (read_sysreg(mpidr_el1) & 0xffffff) | ((read_sysreg(mpidr_el1) >> 32) & 0xff) << 24,
		 "GICR_TYPER's affinity is this CPU's");
	tally_check(&t, "gic: %u random distributor and redistributor accesses", GIC_OPS);
}

/* ---- virtio-mmio ------------------------------------------------------------ */

#define VIRTIO_MAGIC	0x74726976	/* "virt" */

static void abuse_virtio_mmio(void)
{
	unsigned int i, n = 0;
	u64 base, size;
	u32 magic, version, id;

	for (i = 0; dt_reg("virtio,mmio", i, &base, &size); i++) {
		struct vdev d = { .base = base, .size = size };

		magic = io_read(base, 4);
		version = io_read(base + 4, 4);
		id = io_read(base + 8, 4);
		if (!check(magic == VIRTIO_MAGIC && version == 2,
			   "virtio-mmio at 0x%llx: magic 0x%x, version %u",
			   (unsigned long long)base, magic, version))
			continue;
		if (!id) {
			printf("# abuse: virtio-mmio at 0x%llx: no device\n", (unsigned long long)base);
			continue;
		}
		snprintf(d.name, sizeof(d.name), "virtio-mmio@%llx %s", (unsigned long long)base,
			 virtio_id_name(id));
		d.id = id;
		printf("# abuse: %s (device ID %u)\n", d.name, id);
		abuse_virtio(&d);
		n++;
	}
	printf("# abuse: %u virtio-mmio devices\n", n);
}

/* ---- the run -------------------------------------------------------------- */

/* The value of "@key=N" on the kernel command line (decimal or 0x hex). */
static bool bootarg_u64(const char *key, u64 *val)
{
	const char *p = dt_string("/chosen", "bootargs");
	size_t n = strlen(key), i;
	u64 v = 0;
	bool hex;

	while (p && *p) {
		while (*p == ' ')
			p++;
		for (i = 0; i < n && p[i] == key[i]; i++)
			;
		if (i == n && p[n] == '=') {
			p += n + 1;
			hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
			if (hex)
				p += 2;
			for (i = 0; p[i] && p[i] != ' '; i++) {
				char c = p[i];
				unsigned int d = c >= '0' && c <= '9' ? (unsigned int)(c - '0') :
						 hex && c >= 'a' && c <= 'f' ? (unsigned int)(c - 'a' + 10) :
						 hex && c >= 'A' && c <= 'F' ? (unsigned int)(c - 'A' + 10) : 99;

				if (d == 99)
					return false;
				v = v * (hex ? 16 : 10) + d;
			}
			*val = v;
			return i > 0;
		}
		while (*p && *p != ' ')
			p++;
	}
	return false;
}

void fw_main(void)
{
	u64 size;

	if (!check(dt_reg("/memory", 0, &ram_base, &size), "RAM is in the device tree"))
		return;
	ram_end = ram_base + size;
	/* the alias takes the fourth gigabyte of the identity map */
	if (!check(ram_end <= ALIAS_VA && nr_cpus() == 1,
		   "one CPU (%u) and RAM (%llu MiB) below 3 GiB: run with -c 1 and -m below 1G",
		   nr_cpus(), (unsigned long long)(size >> 20)))
		return;
	l1 = (u64 *)(read_sysreg(ttbr0_el1) & ~0xfffULL);
	l1_saved = l1[3];
	if (!bootarg_u64("abuse.seed", &seed))
		seed = splitmix(counter());	/* how long the boot took: varies */
	printf("# abuse: seed %llu (-p abuse.seed=%llu runs this again)\n",
	       (unsigned long long)seed, (unsigned long long)seed);

	abuse_hypervisor();
	abuse_uart();
	abuse_testdev();
	abuse_pl061();
	abuse_gic();
	abuse_virtio_mmio();
	abuse_pci();
	io_alias_off();
}
