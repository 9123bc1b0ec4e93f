/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gdb.h - the GDB remote stub (`vmm run --gdb`): the protocol and the
 * debugger's session (gdb.c), and what it needs from the architecture
 * (arm64/gdb.c: register layout, stage-1 walk, debug-register encodings,
 * debug exits) and from the VM (gdb.c's struct gdb_ops, vm.c's for a real
 * VM, the unit tests' and fuzz harness's for a fake one).
 */
#ifndef VMM_GDB_H
#define VMM_GDB_H

#include "vmm.h"

/* ---- arm64: registers (arm64/gdb.c) -------------------------------------- */

/*
 * gdb's AArch64 register numbers: x0-x30, sp, pc, cpsr (the `g` packet's
 * core), v0-v31, fpsr, fpcr (its FP/SIMD), then tpidr and the EL1 system
 * registers of our own feature, which gdb reads one by one (`p`).
 */
enum {
	GDB_REG_SP	= 31,
	GDB_REG_PC	= 32,
	GDB_REG_CPSR	= 33,
	GDB_REG_V0	= 34,
	GDB_REG_FPSR	= 66,
	GDB_REG_FPCR	= 67,
	GDB_REG_TPIDR	= 68,
	GDB_REG_SYS0	= 69,	/* gdb_sys_regs[] */
};

/* The bytes of the `g` packet: every register up to fpcr, packed. */
#define GDB_G_BYTES		788
#define GDB_REG_MAX_BYTES	16

struct gdb_sys_reg {
	const char	*name;
	u64		id;	/* KVM ONE_REG id */
};

extern const struct gdb_sys_reg gdb_sys_regs[];
extern const unsigned int gdb_nr_sys_regs;

/* How many registers gdb knows, and @regno's size in bytes (0: none). */
unsigned int gdb_arch__nr_regs(void);
unsigned int gdb_arch__reg_size(unsigned int regno);

/* The target description gdb reads with qXfer:features:read:target.xml. */
extern const char gdb_target_xml[];

/* ---- arm64: memory by virtual address ------------------------------------ */

/* The EL1&0 translation regime's registers, as a vCPU holds them. */
struct s1_regs {
	u64	sctlr, tcr, ttbr0, ttbr1;
};

/* Read the 8-byte descriptor at IPA @pa: 0, or -1 if it is not guest RAM. */
typedef int (*s1_read_fn)(void *opaque, u64 pa, u64 *desc);

/*
 * Translate the virtual address @va through the regime @r as a debugger
 * does (permissions ignored): 0 with the IPA in *@pa and the bytes left in
 * its page or block in *@left, or -EFAULT when nothing maps it.  The MMU
 * off maps every address to itself.  4K, 16K and 64K granules, 48-bit
 * output addresses (52 with 64K pages and FEAT_LPA), TBI.
 */
int s1_translate(const struct s1_regs *r, u64 va, s1_read_fn read, void *opaque,
		 u64 *pa, u64 *left);

/* ---- arm64: breakpoints, watchpoints, debug exits ------------------------ */

#define GDB_MAX_HW	16	/* KVM_ARM_MAX_DBG_REGS */
#define A64_BRK0	0xd4200000u

enum gdb_wp_kind { GDB_WP_WRITE = 2, GDB_WP_READ = 3, GDB_WP_ACCESS = 4 };

/* The debug registers KVM_SET_GUEST_DEBUG loads (kvm_guest_debug_arch). */
struct gdb_hw_regs {
	u64	bcr[GDB_MAX_HW], bvr[GDB_MAX_HW];
	u64	wcr[GDB_MAX_HW], wvr[GDB_MAX_HW];
};

/* DBGBCR/DBGBVR for an address breakpoint at @addr (EL1 and EL0). */
void gdb_arch__hw_bp(u64 addr, u64 *bcr, u64 *bvr);
/*
 * DBGWCR/DBGWVR watching [addr, addr + len) for @kind: 0, or -EINVAL for
 * a range one register cannot watch (more than 8 bytes unless a power of
 * two, aligned, up to 2 GiB; or crossing a doubleword).
 */
int gdb_arch__hw_wp(u64 addr, u64 len, enum gdb_wp_kind kind, u64 *wcr, u64 *wvr);

/* What a debug exit's syndrome (ESR_EL2) says happened. */
enum gdb_trap {
	GDB_TRAP_OTHER,
	GDB_TRAP_BRK,		/* a BRK instruction: ours, or the guest's own */
	GDB_TRAP_HW_BP,
	GDB_TRAP_STEP,
	GDB_TRAP_WATCH,
};

enum gdb_trap gdb_arch__trap(u32 esr);

/* Whether the A64 instruction @insn is a BRK (any immediate). */
bool gdb_arch__insn_is_brk(u32 insn);

/*
 * Whether the A64 instruction @insn reads or writes PSTATE.DAIF (msr/mrs
 * daif, daifset, daifclr, eret): a single step masks interrupts only around
 * instructions that do not.
 */
bool gdb_arch__insn_uses_daif(u32 insn);

/* ---- the VM side of a session -------------------------------------------- */

struct gdb;

/* What KVM_SET_GUEST_DEBUG is given for each vCPU. */
struct gdb_debug {
	bool			sw_bps;		/* trap BRK */
	bool			hw;		/* load @regs */
	bool			step;		/* single-step this vCPU */
	struct gdb_hw_regs	regs;
};

struct gdb_ops {
	/* All vCPUs out of the guest (vm__pause()), and back. */
	int	(*pause)(struct gdb *g);
	/* Whether the VM is paused (by anyone): optional, NULL for never. */
	bool	(*paused)(struct gdb *g);
	void	(*resume)(struct gdb *g);
	/* Keep vCPU @cpu out of the guest across a resume (a step of another). */
	void	(*hold)(struct gdb *g, unsigned int cpu, bool hold);
	/* Take vCPU @cpu's recorded debug exit, if any: true and *@e. */
	bool	(*take_exit)(struct gdb *g, unsigned int cpu, struct gdb_exit *e);
	/* Register @regno of vCPU @cpu (gdb's number): its size, or -errno. */
	int	(*get_reg)(struct gdb *g, unsigned int cpu, unsigned int regno, u8 *val);
	int	(*set_reg)(struct gdb *g, unsigned int cpu, unsigned int regno, const u8 *val);
	/* vCPU @cpu's translation registers, VBAR_EL1 and PSTATE. */
	int	(*get_s1)(struct gdb *g, unsigned int cpu, struct s1_regs *r);
	/* Guest RAM at IPA [pa, pa + len), or NULL. */
	void	*(*ram)(struct gdb *g, u64 pa, u64 len);
	/* Load @d into vCPU @cpu (NULL: debug off): 0 or -errno. */
	int	(*set_debug)(struct gdb *g, unsigned int cpu, const struct gdb_debug *d);
	/* Make vCPU @cpu take the BRK exception @esr it trapped on. */
	int	(*inject_brk)(struct gdb *g, unsigned int cpu, u32 esr);
	/* `kill` from gdb: end the VM. */
	void	(*kill)(struct gdb *g);
};

struct gdb_caps {
	unsigned int	nr_cpus;
	bool		debug;		/* KVM_CAP_SET_GUEST_DEBUG */
	unsigned int	hw_bps, hw_wps;	/* KVM_CAP_GUEST_DEBUG_HW_BPS/WPS */
};

/*
 * A session without a socket (the unit tests and the fuzz harness drive it
 * with gdb__input(); what it sends goes to @send): NULL if out of memory.
 */
struct gdb *gdb__new(const struct gdb_ops *ops, void *opaque, const struct gdb_caps *caps,
		     void (*send)(void *opaque, const char *buf, size_t len));
void gdb__free(struct gdb *g);
void *gdb__opaque(struct gdb *g);

/* A debugger connected (the VM is paused first) or went away (resumed). */
int gdb__attach(struct gdb *g);
void gdb__detach(struct gdb *g);
/* Bytes from the debugger. */
void gdb__input(struct gdb *g, const u8 *buf, size_t len);
/*
 * A vCPU recorded a debug exit (or a retry is due): decide while paused.
 * 0, or -errno when the VM would not pause: call it again later.
 */
int gdb__on_exit(struct gdb *g);
/* The VM ended with @status: tell the debugger ("W"). */
void gdb__vm_ended(struct gdb *g, int status);
/* True while a debugger is attached; and holds the VM stopped. */
bool gdb__attached(const struct gdb *g);
bool gdb__stopped(const struct gdb *g);

/* ---- the socket, on a real VM (gdb-vm.c) -------------------------------- */

/*
 * Listen for the debugger on --gdb's address and serve it from the main
 * loop; with --gdb-wait the VM is paused before its first instruction.
 * 0, or -1 after a one-line error.
 */
int gdb__open(struct vm *vm);
/* Tell the debugger the VM ended, and close (the vCPU threads joined). */
void gdb__close(struct vm *vm);
/* On @vcpu's thread: it took a debug exit (ESR_EL2 @esr, FAR_EL2 @far). */
void gdb__vcpu_exit(struct vcpu *vcpu, u32 esr, u64 far);

/* ---- arm64: the vCPU's side (arm64/kvm.c) -------------------------------- */

/* Read (or @write) gdb register @regno of @vcpu: its size, or -errno. */
int vcpu_arch__gdb_reg(struct vcpu *vcpu, unsigned int regno, u8 *val, bool write);
int vcpu_arch__get_s1(struct vcpu *vcpu, struct s1_regs *r);
/* KVM_SET_GUEST_DEBUG from @d (NULL: debug off): 0 or -errno. */
int vcpu_arch__set_guest_debug(struct vcpu *vcpu, const struct gdb_debug *d);
/*
 * Take the BRK exception (syndrome @esr) @vcpu trapped on, as the guest
 * would have without a debugger: to its EL1 vector, at the BRK.
 */
int vcpu_arch__inject_brk(struct vcpu *vcpu, u32 esr);

#endif
