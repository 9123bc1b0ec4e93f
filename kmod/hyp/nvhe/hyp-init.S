/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hyp-init.S - the module's EL2 on an nVHE host: taking EL2 from the
 * kernel's hyp stub, giving it back, and the host's calls in between.
 *
 * The hyp stub's vectors are not exported to modules, and neither is
 * __hyp_set_vectors().  But the stub's HVC_SOFT_RESTART call runs any
 * code at EL2, MMU off, at a physical address (arch/arm64/kernel/
 * hyp-stub.S; kexec uses it), leaving ELR_EL2 and SPSR_EL2 those of the
 * call.  So hyp_init, run that way, reads VBAR_EL2 (the stub's
 * vectors: what we give back, learnt from the CPU, not from a symbol),
 * turns on the EL2 MMU with the module's tables, installs our vectors and
 * returns to the caller at EL1 with an ERET.  Giving EL2 back is the
 * stub's contract in reverse: HVC_RESET_VECTORS, or HVC_SOFT_RESTART,
 * turns the MMU off from the identity-mapped page and puts the stub's
 * vectors back, as KVM's __kvm_handle_stub_hvc does.
 */
#include <linux/linkage.h>
#include <asm/assembler.h>
#include <asm/esr.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#include "vmm-asm-offsets.h"
#include <hyp/nvhe.h>

/*
 * The identity-mapped page: mapped at EL2 both at its physical address
 * and at its EL2 address, so that the MMU can be switched under it.
 */
	.pushsection	.idmap.text, "ax"

/*
 * Entered from the stub's HVC_SOFT_RESTART at EL2, MMU off, at this
 * code's physical address; x0: the physical address of this CPU's
 * struct vmm_nvhe_cpu (its init block).  Returns to the host's HVC with
 * x0 = 0 and x1 = the vectors it found.
 */
SYM_CODE_START(hyp_init)
	mrs	x9, vbar_el2
	/* everything from the init block before the MMU is on: it is not in the idmap */
	ldr	x2, [x0, #NVHE_INIT_MAIR]
	ldr	x3, [x0, #NVHE_INIT_TCR]
	ldr	x4, [x0, #NVHE_INIT_TTBR0]
	ldr	x5, [x0, #NVHE_INIT_SCTLR]
	ldr	x6, [x0, #NVHE_INIT_SP]
	ldr	x7, [x0, #NVHE_INIT_TPIDR]
	ldr	x8, [x0, #NVHE_INIT_VBAR]
	msr	mair_el2, x2
	msr	tcr_el2, x3
	msr	ttbr0_el2, x4
	isb
	/* whatever EL2 translations a previous owner left behind */
	tlbi	alle2
	dsb	nsh
	msr	sctlr_el2, x5
	isb
	ic	iallu
	dsb	nsh
	isb
	mov	sp, x6
	msr	tpidr_el2, x7
	msr	vbar_el2, x8
	isb
	mov	x0, xzr
	mov	x1, x9
	eret
	sb
SYM_CODE_END(hyp_init)

/*
 * EL2 back to the stub, running here at the physical address: MMU off,
 * the stub's vectors (x6) in.  x5 is free.  For HVC_RESET_VECTORS the
 * ERET returns to the host; for HVC_SOFT_RESTART, ELR/SPSR_EL2 were
 * pointed at the code to run at EL2, MMU off.
 */
SYM_CODE_START(hyp_reset)
	mov_q	x5, INIT_SCTLR_EL2_MMU_OFF
	pre_disable_mmu_workaround
	msr	sctlr_el2, x5
	isb
	msr	vbar_el2, x6
	isb
	eret
	sb
SYM_CODE_END(hyp_reset)

	.popsection

	.text

/*
 * Where the host's call returns to, kept in this CPU's struct
 * vmm_nvhe_cpu (a guest run overwrites ELR/SPSR_EL2), and put back.
 * x16 is left pointing at the struct; x17 is clobbered.
 */
.macro save_host_return
	mrs	x16, tpidr_el2
	mrs	x17, elr_el2
	str	x17, [x16, #NVHE_HOST_ELR]
	mrs	x17, spsr_el2
	str	x17, [x16, #NVHE_HOST_SPSR]
.endm

.macro restore_host_return
	mrs	x16, tpidr_el2
	ldr	x17, [x16, #NVHE_HOST_ELR]
	msr	elr_el2, x17
	ldr	x17, [x16, #NVHE_HOST_SPSR]
	msr	spsr_el2, x17
.endm

/*
 * The host's exceptions to EL2: its HVCs only.  While the host runs,
 * HCR_EL2 routes no interrupt and traps nothing to EL2 (the stub's
 * HCR_HOST_NVHE_FLAGS), so anything else is a bug here.
 */
.macro invalid_vector
	.balign	0x80
	b	hyp_panic
.endm

	.balign	0x800
SYM_CODE_START(host_vectors)
	invalid_vector			/* EL2t */
	invalid_vector
	invalid_vector
	invalid_vector
	invalid_vector			/* EL2h: a fault in our own code */
	invalid_vector
	invalid_vector
	invalid_vector
	.balign	0x80			/* lower EL, AArch64: synchronous */
	b	host_sync
	invalid_vector
	invalid_vector
	invalid_vector
	invalid_vector			/* lower EL, AArch32 */
	invalid_vector
	invalid_vector
	invalid_vector
SYM_CODE_END(host_vectors)

SYM_CODE_START_LOCAL(host_sync)
	mrs	x17, esr_el2
	ubfx	x17, x17, #ESR_ELx_EC_SHIFT, #ESR_ELx_EC_WIDTH
	cmp	x17, #ESR_ELx_EC_HVC64
	b.ne	host_bad_sync
	cmp	x0, #HVC_STUB_HCALL_NR
	b.lo	stub_call

	/*
	 * Where the host called from: a guest run overwrites ELR_EL2 and
	 * SPSR_EL2 (its entry and exits), and the panic path needs them.
	 */
	save_host_return
	/* C may use x18 (no -ffixed-x18 here) and x29/x30; the host keeps them */
	stp	x29, x30, [sp, #-32]!
	str	x18, [sp, #16]
	bl	handle_host_call		/* x0-x3 in, x0-x1 out */
	ldr	x18, [sp, #16]
	ldp	x29, x30, [sp], #32
	restore_host_return
	eret
	sb
SYM_CODE_END(host_sync)

/*
 * Anything but an HVC from the host: nothing traps to EL2 while it runs,
 * so a bug.  Record where it came from and its frame, as a call would
 * have, for hyp_panic to return there.
 */
SYM_CODE_START_LOCAL(host_bad_sync)
	save_host_return
	ldr	x17, [x16, #NVHE_STACK_TOP]
	mov	sp, x17
	stp	x29, x30, [sp, #-32]!
	str	x18, [sp, #16]
	b	hyp_panic
SYM_CODE_END(host_bad_sync)

/*
 * The hyp stub's calls, answered as the stub would: HVC_RESET_VECTORS and
 * HVC_SOFT_RESTART give EL2 back (the module knows by then, or the CPU is
 * going away under kexec); HVC_SET_VECTORS and HVC_FINALISE_EL2 are
 * refused with the stub's own error, as KVM refuses them.
 */
SYM_CODE_START_LOCAL(stub_call)
	cmp	x0, #HVC_SOFT_RESTART
	b.eq	1f
	cmp	x0, #HVC_RESET_VECTORS
	b.eq	2f
	mov_q	x0, HVC_STUB_ERR
	eret
	sb

1:	/* run x1 at EL2, MMU off, all of DAIF masked, with x2-x4 as x0-x2 */
	msr	elr_el2, x1
	mov	x5, #(PSR_F_BIT | PSR_I_BIT | PSR_A_BIT | PSR_D_BIT | PSR_MODE_EL2h)
	msr	spsr_el2, x5
	mov	x0, x2
	mov	x1, x3
	mov	x2, x4
	b	3f
2:	mov	x0, xzr
3:	mrs	x5, tpidr_el2
	ldr	x6, [x5, #NVHE_STUB_VECTORS]
	/* to the identity map: our EL2 address less the tag is the physical one */
	adr	x5, hyp_reset
	and	x5, x5, #~VMM_HYP_VA_TAG
	br	x5
SYM_CODE_END(stub_call)

/*
 * An exception EL2 never expects.  EL2 cannot call the kernel's panic():
 * return to the host's last call with x0 = VMM_HC_PANIC and the
 * exception's ESR, ELR and FAR in x1-x3; the host panics with them
 * (nvhe.c).  The host's x18, x29 and x30 are where host_sync put them,
 * at the top of this CPU's EL2 stack.
 */
SYM_CODE_START(hyp_panic)
	mrs	x1, esr_el2
	mrs	x2, elr_el2
	mrs	x3, far_el2
	restore_host_return
	ldr	x17, [x16, #NVHE_STACK_TOP]
	mov	sp, x17
	ldr	x18, [sp, #-16]
	ldp	x29, x30, [sp, #-32]
	mov_q	x0, VMM_HC_PANIC
	eret
	sb
SYM_CODE_END(hyp_panic)
