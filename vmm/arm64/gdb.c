// SPDX-License-Identifier: GPL-2.0
/*
 * arm64/gdb.c - what the GDB stub knows of AArch64: gdb's register numbers
 * and the target description it reads, a debugger's stage-1 walk for memory
 * by virtual address, and the debug registers' encodings.  No ioctl here:
 * the unit tests run it on the build machine.
 *
 * The Arm ARM names: D8 (the VMSAv8-64 translation: TCR_EL1, the granules,
 * descriptors), D2 (self-hosted debug: DBGBCR/DBGWCR, the exception classes
 * ESR_ELx.EC takes for debug exceptions).
 */
#include <errno.h>

#include "../gdb.h"

/* ---- registers ----------------------------------------------------------- */

#define SYS_REG(op0, op1, crn, crm, op2)				\
	(0x6030000000130000ULL | (u64)(op0) << 14 | (u64)(op1) << 11 |	\
	 (u64)(crn) << 7 | (u64)(crm) << 3 | (u64)(op2))

/*
 * Beyond gdb's own features: the EL1 registers a kernel developer asks for
 * when the guest is stopped in an exception or a page-table change.  sp_el0
 * is `current` in an arm64 kernel (gdb's sp is the stack in use).
 */
const struct gdb_sys_reg gdb_sys_regs[] = {
	{ "sp_el0",	0 },				/* core register: kvm.c */
	{ "sp_el1",	0 },
	{ "elr_el1",	0 },
	{ "spsr_el1",	0 },
	{ "esr_el1",	SYS_REG(3, 0, 5, 2, 0) },
	{ "far_el1",	SYS_REG(3, 0, 6, 0, 0) },
	{ "sctlr_el1",	SYS_REG(3, 0, 1, 0, 0) },
	{ "tcr_el1",	SYS_REG(3, 0, 2, 0, 2) },
	{ "ttbr0_el1",	SYS_REG(3, 0, 2, 0, 0) },
	{ "ttbr1_el1",	SYS_REG(3, 0, 2, 0, 1) },
	{ "mair_el1",	SYS_REG(3, 0, 10, 2, 0) },
	{ "vbar_el1",	SYS_REG(3, 0, 12, 0, 0) },
	{ "tpidr_el1",	SYS_REG(3, 0, 13, 0, 4) },
	{ "contextidr_el1", SYS_REG(3, 0, 13, 0, 1) },
	{ "mdscr_el1",	SYS_REG(2, 0, 0, 2, 2) },
};
const unsigned int gdb_nr_sys_regs = ARRAY_SIZE(gdb_sys_regs);

unsigned int gdb_arch__nr_regs(void)
{
	return GDB_REG_SYS0 + gdb_nr_sys_regs;
}

unsigned int gdb_arch__reg_size(unsigned int regno)
{
	if (regno <= GDB_REG_PC)
		return 8;
	if (regno == GDB_REG_CPSR || regno == GDB_REG_FPSR || regno == GDB_REG_FPCR)
		return 4;
	if (regno < GDB_REG_FPSR)
		return 16;
	return regno < gdb_arch__nr_regs() ? 8 : 0;
}

#define X(n)	"<reg name=\"x" #n "\" bitsize=\"64\"/>"
#define V(n)	"<reg name=\"v" #n "\" bitsize=\"128\" type=\"aarch64v\"/>"
#define SYS(n)	"<reg name=\"" n "\" bitsize=\"64\" type=\"uint64\" group=\"system\"/>"

/*
 * The features gdb's AArch64 support looks for, by name (core: x0-x30, sp,
 * pc, cpsr; fpu: v0-v31, fpsr, fpcr; tls: tpidr), in gdb's register order,
 * and ours.  `architecture` lets gdb-multiarch pick AArch64 with no file.
 */
const char gdb_target_xml[] =
"<?xml version=\"1.0\"?>"
"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
"<target version=\"1.0\">"
"<architecture>aarch64</architecture>"
"<feature name=\"org.gnu.gdb.aarch64.core\">"
X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)
X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25)
X(26) X(27) X(28) X(29) X(30)
"<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>"
"<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>"
"<flags id=\"cpsr_flags\" size=\"4\">"
"<field name=\"SP\" start=\"0\" end=\"0\"/>"
"<field name=\"EL\" start=\"2\" end=\"3\"/>"
"<field name=\"nRW\" start=\"4\" end=\"4\"/>"
"<field name=\"F\" start=\"6\" end=\"6\"/>"
"<field name=\"I\" start=\"7\" end=\"7\"/>"
"<field name=\"A\" start=\"8\" end=\"8\"/>"
"<field name=\"D\" start=\"9\" end=\"9\"/>"
"<field name=\"BTYPE\" start=\"10\" end=\"11\"/>"
"<field name=\"SSBS\" start=\"12\" end=\"12\"/>"
"<field name=\"IL\" start=\"20\" end=\"20\"/>"
"<field name=\"SS\" start=\"21\" end=\"21\"/>"
"<field name=\"PAN\" start=\"22\" end=\"22\"/>"
"<field name=\"UAO\" start=\"23\" end=\"23\"/>"
"<field name=\"DIT\" start=\"24\" end=\"24\"/>"
"<field name=\"TCO\" start=\"25\" end=\"25\"/>"
"<field name=\"V\" start=\"28\" end=\"28\"/>"
"<field name=\"C\" start=\"29\" end=\"29\"/>"
"<field name=\"Z\" start=\"30\" end=\"30\"/>"
"<field name=\"N\" start=\"31\" end=\"31\"/>"
"</flags>"
"<reg name=\"cpsr\" bitsize=\"32\" type=\"cpsr_flags\"/>"
"</feature>"
"<feature name=\"org.gnu.gdb.aarch64.fpu\">"
"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
"<vector id=\"v2u\" type=\"uint64\" count=\"2\"/>"
"<vector id=\"v2i\" type=\"int64\" count=\"2\"/>"
"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
"<vector id=\"v4u\" type=\"uint32\" count=\"4\"/>"
"<vector id=\"v4i\" type=\"int32\" count=\"4\"/>"
"<vector id=\"v8u\" type=\"uint16\" count=\"8\"/>"
"<vector id=\"v8i\" type=\"int16\" count=\"8\"/>"
"<vector id=\"v16u\" type=\"uint8\" count=\"16\"/>"
"<vector id=\"v16i\" type=\"int8\" count=\"16\"/>"
"<vector id=\"v1u\" type=\"uint128\" count=\"1\"/>"
"<vector id=\"v1i\" type=\"int128\" count=\"1\"/>"
"<union id=\"vnd\"><field name=\"f\" type=\"v2d\"/><field name=\"u\" type=\"v2u\"/><field name=\"s\" type=\"v2i\"/></union>"
"<union id=\"vns\"><field name=\"f\" type=\"v4f\"/><field name=\"u\" type=\"v4u\"/><field name=\"s\" type=\"v4i\"/></union>"
"<union id=\"vnh\"><field name=\"u\" type=\"v8u\"/><field name=\"s\" type=\"v8i\"/></union>"
"<union id=\"vnb\"><field name=\"u\" type=\"v16u\"/><field name=\"s\" type=\"v16i\"/></union>"
"<union id=\"vnq\"><field name=\"u\" type=\"v1u\"/><field name=\"s\" type=\"v1i\"/></union>"
"<union id=\"aarch64v\"><field name=\"d\" type=\"vnd\"/><field name=\"s\" type=\"vns\"/>"
"<field name=\"h\" type=\"vnh\"/><field name=\"b\" type=\"vnb\"/><field name=\"q\" type=\"vnq\"/></union>"
V(0) V(1) V(2) V(3) V(4) V(5) V(6) V(7) V(8) V(9) V(10) V(11) V(12) V(13)
V(14) V(15) V(16) V(17) V(18) V(19) V(20) V(21) V(22) V(23) V(24) V(25)
V(26) V(27) V(28) V(29) V(30) V(31)
"<reg name=\"fpsr\" bitsize=\"32\"/>"
"<reg name=\"fpcr\" bitsize=\"32\"/>"
"</feature>"
"<feature name=\"org.gnu.gdb.aarch64.tls\">"
"<reg name=\"tpidr\" bitsize=\"64\" type=\"data_ptr\"/>"
"</feature>"
"<feature name=\"org.vmm.aarch64.el1\">"
SYS("sp_el0") SYS("sp_el1") SYS("elr_el1") SYS("spsr_el1") SYS("esr_el1")
SYS("far_el1") SYS("sctlr_el1") SYS("tcr_el1") SYS("ttbr0_el1") SYS("ttbr1_el1")
SYS("mair_el1") SYS("vbar_el1") SYS("tpidr_el1") SYS("contextidr_el1") SYS("mdscr_el1")
"</feature>"
"</target>";

/* ---- the stage-1 walk ---------------------------------------------------- */

#define GENMASK64(h, l)	((~0ULL >> (63 - (h))) & (~0ULL << (l)))

int s1_translate(const struct s1_regs *r, u64 va, s1_read_fn read, void *opaque,
		 u64 *pa, u64 *left)
{
	static const unsigned int tg0_shift[4] = { 12, 16, 14, 12 };
	static const unsigned int tg1_shift[4] = { 12, 14, 12, 16 };
	bool hi = va >> 55 & 1;
	unsigned int tsz, min_tsz, max_tsz, g, ia, stride, shift, bits, n;
	bool tbi, epd, ds, pa52;
	u64 tcr = r->tcr, table, ttbr, desc, oa, off, v;
	int level, min_block;

	if (!(r->sctlr & 1)) {		/* MMU off: flat, 4K at a time */
		*pa = va;
		*left = SZ_4K - (va & (SZ_4K - 1));
		return 0;
	}
	if (hi) {
		tsz = tcr >> 16 & 0x3f;
		epd = tcr >> 23 & 1;
		g = tg1_shift[tcr >> 30 & 3];
		tbi = tcr >> 38 & 1;
		ttbr = r->ttbr1;
	} else {
		tsz = tcr & 0x3f;
		epd = tcr >> 7 & 1;
		g = tg0_shift[tcr >> 14 & 3];
		tbi = tcr >> 37 & 1;
		ttbr = r->ttbr0;
	}
	if (epd)
		return -EFAULT;
	/*
	 * 52-bit output addresses: TCR.DS (FEAT_LPA2) with 4K and 16K pages,
	 * FEAT_LPA's descriptor bits [15:12] with 64K pages and IPS 52 bits.
	 */
	ds = (tcr >> 59 & 1) && g != 16;
	pa52 = ds || (g == 16 && (tcr >> 32 & 7) == 6);
	/*
	 * Out-of-range sizes behave as the nearest allowed one (R_YZVBN):
	 * at least 16 (12 with 52-bit VAs: DS, or 64K pages), at most 48
	 * (47 with 64K pages, whose level 3 then resolves one bit).
	 */
	min_tsz = ds || g == 16 ? 12 : 16;
	max_tsz = g == 16 ? 47 : 48;
	tsz = tsz < min_tsz ? min_tsz : tsz > max_tsz ? max_tsz : tsz;
	ia = 64 - tsz;
	v = tbi ? (u64)((int64_t)(va << 8) >> 8) : va;
	if ((int64_t)v >> ia != (hi ? -1 : 0))
		return -EFAULT;		/* outside the region's range */

	/* BADDR; with 52-bit output addresses its bits [51:48] are in [5:2] */
	table = ttbr & GENMASK64(47, 1) & ~7ULL;
	if (pa52)
		table = (ttbr & GENMASK64(47, 6)) | (ttbr >> 2 & 0xf) << 48;
	/* blocks: 4K from level 1 (0 with DS), 16K from 2 (1 with DS), 64K from 2 (1 with 52 bits) */
	min_block = g == 12 ? !ds : 2 - pa52;
	stride = g - 3;
	level = 4 - (int)((ia - g + stride - 1) / stride);
	if (level < -1 || level > 3)
		return -EFAULT;
	bits = ia - (g + (3 - level) * stride);
	for (n = 0; n < 5; n++) {
		shift = g + (3 - level) * stride;
		off = v >> shift & ((1ULL << bits) - 1);
		if (read(opaque, table + off * 8, &desc) || !(desc & 1))
			return -EFAULT;
		oa = desc & GENMASK64(ds ? 49 : 47, g);
		if (ds)
			oa |= (desc >> 8 & 3) << 50;
		else if (pa52)
			oa |= (desc >> 12 & 0xf) << 48;
		if (level == 3 || !(desc & 2)) {
			/* a page (0b11 at level 3) or a block (0b01 above it) */
			if ((level == 3) != !!(desc & 2) || (level < 3 && level < min_block))
				return -EFAULT;
			oa &= ~((1ULL << shift) - 1);
			off = v & ((1ULL << shift) - 1);
			*pa = oa | off;
			*left = (1ULL << shift) - off;
			return 0;
		}
		table = oa;
		level++;
		bits = stride;
	}
	return -EFAULT;
}

/* ---- debug registers and exits ------------------------------------------- */

/* DBGBVR/DBGWVR bits [63:53] repeat bit 52 (RESS) */
static u64 ress(u64 addr)
{
	return (u64)((int64_t)(addr << 11) >> 11);
}

void gdb_arch__hw_bp(u64 addr, u64 *bcr, u64 *bvr)
{
	/* E, PMC = EL1 and EL0, BAS = 0b1111 (A64), unlinked address match */
	*bcr = 1 | 3 << 1 | 0xf << 5;
	*bvr = ress(addr) & ~3ULL;
}

int gdb_arch__hw_wp(u64 addr, u64 len, enum gdb_wp_kind kind, u64 *wcr, u64 *wvr)
{
	/* LSC: 01 loads, 10 stores, 11 both */
	u64 lsc = kind == GDB_WP_READ ? 1 : kind == GDB_WP_WRITE ? 2 : 3;
	u64 ctl = 1 | 3 << 1 | lsc << 3;

	if (!len)
		return -EINVAL;
	if (len <= 8 && (addr & 7) + len <= 8) {
		*wcr = ctl | ((1ULL << len) - 1) << (5 + (addr & 7));
		*wvr = ress(addr) & ~7ULL;
		return 0;
	}
	/* MASK: a power-of-two range of up to 2 GiB, aligned to its size */
	if ((len & (len - 1)) || (addr & (len - 1)) || len > (1ULL << 31))
		return -EINVAL;
	*wcr = ctl | 0xffULL << 5 | (u64)__builtin_ctzll(len) << 24;
	*wvr = ress(addr);
	return 0;
}

enum gdb_trap gdb_arch__trap(u32 esr)
{
	switch (esr >> 26) {
	case 0x3c:			/* BRK (AArch64) */
	case 0x38:			/* BKPT (an AArch32 task) */
		return GDB_TRAP_BRK;
	case 0x30: case 0x31:		/* Breakpoint, lower / same EL */
		return GDB_TRAP_HW_BP;
	case 0x32: case 0x33:		/* Software Step */
		return GDB_TRAP_STEP;
	case 0x34: case 0x35:		/* Watchpoint */
		return GDB_TRAP_WATCH;
	default:
		return GDB_TRAP_OTHER;
	}
}

bool gdb_arch__insn_is_brk(u32 insn)
{
	return (insn & 0xffe0001f) == 0xd4200000;	/* brk #imm16 */
}

bool gdb_arch__insn_uses_daif(u32 insn)
{
	return (insn & 0xfffff0ff) == 0xd50340df ||	/* msr daifset, #imm */
	       (insn & 0xfffff0ff) == 0xd50340ff ||	/* msr daifclr, #imm */
	       (insn & 0xffffffe0) == 0xd51b4220 ||	/* msr daif, xN */
	       (insn & 0xffffffe0) == 0xd53b4220 ||	/* mrs xN, daif */
	       insn == 0xd69f03e0 ||			/* eret */
	       insn == 0xd69f0bff || insn == 0xd69f0fff;	/* eretaa, eretab */
}
