// SPDX-License-Identifier: GPL-2.0
/*
 * pl061.c - the power button: an Arm PL061 GPIO controller (its TRM,
 * DDI0190) whose input 3 is wired to a "gpio-keys" node reporting
 * KEY_POWER, as QEMU's virt machine does, so that `vmm stop` can ask the
 * guest to power off: a kernel with CONFIG_GPIO_PL061 and gpio_keys turns
 * the press into an input event, and whatever the guest runs on it
 * (systemd-logind, acpid, a script) powers off.  The button is held for
 * 100 ms, long enough for gpio_keys' debounce to read it pressed.
 *
 * Only what a GPIO controller with one input needs is modelled: the data
 * register (address-masked reads), direction, interrupt sense, both-edges,
 * event, mask, raw and masked status and clear; alternate function and
 * the PrimeCell IDs the AMBA bus probes.  Its SPI is level-high, raised
 * while a masked interrupt is pending.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <libfdt.h>

#include <vmm/layout.h>
#include "../vmm/fdt-util.h"
#include "../vmm/vmm.h"

#define PL061_SIZE		0x1000
#define PL061_DATA_END		0x400	/* 0x000-0x3fc: data, bits [9:2] mask */
#define PL061_DIR		0x400
#define PL061_IS		0x404
#define PL061_IBE		0x408
#define PL061_IEV		0x40c
#define PL061_IE		0x410
#define PL061_RIS		0x414
#define PL061_MIS		0x418
#define PL061_IC		0x41c
#define PL061_AFSEL		0x420
#define PL061_ID		0xfe0	/* PeriphID0-3, then PCellID0-3 */

#define POWER_PIN		3
#define KEY_POWER		116	/* linux/input-event-codes.h */
#define PRESS_NS		(100 * 1000 * 1000)
#define FDT_PHANDLE_PL061	3
#define FDT_PHANDLE_APB_PCLK	4

static const u8 pl061_id[8] = { 0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

struct pl061 {
	pthread_mutex_t	lock;
	struct vm	*vm;
	unsigned int	intid;
	int		timer_fd;	/* the button's release */
	u8		in;		/* the input lines */
	u8		out;		/* what the guest wrote for its outputs */
	u8		dir, is, ibe, iev, ie, ris, afsel;
	bool		level;		/* the SPI */
};

/* The SPI follows the masked status (called with the lock held). */
static void update_irq(struct pl061 *g)
{
	bool level = g->ris & g->ie;

	if (level != g->level) {
		g->level = level;
		g->vm->irq_line(g->vm, g->intid, level);
	}
}

/* Input @pin goes to @high: an interrupt where the guest asked for one. */
static void set_input(struct pl061 *g, unsigned int pin, bool high)
{
	u8 bit = 1u << pin, old = g->in;

	g->in = high ? g->in | bit : g->in & ~bit;
	if (g->dir & bit)
		return;		/* an output: the input has no say */
	if (g->is & bit) {	/* level-sensitive */
		if (!!(g->in & bit) == !!(g->iev & bit))
			g->ris |= bit;
	} else if ((old ^ g->in) & bit) {	/* an edge */
		if ((g->ibe & bit) || !!(g->in & bit) == !!(g->iev & bit))
			g->ris |= bit;
	}
	update_irq(g);
}

static void pl061_read(void *opaque, u64 off, void *data, unsigned int len)
{
	struct pl061 *g = opaque;
	u32 v = 0;

	pthread_mutex_lock(&g->lock);
	if (off < PL061_DATA_END)
		v = ((g->in & ~g->dir) | (g->out & g->dir)) & (off >> 2);
	else if (off >= PL061_ID && off < PL061_ID + 0x20)
		v = (off & 3) ? 0 : pl061_id[(off - PL061_ID) / 4];
	else
		switch (off) {
		case PL061_DIR:		v = g->dir; break;
		case PL061_IS:		v = g->is; break;
		case PL061_IBE:		v = g->ibe; break;
		case PL061_IEV:		v = g->iev; break;
		case PL061_IE:		v = g->ie; break;
		case PL061_RIS:		v = g->ris; break;
		case PL061_MIS:		v = g->ris & g->ie; break;
		case PL061_AFSEL:	v = g->afsel; break;
		}
	pthread_mutex_unlock(&g->lock);
	memcpy(data, &v, len < 4 ? len : 4);
	if (len > 4)
		memset((u8 *)data + 4, 0, len - 4);
}

static void pl061_write(void *opaque, u64 off, const void *data, unsigned int len)
{
	struct pl061 *g = opaque;
	u8 v = 0;

	memcpy(&v, data, 1);	/* registers are 8 bits wide; the rest is ignored */
	(void)len;
	pthread_mutex_lock(&g->lock);
	if (off < PL061_DATA_END) {
		u8 mask = off >> 2;

		g->out = (g->out & ~mask) | (v & mask);
	} else {
		switch (off) {
		case PL061_DIR:		g->dir = v; break;
		case PL061_IS:		g->is = v; break;
		case PL061_IBE:		g->ibe = v; break;
		case PL061_IEV:		g->iev = v; break;
		case PL061_IE:		g->ie = v; break;
		case PL061_IC:		g->ris &= ~v; break;
		case PL061_AFSEL:	g->afsel = v; break;
		}
		/* a level interrupt stays pending while its level holds */
		g->ris |= g->is & ~g->dir & ~(g->in ^ g->iev);
		update_irq(g);
	}
	pthread_mutex_unlock(&g->lock);
}

static const struct mmio_ops pl061_ops = {
	.read	= pl061_read,
	.write	= pl061_write,
};

static void on_release(void *opaque, u32 events __unused)
{
	struct pl061 *g = opaque;
	u64 n;

	if (read(g->timer_fd, &n, sizeof(n)) < 0)
		return;
	pthread_mutex_lock(&g->lock);
	set_input(g, POWER_PIN, false);
	pthread_mutex_unlock(&g->lock);
}

/* The device's one instance, for vm__power_button() (one VM per vmm). */
static struct pl061 *button;

int vm__power_button(struct vm *vm __unused)
{
	struct itimerspec its = { .it_value.tv_nsec = PRESS_NS };
	struct pl061 *g = button;

	if (!g)
		return -ENODEV;
	pthread_mutex_lock(&g->lock);
	set_input(g, POWER_PIN, true);
	pthread_mutex_unlock(&g->lock);
	return timerfd_settime(g->timer_fd, 0, &its, NULL) ? -errno : 0;
}

static int pl061_init(struct vm *vm, const char *arg __unused, void **state)
{
	struct pl061 *g;
	int ret;

	/* a button without an interrupt is no button; nor for a bare payload */
	if (vm->gic == GIC_NONE || vm->cfg->firmware)
		return 1;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	pthread_mutex_init(&g->lock, NULL);
	g->vm = vm;
	g->intid = vm__alloc_spi(vm);
	g->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (g->timer_fd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = loop__add(&vm->loop, g->timer_fd, EPOLLIN, on_release, g);
	if (ret)
		goto fail;
	ret = mmio_bus__register(&vm->bus, LAYOUT_PL061_BASE, PL061_SIZE, "pl061",
				 &pl061_ops, g);
	if (ret) {
		loop__del(&vm->loop, g->timer_fd);
		goto fail;
	}
	button = g;
	*state = g;
	return 0;
fail:
	if (g->timer_fd >= 0)
		close(g->timer_fd);
	free(g);
	return ret;
}

static int pl061_fdt(struct vm *vm, void *state, void *fdt)
{
	struct pl061 *g = state;
	fdt32_t gpios[3] = {
		cpu_to_fdt32(FDT_PHANDLE_PL061), cpu_to_fdt32(POWER_PIN), cpu_to_fdt32(0),
	};
	char name[32];

	/* the AMBA bus wants the PrimeCell's clock */
	FDT_CHECK(fdt_begin_node(fdt, "apb-pclk"));
	FDT_CHECK(fdt_property_string(fdt, "compatible", "fixed-clock"));
	FDT_CHECK(fdt_property_u32(fdt, "#clock-cells", 0));
	FDT_CHECK(fdt_property_u32(fdt, "clock-frequency", 24000000));
	FDT_CHECK(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
	FDT_CHECK(fdt_property_u32(fdt, "phandle", FDT_PHANDLE_APB_PCLK));
	FDT_CHECK(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "pl061@%llx", LAYOUT_PL061_BASE);
	FDT_CHECK(fdt_begin_node(fdt, name));
	FDT_CHECK(fdt_property(fdt, "compatible", "arm,pl061\0arm,primecell",
			       sizeof("arm,pl061\0arm,primecell")));
	FDT_CHECK(fdt_prop_reg(fdt, LAYOUT_PL061_BASE, PL061_SIZE));
	FDT_CHECK(fdt_prop_spi(fdt, vm->gic != GIC_NONE, g->intid));
	FDT_CHECK(fdt_property_u32(fdt, "clocks", FDT_PHANDLE_APB_PCLK));
	FDT_CHECK(fdt_property_string(fdt, "clock-names", "apb_pclk"));
	FDT_CHECK(fdt_property_u32(fdt, "#gpio-cells", 2));
	FDT_CHECK(fdt_property(fdt, "gpio-controller", NULL, 0));
	FDT_CHECK(fdt_property_u32(fdt, "phandle", FDT_PHANDLE_PL061));
	FDT_CHECK(fdt_end_node(fdt));

	FDT_CHECK(fdt_begin_node(fdt, "gpio-keys"));
	FDT_CHECK(fdt_property_string(fdt, "compatible", "gpio-keys"));
	FDT_CHECK(fdt_begin_node(fdt, "poweroff"));
	FDT_CHECK(fdt_property_string(fdt, "label", "GPIO Key Poweroff"));
	FDT_CHECK(fdt_property_u32(fdt, "linux,code", KEY_POWER));
	FDT_CHECK(fdt_property(fdt, "gpios", gpios, sizeof(gpios)));
	FDT_CHECK(fdt_end_node(fdt));
	FDT_CHECK(fdt_end_node(fdt));
	return 0;
}

static void pl061_exit(struct vm *vm, void *state)
{
	struct pl061 *g = state;

	loop__del(&vm->loop, g->timer_fd);
	close(g->timer_fd);
	pthread_mutex_destroy(&g->lock);
	if (button == g)
		button = NULL;
	free(g);
}

static const struct device_desc pl061_dev = {
	.name	= "pl061",
	.order	= 30,	/* last: the other devices' SPIs stay where they were */
	.init	= pl061_init,
	.fdt	= pl061_fdt,
	.exit	= pl061_exit,
};
DEVICE_REGISTER(pl061_dev);
