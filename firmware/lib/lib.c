// SPDX-License-Identifier: GPL-2.0
/* lib.c - the payload runtime: console, printf, checks, exceptions, CPUs. */
#include "fw.h"

/* ---- console: the 8250 at kvmtool's address ----------------------------- */

#define UART_THR	0
#define UART_LSR	5
#define UART_LSR_THRE	0x20

static volatile int print_lock;

static void lock(volatile int *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(l, __ATOMIC_RELAXED))
			;
}

static void unlock(volatile int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

void putc_raw(char c)
{
	volatile u8 *uart = (volatile u8 *)LAYOUT_UART_BASE;

	while (!(uart[UART_LSR] & UART_LSR_THRE))
		;
	uart[UART_THR] = c;
}

void puts_raw(const char *s)
{
	while (*s)
		putc_raw(*s++);
}

/* ---- string helpers the compiler may also call -------------------------- */

void *memset(void *s, int c, size_t n)
{
	u8 *p = s;

	while (n--)
		*p++ = c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	u8 *dp = d;
	const u8 *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (u8)*a - (u8)*b;
}

/* ---- printf: %c %s %d %i %u %x %p with l/ll, width and 0-padding -------- */

struct out {
	char	*buf;
	size_t	size, len;
};

static void out_c(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_num(struct out *o, u64 v, unsigned int base, bool neg,
		    int width, char pad)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	while (width-- > n)
		out_c(o, pad);
	while (n)
		out_c(o, tmp[--n]);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int width = 0, longs = 0;
		char pad = ' ';
		const char *s;
		s64 sv;
		u64 uv;

		if (*fmt != '%') {
			out_c(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			longs++, fmt++;
		switch (*fmt) {
		case 'c':
			out_c(&o, (char)va_arg(ap, int));
			break;
		case 's':
			s = va_arg(ap, const char *);
			for (s = s ? s : "(null)"; *s; s++)
				out_c(&o, *s);
			break;
		case 'd':
		case 'i':
			sv = longs ? va_arg(ap, s64) : va_arg(ap, int);
			out_num(&o, sv < 0 ? -(u64)sv : (u64)sv, 10, sv < 0, width, pad);
			break;
		case 'u':
		case 'x':
			uv = longs ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			out_num(&o, uv, *fmt == 'x' ? 16 : 10, false, width, pad);
			break;
		case 'p':
			out_c(&o, '0');
			out_c(&o, 'x');
			out_num(&o, (u64)va_arg(ap, void *), 16, false, 0, ' ');
			break;
		case '%':
			out_c(&o, '%');
			break;
		default:
			out_c(&o, '%');
			out_c(&o, *fmt);
		}
	}
	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lock(&print_lock);
	puts_raw(buf);
	unlock(&print_lock);
	return n;
}

/* ---- the report protocol ------------------------------------------------- */

static volatile int check_lock;
static unsigned int nr_checks, nr_failed;

static bool vcheck(bool ok, const char *todo, const char *fmt, va_list ap)
{
	char msg[200];
	unsigned int n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	lock(&check_lock);
	n = ++nr_checks;
	if (!ok && !todo)
		nr_failed++;
	unlock(&check_lock);
	printf("%sok %u - %s: %s%s%s\n", ok ? "" : "not ", n, fw_name, msg,
	       todo ? " # TODO " : "", todo ? todo : "");
	return ok;
}

bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ok = vcheck(ok, NULL, fmt, ap);
	va_end(ap);
	return ok;
}

bool check_todo(bool ok, const char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ok = vcheck(ok, why, fmt, ap);
	va_end(ap);
	return ok;
}

void __noreturn fw_finish(void)
{
	printf("# %s: %u passed, %u failed\n", fw_name, nr_checks - nr_failed,
	       nr_failed);
	if (!nr_checks)
		printf("# %s: no checks ran\n", fw_name);
	hvc_call(nr_failed || !nr_checks ? PSCI_SYSTEM_RESET : PSCI_SYSTEM_OFF,
		 0, 0, 0);
	for (;;)
		wfi();
}

/* ---- exceptions ----------------------------------------------------------- */

static sync_handler_fn sync_handler;
static irq_handler_fn irq_handler;

void set_sync_handler(sync_handler_fn fn)
{
	sync_handler = fn;
}

void set_irq_handler(irq_handler_fn fn)
{
	irq_handler = fn;
}

void exception(struct exc_frame *f, u64 kind);

void exception(struct exc_frame *f, u64 kind)
{
	static const char *const kinds[] = {
		"sync (SP_EL0)", "irq (SP_EL0)", "fiq (SP_EL0)", "serror (SP_EL0)",
		"sync", "irq", "fiq", "serror",
	};

	if (kind == 4 && sync_handler && sync_handler(f))
		return;
	if (kind == 5 && irq_handler) {
		irq_handler(f);
		return;
	}
	check(false, "unexpected %s exception on cpu %u: ESR 0x%llx (EC 0x%llx) FAR 0x%llx ELR 0x%llx",
	      kind < ARRAY_SIZE(kinds) ? kinds[kind] : "lower-EL", this_cpu(),
	      (unsigned long long)f->esr, (unsigned long long)ESR_EC(f->esr),
	      (unsigned long long)f->far, (unsigned long long)f->elr);
	fw_finish();
}

/* ---- PSCI and CPUs ------------------------------------------------------- */

s64 hvc_call(u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 asm("x0") = fn;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;

	/* SMCCC 1.0 lets the callee change x4..x17 as well */
	asm volatile("hvc #0"
		     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		     :
		     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
		       "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return (s64)x0;
}

unsigned int this_cpu(void)
{
	return read_sysreg(tpidr_el1);
}

static struct {
	void	(*fn)(void *);
	void	*arg;
} cpu_work[FW_MAX_CPUS];

void cpu_set_work(unsigned int i, void (*fn)(void *), void *arg)
{
	if (i >= FW_MAX_CPUS)
		return;
	cpu_work[i].fn = fn;
	cpu_work[i].arg = arg;
	dsb(ish);
}

s64 cpu_start(unsigned int i, void (*fn)(void *), void *arg)
{
	if (i >= nr_cpus() || i >= FW_MAX_CPUS)
		return PSCI_INVALID_PARAMS;
	cpu_set_work(i, fn, arg);
	return hvc_call(PSCI_CPU_ON, cpu_mpidr(i), (u64)secondary_entry, i);
}

/* Context ids seen by each CPU at entry, for the PSCI tests. */
u64 cpu_context_seen[FW_MAX_CPUS];

void __noreturn secondary_main(u64 cpu, u64 context);

void __noreturn secondary_main(u64 cpu, u64 context)
{
	cpu_context_seen[cpu] = context;
	if (cpu_work[cpu].fn)
		cpu_work[cpu].fn(cpu_work[cpu].arg);
	hvc_call(PSCI_CPU_OFF, 0, 0, 0);
	check(false, "cpu %llu: PSCI CPU_OFF returned", (unsigned long long)cpu);
	for (;;)
		wfi();
}

/* ---- boot ---------------------------------------------------------------- */

static unsigned int cpus;
static u64 mpidrs[FW_MAX_CPUS];

unsigned int nr_cpus(void)
{
	return cpus;
}

u64 cpu_mpidr(unsigned int i)
{
	return i < cpus ? mpidrs[i] : ~0ULL;
}

void __noreturn fw_start(const void *fdt);

void __noreturn fw_start(const void *fdt)
{
	u64 reg, size;

	dt_init(fdt);
	for (cpus = 0; cpus < FW_MAX_CPUS && dt_reg("/cpus/cpu", cpus, &reg, &size); cpus++)
		mpidrs[cpus] = reg;
	printf("# %s: %u CPUs\n", fw_name, cpus);
	fw_main();
	fw_finish();
}
