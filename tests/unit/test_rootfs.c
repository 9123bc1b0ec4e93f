// SPDX-License-Identifier: GPL-2.0
/*
 * test_rootfs.c - what the boot without a disk reads from files it does not
 * trust: the kernel's release in its "Linux version" string, and a
 * module's dependencies in its ELF .modinfo section (vmm/rootfs.c).
 */
#include <elf.h>
#include <string.h>

#include "../../vmm/vmm.h"
#include "unit.h"

START_TEST(release_found)
{
	static const char img[] = "\x7f junk Linux version 6.1.0-41-arm64 (debian-kernel@lists.debian.org) #1 SMP";
	char rel[64];

	ck_assert_int_eq(rootfs__release(img, sizeof(img) - 1, rel, sizeof(rel)), 0);
	ck_assert_str_eq(rel, "6.1.0-41-arm64");
}
END_TEST

/* No path out of /lib/modules, nothing unterminated, nothing too long. */
START_TEST(release_refused)
{
	static const char slash[] = "Linux version ../../etc x";
	static const char end[] = "Linux version 6.1.0";
	static const char none[] = "Linux versio 6.1.0 ";
	static const char lng[] = "Linux version 6.1.0-41-arm64-and-a-very-long-tail ";
	static const char later[] = "Linux version /x Linux version 6.2.0 ";
	static const char dots[] = "Linux version .. ";
	char rel[16];

	ck_assert_int_eq(rootfs__release(slash, sizeof(slash) - 1, rel, sizeof(rel)), -1);
	ck_assert_int_eq(rootfs__release(end, sizeof(end) - 1, rel, sizeof(rel)), -1);
	ck_assert_int_eq(rootfs__release(none, sizeof(none) - 1, rel, sizeof(rel)), -1);
	ck_assert_int_eq(rootfs__release(lng, sizeof(lng) - 1, rel, sizeof(rel)), -1);
	ck_assert_int_eq(rootfs__release("", 0, rel, sizeof(rel)), -1);
	ck_assert_int_eq(rootfs__release(dots, sizeof(dots) - 1, rel, sizeof(rel)), -1);
	ck_assert_int_eq(rootfs__release(later, sizeof(later) - 1, rel, sizeof(rel)), 0);
	ck_assert_str_eq(rel, "6.2.0");
}
END_TEST

/* A module: an ELF header, then .shstrtab and .modinfo, then the section headers. */
struct fake_ko {
	Elf64_Ehdr	eh;
	char		names[32];
	char		modinfo[96];
	Elf64_Shdr	sh[3];
};

static void make_ko(struct fake_ko *k, const char *modinfo, size_t len)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->eh.e_ident, ELFMAG, SELFMAG);
	k->eh.e_ident[EI_CLASS] = ELFCLASS64;
	k->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	k->eh.e_shentsize = sizeof(Elf64_Shdr);
	k->eh.e_shnum = 3;
	k->eh.e_shstrndx = 1;
	k->eh.e_shoff = offsetof(struct fake_ko, sh);
	memcpy(k->names, "\0.shstrtab\0.modinfo", 20);
	k->sh[1].sh_name = 1;
	k->sh[1].sh_offset = offsetof(struct fake_ko, names);
	k->sh[1].sh_size = 20;
	k->sh[2].sh_name = 11;
	k->sh[2].sh_offset = offsetof(struct fake_ko, modinfo);
	k->sh[2].sh_size = len;
	memcpy(k->modinfo, modinfo, len);
}

START_TEST(modinfo_depends)
{
	static const char info[] = "license=GPL\0depends=9pnet,netfs\0intree=Y";
	static const char empty[] = "license=GPL\0depends=\0";
	static const char none[] = "license=GPL\0author=x";
	struct fake_ko k;
	char out[64];

	make_ko(&k, info, sizeof(info));
	ck_assert_int_eq(rootfs__modinfo_depends((u8 *)&k, sizeof(k), out, sizeof(out)), 0);
	ck_assert_str_eq(out, "9pnet,netfs");
	make_ko(&k, empty, sizeof(empty));
	ck_assert_int_eq(rootfs__modinfo_depends((u8 *)&k, sizeof(k), out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	make_ko(&k, none, sizeof(none));
	strcpy(out, "x");
	ck_assert_int_eq(rootfs__modinfo_depends((u8 *)&k, sizeof(k), out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	/* a value with no NUL at the section's end is read within it */
	make_ko(&k, "depends=abc", 11);
	ck_assert_int_eq(rootfs__modinfo_depends((u8 *)&k, sizeof(k), out, sizeof(out)), 0);
	ck_assert_str_eq(out, "abc");
}
END_TEST

/* Every offset and size checked against the file: -1, never a read outside it. */
START_TEST(modinfo_malformed)
{
	static const char info[] = "depends=a,b";
	struct fake_ko k;
	char out[64], tiny[2];

	make_ko(&k, info, sizeof(info));
	ck_assert_int_eq(rootfs__modinfo_depends((u8 *)&k, sizeof(k) - 1, out, sizeof(out)), -1);
	ck_assert_int_eq(rootfs__modinfo_depends((u8 *)&k, 10, out, sizeof(out)), -1);
	ck_assert_int_eq(rootfs__modinfo_depends((u8 *)&k, sizeof(k), tiny, sizeof(tiny)), -1);
	k.eh.e_ident[EI_CLASS] = ELFCLASS32;
	ck_assert_int_eq(rootfs__modinfo_depends((u8 *)&k, sizeof(k), out, sizeof(out)), -1);
	make_ko(&k, info, sizeof(info));
	k.eh.e_shoff = ~0ULL;
	ck_assert_int_eq(rootfs__modinfo_depends((u8 *)&k, sizeof(k), out, sizeof(out)), -1);
	make_ko(&k, info, sizeof(info));
	k.eh.e_shnum = 0xffff;
	ck_assert_int_eq(rootfs__modinfo_depends((u8 *)&k, sizeof(k), out, sizeof(out)), -1);
	make_ko(&k, info, sizeof(info));
	k.eh.e_shstrndx = 3;
	ck_assert_int_eq(rootfs__modinfo_depends((u8 *)&k, sizeof(k), out, sizeof(out)), -1);
	make_ko(&k, info, sizeof(info));
	k.sh[2].sh_size = ~0ULL - 8;
	ck_assert_int_eq(rootfs__modinfo_depends((u8 *)&k, sizeof(k), out, sizeof(out)), -1);
	make_ko(&k, info, sizeof(info));
	k.sh[1].sh_offset = sizeof(k);
	k.sh[1].sh_size = 1;
	ck_assert_int_eq(rootfs__modinfo_depends((u8 *)&k, sizeof(k), out, sizeof(out)), -1);
	/* a section name past the string table: not .modinfo, so no depends */
	make_ko(&k, info, sizeof(info));
	k.sh[2].sh_name = 1000;
	ck_assert_int_eq(rootfs__modinfo_depends((u8 *)&k, sizeof(k), out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

Suite *rootfs_suite(void)
{
	Suite *s = suite_create("rootfs");

	UNIT_TEST(s, release_found);
	UNIT_TEST(s, release_refused);
	UNIT_TEST(s, modinfo_depends);
	UNIT_TEST(s, modinfo_malformed);
	return s;
}
