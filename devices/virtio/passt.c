// SPDX-License-Identifier: GPL-2.0
/*
 * passt.c - start passt for `-n mode=user` and keep it for the VM's life.
 *
 * passt (Debian's `passt`) is a user-mode network stack that needs no
 * privileges: it speaks Ethernet frames with the guest on a stream socket
 * and turns them into ordinary TCP, UDP and ICMP sockets on the host, with
 * DHCP, DNS forwarding and port forwarding of its own.  The vmm starts it
 * on one end of a socketpair (`passt -F FD`), in the foreground so that
 * it stays the vmm's child, in a process group of its own so that a ^C at
 * the terminal reaches the vmm only, and with a parent-death signal so
 * that it cannot outlive a vmm that was killed (as root, where passt
 * drops to nobody and loses that signal, its socket's end ends it: -F
 * serves one client).  The vmm ends it with the VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/close_range.h>

#include "virtio.h"

/* The fd passt's end of the socket has in passt: after stdin, out and err. */
#define PASST_FD	3

bool passt__find(char *path, size_t len)
{
	const char *dirs = getenv("PATH"), *end;
	struct stat st;
	size_t dlen;

	if (!dirs || !*dirs)
		dirs = "/usr/local/bin:/usr/bin:/bin";
	for (; ; dirs = end + 1) {
		end = strchrnul(dirs, ':');
		dlen = end - dirs;
		/* an empty entry is the current directory, as for execvp() */
		if ((size_t)snprintf(path, len, "%.*s%spasst", (int)dlen, dirs,
				     dlen ? "/" : "") < len &&
		    !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK))
			return true;
		if (!*end)
			return false;
	}
}

/* Above the standard fds and PASST_FD, whatever the vmm was started with. */
#define CHILD_FD_BASE	10

/*
 * In the child: become passt.  Only async-signal-safe calls between fork()
 * and execv() (the parent has threads); exec's errno goes back on @report.
 * The vmm may have been started with some of fds 0-2 closed, so that
 * @sock, @null or @report sit there: all three move up first, and only
 * then are 0-3 made what passt needs.
 */
static void __attribute__((noreturn))
exec_passt(const char *path, char *const argv[], int sock, int null, int report,
	   pid_t parent)
{
	int fds[3] = { sock, null, report }, up[3], i, err;
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);	/* the vmm blocks its signals */
	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0);
	/*
	 * Not to outlive a killed vmm (the vmm may have died already).  A
	 * uid change clears it: a passt that drops to nobody relies on its
	 * socket's end, which -F makes its own (one client, then exit).
	 */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	for (i = 0; i < 3; i++) {
		up[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, CHILD_FD_BASE);
		if (up[i] < 0)
			goto fail;	/* @report is still where it was */
	}
	for (i = 0; i < 3; i++)
		if (fds[i] <= STDERR_FILENO)
			close(fds[i]);
	sock = up[0];
	null = up[1];
	report = up[2];
	/*
	 * stdin /dev/null, stdout the vmm's stderr, the socket at 3.  A
	 * close-on-exec fd 2 is none of the vmm's stdio but one of its own
	 * (the vmm's end of the socket, say): /dev/null instead, as if closed.
	 */
	i = fcntl(STDERR_FILENO, F_GETFD);
	if ((i < 0 || (i & FD_CLOEXEC)) && dup2(null, STDERR_FILENO) < 0)
		goto fail;
	if (dup2(null, STDIN_FILENO) < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0 ||
	    dup2(sock, PASST_FD) < 0)
		goto fail;
	/* nothing else the vmm inherited without close-on-exec reaches passt (5.11+) */
	syscall(SYS_close_range, PASST_FD + 1, ~0U, CLOSE_RANGE_CLOEXEC);
	execv(path, argv);
fail:
	err = errno;
	if (write(report, &err, sizeof(err)) < 0)
		err = 0;
	_exit(127);
}

int passt__start(struct passt *p, const char *path, const char *const *args,
		 char *err, size_t errlen)
{
	char *argv[PASST_MAX_ARGS + 8], fdarg[12];
	int sv[2], pipefd[2] = { -1, -1 }, null = -1, e = 0;
	unsigned int i, n = 0;
	pid_t pid, parent = getpid();
	ssize_t got;

	p->pid = -1;
	p->fd = -1;
	argv[n++] = (char *)"passt";
	argv[n++] = (char *)"-f";	/* the vmm's child, not a daemon */
	argv[n++] = (char *)"-q";
	argv[n++] = (char *)"-F";
	snprintf(fdarg, sizeof(fdarg), "%d", PASST_FD);
	argv[n++] = fdarg;
	/* what passt does as root anyway, without saying so on every run */
	if (!geteuid()) {
		argv[n++] = (char *)"--runas";
		argv[n++] = (char *)"nobody";
	}
	for (i = 0; args[i]; i++) {
		if (i == PASST_MAX_ARGS)
			return errorf(err, errlen, "too many arguments for passt");
		argv[n++] = (char *)args[i];
	}
	argv[n] = NULL;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return errorf(err, errlen, "socketpair: %s", strerror(errno));
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || pipe2(pipefd, O_CLOEXEC)) {
		errorf(err, errlen, "%s: %s", null < 0 ? "/dev/null" : "pipe", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		errorf(err, errlen, "cannot start passt: fork: %s", strerror(errno));
		goto out;
	}
	if (!pid)
		exec_passt(path, argv, sv[1], null, pipefd[1], parent);
	close(pipefd[1]);
	pipefd[1] = -1;
	/* the report pipe closes on a successful exec: EOF */
	do
		got = read(pipefd[0], &e, sizeof(e));
	while (got < 0 && errno == EINTR);
	if (got > 0) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		errorf(err, errlen, "cannot run %s: %s", path, strerror(e));
		goto out;
	}
	p->pid = pid;
	p->fd = sv[0];
	sv[0] = -1;
	if (fcntl(p->fd, F_SETFL, O_NONBLOCK))
		pr_debug("passt's socket: O_NONBLOCK: %s", strerror(errno));
out:
	if (sv[0] >= 0)
		close(sv[0]);
	close(sv[1]);
	if (null >= 0)
		close(null);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	return p->fd >= 0 ? 0 : -1;
}

/* What a wait status says, "exited with status 1", into @buf. */
static void describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "stopped (status 0x%x)", status);
}

bool passt__exited(struct passt *p, char *why, size_t len)
{
	int status;

	if (p->pid <= 0 || waitpid(p->pid, &status, WNOHANG) != p->pid)
		return false;
	p->pid = -1;
	describe_status(status, why, len);
	return true;
}

void passt__stop(struct passt *p)
{
	if (p->pid <= 0)
		return;
	/* nothing of passt's outlives the VM: no state to save, no grace */
	kill(p->pid, SIGKILL);
	while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
		;
	p->pid = -1;
}
