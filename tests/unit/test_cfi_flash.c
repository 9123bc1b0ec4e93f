// SPDX-License-Identifier: GPL-2.0
/*
 * test_cfi_flash.c - the CFI flash (-F): its command state machine driven
 * through the MMIO bus as a guest drives it, the CFI query, the read-only
 * memory slot that follows the read mode, the image file as the backing
 * store, refused images, and the device-tree node.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libfdt.h>

#include <vmm/layout.h>
#include "../../vmm/vmm.h"
#include "unit.h"

#define BLOCK		0x10000ULL
#define SIZE		(4 * BLOCK)	/* the usual image here: 4 blocks */
#define BASE		LAYOUT_FLASH_BASE

/* status register: ready, and the error bits lkvm gives */
#define SR_READY	0x80
#define SR_SEQUENCE	0x30		/* SR.5 | SR.4 */
#define SR_PROGRAM	0x10		/* SR.4 */
#define SR_LOCK		0x12		/* SR.4 | SR.1 */

static struct vm vm;
static struct vm_config vcfg;
static const struct device_desc *flash_desc;
static void *flash;			/* the device's state */
static char path[] = "/tmp/vmm-unit-flash-XXXXXX";
static int fd = -1;

static const struct device_desc *find_desc(void)
{
	const struct device_desc *const *d;

	for (d = __start_vmm_devices; d < __stop_vmm_devices; d++)
		if (!strcmp((*d)->name, "cfi-flash"))
			return *d;
	ck_abort_msg("no device \"cfi-flash\" registered");
	return NULL;
}

/* Byte @i of the image as created: a pattern that differs in every block. */
static u8 pattern(u64 i)
{
	return (u8)(i * 7 + (i >> 16) * 13 + 1);
}

/* A fresh image of @size bytes, holding the pattern. */
static void make_image(u64 size)
{
	u8 buf[4096];
	u64 off, i;

	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	strcpy(path, "/tmp/vmm-unit-flash-XXXXXX");
	fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp: %s", strerror(errno));
	for (off = 0; off < size; off += sizeof(buf)) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = pattern(off + i);
		ck_assert_int_eq(pwrite(fd, buf, sizeof(buf), off), (ssize_t)sizeof(buf));
	}
}

static void make_vm(void)
{
	memset(&vm, 0, sizeof(vm));
	memset(&vcfg, 0, sizeof(vcfg));
	memset(&memslot_stub, 0, sizeof(memslot_stub));
	vm_stop_status = -1;
	vm.cfg = &vcfg;
	vm.next_spi = GIC_SPI_BASE;
	mmio_bus__init(&vm.bus);
	flash_desc = find_desc();
	flash = NULL;
}

static void teardown(void)
{
	if (flash)
		flash_desc->exit(&vm, flash);
	flash = NULL;
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	fd = -1;
}

/*
 * Bring the device up (afresh) on an image of @size; the slot call may fail
 * with @fail.
 */
static void start(u64 size, int fail)
{
	teardown();
	make_vm();
	make_image(size);
	vcfg.flash = path;
	memslot_stub.fail = fail;
	ck_assert_int_eq(flash_desc->init(&vm, NULL, &flash), 0);
	ck_assert_ptr_nonnull(flash);
}

static void setup(void)
{
	start(SIZE, 0);
}


/* ---- guest accesses ------------------------------------------------------ */

static u64 rd(u64 off, unsigned int len)
{
	u64 v = 0;

	ck_assert(mmio_bus__access(&vm.bus, BASE + off, &v, len, false));
	return v;
}

static void wr(u64 off, u64 v, unsigned int len)
{
	ck_assert(mmio_bus__access(&vm.bus, BASE + off, &v, len, true));
}

static u32 rd32(u64 off)
{
	return rd(off, 4);
}

static void wr32(u64 off, u32 v)
{
	wr(off, v, 4);
}

/* A command to both chips, as EDK2's driver writes it. */
static void cmd(u64 off, u8 c)
{
	wr32(off, (u32)c << 16 | c);
}

/* The status register of both chips. */
static u32 status(void)
{
	cmd(0, 0x70);
	return rd32(0);
}

static u32 dual(u16 v)
{
	return (u32)v << 16 | v;
}

/* The query byte at query address @q (one chip's answer). */
static u8 query(u64 q)
{
	return rd(q * 4, 1);
}

/* The image file's bytes, read past the device. */
static u32 file32(u64 off)
{
	u32 v;

	ck_assert_int_eq(pread(fd, &v, 4, off), 4);
	return v;
}

static u32 pattern32(u64 off)
{
	return pattern(off) | pattern(off + 1) << 8 | pattern(off + 2) << 16 |
	       (u32)pattern(off + 3) << 24;
}

/* ---- read array ---------------------------------------------------------- */

START_TEST(flash_not_wanted_without_option)
{
	make_vm();
	ck_assert_int_eq(flash_desc->init(&vm, NULL, &flash), 1);
	ck_assert_uint_eq(vm.bus.nr, 0);
	ck_assert_uint_eq(memslot_stub.calls, 0);
}
END_TEST

START_TEST(flash_claims_its_size)
{
	const struct mmio_region *r = mmio_bus__find(&vm.bus, BASE, 1);

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->base, BASE);
	ck_assert_uint_eq(r->size, SIZE);
}
END_TEST

START_TEST(flash_read_array_every_width)
{
	u64 off = BLOCK + 0x120, v8 = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		v8 |= (u64)pattern(off + i) << (8 * i);
	ck_assert_uint_eq(rd(off, 1), pattern(off));
	ck_assert_uint_eq(rd(off, 2), v8 & 0xffff);
	ck_assert_uint_eq(rd(off, 4), v8 & 0xffffffff);
	ck_assert_uint_eq(rd(off, 8), v8);
	ck_assert_uint_eq(rd(SIZE - 8, 8) >> 56, pattern(SIZE - 1));
}
END_TEST

START_TEST(flash_read_array_slot_at_start)
{
	ck_assert_uint_eq(memslot_stub.calls, 1);
	ck_assert_uint_eq(memslot_stub.slot, MEMSLOT_FLASH);
	ck_assert_uint_eq(memslot_stub.gpa, BASE);
	ck_assert_uint_eq(memslot_stub.size, SIZE);
	ck_assert(memslot_stub.readonly);
	/* the slot is the image itself */
	ck_assert_uint_eq(*(u32 *)memslot_stub.hva, pattern32(0));
}
END_TEST

START_TEST(flash_out_of_range)
{
	u64 v = 0x1234;

	/* past the image, inside the 16 MiB window: nobody's */
	ck_assert(!mmio_bus__access(&vm.bus, BASE + SIZE, &v, 4, false));
	ck_assert_uint_eq(v, 0);
	/* straddling its end */
	ck_assert(!mmio_bus__access(&vm.bus, BASE + SIZE - 4, &v, 8, false));
	ck_assert(!mmio_bus__access(&vm.bus, BASE + SIZE - 2, &v, 4, true));
	/* nothing happened to the state machine */
	ck_assert_uint_eq(rd32(0), pattern32(0));
}
END_TEST

/* ---- the CFI query (JESD68-01) ------------------------------------------ */

START_TEST(flash_query_qry)
{
	cmd(0, 0x98);
	/* both chips answer, each in its half of the 32-bit bank */
	ck_assert_uint_eq(rd32(0x10 * 4), dual('Q'));
	ck_assert_uint_eq(rd32(0x11 * 4), dual('R'));
	ck_assert_uint_eq(rd32(0x12 * 4), dual('Y'));
	ck_assert_uint_eq(rd(0x10 * 4, 1), 'Q');
	ck_assert_uint_eq(rd(0x10 * 4 + 1, 1), 0);
	ck_assert_uint_eq(rd(0x10 * 4 + 2, 2), 'Q');	/* chip 1 */
	/* 8 bytes: two bank cycles */
	ck_assert_uint_eq(rd(0x10 * 4, 8), (u64)dual('R') << 32 | dual('Q'));
	/* the Intel/Sharp extended command set, its table at 0x31 */
	ck_assert_uint_eq(query(0x13), 0x01);
	ck_assert_uint_eq(query(0x14), 0x00);
	ck_assert_uint_eq(query(0x15), 0x31);
	ck_assert_uint_eq(query(0x31), 'P');
	ck_assert_uint_eq(query(0x32), 'R');
	ck_assert_uint_eq(query(0x33), 'I');
	/* past the table: zero */
	ck_assert_uint_eq(query(0x44), 0);
	ck_assert_uint_eq(query(0x1000), 0);
}
END_TEST

/* The geometry the query gives for an image of @size bytes. */
static void ck_geometry(u64 size)
{
	u64 blocks, block_size;

	start(size, 0);
	cmd(0, 0x98);
	/* device size 2^n per chip, two chips */
	ck_assert_uint_eq((1ULL << query(0x27)) * 2, size);
	ck_assert_uint_eq(query(0x2c), 1);		/* one erase region */
	blocks = (query(0x2d) | query(0x2e) << 8) + 1;
	block_size = (query(0x2f) | query(0x30) << 8) * 256 * 2;
	ck_assert_uint_eq(block_size, BLOCK);
	ck_assert_uint_eq(blocks * block_size, size);
	/* the write buffer: 2^n bytes per chip */
	ck_assert_uint_eq((1U << query(0x2a)) * 2, 128);
}

START_TEST(flash_query_geometry)
{
	ck_geometry(BLOCK);
	ck_geometry(SIZE);
	ck_geometry(LAYOUT_FLASH_SIZE);
}
END_TEST

START_TEST(flash_query_mode_removes_slot)
{
	ck_assert_uint_eq(memslot_stub.size, SIZE);
	cmd(0, 0x98);
	ck_assert_uint_eq(memslot_stub.calls, 2);
	ck_assert_uint_eq(memslot_stub.size, 0);	/* deleted: reads trap */
	cmd(0, 0x70);
	ck_assert_uint_eq(memslot_stub.calls, 2);	/* still a command mode */
	cmd(0, 0xff);
	ck_assert_uint_eq(memslot_stub.calls, 3);
	ck_assert_uint_eq(memslot_stub.size, SIZE);
	ck_assert(memslot_stub.readonly);
	ck_assert_uint_eq(rd32(0), pattern32(0));
}
END_TEST

START_TEST(flash_unknown_command_reads_array)
{
	cmd(0, 0x98);
	cmd(0, 0x42);
	ck_assert_uint_eq(rd32(0x40), pattern32(0x40));
	ck_assert_uint_eq(memslot_stub.size, SIZE);
}
END_TEST

/* ---- status and ID ------------------------------------------------------- */

START_TEST(flash_status_ready)
{
	ck_assert_uint_eq(status(), dual(SR_READY));
	ck_assert_uint_eq(rd(0, 1), SR_READY);
	ck_assert_uint_eq(rd(0x1000, 2), SR_READY);		/* any address */
	ck_assert_uint_eq(rd(0, 8), (u64)dual(SR_READY) << 32 | dual(SR_READY));
}
END_TEST

START_TEST(flash_read_id)
{
	cmd(0, 0x90);
	ck_assert_uint_eq(rd32(0), 0);			/* manufacturer */
	ck_assert_uint_eq(rd32(4), 0xffffffff);		/* device */
	ck_assert_uint_eq(rd32(BLOCK + 8), 0);		/* not locked */
}
END_TEST

/* ---- erase and program --------------------------------------------------- */

START_TEST(flash_erase_block)
{
	u64 i;

	/* any address in the block names it */
	cmd(BLOCK + 0x1234, 0x20);
	ck_assert_uint_eq(memslot_stub.size, 0);
	cmd(BLOCK + 0x1234, 0xd0);
	ck_assert_uint_eq(rd32(0), dual(SR_READY));	/* status after it */
	cmd(0, 0xff);
	for (i = 0; i < BLOCK; i += 4)
		ck_assert_uint_eq(rd32(BLOCK + i), 0xffffffff);
	/* the neighbours keep their data */
	ck_assert_uint_eq(rd32(BLOCK - 4), pattern32(BLOCK - 4));
	ck_assert_uint_eq(rd32(2 * BLOCK), pattern32(2 * BLOCK));
	/* and the file holds the erase */
	ck_assert_uint_eq(file32(BLOCK), 0xffffffff);
	ck_assert_uint_eq(file32(2 * BLOCK - 4), 0xffffffff);
	ck_assert_uint_eq(file32(2 * BLOCK), pattern32(2 * BLOCK));
}
END_TEST

static void erase(u64 off)
{
	cmd(off, 0x20);
	cmd(off, 0xd0);
	ck_assert_uint_eq(status(), dual(SR_READY));
}

static void program32(u64 off, u32 v)
{
	cmd(off, 0x40);
	wr32(off, v);
}

START_TEST(flash_word_program)
{
	erase(0);
	program32(0x10, 0x12345678);
	ck_assert_uint_eq(rd32(0x10), dual(SR_READY));	/* status mode */
	cmd(0, 0xff);
	ck_assert_uint_eq(rd32(0x10), 0x12345678);
	ck_assert_uint_eq(rd32(0x14), 0xffffffff);
	ck_assert_uint_eq(file32(0x10), 0x12345678);
	/* the alternate word program command */
	cmd(0x14, 0x10);
	wr32(0x14, 0xcafef00d);
	cmd(0, 0xff);
	ck_assert_uint_eq(rd32(0x14), 0xcafef00d);
}
END_TEST

START_TEST(flash_program_only_clears_bits)
{
	erase(0);
	program32(0, 0x0000ffff);
	program32(0, 0xffff0000);	/* cannot set the low half back */
	program32(4, 0x12345678);
	program32(4, 0xffffffff);	/* changes nothing */
	program32(8, 0xf0f0f0f0);
	program32(8, 0x3c3c3c3c);
	cmd(0, 0xff);
	ck_assert_uint_eq(rd32(0), 0x00000000);
	ck_assert_uint_eq(rd32(4), 0x12345678);
	ck_assert_uint_eq(rd32(8), 0x30303030);
	ck_assert_uint_eq(file32(8), 0x30303030);
}
END_TEST

START_TEST(flash_program_narrow_widths)
{
	erase(0);
	cmd(0, 0x40);
	wr(0x21, 0x5a, 1);
	cmd(0, 0x40);
	wr(0x22, 0x1234, 2);
	cmd(0, 0xff);
	ck_assert_uint_eq(rd32(0x20), 0x12345aff);
}
END_TEST

START_TEST(flash_wide_write_ignored)
{
	u64 v = 0x0098009800980098ULL;

	/* an 8-byte write is wider than the bank: no command */
	wr(0, v, 8);
	ck_assert_uint_eq(rd32(0), pattern32(0));
	ck_assert_uint_eq(memslot_stub.calls, 1);
	/* nor data, in the middle of a word program */
	cmd(0, 0x40);
	wr(0, 0, 8);
	wr32(0, 0xffffffff);
	cmd(0, 0xff);
	ck_assert_uint_eq(rd32(0), pattern32(0));
}
END_TEST

/* ---- buffered program ---------------------------------------------------- */

START_TEST(flash_buffered_program)
{
	unsigned int i;

	erase(BLOCK);
	cmd(BLOCK + 0x100, 0xe8);
	ck_assert_uint_eq(rd32(BLOCK), dual(SR_READY));	/* buffer available */
	wr32(BLOCK + 0x100, dual(7));			/* 8 words */
	for (i = 0; i < 8; i++)
		wr32(BLOCK + 0x100 + 4 * i, 0xa0000000 + i);
	cmd(BLOCK + 0x100, 0xd0);
	ck_assert_uint_eq(rd32(BLOCK), dual(SR_READY));
	cmd(0, 0xff);
	for (i = 0; i < 8; i++)
		ck_assert_uint_eq(rd32(BLOCK + 0x100 + 4 * i), 0xa0000000 + i);
	ck_assert_uint_eq(rd32(BLOCK + 0xfc), 0xffffffff);
	ck_assert_uint_eq(rd32(BLOCK + 0x120), 0xffffffff);
	ck_assert_uint_eq(file32(BLOCK + 0x11c), 0xa0000007);
}
END_TEST

START_TEST(flash_buffered_program_clears_bits_only)
{
	unsigned int i;

	erase(0);
	program32(0x48, 0x0f0f0f0f);
	cmd(0x40, 0xe8);
	wr32(0x40, dual(3));
	for (i = 0; i < 4; i++)
		wr32(0x40 + 4 * i, 0xffff0000);
	cmd(0x40, 0xd0);
	cmd(0, 0xff);
	ck_assert_uint_eq(rd32(0x44), 0xffff0000);
	ck_assert_uint_eq(rd32(0x48), 0x0f0f0000);
}
END_TEST

START_TEST(flash_buffered_program_count_capped)
{
	unsigned int i;

	/* 64 words asked; the buffer takes 128 bytes, then wants the confirm */
	erase(0);
	cmd(0, 0xe8);
	wr32(0, dual(63));
	for (i = 0; i < 32; i++)
		wr32(4 * i, i);
	cmd(0, 0xd0);
	ck_assert_uint_eq(rd32(0), dual(SR_READY));
	cmd(0, 0xff);
	ck_assert_uint_eq(rd32(0x7c), 31);
	ck_assert_uint_eq(rd32(0x80), 0xffffffff);
}
END_TEST

START_TEST(flash_buffered_program_no_confirm)
{
	erase(0);
	cmd(0, 0xe8);
	wr32(0, dual(1));		/* 2 words */
	wr32(0, 0x11111111);
	wr32(4, 0x22222222);
	wr32(8, 0x33333333);		/* where the confirm belongs */
	ck_assert_uint_eq(rd32(0), dual(SR_READY | SR_PROGRAM));
	cmd(0, 0xff);
	ck_assert_uint_eq(rd32(0), 0xffffffff);	/* nothing programmed */
	ck_assert_uint_eq(rd32(8), 0xffffffff);
}
END_TEST

START_TEST(flash_buffered_program_outside_buffer)
{
	erase(0);
	cmd(0x200, 0xe8);
	wr32(0x200, dual(3));
	wr32(0x200, 0x11111111);
	wr32(0x1fc, 0x22222222);	/* below the first address */
	ck_assert_uint_eq(rd32(0), dual(SR_READY | SR_PROGRAM));
	cmd(0, 0x50);
	cmd(0x200, 0xe8);
	wr32(0x200, dual(3));
	wr32(0x200, 0x11111111);
	wr32(0x280, 0x22222222);	/* a buffer's length above it */
	ck_assert_uint_eq(rd32(0), dual(SR_READY | SR_PROGRAM));
	cmd(0, 0xff);
	ck_assert_uint_eq(rd32(0x200), 0xffffffff);
	ck_assert_uint_eq(rd32(0x280), 0xffffffff);
}
END_TEST

START_TEST(flash_buffered_program_at_the_end)
{
	/* a buffer starting 8 bytes before the end programs only those */
	erase(SIZE - BLOCK);
	cmd(SIZE - 8, 0xe8);
	wr32(SIZE - 8, dual(1));
	wr32(SIZE - 8, 0x01020304);
	wr32(SIZE - 4, 0x05060708);
	cmd(SIZE - 8, 0xd0);
	ck_assert_uint_eq(rd32(0), dual(SR_READY));
	cmd(0, 0xff);
	ck_assert_uint_eq(rd32(SIZE - 4), 0x05060708);
}
END_TEST

/* ---- bad sequences, clear status, lock bits ----------------------------- */

START_TEST(flash_erase_without_confirm)
{
	cmd(BLOCK, 0x20);
	cmd(BLOCK, 0xff);			/* not the confirm */
	ck_assert_uint_eq(rd32(0), dual(SR_READY | SR_SEQUENCE));
	/* the errors stay until cleared */
	cmd(0, 0x70);
	ck_assert_uint_eq(rd32(0), dual(SR_READY | SR_SEQUENCE));
	cmd(0, 0x50);
	ck_assert_uint_eq(status(), dual(SR_READY));
	cmd(0, 0xff);
	ck_assert_uint_eq(rd32(BLOCK), pattern32(BLOCK));
}
END_TEST

START_TEST(flash_confirm_alone_does_nothing)
{
	cmd(BLOCK, 0xd0);
	ck_assert_uint_eq(rd32(BLOCK), pattern32(BLOCK));
	ck_assert_uint_eq(status(), dual(SR_READY));
}
END_TEST

START_TEST(flash_lock_bad_sequence)
{
	cmd(0, 0x60);
	cmd(0, 0x20);
	ck_assert_uint_eq(rd32(0), dual(SR_READY | SR_SEQUENCE));
}
END_TEST

START_TEST(flash_locked_block)
{
	u64 b = 2 * BLOCK;

	cmd(b, 0x60);
	cmd(b, 0x01);
	ck_assert_uint_eq(rd32(b), dual(SR_READY));
	cmd(b, 0x90);
	ck_assert_uint_eq(rd32(b + 8), dual(1));	/* block lock status */
	ck_assert_uint_eq(rd32(BLOCK + 8), 0);		/* only that one */
	/* neither program nor erase touches it */
	program32(b, 0);
	ck_assert_uint_eq(rd32(b), dual(SR_READY | SR_LOCK));
	cmd(0, 0x50);
	cmd(b + 0x40, 0x20);
	cmd(b + 0x40, 0xd0);
	ck_assert_uint_eq(rd32(b), dual(SR_READY | SR_LOCK));
	cmd(0, 0x50);
	cmd(b, 0xe8);
	wr32(b, dual(0));
	wr32(b, 0);
	cmd(b, 0xd0);
	ck_assert_uint_eq(rd32(b), dual(SR_READY | SR_LOCK));
	cmd(0, 0xff);
	ck_assert_uint_eq(rd32(b), pattern32(b));
	ck_assert_uint_eq(rd32(b + 0x40), pattern32(b + 0x40));
	/* unlocked, it programs */
	cmd(0, 0x50);
	cmd(b, 0x60);
	cmd(b, 0xd0);
	program32(b, 0);
	ck_assert_uint_eq(rd32(b), dual(SR_READY));
	cmd(0, 0xff);
	ck_assert_uint_eq(rd32(b), 0);
}
END_TEST

/* ---- without read-only slots -------------------------------------------- */

START_TEST(flash_without_readonly_slots)
{
	start(SIZE, -EOPNOTSUPP);
	ck_assert_uint_eq(memslot_stub.calls, 1);
	/* every access traps and is served, none asks for a slot again */
	ck_assert_uint_eq(rd32(0x40), pattern32(0x40));
	cmd(0, 0x98);
	ck_assert_uint_eq(rd32(0x40), dual('Q'));
	cmd(0, 0xff);
	ck_assert_uint_eq(rd32(0x40), pattern32(0x40));
	ck_assert_uint_eq(memslot_stub.calls, 1);
	ck_assert_int_eq(vm_stop_status, -1);
}
END_TEST

START_TEST(flash_slot_removal_failure_stops_vm)
{
	int err_fd = dup(STDERR_FILENO), null_fd = open("/dev/null", O_WRONLY);

	/* the failure is expected: keep its pr_err() off the test's output */
	ck_assert_int_ge(err_fd, 0);
	ck_assert_int_ge(null_fd, 0);
	memslot_stub.fail = -EIO;
	dup2(null_fd, STDERR_FILENO);
	cmd(0, 0x98);
	dup2(err_fd, STDERR_FILENO);
	close(err_fd);
	close(null_fd);
	ck_assert_int_eq(vm_stop_status, VMM_EXIT_ERROR);
}
END_TEST

/* ---- refused images: one line each -------------------------------------- */

/* Init on @file; the one line it printed, in @line. */
static int init_quietly(const char *file, char *line, size_t len)
{
	char errpath[] = "/tmp/vmm-unit-flash-err-XXXXXX";
	int err_fd = dup(STDERR_FILENO), tmp = mkstemp(errpath);
	ssize_t n;
	int ret;

	ck_assert_int_ge(err_fd, 0);
	ck_assert_int_ge(tmp, 0);
	make_vm();
	vcfg.flash = file;
	dup2(tmp, STDERR_FILENO);
	ret = flash_desc->init(&vm, NULL, &flash);
	dup2(err_fd, STDERR_FILENO);
	close(err_fd);
	n = pread(tmp, line, len - 1, 0);
	close(tmp);
	unlink(errpath);
	ck_assert_int_ge(n, 0);
	line[n] = '\0';
	return ret;
}

static void ck_refused(u64 size, const char *want)
{
	char line[512], *nl;

	make_image(0);
	ck_assert_int_eq(ftruncate(fd, size), 0);
	ck_assert_int_eq(init_quietly(path, line, sizeof(line)), -DEVICE_EREPORTED);
	nl = strchr(line, '\n');
	ck_assert_msg(nl && !nl[1], "not one line: \"%s\"", line);
	ck_assert_msg(strstr(line, path) && strstr(line, want),
		      "size %llu: \"%s\" lacks \"%s\"", (unsigned long long)size,
		      line, want);
	ck_assert_uint_eq(vm.bus.nr, 0);
	ck_assert_uint_eq(memslot_stub.calls, 0);
}

START_TEST(flash_refuses_bad_sizes)
{
	const char *rule = "a power of two from 64 KiB";

	ck_refused(0, "the file is empty");
	ck_refused(100000, "100000 bytes; a flash image is a power of two from 64 KiB (one erase block) to 16 MiB");
	ck_refused(BLOCK / 2, rule);
	ck_refused(3 * BLOCK, rule);
	ck_refused(SIZE + 4096, rule);
	ck_refused(2 * LAYOUT_FLASH_SIZE, rule);
}
END_TEST

START_TEST(flash_refuses_missing_and_directory)
{
	char line[512];

	make_vm();
	ck_assert_int_eq(init_quietly("/nonexistent/flash.img", line, sizeof(line)),
			 -DEVICE_EREPORTED);
	ck_assert_str_eq(line, "vmm: --flash /nonexistent/flash.img: No such file or directory\n");
	ck_assert_int_eq(init_quietly("/tmp", line, sizeof(line)),
			 -DEVICE_EREPORTED);
	ck_assert_str_eq(line, "vmm: --flash /tmp: Is a directory\n");
}
END_TEST

/* Another process (another vmm) holds the image: refused, not shared. */
START_TEST(flash_refuses_image_in_use)
{
	char line[512];
	int other;

	make_image(SIZE);
	other = open(path, O_RDWR);
	ck_assert_int_ge(other, 0);
	ck_assert_int_eq(flock(other, LOCK_EX | LOCK_NB), 0);
	ck_assert_int_eq(init_quietly(path, line, sizeof(line)), -DEVICE_EREPORTED);
	ck_assert_msg(strstr(line, "in use by another process (locked)"),
		      "got \"%s\"", line);
	ck_assert_uint_eq(vm.bus.nr, 0);
	close(other);
	/* released: the image is the device's again */
	ck_assert_int_eq(init_quietly(path, line, sizeof(line)), 0);
	ck_assert_ptr_nonnull(flash);
}
END_TEST

/* ---- the device tree ----------------------------------------------------- */

START_TEST(flash_fdt_node)
{
	static u64 words[4096];
	void *blob = words;
	const fdt32_t *cell;
	const fdt64_t *reg;
	int node, len;

	ck_assert_int_eq(fdt_create(blob, sizeof(words)), 0);
	ck_assert_int_eq(fdt_finish_reservemap(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, ""), 0);
	ck_assert_int_eq(fdt_property_cell(blob, "#address-cells", 2), 0);
	ck_assert_int_eq(fdt_property_cell(blob, "#size-cells", 2), 0);
	ck_assert_int_eq(flash_desc->fdt(&vm, flash, blob), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_finish(blob), 0);

	node = fdt_path_offset(blob, "/flash@2000000");
	ck_assert_int_ge(node, 0);
	ck_assert_int_eq(fdt_node_check_compatible(blob, node, "cfi-flash"), 0);
	reg = fdt_getprop(blob, node, "reg", &len);
	ck_assert_int_eq(len, 16);
	ck_assert_uint_eq(fdt64_to_cpu(reg[0]), BASE);
	ck_assert_uint_eq(fdt64_to_cpu(reg[1]), SIZE);
	cell = fdt_getprop(blob, node, "bank-width", &len);
	ck_assert_int_eq(len, 4);
	ck_assert_uint_eq(fdt32_to_cpu(*cell), 4);
	ck_assert_str_eq(fdt_getprop(blob, node, "label", NULL), "System-firmware");
	ck_dtc_clean(blob);
}
END_TEST

Suite *cfi_flash_suite(void)
{
	Suite *s = suite_create("cfi_flash");

	UNIT_TEST(s, flash_not_wanted_without_option);
	UNIT_TEST_FIXTURE(s, flash_claims_its_size, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_read_array_every_width, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_read_array_slot_at_start, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_out_of_range, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_query_qry, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_query_geometry, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_query_mode_removes_slot, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_unknown_command_reads_array, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_status_ready, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_read_id, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_erase_block, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_word_program, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_program_only_clears_bits, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_program_narrow_widths, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_wide_write_ignored, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_buffered_program, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_buffered_program_clears_bits_only, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_buffered_program_count_capped, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_buffered_program_no_confirm, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_buffered_program_outside_buffer, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_buffered_program_at_the_end, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_erase_without_confirm, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_confirm_alone_does_nothing, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_lock_bad_sequence, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_locked_block, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_without_readonly_slots, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_slot_removal_failure_stops_vm, setup, teardown);
	UNIT_TEST_FIXTURE(s, flash_refuses_bad_sizes, NULL, teardown);
	UNIT_TEST_FIXTURE(s, flash_refuses_missing_and_directory, NULL, teardown);
	UNIT_TEST_FIXTURE(s, flash_refuses_image_in_use, NULL, teardown);
	UNIT_TEST_FIXTURE(s, flash_fdt_node, setup, teardown);
	return s;
}
