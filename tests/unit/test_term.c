// SPDX-License-Identifier: GPL-2.0
/*
 * test_term.c - console input: Ctrl-A escapes, and handing bytes to the
 * console device (a UART here) through the VM's console backend.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "../../vmm/term.h"
#include "../../vmm/vmm.h"
#include "unit.h"

static struct term_input in;
static int fds[2];		/* stdin stand-in: the vmm reads fds[0] */
static struct vm vm;
static struct uart8250 *uart;

static void stub_irq_line(struct vm *v __unused, unsigned int intid __unused,
			  int level __unused)
{
}

static size_t uart_receive(void *opaque, const u8 *buf, size_t len)
{
	return uart8250__receive(opaque, buf, len);
}

static const struct console_ops uart_ops = { .receive = uart_receive };

static void setup(void)
{
	ck_assert_int_eq(pipe2(fds, O_NONBLOCK), 0);
	term_input__init(&in, fds[0]);
	memset(&vm, 0, sizeof(vm));
	console__init(&vm.console, -1, -1);
	vm.irq_line = stub_irq_line;
	uart = NULL;
}

/* A UART as the VM's console device. */
static void new_console_uart(void)
{
	uart = uart8250__new(&vm, 0x1000000, 32, -1);
	ck_assert_ptr_nonnull(uart);
	ck_assert_int_eq(console__attach(&vm, &uart_ops, uart, NULL), 0);
}

static void teardown(void)
{
	uart8250__free(uart);
	close(fds[0]);
	close(fds[1]);
}

static enum term_result filter(const char *s, size_t len)
{
	return term_input__filter(&in, (const uint8_t *)s, len);
}

#define FILTER(s)	filter(s, sizeof(s) - 1)

/* The pending bytes are exactly @s. */
#define ck_pending(s)							\
	do {								\
		ck_assert_uint_eq(in.pending_len, sizeof(s) - 1);	\
		ck_assert_mem_eq(in.pending + in.pending_off, s,	\
				 sizeof(s) - 1);			\
	} while (0)

static u8 uart_rbr(void)
{
	u8 v = 0xee;

	uart8250__read(uart, 0, &v, 1);
	return v;
}

static u8 uart_lsr(void)
{
	u8 v = 0xee;

	uart8250__read(uart, 5, &v, 1);
	return v;
}

/* ---- term_input__init --------------------------------------------------- */

START_TEST(term_init_pipe)
{
	ck_assert_int_eq(in.fd, fds[0]);
	ck_assert(in.open);
	ck_assert(!in.escapes);		/* not a terminal */
	ck_assert(!in.saw_escape);
	ck_assert_uint_eq(in.pending_len, 0);
}
END_TEST

START_TEST(term_init_closed_fd)
{
	int fd = dup(fds[0]);

	ck_assert_int_ge(fd, 0);
	close(fd);
	term_input__init(&in, fd);
	ck_assert(!in.open);
	ck_assert(!in.escapes);
}
END_TEST

/* ---- term_input__filter with escapes on --------------------------------- */

START_TEST(term_plain_bytes_pass)
{
	in.escapes = true;
	ck_assert_int_eq(FILTER("hello\r\n\x03"), TERM_OK);
	ck_pending("hello\r\n\x03");
	ck_assert_uint_eq(in.pending_off, 0);
}
END_TEST

START_TEST(term_ctrl_a_x_quits)
{
	in.escapes = true;
	ck_assert_int_eq(FILTER("ab\x01x"), TERM_QUIT);
}
END_TEST

START_TEST(term_ctrl_a_upper_x_quits)
{
	in.escapes = true;
	ck_assert_int_eq(FILTER("\x01X"), TERM_QUIT);
}
END_TEST

START_TEST(term_ctrl_a_ctrl_a)
{
	in.escapes = true;
	ck_assert_int_eq(FILTER("a\x01\x01" "b"), TERM_OK);
	ck_pending("a\x01" "b");
	ck_assert(!in.saw_escape);
}
END_TEST

START_TEST(term_ctrl_a_other_key)
{
	/* Ctrl-A then any other key: the key passes, the escape does not */
	in.escapes = true;
	ck_assert_int_eq(FILTER("\x01y"), TERM_OK);
	ck_pending("y");
}
END_TEST

START_TEST(term_escape_split_across_reads)
{
	in.escapes = true;
	ck_assert_int_eq(FILTER("ab\x01"), TERM_OK);
	ck_pending("ab");
	ck_assert(in.saw_escape);
	ck_assert_int_eq(FILTER("x"), TERM_QUIT);
}
END_TEST

START_TEST(term_ctrl_a_ctrl_a_split)
{
	in.escapes = true;
	ck_assert_int_eq(FILTER("\x01"), TERM_OK);
	ck_assert_uint_eq(in.pending_len, 0);
	ck_assert_int_eq(FILTER("\x01z"), TERM_OK);
	ck_pending("\x01z");
}
END_TEST

START_TEST(term_x_alone_passes)
{
	in.escapes = true;
	ck_assert_int_eq(FILTER("x\x01\x01x"), TERM_OK);
	ck_pending("x\x01x");
}
END_TEST

START_TEST(term_filter_full_buffer)
{
	char buf[TERM_BUF_SIZE];

	in.escapes = true;
	memset(buf, 'q', sizeof(buf));
	ck_assert_int_eq(filter(buf, sizeof(buf)), TERM_OK);
	ck_assert_uint_eq(in.pending_len, TERM_BUF_SIZE);
}
END_TEST

/* ---- escapes off (not a terminal) --------------------------------------- */

START_TEST(term_escapes_off_pass_through)
{
	ck_assert(!in.escapes);
	ck_assert_int_eq(FILTER("\x01x"), TERM_OK);
	ck_pending("\x01x");
	ck_assert_int_eq(FILTER("\x01\x01"), TERM_OK);
	ck_pending("\x01x\x01\x01");	/* after what was pending */
}
END_TEST

/* A terminal read while keys are pending: the overflow is dropped, the
 * escape still seen. */
START_TEST(term_filter_appends_then_drops)
{
	char buf[TERM_BUF_SIZE];

	in.escapes = true;
	memset(buf, 'q', sizeof(buf));
	ck_assert_int_eq(filter(buf, 60), TERM_OK);
	in.pending_off = 10;		/* the device took 10 */
	in.pending_len = 50;
	ck_assert_int_eq(filter(buf, 20), TERM_OK);
	ck_assert_uint_eq(in.pending_off, 0);
	ck_assert_uint_eq(in.pending_len, TERM_BUF_SIZE);
	ck_assert_uint_eq(in.dropped, 6);
	ck_assert_int_eq(FILTER("zz\x01x"), TERM_QUIT);
	ck_assert_uint_eq(in.dropped, 8);
}
END_TEST

/* ---- term_input__flush -------------------------------------------------- */

START_TEST(term_flush_without_console_drops)
{
	ck_assert_int_eq(FILTER("abc"), TERM_OK);
	term_input__flush(&in, &vm.console);
	ck_assert_uint_eq(in.pending_len, 0);
}
END_TEST

START_TEST(term_flush_to_uart)
{
	new_console_uart();
	ck_assert_int_eq(FILTER("abc"), TERM_OK);
	term_input__flush(&in, &vm.console);
	ck_assert_uint_eq(in.pending_len, 0);
	ck_assert_uint_eq(uart_rbr(), 'a');
	ck_assert_uint_eq(uart_rbr(), 'b');
	ck_assert_uint_eq(uart_rbr(), 'c');
	ck_assert_uint_eq(uart_lsr() & 0x01, 0);
}
END_TEST

START_TEST(term_flush_keeps_what_fifo_refuses)
{
	u8 fill[62];
	unsigned int i;

	new_console_uart();
	memset(fill, '.', sizeof(fill));
	ck_assert_uint_eq(uart8250__receive(uart, fill, sizeof(fill)), 62);

	ck_assert_int_eq(FILTER("abcd"), TERM_OK);
	term_input__flush(&in, &vm.console);
	ck_pending("cd");

	for (i = 0; i < 62; i++)
		ck_assert_uint_eq(uart_rbr(), '.');
	ck_assert_uint_eq(uart_rbr(), 'a');
	term_input__flush(&in, &vm.console);
	ck_assert_uint_eq(in.pending_len, 0);
	ck_assert_uint_eq(uart_rbr(), 'b');
	ck_assert_uint_eq(uart_rbr(), 'c');
	ck_assert_uint_eq(uart_rbr(), 'd');
}
END_TEST

/* ---- term_input__read --------------------------------------------------- */

START_TEST(term_read_pipe_to_uart)
{
	new_console_uart();
	ck_assert_int_eq(write(fds[1], "\x01x", 2), 2);
	ck_assert_int_eq(term_input__read(&in, &vm.console), TERM_OK);
	ck_assert(in.open);
	ck_assert_uint_eq(uart_rbr(), 0x01);
	ck_assert_uint_eq(uart_rbr(), 'x');
}
END_TEST

START_TEST(term_read_escape_quits)
{
	in.escapes = true;
	ck_assert_int_eq(write(fds[1], "ls\x01x", 4), 4);
	ck_assert_int_eq(term_input__read(&in, &vm.console), TERM_QUIT);
}
END_TEST

START_TEST(term_read_nothing_yet)
{
	ck_assert_int_eq(term_input__read(&in, &vm.console), TERM_OK);
	ck_assert(in.open);
}
END_TEST

START_TEST(term_read_eof_closes)
{
	close(fds[1]);
	fds[1] = -1;
	ck_assert_int_eq(term_input__read(&in, &vm.console), TERM_OK);
	ck_assert(!in.open);
}
END_TEST

Suite *term_suite(void)
{
	Suite *s = suite_create("term");

#define T(fn)	UNIT_TEST_FIXTURE(s, fn, setup, teardown)
	T(term_init_pipe);
	T(term_init_closed_fd);
	T(term_plain_bytes_pass);
	T(term_ctrl_a_x_quits);
	T(term_ctrl_a_upper_x_quits);
	T(term_ctrl_a_ctrl_a);
	T(term_ctrl_a_other_key);
	T(term_escape_split_across_reads);
	T(term_ctrl_a_ctrl_a_split);
	T(term_x_alone_passes);
	T(term_filter_full_buffer);
	T(term_escapes_off_pass_through);
	T(term_filter_appends_then_drops);
	T(term_flush_without_console_drops);
	T(term_flush_to_uart);
	T(term_flush_keeps_what_fifo_refuses);
	T(term_read_pipe_to_uart);
	T(term_read_escape_quits);
	T(term_read_nothing_yet);
	T(term_read_eof_closes);
#undef T
	return s;
}
