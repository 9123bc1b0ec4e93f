// SPDX-License-Identifier: GPL-2.0
/*
 * test_virtio.c - split virtqueues on rings laid out by hand in a fake guest
 * RAM (enable, pop, push, interrupt and notification suppression, chain
 * copies), the virtio-mmio transport driven through the MMIO bus as a guest
 * driver drives it, and virtio-rng served from the main loop.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "unit.h"
#include "virtio_driver.h"

/* where the driver puts its one queue of QSIZE entries, tables and buffers */
#define QSIZE		8
#define DESC_GPA	VDRV_DESC_GPA(0)
#define AVAIL_GPA	VDRV_AVAIL_GPA(0)
#define USED_GPA	VDRV_USED_GPA(0)
#define TABLE_GPA	(VDRV_RAM_BASE + 0x4000)	/* indirect tables */
#define BUF_GPA		(VDRV_RAM_BASE + 0x10000)	/* buffers */

static char err[160];

/* ---- one virtqueue on the fake RAM --------------------------------------- */

static struct virtqueue vq;
static struct virtq_chain chain;

/* Place the queue's three areas; the size stays. */
static void place(u64 desc, u64 avail, u64 used)
{
	vq.desc_gpa = desc;
	vq.avail_gpa = avail;
	vq.used_gpa = used;
}

static void vq_setup(void)
{
	vdrv_make_vm(QSIZE, CONSOLE_SERIAL, -1);
	memset(&vq, 0, sizeof(vq));
	vq.max_size = 256;
	vq.notify_fd = -1;
	virtq__reset(&vq);
	vq.size = QSIZE;
	place(DESC_GPA, AVAIL_GPA, USED_GPA);
}

/* virtq__enable() as the queue is: 0, or -1 with a reason. */
static int try_enable(u64 features)
{
	int ret;

	err[0] = '\0';
	ret = virtq__enable(&vq, &vdrv_vm, features, err, sizeof(err));
	ck_assert_msg(ret == 0 || (ret == -1 && err[0]),
		      "virtq__enable returned %d, reason \"%s\"", ret, err);
	return ret;
}

static void enable(u64 features)
{
	ck_assert_msg(try_enable(features) == 0, "refused: %s", err);
}

/* The queue afresh with empty rings, as after a reset of the device. */
static void requeue(u64 features)
{
	vdrv_zero_rings(0);
	enable(features);
}

/* virtq__pop(): 1, 0, or -1 with a reason. */
static int try_pop(void)
{
	int ret;

	err[0] = '\0';
	ret = virtq__pop(&vq, &vdrv_vm, &chain, err, sizeof(err));
	ck_assert_msg(ret == 1 || ret == 0 || (ret == -1 && err[0]),
		      "virtq__pop returned %d, reason \"%s\"", ret, err);
	return ret;
}

static void ck_iov(unsigned int i, u64 gpa, size_t len)
{
	ck_assert_ptr_eq(chain.iov[i].iov_base, vdrv_hva(gpa));
	ck_assert_uint_eq(chain.iov[i].iov_len, len);
}

/*
 * virtq__pop() gives the chain at @head: @nr_out readable buffers of
 * @out_len bytes in all, then @nr_in writable ones of @in_len.
 */
static void ck_pop(u16 head, unsigned int nr_out, unsigned int nr_in, u64 out_len,
		   u64 in_len)
{
	ck_assert_int_eq(try_pop(), 1);
	ck_assert_uint_eq(chain.head, head);
	ck_assert_uint_eq(chain.nr_out, nr_out);
	ck_assert_uint_eq(chain.nr_in, nr_in);
	ck_assert_uint_eq(chain.out_len, out_len);
	ck_assert_uint_eq(chain.in_len, in_len);
}

/* ---- virtq__enable -------------------------------------------------------- */

/* The queue's three areas where a test puts them, and virtq__enable()'s answer. */
struct placement {
	u64	desc, avail, used;
	int	ret;
};

/* Enable the queue at each of @n placements: each must get its answer. */
static void ck_placements(const struct placement *c, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		place(c[i].desc, c[i].avail, c[i].used);
		ck_assert_msg(try_enable(0) == c[i].ret, "case %u: got %s", i,
			      c[i].ret ? "accepted" : err);
	}
}

START_TEST(enable_maps_rings)
{
	vq.last_avail = vq.used_idx = 5;
	enable(F_INDIRECT | F_EVENT_IDX);
	ck_assert_ptr_eq(vq.desc, vdrv_hva(DESC_GPA));
	ck_assert_ptr_eq(vq.avail, vdrv_hva(AVAIL_GPA));
	ck_assert_ptr_eq(vq.used, vdrv_hva(USED_GPA));
	ck_assert(vq.indirect);
	ck_assert(vq.event_idx);
	ck_assert_uint_eq(vq.last_avail, 0);
	ck_assert_uint_eq(vq.used_idx, 0);

	enable(0);
	ck_assert(!vq.indirect);
	ck_assert(!vq.event_idx);
}
END_TEST

START_TEST(enable_sizes)
{
	static const u16 good[] = { 1, 2, 8, 128, 256 };
	static const u16 bad[] = { 0, 3, 6, 100, 255, 257, 512, 0x8000 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		vq.size = good[i];
		ck_assert_msg(try_enable(0) == 0, "size %u: %s", good[i], err);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		vq.size = bad[i];
		ck_assert_msg(try_enable(0) == -1, "size %u taken", bad[i]);
	}
	/* the bound is the queue's max_size */
	vq.max_size = 4;
	vq.size = 8;
	ck_assert_int_eq(try_enable(0), -1);
}
END_TEST

START_TEST(enable_alignment)
{
	static const struct placement c[] = {
		/* 2.7: 16, 2 and 4 bytes are enough */
		{ DESC_GPA + 16, AVAIL_GPA + 2, USED_GPA + 4, 0 },
		{ DESC_GPA + 8, AVAIL_GPA, USED_GPA, -1 },
		{ DESC_GPA + 1, AVAIL_GPA, USED_GPA, -1 },
		{ DESC_GPA, AVAIL_GPA + 1, USED_GPA, -1 },
		{ DESC_GPA, AVAIL_GPA, USED_GPA + 2, -1 },
		{ DESC_GPA, AVAIL_GPA, USED_GPA + 1, -1 },
	};

	ck_placements(c, ARRAY_SIZE(c));
}
END_TEST

START_TEST(enable_rings_in_ram)
{
	/* sizes for 8 entries: 128, 22 and 70 bytes */
	static const struct placement c[] = {
		/* each area ending at the very end of RAM */
		{ VDRV_RAM_END - 128, VDRV_RAM_END - 22, VDRV_RAM_END - 72, 0 },
		{ VDRV_RAM_BASE, VDRV_RAM_BASE + 128, VDRV_RAM_BASE + 152, 0 },
		/* below RAM */
		{ VDRV_RAM_BASE - 0x1000, AVAIL_GPA, USED_GPA, -1 },
		{ DESC_GPA, VDRV_RAM_BASE - 2, USED_GPA, -1 },
		{ DESC_GPA, AVAIL_GPA, 0, -1 },
		/* straddling its end */
		{ VDRV_RAM_END - 112, AVAIL_GPA, USED_GPA, -1 },
		{ DESC_GPA, VDRV_RAM_END - 20, USED_GPA, -1 },
		{ DESC_GPA, AVAIL_GPA, VDRV_RAM_END - 68, -1 },
		/* past it */
		{ VDRV_RAM_END, AVAIL_GPA, USED_GPA, -1 },
		/* wrapping 64 bits */
		{ 0xfffffffffffffff0ULL, AVAIL_GPA, USED_GPA, -1 },
		{ DESC_GPA, 0xfffffffffffffffeULL, USED_GPA, -1 },
		{ DESC_GPA, AVAIL_GPA, 0xfffffffffffffffcULL, -1 },
	};

	ck_placements(c, ARRAY_SIZE(c));
}
END_TEST

/* ---- virtq__pop ----------------------------------------------------------- */

START_TEST(pop_empty)
{
	enable(0);
	ck_assert_int_eq(try_pop(), 0);
	ck_assert_uint_eq(vq.last_avail, 0);
}
END_TEST

START_TEST(pop_single_buffer)
{
	enable(0);
	vdrv_desc(0, 3, BUF_GPA, 64, VRING_DESC_F_WRITE, 0);
	vdrv_post(0, 3);
	ck_pop(3, 0, 1, 0, 64);
	ck_iov(0, BUF_GPA, 64);
	ck_assert_uint_eq(vq.last_avail, 1);
	ck_assert_int_eq(try_pop(), 0);
}
END_TEST

START_TEST(pop_out_then_in)
{
	enable(0);
	vdrv_desc(0, 2, BUF_GPA, 16, VRING_DESC_F_NEXT, 5);
	vdrv_desc(0, 5, BUF_GPA + 0x100, 32, VRING_DESC_F_NEXT, 1);
	vdrv_desc(0, 1, BUF_GPA + 0x200, 100, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 7);
	vdrv_desc(0, 7, BUF_GPA + 0x300, 1, VRING_DESC_F_WRITE, 0);
	vdrv_post(0, 2);
	ck_pop(2, 2, 2, 48, 101);
	ck_iov(0, BUF_GPA, 16);
	ck_iov(1, BUF_GPA + 0x100, 32);
	ck_iov(2, BUF_GPA + 0x200, 100);
	ck_iov(3, BUF_GPA + 0x300, 1);
}
END_TEST

START_TEST(pop_in_order)
{
	enable(0);
	vdrv_desc(0, 4, BUF_GPA, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 6);
	vdrv_desc(0, 6, BUF_GPA + 8, 8, VRING_DESC_F_WRITE, 0);
	vdrv_desc(0, 0, BUF_GPA + 0x100, 4, 0, 0);
	vdrv_post(0, 4);
	vdrv_post(0, 0);
	ck_assert_int_eq(try_pop(), 1);
	ck_assert_uint_eq(chain.head, 4);
	ck_assert_uint_eq(chain.nr_in, 2);
	/* the second chain starts from nothing */
	ck_pop(0, 1, 0, 4, 0);
	ck_iov(0, BUF_GPA + 0x100, 4);
	ck_assert_int_eq(try_pop(), 0);
}
END_TEST

START_TEST(pop_chain_of_whole_table)
{
	unsigned int i;

	/* every descriptor once, in reverse: as long as a chain gets, no loop */
	enable(0);
	for (i = 0; i < QSIZE; i++)
		vdrv_desc(0, i, BUF_GPA + i, 1, i ? VRING_DESC_F_NEXT : 0, i - 1);
	vdrv_post(0, QSIZE - 1);
	ck_assert_int_eq(try_pop(), 1);
	ck_assert_uint_eq(chain.nr_out, QSIZE);
	ck_iov(QSIZE - 1, BUF_GPA, 1);
}
END_TEST

START_TEST(pop_avail_full)
{
	unsigned int i;

	/* avail idx exactly a ring ahead: every entry is a chain */
	enable(0);
	for (i = 0; i < QSIZE; i++) {
		vdrv_desc(0, i, BUF_GPA + i * 16, 16, VRING_DESC_F_WRITE, 0);
		vdrv_post(0, i);
	}
	for (i = 0; i < QSIZE; i++) {
		ck_assert_int_eq(try_pop(), 1);
		ck_assert_uint_eq(chain.head, i);
	}
	ck_assert_int_eq(try_pop(), 0);
}
END_TEST

START_TEST(pop_avail_idx_too_far)
{
	static const u16 idx[] = { QSIZE + 1, 0x8000, 0xffff };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		requeue(0);
		vdrv_desc(0, 0, BUF_GPA, 16, VRING_DESC_F_WRITE, 0);
		vdrv_q[0].avail->idx = htole16(idx[i]);
		ck_assert_msg(try_pop() == -1, "avail idx %u taken", idx[i]);
	}
}
END_TEST

START_TEST(pop_head_out_of_range)
{
	static const u16 head[] = { QSIZE, QSIZE + 1, 0xffff };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(head); i++) {
		requeue(0);
		vdrv_desc(0, 0, BUF_GPA, 16, VRING_DESC_F_WRITE, 0);
		/* what would be descriptor QSIZE looks like a good one */
		vdrv_desc(0, QSIZE, BUF_GPA, 16, VRING_DESC_F_WRITE, 0);
		vdrv_post(0, head[i]);
		ck_assert_msg(try_pop() == -1, "head %u taken", head[i]);
	}
}
END_TEST

START_TEST(pop_next_out_of_range)
{
	static const u16 next[] = { QSIZE, 0xffff };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(next); i++) {
		requeue(0);
		vdrv_desc(0, 0, BUF_GPA, 16, VRING_DESC_F_NEXT, next[i]);
		vdrv_desc(0, QSIZE, BUF_GPA, 16, VRING_DESC_F_WRITE, 0);
		vdrv_post(0, 0);
		ck_assert_msg(try_pop() == -1, "next %u taken", next[i]);
	}
}
END_TEST

START_TEST(pop_loop)
{
	enable(0);
	vdrv_desc(0, 0, BUF_GPA, 16, VRING_DESC_F_NEXT, 1);
	vdrv_desc(0, 1, BUF_GPA + 16, 16, VRING_DESC_F_NEXT, 0);
	vdrv_post(0, 0);
	ck_assert_int_eq(try_pop(), -1);

	requeue(0);
	vdrv_desc(0, 2, BUF_GPA, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 2);
	vdrv_post(0, 2);
	ck_assert_int_eq(try_pop(), -1);
}
END_TEST

START_TEST(pop_readable_after_writable)
{
	enable(0);
	vdrv_desc(0, 0, BUF_GPA, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	vdrv_desc(0, 1, BUF_GPA + 16, 16, 0, 0);
	vdrv_post(0, 0);
	ck_assert_int_eq(try_pop(), -1);
}
END_TEST

START_TEST(pop_buffer_in_ram)
{
	static const struct {
		u64	addr;
		u32	len;
		int	ret;
	} c[] = {
		{ VDRV_RAM_END - 16, 16, 1 },		/* up to the very end */
		{ VDRV_RAM_END - 8, 16, -1 },		/* straddling it */
		{ VDRV_RAM_END, 1, -1 },
		{ VDRV_RAM_BASE - 8, 16, -1 },		/* from below */
		{ 0, 16, -1 },
		{ 0xfffffffffffffff8ULL, 16, -1 },	/* wrapping 64 bits */
		{ BUF_GPA, 0xffffffff, -1 },
	};
	unsigned int i, w;

	for (w = 0; w < 2; w++) {
		for (i = 0; i < ARRAY_SIZE(c); i++) {
			requeue(0);
			vdrv_desc(0, 0, BUF_GPA, 8, VRING_DESC_F_NEXT, 1);
			vdrv_desc(0, 1, c[i].addr, c[i].len, w ? VRING_DESC_F_WRITE : 0, 0);
			vdrv_post(0, 0);
			ck_assert_msg(try_pop() == c[i].ret, "case %u%s: got %s", i,
				      w ? " writable" : "", c[i].ret < 0 ? "accepted" : err);
		}
	}
}
END_TEST

START_TEST(pop_writable_over_rings)
{
	static const struct {
		u64	addr;
		u32	len;
		int	ret;
	} c[] = {
		{ USED_GPA + 8, 8, -1 },		/* in the used ring */
		{ USED_GPA - 4, 8, -1 },		/* into it from below */
		{ USED_GPA + 6 + 8 * QSIZE - 1, 4, -1 },/* over avail_event */
		{ AVAIL_GPA, 2, -1 },			/* the avail ring */
		{ DESC_GPA + 16 * QSIZE - 1, 4, -1 },	/* the descriptor table */
		{ USED_GPA - 16, 16, 1 },		/* just below the used ring */
		{ USED_GPA + 6 + 8 * QSIZE, 16, 1 },	/* just past it */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		requeue(0);
		vdrv_desc(0, 0, c[i].addr, c[i].len, VRING_DESC_F_WRITE, 0);
		vdrv_post(0, 0);
		ck_assert_msg(try_pop() == c[i].ret, "case %u: got %s", i,
			      c[i].ret < 0 ? "accepted" : err);
	}
}
END_TEST

/* ---- virtq__pop, indirect tables ------------------------------------------ */

/* desc[0] pointing at an indirect table of @n entries at TABLE_GPA. */
static struct vring_desc *indirect(unsigned int n, u16 flags)
{
	vdrv_desc(0, 0, TABLE_GPA, 16 * n, VRING_DESC_F_INDIRECT | flags, 0);
	vdrv_post(0, 0);
	return vdrv_hva(TABLE_GPA);
}

START_TEST(pop_indirect)
{
	struct vring_desc *t;

	enable(F_INDIRECT);
	t = indirect(3, 0);
	vdrv_table_desc(t, 0, BUF_GPA, 8, VRING_DESC_F_NEXT, 2);
	vdrv_table_desc(t, 2, BUF_GPA + 0x100, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	vdrv_table_desc(t, 1, BUF_GPA + 0x200, 32, VRING_DESC_F_WRITE, 0);
	ck_pop(0, 1, 2, 8, 48);
	ck_iov(0, BUF_GPA, 8);
	ck_iov(1, BUF_GPA + 0x100, 16);
	ck_iov(2, BUF_GPA + 0x200, 32);
}
END_TEST

/*
 * An indirect table at any address: 2.7.5.3 asks no alignment of it.
 * Its descriptors are read as bytes (found by fuzz_virtio_rng: loaded as
 * a struct vring_desc, UBSan's misaligned access, and on arm64 an
 * alignment fault for any acquire load).
 */
START_TEST(pop_indirect_misaligned)
{
	static const unsigned int shift[] = { 1, 2, 8, 15 };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(shift); i++) {
		u64 gpa = TABLE_GPA + shift[i];
		struct vring_desc d[2];

		requeue(F_INDIRECT);
		vdrv_table_desc(d, 0, BUF_GPA, 8, VRING_DESC_F_NEXT, 1);
		vdrv_table_desc(d, 1, BUF_GPA + 0x100, 16, VRING_DESC_F_WRITE, 0);
		for (j = 0; j < 2; j++)
			memcpy(vdrv_hva(gpa + 16 * j), &d[j], sizeof(d[j]));
		vdrv_desc(0, 0, gpa, sizeof(d), VRING_DESC_F_INDIRECT, 0);
		vdrv_post(0, 0);
		ck_pop(0, 1, 1, 8, 16);
		ck_iov(0, BUF_GPA, 8);
		ck_iov(1, BUF_GPA + 0x100, 16);
	}
}
END_TEST

START_TEST(pop_indirect_ignores_write_flag)
{
	struct vring_desc *t;

	/* 2.7.5.3.2: the device ignores WRITE on the descriptor of a table */
	enable(F_INDIRECT);
	t = indirect(1, VRING_DESC_F_WRITE);
	vdrv_table_desc(t, 0, BUF_GPA, 8, 0, 0);
	ck_assert_int_eq(try_pop(), 1);
	ck_assert_uint_eq(chain.nr_out, 1);
	ck_assert_uint_eq(chain.nr_in, 0);
}
END_TEST

/* A good one-entry table, at NESTED_GPA, for an entry of a table to point at. */
#define NESTED_GPA	(TABLE_GPA + 0x100)

/* One entry of a descriptor table. */
struct entry {
	u64	addr;
	u32	len;
	u16	flags, next;
};

/*
 * Indirect tables virtq__pop() refuses, a case to a run of the loop test:
 * desc[0], with @flags, points at the table of @n entries at TABLE_GPA;
 * with NEXT, it chains on to desc[1], a good buffer.
 */
static const struct {
	const char	*what;
	u64		features;
	u16		flags;
	unsigned int	n;
	struct entry	t[3];
} bad_tables[] = {
	{ "indirect not negotiated", 0, 0, 1, {
		{ BUF_GPA, 8, VRING_DESC_F_WRITE, 0 },
	} },
	{ "the table's descriptor with NEXT", F_INDIRECT, VRING_DESC_F_NEXT, 1, {
		{ BUF_GPA, 8, VRING_DESC_F_WRITE, 0 },
	} },
	{ "a table in the table", F_INDIRECT, 0, 2, {
		{ BUF_GPA, 8, VRING_DESC_F_NEXT, 1 },
		{ NESTED_GPA, 16, VRING_DESC_F_INDIRECT, 0 },
	} },
	/* the bound in a table is its own length, not the queue size */
	{ "next past the table's end", F_INDIRECT, 0, 2, {
		{ BUF_GPA, 8, VRING_DESC_F_NEXT, 2 },
		{ BUF_GPA + 8, 8, 0, 0 },
		{ BUF_GPA + 16, 8, 0, 0 },
	} },
	{ "a loop in the table", F_INDIRECT, 0, 3, {
		{ BUF_GPA, 8, VRING_DESC_F_NEXT, 1 },
		{ BUF_GPA + 8, 8, VRING_DESC_F_NEXT, 2 },
		{ BUF_GPA + 16, 8, VRING_DESC_F_NEXT, 1 },
	} },
};

START_TEST(pop_indirect_refused)
{
	const typeof(bad_tables[0]) *c = &bad_tables[_i];
	struct vring_desc *t = vdrv_hva(TABLE_GPA);
	const struct entry *e;
	u16 i;

	ck_assert_msg(try_enable(c->features) == 0, "%s: refused: %s", c->what, err);
	vdrv_table_desc(vdrv_hva(NESTED_GPA), 0, BUF_GPA + 0x100, 8, VRING_DESC_F_WRITE, 0);
	for (i = 0, e = c->t; i < ARRAY_SIZE(c->t); i++, e++)
		vdrv_table_desc(t, i, e->addr, e->len, e->flags, e->next);
	vdrv_desc(0, 1, BUF_GPA + 0x100, 8, VRING_DESC_F_WRITE, 0);
	vdrv_desc(0, 0, TABLE_GPA, 16 * c->n, VRING_DESC_F_INDIRECT | c->flags, 1);
	vdrv_post(0, 0);
	ck_assert_msg(try_pop() == -1, "%s: taken", c->what);
}
END_TEST

START_TEST(pop_indirect_bad_len)
{
	static const u32 len[] = { 0, 8, 15, 24, 47 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(len); i++) {
		requeue(F_INDIRECT);
		vdrv_table_desc(vdrv_hva(TABLE_GPA), 0, BUF_GPA, 8, VRING_DESC_F_WRITE, 0);
		vdrv_desc(0, 0, TABLE_GPA, len[i], VRING_DESC_F_INDIRECT, 0);
		vdrv_post(0, 0);
		ck_assert_msg(try_pop() == -1, "indirect len %u taken", len[i]);
	}
}
END_TEST

START_TEST(pop_indirect_table_in_ram)
{
	static const u64 addr[] = {
		VDRV_RAM_END - 16, VDRV_RAM_END, VDRV_RAM_BASE - 16, 0xfffffffffffffff0ULL,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(addr); i++) {
		requeue(F_INDIRECT);
		vdrv_desc(0, 0, addr[i], 48, VRING_DESC_F_INDIRECT, 0);
		vdrv_post(0, 0);
		ck_assert_msg(try_pop() == -1, "table at 0x%llx taken",
			      (unsigned long long)addr[i]);
	}
}
END_TEST

/* An indirect chain of @n one-byte readable buffers. */
static void long_chain(unsigned int n)
{
	struct vring_desc *t = indirect(n, 0);
	unsigned int i;

	for (i = 0; i < n; i++)
		vdrv_table_desc(t, i, BUF_GPA + i, 1, i + 1 < n ? VRING_DESC_F_NEXT : 0, i + 1);
}

START_TEST(pop_chain_too_long)
{
	enable(F_INDIRECT);
	long_chain(VIRTQ_MAX_CHAIN);
	ck_assert_int_eq(try_pop(), 1);
	ck_assert_uint_eq(chain.nr_out, VIRTQ_MAX_CHAIN);
	ck_assert_uint_eq(chain.out_len, VIRTQ_MAX_CHAIN);
	ck_iov(VIRTQ_MAX_CHAIN - 1, BUF_GPA + VIRTQ_MAX_CHAIN - 1, 1);

	requeue(F_INDIRECT);
	long_chain(VIRTQ_MAX_CHAIN + 1);
	ck_assert_int_eq(try_pop(), -1);

	requeue(F_INDIRECT);
	long_chain(1000);
	ck_assert_int_eq(try_pop(), -1);
}
END_TEST

/* ---- virtq__push ---------------------------------------------------------- */

START_TEST(push_fills_used_ring)
{
	enable(0);
	vdrv_desc(0, 5, BUF_GPA, 64, VRING_DESC_F_WRITE, 0);
	vdrv_desc(0, 2, BUF_GPA + 64, 64, VRING_DESC_F_WRITE, 0);
	vdrv_post(0, 5);
	vdrv_post(0, 2);
	ck_assert_int_eq(try_pop(), 1);
	virtq__push(&vq, chain.head, 42);
	ck_assert_uint_eq(vdrv_used_idx(0), 1);
	ck_assert_int_eq(try_pop(), 1);
	virtq__push(&vq, chain.head, 0);
	ck_assert_uint_eq(vdrv_used_id(0, 0), 5);
	ck_assert_uint_eq(vdrv_used_len(0, 0), 42);
	ck_assert_uint_eq(vdrv_used_id(0, 1), 2);
	ck_assert_uint_eq(vdrv_used_len(0, 1), 0);
	ck_assert_uint_eq(vdrv_used_idx(0), 2);
	ck_assert_uint_eq(vq.used_idx, 2);
}
END_TEST

START_TEST(push_indexes_wrap)
{
	unsigned int i;

	/* a driver and device 65534 buffers into their lives */
	enable(0);
	vq.last_avail = vq.used_idx = 65534;
	vdrv_q[0].avail->idx = htole16(65534);
	vdrv_q[0].used->idx = htole16(65534);
	for (i = 0; i < 3; i++) {
		vdrv_desc(0, i, BUF_GPA + i * 16, 16, VRING_DESC_F_WRITE, 0);
		vdrv_post(0, i);
	}
	ck_assert_uint_eq(le16toh(vdrv_q[0].avail->idx), 1);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(try_pop(), 1);
		ck_assert_uint_eq(chain.head, i);
		virtq__push(&vq, chain.head, 10 + i);
	}
	ck_assert_int_eq(try_pop(), 0);
	ck_assert_uint_eq(vq.last_avail, 1);
	ck_assert_uint_eq(vq.used_idx, 1);
	ck_assert_uint_eq(vdrv_used_idx(0), 1);
	/* used entries 65534, 65535 and 0 of a ring of 8: slots 6, 7, 0 */
	ck_assert_uint_eq(vdrv_used_id(0, 6), 0);
	ck_assert_uint_eq(vdrv_used_len(0, 6), 10);
	ck_assert_uint_eq(vdrv_used_id(0, 7), 1);
	ck_assert_uint_eq(vdrv_used_len(0, 7), 11);
	ck_assert_uint_eq(vdrv_used_id(0, 0), 2);
	ck_assert_uint_eq(vdrv_used_len(0, 0), 12);
}
END_TEST

/* ---- virtq__needs_interrupt ----------------------------------------------- */

START_TEST(needs_interrupt_flags)
{
	enable(0);
	*vdrv_used_event(0) = htole16(0);
	virtq__push(&vq, 0, 0);
	ck_assert(virtq__needs_interrupt(&vq));
	ck_assert(virtq__needs_interrupt(&vq));
	vdrv_q[0].avail->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);
	virtq__push(&vq, 0, 0);
	ck_assert(!virtq__needs_interrupt(&vq));
	vdrv_q[0].avail->flags = 0;
	ck_assert(virtq__needs_interrupt(&vq));
}
END_TEST

START_TEST(needs_interrupt_event_idx)
{
	enable(F_EVENT_IDX);
	/* ignored with EVENT_IDX: every answer below comes from used_event */
	vdrv_q[0].avail->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);
	*vdrv_used_event(0) = htole16(100);

	/* the first time, whatever used_event says */
	virtq__push(&vq, 0, 0);
	ck_assert(virtq__needs_interrupt(&vq));

	/* used idx moves past 1: 1 -> 2 */
	*vdrv_used_event(0) = htole16(1);
	virtq__push(&vq, 0, 0);
	ck_assert(virtq__needs_interrupt(&vq));

	/* once entry 5 is used, not before */
	*vdrv_used_event(0) = htole16(5);
	virtq__push(&vq, 0, 0);
	ck_assert(!virtq__needs_interrupt(&vq));
	virtq__push(&vq, 0, 0);
	ck_assert(!virtq__needs_interrupt(&vq));
	virtq__push(&vq, 0, 0);
	ck_assert(!virtq__needs_interrupt(&vq));
	virtq__push(&vq, 0, 0);
	ck_assert(virtq__needs_interrupt(&vq));

	/* a batch that crosses used_event */
	*vdrv_used_event(0) = htole16(6);
	virtq__push(&vq, 0, 0);
	virtq__push(&vq, 0, 0);
	ck_assert(virtq__needs_interrupt(&vq));

	/* nothing new used */
	*vdrv_used_event(0) = htole16(7);
	ck_assert(!virtq__needs_interrupt(&vq));
}
END_TEST

START_TEST(needs_interrupt_event_idx_wraps)
{
	enable(F_EVENT_IDX);
	vq.used_idx = 65533;
	vdrv_q[0].used->idx = htole16(65533);
	virtq__push(&vq, 0, 0);
	ck_assert(virtq__needs_interrupt(&vq));
	*vdrv_used_event(0) = htole16(65535);
	virtq__push(&vq, 0, 0);
	ck_assert(!virtq__needs_interrupt(&vq));
	virtq__push(&vq, 0, 0);
	ck_assert_uint_eq(vq.used_idx, 0);
	ck_assert(virtq__needs_interrupt(&vq));
}
END_TEST

START_TEST(needs_interrupt_event_idx_after_enable)
{
	enable(F_EVENT_IDX);
	virtq__push(&vq, 0, 0);
	ck_assert(virtq__needs_interrupt(&vq));

	/* a queue enabled again starts over: its used idx 1 is news again */
	requeue(F_EVENT_IDX);
	*vdrv_used_event(0) = htole16(100);
	virtq__push(&vq, 0, 0);
	ck_assert(virtq__needs_interrupt(&vq));
}
END_TEST

/* ---- virtq__arm_notify ---------------------------------------------------- */

START_TEST(arm_notify_event_idx)
{
	enable(F_EVENT_IDX);
	*vdrv_avail_event(0) = htole16(0xabcd);
	ck_assert(!virtq__arm_notify(&vq));
	ck_assert_uint_eq(le16toh(*vdrv_avail_event(0)), 0);

	vdrv_desc(0, 0, BUF_GPA, 16, VRING_DESC_F_WRITE, 0);
	vdrv_post(0, 0);
	ck_assert(virtq__arm_notify(&vq));
	ck_assert_int_eq(try_pop(), 1);
	ck_assert(!virtq__arm_notify(&vq));
	ck_assert_uint_eq(le16toh(*vdrv_avail_event(0)), 1);
}
END_TEST

START_TEST(arm_notify_flags)
{
	enable(0);
	vdrv_q[0].used->flags = htole16(VRING_USED_F_NO_NOTIFY);
	*vdrv_avail_event(0) = htole16(0xabcd);
	ck_assert(!virtq__arm_notify(&vq));
	ck_assert_uint_eq(le16toh(vdrv_q[0].used->flags), 0);
	ck_assert_uint_eq(le16toh(*vdrv_avail_event(0)), 0xabcd);

	vdrv_desc(0, 0, BUF_GPA, 16, VRING_DESC_F_WRITE, 0);
	vdrv_post(0, 0);
	ck_assert(virtq__arm_notify(&vq));
}
END_TEST

/* ---- virtq_chain__read and virtq_chain__write ----------------------------- */

/*
 * A chain over back[]: out buffers of 4, 0, 5 and 7 bytes at 0, 4, 8 and
 * 16; in buffers of 3 and 6 bytes at 32 and 40.  Every byte is its offset.
 */
static u8 back[64];
static struct virtq_chain hand;

static void hand_setup(void)
{
	static const struct { unsigned int off, len; } b[] = {
		{ 0, 4 }, { 4, 0 }, { 8, 5 }, { 16, 7 }, { 32, 3 }, { 40, 6 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(back); i++)
		back[i] = i;
	memset(&hand, 0, sizeof(hand));
	for (i = 0; i < ARRAY_SIZE(b); i++)
		hand.iov[i] = (struct iovec){ back + b[i].off, b[i].len };
	hand.nr_out = 4;
	hand.nr_in = 2;
	hand.out_len = 16;
	hand.in_len = 9;
}

START_TEST(chain_read_across_buffers)
{
	static const u8 all[] = { 0, 1, 2, 3, 8, 9, 10, 11, 12, 16, 17, 18, 19, 20, 21, 22 };
	u8 dst[32];

	memset(dst, 0xee, sizeof(dst));
	ck_assert_uint_eq(virtq_chain__read(&hand, 0, dst, sizeof(dst)), 16);
	ck_assert_mem_eq(dst, all, sizeof(all));
	ck_assert_uint_eq(dst[16], 0xee);

	memset(dst, 0xee, sizeof(dst));
	ck_assert_uint_eq(virtq_chain__read(&hand, 3, dst, 4), 4);
	ck_assert_mem_eq(dst, "\x03\x08\x09\x0a\xee", 5);

	memset(dst, 0xee, sizeof(dst));
	ck_assert_uint_eq(virtq_chain__read(&hand, 6, dst, 8), 8);
	ck_assert_mem_eq(dst, all + 6, 8);
	ck_assert_uint_eq(dst[8], 0xee);
}
END_TEST

START_TEST(chain_write_across_buffers)
{
	u8 before[64];

	memcpy(before, back, sizeof(back));
	ck_assert_uint_eq(virtq_chain__write(&hand, 0, "ABCDEFGHI", 9), 9);
	ck_assert_mem_eq(back + 32, "ABC", 3);
	ck_assert_mem_eq(back + 40, "DEFGHI", 6);

	ck_assert_uint_eq(virtq_chain__write(&hand, 2, "xyz", 3), 3);
	ck_assert_mem_eq(back + 32, "ABx", 3);
	ck_assert_mem_eq(back + 40, "yzFGHI", 6);

	/* nothing but the in buffers changed */
	ck_assert_mem_eq(back, before, 32);
	ck_assert_mem_eq(back + 35, before + 35, 5);
	ck_assert_mem_eq(back + 46, before + 46, 64 - 46);
}
END_TEST

START_TEST(chain_short)
{
	u8 dst[16];

	ck_assert_uint_eq(virtq_chain__read(&hand, 14, dst, sizeof(dst)), 2);
	ck_assert_mem_eq(dst, "\x15\x16", 2);
	ck_assert_uint_eq(virtq_chain__read(&hand, 16, dst, 4), 0);
	ck_assert_uint_eq(virtq_chain__read(&hand, 1000, dst, 4), 0);
	ck_assert_uint_eq(virtq_chain__read(&hand, 0, dst, 0), 0);

	ck_assert_uint_eq(virtq_chain__write(&hand, 7, "12345", 5), 2);
	ck_assert_mem_eq(back + 44, "12", 2);
	ck_assert_uint_eq(back[46], 46);
	ck_assert_uint_eq(virtq_chain__write(&hand, 9, "1", 1), 0);

	/* a chain with no in part, and one with no out part */
	hand.nr_in = 0;
	ck_assert_uint_eq(virtq_chain__write(&hand, 0, "1", 1), 0);
	hand.nr_out = 0;
	ck_assert_uint_eq(virtq_chain__read(&hand, 0, dst, 1), 0);
}
END_TEST

START_TEST(chain_copies_guest_memory)
{
	u8 out[24], *in = vdrv_hva(BUF_GPA + 0x200);
	unsigned int i;

	enable(0);
	for (i = 0; i < 24; i++)
		((u8 *)vdrv_hva(BUF_GPA))[i] = 0x40 + i;
	vdrv_desc(0, 0, BUF_GPA, 10, VRING_DESC_F_NEXT, 1);
	vdrv_desc(0, 1, BUF_GPA + 10, 14, VRING_DESC_F_NEXT, 2);
	vdrv_desc(0, 2, BUF_GPA + 0x200, 4, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 3);
	vdrv_desc(0, 3, BUF_GPA + 0x300, 4, VRING_DESC_F_WRITE, 0);
	vdrv_post(0, 0);
	ck_assert_int_eq(try_pop(), 1);
	ck_assert_uint_eq(virtq_chain__read(&chain, 0, out, sizeof(out)), 24);
	ck_assert_mem_eq(out, vdrv_hva(BUF_GPA), 24);
	ck_assert_uint_eq(virtq_chain__write(&chain, 0, "abcdefghij", 10), 8);
	ck_assert_mem_eq(in, "abcd", 4);
	ck_assert_mem_eq(vdrv_hva(BUF_GPA + 0x300), "efgh", 4);
	ck_assert_uint_eq(in[4], 0);
}
END_TEST

/* ---- virtio_dev__init ----------------------------------------------------- */

START_TEST(dev_init_refuses)
{
	static const struct { unsigned int nr; u16 max; } c[] = {
		{ 0, 16 }, { VIRTQ_MAX_QUEUES + 1, 16 },
		{ 1, 0 }, { 1, 3 }, { 1, 48 }, { 1, 2 * VIRTQ_MAX_SIZE },
	};
	struct virtio_dev vdev;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		ck_assert_msg(virtio_dev__init(&vdev, &vdrv_vm, "t", 1, 0, c[i].nr,
					       c[i].max) == -EINVAL,
			      "%u queues of %u taken", c[i].nr, c[i].max);
}
END_TEST

START_TEST(dev_init_queues)
{
	struct virtio_dev vdev;
	int fds[3];
	unsigned int i;

	ck_assert_int_eq(virtio_dev__init(&vdev, &vdrv_vm, "t", 1, 1ULL << 3, 3,
					  VIRTQ_MAX_SIZE), 0);
	ck_assert_uint_eq(vdev.features,
			  (1ULL << 3) | F_VERSION_1 | F_INDIRECT | F_EVENT_IDX);
	ck_assert_uint_eq(vdev.nr_queues, 3);
	ck_assert_uint_eq(vdev.status, 0);
	for (i = 0; i < 3; i++) {
		ck_assert_ptr_eq(vdev.vqs[i].vdev, &vdev);
		ck_assert_uint_eq(vdev.vqs[i].index, i);
		ck_assert_uint_eq(vdev.vqs[i].max_size, VIRTQ_MAX_SIZE);
		ck_assert_uint_eq(vdev.vqs[i].size, VIRTQ_MAX_SIZE);
		ck_assert(!vdev.vqs[i].ready);
		ck_assert_int_ge(vdev.vqs[i].notify_fd, 0);
		fds[i] = vdev.vqs[i].notify_fd;
	}
	for (; i < VIRTQ_MAX_QUEUES; i++)
		ck_assert_int_eq(vdev.vqs[i].notify_fd, -1);
	virtio_dev__destroy(&vdev);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(fcntl(fds[i], F_GETFD), -1);
		ck_assert_int_eq(errno, EBADF);
	}
}
END_TEST

/* ---- the virtio-mmio transport, with a device model of our own ----------- */

#define STUB_ID		42	/* a device id no model here uses */
#define STUB_QUEUES	2
#define STUB_QUEUE_MAX	16
#define STUB_FEATURES	((1ULL << 0) | (1ULL << 5))

#define STUB_CONFIG	12	/* bytes of config space, in a larger buffer */

static struct vdrv_stub stub;

static void stub_setup(void)
{
	unsigned int i;

	vdrv_make_vm(QSIZE, CONSOLE_SERIAL, -1);
	memset(&stub, 0, sizeof(stub));
	ck_assert_int_eq(virtio_dev__init(&stub.vdev, &vdrv_vm, "virtio-stub", STUB_ID,
					  STUB_FEATURES, STUB_QUEUES, STUB_QUEUE_MAX), 0);
	/* bytes 0x10 to 0x1b, then ones the driver must not see */
	for (i = 0; i < sizeof(stub.config); i++)
		stub.config[i] = i < STUB_CONFIG ? 0x10 + i : 0xff;
	stub.vdev.ops = &vdrv_stub_ops;
	stub.vdev.priv = &stub;
	stub.vdev.config = stub.config;
	stub.vdev.config_size = STUB_CONFIG;
	ck_assert_int_eq(virtio_mmio__add(&stub.vdev), 0);
}

static void stub_teardown(void)
{
	virtio_dev__remove(&stub.vdev);
	virtio_dev__destroy(&stub.vdev);
}

START_TEST(mmio_identity)
{
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_VERSION), 2);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_DEVICE_ID), STUB_ID);
	ck_assert_uint_eq(vdrv_status(), 0);
	ck_assert_uint_eq(vdrv_int_status(), 0);
	/* 4.2.2: no shared memory region reads as a length of -1 */
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffff);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_CONFIG_GENERATION), 0);
	stub.vdev.config_generation = 7;
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_CONFIG_GENERATION), 7);
}
END_TEST

START_TEST(mmio_device_features)
{
	ck_assert_uint_eq(vdrv_device_features(),
			  STUB_FEATURES | F_INDIRECT | F_EVENT_IDX | F_VERSION_1);
	vdrv_wr32(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_DEVICE_FEATURES), 0);
	vdrv_wr32(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0xffffffff);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_DEVICE_FEATURES), 0);
}
END_TEST

START_TEST(mmio_init_sequence)
{
	const u64 features = F_VERSION_1 | F_EVENT_IDX | (1ULL << 5);
	struct virtqueue *q = &stub.vdev.vqs[0];

	vdrv_wr32(VIRTIO_MMIO_STATUS, S_ACK);
	ck_assert_uint_eq(vdrv_status(), S_ACK);
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_DRIVER);
	ck_assert_uint_eq(vdrv_status(), S_DRIVER);
	vdrv_write_features(features);
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_FEATURES);
	ck_assert_uint_eq(vdrv_status(), S_FEATURES);
	ck_assert_uint_eq(stub.vdev.driver_features, features);

	ck_assert_uint_eq(vdrv_queue_num_max(0), STUB_QUEUE_MAX);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY), 0);
	vdrv_write_queue(0, QSIZE, DESC_GPA, AVAIL_GPA, USED_GPA);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY), 1);
	ck_assert_uint_eq(q->size, QSIZE);
	ck_assert_ptr_eq(q->desc, vdrv_hva(DESC_GPA));
	ck_assert_ptr_eq(q->avail, vdrv_hva(AVAIL_GPA));
	ck_assert_ptr_eq(q->used, vdrv_hva(USED_GPA));
	ck_assert(q->event_idx);
	ck_assert(!q->indirect);
	ck_assert_uint_eq(stub.starts, 0);

	vdrv_wr32(VIRTIO_MMIO_STATUS, S_RUNNING);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
	ck_assert_uint_eq(stub.starts, 1);
	ck_assert_uint_eq(vdrv_int_status(), 0);
	ck_assert_uint_eq(vdrv_irq_changes(), 0);
}
END_TEST

START_TEST(mmio_features_ok_needs_version_1)
{
	ck_assert(!vdrv_negotiate(F_INDIRECT));
	ck_assert_uint_eq(vdrv_status(), S_DRIVER);
	/* the driver may try again */
	vdrv_write_features(F_VERSION_1 | F_INDIRECT);
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_FEATURES);
	ck_assert_uint_eq(vdrv_status(), S_FEATURES);
}
END_TEST

START_TEST(mmio_features_ok_refuses_unoffered)
{
	static const u64 features[] = {
		1ULL << 1, 1ULL << 24, 1ULL << VIRTIO_F_ACCESS_PLATFORM, 1ULL << 63,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(features); i++) {
		vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
		ck_assert_msg(!vdrv_negotiate(F_VERSION_1 | features[i]),
			      "features 0x%llx taken", (unsigned long long)features[i]);
		ck_assert_uint_eq(vdrv_status(), S_DRIVER);
	}
	vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
	ck_assert(vdrv_negotiate(F_VERSION_1 | STUB_FEATURES | F_INDIRECT | F_EVENT_IDX));
}
END_TEST

START_TEST(mmio_features_fixed_at_features_ok)
{
	ck_assert(vdrv_negotiate(F_VERSION_1 | F_INDIRECT));
	vdrv_write_features(F_VERSION_1 | F_EVENT_IDX);
	ck_assert_uint_eq(stub.vdev.driver_features, F_VERSION_1 | F_INDIRECT);
	ck_assert(virtio_dev__has(&stub.vdev, VIRTIO_RING_F_INDIRECT_DESC));
	ck_assert(!virtio_dev__has(&stub.vdev, VIRTIO_RING_F_EVENT_IDX));
}
END_TEST

START_TEST(mmio_driver_ok_needs_features_ok)
{
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_ACK);
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_DRIVER);
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_DRIVER | VIRTIO_CONFIG_S_DRIVER_OK);
	ck_assert_uint_eq(vdrv_status(), S_DRIVER);
	ck_assert_uint_eq(stub.starts, 0);
	/* refused features refuse DRIVER_OK written with them too */
	vdrv_write_features(1ULL << 1);
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_RUNNING);
	ck_assert_uint_eq(vdrv_status(), S_DRIVER);
	ck_assert_uint_eq(stub.starts, 0);
}
END_TEST

START_TEST(mmio_status_bits_stay_set)
{
	/* 2.1.2: bits are set until a reset; a driver cannot take them back */
	vdrv_start(F_VERSION_1, 1);
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_DRIVER);
	ck_assert_msg(vdrv_status() == S_RUNNING,
		      "status 0x%x after writing 0x%x to a running device",
		      vdrv_status(), S_DRIVER);
	/* nor reopen feature negotiation */
	vdrv_write_features(F_VERSION_1 | F_EVENT_IDX);
	ck_assert_uint_eq(stub.vdev.driver_features, F_VERSION_1);
}
END_TEST

START_TEST(mmio_running_queue_stays_put)
{
	struct virtqueue *q = &stub.vdev.vqs[0];

	vdrv_start(F_VERSION_1, 1);
	/*
	 * A driver that takes DRIVER_OK back to move a queue the device runs
	 * (without VIRTIO_F_RING_RESET) and sets DRIVER_OK again.
	 */
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_FEATURES);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 0);
	ck_assert_msg(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY) == 1,
		      "a queue the device runs was disabled without a reset");
	vdrv_write_queue(0, 4, DESC_GPA + 0x100, AVAIL_GPA + 0x100, USED_GPA + 0x100);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 1);
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_RUNNING);
	ck_assert_ptr_eq(q->desc, vdrv_hva(DESC_GPA));
	ck_assert_uint_eq(q->size, QSIZE);
	ck_assert_msg(stub.starts == 1, "ops->start ran %u times without a reset",
		      stub.starts);
}
END_TEST

START_TEST(mmio_queue_ready_before_features_ok)
{
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_ACK);
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_DRIVER);
	vdrv_write_queue(0, QSIZE, DESC_GPA, AVAIL_GPA, USED_GPA);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY), 0);
	ck_assert_uint_eq(vdrv_status(), S_DRIVER | S_NEEDS_RESET);
	/* no DRIVER_OK yet: no configuration change interrupt */
	ck_assert_uint_eq(vdrv_int_status(), 0);
	ck_assert_uint_eq(vdrv_irq_changes(), 0);
}
END_TEST

START_TEST(mmio_bad_queue_needs_reset)
{
	static const struct {
		u32	size;
		u64	desc, avail, used;
	} c[] = {
		{ 0, DESC_GPA, AVAIL_GPA, USED_GPA },
		{ 3, DESC_GPA, AVAIL_GPA, USED_GPA },
		{ 2 * STUB_QUEUE_MAX, DESC_GPA, AVAIL_GPA, USED_GPA },
		{ 0x10008, DESC_GPA, AVAIL_GPA, USED_GPA },
		{ QSIZE, DESC_GPA + 8, AVAIL_GPA, USED_GPA },
		{ QSIZE, DESC_GPA, AVAIL_GPA + 1, USED_GPA },
		{ QSIZE, DESC_GPA, AVAIL_GPA, USED_GPA + 2 },
		{ QSIZE, DESC_GPA, AVAIL_GPA, VDRV_RAM_END - 4 },
		/* the high words count */
		{ QSIZE, DESC_GPA | 1ULL << 32, AVAIL_GPA, USED_GPA },
		{ QSIZE, DESC_GPA, AVAIL_GPA | 1ULL << 40, USED_GPA },
		{ QSIZE, DESC_GPA, AVAIL_GPA, USED_GPA | 1ULL << 63 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
		ck_assert(vdrv_negotiate(F_VERSION_1));
		vdrv_write_queue(0, c[i].size, c[i].desc, c[i].avail, c[i].used);
		vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 1);
		ck_assert_msg(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY) == 0, "case %u taken", i);
		ck_assert_uint_eq(vdrv_status(), S_FEATURES | S_NEEDS_RESET);
		ck_assert_uint_eq(vdrv_int_status(), 0);
	}
	ck_assert_uint_eq(vdrv_irq_changes(), 0);

	/* DRIVER_OK does not clear it */
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_RUNNING);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING | S_NEEDS_RESET);
}
END_TEST

START_TEST(mmio_bad_queue_after_driver_ok)
{
	vdrv_start(F_VERSION_1, 1);
	vdrv_write_queue(1, QSIZE, DESC_GPA + 8, AVAIL_GPA, USED_GPA);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY), 0);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING | S_NEEDS_RESET);
	ck_assert_uint_eq(vdrv_int_status(), VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(vdrv_pulses(), 1);

	/* one notification for a device that broke, not one per mistake */
	vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_uint_eq(vdrv_pulses(), 1);
}
END_TEST

START_TEST(mmio_needs_reset_is_the_devices)
{
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_ACK | S_NEEDS_RESET);
	ck_assert_uint_eq(vdrv_status(), S_ACK);

	virtio_dev__fail(&stub.vdev, "test");
	ck_assert_uint_eq(vdrv_status(), S_ACK | S_NEEDS_RESET);
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_DRIVER);
	ck_assert_uint_eq(vdrv_status(), S_DRIVER | S_NEEDS_RESET);
}
END_TEST

START_TEST(mmio_start_failure)
{
	stub.start_ret = -EIO;
	ck_assert(vdrv_negotiate(F_VERSION_1));
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_RUNNING);
	ck_assert_uint_eq(stub.starts, 1);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING | S_NEEDS_RESET);
	ck_assert_uint_eq(vdrv_int_status(), VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(vdrv_pulses(), 1);
}
END_TEST

START_TEST(mmio_queue_setup_fixed_when_ready)
{
	struct virtqueue *q = &stub.vdev.vqs[0];

	ck_assert(vdrv_negotiate(F_VERSION_1));
	vdrv_write_queue(0, QSIZE, DESC_GPA, AVAIL_GPA, USED_GPA);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 1);
	vdrv_write_queue(0, 4, DESC_GPA + 0x100, AVAIL_GPA + 0x100, USED_GPA + 0x100);
	ck_assert_uint_eq(q->size, QSIZE);
	ck_assert_uint_eq(q->desc_gpa, DESC_GPA);
	ck_assert_uint_eq(q->avail_gpa, AVAIL_GPA);
	ck_assert_uint_eq(q->used_gpa, USED_GPA);

	/* a driver may disable a queue before DRIVER_OK, and set it up again */
	vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 0);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY), 0);
	vdrv_write_queue(0, 4, 0x123456789a0ULL, AVAIL_GPA + 0x100, USED_GPA + 0x100);
	ck_assert_uint_eq(q->size, 4);
	ck_assert_uint_eq(q->desc_gpa, 0x123456789a0ULL);
	vdrv_write_queue(0, 4, DESC_GPA + 0x100, AVAIL_GPA + 0x100, USED_GPA + 0x100);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY), 1);
	ck_assert_ptr_eq(q->desc, vdrv_hva(DESC_GPA + 0x100));

	/* not after it (that needs VIRTIO_F_RING_RESET) */
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_RUNNING);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 0);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY), 1);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);

	/* nor does the queue start over when the driver says ready again */
	vdrv_set_rings(0, 4, DESC_GPA + 0x100, AVAIL_GPA + 0x100, USED_GPA + 0x100);
	vdrv_desc(0, 0, BUF_GPA, 16, VRING_DESC_F_WRITE, 0);
	vdrv_post(0, 0);
	ck_assert_int_eq(virtio_dev__pop(&stub.vdev, q, &chain), 1);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_uint_eq(q->last_avail, 1);
}
END_TEST

START_TEST(mmio_queue_sel_beyond)
{
	static const u32 sel[] = { STUB_QUEUES, VIRTQ_MAX_QUEUES, 0xffffffff };
	unsigned int i;

	ck_assert(vdrv_negotiate(F_VERSION_1));
	ck_assert_uint_eq(vdrv_queue_num_max(1), STUB_QUEUE_MAX);
	for (i = 0; i < ARRAY_SIZE(sel); i++) {
		vdrv_write_queue(sel[i], QSIZE, DESC_GPA, AVAIL_GPA, USED_GPA);
		ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
		vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 1);
		ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY), 0);
	}
	ck_assert_uint_eq(vdrv_status(), S_FEATURES);
	for (i = 0; i < VIRTQ_MAX_QUEUES; i++) {
		ck_assert(!stub.vdev.vqs[i].ready);
		ck_assert_uint_eq(stub.vdev.vqs[i].desc_gpa, 0);
	}
	ck_assert_uint_eq(stub.vdev.vqs[1].size, STUB_QUEUE_MAX);
}
END_TEST

/* The count of queue @i's notify eventfd, consumed; 0 if none. */
static u64 notified(unsigned int i)
{
	u64 n = 0;

	if (read(stub.vdev.vqs[i].notify_fd, &n, sizeof(n)) < 0)
		ck_assert_int_eq(errno, EAGAIN);
	return n;
}

START_TEST(mmio_queue_notify)
{
	vdrv_start(F_VERSION_1, 1);
	vdrv_notify(1);
	vdrv_notify(1);
	vdrv_notify(STUB_QUEUES);
	vdrv_notify(0xffffffff);
	ck_assert_uint_eq(notified(0), 0);
	ck_assert_uint_eq(notified(1), 2);

	vdrv_notify(0);
	virtio_dev__clear_notify(&stub.vdev.vqs[0]);
	ck_assert_uint_eq(notified(0), 0);
}
END_TEST

START_TEST(mmio_register_widths)
{
	/* 4.2.2.2: registers take aligned 32-bit accesses only */
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_MAGIC_VALUE, 1), 0);
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_MAGIC_VALUE, 2), 0);
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_MAGIC_VALUE, 8), 0);
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_MAGIC_VALUE + 2, 4), 0);
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_DEVICE_ID, 8), 0);

	vdrv_wr(VIRTIO_MMIO_STATUS, S_ACK, 1);
	vdrv_wr(VIRTIO_MMIO_STATUS, S_ACK, 2);
	vdrv_wr(VIRTIO_MMIO_STATUS, S_ACK, 8);
	vdrv_wr(VIRTIO_MMIO_STATUS - 2, S_ACK << 16, 4);
	ck_assert_uint_eq(vdrv_status(), 0);

	ck_assert(vdrv_negotiate(F_VERSION_1));
	vdrv_wr(VIRTIO_MMIO_QUEUE_DESC_LOW, DESC_GPA, 8);
	vdrv_wr(VIRTIO_MMIO_QUEUE_NUM, 4, 2);
	ck_assert_uint_eq(stub.vdev.vqs[0].desc_gpa, 0);
	ck_assert_uint_eq(stub.vdev.vqs[0].size, STUB_QUEUE_MAX);
}
END_TEST

START_TEST(mmio_config_space)
{
	const u64 cfg = VIRTIO_MMIO_CONFIG;

	ck_assert_uint_eq(vdrv_rd(cfg, 1), 0x10);
	ck_assert_uint_eq(vdrv_rd(cfg + 3, 1), 0x13);
	ck_assert_uint_eq(vdrv_rd(cfg + 11, 1), 0x1b);
	ck_assert_uint_eq(vdrv_rd(cfg + 2, 2), 0x1312);
	ck_assert_uint_eq(vdrv_rd(cfg + 4, 4), 0x17161514);
	ck_assert_uint_eq(vdrv_rd(cfg + 8, 4), 0x1b1a1918);
	ck_assert_uint_eq(vdrv_rd(cfg, 8), 0x1716151413121110ULL);
	/* nothing past its end */
	ck_assert_uint_eq(vdrv_rd(cfg + 12, 1), 0);
	ck_assert_uint_eq(vdrv_rd(cfg + 0xfc, 4), 0);
	ck_assert_uint_eq(vdrv_rd(cfg + 12, 4), 0);
	ck_assert_uint_eq(vdrv_rd(cfg + 8, 8) >> 32, 0);
	ck_assert_uint_eq(vdrv_rd(cfg + 10, 4) >> 16, 0);

	vdrv_wr(cfg + 4, 0xbeef, 2);
	ck_assert_uint_eq(stub.config_writes, 1);
	ck_assert_uint_eq(stub.write_off, 4);
	ck_assert_uint_eq(stub.write_len, 2);
	ck_assert_uint_eq(vdrv_rd(cfg + 4, 4), 0x1716beef);
	vdrv_wr(cfg + 11, 0xffff, 2);
	vdrv_wr(cfg + 12, 0xff, 1);
	vdrv_wr(cfg + 0xf8, 0xff, 8);
	ck_assert_uint_eq(stub.config_writes, 1);
}
END_TEST

/* The stub uses a buffer of queue 0 and signals it, as a device model does. */
static void stub_use(void)
{
	struct virtqueue *q = &stub.vdev.vqs[0];

	virtq__push(q, 0, 0);
	virtio_dev__signal(&stub.vdev, q);
}

START_TEST(mmio_used_buffer_interrupt)
{
	vdrv_start(F_VERSION_1, 1);
	stub_use();
	ck_assert_uint_eq(vdrv_int_status(), VIRTIO_MMIO_INT_VRING);
	ck_assert_uint_eq(vdrv_pulses(), 1);
	vdrv_wr32(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	ck_assert_uint_eq(vdrv_int_status(), 0);

	/* the driver asked for none */
	vdrv_q[0].avail->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);
	stub_use();
	ck_assert_uint_eq(vdrv_int_status(), 0);
	ck_assert_uint_eq(vdrv_pulses(), 1);
}
END_TEST

START_TEST(mmio_interrupt_ack)
{
	struct virtqueue *q = &stub.vdev.vqs[0];

	vdrv_start(F_VERSION_1, 1);
	stub_use();
	virtio_dev__fail(&stub.vdev, "test");
	ck_assert_uint_eq(vdrv_int_status(), VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(vdrv_pulses(), 2);
	vdrv_wr32(VIRTIO_MMIO_INTERRUPT_ACK, 0);
	ck_assert_uint_eq(vdrv_int_status(), VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
	vdrv_wr32(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	ck_assert_uint_eq(vdrv_int_status(), VIRTIO_MMIO_INT_CONFIG);
	vdrv_wr32(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(vdrv_int_status(), 0);
	/* a narrow ack is no ack */
	virtio_dev__signal(&stub.vdev, q);
	vdrv_wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING, 1);
	ck_assert_uint_eq(vdrv_int_status(), VIRTIO_MMIO_INT_VRING);
}
END_TEST

START_TEST(mmio_dev_pop_fails_device)
{
	struct virtqueue *q = &stub.vdev.vqs[0];

	vdrv_start(F_VERSION_1, 1);
	vdrv_desc(0, 0, BUF_GPA, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
	vdrv_post(0, 0);
	ck_assert_int_eq(virtio_dev__pop(&stub.vdev, q, &chain), 0);
	ck_assert(stub.vdev.failed);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING | S_NEEDS_RESET);
	ck_assert_uint_eq(vdrv_int_status(), VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(vdrv_pulses(), 1);

	/* the device uses the queue no more, good chains or not */
	vdrv_desc(0, 1, BUF_GPA, 16, VRING_DESC_F_WRITE, 0);
	vdrv_post(0, 1);
	ck_assert_int_eq(virtio_dev__pop(&stub.vdev, q, &chain), 0);
	ck_assert_uint_eq(q->last_avail, 1);
}
END_TEST

START_TEST(mmio_reset)
{
	struct virtqueue *q = &stub.vdev.vqs[0];

	vdrv_start(F_VERSION_1 | F_EVENT_IDX, 1);
	vdrv_write_queue(1, QSIZE, DESC_GPA + 0x400, AVAIL_GPA + 0x400, USED_GPA + 0x400);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 1);
	stub_use();
	virtio_dev__fail(&stub.vdev, "test");
	ck_assert_uint_eq(vdrv_int_status(), VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);

	vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(stub.resets, 1);
	ck_assert_uint_eq(vdrv_status(), 0);
	ck_assert_uint_eq(vdrv_int_status(), 0);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_SEL, 0);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY), 0);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_SEL, 1);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY), 0);
	ck_assert_ptr_null(q->desc);
	ck_assert_uint_eq(q->size, STUB_QUEUE_MAX);
	ck_assert_uint_eq(q->desc_gpa, 0);
	ck_assert_uint_eq(stub.vdev.driver_features, 0);
	ck_assert(!stub.vdev.failed);

	/* and the device works again */
	vdrv_zero_rings(0);
	vdrv_start(F_VERSION_1, 1);
	ck_assert_uint_eq(stub.starts, 2);
	ck_assert(!q->event_idx);
	vdrv_desc(0, 0, BUF_GPA, 16, VRING_DESC_F_WRITE, 0);
	vdrv_post(0, 0);
	ck_assert_int_eq(virtio_dev__pop(&stub.vdev, q, &chain), 1);
}
END_TEST

/* ---- virtio-rng on the main loop ------------------------------------------ */

static const struct device_desc *rng_desc;
static void *rng;

static void rng_setup(void)
{
	vdrv_make_vm(QSIZE, CONSOLE_SERIAL, -1);
	ck_assert_int_eq(loop__init(&vdrv_vm.loop), 0);
	rng_desc = vdrv_find_device("virtio-rng");
	rng = vdrv_init_device(rng_desc, NULL);
}

static void rng_teardown(void)
{
	vdrv_exit_device(rng_desc, &rng);
	loop__destroy(&vdrv_vm.loop);
}

/* Two rounds of the main loop, of up to 100 ms each. */
static void run_loop(void)
{
	ck_assert_int_ge(loop__run_once(&vdrv_vm.loop, 100), 0);
	ck_assert_int_ge(loop__run_once(&vdrv_vm.loop, 100), 0);
}

/* Notify queue 0, and run the main loop for the device to serve it. */
static void kick(void)
{
	vdrv_notify(0);
	run_loop();
}

/* Offer a writable buffer of @len bytes at @gpa, as descriptor @d, and kick. */
static void offer(u16 d, u64 gpa, u32 len)
{
	vdrv_desc(0, d, gpa, len, VRING_DESC_F_WRITE, 0);
	vdrv_post(0, d);
	kick();
}

START_TEST(rng_identity)
{
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_VERSION), 2);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
	ck_assert_uint_eq(vdrv_device_features(), F_INDIRECT | F_EVENT_IDX | F_VERSION_1);
	ck_assert_uint_eq(vdrv_queue_num_max(0), 64);
	ck_assert_uint_eq(vdrv_queue_num_max(1), 0);
	/* no configuration space */
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_CONFIG, 4), 0);
	vdrv_wr(VIRTIO_MMIO_CONFIG, 0xff, 1);
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_CONFIG, 1), 0);
}
END_TEST

START_TEST(rng_fills_buffer)
{
	u8 *buf = vdrv_hva(BUF_GPA);

	vdrv_start(F_VERSION_1, 1);
	offer(3, BUF_GPA, 512);
	ck_assert_uint_eq(vdrv_used_idx(0), 1);
	ck_assert_uint_eq(vdrv_used_id(0, 0), 3);
	ck_assert_uint_eq(vdrv_used_len(0, 0), 512);
	ck_assert(!vdrv_all_bytes(buf, 0, 512));
	ck_assert(vdrv_all_bytes(buf + 512, 0, 64));
	ck_assert_uint_eq(vdrv_int_status() & VIRTIO_MMIO_INT_VRING, VIRTIO_MMIO_INT_VRING);
	ck_assert_uint_ge(vdrv_pulses(), 1);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
}
END_TEST

START_TEST(rng_indirect_chain_event_idx)
{
	struct vring_desc *t;

	vdrv_start(F_VERSION_1 | F_INDIRECT | F_EVENT_IDX, 1);
	t = indirect(2, 0);
	vdrv_table_desc(t, 0, BUF_GPA, 100, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	vdrv_table_desc(t, 1, BUF_GPA + 0x1000, 200, VRING_DESC_F_WRITE, 0);
	kick();
	ck_assert_uint_eq(vdrv_used_idx(0), 1);
	ck_assert_uint_eq(vdrv_used_id(0, 0), 0);
	ck_assert_uint_eq(vdrv_used_len(0, 0), 300);
	ck_assert(!vdrv_all_bytes(vdrv_hva(BUF_GPA), 0, 100));
	ck_assert(!vdrv_all_bytes(vdrv_hva(BUF_GPA + 0x1000), 0, 200));
	/* the device asked to hear of the next buffer */
	ck_assert_uint_eq(le16toh(*vdrv_avail_event(0)), 1);
	ck_assert_uint_eq(vdrv_int_status() & VIRTIO_MMIO_INT_VRING, VIRTIO_MMIO_INT_VRING);
	ck_assert_uint_ge(vdrv_pulses(), 1);
}
END_TEST

START_TEST(rng_caps_request)
{
	vdrv_start(F_VERSION_1, 1);
	offer(0, BUF_GPA, 8192);
	ck_assert_uint_eq(vdrv_used_idx(0), 1);
	ck_assert_uint_eq(vdrv_used_len(0, 0), 4096);
	ck_assert(!vdrv_all_bytes(vdrv_hva(BUF_GPA + 4096 - 64), 0, 64));
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA + 4096), 0, 4096));
}
END_TEST

START_TEST(rng_buffers_before_driver_ok)
{
	vdrv_setup_queues(F_VERSION_1, 1);
	offer(0, BUF_GPA, 64);
	/* 2.1.2: nothing used before DRIVER_OK */
	ck_assert_uint_eq(vdrv_used_idx(0), 0);
	ck_assert_uint_eq(vdrv_irq_changes(), 0);

	vdrv_driver_ok();
	run_loop();
	ck_assert_uint_eq(vdrv_used_idx(0), 1);
	ck_assert_uint_eq(vdrv_used_len(0, 0), 64);
}
END_TEST

START_TEST(rng_broken_chain)
{
	vdrv_start(F_VERSION_1, 1);
	vdrv_desc(0, 0, BUF_GPA, 64, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	vdrv_desc(0, 1, BUF_GPA + 64, 64, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
	vdrv_post(0, 0);
	kick();
	ck_assert_uint_eq(vdrv_status(), S_RUNNING | S_NEEDS_RESET);
	ck_assert_uint_eq(vdrv_int_status() & VIRTIO_MMIO_INT_CONFIG, VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_ge(vdrv_pulses(), 1);
	ck_assert_uint_eq(vdrv_used_idx(0), 0);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA), 0, 128));

	/* stopped: a good buffer now is not served */
	offer(2, BUF_GPA + 0x1000, 64);
	ck_assert_uint_eq(vdrv_used_idx(0), 0);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA + 0x1000), 0, 64));
}
END_TEST

START_TEST(rng_works_after_reset)
{
	vdrv_start(F_VERSION_1, 1);
	vdrv_desc(0, 0, BUF_GPA, 64, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
	vdrv_post(0, 0);
	kick();
	ck_assert_uint_eq(vdrv_status(), S_RUNNING | S_NEEDS_RESET);

	vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(vdrv_status(), 0);
	ck_assert_uint_eq(vdrv_int_status(), 0);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY), 0);
	vdrv_zero_rings(0);
	memset(vdrv_hva(BUF_GPA), 0, 64);
	vdrv_start(F_VERSION_1 | F_EVENT_IDX, 1);
	offer(0, BUF_GPA, 64);
	ck_assert_uint_eq(vdrv_used_idx(0), 1);
	ck_assert_uint_eq(vdrv_used_len(0, 0), 64);
	ck_assert(!vdrv_all_bytes(vdrv_hva(BUF_GPA), 0, 64));
}
END_TEST

START_TEST(rng_reset_stops_serving)
{
	vdrv_start(F_VERSION_1, 1);
	run_loop();
	vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
	vdrv_irq_clear();
	offer(0, BUF_GPA, 64);
	ck_assert_uint_eq(vdrv_used_idx(0), 0);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA), 0, 64));
	ck_assert_uint_eq(vdrv_irq_changes(), 0);
}
END_TEST

Suite *virtio_suite(void)
{
	Suite *s = suite_create("virtio");

#define VQ(fn)		UNIT_TEST_FIXTURE(s, fn, vq_setup, NULL)
/* one TCase named after the test, for @n runs: each run names its case */
#define VQ_LOOP(fn, n)							\
	do {								\
		TCase *__tc = tcase_create(#fn);			\
		tcase_add_checked_fixture(__tc, vq_setup, NULL);	\
		tcase_add_loop_test(__tc, fn, 0, n);			\
		suite_add_tcase(s, __tc);				\
	} while (0)
#define HAND(fn)	UNIT_TEST_FIXTURE(s, fn, hand_setup, NULL)
#define STUB(fn)	UNIT_TEST_FIXTURE(s, fn, stub_setup, stub_teardown)
#define RNG(fn)		UNIT_TEST_FIXTURE(s, fn, rng_setup, rng_teardown)
	VQ(enable_maps_rings);
	VQ(enable_sizes);
	VQ(enable_alignment);
	VQ(enable_rings_in_ram);
	VQ(pop_empty);
	VQ(pop_single_buffer);
	VQ(pop_out_then_in);
	VQ(pop_in_order);
	VQ(pop_chain_of_whole_table);
	VQ(pop_avail_full);
	VQ(pop_avail_idx_too_far);
	VQ(pop_head_out_of_range);
	VQ(pop_next_out_of_range);
	VQ(pop_loop);
	VQ(pop_readable_after_writable);
	VQ(pop_buffer_in_ram);
	VQ(pop_writable_over_rings);
	VQ(pop_indirect);
	VQ(pop_indirect_misaligned);
	VQ(pop_indirect_ignores_write_flag);
	VQ_LOOP(pop_indirect_refused, ARRAY_SIZE(bad_tables));
	VQ(pop_indirect_bad_len);
	VQ(pop_indirect_table_in_ram);
	VQ(pop_chain_too_long);
	VQ(push_fills_used_ring);
	VQ(push_indexes_wrap);
	VQ(needs_interrupt_flags);
	VQ(needs_interrupt_event_idx);
	VQ(needs_interrupt_event_idx_wraps);
	VQ(needs_interrupt_event_idx_after_enable);
	VQ(arm_notify_event_idx);
	VQ(arm_notify_flags);
	HAND(chain_read_across_buffers);
	HAND(chain_write_across_buffers);
	HAND(chain_short);
	VQ(chain_copies_guest_memory);
	VQ(dev_init_refuses);
	VQ(dev_init_queues);
	STUB(mmio_identity);
	STUB(mmio_device_features);
	STUB(mmio_init_sequence);
	STUB(mmio_features_ok_needs_version_1);
	STUB(mmio_features_ok_refuses_unoffered);
	STUB(mmio_features_fixed_at_features_ok);
	STUB(mmio_driver_ok_needs_features_ok);
	STUB(mmio_status_bits_stay_set);
	STUB(mmio_running_queue_stays_put);
	STUB(mmio_queue_ready_before_features_ok);
	STUB(mmio_bad_queue_needs_reset);
	STUB(mmio_bad_queue_after_driver_ok);
	STUB(mmio_needs_reset_is_the_devices);
	STUB(mmio_start_failure);
	STUB(mmio_queue_setup_fixed_when_ready);
	STUB(mmio_queue_sel_beyond);
	STUB(mmio_queue_notify);
	STUB(mmio_register_widths);
	STUB(mmio_config_space);
	STUB(mmio_used_buffer_interrupt);
	STUB(mmio_interrupt_ack);
	STUB(mmio_dev_pop_fails_device);
	STUB(mmio_reset);
	RNG(rng_identity);
	RNG(rng_fills_buffer);
	RNG(rng_indirect_chain_event_idx);
	RNG(rng_caps_request);
	RNG(rng_buffers_before_driver_ok);
	RNG(rng_broken_chain);
	RNG(rng_works_after_reset);
	RNG(rng_reset_stops_serving);
#undef VQ
#undef VQ_LOOP
#undef HAND
#undef STUB
#undef RNG
	return s;
}
