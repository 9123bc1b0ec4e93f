/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gen_virtio.h - what the virtio device harnesses' seed generators
 * (gen_virtio_*_corpus.c) share: the input format of virtio_fuzz.h written
 * operation by operation, and the seeds every device gets (a driver's
 * bring-up by hand on each transport, and the hostile shapes of rings,
 * chains and registers).  A generator includes it once, defines
 * device_seeds() and calls gen_main().
 */
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include <vmm/compiler.h>
#include <vmm/layout.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* virtio_fuzz.h's opcodes, transports and places */
enum {
	OP_WR, OP_RD, OP_CFG_WR, OP_CFG_RD, OP_NOTIFY, OP_DESC, OP_AVAIL,
	OP_AVAIL_IDX, OP_RING, OP_MEM, OP_CHAIN, OP_BRINGUP, OP_RESET, OP_STATUS,
	OP_QSETUP, OP_BACKEND, OP_IRQ_ACK,
};
enum { T_MMIO, T_PCI_INTX, T_PCI_MSIX };
#define H_BRINGUP	4		/* the header's transport byte: bring-up first */
#define H_IOEVENTFD	0x10		/* its qsize byte: the hypervisor's eventfds */
#define H_IRQFD		0x20
#define H_ROOM(n)	((n) << 6)	/* room for 64, 0, 1, 3 ioeventfds */

/* the fake VM's RAM and the driver's rings (virtio_fuzz.h) */
#define RAM		0x40000U	/* its size */
#define DESC_OFF(q)	(0x1000 + (q) * 0x3000U)
#define AVAIL_OFF(q)	(DESC_OFF(q) + 0x1000)
#define USED_OFF(q)	(DESC_OFF(q) + 0x2000)
#define TABLE_OFF(k)	(0x7000 + (k) * 0x1000U)
#define DATA_OFF	0x10000U

/* decode_addr()'s specials: the code for special @k, @plus bytes on */
#define A_SPECIAL(k, plus)	(0xf0000000U | ((plus) & 0xffff) << 8 | (k))
enum {
	A_ZERO, A_BELOW_PAGE, A_BELOW_16, A_END_16, A_END_1, A_END, A_TOP_16,
	A_TOP, A_BIT63, A_ABOVE_4G, A_MMIO, A_PCI, A_DESC0, A_AVAIL0, A_USED0,
	A_DESC1, A_AVAIL1, A_USED1, A_TABLE0, A_TABLE1, A_TABLE2, A_TABLE3, A_DATA,
};

/* a chain's buffer flags in CHAIN */
#define SW		1	/* device-writable */
#define SEND		2	/* the chain ends after it */
#define SADDR		4	/* an address of its own follows */
/* CHAIN's queue byte */
#define C_INDIRECT	0x40
#define C_NOPOST	0x20
#define C_KICK		0x80

/*
 * PCI: where build_config() puts the capabilities (common, notify, ISR,
 * the device config's if it has one, PCI_CFG, MSI-X) and their areas in
 * BAR 0
 */
#define CAP_PCI_CFG(cfg)	((cfg) ? 0x84 : 0x74)
#define CAP_MSIX(cfg)		(CAP_PCI_CFG(cfg) + 20)
#define BAR_COMMON	0x000
#define BAR_ISR		0x040
#define BAR_DEVICE	0x100
#define BAR_NOTIFY	0x200
#define BAR_MSIX	0x400

struct seed {
	u8	b[1 << 16];
	size_t	len;
};

static const char *out_dir;
static unsigned int nr_written;

static __unused void put(struct seed *s, u64 v, unsigned int n)
{
	unsigned int i;

	if (s->len + n > sizeof(s->b)) {
		fprintf(stderr, "gen: a seed is too long\n");
		exit(1);
	}
	for (i = 0; i < n; i++)
		s->b[s->len++] = v >> 8 * i;
}

static __unused void put_bytes(struct seed *s, const void *p, size_t n)
{
	if (s->len + n > sizeof(s->b)) {
		fprintf(stderr, "gen: a seed is too long\n");
		exit(1);
	}
	memcpy(s->b + s->len, p, n);
	s->len += n;
}

/* A seed for @transport (and variant bits) with @features and @qsize (header bytes). */
static __unused void begin(struct seed *s, u8 transport, u8 features, u8 qsize)
{
	s->len = 0;
	put(s, transport, 1);
	put(s, features, 1);
	put(s, qsize, 1);
}

static __unused void save(struct seed *s, const char *fmt, ...)
{
	char name[200], path[512];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(s->b, 1, s->len, f) != s->len || fclose(f)) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	nr_written++;
}

/* ---- operations ------------------------------------------------------------- */

static __unused void wr(struct seed *s, u16 off, unsigned int len, u64 v)
{
	put(s, OP_WR, 1);
	put(s, off, 2);
	put(s, len == 1 ? 0 : len == 2 ? 1 : len == 4 ? 2 : 3, 1);
	put(s, v, 8);
}

static __unused void rd(struct seed *s, u16 off, unsigned int len)
{
	put(s, OP_RD, 1);
	put(s, off, 2);
	put(s, len == 1 ? 0 : len == 2 ? 1 : len == 4 ? 2 : 3, 1);
}

static __unused void cfg_wr(struct seed *s, u16 off, unsigned int len, u32 v)
{
	put(s, OP_CFG_WR, 1);
	put(s, off, 2);
	put(s, len == 1 ? 0 : len == 2 ? 1 : 2, 1);
	put(s, v, 4);
}

static __unused void cfg_rd(struct seed *s, u16 off, unsigned int len)
{
	put(s, OP_CFG_RD, 1);
	put(s, off, 2);
	put(s, len == 1 ? 0 : len == 2 ? 1 : len == 4 ? 2 : 3, 1);
}

static __unused void notify(struct seed *s, u8 q)
{
	put(s, OP_NOTIFY, 1);
	put(s, q, 1);
}

/* Descriptor @i of queue @q's table (@indirect: of indirect table @q). */
static __unused void desc(struct seed *s, bool indirect, u8 q, u16 i, u32 addr, u32 len, u16 flags,
		 u16 next)
{
	put(s, OP_DESC, 1);
	put(s, q << 1 | indirect, 1);
	put(s, i, 2);
	put(s, addr, 4);
	put(s, len, 4);
	put(s, flags, 2);
	put(s, next, 2);
}

static __unused void avail(struct seed *s, u8 q, u16 head)
{
	put(s, OP_AVAIL, 1);
	put(s, q, 1);
	put(s, head, 2);
}

static __unused void avail_idx(struct seed *s, u8 q, u16 idx)
{
	put(s, OP_AVAIL_IDX, 1);
	put(s, q, 1);
	put(s, idx, 2);
}

enum { R_AVAIL_FLAGS, R_USED_EVENT, R_USED_FLAGS, R_AVAIL_EVENT, R_USED_IDX };

static __unused void ring(struct seed *s, u8 q, u8 field, u16 v)
{
	put(s, OP_RING, 1);
	put(s, q, 1);
	put(s, field, 1);
	put(s, v, 2);
}

static __unused void mem(struct seed *s, u32 off, const void *p, u8 n)
{
	put(s, OP_MEM, 1);
	put(s, off, 3);
	put(s, n, 1);
	put_bytes(s, p, n);
}

/* One buffer of a CHAIN: @len bytes, flags SW/SEND/SADDR, @addr with SADDR. */
struct gseg {
	u16	len;
	u8	flags;
	u32	addr;
};

/* CHAIN on queue byte @qb of @n buffers, @payload for the readable ones. */
static __unused void chain(struct seed *s, u8 qb, const struct gseg *g, unsigned int n,
		  const void *payload, u16 plen)
{
	unsigned int i;

	put(s, OP_CHAIN, 1);
	put(s, qb, 1);
	put(s, n > 31 ? 0x80 | (n - 126) : n, 1);
	for (i = 0; i < n; i++) {
		put(s, g[i].len, 2);
		put(s, g[i].flags, 1);
		if (g[i].flags & SADDR)
			put(s, g[i].addr, 4);
	}
	put(s, plen, 2);
	put_bytes(s, payload, plen);
}

/* A chain of a readable @out (its bytes) then a writable buffer of @in_len, kicked. */
static __unused void request(struct seed *s, u8 q, const void *out, u16 out_len, u16 in_len)
{
	struct gseg g[2] = { { out_len, 0, 0 }, { in_len, SW, 0 } };

	if (!out_len)
		chain(s, q | C_KICK, g + 1, 1, NULL, 0);
	else if (!in_len)
		chain(s, q | C_KICK, g, 1, out, out_len);
	else
		chain(s, q | C_KICK, g, 2, out, out_len);
}

static __unused void bringup(struct seed *s, u8 features, u8 qsize)
{
	put(s, OP_BRINGUP, 1);
	put(s, features, 1);
	put(s, qsize, 1);
}

static __unused void reset(struct seed *s)
{
	put(s, OP_RESET, 1);
}

static __unused void status(struct seed *s, u8 v)
{
	put(s, OP_STATUS, 1);
	put(s, v, 1);
}

static __unused void qsetup(struct seed *s, u8 q, u16 size, u32 d, u32 a, u32 u, bool ready)
{
	put(s, OP_QSETUP, 1);
	put(s, q, 1);
	put(s, size, 2);
	put(s, d, 4);
	put(s, a, 4);
	put(s, u, 4);
	put(s, ready, 1);
}

static __unused void backend(struct seed *s, const void *p, u16 n)
{
	put(s, OP_BACKEND, 1);
	put(s, n, 2);
	put_bytes(s, p, n);
}

static __unused void irq_ack(struct seed *s)
{
	put(s, OP_IRQ_ACK, 1);
}

/* ---- a driver by hand ------------------------------------------------------- */

#define S_ACK		VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRIVER	(S_ACK | VIRTIO_CONFIG_S_DRIVER)
#define S_FEATURES	(S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK)
#define S_RUNNING	(S_FEATURES | VIRTIO_CONFIG_S_DRIVER_OK)

/* Linux's virtio_mmio probe and virtio core's init, register by register. */
static __unused void mmio_by_hand(struct seed *s, unsigned int nq, u16 qsize, u64 features)
{
	unsigned int q, i;

	rd(s, VIRTIO_MMIO_MAGIC_VALUE, 4);
	rd(s, VIRTIO_MMIO_VERSION, 4);
	rd(s, VIRTIO_MMIO_DEVICE_ID, 4);
	rd(s, VIRTIO_MMIO_VENDOR_ID, 4);
	wr(s, VIRTIO_MMIO_STATUS, 4, 0);
	wr(s, VIRTIO_MMIO_STATUS, 4, S_ACK);
	wr(s, VIRTIO_MMIO_STATUS, 4, S_DRIVER);
	for (i = 0; i < 2; i++) {
		wr(s, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, i);
		rd(s, VIRTIO_MMIO_DEVICE_FEATURES, 4);
	}
	for (i = 0; i < 2; i++) {
		wr(s, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, i);
		wr(s, VIRTIO_MMIO_DRIVER_FEATURES, 4, (u32)(features >> 32 * i));
	}
	wr(s, VIRTIO_MMIO_STATUS, 4, S_FEATURES);
	rd(s, VIRTIO_MMIO_STATUS, 4);
	for (q = 0; q < nq; q++) {
		u64 d = LAYOUT_RAM_BASE + DESC_OFF(q);

		wr(s, VIRTIO_MMIO_QUEUE_SEL, 4, q);
		rd(s, VIRTIO_MMIO_QUEUE_READY, 4);
		rd(s, VIRTIO_MMIO_QUEUE_NUM_MAX, 4);
		wr(s, VIRTIO_MMIO_QUEUE_NUM, 4, qsize);
		wr(s, VIRTIO_MMIO_QUEUE_DESC_LOW, 4, (u32)d);
		wr(s, VIRTIO_MMIO_QUEUE_DESC_HIGH, 4, d >> 32);
		wr(s, VIRTIO_MMIO_QUEUE_AVAIL_LOW, 4, (u32)(d + 0x1000));
		wr(s, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 4, (d + 0x1000) >> 32);
		wr(s, VIRTIO_MMIO_QUEUE_USED_LOW, 4, (u32)(d + 0x2000));
		wr(s, VIRTIO_MMIO_QUEUE_USED_HIGH, 4, (d + 0x2000) >> 32);
		wr(s, VIRTIO_MMIO_QUEUE_READY, 4, 1);
	}
	wr(s, VIRTIO_MMIO_STATUS, 4, S_RUNNING);
	rd(s, VIRTIO_MMIO_CONFIG_GENERATION, 4);
}

/* Linux's virtio_pci_modern probe: the capabilities walked, then the same through the common config. */
static __unused void pci_by_hand(struct seed *s, unsigned int nq, u16 qsize, u64 features, bool msix,
			bool has_config)
{
	unsigned int q, i, at;

	cfg_rd(s, PCI_VENDOR_ID, 4);
	cfg_rd(s, PCI_CLASS_REVISION, 4);
	cfg_rd(s, PCI_SUBSYSTEM_VENDOR_ID, 4);
	cfg_rd(s, PCI_STATUS, 2);
	cfg_rd(s, PCI_CAPABILITY_LIST, 1);
	for (at = 0x40; at < 0x90; at += 4)
		cfg_rd(s, at, 4);
	/* BAR sizing, as the PCI core does */
	cfg_wr(s, PCI_COMMAND, 2, 0);
	cfg_wr(s, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	cfg_rd(s, PCI_BASE_ADDRESS_0, 4);
	cfg_wr(s, PCI_BASE_ADDRESS_0, 4, (u32)LAYOUT_PCI_MMIO_BASE);
	cfg_wr(s, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	if (msix) {
		for (i = 0; i <= nq; i++) {
			wr(s, BAR_MSIX + 16 * i + PCI_MSIX_ENTRY_LOWER_ADDR, 4, 0x08090040);
			wr(s, BAR_MSIX + 16 * i + PCI_MSIX_ENTRY_UPPER_ADDR, 4, 0);
			wr(s, BAR_MSIX + 16 * i + PCI_MSIX_ENTRY_DATA, 4, i);
			wr(s, BAR_MSIX + 16 * i + PCI_MSIX_ENTRY_VECTOR_CTRL, 4, 0);
		}
		cfg_wr(s, CAP_MSIX(has_config) + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	}
	wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_STATUS, 1, 0);
	rd(s, BAR_COMMON + VIRTIO_PCI_COMMON_STATUS, 1);
	wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_STATUS, 1, S_ACK);
	wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_STATUS, 1, S_DRIVER);
	for (i = 0; i < 2; i++) {
		wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_DFSELECT, 4, i);
		rd(s, BAR_COMMON + VIRTIO_PCI_COMMON_DF, 4);
	}
	for (i = 0; i < 2; i++) {
		wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_GFSELECT, 4, i);
		wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_GF, 4, (u32)(features >> 32 * i));
	}
	wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_STATUS, 1, S_FEATURES);
	rd(s, BAR_COMMON + VIRTIO_PCI_COMMON_STATUS, 1);
	if (msix)
		wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_MSIX, 2, 0);
	rd(s, BAR_COMMON + VIRTIO_PCI_COMMON_NUMQ, 2);
	for (q = 0; q < nq; q++) {
		u64 d = LAYOUT_RAM_BASE + DESC_OFF(q);

		wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_Q_SELECT, 2, q);
		rd(s, BAR_COMMON + VIRTIO_PCI_COMMON_Q_SIZE, 2);
		wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_Q_SIZE, 2, qsize);
		if (msix) {
			wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_Q_MSIX, 2, q + 1);
			rd(s, BAR_COMMON + VIRTIO_PCI_COMMON_Q_MSIX, 2);
		}
		wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_Q_DESCLO, 4, (u32)d);
		wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_Q_DESCHI, 4, d >> 32);
		wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_Q_AVAILLO, 4, (u32)(d + 0x1000));
		wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_Q_AVAILHI, 4, (d + 0x1000) >> 32);
		wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_Q_USEDLO, 4, (u32)(d + 0x2000));
		wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_Q_USEDHI, 4, (d + 0x2000) >> 32);
		rd(s, BAR_COMMON + VIRTIO_PCI_COMMON_Q_NOFF, 2);
		wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1);
	}
	wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_STATUS, 1, S_RUNNING);
}

/* ---- every device's seeds ---------------------------------------------------- */

/* What a generator says of its device. */
struct gen_device {
	unsigned int	nq;
	u16		qsize;		/* its largest queue */
	u64		features;	/* what it offers, ring features and VERSION_1 in */
	bool		has_config;	/* a device configuration space */
	/* a good request on queue 0 (or its only working one), kicked */
	void		(*good)(struct seed *s);
};

static const char *const tname[] = { "mmio", "pci-intx", "pci-msix" };

/* Each transport in turn, for the seeds that need not be on all three. */
static unsigned int next_t(void)
{
	static unsigned int n;

	return n++ % 3;
}

/* The seeds every device gets, for @d. */
static __unused void common_seeds(const struct gen_device *d)
{
	static const struct gseg loop1[] = { { 16, 0, 0 } };
	struct seed *s = calloc(1, sizeof(*s));
	unsigned int t, i, at;
	struct gseg g[140];

	for (t = 0; t < 3; t++) {
		/* a driver by hand, then a request, then a reset and another */
		begin(s, t, 0, 4);
		if (t == T_MMIO)
			mmio_by_hand(s, d->nq, 16, d->features);
		else
			pci_by_hand(s, d->nq, 16, d->features, t == T_PCI_MSIX, d->has_config);
		d->good(s);
		irq_ack(s);
		status(s, 0);
		bringup(s, 0, 4);
		d->good(s);
		save(s, "%s-by-hand", tname[t]);

		/* the hypervisor's eventfds, and too few of them */
		begin(s, t | H_BRINGUP, 0, 4 | H_IOEVENTFD | H_IRQFD);
		d->good(s);
		d->good(s);
		save(s, "%s-eventfds", tname[t]);
	}
	t = next_t();
	begin(s, t | H_BRINGUP, 0, 4 | H_IOEVENTFD | H_IRQFD | H_ROOM(2));
	d->good(s);
	save(s, "%s-eventfds-no-room", tname[t]);

	/* each ring feature off, and a feature never offered */
	t = next_t();
	begin(s, t | H_BRINGUP, 3, 3);
	d->good(s);
	d->good(s);
	save(s, "%s-no-ring-features", tname[t]);
	t = next_t();
	begin(s, t | H_BRINGUP, 0x80, 4);
	d->good(s);
	save(s, "%s-features-refused", tname[t]);

	/* the queues' sizes and places: out of range, misaligned, outside RAM */
	{
		static const struct {
			const char	*name;
			u16		size;
			u32		d, a, u;
		} bad[] = {
			{ "size-0", 0, DESC_OFF(0), AVAIL_OFF(0), USED_OFF(0) },
			{ "size-3", 3, DESC_OFF(0), AVAIL_OFF(0), USED_OFF(0) },
			{ "size-huge", 0x8000, DESC_OFF(0), AVAIL_OFF(0), USED_OFF(0) },
			{ "misaligned", 8, DESC_OFF(0) + 8, AVAIL_OFF(0) + 1, USED_OFF(0) + 2 },
			{ "outside-ram", 8, A_SPECIAL(A_END_16, 0), A_SPECIAL(A_TOP, 0),
			  A_SPECIAL(A_MMIO, 0) },
			{ "wrapping", 8, A_SPECIAL(A_TOP_16, 0), AVAIL_OFF(0), USED_OFF(0) },
			{ "overlapping", 8, DESC_OFF(0), DESC_OFF(0), DESC_OFF(0) },
			{ "at-ram-end", 256, RAM - 0x1000, RAM - 0x208, RAM - 0x808 },
		};

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			begin(s, (t = next_t()), 0, 3);
			status(s, S_ACK);
			status(s, S_DRIVER);
			if (t == T_MMIO) {
				wr(s, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 1);
				wr(s, VIRTIO_MMIO_DRIVER_FEATURES, 4, 1);
			} else {
				wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_GFSELECT, 4, 1);
				wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_GF, 4, 1);
			}
			status(s, S_FEATURES);
			qsetup(s, 0, bad[i].size, bad[i].d, bad[i].a, bad[i].u, true);
			status(s, S_RUNNING);
			notify(s, 0);
			save(s, "%s-queue-%s", tname[t], bad[i].name);
		}
		/* enabled before FEATURES_OK, after DRIVER_OK; notified before DRIVER_OK */
		begin(s, (t = next_t()), 0, 3);
		status(s, S_DRIVER);
		qsetup(s, 0, 8, DESC_OFF(0), AVAIL_OFF(0), USED_OFF(0), true);
		save(s, "%s-queue-before-features-ok", tname[t]);
		begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
		qsetup(s, 0, 8, DESC_OFF(1), AVAIL_OFF(1), USED_OFF(1), true);
		qsetup(s, d->nq, 8, DESC_OFF(1), AVAIL_OFF(1), USED_OFF(1), true);
		notify(s, d->nq);
		notify(s, 0xff);
		save(s, "%s-queue-after-driver-ok", tname[t]);
		begin(s, (t = next_t()), 0, 3);
		status(s, S_FEATURES);
		d->good(s);
		notify(s, 0);
		bringup(s, 0, 3);
		save(s, "%s-notify-before-driver-ok", tname[t]);
	}

	/* hostile chains, each after a good bring-up: the device must fail, then work */
	{
		/* a loop: 0 -> 0 */
		begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
		desc(s, false, 0, 0, DATA_OFF, 16, VRING_DESC_F_NEXT, 0);
		avail(s, 0, 0);
		notify(s, 0);
		save(s, "%s-chain-loop", tname[t]);

		/* 0 -> 1 -> 0 with indirect tables and writable buffers */
		begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
		desc(s, false, 0, 0, DATA_OFF, 16, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
		desc(s, false, 0, 1, DATA_OFF + 16, 16, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 0);
		avail(s, 0, 1);
		notify(s, 0);
		save(s, "%s-chain-loop-2", tname[t]);

		/* longer than VIRTQ_MAX_CHAIN, in an indirect table and in the ring */
		for (i = 0; i < 131; i++)
			g[i] = (struct gseg){ 1, SW, 0 };
		begin(s, (t = next_t()) | H_BRINGUP, 0, 8);
		chain(s, C_INDIRECT | C_KICK, g, 131, NULL, 0);
		save(s, "%s-chain-131-indirect", tname[t]);
		begin(s, (t = next_t()) | H_BRINGUP, 0, 8);
		chain(s, C_KICK, g, 131, NULL, 0);
		save(s, "%s-chain-131", tname[t]);
		begin(s, (t = next_t()) | H_BRINGUP, 0, 8);
		chain(s, C_INDIRECT | C_KICK, g, 130, NULL, 0);
		d->good(s);
		save(s, "%s-chain-130-indirect", tname[t]);

		/* nested indirect, indirect chained on, a table of 0 or 17 bytes, outside RAM */
		begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
		desc(s, true, 0, 0, A_SPECIAL(A_TABLE1, 0), 16, VRING_DESC_F_INDIRECT, 0);
		desc(s, false, 0, 0, A_SPECIAL(A_TABLE0, 0), 16, VRING_DESC_F_INDIRECT, 0);
		avail(s, 0, 0);
		notify(s, 0);
		save(s, "%s-indirect-nested", tname[t]);
		for (i = 0; i < 5; i++) {
			static const struct { u32 addr, len; u16 flags; const char *name; } ind[] = {
				{ A_SPECIAL(A_TABLE0, 0), 16, VRING_DESC_F_NEXT, "next" },
				{ A_SPECIAL(A_TABLE0, 0), 0, 0, "empty" },
				{ A_SPECIAL(A_TABLE0, 0), 17, 0, "17-bytes" },
				{ A_SPECIAL(A_END_16, 0), 32, 0, "past-ram" },
				{ A_SPECIAL(A_DESC0, 0), 16, 0, "over-rings" },
			};

			begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
			desc(s, true, 0, 0, DATA_OFF, 8, VRING_DESC_F_WRITE, 0);
			desc(s, false, 0, 0, ind[i].addr, ind[i].len,
			     VRING_DESC_F_INDIRECT | ind[i].flags, 1);
			desc(s, false, 0, 1, DATA_OFF + 64, 8, VRING_DESC_F_WRITE, 0);
			avail(s, 0, 0);
			notify(s, 0);
			save(s, "%s-indirect-%s", tname[t], ind[i].name);
		}
		/*
		 * A table at an odd address, which 2.7.5.3 allows (found by
		 * fuzz_virtio_rng: read as a struct vring_desc, UBSan's
		 * misaligned access in virtq__pop()); then one at 8 bytes.
		 */
		for (i = 0; i < 2; i++) {
			u8 ind[16] = { 0 };

			begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
			ind[1] = 0x10;			/* addr: RAM + 0x11000 */
			ind[2] = 0x01;
			ind[3] = 0x80;
			ind[8] = 8;			/* len */
			ind[12] = VRING_DESC_F_WRITE;
			mem(s, DATA_OFF + (i ? 8 : 1), ind, sizeof(ind));
			desc(s, false, 0, 0, DATA_OFF + (i ? 8 : 1), 16, VRING_DESC_F_INDIRECT, 0);
			avail(s, 0, 0);
			notify(s, 0);
			d->good(s);
			save(s, "%s-%s", tname[t], i ? "indirect-8-aligned" :
			     "crash-indirect-misaligned");
		}
		/* without INDIRECT_DESC negotiated */
		g[0] = (struct gseg){ 8, SW, 0 };
		begin(s, (t = next_t()) | H_BRINGUP, 2, 3);
		chain(s, C_INDIRECT | C_KICK, g, 1, NULL, 0);
		save(s, "%s-indirect-not-negotiated", tname[t]);

		/* buffers outside RAM, wrapping, over the rings; lengths that overflow */
		for (i = 0; i < 6; i++) {
			static const struct { u32 addr; u16 len; u8 flags; const char *name; } b[] = {
				{ A_SPECIAL(A_END_16, 0), 32, SW, "past-ram" },
				{ A_SPECIAL(A_TOP_16, 0), 32, 0, "wrapping" },
				{ A_SPECIAL(A_BELOW_16, 0), 32, 0, "below-ram" },
				{ A_SPECIAL(A_USED0, 0), 8, SW, "over-used-ring" },
				{ A_SPECIAL(A_AVAIL0, 0), 8, SW, "over-avail-ring" },
				{ A_SPECIAL(A_PCI, 0), 8, SW, "at-a-bar" },
			};

			g[0] = (struct gseg){ b[i].len, b[i].flags | SADDR, b[i].addr };
			g[1] = (struct gseg){ 16, SW, 0 };
			begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
			chain(s, C_KICK, g, 2, NULL, 0);
			d->good(s);
			save(s, "%s-buffer-%s", tname[t], b[i].name);
		}
		begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
		desc(s, false, 0, 0, 0, 0xffffffff, VRING_DESC_F_WRITE, 0);
		avail(s, 0, 0);
		notify(s, 0);
		save(s, "%s-buffer-4g", tname[t]);
		begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
		desc(s, false, 0, 0, DATA_OFF, 0x20000, VRING_DESC_F_NEXT, 1);
		desc(s, false, 0, 1, DATA_OFF, 0x20000, VRING_DESC_F_NEXT, 2);
		desc(s, false, 0, 2, DATA_OFF, 0x20000, VRING_DESC_F_WRITE, 0);
		avail(s, 0, 0);
		notify(s, 0);
		save(s, "%s-buffer-aliased", tname[t]);

		/* readable after writable, a head out of range, avail idx far ahead */
		g[0] = (struct gseg){ 8, SW, 0 };
		g[1] = (struct gseg){ 8, 0, 0 };
		begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
		chain(s, C_KICK, g, 2, "abcdefgh", 8);
		save(s, "%s-readable-after-writable", tname[t]);
		begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
		avail(s, 0, 8);
		notify(s, 0);
		save(s, "%s-head-out-of-range", tname[t]);
		begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
		d->good(s);
		avail_idx(s, 0, 200);
		notify(s, 0);
		save(s, "%s-avail-idx-ahead", tname[t]);
		begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
		avail_idx(s, 0, 0xffff);
		notify(s, 0);
		save(s, "%s-avail-idx-back", tname[t]);

		/* a chain from a stale descriptor, and descriptors that change under the device */
		begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
		chain(s, C_NOPOST, loop1, 1, "0123456789abcdef", 16);
		avail(s, 0, 0);
		avail(s, 0, 0);
		avail(s, 0, 5);
		notify(s, 0);
		save(s, "%s-stale-heads", tname[t]);

		/* interrupts: EVENT_IDX's used_event, NO_INTERRUPT, acked */
		begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
		ring(s, 0, R_USED_EVENT, 1);
		d->good(s);
		d->good(s);
		irq_ack(s);
		ring(s, 0, R_USED_EVENT, 0xffff);
		d->good(s);
		save(s, "%s-event-idx", tname[t]);
		begin(s, (t = next_t()) | H_BRINGUP, 1, 3);
		ring(s, 0, R_AVAIL_FLAGS, VRING_AVAIL_F_NO_INTERRUPT);
		d->good(s);
		ring(s, 0, R_AVAIL_FLAGS, 0);
		ring(s, 0, R_USED_IDX, 77);
		d->good(s);
		irq_ack(s);
		save(s, "%s-no-interrupt", tname[t]);

		/* reset mid-flight, and one that never finishes its init */
		begin(s, (t = next_t()) | H_BRINGUP, 0, 3);
		d->good(s);
		d->good(s);
		reset(s);
		bringup(s, 1, 4);
		d->good(s);
		status(s, S_ACK);
		save(s, "%s-reset-mid-flight", tname[t]);
		/* status bits cleared by the driver, DRIVER_OK without FEATURES_OK */
		begin(s, (t = next_t()), 0, 3);
		status(s, S_DRIVER | VIRTIO_CONFIG_S_DRIVER_OK);
		status(s, S_RUNNING);
		status(s, S_ACK);
		status(s, VIRTIO_CONFIG_S_FAILED | S_RUNNING | VIRTIO_CONFIG_S_NEEDS_RESET);
		save(s, "%s-status-games", tname[t]);
	}

	/* the registers: every offset at every width, and config writes */
	for (t = 0; t < 3; t++) {
		unsigned int top = t == T_MMIO ? 0x200 : 0x1000, w;

		begin(s, t | H_BRINGUP, 0, 3);
		for (i = 0; i < top; i += t == T_MMIO ? 4 : 32)
			for (w = 1; w <= 8; w *= 2)
				rd(s, i, w);
		save(s, "%s-read-everything", tname[t]);
	}
	for (t = T_MMIO; t <= T_PCI_INTX; t++) {
		begin(s, t | H_BRINGUP, 0, 3);
		for (i = 0; i < 0x100; i += 4)
			cfg_rd(s, i, 4);
		for (i = 0; i < 0x40; i++)
			cfg_wr(s, i, 1, 0xff);
		save(s, "%s-config-writes", tname[t]);
	}
	/* mmio: selectors out of range; pci: the BAR moved, decoding off, MSI-X masked, PCI_CFG window */
	begin(s, T_MMIO | H_BRINGUP, 0, 3);
	wr(s, VIRTIO_MMIO_QUEUE_SEL, 4, 0xffffffff);
	rd(s, VIRTIO_MMIO_QUEUE_NUM_MAX, 4);
	wr(s, VIRTIO_MMIO_QUEUE_NUM, 4, 0x10000);
	wr(s, VIRTIO_MMIO_QUEUE_READY, 4, 1);
	wr(s, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 7);
	rd(s, VIRTIO_MMIO_DEVICE_FEATURES, 4);
	wr(s, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 0x80000000);
	wr(s, VIRTIO_MMIO_DRIVER_FEATURES, 4, 0xffffffff);
	wr(s, VIRTIO_MMIO_INTERRUPT_ACK, 4, 0xffffffff);
	wr(s, VIRTIO_MMIO_QUEUE_NOTIFY, 2, 0);
	wr(s, VIRTIO_MMIO_STATUS, 1, 0);
	d->good(s);
	save(s, "mmio-selectors");
	for (t = T_PCI_INTX; t <= T_PCI_MSIX; t++) {
		begin(s, t | H_BRINGUP, 0, 3 | H_IOEVENTFD);
		cfg_wr(s, PCI_BASE_ADDRESS_0, 4, (u32)LAYOUT_PCI_MMIO_BASE + 0x10000);
		d->good(s);
		cfg_wr(s, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
		d->good(s);
		cfg_wr(s, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		       PCI_COMMAND_INTX_DISABLE);
		d->good(s);
		cfg_wr(s, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
		cfg_wr(s, PCI_BASE_ADDRESS_0, 4, (u32)LAYOUT_PCI_MMIO_BASE);
		d->good(s);
		save(s, "%s-bar-moves", tname[t]);

		/* the PCI_CFG window: the status reset through it, a notify, bad lengths */
		at = CAP_PCI_CFG(d->has_config);
		begin(s, t | H_BRINGUP, 0, 3);
		cfg_wr(s, at + 4, 1, 0);				/* bar */
		cfg_wr(s, at + 8, 4, VIRTIO_PCI_COMMON_STATUS);	/* offset */
		cfg_wr(s, at + 12, 4, 1);				/* length */
		cfg_rd(s, at + 16, 4);					/* data */
		cfg_wr(s, at + 16, 1, 0);
		cfg_wr(s, at + 8, 4, BAR_NOTIFY);
		cfg_wr(s, at + 12, 4, 2);
		d->good(s);
		cfg_wr(s, at + 16, 2, 0);
		cfg_wr(s, at + 12, 4, 3);
		cfg_wr(s, at + 16, 4, 0);
		cfg_wr(s, at + 4, 1, 1);
		cfg_wr(s, at + 12, 4, 4);
		cfg_rd(s, at + 16, 4);
		save(s, "%s-pci-cfg-window", tname[t]);
	}
	at = CAP_MSIX(d->has_config) + PCI_MSIX_FLAGS;
	begin(s, T_PCI_MSIX | H_BRINGUP, 0, 3);
	cfg_wr(s, at, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	d->good(s);
	wr(s, BAR_MSIX + 12, 4, 1);
	cfg_wr(s, at, 2, PCI_MSIX_FLAGS_ENABLE);
	d->good(s);
	rd(s, BAR_MSIX + 0x200, 8);
	wr(s, BAR_MSIX + 12, 4, 0);
	wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_MSIX, 2, 0x7777);
	wr(s, BAR_COMMON + VIRTIO_PCI_COMMON_Q_MSIX, 2, 0x7777);
	d->good(s);
	cfg_wr(s, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	d->good(s);
	cfg_wr(s, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	save(s, "pci-msix-masking");
	free(s);
}

static __unused void device_seeds(void);

static int gen_main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR: write the seeds into DIR\n", argv[0]);
		return 2;
	}
	out_dir = argv[1];
	device_seeds();
	printf("%u seeds in %s\n", nr_written, out_dir);
	return 0;
}
