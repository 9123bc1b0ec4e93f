// SPDX-License-Identifier: GPL-2.0
/* term.c - raw mode for the controlling terminal; console input escapes. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "term.h"
#include "vmm.h"

static struct termios saved;
static int saved_fd = -1;

void term_restore(void)
{
	if (saved_fd >= 0) {
		tcsetattr(saved_fd, TCSAFLUSH, &saved);
		saved_fd = -1;
	}
}

void term_raw(int fd)
{
	static bool registered;
	struct termios t;

	if (!isatty(fd) || tcgetattr(fd, &saved))
		return;
	t = saved;
	/* Keys go to the guest as typed; output processing stays on. */
	t.c_iflag &= ~(ICRNL | INLCR | IGNCR | IXON | ISTRIP);
	t.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSAFLUSH, &t))
		return;
	saved_fd = fd;
	if (!registered) {
		atexit(term_restore);
		registered = true;
	}
}

static bool fd_valid(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

void term_input__init(struct term_input *in, int fd)
{
	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->open = fd_valid(fd);
	in->escapes = isatty(fd);
}

/* Queue one key for the console device, or drop it if there is no room. */
static void put(struct term_input *in, uint8_t c)
{
	if (in->pending_len < TERM_BUF_SIZE)
		in->pending[in->pending_len++] = c;
	else
		in->dropped++;
}

enum term_result term_input__filter(struct term_input *in, const uint8_t *buf,
				    size_t len)
{
	size_t i;

	/* what is still pending moves to the front; new bytes go after it */
	memmove(in->pending, in->pending + in->pending_off, in->pending_len);
	in->pending_off = 0;
	for (i = 0; i < len && i < TERM_BUF_SIZE; i++) {
		uint8_t c = buf[i];

		if (!in->escapes) {
			put(in, c);
			continue;
		}
		if (in->saw_escape) {
			in->saw_escape = false;
			if (c == 'x' || c == 'X')
				return TERM_QUIT;
			/* Ctrl-A Ctrl-A is a literal Ctrl-A; others pass through */
			put(in, c);
			continue;
		}
		if (c == TERM_ESCAPE)
			in->saw_escape = true;
		else
			put(in, c);
	}
	return TERM_OK;
}

void term_input__flush(struct term_input *in, struct console *con)
{
	size_t n;

	n = console__receive(con, in->pending + in->pending_off, in->pending_len);
	in->pending_off += n;
	in->pending_len -= n;
}

enum term_result term_input__read(struct term_input *in, struct console *con)
{
	uint8_t buf[TERM_BUF_SIZE];
	ssize_t n;

	n = read(in->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return TERM_OK;
	if (n <= 0) {
		/* EOF or a closed stdin: the guest runs on without input. */
		in->open = false;
		return TERM_OK;
	}
	if (term_input__filter(in, buf, n) == TERM_QUIT)
		return TERM_QUIT;
	term_input__flush(in, con);
	return TERM_OK;
}
