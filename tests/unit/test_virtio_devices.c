// SPDX-License-Identifier: GPL-2.0
/*
 * test_virtio_devices.c - virtio-blk and virtio-console driven through the
 * virtio-mmio transport as a guest driver drives them, on rings laid out
 * by hand in a fake guest RAM: virtio-blk on a temporary image, served by
 * its I/O thread, and virtio-console on the main loop, writing to a pipe.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/virtio_blk.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "unit.h"
#include "virtio_driver.h"

/* the queues' entries, each queue at the driver's VDRV_*_GPA() places */
#define QSIZE		64

/*
 * Request slot @s (virtio-blk) owns descriptors SLOT_DESCS * @s onwards,
 * an indirect table, a header (and DISCARD ranges), a status byte and
 * SLOT_BUF bytes of data buffers.  virtio-console uses the buffers only.
 */
#define NR_SLOTS	8
#define SLOT_DESCS	(QSIZE / NR_SLOTS)
#define SLOT_BUF	0x10000
#define TABLE_GPA(s)	(VDRV_RAM_BASE + 0x8000 + (s) * 0x1000)
#define HDR_GPA(s)	(VDRV_RAM_BASE + 0x10000 + (s) * 0x40)
#define STATUS_GPA(s)	(VDRV_RAM_BASE + 0x11000 + (s) * 0x10)
#define BUF_GPA(s)	(VDRV_RAM_BASE + 0x20000 + (s) * SLOT_BUF)

#define F_RING		(F_VERSION_1 | F_INDIRECT | F_EVENT_IDX)
#define BLK_F(f)	(1ULL << VIRTIO_BLK_F_##f)

#define W		VRING_DESC_F_WRITE

/* the image: 1 MiB, every byte of which the pattern tells apart */
#define IMG_SIZE	SZ_1M
#define IMG_SECTORS	(IMG_SIZE / 512)
#define IMG_TEMPLATE	"/tmp/vmm-unit-blk-XXXXXX"	/* a 19-byte name */
#define LONG_TEMPLATE	"/tmp/vmm-unit-blk-with-a-long-name-XXXXXX"

/* a sector whose byte offset wraps 64 bits to that of sector 1 */
#define WRAPPING_SECTOR	((1ULL << 55) + 1)

/* Up to 2 s, in 1 ms steps, for @cond to hold: whether it does. */
#define WAIT_FOR(cond)							\
	({								\
		unsigned int __ms;					\
									\
		for (__ms = 0; __ms < 2000 && !(cond); __ms++)		\
			usleep(1000);					\
		(cond);							\
	})

/* Time for the I/O thread to do what it must not: 50 ms. */
static void settle(void)
{
	usleep(50 * 1000);
}

/* The driver's VM, its main loop set up, and a console writing to @out_fd. */
static void make_vm(enum console_kind console, int out_fd)
{
	vdrv_make_vm(QSIZE, console, out_fd);
	ck_assert_int_eq(loop__init(&vdrv_vm.loop), 0);
}

/* ---- the driver: descriptor chains ---------------------------------------- */

/* One buffer of a chain. */
struct seg {
	u64	gpa;
	u32	len;
	u16	flags;
};

/* Link @n buffers into a chain at descriptors @first onwards of @table. */
static void lay(struct vring_desc *table, u16 first, const struct seg *sg,
		unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		vdrv_table_desc(table, first + i, sg[i].gpa, sg[i].len,
				sg[i].flags | (i + 1 < n ? VRING_DESC_F_NEXT : 0), first + i + 1);
}

/* ---- virtio-blk: the image and the requests ------------------------------- */

static const struct device_desc *blk_desc;
static char img_path[64];
static int img_fd = -1;
/* the device options, and the disk each one's init made */
static char args[4][96];
static void *disks[4];

static u8 pattern(u64 off)
{
	return (u8)(off * 7 + (off >> 9) * 13 + 1);
}

static u8 *pattern_buf(u64 off, u64 len)
{
	u8 *b = malloc(len);
	u64 i;

	ck_assert_ptr_nonnull(b);
	for (i = 0; i < len; i++)
		b[i] = pattern(off + i);
	return b;
}

/* The image's bytes [@off, @off + @len) are @expect's. */
static void ck_file(u64 off, const void *expect, u64 len)
{
	u8 *b = malloc(len);
	u64 i;

	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(pread(img_fd, b, len, off), (ssize_t)len);
	for (i = 0; i < len && b[i] == ((const u8 *)expect)[i]; i++)
		;
	free(b);
	ck_assert_msg(i == len, "the image differs at byte %llu", (unsigned long long)(off + i));
}

static void ck_file_pattern(u64 off, u64 len)
{
	u8 *p = pattern_buf(off, len);

	ck_file(off, p, len);
	free(p);
}

static void ck_file_zero(u64 off, u64 len)
{
	u8 *z = calloc(1, len);

	ck_assert_ptr_nonnull(z);
	ck_file(off, z, len);
	free(z);
}

/* The image as it was made: its size, every byte. */
static void ck_file_intact(void)
{
	struct stat st;

	ck_assert_int_eq(fstat(img_fd, &st), 0);
	ck_assert_uint_eq(st.st_size, IMG_SIZE);
	ck_file_pattern(0, IMG_SIZE);
}

/* Guest bytes at @gpa are the image's pattern from byte @off. */
static void ck_guest_pattern(u64 gpa, u64 off, u64 len)
{
	u8 *p = pattern_buf(off, len);
	u64 i;

	for (i = 0; i < len && ((u8 *)vdrv_hva(gpa))[i] == p[i]; i++)
		;
	free(p);
	ck_assert_msg(i == len, "guest byte %llu is not the image's byte %llu",
		      (unsigned long long)i, (unsigned long long)(off + i));
}

/* Data the driver writes, @len bytes at @gpa, told apart by @seed. */
static void fill_out(u64 gpa, u32 len, u8 seed)
{
	u8 *b = vdrv_hva(gpa);
	u32 i;

	for (i = 0; i < len; i++)
		b[i] = (u8)(seed + i * 3);
}

static u16 head(unsigned int s)
{
	return s * SLOT_DESCS;
}

static u8 req_status(unsigned int s)
{
	return __atomic_load_n((u8 *)vdrv_hva(STATUS_GPA(s)), __ATOMIC_ACQUIRE);
}

/* Request @s's header, and its status byte at 0xff until the device writes it. */
static void header(unsigned int s, u32 type, u64 sector)
{
	struct virtio_blk_outhdr *h = vdrv_hva(HDR_GPA(s));

	h->type = htole32(type);
	h->ioprio = 0;
	h->sector = htole64(sector);
	*(u8 *)vdrv_hva(STATUS_GPA(s)) = 0xff;
}

/*
 * Request @s's buffers into @sg: its header, @len bytes of data at
 * BUF_GPA(@s) in @nseg pieces (device-writable and set to 0xee for IN and
 * GET_ID), its status byte.  Returns how many.
 */
static unsigned int req_segs(struct seg *sg, unsigned int s, u32 type, u64 sector,
			     u32 len, unsigned int nseg)
{
	bool in = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	u32 piece = nseg ? len / nseg : 0;
	unsigned int i, n = 0;

	header(s, type, sector);
	if (in)
		memset(vdrv_hva(BUF_GPA(s)), 0xee, len);
	sg[n++] = (struct seg){ HDR_GPA(s), sizeof(struct virtio_blk_outhdr), 0 };
	for (i = 0; i < nseg; i++)
		sg[n++] = (struct seg){
			BUF_GPA(s) + i * piece, i + 1 < nseg ? piece : len - i * piece,
			in ? W : 0,
		};
	sg[n++] = (struct seg){ STATUS_GPA(s), 1, W };
	return n;
}

/* Post @n buffers as request @s's chain. */
static void post_segs(unsigned int s, const struct seg *sg, unsigned int n)
{
	ck_assert_uint_le(n, SLOT_DESCS);
	lay(vdrv_q[0].desc, head(s), sg, n);
	vdrv_post(0, head(s));
}

/* Post request @s (up to SLOT_DESCS - 2 data buffers). */
static void request(unsigned int s, u32 type, u64 sector, u32 len, unsigned int nseg)
{
	struct seg sg[SLOT_DESCS + 2];

	ck_assert_uint_le(nseg, SLOT_DESCS - 2);
	post_segs(s, sg, req_segs(sg, s, type, sector, len, nseg));
}

/* Post request @s as one descriptor pointing at an indirect table. */
static void indirect_request(unsigned int s, u32 type, u64 sector, u32 len,
			     unsigned int nseg)
{
	struct seg sg[256];
	unsigned int n;

	ck_assert_uint_le(nseg, ARRAY_SIZE(sg) - 2);
	n = req_segs(sg, s, type, sector, len, nseg);
	lay(vdrv_hva(TABLE_GPA(s)), 0, sg, n);
	vdrv_desc(0, head(s), TABLE_GPA(s), 16 * n, VRING_DESC_F_INDIRECT, 0);
	vdrv_post(0, head(s));
}

/* Post a DISCARD or WRITE_ZEROES @s of @nr ranges, each (@sector, @num, @flags). */
static void range_request(unsigned int s, u32 type, u64 sector, u32 num, u32 flags,
			  unsigned int nr)
{
	struct virtio_blk_discard_write_zeroes *r = vdrv_hva(HDR_GPA(s) + 16);
	struct seg sg[3] = {
		{ HDR_GPA(s), 16, 0 },
		{ HDR_GPA(s) + 16, sizeof(*r) * nr, 0 },
		{ STATUS_GPA(s), 1, W },
	};
	unsigned int i;

	header(s, type, 0);
	for (i = 0; i < nr; i++)
		r[i] = (struct virtio_blk_discard_write_zeroes){
			.sector = htole64(sector), .num_sectors = htole32(num),
			.flags = htole32(flags),
		};
	post_segs(s, sg, ARRAY_SIZE(sg));
}

/* Wait for the device to have used @n chains of queue 0 in all. */
static void wait_used(u16 n)
{
	ck_assert_msg(WAIT_FOR(vdrv_used_idx(0) >= n), "%u of %u requests completed in 2 s",
		      vdrv_used_idx(0), n);
	ck_assert_uint_eq(vdrv_used_idx(0), n);
}

/* The used length of request @s, which must be in the used ring once. */
static u32 req_used_len(unsigned int s)
{
	u16 i, n = vdrv_used_idx(0), found = 0;
	u32 len = 0;

	for (i = 0; i < n; i++) {
		if (vdrv_used_id(0, i) == head(s)) {
			found++;
			len = vdrv_used_len(0, i);
		}
	}
	ck_assert_msg(found == 1, "request %u is in the used ring %u times", s, found);
	return len;
}

/* Request @s completed with @st and @len bytes written (the status byte too). */
static void ck_done(unsigned int s, u8 st, u32 len)
{
	ck_assert_msg(req_status(s) == st, "request %u: status %u, not %u", s, req_status(s), st);
	ck_assert_msg(req_used_len(s) == len, "request %u: used len %u, not %u", s,
		      req_used_len(s), len);
}

/* Requests 0 to @n - 1 each completed with @st, having written its status byte only. */
static void ck_all_done(unsigned int n, u8 st)
{
	unsigned int s;

	for (s = 0; s < n; s++)
		ck_done(s, st, 1);
}

/* Post request @s alone, notify, wait for it: its status byte. */
static u8 do_request(unsigned int s, u32 type, u64 sector, u32 len)
{
	u16 n = vdrv_used_idx(0);

	request(s, type, sector, len, len ? 1 : 0);
	vdrv_notify(0);
	wait_used(n + 1);
	return req_status(s);
}

static u8 do_range(unsigned int s, u32 type, u64 sector, u32 num, u32 flags)
{
	u16 n = vdrv_used_idx(0);

	range_request(s, type, sector, num, flags, 1);
	vdrv_notify(0);
	wait_used(n + 1);
	ck_assert_uint_eq(req_used_len(s), 1);
	return req_status(s);
}

#define CONFIG(field)								\
	vdrv_rd(VIRTIO_MMIO_CONFIG + offsetof(struct virtio_blk_config, field),	\
		sizeof(((struct virtio_blk_config *)NULL)->field))

/* ---- virtio-blk: fixtures ------------------------------------------------- */

/*
 * The image is made and removed by the parent around each test (the
 * unchecked fixtures), so that no failing test leaves it behind; the VM
 * and the disks live in the test's own process.
 */
static void make_image(const char *template)
{
	u8 *b = pattern_buf(0, IMG_SIZE);

	snprintf(img_path, sizeof(img_path), "%s", template);
	img_fd = mkstemp(img_path);
	ck_assert_msg(img_fd >= 0, "mkstemp: %s", strerror(errno));
	ck_assert_int_eq(pwrite(img_fd, b, IMG_SIZE, 0), (ssize_t)IMG_SIZE);
	free(b);
}

static void image_setup(void)
{
	make_image(IMG_TEMPLATE);
}

static void long_image_setup(void)
{
	make_image(LONG_TEMPLATE);
}

static void image_teardown(void)
{
	close(img_fd);
	unlink(img_path);
	img_fd = -1;
}

/* A device option for virtio-blk with @value: its index in dev_args. */
static unsigned int add_arg(const char *value)
{
	unsigned int i = vdrv_cfg.nr_dev_args++;

	ck_assert_uint_lt(i, ARRAY_SIZE(args));
	snprintf(args[i], sizeof(args[i]), "%s", value);
	vdrv_cfg.dev_args[i] = (struct device_arg){ blk_desc, args[i] };
	return i;
}

/* `--disk <image>@flags`: its index in dev_args. */
static unsigned int add_disk(const char *flags)
{
	char v[sizeof(args[0])];

	snprintf(v, sizeof(v), "%s%s", img_path, flags);
	return add_arg(v);
}

/* Init device option @i, as devices__init() would: its result. */
static int init_disk(unsigned int i)
{
	return blk_desc->init(&vdrv_vm, args[i], &disks[i]);
}

/* The same, with the error line it prints kept off the test's output. */
static int init_disk_quiet(unsigned int i)
{
	int err_fd = dup(STDERR_FILENO), null_fd = open("/dev/null", O_WRONLY);
	int ret;

	ck_assert_int_ge(err_fd, 0);
	ck_assert_int_ge(null_fd, 0);
	dup2(null_fd, STDERR_FILENO);
	ret = init_disk(i);
	dup2(err_fd, STDERR_FILENO);
	close(err_fd);
	close(null_fd);
	return ret;
}

static void open_disk(const char *flags)
{
	unsigned int i = add_disk(flags);

	disks[i] = vdrv_init_device(blk_desc, args[i]);
}

/* A VM and the image, no disk yet. */
static void vm_setup(void)
{
	make_vm(CONSOLE_SERIAL, -1);
	blk_desc = vdrv_find_device("virtio-blk");
	memset(args, 0, sizeof(args));
	memset(disks, 0, sizeof(disks));
}

static void blk_setup(void)
{
	vm_setup();
	open_disk("");
}

static void blk_ro_setup(void)
{
	vm_setup();
	open_disk(",ro");
}

/* Exit every disk: each stops its I/O thread. */
static void blk_teardown(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(disks); i++)
		vdrv_exit_device(blk_desc, &disks[i]);
	loop__destroy(&vdrv_vm.loop);
}

/* ---- virtio-blk: identity and configuration space ------------------------- */

START_TEST(blk_identity)
{
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_VERSION), 2);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	ck_assert_uint_eq(vdrv_device_features(),
			  F_RING | BLK_F(SEG_MAX) | BLK_F(BLK_SIZE) | BLK_F(FLUSH) |
			  BLK_F(DISCARD) | BLK_F(WRITE_ZEROES));
	ck_assert_uint_eq(vdrv_queue_num_max(0), 256);
	ck_assert_uint_eq(vdrv_queue_num_max(1), 0);
	ck_assert_str_eq(mmio_bus__find(&vdrv_vm.bus, VDRV_MMIO_BASE, 4)->name, "virtio-blk vda");
}
END_TEST

/* What the config space says of the disk whether it is read-only or not. */
static void ck_geometry(void)
{
	ck_assert_uint_eq(CONFIG(capacity), IMG_SECTORS);
	ck_assert_uint_eq(CONFIG(seg_max), 128);
	ck_assert_uint_eq(CONFIG(blk_size), 512);
}

START_TEST(blk_config)
{
	ck_geometry();
	/* one range per request, in any sector, of a length the device chose */
	ck_assert_uint_gt(CONFIG(max_discard_sectors), 0);
	ck_assert_uint_eq(CONFIG(max_discard_seg), 1);
	ck_assert_uint_eq(CONFIG(discard_sector_alignment), 1);
	ck_assert_uint_gt(CONFIG(max_write_zeroes_sectors), 0);
	ck_assert_uint_eq(CONFIG(max_write_zeroes_seg), 1);
	ck_assert_uint_eq(CONFIG(write_zeroes_may_unmap), 1);
	/* the config space takes any width */
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_CONFIG, 4), IMG_SECTORS);
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_CONFIG + 1, 1), IMG_SECTORS >> 8);
}
END_TEST

START_TEST(blk_ro_config)
{
	ck_assert_uint_eq(vdrv_device_features(),
			  F_RING | BLK_F(SEG_MAX) | BLK_F(BLK_SIZE) | BLK_F(FLUSH) |
			  BLK_F(RO));
	ck_geometry();
	ck_assert_uint_eq(CONFIG(max_discard_sectors), 0);
	ck_assert_uint_eq(CONFIG(max_write_zeroes_sectors), 0);
	ck_assert_uint_eq(CONFIG(write_zeroes_may_unmap), 0);
}
END_TEST

START_TEST(blk_capacity_whole_sectors)
{
	/* a tail shorter than a sector is not the guest's */
	ck_assert_int_eq(ftruncate(img_fd, IMG_SIZE + 100), 0);
	open_disk("");
	ck_assert_uint_eq(CONFIG(capacity), IMG_SECTORS);
}
END_TEST

START_TEST(blk_disk_names)
{
	unsigned int i;

	/* vda, vdb, ... count the --disk options only, in their order */
	add_disk(",ro");
	vdrv_cfg.dev_args[vdrv_cfg.nr_dev_args++] =
		(struct device_arg){ vdrv_find_device("virtio-rng"), NULL };
	add_disk(",ro");
	i = add_disk(",ro");
	ck_assert_int_eq(init_disk(i), 0);
	ck_assert_str_eq(mmio_bus__find(&vdrv_vm.bus, VDRV_MMIO_BASE, 4)->name, "virtio-blk vdc");
	ck_assert_int_eq(init_disk(0), 0);
	ck_assert_str_eq(mmio_bus__find(&vdrv_vm.bus, VDRV_MMIO_BASE + LAYOUT_VIRTIO_MMIO_SIZE,
					4)->name, "virtio-blk vda");
}
END_TEST

/* ---- virtio-blk: reads and writes ----------------------------------------- */

START_TEST(blk_read)
{
	vdrv_start(F_VERSION_1, 1);
	ck_assert_uint_eq(do_request(0, VIRTIO_BLK_T_IN, 5, 4096), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(vdrv_used_id(0, 0), head(0));
	ck_assert_uint_eq(vdrv_used_len(0, 0), 4096 + 1);
	ck_guest_pattern(BUF_GPA(0), 5 * 512, 4096);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(0) + 4096), 0, 64));

	/* the last sector */
	ck_assert_uint_eq(do_request(1, VIRTIO_BLK_T_IN, IMG_SECTORS - 1, 512), VIRTIO_BLK_S_OK);
	ck_guest_pattern(BUF_GPA(1), IMG_SIZE - 512, 512);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
}
END_TEST

START_TEST(blk_write)
{
	vdrv_start(F_VERSION_1, 1);
	fill_out(BUF_GPA(0), 2048, 0x40);
	ck_assert_uint_eq(do_request(0, VIRTIO_BLK_T_OUT, 9, 2048), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(req_used_len(0), 1);
	ck_file(9 * 512, vdrv_hva(BUF_GPA(0)), 2048);
	ck_file_pattern(0, 9 * 512);
	ck_file_pattern(13 * 512, IMG_SIZE - 13 * 512);

	/* and the guest reads it back */
	ck_assert_uint_eq(do_request(1, VIRTIO_BLK_T_IN, 9, 2048), VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(vdrv_hva(BUF_GPA(1)), vdrv_hva(BUF_GPA(0)), 2048);
}
END_TEST

START_TEST(blk_split_buffers)
{
	/* the header in two pieces, the data in pieces of no whole sectors */
	static const struct seg in[] = {
		{ HDR_GPA(0), 8, 0 },
		{ HDR_GPA(0) + 8, 8, 0 },
		{ BUF_GPA(0), 1000, W },
		{ BUF_GPA(0) + 0x2000, 1000, W },
		{ BUF_GPA(0) + 0x4000, 2096, W },
		{ STATUS_GPA(0), 1, W },
	};
	static const struct seg out[] = {
		{ HDR_GPA(1), 16, 0 },
		{ BUF_GPA(1), 100, 0 },
		{ BUF_GPA(1) + 0x1000, 412, 0 },
		{ BUF_GPA(1) + 0x2000, 512, 0 },
		{ STATUS_GPA(1), 1, W },
	};
	u8 written[1024];

	vdrv_start(F_VERSION_1, 1);
	header(0, VIRTIO_BLK_T_IN, 20);
	post_segs(0, in, ARRAY_SIZE(in));
	header(1, VIRTIO_BLK_T_OUT, 40);
	fill_out(BUF_GPA(1), 100, 1);
	fill_out(BUF_GPA(1) + 0x1000, 412, 2);
	fill_out(BUF_GPA(1) + 0x2000, 512, 3);
	post_segs(1, out, ARRAY_SIZE(out));
	vdrv_notify(0);
	wait_used(2);

	ck_done(0, VIRTIO_BLK_S_OK, 4096 + 1);
	ck_guest_pattern(BUF_GPA(0), 20 * 512, 1000);
	ck_guest_pattern(BUF_GPA(0) + 0x2000, 20 * 512 + 1000, 1000);
	ck_guest_pattern(BUF_GPA(0) + 0x4000, 20 * 512 + 2000, 2096);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(0) + 1000), 0, 0x2000 - 1000));

	ck_done(1, VIRTIO_BLK_S_OK, 1);
	memcpy(written, vdrv_hva(BUF_GPA(1)), 100);
	memcpy(written + 100, vdrv_hva(BUF_GPA(1) + 0x1000), 412);
	memcpy(written + 512, vdrv_hva(BUF_GPA(1) + 0x2000), 512);
	ck_file(40 * 512, written, sizeof(written));
	ck_file_pattern(0, 40 * 512);
	ck_file_pattern(42 * 512, IMG_SIZE - 42 * 512);
}
END_TEST

START_TEST(blk_status_shares_buffer)
{
	/* the data and the status byte in one writable buffer */
	static const struct seg sg[] = {
		{ HDR_GPA(0), 16, 0 },
		{ BUF_GPA(0), 513, W },
	};
	u8 *st = vdrv_hva(BUF_GPA(0) + 512);

	vdrv_start(F_VERSION_1, 1);
	header(0, VIRTIO_BLK_T_IN, 3);
	*st = 0xff;
	post_segs(0, sg, ARRAY_SIZE(sg));
	vdrv_notify(0);
	wait_used(1);
	ck_assert_uint_eq(vdrv_used_len(0, 0), 513);
	ck_assert_uint_eq(*st, VIRTIO_BLK_S_OK);
	ck_guest_pattern(BUF_GPA(0), 3 * 512, 512);
}
END_TEST

START_TEST(blk_indirect)
{
	u8 written[1536];

	vdrv_start(F_VERSION_1 | F_INDIRECT, 1);
	indirect_request(0, VIRTIO_BLK_T_IN, 3, 2048, 4);
	fill_out(BUF_GPA(1), sizeof(written), 0x77);
	memcpy(written, vdrv_hva(BUF_GPA(1)), sizeof(written));
	indirect_request(1, VIRTIO_BLK_T_OUT, 64, sizeof(written), 3);
	vdrv_notify(0);
	wait_used(2);
	ck_done(0, VIRTIO_BLK_S_OK, 2048 + 1);
	ck_guest_pattern(BUF_GPA(0), 3 * 512, 2048);
	ck_done(1, VIRTIO_BLK_S_OK, 1);
	ck_file(64 * 512, written, sizeof(written));
	ck_file_pattern(67 * 512, 512);
}
END_TEST

START_TEST(blk_seg_max_segments)
{
	/* as many data buffers as seg_max says, through an indirect table */
	vdrv_start(F_VERSION_1 | F_INDIRECT, 1);
	indirect_request(0, VIRTIO_BLK_T_IN, 100, 128 * 512, 128);
	vdrv_notify(0);
	wait_used(1);
	ck_done(0, VIRTIO_BLK_S_OK, 128 * 512 + 1);
	ck_guest_pattern(BUF_GPA(0), 100 * 512, 128 * 512);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
}
END_TEST

START_TEST(blk_batch)
{
	unsigned int s;

	/* reads and writes at once, on one notification, with Linux's features */
	vdrv_start(F_VERSION_1 | F_INDIRECT | F_EVENT_IDX | BLK_F(SEG_MAX) |
		   BLK_F(BLK_SIZE) | BLK_F(FLUSH) | BLK_F(DISCARD) | BLK_F(WRITE_ZEROES), 1);
	for (s = 0; s < NR_SLOTS; s++) {
		if (s % 2) {
			fill_out(BUF_GPA(s), 2048, s);
			request(s, VIRTIO_BLK_T_OUT, 300 + s * 16, 2048, 2);
		} else {
			request(s, VIRTIO_BLK_T_IN, 100 + s * 16, 4096, 3);
		}
	}
	vdrv_notify(0);
	wait_used(NR_SLOTS);
	for (s = 0; s < NR_SLOTS; s++) {
		if (s % 2) {
			ck_done(s, VIRTIO_BLK_S_OK, 1);
			ck_file((300 + s * 16) * 512, vdrv_hva(BUF_GPA(s)), 2048);
		} else {
			ck_done(s, VIRTIO_BLK_S_OK, 4096 + 1);
			ck_guest_pattern(BUF_GPA(s), (100 + s * 16) * 512, 4096);
		}
	}
}
END_TEST

/*
 * virtio_dev__quiesce() returns once the I/O thread has served every
 * notification and has nothing in flight, flushes included: the fuzz
 * harness's barrier, with no waiting after it.
 */
START_TEST(blk_quiesce)
{
	struct virtio_dev *vdev = disks[0];	/* a device's state begins with it */
	unsigned int s, round;

	vdrv_start(F_VERSION_1 | BLK_F(FLUSH), 1);
	for (round = 0; round < 4; round++) {
		for (s = 0; s < NR_SLOTS; s++) {
			if (s % 2) {
				request(s, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
			} else {
				fill_out(BUF_GPA(s), 4096, s + round);
				request(s, VIRTIO_BLK_T_OUT, s * 8, 4096, 2);
			}
		}
		vdrv_notify(0);
		virtio_dev__quiesce(vdev);
		ck_assert_uint_eq(vdrv_used_idx(0), (round + 1) * NR_SLOTS);
		for (s = 0; s < NR_SLOTS; s++)
			ck_assert_uint_eq(req_status(s), VIRTIO_BLK_S_OK);
	}
	/* and with nothing to do */
	virtio_dev__quiesce(vdev);
	ck_assert_uint_eq(vdrv_used_idx(0), 4 * NR_SLOTS);
}
END_TEST

START_TEST(blk_buffers_before_driver_ok)
{
	vdrv_setup_queues(F_VERSION_1, 1);
	request(0, VIRTIO_BLK_T_IN, 1, 512, 1);
	vdrv_notify(0);
	settle();
	/* 2.1.2: nothing used before DRIVER_OK */
	ck_assert_uint_eq(vdrv_used_idx(0), 0);
	ck_assert_uint_eq(req_status(0), 0xff);

	vdrv_driver_ok();
	wait_used(1);
	ck_done(0, VIRTIO_BLK_S_OK, 512 + 1);
	ck_guest_pattern(BUF_GPA(0), 512, 512);
}
END_TEST

/* ---- virtio-blk: FLUSH and GET_ID ------------------------------------------ */

START_TEST(blk_flush)
{
	vdrv_start(F_VERSION_1 | BLK_F(FLUSH), 1);
	fill_out(BUF_GPA(0), 512, 9);
	ck_assert_uint_eq(do_request(0, VIRTIO_BLK_T_OUT, 2, 512), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(do_request(1, VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(req_used_len(1), 1);
	ck_file(2 * 512, vdrv_hva(BUF_GPA(0)), 512);
}
END_TEST

/* The image's file name: the ID of a disk. */
static const char *image_name(void)
{
	return strrchr(img_path, '/') + 1;
}

/*
 * GET_ID as request @s, into 32 bytes: the image's name, NUL-padded to 20
 * bytes if shorter and cut to 20 if longer, and nothing after them.
 */
static void ck_get_id(unsigned int s)
{
	size_t n = strlen(image_name()) < 20 ? strlen(image_name()) : 20;

	ck_assert_uint_eq(do_request(s, VIRTIO_BLK_T_GET_ID, 0, 32), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(req_used_len(s), 20 + 1);
	ck_assert_mem_eq(vdrv_hva(BUF_GPA(s)), image_name(), n);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(s) + n), 0, 20 - n));
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(s) + 20), 0xee, 12));
}

START_TEST(blk_get_id)
{
	ck_assert_uint_eq(strlen(image_name()), 19);
	vdrv_start(F_VERSION_1, 1);
	ck_get_id(0);

	/* a shorter buffer gets what fits */
	ck_assert_uint_eq(do_request(1, VIRTIO_BLK_T_GET_ID, 0, 8), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(req_used_len(1), 8 + 1);
	ck_assert_mem_eq(vdrv_hva(BUF_GPA(1)), image_name(), 8);
}
END_TEST

START_TEST(blk_get_id_20_bytes)
{
	/* 5.2.6: a 20-byte ID has no NUL */
	ck_assert_uint_gt(strlen(image_name()), 20);
	vdrv_start(F_VERSION_1, 1);
	ck_get_id(0);
}
END_TEST

/* ---- virtio-blk: requests the device refuses ------------------------------- */

START_TEST(blk_read_out_of_range)
{
	static const struct {
		u64	sector;
		u32	len;
	} c[] = {
		{ IMG_SECTORS, 512 },		/* past the last sector */
		{ IMG_SECTORS - 1, 1024 },	/* across the end */
		{ IMG_SECTORS + 1, 512 },
		{ WRAPPING_SECTOR, 512 },	/* sector * 512 wraps to 512 */
		{ UINT64_MAX, 512 },
	};
	unsigned int s;

	vdrv_start(F_VERSION_1, 1);
	for (s = 0; s < ARRAY_SIZE(c); s++)
		request(s, VIRTIO_BLK_T_IN, c[s].sector, c[s].len, 1);
	vdrv_notify(0);
	wait_used(ARRAY_SIZE(c));
	for (s = 0; s < ARRAY_SIZE(c); s++) {
		ck_assert_msg(req_status(s) == VIRTIO_BLK_S_IOERR, "case %u: status %u",
			      s, req_status(s));
		ck_assert_uint_eq(req_used_len(s), 1);
		ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(s)), 0xee, c[s].len));
	}
}
END_TEST

START_TEST(blk_write_out_of_range)
{
	static const struct {
		u64	sector;
		u32	len;
	} c[] = {
		{ IMG_SECTORS, 512 },
		{ IMG_SECTORS - 1, 1024 },
		{ WRAPPING_SECTOR, 512 },
		{ UINT64_MAX, 512 },
	};
	unsigned int i;

	vdrv_start(F_VERSION_1, 1);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		fill_out(BUF_GPA(i), c[i].len, 0x5a);
		request(i, VIRTIO_BLK_T_OUT, c[i].sector, c[i].len, 1);
	}
	vdrv_notify(0);
	wait_used(ARRAY_SIZE(c));
	ck_all_done(ARRAY_SIZE(c), VIRTIO_BLK_S_IOERR);
	ck_file_intact();
}
END_TEST

START_TEST(blk_partial_sector)
{
	/* 5.2.6.2: data in whole sectors */
	vdrv_start(F_VERSION_1, 1);
	request(0, VIRTIO_BLK_T_IN, 0, 513, 1);
	fill_out(BUF_GPA(1), 100, 0x33);
	request(1, VIRTIO_BLK_T_OUT, 0, 100, 1);
	fill_out(BUF_GPA(2), 1000, 0x34);
	request(2, VIRTIO_BLK_T_OUT, 4, 1000, 2);
	vdrv_notify(0);
	wait_used(3);
	ck_all_done(3, VIRTIO_BLK_S_IOERR);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(0)), 0xee, 513));
	ck_file_intact();
}
END_TEST

START_TEST(blk_unknown_type)
{
	/* legacy SCSI_CMD, GET_LIFETIME (no feature), and nothing at all */
	static const u32 types[] = { 2, 10, 0xdead };
	unsigned int s;

	vdrv_start(F_VERSION_1, 1);
	for (s = 0; s < ARRAY_SIZE(types); s++)
		request(s, types[s], 0, 512, 1);
	vdrv_notify(0);
	wait_used(ARRAY_SIZE(types));
	for (s = 0; s < ARRAY_SIZE(types); s++)
		ck_assert_msg(req_status(s) == VIRTIO_BLK_S_UNSUPP, "type %u: status %u",
			      types[s], req_status(s));
	ck_file_intact();
}
END_TEST

START_TEST(blk_short_header)
{
	static const struct seg sg[] = {
		{ HDR_GPA(0), 8, 0 },
		{ STATUS_GPA(0), 1, W },
	};

	vdrv_start(F_VERSION_1, 1);
	header(0, VIRTIO_BLK_T_IN, 0);
	post_segs(0, sg, ARRAY_SIZE(sg));
	vdrv_notify(0);
	wait_used(1);
	ck_done(0, VIRTIO_BLK_S_IOERR, 1);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
}
END_TEST

START_TEST(blk_read_past_shrunk_image)
{
	/* the image shrank under the device: the read comes up short */
	ck_assert_int_eq(ftruncate(img_fd, 100 * 512 + 512), 0);
	vdrv_start(F_VERSION_1, 1);
	request(0, VIRTIO_BLK_T_IN, 100, 1024, 3);
	request(1, VIRTIO_BLK_T_IN, 200, 512, 1);
	vdrv_notify(0);
	wait_used(2);
	ck_all_done(2, VIRTIO_BLK_S_IOERR);
	ck_guest_pattern(BUF_GPA(0), 100 * 512, 512);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
}
END_TEST

/* ---- virtio-blk: a read-only disk ------------------------------------------ */

START_TEST(blk_ro_refuses_writes)
{
	vdrv_start(F_VERSION_1, 1);
	fill_out(BUF_GPA(0), 512, 0x11);
	request(0, VIRTIO_BLK_T_OUT, 0, 512, 1);
	range_request(1, VIRTIO_BLK_T_DISCARD, 0, 8, 0, 1);
	range_request(2, VIRTIO_BLK_T_WRITE_ZEROES, 8, 8, 0, 1);
	range_request(3, VIRTIO_BLK_T_WRITE_ZEROES, 16, 8,
		      VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP, 1);
	vdrv_notify(0);
	wait_used(4);
	ck_all_done(4, VIRTIO_BLK_S_IOERR);
	ck_file_intact();
}
END_TEST

START_TEST(blk_ro_reads)
{
	vdrv_start(F_VERSION_1, 1);
	ck_assert_uint_eq(do_request(0, VIRTIO_BLK_T_IN, 7, 1536), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(req_used_len(0), 1536 + 1);
	ck_guest_pattern(BUF_GPA(0), 7 * 512, 1536);
	ck_assert_uint_eq(do_request(1, VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(do_request(2, VIRTIO_BLK_T_GET_ID, 0, 20), VIRTIO_BLK_S_OK);
}
END_TEST

/* ---- virtio-blk: DISCARD and WRITE_ZEROES ---------------------------------- */

START_TEST(blk_write_zeroes)
{
	struct stat st;

	vdrv_start(F_VERSION_1, 1);
	ck_assert_uint_eq(do_range(0, VIRTIO_BLK_T_WRITE_ZEROES, 8, 4, 0), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(do_range(1, VIRTIO_BLK_T_WRITE_ZEROES, 100, 3,
				   VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP), VIRTIO_BLK_S_OK);
	ck_file_pattern(0, 8 * 512);
	ck_file_zero(8 * 512, 4 * 512);
	ck_file_pattern(12 * 512, (100 - 12) * 512);
	ck_file_zero(100 * 512, 3 * 512);
	ck_file_pattern(103 * 512, IMG_SIZE - 103 * 512);
	ck_assert_int_eq(fstat(img_fd, &st), 0);
	ck_assert_uint_eq(st.st_size, IMG_SIZE);

	/* and the guest reads zeroes */
	ck_assert_uint_eq(do_request(2, VIRTIO_BLK_T_IN, 7, 3 * 512), VIRTIO_BLK_S_OK);
	ck_guest_pattern(BUF_GPA(2), 7 * 512, 512);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(2) + 512), 0, 1024));
}
END_TEST

START_TEST(blk_discard)
{
	struct stat st;

	vdrv_start(F_VERSION_1, 1);
	ck_assert_uint_eq(do_range(0, VIRTIO_BLK_T_DISCARD, 16, 16, 0), VIRTIO_BLK_S_OK);
	/* the very last sector */
	ck_assert_uint_eq(do_range(1, VIRTIO_BLK_T_DISCARD, IMG_SECTORS - 1, 1, 0),
			  VIRTIO_BLK_S_OK);
	ck_file_pattern(0, 16 * 512);
	ck_file_zero(16 * 512, 16 * 512);
	ck_file_pattern(32 * 512, IMG_SIZE - 33 * 512);
	ck_file_zero(IMG_SIZE - 512, 512);
	ck_assert_int_eq(fstat(img_fd, &st), 0);
	ck_assert_uint_eq(st.st_size, IMG_SIZE);
}
END_TEST

START_TEST(blk_range_out_of_range)
{
	static const struct {
		u32	type;
		u64	sector;
		u32	num;
	} c[] = {
		{ VIRTIO_BLK_T_DISCARD, IMG_SECTORS - 8, 16 },
		{ VIRTIO_BLK_T_DISCARD, IMG_SECTORS, 1 },
		{ VIRTIO_BLK_T_DISCARD, WRAPPING_SECTOR, 1 },
		{ VIRTIO_BLK_T_WRITE_ZEROES, IMG_SECTORS - 1, 2 },
		{ VIRTIO_BLK_T_WRITE_ZEROES, IMG_SECTORS + 1, 1 },
		{ VIRTIO_BLK_T_WRITE_ZEROES, WRAPPING_SECTOR, 1 },
		{ VIRTIO_BLK_T_WRITE_ZEROES, 0, 0xffffffff },
	};
	unsigned int s;

	vdrv_start(F_VERSION_1, 1);
	for (s = 0; s < ARRAY_SIZE(c); s++)
		range_request(s, c[s].type, c[s].sector, c[s].num, 0, 1);
	vdrv_notify(0);
	wait_used(ARRAY_SIZE(c));
	for (s = 0; s < ARRAY_SIZE(c); s++)
		ck_assert_msg(req_status(s) == VIRTIO_BLK_S_IOERR, "case %u: status %u",
			      s, req_status(s));
	ck_file_intact();
}
END_TEST

START_TEST(blk_range_two_segments)
{
	/* max_discard_seg and max_write_zeroes_seg are 1 */
	vdrv_start(F_VERSION_1, 1);
	range_request(0, VIRTIO_BLK_T_DISCARD, 0, 8, 0, 2);
	range_request(1, VIRTIO_BLK_T_WRITE_ZEROES, 8, 8, 0, 2);
	vdrv_notify(0);
	wait_used(2);
	ck_all_done(2, VIRTIO_BLK_S_UNSUPP);
	ck_file_intact();
}
END_TEST

START_TEST(blk_range_unknown_flags)
{
	/* 5.2.6.2: UNSUPP for discard and write zeroes with any unknown flag */
	vdrv_start(F_VERSION_1, 1);
	range_request(0, VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 1U << 1, 1);
	range_request(1, VIRTIO_BLK_T_DISCARD, 8, 8, 1U << 31, 1);
	vdrv_notify(0);
	wait_used(2);
	ck_assert_msg(req_status(0) == VIRTIO_BLK_S_UNSUPP,
		      "WRITE_ZEROES with unknown flag 0x2: status %u", req_status(0));
	ck_assert_msg(req_status(1) == VIRTIO_BLK_S_UNSUPP,
		      "DISCARD with unknown flag 0x80000000: status %u", req_status(1));
	ck_file_intact();
}
END_TEST

START_TEST(blk_discard_unmap_flag)
{
	/* 5.2.6.2: UNSUPP for a discard with the unmap flag set */
	vdrv_start(F_VERSION_1, 1);
	ck_assert_msg(do_range(0, VIRTIO_BLK_T_DISCARD, 0, 8,
			       VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP) == VIRTIO_BLK_S_UNSUPP,
		      "DISCARD with the unmap flag: status %u", req_status(0));
	ck_file_intact();
}
END_TEST

/* ---- virtio-blk: a broken driver, and resets ------------------------------- */

/* Post a request with no device-writable byte: no status byte at all. */
static void post_no_status(void)
{
	static const struct seg sg[] = {
		{ HDR_GPA(0), 16, 0 },
		{ BUF_GPA(0), 512, 0 },
	};

	header(0, VIRTIO_BLK_T_OUT, 0);
	post_segs(0, sg, ARRAY_SIZE(sg));
	vdrv_notify(0);
	ck_assert_msg(WAIT_FOR(vdrv_status() & S_NEEDS_RESET), "status 0x%x", vdrv_status());
}

START_TEST(blk_no_status_needs_reset)
{
	u16 n;

	vdrv_start(F_VERSION_1, 1);
	post_no_status();
	ck_assert_uint_eq(vdrv_status(), S_RUNNING | S_NEEDS_RESET);
	ck_assert_msg(WAIT_FOR(vdrv_int_status() & VIRTIO_MMIO_INT_CONFIG), "no config interrupt");
	settle();
	ck_assert_uint_ge(vdrv_pulses(), 1);
	ck_file_intact();

	/* stopped: a good request now is not served */
	n = vdrv_used_idx(0);
	request(1, VIRTIO_BLK_T_IN, 0, 512, 1);
	vdrv_notify(0);
	settle();
	ck_assert_uint_eq(vdrv_used_idx(0), n);
	ck_assert_uint_eq(req_status(1), 0xff);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(1)), 0xee, 512));
}
END_TEST

START_TEST(blk_no_status_not_used)
{
	/*
	 * 2.7.8.2: a used len is bytes written, and this chain has nowhere to
	 * write; a failed device uses its queue no more.
	 */
	vdrv_start(F_VERSION_1, 1);
	post_no_status();
	settle();
	ck_assert_msg(vdrv_used_idx(0) == 0,
		      "a chain without a status byte was used, with len %u", vdrv_used_len(0, 0));
}
END_TEST

START_TEST(blk_loop_needs_reset)
{
	vdrv_start(F_VERSION_1, 1);
	/* 0, 1, 0, 1, ...: no end, and no writable buffer to stop at */
	header(0, VIRTIO_BLK_T_OUT, 0);
	vdrv_desc(0, 0, HDR_GPA(0), 16, VRING_DESC_F_NEXT, 1);
	vdrv_desc(0, 1, BUF_GPA(0), 512, VRING_DESC_F_NEXT, 0);
	vdrv_post(0, 0);
	vdrv_notify(0);
	ck_assert_msg(WAIT_FOR(vdrv_status() & S_NEEDS_RESET), "status 0x%x", vdrv_status());
	ck_assert_uint_eq(vdrv_status(), S_RUNNING | S_NEEDS_RESET);
	ck_assert_msg(WAIT_FOR(vdrv_int_status() & VIRTIO_MMIO_INT_CONFIG), "no config interrupt");
	settle();
	ck_assert_uint_eq(vdrv_used_idx(0), 0);
	ck_assert_uint_eq(req_status(0), 0xff);
	ck_file_intact();
}
END_TEST

START_TEST(blk_works_after_reset)
{
	vdrv_start(F_VERSION_1, 1);
	post_no_status();

	vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(vdrv_status(), 0);
	ck_assert_uint_eq(vdrv_int_status(), 0);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY), 0);
	vdrv_zero_rings(0);
	vdrv_start(F_VERSION_1 | F_INDIRECT | F_EVENT_IDX, 1);
	ck_assert_uint_eq(do_request(1, VIRTIO_BLK_T_IN, 33, 1024), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(req_used_len(1), 1024 + 1);
	ck_guest_pattern(BUF_GPA(1), 33 * 512, 1024);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
}
END_TEST

START_TEST(blk_reset_in_flight)
{
	u8 *snap = malloc(NR_SLOTS * SLOT_BUF);
	unsigned int s, done = 0;
	u16 n;

	ck_assert_ptr_nonnull(snap);
	/* a device never started resets at once */
	vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(vdrv_status(), 0);

	vdrv_start(F_VERSION_1, 1);
	for (s = 0; s < NR_SLOTS; s++)
		request(s, VIRTIO_BLK_T_IN, s * 128, SLOT_BUF, 4);
	vdrv_notify(0);
	vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(vdrv_status(), 0);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY), 0);

	/* each request done and used, or never started: nothing left running */
	n = vdrv_used_idx(0);
	for (s = 0; s < NR_SLOTS; s++) {
		ck_assert_msg(req_status(s) == VIRTIO_BLK_S_OK || req_status(s) == 0xff,
			      "request %u: status %u", s, req_status(s));
		done += req_status(s) == VIRTIO_BLK_S_OK;
	}
	ck_assert_uint_eq(n, done);
	memcpy(snap, vdrv_hva(BUF_GPA(0)), NR_SLOTS * SLOT_BUF);
	settle();
	ck_assert_uint_eq(vdrv_used_idx(0), n);
	ck_assert_mem_eq(vdrv_hva(BUF_GPA(0)), snap, NR_SLOTS * SLOT_BUF);
	free(snap);

	/* and the device serves the driver's new queue */
	vdrv_zero_rings(0);
	vdrv_start(F_VERSION_1, 1);
	ck_assert_uint_eq(do_request(0, VIRTIO_BLK_T_IN, 1000, 512), VIRTIO_BLK_S_OK);
	ck_guest_pattern(BUF_GPA(0), 1000 * 512, 512);
}
END_TEST

/* ---- virtio-blk: interrupts ------------------------------------------------ */

START_TEST(blk_interrupt_per_batch)
{
	unsigned int s, p;

	vdrv_start(F_VERSION_1, 1);
	for (s = 0; s < 4; s++)
		request(s, VIRTIO_BLK_T_IN, s * 8, 4096, 1);
	vdrv_notify(0);
	wait_used(4);
	settle();
	ck_assert_uint_eq(vdrv_int_status(), VIRTIO_MMIO_INT_VRING);
	/* at least one, at most one a completion */
	p = vdrv_pulses();
	ck_assert_uint_ge(p, 1);
	ck_assert_uint_le(p, 4);
	vdrv_wr32(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	ck_assert_uint_eq(vdrv_int_status(), 0);

	/* the next batch interrupts again */
	ck_assert_uint_eq(do_request(4, VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
	ck_assert_msg(WAIT_FOR(vdrv_int_status() == VIRTIO_MMIO_INT_VRING), "no interrupt");
	settle();
	ck_assert_uint_gt(vdrv_pulses(), p);
}
END_TEST

START_TEST(blk_no_interrupt_flag)
{
	vdrv_start(F_VERSION_1, 1);
	vdrv_q[0].avail->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);
	ck_assert_uint_eq(do_request(0, VIRTIO_BLK_T_IN, 0, 512), VIRTIO_BLK_S_OK);
	settle();
	ck_assert_uint_eq(vdrv_int_status(), 0);
	ck_assert_uint_eq(vdrv_pulses(), 0);
}
END_TEST

START_TEST(blk_event_idx)
{
	vdrv_start(F_VERSION_1 | F_EVENT_IDX, 1);
	/* the first completion interrupts */
	*vdrv_used_event(0) = htole16(0);
	ck_assert_uint_eq(do_request(0, VIRTIO_BLK_T_IN, 0, 512), VIRTIO_BLK_S_OK);
	ck_assert_msg(WAIT_FOR(vdrv_int_status()), "no interrupt");
	settle();
	ck_assert_uint_eq(vdrv_pulses(), 1);
	/* not wanted before the used idx passes 5 */
	*vdrv_used_event(0) = htole16(5);
	ck_assert_uint_eq(do_request(1, VIRTIO_BLK_T_IN, 1, 512), VIRTIO_BLK_S_OK);
	settle();
	ck_assert_uint_eq(vdrv_pulses(), 1);
	/* wanted once it passes 2 */
	*vdrv_used_event(0) = htole16(2);
	ck_assert_uint_eq(do_request(2, VIRTIO_BLK_T_IN, 2, 512), VIRTIO_BLK_S_OK);
	settle();
	ck_assert_uint_eq(vdrv_pulses(), 2);
}
END_TEST

/* ---- virtio-blk: opening and locking the image ----------------------------- */

START_TEST(blk_lock_excludes)
{
	unsigned int a = add_disk(""), b = add_disk(""), c = add_disk(",ro");

	ck_assert_int_eq(init_disk(a), 0);
	/* two VMs writing one image corrupt it */
	ck_assert_int_eq(init_disk_quiet(b), -DEVICE_EREPORTED);
	ck_assert_ptr_null(disks[b]);
	ck_assert_int_eq(init_disk_quiet(c), -DEVICE_EREPORTED);
	ck_assert_ptr_null(disks[c]);
	/* one window, one SPI: the failures took none */
	ck_assert_uint_eq(vdrv_vm.next_virtio_mmio, VDRV_MMIO_BASE + LAYOUT_VIRTIO_MMIO_SIZE);
	ck_assert_uint_eq(vdrv_vm.next_spi, VDRV_SPI + 1);

	vdrv_exit_device(blk_desc, &disks[a]);
	ck_assert_int_eq(init_disk(b), 0);
	ck_assert_ptr_nonnull(disks[b]);
}
END_TEST

START_TEST(blk_ro_shares_lock)
{
	unsigned int a = add_disk(",ro"), b = add_disk(",ro"), c = add_disk("");

	ck_assert_int_eq(init_disk(a), 0);
	ck_assert_int_eq(init_disk(b), 0);
	ck_assert_int_eq(init_disk_quiet(c), -DEVICE_EREPORTED);
	vdrv_exit_device(blk_desc, &disks[a]);
	ck_assert_int_eq(init_disk_quiet(c), -DEVICE_EREPORTED);
	vdrv_exit_device(blk_desc, &disks[b]);
	ck_assert_int_eq(init_disk(c), 0);
}
END_TEST

START_TEST(blk_init_bad_paths)
{
	char empty[] = "/tmp/vmm-unit-empty-XXXXXX";
	unsigned int i, e;
	int fd, ret;

	i = add_arg("/nonexistent-vmm-unit/disk.img");
	ck_assert_int_eq(init_disk_quiet(i), -DEVICE_EREPORTED);
	i = add_arg("/dev/null");
	ck_assert_int_eq(init_disk_quiet(i), -DEVICE_EREPORTED);
	i = add_arg("/tmp");
	ck_assert_int_eq(init_disk_quiet(i), -DEVICE_EREPORTED);

	/* smaller than a sector */
	fd = mkstemp(empty);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	e = add_arg(empty);
	ret = init_disk_quiet(e);
	unlink(empty);
	close(fd);
	ck_assert_int_eq(ret, -DEVICE_EREPORTED);

	for (i = 0; i <= e; i++)
		ck_assert_ptr_null(disks[i]);
	ck_assert_uint_eq(vdrv_vm.bus.nr, 0);
	ck_assert_uint_eq(vdrv_vm.next_virtio_mmio, VDRV_MMIO_BASE);
	ck_assert_uint_eq(vdrv_vm.next_spi, VDRV_SPI);
}
END_TEST

/* ---- virtio-console: the fixture ------------------------------------------- */

static const struct device_desc *con_desc;
static void *con;
static int out_pipe[2];

/* A VM whose console writes to a pipe, no console device yet. */
static void con_vm_setup(void)
{
	ck_assert_int_eq(pipe2(out_pipe, O_CLOEXEC | O_NONBLOCK), 0);
	make_vm(CONSOLE_VIRTIO, out_pipe[1]);
	con_desc = vdrv_find_device("virtio-console");
	con = NULL;
}

static void con_setup(void)
{
	con_vm_setup();
	con = vdrv_init_device(con_desc, NULL);
}

static void con_teardown(void)
{
	vdrv_exit_device(con_desc, &con);
	loop__destroy(&vdrv_vm.loop);
	close(out_pipe[0]);
	close(out_pipe[1]);
}

/* The console wrote @expect since the last look, and nothing else. */
static void ck_out(const char *expect)
{
	char out[64];
	ssize_t n = read(out_pipe[0], out, sizeof(out) - 1);

	if (n < 0) {
		ck_assert_int_eq(errno, EAGAIN);
		n = 0;
	}
	out[n] = '\0';
	ck_assert_uint_eq(n, strlen(expect));
	ck_assert_str_eq(out, expect);
}

static bool loop_empty(void)
{
	unsigned int i;

	for (i = 0; i < LOOP_MAX_FDS; i++)
		if (vdrv_vm.loop.h[i].fd >= 0)
			return false;
	return true;
}

/* The guest's output @s in buffer @i, as descriptor @d of the transmit queue. */
static void tx_buf(u16 d, unsigned int i, const char *s, u16 flags, u16 next)
{
	memcpy(vdrv_hva(BUF_GPA(i)), s, strlen(s));
	vdrv_desc(1, d, BUF_GPA(i), strlen(s), flags, next);
}

/* A receive buffer of @len bytes at buffer @i, as descriptor @d, posted. */
static void rx_buf(u16 d, unsigned int i, u32 len)
{
	vdrv_desc(0, d, BUF_GPA(i), len, W, 0);
	vdrv_post(0, d);
}

static size_t receive(const char *s)
{
	return console__receive(&vdrv_vm.console, (const u8 *)s, strlen(s));
}

/* One round of the main loop, which must find something to do. */
static void run_once(void)
{
	ck_assert_int_ge(loop__run_once(&vdrv_vm.loop, 100), 1);
}

/* Notify queue @q, and run the main loop for the device to serve it. */
static void kick(u32 q)
{
	vdrv_notify(q);
	run_once();
}

/* The guest's output @s in buffer @i, as a chain of descriptor @d alone, kicked. */
static void transmit(u16 d, unsigned int i, const char *s)
{
	tx_buf(d, i, s, 0, 0);
	vdrv_post(1, d);
	kick(1);
}

/*
 * Queue @q (0: receive, 1: transmit) used one chain, at @head with @len
 * bytes written, and interrupted once for it; the other queue used none.
 */
static void ck_used_one(unsigned int q, u16 head, u32 len)
{
	ck_assert_uint_eq(vdrv_used_idx(q), 1);
	ck_assert_uint_eq(vdrv_used_id(q, 0), head);
	ck_assert_uint_eq(vdrv_used_len(q, 0), len);
	ck_assert_uint_eq(vdrv_int_status(), VIRTIO_MMIO_INT_VRING);
	ck_assert_uint_eq(vdrv_pulses(), 1);
	ck_assert_uint_eq(vdrv_used_idx(!q), 0);
}

/* ---- virtio-console: identity ---------------------------------------------- */

START_TEST(con_identity)
{
	/* the VM's console, with no stdout-path: hvc0 is not in the device tree */
	ck_assert_ptr_nonnull(vdrv_vm.console.ops);
	ck_assert_ptr_eq(vdrv_vm.console.opaque, con);
	ck_assert_str_eq(vdrv_vm.console.dt_path, "");

	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_CONSOLE);
	ck_assert_uint_eq(vdrv_device_features(), F_RING);
	ck_assert_uint_eq(vdrv_queue_num_max(0), 128);
	ck_assert_uint_eq(vdrv_queue_num_max(1), 128);
	ck_assert_uint_eq(vdrv_queue_num_max(2), 0);
	/* no size, no ports: an all-zero config space */
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_CONFIG, 8), 0);
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_CONFIG + 8, 4), 0);
}
END_TEST

START_TEST(con_exit_detaches)
{
	vdrv_exit_device(con_desc, &con);
	ck_assert_ptr_null(vdrv_vm.console.ops);
	ck_assert(loop_empty());
	/* input is dropped, all of it taken */
	ck_assert_uint_eq(receive("abc"), 3);
}
END_TEST

START_TEST(con_serial_not_wanted)
{
	vdrv_cfg.console = CONSOLE_SERIAL;
	ck_assert_int_eq(con_desc->init(&vdrv_vm, NULL, &con), 1);
	ck_assert_ptr_null(con);
	ck_assert_ptr_null(vdrv_vm.console.ops);
	ck_assert_uint_eq(vdrv_vm.bus.nr, 0);
	ck_assert(loop_empty());
}
END_TEST

START_TEST(con_console_taken)
{
	static const struct console_ops other_ops;
	int other;

	ck_assert_int_eq(console__attach(&vdrv_vm, &other_ops, &other, "/uart"), 0);
	ck_assert_int_eq(con_desc->init(&vdrv_vm, NULL, &con), -EBUSY);
	ck_assert_ptr_null(con);
	ck_assert_ptr_eq(vdrv_vm.console.opaque, &other);
	ck_assert_str_eq(vdrv_vm.console.dt_path, "/uart");
	ck_assert_uint_eq(vdrv_vm.bus.nr, 0);
	ck_assert(loop_empty());
}
END_TEST

/* ---- virtio-console: output ------------------------------------------------ */

START_TEST(con_transmit)
{
	vdrv_start(F_VERSION_1, 2);
	transmit(3, 0, "hello, world\n");
	ck_out("hello, world\n");
	ck_used_one(1, 3, 0);
}
END_TEST

START_TEST(con_transmit_chains)
{
	vdrv_start(F_VERSION_1 | F_EVENT_IDX, 2);
	/* two readable buffers and a writable one the device leaves alone */
	tx_buf(0, 0, "abc", VRING_DESC_F_NEXT, 1);
	tx_buf(1, 1, "defg", VRING_DESC_F_NEXT, 2);
	vdrv_desc(1, 2, BUF_GPA(2), 8, W, 0);
	tx_buf(5, 3, "hij\n", 0, 0);
	vdrv_post(1, 0);
	vdrv_post(1, 5);
	kick(1);
	ck_out("abcdefghij\n");
	ck_assert_uint_eq(vdrv_used_idx(1), 2);
	ck_assert_uint_eq(vdrv_used_id(1, 0), 0);
	ck_assert_uint_eq(vdrv_used_len(1, 0), 0);
	ck_assert_uint_eq(vdrv_used_id(1, 1), 5);
	ck_assert_uint_eq(vdrv_used_len(1, 1), 0);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(2)), 0, 8));
}
END_TEST

START_TEST(con_transmit_before_driver_ok)
{
	vdrv_setup_queues(F_VERSION_1, 2);
	transmit(0, 0, "early\n");
	ck_out("");
	ck_assert_uint_eq(vdrv_used_idx(1), 0);

	/* written out once the driver is ready, with no new notification */
	vdrv_driver_ok();
	run_once();
	ck_out("early\n");
	ck_assert_uint_eq(vdrv_used_idx(1), 1);
}
END_TEST

/* ---- virtio-console: input ------------------------------------------------- */

START_TEST(con_receive)
{
	vdrv_start(F_VERSION_1, 2);
	rx_buf(4, 0, 16);
	kick(0);
	ck_assert_uint_eq(receive("hi"), 2);
	ck_used_one(0, 4, 2);
	ck_assert_mem_eq(vdrv_hva(BUF_GPA(0)), "hi", 2);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(0) + 2), 0, 14));
}
END_TEST

START_TEST(con_receive_split)
{
	vdrv_start(F_VERSION_1, 2);
	rx_buf(0, 0, 4);
	rx_buf(1, 1, 4);
	rx_buf(2, 2, 8);
	ck_assert_uint_eq(receive("0123456789"), 10);
	ck_assert_uint_eq(vdrv_used_idx(0), 3);
	ck_assert_uint_eq(vdrv_used_len(0, 0), 4);
	ck_assert_uint_eq(vdrv_used_len(0, 1), 4);
	ck_assert_uint_eq(vdrv_used_len(0, 2), 2);
	ck_assert_mem_eq(vdrv_hva(BUF_GPA(0)), "0123", 4);
	ck_assert_mem_eq(vdrv_hva(BUF_GPA(1)), "4567", 4);
	ck_assert_mem_eq(vdrv_hva(BUF_GPA(2)), "89", 2);
	/* one interrupt for the lot */
	ck_assert_uint_eq(vdrv_pulses(), 1);

	/* more than there is room for: what fits is taken */
	rx_buf(3, 3, 4);
	rx_buf(4, 4, 2);
	ck_assert_uint_eq(receive("abcdefghij"), 6);
	ck_assert_uint_eq(vdrv_used_idx(0), 5);
	ck_assert_mem_eq(vdrv_hva(BUF_GPA(3)), "abcd", 4);
	ck_assert_mem_eq(vdrv_hva(BUF_GPA(4)), "ef", 2);
	ck_assert_uint_eq(receive("ghij"), 0);
	ck_assert_uint_eq(vdrv_used_idx(0), 5);
}
END_TEST

START_TEST(con_receive_not_ready)
{
	ck_assert_uint_eq(receive("early"), 0);
	vdrv_setup_queues(F_VERSION_1, 2);
	rx_buf(0, 0, 16);
	/* 2.1.2: no buffer used before DRIVER_OK */
	ck_assert_uint_eq(receive("early"), 0);
	ck_assert_uint_eq(vdrv_used_idx(0), 0);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(0)), 0, 16));

	vdrv_driver_ok();
	ck_assert_uint_eq(receive("late"), 4);
	ck_assert_mem_eq(vdrv_hva(BUF_GPA(0)), "late", 4);
	/* no buffer left */
	ck_assert_uint_eq(receive("more"), 0);
	ck_assert_uint_eq(vdrv_used_idx(0), 1);

	/* a reset device takes nothing */
	rx_buf(1, 1, 16);
	vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(receive("after"), 0);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(1)), 0, 16));
}
END_TEST

Suite *virtio_devices_suite(void)
{
	Suite *s = suite_create("virtio_devices");

/* the image around the test in the parent, the VM and disk in the test */
#define DISK_TEST(fn, image, setup)					\
	do {								\
		TCase *__tc = tcase_create(#fn);			\
		tcase_add_unchecked_fixture(__tc, image, image_teardown); \
		tcase_add_checked_fixture(__tc, setup, blk_teardown);	\
		tcase_add_test(__tc, fn);				\
		suite_add_tcase(s, __tc);				\
	} while (0)
#define BLK(fn)		DISK_TEST(fn, image_setup, blk_setup)
#define BLK_RO(fn)	DISK_TEST(fn, image_setup, blk_ro_setup)
#define BLK_LONG(fn)	DISK_TEST(fn, long_image_setup, blk_setup)
#define IMG(fn)		DISK_TEST(fn, image_setup, vm_setup)
#define CON(fn)		UNIT_TEST_FIXTURE(s, fn, con_setup, con_teardown)
#define CON_VM(fn)	UNIT_TEST_FIXTURE(s, fn, con_vm_setup, con_teardown)
	BLK(blk_identity);
	BLK(blk_config);
	BLK_RO(blk_ro_config);
	IMG(blk_capacity_whole_sectors);
	IMG(blk_disk_names);
	BLK(blk_read);
	BLK(blk_write);
	BLK(blk_split_buffers);
	BLK(blk_status_shares_buffer);
	BLK(blk_indirect);
	BLK(blk_seg_max_segments);
	BLK(blk_batch);
	BLK(blk_quiesce);
	BLK(blk_buffers_before_driver_ok);
	BLK(blk_flush);
	BLK(blk_get_id);
	BLK_LONG(blk_get_id_20_bytes);
	BLK(blk_read_out_of_range);
	BLK(blk_write_out_of_range);
	BLK(blk_partial_sector);
	BLK(blk_unknown_type);
	BLK(blk_short_header);
	BLK(blk_read_past_shrunk_image);
	BLK_RO(blk_ro_refuses_writes);
	BLK_RO(blk_ro_reads);
	BLK(blk_write_zeroes);
	BLK(blk_discard);
	BLK(blk_range_out_of_range);
	BLK(blk_range_two_segments);
	BLK(blk_range_unknown_flags);
	BLK(blk_discard_unmap_flag);
	BLK(blk_no_status_needs_reset);
	BLK(blk_no_status_not_used);
	BLK(blk_loop_needs_reset);
	BLK(blk_works_after_reset);
	BLK(blk_reset_in_flight);
	BLK(blk_interrupt_per_batch);
	BLK(blk_no_interrupt_flag);
	BLK(blk_event_idx);
	IMG(blk_lock_excludes);
	IMG(blk_ro_shares_lock);
	IMG(blk_init_bad_paths);
	CON(con_identity);
	CON(con_exit_detaches);
	CON_VM(con_serial_not_wanted);
	CON_VM(con_console_taken);
	CON(con_transmit);
	CON(con_transmit_chains);
	CON(con_transmit_before_driver_ok);
	CON(con_receive);
	CON(con_receive_split);
	CON(con_receive_not_ready);
#undef DISK_TEST
#undef BLK
#undef BLK_RO
#undef BLK_LONG
#undef IMG
#undef CON
#undef CON_VM
	return s;
}
