// SPDX-License-Identifier: GPL-2.0
/*
 * pci.c - the PCI host bridge as a hostile guest sees it: every function's
 * configuration space through ECAM (PCI Express Base 4.0, 7.2.2) at every
 * width it takes and some it refuses; BAR 0 sized, moved out of the
 * window, onto another function's, with memory decoding off; the
 * capability list walked; the MSI-X table (PCI 3.0, 6.8.2) past its end
 * and the PBA written; the virtio PCI_CFG window (VIRTIO 1.2, 4.1.4.9);
 * random writes everywhere.  Then, as firmware would, the BARs assigned
 * afresh in the window the device tree's "ranges" gives, and each virtio
 * function abused through its modern structures (virtio.c).
 */
#include "abuse.h"

#define PCI_COMMAND	0x04
#define PCI_HEADER_TYPE	0x0e
#define PCI_BAR0	0x10
#define PCI_ROM		0x30
#define PCI_CAP_PTR	0x34
#define CMD_MEMORY	0x0002
#define CMD_MASTER	0x0004
#define CMD_INTX_OFF	0x0400
#define HDR_MULTIFN	0x80
#define CAP_VNDR	0x09
#define CAP_MSIX	0x11
#define MSIX_ENABLE	0x8000
#define MSIX_MASKALL	0x4000

#define VIRTIO_VENDOR	0x1af4
#define VIRTIO_MODERN	0x1040	/* + the virtio device ID (4.1.2.1) */

/* struct virtio_pci_cap (4.1.4): cfg_type, bar, offset, length; then the rest */
#define VCAP_TYPE	3
#define VCAP_BAR	4
#define VCAP_OFFSET	8
#define VCAP_LENGTH	12
#define VCAP_MULT	16	/* the notify capability's multiplier */
#define VCAP_DATA	16	/* the PCI_CFG window's data */
#define VCAP_COMMON	1
#define VCAP_NOTIFY	2
#define VCAP_ISR	3
#define VCAP_DEVICE	4
#define VCAP_PCI_CFG	5

#define MAX_FUNCS	32
#define CFG_OPS		48
#define BAR_AT		0x100000	/* where this payload's BARs start in the window */
#define OUTSIDE		0x10000000	/* an address outside the window */
#define DFSELECT	0x00		/* common configuration fields used here */
#define DF		0x04
#define NUMQ		0x12

struct fn {
	u64		cfg;		/* its ECAM space */
	unsigned int	dev;
	u32		id;		/* vendor | device << 16 */
	u32		bar, bar_size;	/* BAR 0 as the vmm left it */
	u32		new_bar;	/* where this payload put it */
	u8		msix, pci_cfg;	/* capability offsets; 0: none */
	bool		has_common;	/* its common configuration's offset may be 0 */
	struct vdev	v;
};

static struct fn fns[MAX_FUNCS];
static unsigned int nr_fns;

/*
 * Every function of every device: those answering are recorded; the
 * others read all-ones and drop writes, and so do functions 1-7 of a
 * device whose header says it has one.
 */
static void walk(u64 ecam, u64 ecam_size)
{
	struct tally t = { 0 };
	unsigned int dev, f, absent = 0;
	bool multi = false;
	u64 cfg;
	u32 id;

	for (dev = 0; dev < 32; dev++) {
		for (f = 0; f < 8; f++) {
			cfg = ecam + ((u64)dev << 15 | (u64)f << 12);
			if (cfg + 0x1000 > ecam + ecam_size)
				break;
			id = io_read(cfg, 4);
			if (!f)
				multi = id != 0xffffffff &&
					(io_read(cfg + PCI_HEADER_TYPE, 1) & HDR_MULTIFN);
			if (id == 0xffffffff) {
				if (!(absent++ % 16)) {		/* some writes to nobody */
					io_write(cfg + PCI_COMMAND, 2, 0xffff);
					io_write(cfg + PCI_BAR0, 4, 0xffffffff);
					tally_eq(&t, io_read(cfg, 4), 0xffffffff,
						 "%02x.%u after writes", dev, f);
				}
				continue;
			}
			if (f) {
				tally_ok(&t, multi, "%02x.%u answers, its device single-function", dev, f);
				continue;
			}
			if (nr_fns < MAX_FUNCS)
				fns[nr_fns++] = (struct fn){ .cfg = cfg, .dev = dev, .id = id };
		}
	}
	tally_check(&t, "pci: %u functions found, %u absent", nr_fns, absent);
}

/*
 * The type 0 header: every byte and word the slice of its dword (the
 * status word aside: INTx moves it), what ECAM refuses (8 bytes,
 * unaligned: all-ones, writes dropped), the extended space (conventional
 * PCI: zeros), BAR sizing (a 32-bit memory BAR, a power of two of at
 * least 4 KiB; the others and the ROM BAR not there), the command bits a
 * driver may set.
 */
static void header(struct fn *f, struct tally *t)
{
	u32 snap[64], o, v, b, cmd;

	for (o = 0; o < 0x100; o += 4)
		snap[o / 4] = io_read(f->cfg + o, 4);
	for (o = 0; o < 0x80; o++)
		if ((o & ~1U) != 6)
			tally_eq(t, io_read(f->cfg + o, 1), (snap[o / 4] >> 8 * (o & 3)) & 0xff,
				 "byte 0x%x", o);
	for (o = 0; o < 0x80; o += 2)
		if (o != 6)
			tally_eq(t, io_read(f->cfg + o, 2), (snap[o / 4] >> 8 * (o & 3)) & 0xffff,
				 "word 0x%x", o);
	cmd = snap[PCI_COMMAND / 4] & 0xffff;
	tally_eq(t, io_read(f->cfg, 8), ~0ULL, "an 8-byte read");
	tally_eq(t, io_read(f->cfg + 1, 2), 0xffff, "a 2-byte read at 1");
	tally_eq(t, io_read(f->cfg + 2, 4), 0xffffffff, "a 4-byte read at 2");
	io_write(f->cfg, 8, 0);
	io_write(f->cfg + PCI_COMMAND, 8, 0);
	io_write(f->cfg + PCI_COMMAND + 1, 2, 0);
	io_write(f->cfg + PCI_COMMAND + 2, 4, 0);
	tally_eq(t, io_read(f->cfg + PCI_COMMAND, 2), cmd, "COMMAND after refused writes");
	for (b = 0; b < 8; b++) {
		o = 0x100 + rnd_below(0xf00 / 4) * 4;
		tally_eq(t, io_read(f->cfg + o, 4), 0, "extended space at 0x%x", o);
		io_write(f->cfg + o, 4, rnd_value());
	}

	f->bar = snap[PCI_BAR0 / 4];
	io_write(f->cfg + PCI_BAR0, 4, 0xffffffff);
	v = io_read(f->cfg + PCI_BAR0, 4);
	f->bar_size = ~(v & ~0xfU) + 1;
	tally_ok(t, !(v & 0xf) && f->bar_size >= 0x1000 && !(f->bar_size & (f->bar_size - 1)),
		 "BAR 0 sized: 0x%x", v);
	io_write(f->cfg + PCI_BAR0, 4, f->bar);
	tally_eq(t, io_read(f->cfg + PCI_BAR0, 4), f->bar, "BAR 0 put back");
	for (b = 1; b < 6; b++) {
		io_write(f->cfg + PCI_BAR0 + 4 * b, 4, 0xffffffff);
		tally_eq(t, io_read(f->cfg + PCI_BAR0 + 4 * b, 4), 0, "BAR %u after all-ones", b);
	}
	io_write(f->cfg + PCI_ROM, 4, 0xffffffff);
	tally_eq(t, io_read(f->cfg + PCI_ROM, 4), 0, "the ROM BAR after all-ones");
	io_write(f->cfg + PCI_COMMAND, 2, 0xffff);
	tally_eq(t, io_read(f->cfg + PCI_COMMAND, 2), CMD_MEMORY | CMD_MASTER | CMD_INTX_OFF,
		 "COMMAND after 0xffff");
	io_write(f->cfg + PCI_COMMAND, 2, cmd);
}

/* The capability list: it ends, inside the space; what virtio needs is there. */
static void capabilities(struct fn *f, struct tally *t)
{
	u32 p = io_read(f->cfg + PCI_CAP_PTR, 1), n, type, seen = 0;

	for (n = 0; p && n < 48; n++) {
		if (p < 0x40 || p > 0xfc || (p & 3)) {
			tally_ok(t, false, "a capability at 0x%x", p);
			return;
		}
		switch (io_read(f->cfg + p, 1)) {
		case CAP_MSIX:
			f->msix = p;
			break;
		case CAP_VNDR:
			type = io_read(f->cfg + p + VCAP_TYPE, 1);
			tally_eq(t, io_read(f->cfg + p + VCAP_BAR, 1), 0,
				 "the BAR of virtio capability %u", type);
			seen |= 1U << (type & 31);
			switch (type) {
			case VCAP_COMMON:
				f->v.common = io_read(f->cfg + p + VCAP_OFFSET, 4);
				f->has_common = true;
				break;
			case VCAP_NOTIFY:
				f->v.notify = io_read(f->cfg + p + VCAP_OFFSET, 4);
				f->v.notify_mult = io_read(f->cfg + p + VCAP_MULT, 4);
				break;
			case VCAP_ISR:
				f->v.isr = io_read(f->cfg + p + VCAP_OFFSET, 4);
				break;
			case VCAP_DEVICE:
				f->v.devcfg = io_read(f->cfg + p + VCAP_OFFSET, 4);
				f->v.devcfg_len = io_read(f->cfg + p + VCAP_LENGTH, 4);
				break;
			case VCAP_PCI_CFG:
				f->pci_cfg = p;
				break;
			}
			break;
		}
		p = io_read(f->cfg + p + 1, 1);
	}
	tally_ok(t, !p, "the capability list ends (%u entries)", n);
	tally_eq(t, seen & 0x2e, 0x2e, "common, notify, ISR and PCI_CFG capabilities");
}

/*
 * MSI-X, with the function's BAR decoding: entries past the table hold
 * nothing, the PBA takes no write, an entry's address keeps its low two
 * bits 0 and its vector control only the mask bit; enabled with the
 * function masked, then off again (as it stays: INTx for the rest).
 */
static void msix(struct fn *f, struct tally *t)
{
	u32 ctrl, table, pba, nvec, e, w;
	u64 tbase, pbase;

	if (!f->msix)
		return;
	ctrl = io_read(f->cfg + f->msix + 2, 2);
	table = io_read(f->cfg + f->msix + 4, 4);
	pba = io_read(f->cfg + f->msix + 8, 4);
	nvec = (ctrl & 0x7ff) + 1;
	tally_eq(t, table & 7, 0, "the MSI-X table's BIR");
	tally_eq(t, pba & 7, 0, "the PBA's BIR");
	tbase = f->bar + (table & ~7U);
	pbase = f->bar + (pba & ~7U);
	for (e = nvec; e < nvec + 4 && (table & ~7U) + 16 * (e + 1) <= (pba & ~7U); e++) {
		for (w = 0; w < 4; w++)
			io_write(tbase + 16 * e + 4 * w, 4, rnd_value());
		for (w = 0; w < 4; w++)
			tally_eq(t, io_read(tbase + 16 * e + 4 * w, 4), 0,
				 "MSI-X entry %u word %u, past the table", e, w);
	}
	io_write(pbase, 4, 0xffffffff);
	io_write(pbase, 8, ~0ULL);
	tally_eq(t, io_read(pbase, 4), 0, "the PBA after writes");
	io_write(tbase, 4, 0xfffffff3);
	io_write(tbase + 4, 4, 0x12345678);
	tally_eq(t, io_read(tbase, 8), 0x12345678fffffff0ULL, "entry 0's address");
	io_write(tbase + 12, 4, 0xffffffff);
	tally_eq(t, io_read(tbase + 12, 4), 1, "entry 0's vector control");
	io_write(f->cfg + f->msix + 2, 2, MSIX_ENABLE | MSIX_MASKALL);
	tally_eq(t, io_read(f->cfg + f->msix + 2, 2) & (MSIX_ENABLE | MSIX_MASKALL),
		 MSIX_ENABLE | MSIX_MASKALL, "MSI-X enabled, the function masked");
	io_write(f->cfg + f->msix + 2, 2, 0);
	io_write(tbase, 8, 0);
	io_write(tbase + 8, 4, 0);
}

/* The PCI_CFG window: an access of its length at its offset of its BAR. */
static void pci_cfg_window(struct fn *f, struct tally *t)
{
	u64 p = f->cfg + f->pci_cfg, dfselect = f->bar + f->v.common + DFSELECT;

	if (!f->pci_cfg)
		return;
	io_write(p + VCAP_BAR, 1, 0);
	io_write(p + VCAP_OFFSET, 4, f->v.common + DFSELECT);
	io_write(p + VCAP_LENGTH, 4, 4);
	io_write(p + VCAP_DATA, 4, 0x5a);
	tally_eq(t, io_read(dfselect, 4), 0x5a, "device_feature_select written through the window");
	io_write(dfselect, 4, 0xa5);
	tally_eq(t, io_read(p + VCAP_DATA, 4), 0xa5, "device_feature_select read through it");
	io_write(p + VCAP_LENGTH, 4, 3);
	io_write(p + VCAP_DATA, 4, 0x77);
	tally_eq(t, io_read(dfselect, 4), 0xa5, "a 3-byte window access, refused");
	io_write(p + VCAP_LENGTH, 4, 0);
	io_write(dfselect, 4, 0);
}

/* Random writes anywhere in the space, then the function as firmware left it. */
static void random_config(struct fn *f, struct tally *t)
{
	unsigned int i, len;
	u32 o;

	for (i = 0; i < CFG_OPS; i++) {
		len = 1U << rnd_below(3);
		o = rnd_below(0x100) & ~(len - 1);
		if (rnd_pct(10)) {		/* widths ECAM refuses, too */
			len = rnd_width();
			o = rnd_below(0x100);
		}
		io_write(f->cfg + o, len, rnd_value());
	}
	io_write(f->cfg + PCI_BAR0, 4, f->bar);
	io_write(f->cfg + PCI_COMMAND, 2, CMD_MEMORY);
	if (f->msix)
		io_write(f->cfg + f->msix + 2, 2, 0);
	if (f->pci_cfg)
		io_write(f->cfg + f->pci_cfg + VCAP_LENGTH, 4, 0);
	tally_eq(t, io_read(f->cfg, 4), f->id, "vendor and device after %u random writes", CFG_OPS);
	tally_eq(t, io_read(f->cfg + PCI_BAR0, 4), f->bar, "BAR 0 after them");
}

static u32 numq_at(u64 bar, const struct fn *f)
{
	return io_read(bar + f->v.common + NUMQ, 2);
}

static u32 features_at(u64 bar, const struct fn *f)
{
	io_write(bar + f->v.common + DFSELECT, 4, 0);
	return io_read(bar + f->v.common + DF, 4);
}

/*
 * BARs where this payload puts them, from BAR_AT in the window; then
 * moved: memory decoding off, out of the window, one function's onto the
 * other's (the first answers there, PCI's subtractive nothing aside).
 */
static void move_bars(u64 win_base, u64 win_size)
{
	struct tally t = { 0 };
	u64 next = win_base + BAR_AT;
	struct fn *f, *g;
	unsigned int i;
	u32 fa, fb;

	for (i = 0; i < nr_fns; i++) {
		f = &fns[i];
		f->v.nr_queues = numq_at(f->bar, f);
		next = ALIGN_UP(next, (u64)f->bar_size);
		if (next + f->bar_size > win_base + win_size || next + f->bar_size > 1ULL << 32) {
			tally_ok(&t, false, "room for BAR 0 of %02x.0 in the window", f->dev);
			f->new_bar = f->bar;
			continue;
		}
		f->new_bar = next;
		next += f->bar_size;
		io_write(f->cfg + PCI_BAR0, 4, f->new_bar);
		tally_eq(&t, io_read(f->cfg + PCI_BAR0, 4), f->new_bar, "BAR 0 of %02x.0", f->dev);
		tally_eq(&t, numq_at(f->new_bar, f), f->v.nr_queues, "num_queues at %02x.0's new BAR",
			 f->dev);
		tally_eq(&t, numq_at(f->bar, f), 0xffff, "its old address, nobody's");
	}
	if (!nr_fns) {
		tally_check(&t, "pci: BARs");
		return;
	}
	f = &fns[0];
	io_write(f->cfg + PCI_COMMAND, 2, 0);
	tally_eq(&t, numq_at(f->new_bar, f), 0xffff, "num_queues with memory decoding off");
	io_write(f->cfg + PCI_COMMAND, 2, CMD_MEMORY);
	tally_eq(&t, numq_at(f->new_bar, f), f->v.nr_queues, "num_queues with decoding on again");
	io_write(f->cfg + PCI_BAR0, 4, OUTSIDE);
	tally_eq(&t, numq_at(f->new_bar, f), 0xffff, "its old address, BAR 0 outside the window");
	tally_eq(&t, numq_at(OUTSIDE, f), 0, "nor at 0x%x, outside the window", OUTSIDE);
	io_write(f->cfg + PCI_BAR0, 4, f->new_bar);
	tally_eq(&t, numq_at(f->new_bar, f), f->v.nr_queues, "num_queues, BAR 0 back");
	if (nr_fns >= 2) {
		g = &fns[1];
		fa = features_at(f->new_bar, f);
		fb = features_at(g->new_bar, g);
		io_write(g->cfg + PCI_BAR0, 4, f->new_bar);
		tally_eq(&t, numq_at(g->new_bar, g), 0xffff, "%02x.0's old address", g->dev);
		tally_eq(&t, features_at(f->new_bar, f), fa, "two BARs at one address: the first answers");
		io_write(g->cfg + PCI_BAR0, 4, g->new_bar);
		tally_eq(&t, features_at(g->new_bar, g), fb, "%02x.0 back at its own address", g->dev);
	}
	tally_check(&t, "pci: BARs assigned in the window, then moved about");
}

void abuse_pci(void)
{
	struct tally t = { 0 };
	u64 ecam, ecam_size, win_base, win_size;
	u32 cells[7], device;
	unsigned int i;
	struct fn *f;

	if (!dt_reg("pci-host-ecam-generic", 0, &ecam, &ecam_size)) {
		printf("# abuse: no PCI host bridge in the device tree\n");
		return;
	}
	/* ranges: one 32-bit memory window, phys.hi, the PCI address, the CPU's, the size */
	for (i = 0; i < 7; i++)
		if (!check(dt_u32("pci-host-ecam-generic", "ranges", i, &cells[i]),
			   "pci: cell %u of the host bridge's ranges", i))
			return;
	win_base = (u64)cells[3] << 32 | cells[4];
	win_size = (u64)cells[5] << 32 | cells[6];
	printf("# abuse: PCI: ECAM at 0x%llx, window 0x%llx+0x%llx\n", (unsigned long long)ecam,
	       (unsigned long long)win_base, (unsigned long long)win_size);
	rnd_phase(0x9c1);
	walk(ecam, ecam_size);

	for (i = 0; i < nr_fns; i++) {
		f = &fns[i];
		header(f, &t);
		capabilities(f, &t);
		msix(f, &t);
		pci_cfg_window(f, &t);
		random_config(f, &t);
		tally_check(&t, "pci %02x.0 (%04x:%04x): configuration space, BAR 0, capabilities, MSI-X",
			    f->dev, f->id & 0xffff, f->id >> 16);
	}
	move_bars(win_base, win_size);
	io_alias_off();

	for (i = 0; i < nr_fns; i++) {
		f = &fns[i];
		device = f->id >> 16;
		if ((f->id & 0xffff) != VIRTIO_VENDOR || device < VIRTIO_MODERN ||
		    device > VIRTIO_MODERN + 0x3f || !f->has_common) {
			printf("# abuse: pci %02x.0: %04x:%04x is not a modern virtio device\n",
			       f->dev, f->id & 0xffff, device);
			continue;
		}
		f->v.pci = true;
		f->v.base = f->new_bar;
		f->v.size = f->bar_size;
		f->v.id = device - VIRTIO_MODERN;
		snprintf(f->v.name, sizeof(f->v.name), "virtio-pci 00:%02x.0 %s", f->dev,
			 virtio_id_name(f->v.id));
		printf("# abuse: %s (device ID %u)\n", f->v.name, f->v.id);
		abuse_virtio(&f->v);
		check_eq(io_read(f->cfg, 4), f->id, "pci: its vendor and device at the end");
	}
	io_alias_off();
	printf("# abuse: %u PCI functions\n", nr_fns);
}
