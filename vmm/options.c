// SPDX-License-Identifier: GPL-2.0
/*
 * options.c - the `vmm run` command line, in lkvm's option names and short
 * forms.  Parsing is pure: it fills a struct vm_config or returns a one-line
 * reason, so every error path is unit-tested.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vmm.h"

static const char usage_head[] =
"usage: vmm run [<options>] [<kernel image>]\n"
"\n"
"Boot an arm64 Linux kernel or a bare-metal payload in a VM.\n"
"\n"
"Basic options:\n"
"    --name <name>         a name for the guest (default: guest-<pid>): letters,\n"
"                          digits, ., _ and -; it names its control socket\n"
"    -c, --cpus <n>        number of vCPUs (default: the host's online CPUs)\n"
"    -m, --mem <size>      guest RAM in MiB, or with a K, M, G or T suffix\n"
"                          (default: 64M x (cpus + 3), as lkvm)\n"
"    --console <serial|virtio>\n"
"                          guest console: serial, the 8250 UART (default),\n"
"                          or virtio, virtio-console (hvc0)\n"
"    --virtio-transport <pci|mmio>\n"
"                          how virtio devices attach: virtio-pci behind a PCI\n"
"                          host bridge (MSI-X through an ITS where there is\n"
"                          one, else INTx) or virtio-mmio (default: pci where\n"
"                          the hypervisor has an ITS, as the kernel's KVM on\n"
"                          a GICv3 host; else mmio, as on vmm.ko)\n"
"\n";

/* Then the devices' own options, then: */
static const char usage_tail[] =
"Kernel options:\n"
"    -k, --kernel <file>   kernel to boot: an arm64 Image, Image.gz, an EFI\n"
"                          zboot Image (gzip), or a raw binary (no Image\n"
"                          header: loaded at RAM + 0x80000 and entered at\n"
"                          its first byte, as lkvm does)\n"
"    -i, --initrd <file>   initial RAM disk\n"
"    -p, --params <text>   kernel command line, appended to the defaults\n"
"    --timeout <duration>  stop the guest after this long (90, 90s, 1500ms,\n"
"                          5m, 1h), first printing every vCPU's PC, PSTATE\n"
"                          and exception registers to stderr; exit 124\n"
"    --console-log <file>  keep the guest's console output in <file> too\n"
"    --root <dir>          boot a Linux guest whose root is <dir>, shared\n"
"                          read-write over virtio-9p (made, with links\n"
"                          into the host's / for its programs, if it\n"
"                          lacks them); the default for a Linux kernel\n"
"                          given no --disk, --initrd or root= (lkvm's\n"
"                          boot without a disk), in\n"
"                          ~/.local/state/vmm/default.  The vmm writes the\n"
"                          initramfs: 9p and virtio modules from\n"
"                          /lib/modules/<the kernel's release>, and itself\n"
"                          as /init; /virt/sandbox.sh runs if the root has\n"
"                          one, else a shell; the guest powers off after\n"
"    --hostfs <ro|rw|none> the host's / at the guest's /host in that mode\n"
"                          (default ro: read-only)\n"
"    -f, --firmware <file> firmware to boot instead of a kernel: loaded at\n"
"                          the start of RAM (or --firmware-address) and\n"
"                          entered there, the DTB at the next 2M boundary\n"
"                          after it, its address in x0\n"
"    --firmware-address <addr>\n"
"                          guest-physical RAM address for --firmware\n"
"    -F, --flash <file>    CFI flash image at 0x2000000 (firmware variables)\n"
"    --dtb <file>          boot with this device tree blob instead of the\n"
"                          generated one (checked with libfdt first)\n"
"    --dump-dtb <file>     write the guest's device tree blob and exit\n"
"\n"
"Arm options:\n"
"    --irqchip <gicv2|gicv3|gicv3-its|none|auto>\n"
"                          interrupt controller (default: auto, GICv3 if\n"
"                          the host has it, else GICv2, else none: a\n"
"                          guest without interrupts, for bare-metal tests;\n"
"                          with virtio devices, not on mmio, an ITS too if\n"
"                          it can, for virtio-pci's MSI-X);\n"
"                          gicv3-its adds an ITS (LPIs, for MSIs) below the\n"
"                          GICv3 redistributors\n"
"    --pmu                 give the vCPUs a PMU (PPI 7 in the device tree)\n"
"    --disable-sve, --disable-mte, --no-pvtime\n"
"                          accepted for lkvm scripts: vmm never gives a\n"
"                          guest SVE, MTE or stolen-time accounting\n"
"\n"
"Hypervisor options:\n"
"    --kvm-dev <path>      hypervisor device (default: /dev/vmm when\n"
"                          vmm.ko is loaded, else /dev/kvm)\n"
"\n"
"Debug options:\n"
"    --testdev             add the test device the firmware tests use\n"
"                          (vmm,testdev at 0x1010000)\n"
"    --loglevel <level>    error, warning (default), info or debug\n"
"    --debug-no-eventfd    no ioeventfd or irqfd: virtio notifications\n"
"                          exit to the vmm as MMIO, interrupts go through\n"
"                          KVM_IRQ_LINE (the path hypervisors without them\n"
"                          take)\n"
"    --debug               same as --loglevel debug\n"
"    --gdb [host:]port     serve the GDB remote protocol on this TCP port,\n"
"                          on 127.0.0.1 unless a host is given (gdb has no\n"
"                          authentication); gdb's `target remote :port`\n"
"                          stops the guest: each vCPU is a thread,\n"
"                          memory is read by virtual address (`monitor\n"
"                          phys on`: physical); breakpoints, watchpoints\n"
"                          and single-step where the hypervisor has guest\n"
"                          debug (the kernel's KVM; not vmm.ko)\n"
"    --no-seccomp          no seccomp filters once the VM is set up (the\n"
"                          capabilities are dropped all the same)\n"
"    --sandbox-user <user> as root: become <user> (a name in /etc/passwd,\n"
"                          or UID[:GID]) once the VM is set up\n"
"    --debug-forbidden-syscall\n"
"                          vCPU 0 makes a system call its filter forbids:\n"
"                          the sandbox's own test (exit 159)\n"
"    --gdb-wait            with --gdb: hold the guest before its first\n"
"                          instruction until gdb continues it (use\n"
"                          hbreak for code the MMU is not yet on for)\n"
"    --nodefaults          no default kernel parameters, and no NIC\n"
"                          unless -n asks for one\n"
"\n"
"Not supported (refused with a message naming the option): lkvm's\n"
"--balloon, --vnc, --gtk, --sdl, --vsock, --dev, --tty,\n"
"--sandbox, --hugetlbfs, --no-dhcp, --vfio-pci, --force-pci,\n"
"--aarch32, --realm, --kaslr-seed, --vcpu-affinity,\n"
"--override-bad-firmware-cntfrq and the --debug-* options.\n"
"\n"
"Default kernel parameters: \"console=ttyS0 earlycon panic=-1\"; -p adds to\n"
"them (a later parameter overrides an earlier one).\n"
"\n"
"Console: the 8250 UART at 0x1000000 is wired to stdin and stdout; pipes\n"
"work.  On a terminal, Ctrl-A x quits and Ctrl-A Ctrl-A sends Ctrl-A.\n"
"\n"
"Exit status:\n"
"    0        the guest powered off (PSCI SYSTEM_OFF)\n"
"    1        vmm error: no hypervisor, unreadable file, runtime failure\n"
"    2        bad command line\n"
"    3        the guest reset (PSCI SYSTEM_RESET): a reboot, or a kernel\n"
"             panic under the default panic=-1\n"
"    4        the hypervisor reported a guest crash\n"
"    5        stopped by vmm stop (or gdb's kill)\n"
"    124      --timeout ran out\n"
"    128+N    stopped by signal N (SIGINT 130, SIGTERM 143, SIGHUP 129);\n"
"             Ctrl-A x gives 130\n"
"    159      a thread made a system call its seccomp filter forbids\n"
"             (128 + SIGSYS), said on stderr\n";

enum {
	OPT_NAME = 0x100, OPT_CONSOLE, OPT_IRQCHIP, OPT_DUMP_DTB,
	OPT_NODEFAULTS, OPT_LOGLEVEL, OPT_DEBUG, OPT_PMU, OPT_KVM_DEV,
	OPT_TESTDEV, OPT_FIRMWARE_ADDR, OPT_DTB, OPT_NOOP, OPT_UNSUPPORTED,
	OPT_TRANSPORT, OPT_NO_EVENTFD, OPT_ROOT, OPT_HOSTFS, OPT_TIMEOUT, OPT_CONSOLE_LOG,
	OPT_GDB, OPT_GDB_WAIT, OPT_NO_SECCOMP, OPT_SANDBOX_USER, OPT_FORBIDDEN_SYSCALL,
	OPT_DEVICE = 0x1000,	/* + the index of a device with an option */
};

static const struct option run_options[] = {
	{ "kernel",	required_argument, NULL, 'k' },
	{ "initrd",	required_argument, NULL, 'i' },
	{ "params",	required_argument, NULL, 'p' },
	{ "root",	required_argument, NULL, OPT_ROOT },
	{ "timeout",	required_argument, NULL, OPT_TIMEOUT },
	{ "console-log", required_argument, NULL, OPT_CONSOLE_LOG },
	{ "gdb",	required_argument, NULL, OPT_GDB },
	{ "gdb-wait",	no_argument,	   NULL, OPT_GDB_WAIT },
	{ "no-seccomp",	no_argument,	   NULL, OPT_NO_SECCOMP },
	{ "sandbox-user", required_argument, NULL, OPT_SANDBOX_USER },
	{ "debug-forbidden-syscall", no_argument, NULL, OPT_FORBIDDEN_SYSCALL },
	{ "hostfs",	required_argument, NULL, OPT_HOSTFS },
	{ "cpus",	required_argument, NULL, 'c' },
	{ "mem",	required_argument, NULL, 'm' },
	{ "name",	required_argument, NULL, OPT_NAME },
	{ "console",	required_argument, NULL, OPT_CONSOLE },
	{ "irqchip",	required_argument, NULL, OPT_IRQCHIP },
	{ "dump-dtb",	required_argument, NULL, OPT_DUMP_DTB },
	{ "nodefaults",	no_argument,	   NULL, OPT_NODEFAULTS },
	{ "loglevel",	required_argument, NULL, OPT_LOGLEVEL },
	{ "debug",	no_argument,	   NULL, OPT_DEBUG },
	{ "pmu",	no_argument,	   NULL, OPT_PMU },
	{ "kvm-dev",	required_argument, NULL, OPT_KVM_DEV },
	{ "testdev",	no_argument,	   NULL, OPT_TESTDEV },
	{ "virtio-transport", required_argument, NULL, OPT_TRANSPORT },
	{ "debug-no-eventfd", no_argument, NULL, OPT_NO_EVENTFD },
	{ "firmware",	required_argument, NULL, 'f' },
	{ "firmware-address", required_argument, NULL, OPT_FIRMWARE_ADDR },
	{ "flash",	required_argument, NULL, 'F' },
	{ "dtb",	required_argument, NULL, OPT_DTB },
	{ "help",	no_argument,	   NULL, 'h' },
	/* lkvm's switches for what vmm never enables: true as they stand */
	{ "disable-sve", no_argument,	   NULL, OPT_NOOP },
	{ "disable-mte", no_argument,	   NULL, OPT_NOOP },
	{ "no-pvtime",	no_argument,	   NULL, OPT_NOOP },
	/* lkvm's options vmm does not have: named in a refusal, not "unknown" */
	{ "balloon",	no_argument,	   NULL, OPT_UNSUPPORTED },
	{ "vnc",	no_argument,	   NULL, OPT_UNSUPPORTED },
	{ "gtk",	no_argument,	   NULL, OPT_UNSUPPORTED },
	{ "sdl",	no_argument,	   NULL, OPT_UNSUPPORTED },
	{ "vsock",	required_argument, NULL, OPT_UNSUPPORTED },
	{ "dev",	required_argument, NULL, OPT_UNSUPPORTED },
	{ "tty",	required_argument, NULL, OPT_UNSUPPORTED },
	{ "sandbox",	required_argument, NULL, OPT_UNSUPPORTED },
	{ "hugetlbfs",	required_argument, NULL, OPT_UNSUPPORTED },
	{ "no-dhcp",	no_argument,	   NULL, OPT_UNSUPPORTED },
	{ "vfio-pci",	required_argument, NULL, OPT_UNSUPPORTED },
	{ "force-pci",	no_argument,	   NULL, OPT_UNSUPPORTED },
	{ "aarch32",	no_argument,	   NULL, OPT_UNSUPPORTED },
	{ "realm",	no_argument,	   NULL, OPT_UNSUPPORTED },
	{ "kaslr-seed",	required_argument, NULL, OPT_UNSUPPORTED },
	{ "vcpu-affinity", required_argument, NULL, OPT_UNSUPPORTED },
	{ "override-bad-firmware-cntfrq", required_argument, NULL, OPT_UNSUPPORTED },
	{ "debug-single-step", no_argument, NULL, OPT_UNSUPPORTED },
	{ "debug-ioport", no_argument,	   NULL, OPT_UNSUPPORTED },
	{ "debug-mmio",	no_argument,	   NULL, OPT_UNSUPPORTED },
	{ "debug-iodelay", required_argument, NULL, OPT_UNSUPPORTED },
};

/*
 * The devices that have an option of their own, and the full table for
 * getopt: the core's options, then theirs (built by collect_options()).
 */
static const struct device_desc *opt_devices[VM_MAX_DEVICES];
static struct option all_options[ARRAY_SIZE(run_options) + VM_MAX_DEVICES + 1];
static char short_options[64];

static void collect_options(void)
{
	const struct device_desc *const *d;
	unsigned int n = 0, i = ARRAY_SIZE(run_options);
	size_t len;

	memcpy(all_options, run_options, sizeof(run_options));
	len = snprintf(short_options, sizeof(short_options), ":k:i:p:c:m:f:F:h");
	for (d = __start_vmm_devices; d < __stop_vmm_devices && n < VM_MAX_DEVICES; d++) {
		const struct device_option *o = (*d)->option;

		if (!o)
			continue;
		opt_devices[n] = *d;
		all_options[i++] = (struct option){
			.name = o->name,
			.has_arg = o->metavar ? required_argument : no_argument,
			.val = OPT_DEVICE + n,
		};
		if (o->short_name && len + 2 < sizeof(short_options)) {
			short_options[len++] = o->short_name;
			if (o->metavar)
				short_options[len++] = ':';
			short_options[len] = '\0';
		}
		n++;
	}
	all_options[i] = (struct option){ 0 };
}

/* A device's short option as its long one's code; anything else as is. */
static int device_short_option(int c)
{
	unsigned int i;

	for (i = 0; i < VM_MAX_DEVICES && opt_devices[i]; i++)
		if (opt_devices[i]->option->short_name &&
		    c == opt_devices[i]->option->short_name)
			return OPT_DEVICE + i;
	return c;
}

/* One option's entry in the help: the 26-column layout of the rest. */
static void print_device_option(FILE *f, const struct device_option *o)
{
	const char *line = o->help, *nl;
	int col;

	col = o->short_name ? fprintf(f, "    -%c, --%s", o->short_name, o->name)
			    : fprintf(f, "    --%s", o->name);
	if (o->metavar)
		col += fprintf(f, " %s", o->metavar);
	if (col > 25) {
		fputc('\n', f);
		col = 0;
	}
	for (; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		fprintf(f, "%*s%.*s\n", 26 - col, "",
			nl ? (int)(nl - line) : (int)strlen(line), line);
		col = 0;
	}
}

void run_usage(FILE *f)
{
	const struct device_desc *const *d;

	fputs(usage_head, f);
	fputs("Device options:\n", f);
	for (d = __start_vmm_devices; d < __stop_vmm_devices; d++)
		if ((*d)->option)
			print_device_option(f, (*d)->option);
	fputs("\n", f);
	fputs(usage_tail, f);
}

/* Record a use of a device's option, after the device checked its value. */
static int add_device_arg(struct vm_config *cfg, const struct device_desc *desc,
			  const char *value, char *err, size_t errlen)
{
	const struct device_option *o = desc->option;
	unsigned int i;

	if (o->check && o->check(value, err, errlen))
		return -1;
	/* a flag asks for its device once, however often it is given */
	for (i = 0; !value && i < cfg->nr_dev_args; i++)
		if (cfg->dev_args[i].desc == desc)
			return 0;
	if (cfg->nr_dev_args == VM_MAX_DEVICE_ARGS)
		return errorf(err, errlen, "--%s: more than %d device options",
			      o->name, VM_MAX_DEVICE_ARGS);
	cfg->dev_args[cfg->nr_dev_args++] = (struct device_arg){
		.desc = desc, .value = value,
	};
	return 0;
}

bool vm_name__valid(const char *name)
{
	size_t n = strlen(name);

	return n && n <= VM_NAME_MAX && *name != '.' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

int parse_duration(const char *s, u64 *ns)
{
	static const struct { const char *suffix; u64 ns; } units[] = {
		{ "", 1000000000ULL }, { "s", 1000000000ULL }, { "ms", 1000000ULL },
		{ "m", 60000000000ULL }, { "h", 3600000000000ULL },
	};
	unsigned long long v;
	unsigned int i;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(end, units[i].suffix))
			break;
	if (i == ARRAY_SIZE(units) || v > 366ULL * 24 * 3600000000000ULL / units[i].ns)
		return -1;
	*ns = v * units[i].ns;
	return 0;
}

int parse_size(const char *s, u64 *bytes)
{
	unsigned long long v;
	unsigned int shift = 20;	/* a bare number is MiB, as lkvm */
	char *end;

	/* digits first: strtoull would take a sign or skip whitespace */
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end) {
		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		case 't': case 'T': shift = 40; break;
		default: return -1;
		}
		/* accept "512M" and "512MiB"/"512MB", nothing else */
		if (end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B"))
			return -1;
	}
	if (v > (UINT64_MAX >> shift))
		return -1;
	*bytes = (u64)v << shift;
	return 0;
}

static int parse_cpus(const char *s, unsigned int *n)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > VMM_MAX_CPUS)
		return -1;
	*n = v;
	return 0;
}

/*
 * getopt_long returned '?' for @arg.  A long option may be unknown,
 * ambiguous, or a flag given a value ("--pmu=1"; optopt then holds the
 * option's code, not a character); a short one is unknown.
 */
static int unknown_option(const char *arg, char *err, size_t errlen)
{
	const struct option *o;
	unsigned int prefix_of = 0;
	size_t n;

	if (strncmp(arg, "--", 2)) {
		if (optopt > ' ' && optopt < 0x7f)
			return errorf(err, errlen, "-%c: unknown option (see 'vmm help run')",
				    optopt);
		return errorf(err, errlen, "%s: unknown option (see 'vmm help run')", arg);
	}
	n = strcspn(arg + 2, "=");
	for (o = all_options; o->name; o++) {
		if (strncmp(o->name, arg + 2, n))
			continue;
		if (arg[2 + n] == '=' && strlen(o->name) == n &&
		    o->has_arg == no_argument)
			return errorf(err, errlen, "%s: --%s takes no value (see 'vmm help run')",
				    arg, o->name);
		prefix_of++;
	}
	if (prefix_of > 1)
		return errorf(err, errlen, "%s: ambiguous option (see 'vmm help run')", arg);
	return errorf(err, errlen, "%s: unknown option (see 'vmm help run')", arg);
}

/* A guest-physical address: decimal, or hex with 0x. */
static int parse_addr(const char *s, u64 *addr)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*addr = v;
	return 0;
}

/*
 * --sandbox-user: a name /etc/passwd has (read here: a static binary has no
 * NSS), or UID[:GID] (GID defaulting to UID).  0, or -1.
 */
static int parse_user(const char *s, unsigned int *uid, unsigned int *gid)
{
	unsigned long u, g;
	char line[512], *end;
	FILE *f;

	errno = 0;
	u = strtoul(s, &end, 10);
	if (end != s && isdigit((unsigned char)*s)) {
		g = u;
		if (*end == ':')
			g = strtoul(end + 1, &end, 10);
		if (*end || errno || u > 0xfffffffe || g > 0xfffffffe)
			return -1;
		*uid = u;
		*gid = g;
		return 0;
	}
	f = fopen("/etc/passwd", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *name = strtok(line, ":"), *uid_s, *gid_s;

		if (!name || strcmp(name, s) || !strtok(NULL, ":") ||
		    !(uid_s = strtok(NULL, ":")) || !(gid_s = strtok(NULL, ":")))
			continue;
		fclose(f);
		*uid = strtoul(uid_s, NULL, 10);
		*gid = strtoul(gid_s, NULL, 10);
		return 0;
	}
	fclose(f);
	return -1;
}

/* [host:]port with a port from 1 to 65535 (the host is resolved at run time). */
static bool gdb_addr_valid(const char *s)
{
	const char *port = strrchr(s, ':');
	char *end;
	long n;

	port = port ? port + 1 : s;
	if (port == s + 1 || !isdigit((unsigned char)*port))
		return false;
	errno = 0;
	n = strtol(port, &end, 10);
	return !*end && !errno && n >= 1 && n <= 65535;
}

int vm_config__parse(struct vm_config *cfg, int argc, char **argv,
		     char *err, size_t errlen)
{
	int c, lvl, idx;

	memset(cfg, 0, sizeof(*cfg));
	optind = 0;		/* glibc: full re-initialisation */
	opterr = 0;
	collect_options();

	while ((c = getopt_long(argc, argv, short_options, all_options,
				&idx)) != -1) {
		c = device_short_option(c);
		if (c >= OPT_DEVICE && c < OPT_DEVICE + VM_MAX_DEVICES) {
			if (add_device_arg(cfg, opt_devices[c - OPT_DEVICE],
					   optarg, err, errlen))
				return -1;
			continue;
		}
		switch (c) {
		case 'k':
			cfg->kernel = optarg;
			break;
		case 'i':
			cfg->initrd = optarg;
			break;
		case 'p':
			cfg->params = optarg;
			break;
		case 'c':
			if (parse_cpus(optarg, &cfg->nr_cpus))
				return errorf(err, errlen, "--cpus %s: expected a number of CPUs from 1 to %d",
					    optarg, VMM_MAX_CPUS);
			if (!cfg->nr_cpus)
				return errorf(err, errlen, "--cpus 0: a guest needs at least 1 CPU");
			break;
		case 'm':
			if (parse_size(optarg, &cfg->mem_size))
				return errorf(err, errlen, "--mem %s: expected a size in MiB or with a K, M, G or T suffix",
					    optarg);
			if (cfg->mem_size < VM_MEM_MIN)
				return errorf(err, errlen, "--mem %s: memory size must be at least 64M",
					    optarg);
			if (cfg->mem_size > VM_MEM_MAX)
				return errorf(err, errlen, "--mem %s: memory size must be at most 1T",
					    optarg);
			/* memory slots are whole pages, up to 64K ones */
			if (cfg->mem_size % SZ_1M)
				return errorf(err, errlen, "--mem %s: memory size must be a whole number of MiB",
					    optarg);
			break;
		case OPT_TIMEOUT:
			if (parse_duration(optarg, &cfg->timeout_ns) || !cfg->timeout_ns)
				return errorf(err, errlen, "--timeout %s: expected a duration: 90, 90s, 1500ms, 5m or 1h (up to a year)",
					    optarg);
			break;
		case OPT_CONSOLE_LOG:
			if (!*optarg)
				return errorf(err, errlen, "--console-log: the file name must not be empty");
			cfg->console_log = optarg;
			break;
		case OPT_GDB:
			if (!gdb_addr_valid(optarg))
				return errorf(err, errlen, "--gdb %s: expected [host:]port, a port from 1 to 65535",
					      optarg);
			cfg->gdb = optarg;
			break;
		case OPT_GDB_WAIT:
			cfg->gdb_wait = true;
			break;
		case OPT_NO_SECCOMP:
			cfg->no_seccomp = true;
			break;
		case OPT_SANDBOX_USER:
			if (parse_user(optarg, &cfg->sandbox_uid, &cfg->sandbox_gid))
				return errorf(err, errlen, "--sandbox-user %s: expected a user in /etc/passwd, or UID[:GID]",
					      optarg);
			cfg->sandbox_user = optarg;
			break;
		case OPT_FORBIDDEN_SYSCALL:
			cfg->forbidden_syscall = true;
			break;
		case OPT_ROOT:
			if (!*optarg)
				return errorf(err, errlen, "--root: the directory must not be empty");
			cfg->root = optarg;
			break;
		case OPT_HOSTFS:
			if (!strcmp(optarg, "ro"))
				cfg->hostfs = HOSTFS_RO;
			else if (!strcmp(optarg, "rw"))
				cfg->hostfs = HOSTFS_RW;
			else if (!strcmp(optarg, "none"))
				cfg->hostfs = HOSTFS_NONE;
			else
				return errorf(err, errlen, "--hostfs %s: expected ro, rw or none", optarg);
			break;
		case OPT_NAME:
			if (!*optarg)
				return errorf(err, errlen, "--name: the name must not be empty");
			if (!vm_name__valid(optarg))
				return errorf(err, errlen, "--name %s: a VM's name is 1 to %d letters, digits, '.', '_' and '-' (not first '.'): it names its control socket",
					    optarg, VM_NAME_MAX);
			cfg->name = optarg;
			break;
		case OPT_CONSOLE:
			if (!strcmp(optarg, "serial"))
				cfg->console = CONSOLE_SERIAL;
			else if (!strcmp(optarg, "virtio"))
				cfg->console = CONSOLE_VIRTIO;
			else
				return errorf(err, errlen, "--console %s: expected serial or virtio",
					    optarg);
			break;
		case OPT_IRQCHIP:
			if (!strcmp(optarg, "auto"))
				cfg->irqchip = IRQCHIP_AUTO;
			else if (!strcmp(optarg, "gicv2"))
				cfg->irqchip = IRQCHIP_GICV2;
			else if (!strcmp(optarg, "gicv3"))
				cfg->irqchip = IRQCHIP_GICV3;
			else if (!strcmp(optarg, "gicv3-its"))
				cfg->irqchip = IRQCHIP_GICV3_ITS;
			else if (!strcmp(optarg, "none"))
				cfg->irqchip = IRQCHIP_NONE;
			else
				return errorf(err, errlen, "--irqchip %s: expected gicv2, gicv3, gicv3-its, none or auto",
					    optarg);
			break;
		case OPT_DUMP_DTB:
			cfg->dump_dtb = optarg;
			break;
		case OPT_NODEFAULTS:
			cfg->nodefaults = true;
			break;
		case OPT_LOGLEVEL:
			lvl = log_level_parse(optarg);
			if (lvl < 0)
				return errorf(err, errlen, "--loglevel %s: expected error, warning, info or debug",
					    optarg);
			log_level = lvl;
			break;
		case OPT_DEBUG:
			log_level = LOG_DEBUG;
			break;
		case OPT_PMU:
			cfg->pmu = true;
			break;
		case OPT_KVM_DEV:
			cfg->kvm_dev = optarg;
			break;
		case OPT_TESTDEV:
			cfg->testdev = true;
			break;
		case OPT_TRANSPORT:
			if (!strcmp(optarg, "pci"))
				cfg->virtio_transport = VIRTIO_TRANSPORT_PCI;
			else if (!strcmp(optarg, "mmio"))
				cfg->virtio_transport = VIRTIO_TRANSPORT_MMIO;
			else
				return errorf(err, errlen, "--virtio-transport %s: expected pci or mmio%s",
					      optarg, strstr(optarg, "-legacy") ?
					      " (vmm offers no legacy virtio)" : "");
			break;
		case OPT_NO_EVENTFD:
			cfg->no_eventfd = true;
			break;
		case 'f':
			cfg->firmware = optarg;
			break;
		case OPT_FIRMWARE_ADDR:
			if (parse_addr(optarg, &cfg->firmware_addr))
				return errorf(err, errlen, "--firmware-address %s: expected an address (0x... or decimal)",
					    optarg);
			break;
		case 'F':
			cfg->flash = optarg;
			break;
		case OPT_DTB:
			cfg->dtb = optarg;
			break;
		case OPT_NOOP:
			break;
		case OPT_UNSUPPORTED:
			return errorf(err, errlen, "--%s: lkvm's option is not supported by vmm (see 'vmm help run')",
				    all_options[idx].name);
		case 'h':
			return 1;
		case ':':
			return errorf(err, errlen, "%s: option needs a value (see 'vmm help run')",
				    argv[optind - 1]);
		default:
			return unknown_option(argv[optind - 1], err, errlen);
		}
	}

	/* lkvm takes the kernel as a lone positional argument too. */
	if (optind < argc) {
		if (cfg->kernel || optind + 1 < argc)
			return errorf(err, errlen, "%s: unexpected argument (see 'vmm help run')",
				    argv[cfg->kernel ? optind : optind + 1]);
		cfg->kernel = argv[optind];
	}
	if (cfg->firmware_addr && !cfg->firmware)
		return errorf(err, errlen, "--firmware-address: only valid with -f/--firmware");
	if (cfg->gdb_wait && !cfg->gdb)
		return errorf(err, errlen, "--gdb-wait: only valid with --gdb [host:]port");
	/* As lkvm: a firmware boots on its own and loads the kernel itself. */
	if (cfg->firmware && (cfg->kernel || cfg->initrd))
		return errorf(err, errlen, "--firmware %s: vmm loads no %s with a firmware; the firmware loads it",
			    cfg->firmware, cfg->kernel ? "kernel" : "initrd");
	if (!cfg->kernel && !cfg->firmware)
		return errorf(err, errlen, "no kernel: give one with -k/--kernel, or a firmware with -f (see 'vmm help run')");
	return 0;
}

void vm_config__defaults(struct vm_config *cfg, unsigned int host_cpus,
			 u64 host_mem)
{
	u64 cap;

	if (!cfg->nr_cpus)
		cfg->nr_cpus = host_cpus ? host_cpus : 1;
	if (!cfg->mem_size) {
		/* lkvm's rule: 64 MiB per vCPU plus 192 MiB, at most 80% of the host's RAM */
		cfg->mem_size = (64ULL << 20) * (cfg->nr_cpus + 3);
		cap = ALIGN_DOWN(host_mem / 5 * 4, SZ_1M);
		if (host_mem && cfg->mem_size > cap)
			cfg->mem_size = cap > VM_MEM_MIN ? cap : VM_MEM_MIN;
	}
}
