// SPDX-License-Identifier: GPL-2.0
/*
 * gen_gdb_corpus.c - writes fuzz_gdb's seed corpus: gen_gdb_corpus DIR.
 *
 * Each seed is fuzz_gdb's header (vCPUs, guest debug, chunk size, caps,
 * each vCPU's translation regime) and a stream: what a debugger sends,
 * packets framed with their checksums as gdb frames them, and harness
 * commands (0xff ...: debug exits, a descriptor or a register changed, a
 * new chunk size, the VM's end, a new debugger, a pause that fails, the
 * guest rewriting its code, vmm pause and resume).  session-* are whole sessions as gdb 13
 * drives them, pkt-* one packet type each, exit-* the debug exits,
 * bad-* malformed input, pt-* translation tables and registers changed
 * under the walker.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the header */
#define CPUS(n)		((n) - 1)
#define NO_DEBUG	4
#define CHUNK(n)	((n) << 3)
#define CAPS(b, w)	((b) | (w) << 4)
#define FLAT		0
#define LINUX		1
#define FIRMWARE	2
#define PAGES64K	3
#define REGIMES(a, b, c, d)	((a) | (b) << 2 | (c) << 4 | (d) << 6)

/* fuzz_gdb's exit kinds and FAR bases */
enum { X_BRK, X_WARN, X_HWBP, X_STEP, X_WATCH, X_WATCH_CUR, X_BKPT32, X_SVC };
enum { FAR_KERNEL, FAR_RAM, FAR_ZERO, FAR_TOP };

#define R_PC		32
#define R_CPSR		33
#define R_SCTLR		(69 + 6)
#define R_TCR		(69 + 7)
#define R_TTBR0		(69 + 8)
#define R_TTBR1		(69 + 9)
#define R_ELR		(69 + 2)
#define R_VBAR		(69 + 11)

static const char *dir;
static unsigned char buf[1 << 17];
static size_t len;
static unsigned int seeds;

static void byte(unsigned char c)
{
	if (len >= sizeof(buf)) {
		fprintf(stderr, "gen_gdb_corpus: a seed too big\n");
		exit(1);
	}
	buf[len++] = c;
}

/* stream bytes: 0xff doubled */
static void data(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		byte(b[i]);
		if (b[i] == 0xff)
			byte(0xff);
	}
}

static void str(const char *s)
{
	data(s, strlen(s));
}

static void header(unsigned char a, unsigned char caps, unsigned char regimes)
{
	len = 0;
	byte(a);
	byte(caps);
	byte(regimes);
}

/* "$<payload>#<checksum>" */
static void pktn(const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char sum = 0;
	char cs[3];
	size_t i;

	for (i = 0; i < n; i++)
		sum += (unsigned char)p[i];
	str("$");
	data(p, n);
	cs[0] = '#';
	cs[1] = hex[sum >> 4];
	cs[2] = hex[sum & 15];
	data(cs, 3);
}

static void pkt(const char *p)
{
	pktn(p, strlen(p));
}

static void __attribute__((format(printf, 1, 2))) pktf(const char *fmt, ...)
{
	char s[0x5000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	pkt(s);
}

/* gdb's ack of the reply to its last packet */
static void ack(void)
{
	str("+");
}

static void u64le(uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		byte(v >> 8 * i);
}

static void cmd_exit(unsigned int cpu, unsigned int kind, unsigned int base, unsigned int far)
{
	byte(0xff);
	byte(0);
	byte(cpu);
	byte(kind | base << 3);
	byte(far);
	byte(far >> 8);
}

static void cmd_poke(unsigned int idx, uint64_t v)
{
	byte(0xff);
	byte(1);
	byte(idx);
	byte(idx >> 8);
	u64le(v);
}

static void cmd_reg(unsigned int cpu, unsigned int r, uint64_t v)
{
	byte(0xff);
	byte(2);
	byte(cpu);
	byte(r);
	u64le(v);
}

static void cmd_chunk(unsigned int n)
{
	byte(0xff);
	byte(3);
	byte(n);
}

static void cmd_vm_ended(unsigned int status)
{
	byte(0xff);
	byte(4);
	byte(status);
}

static void cmd_reattach(void)
{
	byte(0xff);
	byte(5);
}

static void cmd_pause_fails(void)
{
	byte(0xff);
	byte(6);
}

static void cmd_code(unsigned int word, uint32_t w)
{
	byte(0xff);
	byte(7);
	byte(word);
	byte(word >> 8);
	byte(w);
	byte(w >> 8);
	byte(w >> 16);
	byte(w >> 24);
}

static void cmd_vmm_pause(void)
{
	byte(0xff);
	byte(8);
}

static void cmd_vmm_resume(void)
{
	byte(0xff);
	byte(9);
}

static void seed(const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "gen_gdb_corpus: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	seeds++;
	len = 0;
}

/* gdb 13 connecting: the probes and the questions it asks first */
static void gdb_hello(bool noack)
{
	ack();
	pkt("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;"
	    "vfork-events+;exec-events+;vContSupported+;QThreadEvents+;no-resumed+;"
	    "memory-tagging+;xmlRegisters=i386");
	ack();
	pkt("vMustReplyEmpty");
	ack();
	if (noack) {
		pkt("QStartNoAckMode");
		ack();
	}
	pkt("Hg0");
	pkt("qXfer:features:read:target.xml:0,ffb");
	pkt("qXfer:features:read:target.xml:ffb,ffb");
	pkt("qXfer:features:read:target.xml:1ff6,ffb");
	pkt("qTStatus");
	pkt("?");
	pkt("qfThreadInfo");
	pkt("qsThreadInfo");
	pkt("qAttached");
	pkt("Hc-1");
	pkt("qC");
	pkt("qOffsets");
	pkt("g");
	pkt("qSymbol::");
}

static void sessions(void)
{
	/* MMU off, as at --gdb-wait: a breakpoint, continue, hit, step over it, Ctrl-C, detach */
	header(CPUS(2) | CHUNK(0), CAPS(6, 4), REGIMES(FLAT, FLAT, 0, 0));
	gdb_hello(true);
	pkt("m80001000,4");
	pkt("m80000ffc,8");
	pkt("Z0,80001004,4");
	pkt("vCont?");
	pkt("vCont;c");
	cmd_reg(0, R_PC, 0x80001004);
	cmd_exit(0, X_BRK, FAR_ZERO, 0);
	pkt("g");
	pkt("z0,80001004,4");
	pkt("vCont;s:1;c");
	cmd_reg(0, R_PC, 0x80001008);
	cmd_exit(0, X_STEP, FAR_ZERO, 0);
	pkt("Z0,80001004,4");
	pkt("vCont;c");
	str("\x03");
	pkt("qfThreadInfo");
	pkt("qsThreadInfo");
	pkt("Hg2");
	pkt("g");
	pkt("z0,80001004,4");
	pkt("D");
	seed("session-gdb13-flat");

	/* Linux: kernel text, linear map, breakpoints, a watchpoint, steps, phys */
	header(CPUS(2) | CHUNK(0), CAPS(6, 4), REGIMES(LINUX, LINUX, 0, 0));
	gdb_hello(true);
	pkt("mffff800008001000,40");
	pkt("mffff000000001000,40");
	pkt("m80001000,40");
	pkt("m5a00000080001000,8");
	pkt("mffff800008000ff8,10");
	pkt("p4b");
	pkt("p4c");
	pkt("p4d");
	pkt("p4e");
	pkt("Z0,ffff800008001004,4");
	pkt("Z1,ffff800008002000,4");
	pkt("Z2,ffff800009a3c010,8");
	pkt("Z3,ffff800009a3c020,4");
	pkt("vCont;c");
	cmd_reg(1, R_PC, 0xffff800008001004ULL);
	cmd_exit(1, X_BRK, FAR_ZERO, 0);
	pkt("qC");
	pkt("mffff800008001000,8");
	pkt("z0,ffff800008001004,4");
	pkt("vCont;s:2;c");
	cmd_exit(1, X_STEP, FAR_ZERO, 0);
	pkt("Z0,ffff800008001004,4");
	pkt("vCont;c");
	cmd_exit(0, X_WATCH, FAR_KERNEL, 0x14);
	pkt("z2,ffff800009a3c010,8");
	pkt("vCont;s:1;c");
	cmd_exit(0, X_STEP, FAR_ZERO, 0);
	pkt("Z2,ffff800009a3c010,8");
	pkt("vCont;c");
	cmd_exit(1, X_HWBP, FAR_ZERO, 0);
	pkt("qRcmd,70687973206f6e");		/* monitor phys on */
	pkt("m80001000,10");
	pkt("qRcmd,70687973206f6666");		/* monitor phys off */
	pkt("Mffff000000002000,4:1f2003d5");
	pkt("D");
	seed("session-linux");

	/* the firmware's identity map */
	header(CPUS(1) | CHUNK(0), CAPS(2, 2), REGIMES(FIRMWARE, 0, 0, 0));
	gdb_hello(false);
	pkt("m80001000,20");
	pkt("m80fffff0,20");
	pkt("mffff800008001000,4");
	pkt("Z0,80001008,4");
	pkt("c");
	cmd_reg(0, R_PC, 0x80001008);
	cmd_exit(0, X_BRK, FAR_ZERO, 0);
	pkt("s");
	cmd_exit(0, X_STEP, FAR_ZERO, 0);
	pkt("k");
	seed("session-firmware");

	/* 64K and 16K pages */
	header(CPUS(3) | CHUNK(0), CAPS(4, 4), REGIMES(PAGES64K, PAGES64K, FLAT, 0));
	gdb_hello(true);
	pkt("m80001000,10");
	pkt("m10000,10");
	pkt("m1fff8,10");
	pkt("mffff800000001000,10");
	pkt("mffff800008004000,10");
	pkt("Z0,10004,4");
	pkt("vCont;c");
	cmd_reg(2, R_PC, 0x80010004);
	cmd_exit(2, X_BRK, FAR_ZERO, 0);
	pkt("D");
	seed("session-64k-16k");

	/* vmm.ko: no guest debug */
	header(CPUS(2) | NO_DEBUG, CAPS(0, 0), REGIMES(FLAT, LINUX, 0, 0));
	gdb_hello(true);
	pkt("Z0,80001000,4");
	pkt("Z1,80001000,4");
	pkt("vCont?");
	pkt("vCont;s:1;c");
	pkt("vCont;c");
	str("\x03");
	pkt("Hg2");
	pkt("mffff800008001000,10");
	pkt("D");
	seed("session-no-debug");

	/* the same gdb session, a byte at a time, then 7 at a time */
	header(CPUS(2) | CHUNK(1), CAPS(6, 4), REGIMES(FLAT, LINUX, 0, 0));
	gdb_hello(false);
	cmd_chunk(7);
	pkt("Z0,80001000,4");
	pkt("vCont;c");
	cmd_exit(0, X_BRK, FAR_ZERO, 0);
	pkt("D");
	seed("session-chunked");
}

static void packets(void)
{
	static const char x[] = "X80000200,8:}]}\x03}\x04}\x0a\x00\xff" "ab";
	char g[1577];
	int i;

	header(CPUS(1), CAPS(2, 2), 0);
	pkt("qSupported");
	pkt("qSupported:swbreak+;hwbreak+");
	seed("pkt-qsupported");

	header(CPUS(1), CAPS(2, 2), 0);
	for (i = 0; i < 0x2000; i += 0x400)
		pktf("qXfer:features:read:target.xml:%x,400", i);
	pkt("qXfer:features:read:target.xml:0,10000");
	pkt("qXfer:features:read:other.xml:0,100");
	pkt("qXfer:features:read:target.xml:ffffffffffffffff,1");
	seed("pkt-qxfer");

	header(CPUS(4), CAPS(2, 2), 0);
	pkt("qfThreadInfo");
	pkt("qsThreadInfo");
	pkt("qsThreadInfo");
	pkt("qThreadExtraInfo,3");
	pkt("qThreadExtraInfo,5");
	pkt("T4");
	pkt("T5");
	pkt("T0");
	pkt("qC");
	pkt("qAttached");
	pkt("qAttached:1");
	seed("pkt-threads");

	header(CPUS(4), CAPS(2, 2), 0);
	pkt("Hg0");
	pkt("Hg-1");
	pkt("Hg3");
	pkt("Hg5");
	pkt("Hc2");
	pkt("Hc-1");
	pkt("Hx1");
	pkt("H");
	pkt("Hgffffffffffffffffff");
	seed("pkt-h");

	header(CPUS(2), CAPS(2, 2), 0);
	pkt("g");
	memset(g, '0', 1576);
	g[1576] = 0;
	pktf("G%s", g);
	pktf("G%.1574s", g);
	g[33] = 'x';
	pktf("G%s", g);
	seed("pkt-g-G");

	header(CPUS(2), CAPS(2, 2), 0);
	pkt("p0");
	pkt("p20");
	pkt("p21");
	pkt("p22");
	pkt("p43");
	pkt("p53");
	pkt("p54");
	pkt("p100000020");
	pkt("P20=0010008000000000");
	pkt("P21=c5030000");
	pkt("P22=000102030405060708090a0b0c0d0e0f");
	pkt("P4b=0100000000000000");
	pkt("m80001000,4");
	pkt("P21=c503");
	seed("pkt-p-P");

	header(CPUS(1), CAPS(2, 2), 0);
	pkt("m80000000,100");
	pkt("m80000ffe,4");
	pkt("m80fffff0,20");
	pkt("m80000000,100000");
	pkt("m1000,4");
	pkt("mfffffffffffffffc,8");
	pkt("m80000000,0");
	pkt("m80000000");
	pkt("m,4");
	pkt("m10000000000000000,4");
	seed("pkt-m");

	header(CPUS(1), CAPS(2, 2), 0);
	pkt("M80000100,4:11223344");
	pkt("M80000ffe,4:a1a2a3a4");
	pkt("M80000100,0:");
	pkt("M80000100,4:1122");
	pkt("M1000,4:11223344");
	pktn(x, sizeof(x) - 1);
	pkt("X80000300,0:");
	pktn("X80000300,1:}", 13);
	seed("pkt-M-X");

	header(CPUS(2), CAPS(2, 2), REGIMES(FLAT, LINUX, 0, 0));
	pkt("Z0,80001000,4");
	pkt("Z0,80001000,4");
	pkt("m80000ffe,8");
	pkt("M80001000,4:1f2003d5");
	pkt("m80001000,4");
	cmd_code(0x400, 0x12345678);
	pkt("z0,80001000,4");
	pkt("Z0,80001002,4");
	pkt("Z0,1000,4");
	pkt("Hg2");
	pkt("Z0,ffff800008001008,4");
	pkt("Z0,ffff000000001008,4");
	pkt("mffff000000001008,4");
	pkt("Mffff000000001008,4:1f2003d5");
	pkt("z0,ffff800008001008,4");
	pkt("Z0");
	pkt("Z0,80001000");
	pkt("Z7,80001000,4");
	seed("pkt-z0");

	header(CPUS(2), CAPS(2, 2), 0);
	pkt("Z1,ffff800008001000,4");
	pkt("Z1,ffff800008002000,4");
	pkt("Z1,ffff800008003000,4");
	pkt("z1,ffff800008001000,4");
	pkt("Z2,ffff800009a3c010,8");
	pkt("Z3,ffff800009a3c021,2");
	pkt("Z4,ffff800009a3c040,40");
	pkt("Z4,ffff800009a3c037,2");
	pkt("Z2,ffff800009a3c000,18");
	pkt("vCont;c");
	str("\x03");
	pkt("z2,ffff800009a3c010,8");
	pkt("z3,ffff800009a3c021,2");
	pkt("vCont;c");
	str("\x03");
	seed("pkt-z1-z4");

	header(CPUS(3), CAPS(2, 2), 0);
	pkt("vCont?");
	pkt("vCont;c");
	str("\x03");
	pkt("vCont;s:1;c");
	str("\x03");
	pkt("vCont;s:2");
	str("\x03");
	pkt("vCont;C05:3;s:3;c");
	str("\x03");
	pkt("vCont;S05:-1");
	str("\x03");
	pkt("vCont;c:2");
	str("\x03");
	pkt("vCont;");
	pkt("vCont;x");
	pkt("vCont;c:9");
	pkt("vCont;c;");
	seed("pkt-vcont");

	header(CPUS(3), CAPS(2, 2), 0);
	pkt("c");
	str("\x03");
	pkt("c80002000");
	str("\x03");
	pkt("Hc2");
	pkt("s80003000");
	str("\x03");
	pkt("C05");
	str("\x03");
	pkt("S05;80004000");
	str("\x03");
	pkt("cxyz");
	seed("pkt-c-s");

	header(CPUS(1), CAPS(2, 2), REGIMES(LINUX, 0, 0, 0));
	pkt("qRcmd,70687973206f6e");
	pkt("m80001000,4");
	pkt("qRcmd,70687973");
	pkt("qRcmd,68656c70");
	pkt("qRcmd,70687973206f6666");
	pkt("qRcmd,7");
	pkt("qRcmd,zz");
	pkt("Qqemu.PhyMemMode:1");
	pkt("m80001000,4");
	pkt("Qqemu.PhyMemMode:0");
	pkt("Qqemu.PhyMemMode:2");
	seed("pkt-monitor");

	header(CPUS(1), CAPS(2, 2), 0);
	pkt("vKill;1");
	pkt("?");
	seed("pkt-vkill");

	header(CPUS(1), CAPS(2, 2), 0);
	pkt("vMustReplyEmpty");
	pkt("qTStatus");
	pkt("QNonStop:1");
	pkt("vFile:setfs:0");
	pkt("qXfer:exec-file:read::0,fff");
	pkt("qMemTags:80000000,10:1");
	pkt("vCtrlC");
	pkt("!");
	pkt("");
	seed("pkt-unknown");
}

static void exits(void)
{
	/* ours, then the guest's own BRK (given back), then two at once */
	header(CPUS(3), CAPS(2, 2), REGIMES(FLAT, FLAT, LINUX, 0));
	pkt("qSupported:swbreak+;hwbreak+");
	pkt("Z0,80001004,4");
	pkt("vCont;c");
	cmd_reg(1, R_PC, 0x80001004);
	cmd_exit(1, X_BRK, FAR_ZERO, 0);
	pkt("vCont;c");
	cmd_exit(0, X_WARN, FAR_ZERO, 0);
	cmd_reg(2, R_PC, 0xffff800008001004ULL);
	cmd_exit(2, X_BRK, FAR_ZERO, 0);
	cmd_exit(0, X_BRK, FAR_ZERO, 0);
	pkt("D");
	cmd_exit(1, X_BRK, FAR_ZERO, 0);
	seed("exit-brk");

	header(CPUS(2), CAPS(2, 2), 0);
	pkt("qSupported:hwbreak+");
	pkt("Z1,80001000,4");
	pkt("vCont;c");
	cmd_exit(1, X_HWBP, FAR_ZERO, 0);
	pkt("vCont;c");
	cmd_exit(0, X_BKPT32, FAR_ZERO, 0);
	cmd_exit(1, X_SVC, FAR_ZERO, 0);
	str("\x03");
	seed("exit-hwbp-other");

	header(CPUS(2), CAPS(2, 4), 0);
	pkt("Z2,ffff800009a3c010,8");
	pkt("Z3,ffff800009a3c100,4");
	pkt("Z4,ffff800009a3c200,2");
	pkt("vCont;c");
	cmd_exit(0, X_WATCH, FAR_KERNEL, 0x14);
	pkt("vCont;c");
	cmd_exit(1, X_WATCH_CUR, FAR_KERNEL, 0x101);
	pkt("vCont;c");
	cmd_exit(1, X_WATCH, FAR_KERNEL, 0x0);
	pkt("vCont;c");
	cmd_exit(1, X_WATCH, FAR_TOP, 0xffff);
	pkt("vCont;c");
	cmd_exit(1, X_WATCH, FAR_ZERO, 0);
	seed("exit-watch");

	/* steps: a plain one, over msr daifset (word 0x401), into the vectors, inside them */
	header(CPUS(2), CAPS(2, 2), 0);
	pkt("vCont;s:1;c");
	cmd_reg(0, R_PC, 0x80001004);
	cmd_exit(0, X_STEP, FAR_ZERO, 0);
	pkt("vCont;s:2;c");
	cmd_exit(0, X_STEP, FAR_ZERO, 0);
	cmd_exit(1, X_STEP, FAR_ZERO, 0);
	cmd_reg(0, R_PC, 0x80001018);		/* svc */
	cmd_reg(0, R_CPSR, 0);
	pkt("Hc1");
	pkt("s");
	cmd_reg(0, R_PC, 0x80008400);		/* the SVC taken: EL0's vector, ELR after it */
	cmd_reg(0, R_ELR, 0x8000101c);
	cmd_reg(0, R_CPSR, 0x3c5);
	cmd_exit(0, X_STEP, FAR_ZERO, 0);
	pkt("s");
	cmd_reg(0, R_PC, 0x80008404);
	cmd_exit(0, X_STEP, FAR_ZERO, 0);
	cmd_reg(0, R_PC, 0x80001004);		/* msr daifset */
	pkt("s");
	cmd_exit(0, X_STEP, FAR_ZERO, 0);
	pkt("vCont;s:1");
	pkt("D");
	seed("exit-step");

	header(CPUS(2), CAPS(2, 2), 0);
	cmd_exit(1, X_HWBP, FAR_ZERO, 0);	/* while stopped: it waits */
	pkt("?");
	pkt("vCont;c");
	cmd_pause_fails();
	cmd_exit(1, X_HWBP, FAR_ZERO, 0);
	cmd_pause_fails();
	str("\x03");
	str("\x03");
	pkt("?");
	seed("exit-pause-fails");

	header(CPUS(4), CAPS(2, 2), 0);
	str("\x03");
	pkt("Hc3");
	pkt("vCont;c");
	pkt("g");
	pkt("m80000000,4");
	pkt("Z0,80001000,4");
	str("\x03");
	pkt("?");
	seed("ctrlc");
}

static void malformed(void)
{
	static char big[0x4010];
	int i;

	header(CPUS(1), CAPS(2, 2), 0);
	str("$?#00$?#zz$?#3z$?#3F");
	seed("bad-checksum");

	header(CPUS(1), CAPS(2, 2), 0);
	str("-");
	pkt("qC");
	str("---+");
	pkt("QStartNoAckMode");
	str("-");
	str("$?#00");
	pkt("qC");
	seed("bad-nack-noack");

	header(CPUS(1), CAPS(2, 2), 0);
	memset(big, 'a', sizeof(big));
	big[0] = 'q';
	pktn(big, 0x4000);
	pktn(big, 0x4001);
	pktn(big, sizeof(big));
	pkt("qC");
	seed("bad-oversized");

	header(CPUS(1), CAPS(2, 2), 0);
	str("$qAttached$?#3f");
	str("garbage\x01\x7f\xff+#00");
	str("$qC#b4$qAttached#8f");
	str("$$$$#00");
	str("$");
	seed("bad-framing");

	header(CPUS(1), CAPS(2, 2), 0);
	pktn("m8000\0" "0000,4", 12);
	pktn("X80000000,4:\0\0\0\0", 16);
	pktn("qRcmd,\0", 7);
	pktn("Hg\0", 3);
	seed("bad-nul");

	header(CPUS(1), CAPS(2, 2), 0);
	pktn("X80000000,4:}}}}", 16);
	pktn("X80000000,2:}}}", 15);
	pktn("X80000000,ffffffffffffffff:a", 28);
	pkt("M80000000,ffffffffffffffff:aa");
	pkt("Mffffffffffffffff,2:aabb");
	pkt("mffffffffffffffff,ffffffffffffffff");
	seed("bad-memory");

	header(CPUS(2), CAPS(2, 2), 0);
	pkt("vCont;c");
	pkt("?");
	pkt("G00");
	pkt("vCont;c");
	cmd_vm_ended(0);
	pkt("?");
	cmd_reattach();
	pkt("?");
	cmd_vm_ended(3);
	seed("bad-after-end");

	/* vmm pause before gdb came, while it runs, and vmm resume */
	header(CPUS(2), CAPS(2, 2), 0);
	pkt("D");
	cmd_vmm_pause();
	cmd_reattach();
	pkt("?");
	pkt("D");
	cmd_reattach();
	pkt("vCont;c");
	cmd_vmm_pause();
	cmd_exit(1, X_WARN, FAR_ZERO, 0);
	cmd_exit(0, X_HWBP, FAR_ZERO, 0);
	pkt("vCont;c");
	cmd_vmm_pause();
	str("\x03");
	pkt("vCont;c");
	cmd_vmm_pause();
	cmd_vmm_resume();
	pkt("D");
	seed("vmm-pause");

	/* a debugger leaving while the VM will not pause: guest debug off at the next pause */
	header(CPUS(2), CAPS(2, 2), 0);
	pkt("Z0,80001000,4");
	pkt("Z1,80002000,4");
	pkt("vCont;s:1;c");
	cmd_pause_fails();
	pkt("D");
	cmd_exit(0, X_BRK, FAR_ZERO, 0);
	cmd_reattach();
	pkt("m80001000,4");
	seed("detach-no-pause");

	header(CPUS(2), CAPS(2, 2), 0);
	pkt("Z0,80001000,4");
	cmd_reattach();
	pkt("m80001000,4");
	pkt("vCont;c");
	cmd_reattach();
	pkt("?");
	seed("reattach");

	header(CPUS(1), CAPS(2, 2), 0);
	for (i = 0; i < 300; i++)
		pktf("Z0,%x,4", 0x80002000 + 4 * i);
	pkt("D");
	seed("bad-too-many-bps");
}

static void tables(void)
{
	/* a table that points at itself; a descriptor to outside RAM; a level-0 block */
	header(CPUS(2), CAPS(2, 2), REGIMES(LINUX, LINUX, 0, 0));
	cmd_poke(0, 0x800c0000ULL | 3);		/* the linear map's L0 entry: its own table */
	pkt("mffff000000001000,10");
	cmd_poke(0x100, 0x7f0000000000ULL | 3);
	pkt("mffff800008001000,10");
	cmd_poke(0x100, 0x8000000000ULL | 0x401);
	pkt("mffff800008001000,10");
	seed("pt-poke");

	/* TCR and friends changed under the walker: 16K, TBI, EPD, the MMU off */
	header(CPUS(2), CAPS(2, 2), REGIMES(LINUX, PAGES64K, 0, 0));
	cmd_reg(0, R_TCR, 16 | 16ULL << 16 | 1ULL << 30 | 2ULL << 14 | 5ULL << 32);
	pkt("mffff800008001000,10");
	cmd_reg(0, R_TCR, 16 | 16ULL << 16 | 2ULL << 30 | 5ULL << 32 | 3ULL << 37 | 1 << 7);
	pkt("m5aff800008001000,10");
	pkt("m80001000,10");
	cmd_reg(1, R_TCR, 12 | 1ULL << 14 | 6ULL << 32);
	pkt("Hg2");
	pkt("m10000,10");
	cmd_reg(1, R_TTBR0, 0x800d003cULL);
	pkt("m10000,10");
	cmd_reg(0, R_SCTLR, 0);
	pkt("Hg1");
	pkt("mffff800008001000,10");
	seed("pt-regs");

	/* a step's PC that does not translate; VBAR at the top */
	header(CPUS(1), CAPS(2, 2), REGIMES(LINUX, 0, 0, 0));
	cmd_reg(0, R_PC, 0xffff800010000000ULL);
	cmd_reg(0, R_VBAR, 0xfffffffffffff800ULL);
	pkt("s");
	cmd_reg(0, R_PC, 0xfffffffffffffc00ULL);
	cmd_exit(0, X_STEP, FAR_ZERO, 0);
	seed("pt-step-unmapped");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR: write fuzz_gdb's seeds into DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	sessions();
	packets();
	exits();
	malformed();
	tables();
	printf("gen_gdb_corpus: %u seeds in %s\n", seeds, dir);
	return 0;
}
