// SPDX-License-Identifier: GPL-2.0
/*
 * test_loader.c - telling kernel formats apart (kernel__probe), and loading
 * raw binaries, Image.gz, EFI zboot, --firmware and --dtb into a VM's RAM.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>
#include <zlib.h>

#include <vmm/layout.h>
#include "../../vmm/vmm.h"
#include "unit.h"

#define RAM_SIZE	(64ULL << 20)

static u8 buf[KERNEL_PROBE_SIZE];
static struct kernel_probe kp;
static char err[256];

static int probe(size_t len, u64 file_size)
{
	memset(err, 0, sizeof(err));
	return kernel__probe(&kp, buf, len, file_size, err, sizeof(err));
}

/* The probe refuses @len bytes of buf with a message starting @msg. */
#define ck_probe_refuses(len, msg)					\
	do {								\
		ck_assert_int_eq(probe(len, len), -1);			\
		ck_assert_msg(!strncmp(err, msg, strlen(msg)),		\
			      "got \"%s\", expected \"%s...\"", err, msg); \
	} while (0)

static void put_le32(u8 *p, u32 v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static void put_le64(u8 *p, u64 v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

/* A minimal arm64 Image header (booting.rst) at @p. */
static void image_header(u8 *p, u64 text_offset, u64 image_size)
{
	memset(p, 0, ARM64_IMAGE_HEADER_SIZE);
	put_le32(p, 0x14000010);		/* b +0x40 */
	put_le64(p + 8, text_offset);
	put_le64(p + 16, image_size);
	put_le64(p + 24, 0xa);
	memcpy(p + 56, "ARM\x64", 4);
}

/* Bytes that are no known format: arm64 instructions. */
static void raw_code(u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i + 4 <= len; i += 4)
		put_le32(p + i, 0xd503201f);	/* nop */
}

/* ---- kernel__probe -------------------------------------------------------- */

START_TEST(probe_image)
{
	image_header(buf, 0, 0x10000);
	ck_assert_int_eq(probe(sizeof(buf), 0x8000), 0);
	ck_assert_int_eq(kp.format, KERNEL_IMAGE);
}
END_TEST

START_TEST(probe_raw)
{
	raw_code(buf, sizeof(buf));
	ck_assert_int_eq(probe(sizeof(buf), 4096), 0);
	ck_assert_int_eq(kp.format, KERNEL_RAW);
	/* a 4-byte payload ("b .") is raw too */
	put_le32(buf, 0x14000000);
	ck_assert_int_eq(probe(4, 4), 0);
	ck_assert_int_eq(kp.format, KERNEL_RAW);
}
END_TEST

START_TEST(probe_gzip)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "\x1f\x8b\x08", 3);
	ck_assert_int_eq(probe(sizeof(buf), 1 << 20), 0);
	ck_assert_int_eq(kp.format, KERNEL_GZIP);
}
END_TEST

static void zboot_header(const char *comp, u32 off, u32 size)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "MZ\0\0zimg", 8);
	put_le32(buf + 8, off);
	put_le32(buf + 12, size);
	strcpy((char *)buf + 24, comp);
	put_le32(buf + 56, 0x818223cd);		/* LINUX_PE_MAGIC, not "ARM\x64" */
}

START_TEST(probe_zboot_gzip)
{
	zboot_header("gzip", 0x1000, 0x20000);
	ck_assert_int_eq(probe(sizeof(buf), 0x21000), 0);
	ck_assert_int_eq(kp.format, KERNEL_ZBOOT);
	ck_assert_uint_eq(kp.payload_offset, 0x1000);
	ck_assert_uint_eq(kp.payload_size, 0x20000);
}
END_TEST

START_TEST(probe_zboot_other_compression)
{
	zboot_header("zstd22", 0x1000, 0x20000);
	ck_assert_int_eq(probe(sizeof(buf), 0x21000), -1);
	ck_assert_str_eq(err, "an EFI zboot Image compressed with zstd22: vmm decompresses gzip only (boot arch/arm64/boot/Image or Image.gz)");
}
END_TEST

START_TEST(probe_zboot_truncated)
{
	zboot_header("gzip", 0x1000, 0x20000);
	ck_assert_int_eq(probe(sizeof(buf), 0x20fff), -1);
	ck_assert_str_eq(err, "a truncated EFI zboot Image: its payload lies beyond the end of the file");
	/* an offset past the end must not wrap the check */
	zboot_header("gzip", 0xffffffff, 2);
	ck_assert_int_eq(probe(sizeof(buf), 0x1000), -1);
}
END_TEST

START_TEST(probe_empty)
{
	ck_assert_int_eq(probe(0, 0), -1);
	ck_assert_str_eq(err, "the file is empty");
}
END_TEST

START_TEST(probe_elf)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "\x7f" "ELF\x02\x01\x01", 7);
	buf[18] = 183;			/* EM_AARCH64 */
	ck_probe_refuses(sizeof(buf), "an ELF vmlinux: boot arch/arm64/boot/Image");
	buf[18] = 62;			/* EM_X86_64 */
	ck_probe_refuses(sizeof(buf), "an ELF file, not an arm64 kernel Image");
}
END_TEST

START_TEST(probe_bzimage)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "MZ", 2);		/* an EFI-stub bzImage is a PE file too */
	memcpy(buf + 0x202, "HdrS", 4);
	ck_probe_refuses(sizeof(buf), "an x86 bzImage, not an arm64 kernel");
}
END_TEST

START_TEST(probe_uimage)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "\x27\x05\x19\x56", 4);
	ck_probe_refuses(sizeof(buf), "a U-Boot uImage");
}
END_TEST

START_TEST(probe_dtb_and_cpio)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "\xd0\x0d\xfe\xed", 4);
	ck_probe_refuses(sizeof(buf), "a device tree blob, not a kernel: give it with --dtb");
	memcpy(buf, "070701", 6);
	ck_probe_refuses(sizeof(buf), "a cpio archive, not a kernel");
}
END_TEST

START_TEST(probe_other_pe)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "MZ", 2);
	ck_probe_refuses(sizeof(buf), "a PE/COFF (EFI) executable that is not an arm64 Image");
}
END_TEST

START_TEST(probe_compressed)
{
	static const struct { const char *magic; size_t len; const char *name; } c[] = {
		{ "\x28\xb5\x2f\xfd", 4, "zstd" },
		{ "\xfd" "7zXZ\0", 6, "xz" },
		{ "\x04\x22\x4d\x18", 4, "lz4" },
		{ "\x02\x21\x4c\x18", 4, "lz4 (legacy)" },
		{ "\x89LZO", 4, "lzo" },
		{ "BZh9", 4, "bzip2" },
		{ "\x5d\0\0\x80", 4, "lzma" },
	};
	char want[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf, c[i].magic, c[i].len);
		snprintf(want, sizeof(want), "%s-compressed: decompress it first", c[i].name);
		ck_probe_refuses(sizeof(buf), want);
	}
}
END_TEST

START_TEST(probe_text)
{
	static const char script[] = "#!/bin/sh\necho this is not a kernel\n";

	memcpy(buf, script, sizeof(script) - 1);
	ck_probe_refuses(sizeof(script) - 1, "a text file, not a kernel");
	/* one byte that is not text makes it raw */
	buf[3] = 0x80;
	ck_assert_int_eq(probe(sizeof(script) - 1, sizeof(script) - 1), 0);
	ck_assert_int_eq(kp.format, KERNEL_RAW);
}
END_TEST

/* ---- boot__layout_firmware ------------------------------------------------ */

START_TEST(firmware_layout)
{
	struct boot_layout bl;

	ck_assert_int_eq(boot__layout_firmware(&bl, LAYOUT_RAM_BASE, RAM_SIZE,
					       0, 0x1234, err, sizeof(err)), 0);
	ck_assert_uint_eq(bl.kernel, LAYOUT_RAM_BASE);
	ck_assert_uint_eq(bl.dtb, LAYOUT_RAM_BASE + SZ_2M);
	ck_assert_uint_eq(bl.initrd, 0);

	/* at a given address; the DTB at the next 2 MiB boundary after it */
	ck_assert_int_eq(boot__layout_firmware(&bl, LAYOUT_RAM_BASE, RAM_SIZE,
					       LAYOUT_RAM_BASE + 0x3ff000, 0x2000,
					       err, sizeof(err)), 0);
	ck_assert_uint_eq(bl.kernel, LAYOUT_RAM_BASE + 0x3ff000);
	ck_assert_uint_eq(bl.dtb, LAYOUT_RAM_BASE + 0x600000);
}
END_TEST

START_TEST(firmware_layout_refusals)
{
	struct boot_layout bl;

	ck_assert_int_eq(boot__layout_firmware(&bl, LAYOUT_RAM_BASE, RAM_SIZE,
					       0x1000, 16, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "--firmware-address 0x1000 is outside RAM 0x80000000-0x83ffffff");
	ck_assert_int_eq(boot__layout_firmware(&bl, LAYOUT_RAM_BASE, RAM_SIZE,
					       LAYOUT_RAM_BASE + RAM_SIZE, 16,
					       err, sizeof(err)), -1);
	ck_assert_int_eq(boot__layout_firmware(&bl, LAYOUT_RAM_BASE, RAM_SIZE,
					       LAYOUT_RAM_BASE + 2, 16, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "--firmware-address 0x80000002 is not 4-byte aligned: the CPU cannot start there");
	ck_assert_int_eq(boot__layout_firmware(&bl, LAYOUT_RAM_BASE, RAM_SIZE,
					       0, RAM_SIZE + 1, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "67108865 bytes do not fit in RAM from 0x80000000: give --mem more memory");
	/* the firmware fits, the DTB after it does not */
	ck_assert_int_eq(boot__layout_firmware(&bl, LAYOUT_RAM_BASE, RAM_SIZE,
					       0, RAM_SIZE - SZ_2M + 1, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "no room for the device tree after the firmware: give --mem more memory");
}
END_TEST

/* ---- loader__load and loader__read_dtb on a VM with plain RAM ------------- */

static struct vm vm;
static struct vm_config cfg;
static char kpath[] = "/tmp/vmm-loader-XXXXXX";

static void vm_setup(void)
{
	memset(&vm, 0, sizeof(vm));
	memset(&cfg, 0, sizeof(cfg));
	vm.cfg = &cfg;
	vm.ram_base = LAYOUT_RAM_BASE;
	vm.ram_size = RAM_SIZE;
	vm.ram = calloc(1, RAM_SIZE);
	ck_assert_ptr_nonnull(vm.ram);
	strcpy(kpath, "/tmp/vmm-loader-XXXXXX");
}

static void vm_teardown(void)
{
	free(vm.ram);
	unlink(kpath);
}

/* Write @len bytes to a new temp file named in kpath. */
static const char *write_file(const void *data, size_t len)
{
	int fd = mkstemp(kpath);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	return kpath;
}

static u8 *ram_at(u64 gpa)
{
	return (u8 *)vm.ram + (gpa - LAYOUT_RAM_BASE);
}

/* gzip @len bytes of @data into a malloc'ed buffer; its size in *@out_len. */
static u8 *gzip_buffer(const void *data, size_t len, size_t *out_len)
{
	z_stream zs = { 0 };
	size_t cap = len + 1024;
	u8 *out = malloc(cap);

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (u8 *)data;
	zs.avail_in = len;
	zs.next_out = out;
	zs.avail_out = cap;
	ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	return out;
}

START_TEST(load_raw_binary)
{
	u8 code[4096];

	raw_code(code, sizeof(code));
	put_le32(code, 0x14000000);
	cfg.kernel = write_file(code, sizeof(code));
	ck_assert_int_eq(loader__load(&vm), 0);
	/* lkvm's place for a raw binary: RAM + 0x80000, entered there */
	ck_assert_uint_eq(vm.boot.kernel, LAYOUT_RAM_BASE + 0x80000);
	ck_assert_uint_eq(vm.boot.kernel_end, LAYOUT_RAM_BASE + 0x80000 + sizeof(code));
	ck_assert_int_eq(memcmp(ram_at(vm.boot.kernel), code, sizeof(code)), 0);
	ck_assert_uint_eq(vm.boot.dtb, LAYOUT_RAM_BASE + RAM_SIZE - SZ_2M);
}
END_TEST

START_TEST(load_image_gz)
{
	size_t len = 256 * 1024, zlen;
	u8 *image = calloc(1, len), *gz;

	ck_assert_ptr_nonnull(image);
	image_header(image, 0x80000, len);
	raw_code(image + 64, len - 64);
	gz = gzip_buffer(image, len, &zlen);
	cfg.kernel = write_file(gz, zlen);
	ck_assert_int_eq(loader__load(&vm), 0);
	ck_assert_uint_eq(vm.boot.kernel, LAYOUT_RAM_BASE + 0x80000);
	ck_assert_int_eq(memcmp(ram_at(vm.boot.kernel), image, len), 0);
	/* inflated 2 MiB up, then moved down: nothing of it is left there */
	for (size_t i = 0; i < SZ_2M; i += 8)
		ck_assert_uint_eq(*(u64 *)ram_at(vm.boot.kernel + len + i), 0);
	free(gz);
	free(image);
}
END_TEST

/* An EFI zboot file: header, padding, then the gzip'ed Image. */
START_TEST(load_zboot)
{
	size_t len = 128 * 1024, zlen, off = 0x1000;
	u8 *image = calloc(1, len), *gz, *file;

	ck_assert_ptr_nonnull(image);
	image_header(image, 0, len);
	raw_code(image + 64, len - 64);
	gz = gzip_buffer(image, len, &zlen);
	file = calloc(1, off + zlen + 512);	/* PE sections may follow */
	ck_assert_ptr_nonnull(file);
	memcpy(file, "MZ\0\0zimg", 8);
	put_le32(file + 8, off);
	put_le32(file + 12, zlen);
	strcpy((char *)file + 24, "gzip");
	memcpy(file + off, gz, zlen);
	cfg.kernel = write_file(file, off + zlen + 512);
	ck_assert_int_eq(loader__load(&vm), 0);
	ck_assert_uint_eq(vm.boot.kernel, LAYOUT_RAM_BASE);
	ck_assert_int_eq(memcmp(ram_at(vm.boot.kernel), image, len), 0);
	free(file);
	free(gz);
	free(image);
}
END_TEST

/* A gzip bomb is bounded by the guest's RAM, and no heap holds a copy. */
START_TEST(load_refuses_too_big_gz)
{
	size_t len = RAM_SIZE, zlen;
	u8 *big = calloc(1, len), *gz;

	ck_assert_ptr_nonnull(big);
	image_header(big, 0, 4096);
	gz = gzip_buffer(big, len, &zlen);
	free(big);
	cfg.kernel = write_file(gz, zlen);
	ck_assert_int_eq(loader__load(&vm), -1);
	free(gz);
}
END_TEST

START_TEST(load_refuses_twice_compressed)
{
	u8 inner[4096];
	size_t l1, l2;
	u8 *gz1, *gz2;

	raw_code(inner, sizeof(inner));
	gz1 = gzip_buffer(inner, sizeof(inner), &l1);
	gz2 = gzip_buffer(gz1, l1, &l2);
	cfg.kernel = write_file(gz2, l2);
	ck_assert_int_eq(loader__load(&vm), -1);
	free(gz1);
	free(gz2);
}
END_TEST

START_TEST(load_firmware_at_address)
{
	u8 fw[8192];

	raw_code(fw, sizeof(fw));
	cfg.firmware = write_file(fw, sizeof(fw));
	cfg.firmware_addr = LAYOUT_RAM_BASE + 0x100000;
	ck_assert_int_eq(loader__load(&vm), 0);
	ck_assert_uint_eq(vm.boot.kernel, LAYOUT_RAM_BASE + 0x100000);
	ck_assert_uint_eq(vm.boot.dtb, LAYOUT_RAM_BASE + SZ_2M);
	ck_assert_int_eq(memcmp(ram_at(vm.boot.kernel), fw, sizeof(fw)), 0);
	/* an Image header changes nothing for a firmware: loaded as is */
	image_header(fw, 0x80000, sizeof(fw));
	unlink(kpath);
	strcpy(kpath, "/tmp/vmm-loader-XXXXXX");
	cfg.firmware = write_file(fw, sizeof(fw));
	cfg.firmware_addr = 0;
	ck_assert_int_eq(loader__load(&vm), 0);
	ck_assert_uint_eq(vm.boot.kernel, LAYOUT_RAM_BASE);
}
END_TEST

START_TEST(load_firmware_refusals)
{
	u8 fw[16] = { 0 };

	cfg.firmware = write_file(fw, 0);
	ck_assert_int_eq(loader__load(&vm), -1);		/* empty */
	unlink(kpath);
	strcpy(kpath, "/tmp/vmm-loader-XXXXXX");
	cfg.firmware = write_file(fw, sizeof(fw));
	cfg.firmware_addr = 0x40000000;				/* not RAM */
	ck_assert_int_eq(loader__load(&vm), -1);
	cfg.firmware = "/nonexistent";
	cfg.firmware_addr = 0;
	ck_assert_int_eq(loader__load(&vm), -1);
}
END_TEST

/* A small valid DTB with /chosen/bootargs = "old", into @out (1 KiB). */
static void small_dtb(void *out)
{
	int chosen;

	ck_assert_int_eq(fdt_create_empty_tree(out, 1024), 0);
	chosen = fdt_add_subnode(out, 0, "chosen");
	ck_assert_int_ge(chosen, 0);
	ck_assert_int_eq(fdt_setprop_string(out, chosen, "bootargs", "old"), 0);
	ck_assert_int_eq(fdt_pack(out), 0);
}

START_TEST(read_dtb_patches_chosen)
{
	u8 blob[1024];
	const fdt64_t *p;
	void *dtb;
	int node, len;

	small_dtb(blob);
	cfg.dtb = write_file(blob, fdt_totalsize(blob));
	vm.boot.initrd = LAYOUT_RAM_BASE + 0x1000000;
	vm.initrd_size = 0x1234;
	cfg.params = "console=ttyS0 new";
	dtb = loader__read_dtb(&vm);
	ck_assert_ptr_nonnull(dtb);
	ck_assert_int_eq(fdt_check_full(dtb, fdt_totalsize(dtb)), 0);
	node = fdt_path_offset(dtb, "/chosen");
	ck_assert_int_ge(node, 0);
	ck_assert_str_eq(fdt_getprop(dtb, node, "bootargs", NULL), "console=ttyS0 new");
	p = fdt_getprop(dtb, node, "linux,initrd-start", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt64_to_cpu(*p), LAYOUT_RAM_BASE + 0x1000000);
	p = fdt_getprop(dtb, node, "linux,initrd-end", &len);
	ck_assert_uint_eq(fdt64_to_cpu(*p), LAYOUT_RAM_BASE + 0x1001234);
	free(dtb);
}
END_TEST

START_TEST(read_dtb_as_given)
{
	u8 blob[1024];
	void *dtb;
	int node;

	small_dtb(blob);
	cfg.dtb = write_file(blob, fdt_totalsize(blob));
	dtb = loader__read_dtb(&vm);
	ck_assert_ptr_nonnull(dtb);
	node = fdt_path_offset(dtb, "/chosen");
	ck_assert_str_eq(fdt_getprop(dtb, node, "bootargs", NULL), "old");
	ck_assert_ptr_null(fdt_getprop(dtb, node, "linux,initrd-start", NULL));
	free(dtb);
}
END_TEST

START_TEST(read_dtb_refuses_bad_blobs)
{
	u8 blob[1024];

	/* not a DTB at all */
	cfg.dtb = write_file("hello, world\n", 13);
	ck_assert_ptr_null(loader__read_dtb(&vm));
	unlink(kpath);
	strcpy(kpath, "/tmp/vmm-loader-XXXXXX");
	/* truncated: the header promises more than the file has */
	small_dtb(blob);
	cfg.dtb = write_file(blob, fdt_totalsize(blob) - 8);
	ck_assert_ptr_null(loader__read_dtb(&vm));
	unlink(kpath);
	strcpy(kpath, "/tmp/vmm-loader-XXXXXX");
	/* a good header over a structure block of garbage */
	small_dtb(blob);
	((fdt32_t *)(blob + fdt_off_dt_struct(blob)))[0] = cpu_to_fdt32(0x77);
	cfg.dtb = write_file(blob, fdt_totalsize(blob));
	ck_assert_ptr_null(loader__read_dtb(&vm));
	unlink(kpath);
	strcpy(kpath, "/tmp/vmm-loader-XXXXXX");
	/* empty */
	cfg.dtb = write_file(blob, 0);
	ck_assert_ptr_null(loader__read_dtb(&vm));
}
END_TEST

/*
 * libfdt's fdt_check_full() takes a structure block that is FDT_END
 * alone; there is no tree in it to boot, nor a root to put /chosen in
 * (found by fuzz_dtb).
 */
START_TEST(patch_dtb_refuses_no_root)
{
	u64 aligned[128];
	u8 *blob = (u8 *)aligned;
	char why[256];

	small_dtb(blob);
	((fdt32_t *)(blob + fdt_off_dt_struct(blob)))[0] = cpu_to_fdt32(FDT_END);
	ck_assert_int_eq(fdt_check_full(blob, fdt_totalsize(blob)), 0);
	ck_assert_ptr_null(loader__patch_dtb(blob, fdt_totalsize(blob), 0, 0, NULL, why,
					     sizeof(why)));
	ck_assert_str_eq(why, "not a valid device tree blob: it has no root node");
	ck_assert_ptr_null(loader__patch_dtb(blob, fdt_totalsize(blob), LAYOUT_RAM_BASE, 4096,
					     "quiet", why, sizeof(why)));
	ck_assert_str_eq(why, "not a valid device tree blob: it has no root node");
}
END_TEST

/*
 * A property's length near 2^32 wraps libfdt 1.6's fdt_next_tag(): back
 * to the property itself (fdt_check_full() would walk it for ever), or a
 * few bytes on (it would take a property of 0xfffffffe bytes).  The
 * loader refuses them (found by fuzz_dtb).
 */
START_TEST(patch_dtb_refuses_wrapping_lengths)
{
	static const u32 lens[] = { 0xfffffff4, 0xfffffff0, 0xffffffe0, 0xfffffffe, 0x80000000 };
	u64 aligned[128];
	u8 *blob = (u8 *)aligned;
	char why[256];
	unsigned int i;
	int prop;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		small_dtb(blob);
		prop = fdt_first_property_offset(blob, fdt_path_offset(blob, "/chosen"));
		ck_assert_int_ge(prop, 0);
		((fdt32_t *)(blob + fdt_off_dt_struct(blob) + prop))[1] = cpu_to_fdt32(lens[i]);
		ck_assert_ptr_null(loader__patch_dtb(blob, fdt_totalsize(blob), 0, 0, "x", why,
						     sizeof(why)));
		ck_assert_str_eq(why, "not a valid device tree blob: FDT_ERR_BADSTRUCTURE");
	}
}
END_TEST

/*
 * Before version 16 a node's name is its path: libfdt 1.6's
 * fdt_check_full() dereferences the NULL fdt_get_name() gives for a root
 * named "" (found by fuzz_dtb).  Refused, with what to do.
 */
START_TEST(patch_dtb_refuses_old_versions)
{
	u64 aligned[128];
	u8 *blob = (u8 *)aligned;
	char why[256];

	small_dtb(blob);
	((fdt32_t *)blob)[5] = cpu_to_fdt32(15);		/* version */
	((fdt32_t *)blob)[6] = cpu_to_fdt32(2);		/* last_comp_version */
	ck_assert_ptr_null(loader__patch_dtb(blob, fdt_totalsize(blob), 0, 0, NULL, why,
					     sizeof(why)));
	ck_assert_str_eq(why, "not a valid device tree blob: version 15, older than 16 (dtc -I dtb -O dtb writes a 17)");
	((fdt32_t *)blob)[5] = cpu_to_fdt32(16);
	ck_assert_ptr_nonnull(loader__patch_dtb(blob, fdt_totalsize(blob), 0, 0, NULL, why,
						sizeof(why)));
}
END_TEST

Suite *loader_suite(void)
{
	Suite *s = suite_create("loader");

	UNIT_TEST(s, probe_image);
	UNIT_TEST(s, probe_raw);
	UNIT_TEST(s, probe_gzip);
	UNIT_TEST(s, probe_zboot_gzip);
	UNIT_TEST(s, probe_zboot_other_compression);
	UNIT_TEST(s, probe_zboot_truncated);
	UNIT_TEST(s, probe_empty);
	UNIT_TEST(s, probe_elf);
	UNIT_TEST(s, probe_bzimage);
	UNIT_TEST(s, probe_uimage);
	UNIT_TEST(s, probe_dtb_and_cpio);
	UNIT_TEST(s, probe_other_pe);
	UNIT_TEST(s, probe_compressed);
	UNIT_TEST(s, probe_text);
	UNIT_TEST(s, firmware_layout);
	UNIT_TEST(s, firmware_layout_refusals);
	UNIT_TEST_FIXTURE(s, load_raw_binary, vm_setup, vm_teardown);
	UNIT_TEST_FIXTURE(s, load_image_gz, vm_setup, vm_teardown);
	UNIT_TEST_FIXTURE(s, load_zboot, vm_setup, vm_teardown);
	UNIT_TEST_FIXTURE(s, load_refuses_too_big_gz, vm_setup, vm_teardown);
	UNIT_TEST_FIXTURE(s, load_refuses_twice_compressed, vm_setup, vm_teardown);
	UNIT_TEST_FIXTURE(s, load_firmware_at_address, vm_setup, vm_teardown);
	UNIT_TEST_FIXTURE(s, load_firmware_refusals, vm_setup, vm_teardown);
	UNIT_TEST_FIXTURE(s, read_dtb_patches_chosen, vm_setup, vm_teardown);
	UNIT_TEST_FIXTURE(s, read_dtb_as_given, vm_setup, vm_teardown);
	UNIT_TEST_FIXTURE(s, read_dtb_refuses_bad_blobs, vm_setup, vm_teardown);
	UNIT_TEST(s, patch_dtb_refuses_no_root);
	UNIT_TEST(s, patch_dtb_refuses_wrapping_lengths);
	UNIT_TEST(s, patch_dtb_refuses_old_versions);
	return s;
}
