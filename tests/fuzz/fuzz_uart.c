// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_uart.c - a fuzz harness for the 8250 UART (devices/uart8250.c):
 * register reads and writes through the MMIO bus, as a vCPU's exits make
 * them, and input from the console, against a fake VM whose irq_line
 * records the interrupt line.
 *
 * An input is a sequence of operations, each one byte then its operands:
 *
 *	bits 0-1 = 0	a read at the UART's base + bits 2-5 (0 to 15: past
 *			its 8 bytes the bus has nothing), of 1 << bits 6-7
 *			bytes
 *	bits 0-1 = 1	a write there, of the next 1 << bits 6-7 bytes
 *			(little-endian; fewer where the input ends)
 *	bits 0-1 = 2	receive(): the next byte is a count, then as many
 *			bytes (fewer where the input ends)
 *	bits 0-1 = 3	receive() of the next bits 2-7 bytes (0 to 63)
 *
 * Each operation is checked against a model of the 16550A the file
 * implements (abort() on a violation, which libFuzzer reports): every
 * read's value (the bytes above the first zero); IER, LCR, MCR, SCR and
 * the divisor as written; the receive FIFO: at most 64 bytes, taken in
 * order, receive() taking what fits, FCR clearing it, loopback feeding
 * it; LSR's THRE and TEMT always set, DR exactly when the FIFO holds a
 * byte; IIR the highest pending enabled interrupt (received data, then
 * THR empty, which a read of IIR that reports it clears), bits 6-7 as
 * FCR's enable; MSR the modem lines, or in loopback MCR's outputs.  The
 * interrupt line: raised or lowered only when it changes, on the UART's
 * SPI, and after each operation high exactly when an interrupt IER
 * enables is pending.  Transmitted bytes (not in loopback) reach the
 * output fd, in order, and nothing else does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../vmm/vmm.h"

#define BASE		0x1000000ULL
#define INTID		33
#define FIFO		64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __printf(1, 2) __noreturn fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz_uart: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* console.c's Ctrl-A x stops the VM; the UART alone never does. */
void vm__stop(struct vm *vm __unused, int status)
{
	fail("vm__stop(%d) called", status);
}

/* ---- the fake VM's interrupt line ---------------------------------------------- */

static int line = 0;		/* what the UART last set */

static void irq_line(struct vm *vm __unused, unsigned int intid, int level)
{
	if (intid != INTID)
		fail("interrupt %u raised, the UART's is %u", intid, INTID);
	if (level != 0 && level != 1)
		fail("interrupt line set to %d", level);
	if (level == line)
		fail("interrupt line set to %d again", level);
	line = level;
}

/* ---- the model ----------------------------------------------------------------- */

struct model {
	u8		ier, lcr, mcr, scr, dll, dlm, fcr;
	bool		thr_pending;
	u8		fifo[FIFO];
	unsigned int	head, count;
	u8		out[65536];	/* bytes transmitted, not yet read from the fd */
	size_t		nr_out;
};

static u8 pending(const struct model *m)
{
	if ((m->ier & 0x01) && m->count)
		return 0x04;
	if ((m->ier & 0x02) && m->thr_pending)
		return 0x02;
	return 0x01;
}

static bool push(struct model *m, u8 c)
{
	if (m->count == FIFO)
		return false;
	m->fifo[(m->head + m->count++) % FIFO] = c;
	return true;
}

static u8 model_read(struct model *m, unsigned int off)
{
	u8 v = 0;

	switch (off) {
	case 0:
		if (m->lcr & 0x80) {
			v = m->dll;
		} else if (m->count) {
			v = m->fifo[m->head];
			m->head = (m->head + 1) % FIFO;
			m->count--;
		}
		break;
	case 1:
		v = m->lcr & 0x80 ? m->dlm : m->ier;
		break;
	case 2:
		v = pending(m);
		if (v == 0x02)
			m->thr_pending = false;
		if (m->fcr & 1)
			v |= 0xc0;
		break;
	case 3:
		v = m->lcr;
		break;
	case 4:
		v = m->mcr;
		break;
	case 5:
		v = 0x60 | (m->count ? 1 : 0);
		break;
	case 6:
		if (!(m->mcr & 0x10))
			v = 0xb0;		/* DCD, DSR, CTS */
		else
			v = (m->mcr & 0x02 ? 0x10 : 0) | (m->mcr & 0x01 ? 0x20 : 0) |
			    (m->mcr & 0x04 ? 0x40 : 0) | (m->mcr & 0x08 ? 0x80 : 0);
		break;
	case 7:
		v = m->scr;
		break;
	}
	return v;
}

static void model_write(struct model *m, unsigned int off, u8 v)
{
	switch (off) {
	case 0:
		if (m->lcr & 0x80) {
			m->dll = v;
			break;
		}
		if (m->mcr & 0x10)
			push(m, v);
		else if (m->nr_out < sizeof(m->out))
			m->out[m->nr_out++] = v;
		m->thr_pending = true;
		break;
	case 1:
		if (m->lcr & 0x80) {
			m->dlm = v;
			break;
		}
		if ((v & 0x02) && !(m->ier & 0x02))
			m->thr_pending = true;
		m->ier = v & 0x0f;
		break;
	case 2:
		m->fcr = v & 1;
		if (v & 2)
			m->count = 0;
		break;
	case 3:
		m->lcr = v;
		break;
	case 4:
		m->mcr = v & 0x1f;
		break;
	case 7:
		m->scr = v;
		break;
	}
}

/* ---- driving it ------------------------------------------------------------------ */

static int out_r = -1, out_w = -1;	/* the UART's output: a pipe, read back */

static void check_output(struct model *m)
{
	u8 buf[sizeof(m->out) + 1];
	ssize_t n = read(out_r, buf, sizeof(buf));

	if (n < 0 && errno != EAGAIN)
		fail("reading the output: %s", strerror(errno));
	if (n < 0)
		n = 0;
	if ((size_t)n != m->nr_out || memcmp(buf, m->out, n))
		fail("%zd bytes transmitted, %zu written to THR", n, m->nr_out);
	m->nr_out = 0;
}

static void check_line(const struct model *m, const char *after)
{
	int want = pending(m) != 0x01;

	if (line != want)
		fail("after %s: the interrupt line is %d, IER 0x%02x, %u bytes in, THRE %spending",
		     after, line, m->ier, m->count, m->thr_pending ? "" : "not ");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct mmio_ops ops = {
		.read = uart8250__read, .write = uart8250__write,
	};
	struct model *m = calloc(1, sizeof(*m));
	const u8 *p = data, *end = data + size;
	struct vm vm = { .irq_line = irq_line };
	struct uart8250 *u;
	int fds[2];

	if (!m)
		abort();
	if (out_r < 0) {
		if (pipe2(fds, O_NONBLOCK | O_CLOEXEC))
			fail("pipe2: %s", strerror(errno));
		out_r = fds[0];
		out_w = fds[1];
		fcntl(out_w, F_SETPIPE_SZ, 1 << 20);
	}
	mmio_bus__init(&vm.bus);
	u = uart8250__new(&vm, BASE, INTID, out_w);
	if (!u || mmio_bus__register(&vm.bus, BASE, 8, "uart8250", &ops, u))
		fail("no UART");
	line = 0;
	m->mcr = 0x08;			/* OUT2, as uart8250__new() leaves it */

	while (p < end) {
		u8 op = *p++, buf[8] = { 0 }, want = 0, in[256];
		unsigned int off = (op >> 2) & 0xf, width = 1u << (op >> 6), i, n;
		bool in_uart = off + width <= 8;
		size_t took;

		switch (op & 3) {
		case 0:
			memset(buf, 0xa5, sizeof(buf));
			if (in_uart)
				want = model_read(m, off);
			mmio_bus__access(&vm.bus, BASE + off, buf, width, false);
			if (buf[0] != want)
				fail("read of %u at %u: 0x%02x, the model 0x%02x", width, off, buf[0],
				     want);
			for (i = 1; i < width; i++)
				if (buf[i])
					fail("read of %u at %u: byte %u is 0x%02x", width, off, i,
					     buf[i]);
			if (in_uart && off == 5 && (buf[0] & 0x60) != 0x60)
				fail("LSR 0x%02x: THR not empty", buf[0]);
			if (in_uart && off == 2 && (buf[0] & 0x30))
				fail("IIR 0x%02x", buf[0]);
			break;
		case 1:
			n = (size_t)(end - p) < width ? (unsigned int)(end - p) : width;
			memcpy(buf, p, n);
			p += n;
			if (in_uart)
				model_write(m, off, buf[0]);
			mmio_bus__access(&vm.bus, BASE + off, buf, width, true);
			if (in_uart && off == 0)
				check_output(m);
			break;
		default:
			if ((op & 3) == 2)
				n = p < end ? *p++ : 0;
			else
				n = op >> 2;
			if (n > (size_t)(end - p))
				n = end - p;
			memcpy(in, p, n);
			p += n;
			took = uart8250__receive(u, in, n);
			for (i = 0; i < took; i++)
				if (!push(m, in[i]))
					fail("receive took %zu of %u bytes, room for %u", took, n, i);
			if (took < n && m->count < FIFO)
				fail("receive took %zu of %u bytes with room", took, n);
			break;
		}
		check_line(m, (op & 3) == 0 ? "a read" : (op & 3) == 1 ? "a write" : "receive");
	}
	check_output(m);
	uart8250__free(u);
	free(m);
	return 0;
}
