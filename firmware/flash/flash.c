// SPDX-License-Identifier: GPL-2.0
/*
 * flash.c - the CFI flash (-F/--flash) as firmware drives it: the image's
 * contents in read-array mode, the CFI query (JESD68-01) against the
 * device tree, status, block erase, word and buffered program (Intel/Sharp
 * extended command set), that a program cannot set a 0 bit back to 1, a
 * bad command sequence and its status bits, and code run in place from the
 * flash, which only a read-only memory slot makes possible.
 *
 * It expects the 4 MiB image tests/integration/fw-flash.sh writes:
 *   0x000000  "VMM flash image\n"
 *   0x010000  block 1: zeros (erased and programmed here)
 *   0x200000  mov x0, #42; ret
 *   elsewhere 0xff
 * and leaves block 1 as CHECK_* below says, for the test to find in the
 * file.  Kernel parameters: "flash.noxip" skips execute-in-place (the
 * hypervisor has no read-only memory slots: a fetch would fail the vmm);
 * "flash.again" is a second run on the same image: block 1 must still hold
 * what the first run programmed.
 *
 * Every access is one explicit ldr/str: a load pair or writeback form has
 * no syndrome, and without the slot every access here traps to the vmm.
 */
#include "fw.h"

const char fw_name[] = "flash";

#define IMAGE_MIN_SIZE		0x400000ULL
#define MAGIC			"VMM flash image\n"
#define XIP_OFF			0x200000ULL
#define XIP_RESULT		42

#define BLK1			0x10000ULL	/* block 1: 64 KiB in */
#define BUF_OFF			0x100		/* the buffered program's words */
#define BUF_WORDS		8

#define CMD_BLOCK_ERASE		0x20
#define CMD_WORD_PROGRAM	0x40
#define CMD_CLEAR_STATUS	0x50
#define CMD_READ_STATUS		0x70
#define CMD_CFI_QUERY		0x98
#define CMD_CONFIRM		0xd0
#define CMD_BUFFERED_PROGRAM	0xe8
#define CMD_READ_ARRAY		0xff

#define SR_READY		0x80
#define SR_SEQUENCE_ERROR	0x30

static u64 flash, flash_size;

static u32 rd32(u64 off)
{
	u32 v;

	asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(flash + off) : "memory");
	return v;
}

static u64 rd64(u64 off)
{
	u64 v;

	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(flash + off) : "memory");
	return v;
}

static u8 rd8(u64 off)
{
	u32 v;

	asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(flash + off) : "memory");
	return v;
}

static void wr32(u64 off, u32 v)
{
	asm volatile("str %w0, [%1]" : : "r"(v), "r"(flash + off) : "memory");
}

/* Both chips of the 32-bit bank get the same command (as EDK2 does). */
static u32 dual(u32 v)
{
	return v << 16 | v;
}

static void cmd(u64 off, u8 c)
{
	wr32(off, dual(c));
}

static u32 status(void)
{
	cmd(0, CMD_READ_STATUS);
	return rd32(0);
}

/* One query byte; both chips must agree. */
static u8 query(u64 q)
{
	u32 v = rd32(q * 4);

	if ((v & 0xffff) != v >> 16)
		check(false, "CFI query 0x%llx: the chips disagree (0x%08x)",
		      (unsigned long long)q, v);
	return v & 0xff;
}

static bool magic_ok(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(MAGIC) - 1; i++)
		if (rd8(i) != (u8)MAGIC[i])
			return false;
	return true;
}

static void test_read_array(void)
{
	u64 want = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		want |= (u64)(u8)MAGIC[i] << (8 * i);
	check(magic_ok(), "the image's first bytes read \"VMM flash image\" byte by byte");
	check_eq(rd64(0), want, "an 8-byte read of the image");
	check_eq(rd32(8), 0x6d692068, "a 4-byte read of the image (\"h im\")");
}

static void test_query(void)
{
	u64 blocks, block_size;

	cmd(0, CMD_CFI_QUERY);
	check_eq(rd32(0x10 * 4), dual('Q'), "CFI query 0x10: 'Q' from both chips");
	check_eq(rd32(0x11 * 4), dual('R'), "CFI query 0x11: 'R'");
	check_eq(rd32(0x12 * 4), dual('Y'), "CFI query 0x12: 'Y'");
	check_eq(query(0x13) | query(0x14) << 8, 0x0001,
		 "CFI primary command set: Intel/Sharp extended");
	check_eq(2ULL << query(0x27), flash_size,
		 "CFI device size (2^n per chip, 2 chips) is the DT's reg size");
	blocks = (query(0x2d) | query(0x2e) << 8) + 1;
	block_size = (query(0x2f) | query(0x30) << 8) * 256 * 2;
	check_eq(block_size, BLK1, "CFI erase block size, both chips");
	check_eq(blocks * block_size, flash_size, "CFI erase blocks cover the flash");
	check_eq(2U << query(0x2a), 128, "CFI write buffer, both chips");
	cmd(0, CMD_READ_ARRAY);
	check(magic_ok(), "read array after the query reads the image again");
}

/* Block 1's words after a run: what fw-flash.sh checks in the file. */
#define CHECK_W0	0x12345678	/* word program */
#define CHECK_W1	0x00000000	/* 0x0000ffff, then 0xffff0000 */
#define CHECK_W2	0xcafef00d	/* then 0xffffffff: nothing changes */
#define CHECK_BUF(i)	(0xb0000000 + (i))

static void program(u64 off, u32 v)
{
	cmd(off, CMD_WORD_PROGRAM);
	wr32(off, v);
}

static void test_erase(void)
{
	u64 off, bad = 0;

	cmd(BLK1, CMD_BLOCK_ERASE);
	cmd(BLK1, CMD_CONFIRM);
	check_eq(rd32(0), dual(SR_READY), "block erase: status ready, no error");
	cmd(0, CMD_READ_ARRAY);
	for (off = 0; off < BLK1; off += 8)
		if (rd64(BLK1 + off) != ~0ULL)
			bad++;
	check(!bad, "block erase: block 1 reads all 0xff (%llu words not)",
	      (unsigned long long)bad);
	check(magic_ok(), "block erase: block 0 keeps its data");
}

static void test_program(void)
{
	unsigned int i;

	program(BLK1, CHECK_W0);
	check_eq(rd32(BLK1), dual(SR_READY), "word program: status ready, no error");
	program(BLK1 + 4, 0x0000ffff);
	program(BLK1 + 4, 0xffff0000);
	program(BLK1 + 8, CHECK_W2);
	program(BLK1 + 8, 0xffffffff);
	check_eq(status(), dual(SR_READY), "word programs: no error");
	cmd(0, CMD_READ_ARRAY);
	check_eq(rd32(BLK1), CHECK_W0, "word program: the word reads back");
	check_eq(rd32(BLK1 + 4), CHECK_W1, "a program cannot set a 0 bit back to 1");
	check_eq(rd32(BLK1 + 8), CHECK_W2, "programming all ones changes nothing");
	check_eq(rd32(BLK1 + 12), 0xffffffff, "the next word stays erased");

	cmd(BLK1 + BUF_OFF, CMD_BUFFERED_PROGRAM);
	check((rd32(BLK1) & dual(SR_READY)) == dual(SR_READY),
	      "buffered program: the buffer is available");
	wr32(BLK1 + BUF_OFF, dual(BUF_WORDS - 1));
	for (i = 0; i < BUF_WORDS; i++)
		wr32(BLK1 + BUF_OFF + 4 * i, CHECK_BUF(i));
	cmd(BLK1 + BUF_OFF, CMD_CONFIRM);
	check_eq(rd32(0), dual(SR_READY), "buffered program: status ready, no error");
	cmd(0, CMD_READ_ARRAY);
	for (i = 0; i < BUF_WORDS; i++)
		if (!check_eq(rd32(BLK1 + BUF_OFF + 4 * i), CHECK_BUF(i),
			      "buffered program: a word reads back"))
			break;
	check_eq(rd32(BLK1 + BUF_OFF + 4 * BUF_WORDS), 0xffffffff,
		 "buffered program: the word after the buffer stays erased");
}

static void test_bad_sequence(void)
{
	cmd(BLK1, CMD_BLOCK_ERASE);
	cmd(BLK1, CMD_READ_ARRAY);		/* not the confirm */
	check_eq(rd32(0), dual(SR_READY | SR_SEQUENCE_ERROR),
		 "erase without its confirm: SR.5 and SR.4 (command sequence error)");
	cmd(0, CMD_CLEAR_STATUS);
	check_eq(status(), dual(SR_READY), "clear status clears them");
	cmd(0, CMD_READ_ARRAY);
	check_eq(rd32(BLK1), CHECK_W0, "the block was not erased");
}

/*
 * Execute in place.  The runtime maps the first GiB as Device memory,
 * execute-never; give the 2 MiB around the code a Normal Non-cacheable,
 * executable, read-only mapping (Normal, as instruction fetches want; not
 * cached, so no line outlives a command cycle of the flash).  A copy of the
 * level-1 table points the first GiB at a level-2 table of 2 MiB blocks
 * (DDI 0487 D8.3): the code running in RAM keeps its mapping throughout.
 */
#define DESC_BLOCK		(1ULL << 0)
#define DESC_TABLE		(3ULL << 0)
#define DESC_ATTR(i)		((u64)(i) << 2)
#define DESC_AP_RO		(2ULL << 6)
#define DESC_SH_INNER		(3ULL << 8)
#define DESC_AF			(1ULL << 10)
#define DESC_PXN		(1ULL << 53)
#define DESC_UXN		(1ULL << 54)
#define ATTR_DEVICE		0	/* head.S's MAIR index 0 */
#define ATTR_NORMAL_NC		2	/* added here */
#define MAIR_NORMAL_NC		0x44ULL

static u64 l1[512] __attribute__((aligned(4096)));
static u64 l2[512] __attribute__((aligned(4096)));
static bool xip_mapped;

static void map_xip(u64 addr)
{
	const u64 *cur = (const u64 *)(read_sysreg(ttbr0_el1) & 0x0000fffffffff000ULL);
	unsigned int i;

	memcpy(l1, cur, sizeof(l1));
	for (i = 0; i < 512; i++)
		l2[i] = (u64)i << 21 | DESC_BLOCK | DESC_ATTR(ATTR_DEVICE) |
			DESC_AF | DESC_PXN | DESC_UXN;
	l2[addr >> 21] = (addr & ~(SZ_2M - 1)) | DESC_BLOCK |
			 DESC_ATTR(ATTR_NORMAL_NC) | DESC_AP_RO |
			 DESC_SH_INNER | DESC_AF | DESC_UXN;
	l1[0] = (u64)l2 | DESC_TABLE;
	dsb(ishst);
	write_sysreg(read_sysreg(mair_el1) | MAIR_NORMAL_NC << (8 * ATTR_NORMAL_NC),
		     mair_el1);
	write_sysreg((u64)l1, ttbr0_el1);
	isb();
	asm volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" : : : "memory");
	xip_mapped = true;
}

static void test_xip(const char *when)
{
	u64 (*fn)(void) = (u64 (*)(void))(flash + XIP_OFF);

	if (!xip_mapped)
		map_xip(flash + XIP_OFF);
	check_eq(fn(), XIP_RESULT, when);
}

void fw_main(void)
{
	bool xip = !bootarg("flash.noxip"), again = bootarg("flash.again");
	u32 width;

	if (!check(dt_reg("cfi-flash", 0, &flash, &flash_size),
		   "the flash is in the device tree (run with -F)"))
		return;
	check_eq(flash, LAYOUT_FLASH_BASE, "the flash's base");
	check(dt_u32("cfi-flash", "bank-width", 0, &width) && width == 4,
	      "bank-width is 4");
	if (!check(flash_size >= IMAGE_MIN_SIZE && flash_size <= LAYOUT_FLASH_SIZE,
		   "the flash is 4 to 16 MiB (fw-flash.sh's image): 0x%llx",
		   (unsigned long long)flash_size))
		return;

	test_read_array();
	if (xip)
		test_xip("code runs in place from the flash (read-only memory slot)");
	else
		printf("# flash: execute-in-place skipped (flash.noxip: the hypervisor has no read-only memory slots)\n");
	check_eq(status(), dual(SR_READY), "read status: ready");
	test_query();
	if (again)
		check_eq(rd32(BLK1), CHECK_W0, "block 1 kept what the last run programmed");
	else
		check_eq(rd32(BLK1), 0, "block 1 holds the image's zeros");
	test_erase();
	test_program();
	test_bad_sequence();
	/* after all those command cycles the slot must be back */
	if (xip)
		test_xip("code still runs in place after program and erase cycles");
}
