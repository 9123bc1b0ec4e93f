// SPDX-License-Identifier: GPL-2.0
/*
 * gen_uart_corpus.c - writes fuzz_uart's seed corpus: gen_uart_corpus DIR.
 *
 * Each seed is a sequence of fuzz_uart's operations (register reads and
 * writes, console input) as Linux's 8250 driver and earlycon program the
 * UART: autoconfig's probes (IER, the EFR probe, FIFOs, loopback, the
 * scratch register), set_termios for 115200 8N1, interrupt-driven
 * transmit and receive, polled earlycon output; and the edges: a full
 * FIFO, FIFO clears, loopback past the FIFO, the divisor latch, wide
 * and misplaced accesses, THRI enabled twice, both interrupts at once.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

enum { RX = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

static unsigned char buf[8192];
static size_t len;
static const char *dir;
static int failed;

static void op(unsigned char b)
{
	if (len < sizeof(buf))
		buf[len++] = b;
}

/* a read of 1, 2, 4 or 8 bytes at @off */
static void rdw(unsigned int off, unsigned int width)
{
	op((off << 2) | (width == 8 ? 3 : width == 4 ? 2 : width == 2 ? 1 : 0) << 6);
}

static void rd(unsigned int off)
{
	rdw(off, 1);
}

static void wrw(unsigned int off, unsigned int width, const void *v)
{
	unsigned int i;

	op((off << 2) | 1 | (width == 8 ? 3 : width == 4 ? 2 : width == 2 ? 1 : 0) << 6);
	for (i = 0; i < width; i++)
		op(((const unsigned char *)v)[i]);
}

static void wr(unsigned int off, unsigned char v)
{
	wrw(off, 1, &v);
}

/* console input: a count byte and the bytes */
static void rx(const char *s, size_t n)
{
	op(2);
	op(n);
	while (n--)
		op(*s++);
}

static void put(const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || (len && fwrite(buf, 1, len, f) != len) || fclose(f)) {
		fprintf(stderr, "gen_uart_corpus: %s: %s\n", path, strerror(errno));
		failed = 1;
	}
	len = 0;
}

/* serial8250's autoconfig(): what is there, by writing and reading back */
static void autoconfig(void)
{
	rd(IER);
	wr(IER, 0x00);
	rd(IER);
	wr(IER, 0x0f);
	rd(IER);
	wr(IER, 0x00);
	rd(LCR);
	wr(LCR, 0xbf);			/* the EFR probe: a 16650 has EFR at 2 */
	wr(FCR, 0x00);
	rd(IIR);
	wr(LCR, 0x00);
	wr(FCR, 0x01);			/* FIFOs on: a 16550A reads IIR 0xc0 */
	rd(IIR);
	wr(FCR, 0x07);
	wr(FCR, 0x00);
	rd(MCR);
	wr(MCR, 0x10);			/* loopback: MSR's top nibble is MCR's */
	rd(MSR);
	wr(MCR, 0x1f);
	rd(MSR);
	wr(MCR, 0x08);
	wr(SCR, 0xa5);
	rd(SCR);
	wr(SCR, 0x5a);
	rd(SCR);
}

/* serial8250_do_set_termios(): 115200 8N1, FIFOs, interrupts */
static void set_termios(void)
{
	wr(LCR, 0x83);
	wr(RX, 0x01);			/* DLL: 1843200 / 16 / 115200 */
	wr(IER, 0x00);			/* DLM */
	wr(LCR, 0x03);
	wr(FCR, 0xc7);
	wr(MCR, 0x0b);			/* DTR, RTS, OUT2 */
	wr(IER, 0x05);			/* RDI, RLSI */
	rd(LSR);
	rd(RX);
	rd(IIR);
	rd(MSR);
}

static void tx_irq(const char *s)
{
	wr(IER, 0x07);			/* THRI: raised at once, THR is empty */
	rd(IIR);
	for (; *s; s++) {
		rd(LSR);
		wr(RX, *s);
	}
	rd(IIR);
	wr(IER, 0x05);
	rd(IIR);
}

static void rx_irq(size_t n)
{
	rd(IIR);
	while (n--) {
		rd(LSR);
		rd(RX);
	}
	rd(LSR);
	rd(IIR);
}

int main(int argc, char **argv)
{
	static const char text[] = "[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]\r\n";
	static const char many[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+-*/"
				   "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_uart_corpus DIR\n");
		return 2;
	}
	dir = argv[1];

	autoconfig();
	put("linux-autoconfig");
	set_termios();
	put("linux-set-termios");
	set_termios();
	tx_irq(text);
	put("linux-tx-irq");
	set_termios();
	rx("root\n", 5);
	rx_irq(5);
	put("linux-rx-irq");
	set_termios();
	wr(IER, 0x07);
	rx("ls -l\n", 6);
	rd(IIR);			/* received data first */
	rx_irq(6);
	rd(IIR);			/* then THR empty */
	rd(IIR);
	put("linux-rx-and-tx");
	for (i = 0; text[i]; i++) {
		rd(LSR);
		wr(RX, text[i]);
	}
	put("earlycon-polled");
	autoconfig();
	set_termios();
	tx_irq("login: ");
	rx("root\r", 5);
	rx_irq(5);
	tx_irq("Password: ");
	put("linux-session");

	wr(IER, 0x01);
	rx(many, sizeof(many) - 1);	/* 102 bytes: 64 taken */
	for (i = 0; i < 66; i++)
		rd(RX);
	put("rx-overflow");
	rx("0123456789", 10);
	wr(FCR, 0x07);
	rd(LSR);
	rd(RX);
	put("fifo-clear");
	op((20 << 2) | 3);		/* the short receive: 20 bytes */
	for (i = 0; i < 20; i++)
		op('a' + i);
	rd(LSR);
	rd(RX);
	put("rx-short");

	wr(MCR, 0x1f);
	wr(RX, 'a');
	wr(RX, 'b');
	rd(LSR);
	rd(RX);
	rd(RX);
	rd(MSR);
	wr(MCR, 0x12);
	rd(MSR);
	wr(MCR, 0x15);
	rd(MSR);
	put("loopback");
	wr(MCR, 0x10);
	wr(IER, 0x03);
	for (i = 0; i < 70; i++)
		wr(RX, i);
	rd(IIR);
	rd(LSR);
	put("loopback-overflow");

	wr(LCR, 0x80);
	rd(RX);
	rd(IER);
	wr(RX, 0x0c);
	wr(IER, 0x00);
	rd(RX);
	rd(IER);
	rx("x", 1);
	rd(RX);				/* the divisor, not the byte */
	wr(LCR, 0x03);
	rd(IER);
	rd(RX);
	put("divisor-latch");

	rdw(RX, 4);
	rdw(RX, 8);
	rdw(MSR, 2);
	rdw(MSR, 4);			/* past the UART's 8 bytes: nothing there */
	rdw(8, 1);
	rdw(15, 8);
	wrw(RX, 4, "ABCD");
	wrw(RX, 8, "EFGHIJKL");
	wrw(LSR, 2, "\xff\xff");
	wrw(12, 4, "\x01\x02\x03\x04");
	rd(LSR);
	put("wide-and-outside");

	wr(IER, 0x02);
	rd(IIR);
	wr(IER, 0x02);			/* enabled already: not raised again */
	rd(IIR);
	wr(IER, 0x00);
	wr(IER, 0x02);			/* enabled anew: raised */
	rd(IIR);
	put("thri-twice");
	wr(IER, 0xff);
	rd(IER);
	wr(MCR, 0xff);
	rd(MCR);
	wr(LCR, 0xff);
	rd(LCR);
	rd(IER);
	put("high-bits");
	put("empty");

	wr(LCR, 0x83);			/* 9600: divisor 12 */
	wr(RX, 12);
	wr(IER, 0);
	rd(RX);
	rd(IER);
	wr(LCR, 0x1b);			/* 8E1, DLAB off */
	rd(LCR);
	rd(IER);
	put("divisor-9600");
	wr(FCR, 0x01);
	rd(IIR);
	wr(FCR, 0x00);
	rd(IIR);
	wr(IER, 0x01);
	rx("q", 1);
	rd(IIR);
	wr(FCR, 0x06);			/* clear, FIFOs off */
	rd(IIR);
	put("iir-fifo-bits");
	for (i = 0; i < 16; i++) {
		wr(MCR, 0x10 | i);
		rd(MSR);
	}
	wr(MCR, 0x0f);
	rd(MSR);
	put("msr-every-mcr");
	for (i = 0; i < 8; i++) {
		wr(IER, i & 1 ? 0x07 : 0x00);
		rx("z", 1);
		rd(IIR);
		rd(RX);
	}
	put("ier-toggling");
	wr(IER, 0x01);
	op(2);
	op(255);
	for (i = 0; i < 255; i++)
		op(i);
	rd(LSR);
	for (i = 0; i < 8; i++)
		rdw(RX, 8);
	put("rx-255");
	wr(MCR, 0x10);
	wr(LCR, 0x80);
	wr(RX, 'd');			/* DLL, not the loop */
	wr(LCR, 0x00);
	wr(RX, 'e');			/* the loop */
	rd(RX);
	rd(RX);
	wr(MCR, 0x08);
	wr(RX, 'f');			/* the output again */
	put("loopback-and-dlab");
	wr(IER, 0x07);
	for (i = 0; i < 4; i++)
		rdw(IIR, 1 << i);
	rdw(LSR, 2);
	rdw(SCR, 1);
	put("iir-wide");
	wr(IER, 0x05);
	rx("A", 1);
	rd(IIR);
	rd(SCR);
	rd(LSR);
	rx("BCD", 3);
	rd(RX);
	rd(RX);
	wr(FCR, 0x03);
	rd(IIR);
	rd(LSR);
	put("rx-partial-then-clear");
	return failed;
}
