// SPDX-License-Identifier: GPL-2.0
/*
 * test_ctlproto.c - the control socket's protocol (vmm/ctlproto.c): a
 * request framed from what recv() gave and parsed, a JSON string written
 * and read back, a reply's fields, a System.map line; malformed input of
 * each kind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/vmm.h"
#include "unit.h"

/* ---- framing ---------------------------------------------------------------- */

static enum ctl_frame frame_len(const char *buf, size_t len, size_t *req_len)
{
	*req_len = (size_t)-1;
	return ctl_request__frame(buf, len, req_len);
}

#define FRAME(s, req_len)	frame_len(s, sizeof(s) - 1, req_len)

/* @n bytes of 'a' then @tail (a string), in a malloc'ed buffer of exactly that size. */
static char *long_line(size_t n, const char *tail, size_t *len)
{
	size_t t = strlen(tail);
	char *b = malloc(n + t);

	ck_assert_ptr_nonnull(b);
	memset(b, 'a', n);
	memcpy(b + n, tail, t);
	*len = n + t;
	return b;
}

/*
 * A connection as on_conn() serves it: chunks appended while there is
 * room, the bytes framed after each; what it came to and after which
 * chunk (1-based; 0: still MORE at the end).
 */
struct conn {
	char	buf[CTL_REQUEST_MAX];
	size_t	len;
};

static enum ctl_frame feed(struct conn *c, const char *const *chunks, size_t *req_len,
			   unsigned int *after)
{
	enum ctl_frame r = CTL_FRAME_MORE;
	unsigned int i;

	c->len = 0;
	*after = 0;
	for (i = 0; chunks[i]; i++) {
		size_t n = strlen(chunks[i]), room = sizeof(c->buf) - c->len;

		ck_assert_uint_gt(room, 0);	/* a full buffer was never MORE */
		n = n < room ? n : room;	/* recv() takes what fits */
		memcpy(c->buf + c->len, chunks[i], n);
		c->len += n;
		r = ctl_request__frame(c->buf, c->len, req_len);
		if (r != CTL_FRAME_MORE) {
			*after = i + 1;
			return r;
		}
	}
	return r;
}

START_TEST(frame_complete_lines)
{
	size_t n;

	ck_assert_int_eq(FRAME("info\n", &n), CTL_FRAME_LINE);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(FRAME("info\r\n", &n), CTL_FRAME_LINE);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(FRAME("powerdown 30\r\n", &n), CTL_FRAME_LINE);
	ck_assert_uint_eq(n, 12);
	/* one '\r' only is the line end's */
	ck_assert_int_eq(FRAME("info\r\r\n", &n), CTL_FRAME_LINE);
	ck_assert_uint_eq(n, 5);
	/* a '\r' elsewhere is the request's */
	ck_assert_int_eq(FRAME("in\rfo\n", &n), CTL_FRAME_LINE);
	ck_assert_uint_eq(n, 5);
}
END_TEST

START_TEST(frame_empty_lines)
{
	size_t n;

	ck_assert_int_eq(FRAME("\n", &n), CTL_FRAME_LINE);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(FRAME("\r\n", &n), CTL_FRAME_LINE);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(FRAME("", &n), CTL_FRAME_MORE);
	ck_assert_int_eq(frame_len(NULL, 0, &n), CTL_FRAME_MORE);
}
END_TEST

START_TEST(frame_needs_more)
{
	size_t n;

	ck_assert_int_eq(FRAME("info", &n), CTL_FRAME_MORE);
	ck_assert_int_eq(FRAME("info\r", &n), CTL_FRAME_MORE);
	ck_assert_uint_eq(n, (size_t)-1);	/* untouched */
	/* a NUL is judged when the line ends, as a long line is */
	ck_assert_int_eq(FRAME("st\0", &n), CTL_FRAME_MORE);
}
END_TEST

/* Only the first line counts: one request a connection. */
START_TEST(frame_ignores_what_follows)
{
	size_t n;

	ck_assert_int_eq(FRAME("info\nstop\n", &n), CTL_FRAME_LINE);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(FRAME("info\n\0\0", &n), CTL_FRAME_LINE);
	ck_assert_uint_eq(n, 4);
}
END_TEST

/* 255 bytes with the '\n': a request; 256: too long; the count ends at 255. */
START_TEST(frame_length_limit)
{
	size_t len, n;
	char *b;

	b = long_line(254, "\n", &len);		/* 255 bytes */
	ck_assert_int_eq(frame_len(b, len, &n), CTL_FRAME_LINE);
	ck_assert_uint_eq(n, 254);
	free(b);

	b = long_line(253, "\r\n", &len);	/* 255 bytes */
	ck_assert_int_eq(frame_len(b, len, &n), CTL_FRAME_LINE);
	ck_assert_uint_eq(n, 253);
	free(b);

	b = long_line(255, "\n", &len);		/* 256 bytes */
	ck_assert_int_eq(frame_len(b, len, &n), CTL_FRAME_TOO_LONG);
	ck_assert_int_eq(frame_len(b, len - 1, &n), CTL_FRAME_TOO_LONG);
	free(b);

	b = long_line(254, "\r\n", &len);	/* 256 bytes, its '\n' past the room */
	ck_assert_int_eq(frame_len(b, len, &n), CTL_FRAME_TOO_LONG);
	free(b);

	b = long_line(254, "", &len);
	ck_assert_int_eq(frame_len(b, len, &n), CTL_FRAME_MORE);
	free(b);

	b = long_line(300, "\n", &len);
	ck_assert_int_eq(frame_len(b, len, &n), CTL_FRAME_TOO_LONG);
	free(b);

	/* bytes past the room are never read: a '\n' there changes nothing */
	b = long_line(CTL_REQUEST_MAX, "\n", &len);
	ck_assert_int_eq(frame_len(b, CTL_REQUEST_MAX, &n), CTL_FRAME_TOO_LONG);
	free(b);
}
END_TEST

START_TEST(frame_nul)
{
	size_t n;

	ck_assert_int_eq(FRAME("st\0op\n", &n), CTL_FRAME_NUL);
	ck_assert_int_eq(FRAME("\0\n", &n), CTL_FRAME_NUL);
	ck_assert_int_eq(FRAME("\0\r\n", &n), CTL_FRAME_NUL);
	/* just before the line end: the old check took "stop\0\n" for "stop" */
	ck_assert_int_eq(FRAME("stop\0\n", &n), CTL_FRAME_NUL);
	ck_assert_int_eq(FRAME("stop\0\r\n", &n), CTL_FRAME_NUL);
	ck_assert_int_eq(FRAME("stop\r\0\n", &n), CTL_FRAME_NUL);
}
END_TEST

START_TEST(frame_split_reads)
{
	static const char *const bytewise[] = {
		"p", "o", "w", "e", "r", "d", "o", "w", "n", " ", "3", "0", "\r", "\n", NULL,
	};
	static const char *const halves[] = { "pow", "erdown 3", "0\r", "\n", "stop\n", NULL };
	static const char *const half_only[] = { "st", "o", NULL };
	static const char *const nul_late[] = { "st", "\0", NULL };
	struct ctl_request req;
	struct conn c;
	unsigned int after;
	size_t n;

	ck_assert_int_eq(feed(&c, bytewise, &n, &after), CTL_FRAME_LINE);
	ck_assert_uint_eq(after, 14);
	ck_assert_uint_eq(n, 12);
	c.buf[n] = 0;
	ck_assert_int_eq(ctl_request__parse(c.buf, &req), 0);
	ck_assert_int_eq(req.kind, CTL_REQ_POWERDOWN);
	ck_assert_uint_eq(req.grace_s, 30);

	ck_assert_int_eq(feed(&c, halves, &n, &after), CTL_FRAME_LINE);
	ck_assert_uint_eq(after, 4);
	ck_assert_uint_eq(n, 12);

	ck_assert_int_eq(feed(&c, half_only, &n, &after), CTL_FRAME_MORE);
	ck_assert_uint_eq(after, 0);
	/* strlen() of "\0" is 0: nothing appended, still MORE */
	ck_assert_int_eq(feed(&c, nul_late, &n, &after), CTL_FRAME_MORE);
}
END_TEST

/* 300 bytes in three reads: too long once the room is full, on the third. */
START_TEST(frame_split_too_long)
{
	char hundred[101];
	const char *const chunks[] = { hundred, hundred, hundred, "\n", NULL };
	unsigned int after;
	struct conn c;
	size_t n;

	memset(hundred, 'x', 100);
	hundred[100] = 0;
	ck_assert_int_eq(feed(&c, chunks, &n, &after), CTL_FRAME_TOO_LONG);
	ck_assert_uint_eq(after, 3);
	ck_assert_uint_eq(c.len, CTL_REQUEST_MAX);
}
END_TEST

/* Every way to split a request gives what the whole does. */
START_TEST(frame_any_split)
{
	static const char *const inputs[] = {
		"info\n", "stat\r\n", "powerdown 30\n", "\n", "x\0y\n", "ab\r\0\n",
	};
	static const size_t lens[] = { 5, 6, 13, 1, 4, 5 };
	unsigned int i;
	size_t cut, n, whole_n;

	for (i = 0; i < ARRAY_SIZE(inputs); i++) {
		enum ctl_frame whole = ctl_request__frame(inputs[i], lens[i], &whole_n);

		for (cut = 1; cut < lens[i]; cut++) {
			enum ctl_frame first = ctl_request__frame(inputs[i], cut, &n);

			/* the first part is MORE unless it already ends the line */
			if (first != CTL_FRAME_MORE) {
				ck_assert_int_eq(first, whole);
				continue;
			}
			ck_assert_int_eq(ctl_request__frame(inputs[i], lens[i], &n), whole);
			if (whole == CTL_FRAME_LINE)
				ck_assert_uint_eq(n, whole_n);
		}
	}
}
END_TEST

/* ---- requests --------------------------------------------------------------- */

static int parse(const char *line, struct ctl_request *req)
{
	req->kind = (enum ctl_request_kind)-1;
	req->grace_s = 12345;
	return ctl_request__parse(line, req);
}

START_TEST(parse_words)
{
	static const struct {
		const char		*line;
		enum ctl_request_kind	kind;
	} ok[] = {
		{ "info", CTL_REQ_INFO }, { "stat", CTL_REQ_STAT }, { "regs", CTL_REQ_REGS },
		{ "pause", CTL_REQ_PAUSE }, { "resume", CTL_REQ_RESUME }, { "stop", CTL_REQ_STOP },
	};
	struct ctl_request req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		ck_assert_int_eq(parse(ok[i].line, &req), 0);
		ck_assert_int_eq(req.kind, ok[i].kind);
		ck_assert_uint_eq(req.grace_s, 0);
	}
}
END_TEST

START_TEST(parse_unknown)
{
	static const char *const bad[] = {
		"", " ", "info ", " info", "INFO", "Info", "inf", "infos", "info\r", "info\t",
		"stop now", "stat\n", "regs,info", "pause resume", "\x01\x02\x03",
		"\xff\xfe", "garbage!!", "{\"req\":\"info\"}", "powerdown\t5", "powerdown5",
		"powerdownx", "Powerdown 5", "powerdow 5", "power down 5",
	};
	struct ctl_request req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(parse(bad[i], &req) == -EINVAL, "'%s' was taken", bad[i]);
}
END_TEST

START_TEST(parse_powerdown)
{
	struct ctl_request req;
	char line[32];

	ck_assert_int_eq(parse("powerdown 1", &req), 0);
	ck_assert_int_eq(req.kind, CTL_REQ_POWERDOWN);
	ck_assert_uint_eq(req.grace_s, 1);
	ck_assert_int_eq(parse("powerdown 30", &req), 0);
	ck_assert_uint_eq(req.grace_s, 30);
	ck_assert_int_eq(parse("powerdown 10", &req), 0);
	ck_assert_uint_eq(req.grace_s, 10);
	snprintf(line, sizeof(line), "powerdown %u", CTL_POWERDOWN_MAX_S);
	ck_assert_int_eq(parse(line, &req), 0);
	ck_assert_uint_eq(req.grace_s, CTL_POWERDOWN_MAX_S);
	snprintf(line, sizeof(line), "powerdown %u", CTL_POWERDOWN_MAX_S + 1);
	ck_assert_int_eq(parse(line, &req), -ERANGE);
}
END_TEST

/*
 * What sscanf("powerdown %u") took and should not have: a sign ("-1" was
 * 4294967295 s), digits past 32 bits wrapped ("4294967297" was 1 s),
 * junk after the number, other spacing; and what it refused (0, none).
 */
START_TEST(parse_powerdown_malformed)
{
	static const char *const bad[] = {
		"powerdown", "powerdown ", "powerdown 0", "powerdown 00", "powerdown -1",
		"powerdown -0", "powerdown +5", "powerdown 05", "powerdown 5x", "powerdown 5 ",
		"powerdown  5", "powerdown 5 5", "powerdown 5\r", "powerdown 5s",
		"powerdown 99999999999", "powerdown 4294967295", "powerdown 4294967296",
		"powerdown 4294967297", "powerdown 18446744073709551617",
		"powerdown 99999999999999999999999999999999999999", "powerdown 0x10",
		"powerdown 1e3", "powerdown 5.0", "powerdown 5,", "powerdown x",
		"powerdown \xff", "powerdown 31622401",
	};
	struct ctl_request req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_msg(parse(bad[i], &req) == -ERANGE, "'%s' was not -ERANGE", bad[i]);
		ck_assert_uint_eq(req.grace_s, 12345);	/* untouched */
	}
}
END_TEST

/* Whatever `vmm stop --grace` takes, the VM takes as its powerdown. */
START_TEST(parse_powerdown_grace_range)
{
	struct ctl_request req;
	char line[32];
	u64 ns;

	ck_assert_int_eq(parse_duration("8784h", &ns), 0);	/* 366 days */
	snprintf(line, sizeof(line), "powerdown %u", (unsigned int)(ns / 1000000000ULL));
	ck_assert_int_eq(parse(line, &req), 0);
	ck_assert_uint_eq(req.grace_s, CTL_POWERDOWN_MAX_S);
	ck_assert_int_ne(parse_duration("8785h", &ns), 0);
	ck_assert_int_ne(parse_duration("31622401", &ns), 0);
}
END_TEST

/* ---- JSON out and back ------------------------------------------------------- */

static char *put_string(const char *s)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	ctl_json__put_string(f, s);
	fclose(f);
	return out;
}

START_TEST(json_put_escapes)
{
	char *s = put_string("a\"b\\c\nd\te\x1b\x7f\xc3\xa9/");

	ck_assert_str_eq(s, "\"a\\\"b\\\\c\\nd\\u0009e\\u001b\\u007f\xc3\xa9/\"");
	free(s);
	s = put_string("");
	ck_assert_str_eq(s, "\"\"");
	free(s);
}
END_TEST

/* Every byte but NUL survives the way out and back. */
START_TEST(json_round_trip)
{
	char in[256], out[256], *enc, *reply;
	size_t len;
	int i;

	for (i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	in[255] = 0;
	enc = put_string(in);
	len = strlen(enc) + 16;
	reply = malloc(len);
	ck_assert_ptr_nonnull(reply);
	snprintf(reply, len, "{\"v\":%s}\n", enc);
	ck_assert_int_eq(ctl_reply__get(reply, "v", out, sizeof(out)), 0);
	ck_assert_str_eq(out, in);
	free(reply);
	free(enc);
}
END_TEST

/* ---- replies ----------------------------------------------------------------- */

static const char info_reply[] =
	"{\"ok\":true,\"name\":\"ctl1\",\"pid\":4242,\"state\":\"running\",\"vcpus\":2,"
	"\"memory_mib\":64,\"uptime_s\":12.5,\"hypervisor\":\"/dev/kvm\","
	"\"kernel\":\"/firmware/idle.img\"}\n";

static char got[256];

static int get(const char *reply, const char *key)
{
	memset(got, 'Z', sizeof(got));
	return ctl_reply__get(reply, key, got, sizeof(got));
}

START_TEST(reply_info_fields)
{
	ck_assert_int_eq(get(info_reply, "name"), 0);
	ck_assert_str_eq(got, "ctl1");
	ck_assert_int_eq(get(info_reply, "pid"), 0);
	ck_assert_str_eq(got, "4242");
	ck_assert_int_eq(get(info_reply, "state"), 0);
	ck_assert_str_eq(got, "running");
	ck_assert_int_eq(get(info_reply, "uptime_s"), 0);
	ck_assert_str_eq(got, "12.5");
	ck_assert_int_eq(get(info_reply, "kernel"), 0);
	ck_assert_str_eq(got, "/firmware/idle.img");
	ck_assert_int_eq(get(info_reply, "ok"), 0);
	ck_assert_str_eq(got, "true");
	ck_assert(ctl_reply__ok(info_reply));
}
END_TEST

START_TEST(reply_string_escapes)
{
	ck_assert_int_eq(get("{\"t\":\"q\\\"b\\\\s\\/n\\nr\\rt\\tb\\bf\\f\"}", "t"), 0);
	ck_assert_str_eq(got, "q\"b\\s/n\nr\rt\tb\bf\f");
	ck_assert_int_eq(get("{\"t\":\"\\u0041\\u007a\\u001B\\u007f\"}", "t"), 0);
	ck_assert_str_eq(got, "Az\x1b\x7f");
	/* not ASCII, or NUL: '?' each */
	ck_assert_int_eq(get("{\"t\":\"\\u00e9\\u0000\\uD83D\\uDE00\\uffff\"}", "t"), 0);
	ck_assert_str_eq(got, "?????");
	/* raw bytes above ASCII are kept */
	ck_assert_int_eq(get("{\"t\":\"\xc3\xa9\"}", "t"), 0);
	ck_assert_str_eq(got, "\xc3\xa9");
	ck_assert_int_eq(get("{\"t\":\"\"}", "t"), 0);
	ck_assert_str_eq(got, "");
}
END_TEST

START_TEST(reply_bad_escapes)
{
	static const char *const bad[] = {
		"{\"t\":\"\\x41\"}", "{\"t\":\"\\a\"}", "{\"t\":\"\\'\"}", "{\"t\":\"\\u12\"}",
		"{\"t\":\"\\u12G4\"}", "{\"t\":\"\\u\"}", "{\"t\":\"\\", "{\"t\":\"\\u00",
		"{\"t\":\"a\nb\"}", "{\"t\":\"a\tb\"}", "{\"t\":\"\x01\"}",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_msg(get(bad[i], "t") == -EINVAL, "'%s' was taken", bad[i]);
		ck_assert_str_eq(got, "");
	}
}
END_TEST

START_TEST(reply_numbers_and_words)
{
	static const char *const ok[] = {
		"0", "-0", "7", "-12", "3.25", "1e9", "1E+9", "2.5e-3", "-0.0", "true", "false",
		"null",
	};
	static const char *const bad[] = {
		"01", "-", "+1", "1.", ".5", "1e", "1e+", "0x10", "NaN", "inf", "tru", "truex",
		"nul", "True", "1 2", "--1", "",
	};
	char reply[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		snprintf(reply, sizeof(reply), "{\"n\":%s}", ok[i]);
		ck_assert_msg(get(reply, "n") == 0, "%s was refused", reply);
		ck_assert_str_eq(got, ok[i]);
		snprintf(reply, sizeof(reply), "{\"n\" : %s , \"m\":1}", ok[i]);
		ck_assert_msg(get(reply, "n") == 0, "%s was refused", reply);
		ck_assert_str_eq(got, ok[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(reply, sizeof(reply), "{\"n\":%s}", bad[i]);
		ck_assert_msg(get(reply, "n") == -EINVAL, "%s was taken", reply);
	}
}
END_TEST

START_TEST(reply_missing_keys)
{
	ck_assert_int_eq(get(info_reply, "text"), -ENOENT);
	ck_assert_str_eq(got, "");
	ck_assert_int_eq(get(info_reply, ""), -ENOENT);
	ck_assert_int_eq(get("{}", "ok"), -ENOENT);
	ck_assert_int_eq(get(" { } ", "ok"), -ENOENT);
	ck_assert_int_eq(get("{\"\":1}", ""), 0);
	ck_assert_str_eq(got, "1");
}
END_TEST

START_TEST(reply_not_an_object)
{
	static const char *const bad[] = {
		"", "\n", "ok", "[\"ok\",true]", "\"ok\":true", "x{\"ok\":true}", "{ok:true}",
		"{'ok':true}", "{\"ok\" true}", "{\"ok\":}", "{,\"ok\":true}", "{\"ok\":true;}",
		"{\"a\":1 \"ok\":true}", "{\"a\":1,,\"ok\":true}", "{\"a\":[1,}],\"ok\":true}",
		"{\"a\":{\"b\"},\"ok\":true}", "{\"a\":[1 2],\"ok\":true}",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_msg(get(bad[i], "ok") == -EINVAL, "'%s' was taken", bad[i]);
		ck_assert_msg(!ctl_reply__ok(bad[i]), "'%s' is ok", bad[i]);
	}
}
END_TEST

/* A reply cut anywhere is malformed: never a value cut short. */
START_TEST(reply_truncated)
{
	size_t len = strlen(info_reply), cut;
	char *b;

	for (cut = 0; cut < len - 1; cut++) {	/* all but its '\n' */
		int ret;

		b = strndup(info_reply, cut);
		ck_assert_ptr_nonnull(b);
		ret = get(b, "kernel");
		ck_assert_msg(ret == -EINVAL, "cut at %zu: %d '%s'", cut, ret, got);
		ck_assert_str_eq(got, "");
		/* the value read only when its end came */
		ret = get(b, "pid");
		ck_assert_msg(ret == -EINVAL || (ret == 0 && !strcmp(got, "4242")),
			      "cut at %zu: %d '%s'", cut, ret, got);
		ck_assert(!ctl_reply__ok(b) || cut >= strlen("{\"ok\":true,"));
		free(b);
	}
	ck_assert_int_eq(get("{\"text\":\"abc", "text"), -EINVAL);
	ck_assert_int_eq(get("{\"pid\":12", "pid"), -EINVAL);
	ck_assert_int_eq(get("{\"pid\":12 ", "pid"), -EINVAL);
	ck_assert_int_eq(get("{\"pid\":12,", "pid"), 0);
	ck_assert_int_eq(get("{\"a\":1,", "b"), -EINVAL);
	ck_assert_int_eq(get("{\"a\":1", "b"), -EINVAL);
	ck_assert(!ctl_reply__ok("{\"ok\":true"));
	ck_assert(!ctl_reply__ok("{\"ok\":tru"));
	ck_assert(ctl_reply__ok("{\"ok\":true,"));
}
END_TEST

START_TEST(reply_prefix_keys)
{
	static const char r[] =
		"{\"paused_state\":\"a\",\"state_x\":\"b\",\"stat\":\"c\",\"state\":\"d\","
		"\"states\":\"e\"}";

	ck_assert_int_eq(get(r, "state"), 0);
	ck_assert_str_eq(got, "d");
	ck_assert_int_eq(get(r, "stat"), 0);
	ck_assert_str_eq(got, "c");
	ck_assert_int_eq(get(r, "paused_state"), 0);
	ck_assert_str_eq(got, "a");
	ck_assert_int_eq(get(r, "sta"), -ENOENT);
	ck_assert_int_eq(get(r, "ate"), -ENOENT);
	ck_assert_int_eq(get(r, "statesx"), -ENOENT);
	ck_assert_int_eq(get("{\"state_x\":1}", "state"), -ENOENT);
}
END_TEST

/*
 * A key inside a string value, or nested, is not a member: strstr() of
 * "\"pc\":" took the nested one; one in a string only the escaping kept
 * it from.
 */
START_TEST(reply_key_in_value)
{
	/* what a kernel path may hold */
	static const char in_string[] =
		"{\"ok\":true,\"kernel\":\"/x\\\"text\\\":\\\"evil\",\"text\":\"real\"}";
	static const char nested[] =
		"{\"ok\":true,\"vcpus\":[{\"id\":0,\"pc\":\"0x1\",\"x\":[\"0x2\"]}],\"pc\":\"top\"}";

	ck_assert_int_eq(get(in_string, "text"), 0);
	ck_assert_str_eq(got, "real");
	ck_assert_int_eq(get("{\"kernel\":\"\\\"text\\\":\\\"x\"}", "text"), -ENOENT);
	ck_assert(!ctl_reply__ok("{\"kernel\":\"\\\"ok\\\":true\",\"ok\":false}"));
	ck_assert_int_eq(get(nested, "pc"), 0);
	ck_assert_str_eq(got, "top");
	ck_assert_int_eq(get(nested, "id"), -ENOENT);
	ck_assert_int_eq(get(nested, "x"), -ENOENT);
	/* an object or array value is not returned */
	ck_assert_int_eq(get(nested, "vcpus"), -EINVAL);
	ck_assert_str_eq(got, "");
	ck_assert_int_eq(get("{\"o\":{\"a\":1}}", "o"), -EINVAL);
}
END_TEST

START_TEST(reply_escaped_key_whitespace_duplicates)
{
	ck_assert_int_eq(get("{\"st\\u0061te\":\"x\"}", "state"), 0);
	ck_assert_str_eq(got, "x");
	ck_assert_int_eq(get(" \t\r\n{ \"ok\" :\ttrue ,\n\"state\" : \"paused\" }\n", "state"), 0);
	ck_assert_str_eq(got, "paused");
	ck_assert(ctl_reply__ok(" { \"ok\" : true }"));
	/* the first of a name wins */
	ck_assert_int_eq(get("{\"a\":\"1\",\"a\":\"2\"}", "a"), 0);
	ck_assert_str_eq(got, "1");
	/* what comes after the value is not looked at */
	ck_assert_int_eq(get("{\"a\":\"1\",\"b\":", "a"), 0);
}
END_TEST

START_TEST(reply_room)
{
	char out[8];

	memset(out, 'Z', sizeof(out));
	ck_assert_int_eq(ctl_reply__get("{\"t\":\"abcdefghij\"}", "t", out, 4), -ENOSPC);
	ck_assert_str_eq(out, "abc");
	ck_assert_int_eq(out[4], 'Z');
	ck_assert_int_eq(ctl_reply__get("{\"t\":\"abcdefg\"}", "t", out, 8), 0);
	ck_assert_str_eq(out, "abcdefg");
	ck_assert_int_eq(ctl_reply__get("{\"t\":\"abcdefgh\"}", "t", out, 8), -ENOSPC);
	ck_assert_str_eq(out, "abcdefg");
	/* escapes count once unescaped */
	ck_assert_int_eq(ctl_reply__get("{\"t\":\"\\u0041\\n\\\"\"}", "t", out, 4), 0);
	ck_assert_str_eq(out, "A\n\"");
	ck_assert_int_eq(ctl_reply__get("{\"n\":123456789}", "n", out, 8), -ENOSPC);
	ck_assert_str_eq(out, "1234567");
	ck_assert_int_eq(ctl_reply__get("{\"n\":1}", "n", out, 1), -ENOSPC);
	ck_assert_str_eq(out, "");
	memset(out, 'Z', sizeof(out));
	ck_assert_int_eq(ctl_reply__get("{\"n\":1}", "n", out, 0), -ENOSPC);
	ck_assert_int_eq(out[0], 'Z');		/* no room: not written */
	ck_assert_int_eq(ctl_reply__get("{\"n\":1}", "m", out, 0), -ENOENT);
}
END_TEST

/* Nesting is bounded (a reply is walked with recursion). */
START_TEST(reply_deep_nesting)
{
	char reply[256];
	size_t off;
	int depth, i;

	for (depth = 30; depth <= 33; depth++) {
		off = snprintf(reply, sizeof(reply), "{\"a\":");
		for (i = 0; i < depth; i++)
			reply[off++] = '[';
		for (i = 0; i < depth; i++)
			reply[off++] = ']';
		snprintf(reply + off, sizeof(reply) - off, ",\"ok\":true}");
		/* the object and its arrays: 32 levels at most */
		ck_assert_int_eq(get(reply, "ok"), depth < 32 ? 0 : -EINVAL);
	}
}
END_TEST

START_TEST(reply_ok_forms)
{
	ck_assert(ctl_reply__ok("{\"ok\":true}"));
	ck_assert(ctl_reply__ok("{\"ok\":true}\n"));
	ck_assert(ctl_reply__ok("{\"error\":\"x\",\"ok\":true}"));
	ck_assert(!ctl_reply__ok("{\"ok\":false,\"error\":\"no\"}"));
	ck_assert(!ctl_reply__ok("{\"ok\":\"true\"}"));
	ck_assert(!ctl_reply__ok("{\"ok\":trueish}"));
	ck_assert(!ctl_reply__ok("{\"ok\":1}"));
	ck_assert(!ctl_reply__ok("{\"okay\":true}"));
	ck_assert(!ctl_reply__ok("{\"x\":\"\\\"ok\\\":true\",\"ok\":false}"));
	ck_assert(!ctl_reply__ok("{\"x\":{\"ok\":true}}"));
	ck_assert(!ctl_reply__ok(""));
	ck_assert(!ctl_reply__ok("{"));
}
END_TEST

/* ---- System.map --------------------------------------------------------------- */

static u64 addr;
static char type;
static char name[64];

static int map_line(const char *line)
{
	addr = 0xdead;
	type = '#';
	memset(name, 'Z', sizeof(name));
	return system_map__parse_line(line, &addr, &type, name, sizeof(name));
}

START_TEST(map_lines)
{
	ck_assert_int_eq(map_line("ffff800080010000 T _text\n"), 0);
	ck_assert_uint_eq(addr, 0xffff800080010000ULL);
	ck_assert_int_eq(type, 'T');
	ck_assert_str_eq(name, "_text");
	ck_assert_int_eq(map_line("ffff800080010000 t do_one_initcall"), 0);
	ck_assert_str_eq(name, "do_one_initcall");
	ck_assert_int_eq(map_line("0000000000000000 A _kernel_offset\r\n"), 0);
	ck_assert_uint_eq(addr, 0);
	ck_assert_int_eq(type, 'A');
	ck_assert_int_eq(map_line("ffff8000012a0000 t vmm_init\t[vmm]\n"), 0);	/* kallsyms */
	ck_assert_str_eq(name, "vmm_init");
	ck_assert_int_eq(map_line("1000\tW\tweak_fn  \n"), 0);
	ck_assert_uint_eq(addr, 0x1000);
	ck_assert_int_eq(type, 'W');
	ck_assert_str_eq(name, "weak_fn");
	ck_assert_int_eq(map_line("AbCdEf  T  mixed"), 0);
	ck_assert_uint_eq(addr, 0xabcdef);
	ck_assert_int_eq(map_line("ffffffffffffffff T top\n"), 0);
	ck_assert_uint_eq(addr, UINT64_MAX);
	ck_assert_int_eq(map_line("1 T __func__.1234\n"), 0);
	ck_assert_str_eq(name, "__func__.1234");
}
END_TEST

START_TEST(map_huge_addresses)
{
	/* sscanf("%llx") saturated these to ULLONG_MAX */
	ck_assert_int_eq(map_line("10000000000000000 T over\n"), -ERANGE);
	ck_assert_int_eq(map_line("00000000000000000 T zeros\n"), -ERANGE);
	ck_assert_int_eq(map_line("ffffffffffffffffffffffffffffffff T huge\n"), -ERANGE);
	ck_assert_uint_eq(addr, 0xdead);
	ck_assert_int_eq(name[0], 'Z');	/* untouched */
}
END_TEST

START_TEST(map_malformed)
{
	static const char *const bad[] = {
		"", "\n", "\r\n", "garbage", "ffff T", "ffff T\n", "ffff T \n", "ffff\n",
		"ffff", "ffff  ", " ffff T lead", "0xffff T hex", "-1 T neg", "+1 T pos",
		"ffffg T notxdigit", "ffff TT name", "ffff T\x01name", "ffff T na\x01me",
		"ffff T name\x7f", "ffff \x7f name", "ffff T name\r", "ffff T name\n\n",
		"ffff T name\nnext 1 T x", "T ffff name", "ffff:T:name", "ffff\x0bT name",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(map_line(bad[i]) == -EINVAL, "'%s' was taken", bad[i]);
}
END_TEST

START_TEST(map_long_name)
{
	char line[600], out[8];
	u64 a;
	char t;

	snprintf(line, sizeof(line), "ffff T %0500d\n", 7);
	ck_assert_int_eq(system_map__parse_line(line, &a, &t, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "0000000");
	ck_assert_int_eq(system_map__parse_line("ffff T ab", &a, &t, out, 1), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(system_map__parse_line("ffff T ab", &a, &t, out, 0), -EINVAL);
}
END_TEST

Suite *ctlproto_suite(void)
{
	Suite *s = suite_create("ctlproto");

	UNIT_TEST(s, frame_complete_lines);
	UNIT_TEST(s, frame_empty_lines);
	UNIT_TEST(s, frame_needs_more);
	UNIT_TEST(s, frame_ignores_what_follows);
	UNIT_TEST(s, frame_length_limit);
	UNIT_TEST(s, frame_nul);
	UNIT_TEST(s, frame_split_reads);
	UNIT_TEST(s, frame_split_too_long);
	UNIT_TEST(s, frame_any_split);
	UNIT_TEST(s, parse_words);
	UNIT_TEST(s, parse_unknown);
	UNIT_TEST(s, parse_powerdown);
	UNIT_TEST(s, parse_powerdown_malformed);
	UNIT_TEST(s, parse_powerdown_grace_range);
	UNIT_TEST(s, json_put_escapes);
	UNIT_TEST(s, json_round_trip);
	UNIT_TEST(s, reply_info_fields);
	UNIT_TEST(s, reply_string_escapes);
	UNIT_TEST(s, reply_bad_escapes);
	UNIT_TEST(s, reply_numbers_and_words);
	UNIT_TEST(s, reply_missing_keys);
	UNIT_TEST(s, reply_not_an_object);
	UNIT_TEST(s, reply_truncated);
	UNIT_TEST(s, reply_prefix_keys);
	UNIT_TEST(s, reply_key_in_value);
	UNIT_TEST(s, reply_escaped_key_whitespace_duplicates);
	UNIT_TEST(s, reply_room);
	UNIT_TEST(s, reply_deep_nesting);
	UNIT_TEST(s, reply_ok_forms);
	UNIT_TEST(s, map_lines);
	UNIT_TEST(s, map_huge_addresses);
	UNIT_TEST(s, map_malformed);
	UNIT_TEST(s, map_long_name);
	return s;
}
