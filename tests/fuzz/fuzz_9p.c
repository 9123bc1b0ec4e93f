// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_9p.c - a fuzz harness for the 9P2000.L server (devices/9p.c): a
 * stream of requests against a small tree, each reply checked for its
 * framing and every input for a way out of the share.
 *
 * An input is flags[1], then messages, each beginning with its own
 * little-endian size[4] as on the wire:
 *
 *	bit 0		ask for a read-write share (a read-only one where
 *			p9__create refuses it)
 *	bits 1-2	room for each reply: P9_MAX_MSIZE, 8192, 64 or 11 bytes
 *	bit 3		begin in a session: Tversion(msize, "9P2000.L") and
 *			Tattach(fid 0) sent first, with P9_MAX_MSIZE of room
 *	bits 4-7	that msize: 8192 + n * (P9_MAX_MSIZE - 8192) / 15
 *
 * A size field below 7, or one that runs past the input's end, frames no
 * message: the rest of the input goes as one message, size field as it
 * is, and the input ends there.  Each message is handed to p9__handle()
 * in a buffer of its exact length and its reply given a buffer of exactly
 * the room chosen, so that ASan sees a byte read or written past either.
 *
 * After each reply (abort() on a violation, which libFuzzer reports):
 * a framed request got one; it fits the room and the msize agreed; its
 * size field is its length, its tag the request's, its type the
 * request's + 1 or Rlerror (11 bytes, errno 1..4095); it does not hold
 * the marker only outside/ has.  After each input: the server destroyed
 * has closed every fd it opened; outside/ holds the same names and its
 * files the same content, inode, size and times; the share is unchanged
 * (each file's inode, mode, owner, links, size and times) if it was
 * read-only, or if every request that may change it was refused with
 * ENOBUFS (the server promises such a one changes nothing).  Otherwise it
 * is made again from scratch, so that every input starts from the same
 * tree.
 *
 * The tree, made once per process in a directory of its own under
 * $TMPDIR (or /tmp), removed at exit:
 *
 *	share/			the share
 *	  file, data		small files; data is more than 8192 bytes
 *	  hard			a hard link to file
 *	  dir/sub/deep		a file two directories down
 *	  empty/		an empty directory
 *	  fifo			a FIFO: to be walked to, never opened
 *	  esc -> ../outside/secret
 *	  abs -> /etc/passwd
 *	  dot -> .
 *	outside/		never to be read nor changed through the share
 *	  secret		OUTSIDE-SECRET-<random>, the marker
 *	  passwd		the marker too, bind-mounted over /etc/passwd where
 *				the harness may (as root, in a mount namespace
 *				of its own): a server that followed abs would
 *				reach this decoy, watched, never the host's file
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../devices/9p.h"

/* the message types the harness builds or reads (Linux's numbering) */
enum {
	RLERROR = 7, TSTATFS = 8, TLOPEN = 12, TREADLINK = 22, TGETATTR = 24,
	TXATTRWALK = 30, TREADDIR = 40, TFSYNC = 50, TLOCK = 52, TGETLOCK = 54,
	TVERSION = 100, RVERSION = 101, TATTACH = 104, TFLUSH = 108,
	TWALK = 110, TREAD = 116, TCLUNK = 120,
};
#define NOFID		0xffffffffu
#define NOTAG		0xffff
#define HDR		7		/* size[4] type[1] tag[2] */

#define F_RW		(1u << 0)
#define F_CAP(f)	(((f) >> 1) & 3)
#define F_SESSION	(1u << 3)
#define F_MSIZE(f)	((f) >> 4)

#define MIN_MSIZE	8192
#define DATA_SIZE	9000
#define FILE_TEXT	"hello, 9p\n"

static const size_t caps[] = { P9_MAX_MSIZE, 8192, 64, 11 };

/* What the oracles compare: everything a change to a file shows in. */
struct state {
	u64		ino, size, nlink;
	u32		mode, uid, gid;
	struct timespec	mtime, ctime;
};

/* below the harness's directory, each tree's root first */
static const char *const share_tree[] = {
	"share", "share/file", "share/data", "share/hard", "share/dir",
	"share/dir/sub", "share/dir/sub/deep", "share/empty", "share/fifo",
	"share/esc", "share/abs", "share/dot",
};
static const char *const outside_tree[] = {
	"outside", "outside/secret", "outside/passwd",
};

static char tmp[PATH_MAX];		/* the harness's directory */
static int tmp_fd = -1;			/* O_PATH of it: all is made below it */
static char marker[40];			/* outside/'s files' content */
static struct state share_was[ARRAY_SIZE(share_tree)];
static struct state outside_was[ARRAY_SIZE(outside_tree)];
static bool rw_refused;			/* p9__create serves no read-write share */

/* One input's server and what its replies must respect. */
struct session {
	struct p9_server	*s;
	bool			rw;
	size_t			cap;	/* room for each reply */
	u32			msize;	/* agreed in the last Rversion; 0: none */
	bool			wrote;	/* a request that may change the tree was served */
};

static void remove_tmp(void);

static void __printf(1, 2) __noreturn fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz_9p: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	remove_tmp();
	abort();
}

static u32 le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

/*
 * Whether @n bytes at @a and @b are the same, and whether @p holds the
 * marker: by hand, not with memcmp() or memmem(), which libFuzzer hooks
 * to learn the strings an input is compared with; it would write the
 * marker into its inputs, and a reply echoing it back (a symlink's
 * target, a file's data) would look like an escape.
 */
static bool same(const u8 *a, const u8 *b, size_t n)
{
	u8 diff = 0;

	while (n--)
		diff |= *a++ ^ *b++;
	return !diff;
}

static bool has_marker(const u8 *p, size_t n)
{
	size_t len = strlen(marker);
	const u8 *end = p + n, *q;

	for (q = p; n >= len && (q = memchr(q, marker[0], end - q)); q++)
		if ((size_t)(end - q) >= len && same(q, (const u8 *)marker, len))
			return true;
	return false;
}

static void put_le(u8 *p, u64 v, unsigned int bytes)
{
	while (bytes--) {
		*p++ = v;
		v >>= 8;
	}
}

/* ---- the tree ---------------------------------------------------------------- */

static void must(int ret, const char *what)
{
	if (ret < 0)
		fail("%s: %s", what, strerror(errno));
}

static void put_file(int dirfd, const char *name, const void *data, size_t len)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	must(fd, name);
	if (write(fd, data, len) != (ssize_t)len)
		fail("%s: short write", name);
	close(fd);
}

/* @name below @dirfd and all it holds, whatever an input made of it. */
static void rm_tree(int dirfd, const char *name)
{
	struct dirent *e;
	struct stat st;
	DIR *d = NULL;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlinkat(dirfd, name, 0);
		return;
	}
	/* an input may have taken the directory's permissions away */
	if ((st.st_mode & 0700) != 0700)
		fchmodat(dirfd, name, 0700, 0);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		d = fdopendir(fd);
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			rm_tree(fd, e->d_name);
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

static void remove_tmp(void)
{
	if (tmp_fd >= 0)
		close(tmp_fd);
	tmp_fd = -1;
	if (tmp[0])
		rm_tree(AT_FDCWD, tmp);
	tmp[0] = 0;
}

static void state_of(const char *path, struct state *s)
{
	struct stat st;

	/* zeroed whole, padding too: states are compared with memcmp() */
	memset(s, 0, sizeof(*s));
	if (fstatat(tmp_fd, path, &st, AT_SYMLINK_NOFOLLOW))
		return;			/* gone: all zero */
	s->ino = st.st_ino;
	s->size = st.st_size;
	s->nlink = st.st_nlink;
	s->mode = st.st_mode;
	s->uid = st.st_uid;
	s->gid = st.st_gid;
	s->mtime = st.st_mtim;
	s->ctime = st.st_ctim;
}

static void states_of(const char *const *paths, size_t n, struct state *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		state_of(paths[i], &s[i]);
}

/* The first of @paths whose state is not @was's, or NULL. */
static const char *changed(const char *const *paths, size_t n, const struct state *was)
{
	struct state now;
	size_t i;

	for (i = 0; i < n; i++) {
		state_of(paths[i], &now);
		if (memcmp(&now, &was[i], sizeof(now)))
			return paths[i];
	}
	return NULL;
}

static void make_share(void)
{
	static u8 data[DATA_SIZE];
	size_t i;
	int d;

	for (i = 0; i < sizeof(data); i++)
		data[i] = 'a' + i % 26;
	must(mkdirat(tmp_fd, "share", 0755), "mkdir share");
	d = openat(tmp_fd, "share", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	must(d, "share");
	put_file(d, "file", FILE_TEXT, strlen(FILE_TEXT));
	put_file(d, "data", data, sizeof(data));
	must(linkat(d, "file", d, "hard", 0), "link hard");
	must(mkdirat(d, "dir", 0755), "mkdir dir");
	must(mkdirat(d, "dir/sub", 0755), "mkdir dir/sub");
	put_file(d, "dir/sub/deep", "deep\n", 5);
	must(mkdirat(d, "empty", 0755), "mkdir empty");
	must(mkfifoat(d, "fifo", 0644), "mkfifo fifo");
	must(symlinkat("../outside/secret", d, "esc"), "symlink esc");
	must(symlinkat("/etc/passwd", d, "abs"), "symlink abs");
	must(symlinkat(".", d, "dot"), "symlink dot");
	close(d);
	states_of(share_tree, ARRAY_SIZE(share_tree), share_was);
}

/*
 * As root, in a mount namespace of the harness's own (private, so that
 * nothing propagates to the host's), outside/passwd is put over
 * /etc/passwd; elsewhere abs leads to the host's file, which a user that
 * is not root cannot change anyway.
 */
static void cover_passwd(void)
{
	char path[PATH_MAX + 16];

	if (geteuid() || unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return;
	snprintf(path, sizeof(path), "%s/outside/passwd", tmp);
	mount(path, "/etc/passwd", NULL, MS_BIND, NULL);
}

static void setup(void)
{
	const char *base = getenv("TMPDIR");
	unsigned long long r = 0;
	int d;

	snprintf(tmp, sizeof(tmp), "%s/vmm-fuzz-9p-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmp)) {
		tmp[0] = 0;
		fail("mkdtemp in %s: %s", base && *base ? base : "/tmp", strerror(errno));
	}
	atexit(remove_tmp);
	tmp_fd = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	must(tmp_fd, tmp);

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (unsigned long long)getpid() << 32 ^ (uintptr_t)&r;
	snprintf(marker, sizeof(marker), "OUTSIDE-SECRET-%016llx", r);
	must(mkdirat(tmp_fd, "outside", 0755), "mkdir outside");
	d = openat(tmp_fd, "outside", O_PATH | O_DIRECTORY | O_CLOEXEC);
	must(d, "outside");
	put_file(d, "secret", marker, strlen(marker));
	put_file(d, "passwd", marker, strlen(marker));
	close(d);
	states_of(outside_tree, ARRAY_SIZE(outside_tree), outside_was);
	cover_passwd();
	make_share();
}

/* ---- the oracles ------------------------------------------------------------- */

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return 0;		/* no /proc: no count */
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* outside/'s files hold the marker still, and no name came or went. */
static void check_outside(void)
{
	const char *what = changed(outside_tree, ARRAY_SIZE(outside_tree), outside_was);
	size_t i, len = strlen(marker);
	struct dirent *e;
	char buf[64];
	DIR *d;
	int fd;

	if (what)
		fail("%s changed through the share", what);
	for (i = 1; i < ARRAY_SIZE(outside_tree); i++) {
		fd = openat(tmp_fd, outside_tree[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || read(fd, buf, sizeof(buf)) != (ssize_t)len ||
		    !same((u8 *)buf, (const u8 *)marker, len))
			fail("%s: its content changed through the share", outside_tree[i]);
		close(fd);
	}
	fd = openat(tmp_fd, "outside", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d)
		fail("outside: %s", strerror(errno));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, "secret") && strcmp(e->d_name, "passwd"))
			fail("outside/%s made through the share", e->d_name);
	closedir(d);
}

/* Whether @req, answered, has certainly not changed the share. */
static bool reads_only(const u8 *req, size_t len)
{
	switch (req[4]) {
	case TVERSION: case TATTACH: case TWALK: case TGETATTR: case TREAD:
	case TREADDIR: case TREADLINK: case TSTATFS: case TCLUNK: case TFLUSH:
	case TFSYNC: case TXATTRWALK: case TLOCK: case TGETLOCK:
		return true;
	case TLOPEN:		/* fid[4] flags[4]: read-only, no O_TRUNC nor O_CREAT */
		return len >= HDR + 8 && !(le32(req + HDR + 4) & (03 | 01000 | 0100));
	default:
		return false;
	}
}

static void check_reply(struct session *ss, const u8 *req, size_t len,
			const u8 *resp, size_t n, size_t cap)
{
	bool framed = len >= HDR && le32(req) == len && cap >= HDR + 4;
	u8 type = len > 4 ? req[4] : 0;
	u32 e;

	if (!n) {
		if (framed)
			fail("no reply to a request of type %u, %zu bytes", type, len);
		return;
	}
	if (!framed)
		fail("a reply of %zu bytes to a request the server cannot frame", n);
	if (n > cap || n < HDR)
		fail("a reply of %zu bytes with %zu bytes of room", n, cap);
	if (ss->msize && n > ss->msize)
		fail("a reply of %zu bytes past msize %u", n, ss->msize);
	if (le32(resp) != n)
		fail("a reply of %zu bytes whose size field says %u", n, le32(resp));
	if (resp[5] != req[5] || resp[6] != req[6])
		fail("tag %u answered with tag %u", req[5] | req[6] << 8,
		     resp[5] | resp[6] << 8);
	e = 0;
	if (resp[4] == RLERROR) {
		e = n == HDR + 4 ? le32(resp + HDR) : 0;
		if (!e || e >= 4096)
			fail("Rlerror of %zu bytes, errno %u", n, e);
	} else if (resp[4] != (u8)(type + 1)) {
		fail("request of type %u answered with type %u", type, resp[4]);
	}
	/*
	 * A request refused for want of room changes nothing, the server
	 * says; one that failed otherwise may have done part of its work
	 * (Tsetattr's chmod before a truncate that fails).
	 */
	if (!reads_only(req, len) && e != ENOBUFS)
		ss->wrote = true;
	if (has_marker(resp, n))
		fail("a reply (type %u) holds what only outside/ has", resp[4]);
	/* msize[4] version[s]: a session on "9P2000.L", none on "unknown" */
	if (resp[4] == RVERSION) {
		if (len < HDR + 4 || n < HDR + 6 || le32(resp + HDR) > P9_MAX_MSIZE ||
		    le32(resp + HDR) > le32(req + HDR))
			fail("Rversion of %zu bytes, msize %u", n, n < HDR + 4 ? 0 : le32(resp + HDR));
		ss->msize = n == HDR + 6 + 8 && !memcmp(resp + HDR + 6, "9P2000.L", 8) ?
			    le32(resp + HDR) : 0;
	}
}

/* @len bytes at @msg, as one message, with @cap bytes of room for the reply. */
static void send_msg(struct session *ss, const u8 *msg, size_t len, size_t cap)
{
	u8 *req = malloc(len), *resp = malloc(cap);
	size_t n;

	if (!req || !resp)
		fail("out of memory");
	memcpy(req, msg, len);
	n = p9__handle(ss->s, req, len, resp, cap);
	check_reply(ss, req, len, resp, n, cap);
	free(req);
	free(resp);
}

/* Tversion and Tattach(fid 0), as a client begins. */
static void begin_session(struct session *ss, unsigned int n)
{
	u8 m[32];

	put_le(m, 21, 4);
	m[4] = TVERSION;
	put_le(m + 5, NOTAG, 2);
	put_le(m + 7, MIN_MSIZE + n * (P9_MAX_MSIZE - MIN_MSIZE) / 15, 4);
	put_le(m + 11, 8, 2);
	memcpy(m + 13, "9P2000.L", 8);
	send_msg(ss, m, 21, P9_MAX_MSIZE);

	/* fid[4] afid[4] uname[s] aname[s] n_uname[4] */
	put_le(m, 27, 4);
	m[4] = TATTACH;
	put_le(m + 5, 1, 2);
	put_le(m + 7, 0, 4);
	put_le(m + 11, NOFID, 4);
	put_le(m + 15, 4, 2);
	memcpy(m + 17, "fuzz", 4);
	put_le(m + 21, 0, 2);
	put_le(m + 23, 0, 4);
	send_msg(ss, m, 27, P9_MAX_MSIZE);
}

/* Each message of @p, framed by its size field, to the server. */
static void send_all(struct session *ss, const u8 *p, size_t left)
{
	size_t len;

	while (left) {
		len = left >= 4 ? le32(p) : 0;
		if (len < HDR || len > left)
			len = left;	/* no frame: the rest as one, and the end */
		send_msg(ss, p, len, ss->cap);
		p += len;
		left -= len;
	}
}

static int open_share(void)
{
	int fd = openat(tmp_fd, "share", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	must(fd, "share");
	return fd;
}

/* A server of the share, read-write if asked and p9__create serves one. */
static void serve(struct session *ss, bool want_rw)
{
	char err[256] = "";

	if (want_rw && !rw_refused) {
		ss->s = p9__create(open_share(), 0, err, sizeof(err));
		ss->rw = ss->s != NULL;
		if (ss->s)
			return;
		rw_refused = true;
		fprintf(stderr, "fuzz_9p: no read-write share (%s): read-only for every input\n",
			err);
	}
	ss->s = p9__create(open_share(), P9_RO, err, sizeof(err));
	if (!ss->s)
		fail("p9__create: %s", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session ss = { 0 };
	const char *what;
	int fds;

	if (!size)
		return 0;
	if (tmp_fd < 0)
		setup();
	fds = count_fds();
	serve(&ss, data[0] & F_RW);
	ss.cap = caps[F_CAP(data[0])];
	if (data[0] & F_SESSION)
		begin_session(&ss, F_MSIZE(data[0]));
	send_all(&ss, data + 1, size - 1);
	p9__destroy(ss.s);

	if (count_fds() != fds)
		fail("%d fds left open by the server", count_fds() - fds);
	check_outside();
	if (ss.rw && ss.wrote) {
		/* whatever the input did, the next one starts from the same tree */
		rm_tree(tmp_fd, "share");
		make_share();
	} else if ((what = changed(share_tree, ARRAY_SIZE(share_tree), share_was))) {
		fail("%s changed %s", what, ss.rw ? "though every request that may change it got ENOBUFS" :
		     "through a read-only share");
	}
	return 0;
}
