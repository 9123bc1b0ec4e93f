// SPDX-License-Identifier: GPL-2.0
/*
 * gen_virtio_9p_corpus.c - seeds for fuzz_virtio_9p: what every device
 * gets (gen_virtio.h), then a Linux 9p mount's session as 9pnet_virtio
 * sends it (each T-message in the chain's readable part, room for the
 * reply in its writable part): version, attach, walk, open, read,
 * readdir, getattr, clunk; a message split over buffers and in an
 * indirect table; and no room for the reply, a message larger than any
 * msize, none at all.
 */
#include "gen_virtio.h"

enum {
	TLOPEN = 12, TGETATTR = 24, TREADDIR = 40, TVERSION = 100, TATTACH = 104,
	TWALK = 110, TREAD = 116, TCLUNK = 120,
};

/* A T-message being built. */
struct msg {
	u8	b[512];
	u32	len;
};

static void m_begin(struct msg *m, u8 type, u16 tag)
{
	m->len = 7;
	m->b[4] = type;
	m->b[5] = tag;
	m->b[6] = tag >> 8;
}

static void m_put(struct msg *m, u64 v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		m->b[m->len++] = v >> 8 * i;
}

static void m_str(struct msg *m, const char *s)
{
	m_put(m, strlen(s), 2);
	memcpy(m->b + m->len, s, strlen(s));
	m->len += strlen(s);
}

static void m_end(struct msg *m)
{
	m->b[0] = m->len;
	m->b[1] = m->len >> 8;
	m->b[2] = m->b[3] = 0;
}

/* @m sent on queue 0 (queue byte @qb) with @room for the reply. */
static void send_msg(struct seed *s, u8 qb, struct msg *m, u16 room)
{
	struct gseg g[2] = { { m->len, 0, 0 }, { room, SW, 0 } };

	m_end(m);
	chain(s, qb | C_KICK, g, 2, m->b, m->len);
}

static void version(struct seed *s, u32 msize)
{
	struct msg m;

	m_begin(&m, TVERSION, 0xffff);
	m_put(&m, msize, 4);
	m_str(&m, "9P2000.L");
	send_msg(s, 0, &m, 64);
}

static void attach(struct seed *s)
{
	struct msg m;

	m_begin(&m, TATTACH, 1);
	m_put(&m, 0, 4);		/* fid */
	m_put(&m, 0xffffffff, 4);	/* afid */
	m_str(&m, "root");
	m_str(&m, "");
	m_put(&m, 0, 4);
	send_msg(s, 0, &m, 64);
}

static void good(struct seed *s)
{
	version(s, 8192);
}

static const struct gen_device p9 = {
	.nq		= 1,
	.qsize		= 128,
	.features	= 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_RING_F_INDIRECT_DESC |
			  1ULL << VIRTIO_RING_F_EVENT_IDX | 1ULL << 0 /* MOUNT_TAG */,
	.has_config	= true,
	.good		= good,
};

static void device_seeds(void)
{
	struct seed *s = calloc(1, sizeof(*s));
	struct gseg g[8];
	struct msg m;
	unsigned int t, i;

	common_seeds(&p9);
	for (t = 0; t < 3; t++) {
		/* mount, ls, cat */
		begin(s, t | H_BRINGUP | (t == 1 ? 8 : 0), 0, 6);
		for (i = 0; i < 0x44; i += 4)
			rd(s, (t == T_MMIO ? 0x100 : BAR_DEVICE) + i, i < 2 ? 2 : 4);
		version(s, 512 * 1024);
		attach(s);
		m_begin(&m, TGETATTR, 2);
		m_put(&m, 0, 4);
		m_put(&m, 0x3fff, 8);
		send_msg(s, 0, &m, 256);
		m_begin(&m, TWALK, 3);
		m_put(&m, 0, 4);
		m_put(&m, 1, 4);
		m_put(&m, 2, 2);
		m_str(&m, "dir");
		m_str(&m, "file");
		send_msg(s, 0, &m, 256);
		m_begin(&m, TLOPEN, 4);
		m_put(&m, 1, 4);
		m_put(&m, 0, 4);
		send_msg(s, 0, &m, 64);
		m_begin(&m, TREAD, 5);
		m_put(&m, 1, 4);
		m_put(&m, 0, 8);
		m_put(&m, 4096, 4);
		send_msg(s, C_INDIRECT, &m, 4096 + 11);
		m_begin(&m, TLOPEN, 6);
		m_put(&m, 0, 4);
		m_put(&m, 0x10000, 4);		/* O_DIRECTORY */
		send_msg(s, 0, &m, 64);
		m_begin(&m, TREADDIR, 7);
		m_put(&m, 0, 4);
		m_put(&m, 0, 8);
		m_put(&m, 8192, 4);
		send_msg(s, 0, &m, 8192 + 11);
		m_begin(&m, TCLUNK, 8);
		m_put(&m, 1, 4);
		send_msg(s, 0, &m, 7);
		save(s, "9p-%s-session", tname[t]);
	}
	/* a message split over buffers, its reply over many */
	begin(s, T_MMIO | H_BRINGUP, 0, 5);
	m_begin(&m, TVERSION, 0xffff);
	m_put(&m, 8192, 4);
	m_str(&m, "9P2000.L");
	m_end(&m);
	for (i = 0; i < 8; i++)
		g[i] = (struct gseg){ i < 4 ? (i < 3 ? 5 : m.len - 15) : 3, i < 4 ? 0 : SW, 0 };
	chain(s, C_KICK, g, 8, m.b, m.len);
	save(s, "9p-split");
	/* no room for the reply, none at all, a message past any msize, an empty one */
	begin(s, T_PCI_INTX | H_BRINGUP, 0, 5);
	m_begin(&m, TVERSION, 0xffff);
	m_put(&m, 8192, 4);
	m_str(&m, "9P2000.L");
	send_msg(s, 0, &m, 6);
	m_begin(&m, TVERSION, 0xffff);
	m_put(&m, 8192, 4);
	m_str(&m, "9P2000.L");
	m_end(&m);
	chain(s, C_KICK, g, 1, m.b, m.len);
	g[0] = (struct gseg){ 0xffff, 0, 0 };
	g[1] = (struct gseg){ 0xffff, 0, 0 };
	g[2] = (struct gseg){ 64, SW, 0 };
	chain(s, C_KICK, g, 3, m.b, m.len);
	g[0] = (struct gseg){ 64, SW, 0 };
	chain(s, C_KICK, g, 1, NULL, 0);
	good(s);
	save(s, "9p-no-room");
	/* a session, then a reset: the fids are gone with the driver */
	begin(s, T_PCI_MSIX | H_BRINGUP, 0, 5);
	version(s, 8192);
	attach(s);
	reset(s);
	bringup(s, 0, 5);
	m_begin(&m, TCLUNK, 1);
	m_put(&m, 0, 4);
	send_msg(s, 0, &m, 64);
	save(s, "9p-reset-drops-fids");
	free(s);
}

int main(int argc, char **argv)
{
	return gen_main(argc, argv);
}
