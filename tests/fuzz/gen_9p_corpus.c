// SPDX-License-Identifier: GPL-2.0
/*
 * gen_9p_corpus.c - writes fuzz_9p's seed corpus: gen_9p_corpus DIR.
 *
 * One seed per behaviour worth starting from: every request the server
 * knows, on a read-only share and (rw-*) a read-write one, replies given
 * too little room, and malformed messages.  The format is fuzz_9p.c's:
 * flags[1] then messages; most seeds begin with the harness's session
 * (F_SESSION), so fid 0 is the share's root.  Names are those of the tree
 * fuzz_9p makes: file data hard dir/sub/deep empty fifo esc abs dot.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* fuzz_9p's flags byte */
#define F_RW		0x01
#define F_CAP_8192	0x02
#define F_CAP_64	0x04
#define F_CAP_11	0x06
#define F_SESSION	0x08
#define F_MSIZE(n)	((n) << 4)	/* 8192 + n * (P9_MAX_MSIZE - 8192) / 15 */

/* message types (Linux's include/net/9p/9p.h) */
enum {
	TLERROR = 6, RLERROR = 7, TSTATFS = 8, RSTATFS = 9, TLOPEN = 12,
	TLCREATE = 14, TSYMLINK = 16, TMKNOD = 18, TRENAME = 20,
	TREADLINK = 22, TGETATTR = 24, TSETATTR = 26, TXATTRWALK = 30,
	TXATTRCREATE = 32, TREADDIR = 40, TFSYNC = 50, TLOCK = 52,
	TGETLOCK = 54, TLINK = 70, TMKDIR = 72, TRENAMEAT = 74,
	TUNLINKAT = 76, TVERSION = 100, RVERSION = 101, TAUTH = 102,
	TATTACH = 104, TFLUSH = 108, TWALK = 110, TREAD = 116, TWRITE = 118,
	TCLUNK = 120, TREMOVE = 122,
};

#define NOFID		0xffffffffu
#define NOTAG		0xffff

/* Tlopen/Tlcreate flags: Linux's generic values */
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
#define L_NOFOLLOW	0400000

/* Tsetattr's valid bits */
#define A_MODE		0x001
#define A_UID		0x002
#define A_GID		0x004
#define A_SIZE		0x008
#define A_ATIME		0x010
#define A_MTIME		0x020
#define A_CTIME		0x040
#define A_ATIME_SET	0x080
#define A_MTIME_SET	0x100

#define AT_REMOVEDIR_	0x200
#define S_IFIFO_	0010000
#define S_IFCHR_	0020000
#define S_IFBLK_	0060000
#define S_IFREG_	0100000
#define S_IFSOCK_	0140000

static const char *out_dir;
static unsigned int nr_seeds;

/* The seed being built, and the message in it being built. */
static struct {
	u8	b[4096];
	size_t	len, msg;
	u16	tag;
} sd;

static void put(u64 v, unsigned int bytes)
{
	if (sd.len + bytes > sizeof(sd.b)) {
		fprintf(stderr, "gen_9p_corpus: a seed over %zu bytes\n", sizeof(sd.b));
		exit(1);
	}
	while (bytes--) {
		sd.b[sd.len++] = v;
		v >>= 8;
	}
}

static void bytes(const void *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		put(((const u8 *)p)[i], 1);
}

static void strn(const void *s, size_t len)
{
	put(len, 2);
	bytes(s, len);
}

static void str(const char *s)
{
	strn(s, strlen(s));
}

static void seed(u8 flags)
{
	sd.len = 0;
	sd.tag = 0;
	put(flags, 1);
}

static void save(const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(sd.b, 1, sd.len, f) != sd.len || fclose(f)) {
		fprintf(stderr, "gen_9p_corpus: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	nr_seeds++;
}

/* A message of @type: size[4] (patched by end()) type[1] tag[2]. */
static void begin(u8 type)
{
	sd.msg = sd.len;
	put(0, 4);
	put(type, 1);
	put(type == TVERSION ? NOTAG : ++sd.tag, 2);
}

static void end(void)
{
	u32 size = sd.len - sd.msg;
	unsigned int i;

	for (i = 0; i < 4; i++)
		sd.b[sd.msg + i] = size >> (8 * i);
}

/* ---- requests ---------------------------------------------------------------- */

static void t_version(u32 msize, const char *v)
{
	begin(TVERSION); put(msize, 4); str(v); end();
}

static void t_attach(u32 fid, u32 afid, const char *uname)
{
	begin(TATTACH); put(fid, 4); put(afid, 4); str(uname); str(""); put(0, 4); end();
}

static void t_auth(u32 afid)
{
	begin(TAUTH); put(afid, 4); str("user"); str(""); put(0, 4); end();
}

static void t_walkv(u32 fid, u32 newfid, unsigned int n, const char *const *names)
{
	unsigned int i;

	begin(TWALK); put(fid, 4); put(newfid, 4); put(n, 2);
	for (i = 0; i < n; i++)
		str(names[i]);
	end();
}

#define t_walk(fid, newfid, ...)					\
	t_walkv(fid, newfid,						\
		sizeof((const char *[]){ NULL, ##__VA_ARGS__ }) / sizeof(char *) - 1, \
		(const char *const[]){ NULL, ##__VA_ARGS__ } + 1)

static void t_fid(u8 type, u32 fid)
{
	begin(type); put(fid, 4); end();
}

#define t_readlink(fid)	t_fid(TREADLINK, fid)
#define t_statfs(fid)	t_fid(TSTATFS, fid)
#define t_clunk(fid)	t_fid(TCLUNK, fid)
#define t_remove(fid)	t_fid(TREMOVE, fid)

static void t_getattr(u32 fid, u64 mask)
{
	begin(TGETATTR); put(fid, 4); put(mask, 8); end();
}

static void t_lopen(u32 fid, u32 flags)
{
	begin(TLOPEN); put(fid, 4); put(flags, 4); end();
}

static void t_rw(u8 type, u32 fid, u64 offset, u32 count)
{
	begin(type); put(fid, 4); put(offset, 8); put(count, 4); end();
}

#define t_read(fid, off, count)		t_rw(TREAD, fid, off, count)
#define t_readdir(fid, off, count)	t_rw(TREADDIR, fid, off, count)

static void t_write(u32 fid, u64 offset, const char *data)
{
	begin(TWRITE); put(fid, 4); put(offset, 8); put(strlen(data), 4); bytes(data, strlen(data));
	end();
}

static void t_fsync(u32 fid, u32 datasync)
{
	begin(TFSYNC); put(fid, 4); put(datasync, 4); end();
}

static void t_flush(u16 oldtag)
{
	begin(TFLUSH); put(oldtag, 2); end();
}

static void t_xattrwalk(u32 fid, u32 newfid, const char *name)
{
	begin(TXATTRWALK); put(fid, 4); put(newfid, 4); str(name); end();
}

static void t_xattrcreate(u32 fid, const char *name, u64 size, u32 flags)
{
	begin(TXATTRCREATE); put(fid, 4); str(name); put(size, 8); put(flags, 4); end();
}

static void t_lock(u8 type, u32 fid, u8 ltype)
{
	begin(type); put(fid, 4); put(ltype, 1);
	if (type == TLOCK)
		put(0, 4);		/* flags */
	put(0, 8); put(100, 8); put(1234, 4); str("client"); end();
}

static void t_lcreate(u32 fid, const char *name, u32 flags, u32 mode)
{
	begin(TLCREATE); put(fid, 4); str(name); put(flags, 4); put(mode, 4); put(0, 4); end();
}

static void t_mkdir(u32 dfid, const char *name, u32 mode)
{
	begin(TMKDIR); put(dfid, 4); str(name); put(mode, 4); put(0, 4); end();
}

static void t_symlink(u32 fid, const char *name, const char *target)
{
	begin(TSYMLINK); put(fid, 4); str(name); str(target); put(0, 4); end();
}

static void t_link(u32 dfid, u32 fid, const char *name)
{
	begin(TLINK); put(dfid, 4); put(fid, 4); str(name); end();
}

static void t_mknod(u32 dfid, const char *name, u32 mode, u32 major, u32 minor)
{
	begin(TMKNOD); put(dfid, 4); str(name); put(mode, 4); put(major, 4);
	put(minor, 4); put(0, 4); end();
}

static void t_rename(u32 fid, u32 dfid, const char *name)
{
	begin(TRENAME); put(fid, 4); put(dfid, 4); str(name); end();
}

static void t_renameat(u32 olddir, const char *oldname, u32 newdir, const char *newname)
{
	begin(TRENAMEAT); put(olddir, 4); str(oldname); put(newdir, 4); str(newname); end();
}

static void t_unlinkat(u32 dfid, const char *name, u32 flags)
{
	begin(TUNLINKAT); put(dfid, 4); str(name); put(flags, 4); end();
}

static void t_setattr(u32 fid, u32 valid, u32 mode, u32 uid, u64 size, u64 sec)
{
	begin(TSETATTR); put(fid, 4); put(valid, 4); put(mode, 4); put(uid, 4);
	put(uid, 4); put(size, 8); put(sec, 8); put(0, 8); put(sec, 8); put(0, 8);
	end();
}

/* Raw bytes as a message of their own, size field and all. */
static void raw(const void *p, size_t len)
{
	bytes(p, len);
}

/* ---- seeds: sessions and walks ----------------------------------------------- */

static void session_seeds(void)
{
	seed(0);
	t_version(8192, "9P2000.L"); t_attach(0, NOFID, "root"); t_getattr(0, 0x7ff); t_clunk(0);
	save("session-version-attach");

	seed(0);
	t_version(0xffffffff, "9P2000.L"); t_attach(0, NOFID, ""); t_statfs(0);
	save("session-version-max-msize");

	seed(0);
	t_version(4095, "9P2000.L"); t_version(4096, "9P2000.L"); t_attach(0, NOFID, "u");
	t_walk(0, 1, "data"); t_lopen(1, L_RDONLY); t_read(1, 0, 8192);
	save("session-version-min-msize");

	seed(0);
	t_version(8192, "9P2000"); t_attach(0, NOFID, "u"); t_version(8192, "9P2000.L.x");
	t_walk(0, 1); t_version(8192, "9P2000.u");
	save("session-version-unknown");

	seed(0);
	t_attach(0, NOFID, "u"); t_walk(0, 1, "file"); t_getattr(0, 0x7ff);
	save("session-no-version");

	seed(F_SESSION);
	t_walk(0, 1, "dir"); t_version(16384, "9P2000.L"); t_walk(1, 2, "sub");
	t_attach(0, NOFID, "u"); t_walk(0, 1, "dir", "sub");
	save("session-reversion-drops-fids");

	seed(F_SESSION | F_MSIZE(15));
	t_attach(0, NOFID, "u"); t_attach(5, 7, "u"); t_auth(7); t_attach(6, NOFID, "u");
	t_walk(6, 7, "file");
	save("session-attach-twice-auth");
}

static void walk_seeds(void)
{
	static const char *const deep16[16] = {
		"dir", "sub", "..", "..", "dir", "sub", "..", "..",
		"dir", "sub", "..", "..", "dir", "sub", "deep", "x",
	};
	static const char *const deep17[17] = {
		"dir", "sub", "..", "..", "dir", "sub", "..", "..",
		"dir", "sub", "..", "..", "dir", "sub", "..", "..", "file",
	};
	char name[300];
	unsigned int i;

	seed(F_SESSION);
	t_walk(0, 1); t_clunk(1); t_clunk(1); t_walk(0, 0); t_walk(0, 2); t_getattr(2, 0x7ff);
	save("walk-clone-clunk");

	seed(F_SESSION);
	t_walk(0, 1, "dir", "sub", "deep"); t_getattr(1, 0x7ff); t_walk(1, 2);
	t_walk(0, 3, "dir"); t_walk(3, 4, "sub"); t_walk(4, 5, "deep");
	save("walk-deep");

	seed(F_SESSION);
	t_walk(0, 1, "dir", "sub", "..", ".."); t_walk(0, 2, "..");
	t_walk(0, 3, "dir", "..", "..", "..", "empty"); t_walk(0, 4, ".");
	t_walk(0, 5, "dir", "."); t_getattr(1, 0x7ff); t_getattr(2, 0x7ff);
	save("walk-dotdot");

	seed(F_SESSION);
	t_walk(0, 1, "dir", "nope", "x"); t_walk(0, 1, "file", "x"); t_walk(0, 1, "nope");
	t_walk(0, 1, "dir", "sub", "deep", "deeper"); t_getattr(1, 0x7ff);
	save("walk-partial");

	seed(F_SESSION);
	t_walk(0, 1, "esc"); t_walk(0, 2, "abs"); t_walk(0, 3, "dot"); t_walk(3, 4, "file");
	t_walk(0, 5, "esc", "x"); t_walk(0, 6, "dot", "dot", "file");
	t_readlink(1); t_readlink(2); t_readlink(3);
	t_lopen(1, L_RDONLY); t_lopen(2, L_RDONLY); t_lopen(3, L_RDONLY | L_DIRECTORY);
	t_read(1, 0, 100); t_read(2, 0, 100); t_readdir(3, 0, 8192);
	save("walk-symlinks");

	seed(F_SESSION);
	t_walkv(0, 1, 16, deep16); t_walkv(0, 2, 15, deep16); t_getattr(2, 0x7ff);
	save("walk-16-elements");

	seed(F_SESSION);
	t_walkv(0, 1, 17, deep17); t_getattr(1, 0x7ff);
	save("walk-17-elements");

	seed(F_SESSION);
	t_walk(0, 1, "dir/sub"); t_walk(0, 1, "/");
	begin(TWALK); put(0, 4); put(1, 4); put(1, 2); strn("fi\0le", 5); end();
	begin(TWALK); put(0, 4); put(1, 4); put(1, 2); strn("file\0", 5); end();
	t_walk(0, 1, "");
	for (i = 0; i < 256; i++)
		name[i] = 'a' + i % 26;
	name[256] = 0;
	t_walk(0, 1, name);
	name[255] = 0;
	t_walk(0, 1, name);
	save("walk-bad-names");

	seed(F_SESSION);
	t_walk(0, 0, "dir"); t_walk(0, 0, "sub"); t_getattr(0, 0x7ff); t_walk(0, 0, "..", "..");
	t_walk(0, 0, "nope"); t_walk(0, 0, "dir", "nope"); t_getattr(0, 0x7ff);
	save("walk-same-fid");

	seed(F_SESSION);
	t_walk(0, 1, "file"); t_lopen(1, L_RDONLY); t_walk(1, 2); t_walk(1, 1, "x");
	t_walk(0, 1, "dir"); t_walk(0, 3); t_walk(0, 3, "file"); t_walk(9, 10);
	save("walk-open-fid-newfid-in-use");

	seed(F_SESSION);
	t_walk(0, 1, "fifo"); t_getattr(1, 0x7ff); t_lopen(1, L_RDONLY); t_lopen(1, L_WRONLY);
	t_walk(0, 2, "hard"); t_getattr(2, 0x7ff); t_lopen(2, L_RDONLY); t_read(2, 0, 64);
	save("walk-fifo-hardlink");

	seed(F_SESSION);
	for (i = 1; i <= 40; i++)
		t_walk(0, i * 7919);
	for (i = 1; i <= 40; i++)
		t_clunk(i * 7919);
	t_walk(0, NOFID); t_walk(0, NOFID - 1, "dir");
	save("walk-many-fids");
}

/* ---- seeds: reading ---------------------------------------------------------- */

static void read_seeds(void)
{
	seed(F_SESSION);
	t_walk(0, 1, "file"); t_walk(0, 2, "data"); t_walk(0, 3, "dir"); t_walk(0, 4, "empty");
	t_walk(0, 5, "fifo"); t_walk(0, 6, "esc"); t_walk(0, 7, "dot");
	t_getattr(0, 0x7ff); t_getattr(1, 0x3fff); t_getattr(2, 0); t_getattr(3, ~0ULL);
	t_getattr(4, 1); t_getattr(5, 0x7ff); t_getattr(6, 0x7ff); t_getattr(7, 0x7ff);
	t_getattr(99, 0x7ff);
	save("getattr-each-kind");

	seed(F_SESSION);
	t_walk(0, 1, "file"); t_lopen(1, L_RDONLY); t_read(1, 0, 100); t_read(1, 5, 100);
	t_read(1, 1000, 10); t_read(1, 0x8000000000000000ULL, 1); t_read(1, 0, 0);
	t_lopen(1, L_RDONLY); t_read(2, 0, 10);
	save("lopen-read-file");

	seed(F_SESSION);
	t_walk(0, 1, "file"); t_lopen(1, L_WRONLY); t_walk(0, 2, "file"); t_lopen(2, L_RDWR);
	t_walk(0, 3, "file"); t_lopen(3, L_NOACCESS); t_walk(0, 4, "file"); t_lopen(4, L_TRUNC);
	t_walk(0, 5, "file"); t_lopen(5, L_APPEND); t_walk(0, 6, "file");
	t_lopen(6, L_RDONLY | L_LARGEFILE | L_NOFOLLOW); t_walk(0, 7, "dir");
	t_lopen(7, L_WRONLY | L_DIRECTORY); t_lopen(7, L_RDONLY | L_DIRECTORY);
	save("lopen-every-mode");

	seed(F_RW | F_SESSION);
	t_walk(0, 1, "file"); t_lopen(1, L_WRONLY); t_walk(0, 2, "data"); t_lopen(2, L_RDWR);
	t_walk(0, 3, "file"); t_lopen(3, L_NOACCESS); t_walk(0, 4, "data"); t_lopen(4, L_RDWR | L_TRUNC);
	t_walk(0, 5, "hard"); t_lopen(5, L_WRONLY | L_APPEND); t_walk(0, 6, "dir");
	t_lopen(6, L_RDWR); t_read(2, 0, 100); t_read(4, 0, 100);
	save("rw-lopen-every-mode");

	seed(F_SESSION);
	t_walk(0, 1, "esc"); t_lopen(1, L_RDONLY); t_walk(0, 2, "dot"); t_lopen(2, L_RDONLY);
	t_walk(0, 3, "file"); t_lopen(3, L_RDONLY); t_lopen(3, L_RDONLY);
	t_read(0, 0, 10); t_walk(0, 4, "dir"); t_lopen(4, L_RDONLY); t_read(4, 0, 10);
	save("lopen-symlink-twice-dir");

	seed(F_SESSION | F_CAP_64);
	t_walk(0, 1, "data"); t_lopen(1, L_RDONLY); t_read(1, 0, 8192); t_read(1, 8990, 100);
	t_getattr(1, 0x7ff); t_statfs(1);
	save("read-cap-64");

	seed(F_SESSION | F_CAP_8192 | F_MSIZE(0));
	t_walk(0, 1, "data"); t_lopen(1, L_RDONLY); t_read(1, 0, 0xffffffff);
	t_read(1, 100, 8192 - 24); t_read(1, 100, 8192 - 23);
	save("read-cap-8192-huge-count");

	seed(F_SESSION | F_MSIZE(7));
	t_walk(0, 1, "data"); t_lopen(1, L_RDONLY); t_read(1, 0, 0xffffffff); t_read(1, 4096, 65536);
	save("read-msize-mid");

	seed(F_SESSION);
	t_walk(0, 1); t_lopen(1, L_RDONLY); t_readdir(1, 0, 8192); t_readdir(1, 0, 30);
	t_readdir(1, 0, 0xffffffff); t_readdir(1, 0x7fffffffffffffffULL, 8192);
	t_readdir(1, 3, 100); t_readdir(0, 0, 8192);
	t_walk(0, 2, "file"); t_lopen(2, L_RDONLY); t_readdir(2, 0, 8192);
	save("readdir-root");

	seed(F_SESSION);
	t_walk(0, 1, "dir"); t_lopen(1, L_RDONLY); t_readdir(1, 0, 8192);
	t_walk(0, 2, "empty"); t_lopen(2, L_RDONLY); t_readdir(2, 0, 8192);
	t_walk(0, 3, "dir", "sub"); t_lopen(3, L_RDONLY | L_DIRECTORY); t_readdir(3, 0, 60);
	t_readdir(3, 0, 61);
	save("readdir-subdirs");

	seed(F_SESSION | F_CAP_64);
	t_walk(0, 1); t_lopen(1, L_RDONLY); t_readdir(1, 0, 8192); t_readdir(1, 1, 8192);
	save("readdir-cap-64");

	seed(F_SESSION);
	t_walk(0, 1, "esc"); t_walk(0, 2, "abs"); t_walk(0, 3, "dot"); t_walk(0, 4, "file");
	t_readlink(1); t_readlink(2); t_readlink(3); t_readlink(4); t_readlink(0); t_readlink(9);
	save("readlink-each");

	seed(F_SESSION);
	t_statfs(0); t_statfs(99); t_walk(0, 1, "fifo"); t_statfs(1); t_walk(0, 2, "esc");
	t_statfs(2);
	save("statfs");

	seed(F_SESSION);
	t_fsync(0, 0); t_fsync(0, 1); t_fsync(9, 0); t_flush(1); t_flush(NOTAG);
	begin(TFLUSH); end();
	t_walk(0, 1, "file"); t_lopen(1, L_RDONLY); t_fsync(1, 1);
	save("fsync-flush");

	seed(F_SESSION);
	t_xattrwalk(0, 1, "user.x"); t_xattrwalk(0, 2, ""); t_xattrwalk(0, 0, "security.selinux");
	t_xattrcreate(0, "user.x", 10, 0); t_xattrcreate(0, "user.x", ~0ULL, 1);
	save("xattr");

	seed(F_SESSION | F_RW);
	t_walk(0, 1, "file"); t_lopen(1, L_RDWR); t_lock(TLOCK, 1, 1); t_lock(TGETLOCK, 1, 0);
	t_lock(TLOCK, 1, 2);
	save("rw-lock-getlock");

	seed(F_SESSION);
	t_walk(0, 1, "file"); t_clunk(1); t_clunk(1); t_clunk(0); t_getattr(0, 0x7ff);
	t_walk(0, 2);
	save("clunk-root");
}

/* ---- seeds: changing the share ----------------------------------------------- */

static void rw_seeds(void)
{
	unsigned int bit;

	seed(F_SESSION | F_RW);
	t_walk(0, 1); t_lcreate(1, "new", L_RDWR | L_CREATE, 0644); t_write(1, 0, "hello");
	t_read(1, 0, 100); t_fsync(1, 0); t_getattr(1, 0x7ff); t_clunk(1);
	t_walk(0, 2, "new"); t_lopen(2, L_RDONLY); t_read(2, 0, 100);
	save("rw-lcreate-write-read");

	seed(F_SESSION | F_RW);
	t_walk(0, 1); t_lcreate(1, "file", L_RDWR | L_CREATE | L_EXCL, 0644);
	t_walk(0, 2); t_lcreate(2, "x/y", L_RDWR | L_CREATE, 0644);
	t_walk(0, 3); t_lcreate(3, "suid", L_WRONLY | L_CREATE | L_TRUNC | L_APPEND, 04777);
	t_walk(0, 4); t_lcreate(4, "..", L_RDWR | L_CREATE, 0644);
	t_walk(0, 5); t_lcreate(5, "fifo", L_RDONLY | L_CREATE, 0);
	t_walk(0, 6, "file"); t_lcreate(6, "x", L_RDWR | L_CREATE, 0644);
	t_walk(0, 7, "dot"); t_lcreate(7, "x", L_RDWR | L_CREATE, 0644);
	save("rw-lcreate-odd");

	seed(F_SESSION | F_RW);
	t_walk(0, 1, "file"); t_lopen(1, L_WRONLY); t_write(1, 0, "xyz");
	t_write(1, 1ULL << 40, "a"); t_write(1, ~0ULL, "b");
	begin(TWRITE); put(1, 4); put(0, 8); put(0xffffffff, 4); bytes("abcd", 4); end();
	t_write(0, 0, "root"); t_walk(0, 2, "hard"); t_lopen(2, L_RDWR | L_APPEND);
	t_write(2, 0, "appended"); t_read(2, 0, 100); t_walk(0, 3, "data");
	t_lopen(3, L_RDONLY); t_write(3, 0, "ro-fid");
	save("rw-write");

	seed(F_SESSION | F_RW);
	t_walk(0, 1, "data"); t_lopen(1, L_RDWR | L_TRUNC); t_getattr(1, 0x7ff); t_write(1, 5, "z");
	t_read(1, 0, 100);
	save("rw-lopen-trunc");

	seed(F_SESSION | F_RW);
	t_mkdir(0, "new", 0755); t_walk(0, 1, "new"); t_mkdir(1, "deeper", 0700);
	t_mkdir(0, "dir", 0755); t_mkdir(0, "..", 0755); t_mkdir(0, ".", 0755);
	t_walk(0, 2, "file"); t_mkdir(2, "x", 0755); t_walk(0, 3, "dot"); t_mkdir(3, "x", 0755);
	t_walk(1, 4, "deeper"); t_lcreate(4, "f", L_WRONLY | L_CREATE, 0600);
	save("rw-mkdir");

	seed(F_SESSION | F_RW);
	t_symlink(0, "l1", "../outside/secret"); t_symlink(0, "l2", "/etc/passwd");
	t_symlink(0, "l3", ""); t_symlink(0, "esc", "x"); t_walk(0, 1, "l1"); t_readlink(1);
	t_lopen(1, L_WRONLY | L_TRUNC); t_walk(0, 2, "l2"); t_setattr(2, A_SIZE, 0, 0, 0, 0);
	begin(TSYMLINK); put(0, 4); str("l4"); strn("a\0b", 3); put(0, 4); end();
	save("rw-symlink");

	seed(F_SESSION | F_RW);
	t_walk(0, 1, "file"); t_link(0, 1, "hard2"); t_walk(0, 2, "dir"); t_link(0, 2, "dir2");
	t_walk(0, 3, "esc"); t_link(0, 3, "esc2"); t_walk(0, 4, "dir", "sub");
	t_link(4, 1, "x"); t_link(1, 1, "x"); t_link(0, 1, "hard"); t_link(0, 0, "root");
	save("rw-link");

	seed(F_SESSION | F_RW);
	t_mknod(0, "fifo2", S_IFIFO_ | 0644, 0, 0); t_mknod(0, "null", S_IFCHR_ | 0666, 1, 3);
	t_mknod(0, "blk", S_IFBLK_ | 0600, 8, 0); t_mknod(0, "sock", S_IFSOCK_ | 0644, 0, 0);
	t_mknod(0, "reg", S_IFREG_ | 0644, 0, 0); t_mknod(0, "zero", 0, 0, 0);
	t_walk(0, 1, "null"); t_lopen(1, L_RDWR);
	save("rw-mknod");

	seed(F_SESSION | F_RW);
	t_walk(0, 1, "file"); t_walk(0, 2, "dir"); t_rename(1, 2, "moved"); t_getattr(1, 0x7ff);
	t_rename(0, 2, "root"); t_walk(0, 3, "esc"); t_rename(3, 2, "esc2");
	t_walk(0, 4, "dir", "sub"); t_rename(2, 4, "loop"); t_rename(1, 2, "..");
	t_rename(1, 1, "x"); t_walk(1, 5);
	save("rw-rename");

	seed(F_SESSION | F_RW);
	t_renameat(0, "file", 0, "file2"); t_renameat(0, "dir", 0, "empty");
	t_renameat(0, "..", 0, "x"); t_walk(0, 1, "dir"); t_renameat(1, "sub", 0, "sub2");
	t_renameat(0, "esc", 1, "esc2"); t_renameat(0, "nope", 0, "x");
	t_renameat(0, "data", 0, "a/b"); t_renameat(0, "empty", 1, "sub");
	save("rw-renameat");

	seed(F_SESSION | F_RW);
	t_unlinkat(0, "file", 0); t_unlinkat(0, "empty", AT_REMOVEDIR_);
	t_unlinkat(0, "dir", AT_REMOVEDIR_); t_unlinkat(0, "dir", 0); t_unlinkat(0, "esc", 0);
	t_unlinkat(0, "..", AT_REMOVEDIR_); t_unlinkat(0, "fifo", 0); t_unlinkat(0, "x", 0xffff);
	t_walk(0, 1, "file");
	save("rw-unlinkat");

	seed(F_SESSION | F_RW);
	t_walk(0, 1, "file"); t_remove(1); t_walk(0, 2, "empty"); t_remove(2);
	t_walk(0, 3, "dir"); t_remove(3); t_walk(0, 4, "esc"); t_remove(4); t_remove(0);
	t_getattr(0, 0x7ff); t_remove(0);
	save("rw-remove");

	seed(F_SESSION | F_RW);
	t_walk(0, 1, "file");
	for (bit = A_MODE; bit <= A_MTIME_SET; bit <<= 1)
		t_setattr(1, bit, 0600, 1000, 3, 1000000000);
	t_getattr(1, 0x7ff);
	save("rw-setattr-each-bit");

	seed(F_SESSION | F_RW);
	t_walk(0, 1, "data"); t_setattr(1, 0x1ff, 0644, 0, 5, 1);
	t_setattr(1, A_SIZE, 0, 0, 1ULL << 40, 0); t_setattr(1, A_SIZE, 0, 0, ~0ULL, 0);
	t_setattr(1, A_MODE, 07777, 0, 0, 0); t_setattr(1, A_MODE, S_IFCHR_ | 0644, 0, 0, 0);
	t_setattr(1, A_UID | A_GID, 0, 65534, 0, 0); t_setattr(1, 0xfffffe00, 0, 0, 0, 0);
	t_setattr(1, A_ATIME_SET | A_MTIME_SET, 0, 0, 0, ~0ULL);
	save("rw-setattr-odd");

	seed(F_SESSION | F_RW);
	t_walk(0, 1, "esc"); t_setattr(1, A_SIZE, 0, 0, 0, 0); t_setattr(1, A_MODE, 0777, 0, 0, 0);
	t_setattr(1, A_MTIME | A_MTIME_SET, 0, 0, 0, 5); t_setattr(1, A_UID, 0, 1000, 0, 0);
	t_walk(0, 2, "abs"); t_setattr(2, A_SIZE, 0, 0, 0, 0); t_walk(0, 3, "dot");
	t_setattr(3, A_MODE, 0, 0, 0, 0); t_link(0, 1, "e2"); t_walk(0, 4, "e2");
	t_lopen(4, L_WRONLY | L_TRUNC); t_write(4, 0, "pwned");
	save("rw-escape-through-links");

	seed(F_SESSION | F_RW);
	t_mkdir(0, "a", 0755); t_walk(0, 1, "a"); t_mkdir(1, "b", 0755);
	t_lcreate(1, "f", L_WRONLY | L_CREATE, 0); t_walk(0, 2, "a"); t_setattr(2, A_MODE, 0, 0, 0, 0);
	t_walk(0, 3, "dir"); t_setattr(3, A_MODE, 0, 0, 0, 0);
	save("rw-mkdir-chmod-0");

	/* replies with a qid do not fit in 11 bytes: ENOBUFS, nothing made */
	seed(F_SESSION | F_RW | F_CAP_11);
	t_mkdir(0, "new", 0755); t_walk(0, 1); t_lcreate(1, "new", L_RDWR | L_CREATE, 0644);
	t_symlink(0, "l", "file"); t_walk(0, 2, "file");
	save("rw-cap-11-enobufs");

	seed(F_SESSION | F_RW | F_CAP_64 | F_MSIZE(15));
	t_walk(0, 1); t_lcreate(1, "new", L_RDWR | L_CREATE, 0644); t_write(1, 0, "0123456789");
	t_read(1, 0, 100); t_mkdir(0, "d", 0755); t_readlink(0);
	save("rw-cap-64");

	/* the same requests on a read-only share: EROFS, nothing changed */
	seed(F_SESSION);
	t_walk(0, 1); t_lcreate(1, "new", L_RDWR | L_CREATE, 0644);
	t_walk(0, 2, "file"); t_lopen(2, L_RDONLY); t_write(2, 0, "x");
	t_mkdir(0, "d", 0755); t_symlink(0, "l", "file"); t_link(0, 2, "h");
	t_mknod(0, "n", S_IFIFO_ | 0644, 0, 0); t_walk(0, 3, "data"); t_rename(3, 0, "m");
	t_renameat(0, "data", 0, "m"); t_unlinkat(0, "file", 0);
	t_setattr(3, A_MODE | A_SIZE, 0, 0, 0, 0); t_remove(3);
	save("ro-every-change-erofs");

	seed(F_RW);
	t_version(8192, "9P2000.L"); t_mkdir(0, "d", 0755); t_attach(0, NOFID, "u");
	t_mkdir(0, "d", 0755);
	save("rw-mkdir-before-attach");
}

/* ---- seeds: malformed messages ----------------------------------------------- */

static void malformed_seeds(void)
{
	static const u8 types[] = {
		TLERROR, RLERROR, TSTATFS, RSTATFS, TLOPEN, TLCREATE, TSYMLINK,
		TMKNOD, TRENAME, TREADLINK, TGETATTR, TSETATTR, TXATTRWALK,
		TXATTRCREATE, TREADDIR, TFSYNC, TLOCK, TGETLOCK, TLINK, TMKDIR,
		TRENAMEAT, TUNLINKAT, TVERSION, RVERSION, TAUTH, TATTACH, TFLUSH,
		TWALK, TREAD, TWRITE, TCLUNK, TREMOVE, 0, 255,
	};
	unsigned int i;

	seed(F_SESSION);
	raw("\x03\x00\x00", 3);
	save("malformed-short");

	seed(F_SESSION);
	t_statfs(0);
	raw("\x64\x00\x00\x00\x78\x01\x00\x00\x00\x00\x00", 11);	/* says 100 */
	save("malformed-size-past-end");

	seed(F_SESSION);
	raw("\x05\x00\x00\x00\x78\x01\x00\x00\x00", 9);		/* says 5 */
	save("malformed-size-below-header");

	seed(F_SESSION);
	raw("\x00\x00\x00\x00\x78\x01\x00\x00\x00\x00\x00", 11);
	save("malformed-size-zero");

	/* size fields shorter than the body: the rest frames the next message */
	seed(F_SESSION);
	begin(TWALK); put(0, 4); put(1, 4); put(1, 2); str("dir"); end();
	sd.b[sd.msg] -= 3;
	t_getattr(0, 0x7ff);
	begin(TGETATTR); put(0, 4); put(0x7ff, 8); end();
	sd.b[sd.msg] -= 4;
	save("malformed-size-short-of-body");

	seed(F_SESSION);
	begin(TATTACH); put(1, 4); put(NOFID, 4); put(0xffff, 2); bytes("ab", 2); end();
	begin(TWALK); put(0, 4); put(1, 4); put(1, 2); put(0x100, 2); bytes("dir", 3); end();
	begin(TVERSION); put(8192, 4); put(9, 2); bytes("9P2000.L", 8); end();
	save("malformed-string-past-end");

	seed(F_SESSION);
	t_walk(0, 1, "data"); t_lopen(1, L_RDONLY); t_read(1, 0, 0xffffffff);
	t_walk(0, 2); t_lopen(2, L_RDONLY); t_readdir(2, 0, 0xffffffff);
	begin(TWRITE); put(1, 4); put(0, 8); put(0xffffffff, 4); bytes("abcd", 4); end();
	begin(TWALK); put(0, 4); put(3, 4); put(0xffff, 2); str("dir"); end();
	t_xattrcreate(0, "user.x", 1ULL << 63, 0);
	save("malformed-huge-counts");

	seed(F_SESSION);
	begin(TCLUNK); put(0, 4); put(0, 8); put(0, 2); end();
	begin(TGETATTR); put(0, 4); put(0x7ff, 4); end();
	begin(TLOPEN); put(0, 4); end();
	begin(TREAD); put(0, 4); put(0, 8); end();
	save("malformed-trailing-and-missing");

	/* every type with no body at all */
	seed(F_SESSION);
	for (i = 0; i < sizeof(types); i++) {
		begin(types[i]);
		end();
	}
	save("malformed-header-only-every-type");

	seed(F_SESSION | F_CAP_11);
	t_version(8192, "9P2000.L"); t_attach(0, NOFID, "u"); t_walk(0, 1, "file");
	t_getattr(0, 0x7ff); t_clunk(0);
	save("cap-11");

	seed(F_CAP_11 | F_SESSION | F_RW);
	t_walk(0, 1, "dir"); t_lcreate(1, "x", L_RDWR | L_CREATE, 0644);
	save("rw-cap-11-walk-lcreate");

	seed(F_SESSION | F_CAP_64);
	t_walk(0, 1, "dir", "sub", "deep"); t_walk(0, 2, "dir", "sub", "..", "..", "dir");
	t_getattr(0, 0x7ff); t_readlink(0);
	save("cap-64-walk-getattr");
}

/* ---- seeds: what fuzzing found ---------------------------------------------- */

static void crash_seeds(void)
{
	unsigned int i;

	/*
	 * Trename handed its fid's own path to moved() as the old path: the
	 * fid's path was freed and replaced there, and every fid looked at
	 * after it compared with the freed string (a use after free, since
	 * fixed).  Which fids come after depends on the fid hash's random
	 * seed: with 200 fids, nearly always some.
	 */
	seed(F_SESSION | F_RW);
	t_walk(0, 1, "file"); t_walk(0, 2, "dir");
	for (i = 3; i < 200; i++)
		t_walk(0, i);
	t_rename(1, 2, "moved");
	save("crash-rename-moved-uaf");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_9p_corpus DIR: writes fuzz_9p's seeds into DIR\n");
		return 2;
	}
	out_dir = argv[1];
	session_seeds();
	walk_seeds();
	read_seeds();
	rw_seeds();
	malformed_seeds();
	crash_seeds();
	printf("gen_9p_corpus: %u seeds in %s\n", nr_seeds, out_dir);
	return 0;
}
