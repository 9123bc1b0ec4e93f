// SPDX-License-Identifier: GPL-2.0
/*
 * gen_ctl_corpus.c - writes fuzz_ctl's seed corpus: gen_ctl_corpus DIR.
 *
 * fuzz_ctl gives every input to each parser, so the seeds are of three
 * kinds, named by their prefix: req-* what a client sends (each request,
 * CR LF, the length limit, NULs, junk, every malformed powerdown),
 * reply-* what a VM answers (each reply of ours, escapes, keys that are
 * prefixes of others or hide inside values, nesting, a reply cut short),
 * map-* System.map and kallsyms lines (huge addresses, malformed ones).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEED(name, bytes)	{ name, bytes, sizeof(bytes) - 1 }

static const struct {
	const char	*name;
	const char	*bytes;
	size_t		len;
} seeds[] = {
	SEED("req-info", "info\n"),
	SEED("req-stat-crlf", "stat\r\n"),
	SEED("req-regs", "regs\n"),
	SEED("req-pause", "pause\n"),
	SEED("req-resume", "resume\n"),
	SEED("req-stop", "stop\n"),
	SEED("req-powerdown-30", "powerdown 30\n"),
	SEED("req-powerdown-max", "powerdown 31622400\r\n"),
	SEED("req-powerdown-over", "powerdown 31622401\n"),
	SEED("req-powerdown-0", "powerdown 0\n"),
	SEED("req-powerdown-neg", "powerdown -1\n"),
	SEED("req-powerdown-wrap", "powerdown 4294967297\n"),
	SEED("req-powerdown-junk", "powerdown 5x\n"),
	SEED("req-powerdown-lead0", "powerdown 05\n"),
	SEED("req-powerdown-none", "powerdown\n"),
	SEED("req-powerdown-tab", "powerdown\t5\n"),
	SEED("req-empty", "\n"),
	SEED("req-empty-crlf", "\r\n"),
	SEED("req-unknown", "garbage!!\n"),
	SEED("req-nul-inside", "stop\0junk\n"),
	SEED("req-nul-before-nl", "stop\0\n"),
	SEED("req-nul-after-nl", "info\n\0"),
	SEED("req-two", "info\nstop\n"),
	SEED("req-half", "st"),
	SEED("req-binary", "\xff\xfe\x01\x02\r\r\n"),
	SEED("reply-info",
	     "{\"ok\":true,\"name\":\"ctl1\",\"pid\":4242,\"state\":\"running\",\"vcpus\":2,"
	     "\"memory_mib\":64,\"uptime_s\":12.5,\"hypervisor\":\"/dev/kvm\","
	     "\"kernel\":\"/firmware/idle.img\"}\n"),
	SEED("reply-stat",
	     "{\"ok\":true,\"name\":\"a\",\"pid\":1,\"state\":\"paused\",\"vcpus\":1,"
	     "\"memory_mib\":64,\"uptime_s\":0.0,\"hypervisor\":\"/dev/vmm\",\"kernel\":\"\","
	     "\"rss_kib\":9000,\"vcpu_stats\":[{\"id\":0,\"run_s\":1.250,\"exits_mmio\":3,"
	     "\"exits_system_event\":0,\"interrupted\":1}],\"text\":\"a: paused, 1 vCPUs\\n"
	     "vcpu 0: 1.250 s in KVM_RUN\\n\"}\n"),
	SEED("reply-regs",
	     "{\"ok\":true,\"vcpus\":[{\"id\":0,\"pc\":\"0xffff800080010000\",\"pstate\":\"0x3c5\","
	     "\"x\":[\"0x0\",\"0x1\"]}],\"text\":\"vcpu 0: pc 0xffff800080010000 pstate "
	     "0x000003c5 (EL1h)\\n\"}\n"),
	SEED("reply-error", "{\"ok\":false,\"error\":\"unknown request (info, stat, regs, pause, "
	     "resume, powerdown SECONDS, stop)\"}\n"),
	SEED("reply-powerdown", "{\"ok\":true,\"state\":\"powering-down\",\"grace_s\":30}\n"),
	SEED("reply-escapes", "{\"ok\":true,\"text\":\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u0041"
	     "\\u00e9\\u0000\\uD83D\\uDE00\xc3\xa9\"}\n"),
	SEED("reply-bad-escape", "{\"ok\":true,\"text\":\"\\x41\\u12G4\"}\n"),
	SEED("reply-prefix-keys", "{\"paused_state\":\"a\",\"state_x\":1,\"stat\":2,"
	     "\"state\":\"d\",\"ok\":true}\n"),
	SEED("reply-key-in-value", "{\"kernel\":\"/x\\\"text\\\":\\\"evil\\\",\\\"ok\\\":true\","
	     "\"ok\":false,\"text\":\"real\"}\n"),
	SEED("reply-escaped-key", "{\"st\\u0061te\":\"x\",\"\\u006fk\":true}\n"),
	SEED("reply-whitespace", " \t{ \"ok\" : true ,\n\"state\" : \"paused\" }\r\n"),
	SEED("reply-numbers", "{\"a\":-0.5e+3,\"b\":0,\"c\":1E9,\"d\":null,\"e\":false,"
	     "\"f\":01,\"ok\":true}\n"),
	SEED("reply-nested", "{\"o\":{\"a\":[1,[2,{\"b\":\"]}\"}]],\"c\":{}},\"x\":[],"
	     "\"ok\":true}\n"),
	SEED("reply-deep", "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"
	     "\"ok\":true}\n"),
	SEED("reply-cut-string", "{\"ok\":true,\"text\":\"vcpu 0: pc 0x"),
	SEED("reply-cut-number", "{\"ok\":true,\"pid\":42"),
	SEED("reply-duplicate", "{\"ok\":false,\"ok\":true,\"error\":\"a\",\"error\":\"b\"}\n"),
	SEED("map-system-map",
	     "0000000000000000 A _kernel_size_le_lo32\n"
	     "ffff800080000000 t _head\n"
	     "ffff800080010000 T _text\n"
	     "ffff800080010000 T do_one_initcall\n"
	     "ffff800080010100 W arch_cpu_idle\n"
	     "ffff800080010200 t __func__.1234\n"
	     "ffff800080020000 D _data\n"),
	SEED("map-kallsyms", "ffff8000012a0000 t vmm_init\t[vmm]\r\n"
	     "ffff8000012a0040 T vmm_exit\t[vmm]\r\n"),
	SEED("map-huge", "ffffffffffffffff T top\n10000000000000000 T over\n"
	     "00000000000000000 T zeros\n"),
	SEED("map-malformed", "0xffff T hex\n-1 T neg\n ffff T lead\nffff TT two\n"
	     "ffff T\nffff T na\x01me\nffff\n\n"),
};

static int put(const char *dir, const char *name, const char *bytes, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(bytes, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "gen_ctl_corpus: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* @n bytes of 'a', then @tail: the length limit's edges. */
static int put_long(const char *dir, const char *name, size_t n, const char *tail)
{
	size_t t = strlen(tail);
	char *b = malloc(n + t);
	int ret;

	if (!b)
		return -1;
	memset(b, 'a', n);
	memcpy(b + n, tail, t);
	ret = put(dir, name, b, n + t);
	free(b);
	return ret;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_ctl_corpus DIR\n");
		return 2;
	}
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		if (put(argv[1], seeds[i].name, seeds[i].bytes, seeds[i].len))
			return 1;
	if (put_long(argv[1], "req-len-255", 254, "\n") ||
	    put_long(argv[1], "req-len-255-crlf", 253, "\r\n") ||
	    put_long(argv[1], "req-len-256", 255, "\n") ||
	    put_long(argv[1], "req-len-300", 300, "\n"))
		return 1;
	return 0;
}
