// SPDX-License-Identifier: GPL-2.0
/*
 * rootfs.c - lkvm's boot without a disk, made safer.
 *
 * `vmm run -k Image` with no --disk, no --initrd and no root= (or with
 * --root DIR) boots a Linux guest whose root is a host directory shared
 * read-write over virtio-9p (tag "/dev/root"; --root, else the user's
 * ~/.local/state/vmm/default), with the host's / shared at /host (tag
 * "hostfs"), read-only unless --hostfs rw.  A root directory that lacks
 * what a root needs gets it: the mount points, and links into /host for
 * bin, sbin, lib, lib64, usr and each entry of /etc (lkvm's guestfs).
 *
 * A distribution kernel has 9p and virtio as modules, so the guest starts
 * in an initramfs the vmm writes into a memfd: its /init is the vmm's own
 * (static) binary, which sees it runs as the guest's PID 1 and mounts the
 * root (rootfs-init.c), and its /lib/modules holds 9p, 9pnet_virtio, the
 * virtio transports and what they depend on, from the host's
 * /lib/modules/<the guest kernel's release>, found in the Image's "Linux
 * version" string.  Modules the kernel has built in (modules.builtin) are
 * left out; a kernel with no modules directory is taken to have them all
 * built in (a kernel developer's own, from kvm_guest.config).
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm.h"

#define ROOT_TAG		"/dev/root"
#define HOSTFS_TAG		"hostfs"
/* the most of a compressed kernel decompressed to look for its version */
#define KERNEL_SCAN_MAX		(256ULL << 20)
/* the largest module file read (the biggest in Debian's tree are ~10 MiB) */
#define MODULE_MAX		(64ULL << 20)
#define MAX_MODULES		64

/* What a 9p root needs, in any order: their dependencies come first. */
static const char *const root_modules[] = {
	"virtio_mmio", "virtio_pci", "9pnet_virtio", "9p",
};

/* ---- the guest kernel's release ------------------------------------------------ */

static bool release_char(u8 c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == '+';
}

int rootfs__release(const void *data, size_t len, char *rel, size_t cap)
{
	static const char tag[] = "Linux version ";
	const u8 *p = data, *end = p + len, *hit, *r;
	size_t n;

	while (p < end && (hit = memmem(p, end - p, tag, sizeof(tag) - 1))) {
		r = hit + sizeof(tag) - 1;
		for (n = 0; r + n < end && n + 1 < cap && release_char(r[n]); n++)
			;
		/* a name, not "." or "..": it becomes a directory in /lib/modules */
		if (n && r + n < end && r[n] == ' ' && *r != '.') {
			memcpy(rel, r, n);
			rel[n] = 0;
			return 0;
		}
		p = hit + 1;
	}
	return -1;
}

/*
 * The release of the kernel at @path into @rel: 0, or -1 (not Linux, not
 * a regular file, unreadable).  It runs before the loader's checks, so it
 * makes its own: a FIFO named as the kernel must not block it.
 */
static int kernel_release(const char *path, char *rel, size_t cap)
{
	u8 head[KERNEL_PROBE_SIZE];
	struct kernel_probe kp;
	char err[256];
	struct stat st;
	u64 len = 0;
	void *buf;
	ssize_t n;
	int fd, ret = -1;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !st.st_size)
		goto out;
	n = pread(fd, head, sizeof(head), 0);
	if (n < 0 || kernel__probe(&kp, head, n, st.st_size, err, sizeof(err)))
		goto out;
	if (kp.format == KERNEL_GZIP || kp.format == KERNEL_ZBOOT) {
		buf = mmap(NULL, KERNEL_SCAN_MAX, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (buf == MAP_FAILED)
			goto out;
		if (lseek(fd, kp.format == KERNEL_ZBOOT ? (off_t)kp.payload_offset : 0,
			  SEEK_SET) >= 0 && !gunzip_fd(fd, buf, KERNEL_SCAN_MAX, &len))
			ret = rootfs__release(buf, len, rel, cap);
		munmap(buf, KERNEL_SCAN_MAX);
	} else if ((u64)st.st_size <= KERNEL_SCAN_MAX) {
		buf = malloc(st.st_size);
		if (buf && !file__pread_all(fd, buf, st.st_size, 0))
			ret = rootfs__release(buf, st.st_size, rel, cap);
		free(buf);
	}
out:
	close(fd);
	return ret;
}

/* ---- modules -------------------------------------------------------------------- */

/* A module file's name as the kernel knows it: no directory, no .ko..., '_' for '-'. */
static void module_name(const char *path, char *name, size_t cap)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; base[i] && base[i] != '.' && i + 1 < cap; i++)
		name[i] = base[i] == '-' ? '_' : base[i];
	name[i] = 0;
}

static bool is_module_file(const char *name)
{
	const char *ko = strstr(name, ".ko");

	return ko && (!ko[3] || !strcmp(ko + 3, ".xz") || !strcmp(ko + 3, ".zst") ||
		      !strcmp(ko + 3, ".gz"));
}

/* What the module tree offers: each module file, and what is built in. */
struct kmods {
	char		dir[256];	/* /lib/modules/<release> */
	char		**files;	/* relative to @dir */
	size_t		nr_files;
	char		*builtin;	/* modules.builtin's text, or NULL */
	char		*dep;		/* modules.dep's text, or NULL */
};

static void kmods_add(struct kmods *m, const char *rel)
{
	char **v;

	if (!(m->nr_files & (m->nr_files + 1))) {	/* 0, 1, 3, 7, ...: grow */
		v = realloc(m->files, (2 * m->nr_files + 2) * sizeof(*v));
		if (!v)
			return;
		m->files = v;
	}
	m->files[m->nr_files] = strdup(rel);
	if (m->files[m->nr_files])
		m->nr_files++;
}

/* Every module file below @m->dir/@rel, @depth directories deep at most. */
static void kmods_scan(struct kmods *m, const char *rel, int depth)
{
	char path[PATH_MAX], sub[PATH_MAX];
	struct dirent *e;
	struct stat st;
	unsigned char type;
	DIR *d;

	if (snprintf(path, sizeof(path), "%s/%s", m->dir, rel) >= (int)sizeof(path))
		return;
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name) >=
		    (int)sizeof(sub))
			continue;
		type = e->d_type;
		if (type == DT_UNKNOWN)		/* a file system that does not say */
			type = fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ? DT_UNKNOWN :
			       S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		if (type == DT_DIR && depth > 0)
			kmods_scan(m, sub, depth - 1);
		else if (type == DT_REG && is_module_file(e->d_name))
			kmods_add(m, sub);
	}
	closedir(d);
}

/* The module files modules.dep (@m->dep) names: depmod's choice, updates/ first. */
static void kmods_from_dep(struct kmods *m)
{
	const char *line = m->dep, *colon, *nl;
	char rel[PATH_MAX];

	while (line && *line) {
		nl = strchrnul(line, '\n');
		colon = memchr(line, ':', nl - line);
		if (colon && colon > line && (size_t)(colon - line) < sizeof(rel)) {
			memcpy(rel, line, colon - line);
			rel[colon - line] = 0;
			kmods_add(m, rel);
		}
		line = *nl ? nl + 1 : NULL;
	}
}

/* A whole small file as a string, or NULL with errno. */
static char *slurp(const char *path, size_t max, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	int fd, n;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st))
		st.st_mode = 0;
	errno = !S_ISREG(st.st_mode) ? EINVAL : (u64)st.st_size > max ? EFBIG : 0;
	if (!errno) {
		buf = malloc(st.st_size + 1);
		if (buf && (errno = -file__pread_all(fd, buf, st.st_size, 0))) {
			free(buf);
			buf = NULL;
		}
		if (buf) {
			buf[st.st_size] = 0;
			if (len)
				*len = st.st_size;
		}
	}
	n = errno;
	close(fd);
	errno = n;
	return buf;
}

static void kmods_free(struct kmods *m)
{
	size_t i;

	for (i = 0; i < m->nr_files; i++)
		free(m->files[i]);
	free(m->files);
	free(m->builtin);
	free(m->dep);
}

/* Whether a line of @text (modules.builtin) names module @name. */
static bool listed(const char *text, const char *name)
{
	char got[64];
	const char *line = text;

	while (line && *line) {
		const char *nl = strchrnul(line, '\n');
		char path[PATH_MAX];
		size_t n = nl - line;

		if (n < sizeof(path)) {
			memcpy(path, line, n);
			path[n] = 0;
			module_name(path, got, sizeof(got));
			if (!strcmp(got, name))
				return true;
		}
		line = *nl ? nl + 1 : NULL;
	}
	return false;
}

static const char *find_file(const struct kmods *m, const char *name)
{
	char got[64];
	size_t i;

	for (i = 0; i < m->nr_files; i++) {
		module_name(m->files[i], got, sizeof(got));
		if (!strcmp(got, name))
			return m->files[i];
	}
	return NULL;
}

int rootfs__modinfo_depends(const u8 *b, size_t len, char *out, size_t cap)
{
	static const char key[] = "depends=";
	const Elf64_Ehdr *eh = (const void *)b;
	const Elf64_Shdr *sh, *names;
	const char *p, *end;
	unsigned int i;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shstrndx >= eh->e_shnum ||
	    eh->e_shoff > len || (len - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum ||
	    eh->e_shoff % 8)
		return -1;
	sh = (const void *)(b + eh->e_shoff);
	names = &sh[eh->e_shstrndx];
	if (names->sh_offset > len || names->sh_size > len - names->sh_offset)
		return -1;
	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_name >= names->sh_size ||
		    names->sh_size - sh[i].sh_name < sizeof(".modinfo") ||
		    memcmp(b + names->sh_offset + sh[i].sh_name, ".modinfo", sizeof(".modinfo")))
			continue;
		if (sh[i].sh_offset > len || sh[i].sh_size > len - sh[i].sh_offset)
			return -1;
		p = (const char *)b + sh[i].sh_offset;
		end = p + sh[i].sh_size;
		while (p < end) {
			size_t n = strnlen(p, end - p);

			if (n >= sizeof(key) - 1 && !memcmp(p, key, sizeof(key) - 1)) {
				n -= sizeof(key) - 1;
				if (n >= cap)
					return -1;
				memcpy(out, p + sizeof(key) - 1, n);
				out[n] = 0;
				return 0;
			}
			p += n + 1;
		}
		break;
	}
	*out = 0;		/* no depends= line: none */
	return 0;
}

/*
 * The names @rel (a module file in @m) depends on, comma-separated into
 * @out: from modules.dep where depmod wrote one, else the module's own
 * .modinfo.  0, or -1 after an error naming the file.
 */
static int module_deps(const struct kmods *m, const char *rel, char *out, size_t cap)
{
	char path[PATH_MAX], name[64];
	size_t len, rl = strlen(rel), o = 0;
	const char *line;
	u8 *b;
	int ret;

	if (m->dep) {
		for (line = m->dep; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
			const char *p, *nl;

			if (strncmp(line, rel, rl) || line[rl] != ':')
				continue;
			*out = 0;
			p = line + rl + 1;
			nl = strchrnul(p, '\n');
			while (p < nl) {
				const char *sp;
				char dep[PATH_MAX];

				while (p < nl && *p == ' ')
					p++;
				sp = p;
				while (sp < nl && *sp != ' ')
					sp++;
				if (sp > p && (size_t)(sp - p) < sizeof(dep)) {
					memcpy(dep, p, sp - p);
					dep[sp - p] = 0;
					module_name(dep, name, sizeof(name));
					if (o + strlen(name) + 2 > cap) {
						pr_err("boot without a disk: %s needs too many modules", rel);
						return -1;
					}
					o += sprintf(out + o, "%s%s", o ? "," : "", name);
				}
				p = sp;
			}
			return 0;
		}
	}
	if (strcmp(rel + rl - 3, ".ko")) {
		pr_err("boot without a disk: %s/%s is compressed and there is no modules.dep to say what it needs: run depmod %s",
		       m->dir, rel, strrchr(m->dir, '/') + 1);
		return -1;
	}
	if (snprintf(path, sizeof(path), "%s/%s", m->dir, rel) >= (int)sizeof(path))
		return -1;
	b = (u8 *)slurp(path, MODULE_MAX, &len);
	if (!b) {
		pr_err("boot without a disk: %s: %s", path, strerror(errno));
		return -1;
	}
	ret = rootfs__modinfo_depends(b, len, out, cap);
	free(b);
	if (ret)
		pr_err("boot without a disk: %s: not an ELF64 module whose dependencies this vmm can read",
		       path);
	return ret;
}

/*
 * Add @name and what it needs (first) to @order (files relative to @m),
 * each once.  0, or -1 after an error.
 */
static int resolve(const struct kmods *m, const char *name, const char **order,
		   size_t *nr, int depth)
{
	char deps[1024], *d, *save;
	const char *rel;
	size_t i;

	if (m->builtin && listed(m->builtin, name))
		return 0;
	rel = find_file(m, name);
	if (!rel) {
		pr_err("boot without a disk: the guest kernel needs module %s, which is neither in %s nor built in (%s): install the kernel's modules, or give --disk or --initrd",
		       name, m->dir, m->builtin ? "modules.builtin" : "and there is no modules.builtin to say");
		return -1;
	}
	for (i = 0; i < *nr; i++)
		if (order[i] == rel)
			return 0;
	if (depth > 16) {
		pr_err("boot without a disk: %s: its dependencies loop or go too deep", rel);
		return -1;
	}
	if (module_deps(m, rel, deps, sizeof(deps)))
		return -1;
	for (d = strtok_r(deps, ",", &save); d; d = strtok_r(NULL, ",", &save))
		if (resolve(m, d, order, nr, depth + 1))
			return -1;
	for (i = 0; i < *nr; i++)
		if (order[i] == rel)
			return 0;
	if (*nr == MAX_MODULES) {
		pr_err("boot without a disk: more than %d modules needed", MAX_MODULES);
		return -1;
	}
	order[(*nr)++] = rel;
	return 0;
}

/* ---- the initramfs --------------------------------------------------------------- */

/* An initramfs being written (cpio "newc"): the first error sticks. */
struct cpio {
	int	fd;
	u64	off;
	int	err;
	u32	ino;
};

static void cpio_put(struct cpio *c, const void *p, size_t n)
{
	static const u8 zeros[4];

	if (c->err)
		return;
	c->err = file__pwrite_all(c->fd, p, n, c->off);
	c->off += n;
	if (!c->err && c->off % 4) {
		n = 4 - c->off % 4;
		c->err = file__pwrite_all(c->fd, zeros, n, c->off);
		c->off += n;
	}
}

static void cpio_entry(struct cpio *c, const char *name, u32 mode, u32 major, u32 minor,
		       const void *data, size_t len)
{
	char hdr[128];

	/* sizes below 4 GiB: MODULE_MAX and PATH_MAX bound them */
	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ++c->ino, mode, 0, 0, 1, 0, (u32)len, 0, 0, major, minor,
		 (u32)strlen(name) + 1, 0);
	/* the header and the name, padded together; then the data, padded */
	if (c->err)
		return;
	c->err = file__pwrite_all(c->fd, hdr, 110, c->off);
	c->off += 110;
	cpio_put(c, name, strlen(name) + 1);
	if (len)
		cpio_put(c, data, len);
}

/* A host file into the initramfs as @name with @mode: 0, or -1 after an error. */
static int cpio_file(struct cpio *c, const char *name, u32 mode, const char *path)
{
	size_t len;
	char *b = slurp(path, MODULE_MAX, &len);

	if (!b) {
		pr_err("boot without a disk: %s: %s", path, strerror(errno));
		return -1;
	}
	cpio_entry(c, name, mode, 0, 0, b, len);
	free(b);
	return 0;
}

/*
 * The guest's initramfs, in a memfd: this binary as /init, the modules of
 * @mods (@nr, relative to @dir) in /lib/modules and their load order in
 * /modules, and @config as /config (what rootfs-init.c reads: "hostfs=ro"
 * and the like, a line each).  The memfd, or -1 after an error.
 */
static int make_initramfs(const char *dir, const char **mods, size_t nr, const char *config)
{
	static const char *const dirs[] = { "dev", "proc", "sys", "newroot", "lib", "lib/modules" };
	struct cpio c = { .fd = -1 };
	char name[PATH_MAX], path[PATH_MAX], *list;
	size_t i, o = 0;

	c.fd = memfd_create("vmm-rootfs-initramfs", MFD_CLOEXEC);
	if (c.fd < 0) {
		pr_err("boot without a disk: memfd_create: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		cpio_entry(&c, dirs[i], S_IFDIR | 0755, 0, 0, NULL, 0);
	cpio_entry(&c, "dev/console", S_IFCHR | 0600, 5, 1, NULL, 0);
	if (cpio_file(&c, "init", S_IFREG | 0755, "/proc/self/exe"))
		goto fail;
	list = malloc(nr * 80 + 1);
	if (!list)
		goto fail;
	*list = 0;
	for (i = 0; i < nr; i++) {
		const char *base = strrchr(mods[i], '/');

		base = base ? base + 1 : mods[i];
		snprintf(name, sizeof(name), "lib/modules/%s", base);
		snprintf(path, sizeof(path), "%s/%s", dir, mods[i]);
		if (cpio_file(&c, name, S_IFREG | 0644, path)) {
			free(list);
			goto fail;
		}
		o += snprintf(list + o, 80, "%.78s\n", base);
	}
	cpio_entry(&c, "modules", S_IFREG | 0644, 0, 0, list, o);
	free(list);
	cpio_entry(&c, "config", S_IFREG | 0644, 0, 0, config, strlen(config));
	cpio_entry(&c, "TRAILER!!!", 0, 0, 0, NULL, 0);
	if (c.err) {
		pr_err("boot without a disk: writing the initramfs: %s", strerror(-c.err));
		goto fail;
	}
	return c.fd;
fail:
	close(c.fd);
	return -1;
}

/* ---- the root directory ------------------------------------------------------------- */

/* mkdir -p @path: the parents 0755, itself 0700 (its /tmp is the guest's). */
static int mkdirs(const char *path)
{
	char p[PATH_MAX];
	char *s;

	if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	for (s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;

			*s = 0;
			if (mkdir(p, c ? 0755 : 0700) && errno != EEXIST)
				return -errno;
			*s = c;
			if (!c)
				return 0;
		}
	}
}

/* A link the skeleton wants; one the root has already is the root's own. */
static void make_link(const char *target, int dirfd, const char *name)
{
	if (symlinkat(target, dirfd, name) && errno != EEXIST)
		pr_warn("the root directory: cannot link %s to %s: %s", name, target,
			strerror(errno));
}

/*
 * Give the root directory @root what a root needs and lacks: mount points,
 * /tmp, and links into the host's / for its programs and /etc.  Nothing
 * there is replaced.  0, or -1 after an error.
 */
static int skeleton(const char *root)
{
	static const struct { const char *parent, *name; mode_t mode; } dirs[] = {
		{ NULL, "dev", 0755 }, { NULL, "proc", 0555 }, { NULL, "sys", 0555 },
		{ NULL, "host", 0755 }, { NULL, "tmp", 01777 }, { NULL, "root", 0700 },
		{ NULL, "run", 0755 }, { NULL, "mnt", 0755 }, { NULL, "var", 0755 },
		{ "var", "tmp", 01777 }, { NULL, "virt", 0755 },
	};
	static const char *const links[] = { "bin", "sbin", "lib", "lib64", "usr" };
	char path[PATH_MAX], target[PATH_MAX];
	struct stat st;
	struct dirent *e;
	size_t i;
	DIR *etc;
	int rfd, efd, fd;
	mode_t old;

	rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0) {
		pr_err("boot without a disk: %s: %s", root, strerror(errno));
		return -1;
	}
	/*
	 * The root is a guest's (maybe one running on it now, planting links):
	 * nothing here follows a link, and nothing is changed after it is
	 * made.  The modes are exact: no umask, for this moment (the vmm has
	 * one thread yet).
	 */
	old = umask(0);
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		fd = dirs[i].parent ? openat(rfd, dirs[i].parent, O_PATH | O_DIRECTORY |
					     O_NOFOLLOW | O_CLOEXEC) : rfd;
		if (fd >= 0)
			mkdirat(fd, dirs[i].name, dirs[i].mode);	/* EEXIST: the root's own */
		if (fd >= 0 && fd != rfd)
			close(fd);
	}
	umask(old);
	for (i = 0; i < ARRAY_SIZE(links); i++) {
		snprintf(path, sizeof(path), "/%s", links[i]);
		snprintf(target, sizeof(target), "/host/%s", links[i]);
		if (!lstat(path, &st))
			make_link(target, rfd, links[i]);
	}
	/* /etc: made once, a link per entry of the host's at the time */
	if (!mkdirat(rfd, "etc", 0755)) {
		efd = openat(rfd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		etc = opendir("/etc");
		while (efd >= 0 && etc && (e = readdir(etc))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(target, sizeof(target), "/host/etc/%s", e->d_name);
			make_link(target, efd, e->d_name);
		}
		if (etc)
			closedir(etc);
		if (efd >= 0)
			close(efd);
	}
	close(rfd);
	return 0;
}

/* The default root: $XDG_STATE_HOME/vmm/default, or ~/.local/state/vmm/default. */
static int default_root(char *path, size_t cap)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;

	if (state && *state == '/')
		n = snprintf(path, cap, "%s/vmm/default", state);
	else if (home && *home == '/')
		n = snprintf(path, cap, "%s/.local/state/vmm/default", home);
	else
		return -1;
	return n < (int)cap ? 0 : -1;
}

/* @path made absolute (it may not exist yet) into @abs: 0, or -1 with errno. */
static int absolute(const char *path, char *abs, size_t cap)
{
	char cwd[PATH_MAX];

	if (realpath(path, abs))
		return 0;
	if (errno != ENOENT)
		return -1;
	if (*path == '/') {
		cwd[0] = 0;
	} else if (!getcwd(cwd, sizeof(cwd))) {
		return -1;
	}
	if (snprintf(abs, cap, "%s%s%s", cwd, *cwd ? "/" : "", path) >= (int)cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* ---- the mode ---------------------------------------------------------------------------- */

static bool has_disk(const struct vm_config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_dev_args; i++)
		if (!strcmp(cfg->dev_args[i].desc->name, "virtio-blk"))
			return true;
	return false;
}

static int add_share(struct vm_config *cfg, const char *value)
{
	const struct device_desc *p9 = devices__find("virtio-9p");

	if (!p9 || !value || cfg->nr_dev_args == VM_MAX_DEVICE_ARGS) {
		pr_err("boot without a disk: cannot add the 9p share %s", value ? value : "");
		return -1;
	}
	cfg->dev_args[cfg->nr_dev_args++] = (struct device_arg){ .desc = p9, .value = value };
	return 0;
}

/*
 * The initramfs with the modules a 9p root needs for @release (and
 * virtio_console for a virtio console), @config as its /config: its memfd,
 * or -1 after an error.
 */
static int root_initramfs(const char *release, bool virtio_console, const char *config)
{
	struct kmods m = { 0 };
	const char *order[MAX_MODULES];
	char path[PATH_MAX];
	size_t nr = 0, i;
	struct stat st;
	int fd = -1;

	snprintf(m.dir, sizeof(m.dir), "/lib/modules/%s", release);
	if (stat(m.dir, &st)) {
		if (errno != ENOENT) {
			pr_err("boot without a disk: %s: %s", m.dir, strerror(errno));
			return -1;
		}
		pr_info("boot without a disk: no %s: taking 9p and virtio to be built into the kernel",
			m.dir);
		return make_initramfs(m.dir, order, 0, config);
	}
	if (snprintf(path, sizeof(path), "%s/modules.builtin", m.dir) < (int)sizeof(path))
		m.builtin = slurp(path, 16 << 20, NULL);
	if (snprintf(path, sizeof(path), "%s/modules.dep", m.dir) < (int)sizeof(path))
		m.dep = slurp(path, 16 << 20, NULL);
	if (m.dep)
		kmods_from_dep(&m);
	else
		kmods_scan(&m, "", 8);
	for (i = 0; i < ARRAY_SIZE(root_modules); i++)
		if (resolve(&m, root_modules[i], order, &nr, 0))
			goto out;
	if (virtio_console && resolve(&m, "virtio_console", order, &nr, 0))
		goto out;
	fd = make_initramfs(m.dir, order, nr, config);
	if (fd >= 0)
		pr_info("boot without a disk: %zu modules from %s in the initramfs", nr, m.dir);
out:
	kmods_free(&m);
	return fd;
}

/* Whether @dir is / or the user's home: never a guest's root. */
static bool too_wide(const char *dir)
{
	const char *home = getenv("HOME");
	char real[PATH_MAX];

	return !strcmp(dir, "/") || (home && realpath(home, real) && !strcmp(dir, real));
}

/* The mode's shares, initrd and command line into @cfg, for @dir and @initramfs. */
static int configure(struct vm_config *cfg, const char *dir, int initramfs)
{
	const char *term = getenv("TERM");
	char *v;

	if (asprintf(&v, "/proc/self/fd/%d", initramfs) < 0)
		return -1;
	cfg->initrd = v;
	if (asprintf(&v, "%s,%s", dir, ROOT_TAG) < 0 || add_share(cfg, v))
		return -1;
	if (cfg->hostfs != HOSTFS_NONE &&
	    (asprintf(&v, "/,%s%s", HOSTFS_TAG, cfg->hostfs == HOSTFS_RW ? "" : ",ro") < 0 ||
	     add_share(cfg, v)))
		return -1;
	/*
	 * The terminal's type for the guest's shell: an environment variable
	 * for init, so before the user's parameters (after a "--" among them
	 * it would be an argument)
	 */
	if (term && *term && strlen(term) < 64 && strspn(term, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_+") == strlen(term)) {
		if (asprintf(&v, "TERM=%s%s%s", term, cfg->params ? " " : "",
			     cfg->params ? cfg->params : "") < 0)
			return -1;
		cfg->params = v;
	}
	return 0;
}

int rootfs__prepare(struct vm_config *cfg)
{
	char release[128], dir[PATH_MAX], config[64];
	int fd, ret;

	if (!cfg->root) {
		/* lkvm's default: a Linux kernel with nothing to mount, nor an init of its own */
		if (!cfg->kernel || cfg->initrd || cfg->firmware || cfg->dtb || cfg->nodefaults ||
		    has_disk(cfg) ||
		    (cfg->params && (strstr(cfg->params, "root=") || strstr(cfg->params, "init="))) ||
		    kernel_release(cfg->kernel, release, sizeof(release))) {
			/* (a kernel with no Linux version: a bare-metal payload) */
			if (cfg->hostfs != HOSTFS_UNSET)
				pr_warn("--hostfs: ignored: this guest does not boot without a disk (it has a disk, an initrd, a root= or init=, or is not Linux)");
			return 0;
		}
		if (default_root(dir, sizeof(dir))) {
			pr_err("boot without a disk: no $HOME for the default root directory: give --root, --disk or --initrd");
			return -1;
		}
	} else {
		if (cfg->initrd) {
			pr_err("--root builds the guest's initramfs: drop --initrd");
			return -1;
		}
		if (!cfg->kernel || kernel_release(cfg->kernel, release, sizeof(release))) {
			pr_err("--root %s: the kernel %s is not a Linux kernel this vmm can read the version of",
			       cfg->root, cfg->kernel ? cfg->kernel : "(none: give -k)");
			return -1;
		}
		if (absolute(cfg->root, dir, sizeof(dir))) {
			pr_err("--root %s: %s", cfg->root, strerror(errno));
			return -1;
		}
	}
	if (strchr(dir, ',')) {
		pr_err("boot without a disk: the root directory %s has a comma in its path: give another with --root",
		       dir);
		return -1;
	}
	if (too_wide(dir)) {
		pr_err("boot without a disk: the guest's root must be a directory of its own, not %s",
		       dir);
		return -1;
	}
	/* what can fail for want of modules fails before anything is made */
	snprintf(config, sizeof(config), "hostfs=%s\n", cfg->hostfs == HOSTFS_NONE ? "none" :
		 cfg->hostfs == HOSTFS_RW ? "rw" : "ro");
	fd = root_initramfs(release, cfg->console == CONSOLE_VIRTIO, config);
	if (fd < 0)
		return -1;
	ret = mkdirs(dir);
	if (ret) {
		pr_err("boot without a disk: %s: %s", dir, strerror(-ret));
		goto fail;
	}
	if (skeleton(dir))
		goto fail;
	if (configure(cfg, dir, fd)) {
		pr_err("boot without a disk: %s", strerror(ENOMEM));
		goto fail;
	}
	pr_info("boot without a disk: the guest's root is %s over 9p, the host's / at /host %s",
		dir, cfg->hostfs == HOSTFS_NONE ? "(not shared)" :
		cfg->hostfs == HOSTFS_RW ? "(read-write)" : "(read-only)");
	/* said as the guest boots: an error before that stays one line */
	if (cfg->hostfs != HOSTFS_NONE && !geteuid())
		cfg->boot_warning = "boot without a disk: the guest can read every file of the host that root can (--hostfs none shares nothing)";
	return 0;
fail:
	close(fd);
	return -1;
}
