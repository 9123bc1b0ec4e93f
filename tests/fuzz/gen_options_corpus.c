// SPDX-License-Identifier: GPL-2.0
/*
 * gen_options_corpus.c - writes fuzz_options's seed corpus:
 * gen_options_corpus DIR.
 *
 * Each seed is a `vmm run` command line after "run", its arguments
 * separated by NUL bytes: lkvm-style lines that parse, each option's
 * forms (short, long, --opt=value, clustered), every device option's
 * keys, and what is refused (sizes and durations out of range or
 * malformed, values missing, flags given one, unknown, ambiguous and
 * lkvm-only options, a firmware with a kernel, control bytes in a value).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_SEED_ARGS	40

static const struct {
	const char	*name;
	const char	*argv[MAX_SEED_ARGS];
} seeds[] = {
	{ "kernel-short", { "-k", "Image" } },
	{ "kernel-long-eq", { "--kernel=Image", "-m", "512", "-c", "2" } },
	{ "kernel-positional", { "Image", "-c", "2", "--mem=1G" } },
	{ "kernel-after-dashdash", { "-c", "1", "--", "-Image" } },
	{ "kernel-twice", { "-k", "Image", "Other" } },
	{ "two-positional", { "Image", "Other" } },
	{ "lkvm-debian", { "-c", "2", "-m", "1024", "-k", "vmlinuz-6.1.0-57-arm64",
			   "-i", "initrd.img-6.1.0-57-arm64", "-p",
			   "root=/dev/vda1 rw quiet", "--disk", "debian.img",
			   "--network", "mode=user,hostfwd=tcp:2222:22", "--rng",
			   "--console", "serial", "--name", "deb12" } },
	{ "lkvm-virtio-console", { "--console", "virtio", "--cpus", "4", "--mem", "2G",
				   "--kernel", "Image", "--params", "console=hvc0 earlycon",
				   "--irqchip", "gicv3-its", "--virtio-transport", "pci",
				   "-d", "rootfs.ext4,ro,direct" } },
	{ "clustered", { "-c2", "-m256M", "-kImage", "-pquiet", "-drootfs.img" } },
	{ "firmware", { "-f", "fw.bin", "--firmware-address", "0x80000000", "-F",
			"vars.img", "--irqchip", "none", "--testdev" } },
	{ "firmware-decimal-addr", { "--firmware=fw.bin", "--firmware-address=2147483648" } },
	{ "firmware-and-kernel", { "-f", "fw.bin", "-k", "Image" } },
	{ "firmware-and-initrd", { "-f", "fw.bin", "-i", "initrd" } },
	{ "firmware-addr-alone", { "-k", "Image", "--firmware-address", "0x1000" } },
	{ "firmware-addr-bad", { "-f", "x", "--firmware-address", "0x", "--firmware-address",
				 "-1" } },
	{ "mem-forms", { "-k", "I", "-m", "64M", "-m", "1GiB", "-m", "2048MB", "-m", "1T",
			 "-m", "65536K" } },
	{ "mem-small", { "-k", "I", "-m", "63" } },
	{ "mem-large", { "-k", "I", "-m", "1025G" } },
	{ "mem-fraction", { "-k", "I", "-m", "1536K" } },
	{ "mem-overflow", { "-k", "I", "-m", "18446744073709551615T" } },
	{ "mem-junk", { "-k", "I", "-m", "1Gb" } },
	{ "mem-sign", { "-k", "I", "-m", "+64" } },
	{ "cpus-forms", { "-k", "I", "-c", "4096", "--cpus=1" } },
	{ "cpus-zero", { "-k", "I", "-c", "0" } },
	{ "cpus-many", { "-k", "I", "-c", "4097" } },
	{ "cpus-junk", { "-k", "I", "-c", " 2" } },
	{ "timeout-forms", { "-k", "I", "--timeout", "90", "--timeout", "90s", "--timeout",
			     "1500ms", "--timeout", "5m", "--timeout=1h" } },
	{ "timeout-year", { "-k", "I", "--timeout", "8784h" } },
	{ "timeout-over", { "-k", "I", "--timeout", "8785h" } },
	{ "timeout-zero", { "-k", "I", "--timeout", "0ms" } },
	{ "timeout-junk", { "-k", "I", "--timeout", "1d" } },
	{ "gdb", { "-k", "I", "--gdb", "1234", "--gdb-wait" } },
	{ "gdb-host", { "-k", "I", "--gdb", "0.0.0.0:65535" } },
	{ "gdb-v6", { "-k", "I", "--gdb", "[::1]:1" } },
	{ "gdb-bad", { "-k", "I", "--gdb", "host:65536" } },
	{ "gdb-wait-alone", { "-k", "I", "--gdb-wait" } },
	{ "name", { "-k", "I", "--name", "vm-1.test_a" } },
	{ "name-dot", { "-k", "I", "--name", ".hidden" } },
	{ "name-slash", { "-k", "I", "--name", "a/b" } },
	{ "name-long", { "-k", "I", "--name",
			 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" } },
	{ "name-empty", { "-k", "I", "--name=" } },
	{ "irqchip", { "-k", "I", "--irqchip", "gicv2", "--irqchip", "gicv3", "--irqchip",
		       "auto", "--irqchip", "none" } },
	{ "irqchip-bad", { "-k", "I", "--irqchip", "gicv4" } },
	{ "transport", { "-k", "I", "--virtio-transport", "mmio" } },
	{ "transport-legacy", { "-k", "I", "--virtio-transport", "mmio-legacy" } },
	{ "hostfs", { "-k", "I", "--root", "/srv/guest", "--hostfs", "rw", "--hostfs",
		      "none", "--hostfs", "ro" } },
	{ "hostfs-bad", { "-k", "I", "--hostfs", "yes" } },
	{ "root-empty", { "-k", "I", "--root", "" } },
	{ "console-bad", { "-k", "I", "--console", "hvc" } },
	{ "console-log", { "-k", "I", "--console-log", "/tmp/console.txt" } },
	{ "console-log-empty", { "-k", "I", "--console-log=" } },
	{ "loglevel", { "-k", "I", "--loglevel", "3", "--loglevel", "info", "--debug" } },
	{ "loglevel-bad", { "-k", "I", "--loglevel", "verbose" } },
	{ "misc", { "-k", "I", "--dtb", "board.dtb", "--dump-dtb", "out.dtb", "--kvm-dev",
		    "/dev/kvm", "--pmu", "--nodefaults", "--debug-no-eventfd" } },
	{ "noop", { "-k", "I", "--disable-sve", "--disable-mte", "--no-pvtime" } },
	{ "unsupported", { "-k", "I", "--balloon" } },
	{ "unsupported-arg", { "-k", "I", "--sandbox", "s.sh" } },
	{ "flag-with-value", { "-k", "I", "--pmu=1" } },
	{ "ambiguous", { "-k", "I", "--deb" } },
	{ "abbreviated", { "--kern", "I", "--ca", "2" } },
	{ "unknown-long", { "-k", "I", "--frobnicate" } },
	{ "unknown-short", { "-k", "I", "-Z" } },
	{ "missing-value", { "-k" } },
	{ "missing-long-value", { "--mem" } },
	{ "help", { "--help" } },
	{ "help-short", { "-k", "I", "-h" } },
	{ "empty", { NULL } },
	{ "disk", { "-k", "I", "--disk", "a.img", "-d", "b.img,ro", "--disk=c.img,direct,ro" } },
	{ "disk-bad-flag", { "-k", "I", "--disk", "a.img,rw" } },
	{ "disk-empty", { "-k", "I", "--disk", ",ro" } },
	{ "rng-twice", { "-k", "I", "--rng", "--rng" } },
	{ "9p", { "-k", "I", "--9p", "/srv/share,share", "--9p", "/tmp,tmp,ro" } },
	{ "9p-bad", { "-k", "I", "--9p", "/srv/share" } },
	{ "9p-bad-flag", { "-k", "I", "--9p", "/srv,tag,rw" } },
	{ "net-tap", { "-k", "I", "-n", "mode=tap,tapif=tap0,vhost=on,guest_mac=02:00:00:00:00:01" } },
	{ "net-passt", { "-k", "I", "--network", "mode=passt,socket=/run/user/1000/passt.sock" } },
	{ "net-none", { "-k", "I", "--network=mode=none" } },
	{ "net-user-fwds", { "-k", "I", "-n", "mode=user,hostfwd=tcp:2222:22,hostfwd=udp:5353:53" } },
	{ "net-fwd-twice", { "-k", "I", "-n", "mode=user,hostfwd=tcp:80:80,hostfwd=tcp:80:8080" } },
	{ "net-multicast", { "-k", "I", "-n", "mode=tap,guest_mac=01:00:5e:00:00:01" } },
	{ "net-zero-mac", { "-k", "I", "-n", "mode=tap,guest_mac=00:00:00:00:00:00" } },
	{ "net-lkvm-keys", { "-k", "I", "-n", "mode=tap,trans=mmio" } },
	{ "net-unknown-key", { "-k", "I", "-n", "mode=user,bogus=1" } },
	{ "net-no-mode", { "-k", "I", "-n", "tapif=tap0" } },
	{ "net-none-more", { "-k", "I", "-n", "mode=none,guest_mac=02:00:00:00:00:02" } },
	{ "net-empty-item", { "-k", "I", "-n", "mode=user,,hostfwd=tcp:1:1" } },
	{ "net-passt-nosocket", { "-k", "I", "-n", "mode=passt" } },
	{ "net-tapif-long", { "-k", "I", "-n", "mode=tap,tapif=abcdefghijklmnopq" } },
	{ "many-disks", { "-k", "I", "-d", "0", "-d", "1", "-d", "2", "-d", "3", "-d", "4",
			  "-d", "5", "-d", "6", "-d", "7", "-d", "8", "-d", "9", "-d", "10",
			  "-d", "11", "-d", "12", "-d", "13", "-d", "14", "-d", "15", "-d",
			  "16", "-n", "mode=none", "--rng" } },
	{ "control-bytes", { "-k", "I", "-m", "1\n2" } },
	{ "control-bytes-net", { "-k", "I", "-n", "mode=\x1b[31mred" } },
	{ "utf8", { "-k", "Ima\xc3\xa9ge", "--name", "caf\xc3\xa9" } },
};

int main(int argc, char **argv)
{
	char path[4096];
	size_t i, j;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_options_corpus DIR\n");
		return 2;
	}
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", argv[1], seeds[i].name);
		f = fopen(path, "wb");
		if (!f) {
			fprintf(stderr, "gen_options_corpus: %s: %s\n", path, strerror(errno));
			return 1;
		}
		/* each argument ends with its NUL */
		for (j = 0; j < MAX_SEED_ARGS && seeds[i].argv[j]; j++)
			fwrite(seeds[i].argv[j], 1, strlen(seeds[i].argv[j]) + 1, f);
		if (fclose(f)) {
			fprintf(stderr, "gen_options_corpus: %s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	return 0;
}
