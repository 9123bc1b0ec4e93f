// SPDX-License-Identifier: GPL-2.0
/*
 * syscall-names.c - the names of arm64's system calls, from the kernel's
 * own table (asm-generic/unistd.h, which arm64 uses whole), for the
 * sandbox's message about a forbidden one.  The table is included first:
 * a header included before it would have spent its include guard.
 */
#define __SYSCALL(nr, call)	[nr] = #call,
static const char *const names[] = {
#include <asm/unistd.h>
};

#include "../seccomp.h"

const char *syscall_name(unsigned long nr)
{
	const char *n = nr < ARRAY_SIZE(names) ? names[nr] : NULL;

	if (!n)
		return "unknown";
	/* "sys_openat" */
	return n[0] == 's' && n[1] == 'y' && n[2] == 's' && n[3] == '_' ? n + 4 : n;
}
