// SPDX-License-Identifier: GPL-2.0
/* test_mmio.c - MMIO bus registration, lookup, dispatch, and guest_ptr(). */
#include <errno.h>
#include <string.h>

#include "../../vmm/vmm.h"
#include "unit.h"

static struct mmio_bus bus;

/* A device that records its last access and reads back a pattern. */
struct stub_dev {
	unsigned int	reads, writes;
	u64		off;
	unsigned int	len;
	u8		written[8];
};

static void stub_read(void *opaque, u64 off, void *data, unsigned int len)
{
	struct stub_dev *d = opaque;
	unsigned int i;

	d->reads++;
	d->off = off;
	d->len = len;
	for (i = 0; i < len; i++)
		((u8 *)data)[i] = 0xa0 + i;
}

static void stub_write(void *opaque, u64 off, const void *data, unsigned int len)
{
	struct stub_dev *d = opaque;

	d->writes++;
	d->off = off;
	d->len = len;
	memcpy(d->written, data, len);
}

static const struct mmio_ops stub_ops = {
	.read	= stub_read,
	.write	= stub_write,
};

static int reg(u64 base, u64 size)
{
	return mmio_bus__register(&bus, base, size, "stub", &stub_ops, NULL);
}

static void setup(void)
{
	mmio_bus__init(&bus);
}

/* ---- mmio_bus__register ------------------------------------------------- */

START_TEST(register_keeps_regions_sorted)
{
	ck_assert_int_eq(reg(0x3000, 0x100), 0);
	ck_assert_int_eq(reg(0x1000, 0x100), 0);
	ck_assert_int_eq(reg(0x2000, 0x100), 0);
	ck_assert_int_eq(reg(0x500, 0x100), 0);
	ck_assert_uint_eq(bus.nr, 4);
	ck_assert_uint_eq(bus.regions[0].base, 0x500);
	ck_assert_uint_eq(bus.regions[1].base, 0x1000);
	ck_assert_uint_eq(bus.regions[2].base, 0x2000);
	ck_assert_uint_eq(bus.regions[3].base, 0x3000);
	ck_assert_uint_eq(bus.regions[3].size, 0x100);
	ck_assert_str_eq(bus.regions[3].name, "stub");
	ck_assert_ptr_eq(bus.regions[3].ops, &stub_ops);
}
END_TEST

START_TEST(register_overlap_exact)
{
	ck_assert_int_eq(reg(0x1000, 0x100), 0);
	ck_assert_int_eq(reg(0x1000, 0x100), -EBUSY);
	ck_assert_uint_eq(bus.nr, 1);
}
END_TEST

START_TEST(register_overlap_start)
{
	/* the new region runs into the start of an existing one */
	ck_assert_int_eq(reg(0x1000, 0x100), 0);
	ck_assert_int_eq(reg(0xf00, 0x101), -EBUSY);
	ck_assert_int_eq(reg(0x1000, 1), -EBUSY);
	ck_assert_uint_eq(bus.nr, 1);
}
END_TEST

START_TEST(register_overlap_end)
{
	/* the new region starts inside the end of an existing one */
	ck_assert_int_eq(reg(0x1000, 0x100), 0);
	ck_assert_int_eq(reg(0x10ff, 0x100), -EBUSY);
	ck_assert_uint_eq(bus.nr, 1);
}
END_TEST

START_TEST(register_overlap_containing)
{
	ck_assert_int_eq(reg(0x1000, 0x100), 0);
	ck_assert_int_eq(reg(0x800, 0x1000), -EBUSY);
	ck_assert_int_eq(reg(0x1000, 0x1000), -EBUSY);
	ck_assert_uint_eq(bus.nr, 1);
}
END_TEST

START_TEST(register_overlap_contained)
{
	ck_assert_int_eq(reg(0x1000, 0x100), 0);
	ck_assert_int_eq(reg(0x1010, 0x10), -EBUSY);
	ck_assert_int_eq(reg(0x10ff, 1), -EBUSY);
	ck_assert_uint_eq(bus.nr, 1);
}
END_TEST

START_TEST(register_overlap_two_neighbours)
{
	/* between two regions, touching neither start: overlaps the second */
	ck_assert_int_eq(reg(0x1000, 0x100), 0);
	ck_assert_int_eq(reg(0x3000, 0x100), 0);
	ck_assert_int_eq(reg(0x2000, 0x1001), -EBUSY);
	ck_assert_int_eq(reg(0x1080, 0x1000), -EBUSY);
	ck_assert_uint_eq(bus.nr, 2);
}
END_TEST

START_TEST(register_adjacent)
{
	ck_assert_int_eq(reg(0x1000, 0x100), 0);
	ck_assert_int_eq(reg(0x1100, 0x100), 0);
	ck_assert_int_eq(reg(0xf00, 0x100), 0);
	ck_assert_uint_eq(bus.nr, 3);
}
END_TEST

START_TEST(register_size_zero)
{
	ck_assert_int_eq(reg(0x1000, 0), -EINVAL);
	ck_assert_uint_eq(bus.nr, 0);
}
END_TEST

START_TEST(register_wrapping)
{
	ck_assert_int_eq(reg(UINT64_MAX - 0xff, 0x101), -EINVAL);
	ck_assert_int_eq(reg(0x1000, UINT64_MAX), -EINVAL);
	/* ending at the very top of the address space is fine */
	ck_assert_int_eq(reg(UINT64_MAX - 0xff, 0x100), 0);
	ck_assert_ptr_nonnull(mmio_bus__find(&bus, UINT64_MAX, 1));
}
END_TEST

START_TEST(register_full)
{
	unsigned int i;

	for (i = 0; i < MMIO_MAX_REGIONS; i++)
		ck_assert_int_eq(reg(0x1000 * (i + 1), 0x100), 0);
	ck_assert_int_eq(reg(0x1000 * (i + 1), 0x100), -ENOSPC);
	ck_assert_uint_eq(bus.nr, MMIO_MAX_REGIONS);
}
END_TEST

/* ---- mmio_bus__find ----------------------------------------------------- */

START_TEST(find_hit)
{
	const struct mmio_region *r;

	ck_assert_int_eq(reg(0x1000, 0x100), 0);
	ck_assert_int_eq(reg(0x2000, 0x8), 0);
	ck_assert_int_eq(reg(0x3000, 0x1000), 0);
	r = mmio_bus__find(&bus, 0x2000, 4);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->base, 0x2000);
	r = mmio_bus__find(&bus, 0x10ff, 1);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->base, 0x1000);
	r = mmio_bus__find(&bus, 0x3ff8, 8);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->base, 0x3000);
	r = mmio_bus__find(&bus, 0x1000, 8);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->base, 0x1000);
}
END_TEST

START_TEST(find_miss)
{
	ck_assert_int_eq(reg(0x1000, 0x100), 0);
	ck_assert_int_eq(reg(0x3000, 0x100), 0);
	ck_assert_ptr_null(mmio_bus__find(&bus, 0xfff, 1));
	ck_assert_ptr_null(mmio_bus__find(&bus, 0x1100, 1));
	ck_assert_ptr_null(mmio_bus__find(&bus, 0x2000, 4));
	ck_assert_ptr_null(mmio_bus__find(&bus, 0x3100, 4));
	ck_assert_ptr_null(mmio_bus__find(&bus, 0, 4));
	ck_assert_ptr_null(mmio_bus__find(&bus, UINT64_MAX, 1));
}
END_TEST

START_TEST(find_empty_bus)
{
	ck_assert_ptr_null(mmio_bus__find(&bus, 0x1000, 4));
}
END_TEST

START_TEST(find_straddling_end)
{
	ck_assert_int_eq(reg(0x1000, 0x8), 0);
	ck_assert_int_eq(reg(0x1008, 0x8), 0);
	ck_assert_ptr_nonnull(mmio_bus__find(&bus, 0x1004, 4));
	ck_assert_ptr_null(mmio_bus__find(&bus, 0x1006, 4));
	ck_assert_ptr_null(mmio_bus__find(&bus, 0x1001, 8));
	ck_assert_ptr_null(mmio_bus__find(&bus, 0x100c, 8));
}
END_TEST

/* ---- mmio_bus__access --------------------------------------------------- */

START_TEST(access_read_dispatch)
{
	struct stub_dev d = { 0 };
	u8 buf[8];

	ck_assert_int_eq(mmio_bus__register(&bus, 0x1000, 0x100, "stub",
					    &stub_ops, &d), 0);
	memset(buf, 0xee, sizeof(buf));
	ck_assert(mmio_bus__access(&bus, 0x1010, buf, 4, false));
	ck_assert_uint_eq(d.reads, 1);
	ck_assert_uint_eq(d.writes, 0);
	ck_assert_uint_eq(d.off, 0x10);
	ck_assert_uint_eq(d.len, 4);
	ck_assert_uint_eq(buf[0], 0xa0);
	ck_assert_uint_eq(buf[3], 0xa3);
	ck_assert_uint_eq(buf[4], 0xee);
}
END_TEST

START_TEST(access_write_dispatch)
{
	struct stub_dev d = { 0 };
	u8 buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	ck_assert_int_eq(mmio_bus__register(&bus, 0x1000, 0x100, "stub",
					    &stub_ops, &d), 0);
	ck_assert(mmio_bus__access(&bus, 0x10f8, buf, 8, true));
	ck_assert_uint_eq(d.writes, 1);
	ck_assert_uint_eq(d.reads, 0);
	ck_assert_uint_eq(d.off, 0xf8);
	ck_assert_uint_eq(d.len, 8);
	ck_assert_mem_eq(d.written, buf, 8);
}
END_TEST

START_TEST(access_unbacked_read)
{
	u8 buf[8];

	ck_assert_int_eq(reg(0x1000, 0x100), 0);
	memset(buf, 0xee, sizeof(buf));
	ck_assert(!mmio_bus__access(&bus, 0x2000, buf, 8, false));
	ck_assert_uint_eq(buf[0], 0);
	ck_assert_uint_eq(buf[7], 0);

	/* logged once per address */
	ck_assert_uint_eq(bus.nr_unknown, 1);
	ck_assert(!mmio_bus__access(&bus, 0x2000, buf, 8, false));
	ck_assert_uint_eq(bus.nr_unknown, 1);
}
END_TEST

START_TEST(access_unbacked_write)
{
	struct stub_dev d = { 0 };
	u8 buf[4] = { 1, 2, 3, 4 };

	ck_assert_int_eq(mmio_bus__register(&bus, 0x1000, 0x100, "stub",
					    &stub_ops, &d), 0);
	ck_assert(!mmio_bus__access(&bus, 0x10fe, buf, 4, true));
	ck_assert_uint_eq(d.writes, 0);
	ck_assert_uint_eq(buf[0], 1);
}
END_TEST

START_TEST(access_missing_op)
{
	static const struct mmio_ops none = { 0 };
	u8 buf[4] = { 1, 2, 3, 4 };

	ck_assert_int_eq(mmio_bus__register(&bus, 0x1000, 0x100, "none",
					    &none, NULL), 0);
	ck_assert(mmio_bus__access(&bus, 0x1000, buf, 4, true));
	ck_assert(mmio_bus__access(&bus, 0x1000, buf, 4, false));
	ck_assert_uint_eq(buf[0], 0);
	ck_assert_uint_eq(buf[3], 0);
}
END_TEST

/* ---- guest_ptr ---------------------------------------------------------- */

static u8 ram[0x10000];

static const struct vm ram_vm = {
	.ram = ram,
	.ram_base = 0x80000000,
	.ram_size = sizeof(ram),
};

START_TEST(guest_ptr_inside)
{
	ck_assert_ptr_eq(guest_ptr(&ram_vm, 0x80000000, 1), ram);
	ck_assert_ptr_eq(guest_ptr(&ram_vm, 0x80000000, sizeof(ram)), ram);
	ck_assert_ptr_eq(guest_ptr(&ram_vm, 0x80001234, 16), ram + 0x1234);
}
END_TEST

START_TEST(guest_ptr_at_end)
{
	ck_assert_ptr_eq(guest_ptr(&ram_vm, 0x8000ffff, 1), ram + 0xffff);
	ck_assert_ptr_eq(guest_ptr(&ram_vm, 0x8000fff8, 8), ram + 0xfff8);
}
END_TEST

START_TEST(guest_ptr_past_end)
{
	ck_assert_ptr_null(guest_ptr(&ram_vm, 0x8000ffff, 2));
	ck_assert_ptr_null(guest_ptr(&ram_vm, 0x80010000, 1));
	ck_assert_ptr_null(guest_ptr(&ram_vm, 0x80000000, sizeof(ram) + 1));
	ck_assert_ptr_null(guest_ptr(&ram_vm, 0x90000000, 1));
}
END_TEST

START_TEST(guest_ptr_below_base)
{
	ck_assert_ptr_null(guest_ptr(&ram_vm, 0x7fffffff, 1));
	ck_assert_ptr_null(guest_ptr(&ram_vm, 0x7fffffff, 2));
	ck_assert_ptr_null(guest_ptr(&ram_vm, 0, 1));
}
END_TEST

START_TEST(guest_ptr_overflow)
{
	ck_assert_ptr_null(guest_ptr(&ram_vm, UINT64_MAX, 1));
	ck_assert_ptr_null(guest_ptr(&ram_vm, UINT64_MAX - 2, 8));
	ck_assert_ptr_null(guest_ptr(&ram_vm, 0x80000010, UINT64_MAX));
	ck_assert_ptr_null(guest_ptr(&ram_vm, 0x80000010, UINT64_MAX - 0xf));
}
END_TEST

Suite *mmio_suite(void)
{
	Suite *s = suite_create("mmio");

#define T(fn)	UNIT_TEST_FIXTURE(s, fn, setup, NULL)
	T(register_keeps_regions_sorted);
	T(register_overlap_exact);
	T(register_overlap_start);
	T(register_overlap_end);
	T(register_overlap_containing);
	T(register_overlap_contained);
	T(register_overlap_two_neighbours);
	T(register_adjacent);
	T(register_size_zero);
	T(register_wrapping);
	T(register_full);
	T(find_hit);
	T(find_miss);
	T(find_empty_bus);
	T(find_straddling_end);
	T(access_read_dispatch);
	T(access_write_dispatch);
	T(access_unbacked_read);
	T(access_unbacked_write);
	T(access_missing_op);
	T(guest_ptr_inside);
	T(guest_ptr_at_end);
	T(guest_ptr_past_end);
	T(guest_ptr_below_base);
	T(guest_ptr_overflow);
#undef T
	return s;
}
