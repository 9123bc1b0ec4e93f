// SPDX-License-Identifier: GPL-2.0
/*
 * gen_loader_corpus.c - writes fuzz_loader's seed corpus:
 * gen_loader_corpus DIR.
 *
 * Each seed is fuzz_loader's 29-byte prefix (RAM, initrd size, firmware
 * address, a size, the rooms) and a file: arm64 Image headers shaped as
 * Debian's 6.1 vmlinuz (an EFI stub Image: "MZ" code0, text_offset 0,
 * image_size 32 MiB, flags 0xa) and as older and stranger ones, gzip
 * streams of them made with zlib (whole, cut, corrupt, twice, a bomb),
 * EFI zboot Images, raw binaries, what kernel__probe() refuses (ELF,
 * bzImage, uImage, DTB, cpio, other PE files, zstd and the rest, text),
 * kernel modules with a .modinfo and malformed ones, "Linux version"
 * strings, and RAM sizes and addresses at the edges of what fits.  All
 * synthetic: no kernel's bytes.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define PREFIX		29
#define RAM_BASE	0x80000000ULL
#define MIB		(1ULL << 20)
#define GIB		(1ULL << 30)

static const char *dir;
static int failed;

/* the prefix's fields, and the rooms fuzz_loader picks with its selector byte */
struct prefix {
	uint64_t	ram_mib;	/* 64 .. 1T/1M */
	uint64_t	initrd;
	uint64_t	fw_addr;
	uint64_t	size;
	unsigned int	gunzip_cap;	/* 0: 1M, 1: 64K, 2: 1K, 3: none */
	unsigned int	rel_cap;	/* 0: 128, 1: 16, 2: 2, 3: 1 */
	unsigned int	dep_cap;	/* 0: 1024, 1: 16, 2: 2, 3: 1 */
};

static void put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	while (n--) {
		*p++ = v;
		v >>= 8;
	}
}

static void seed(const char *name, const struct prefix *pf, const void *file, size_t len)
{
	uint8_t head[PREFIX] = { 0 };
	char path[4096];
	FILE *f;

	put_le(head, pf->ram_mib - 64, 4);
	put_le(head + 4, pf->initrd, 8);
	put_le(head + 12, pf->fw_addr, 8);
	put_le(head + 20, pf->size, 8);
	head[28] = pf->gunzip_cap | pf->rel_cap << 2 | pf->dep_cap << 4;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(head, 1, PREFIX, f) != PREFIX ||
	    (len && fwrite(file, 1, len, f) != len) || fclose(f)) {
		fprintf(stderr, "gen_loader_corpus: %s: %s\n", path, strerror(errno));
		failed = 1;
	}
}

static const struct prefix plain = { .ram_mib = 1024 };

/* ---- Images ---------------------------------------------------------------------- */

#define IMAGE_LEN	2048

static const char banner[] =
	"Linux version 6.1.0-57-arm64 (debian-kernel@lists.debian.org) "
	"(gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) "
	"2.40) #1 SMP Debian 6.1.158-1 (2025-11-09)\n";

/* booting.rst's header, with an EFI stub's "MZ" code0 and a PE header at 0x40 */
static void image(uint8_t *b, uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
	unsigned int i;

	memset(b, 0, IMAGE_LEN);
	memcpy(b, "MZ@\xfa", 4);			/* add x13, x18, #0x16 */
	put_le(b + 4, 0x1459a356, 4);			/* b to the kernel's entry */
	put_le(b + 8, text_offset, 8);
	put_le(b + 16, image_size, 8);
	put_le(b + 24, flags, 8);
	memcpy(b + 56, "ARM\x64", 4);
	put_le(b + 60, 0x40, 4);			/* the PE header's offset */
	memcpy(b + 0x40, "PE\0\0\x64\xaa", 6);		/* IMAGE_FILE_MACHINE_ARM64 */
	for (i = 0x100; i < 0x400; i += 4)		/* nops */
		put_le(b + i, 0xd503201f, 4);
	memcpy(b + 0x500, banner, sizeof(banner) - 1);
}

static void images(void)
{
	uint8_t b[IMAGE_LEN];
	struct prefix p = plain;

	image(b, 0, 0x2010000, 0xa);
	p.initrd = 20 * MIB;
	seed("image-debian", &p, b, sizeof(b));
	p = plain;
	image(b, 0x80000, 0, 0);
	seed("image-pre-3.17", &p, b, sizeof(b));
	image(b, 0x1234, 0x100000, 0xa);
	seed("image-text-offset-unaligned", &p, b, sizeof(b));
	image(b, 0x200000, 0x100000, 0xa);
	seed("image-text-offset-2m", &p, b, sizeof(b));
	image(b, 0x1ff000, 0x100000, 0xa);
	seed("image-text-offset-top", &p, b, sizeof(b));
	image(b, 0, 1ULL << 40, 0xa);
	p.ram_mib = 1 << 20;
	seed("image-1t", &p, b, sizeof(b));
	image(b, 0, (1ULL << 40) + 1, 0xa);
	seed("image-over-1t", &p, b, sizeof(b));
	p = plain;
	image(b, 0, 100, 0xa);
	seed("image-size-below-file", &p, b, sizeof(b));
	image(b, 0, 0x2010000, 0xb);
	seed("image-big-endian", &p, b, sizeof(b));
	image(b, 0, 0x2010000, 0x6);
	seed("image-64k-pages", &p, b, sizeof(b));
	seed("image-short", &p, b, 63);
	seed("image-header-only", &p, b, 64);

	/* 64M of RAM: a 60M Image leaves the DTB's 2M block and no more */
	p.ram_mib = 64;
	image(b, 0, 60 * MIB, 0xa);
	seed("image-ram-exact", &p, b, sizeof(b));
	image(b, 0, 60 * MIB + 1, 0xa);
	seed("image-ram-over", &p, b, sizeof(b));
	image(b, 0, 30 * MIB, 0xa);
	p.initrd = 30 * MIB;
	seed("image-initrd-exact", &p, b, sizeof(b));
	p.initrd = 30 * MIB + 1;
	seed("image-initrd-over", &p, b, sizeof(b));
	p.initrd = UINT64_MAX;
	seed("image-initrd-huge", &p, b, sizeof(b));
	/* more than 32G: the DTB and the initrd stay below 32G */
	p.ram_mib = 40 * 1024;
	p.initrd = 31 * GIB;
	image(b, 0, 0x2010000, 0xa);
	seed("image-ram-40g", &p, b, sizeof(b));
	p.ram_mib = 1 << 20;
	p.initrd = 1;
	seed("image-ram-1t", &p, b, sizeof(b));
}

/* ---- gzip and zboot ------------------------------------------------------------------ */

/* @in gzip'd into @out (room @cap): its length. */
static size_t gzip(const void *in, size_t len, uint8_t *out, size_t cap, int level)
{
	z_stream zs = { 0 };

	if (deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	zs.next_in = (uint8_t *)in;
	zs.avail_in = len;
	zs.next_out = out;
	zs.avail_out = cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	deflateEnd(&zs);
	return zs.total_out;
}

/* An EFI zboot Image: "MZ", "zimg", the payload's offset and size, the compression's name. */
static size_t zboot(uint8_t *b, const char *comp, const void *payload, size_t len,
		    uint32_t claimed_size)
{
	memset(b, 0, 0x200);
	memcpy(b, "MZ\0\0zimg", 8);
	put_le(b + 8, 0x200, 4);
	put_le(b + 12, claimed_size ? claimed_size : len, 4);
	strncpy((char *)b + 24, comp, 32);
	put_le(b + 60, 0x40, 4);
	memcpy(b + 0x40, "PE\0\0\x64\xaa", 6);
	memcpy(b + 0x200, payload, len);
	return 0x200 + len;
}

static const uint8_t cut_past_room[] = {
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

static void compressed(void)
{
	static uint8_t img[IMAGE_LEN], z[8192], zz[8192], big[1 << 20], zb[1 << 20], out[1 << 16];
	struct prefix p = plain;
	size_t n, nn, nb;

	image(img, 0, 0x2010000, 0xa);
	n = gzip(img, sizeof(img), z, sizeof(z), 9);
	seed("gzip-image", &p, z, n);
	p.gunzip_cap = 2;
	seed("gzip-image-room-1k", &p, z, n);
	p.gunzip_cap = 3;
	seed("gzip-image-no-room", &p, z, n);
	p = plain;
	seed("gzip-truncated", &p, z, n - 9);
	seed("gzip-header-only", &p, z, 10);
	memcpy(out, z, n);
	out[n - 6] ^= 0x55;			/* the CRC32 */
	seed("gzip-bad-crc", &p, out, n);
	memcpy(out, z, n);
	out[n - 2] ^= 0x01;			/* ISIZE */
	seed("gzip-bad-size", &p, out, n);
	memcpy(out, z, n);
	memcpy(out + n, "trailing garbage", 16);
	seed("gzip-trailing", &p, out, n + 16);
	memcpy(out, z, n);
	out[3] = 0x08;				/* FNAME */
	seed("gzip-fname-unterminated", &p, out, n);
	nn = gzip(z, n, zz, sizeof(zz), 1);
	seed("gzip-twice", &p, zz, nn);
	nn = gzip("", 0, zz, sizeof(zz), 6);
	seed("gzip-empty", &p, zz, nn);
	nn = gzip(banner, sizeof(banner) - 1, zz, sizeof(zz), 0);
	seed("gzip-stored-text", &p, zz, nn);

	/* a bomb: 1M of zeros in about 1K, to the room's byte and past it */
	memset(big, 0, sizeof(big));
	nb = gzip(big, sizeof(big), zb, sizeof(zb), 9);
	seed("gzip-bomb-1m", &p, zb, nb);
	p.gunzip_cap = 1;
	seed("gzip-bomb-room-64k", &p, zb, nb);
	nb = gzip(big, sizeof(big) - 1, zb, sizeof(zb), 9);
	p.gunzip_cap = 0;
	seed("gzip-bomb-1m-less-1", &p, zb, nb);

	p = plain;
	/*
	 * Found by fuzz_loader: cut short where zlib takes the last input
	 * with the room full and two bytes still to come: too big, not
	 * truncated (gunzip_fd's test gunzip_truncated_too_big has it too).
	 */
	p.ram_mib = 64 + 0x3c0;
	p.gunzip_cap = 2;
	seed("regress-gzip-cut-past-room", &p, cut_past_room, sizeof(cut_past_room));

	p = plain;
	nn = zboot(out, "gzip", z, n, 0);
	seed("zboot-gzip", &p, out, nn);
	nn = zboot(out, "zstd", z, n, 0);
	seed("zboot-zstd", &p, out, nn);
	nn = zboot(out, "", z, n, 0);
	seed("zboot-none", &p, out, nn);
	nn = zboot(out, "gz\x01p", z, n, 0);
	seed("zboot-control", &p, out, nn);
	nn = zboot(out, "gzip", z, n, n + 1);
	seed("zboot-truncated", &p, out, nn);
	nn = zboot(out, "gzip", z, n, 0);
	put_le(out + 8, 0xffffffff, 4);
	seed("zboot-offset-beyond", &p, out, nn);
	nn = zboot(out, "gzip", img, sizeof(img), 0);
	seed("zboot-not-gzip", &p, out, nn);
	nn = zboot(out, "gzip", zz, 0, 0);
	seed("zboot-empty", &p, out, nn);
}

/* ---- raw binaries, firmware, and what is no kernel ---------------------------------- */

static void raw_and_refused(void)
{
	uint8_t b[1024];
	struct prefix p = plain;
	unsigned int i;

	/* a bare-metal payload: mov x0, #0x84000008; hvc #0 (PSCI SYSTEM_OFF) */
	memset(b, 0, sizeof(b));
	for (i = 0; i < 256; i += 4)
		put_le(b + i, 0xd503201f, 4);
	put_le(b + 256, 0xd2800100, 4);
	put_le(b + 260, 0xf2b08000, 4);
	put_le(b + 264, 0xd4000002, 4);
	seed("raw", &p, b, 268);
	p.size = 62 * MIB;
	p.ram_mib = 64;
	seed("raw-claimed-62m", &p, b, 268);
	p.size = 1ULL << 63;
	seed("raw-claimed-huge", &p, b, 268);
	p = plain;
	p.fw_addr = RAM_BASE + 0x200000;
	seed("firmware-at-2m", &p, b, 268);
	p.fw_addr = RAM_BASE + 2;
	seed("firmware-unaligned", &p, b, 268);
	p.fw_addr = 0x1000;
	seed("firmware-below-ram", &p, b, 268);
	p.fw_addr = RAM_BASE + 1024 * MIB;
	seed("firmware-ram-end", &p, b, 268);
	p.fw_addr = RAM_BASE + 1024 * MIB - 2 * MIB - 0x10000 - 4;
	p.size = 4;
	seed("firmware-dtb-exact", &p, b, 268);
	p.fw_addr = 0;
	p.size = 1024 * MIB - 0x10000;
	seed("firmware-fills-ram", &p, b, 268);
	p.size = UINT64_MAX;
	seed("firmware-huge", &p, b, 268);

	p = plain;
	memset(b, 0, sizeof(b));
	memcpy(b, "\x7f" "ELF\x02\x01\x01", 7);
	put_le(b + 16, 2, 2);				/* ET_EXEC */
	put_le(b + 18, 183, 2);				/* EM_AARCH64 */
	seed("elf-vmlinux", &p, b, 64);
	put_le(b + 18, 62, 2);				/* EM_X86_64 */
	seed("elf-x86", &p, b, 64);
	memset(b, 0, sizeof(b));
	memcpy(b + 0x202, "HdrS", 4);
	b[0x1fe] = 0x55;
	b[0x1ff] = 0xaa;
	seed("bzimage", &p, b, sizeof(b));
	memset(b, 0, sizeof(b));
	memcpy(b, "\x27\x05\x19\x56", 4);
	seed("uimage", &p, b, 64);
	memcpy(b, "\xd0\x0d\xfe\xed\x00\x00\x00\x48", 8);
	seed("dtb", &p, b, 72);
	memcpy(b, "070701000000000000000000", 24);
	seed("cpio", &p, b, 110);
	memset(b, 0, sizeof(b));
	memcpy(b, "MZ\x90\x00", 4);
	put_le(b + 60, 0x80, 4);
	memcpy(b + 0x80, "PE\0\0\x64\x86", 6);
	seed("pe-x86", &p, b, 512);
	seed("zstd", &p, "\x28\xb5\x2f\xfd\x00\x58\x61", 7);
	seed("xz", &p, "\xfd" "7zXZ\0\0\x04", 8);
	seed("lz4", &p, "\x04\x22\x4d\x18\x64\x40", 6);
	seed("lz4-legacy", &p, "\x02\x21\x4c\x18\x00\x00", 6);
	seed("lzo", &p, "\x89LZO\0\r\n", 7);
	seed("bzip2", &p, "BZh91AY&SY", 10);
	seed("lzma", &p, "\x5d\x00\x00\x80\x00", 5);
	seed("text", &p, "#!/bin/sh\necho not a kernel\r\n\ttab\n", 34);
	seed("empty", &p, "", 0);
	seed("one-byte", &p, "\x01", 1);
}

/* ---- modules and releases ---------------------------------------------------------------- */

/* An ELF64 module: its header, .shstrtab, .modinfo, then the section headers. */
struct ko {
	Elf64_Ehdr	eh;
	char		names[24];
	char		modinfo[160];
	Elf64_Shdr	sh[3];
};

static void ko(struct ko *k, const char *modinfo, size_t len)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->eh.e_ident, ELFMAG, SELFMAG);
	k->eh.e_ident[EI_CLASS] = ELFCLASS64;
	k->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	k->eh.e_ident[EI_VERSION] = EV_CURRENT;
	k->eh.e_type = ET_REL;
	k->eh.e_machine = EM_AARCH64;
	k->eh.e_version = EV_CURRENT;
	k->eh.e_ehsize = sizeof(Elf64_Ehdr);
	k->eh.e_shoff = offsetof(struct ko, sh);
	k->eh.e_shentsize = sizeof(Elf64_Shdr);
	k->eh.e_shnum = 3;
	k->eh.e_shstrndx = 1;
	memcpy(k->names, "\0.shstrtab\0.modinfo", 20);
	k->sh[1].sh_name = 1;
	k->sh[1].sh_type = SHT_STRTAB;
	k->sh[1].sh_offset = offsetof(struct ko, names);
	k->sh[1].sh_size = 20;
	k->sh[2].sh_name = 11;
	k->sh[2].sh_type = SHT_PROGBITS;
	k->sh[2].sh_offset = offsetof(struct ko, modinfo);
	k->sh[2].sh_size = len;
	memcpy(k->modinfo, modinfo, len);
}

#define MODINFO(s)	s, sizeof(s) - 1

static void modules(void)
{
	struct prefix p = plain;
	struct ko k;

	ko(&k, MODINFO("license=GPL\0depends=virtio,virtio_ring\0retpoline=Y\0"
		       "intree=Y\0name=virtio_mmio\0vermagic=6.1.0-57-arm64 SMP mod_unload "
		       "modversions aarch64\0"));
	seed("ko-virtio-mmio", &p, &k, sizeof(k));
	p.dep_cap = 1;
	seed("ko-depends-room-16", &p, &k, sizeof(k));
	p.dep_cap = 3;
	seed("ko-depends-room-1", &p, &k, sizeof(k));
	p = plain;
	ko(&k, MODINFO("license=GPL\0depends=\0name=virtio\0"));
	seed("ko-depends-none", &p, &k, sizeof(k));
	ko(&k, MODINFO("license=GPL\0name=9p\0"));
	seed("ko-no-depends", &p, &k, sizeof(k));
	ko(&k, MODINFO("depends=9pnet,netfs,fscache"));	/* no final NUL */
	seed("ko-depends-unterminated", &p, &k, sizeof(k));
	ko(&k, MODINFO("alias=depends=fake\0depends=9pnet\0"));
	seed("ko-depends-in-value", &p, &k, sizeof(k));
	ko(&k, MODINFO("depends=a\0"));
	k.eh.e_shstrndx = 3;
	seed("ko-bad-shstrndx", &p, &k, sizeof(k));
	ko(&k, MODINFO("depends=a\0"));
	k.eh.e_shoff += 4;
	seed("ko-shoff-unaligned", &p, &k, sizeof(k));
	ko(&k, MODINFO("depends=a\0"));
	k.sh[2].sh_size = 1 << 20;
	seed("ko-modinfo-beyond", &p, &k, sizeof(k));
	ko(&k, MODINFO("depends=a\0"));
	k.sh[2].sh_name = 19;				/* "" at the end of .shstrtab */
	seed("ko-no-modinfo-name", &p, &k, sizeof(k));
	ko(&k, MODINFO("depends=a\0"));
	k.sh[1].sh_size = 18;				/* ".modinfo" cut short */
	seed("ko-shstrtab-cut", &p, &k, sizeof(k));
	ko(&k, MODINFO("depends=a\0"));
	k.eh.e_ident[EI_CLASS] = ELFCLASS32;
	seed("ko-elf32", &p, &k, sizeof(k));
	ko(&k, MODINFO("depends=a\0"));
	k.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	seed("ko-big-endian", &p, &k, sizeof(k));
	ko(&k, MODINFO("depends=a\0"));
	seed("ko-cut", &p, &k, sizeof(k) - 1);

	p = plain;
	seed("release-banner", &p, banner, sizeof(banner) - 1);
	seed("release-at-end", &p, "xxLinux version 6.1.0", 21);
	seed("release-dot", &p, "Linux version .. (x) Linux version ./ Linux version 6.1.0-rc1+ #1", 64);
	seed("release-slash", &p, "Linux version 6.1/../x Linux version 5.10.0-28-arm64 (", 54);
	seed("release-empty", &p, "Linux version  (gcc)", 20);
	p.rel_cap = 1;
	seed("release-room-16", &p, banner, sizeof(banner) - 1);
	p.rel_cap = 2;
	seed("release-room-2", &p, "Linux version 6.1 Linux version 6 ", 34);
	p.rel_cap = 3;
	seed("release-room-1", &p, "Linux version 6 ", 16);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_loader_corpus DIR\n");
		return 2;
	}
	dir = argv[1];
	images();
	compressed();
	raw_and_refused();
	modules();
	return failed;
}
