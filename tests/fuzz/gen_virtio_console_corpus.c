// SPDX-License-Identifier: GPL-2.0
/*
 * gen_virtio_console_corpus.c - seeds for fuzz_virtio_console: what every
 * device gets (gen_virtio.h), then hvc0 as Linux's virtio_console drives
 * it: receive buffers posted, output transmitted in chains, input typed;
 * input with no buffer or more than they hold, output before DRIVER_OK,
 * writable buffers on the transmit queue.
 */
#include "gen_virtio.h"

#define RXQ	0
#define TXQ	1

static void tx(struct seed *s, const char *text)
{
	struct gseg g = { strlen(text), 0, 0 };

	chain(s, TXQ | C_KICK, &g, 1, text, strlen(text));
}

static void rx_buffers(struct seed *s, unsigned int n, u16 len)
{
	struct gseg g = { len, SW, 0 };
	unsigned int i;

	for (i = 0; i < n; i++)
		chain(s, RXQ | (i + 1 == n ? C_KICK : 0), &g, 1, NULL, 0);
}

static void good(struct seed *s)
{
	tx(s, "hello\n");
}

static const struct gen_device con = {
	.nq		= 2,
	.qsize		= 128,
	.features	= 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_RING_F_INDIRECT_DESC |
			  1ULL << VIRTIO_RING_F_EVENT_IDX,
	.has_config	= true,
	.good		= good,
};

static void device_seeds(void)
{
	static const char typed[] = "ls -l /\r";
	struct seed *s = calloc(1, sizeof(*s));
	struct gseg g[6];
	unsigned int t, i;
	char big[3000];

	common_seeds(&con);
	for (t = 0; t < 3; t++) {
		/* the shell prompt, typing, output in pieces */
		begin(s, t | H_BRINGUP, 0, 5);
		rx_buffers(s, 8, 64);
		tx(s, "# ");
		backend(s, typed, sizeof(typed) - 1);
		for (i = 0; i < 6; i++)
			g[i] = (struct gseg){ 5, 0, 0 };
		chain(s, TXQ | C_KICK, g, 6, "total 64\r\ndrwxr-xr-x 2 root", 30);
		chain(s, TXQ | C_INDIRECT | C_KICK, g, 6, "total 64\r\ndrwxr-xr-x 2 root", 30);
		irq_ack(s);
		save(s, "con-%s-shell", tname[t]);
	}
	/* input with nowhere to go, more than the buffers hold, then room */
	memset(big, 'x', sizeof(big));
	begin(s, T_MMIO | H_BRINGUP, 0, 4);
	backend(s, typed, sizeof(typed) - 1);
	rx_buffers(s, 2, 3);
	backend(s, big, sizeof(big));
	rx_buffers(s, 16, 1000);
	backend(s, big, sizeof(big));
	save(s, "con-input-overflow");
	/* input takes a receive buffer the driver posted without a notify */
	begin(s, T_PCI_MSIX | H_BRINGUP, 0, 4);
	chain(s, RXQ, (struct gseg[]){ { 4, SW, 0 } }, 1, NULL, 0);
	backend(s, typed, sizeof(typed) - 1);
	save(s, "con-input-unnotified");
	/* output posted before DRIVER_OK; buffers the wrong way round */
	begin(s, T_PCI_INTX, 0, 4);
	status(s, S_FEATURES);
	tx(s, "early");
	bringup(s, 0, 4);
	tx(s, "late");
	g[0] = (struct gseg){ 16, SW, 0 };
	chain(s, TXQ | C_KICK, g, 1, NULL, 0);
	g[0] = (struct gseg){ 16, 0, 0 };
	chain(s, RXQ | C_KICK, g, 1, "readable", 8);
	backend(s, typed, sizeof(typed) - 1);
	save(s, "con-early-and-wrong-way");
	/* a queue's worth of output, and more */
	begin(s, T_PCI_MSIX | H_BRINGUP, 0, 3);
	for (i = 0; i < 12; i++) {
		g[0] = (struct gseg){ 2, 0, 0 };
		chain(s, TXQ, g, 1, "ab", 2);
	}
	notify(s, TXQ);
	save(s, "con-burst");
	free(s);
}

int main(int argc, char **argv)
{
	return gen_main(argc, argv);
}
