/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fw.h - the bare-metal runtime for firmware payloads: an EL1 environment
 * with an identity map, exception reporting, the 8250 console, PSCI calls,
 * a device-tree reader and the report protocol.
 *
 * Report protocol, one line per check on the console:
 *     ok 3 - psci: CPU_ON of cpu 1
 *     not ok 4 - psci: AFFINITY_INFO of cpu 1 is 1, expected 0
 * then the summary "# <payload>: N passed, M failed", and the verdict as
 * the vmm's exit status: PSCI SYSTEM_OFF (status 0) when every check
 * passed, PSCI SYSTEM_RESET (vmm status 3) otherwise.  An unexpected
 * exception is a failed check that ends the payload.
 */
#ifndef FW_H
#define FW_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmm/compiler.h>
#include <vmm/layout.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#define FW_MAX_CPUS	8
#define FW_STACK_SIZE	16384

/* ---- entry points a payload provides ------------------------------------ */

/* The payload's name, for the summary line. */
extern const char fw_name[];

/* Runs on CPU 0 with the MMU, caches and vectors on; returns to finish. */
void fw_main(void);

/* ---- console (lib.c) ------------------------------------------------------ */

void putc_raw(char c);
void puts_raw(const char *s);
int printf(const char *fmt, ...) __printf(1, 2);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* ---- report protocol (lib.c) -------------------------------------------- */

/* Record one check: "ok N - ..." or "not ok N - ..."; returns @ok. */
bool check(bool ok, const char *fmt, ...) __printf(2, 3);

/*
 * A check known to fail on some hypervisor stack for a reason outside the
 * code under test: printed with "# TODO <why>" (TAP), never counted as a
 * failure, so the line still tells the truth.
 */
bool check_todo(bool ok, const char *why, const char *fmt, ...) __printf(3, 4);

/* Equality check that prints both values on failure. */
#define check_eq(got, want, what)					\
	({								\
		u64 __g = (u64)(got), __w = (u64)(want);		\
		check(__g == __w, "%s: got 0x%llx, expected 0x%llx",	\
		      what, (unsigned long long)__g,			\
		      (unsigned long long)__w);				\
	})

/* Print the summary and end the VM with the verdict. */
void __noreturn fw_finish(void);

/* ---- exceptions (lib.c, head.S) ----------------------------------------- */

struct exc_frame {
	u64	regs[31];
	u64	sp;
	u64	elr;
	u64	spsr;
	u64	esr;
	u64	far;
};

#define ESR_EC(esr)		(((esr) >> 26) & 0x3f)
#define EC_UNKNOWN		0x00
#define EC_SYS64		0x18	/* MSR/MRS trapped */
#define EC_DABT_CUR		0x25	/* data abort, same EL */
#define EC_IABT_CUR		0x21

/*
 * A handler for synchronous exceptions expected by a test.  Return true if
 * handled (it may move frame->elr past the faulting instruction); false
 * reports the exception as unexpected and fails the payload.
 */
typedef bool (*sync_handler_fn)(struct exc_frame *frame);
void set_sync_handler(sync_handler_fn fn);

/* IRQ handler (per payload); the default reports an unexpected IRQ. */
typedef void (*irq_handler_fn)(struct exc_frame *frame);
void set_irq_handler(irq_handler_fn fn);

/* ---- CPUs and PSCI (lib.c) ---------------------------------------------- */

#define PSCI_VERSION		0x84000000
#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON		0xc4000003
#define PSCI_AFFINITY_INFO	0xc4000004
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_SYSTEM_RESET	0x84000009
#define PSCI_FEATURES		0x8400000a
#define SMCCC_VERSION		0x80000000

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	-1
#define PSCI_INVALID_PARAMS	-2
#define PSCI_DENIED		-3
#define PSCI_ALREADY_ON		-4
#define PSCI_ON_PENDING		-5
#define PSCI_INTERNAL_FAILURE	-6
#define PSCI_INVALID_ADDRESS	-9

/* An SMCCC call through HVC: x0..x3 in, x0 out. */
s64 hvc_call(u64 fn, u64 a1, u64 a2, u64 a3);

/* The number of CPUs in the device tree, and CPU @i's MPIDR. */
unsigned int nr_cpus(void);
u64 cpu_mpidr(unsigned int i);

/* This CPU's index (0 for the boot CPU). */
unsigned int this_cpu(void);

/*
 * Start CPU @i at @fn(@arg) on its own stack, through PSCI CPU_ON with
 * context id @i.  Returns PSCI's status.  @fn returning turns the CPU off.
 */
s64 cpu_start(unsigned int i, void (*fn)(void *), void *arg);

/* Make CPU @i run @fn(@arg) when it next enters secondary_entry. */
void cpu_set_work(unsigned int i, void (*fn)(void *), void *arg);

/* The raw entry for CPU_ON tests: x0 = context id; see head.S. */
extern char secondary_entry[];

/* ---- the device tree (dt.c) --------------------------------------------- */

void dt_init(const void *fdt);

/*
 * The first "reg" pair (2 address cells, 2 size cells) of the first node
 * whose compatible (or, when @compat starts with '/', whose name at the
 * root) matches.  False if not found.
 */
bool dt_reg(const char *compat, unsigned int index, u64 *base, u64 *size);

/* Cell @index of property @prop of the first matching node. */
bool dt_u32(const char *compat, const char *prop, unsigned int index, u32 *val);

/* String property @prop of the first matching node, or NULL. */
const char *dt_string(const char *compat, const char *prop);

/* Does the kernel command line (/chosen/bootargs) hold the word @word? */
bool bootarg(const char *word);

/* ---- the GICv3 (gic.c) --------------------------------------------------- */

#define INTID_VTIMER	(GIC_PPI_BASE + PPI_TIMER_VIRT)	/* 27 */
#define INTID_SPURIOUS	1023

/* Distributor setup and this CPU's interface (boot CPU); false if no GICv3. */
bool gic_init(void);
/* This CPU's redistributor and interface (secondaries, after gic_init). */
bool gic_cpu_init(void);
/* Group 1, priority @prio; an SPI is routed to the calling CPU. */
void gic_enable_irq(u32 intid, u8 prio);
void gic_disable_irq(u32 intid);
bool gic_is_pending(u32 intid);
bool gic_is_active(u32 intid);
u32 gic_ack(void);		/* ICC_IAR1_EL1 */
void gic_eoi(u32 intid);	/* ICC_EOIR1_EL1: priority drop and deactivate */
void gic_set_pmr(u8 pmr);
void gic_send_sgi(unsigned int cpu, u32 intid);
u64 gic_dist_base(void);

/*
 * LPIs (IHI 0069 5.1): message-based interrupts from INTID 8192, each
 * configured by one byte of a property table in memory (priority in
 * [7:2], enable in bit 0) and made pending in a per-redistributor pending
 * table.  An ITS translates device events into them.
 */
#define GIC_LPI_BASE		8192
#define LPI_PROP_ENABLE		(1U << 0)
#define LPI_PROP(prio, en)	((u8)(((prio) & 0xfc) | ((en) ? LPI_PROP_ENABLE : 0)))

/* GICD_TYPER.LPIS and this CPU's GICR_TYPER.PLPIS: can LPIs be used? */
bool gic_has_lpis(void);

/*
 * Enable LPIs in this CPU's redistributor (after gic_init/gic_cpu_init),
 * for INTIDs below 1 << @idbits: @prop the property table, (1 << @idbits)
 * - 8192 bytes, 4 KiB aligned, one for all CPUs; @pend this CPU's
 * pending table, (1 << @idbits) / 8 bytes, 64 KiB aligned, zeroed here.
 * Both stay the GIC's until reset.  False if LPIs are missing or already
 * on, @idbits is out of the GIC's range, or the registers did not take.
 */
bool gic_lpi_enable(void *prop, unsigned int idbits, void *pend);

/*
 * How an ITS names this CPU's redistributor in MAPC and SYNC: by its
 * address (RD_base) when GITS_TYPER.PTA is 1, else by GICR_TYPER's
 * Processor_Number.
 */
u64 gic_its_target(bool pta);

/* ---- system registers and barriers -------------------------------------- */

#define read_sysreg(r)	({ u64 __v; asm volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(v, r) asm volatile("msr " #r ", %0" : : "r"((u64)(v)))
#define isb()		asm volatile("isb" : : : "memory")
#define dsb(opt)	asm volatile("dsb " #opt : : : "memory")
#define dmb(opt)	asm volatile("dmb " #opt : : : "memory")
#define wfi()		asm volatile("wfi" : : : "memory")
#define local_irq_enable()	asm volatile("msr daifclr, #2" : : : "memory")
#define local_irq_disable()	asm volatile("msr daifset, #2" : : : "memory")

static inline u32 mmio_read32(u64 addr)
{
	return *(volatile u32 *)addr;
}

static inline void mmio_write32(u64 addr, u32 v)
{
	*(volatile u32 *)addr = v;
}

static inline u64 mmio_read64(u64 addr)
{
	return *(volatile u64 *)addr;
}

static inline void mmio_write64(u64 addr, u64 v)
{
	*(volatile u64 *)addr = v;
}

static inline u64 counter(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

/*
 * Spin until @cond holds or @ms milliseconds of virtual counter time have
 * passed; evaluates to @cond's final value.  spin_until(false, ms) delays.
 */
#define spin_until(cond, ms)						\
	({								\
		u64 __limit = read_sysreg(cntfrq_el0) * (ms) / 1000;	\
		u64 __start = counter();				\
		while (!(cond) && counter() - __start < __limit)	\
			;						\
		(cond);							\
	})

#endif
