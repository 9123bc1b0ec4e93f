// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_loader.c - a fuzz harness for what the loader makes of a kernel
 * or firmware file before anything is in guest RAM: kernel__probe(),
 * arm64_image__parse() and arm64_image__raw(), gunzip_fd() on a memfd of
 * the file, boot__layout() and boot__layout_firmware() for RAM sizes the
 * input chooses (vmm/arm64/image.c, vmm/gunzip.c), and the boot without
 * a disk's readers of a kernel's release and a module's .modinfo
 * (rootfs__release(), rootfs__modinfo_depends() in vmm/rootfs.c).
 *
 * An input is a PREFIX-byte prefix, then the file:
 *
 *	0-3	RAM, le32 n: 64 + n % (1T / 1M - 63) MiB, the sizes --mem
 *		allows, at LAYOUT_RAM_BASE as vm.c puts it
 *	4-11	the initrd's size, le64 (0: none)
 *	12-19	--firmware-address, le64 (0: the start of RAM)
 *	20-27	a size, le64: the firmware's and a raw kernel's (0: the file's)
 *	28	bits 0-1: room for gunzip_fd(): 1M, 64K, 1K or none;
 *		bits 2-3: room for the release, 128 (rootfs.c's), 16, 2 or 1;
 *		bits 4-5: room for the dependencies, 1024 (rootfs.c's), 16,
 *		2 or 1
 *
 * Each function gets the file in a buffer of its exact length (ASan sees
 * a byte read past it), as its caller gives it; what comes back is
 * checked (abort() on a violation, which libFuzzer reports):
 *
 *	kernel__probe	an "ARM\x64" magic at 56 is an Image whatever else;
 *			a zboot Image's payload lies inside the file and
 *			says gzip; gzip starts 1f 8b; a raw binary has none
 *			of the magics it refuses, and is no text; -1 gives
 *			a one-line reason
 *	arm64_image__parse  succeeds exactly when booting.rst's header is
 *			there with a 4K-aligned text_offset below 2M and an
 *			image_size (at least the file's) of at most 1T, and
 *			then says what the header says
 *	gunzip_fd	0, -EFBIG or -EINVAL as zlib's inflate() of the same
 *			bytes in one piece says, the same bytes out, never
 *			more than the room; what it gives is probed and
 *			parsed again, as read_kernel() does
 *	boot__layout	succeeds exactly when the Image, a 2M block for the
 *			DTB and the initrd fit in RAM's first 32G; then the
 *			Image at text_offset above a 2M boundary, the DTB
 *			2M-aligned alone in its 2M block above the Image,
 *			the initrd 4K-aligned between them, all inside RAM
 *			and one 1G-aligned 32G window, nothing overlapping
 *	boot__layout_firmware  succeeds exactly when the firmware is in
 *			RAM at a 4-byte-aligned address and FDT_MAX_SIZE
 *			fits from the next 2M boundary; then it is there
 *	rootfs__release	the first "Linux version <release> " whose release
 *			(letters, digits, ".-_+", not first '.') fits, as
 *			the harness finds it itself
 *	rootfs__modinfo_depends  a value found in the file after
 *			"depends=", shorter than the room; less room gives
 *			the same or -1 as the value fits or not
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>

#include <vmm/layout.h>
#include "../../vmm/vmm.h"

#define PREFIX		29
#define IMAGE_MAGIC	0x644d5241	/* "ARM\x64" */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __printf(1, 2) __noreturn fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz_loader: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* rootfs.c's boot without a disk looks for virtio-9p; only rootfs__prepare() does. */
const struct device_desc *devices__find(const char *name)
{
	fail("devices__find(\"%s\") called", name);
}

static u32 le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static u64 le64(const u8 *p)
{
	return le32(p) | (u64)le32(p + 4) << 32;
}

static u8 *copy(const u8 *p, size_t len)
{
	u8 *b = malloc(len ? len : 1);

	if (!b)
		abort();
	memcpy(b, p, len);
	return b;
}

static void check_reason(const char *what, const char *err, size_t room)
{
	size_t len = strnlen(err, room), i;

	if (len == room || !len)
		fail("%s: no reason, or not NUL-terminated", what);
	for (i = 0; i < len; i++)
		if ((unsigned char)err[i] < ' ' || err[i] == 0x7f)
			fail("%s: the reason holds 0x%02x: %s", what, (unsigned char)err[i], err);
}

static bool starts(const u8 *b, size_t len, size_t off, const char *magic, size_t n)
{
	return off + n <= len && !memcmp(b + off, magic, n);
}

/* ---- kernel__probe() and arm64_image__parse() ---------------------------------- */

static bool text(const u8 *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((b[i] < ' ' || b[i] > '~') && b[i] != '\n' && b[i] != '\t' && b[i] != '\r')
			return false;
	return len > 0;
}

/* What the probe said, checked against the bytes (@len of them, the file @file_size). */
static int check_probe(struct kernel_probe *kp, const u8 *b, size_t len, u64 file_size)
{
	char err[256];
	int ret = kernel__probe(kp, b, len, file_size, err, sizeof(err));
	bool magic = len >= 64 && le32(b + 56) == IMAGE_MAGIC;

	if (ret == -1) {
		check_reason("kernel__probe", err, sizeof(err));
		if (magic)
			fail("kernel__probe refused an Image: %s", err);
		return -1;
	}
	if (ret)
		fail("kernel__probe returned %d", ret);
	if (magic != (kp->format == KERNEL_IMAGE))
		fail("kernel__probe: format %d, magic %d", kp->format, magic);
	switch (kp->format) {
	case KERNEL_IMAGE:
		break;
	case KERNEL_ZBOOT:
		if (!starts(b, len, 0, "MZ", 2) || !starts(b, len, 4, "zimg", 4) ||
		    !starts(b, len, 24, "gzip", 5))
			fail("zboot without its magic and gzip");
		if (!kp->payload_size || kp->payload_offset > file_size ||
		    kp->payload_size > file_size - kp->payload_offset)
			fail("zboot payload %llu+%llu outside %llu bytes",
			     (unsigned long long)kp->payload_offset,
			     (unsigned long long)kp->payload_size, (unsigned long long)file_size);
		break;
	case KERNEL_GZIP:
		if (!starts(b, len, 0, "\x1f\x8b", 2))
			fail("gzip without its magic");
		break;
	case KERNEL_RAW:
		if (starts(b, len, 0, "\x1f\x8b", 2) || starts(b, len, 0, "\x7f" "ELF", 4) ||
		    starts(b, len, 0, "MZ", 2) || starts(b, len, 0, "\xd0\x0d\xfe\xed", 4) ||
		    starts(b, len, 0, "\x27\x05\x19\x56", 4) || starts(b, len, 0, "0707", 4) ||
		    starts(b, len, 0x202, "HdrS", 4) || starts(b, len, 0, "\x28\xb5\x2f\xfd", 4) ||
		    starts(b, len, 0, "\xfd" "7zXZ", 6) || starts(b, len, 0, "BZh", 3) ||
		    text(b, len))
			fail("raw, but it has a magic kernel__probe refuses");
		break;
	default:
		fail("kernel__probe: format %d", kp->format);
	}
	return 0;
}

/* booting.rst's header, as arm64_image__parse() must read it. */
static int check_parse(struct arm64_image *img, const u8 *b, size_t len, u64 file_size)
{
	u64 text_offset = 0, image_size = 0, flags = 0;
	bool ok = len >= 64 && file_size >= 64 && le32(b + 56) == IMAGE_MAGIC;
	char err[256];
	int ret;

	if (ok) {
		text_offset = le64(b + 8);
		image_size = le64(b + 16);
		flags = le64(b + 24);
		if (!image_size) {
			text_offset = 0x80000;
			image_size = file_size;
		}
		if (image_size < file_size)
			image_size = file_size;
		ok = !(text_offset % SZ_4K) && text_offset < SZ_2M && image_size <= VM_MEM_MAX;
	}
	memset(img, 0xa5, sizeof(*img));
	ret = arm64_image__parse(img, b, len, file_size, err, sizeof(err));
	if (ret != (ok ? 0 : -1))
		fail("arm64_image__parse: %d, expected %d (%s)", ret, ok ? 0 : -1, ret ? err : "");
	if (ret) {
		check_reason("arm64_image__parse", err, sizeof(err));
		return -1;
	}
	if (img->text_offset != text_offset || img->image_size != image_size ||
	    img->flags != flags || img->big_endian != (flags & 1) || img->raw)
		fail("arm64_image__parse: text_offset 0x%llx size %llu flags 0x%llx be %d raw %d",
		     (unsigned long long)img->text_offset, (unsigned long long)img->image_size,
		     (unsigned long long)img->flags, img->big_endian, img->raw);
	return 0;
}

/* ---- the layouts --------------------------------------------------------------- */

static void check_layout(u64 ram_size, const struct arm64_image *img, u64 initrd_size)
{
	const u64 base = LAYOUT_RAM_BASE, ram_end = base + ram_size;
	u64 t = img->text_offset, s = img->image_size, top, dtb_off, kend_up = 0, win;
	struct boot_layout bl;
	char err[256];
	int want = 0, ret;

	/* what fits, in offsets from the base of RAM (2M and 1G aligned) */
	if (t > ram_size || s > ram_size - t) {
		want = BOOT_NO_ROOM_KERNEL;
	} else {
		top = ram_size < 32 * SZ_1G ? ram_size : 32 * SZ_1G;
		dtb_off = ALIGN_DOWN(top, SZ_2M) - SZ_2M;
		kend_up = ALIGN_UP(t + s, SZ_2M);
		if (dtb_off < kend_up)
			want = BOOT_NO_ROOM_KERNEL;
		else if (initrd_size > dtb_off - kend_up)
			want = BOOT_NO_ROOM_INITRD;
	}
	ret = boot__layout(&bl, base, ram_size, img, initrd_size, err, sizeof(err));
	if (ret != want)
		fail("boot__layout(RAM %llu, text_offset 0x%llx, size %llu, initrd %llu): %d, expected %d (%s)",
		     (unsigned long long)ram_size, (unsigned long long)t, (unsigned long long)s,
		     (unsigned long long)initrd_size, ret, want, ret ? err : "");
	if (ret) {
		check_reason("boot__layout", err, sizeof(err));
		return;
	}
	win = ALIGN_DOWN(bl.kernel, SZ_1G) + 32 * SZ_1G;
	if (bl.kernel != base + t || bl.kernel_end != bl.kernel + s || (bl.kernel - t) % SZ_2M ||
	    bl.kernel_end > ram_end || bl.kernel_end > win)
		fail("boot__layout: the Image at 0x%llx-0x%llx (text_offset 0x%llx, RAM to 0x%llx)",
		     (unsigned long long)bl.kernel, (unsigned long long)bl.kernel_end,
		     (unsigned long long)t, (unsigned long long)ram_end);
	if (bl.dtb % SZ_2M || bl.dtb < ALIGN_UP(bl.kernel_end, SZ_2M) || bl.dtb + SZ_2M > ram_end ||
	    bl.dtb + SZ_2M > win)
		fail("boot__layout: the DTB at 0x%llx (the Image ends at 0x%llx, RAM at 0x%llx)",
		     (unsigned long long)bl.dtb, (unsigned long long)bl.kernel_end,
		     (unsigned long long)ram_end);
	if (!initrd_size != !bl.initrd)
		fail("boot__layout: initrd at 0x%llx for %llu bytes", (unsigned long long)bl.initrd,
		     (unsigned long long)initrd_size);
	if (initrd_size && (bl.initrd % SZ_4K || bl.initrd < base + kend_up ||
			    bl.initrd + initrd_size > bl.dtb))
		fail("boot__layout: initrd at 0x%llx-0x%llx, Image to 0x%llx, DTB at 0x%llx",
		     (unsigned long long)bl.initrd, (unsigned long long)(bl.initrd + initrd_size),
		     (unsigned long long)bl.kernel_end, (unsigned long long)bl.dtb);
}

static void check_layout_firmware(u64 ram_size, u64 fw_addr, u64 fw_size)
{
	const u64 base = LAYOUT_RAM_BASE, ram_end = base + ram_size;
	u64 at = fw_addr ? fw_addr : base;
	struct boot_layout bl;
	char err[256];
	bool ok;
	int ret;

	ok = at >= base && at < ram_end && !(at % 4) && fw_size <= ram_end - at &&
	     ALIGN_UP(at + fw_size, SZ_2M) + FDT_MAX_SIZE <= ram_end;
	ret = boot__layout_firmware(&bl, base, ram_size, fw_addr, fw_size, err, sizeof(err));
	if (ret != (ok ? 0 : -1))
		fail("boot__layout_firmware(RAM %llu, at 0x%llx, %llu bytes): %d (%s)",
		     (unsigned long long)ram_size, (unsigned long long)fw_addr,
		     (unsigned long long)fw_size, ret, ret ? err : "");
	if (ret) {
		check_reason("boot__layout_firmware", err, sizeof(err));
		return;
	}
	if (bl.kernel != at || bl.kernel_end != at + fw_size || bl.initrd ||
	    bl.dtb != ALIGN_UP(bl.kernel_end, SZ_2M) || bl.dtb + FDT_MAX_SIZE > ram_end)
		fail("boot__layout_firmware: 0x%llx-0x%llx, DTB at 0x%llx, RAM to 0x%llx",
		     (unsigned long long)bl.kernel, (unsigned long long)bl.kernel_end,
		     (unsigned long long)bl.dtb, (unsigned long long)ram_end);
}

/* ---- gunzip_fd() ------------------------------------------------------------------ */

static int memfd = -1;

/* zlib's own answer for the gzip stream @in: its first member, in @cap bytes. */
static int inflate_all(const u8 *in, size_t len, u8 *out, u64 cap, u64 *out_len)
{
	z_stream zs = { 0 };
	int zret;

	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		abort();
	zs.next_in = (u8 *)in;
	zs.avail_in = len;
	zs.next_out = out;
	zs.avail_out = cap + 1;		/* a byte more than the room: too big */
	do
		zret = inflate(&zs, Z_NO_FLUSH);
	while (zret == Z_OK);
	*out_len = zs.total_out;
	inflateEnd(&zs);
	if (zs.total_out > cap)
		return -EFBIG;
	return zret == Z_STREAM_END ? 0 : -EINVAL;
}

/*
 * gunzip_fd() of the file from @at, as read_kernel() calls it; what it
 * gives, probed and parsed again, into *@img when it is an Image.  The
 * output (or NULL) with its length, for the release to be looked for.
 */
static u8 *check_gunzip(const u8 *file, size_t len, u64 at, u64 cap, u64 *out_len)
{
	static const size_t probe_max = KERNEL_PROBE_SIZE;
	u8 *out = cap ? malloc(cap) : NULL, *want = malloc(cap + 1);
	u64 got = 0xdead, want_len;
	struct kernel_probe kp;
	struct arm64_image img;
	int ret, ref;

	if ((cap && !out) || !want)
		abort();
	if (ftruncate(memfd, 0) || pwrite(memfd, file, len, 0) != (ssize_t)len ||
	    lseek(memfd, at, SEEK_SET) != (off_t)at)
		fail("the memfd: %s", strerror(errno));
	ret = gunzip_fd(memfd, out, cap, &got);
	ref = inflate_all(file + at, len - at, want, cap, &want_len);
	if (ret != ref)
		fail("gunzip_fd from %llu in %llu: %d, inflate() %d", (unsigned long long)at,
		     (unsigned long long)cap, ret, ref);
	if (!ret && (got != want_len || (got && memcmp(out, want, got))))
		fail("gunzip_fd gave %llu bytes, inflate() %llu", (unsigned long long)got,
		     (unsigned long long)want_len);
	free(want);
	if (ret) {
		free(out);
		return NULL;
	}
	*out_len = got;
	if (got && !check_probe(&kp, out, got < probe_max ? got : probe_max, got) &&
	    kp.format == KERNEL_IMAGE)
		check_parse(&img, out, got < probe_max ? got : probe_max, got);
	return out;
}

/* ---- the boot without a disk's readers ---------------------------------------------- */

static bool release_char(u8 c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == '+';
}

static void check_release(const u8 *b, size_t len, size_t cap)
{
	static const char tag[] = "Linux version ";
	char *rel = malloc(cap), want[4096];
	size_t i, n;
	int ret, w = -1;

	if (!rel)
		abort();
	for (i = 0; w && i + sizeof(tag) - 1 <= len; i++) {
		if (memcmp(b + i, tag, sizeof(tag) - 1))
			continue;
		for (n = 0; i + sizeof(tag) - 1 + n < len && release_char(b[i + sizeof(tag) - 1 + n]);
		     n++)
			;
		if (n && n < cap && n < sizeof(want) && i + sizeof(tag) - 1 + n < len &&
		    b[i + sizeof(tag) - 1 + n] == ' ' && b[i + sizeof(tag) - 1] != '.') {
			memcpy(want, b + i + sizeof(tag) - 1, n);
			want[n] = 0;
			w = 0;
		}
	}
	ret = rootfs__release(b, len, rel, cap);
	if (ret != w || (!ret && strcmp(rel, want)))
		fail("rootfs__release in %zu: %d '%s', expected %d '%s'", cap, ret, ret ? "" : rel,
		     w, w ? "" : want);
	free(rel);
}

static void check_modinfo(const u8 *b, size_t len, size_t cap)
{
	static const char key[] = "depends=";
	char big[1024], *small = malloc(cap), *needle;
	int ret, r;

	if (!small)
		abort();
	ret = rootfs__modinfo_depends(b, len, big, sizeof(big));
	if (ret != 0 && ret != -1)
		fail("rootfs__modinfo_depends: %d", ret);
	if (!ret) {
		if (strnlen(big, sizeof(big)) == sizeof(big))
			fail("rootfs__modinfo_depends: not NUL-terminated");
		if (*big) {
			needle = malloc(sizeof(key) + strlen(big));
			if (!needle)
				abort();
			strcpy(needle, key);
			strcat(needle, big);
			if (!memmem(b, len, needle, strlen(needle)))
				fail("rootfs__modinfo_depends: '%s', not in the file", big);
			free(needle);
		}
	}
	r = rootfs__modinfo_depends(b, len, small, cap);
	if (ret ? r != -1 : (strlen(big) < cap ? r || strcmp(small, big) : r != -1))
		fail("rootfs__modinfo_depends in %zu: %d '%s', in 1024: %d '%s'", cap, r,
		     r ? "" : small, ret, ret ? "" : big);
	free(small);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u64 gunzip_caps[] = { SZ_1M, SZ_64K, 1024, 0 };
	static const size_t rel_caps[] = { 128, 16, 2, 1 }, dep_caps[] = { 1024, 16, 2, 1 };
	struct kernel_probe kp;
	struct arm64_image img;
	u64 ram_size, initrd, fw_addr, claimed, zlen = 0;
	size_t len, plen;
	u8 *file, *z = NULL, sel;

	if (size < PREFIX)
		return 0;
	if (memfd < 0 && (memfd = memfd_create("fuzz_loader", MFD_CLOEXEC)) < 0)
		fail("memfd_create: %s", strerror(errno));
	ram_size = (64 + le32(data) % (VM_MEM_MAX / SZ_1M - 63)) * SZ_1M;
	initrd = le64(data + 4);
	fw_addr = le64(data + 12);
	claimed = le64(data + 20);
	sel = data[28];
	len = size - PREFIX;
	file = copy(data + PREFIX, len);
	plen = len < KERNEL_PROBE_SIZE ? len : KERNEL_PROBE_SIZE;

	/* read_kernel()'s steps, and where what it read would go */
	if (!check_probe(&kp, file, plen, len)) {
		if (kp.format == KERNEL_GZIP || kp.format == KERNEL_ZBOOT)
			z = check_gunzip(file, len, kp.format == KERNEL_ZBOOT ? kp.payload_offset : 0,
					 gunzip_caps[sel & 3], &zlen);
		if (kp.format == KERNEL_RAW) {
			arm64_image__raw(&img, len);
			if (img.text_offset != 0x80000 || img.image_size != len || !img.raw)
				fail("arm64_image__raw: text_offset 0x%llx size %llu",
				     (unsigned long long)img.text_offset,
				     (unsigned long long)img.image_size);
			check_layout(ram_size, &img, initrd);
		}
	}
	if (!check_parse(&img, file, plen, len))
		check_layout(ram_size, &img, initrd);
	arm64_image__raw(&img, claimed ? claimed : len);
	check_layout(ram_size, &img, initrd);
	check_layout_firmware(ram_size, fw_addr, claimed ? claimed : len);

	/* kernel_release() and module_deps() */
	check_release(file, len, rel_caps[(sel >> 2) & 3]);
	if (z)
		check_release(z, zlen, rel_caps[(sel >> 2) & 3]);
	check_modinfo(file, len, dep_caps[(sel >> 4) & 3]);
	free(z);
	free(file);
	return 0;
}
