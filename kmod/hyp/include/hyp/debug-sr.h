/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debug-sr.h - the breakpoint and watchpoint registers, switched around a
 * guest run while the guest has self-hosted debug on (MDSCR_EL1.MDE, KDE
 * or SS) and its OS lock clear, as KVM's __debug_switch_to_guest/host().
 * The guest's accesses to them always trap (MDCR_EL2.TDA) and are kept in
 * its vCPU (sys_regs.c), so nothing needs saving back after a run; the
 * host's, which its hw_breakpoint users may have set, are saved before
 * the guest's go in and put back right after the exit, all with DAIF
 * masked at EL2, where no debug exception is taken.
 */
#ifndef VMM_HYP_DEBUG_SR_H
#define VMM_HYP_DEBUG_SR_H

#include <asm/sysreg.h>

#include <hyp/context.h>

#define __DBG_RD(reg, n)	read_sysreg_s(SYS_ ## reg ## n_EL1(n))
#define __DBG_WR(v, reg, n)	write_sysreg_s(v, SYS_ ## reg ## n_EL1(n))

/* The first @nr registers of kind @reg into @arr, or from it. */
#define __dbg_save(arr, reg, nr)					\
	do {								\
		switch (nr) {						\
		case 16: (arr)[15] = __DBG_RD(reg, 15); fallthrough;	\
		case 15: (arr)[14] = __DBG_RD(reg, 14); fallthrough;	\
		case 14: (arr)[13] = __DBG_RD(reg, 13); fallthrough;	\
		case 13: (arr)[12] = __DBG_RD(reg, 12); fallthrough;	\
		case 12: (arr)[11] = __DBG_RD(reg, 11); fallthrough;	\
		case 11: (arr)[10] = __DBG_RD(reg, 10); fallthrough;	\
		case 10: (arr)[9] = __DBG_RD(reg, 9); fallthrough;	\
		case 9: (arr)[8] = __DBG_RD(reg, 8); fallthrough;	\
		case 8: (arr)[7] = __DBG_RD(reg, 7); fallthrough;	\
		case 7: (arr)[6] = __DBG_RD(reg, 6); fallthrough;	\
		case 6: (arr)[5] = __DBG_RD(reg, 5); fallthrough;	\
		case 5: (arr)[4] = __DBG_RD(reg, 4); fallthrough;	\
		case 4: (arr)[3] = __DBG_RD(reg, 3); fallthrough;	\
		case 3: (arr)[2] = __DBG_RD(reg, 2); fallthrough;	\
		case 2: (arr)[1] = __DBG_RD(reg, 1); fallthrough;	\
		default: (arr)[0] = __DBG_RD(reg, 0);			\
		}							\
	} while (0)

#define __dbg_load(arr, reg, nr)					\
	do {								\
		switch (nr) {						\
		case 16: __DBG_WR((arr)[15], reg, 15); fallthrough;	\
		case 15: __DBG_WR((arr)[14], reg, 14); fallthrough;	\
		case 14: __DBG_WR((arr)[13], reg, 13); fallthrough;	\
		case 13: __DBG_WR((arr)[12], reg, 12); fallthrough;	\
		case 12: __DBG_WR((arr)[11], reg, 11); fallthrough;	\
		case 11: __DBG_WR((arr)[10], reg, 10); fallthrough;	\
		case 10: __DBG_WR((arr)[9], reg, 9); fallthrough;	\
		case 9: __DBG_WR((arr)[8], reg, 8); fallthrough;	\
		case 8: __DBG_WR((arr)[7], reg, 7); fallthrough;	\
		case 7: __DBG_WR((arr)[6], reg, 6); fallthrough;	\
		case 6: __DBG_WR((arr)[5], reg, 5); fallthrough;	\
		case 5: __DBG_WR((arr)[4], reg, 4); fallthrough;	\
		case 4: __DBG_WR((arr)[3], reg, 3); fallthrough;	\
		case 3: __DBG_WR((arr)[2], reg, 2); fallthrough;	\
		case 2: __DBG_WR((arr)[1], reg, 1); fallthrough;	\
		default: __DBG_WR((arr)[0], reg, 0);			\
		}							\
	} while (0)

static inline void __debug_save(struct vmm_debug_regs *d, unsigned int brps,
				unsigned int wrps)
{
	__dbg_save(d->bcr, DBGBCR, brps);
	__dbg_save(d->bvr, DBGBVR, brps);
	__dbg_save(d->wcr, DBGWCR, wrps);
	__dbg_save(d->wvr, DBGWVR, wrps);
	d->mdscr = read_sysreg(mdscr_el1);
}

static inline void __debug_load(const struct vmm_debug_regs *d, unsigned int brps,
				unsigned int wrps)
{
	__dbg_load(d->bcr, DBGBCR, brps);
	__dbg_load(d->bvr, DBGBVR, brps);
	__dbg_load(d->wcr, DBGWCR, wrps);
	__dbg_load(d->wvr, DBGWVR, wrps);
	write_sysreg(d->mdscr, mdscr_el1);
}

#endif
