// SPDX-License-Identifier: GPL-2.0
/*
 * console.c - the console backend the VM owns: stdin and stdout on one
 * side, whichever console device attached itself (8250 or virtio-console)
 * on the other.  Input goes through term.c's Ctrl-A filter; bytes the
 * device cannot take yet are retried by a timer, so stdin is not read
 * faster than the guest drains it.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "vmm.h"

#define CONSOLE_RETRY_NS	(10 * 1000 * 1000)

void console__init(struct console *con, int in_fd, int out_fd)
{
	memset(con, 0, sizeof(*con));
	con->out_fd = out_fd;
	con->log_fd = -1;
	con->timer_fd = -1;
	term_input__init(&con->in, in_fd);
}

/* All of @iov (@n buffers, a copy of the caller's) to @fd, or as much as it takes. */
static void write_all(int fd, struct iovec *iov, unsigned int n)
{
	ssize_t done;

	while (n) {
		done = writev(fd, iov, n);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return;
		while (n && (size_t)done >= iov->iov_len) {
			done -= iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (u8 *)iov->iov_base + done;
			iov->iov_len -= done;
		}
	}
}

void console__output(struct console *con, const struct iovec *iov, unsigned int n)
{
	struct iovec copy[CONSOLE_MAX_IOV];

	if (n > ARRAY_SIZE(copy))
		n = ARRAY_SIZE(copy);
	memcpy(copy, iov, n * sizeof(*iov));
	write_all(con->out_fd, copy, n);
	if (con->log_fd >= 0) {
		memcpy(copy, iov, n * sizeof(*iov));
		write_all(con->log_fd, copy, n);
	}
}

int console__attach(struct vm *vm, const struct console_ops *ops, void *opaque,
		    const char *dt_path)
{
	struct console *con = &vm->console;

	if (con->ops)
		return -EBUSY;
	con->ops = ops;
	con->opaque = opaque;
	snprintf(con->dt_path, sizeof(con->dt_path), "%s", dt_path ? dt_path : "");
	return 0;
}

void console__detach(struct vm *vm, void *opaque)
{
	struct console *con = &vm->console;

	if (con->opaque != opaque)
		return;
	con->ops = NULL;
	con->opaque = NULL;
	con->dt_path[0] = '\0';
}

size_t console__receive(struct console *con, const u8 *buf, size_t len)
{
	if (!con->ops)
		return len;	/* no console device: input is dropped */
	return con->ops->receive(con->opaque, buf, len);
}

static void on_input(void *opaque, u32 events);

/* Watch stdin, or stop watching it (an unpollable stdin never is). */
static void watch_input(struct vm *vm, bool on)
{
	struct console *con = &vm->console;

	if (on == con->watching || con->unpollable)
		return;
	if (on) {
		struct itimerspec its = { .it_value.tv_nsec = CONSOLE_RETRY_NS };
		int ret = loop__add(&vm->loop, con->in.fd, EPOLLIN, on_input, vm);

		con->watching = !ret;
		/* cannot watch it now (out of memory?): the timer tries again */
		if (ret) {
			pr_debug("watching stdin: %s", strerror(-ret));
			timerfd_settime(con->timer_fd, 0, &its, NULL);
		}
	} else {
		loop__del(&vm->loop, con->in.fd);
		con->watching = false;
	}
}

/*
 * After input was read or retried: bytes the device has no room for yet
 * are retried by the timer.  A pipe or a file is not read meanwhile, so
 * nothing is lost; a terminal is, so that Ctrl-A x always works.  A stdin
 * epoll cannot watch (a regular file, /dev/null) is always ready: the
 * timer paces reading it instead.
 */
static void wait_for_room(struct vm *vm)
{
	struct console *con = &vm->console;
	struct itimerspec its = { .it_value.tv_nsec = CONSOLE_RETRY_NS };
	bool pending = con->in.pending_len;

	if (con->in.open)
		watch_input(vm, !pending || con->in.escapes);
	else
		watch_input(vm, false);		/* EOF: the guest runs on without input */
	if (!pending) {
		if (!con->unpollable || !con->in.open)
			return;
		its.it_value.tv_nsec = 1;	/* read on at once */
	}
	timerfd_settime(con->timer_fd, 0, &its, NULL);
}

static void read_input(struct vm *vm)
{
	struct console *con = &vm->console;

	if (term_input__read(&con->in, con) == TERM_QUIT) {
		vm__stop(vm, VMM_EXIT_SIGNAL + SIGINT);
		return;
	}
	wait_for_room(vm);
}

static void on_input(void *opaque, u32 events __unused)
{
	read_input(opaque);
}

static void on_timer(void *opaque, u32 events __unused)
{
	struct vm *vm = opaque;
	struct console *con = &vm->console;
	u64 ticks;

	if (read(con->timer_fd, &ticks, sizeof(ticks)) < 0)
		return;
	if (con->in.pending_len)
		term_input__flush(&con->in, con);
	if (!con->in.pending_len && con->unpollable && con->in.open)
		read_input(vm);
	else
		wait_for_room(vm);
}

int console__start(struct vm *vm)
{
	struct console *con = &vm->console;
	int ret;

	if (!con->in.open)
		return 0;
	con->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (con->timer_fd < 0)
		return -errno;
	ret = loop__add(&vm->loop, con->timer_fd, EPOLLIN, on_timer, vm);
	if (ret)
		return ret;
	ret = loop__add(&vm->loop, con->in.fd, EPOLLIN, on_input, vm);
	if (ret == -EPERM) {
		con->unpollable = true;
		wait_for_room(vm);
		return 0;
	}
	con->watching = !ret;
	return ret;
}

void console__stop(struct vm *vm)
{
	struct console *con = &vm->console;

	if (con->in.dropped)
		pr_warn("%lu keys typed while the guest took no input were dropped",
			con->in.dropped);
	if (con->timer_fd >= 0) {
		watch_input(vm, false);
		loop__del(&vm->loop, con->timer_fd);
		close(con->timer_fd);
		con->timer_fd = -1;
	}
}
