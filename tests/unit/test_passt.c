// SPDX-License-Identifier: GPL-2.0
/*
 * test_passt.c - starting and stopping passt for -n mode=user (passt.c),
 * with a stand-in passt: a script on a private PATH.
 *
 * Each test gets a directory of its own (mkdtemp) as the only entry on
 * PATH.  The stand-in, a shell script called passt written there, reports
 * what it was given into a file next to it: its fds (as find sees them from
 * outside, so that the looking adds none), its arguments, its blocked and
 * ignored signals, its pid, parent and process group.  It then does what
 * the test asks (talk on fd 3, exit, sleep).  Every wait polls with a
 * deadline; a stand-in left running dies with the test's process (the
 * parent-death signal passt.c sets).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_net.h>

#include "../../devices/virtio/virtio.h"
#include "unit.h"
#include "virtio_driver.h"

/* how long anything may take before the test gives up on it (check's own limit: 4 s) */
#define DEADLINE_MS	2500

static char dir[64];			/* the stand-in's directory */
static char *saved_path;		/* PATH before the test, or NULL */
static char saved_cwd[4096];
static struct passt p = { .pid = -1, .fd = -1 };
static char err[256];
static char report[16384];		/* the stand-in's report */

/* ---- the fixture ----------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st __unused,
			int flag __unused, struct FTW *ftw __unused)
{
	return remove(path);
}

/*
 * The directory, made and removed in check's own process around each
 * test's (an unchecked fixture), so that a test that failed, and skipped
 * its teardown, leaves none behind.
 */
static void make_dir(void)
{
	strcpy(dir, "/tmp/vmm-passt-XXXXXX");
	if (!mkdtemp(dir))
		dir[0] = 0;
}

static void remove_dir(void)
{
	if (dir[0])
		nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	dir[0] = 0;
}

/* The directory PATH's only entry, and no passt yet. */
static void passt_setup(void)
{
	const char *path = getenv("PATH");

	ck_assert_msg(dir[0], "no directory for the test");
	saved_path = path ? strdup(path) : NULL;
	ck_assert_ptr_nonnull(getcwd(saved_cwd, sizeof(saved_cwd)));
	ck_assert_int_eq(setenv("PATH", dir, 1), 0);
	p.pid = -1;
	p.fd = -1;
	err[0] = 0;
}

static void passt_teardown(void)
{
	passt__stop(&p);
	if (p.fd >= 0)
		close(p.fd);
	p.fd = -1;
	if (chdir(saved_cwd))
		perror(saved_cwd);
	if (saved_path)
		setenv("PATH", saved_path, 1);
	else
		unsetenv("PATH");
	free(saved_path);
	saved_path = NULL;
}

/* UNIT_TEST_FIXTURE() with the directory around it, made in check's process. */
#define PASST_TEST(suite, fn, setup, teardown)				\
	do {								\
		TCase *__tc = tcase_create(#fn);			\
		tcase_add_unchecked_fixture(__tc, make_dir, remove_dir); \
		tcase_add_checked_fixture(__tc, setup, teardown);	\
		tcase_add_test(__tc, fn);				\
		suite_add_tcase(suite, __tc);				\
	} while (0)

/* ---- helpers --------------------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* @name in the test's directory, into @buf. */
static const char *in_dir(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

/* Write @text to @path with mode @mode (whatever the umask). */
static void write_file(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* An executable shell script at @path: "#!/bin/sh" and @body. */
static void write_script(const char *path, const char *body)
{
	char text[8192];

	/* PATH is the test's directory alone: the script's tools are elsewhere */
	snprintf(text, sizeof(text), "#!/bin/sh\nPATH=/usr/local/bin:/usr/bin:/bin\n%s", body);
	write_file(path, text, strlen(text), 0755);
}

/*
 * The stand-in at <dir>/passt: it writes its report to <dir>/report (all
 * at once, by a rename), then runs @tail, printf-style, which may use $out.
 *
 *	fd N TARGET	each fd it holds, the script's own included
 *	arg A		each argument, in order
 *	SigBlk: MASK	blocked signals, and SigIgn: the ignored ones
 *	pid N, ppid N, pgid N
 */
static void __attribute__((format(printf, 1, 2))) fake_passt(const char *tail, ...)
{
	char body[6144], rest[4096], path[128];
	va_list ap;

	va_start(ap, tail);
	vsnprintf(rest, sizeof(rest), tail, ap);
	va_end(ap);
	snprintf(body, sizeof(body),
		 "out='%s/report'\n"
		 "find /proc/$$/fd -mindepth 1 -fprintf \"$out.tmp\" 'fd %%f %%l\\n'\n"
		 "exec 9>>\"$out.tmp\"\n"
		 "for a in \"$@\"; do echo \"arg $a\" >&9; done\n"
		 "while read -r k v; do\n"
		 "	case $k in SigBlk:|SigIgn:) echo \"$k $v\" >&9;; esac\n"
		 "done < /proc/$$/status\n"
		 "s=$(cat /proc/$$/stat)\n"
		 "set -- ${s##*) }\n"
		 "echo \"pid $$\" >&9\n"
		 "echo \"ppid $2\" >&9\n"
		 "echo \"pgid $3\" >&9\n"
		 "exec 9>&-\n"
		 "mv \"$out.tmp\" \"$out\"\n"
		 "%s\n", dir, rest);
	write_script(in_dir(path, sizeof(path), "passt"), body);
}

/*
 * Wait for <dir>/@name to appear, then read it into @buf: false if it did
 * not within @ms.
 */
static bool wait_file(const char *name, char *buf, size_t len, int ms)
{
	long long end = now_ms() + ms;
	char path[128];
	ssize_t got;
	int fd;

	in_dir(path, sizeof(path), name);
	while ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (now_ms() > end)
			return false;
		usleep(2000);
	}
	got = read(fd, buf, len - 1);
	close(fd);
	buf[got > 0 ? got : 0] = 0;
	return true;
}

/* Wait for the stand-in's report, into report[]; fails the test without one. */
static void wait_report(void)
{
	ck_assert_msg(wait_file("report", report, sizeof(report), DEADLINE_MS),
		      "the stand-in passt wrote no report in %d ms", DEADLINE_MS);
}

/* The rest of the first report line starting "@key ", into @buf; NULL if none. */
static const char *report_value(const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *line, *nl;

	for (line = report; *line; line = nl + 1) {
		nl = strchrnul(line, '\n');
		if (!strncmp(line, key, klen) && line[klen] == ' ') {
			snprintf(buf, len, "%.*s", (int)(nl - line - klen - 1), line + klen + 1);
			return buf;
		}
		if (!*nl)
			break;
	}
	return NULL;
}

/* A number from the report; fails the test without one. */
static long report_number(const char *key)
{
	char buf[64];

	ck_assert_msg(report_value(key, buf, sizeof(buf)), "no '%s' in the report:\n%s",
		      key, report);
	return strtol(buf, NULL, 0);
}

/* What the stand-in had at fd @fd, into @buf; NULL if it had nothing there. */
static const char *child_fd(int fd, char *buf, size_t len)
{
	char key[16];

	snprintf(key, sizeof(key), "fd %d", fd);
	return report_value(key, buf, len);
}

/* Every "arg" line of the report, joined by spaces, into @buf. */
static const char *report_args(char *buf, size_t len)
{
	const char *line, *nl;
	size_t n = 0;

	buf[0] = 0;
	for (line = report; *line; line = nl + 1) {
		nl = strchrnul(line, '\n');
		if (!strncmp(line, "arg ", 4))
			n += snprintf(buf + n, len - n, "%s%.*s", n ? " " : "",
				      (int)(nl - line - 4), line + 4);
		if (!*nl || n >= len)
			break;
	}
	return buf;
}

/* The options passt.c gives passt before the caller's. */
static const char *own_args(void)
{
	return geteuid() ? "-f -q -F 3" : "-f -q -F 3 --runas nobody";
}

/* Where our own fd @fd points, into @buf ("" if closed). */
static const char *fd_target(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

/* How many fds this process has open. */
static unsigned int nr_fds(void)
{
	unsigned int n = 0;
	int fd;

	for (fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* No child left, running or dead. */
static void ck_no_children(void)
{
	pid_t pid = waitpid(-1, NULL, WNOHANG);

	ck_assert_msg(pid == -1 && errno == ECHILD,
		      "waitpid(-1): %d (%s): a child is left", (int)pid,
		      pid < 0 ? strerror(errno) : "a zombie was reaped");
}

/* Read what arrives on @fd within @ms, up to @len - 1 bytes: how many. */
static ssize_t read_within(int fd, char *buf, size_t len, int ms)
{
	long long end = now_ms() + ms;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t got = 0, n;

	while (got < (ssize_t)len - 1) {
		int left = end - now_ms();

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			break;
		n = read(fd, buf + got, len - 1 - got);
		if (n <= 0)
			break;
		got += n;
		if (buf[got - 1] == '\n')
			break;
	}
	buf[got] = 0;
	return got;
}

/* passt__exited() until it says yes, for @ms at most. */
static bool exited_within(struct passt *q, char *why, size_t len, int ms)
{
	long long end = now_ms() + ms;

	while (!passt__exited(q, why, len)) {
		if (now_ms() > end)
			return false;
		usleep(2000);
	}
	return true;
}

/* Start the stand-in at <dir>/passt with @args; the test fails if it does not. */
static void start(const char *const *args)
{
	char path[128];

	in_dir(path, sizeof(path), "passt");
	ck_assert_msg(passt__start(&p, path, args, err, sizeof(err)) == 0,
		      "passt__start: %s", err);
	ck_assert_int_gt(p.pid, 0);
	ck_assert_int_ge(p.fd, 0);
}

static const char *const no_args[] = { NULL };

/* ---- passt__find ----------------------------------------------------------- */

/* Make <dir>/@sub with an executable passt in it (@sub "" for dir itself). */
static void passt_in(const char *sub)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (*sub)
		ck_assert_int_eq(mkdir(path, 0755), 0);
	strcat(path, "/passt");
	write_script(path, "exit 0\n");
}

/* The first executable passt on PATH wins, in PATH's order. */
START_TEST(passt_find_first_on_path)
{
	char path[4096], env[512], want[256];

	passt_in("a");
	passt_in("b");
	snprintf(env, sizeof(env), "%s/none:%s/a:%s/b", dir, dir, dir);
	setenv("PATH", env, 1);
	ck_assert(passt__find(path, sizeof(path)));
	snprintf(want, sizeof(want), "%s/a/passt", dir);
	ck_assert_str_eq(path, want);

	snprintf(env, sizeof(env), "%s/b:%s/a", dir, dir);
	setenv("PATH", env, 1);
	ck_assert(passt__find(path, sizeof(path)));
	snprintf(want, sizeof(want), "%s/b/passt", dir);
	ck_assert_str_eq(path, want);
}
END_TEST

/*
 * A passt that cannot be run is passed over for the next: not executable
 * (mode 0644; root's access(X_OK) wants an x bit too), a directory, a
 * FIFO.  A symbolic link to an executable counts.
 */
START_TEST(passt_find_skips_unusable)
{
	char path[4096], env[1024], want[256], f[256];

	snprintf(f, sizeof(f), "%s/noexec", dir);
	mkdir(f, 0755);
	strcat(f, "/passt");
	write_file(f, "#!/bin/sh\n", 10, 0644);

	snprintf(f, sizeof(f), "%s/isdir", dir);
	mkdir(f, 0755);
	strcat(f, "/passt");
	ck_assert_int_eq(mkdir(f, 0755), 0);

	snprintf(f, sizeof(f), "%s/fifo", dir);
	mkdir(f, 0755);
	strcat(f, "/passt");
	ck_assert_int_eq(mkfifo(f, 0755), 0);

	snprintf(env, sizeof(env), "%s/noexec:%s/isdir:%s/fifo", dir, dir, dir);
	setenv("PATH", env, 1);
	ck_assert(!passt__find(path, sizeof(path)));

	passt_in("real");
	snprintf(f, sizeof(f), "%s/link", dir);
	mkdir(f, 0755);
	strcat(f, "/passt");
	snprintf(want, sizeof(want), "%s/real/passt", dir);
	ck_assert_int_eq(symlink(want, f), 0);
	snprintf(env, sizeof(env), "%s/noexec:%s/isdir:%s/fifo:%s/link:%s/real",
		 dir, dir, dir, dir, dir);
	setenv("PATH", env, 1);
	ck_assert(passt__find(path, sizeof(path)));
	ck_assert_str_eq(path, f);
}
END_TEST

/*
 * An empty PATH entry, leading, inner or trailing, is the current
 * directory, as for execvp(): the path found is then "passt", relative.
 */
START_TEST(passt_find_empty_entry)
{
	static const char *const paths[] = { ":/nonexistent", "/nonexistent::/x",
					     "/nonexistent:" };
	char path[4096];
	unsigned int i;

	passt_in("");
	ck_assert_int_eq(chdir(dir), 0);
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		setenv("PATH", paths[i], 1);
		memset(path, 'x', sizeof(path));
		ck_assert_msg(passt__find(path, sizeof(path)), "PATH=%s", paths[i]);
		ck_assert_str_eq(path, "passt");
	}
	/* elsewhere, the same PATHs find nothing */
	ck_assert_int_eq(chdir("/"), 0);
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		setenv("PATH", paths[i], 1);
		ck_assert_msg(!passt__find(path, sizeof(path)), "PATH=%s found %s",
			      paths[i], path);
	}
}
END_TEST

/* No passt on PATH: false.  PATH unset or empty: the usual directories. */
START_TEST(passt_find_absent)
{
	static const char *const usual[] = { "/usr/local/bin/passt", "/usr/bin/passt",
					     "/bin/passt" };
	char path[4096];
	const char *want = NULL;
	struct stat st;
	unsigned int i;
	bool found;

	ck_assert(!passt__find(path, sizeof(path)));	/* our empty directory */
	setenv("PATH", "/nonexistent:/nonexistent2", 1);
	ck_assert(!passt__find(path, sizeof(path)));

	/* whatever this host has there */
	for (i = 0; i < ARRAY_SIZE(usual) && !want; i++)
		if (!stat(usual[i], &st) && S_ISREG(st.st_mode) && !access(usual[i], X_OK))
			want = usual[i];
	unsetenv("PATH");
	found = passt__find(path, sizeof(path));
	ck_assert_int_eq(found, want != NULL);
	if (want)
		ck_assert_str_eq(path, want);
	setenv("PATH", "", 1);
	found = passt__find(path, sizeof(path));
	ck_assert_int_eq(found, want != NULL);
	if (want)
		ck_assert_str_eq(path, want);
}
END_TEST

/*
 * A path that does not fit the caller's buffer is passed over, not cut
 * short: with room for "DIR/passt" and its NUL exactly, it is found.
 */
START_TEST(passt_find_buffer_too_small)
{
	char path[256], want[256];
	size_t need;

	passt_in("");
	snprintf(want, sizeof(want), "%s/passt", dir);
	need = strlen(want) + 1;
	memset(path, 0, sizeof(path));
	ck_assert(!passt__find(path, need - 1));
	ck_assert(passt__find(path, need));
	ck_assert_str_eq(path, want);
}
END_TEST

/* ---- passt__start ---------------------------------------------------------- */

/*
 * passt's arguments: the vmm's own (-f -q -F 3, and --runas nobody when
 * root) then the caller's, in order, nothing else.
 */
START_TEST(passt_start_args)
{
	static const char *const args[] = { "-t", "2222:22,8080:80", "-u", "5353:53", NULL };
	char got[512], want[512];

	fake_passt("exec sleep 30");
	start(args);
	wait_report();
	snprintf(want, sizeof(want), "%s -t 2222:22,8080:80 -u 5353:53", own_args());
	ck_assert_str_eq(report_args(got, sizeof(got)), want);
}
END_TEST

/* No arguments of the caller's: the vmm's alone. */
START_TEST(passt_start_no_args)
{
	char got[512];

	fake_passt("exec sleep 30");
	start(no_args);
	wait_report();
	ck_assert_str_eq(report_args(got, sizeof(got)), own_args());
}
END_TEST

/*
 * PASST_MAX_ARGS arguments go through, one more is refused before
 * anything is started: no child, no fd left open.
 */
START_TEST(passt_start_too_many_args)
{
	const char *args[PASST_MAX_ARGS + 2];
	char path[128], got[512], want[512];
	unsigned int i, fds;
	size_t n;

	for (i = 0; i < PASST_MAX_ARGS + 1; i++)
		args[i] = "x";
	args[PASST_MAX_ARGS + 1] = NULL;
	fake_passt("exec sleep 30");
	fds = nr_fds();
	ck_assert_int_eq(passt__start(&p, in_dir(path, sizeof(path), "passt"), args,
				      err, sizeof(err)), -1);
	ck_assert_str_eq(err, "too many arguments for passt");
	ck_assert_int_eq(p.pid, -1);
	ck_assert_int_eq(p.fd, -1);
	ck_assert_uint_eq(nr_fds(), fds);
	ck_no_children();

	args[PASST_MAX_ARGS] = NULL;
	start(args);
	wait_report();
	n = snprintf(want, sizeof(want), "%s", own_args());
	for (i = 0; i < PASST_MAX_ARGS; i++)
		n += snprintf(want + n, sizeof(want) - n, " x");
	ck_assert_str_eq(report_args(got, sizeof(got)), want);
}
END_TEST

/*
 * What passt starts with: stdin /dev/null, stdout our stderr, stderr ours,
 * fd 3 a socket; of the parent's other fds only those without FD_CLOEXEC
 * (passt.c closes nothing itself: every fd the vmm opens is O_CLOEXEC).  It
 * is our child, in a process group of its own.  Our end is non-blocking
 * and close-on-exec, and talks to its fd 3 both ways; when we close our
 * end, passt reads the end of file (what passt -F relies on to exit).
 */
START_TEST(passt_start_child_setup)
{
	char got[128], buf[256], want[256], script[128];
	int keep, cloexec, fd;
	const char *line, *nl;

	/* an fd left without close-on-exec, and one with: passt gets neither */
	keep = open("/dev/zero", O_RDONLY);
	cloexec = open("/dev/full", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(keep, 0);
	ck_assert_int_ge(cloexec, 0);

	fake_passt("printf 'from-passt\\n' >&3\n"
		   "read -r line <&3\n"
		   "read -r more <&3\n"
		   "echo \"line $line eof $?\" > \"$out.got.tmp\"\n"
		   "mv \"$out.got.tmp\" \"$out.got\"\n"
		   "exec sleep 30");
	start(no_args);
	wait_report();

	ck_assert_int_eq(report_number("pid"), p.pid);
	ck_assert_int_eq(report_number("ppid"), getpid());
	ck_assert_int_eq(report_number("pgid"), p.pid);

	ck_assert_ptr_nonnull(child_fd(0, got, sizeof(got)));
	ck_assert_str_eq(got, "/dev/null");
	fd_target(STDERR_FILENO, want, sizeof(want));
	ck_assert_ptr_nonnull(child_fd(1, got, sizeof(got)));
	ck_assert_str_eq(got, want);
	ck_assert_ptr_nonnull(child_fd(2, got, sizeof(got)));
	ck_assert_str_eq(got, want);
	ck_assert_ptr_nonnull(child_fd(3, got, sizeof(got)));
	ck_assert_msg(!strncmp(got, "socket:[", 8), "fd 3 is %s", got);

	ck_assert_ptr_null(child_fd(keep, got, sizeof(got)));
	ck_assert_ptr_null(child_fd(cloexec, got, sizeof(got)));

	/* nothing past fd 3 but the shell's own script */
	in_dir(script, sizeof(script), "passt");
	for (line = report; *line; line = nl + 1) {
		nl = strchrnul(line, '\n');
		if (sscanf(line, "fd %d", &fd) == 1 && fd > 3) {
			child_fd(fd, got, sizeof(got));
			ck_assert_msg(!strcmp(got, script), "passt has fd %d (%s)", fd, got);
		}
		if (!*nl)
			break;
	}

	ck_assert_int_eq(fcntl(p.fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	ck_assert_int_eq(fcntl(p.fd, F_GETFD), FD_CLOEXEC);
	ck_assert_int_eq(read_within(p.fd, buf, sizeof(buf), DEADLINE_MS), 11);
	ck_assert_str_eq(buf, "from-passt\n");
	ck_assert_int_eq(write(p.fd, "from-vmm\n", 9), 9);
	close(p.fd);
	p.fd = -1;
	ck_assert_msg(wait_file("report.got", buf, sizeof(buf), DEADLINE_MS),
		      "passt did not see the end of file on fd 3");
	ck_assert_str_eq(buf, "line from-vmm eof 1\n");
	close(keep);
	close(cloexec);
}
END_TEST

/*
 * The vmm blocks SIGINT, SIGTERM, SIGHUP and its kick signal, and ignores
 * SIGPIPE: passt starts with nothing blocked and SIGPIPE at its default.
 */
START_TEST(passt_start_signals_reset)
{
	char got[64];
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN);
	ck_assert_int_eq(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
	signal(SIGPIPE, SIG_IGN);

	fake_passt("exec sleep 30");
	start(no_args);
	wait_report();
	ck_assert_ptr_nonnull(report_value("SigBlk:", got, sizeof(got)));
	ck_assert_msg(strtoull(got, NULL, 16) == 0, "passt starts with SigBlk %s", got);
	ck_assert_ptr_nonnull(report_value("SigIgn:", got, sizeof(got)));
	ck_assert_msg(!(strtoull(got, NULL, 16) & (1ULL << (SIGPIPE - 1))),
		      "passt starts with SIGPIPE ignored (SigIgn %s)", got);
}
END_TEST

/*
 * exec failing is passt__start() failing, with exec's reason: not an
 * executable format, no such file, no permission.  Nothing is left: no
 * child (reaped), no fd, p as never started.
 */
START_TEST(passt_start_exec_fails)
{
	static const char garbage[] = "\x01\x02\x03\x04 not a program\n";
	static const struct {
		const char	*name;
		int		err;
	} cases[] = {
		{ "garbage",	ENOEXEC },
		{ "missing",	ENOENT },
		{ "noexec",	EACCES },
	};
	char path[128], want[512];
	unsigned int i, fds;

	write_file(in_dir(path, sizeof(path), "garbage"), garbage, sizeof(garbage) - 1, 0755);
	/* no x bit: not even root may run it */
	write_file(in_dir(path, sizeof(path), "noexec"), "#!/bin/sh\n", 10, 0644);
	fds = nr_fds();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		in_dir(path, sizeof(path), cases[i].name);
		p.pid = 12345;
		p.fd = 12345;
		ck_assert_int_eq(passt__start(&p, path, no_args, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "cannot run %s: %s", path,
			 strerror(cases[i].err));
		ck_assert_str_eq(err, want);
		ck_assert_int_eq(p.pid, -1);
		ck_assert_int_eq(p.fd, -1);
		ck_assert_uint_eq(nr_fds(), fds);
		ck_no_children();
	}
}
END_TEST

/*
 * Start passt with our fds in @closed (bit N: fd N, of 0 to 3) closed, as
 * a vmm run with `<&-`, `>&-` or `2>&-` has them: passt must still get its
 * socket at fd 3 and /dev/null at fd 0, hold no socket but that one (its
 * stdout neither its own socket nor the vmm's end), and see the end of
 * file when we close our end.  (Our fd 3 is check's: put back after.)
 */
static void start_with_closed(unsigned int closed)
{
	char path[128], got[128], buf[64];
	int saved[4], i, ret;

	fake_passt("printf 'from-passt\\n' >&3\n"
		   "read -r line <&3\n"
		   "read -r more <&3\n"
		   "echo \"line $line eof $?\" > \"$out.got.tmp\"\n"
		   "mv \"$out.got.tmp\" \"$out.got\"\n"
		   "exec sleep 30");
	in_dir(path, sizeof(path), "passt");
	for (i = 0; i < 4; i++) {
		saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 20);
		ck_assert(saved[i] >= 0 || i == 3);
		if (closed & (1 << i))
			close(i);
	}
	ret = passt__start(&p, path, no_args, err, sizeof(err));
	/* our end may have taken one of them: out of the way first */
	if (!ret && p.fd <= 3) {
		int fd = fcntl(p.fd, F_DUPFD_CLOEXEC, 20);

		close(p.fd);
		p.fd = fd;
	}
	for (i = 0; i < 4; i++) {
		if (saved[i] < 0) {
			close(i);
			continue;
		}
		dup2(saved[i], i);
		close(saved[i]);
	}
	ck_assert_msg(ret == 0, "passt__start: %s", err);
	wait_report();

	ck_assert_ptr_nonnull(child_fd(0, got, sizeof(got)));
	ck_assert_str_eq(got, "/dev/null");
	ck_assert_ptr_nonnull(child_fd(3, got, sizeof(got)));
	ck_assert_msg(!strncmp(got, "socket:[", 8), "passt's fd 3 is %s, not its socket:\n%s",
		      got, report);
	ck_assert_int_eq(read_within(p.fd, buf, sizeof(buf), DEADLINE_MS), 11);
	ck_assert_str_eq(buf, "from-passt\n");
	ck_assert_int_eq(write(p.fd, "from-vmm\n", 9), 9);
	close(p.fd);
	p.fd = -1;
	ck_assert_msg(wait_file("report.got", buf, sizeof(buf), 1000),
		      "passt did not see the end of file on fd 3 once we closed our end");
	ck_assert_str_eq(buf, "line from-vmm eof 1\n");
	for (i = 0; i < 3; i++)
		ck_assert_msg(!child_fd(i, got, sizeof(got)) || strncmp(got, "socket:", 7),
			      "passt's fd %d is a socket (%s):\n%s", i, got, report);
}

/* fd 3 free: the socketpair takes 3 and 4, and passt's end moves to 3. */
START_TEST(passt_start_fd3_free)
{
	start_with_closed(1 << 3);
}
END_TEST

/*
 * stdin closed and fd 3 free: the socketpair takes 0 and 3, passt's end
 * is at 3 already and only loses its FD_CLOEXEC.
 */
START_TEST(passt_start_sock_at_fd3)
{
	start_with_closed(1 << 0 | 1 << 3);
}
END_TEST

/* The vmm run with stdin closed (`<&-`). */
START_TEST(passt_start_stdin_closed)
{
	start_with_closed(1 << 0);
}
END_TEST

/* The vmm run with stdout closed (`>&-`). */
START_TEST(passt_start_stdout_closed)
{
	start_with_closed(1 << 1);
}
END_TEST

/*
 * With stderr closed the socketpair takes fd 2 for the vmm's end; passt
 * must not get it as its stdout or stderr (it would hold both ends, never
 * see the end of file, and print into its own socket).
 */
START_TEST(passt_start_stderr_closed)
{
	start_with_closed(1 << 2);
}
END_TEST

/*
 * With stdin and stdout closed the socketpair takes fds 0 and 1: passt's
 * end (fd 1) must reach fd 3 before anything is put on fd 1.
 */
START_TEST(passt_start_stdin_stdout_closed)
{
	start_with_closed(1 << 0 | 1 << 1);
}
END_TEST

/*
 * With stdin and stderr closed the socketpair takes fds 0 and 2, passt's
 * end at 2: passt's stdout must not be its own socket (what it printed
 * would break the framing).
 */
START_TEST(passt_start_stdin_stderr_closed)
{
	start_with_closed(1 << 0 | 1 << 2);
}
END_TEST

/* stdout and stderr closed: the same, the socketpair taking 1 and 2. */
START_TEST(passt_start_stdout_stderr_closed)
{
	start_with_closed(1 << 1 | 1 << 2);
}
END_TEST

/*
 * All of 0, 1 and 2 closed: the socketpair takes 0 and 1, /dev/null 2;
 * passt still gets its socket at fd 3.
 */
START_TEST(passt_start_std_fds_closed)
{
	start_with_closed(1 << 0 | 1 << 1 | 1 << 2);
}
END_TEST

/* ---- passt__exited --------------------------------------------------------- */

/* passt exiting: reaped, "exited with status 3", and forgotten. */
START_TEST(passt_exited_status)
{
	char why[64] = "untouched";
	pid_t pid;

	fake_passt("exit 3");
	start(no_args);
	pid = p.pid;
	ck_assert_msg(exited_within(&p, why, sizeof(why), DEADLINE_MS),
		      "passt__exited() never said yes");
	ck_assert_str_eq(why, "exited with status 3");
	ck_assert_int_eq(p.pid, -1);
	ck_assert_int_eq(kill(pid, 0), -1);	/* reaped: gone */
	ck_no_children();
	/* and once only */
	strcpy(why, "untouched");
	ck_assert(!passt__exited(&p, why, sizeof(why)));
	ck_assert_str_eq(why, "untouched");
	/* its socket is still the caller's, open */
	ck_assert_int_ge(fcntl(p.fd, F_GETFD), 0);
}
END_TEST

/* passt exiting with 0 is an exit too. */
START_TEST(passt_exited_zero)
{
	char why[64];

	fake_passt("exit 0");
	start(no_args);
	ck_assert(exited_within(&p, why, sizeof(why), DEADLINE_MS));
	ck_assert_str_eq(why, "exited with status 0");
}
END_TEST

/* passt killed: "was killed by signal 15 (Terminated)". */
START_TEST(passt_exited_signal)
{
	char why[64], want[64];

	fake_passt("exec sleep 30");
	start(no_args);
	wait_report();
	ck_assert_int_eq(kill(p.pid, SIGTERM), 0);
	ck_assert(exited_within(&p, why, sizeof(why), DEADLINE_MS));
	snprintf(want, sizeof(want), "was killed by signal %d (%s)", SIGTERM,
		 strsignal(SIGTERM));
	ck_assert_str_eq(why, want);
	ck_assert_int_eq(p.pid, -1);
	ck_no_children();

	/* one that kills itself (not with a signal that dumps core) */
	close(p.fd);
	fake_passt("kill -USR1 $$");
	start(no_args);
	ck_assert(exited_within(&p, why, sizeof(why), DEADLINE_MS));
	snprintf(want, sizeof(want), "was killed by signal %d (%s)", SIGUSR1,
		 strsignal(SIGUSR1));
	ck_assert_str_eq(why, want);
}
END_TEST

/*
 * A passt still running, or stopped (SIGSTOP), has not exited: false,
 * @why untouched, the pid kept.  Never started: false.
 */
START_TEST(passt_exited_running)
{
	struct passt none = { .pid = -1, .fd = -1 };
	char why[64] = "untouched", stat[512], path[64];
	long long end = now_ms() + DEADLINE_MS;
	pid_t pid;
	int fd;
	ssize_t n;

	fake_passt("exec sleep 30");
	start(no_args);
	pid = p.pid;
	ck_assert(!passt__exited(&p, why, sizeof(why)));
	wait_report();
	ck_assert(!passt__exited(&p, why, sizeof(why)));
	ck_assert_str_eq(why, "untouched");
	ck_assert_int_eq(p.pid, pid);

	ck_assert_int_eq(kill(pid, SIGSTOP), 0);
	/* until the kernel has it stopped: state T in /proc/PID/stat */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (;;) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		ck_assert_int_ge(fd, 0);
		n = read(fd, stat, sizeof(stat) - 1);
		close(fd);
		stat[n > 0 ? n : 0] = 0;
		if (strstr(stat, ") T "))
			break;
		ck_assert_msg(now_ms() < end, "passt never stopped: %s", stat);
		usleep(2000);
	}
	ck_assert(!passt__exited(&p, why, sizeof(why)));
	ck_assert_str_eq(why, "untouched");
	ck_assert_int_eq(p.pid, pid);

	ck_assert(!passt__exited(&none, why, sizeof(why)));
	ck_assert_str_eq(why, "untouched");
}
END_TEST

/* ---- passt__stop ----------------------------------------------------------- */

/*
 * passt__stop() ends a passt that ignores SIGTERM, SIGINT and SIGHUP, and
 * reaps it: no zombie, the pid forgotten.  Our end stays open, and reads
 * the end of file: nothing else held passt's end.  Stopping again, or a
 * passt never started (pid -1, or 0, which must not signal our group), is
 * harmless.
 */
START_TEST(passt_stop_kills_and_reaps)
{
	struct passt none = { .pid = -1, .fd = -1 }, zero = { .pid = 0, .fd = -1 };
	char buf[16];
	pid_t pid;

	fake_passt("trap '' TERM INT HUP\nexec sleep 30");
	start(no_args);
	wait_report();
	pid = p.pid;
	passt__stop(&p);
	ck_assert_int_eq(p.pid, -1);
	ck_assert_int_eq(kill(pid, 0), -1);
	ck_assert_int_eq(errno, ESRCH);
	ck_no_children();
	ck_assert_int_ge(fcntl(p.fd, F_GETFD), 0);
	ck_assert_int_eq(read_within(p.fd, buf, sizeof(buf), DEADLINE_MS), 0);
	ck_assert_int_eq(read(p.fd, buf, sizeof(buf)), 0);

	passt__stop(&p);
	ck_assert_int_eq(p.pid, -1);
	passt__stop(&none);
	ck_assert_int_eq(none.pid, -1);
	passt__stop(&zero);		/* we are still here */
	ck_assert_int_eq(zero.pid, 0);
}
END_TEST

/* A passt that has exited but is not reaped yet (a zombie) is reaped. */
START_TEST(passt_stop_reaps_zombie)
{
	siginfo_t si = { 0 };

	fake_passt("exit 7");
	start(no_args);
	ck_assert_int_eq(waitid(P_PID, p.pid, &si, WEXITED | WNOWAIT), 0);
	ck_assert_int_eq(si.si_code, CLD_EXITED);
	ck_assert_int_eq(si.si_status, 7);
	passt__stop(&p);
	ck_assert_int_eq(p.pid, -1);
	ck_no_children();
}
END_TEST

/* After passt__exited() said yes, passt__stop() has nothing to do. */
START_TEST(passt_stop_after_exited)
{
	char why[64];

	fake_passt("exit 0");
	start(no_args);
	ck_assert(exited_within(&p, why, sizeof(why), DEADLINE_MS));
	passt__stop(&p);
	ck_assert_int_eq(p.pid, -1);
	ck_no_children();
}
END_TEST

/*
 * The parent-death signal: a process that started passt and died without
 * stopping it takes passt with it (SIGKILL).  We are the child subreaper,
 * so passt, orphaned, is ours to reap and to see how it ended.
 */
START_TEST(passt_dies_with_parent)
{
	long long end = now_ms() + DEADLINE_MS;
	int pfd[2], status;
	char path[128];
	pid_t mid, pid = -1;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	fake_passt("exec sleep 30");
	in_dir(path, sizeof(path), "passt");
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	mid = fork();
	ck_assert_int_ge(mid, 0);
	if (!mid) {
		struct passt q;
		char e[256];

		close(pfd[0]);
		if (passt__start(&q, path, no_args, e, sizeof(e)))
			_exit(1);
		if (write(pfd[1], &q.pid, sizeof(q.pid)) != sizeof(q.pid))
			_exit(2);
		/*
		 * Once the stand-in has written its report and is only
		 * sleeping: killed earlier, the programs its script runs for
		 * the report would be orphans for us to reap too.
		 */
		wait_report();
		usleep(50000);	/* mv, which wrote it, may still be exiting */
		_exit(0);	/* without passt__stop() */
	}
	close(pfd[1]);
	ck_assert_int_eq(read(pfd[0], &pid, sizeof(pid)), sizeof(pid));
	close(pfd[0]);
	ck_assert_int_eq(waitpid(mid, &status, 0), mid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (now_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			ck_abort_msg("passt outlived the process that started it");
		}
		usleep(2000);
	}
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		      "passt ended with status 0x%x, not SIGKILL", status);
	ck_no_children();
}
END_TEST

/* ---- through the NIC: -n mode=user ------------------------------------------ */

#define NET_STATUS	(VIRTIO_MMIO_CONFIG + offsetof(struct virtio_net_config, status))

static const struct device_desc *net_desc;
static void *nic;
static int saved_stderr = -1;

/* passt's fixture, and the driver's VM with its main loop; no NIC yet. */
static void net_setup(void)
{
	passt_setup();
	vdrv_make_vm(64, CONSOLE_SERIAL, -1);
	ck_assert_int_eq(loop__init(&vdrv_vm.loop), 0);
	net_desc = vdrv_find_device("virtio-net");
	nic = NULL;
}

static void net_teardown(void)
{
	if (saved_stderr >= 0) {
		dup2(saved_stderr, STDERR_FILENO);
		close(saved_stderr);
		saved_stderr = -1;
	}
	vdrv_exit_device(net_desc, &nic);
	loop__destroy(&vdrv_vm.loop);
	passt_teardown();
}

/* Our stderr (the vmm's log) into <dir>/log from now on. */
static void capture_log(void)
{
	char path[128];
	int fd;

	fd = open(in_dir(path, sizeof(path), "log"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0644);
	ck_assert_int_ge(fd, 0);
	saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 10);
	ck_assert_int_ge(saved_stderr, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	close(fd);
}

/*
 * -n mode=user with hostfwd keys starts passt with them as -t and -u
 * lists, each in the order given; removing the NIC ends passt and reaps it.
 */
START_TEST(net_user_hostfwd_args)
{
	char got[512], want[512];
	pid_t pid;

	fake_passt("exec sleep 30");
	nic = vdrv_init_device(net_desc, "mode=user,hostfwd=tcp:2222:22,hostfwd=udp:5353:53,"
				     "guest_mac=52:54:00:12:34:56,hostfwd=tcp:8080:80");
	wait_report();
	snprintf(want, sizeof(want), "%s -t 2222:22,8080:80 -u 5353:53", own_args());
	ck_assert_str_eq(report_args(got, sizeof(got)), want);
	pid = report_number("pid");
	ck_assert_int_eq(kill(pid, 0), 0);

	vdrv_exit_device(net_desc, &nic);
	ck_assert_int_eq(kill(pid, 0), -1);
	ck_no_children();
}
END_TEST

/* mode=user without hostfwd: passt gets the vmm's arguments alone. */
START_TEST(net_user_no_hostfwd)
{
	char got[512];

	fake_passt("exec sleep 30");
	nic = vdrv_init_device(net_desc, "mode=user");
	wait_report();
	ck_assert_str_eq(report_args(got, sizeof(got)), own_args());
}
END_TEST

/*
 * The most hostfwd keys a NIC takes, every port five digits: the -t list
 * fills its buffer exactly ("65535:65535," each, the last without the
 * comma but with the NUL), and nothing is cut.
 */
START_TEST(net_user_most_hostfwds)
{
	char opt[1024], got[1024], want[1024];
	size_t n, w;
	unsigned int i;

	n = snprintf(opt, sizeof(opt), "mode=user");
	w = snprintf(want, sizeof(want), "%s -t ", own_args());
	for (i = 0; i < 16; i++) {
		n += snprintf(opt + n, sizeof(opt) - n, ",hostfwd=tcp:%u:%u", 65535 - i,
			      65520 + i);
		w += snprintf(want + w, sizeof(want) - w, "%s%u:%u", i ? "," : "",
			      65535 - i, 65520 + i);
	}
	fake_passt("exec sleep 30");
	nic = vdrv_init_device(net_desc, opt);
	wait_report();
	ck_assert_str_eq(report_args(got, sizeof(got)), want);
}
END_TEST

/*
 * No passt on PATH: -n mode=user fails with one line of its own naming
 * the option; passt that cannot be run, the same with exec's reason.
 * Neither leaves a child.
 */
START_TEST(net_user_without_passt)
{
	char path[128];

	capture_log();
	ck_assert_int_eq(net_desc->init(&vdrv_vm, "mode=user", &nic), -DEVICE_EREPORTED);
	ck_assert_ptr_null(nic);
	write_file(in_dir(path, sizeof(path), "passt"), "\x01\x02garbage", 9, 0755);
	ck_assert_int_eq(net_desc->init(&vdrv_vm, "mode=user,hostfwd=tcp:1:2", &nic),
			 -DEVICE_EREPORTED);
	ck_assert_ptr_null(nic);
	ck_no_children();
	dup2(saved_stderr, STDERR_FILENO);
	ck_assert(wait_file("log", report, sizeof(report), 0));
	ck_assert_msg(strstr(report, "--network mode=user: passt is not installed"),
		      "log: %s", report);
	snprintf(path, sizeof(path), "--network mode=user,hostfwd=tcp:1:2: cannot run %s/passt: %s",
		 dir, strerror(ENOEXEC));
	ck_assert_msg(strstr(report, path), "log: %s", report);
}
END_TEST

/*
 * The implicit NIC: mode=user when passt is on PATH, none without it or
 * with --nodefaults.
 */
START_TEST(net_implicit_needs_passt)
{
	struct vm_config cfg = { 0 };
	const char *v;

	capture_log();
	ck_assert_ptr_null(net_desc->implicit(&cfg));
	passt_in("");
	v = net_desc->implicit(&cfg);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, "mode=user");
	cfg.nodefaults = true;
	ck_assert_ptr_null(net_desc->implicit(&cfg));
}
END_TEST

/*
 * Run the main loop until the NIC's link is down: fails the test if it
 * stays up.
 */
static void run_until_link_down(void)
{
	long long end = now_ms() + DEADLINE_MS;

	while (vdrv_rd(NET_STATUS, 2) & VIRTIO_NET_S_LINK_UP) {
		ck_assert_msg(now_ms() < end, "the link stayed up after passt ended");
		loop__run_once(&vdrv_vm.loop, 50);
	}
}

/*
 * Run the main loop until the NIC has reaped passt (its pidfd said it
 * ended): fails the test if a child is still there.
 */
static void run_until_reaped(void)
{
	long long end = now_ms() + DEADLINE_MS;
	siginfo_t si;

	/* until there is no child at all: passt may still be exiting */
	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
			break;
		ck_assert_msg(now_ms() < end, "a child (pid %d) was not reaped", (int)si.si_pid);
		loop__run_once(&vdrv_vm.loop, 50);
	}
	ck_no_children();
}

/* Put the log back on stderr, and what it said into report[]. */
static void read_log(void)
{
	dup2(saved_stderr, STDERR_FILENO);
	ck_assert(wait_file("log", report, sizeof(report), 0));
}

/*
 * passt exiting under a running NIC: the link goes down, the log says how
 * passt ended, and it is reaped as it ends.
 */
START_TEST(net_user_passt_exits)
{
	char path[128];

	fake_passt("while [ ! -e \"$out.go\" ]; do sleep 0.01; done\nexit 3");
	nic = vdrv_init_device(net_desc, "mode=user");
	wait_report();
	ck_assert_uint_eq(vdrv_rd(NET_STATUS, 2), VIRTIO_NET_S_LINK_UP);
	vdrv_start(F_VERSION_1, 2);
	ck_assert_int_eq(loop__run_once(&vdrv_vm.loop, 0) >= 0, 1);
	ck_assert_uint_eq(vdrv_rd(NET_STATUS, 2), VIRTIO_NET_S_LINK_UP);
	capture_log();
	write_file(in_dir(path, sizeof(path), "report.go"), "", 0, 0644);
	run_until_link_down();
	run_until_reaped();
	read_log();
	ck_assert_msg(strstr(report, "virtio-net eth0: passt exited with status 3\n"),
		      "log: %s", report);
	ck_assert_msg(strstr(report, "virtio-net eth0: passt closed its socket: the link is down"),
		      "log: %s", report);
}
END_TEST

/*
 * passt killed before the guest's driver is up: the NIC finds out when the
 * driver starts it, the same way.
 */
START_TEST(net_user_passt_killed_early)
{
	siginfo_t si = { 0 };
	char buf[128];
	pid_t pid;

	fake_passt("exec sleep 30");
	nic = vdrv_init_device(net_desc, "mode=user");
	wait_report();
	pid = report_number("pid");
	capture_log();
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	ck_assert_int_eq(loop__run_once(&vdrv_vm.loop, 0) >= 0, 1);
	vdrv_start(F_VERSION_1, 2);
	run_until_link_down();
	run_until_reaped();
	read_log();
	snprintf(buf, sizeof(buf), "passt was killed by signal %d (%s)\n",
		 SIGKILL, strsignal(SIGKILL));
	ck_assert_msg(strstr(report, buf), "log: %s", report);
}
END_TEST

Suite *passt_suite(void)
{
	Suite *s = suite_create("passt");

	PASST_TEST(s, passt_find_first_on_path, passt_setup, passt_teardown);
	PASST_TEST(s, passt_find_skips_unusable, passt_setup, passt_teardown);
	PASST_TEST(s, passt_find_empty_entry, passt_setup, passt_teardown);
	PASST_TEST(s, passt_find_absent, passt_setup, passt_teardown);
	PASST_TEST(s, passt_find_buffer_too_small, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_args, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_no_args, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_too_many_args, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_child_setup, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_signals_reset, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_exec_fails, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_fd3_free, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_sock_at_fd3, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_stdin_closed, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_stdout_closed, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_stderr_closed, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_stdin_stdout_closed, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_stdin_stderr_closed, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_stdout_stderr_closed, passt_setup, passt_teardown);
	PASST_TEST(s, passt_start_std_fds_closed, passt_setup, passt_teardown);
	PASST_TEST(s, passt_exited_status, passt_setup, passt_teardown);
	PASST_TEST(s, passt_exited_zero, passt_setup, passt_teardown);
	PASST_TEST(s, passt_exited_signal, passt_setup, passt_teardown);
	PASST_TEST(s, passt_exited_running, passt_setup, passt_teardown);
	PASST_TEST(s, passt_stop_kills_and_reaps, passt_setup, passt_teardown);
	PASST_TEST(s, passt_stop_reaps_zombie, passt_setup, passt_teardown);
	PASST_TEST(s, passt_stop_after_exited, passt_setup, passt_teardown);
	PASST_TEST(s, passt_dies_with_parent, passt_setup, passt_teardown);
	PASST_TEST(s, net_user_hostfwd_args, net_setup, net_teardown);
	PASST_TEST(s, net_user_no_hostfwd, net_setup, net_teardown);
	PASST_TEST(s, net_user_most_hostfwds, net_setup, net_teardown);
	PASST_TEST(s, net_user_without_passt, net_setup, net_teardown);
	PASST_TEST(s, net_implicit_needs_passt, net_setup, net_teardown);
	PASST_TEST(s, net_user_passt_exits, net_setup, net_teardown);
	PASST_TEST(s, net_user_passt_killed_early, net_setup, net_teardown);
	return s;
}
