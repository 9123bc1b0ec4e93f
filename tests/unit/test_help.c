// SPDX-License-Identifier: GPL-2.0
/*
 * test_help.c - `vmm help run` and the man page, man/vmm.1, checked against
 * each other: the same options under the same headings with the same short
 * forms, the same lkvm options refused, the same exit statuses.  The help
 * is run_usage() itself, the devices' options included; the man page is
 * read from the source tree ($VMM_SRCDIR, else the current directory: make
 * runs the unit tests from the top).  tests/install.sh checks the other
 * commands.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/vmm.h"
#include "unit.h"

#define MAX_ITEMS	128

struct items {
	unsigned int	n;
	char		*s[MAX_ITEMS];
};

static void items_add(struct items *it, const char *s)
{
	ck_assert_msg(it->n < MAX_ITEMS, "more than %d items", MAX_ITEMS);
	it->s[it->n] = strdup(s);
	ck_assert_ptr_nonnull(it->s[it->n]);
	it->n++;
}

static void items_free(struct items *it)
{
	while (it->n)
		free(it->s[--it->n]);
}

static bool items_has(const struct items *it, const char *s)
{
	unsigned int i;

	for (i = 0; i < it->n; i++)
		if (!strcmp(it->s[i], s))
			return true;
	return false;
}

/* Each of @a in @b and each of @b in @a, naming the first that is not. */
static void ck_items_same(const struct items *help, const struct items *man, const char *what)
{
	unsigned int i;

	ck_assert_msg(help->n > 0, "no %s found in `vmm help run`", what);
	for (i = 0; i < help->n; i++)
		ck_assert_msg(items_has(man, help->s[i]),
			      "%s \"%s\" is in `vmm help run` but not in man/vmm.1", what,
			      help->s[i]);
	for (i = 0; i < man->n; i++)
		ck_assert_msg(items_has(help, man->s[i]),
			      "%s \"%s\" is in man/vmm.1 but not in `vmm help run`", what,
			      man->s[i]);
}

/* man/vmm.1, in a buffer the caller frees. */
static char *man_text(void)
{
	const char *dir = getenv("VMM_SRCDIR");
	char path[4096], *text = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/man/vmm.1", dir && *dir ? dir : ".");
	f = fopen(path, "r");
	ck_assert_msg(f, "%s: %s (run from the top of the tree or set VMM_SRCDIR)", path,
		      strerror(errno));
	len = getdelim(&text, &cap, '\0', f);
	ck_assert_msg(len > 0, "%s: empty", path);
	fclose(f);
	return text;
}

/*
 * A man page line as text: font changes, \c and quotes dropped, \- and \(..
 * escapes turned back into what they print, the macro name dropped.
 */
static void deroff(const char *line, char *out, size_t cap)
{
	const char *p = line;
	size_t n = 0;

	if (*p == '.') {
		while (*p && !isspace((unsigned char)*p))
			p++;
	}
	for (; *p && n + 1 < cap; p++) {
		if (*p == '"')
			continue;
		if (*p != '\\') {
			out[n++] = *p;
			continue;
		}
		p++;
		if (*p == 'f' && p[1]) {
			p++;			/* \fB \fI \fR \fP */
		} else if (*p == '-' || *p == '.' || *p == '\\') {
			out[n++] = *p;
		} else if (*p == '(' && p[1] && p[2]) {
			p += 2;			/* \(aq and the like */
		} else if (*p == '&' || *p == 'c' || *p == '~') {
			if (*p == '~')
				out[n++] = ' ';
		} else if (!*p) {
			break;
		}
	}
	out[n] = '\0';
}

/*
 * The options an entry names, in order, as one string ("-c --cpus"): its
 * words that start with a dash, a trailing comma dropped.
 */
static void entry_options(const char *head, char *out, size_t cap)
{
	char buf[512], *w, *save;
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", head);
	out[0] = '\0';
	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		size_t len = strlen(w);

		if (len && w[len - 1] == ',')
			w[--len] = '\0';
		if (w[0] != '-' || len < 2)
			continue;
		n += snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? " " : "", w);
	}
}

/*
 * The help's option entries, "Heading|-c --cpus": lines indented by 4 that
 * start with a dash, up to the two spaces before the description, under
 * the "... options:" heading above them.
 */
static void help_entries(const char *text, struct items *it)
{
	char heading[64] = "", line[1024], head[1024], opts[512], item[640];
	const char *p, *nl;

	for (p = text; *p; p = *nl ? nl + 1 : nl) {
		nl = strchrnul(p, '\n');
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		if (isupper((unsigned char)line[0]) && strstr(line, " options:") &&
		    line[strlen(line) - 1] == ':') {
			snprintf(heading, sizeof(heading), "%.*s", (int)strlen(line) - 1, line);
			continue;
		}
		if (strncmp(line, "    -", 5))
			continue;
		snprintf(head, sizeof(head), "%s", line + 4);
		if (strstr(head, "  "))
			*strstr(head, "  ") = '\0';
		entry_options(head, opts, sizeof(opts));
		snprintf(item, sizeof(item), "%s|%s", heading, opts);
		items_add(it, item);
	}
}

/* The lines of the man page's section @name (.SH), as a range. */
static void man_section(const char *text, const char *name, const char **start,
			const char **end)
{
	char sh[128], sh_quoted[128];
	const char *p;

	snprintf(sh, sizeof(sh), "\n.SH %s\n", name);
	snprintf(sh_quoted, sizeof(sh_quoted), "\n.SH \"%s\"\n", name);
	p = strstr(text, sh);
	if (!p)
		p = strstr(text, sh_quoted);
	ck_assert_msg(p, "man/vmm.1 has no section %s", name);
	*start = strchr(p + 1, '\n') + 1;
	*end = strstr(*start, "\n.SH ");
	if (!*end)
		*end = *start + strlen(*start);
}

/*
 * The man page's option entries in RUN OPTIONS, "Heading|-c --cpus": the
 * tag of each .TP that names an option, under its .SS heading.
 */
static void man_entries(const char *text, struct items *it)
{
	char heading[64] = "", line[1024], tag[1024], opts[512], item[640];
	const char *p, *end, *nl;
	bool tp = false;

	man_section(text, "RUN OPTIONS", &p, &end);
	for (; p < end; p = nl + 1) {
		nl = strchrnul(p, '\n');
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		if (!strncmp(line, ".SS ", 4)) {
			deroff(line, heading, sizeof(heading));
			memmove(heading, heading + 1, strlen(heading));	/* the space */
			tp = false;
			continue;
		}
		if (!strcmp(line, ".TP")) {
			tp = true;
			continue;
		}
		if (!tp)
			continue;
		tp = false;
		deroff(line, tag, sizeof(tag));
		entry_options(tag, opts, sizeof(opts));
		if (!opts[0])
			continue;	/* a value's entry (-n's modes) */
		snprintf(item, sizeof(item), "%s|%s", heading, opts);
		items_add(it, item);
	}
}

START_TEST(help_run_options_match_man_page)
{
	struct items help = { 0 }, man = { 0 };
	char *h = usage_text(), *m = man_text();

	help_entries(h, &help);
	man_entries(m, &man);
	ck_items_same(&help, &man, "run option (heading|options)");
	items_free(&help);
	items_free(&man);
	free(h);
	free(m);
}
END_TEST

/* Every word that starts with "--" in [p, end), a trailing , or . dropped. */
static void long_options(const char *p, const char *end, struct items *it, bool roff)
{
	char line[1024], text[1024], *w, *save;
	const char *nl;

	for (; p < end; p = nl + 1) {
		nl = strchrnul(p, '\n');
		if (nl > end)
			nl = end;
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		if (roff)
			deroff(line, text, sizeof(text));
		else
			snprintf(text, sizeof(text), "%s", line);
		for (w = strtok_r(text, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
			size_t len = strlen(w);

			while (len && (w[len - 1] == ',' || w[len - 1] == '.'))
				w[--len] = '\0';
			if (!strncmp(w, "--", 2) && !items_has(it, w))
				items_add(it, w);
		}
		if (!*nl)
			break;
	}
}

START_TEST(help_unsupported_match_man_page)
{
	struct items help = { 0 }, man = { 0 };
	char *h = usage_text(), *m = man_text();
	const char *p, *end, *sec_end;

	p = strstr(h, "\nNot supported");
	ck_assert_msg(p, "`vmm help run` has no \"Not supported\" paragraph");
	end = strstr(p + 1, "\n\n");
	ck_assert_ptr_nonnull(end);
	long_options(p, end, &help, false);

	man_section(m, "RUN OPTIONS", &p, &sec_end);
	p = strstr(p, "\n.SS lkvm options vmm lacks\n");
	ck_assert_msg(p && p < sec_end, "man/vmm.1 has no \"lkvm options vmm lacks\" in RUN OPTIONS");
	long_options(p + 1, sec_end, &man, true);
	ck_items_same(&help, &man, "refused lkvm option");
	items_free(&help);
	items_free(&man);
	free(h);
	free(m);
}
END_TEST

START_TEST(help_exit_statuses_match_man_page)
{
	struct items help = { 0 }, man = { 0 };
	char *h = usage_text(), *m = man_text(), code[64], line[256];
	const char *p, *end, *nl;
	unsigned int i;
	bool tp = false;

	p = strstr(h, "\nExit status:\n");
	ck_assert_msg(p, "`vmm help run` has no \"Exit status:\"");
	for (p = strchr(p + 1, '\n') + 1; *p; p = *nl ? nl + 1 : nl) {
		nl = strchrnul(p, '\n');
		/* "    124      --timeout ran out": a code at column 4 */
		if (sscanf(p, "    %63s", code) == 1 && p[4] != ' ' && isdigit((unsigned char)p[4]))
			items_add(&help, code);
	}

	man_section(m, "EXIT STATUS", &p, &end);
	for (; p < end; p = nl + 1) {
		char *s, *d;

		nl = strchrnul(p, '\n');
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		if (!strcmp(line, ".TP")) {
			tp = true;
			continue;
		}
		if (!tp)
			continue;
		tp = false;
		deroff(line, code, sizeof(code));
		for (s = d = code; *s; s++)	/* ".BI 128+ N": 128+N */
			if (!isspace((unsigned char)*s))
				*d++ = *s;
		*d = '\0';
		items_add(&man, code);
	}
	ck_items_same(&help, &man, "exit status");
	/* and in the same order */
	for (i = 0; i < help.n && i < man.n; i++)
		ck_assert_str_eq(help.s[i], man.s[i]);
	items_free(&help);
	items_free(&man);
	free(h);
	free(m);
}
END_TEST

/* The checks can fail: a line the man page lacks is found missing. */
START_TEST(help_check_finds_a_missing_option)
{
	struct items help = { 0 }, man = { 0 };
	char *h = usage_text(), *m = man_text(), *tp;

	tp = strstr(m, "\n.TP\n.BR \\-c \", \" \\-\\-cpus");
	ck_assert_msg(tp, "man/vmm.1 has no -c, --cpus entry to remove");
	memcpy(tp + 1, ".\\\"", 3);	/* the .TP a comment: the tag no tag */
	help_entries(h, &help);
	man_entries(m, &man);
	ck_assert(items_has(&help, "Basic options|-c --cpus"));
	ck_assert(!items_has(&man, "Basic options|-c --cpus"));
	ck_assert(items_has(&man, "Basic options|-m --mem"));
	items_free(&help);
	items_free(&man);
	free(h);
	free(m);
}
END_TEST

Suite *help_suite(void)
{
	Suite *s = suite_create("help");

	UNIT_TEST(s, help_run_options_match_man_page);
	UNIT_TEST(s, help_unsupported_match_man_page);
	UNIT_TEST(s, help_exit_statuses_match_man_page);
	UNIT_TEST(s, help_check_finds_a_missing_option);
	return s;
}
