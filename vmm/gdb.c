// SPDX-License-Identifier: GPL-2.0
/*
 * gdb.c - the GDB remote serial protocol for a VM: one debugger at a time,
 * all-stop, every vCPU a thread (thread id = vCPU index + 1).
 *
 * The session runs on the main thread and reaches the VM only through
 * struct gdb_ops (gdb-vm.c's on a real VM), and only while every vCPU is
 * out of the guest: attaching pauses the VM, a continue or step resumes
 * it, and a vCPU that takes a debug exit holds itself out of the guest and
 * wakes us (gdb__on_exit), so that the rest are paused before anyone looks.
 *
 * Breakpoints are global, as in QEMU: a software breakpoint is a BRK #0
 * written into guest RAM at the address's IPA (restored at removal only
 * if the BRK is still there: the guest may have rewritten its code);
 * hardware breakpoints and watchpoints go into every vCPU's debug
 * registers.  While any is in place the hypervisor routes every debug
 * exception to us (MDCR_EL2.TDE), the guest's own BRKs too (a WARN, a
 * kprobe): a BRK at an address that is not ours is given back to the guest
 * as the exception it would have taken.  A single step masks IRQ and FIQ
 * for the one instruction (but around instructions that use DAIF), so that
 * `stepi` does not land in the interrupt vector at every timer tick.
 *
 * Memory is read and written by virtual address through the gdb thread's
 * stage-1 tables (arm64/gdb.c), or by physical address after
 * `monitor phys on` (QEMU's `maintenance packet Qqemu.PhyMemMode:1` too).
 * Reads show the instruction a software breakpoint replaced.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gdb.h"

#define GDB_PACKET_SIZE		0x4000	/* PacketSize: the most we take */
#define GDB_MAX_SW_BPS		256
#define GDB_THREADS_PER_REPLY	256
#define SIGTRAP_			5
#define SIGINT_				2
#define PSTATE_IF		0xc0	/* PSTATE.I and .F */
#define VECTORS_SIZE		0x800
#define VECTOR_ENTRY		0x80
#define EC_BRK64		0x3c

enum action { ACT_STOP, ACT_CONT, ACT_STEP };

struct sw_bp {
	u64	addr;		/* as gdb gave it (virtual, or physical in phys mode) */
	u64	pa;		/* where the BRK is */
	u32	saved;		/* the instruction it replaced */
};

struct hw_wp {
	u64		addr, len;
	enum gdb_wp_kind kind;
};

struct gdb_cpu {
	enum action	act;		/* what the last resume asked */
	bool		masked;		/* a step set PSTATE.I/F: give them back */
	u32		saved_if;	/* PSTATE.I/F before the step */
	u64		step_pc;
};

enum rx_state { RX_IDLE, RX_DATA, RX_CSUM1, RX_CSUM2 };

struct gdb {
	const struct gdb_ops	*ops;
	void			*opaque;
	struct gdb_caps		caps;
	void			(*send)(void *opaque, const char *buf, size_t len);

	/* receiving */
	enum rx_state		rx;
	char			pkt[GDB_PACKET_SIZE + 1];
	size_t			pkt_len;
	bool			pkt_long;
	u8			sum, sum_rx;

	/* replying: the packet being built, the last one sent (for '-') */
	char			*reply;
	size_t			reply_len;
	bool			reply_full;
	char			*last;
	size_t			last_len;

	bool			attached, stopped, noack, phys;
	bool			outer_paused;	/* paused before gdb stopped it (vmm pause) */
	bool			debug_stale;	/* guest debug left on: gdb left a running VM */
	bool			swbreak, hwbreak;	/* gdb takes the stop reasons */
	unsigned int		g_cpu, c_cpu;		/* Hg, Hc */
	unsigned int		stop_cpu, stop_sig;
	char			stop_why[48];		/* "swbreak:;", "watch:<addr>;" */
	unsigned int		next_thread;		/* qsThreadInfo */

	struct sw_bp		sw[GDB_MAX_SW_BPS];
	unsigned int		nr_sw;
	u64			bp[GDB_MAX_HW];
	unsigned int		nr_bp;
	struct hw_wp		wp[GDB_MAX_HW];
	unsigned int		nr_wp;
	struct gdb_cpu		*cpu;
};

#define REPLY_CAP	(2 * GDB_PACKET_SIZE + 64)

/* ---- hex ----------------------------------------------------------------- */


/* A hex number of 1 to 16 digits at *@p (which moves past it): 0 or -1. */
static int get_hex(const char **p, u64 *v)
{
	const char *s = *p;
	int d;

	*v = 0;
	while ((d = hex_digit((unsigned char)**p)) >= 0) {
		if (*p - s == 16)
			return -1;
		*v = *v << 4 | d;
		(*p)++;
	}
	return *p == s ? -1 : 0;
}

/* @n bytes from the hex text at @p (2n digits): 0 or -1. */
static int get_bytes(const char *p, u8 *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int hi = hex_digit((unsigned char)p[2 * i]), lo;

		if (hi < 0 || (lo = hex_digit((unsigned char)p[2 * i + 1])) < 0)
			return -1;
		out[i] = hi << 4 | lo;
	}
	return 0;
}

/* ---- replies ------------------------------------------------------------- */

static void put(struct gdb *g, const char *s, size_t n)
{
	if (g->reply_len + n > REPLY_CAP) {
		g->reply_full = true;
		return;
	}
	memcpy(g->reply + g->reply_len, s, n);
	g->reply_len += n;
}

static void puts_(struct gdb *g, const char *s)
{
	put(g, s, strlen(s));
}

static void __printf(2, 3) putf(struct gdb *g, const char *fmt, ...)
{
	char buf[96];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(g, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void put_hex(struct gdb *g, const u8 *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		char h[2] = { digits[b[i] >> 4], digits[b[i] & 15] };

		put(g, h, 2);
	}
}

/* Binary data, escaped as the protocol wants ('#', '$', '}', '*'). */
static void put_bin(struct gdb *g, const u8 *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = b[i];

		if (c == '#' || c == '$' || c == '}' || c == '*') {
			char esc[2] = { '}', c ^ 0x20 };

			put(g, esc, 2);
		} else {
			put(g, &c, 1);
		}
	}
}

/* Frame the reply built so far as $...#cs and send it. */
static void flush(struct gdb *g)
{
	static const char digits[] = "0123456789abcdef";
	size_t i, n = g->reply_len;
	u8 sum = 0;
	char *tmp;

	if (g->reply_full)		/* cannot happen with the caps above; say so */
		n = g->reply_len = 0;
	for (i = 0; i < n; i++)
		sum += (u8)g->reply[i];
	tmp = g->last;
	g->last = g->reply;
	g->reply = tmp;
	memmove(g->last + 1, g->last, n);
	g->last[0] = '$';
	g->last[n + 1] = '#';
	g->last[n + 2] = digits[sum >> 4];
	g->last[n + 3] = digits[sum & 15];
	g->last_len = n + 4;
	g->send(g->opaque, g->last, g->last_len);
	g->reply_len = 0;
	g->reply_full = false;
}

static void reply_str(struct gdb *g, const char *s)
{
	puts_(g, s);
	flush(g);
}

static void reply_err(struct gdb *g, int err)
{
	putf(g, "E%02x", err & 0xff);
	flush(g);
}

/* ---- the VM -------------------------------------------------------------- */

static int get_reg(struct gdb *g, unsigned int cpu, unsigned int regno, u8 *val)
{
	return g->ops->get_reg(g, cpu, regno, val);
}

static int get_reg64(struct gdb *g, unsigned int cpu, unsigned int regno, u64 *v)
{
	u8 b[GDB_REG_MAX_BYTES] = { 0 };
	int ret = get_reg(g, cpu, regno, b);

	memcpy(v, b, sizeof(*v));	/* little-endian, as the host */
	return ret < 0 ? ret : 0;
}

static int set_reg64(struct gdb *g, unsigned int cpu, unsigned int regno, u64 v)
{
	u8 b[GDB_REG_MAX_BYTES] = { 0 };

	memcpy(b, &v, sizeof(v));
	return g->ops->set_reg(g, cpu, regno, b);
}

#define REG_ELR_EL1	(GDB_REG_SYS0 + 2)
#define REG_SPSR_EL1	(GDB_REG_SYS0 + 3)
#define REG_VBAR_EL1	(GDB_REG_SYS0 + 11)

/* The descriptor reader s1_translate() walks with: guest RAM only. */
static int read_desc(void *opaque, u64 pa, u64 *desc)
{
	struct gdb *g = *(struct gdb **)opaque;
	void *p = g->ops->ram(g, pa, 8);

	if (!p)
		return -1;
	memcpy(desc, p, 8);
	return 0;
}

static int translate(struct gdb *g, const struct s1_regs *s1, u64 va, u64 *pa, u64 *left)
{
	struct gdb *ctx = g;

	return s1_translate(s1, va, read_desc, &ctx, pa, left);
}

/*
 * The guest RAM behind [addr, addr + len), at most to the end of its page:
 * through the page tables @s1, or physical when @s1 is NULL.  The host
 * pointer, with the bytes in *@n and the IPA in *@pa; NULL if not RAM.
 */
static u8 *piece(struct gdb *g, const struct s1_regs *s1, u64 addr, u64 len,
		 u64 *n, u64 *pa)
{
	u64 left = SZ_4K - (addr & (SZ_4K - 1));

	*pa = addr;
	if (s1 && translate(g, s1, addr, pa, &left))
		return NULL;
	*n = len < left ? len : left;
	return g->ops->ram(g, *pa, *n);
}

/* What gdb's addresses mean for vCPU @cpu: its page tables in @buf, or NULL (phys). */
static int view(struct gdb *g, unsigned int cpu, struct s1_regs *buf,
		const struct s1_regs **s1)
{
	*s1 = NULL;
	if (g->phys)
		return 0;
	*s1 = buf;
	return g->ops->get_s1(g, cpu, buf);
}

/* The IPA of vCPU @cpu's PC, through its own page tables. */
static int pc_ipa(struct gdb *g, unsigned int cpu, u64 *pc, u64 *pa)
{
	struct s1_regs s1;
	u64 left;

	if (get_reg64(g, cpu, GDB_REG_PC, pc) || g->ops->get_s1(g, cpu, &s1))
		return -EFAULT;
	return translate(g, &s1, *pc, pa, &left);
}

static void sync_icache(void *p, size_t n)
{
	__builtin___clear_cache((char *)p, (char *)p + n);
}

/* ---- software breakpoints ------------------------------------------------ */

static struct sw_bp *find_sw(struct gdb *g, u64 addr)
{
	unsigned int i;

	for (i = 0; i < g->nr_sw; i++)
		if (g->sw[i].addr == addr)
			return &g->sw[i];
	return NULL;
}

static struct sw_bp *find_sw_pa(struct gdb *g, u64 pa)
{
	unsigned int i;

	for (i = 0; i < g->nr_sw; i++)
		if (g->sw[i].pa == pa)
			return &g->sw[i];
	return NULL;
}

static void set_word(void *p, u32 v)
{
	memcpy(p, &v, 4);
	sync_icache(p, 4);
}

static u32 word_at(const void *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

/* Take the BRK out (if the guest left it), or put it back. */
static void unplant(struct gdb *g, struct sw_bp *bp)
{
	void *p = g->ops->ram(g, bp->pa, 4);

	if (p && word_at(p) == A64_BRK0)
		set_word(p, bp->saved);
}

static void plant(struct gdb *g, struct sw_bp *bp)
{
	void *p = g->ops->ram(g, bp->pa, 4);

	if (p) {
		bp->saved = word_at(p);
		set_word(p, A64_BRK0);
	}
}

static bool overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

static int insert_sw(struct gdb *g, u64 addr)
{
	const struct s1_regs *s1;
	struct s1_regs buf;
	struct sw_bp *bp, *other;
	u64 pa, n;
	u8 *p;

	if (find_sw(g, addr))
		return 0;
	if (g->nr_sw == GDB_MAX_SW_BPS)
		return -ENOSPC;
	if (addr & 3)
		return -EINVAL;
	if (view(g, g->g_cpu, &buf, &s1))
		return -EFAULT;
	p = piece(g, s1, addr, 4, &n, &pa);
	if (!p || n < 4)
		return -EFAULT;
	/* the same instruction through another mapping: one BRK for both */
	other = find_sw_pa(g, pa);
	bp = &g->sw[g->nr_sw++];
	bp->addr = addr;
	bp->pa = pa;
	if (other)
		bp->saved = other->saved;
	else
		plant(g, bp);
	return 0;
}

static int remove_sw(struct gdb *g, u64 addr)
{
	struct sw_bp *bp = find_sw(g, addr), gone;

	if (!bp)
		return 0;
	gone = *bp;
	*bp = g->sw[--g->nr_sw];
	if (!find_sw_pa(g, gone.pa))	/* the last one on that instruction */
		unplant(g, &gone);
	return 0;
}

static void remove_all(struct gdb *g)
{
	while (g->nr_sw)
		remove_sw(g, g->sw[0].addr);
	g->nr_bp = g->nr_wp = 0;
}

/* ---- hardware breakpoints and watchpoints --------------------------------- */

static int insert_hw(struct gdb *g, unsigned int type, u64 addr, u64 len)
{
	u64 c, v;
	unsigned int i;

	if (type == 1) {
		for (i = 0; i < g->nr_bp; i++)
			if (g->bp[i] == addr)
				return 0;
		if (g->nr_bp >= g->caps.hw_bps)
			return -ENOSPC;
		g->bp[g->nr_bp++] = addr;
		return 0;
	}
	if (gdb_arch__hw_wp(addr, len, type, &c, &v))
		return -EINVAL;
	for (i = 0; i < g->nr_wp; i++)
		if (g->wp[i].addr == addr && g->wp[i].len == len && g->wp[i].kind == type)
			return 0;
	if (g->nr_wp >= g->caps.hw_wps)
		return -ENOSPC;
	g->wp[g->nr_wp++] = (struct hw_wp){ addr, len, type };
	return 0;
}

static int remove_hw(struct gdb *g, unsigned int type, u64 addr, u64 len)
{
	unsigned int i;

	for (i = 0; type == 1 && i < g->nr_bp; i++) {
		if (g->bp[i] == addr) {
			g->bp[i] = g->bp[--g->nr_bp];
			return 0;
		}
	}
	for (i = 0; type != 1 && i < g->nr_wp; i++) {
		if (g->wp[i].addr == addr && g->wp[i].len == len && g->wp[i].kind == type) {
			g->wp[i] = g->wp[--g->nr_wp];
			return 0;
		}
	}
	return 0;
}

/*
 * The watchpoint a data address hit: FAR is any address the access touched
 * (the lowest of an LDP, a whole DC ZVA block), so the nearest range that
 * the access could have reached wins.
 */
static const struct hw_wp *match_wp(struct gdb *g, u64 far)
{
	const struct hw_wp *best = NULL;
	u64 best_d = ~0ULL;
	unsigned int i;

	for (i = 0; i < g->nr_wp; i++) {
		const struct hw_wp *w = &g->wp[i];
		u64 d = far < w->addr ? w->addr - far :
			far - w->addr < w->len ? 0 : far - w->addr - w->len + 1;

		if (d < best_d) {
			best = w;
			best_d = d;
		}
	}
	return best;
}

/* ---- stopping and resuming ------------------------------------------------ */

static void stop_reply(struct gdb *g)
{
	if (!g->attached)
		return;
	putf(g, "T%02xthread:%x;", g->stop_sig, g->stop_cpu + 1);
	puts_(g, g->stop_why);
	flush(g);
}

/* Give the step's interrupt masks back (PSTATE, and SPSR if it trapped). */
/*
 * Whether the step of the instruction at @step_pc took an exception: the
 * PC is at a vector entry and ELR_EL1 points at the instruction (an abort,
 * a BRK) or after it (SVC, HVC).  Not a step inside the vectors.
 */
static bool step_trapped(struct gdb *g, unsigned int cpu, u64 pc, u64 step_pc)
{
	u64 vbar, elr;

	return !get_reg64(g, cpu, REG_VBAR_EL1, &vbar) && pc - vbar < VECTORS_SIZE &&
	       !((pc - vbar) & (VECTOR_ENTRY - 1)) &&
	       !get_reg64(g, cpu, REG_ELR_EL1, &elr) && (elr == step_pc || elr == step_pc + 4);
}

/*
 * Give the step's interrupt masks back: to PSTATE, or, when the step took
 * an exception (whose entry masked them itself), to the SPSR it saved.
 */
static void unmask(struct gdb *g, unsigned int cpu)
{
	struct gdb_cpu *c = &g->cpu[cpu];
	u64 pstate, pc, spsr;

	if (!c->masked)
		return;
	c->masked = false;
	if (get_reg64(g, cpu, GDB_REG_CPSR, &pstate) || get_reg64(g, cpu, GDB_REG_PC, &pc))
		return;
	if (!step_trapped(g, cpu, pc, c->step_pc))
		set_reg64(g, cpu, GDB_REG_CPSR, (pstate & ~(u64)PSTATE_IF) | c->saved_if);
	else if (!get_reg64(g, cpu, REG_SPSR_EL1, &spsr))
		set_reg64(g, cpu, REG_SPSR_EL1, (spsr & ~(u64)PSTATE_IF) | c->saved_if);
}

static void mask_for_step(struct gdb *g, unsigned int cpu)
{
	struct gdb_cpu *c = &g->cpu[cpu];
	u64 pstate, pc, pa;
	u8 *p;

	if (get_reg64(g, cpu, GDB_REG_CPSR, &pstate) || pc_ipa(g, cpu, &pc, &pa))
		return;
	p = g->ops->ram(g, pa, 4);
	if (!p || gdb_arch__insn_uses_daif(word_at(p)))
		return;
	c->saved_if = pstate & PSTATE_IF;
	c->step_pc = pc;
	if (!set_reg64(g, cpu, GDB_REG_CPSR, pstate | PSTATE_IF))
		c->masked = true;
}

static void debug_regs(struct gdb *g, struct gdb_debug *d)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->sw_bps = g->nr_sw > 0;
	d->hw = g->nr_bp || g->nr_wp;
	for (i = 0; i < g->nr_bp; i++)
		gdb_arch__hw_bp(g->bp[i], &d->regs.bcr[i], &d->regs.bvr[i]);
	for (i = 0; i < g->nr_wp; i++)
		gdb_arch__hw_wp(g->wp[i].addr, g->wp[i].len, g->wp[i].kind,
				&d->regs.wcr[i], &d->regs.wvr[i]);
}

/* Run the VM again as each vCPU's act says (the VM is paused). */
static void resume(struct gdb *g)
{
	struct gdb_debug d;
	unsigned int i;

	debug_regs(g, &d);
	for (i = 0; i < g->caps.nr_cpus; i++) {
		struct gdb_cpu *c = &g->cpu[i];

		if (g->caps.debug) {
			bool on = d.sw_bps || d.hw || c->act == ACT_STEP;
			struct gdb_debug di = d;

			/*
			 * Any guest debug routes every debug exception to us
			 * (MDCR_EL2.TDE): our debug registers, even none, must
			 * then replace the guest's, or its own breakpoints and
			 * watchpoints would come to us, where no one wants them.
			 */
			di.step = c->act == ACT_STEP;
			di.hw = on;
			g->ops->set_debug(g, i, on ? &di : NULL);
		}
		if (c->act == ACT_STEP)
			mask_for_step(g, i);
		g->ops->hold(g, i, c->act == ACT_STOP);
	}
	g->stopped = false;
	g->outer_paused = false;	/* gdb's continue: the VM is gdb's now */
	g->ops->resume(g);
}

static void stop(struct gdb *g, unsigned int cpu, unsigned int sig, const char *why)
{
	unsigned int i;

	for (i = 0; i < g->caps.nr_cpus; i++) {
		unmask(g, i);
		g->ops->hold(g, i, false);
		g->cpu[i].act = ACT_STOP;
	}
	g->stopped = true;
	g->stop_cpu = g->g_cpu = g->c_cpu = cpu;
	g->stop_sig = sig;
	snprintf(g->stop_why, sizeof(g->stop_why), "%s", why);
	stop_reply(g);
}

/*
 * Decide on the debug exits the vCPUs recorded (the VM paused): give the
 * guest its own BRKs back, and return the vCPU whose exit gdb is told of
 * (its reason in @why), or -1.  The others' exits are dropped: a
 * breakpoint or watchpoint left the PC at its instruction, which traps
 * again if that is still wanted.
 */
static int collect(struct gdb *g, char *why, size_t cap)
{
	static unsigned int warned;
	struct gdb_exit e;
	unsigned int i;
	int found = -1;
	u64 pc, pa;
	void *word;

	for (i = 0; i < g->caps.nr_cpus; i++) {
		const struct hw_wp *w;
		char buf[48] = "";
		bool report = false;

		if (!g->ops->take_exit(g, i, &e))
			continue;
		switch (gdb_arch__trap(e.esr)) {
		case GDB_TRAP_BRK:
			/*
			 * Ours by where it is, never by its immediate; one no
			 * longer in memory was ours, taken out since: the
			 * instruction runs again.  An AArch32 BKPT is never ours.
			 */
			if (e.esr >> 26 != EC_BRK64 || pc_ipa(g, i, &pc, &pa) ||
			    !(word = g->ops->ram(g, pa, 4))) {
				g->ops->inject_brk(g, i, e.esr);
			} else if (!gdb_arch__insn_is_brk(word_at(word))) {
				break;
			} else if (g->attached && find_sw_pa(g, pa)) {
				report = true;
				snprintf(buf, sizeof(buf), "%s", g->swbreak ? "swbreak:;" : "");
			} else {
				g->ops->inject_brk(g, i, e.esr);
			}
			break;
		case GDB_TRAP_HW_BP:
			report = g->attached;
			snprintf(buf, sizeof(buf), "%s", g->hwbreak ? "hwbreak:;" : "");
			break;
		case GDB_TRAP_STEP:
			report = g->attached && g->cpu[i].act == ACT_STEP;
			break;
		case GDB_TRAP_WATCH:
			w = match_wp(g, e.far);
			report = g->attached && w;
			if (w)
				snprintf(buf, sizeof(buf), "%swatch:%" PRIx64 ";",
					 w->kind == GDB_WP_READ ? "r" :
					 w->kind == GDB_WP_ACCESS ? "a" : "", w->addr);
			break;
		default:
			if (warned++ < 3)
				pr_warn("gdb: vCPU %u: a debug exit of class 0x%x", i, e.esr >> 26);
			break;
		}
		if (report && found < 0) {
			found = i;
			snprintf(why, cap, "%s", buf);
		}
	}
	return found;
}

/* Pause the VM: 0 or -errno, and in *@was whether someone else had paused it. */
static int pause_vm(struct gdb *g, bool *was)
{
	*was = g->ops->paused && g->ops->paused(g);
	return g->ops->pause(g);
}

/*
 * After a debugger left while the VM would not stop: guest debug off and
 * the step masks back, now that it has.
 */
static void debug_off(struct gdb *g)
{
	unsigned int i;

	for (i = 0; i < g->caps.nr_cpus; i++) {
		unmask(g, i);
		if (g->caps.debug)
			g->ops->set_debug(g, i, NULL);
		g->ops->hold(g, i, false);
		g->cpu[i].act = ACT_CONT;
	}
	g->debug_stale = false;
}

int gdb__on_exit(struct gdb *g)
{
	char why[48] = "";
	unsigned int i;
	bool was;
	int cpu, ret;

	if (g->attached && g->stopped)
		return 0;	/* seen at the stop that is on */
	ret = pause_vm(g, &was);
	if (ret)
		return ret;
	cpu = collect(g, why, sizeof(why));
	if (cpu >= 0) {
		g->outer_paused = was;	/* kept at detach, as after a Ctrl-C */
		stop(g, cpu, SIGTRAP_, why);
		return 0;
	}
	if (!g->attached && g->debug_stale)
		debug_off(g);
	/* nothing for gdb: on as before (a held vCPU stays held) */
	for (i = 0; i < g->caps.nr_cpus; i++)
		g->ops->hold(g, i, g->attached && g->cpu[i].act == ACT_STOP);
	if (!was)		/* not over `vmm pause` */
		g->ops->resume(g);
	return 0;
}

static void interrupt(struct gdb *g)
{
	char why[48] = "";
	int cpu;

	if (g->stopped)
		return;
	if (pause_vm(g, &g->outer_paused)) {
		pr_warn("gdb: cannot stop the VM for Ctrl-C");
		return;
	}
	cpu = collect(g, why, sizeof(why));
	if (cpu >= 0)
		stop(g, cpu, SIGTRAP_, why);
	else
		stop(g, g->c_cpu, SIGINT_, "");
}

/* ---- packets --------------------------------------------------------------- */

/* A thread id: -1 all, 0 any, n the vCPU n - 1.  0, or -1 if malformed. */
static int get_thread(struct gdb *g, const char **p, int *cpu)
{
	u64 v;

	if (**p == '-' && (*p)[1] == '1') {
		*p += 2;
		*cpu = -1;
		return 0;
	}
	if (get_hex(p, &v) || v > g->caps.nr_cpus)
		return -1;
	*cpu = (int)v - 1;	/* 0 (any): -1 as well */
	return 0;
}

static unsigned int thread_or(struct gdb *g, int cpu)
{
	return cpu < 0 ? g->stop_cpu : (unsigned int)cpu;
}

static void read_regs(struct gdb *g)
{
	u8 b[GDB_REG_MAX_BYTES];
	unsigned int r;

	for (r = 0; r <= GDB_REG_FPCR; r++) {
		unsigned int size = gdb_arch__reg_size(r);

		if (get_reg(g, g->g_cpu, r, b) < 0) {
			while (size--)
				puts_(g, "xx");
			continue;
		}
		put_hex(g, b, size);
	}
	flush(g);
}

static void write_regs(struct gdb *g, const char *p, size_t len)
{
	u8 b[GDB_REG_MAX_BYTES], now[GDB_REG_MAX_BYTES];
	unsigned int r, off = 0;

	if (len != 2 * GDB_G_BYTES)
		return reply_err(g, EINVAL);
	for (r = 0; r <= GDB_REG_FPCR; r++) {
		unsigned int size = gdb_arch__reg_size(r);

		if (get_bytes(p + 2 * off, b, size))
			return reply_err(g, EINVAL);
		off += size;
		/* only what gdb changed: KVM checks PSTATE and friends */
		if (get_reg(g, g->g_cpu, r, now) >= 0 && !memcmp(now, b, size))
			continue;
		if (g->ops->set_reg(g, g->g_cpu, r, b))
			return reply_err(g, EINVAL);
	}
	reply_str(g, "OK");
}

static void read_reg(struct gdb *g, const char *p)
{
	u8 b[GDB_REG_MAX_BYTES];
	u64 r;
	int n;

	if (get_hex(&p, &r) || *p || r >= gdb_arch__nr_regs())
		return reply_err(g, EINVAL);
	n = get_reg(g, g->g_cpu, r, b);
	if (n < 0)
		return reply_err(g, -n);
	put_hex(g, b, gdb_arch__reg_size(r));
	flush(g);
}

static void write_reg(struct gdb *g, const char *p, size_t len)
{
	const char *end = p + len;
	u8 b[GDB_REG_MAX_BYTES];
	unsigned int size;
	u64 r;
	int ret;

	if (get_hex(&p, &r) || *p++ != '=' || r >= gdb_arch__nr_regs() ||
	    !(size = gdb_arch__reg_size(r)) ||
	    (size_t)(end - p) != 2 * size || get_bytes(p, b, size))
		return reply_err(g, EINVAL);
	ret = g->ops->set_reg(g, g->g_cpu, r, b);
	if (ret)
		return reply_err(g, -ret);
	reply_str(g, "OK");
}

/* addr,len then @sep: 0 or -1. */
static int get_range(const char **p, u64 *addr, u64 *len, char sep)
{
	if (get_hex(p, addr) || *(*p)++ != ',' || get_hex(p, len) || **p != sep)
		return -1;
	return 0;
}

/*
 * Show the instructions our BRKs hide in @buf, read from the IPAs
 * [pa, pa + n): by physical address, whatever mapping gdb reads through.
 */
static void hide_bps(struct gdb *g, u64 pa, u8 *buf, u64 n)
{
	unsigned int i;

	for (i = 0; i < g->nr_sw; i++) {
		const struct sw_bp *bp = &g->sw[i];
		u8 saved[4];
		unsigned int k;

		if (!overlaps(bp->pa, 4, pa, n))
			continue;
		memcpy(saved, &bp->saved, 4);
		for (k = 0; k < 4; k++)
			if (bp->pa + k >= pa && bp->pa + k < pa + n)
				buf[bp->pa + k - pa] = saved[k];
	}
}

/*
 * Take out (@plant false) or put back the BRKs in the IPAs [pa, pa + n),
 * each instruction once however many breakpoints share it; put back, the
 * instruction under it is what memory now holds.
 */
static void bps_in(struct gdb *g, u64 pa, u64 n, bool put)
{
	unsigned int i, j;

	for (i = 0; i < g->nr_sw; i++) {
		struct sw_bp *bp = &g->sw[i];

		if (!overlaps(bp->pa, 4, pa, n) || find_sw_pa(g, bp->pa) != bp)
			continue;
		if (!put) {
			unplant(g, bp);
			continue;
		}
		plant(g, bp);
		for (j = i + 1; j < g->nr_sw; j++)
			if (g->sw[j].pa == bp->pa)
				g->sw[j].saved = bp->saved;
	}
}

static void read_mem(struct gdb *g, const char *p)
{
	static u8 buf[GDB_PACKET_SIZE / 2];
	const struct s1_regs *s1;
	struct s1_regs regs;
	u64 addr, len, done = 0, n, pa;
	u8 *src;

	if (get_range(&p, &addr, &len, 0))
		return reply_err(g, EINVAL);
	if (len > sizeof(buf) - 32)
		len = sizeof(buf) - 32;
	if (view(g, g->g_cpu, &regs, &s1))
		return reply_err(g, EFAULT);
	while (done < len && addr + done >= addr) {	/* not past 2^64 */
		src = piece(g, s1, addr + done, len - done, &n, &pa);
		if (!src)
			break;
		memcpy(buf + done, src, n);
		hide_bps(g, pa, buf + done, n);
		done += n;
	}
	if (!done && len)
		return reply_err(g, EFAULT);
	put_hex(g, buf, done);
	flush(g);
}

/* Write @n bytes at @addr: BRKs taken out around it, then put back over what gdb wrote. */
static int write_mem(struct gdb *g, u64 addr, const u8 *data, u64 len)
{
	const struct s1_regs *s1;
	struct s1_regs regs;
	u64 done = 0, n, pa;
	u8 *dst;

	if (view(g, g->g_cpu, &regs, &s1))
		return -EFAULT;
	while (done < len) {
		if (addr + done < addr)
			return -EFAULT;		/* past 2^64 */
		dst = piece(g, s1, addr + done, len - done, &n, &pa);
		if (!dst)
			return -EFAULT;
		/* a BRK of ours in the way: gdb writes what is under it */
		bps_in(g, pa, n, false);
		memcpy(dst, data + done, n);
		sync_icache(dst, n);
		bps_in(g, pa, n, true);
		done += n;
	}
	return 0;
}

static void write_mem_hex(struct gdb *g, const char *p, size_t plen)
{
	static u8 buf[GDB_PACKET_SIZE / 2];
	const char *end = p + plen;
	u64 addr, len;
	int ret;

	if (get_range(&p, &addr, &len, ':') || len > sizeof(buf) ||
	    (size_t)(end - ++p) != 2 * len || get_bytes(p, buf, len))
		return reply_err(g, EINVAL);
	ret = write_mem(g, addr, buf, len);
	if (ret)
		return reply_err(g, -ret);
	reply_str(g, "OK");
}

static void write_mem_bin(struct gdb *g, const char *p, size_t plen)
{
	static u8 buf[GDB_PACKET_SIZE];
	const char *end = p + plen;
	u64 addr, len, n = 0;
	int ret;

	if (get_range(&p, &addr, &len, ':'))
		return reply_err(g, EINVAL);
	for (p++; p < end && n < sizeof(buf); p++) {
		if (*p == '}') {
			if (++p == end)
				return reply_err(g, EINVAL);
			buf[n++] = *p ^ 0x20;
		} else {
			buf[n++] = *p;
		}
	}
	if (n != len || p != end)
		return reply_err(g, EINVAL);
	ret = write_mem(g, addr, buf, len);
	if (ret)
		return reply_err(g, -ret);
	reply_str(g, "OK");
}

static void breakpoint(struct gdb *g, const char *p, bool insert)
{
	static bool said;
	u64 type, addr, kind;
	int ret;

	if (get_hex(&p, &type) || *p++ != ',' || get_range(&p, &addr, &kind, 0))
		return reply_err(g, EINVAL);
	if (type > 4)
		return reply_str(g, "");	/* a kind we do not know of */
	if (!g->caps.debug) {
		/*
		 * An error, not "unsupported": gdb would fall back to
		 * writing BRKs itself, which the guest would take.
		 */
		if (!said)
			pr_warn("gdb: this hypervisor has no guest debug (KVM_CAP_SET_GUEST_DEBUG): no breakpoints, watchpoints or single-step");
		said = true;
		return reply_err(g, EOPNOTSUPP);
	}
	if (type == 0)
		ret = insert ? insert_sw(g, addr) : remove_sw(g, addr);
	else
		ret = insert ? insert_hw(g, type, addr, kind) : remove_hw(g, type, addr, kind);
	if (ret)
		return reply_err(g, -ret);
	reply_str(g, "OK");
}

/* vCont;a[:t];a[:t]... and the old c/s/C/S: each vCPU's first matching action. */
static void vcont(struct gdb *g, const char *p)
{
	unsigned int i;
	bool any = false;

	for (i = 0; i < g->caps.nr_cpus; i++)
		g->cpu[i].act = ACT_STOP;
	while (*p == ';') {
		enum action act;
		u64 sig;
		int cpu = -1;

		p++;
		if (*p == 'c' || *p == 's') {
			act = *p++ == 'c' ? ACT_CONT : ACT_STEP;
		} else if (*p == 'C' || *p == 'S') {
			act = *p++ == 'C' ? ACT_CONT : ACT_STEP;
			if (get_hex(&p, &sig))	/* no signals for a VM: ignored */
				return reply_err(g, EINVAL);
		} else {
			return reply_err(g, EINVAL);
		}
		if (*p == ':') {
			p++;
			if (get_thread(g, &p, &cpu))
				return reply_err(g, EINVAL);
		}
		if (*p && *p != ';')
			return reply_err(g, EINVAL);
		if (act == ACT_STEP && !g->caps.debug)
			return reply_err(g, EOPNOTSUPP);
		for (i = 0; i < g->caps.nr_cpus; i++) {
			if ((cpu < 0 || (unsigned int)cpu == i) && g->cpu[i].act == ACT_STOP) {
				g->cpu[i].act = act;
				any = true;
			}
		}
	}
	if (*p || !any)
		return reply_err(g, EINVAL);
	resume(g);
}

/* c[addr], s[addr] (and C/S sig[;addr]): the Hc thread steps, all others run. */
static void cont_old(struct gdb *g, const char *p)
{
	bool step = *p == 's' || *p == 'S';
	bool sig = *p == 'C' || *p == 'S';
	unsigned int i;
	u64 v;

	p++;
	if (sig && (get_hex(&p, &v) || (*p && *p++ != ';')))
		return reply_err(g, EINVAL);
	if (*p && (get_hex(&p, &v) || *p || set_reg64(g, g->c_cpu, GDB_REG_PC, v)))
		return reply_err(g, EINVAL);
	if (step && !g->caps.debug)
		return reply_err(g, EOPNOTSUPP);
	for (i = 0; i < g->caps.nr_cpus; i++)
		g->cpu[i].act = step && i == g->c_cpu ? ACT_STEP : ACT_CONT;
	resume(g);
}

static void xfer_features(struct gdb *g, const char *p)
{
	static const char annex[] = "target.xml:";
	size_t size = strlen(gdb_target_xml);
	u64 off, len;

	if (strncmp(p, annex, strlen(annex)))
		return reply_err(g, 0);
	p += strlen(annex);
	if (get_range(&p, &off, &len, 0))
		return reply_err(g, EINVAL);
	if (len > GDB_PACKET_SIZE / 2)
		len = GDB_PACKET_SIZE / 2;
	if (off >= size)
		return reply_str(g, "l");
	if (len > size - off)
		len = size - off;
	puts_(g, off + len == size ? "l" : "m");
	put_bin(g, (const u8 *)gdb_target_xml + off, len);
	flush(g);
}

static void monitor(struct gdb *g, const char *hex)
{
	static const char help[] =
		"phys on|off  memory by physical address (on) or through the thread's page tables (off)\n";
	char cmd[64] = "", out[160];
	size_t n = strlen(hex) / 2;

	if (n >= sizeof(cmd) || strlen(hex) % 2 || get_bytes(hex, (u8 *)cmd, n))
		return reply_err(g, EINVAL);
	cmd[n] = 0;
	if (!strcmp(cmd, "phys on") || !strcmp(cmd, "phys off")) {
		g->phys = cmd[6] == 'n';
		snprintf(out, sizeof(out), "memory is read by %s address\n",
			 g->phys ? "physical" : "virtual");
	} else if (!strcmp(cmd, "phys")) {
		snprintf(out, sizeof(out), "memory is read by %s address\n",
			 g->phys ? "physical" : "virtual");
	} else if (!strcmp(cmd, "help")) {
		snprintf(out, sizeof(out), "%s", help);
	} else {
		snprintf(out, sizeof(out), "unknown command; try: monitor help\n");
	}
	put_hex(g, (const u8 *)out, strlen(out));
	flush(g);
}

static void threads(struct gdb *g, bool first)
{
	unsigned int i, n = 0;

	if (first)
		g->next_thread = 0;
	if (g->next_thread >= g->caps.nr_cpus)
		return reply_str(g, "l");
	puts_(g, "m");
	for (i = g->next_thread; i < g->caps.nr_cpus && n < GDB_THREADS_PER_REPLY; i++, n++)
		putf(g, "%s%x", n ? "," : "", i + 1);
	g->next_thread = i;
	flush(g);
}

static void query(struct gdb *g, const char *p)
{
	int cpu;

	if (!strncmp(p, "qSupported", 10)) {
		g->swbreak = strstr(p, "swbreak+") != NULL;
		g->hwbreak = strstr(p, "hwbreak+") != NULL;
		putf(g, "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;"
		     "vContSupported+;QStartNoAckMode+", GDB_PACKET_SIZE);
		flush(g);
	} else if (!strncmp(p, "qXfer:features:read:", 20)) {
		xfer_features(g, p + 20);
	} else if (!strcmp(p, "qfThreadInfo") || !strcmp(p, "qsThreadInfo")) {
		threads(g, p[1] == 'f');
	} else if (!strcmp(p, "qC")) {
		putf(g, "QC%x", g->stop_cpu + 1);
		flush(g);
	} else if (!strcmp(p, "qAttached") || !strncmp(p, "qAttached:", 10)) {
		reply_str(g, "1");	/* quit detaches, never kills */
	} else if (!strncmp(p, "qThreadExtraInfo,", 17)) {
		char text[32];

		p += 17;
		if (get_thread(g, &p, &cpu) || cpu < 0 || *p)
			return reply_err(g, EINVAL);
		snprintf(text, sizeof(text), "vCPU %d", cpu);
		put_hex(g, (const u8 *)text, strlen(text));
		flush(g);
	} else if (!strncmp(p, "qRcmd,", 6)) {
		monitor(g, p + 6);
	} else if (!strncmp(p, "qSymbol:", 8)) {
		reply_str(g, "OK");
	} else {
		reply_str(g, "");
	}
}

static void set_query(struct gdb *g, const char *p)
{
	if (!strcmp(p, "QStartNoAckMode")) {
		reply_str(g, "OK");
		g->noack = true;
	} else if (!strncmp(p, "Qqemu.PhyMemMode:", 17) && (p[17] == '0' || p[17] == '1') && !p[18]) {
		g->phys = p[17] == '1';
		reply_str(g, "OK");
	} else {
		reply_str(g, "");
	}
}

static void packet(struct gdb *g, char *p, size_t len)
{
	int cpu;

	p[len] = 0;
	/* while the VM runs, gdb waits for the stop: anything else is a mistake */
	if (!g->stopped && *p != 'D' && *p != 'k' && strcmp(p, "vCtrlC"))
		return reply_err(g, EBUSY);
	switch (*p) {
	case '?':
		return stop_reply(g);
	case 'q':
		return query(g, p);
	case 'Q':
		return set_query(g, p);
	case 'H': {
		const char *t = p + 2;

		if ((p[1] != 'g' && p[1] != 'c') || get_thread(g, &t, &cpu) || *t)
			return reply_err(g, EINVAL);
		if (p[1] == 'g')
			g->g_cpu = thread_or(g, cpu);
		else
			g->c_cpu = thread_or(g, cpu);
		return reply_str(g, "OK");
	}
	case 'T': {
		const char *t = p + 1;

		if (get_thread(g, &t, &cpu) || cpu < 0 || *t)
			return reply_err(g, ESRCH);
		return reply_str(g, "OK");
	}
	case 'g':
		return len == 1 ? read_regs(g) : reply_str(g, "");
	case 'G':
		return write_regs(g, p + 1, len - 1);
	case 'p':
		return read_reg(g, p + 1);
	case 'P':
		return write_reg(g, p + 1, len - 1);
	case 'm':
		return read_mem(g, p + 1);
	case 'M':
		return write_mem_hex(g, p + 1, len - 1);
	case 'X':
		return write_mem_bin(g, p + 1, len - 1);
	case 'Z':
	case 'z':
		return breakpoint(g, p + 1, *p == 'Z');
	case 'c':
	case 's':
	case 'C':
	case 'S':
		return cont_old(g, p);
	case 'v':
		if (!strcmp(p, "vCont?"))
			return reply_str(g, g->caps.debug ? "vCont;c;C;s;S" : "vCont;c;C");
		if (!strncmp(p, "vCont;", 6))
			return vcont(g, p + 5);
		if (!strcmp(p, "vCtrlC")) {
			interrupt(g);
			return reply_str(g, "OK");
		}
		if (!strncmp(p, "vKill", 5)) {
			reply_str(g, "OK");
			return g->ops->kill(g);
		}
		return reply_str(g, "");
	case 'D':
		reply_str(g, "OK");
		return gdb__detach(g);
	case 'k':
		return g->ops->kill(g);
	default:
		return reply_str(g, "");
	}
}

void gdb__input(struct gdb *g, const u8 *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len && g->attached; i++) {
		u8 c = buf[i];
		int v;

		switch (g->rx) {
		case RX_IDLE:
			if (c == '$') {
				g->last_len = 0;	/* a new exchange */
				g->rx = RX_DATA;
				g->pkt_len = 0;
				g->pkt_long = false;
				g->sum = 0;
			} else if (c == 0x03) {
				interrupt(g);
			} else if (c == '-' && !g->noack && g->last_len) {
				g->send(g->opaque, g->last, g->last_len);
			} else if (c == '+') {
				g->last_len = 0;	/* received: nothing to send again */
			}
			break;		/* '+', and noise between packets */
		case RX_DATA:
			if (c == '#') {
				g->rx = RX_CSUM1;
			} else if (c == '$') {	/* a packet cut short: start again */
				g->pkt_len = 0;
				g->pkt_long = false;
				g->sum = 0;
			} else {
				g->sum += c;
				if (g->pkt_len < GDB_PACKET_SIZE)
					g->pkt[g->pkt_len++] = c;
				else
					g->pkt_long = true;
			}
			break;
		case RX_CSUM1:
			v = hex_digit(c);
			g->sum_rx = v < 0 ? 0 : v << 4;
			g->rx = v < 0 ? RX_IDLE : RX_CSUM2;
			if (v < 0 && !g->noack)
				g->send(g->opaque, "-", 1);
			break;
		case RX_CSUM2:
			v = hex_digit(c);
			g->rx = RX_IDLE;
			if (v < 0 || (g->sum_rx | v) != g->sum) {
				if (!g->noack)
					g->send(g->opaque, "-", 1);
				break;
			}
			if (!g->noack)
				g->send(g->opaque, "+", 1);
			if (g->pkt_long)
				reply_err(g, EMSGSIZE);
			else
				packet(g, g->pkt, g->pkt_len);
			break;
		}
	}
}

/* ---- the session ------------------------------------------------------------ */

struct gdb *gdb__new(const struct gdb_ops *ops, void *opaque, const struct gdb_caps *caps,
		     void (*send)(void *opaque, const char *buf, size_t len))
{
	struct gdb *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->ops = ops;
	g->opaque = opaque;
	g->caps = *caps;
	if (g->caps.hw_bps > GDB_MAX_HW)
		g->caps.hw_bps = GDB_MAX_HW;
	if (g->caps.hw_wps > GDB_MAX_HW)
		g->caps.hw_wps = GDB_MAX_HW;
	g->send = send;
	g->reply = malloc(REPLY_CAP + 4);
	g->last = malloc(REPLY_CAP + 4);
	g->cpu = calloc(caps->nr_cpus ? caps->nr_cpus : 1, sizeof(*g->cpu));
	if (!g->reply || !g->last || !g->cpu) {
		gdb__free(g);
		return NULL;
	}
	return g;
}

void gdb__free(struct gdb *g)
{
	if (!g)
		return;
	free(g->reply);
	free(g->last);
	free(g->cpu);
	free(g);
}

void *gdb__opaque(struct gdb *g)
{
	return g->opaque;
}

bool gdb__attached(const struct gdb *g)
{
	return g->attached;
}

bool gdb__stopped(const struct gdb *g)
{
	return g->attached && g->stopped;
}

int gdb__attach(struct gdb *g)
{
	unsigned int i;
	int ret;

	ret = pause_vm(g, &g->outer_paused);
	if (ret)
		return ret;
	if (g->debug_stale)
		debug_off(g);
	g->attached = g->stopped = true;
	g->noack = g->phys = g->swbreak = g->hwbreak = false;
	g->rx = RX_IDLE;
	g->last_len = g->reply_len = 0;
	g->stop_cpu = g->g_cpu = g->c_cpu = 0;
	g->stop_sig = SIGTRAP_;
	g->stop_why[0] = 0;
	for (i = 0; i < g->caps.nr_cpus; i++)
		g->cpu[i] = (struct gdb_cpu){ .act = ACT_STOP };
	return 0;
}

void gdb__detach(struct gdb *g)
{
	char why[48];
	bool was = g->outer_paused;

	if (!g->attached)
		return;
	if (!g->stopped && pause_vm(g, &was)) {
		/*
		 * A vCPU would not leave the guest: no ioctl on one that
		 * runs (it would wait for KVM_RUN).  The BRKs go at once;
		 * guest debug goes at the next pause, and a BRK exit
		 * meanwhile finds its instruction back and runs it.
		 */
		pr_warn("gdb: the VM did not stop for the debugger's leaving: its breakpoints are out, guest debug goes off when it stops");
		remove_all(g);
		g->debug_stale = true;
		g->attached = g->stopped = false;
		return;
	}
	collect(g, why, sizeof(why));	/* ours dropped, the guest's given back */
	remove_all(g);
	debug_off(g);
	g->attached = false;
	g->stopped = false;
	if (!was)		/* the VM was running before gdb came */
		g->ops->resume(g);
}

void gdb__vm_ended(struct gdb *g, int status)
{
	if (!g->attached)
		return;
	putf(g, "W%02x", status & 0xff);
	flush(g);
	g->attached = false;
}
