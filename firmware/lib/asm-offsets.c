// SPDX-License-Identifier: GPL-2.0
/*
 * asm-offsets.c - structure offsets and constants for head.S, compiled to
 * assembly and turned into asm-offsets.h by the Makefile, so assembly never
 * hard-codes a layout.
 */
#include "fw.h"

#define DEFINE(sym, val) \
	asm volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))

void asm_offsets(void);

void asm_offsets(void)
{
	DEFINE(FRAME_SIZE, sizeof(struct exc_frame));
	DEFINE(FRAME_REGS, offsetof(struct exc_frame, regs));
	DEFINE(FRAME_SP, offsetof(struct exc_frame, sp));
	DEFINE(FRAME_ELR, offsetof(struct exc_frame, elr));
	DEFINE(FRAME_SPSR, offsetof(struct exc_frame, spsr));
	DEFINE(FRAME_ESR, offsetof(struct exc_frame, esr));
	DEFINE(FRAME_FAR, offsetof(struct exc_frame, far));
	DEFINE(FW_MAX_CPUS_ASM, FW_MAX_CPUS);
	DEFINE(FW_STACK_SIZE_ASM, FW_STACK_SIZE);
}
