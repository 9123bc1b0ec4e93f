// SPDX-License-Identifier: GPL-2.0
/* test_gunzip.c - decompressing an Image.gz: good, truncated, too big, not gzip. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "../../vmm/vmm.h"
#include "unit.h"

#define DATA_SIZE	(3 * 1024 * 1024 + 17)	/* several inflate chunks */

static unsigned char *data;
static char path[] = "/tmp/vmm-gunzip-XXXXXX";

static void make_data(void)
{
	size_t i;

	data = malloc(DATA_SIZE);
	ck_assert_ptr_nonnull(data);
	for (i = 0; i < DATA_SIZE; i++)
		data[i] = (unsigned char)(i * 2654435761u >> 13);
}

/* Write @len bytes of @data gzip-compressed to a new temp file; its fd. */
static int gz_file(size_t len)
{
	int fd = mkstemp(path);
	gzFile gz;

	ck_assert_int_ge(fd, 0);
	gz = gzdopen(dup(fd), "wb");
	ck_assert_ptr_nonnull(gz);
	ck_assert_int_eq(gzwrite(gz, data, len), (int)len);
	ck_assert_int_eq(gzclose(gz), Z_OK);
	lseek(fd, 0, SEEK_SET);
	unlink(path);
	strcpy(path, "/tmp/vmm-gunzip-XXXXXX");
	return fd;
}

START_TEST(gunzip_round_trip)
{
	u8 *out = malloc(64 << 20);
	u64 len = 0;
	int fd;

	ck_assert_ptr_nonnull(out);
	make_data();
	fd = gz_file(DATA_SIZE);
	ck_assert_int_eq(gunzip_fd(fd, out, 64 << 20, &len), 0);
	ck_assert_uint_eq(len, DATA_SIZE);
	ck_assert_int_eq(memcmp(out, data, DATA_SIZE), 0);
	free(out);
	close(fd);
	free(data);
}
END_TEST

START_TEST(gunzip_limit_exceeded)
{
	u8 *out = malloc((1 << 20) + 1);
	u64 len = 7;
	int fd;

	ck_assert_ptr_nonnull(out);
	out[1 << 20] = 0xa5;		/* a canary just past the room */
	make_data();
	fd = gz_file(DATA_SIZE);
	ck_assert_int_eq(gunzip_fd(fd, out, 1 << 20, &len), -EFBIG);
	ck_assert_uint_eq(len, 7);	/* untouched on failure */
	ck_assert_uint_eq(out[1 << 20], 0xa5);
	free(out);
	close(fd);
	free(data);
}
END_TEST

START_TEST(gunzip_exact_limit)
{
	u8 *out = malloc(DATA_SIZE + 1);
	u64 len = 0;
	int fd;

	ck_assert_ptr_nonnull(out);
	out[DATA_SIZE] = 0xa5;
	make_data();
	fd = gz_file(DATA_SIZE);
	ck_assert_int_eq(gunzip_fd(fd, out, DATA_SIZE, &len), 0);
	ck_assert_uint_eq(len, DATA_SIZE);
	ck_assert_int_eq(memcmp(out, data, DATA_SIZE), 0);
	ck_assert_uint_eq(out[DATA_SIZE], 0xa5);
	/* one byte less room: too big */
	lseek(fd, 0, SEEK_SET);
	ck_assert_int_eq(gunzip_fd(fd, out, DATA_SIZE - 1, &len), -EFBIG);
	free(out);
	close(fd);
	free(data);
}
END_TEST

START_TEST(gunzip_truncated)
{
	u8 *out = malloc(64 << 20);
	u64 len = 0;
	off_t size;
	int fd;

	ck_assert_ptr_nonnull(out);
	make_data();
	fd = gz_file(DATA_SIZE);
	size = lseek(fd, 0, SEEK_END);
	ck_assert_int_eq(ftruncate(fd, size / 2), 0);
	lseek(fd, 0, SEEK_SET);
	ck_assert_int_eq(gunzip_fd(fd, out, 64 << 20, &len), -EINVAL);
	free(out);
	close(fd);
	free(data);
}
END_TEST

/*
 * Cut short, but what there is already inflates past the room: too big,
 * as a whole file would be, though zlib took all the input while the room
 * was full and the last bytes wait in its window.  The stream fuzz_loader
 * found (1026 bytes out, its end and trailer gone); with the room for
 * all it gives, truncated.
 */
START_TEST(gunzip_truncated_too_big)
{
	static const u8 cut[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0x8e,
		0xcd, 0x0e, 0xc1, 0x40, 0x14, 0x85, 0x07, 0x3b, 0x6b, 0x7b, 0x37, 0xb1,
		0x99, 0x09, 0x33, 0xe9, 0x9d, 0xb4, 0xc5, 0xae, 0x84, 0xd8, 0xa8, 0x08,
		0x21, 0x61, 0x47, 0x5b, 0x32, 0x51, 0x6d, 0x32, 0x45, 0xbc, 0x8f, 0x9d,
		0xf7, 0xf1, 0x32, 0x56, 0xea, 0x27, 0x96, 0x56, 0x36, 0xa2, 0x5f, 0x72,
		0xee, 0x49, 0x4e, 0xee, 0x9f, 0x24, 0x9f, 0x69, 0x8d, 0x5c, 0xdf, 0x49,
		0x7d, 0xd8, 0x25, 0xc4, 0x3f, 0x93, 0x9f, 0xa5, 0x0c, 0x85, 0x4b, 0xa6,
		0x4c, 0xff, 0x2a, 0xd8, 0xa8, 0x08, 0x21, 0x61, 0x47, 0xc2, 0xd0, 0x51,
		0xd6, 0x6b, 0x00, 0x00, 0x00,
	};
	u8 out[1026];
	u64 len = 0;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	strcpy(path, "/tmp/vmm-gunzip-XXXXXX");
	ck_assert_int_eq(write(fd, cut, sizeof(cut)), (ssize_t)sizeof(cut));
	lseek(fd, 0, SEEK_SET);
	ck_assert_int_eq(gunzip_fd(fd, out, 1024, &len), -EFBIG);
	lseek(fd, 0, SEEK_SET);
	ck_assert_int_eq(gunzip_fd(fd, out, 1025, &len), -EFBIG);
	lseek(fd, 0, SEEK_SET);
	ck_assert_int_eq(gunzip_fd(fd, out, sizeof(out), &len), -EINVAL);
	close(fd);
}
END_TEST

START_TEST(gunzip_not_gzip)
{
	static const char junk[] = "\x1f\x8bthis is not deflate data at all";
	u8 out[4096];
	u64 len = 0;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	strcpy(path, "/tmp/vmm-gunzip-XXXXXX");
	ck_assert_int_eq(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
	lseek(fd, 0, SEEK_SET);
	ck_assert_int_eq(gunzip_fd(fd, out, sizeof(out), &len), -EINVAL);
	close(fd);
}
END_TEST

Suite *gunzip_suite(void)
{
	Suite *s = suite_create("gunzip");

	UNIT_TEST(s, gunzip_round_trip);
	UNIT_TEST(s, gunzip_limit_exceeded);
	UNIT_TEST(s, gunzip_exact_limit);
	UNIT_TEST(s, gunzip_truncated);
	UNIT_TEST(s, gunzip_truncated_too_big);
	UNIT_TEST(s, gunzip_not_gzip);
	return s;
}
