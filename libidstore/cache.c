/* cache.c: reading the NSS cache file.  Linked into libnss_idportal.so.2,
 * so: no log, no lock, no network, no state outside struct ids_cache. */
#include "cache.h"
#include "rc.h"

#include <sys/mman.h>

#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC		"IDPCACHE"
#define HEADER_LEN	32
#define TOC_LEN		2048	/* the smallest cdb: its table of tables */

struct ids_cache {
	struct cdb	 db;		/* the mapping; copied per lookup */
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	struct timespec	 ctime;		/* chmod and chown change it */
	uint32_t	 nusers;
	uint32_t	 ngroups;
	uint64_t	 written;
};

int
ids_cache_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > IDS_CACHE_NAME_MAX || s[0] == '+' ||
	    s[0] == '-')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch <= 0x20 || ch == 0x7f || ch == ':' || ch == ',')
			return 0;
	}
	return 1;
}

int
ids_cache_field_ok(const char *s, size_t len)
{
	size_t i;

	if (len > IDS_CACHE_FIELD_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch == 0x7f || ch == ':')
			return 0;
	}
	return 1;
}

int
ids_cache_id_ok(uint32_t id)
{
	/* 0 would be root; (uid_t)-1 means "no change" to setreuid(). */
	return id != 0 && id != UINT32_MAX;
}

uint32_t
ids_cache_gid(const unsigned char *gids, uint32_t i)
{
	return cdb_unpack(gids + 4 * (size_t)i);
}

/* The value of key, or IDS_ENOTFOUND / IDS_EINVAL (cdb saw a bad
 * offset).  The struct cdb is a copy: cdb_find() writes into it. */
static int
find(const struct ids_cache *c, const void *key, unsigned klen,
    const unsigned char **val, unsigned *vlen)
{
	struct cdb db = c->db;
	int r;

	if ((r = cdb_find(&db, key, klen)) < 0)
		return IDS_EINVAL;
	if (r == 0)
		return IDS_ENOTFOUND;
	*vlen = cdb_datalen(&db);
	if ((*val = cdb_getdata(&db)) == NULL)
		return IDS_EINVAL;
	return IDS_OK;
}

/* Key: one tag byte, then a name or a 32-bit number. */
static int
find_name(const struct ids_cache *c, char tag, const char *name,
    const unsigned char **val, unsigned *vlen)
{
	char key[1 + IDS_CACHE_NAME_MAX];
	size_t len = strnlen(name, IDS_CACHE_NAME_MAX + 1);

	if (!ids_cache_name_ok(name, len))
		return IDS_ENOTFOUND;
	key[0] = tag;
	memcpy(key + 1, name, len);
	return find(c, key, (unsigned)(1 + len), val, vlen);
}

static int
find_num(const struct ids_cache *c, char tag, uint32_t n,
    const unsigned char **val, unsigned *vlen)
{
	unsigned char key[5];

	key[0] = (unsigned char)tag;
	cdb_pack(n, key + 1);
	return find(c, key, sizeof(key), val, vlen);
}

/* A 4-byte index record: the position it names, below max. */
static int
find_index(const struct ids_cache *c, char tag, const char *name,
    uint32_t num, uint32_t max, uint32_t *i)
{
	const unsigned char *v;
	unsigned vlen;
	int rc;

	rc = name != NULL ? find_name(c, tag, name, &v, &vlen) :
	    find_num(c, tag, num, &v, &vlen);
	if (rc != IDS_OK)
		return rc;
	if (vlen != 4 || (*i = cdb_unpack(v)) >= max)
		return IDS_EINVAL;
	return IDS_OK;
}

/* The string at *p, within end, as a name or a field; moves *p past its
 * NUL. */
static int
take(const char **p, const char *end, int name, const char **out)
{
	const char *nul;
	size_t len;

	if (*p >= end || (nul = memchr(*p, '\0', (size_t)(end - *p))) == NULL)
		return 0;
	len = (size_t)(nul - *p);
	if (!(name ? ids_cache_name_ok(*p, len) : ids_cache_field_ok(*p,
	    len)))
		return 0;
	*out = *p;
	*p = nul + 1;
	return 1;
}

static int
parse_user(const unsigned char *v, unsigned vlen, struct ids_cache_pw *pw)
{
	const char *p = (const char *)v + 8, *end = (const char *)v + vlen;

	if (vlen < 8 + 4)
		return IDS_EINVAL;
	pw->uid = cdb_unpack(v);
	pw->gid = cdb_unpack(v + 4);
	if (!ids_cache_id_ok(pw->uid) || !ids_cache_id_ok(pw->gid) ||
	    !take(&p, end, 1, &pw->name) || !take(&p, end, 0, &pw->gecos) ||
	    !take(&p, end, 0, &pw->home) || !take(&p, end, 0, &pw->shell) ||
	    p != end)
		return IDS_EINVAL;
	pw->strsize = vlen - 8;
	return IDS_OK;
}

static int
parse_group(const unsigned char *v, unsigned vlen, struct ids_cache_gr *gr)
{
	const char *p = (const char *)v + 8, *end = (const char *)v + vlen;
	const char *m;
	uint32_t i;

	if (vlen < 8 + 2)
		return IDS_EINVAL;
	gr->gid = cdb_unpack(v);
	gr->nmem = cdb_unpack(v + 4);
	/* Each member takes at least two bytes: bound the walk first. */
	if (!ids_cache_id_ok(gr->gid) || gr->nmem > (vlen - 8) / 2 ||
	    !take(&p, end, 1, &gr->name))
		return IDS_EINVAL;
	gr->namesize = (size_t)(p - gr->name);
	gr->members = p;
	for (i = 0; i < gr->nmem; i++)
		if (!take(&p, end, 1, &m))
			return IDS_EINVAL;
	if (p != end)
		return IDS_EINVAL;
	gr->memsize = (size_t)(end - gr->members);
	return IDS_OK;
}

int
ids_cache_user_at(const struct ids_cache *c, uint32_t i,
    struct ids_cache_pw *out)
{
	const unsigned char *v;
	unsigned vlen;
	int rc;

	if (i >= c->nusers)
		return IDS_ENOTFOUND;
	if ((rc = find_num(c, 'p', i, &v, &vlen)) != IDS_OK)
		return rc == IDS_ENOTFOUND ? IDS_EINVAL : rc;
	return parse_user(v, vlen, out);
}

int
ids_cache_user_by_name(const struct ids_cache *c, const char *name,
    struct ids_cache_pw *out)
{
	uint32_t i;
	int rc;

	if ((rc = find_index(c, 'n', name, 0, c->nusers, &i)) != IDS_OK ||
	    (rc = ids_cache_user_at(c, i, out)) != IDS_OK)
		return rc;
	return strcmp(out->name, name) == 0 ? IDS_OK : IDS_EINVAL;
}

int
ids_cache_user_by_uid(const struct ids_cache *c, uint32_t uid,
    struct ids_cache_pw *out)
{
	uint32_t i;
	int rc;

	if ((rc = find_index(c, 'u', NULL, uid, c->nusers, &i)) != IDS_OK ||
	    (rc = ids_cache_user_at(c, i, out)) != IDS_OK)
		return rc;
	return out->uid == uid ? IDS_OK : IDS_EINVAL;
}

int
ids_cache_group_at(const struct ids_cache *c, uint32_t i,
    struct ids_cache_gr *out)
{
	const unsigned char *v;
	unsigned vlen;
	int rc;

	if (i >= c->ngroups)
		return IDS_ENOTFOUND;
	if ((rc = find_num(c, 'g', i, &v, &vlen)) != IDS_OK)
		return rc == IDS_ENOTFOUND ? IDS_EINVAL : rc;
	return parse_group(v, vlen, out);
}

int
ids_cache_group_by_name(const struct ids_cache *c, const char *name,
    struct ids_cache_gr *out)
{
	uint32_t i;
	int rc;

	if ((rc = find_index(c, 'N', name, 0, c->ngroups, &i)) != IDS_OK ||
	    (rc = ids_cache_group_at(c, i, out)) != IDS_OK)
		return rc;
	return strcmp(out->name, name) == 0 ? IDS_OK : IDS_EINVAL;
}

int
ids_cache_group_by_gid(const struct ids_cache *c, uint32_t gid,
    struct ids_cache_gr *out)
{
	uint32_t i;
	int rc;

	if ((rc = find_index(c, 'G', NULL, gid, c->ngroups, &i)) != IDS_OK ||
	    (rc = ids_cache_group_at(c, i, out)) != IDS_OK)
		return rc;
	return out->gid == gid ? IDS_OK : IDS_EINVAL;
}

int
ids_cache_groups_of(const struct ids_cache *c, const char *name,
    const unsigned char **gids, uint32_t *n)
{
	const unsigned char *v;
	unsigned vlen;
	uint32_t i;
	int rc;

	if ((rc = find_name(c, 'i', name, &v, &vlen)) != IDS_OK)
		return rc;
	if (vlen < 4 || (vlen - 4) % 4 != 0 ||
	    (*n = cdb_unpack(v)) != (vlen - 4) / 4)
		return IDS_EINVAL;
	*gids = v + 4;
	for (i = 0; i < *n; i++)
		if (!ids_cache_id_ok(ids_cache_gid(*gids, i)))
			return IDS_EINVAL;
	return IDS_OK;
}

static int
read_header(struct ids_cache *c)
{
	const unsigned char *v;
	unsigned vlen;
	int rc;

	if ((rc = find(c, "H", 1, &v, &vlen)) != IDS_OK)
		return IDS_EINVAL;
	if (vlen != HEADER_LEN || memcmp(v, MAGIC, 8) != 0 ||
	    cdb_unpack(v + 8) != IDS_CACHE_VERSION)
		return IDS_EINVAL;
	c->nusers = cdb_unpack(v + 12);
	c->ngroups = cdb_unpack(v + 16);
	c->written = (uint64_t)cdb_unpack(v + 24) |
	    (uint64_t)cdb_unpack(v + 28) << 32;
	/* Every user and group takes more than 16 bytes of records. */
	if (c->nusers > c->size / 16 || c->ngroups > c->size / 16)
		return IDS_EINVAL;
	return IDS_OK;
}

int
ids_cache_open(const char *path, struct ids_cache **out)
{
	struct ids_cache *c = NULL;
	struct stat st;
	int fd, rc;

	*out = NULL;
	/* O_NONBLOCK: a FIFO at the path must not hang every lookup. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1)
		return errno == ENOENT || errno == ENOTDIR ? IDS_ENOTFOUND :
		    IDS_ESYS;
	if (fstat(fd, &st) == -1) {
		rc = IDS_ESYS;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
	    (st.st_uid != 0 && st.st_uid != geteuid())) {
		rc = IDS_EPERM;
		goto out;
	}
	if (st.st_size < TOC_LEN || (uint64_t)st.st_size > UINT32_MAX) {
		rc = IDS_EINVAL;
		goto out;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		rc = IDS_ENOMEM;
		goto out;
	}
	if (cdb_init(&c->db, fd) != 0) {
		rc = IDS_ESYS;
		goto out;
	}
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	c->size = st.st_size;
	c->mtime = st.st_mtim;
	c->ctime = st.st_ctim;
	if ((rc = read_header(c)) != IDS_OK)
		goto out;
	*out = c;
	c = NULL;
out:
	ids_cache_close(c);
	close(fd);	/* the mapping stays */
	return rc;
}

void
ids_cache_close(struct ids_cache *c)
{
	if (c == NULL)
		return;
	cdb_free(&c->db);
	free(c);
}

int
ids_cache_is(const struct ids_cache *c, const struct stat *st)
{
	return c->dev == st->st_dev && c->ino == st->st_ino &&
	    c->size == st->st_size && c->mtime.tv_sec == st->st_mtim.tv_sec &&
	    c->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	    c->ctime.tv_sec == st->st_ctim.tv_sec &&
	    c->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

uint32_t
ids_cache_nusers(const struct ids_cache *c)
{
	return c->nusers;
}

uint32_t
ids_cache_ngroups(const struct ids_cache *c)
{
	return c->ngroups;
}

time_t
ids_cache_written(const struct ids_cache *c)
{
	return (time_t)c->written;
}
