/* SPDX-License-Identifier: GPL-2.0 */
/*
 * head.S - entry of a firmware payload: the arm64 Image header (none in
 * the raw build, -DFW_RAW), the boot
 * and secondary entry points, the EL1 setup (vectors, FP, an identity map
 * with the MMU on) and the exception vectors.
 */
#include "asm-offsets.h"

/* Level-1 block descriptors (DDI 0487 D8.3): 1 GiB, AF set, EL1 RW. */
#define BLOCK_DEVICE	0x0060000000000401	/* AttrIndx 0, PXN, UXN */
#define BLOCK_NORMAL	0x0000000000000705	/* AttrIndx 1, inner shareable */
#define MAIR_VALUE	0xff00			/* 0: Device-nGnRnE, 1: Normal WB */
/* T0SZ 32 (4 GiB, walks start at level 1), WBWA walks, inner shareable,
 * 4K granule, EPD1 (no TTBR1 walks), IPS 32 bits */
#define TCR_VALUE	((32 << 0) | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23))
#define SCTLR_M		(1 << 0)
#define SCTLR_A		(1 << 1)
#define SCTLR_C		(1 << 2)
#define SCTLR_I		(1 << 12)
#define SCTLR_WXN	(1 << 19)
#define CPACR_FPEN	(3 << 20)

	.section .head, "ax"
	.globl	_head
_head:
#ifndef FW_RAW
	b	_start				/* code0 */
	.long	0				/* code1 */
	.quad	0				/* text_offset: at the RAM base */
	.quad	_image_size			/* image_size, BSS and stacks in */
	.quad	0xa				/* flags: LE, 4K pages, anywhere */
	.quad	0, 0, 0				/* res2..res4 */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* res5 */
#endif
	/* FW_RAW: no header, a raw binary entered at its first byte (_start) */

	.text
	.globl	_start
_start:
	mov	x19, x0				/* the DTB (booting.rst) */
	mov	x20, #0				/* CPU 0 */
	bl	cpu_setup
	/* zero BSS; the stacks are after it, untouched */
	adrp	x0, _bss_start
	add	x0, x0, :lo12:_bss_start
	adrp	x1, _bss_end
	add	x1, x1, :lo12:_bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:	mov	x0, x19
	bl	fw_start			/* does not return */
	b	.

/*
 * PSCI CPU_ON lands here, MMU off, x0 = context id.  The low byte of the
 * context id is the CPU index, which picks the stack.
 */
	.globl	secondary_entry
secondary_entry:
	mov	x19, x0
	and	x20, x0, #0xff
	cmp	x20, #FW_MAX_CPUS_ASM
	b.hs	.				/* no stack for it: park */
	bl	cpu_setup
	mov	x0, x20
	mov	x1, x19
	bl	secondary_main			/* does not return */
	b	.

/* x20 = CPU index: stack, TPIDR, vectors, FP on, MMU and caches on. */
cpu_setup:
	adrp	x1, stacks
	add	x1, x1, :lo12:stacks
	mov	x2, #FW_STACK_SIZE_ASM
	madd	x1, x20, x2, x1
	add	sp, x1, x2
	msr	tpidr_el1, x20

	adrp	x1, vectors
	add	x1, x1, :lo12:vectors
	msr	vbar_el1, x1
	mov	x1, #CPACR_FPEN
	msr	cpacr_el1, x1

	ldr	x1, =MAIR_VALUE
	msr	mair_el1, x1
	ldr	x1, =TCR_VALUE
	msr	tcr_el1, x1
	adrp	x1, pgtable
	msr	ttbr0_el1, x1
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	mrs	x1, sctlr_el1
	orr	x1, x1, #SCTLR_M		/* one bit each: logical immediates */
	orr	x1, x1, #SCTLR_C
	orr	x1, x1, #SCTLR_I
	bic	x1, x1, #SCTLR_A
	bic	x1, x1, #SCTLR_WXN
	msr	sctlr_el1, x1
	isb
	ret

/* ---- exception vectors (DDI 0487 D1.10.2): 16 entries of 0x80 bytes ---- */

.macro ventry kind
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_REGS]
	mov	x1, #\kind
	b	exc_common
.endm

	.balign	0x800
vectors:
	ventry	0	/* current EL, SP_EL0: sync */
	ventry	1	/* irq */
	ventry	2	/* fiq */
	ventry	3	/* serror */
	ventry	4	/* current EL, SP_ELx: sync */
	ventry	5	/* irq */
	ventry	6	/* fiq */
	ventry	7	/* serror */
	ventry	8	/* lower EL, AArch64 */
	ventry	9
	ventry	10
	ventry	11
	ventry	12	/* lower EL, AArch32 */
	ventry	13
	ventry	14
	ventry	15

exc_common:
	stp	x2, x3, [sp, #FRAME_REGS + 16 * 1]
	stp	x4, x5, [sp, #FRAME_REGS + 16 * 2]
	stp	x6, x7, [sp, #FRAME_REGS + 16 * 3]
	stp	x8, x9, [sp, #FRAME_REGS + 16 * 4]
	stp	x10, x11, [sp, #FRAME_REGS + 16 * 5]
	stp	x12, x13, [sp, #FRAME_REGS + 16 * 6]
	stp	x14, x15, [sp, #FRAME_REGS + 16 * 7]
	stp	x16, x17, [sp, #FRAME_REGS + 16 * 8]
	stp	x18, x19, [sp, #FRAME_REGS + 16 * 9]
	stp	x20, x21, [sp, #FRAME_REGS + 16 * 10]
	stp	x22, x23, [sp, #FRAME_REGS + 16 * 11]
	stp	x24, x25, [sp, #FRAME_REGS + 16 * 12]
	stp	x26, x27, [sp, #FRAME_REGS + 16 * 13]
	stp	x28, x29, [sp, #FRAME_REGS + 16 * 14]
	str	x30, [sp, #FRAME_REGS + 16 * 15]
	add	x2, sp, #FRAME_SIZE
	str	x2, [sp, #FRAME_SP]
	mrs	x2, elr_el1
	str	x2, [sp, #FRAME_ELR]
	mrs	x2, spsr_el1
	str	x2, [sp, #FRAME_SPSR]
	mrs	x2, esr_el1
	str	x2, [sp, #FRAME_ESR]
	mrs	x2, far_el1
	str	x2, [sp, #FRAME_FAR]

	mov	x0, sp
	bl	exception			/* (frame, kind) */

	/* a handler may have moved ELR (skip the faulting instruction) */
	ldr	x2, [sp, #FRAME_ELR]
	msr	elr_el1, x2
	ldr	x2, [sp, #FRAME_SPSR]
	msr	spsr_el1, x2
	ldp	x0, x1, [sp, #FRAME_REGS]
	ldp	x2, x3, [sp, #FRAME_REGS + 16 * 1]
	ldp	x4, x5, [sp, #FRAME_REGS + 16 * 2]
	ldp	x6, x7, [sp, #FRAME_REGS + 16 * 3]
	ldp	x8, x9, [sp, #FRAME_REGS + 16 * 4]
	ldp	x10, x11, [sp, #FRAME_REGS + 16 * 5]
	ldp	x12, x13, [sp, #FRAME_REGS + 16 * 6]
	ldp	x14, x15, [sp, #FRAME_REGS + 16 * 7]
	ldp	x16, x17, [sp, #FRAME_REGS + 16 * 8]
	ldp	x18, x19, [sp, #FRAME_REGS + 16 * 9]
	ldp	x20, x21, [sp, #FRAME_REGS + 16 * 10]
	ldp	x22, x23, [sp, #FRAME_REGS + 16 * 11]
	ldp	x24, x25, [sp, #FRAME_REGS + 16 * 12]
	ldp	x26, x27, [sp, #FRAME_REGS + 16 * 13]
	ldp	x28, x29, [sp, #FRAME_REGS + 16 * 14]
	ldr	x30, [sp, #FRAME_REGS + 16 * 15]
	add	sp, sp, #FRAME_SIZE
	eret

/* ---- the identity map: 4 GiB in 1 GiB blocks ---------------------------- */

	.section .data
	.balign	4096
pgtable:
	.quad	0x00000000 | BLOCK_DEVICE	/* MMIO: UART, devices, GIC */
	.quad	0x40000000 | BLOCK_DEVICE	/* PCI */
	.quad	0x80000000 | BLOCK_NORMAL	/* RAM */
	.quad	0xc0000000 | BLOCK_NORMAL
	.fill	508, 8, 0

	.section .stacks, "aw", %nobits
	.balign	16
	.globl	stacks
stacks:
	.skip	FW_STACK_SIZE_ASM * FW_MAX_CPUS_ASM
