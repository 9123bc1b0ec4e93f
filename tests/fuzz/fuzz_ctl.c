// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_ctl.c - a fuzz harness for the control socket's protocol
 * (vmm/ctlproto.c): each input goes to every parser, and what each says
 * is checked against what it must say (abort() on a violation, which
 * libFuzzer reports).  An input has no format of its own; it is taken,
 * each time in a buffer of its exact size so that ASan sees a byte read
 * past it, as:
 *
 *	the bytes a client sent	ctl_request__frame() over every prefix
 *				up to CTL_REQUEST_MAX + 1 bytes, as recv()
 *				may have split them: a prefix that ends the
 *				line answers as the whole input does; MORE
 *				only without a '\n' and with room; a line
 *				has no NUL and ends in [\r]\n; TOO_LONG only
 *				when the room is full without a '\n'
 *	its line, if framed	ctl_request__parse(): what it takes is a
 *				word or "powerdown %u" exactly (formatted
 *				back, the same bytes), and every canonical
 *				powerdown in range is taken
 *	a reply (to its NUL)	ctl_reply__get() of fixed keys: never more
 *				than the reply, NUL-terminated within its
 *				room, the value cut to less room its prefix
 *				(-ENOSPC), "" after an error; ctl_reply__ok()
 *				only with "ok" true
 *	a string (to its NUL)	ctl_json__put_string() of it read back by
 *				ctl_reply__get(), as a value and as a key:
 *				the same bytes, a key inside a value never
 *				found
 *	System.map lines	system_map__parse_line() of each: a line
 *				taken has 1 to 16 hex digits, strtoull()'s
 *				value, a name of bytes above ' ' but DEL, cut
 *				to less room its prefix
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/vmm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __attribute__((noreturn)) __printf(1, 2) fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz_ctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* A copy of @len bytes of @data in a buffer of exactly @len (+ 1 for a NUL if @nul). */
static char *copy(const void *data, size_t len, bool nul)
{
	char *b = malloc(len + nul > 0 ? len + nul : 1);

	if (!b)
		abort();
	memcpy(b, data, len);
	if (nul)
		b[len] = 0;
	return b;
}

/* ---- requests --------------------------------------------------------------- */

static const char *const words[] = {
	[CTL_REQ_INFO] = "info", [CTL_REQ_STAT] = "stat", [CTL_REQ_REGS] = "regs",
	[CTL_REQ_PAUSE] = "pause", [CTL_REQ_RESUME] = "resume", [CTL_REQ_STOP] = "stop",
};

/* Independently: whether @line is "powerdown N", N canonical and in range. */
static bool canonical_powerdown(const char *line)
{
	const char *n = line + 10;
	size_t digits;

	if (strncmp(line, "powerdown ", 10))
		return false;
	digits = strspn(n, "0123456789");
	return digits && digits <= 8 && !n[digits] && n[0] != '0' &&
	       strtoul(n, NULL, 10) <= CTL_POWERDOWN_MAX_S;
}

static void check_parse(const char *line)
{
	struct ctl_request req = { .grace_s = 0xdeadbeef };
	int ret = ctl_request__parse(line, &req);
	char again[32];

	if (ret == 0 && req.kind == CTL_REQ_POWERDOWN) {
		if (req.grace_s < 1 || req.grace_s > CTL_POWERDOWN_MAX_S)
			fail("'%s': powerdown %u out of range", line, req.grace_s);
		snprintf(again, sizeof(again), "powerdown %u", req.grace_s);
		if (strcmp(again, line))
			fail("'%s' taken as '%s'", line, again);
	} else if (ret == 0) {
		if ((unsigned int)req.kind >= ARRAY_SIZE(words) || !words[req.kind])
			fail("'%s': kind %d", line, req.kind);
		if (strcmp(words[req.kind], line) || req.grace_s)
			fail("'%s' taken as '%s' (%u)", line, words[req.kind], req.grace_s);
	} else if (ret == -ERANGE) {
		if (strncmp(line, "powerdown", 9) || (line[9] && line[9] != ' '))
			fail("'%s': -ERANGE for what is no powerdown", line);
	} else if (ret != -EINVAL) {
		fail("'%s': %d", line, ret);
	}
	if (ret && canonical_powerdown(line))
		fail("'%s' refused (%d)", line, ret);
}

static void check_frame(const uint8_t *data, size_t size)
{
	size_t most = size < CTL_REQUEST_MAX + 1 ? size : CTL_REQUEST_MAX + 1;
	size_t whole_len = 0, len, k;
	enum ctl_frame whole, r;
	const char *nl;
	char *buf = copy(data, size, false), *line;

	whole = ctl_request__frame(buf, size, &whole_len);
	for (k = 0; k <= most; k++) {
		char *part = copy(data, k, false);	/* exactly k: ASan sees past it */

		len = (size_t)-1;
		r = ctl_request__frame(part, k, &len);
		nl = memchr(part, '\n', k < CTL_REQUEST_MAX ? k : CTL_REQUEST_MAX);
		switch (r) {
		case CTL_FRAME_MORE:
			if (nl || k >= CTL_REQUEST_MAX)
				fail("%zu bytes: MORE with a '\\n' or no room", k);
			break;
		case CTL_FRAME_TOO_LONG:
			if (nl || k < CTL_REQUEST_MAX)
				fail("%zu bytes: TOO_LONG with a '\\n' or room", k);
			break;
		case CTL_FRAME_NUL:
			if (!nl || !memchr(part, 0, nl - part))
				fail("%zu bytes: NUL, no NUL in a line", k);
			break;
		case CTL_FRAME_LINE:
			if (!nl || len >= CTL_REQUEST_MAX || memchr(part, 0, nl - part) ||
			    (part + len != nl && (part + len + 1 != nl || part[len] != '\r')) ||
			    (part + len == nl && len && part[len - 1] == '\r'))
				fail("%zu bytes: a line of %zu is not one", k, len);
			break;
		default:
			fail("%zu bytes: frame %d", k, r);
		}
		/* what ends the line is what the whole input gets */
		if (r != CTL_FRAME_MORE && (r != whole || (r == CTL_FRAME_LINE && len != whole_len)))
			fail("%zu bytes: %d (%zu), all %zu: %d (%zu)", k, r, len, size, whole,
			     whole_len);
		free(part);
	}
	if (whole == CTL_FRAME_LINE) {
		line = copy(buf, whole_len, true);
		check_parse(line);
		free(line);
	}
	free(buf);
}

/* ---- replies ------------------------------------------------------------------ */

static const char *const keys[] = {
	"ok", "error", "name", "pid", "state", "paused_state", "text", "vcpus", "uptime_s",
	"kernel", "x", "",
};

static void check_get(const char *reply, const char *key)
{
	static const size_t caps[] = { 1, 2, 5 };
	size_t rlen = strlen(reply), vlen, i;
	char *big = malloc(rlen + 1), *small;
	int ret, r;

	if (!big)
		abort();
	memset(big, 'Z', rlen + 1);
	ret = ctl_reply__get(reply, key, big, rlen + 1);
	if (ret != 0 && ret != -ENOENT && ret != -EINVAL)
		fail("'%s': %d with room for the reply", key, ret);
	vlen = strnlen(big, rlen + 1);
	if (vlen > rlen)
		fail("'%s': not NUL-terminated", key);
	if (ret && vlen)
		fail("'%s': %d, and '%s'", key, ret, big);
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		small = malloc(caps[i]);
		if (!small)
			abort();
		r = ctl_reply__get(reply, key, small, caps[i]);
		if (ret) {
			if (r != ret || small[0])
				fail("'%s' in %zu: %d '%s', with room %d", key, caps[i], r, small, ret);
		} else if (r != (vlen < caps[i] ? 0 : -ENOSPC) ||
			   strnlen(small, caps[i]) == caps[i] ||
			   strncmp(small, big, caps[i] - 1) ||
			   strlen(small) != (vlen < caps[i] ? vlen : caps[i] - 1)) {
			fail("'%s' in %zu: %d '%s', with room '%s'", key, caps[i], r, small, big);
		}
		free(small);
	}
	r = ctl_reply__get(reply, key, NULL, 0);
	if (r != (ret ? ret : -ENOSPC))
		fail("'%s' in 0: %d, with room %d", key, r, ret);
	if (!strcmp(key, "ok") && ctl_reply__ok(reply) && (ret || strcmp(big, "true")))
		fail("ok, but \"ok\" is %d '%s'", ret, big);
	free(big);
}

static char *json_string(const char *s)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		abort();
	ctl_json__put_string(f, s);
	if (fclose(f))
		abort();
	return out;
}

/* @s written by the VM's side and read back by the client's, as a value and as a key. */
static void check_round_trip(const char *s)
{
	size_t slen = strlen(s), cap;
	char *enc = json_string(s), *reply, *out;
	int ret;

	cap = 3 * strlen(enc) + 64;
	reply = malloc(cap);
	out = malloc(slen + 1);
	if (!reply || !out)
		abort();
	/* the key "k" inside the value first: never found there */
	snprintf(reply, cap, "{\"a\":%s,\"k\":%s,\"ok\":true}\n", enc, enc);
	ret = ctl_reply__get(reply, "k", out, slen + 1);
	if (ret || strcmp(out, s))
		fail("\"k\" of %s: %d '%s'", reply, ret, out);
	if (!ctl_reply__ok(reply))
		fail("not ok: %s", reply);
	snprintf(reply, cap, "{%s:%s,\"a\":1}", enc, enc);
	ret = ctl_reply__get(reply, s, out, slen + 1);
	if (ret || strcmp(out, s))
		fail("the key %s of %s: %d '%s'", enc, reply, ret, out);
	free(out);
	free(reply);
	free(enc);
}

/* ---- System.map ------------------------------------------------------------------ */

static void check_map_line(const char *line)
{
	char big[600], small[4], type = 0, t2 = 0;
	size_t digits = strspn(line, "0123456789abcdefABCDEF"), i;
	u64 addr = 0, a2 = 0;
	int ret, r;

	ret = system_map__parse_line(line, &addr, &type, big, sizeof(big));
	if (ret == -ERANGE) {
		if (digits <= 16)
			fail("'%s': -ERANGE with %zu digits", line, digits);
		return;
	}
	if (ret && ret != -EINVAL)
		fail("'%s': %d", line, ret);
	if (!ret && digits > 16)
		fail("'%s': taken with %zu digits", line, digits);
	r = system_map__parse_line(line, &a2, &t2, small, sizeof(small));
	if (r != ret)
		fail("'%s': %d, %d with less room", line, ret, r);
	if (ret)
		return;
	if (!digits || addr != strtoull(line, NULL, 16))
		fail("'%s': address %" PRIx64, line, addr);
	if (!big[0] || strlen(big) >= sizeof(big))
		fail("'%s': name '%s'", line, big);
	for (i = 0; big[i]; i++)
		if ((unsigned char)big[i] <= ' ' || big[i] == 0x7f)
			fail("'%s': name '%s' holds 0x%02x", line, big, (unsigned char)big[i]);
	if (a2 != addr || t2 != type || strncmp(small, big, sizeof(small) - 1) ||
	    strlen(small) >= sizeof(small))
		fail("'%s': '%s' and, in less room, '%s'", line, big, small);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = copy(data, size, true), *line;
	const char *p, *nl;
	unsigned int i;

	check_frame(data, size);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		check_get(text, keys[i]);
	check_round_trip(text);
	/* as getline() gives them: each with its '\n' */
	for (p = text; *p; p = nl) {
		nl = strchrnul(p, '\n');
		if (*nl)
			nl++;
		line = copy(p, nl - p, true);
		check_map_line(line);
		free(line);
	}
	free(text);
	return 0;
}
