// SPDX-License-Identifier: GPL-2.0
/*
 * ctlproto.c - the control socket's protocol without its I/O: a request
 * line's framing and parsing (the VM's side), a JSON string written into
 * a reply, a reply's fields read back (the clients' side), and a
 * System.map line (`vmm debug --dump --system-map`).  Portable: the unit
 * tests and fuzz_ctl run it natively; control.c has the sockets.
 *
 * The contracts are in vmm.h.  Each parser is strict where a sloppy one
 * would act on something the peer did not say ("powerdown 5x" as 5, a
 * nested key as a member, a cut string as the value), and each is bounded
 * by its input: a reply is walked once, nesting at most JSON_MAX_DEPTH.
 */
#include <errno.h>
#include <string.h>

#include "vmm.h"

/* ---- requests ------------------------------------------------------------- */

enum ctl_frame ctl_request__frame(const char *buf, size_t len, size_t *req_len)
{
	size_t n = len < CTL_REQUEST_MAX ? len : CTL_REQUEST_MAX;
	const char *nl = memchr(buf, '\n', n);
	size_t end;

	if (!nl)
		return n == CTL_REQUEST_MAX ? CTL_FRAME_TOO_LONG : CTL_FRAME_MORE;
	end = nl - buf;
	if (end && buf[end - 1] == '\r')
		end--;
	/* anywhere before the '\n': a NUL just before it is one too */
	if (memchr(buf, 0, nl - buf))
		return CTL_FRAME_NUL;
	*req_len = end;
	return CTL_FRAME_LINE;
}

static const struct {
	const char		*word;
	enum ctl_request_kind	kind;
} ctl_words[] = {
	{ "info",	CTL_REQ_INFO },
	{ "stat",	CTL_REQ_STAT },
	{ "regs",	CTL_REQ_REGS },
	{ "pause",	CTL_REQ_PAUSE },
	{ "resume",	CTL_REQ_RESUME },
	{ "stop",	CTL_REQ_STOP },
};

int ctl_request__parse(const char *line, struct ctl_request *req)
{
	static const char powerdown[] = "powerdown";
	const size_t pdlen = sizeof(powerdown) - 1;
	unsigned long grace = 0;
	const char *p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ctl_words); i++) {
		if (!strcmp(line, ctl_words[i].word)) {
			req->kind = ctl_words[i].kind;
			req->grace_s = 0;
			return 0;
		}
	}
	if (strncmp(line, powerdown, pdlen) || (line[pdlen] && line[pdlen] != ' '))
		return -EINVAL;
	/* one space, then the canonical decimal: no sign, no leading 0, no junk */
	p = line + pdlen;
	if (*p++ != ' ' || *p < '1' || *p > '9')
		return -ERANGE;
	for (; *p >= '0' && *p <= '9'; p++) {
		grace = grace * 10 + (*p - '0');
		if (grace > CTL_POWERDOWN_MAX_S)
			return -ERANGE;
	}
	if (*p)
		return -ERANGE;
	req->kind = CTL_REQ_POWERDOWN;
	req->grace_s = grace;
	return 0;
}

/* ---- JSON out --------------------------------------------------------------- */

void ctl_json__put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* ---- JSON in ------------------------------------------------------------------ */

/* deeper than any reply of ours; bounds the recursion of skip_value() */
#define JSON_MAX_DEPTH	32

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/*
 * Where a JSON string's bytes go as it is read: into @out (@cap bytes,
 * NUL-terminated, what fits), compared with @want; either may be NULL.
 */
struct json_sink {
	char		*out;
	size_t		cap;
	const char	*want;
	size_t		len;	/* its length unescaped, all of it */
	bool		same;	/* so far equal to want */
};

static void sink_put(struct json_sink *s, char c)
{
	if (s->out && s->len + 1 < s->cap)
		s->out[s->len] = c;
	if (s->same && s->want[s->len] != c)
		s->same = false;	/* never read further into want */
	s->len++;
}

/*
 * The string whose opening quote @p is at, unescaped into @s: the byte
 * after its closing quote, or NULL for a malformed or cut one (a raw
 * control character, an escape JSON has not, the input's end).
 * \uXXXX is one byte: ASCII as itself, NUL and anything else '?'.
 */
static const char *scan_string(const char *p, struct json_sink *s)
{
	int i, d, v;
	char c;

	s->len = 0;
	s->same = s->want != NULL;
	for (p++; *p != '"'; p++) {
		c = *p;
		if ((unsigned char)c < 0x20)
			return NULL;		/* the end (NUL) included */
		if (c == '\\') {
			switch (*++p) {
			case '"':
			case '\\':
			case '/':
				c = *p;
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'u':
				for (i = 1, v = 0; i <= 4; i++) {
					d = hex_digit((unsigned char)p[i]);	/* stops at the NUL */
					if (d < 0)
						return NULL;
					v = v * 16 + d;
				}
				p += 4;
				c = v && v < 0x80 ? (char)v : '?';
				break;
			default:
				return NULL;
			}
		}
		sink_put(s, c);
	}
	if (s->out && s->cap)
		s->out[s->len < s->cap ? s->len : s->cap - 1] = 0;
	if (s->same && s->want[s->len])
		s->same = false;
	return p + 1;
}

/* A number, true, false or null at @p: the byte after it, or NULL. */
static const char *scan_scalar(const char *p)
{
	static const char *const words[] = { "true", "false", "null" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (!strncmp(p, words[i], strlen(words[i])))
			return p + strlen(words[i]);
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (is_digit(*p))
		while (is_digit(*p))
			p++;
	else
		return NULL;
	if (*p == '.') {
		if (!is_digit(*++p))
			return NULL;
		while (is_digit(*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p))
			return NULL;
		while (is_digit(*p))
			p++;
	}
	return p;
}

/* The value at @p (no whitespace before it) skipped: the byte after it, or NULL. */
static const char *skip_value(const char *p, unsigned int depth)
{
	struct json_sink none = { 0 };
	char close;

	if (*p == '"')
		return scan_string(p, &none);
	if (*p != '{' && *p != '[')
		return scan_scalar(p);
	if (depth >= JSON_MAX_DEPTH)
		return NULL;
	close = *p == '{' ? '}' : ']';
	p = skip_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (close == '}') {
			if (*p != '"' || !(p = scan_string(p, &none)))
				return NULL;
			p = skip_ws(p);
			if (*p++ != ':')
				return NULL;
			p = skip_ws(p);
		}
		p = skip_value(p, depth + 1);
		if (!p)
			return NULL;
		p = skip_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
		p = skip_ws(p);
	}
}

/*
 * The value of member @key of the object @reply is, found by walking its
 * members (so never inside a string or a nested value): 0 with *@value
 * at it, -ENOENT, or -EINVAL for a reply malformed before it.
 */
static int find_member(const char *reply, const char *key, const char **value)
{
	struct json_sink name = { .want = key };
	const char *p = skip_ws(reply);

	if (*p++ != '{')
		return -EINVAL;
	p = skip_ws(p);
	if (*p == '}')
		return -ENOENT;
	for (;;) {
		if (*p != '"' || !(p = scan_string(p, &name)))
			return -EINVAL;
		p = skip_ws(p);
		if (*p++ != ':')
			return -EINVAL;
		p = skip_ws(p);
		if (name.same) {	/* the first of that name, as the old strstr() */
			*value = p;
			return 0;
		}
		p = skip_value(p, 1);
		if (!p)
			return -EINVAL;
		p = skip_ws(p);
		if (*p == '}')
			return -ENOENT;
		if (*p++ != ',')
			return -EINVAL;
		p = skip_ws(p);
	}
}

/* Whether a member's value ends at @p: a ',' or the object's '}' follows. */
static bool member_ends(const char *p)
{
	p = skip_ws(p);
	return *p == ',' || *p == '}';
}

int ctl_reply__get(const char *reply, const char *key, char *out, size_t cap)
{
	struct json_sink s = { .out = out, .cap = cap };
	const char *p, *end;
	int ret;

	if (cap)
		out[0] = 0;
	ret = find_member(reply, key, &p);
	if (ret)
		return ret;
	if (*p == '"') {
		end = scan_string(p, &s);
	} else {
		end = scan_scalar(p);	/* NULL for an object or array */
		if (end) {
			s.len = end - p;
			if (cap) {
				memcpy(out, p, s.len < cap ? s.len : cap - 1);
				out[s.len < cap ? s.len : cap - 1] = 0;
			}
		}
	}
	if (!end || !member_ends(end)) {
		if (cap)
			out[0] = 0;
		return -EINVAL;
	}
	return s.len < cap ? 0 : -ENOSPC;
}

bool ctl_reply__ok(const char *reply)
{
	const char *p;

	return !find_member(reply, "ok", &p) && !strncmp(p, "true", 4) &&
	       member_ends(p + 4);
}

/* ---- System.map ---------------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int system_map__parse_line(const char *line, u64 *addr, char *type, char *name, size_t cap)
{
	const char *p = line;
	unsigned int digits;
	size_t n = 0;
	u64 a = 0;
	int d;

	if (!cap)
		return -EINVAL;
	for (digits = 0; (d = hex_digit(*p)) >= 0; p++, digits++) {
		if (digits == 16)
			return -ERANGE;		/* more than 64 bits */
		a = a << 4 | d;
	}
	if (!digits || !is_blank(*p))
		return -EINVAL;
	while (is_blank(*p))
		p++;
	if ((unsigned char)*p <= ' ' || *p == 0x7f || !is_blank(p[1]))
		return -EINVAL;
	*type = *p++;
	while (is_blank(*p))
		p++;
	for (; (unsigned char)*p > ' ' && *p != 0x7f; p++, n++)
		if (n + 1 < cap)
			name[n] = *p;
	if (!n)
		return -EINVAL;
	/* its end, or blanks and more (kallsyms' "[module]"); no control byte in the name */
	if (!(is_blank(*p) || !*p || (*p == '\n' && !p[1]) ||
	      (*p == '\r' && p[1] == '\n' && !p[2])))
		return -EINVAL;
	name[n < cap ? n : cap - 1] = 0;
	*addr = a;
	return 0;
}
