/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entry.S - the world switch's assembly: enter the guest with its general
 * registers, and come back through __vmm_hyp_vectors when it exits.
 *
 * While the guest runs, EL2's stack pointer still points into the host
 * thread's kernel stack, where __vmm_guest_enter left its frame: the host's
 * callee-saved registers, SP_EL0 (the kernel's `current`), and the context
 * pointer.  An exit finds what it needs to return there; only this CPU's
 * Spectre-BHB sequence and, should the switch itself fault, the host
 * state __vmm_hyp_panic restores are per CPU (struct vmm_hyp_host).
 */
#include <linux/arm-smccc.h>
#include <linux/linkage.h>
#include <asm/assembler.h>

#include "vmm-asm-offsets.h"
#include <hyp/context.h>

/*
 * The host frame on the stack, from SP upwards.  x18 too, though the
 * procedure call standard lets a callee clobber it: a kernel built with
 * CONFIG_SHADOW_CALL_STACK keeps its shadow stack pointer there, and the
 * guest's x18 must not come back as it (KVM's __guest_enter saves it for
 * the same reason).  Debian's kernel has SCS off, so this bed cannot show
 * it; a kernel with SCS on would crash on the first return after an exit.
 */
#define HF_X19		0
#define HF_X29		80
#define HF_SP_EL0	96
#define HF_CTXT		104
#define HF_X18		112
#define HF_SIZE		128

	.text

/* u64 __vmm_guest_enter(struct vmm_cpu_context *ctxt) */
SYM_FUNC_START(__vmm_guest_enter)
	sub	sp, sp, #HF_SIZE
	stp	x19, x20, [sp, #HF_X19]
	stp	x21, x22, [sp, #HF_X19 + 16]
	stp	x23, x24, [sp, #HF_X19 + 32]
	stp	x25, x26, [sp, #HF_X19 + 48]
	stp	x27, x28, [sp, #HF_X19 + 64]
	stp	x29, x30, [sp, #HF_X29]
	mrs	x1, sp_el0
	stp	x1, x0, [sp, #HF_SP_EL0]	/* SP_EL0, then the context */
	str	x18, [sp, #HF_X18]

	ldr	x1, [x0, #CTXT_SP_EL0]
	msr	sp_el0, x1
	ldr	x1, [x0, #CTXT_PC]
	msr	elr_el2, x1
	ldr	x1, [x0, #CTXT_PSTATE]
	msr	spsr_el2, x1

	/* x0 last: it addresses the context */
	ldp	x2, x3, [x0, #CTXT_X0 + 16 * 1]
	ldp	x4, x5, [x0, #CTXT_X0 + 16 * 2]
	ldp	x6, x7, [x0, #CTXT_X0 + 16 * 3]
	ldp	x8, x9, [x0, #CTXT_X0 + 16 * 4]
	ldp	x10, x11, [x0, #CTXT_X0 + 16 * 5]
	ldp	x12, x13, [x0, #CTXT_X0 + 16 * 6]
	ldp	x14, x15, [x0, #CTXT_X0 + 16 * 7]
	ldp	x16, x17, [x0, #CTXT_X0 + 16 * 8]
	ldp	x18, x19, [x0, #CTXT_X0 + 16 * 9]
	ldp	x20, x21, [x0, #CTXT_X0 + 16 * 10]
	ldp	x22, x23, [x0, #CTXT_X0 + 16 * 11]
	ldp	x24, x25, [x0, #CTXT_X0 + 16 * 12]
	ldp	x26, x27, [x0, #CTXT_X0 + 16 * 13]
	ldp	x28, x29, [x0, #CTXT_X0 + 16 * 14]
	ldr	x30, [x0, #CTXT_X0 + 8 * 30]
	ldp	x0, x1, [x0, #CTXT_X0]
	eret
	sb
SYM_FUNC_END(__vmm_guest_enter)

/*
 * A guest exit: x0 and x1 go to the stack first (the only scratch there
 * is), then the guest's registers into its context, then the host's come
 * back from the frame and __vmm_guest_enter returns @code.
 */
.macro guest_exit code
	stp	x0, x1, [sp, #-16]!
	ldr	x0, [sp, #16 + HF_CTXT]
	stp	x2, x3, [x0, #CTXT_X0 + 16 * 1]
	stp	x4, x5, [x0, #CTXT_X0 + 16 * 2]
	stp	x6, x7, [x0, #CTXT_X0 + 16 * 3]
	stp	x8, x9, [x0, #CTXT_X0 + 16 * 4]
	stp	x10, x11, [x0, #CTXT_X0 + 16 * 5]
	stp	x12, x13, [x0, #CTXT_X0 + 16 * 6]
	stp	x14, x15, [x0, #CTXT_X0 + 16 * 7]
	stp	x16, x17, [x0, #CTXT_X0 + 16 * 8]
	stp	x18, x19, [x0, #CTXT_X0 + 16 * 9]
	stp	x20, x21, [x0, #CTXT_X0 + 16 * 10]
	stp	x22, x23, [x0, #CTXT_X0 + 16 * 11]
	stp	x24, x25, [x0, #CTXT_X0 + 16 * 12]
	stp	x26, x27, [x0, #CTXT_X0 + 16 * 13]
	stp	x28, x29, [x0, #CTXT_X0 + 16 * 14]
	str	x30, [x0, #CTXT_X0 + 8 * 30]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #CTXT_X0]
	mrs	x1, sp_el0
	str	x1, [x0, #CTXT_SP_EL0]
	mrs	x1, elr_el2
	str	x1, [x0, #CTXT_PC]
	mrs	x1, spsr_el2
	str	x1, [x0, #CTXT_PSTATE]
	mov	x0, #\code
	b	__vmm_guest_exit
.endm

SYM_CODE_START_LOCAL(__vmm_guest_exit)
	/*
	 * The exit to EL2 with HCR_EL2.TGE clear leaves PSTATE.PAN as the
	 * guest had it (SCTLR_EL2.SPAN acts only with TGE set): a guest that
	 * cleared PAN would have the host run without it.  Set it, as KVM's
	 * __guest_exit does, where the CPU has PAN.
	 */
#ifndef __VMM_NVHE__
	ALTERNATIVE(nop, SET_PSTATE_PAN(1), ARM64_HAS_PAN, CONFIG_ARM64_PAN)
#endif

	/*
	 * Spectre-BHB: the branch history the guest trained must not steer
	 * the host's first indirect branches.  Before any (the way here had
	 * only direct branches), the sequence spectre.c chose for this CPU,
	 * as KVM's hyp vectors run it; x0 (the exit code) is kept in x5.
	 */
#ifdef __VMM_NVHE__
	mrs	x1, tpidr_el2
	add	x1, x1, #NVHE_HYP_HOST
#else
	ldr	x1, =vmm_hyp_host
	get_this_cpu_offset x2
	add	x1, x1, x2
#endif
	ldr	x2, [x1, #HYP_HOST_BHB_LOOP]
	cbz	x2, 2f
1:	b	. + 4
	subs	x2, x2, #1
	b.ne	1b
	sb
2:	ldr	x2, [x1, #HYP_HOST_BHB_CLEAR_INSN]
	cbz	x2, 3f
	clearbhb
	isb
3:	ldr	x2, [x1, #HYP_HOST_FW_CALL]
	cbz	x2, 4f
	mov	x5, x0
	mov	w0, w2				/* WORKAROUND_3, or _1 */
	smc	#0				/* SMCCC 1.1: x0-x3 clobbered */
	mov	x0, x5
4:
	/*
	 * An SError the guest caused may still be pending: it must be the
	 * guest's, not the host's once the host unmasks SErrors.  With RAS,
	 * the vector's ESB deferred it into DISR_EL1 (PSTATE.A is masked at
	 * exception entry): take it from there.  Without, synchronise with
	 * the memory system and, if ISR_EL1.A says one is pending, unmask
	 * SErrors for one instruction so that it is taken here, where the
	 * current-EL SError vector knows the window.  As KVM's __guest_exit.
	 * x0 holds the exit code; x1-x5 are free.
	 */
alternative_if_not ARM64_HAS_RAS_EXTN
	b	.Lno_ras
alternative_else_nop_endif
	mrs_s	x2, SYS_DISR_EL1
	cbz	x2, .Lserror_done
	msr_s	SYS_DISR_EL1, xzr
	b	.Lserror_pending
.Lno_ras:
	dsb	sy
	isb
	mrs	x2, isr_el1
	tbz	x2, #8, .Lserror_done		/* ISR_EL1.A */
	mrs	x3, esr_el2			/* the exit's; the SError's entry writes it */
	mov	x2, xzr				/* the vector leaves the SError's ESR here */
	msr	daifclr, #4
SYM_INNER_LABEL(__vmm_serror_window, SYM_L_LOCAL)
	isb
SYM_INNER_LABEL(__vmm_serror_window_end, SYM_L_LOCAL)
	msr	daifset, #4
	msr	esr_el2, x3
	cbz	x2, .Lserror_done		/* ISR lied: nothing was taken */
.Lserror_pending:
	/* x2: DISR_EL1 with RAS, the SError's ESR_EL2 without */
	ldr	x1, [sp, #HF_CTXT]
	str	x2, [x1, #CTXT_SERROR]
	orr	x0, x0, #VMM_EXIT_WITH_SERROR
.Lserror_done:
	ldr	x1, [sp, #HF_SP_EL0]
	msr	sp_el0, x1
	ldp	x19, x20, [sp, #HF_X19]
	ldp	x21, x22, [sp, #HF_X19 + 16]
	ldp	x23, x24, [sp, #HF_X19 + 32]
	ldp	x25, x26, [sp, #HF_X19 + 48]
	ldp	x27, x28, [sp, #HF_X19 + 64]
	ldp	x29, x30, [sp, #HF_X29]
	ldr	x18, [sp, #HF_X18]
	add	sp, sp, #HF_SIZE
	ret
SYM_CODE_END(__vmm_guest_exit)

/*
 * While the guest runs, VBAR_EL2 points here, and all of DAIF is masked at
 * EL2.  The lower-EL vectors are the guest's exits; each begins with an
 * ESB, which with RAS defers an SError the guest left pending into
 * DISR_EL1 (a hint, a NOP without RAS).  At the current EL only one
 * exception is expected: the SError that __vmm_guest_exit lets in on
 * purpose, in its window.  Anything else is a bug in the world switch:
 * __vmm_hyp_panic says so on the console, never a silent hang.
 */
#ifdef __VMM_NVHE__
#define __vmm_hyp_panic	hyp_guest_panic		/* hyp/nvhe/switch.c */
#endif

.macro bad_vector
	.balign	0x80
	b	__vmm_hyp_panic
.endm

.macro exit_vector code
	.balign	0x80
661:
	esb
	guest_exit \code
	.org	661b + 0x80		/* an entry fits its 32 instructions */
.endm

	.balign	0x800
SYM_CODE_START(__vmm_hyp_vectors)
	bad_vector			/* current EL, SP_EL0 */
	bad_vector
	bad_vector
	bad_vector
	bad_vector			/* current EL, SP_ELx: synchronous */
	bad_vector			/* IRQ */
	bad_vector			/* FIQ */
	.balign	0x80			/* SError */
	b	__vmm_serror_vector
	exit_vector VMM_EXIT_SYNC	/* lower EL, AArch64 */
	exit_vector VMM_EXIT_IRQ
	exit_vector VMM_EXIT_FIQ
	exit_vector VMM_EXIT_SERROR
	exit_vector VMM_EXIT_SYNC	/* lower EL, AArch32: guest EL0 can */
	exit_vector VMM_EXIT_IRQ	/* eret there on its own */
	exit_vector VMM_EXIT_FIQ
	exit_vector VMM_EXIT_SERROR
SYM_CODE_END(__vmm_hyp_vectors)

/*
 * An SError at EL2: expected only in __vmm_guest_exit's window, where it
 * is the guest's.  Hand its syndrome back in x2 and return after the
 * window (ELR and SPSR_EL2 are the window's now; the guest's are saved).
 */
SYM_CODE_START_LOCAL(__vmm_serror_vector)
	mrs	x1, elr_el2
	adr	x4, __vmm_serror_window
	cmp	x1, x4
	adr	x4, __vmm_serror_window_end
	ccmp	x1, x4, #4, ne
	b.ne	__vmm_hyp_panic
	mrs	x2, esr_el2
	msr	elr_el2, x4			/* on past the window */
	eret
	sb
SYM_CODE_END(__vmm_serror_vector)

#ifndef __VMM_NVHE__
/*
 * An exception the world switch never expects, taken at EL2 on our
 * vectors: give the host back its vectors, its HCR_EL2 (TGE set), its
 * CPTR_EL2, its `current` (SP_EL0 may be the guest's here) and its x18
 * (a shadow call stack's pointer must not be the guest's), all kept per
 * CPU by vmm_vhe_vcpu_load() for this, and panic with the syndrome, as
 * KVM's hyp_panic() does.  The stack is the host thread's kernel stack.
 */
SYM_CODE_START_LOCAL(__vmm_hyp_panic)
	ldr	x0, =vmm_hyp_host
	get_this_cpu_offset x1
	add	x0, x0, x1
	ldr	x1, [x0, #HYP_HOST_SP_EL0]
	msr	sp_el0, x1
	ldr	x18, [x0, #HYP_HOST_X18]
	ldr	x1, [x0, #HYP_HOST_VBAR]
	msr	vbar_el2, x1
	ldr	x1, [x0, #HYP_HOST_HCR]
	msr	hcr_el2, x1
	ldr	x1, [x0, #HYP_HOST_CPTR]
	msr	cpacr_el1, x1			/* CPTR_EL2 under E2H */
	isb
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	mrs	x2, far_el2
	mrs	x3, spsr_el2
	bl	vmm_hyp_panic			/* does not return */
	brk	#0
SYM_CODE_END(__vmm_hyp_panic)

/* FP/SIMD state to and from memory, inside kernel_neon_begin()/end(). */
SYM_FUNC_START(__vmm_fpsimd_save)
	stp	q0, q1, [x0, #FP_V0 + 32 * 0]
	stp	q2, q3, [x0, #FP_V0 + 32 * 1]
	stp	q4, q5, [x0, #FP_V0 + 32 * 2]
	stp	q6, q7, [x0, #FP_V0 + 32 * 3]
	stp	q8, q9, [x0, #FP_V0 + 32 * 4]
	stp	q10, q11, [x0, #FP_V0 + 32 * 5]
	stp	q12, q13, [x0, #FP_V0 + 32 * 6]
	stp	q14, q15, [x0, #FP_V0 + 32 * 7]
	stp	q16, q17, [x0, #FP_V0 + 32 * 8]
	stp	q18, q19, [x0, #FP_V0 + 32 * 9]
	stp	q20, q21, [x0, #FP_V0 + 32 * 10]
	stp	q22, q23, [x0, #FP_V0 + 32 * 11]
	stp	q24, q25, [x0, #FP_V0 + 32 * 12]
	stp	q26, q27, [x0, #FP_V0 + 32 * 13]
	stp	q28, q29, [x0, #FP_V0 + 32 * 14]
	stp	q30, q31, [x0, #FP_V0 + 32 * 15]
	mrs	x1, fpsr
	str	w1, [x0, #FP_FPSR]
	mrs	x1, fpcr
	str	w1, [x0, #FP_FPCR]
	ret
SYM_FUNC_END(__vmm_fpsimd_save)

SYM_FUNC_START(__vmm_fpsimd_restore)
	ldp	q0, q1, [x0, #FP_V0 + 32 * 0]
	ldp	q2, q3, [x0, #FP_V0 + 32 * 1]
	ldp	q4, q5, [x0, #FP_V0 + 32 * 2]
	ldp	q6, q7, [x0, #FP_V0 + 32 * 3]
	ldp	q8, q9, [x0, #FP_V0 + 32 * 4]
	ldp	q10, q11, [x0, #FP_V0 + 32 * 5]
	ldp	q12, q13, [x0, #FP_V0 + 32 * 6]
	ldp	q14, q15, [x0, #FP_V0 + 32 * 7]
	ldp	q16, q17, [x0, #FP_V0 + 32 * 8]
	ldp	q18, q19, [x0, #FP_V0 + 32 * 9]
	ldp	q20, q21, [x0, #FP_V0 + 32 * 10]
	ldp	q22, q23, [x0, #FP_V0 + 32 * 11]
	ldp	q24, q25, [x0, #FP_V0 + 32 * 12]
	ldp	q26, q27, [x0, #FP_V0 + 32 * 13]
	ldp	q28, q29, [x0, #FP_V0 + 32 * 14]
	ldp	q30, q31, [x0, #FP_V0 + 32 * 15]
	ldr	w1, [x0, #FP_FPSR]
	msr	fpsr, x1
	ldr	w1, [x0, #FP_FPCR]
	msr	fpcr, x1
	ret
SYM_FUNC_END(__vmm_fpsimd_restore)
#endif /* !__VMM_NVHE__ */
