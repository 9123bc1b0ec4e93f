// SPDX-License-Identifier: GPL-2.0
/*
 * 9p.c - a 9P2000.L server for one host directory, which it never leaves.
 *
 * Every fid holds an O_PATH fd of its file and the file's path below the
 * share's root.  A walk starts where the fid's path leads from the root
 * now, checked to be the file the fid holds (else ESTALE: a directory the
 * host moved out of the share is not walked into), and opens one name at a
 * time below it with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV): a name is never a path, the
 * server never follows a symlink (the guest reads links and resolves them
 * itself), and the walk stays on the share's file system; a share that
 * crosses mounts enters only the data file systems mounted below it, never
 * /proc, /sys or their like.  ".." is taken off the fid's path and that
 * path walked again from the root, one name at a time, so ".." at the root
 * is the root.  Opening a fid for I/O resolves its path again the same
 * way, non-blocking and without a controlling tty, and checks it found the
 * same file (else ESTALE): a file swapped for a symlink, a directory or a
 * FIFO between walk and open is refused.  Only regular files and
 * directories are ever opened: device nodes, FIFOs and sockets can be
 * walked to and stat'ed, never read or written.
 *
 * Changes (on a share that is not read-only) are made by name below a
 * directory fid whose path is walked again from the root first and must
 * still lead to the directory the fid holds (ESTALE otherwise): a
 * directory the host moved out of the share is never written through.
 * A guest's rename moves the paths of the fids below it along.
 *
 * Ownership follows QEMU's "none" security model: the server acts as the
 * user who runs the vmm, files it creates are that user's, and a guest's
 * chown or chgrp is accepted and changes nothing (the guest sees the host's
 * owners).  Modes are the guest's, but never with setuid or setgid: those
 * bits are stripped on every create and chmod, so a guest cannot plant a
 * privileged program on the host.  Device nodes, FIFOs and sockets are
 * never created (Tmknod: EPERM), and no extended attribute is read or
 * written (EOPNOTSUPP), security.* and trusted.* included.  Byte-range
 * locks are the host's open-file-description locks, per fid.
 *
 * Every field of every message is bounds-checked; a request the server
 * cannot parse is answered with Rlerror(EINVAL), one it cannot even frame
 * gets no answer.  fids are bounded (P9_MAX_FIDS); replies never exceed
 * the msize agreed in Tversion nor the guest's buffer, and a request whose
 * reply would not fit changes nothing (ENOBUFS).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/openat2.h>

#include "9p.h"

/* message types (Linux's include/net/9p/9p.h) */
enum {
	P9_RLERROR = 7,
	P9_TSTATFS = 8,
	P9_TLOPEN = 12,
	P9_TLCREATE = 14,
	P9_TSYMLINK = 16,
	P9_TMKNOD = 18,
	P9_TRENAME = 20,
	P9_TREADLINK = 22,
	P9_TGETATTR = 24,
	P9_TSETATTR = 26,
	P9_TXATTRWALK = 30,
	P9_TXATTRCREATE = 32,
	P9_TREADDIR = 40,
	P9_TFSYNC = 50,
	P9_TLOCK = 52,
	P9_TGETLOCK = 54,
	P9_TLINK = 70,
	P9_TMKDIR = 72,
	P9_TRENAMEAT = 74,
	P9_TUNLINKAT = 76,
	P9_TVERSION = 100,
	P9_TAUTH = 102,
	P9_TATTACH = 104,
	P9_TFLUSH = 108,
	P9_TWALK = 110,
	P9_TREAD = 116,
	P9_TWRITE = 118,
	P9_TCLUNK = 120,
	P9_TREMOVE = 122,
};

#define P9_NOFID		0xffffffffu
#define P9_HDR			7	/* size[4] type[1] tag[2] */
#define P9_IOHDR		24	/* what Rread/Twrite need around the data */
#define P9_MIN_MSIZE		4096
#define P9_MAXWELEM		16
#define P9_NAME_MAX		255

#define P9_QTDIR		0x80
#define P9_QTSYMLINK		0x02
#define P9_GETATTR_BASIC	0x7ffULL

/* Tlopen's flags are Linux's generic values, whatever the host's are */
#define P9_DOTL_ACCMODE		03
#define P9_DOTL_NOACCESS	03
#define P9_DOTL_EXCL		0200
#define P9_DOTL_TRUNC		01000
#define P9_DOTL_APPEND		02000
#define P9_DOTL_DSYNC		010000
#define P9_DOTL_SYNC		04000000
#define P9_DOTL_AT_REMOVEDIR	0x200

/* Tsetattr's valid bits */
#define P9_ATTR_MODE		0x001
#define P9_ATTR_UID		0x002
#define P9_ATTR_GID		0x004
#define P9_ATTR_SIZE		0x008
#define P9_ATTR_ATIME		0x010
#define P9_ATTR_MTIME		0x020
#define P9_ATTR_ATIME_SET	0x080
#define P9_ATTR_MTIME_SET	0x100

/* Tlock */
#define P9_LOCK_RDLCK		0
#define P9_LOCK_WRLCK		1
#define P9_LOCK_UNLCK		2
#define P9_LOCK_SUCCESS		0
#define P9_LOCK_BLOCKED		1

#define FID_BUCKETS		1024
/* fds the rest of the vmm keeps for itself, whatever the guest's fids take */
#define FD_RESERVE		64
/* file systems below the root told apart in qid.path's top byte */
#define MAX_DEVS		255

struct p9_fid {
	u32		fid;
	int		fd;		/* O_PATH; the open file once lopen'ed */
	bool		open;
	bool		dir;		/* lopen'ed as a directory */
	bool		writable;	/* lopen'ed or lcreate'd for writing */
	char		*path;		/* below the root: "" or "a/b" */
	struct p9_fid	*next;		/* in its hash bucket */
};

struct p9_server {
	int		root;		/* O_PATH of the share's directory */
	int		proc_fd;	/* /proc/self/fd, to reopen an O_PATH fd; or -1 */
	bool		ro;
	bool		cross_mounts;
	mode_t		umask;		/* the vmm's, which creates apply first */
	u32		msize;		/* 0 until Tversion */
	u32		seed;		/* of the fid hash: the guest cannot aim at a bucket */
	unsigned int	nr_fids;
	unsigned int	nr_devs;
	dev_t		devs[MAX_DEVS];	/* devs[0]: the root's */
	unsigned int	nr_data_devs;
	dev_t		data_devs[MAX_DEVS];	/* mounts below the root found fit to enter */
	struct p9_fid	*fids[FID_BUCKETS];
};

/* ---- messages ---------------------------------------------------------------- */

/* A request being read: past its end, every read fails and sets @bad. */
struct in {
	const u8	*p;
	size_t		len, off;
	bool		bad;
};

/* A reply being written: past @cap, every write fails and sets @full. */
struct out {
	u8		*p;
	size_t		cap, off;
	bool		full;
};

static const u8 *take(struct in *in, size_t n)
{
	const u8 *p = in->p + in->off;

	if (in->bad || in->len - in->off < n) {
		in->bad = true;
		return NULL;
	}
	in->off += n;
	return p;
}

static u64 get(struct in *in, unsigned int bytes)
{
	const u8 *p = take(in, bytes);
	u64 v = 0;

	while (p && bytes--)
		v |= (u64)p[bytes] << (8 * bytes);
	return v;
}

#define get8(in)	((u8)get(in, 1))
#define get16(in)	((u16)get(in, 2))
#define get32(in)	((u32)get(in, 4))
#define get64(in)	get(in, 8)

/*
 * A string (len[2] then its bytes) as a file name into @name: 1 to 255
 * bytes, no '/' and no NUL.  0, or -EINVAL (-ENAMETOOLONG) for a bad one;
 * a short message sets in->bad.
 */
static int get_name(struct in *in, char *name)
{
	u16 len = get16(in);
	const u8 *p = take(in, len);

	if (!p)
		return -EINVAL;
	if (len > P9_NAME_MAX)
		return -ENAMETOOLONG;
	if (!len || memchr(p, '/', len) || memchr(p, 0, len))
		return -EINVAL;
	memcpy(name, p, len);
	name[len] = 0;
	return 0;
}

/* Skip a string whose text the server has no use for. */
static void skip_str(struct in *in)
{
	take(in, get16(in));
}

static u8 *room(struct out *out, size_t n)
{
	u8 *p = out->p + out->off;

	if (out->full || out->cap - out->off < n) {
		out->full = true;
		return NULL;
	}
	out->off += n;
	return p;
}

static void put(struct out *out, u64 v, unsigned int bytes)
{
	u8 *p = room(out, bytes);
	unsigned int i;

	for (i = 0; p && i < bytes; i++)
		p[i] = v >> (8 * i);
}

#define put8(out, v)	put(out, v, 1)
#define put16(out, v)	put(out, v, 2)
#define put32(out, v)	put(out, v, 4)
#define put64(out, v)	put(out, v, 8)

static void put_str(struct out *out, const char *s, size_t len)
{
	u8 *p;

	put16(out, len);
	p = room(out, len);
	if (p)
		memcpy(p, s, len);
}

/*
 * qid.path: the inode number, and in the top byte which file system below
 * the root it is on (btrfs subvolumes and overlayfs layers share a mount
 * yet number their inodes each from scratch), as QEMU's multidevs=remap.
 */
static u64 qid_path(struct p9_server *s, dev_t dev, u64 ino)
{
	unsigned int i;

	for (i = 0; i < s->nr_devs && s->devs[i] != dev; i++)
		;
	if (i == s->nr_devs && s->nr_devs < MAX_DEVS)
		s->devs[s->nr_devs++] = dev;
	return (ino & ((1ULL << 56) - 1)) | (u64)i << 56;
}

static void put_qid(struct p9_server *s, struct out *out, const struct stat *st)
{
	put8(out, S_ISDIR(st->st_mode) ? P9_QTDIR : S_ISLNK(st->st_mode) ? P9_QTSYMLINK : 0);
	put32(out, 0);			/* version: the guest caches nothing on it */
	put64(out, qid_path(s, st->st_dev, st->st_ino));
}

/* ---- fids -------------------------------------------------------------------- */

static struct p9_fid **bucket(struct p9_server *s, u32 fid)
{
	return &s->fids[((fid ^ s->seed) * 2654435761u) >> 22 & (FID_BUCKETS - 1)];
}

static struct p9_fid *find_fid(struct p9_server *s, u32 fid)
{
	struct p9_fid *f;

	for (f = *bucket(s, fid); f; f = f->next)
		if (f->fid == fid)
			return f;
	return NULL;
}

static void free_fid(struct p9_fid *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f);
}

/* Forget @fid: 0, or -EBADF if the guest holds no such fid. */
static int drop_fid(struct p9_server *s, u32 fid)
{
	struct p9_fid **pp, *f;

	for (pp = bucket(s, fid); (f = *pp); pp = &f->next)
		if (f->fid == fid) {
			*pp = f->next;
			free_fid(f);
			s->nr_fids--;
			return 0;
		}
	return -EBADF;
}

/*
 * Give @fid (not in use) the file @fd at @path, both owned from now on,
 * also on failure: 0 or -errno.
 */
static int add_fid(struct p9_server *s, u32 fid, int fd, char *path)
{
	struct rlimit rl = { 0 };
	struct p9_fid *f;

	/* each fid holds an fd: never so many that the vmm has none left */
	getrlimit(RLIMIT_NOFILE, &rl);
	if (s->nr_fids >= P9_MAX_FIDS || s->nr_fids + FD_RESERVE >= rl.rlim_cur) {
		close(fd);
		free(path);
		return -EMFILE;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		close(fd);
		free(path);
		return -ENOMEM;
	}
	f->fid = fid;
	f->fd = fd;
	f->path = path;
	f->next = *bucket(s, fid);
	*bucket(s, fid) = f;
	s->nr_fids++;
	return 0;
}

/* ---- the share --------------------------------------------------------------- */

/*
 * Whether a file system holds files to share: the ones data is kept on,
 * and not the kernel's own (/proc, /sys, debugfs, ...), whose files are
 * the host's controls and the vmm's own memory.
 */
static bool data_fs(long type)
{
	switch (type) {
	case EXT4_SUPER_MAGIC: case XFS_SUPER_MAGIC: case BTRFS_SUPER_MAGIC:
	case TMPFS_MAGIC: case RAMFS_MAGIC: case MSDOS_SUPER_MAGIC:
	case EXFAT_SUPER_MAGIC: case F2FS_SUPER_MAGIC: case OVERLAYFS_SUPER_MAGIC:
	case NFS_SUPER_MAGIC: case 0xfe534d42 /* smb2 */: case CIFS_SUPER_MAGIC:
	case V9FS_MAGIC: case SQUASHFS_MAGIC: case ISOFS_SUPER_MAGIC:
	case EROFS_SUPER_MAGIC_V1: case FUSE_SUPER_MAGIC: case 0x2fc12fc1 /* zfs */:
	case 0xca451a4e /* bcachefs */: case 0x5346544e /* ntfs3 */:
	case UDF_SUPER_MAGIC:
		return true;
	}
	return false;
}

/* 0 if @fd (just opened below the root) is on a file system a walk may enter. */
static int may_enter(struct p9_server *s, int fd)
{
	struct statfs sfs;
	struct stat st;
	unsigned int i;

	if (fstat(fd, &st))
		return -errno;
	if (st.st_dev == s->devs[0])
		return 0;
	for (i = 0; i < s->nr_data_devs; i++)
		if (s->data_devs[i] == st.st_dev)
			return 0;
	if (fstatfs(fd, &sfs))
		return -errno;
	if (!data_fs(sfs.f_type) || s->nr_data_devs == MAX_DEVS)
		return -EXDEV;
	s->data_devs[s->nr_data_devs++] = st.st_dev;
	return 0;
}

/* The one way the server opens a name: below @dirfd, never through a link. */
static int open_beneath(struct p9_server *s, int dirfd, const char *path, u64 flags,
			mode_t mode)
{
	struct open_how how = {
		.flags = flags | O_NOFOLLOW | O_CLOEXEC,
		.mode = mode,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd, ret;

	if (!s->cross_mounts)
		how.resolve |= RESOLVE_NO_XDEV;
	fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	if (s->cross_mounts) {
		ret = may_enter(s, fd);
		if (ret) {
			close(fd);
			return ret;
		}
	}
	return fd;
}

/*
 * @path (below the root) opened with @flags, one name at a time from the
 * root, each step below the last: the fd or -errno.
 */
static int open_path(struct p9_server *s, const char *path, u64 flags)
{
	char name[P9_NAME_MAX + 1];
	const char *p = path, *slash;
	int fd, next;
	size_t len;

	if (!*path)
		return open_beneath(s, s->root, ".", flags, 0);
	fd = s->root;
	for (;;) {
		slash = strchrnul(p, '/');
		len = slash - p;
		if (!len || len > P9_NAME_MAX) {
			next = -EINVAL;
		} else {
			memcpy(name, p, len);
			name[len] = 0;
			next = open_beneath(s, fd, name, *slash ? O_PATH : flags, 0);
		}
		if (fd != s->root)
			close(fd);
		if (next < 0 || !*slash)
			return next;
		fd = next;
		p = slash + 1;
	}
}

/* @dir's path with @name after it: a new string, or NULL. */
static char *join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p;

	if (dl + nl + 2 > PATH_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	p = malloc(dl + nl + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + !!dl, name, nl + 1);
	return p;
}

/* @path without its last name ("" for a name at the root): a new string. */
static char *parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return strndup(path, slash ? (size_t)(slash - path) : 0);
}

/*
 * A fid's file (@fd, at @path; a regular file or a directory, checked)
 * opened with @flags: the very inode its O_PATH fd holds, reopened through
 * /proc/self/fd, so that nothing the path holds by now (a device swapped
 * in) is ever opened; where /proc is not mounted, its path resolved again
 * as a walk would (the caller checks it found the same file).
 */
static int reopen(struct p9_server *s, int fd, const char *path, u64 flags)
{
	char name[16];

	if (s->proc_fd < 0)
		return open_path(s, path, flags);
	snprintf(name, sizeof(name), "%d", fd);
	fd = openat(s->proc_fd, name, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int stat_fd(int fd, struct stat *st)
{
	return fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) ? -errno : 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * A fid's path that no longer resolves (the host moved or removed what it
 * names, or put a link or a file in the way): the fid is stale.
 */
static int gone(int err)
{
	return err == -ENOENT || err == -ENOTDIR || err == -ELOOP ? -ESTALE : err;
}

/*
 * @path walked again from the root, checked to lead to the file @fd (a
 * fid's) holds: a new O_PATH fd of it, or -ESTALE when the path leads
 * elsewhere by now (the host moved the file, out of the share perhaps),
 * or another -errno.  @st, if given, receives its stat.
 */
static int walk_again(struct p9_server *s, int fd, const char *path, struct stat *st)
{
	struct stat held, now;
	int nfd, ret;

	ret = stat_fd(fd, &held);
	if (ret)
		return ret;
	nfd = open_path(s, path, O_PATH);
	if (nfd < 0)
		return gone(nfd);
	ret = stat_fd(nfd, &now);
	if (!ret && !same_file(&held, &now))
		ret = -ESTALE;
	if (ret) {
		close(nfd);
		return ret;
	}
	if (st)
		*st = now;
	return nfd;
}

/* ---- requests ---------------------------------------------------------------- */

/*
 * Whether @n more bytes of reply fit: a request that changes the server's
 * state checks first, so that a reply that would not fit (the guest gave
 * too small a buffer) leaves nothing changed.
 */
static bool fits(const struct out *out, size_t n)
{
	return out->cap - out->off >= n;
}

static int do_version(struct p9_server *s, struct in *in, struct out *out)
{
	u32 msize = get32(in);
	u16 vlen = get16(in);
	const u8 *v = take(in, vlen);
	bool known;

	if (!v || msize < P9_MIN_MSIZE)
		return -EINVAL;
	if (!fits(out, 4 + 2 + 8))
		return -ENOBUFS;
	/* a new session: every fid of the last one is gone */
	p9__reset(s);
	known = vlen == 8 && !memcmp(v, "9P2000.L", 8);
	msize = msize < P9_MAX_MSIZE ? msize : P9_MAX_MSIZE;
	put32(out, msize);
	if (known)
		put_str(out, "9P2000.L", 8);
	else
		put_str(out, "unknown", 7);	/* the only other answer 9P allows */
	/* and with "unknown", no session: requests wait for another Tversion */
	s->msize = known ? msize : 0;
	return 0;
}

static int do_attach(struct p9_server *s, struct in *in, struct out *out)
{
	u32 fid = get32(in), afid = get32(in);
	struct stat st;
	char *path;
	int fd, ret;

	skip_str(in);		/* uname: the server acts as the vmm's user */
	skip_str(in);		/* aname: a share has one tree */
	take(in, 4);		/* n_uname */
	if (in->bad)
		return -EINVAL;
	if (afid != P9_NOFID)
		return -EINVAL;	/* no Tauth, so no afid */
	if (find_fid(s, fid))
		return -EEXIST;
	if (!fits(out, 13))
		return -ENOBUFS;
	fd = open_beneath(s, s->root, ".", O_PATH, 0);
	if (fd < 0)
		return fd;
	ret = stat_fd(fd, &st);
	path = strdup("");
	if (ret || !path) {
		close(fd);
		free(path);
		return ret ? ret : -ENOMEM;
	}
	ret = add_fid(s, fid, fd, path);
	if (!ret)
		put_qid(s, out, &st);
	return ret;
}

static int do_walk(struct p9_server *s, struct in *in, struct out *out)
{
	u32 fid = get32(in), newfid = get32(in);
	u16 nwname = get16(in), i;
	char names[P9_MAXWELEM][P9_NAME_MAX + 1];
	struct p9_fid *f = find_fid(s, fid);
	size_t count_at;
	char *path, *p;
	struct stat st;
	int fd, next, ret = 0;

	if (nwname > P9_MAXWELEM)
		return -EINVAL;
	for (i = 0; i < nwname; i++) {
		ret = get_name(in, names[i]);
		if (ret)
			return ret;
	}
	if (in->bad)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (f->open)
		return -EBADF;	/* 9P: an open fid is not walked */
	if (newfid != fid && find_fid(s, newfid))
		return -EEXIST;
	if (!fits(out, 2 + 13 * nwname))
		return -ENOBUFS;

	/*
	 * From the fid's file as its path from the root finds it now: a
	 * directory the host moved out of the share is not walked into.
	 * (A clone reaches nothing new.)
	 */
	if (nwname) {
		fd = walk_again(s, f->fd, f->path, NULL);
	} else {
		fd = fcntl(f->fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			fd = -errno;
	}
	path = strdup(f->path);
	if (fd < 0 || !path) {
		ret = fd < 0 ? fd : -ENOMEM;
		goto fail;
	}
	count_at = out->off;
	put16(out, 0);		/* nwqid, filled in below */
	for (i = 0; i < nwname; i++) {
		if (!strcmp(names[i], ".")) {
			ret = -EINVAL;
		} else if (!strcmp(names[i], "..")) {
			/* up: the parent's path, walked again from the root */
			p = parent_of(path);
			if (!p) {
				ret = -ENOMEM;
			} else {
				free(path);
				path = p;
				next = open_path(s, path, O_PATH);
				ret = next < 0 ? next : 0;
			}
		} else {
			next = open_beneath(s, fd, names[i], O_PATH, 0);
			ret = next < 0 ? next : 0;
			if (!ret) {
				p = join(path, names[i]);
				if (!p) {
					close(next);
					ret = -errno;
				} else {
					free(path);
					path = p;
				}
			}
		}
		if (!ret) {
			close(fd);
			fd = next;
			ret = stat_fd(fd, &st);
		}
		if (ret)
			break;
		put_qid(s, out, &st);
	}
	if (ret && i == 0)
		goto fail;		/* Rlerror: nothing was walked */
	out->p[count_at] = i;		/* nwqid <= 16 */
	out->p[count_at + 1] = 0;
	if (i < nwname) {
		/* a partial walk: the qids so far, and no newfid */
		close(fd);
		free(path);
		return 0;
	}
	if (newfid == fid) {
		close(f->fd);
		free(f->path);
		f->fd = fd;
		f->path = path;
		return 0;
	}
	return add_fid(s, newfid, fd, path);
fail:
	if (fd >= 0)
		close(fd);
	free(path);
	return ret;
}

static int do_getattr(struct p9_server *s, struct in *in, struct out *out)
{
	struct p9_fid *f = find_fid(s, get32(in));
	struct stat st;
	int ret;

	take(in, 8);		/* request_mask: everything is cheap to give */
	if (in->bad)
		return -EINVAL;
	if (!f)
		return -EBADF;
	ret = stat_fd(f->fd, &st);
	if (ret)
		return ret;
	put64(out, P9_GETATTR_BASIC);
	put_qid(s, out, &st);
	put32(out, st.st_mode);
	put32(out, st.st_uid);
	put32(out, st.st_gid);
	put64(out, st.st_nlink);
	put64(out, st.st_rdev);
	put64(out, st.st_size);
	put64(out, st.st_blksize);
	put64(out, st.st_blocks);
	put64(out, st.st_atim.tv_sec);
	put64(out, st.st_atim.tv_nsec);
	put64(out, st.st_mtim.tv_sec);
	put64(out, st.st_mtim.tv_nsec);
	put64(out, st.st_ctim.tv_sec);
	put64(out, st.st_ctim.tv_nsec);
	put64(out, 0);		/* btime, gen, data_version: not given */
	put64(out, 0);
	put64(out, 0);
	put64(out, 0);
	return 0;
}

/*
 * Tlopen's and Tlcreate's flags (Linux's generic values, whatever the
 * host's are: arm64 numbers O_DIRECTORY and O_DIRECT otherwise) as this
 * host's open flags, those the server honours: the access mode, append and
 * sync.  O_TRUNC is done apart, after the checks.
 */
static int host_flags(u32 flags)
{
	int o = flags & P9_DOTL_ACCMODE;	/* 0, 1 and 2 on every Linux */

	if (flags & P9_DOTL_APPEND)
		o |= O_APPEND;
	if (flags & P9_DOTL_SYNC)
		o |= O_SYNC;
	else if (flags & P9_DOTL_DSYNC)
		o |= O_DSYNC;
	return o;
}

static bool wants_write(u32 flags)
{
	return (flags & P9_DOTL_ACCMODE) != O_RDONLY ||
	       (flags & (P9_DOTL_TRUNC | P9_DOTL_APPEND));
}

/*
 * The regular file or directory a fid holds (@fd at @path, @st its stat)
 * opened for I/O with Tlopen's @flags: the very inode its O_PATH fd
 * holds, reopened, once its path is checked to lead to it from the root
 * still (it was not moved out).  The fd, or -errno.
 */
static int open_for_io(struct p9_server *s, int fd, const char *path,
		       const struct stat *st, u32 flags)
{
	struct stat now;
	int nfd, ret, o = host_flags(flags);

	nfd = walk_again(s, fd, path, NULL);
	if (nfd < 0)
		return nfd;
	close(nfd);
	/*
	 * Non-blocking and without a controlling tty: without /proc it is
	 * the path opened again, and whatever it holds by then, a FIFO or a
	 * device swapped in, must neither block nor see an open before the
	 * check below.
	 */
	nfd = reopen(s, fd, path, o | O_NONBLOCK | O_NOCTTY |
		     (S_ISDIR(st->st_mode) ? O_DIRECTORY : 0));
	if (nfd < 0)
		return nfd;
	/* what the walk found, and not something swapped in since */
	ret = stat_fd(nfd, &now);
	if (!ret && (!same_file(st, &now) || (now.st_mode & S_IFMT) != (st->st_mode & S_IFMT)))
		ret = -ESTALE;
	if (!ret && fcntl(nfd, F_SETFL, o & O_APPEND))
		ret = -errno;
	if (!ret && (flags & P9_DOTL_TRUNC) && ftruncate(nfd, 0))
		ret = -errno;
	if (ret) {
		close(nfd);
		return ret;
	}
	return nfd;
}

static int do_lopen(struct p9_server *s, struct in *in, struct out *out)
{
	struct p9_fid *f = find_fid(s, get32(in));
	u32 flags = get32(in);
	struct stat st;
	int fd, ret;

	if (in->bad)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (f->open)
		return -EBADF;
	if (!fits(out, 17))
		return -ENOBUFS;
	ret = stat_fd(f->fd, &st);
	if (ret)
		return ret;
	/* files and directories only: no device, FIFO or socket, ever */
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return S_ISLNK(st.st_mode) ? -ELOOP : -EACCES;
	if ((flags & P9_DOTL_ACCMODE) == P9_DOTL_NOACCESS)
		return -EINVAL;
	if (wants_write(flags)) {
		if (s->ro)
			return -EROFS;
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
	}
	fd = open_for_io(s, f->fd, f->path, &st, flags);
	if (fd < 0)
		return fd;
	close(f->fd);
	f->fd = fd;
	f->open = true;
	f->dir = S_ISDIR(st.st_mode);
	f->writable = (flags & P9_DOTL_ACCMODE) != O_RDONLY;
	put_qid(s, out, &st);
	put32(out, s->msize - P9_IOHDR);
	return 0;
}

static int do_read(struct p9_server *s, struct in *in, struct out *out)
{
	struct p9_fid *f = find_fid(s, get32(in));
	u64 offset = get64(in);
	u32 count = get32(in);
	size_t room_left;
	ssize_t got;
	u8 *data;

	if (in->bad)
		return -EINVAL;
	if (!f || !f->open)
		return -EBADF;
	if (f->dir)
		return -EISDIR;
	if (offset > INT64_MAX)
		return -EINVAL;
	room_left = out->cap - out->off - 4;
	if (count > room_left)
		count = room_left;
	if (count > s->msize - P9_IOHDR)
		count = s->msize - P9_IOHDR;
	data = out->p + out->off + 4;
	got = pread(f->fd, data, count, offset);
	if (got < 0)
		return -errno;
	put32(out, got);
	room(out, got);
	return 0;
}

static int do_readdir(struct p9_server *s, struct in *in, struct out *out)
{
	struct p9_fid *f = find_fid(s, get32(in));
	u64 offset = get64(in);
	u32 count = get32(in);
	size_t count_at, start;
	char buf[8192] __attribute__((aligned(8)));
	struct stat dir;
	long got, pos;

	if (in->bad)
		return -EINVAL;
	if (!f || !f->open)
		return -EBADF;
	if (!f->dir)
		return -ENOTDIR;
	if (count > s->msize - P9_IOHDR)
		count = s->msize - P9_IOHDR;
	if (stat_fd(f->fd, &dir))
		return -errno;
	if (lseek(f->fd, offset, SEEK_SET) < 0)
		return -errno;
	count_at = out->off;
	put32(out, 0);
	start = out->off;
	got = syscall(SYS_getdents64, f->fd, buf, sizeof(buf) < count ? sizeof(buf) : count);
	if (got < 0)
		return -errno;
	for (pos = 0; pos < got; ) {
		struct dirent64 *d = (struct dirent64 *)(buf + pos);
		size_t nlen = strlen(d->d_name);
		/* qid[13] offset[8] type[1] name[s] */
		size_t need = 13 + 8 + 1 + 2 + nlen;

		if (out->off - start + need > count || out->cap - out->off < need)
			break;
		put8(out, d->d_type == DT_DIR ? P9_QTDIR : d->d_type == DT_LNK ? P9_QTSYMLINK : 0);
		put32(out, 0);
		put64(out, qid_path(s, dir.st_dev, d->d_ino));
		put64(out, d->d_off);
		put8(out, d->d_type);
		put_str(out, d->d_name, nlen);
		pos += d->d_reclen;
	}
	/* a first entry too big for @count: the guest must ask with more room */
	if (out->off == start && got > 0)
		return -EINVAL;
	out->p[count_at] = out->off - start;
	out->p[count_at + 1] = (out->off - start) >> 8;
	out->p[count_at + 2] = (out->off - start) >> 16;
	out->p[count_at + 3] = 0;
	return 0;
}

static int do_readlink(struct p9_server *s, struct in *in, struct out *out)
{
	struct p9_fid *f = find_fid(s, get32(in));
	char target[4096];
	struct stat st;
	ssize_t len;

	if (in->bad)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (stat_fd(f->fd, &st) || !S_ISLNK(st.st_mode))
		return -EINVAL;
	len = readlinkat(f->fd, "", target, sizeof(target));
	if (len < 0)
		return -errno;
	if ((size_t)len == sizeof(target))
		return -ENAMETOOLONG;
	put_str(out, target, len);
	return 0;
}

static int do_statfs(struct p9_server *s, struct in *in, struct out *out)
{
	struct p9_fid *f = find_fid(s, get32(in));
	struct statfs st;

	if (in->bad)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (fstatfs(f->fd, &st))
		return -errno;
	put32(out, st.f_type);
	put32(out, st.f_bsize);
	put64(out, st.f_blocks);
	put64(out, st.f_bfree);
	put64(out, st.f_bavail);
	put64(out, st.f_files);
	put64(out, st.f_ffree);
	put64(out, (u64)(u32)st.f_fsid.__val[0] | (u64)(u32)st.f_fsid.__val[1] << 32);
	put32(out, st.f_namelen);
	return 0;
}

static int do_clunk(struct p9_server *s, struct in *in, struct out *out __unused)
{
	u32 fid = get32(in);

	return in->bad ? -EINVAL : drop_fid(s, fid);
}

/* ---- changes to the share ------------------------------------------------------ */

/* A name to create, remove or rename to: get_name's, never "." or "..". */
static int get_new_name(struct in *in, char *name)
{
	int ret = get_name(in, name);

	if (!ret && (!strcmp(name, ".") || !strcmp(name, "..")))
		ret = -EINVAL;
	return ret;
}

/* The directory fid @dfid as it stands now: a new O_PATH fd (walk_again). */
static int dir_now(struct p9_server *s, u32 dfid)
{
	struct p9_fid *d = find_fid(s, dfid);
	struct stat st;
	int fd;

	if (!d)
		return -EBADF;
	fd = walk_again(s, d->fd, d->path, &st);
	if (fd >= 0 && !S_ISDIR(st.st_mode)) {
		close(fd);
		return -ENOTDIR;
	}
	return fd;
}

/*
 * The directory that holds @f's file, and the file's name there in @name,
 * both checked as they stand now: the directory's new O_PATH fd, or -errno
 * (-EBUSY for the share's root, which has no name in the share).
 */
static int parent_now(struct p9_server *s, const struct p9_fid *f, char *name)
{
	const char *slash = strrchr(f->path, '/');
	const char *base = slash ? slash + 1 : f->path;
	struct stat held, now;
	char *dir;
	int fd, ret;

	if (!*f->path)
		return -EBUSY;
	ret = stat_fd(f->fd, &held);
	if (ret)
		return ret;
	dir = parent_of(f->path);
	if (!dir)
		return -ENOMEM;
	fd = open_path(s, dir, O_PATH | O_DIRECTORY);
	free(dir);
	if (fd < 0)
		return gone(fd);
	ret = fstatat(fd, base, &now, AT_SYMLINK_NOFOLLOW) ? gone(-errno) : 0;
	if (!ret && !same_file(&held, &now))
		ret = -ESTALE;
	if (ret) {
		close(fd);
		return ret;
	}
	snprintf(name, P9_NAME_MAX + 1, "%s", base);
	return fd;
}

/*
 * The guest's @mode for a file it creates or chmods: its permissions and
 * the sticky bit, never setuid or setgid.
 */
static mode_t safe_mode(u32 mode)
{
	return mode & (S_IRWXU | S_IRWXG | S_IRWXO | S_ISVTX);
}

/*
 * chmod the file (not a symlink) that @fd holds: an open fd directly, an
 * O_PATH one through /proc/self/fd, the very inode.
 */
static int chmod_fd(struct p9_server *s, int fd, bool open, mode_t mode)
{
	char name[16];

	if (open)
		return fchmod(fd, mode) ? -errno : 0;
	if (s->proc_fd < 0)
		return -EOPNOTSUPP;
	snprintf(name, sizeof(name), "%d", fd);
	return fchmodat(s->proc_fd, name, mode, 0) ? -errno : 0;
}

/*
 * A path for a fid after its name changed: @path with @from (itself or an
 * ancestor) replaced by @to.  A new string, or NULL.
 */
static char *repath(const char *path, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), rest = strlen(path) - fl;
	char *p = malloc(tl + rest + 1);

	if (p) {
		memcpy(p, to, tl);
		memcpy(p + tl, path + fl, rest + 1);
	}
	return p;
}

/*
 * @from was renamed @to: every fid at or below it follows, so that its
 * path leads to its file again.  One that cannot (out of memory) is left
 * where it was, and finds ESTALE there.
 */
static void moved(struct p9_server *s, const char *from, const char *to)
{
	size_t fl = strlen(from);
	struct p9_fid *f;
	unsigned int i;
	char *p;

	for (i = 0; i < FID_BUCKETS; i++)
		for (f = s->fids[i]; f; f = f->next) {
			if (strncmp(f->path, from, fl) || (f->path[fl] && f->path[fl] != '/'))
				continue;
			p = repath(f->path, from, to);
			if (p) {
				free(f->path);
				f->path = p;
			}
		}
}

/* The file Tlcreate names, when it exists and O_EXCL was not asked: opened as Tlopen would. */
static int open_existing(struct p9_server *s, int dfd, const char *name, const char *path,
			 u32 flags, struct stat *st)
{
	int fd, ret;

	fd = open_beneath(s, dfd, name, O_PATH, 0);
	if (fd < 0)
		return fd;
	ret = stat_fd(fd, st);
	if (!ret && !S_ISREG(st->st_mode))
		ret = S_ISDIR(st->st_mode) ? -EISDIR : S_ISLNK(st->st_mode) ? -ELOOP : -EACCES;
	if (!ret)
		ret = open_for_io(s, fd, path, st, flags);
	close(fd);
	return ret;
}

static int do_lcreate(struct p9_server *s, struct in *in, struct out *out)
{
	struct p9_fid *f = find_fid(s, get32(in));
	char name[P9_NAME_MAX + 1];
	int ret = get_new_name(in, name);
	u32 flags = get32(in), mode = get32(in);
	struct stat st;
	char *path;
	int dfd, fd;

	take(in, 4);		/* gid: a file is the vmm's user's */
	if (in->bad)
		return -EINVAL;
	if (ret)
		return ret;
	if (!f || f->open)
		return -EBADF;
	if ((flags & P9_DOTL_ACCMODE) == P9_DOTL_NOACCESS)
		return -EINVAL;
	if (!fits(out, 17))
		return -ENOBUFS;
	path = join(f->path, name);
	if (!path)
		return -errno;
	dfd = dir_now(s, f->fid);
	if (dfd < 0) {
		free(path);
		return dfd;
	}
	mode = safe_mode(mode) & ~S_ISVTX;
	fd = open_beneath(s, dfd, name, host_flags(flags) | O_CREAT | O_EXCL | O_NOCTTY, mode);
	if (fd >= 0) {
		/* exactly the guest's mode, which its own umask made */
		ret = (mode & s->umask) && fchmod(fd, mode) ? -errno : 0;
		if (!ret)
			ret = stat_fd(fd, &st);
	} else if (fd == -EEXIST && !(flags & P9_DOTL_EXCL)) {
		fd = open_existing(s, dfd, name, path, flags, &st);
		ret = fd < 0 ? fd : 0;
	} else {
		ret = fd;
	}
	close(dfd);
	if (ret) {
		if (fd >= 0)
			close(fd);
		free(path);
		return ret;
	}
	/* the fid is the new file's now, open */
	close(f->fd);
	free(f->path);
	f->fd = fd;
	f->path = path;
	f->open = true;
	f->dir = false;
	f->writable = (flags & P9_DOTL_ACCMODE) != O_RDONLY;
	put_qid(s, out, &st);
	put32(out, s->msize - P9_IOHDR);
	return 0;
}

static int do_write(struct p9_server *s, struct in *in, struct out *out)
{
	struct p9_fid *f = find_fid(s, get32(in));
	u64 offset = get64(in);
	u32 count = get32(in);
	const u8 *data = take(in, count);
	ssize_t done;

	if (!data)
		return -EINVAL;
	if (!f || !f->open || !f->writable)
		return -EBADF;
	if (offset > INT64_MAX)
		return -EINVAL;
	if (!fits(out, 4))
		return -ENOBUFS;
	done = pwrite(f->fd, data, count, offset);
	if (done < 0)
		return -errno;
	put32(out, done);
	return 0;
}

static int do_mkdir(struct p9_server *s, struct in *in, struct out *out)
{
	u32 dfid = get32(in);
	char name[P9_NAME_MAX + 1];
	int ret = get_new_name(in, name);
	mode_t mode = safe_mode(get32(in));
	struct stat st;
	int dfd, fd;

	take(in, 4);		/* gid */
	if (in->bad)
		return -EINVAL;
	if (ret)
		return ret;
	if (!fits(out, 13))
		return -ENOBUFS;
	dfd = dir_now(s, dfid);
	if (dfd < 0)
		return dfd;
	if (mkdirat(dfd, name, mode)) {
		ret = -errno;
		close(dfd);
		return ret;
	}
	/* O_PATH: a mode without read permission is the guest's to give */
	fd = open_beneath(s, dfd, name, O_PATH | O_DIRECTORY, 0);
	close(dfd);
	if (fd < 0)
		return fd;
	ret = mode & s->umask ? chmod_fd(s, fd, false, mode) : 0;
	if (!ret)
		ret = stat_fd(fd, &st);
	close(fd);
	if (!ret)
		put_qid(s, out, &st);
	return ret;
}

static int do_symlink(struct p9_server *s, struct in *in, struct out *out)
{
	u32 dfid = get32(in);
	char name[P9_NAME_MAX + 1], target[PATH_MAX];
	int ret = get_new_name(in, name);
	u16 tlen = get16(in);
	const u8 *t = take(in, tlen);
	struct stat st;
	int dfd;

	take(in, 4);		/* gid */
	if (in->bad)
		return -EINVAL;
	if (ret)
		return ret;
	/* the target is only text: the server never follows it */
	if (!tlen || memchr(t, 0, tlen))
		return -EINVAL;
	if (tlen >= sizeof(target))
		return -ENAMETOOLONG;
	memcpy(target, t, tlen);
	target[tlen] = 0;
	if (!fits(out, 13))
		return -ENOBUFS;
	dfd = dir_now(s, dfid);
	if (dfd < 0)
		return dfd;
	ret = symlinkat(target, dfd, name) ? -errno : 0;
	if (!ret)
		ret = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) ? -errno : 0;
	close(dfd);
	if (!ret)
		put_qid(s, out, &st);
	return ret;
}

static int do_link(struct p9_server *s, struct in *in)
{
	u32 dfid = get32(in);
	struct p9_fid *f = find_fid(s, get32(in));
	char name[P9_NAME_MAX + 1], old[P9_NAME_MAX + 1];
	int ret = get_new_name(in, name);
	int dfd, odfd;

	if (in->bad)
		return -EINVAL;
	if (ret)
		return ret;
	if (!f)
		return -EBADF;
	/* by name, with no link followed: the file the fid holds, in the share */
	odfd = parent_now(s, f, old);
	if (odfd < 0)
		return odfd;
	dfd = dir_now(s, dfid);
	if (dfd >= 0) {
		ret = linkat(odfd, old, dfd, name, 0) ? -errno : 0;
		close(dfd);
	} else {
		ret = dfd;
	}
	close(odfd);
	return ret;
}

/*
 * Rename @oname in @odfd (an O_PATH fd or -errno; closed here) to @nname
 * in the directory fid @nfid as it stands now, and the fids at @from to
 * @to (both freed here).
 */
static int rename_to(struct p9_server *s, int odfd, const char *oname, u32 nfid,
		     const char *nname, char *from, char *to)
{
	int ndfd = odfd < 0 ? odfd : dir_now(s, nfid);
	int ret = ndfd < 0 ? ndfd : 0;

	if (!ret && renameat(odfd, oname, ndfd, nname))
		ret = -errno;
	if (!ret)
		moved(s, from, to);
	if (ndfd >= 0)
		close(ndfd);
	if (odfd >= 0)
		close(odfd);
	free(from);
	free(to);
	return ret;
}

static int do_rename(struct p9_server *s, struct in *in)
{
	struct p9_fid *f = find_fid(s, get32(in));
	struct p9_fid *d = find_fid(s, get32(in));
	char name[P9_NAME_MAX + 1], old[P9_NAME_MAX + 1];
	int ret = get_new_name(in, name);
	char *from, *to;

	if (in->bad)
		return -EINVAL;
	if (ret)
		return ret;
	if (!f || !d)
		return -EBADF;
	/* moved() rewrites f->path itself: its own copy of the old one */
	to = join(d->path, name);
	from = strdup(f->path);
	if (!to || !from) {
		free(to);
		free(from);
		return -ENOMEM;
	}
	return rename_to(s, parent_now(s, f, old), old, d->fid, name, from, to);
}

static int do_renameat(struct p9_server *s, struct in *in)
{
	struct p9_fid *od = find_fid(s, get32(in));
	char oname[P9_NAME_MAX + 1], nname[P9_NAME_MAX + 1];
	int ret = get_new_name(in, oname);
	struct p9_fid *nd = find_fid(s, get32(in));
	int ret2 = get_new_name(in, nname);
	char *from, *to;

	if (in->bad)
		return -EINVAL;
	if (ret || ret2)
		return ret ? ret : ret2;
	if (!od || !nd)
		return -EBADF;
	from = join(od->path, oname);
	to = join(nd->path, nname);
	if (!from || !to) {
		ret = -errno;		/* join(): ENAMETOOLONG or ENOMEM */
		free(from);
		free(to);
		return ret;
	}
	return rename_to(s, dir_now(s, od->fid), oname, nd->fid, nname, from, to);
}

static int do_unlinkat(struct p9_server *s, struct in *in)
{
	u32 dfid = get32(in);
	char name[P9_NAME_MAX + 1];
	int ret = get_new_name(in, name);
	u32 flags = get32(in);
	int dfd;

	if (in->bad)
		return -EINVAL;
	if (ret)
		return ret;
	dfd = dir_now(s, dfid);
	if (dfd < 0)
		return dfd;
	ret = unlinkat(dfd, name, flags & P9_DOTL_AT_REMOVEDIR ? AT_REMOVEDIR : 0) ? -errno : 0;
	close(dfd);
	return ret;
}

/* Tremove clunks its fid whatever the answer (the client forgets it). */
static int do_remove(struct p9_server *s, struct in *in)
{
	u32 fid = get32(in);
	char name[P9_NAME_MAX + 1];
	struct p9_fid *f;
	struct stat st;
	int dfd, ret;

	if (in->bad)
		return -EINVAL;
	f = find_fid(s, fid);
	if (!f)
		return -EBADF;
	ret = s->ro ? -EROFS : stat_fd(f->fd, &st);
	if (!ret) {
		dfd = parent_now(s, f, name);
		ret = dfd < 0 ? dfd : 0;
	}
	if (!ret) {
		ret = unlinkat(dfd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) ? -errno : 0;
		close(dfd);
	}
	drop_fid(s, fid);
	return ret;
}

static int do_fsync(struct p9_server *s, struct in *in)
{
	struct p9_fid *f = find_fid(s, get32(in));
	u32 datasync = get32(in);

	if (in->bad)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (!f->open)
		return 0;	/* nothing written through it */
	return (datasync ? fdatasync(f->fd) : fsync(f->fd)) ? -errno : 0;
}

/*
 * Tsetattr's new size for @fd's file (@st, checked to be a regular file):
 * through @fd itself when it is the fid's own file open for writing, else
 * through the inode @fd holds (checked to be in the share) opened for it.
 */
static int truncate_to(struct p9_server *s, const struct p9_fid *f, int fd,
		       bool writable, const struct stat *st, u64 size)
{
	struct stat now;
	int wfd, ret;

	if (writable)
		return ftruncate(fd, size) ? -errno : 0;
	wfd = reopen(s, fd, f->path, O_WRONLY | O_NONBLOCK | O_NOCTTY);
	if (wfd < 0)
		return wfd;
	ret = stat_fd(wfd, &now);
	if (!ret && !same_file(st, &now))
		ret = -ESTALE;
	if (!ret && ftruncate(wfd, size))
		ret = -errno;
	close(wfd);
	return ret;
}

/* Tsetattr's times for @fd's file (@st): @own, the fid's open file. */
static int set_times(struct p9_server *s, const struct p9_fid *f, int fd, bool own,
		     const struct stat *st, const struct timespec *times)
{
	char name[P9_NAME_MAX + 1];
	int dfd, ret;

	if (own)
		return futimens(fd, times) ? -errno : 0;
	if (S_ISLNK(st->st_mode)) {
		/* the link itself, by name */
		dfd = parent_now(s, f, name);
		if (dfd < 0)
			return dfd;
		ret = utimensat(dfd, name, times, AT_SYMLINK_NOFOLLOW) ? -errno : 0;
		close(dfd);
		return ret;
	}
	if (s->proc_fd < 0)
		return -EOPNOTSUPP;
	snprintf(name, sizeof(name), "%d", fd);
	return utimensat(s->proc_fd, name, times, 0) ? -errno : 0;
}

/* Tsetattr's time from its valid bits: now, the one given, or unchanged. */
static int attr_time(u32 valid, u32 bit, u32 set_bit, u64 sec, u64 nsec, struct timespec *t)
{
	if (!(valid & bit)) {
		t->tv_nsec = UTIME_OMIT;
	} else if (!(valid & set_bit)) {
		t->tv_nsec = UTIME_NOW;
	} else {
		if (nsec >= 1000000000 || sec > INT64_MAX)
			return -EINVAL;
		t->tv_sec = sec;
		t->tv_nsec = nsec;
	}
	return 0;
}

static int do_setattr(struct p9_server *s, struct in *in)
{
	struct p9_fid *f = find_fid(s, get32(in));
	u32 valid = get32(in), mode = get32(in);
	struct timespec times[2] = { 0 };
	u64 size, at_s, at_ns, mt_s, mt_ns;
	struct stat st;
	int fd, ret;
	bool own;

	take(in, 8);		/* uid, gid: accepted and ignored, see the head */
	size = get64(in);
	at_s = get64(in);
	at_ns = get64(in);
	mt_s = get64(in);
	mt_ns = get64(in);
	if (in->bad)
		return -EINVAL;
	if (!f)
		return -EBADF;
	ret = attr_time(valid, P9_ATTR_ATIME, P9_ATTR_ATIME_SET, at_s, at_ns, &times[0]);
	if (!ret)
		ret = attr_time(valid, P9_ATTR_MTIME, P9_ATTR_MTIME_SET, mt_s, mt_ns, &times[1]);
	if (ret)
		return ret;
	/*
	 * An open fid's file is its own, but for a new size through a fid
	 * not open for writing (which opens the file for it): that file and
	 * any other is checked to be in the share still.
	 */
	own = f->open && (f->writable || !(valid & P9_ATTR_SIZE));
	if (own) {
		fd = f->fd;
		ret = stat_fd(fd, &st);
	} else {
		fd = walk_again(s, f->fd, f->path, &st);
		ret = fd < 0 ? fd : 0;
	}
	/* all of it can be done, or none of it is */
	if (!ret && (valid & P9_ATTR_MODE) && S_ISLNK(st.st_mode))
		ret = -EOPNOTSUPP;
	if (!ret && (valid & P9_ATTR_SIZE))
		ret = S_ISDIR(st.st_mode) ? -EISDIR :
		      !S_ISREG(st.st_mode) || size > INT64_MAX ? -EINVAL : 0;
	if (!ret && (valid & P9_ATTR_MODE))
		ret = chmod_fd(s, fd, own, safe_mode(mode));
	if (!ret && (valid & P9_ATTR_SIZE))
		ret = truncate_to(s, f, fd, own && f->writable, &st, size);
	if (!ret && (valid & (P9_ATTR_ATIME | P9_ATTR_MTIME)))
		ret = set_times(s, f, fd, own, &st, times);
	if (!own && fd >= 0)
		close(fd);
	return ret;
}

/* ---- locks ------------------------------------------------------------------ */

/* Tlock: the host's open-file-description lock on the fid's open file. */
static int do_lock(struct p9_server *s, struct in *in, struct out *out)
{
	struct p9_fid *f = find_fid(s, get32(in));
	u8 type = get8(in);
	struct flock fl = { .l_whence = SEEK_SET };
	u64 start, len;
	u8 status = P9_LOCK_SUCCESS;

	take(in, 4);		/* flags: a blocked lock the client asks again */
	start = get64(in);
	len = get64(in);
	take(in, 4);		/* proc_id */
	skip_str(in);		/* client_id */
	if (in->bad || start > INT64_MAX || len > INT64_MAX)
		return -EINVAL;
	if (!f || !f->open)
		return -EBADF;
	switch (type) {
	case P9_LOCK_RDLCK:	fl.l_type = F_RDLCK; break;
	case P9_LOCK_WRLCK:	fl.l_type = F_WRLCK; break;
	case P9_LOCK_UNLCK:	fl.l_type = F_UNLCK; break;
	default:		return -EINVAL;
	}
	if (!fits(out, 1))
		return -ENOBUFS;
	fl.l_start = start;
	fl.l_len = len;
	if (fcntl(f->fd, F_OFD_SETLK, &fl)) {
		if (errno != EAGAIN && errno != EACCES)
			return -errno;
		status = P9_LOCK_BLOCKED;
	}
	put8(out, status);
	return 0;
}

/* Tgetlock: the first lock that would conflict, or the request with UNLCK. */
static int do_getlock(struct p9_server *s, struct in *in, struct out *out)
{
	struct p9_fid *f = find_fid(s, get32(in));
	u8 type = get8(in);
	struct flock fl = { .l_whence = SEEK_SET };
	u64 start = get64(in), len = get64(in);
	u32 proc_id = get32(in);
	u16 clen = get16(in);
	const u8 *client = take(in, clen);

	if (in->bad || start > INT64_MAX || len > INT64_MAX)
		return -EINVAL;
	if (!f || !f->open)
		return -EBADF;
	if (type != P9_LOCK_RDLCK && type != P9_LOCK_WRLCK)
		return -EINVAL;
	fl.l_type = type == P9_LOCK_RDLCK ? F_RDLCK : F_WRLCK;
	fl.l_start = start;
	fl.l_len = len;
	if (fcntl(f->fd, F_OFD_GETLK, &fl))
		return -errno;
	if (fl.l_type == F_UNLCK) {
		put8(out, P9_LOCK_UNLCK);
		put64(out, start);
		put64(out, len);
		put32(out, proc_id);
	} else {
		put8(out, fl.l_type == F_RDLCK ? P9_LOCK_RDLCK : P9_LOCK_WRLCK);
		put64(out, fl.l_start);
		put64(out, fl.l_len);
		put32(out, 0);		/* another open file's, not a guest process's */
	}
	put_str(out, (const char *)client, clen);
	return 0;
}

/* Answer @type's request in @in into @out (after the header): 0 or -errno. */
static int dispatch(struct p9_server *s, u8 type, struct in *in, struct out *out)
{
	if (type == P9_TVERSION)
		return do_version(s, in, out);
	if (!s->msize)
		return -EPROTO;		/* Tversion first */
	switch (type) {
	case P9_TATTACH:	return do_attach(s, in, out);
	case P9_TWALK:		return do_walk(s, in, out);
	case P9_TGETATTR:	return do_getattr(s, in, out);
	case P9_TLOPEN:		return do_lopen(s, in, out);
	case P9_TREAD:		return do_read(s, in, out);
	case P9_TREADDIR:	return do_readdir(s, in, out);
	case P9_TREADLINK:	return do_readlink(s, in, out);
	case P9_TSTATFS:	return do_statfs(s, in, out);
	case P9_TCLUNK:		return do_clunk(s, in, out);
	case P9_TFLUSH:		/* every request is answered at once */
		take(in, 2);
		return in->bad ? -EINVAL : 0;
	case P9_TAUTH:		return -EOPNOTSUPP;
	case P9_TXATTRWALK:	return -EOPNOTSUPP;	/* no xattrs: nothing to plant */
	case P9_TXATTRCREATE:	return -EOPNOTSUPP;
	case P9_TREMOVE:	return do_remove(s, in);
	case P9_TFSYNC:		return do_fsync(s, in);
	case P9_TLOCK:		return do_lock(s, in, out);
	case P9_TGETLOCK:	return do_getlock(s, in, out);
	case P9_TLCREATE: case P9_TWRITE: case P9_TMKDIR: case P9_TSYMLINK:
	case P9_TLINK: case P9_TMKNOD: case P9_TRENAME: case P9_TRENAMEAT:
	case P9_TUNLINKAT: case P9_TSETATTR:
		break;		/* below: these change the share */
	default:		return -EOPNOTSUPP;
	}
	if (s->ro)
		return -EROFS;
	switch (type) {
	case P9_TLCREATE:	return do_lcreate(s, in, out);
	case P9_TWRITE:		return do_write(s, in, out);
	case P9_TMKDIR:		return do_mkdir(s, in, out);
	case P9_TSYMLINK:	return do_symlink(s, in, out);
	case P9_TLINK:		return do_link(s, in);
	case P9_TMKNOD:		return -EPERM;	/* no device, FIFO or socket */
	case P9_TRENAME:	return do_rename(s, in);
	case P9_TRENAMEAT:	return do_renameat(s, in);
	case P9_TUNLINKAT:	return do_unlinkat(s, in);
	case P9_TSETATTR:	return do_setattr(s, in);
	default:		return -EOPNOTSUPP;
	}
}

size_t p9__handle(struct p9_server *s, const u8 *req, size_t len, u8 *resp,
		  size_t cap)
{
	struct in in = { .p = req, .len = len };
	struct out out = { .p = resp, .cap = cap };
	u32 size = get32(&in);
	u8 type = get8(&in);
	u16 tag = get16(&in);
	int ret;

	if (in.bad || size != len || cap < P9_HDR + 4)
		return 0;
	/* replies stay within the agreed msize */
	if (s->msize && out.cap > s->msize)
		out.cap = s->msize;
	out.off = P9_HDR;
	ret = dispatch(s, type, &in, &out);
	if (!ret && out.full)
		ret = -ENOBUFS;
	if (ret) {
		out.off = P9_HDR;
		out.full = false;
		put32(&out, -ret);
		type = P9_RLERROR - 1;
	}
	resp[0] = out.off;
	resp[1] = out.off >> 8;
	resp[2] = out.off >> 16;
	resp[3] = out.off >> 24;
	resp[4] = type + 1;
	resp[5] = tag;
	resp[6] = tag >> 8;
	return out.off;
}

struct p9_server *p9__create(int root_fd, unsigned int flags, char *err, size_t errlen)
{
	struct p9_server *s;
	struct stat st;
	int fd;

	if (fstat(root_fd, &st) || !S_ISDIR(st.st_mode)) {
		errorf(err, errlen, "not a directory");
		close(root_fd);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		errorf(err, errlen, "%s", strerror(ENOMEM));
		close(root_fd);
		return NULL;
	}
	s->root = root_fd;
	s->ro = flags & P9_RO;
	s->cross_mounts = flags & P9_CROSS_MOUNTS;
	/* what a create applies: the guest's modes are exact (set at start-up, one thread) */
	s->umask = umask(0);
	umask(s->umask);
	s->devs[0] = st.st_dev;
	s->nr_devs = 1;
	if (getrandom(&s->seed, sizeof(s->seed), GRND_NONBLOCK) < 0)
		s->seed = (u32)(uintptr_t)s;
	s->proc_fd = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* the whole server stands on openat2 (Linux 5.6): say so at once */
	fd = open_beneath(s, root_fd, ".", O_PATH, 0);
	if (fd < 0) {
		errorf(err, errlen, "%s", fd == -ENOSYS ?
		       "this kernel has no openat2 (Linux 5.6 and later have it)" :
		       strerror(-fd));
		p9__destroy(s);
		return NULL;
	}
	close(fd);
	return s;
}

void p9__reset(struct p9_server *s)
{
	struct p9_fid *f, *next;
	unsigned int i;

	for (i = 0; i < FID_BUCKETS; i++) {
		for (f = s->fids[i]; f; f = next) {
			next = f->next;
			free_fid(f);
		}
		s->fids[i] = NULL;
	}
	s->nr_fids = 0;
	s->msize = 0;
}

void p9__destroy(struct p9_server *s)
{
	if (!s)
		return;
	p9__reset(s);
	if (s->proc_fd >= 0)
		close(s->proc_fd);
	close(s->root);
	free(s);
}

unsigned int p9__nr_fids(const struct p9_server *s)
{
	return s->nr_fids;
}
