// SPDX-License-Identifier: GPL-2.0
/*
 * 9p.c - a 9P2000.L server for one host directory, which it never leaves.
 *
 * Every fid holds an O_PATH fd of its file and the file's path below the
 * share's root.  A walk opens one name at a time below the fid's fd with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
 * RESOLVE_NO_XDEV): a name is never a path, the server never follows a
 * symlink (the guest reads links and resolves them itself), and the walk
 * stays on the share's file system.  ".." is taken off the fid's path and
 * that path walked again from the root, one name at a time, so ".." at the
 * root is the root.  Opening a fid for I/O resolves its path again the
 * same way, non-blocking and without a controlling tty, and checks it
 * found the same file (else ESTALE): a file swapped for a symlink, a
 * directory or a FIFO between walk and open is refused.  Only
 * regular files and directories are ever opened: device nodes, FIFOs and
 * sockets can be walked to and stat'ed, never read or written.
 *
 * This first version serves read-only shares: every request that would
 * change the share is answered EROFS.  Files keep their owners and modes
 * on the host; the guest sees them as they are ("passthrough" as QEMU
 * names it, without any privilege to change them).
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
#define P9_DOTL_TRUNC		01000
#define P9_DOTL_APPEND		02000

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
	char		*path;		/* below the root: "" or "a/b" */
	struct p9_fid	*next;		/* in its hash bucket */
};

struct p9_server {
	int		root;		/* O_PATH of the share's directory */
	int		proc_fd;	/* /proc/self/fd, to reopen an O_PATH fd; or -1 */
	bool		ro;
	u32		msize;		/* 0 until Tversion */
	u32		seed;		/* of the fid hash: the guest cannot aim at a bucket */
	unsigned int	nr_fids;
	unsigned int	nr_devs;
	dev_t		devs[MAX_DEVS];	/* devs[0]: the root's */
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

/* The one way the server opens a name: below @dirfd, never through a link. */
static int open_beneath(int dirfd, const char *path, u64 flags)
{
	struct open_how how = {
		.flags = flags | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	int fd;

	fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
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
		return open_beneath(s->root, ".", flags);
	fd = s->root;
	for (;;) {
		slash = strchrnul(p, '/');
		len = slash - p;
		if (!len || len > P9_NAME_MAX) {
			next = -EINVAL;
		} else {
			memcpy(name, p, len);
			name[len] = 0;
			next = open_beneath(fd, name, *slash ? O_PATH : flags);
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
 * @f's file (a regular file or a directory, checked) opened with @flags:
 * the very inode its O_PATH fd holds, reopened through /proc/self/fd, so
 * that nothing the path holds by now (a device swapped in) is ever
 * opened; where /proc is not mounted, its path resolved again as a walk
 * would (the caller checks it found the same file).
 */
static int reopen(struct p9_server *s, const struct p9_fid *f, u64 flags)
{
	char name[16];
	int fd;

	if (s->proc_fd < 0)
		return open_path(s, f->path, flags);
	snprintf(name, sizeof(name), "%d", f->fd);
	fd = openat(s->proc_fd, name, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int stat_fd(int fd, struct stat *st)
{
	return fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) ? -errno : 0;
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
	fd = open_beneath(s->root, ".", O_PATH);
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

	fd = fcntl(f->fd, F_DUPFD_CLOEXEC, 0);
	path = strdup(f->path);
	if (fd < 0 || !path) {
		ret = fd < 0 ? -errno : -ENOMEM;
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
			next = open_beneath(fd, names[i], O_PATH);
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

static int do_lopen(struct p9_server *s, struct in *in, struct out *out)
{
	struct p9_fid *f = find_fid(s, get32(in));
	u32 flags = get32(in);
	struct stat st, now;
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
	if ((flags & P9_DOTL_ACCMODE) != O_RDONLY || (flags & (P9_DOTL_TRUNC | P9_DOTL_APPEND)))
		return s->ro ? -EROFS : -EACCES;
	/*
	 * The very inode the fid holds, reopened (non-blocking, no
	 * controlling tty: without /proc it is the path opened again, and
	 * whatever it holds by then, a FIFO or a device swapped in, must
	 * neither block nor see an open before the check below).
	 */
	/* its path still leads to it from the root: it was not moved out */
	fd = open_path(s, f->path, O_PATH);
	if (fd < 0)
		return fd;
	ret = stat_fd(fd, &now);
	close(fd);
	if (!ret && (now.st_dev != st.st_dev || now.st_ino != st.st_ino))
		ret = -ESTALE;
	if (ret)
		return ret;
	fd = reopen(s, f, O_RDONLY | O_NONBLOCK | O_NOCTTY |
		    (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
	if (fd < 0)
		return fd;
	/* what the walk found, and not something swapped in since */
	ret = stat_fd(fd, &now);
	if (!ret && (now.st_dev != st.st_dev || now.st_ino != st.st_ino ||
		     (now.st_mode & S_IFMT) != (st.st_mode & S_IFMT)))
		ret = -ESTALE;
	if (!ret && fcntl(fd, F_SETFL, 0))
		ret = -errno;
	if (ret) {
		close(fd);
		return ret;
	}
	close(f->fd);
	f->fd = fd;
	f->open = true;
	f->dir = S_ISDIR(st.st_mode);
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

/* Tremove clunks its fid whatever the answer (the client forgets it). */
static int do_remove(struct p9_server *s, struct in *in)
{
	u32 fid = get32(in);
	int ret;

	if (in->bad)
		return -EINVAL;
	ret = drop_fid(s, fid);
	return ret ? ret : -EROFS;
}

static int do_fsync(struct p9_server *s, struct in *in)
{
	u32 fid = get32(in);

	take(in, 4);		/* datasync */
	if (in->bad)
		return -EINVAL;
	/* nothing of the guest's to make durable on a read-only share */
	return find_fid(s, fid) ? 0 : -EBADF;
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
	/* everything that would change the share */
	case P9_TLCREATE: case P9_TSYMLINK: case P9_TMKNOD: case P9_TRENAME:
	case P9_TSETATTR: case P9_TLINK: case P9_TMKDIR: case P9_TRENAMEAT:
	case P9_TUNLINKAT: case P9_TWRITE:
		return -EROFS;
	case P9_TREMOVE:	return do_remove(s, in);
	case P9_TFSYNC:		return do_fsync(s, in);
	case P9_TLOCK: case P9_TGETLOCK:
		return -EOPNOTSUPP;
	default:
		return -EOPNOTSUPP;
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

struct p9_server *p9__create(int root_fd, bool ro, char *err, size_t errlen)
{
	struct p9_server *s;
	struct stat st;
	int fd;

	if (fstat(root_fd, &st) || !S_ISDIR(st.st_mode)) {
		errorf(err, errlen, "not a directory");
		close(root_fd);
		return NULL;
	}
	if (!ro) {
		errorf(err, errlen, "read-write shares are not served yet: add ,ro");
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
	s->ro = ro;
	s->devs[0] = st.st_dev;
	s->nr_devs = 1;
	if (getrandom(&s->seed, sizeof(s->seed), GRND_NONBLOCK) < 0)
		s->seed = (u32)(uintptr_t)s;
	s->proc_fd = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* the whole server stands on openat2 (Linux 5.6): say so at once */
	fd = open_beneath(root_fd, ".", O_PATH);
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
