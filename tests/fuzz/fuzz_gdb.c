// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_gdb.c - a fuzz harness for the GDB remote stub (vmm/gdb.c and the
 * stage-1 walk of vmm/arm64/gdb.c): a debugger's byte stream, cut into
 * chunks, against a fake VM whose page tables and registers the input can
 * change, with debug exits where the input puts them.
 *
 * An input is a header of 3 bytes, then the stream:
 *
 *	[0] bits 0-1	vCPUs - 1
 *	    bit 2	no guest debug (vmm.ko: no KVM_CAP_SET_GUEST_DEBUG)
 *	    bits 3-7	chunk size: the stream reaches gdb__input() in
 *			pieces of this many bytes (0: a piece per run of
 *			bytes between harness commands)
 *	[1] bits 0-3	hardware breakpoints, bits 4-7 watchpoints (caps)
 *	[2]		each vCPU's translation regime, 2 bits each (vCPU 0
 *			in bits 0-1): 0 MMU off; 1 as arm64 Linux (4K pages,
 *			48-bit VAs, the kernel image and the linear map in
 *			TTBR1, an identity map in TTBR0, TBI0); 2 as the
 *			firmware (T0SZ 32, 1G blocks, EPD1); 3 64K pages
 *			in TTBR0 (42 bits), 16K pages in TTBR1 (47 bits)
 *
 * The stream is bytes for the stub, but for 0xff, which starts a harness
 * command (a command cut short by the input's end is dropped):
 *
 *	ff ff			the byte 0xff itself
 *	ff 00 c k f0 f1		vCPU c records a debug exit, and gdb__on_exit():
 *				k & 7 picks its class (BRK #0, BRK #0x800, a
 *				breakpoint, a step, a watchpoint, EC 0x35,
 *				BKPT32, SVC), k >> 3 & 3 its FAR's base (a
 *				kernel address, RAM, 0, the top), f0 f1 its
 *				FAR's low 16 bits
 *	ff 01 i0 i1 v0..v7	the 8 bytes v (LE) into descriptor i (15 bits)
 *				of the translation tables' area
 *	ff 02 c r v0..v7	vCPU c's register r (mod their number) := v
 *	ff 03 n			chunk size n
 *	ff 04 s			the VM ended with status s (gdb__vm_ended)
 *	ff 05			the debugger leaves, another one attaches
 *				(unless the VM ended)
 *	ff 06			the next pause fails (a vCPU that will not stop)
 *	ff 07 o0 o1 w0..w3	the guest writes the word w at word o of RAM
 *	ff 08			vmm pause (the control socket), if not paused
 *	ff 09			vmm resume, if paused by it and gdb does not
 *				hold the VM
 *	ff other		nothing
 *
 * What must hold (abort() on a violation, which libFuzzer reports):
 * whatever the stub sends is "+", "-" or one packet with its checksum
 * right and no raw '$' or '#' in it, and only while a debugger is
 * attached; a stop reply only while the VM is paused (a '-' after the
 * next packet sends no old one again); the stub touches a
 * vCPU or its debug state only while the VM is paused, guest RAM too but
 * for the BRKs a debugger leaving takes out when the VM would not pause; guest
 * RAM is asked for 1 to 16K bytes at a time, and the fake RAM has
 * inaccessible pages around it, so that the walker or a write that goes
 * past what it was given crashes; set_debug only with guest debug, with
 * no more hardware breakpoints and watchpoints than the caps give;
 * inject_brk only for a BRK exit just taken from that vCPU.  While
 * attached, the VM is paused when the stub is stopped, and runs when it
 * is not (unless vmm paused it).  After the input the debugger leaves and
 * the VM pauses once more (for guest debug left on by a leaving that could
 * not pause it): the VM runs unless vmm paused it and gdb never resumed
 * it, no vCPU is held, guest debug is off on every vCPU; and unless gdb
 * sent an M or X packet (or the VM ended, or the guest itself wrote a
 * BRK #0), guest RAM holds what the guest left there, word for word: no
 * BRK left behind, no instruction put back wrong.
 *
 * FUZZ_GDB_TRACE=1 in the environment prints what the stub sends.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../../vmm/gdb.h"

#define RAM_BASE	0x80000000ULL
#define RAM_SIZE	0x100000ULL
#define TABLES_OFF	0xc0000ULL		/* the tables' area: to the end of RAM */
#define TABLES_4K_END	0xd0000ULL		/* 4K tables below, 64K ones above */
#define MAX_CPUS	4
#define NREGS		84
#define GUARD		0x10000ULL

#define R_PC		32
#define R_CPSR		33
#define R_SPSR		(GDB_REG_SYS0 + 3)
#define R_SCTLR		(GDB_REG_SYS0 + 6)
#define R_TCR		(GDB_REG_SYS0 + 7)
#define R_TTBR0		(GDB_REG_SYS0 + 8)
#define R_TTBR1		(GDB_REG_SYS0 + 9)
#define R_VBAR		(GDB_REG_SYS0 + 11)

#define KIMAGE		0xffff800008000000ULL
#define LINEAR		0xffff000000000000ULL

struct fcpu {
	u8		reg[NREGS][16];
	bool		exit_pending;
	struct gdb_exit	exit;
	bool		brk_taken;	/* a BRK exit taken, not yet injected or dropped */
	bool		held;
	bool		debug_on;
};

static struct {
	struct gdb	*g;
	struct gdb_caps	caps;
	bool		paused;
	bool		fail_pause;		/* the next pause fails */
	bool		pause_failed;		/* the last one did */
	bool		outer;			/* paused by vmm pause, not resumed since */
	bool		ended;			/* gdb__vm_ended(): nothing to check */
	struct fcpu	cpu[MAX_CPUS];
} F;

static u8 *ram;				/* RAM_SIZE, GUARD of PROT_NONE either side */
static u8 ram_template[RAM_SIZE] __attribute__((aligned(4096)));
static u8 ram_shadow[RAM_SIZE] __attribute__((aligned(4096)));	/* and the guest's writes */

static void __printf(1, 2) __noreturn fail(const char *fmt, ...);

/* What decides whether guest RAM must be as the guest left it. */
static struct {
	bool		shadowed;	/* the guest wrote: compare with ram_shadow */
	bool		wrote;		/* gdb sent M or X: no comparison */
	bool		prev_dollar;	/* the last stream byte was '$' */
} mem;

/* The guest (the harness) writes @n bytes at RAM offset @off. */
static void guest_write(u64 off, const void *p, size_t n)
{
	u32 w;

	if (!mem.shadowed)
		memcpy(ram_shadow, ram_template, RAM_SIZE);
	mem.shadowed = true;
	memcpy(ram + off, p, n);
	memcpy(ram_shadow + off, p, n);
	if (n == 4) {
		memcpy(&w, p, 4);
		if (w == 0xd4200000)	/* a BRK #0 of its own: ours cannot be told from it */
			mem.wrote = true;
	}
}

/* A stream byte: an M or X packet begins with it after a '$'. */
static void stream_byte(u8 c)
{
	if (mem.prev_dollar && (c == 'M' || c == 'X'))
		mem.wrote = true;
	mem.prev_dollar = c == '$';
}

/* The first word of @n at which @a and @b differ, or @n. */
__attribute__((no_sanitize("address", "undefined")))
static u64 first_difference(const u64 *a, const u64 *b, u64 n)
{
	u64 i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			break;
	return i;
}

/*
 * Word by word, not memcmp() (libFuzzer would learn from a megabyte
 * compared), and not checked by the sanitizers: the harness's own loop,
 * over memory that is all there, per input.
 */
static void check_ram(void)
{
	const u8 *want = mem.shadowed ? ram_shadow : ram_template;
	u64 off;

	if (mem.wrote || F.ended)
		return;
	off = 8 * first_difference((const u64 *)ram, (const u64 *)want, RAM_SIZE / 8);
	if (off < RAM_SIZE) {
		u64 a, b;

		memcpy(&a, ram + off, 8);
		memcpy(&b, want + off, 8);
		fail("guest RAM at 0x%llx holds 0x%016llx, not 0x%016llx, after the debugger left",
		     (unsigned long long)(RAM_BASE + off), (unsigned long long)a,
		     (unsigned long long)b);
	}
}
static u64 regime_regs[4][4];		/* sctlr, tcr, ttbr0, ttbr1 of each regime */
static bool trace;

static void __printf(1, 2) __noreturn fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz_gdb: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

static void must_be_paused(const char *what)
{
	if (!F.paused)
		fail("%s while the VM runs", what);
}

static struct fcpu *fcpu(unsigned int cpu, const char *what)
{
	if (cpu >= F.caps.nr_cpus)
		fail("%s of vCPU %u of %u", what, cpu, F.caps.nr_cpus);
	return &F.cpu[cpu];
}

static u64 reg_get(unsigned int cpu, unsigned int r)
{
	unsigned int size = gdb_arch__reg_size(r);
	u64 v = 0;

	memcpy(&v, F.cpu[cpu].reg[r], size < 8 ? size : 8);
	return v;
}

static void reg_set(unsigned int cpu, unsigned int r, u64 v)
{
	unsigned int size = gdb_arch__reg_size(r);

	memset(F.cpu[cpu].reg[r], 0, 16);
	memcpy(F.cpu[cpu].reg[r], &v, size < 8 ? size : 8);
}

/* ---- the fake VM --------------------------------------------------------- */

static int f_pause(struct gdb *g __unused)
{
	if (F.fail_pause) {
		F.fail_pause = false;
		F.pause_failed = true;
		return -ETIMEDOUT;
	}
	F.pause_failed = false;
	F.paused = true;
	return 0;
}

static bool f_paused(struct gdb *g __unused)
{
	return F.paused;
}

static void f_resume(struct gdb *g __unused)
{
	unsigned int i;

	must_be_paused("resume");
	F.outer = false;
	for (i = 0; i < F.caps.nr_cpus; i++)
		F.cpu[i].brk_taken = false;	/* a BRK not given back is dropped */
	F.paused = false;
}

static void f_hold(struct gdb *g __unused, unsigned int cpu, bool hold)
{
	must_be_paused("hold");
	fcpu(cpu, "hold")->held = hold;
}

static bool f_take_exit(struct gdb *g __unused, unsigned int cpu, struct gdb_exit *e)
{
	struct fcpu *c = fcpu(cpu, "take_exit");

	if (!c->exit_pending)
		return false;
	c->exit_pending = false;
	c->brk_taken = c->exit.esr >> 26 == 0x3c || c->exit.esr >> 26 == 0x38;	/* BRK, AArch32 BKPT */
	*e = c->exit;
	return true;
}

static int f_get_reg(struct gdb *g __unused, unsigned int cpu, unsigned int regno, u8 *val)
{
	unsigned int size = gdb_arch__reg_size(regno);

	must_be_paused("get_reg");
	fcpu(cpu, "get_reg");
	if (regno >= NREGS || !size)
		return -EINVAL;
	memcpy(val, F.cpu[cpu].reg[regno], size);
	return size;
}

static int f_set_reg(struct gdb *g __unused, unsigned int cpu, unsigned int regno, const u8 *val)
{
	unsigned int size = gdb_arch__reg_size(regno);

	must_be_paused("set_reg");
	fcpu(cpu, "set_reg");
	if (regno >= NREGS || !size)
		return -EINVAL;
	memcpy(F.cpu[cpu].reg[regno], val, size);
	return 0;
}

static int f_get_s1(struct gdb *g __unused, unsigned int cpu, struct s1_regs *r)
{
	must_be_paused("get_s1");
	fcpu(cpu, "get_s1");
	r->sctlr = reg_get(cpu, R_SCTLR);
	r->tcr = reg_get(cpu, R_TCR);
	r->ttbr0 = reg_get(cpu, R_TTBR0);
	r->ttbr1 = reg_get(cpu, R_TTBR1);
	return 0;
}

static void *f_ram(struct gdb *g __unused, u64 pa, u64 len)
{
	if (!F.pause_failed)		/* a leaving that could not pause takes its BRKs out */
		must_be_paused("ram");
	if (!len || len > 0x4000)
		fail("ram(0x%llx, %llu): no access is that size", (unsigned long long)pa,
		     (unsigned long long)len);
	if (pa < RAM_BASE || len > RAM_SIZE || pa - RAM_BASE > RAM_SIZE - len)
		return NULL;
	return ram + (pa - RAM_BASE);
}

static int f_set_debug(struct gdb *g __unused, unsigned int cpu, const struct gdb_debug *d)
{
	struct fcpu *c = fcpu(cpu, "set_debug");
	unsigned int i;

	must_be_paused("set_debug");
	if (!F.caps.debug)
		fail("set_debug without guest debug");
	c->debug_on = d != NULL;
	if (!d)
		return 0;
	for (i = 0; i < GDB_MAX_HW; i++) {
		if (d->regs.bcr[i] && (i >= F.caps.hw_bps || d->regs.bcr[i] != 0x1e7))
			fail("DBGBCR%u = 0x%llx with %u breakpoints", i,
			     (unsigned long long)d->regs.bcr[i], F.caps.hw_bps);
		if (d->regs.wcr[i] && (i >= F.caps.hw_wps || !(d->regs.wcr[i] & 1)))
			fail("DBGWCR%u = 0x%llx with %u watchpoints", i,
			     (unsigned long long)d->regs.wcr[i], F.caps.hw_wps);
	}
	/* guest debug on means our registers, zero or not: the guest's shadowed */
	if (!d->hw)
		fail("guest debug on without the debug registers (USE_HW)");
	return 0;
}

static int f_inject_brk(struct gdb *g __unused, unsigned int cpu, u32 esr)
{
	struct fcpu *c = fcpu(cpu, "inject_brk");

	must_be_paused("inject_brk");
	if (!c->brk_taken || esr != c->exit.esr)
		fail("inject_brk(%u, 0x%x) with no BRK taken from it", cpu, esr);
	c->brk_taken = false;
	return 0;
}

static void f_kill(struct gdb *g __unused)
{
}

static const struct gdb_ops fake_ops = {
	.pause		= f_pause,
	.paused		= f_paused,
	.resume		= f_resume,
	.hold		= f_hold,
	.take_exit	= f_take_exit,
	.get_reg	= f_get_reg,
	.set_reg	= f_set_reg,
	.get_s1		= f_get_s1,
	.ram		= f_ram,
	.set_debug	= f_set_debug,
	.inject_brk	= f_inject_brk,
	.kill		= f_kill,
};

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void f_send(void *opaque, const char *buf, size_t len)
{
	size_t i;
	u8 sum = 0;

	if (opaque != &F)
		fail("send with the wrong opaque");
	if (trace)
		fprintf(stderr, "-> %.*s\n", (int)(len < 200 ? len : 200), buf);
	if (!F.g || !gdb__attached(F.g))
		fail("sent \"%.*s\" with no debugger attached", (int)(len < 64 ? len : 64), buf);
	if (len == 1 && (buf[0] == '+' || buf[0] == '-'))
		return;
	if (len < 4 || buf[0] != '$' || buf[len - 3] != '#')
		fail("sent \"%.*s\": not a packet", (int)(len < 64 ? len : 64), buf);
	if (len > 2 * 0x4000 + 64 + 4)
		fail("a packet of %zu bytes", len);
	for (i = 1; i < len - 3; i++) {
		if (buf[i] == '$' || buf[i] == '#')
			fail("a raw '%c' at %zu of a packet", buf[i], i);
		sum += (u8)buf[i];
	}
	if (hexval(buf[len - 2]) != sum >> 4 || hexval(buf[len - 1]) != (sum & 15))
		fail("checksum %.2s, not %02x", buf + len - 2, sum);
	if ((buf[1] == 'T' || buf[1] == 'S') && len >= 7 && hexval(buf[2]) >= 0 &&
	    hexval(buf[3]) >= 0 && !F.paused)
		fail("a stop reply \"%.*s\" while the VM runs", (int)(len < 64 ? len : 64), buf);
}

/* ---- the guest's memory, made once ---------------------------------------- */

#define AF		(1ULL << 10)
#define SH		(3ULL << 8)

struct pt {
	unsigned int	g, ia;
	u64		next, end;
};

static u64 rd64(u64 pa)
{
	u64 v;

	memcpy(&v, ram_template + (pa - RAM_BASE), 8);
	return v;
}

static void wr64(u64 pa, u64 v)
{
	memcpy(ram_template + (pa - RAM_BASE), &v, 8);
}

static u64 pt_table(struct pt *t)
{
	u64 a = t->next;

	t->next += 1ULL << t->g;
	if (t->next > t->end)
		fail("the tables do not fit");
	memset(ram_template + (a - RAM_BASE), 0, 1ULL << t->g);
	return a;
}

static void pt_map(struct pt *t, u64 root, u64 va, u64 pa, int leaf)
{
	unsigned int s = t->g - 3;
	int start = 4 - (int)((t->ia - t->g + s - 1) / s), l;
	u64 table = root, mask = ((1ULL << 48) - 1) & ~((1ULL << t->g) - 1);

	for (l = start;; l++) {
		unsigned int shift = t->g + (3 - l) * s;
		unsigned int bits = l == start ? t->ia - shift : s;
		u64 at = table + (va >> shift & ((1ULL << bits) - 1)) * 8, d;

		if (l == leaf) {
			wr64(at, (pa & ~((1ULL << shift) - 1) & mask) | AF | SH | (l == 3 ? 3 : 1));
			return;
		}
		d = rd64(at);
		if (!(d & 1)) {
			d = pt_table(t) | 3;
			wr64(at, d);
		}
		table = d & mask;
	}
}

static void make_ram(void)
{
	static const u32 insns[] = {
		0xd503201f, 0xd50343df, 0xd50343ff, 0xd53b4220, 0xd51b4220, 0xd69f03e0,
		0xd4000001, 0xd4200000, 0xd4210000, 0x91000421, 0xd10543ff, 0xd65f03c0,
	};
	struct pt t4 = { .g = 12, .ia = 48, .next = RAM_BASE + TABLES_OFF,
			 .end = RAM_BASE + TABLES_4K_END };
	struct pt t64 = { .g = 16, .ia = 42, .next = RAM_BASE + TABLES_4K_END,
			  .end = RAM_BASE + RAM_SIZE };
	struct pt t16 = { .g = 14, .ia = 47 };
	u64 i, ttbr0, ttbr1, fw, root64, root16;

	ram = mmap(NULL, RAM_SIZE + 2 * GUARD, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	ram += GUARD;
	if (mprotect(ram, RAM_SIZE, PROT_READ | PROT_WRITE))
		fail("mprotect: %s", strerror(errno));

	/* code of every kind the stub cares about, then a pattern */
	for (i = 0; i < TABLES_OFF; i += 4) {
		u32 w = i < 0x20000 ? insns[(i / 4) % ARRAY_SIZE(insns)] : (u32)(i * 0x9e3779b1u);

		memcpy(ram_template + i, &w, 4);
	}

	/* 1: Linux: TTBR1 the kernel image (pages, then a block) and the linear map */
	ttbr1 = pt_table(&t4);
	ttbr0 = pt_table(&t4);
	for (i = 0; i < 16; i++)
		pt_map(&t4, ttbr1, KIMAGE + i * 0x1000, RAM_BASE + i * 0x1000, 3);
	pt_map(&t4, ttbr1, KIMAGE + 0x200000, RAM_BASE, 2);
	pt_map(&t4, ttbr1, LINEAR, RAM_BASE, 2);
	pt_map(&t4, ttbr0, RAM_BASE, RAM_BASE, 1);
	pt_map(&t4, ttbr0, 0x400000, RAM_BASE + 0x5000, 3);
	regime_regs[1][0] = 1;
	regime_regs[1][1] = 16 | 16ULL << 16 | 2ULL << 30 | 5ULL << 32 | 1ULL << 37;
	regime_regs[1][2] = ttbr0 | 0x42ULL << 48;
	regime_regs[1][3] = ttbr1;

	/* 2: the firmware: T0SZ 32, a 32-bit IPS, EPD1, 1G identity blocks */
	t4.ia = 32;
	fw = pt_table(&t4);
	pt_map(&t4, fw, RAM_BASE, RAM_BASE, 1);
	regime_regs[2][0] = 1;
	regime_regs[2][1] = 32 | 1ULL << 23;
	regime_regs[2][2] = fw;

	/* 3: 64K pages in TTBR0 (42 bits), 16K in TTBR1 (47 bits), tables in 64K ones */
	root64 = pt_table(&t64);
	pt_map(&t64, root64, RAM_BASE, RAM_BASE, 2);
	pt_map(&t64, root64, 0x10000, RAM_BASE + 0x10000, 3);
	t16.next = t64.next;
	t16.end = t64.end;
	t16.g = 14;
	root16 = pt_table(&t16);
	pt_map(&t16, root16, 0xffff800000000000ULL, RAM_BASE, 2);
	pt_map(&t16, root16, 0xffff800008004000ULL, RAM_BASE + 0x4000, 3);
	regime_regs[3][0] = 1;
	regime_regs[3][1] = 22 | 1ULL << 14 | 17ULL << 16 | 1ULL << 30 | 5ULL << 32;
	regime_regs[3][2] = root64;
	regime_regs[3][3] = root16;
}

/* ---- one input ------------------------------------------------------------ */

static void check_state(void)
{
	if (!gdb__attached(F.g))
		return;
	if (gdb__stopped(F.g) && !F.paused)
		fail("the stub is stopped, the VM runs");
	if (!gdb__stopped(F.g) && F.paused && !F.outer)
		fail("the stub is not stopped, the VM is paused (not by vmm pause)");
}

static void feed(const u8 *p, size_t n, size_t chunk)
{
	while (n) {
		size_t k = chunk && chunk < n ? chunk : n;
		u8 *c = malloc(k);		/* exactly: ASan sees a byte past it */

		if (!c)
			fail("out of memory");
		memcpy(c, p, k);
		gdb__input(F.g, c, k);
		free(c);
		check_state();
		p += k;
		n -= k;
	}
}

static const u32 exit_esr[8] = {
	0x3c << 26 | 1 << 25,			/* BRK #0 */
	0x3c << 26 | 1 << 25 | 0x800,		/* BRK #0x800: a WARN */
	0x30 << 26 | 1 << 25,			/* a hardware breakpoint */
	0x32 << 26 | 1 << 25,			/* a step */
	0x34 << 26 | 1 << 25 | 1 << 6,		/* a watchpoint (write) */
	0x35 << 26 | 1 << 25,			/* a watchpoint, same EL */
	0x38 << 26 | 1 << 25,			/* BKPT32 */
	0x15 << 26 | 1 << 25,			/* SVC: no debug exit at all */
};

static const u64 far_base[4] = { 0xffff800009a3c000ULL, RAM_BASE, 0, 0xffffffffffff0000ULL };

static void reset(const u8 *hdr)
{
	unsigned int i, c;

	if (F.g)
		gdb__free(F.g);
	memset(&F, 0, sizeof(F));
	memset(&mem, 0, sizeof(mem));
	memcpy(ram, ram_template, RAM_SIZE);
	F.caps = (struct gdb_caps){
		.nr_cpus = (hdr[0] & 3) + 1,
		.debug = !(hdr[0] & 4),
		.hw_bps = hdr[1] & 15,
		.hw_wps = hdr[1] >> 4,
	};
	for (c = 0; c < F.caps.nr_cpus; c++) {
		unsigned int regime = hdr[2] >> (2 * c) & 3;

		for (i = 0; i < NREGS; i++)
			memset(F.cpu[c].reg[i], (int)(c * 16 + i), 16);
		reg_set(c, R_PC, regime == 1 ? KIMAGE + 0x1000 : RAM_BASE + 0x1000);
		reg_set(c, R_CPSR, c & 1 ? 0x3c5 : 0x305);
		reg_set(c, R_SPSR, 0x3c5);
		reg_set(c, R_VBAR, RAM_BASE + 0x8000);
		reg_set(c, R_SCTLR, regime_regs[regime][0]);
		reg_set(c, R_TCR, regime_regs[regime][1]);
		reg_set(c, R_TTBR0, regime_regs[regime][2]);
		reg_set(c, R_TTBR1, regime_regs[regime][3]);
	}
	F.g = gdb__new(&fake_ops, &F, &F.caps, f_send);
	if (!F.g)
		fail("gdb__new");
	if (gdb__attach(F.g))
		fail("gdb__attach");
}

static void detach_and_check(void)
{
	unsigned int i;

	F.fail_pause = false;
	if (gdb__attached(F.g))
		gdb__detach(F.g);
	if (gdb__attached(F.g))
		fail("still attached after gdb__detach");
	if (F.ended)
		return;
	if (gdb__on_exit(F.g))
		fail("gdb__on_exit failed with a VM that pauses");
	if (F.paused != F.outer)
		fail("the VM %s after the debugger left%s", F.paused ? "stays paused" : "runs",
		     F.outer ? ", paused by vmm pause before" : "");
	for (i = 0; i < F.caps.nr_cpus; i++) {
		if (F.cpu[i].held)
			fail("vCPU %u held after the debugger left", i);
		if (F.cpu[i].debug_on)
			fail("vCPU %u: guest debug on after the debugger left", i);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 hdr[3] = { 0 };
	size_t i = 0, chunk;
	static u8 *run;
	static size_t run_cap;
	size_t run_len = 0;

	if (!ram) {
		log_level = LOG_ERR;
		trace = getenv("FUZZ_GDB_TRACE") != NULL;
		make_ram();
	}
	memcpy(hdr, data, size < 3 ? size : 3);
	reset(hdr);
	chunk = hdr[0] >> 3;
	for (i = size < 3 ? size : 3; i <= size; ) {
		size_t left = size - i;
		u8 op;

		/* the bytes up to the next command, 0xff 0xff unescaped */
		if (i < size && data[i] != 0xff) {
			if (run_len == run_cap) {
				run_cap = run_cap ? 2 * run_cap : 4096;
				run = realloc(run, run_cap);
				if (!run)
					fail("out of memory");
			}
			stream_byte(data[i]);
			run[run_len++] = data[i++];
			continue;
		}
		if (left >= 2 && data[i + 1] == 0xff) {
			if (run_len == run_cap) {
				run_cap = run_cap ? 2 * run_cap : 4096;
				run = realloc(run, run_cap);
				if (!run)
					fail("out of memory");
			}
			stream_byte(0xff);
			run[run_len++] = 0xff;
			i += 2;
			continue;
		}
		feed(run, run_len, chunk);
		run_len = 0;
		if (left < 2)
			break;
		op = data[i + 1];
		i += 2;
		left -= 2;
		switch (op) {
		case 0: {
			unsigned int c, k;

			if (left < 4)
				goto out;
			c = data[i] % F.caps.nr_cpus;
			k = data[i + 1];
			F.cpu[c].exit_pending = true;
			F.cpu[c].exit = (struct gdb_exit){
				.pending = true,
				.esr = exit_esr[k & 7],
				.far = far_base[k >> 3 & 3] + (data[i + 2] | data[i + 3] << 8),
			};
			i += 4;
			gdb__on_exit(F.g);
			check_state();
			break;
		}
		case 1: {
			u64 idx, v;

			if (left < 10)
				goto out;
			idx = (data[i] | data[i + 1] << 8) & 0x7fff;
			memcpy(&v, data + i + 2, 8);
			guest_write(TABLES_OFF + idx * 8, &v, 8);
			i += 10;
			break;
		}
		case 2: {
			unsigned int c, r;
			u64 v;

			if (left < 10)
				goto out;
			c = data[i] % F.caps.nr_cpus;
			r = data[i + 1] % NREGS;
			memcpy(&v, data + i + 2, 8);
			reg_set(c, r, v);
			i += 10;
			break;
		}
		case 3:
			if (left < 1)
				goto out;
			chunk = data[i++];
			break;
		case 4:
			if (left < 1)
				goto out;
			if (gdb__attached(F.g)) {
				gdb__vm_ended(F.g, data[i]);
				F.ended = true;
			}
			i++;
			break;
		case 5:
			if (F.ended)
				break;
			detach_and_check();
			F.fail_pause = false;
			if (gdb__attach(F.g))
				fail("gdb__attach");
			break;
		case 6:
			F.fail_pause = true;
			break;
		case 8:
			if (!F.paused)
				F.paused = F.outer = true;
			break;
		case 9:
			if (F.outer && !gdb__stopped(F.g))
				F.paused = F.outer = false;
			break;
		case 7: {
			u64 off;

			if (left < 6)
				goto out;
			off = (u64)(data[i] | data[i + 1] << 8) * 4;
			guest_write(off, data + i + 2, 4);
			i += 6;
			break;
		}
		default:
			break;
		}
	}
out:
	detach_and_check();
	check_ram();
	gdb__free(F.g);
	F.g = NULL;
	return 0;
}
