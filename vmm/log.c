// SPDX-License-Identifier: GPL-2.0
/* log.c - leveled messages on stderr, quiet by default. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vmm.h"

enum log_level log_level = LOG_WARN;

void log_print(enum log_level level, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* One write, so lines from concurrent vCPU threads do not interleave. */
	fprintf(stderr, "vmm: %s%s\n", level == LOG_WARN ? "warning: " : "", buf);
}

int log_level_parse(const char *s)
{
	static const char *const names[] = {
		[LOG_ERR] = "error", [LOG_WARN] = "warning",
		[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i]) || (s[0] == '0' + (int)i && !s[1]))
			return i;
	return -1;
}

int errorf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	/* one line whatever the value it quotes holds ("-m $'1\n2'") */
	for (p = err; errlen && *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?';
	return -1;
}
