// SPDX-License-Identifier: GPL-2.0
/*
 * control.c - a VM's control socket, and the commands that talk to it
 * (`vmm list`, `stop`, `pause`, `resume`, `stat`, `debug`), as lkvm has them.
 *
 * Each running VM listens on <dir>/<name>.sock, where <dir> is
 * $XDG_RUNTIME_DIR/vmm, else /run/vmm for root, else /tmp/vmm-<uid>: a
 * directory that must be the user's alone (0700), the socket 0600, and a
 * peer of another uid (root aside) refused with an error reply.  A socket
 * nobody listens on is a VM that crashed: `vmm run` of that name and
 * `vmm list` remove it.
 *
 * The protocol is a line each way: a request word ("info", "stat",
 * "pause", "resume", "stop", "regs", "powerdown N") ended by '\n', at most
 * 255 bytes; one JSON object in reply, ended by '\n', then the socket
 * closes.  Every reply has "ok" (true, or false with "error"); "stat" and
 * "regs" carry their human form in "text" too.  The VM side serves at
 * most four connections at once from its main loop, never blocking on
 * one: a fifth evicts the oldest.  ctlproto.c has the protocol without
 * the sockets: a request framed and parsed, a JSON string written, a
 * reply's fields read back, a System.map line.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "seccomp.h"

#define CTL_MAX_CONNS		4
#define CTL_MAX_REPLY		(1 << 20)
#define KSYM_NAME_LEN		512	/* Linux's longest symbol, its NUL in (6.1) */

struct ctl_conn {
	struct control	*ctl;
	int		fd;		/* -1: a free slot */
	u64		seq;		/* the oldest is evicted */
	size_t		len;
	char		buf[CTL_REQUEST_MAX];
};

struct control {
	struct vm	*vm;
	int		fd;
	int		lock_fd;	/* <name>.lock, flock'ed for the VM's life */
	dev_t		dev;		/* the socket's, to unlink only our own */
	ino_t		ino;
	int		grace_fd;	/* timerfd: a powerdown's hard stop, or -1 */
	u64		seq;
	char		path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct ctl_conn	conns[CTL_MAX_CONNS];
};

/* ---- where the sockets are ------------------------------------------------------ */

static int control_dir(char *dir, size_t cap)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (xdg && *xdg == '/')
		n = snprintf(dir, cap, "%s/vmm", xdg);
	else if (!geteuid())
		n = snprintf(dir, cap, "/run/vmm");
	else
		n = snprintf(dir, cap, "/tmp/vmm-%u", (unsigned int)geteuid());
	return n < (int)cap ? 0 : -1;
}

/* Whether @dir is a directory of this user's alone (0700, not a link). */
static bool dir_is_ours(const char *dir)
{
	struct stat st;

	return !lstat(dir, &st) && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	       !(st.st_mode & 077);
}

/* The directory, made if need be, checked to be the user's alone: 0 or -1 after an error. */
static int own_dir(const char *dir)
{
	char parent[PATH_MAX], *slash;
	int ret = mkdir(dir, 0700) ? errno : 0;

	/* /run itself may be missing (a bare initramfs); not $XDG_RUNTIME_DIR */
	if (ret == ENOENT && !strcmp(dir, "/run/vmm")) {
		snprintf(parent, sizeof(parent), "%s", dir);
		slash = strrchr(parent, '/');
		*slash = 0;
		mkdir(parent, 0755);
		ret = mkdir(dir, 0700) ? errno : 0;
	}
	if (ret && ret != EEXIST) {
		pr_err("control socket: %s: %s", dir, strerror(ret));
		return -1;
	}
	if (!dir_is_ours(dir)) {
		pr_err("control socket: %s is not a directory of this user's alone (0700)", dir);
		return -1;
	}
	return 0;
}

static int socket_path(const char *dir, const char *name, char *path, size_t cap)
{
	return snprintf(path, cap, "%s/%s.sock", dir, name) < (int)cap ? 0 : -1;
}

/*
 * Connect to @path, whose listener must be this user (or root): the fd,
 * or -errno (-EPERM for another user's).  A wedged VM with a full backlog
 * makes it give up after 5 s (SO_SNDTIMEO bounds a UNIX connect).
 */
static int dial(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 5 };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd, ret;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	ret = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	if (!ret && (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
		     (cred.uid != geteuid() && cred.uid != 0)))
		ret = -EPERM;
	if (ret) {
		close(fd);
		return ret == -EINPROGRESS || ret == -EAGAIN ? -ETIMEDOUT : ret;
	}
	return fd;
}

/*
 * Whether the VM called @name (its lock in @dir) is gone: nobody holds
 * its lock, so a socket left behind is stale and may go.
 */
static bool gone(const char *dir, const char *name)
{
	char path[PATH_MAX];
	bool free_lock;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s.lock", dir, name) >= (int)sizeof(path))
		return false;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT;
	free_lock = !flock(fd, LOCK_SH | LOCK_NB);
	close(fd);
	return free_lock;
}

/* ---- the VM's side -------------------------------------------------------------------- */

static void put_info(FILE *f, struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;

	fputs("\"ok\":true,\"name\":", f);
	ctl_json__put_string(f, cfg->name);
	fprintf(f, ",\"pid\":%d,\"state\":\"%s\",\"vcpus\":%u,\"memory_mib\":%" PRIu64
		",\"uptime_s\":%.1f,\"hypervisor\":", (int)getpid(),
		vm__paused(vm) ? "paused" : "running", vm->nr_vcpus, vm->ram_size >> 20,
		vm->run_ns ? (monotonic_ns() - vm->run_ns) / 1e9 : 0.0);
	ctl_json__put_string(f, vm->dev_path ? vm->dev_path : "");
	fputs(",\"kernel\":", f);
	ctl_json__put_string(f, cfg->kernel ? cfg->kernel : cfg->firmware ? cfg->firmware : "");
}

static u64 rss_kib(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f && fscanf(f, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	if (f)
		fclose(f);
	return (u64)resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static u64 stat_of(u64 *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

static void put_stat(FILE *f, struct vm *vm)
{
	char *text = NULL;
	size_t tlen = 0;
	FILE *t = open_memstream(&text, &tlen);
	unsigned int i;
	u64 rss = rss_kib();

	put_info(f, vm);
	fprintf(f, ",\"rss_kib\":%" PRIu64 ",\"vcpu_stats\":[", rss);
	if (t)
		fprintf(t, "%s: %s, %u vCPUs, %" PRIu64 " MiB of RAM, %" PRIu64 " MiB resident\n",
			vm->cfg->name, vm__paused(vm) ? "paused" : "running", vm->nr_vcpus,
			vm->ram_size >> 20, rss >> 10);
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu_stat *st = &vm->vcpus[i].stat;
		double guest = stat_of(&st->guest_ns) / 1e9;
		u64 mmio = stat_of(&st->mmio), sys = stat_of(&st->system), intr = stat_of(&st->intr);
		u64 dbg = stat_of(&st->debug);

		fprintf(f, "%s{\"id\":%u,\"run_s\":%.3f,\"exits_mmio\":%" PRIu64
			",\"exits_system_event\":%" PRIu64 ",\"exits_debug\":%" PRIu64
			",\"interrupted\":%" PRIu64 "}",
			i ? "," : "", i, guest, mmio, sys, dbg, intr);
		if (t)
			fprintf(t, "vcpu %u: %.3f s in KVM_RUN, exits: %" PRIu64 " MMIO, %" PRIu64
				" system events, %" PRIu64 " debug, %" PRIu64 " interrupted\n",
				i, guest, mmio, sys, dbg, intr);
	}
	fputc(']', f);
	fputc(',', f);
	sandbox__describe(f, true);
	if (t)
		sandbox__describe(t, false);
	fputs(",\"text\":", f);
	if (t)
		fclose(t);
	ctl_json__put_string(f, text ? text : "");
	free(text);
}

/* "regs": every vCPU's registers, pausing the VM for it if it runs. */
static void put_regs(FILE *f, struct vm *vm)
{
	struct vcpu_regs *regs = calloc(vm->nr_vcpus, sizeof(*regs));
	bool was_paused = vm__paused(vm);
	char *text = NULL;
	size_t tlen = 0;
	unsigned int i, j;
	FILE *t;
	int ret;

	ret = regs ? (was_paused ? 0 : vm__pause(vm)) : -ENOMEM;
	if (!ret) {
		ret = vm__regs(vm, regs);
		if (!was_paused)
			vm__resume(vm);
	}
	if (ret) {
		fputs("\"ok\":false,\"error\":", f);
		ctl_json__put_string(f, vm__pause_error(ret));
		free(regs);
		return;
	}
	fputs("\"ok\":true,\"vcpus\":[", f);
	t = open_memstream(&text, &tlen);
	for (i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu_regs *r = &regs[i];

		fprintf(f, "%s{\"id\":%u,\"pc\":\"0x%" PRIx64 "\",\"pstate\":\"0x%" PRIx64
			"\",\"sp_el0\":\"0x%" PRIx64 "\",\"sp_el1\":\"0x%" PRIx64
			"\",\"elr_el1\":\"0x%" PRIx64 "\",\"spsr_el1\":\"0x%" PRIx64
			"\",\"esr_el1\":\"0x%" PRIx64 "\",\"far_el1\":\"0x%" PRIx64 "\",\"x\":[",
			i ? "," : "", i, r->pc, r->pstate, r->sp_el0, r->sp_el1, r->elr_el1,
			r->spsr_el1, r->esr_el1, r->far_el1);
		for (j = 0; j < 31; j++)
			fprintf(f, "%s\"0x%" PRIx64 "\"", j ? "," : "", r->x[j]);
		fputs("]}", f);
		if (t)
			vcpu_regs__print(t, i, r);
	}
	if (t)
		fclose(t);
	fputs("],\"text\":", f);
	ctl_json__put_string(f, text ? text : "");
	free(text);
	free(regs);
}

static void on_grace(void *opaque, u32 events __unused)
{
	struct control *ctl = opaque;
	u64 n;

	if (read(ctl->grace_fd, &n, sizeof(n)) < 0)
		return;
	pr_warn("vmm stop: the guest did not power off in time: stopping it");
	vm__stop(ctl->vm, VMM_EXIT_STOPPED);
}

/*
 * "powerdown N": the power button pressed, and a hard stop in N s unless
 * the guest powers off first (a second powerdown presses again and
 * starts the count again).
 */
static int powerdown(struct vm *vm, unsigned int grace)
{
	struct control *ctl = vm->control;
	struct itimerspec its = { .it_value.tv_sec = grace };
	int ret = vm__power_button(vm);

	if (ret)
		return ret;
	if (ctl->grace_fd < 0) {
		ctl->grace_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (ctl->grace_fd < 0)
			return -errno;
		if (loop__add(&vm->loop, ctl->grace_fd, EPOLLIN, on_grace, ctl)) {
			close(ctl->grace_fd);
			ctl->grace_fd = -1;
			return -ENOSPC;
		}
	}
	pr_info("vmm stop: the power button pressed; a hard stop in %u s", grace);
	return timerfd_settime(ctl->grace_fd, 0, &its, NULL) ? -errno : 0;
}

/* The reply to the request @line, a malloc'ed line; *@stop when the VM stops after it. */
static char *answer(struct vm *vm, const char *line, bool *stop)
{
	char *reply = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&reply, &len);
	struct ctl_request req;
	int ret;

	if (!f)
		return NULL;
	fputc('{', f);
	ret = ctl_request__parse(line, &req);
	if (ret == -ERANGE) {
		fprintf(f, "\"ok\":false,\"error\":\"powerdown SECONDS: a whole number of seconds, 1 to %u\"",
			CTL_POWERDOWN_MAX_S);
		goto out;
	} else if (ret) {
		fputs("\"ok\":false,\"error\":", f);
		ctl_json__put_string(f, "unknown request (info, stat, regs, pause, resume, powerdown SECONDS, stop)");
		goto out;
	}
	switch (req.kind) {
	case CTL_REQ_INFO:
		put_info(f, vm);
		break;
	case CTL_REQ_STAT:
		put_stat(f, vm);
		break;
	case CTL_REQ_REGS:
		put_regs(f, vm);
		break;
	case CTL_REQ_PAUSE:
	case CTL_REQ_RESUME:
		if (req.kind == CTL_REQ_PAUSE)
			ret = vm__pause(vm);
		else if (gdb__holds(vm))
			ret = -EBUSY;	/* gdb thinks it stopped: its continue resumes */
		else if (vm__paused(vm))
			vm__resume(vm);
		if (ret) {
			fputs("\"ok\":false,\"error\":", f);
			ctl_json__put_string(f, ret == -EBUSY ? "a debugger holds the VM stopped: continue it from gdb" :
					     vm__pause_error(ret));
		} else {
			fprintf(f, "\"ok\":true,\"state\":\"%s\"", vm__paused(vm) ? "paused" : "running");
		}
		break;
	case CTL_REQ_STOP:
		fputs("\"ok\":true,\"state\":\"stopping\"", f);
		*stop = true;
		break;
	case CTL_REQ_POWERDOWN:
		ret = powerdown(vm, req.grace_s);
		if (ret) {
			fputs("\"ok\":false,\"error\":", f);
			ctl_json__put_string(f, ret == -ENODEV ?
					     "this VM has no power button (no interrupt controller, or a firmware): stop it with --force" :
					     strerror(-ret));
		} else {
			fprintf(f, "\"ok\":true,\"state\":\"powering-down\",\"grace_s\":%u",
				req.grace_s);
		}
		break;
	}
out:
	fputs("}\n", f);
	fclose(f);
	return reply;
}

static void drop(struct ctl_conn *c)
{
	if (c->fd < 0)
		return;
	loop__del(&c->ctl->vm->loop, c->fd);
	close(c->fd);
	c->fd = -1;
	c->len = 0;
}

/*
 * A reply, as much of it as the client takes in 2 s in all: the one time
 * the main loop waits on a client (a reply is small; a reader that slow
 * gets it cut).
 */
static void reply(struct ctl_conn *c, const char *line)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
	size_t len = strlen(line), off = 0;
	u64 deadline = monotonic_ns() + 2000000000ULL, now;
	ssize_t n;

	while (off < len) {
		n = send(c->fd, line + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			off += n;
			continue;
		}
		now = monotonic_ns();
		if ((n < 0 && errno != EAGAIN && errno != EINTR) || now >= deadline ||
		    poll(&pfd, 1, (deadline - now) / 1000000 + 1) < 0)
			break;
	}
}

static void on_conn(void *opaque, u32 events __unused)
{
	struct ctl_conn *c = opaque;
	struct vm *vm = c->ctl->vm;
	bool stop = false;
	size_t req_len;
	char *line;
	ssize_t n;

	/* a full buffer is TOO_LONG, so there is always room here */
	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {		/* gone mid-request: nothing to answer */
		drop(c);
		return;
	}
	c->len += n;
	switch (ctl_request__frame(c->buf, c->len, &req_len)) {
	case CTL_FRAME_MORE:
		return;
	case CTL_FRAME_TOO_LONG:
		reply(c, "{\"ok\":false,\"error\":\"a request is one line of at most 255 bytes\"}\n");
		drop(c);
		return;
	case CTL_FRAME_NUL:
		reply(c, "{\"ok\":false,\"error\":\"a request may not hold a NUL byte\"}\n");
		drop(c);
		return;
	case CTL_FRAME_LINE:
		break;
	}
	c->buf[req_len] = 0;		/* its '\r' or '\n': in the buffer */
	line = answer(vm, c->buf, &stop);
	reply(c, line ? line : "{\"ok\":false,\"error\":\"out of memory\"}\n");
	free(line);
	drop(c);
	if (stop) {
		pr_info("stopping the guest: vmm stop");
		vm__stop(vm, VMM_EXIT_STOPPED);
	}
}

static void on_accept(void *opaque, u32 events __unused)
{
	struct control *ctl = opaque;
	struct ctl_conn *c = NULL;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	unsigned int i;
	int fd;

	fd = accept4(ctl->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	/* the directory keeps others out; the peer's uid says so again */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    (cred.uid != geteuid() && cred.uid != 0)) {
		static const char no[] = "{\"ok\":false,\"error\":\"this VM is another user's\"}\n";

		if (send(fd, no, sizeof(no) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			pr_debug("control socket: %s", strerror(errno));
		close(fd);
		return;
	}
	/* a free slot, else the oldest connection's */
	for (i = 0; i < CTL_MAX_CONNS; i++) {
		struct ctl_conn *k = &ctl->conns[i];

		if (k->fd < 0) {
			c = k;
			break;
		}
		if (!c || k->seq < c->seq)
			c = k;
	}
	drop(c);
	c->fd = fd;
	c->seq = ++ctl->seq;
	if (loop__add(&ctl->vm->loop, fd, EPOLLIN, on_conn, c)) {
		close(fd);
		c->fd = -1;
	}
}

/*
 * The name's lock, <dir>/<name>.lock, held (flock) for the VM's life: 0,
 * or -1 after an error (another VM of that name holds it).  Whoever holds
 * it owns <name>.sock; a socket without a holder is stale.
 */
static int take_name(struct control *ctl, const char *dir, const char *name)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s.lock", dir, name) >= (int)sizeof(path)) {
		pr_err("control socket: %s/%s.lock: the path is too long", dir, name);
		return -1;
	}
	ctl->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (ctl->lock_fd < 0) {
		pr_err("control socket: %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(ctl->lock_fd, LOCK_EX | LOCK_NB)) {
		pr_err("a VM named %s is running (%s): give another --name", name, ctl->path);
		return -1;
	}
	return 0;
}

int control__open(struct vm *vm)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *name = vm->cfg->name;
	struct control *ctl;
	char dir[PATH_MAX];
	struct stat st;
	unsigned int i;
	int ret;

	/* the name is valid: options.c checked --name, guest-<pid> is */
	if (control_dir(dir, sizeof(dir)) || own_dir(dir))
		return -1;
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return -1;
	ctl->vm = vm;
	ctl->fd = ctl->lock_fd = ctl->grace_fd = -1;
	for (i = 0; i < CTL_MAX_CONNS; i++) {
		ctl->conns[i].fd = -1;
		ctl->conns[i].ctl = ctl;
	}
	if (socket_path(dir, name, ctl->path, sizeof(ctl->path))) {
		pr_err("control socket: %s/%s.sock: the path is too long", dir, name);
		goto fail;
	}
	if (take_name(ctl, dir, name))
		goto fail;
	/* the name is ours: a socket there is a crashed VM's */
	if (!unlink(ctl->path))
		pr_info("control socket: removed %s, left by a VM that is gone", ctl->path);
	memcpy(sa.sun_path, ctl->path, sizeof(ctl->path));
	ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (ctl->fd < 0 || bind(ctl->fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto fail_errno;
	if (lstat(ctl->path, &st) || chmod(ctl->path, 0600) || listen(ctl->fd, 8)) {
		unlink(ctl->path);
		goto fail_errno;
	}
	ctl->dev = st.st_dev;
	ctl->ino = st.st_ino;
	ret = loop__add(&vm->loop, ctl->fd, EPOLLIN, on_accept, ctl);
	if (ret) {
		unlink(ctl->path);
		pr_err("control socket %s: %s", ctl->path, strerror(-ret));
		goto fail;
	}
	vm->control = ctl;
	return 0;
fail_errno:
	pr_err("control socket %s: %s", ctl->path, strerror(errno));
fail:
	if (ctl->fd >= 0)
		close(ctl->fd);
	if (ctl->lock_fd >= 0)
		close(ctl->lock_fd);
	free(ctl);
	return -1;
}

void control__close(struct vm *vm)
{
	struct control *ctl = vm->control;
	struct stat st;
	unsigned int i;

	if (!ctl)
		return;
	for (i = 0; i < CTL_MAX_CONNS; i++)
		drop(&ctl->conns[i]);
	loop__del(&vm->loop, ctl->fd);
	close(ctl->fd);
	if (ctl->grace_fd >= 0) {
		loop__del(&vm->loop, ctl->grace_fd);
		close(ctl->grace_fd);
	}
	/* our socket only, and before the name is free for another VM */
	if (!lstat(ctl->path, &st) && st.st_dev == ctl->dev && st.st_ino == ctl->ino)
		unlink(ctl->path);
	close(ctl->lock_fd);
	free(ctl);
	vm->control = NULL;
}

/* ---- the commands -------------------------------------------------------------------- */

/*
 * Ask the VM at @path @req: its reply line, malloc'ed, in *@out; 0, or
 * -errno from connecting (ENOENT: no such VM; ECONNREFUSED: it is gone).
 */
static int ask(const char *path, const char *req, char **out)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	struct timeval tv = { .tv_sec = 10 };
	ssize_t n;
	int fd;

	*out = NULL;
	if (!buf)
		return -ENOMEM;
	fd = dial(path);
	if (fd < 0) {
		free(buf);
		return fd;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 || send(fd, "\n", 1, MSG_NOSIGNAL) < 0) {
		n = -errno;
		goto fail;
	}
	while ((n = recv(fd, buf + len, cap - 1 - len, 0)) > 0) {
		len += n;
		if (len == cap - 1) {
			char *more = cap < CTL_MAX_REPLY ? realloc(buf, cap * 2) : NULL;

			if (!more) {
				n = -EMSGSIZE;
				goto fail;
			}
			buf = more;
			cap *= 2;
		}
	}
	if (n < 0 || !len) {
		n = n < 0 ? (errno == EAGAIN ? -ETIMEDOUT : -errno) : -ECONNRESET;
		goto fail;
	}
	buf[len] = 0;
	close(fd);
	*out = buf;
	return 0;
fail:
	close(fd);
	free(buf);
	return n;
}

/*
 * The function a System.map names at or before @addr, as " <name+0xoff>",
 * or "": the text ('t', 'T') or weak ('w', 'W') symbol with the greatest
 * address not above it, the last of equals.
 */
static void symbolise(const char *map, u64 addr, char *out, size_t cap)
{
	char type, name[KSYM_NAME_LEN], best[KSYM_NAME_LEN] = "";
	char *line = NULL;
	size_t linecap = 0;
	u64 a, best_a = 0;
	FILE *f = fopen(map, "re");

	*out = 0;
	/* getline: a long line is one line, its tail never read as another */
	while (f && getline(&line, &linecap, f) > 0) {
		if (system_map__parse_line(line, &a, &type, name, sizeof(name)))
			continue;
		if ((type == 't' || type == 'T' || type == 'w' || type == 'W') &&
		    a <= addr && a >= best_a) {
			best_a = a;
			memcpy(best, name, strlen(name) + 1);
		}
	}
	free(line);
	if (f)
		fclose(f);
	if (*best)
		snprintf(out, cap, " <%s+0x%" PRIx64 ">", best, addr - best_a);
}

/* @s (from a reply) made safe to print: no control character reaches the terminal. */
static char *printable(char *s)
{
	for (char *c = s; *c; c++)
		if (!isprint((unsigned char)*c))
			*c = '?';
	return s;
}

/* The text of a reply, each "vcpu N: pc 0x..." line given its symbol. */
static void print_text(const char *text, const char *map)
{
	const char *line = text, *nl;
	unsigned long long pc;
	unsigned int id;
	char sym[KSYM_NAME_LEN + 32];

	for (; *line; line = *nl ? nl + 1 : nl) {
		nl = strchrnul(line, '\n');
		sym[0] = 0;
		if (map && sscanf(line, "vcpu %u: pc 0x%llx", &id, &pc) == 2)
			symbolise(map, pc, sym, sizeof(sym));
		for (const char *c = line; c < nl; c++)	/* no terminal escapes from a VM */
			putchar(isprint((unsigned char)*c) || *c == '\t' ? *c : '?');
		printf("%s\n", sym);
	}
}

static void list_usage(FILE *f)
{
	fputs("usage: vmm list [--json]\n"
	      "       vmm stop --name NAME [--force] [--grace DURATION] [--json]\n"
	      "       vmm pause --name NAME [--json]\n"
	      "       vmm resume --name NAME [--json]\n"
	      "       vmm stat --name NAME [--json]\n"
	      "       vmm debug --name NAME --dump [--system-map FILE] [--json]\n\n"
	      "Talk to running VMs through their control sockets ($XDG_RUNTIME_DIR/vmm,\n"
	      "/run/vmm for root, else /tmp/vmm-UID): list them (name, pid, state,\n"
	      "vCPUs, memory, uptime); stop one: its power button pressed (gpio-keys,\n"
	      "KEY_POWER: the guest powers off if something in it acts on that), and\n"
	      "if it has not in --grace (default 30 s) or with --force at once, a hard\n"
	      "stop (its vmm exits 5); pause its\n"
	      "vCPUs out of the guest, its virtual counter held still, and resume them;\n"
	      "its counters (time in the guest and exits per vCPU, resident memory);\n"
	      "every vCPU's registers (the VM paused for the moment of reading them),\n"
	      "PCs named from a System.map.  --json prints the VM's reply, one JSON\n"
	      "object (for list: {\"vms\":[...]}).\n", f);
}

void control__usage(FILE *f)
{
	list_usage(f);
}

static int cmd_list(bool json)
{
	static const char *const keys[] = {
		"name", "pid", "state", "vcpus", "memory_mib", "uptime_s",
	};
	char dir[PATH_MAX], path[PATH_MAX + 8], *reply, v[ARRAY_SIZE(keys)][128];
	struct dirent *e;
	bool first = true;
	DIR *d;
	size_t n, i;

	if (control_dir(dir, sizeof(dir)))
		return VMM_EXIT_ERROR;
	if (access(dir, F_OK)) {
		d = NULL;		/* no VM has run here yet */
	} else if (!dir_is_ours(dir)) {
		pr_err("list: %s is not a directory of this user's alone (0700): not asking what is in it",
		       dir);
		return VMM_EXIT_ERROR;
	} else {
		d = opendir(dir);
		if (!d) {
			pr_err("list: %s: %s", dir, strerror(errno));
			return VMM_EXIT_ERROR;
		}
	}
	if (json)
		fputs("{\"vms\":[", stdout);
	else
		printf("%-20s %8s %-8s %5s %8s %10s\n", "NAME", "PID", "STATE", "VCPUS", "MEMORY",
		       "UPTIME");
	while (d && (e = readdir(d))) {
		n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".sock"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		e->d_name[n - 5] = 0;		/* the name */
		if (ask(path, "info", &reply) == -ECONNREFUSED && gone(dir, e->d_name)) {
			unlink(path);		/* a VM that crashed */
			continue;
		}
		if (!reply || !ctl_reply__ok(reply)) {
			/* alive (its name held) but not answering */
			if (json)
				printf("%s{\"ok\":false,\"name\":\"%s\",\"state\":\"unresponsive\"}",
				       first ? "" : ",", e->d_name);
			else
				printf("%-20s %8s %-8s\n", e->d_name, "-", "unresponsive");
			first = false;
			free(reply);
			continue;
		}
		if (json) {
			printf("%s%.*s", first ? "" : ",", (int)strcspn(reply, "\n"), reply);
		} else {
			/* a field too long to show is shown cut */
			for (i = 0; i < ARRAY_SIZE(keys); i++) {
				int ret = ctl_reply__get(reply, keys[i], v[i], sizeof(v[i]));

				if (ret && ret != -ENOSPC)
					break;
				printable(v[i]);
			}
			if (i == ARRAY_SIZE(keys))
				printf("%-20s %8s %-8s %5s %5s MiB %8s s\n", v[0], v[1], v[2], v[3],
				       v[4], v[5]);
		}
		first = false;
		free(reply);
	}
	if (json)
		puts("]}");
	if (d)
		closedir(d);
	return 0;
}

int control__command(int argc, char **argv)
{
	const char *cmd = argv[0], *name = NULL, *map = NULL, *req;
	char dir[PATH_MAX], path[PATH_MAX + 80], *reply, *text, powerdown_req[32];
	bool json = false, dump = false, force = false;
	u64 grace = 30000000000ULL;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--dump") && !strcmp(cmd, "debug")) {
			dump = true;
		} else if (!strcmp(argv[i], "--force") && !strcmp(cmd, "stop")) {
			force = true;
		} else if (!strcmp(argv[i], "--grace") && !strcmp(cmd, "stop") && i + 1 < argc) {
			if (parse_duration(argv[++i], &grace) || grace < 1000000000ULL) {
				pr_err("stop: --grace %s: expected a duration of 1 s or more (30, 30s, 2m)",
				       argv[i]);
				return VMM_EXIT_USAGE;
			}
		} else if ((!strcmp(argv[i], "--name") || !strcmp(argv[i], "-n")) && i + 1 < argc) {
			name = argv[++i];
		} else if (!strcmp(argv[i], "--system-map") && !strcmp(cmd, "debug") && i + 1 < argc) {
			map = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			list_usage(stdout);
			return 0;
		} else {
			pr_err("%s: unknown option '%s' (see 'vmm help %s')", cmd, argv[i], cmd);
			return VMM_EXIT_USAGE;
		}
	}
	if (!strcmp(cmd, "list"))
		return cmd_list(json);
	if (!name) {
		pr_err("%s: which VM? give --name NAME (vmm list shows them)", cmd);
		return VMM_EXIT_USAGE;
	}
	if (!strcmp(cmd, "debug") && !dump) {
		pr_err("debug: give --dump (the registers of every vCPU)");
		return VMM_EXIT_USAGE;
	}
	if (map && access(map, R_OK)) {
		pr_err("debug: --system-map %s: %s", map, strerror(errno));
		return VMM_EXIT_ERROR;
	}
	if (!vm_name__valid(name)) {
		pr_err("%s: --name %s: no VM has such a name", cmd, name);
		return VMM_EXIT_ERROR;
	}
	req = !strcmp(cmd, "debug") ? "regs" : cmd;
	if (!strcmp(cmd, "stop") && !force) {
		snprintf(powerdown_req, sizeof(powerdown_req), "powerdown %u",
			 (unsigned int)(grace / 1000000000ULL));
		req = powerdown_req;
	}
	if (control_dir(dir, sizeof(dir)) || socket_path(dir, name, path, sizeof(path)))
		return VMM_EXIT_ERROR;
	if (!access(dir, F_OK) && !dir_is_ours(dir)) {
		pr_err("%s: %s is not a directory of this user's alone (0700): not talking to what is in it",
		       cmd, dir);
		return VMM_EXIT_ERROR;
	}
	ret = ask(path, req, &reply);
	if (ret == -ECONNREFUSED && gone(dir, name))
		unlink(path);
	else if (ret == -ECONNREFUSED)
		ret = -EBUSY;
	if (ret) {
		pr_err("%s: %s: %s", cmd, name,
		       ret == -ENOENT ? "no such VM (vmm list shows them)" :
		       ret == -ECONNREFUSED ? "that VM is gone (its stale socket is removed)" :
		       ret == -EBUSY ? "the VM does not answer (starting, or wedged)" :
		       ret == -EACCES || ret == -EPERM ? "permission denied: the VM is another user's" :
		       ret == -ECONNRESET ? "the VM closed the connection without replying" :
		       ret == -ETIMEDOUT ? "the VM did not answer in time" :
		       strerror(-ret));
		return VMM_EXIT_ERROR;
	}
	if (json) {
		fputs(reply, stdout);
	} else if (!ctl_reply__ok(reply)) {
		char err[256];

		ret = ctl_reply__get(reply, "error", err, sizeof(err));
		pr_err("%s: %s: %s", cmd, name,
		       ret && ret != -ENOSPC ? "a malformed reply" : printable(err));
	} else {
		/* a value is never longer than its reply */
		text = malloc(strlen(reply) + 1);
		if (text && !ctl_reply__get(reply, "text", text, strlen(reply) + 1))
			print_text(text, map);
		else if (text && !ctl_reply__get(reply, "state", text, strlen(reply) + 1))
			printf("%s: %s\n", name, printable(text));
		free(text);
	}
	ret = ctl_reply__ok(reply) ? 0 : VMM_EXIT_ERROR;
	free(reply);
	return ret;
}
