// SPDX-License-Identifier: GPL-2.0
/*
 * uart8250.c - an 8250/16550A UART, the guest's default console, at
 * kvmtool's address.  Transmit is instantaneous (THR is always empty);
 * receive has a 64-byte FIFO filled from the vmm's stdin.  The interrupt is
 * level-triggered: the line follows "some enabled interrupt is pending".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#include <vmm/layout.h>
#include "../vmm/fdt-util.h"
#include "../vmm/vmm.h"

/* Register offsets (reg-shift 0) and bits, as in the 16550A data sheet. */
#define UART_RX		0	/* in: receive buffer (DLAB=0) */
#define UART_TX		0	/* out: transmit holding (DLAB=0) */
#define UART_DLL	0	/* divisor latch low (DLAB=1) */
#define UART_IER	1	/* interrupt enable (DLAB=0) */
#define UART_DLM	1	/* divisor latch high (DLAB=1) */
#define UART_IIR	2	/* in: interrupt identification */
#define UART_FCR	2	/* out: FIFO control */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define UART_IER_RDI	0x01
#define UART_IER_THRI	0x02
#define UART_IER_RLSI	0x04
#define UART_IER_MSI	0x08

#define UART_IIR_NO_INT	0x01
#define UART_IIR_MSI	0x00
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_FIFO	0xc0	/* FIFOs enabled: "16550A" */

#define UART_FCR_ENABLE	0x01
#define UART_FCR_CLR_RX	0x02

#define UART_LCR_DLAB	0x80

#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT1	0x04
#define UART_MCR_OUT2	0x08
#define UART_MCR_LOOP	0x10

#define UART_LSR_DR	0x01
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40

#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_RI	0x40
#define UART_MSR_DCD	0x80

#define UART_FIFO_SIZE	64
#define UART_CLOCK	1843200

struct uart8250 {
	pthread_mutex_t	lock;
	struct vm	*vm;
	u64		base;
	unsigned int	intid;
	int		out_fd;
	struct console	*con;		/* the VM's console it is, or NULL */
	int		irq_level;

	u8		ier, lcr, mcr, scr, dll, dlm, fcr;
	bool		thr_ipending;	/* THR-empty interrupt not yet read in IIR */

	u8		rx[UART_FIFO_SIZE];
	unsigned int	rx_head, rx_count;
};

/* The highest-priority pending interrupt, as IIR reports it. */
static u8 pending_iir(const struct uart8250 *u)
{
	if ((u->ier & UART_IER_RDI) && u->rx_count)
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thr_ipending)
		return UART_IIR_THRI;
	return UART_IIR_NO_INT;
}

static void update_irq(struct uart8250 *u)
{
	int level = pending_iir(u) != UART_IIR_NO_INT;

	if (level != u->irq_level) {
		u->irq_level = level;
		u->vm->irq_line(u->vm, u->intid, level);
	}
}

static u8 msr(const struct uart8250 *u)
{
	u8 m = 0;

	if (!(u->mcr & UART_MCR_LOOP))
		return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	/* loopback: the modem outputs feed the modem inputs */
	if (u->mcr & UART_MCR_RTS)
		m |= UART_MSR_CTS;
	if (u->mcr & UART_MCR_DTR)
		m |= UART_MSR_DSR;
	if (u->mcr & UART_MCR_OUT1)
		m |= UART_MSR_RI;
	if (u->mcr & UART_MCR_OUT2)
		m |= UART_MSR_DCD;
	return m;
}

static bool rx_push(struct uart8250 *u, u8 c)
{
	if (u->rx_count == UART_FIFO_SIZE)
		return false;
	u->rx[(u->rx_head + u->rx_count++) % UART_FIFO_SIZE] = c;
	return true;
}

static void transmit(struct uart8250 *u, u8 c)
{
	ssize_t n;

	if (u->mcr & UART_MCR_LOOP) {
		rx_push(u, c);
		return;
	}
	if (u->con) {		/* the VM's console: stdout and --console-log */
		struct iovec iov = { .iov_base = &c, .iov_len = 1 };

		console__output(u->con, &iov, 1);
		return;
	}
	do {
		n = write(u->out_fd, &c, 1);
	} while (n < 0 && errno == EINTR);
	/* A closed or full stdout drops console output; the guest goes on. */
}

void uart8250__read(void *opaque, u64 off, void *data, unsigned int len __unused)
{
	struct uart8250 *u = opaque;
	u8 v = 0;

	pthread_mutex_lock(&u->lock);
	switch (off) {
	case UART_RX:
		if (u->lcr & UART_LCR_DLAB) {
			v = u->dll;
		} else if (u->rx_count) {
			v = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
			u->rx_count--;
		}
		break;
	case UART_IER:
		v = u->lcr & UART_LCR_DLAB ? u->dlm : u->ier;
		break;
	case UART_IIR:
		v = pending_iir(u);
		/* Reading IIR acknowledges a THR-empty interrupt. */
		if (v == UART_IIR_THRI)
			u->thr_ipending = false;
		if (u->fcr & UART_FCR_ENABLE)
			v |= UART_IIR_FIFO;
		break;
	case UART_LCR:
		v = u->lcr;
		break;
	case UART_MCR:
		v = u->mcr;
		break;
	case UART_LSR:
		v = UART_LSR_THRE | UART_LSR_TEMT;
		if (u->rx_count)
			v |= UART_LSR_DR;
		break;
	case UART_MSR:
		v = msr(u);
		break;
	case UART_SCR:
		v = u->scr;
		break;
	}
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	*(u8 *)data = v;
}

void uart8250__write(void *opaque, u64 off, const void *data,
		     unsigned int len __unused)
{
	struct uart8250 *u = opaque;
	u8 v = *(const u8 *)data;

	pthread_mutex_lock(&u->lock);
	switch (off) {
	case UART_TX:
		if (u->lcr & UART_LCR_DLAB) {
			u->dll = v;
		} else {
			transmit(u, v);
			u->thr_ipending = true;	/* sent at once: THR empty again */
		}
		break;
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB) {
			u->dlm = v;
		} else {
			/* Enabling THRI with THR empty raises it at once. */
			if ((v & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
				u->thr_ipending = true;
			u->ier = v & 0x0f;
		}
		break;
	case UART_FCR:
		u->fcr = v & UART_FCR_ENABLE;
		if (v & UART_FCR_CLR_RX)
			u->rx_count = 0;
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		u->mcr = v & 0x1f;
		break;
	case UART_SCR:
		u->scr = v;
		break;
	}
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

size_t uart8250__receive(struct uart8250 *u, const u8 *buf, size_t len)
{
	size_t n;

	pthread_mutex_lock(&u->lock);
	for (n = 0; n < len && rx_push(u, buf[n]); n++)
		;
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return n;
}

struct uart8250 *uart8250__new(struct vm *vm, u64 base, unsigned int intid,
			       int out_fd)
{
	struct uart8250 *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	pthread_mutex_init(&u->lock, NULL);
	u->vm = vm;
	u->base = base;
	u->intid = intid;
	u->out_fd = out_fd;
	u->mcr = UART_MCR_OUT2;
	return u;
}

void uart8250__free(struct uart8250 *u)
{
	if (u)
		pthread_mutex_destroy(&u->lock);
	free(u);
}

/* ---- the console device: one UART at kvmtool's first slot -------------- */

static const struct mmio_ops uart_ops = {
	.read	= uart8250__read,
	.write	= uart8250__write,
};

static size_t console_receive(void *opaque, const u8 *buf, size_t len)
{
	return uart8250__receive(opaque, buf, len);
}

static const struct console_ops uart_console_ops = {
	.receive	= console_receive,
};

static int console_init(struct vm *vm, const char *arg __unused, void **state)
{
	struct uart8250 *u;
	char path[32];
	int ret;

	if (vm->cfg->console != CONSOLE_SERIAL)
		return 1;
	u = uart8250__new(vm, LAYOUT_UART_BASE, vm__alloc_spi(vm),
			  vm->console.out_fd);
	if (!u)
		return -ENOMEM;
	u->con = &vm->console;
	snprintf(path, sizeof(path), "/serial@%llx", LAYOUT_UART_BASE);
	ret = console__attach(vm, &uart_console_ops, u, path);
	if (ret)
		goto out_free;
	ret = mmio_bus__register(&vm->bus, LAYOUT_UART_BASE, LAYOUT_UART_SIZE,
				 "uart8250", &uart_ops, u);
	if (ret)
		goto out_detach;
	*state = u;
	return 0;

out_detach:
	console__detach(vm, u);
out_free:
	uart8250__free(u);
	return ret;
}

static void console_exit(struct vm *vm, void *state)
{
	console__detach(vm, state);
	uart8250__free(state);
}

static int console_fdt(struct vm *vm, void *state, void *fdt)
{
	struct uart8250 *u = state;
	char name[32];

	snprintf(name, sizeof(name), "serial@%llx", (unsigned long long)u->base);
	FDT_CHECK(fdt_begin_node(fdt, name));
	FDT_CHECK(fdt_property_string(fdt, "compatible", "ns16550a"));
	FDT_CHECK(fdt_prop_reg(fdt, u->base, LAYOUT_UART_SIZE));
	FDT_CHECK(fdt_prop_spi(fdt, vm->gic != GIC_NONE, u->intid));
	FDT_CHECK(fdt_property_u32(fdt, "clock-frequency", UART_CLOCK));
	FDT_CHECK(fdt_end_node(fdt));
	return 0;
}

static const struct device_desc console_dev = {
	.name	= "console",
	.order	= 0,
	.init	= console_init,
	.fdt	= console_fdt,
	.exit	= console_exit,
};
DEVICE_REGISTER(console_dev);
