/* SPDX-License-Identifier: GPL-2.0 */
/* compiler.h - attributes and small helpers shared by every part of vmm. */
#ifndef VMM_COMPILER_H
#define VMM_COMPILER_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __must_check		__attribute__((warn_unused_result))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __noreturn		__attribute__((noreturn))
#define __unused		__attribute__((unused))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define ALIGN_UP(x, a)		(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))

#define SZ_4K			UINT64_C(0x1000)
#define SZ_64K			UINT64_C(0x10000)
#define SZ_1M			UINT64_C(0x100000)
#define SZ_2M			UINT64_C(0x200000)
#define SZ_1G			UINT64_C(0x40000000)

#endif
