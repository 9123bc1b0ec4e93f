// SPDX-License-Identifier: GPL-2.0
/* test_image.c - the arm64 Image header and the boot layout in guest RAM. */
#include <endian.h>
#include <string.h>

#include <vmm/layout.h>
#include "../../vmm/vmm.h"
#include "unit.h"

#define IMAGE_MAGIC	0x644d5241	/* "ARM\x64" */
#define RAM_BASE	LAYOUT_RAM_BASE

static u8 hdr[ARM64_IMAGE_HEADER_SIZE];
static struct arm64_image img;
static char err[256];

static void put_le32(unsigned int off, u32 v)
{
	v = htole32(v);
	memcpy(hdr + off, &v, sizeof(v));
}

static void put_le64(unsigned int off, u64 v)
{
	v = htole64(v);
	memcpy(hdr + off, &v, sizeof(v));
}

/* Documentation/arm64/booting.rst: the 64-byte header, little endian. */
static void make_header(u64 text_offset, u64 image_size, u64 flags)
{
	memset(hdr, 0, sizeof(hdr));
	put_le32(0, 0x91005a4d);	/* code0: "MZ" + add x13, x18, #0x16 */
	put_le32(4, 0x14000000);	/* code1: b stext */
	put_le64(8, text_offset);
	put_le64(16, image_size);
	put_le64(24, flags);
	put_le32(56, IMAGE_MAGIC);
	put_le32(60, 0x40);		/* res5: offset to the PE header */
}

static int parse_image(size_t hdr_len, u64 file_size)
{
	memset(&img, 0xa5, sizeof(img));
	memset(err, 0, sizeof(err));
	return arm64_image__parse(&img, hdr, hdr_len, file_size, err, sizeof(err));
}

/* ---- arm64_image__parse ------------------------------------------------- */

START_TEST(image_good_header)
{
	make_header(0, 0x1a00000, 0xa);
	ck_assert_int_eq(parse_image(sizeof(hdr), 0x1800000), 0);
	ck_assert_uint_eq(img.text_offset, 0);
	ck_assert_uint_eq(img.image_size, 0x1a00000);
	ck_assert_uint_eq(img.flags, 0xa);
	ck_assert(!img.big_endian);
	ck_assert(!img.raw);		/* parse_image() filled img with 0xa5 */
}
END_TEST

START_TEST(image_good_text_offset)
{
	make_header(0x80000, 0x1000000, 0x2);
	ck_assert_int_eq(parse_image(sizeof(hdr), 0xe00000), 0);
	ck_assert_uint_eq(img.text_offset, 0x80000);
	ck_assert_uint_eq(img.image_size, 0x1000000);
	ck_assert_uint_eq(img.flags, 0x2);

	make_header(SZ_2M - SZ_4K, 0x100000, 0);
	ck_assert_int_eq(parse_image(sizeof(hdr), 0x100000), 0);
	ck_assert_uint_eq(img.text_offset, SZ_2M - SZ_4K);
}
END_TEST

START_TEST(image_wrong_magic)
{
	make_header(0, 0x100000, 0);
	put_le32(56, 0x464c457f);	/* an ELF file */
	ck_assert_int_eq(parse_image(sizeof(hdr), 0x100000), -1);
	ck_assert_str_eq(err, "not an arm64 Image: no \"ARM\\x64\" magic at offset 56");
}
END_TEST

START_TEST(image_short_file)
{
	make_header(0, 0x100000, 0);
	ck_assert_int_eq(parse_image(10, 10), -1);
	ck_assert_str_eq(err, "not an arm64 Image: 10 bytes, shorter than the 64-byte header");

	ck_assert_int_eq(parse_image(63, 63), -1);
	ck_assert_str_eq(err, "not an arm64 Image: 63 bytes, shorter than the 64-byte header");

	ck_assert_int_eq(parse_image(0, 0), -1);
	ck_assert_str_eq(err, "not an arm64 Image: 0 bytes, shorter than the 64-byte header");
}
END_TEST

START_TEST(image_short_read)
{
	/* a long file of which only 40 bytes could be read */
	make_header(0, 0x100000, 0);
	ck_assert_int_eq(parse_image(40, 0x100000), -1);
	ck_assert_str_eq(err, "not an arm64 Image: 40 bytes, shorter than the 64-byte header");
}
END_TEST

START_TEST(image_gzip)
{
	/*
	 * The loader decompresses Image.gz before parsing; gzip bytes that
	 * reach the parser are just not an Image.
	 */
	memset(hdr, 0, sizeof(hdr));
	hdr[0] = 0x1f;
	hdr[1] = 0x8b;
	ck_assert_int_eq(parse_image(sizeof(hdr), 0x800000), -1);
	ck_assert_str_eq(err, "not an arm64 Image: no \"ARM\\x64\" magic at offset 56");
}
END_TEST

START_TEST(image_pre_3_17)
{
	/* image_size 0: text_offset is 0x80000 whatever the field says */
	make_header(0x1234, 0, 0);
	ck_assert_int_eq(parse_image(sizeof(hdr), 0x987654), 0);
	ck_assert_uint_eq(img.text_offset, 0x80000);
	ck_assert_uint_eq(img.image_size, 0x987654);
}
END_TEST

START_TEST(image_misaligned_text_offset)
{
	make_header(0x80800, 0x100000, 0);
	ck_assert_int_eq(parse_image(sizeof(hdr), 0x100000), -1);
	ck_assert_str_eq(err, "bad arm64 Image header: text_offset 0x80800 is not a 4K-aligned offset below 2M");
}
END_TEST

START_TEST(image_text_offset_too_big)
{
	make_header(SZ_2M, 0x100000, 0);
	ck_assert_int_eq(parse_image(sizeof(hdr), 0x100000), -1);
	ck_assert_str_eq(err, "bad arm64 Image header: text_offset 0x200000 is not a 4K-aligned offset below 2M");
}
END_TEST

START_TEST(image_big_endian_flag)
{
	make_header(0, 0x100000, 0x3);
	ck_assert_int_eq(parse_image(sizeof(hdr), 0x100000), 0);
	ck_assert(img.big_endian);
	ck_assert_uint_eq(img.flags, 0x3);

	make_header(0, 0x100000, 0x2);
	ck_assert_int_eq(parse_image(sizeof(hdr), 0x100000), 0);
	ck_assert(!img.big_endian);
}
END_TEST

START_TEST(image_file_longer_than_image_size)
{
	/* a signed EFI Image: the signature follows the kernel proper */
	make_header(0, 0x100000, 0);
	ck_assert_int_eq(parse_image(sizeof(hdr), 0x100800), 0);
	ck_assert_uint_eq(img.image_size, 0x100800);
}
END_TEST

START_TEST(image_size_implausible)
{
	make_header(0, 2ULL << 40, 0);
	ck_assert_int_eq(parse_image(sizeof(hdr), 0x100000), -1);
	ck_assert_str_eq(err, "bad arm64 Image header: image_size 2199023255552 is implausibly large");

	make_header(0, 1ULL << 40, 0);
	ck_assert_int_eq(parse_image(sizeof(hdr), 0x100000), 0);
	ck_assert_uint_eq(img.image_size, 1ULL << 40);
}
END_TEST

/* ---- boot__layout ------------------------------------------------------- */

static struct boot_layout bl;

static int layout(u64 ram_size, u64 text_offset, u64 image_size, u64 initrd_size)
{
	struct arm64_image im = {
		.text_offset = text_offset,
		.image_size = image_size,
	};

	memset(err, 0, sizeof(err));
	return boot__layout(&bl, RAM_BASE, ram_size, &im, initrd_size,
			    err, sizeof(err));
}

START_TEST(layout_kernel_at_text_offset)
{
	ck_assert_int_eq(layout(256 * SZ_1M, 0x80000, 20 * SZ_1M, 0), 0);
	ck_assert_uint_eq(bl.kernel, RAM_BASE + 0x80000);
	ck_assert_uint_eq(bl.kernel_end, RAM_BASE + 0x80000 + 20 * SZ_1M);
	ck_assert_uint_eq(bl.initrd, 0);

	ck_assert_int_eq(layout(256 * SZ_1M, 0, 20 * SZ_1M, 0), 0);
	ck_assert_uint_eq(bl.kernel, RAM_BASE);
}
END_TEST

START_TEST(layout_dtb_in_last_2m_block)
{
	ck_assert_int_eq(layout(256 * SZ_1M, 0, 20 * SZ_1M, 0), 0);
	ck_assert_uint_eq(bl.dtb, RAM_BASE + 254 * SZ_1M);
	ck_assert_uint_eq(bl.dtb % SZ_2M, 0);
}
END_TEST

START_TEST(layout_dtb_ram_not_2m_multiple)
{
	/* 101 MiB: the last whole 2 MiB block is [98M, 100M) */
	ck_assert_int_eq(layout(101 * SZ_1M, 0, 20 * SZ_1M, 0), 0);
	ck_assert_uint_eq(bl.dtb, RAM_BASE + 98 * SZ_1M);
	ck_assert_uint_le(bl.dtb + SZ_2M, RAM_BASE + 101 * SZ_1M);
}
END_TEST

START_TEST(layout_dtb_below_32g_window)
{
	ck_assert_int_eq(layout(64 * SZ_1G, 0, 20 * SZ_1M, 0), 0);
	ck_assert_uint_eq(bl.dtb, RAM_BASE + 32 * SZ_1G - SZ_2M);

	ck_assert_int_eq(layout(32 * SZ_1G, 0, 20 * SZ_1M, 0), 0);
	ck_assert_uint_eq(bl.dtb, RAM_BASE + 32 * SZ_1G - SZ_2M);

	ck_assert_int_eq(layout(64 * SZ_1G, 0, 20 * SZ_1M, 100 * SZ_1M), 0);
	ck_assert_uint_le(bl.initrd + 100 * SZ_1M, bl.dtb);
	ck_assert_uint_lt(bl.dtb, RAM_BASE + 32 * SZ_1G);
}
END_TEST

START_TEST(layout_initrd_below_dtb)
{
	const u64 isize = 5 * SZ_1M + 123;

	ck_assert_int_eq(layout(256 * SZ_1M, 0x80000, 20 * SZ_1M, isize), 0);
	ck_assert_uint_eq(bl.dtb, RAM_BASE + 254 * SZ_1M);
	ck_assert_uint_eq(bl.initrd % SZ_4K, 0);
	ck_assert_uint_le(bl.initrd + isize, bl.dtb);
	ck_assert_uint_lt(bl.dtb - (bl.initrd + isize), SZ_4K);
	ck_assert_uint_ge(bl.initrd, bl.kernel_end);
	ck_assert_uint_eq(bl.initrd, ALIGN_DOWN(RAM_BASE + 254 * SZ_1M - isize, SZ_4K));
}
END_TEST

START_TEST(layout_initrd_fills_room_exactly)
{
	/* 64M: kernel up to 20M, DTB at 62M; 42M is room for the initrd */
	ck_assert_int_eq(layout(64 * SZ_1M, 0, 20 * SZ_1M, 42 * SZ_1M), 0);
	ck_assert_uint_eq(bl.initrd, RAM_BASE + 20 * SZ_1M);
	ck_assert_uint_eq(bl.dtb, RAM_BASE + 62 * SZ_1M);
}
END_TEST

START_TEST(layout_kernel_too_big)
{
	ck_assert_int_eq(layout(64 * SZ_1M, 0x80000, 64 * SZ_1M, 0),
			 BOOT_NO_ROOM_KERNEL);
	ck_assert_str_eq(err, "the kernel needs 65 MiB with its BSS: give --mem more than that");
}
END_TEST

START_TEST(layout_no_room_for_dtb)
{
	ck_assert_int_eq(layout(64 * SZ_1M, 0, 63 * SZ_1M, 0), BOOT_NO_ROOM_KERNEL);
	ck_assert_str_eq(err, "no room for the device tree above the kernel: give --mem more memory");
}
END_TEST

START_TEST(layout_initrd_too_big)
{
	ck_assert_int_eq(layout(64 * SZ_1M, 0, 20 * SZ_1M, 42 * SZ_1M + 1),
			 BOOT_NO_ROOM_INITRD);
	ck_assert_str_eq(err, "43 MiB do not fit in RAM beside the kernel: give --mem more memory");
}
END_TEST

Suite *image_suite(void)
{
	Suite *s = suite_create("image");

	UNIT_TEST(s, image_good_header);
	UNIT_TEST(s, image_good_text_offset);
	UNIT_TEST(s, image_wrong_magic);
	UNIT_TEST(s, image_short_file);
	UNIT_TEST(s, image_short_read);
	UNIT_TEST(s, image_gzip);
	UNIT_TEST(s, image_pre_3_17);
	UNIT_TEST(s, image_misaligned_text_offset);
	UNIT_TEST(s, image_text_offset_too_big);
	UNIT_TEST(s, image_big_endian_flag);
	UNIT_TEST(s, image_file_longer_than_image_size);
	UNIT_TEST(s, image_size_implausible);
	UNIT_TEST(s, layout_kernel_at_text_offset);
	UNIT_TEST(s, layout_dtb_in_last_2m_block);
	UNIT_TEST(s, layout_dtb_ram_not_2m_multiple);
	UNIT_TEST(s, layout_dtb_below_32g_window);
	UNIT_TEST(s, layout_initrd_below_dtb);
	UNIT_TEST(s, layout_initrd_fills_room_exactly);
	UNIT_TEST(s, layout_kernel_too_big);
	UNIT_TEST(s, layout_no_room_for_dtb);
	UNIT_TEST(s, layout_initrd_too_big);
	return s;
}
