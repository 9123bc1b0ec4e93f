// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_virtio_blk.c - a fuzz harness for virtio-blk (devices/virtio/blk.c)
 * on either transport, driven by an input's guest driver (virtio_fuzz.h
 * has the input format and what is checked).  The disk is a 1 MiB image
 * in $TMPDIR (make fuzz's is on /dev/shm), made again for each input:
 * its first 64 KiB a pattern, the rest a hole.  Its I/O thread is
 * quiesced after each operation (blk.c's BLK_CMD_SYNC), so that an input
 * always ends the same; only its flushes complete out of order.
 *
 *	variant		bit 0: ",ro"; bit 1: ",direct" (O_DIRECT, its
 *			transfers through io_uring); bit 2: an image of 1 MiB
 *			and 300 bytes (the tail no whole sector)
 *	BACKEND b[n]	the image truncated to b[0..1] sectors under the
 *			device, as another writer of the file may
 *	alive()		GET_ID answers the image's name; a one-sector read
 *			and a flush complete (OK, or IOERR for a read past an
 *			image BACKEND shrank)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>

#include "virtio_fuzz.h"

#define IMG_SIZE	SZ_1M
#define IMG_PATTERN	SZ_64K
#define IMG_NAME	"vfz-disk.img"

static const struct device_desc *blk_desc;
static char img_path[4096];
static int img_fd = -1;
static bool no_direct;		/* the file system refused O_DIRECT: never asked again */
static char arg[4200];

static const struct device_desc *find(const char *name)
{
	const struct device_desc *const *d;

	for (d = __start_vmm_devices; d < __stop_vmm_devices; d++)
		if (!strcmp((*d)->name, name))
			return *d;
	vfz_fail("no device %s", name);
}

static void remove_image(void)
{
	unlink(img_path);
}

static void setup(void)
{
	const char *dir = getenv("TMPDIR");

	snprintf(img_path, sizeof(img_path), "%s/%s", dir && *dir ? dir : "/tmp", IMG_NAME);
	img_fd = open(img_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (img_fd < 0)
		vfz_fail("%s: %s", img_path, strerror(errno));
	atexit(remove_image);
	blk_desc = find("virtio-blk");
}

/* The image as every input finds it. */
static void make_image(u64 size)
{
	static u8 pattern[IMG_PATTERN];
	unsigned int i;

	if (!pattern[1])
		for (i = 0; i < sizeof(pattern); i++)
			pattern[i] = i * 7 + (i >> 9);
	if (ftruncate(img_fd, 0) || ftruncate(img_fd, size) ||
	    pwrite(img_fd, pattern, sizeof(pattern), 0) != sizeof(pattern))
		vfz_fail("%s: %s", img_path, strerror(errno));
}

static void *create(struct vm *vm, unsigned int variant)
{
	void *state = NULL;
	bool direct = (variant & 2) && !no_direct;
	int ret;

	make_image(variant & 4 ? IMG_SIZE + 300 : IMG_SIZE);
	snprintf(arg, sizeof(arg), "%s%s%s", img_path, variant & 1 ? ",ro" : "",
		 direct ? ",direct" : "");
	ret = blk_desc->init(vm, arg, &state);
	if (ret && direct) {
		/* no O_DIRECT here (tmpfs before Linux 6.6): the rest without it */
		fprintf(stderr, "fuzz_virtio: %s: no O_DIRECT on it: never asked for\n", img_path);
		no_direct = true;
		snprintf(arg, sizeof(arg), "%s%s", img_path, variant & 1 ? ",ro" : "");
		ret = blk_desc->init(vm, arg, &state);
	}
	if (ret)
		vfz_fail("init %s: %d", arg, ret);
	return state;
}

static void destroy(struct vm *vm, void *state)
{
	blk_desc->exit(vm, state);
}

static void backend(void *state __unused, const u8 *b, size_t len)
{
	u64 sectors = len >= 2 ? b[0] | b[1] << 8 : 0;

	vfz_backend_used = true;
	if (ftruncate(img_fd, sectors << 9))
		vfz_fail("%s: %s", img_path, strerror(errno));
}

/* A request of @type at @sector with @in bytes to fill: its status, after checking its used length. */
static u8 request(u32 type, u64 sector, u32 in, u32 want_len, void *data)
{
	struct virtio_blk_outhdr hdr = { .type = htole32(type), .sector = htole64(sector) };
	struct vfz_seg seg[3] = { { .len = sizeof(hdr) } };
	unsigned int n = 1;
	u16 used = vfz_used_idx(0), head;
	u32 id, len;
	u8 st;

	if (in)
		seg[n++] = (struct vfz_seg){ .len = in, .write = true };
	seg[n++] = (struct vfz_seg){ .len = 1, .write = true };
	head = vfz_chain(0, seg, n, &hdr, sizeof(hdr));
	vfz_kick(0);
	if (vfz_used_idx(0) != (u16)(used + 1))
		vfz_fail("request %u at %llu: used idx %u, not %u", type,
			 (unsigned long long)sector, vfz_used_idx(0), used + 1);
	vfz_used_elem(0, used, &id, &len);
	st = *(u8 *)vfz_hva(seg[n - 1].gpa, 1);
	if (id != head || (st == VIRTIO_BLK_S_OK && len != want_len))
		vfz_fail("request %u: head %u with %u bytes (status %u), not %u with %u", type, id,
			 len, st, head, want_len);
	if (data)
		memcpy(data, vfz_hva(seg[1].gpa, in), in);
	return st;
}

static void alive(void *state __unused)
{
	char id[VIRTIO_BLK_ID_BYTES] = { 0 }, want[VIRTIO_BLK_ID_BYTES] = { 0 };
	u8 st;

	memcpy(want, IMG_NAME, sizeof(IMG_NAME) - 1);
	st = request(VIRTIO_BLK_T_GET_ID, 0, sizeof(id), sizeof(id) + 1, id);
	if (st != VIRTIO_BLK_S_OK || memcmp(id, want, sizeof(id)))
		vfz_fail("GET_ID: status %u, '%.20s'", st, id);
	st = request(VIRTIO_BLK_T_IN, 1, 512, 513, NULL);
	if (st != VIRTIO_BLK_S_OK && !(st == VIRTIO_BLK_S_IOERR && vfz_backend_used))
		vfz_fail("a read of sector 1: status %u", st);
	st = request(VIRTIO_BLK_T_FLUSH, 0, 0, 1, NULL);
	if (st != VIRTIO_BLK_S_OK)
		vfz_fail("a flush: status %u", st);
}

const struct vfz_device vfz_dev = {
	.name		= "virtio-blk",
	.device_id	= VIRTIO_ID_BLOCK,
	.nr_queues	= 1,
	.max_qsize	= 256,
	.unordered	= true,
	.opt_features	= { VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_WRITE_ZEROES,
			    VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_BLK_SIZE },
	.setup		= setup,
	.create		= create,
	.destroy	= destroy,
	.backend	= backend,
	.alive		= alive,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return vfz_run(data, size);
}
