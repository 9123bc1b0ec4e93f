// SPDX-License-Identifier: GPL-2.0
/*
 * test_gdb.c - the GDB remote stub: the protocol and the session
 * (vmm/gdb.c) driven with real packets through a fake VM, and what it
 * knows of AArch64 (vmm/arm64/gdb.c): the stage-1 walk against synthetic
 * translation tables, the debug registers' encodings, the exception
 * classes of debug exits and the DAIF decoder.
 *
 * The expected values come from the GDB manual's Remote Protocol appendix
 * (framing, packets, stop replies, the AArch64 features) and the Arm ARM
 * (DDI 0487: D8 for the VMSAv8-64 translation, D2 and the DBGBCR/DBGWCR
 * descriptions for the debug registers, ESR_ELx.EC), never from the code.
 *
 * The fake VM (struct gdb_ops) has RAM_SIZE of RAM at RAM_BASE and a
 * register file per vCPU indexed by gdb's register numbers; get_s1 gives
 * sctlr_el1, tcr_el1, ttbr0_el1 and ttbr1_el1 of that file, so a P packet
 * changes what m reads.  It records every call, and fails the test if the
 * stub touches a vCPU, its debug state or guest RAM while the VM runs.
 * What the stub sends is collected in F.out; rq() sends one packet
 * (framed, its checksum computed here) and checks that exactly one reply
 * came back, acked and with a good checksum.
 *
 * A test whose comment starts with FAILS: found a bug in the stub and is
 * left failing until the stub is fixed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/gdb.h"
#include "unit.h"

#define RAM_BASE	0x80000000ULL
#define RAM_SIZE	(16ULL << 20)
#define NREGS		84		/* x0-x30 sp pc cpsr v0-v31 fpsr fpcr tpidr + 15 EL1 */

/* gdb's register numbers (GDB manual, AArch64 Features; our EL1 feature) */
#define R_X(n)		(n)
#define R_SP		31
#define R_PC		32
#define R_CPSR		33
#define R_V(n)		(34 + (n))
#define R_FPSR		66
#define R_FPCR		67
#define R_TPIDR		68
#define R_SPSR		(69 + 3)
#define R_ELR		(69 + 2)
#define R_SCTLR		(69 + 6)
#define R_TCR		(69 + 7)
#define R_TTBR0		(69 + 8)
#define R_TTBR1		(69 + 9)
#define R_VBAR		(69 + 11)

/* A64 instructions */
#define NOP		0xd503201fu
#define ADD_X1		0x91000421u	/* add x1, x1, #1 */
#define SVC0		0xd4000001u
#define BRK0		0xd4200000u
#define SUB_SP		0xd10543ffu	/* sub sp, sp, #0x150: kernel_ventry's first */
#define DAIFSET3	0xd50343dfu	/* msr daifset, #3 */
#define DAIFCLR3	0xd50343ffu	/* msr daifclr, #3 */
#define MRS_DAIF	0xd53b4220u	/* mrs x0, daif */

/* PSTATE: EL1h with D and A, and with I and F masked too */
#define EL1H_DA		0x305
#define EL1H_DAIF	0x3c5
#define PSTATE_IF	0xc0

/* ESR_ELx: EC[31:26], IL[25] */
#define ESR(ec, iss)	((u32)(ec) << 26 | 1u << 25 | (u32)(iss))
#define EC_BRK		0x3c
#define EC_HWBP		0x30
#define EC_STEP		0x32
#define EC_WATCH	0x34

/* TCR_EL1 (D19.2) */
#define T0SZ(n)		((u64)(n))
#define EPD0		(1ULL << 7)
#define TG0_4K		(0ULL << 14)
#define TG0_64K		(1ULL << 14)
#define TG0_16K		(2ULL << 14)
#define T1SZ(n)		((u64)(n) << 16)
#define EPD1		(1ULL << 23)
#define TG1_16K		(1ULL << 30)
#define TG1_4K		(2ULL << 30)
#define TG1_64K		(3ULL << 30)
#define IPS(n)		((u64)(n) << 32)
#define TBI0		(1ULL << 37)
#define TBI1		(1ULL << 38)
#define TCR_DS		(1ULL << 59)

/* ---- the fake VM --------------------------------------------------------- */

struct fcpu {
	u8		reg[NREGS][16];
	bool		exit_pending;
	struct gdb_exit	exit;
	bool		held;
	unsigned int	debug_calls;
	bool		debug_on;	/* the last set_debug had a struct: */
	struct gdb_debug debug;		/* this one */
	unsigned int	injects;
	u32		inject_esr;
	/* as the last resume found it */
	u64		cpsr_at_resume;
	bool		held_at_resume;
};

static struct {
	struct gdb	*g;
	struct gdb_caps	caps;
	u8		*ram;
	struct fcpu	*cpu;
	bool		paused;
	int		pause_ret;
	unsigned int	pauses, resumes, kills;
	int		bad_reg;		/* get_reg of it fails; -1: none */
	int		bad_set_reg;		/* set_reg of it fails; -1: none */
	bool		s1_fails;		/* get_s1 fails */
	unsigned int	nset;			/* set_reg calls, */
	unsigned int	set_log[512];		/* each cpu << 16 | regno */
	char		out[1 << 17];		/* all the stub sent */
	size_t		out_len;
	bool		noack;			/* QStartNoAckMode was agreed */
	bool		ram_while_running;	/* ram() allowed then */
} F;

static void must_be_paused(const char *what)
{
	ck_assert_msg(F.paused, "the stub called %s while the VM runs", what);
}

static struct fcpu *fcpu(unsigned int cpu)
{
	ck_assert_msg(cpu < F.caps.nr_cpus, "vCPU %u of %u", cpu, F.caps.nr_cpus);
	return &F.cpu[cpu];
}

static int f_pause(struct gdb *g)
{
	ck_assert_ptr_eq(gdb__opaque(g), &F);
	F.pauses++;
	if (F.pause_ret)
		return F.pause_ret;
	F.paused = true;
	return 0;
}

static bool f_paused(struct gdb *g __unused)
{
	return F.paused;
}

static u64 reg_get(unsigned int cpu, unsigned int r);

static void f_resume(struct gdb *g __unused)
{
	unsigned int i;

	must_be_paused("resume");
	for (i = 0; i < F.caps.nr_cpus; i++) {
		F.cpu[i].cpsr_at_resume = reg_get(i, R_CPSR);
		F.cpu[i].held_at_resume = F.cpu[i].held;
	}
	F.resumes++;
	F.paused = false;
}

static void f_hold(struct gdb *g __unused, unsigned int cpu, bool hold)
{
	must_be_paused("hold");
	fcpu(cpu)->held = hold;
}

static bool f_take_exit(struct gdb *g __unused, unsigned int cpu, struct gdb_exit *e)
{
	struct fcpu *c = fcpu(cpu);

	if (!c->exit_pending)
		return false;
	*e = c->exit;
	c->exit_pending = false;
	return true;
}

static int f_get_reg(struct gdb *g __unused, unsigned int cpu, unsigned int regno, u8 *val)
{
	unsigned int size = gdb_arch__reg_size(regno);

	must_be_paused("get_reg");
	fcpu(cpu);
	if (regno >= NREGS || !size)
		return -EINVAL;
	if ((int)regno == F.bad_reg)
		return -EIO;
	memcpy(val, F.cpu[cpu].reg[regno], size);
	return size;
}

static int f_set_reg(struct gdb *g __unused, unsigned int cpu, unsigned int regno, const u8 *val)
{
	unsigned int size = gdb_arch__reg_size(regno);

	must_be_paused("set_reg");
	fcpu(cpu);
	if (regno >= NREGS || !size)
		return -EINVAL;
	if ((int)regno == F.bad_set_reg)
		return -EINVAL;
	if (F.nset < ARRAY_SIZE(F.set_log))
		F.set_log[F.nset] = cpu << 16 | regno;
	F.nset++;
	memcpy(F.cpu[cpu].reg[regno], val, size);
	return 0;
}

static int f_get_s1(struct gdb *g __unused, unsigned int cpu, struct s1_regs *r)
{
	must_be_paused("get_s1");
	fcpu(cpu);
	if (F.s1_fails)
		return -EIO;
	r->sctlr = reg_get(cpu, R_SCTLR);
	r->tcr = reg_get(cpu, R_TCR);
	r->ttbr0 = reg_get(cpu, R_TTBR0);
	r->ttbr1 = reg_get(cpu, R_TTBR1);
	return 0;
}

static void *f_ram(struct gdb *g __unused, u64 pa, u64 len)
{
	if (!F.ram_while_running)
		must_be_paused("ram");
	ck_assert_msg(len > 0, "ram(0x%llx, 0)", (unsigned long long)pa);
	if (pa < RAM_BASE || len > RAM_SIZE || pa - RAM_BASE > RAM_SIZE - len)
		return NULL;
	return F.ram + (pa - RAM_BASE);
}

static int f_set_debug(struct gdb *g __unused, unsigned int cpu, const struct gdb_debug *d)
{
	struct fcpu *c = fcpu(cpu);

	must_be_paused("set_debug");
	ck_assert_msg(F.caps.debug, "set_debug without KVM_CAP_SET_GUEST_DEBUG");
	c->debug_calls++;
	c->debug_on = d != NULL;
	if (d)
		c->debug = *d;
	else
		memset(&c->debug, 0, sizeof(c->debug));
	return 0;
}

static int f_inject_brk(struct gdb *g __unused, unsigned int cpu, u32 esr)
{
	struct fcpu *c = fcpu(cpu);

	must_be_paused("inject_brk");
	c->injects++;
	c->inject_esr = esr;
	return 0;
}

static void f_kill(struct gdb *g __unused)
{
	F.kills++;
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

static void f_send(void *opaque, const char *buf, size_t len)
{
	ck_assert_ptr_eq(opaque, &F);
	ck_assert_uint_gt(len, 0);
	ck_assert_msg(F.out_len + len <= sizeof(F.out), "the stub sent too much");
	memcpy(F.out + F.out_len, buf, len);
	F.out_len += len;
}

/* ---- the fake's state, as tests set and read it ---------------------------- */

static void reg_set(unsigned int cpu, unsigned int r, u64 v)
{
	memset(F.cpu[cpu].reg[r], 0, sizeof(F.cpu[cpu].reg[r]));
	memcpy(F.cpu[cpu].reg[r], &v, gdb_arch__reg_size(r) < 8 ? gdb_arch__reg_size(r) : 8);
}

static u64 reg_get(unsigned int cpu, unsigned int r)
{
	u64 v = 0;

	memcpy(&v, F.cpu[cpu].reg[r], gdb_arch__reg_size(r) < 8 ? gdb_arch__reg_size(r) : 8);
	return v;
}

static u8 *ram_at(u64 pa)
{
	ck_assert(pa >= RAM_BASE && pa - RAM_BASE < RAM_SIZE);
	return F.ram + (pa - RAM_BASE);
}

static u32 ram_r32(u64 pa)
{
	u32 v;

	memcpy(&v, ram_at(pa), 4);
	return v;
}

static void ram_w32(u64 pa, u32 v)
{
	memcpy(ram_at(pa), &v, 4);
}

static u64 ram_rd64(u64 pa)
{
	u64 v;

	memcpy(&v, ram_at(pa), 8);
	return v;
}

static void ram_wr64(u64 pa, u64 v)
{
	memcpy(ram_at(pa), &v, 8);
}

#define PC0	(RAM_BASE + 0x1000)		/* where every vCPU starts */
#define VBAR	(RAM_BASE + 0x10000)

static u64 linux_ttbr0, linux_ttbr1;	/* linux_tables() made them */

static void fake_init(unsigned int nr_cpus, bool debug, unsigned int bps, unsigned int wps)
{
	unsigned int c, r, i;

	if (F.g)
		gdb__free(F.g);
	free(F.ram);
	free(F.cpu);
	memset(&F, 0, sizeof(F));
	F.bad_reg = F.bad_set_reg = -1;
	linux_ttbr0 = linux_ttbr1 = 0;
	F.ram = malloc(RAM_SIZE);
	F.cpu = calloc(nr_cpus, sizeof(*F.cpu));
	ck_assert(F.ram && F.cpu);
	for (i = 0; i < RAM_SIZE; i++)
		F.ram[i] = (u8)(i * 7 + (i >> 8) * 13 + 1);
	for (c = 0; c < nr_cpus; c++) {
		for (r = 0; r < NREGS; r++)
			for (i = 0; i < 16; i++)
				F.cpu[c].reg[r][i] = (u8)(c * 0x41 + r * 3 + i + 1);
		reg_set(c, R_PC, PC0);
		reg_set(c, R_CPSR, EL1H_DAIF);
		reg_set(c, R_SPSR, EL1H_DAIF);
		reg_set(c, R_VBAR, VBAR);
		reg_set(c, R_SCTLR, 0);		/* the MMU off: VA = IPA */
		reg_set(c, R_TCR, 0);
		reg_set(c, R_TTBR0, 0);
		reg_set(c, R_TTBR1, 0);
	}
	ram_w32(PC0, NOP);
	F.caps = (struct gdb_caps){ .nr_cpus = nr_cpus, .debug = debug,
				    .hw_bps = bps, .hw_wps = wps };
	F.g = gdb__new(&fake_ops, &F, &F.caps, f_send);
	ck_assert_ptr_nonnull(F.g);
	ck_assert_int_eq(gdb__attach(F.g), 0);
	ck_assert(F.paused);
	ck_assert(gdb__attached(F.g) && gdb__stopped(F.g));
	ck_assert_msg(F.out_len == 0, "the stub spoke first");
}

static void gdb_setup(void)
{
	fake_init(3, true, 2, 2);
}

static void gdb_teardown(void)
{
	gdb__free(F.g);
	free(F.ram);
	free(F.cpu);
	memset(&F, 0, sizeof(F));
}

/* ---- packets --------------------------------------------------------------- */

static const char hexd[] = "0123456789abcdef";

static void raw(const void *s, size_t n)
{
	gdb__input(F.g, s, n);
}

#define RAW(s)	raw(s, sizeof(s) - 1)

/* "$<payload>#<checksum>" into @dst: its length. */
static size_t framed(char *dst, const char *p, size_t n)
{
	u8 sum = 0;
	size_t i;

	dst[0] = '$';
	for (i = 0; i < n; i++) {
		dst[1 + i] = p[i];
		sum += (u8)p[i];
	}
	dst[1 + n] = '#';
	dst[2 + n] = hexd[sum >> 4];
	dst[3 + n] = hexd[sum & 15];
	return n + 4;
}

static char pkt_buf[0x10000];

static void send_pkt_n(const char *p, size_t n)
{
	ck_assert_uint_lt(n + 4, sizeof(pkt_buf));
	raw(pkt_buf, framed(pkt_buf, p, n));
}

static char reply[1 << 17];
static size_t reply_len;

/*
 * What the stub sent is exactly one packet, after the '+' for ours if
 * @acked in ack mode, its checksum right: its payload, NUL-terminated.
 */
static const char *parse(bool acked)
{
	size_t i = 0, k, end;
	u8 sum = 0;

	if (acked && !F.noack) {
		ck_assert_msg(F.out_len >= 1 && F.out[0] == '+', "not acked: \"%.*s\"",
			      (int)F.out_len, F.out);
		i = 1;
	}
	ck_assert_msg(F.out_len >= i + 4 && F.out[i] == '$', "no packet: \"%.*s\"",
		      (int)F.out_len, F.out);
	end = F.out_len - 3;
	ck_assert_msg(F.out[end] == '#', "not one packet: \"%.*s\"", (int)F.out_len, F.out);
	for (k = i + 1; k < end; k++) {
		ck_assert_msg(F.out[k] != '$' && F.out[k] != '#',
			      "a raw '%c' inside a packet: \"%.*s\"", F.out[k],
			      (int)F.out_len, F.out);
		sum += (u8)F.out[k];
	}
	ck_assert_msg(F.out[end + 1] == hexd[sum >> 4] && F.out[end + 2] == hexd[sum & 15],
		      "checksum %.2s, not %02x", F.out + end + 1, sum);
	reply_len = end - i - 1;
	memcpy(reply, F.out + i + 1, reply_len);
	reply[reply_len] = 0;
	F.out_len = 0;
	return reply;
}

/* Send a packet: the reply's payload. */
static const char *rq_n(const char *p, size_t n)
{
	F.out_len = 0;
	send_pkt_n(p, n);
	return parse(true);
}

static const char *rq(const char *p)
{
	return rq_n(p, strlen(p));
}

/* Send a packet that gets no reply now (a resume): only the ack. */
static void rq_none(const char *p)
{
	F.out_len = 0;
	send_pkt_n(p, strlen(p));
	if (F.noack)
		ck_assert_msg(F.out_len == 0, "sent \"%.*s\"", (int)F.out_len, F.out);
	else
		ck_assert_msg(F.out_len == 1 && F.out[0] == '+', "sent \"%.*s\"",
			      (int)F.out_len, F.out);
	F.out_len = 0;
}

/* Two strings the same; a long one shown cut (check's messages are short). */
#define ck_str(a, b)							\
	do {								\
		const char *__a = (a), *__b = (b);			\
		ck_assert_msg(!strcmp(__a, __b), "\"%.100s\"%s is not \"%.100s\"%s", \
			      __a, strlen(__a) > 100 ? "..." : "", __b,	\
			      strlen(__b) > 100 ? "..." : "");		\
	} while (0)

/* "Enn" */
#define ck_err(s)							\
	do {								\
		const char *__s = (s);					\
		ck_assert_msg(__s[0] == 'E' && isxdigit((unsigned char)__s[1]) && \
			      isxdigit((unsigned char)__s[2]) && !__s[3], \
			      "not an error reply: \"%s\"", __s);	\
	} while (0)

static void tohex(char *dst, const void *src, size_t n)
{
	const u8 *b = src;
	size_t i;

	for (i = 0; i < n; i++) {
		dst[2 * i] = hexd[b[i] >> 4];
		dst[2 * i + 1] = hexd[b[i] & 15];
	}
	dst[2 * n] = 0;
}

static int hexv(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Lowercase hex text to @n bytes (the stub sends lowercase). */
static void unhex(u8 *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		ck_assert_msg(hexv(src[2 * i]) >= 0 && hexv(src[2 * i + 1]) >= 0,
			      "not hex: \"%.2s\"", src + 2 * i);
		dst[i] = hexv(src[2 * i]) << 4 | hexv(src[2 * i + 1]);
	}
}

/* The hex of @n bytes of RAM at @pa. */
static const char *ram_hex(u64 pa, size_t n)
{
	static char buf[2 * 0x4000 + 1];

	tohex(buf, ram_at(pa), n);
	return buf;
}

static const char *pkt(const char *fmt, ...) __printf(1, 2);
static const char *pkt(const char *fmt, ...)
{
	static char buf[0x9000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/* vCPU @cpu records a debug exit; the stub is told: what it sent. */
static void exit_on(unsigned int cpu, u32 esr, u64 far)
{
	struct fcpu *c = fcpu(cpu);

	c->exit_pending = true;
	c->exit = (struct gdb_exit){ .pending = true, .esr = esr, .far = far };
}

static const char *on_exit_reply(void)
{
	F.out_len = 0;
	gdb__on_exit(F.g);
	ck_assert(F.paused);
	ck_assert(gdb__stopped(F.g));
	return parse(false);
}

/* The stub took the exits, gave gdb nothing and let the VM run on. */
static void on_exit_silent(void)
{
	unsigned int resumes = F.resumes;

	F.out_len = 0;
	gdb__on_exit(F.g);
	ck_assert_msg(F.out_len == 0, "sent \"%.*s\"", (int)F.out_len, F.out);
	ck_assert_uint_eq(F.resumes, resumes + 1);
	ck_assert(!F.paused);
	ck_assert(!gdb__stopped(F.g));
}

/* ---- translation tables, for the fake RAM and the walker tests ------------ */

#define GENMASK(h, l)	((~0ULL >> (63 - (h))) & (~0ULL << (l)))
#define AF		(1ULL << 10)
#define SH_INNER	(3ULL << 8)

/*
 * A table builder for one granule and region size: descriptors in the
 * format the Arm ARM gives for 48-bit output addresses, 52-bit ones with
 * 64K pages (FEAT_LPA: OA[51:48] in [15:12]) or TCR.DS (FEAT_LPA2:
 * OA[51:50] in [9:8]).
 */
struct pt {
	unsigned int	g;		/* granule shift: 12, 14, 16 */
	unsigned int	ia;		/* input address bits: 64 - TxSZ */
	bool		ds, lpa;
	u64		next;		/* where the next table goes */
	u64		(*rd)(u64 pa);
	void		(*wr)(u64 pa, u64 v);
};

static int pt_start(const struct pt *t)
{
	unsigned int s = t->g - 3;

	return 4 - (int)((t->ia - t->g + s - 1) / s);
}

static unsigned int pt_shift(const struct pt *t, int level)
{
	return t->g + (3 - level) * (t->g - 3);
}

static u64 oa_desc(const struct pt *t, u64 oa)
{
	if (t->ds)
		return (oa & GENMASK(49, t->g)) | (oa >> 50 & 3) << 8;
	if (t->lpa)
		return (oa & GENMASK(47, 16)) | (oa >> 48 & 0xf) << 12;
	return oa & GENMASK(47, t->g);
}

static u64 desc_oa(const struct pt *t, u64 d)
{
	if (t->ds)
		return (d & GENMASK(49, t->g)) | (d >> 8 & 3) << 50;
	if (t->lpa)
		return (d & GENMASK(47, 16)) | (d >> 12 & 0xf) << 48;
	return d & GENMASK(47, t->g);
}

static u64 pt_table(struct pt *t)
{
	u64 a = t->next, i;

	t->next += 1ULL << t->g;
	for (i = 0; i < (1ULL << t->g); i += 8)
		t->wr(a + i, 0);
	return a;
}

/* Where the descriptor for @va at @level is, tables made as needed down to it. */
static u64 pt_slot(struct pt *t, u64 root, u64 va, int level)
{
	int l, start = pt_start(t);
	u64 table = root;

	for (l = start;; l++) {
		unsigned int shift = pt_shift(t, l);
		unsigned int bits = l == start ? t->ia - shift : t->g - 3;
		u64 at = table + (va >> shift & ((1ULL << bits) - 1)) * 8, d;

		if (l == level)
			return at;
		d = t->rd(at);
		if (!(d & 1)) {
			d = oa_desc(t, pt_table(t)) | 3;
			t->wr(at, d);
		}
		table = desc_oa(t, d);
	}
}

/* Map @va to @pa with a page (level 3) or a block at @level. */
static void pt_map(struct pt *t, u64 root, u64 va, u64 pa, int level)
{
	u64 attr = AF | (t->ds ? 0 : SH_INNER);

	t->wr(pt_slot(t, root, va, level),
	      oa_desc(t, pa & ~((1ULL << pt_shift(t, level)) - 1)) | attr | (level == 3 ? 3 : 1));
}

/*
 * In the fake RAM, as an arm64 Linux with 4K pages and 48-bit VAs has it,
 * and the firmware: the kernel image at KIMAGE (pages, then a 2M block),
 * the linear map at LINEAR (2M blocks), two pages at SCATTER mapped out of
 * order before a hole; TTBR0 an identity map of a 1G block.
 */
#define TABLES		(RAM_BASE + 0xc00000)
#define KIMAGE		0xffff800008000000ULL
#define LINEAR		0xffff000000000000ULL
#define SCATTER		0xffff800010000000ULL
#define LINUX_TCR	(T0SZ(16) | TG0_4K | T1SZ(16) | TG1_4K | IPS(5) | TBI0)

static void linux_tables(void)
{
	struct pt t = { .g = 12, .ia = 48, .next = TABLES, .rd = ram_rd64, .wr = ram_wr64 };
	u64 off;
	int i;

	linux_ttbr1 = pt_table(&t);
	linux_ttbr0 = pt_table(&t);
	for (i = 0; i < 16; i++)
		pt_map(&t, linux_ttbr1, KIMAGE + i * SZ_4K, RAM_BASE + i * SZ_4K, 3);
	pt_map(&t, linux_ttbr1, KIMAGE + SZ_2M, RAM_BASE + SZ_2M, 2);
	for (off = 0; off < RAM_SIZE; off += SZ_2M)
		pt_map(&t, linux_ttbr1, LINEAR + off, RAM_BASE + off, 2);
	pt_map(&t, linux_ttbr1, SCATTER, RAM_BASE + 0x5000, 3);
	pt_map(&t, linux_ttbr1, SCATTER + SZ_4K, RAM_BASE + 0x3000, 3);
	pt_map(&t, linux_ttbr0, RAM_BASE, RAM_BASE, 1);
	ck_assert_uint_le(t.next, RAM_BASE + RAM_SIZE);
}

static void mmu_linux(unsigned int cpu)
{
	if (!linux_ttbr1)
		linux_tables();
	reg_set(cpu, R_SCTLR, 1);
	reg_set(cpu, R_TCR, LINUX_TCR);
	reg_set(cpu, R_TTBR0, linux_ttbr0 | 0x42ULL << 48);	/* an ASID */
	reg_set(cpu, R_TTBR1, linux_ttbr1);
}

/* ==== the protocol =========================================================== */

START_TEST(gdb_ack_and_reply)
{
	F.out_len = 0;
	RAW("$?#3f");
	ck_assert_uint_eq(F.out_len, 1 + 4 + strlen("T05thread:1;"));
	ck_str(parse(true), "T05thread:1;");
}
END_TEST

START_TEST(gdb_nack_retransmits)
{
	char first[64];
	size_t n;

	F.out_len = 0;
	RAW("-");			/* nothing sent yet: nothing to send again */
	ck_assert_uint_eq(F.out_len, 0);
	ck_str(rq("qC"), "QC1");
	ck_str(rq("qAttached"), "1");
	F.out_len = 0;
	RAW("-");
	n = framed(first, "1", 1);
	ck_assert_uint_eq(F.out_len, n);
	ck_assert_mem_eq(F.out, first, n);
	F.out_len = 0;
	RAW("--");			/* as often as asked */
	ck_assert_uint_eq(F.out_len, 2 * n);
	ck_assert_mem_eq(F.out + n, first, n);
	F.out_len = 0;
	RAW("+");			/* an ack: nothing */
	ck_assert_uint_eq(F.out_len, 0);
}
END_TEST

/*
 * Was a bug, fixed: a '-' sends the last reply again even after gdb acked it with
 * '+' and sent its next packet (gdb.c gdb__input keeps g->last until the
 * next reply), so noise after a continue sends the last stop reply again
 * while the VM runs, and gdb, waiting for the stop, takes it for one.
 */
START_TEST(gdb_nack_after_ack_resends_nothing)
{
	ck_str(rq("?"), "T05thread:1;");
	RAW("+");
	rq_none("vCont;c");
	F.out_len = 0;
	RAW("-");
	ck_assert_msg(F.out_len == 0, "sent \"%.*s\" while the VM runs", (int)F.out_len, F.out);
}
END_TEST

START_TEST(gdb_bad_checksum)
{
	F.out_len = 0;
	RAW("$?#00");
	ck_assert_uint_eq(F.out_len, 1);
	ck_assert_int_eq(F.out[0], '-');
	F.out_len = 0;
	RAW("$?#zz");			/* not hex */
	ck_assert_int_eq(F.out[0], '-');
	F.out_len = 0;
	RAW("$?#3z");
	ck_assert_uint_eq(F.out_len, 1);
	ck_assert_int_eq(F.out[0], '-');
	F.out_len = 0;
	RAW("$?#3F");			/* uppercase hex is hex */
	ck_str(parse(true), "T05thread:1;");
	ck_str(rq("?"), "T05thread:1;");
}
END_TEST

START_TEST(gdb_no_ack_mode)
{
	F.out_len = 0;
	send_pkt_n("QStartNoAckMode", 15);
	/* the packet that asks is acked, its reply is the last ack-mode reply */
	ck_str(parse(true), "OK");
	F.noack = true;
	RAW("+");
	F.out_len = 0;
	RAW("$?#3f");
	ck_str(parse(false), "T05thread:1;");
	RAW("-");			/* no retransmission */
	ck_assert_uint_eq(F.out_len, 0);
	RAW("$?#00");			/* bad checksum: no '-' either */
	ck_assert_uint_eq(F.out_len, 0);
	ck_str(rq("qC"), "QC1");
}
END_TEST

START_TEST(gdb_qsupported)
{
	char first[256];
	const char *r = rq("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;"
			   "fork-events+;vfork-events+;exec-events+;vContSupported+;"
			   "QThreadEvents+;no-resumed+;memory-tagging+");

	ck_str(r, "PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;"
			 "vContSupported+;QStartNoAckMode+");
	/* PacketSize is hex and holds the 1576 characters of a g reply */
	ck_assert_uint_ge(strtoul(r + strlen("PacketSize="), NULL, 16), 1576 + 4);
	ck_assert_ptr_null(strstr(r, "multiprocess"));
	ck_assert_ptr_null(strstr(r, "memory-tagging"));
	snprintf(first, sizeof(first), "%s", r);
	ck_str(rq("qSupported"), first);
}
END_TEST

START_TEST(gdb_unknown_packets_empty)
{
	static const char *const unknown[] = {
		"vMustReplyEmpty", "qTStatus", "qOffsets", "QNonStop:1", "!",
		"vFile:setfs:0", "qXfer:exec-file:read::0,fff", "qXfer:threads:read::0,fff",
		"QThreadEvents:1", "qMemTags:80000000,10:1", "bc", "gx", "Z5,80001000,4",
		"QPassSignals:", "jMTPI",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		ck_assert_msg(!strcmp(rq(unknown[i]), ""), "%s: \"%s\"", unknown[i], reply);
	ck_str(rq("qSymbol::"), "OK");
}
END_TEST

/* ---- target.xml --------------------------------------------------------------- */

static char xml[0x10000];
static size_t xml_len;

/* The document, read @chunk bytes at a time as gdb does, unescaped. */
static void read_xml(unsigned int chunk)
{
	unsigned int reads = 0;

	xml_len = 0;
	for (;;) {
		const char *r = rq(pkt("qXfer:features:read:target.xml:%zx,%x", xml_len, chunk));
		size_t i, got = 0;

		ck_assert_msg(r[0] == 'm' || r[0] == 'l', "reply \"%.20s\"", r);
		for (i = 1; r[i]; i++, got++) {
			char c = r[i];

			if (c == '}')
				c = r[++i] ^ 0x20;
			ck_assert_uint_lt(xml_len, sizeof(xml) - 1);
			xml[xml_len++] = c;
		}
		ck_assert_uint_le(got, chunk);
		ck_assert_uint_lt(++reads, 100000);
		if (r[0] == 'l')
			break;
		ck_assert_uint_gt(got, 0);	/* 'm' with nothing: gdb would loop */
	}
	xml[xml_len] = 0;
}

/* Well-formed: every tag closed, in order, one root. */
static void ck_well_formed(const char *doc)
{
	const char *stack[16], *p = doc;
	size_t len[16];
	int depth = 0, roots = 0;

	while ((p = strchr(p, '<'))) {
		const char *end = strchr(p, '>'), *name = p + 1;
		size_t n;

		ck_assert_ptr_nonnull(end);
		if (p[1] == '?' || p[1] == '!') {
			p = end;
			continue;
		}
		if (p[1] == '/')
			name++;
		n = strcspn(name, " />");
		if (p[1] == '/') {
			ck_assert_msg(depth > 0, "</%.*s> closes nothing", (int)n, name);
			depth--;
			ck_assert_msg(len[depth] == n && !memcmp(stack[depth], name, n),
				      "</%.*s> closes <%.*s>", (int)n, name, (int)len[depth],
				      stack[depth]);
		} else if (end[-1] != '/') {
			if (!depth)
				roots++;
			ck_assert_int_lt(depth, 16);
			stack[depth] = name;
			len[depth++] = n;
		}
		p = end;
	}
	ck_assert_int_eq(depth, 0);
	ck_assert_int_eq(roots, 1);
}

/* The <reg> elements of @doc in order: their names and bit sizes. */
static unsigned int xml_regs(const char *doc, char names[][24], unsigned int *bits,
			     unsigned int max)
{
	const char *p = doc;
	unsigned int n = 0;

	while ((p = strstr(p, "<reg "))) {
		const char *nm = strstr(p, "name=\""), *bs = strstr(p, "bitsize=\"");
		const char *end = strchr(p, '>');

		ck_assert_msg(nm && bs && nm < end && bs < end, "a <reg> without name or bitsize");
		ck_assert_uint_lt(n, max);
		nm += 6;
		snprintf(names[n], 24, "%.*s", (int)strcspn(nm, "\""), nm);
		bits[n++] = strtoul(bs + 9, NULL, 10);
		p = end;
	}
	return n;
}

START_TEST(gdb_target_xml_whole)
{
	static const unsigned int chunks[] = { 0xffb, 0x100, 7, 1, 0x10000 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		read_xml(chunks[i]);
		ck_assert_uint_eq(xml_len, strlen(gdb_target_xml));
		ck_str(xml, gdb_target_xml);
	}
	ck_assert(!strncmp(xml, "<?xml version=\"1.0\"?>", 21));
	ck_assert_ptr_nonnull(strstr(xml, "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"));
	ck_assert_ptr_nonnull(strstr(xml, "<architecture>aarch64</architecture>"));
	ck_well_formed(xml);
	/* past the end: "l" and nothing */
	ck_str(rq(pkt("qXfer:features:read:target.xml:%zx,100", xml_len)), "l");
	ck_str(rq(pkt("qXfer:features:read:target.xml:%zx,100", xml_len + 100)), "l");
	/* an annex we do not have; a malformed offset */
	ck_err(rq("qXfer:features:read:aarch64-core.xml:0,100"));
	ck_err(rq("qXfer:features:read:target.xml:x,100"));
	ck_err(rq("qXfer:features:read:target.xml:0"));
}
END_TEST

START_TEST(gdb_target_xml_registers)
{
	static char names[128][24];
	static unsigned int bits[128];
	const char *core, *fpu, *core_end, *fpu_end;
	unsigned int n, i, bytes = 0;
	char want[24];

	read_xml(0xffb);
	n = xml_regs(xml, names, bits, 128);
	ck_assert_uint_eq(n, gdb_arch__nr_regs());
	ck_assert_uint_eq(n, NREGS);
	for (i = 0; i < n; i++) {
		unsigned int size;

		if (i <= 30)
			snprintf(want, sizeof(want), "x%u", i);
		else if (i == R_SP || i == R_PC || i == R_CPSR)
			snprintf(want, sizeof(want), "%s", i == R_SP ? "sp" : i == R_PC ? "pc" : "cpsr");
		else if (i < R_FPSR)
			snprintf(want, sizeof(want), "v%u", i - R_V(0));
		else if (i == R_FPSR || i == R_FPCR)
			snprintf(want, sizeof(want), "%s", i == R_FPSR ? "fpsr" : "fpcr");
		else if (i == R_TPIDR)
			snprintf(want, sizeof(want), "tpidr");
		else
			snprintf(want, sizeof(want), "%s", gdb_sys_regs[i - GDB_REG_SYS0].name);
		ck_assert_msg(!strcmp(names[i], want), "register %u is %s, not %s", i, names[i], want);
		size = i <= R_PC ? 8 : i == R_CPSR || i == R_FPSR || i == R_FPCR ? 4 :
		       i < R_FPSR ? 16 : 8;
		ck_assert_msg(bits[i] == 8 * size, "%s: %u bits", names[i], bits[i]);
		ck_assert_uint_eq(gdb_arch__reg_size(i), size);
		if (i <= R_FPCR)
			bytes += size;
	}
	ck_assert_uint_eq(bytes, 788);
	ck_assert_uint_eq(GDB_G_BYTES, 788);
	/* x0..cpsr in the core feature, v0..fpcr in the fpu one */
	core = strstr(xml, "<feature name=\"org.gnu.gdb.aarch64.core\">");
	fpu = strstr(xml, "<feature name=\"org.gnu.gdb.aarch64.fpu\">");
	ck_assert(core && fpu);
	core_end = strstr(core, "</feature>");
	fpu_end = strstr(fpu, "</feature>");
	ck_assert(strstr(core, "name=\"x0\"") < strstr(core, "name=\"cpsr\""));
	ck_assert(strstr(core, "name=\"cpsr\"") < core_end);
	ck_assert(strstr(fpu, "name=\"v0\"") > fpu && strstr(fpu, "name=\"fpcr\"") < fpu_end);
	ck_assert(strstr(xml, "name=\"x0\"") > core);
	ck_assert(strstr(xml, "name=\"v0\"") > fpu);
	/* the EL1 names the stub relies on, where it relies on them */
	ck_str(gdb_sys_regs[R_ELR - GDB_REG_SYS0].name, "elr_el1");
	ck_str(gdb_sys_regs[R_SPSR - GDB_REG_SYS0].name, "spsr_el1");
	ck_str(gdb_sys_regs[R_VBAR - GDB_REG_SYS0].name, "vbar_el1");
	ck_str(gdb_sys_regs[R_TCR - GDB_REG_SYS0].name, "tcr_el1");
}
END_TEST

/* ---- threads ---------------------------------------------------------------- */

START_TEST(gdb_stop_reply_at_attach)
{
	ck_str(rq("?"), "T05thread:1;");
	ck_str(rq("qC"), "QC1");
	ck_str(rq("qAttached"), "1");
	ck_str(rq("qAttached:1"), "1");
}
END_TEST

/* All thread ids through qfThreadInfo/qsThreadInfo: each vCPU once, 1-based. */
static void ck_threads(unsigned int n)
{
	static bool seen[4096];
	unsigned int total = 0, replies = 0;
	const char *r;

	memset(seen, 0, sizeof(seen));
	for (r = rq("qfThreadInfo"); r[0] == 'm'; r = rq("qsThreadInfo")) {
		const char *p = r + 1;

		ck_assert_uint_lt(++replies, 100);
		ck_assert_uint_le(reply_len, 0x4000);
		for (;;) {
			char *end;
			unsigned long id = strtoul(p, &end, 16);

			ck_assert_msg(end > p, "not a thread id: \"%s\"", p);
			ck_assert_msg(id >= 1 && id <= n && !seen[id], "thread %lx", id);
			seen[id] = true;
			total++;
			if (!*end)
				break;
			ck_assert_int_eq(*end, ',');
			p = end + 1;
		}
	}
	ck_str(r, "l");
	ck_assert_uint_eq(total, n);
	ck_str(rq("qsThreadInfo"), "l");
}

START_TEST(gdb_threads_1)
{
	fake_init(1, true, 2, 2);
	ck_str(rq("qfThreadInfo"), "m1");
	ck_str(rq("qsThreadInfo"), "l");
	ck_threads(1);
}
END_TEST

START_TEST(gdb_threads_3)
{
	char want[32];

	ck_str(rq("qfThreadInfo"), "m1,2,3");
	ck_str(rq("qsThreadInfo"), "l");
	ck_threads(3);
	ck_str(rq("T1"), "OK");
	ck_str(rq("T3"), "OK");
	ck_err(rq("T4"));
	ck_err(rq("T0"));
	ck_err(rq("T-1"));
	ck_err(rq("T"));
	tohex(want, "vCPU 1", 6);
	ck_str(rq("qThreadExtraInfo,2"), want);
	ck_err(rq("qThreadExtraInfo,0"));
	ck_err(rq("qThreadExtraInfo,4"));
}
END_TEST

START_TEST(gdb_threads_300)
{
	fake_init(300, true, 2, 2);
	ck_threads(300);
	ck_str(rq("T12c"), "OK");
	ck_err(rq("T12d"));
	ck_str(rq("Hg12c"), "OK");
}
END_TEST

START_TEST(gdb_h_select)
{
	char x0[17];

	reg_set(1, R_X(0), 0x1111111111111111ULL);
	reg_set(0, R_X(0), 0x0000000000000001ULL);
	ck_str(rq("Hg2"), "OK");
	ck_str(rq("p0"), "1111111111111111");
	ck_str(rq("Hg0"), "OK");		/* any: the stopped one */
	ck_str(rq("p0"), "0100000000000000");
	ck_str(rq("Hg3"), "OK");
	ck_str(rq("Hg-1"), "OK");		/* all: the stopped one */
	tohex(x0, F.cpu[0].reg[0], 8);
	ck_str(rq("p0"), x0);
	ck_err(rq("Hg4"));
	ck_err(rq("Hg"));
	ck_err(rq("Hgz"));
	ck_err(rq("Hg1z"));
	ck_err(rq("Hx1"));
	ck_err(rq("H"));
	ck_str(rq("Hc-1"), "OK");
	ck_str(rq("Hc0"), "OK");
	ck_str(rq("Hc3"), "OK");
	ck_err(rq("Hc4"));
	/* Hc picks who the old-style step steps */
	rq_none("s");
	ck_assert(F.cpu[2].debug_on && F.cpu[2].debug.step);
	ck_assert(!F.cpu[0].debug.step && !F.cpu[1].debug.step);
}
END_TEST

/* ---- registers ------------------------------------------------------------------ */

START_TEST(gdb_g_layout)
{
	u8 b[788];
	unsigned int r, i;
	const char *g;

	for (r = 0; r <= R_FPCR; r++)
		for (i = 0; i < 16; i++)
			F.cpu[0].reg[r][i] = (u8)(r << 4 | i);
	g = rq("g");
	ck_assert_uint_eq(strlen(g), 1576);
	unhex(b, g, 788);
	for (r = 0; r <= 30; r++)
		for (i = 0; i < 8; i++)
			ck_assert_uint_eq(b[8 * r + i], (r << 4 | i) & 0xff);
	for (i = 0; i < 8; i++) {
		ck_assert_uint_eq(b[248 + i], (R_SP << 4 | i) & 0xff);
		ck_assert_uint_eq(b[256 + i], (R_PC << 4 | i) & 0xff);
	}
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(b[264 + i], (R_CPSR << 4 | i) & 0xff);
	for (r = 0; r < 32; r++)
		for (i = 0; i < 16; i++)
			ck_assert_uint_eq(b[268 + 16 * r + i], (R_V(r) << 4 | i) & 0xff);
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(b[780 + i], (R_FPSR << 4 | i) & 0xff);
		ck_assert_uint_eq(b[784 + i], (R_FPCR << 4 | i) & 0xff);
	}
	/* a register that cannot be read: "xx" for each of its bytes */
	F.bad_reg = R_X(3);
	g = rq("g");
	ck_assert_uint_eq(strlen(g), 1576);
	ck_assert(!strncmp(g + 48, "xxxxxxxxxxxxxxxx", 16));
	ck_assert(g[64] != 'x' && g[47] != 'x');
}
END_TEST

START_TEST(gdb_G_writes_changed_only)
{
	char g[1577];
	u64 v = 0x0123456789abcdefULL;
	u32 fpcr = 0x03c00000;

	ck_str(rq("Hg2"), "OK");
	snprintf(g, sizeof(g), "%s", rq("g"));
	ck_assert_uint_eq(strlen(g), 1576);
	tohex(pkt_buf, &v, 8);
	memcpy(g + 16 * 5, pkt_buf, 16);		/* x5 */
	tohex(pkt_buf, &fpcr, 4);
	memcpy(g + 2 * 784, pkt_buf, 8);		/* fpcr */
	F.nset = 0;
	ck_str(rq(pkt("G%s", g)), "OK");
	ck_assert_uint_eq(F.nset, 2);
	ck_assert_uint_eq(F.set_log[0], 1 << 16 | R_X(5));
	ck_assert_uint_eq(F.set_log[1], 1 << 16 | R_FPCR);
	ck_assert(reg_get(1, R_X(5)) == v);
	ck_assert(reg_get(1, R_FPCR) == fpcr);
	ck_str(rq("g"), g);
	/* the same again: nothing to write */
	F.nset = 0;
	ck_str(rq(pkt("G%s", g)), "OK");
	ck_assert_uint_eq(F.nset, 0);
	/* malformed: short, long, not hex */
	ck_err(rq(pkt("G%.1574s", g)));
	ck_err(rq(pkt("G%s00", g)));
	g[100] = 'q';
	ck_err(rq(pkt("G%s", g)));
	ck_err(rq("G"));
}
END_TEST

START_TEST(gdb_p_P)
{
	char want[40];

	reg_set(0, R_PC, 0xffff8000081c2a40ULL);
	ck_str(rq("p20"), "402a1c080080ffff");
	reg_set(0, R_CPSR, 0x600003c5);
	ck_str(rq("p21"), "c5030060");
	tohex(want, F.cpu[0].reg[R_V(0)], 16);
	ck_str(rq("p22"), want);
	ck_assert_uint_eq(strlen(rq("p41")), 32);		/* v31 */
	ck_assert_uint_eq(strlen(rq("p42")), 8);		/* fpsr */
	ck_assert_uint_eq(strlen(rq("p43")), 8);		/* fpcr */
	ck_assert_uint_eq(strlen(rq("p44")), 16);		/* tpidr */
	reg_set(0, R_TCR, LINUX_TCR);
	tohex(want, F.cpu[0].reg[R_TCR], 8);
	ck_str(rq("p4c"), want);			/* tcr_el1 */
	ck_assert_uint_eq(strlen(rq("p53")), 16);		/* mdscr_el1, the last */
	ck_err(rq("p54"));
	ck_err(rq("p"));
	ck_err(rq("p20x"));
	ck_err(rq("pffffffffffffffff"));

	ck_str(rq("P20=0010000800000000"), "OK");
	ck_assert(reg_get(0, R_PC) == 0x0000000008001000ULL);
	ck_str(rq("P21=c5030000"), "OK");
	ck_assert(reg_get(0, R_CPSR) == 0x3c5);
	ck_str(rq("P22=000102030405060708090a0b0c0d0e0f"), "OK");
	ck_assert_uint_eq(F.cpu[0].reg[R_V(0)][15], 15);
	ck_err(rq("P21=c50300"));		/* short */
	ck_err(rq("P21=c5030000ff"));	/* long */
	ck_err(rq("P20"));
	ck_err(rq("P20=00100008000000zz"));
	ck_err(rq("P54=0000000000000000"));
}
END_TEST

/*
 * Was a bug, fixed: a register number wider than 32 bits is cut to its low 32 bits
 * before it is checked (gdb.c read_reg/write_reg pass a u64 to
 * gdb_arch__reg_size(unsigned int)): p100000020 reads pc.
 */
START_TEST(gdb_p_wide_regno)
{
	ck_err(rq("p100000020"));
	ck_err(rq("P100000020=0000000000000000"));
}
END_TEST

/* ---- memory ------------------------------------------------------------------- */

START_TEST(gdb_m_flat)
{
	ck_str(rq("m80000000,4"), ram_hex(RAM_BASE, 4));
	ck_str(rq("m80000ffe,4"), ram_hex(RAM_BASE + 0xffe, 4));	/* a page boundary */
	ck_str(rq("m80000ff0,1100"), ram_hex(RAM_BASE + 0xff0, 0x1100)); /* three pages */
	ck_str(rq("m80abc123,1"), ram_hex(RAM_BASE + 0xabc123, 1));
	/* partial: up to the end of RAM */
	ck_str(rq("m80fffff0,20"), ram_hex(RAM_BASE + RAM_SIZE - 16, 16));
	/* not RAM */
	ck_err(rq("m81000000,4"));
	ck_err(rq("m1000,4"));
	ck_err(rq("m7ffffffc,4"));		/* starts before RAM */
	ck_err(rq("mfffffffffffffffc,8"));
	/* malformed */
	ck_err(rq("m80000000"));
	ck_err(rq("m80000000,"));
	ck_err(rq("m,4"));
	ck_err(rq("mxyz,4"));
	ck_err(rq("m80000000,4x"));
	ck_err(rq("m80000000:4"));
	ck_err(rq("m10000000000000000,4"));	/* 17 digits */
}
END_TEST

START_TEST(gdb_m_capped)
{
	const char *r = rq("m80000000,100000");

	ck_assert_uint_gt(reply_len, 0);
	ck_assert_uint_eq(reply_len % 2, 0);
	ck_assert_uint_le(reply_len, 0x4000);	/* what gdb's PacketSize asks */
	ck_str(r, ram_hex(RAM_BASE, reply_len / 2));
}
END_TEST

START_TEST(gdb_M_X)
{
	static const char x[] = "X80000200,8:}]}\x03}\x04}\x0a\x00\xff" "ab";
	static const u8 want[] = { '}', '#', '$', '*', 0x00, 0xff, 'a', 'b' };

	ck_str(rq("M80000100,4:11223344"), "OK");
	ck_str(ram_hex(RAM_BASE + 0x100, 4), "11223344");
	ck_str(rq("M80000ffe,4:a1a2a3a4"), "OK");	/* across a page */
	ck_str(ram_hex(RAM_BASE + 0xffe, 4), "a1a2a3a4");
	ck_str(rq("M80000100,0:"), "OK");
	ck_err(rq("M80000100,4:112233"));
	ck_err(rq("M80000100,4:1122334455"));
	ck_err(rq("M80000100,4:1122334g"));
	ck_err(rq("M80000100,4"));
	ck_err(rq("M1000,4:11223344"));
	ck_str(ram_hex(RAM_BASE + 0x100, 4), "11223344");

	ck_str(rq_n(x, sizeof(x) - 1), "OK");
	ck_assert_mem_eq(ram_at(RAM_BASE + 0x200), want, 8);
	ck_str(rq("X80000300,0:"), "OK");		/* gdb's probe */
	ck_err(rq_n("X80000300,1:}", 13));			/* an escape of nothing */
	ck_err(rq("X80000300,2:a"));				/* short */
	ck_err(rq("X80000300,1:ab"));				/* long */
	ck_err(rq("X1000,1:a"));
	ck_assert_mem_eq(ram_at(RAM_BASE + 0x200), want, 8);
}
END_TEST

START_TEST(gdb_m_page_tables)
{
	char want[64];

	mmu_linux(0);
	/* the kernel image, the linear map, the identity map: one RAM */
	ck_str(rq("mffff800008000100,8"), ram_hex(RAM_BASE + 0x100, 8));
	ck_str(rq("mffff000000000100,8"), ram_hex(RAM_BASE + 0x100, 8));
	ck_str(rq("m80000100,8"), ram_hex(RAM_BASE + 0x100, 8));
	ck_str(rq("mffff80000820abcd,10"), ram_hex(RAM_BASE + 0x20abcd, 16));
	ck_str(rq("mffff000000e00000,4"), ram_hex(RAM_BASE + 0xe00000, 4));
	/* a tagged pointer: TBI0 */
	ck_str(rq("m5a00000080000100,8"), ram_hex(RAM_BASE + 0x100, 8));
	ck_err(rq("m5aff800008000100,8"));		/* no TBI1 */
	/* across pages mapped out of order, then into the hole: partial */
	memcpy(want, ram_hex(RAM_BASE + 0x5ffc, 4), 8);
	memcpy(want + 8, ram_hex(RAM_BASE + 0x3000, 4), 9);
	ck_str(rq("mffff800010000ffc,8"), want);
	ck_str(rq("mffff800010001ffc,8"), ram_hex(RAM_BASE + 0x3ffc, 4));
	ck_err(rq("mffff800010002000,4"));
	ck_err(rq("mffff800008400000,4"));		/* past the image's mapping */
	ck_err(rq("mffff000001000000,4"));		/* past the linear map */
	ck_err(rq("m81000000,4"));			/* mapped, but not RAM */
	ck_err(rq("m0001000000000000,4"));		/* the hole between the halves */
	ck_err(rq("mfffeffffffffffff,1"));
	/* writes go where the tables say */
	ck_str(rq("Mffff000000000300,4:deadbeef"), "OK");
	ck_str(ram_hex(RAM_BASE + 0x300, 4), "deadbeef");
	ck_str(rq("mffff800008000300,4"), "deadbeef");
	ck_str(rq("Mffff800010000ffe,4:01020304"), "OK");
	ck_str(ram_hex(RAM_BASE + 0x5ffe, 2), "0102");
	ck_str(ram_hex(RAM_BASE + 0x3000, 2), "0304");
	ck_err(rq("Mffff800010001ffe,4:01020304"));	/* into the hole */
	/* each thread its own view: vCPU 1's MMU is off */
	ck_str(rq("Hg2"), "OK");
	ck_err(rq("mffff800008000100,8"));
	ck_str(rq("m80000100,8"), ram_hex(RAM_BASE + 0x100, 8));
	/* and a P that turns it on changes what m reads */
	ck_str(rq(pkt("P4c=%016llx", (unsigned long long)__builtin_bswap64(LINUX_TCR))), "OK");
	ck_str(rq(pkt("P4d=%016llx", (unsigned long long)__builtin_bswap64(linux_ttbr0))), "OK");
	ck_str(rq(pkt("P4e=%016llx", (unsigned long long)__builtin_bswap64(linux_ttbr1))), "OK");
	ck_str(rq("P4b=0100000000000000"), "OK");
	ck_str(rq("mffff800008000100,8"), ram_hex(RAM_BASE + 0x100, 8));
}
END_TEST

/* The last page of the address space: reads stop at 2^64, BRKs there hidden. */
START_TEST(gdb_m_top_of_memory)
{
	struct pt t = { .g = 12, .ia = 48, .next = TABLES + 0x100000, .rd = ram_rd64, .wr = ram_wr64 };
	u64 root1 = pt_table(&t), root0 = pt_table(&t);

	pt_map(&t, root1, 0xfffffffffffff000ULL, RAM_BASE + 0x7000, 3);
	pt_map(&t, root0, 0, RAM_BASE + 0x9000, 3);	/* VA 0: what a wrap would read */
	reg_set(0, R_SCTLR, 1);
	reg_set(0, R_TCR, LINUX_TCR);
	reg_set(0, R_TTBR0, root0);
	reg_set(0, R_TTBR1, root1);
	u32 at0 = ram_r32(RAM_BASE + 0x9000);

	ck_str(rq("mfffffffffffffff8,10"), ram_hex(RAM_BASE + 0x7ff8, 8));
	ck_str(rq("m0,4"), ram_hex(RAM_BASE + 0x9000, 4));
	ck_err(rq("Mfffffffffffffffe,4:01020304"));	/* not around to VA 0 */
	ck_assert_uint_eq(ram_r32(RAM_BASE + 0x9000), at0);
	ram_w32(RAM_BASE + 0x7ffc, ADD_X1);
	ck_str(rq("Z0,fffffffffffffffc,4"), "OK");
	ck_assert_uint_eq(ram_r32(RAM_BASE + 0x7ffc), BRK0);
	ck_str(rq("mfffffffffffffff0,10"), pkt("%.24s21040091", ram_hex(RAM_BASE + 0x7ff0, 12)));
	ck_str(rq("mfffffffffffff000,1000"), pkt("%.8184s21040091", ram_hex(RAM_BASE + 0x7000, 0xffc)));
	ck_str(rq("z0,fffffffffffffffc,4"), "OK");
	ck_assert_uint_eq(ram_r32(RAM_BASE + 0x7ffc), ADD_X1);
}
END_TEST

/* A vCPU the VM cannot read or write for us: an error, nothing changed */
START_TEST(gdb_vm_errors)
{
	char g[1577];
	u64 pc = reg_get(0, R_PC);

	F.bad_reg = R_PC;
	ck_err(rq("p20"));
	snprintf(g, sizeof(g), "%s", rq("g"));
	ck_assert(!strncmp(g + 512, "xxxxxxxxxxxxxxxx", 16));	/* pc */
	F.bad_reg = -1;
	F.bad_set_reg = R_PC;
	ck_err(rq("P20=0000000000000000"));
	snprintf(g, sizeof(g), "%s", rq("g"));
	memset(g + 512, '0', 16);
	ck_err(rq(pkt("G%s", g)));
	ck_assert(reg_get(0, R_PC) == pc);
	F.bad_set_reg = -1;
	/* its translation registers */
	F.s1_fails = true;
	ck_err(rq("m80001000,4"));
	ck_err(rq("M80001000,4:00000000"));
	ck_err(rq("X80001000,1:a"));
	ck_err(rq("Z0,80001000,4"));
	ck_assert_uint_eq(ram_r32(PC0), NOP);
	ck_str(rq("Qqemu.PhyMemMode:1"), "OK");		/* by physical address: none needed */
	ck_str(rq("m80001000,4"), "1f2003d5");
	F.s1_fails = false;
}
END_TEST

/* Translation tables outside RAM are not read (nor is anything else). */
START_TEST(gdb_m_tables_outside_ram)
{
	reg_set(0, R_SCTLR, 1);
	reg_set(0, R_TCR, LINUX_TCR);
	reg_set(0, R_TTBR0, 0x40000000);		/* below RAM */
	reg_set(0, R_TTBR1, RAM_BASE + RAM_SIZE - 8);	/* its last 8 bytes: one descriptor */
	ck_err(rq("m80001000,4"));
	ck_err(rq("mffff800008001000,4"));
	ck_err(rq("mffff000000001000,4"));
	ck_err(rq("Z0,80001000,4"));
}
END_TEST

START_TEST(gdb_m_firmware_tables)
{
	struct pt t = { .g = 12, .ia = 32, .next = TABLES, .rd = ram_rd64, .wr = ram_wr64 };
	u64 root = pt_table(&t);

	/* firmware/lib/head.S: T0SZ 32, 4K, a 32-bit IPS, EPD1, 1G blocks of an identity map */
	pt_map(&t, root, RAM_BASE, RAM_BASE, 1);
	reg_set(0, R_SCTLR, 1);
	reg_set(0, R_TCR, T0SZ(32) | TG0_4K | EPD1 | IPS(0));
	reg_set(0, R_TTBR0, root);
	ck_str(rq("m80000100,8"), ram_hex(RAM_BASE + 0x100, 8));
	ck_str(rq("m80ffff00,100"), ram_hex(RAM_BASE + RAM_SIZE - 0x100, 0x100));
	ck_err(rq("m40000000,4"));		/* no block there */
	ck_err(rq("m100000000,4"));		/* past the 4 GiB region */
	ck_err(rq("mffff800008000100,4"));	/* EPD1 */
}
END_TEST

START_TEST(gdb_monitor_phys)
{
	char hex[256], phys[128], virt[128];

	mmu_linux(0);
	reg_set(0, R_TCR, LINUX_TCR | EPD0);	/* no TTBR0: low VAs fault */
	ck_err(rq("m80000100,4"));
	tohex(hex, "phys on", 7);
	tohex(phys, "memory is read by physical address\n", 35);
	tohex(virt, "memory is read by virtual address\n", 34);
	ck_str(rq(pkt("qRcmd,%s", hex)), phys);
	ck_str(rq("m80000100,4"), ram_hex(RAM_BASE + 0x100, 4));
	ck_err(rq("mffff800008000100,4"));		/* a VA is no PA */
	/* a breakpoint by physical address */
	ram_w32(RAM_BASE + 0x2000, ADD_X1);
	ck_str(rq("Z0,80002000,4"), "OK");
	ck_assert_uint_eq(ram_r32(RAM_BASE + 0x2000), BRK0);
	ck_str(rq("m80002000,4"), "21040091");
	ck_str(rq("z0,80002000,4"), "OK");
	ck_assert_uint_eq(ram_r32(RAM_BASE + 0x2000), ADD_X1);
	tohex(hex, "phys", 4);
	ck_str(rq(pkt("qRcmd,%s", hex)), phys);
	tohex(hex, "phys off", 8);
	ck_str(rq(pkt("qRcmd,%s", hex)), virt);
	tohex(hex, "phys", 4);
	ck_str(rq(pkt("qRcmd,%s", hex)), virt);
	ck_err(rq("m80000100,4"));
	ck_str(rq("mffff800008000100,4"), ram_hex(RAM_BASE + 0x100, 4));
	/* QEMU's way */
	ck_str(rq("Qqemu.PhyMemMode:1"), "OK");
	ck_str(rq("m80000100,4"), ram_hex(RAM_BASE + 0x100, 4));
	ck_str(rq("Qqemu.PhyMemMode:0"), "OK");
	ck_err(rq("m80000100,4"));
	ck_str(rq("Qqemu.PhyMemMode:2"), "");
	/* help, an unknown command, bad hex */
	tohex(hex, "help", 4);
	rq(pkt("qRcmd,%s", hex));
	ck_assert_uint_eq(reply_len % 2, 0);
	unhex((u8 *)hex, reply, reply_len / 2);
	hex[reply_len / 2] = 0;
	ck_assert_ptr_nonnull(strstr(hex, "phys on|off"));
	tohex(hex, "frobnicate", 10);
	rq(pkt("qRcmd,%s", hex));
	unhex((u8 *)hex, reply, reply_len / 2);
	hex[reply_len / 2] = 0;
	ck_assert_ptr_nonnull(strstr(hex, "unknown command"));
	ck_err(rq("qRcmd,706"));
	ck_err(rq("qRcmd,zz"));
	memset(hex, 'a', 200);
	hex[200] = 0;
	ck_err(rq(pkt("qRcmd,%s", hex)));
	ck_err(rq("m80000100,4"));			/* none of that turned phys on */
}
END_TEST

/* ---- software breakpoints ------------------------------------------------------- */

START_TEST(gdb_z0_flat)
{
	ram_w32(PC0, ADD_X1);
	ck_str(rq("Z0,80001000,4"), "OK");
	ck_assert_uint_eq(ram_r32(PC0), BRK0);
	ck_str(ram_hex(PC0, 4), "000020d4");
	/* reads show what it replaced, wholly or in part */
	ck_str(rq("m80001000,4"), "21040091");
	ck_str(rq("m80000ffe,4"), pkt("%.4s2104", ram_hex(PC0 - 2, 2)));
	ck_str(rq("m80001002,4"), pkt("0091%.4s", ram_hex(PC0 + 4, 2)));
	ck_str(rq("Z0,80001000,4"), "OK");		/* again: one */
	ck_str(rq("z0,80001000,4"), "OK");
	ck_assert_uint_eq(ram_r32(PC0), ADD_X1);
	ck_str(rq("z0,80001000,4"), "OK");		/* not there: fine */
	ck_assert_uint_eq(ram_r32(PC0), ADD_X1);
	ck_str(rq("z0,80001004,4"), "OK");
	ck_err(rq("Z0,80001002,4"));				/* not an instruction */
	ck_err(rq("Z0,1000,4"));				/* not RAM */
	ck_err(rq("Z0,80fffffe,4"));
	ck_assert_uint_eq(ram_r32(PC0), ADD_X1);
}
END_TEST

START_TEST(gdb_z0_kernel_va)
{
	mmu_linux(0);
	ram_w32(RAM_BASE + 0x3008, ADD_X1);
	ck_str(rq("Z0,ffff800008003008,4"), "OK");
	ck_assert_uint_eq(ram_r32(RAM_BASE + 0x3008), BRK0);
	ck_str(rq("mffff800008003008,4"), "21040091");
	ck_err(rq("Z0,ffff800010002000,4"));		/* unmapped */
	ck_str(rq("z0,ffff800008003008,4"), "OK");
	ck_assert_uint_eq(ram_r32(RAM_BASE + 0x3008), ADD_X1);
}
END_TEST

START_TEST(gdb_z0_write_over_keeps_it)
{
	ram_w32(PC0, ADD_X1);
	ck_str(rq("Z0,80001000,4"), "OK");
	/* gdb writes a new instruction there: the BRK stays, reads show gdb's */
	ck_str(rq("M80001000,4:1f2003d5"), "OK");
	ck_assert_uint_eq(ram_r32(PC0), BRK0);
	ck_str(rq("m80001000,4"), "1f2003d5");
	/* half of it, with bytes around */
	ck_str(rq_n("X80000ffe,4:\x11\x22\x33\x44", 16), "OK");
	ck_assert_uint_eq(ram_r32(PC0), BRK0);
	ck_str(rq("m80000ffe,6"), "1122334403d5");
	ck_str(rq("z0,80001000,4"), "OK");
	ck_str(ram_hex(PC0 - 2, 6), "1122334403d5");
}
END_TEST

START_TEST(gdb_z0_guest_rewrote)
{
	ram_w32(PC0, ADD_X1);
	ck_str(rq("Z0,80001000,4"), "OK");
	ram_w32(PC0, 0x12345678);		/* the guest patched its code */
	ck_str(rq("z0,80001000,4"), "OK");
	ck_assert_uint_eq(ram_r32(PC0), 0x12345678);
}
END_TEST

START_TEST(gdb_z0_limit)
{
	unsigned int i;

	for (i = 0; i < 256; i++)
		ck_str(rq(pkt("Z0,%llx,4", (unsigned long long)RAM_BASE + 0x100000 + 4 * i)),
				 "OK");
	ck_err(rq("Z0,80001000,4"));
	ck_assert_uint_eq(ram_r32(PC0), NOP);
	ck_str(rq("z0,80100010,4"), "OK");
	ck_str(rq("Z0,80001000,4"), "OK");
	ck_assert_uint_eq(ram_r32(PC0), BRK0);
	ck_str(rq("D"), "OK");
	for (i = 0; i < 256; i++)
		ck_assert_uint_ne(ram_r32(RAM_BASE + 0x100000 + 4 * i), BRK0);
	ck_assert_uint_eq(ram_r32(PC0), NOP);
}
END_TEST

/*
 * Was a bug, fixed: reads hide a breakpoint only at the address gdb inserted it by
 * (gdb.c hide_bps compares bp->addr, a VA, with the address read): the
 * same instruction read through another mapping (the linear map's alias of
 * kernel text) or by physical address (`monitor phys on`) shows the BRK.
 */
START_TEST(gdb_z0_hidden_through_alias)
{
	mmu_linux(0);
	ram_w32(RAM_BASE + 0x1000, ADD_X1);
	ck_str(rq("Z0,ffff800008001000,4"), "OK");
	ck_str(rq("mffff800008001000,4"), "21040091");
	ck_str(rq("mffff000000001000,4"), "21040091");
	ck_str(rq("Qqemu.PhyMemMode:1"), "OK");
	ck_str(rq("m80001000,4"), "21040091");
}
END_TEST

/*
 * Was a bug, fixed: two breakpoints on one instruction through two mappings: the
 * second saves the first's BRK as "the instruction" (gdb.c plant), and
 * removing the first restores the instruction under the second, which no
 * longer traps while gdb believes it inserted.
 */
START_TEST(gdb_z0_two_aliases)
{
	mmu_linux(0);
	ram_w32(RAM_BASE + 0x1000, ADD_X1);
	ck_str(rq("Z0,ffff800008001000,4"), "OK");
	ck_str(rq("Z0,ffff000000001000,4"), "OK");
	ck_str(rq("z0,ffff800008001000,4"), "OK");
	ck_assert_uint_eq(ram_r32(RAM_BASE + 0x1000), BRK0);	/* the other is still in */
	ck_str(rq("z0,ffff000000001000,4"), "OK");
	ck_assert_uint_eq(ram_r32(RAM_BASE + 0x1000), ADD_X1);
}
END_TEST

/* Two mappings of one instruction, gdb writes a new one through one: both BRKs stay over it. */
START_TEST(gdb_z0_two_aliases_written_over)
{
	mmu_linux(0);
	ram_w32(RAM_BASE + 0x1000, ADD_X1);
	ck_str(rq("Z0,ffff800008001000,4"), "OK");
	ck_str(rq("Z0,ffff000000001000,4"), "OK");
	ck_str(rq("Mffff000000001000,4:1f2003d5"), "OK");
	ck_assert_uint_eq(ram_r32(RAM_BASE + 0x1000), BRK0);
	ck_str(rq("mffff800008001000,4"), "1f2003d5");
	ck_str(rq("mffff000000001000,4"), "1f2003d5");
	ck_str(rq("z0,ffff000000001000,4"), "OK");
	ck_assert_uint_eq(ram_r32(RAM_BASE + 0x1000), BRK0);
	ck_str(rq("z0,ffff800008001000,4"), "OK");
	ck_assert_uint_eq(ram_r32(RAM_BASE + 0x1000), NOP);
}
END_TEST

/* ---- hardware breakpoints and watchpoints --------------------------------------- */

START_TEST(gdb_z1_z4_limits)
{
	ck_str(rq("Z1,ffff800008001000,4"), "OK");
	ck_str(rq("Z1,ffff800008002000,4"), "OK");
	ck_err(rq("Z1,ffff800008003000,4"));			/* 2 BRPs */
	ck_str(rq("Z1,ffff800008001000,4"), "OK");	/* already in */
	ck_str(rq("z1,ffff800008001000,4"), "OK");
	ck_str(rq("Z1,ffff800008003000,4"), "OK");
	ck_str(rq("z1,ffff800008009000,4"), "OK");	/* never in: fine */

	ck_str(rq("Z2,ffff800009a3c010,8"), "OK");
	ck_str(rq("Z3,ffff800009a3c020,4"), "OK");
	ck_err(rq("Z4,ffff800009a3c030,1"));			/* 2 WRPs */
	ck_str(rq("Z2,ffff800009a3c010,8"), "OK");	/* already in */
	ck_str(rq("z3,ffff800009a3c020,4"), "OK");
	ck_err(rq("Z4,ffff800009a3c037,2"));			/* crosses a doubleword */
	ck_err(rq("Z2,ffff800009a3c000,18"));			/* 24: no power of two */
	ck_str(rq("Z4,ffff800009a3c040,40"), "OK");	/* 64, aligned: MASK */
	ck_err(rq("Z3,ffff800009a3c000,4"));
	ck_str(rq("z2,ffff800009a3c010,8"), "OK");
	ck_str(rq("Z3,ffff800009a3c000,4"), "OK");
	/* a type there is none of: unsupported; malformed: an error */
	ck_str(rq("Z9,80001000,4"), "");
	ck_err(rq("Z0"));
	ck_err(rq("Z0,80001000"));
	ck_err(rq("Z0;80001000,4"));
	ck_err(rq("z2,xyz,4"));
	ck_err(rq("Z1,80001000,4,"));
}
END_TEST

START_TEST(gdb_z1_no_brps)
{
	fake_init(2, true, 0, 0);
	ck_err(rq("Z1,ffff800008001000,4"));
	ck_err(rq("Z2,ffff800008001000,4"));
	ck_str(rq("Z0,80001000,4"), "OK");
}
END_TEST

START_TEST(gdb_z1_caps_clamped)
{
	unsigned int i;

	fake_init(1, true, 40, 40);		/* more than KVM_ARM_MAX_DBG_REGS */
	for (i = 0; i < GDB_MAX_HW; i++)
		ck_str(rq(pkt("Z1,%x,4", 0x1000 + 4 * i)), "OK");
	ck_err(rq("Z1,2000,4"));
	for (i = 0; i < GDB_MAX_HW; i++)
		ck_str(rq(pkt("Z2,%x,8", 0x1000 + 8 * i)), "OK");
	ck_err(rq("Z2,2000,8"));
	rq_none("c");
	for (i = 0; i < GDB_MAX_HW; i++) {
		ck_assert(F.cpu[0].debug.regs.bvr[i] == 0x1000 + 4 * i);
		ck_assert(F.cpu[0].debug.regs.wvr[i] == 0x1000 + 8 * i);
	}
}
END_TEST

START_TEST(gdb_debug_regs_at_resume)
{
	unsigned int i;

	ck_str(rq("Z0,80001000,4"), "OK");
	ck_str(rq("Z1,ffff8000081c2a40,4"), "OK");
	ck_str(rq("Z2,ffff800009a3c010,8"), "OK");
	rq_none("vCont;c");
	ck_assert_uint_eq(F.resumes, 1);
	for (i = 0; i < 3; i++) {
		const struct gdb_debug *d = &F.cpu[i].debug;

		ck_assert(F.cpu[i].debug_on);
		ck_assert(d->sw_bps && d->hw && !d->step);
		ck_assert(d->regs.bcr[0] == 0x1e7);
		ck_assert(d->regs.bvr[0] == 0xffff8000081c2a40ULL);
		ck_assert(d->regs.wcr[0] == 0x1ff7);
		ck_assert(d->regs.wvr[0] == 0xffff800009a3c010ULL);
		ck_assert(d->regs.bcr[1] == 0 && d->regs.wcr[1] == 0);	/* off */
		ck_assert(!F.cpu[i].held_at_resume);
	}
	/* stop, take them all out, go on: debug off */
	RAW("\x03");
	ck_str(parse(false), "T02thread:1;");
	ck_str(rq("z0,80001000,4"), "OK");
	ck_str(rq("z1,ffff8000081c2a40,4"), "OK");
	rq_none("c");
	ck_assert(F.cpu[0].debug_on && !F.cpu[0].debug.sw_bps && F.cpu[0].debug.hw);
	ck_assert(F.cpu[0].debug.regs.bcr[0] == 0);
	ck_assert(F.cpu[0].debug.regs.wcr[0] == 0x1ff7);
	RAW("\x03");
	ck_str(parse(false), "T02thread:1;");
	ck_str(rq("z2,ffff800009a3c010,8"), "OK");
	rq_none("c");
	for (i = 0; i < 3; i++)
		ck_assert(!F.cpu[i].debug_on && F.cpu[i].debug_calls == 3);
}
END_TEST

START_TEST(gdb_no_guest_debug)
{
	unsigned int i;

	fake_init(2, false, 6, 4);
	ck_err(rq("Z0,80001000,4"));
	ck_err(rq("Z1,80001000,4"));
	ck_err(rq("Z2,80001000,4"));
	ck_err(rq("Z3,80001000,4"));
	ck_err(rq("Z4,80001000,4"));
	ck_assert_uint_eq(ram_r32(PC0), NOP);
	ck_str(rq("vCont?"), "vCont;c;C");
	ck_err(rq("vCont;s:1"));
	ck_err(rq("vCont;s:1;c"));
	ck_err(rq("s"));
	ck_err(rq("S05"));
	ck_assert_uint_eq(F.resumes, 0);
	rq_none("vCont;c");
	ck_assert_uint_eq(F.resumes, 1);
	for (i = 0; i < 2; i++)
		ck_assert_uint_eq(F.cpu[i].debug_calls, 0);
	RAW("\x03");
	ck_str(parse(false), "T02thread:1;");
	ck_str(rq("D"), "OK");
}
END_TEST

/* ---- resuming ------------------------------------------------------------------------ */

START_TEST(gdb_vcont)
{
	ck_str(rq("vCont?"), "vCont;c;C;s;S");
	rq_none("vCont;c");
	ck_assert_uint_eq(F.resumes, 1);
	ck_assert(!F.paused && !gdb__stopped(F.g));
	ck_assert(!F.cpu[0].held_at_resume && !F.cpu[1].held_at_resume && !F.cpu[2].held_at_resume);
	ck_assert(!F.cpu[0].debug_on && !F.cpu[1].debug_on && !F.cpu[2].debug_on);
	RAW("\x03");
	ck_str(parse(false), "T02thread:1;");

	/* gdb's step: this thread steps, the others run */
	rq_none("vCont;s:1;c");
	ck_assert(F.cpu[0].debug_on && F.cpu[0].debug.step);
	ck_assert(!F.cpu[1].debug_on && !F.cpu[2].debug_on);
	ck_assert(!F.cpu[0].held_at_resume && !F.cpu[1].held_at_resume && !F.cpu[2].held_at_resume);
	RAW("\x03");
	ck_str(parse(false), "T02thread:1;");

	/* scheduler-locking: only this one */
	rq_none("vCont;s:2");
	ck_assert(F.cpu[1].debug_on && F.cpu[1].debug.step);
	ck_assert(!F.cpu[0].debug_on && !F.cpu[2].debug_on);
	ck_assert(F.cpu[0].held_at_resume && !F.cpu[1].held_at_resume && F.cpu[2].held_at_resume);
	RAW("\x03");
	ck_str(parse(false), "T02thread:1;");
	ck_assert(!F.cpu[0].held && !F.cpu[2].held);		/* stopped: no holds */

	/* the first action that names a thread wins; signals are ignored */
	rq_none("vCont;C05:3;s:3;c");
	ck_assert(!F.cpu[2].debug_on && !F.cpu[2].held_at_resume);
	RAW("\x03");
	parse(false);
	rq_none("vCont;c:2");
	ck_assert(F.cpu[0].held_at_resume && !F.cpu[1].held_at_resume && F.cpu[2].held_at_resume);
	RAW("\x03");
	parse(false);
	rq_none("vCont;S05:-1");
	ck_assert(F.cpu[0].debug.step && F.cpu[1].debug.step && F.cpu[2].debug.step);
	RAW("\x03");
	parse(false);
	ck_assert_uint_eq(F.resumes, 6);
}
END_TEST

START_TEST(gdb_vcont_malformed)
{
	static const char *const bad[] = {
		"vCont;", "vCont;x", "vCont;c:", "vCont;c:9", "vCont;c:4", "vCont;s:1x",
		"vCont;c;", "vCont;cc", "vCont;C", "vCont;Cxx", "vCont;c:1:2", "vCont;t",
		"vCont;r80001000,80001008:1", "vCont;c:1,2",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *r = rq(bad[i]);

		ck_assert_msg(r[0] == 'E', "%s: \"%s\"", bad[i], r);
	}
	ck_assert_uint_eq(F.resumes, 0);
	ck_assert(F.paused && gdb__stopped(F.g));
	ck_str(rq("vCont"), "");
	ck_str(rq("?"), "T05thread:1;");
}
END_TEST

START_TEST(gdb_c_s_old)
{
	rq_none("c");
	ck_assert_uint_eq(F.resumes, 1);
	ck_assert(!F.cpu[0].held_at_resume && !F.cpu[1].held_at_resume);
	RAW("\x03");
	parse(false);
	rq_none("c80002000");
	ck_assert(reg_get(0, R_PC) == RAM_BASE + 0x2000);
	RAW("\x03");
	parse(false);
	ck_str(rq("Hc2"), "OK");
	rq_none("s80003000");
	ck_assert(reg_get(1, R_PC) == RAM_BASE + 0x3000);
	ck_assert(F.cpu[1].debug.step && !F.cpu[0].debug_on && !F.cpu[2].debug_on);
	ck_assert(!F.cpu[0].held_at_resume && !F.cpu[2].held_at_resume);
	RAW("\x03");
	ck_str(parse(false), "T02thread:2;");
	rq_none("C05");
	RAW("\x03");
	parse(false);
	rq_none("S05;80004000");
	RAW("\x03");
	parse(false);
	ck_err(rq("cxyz"));
	ck_err(rq("c80001000x"));
	ck_err(rq("Cxx"));
	ck_assert_uint_eq(F.resumes, 5);
}
END_TEST

/* ---- debug exits --------------------------------------------------------------------- */

START_TEST(gdb_exit_swbreak)
{
	rq("qSupported:swbreak+;hwbreak+");
	ram_w32(RAM_BASE + 0x4000, ADD_X1);
	ck_str(rq("Z0,80004000,4"), "OK");
	rq_none("vCont;c");
	reg_set(1, R_PC, RAM_BASE + 0x4000);
	exit_on(1, ESR(EC_BRK, 0), 0);
	ck_str(on_exit_reply(), "T05thread:2;swbreak:;");
	ck_assert(!F.cpu[0].held && !F.cpu[1].held && !F.cpu[2].held);
	ck_assert_uint_eq(F.cpu[1].injects, 0);
	ck_str(rq("?"), "T05thread:2;swbreak:;");
	ck_str(rq("qC"), "QC2");
	ck_str(rq("p20"), "0040008000000000");	/* Hg moved to it */
	ck_str(rq("m80004000,4"), "21040091");
}
END_TEST

START_TEST(gdb_exit_swbreak_not_offered)
{
	/* gdb did not say swbreak+: a plain T05 */
	ck_str(rq("Z0,80001000,4"), "OK");
	rq_none("vCont;c");
	exit_on(2, ESR(EC_BRK, 0), 0);
	ck_str(on_exit_reply(), "T05thread:3;");
}
END_TEST

START_TEST(gdb_exit_ours_by_pa)
{
	/* inserted through vCPU 0's kernel mapping, hit by vCPU 2 with its MMU off */
	mmu_linux(0);
	rq("qSupported:swbreak+");
	ram_w32(RAM_BASE + 0x2004, ADD_X1);
	ck_str(rq("Z0,ffff800008002004,4"), "OK");
	rq_none("vCont;c");
	reg_set(2, R_PC, RAM_BASE + 0x2004);
	exit_on(2, ESR(EC_BRK, 0), 0);
	ck_str(on_exit_reply(), "T05thread:3;swbreak:;");
}
END_TEST

START_TEST(gdb_exit_guest_brk)
{
	unsigned int resumes;

	ck_str(rq("Z0,80004000,4"), "OK");
	rq_none("vCont;c");
	/* a WARN (brk #0x800) elsewhere: the guest's own */
	reg_set(0, R_PC, RAM_BASE + 0x4004);
	ram_w32(RAM_BASE + 0x4004, 0xd4210000);
	exit_on(0, ESR(EC_BRK, 0x800), 0);
	resumes = F.resumes;
	on_exit_silent();
	ck_assert_uint_eq(F.resumes, resumes + 1);
	ck_assert_uint_eq(F.cpu[0].injects, 1);
	ck_assert_uint_eq(F.cpu[0].inject_esr, ESR(EC_BRK, 0x800));
	ck_assert(!F.cpu[0].held && !F.cpu[1].held && !F.cpu[2].held);
	/* brk #0 of its own too: ours by address, never by immediate */
	ram_w32(PC0, 0xd4200000);
	exit_on(1, ESR(EC_BRK, 0), 0);
	on_exit_silent();
	ck_assert_uint_eq(F.cpu[1].injects, 1);
	/* and while stopped, later, not twice */
	RAW("\x03");
	ck_str(parse(false), "T02thread:1;");
	ck_assert_uint_eq(F.cpu[0].injects + F.cpu[1].injects + F.cpu[2].injects, 2);
}
END_TEST

START_TEST(gdb_exit_two_at_once)
{
	rq("qSupported:swbreak+");
	ck_str(rq("Z0,80004000,4"), "OK");
	rq_none("vCont;c");
	reg_set(0, R_PC, RAM_BASE + 0x4008);		/* the guest's */
	ram_w32(RAM_BASE + 0x4008, 0xd4202000);		/* brk #0x100 */
	exit_on(0, ESR(EC_BRK, 0x100), 0);
	reg_set(2, R_PC, RAM_BASE + 0x4000);		/* ours */
	exit_on(2, ESR(EC_BRK, 0), 0);
	ck_str(on_exit_reply(), "T05thread:3;swbreak:;");
	ck_assert_uint_eq(F.cpu[0].injects, 1);
	ck_assert_uint_eq(F.cpu[2].injects, 0);
}
END_TEST

START_TEST(gdb_exit_hwbreak)
{
	rq("qSupported:hwbreak+");
	ck_str(rq("Z1,ffff8000081c2a40,4"), "OK");
	rq_none("vCont;c");
	reg_set(0, R_PC, 0xffff8000081c2a40ULL);
	exit_on(0, ESR(EC_HWBP, 0), 0);
	ck_str(on_exit_reply(), "T05thread:1;hwbreak:;");
	fake_init(3, true, 2, 2);			/* no hwbreak+ */
	ck_str(rq("Z1,ffff8000081c2a40,4"), "OK");
	rq_none("c");
	exit_on(1, ESR(EC_HWBP, 0), 0);
	ck_str(on_exit_reply(), "T05thread:2;");
}
END_TEST

START_TEST(gdb_exit_watch)
{
	ck_str(rq("Z2,ffff800009a3c010,8"), "OK");
	ck_str(rq("Z3,ffff800009a3c100,4"), "OK");
	rq_none("vCont;c");
	exit_on(0, ESR(EC_WATCH, 1 << 6), 0xffff800009a3c014ULL);
	ck_str(on_exit_reply(), "T05thread:1;watch:ffff800009a3c010;");
	rq_none("vCont;c");
	exit_on(2, ESR(EC_WATCH, 0), 0xffff800009a3c101ULL);
	ck_str(on_exit_reply(), "T05thread:3;rwatch:ffff800009a3c100;");
	/* FAR below the range (an STP's first byte, a DC ZVA block): the nearest */
	rq_none("vCont;c");
	exit_on(1, ESR(EC_WATCH, 1 << 6), 0xffff800009a3c000ULL);
	ck_str(on_exit_reply(), "T05thread:2;watch:ffff800009a3c010;");
	ck_str(rq("z2,ffff800009a3c010,8"), "OK");
	ck_str(rq("z3,ffff800009a3c100,4"), "OK");
	ck_str(rq("Z4,ffff800009a3c200,2"), "OK");
	rq_none("vCont;c");
	exit_on(1, ESR(EC_WATCH, 0), 0xffff800009a3c201ULL);
	ck_str(on_exit_reply(), "T05thread:2;awatch:ffff800009a3c200;");
	/* no watchpoint: spurious, on it goes */
	ck_str(rq("z4,ffff800009a3c200,2"), "OK");
	rq_none("vCont;c");
	exit_on(1, ESR(EC_WATCH, 0), 0xffff800009a3c201ULL);
	on_exit_silent();
}
END_TEST

START_TEST(gdb_exit_step)
{
	rq_none("vCont;s:2;c");
	reg_set(1, R_PC, PC0 + 4);
	exit_on(1, ESR(EC_STEP, 0), 0);
	ck_str(on_exit_reply(), "T05thread:2;");
	/* a step exit from a vCPU that was not stepping: not gdb's business */
	rq_none("vCont;s:2;c");
	exit_on(0, ESR(EC_STEP, 0), 0);
	on_exit_silent();
	/* an AArch32 task's BKPT goes back to the guest; other classes: dropped */
	exit_on(0, ESR(0x38, 0), 0);
	exit_on(2, ESR(0x15, 0), 0);
	on_exit_silent();
	ck_assert_uint_eq(F.cpu[0].injects, 1);
	ck_assert_uint_eq(F.cpu[2].injects, 0);
	/* the stepping one, at last */
	exit_on(1, ESR(EC_STEP, 0), 0);
	ck_str(on_exit_reply(), "T05thread:2;");
}
END_TEST

START_TEST(gdb_exit_step_held_stay_held)
{
	/* scheduler-locking: a guest BRK on the stepping vCPU goes back to the guest, the rest stay out */
	rq_none("vCont;s:2");
	reg_set(1, R_PC, RAM_BASE + 0x4000);
	ram_w32(RAM_BASE + 0x4000, 0xd4210000);		/* brk #0x800 */
	exit_on(1, ESR(EC_BRK, 0x800), 0);
	on_exit_silent();
	ck_assert_uint_eq(F.cpu[1].injects, 1);
	ck_assert(F.cpu[0].held_at_resume && !F.cpu[1].held_at_resume && F.cpu[2].held_at_resume);
}
END_TEST

START_TEST(gdb_exit_while_stopped)
{
	/* the stop that is on has been told; an exit now waits */
	exit_on(1, ESR(EC_BRK, 0x800), 0);
	F.out_len = 0;
	gdb__on_exit(F.g);
	ck_assert_uint_eq(F.out_len, 0);
	ck_assert_uint_eq(F.resumes, 0);
	ck_assert(F.paused && gdb__stopped(F.g));
	ck_str(rq("?"), "T05thread:1;");
}
END_TEST

START_TEST(gdb_exit_pause_fails)
{
	rq_none("vCont;c");
	exit_on(1, ESR(EC_HWBP, 0), 0);
	F.pause_ret = -ETIMEDOUT;
	F.out_len = 0;
	gdb__on_exit(F.g);
	ck_assert_uint_eq(F.out_len, 0);
	ck_assert(!gdb__stopped(F.g));
	F.pause_ret = 0;
	ck_str(on_exit_reply(), "T05thread:2;");
}
END_TEST

START_TEST(gdb_ctrl_c)
{
	F.out_len = 0;
	RAW("\x03");				/* stopped: nothing to do */
	ck_assert_uint_eq(F.out_len, 0);
	ck_str(rq("Hc3"), "OK");
	rq_none("vCont;c");
	RAW("\x03");
	ck_assert(F.paused && gdb__stopped(F.g));
	ck_str(parse(false), "T02thread:3;");
	ck_str(rq("?"), "T02thread:3;");
	/* a recorded exit wins over the interrupt */
	rq("qSupported:hwbreak+");
	ck_str(rq("Z1,ffff8000081c2a40,4"), "OK");
	rq_none("vCont;c");
	exit_on(1, ESR(EC_HWBP, 0), 0);
	RAW("\x03");
	ck_str(parse(false), "T05thread:2;hwbreak:;");
	ck_assert(!F.cpu[1].exit_pending);
	/* and if the VM does not stop: running still, Ctrl-C again works */
	rq_none("vCont;c");
	F.pause_ret = -ETIMEDOUT;
	RAW("\x03");
	ck_assert_uint_eq(F.out_len, 0);
	ck_assert(!gdb__stopped(F.g));
	F.pause_ret = 0;
	RAW("\x03");
	ck_str(parse(false), "T02thread:2;");
}
END_TEST

START_TEST(gdb_packets_while_running)
{
	static const char *const busy[] = {
		"g", "m80000000,4", "?", "Z0,80001000,4", "vCont;c", "c", "s", "p20",
		"qfThreadInfo", "Hg1", "M80000000,1:00",
	};
	unsigned int i, resumes;

	rq_none("vCont;c");
	resumes = F.resumes;
	for (i = 0; i < ARRAY_SIZE(busy); i++) {
		const char *r = rq(busy[i]);

		ck_assert_msg(r[0] == 'E', "%s while running: \"%s\"", busy[i], r);
	}
	ck_assert_uint_eq(F.resumes, resumes);
	ck_assert_uint_eq(ram_r32(PC0), NOP);
	ck_assert(!F.paused && !gdb__stopped(F.g));
}
END_TEST

/* ---- single steps and interrupts ----------------------------------------------------- */

START_TEST(gdb_step_masks_irq)
{
	reg_set(0, R_CPSR, EL1H_DA);
	reg_set(1, R_CPSR, EL1H_DA);
	reg_set(0, R_SPSR, 0x3c4);
	rq_none("vCont;s:1;c");
	ck_assert_uint_eq(F.cpu[0].cpsr_at_resume, EL1H_DAIF);	/* I and F for the step */
	ck_assert_uint_eq(F.cpu[1].cpsr_at_resume, EL1H_DA);	/* running: untouched */
	reg_set(0, R_PC, PC0 + 4);
	exit_on(0, ESR(EC_STEP, 0), 0);
	ck_str(on_exit_reply(), "T05thread:1;");
	ck_assert_uint_eq(reg_get(0, R_CPSR), EL1H_DA);		/* given back */
	ck_assert_uint_eq(reg_get(0, R_SPSR), 0x3c4);
	ck_assert_uint_eq(reg_get(1, R_CPSR), EL1H_DA);
	/* only I masked before: only I after */
	reg_set(0, R_CPSR, 0x385);
	rq_none("s");
	ck_assert_uint_eq(F.cpu[0].cpsr_at_resume, EL1H_DAIF);
	exit_on(0, ESR(EC_STEP, 0), 0);
	on_exit_reply();
	ck_assert_uint_eq(reg_get(0, R_CPSR), 0x385);
	/* flags the step changed stay changed */
	reg_set(0, R_CPSR, EL1H_DA);
	rq_none("s");
	reg_set(0, R_CPSR, 0x60000000 | EL1H_DAIF);		/* Z and C set by a cmp */
	exit_on(0, ESR(EC_STEP, 0), 0);
	on_exit_reply();
	ck_assert_uint_eq(reg_get(0, R_CPSR), 0x60000000 | EL1H_DA);
}
END_TEST

START_TEST(gdb_step_daif_insns_unmasked)
{
	/* msr daifset: its own masks stay */
	ram_w32(PC0, DAIFSET3);
	reg_set(0, R_CPSR, EL1H_DA);
	rq_none("s");
	ck_assert_uint_eq(F.cpu[0].cpsr_at_resume, EL1H_DA);
	reg_set(0, R_CPSR, EL1H_DAIF);
	reg_set(0, R_PC, PC0 + 4);
	exit_on(0, ESR(EC_STEP, 0), 0);
	on_exit_reply();
	ck_assert_uint_eq(reg_get(0, R_CPSR), EL1H_DAIF);
	/* msr daifclr: its unmasking stays */
	ram_w32(PC0 + 4, DAIFCLR3);
	rq_none("s");
	ck_assert_uint_eq(F.cpu[0].cpsr_at_resume, EL1H_DAIF);
	reg_set(0, R_CPSR, EL1H_DA);
	reg_set(0, R_PC, PC0 + 8);
	exit_on(0, ESR(EC_STEP, 0), 0);
	on_exit_reply();
	ck_assert_uint_eq(reg_get(0, R_CPSR), EL1H_DA);
	/* mrs daif would read our masks */
	ram_w32(PC0 + 8, MRS_DAIF);
	rq_none("s");
	ck_assert_uint_eq(F.cpu[0].cpsr_at_resume, EL1H_DA);
	reg_set(0, R_PC, PC0 + 12);
	exit_on(0, ESR(EC_STEP, 0), 0);
	on_exit_reply();
	ck_assert_uint_eq(reg_get(0, R_CPSR), EL1H_DA);
	/* through the page tables too: the instruction is read at the PC's IPA */
	mmu_linux(0);
	ram_w32(RAM_BASE + 0x3010, DAIFSET3);
	reg_set(0, R_PC, KIMAGE + 0x3010);
	rq_none("s");
	ck_assert_uint_eq(F.cpu[0].cpsr_at_resume, EL1H_DA);
	ram_w32(RAM_BASE + 0x3010, NOP);
	exit_on(0, ESR(EC_STEP, 0), 0);
	on_exit_reply();
	rq_none("s");
	ck_assert_uint_eq(F.cpu[0].cpsr_at_resume, EL1H_DAIF);
}
END_TEST

/* A step of `svc #0` from EL0 with I and F clear, taken to VBAR_EL1 + 0x400. */
static void step_svc_from_el0(void)
{
	ram_w32(PC0, SVC0);
	reg_set(0, R_CPSR, 0);			/* EL0t, nothing masked */
	reg_set(0, R_SPSR, 0x3c5);
	rq_none("s");
	ck_assert_uint_eq(F.cpu[0].cpsr_at_resume, PSTATE_IF);
	/* the exception entry (Arm ARM D1.10): SPSR the PSTATE, DAIF all set */
	reg_set(0, R_SPSR, PSTATE_IF);
	reg_set(0, R_ELR, PC0 + 4);
	reg_set(0, R_PC, VBAR + 0x400);
	reg_set(0, R_CPSR, EL1H_DAIF);
	exit_on(0, ESR(EC_STEP, 0), 0);
	ck_str(on_exit_reply(), "T05thread:1;");
}

START_TEST(gdb_step_into_vector_spsr_given_back)
{
	step_svc_from_el0();
	ck_assert_uint_eq(reg_get(0, R_SPSR), 0);	/* what EL0 had */
}
END_TEST

/*
 * Was a bug, fixed: a step that took an exception ends at a vector with PSTATE.I/F
 * set by the exception entry, and the stub gives the stepped context's
 * I/F to the handler's PSTATE too (gdb.c unmask: PSTATE is always
 * restored): the handler runs its first instructions with interrupts
 * unmasked, and an IRQ there overwrites ELR_EL1/SPSR_EL1 before they are
 * saved.
 */
START_TEST(gdb_step_into_vector_handler_masked)
{
	step_svc_from_el0();
	ck_assert_uint_eq(reg_get(0, R_CPSR), EL1H_DAIF);
}
END_TEST

/*
 * Was a bug, fixed: stepping an instruction inside the vectors (kernel_ventry's
 * first, before kernel_entry saved SPSR_EL1) is taken for "the step took
 * an exception" (gdb.c unmask: any PC in [VBAR, VBAR + 0x800) but the
 * step's own), and the interrupted context's SPSR_EL1 gets the handler's
 * masks: it returns with interrupts masked.
 */
START_TEST(gdb_step_inside_vectors_spsr_untouched)
{
	ram_w32(VBAR + 0x280, SUB_SP);
	reg_set(0, R_PC, VBAR + 0x280);
	reg_set(0, R_CPSR, EL1H_DAIF);		/* the handler: masked */
	reg_set(0, R_SPSR, 0x80000000 | EL1H_DA);	/* the interrupted: not */
	rq_none("s");
	reg_set(0, R_PC, VBAR + 0x284);
	exit_on(0, ESR(EC_STEP, 0), 0);
	ck_str(on_exit_reply(), "T05thread:1;");
	ck_assert_uint_eq(reg_get(0, R_CPSR), EL1H_DAIF);
	ck_assert_uint_eq(reg_get(0, R_SPSR), 0x80000000 | EL1H_DA);
}
END_TEST

START_TEST(gdb_step_interrupted_gives_back)
{
	/* vCPU 0 steps, vCPU 1 hits a breakpoint first: vCPU 0's masks come back */
	rq("qSupported:swbreak+");
	ram_w32(RAM_BASE + 0x4000, ADD_X1);
	ck_str(rq("Z0,80004000,4"), "OK");
	reg_set(0, R_CPSR, EL1H_DA);
	rq_none("vCont;s:1;c");
	ck_assert_uint_eq(F.cpu[0].cpsr_at_resume, EL1H_DAIF);
	reg_set(1, R_PC, RAM_BASE + 0x4000);
	exit_on(1, ESR(EC_BRK, 0), 0);
	ck_str(on_exit_reply(), "T05thread:2;swbreak:;");
	ck_assert_uint_eq(reg_get(0, R_CPSR), EL1H_DA);
	/* and on Ctrl-C */
	rq_none("vCont;s:1;c");
	RAW("\x03");
	parse(false);
	ck_assert_uint_eq(reg_get(0, R_CPSR), EL1H_DA);
	/* and when gdb goes away mid-step */
	rq_none("vCont;s:1");
	ck_str(rq("D"), "OK");
	ck_assert_uint_eq(reg_get(0, R_CPSR), EL1H_DA);
}
END_TEST

/* ---- leaving ------------------------------------------------------------------------- */

START_TEST(gdb_detach)
{
	unsigned int i;

	ram_w32(PC0, ADD_X1);
	ck_str(rq("Z0,80001000,4"), "OK");
	ck_str(rq("Z1,ffff8000081c2a40,4"), "OK");
	ck_str(rq("Z2,ffff800009a3c010,8"), "OK");
	rq_none("vCont;s:2");			/* vCPUs 1 and 3 held */
	RAW("\x03");
	parse(false);
	ck_str(rq("D"), "OK");
	ck_assert(!gdb__attached(F.g) && !gdb__stopped(F.g));
	ck_assert_uint_eq(ram_r32(PC0), ADD_X1);
	ck_assert(!F.paused);
	for (i = 0; i < 3; i++) {
		ck_assert(!F.cpu[i].debug_on);
		ck_assert(!F.cpu[i].held && !F.cpu[i].held_at_resume);
	}
	/* gone: bytes are not read; a BRK of gdb's, taken out since, runs again */
	F.out_len = 0;
	RAW("$?#3f\x03");
	ck_assert_uint_eq(F.out_len, 0);
	reg_set(0, R_PC, PC0);
	exit_on(0, ESR(EC_BRK, 0), 0);
	on_exit_silent();
	ck_assert_uint_eq(F.cpu[0].injects, 0);
	/* and the guest's own go back to it */
	reg_set(0, R_PC, PC0 + 8);
	ram_w32(PC0 + 8, 0xd4210000);
	exit_on(0, ESR(EC_BRK, 0x800), 0);
	on_exit_silent();
	ck_assert_uint_eq(F.cpu[0].injects, 1);
	/* a new debugger finds it as ever */
	ck_assert_int_eq(gdb__attach(F.g), 0);
	ck_str(rq("?"), "T05thread:1;");
	ck_str(rq("m80001000,4"), "21040091");
}
END_TEST

START_TEST(gdb_detach_while_running)
{
	ram_w32(PC0, ADD_X1);
	ck_str(rq("Z0,80001000,4"), "OK");
	rq_none("vCont;c");
	/* our breakpoint hit, not yet told: dropped with it */
	exit_on(0, ESR(EC_BRK, 0), 0);
	ck_str(rq("D"), "OK");
	ck_assert_uint_eq(F.cpu[0].injects, 0);
	ck_assert(!F.cpu[0].exit_pending);
	ck_assert_uint_eq(ram_r32(PC0), ADD_X1);
	ck_assert(!F.paused && !gdb__attached(F.g));
	ck_assert(!F.cpu[0].debug_on);
}
END_TEST

/*
 * Was a bug, fixed: the debugger leaves while the VM runs and the VM will not stop
 * (vm__pause timed out: a vCPU did not leave the guest in 5 s).
 * gdb.c gdb__detach warns and goes on "removing its breakpoints anyway",
 * but not only the BRKs in guest RAM: it gives a step's masks back
 * (ONE_REG) and turns guest debug off (KVM_SET_GUEST_DEBUG) on vCPUs that
 * run, ioctls that wait for KVM_RUN to return, and the vCPU that would
 * not stop holds the main loop for good.
 */
START_TEST(gdb_detach_pause_fails)
{
	ram_w32(PC0, ADD_X1);
	ck_str(rq("Z0,80001000,4"), "OK");
	rq_none("vCont;s:1;c");
	F.pause_ret = -ETIMEDOUT;
	F.ram_while_running = true;		/* the BRKs may go */
	ck_str(rq("D"), "OK");
	ck_assert(!gdb__attached(F.g));
	ck_assert_uint_eq(ram_r32(PC0), ADD_X1);
	/* guest debug is still on; the next exit that pauses turns it off */
	ck_assert(F.cpu[0].debug_on);
	ck_assert_int_lt(gdb__on_exit(F.g), 0);		/* still no pause: try again */
	F.pause_ret = 0;
	reg_set(0, R_PC, PC0);
	exit_on(0, ESR(EC_BRK, 0), 0);			/* ours, hit before it went */
	on_exit_silent();
	ck_assert_uint_eq(F.cpu[0].injects, 0);		/* the instruction runs again */
	ck_assert(!F.cpu[0].debug_on && !F.cpu[1].debug_on && !F.cpu[2].debug_on);
}
END_TEST

/* A debugger that left a VM that would not pause: the next one to attach turns guest debug off first */
START_TEST(gdb_attach_after_failed_detach)
{
	reg_set(0, R_CPSR, EL1H_DA);
	ck_str(rq("Z1,80002000,4"), "OK");
	rq_none("vCont;s:1;c");
	ck_assert_uint_eq(F.cpu[0].cpsr_at_resume, EL1H_DAIF);
	F.pause_ret = -ETIMEDOUT;
	F.ram_while_running = true;
	ck_str(rq("D"), "OK");
	ck_assert(F.cpu[0].debug_on);
	F.pause_ret = 0;
	ck_assert_int_eq(gdb__attach(F.g), 0);
	ck_assert(!F.cpu[0].debug_on && !F.cpu[1].debug_on && !F.cpu[2].debug_on);
	ck_assert_uint_eq(reg_get(0, R_CPSR), EL1H_DA);	/* the step's masks back */
	ck_str(rq("?"), "T05thread:1;");
	rq_none("vCont;c");				/* and the old breakpoint is gone */
	ck_assert(!F.cpu[0].debug_on);
}
END_TEST

/* vmm pause before gdb came: detaching leaves the VM paused, a silent exit too */
START_TEST(gdb_outer_pause_kept)
{
	gdb__detach(F.g);
	ck_assert(!F.paused);
	F.paused = true;				/* vmm pause */
	ck_assert_int_eq(gdb__attach(F.g), 0);
	ck_str(rq("D"), "OK");
	ck_assert(F.paused);
	/* gdb's continue is gdb's: the VM runs, and stays running at detach */
	ck_assert_int_eq(gdb__attach(F.g), 0);
	rq_none("vCont;c");
	ck_assert(!F.paused);
	ck_str(rq("D"), "OK");
	ck_assert(!F.paused);
}
END_TEST

/*
 * Was a bug, fixed: vmm pause while gdb runs the VM, then a stop: detaching leaves
 * the VM paused after a Ctrl-C (interrupt() records the pause it found in
 * outer_paused) but resumes it after a debug exit (gdb.c gdb__on_exit
 * keeps what pause_vm() found in a local and stop() never records it), so
 * gdb's detach undoes a `vmm pause` it never saw.
 */
START_TEST(gdb_outer_pause_kept_over_a_stop)
{
	rq_none("vCont;c");
	F.paused = true;				/* vmm pause */
	RAW("\x03");
	ck_str(parse(false), "T02thread:1;");
	ck_str(rq("D"), "OK");
	ck_assert_msg(F.paused, "a Ctrl-C over vmm pause: resumed at detach");

	F.paused = false;				/* vmm resume */
	ck_assert_int_eq(gdb__attach(F.g), 0);
	ck_str(rq("Z1,80002000,4"), "OK");
	rq_none("vCont;c");
	F.paused = true;				/* vmm pause */
	exit_on(1, ESR(EC_HWBP, 0), 0);
	ck_str(on_exit_reply(), "T05thread:2;");
	ck_str(rq("D"), "OK");
	ck_assert_msg(F.paused, "a breakpoint over vmm pause: resumed at detach");
}
END_TEST

/*
 * Any guest debug on means our debug registers, zero if gdb set none:
 * with MDCR_EL2.TDE the guest's own would trap to the vmm.
 */
START_TEST(gdb_debug_regs_always_ours)
{
	ram_w32(PC0, ADD_X1);
	ck_str(rq("Z0,80001000,4"), "OK");
	rq_none("vCont;c");
	ck_assert(F.cpu[0].debug_on && F.cpu[0].debug.sw_bps && F.cpu[0].debug.hw);
	ck_assert_uint_eq(F.cpu[0].debug.regs.bcr[0] | F.cpu[0].debug.regs.wcr[0], 0);
}
END_TEST

START_TEST(gdb_detach_connection_lost)
{
	ram_w32(PC0, ADD_X1);
	ck_str(rq("Z0,80001000,4"), "OK");
	gdb__detach(F.g);		/* EOF on the socket */
	ck_assert_uint_eq(ram_r32(PC0), ADD_X1);
	ck_assert(!F.paused && !gdb__attached(F.g));
	gdb__detach(F.g);		/* twice: nothing */
	ck_assert(!F.paused);
}
END_TEST

START_TEST(gdb_kill)
{
	rq_none("k");
	ck_assert_uint_eq(F.kills, 1);
	ck_str(rq("vKill;1"), "OK");
	ck_assert_uint_eq(F.kills, 2);
}
END_TEST

START_TEST(gdb_vm_ended)
{
	char want[16];
	size_t n;

	rq_none("vCont;c");
	F.out_len = 0;
	gdb__vm_ended(F.g, 0);
	ck_assert_uint_eq(F.out_len, 7);
	ck_assert_mem_eq(F.out, "$W00#b7", 7);
	ck_assert(!gdb__attached(F.g));
	F.out_len = 0;
	RAW("$?#3f");
	ck_assert_uint_eq(F.out_len, 0);
	gdb__vm_ended(F.g, 3);			/* told once */
	ck_assert_uint_eq(F.out_len, 0);

	fake_init(1, true, 2, 2);
	F.out_len = 0;
	gdb__vm_ended(F.g, 3);
	n = framed(want, "W03", 3);
	ck_assert_uint_eq(F.out_len, n);
	ck_assert_mem_eq(F.out, want, n);
}
END_TEST

START_TEST(gdb_attach_fails)
{
	struct gdb *g;

	F.pause_ret = -ETIMEDOUT;
	g = gdb__new(&fake_ops, &F, &F.caps, f_send);
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(gdb__attach(g), -ETIMEDOUT);
	ck_assert(!gdb__attached(g) && !gdb__stopped(g));
	F.out_len = 0;
	gdb__input(g, (const u8 *)"$?#3f", 5);
	ck_assert_uint_eq(F.out_len, 0);
	gdb__free(g);
}
END_TEST

/* ---- framing ------------------------------------------------------------------------- */

START_TEST(gdb_oversized_packet)
{
	static char big[0x4002];

	memset(big, 'a', sizeof(big));
	big[0] = 'q';
	ck_err(rq_n(big, 0x4001));
	ck_str(rq_n(big, 0x4000), "");	/* the most it takes: an unknown query */
	ck_err(rq_n(big, sizeof(big)));
	ck_str(rq("qC"), "QC1");
}
END_TEST

START_TEST(gdb_framing_noise)
{
	size_t i, n;

	/* noise between packets is ignored */
	F.out_len = 0;
	RAW("garbage\x01\x7f\xff+#00");
	ck_assert_uint_eq(F.out_len, 0);
	ck_str(rq("qC"), "QC1");
	/* a packet cut short by a new '$' */
	F.out_len = 0;
	RAW("$qAttached$?#3f");
	ck_str(parse(true), "T05thread:1;");
	/* one byte at a time */
	n = framed(pkt_buf, "qAttached", 9);
	F.out_len = 0;
	for (i = 0; i < n; i++)
		raw(pkt_buf + i, 1);
	ck_str(parse(true), "1");
	/* two packets in one read: two replies */
	F.out_len = 0;
	RAW("$qC#b4$qAttached#8f");
	ck_assert_uint_eq(F.out_len, 2 * 1 + (4 + 3) + (4 + 1));
	n = framed(pkt_buf, "QC1", 3);
	ck_assert_mem_eq(F.out, "+", 1);
	ck_assert_mem_eq(F.out + 1, pkt_buf, n);
	ck_assert_mem_eq(F.out + 1 + n, "+$1#31", 6);
	/* 0x03 inside a packet is data, not an interrupt */
	rq_none("vCont;c");
	F.out_len = 0;
	send_pkt_n("X80000000,1:\x03", 14);
	ck_assert_mem_eq(F.out, "+$E", 3);
	ck_assert(!gdb__stopped(F.g));
	/* an empty packet */
	F.out_len = 0;
	RAW("\x03");
	parse(false);
	ck_str(rq(""), "");
}
END_TEST

/* ==== the stage-1 walk ========================================================= */

/*
 * The walker's memory: 64K chunks made as the tables are written, anywhere
 * in a 52-bit space; a read of any other address is "not RAM".  Each walk
 * may read at most S_MAX_READS descriptors, 8-aligned.
 */
#define S_CHUNK		0x10000ULL
#define S_MAX_READS	8

static struct {
	u64		pa[256];
	u8		*p[256];
	unsigned int	n;
	unsigned int	reads;
} S;

static u8 *smem(u64 pa, bool make)
{
	u64 base = pa & ~(S_CHUNK - 1);
	unsigned int i;

	for (i = 0; i < S.n; i++)
		if (S.pa[i] == base)
			return S.p[i] + (pa - base);
	if (!make)
		return NULL;
	ck_assert_uint_lt(S.n, ARRAY_SIZE(S.pa));
	S.pa[S.n] = base;
	S.p[S.n] = calloc(1, S_CHUNK);
	ck_assert_ptr_nonnull(S.p[S.n]);
	return S.p[S.n++] + (pa - base);
}

static u64 s_rd(u64 pa)
{
	u8 *p = smem(pa, false);
	u64 v = 0;

	if (p)
		memcpy(&v, p, 8);
	return v;
}

static void s_wr(u64 pa, u64 v)
{
	memcpy(smem(pa, true), &v, 8);
}

static int s_read(void *opaque, u64 pa, u64 *desc)
{
	u8 *p;

	ck_assert_ptr_eq(opaque, &S);
	ck_assert_msg(++S.reads <= S_MAX_READS, "the walk goes on: %u descriptors read", S.reads);
	ck_assert_msg(!(pa & 7), "a descriptor read at 0x%llx", (unsigned long long)pa);
	p = smem(pa, false);
	if (!p)
		return -1;
	memcpy(desc, p, 8);
	return 0;
}

static void s_teardown(void)
{
	unsigned int i;

	for (i = 0; i < S.n; i++)
		free(S.p[i]);
	memset(&S, 0, sizeof(S));
}

static void s_setup(void)
{
	memset(&S, 0, sizeof(S));
}

static int xl(const struct s1_regs *r, u64 va, u64 *pa, u64 *left)
{
	*pa = *left = 0xdeadULL;
	S.reads = 0;
	return s1_translate(r, va, s_read, &S, pa, left);
}

/* va translates to pa with @left bytes left, in @reads descriptor reads */
#define ck_xl(r, va, want_pa, want_left, want_reads)			\
	do {								\
		u64 __pa, __left;					\
		int __ret = xl(r, va, &__pa, &__left);			\
									\
		ck_assert_msg(__ret == 0, "0x%llx: %d", (unsigned long long)(va), __ret); \
		ck_assert_msg(__pa == (u64)(want_pa), "0x%llx -> 0x%llx, not 0x%llx", \
			      (unsigned long long)(va), (unsigned long long)__pa, \
			      (unsigned long long)(want_pa));		\
		ck_assert_msg(__left == (u64)(want_left), "0x%llx: left 0x%llx, not 0x%llx", \
			      (unsigned long long)(va), (unsigned long long)__left, \
			      (unsigned long long)(want_left));		\
		ck_assert_msg(S.reads == (want_reads), "0x%llx: %u reads, not %u", \
			      (unsigned long long)(va), S.reads, (unsigned int)(want_reads)); \
	} while (0)

#define ck_fault(r, va)							\
	do {								\
		u64 __pa, __left;					\
		int __ret = xl(r, va, &__pa, &__left);			\
									\
		ck_assert_msg(__ret == -EFAULT, "0x%llx: %d (0x%llx), not -EFAULT", \
			      (unsigned long long)(va), __ret, (unsigned long long)__pa); \
	} while (0)

static struct pt s_pt(unsigned int g, unsigned int ia, u64 at)
{
	return (struct pt){ .g = g, .ia = ia, .next = at, .rd = s_rd, .wr = s_wr };
}

START_TEST(s1_mmu_off)
{
	struct s1_regs r = { .sctlr = 0, .tcr = ~0ULL, .ttbr0 = ~0ULL, .ttbr1 = ~0ULL };

	ck_xl(&r, 0x80000000ULL, 0x80000000ULL, 0x1000, 0);
	ck_xl(&r, 0x80000fffULL, 0x80000fffULL, 1, 0);
	ck_xl(&r, 0xffff800008001234ULL, 0xffff800008001234ULL, 0x1000 - 0x234, 0);
	ck_xl(&r, 0, 0, 0x1000, 0);
	/* other SCTLR bits do not turn it on */
	r.sctlr = 0x30d00800;
	ck_xl(&r, 0x1234, 0x1234, 0x1000 - 0x234, 0);
}
END_TEST

START_TEST(s1_4k_48)
{
	struct pt t = s_pt(12, 48, 0x40000000);
	u64 root0 = pt_table(&t), root1 = pt_table(&t);
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(16) | TG0_4K | T1SZ(16) | TG1_4K | IPS(5),
			     .ttbr0 = root0, .ttbr1 = root1 };

	pt_map(&t, root0, 0x00007fff12345000ULL, 0x41234000ULL, 3);
	pt_map(&t, root1, 0xffff800008123000ULL, 0x8765f000ULL, 3);
	pt_map(&t, root1, 0xffff000000000000ULL, 0x80000000ULL, 3);
	pt_map(&t, root0, 0x0000fffffffff000ULL, 0x9000ULL, 3);
	ck_xl(&r, 0x00007fff12345678ULL, 0x41234678ULL, 0x1000 - 0x678, 4);
	ck_xl(&r, 0x00007fff12345000ULL, 0x41234000ULL, 0x1000, 4);
	ck_xl(&r, 0xffff800008123ffeULL, 0x8765fffeULL, 2, 4);
	ck_xl(&r, 0xffff000000000010ULL, 0x80000010ULL, 0xff0, 4);
	ck_xl(&r, 0x0000ffffffffffffULL, 0x9fffULL, 1, 4);
	ck_fault(&r, 0x00007fff12346000ULL);		/* the next page: none */
	ck_fault(&r, 0xffff800008124000ULL);
	/* the TTBRs' ASID [63:48] and CnP [0] are not the table's address */
	r.ttbr0 |= 0xabcdULL << 48 | 1;
	r.ttbr1 |= 0x1234ULL << 48 | 1;
	ck_xl(&r, 0x00007fff12345678ULL, 0x41234678ULL, 0x1000 - 0x678, 4);
	ck_xl(&r, 0xffff800008123ffeULL, 0x8765fffeULL, 2, 4);
}
END_TEST

START_TEST(s1_4k_blocks)
{
	struct pt t = s_pt(12, 48, 0x40000000);
	u64 root = pt_table(&t);
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(16) | TG0_4K | EPD1 | IPS(5), .ttbr0 = root };

	pt_map(&t, root, 0x40000000ULL, 0xc0000000ULL, 1);		/* 1G */
	pt_map(&t, root, 0x100200000ULL, 0x80600000ULL, 2);		/* 2M */
	ck_xl(&r, 0x52345678ULL, 0xd2345678ULL, SZ_1G - 0x12345678, 2);
	ck_xl(&r, 0x40000000ULL, 0xc0000000ULL, SZ_1G, 2);
	ck_xl(&r, 0x7fffffffULL, 0xffffffffULL, 1, 2);
	ck_xl(&r, 0x100212345ULL, 0x80612345ULL, SZ_2M - 0x12345, 3);
	/* an output address in a block's low bits is not part of it */
	s_wr(pt_slot(&t, root, 0x40000000ULL, 1), 0xc0000000ULL | 0x1234000 | AF | SH_INNER | 1);
	ck_xl(&r, 0x52345678ULL, 0xd2345678ULL, SZ_1G - 0x12345678, 2);
}
END_TEST

START_TEST(s1_4k_illegal_blocks)
{
	struct pt t = s_pt(12, 48, 0x40000000);
	u64 root = pt_table(&t);
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(16) | TG0_4K | IPS(5), .ttbr0 = root };

	/* a level-0 block (512G) needs TCR.DS */
	s_wr(root + 1 * 8, 0x8000000000ULL | AF | 1);
	ck_fault(&r, 0x8000001000ULL);
	/* 0b01 at level 3 is reserved */
	pt_map(&t, root, 0x1000, 0x80001000, 3);
	ck_xl(&r, 0x1000, 0x80001000, 0x1000, 4);
	s_wr(pt_slot(&t, root, 0x1000, 3), 0x80001000ULL | AF | 1);
	ck_fault(&r, 0x1000);
}
END_TEST

START_TEST(s1_4k_invalid_each_level)
{
	static const u64 breakers[] = { 0, 2, 0xfffffffffffffffeULL };
	struct pt t = s_pt(12, 48, 0x40000000);
	u64 root = pt_table(&t), va = 0x0000123456789000ULL;
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(16) | TG0_4K | IPS(5), .ttbr0 = root };
	unsigned int i;
	int level;

	pt_map(&t, root, va, 0x80000000, 3);
	for (level = 0; level <= 3; level++) {
		u64 at = pt_slot(&t, root, va, level), was = s_rd(at);

		for (i = 0; i < ARRAY_SIZE(breakers); i++) {
			s_wr(at, breakers[i]);
			ck_fault(&r, va);
			ck_assert_uint_eq(S.reads, level + 1);
		}
		s_wr(at, was);
		ck_xl(&r, va, 0x80000000, 0x1000, 4);
	}
	/* a table outside memory */
	s_wr(root + (va >> 39 & 0x1ff) * 8, 0x0000700000000000ULL | 3);
	ck_fault(&r, va);
	r.ttbr0 = 0x0000600000000000ULL;
	ck_fault(&r, va);
}
END_TEST

START_TEST(s1_4k_39_42)
{
	struct pt t39 = s_pt(12, 39, 0x40000000), t42;
	u64 root0 = pt_table(&t39), root1 = pt_table(&t39), root42;
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(25) | TG0_4K | T1SZ(25) | TG1_4K | IPS(2),
			     .ttbr0 = root0, .ttbr1 = root1 };

	ck_assert_int_eq(pt_start(&t39), 1);
	pt_map(&t39, root0, 0x7ffffff000ULL, 0x80001000ULL, 3);
	pt_map(&t39, root1, 0xffffff8000000000ULL, 0x80002000ULL, 3);
	pt_map(&t39, root1, 0xffffffc000000000ULL, 0x80000000ULL, 1);
	ck_xl(&r, 0x7fffffffffULL, 0x80001fffULL, 1, 3);
	ck_xl(&r, 0xffffff8000000123ULL, 0x80002123ULL, 0x1000 - 0x123, 3);
	ck_xl(&r, 0xffffffc000000123ULL, 0x80000123ULL, SZ_1G - 0x123, 1);
	ck_fault(&r, 0x8000000000ULL);			/* bit 39: past the region */
	ck_fault(&r, 0xffffff7ffffff000ULL);		/* below TTBR1's */
	ck_fault(&r, 0xffff800000000000ULL);

	/* 42 bits: level 0 with 3 bits of index */
	t42 = s_pt(12, 42, 0x50000000);
	root42 = pt_table(&t42);
	ck_assert_int_eq(pt_start(&t42), 0);
	pt_map(&t42, root42, 0x3ff00000000ULL, 0x80003000ULL, 3);
	r.tcr = T0SZ(22) | TG0_4K | EPD1 | IPS(2);
	r.ttbr0 = root42;
	ck_xl(&r, 0x3ff00000004ULL, 0x80003004ULL, 0xffc, 4);
	ck_fault(&r, 0x40000000000ULL);
}
END_TEST

START_TEST(s1_16k)
{
	struct pt t = s_pt(14, 47, 0x40000000), t48;
	u64 root = pt_table(&t), root48;
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(17) | TG0_16K | EPD1 | IPS(5), .ttbr0 = root };

	ck_assert_int_eq(pt_start(&t), 1);
	pt_map(&t, root, 0x7fff00004000ULL, 0x80008000ULL, 3);
	pt_map(&t, root, 0x000002000000ULL, 0x82000000ULL, 2);		/* 32M */
	ck_xl(&r, 0x7fff00005234ULL, 0x80009234ULL, 0x4000 - 0x1234, 3);
	ck_xl(&r, 0x000002345678ULL, 0x82345678ULL, (32ULL << 20) - 0x345678, 2);
	ck_fault(&r, 0x800000000000ULL);		/* bit 47 */
	/* a level-1 block (64G) needs TCR.DS */
	s_wr(pt_slot(&t, root, 0x1000000000ULL, 1), 0x1000000000ULL | AF | 1);
	ck_fault(&r, 0x1000000000ULL);
	/* 0b01 at level 3 */
	s_wr(pt_slot(&t, root, 0x7fff00004000ULL, 3), 0x80008000ULL | AF | 1);
	ck_fault(&r, 0x7fff00004000ULL);

	/* 48 bits: level 0 with one bit of index; TTBR1 with TG1 = 0b01 */
	t48 = s_pt(14, 48, 0x50000000);
	root48 = pt_table(&t48);
	ck_assert_int_eq(pt_start(&t48), 0);
	pt_map(&t48, root48, 0xffff800000004000ULL, 0x80004000ULL, 3);
	pt_map(&t48, root48, 0xffff000000008000ULL, 0x80008000ULL, 3);
	r.tcr = T1SZ(16) | TG1_16K | EPD0 | IPS(5);
	r.ttbr1 = root48;
	ck_xl(&r, 0xffff800000007ffcULL, 0x80007ffcULL, 4, 4);
	ck_xl(&r, 0xffff00000000a000ULL, 0x8000a000ULL, 0x2000, 4);
	ck_fault(&r, 0x4000);				/* EPD0 */
}
END_TEST

START_TEST(s1_64k)
{
	struct pt t = s_pt(16, 42, 0x40000000), t48;
	u64 root = pt_table(&t), root48;
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(22) | TG0_64K | EPD1 | IPS(5), .ttbr0 = root };

	ck_assert_int_eq(pt_start(&t), 2);
	pt_map(&t, root, 0x3ffffff0000ULL, 0x80010000ULL, 3);
	pt_map(&t, root, 0x00020000000ULL, 0xa0000000ULL, 2);		/* 512M */
	ck_xl(&r, 0x3fffffffff0ULL, 0x8001fff0ULL, 0x10, 2);
	ck_xl(&r, 0x00020000010ULL, 0xa0000010ULL, (512ULL << 20) - 0x10, 1);
	ck_fault(&r, 0x40000000000ULL);
	s_wr(pt_slot(&t, root, 0x3ffffff0000ULL, 3), 0x80010000ULL | AF | SH_INNER | 1);
	ck_fault(&r, 0x3ffffff0000ULL);

	/* 48 bits: level 1 with 6 bits of index; TTBR1 with TG1 = 0b11 */
	t48 = s_pt(16, 48, 0x50000000);
	root48 = pt_table(&t48);
	ck_assert_int_eq(pt_start(&t48), 1);
	pt_map(&t48, root48, 0xffff800000010000ULL, 0x80020000ULL, 3);
	pt_map(&t48, root48, 0xffff000000000000ULL, 0x80000000ULL, 2);
	r.tcr = T1SZ(16) | TG1_64K | EPD0 | IPS(5);
	r.ttbr1 = root48;
	ck_xl(&r, 0xffff80000001abcdULL, 0x8002abcdULL, 0x10000 - 0xabcd, 3);
	ck_xl(&r, 0xffff000000000008ULL, 0x80000008ULL, (512ULL << 20) - 8, 2);
}
END_TEST

START_TEST(s1_64k_52_lpa)
{
	/* FEAT_LPA: TTBR BADDR[51:48] in [5:2], descriptors' OA[51:48] in [15:12] */
	struct pt t = s_pt(16, 52, 0x000f000040000000ULL);
	u64 root;
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(12) | TG0_64K | EPD1 | IPS(6) };

	t.lpa = true;
	root = pt_table(&t);
	r.ttbr0 = (root & GENMASK(47, 6)) | (root >> 48 & 0xf) << 2;
	ck_assert_int_eq(pt_start(&t), 1);
	pt_map(&t, root, 0x000fffffffff0000ULL, 0x000a000012340000ULL, 3);
	pt_map(&t, root, 0x0000040000000000ULL, 0x0003040000000000ULL, 1);	/* 4T */
	pt_map(&t, root, 0x0008000020000000ULL, 0x0001000020000000ULL, 2);
	ck_xl(&r, 0x000fffffffff1234ULL, 0x000a000012341234ULL, 0x10000 - 0x1234, 3);
	ck_xl(&r, 0x0000040000000010ULL, 0x0003040000000010ULL, (4ULL << 40) - 0x10, 1);
	ck_xl(&r, 0x0008000020000010ULL, 0x0001000020000010ULL, (512ULL << 20) - 0x10, 2);
	ck_fault(&r, 0x0010000000000000ULL);
}
END_TEST

START_TEST(s1_4k_52_ds)
{
	/* FEAT_LPA2: TCR.DS, OA[51:50] in [9:8], a level -1, level-0 blocks */
	struct pt t = s_pt(12, 52, 0x000c000040000000ULL);
	u64 root;
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(12) | TG0_4K | EPD1 | IPS(6) | TCR_DS };

	t.ds = true;
	root = pt_table(&t);
	r.ttbr0 = (root & GENMASK(47, 6)) | (root >> 48 & 0xf) << 2;
	ck_assert_int_eq(pt_start(&t), -1);
	pt_map(&t, root, 0x000f123456789000ULL, 0x000e000080001000ULL, 3);
	pt_map(&t, root, 0x0001008000000000ULL, 0x0004008000000000ULL, 0);	/* 512G */
	ck_xl(&r, 0x000f123456789abcULL, 0x000e000080001abcULL, 0x1000 - 0xabc, 5);
	ck_xl(&r, 0x0001008000000004ULL, 0x0004008000000004ULL, (512ULL << 30) - 4, 2);
	/* a level -1 block: never */
	s_wr(root + 2 * 8, 0x0002000000000000ULL | AF | 1);
	ck_fault(&r, 0x0002000000000000ULL);
}
END_TEST

START_TEST(s1_16k_52_ds)
{
	struct pt t = s_pt(14, 52, 0x000c000040000000ULL);
	u64 root;
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(12) | TG0_16K | EPD1 | IPS(6) | TCR_DS };

	t.ds = true;
	root = pt_table(&t);
	r.ttbr0 = (root & GENMASK(47, 6)) | (root >> 48 & 0xf) << 2;
	ck_assert_int_eq(pt_start(&t), 0);
	pt_map(&t, root, 0x000f800000004000ULL, 0x000d000080004000ULL, 3);
	pt_map(&t, root, 0x0000001000000000ULL, 0x0004001000000000ULL, 1);	/* 64G with DS */
	ck_xl(&r, 0x000f800000004010ULL, 0x000d000080004010ULL, 0x4000 - 0x10, 4);
	ck_xl(&r, 0x0000001000000010ULL, 0x0004001000000010ULL, (64ULL << 30) - 0x10, 2);
}
END_TEST

START_TEST(s1_epd)
{
	struct pt t = s_pt(12, 48, 0x40000000);
	u64 root0 = pt_table(&t), root1 = pt_table(&t);
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(16) | TG0_4K | T1SZ(16) | TG1_4K | IPS(5),
			     .ttbr0 = root0, .ttbr1 = root1 };

	pt_map(&t, root0, 0x1000, 0x80001000, 3);
	pt_map(&t, root1, 0xffff800000001000ULL, 0x80002000, 3);
	ck_xl(&r, 0x1000, 0x80001000, 0x1000, 4);
	ck_xl(&r, 0xffff800000001000ULL, 0x80002000, 0x1000, 4);
	r.tcr |= EPD0;
	ck_fault(&r, 0x1000);
	ck_assert_uint_eq(S.reads, 0);
	ck_xl(&r, 0xffff800000001000ULL, 0x80002000, 0x1000, 4);
	r.tcr ^= EPD0 | EPD1;
	ck_xl(&r, 0x1000, 0x80001000, 0x1000, 4);
	ck_fault(&r, 0xffff800000001000ULL);
	ck_assert_uint_eq(S.reads, 0);
}
END_TEST

START_TEST(s1_tbi)
{
	struct pt t = s_pt(12, 48, 0x40000000);
	u64 root0 = pt_table(&t), root1 = pt_table(&t);
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(16) | TG0_4K | T1SZ(16) | TG1_4K | IPS(5),
			     .ttbr0 = root0, .ttbr1 = root1 };

	pt_map(&t, root0, 0x00007fff12345000ULL, 0x80001000, 3);
	pt_map(&t, root1, 0xffff800008123000ULL, 0x80002000, 3);
	/* tags without TBI: outside both regions */
	ck_fault(&r, 0x5a007fff12345678ULL);
	ck_fault(&r, 0x12ff800008123000ULL);
	r.tcr |= TBI0;
	ck_xl(&r, 0x5a007fff12345678ULL, 0x80001678, 0x1000 - 0x678, 4);
	ck_xl(&r, 0xff007fff12345678ULL, 0x80001678, 0x1000 - 0x678, 4);
	ck_fault(&r, 0x12ff800008123000ULL);		/* TBI0 is not TBI1 */
	ck_fault(&r, 0x5a017fff12345678ULL);		/* bit 48 is no tag */
	r.tcr ^= TBI0 | TBI1;
	ck_xl(&r, 0x12ff800008123010ULL, 0x80002010, 0xff0, 4);
	ck_xl(&r, 0x00ff800008123010ULL, 0x80002010, 0xff0, 4);
	ck_fault(&r, 0x5a007fff12345678ULL);
	/* bit 55 chooses the region, tagged or not */
	r.tcr |= TBI0;
	ck_fault(&r, 0xff7f800008123000ULL);
}
END_TEST

START_TEST(s1_hole)
{
	struct pt t = s_pt(12, 48, 0x40000000);
	u64 root0 = pt_table(&t), root1 = pt_table(&t);
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(16) | TG0_4K | T1SZ(16) | TG1_4K | IPS(5),
			     .ttbr0 = root0, .ttbr1 = root1 };

	pt_map(&t, root0, 0x0000fffffffff000ULL, 0x80001000, 3);
	pt_map(&t, root1, 0xffff000000000000ULL, 0x80002000, 3);
	ck_xl(&r, 0x0000ffffffffffffULL, 0x80001fff, 1, 4);
	ck_xl(&r, 0xffff000000000000ULL, 0x80002000, 0x1000, 4);
	ck_fault(&r, 0x0001000000000000ULL);
	ck_fault(&r, 0x0080000000000000ULL);
	ck_fault(&r, 0x8000000000000000ULL);
	ck_fault(&r, 0xfffeffffffffffffULL);
	ck_fault(&r, 0x7fffffffffffffffULL);
	ck_fault(&r, 0xff00000000000000ULL);
	ck_assert_uint_eq(S.reads, 0);
}
END_TEST

/*
 * Was a bug, fixed: with 64K pages and TxSZ above 47 (TTST's largest for 64K; 39
 * without it) the walk starts at "level 4": the shift of each further
 * level wraps (arm64/gdb.c s1_translate clamps TxSZ to 48 for every
 * granule), a shift exponent past 63 is undefined behaviour, and a table
 * descriptor pointing at its own table makes the walk loop for ever.  A
 * guest sets TCR_EL1; the debugger's next memory read hangs the vmm.
 * Any answer will do, in at most 4 descriptor reads.
 */
START_TEST(s1_64k_tsz_too_big_terminates)
{
	static const unsigned int tsz[] = { 47, 48, 63 };
	struct pt t = s_pt(16, 42, 0x40000000);
	u64 root = pt_table(&t), pa, left;
	unsigned int i;

	for (i = 0; i < 0x10000; i += 8)
		s_wr(root + i, root | AF | 3);		/* every entry: this table */
	for (i = 0; i < ARRAY_SIZE(tsz); i++) {
		struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(tsz[i]) | TG0_64K | EPD1 | IPS(5),
				     .ttbr0 = root };

		xl(&r, 0x0, &pa, &left);
		ck_assert_msg(S.reads <= 4, "T0SZ %u: %u reads", tsz[i], S.reads);
	}
}
END_TEST

/* FEAT_LPA's OA[51:48] and 4T blocks are for 52-bit IPS only; with less, [15:12] are not address */
START_TEST(s1_64k_lpa_needs_ips52)
{
	struct pt t = s_pt(16, 48, 0x40000000);
	u64 root = pt_table(&t);
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(16) | TG0_64K | EPD1 | IPS(5), .ttbr0 = root };

	pt_map(&t, root, 0x0000123400010000ULL, 0x80010000ULL, 3);
	s_wr(pt_slot(&t, root, 0x0000123400010000ULL, 3), 0x80010000ULL | 0xa000 | AF | SH_INNER | 3);
	ck_xl(&r, 0x0000123400010010ULL, 0x80010010ULL, 0xfff0, 3);
	s_wr(pt_slot(&t, root, 0x0000040000000000ULL, 1), 0x0000040000000000ULL | AF | 1);
	ck_fault(&r, 0x0000040000000000ULL);
	r.tcr = T0SZ(16) | TG0_64K | EPD1 | IPS(6);	/* 52 bits: both count */
	ck_xl(&r, 0x0000123400010010ULL, 0x000a000080010010ULL, 0xfff0, 3);
	ck_xl(&r, 0x0000040000000010ULL, 0x0000040000000010ULL, (4ULL << 40) - 0x10, 1);
}
END_TEST

/* Out of range, TxSZ behaves as the nearest it may be: 16 to 48 for 4K and 16K without DS */
START_TEST(s1_tsz_clamped)
{
	struct pt t16 = s_pt(14, 48, 0x40000000), t4 = s_pt(12, 16, 0x50000000);
	u64 root16 = pt_table(&t16), root4 = pt_table(&t4);
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(12) | TG0_16K | EPD1 | IPS(5), .ttbr0 = root16 };

	pt_map(&t16, root16, 0x0000000000004000ULL, 0x80004000ULL, 3);
	s_wr(root16 + 16 * 8, root16 | 3);		/* what a 52-bit level 0 would use */
	ck_xl(&r, 0x4010, 0x80004010ULL, 0x3ff0, 4);
	ck_fault(&r, 0x0008000000004000ULL);		/* past 48 bits */
	/* 4K at the other end: T0SZ 63 is 48, a 16-bit region from level 3 */
	ck_assert_int_eq(pt_start(&t4), 3);
	pt_map(&t4, root4, 0xf000, 0x8000f000ULL, 3);
	r = (struct s1_regs){ .sctlr = 1, .tcr = T0SZ(63) | TG0_4K | EPD1 | IPS(5), .ttbr0 = root4 };
	ck_xl(&r, 0xf008, 0x8000f008ULL, 0xff8, 1);
	ck_fault(&r, 0x10000);
	r.tcr = T0SZ(48) | TG0_4K | EPD1 | IPS(5);
	ck_xl(&r, 0xf008, 0x8000f008ULL, 0xff8, 1);
}
END_TEST

/*
 * Was a bug, fixed: TCR_EL1.DS applies to the 4K and 16K granules only (with 64K
 * pages the 52-bit format is FEAT_LPA's), but arm64/gdb.c s1_translate
 * takes descriptor bits [9:8] (shareability, 0b11 in Linux's) as
 * OA[51:50] for a 64K walk too when DS is set.
 */
START_TEST(s1_64k_ignores_ds)
{
	struct pt t = s_pt(16, 48, 0x40000000);
	u64 root;
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(16) | TG0_64K | EPD1 | IPS(5) | TCR_DS };

	t.lpa = true;
	root = pt_table(&t);
	r.ttbr0 = root;
	pt_map(&t, root, 0x0000123400010000ULL, 0x80010000ULL, 3);
	ck_xl(&r, 0x0000123400010010ULL, 0x80010010ULL, 0xfff0, 3);
}
END_TEST

/*
 * Was a bug, fixed: below 16, TxSZ is 16 or a fault for the 4K and 16K granules
 * without TCR.DS (Arm ARM: TxSZ below its minimum), but s1_translate
 * clamps to 12 for every granule and walks 4K from a level -1 that does
 * not exist: the level-0 table is read as a level -1 one, each table one
 * level off, and the data page as a table.
 */
START_TEST(s1_4k_tsz_below_16)
{
	struct pt t = s_pt(12, 48, 0x40000000);
	u64 root = pt_table(&t), pa, left, i;
	struct s1_regs r = { .sctlr = 1, .tcr = T0SZ(16) | TG0_4K | EPD1 | IPS(5) };
	int ret;

	r.ttbr0 = root;
	pt_map(&t, root, 0, 0x60000000, 3);
	for (i = 0; i < 0x1000; i += 8)			/* the data page looks like a table */
		s_wr(0x60000000 + i, 0x70000000 | AF | 3);
	ck_xl(&r, 0x10, 0x60000010, 0xff0, 4);
	r.tcr = T0SZ(12) | TG0_4K | EPD1 | IPS(5);
	ret = xl(&r, 0x10, &pa, &left);
	ck_assert_msg(ret == -EFAULT || (ret == 0 && pa == 0x60000010),
		      "T0SZ 12 without DS: %d, 0x%llx", ret, (unsigned long long)pa);
}
END_TEST

/* ==== debug registers, exits, instructions ======================================= */

START_TEST(hw_bp_encoding)
{
	u64 bcr, bvr;

	/* E, PMC = 0b11 (EL1 and EL0), BAS = 0b1111: 0x1e7 */
	gdb_arch__hw_bp(0xffff8000081c2a40ULL, &bcr, &bvr);
	ck_assert(bcr == 0x1e7);
	ck_assert(bvr == 0xffff8000081c2a40ULL);
	gdb_arch__hw_bp(0x80001000ULL, &bcr, &bvr);
	ck_assert(bcr == 0x1e7 && bvr == 0x80001000ULL);
	gdb_arch__hw_bp(0x80001002ULL, &bcr, &bvr);		/* [1:0] RES0 */
	ck_assert(bvr == 0x80001000ULL);
	/* [63:53] repeat bit 52 */
	gdb_arch__hw_bp(0x001f8000081c2a40ULL, &bcr, &bvr);
	ck_assert(bvr == 0xffff8000081c2a40ULL);
	gdb_arch__hw_bp(0x0010000000001000ULL, &bcr, &bvr);
	ck_assert(bvr == 0xfff0000000001000ULL);
	gdb_arch__hw_bp(0xffe0000000001000ULL, &bcr, &bvr);
	ck_assert(bvr == 0x0000000000001000ULL);
}
END_TEST

START_TEST(hw_wp_encoding)
{
	u64 wcr, wvr;

	/* Z2 (store, LSC 0b10), 8 bytes: 1 | 3 << 1 | 2 << 3 | 0xff << 5 */
	ck_assert_int_eq(gdb_arch__hw_wp(0xffff800009a3c010ULL, 8, GDB_WP_WRITE, &wcr, &wvr), 0);
	ck_assert(wcr == 0x1ff7 && wvr == 0xffff800009a3c010ULL);
	/* Z3 (load, 0b01) of 4 at +4 */
	ck_assert_int_eq(gdb_arch__hw_wp(0xffff800009a3c014ULL, 4, GDB_WP_READ, &wcr, &wvr), 0);
	ck_assert(wcr == (1 | 3 << 1 | 1 << 3 | 0xf0 << 5));
	ck_assert(wvr == 0xffff800009a3c010ULL);
	/* Z4 (both, 0b11) of 1 at +7, 2 at +6, 1 at +0 */
	ck_assert_int_eq(gdb_arch__hw_wp(0x80000007ULL, 1, GDB_WP_ACCESS, &wcr, &wvr), 0);
	ck_assert(wcr == (1 | 3 << 1 | 3 << 3 | 0x80 << 5) && wvr == 0x80000000ULL);
	ck_assert_int_eq(gdb_arch__hw_wp(0x80000006ULL, 2, GDB_WP_ACCESS, &wcr, &wvr), 0);
	ck_assert(wcr == (1 | 3 << 1 | 3 << 3 | 0xc0 << 5) && wvr == 0x80000000ULL);
	ck_assert_int_eq(gdb_arch__hw_wp(0x80000008ULL, 1, GDB_WP_WRITE, &wcr, &wvr), 0);
	ck_assert(wcr == (1 | 3 << 1 | 2 << 3 | 0x01 << 5) && wvr == 0x80000008ULL);
	/* 3 bytes at +3: an unaligned range inside one doubleword */
	ck_assert_int_eq(gdb_arch__hw_wp(0x80000003ULL, 3, GDB_WP_WRITE, &wcr, &wvr), 0);
	ck_assert(wcr == (1 | 3 << 1 | 2 << 3 | 0x38 << 5) && wvr == 0x80000000ULL);
	/* crossing a doubleword: no */
	ck_assert_int_eq(gdb_arch__hw_wp(0x80000007ULL, 2, GDB_WP_WRITE, &wcr, &wvr), -EINVAL);
	ck_assert_int_eq(gdb_arch__hw_wp(0x80000001ULL, 8, GDB_WP_WRITE, &wcr, &wvr), -EINVAL);
	ck_assert_int_eq(gdb_arch__hw_wp(0x80000006ULL, 4, GDB_WP_READ, &wcr, &wvr), -EINVAL);
	ck_assert_int_eq(gdb_arch__hw_wp(0x80000000ULL, 0, GDB_WP_READ, &wcr, &wvr), -EINVAL);
	/* MASK: a power of two, aligned, BAS all ones */
	ck_assert_int_eq(gdb_arch__hw_wp(0x80000010ULL, 16, GDB_WP_WRITE, &wcr, &wvr), 0);
	ck_assert(wcr == (0x1ff7 | 4ULL << 24) && wvr == 0x80000010ULL);
	ck_assert_int_eq(gdb_arch__hw_wp(0x80001000ULL, 4096, GDB_WP_ACCESS, &wcr, &wvr), 0);
	ck_assert(wcr == (1 | 3 << 1 | 3 << 3 | 0xff << 5 | 12ULL << 24) && wvr == 0x80001000ULL);
	ck_assert_int_eq(gdb_arch__hw_wp(0x80000000ULL, 1ULL << 31, GDB_WP_READ, &wcr, &wvr), 0);
	ck_assert(wcr == (1 | 3 << 1 | 1 << 3 | 0xff << 5 | 31ULL << 24));
	ck_assert_int_eq(gdb_arch__hw_wp(0x100000000ULL, 1ULL << 32, GDB_WP_READ, &wcr, &wvr), -EINVAL);
	ck_assert_int_eq(gdb_arch__hw_wp(0x80000008ULL, 16, GDB_WP_WRITE, &wcr, &wvr), -EINVAL);
	ck_assert_int_eq(gdb_arch__hw_wp(0x80000000ULL, 24, GDB_WP_WRITE, &wcr, &wvr), -EINVAL);
	ck_assert_int_eq(gdb_arch__hw_wp(0x80000000ULL, 12, GDB_WP_WRITE, &wcr, &wvr), -EINVAL);
	/* [63:53] repeat bit 52 */
	ck_assert_int_eq(gdb_arch__hw_wp(0x001f800000000013ULL, 1, GDB_WP_WRITE, &wcr, &wvr), 0);
	ck_assert(wvr == 0xffff800000000010ULL);
	ck_assert_int_eq(gdb_arch__hw_wp(0x001f800000000040ULL, 64, GDB_WP_WRITE, &wcr, &wvr), 0);
	ck_assert(wvr == 0xffff800000000040ULL);
	ck_assert_int_eq(gdb_arch__hw_wp(0xffe0000000000010ULL, 8, GDB_WP_WRITE, &wcr, &wvr), 0);
	ck_assert(wvr == 0x0000000000000010ULL);
}
END_TEST

START_TEST(trap_classes)
{
	static const struct {
		u32		ec;
		enum gdb_trap	trap;
	} t[] = {
		{ 0x3c, GDB_TRAP_BRK }, { 0x30, GDB_TRAP_HW_BP }, { 0x31, GDB_TRAP_HW_BP },
		{ 0x32, GDB_TRAP_STEP }, { 0x33, GDB_TRAP_STEP }, { 0x34, GDB_TRAP_WATCH },
		{ 0x35, GDB_TRAP_WATCH }, { 0x38, GDB_TRAP_BRK }, { 0x3a, GDB_TRAP_OTHER },
		{ 0x00, GDB_TRAP_OTHER }, { 0x15, GDB_TRAP_OTHER }, { 0x24, GDB_TRAP_OTHER },
		{ 0x3d, GDB_TRAP_OTHER }, { 0x3f, GDB_TRAP_OTHER }, { 0x2f, GDB_TRAP_OTHER },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ck_assert_msg(gdb_arch__trap(ESR(t[i].ec, 0)) == t[i].trap, "EC 0x%x", t[i].ec);
		/* IL and the ISS do not change the class */
		ck_assert(gdb_arch__trap(t[i].ec << 26 | 0x1ffffff) == t[i].trap);
		ck_assert(gdb_arch__trap(t[i].ec << 26) == t[i].trap);
	}
	ck_assert(gdb_arch__trap(ESR(0x3c, 0x800)) == GDB_TRAP_BRK);
	ck_assert(gdb_arch__trap(ESR(0x34, 1 << 6 | 1 << 24)) == GDB_TRAP_WATCH);
}
END_TEST

START_TEST(insn_brk)
{
	static const u32 yes[] = { 0xd4200000, 0xd4210000, 0xd43fffe0, 0xd4200080, 0xd4207d00 };
	static const u32 no[] = {
		0xd4400000,			/* hlt #0 */
		0xd4000001, 0xd4000002, 0xd4000003,	/* svc, hvc, smc */
		0xd4a00001,			/* dcps1 */
		0xd4200001, 0xd420001f,		/* unallocated low bits */
		0xd5200000, 0x00000000, 0xd503201f,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(yes); i++)
		ck_assert_msg(gdb_arch__insn_is_brk(yes[i]), "0x%08x", yes[i]);
	for (i = 0; i < ARRAY_SIZE(no); i++)
		ck_assert_msg(!gdb_arch__insn_is_brk(no[i]), "0x%08x", no[i]);
}
END_TEST

START_TEST(insn_daif)
{
	static const u32 yes[] = {
		0xd50342df, 0xd50343df, 0xd5034fdf, 0xd50340df,	/* msr daifset, #2 #3 #15 #0 */
		0xd50342ff, 0xd5034fff,				/* msr daifclr, #2 #15 */
		0xd51b4220, 0xd51b423f, 0xd51b4233,		/* msr daif, x0 / xzr / x19 */
		0xd53b4220, 0xd53b423e,				/* mrs x0 / x30, daif */
		0xd69f03e0, 0xd69f0bff, 0xd69f0fff,		/* eret, eretaa, eretab */
	};
	static const u32 no[] = {
		0xd503201f, 0xd503207f,				/* nop, wfi */
		0xd50040bf, 0xd500419f,				/* msr spsel, #0; msr pan, #1 */
		0xd503405f, 0xd503409f, 0xd503403f,		/* msr dit / tco / ssbs, #0 */
		0xd51b4200, 0xd53b4200,				/* msr nzcv, x0; mrs x0, nzcv */
		0xd51b42a0, 0xd53b42a0, 0xd51b42c0,		/* msr/mrs dit; msr ssbs */
		0xd5184220, 0xd5384220,				/* op1 0 (not daif) */
		0xd65f03c0, 0xd65f0bff, 0xd65f0fff,		/* ret, retaa, retab */
		0xd6bf03e0, 0xd61f0000,				/* drps, br x0 */
		0xd4000001, 0xd4000002, 0xd4200000, 0xd4210000,	/* svc, hvc, brk #0, brk #0x800 */
		0xd50b7520, 0xd5182000,				/* ic ivau; msr ttbr0_el1 */
		0x00000000, 0xffffffff,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(yes); i++)
		ck_assert_msg(gdb_arch__insn_uses_daif(yes[i]), "0x%08x", yes[i]);
	for (i = 0; i < ARRAY_SIZE(no); i++)
		ck_assert_msg(!gdb_arch__insn_uses_daif(no[i]), "0x%08x", no[i]);
}
END_TEST

START_TEST(reg_sizes)
{
	unsigned int r;

	ck_assert_uint_eq(gdb_arch__nr_regs(), NREGS);
	ck_assert_uint_eq(gdb_nr_sys_regs, 15);
	for (r = 0; r <= 32; r++)
		ck_assert_uint_eq(gdb_arch__reg_size(r), 8);
	ck_assert_uint_eq(gdb_arch__reg_size(33), 4);
	for (r = 34; r <= 65; r++)
		ck_assert_uint_eq(gdb_arch__reg_size(r), 16);
	ck_assert_uint_eq(gdb_arch__reg_size(66), 4);
	ck_assert_uint_eq(gdb_arch__reg_size(67), 4);
	for (r = 68; r < NREGS; r++)
		ck_assert_uint_eq(gdb_arch__reg_size(r), 8);
	ck_assert_uint_eq(gdb_arch__reg_size(NREGS), 0);
	ck_assert_uint_eq(gdb_arch__reg_size(0x1000), 0);
	ck_assert_uint_eq(gdb_arch__reg_size(~0u), 0);
	ck_assert_uint_eq(GDB_REG_SP, 31);
	ck_assert_uint_eq(GDB_REG_PC, 32);
	ck_assert_uint_eq(GDB_REG_CPSR, 33);
	ck_assert_uint_eq(GDB_REG_V0, 34);
	ck_assert_uint_eq(GDB_REG_FPSR, 66);
	ck_assert_uint_eq(GDB_REG_FPCR, 67);
	ck_assert_uint_eq(A64_BRK0, 0xd4200000u);
}
END_TEST

#define GDB_TEST(s, fn)	UNIT_TEST_FIXTURE(s, fn, gdb_setup, gdb_teardown)
#define S1_TEST(s, fn)	UNIT_TEST_FIXTURE(s, fn, s_setup, s_teardown)

Suite *gdb_suite(void)
{
	Suite *s = suite_create("gdb");

	GDB_TEST(s, gdb_ack_and_reply);
	GDB_TEST(s, gdb_nack_retransmits);
	GDB_TEST(s, gdb_nack_after_ack_resends_nothing);
	GDB_TEST(s, gdb_bad_checksum);
	GDB_TEST(s, gdb_no_ack_mode);
	GDB_TEST(s, gdb_qsupported);
	GDB_TEST(s, gdb_unknown_packets_empty);
	GDB_TEST(s, gdb_target_xml_whole);
	GDB_TEST(s, gdb_target_xml_registers);
	GDB_TEST(s, gdb_stop_reply_at_attach);
	GDB_TEST(s, gdb_threads_1);
	GDB_TEST(s, gdb_threads_3);
	GDB_TEST(s, gdb_threads_300);
	GDB_TEST(s, gdb_h_select);
	GDB_TEST(s, gdb_g_layout);
	GDB_TEST(s, gdb_G_writes_changed_only);
	GDB_TEST(s, gdb_p_P);
	GDB_TEST(s, gdb_p_wide_regno);
	GDB_TEST(s, gdb_m_flat);
	GDB_TEST(s, gdb_m_capped);
	GDB_TEST(s, gdb_M_X);
	GDB_TEST(s, gdb_m_page_tables);
	GDB_TEST(s, gdb_m_firmware_tables);
	GDB_TEST(s, gdb_monitor_phys);
	GDB_TEST(s, gdb_z0_flat);
	GDB_TEST(s, gdb_z0_kernel_va);
	GDB_TEST(s, gdb_z0_write_over_keeps_it);
	GDB_TEST(s, gdb_z0_guest_rewrote);
	GDB_TEST(s, gdb_z0_limit);
	GDB_TEST(s, gdb_z0_hidden_through_alias);
	GDB_TEST(s, gdb_z0_two_aliases);
	GDB_TEST(s, gdb_z1_z4_limits);
	GDB_TEST(s, gdb_z1_no_brps);
	GDB_TEST(s, gdb_z1_caps_clamped);
	GDB_TEST(s, gdb_debug_regs_at_resume);
	GDB_TEST(s, gdb_no_guest_debug);
	GDB_TEST(s, gdb_vcont);
	GDB_TEST(s, gdb_vcont_malformed);
	GDB_TEST(s, gdb_c_s_old);
	GDB_TEST(s, gdb_exit_swbreak);
	GDB_TEST(s, gdb_exit_swbreak_not_offered);
	GDB_TEST(s, gdb_exit_ours_by_pa);
	GDB_TEST(s, gdb_exit_guest_brk);
	GDB_TEST(s, gdb_exit_two_at_once);
	GDB_TEST(s, gdb_exit_hwbreak);
	GDB_TEST(s, gdb_exit_watch);
	GDB_TEST(s, gdb_exit_step);
	GDB_TEST(s, gdb_exit_step_held_stay_held);
	GDB_TEST(s, gdb_exit_while_stopped);
	GDB_TEST(s, gdb_exit_pause_fails);
	GDB_TEST(s, gdb_ctrl_c);
	GDB_TEST(s, gdb_packets_while_running);
	GDB_TEST(s, gdb_step_masks_irq);
	GDB_TEST(s, gdb_step_daif_insns_unmasked);
	GDB_TEST(s, gdb_step_into_vector_spsr_given_back);
	GDB_TEST(s, gdb_step_into_vector_handler_masked);
	GDB_TEST(s, gdb_step_inside_vectors_spsr_untouched);
	GDB_TEST(s, gdb_step_interrupted_gives_back);
	GDB_TEST(s, gdb_detach);
	GDB_TEST(s, gdb_detach_while_running);
	GDB_TEST(s, gdb_detach_pause_fails);
	GDB_TEST(s, gdb_outer_pause_kept);
	GDB_TEST(s, gdb_attach_after_failed_detach);
	GDB_TEST(s, gdb_vm_errors);
	GDB_TEST(s, gdb_m_tables_outside_ram);
	GDB_TEST(s, gdb_z0_two_aliases_written_over);
	GDB_TEST(s, gdb_debug_regs_always_ours);
	GDB_TEST(s, gdb_outer_pause_kept_over_a_stop);
	GDB_TEST(s, gdb_m_top_of_memory);
	GDB_TEST(s, gdb_detach_connection_lost);
	GDB_TEST(s, gdb_kill);
	GDB_TEST(s, gdb_vm_ended);
	GDB_TEST(s, gdb_attach_fails);
	GDB_TEST(s, gdb_oversized_packet);
	GDB_TEST(s, gdb_framing_noise);
	S1_TEST(s, s1_mmu_off);
	S1_TEST(s, s1_4k_48);
	S1_TEST(s, s1_4k_blocks);
	S1_TEST(s, s1_4k_illegal_blocks);
	S1_TEST(s, s1_4k_invalid_each_level);
	S1_TEST(s, s1_4k_39_42);
	S1_TEST(s, s1_16k);
	S1_TEST(s, s1_64k);
	S1_TEST(s, s1_64k_52_lpa);
	S1_TEST(s, s1_4k_52_ds);
	S1_TEST(s, s1_16k_52_ds);
	S1_TEST(s, s1_epd);
	S1_TEST(s, s1_tbi);
	S1_TEST(s, s1_hole);
	S1_TEST(s, s1_64k_tsz_too_big_terminates);
	S1_TEST(s, s1_64k_ignores_ds);
	S1_TEST(s, s1_64k_lpa_needs_ips52);
	S1_TEST(s, s1_tsz_clamped);
	S1_TEST(s, s1_4k_tsz_below_16);
	UNIT_TEST(s, hw_bp_encoding);
	UNIT_TEST(s, hw_wp_encoding);
	UNIT_TEST(s, trap_classes);
	UNIT_TEST(s, insn_brk);
	UNIT_TEST(s, insn_daif);
	UNIT_TEST(s, reg_sizes);
	return s;
}
