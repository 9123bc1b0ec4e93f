// SPDX-License-Identifier: GPL-2.0
/*
 * image.c - the arm64 Image header and where the Image, initrd and DTB go
 * in guest RAM, as Documentation/arm64/booting.rst defines them.
 */
#include <endian.h>
#include <inttypes.h>
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

	_Static_assert(sizeof(h) == 64, "arm64 Image header is 64 bytes");

	_Static_assert(sizeof(h) == ARM64_IMAGE_HEADER_SIZE, "header size");

	if (hdr_len < sizeof(h) || file_size < sizeof(h))
		return errorf(err, errlen, "not an arm64 Image: %" PRIu64 " bytes, shorter than the 64-byte header",
			    file_size < hdr_len ? file_size : (u64)hdr_len);
	memcpy(&h, hdr, sizeof(h));
	if (le32toh(h.magic) != ARM64_IMAGE_MAGIC)
		return errorf(err, errlen, "not an arm64 Image: no \"ARM\\x64\" magic at offset 56");

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
