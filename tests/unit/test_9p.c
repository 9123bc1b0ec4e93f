// SPDX-License-Identifier: GPL-2.0
/*
 * test_9p.c - the 9P2000.L server (devices/9p.c) driven with crafted
 * messages over a scratch directory tree.
 *
 * Each test gets a directory of its own (mkdtemp, made and removed in
 * check's process around the test's, so a failed test leaves nothing
 * behind) holding:
 *
 *	secret.txt		outside the share: never to be read through it
 *	outside/deeper/deep.txt	outside too: a directory to swap in
 *	root/			the share
 *	  hello.txt		HELLO
 *	  hardlink		a hard link to hello.txt
 *	  sub/deeper/deep.txt
 *	  big			BIG_SIZE bytes, more than P9_MAX_MSIZE
 *	  out -> /etc, rel -> ../../.., loop -> loop
 *	  fifo, sock		a FIFO and a bound UNIX socket
 *
 * The server is created read-only on root/ (P9_TEST) or read-write
 * (P9_RW_TEST, section 13) but not versioned: most tests start() with
 * Tversion and Tattach of fid ROOT.  An alarm fails a test that blocks (a
 * FIFO opened for reading would wait for a writer forever).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

#include <check.h>

#include "../../devices/9p.h"
#include "unit.h"

/* message types (Linux's include/net/9p/9p.h); a reply is its request + 1 */
enum {
	RLERROR = 7,
	TSTATFS = 8,
	TLOPEN = 12,
	TLCREATE = 14,
	TSYMLINK = 16,
	TMKNOD = 18,
	TRENAME = 20,
	TREADLINK = 22,
	TGETATTR = 24,
	TSETATTR = 26,
	TXATTRWALK = 30,
	TXATTRCREATE = 32,
	TREADDIR = 40,
	TFSYNC = 50,
	TLOCK = 52,
	TGETLOCK = 54,
	TLINK = 70,
	TMKDIR = 72,
	TRENAMEAT = 74,
	TUNLINKAT = 76,
	TVERSION = 100,
	TAUTH = 102,
	TATTACH = 104,
	TFLUSH = 108,
	TWALK = 110,
	TREAD = 116,
	TWRITE = 118,
	TCLUNK = 120,
	TREMOVE = 122,
};

#define NOFID		0xffffffffu
#define NOTAG		0xffff
#define QT_DIR		0x80
#define QT_SYMLINK	0x02
#define IOHDR		24		/* Rread's header: what msize leaves for data */

/* Tlopen's flags: Linux's generic values (include/net/9p/9p.h) */
#define L_RDONLY	0
#define L_WRONLY	1
#define L_RDWR		2
#define L_NOACCESS	3
#define L_CREATE	0100
#define L_EXCL		0200
#define L_TRUNC		01000
#define L_APPEND	02000
#define L_LARGEFILE	0100000
#define L_DIRECTORY	0200000

#define ROOT		1		/* the fid start() attaches */
#define RESP_CAP	(P9_MAX_MSIZE + 4096)	/* more than any msize allows */
#define GUARD		64		/* bytes after a reply's room that must stay */
#define GUARD_BYTE	0xa5
#define BIG_SIZE	300000
#define HELLO		"Hello, 9p world!\n"
#define SECRET		"TOP SECRET: outside the share\n"

static char dir[64];			/* the test's directory */
static char rootdir[128];		/* dir/root: the share */
static struct p9_server *srv;
static int base_fds;			/* fds open once the server was created */
static u16 tag_seq;
static u8 resp[RESP_CAP + GUARD];	/* replies land here, a guard after them */
static u8 big[BIG_SIZE];		/* root/big's content */

/* ---- the fixture ------------------------------------------------------------ */

static int remove_entry(const char *path, const struct stat *st __unused,
			int flag __unused, struct FTW *ftw __unused)
{
	return remove(path);
}

/* The directory, made and removed in check's own process (unchecked). */
static void make_dir(void)
{
	strcpy(dir, "/tmp/vmm-9p-XXXXXX");
	if (!mkdtemp(dir))
		dir[0] = 0;
}

static void remove_dir(void)
{
	if (dir[0])
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	dir[0] = 0;
}

/* @rel (below the test's directory) as a path, in one of a few buffers. */
static const char *at(const char *rel)
{
	static char bufs[8][256];
	static unsigned int next;
	char *b = bufs[next++ % ARRAY_SIZE(bufs)];

	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, rel);
	return b;
}

static void put_file(const char *rel, const void *data, size_t len)
{
	int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_msg(fd >= 0, "%s: %s", rel, strerror(errno));
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

static struct stat lstat_of(const char *rel)
{
	struct stat st;

	ck_assert_msg(!lstat(at(rel), &st), "%s: %s", rel, strerror(errno));
	return st;
}

static u64 ino_of(const char *rel)
{
	return lstat_of(rel).st_ino;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;		/* the DIR's own */
}

static void on_alarm(int sig __unused)
{
	ck_abort_msg("timed out: the server blocked (a FIFO opened?)");
}

/* The tree, and a server on root/ created with @flags. */
static void setup_with(unsigned int flags)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char err[256] = "";
	size_t i;
	int fd;

	ck_assert_msg(dir[0], "no directory for the test");
	tag_seq = 0;
	snprintf(rootdir, sizeof(rootdir), "%s/root", dir);

	put_file("secret.txt", SECRET, strlen(SECRET));
	ck_assert_int_eq(mkdir(at("outside"), 0755), 0);
	ck_assert_int_eq(mkdir(at("outside/deeper"), 0755), 0);
	put_file("outside/deeper/deep.txt", SECRET, strlen(SECRET));

	ck_assert_int_eq(mkdir(rootdir, 0755), 0);
	put_file("root/hello.txt", HELLO, strlen(HELLO));
	ck_assert_int_eq(link(at("root/hello.txt"), at("root/hardlink")), 0);
	ck_assert_int_eq(mkdir(at("root/sub"), 0755), 0);
	ck_assert_int_eq(mkdir(at("root/sub/deeper"), 0755), 0);
	put_file("root/sub/deeper/deep.txt", "deep\n", 5);
	for (i = 0; i < BIG_SIZE; i++)
		big[i] = i * 7 + i / 251;
	put_file("root/big", big, BIG_SIZE);
	ck_assert_int_eq(symlink("/etc", at("root/out")), 0);
	ck_assert_int_eq(symlink("../../..", at("root/rel")), 0);
	ck_assert_int_eq(symlink("loop", at("root/loop")), 0);
	ck_assert_int_eq(mkfifo(at("root/fifo"), 0644), 0);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_lt(strlen(at("root/sock")), sizeof(sun.sun_path));
	strcpy(sun.sun_path, at("root/sock"));
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);

	signal(SIGALRM, on_alarm);
	alarm(3);		/* before check's own limit (4 s) */

	fd = open(rootdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	srv = p9__create(fd, flags, err, sizeof(err));
	ck_assert_msg(srv, "p9__create: %s", err);
	base_fds = count_fds();
}

static void p9_setup(void)
{
	setup_with(P9_RO);
}

/* The same tree served read-write (section 13). */
static void p9_setup_rw(void)
{
	setup_with(0);
}

static void p9_teardown(void)
{
	p9__destroy(srv);
	srv = NULL;
	alarm(0);
}

/* One TCase per test: the directory around it, the tree and server in it. */
#define P9_TEST(suite, fn)						\
	do {								\
		TCase *__tc = tcase_create(#fn);			\
		tcase_add_unchecked_fixture(__tc, make_dir, remove_dir); \
		tcase_add_checked_fixture(__tc, p9_setup, p9_teardown);	\
		tcase_add_test(__tc, fn);				\
		suite_add_tcase(suite, __tc);				\
	} while (0)

/* The same, the server read-write. */
#define P9_RW_TEST(suite, fn)						\
	do {								\
		TCase *__tc = tcase_create(#fn);			\
		tcase_add_unchecked_fixture(__tc, make_dir, remove_dir); \
		tcase_add_checked_fixture(__tc, p9_setup_rw, p9_teardown); \
		tcase_add_test(__tc, fn);				\
		suite_add_tcase(suite, __tc);				\
	} while (0)

/* ---- messages --------------------------------------------------------------- */

struct msg {
	u8	b[8192];
	size_t	len;
	u8	type;
	u16	tag;
};

static void m_put(struct msg *m, u64 v, unsigned int bytes)
{
	unsigned int i;

	ck_assert_uint_le(m->len + bytes, sizeof(m->b));
	for (i = 0; i < bytes; i++)
		m->b[m->len++] = v >> (8 * i);
}

#define m_u8(m, v)	m_put(m, v, 1)
#define m_u16(m, v)	m_put(m, v, 2)
#define m_u32(m, v)	m_put(m, v, 4)
#define m_u64(m, v)	m_put(m, v, 8)

static void m_strn(struct msg *m, const void *s, size_t len)
{
	m_u16(m, len);
	ck_assert_uint_le(m->len + len, sizeof(m->b));
	memcpy(m->b + m->len, s, len);
	m->len += len;
}

static void m_str(struct msg *m, const char *s)
{
	m_strn(m, s, strlen(s));
}

/* A new message of @type: its header, the size patched in by m_fin(). */
static void m_init(struct msg *m, u8 type)
{
	m->len = 0;
	m->type = type;
	m->tag = type == TVERSION ? NOTAG : ++tag_seq;
	if (tag_seq == NOTAG - 1)
		tag_seq = 0;
	m_u32(m, 0);
	m_u8(m, type);
	m_u16(m, m->tag);
}

static void m_fin(struct msg *m)
{
	m->b[0] = m->len;
	m->b[1] = m->len >> 8;
	m->b[2] = m->len >> 16;
	m->b[3] = m->len >> 24;
}

static u32 le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

/* A reply's body being read: reading past its end fails the test. */
struct reply {
	const u8	*p;
	size_t		len, off;
};

static u64 r_get(struct reply *r, unsigned int bytes)
{
	u64 v = 0;

	ck_assert_msg(r->off + bytes <= r->len, "reply body too short: %zu + %u > %zu",
		      r->off, bytes, r->len);
	while (bytes--)
		v |= (u64)r->p[r->off + bytes] << (8 * bytes);
	return v;
}

static u8 r_u8(struct reply *r)   { u8 v = r_get(r, 1);  r->off += 1; return v; }
static u16 r_u16(struct reply *r) { u16 v = r_get(r, 2); r->off += 2; return v; }
static u32 r_u32(struct reply *r) { u32 v = r_get(r, 4); r->off += 4; return v; }
static u64 r_u64(struct reply *r) { u64 v = r_get(r, 8); r->off += 8; return v; }

/* A string into @buf (NUL-terminated): its length. */
static size_t r_str(struct reply *r, char *buf, size_t cap)
{
	size_t len = r_u16(r);

	ck_assert_msg(r->off + len <= r->len, "string past the reply's end");
	ck_assert_uint_lt(len, cap);
	memcpy(buf, r->p + r->off, len);
	buf[len] = 0;
	r->off += len;
	return len;
}

static void r_end(struct reply *r)
{
	ck_assert_msg(r->off == r->len, "reply has %zu bytes left over", r->len - r->off);
}

struct qid {
	u8	type;
	u32	version;
	u64	path;
};

static struct qid r_qid(struct reply *r)
{
	struct qid q;

	q.type = r_u8(r);
	q.version = r_u32(r);
	q.path = r_u64(r);
	return q;
}

static bool guard_intact(size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (resp[i] != GUARD_BYTE)
			return false;
	return true;
}

/* p9__handle() on @m as it is (size field untouched), @cap bytes of room. */
static size_t handle_raw(const u8 *req, size_t len, size_t cap)
{
	size_t n;

	ck_assert_uint_le(cap, RESP_CAP);
	memset(resp, GUARD_BYTE, cap + GUARD);
	n = p9__handle(srv, req, len, resp, cap);
	ck_assert_msg(n <= cap, "reply of %zu bytes in %zu of room", n, cap);
	ck_assert_msg(guard_intact(n ? cap : 0, cap + GUARD),
		      "bytes written past the room given (cap %zu)", cap);
	return n;
}

/*
 * Send @m with @cap bytes of room for the reply: the errno an Rlerror
 * carries, or 0 with @r (if any) at the body of the reply, which is of
 * @m's type + 1 and carries @m's tag.
 */
static int rpc_cap(struct msg *m, size_t cap, struct reply *r)
{
	size_t n;
	u32 e;

	m_fin(m);
	n = handle_raw(m->b, m->len, cap);
	ck_assert_msg(n >= 7, "no reply to type %u", m->type);
	ck_assert_uint_eq(le32(resp), n);
	ck_assert_uint_eq(resp[5] | resp[6] << 8, m->tag);
	if (resp[4] == RLERROR) {
		ck_assert_uint_eq(n, 11);
		e = le32(resp + 7);
		ck_assert_msg(e > 0 && e < 4096, "Rlerror with errno %u", e);
		return e;
	}
	ck_assert_msg(resp[4] == m->type + 1, "reply type %u to request %u", resp[4], m->type);
	if (r) {
		r->p = resp + 7;
		r->len = n - 7;
		r->off = 0;
	}
	return 0;
}

static int rpc(struct msg *m, struct reply *r)
{
	return rpc_cap(m, RESP_CAP, r);
}

/* Messages of a request's kind answered with Rlerror @e (0: not). */
#define ck_errno(call, e)						\
	do {								\
		int __got = (call);					\
		ck_assert_msg(__got == (e), "%s: got %d (%s), want %d (%s)", \
			      #call, __got, strerror(__got), (e), strerror(e)); \
	} while (0)

static struct msg m;			/* the message the helpers build */

/* ---- requests --------------------------------------------------------------- */

static int version(u32 msize, const char *v, u32 *got_msize, char *got_v, size_t vcap)
{
	struct reply r;
	char buf[64];
	int e;

	m_init(&m, TVERSION);
	m_u32(&m, msize);
	m_str(&m, v);
	e = rpc(&m, &r);
	if (e)
		return e;
	if (got_msize)
		*got_msize = r_u32(&r);
	else
		r_u32(&r);
	r_str(&r, got_v ? got_v : buf, got_v ? vcap : sizeof(buf));
	r_end(&r);
	return 0;
}

static int attach_afid(u32 fid, u32 afid, struct qid *q)
{
	struct reply r;
	struct qid got;
	int e;

	m_init(&m, TATTACH);
	m_u32(&m, fid);
	m_u32(&m, afid);
	m_str(&m, "root");
	m_str(&m, "");
	m_u32(&m, 0);
	e = rpc(&m, &r);
	if (e)
		return e;
	got = r_qid(&r);
	r_end(&r);
	if (q)
		*q = got;
	return 0;
}

static int attach(u32 fid, struct qid *q)
{
	return attach_afid(fid, NOFID, q);
}

/* Twalk of @n @names; the qids into @qids (room for 16), their number @nwqid. */
static int walkn(u32 fid, u32 newfid, unsigned int n, const char *const *names,
		 struct qid *qids, unsigned int *nwqid)
{
	struct reply r;
	unsigned int i, got;
	int e;

	m_init(&m, TWALK);
	m_u32(&m, fid);
	m_u32(&m, newfid);
	m_u16(&m, n);
	for (i = 0; i < n; i++)
		m_str(&m, names[i]);
	e = rpc(&m, &r);
	if (e)
		return e;
	got = r_u16(&r);
	ck_assert_msg(got <= n && (got == n || got > 0),
		      "Rwalk with %u qids for %u names", got, n);
	for (i = 0; i < got; i++) {
		struct qid q = r_qid(&r);

		if (qids)
			qids[i] = q;
	}
	r_end(&r);
	if (nwqid)
		*nwqid = got;
	return 0;
}

/* Twalk of the names after @nwqid (up to a NULL), all of which must be walked. */
static int __attribute__((sentinel)) walk(u32 fid, u32 newfid, struct qid *qids, ...)
{
	const char *names[32];
	struct qid q[16];
	unsigned int n = 0, got;
	va_list ap;
	int e;

	va_start(ap, qids);
	while ((names[n] = va_arg(ap, const char *)))
		ck_assert_uint_lt(++n, ARRAY_SIZE(names));
	va_end(ap);
	e = walkn(fid, newfid, n, names, q, &got);
	if (e)
		return e;
	ck_assert_msg(got == n, "walk of %u names walked %u", n, got);
	if (qids)
		memcpy(qids, q, got * sizeof(*q));
	return 0;
}

static int lopen(u32 fid, u32 flags, struct qid *q, u32 *iounit)
{
	struct reply r;
	struct qid got;
	u32 io;
	int e;

	m_init(&m, TLOPEN);
	m_u32(&m, fid);
	m_u32(&m, flags);
	e = rpc(&m, &r);
	if (e)
		return e;
	got = r_qid(&r);
	io = r_u32(&r);
	r_end(&r);
	if (q)
		*q = got;
	if (iounit)
		*iounit = io;
	return 0;
}

/* Tread with @cap bytes of room for the reply; the data into @data. */
static int read_cap(u32 fid, u64 offset, u32 count, size_t cap, u8 *data, u32 *got)
{
	struct reply r;
	u32 n;
	int e;

	m_init(&m, TREAD);
	m_u32(&m, fid);
	m_u64(&m, offset);
	m_u32(&m, count);
	e = rpc_cap(&m, cap, &r);
	if (e)
		return e;
	n = r_u32(&r);
	ck_assert_uint_le(n, count);
	ck_assert_uint_eq(r.len - r.off, n);
	if (data)
		memcpy(data, r.p + r.off, n);
	r.off += n;
	*got = n;
	return 0;
}

static int read9(u32 fid, u64 offset, u32 count, u8 *data, u32 *got)
{
	return read_cap(fid, offset, count, RESP_CAP, data, got);
}

struct attr {
	u64		valid;
	struct qid	qid;
	u32		mode, uid, gid;
	u64		nlink, rdev, size, blksize, blocks;
	u64		t[10];	/* a, m, c and btime (sec, nsec), gen, data_version */
};

static int getattr(u32 fid, struct attr *a)
{
	struct reply r;
	unsigned int i;
	int e;

	m_init(&m, TGETATTR);
	m_u32(&m, fid);
	m_u64(&m, 0x3fff);
	e = rpc(&m, &r);
	if (e)
		return e;
	a->valid = r_u64(&r);
	a->qid = r_qid(&r);
	a->mode = r_u32(&r);
	a->uid = r_u32(&r);
	a->gid = r_u32(&r);
	a->nlink = r_u64(&r);
	a->rdev = r_u64(&r);
	a->size = r_u64(&r);
	a->blksize = r_u64(&r);
	a->blocks = r_u64(&r);
	for (i = 0; i < ARRAY_SIZE(a->t); i++)
		a->t[i] = r_u64(&r);
	r_end(&r);
	return 0;
}

static int readlink9(u32 fid, char *buf, size_t cap)
{
	struct reply r;
	int e;

	m_init(&m, TREADLINK);
	m_u32(&m, fid);
	e = rpc(&m, &r);
	if (e)
		return e;
	r_str(&r, buf, cap);
	r_end(&r);
	return 0;
}

static int clunk(u32 fid)
{
	struct reply r;
	int e;

	m_init(&m, TCLUNK);
	m_u32(&m, fid);
	e = rpc(&m, &r);
	if (!e)
		r_end(&r);
	return e;
}

struct dent {
	struct qid	qid;
	u64		off;
	u8		type;
	char		name[256];
};

/* Treaddir: up to @max entries into @d, their number in @n. */
static int readdir9(u32 fid, u64 offset, u32 count, struct dent *d, unsigned int max,
		    unsigned int *n)
{
	struct reply r;
	size_t end;
	u32 len;
	int e;

	m_init(&m, TREADDIR);
	m_u32(&m, fid);
	m_u64(&m, offset);
	m_u32(&m, count);
	e = rpc(&m, &r);
	if (e)
		return e;
	len = r_u32(&r);
	ck_assert_uint_le(len, count);
	ck_assert_uint_eq(r.len - r.off, len);
	end = r.off + len;
	*n = 0;
	while (r.off < end) {
		ck_assert_uint_lt(*n, max);
		d[*n].qid = r_qid(&r);
		d[*n].off = r_u64(&r);
		d[*n].type = r_u8(&r);
		r_str(&r, d[*n].name, sizeof(d[*n].name));
		(*n)++;
	}
	r_end(&r);
	return 0;
}

/* Tversion and Tattach of fid ROOT: the root's qid. */
static struct qid start(void)
{
	struct qid q;
	u32 msize;

	ck_errno(version(P9_MAX_MSIZE, "9P2000.L", &msize, NULL, 0), 0);
	ck_assert_uint_eq(msize, P9_MAX_MSIZE);
	ck_errno(attach(ROOT, &q), 0);
	return q;
}

/* Every fid the server holds has one fd, and it holds no other. */
static void ck_fds_match_fids(void)
{
	ck_assert_int_eq(count_fds(), base_fds + (int)p9__nr_fids(srv));
}

/* ---- 0: creating the server ------------------------------------------------- */

/* p9__create refuses a non-directory, closing the fd; read-write shares are served. */
START_TEST(create_checks)
{
	char err[256] = "";
	int fd, before = count_fds();

	fd = open(rootdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	p9__destroy(p9__create(fd, 0, err, sizeof(err)));
	fd = open(at("root/hello.txt"), O_PATH | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_null(p9__create(fd, true, err, sizeof(err)));
	ck_assert_msg(err[0], "no reason given");
	ck_assert_int_eq(count_fds(), before);
	ck_assert_uint_eq(p9__nr_fids(srv), 0);
}
END_TEST

/* ---- 1: Tversion ------------------------------------------------------------ */

/* msize is clamped to P9_MAX_MSIZE; 4096 is the smallest taken. */
START_TEST(version_msize_clamped)
{
	char v[64];
	u32 msize;

	ck_errno(version(1u << 20, "9P2000.L", &msize, v, sizeof(v)), 0);
	ck_assert_uint_eq(msize, P9_MAX_MSIZE);
	ck_assert_str_eq(v, "9P2000.L");
	ck_errno(version(0xffffffffu, "9P2000.L", &msize, v, sizeof(v)), 0);
	ck_assert_uint_eq(msize, P9_MAX_MSIZE);
	ck_errno(version(P9_MAX_MSIZE, "9P2000.L", &msize, v, sizeof(v)), 0);
	ck_assert_uint_eq(msize, P9_MAX_MSIZE);
	ck_errno(version(8192, "9P2000.L", &msize, v, sizeof(v)), 0);
	ck_assert_uint_eq(msize, 8192);
	ck_errno(version(4096, "9P2000.L", &msize, v, sizeof(v)), 0);
	ck_assert_uint_eq(msize, 4096);
}
END_TEST

/* An msize below 4096 is refused with Rlerror(EINVAL). */
START_TEST(version_small_msize_refused)
{
	ck_errno(version(4095, "9P2000.L", NULL, NULL, 0), EINVAL);
	ck_errno(version(0, "9P2000.L", NULL, NULL, 0), EINVAL);
	ck_errno(version(24, "9P2000.L", NULL, NULL, 0), EINVAL);
	/* still unversioned: nothing else is served */
	ck_errno(attach(ROOT, NULL), EPROTO);
}
END_TEST

/* A version other than 9P2000.L is answered "unknown". */
START_TEST(version_unknown)
{
	static const char *const others[] = { "9P2000", "9P2000.u", "9P2000.L2", "9P2000.", "", "9p2000.l" };
	unsigned int i;
	char v[64];
	u32 msize;

	for (i = 0; i < ARRAY_SIZE(others); i++) {
		ck_errno(version(8192, others[i], &msize, v, sizeof(v)), 0);
		ck_assert_msg(!strcmp(v, "unknown"), "\"%s\" answered \"%s\"", others[i], v);
	}
	ck_errno(version(8192, "9P2000.L", &msize, v, sizeof(v)), 0);
	ck_assert_str_eq(v, "9P2000.L");
}
END_TEST

/* Before Tversion every other request is answered Rlerror (EPROTO). */
START_TEST(requests_before_version_refused)
{
	struct attr a;
	struct reply r;

	ck_errno(attach(ROOT, NULL), EPROTO);
	ck_errno(walk(ROOT, 2, NULL, NULL), EPROTO);
	ck_errno(getattr(ROOT, &a), EPROTO);
	ck_errno(clunk(ROOT), EPROTO);
	ck_errno(lopen(ROOT, L_RDONLY, NULL, NULL), EPROTO);
	m_init(&m, TSTATFS);
	m_u32(&m, ROOT);
	ck_errno(rpc(&m, &r), EPROTO);
	m_init(&m, TFLUSH);
	m_u16(&m, 1);
	ck_errno(rpc(&m, &r), EPROTO);
	ck_assert_uint_eq(p9__nr_fids(srv), 0);
	start();
	ck_assert_uint_eq(p9__nr_fids(srv), 1);
}
END_TEST

/* A second Tversion starts a new session: every fid is dropped (and its fd closed). */
START_TEST(version_again_drops_fids)
{
	struct attr a;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, "sub", NULL), 0);
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), 0);
	ck_assert_uint_eq(p9__nr_fids(srv), 3);
	ck_fds_match_fids();
	ck_errno(version(8192, "9P2000.L", NULL, NULL, 0), 0);
	ck_assert_uint_eq(p9__nr_fids(srv), 0);
	ck_fds_match_fids();
	ck_errno(getattr(ROOT, &a), EBADF);
	ck_errno(getattr(2, &a), EBADF);
	ck_errno(attach(ROOT, NULL), 0);
	ck_errno(attach(2, NULL), 0);
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
}
END_TEST

/* ---- 2: Tattach ------------------------------------------------------------- */

/* The root's qid is a directory's, its path the root's inode. */
START_TEST(attach_root_qid)
{
	struct qid q = start();
	struct reply r;
	struct attr a;

	ck_assert_uint_eq(q.type, QT_DIR);
	ck_assert_uint_eq(q.path, ino_of("root"));
	ck_errno(getattr(ROOT, &a), 0);
	ck_assert(S_ISDIR(a.mode));
	ck_assert_uint_eq(a.qid.path, q.path);
	ck_assert_uint_eq(p9__nr_fids(srv), 1);
	ck_fds_match_fids();
	/* the aname picks nothing: every attach is the share's root */
	m_init(&m, TATTACH);
	m_u32(&m, 2);
	m_u32(&m, NOFID);
	m_str(&m, "nobody");
	m_str(&m, "/etc");
	m_u32(&m, 65534);
	ck_errno(rpc(&m, &r), 0);
	q = r_qid(&r);
	r_end(&r);
	ck_assert_uint_eq(q.path, ino_of("root"));
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
}
END_TEST

/* Attaching a fid in use is EEXIST and leaves it as it was. */
START_TEST(attach_fid_in_use)
{
	struct attr a;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(attach(ROOT, NULL), EEXIST);
	ck_errno(attach(2, NULL), EEXIST);
	ck_errno(getattr(2, &a), 0);
	ck_assert(S_ISREG(a.mode));
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
}
END_TEST

/* There is no Tauth: an afid other than NOFID is EINVAL, Tauth EOPNOTSUPP. */
START_TEST(attach_afid_refused)
{
	struct reply r;

	ck_errno(version(8192, "9P2000.L", NULL, NULL, 0), 0);
	ck_errno(attach_afid(ROOT, 0, NULL), EINVAL);
	ck_errno(attach_afid(ROOT, 7, NULL), EINVAL);
	ck_assert_uint_eq(p9__nr_fids(srv), 0);
	m_init(&m, TAUTH);
	m_u32(&m, 5);
	m_str(&m, "root");
	m_str(&m, "");
	m_u32(&m, 0);
	ck_errno(rpc(&m, &r), EOPNOTSUPP);
	ck_assert_uint_eq(p9__nr_fids(srv), 0);
}
END_TEST

/* ---- 3: Twalk --------------------------------------------------------------- */

/* A walk to hello.txt: a file's qid with its inode, one more fid. */
START_TEST(walk_to_file)
{
	struct qid q[1];
	struct attr a;

	start();
	ck_errno(walk(ROOT, 2, q, "hello.txt", NULL), 0);
	ck_assert_uint_eq(q[0].type, 0);
	ck_assert_uint_eq(q[0].path, ino_of("root/hello.txt"));
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
	ck_errno(getattr(2, &a), 0);
	ck_assert_uint_eq(a.qid.path, q[0].path);
	ck_fds_match_fids();
}
END_TEST

/* A walk of several names answers one qid per name. */
START_TEST(walk_multi)
{
	struct qid q[3];
	struct attr a;

	start();
	ck_errno(walk(ROOT, 2, q, "sub", "deeper", "deep.txt", NULL), 0);
	ck_assert_uint_eq(q[0].type, QT_DIR);
	ck_assert_uint_eq(q[0].path, ino_of("root/sub"));
	ck_assert_uint_eq(q[1].type, QT_DIR);
	ck_assert_uint_eq(q[1].path, ino_of("root/sub/deeper"));
	ck_assert_uint_eq(q[2].type, 0);
	ck_assert_uint_eq(q[2].path, ino_of("root/sub/deeper/deep.txt"));
	ck_errno(getattr(2, &a), 0);
	ck_assert_uint_eq(a.size, 5);
	ck_errno(walk(ROOT, 3, q, "sub", "deeper", NULL), 0);
	ck_errno(walk(3, 4, q, "deep.txt", NULL), 0);
	ck_assert_uint_eq(q[0].path, ino_of("root/sub/deeper/deep.txt"));
	ck_assert_uint_eq(p9__nr_fids(srv), 4);
}
END_TEST

/* A walk of no names clones the fid. */
START_TEST(walk_clone)
{
	unsigned int n = 99;
	struct attr a;

	start();
	ck_errno(walkn(ROOT, 2, 0, NULL, NULL, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
	ck_errno(getattr(2, &a), 0);
	ck_assert_uint_eq(a.qid.path, ino_of("root"));
	/* the clone is a fid of its own */
	ck_errno(clunk(ROOT), 0);
	ck_errno(walk(2, 3, NULL, "hello.txt", NULL), 0);
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
	ck_fds_match_fids();
}
END_TEST

/* newfid == fid moves the fid itself; a partial such walk leaves it alone. */
START_TEST(walk_in_place)
{
	unsigned int n;
	struct attr a;

	start();
	ck_errno(walk(ROOT, 2, NULL, NULL), 0);
	ck_errno(walk(2, 2, NULL, "sub", NULL), 0);
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
	ck_errno(getattr(2, &a), 0);
	ck_assert_uint_eq(a.qid.path, ino_of("root/sub"));
	ck_errno(walkn(2, 2, 2, (const char *const[]){ "deeper", "nope" }, NULL, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_errno(getattr(2, &a), 0);
	ck_assert_uint_eq(a.qid.path, ino_of("root/sub"));
	ck_errno(walk(2, 2, NULL, "deeper", "deep.txt", NULL), 0);
	ck_errno(getattr(2, &a), 0);
	ck_assert_uint_eq(a.qid.path, ino_of("root/sub/deeper/deep.txt"));
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
	ck_fds_match_fids();
}
END_TEST

/* A newfid in use is EEXIST; an unknown fid is EBADF. */
START_TEST(walk_newfid_in_use)
{
	struct attr a;

	start();
	ck_errno(walk(ROOT, 2, NULL, "sub", NULL), 0);
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), EEXIST);
	ck_errno(getattr(2, &a), 0);
	ck_assert(S_ISDIR(a.mode));
	ck_errno(walk(ROOT, 2, NULL, NULL), EEXIST);
	ck_errno(walk(77, 3, NULL, "hello.txt", NULL), EBADF);
	ck_errno(walk(NOFID, 3, NULL, NULL), EBADF);
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
}
END_TEST

/* 16 names are walked, 17 are EINVAL. */
START_TEST(walk_max_names)
{
	const char *names[17];
	struct qid q[16];
	unsigned int i, n;

	start();
	for (i = 0; i < 17; i++)
		names[i] = "..";
	ck_errno(walkn(ROOT, 2, 17, names, q, &n), EINVAL);
	ck_assert_uint_eq(p9__nr_fids(srv), 1);
	ck_errno(walkn(ROOT, 2, 16, names, q, &n), 0);
	ck_assert_uint_eq(n, 16);
	for (i = 0; i < 16; i++)
		ck_assert_uint_eq(q[i].path, ino_of("root"));
	for (i = 0; i < 16; i++)
		names[i] = i % 2 ? ".." : "sub";
	ck_errno(walkn(ROOT, 3, 16, names, q, &n), 0);
	ck_assert_uint_eq(n, 16);
	ck_assert_uint_eq(q[14].path, ino_of("root/sub"));
	ck_assert_uint_eq(q[15].path, ino_of("root"));
	ck_assert_uint_eq(p9__nr_fids(srv), 3);
}
END_TEST

/* A raw Twalk from ROOT to newfid 2 of one name of @len bytes. */
static int walk_raw(const char *name, size_t len)
{
	struct reply r;

	m_init(&m, TWALK);
	m_u32(&m, ROOT);
	m_u32(&m, 2);
	m_u16(&m, 1);
	m_strn(&m, name, len);
	return rpc(&m, &r);
}

/* A name with '/' or NUL, empty, or "." is EINVAL; 256 bytes ENAMETOOLONG. */
START_TEST(walk_bad_names)
{
	char name[300];
	unsigned int n;

	start();
	ck_errno(walk_raw("sub/deeper", 10), EINVAL);
	ck_errno(walk_raw("/", 1), EINVAL);
	ck_errno(walk_raw("hello.txt\0x", 11), EINVAL);
	ck_errno(walk_raw("hello.txt", 10), EINVAL);	/* its NUL counted in */
	ck_errno(walk_raw("", 0), EINVAL);
	ck_errno(walk_raw(".", 1), EINVAL);
	memset(name, 'a', sizeof(name));
	ck_errno(walk_raw(name, 256), ENAMETOOLONG);
	ck_errno(walk_raw(name, 299), ENAMETOOLONG);
	ck_errno(walk_raw(name, 255), ENOENT);		/* a name, just not there */
	/* a bad name anywhere refuses the whole walk */
	ck_errno(walkn(ROOT, 2, 2, (const char *const[]){ "sub", "a/b" }, NULL, &n), EINVAL);
	ck_errno(walkn(ROOT, 2, 2, (const char *const[]){ "sub", "" }, NULL, &n), EINVAL);
	ck_assert_uint_eq(p9__nr_fids(srv), 1);
	ck_fds_match_fids();
}
END_TEST

/* A walk that stops after the first name: Rwalk with 1 qid, no newfid. */
START_TEST(walk_partial)
{
	struct qid q[16];
	struct attr a;
	unsigned int n;

	start();
	ck_errno(walkn(ROOT, 2, 3, (const char *const[]){ "sub", "nope", "x" }, q, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(q[0].path, ino_of("root/sub"));
	ck_assert_uint_eq(p9__nr_fids(srv), 1);
	ck_errno(getattr(2, &a), EBADF);
	/* through a file: ENOTDIR after the first name */
	ck_errno(walkn(ROOT, 2, 2, (const char *const[]){ "hello.txt", "x" }, q, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_errno(walkn(ROOT, 2, 3, (const char *const[]){ "sub", "deeper", "nope" }, q, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(p9__nr_fids(srv), 1);
	ck_fds_match_fids();
	/* newfid 2 is still free */
	ck_errno(walk(ROOT, 2, NULL, "sub", NULL), 0);
}
END_TEST

/* A missing first name is Rlerror(ENOENT), and no newfid. */
START_TEST(walk_first_missing)
{
	start();
	ck_errno(walk(ROOT, 2, NULL, "nope", NULL), ENOENT);
	ck_errno(walk(ROOT, 2, NULL, "nope", "sub", NULL), ENOENT);
	ck_errno(walk(ROOT, ROOT, NULL, "nope", NULL), ENOENT);
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(walk(2, 3, NULL, "x", NULL), ENOTDIR);
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
	ck_fds_match_fids();
}
END_TEST

/* ---- 4: escapes ------------------------------------------------------------- */

/* ".." at the root is the root. */
START_TEST(dotdot_at_root)
{
	struct qid root = start(), q[16];
	unsigned int n;
	struct attr a;

	ck_errno(walk(ROOT, 2, q, "..", NULL), 0);
	ck_assert_uint_eq(q[0].path, root.path);
	ck_assert_uint_eq(q[0].type, QT_DIR);
	ck_errno(getattr(2, &a), 0);
	ck_assert_uint_eq(a.qid.path, ino_of("root"));
	ck_errno(walk(2, 3, q, "..", "hello.txt", NULL), 0);
	ck_assert_uint_eq(q[0].path, root.path);
	ck_assert_uint_eq(q[1].path, ino_of("root/hello.txt"));
	/* the root's parent is not there to walk into */
	ck_errno(walkn(ROOT, 4, 2, (const char *const[]){ "..", "secret.txt" }, q, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_errno(walkn(ROOT, 4, 2, (const char *const[]){ "..", "root" }, q, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_errno(getattr(4, &a), EBADF);
}
END_TEST

/* "sub/../.." is the root, and so is any number of ".." from anywhere. */
START_TEST(dotdot_many)
{
	struct qid root = start(), q[16];
	const char *names[16];
	struct attr a;
	unsigned int i, n;

	ck_errno(walk(ROOT, 2, q, "sub", "..", "..", NULL), 0);
	ck_assert_uint_eq(q[1].path, root.path);
	ck_assert_uint_eq(q[2].path, root.path);
	ck_errno(walk(ROOT, 3, NULL, "sub", "deeper", NULL), 0);
	for (i = 0; i < 16; i++)
		names[i] = "..";
	ck_errno(walkn(3, 4, 16, names, q, &n), 0);
	ck_assert_uint_eq(q[0].path, ino_of("root/sub"));
	for (i = 1; i < 16; i++)
		ck_assert_uint_eq(q[i].path, root.path);
	ck_errno(walkn(4, 4, 16, names, q, &n), 0);
	ck_errno(getattr(4, &a), 0);
	ck_assert_uint_eq(a.qid.path, root.path);
	/* and from a file */
	ck_errno(walk(ROOT, 5, q, "sub", "deeper", "deep.txt", "..", "..", "..", "..", NULL), 0);
	ck_assert_uint_eq(q[3].path, ino_of("root/sub/deeper"));
	ck_assert_uint_eq(q[6].path, root.path);
}
END_TEST

/* The symlink "out" -> /etc is not followed: nothing below it is reached. */
START_TEST(symlink_out_not_followed)
{
	struct qid q[16];
	struct attr a;
	unsigned int n;
	int e;

	start();
	e = walkn(ROOT, 2, 2, (const char *const[]){ "out", "passwd" }, q, &n);
	ck_assert_msg(e == ENOTDIR || e == ELOOP || (!e && n < 2),
		      "walk out/passwd: %d, %u qids", e, e ? 0 : n);
	ck_assert_uint_eq(p9__nr_fids(srv), 1);
	ck_errno(getattr(2, &a), EBADF);
	ck_errno(walk(ROOT, 2, q, "out", NULL), 0);
	ck_assert_uint_eq(q[0].type, QT_SYMLINK);
	e = walk(2, 3, NULL, "passwd", NULL);
	ck_assert_msg(e == ENOTDIR || e == ELOOP, "walk passwd from out: %d", e);
	ck_errno(walkn(2, 3, 2, (const char *const[]){ "..", "etc" }, q, &n), 0);
	ck_assert_uint_eq(n, 1);	/* ".." of out is the root, which has no etc */
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
	ck_errno(getattr(2, &a), 0);
	ck_assert(S_ISLNK(a.mode));
	ck_assert_uint_eq(a.qid.path, ino_of("root/out"));
}
END_TEST

/* "rel" -> ../../.. then "..": the root, never its parents. */
START_TEST(symlink_rel_dotdot)
{
	struct qid root = start(), q[16];
	const char *names[16];
	unsigned int i, n;
	struct attr a;
	int e;

	names[0] = "rel";
	for (i = 1; i < 16; i++)
		names[i] = "..";
	ck_errno(walkn(ROOT, 2, 16, names, q, &n), 0);
	ck_assert_uint_eq(n, 16);
	ck_assert_uint_eq(q[0].type, QT_SYMLINK);
	for (i = 1; i < 16; i++)
		ck_assert_uint_eq(q[i].path, root.path);
	ck_errno(getattr(2, &a), 0);
	ck_assert_uint_eq(a.qid.path, root.path);
	e = walkn(ROOT, 3, 2, (const char *const[]){ "rel", "tmp" }, q, &n);
	ck_assert_msg(e == ENOTDIR || e == ELOOP || (!e && n == 1), "rel/tmp: %d", e);
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
}
END_TEST

/* A walk to the symlink itself works, and Treadlink gives its target. */
START_TEST(symlink_readlink)
{
	struct qid q[1];
	char buf[4096];
	int e;

	start();
	ck_errno(walk(ROOT, 2, q, "out", NULL), 0);
	ck_assert_uint_eq(q[0].type, QT_SYMLINK);
	ck_assert_uint_eq(q[0].path, ino_of("root/out"));
	ck_errno(readlink9(2, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/etc");
	ck_errno(walk(ROOT, 3, NULL, "rel", NULL), 0);
	ck_errno(readlink9(3, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "../../..");
	ck_errno(walk(ROOT, 4, NULL, "loop", NULL), 0);
	ck_errno(readlink9(4, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "loop");
	/* not a symlink (ENOENT: readlinkat()'s answer for an empty path), or no fid */
	ck_errno(walk(ROOT, 5, NULL, "hello.txt", NULL), 0);
	e = readlink9(5, buf, sizeof(buf));
	ck_assert_msg(e == EINVAL || e == ENOENT, "Treadlink of a file: %d", e);
	ck_errno(readlink9(99, buf, sizeof(buf)), EBADF);
}
END_TEST

/* Tlopen of a symlink is ELOOP, whatever it points at. */
START_TEST(lopen_symlink)
{
	static const char *const links[] = { "out", "rel", "loop" };
	unsigned int i;
	u32 got;

	start();
	for (i = 0; i < ARRAY_SIZE(links); i++) {
		ck_errno(walk(ROOT, 10 + i, NULL, links[i], NULL), 0);
		ck_errno(lopen(10 + i, L_RDONLY, NULL, NULL), ELOOP);
		ck_errno(lopen(10 + i, L_RDONLY | L_DIRECTORY, NULL, NULL), ELOOP);
		ck_errno(read9(10 + i, 0, 100, NULL, &got), EBADF);
	}
	ck_fds_match_fids();
}
END_TEST

/* Replace root/hello.txt with @rel (made by the caller at root/.swap). */
static void swap_in(void)
{
	ck_assert_int_eq(rename(at("root/.swap"), at("root/hello.txt")), 0);
}

static bool resp_has_secret(void)
{
	return memmem(resp, sizeof(resp), "TOP SECRET", 10) != NULL;
}

/* hello.txt swapped for a symlink to ../secret.txt after the walk: never opened. */
START_TEST(swap_file_for_symlink)
{
	u8 data[256];
	u32 got;
	int e;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_assert_int_eq(symlink("../secret.txt", at("root/.swap")), 0);
	swap_in();
	e = lopen(2, L_RDONLY, NULL, NULL);
	ck_assert_msg(e == ESTALE || e == ELOOP, "Tlopen after the swap: %d (%s)", e, strerror(e));
	ck_assert(!resp_has_secret());
	ck_errno(read9(2, 0, sizeof(data), data, &got), EBADF);
	ck_assert(!resp_has_secret());
	/* walked afresh it is the link, and not opened either */
	ck_errno(walk(ROOT, 3, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(3, L_RDONLY, NULL, NULL), ELOOP);
	ck_errno(read9(3, 0, sizeof(data), data, &got), EBADF);
	ck_assert(!resp_has_secret());
	/* an absolute link the same */
	ck_errno(walk(ROOT, 4, NULL, "hardlink", NULL), 0);
	ck_assert_int_eq(symlink("/etc/passwd", at("root/.swap")), 0);
	ck_assert_int_eq(rename(at("root/.swap"), at("root/hardlink")), 0);
	e = lopen(4, L_RDONLY, NULL, NULL);
	ck_assert_msg(e == ESTALE || e == ELOOP, "Tlopen after the swap: %d (%s)", e, strerror(e));
	ck_fds_match_fids();
}
END_TEST

/* hello.txt swapped for another file after the walk: ESTALE, not the other file. */
START_TEST(swap_file_for_file)
{
	u8 data[256];
	u32 got;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	put_file("root/.swap", SECRET, strlen(SECRET));
	swap_in();
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), ESTALE);
	ck_errno(read9(2, 0, sizeof(data), data, &got), EBADF);
	/* a directory swapped in: ESTALE too */
	ck_errno(walk(ROOT, 3, NULL, "hardlink", NULL), 0);
	ck_assert_int_eq(rename(at("root/hardlink"), at("root/moved")), 0);
	ck_assert_int_eq(mkdir(at("root/hardlink"), 0755), 0);
	ck_errno(lopen(3, L_RDONLY, NULL, NULL), ESTALE);
	ck_fds_match_fids();
}
END_TEST

/*
 * hello.txt swapped for a FIFO after the walk: refused, without blocking.
 * (The server opens with O_NONBLOCK and checks what it opened before
 * using it: a FIFO or device swapped in is never waited on or used.)
 */
START_TEST(swap_file_for_fifo)
{
	int e;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_assert_int_eq(mkfifo(at("root/.swap"), 0644), 0);
	swap_in();
	alarm(1);
	e = lopen(2, L_RDONLY, NULL, NULL);
	alarm(0);
	ck_assert_msg(e == ESTALE || e == EACCES, "Tlopen after the swap: %d (%s)", e, strerror(e));
	ck_fds_match_fids();
}
END_TEST

/*
 * sub swapped for a symlink to a directory outside (holding "deeper") between
 * the walk to sub and the walk to deeper: the fid still is the old sub.
 */
START_TEST(swap_dir_for_symlink)
{
	u64 outside = ino_of("outside/deeper"), outside_file = ino_of("outside/deeper/deep.txt");
	u64 old_deeper = ino_of("root/sub/deeper");
	struct qid q[16];
	struct attr a;
	unsigned int n;
	int e;

	start();
	ck_errno(walk(ROOT, 2, NULL, "sub", NULL), 0);
	ck_assert_int_eq(rename(at("root/sub"), at("root/sub.old")), 0);
	ck_assert_int_eq(symlink(at("outside"), at("root/sub")), 0);

	e = walk(2, 3, q, "deeper", "deep.txt", NULL);
	if (!e) {
		ck_assert_uint_eq(q[0].path, old_deeper);
		ck_assert_uint_ne(q[0].path, outside);
		ck_assert_uint_ne(q[1].path, outside_file);
		e = lopen(3, L_RDONLY, NULL, NULL);	/* its path now runs through the link */
		ck_assert_msg(e, "opened sub/deeper/deep.txt through the link");
	}
	/* the fid's path now names the link: not opened */
	e = lopen(2, L_RDONLY | L_DIRECTORY, NULL, NULL);
	ck_assert_msg(e == ELOOP || e == ESTALE || e == ENOTDIR, "Tlopen of the swapped dir: %d", e);
	/* walked afresh "sub" is the link, never the outside directory */
	e = walkn(ROOT, 4, 2, (const char *const[]){ "sub", "deeper" }, q, &n);
	ck_assert_msg(e == ENOTDIR || e == ELOOP || (!e && n == 1), "sub/deeper: %d", e);
	if (!e) {
		ck_assert_uint_eq(q[0].type, QT_SYMLINK);
		ck_assert_uint_ne(q[0].path, ino_of("outside"));
	}
	/* ".." from the held fid's child goes by path: the link, no further */
	e = walk(2, 5, q, "deeper", "..", NULL);
	if (!e) {
		ck_assert_uint_ne(q[1].path, ino_of("outside"));
		ck_errno(getattr(5, &a), 0);
		ck_assert_uint_ne(a.qid.path, ino_of("outside"));
		e = walk(5, 6, NULL, "deeper", NULL);
		ck_assert_msg(e == ENOTDIR || e == ELOOP, "deeper below the link: %d", e);
	}
	/* a relative link the same */
	ck_assert_int_eq(unlink(at("root/sub")), 0);
	ck_assert_int_eq(symlink("../outside", at("root/sub")), 0);
	e = walkn(ROOT, 7, 2, (const char *const[]){ "sub", "deeper" }, q, &n);
	ck_assert_msg(e == ENOTDIR || e == ELOOP || (!e && n == 1), "sub/deeper: %d", e);
	ck_fds_match_fids();
}
END_TEST

/* ---- 5: FIFO and socket ------------------------------------------------------ */

/* A FIFO is walked to and stat'ed, never opened (which would block). */
START_TEST(fifo_not_opened)
{
	struct qid q[1];
	struct attr a;
	u32 got;

	start();
	ck_errno(walk(ROOT, 2, q, "fifo", NULL), 0);
	ck_assert_uint_eq(q[0].type, 0);
	ck_assert_uint_eq(q[0].path, ino_of("root/fifo"));
	ck_errno(getattr(2, &a), 0);
	ck_assert(S_ISFIFO(a.mode));
	ck_assert_uint_eq(a.mode, lstat_of("root/fifo").st_mode);
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), EACCES);
	ck_errno(lopen(2, L_RDONLY | L_DIRECTORY, NULL, NULL), EACCES);
	ck_errno(lopen(2, L_WRONLY, NULL, NULL), EACCES);
	ck_errno(read9(2, 0, 10, NULL, &got), EBADF);
	ck_fds_match_fids();
}
END_TEST

/* A socket is walked to and stat'ed, never opened. */
START_TEST(socket_not_opened)
{
	struct qid q[1];
	struct attr a;

	start();
	ck_errno(walk(ROOT, 2, q, "sock", NULL), 0);
	ck_assert_uint_eq(q[0].path, ino_of("root/sock"));
	ck_errno(getattr(2, &a), 0);
	ck_assert(S_ISSOCK(a.mode));
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), EACCES);
	ck_errno(lopen(2, L_RDWR, NULL, NULL), EACCES);
	ck_fds_match_fids();
}
END_TEST

/* ---- 6: Tlopen --------------------------------------------------------------- */

/* Write access, truncation and append are EROFS; O_RDONLY opens. */
START_TEST(lopen_flags)
{
	static const u32 refused[] = {
		L_WRONLY, L_RDWR, L_TRUNC, L_APPEND, L_RDONLY | L_TRUNC,
		L_WRONLY | L_CREATE, L_RDWR | L_APPEND | L_LARGEFILE,
	};
	struct stat st = lstat_of("root/hello.txt");
	struct qid q;
	unsigned int i;
	u32 iounit;
	int e;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		e = lopen(2, refused[i], NULL, NULL);
		ck_assert_msg(e == EROFS, "flags 0%o: %d", refused[i], e);
	}
	/* O_NOACCESS (3): refused too (EROFS; the EINVAL branch is never reached) */
	e = lopen(2, L_NOACCESS, NULL, NULL);
	ck_assert_msg(e == EROFS || e == EINVAL, "flags 3: %d", e);
	ck_errno(lopen(2, L_RDONLY | L_LARGEFILE, &q, &iounit), 0);
	ck_assert_uint_eq(q.type, 0);
	ck_assert_uint_eq(q.path, st.st_ino);
	ck_assert_uint_eq(iounit, P9_MAX_MSIZE - IOHDR);
	ck_assert(lstat_of("root/hello.txt").st_size == (off_t)strlen(HELLO));
	/* a directory opens too */
	ck_errno(walk(ROOT, 3, NULL, "sub", NULL), 0);
	ck_errno(lopen(3, L_WRONLY, NULL, NULL), EROFS);
	ck_errno(lopen(3, L_RDONLY | L_DIRECTORY, &q, NULL), 0);
	ck_assert_uint_eq(q.type, QT_DIR);
	ck_errno(lopen(99, L_RDONLY, NULL, NULL), EBADF);
	ck_fds_match_fids();
}
END_TEST

/* An open fid is not opened again, nor walked (nor cloned). */
START_TEST(lopen_twice_and_walk)
{
	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), 0);
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), EBADF);
	ck_errno(walk(ROOT, 3, NULL, "sub", NULL), 0);
	ck_errno(lopen(3, L_RDONLY, NULL, NULL), 0);
	ck_errno(walk(3, 4, NULL, "deeper", NULL), EBADF);
	ck_errno(walk(3, 4, NULL, "..", NULL), EBADF);
	ck_errno(walk(3, 4, NULL, NULL), EBADF);
	ck_errno(walk(3, 3, NULL, "deeper", NULL), EBADF);
	ck_assert_uint_eq(p9__nr_fids(srv), 3);
	ck_fds_match_fids();
}
END_TEST

/* ---- 7: Tread ---------------------------------------------------------------- */

/* Tread of hello.txt at several offsets. */
START_TEST(read_file)
{
	u8 data[256];
	u32 got;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(read9(2, 0, 100, data, &got), EBADF);	/* not open yet */
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), 0);
	ck_errno(read9(2, 0, 100, data, &got), 0);
	ck_assert_uint_eq(got, strlen(HELLO));
	ck_assert(!memcmp(data, HELLO, got));
	ck_errno(read9(2, 7, 2, data, &got), 0);
	ck_assert_uint_eq(got, 2);
	ck_assert(!memcmp(data, "9p", 2));
	ck_errno(read9(2, 7, 1000, data, &got), 0);
	ck_assert_uint_eq(got, strlen(HELLO) - 7);
	ck_assert(!memcmp(data, HELLO + 7, got));
	ck_errno(read9(2, strlen(HELLO), 10, data, &got), 0);
	ck_assert_uint_eq(got, 0);
	ck_errno(read9(2, 1000000, 10, data, &got), 0);
	ck_assert_uint_eq(got, 0);
	ck_errno(read9(2, 0, 0, data, &got), 0);
	ck_assert_uint_eq(got, 0);
	ck_errno(read9(2, 1ULL << 40, 10, data, &got), 0);
	ck_assert_uint_eq(got, 0);
}
END_TEST

/* A count of 1 GiB is cut to msize - 24; the reply fits msize. */
START_TEST(read_count_capped_to_msize)
{
	static u8 data[P9_MAX_MSIZE];
	struct reply r;
	u32 got, msize;

	start();
	ck_errno(walk(ROOT, 2, NULL, "big", NULL), 0);
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), 0);
	ck_errno(read9(2, 0, 1u << 30, data, &got), 0);
	ck_assert_uint_eq(got, P9_MAX_MSIZE - IOHDR);
	ck_assert(!memcmp(data, big, got));
	ck_errno(read9(2, 100000, 0xffffffffu, data, &got), 0);
	ck_assert_uint_eq(got, P9_MAX_MSIZE - IOHDR);
	ck_assert(!memcmp(data, big + 100000, got));
	ck_errno(read9(2, BIG_SIZE - 10, 1u << 30, data, &got), 0);
	ck_assert_uint_eq(got, 10);
	ck_assert(!memcmp(data, big + BIG_SIZE - 10, got));

	/* with a smaller msize, the smaller cut */
	ck_errno(version(4096, "9P2000.L", &msize, NULL, 0), 0);
	ck_errno(attach(ROOT, NULL), 0);
	ck_errno(walk(ROOT, 2, NULL, "big", NULL), 0);
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), 0);
	ck_errno(read9(2, 5, 1u << 30, data, &got), 0);
	ck_assert_uint_eq(got, 4096 - IOHDR);
	ck_assert(!memcmp(data, big + 5, got));
	/* Treaddir and Tgetattr replies fit msize too */
	ck_errno(walk(ROOT, 3, NULL, NULL), 0);
	ck_errno(lopen(3, L_RDONLY | L_DIRECTORY, NULL, NULL), 0);
	m_init(&m, TREADDIR);
	m_u32(&m, 3);
	m_u64(&m, 0);
	m_u32(&m, 1u << 30);
	ck_errno(rpc(&m, &r), 0);
	ck_assert_uint_le(r.len + 7, 4096);
}
END_TEST

/* A count larger than the reply's room is cut so the reply fits the room. */
START_TEST(read_count_capped_to_cap)
{
	u8 data[256];
	size_t cap;
	u32 got;

	start();
	ck_errno(walk(ROOT, 2, NULL, "big", NULL), 0);
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), 0);
	for (cap = 11; cap <= 200; cap++) {
		ck_errno(read_cap(2, 1000, 1u << 30, cap, data, &got), 0);
		ck_assert_uint_eq(got, cap - 11);
		ck_assert(!memcmp(data, big + 1000, got));
	}
	ck_errno(read_cap(2, 1000, 50, 200, data, &got), 0);
	ck_assert_uint_eq(got, 50);
}
END_TEST

/* Tread of a directory is EISDIR, of an unopened fid EBADF, past INT64_MAX EINVAL. */
START_TEST(read_errors)
{
	u8 data[64];
	u32 got;

	start();
	ck_errno(read9(ROOT, 0, 10, data, &got), EBADF);
	ck_errno(read9(99, 0, 10, data, &got), EBADF);
	ck_errno(walk(ROOT, 2, NULL, "sub", NULL), 0);
	ck_errno(lopen(2, L_RDONLY | L_DIRECTORY, NULL, NULL), 0);
	ck_errno(read9(2, 0, 10, data, &got), EISDIR);
	ck_errno(walk(ROOT, 3, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(3, L_RDONLY, NULL, NULL), 0);
	ck_errno(read9(3, (u64)INT64_MAX + 1, 10, data, &got), EINVAL);
	ck_errno(read9(3, ~0ULL, 10, data, &got), EINVAL);
	ck_errno(read9(3, 0, 10, data, &got), 0);
}
END_TEST

/* ---- 8: Treaddir ------------------------------------------------------------- */

static const char *const root_names[] = {
	".", "..", "hello.txt", "hardlink", "sub", "big", "out", "rel", "loop", "fifo", "sock",
};

/* Check one entry of the root against the host: @seen marks the names met. */
static void ck_root_dent(const struct dent *d, bool *seen)
{
	unsigned int i;
	struct stat st;
	char rel[300];

	for (i = 0; i < ARRAY_SIZE(root_names); i++)
		if (!strcmp(d->name, root_names[i]))
			break;
	ck_assert_msg(i < ARRAY_SIZE(root_names), "unexpected entry \"%s\"", d->name);
	ck_assert_msg(!seen[i], "\"%s\" listed twice", d->name);
	seen[i] = true;
	snprintf(rel, sizeof(rel), "root/%s", d->name);
	st = lstat_of(rel);
	ck_assert_uint_eq(d->qid.path, st.st_ino);
	ck_assert_uint_eq(d->qid.type, S_ISDIR(st.st_mode) ? QT_DIR :
				       S_ISLNK(st.st_mode) ? QT_SYMLINK : 0);
	ck_assert_uint_eq(d->type, IFTODT(st.st_mode));
}

/* Every name of the root exactly once, a few at a time, from the last offset. */
START_TEST(readdir_all_names)
{
	bool seen[ARRAY_SIZE(root_names)] = { false };
	struct dent d[64];
	unsigned int i, n, calls = 0, total = 0;
	u64 off = 0;

	start();
	ck_errno(walk(ROOT, 2, NULL, NULL), 0);
	ck_errno(readdir9(2, 0, 4096, d, 64, &n), EBADF);	/* not open */
	ck_errno(lopen(2, L_RDONLY | L_DIRECTORY, NULL, NULL), 0);
	for (;;) {
		ck_assert_uint_lt(++calls, 100);
		ck_errno(readdir9(2, off, 64, d, 64, &n), 0);
		if (!n)
			break;
		for (i = 0; i < n; i++)
			ck_root_dent(&d[i], seen);
		total += n;
		off = d[n - 1].off;
	}
	ck_assert_uint_eq(total, ARRAY_SIZE(root_names));
	ck_assert_uint_gt(calls, 3);		/* a few at a time */
	/* and all at once, the same */
	memset(seen, 0, sizeof(seen));
	ck_errno(readdir9(2, 0, 8192, d, 64, &n), 0);
	ck_assert_uint_eq(n, ARRAY_SIZE(root_names));
	for (i = 0; i < n; i++)
		ck_root_dent(&d[i], seen);
	/* past the end: nothing */
	ck_errno(readdir9(2, d[n - 1].off, 8192, d, 64, &n), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* A count too small for one entry is EINVAL; a file's fid ENOTDIR. */
START_TEST(readdir_errors)
{
	struct dent d[64];
	unsigned int n;

	start();
	ck_errno(walk(ROOT, 2, NULL, NULL), 0);
	ck_errno(lopen(2, L_RDONLY | L_DIRECTORY, NULL, NULL), 0);
	ck_errno(readdir9(2, 0, 0, d, 64, &n), EINVAL);
	ck_errno(readdir9(2, 0, 10, d, 64, &n), EINVAL);
	ck_errno(readdir9(2, 0, 24, d, 64, &n), EINVAL);	/* "." needs 25 */
	ck_errno(readdir9(2, 0, 25 + 9, d, 64, &n), 0);	/* the longest name here, "hello.txt" */
	ck_assert_uint_ge(n, 1);
	ck_errno(walk(ROOT, 3, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(3, L_RDONLY, NULL, NULL), 0);
	ck_errno(readdir9(3, 0, 4096, d, 64, &n), ENOTDIR);
	ck_errno(readdir9(99, 0, 4096, d, 64, &n), EBADF);
}
END_TEST

/* ---- 9: Tgetattr ------------------------------------------------------------- */

/* Size, mode, nlink and owner of hello.txt and its hard link, as the host has them. */
START_TEST(getattr_file_and_link)
{
	struct stat st = lstat_of("root/hello.txt");
	struct attr a, b;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(getattr(2, &a), 0);
	ck_assert_uint_eq(a.valid & 0x7ff, 0x7ff);		/* P9_GETATTR_BASIC */
	ck_assert_uint_eq(a.qid.type, 0);
	ck_assert_uint_eq(a.qid.path, st.st_ino);
	ck_assert_uint_eq(a.mode, st.st_mode);
	ck_assert(S_ISREG(a.mode));
	ck_assert_uint_eq(a.size, strlen(HELLO));
	ck_assert_uint_eq(a.nlink, 2);
	ck_assert_uint_eq(a.uid, st.st_uid);
	ck_assert_uint_eq(a.gid, st.st_gid);
	ck_assert_uint_eq(a.blocks, st.st_blocks);
	ck_assert_uint_eq(a.t[2], st.st_mtim.tv_sec);
	ck_assert_uint_eq(a.t[3], st.st_mtim.tv_nsec);
	ck_errno(walk(ROOT, 3, NULL, "hardlink", NULL), 0);
	ck_errno(getattr(3, &b), 0);
	ck_assert_uint_eq(b.qid.path, a.qid.path);
	ck_assert_uint_eq(b.nlink, 2);
	ck_assert_uint_eq(b.size, a.size);
	/* an open fid the same; a directory and the big file */
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), 0);
	ck_errno(getattr(2, &b), 0);
	ck_assert_uint_eq(b.qid.path, a.qid.path);
	ck_errno(walk(ROOT, 4, NULL, "big", NULL), 0);
	ck_errno(getattr(4, &b), 0);
	ck_assert_uint_eq(b.size, BIG_SIZE);
	ck_assert_uint_eq(b.nlink, 1);
	ck_errno(getattr(ROOT, &b), 0);
	ck_assert_uint_eq(b.nlink, lstat_of("root").st_nlink);
	ck_errno(getattr(99, &b), EBADF);
}
END_TEST

/* ---- 10: Tstatfs, Tclunk, Tflush --------------------------------------------- */

/* Tstatfs answers the host file system's figures. */
START_TEST(statfs_works)
{
	struct statfs sf;
	struct reply r;

	ck_assert_int_eq(statfs(rootdir, &sf), 0);
	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	m_init(&m, TSTATFS);
	m_u32(&m, 2);
	ck_errno(rpc(&m, &r), 0);
	ck_assert_uint_eq(r_u32(&r), (u32)sf.f_type);
	ck_assert_uint_eq(r_u32(&r), (u32)sf.f_bsize);
	ck_assert_uint_eq(r_u64(&r), sf.f_blocks);
	r_u64(&r);	/* bfree, bavail: they move */
	r_u64(&r);
	ck_assert_uint_eq(r_u64(&r), sf.f_files);
	r_u64(&r);
	r_u64(&r);	/* fsid */
	ck_assert_uint_eq(r_u32(&r), (u32)sf.f_namelen);
	r_end(&r);
	m_init(&m, TSTATFS);
	m_u32(&m, 99);
	ck_errno(rpc(&m, &r), EBADF);
}
END_TEST

/* Tclunk frees the fid (and its fd); an unknown fid is EBADF; the number is free again. */
START_TEST(clunk_frees)
{
	struct attr a;
	struct reply r;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, "sub", NULL), 0);
	ck_errno(lopen(3, L_RDONLY | L_DIRECTORY, NULL, NULL), 0);
	ck_assert_uint_eq(p9__nr_fids(srv), 3);
	ck_errno(clunk(2), 0);
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
	ck_fds_match_fids();
	ck_errno(clunk(2), EBADF);
	ck_errno(clunk(99), EBADF);
	ck_errno(clunk(NOFID), EBADF);
	ck_errno(getattr(2, &a), EBADF);
	ck_errno(clunk(3), 0);
	ck_errno(clunk(ROOT), 0);
	ck_assert_uint_eq(p9__nr_fids(srv), 0);
	ck_fds_match_fids();
	ck_errno(attach(ROOT, NULL), 0);
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
	/* Tflush: an empty Rflush, since every request is answered at once */
	m_init(&m, TFLUSH);
	m_u16(&m, 1);
	ck_errno(rpc(&m, &r), 0);
	r_end(&r);
}
END_TEST

/* Many fids in the same hash buckets come and go without mixing up. */
START_TEST(many_fids)
{
	struct attr a;
	u32 i;

	start();
	for (i = 0; i < 3000; i++)
		ck_errno(walk(ROOT, 1000 + i * 1024, NULL, i % 2 ? "hello.txt" : "sub", NULL), 0);
	ck_assert_uint_eq(p9__nr_fids(srv), 3001);
	ck_fds_match_fids();
	for (i = 0; i < 3000; i += 2)
		ck_errno(clunk(1000 + i * 1024), 0);
	for (i = 0; i < 3000; i++) {
		ck_errno(getattr(1000 + i * 1024, &a), i % 2 ? 0 : EBADF);
		if (i % 2)
			ck_assert(S_ISREG(a.mode));
	}
	ck_assert_uint_eq(p9__nr_fids(srv), 1501);
	ck_fds_match_fids();
}
END_TEST

/* ---- 11: modifying requests --------------------------------------------------- */

static char snap[65536];
static size_t snap_len;

static int snap_entry(const char *path, const struct stat *st, int flag __unused,
		      struct FTW *ftw __unused)
{
	snap_len += snprintf(snap + snap_len, sizeof(snap) - snap_len,
			     "%s %o %lld %lld.%09ld %lld.%09ld %llu %llu\n", path,
			     st->st_mode, (long long)st->st_size,
			     (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
			     (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec,
			     (unsigned long long)st->st_ino, (unsigned long long)st->st_nlink);
	ck_assert_uint_lt(snap_len, sizeof(snap));
	return 0;
}

/* The test's whole tree, but for access times. */
static char *snapshot(void)
{
	snap_len = 0;
	ck_assert_int_eq(nftw(dir, snap_entry, 16, FTW_PHYS), 0);
	return strdup(snap);
}

/* Every request that would change the share is EROFS, and nothing changes. */
START_TEST(modifying_requests_erofs)
{
	char *before, *after;
	struct reply r;
	unsigned int i;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(3, L_RDONLY, NULL, NULL), 0);
	ck_errno(walk(ROOT, 4, NULL, "sub", NULL), 0);
	before = snapshot();
	for (i = 0; i < 2; i++) {
		u32 dfid = i ? 4 : ROOT;

		m_init(&m, TLCREATE);		/* fid name flags mode gid */
		m_u32(&m, dfid);
		m_str(&m, "new");
		m_u32(&m, L_RDWR | L_CREATE);
		m_u32(&m, 0644);
		m_u32(&m, 0);
		ck_errno(rpc(&m, &r), EROFS);
		m_init(&m, TWRITE);		/* fid offset count data */
		m_u32(&m, 3);
		m_u64(&m, 0);
		m_u32(&m, 5);
		m_put(&m, 0x4141414141ULL, 5);
		ck_errno(rpc(&m, &r), EROFS);
		m_init(&m, TMKDIR);		/* dfid name mode gid */
		m_u32(&m, dfid);
		m_str(&m, "newdir");
		m_u32(&m, 0755);
		m_u32(&m, 0);
		ck_errno(rpc(&m, &r), EROFS);
		m_init(&m, TUNLINKAT);		/* dfid name flags */
		m_u32(&m, dfid);
		m_str(&m, i ? "deeper" : "hello.txt");
		m_u32(&m, i ? 0x200 : 0);	/* AT_REMOVEDIR */
		ck_errno(rpc(&m, &r), EROFS);
		m_init(&m, TRENAMEAT);		/* olddfid oldname newdfid newname */
		m_u32(&m, ROOT);
		m_str(&m, "hello.txt");
		m_u32(&m, dfid);
		m_str(&m, "renamed");
		ck_errno(rpc(&m, &r), EROFS);
		m_init(&m, TRENAME);		/* fid dfid name */
		m_u32(&m, 2);
		m_u32(&m, dfid);
		m_str(&m, "renamed");
		ck_errno(rpc(&m, &r), EROFS);
		m_init(&m, TSETATTR);		/* fid valid mode uid gid size atime mtime */
		m_u32(&m, 2);
		m_u32(&m, 0x7f);
		m_u32(&m, 0777);
		m_u32(&m, 1);
		m_u32(&m, 1);
		m_u64(&m, 0);
		m_u64(&m, 0);
		m_u64(&m, 0);
		m_u64(&m, 0);
		m_u64(&m, 0);
		ck_errno(rpc(&m, &r), EROFS);
		m_init(&m, TSYMLINK);		/* dfid name target gid */
		m_u32(&m, dfid);
		m_str(&m, "newlink");
		m_str(&m, "/etc/passwd");
		m_u32(&m, 0);
		ck_errno(rpc(&m, &r), EROFS);
		m_init(&m, TLINK);		/* dfid fid name */
		m_u32(&m, dfid);
		m_u32(&m, 2);
		m_str(&m, "newhard");
		ck_errno(rpc(&m, &r), EROFS);
		m_init(&m, TMKNOD);		/* dfid name mode major minor gid */
		m_u32(&m, dfid);
		m_str(&m, "newfifo");
		m_u32(&m, S_IFIFO | 0644);
		m_u32(&m, 0);
		m_u32(&m, 0);
		m_u32(&m, 0);
		ck_errno(rpc(&m, &r), EROFS);
		m_init(&m, TXATTRCREATE);	/* fid name size flags */
		m_u32(&m, 2);
		m_str(&m, "user.x");
		m_u64(&m, 1);
		m_u32(&m, 0);
		ck_errno(rpc(&m, &r), EOPNOTSUPP);
	}
	/* Tremove last: it would take fid 2 with it */
	m_init(&m, TREMOVE);
	m_u32(&m, 2);
	ck_errno(rpc(&m, &r), EROFS);
	after = snapshot();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	ck_assert_uint_eq(lstat_of("root/hello.txt").st_size, strlen(HELLO));
}
END_TEST

/*
 * xattrs are EOPNOTSUPP; locks are served (a read lock taken, and no
 * conflict reported to the same fid); Tfsync succeeds.
 */
START_TEST(unsupported_requests)
{
	struct reply r;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), 0);
	m_init(&m, TXATTRWALK);		/* fid newfid name */
	m_u32(&m, 2);
	m_u32(&m, 5);
	m_str(&m, "user.x");
	ck_errno(rpc(&m, &r), EOPNOTSUPP);
	m_init(&m, TLOCK);		/* fid type flags start length proc_id client_id */
	m_u32(&m, 2);
	m_u8(&m, 0);
	m_u32(&m, 0);
	m_u64(&m, 0);
	m_u64(&m, 0);
	m_u32(&m, 1);
	m_str(&m, "c");
	ck_errno(rpc(&m, &r), 0);
	ck_assert_uint_eq(r_u8(&r), 0);		/* P9_LOCK_SUCCESS */
	r_end(&r);
	m_init(&m, TGETLOCK);
	m_u32(&m, 2);
	m_u8(&m, 0);
	m_u64(&m, 0);
	m_u64(&m, 0);
	m_u32(&m, 1);
	m_str(&m, "c");
	ck_errno(rpc(&m, &r), 0);
	ck_assert_uint_eq(r_u8(&r), 2);		/* UNLCK: nothing in the way */
	m_init(&m, 200);		/* no such type */
	m_u32(&m, 2);
	ck_errno(rpc(&m, &r), EOPNOTSUPP);
	m_init(&m, TFSYNC);		/* fid datasync */
	m_u32(&m, 2);
	m_u32(&m, 0);
	ck_errno(rpc(&m, &r), 0);
	ck_assert_uint_eq(p9__nr_fids(srv), 2);
}
END_TEST

/*
 * Tremove clunks its fid even when the remove fails (remove(5), which
 * 9P2000.L keeps; Linux's p9_client_remove() forgets the fid whatever the
 * answer).
 */
START_TEST(remove_clunks_fid)
{
	struct reply r;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	m_init(&m, TREMOVE);
	m_u32(&m, 2);
	ck_errno(rpc(&m, &r), EROFS);
	ck_assert_msg(p9__nr_fids(srv) == 1, "Tremove left fid 2 in place (%u fids)",
		      p9__nr_fids(srv));
}
END_TEST

/* ---- 12: malformed input ------------------------------------------------------ */

/* A size field that lies, or less than a header, gets no reply at all. */
START_TEST(malformed_framing)
{
	u8 req[64];
	size_t len, n;

	start();
	m_init(&m, TGETATTR);
	m_u32(&m, ROOT);
	m_u64(&m, 0x7ff);
	m_fin(&m);
	memcpy(req, m.b, m.len);
	len = m.len;
	/* the size field one more or less, or anything else */
	req[0] = len + 1;
	ck_assert_uint_eq(handle_raw(req, len, RESP_CAP), 0);
	req[0] = len - 1;
	ck_assert_uint_eq(handle_raw(req, len, RESP_CAP), 0);
	req[0] = len;
	req[3] = 1;
	ck_assert_uint_eq(handle_raw(req, len, RESP_CAP), 0);
	req[3] = 0;
	ck_assert_uint_eq(handle_raw(req, len - 1, RESP_CAP), 0);
	/* shorter than a header: size field patched or not */
	for (n = 0; n < 7; n++) {
		req[0] = n;
		ck_assert_uint_eq(handle_raw(req, n, RESP_CAP), 0);
		req[0] = len;
		ck_assert_uint_eq(handle_raw(req, n, RESP_CAP), 0);
	}
	/* no room for an Rlerror: no reply, nothing written */
	req[0] = len;
	for (n = 0; n < 11; n++)
		ck_assert_uint_eq(handle_raw(req, len, n), 0);
	/* and all is as it was */
	ck_assert_uint_gt(handle_raw(req, len, RESP_CAP), 11);
	ck_assert_uint_eq(p9__nr_fids(srv), 1);
}
END_TEST

/*
 * Every valid request of every implemented type, cut short at every
 * length: Rlerror(EINVAL) (or no reply), and no fid made.  (Tflush and
 * Tfsync are not parsed: see truncated_flush.)
 */
START_TEST(truncated_bodies)
{
	struct msg reqs[16], cut;
	unsigned int i = 0, nreq, fids = 4;
	size_t len, n;
	u32 e;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, NULL), 0);
	ck_errno(lopen(3, L_RDONLY | L_DIRECTORY, NULL, NULL), 0);
	ck_errno(walk(ROOT, 4, NULL, "out", NULL), 0);

	m_init(&reqs[i], TATTACH);
	m_u32(&reqs[i], 10);
	m_u32(&reqs[i], NOFID);
	m_str(&reqs[i], "root");
	m_str(&reqs[i], "aname");
	m_u32(&reqs[i++], 0);
	m_init(&reqs[i], TWALK);
	m_u32(&reqs[i], ROOT);
	m_u32(&reqs[i], 11);
	m_u16(&reqs[i], 3);
	m_str(&reqs[i], "sub");
	m_str(&reqs[i], "deeper");
	m_str(&reqs[i++], "deep.txt");
	m_init(&reqs[i], TWALK);		/* a clone: the body is all there is */
	m_u32(&reqs[i], ROOT);
	m_u32(&reqs[i], 12);
	m_u16(&reqs[i++], 0);
	m_init(&reqs[i], TGETATTR);
	m_u32(&reqs[i], ROOT);
	m_u64(&reqs[i++], 0x7ff);
	m_init(&reqs[i], TLOPEN);
	m_u32(&reqs[i], ROOT);
	m_u32(&reqs[i++], L_RDONLY);
	m_init(&reqs[i], TREAD);
	m_u32(&reqs[i], 2);
	m_u64(&reqs[i], 0);
	m_u32(&reqs[i++], 100);
	m_init(&reqs[i], TREADDIR);
	m_u32(&reqs[i], 3);
	m_u64(&reqs[i], 0);
	m_u32(&reqs[i++], 4096);
	m_init(&reqs[i], TREADLINK);
	m_u32(&reqs[i++], 4);
	m_init(&reqs[i], TSTATFS);
	m_u32(&reqs[i++], ROOT);
	m_init(&reqs[i], TCLUNK);
	m_u32(&reqs[i++], 4);
	m_init(&reqs[i], TVERSION);		/* last: it would drop the fids */
	m_u32(&reqs[i], 8192);
	m_str(&reqs[i++], "9P2000.L");
	nreq = i;

	for (i = 0; i < nreq; i++) {
		for (len = 7; len < reqs[i].len; len++) {
			cut = reqs[i];
			cut.len = len;
			m_fin(&cut);
			n = handle_raw(cut.b, len, RESP_CAP);
			if (!n)
				continue;
			e = le32(resp + 7);
			ck_assert_msg(n == 11 && resp[4] == RLERROR && e == EINVAL,
				      "type %u cut to %zu bytes: reply type %u, %zu bytes, errno %u",
				      reqs[i].type, len, resp[4], n, e);
			ck_assert_uint_eq(p9__nr_fids(srv), fids);
		}
		/* whole, it is served */
		m_fin(&reqs[i]);
		n = handle_raw(reqs[i].b, reqs[i].len, RESP_CAP);
		ck_assert_msg(n >= 7 && resp[4] == reqs[i].type + 1,
			      "type %u whole: reply type %u", reqs[i].type, resp[4]);
		fids = reqs[i].type == TATTACH || reqs[i].type == TWALK ? fids + 1 :
		       reqs[i].type == TCLUNK ? fids - 1 :
		       reqs[i].type == TVERSION ? 0 : fids;
		ck_assert_uint_eq(p9__nr_fids(srv), fids);
	}
	ck_assert_uint_eq(p9__nr_fids(srv), 0);		/* the Tversion */
	ck_fds_match_fids();
}
END_TEST

/*
 * A Tflush or Tfsync cut short is a request the server cannot parse.
 */
START_TEST(truncated_flush)
{
	struct reply r;

	start();
	m_init(&m, TFLUSH);
	ck_errno(rpc(&m, &r), EINVAL);
	m_init(&m, TFLUSH);
	m_u8(&m, 1);
	ck_errno(rpc(&m, &r), EINVAL);
	m_init(&m, TFSYNC);
	m_u32(&m, ROOT);
	ck_errno(rpc(&m, &r), EINVAL);
	m_init(&m, TFSYNC);
	m_u32(&m, 99);
	m_u32(&m, 0);
	ck_errno(rpc(&m, &r), EBADF);
}
END_TEST

/* Too little room for Rgetattr, Rwalk, ...: ENOBUFS or a shorter reply, never past the room. */
START_TEST(small_cap_never_overflows)
{
	struct msg getattr_req, walk_req, readlink_req, statfs_req, readdir_req;
	struct msg *const reqs[] = { &getattr_req, &readlink_req, &statfs_req, &readdir_req };
	unsigned int i;
	size_t cap, n;

	start();
	ck_errno(walk(ROOT, 2, NULL, "out", NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, NULL), 0);
	ck_errno(lopen(3, L_RDONLY | L_DIRECTORY, NULL, NULL), 0);
	m_init(&getattr_req, TGETATTR);
	m_u32(&getattr_req, ROOT);
	m_u64(&getattr_req, 0x7ff);
	m_init(&readlink_req, TREADLINK);
	m_u32(&readlink_req, 2);
	m_init(&statfs_req, TSTATFS);
	m_u32(&statfs_req, ROOT);
	m_init(&readdir_req, TREADDIR);
	m_u32(&readdir_req, 3);
	m_u64(&readdir_req, 0);
	m_u32(&readdir_req, 4096);

	/* Rgetattr is 160 bytes: every cap of 11..64 is ENOBUFS */
	for (cap = 11; cap <= 64; cap++)
		ck_errno(rpc_cap(&getattr_req, cap, NULL), ENOBUFS);
	ck_errno(rpc_cap(&getattr_req, 159, NULL), ENOBUFS);
	ck_errno(rpc_cap(&getattr_req, 160, NULL), 0);
	/* Rwalk of 3 names is 48 bytes (a new newfid each time: see small_cap_walk_no_fid) */
	for (cap = 11; cap <= 64; cap++) {
		m_init(&walk_req, TWALK);
		m_u32(&walk_req, ROOT);
		m_u32(&walk_req, 100 + cap);
		m_u16(&walk_req, 3);
		m_str(&walk_req, "sub");
		m_str(&walk_req, "deeper");
		m_str(&walk_req, "deep.txt");
		ck_errno(rpc_cap(&walk_req, cap, NULL), cap < 48 ? ENOBUFS : 0);
	}
	/* these, at every cap */
	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		m_fin(reqs[i]);
		for (cap = 0; cap <= 300; cap++) {
			n = handle_raw(reqs[i]->b, reqs[i]->len, cap);
			ck_assert_msg(cap < 11 ? !n : n >= 11, "type %u, cap %zu: %zu bytes",
				      reqs[i]->type, cap, n);
		}
	}
	ck_fds_match_fids();
}
END_TEST

/*
 * An Rwalk that does not fit the reply's room is Rlerror(ENOBUFS): the
 * guest sees a failed walk, so there must be no newfid.
 * (Each request that changes state checks first that its reply fits.)
 */
START_TEST(small_cap_walk_no_fid)
{
	struct msg w;
	struct attr a;

	start();
	m_init(&w, TWALK);
	m_u32(&w, ROOT);
	m_u32(&w, 2);
	m_u16(&w, 3);
	m_str(&w, "sub");
	m_str(&w, "deeper");
	m_str(&w, "deep.txt");
	ck_errno(rpc_cap(&w, 40, NULL), ENOBUFS);
	ck_assert_msg(p9__nr_fids(srv) == 1, "a failed Twalk made newfid (%u fids)",
		      p9__nr_fids(srv));
	ck_errno(getattr(2, &a), EBADF);
}
END_TEST

/* Rattach that does not fit: no fid made.  */
START_TEST(small_cap_attach_no_fid)
{
	struct msg req;

	ck_errno(version(8192, "9P2000.L", NULL, NULL, 0), 0);
	m_init(&req, TATTACH);
	m_u32(&req, ROOT);
	m_u32(&req, NOFID);
	m_str(&req, "root");
	m_str(&req, "");
	m_u32(&req, 0);
	ck_errno(rpc_cap(&req, 19, NULL), ENOBUFS);	/* Rattach is 20 */
	ck_assert_msg(p9__nr_fids(srv) == 0, "a failed Tattach made the fid");
	ck_errno(attach(ROOT, NULL), 0);
}
END_TEST

/* Rlopen that does not fit: the fid not opened.  */
START_TEST(small_cap_lopen_not_opened)
{
	struct msg req;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	m_init(&req, TLOPEN);
	m_u32(&req, 2);
	m_u32(&req, L_RDONLY);
	ck_errno(rpc_cap(&req, 23, NULL), ENOBUFS);	/* Rlopen is 24 */
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), 0);	/* not opened by the failed one */
}
END_TEST

/* Rwalk in place that does not fit: the fid stays where it was. */
START_TEST(small_cap_walk_in_place_unmoved)
{
	struct msg w;
	struct attr a;

	start();
	m_init(&w, TWALK);
	m_u32(&w, ROOT);
	m_u32(&w, ROOT);
	m_u16(&w, 2);
	m_str(&w, "sub");
	m_str(&w, "deeper");
	ck_errno(rpc_cap(&w, 30, NULL), ENOBUFS);	/* Rwalk of 2 is 35 */
	ck_errno(getattr(ROOT, &a), 0);
	ck_assert_msg(a.qid.path == ino_of("root"), "a failed Twalk moved the fid");
}
END_TEST

/* xorshift64*: the same garbage on every run */
static u64 rng;

static u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static u32 small_fid(void)
{
	return rnd() % 8 ? rnd() % 8 : (u32)rnd();
}

/* A message with a valid header and a body of garbage, or of something near to sense. */
static void garbage(struct msg *g)
{
	static const u8 types[] = {
		TVERSION, TATTACH, TATTACH, TWALK, TWALK, TWALK, TWALK, TGETATTR, TLOPEN,
		TLOPEN, TREAD, TREAD, TREADDIR, TREADDIR, TREADLINK, TSTATFS, TCLUNK,
		TFLUSH, TFSYNC, TXATTRWALK, TLCREATE, TWRITE, TAUTH, TSETATTR,
	};
	static const char *const names[] = {
		"hello.txt", "sub", "big", "..", "hardlink", "deeper", "deep.txt", ".", "out",
		"rel", "loop", "fifo", "sock", "nope", "", "a/b", "passwd",
	};
	static const u32 counts[] = { 0, 1, 24, 25, 100, 4096, 1u << 30, 0xffffffffu };
	u8 type = rnd() % 16 ? types[rnd() % ARRAY_SIZE(types)] : (u8)rnd();
	unsigned int i, n;

	if (type == TVERSION && rnd() % 16)
		type = TGETATTR;		/* rarely: it drops every fid */
	if (type == TREMOVE)
		type = TCLUNK;			/* see remove_clunks_fid */
	m_init(g, type);
	if (rnd() % 4 == 0) {
		for (n = rnd() % 64; n; n--)
			m_u8(g, rnd());
		m_fin(g);
		return;
	}
	switch (type) {
	case TVERSION:
		m_u32(g, rnd() % 2 ? 4096 + rnd() % 200000 : (u32)rnd());
		m_str(g, rnd() % 2 ? "9P2000.L" : "9P2000");
		break;
	case TATTACH:
		m_u32(g, small_fid());
		m_u32(g, rnd() % 4 ? NOFID : small_fid());
		m_str(g, "u");
		m_str(g, "");
		m_u32(g, 0);
		break;
	case TWALK:
		m_u32(g, small_fid());
		m_u32(g, small_fid());
		n = rnd() % 16 ? rnd() % 4 : rnd() % 20;
		m_u16(g, n);
		/* mostly names that are there */
		for (i = 0; i < n; i++)
			m_str(g, names[rnd() % (rnd() % 4 ? 5 : ARRAY_SIZE(names))]);
		break;
	case TLOPEN:
		m_u32(g, small_fid());
		m_u32(g, rnd() % 2 ? (rnd() % 2 ? L_RDONLY : L_DIRECTORY) : (u32)rnd());
		break;
	case TREAD:
	case TREADDIR:
		m_u32(g, small_fid());
		m_u64(g, rnd() % 2 ? rnd() % 400000 : rnd());
		m_u32(g, counts[rnd() % ARRAY_SIZE(counts)]);
		break;
	default:
		m_u32(g, small_fid());
		for (n = rnd() % 32; n; n--)
			m_u8(g, rnd());
		break;
	}
	/* cut short, or with junk after it */
	if (rnd() % 8 == 0)
		g->len = 7 + rnd() % (g->len - 6);
	else if (rnd() % 8 == 0)
		for (n = 1 + rnd() % 16; n; n--)
			m_u8(g, rnd());
	m_fin(g);
}

/*
 * The fids that @g, answered with the reply in resp (@n bytes), leaves
 * the server holding, from @fids before: what its answer says.
 */
static unsigned int fids_after(const struct msg *g, size_t n, unsigned int fids)
{
	size_t body = g->len - 7;
	u16 vlen;

	if (!n)
		return fids;		/* not served */
	switch (g->type) {
	case TVERSION:
		/* a Tversion that parses starts a new session, even if refused */
		if (body >= 6) {
			vlen = g->b[11] | g->b[12] << 8;
			if (body >= 6u + vlen)
				return 0;
		}
		return fids;
	case TATTACH:
		return resp[4] == TATTACH + 1 ? fids + 1 : fids;
	case TWALK:
		if (resp[4] != TWALK + 1)
			return fids;
		/* a full walk to another fid makes it */
		if (le32(g->b + 7) != le32(g->b + 11) &&
		    (resp[7] | resp[8] << 8) == (g->b[15] | g->b[16] << 8))
			return fids + 1;
		return fids;
	case TCLUNK:
		return resp[4] == TCLUNK + 1 ? fids - 1 : fids;
	default:
		return fids;
	}
}

/* Thousands of garbage messages: well-framed replies, and exactly the fids they told of. */
START_TEST(garbage_messages)
{
	unsigned int i, fids;
	struct msg g;
	size_t n;

	start();
	fids = 1;
	rng = 0x9e3779b97f4a7c15ULL;
	for (i = 0; i < 10000; i++) {
		garbage(&g);
		n = handle_raw(g.b, g.len, RESP_CAP);
		if (n) {
			ck_assert_msg(n >= 7 && le32(resp) == n, "message %u: reply of %zu bytes", i, n);
			ck_assert_uint_eq(resp[5] | resp[6] << 8, g.tag);
			ck_assert_msg(resp[4] == g.type + 1 || (resp[4] == RLERROR && n == 11),
				      "message %u (type %u): reply type %u", i, g.type, resp[4]);
		}
		ck_assert_msg(!resp_has_secret(), "message %u read the secret", i);
		fids = fids_after(&g, n, fids);
		ck_assert_msg(p9__nr_fids(srv) == fids, "message %u (type %u): %u fids, %u expected",
			      i, g.type, p9__nr_fids(srv), fids);
	}
	ck_fds_match_fids();
	ck_errno(version(8192, "9P2000.L", NULL, NULL, 0), 0);
	ck_assert_uint_eq(p9__nr_fids(srv), 0);
	ck_fds_match_fids();
}
END_TEST

/* The same with a random, often tiny, reply room: never a byte past it, no fd leaked. */
START_TEST(garbage_small_caps)
{
	struct msg g;
	unsigned int i;
	size_t n, cap;

	start();
	rng = 0x123456789abcdefULL;
	for (i = 0; i < 6000; i++) {
		garbage(&g);
		cap = rnd() % 4 ? rnd() % 200 : RESP_CAP;
		n = handle_raw(g.b, g.len, cap);
		ck_assert_msg(!n || (n >= 7 && le32(resp) == n), "message %u: %zu bytes", i, n);
		ck_assert_msg(!n || resp[4] == g.type + 1 || (resp[4] == RLERROR && n == 11),
			      "message %u (type %u): reply type %u", i, g.type, resp[4]);
	}
	ck_fds_match_fids();
	ck_errno(version(8192, "9P2000.L", NULL, NULL, 0), 0);
	ck_fds_match_fids();
}
END_TEST

/* ---- 13: the fid limit ----------------------------------------------------------- */

/*
 * P9_MAX_FIDS fids and no more (if the test may hold that many fds; else
 * the fd limit, lowered to 256, comes first): EMFILE, and nothing else lost.
 */
START_TEST(fid_limit)
{
	struct rlimit rl = { P9_MAX_FIDS + 256, P9_MAX_FIDS + 256 };
	bool full = !setrlimit(RLIMIT_NOFILE, &rl);
	struct msg w;
	u32 i;
	int e;

	if (!full) {
		ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
		rl.rlim_cur = 256;
		ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	}
	start();
	for (i = 2; i <= P9_MAX_FIDS + 1; i++) {
		m_init(&w, TWALK);
		m_u32(&w, ROOT);
		m_u32(&w, i);
		m_u16(&w, 0);
		e = rpc_cap(&w, 64, NULL);
		if (e) {
			ck_assert_int_eq(e, EMFILE);
			break;
		}
	}
	ck_assert_uint_le(i, P9_MAX_FIDS + 1);
	ck_assert_uint_eq(p9__nr_fids(srv), i - 1);
	if (full) {
		ck_assert_uint_eq(p9__nr_fids(srv), P9_MAX_FIDS);
		ck_errno(walk(ROOT, ROOT, NULL, "sub", NULL), 0);	/* in place: no new fid */
		ck_errno(walk(ROOT, ROOT, NULL, "..", NULL), 0);
	}
	ck_errno(rpc_cap(&w, 64, NULL), EMFILE);
	ck_errno(attach(NOFID - 1, NULL), EMFILE);
	ck_errno(walk(ROOT, NOFID - 1, NULL, "hello.txt", NULL), EMFILE);
	ck_assert_uint_eq(p9__nr_fids(srv), i - 1);
	/* two fids clunked (a walk holds two fds at a time), one can be made again */
	ck_errno(clunk(2), 0);
	ck_errno(clunk(3), 0);
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), 0);
	ck_assert_uint_eq(p9__nr_fids(srv), i - 2);
	ck_fds_match_fids();
	ck_errno(version(8192, "9P2000.L", NULL, NULL, 0), 0);
	ck_assert_uint_eq(p9__nr_fids(srv), 0);
	ck_fds_match_fids();
}
END_TEST

/* ---- 13: a read-write share ----------------------------------------------------- */

/* Tsetattr's valid bits (Linux's include/net/9p/9p.h) */
#define A_MODE		0x001
#define A_UID		0x002
#define A_GID		0x004
#define A_SIZE		0x008
#define A_ATIME		0x010
#define A_MTIME		0x020
#define A_ATIME_SET	0x080
#define A_MTIME_SET	0x100

#define AT_REMOVEDIR_9P	0x200	/* Tunlinkat's flag */
#define PL_RD		0
#define PL_WR		1
#define PL_UN		2
#define PL_SUCCESS	0
#define PL_BLOCKED	1

static bool exists(const char *rel)
{
	struct stat st;

	return !lstat(at(rel), &st);
}

/* @rel's content into @buf (NUL-terminated): its length. */
static size_t host_read(const char *rel, char *buf, size_t cap)
{
	int fd = open(at(rel), O_RDONLY | O_CLOEXEC);
	ssize_t n;

	ck_assert_msg(fd >= 0, "%s: %s", rel, strerror(errno));
	n = read(fd, buf, cap - 1);
	ck_assert_int_ge(n, 0);
	close(fd);
	buf[n] = 0;
	return n;
}

#define ck_host_content(rel, want)					\
	do {								\
		char __buf[512];					\
		size_t __n = host_read(rel, __buf, sizeof(__buf));	\
		ck_assert_msg(__n == strlen(want) && !memcmp(__buf, want, __n), \
			      "%s holds \"%s\", want \"%s\"", rel, __buf, want); \
	} while (0)

/* Builders of requests into @b, for rpc() or rpc_cap(); names may be any bytes. */
static void b_lcreate(struct msg *b, u32 fid, const char *name, size_t nlen, u32 flags,
		      u32 mode)
{
	m_init(b, TLCREATE);		/* fid name flags mode gid */
	m_u32(b, fid);
	m_strn(b, name, nlen);
	m_u32(b, flags);
	m_u32(b, mode);
	m_u32(b, 0);
}

static void b_mkdir(struct msg *b, u32 dfid, const char *name, size_t nlen, u32 mode)
{
	m_init(b, TMKDIR);		/* dfid name mode gid */
	m_u32(b, dfid);
	m_strn(b, name, nlen);
	m_u32(b, mode);
	m_u32(b, 0);
}

static void b_symlink(struct msg *b, u32 dfid, const char *name, size_t nlen,
		      const char *target, size_t tlen)
{
	m_init(b, TSYMLINK);		/* dfid name target gid */
	m_u32(b, dfid);
	m_strn(b, name, nlen);
	m_strn(b, target, tlen);
	m_u32(b, 0);
}

static void b_link(struct msg *b, u32 dfid, u32 fid, const char *name, size_t nlen)
{
	m_init(b, TLINK);		/* dfid fid name */
	m_u32(b, dfid);
	m_u32(b, fid);
	m_strn(b, name, nlen);
}

static void b_rename(struct msg *b, u32 fid, u32 dfid, const char *name, size_t nlen)
{
	m_init(b, TRENAME);		/* fid dfid name */
	m_u32(b, fid);
	m_u32(b, dfid);
	m_strn(b, name, nlen);
}

static void b_renameat(struct msg *b, u32 odfid, const char *oname, size_t olen, u32 ndfid,
		       const char *nname, size_t nlen)
{
	m_init(b, TRENAMEAT);		/* olddirfid oldname newdirfid newname */
	m_u32(b, odfid);
	m_strn(b, oname, olen);
	m_u32(b, ndfid);
	m_strn(b, nname, nlen);
}

static void b_unlinkat(struct msg *b, u32 dfid, const char *name, size_t nlen, u32 flags)
{
	m_init(b, TUNLINKAT);		/* dirfid name flags */
	m_u32(b, dfid);
	m_strn(b, name, nlen);
	m_u32(b, flags);
}

static void b_write(struct msg *b, u32 fid, u64 offset, const void *data, u32 len)
{
	m_init(b, TWRITE);		/* fid offset count data */
	m_u32(b, fid);
	m_u64(b, offset);
	m_u32(b, len);
	ck_assert_uint_le(b->len + len, sizeof(b->b));
	memcpy(b->b + b->len, data, len);
	b->len += len;
}

struct sattr {
	u32	valid, mode, uid, gid;
	u64	size, at_s, at_ns, mt_s, mt_ns;
};

static void b_setattr(struct msg *b, u32 fid, const struct sattr *a)
{
	m_init(b, TSETATTR);		/* fid valid mode uid gid size atime mtime */
	m_u32(b, fid);
	m_u32(b, a->valid);
	m_u32(b, a->mode);
	m_u32(b, a->uid);
	m_u32(b, a->gid);
	m_u64(b, a->size);
	m_u64(b, a->at_s);
	m_u64(b, a->at_ns);
	m_u64(b, a->mt_s);
	m_u64(b, a->mt_ns);
}

static void b_lock(struct msg *b, u32 fid, u8 type, u64 start, u64 len)
{
	m_init(b, TLOCK);		/* fid type flags start length proc_id client_id */
	m_u32(b, fid);
	m_u8(b, type);
	m_u32(b, 0);
	m_u64(b, start);
	m_u64(b, len);
	m_u32(b, 42);
	m_str(b, "guest");
}

/* The request in m answered with a qid (Rmkdir, Rsymlink) or nothing more. */
static int rpc_qid(struct qid *q)
{
	struct reply r;
	struct qid got;
	int e = rpc(&m, &r);

	if (e)
		return e;
	got = r_qid(&r);
	r_end(&r);
	if (q)
		*q = got;
	return 0;
}

static int rpc_empty(void)
{
	struct reply r;
	int e = rpc(&m, &r);

	if (!e)
		r_end(&r);
	return e;
}

static int lcreate(u32 fid, const char *name, u32 flags, u32 mode, struct qid *q, u32 *iounit)
{
	struct reply r;
	struct qid got;
	u32 io;
	int e;

	b_lcreate(&m, fid, name, strlen(name), flags, mode);
	e = rpc(&m, &r);
	if (e)
		return e;
	got = r_qid(&r);
	io = r_u32(&r);
	r_end(&r);
	if (q)
		*q = got;
	if (iounit)
		*iounit = io;
	return 0;
}

static int mkdir9(u32 dfid, const char *name, u32 mode, struct qid *q)
{
	b_mkdir(&m, dfid, name, strlen(name), mode);
	return rpc_qid(q);
}

static int symlink9(u32 dfid, const char *name, const char *target, struct qid *q)
{
	b_symlink(&m, dfid, name, strlen(name), target, strlen(target));
	return rpc_qid(q);
}

static int link9(u32 dfid, u32 fid, const char *name)
{
	b_link(&m, dfid, fid, name, strlen(name));
	return rpc_empty();
}

static int rename9(u32 fid, u32 dfid, const char *name)
{
	b_rename(&m, fid, dfid, name, strlen(name));
	return rpc_empty();
}

static int renameat9(u32 odfid, const char *oname, u32 ndfid, const char *nname)
{
	b_renameat(&m, odfid, oname, strlen(oname), ndfid, nname, strlen(nname));
	return rpc_empty();
}

static int unlinkat9(u32 dfid, const char *name, u32 flags)
{
	b_unlinkat(&m, dfid, name, strlen(name), flags);
	return rpc_empty();
}

static int remove9(u32 fid)
{
	m_init(&m, TREMOVE);
	m_u32(&m, fid);
	return rpc_empty();
}

static int write9(u32 fid, u64 offset, const void *data, u32 len, u32 *got)
{
	struct reply r;
	u32 n;
	int e;

	b_write(&m, fid, offset, data, len);
	e = rpc(&m, &r);
	if (e)
		return e;
	n = r_u32(&r);
	r_end(&r);
	ck_assert_uint_le(n, len);
	if (got)
		*got = n;
	return 0;
}

static int setattr9(u32 fid, const struct sattr *a)
{
	b_setattr(&m, fid, a);
	return rpc_empty();
}

/* Tsetattr changing nothing: 0 when @fid's path still leads to its file. */
static int path_ok(u32 fid)
{
	return setattr9(fid, &(struct sattr){ 0 });
}

static int fsync9(u32 fid)
{
	m_init(&m, TFSYNC);
	m_u32(&m, fid);
	m_u32(&m, 0);
	return rpc_empty();
}

/* Tlock: the status in @status. */
static int lock9(u32 fid, u8 type, u64 start, u64 len, u8 *status)
{
	struct reply r;
	int e;

	b_lock(&m, fid, type, start, len);
	e = rpc(&m, &r);
	if (e)
		return e;
	*status = r_u8(&r);
	r_end(&r);
	return 0;
}

/* Tgetlock: the lock in the way (or the request with UNLCK) in @type, @start, @len. */
static int getlock9(u32 fid, u8 want, u64 start, u64 len, u8 *type, u64 *gstart, u64 *glen)
{
	struct reply r;
	char client[64];
	int e;

	m_init(&m, TGETLOCK);		/* fid type start length proc_id client_id */
	m_u32(&m, fid);
	m_u8(&m, want);
	m_u64(&m, start);
	m_u64(&m, len);
	m_u32(&m, 42);
	m_str(&m, "guest");
	e = rpc(&m, &r);
	if (e)
		return e;
	*type = r_u8(&r);
	*gstart = r_u64(&r);
	*glen = r_u64(&r);
	r_u32(&r);
	r_str(&r, client, sizeof(client));
	ck_assert_str_eq(client, "guest");
	r_end(&r);
	return 0;
}

/* The lock on @rel in the way of a write lock of [start, start + len), as the host sees it. */
static short host_lock(const char *rel, off_t start, off_t len)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start,
			    .l_len = len };
	int fd = open(at(rel), O_RDWR | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_OFD_GETLK, &fl), 0);
	close(fd);
	return fl.l_type;
}

/*
 * This process without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (the
 * tests run as root): file modes bind as they do for the user a vmm runs as.
 */
static void drop_dac_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	ck_assert_int_eq(syscall(SYS_capget, &h, d), 0);
	d[0].effective &= ~(1u << CAP_DAC_OVERRIDE | 1u << CAP_DAC_READ_SEARCH);
	ck_assert_int_eq(syscall(SYS_capset, &h, d), 0);
}

/*
 * Tlcreate makes the file with the guest's mode exactly (no umask, never
 * setuid, setgid or sticky) and opens the fid on it; over an existing file
 * EEXIST with O_EXCL, else the file opened (truncated if asked).
 */
START_TEST(rw_lcreate_file)
{
	struct stat st;
	struct attr a;
	struct qid q;
	u32 iounit, got;
	u8 data[16];

	start();
	ck_errno(walk(ROOT, 2, NULL, NULL), 0);
	ck_errno(lcreate(2, "new", L_RDWR | L_CREATE, 0666, &q, &iounit), 0);
	st = lstat_of("root/new");
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0666);
	ck_assert_uint_eq(st.st_size, 0);
	ck_assert_uint_eq(q.type, 0);
	ck_assert_uint_eq(q.path, st.st_ino);
	ck_assert_uint_eq(iounit, P9_MAX_MSIZE - IOHDR);
	/* the fid is the new file's, open for reading and writing */
	ck_errno(write9(2, 0, "abc", 3, &got), 0);
	ck_assert_uint_eq(got, 3);
	ck_host_content("root/new", "abc");
	ck_errno(read9(2, 1, 10, data, &got), 0);
	ck_assert_uint_eq(got, 2);
	ck_assert(!memcmp(data, "bc", 2));
	ck_errno(getattr(2, &a), 0);
	ck_assert_uint_eq(a.qid.path, st.st_ino);
	ck_errno(walk(2, 3, NULL, NULL), EBADF);
	ck_errno(lcreate(2, "again", L_RDWR | L_CREATE, 0644, NULL, NULL), EBADF);

	/* O_EXCL over it: EEXIST, and the fid stays the directory's, not open */
	ck_errno(walk(ROOT, 3, NULL, NULL), 0);
	ck_errno(lcreate(3, "new", L_RDWR | L_CREATE | L_EXCL, 0600, NULL, NULL), EEXIST);
	ck_errno(walk(3, 4, NULL, "sub", NULL), 0);
	ck_host_content("root/new", "abc");
	/* without: opened, truncated as asked, its mode kept */
	ck_errno(lcreate(3, "new", L_WRONLY | L_CREATE | L_TRUNC, 0600, &q, NULL), 0);
	ck_assert_uint_eq(q.path, st.st_ino);
	ck_assert_uint_eq(lstat_of("root/new").st_size, 0);
	ck_assert_uint_eq(lstat_of("root/new").st_mode & 07777, 0666);
	ck_errno(write9(3, 0, "xyz\n", 4, &got), 0);
	ck_host_content("root/new", "xyz\n");

	/* setuid, setgid and sticky never set; a mode below the vmm's umask kept */
	ck_errno(lcreate(4, "suid", L_RDWR | L_CREATE, 06777, NULL, NULL), 0);
	ck_assert_uint_eq(lstat_of("root/sub/suid").st_mode & 07777, 0777);
	ck_errno(walk(ROOT, 5, NULL, NULL), 0);
	ck_errno(lcreate(5, "sticky", L_RDWR | L_CREATE, 01600, NULL, NULL), 0);
	ck_assert_uint_eq(lstat_of("root/sticky").st_mode & 07777, 0600);

	/* not below a file, with O_NOACCESS, or through an unknown fid */
	ck_errno(walk(ROOT, 6, NULL, "hello.txt", NULL), 0);
	ck_errno(lcreate(6, "x", L_RDWR | L_CREATE, 0644, NULL, NULL), ENOTDIR);
	ck_errno(walk(ROOT, 7, NULL, NULL), 0);
	ck_errno(lcreate(7, "x", L_NOACCESS | L_CREATE, 0644, NULL, NULL), EINVAL);
	ck_errno(lcreate(99, "x", L_RDWR | L_CREATE, 0644, NULL, NULL), EBADF);
	ck_assert(!exists("root/x"));
	ck_errno(walk(7, 8, NULL, "sub", NULL), 0);	/* fid 7 not opened */
	ck_fds_match_fids();
}
END_TEST

/*
 * Names that already are symlinks, one leading outside, one dangling to a
 * file outside that a followed create would make: never followed, by any
 * request that makes a name; nothing in the tree changes.
 */
START_TEST(rw_create_over_symlinks)
{
	static const char *const names[] = { "out", "dangle", "sec" };
	static const u32 flags[] = {
		L_RDWR | L_CREATE, L_RDWR | L_CREATE | L_EXCL, L_WRONLY | L_CREATE | L_TRUNC,
		L_WRONLY | L_CREATE | L_APPEND, L_RDONLY | L_CREATE,
	};
	char *before, *after;
	unsigned int i, j;
	int e;

	ck_assert_int_eq(symlink("../made_outside", at("root/dangle")), 0);
	ck_assert_int_eq(symlink("../secret.txt", at("root/sec")), 0);
	start();
	ck_errno(walk(ROOT, 2, NULL, NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, "hello.txt", NULL), 0);
	before = snapshot();
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		for (j = 0; j < ARRAY_SIZE(flags); j++) {
			e = lcreate(2, names[i], flags[j], 0666, NULL, NULL);
			ck_assert_msg(e == ELOOP || e == EEXIST, "Tlcreate of %s, flags 0%o: %d",
				      names[i], flags[j], e);
		}
		ck_errno(mkdir9(ROOT, names[i], 0755, NULL), EEXIST);
		ck_errno(symlink9(ROOT, names[i], "/tmp", NULL), EEXIST);
		ck_errno(link9(ROOT, 3, names[i]), EEXIST);
	}
	after = snapshot();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	ck_assert(!exists("made_outside"));
	ck_host_content("secret.txt", SECRET);
	ck_errno(walk(2, 4, NULL, "sub", NULL), 0);	/* fid 2 never opened */
	ck_fds_match_fids();
}
END_TEST

/* Tlcreate without O_EXCL of a FIFO, socket, directory or symlink: refused, never opened. */
START_TEST(rw_lcreate_existing_special)
{
	static const struct { const char *name; int e; } cases[] = {
		{ "fifo", EACCES }, { "sock", EACCES }, { "sub", EISDIR }, { "loop", ELOOP },
		{ "out", ELOOP },
	};
	char *before, *after;
	unsigned int i;

	start();
	ck_errno(walk(ROOT, 2, NULL, NULL), 0);
	before = snapshot();
	alarm(1);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_errno(lcreate(2, cases[i].name, L_RDWR | L_CREATE, 0644, NULL, NULL),
			 cases[i].e);
		ck_errno(lcreate(2, cases[i].name, L_RDONLY | L_CREATE | L_TRUNC, 0644, NULL,
				 NULL), cases[i].e);
	}
	alarm(0);
	after = snapshot();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	ck_errno(walk(2, 3, NULL, "sub", NULL), 0);
	ck_fds_match_fids();
}
END_TEST

/* "." "..", a path, "", a NUL, 256 bytes: refused by every request that names, nothing made. */
START_TEST(rw_bad_names)
{
	static const struct { const char *name; size_t len; int e; } bad[] = {
		{ ".", 1, EINVAL }, { "..", 2, EINVAL }, { "a/b", 3, EINVAL },
		{ "sub/x", 5, EINVAL }, { "", 0, EINVAL }, { "a\0b", 3, EINVAL },
		{ "\0", 1, EINVAL }, { "/", 1, EINVAL }, { NULL, 256, ENAMETOOLONG },
		{ NULL, 1000, ENAMETOOLONG },
	};
	char longname[1001], path[400], *before, *after;
	struct stat st;
	unsigned int i, k;
	const char *n;
	size_t len;
	int e;

	memset(longname, 'a', sizeof(longname));
	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, NULL), 0);
	before = snapshot();
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		n = bad[i].name ? bad[i].name : longname;
		len = bad[i].len;
		for (k = 0; k < 9; k++) {
			switch (k) {
			case 0: b_lcreate(&m, 3, n, len, L_RDWR | L_CREATE, 0644); break;
			case 1: b_mkdir(&m, ROOT, n, len, 0755); break;
			case 2: b_symlink(&m, ROOT, n, len, "hello.txt", 9); break;
			case 3: b_link(&m, ROOT, 2, n, len); break;
			case 4: b_rename(&m, 2, ROOT, n, len); break;
			case 5: b_renameat(&m, ROOT, "hello.txt", 9, ROOT, n, len); break;
			case 6: b_renameat(&m, ROOT, n, len, ROOT, "renamed", 7); break;
			case 7: b_unlinkat(&m, ROOT, n, len, 0); break;
			case 8: b_unlinkat(&m, ROOT, n, len, AT_REMOVEDIR_9P); break;
			}
			e = rpc(&m, NULL);
			ck_assert_msg(e == bad[i].e, "name %u, request %u: %d, want %d",
				      i, k, e, bad[i].e);
		}
	}
	after = snapshot();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	/* 255 bytes is a name */
	b_mkdir(&m, ROOT, longname, 255, 0755);
	ck_errno(rpc(&m, NULL), 0);
	snprintf(path, sizeof(path), "%s/root/%.255s", dir, longname);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_errno(walk(3, 4, NULL, "sub", NULL), 0);	/* fid 3 not opened */
	ck_fds_match_fids();
}
END_TEST

/* Twrite lands in the host's file; refused on a fid not open for writing, or that lies. */
START_TEST(rw_write)
{
	char want[128], buf[128];
	u32 got;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(2, L_RDWR, NULL, NULL), 0);
	ck_errno(write9(2, 7, "9P", 2, &got), 0);
	ck_assert_uint_eq(got, 2);
	ck_host_content("root/hello.txt", "Hello, 9P world!\n");
	ck_host_content("root/hardlink", "Hello, 9P world!\n");
	/* past the end: a hole of zeros */
	ck_errno(write9(2, 40, "end", 3, &got), 0);
	ck_assert_uint_eq(lstat_of("root/hello.txt").st_size, 43);
	memset(want, 0, sizeof(want));
	memcpy(want, "Hello, 9P world!\n", 17);
	memcpy(want + 40, "end", 3);
	ck_assert_uint_eq(host_read("root/hello.txt", buf, sizeof(buf)), 43);
	ck_assert(!memcmp(buf, want, 43));
	ck_errno(write9(2, 0, "", 0, &got), 0);
	ck_assert_uint_eq(got, 0);

	/* a count beyond the message, an offset beyond INT64_MAX: EINVAL */
	b_write(&m, 2, 0, "XXXX", 4);
	m.b[7 + 4 + 8] = 5;		/* count 5, 4 bytes sent */
	ck_errno(rpc(&m, NULL), EINVAL);
	b_write(&m, 2, 0, "XXXX", 4);
	m.b[7 + 4 + 8 + 3] = 0xff;	/* count 0xff000004 */
	ck_errno(rpc(&m, NULL), EINVAL);
	ck_errno(write9(2, 1ULL << 63, "XXXX", 4, NULL), EINVAL);
	ck_errno(write9(2, ~0ULL, "XXXX", 4, NULL), EINVAL);

	/* a fid not open, open read-only, a directory, none */
	ck_errno(walk(ROOT, 3, NULL, "hello.txt", NULL), 0);
	ck_errno(write9(3, 0, "XXXX", 4, NULL), EBADF);
	ck_errno(lopen(3, L_RDONLY, NULL, NULL), 0);
	ck_errno(write9(3, 0, "XXXX", 4, NULL), EBADF);
	ck_errno(walk(ROOT, 4, NULL, NULL), 0);
	ck_errno(lcreate(4, "ro-new", L_RDONLY | L_CREATE, 0644, NULL, NULL), 0);
	ck_errno(write9(4, 0, "XXXX", 4, NULL), EBADF);
	ck_assert_uint_eq(lstat_of("root/ro-new").st_size, 0);
	/* (its size is set all the same, through a file opened for it) */
	ck_errno(setattr9(4, &(struct sattr){ .valid = A_SIZE, .size = 3 }), 0);
	ck_assert_uint_eq(lstat_of("root/ro-new").st_size, 3);
	ck_errno(walk(ROOT, 5, NULL, "sub", NULL), 0);
	ck_errno(lopen(5, L_RDONLY | L_DIRECTORY, NULL, NULL), 0);
	ck_errno(write9(5, 0, "XXXX", 4, NULL), EBADF);
	ck_errno(write9(99, 0, "XXXX", 4, NULL), EBADF);
	ck_assert_uint_eq(host_read("root/hello.txt", buf, sizeof(buf)), 43);
	ck_assert(!memcmp(buf, want, 43));
	ck_fds_match_fids();
}
END_TEST

/* Tlopen's O_TRUNC truncates, O_APPEND appends; a directory is not opened for writing. */
START_TEST(rw_lopen_trunc_append)
{
	u32 got;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(2, L_WRONLY | L_TRUNC, NULL, NULL), 0);
	ck_assert_uint_eq(lstat_of("root/hello.txt").st_size, 0);
	ck_errno(write9(2, 0, "one\n", 4, &got), 0);
	ck_errno(walk(ROOT, 3, NULL, "hardlink", NULL), 0);
	ck_errno(lopen(3, L_WRONLY | L_APPEND, NULL, NULL), 0);
	ck_errno(write9(3, 0, "two\n", 4, &got), 0);	/* the offset is not where it goes */
	ck_assert_uint_eq(got, 4);
	ck_host_content("root/hello.txt", "one\ntwo\n");
	/* a directory: EISDIR, and it stays walkable (not opened) */
	ck_errno(walk(ROOT, 4, NULL, "sub", NULL), 0);
	ck_errno(lopen(4, L_RDWR, NULL, NULL), EISDIR);
	ck_errno(lopen(4, L_RDONLY | L_TRUNC, NULL, NULL), EISDIR);
	ck_errno(walk(4, 5, NULL, "deeper", NULL), 0);
	/* nor a FIFO, without blocking */
	ck_errno(walk(ROOT, 6, NULL, "fifo", NULL), 0);
	alarm(1);
	ck_errno(lopen(6, L_WRONLY, NULL, NULL), EACCES);
	alarm(0);
	ck_fds_match_fids();
}
END_TEST

/* Tmkdir: the guest's mode but setuid and setgid (sticky kept), its qid; EEXIST, ENOTDIR. */
START_TEST(rw_mkdir)
{
	struct stat st;
	struct qid q;

	start();
	ck_errno(mkdir9(ROOT, "d", 0750, &q), 0);
	st = lstat_of("root/d");
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0750);
	ck_assert_uint_eq(q.type, QT_DIR);
	ck_assert_uint_eq(q.path, st.st_ino);
	ck_errno(mkdir9(ROOT, "wide", 06777, NULL), 0);
	ck_assert_uint_eq(lstat_of("root/wide").st_mode & 07777, 0777);
	ck_errno(mkdir9(ROOT, "tmp", 07777, NULL), 0);
	ck_assert_uint_eq(lstat_of("root/tmp").st_mode & 07777, 01777);
	ck_errno(mkdir9(ROOT, "d", 0755, NULL), EEXIST);
	ck_errno(mkdir9(ROOT, "hello.txt", 0755, NULL), EEXIST);
	ck_assert(S_ISREG(lstat_of("root/hello.txt").st_mode));
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(mkdir9(2, "x", 0755, NULL), ENOTDIR);
	ck_errno(mkdir9(99, "x", 0755, NULL), EBADF);
	ck_assert(!exists("root/x"));
	/* and below it, through a fid walked to it */
	ck_errno(walk(ROOT, 3, NULL, "d", NULL), 0);
	ck_errno(mkdir9(3, "e", 0700, NULL), 0);
	ck_assert(S_ISDIR(lstat_of("root/d/e").st_mode));
	ck_errno(lcreate(3, "f", L_RDWR | L_CREATE, 0600, NULL, NULL), 0);
	ck_assert(S_ISREG(lstat_of("root/d/f").st_mode));
	ck_fds_match_fids();
}
END_TEST

/*
 * Tmkdir with a mode without the owner's read bit (0300) makes the
 * directory and says so: the server must not need to open it for reading
 * to set its mode and stat it (it once did, and answered EACCES for a
 * directory it had made).  As root the test drops CAP_DAC_OVERRIDE.
 */
START_TEST(rw_mkdir_unreadable_mode)
{
	int e;

	drop_dac_caps();
	start();
	e = mkdir9(ROOT, "private", 0300, NULL);
	ck_assert_msg(exists("root/private"), "Tmkdir: %d, no directory", e);
	ck_assert_uint_eq(lstat_of("root/private").st_mode & 07777, 0300);
	ck_assert_msg(e == 0, "Tmkdir made root/private but answered %d (%s)", e, strerror(e));
	ck_fds_match_fids();
}
END_TEST

/* Tsymlink: the target as text, never followed; its qid; bad targets refused. */
START_TEST(rw_symlink)
{
	char target[4097], buf[4200];
	struct stat st;
	struct qid q;
	ssize_t n;

	start();
	ck_errno(symlink9(ROOT, "l", "/etc/passwd", &q), 0);
	st = lstat_of("root/l");
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_uint_eq(q.type, QT_SYMLINK);
	ck_assert_uint_eq(q.path, st.st_ino);
	n = readlink(at("root/l"), buf, sizeof(buf));
	ck_assert_int_eq(n, 11);
	ck_assert(!memcmp(buf, "/etc/passwd", 11));
	ck_errno(walk(ROOT, 2, NULL, "l", NULL), 0);
	ck_errno(readlink9(2, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/etc/passwd");
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), ELOOP);
	ck_errno(symlink9(ROOT, "l", "elsewhere", NULL), EEXIST);
	ck_errno(symlink9(ROOT, "sub", "elsewhere", NULL), EEXIST);
	ck_errno(symlink9(2, "x", "elsewhere", NULL), ENOTDIR);
	ck_errno(symlink9(99, "x", "elsewhere", NULL), EBADF);
	/* an empty target, one with a NUL, one of 4096 bytes */
	ck_errno(symlink9(ROOT, "x", "", NULL), EINVAL);
	b_symlink(&m, ROOT, "x", 1, "a\0b", 3);
	ck_errno(rpc(&m, NULL), EINVAL);
	memset(target, 'a', sizeof(target));
	b_symlink(&m, ROOT, "x", 1, target, 4096);
	ck_errno(rpc(&m, NULL), ENAMETOOLONG);
	ck_assert(!exists("root/x"));
	b_symlink(&m, ROOT, "x", 1, target, 4095);
	ck_errno(rpc(&m, NULL), 0);
	ck_assert_int_eq(readlink(at("root/x"), buf, sizeof(buf)), 4095);
	ck_fds_match_fids();
}
END_TEST

/* Tlink: a file's new name (its link count up); never the root, a directory or an old name. */
START_TEST(rw_link)
{
	u64 ino = ino_of("root/hello.txt");
	struct stat st;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(link9(ROOT, 2, "hl2"), 0);
	st = lstat_of("root/hl2");
	ck_assert_uint_eq(st.st_ino, ino);
	ck_assert_uint_eq(st.st_nlink, 3);
	ck_errno(walk(ROOT, 3, NULL, "sub", NULL), 0);
	ck_errno(link9(3, 2, "hl3"), 0);
	ck_assert_uint_eq(ino_of("root/sub/hl3"), ino);
	ck_assert_uint_eq(lstat_of("root/hello.txt").st_nlink, 4);
	/* an open fid's file too */
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), 0);
	ck_errno(link9(ROOT, 2, "hl4"), 0);
	ck_assert_uint_eq(ino_of("root/hl4"), ino);
	/* a symlink: the link itself */
	ck_errno(walk(ROOT, 4, NULL, "out", NULL), 0);
	ck_errno(link9(ROOT, 4, "out2"), 0);
	ck_assert(S_ISLNK(lstat_of("root/out2").st_mode));
	ck_assert_uint_eq(ino_of("root/out2"), ino_of("root/out"));
	/* the root, a directory, a name in use, a file for a directory, no fid */
	ck_errno(link9(ROOT, ROOT, "rootlink"), EBUSY);
	ck_errno(link9(3, ROOT, "rootlink"), EBUSY);
	ck_errno(link9(ROOT, 3, "sublink"), EPERM);
	ck_errno(link9(ROOT, 2, "hardlink"), EEXIST);
	ck_errno(link9(2, 2, "x"), ENOTDIR);
	ck_errno(link9(ROOT, 99, "x"), EBADF);
	ck_errno(link9(99, 2, "x"), EBADF);
	ck_assert(!exists("root/rootlink") && !exists("root/sub/rootlink"));
	ck_assert(!exists("root/sublink") && !exists("root/x"));
	ck_assert_uint_eq(lstat_of("root/hello.txt").st_nlink, 5);
	ck_fds_match_fids();
}
END_TEST

/* Tmknod is EPERM whatever it asks for; Tfsync syncs an open fid and is 0 for another. */
START_TEST(rw_mknod_fsync)
{
	static const u32 modes[] = { S_IFIFO | 0644, S_IFSOCK | 0644, S_IFCHR | 0666,
				     S_IFBLK | 0666, S_IFREG | 0644 };
	unsigned int i;
	u32 got;

	start();
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		m_init(&m, TMKNOD);		/* dfid name mode major minor gid */
		m_u32(&m, ROOT);
		m_str(&m, "node");
		m_u32(&m, modes[i]);
		m_u32(&m, 1);
		m_u32(&m, 3);
		m_u32(&m, 0);
		ck_errno(rpc(&m, NULL), EPERM);
		ck_assert(!exists("root/node"));
	}
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(fsync9(2), 0);
	ck_errno(lopen(2, L_RDWR, NULL, NULL), 0);
	ck_errno(write9(2, 0, "J", 1, &got), 0);
	ck_errno(fsync9(2), 0);
	m_init(&m, TFSYNC);
	m_u32(&m, 2);
	m_u32(&m, 1);			/* datasync */
	ck_errno(rpc_empty(), 0);
	ck_errno(fsync9(99), EBADF);
	ck_host_content("root/hello.txt", "Jello, 9p world!\n");
	ck_fds_match_fids();
}
END_TEST

/*
 * Trenameat and Trename move names in the host's tree; a symlink in the
 * way is replaced, not followed.
 */
START_TEST(rw_rename)
{
	u64 hello = ino_of("root/hello.txt");
	struct stat st;
	u8 data[64];
	u32 got;

	start();
	ck_errno(walk(ROOT, 2, NULL, "sub", NULL), 0);
	ck_errno(renameat9(ROOT, "hello.txt", 2, "moved.txt"), 0);
	ck_assert(!exists("root/hello.txt"));
	ck_assert_uint_eq(ino_of("root/sub/moved.txt"), hello);
	/* onto the symlink to /etc: the link goes, /etc stays */
	ck_errno(renameat9(ROOT, "big", ROOT, "out"), 0);
	st = lstat_of("root/out");
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_size, BIG_SIZE);
	ck_assert_int_eq(lstat("/etc", &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	/* Trename of a fid's file: the fid follows */
	ck_errno(walk(2, 3, NULL, "moved.txt", NULL), 0);
	ck_errno(rename9(3, ROOT, "back.txt"), 0);
	ck_assert(!exists("root/sub/moved.txt"));
	ck_assert_uint_eq(ino_of("root/back.txt"), hello);
	ck_errno(lopen(3, L_RDONLY, NULL, NULL), 0);
	ck_errno(read9(3, 0, sizeof(data), data, &got), 0);
	ck_assert_uint_eq(got, strlen(HELLO));
	/* a directory across directories */
	ck_errno(walk(ROOT, 4, NULL, "sub", "deeper", NULL), 0);
	ck_errno(renameat9(ROOT, "sub", ROOT, "sub2"), 0);
	ck_assert(S_ISDIR(lstat_of("root/sub2/deeper").st_mode));
	/* failures: no such name, a file for a directory, no fid; nothing moved */
	ck_errno(renameat9(ROOT, "nope", ROOT, "x"), ENOENT);
	ck_errno(renameat9(3, "x", ROOT, "y"), ENOTDIR);
	ck_errno(renameat9(ROOT, "back.txt", 3, "y"), ENOTDIR);
	ck_errno(renameat9(99, "back.txt", ROOT, "y"), EBADF);
	ck_errno(renameat9(ROOT, "back.txt", 99, "y"), EBADF);
	ck_errno(rename9(99, ROOT, "y"), EBADF);
	ck_errno(rename9(3, 99, "y"), EBADF);
	ck_errno(rename9(3, 3, "y"), ENOTDIR);
	ck_assert_uint_eq(ino_of("root/back.txt"), hello);
	ck_assert(!exists("root/x") && !exists("root/y"));
	ck_fds_match_fids();
}
END_TEST

/* The root is not renamed; nor a directory into itself or below. */
START_TEST(rw_rename_root_and_into_child)
{
	char *before, *after;

	start();
	ck_errno(walk(ROOT, 2, NULL, "sub", NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, "sub", "deeper", NULL), 0);
	before = snapshot();
	ck_errno(rename9(ROOT, ROOT, "x"), EBUSY);
	ck_errno(rename9(ROOT, 2, "x"), EBUSY);
	ck_errno(rename9(ROOT, 3, "x"), EBUSY);
	ck_errno(rename9(2, 3, "x"), EINVAL);
	ck_errno(rename9(2, 2, "x"), EINVAL);
	ck_errno(renameat9(ROOT, "sub", 3, "x"), EINVAL);
	ck_errno(renameat9(ROOT, "sub", 2, "x"), EINVAL);
	ck_errno(renameat9(2, "deeper", 3, "x"), EINVAL);
	after = snapshot();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	ck_errno(path_ok(2), 0);
	ck_errno(path_ok(3), 0);
	ck_errno(path_ok(ROOT), 0);
	ck_fds_match_fids();
}
END_TEST

/*
 * After Trenameat of a directory, the fids at and below it have its new
 * path: their walks (".." goes by path), opens and changes work; a fid at
 * a name that only starts the same ("subway") stays.
 */
START_TEST(rw_renameat_moves_fids)
{
	struct qid q[2];
	u8 data[16];
	u32 got;

	ck_assert_int_eq(mkdir(at("root/subway"), 0755), 0);
	start();
	ck_errno(walk(ROOT, 2, NULL, "sub", NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, "sub", "deeper", NULL), 0);
	ck_errno(walk(ROOT, 4, NULL, "sub", "deeper", "deep.txt", NULL), 0);
	ck_errno(walk(ROOT, 5, NULL, "sub", "deeper", NULL), 0);
	ck_errno(walk(ROOT, 6, NULL, "subway", NULL), 0);
	ck_errno(walk(ROOT, 9, NULL, "sub", "deeper", "deep.txt", NULL), 0);
	ck_errno(lopen(9, L_RDONLY, NULL, NULL), 0);
	ck_errno(renameat9(ROOT, "sub", ROOT, "sub2"), 0);
	ck_assert(!exists("root/sub"));

	ck_errno(lopen(4, L_RDONLY, NULL, NULL), 0);
	ck_errno(read9(4, 0, sizeof(data), data, &got), 0);
	ck_assert_uint_eq(got, 5);
	ck_assert(!memcmp(data, "deep\n", 5));
	ck_errno(walk(3, 7, q, "..", NULL), 0);
	ck_assert_uint_eq(q[0].path, ino_of("root/sub2"));
	ck_errno(walk(7, 8, q, "..", NULL), 0);
	ck_assert_uint_eq(q[0].path, ino_of("root"));
	ck_errno(lcreate(5, "new", L_RDWR | L_CREATE, 0644, NULL, NULL), 0);
	ck_assert(S_ISREG(lstat_of("root/sub2/deeper/new").st_mode));
	ck_errno(setattr9(2, &(struct sattr){ .valid = A_MODE, .mode = 0700 }), 0);
	ck_assert_uint_eq(lstat_of("root/sub2").st_mode & 07777, 0700);
	ck_errno(path_ok(6), 0);
	ck_errno(lopen(6, L_RDONLY | L_DIRECTORY, NULL, NULL), 0);

	/* again, deeper out of sub2 to the top: the open file fid follows too */
	ck_errno(renameat9(2, "deeper", ROOT, "top"), 0);
	ck_errno(path_ok(3), 0);
	ck_errno(walk(3, 10, q, "..", NULL), 0);
	ck_assert_uint_eq(q[0].path, ino_of("root"));
	ck_errno(path_ok(9), 0);
	ck_errno(setattr9(9, &(struct sattr){ .valid = A_MODE, .mode = 0640 }), 0);
	ck_assert_uint_eq(lstat_of("root/top/deep.txt").st_mode & 07777, 0640);
	ck_errno(link9(ROOT, 4, "deep-link"), 0);	/* by its parent's new path */
	ck_assert_uint_eq(ino_of("root/deep-link"), ino_of("root/top/deep.txt"));
	ck_errno(path_ok(2), 0);
	ck_fds_match_fids();
}
END_TEST

/*
 * Trename moves the fids below the renamed name, the renamed fid among
 * them.  moved() rewrites the renamed fid's own path while it walks the
 * fids, so Trename must give it a copy of the old path (it once passed
 * f->path itself: a use after free, leaving later fids at the old path).
 * Of two renames through different fids at least one is not the last
 * moved() comes to, whatever the fid hash's order.
 */
START_TEST(rw_rename_moves_fids)
{
	static const u32 fids[] = { 2, 3, 4, 5 };
	u8 data[16];
	unsigned int i;
	u32 got;

	start();
	ck_errno(walk(ROOT, 2, NULL, "sub", NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, "sub", NULL), 0);
	ck_errno(walk(ROOT, 4, NULL, "sub", "deeper", NULL), 0);
	ck_errno(walk(ROOT, 5, NULL, "sub", "deeper", "deep.txt", NULL), 0);
	ck_errno(rename9(2, ROOT, "sub2"), 0);
	ck_assert(S_ISDIR(lstat_of("root/sub2").st_mode));
	for (i = 0; i < ARRAY_SIZE(fids); i++)
		ck_assert_msg(!path_ok(fids[i]), "after the first Trename fid %u's path is stale",
			      fids[i]);
	ck_errno(rename9(3, ROOT, "sub3"), 0);
	ck_assert(S_ISDIR(lstat_of("root/sub3").st_mode));
	for (i = 0; i < ARRAY_SIZE(fids); i++)
		ck_assert_msg(!path_ok(fids[i]), "after the second Trename fid %u's path is stale",
			      fids[i]);
	ck_errno(lopen(5, L_RDONLY, NULL, NULL), 0);
	ck_errno(read9(5, 0, sizeof(data), data, &got), 0);
	ck_assert_uint_eq(got, 5);
	ck_fds_match_fids();
}
END_TEST

/* Tunlinkat removes a name (a directory's with AT_REMOVEDIR); a symlink, never its target. */
START_TEST(rw_unlinkat)
{
	struct stat st;

	start();
	ck_errno(unlinkat9(ROOT, "hello.txt", 0), 0);
	ck_assert(!exists("root/hello.txt"));
	ck_assert_uint_eq(lstat_of("root/hardlink").st_nlink, 1);
	ck_errno(unlinkat9(ROOT, "out", 0), 0);
	ck_assert(!exists("root/out"));
	ck_assert_int_eq(lstat("/etc", &st), 0);
	ck_errno(unlinkat9(ROOT, "sub", 0), EISDIR);
	ck_errno(unlinkat9(ROOT, "sub", AT_REMOVEDIR_9P), ENOTEMPTY);
	ck_errno(unlinkat9(ROOT, "hardlink", AT_REMOVEDIR_9P), ENOTDIR);
	ck_errno(unlinkat9(ROOT, "nope", 0), ENOENT);
	ck_errno(walk(ROOT, 2, NULL, "sub", "deeper", NULL), 0);
	ck_errno(unlinkat9(2, "deep.txt", 0), 0);
	ck_errno(walk(ROOT, 3, NULL, "sub", NULL), 0);
	ck_errno(unlinkat9(3, "deeper", AT_REMOVEDIR_9P), 0);
	ck_assert(!exists("root/sub/deeper"));
	ck_errno(walk(ROOT, 4, NULL, "hardlink", NULL), 0);
	ck_errno(unlinkat9(4, "x", 0), ENOTDIR);
	ck_errno(unlinkat9(99, "hardlink", 0), EBADF);
	ck_assert(S_ISREG(lstat_of("root/hardlink").st_mode));
	/* the fifo and the socket go like any name (neither opened) */
	alarm(1);
	ck_errno(unlinkat9(ROOT, "fifo", 0), 0);
	alarm(0);
	ck_assert(!exists("root/fifo"));
	/* the fid of the removed directory: its path leads nowhere now */
	ck_assert_msg(path_ok(2) != 0, "a removed directory's fid still checks out");
	ck_fds_match_fids();
}
END_TEST

/* Tremove removes the fid's file and clunks it, whatever the answer; the root: EBUSY. */
START_TEST(rw_remove)
{
	unsigned int n;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, "sub", NULL), 0);
	ck_errno(walk(ROOT, 4, NULL, NULL), 0);
	ck_errno(walk(ROOT, 5, NULL, "out", NULL), 0);
	ck_errno(walk(ROOT, 6, NULL, "sub", "deeper", "deep.txt", NULL), 0);
	ck_errno(lopen(6, L_RDONLY, NULL, NULL), 0);
	ck_errno(mkdir9(ROOT, "empty", 0755, NULL), 0);
	ck_errno(walk(ROOT, 7, NULL, "empty", NULL), 0);
	n = p9__nr_fids(srv);
	ck_errno(remove9(4), EBUSY);		/* a clone of the root */
	ck_assert(S_ISDIR(lstat_of("root").st_mode));
	ck_assert_uint_eq(p9__nr_fids(srv), --n);
	ck_errno(getattr(4, &(struct attr){ 0 }), EBADF);
	ck_errno(remove9(2), 0);
	ck_assert(!exists("root/hello.txt"));
	ck_assert_uint_eq(lstat_of("root/hardlink").st_nlink, 1);
	ck_assert_uint_eq(p9__nr_fids(srv), --n);
	ck_errno(remove9(3), ENOTEMPTY);
	ck_assert(S_ISDIR(lstat_of("root/sub").st_mode));
	ck_assert_uint_eq(p9__nr_fids(srv), --n);
	ck_errno(remove9(5), 0);		/* the link, not /etc */
	ck_assert(!exists("root/out"));
	ck_errno(remove9(6), 0);		/* an open fid's file */
	ck_assert(!exists("root/sub/deeper/deep.txt"));
	ck_errno(remove9(7), 0);		/* a directory */
	ck_assert(!exists("root/empty"));
	ck_assert_uint_eq(p9__nr_fids(srv), n - 3);
	ck_errno(remove9(2), EBADF);
	ck_errno(remove9(ROOT), EBUSY);
	ck_assert_uint_eq(p9__nr_fids(srv), 0);
	ck_fds_match_fids();
}
END_TEST

/*
 * Through directory fids whose directories the host moved out of the share
 * (new directories made where they were): every change is ESTALE and
 * nothing outside changes; so is Tsetattr of a fid not open whose file was
 * moved out.
 */
START_TEST(rw_moved_out_estale)
{
	char *before, *after;

	put_file("root/sub/deeper/victim.txt", "VICTIM\n", 7);
	start();
	ck_errno(walk(ROOT, 2, NULL, "sub", NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, "sub", "deeper", NULL), 0);
	ck_errno(walk(ROOT, 4, NULL, "sub", "deeper", "victim.txt", NULL), 0);
	ck_errno(walk(ROOT, 5, NULL, "hello.txt", NULL), 0);
	ck_errno(walk(ROOT, 6, NULL, "sub", "deeper", "victim.txt", NULL), 0);
	ck_assert_int_eq(rename(at("root/sub"), at("outside/sub")), 0);
	ck_assert_int_eq(mkdir(at("root/sub"), 0755), 0);
	ck_assert_int_eq(mkdir(at("root/sub/deeper"), 0755), 0);
	put_file("root/sub/deeper/victim.txt", "decoy\n", 6);
	before = snapshot();

	ck_errno(lcreate(3, "planted", L_RDWR | L_CREATE, 0644, NULL, NULL), ESTALE);
	ck_errno(lcreate(3, "victim.txt", L_WRONLY | L_CREATE | L_TRUNC, 0644, NULL, NULL), ESTALE);
	ck_errno(mkdir9(3, "planted", 0755, NULL), ESTALE);
	ck_errno(mkdir9(2, "planted", 0755, NULL), ESTALE);
	ck_errno(symlink9(3, "planted", "/etc", NULL), ESTALE);
	ck_errno(unlinkat9(3, "victim.txt", 0), ESTALE);
	ck_errno(unlinkat9(3, "deep.txt", 0), ESTALE);
	ck_errno(unlinkat9(2, "deeper", AT_REMOVEDIR_9P), ESTALE);
	ck_errno(renameat9(3, "victim.txt", ROOT, "stolen"), ESTALE);
	ck_errno(renameat9(ROOT, "hello.txt", 3, "planted"), ESTALE);
	ck_errno(link9(3, 5, "planted"), ESTALE);
	ck_errno(link9(ROOT, 4, "stolen"), ESTALE);
	ck_errno(rename9(4, ROOT, "stolen"), ESTALE);
	ck_errno(rename9(5, 3, "planted"), ESTALE);
	ck_errno(setattr9(4, &(struct sattr){ .valid = A_MODE, .mode = 0777 }), ESTALE);
	ck_errno(setattr9(4, &(struct sattr){ .valid = A_SIZE }), ESTALE);
	ck_errno(setattr9(4, &(struct sattr){ .valid = A_MTIME | A_MTIME_SET, .mt_s = 1 }), ESTALE);
	ck_errno(setattr9(3, &(struct sattr){ .valid = A_MODE, .mode = 0777 }), ESTALE);
	ck_errno(lopen(6, L_WRONLY | L_TRUNC, NULL, NULL), ESTALE);
	ck_errno(remove9(6), ESTALE);
	ck_errno(remove9(4), ESTALE);

	after = snapshot();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	ck_host_content("outside/sub/deeper/victim.txt", "VICTIM\n");
	ck_assert_uint_eq(lstat_of("outside/sub/deeper/victim.txt").st_mode & 07777, 0644);
	ck_assert(!exists("outside/sub/deeper/planted") && !exists("outside/sub/planted"));
	ck_assert(!exists("root/stolen") && !exists("root/sub/deeper/planted"));
	ck_fds_match_fids();
}
END_TEST

/*
 * A fid whose directory the host moved out, nothing left at its path:
 * each change through it fails with ESTALE (not open_path()'s ENOENT) and
 * nothing outside changes.
 */
START_TEST(rw_moved_out_vacated)
{
	int e[8];
	unsigned int i;

	start();
	ck_errno(walk(ROOT, 2, NULL, "sub", NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, "sub", "deeper", "deep.txt", NULL), 0);
	ck_assert_int_eq(rename(at("root/sub"), at("outside/sub")), 0);
	e[0] = lcreate(2, "planted", L_RDWR | L_CREATE, 0644, NULL, NULL);
	e[1] = mkdir9(2, "planted", 0755, NULL);
	e[2] = symlink9(2, "planted", "/etc", NULL);
	e[3] = unlinkat9(2, "deeper", AT_REMOVEDIR_9P);
	e[4] = renameat9(2, "deeper", ROOT, "stolen");
	e[5] = setattr9(3, &(struct sattr){ .valid = A_SIZE });
	e[6] = rename9(3, ROOT, "stolen");
	e[7] = link9(ROOT, 3, "stolen");
	ck_assert(!exists("outside/sub/planted"));
	ck_assert(S_ISDIR(lstat_of("outside/sub/deeper").st_mode));
	ck_host_content("outside/sub/deeper/deep.txt", "deep\n");
	ck_assert(!exists("root/stolen"));
	for (i = 0; i < ARRAY_SIZE(e); i++)
		ck_assert_msg(e[i] == ESTALE, "request %u through a moved-out fid: %d (%s), want ESTALE",
			      i, e[i], strerror(e[i]));
	ck_fds_match_fids();
}
END_TEST

/*
 * Tsetattr: the mode without setuid and setgid, on a fid open or not;
 * uid and gid accepted, changing nothing; sizes; EISDIR and EINVAL where
 * there is no size to set; EOPNOTSUPP for a symlink's mode.
 */
START_TEST(rw_setattr_mode_size)
{
	struct stat st;
	u32 got;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(setattr9(2, &(struct sattr){ .valid = A_MODE, .mode = 06777 }), 0);
	ck_assert_uint_eq(lstat_of("root/hello.txt").st_mode, S_IFREG | 0777);
	ck_errno(setattr9(2, &(struct sattr){ .valid = A_MODE, .mode = S_IFDIR | 01640 }), 0);
	ck_assert_uint_eq(lstat_of("root/hello.txt").st_mode, S_IFREG | 01640);
	ck_errno(walk(ROOT, 3, NULL, "sub", NULL), 0);
	ck_errno(setattr9(3, &(struct sattr){ .valid = A_MODE, .mode = 02711 }), 0);
	ck_assert_uint_eq(lstat_of("root/sub").st_mode, S_IFDIR | 0711);
	/* uid and gid: accepted, the host's owners stay */
	st = lstat_of("root/hello.txt");
	ck_errno(setattr9(2, &(struct sattr){ .valid = A_UID | A_GID, .uid = 1234, .gid = 4321 }), 0);
	ck_assert_uint_eq(lstat_of("root/hello.txt").st_uid, st.st_uid);
	ck_assert_uint_eq(lstat_of("root/hello.txt").st_gid, st.st_gid);
	/* size: a fid not open, one open read-only, one open for writing */
	ck_errno(setattr9(2, &(struct sattr){ .valid = A_SIZE, .size = 5 }), 0);
	ck_host_content("root/hello.txt", "Hello");
	ck_errno(walk(ROOT, 4, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(4, L_RDONLY, NULL, NULL), 0);
	ck_errno(setattr9(4, &(struct sattr){ .valid = A_SIZE, .size = 4 }), 0);
	ck_host_content("root/hello.txt", "Hell");
	ck_errno(walk(ROOT, 5, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(5, L_WRONLY, NULL, NULL), 0);
	ck_errno(setattr9(5, &(struct sattr){ .valid = A_SIZE, .size = 100000 }), 0);
	ck_assert_uint_eq(lstat_of("root/hello.txt").st_size, 100000);
	ck_errno(write9(5, 0, "J", 1, &got), 0);
	ck_errno(setattr9(5, &(struct sattr){ .valid = A_SIZE, .size = 4 }), 0);
	ck_host_content("root/hello.txt", "Jell");
	ck_errno(setattr9(5, &(struct sattr){ .valid = A_SIZE, .size = 1ULL << 63 }), EINVAL);
	ck_errno(setattr9(5, &(struct sattr){ .valid = A_MODE, .mode = 04600 }), 0);
	ck_assert_uint_eq(lstat_of("root/hello.txt").st_mode, S_IFREG | 0600);
	/* no size for a directory, a symlink, a FIFO; no mode for a symlink */
	ck_errno(setattr9(3, &(struct sattr){ .valid = A_SIZE }), EISDIR);
	ck_errno(walk(ROOT, 6, NULL, "out", NULL), 0);
	ck_errno(setattr9(6, &(struct sattr){ .valid = A_SIZE }), EINVAL);
	ck_errno(setattr9(6, &(struct sattr){ .valid = A_MODE, .mode = 0600 }), EOPNOTSUPP);
	ck_assert(S_ISLNK(lstat_of("root/out").st_mode));
	ck_errno(walk(ROOT, 7, NULL, "fifo", NULL), 0);
	alarm(1);
	ck_errno(setattr9(7, &(struct sattr){ .valid = A_SIZE }), EINVAL);
	alarm(0);
	ck_assert_uint_eq(lstat_of("root/sub").st_mode, S_IFDIR | 0711);
	ck_errno(setattr9(99, &(struct sattr){ .valid = A_MODE, .mode = 0600 }), EBADF);
	ck_fds_match_fids();
}
END_TEST

/* Tsetattr's times: as given, or now; nsec beyond a second refused; a symlink's own. */
START_TEST(rw_setattr_times)
{
	struct stat st, sec;
	time_t now;

	ck_assert_int_eq(symlink("../secret.txt", at("root/sec")), 0);
	sec = lstat_of("secret.txt");
	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(setattr9(2, &(struct sattr){ .valid = A_ATIME | A_ATIME_SET | A_MTIME | A_MTIME_SET,
					     .at_s = 1000000000, .at_ns = 123,
					     .mt_s = 1500000000, .mt_ns = 999999999 }), 0);
	st = lstat_of("root/hello.txt");
	ck_assert_int_eq(st.st_atim.tv_sec, 1000000000);
	ck_assert_int_eq(st.st_atim.tv_nsec, 123);
	ck_assert_int_eq(st.st_mtim.tv_sec, 1500000000);
	ck_assert_int_eq(st.st_mtim.tv_nsec, 999999999);
	/* nsec of a second or more: EINVAL, nothing set */
	ck_errno(setattr9(2, &(struct sattr){ .valid = A_ATIME | A_ATIME_SET | A_MTIME | A_MTIME_SET,
					     .at_s = 7, .mt_s = 7, .mt_ns = 1000000000 }), EINVAL);
	ck_errno(setattr9(2, &(struct sattr){ .valid = A_MTIME | A_MTIME_SET, .mt_s = 7,
					     .mt_ns = (1 << 30) - 1 }), EINVAL);	/* UTIME_NOW */
	ck_errno(setattr9(2, &(struct sattr){ .valid = A_MTIME | A_MTIME_SET,
					     .mt_s = 1ULL << 63 }), EINVAL);
	st = lstat_of("root/hello.txt");
	ck_assert_int_eq(st.st_atim.tv_sec, 1000000000);
	ck_assert_int_eq(st.st_mtim.tv_sec, 1500000000);
	/* without _SET: now; the other time untouched */
	now = time(NULL);
	ck_errno(setattr9(2, &(struct sattr){ .valid = A_MTIME, .mt_s = 7 }), 0);
	st = lstat_of("root/hello.txt");
	ck_assert_int_ge(st.st_mtim.tv_sec, now - 1);
	ck_assert_int_eq(st.st_atim.tv_sec, 1000000000);
	/* an open fid */
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), 0);
	ck_errno(setattr9(2, &(struct sattr){ .valid = A_MTIME | A_MTIME_SET, .mt_s = 86400 }), 0);
	ck_assert_int_eq(lstat_of("root/hello.txt").st_mtim.tv_sec, 86400);
	/* a symlink to a file outside: the link's times, never the file's */
	ck_errno(walk(ROOT, 3, NULL, "sec", NULL), 0);
	ck_errno(setattr9(3, &(struct sattr){ .valid = A_ATIME | A_ATIME_SET | A_MTIME | A_MTIME_SET,
					     .at_s = 12345, .mt_s = 12345 }), 0);
	ck_assert_int_eq(lstat_of("root/sec").st_mtim.tv_sec, 12345);
	st = lstat_of("secret.txt");
	ck_assert_int_eq(st.st_mtim.tv_sec, sec.st_mtim.tv_sec);
	ck_assert_int_eq(st.st_mtim.tv_nsec, sec.st_mtim.tv_nsec);
	ck_assert_int_eq(st.st_atim.tv_sec, sec.st_atim.tv_sec);
	ck_fds_match_fids();
}
END_TEST

/*
 * A Tsetattr that fails changes nothing: a mode and a size for a
 * directory (EISDIR) or a FIFO (EINVAL) leave the mode as it was.
 */
START_TEST(rw_setattr_failed_changes_nothing)
{
	int e;

	start();
	ck_errno(walk(ROOT, 2, NULL, "sub", NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, "fifo", NULL), 0);
	e = setattr9(2, &(struct sattr){ .valid = A_MODE | A_SIZE, .mode = 0700 });
	ck_assert_int_eq(e, EISDIR);
	ck_assert_msg((lstat_of("root/sub").st_mode & 07777) == 0755,
		      "Tsetattr answered EISDIR and changed the mode to 0%o",
		      lstat_of("root/sub").st_mode & 07777);
	alarm(1);
	e = setattr9(3, &(struct sattr){ .valid = A_MODE | A_SIZE, .mode = 0600 });
	alarm(0);
	ck_assert_int_eq(e, EINVAL);
	ck_assert_uint_eq(lstat_of("root/fifo").st_mode & 07777, 0644);
	ck_fds_match_fids();
}
END_TEST

/*
 * A fid open only for reading whose file the host then moved out of the
 * share cannot truncate it there: a new size through it opens the file for
 * writing, so its path is checked first (ESTALE), as for a fid not open.
 */
START_TEST(rw_setattr_ro_fid_moved_out)
{
	int e;

	put_file("root/victim.txt", "VICTIM\n", 7);
	start();
	ck_errno(walk(ROOT, 2, NULL, "victim.txt", NULL), 0);
	ck_errno(lopen(2, L_RDONLY, NULL, NULL), 0);
	ck_assert_int_eq(rename(at("root/victim.txt"), at("outside/victim.txt")), 0);
	e = setattr9(2, &(struct sattr){ .valid = A_SIZE, .size = 0 });
	ck_assert_msg(lstat_of("outside/victim.txt").st_size == 7,
		      "Tsetattr (%d) through a read-only fid truncated outside/victim.txt", e);
	ck_assert_int_ne(e, 0);
	ck_fds_match_fids();
}
END_TEST

/*
 * A reply that does not fit changes nothing: below 11 bytes of room no
 * reply at all, below the reply's size ENOBUFS; then, with room, it works.
 */
START_TEST(rw_small_cap_changes_nothing)
{
	struct msg req;
	char *before, *after;
	size_t cap;
	u8 status;

	start();
	ck_errno(walk(ROOT, 2, NULL, NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, "hello.txt", NULL), 0);
	before = snapshot();
	/* Rmkdir and Rsymlink are 20 bytes, Rlcreate and Rlopen 24 */
	for (cap = 0; cap < 20; cap++) {
		b_mkdir(&req, ROOT, "capdir", 6, 0755);
		m_fin(&req);
		if (cap < 11)
			ck_assert_uint_eq(handle_raw(req.b, req.len, cap), 0);
		else
			ck_errno(rpc_cap(&req, cap, NULL), ENOBUFS);
		ck_assert_msg(!exists("root/capdir"), "Tmkdir with %zu bytes of room made it", cap);
		b_symlink(&req, ROOT, "caplink", 7, "/etc", 4);
		m_fin(&req);
		if (cap < 11)
			ck_assert_uint_eq(handle_raw(req.b, req.len, cap), 0);
		else
			ck_errno(rpc_cap(&req, cap, NULL), ENOBUFS);
		ck_assert_msg(!exists("root/caplink"), "Tsymlink with %zu bytes of room made it", cap);
	}
	for (cap = 0; cap < 24; cap++) {
		b_lcreate(&req, 2, "capfile", 7, L_RDWR | L_CREATE, 0644);
		m_fin(&req);
		if (cap < 11)
			ck_assert_uint_eq(handle_raw(req.b, req.len, cap), 0);
		else
			ck_errno(rpc_cap(&req, cap, NULL), ENOBUFS);
		ck_assert_msg(!exists("root/capfile"), "Tlcreate with %zu bytes of room made it", cap);
		m_init(&req, TLOPEN);
		m_u32(&req, 3);
		m_u32(&req, L_WRONLY | L_TRUNC);
		m_fin(&req);
		if (cap < 11)
			ck_assert_uint_eq(handle_raw(req.b, req.len, cap), 0);
		else
			ck_errno(rpc_cap(&req, cap, NULL), ENOBUFS);
		ck_assert_msg(lstat_of("root/hello.txt").st_size == (off_t)strlen(HELLO),
			      "Tlopen O_TRUNC with %zu bytes of room truncated", cap);
	}
	/* the rest answer with at most 11 bytes: with 10, nothing happens */
	ck_errno(lopen(3, L_RDWR, NULL, NULL), 0);
	b_write(&req, 3, 0, "XXXX", 4);
	m_fin(&req);
	ck_assert_uint_eq(handle_raw(req.b, req.len, 10), 0);
	b_link(&req, ROOT, 3, "caplink", 7);
	m_fin(&req);
	ck_assert_uint_eq(handle_raw(req.b, req.len, 10), 0);
	b_renameat(&req, ROOT, "hello.txt", 9, ROOT, "renamed", 7);
	m_fin(&req);
	ck_assert_uint_eq(handle_raw(req.b, req.len, 10), 0);
	b_unlinkat(&req, ROOT, "hardlink", 8, 0);
	m_fin(&req);
	ck_assert_uint_eq(handle_raw(req.b, req.len, 10), 0);
	b_setattr(&req, 3, &(struct sattr){ .valid = A_MODE | A_SIZE, .mode = 0777 });
	m_fin(&req);
	ck_assert_uint_eq(handle_raw(req.b, req.len, 10), 0);
	b_lock(&req, 3, PL_WR, 0, 0);
	m_fin(&req);
	ck_assert_uint_eq(handle_raw(req.b, req.len, 10), 0);
	ck_assert_int_eq(host_lock("root/hello.txt", 0, 0), F_UNLCK);
	m_init(&req, TREMOVE);
	m_u32(&req, 3);
	m_fin(&req);
	ck_assert_uint_eq(handle_raw(req.b, req.len, 10), 0);
	after = snapshot();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	ck_assert_uint_eq(p9__nr_fids(srv), 3);
	ck_assert(lstat_of("root/hello.txt").st_size == (off_t)strlen(HELLO));
	/* fid 2 is still the root's, not open; with room enough it all works */
	ck_errno(walk(2, 4, NULL, "sub", NULL), 0);
	b_mkdir(&req, ROOT, "capdir", 6, 0755);
	ck_errno(rpc_cap(&req, 20, NULL), 0);
	ck_assert(exists("root/capdir"));
	b_lcreate(&req, 2, "capfile", 7, L_RDWR | L_CREATE, 0644);
	ck_errno(rpc_cap(&req, 24, NULL), 0);
	ck_assert(exists("root/capfile"));
	ck_errno(lock9(3, PL_WR, 0, 0, &status), 0);
	ck_assert_uint_eq(status, PL_SUCCESS);
	ck_fds_match_fids();
}
END_TEST

/*
 * Locks are the host's, per fid: a second fid's conflicting lock is
 * BLOCKED, Tgetlock names the lock in the way, unlocking (or clunking)
 * frees the range.
 */
START_TEST(rw_locks)
{
	u64 gstart, glen;
	u8 status, type;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(2, L_RDWR, NULL, NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(3, L_RDWR, NULL, NULL), 0);
	ck_errno(lock9(2, PL_WR, 0, 10, &status), 0);
	ck_assert_uint_eq(status, PL_SUCCESS);
	ck_assert_int_eq(host_lock("root/hello.txt", 0, 1), F_WRLCK);
	ck_assert_int_eq(host_lock("root/hello.txt", 10, 1), F_UNLCK);
	ck_errno(lock9(3, PL_WR, 5, 10, &status), 0);
	ck_assert_uint_eq(status, PL_BLOCKED);
	ck_errno(lock9(3, PL_RD, 9, 1, &status), 0);
	ck_assert_uint_eq(status, PL_BLOCKED);
	ck_errno(lock9(3, PL_WR, 10, 5, &status), 0);	/* beside it */
	ck_assert_uint_eq(status, PL_SUCCESS);
	ck_errno(getlock9(3, PL_WR, 0, 0, &type, &gstart, &glen), 0);
	ck_assert_uint_eq(type, PL_WR);
	ck_assert_uint_eq(gstart, 0);
	ck_assert_uint_eq(glen, 10);
	ck_errno(getlock9(2, PL_RD, 12, 1, &type, &gstart, &glen), 0);
	ck_assert_uint_eq(type, PL_WR);
	ck_assert_uint_eq(gstart, 10);
	ck_assert_uint_eq(glen, 5);
	ck_errno(getlock9(2, PL_WR, 0, 10, &type, &gstart, &glen), 0);	/* its own */
	ck_assert_uint_eq(type, PL_UN);
	ck_assert_uint_eq(gstart, 0);
	ck_assert_uint_eq(glen, 10);
	/* unlocked, the range is fid 3's to take */
	ck_errno(lock9(2, PL_UN, 0, 10, &status), 0);
	ck_assert_uint_eq(status, PL_SUCCESS);
	ck_assert_int_eq(host_lock("root/hello.txt", 0, 10), F_UNLCK);
	ck_errno(lock9(3, PL_WR, 0, 10, &status), 0);
	ck_assert_uint_eq(status, PL_SUCCESS);
	ck_errno(lock9(2, PL_RD, 0, 1, &status), 0);
	ck_assert_uint_eq(status, PL_BLOCKED);
	/* clunked, its locks go */
	ck_errno(clunk(3), 0);
	ck_assert_int_eq(host_lock("root/hello.txt", 0, 0), F_UNLCK);
	ck_errno(lock9(2, PL_WR, 0, 0, &status), 0);
	ck_assert_uint_eq(status, PL_SUCCESS);
	/* refused: a bad type, a fid not open, a start or length past INT64_MAX */
	ck_errno(lock9(2, 3, 0, 0, &status), EINVAL);
	ck_errno(lock9(2, PL_WR, 1ULL << 63, 0, &status), EINVAL);
	ck_errno(lock9(2, PL_WR, 0, 1ULL << 63, &status), EINVAL);
	ck_errno(getlock9(2, PL_UN, 0, 0, &type, &gstart, &glen), EINVAL);
	ck_errno(walk(ROOT, 4, NULL, "hello.txt", NULL), 0);
	ck_errno(lock9(4, PL_RD, 0, 0, &status), EBADF);
	ck_errno(getlock9(4, PL_RD, 0, 0, &type, &gstart, &glen), EBADF);
	ck_errno(lock9(99, PL_RD, 0, 0, &status), EBADF);
	ck_fds_match_fids();
}
END_TEST

/* On a read-only share: Tlopen and Tlcreate that would write, changes through open fids: EROFS. */
START_TEST(ro_writes_refused)
{
	char *before, *after;
	u8 status;

	start();
	ck_errno(walk(ROOT, 2, NULL, "hello.txt", NULL), 0);
	ck_errno(walk(ROOT, 3, NULL, NULL), 0);
	ck_errno(walk(ROOT, 4, NULL, "hello.txt", NULL), 0);
	ck_errno(lopen(4, L_RDONLY, NULL, NULL), 0);
	before = snapshot();
	ck_errno(lopen(2, L_RDONLY | L_TRUNC, NULL, NULL), EROFS);
	ck_errno(lcreate(3, "hello.txt", L_WRONLY | L_CREATE | L_TRUNC, 0644, NULL, NULL), EROFS);
	ck_errno(lcreate(3, "hello.txt", L_RDONLY | L_CREATE, 0644, NULL, NULL), EROFS);
	ck_errno(lcreate(3, "new", L_RDONLY | L_CREATE, 0644, NULL, NULL), EROFS);
	ck_errno(write9(4, 0, "XXXX", 4, NULL), EROFS);
	ck_errno(setattr9(4, &(struct sattr){ .valid = A_SIZE }), EROFS);
	ck_errno(setattr9(4, &(struct sattr){ .valid = A_MTIME | A_MTIME_SET, .mt_s = 1 }), EROFS);
	ck_errno(setattr9(ROOT, &(struct sattr){ .valid = A_MODE, .mode = 0777 }), EROFS);
	ck_errno(link9(ROOT, 4, "hl"), EROFS);
	ck_errno(rename9(4, ROOT, "renamed"), EROFS);
	ck_errno(remove9(ROOT), EROFS);
	ck_errno(fsync9(4), 0);
	ck_errno(lock9(4, PL_RD, 0, 0, &status), 0);	/* locks change no file */
	ck_assert_uint_eq(status, PL_SUCCESS);
	after = snapshot();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	ck_assert_uint_eq(p9__nr_fids(srv), 3);	/* Tremove took ROOT */
	ck_fds_match_fids();
}
END_TEST

/*
 * A walk starts where the fid's path leads now: through a directory fid
 * whose directory the host moved out of the share, the guest cannot walk
 * to, stat or read the links of what the host puts there afterwards
 * (ESTALE).
 */
START_TEST(walk_moved_out_dir)
{
	char buf[256];
	struct attr a;
	int e;

	start();
	ck_errno(walk(ROOT, 2, NULL, "sub", NULL), 0);
	ck_assert_int_eq(rename(at("root/sub"), at("outside/sub")), 0);
	put_file("outside/sub/private.txt", SECRET, strlen(SECRET));
	ck_assert_int_eq(symlink("TOP SECRET target", at("outside/sub/plink")), 0);
	e = walk(2, 3, NULL, "private.txt", NULL);
	if (!e) {
		ck_errno(getattr(3, &a), 0);
		ck_abort_msg("walked to outside/sub/private.txt (%llu bytes) through a moved-out fid",
			     (unsigned long long)a.size);
	}
	e = walk(2, 4, NULL, "plink", NULL);
	if (!e) {
		ck_errno(readlink9(4, buf, sizeof(buf)), 0);
		ck_abort_msg("read outside/sub/plink (\"%s\") through a moved-out fid", buf);
	}
	ck_fds_match_fids();
}
END_TEST

Suite *p9_suite(void)
{
	Suite *s = suite_create("9p");

	P9_TEST(s, create_checks);
	P9_TEST(s, version_msize_clamped);
	P9_TEST(s, version_small_msize_refused);
	P9_TEST(s, version_unknown);
	P9_TEST(s, requests_before_version_refused);
	P9_TEST(s, version_again_drops_fids);
	P9_TEST(s, attach_root_qid);
	P9_TEST(s, attach_fid_in_use);
	P9_TEST(s, attach_afid_refused);
	P9_TEST(s, walk_to_file);
	P9_TEST(s, walk_multi);
	P9_TEST(s, walk_clone);
	P9_TEST(s, walk_in_place);
	P9_TEST(s, walk_newfid_in_use);
	P9_TEST(s, walk_max_names);
	P9_TEST(s, walk_bad_names);
	P9_TEST(s, walk_partial);
	P9_TEST(s, walk_first_missing);
	P9_TEST(s, dotdot_at_root);
	P9_TEST(s, dotdot_many);
	P9_TEST(s, symlink_out_not_followed);
	P9_TEST(s, symlink_rel_dotdot);
	P9_TEST(s, symlink_readlink);
	P9_TEST(s, lopen_symlink);
	P9_TEST(s, swap_file_for_symlink);
	P9_TEST(s, swap_file_for_file);
	P9_TEST(s, swap_file_for_fifo);
	P9_TEST(s, swap_dir_for_symlink);
	P9_TEST(s, fifo_not_opened);
	P9_TEST(s, socket_not_opened);
	P9_TEST(s, lopen_flags);
	P9_TEST(s, lopen_twice_and_walk);
	P9_TEST(s, read_file);
	P9_TEST(s, read_count_capped_to_msize);
	P9_TEST(s, read_count_capped_to_cap);
	P9_TEST(s, read_errors);
	P9_TEST(s, readdir_all_names);
	P9_TEST(s, readdir_errors);
	P9_TEST(s, getattr_file_and_link);
	P9_TEST(s, statfs_works);
	P9_TEST(s, clunk_frees);
	P9_TEST(s, many_fids);
	P9_TEST(s, modifying_requests_erofs);
	P9_TEST(s, unsupported_requests);
	P9_TEST(s, remove_clunks_fid);
	P9_TEST(s, malformed_framing);
	P9_TEST(s, truncated_bodies);
	P9_TEST(s, truncated_flush);
	P9_TEST(s, small_cap_never_overflows);
	P9_TEST(s, small_cap_walk_no_fid);
	P9_TEST(s, small_cap_attach_no_fid);
	P9_TEST(s, small_cap_lopen_not_opened);
	P9_TEST(s, small_cap_walk_in_place_unmoved);
	P9_TEST(s, garbage_messages);
	P9_TEST(s, garbage_small_caps);
	P9_TEST(s, fid_limit);
	P9_TEST(s, ro_writes_refused);
	P9_TEST(s, walk_moved_out_dir);
	P9_RW_TEST(s, rw_lcreate_file);
	P9_RW_TEST(s, rw_create_over_symlinks);
	P9_RW_TEST(s, rw_lcreate_existing_special);
	P9_RW_TEST(s, rw_bad_names);
	P9_RW_TEST(s, rw_write);
	P9_RW_TEST(s, rw_lopen_trunc_append);
	P9_RW_TEST(s, rw_mkdir);
	P9_RW_TEST(s, rw_mkdir_unreadable_mode);
	P9_RW_TEST(s, rw_symlink);
	P9_RW_TEST(s, rw_link);
	P9_RW_TEST(s, rw_mknod_fsync);
	P9_RW_TEST(s, rw_rename);
	P9_RW_TEST(s, rw_rename_root_and_into_child);
	P9_RW_TEST(s, rw_renameat_moves_fids);
	P9_RW_TEST(s, rw_rename_moves_fids);
	P9_RW_TEST(s, rw_unlinkat);
	P9_RW_TEST(s, rw_remove);
	P9_RW_TEST(s, rw_moved_out_estale);
	P9_RW_TEST(s, rw_moved_out_vacated);
	P9_RW_TEST(s, rw_setattr_mode_size);
	P9_RW_TEST(s, rw_setattr_times);
	P9_RW_TEST(s, rw_setattr_failed_changes_nothing);
	P9_RW_TEST(s, rw_setattr_ro_fid_moved_out);
	P9_RW_TEST(s, rw_small_cap_changes_nothing);
	P9_RW_TEST(s, rw_locks);
	return s;
}
