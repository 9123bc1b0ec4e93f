// SPDX-License-Identifier: GPL-2.0
/*
 * image.c - the arm64 Image header and where the Image, initrd and DTB go
 * in guest RAM, as Documentation/arm64/booting.rst defines them.
 */
#include <endian.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "../vmm.h"

/* booting.rst, "Call the kernel image": the 64-byte header, little endian. */
struct arm64_image_header {
	u32	code0;
	u32	code1;
	u64	text_offset;
	u64	image_size;
	u64	flags;
	u64	res2, res3, res4;
	u32	magic;
	u32	res5;
};

#define ARM64_IMAGE_MAGIC		0x644d5241	/* "ARM\x64" */
#define ARM64_IMAGE_FLAG_BE		(1ULL << 0)
#define ARM64_IMAGE_FLAG_PAGE_SHIFT	1
#define ARM64_IMAGE_FLAG_PAGE_MASK	(3ULL << ARM64_IMAGE_FLAG_PAGE_SHIFT)
#define ARM64_IMAGE_PRE_3_17_OFFSET	0x80000

int arm64_image__parse(struct arm64_image *img, const void *hdr,
		       size_t hdr_len, u64 file_size,
		       char *err, size_t errlen)
{
	struct arm64_image_header h;

	_Static_assert(sizeof(h) == ARM64_IMAGE_HEADER_SIZE, "arm64 Image header is 64 bytes");

	if (hdr_len < sizeof(h) || file_size < sizeof(h))
		return errorf(err, errlen, "not an arm64 Image: %" PRIu64 " bytes, shorter than the 64-byte header",
			    file_size < hdr_len ? file_size : (u64)hdr_len);
	memcpy(&h, hdr, sizeof(h));
	if (le32toh(h.magic) != ARM64_IMAGE_MAGIC)
		return errorf(err, errlen, "not an arm64 Image: no \"ARM\\x64\" magic at offset 56");

	memset(img, 0, sizeof(*img));
	img->text_offset = le64toh(h.text_offset);
	img->image_size = le64toh(h.image_size);
	img->flags = le64toh(h.flags);
	img->big_endian = img->flags & ARM64_IMAGE_FLAG_BE;

	if (!img->image_size) {
		/* Before Linux 3.17: text_offset is 0x80000, size unknown. */
		img->text_offset = ARM64_IMAGE_PRE_3_17_OFFSET;
		img->image_size = file_size;
	}
	if (img->text_offset % SZ_4K || img->text_offset >= SZ_2M)
		return errorf(err, errlen, "bad arm64 Image header: text_offset 0x%" PRIx64 " is not a 4K-aligned offset below 2M",
			    img->text_offset);
	/*
	 * A signed EFI Image carries its signature after the kernel proper, so
	 * the file may be longer than image_size: reserve room for all of it.
	 */
	if (img->image_size < file_size)
		img->image_size = file_size;
	if (img->image_size > VM_MEM_MAX)
		return errorf(err, errlen, "bad arm64 Image header: image_size %" PRIu64 " is implausibly large",
			    img->image_size);
	return 0;
}

/* Little- and big-endian reads of a probe buffer, bounds checked by callers. */
static u32 get_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static u32 get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static bool has(const u8 *buf, size_t len, size_t off, const void *magic,
		size_t n)
{
	return off + n <= len && !memcmp(buf + off, magic, n);
}

/* Printable ASCII and the usual whitespace only: a script, a config file. */
static bool looks_like_text(const u8 *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((buf[i] < ' ' || buf[i] > '~') &&
		    buf[i] != '\n' && buf[i] != '\t' && buf[i] != '\r')
			return false;
	return len > 0;
}

/* The compressors Linux's boot wrappers use, by their stream magic. */
static const struct {
	const char	*name;
	u8		magic[6];
	u8		len;
} compressed[] = {
	{ "zstd",	{ 0x28, 0xb5, 0x2f, 0xfd },		4 },
	{ "xz",		{ 0xfd, '7', 'z', 'X', 'Z', 0x00 },	6 },
	{ "lz4",	{ 0x04, 0x22, 0x4d, 0x18 },		4 },
	{ "lz4 (legacy)", { 0x02, 0x21, 0x4c, 0x18 },		4 },
	{ "lzo",	{ 0x89, 'L', 'Z', 'O' },		4 },
	{ "bzip2",	{ 'B', 'Z', 'h' },			3 },
	{ "lzma",	{ 0x5d, 0x00, 0x00 },			3 },
};

int kernel__probe(struct kernel_probe *kp, const u8 *buf, size_t len,
		  u64 file_size, char *err, size_t errlen)
{
	unsigned int i;

	memset(kp, 0, sizeof(*kp));
	if (!file_size || !len)
		return errorf(err, errlen, "the file is empty");
	if (len >= ARM64_IMAGE_HEADER_SIZE &&
	    get_le32(buf + 56) == ARM64_IMAGE_MAGIC) {
		kp->format = KERNEL_IMAGE;
		return 0;
	}
	/*
	 * EFI zboot (drivers/firmware/efi/libstub/zboot-header.S): "MZ",
	 * "zimg" at 4, the payload's offset and size at 8 and 12, the
	 * compression's name at 24.  It has no "ARM\x64" magic.
	 */
	if (has(buf, len, 0, "MZ", 2) && has(buf, len, 4, "zimg", 4) && len >= 56) {
		char comp[33];

		memcpy(comp, buf + 24, 32);
		comp[32] = 0;
		for (i = 0; comp[i]; i++)
			if (comp[i] < ' ' || comp[i] > '~')
				comp[i] = '?';
		kp->payload_offset = get_le32(buf + 8);
		kp->payload_size = get_le32(buf + 12);
		if (strcmp(comp, "gzip"))
			return errorf(err, errlen, "an EFI zboot Image compressed with %s: vmm decompresses gzip only (boot arch/arm64/boot/Image or Image.gz)",
				    comp[0] ? comp : "(none)");
		if (!kp->payload_size || kp->payload_offset > file_size ||
		    kp->payload_size > file_size - kp->payload_offset)
			return errorf(err, errlen, "a truncated EFI zboot Image: its payload lies beyond the end of the file");
		kp->format = KERNEL_ZBOOT;
		return 0;
	}
	if (has(buf, len, 0, "\x1f\x8b", 2)) {
		kp->format = KERNEL_GZIP;
		return 0;
	}
	if (has(buf, len, 0, "\x7f" "ELF", 4)) {
		/* e_machine at 18, EM_AARCH64 = 183 */
		if (len >= 20 && buf[5] == 1 && (buf[18] | buf[19] << 8) == 183)
			return errorf(err, errlen, "an ELF vmlinux: boot arch/arm64/boot/Image");
		return errorf(err, errlen, "an ELF file, not an arm64 kernel Image");
	}
	if (has(buf, len, 0x202, "HdrS", 4))
		return errorf(err, errlen, "an x86 bzImage, not an arm64 kernel");
	if (len >= 4 && get_be32(buf) == 0x27051956)
		return errorf(err, errlen, "a U-Boot uImage: boot the kernel inside it (its data start at byte 64)");
	if (len >= 4 && get_be32(buf) == 0xd00dfeed)
		return errorf(err, errlen, "a device tree blob, not a kernel: give it with --dtb");
	if (has(buf, len, 0, "0707", 4))
		return errorf(err, errlen, "a cpio archive, not a kernel: give an initramfs with -i/--initrd");
	if (has(buf, len, 0, "MZ", 2))
		return errorf(err, errlen, "a PE/COFF (EFI) executable that is not an arm64 Image");
	for (i = 0; i < ARRAY_SIZE(compressed); i++)
		if (has(buf, len, 0, compressed[i].magic, compressed[i].len))
			return errorf(err, errlen, "%s-compressed: decompress it first (vmm reads raw and gzip-compressed kernels)",
				    compressed[i].name);
	if (looks_like_text(buf, len))
		return errorf(err, errlen, "a text file, not a kernel");
	/* lkvm's rule: anything else is a raw binary. */
	kp->format = KERNEL_RAW;
	return 0;
}

void arm64_image__raw(struct arm64_image *img, u64 file_size)
{
	memset(img, 0, sizeof(*img));
	img->text_offset = ARM64_IMAGE_PRE_3_17_OFFSET;
	img->image_size = file_size;
	img->raw = true;
}

int boot__layout(struct boot_layout *bl, u64 ram_base, u64 ram_size,
		 const struct arm64_image *img, u64 initrd_size,
		 char *err, size_t errlen)
{
	u64 top, dtb;

	memset(bl, 0, sizeof(*bl));

	/*
	 * The Image goes text_offset bytes above a 2 MiB aligned base; the
	 * base of RAM is both 2 MiB aligned and "as close as possible to the
	 * base of DRAM", which satisfies either value of flags bit 3.
	 */
	bl->kernel = ram_base + img->text_offset;
	bl->kernel_end = bl->kernel + img->image_size;
	if (img->image_size > ram_size - img->text_offset) {
		errorf(err, errlen, "the kernel needs %" PRIu64 " MiB with its BSS: give --mem more than that",
		     (img->text_offset + img->image_size + SZ_1M - 1) >> 20);
		return BOOT_NO_ROOM_KERNEL;
	}

	/*
	 * The initrd must sit in a 1 GiB aligned window of up to 32 GiB that
	 * also covers the Image; RAM starts 1 GiB aligned, so stay in its first
	 * 32 GiB.  The DTB takes the last 2 MiB block below that top, alone in
	 * its block as booting.rst asks, and the initrd goes just below it.
	 */
	top = ram_size > 32 * SZ_1G ? ram_base + 32 * SZ_1G : ram_base + ram_size;
	dtb = ALIGN_DOWN(top, SZ_2M) - SZ_2M;
	if (dtb < ALIGN_UP(bl->kernel_end, SZ_2M)) {
		errorf(err, errlen, "no room for the device tree above the kernel: give --mem more memory");
		return BOOT_NO_ROOM_KERNEL;
	}
	bl->dtb = dtb;

	if (initrd_size) {
		u64 room = dtb - ALIGN_UP(bl->kernel_end, SZ_2M);

		if (initrd_size > room) {
			errorf(err, errlen, "%" PRIu64 " MiB do not fit in RAM beside the kernel: give --mem more memory",
			     (initrd_size + SZ_1M - 1) >> 20);
			return BOOT_NO_ROOM_INITRD;
		}
		bl->initrd = ALIGN_DOWN(dtb - initrd_size, SZ_4K);
	}
	return 0;
}

int boot__layout_firmware(struct boot_layout *bl, u64 ram_base, u64 ram_size,
			  u64 fw_addr, u64 fw_size, char *err, size_t errlen)
{
	u64 ram_end = ram_base + ram_size, fw_end;

	memset(bl, 0, sizeof(*bl));
	if (!fw_addr)
		fw_addr = ram_base;
	if (fw_addr < ram_base || fw_addr >= ram_end)
		return errorf(err, errlen, "--firmware-address 0x%" PRIx64 " is outside RAM 0x%" PRIx64 "-0x%" PRIx64,
			    fw_addr, ram_base, ram_end - 1);
	if (fw_addr % 4)
		return errorf(err, errlen, "--firmware-address 0x%" PRIx64 " is not 4-byte aligned: the CPU cannot start there",
			    fw_addr);
	if (fw_size > ram_end - fw_addr)
		return errorf(err, errlen, "%" PRIu64 " bytes do not fit in RAM from 0x%" PRIx64 ": give --mem more memory",
			    fw_size, fw_addr);
	fw_end = fw_addr + fw_size;
	/* As lkvm: the DTB at the first 2 MiB boundary after the firmware. */
	if (ALIGN_UP(fw_end, SZ_2M) + FDT_MAX_SIZE > ram_end)
		return errorf(err, errlen, "no room for the device tree after the firmware: give --mem more memory");
	bl->kernel = fw_addr;
	bl->kernel_end = fw_end;
	bl->dtb = ALIGN_UP(fw_end, SZ_2M);
	return 0;
}
