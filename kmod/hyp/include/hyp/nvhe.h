/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvhe.h - what the host (EL1) and the module's own EL2 code share on an
 * nVHE host: the calls into EL2, its address space, and each CPU's EL2
 * state.  The EL2 code (hyp/nvhe/) is a separate, position-independent
 * image: every one of its symbols is renamed __vmm_nvhe_<name> when it is
 * linked into vmm.ko, so that EL1 code names it on purpose only.
 */
#ifndef VMM_HYP_NVHE_H
#define VMM_HYP_NVHE_H

#include <linux/const.h>

/*
 * The host's calls into EL2: `hvc #0` with the call's ID in x0 and its
 * arguments in x1-x3; x0 (and x1) come back, x2-x17 are clobbered, the
 * rest kept.  IDs below HVC_STUB_HCALL_NR (<asm/virt.h>) are the hyp
 * stub's own calls, which the module's EL2 answers as the stub and KVM
 * do (kexec, hibernation); ours are SMCCC vendor-hypervisor fast calls,
 * as KVM's host calls are.
 */
#define VMM_HC_ID(n)		(0xc6000000 | (n))
#define VMM_HC_PING		VMM_HC_ID(1)	/* x1 back: this CPU's number */
#define VMM_HC_RUN		VMM_HC_ID(2)	/* x1: a vCPU (EL2 address); x0 back: VMM_EXIT_* */
#define VMM_HC_FLUSH_ALL	VMM_HC_ID(3)	/* every VMID's TLB entries, every CPU */
#define VMM_HC_FLUSH_VMID	VMM_HC_ID(4)	/* x1: VTCR, x2: VTTBR: that VMID's */
#define VMM_HC_FLUSH_HYP	VMM_HC_ID(5)	/* EL2's own TLB entries, every CPU */
#define VMM_HC_ICH_VTR		VMM_HC_ID(6)	/* x1 back: ICH_VTR_EL2 */
#define VMM_HC_VGIC_RESET	VMM_HC_ID(7)	/* x1: list registers to zero */
#define VMM_HC_SET_CNTVOFF	VMM_HC_ID(8)	/* x1: CNTVOFF_EL2, from vCPU load to put */

/* x0 after a call if EL2 took an exception it never expects (hyp-init.S) */
#define VMM_HC_PANIC		0xbad0e12

/*
 * EL2's address space (TTBR0_EL2 only, 48 bits): everything the module
 * maps for EL2 is at its physical address with bit 47 set, and the
 * page that turns the EL2 MMU on and off also at its physical address
 * (the identity map).  Physical memory below 128 TiB is all the scheme
 * needs (hyp_mm.c refuses anything above).  From a kernel linear-map
 * address, EL2's is one addition.
 */
#define VMM_HYP_VA_BITS		48
#define VMM_HYP_VA_TAG		(_AC(1, UL) << 47)

#ifndef __ASSEMBLY__

#include <linux/types.h>

#include <hyp/context.h>

/*
 * One CPU's EL2 state, in a page of its own mapped at EL2; TPIDR_EL2
 * holds its EL2 address.
 */
struct vmm_nvhe_cpu {
	/*
	 * What hyp_init (hyp-init.S) loads, read with the EL2 MMU still off
	 * (the host cleans it to the point of coherency first).
	 */
	struct {
		u64	mair, tcr, ttbr0, sctlr;
		u64	sp, tpidr, vbar;	/* EL2 addresses */
	} init;
	u64	stub_vectors;	/* VBAR_EL2 before us: the hyp stub's, given back */
	u64	cpu;		/* the host's number for this CPU */
	u64	stack_top;	/* EL2 address */
	/* at each host call, for the panic path: where the host called from */
	u64	host_elr, host_spsr;
	/* what EL2 cannot ask the kernel: set by the host (nvhe.c) */
	struct vmm_nvhe_cfg {
		u64	hcr_ras;	/* HCR_TERR | HCR_TEA where the CPU has RAS */
		u32	brps, wrps;	/* breakpoints and watchpoints */
		bool	ras;		/* VSESR_EL2 exists */
		bool	gic_sysregs;	/* a GICv3 CPU interface: ICH_*_EL2 exist */
		bool	speculative_at;	/* ARM64_WORKAROUND_SPECULATIVE_AT */
	} cfg;
	/* this CPU's Spectre-BHB sequence on guest exit (hyp/entry.S) */
	struct vmm_hyp_host	hyp_host;
	/* the host's EL1 and EL2 state while a guest runs here */
	struct vmm_host_state	host;
};

#endif /* __ASSEMBLY__ */
#endif
