// SPDX-License-Identifier: GPL-2.0
/* main.c - the `vmm` command: lkvm's command layout, run/help/version. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>
#include <unistd.h>

#include "vmm.h"

struct command {
	const char	*name;
	const char	*summary;
	int		(*fn)(int argc, char **argv);
	void		(*usage)(FILE *f);
};

static int cmd_run(int argc, char **argv);
static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static void help_usage(FILE *f)
{
	fputs("usage: vmm help [COMMAND]\n\nShow the help of vmm or of one command.\n", f);
}

static void version_usage(FILE *f)
{
	fputs("usage: vmm version\n\nPrint the version of vmm.\n", f);
}

static const struct command commands[] = {
	{ "run",	"Start the virtual machine", cmd_run, run_usage },
	{ "list",	"List the running virtual machines", control__command, control__usage },
	{ "stop",	"Stop a running virtual machine", control__command, control__usage },
	{ "pause",	"Pause a virtual machine", control__command, control__usage },
	{ "resume",	"Resume a paused virtual machine", control__command, control__usage },
	{ "stat",	"Print a virtual machine's counters", control__command, control__usage },
	{ "debug",	"Print every vCPU's registers (--dump)", control__command, control__usage },
	{ "help",	"Display help on using vmm", cmd_help, help_usage },
	{ "version",	"Print the version of vmm", cmd_version, version_usage },
};

static void main_usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "\n usage: vmm [--version] [--help] COMMAND [ARGS]\n\n"
		   " The most commonly used vmm commands are:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "   %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n See 'vmm help COMMAND' for more information on a specific command.\n\n");
}

static const struct command *find_command(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		main_usage(stdout);
		return 0;
	}
	c = find_command(argv[1]);
	if (!c) {
		pr_err("help %s: no such command (see 'vmm --help')", argv[1]);
		return VMM_EXIT_USAGE;
	}
	c->usage(stdout);
	return 0;
}

static int cmd_version(int argc __unused, char **argv __unused)
{
	printf("vmm version %s\n", VMM_VERSION);
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct vm_config cfg;
	char err[256], name[32];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);

	switch (vm_config__parse(&cfg, argc, argv, err, sizeof(err))) {
	case 0:
		break;
	case 1:
		run_usage(stdout);
		return 0;
	default:
		pr_err("%s", err);
		return VMM_EXIT_USAGE;
	}
	vm_config__defaults(&cfg, cpus > 0 ? cpus : 1,
			    pages > 0 && page > 0 ? (u64)pages * page : 0);
	if (!cfg.name) {
		snprintf(name, sizeof(name), "guest-%d", (int)getpid());
		cfg.name = name;
	}
	if (rootfs__prepare(&cfg))
		return VMM_EXIT_ERROR;
	devices__implicit(&cfg);
	return vm__run(&cfg);
}

int main(int argc, char **argv)
{
	const struct command *c;
	struct rlimit rl;
	int fd;

	/* the guest's /init in the boot without a disk (rootfs.c) */
	if (getpid() == 1 && argc > 0 && !strcmp(argv[0], "/init") && !access("/config", R_OK))
		return rootfs__init(argc, argv);
	/*
	 * fds 0-2 open, on /dev/null if they were closed: the console uses
	 * them by number, and nothing the vmm opens may land there.
	 */
	for (fd = 0; fd <= STDERR_FILENO; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			return VMM_EXIT_ERROR;
	/*
	 * As many fds as we may have (a 9p share holds one per fid the guest
	 * keeps): the soft limit, often 1024, up to the hard one.
	 */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		main_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? VMM_EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(argc - 1, argv + 1);
	c = find_command(argv[1]);
	if (!c) {
		pr_err("'%s' is not a vmm command (see 'vmm --help')", argv[1]);
		return VMM_EXIT_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}
