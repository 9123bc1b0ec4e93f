// SPDX-License-Identifier: GPL-2.0
/*
 * dt.c - just enough of a flattened device tree reader for payloads: "reg"
 * entries, 32-bit cells and strings of nodes matched by path prefix or
 * compatible.
 * The blob comes from the vmm (trusted as far as a payload goes), but the
 * walk still stays inside its declared size.
 */
#include "fw.h"

#define FDT_MAGIC	0xd00dfeed
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9
#define DT_MAX_DEPTH	16
#define DT_MAX_PATH	128

static const u8 *blob;
static u32 blob_size;

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u64 cells(const u8 *p, u32 n)
{
	u64 v = 0;

	while (n--) {
		v = v << 32 | be32(p);
		p += 4;
	}
	return v;
}

void dt_init(const void *fdt)
{
	const u8 *p = fdt;

	if (!p || be32(p) != FDT_MAGIC) {
		check(false, "no device tree at x0 (%p)", fdt);
		return;
	}
	blob = p;
	blob_size = be32(p + 4);
}

static bool has_compatible(const u8 *val, u32 len, const char *want)
{
	u32 off = 0;

	while (off < len) {
		const char *s = (const char *)val + off;

		if (!strcmp(s, want))
			return true;
		off += strlen(s) + 1;
	}
	return false;
}

struct walk {
	const char	*match;
	const char	*prop;		/* the property wanted */
	unsigned int	index, seen;
	u32		acells[DT_MAX_DEPTH], scells[DT_MAX_DEPTH];
	const u8	*val;		/* the node's @prop, once seen */
	u32		len;
	bool		matches;
	/* the entry size in bytes: "reg" from the parent's cells, else 4 */
	bool		is_reg;
	bool		is_string;	/* the whole value, a NUL-terminated string */
};

/*
 * The node at @depth has all its properties: does its @prop hold entry
 * @index (counted across matching nodes)?  Sets @cell to the entry.
 */
static bool node_done(struct walk *w, int depth, const u8 **cell,
		      u32 *ac, u32 *sc)
{
	u32 entry, n;

	if (depth < 1 || !w->matches || !w->val)
		return false;
	if (w->is_string) {
		if (!w->len || w->val[w->len - 1])
			return false;
		*cell = w->val;
		return true;
	}
	*ac = w->is_reg ? w->acells[depth - 1] : 1;
	*sc = w->is_reg ? w->scells[depth - 1] : 0;
	entry = (*ac + *sc) * 4;
	if (!entry || *ac > 2 || *sc > 2)
		return false;
	n = w->len / entry;
	if (w->index >= w->seen + n) {
		w->seen += n;
		return false;
	}
	*cell = w->val + (w->index - w->seen) * entry;
	return true;
}

static const u8 *dt_find(const char *match, const char *prop,
			 unsigned int index, u32 *ac, u32 *sc);

const char *dt_string(const char *match, const char *prop)
{
	u32 ac, sc;

	return (const char *)dt_find(match, prop, ~0U, &ac, &sc);
}

bool dt_reg(const char *match, unsigned int index, u64 *base, u64 *size)
{
	const u8 *cell;
	u32 ac, sc;

	cell = dt_find(match, "reg", index, &ac, &sc);
	if (!cell)
		return false;
	*base = cells(cell, ac);
	*size = cells(cell + ac * 4, sc);
	return true;
}

bool dt_u32(const char *match, const char *prop, unsigned int index, u32 *val)
{
	const u8 *cell;
	u32 ac, sc;

	cell = dt_find(match, prop, index, &ac, &sc);
	if (!cell)
		return false;
	*val = be32(cell);
	return true;
}

static const u8 *dt_find(const char *match, const char *prop,
			 unsigned int index, u32 *ac, u32 *sc)
{
	struct walk w = {
		.match = match, .prop = prop, .index = index,
		.is_reg = !strcmp(prop, "reg"),
		.is_string = index == ~0U,
	};
	const u8 *cell;
	char path[DT_MAX_PATH] = "";
	size_t plen[DT_MAX_DEPTH];
	const char *strings;
	u32 off, end;
	int depth = -1;

	if (!blob)
		return NULL;
	off = be32(blob + 8);			/* off_dt_struct */
	strings = (const char *)blob + be32(blob + 12);
	end = blob_size;

	while (off + 4 <= end) {
		u32 tok = be32(blob + off);
		const char *name;
		u32 len;

		off += 4;
		switch (tok) {
		case FDT_BEGIN_NODE:
			if (node_done(&w, depth, &cell, ac, sc))
				return cell;
			name = (const char *)blob + off;
			off += ALIGN_UP(strlen(name) + 1, 4);
			if (++depth >= DT_MAX_DEPTH)
				return NULL;
			plen[depth] = strlen(path);
			if (depth > 0 && plen[depth] + strlen(name) + 2 < sizeof(path)) {
				path[plen[depth]] = '/';
				memcpy(path + plen[depth] + 1, name, strlen(name) + 1);
			}
			w.acells[depth] = 2;		/* defaults, DT spec 2.3.5 */
			w.scells[depth] = 1;
			w.val = NULL;
			/* a path matches by prefix: "/cpus/cpu" takes "/cpus/cpu@1" */
			w.matches = match[0] == '/' && strlen(match) <= strlen(path) &&
				    !memcmp(path, match, strlen(match));
			break;
		case FDT_PROP:
			len = be32(blob + off);
			name = strings + be32(blob + off + 4);
			if (off + 8 + len > end)
				return NULL;
			if (!strcmp(name, "#address-cells"))
				w.acells[depth] = be32(blob + off + 8);
			if (!strcmp(name, "#size-cells"))
				w.scells[depth] = be32(blob + off + 8);
			if (!strcmp(name, prop)) {
				w.val = blob + off + 8;
				w.len = len;
			}
			if (!strcmp(name, "compatible") && match[0] != '/' &&
			    has_compatible(blob + off + 8, len, match))
				w.matches = true;
			off += 8 + ALIGN_UP(len, 4);
			break;
		case FDT_END_NODE:
			if (node_done(&w, depth, &cell, ac, sc))
				return cell;
			w.matches = false;
			if (depth < 0)
				return NULL;
			path[plen[depth]] = '\0';
			depth--;
			break;
		case FDT_NOP:
			break;
		default:
			return NULL;
		}
	}
	return NULL;
}

bool bootarg(const char *word)
{
	const char *p = dt_string("/chosen", "bootargs");
	size_t n = strlen(word);

	while (p && *p) {
		while (*p == ' ')
			p++;
		if (!memcmp(p, word, n) && (p[n] == ' ' || !p[n]))
			return true;
		while (*p && *p != ' ')
			p++;
	}
	return false;
}
