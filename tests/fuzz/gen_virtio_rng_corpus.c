// SPDX-License-Identifier: GPL-2.0
/*
 * gen_virtio_rng_corpus.c - seeds for fuzz_virtio_rng: what every device
 * gets (gen_virtio.h), then entropy requests as Linux's virtio-rng makes
 * them (one writable buffer at a time), larger than the device's chunk,
 * split, batched, with getrandom() failing or giving short.
 */
#include "gen_virtio.h"

static void good(struct seed *s)
{
	request(s, 0, NULL, 0, 64);
}

static const struct gen_device rng = {
	.nq		= 1,
	.qsize		= 64,
	.features	= 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_RING_F_INDIRECT_DESC |
			  1ULL << VIRTIO_RING_F_EVENT_IDX,
	.good		= good,
};

static void device_seeds(void)
{
	static const u16 sizes[] = { 1, 16, 4096, 8192, 0 };
	struct seed *s = calloc(1, sizeof(*s));
	struct gseg g[16];
	unsigned int t, i;
	u8 mood[2];

	common_seeds(&rng);
	for (t = 0; t < 3; t++) {
		begin(s, t | H_BRINGUP, 0, 6);
		for (i = 0; i < ARRAY_SIZE(sizes); i++)
			request(s, 0, NULL, 0, sizes[i]);
		save(s, "rng-%s-sizes", tname[t]);
	}
	/* split over readable and writable buffers, indirect */
	for (i = 0; i < 16; i++)
		g[i] = (struct gseg){ 100 + i, i < 3 ? 0 : SW, 0 };
	begin(s, T_MMIO | H_BRINGUP, 0, 6);
	chain(s, C_KICK, g, 16, "readable", 8);
	chain(s, C_INDIRECT | C_KICK, g, 16, "readable", 8);
	save(s, "rng-split");
	/* a batch bigger than the queue: served a queue's worth at a time */
	begin(s, T_PCI_MSIX | H_BRINGUP, 0, 3);
	for (i = 0; i < 20; i++)
		chain(s, 0, g + 3, 1, NULL, 0);
	notify(s, 0);
	save(s, "rng-batch");
	/* getrandom() failing, giving half, giving 3 bytes */
	for (i = 1; i < 4; i++) {
		begin(s, T_MMIO | H_BRINGUP, 0, 4);
		mood[0] = i;
		mood[1] = 3;
		backend(s, mood, 2);
		good(s);
		request(s, 0, NULL, 0, 4097);
		save(s, "rng-getrandom-%u", i);
	}
	free(s);
}

int main(int argc, char **argv)
{
	return gen_main(argc, argv);
}
