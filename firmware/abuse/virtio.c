// SPDX-License-Identifier: GPL-2.0
/*
 * virtio.c - a hostile virtio driver, on virtio-mmio (VIRTIO 1.2, 4.2.2)
 * and on virtio-pci's modern structures (4.1.4) alike: every register at
 * every width; random accesses in and around them; queues of bad sizes,
 * at bad addresses, selected past the last, enabled out of order;
 * notifications before setup and for queues that are not there;
 * descriptor chains that loop, run long, point outside RAM, into MMIO or
 * over the rings, indirect tables nested, chained, empty or of a length
 * no table has, the avail index run ahead; a reset with requests in
 * flight; the device configuration read and written at every width.
 *
 * What must hold: a device never uses buffers before DRIVER_OK (3.1.1);
 * a broken queue makes it set DEVICE_NEEDS_RESET (2.1.2) and raise a
 * configuration change interrupt, with nothing in the used ring; a reset
 * (status 0) brings it back, and it then serves a good request (for the
 * devices whose requests this driver knows: blk, rng, 9p, net).
 */
#include "abuse.h"

#define ID_NET		1
#define ID_BLOCK	2
#define ID_CONSOLE	3
#define ID_RNG		4
#define ID_9P		9

/* device status (2.1) */
#define S_ACK		0x01
#define S_DRIVER	0x02
#define S_DRIVER_OK	0x04
#define S_FEATURES_OK	0x08
#define S_NEEDS_RESET	0x40
#define S_NEGOTIATED	(S_ACK | S_DRIVER | S_FEATURES_OK)
#define S_RUNNING	(S_NEGOTIATED | S_DRIVER_OK)

#define F_INDIRECT_DESC	28
#define F_VERSION_1	32

/* the configuration change bit of virtio-mmio's InterruptStatus and virtio-pci's ISR */
#define INT_CONFIG	0x2

/* virtio-mmio registers (4.2.2) */
#define M_MAGIC		0x000
#define M_VERSION	0x004
#define M_DEVICE_ID	0x008
#define M_DF		0x010
#define M_DF_SEL	0x014
#define M_GF		0x020
#define M_GF_SEL	0x024
#define M_QSEL		0x030
#define M_QNUM_MAX	0x034
#define M_QNUM		0x038
#define M_QREADY	0x044
#define M_QNOTIFY	0x050
#define M_INT_STATUS	0x060
#define M_INT_ACK	0x064
#define M_STATUS	0x070
#define M_QDESC		0x080
#define M_QAVAIL	0x090
#define M_QUSED		0x0a0
#define M_CFG_GEN	0x0fc
#define M_CONFIG	0x100
#define MMIO_MAGIC	0x74726976

/* virtio-pci common configuration (4.1.4.3) */
#define P_DFSELECT	0x00
#define P_DF		0x04
#define P_GFSELECT	0x08
#define P_GF		0x0c
#define P_MSIX		0x10
#define P_NUMQ		0x12
#define P_STATUS	0x14
#define P_CFGGEN	0x15
#define P_QSEL		0x16
#define P_QSIZE		0x18
#define P_QMSIX		0x1a
#define P_QENABLE	0x1c
#define P_QNOFF		0x1e
#define P_QDESC		0x20
#define P_QAVAIL	0x28
#define P_QUSED		0x30
#define P_QNDATA	0x38
#define P_QRESET	0x3a
#define P_COMMON_SPAN	0x40
#define NO_VECTOR	0xffff

/* split virtqueues (2.7) */
struct desc {
	u64	addr;
	u32	len;
	u16	flags, next;
};
#define D_NEXT		1
#define D_WRITE		2
#define D_INDIRECT	4

#define MAX_QSIZE	8
#define REG_OPS		300
#define CFG_SPAN	0x48
#define WAIT_MS		5000	/* the device's thread, scheduled on a slow emulated host */

/* the driver's memory: rings, indirect tables, buffers */
#define QMEM_DESC	0x0000
#define QMEM_AVAIL	0x1000
#define QMEM_USED	0x2000
#define QMEM_IND	0x3000	/* 8 KiB of indirect tables */
#define QMEM_IND2	0x5000
#define QMEM_GOOD	0x6000	/* good requests' headers, 0x100 each */
#define QMEM_BAD	0x7000	/* bad chains' buffers */
#define QMEM_SIZE	0x8000
#define BULK_SIZE	0x10000

static u8 qmem[QMEM_SIZE] __attribute__((aligned(4096)));
/* data of the requests in flight at a reset; rings of the largest queues */
static u8 bulk[MAX_QSIZE * BULK_SIZE] __attribute__((aligned(4096)));

static struct {
	u16		size, avail_idx, noff;
	struct desc	*desc;
	u16		*avail;		/* flags, idx, ring[size], used_event */
	volatile u16	*used;		/* flags, idx, then { u32 id, len } each */
} vq;

/* what this driver knows of the device it abuses */
struct ctx {
	struct vdev	*d;
	u32		q;		/* the queue its requests go on */
	u32		max;		/* that queue's largest size */
	u16		qsize;		/* the size used: at most MAX_QSIZE */
	bool		pops;		/* it takes chains from that queue when notified */
	bool		good;		/* and this driver knows a request it answers */
};

static u64 pa_of(const volatile void *p)
{
	return (u64)p;		/* the identity map */
}

/* ---- the two transports ---------------------------------------------------- */

static u64 common(const struct vdev *d, u32 field)
{
	return d->base + d->common + field;
}

static u32 get_status(struct vdev *d)
{
	return d->pci ? io_read(common(d, P_STATUS), 1) : io_read(d->base + M_STATUS, 4);
}

static void set_status(struct vdev *d, u32 s)
{
	if (d->pci)
		io_write(common(d, P_STATUS), 1, s);
	else
		io_write(d->base + M_STATUS, 4, s);
}

static u32 dev_features(struct vdev *d, u32 sel)
{
	if (d->pci) {
		io_write(common(d, P_DFSELECT), 4, sel);
		return io_read(common(d, P_DF), 4);
	}
	io_write(d->base + M_DF_SEL, 4, sel);
	return io_read(d->base + M_DF, 4);
}

static void drv_features(struct vdev *d, u32 sel, u32 v)
{
	if (d->pci) {
		io_write(common(d, P_GFSELECT), 4, sel);
		io_write(common(d, P_GF), 4, v);
	} else {
		io_write(d->base + M_GF_SEL, 4, sel);
		io_write(d->base + M_GF, 4, v);
	}
}

static void select_queue(struct vdev *d, u32 q)
{
	if (d->pci)
		io_write(common(d, P_QSEL), 2, q);
	else
		io_write(d->base + M_QSEL, 4, q);
}

/* QueueNumMax; on PCI queue_size, which holds the largest size after a reset */
static u32 queue_max(struct vdev *d)
{
	return d->pci ? io_read(common(d, P_QSIZE), 2) : io_read(d->base + M_QNUM_MAX, 4);
}

static void queue_size(struct vdev *d, u32 n)
{
	if (d->pci)
		io_write(common(d, P_QSIZE), 2, n);
	else
		io_write(d->base + M_QNUM, 4, n);
}

/* The three areas' addresses, each as two 32-bit halves (4.1.3.1 allows it). */
static void queue_addrs(struct vdev *d, u64 desc, u64 avail, u64 used)
{
	const u32 moff[3] = { M_QDESC, M_QAVAIL, M_QUSED }, poff[3] = { P_QDESC, P_QAVAIL, P_QUSED };
	const u64 a[3] = { desc, avail, used };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		u64 r = d->pci ? common(d, poff[i]) : d->base + moff[i];

		io_write(r, 4, (u32)a[i]);
		io_write(r + 4, 4, a[i] >> 32);
	}
}

static void queue_enable(struct vdev *d, u32 v)
{
	if (d->pci)
		io_write(common(d, P_QENABLE), 2, v);
	else
		io_write(d->base + M_QREADY, 4, v);
}

static u32 queue_ready(struct vdev *d)
{
	return d->pci ? io_read(common(d, P_QENABLE), 2) : io_read(d->base + M_QREADY, 4);
}

/* Notify queue @q at notify offset @noff (4.1.4.4); MMIO: QueueNotify. */
static void notify(struct vdev *d, u32 q, u32 noff)
{
	u64 off;

	if (!d->pci) {
		io_write(d->base + M_QNOTIFY, 4, q);
		return;
	}
	off = d->notify + (u64)noff * d->notify_mult;
	if (off + 2 > d->size)
		off = d->notify;
	io_write(d->base + off, 2, q);
}

/* The interrupt status, acknowledged (PCI: reading the ISR clears it). */
static u32 take_isr(struct vdev *d)
{
	u32 v;

	if (d->pci)
		return io_read(d->base + d->isr, 1);
	v = io_read(d->base + M_INT_STATUS, 4);
	io_write(d->base + M_INT_ACK, 4, v);
	return v;
}

static u64 cfg_addr(const struct vdev *d, u32 off)
{
	return d->base + (d->pci ? d->devcfg : M_CONFIG) + off;
}

static u32 cfg_generation(struct vdev *d)
{
	return d->pci ? io_read(common(d, P_CFGGEN), 1) : io_read(d->base + M_CFG_GEN, 4);
}

/* ---- the driver's side ------------------------------------------------------- */

static u32 wait_status(struct vdev *d, u32 bit, unsigned int ms)
{
	u64 limit = read_sysreg(cntfrq_el0) * ms / 1000, start = counter();
	u32 s;

	for (;;) {
		s = get_status(d);
		if ((s & bit) || counter() - start >= limit)
			return s;
		delay_ms(1);
	}
}

/* The interrupt status bits seen until @bit is among them, or @ms. */
static u32 wait_isr(struct vdev *d, u32 bit, unsigned int ms)
{
	u64 limit = read_sysreg(cntfrq_el0) * ms / 1000, start = counter();
	u32 seen = 0;

	for (;;) {
		seen |= take_isr(d);
		if ((seen & bit) || counter() - start >= limit)
			return seen;
		delay_ms(1);
	}
}

/* Reset, ACKNOWLEDGE, DRIVER, features (VERSION_1, INDIRECT_DESC), FEATURES_OK. */
static bool negotiate(struct vdev *d)
{
	set_status(d, 0);
	set_status(d, S_ACK);
	set_status(d, S_ACK | S_DRIVER);
	drv_features(d, 0, dev_features(d, 0) & (1U << F_INDIRECT_DESC));
	drv_features(d, 1, dev_features(d, 1) & (1U << (F_VERSION_1 - 32)));
	set_status(d, S_NEGOTIATED);
	return get_status(d) == S_NEGOTIATED;
}

static void ring_init(u16 size)
{
	memset(qmem, 0, QMEM_GOOD);
	vq.size = size;
	vq.avail_idx = 0;
	vq.desc = (struct desc *)(qmem + QMEM_DESC);
	vq.avail = (u16 *)(qmem + QMEM_AVAIL);
	vq.used = (volatile u16 *)(qmem + QMEM_USED);
}

static u16 used_idx(void)
{
	return vq.used[1];
}

static u32 used_len(unsigned int i)
{
	return *(volatile u32 *)(qmem + QMEM_USED + 4 + 8 * (i % vq.size) + 4);
}

static void set_desc(struct desc *t, unsigned int i, u64 addr, u32 len, u16 flags, u16 next)
{
	t[i].addr = addr;
	t[i].len = len;
	t[i].flags = flags;
	t[i].next = next;
}

/* Make @head available: the ring entry before the index (2.7.13). */
static void post(u16 head)
{
	vq.avail[2 + vq.avail_idx % vq.size] = head;
	dmb(ishst);
	((volatile u16 *)vq.avail)[1] = ++vq.avail_idx;
	dsb(sy);		/* all of it in memory before the notification */
}

static void set_avail_idx(u16 idx)
{
	((volatile u16 *)vq.avail)[1] = idx;
	dsb(sy);
}

/* Negotiate, lay an empty ring of @size for queue @q and enable it; DRIVER_OK if @run. */
static bool start_queue(struct vdev *d, u32 q, u16 size, bool run)
{
	if (!negotiate(d))
		return false;
	ring_init(size);
	select_queue(d, q);
	vq.noff = d->pci ? io_read(common(d, P_QNOFF), 2) : 0;
	queue_size(d, size);
	queue_addrs(d, pa_of(vq.desc), pa_of(vq.avail), pa_of(vq.used));
	dsb(sy);
	queue_enable(d, 1);
	if (queue_ready(d) != 1)
		return false;
	if (run)
		set_status(d, S_RUNNING);
	return get_status(d) == (run ? S_RUNNING : S_NEGOTIATED);
}

/* ---- requests the devices answer --------------------------------------------- */

#define NET_HDR		12	/* struct virtio_net_hdr_v1 */
#define NET_FRAME	60

/* Tversion of 9P2000.L, msize 8192, tag NOTAG */
static const u8 tversion[] = {
	21, 0, 0, 0, 100, 0xff, 0xff, 0x00, 0x20, 0, 0, 8, 0,
	'9', 'P', '2', '0', '0', '0', '.', 'L',
};

/* to a locally administered MAC nobody has, of the local experimental EtherType */
static const u8 frame_head[] = {
	0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x88, 0xb5,
};

static u32 request_queue(u32 id)
{
	return id == ID_NET || id == ID_CONSOLE ? 1 : 0;	/* transmitq */
}

/* The data length of a request: small, or @big for one that takes time. */
static u32 request_len(u32 id, bool big)
{
	switch (id) {
	case ID_BLOCK:
		return big ? BULK_SIZE : 512;
	case ID_RNG:
		return big ? 4096 : 64;
	default:
		return big ? 4096 : 256;
	}
}

/*
 * Lay a request device @id answers into table @t: its header and status
 * in @hdr (0x100 bytes), its data in @data of @len bytes.  Returns the
 * descriptors used, 0 for a device this driver has no request for.
 */
static unsigned int lay_request(u32 id, struct desc *t, u8 *hdr, u8 *data, u32 len)
{
	switch (id) {
	case ID_RNG:		/* 5.4.6: a buffer to fill */
		memset(data, 0, len);
		set_desc(t, 0, pa_of(data), len, D_WRITE, 0);
		return 1;
	case ID_BLOCK:		/* 5.2.6: VIRTIO_BLK_T_IN of sector 0, the status byte after */
		memset(hdr, 0, 16);
		hdr[16] = 0xff;
		set_desc(t, 0, pa_of(hdr), 16, D_NEXT, 1);
		set_desc(t, 1, pa_of(data), len, D_WRITE | D_NEXT, 2);
		set_desc(t, 2, pa_of(hdr + 16), 1, D_WRITE, 0);
		return 3;
	case ID_9P:		/* 9P over virtio: a T-message, room for its R-message */
		memcpy(hdr, tversion, sizeof(tversion));
		memset(data, 0, len);
		set_desc(t, 0, pa_of(hdr), sizeof(tversion), D_NEXT, 1);
		set_desc(t, 1, pa_of(data), len, D_WRITE, 0);
		return 2;
	case ID_NET:		/* 5.1.6.2: a header asking no offload, then a frame */
		memset(hdr, 0, NET_HDR + NET_FRAME);
		memcpy(hdr + NET_HDR, frame_head, sizeof(frame_head));
		set_desc(t, 0, pa_of(hdr), NET_HDR + NET_FRAME, 0, 0);
		return 1;
	}
	return 0;
}

static bool nonzero(const u8 *p, u32 len)
{
	while (len--)
		if (*p++)
			return true;
	return false;
}

/* Did the device answer the request lay_request() laid as it must? */
static bool request_ok(u32 id, const u8 *hdr, const u8 *data, u32 len, u32 used)
{
	switch (id) {
	case ID_RNG:
		return used == len && nonzero(data, len);
	case ID_BLOCK:
		return used == len + 1 && hdr[16] == 0;	/* VIRTIO_BLK_S_OK */
	case ID_9P:
		return used >= 7 && data[4] == 101;		/* Rversion */
	}
	return true;
}

bool virtio_good_request(struct vdev *d, const char *when)
{
	u32 q = request_queue(d->id), len = request_len(d->id, false), max, used = 0, st;
	u8 *hdr = qmem + QMEM_GOOD, *data = qmem + QMEM_GOOD + 0x200;
	unsigned int n;
	bool ok;

	if (q >= d->nr_queues)
		q = 0;
	set_status(d, 0);
	select_queue(d, q);
	max = queue_max(d);
	if (!max || !start_queue(d, q, max < MAX_QSIZE ? max : MAX_QSIZE, true)) {
		st = get_status(d);
		set_status(d, 0);
		return check(false, "%s: %s: set up queue %u (max %u): status 0x%x", d->name, when,
			     q, max, st);
	}
	n = lay_request(d->id, vq.desc, hdr, data, len);
	if (!n) {
		set_status(d, 0);
		return check(true, "%s: %s: running (no request known for it)", d->name, when);
	}
	post(0);
	notify(d, q, vq.noff);
	ok = spin_until(used_idx() == 1, WAIT_MS);
	if (ok) {
		dmb(ishld);
		used = used_len(0);
		ok = request_ok(d->id, hdr, data, len, used);
	}
	st = get_status(d);
	set_status(d, 0);
	return check(ok && st == S_RUNNING, "%s: %s: a request is served (used length %u, status 0x%x)",
		     d->name, when, used, st);
}

/* ---- the registers ------------------------------------------------------------- */

/* The widths each field of the common configuration takes (4.1.3.1). */
static bool common_width_ok(u32 off, unsigned int len)
{
	if (off >= P_QDESC && off < P_QNDATA)
		return (len == 4 && !(off & 3)) || (len == 8 && !(off & 7));
	switch (off) {
	case P_DFSELECT:
	case P_DF:
	case P_GFSELECT:
	case P_GF:
		return len == 4;
	case P_STATUS:
	case P_CFGGEN:
		return len == 1;
	case P_MSIX:
	case P_NUMQ:
	case P_QSEL:
	case P_QSIZE:
	case P_QMSIX:
	case P_QENABLE:
	case P_QNOFF:
	case P_QNDATA:
	case P_QRESET:
		return len == 2;
	}
	return false;
}

/*
 * Every register at every width: the right one reads what it holds (the
 * identification registers checked), a width the field does not take
 * reads 0 and a write of it changes nothing (the vmm's rule for both
 * transports' "MUST use the field's width", 4.1.3.1 and 4.2.2.2).
 */
static void registers(struct ctx *c)
{
	struct vdev *d = c->d;
	struct tally t = { 0 };
	unsigned int len;
	u32 off;

	set_status(d, 0);
	if (!d->pci) {
		for (off = 0; off < M_CONFIG; off += 4) {
			u64 r = d->base + off, v = io_read(r, 4);

			if (off == M_MAGIC)
				tally_eq(&t, v, MMIO_MAGIC, "MagicValue");
			if (off == M_VERSION)
				tally_eq(&t, v, 2, "Version");
			if (off == M_DEVICE_ID)
				tally_eq(&t, v, d->id, "DeviceID");
			tally_eq(&t, io_read(r, 1), 0, "a 1-byte read at 0x%x", off);
			tally_eq(&t, io_read(r + 2, 2), 0, "a 2-byte read at 0x%x", off + 2);
			tally_eq(&t, io_read(r + 1, 4), 0, "a 4-byte read at 0x%x", off + 1);
			if (!(off & 7))
				tally_eq(&t, io_read(r, 8), 0, "an 8-byte read at 0x%x", off);
		}
		io_write(d->base + M_STATUS, 1, S_ACK);
		io_write(d->base + M_STATUS, 2, S_ACK);
		io_write(d->base + M_STATUS + 1, 4, S_ACK);
		io_write(d->base + M_STATUS, 8, S_ACK);
		tally_eq(&t, get_status(d), 0, "Status after writes of 1, 2, 4 (unaligned) and 8 bytes");
	} else {
		for (off = 0; off < P_COMMON_SPAN; off++)
			for (len = 1; len <= 8; len *= 2)
				if (!common_width_ok(off, len))
					tally_eq(&t, io_read(common(d, off), len), 0,
						 "a %u-byte read at common+0x%x", len, off);
		tally_eq(&t, io_read(common(d, P_NUMQ), 2), d->nr_queues, "num_queues");
		io_write(common(d, P_STATUS), 4, S_ACK);
		io_write(common(d, P_STATUS), 2, S_ACK);
		io_write(common(d, P_DFSELECT), 2, 0x1234);
		io_write(common(d, P_DFSELECT + 1), 1, 0x12);
		tally_eq(&t, get_status(d), 0, "device_status after 2- and 4-byte writes");
		tally_eq(&t, io_read(common(d, P_DFSELECT), 4), 0, "device_feature_select after narrow writes");
	}
	tally_check(&t, "%s: registers at widths 1, 2, 4 and 8, aligned or not", d->name);
}

/* Random accesses in and around the registers, then a reset. */
static void random_registers(struct ctx *c)
{
	struct vdev *d = c->d;
	unsigned int i, len;
	u64 addr;
	u32 st;
	bool ok;

	for (i = 0; i < REG_OPS; i++) {
		len = rnd_width();
		addr = d->base - 0x40 + rnd_below(d->size + 0x80);
		if (rnd_pct(70))
			addr &= ~(u64)(len - 1);
		if (rnd_pct(50))
			io_read(addr, len);
		else
			io_write(addr, len, rnd_value());
	}
	set_status(d, 0);
	st = get_status(d);
	if (d->pci)
		ok = io_read(common(d, P_NUMQ), 2) == d->nr_queues;
	else
		ok = io_read(d->base + M_MAGIC, 4) == MMIO_MAGIC &&
		     io_read(d->base + M_DEVICE_ID, 4) == d->id;
	check(ok && !st, "%s: %u random accesses in and around its registers, then a reset: status 0x%x",
	      d->name, REG_OPS, st);
}

/* ---- queues ------------------------------------------------------------------- */

/* Program queue @q as given and enable it, after FEATURES_OK; its ready bit. */
static u32 try_queue(struct vdev *d, u32 q, u32 size, u64 desc, u64 avail, u64 used)
{
	select_queue(d, q);
	queue_size(d, size);
	queue_addrs(d, desc, avail, used);
	dsb(sy);
	queue_enable(d, 1);
	return queue_ready(d);
}

/*
 * Sizes: a power of two up to the queue's largest is taken, anything else
 * (0, 3, 65535, one past the largest, twice it, 2^16, 2^32 - 1 on MMIO's
 * 32-bit register) refused at enable with NEEDS_RESET (2.7: "Queue Size
 * value is always a power of 2").
 */
static void queue_sizes(struct ctx *c)
{
	struct vdev *d = c->d;
	const u32 sizes[] = { 0, 1, 3, 0xffff, c->max + 1, c->max * 2, c->max, 0x10000, 0xffffffff };
	const u64 desc = pa_of(bulk), avail = desc + 0x10000, used = desc + 0x20000;
	struct tally t = { 0 };
	unsigned int i;
	u32 s, ready, st;
	bool good;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		s = sizes[i];
		if (d->pci && s > 0xffff)
			continue;		/* a 16-bit field */
		good = s && s <= c->max && !(s & (s - 1));
		if (!negotiate(d)) {
			tally_ok(&t, false, "FEATURES_OK, status 0x%x", get_status(d));
			continue;
		}
		ready = try_queue(d, c->q, s, desc, avail, used);
		st = get_status(d);
		if (good)
			tally_ok(&t, ready == 1 && st == S_NEGOTIATED,
				 "size %u taken: ready %u, status 0x%x", s, ready, st);
		else
			tally_ok(&t, ready == 0 && st == (S_NEGOTIATED | S_NEEDS_RESET),
				 "size %u refused: ready %u, status 0x%x", s, ready, st);
	}
	set_status(d, 0);
	tally_check(&t, "%s: queue sizes around QueueNumMax %u", d->name, c->max);
}

/*
 * Addresses: rings outside RAM, across its end, wrapping 2^64, on the
 * device's own registers, misaligned (2.7: descriptors 16, avail 2, used
 * 4 bytes) are refused at enable with NEEDS_RESET; the same queue in RAM
 * is taken.
 */
static void queue_addresses(struct ctx *c)
{
	struct vdev *d = c->d;
	const u64 dt = pa_of(qmem + QMEM_DESC), av = pa_of(qmem + QMEM_AVAIL),
		  us = pa_of(qmem + QMEM_USED);
	const struct {
		const char	*what;
		u64		desc, avail, used;
	} cases[] = {
		{ "descriptors at 0", 0, av, us },
		{ "descriptors past RAM", ram_end, av, us },
		{ "descriptors across RAM's end", ram_end - 8 * c->qsize, av, us },
		{ "descriptors wrapping 2^64", ~0ULL - 15, av, us },
		{ "descriptors on the device's registers", d->base, av, us },
		{ "the avail ring across RAM's end", dt, ram_end - 2, us },
		{ "the used ring wrapping 2^64", dt, av, ~0ULL - 3 },
		{ "misaligned descriptors", dt + 8, av, us },
		{ "a misaligned avail ring", dt, av + 1, us },
		{ "a misaligned used ring", dt, av, us + 2 },
		{ NULL, dt, av, us },		/* in RAM: taken */
	};
	struct tally t = { 0 };
	unsigned int i;
	u32 ready, st;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (!negotiate(d)) {
			tally_ok(&t, false, "FEATURES_OK, status 0x%x", get_status(d));
			continue;
		}
		ring_init(c->qsize);
		ready = try_queue(d, c->q, c->qsize, cases[i].desc, cases[i].avail, cases[i].used);
		st = get_status(d);
		if (cases[i].what)
			tally_ok(&t, ready == 0 && st == (S_NEGOTIATED | S_NEEDS_RESET),
				 "%s: ready %u, status 0x%x", cases[i].what, ready, st);
		else
			tally_ok(&t, ready == 1 && st == S_NEGOTIATED,
				 "rings in RAM: ready %u, status 0x%x", ready, st);
	}
	set_status(d, 0);
	tally_check(&t, "%s: queue addresses outside RAM, wrapping, misaligned", d->name);
}

/* Queues past the last: no size, no vector, not enabled by a write. */
static void queues_past_last(struct ctx *c)
{
	struct vdev *d = c->d;
	const u32 qs[] = { d->nr_queues, d->nr_queues + 1, 0xffff, 0xffffffff };
	struct tally t = { 0 };
	unsigned int i;

	if (!negotiate(d)) {
		check(false, "%s: FEATURES_OK, status 0x%x", d->name, get_status(d));
		return;
	}
	ring_init(c->qsize);
	for (i = 0; i < ARRAY_SIZE(qs); i++) {
		if (d->pci && qs[i] > 0xffff)
			continue;
		select_queue(d, qs[i]);
		tally_eq(&t, queue_max(d), 0, "the size of queue %u", qs[i]);
		if (d->pci)
			tally_eq(&t, io_read(common(d, P_QMSIX), 2), NO_VECTOR,
				 "the vector of queue %u", qs[i]);
		tally_eq(&t, try_queue(d, qs[i], c->qsize, pa_of(vq.desc), pa_of(vq.avail),
				       pa_of(vq.used)), 0, "queue %u enabled", qs[i]);
		tally_eq(&t, get_status(d), S_NEGOTIATED, "status after enabling queue %u", qs[i]);
	}
	set_status(d, 0);
	tally_check(&t, "%s: queues selected past the last (%u)", d->name, d->nr_queues);
}

/*
 * Notifications of a device in reset, before FEATURES_OK, of a queue not
 * enabled, of queues that do not exist: nothing happens.  A request
 * notified before DRIVER_OK waits for it (3.1.1), then is served.  A queue
 * enabled before FEATURES_OK or after DRIVER_OK breaks the device (3.1.1:
 * the order of the steps); DRIVER_OK without FEATURES_OK does not take,
 * nor FEATURES_OK without VERSION_1 (a modern device's to refuse).
 */
static void notify_before_setup(struct ctx *c)
{
	struct vdev *d = c->d;
	u8 *hdr = qmem + QMEM_GOOD, *data = qmem + QMEM_GOOD + 0x200;
	u32 len = request_len(d->id, false), st, q;
	struct tally t = { 0 };
	bool served;

	set_status(d, 0);
	notify(d, c->q, c->q);
	notify(d, d->nr_queues, d->nr_queues);
	notify(d, 0xffff, 0xffff);
	tally_eq(&t, get_status(d), 0, "status after notifying a device in reset");
	set_status(d, S_ACK | S_DRIVER);
	notify(d, c->q, c->q);
	tally_eq(&t, get_status(d), S_ACK | S_DRIVER, "status after a notification before FEATURES_OK");

	if (!negotiate(d)) {
		tally_ok(&t, false, "FEATURES_OK: status 0x%x", get_status(d));
	} else {
		notify(d, c->q, c->q);
		tally_eq(&t, get_status(d), S_NEGOTIATED, "status after notifying a queue not enabled");
		ring_init(c->qsize);
		select_queue(d, c->q);
		vq.noff = d->pci ? io_read(common(d, P_QNOFF), 2) : 0;
		if (c->good)
			lay_request(d->id, vq.desc, hdr, data, len);
		tally_eq(&t, try_queue(d, c->q, c->qsize, pa_of(vq.desc), pa_of(vq.avail),
				       pa_of(vq.used)), 1, "queue %u enabled", c->q);
		if (c->good) {
			post(0);
			notify(d, c->q, vq.noff);
			delay_ms(100);
			tally_eq(&t, used_idx(), 0, "used idx of a request notified before DRIVER_OK");
		}
		set_status(d, S_RUNNING);
		if (c->good) {
			served = spin_until(used_idx() == 1, WAIT_MS);
			dmb(ishld);
			tally_ok(&t, served && request_ok(d->id, hdr, data, len, used_len(0)),
				 "the request served after DRIVER_OK: used idx %u, length %u",
				 used_idx(), used_len(0));
		}
		for (q = 0; q < d->nr_queues; q++)
			if (q != c->q)
				notify(d, q, q);	/* never set up */
		notify(d, d->nr_queues, d->nr_queues);
		notify(d, 0xffff, 0xffff);
		tally_eq(&t, get_status(d), S_RUNNING, "status after notifying queues not set up");
	}

	set_status(d, 0);
	set_status(d, S_ACK | S_DRIVER);
	ring_init(c->qsize);
	tally_eq(&t, try_queue(d, c->q, c->qsize, pa_of(vq.desc), pa_of(vq.avail), pa_of(vq.used)),
		 0, "a queue enabled before FEATURES_OK");
	tally_eq(&t, get_status(d), S_ACK | S_DRIVER | S_NEEDS_RESET,
		 "status after a queue enabled before FEATURES_OK");

	if (negotiate(d)) {
		set_status(d, S_RUNNING);
		tally_eq(&t, try_queue(d, c->q, c->qsize, pa_of(vq.desc), pa_of(vq.avail),
				       pa_of(vq.used)), 0, "a queue enabled after DRIVER_OK");
		st = wait_status(d, S_NEEDS_RESET, WAIT_MS);
		tally_eq(&t, st, S_RUNNING | S_NEEDS_RESET, "status after a queue enabled after DRIVER_OK");
	} else {
		tally_ok(&t, false, "FEATURES_OK again: status 0x%x", get_status(d));
	}

	set_status(d, 0);
	set_status(d, S_ACK | S_DRIVER);
	set_status(d, S_ACK | S_DRIVER | S_DRIVER_OK);
	tally_eq(&t, get_status(d), S_ACK | S_DRIVER, "status after DRIVER_OK without FEATURES_OK");
	set_status(d, 0);
	set_status(d, S_ACK | S_DRIVER);
	drv_features(d, 0, 0);
	drv_features(d, 1, 0);
	set_status(d, S_NEGOTIATED);
	tally_eq(&t, get_status(d), S_ACK | S_DRIVER, "status after FEATURES_OK without VERSION_1");
	set_status(d, 0);
	tally_check(&t, "%s: notifications before setup and of queues not there, setup out of order",
		    d->name);
}

/* ---- descriptor chains ----------------------------------------------------------- */

enum expect { BREAKS, SERVED, ANYTHING };

#define NR_CASES	24

/*
 * Case @i laid in the running queue and made available; its description,
 * and what the device must do with it.  NULL: a case this device is not
 * given.
 */
static const char *lay_case(struct ctx *c, unsigned int i, enum expect *expect)
{
	struct desc *t = vq.desc, *ind = (struct desc *)(qmem + QMEM_IND),
		    *ind2 = (struct desc *)(qmem + QMEM_IND2), tmp[4];
	u8 *hdr = qmem + QMEM_GOOD, *data = qmem + QMEM_GOOD + 0x200;
	u64 buf = pa_of(qmem + QMEM_BAD);
	u16 n = vq.size, k;

	*expect = BREAKS;
	if (n < 2 && (i == 13 || i == 16 || i == 22))
		return NULL;	/* they need two descriptors */
	switch (i) {
	case 0:
		for (k = 0; k < n; k++)
			set_desc(t, k, buf + 16 * k, 16, D_NEXT, (k + 1) % n);
		post(0);
		return "a chain through every descriptor and back";
	case 1:
		set_desc(t, 0, buf, 16, D_NEXT, 0);
		post(0);
		return "a descriptor chained to itself";
	case 2:
		for (k = 0; k < 200; k++)
			set_desc(ind, k, buf + k, 1, k < 199 ? D_NEXT : 0, k + 1);
		set_desc(t, 0, pa_of(ind), 200 * 16, D_INDIRECT, 0);
		post(0);
		return "a chain of 200 buffers in an indirect table";
	case 3:
		post(n + 3);
		return "a head past the table";
	case 4:
		set_desc(t, 0, buf, 16, D_NEXT, n);
		post(0);
		return "a next past the table";
	case 5:
		set_desc(t, 0, ram_end, 16, 0, 0);
		post(0);
		return "a buffer past RAM";
	case 6:
		set_desc(t, 0, ram_end - 8, 16, 0, 0);
		post(0);
		return "a buffer across RAM's end";
	case 7:
		set_desc(t, 0, c->d->base, 16, 0, 0);
		post(0);
		return "a buffer on the device's registers";
	case 8:
		set_desc(t, 0, ~0ULL - 7, 16, 0, 0);
		post(0);
		return "a buffer wrapping 2^64";
	case 9:
		set_desc(t, 0, buf, 0xffffffff, 0, 0);
		post(0);
		return "a buffer of 4 GiB";
	case 10:
		set_desc(t, 0, pa_of(ind), 0, D_INDIRECT, 0);
		post(0);
		return "an empty indirect table";
	case 11:
		set_desc(ind, 0, buf, 16, 0, 0);
		set_desc(t, 0, pa_of(ind), 17, D_INDIRECT, 0);
		post(0);
		return "an indirect table of 17 bytes";
	case 12:
		set_desc(ind2, 0, buf, 16, 0, 0);
		set_desc(ind, 0, pa_of(ind2), 16, D_INDIRECT, 0);
		set_desc(t, 0, pa_of(ind), 16, D_INDIRECT, 0);
		post(0);
		return "an indirect table in an indirect table";
	case 13:
		set_desc(ind, 0, buf, 16, 0, 0);
		set_desc(t, 0, pa_of(ind), 16, D_INDIRECT | D_NEXT, 1);
		set_desc(t, 1 % n, buf, 16, 0, 0);
		post(0);
		return "an indirect descriptor with NEXT";
	case 14:
		set_desc(t, 0, ram_end, 32, D_INDIRECT, 0);
		post(0);
		return "an indirect table past RAM";
	case 15:
		set_desc(t, 0, pa_of(vq.desc), 32, D_INDIRECT, 0);
		post(0);
		return "an indirect table over the descriptor table";
	case 16:
		set_desc(t, 0, buf, 16, D_WRITE | D_NEXT, 1 % n);
		set_desc(t, 1 % n, buf + 16, 16, 0, 0);
		post(0);
		return "a readable buffer after a writable one";
	case 17:
		set_desc(t, 0, pa_of(vq.used), 16, D_WRITE, 0);
		post(0);
		return "a writable buffer over the used ring";
	case 18:
		set_desc(t, 0, pa_of(vq.avail), 4, D_WRITE, 0);
		post(0);
		return "a writable buffer over the avail ring";
	case 19:
		set_avail_idx(n + 1);
		return "the avail index a queue and one ahead";
	case 20:
		set_avail_idx(0xffff);
		return "the avail index moved back";
	case 21:		/* 2.7.5.3 asks no alignment of an indirect table */
		*expect = SERVED;
		k = lay_request(c->d->id, tmp, hdr, data, request_len(c->d->id, false));
		if (!k || !c->good)
			return NULL;
		memcpy(qmem + QMEM_IND + 3, tmp, k * sizeof(tmp[0]));
		set_desc(t, 0, pa_of(qmem + QMEM_IND + 3), k * 16, D_INDIRECT, 0);
		post(0);
		return "a request in an indirect table at an odd address";
	case 22:
		*expect = ANYTHING;
		set_desc(t, 0, buf, 0, D_WRITE | D_NEXT, 1 % n);
		set_desc(t, 1 % n, buf, 0, D_WRITE, 0);
		post(0);
		return "empty buffers";
	case 23:
		*expect = ANYTHING;
		for (k = 0; k < 130; k++)
			set_desc(ind, k, buf, 64, D_WRITE | (k < 129 ? D_NEXT : 0), k + 1);
		set_desc(t, 0, pa_of(ind), 130 * 16, D_INDIRECT, 0);
		post(0);
		return "130 writable buffers, all the same";
	}
	return NULL;
}

/* Each case on a fresh running queue, notified, judged, then a reset. */
static void chains(struct ctx *c)
{
	struct vdev *d = c->d;
	u8 *hdr = qmem + QMEM_GOOD, *data = qmem + QMEM_GOOD + 0x200;
	struct tally t = { 0 };
	unsigned int i, broken = 0;
	enum expect expect;
	const char *what;
	u32 st, isr;
	bool done;

	if (!c->pops) {
		printf("# abuse: %s: no queue known to take chains when notified\n", d->name);
		return;
	}
	for (i = 0; i < NR_CASES; i++) {
		if (!start_queue(d, c->q, c->qsize, true)) {
			tally_ok(&t, false, "case %u: a running queue, status 0x%x", i, get_status(d));
			set_status(d, 0);
			continue;
		}
		/*
		 * The interrupt status is cleared before the chain is made
		 * available, not after: a device may take an available chain
		 * before its notification (a kick still pending from the last
		 * case, say), and its config interrupt then comes early.
		 */
		take_isr(d);
		what = lay_case(c, i, &expect);
		if (!what) {
			set_status(d, 0);
			continue;
		}
		notify(d, c->q, vq.noff);
		switch (expect) {
		case BREAKS:
			broken++;
			st = wait_status(d, S_NEEDS_RESET, WAIT_MS);
			isr = wait_isr(d, INT_CONFIG, 1000);
			tally_ok(&t, st == (S_RUNNING | S_NEEDS_RESET) && (isr & INT_CONFIG) &&
				 used_idx() == 0, "%s: status 0x%x, interrupt 0x%x, used idx %u",
				 what, st, isr, used_idx());
			break;
		case SERVED:
			done = spin_until(used_idx() == 1, WAIT_MS);
			dmb(ishld);
			st = get_status(d);
			tally_ok(&t, done && st == S_RUNNING &&
				 request_ok(d->id, hdr, data, request_len(d->id, false), used_len(0)),
				 "%s: used idx %u, length %u, status 0x%x", what, used_idx(),
				 used_len(0), st);
			break;
		case ANYTHING:
			delay_ms(20);
			break;
		}
		set_status(d, 0);
		tally_eq(&t, get_status(d), 0, "status after the reset (%s)", what);
	}
	tally_check(&t, "%s: %u broken descriptor chains, each NEEDS_RESET with a config interrupt",
		    d->name, broken);
}

/* A queue's worth of requests notified, then a reset at once: it waits for them. */
static void reset_in_flight(struct ctx *c)
{
	struct vdev *d = c->d;
	u32 len = request_len(d->id, true), st;
	unsigned int i, n;

	if (!c->good)
		return;
	if (!start_queue(d, c->q, c->qsize, true)) {
		check(false, "%s: a running queue, status 0x%x", d->name, get_status(d));
		set_status(d, 0);
		return;
	}
	for (i = 0; i < c->qsize; i++) {
		struct desc *tab = (struct desc *)(qmem + QMEM_IND + i * 0x100);

		n = lay_request(d->id, tab, qmem + QMEM_GOOD + i * 0x100, bulk + i * BULK_SIZE, len);
		set_desc(vq.desc, i, pa_of(tab), n * 16, D_INDIRECT, 0);
		post(i);
	}
	notify(d, c->q, vq.noff);
	set_status(d, 0);
	st = get_status(d);
	check(st == 0, "%s: a reset right after %u requests of %u bytes: status 0x%x",
	      d->name, c->qsize, len, st);
}

/* ---- the device configuration ------------------------------------------------------ */

/*
 * Every width at every offset, a bit past its end: a read is the bytes'
 * little-endian value, or 0 where it runs past the configuration; writes
 * of every width change nothing (none of these devices has a field the
 * driver may write without a feature this driver did not take).
 */
static void config_space(struct ctx *c)
{
	struct vdev *d = c->d;
	u8 before[0x100];
	struct tally t = { 0 };
	u32 span = CFG_SPAN, o, gen;
	unsigned int len, k;
	u64 v, want;

	if (d->pci) {
		if (!d->devcfg) {
			printf("# abuse: %s: no device configuration\n", d->name);
			return;
		}
		span = d->devcfg_len + 8 < 0xf8 ? d->devcfg_len + 8 : 0xf8;
	}
	set_status(d, 0);
	gen = cfg_generation(d);
	for (o = 0; o < span; o++)
		before[o] = io_read(cfg_addr(d, o), 1);
	for (o = 0; o < span; o++) {
		for (len = 2; len <= 8 && o + len <= span; len *= 2) {
			v = io_read(cfg_addr(d, o), len);
			for (want = 0, k = len; k--; )
				want = want << 8 | before[o + k];
			tally_ok(&t, v == want || v == 0, "a %u-byte read at %u: 0x%llx, its bytes 0x%llx",
				 len, o, (unsigned long long)v, (unsigned long long)want);
		}
	}
	for (len = 1; len <= 8; len *= 2)
		io_write(cfg_addr(d, 0), len, rnd_value());
	for (o = 0; o < span; o++) {
		len = rnd_width();
		io_write(cfg_addr(d, o), o + len <= span ? len : 1, rnd_value());
	}
	for (o = 0; o < span; o++)
		tally_eq(&t, io_read(cfg_addr(d, o), 1), before[o], "byte %u after the writes", o);
	tally_eq(&t, cfg_generation(d), gen, "the configuration generation");
	tally_check(&t, "%s: %u bytes of device configuration at every width, read and written",
		    d->name, span);
}

/* ---- one device ---------------------------------------------------------------------- */

void abuse_virtio(struct vdev *d)
{
	struct ctx c = { .d = d };
	u32 q;

	rnd_phase(0x1000000 ^ d->base);
	set_status(d, 0);
	if (!d->pci) {
		for (q = 0; q < 16; q++) {
			select_queue(d, q);
			if (!queue_max(d))
				break;
		}
		d->nr_queues = q;
	}
	c.q = request_queue(d->id);
	if (c.q >= d->nr_queues)
		c.q = 0;
	c.pops = d->id == ID_NET || d->id == ID_BLOCK || d->id == ID_CONSOLE ||
		 d->id == ID_RNG || d->id == ID_9P;
	c.good = c.pops && d->id != ID_CONSOLE;
	select_queue(d, c.q);
	c.max = queue_max(d);
	c.qsize = c.max < MAX_QSIZE ? c.max : MAX_QSIZE;
	printf("# abuse: %s: %u queues, requests on queue %u of up to %u\n", d->name,
	       d->nr_queues, c.q, c.max);
	if (!check(c.max && !(c.max & (c.max - 1)), "%s: queue %u's largest size %u is a power of two",
		   d->name, c.q, c.max))
		return;

	registers(&c);
	random_registers(&c);
	queue_sizes(&c);
	queue_addresses(&c);
	queues_past_last(&c);
	notify_before_setup(&c);
	chains(&c);
	reset_in_flight(&c);
	config_space(&c);
	virtio_good_request(d, "after all that");
	if (d->pci)
		check_eq(io_read(common(d, P_NUMQ), 2), d->nr_queues, "its num_queues at the end");
	else
		check(io_read(d->base + M_MAGIC, 4) == MMIO_MAGIC &&
		      io_read(d->base + M_VERSION, 4) == 2 &&
		      io_read(d->base + M_DEVICE_ID, 4) == d->id,
		      "%s: MagicValue, Version and DeviceID at the end", d->name);
	io_alias_off();
}
