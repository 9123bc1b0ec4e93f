// SPDX-License-Identifier: GPL-2.0
/* test_uart.c - the 8250 UART's registers, receive FIFO and interrupt line. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "../../vmm/vmm.h"
#include "unit.h"

#define UART_INTID	33

/* register offsets */
#define RBR	0
#define THR	0
#define DLL	0
#define IER	1
#define DLM	1
#define IIR	2
#define FCR	2
#define LCR	3
#define MCR	4
#define LSR	5
#define MSR	6
#define SCR	7

static struct vm vm;
static struct uart8250 *uart;
static int out[2];		/* the UART writes to out[1] */

/* What the UART did to its interrupt line. */
static unsigned int irq_calls, irq_intid;
static int irq_level = -1;

static void record_irq_line(struct vm *v, unsigned int intid, int level)
{
	ck_assert_ptr_eq(v, &vm);
	irq_calls++;
	irq_intid = intid;
	irq_level = level;
}

static void setup(void)
{
	memset(&vm, 0, sizeof(vm));
	vm.irq_line = record_irq_line;
	irq_calls = 0;
	irq_intid = 0;
	irq_level = -1;
	ck_assert_int_eq(pipe2(out, O_NONBLOCK), 0);
	uart = uart8250__new(&vm, 0x1000000, UART_INTID, out[1]);
	ck_assert_ptr_nonnull(uart);
}

static void teardown(void)
{
	uart8250__free(uart);
	close(out[0]);
	close(out[1]);
}

static void wr(u64 off, u8 v)
{
	uart8250__write(uart, off, &v, 1);
}

static u8 rd(u64 off)
{
	u8 v = 0xee;

	uart8250__read(uart, off, &v, 1);
	return v;
}

static size_t rx(const char *s)
{
	return uart8250__receive(uart, (const u8 *)s, strlen(s));
}

/* What the UART has transmitted so far. */
static ssize_t output(char *buf, size_t len)
{
	ssize_t n = read(out[0], buf, len);

	return n < 0 ? 0 : n;
}

/* ---- transmit and receive ----------------------------------------------- */

START_TEST(uart_thr_write_goes_out)
{
	char buf[16];

	wr(THR, 'h');
	wr(THR, 'i');
	wr(THR, '\n');
	ck_assert_int_eq(output(buf, sizeof(buf)), 3);
	ck_assert_mem_eq(buf, "hi\n", 3);
}
END_TEST

START_TEST(uart_lsr_idle)
{
	ck_assert_uint_eq(rd(LSR), 0x60);	/* THRE | TEMT */
}
END_TEST

START_TEST(uart_lsr_data_ready)
{
	ck_assert_uint_eq(rx("a"), 1);
	ck_assert_uint_eq(rd(LSR), 0x61);	/* THRE | TEMT | DR */
	ck_assert_uint_eq(rd(RBR), 'a');
	ck_assert_uint_eq(rd(LSR), 0x60);
}
END_TEST

START_TEST(uart_rbr_in_order)
{
	ck_assert_uint_eq(rx("abc"), 3);
	ck_assert_uint_eq(rd(RBR), 'a');
	ck_assert_uint_eq(rd(RBR), 'b');
	ck_assert_uint_eq(rx("d"), 1);
	ck_assert_uint_eq(rd(RBR), 'c');
	ck_assert_uint_eq(rd(RBR), 'd');
	ck_assert_uint_eq(rd(LSR) & 0x01, 0);
	ck_assert_uint_eq(rd(RBR), 0);		/* empty FIFO reads 0 */
}
END_TEST

START_TEST(uart_fifo_takes_64)
{
	u8 buf[100];
	unsigned int i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = i;
	ck_assert_uint_eq(uart8250__receive(uart, buf, sizeof(buf)), 64);
	ck_assert_uint_eq(uart8250__receive(uart, buf, 1), 0);
	ck_assert_uint_eq(rd(RBR), 0);
	ck_assert_uint_eq(uart8250__receive(uart, buf + 64, 2), 1);
	for (i = 1; i < 64; i++)
		ck_assert_uint_eq(rd(RBR), i);
	ck_assert_uint_eq(rd(RBR), 64);
	ck_assert_uint_eq(rd(LSR), 0x60);
}
END_TEST

START_TEST(uart_fifo_wraps_around)
{
	u8 buf[64];
	unsigned int i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = i;
	ck_assert_uint_eq(uart8250__receive(uart, buf, 40), 40);
	for (i = 0; i < 40; i++)
		ck_assert_uint_eq(rd(RBR), i);
	/* head is at 40: these 64 wrap around the end of the ring */
	ck_assert_uint_eq(uart8250__receive(uart, buf, 64), 64);
	for (i = 0; i < 64; i++)
		ck_assert_uint_eq(rd(RBR), i);
	ck_assert_uint_eq(rd(LSR), 0x60);
}
END_TEST

/* ---- interrupts --------------------------------------------------------- */

START_TEST(uart_iir_no_interrupt)
{
	ck_assert_uint_eq(rd(IIR), 0x01);
	ck_assert_uint_eq(irq_calls, 0);
}
END_TEST

START_TEST(uart_ier_thri_raises_line)
{
	wr(IER, 0x02);
	ck_assert_uint_eq(irq_calls, 1);
	ck_assert_uint_eq(irq_intid, UART_INTID);
	ck_assert_int_eq(irq_level, 1);
}
END_TEST

START_TEST(uart_iir_read_acks_thri)
{
	wr(IER, 0x02);
	ck_assert_uint_eq(rd(IIR), 0x02);
	ck_assert_int_eq(irq_level, 0);
	ck_assert_uint_eq(rd(IIR), 0x01);
	ck_assert_uint_eq(irq_calls, 2);
}
END_TEST

START_TEST(uart_thr_write_rearms_thri)
{
	char buf[4];

	wr(IER, 0x02);
	ck_assert_uint_eq(rd(IIR), 0x02);
	ck_assert_int_eq(irq_level, 0);
	wr(THR, 'x');
	ck_assert_int_eq(irq_level, 1);
	ck_assert_uint_eq(rd(IIR), 0x02);
	ck_assert_int_eq(irq_level, 0);
	ck_assert_int_eq(output(buf, sizeof(buf)), 1);
}
END_TEST

START_TEST(uart_iir_rdi_over_thri)
{
	wr(IER, 0x03);
	ck_assert_uint_eq(rx("a"), 1);
	ck_assert_uint_eq(rd(IIR), 0x04);
	/* reading IIR while RDI shows does not acknowledge THRI */
	ck_assert_uint_eq(rd(IIR), 0x04);
	ck_assert_int_eq(irq_level, 1);
	ck_assert_uint_eq(rd(RBR), 'a');
	ck_assert_uint_eq(rd(IIR), 0x02);
	ck_assert_uint_eq(rd(IIR), 0x01);
	ck_assert_int_eq(irq_level, 0);
}
END_TEST

START_TEST(uart_rdi_line_follows_fifo)
{
	wr(IER, 0x01);
	ck_assert_uint_eq(irq_calls, 0);
	ck_assert_uint_eq(rx("ab"), 2);
	ck_assert_uint_eq(irq_calls, 1);
	ck_assert_uint_eq(irq_intid, UART_INTID);
	ck_assert_int_eq(irq_level, 1);
	ck_assert_uint_eq(rd(RBR), 'a');
	ck_assert_int_eq(irq_level, 1);
	ck_assert_uint_eq(rd(RBR), 'b');
	ck_assert_int_eq(irq_level, 0);
	ck_assert_uint_eq(irq_calls, 2);
}
END_TEST

START_TEST(uart_rdi_pending_when_enabled)
{
	/* input queued first, RDI enabled later: the line rises on enable */
	ck_assert_uint_eq(rx("a"), 1);
	ck_assert_uint_eq(irq_calls, 0);
	ck_assert_uint_eq(rd(IIR), 0x01);
	wr(IER, 0x01);
	ck_assert_int_eq(irq_level, 1);
	ck_assert_uint_eq(rd(IIR), 0x04);
}
END_TEST

START_TEST(uart_no_irq_when_disabled)
{
	ck_assert_uint_eq(rx("abc"), 3);
	wr(THR, 'x');
	ck_assert_uint_eq(irq_calls, 0);
	ck_assert_uint_eq(rd(IIR), 0x01);
}
END_TEST

START_TEST(uart_ier_readback)
{
	wr(IER, 0xff);
	ck_assert_uint_eq(rd(IER), 0x0f);
	wr(IER, 0x00);
	ck_assert_uint_eq(rd(IER), 0x00);
	ck_assert_int_eq(irq_level, 0);
}
END_TEST

/* ---- divisor latch, loopback, FIFO control, plain registers ------------- */

START_TEST(uart_dlab_switches_to_divisor)
{
	char buf[4];

	wr(IER, 0x05);
	ck_assert_uint_eq(rx("z"), 1);
	wr(LCR, 0x83);
	wr(DLL, 0x0c);
	wr(DLM, 0x12);
	ck_assert_uint_eq(rd(DLL), 0x0c);
	ck_assert_uint_eq(rd(DLM), 0x12);
	ck_assert_uint_eq(rd(LCR), 0x83);
	/* neither transmitted nor received through the latch */
	ck_assert_int_eq(output(buf, sizeof(buf)), 0);
	ck_assert_uint_eq(rd(LSR), 0x61);

	wr(LCR, 0x03);
	ck_assert_uint_eq(rd(IER), 0x05);
	ck_assert_uint_eq(rd(RBR), 'z');
	wr(LCR, 0x83);
	ck_assert_uint_eq(rd(DLL), 0x0c);
	ck_assert_uint_eq(rd(DLM), 0x12);
}
END_TEST

START_TEST(uart_loopback_thr_to_rbr)
{
	char buf[4];

	wr(MCR, 0x10);
	wr(THR, 'x');
	wr(THR, 'y');
	ck_assert_int_eq(output(buf, sizeof(buf)), 0);
	ck_assert_uint_eq(rd(LSR), 0x61);
	ck_assert_uint_eq(rd(RBR), 'x');
	ck_assert_uint_eq(rd(RBR), 'y');
	ck_assert_uint_eq(rd(LSR), 0x60);

	wr(MCR, 0x08);
	wr(THR, 'z');
	ck_assert_int_eq(output(buf, sizeof(buf)), 1);
	ck_assert_uint_eq(buf[0], 'z');
}
END_TEST

START_TEST(uart_msr_reflects_mcr_in_loopback)
{
	wr(MCR, 0x1a);		/* LOOP | OUT2 | RTS */
	ck_assert_uint_eq(rd(MSR) & 0xf0, 0x90);
	wr(MCR, 0x1f);
	ck_assert_uint_eq(rd(MSR) & 0xf0, 0xf0);
	wr(MCR, 0x10);
	ck_assert_uint_eq(rd(MSR) & 0xf0, 0x00);
	wr(MCR, 0x15);		/* LOOP | OUT1 | DTR: RI | DSR */
	ck_assert_uint_eq(rd(MSR) & 0xf0, 0x60);
}
END_TEST

START_TEST(uart_msr_without_loopback)
{
	ck_assert_uint_eq(rd(MSR), 0xb0);	/* DCD | DSR | CTS */
	wr(MCR, 0x00);
	ck_assert_uint_eq(rd(MSR), 0xb0);
}
END_TEST

START_TEST(uart_fcr_enable_sets_iir_fifo_bits)
{
	wr(FCR, 0x01);
	ck_assert_uint_eq(rd(IIR), 0xc1);
	wr(IER, 0x02);
	ck_assert_uint_eq(rd(IIR), 0xc2);
	ck_assert_uint_eq(rd(IIR), 0xc1);
	wr(FCR, 0x00);
	ck_assert_uint_eq(rd(IIR), 0x01);
}
END_TEST

START_TEST(uart_fcr_clear_rx)
{
	wr(IER, 0x01);
	ck_assert_uint_eq(rx("abc"), 3);
	ck_assert_int_eq(irq_level, 1);
	wr(FCR, 0x03);
	ck_assert_uint_eq(rd(LSR), 0x60);
	ck_assert_int_eq(irq_level, 0);
	ck_assert_uint_eq(rd(IIR), 0xc1);
	ck_assert_uint_eq(rx("d"), 1);
	ck_assert_uint_eq(rd(RBR), 'd');
}
END_TEST

START_TEST(uart_plain_registers)
{
	ck_assert_uint_eq(rd(MCR), 0x08);	/* OUT2 from reset */
	wr(MCR, 0xff);
	ck_assert_uint_eq(rd(MCR), 0x1f);
	wr(LCR, 0x1b);
	ck_assert_uint_eq(rd(LCR), 0x1b);
	wr(SCR, 0x5a);
	ck_assert_uint_eq(rd(SCR), 0x5a);
}
END_TEST

Suite *uart_suite(void)
{
	Suite *s = suite_create("uart");

#define T(fn)	UNIT_TEST_FIXTURE(s, fn, setup, teardown)
	T(uart_thr_write_goes_out);
	T(uart_lsr_idle);
	T(uart_lsr_data_ready);
	T(uart_rbr_in_order);
	T(uart_fifo_takes_64);
	T(uart_fifo_wraps_around);
	T(uart_iir_no_interrupt);
	T(uart_ier_thri_raises_line);
	T(uart_iir_read_acks_thri);
	T(uart_thr_write_rearms_thri);
	T(uart_iir_rdi_over_thri);
	T(uart_rdi_line_follows_fifo);
	T(uart_rdi_pending_when_enabled);
	T(uart_no_irq_when_disabled);
	T(uart_ier_readback);
	T(uart_dlab_switches_to_divisor);
	T(uart_loopback_thr_to_rbr);
	T(uart_msr_reflects_mcr_in_loopback);
	T(uart_msr_without_loopback);
	T(uart_fcr_enable_sets_iir_fifo_bits);
	T(uart_fcr_clear_rx);
	T(uart_plain_registers);
#undef T
	return s;
}
