/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgic-sr.h - the GIC virtual CPU interface's list registers around a
 * guest run: what vgic.c chose goes in before the entry, what the guest
 * made of it comes out after the exit.  Only when something is in flight:
 * with nothing, ICH_HCR_EL2 stays 0 and no list register is touched (the
 * HVC round trip pays nothing for the vGIC).
 */
#ifndef VMM_HYP_VGIC_SR_H
#define VMM_HYP_VGIC_SR_H

#include <linux/bits.h>
#include <asm/sysreg.h>

#include "../../../vgic.h"

#define __LR_CASE(n, op)	case n: op(n); break

static __always_inline u64 __vgic_read_lr(unsigned int n)
{
	u64 v = 0;
#define __RD(n)	v = read_sysreg_s(SYS_ICH_LR ## n ## _EL2)
	switch (n) {
	__LR_CASE(0, __RD); __LR_CASE(1, __RD); __LR_CASE(2, __RD); __LR_CASE(3, __RD);
	__LR_CASE(4, __RD); __LR_CASE(5, __RD); __LR_CASE(6, __RD); __LR_CASE(7, __RD);
	__LR_CASE(8, __RD); __LR_CASE(9, __RD); __LR_CASE(10, __RD); __LR_CASE(11, __RD);
	__LR_CASE(12, __RD); __LR_CASE(13, __RD); __LR_CASE(14, __RD); __LR_CASE(15, __RD);
	}
#undef __RD
	return v;
}

static __always_inline void __vgic_write_lr(unsigned int n, u64 v)
{
#define __WR(n)	write_sysreg_s(v, SYS_ICH_LR ## n ## _EL2)
	switch (n) {
	__LR_CASE(0, __WR); __LR_CASE(1, __WR); __LR_CASE(2, __WR); __LR_CASE(3, __WR);
	__LR_CASE(4, __WR); __LR_CASE(5, __WR); __LR_CASE(6, __WR); __LR_CASE(7, __WR);
	__LR_CASE(8, __WR); __LR_CASE(9, __WR); __LR_CASE(10, __WR); __LR_CASE(11, __WR);
	__LR_CASE(12, __WR); __LR_CASE(13, __WR); __LR_CASE(14, __WR); __LR_CASE(15, __WR);
	}
#undef __WR
}

static __always_inline void __vgic_restore_lrs(const struct vmm_vgic_cpu *v)
{
	unsigned int i;

	if (!v->used_lrs)
		return;
	write_sysreg_s(v->hcr, SYS_ICH_HCR_EL2);
	for (i = 0; i < v->used_lrs; i++)
		__vgic_write_lr(i, v->lr[i]);
}

/*
 * An empty list register (ICH_ELRSR_EL2) is one the guest completed: its
 * state is known without reading it.  ICH_HCR_EL2 goes to 0 before the
 * host unmasks interrupts, so no maintenance interrupt stays asserted.
 */
static __always_inline void __vgic_save_lrs(struct vmm_vgic_cpu *v)
{
	unsigned int i;
	u32 elrsr;

	if (!v->used_lrs)
		return;
	elrsr = read_sysreg_s(SYS_ICH_ELRSR_EL2);
	write_sysreg_s(0, SYS_ICH_HCR_EL2);
	for (i = 0; i < v->used_lrs; i++) {
		if (elrsr & BIT(i))
			v->lr[i] &= ~ICH_LR_STATE;
		else
			v->lr[i] = __vgic_read_lr(i);
		__vgic_write_lr(i, 0);
	}
}

/*
 * The active-priority registers ICH_AP0R<n>/AP1R<n>_EL2, which the guest
 * reaches as ICV_AP0R<n>/AP1R<n>_EL1: as many as ICH_VTR_EL2.PREbits
 * needs (5 bits: 1, 6: 2, 7: 4), as KVM's __vgic_v3_save/restore_aprs().
 */
static inline unsigned int nr_aprs(void)
{
	return 1U << (((read_sysreg_s(SYS_ICH_VTR_EL2) >> 26) & 7) + 1 - 5);
}

#define SAVE_APR(grp, n, to)	((to)[n] = read_sysreg_s(SYS_ICH_AP ## grp ## R ## n ## _EL2))
#define LOAD_APR(grp, n, from)	write_sysreg_s((from)[n], SYS_ICH_AP ## grp ## R ## n ## _EL2)

static inline void save_aprs(u32 *ap0, u32 *ap1, unsigned int nr)
{
	switch (nr) {
	case 4:
		SAVE_APR(0, 3, ap0); SAVE_APR(1, 3, ap1);
		SAVE_APR(0, 2, ap0); SAVE_APR(1, 2, ap1);
		fallthrough;
	case 2:
		SAVE_APR(0, 1, ap0); SAVE_APR(1, 1, ap1);
		fallthrough;
	default:
		SAVE_APR(0, 0, ap0); SAVE_APR(1, 0, ap1);
	}
}

static inline void load_aprs(const u32 *ap0, const u32 *ap1, unsigned int nr)
{
	switch (nr) {
	case 4:
		LOAD_APR(0, 3, ap0); LOAD_APR(1, 3, ap1);
		LOAD_APR(0, 2, ap0); LOAD_APR(1, 2, ap1);
		fallthrough;
	case 2:
		LOAD_APR(0, 1, ap0); LOAD_APR(1, 1, ap1);
		fallthrough;
	default:
		LOAD_APR(0, 0, ap0); LOAD_APR(1, 0, ap1);
	}
}

/*
 * This CPU's list registers, active priorities and ICH_HCR_EL2 to 0: they
 * reset to UNKNOWN values (vgic.c says why that matters).
 */
static inline void __vgic_reset_cpu(unsigned int nr_lrs)
{
	static const u32 zero[4];
	unsigned int i;

	for (i = 0; i < nr_lrs; i++)
		__vgic_write_lr(i, 0);
	load_aprs(zero, zero, nr_aprs());
	write_sysreg_s(0, SYS_ICH_HCR_EL2);
	isb();
}

#endif
