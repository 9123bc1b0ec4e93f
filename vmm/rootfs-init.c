// SPDX-License-Identifier: GPL-2.0
/*
 * rootfs-init.c - the guest's /init in the boot without a disk (rootfs.c):
 * the vmm's own static binary, run by the guest kernel as PID 1 from the
 * initramfs the vmm wrote.  It loads the modules listed in /modules, mounts
 * the root share (tag "/dev/root") and the host's / (tag "hostfs", when
 * shared) at /host in it, moves /dev, /proc and /sys over, switches root,
 * and runs /virt/sandbox.sh if the root has one (lkvm's name for a guest
 * script) or else a login shell on the console; when that ends, the guest
 * powers off (the vmm exits 0).  A failure before that (a shell that
 * cannot run included) is said on the console and resets the guest (the
 * vmm exits 3).  /config says how the host's / is shared (hostfs=ro, rw or
 * none).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm.h"

#define NEWROOT		"/newroot"
#define P9_OPTS		"trans=virtio,version=9p2000.L,msize=131072"
#define MODULE_INIT_COMPRESSED_FILE	4

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("vmm-init: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static __attribute__((noreturn)) void give_up(void)
{
	sync();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

/* fds 0-2 on the console, whatever the kernel managed to give. */
static void console_fds(void)
{
	int fd;

	if (fcntl(STDERR_FILENO, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* Each module /modules names, from /lib/modules, in order. */
static void load_modules(void)
{
	char line[256], path[300];
	FILE *f = fopen("/modules", "re");
	size_t n;
	int fd;

	while (f && fgets(line, sizeof(line), f)) {
		n = strcspn(line, "\n");
		line[n] = 0;
		if (!n)
			continue;
		snprintf(path, sizeof(path), "/lib/modules/%s", line);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 ||
		    (syscall(SYS_finit_module, fd, "", strstr(line, ".ko.") ?
			     MODULE_INIT_COMPRESSED_FILE : 0) && errno != EEXIST))
			say("cannot load %s: %s", line, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(path);		/* the initramfs's memory back */
	}
	if (f)
		fclose(f);
}

/* Mount the share @tag at @dir: its device may still be probing, so wait a little. */
static int mount_9p(const char *tag, const char *dir, unsigned long flags)
{
	int i;

	for (i = 0; i < 50; i++) {
		if (!mount(tag, dir, "9p", flags, P9_OPTS))
			return 0;
		if (errno != ENOENT && errno != ENODEV)
			break;
		usleep(100 * 1000);
	}
	return -1;
}

/* How the host's / is shared: "ro", "rw" or "none", from /config. */
static void read_config(char *hostfs, size_t cap)
{
	char line[64];
	FILE *f = fopen("/config", "re");

	snprintf(hostfs, cap, "ro");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "hostfs=", 7))
			snprintf(hostfs, cap, "%.*s", (int)strcspn(line + 7, "\n"), line + 7);
	if (f)
		fclose(f);
}

/* Why a 9p mount failed, in words a user can act on. */
static const char *mount_hint(int err)
{
	switch (err) {
	case ENODEV:	return " (the kernel has no 9p: build it in or install its modules)";
	case ENOENT:	return " (no virtio-9p device with that tag: no virtio transport?)";
	default:	return "";
	}
}

static void move_to(const char *from, const char *to)
{
	if (mount(from, to, NULL, MS_MOVE, NULL))
		say("cannot move %s to %s: %s", from, to, strerror(errno));
}

/*
 * The guest's program: /virt/sandbox.sh, else a login shell; its pid, or
 * -1 after saying why it could not start (its exec failing included: a
 * root with no shell is a failed boot, not a guest that ran).
 */
static pid_t start_shell(void)
{
	static char login[] = "-sh", sh[] = "sh", path[] = "/virt/sandbox.sh";
	char *const shell_argv[] = { login, NULL }, *const script_argv[] = { sh, path, NULL };
	bool sandbox = !access("/virt/sandbox.sh", R_OK);
	int p[2], err = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid) {
		close(p[1]);
		if (pid > 0 && read(p[0], &err, sizeof(err)) == sizeof(err)) {
			say("cannot run /bin/sh: %s (the root has no shell: is the host's / shared?)",
			    strerror(err));
			waitpid(pid, NULL, 0);
			pid = -1;
		}
		close(p[0]);
		return pid;
	}
	close(p[0]);
	setsid();
	ioctl(STDIN_FILENO, TIOCSCTTY, 1);
	if (chdir("/root") && chdir("/"))
		say("no /root and no /: %s", strerror(errno));
	execv("/bin/sh", sandbox ? script_argv : shell_argv);
	err = errno;
	if (write(p[1], &err, sizeof(err)) < 0)
		say("cannot run /bin/sh: %s", strerror(err));
	_exit(127);
}

int rootfs__init(int argc __unused, char **argv __unused)
{
	static const char *const points[] = { "host", "dev", "proc", "sys", "tmp" };
	char path[64], hostfs[8];
	int status = 0, err;
	size_t i;
	pid_t pid;

	err = mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) ? errno : 0;
	console_fds();
	if (err)
		say("cannot mount devtmpfs on /dev: %s", strerror(err));
	mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	read_config(hostfs, sizeof(hostfs));
	load_modules();
	console_fds();		/* a virtio console (hvc0) is there only now */
	if (mount_9p("/dev/root", NEWROOT, 0)) {
		say("cannot mount the root share (tag /dev/root): %s%s", strerror(errno),
		    mount_hint(errno));
		give_up();
	}
	for (i = 0; i < ARRAY_SIZE(points); i++) {
		snprintf(path, sizeof(path), NEWROOT "/%s", points[i]);
		mkdir(path, 0755);
	}
	/* the host's /, as the vmm shares it (--hostfs) */
	if (strcmp(hostfs, "none") &&
	    mount_9p("hostfs", NEWROOT "/host", strcmp(hostfs, "rw") ? MS_RDONLY : 0))
		say("cannot mount the host's / (tag hostfs) on /host: %s%s", strerror(errno),
		    mount_hint(errno));
	move_to("/dev", NEWROOT "/dev");
	move_to("/proc", NEWROOT "/proc");
	move_to("/sys", NEWROOT "/sys");
	unlink("/init");
	unlink("/modules");
	if (chdir(NEWROOT) || mount(".", "/", NULL, MS_MOVE, NULL) || chroot(".") ||
	    chdir("/")) {
		say("cannot switch to the root share: %s", strerror(errno));
		give_up();
	}
	mkdir("/dev/pts", 0755);
	mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "ptmxmode=0666");
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	pid = start_shell();
	if (pid < 0) {
		say("cannot start a shell: %s", strerror(errno));
		give_up();
	}
	/* PID 1 reaps every orphan until its shell ends */
	for (;;) {
		pid_t got = wait(&status);

		if (got == pid || (got < 0 && errno == ECHILD))
			break;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status))
		say("/bin/sh exited with status %d", WEXITSTATUS(status));
	sync();
	reboot(RB_POWER_OFF);
	for (;;)		/* PID 1 never returns: the kernel would panic */
		pause();
}
