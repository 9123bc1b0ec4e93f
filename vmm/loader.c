// SPDX-License-Identifier: GPL-2.0
/*
 * loader.c - put the guest's first code and data in RAM: a kernel (arm64
 * Image, Image.gz, EFI zboot, or a raw binary as lkvm loads one) with its
 * initrd, or a --firmware; and read a --dtb given instead of the generated
 * device tree.  What goes where is decided by the pure functions in
 * arm64/image.c; this file does the I/O.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

#include "vmm.h"

/* Room a --dtb gets for /chosen's new properties, besides -p's text. */
#define DTB_PATCH_ROOM		4096
/* booting.rst: the DTB must not exceed 2 MiB. */
#define DTB_MAX_SIZE		SZ_2M

/* pread or pwrite all @size bytes, across short transfers and EINTR */
static int file_io_all(int fd, char *buf, u64 size, u64 off, bool is_write)
{
	u64 done = 0;

	while (done < size) {
		ssize_t n = is_write ? pwrite(fd, buf + done, size - done, off + done)
				     : pread(fd, buf + done, size - done, off + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += n;
	}
	return 0;
}

int file__pread_all(int fd, void *dst, u64 size, u64 off)
{
	return file_io_all(fd, dst, size, off, false);
}

int file__pwrite_all(int fd, const void *src, u64 size, u64 off)
{
	return file_io_all(fd, (char *)src, size, off, true);
}

/*
 * Open @path as a regular file; its size in @size.  O_NONBLOCK: a FIFO
 * given by mistake must not block the open before the check refuses it.
 */
static int open_file(const char *what, const char *path, u64 *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		pr_err("%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		pr_err("%s %s: %s", what, path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		pr_err("%s %s: not a regular file", what, path);
		close(fd);
		return -1;
	}
	*size = st.st_size;
	return fd;
}

/* Read @size bytes of @fd from @off into @dst; 0, or -1 after a message. */
static int read_at(const char *what, const char *path, int fd, void *dst,
		   u64 size, u64 off)
{
	int ret = file__pread_all(fd, dst, size, off);

	if (ret)
		pr_err("%s %s: read failed: %s", what, path,
		       ret == -EIO ? "the file shrank" : strerror(-ret));
	return ret ? -1 : 0;
}

/* Read all @size bytes of @fd into guest memory at @gpa. */
static int load_file(struct vm *vm, const char *what, const char *path,
		     int fd, u64 gpa, u64 size)
{
	void *dst = guest_ptr(vm, gpa, size);

	if (!dst) {
		pr_err("%s %s: does not fit in guest RAM", what, path);
		return -1;
	}
	return read_at(what, path, fd, dst, size, 0);
}

static const char *gunzip_error(int err)
{
	return err == -EFBIG ? "decompressed, it does not fit in --mem" :
	       err == -EINVAL ? "corrupt or truncated gzip data" :
	       strerror(-err);
}

/*
 * Where a compressed kernel is inflated: guest RAM from 2 MiB up.  Nothing
 * else is in RAM yet, and what is inside then moves down to its place, at
 * an offset below 2 MiB (an Image's text_offset, a raw binary's 0x80000).
 * No heap copy: a gzip bomb costs at most the guest's own RAM.
 */
#define INFLATE_OFFSET		SZ_2M

/*
 * The kernel's bytes as the loader will place them: @kfd itself (*@kdata
 * NULL), or decompressed into guest RAM at *@kdata.  Fills @img, *@ksize.
 */
static int read_kernel(struct vm *vm, int kfd, const char *path,
		       struct arm64_image *img, void **kdata, u64 *ksize)
{
	u8 head[KERNEL_PROBE_SIZE];
	struct kernel_probe kp;
	const u8 *probe = head;
	char err[256];
	size_t len;
	ssize_t n;
	int zerr;

	n = pread(kfd, head, sizeof(head), 0);
	if (n < 0) {
		pr_err("kernel %s: %s", path, strerror(errno));
		return -1;
	}
	len = n;
	if (kernel__probe(&kp, head, len, *ksize, err, sizeof(err))) {
		pr_err("kernel %s: %s", path, err);
		return -1;
	}
	if (kp.format == KERNEL_GZIP || kp.format == KERNEL_ZBOOT) {
		off_t at = kp.format == KERNEL_ZBOOT ? (off_t)kp.payload_offset : 0;

		if (lseek(kfd, at, SEEK_SET) < 0) {
			pr_err("kernel %s: %s", path, strerror(errno));
			return -1;
		}
		*kdata = guest_ptr(vm, vm->ram_base + INFLATE_OFFSET,
				   vm->ram_size - INFLATE_OFFSET);
		zerr = gunzip_fd(kfd, *kdata, vm->ram_size - INFLATE_OFFSET, ksize);
		if (zerr) {
			pr_err("kernel %s: %s%s", path,
			       kp.format == KERNEL_ZBOOT ? "EFI zboot payload: " : "",
			       gunzip_error(zerr));
			return -1;
		}
		pr_debug("kernel %s: %s, %" PRIu64 " bytes decompressed", path,
			 kp.format == KERNEL_ZBOOT ? "an EFI zboot Image" : "gzip",
			 *ksize);
		probe = *kdata;
		len = *ksize < KERNEL_PROBE_SIZE ? *ksize : KERNEL_PROBE_SIZE;
		if (kernel__probe(&kp, probe, len, *ksize, err, sizeof(err))) {
			pr_err("kernel %s: decompressed, %s", path, err);
			return -1;
		}
		if (kp.format == KERNEL_GZIP || kp.format == KERNEL_ZBOOT) {
			pr_err("kernel %s: compressed twice: decompress it first", path);
			return -1;
		}
	}
	if (kp.format == KERNEL_RAW) {
		arm64_image__raw(img, *ksize);
		return 0;
	}
	if (arm64_image__parse(img, probe, len, *ksize, err, sizeof(err))) {
		pr_err("kernel %s: %s", path, err);
		return -1;
	}
	return 0;
}

static int load_kernel(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	struct arm64_image img;
	u64 ksize, isize = 0;
	void *kdata = NULL;
	int kfd, ifd = -1, ret = -1;
	char err[256];

	kfd = open_file("kernel", cfg->kernel, &ksize);
	if (kfd < 0)
		return -1;
	if (read_kernel(vm, kfd, cfg->kernel, &img, &kdata, &ksize))
		goto out;
	if (cfg->initrd) {
		ifd = open_file("initrd", cfg->initrd, &isize);
		if (ifd < 0)
			goto out;
		if (!isize) {
			pr_err("initrd %s: the file is empty", cfg->initrd);
			goto out;
		}
	}
	switch (boot__layout(&vm->boot, vm->ram_base, vm->ram_size, &img, isize,
			     err, sizeof(err))) {
	case 0:
		break;
	case BOOT_NO_ROOM_INITRD:
		pr_err("initrd %s: %s", cfg->initrd, err);
		goto out;
	default:
		pr_err("kernel %s: %s", cfg->kernel, err);
		goto out;
	}
	vm->initrd_size = isize;
	if (kdata) {
		/* down from where it was inflated; what it leaves is zeroed */
		u8 *dst = guest_ptr(vm, vm->boot.kernel, ksize);

		if (!dst || vm->boot.kernel > vm->ram_base + INFLATE_OFFSET) {
			pr_err("kernel %s: does not fit in guest RAM", cfg->kernel);
			goto out;
		}
		memmove(dst, kdata, ksize);
		memset(dst + ksize, 0, (u8 *)kdata - dst);
	} else if (load_file(vm, "kernel", cfg->kernel, kfd, vm->boot.kernel, ksize))
		goto out;
	if (ifd >= 0 &&
	    load_file(vm, "initrd", cfg->initrd, ifd, vm->boot.initrd, isize))
		goto out;
	if (img.raw)
		pr_debug("kernel %s: no arm64 Image header: loaded raw at 0x%" PRIx64 " and entered at its first byte, as lkvm does",
			 cfg->kernel, vm->boot.kernel);
	pr_info("kernel at 0x%" PRIx64 ", initrd at 0x%" PRIx64 " (%" PRIu64 " bytes), DTB at 0x%" PRIx64,
		vm->boot.kernel, vm->boot.initrd, isize, vm->boot.dtb);
	ret = 0;
out:
	if (ifd >= 0)
		close(ifd);
	close(kfd);
	return ret;
}

static int load_firmware(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	char err[256];
	u64 size;
	int fd, ret = -1;

	fd = open_file("firmware", cfg->firmware, &size);
	if (fd < 0)
		return -1;
	if (!size) {
		pr_err("firmware %s: the file is empty", cfg->firmware);
		goto out;
	}
	if (boot__layout_firmware(&vm->boot, vm->ram_base, vm->ram_size,
				  cfg->firmware_addr, size, err, sizeof(err))) {
		pr_err("firmware %s: %s", cfg->firmware, err);
		goto out;
	}
	if (load_file(vm, "firmware", cfg->firmware, fd, vm->boot.kernel, size))
		goto out;
	pr_info("firmware at 0x%" PRIx64 " (%" PRIu64 " bytes), DTB at 0x%" PRIx64,
		vm->boot.kernel, size, vm->boot.dtb);
	ret = 0;
out:
	close(fd);
	return ret;
}

int loader__load(struct vm *vm)
{
	return vm->cfg->firmware ? load_firmware(vm) : load_kernel(vm);
}

/* Set /chosen's @name to @len bytes at @val, creating /chosen if needed. */
static int set_chosen(void *fdt, const char *name, const void *val, int len)
{
	int node = fdt_path_offset(fdt, "/chosen");

	if (node == -FDT_ERR_NOTFOUND)
		node = fdt_add_subnode(fdt, 0, "chosen");
	if (node < 0)
		return node;
	return fdt_setprop(fdt, node, name, val, len);
}

/*
 * Whether libfdt 1.6 can walk @fdt's structure block.  Its fdt_next_tag()
 * adds a property's length to the property's offset in an int: a length
 * of 0xfffffff4 leads back to the property itself (fdt_check_full() then
 * walks it for ever), one of 0xfffffffe a few bytes on into the next tag
 * (and fdt_check_full() takes a property no blob has).  This walk ends:
 * at FDT_END, at what fdt_next_tag() finds wrong (fdt_check_full() says
 * what), at a property whose end an int does not reach, or at a step
 * that does not go forward.
 */
static bool tags_walkable(const void *fdt)
{
	const fdt32_t *len;
	int offset = 0, next;
	u32 tag;

	for (;;) {
		tag = fdt_next_tag(fdt, offset, &next);
		if (next < 0 || tag == FDT_END)
			return true;
		if (tag == FDT_PROP) {
			len = fdt_offset_ptr(fdt, offset + 4, sizeof(*len));
			if (!len || fdt32_ld(len) > (u32)INT_MAX - 12 - (u32)offset)
				return false;
		}
		if (next <= offset)
			return false;
		offset = next;
	}
}

void *loader__patch_dtb(const void *blob, u64 size, u64 initrd, u64 initrd_size,
			const char *params, char *err, size_t errlen)
{
	void *dtb;
	u64 room;
	int ret;

	/* The header first: fdt_check_full trusts totalsize only after it. */
	ret = size < sizeof(struct fdt_header) ? -FDT_ERR_TRUNCATED : fdt_check_header(blob);
	if (!ret && fdt_totalsize(blob) > size)
		ret = -FDT_ERR_TRUNCATED;
	/* libfdt 1.6's fdt_check_full() dereferences NULL at an older one's root */
	if (!ret && fdt_version(blob) < 16) {
		errorf(err, errlen, "not a valid device tree blob: version %u, older than 16 (dtc -I dtb -O dtb writes a 17)",
		       fdt_version(blob));
		return NULL;
	}
	if (!ret && !tags_walkable(blob))
		ret = -FDT_ERR_BADSTRUCTURE;
	if (!ret)
		ret = fdt_check_full(blob, size);
	if (ret) {
		errorf(err, errlen, "not a valid device tree blob: %s",
		       ret == -FDT_ERR_BADMAGIC ? "no 0xd00dfeed magic at its start" :
		       ret == -FDT_ERR_TRUNCATED ? "truncated" : fdt_strerror(ret));
		return NULL;
	}
	/* fdt_check_full() takes a structure of FDT_END alone: no tree to boot */
	if (fdt_next_node(blob, -1, NULL) != 0) {
		errorf(err, errlen, "not a valid device tree blob: it has no root node");
		return NULL;
	}
	room = fdt_totalsize(blob) + DTB_PATCH_ROOM + (params ? strlen(params) + 1 : 0);
	dtb = malloc(room);
	if (!dtb) {
		errorf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	/*
	 * As QEMU's -dtb: the blob is the user's, but the initrd's place is
	 * only known here, and -p replaces its command line.
	 */
	ret = fdt_open_into(blob, dtb, room);
	if (!ret && initrd) {
		fdt64_t start = cpu_to_fdt64(initrd);
		fdt64_t end = cpu_to_fdt64(initrd + initrd_size);

		ret = set_chosen(dtb, "linux,initrd-start", &start, sizeof(start));
		if (!ret)
			ret = set_chosen(dtb, "linux,initrd-end", &end, sizeof(end));
	}
	if (!ret && params)
		ret = set_chosen(dtb, "bootargs", params, strlen(params) + 1);
	if (!ret)
		ret = fdt_pack(dtb);
	if (ret) {
		errorf(err, errlen, "cannot update /chosen: %s", fdt_strerror(ret));
		free(dtb);
		return NULL;
	}
	return dtb;
}

void *loader__read_dtb(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	void *file = NULL, *dtb = NULL;
	char err[256];
	u64 size;
	int fd;

	fd = open_file("--dtb", cfg->dtb, &size);
	if (fd < 0)
		return NULL;
	if (size > DTB_MAX_SIZE) {
		pr_err("--dtb %s: %" PRIu64 " bytes, larger than the 2 MiB booting.rst allows",
		       cfg->dtb, size);
		goto out;
	}
	file = malloc(size ? size : 1);
	if (!file) {
		pr_err("--dtb %s: %s", cfg->dtb, strerror(ENOMEM));
		goto out;
	}
	if (read_at("--dtb", cfg->dtb, fd, file, size, 0))
		goto out;
	dtb = loader__patch_dtb(file, size, vm->boot.initrd, vm->initrd_size, cfg->params,
				err, sizeof(err));
	if (!dtb)
		pr_err("--dtb %s: %s", cfg->dtb, err);
out:
	free(file);
	close(fd);
	return dtb;
}
