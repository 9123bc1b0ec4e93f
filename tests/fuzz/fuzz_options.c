// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_options.c - a fuzz harness for `vmm run`'s command line
 * (vm_config__parse() in vmm/options.c) with the devices that have an
 * option of their own linked in, as in the vmm (--disk, --rng, --9p,
 * --network: their checks run at parse time), and for parse_size() and
 * parse_duration() on each argument.
 *
 * An input is the arguments after "run", separated by NUL bytes (a last
 * one without its NUL counts too), at most MAX_ARGS of them: the rest of
 * the input is ignored.  Each is given in a buffer of its exact length,
 * so that ASan sees a byte read past its NUL.
 *
 * Checked for every input (abort() on a violation, which libFuzzer
 * reports):
 *
 *	each argument	parse_size() and parse_duration() agree with what the
 *			harness computes itself from their documented rules:
 *			accepted or refused alike, the same value
 *	the parse	returns 0, 1 (help) or -1, and the same again on a
 *			fresh argv (getopt's state is reset each time); the
 *			arguments' bytes are unchanged
 *	-1		a one-line reason: not empty, NUL-terminated within
 *			its room, no '\n' nor any other control byte
 *	0		every string of the configuration points into one
 *			of the arguments (between its first byte and its
 *			NUL); a kernel or a firmware, not both, and no
 *			initrd with a firmware; --firmware-address only with
 *			a firmware, --gdb-wait only with --gdb; the memory
 *			size 0 or whole MiB from 64M to 1T; CPUs at most
 *			VMM_MAX_CPUS; a timeout of at most a year; a valid
 *			name; enums in range; each device argument of a
 *			registered device with an option, a value exactly
 *			when the option takes one, which its check accepts
 *			again, and a flag's device once
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/vmm.h"

#define MAX_ARGS	64
#define ERR_ROOM	256		/* main.c's */
#define YEAR_NS		(366ULL * 24 * 3600 * 1000000000ULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __printf(1, 2) __noreturn fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz_options: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/*
 * The virtio devices' notifications and interrupts go through the
 * hypervisor; no VM is made here, so nothing calls these.
 */
int vm__ioeventfd(struct vm *vm __unused, u64 addr __unused, u32 len __unused,
		  u64 datamatch __unused, int fd __unused, bool assign __unused)
{
	fail("vm__ioeventfd called while parsing");
}

int vm__irqfd(struct vm *vm __unused, unsigned int intid __unused, int fd __unused)
{
	fail("vm__irqfd called while parsing");
}

/* ---- parse_size() and parse_duration(), as their comments in vmm.h say ---- */

/* The leading decimal digits of @s into *@v: where they end, or NULL on overflow. */
static const char *digits(const char *s, u64 *v)
{
	*v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (*v > (UINT64_MAX - (u64)(*s - '0')) / 10)
			return NULL;
		*v = *v * 10 + (u64)(*s - '0');
	}
	return s;
}

/* MiB, or a K, M, G, T suffix (either case), then nothing, "B" or "iB"; 64 bits. */
static int want_size(const char *s, u64 *bytes)
{
	const char *end;
	unsigned int shift = 20;
	u64 v;

	if (*s < '0' || *s > '9' || !(end = digits(s, &v)))
		return -1;
	if (*end) {
		const char *p = strchr("kKmMgGtT", *end);

		if (!p)
			return -1;
		shift = 10 * (1 + (p - "kKmMgGtT") / 2);
		end++;
		if (*end && strcmp(end, "B") && strcmp(end, "iB"))
			return -1;
	}
	if (v > UINT64_MAX >> shift)
		return -1;
	*bytes = v << shift;
	return 0;
}

/* Seconds, or with s, ms, m, h; at most a year (366 days). */
static int want_duration(const char *s, u64 *ns)
{
	static const struct { const char *suffix; u64 ns; } units[] = {
		{ "", 1000000000ULL }, { "s", 1000000000ULL }, { "ms", 1000000ULL },
		{ "m", 60000000000ULL }, { "h", 3600000000000ULL },
	};
	const char *end;
	unsigned int i;
	u64 v;

	if (*s < '0' || *s > '9' || !(end = digits(s, &v)))
		return -1;
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(end, units[i].suffix))
			break;
	if (i == ARRAY_SIZE(units) || (unsigned __int128)v * units[i].ns > YEAR_NS)
		return -1;
	*ns = v * units[i].ns;
	return 0;
}

static void check_numbers(const char *s)
{
	u64 got = 0xdead, want = 0xbeef;
	int r = parse_size(s, &got), w = want_size(s, &want);

	if (r != w || (!r && got != want))
		fail("parse_size(\"%s\"): %d %llu, not %d %llu", s, r,
		     (unsigned long long)got, w, (unsigned long long)want);
	got = 0xdead;
	want = 0xbeef;
	r = parse_duration(s, &got);
	w = want_duration(s, &want);
	if (r != w || (!r && got != want))
		fail("parse_duration(\"%s\"): %d %llu, not %d %llu", s, r,
		     (unsigned long long)got, w, (unsigned long long)want);
}

/* ---- the command line --------------------------------------------------------- */

struct args {
	int	argc;			/* "run" included */
	char	*argv[MAX_ARGS + 2];
	char	*arg[MAX_ARGS + 1];	/* argv as made: getopt permutes argv */
	size_t	len[MAX_ARGS + 1];
	const uint8_t *src[MAX_ARGS + 1];	/* where each came from */
};

static void split(struct args *a, const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size, *nul;
	size_t n;

	a->arg[0] = strdup("run");
	a->len[0] = 3;
	a->src[0] = (const uint8_t *)"run";
	a->argc = 1;
	while (p < end && a->argc <= MAX_ARGS) {
		nul = memchr(p, 0, end - p);
		n = nul ? (size_t)(nul - p) : (size_t)(end - p);
		a->arg[a->argc] = malloc(n + 1);
		if (!a->arg[0] || !a->arg[a->argc])
			abort();
		memcpy(a->arg[a->argc], p, n);
		a->arg[a->argc][n] = 0;
		a->src[a->argc] = p;
		a->len[a->argc++] = n;
		p += n + 1;
	}
}

/* A fresh argv of the arguments, in their order. */
static char **fresh_argv(struct args *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		a->argv[i] = a->arg[i];
	a->argv[a->argc] = NULL;
	return a->argv;
}

static bool in_args(const struct args *a, const char *s)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if (s >= a->arg[i] && s <= a->arg[i] + a->len[i])
			return true;
	return false;
}

static void check_string(const struct args *a, const char *what, const char *s)
{
	if (s && !in_args(a, s))
		fail("%s is \"%s\", not in an argument", what, s);
}

static bool registered(const struct device_desc *desc)
{
	const struct device_desc *const *d;

	for (d = __start_vmm_devices; d < __stop_vmm_devices; d++)
		if (*d == desc)
			return true;
	return false;
}

static void check_config(const struct args *a, const struct vm_config *cfg)
{
	char err[ERR_ROOM];
	unsigned int i, j;

	check_string(a, "kernel", cfg->kernel);
	check_string(a, "initrd", cfg->initrd);
	check_string(a, "firmware", cfg->firmware);
	check_string(a, "flash", cfg->flash);
	check_string(a, "dtb", cfg->dtb);
	check_string(a, "params", cfg->params);
	check_string(a, "root", cfg->root);
	check_string(a, "console_log", cfg->console_log);
	check_string(a, "gdb", cfg->gdb);
	check_string(a, "name", cfg->name);
	check_string(a, "dump_dtb", cfg->dump_dtb);
	check_string(a, "kvm_dev", cfg->kvm_dev);
	if (cfg->boot_warning)
		fail("a boot warning at parse time: %s", cfg->boot_warning);

	if (!cfg->kernel && !cfg->firmware)
		fail("neither a kernel nor a firmware");
	if (cfg->firmware && (cfg->kernel || cfg->initrd))
		fail("a firmware with a kernel or an initrd");
	if (cfg->firmware_addr && !cfg->firmware)
		fail("--firmware-address without a firmware");
	if (cfg->gdb_wait && !cfg->gdb)
		fail("--gdb-wait without --gdb");
	if (cfg->mem_size && (cfg->mem_size < VM_MEM_MIN || cfg->mem_size > VM_MEM_MAX ||
			      cfg->mem_size % SZ_1M))
		fail("memory size %llu", (unsigned long long)cfg->mem_size);
	if (cfg->nr_cpus > VMM_MAX_CPUS)
		fail("%u CPUs", cfg->nr_cpus);
	if (cfg->timeout_ns > YEAR_NS)
		fail("a timeout of %llu ns", (unsigned long long)cfg->timeout_ns);
	if (cfg->name && !vm_name__valid(cfg->name))
		fail("name \"%s\"", cfg->name);
	if (cfg->console > CONSOLE_VIRTIO || cfg->irqchip > IRQCHIP_GICV3_ITS ||
	    cfg->virtio_transport > VIRTIO_TRANSPORT_PCI || cfg->hostfs > HOSTFS_NONE)
		fail("an enum out of range: %d %d %d %d", cfg->console, cfg->irqchip,
		     cfg->virtio_transport, cfg->hostfs);

	if (cfg->nr_dev_args > VM_MAX_DEVICE_ARGS)
		fail("%u device arguments", cfg->nr_dev_args);
	for (i = 0; i < cfg->nr_dev_args; i++) {
		const struct device_arg *d = &cfg->dev_args[i];
		const struct device_option *o;

		if (!d->desc || !registered(d->desc) || !(o = d->desc->option))
			fail("device argument %u: no registered device with an option", i);
		if (!o->metavar != !d->value)
			fail("--%s: %s value", o->name, d->value ? "a flag with a" : "no");
		check_string(a, o->name, d->value);
		if (d->value && o->check && o->check(d->value, err, sizeof(err)))
			fail("--%s %s: taken, then refused: %s", o->name, d->value, err);
		for (j = 0; !d->value && j < i; j++)
			if (cfg->dev_args[j].desc == d->desc)
				fail("--%s: the flag's device twice", o->name);
	}
}

static void check_error(const char *err)
{
	size_t len = strnlen(err, ERR_ROOM), i;

	if (len == ERR_ROOM)
		fail("the reason is not NUL-terminated");
	if (!len)
		fail("-1 with no reason");
	for (i = 0; i < len; i++)
		if ((unsigned char)err[i] < ' ' || err[i] == 0x7f)
			fail("the reason holds 0x%02x at %zu: %s", (unsigned char)err[i], i, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm_config cfg, again;
	char err[ERR_ROOM], err2[ERR_ROOM];
	struct args a;
	int ret, ret2, i;

	split(&a, data, size);
	for (i = 1; i < a.argc; i++)
		check_numbers(a.arg[i]);

	/* --loglevel and --debug set the global level: each input from the default */
	log_level = LOG_WARN;
	memset(err, 'Z', sizeof(err));
	ret = vm_config__parse(&cfg, a.argc, fresh_argv(&a), err, sizeof(err));
	for (i = 0; i < a.argc; i++)
		if (a.arg[i][a.len[i]] || memcmp(a.arg[i], a.src[i], a.len[i]))
			fail("argument %d changed", i);
	if (ret == -1)
		check_error(err);
	else if (ret == 0)
		check_config(&a, &cfg);
	else if (ret != 1)
		fail("vm_config__parse returned %d", ret);

	log_level = LOG_WARN;
	memset(err2, 'Z', sizeof(err2));
	ret2 = vm_config__parse(&again, a.argc, fresh_argv(&a), err2, sizeof(err2));
	if (ret2 != ret || (ret == -1 && strcmp(err, err2)) ||
	    (ret == 0 && memcmp(&cfg, &again, sizeof(cfg))))
		fail("parsed again: %d (%s), first %d (%s)", ret2, ret2 == -1 ? err2 : "",
		     ret, ret == -1 ? err : "");

	for (i = 0; i < a.argc; i++)
		free(a.arg[i]);
	log_level = LOG_WARN;
	return 0;
}
