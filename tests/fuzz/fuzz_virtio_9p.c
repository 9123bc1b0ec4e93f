// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_virtio_9p.c - a fuzz harness for virtio-9p (devices/virtio/9p.c)
 * on either transport, driven by an input's guest driver (virtio_fuzz.h
 * has the input format and what is checked): each chain one T-message
 * and room for its reply, served by the device's own thread (quiesced
 * after each operation: 9p.c's p9_quiesce()).  The share is a small
 * read-only tree in $TMPDIR, so that every input finds it the same; the
 * 9P server's own requests are fuzz_9p's.
 *
 *	variant		bit 0: a 64-byte mount tag (the longest), else "fz"
 *	BACKEND		none
 *	alive()		Tversion gets its Rversion
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/virtio_ids.h>

#include "../../devices/9p.h"
#include "virtio_fuzz.h"

#define TVERSION	100
#define RVERSION	101

static const struct device_desc *p9_desc;
static char share[4096];
static char arg[4200];

static const struct device_desc *find(const char *name)
{
	const struct device_desc *const *d;

	for (d = __start_vmm_devices; d < __stop_vmm_devices; d++)
		if (!strcmp((*d)->name, name))
			return *d;
	vfz_fail("no device %s", name);
}

static void remove_share(void)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/dir/file", share);
	unlink(path);
	snprintf(path, sizeof(path), "%s/dir", share);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/file", share);
	unlink(path);
	snprintf(path, sizeof(path), "%s/link", share);
	unlink(path);
	rmdir(share);
}

static void put_file(const char *name, const char *text)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", share, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd))
		vfz_fail("%s: %s", path, strerror(errno));
}

static void setup(void)
{
	static const char *const names[] = { "dir/file", "dir", "file", "link", "" };
	const char *dir = getenv("TMPDIR");
	char path[4200];
	unsigned int i;

	snprintf(share, sizeof(share), "%s/vfz-share", dir && *dir ? dir : "/tmp");
	remove_share();
	if (mkdir(share, 0755))
		vfz_fail("%s: %s", share, strerror(errno));
	atexit(remove_share);
	put_file("file", "hello, virtio-9p\n");
	snprintf(path, sizeof(path), "%s/dir", share);
	if (mkdir(path, 0755))
		vfz_fail("%s: %s", path, strerror(errno));
	put_file("dir/file", "below\n");
	snprintf(path, sizeof(path), "%s/link", share);
	if (symlink("../outside", path))
		vfz_fail("%s: %s", path, strerror(errno));
	/*
	 * Access times a day ahead: relatime never moves them on a read, so
	 * that Rgetattr says the same for the same input twice.
	 */
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		struct timespec t[2] = {
			{ .tv_sec = time(NULL) + 86400 }, { .tv_sec = 1000000000 },
		};

		snprintf(path, sizeof(path), "%s/%s", share, names[i]);
		if (utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW))
			vfz_fail("%s: %s", path, strerror(errno));
	}
	p9_desc = find("virtio-9p");
}

static void *create(struct vm *vm, unsigned int variant)
{
	void *state = NULL;
	int ret;

	snprintf(arg, sizeof(arg), "%s,%s,ro", share, variant & 1 ?
		 "a-mount-tag-of-sixty-four-bytes-which-is-the-longest-linux-takes" : "fz");
	ret = p9_desc->init(vm, arg, &state);
	if (ret)
		vfz_fail("init %s: %d", arg, ret);
	return state;
}

static void destroy(struct vm *vm, void *state)
{
	p9_desc->exit(vm, state);
}

static void alive(void *state __unused)
{
	u8 msg[21] = { 21, 0, 0, 0, TVERSION, 0xff, 0xff, 0, 0x20, 0, 0, 8, 0 };
	struct vfz_seg seg[2] = {
		{ .len = sizeof(msg) }, { .len = 8192, .write = true },
	};
	const u8 *r;
	u32 id, len;
	u16 head;

	memcpy(msg + 13, "9P2000.L", 8);
	head = vfz_chain(0, seg, 2, msg, sizeof(msg));
	vfz_kick(0);
	vfz_used_elem(0, 0, &id, &len);
	r = vfz_hva(seg[1].gpa, 8192);
	if (vfz_used_idx(0) != 1 || id != head || len < 7 || r[4] != RVERSION ||
	    (r[0] | r[1] << 8 | r[2] << 16 | (u32)r[3] << 24) != len)
		vfz_fail("Tversion after the reset: used idx %u, head %u, %u bytes, type %u",
			 vfz_used_idx(0), id, len, r[4]);
}

const struct vfz_device vfz_dev = {
	.name		= "virtio-9p",
	.device_id	= VIRTIO_ID_9P,
	.nr_queues	= 1,
	.max_qsize	= 128,
	.opt_features	= { 0 /* VIRTIO_9P_MOUNT_TAG */, -1, -1, -1, -1 },
	.setup		= setup,
	.create		= create,
	.destroy	= destroy,
	.alive		= alive,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return vfz_run(data, size);
}
